//! A session: what one scenario does, in the engine's terms. Steps parse a phrase and call one
//! of these methods; the session talks to the harness and asserts on the journal.
//!
//! Failure messages quote the expectation, what arrived instead and the journal entries, so
//! the report explains itself.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::Harness;
use crate::config::Counterparty;
use crate::dip::Subject;
use crate::journal::{Direction, Entry, summaries};
use crate::market::Segment;
use crate::stub::{Delivery, DeliveryBody, Fault, Signing};

/// A failed expectation, as the report shows it.
#[derive(Debug, Clone)]
pub struct StepFailure(pub String);

impl fmt::Display for StepFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StepFailure {}

impl StepFailure {
    /// A failed expectation quoting what was expected, what arrived instead, and the journal
    /// entries concerned.
    pub fn unmet(
        expected: impl fmt::Display,
        arrived: impl fmt::Display,
        entries: &[Arc<Entry>],
    ) -> Self {
        fail(expected, arrived, entries)
    }
}

/// The `message` of each item of a delivery's StandardResponse answer.
fn answer_messages(d: &Entry) -> Vec<&str> {
    d.response
        .json()
        .and_then(|r| r.get("messageArray"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|i| i.get("message").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default()
}

fn fail(
    expected: impl fmt::Display,
    arrived: impl fmt::Display,
    entries: &[Arc<Entry>],
) -> StepFailure {
    StepFailure(format!(
        "expected: {expected}\narrived instead: {arrived}\njournal:\n{}",
        summaries(entries)
    ))
}

/// A change made to a delivery on purpose, to see the SUT reject it.
#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    /// Set the value at a JSON pointer into the payload.
    Set { pointer: String, value: Value },
    /// Remove the member at a JSON pointer into the payload.
    Remove { pointer: String },
    /// Give `M0.MPANCore` a wrong check digit.
    WrongCheckDigit,
}

/// One scenario's working state. It holds references into the journal, never copies of
/// messages.
#[derive(Debug)]
pub struct Session {
    pub harness: Arc<Harness>,
    /// The scenario's key in the journal (`path:line`).
    pub key: String,
    /// The MPANs this scenario works on, latest last.
    pub subjects: Vec<Subject>,
    /// The latest delivery's journal entry.
    pub delivery: Option<Arc<Entry>>,
    /// The entry the latest `Then` step found, for follow-up expectations.
    pub focus: Option<Arc<Entry>>,
    /// The journal's last sequence number when the latest delivery started: what the SUT
    /// does in reaction may be journaled before the delivery's own answer is.
    pub delivery_mark: u64,
}

impl Session {
    pub fn new(harness: Arc<Harness>, key: String) -> Self {
        Self {
            harness,
            key,
            subjects: Vec::new(),
            delivery: None,
            focus: None,
            delivery_mark: 0,
        }
    }

    /// A fresh MPAN of a segment, filed under this scenario.
    pub fn new_subject(&mut self, segment: Segment) -> Subject {
        let mpan = self.harness.mpans.next_for(segment);
        self.harness.journal.bind_mpan(mpan.as_str(), &self.key);
        let s = Subject {
            mpan: mpan.to_string(),
            segment,
        };
        self.subjects.push(s.clone());
        s
    }

    fn subject(&self) -> Result<&Subject, StepFailure> {
        self.subjects.last().ok_or_else(|| {
            StepFailure("no MPAN yet: a step such as \"Given a smart MPAN\" must come first".into())
        })
    }

    /// The counterparty playing a role.
    pub fn counterparty(&self, role: &str) -> Result<Counterparty, StepFailure> {
        self.harness
            .config
            .counterparty(role)
            .cloned()
            .ok_or_else(|| {
                StepFailure(format!(
                    "the configuration has no counterparty with role {role} ({})",
                    self.harness.config.source
                ))
            })
    }

    /// Builds a payload of `interface`/`event` from `from_role` about the latest MPAN.
    pub fn build(
        &self,
        from_role: &str,
        interface: &str,
        event: &str,
        mutations: &[Mutation],
    ) -> Result<Value, StepFailure> {
        let from = self.counterparty(from_role)?;
        let subject = self.subject()?.clone();
        let b = &self.harness.builder;
        let mut payload = b
            .payload(&from, interface, event, &subject, b.vars(&from, &subject))
            .map_err(StepFailure)?;
        for m in mutations {
            apply(&mut payload, m)?;
        }
        // A mutated MPAN is still this scenario's: whatever the SUT does with it is filed here.
        if let Some(core) = payload
            .pointer("/CommonBlock/M0/MPANCore")
            .and_then(Value::as_str)
        {
            self.harness.journal.bind_mpan(core, &self.key);
        }
        Ok(payload)
    }

    /// Delivers a batch to the SUT and records which entry it made.
    pub async fn deliver(
        &mut self,
        from_role: &str,
        payloads: Vec<Value>,
    ) -> Result<Arc<Entry>, StepFailure> {
        self.deliver_signed(from_role, payloads, Signing::Correct)
            .await
    }

    /// Delivers a batch signed as `signing` says.
    pub async fn deliver_signed(
        &mut self,
        from_role: &str,
        payloads: Vec<Value>,
        signing: Signing,
    ) -> Result<Arc<Entry>, StepFailure> {
        let from = self.counterparty(from_role)?;
        self.delivery_mark = self.harness.journal.last_seq();
        let entry = self
            .harness
            .egress
            .deliver(Delivery {
                scenario: Some(self.key.clone()),
                from,
                body: DeliveryBody::Batch(payloads),
                signing,
            })
            .await;
        self.delivery = Some(entry.clone());
        Ok(entry)
    }

    /// Delivers bytes exactly as given.
    pub async fn deliver_raw(
        &mut self,
        from_role: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<Arc<Entry>, StepFailure> {
        let from = self.counterparty(from_role)?;
        self.delivery_mark = self.harness.journal.last_seq();
        let body = DeliveryBody::Raw {
            bytes,
            content_type: content_type.to_owned(),
        };
        let entry = self
            .harness
            .egress
            .deliver(Delivery {
                scenario: Some(self.key.clone()),
                from,
                body,
                signing: Signing::Correct,
            })
            .await;
        self.delivery = Some(entry.clone());
        Ok(entry)
    }

    /// Delivers the latest delivery again, byte for byte as the journal recorded it.
    pub async fn repeat_delivery(&mut self) -> Result<Arc<Entry>, StepFailure> {
        let last = self
            .delivery
            .clone()
            .ok_or_else(|| StepFailure("nothing was delivered yet".into()))?;
        let bytes = match &last.body {
            crate::journal::Body::Json(v) => serde_json::to_vec(v).expect("JSON serializes"),
            crate::journal::Body::Text(t) => t.clone().into_bytes(),
            crate::journal::Body::Empty => Vec::new(),
        };
        let role = last.party.clone().unwrap_or_else(|| "REGS".into());
        self.deliver_raw(&role, bytes, "application/json").await
    }

    fn last_delivery(&self) -> Result<Arc<Entry>, StepFailure> {
        self.delivery
            .clone()
            .ok_or_else(|| StepFailure("nothing was delivered yet".into()))
    }

    /// The latest delivery was answered `status`, within the ack timeout, with a message
    /// starting with `code` when given.
    pub fn expect_answer(&self, status: u16, code: Option<&str>) -> Result<(), StepFailure> {
        let d = self.last_delivery()?;
        let all = self.harness.journal.of_scenario(&self.key);
        let expected = match code {
            Some(c) => format!(
                "the delivery answered {status} with {c} within {}",
                humantime::format_duration(self.harness.config.timeouts.ack)
            ),
            None => format!(
                "the delivery answered {status} within {}",
                humantime::format_duration(self.harness.config.timeouts.ack)
            ),
        };
        let Some(got) = d.status else {
            return Err(fail(expected, &d.outcome, &all));
        };
        if got != status {
            return Err(fail(expected, format!("{got} {}", d.outcome), &all));
        }
        if let Some(code) = code {
            let messages = answer_messages(&d);
            if messages.is_empty() {
                return Err(fail(
                    expected,
                    format!("{got} without a StandardResponse: {}", d.outcome),
                    &all,
                ));
            }
            if let Some(bad) = messages
                .iter()
                .find(|m| !m.starts_with(&format!("{code} - ")))
            {
                return Err(fail(expected, format!("{got} with message {bad:?}"), &all));
            }
        }
        Ok(())
    }

    /// The latest delivery was refused for its signature: `400` with `RCP9999`, `401` or
    /// `403`, within the ack timeout (CONTRACT.md §6 S7).
    pub fn expect_signature_refused(&self) -> Result<(), StepFailure> {
        let d = self.last_delivery()?;
        let all = self.harness.journal.of_scenario(&self.key);
        let expected = format!(
            "the delivery refused within {}: 400 with RCP9999, 401 or 403",
            humantime::format_duration(self.harness.config.timeouts.ack)
        );
        match d.status {
            Some(401 | 403) => Ok(()),
            Some(400) => {
                let messages = answer_messages(&d);
                if !messages.is_empty() && messages.iter().all(|m| m.starts_with("RCP9999 - ")) {
                    Ok(())
                } else {
                    Err(fail(
                        expected,
                        format!("400 with messages {messages:?}"),
                        &all,
                    ))
                }
            }
            Some(other) => Err(fail(expected, format!("{other} {}", d.outcome), &all)),
            None => Err(fail(expected, &d.outcome, &all)),
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
            return Err(fail(what, "none", &all));
        }
        Ok((all, ingress))
    }

    /// Every submission of this scenario carried a signature that verified against the
    /// participant's certificate.
    pub fn expect_signed_submissions(&self) -> Result<(), StepFailure> {
        let (all, ingress) = self.submissions("signed submissions to check")?;
        for e in ingress {
            let verdict = e.verdicts.iter().find(|v| v.check == "signature");
            match verdict {
                Some(v) if v.ok => {}
                Some(v) => {
                    return Err(fail(
                        "every submission signed with the supplier's certificate, verifying",
                        format!("{}: {}", e.summary(), v.detail),
                        &all,
                    ));
                }
                None => {
                    return Err(fail(
                        "every submission signed with the supplier's certificate, verifying",
                        format!("{}: not verified ({})", e.summary(), e.outcome),
                        &all,
                    ));
                }
            }
        }
        Ok(())
    }

    /// The latest delivery's StandardResponse echoes each delivered message (CONTRACT.md §3).
    pub fn expect_echo(&self) -> Result<(), StepFailure> {
        let d = self.last_delivery()?;
        let all = self.harness.journal.of_scenario(&self.key);
        let sent = d.body.json().map(crate::dip::payloads).unwrap_or_default();
        let items = d
            .response
            .json()
            .and_then(|r| r.get("messageArray"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Some(v) = d
            .verdicts
            .iter()
            .find(|v| v.check == "standard-response" && !v.ok)
        {
            return Err(fail(
                "a StandardResponse valid against its schema",
                &v.detail,
                &all,
            ));
        }
        if items.len() != sent.len() {
            return Err(fail(
                format!(
                    "one messageArray item per delivered message ({})",
                    sent.len()
                ),
                format!("{} items", items.len()),
                &all,
            ));
        }
        let sut = &self.harness.config.participant.dip_id;
        for (i, (p, item)) in sent.iter().zip(&items).enumerate() {
            let s =
                |v: &Value, ptr: &str| v.pointer(ptr).and_then(Value::as_str).map(str::to_owned);
            let checks = [
                (
                    "transactionID",
                    s(p, "/CommonBlock/D0/transactionID"),
                    s(item, "/transactionID"),
                ),
                (
                    "senderUniqueReference",
                    s(p, "/CommonBlock/S1/senderUniqueReference"),
                    s(item, "/senderUniqueReference"),
                ),
                (
                    "correlationID",
                    s(p, "/CommonBlock/D0/initialCorrelationID"),
                    s(item, "/correlationID"),
                ),
                ("senderID", Some(sut.clone()), s(item, "/senderID")),
                (
                    "recipientID",
                    s(p, "/CommonBlock/S1/senderDIPID"),
                    s(item, "/recipientID"),
                ),
            ];
            for (key, want, got) in checks {
                if want != got {
                    return Err(fail(
                        format!(
                            "messageArray/{i}/{key} = {want:?} (echoing the delivered message)"
                        ),
                        format!("{got:?}"),
                        &all,
                    ));
                }
            }
        }
        Ok(())
    }

    /// Waits for the SUT to submit `interface`/`event` about the latest MPAN, accepted by the
    /// DIP, within `timeout`; the entry becomes the focus.
    pub async fn await_submission(
        &mut self,
        interface: &str,
        event: &str,
        timeout: Duration,
    ) -> Result<Arc<Entry>, StepFailure> {
        let mpan = self.subject()?.mpan.clone();
        let got = self
            .harness
            .journal
            .wait_for(&self.key, 0, timeout, |e| {
                e.direction == Direction::Ingress
                    && e.status == Some(201)
                    && e.mpan.as_deref() == Some(&mpan)
                    && batch_has(e, interface, event)
            })
            .await;
        match got {
            Ok(e) => {
                self.focus = Some(e.clone());
                Ok(e)
            }
            Err(entries) => Err(fail(
                format!(
                    "the SUT submits {interface} {event} for MPAN {mpan}, accepted by the DIP, within {}",
                    humantime::format_duration(timeout)
                ),
                if entries.iter().any(|e| e.direction == Direction::Ingress) {
                    "other submissions only (below)"
                } else {
                    "no submission"
                },
                &entries,
            )),
        }
    }

    /// The payload of `event` in the focused submission.
    pub fn focused_payload(&self, event: &str) -> Result<(Arc<Entry>, Value), StepFailure> {
        let e = self.focus.clone().ok_or_else(|| StepFailure("no submission in focus: a step such as \"Then the supplier requests ...\" must come first".into()))?;
        let p = e
            .body
            .json()
            .map(crate::dip::payloads)
            .unwrap_or_default()
            .into_iter()
            .find(|p| {
                p.pointer("/CommonBlock/S0/eventCode")
                    .and_then(Value::as_str)
                    == Some(event)
            })
            .cloned()
            .ok_or_else(|| StepFailure(format!("the focused submission has no {event} message")))?;
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

    /// Within the quiet period, the SUT does not submit `event` more than once (accepted).
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

    /// Every submission of this scenario passed the DIP's checks and the market rules.
    pub fn expect_clean_submissions(&self) -> Result<(), StepFailure> {
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
        let got = self
            .harness
            .journal
            .wait_for(&self.key, 0, timeout, |e| {
                e.direction == Direction::Ingress
                    && e.status == Some(status)
                    && e.interface.as_deref() == Some(interface)
                    && e.verdicts.iter().any(|v| v.check == "fault")
            })
            .await;
        match got {
            Ok(e) => {
                self.focus = Some(e.clone());
                Ok(e)
            }
            Err(entries) => Err(fail(
                format!(
                    "a submission of {interface} answered {status} by the scripted fault within {}",
                    humantime::format_duration(timeout)
                ),
                "none",
                &entries,
            )),
        }
    }

    /// After the focused faulted submission, the same message (same event, same reference) is
    /// resubmitted and accepted within the retry timeout, and accepted once only.
    pub async fn expect_resubmitted(&mut self) -> Result<(), StepFailure> {
        let faulted = self
            .focus
            .clone()
            .ok_or_else(|| StepFailure("no faulted submission in focus".into()))?;
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
            Err(entries) => Err(fail(expected, "no accepted resubmission", &entries)),
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
            .ok_or_else(|| StepFailure("no rejected submission in focus".into()))?;
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

    /// The counterparty `role` delivered `interface` to the SUT in reaction, and the SUT
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
                    && e.party.as_deref() == Some(role)
                    && batch_has(e, interface, event)
                    && e.status.is_some()
            })
            .await;
        let expected = format!(
            "{role} delivers {interface} {event} and the SUT answers 201 within {}",
            humantime::format_duration(timeout)
        );
        match got {
            Ok(e) if e.status == Some(201) => Ok(()),
            Ok(e) => Err(fail(
                expected,
                e.summary(),
                &self.harness.journal.of_scenario(&self.key),
            )),
            Err(entries) => Err(fail(expected, "no such delivery answered", &entries)),
        }
    }
}

fn batch_has(e: &Entry, interface: &str, event: &str) -> bool {
    e.body
        .json()
        .map(crate::dip::payloads)
        .unwrap_or_default()
        .iter()
        .any(|p| {
            p.pointer("/CommonBlock/S0/interfaceID")
                .and_then(Value::as_str)
                == Some(interface)
                && p.pointer("/CommonBlock/S0/eventCode")
                    .and_then(Value::as_str)
                    == Some(event)
        })
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

fn apply(payload: &mut Value, m: &Mutation) -> Result<(), StepFailure> {
    match m {
        Mutation::Set { pointer, value } => {
            let (parent, key) = split(pointer)?;
            let target = payload
                .pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .ok_or_else(|| StepFailure(format!("the payload has no object at {parent}")))?;
            target.insert(key.to_owned(), value.clone());
        }
        Mutation::Remove { pointer } => {
            let (parent, key) = split(pointer)?;
            let target = payload
                .pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .ok_or_else(|| StepFailure(format!("the payload has no object at {parent}")))?;
            if target.remove(key).is_none() {
                return Err(StepFailure(format!(
                    "the payload has nothing at {pointer} to remove"
                )));
            }
        }
        Mutation::WrongCheckDigit => {
            let core = payload
                .pointer("/CommonBlock/M0/MPANCore")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let mpan = crate::market::Mpan::parse(&core).map_err(|e| StepFailure(e.to_string()))?;
            if let Some(m0) = payload
                .pointer_mut("/CommonBlock/M0")
                .and_then(Value::as_object_mut)
            {
                m0.insert(
                    "MPANCore".into(),
                    Value::String(mpan.with_wrong_check_digit()),
                );
            }
        }
    }
    Ok(())
}

fn split(pointer: &str) -> Result<(&str, &str), StepFailure> {
    pointer
        .rsplit_once('/')
        .filter(|(_, k)| !k.is_empty())
        .ok_or_else(|| {
            StepFailure(format!(
                "{pointer:?} is not a JSON pointer such as /CustomBlock/B026"
            ))
        })
}
