//! A session: what one scenario does, in the engine's terms. Steps parse a phrase and call one
//! of its methods (here the scenario's own state and messages; deliveries, submissions and
//! DIP faults in their own modules); the session talks to the harness and asserts on the
//! journal.
//!
//! Failure messages quote the expectation, what arrived instead and the journal entries, so
//! the report explains itself.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::{Harness, StepFailure};
use crate::config::Counterparty;
use crate::dip::Subject;
use crate::journal::Entry;
use crate::market::Segment;

/// A failed expectation quoting what was expected, what arrived instead and the journal
/// entries concerned.
pub(super) fn fail(
    expected: impl fmt::Display,
    arrived: impl fmt::Display,
    entries: &[Arc<Entry>],
) -> StepFailure {
    StepFailure::unmet(expected, arrived, entries)
}

/// A change made to a delivery on purpose, to see the system reject it.
#[derive(Debug, Clone, PartialEq)]
pub enum Mutation {
    /// Set the value at a JSON pointer into the payload.
    Set { pointer: String, value: Value },
    /// Remove the member at a JSON pointer into the payload.
    Remove { pointer: String },
    /// Give `M0.MPANCore` a wrong check digit.
    WrongCheckDigit,
    /// Name this DIP ID as the MPAN's distributor (`distributorDIPID` of `M0`, or of `M1` for
    /// a relationship of MPANs).
    Distributor(String),
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
    /// The journal's last sequence number when the latest delivery (or prompt) started:
    /// what the SUT does in reaction may be journaled before the delivery's own answer is.
    pub delivery_mark: u64,
    /// The latest prompt, for the checks of what the system does with it.
    pub prompted: Option<super::Prompted>,
    /// The journal's last sequence number when the latest prompt was made.
    pub prompt_mark: u64,
    /// The meter the system last reported installed on the MPAN (`null` before).
    pub installed_meter: Value,
    /// A data service's work in the scenario.
    pub data: super::data::DataState,
    /// The hops of an end-to-end flow so far.
    pub flow: Vec<super::Hop>,
    /// In an end-to-end flow, the system the steps about "the system" speak of (the run's
    /// first system when None).
    pub target: Option<Arc<crate::party::Party>>,
    /// Whether the flow began with a delivery of the harness's ([`Session::deliver_hop`]).
    pub flow_started: bool,
}

impl Session {
    /// The session of one attempt at the scenario `key`: what an earlier attempt warned
    /// about is forgotten.
    pub fn new(harness: Arc<Harness>, key: String) -> Self {
        harness.warnings.begin(&key);
        Self {
            harness,
            key,
            subjects: Vec::new(),
            delivery: None,
            focus: None,
            delivery_mark: 0,
            prompted: None,
            prompt_mark: 0,
            installed_meter: Value::Null,
            data: super::data::DataState::default(),
            flow: Vec::new(),
            target: None,
            flow_started: false,
        }
    }

    /// The system the steps about "the system" speak of.
    pub fn system(&self) -> Arc<crate::party::Party> {
        self.target
            .clone()
            .unwrap_or_else(|| self.harness.system().clone())
    }

    /// A fresh MPAN of a segment, filed under this scenario.
    pub fn new_subject(&mut self, segment: Segment) -> Subject {
        let mpan = self.harness.mpans.next_for(segment);
        self.adopt(&mpan, segment)
    }

    /// Makes `mpan` the scenario's latest MPAN: filed under it, registered with its segment.
    pub(super) fn adopt(&mut self, mpan: &crate::market::Mpan, segment: Segment) -> Subject {
        self.harness.journal.bind_mpan(mpan.as_str(), &self.key);
        self.harness.registry.register(mpan.as_str(), segment);
        let s = Subject {
            mpan: mpan.to_string(),
            segment,
        };
        self.subjects.push(s.clone());
        s
    }

    pub(super) fn subject(&self) -> Result<&Subject, StepFailure> {
        self.subjects.last().ok_or_else(|| {
            StepFailure::setup("no MPAN yet: a step such as \"Given a smart MPAN\" must come first")
        })
    }

    /// The counterparty playing a role.
    pub fn counterparty(&self, role: &str) -> Result<Counterparty, StepFailure> {
        self.harness
            .config
            .counterparty(role)
            .cloned()
            .ok_or_else(|| {
                StepFailure::setup(format!(
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
        self.build_with(from_role, interface, event, &[], mutations)
    }

    /// As [`Session::build`], with variables of the scenario's own for the template.
    pub fn build_with(
        &self,
        from_role: &str,
        interface: &str,
        event: &str,
        vars: &[(&str, Value)],
        mutations: &[Mutation],
    ) -> Result<Value, StepFailure> {
        let from = self.counterparty(from_role)?;
        let subject = self.subject()?.clone();
        let b = &self.harness.builder;
        let mut filled = b.vars(&from, &subject);
        if let Some(t) = &self.target {
            filled = filled
                .set("sut.dip_id", t.dip_id.clone())
                .set("sut.mpid", t.mpid.clone())
                .set("sut.role", t.role.clone());
            // In a flow, the supplier is the real one when a system plays it.
            if let Some(sup) = self.harness.parties.systems().find(|p| p.role == "SUP") {
                filled = filled
                    .set("supplier.dip_id", sup.dip_id.clone())
                    .set("supplier.mpid", sup.mpid.clone());
            }
        }
        for (name, value) in vars {
            filled = filled.set(name, value.clone());
        }
        let mut payload = b
            .payload(&from, interface, event, &subject, filled)
            .map_err(|e| StepFailure::setup(e.to_string()))?;
        if let (Some(t), Some(a0)) = (&self.target, payload.pointer_mut("/CommonBlock/A0")) {
            a0["primaryRecipients"] = Value::from(vec![t.dip_id.clone()]);
        }
        for m in mutations {
            apply(&mut payload, m)?;
        }
        // A mutated MPAN is still this scenario's: whatever the system does with it is filed here.
        if let Some(core) = payload
            .pointer("/CommonBlock/M0/MPANCore")
            .and_then(Value::as_str)
        {
            self.harness.journal.bind_mpan(core, &self.key);
        }
        Ok(payload)
    }
}

/// What became of the submissions among `entries` that the DIP did not accept, one line
/// each (`IF-031 [MSApp] refused 400: MSG1007 ...: /0/payload/...: why`); `None` when there
/// are none.
pub(super) fn refusals(
    entries: &[Arc<Entry>],
    interface: Option<&str>,
    event: Option<&str>,
) -> Option<String> {
    let lines: Vec<String> = entries
        .iter()
        .filter(|e| {
            e.direction == crate::journal::Direction::Ingress
                && e.status.is_some_and(|s| s != 201)
                && interface.is_none_or(|i| e.interface.as_deref() == Some(i))
                && event.is_none_or(|v| e.event.as_deref() == Some(v))
        })
        .map(|e| {
            let why = e
                .verdicts
                .iter()
                .filter(|v| !v.ok && v.check != "fault")
                .map(|v| v.detail.as_str())
                .next()
                .unwrap_or(e.outcome.as_str());
            format!(
                "{} {} refused {}: {why}",
                e.interface.as_deref().unwrap_or("?"),
                e.event.as_deref().unwrap_or("?"),
                e.status.unwrap_or_default()
            )
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("; "))
}

/// The payload of `event` among an entry's messages.
pub(super) fn payload_of(e: &Entry, event: &str) -> Option<Value> {
    e.body
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
}

pub(super) fn batch_has(e: &Entry, interface: &str, event: &str) -> bool {
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

/// The object a JSON pointer's last segment is a member of, and that member's name.
fn member<'a, 'p>(
    payload: &'a mut Value,
    pointer: &'p str,
) -> Result<(&'a mut serde_json::Map<String, Value>, &'p str), StepFailure> {
    let (parent, key) = split(pointer)?;
    let target = payload
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| StepFailure::setup(format!("the payload has no object at {parent}")))?;
    Ok((target, key))
}

fn apply(payload: &mut Value, m: &Mutation) -> Result<(), StepFailure> {
    match m {
        Mutation::Set { pointer, value } => {
            let (target, key) = member(payload, pointer)?;
            target.insert(key.to_owned(), value.clone());
        }
        Mutation::Remove { pointer } => {
            let (target, key) = member(payload, pointer)?;
            if target.remove(key).is_none() {
                return Err(StepFailure::setup(format!(
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
            let mpan =
                crate::market::Mpan::parse(&core).map_err(|e| StepFailure::setup(e.to_string()))?;
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
        Mutation::Distributor(dip_id) => {
            let pointer = ["/CommonBlock/M0", "/CommonBlock/M1"]
                .into_iter()
                .find(|p| payload.pointer(p).is_some_and(Value::is_object))
                .ok_or_else(|| StepFailure::setup("the payload names no MPAN (no M0 or M1)"))?;
            let block = payload
                .pointer_mut(pointer)
                .and_then(Value::as_object_mut)
                .expect("found an object there");
            block.insert("distributorDIPID".into(), Value::String(dip_id.clone()));
        }
    }
    Ok(())
}

fn split(pointer: &str) -> Result<(&str, &str), StepFailure> {
    pointer
        .rsplit_once('/')
        .filter(|(_, k)| !k.is_empty())
        .ok_or_else(|| {
            StepFailure::setup(format!(
                "{pointer:?} is not a JSON pointer such as /CustomBlock/B026"
            ))
        })
}
