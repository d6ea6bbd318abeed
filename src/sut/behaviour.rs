//! What one role's reference participant does beyond the shell: its business reactions to
//! accepted deliveries, its answers to prompts (CONTRACT-ROLES.md §6.7), and the fault
//! switches that break them.

use std::collections::HashSet;

use serde_json::Value;

use super::Fault;
use crate::config::Counterparty;
use crate::market::{Plan, Segment};

/// A message the behaviour wants submitted; the shell writes its `S0`, `S1` and `A0`.
#[derive(Debug, Clone)]
pub struct Submission {
    pub interface: &'static str,
    pub event: &'static str,
    /// `A0.primaryRecipients`.
    pub to: Vec<String>,
    /// `CommonBlock.M0` (as delivered, for a reaction about an MPAN).
    pub m0: Value,
    /// `CommonBlock.R0`, for the interfaces whose CommonBlock carries a response (IF-028 ...).
    pub r0: Option<Value>,
    pub custom: Value,
    /// `S1.senderCorrelationID`: the trigger's `D0.initialCorrelationID` for a reaction to a
    /// delivery (G7), None for prompted work.
    pub correlation: Option<String>,
}

/// The test data a participant loaded (`[testdata]` of its configuration, as
/// `mhhs-qual testdata generate` wrote it): records `0..count` of a plan.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub plan: Plan,
    pub count: u64,
}

impl Loaded {
    /// Whether the data holds the MPAN core `core`.
    pub fn holds(&self, core: &str) -> bool {
        self.plan.holds(core, self.count)
    }
}

/// What a behaviour sees of its participant.
pub struct Context<'a> {
    /// The participant's own DIP ID.
    pub dip_id: &'a str,
    pub counterparties: &'a [Counterparty],
    /// The fault switches on, by name.
    pub faults: &'a HashSet<String>,
    /// The test data it loaded, when its configuration names some.
    pub loaded: Option<&'a Loaded>,
}

impl Context<'_> {
    /// Whether a fault switch is on.
    pub fn has(&self, fault: &str) -> bool {
        self.faults.contains(fault)
    }

    /// `S1.senderCorrelationID` of a reaction to the delivery `t`: its
    /// `D0.initialCorrelationID` (G7), or one of the system's own under the fault
    /// `wrong-correlation` that every role with reactions has.
    pub fn correlation(&self, t: &Value) -> Option<String> {
        if self.has("wrong-correlation") {
            return Some("CI-20260101-00000000deadbeef".to_owned());
        }
        t.pointer("/CommonBlock/D0/initialCorrelationID")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// An appointment answer as submitted: once, or twice under the fault `answers-twice`
    /// that every service role has (M1, D1).
    pub fn answered(&self, answer: Submission) -> Vec<Submission> {
        if self.has("answers-twice") {
            vec![answer.clone(), answer]
        } else {
            vec![answer]
        }
    }

    /// The first counterparty of a role.
    pub fn counterparty(&self, role: &str) -> Option<&Counterparty> {
        self.counterparties.iter().find(|c| c.role == role)
    }
}

/// A behaviour's answer to a prompt (CONTRACT-ROLES.md §6.7).
#[derive(Debug, Clone)]
pub enum PromptAnswer {
    /// It takes the work on board: these messages are submitted, in order.
    Work(Vec<Submission>),
    /// It declines the work by its own rules (a prompt command's exit status 3), for this
    /// reason.
    Declined(String),
    /// It cannot take such a prompt at all: an error of the rig, for this reason.
    Refused(String),
}

/// One role's business behaviour.
pub trait Behaviour: Send + Sync {
    /// The role it plays (`SUP` ...).
    fn role(&self) -> &'static str;
    /// Its own fault switches, beyond the shell's.
    fn faults(&self) -> &'static [Fault];
    /// Whether it ever submits anything (in reaction to a delivery or to a prompt): a role
    /// that does not has none of the shell's faults of [`super::fault::SUBMITTING`].
    fn submits(&self) -> bool {
        true
    }
    /// A level-3 refusal of its own, after the shell's checks passed: the RCP code.
    fn refuse(&self, _cx: &Context<'_>, _payload: &Value) -> Option<&'static str> {
        None
    }
    /// Whether it reacts to a delivery it has just rejected at level 3 (a fault of its own
    /// that reads deliveries by their content).
    fn reacts_to_rejected(&self, _cx: &Context<'_>) -> bool {
        false
    }
    /// What it submits in reaction to an accepted delivery.
    fn react(&self, cx: &Context<'_>, payload: &Value) -> Vec<Submission>;
    /// Work asked through a prompt (§6.7): what to submit, a decline by its own rules, or a
    /// refusal (an error of the rig).
    fn prompt(&self, _cx: &Context<'_>, action: &str, _input: &Value) -> PromptAnswer {
        PromptAnswer::Refused(format!(
            "the reference {} takes no prompt {action}",
            self.role()
        ))
    }
}

/// The behaviour of each role that has a reference participant, by role code.
pub fn for_role(role: &str) -> Option<Box<dyn Behaviour>> {
    match role {
        "SUP" => Some(Box::new(super::supplier::Supplier)),
        "MSS" => Some(Box::new(super::metering::MeteringService::new("MSS"))),
        "MSA" => Some(Box::new(super::metering::MeteringService::new("MSA"))),
        "UMSO" => Some(Box::new(super::metering::MeteringService::new("UMSO"))),
        "SDS" => Some(Box::new(super::data::DataService::new("SDS"))),
        "ADS" => Some(Box::new(super::data::DataService::new("ADS"))),
        "UMSDS" => Some(Box::new(super::data::DataService::new("UMSDS"))),
        "LDSO" => Some(Box::new(super::ldso::Distributor)),
        _ => None,
    }
}

/// The market segment of a delivery (`B026`), smart when it does not say.
pub fn segment_of(payload: &Value) -> Segment {
    payload
        .pointer("/CustomBlock/B026/marketSegmentIndicator")
        .and_then(Value::as_str)
        .and_then(Segment::from_indicator)
        .unwrap_or(Segment::Smart)
}
