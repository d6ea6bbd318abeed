//! Stand-ins until prompts land.

use serde_json::Value;

use super::{Session, StepFailure};

/// What a prompt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptOutcome {
    Accepted,
    Declined,
}

impl Session {
    /// Prompts the system.
    pub async fn prompt(
        &mut self,
        action: &str,
        _input: Value,
    ) -> Result<PromptOutcome, StepFailure> {
        Err(StepFailure::setup(format!("no prompt for {action}")))
    }
}
