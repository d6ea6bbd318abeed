//! Stand-ins until warnings and prompts land.

use serde_json::Value;

use super::{Session, StepFailure};

/// What a prompt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptOutcome {
    Accepted,
    Declined,
}

impl Session {
    /// Records a warning.
    pub fn warn(&mut self, rule: &str, text: impl Into<String>) {
        tracing::warn!("{rule}: {}", text.into());
    }

    /// Prompts the system.
    pub async fn prompt(&mut self, action: &str, _input: Value) -> Result<PromptOutcome, StepFailure> {
        Err(StepFailure::setup(format!("no prompt for {action}")))
    }
}
