//! Results: what happened to each scenario ([`ScenarioResult`], gathered by the runner's
//! cucumber writer); [`junit`] writes JUnit XML from it and the journal, [`results`] a
//! machine-readable summary, [`html`] a page for people, [`msc`] a message sequence chart of
//! each scenario, [`cucumber`] Cucumber JSON for test management tools; [`merge`] puts the
//! report folders of sharded runs back together; [`bundle`] packs a report folder into a
//! signed zip for an assessor and verifies one.

pub mod bundle;
pub mod cucumber;
mod folder;
pub mod html;
pub mod junit;
pub mod load;
pub mod merge;
pub mod msc;
pub mod results;
mod scenario;
mod xml;

pub use folder::{TITLE, write_folder};
pub use scenario::{PlannedStep, ScenarioResult, Source, Status, StepResult, Warning};
