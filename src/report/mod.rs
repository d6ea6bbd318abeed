//! Results: what happened to each scenario ([`ScenarioResult`], gathered by the runner's
//! cucumber writer); [`junit`] writes JUnit XML from it and the journal, [`results`] a
//! machine-readable summary, [`html`] a page for people; [`bundle`] packs a report folder into
//! a signed zip for an assessor and verifies one.

pub mod bundle;
pub mod html;
pub mod junit;
pub mod results;
mod scenario;
mod xml;

pub use scenario::{ScenarioResult, Status, StepResult};
