//! DIP faults: outages and throttling scripted for a scenario, and how the system rides them
//! out.

use std::sync::Arc;

use serde_json::Value;

use super::scenario::{batch_has, fail, refusals};
use super::{Session, StepFailure};
use crate::journal::{Direction, Entry};
use crate::stub::Fault;

impl Session {
    /// Scripts a DIP fault for this scenario's submissions.
    pub fn script_fault(&self, interface: &str, status: u16, count: u32) {
        self.harness.stub.script_fault(Fault {
            scenario: self.key.clone(),
            interface: interface.to_owned(),
            status,
            remaining: count,
        });
    }

    /// Waits for a submission of `interface` answered with a scripted `status`; it becomes the focus.
    pub async fn await_fault(
        &mut self,
        interface: &str,
        status: u16,
    ) -> Result<Arc<Entry>, StepFailure> {
        let timeout = self.harness.config.timeouts.response;
        let expected = format!(
            "a submission of {interface} answered {status} by the scripted fault within {}",
            humantime::format_duration(timeout)
        );
        self.await_focus(timeout, &expected, (Some(interface), None), |e| {
            e.status == Some(status)
                && e.interface.as_deref() == Some(interface)
                && e.verdicts.iter().any(|v| v.check == "fault")
        })
        .await
    }

    /// After the focused faulted submission, the same message (same event, same reference) is
    /// resubmitted and accepted within the retry timeout, and accepted once only.
    pub async fn expect_resubmitted(&mut self) -> Result<(), StepFailure> {
        let faulted = self
            .focus
            .clone()
            .ok_or_else(|| StepFailure::setup("no faulted submission in focus"))?;
        let (interface, event, reference) = (
            faulted.interface.clone(),
            faulted.event.clone(),
            faulted.reference.clone(),
        );
        let timeout = self.harness.config.timeouts.retry;
        let got = self
            .harness
            .journal
            .wait_for(&self.key, faulted.seq, timeout, |e| {
                e.direction == Direction::Ingress
                    && e.status == Some(201)
                    && e.interface == interface
                    && e.event == event
            })
            .await;
        let all = self.harness.journal.of_scenario(&self.key);
        let expected = format!(
            "{} {} resubmitted with reference {} and accepted within {}",
            interface.as_deref().unwrap_or("?"),
            event.as_deref().unwrap_or("?"),
            reference.as_deref().unwrap_or("?"),
            humantime::format_duration(timeout)
        );
        match got {
            Err(entries) => {
                let after: Vec<Arc<Entry>> = entries
                    .iter()
                    .filter(|e| e.seq > faulted.seq)
                    .cloned()
                    .collect();
                Err(fail(
                    expected,
                    refusals(&after, interface.as_deref(), event.as_deref()).map_or_else(
                        || "no accepted resubmission".to_owned(),
                        |r| format!("no accepted resubmission: {r}"),
                    ),
                    &entries,
                ))
            }
            Ok(e) if e.reference != reference => Err(fail(
                expected,
                format!(
                    "a resubmission with a new reference {}",
                    e.reference.as_deref().unwrap_or("?")
                ),
                &all,
            )),
            Ok(e) => {
                self.focus = Some(e.clone());
                tokio::time::sleep(self.harness.config.timeouts.quiet).await;
                let all = self.harness.journal.of_scenario(&self.key);
                let accepted = all
                    .iter()
                    .filter(|x| {
                        x.direction == Direction::Ingress
                            && x.status == Some(201)
                            && x.reference == reference
                    })
                    .count();
                if accepted == 1 {
                    Ok(())
                } else {
                    Err(fail(
                        format!("{expected}, once only"),
                        format!("accepted {accepted} times"),
                        &all,
                    ))
                }
            }
        }
    }

    /// After the focused submission answered 400, nothing identical is submitted again within
    /// the quiet period.
    pub async fn expect_not_resubmitted(&self) -> Result<(), StepFailure> {
        let rejected = self
            .focus
            .clone()
            .ok_or_else(|| StepFailure::setup("no rejected submission in focus"))?;
        let quiet = self.harness.config.timeouts.quiet;
        let body = rejected.body.clone();
        let got = self
            .harness
            .journal
            .wait_for(&self.key, rejected.seq, quiet, |e| {
                e.direction == Direction::Ingress
                    && (e.reference == rejected.reference
                        && strip_timestamps(&e.body) == strip_timestamps(&body))
            })
            .await;
        match got {
            Err(_) => Ok(()),
            Ok(e) => Err(fail(
                format!(
                    "the submission answered 400 not resubmitted unchanged within {}",
                    humantime::format_duration(quiet)
                ),
                e.summary(),
                &self.harness.journal.of_scenario(&self.key),
            )),
        }
    }

    /// The counterparty `role` delivered `interface` to the system in reaction, and the SUT
    /// answered it `201`.
    pub async fn expect_reaction_acknowledged(
        &self,
        role: &str,
        interface: &str,
        event: &str,
    ) -> Result<(), StepFailure> {
        let timeout = self.harness.config.timeouts.response;
        let got = self
            .harness
            .journal
            .wait_for(&self.key, 0, timeout, |e| {
                e.direction == Direction::Egress
                    && e.from.as_deref().map(crate::journal::label_role) == Some(role)
                    && batch_has(e, interface, event)
                    && e.status.is_some()
            })
            .await;
        let expected = format!(
            "{role} delivers {interface} {event} and the system answers 201 within {}",
            humantime::format_duration(timeout)
        );
        match got {
            Ok(e) if e.status == Some(201) => Ok(()),
            Ok(e) => Err(fail(
                expected,
                e.summary(),
                &self.harness.journal.of_scenario(&self.key),
            )),
            Err(entries) => {
                // A delivery that went unanswered says so, with the ack timeout.
                let unanswered = entries.iter().any(|e| {
                    e.direction == Direction::Egress
                        && e.from.as_deref().map(crate::journal::label_role) == Some(role)
                        && batch_has(e, interface, event)
                });
                let arrived = if unanswered {
                    format!(
                        "no answer within {}",
                        humantime::format_duration(self.harness.config.timeouts.ack)
                    )
                } else {
                    "no such delivery answered".to_owned()
                };
                Err(fail(expected, arrived, &entries))
            }
        }
    }
}

/// A body with every `senderTimestamp` blanked, to compare resubmissions (whose timestamp may
/// be refreshed).
fn strip_timestamps(body: &crate::journal::Body) -> Option<Value> {
    let mut v = body.json()?.clone();
    if let Value::Array(items) = &mut v {
        for i in items {
            if let Some(s1) = i
                .pointer_mut("/payload/CommonBlock/S1")
                .and_then(Value::as_object_mut)
            {
                s1.remove("senderTimestamp");
            }
        }
    }
    Some(v)
}
