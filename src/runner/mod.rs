//! Cucumber glue: packs and their features, and the run itself (cucumber with our collector,
//! the harness of the session layer, the reports and the exit status).

pub mod check;
mod collector;
pub mod contract;
pub mod docs;
mod features;
mod packs;
mod run;
pub mod scaffold;
mod shard;

pub use collector::{Collected, Collector, pending, scenario_key};
pub use cucumber::gherkin::StepType;
pub use features::{Catch, FeatureError, FeatureSource, Features, catches, warns};
pub use packs::{Manifest, Pack};
pub use run::{
    PackNeeds, Plan, Planned, RunError, RunOptions, RunOutcome, plan, run, write_report,
};
pub use shard::{Shard, ShardError};
