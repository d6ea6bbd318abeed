//! Prompts (CONTRACT-ROLES.md §6.7): asking the system for work that has no DIP trigger, then
//! judging the DIP traffic that follows as after a delivery.

use std::fmt::Write as _;

use serde_json::Value;

use super::{Session, StepFailure};
use crate::journal::{Body, Direction, Entry, Verdict};
use crate::prompt::PromptOutcome;

impl Session {
    /// Asks the system for `action` with its JSON `input` through the harness's prompter and
    /// records the prompt in the scenario's journal as a note (the action, the JSON, the
    /// outcome and what the system printed). What the system submits from here on is awaited
    /// as after a delivery: [`Session::delivery_mark`] is set to the journal's last entry
    /// before the prompt. A prompt that goes wrong (any exit status but 0 and 3, a timeout, a
    /// command that cannot start, a refusal) fails the step naming the command and its stderr.
    pub async fn prompt(
        &mut self,
        action: &str,
        input: Value,
    ) -> Result<PromptOutcome, StepFailure> {
        let me = self.system();
        let prompter = if self.target.is_some() {
            self.harness.prompters.get(&me.dip_id).cloned()
        } else {
            self.harness.prompter.clone()
        };
        let Some(prompter) = prompter else {
            return Err(StepFailure::setup(format!(
                "this scenario prompts {} ({action}), and {} has no prompt command: add `[prompts] command = [...]` to the configuration (CONTRACT-ROLES.md §6.7), or deselect the scenarios tagged @prompted with --tags \"not @prompted\"",
                me.label(),
                self.harness.config.source
            )));
        };
        self.delivery_mark = self.harness.journal.last_seq();
        let answer = prompter.prompt(action, &input).await;
        let mut note = Entry::new(Direction::Note, format!("prompt {action}"));
        note.scenario = Some(self.key.clone());
        note.mpan = input.get("mpan").and_then(Value::as_str).map(str::to_owned);
        note.to = vec![me.label()];
        note.body = Body::Json(input);
        let result = match answer {
            Ok(reply) => {
                let mut outcome = format!("prompt {action}: {}", reply.outcome);
                if !reply.output.is_empty() {
                    let _ = write!(outcome, "; the system printed: {}", reply.output);
                }
                note.outcome = outcome;
                note.response = Body::Text(reply.output);
                Ok(reply.outcome)
            }
            Err(e) => {
                note.outcome = format!("prompt {action} failed: {e}");
                note.verdicts.push(Verdict {
                    check: "prompt".into(),
                    ok: false,
                    detail: e.to_string(),
                });
                Err(e)
            }
        };
        let note = self.harness.journal.record(note);
        result.map_err(|e| {
            StepFailure::unmet(
                format!("the system takes the prompt {action} (exit status 0 or 3)"),
                e,
                &[note],
            )
        })
    }
}
