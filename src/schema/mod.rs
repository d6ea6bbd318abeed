//! Interface facts as data: the catalogue of every IF/PUB/REP id, the JSON Schemas of the DIP
//! envelope and of each event variant, and the market's business rules that the schemas do
//! not express (DOMAIN.md §7).

mod catalogue;
pub mod diff;
mod fast;
mod finding;
pub mod import;
pub mod rules;
mod set;
mod validate;

pub use catalogue::{Catalogue, Interface};
pub use finding::{Finding, FindingKind};
pub use set::{SchemaError, SchemaSet};
pub use validate::{FileVerdict, validate_body};
