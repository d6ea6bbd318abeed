//! Import of Elexon's official DIP API specification (unresolved OpenAPI 3.0 YAML, the
//! `elexon-data/dip-api-documentation` repository) into a schema folder laid out like
//! `schemas/`, so that [`super::SchemaSet::from_dir`] loads it unchanged.
//!
//! The import runs offline at the user's site (or in tests, into temporary folders): nothing
//! of the specification is stored in this repository.

mod convert;
mod importer;
mod yaml;

pub use importer::{IMPORTED_BASE, ImportError, ImportSummary, Unconverted, import};
pub use yaml::{YamlError, load_yaml};
