//! Running packs: the [`Harness`] (everything one run shares), the [`Session`] each scenario
//! works through, the feature sources, and the run itself with its reports and exit status.

mod features;
mod harness;
mod run;
mod session;

pub use features::{FeatureError, FeatureSource, Features, PACKS};
pub use harness::{Harness, HarnessOptions, Participant, egress_client};
pub use run::{RunError, RunOptions, RunOutcome, run};
pub use session::{Mutation, Session, StepFailure};
