//! `mhhs-qual check`: feedback on feature files before anything runs, for authors in their
//! editor and reviewers in CI. Everything is read from the step glossary, the shipped
//! schemas (catalogue, roles, response codes), the contract sections, each pack's
//! `pack.toml` and the faults of its role's reference participant; nothing is specific to
//! one pack.

mod feature;
mod finding;
mod glossary;
mod lines;
mod run;
pub mod sarif;
mod source;
mod values;

pub use feature::{Use, qt_shape, taken_by};
pub use finding::{Finding, Rule, Severity};
pub use glossary::{Glossary, Lookup, Phrase};
pub use run::{CheckError, Checked, check, check_packs};
pub use source::MAX_BYTES;
pub use values::Values;
