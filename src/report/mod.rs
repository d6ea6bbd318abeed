//! Results: a cucumber writer of our own ([`Collector`]) gathers what happened to each
//! scenario; [`junit`] writes JUnit XML from it and the journal, [`results`] a machine-readable
//! summary, [`html`] a page for people.

mod collector;
pub mod html;
pub mod junit;
pub mod results;
mod xml;

pub use collector::{
    Collected, Collector, ScenarioResult, Status, StepResult, scenario_key as collector_key,
};
