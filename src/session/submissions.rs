//! Submissions: what the system under test publishes to the DIP, awaited and judged.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::scenario::{batch_has, fail, refusals};
use super::{Session, StepFailure};
use crate::journal::{Direction, Entry};

impl Session {
    /// Waits until the system has submitted nothing new for this scenario for the quiet
    /// period (at most the response timeout), so that a check of every submission sees them
    /// all.
    pub async fn settle(&self) {
        let journal = &self.harness.journal;
        let timeouts = &self.harness.config.timeouts;
        let deadline = tokio::time::Instant::now() + timeouts.response;
        let mut last = journal
            .of_scenario(&self.key)
            .iter()
            .filter(|e| e.direction == Direction::Ingress)
            .map(|e| e.seq)
            .max()
            .unwrap_or(0);
        while tokio::time::Instant::now() < deadline {
            match journal
                .wait_for(&self.key, last, timeouts.quiet, |e| {
                    e.direction == Direction::Ingress
                })
                .await
            {
                Ok(e) => last = e.seq,
                Err(_) => return,
            }
        }
    }

    /// This scenario's journal and its submissions among it; a failure expecting `what` when
    /// there are none.
    #[expect(
        clippy::type_complexity,
        reason = "two views of one journal, used together"
    )]
    fn submissions(&self, what: &str) -> Result<(Vec<Arc<Entry>>, Vec<Arc<Entry>>), StepFailure> {
        let all = self.harness.journal.of_scenario(&self.key);
        let ingress: Vec<Arc<Entry>> = all
            .iter()
            .filter(|e| e.direction == Direction::Ingress)
            .cloned()
            .collect();
        if ingress.is_empty() {
            return Err(fail(what, "no submission", &all));
        }
        Ok((all, ingress))
    }

    /// Every submission of this scenario carried a signature that verified against the
    /// participant's certificate.
    pub async fn expect_signed_submissions(&self) -> Result<(), StepFailure> {
        self.settle().await;
        let (all, ingress) = self.submissions("signed submissions to check")?;
        for e in ingress {
            let verdict = e.verdicts.iter().find(|v| v.check == "signature");
            match verdict {
                Some(v) if v.ok => {}
                Some(v) => {
                    return Err(fail(
                        "every submission signed with the system's certificate, verifying",
                        format!("{}: {}", e.summary(), v.detail),
                        &all,
                    ));
                }
                None => {
                    return Err(fail(
                        "every submission signed with the system's certificate, verifying",
                        format!("{}: not verified ({})", e.summary(), e.outcome),
                        &all,
                    ));
                }
            }
        }
        Ok(())
    }

    /// Waits for the system to submit `interface`/`event` about the latest MPAN, accepted by
    /// the DIP, within `timeout`; the entry becomes the focus.
    pub async fn await_submission(
        &mut self,
        interface: &str,
        event: &str,
        timeout: Duration,
    ) -> Result<Arc<Entry>, StepFailure> {
        self.await_about_mpan(interface, event, timeout, true).await
    }

    /// Waits for the system to submit `interface`/`event` about the latest MPAN, whatever the
    /// DIP answers, within `timeout`; the entry becomes the focus.
    pub async fn await_attempt(
        &mut self,
        interface: &str,
        event: &str,
        timeout: Duration,
    ) -> Result<Arc<Entry>, StepFailure> {
        self.await_about_mpan(interface, event, timeout, false)
            .await
    }

    /// A submission of `interface`/`event` about the latest MPAN within `timeout`: one the DIP
    /// accepted when `accepted`, else one answered at all.
    async fn await_about_mpan(
        &mut self,
        interface: &str,
        event: &str,
        timeout: Duration,
        accepted: bool,
    ) -> Result<Arc<Entry>, StepFailure> {
        let mpan = self.subject()?.mpan.clone();
        let expected = format!(
            "the system submits {interface} {event} for MPAN {mpan}{} within {}",
            if accepted {
                ", accepted by the DIP,"
            } else {
                ""
            },
            humantime::format_duration(timeout)
        );
        let refused = if accepted {
            (Some(interface), Some(event))
        } else {
            (None, None)
        };
        self.await_focus(timeout, &expected, refused, |e| {
            (if accepted {
                e.status == Some(201)
            } else {
                e.status.is_some()
            }) && e.mpan.as_deref() == Some(&mpan)
                && batch_has(e, interface, event)
        })
        .await
    }

    /// Waits within `timeout` for a submission of this scenario that `pred` accepts; it
    /// becomes the focus. Otherwise fails expecting `expected`, quoting the refused
    /// submissions (of the interface and event when given), or saying that none came.
    pub(super) async fn await_focus(
        &mut self,
        timeout: Duration,
        expected: &str,
        (interface, event): (Option<&str>, Option<&str>),
        pred: impl Fn(&Entry) -> bool,
    ) -> Result<Arc<Entry>, StepFailure> {
        let got = self
            .harness
            .journal
            .wait_for(&self.key, 0, timeout, |e| {
                e.direction == Direction::Ingress && pred(e)
            })
            .await;
        match got {
            Ok(e) => {
                self.focus = Some(e.clone());
                Ok(e)
            }
            Err(entries) => {
                let other = entries.iter().any(|e| e.direction == Direction::Ingress);
                let arrived = refusals(&entries, interface, event).unwrap_or_else(|| {
                    if other && event.is_some() {
                        "other submissions only (below)".to_owned()
                    } else {
                        "no submission".to_owned()
                    }
                });
                Err(fail(expected, arrived, &entries))
            }
        }
    }

    /// The payload of `event` in the focused submission.
    pub fn focused_payload(&self, event: &str) -> Result<(Arc<Entry>, Value), StepFailure> {
        let e = self.focus.clone().ok_or_else(|| StepFailure::setup("no submission in focus: a step such as \"Then the supplier requests ...\" must come first"))?;
        let p = super::scenario::payload_of(&e, event).ok_or_else(|| {
            StepFailure::setup(format!("the focused submission has no {event} message"))
        })?;
        Ok((e, p))
    }

    /// The value at `pointer` of the focused `event` message equals `want`.
    pub fn expect_field(
        &self,
        event: &str,
        pointer: &str,
        want: &Value,
    ) -> Result<(), StepFailure> {
        let (e, p) = self.focused_payload(event)?;
        let got = p.pointer(pointer).cloned().unwrap_or(Value::Null);
        if &got == want {
            Ok(())
        } else {
            Err(fail(
                format!("{event} {pointer} = {want}"),
                format!("{got}"),
                &[e],
            ))
        }
    }

    /// Nothing is submitted about this scenario's MPANs for the quiet period after `after`.
    pub async fn expect_no_submission(&self, after: u64) -> Result<(), StepFailure> {
        let quiet = self.harness.config.timeouts.quiet;
        let got = self
            .harness
            .journal
            .wait_for(&self.key, after, quiet, |e| {
                e.direction == Direction::Ingress
            })
            .await;
        match got {
            Err(_) => Ok(()),
            Ok(e) => Err(fail(
                format!(
                    "no business reaction: nothing submitted for this scenario's MPANs within {}",
                    humantime::format_duration(quiet)
                ),
                e.summary(),
                &self.harness.journal.of_scenario(&self.key),
            )),
        }
    }

    /// Within the quiet period, the system does not submit `event` more than once (accepted).
    pub async fn expect_at_most_once(
        &self,
        interface: &str,
        event: &str,
    ) -> Result<(), StepFailure> {
        tokio::time::sleep(self.harness.config.timeouts.quiet).await;
        let all = self.harness.journal.of_scenario(&self.key);
        let n = all
            .iter()
            .filter(|e| {
                e.direction == Direction::Ingress
                    && e.status == Some(201)
                    && batch_has(e, interface, event)
            })
            .count();
        if n <= 1 {
            Ok(())
        } else {
            Err(fail(
                format!("{interface} {event} accepted once for this MPAN"),
                format!("{n} accepted submissions"),
                &all,
            ))
        }
    }

    /// Every submission of this scenario passed the DIP's checks and the market rules. What
    /// the rules only warn about (the sender reference's segments, G4) is raised as warnings
    /// of the scenario, once the submissions are otherwise clean.
    pub async fn expect_clean_submissions(&mut self) -> Result<(), StepFailure> {
        self.settle().await;
        let (all, ingress) = self.submissions("submissions to check")?;
        if let Some(bad) = ingress.iter().find(|e| !e.clean()) {
            let broken: Vec<String> = bad
                .verdicts
                .iter()
                .filter(|v| !v.ok)
                .map(|v| format!("{}: {}", v.check, v.detail))
                .collect();
            return Err(fail(
                "every submission valid against its schema, the DIP's checks and the market rules",
                broken.join("; "),
                &all,
            ));
        }
        for e in &ingress {
            for w in &e.warnings {
                let rule = w.check.strip_prefix("rule:").unwrap_or(&w.check);
                self.warn(
                    crate::schema::rules::contract_rule(rule),
                    format!("submission #{}: {}", e.seq, w.detail),
                );
            }
        }
        Ok(())
    }

    /// The focused submission's `M0` is the MPAN as delivered.
    pub fn expect_m0_as_delivered(&self, event: &str) -> Result<(), StepFailure> {
        let (e, p) = self.focused_payload(event)?;
        let d = self.last_delivery()?;
        let delivered = d
            .body
            .json()
            .map(crate::dip::payloads)
            .unwrap_or_default()
            .first()
            .and_then(|p| p.pointer("/CommonBlock/M0"))
            .cloned();
        let got = p.pointer("/CommonBlock/M0").cloned();
        if delivered.is_some() && delivered == got {
            Ok(())
        } else {
            Err(fail(
                format!(
                    "{event} M0 = {} as delivered",
                    delivered.unwrap_or(Value::Null)
                ),
                got.unwrap_or(Value::Null),
                &[e],
            ))
        }
    }
}
