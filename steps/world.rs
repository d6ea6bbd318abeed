//! The cucumber world: one per scenario, holding the scenario's [`Session`].

use std::sync::Arc;

use crate::session::{Harness, Session, StepFailure};

tokio::task_local! {
    /// The harness of the run in progress, for worlds created while it runs.
    pub static HARNESS: Arc<Harness>;
}

/// The world of one scenario.
#[derive(Debug, Default, cucumber::World)]
pub struct QualWorld {
    session: Option<Session>,
    /// The results of the load the scenario ran, if it ran one.
    pub load: Option<crate::report::load::LoadReport>,
}

impl QualWorld {
    /// Starts the scenario's session under its journal key.
    pub fn begin(&mut self, key: String) {
        if let Ok(h) = HARNESS.try_with(Clone::clone) {
            self.session = Some(Session::new(h, key));
        }
    }

    /// The scenario's session.
    pub fn session(&mut self) -> Result<&mut Session, StepFailure> {
        self.session
            .as_mut()
            .ok_or_else(|| StepFailure::setup("no harness is running for this scenario"))
    }
}
