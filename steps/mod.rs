//! Step definitions: thin glue from a Gherkin phrase to the engine's [`Session`], one module
//! per domain. Each module starts with the list of the phrases it implements; together they
//! are the glossary scenario authors read (`mhhs-qual steps` prints it).
//!
//! [`Session`]: crate::session::Session

mod appointment;
mod data;
mod delivery;
mod distributor;
mod faults;
mod flow;
mod glossary;
mod load;
mod metering;
mod params;
mod signatures;
mod submission;
pub mod world;

pub use glossary::{Entry, entries, glossary};
pub use params::PARAMETERS;
pub use world::QualWorld;
