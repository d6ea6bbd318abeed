//! The router: where every accepted message goes. Each recipient is a party of the registry:
//! a system gets the message through egress (signed, `D0` filled, retried), a stubbed party
//! reacts as its declared reactions say, and what a stub sends is routed the same way.
//! Nothing is dropped silently: a reaction that cannot be built or addressed is journaled.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::reactions::{FollowOn, Reaction, Reply, request_pointer};
use super::{Accepted, Delivery, DeliveryBody, Egress, Reactions, Routing, Signing};
use crate::dip::{Builder, Header, Subject};
use crate::journal::{Direction, Entry, Journal};
use crate::market::{Registry, Segment};
use crate::party::{Appointments, Parties, Party};

/// Routes accepted messages and runs the stubs' reactions.
#[derive(Debug, Clone)]
pub struct Router {
    pub parties: Arc<Parties>,
    pub egress: Egress,
    pub builder: Builder,
    pub reactions: Arc<Reactions>,
    /// The recipients the DIP adds, and the appointments they are looked up in.
    pub routing: Arc<Routing>,
    pub appointments: Arc<Appointments>,
    /// The Registration Service's record of each MPAN: it learns from what the stubbed
    /// Registration Service publishes, and judges what reaches it.
    pub registry: Arc<Registry>,
    pub journal: Arc<Journal>,
    /// An E2E sandbox: the stubs answer within the flow of what they answer.
    pub sandbox: bool,
}

/// Where the stub DIP hands accepted messages to the router.
#[derive(Debug, Clone)]
pub struct RouterHandle {
    tx: UnboundedSender<Accepted>,
    router: Router,
}

impl RouterHandle {
    /// Routes `accepted` when routing it does anything ([`Router::wants`]).
    pub fn send(&self, accepted: Accepted) {
        let _ = self.tx.send(accepted);
    }

    /// Learns what the Registration Service publishes outside the router (the harness's
    /// own deliveries as the Registration Service).
    pub fn learn(&self, payload: &Value) {
        self.router.learn(payload);
    }

    /// The settlement rules' findings on a day of consumption (IF-021) that `sender`
    /// submitted, judged against the registry (CONTRACT-ROLES.md §6.3 D5); none for any
    /// other message.
    pub fn settlement_findings(
        &self,
        sender: &Party,
        payload: &Value,
        prefix: &str,
    ) -> Vec<crate::schema::Finding> {
        let h = Header::of(payload);
        if h.interface.as_deref() != Some("IF-021") {
            return Vec::new();
        }
        let facts = self.router.registry.facts(
            h.mpan.as_deref().unwrap_or_default(),
            (&sender.dip_id, &sender.role),
        );
        crate::schema::rules::settlement_findings(payload, prefix, &facts)
    }

    /// Routes a message as `sender` sent it, outside the stub DIP's ingress: what a sandbox
    /// user injects by hand as a stubbed party (`mhhs-qual send --as REGS`).
    pub fn inject(&self, sender: Arc<Party>, payload: Value) {
        let scenario = Header::of(&payload)
            .mpan
            .and_then(|m| self.router.journal.scenario_of(&m));
        let _ = self.tx.send(Accepted {
            scenario,
            sender,
            payload,
        });
    }

    /// Whether routing `payload` from `sender` does anything.
    pub fn wants(&self, sender: &str, payload: &Value) -> bool {
        self.router.wants(sender, payload)
    }
}

/// One message on its way: who sent it, about which scenario, and the payload.
#[derive(Debug, Clone)]
struct Routed {
    scenario: Option<String>,
    sender: Arc<Party>,
    payload: Value,
}

impl Router {
    /// Starts routing what the stub DIP accepts; the handle goes to
    /// [`super::StubDip::start`].
    pub fn start(self) -> RouterHandle {
        let (tx, rx) = unbounded_channel();
        let handle = RouterHandle {
            tx,
            router: self.clone(),
        };
        tokio::spawn(self.run(rx));
        handle
    }

    /// Whether routing `payload` from `sender` does anything: a recipient (primary, or added
    /// by a routing rule) that is a system, or a stub with a reaction to it. The stub DIP
    /// hands on only such messages, so that a message to a silent stub costs no copy.
    pub fn wants(&self, sender: &str, payload: &Value) -> bool {
        let h = Header::of(payload);
        let (interface, event) = (
            h.interface.as_deref().unwrap_or_default(),
            h.event.as_deref().unwrap_or_default(),
        );
        let has_route = self
            .builder
            .schemas
            .catalogue()
            .get(interface)
            .and_then(|i| i.publication.as_deref())
            .is_some_and(|p| self.routing.0.iter().any(|r| r.publication == p));
        has_route
            || crate::stub::ingress::primary_recipients(payload).any(|r| {
                r != sender
                    && self.parties.get(r).is_some_and(|p| {
                        p.system().is_some()
                            || self
                                .reactions
                                .triggered_by(&p.role, interface, event, payload, &|_| None)
                                .next()
                                .is_some()
                    })
            })
    }

    async fn run(self, mut rx: UnboundedReceiver<Accepted>) {
        while let Some(a) = rx.recv().await {
            self.route(Routed {
                scenario: a.scenario,
                sender: a.sender,
                payload: a.payload,
            });
        }
    }

    /// Sends a message to each of its primary recipients and to those the DIP adds by its
    /// routing rules (`A0.secondaryRecipients`); the sender never gets its own.
    fn route(&self, mut m: Routed) {
        if m.sender.role == "REGS" && m.sender.system().is_none() {
            self.learn(&m.payload);
        }
        let primary: Vec<String> = crate::stub::ingress::primary_recipients(&m.payload)
            .map(str::to_owned)
            .collect();
        let interface = Header::of(&m.payload).interface.unwrap_or_default();
        let publication = self
            .builder
            .schemas
            .catalogue()
            .get(&interface)
            .and_then(|i| i.publication.clone())
            .unwrap_or_default();
        // A rejection goes to its primary recipients only: the DIP adds no one to it.
        let rejected = m
            .payload
            .pointer("/CommonBlock/R0/responseCode")
            .and_then(Value::as_str)
            == Some("R");
        let added: Vec<String> = if rejected {
            Vec::new()
        } else {
            self.routing
                .added(&publication, &m.payload, &self.parties, &self.appointments)
        }
        .into_iter()
        .filter(|id| !primary.contains(id) && *id != m.sender.dip_id)
        .collect();
        if !added.is_empty()
            && let Some(a0) = m
                .payload
                .pointer_mut("/CommonBlock/A0")
                .and_then(Value::as_object_mut)
        {
            a0.insert("secondaryRecipients".into(), Value::from(added.clone()));
        }
        let mut done: Vec<&str> = Vec::new();
        for r in primary.iter().chain(&added) {
            if done.contains(&r.as_str()) || *r == m.sender.dip_id {
                continue;
            }
            done.push(r);
            match self.parties.get(r) {
                Some(p) if p.system().is_some() => {
                    let (egress, to) = (self.egress.clone(), p.clone());
                    let delivery = Delivery {
                        scenario: m.scenario.clone(),
                        from: m.sender.identity(),
                        to,
                        body: DeliveryBody::Batch(vec![m.payload.clone()]),
                        signing: Signing::Correct,
                    };
                    tokio::spawn(async move {
                        egress.deliver(delivery).await;
                    });
                }
                Some(p) => self.react(p, &m),
                None => self.note(
                    m.scenario.as_ref(),
                    format!("{r} is no party of this run: the message was not routed to it"),
                ),
            }
        }
    }

    /// The reactions of `stub` to a message that reached it.
    fn react(&self, stub: &Arc<Party>, m: &Routed) {
        let h = Header::of(&m.payload);
        let (interface, event) = (h.interface.unwrap_or_default(), h.event.unwrap_or_default());
        let verdicts = |name: &str| self.verdict(name, m);
        for reaction in self
            .reactions
            .triggered_by(&stub.role, &interface, &event, &m.payload, &verdicts)
        {
            let (router, reaction, stub, m) =
                (self.clone(), reaction.clone(), stub.clone(), m.clone());
            tokio::spawn(async move {
                tokio::time::sleep(reaction.after).await;
                router.answer(&reaction, &stub, &m);
            });
        }
    }

    /// Sends a reaction's message and schedules what follows it.
    fn answer(&self, reaction: &Reaction, stub: &Arc<Party>, trigger: &Routed) {
        let Some(to) = self.recipients(reaction.to.as_deref(), trigger, reaction) else {
            return;
        };
        if self.send(reaction, &reaction.send, stub, trigger, &to) {
            self.follow(reaction, reaction.then.as_deref(), stub, trigger, to);
        }
    }

    fn follow(
        &self,
        reaction: &Reaction,
        then: Option<&FollowOn>,
        stub: &Arc<Party>,
        trigger: &Routed,
        previous: Vec<String>,
    ) {
        let Some(then) = then.cloned() else {
            return;
        };
        let (router, reaction, stub, trigger) = (
            self.clone(),
            reaction.clone(),
            stub.clone(),
            trigger.clone(),
        );
        tokio::spawn(async move {
            tokio::time::sleep(then.after).await;
            let to = match &then.to {
                Some(list) => match router.recipients(Some(list), &trigger, &reaction) {
                    Some(to) => to,
                    None => return,
                },
                None => previous,
            };
            if router.send(&reaction, &then.send, &stub, &trigger, &to) {
                router.follow(&reaction, then.then.as_deref(), &stub, &trigger, to);
            }
        });
    }

    /// The DIP IDs a reaction sends to: its `to`, resolved against the trigger, or the
    /// trigger's sender.
    fn recipients(
        &self,
        to: Option<&[String]>,
        trigger: &Routed,
        reaction: &Reaction,
    ) -> Option<Vec<String>> {
        let Some(list) = to else {
            return Some(vec![trigger.sender.dip_id.clone()]);
        };
        let mut out = Vec::new();
        for r in list {
            let id = match request_pointer(r) {
                Some(pointer) => trigger.payload.pointer(pointer).and_then(Value::as_str),
                None => Some(r.as_str()),
            };
            match id {
                Some(id) if !id.is_empty() => out.push(id.to_owned()),
                _ => {
                    self.note(
                        trigger.scenario.as_ref(),
                        format!(
                            "reaction {:?} ({}) not sent: {r} is empty in the message it answers",
                            reaction.name, reaction.source
                        ),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Builds `send` from `stub` to `to` and routes it; false (journaled) when it cannot be
    /// built.
    fn send(
        &self,
        reaction: &Reaction,
        send: &Reply,
        stub: &Arc<Party>,
        trigger: &Routed,
        to: &[String],
    ) -> bool {
        let h = Header::of(&trigger.payload);
        let segment = trigger
            .payload
            .pointer("/CustomBlock/B026/marketSegmentIndicator")
            .and_then(Value::as_str)
            .and_then(Segment::from_indicator)
            .or_else(|| {
                h.mpan
                    .as_deref()
                    .and_then(|m| self.registry.record(m))
                    .and_then(|r| r.segment)
            })
            .unwrap_or(Segment::Smart);
        let subject = Subject {
            mpan: h.mpan.unwrap_or_default(),
            segment,
        };
        let from = stub.identity();
        let mut vars = self
            .builder
            .vars(&from, &subject)
            .with_request(trigger.payload.clone());
        vars = vars
            .set("requester.dip_id", trigger.sender.dip_id.clone())
            .set("requester.mpid", trigger.sender.mpid.clone());
        if let Some(css) = Some(subject.mpan.as_str())
            .filter(|m| !m.is_empty())
            .and_then(|m| self.registry.record(m))
            .and_then(|r| r.css_registration_id)
        {
            vars = vars.set("css_registration_id", css);
        }
        if h.interface.as_deref() == Some("IF-005") {
            let verdict = self.registry.mtd_verdict(
                (&trigger.sender.dip_id, &trigger.sender.role),
                &trigger.payload,
            );
            vars = vars.set("regs.verdict", registry_answer(verdict));
        }
        if let Some(breaches) = self.settlement(trigger) {
            vars = vars.set("mds.verdict", mds_answer(&breaches));
        }
        if h.interface.as_deref() == Some("IF-034") {
            vars = match assigned_mdr(&trigger.payload, segment) {
                Some(b019) => vars.set("regs.assigned_mdr", b019),
                None => vars.without("regs.assigned_mdr"),
            };
        }
        match self.builder.payload_from(
            send.template.as_deref(),
            &from,
            &send.interface,
            &send.event,
            &subject,
            vars,
        ) {
            Ok(mut payload) => {
                if let Some(a0) = payload.pointer_mut("/CommonBlock/A0") {
                    a0["primaryRecipients"] = Value::from(to.to_vec());
                }
                if self.sandbox {
                    // The stub answers within the flow of what it answers (G7).
                    let flow = trigger
                        .payload
                        .pointer("/CommonBlock/S1/senderCorrelationID")
                        .or_else(|| {
                            trigger
                                .payload
                                .pointer("/CommonBlock/D0/initialCorrelationID")
                        })
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    if let (Some(flow), Some(s1)) = (flow, payload.pointer_mut("/CommonBlock/S1"))
                        && s1.get("senderCorrelationID").is_none_or(Value::is_null)
                    {
                        s1["senderCorrelationID"] = Value::from(flow);
                    }
                }
                self.route(Routed {
                    scenario: trigger.scenario.clone(),
                    sender: stub.clone(),
                    payload,
                });
                true
            }
            Err(message) => {
                self.note(
                    trigger.scenario.as_ref(),
                    format!(
                        "reaction {:?} ({}) failed: {message}",
                        reaction.name, reaction.source
                    ),
                );
                false
            }
        }
    }

    /// What the Registration Service publishes is the market's record: the registry, and the
    /// appointments the DIP routes by, learn from it.
    pub fn learn(&self, payload: &Value) {
        self.registry.learn(payload);
        let Some(mpan) = payload
            .pointer("/CommonBlock/M0/MPANCore")
            .and_then(Value::as_str)
        else {
            return;
        };
        for (role, pointer) in [
            (
                "SUP",
                "/CustomBlock/B012/serviceProviderAppointmentRequestingSupplierDIPID",
            ),
            ("MS", "/CustomBlock/B014/incomingMeteringServiceDIPID"),
            ("DS", "/CustomBlock/B017/incomingDataServiceDIPID"),
            ("DS", "/CustomBlock/B015/incomingDataServiceDIPID"),
            ("MS", "/CustomBlock/B016/incomingMeteringServiceDIPID"),
            ("MDR", "/CustomBlock/B019/assignedMDRDIPID"),
        ] {
            if let Some(id) = payload.pointer(pointer).and_then(Value::as_str) {
                self.appointments.appoint(mpan, role, id);
            }
        }
    }

    /// The harness's verdict `name` on a message (reactions' `if = { verdict = ... }`).
    fn verdict(&self, name: &str, m: &Routed) -> Option<String> {
        match name {
            "settlement" => {
                let breaches = self.settlement(m)?;
                let broken = breaches.iter().any(|b| !b.warn);
                Some(if broken { "rejected" } else { "accepted" }.to_owned())
            }
            _ => None,
        }
    }

    /// The settlement rules' breaches of a day of consumption (IF-021), judged against the
    /// registry; None for any other message.
    fn settlement(&self, m: &Routed) -> Option<Vec<crate::market::settlement::Breach>> {
        let h = Header::of(&m.payload);
        if h.interface.as_deref() != Some("IF-021") {
            return None;
        }
        let facts = self.registry.facts(
            h.mpan.as_deref().unwrap_or_default(),
            (&m.sender.dip_id, &m.sender.role),
        );
        Some(crate::market::settlement::check_if021(&m.payload, &facts))
    }

    fn note(&self, scenario: Option<&String>, outcome: String) {
        let mut e = Entry::new(Direction::Note, "");
        e.scenario = scenario.cloned();
        e.outcome = outcome;
        self.journal.record(e);
    }
}

/// The meter data retriever the Registration Service assigns on a data service's acceptance
/// (B019, a smart MPAN only): the one the data service nominated (B018), else the one the
/// supplier nominated (B071); None when neither did.
fn assigned_mdr(answer: &Value, segment: Segment) -> Option<Value> {
    if segment != Segment::Smart {
        return None;
    }
    let c = answer.pointer("/CustomBlock")?;
    let text = |p: &str| c.pointer(p).and_then(Value::as_str).map(str::to_owned);
    let (id, mpid, from) = match text("/B018/SDSNominatedMDRDIPID") {
        Some(id) => (
            id,
            text("/B018/SDSNominatedMDRMPID")?,
            text("/B018/SDSNominatedMDRRequestedEffectiveFromDate")?,
        ),
        None => (
            text("/B071/supplierNominatedMDRDIPID")?,
            text("/B071/supplierNominatedMDRMPID")?,
            text("/B071/supplierNominatedMDREffectiveFromDate")
                .or_else(|| text("/B071/proposedDataServiceDIPEffectiveFromDate"))?,
        ),
    };
    Some(serde_json::json!({
        "assignedMDRDIPID": id,
        "assignedMDRMPID": mpid,
        "assignedMDREffectiveFromDate": from,
    }))
}

/// The `R0` of the Market-wide Data Service's answer to a day of consumption: rejected with
/// the ECS code of the first settlement rule broken (ECS1009 for a rule without one of its
/// own), accepted when none is.
fn mds_answer(breaches: &[crate::market::settlement::Breach]) -> Value {
    match breaches.iter().find(|b| !b.warn) {
        None => serde_json::json!({"responseCode": "A", "responseMessages": []}),
        Some(b) => {
            let code = b.ecs.unwrap_or("ECS1009");
            serde_json::json!({
                "responseCode": "R",
                "responseMessages": [format!("{code} - {}", crate::market::settlement::ecs_text(code))],
            })
        }
    }
}

/// The `R0` of the Registration Service's answer: accepted, or rejected with the first rule
/// broken (`REGnnnn - text`).
fn registry_answer(broken: Option<crate::market::registry::Broken>) -> Value {
    match broken {
        None => serde_json::json!({"responseCode": "A", "responseMessages": []}),
        Some((code, text)) => {
            serde_json::json!({"responseCode": "R", "responseMessages": [format!("{code} - {text}")]})
        }
    }
}
