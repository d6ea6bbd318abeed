//! End-to-end flows (CONTRACT-ROLES.md §7): messages that pass between several real systems
//! through the stub DIP, one hop at a time. A hop is one submission, or one delivery it
//! causes; each is checked as §7 lists (addressing, routing, content, correlation, ordering,
//! timing) and kept, so that later steps compare hops and a failure shows the flow so far.

use std::sync::Arc;

use serde_json::Value;

use super::scenario::{batch_has, payload_of, refusals};
use super::{Session, StepFailure};
use crate::journal::{Direction, Entry};
use crate::party::Party;
use crate::stub::{Delivery, DeliveryBody, Signing};

/// One hop of a flow: the event it carried and the journal entry that shows it.
#[derive(Debug, Clone)]
pub struct Hop {
    pub event: String,
    pub entry: Arc<Entry>,
    pub payload: Value,
}

/// How a step names a party in a failure: `the MSS (MSS 1200000009)`.
fn named(role: &str, party: &Party) -> String {
    format!("the {role} ({})", party.label())
}

impl Session {
    /// The real system of `role` in this run: a sandbox has one system per role of its flows.
    pub fn system_of(&self, role: &str) -> Result<Arc<Party>, StepFailure> {
        self.harness
            .parties
            .systems()
            .find(|p| p.role == role)
            .cloned()
            .ok_or_else(|| {
                StepFailure::setup(format!(
                    "the flow needs a {role} system, and {} has no [[participant]] with role {role}",
                    self.harness.config.source
                ))
            })
    }

    /// The party a hop names: the system of `role` when there is one, else the stubbed
    /// counterparty of that role.
    fn party_of(&self, role: &str) -> Result<Arc<Party>, StepFailure> {
        if let Ok(p) = self.system_of(role) {
            return Ok(p);
        }
        let c = self.counterparty(role)?;
        self.harness
            .parties
            .get(&c.dip_id)
            .cloned()
            .ok_or_else(|| StepFailure::setup(format!("{} is no party of this run", c.dip_id)))
    }

    /// The whole flow so far, for a failure: every entry of the scenario.
    fn flow_so_far(&self) -> Vec<Arc<Entry>> {
        self.harness.journal.of_scenario(&self.key)
    }

    /// A failure of hop `what`, quoting the whole flow so far.
    fn hop_failed(&self, what: &str, arrived: impl Into<String>) -> StepFailure {
        StepFailure::unmet(format!("hop: {what}"), arrived.into(), &self.flow_so_far())
    }

    /// The first hop of a flow: the stubbed `from_role` delivers `interface`/`event` about the
    /// MPAN to the system of `to_role`, which must answer 201 with RCP0000.
    pub async fn deliver_hop(
        &mut self,
        from_role: &str,
        to_role: &str,
        interface: &str,
        event: &str,
    ) -> Result<(), StepFailure> {
        let to = self.system_of(to_role)?;
        let vars = [
            ("sut.dip_id", Value::from(to.dip_id.clone())),
            ("sut.mpid", Value::from(to.mpid.clone())),
            ("sut.role", Value::from(to.role.clone())),
        ];
        let mut payload = self.build_with(from_role, interface, event, &vars, &[])?;
        if let Some(a0) = payload.pointer_mut("/CommonBlock/A0") {
            a0["primaryRecipients"] = Value::from(vec![to.dip_id.clone()]);
        }
        if from_role == "REGS" {
            self.harness.router.learn(&payload);
        }
        let from = self.counterparty(from_role)?;
        self.delivery_mark = self.harness.journal.last_seq();
        let entry = self
            .harness
            .egress
            .deliver(Delivery {
                scenario: Some(self.key.clone()),
                from,
                to: to.clone(),
                body: DeliveryBody::Batch(vec![payload]),
                signing: Signing::Correct,
            })
            .await;
        self.delivery = Some(entry.clone());
        if self.flow.is_empty() {
            self.flow_started = true;
        }
        let what = format!(
            "{} delivers {interface} {event} to {}, answered 201 with RCP0000",
            from_role,
            named(to_role, &to)
        );
        if let Some(why) = unacknowledged(&entry) {
            return Err(self.hop_failed(&what, why));
        }
        let payload = payload_of(&entry, event).unwrap_or(Value::Null);
        self.flow.push(Hop {
            event: event.to_owned(),
            entry,
            payload,
        });
        Ok(())
    }

    /// A hop that is a submission: the system of `sender_role` submits `interface`/`event`
    /// about the flow's MPAN, the DIP accepts it, addressed to `recipient_role`, within
    /// `response` of the last message delivered to the sender.
    pub async fn await_hop_submission(
        &mut self,
        sender_role: &str,
        interface: &str,
        event: &str,
        recipient_role: &str,
    ) -> Result<(), StepFailure> {
        let sender = self.system_of(sender_role)?;
        let recipient = self.party_of(recipient_role)?;
        let mpan = self.subject()?.mpan.clone();
        let response = self.harness.config.timeouts.response;
        let what = format!(
            "{} submits {interface} {event} for MPAN {mpan} to {}, accepted by the DIP, within {}",
            named(sender_role, &sender),
            named(recipient_role, &recipient),
            humantime::format_duration(response)
        );
        let label = sender.label();
        let seen: Vec<u64> = self.flow.iter().map(|h| h.entry.seq).collect();
        let got = self
            .harness
            .journal
            .wait_for(&self.key, 0, response, |e| {
                e.direction == Direction::Ingress
                    && e.status == Some(201)
                    && e.from.as_deref() == Some(label.as_str())
                    && batch_has(e, interface, event)
                    && !seen.contains(&e.seq)
            })
            .await;
        let entry = match got {
            Ok(e) => e,
            Err(entries) => {
                let theirs: Vec<Arc<Entry>> = entries
                    .iter()
                    .filter(|e| e.from.as_deref() == Some(label.as_str()))
                    .cloned()
                    .collect();
                let arrived =
                    refusals(&theirs, Some(interface), Some(event)).unwrap_or_else(|| {
                        if theirs.iter().any(|e| e.direction == Direction::Ingress) {
                            format!("other submissions of {label} only")
                        } else {
                            format!("no submission from {label}")
                        }
                    });
                return Err(self.hop_failed(&what, arrived));
            }
        };
        let payload = payload_of(&entry, event).unwrap_or(Value::Null);
        // Addressing: the flow says who the primary recipient is.
        let primary: Vec<&str> = payload
            .pointer("/CommonBlock/A0/primaryRecipients")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if primary != [recipient.dip_id.as_str()] {
            return Err(self.hop_failed(
                &what,
                format!(
                    "{interface} {event} addressed to {} (A0.primaryRecipients)",
                    if primary.is_empty() {
                        "no one".to_owned()
                    } else {
                        primary.join(", ")
                    }
                ),
            ));
        }
        // Timing: within `response` of the last message the sender was given.
        let trigger = self
            .flow
            .iter()
            .rev()
            .find(|h| h.entry.direction == Direction::Egress && h.entry.to == [label.clone()]);
        if let Some(t) = trigger {
            let took = entry.at_ms.saturating_sub(t.entry.at_ms);
            if u128::from(took) > response.as_millis() {
                return Err(self.hop_failed(
                    &what,
                    format!(
                        "{interface} {event} came {took} ms after {} {} reached {label}",
                        t.entry.interface.as_deref().unwrap_or("?"),
                        t.event
                    ),
                ));
            }
        }
        self.flow.push(Hop {
            event: event.to_owned(),
            entry,
            payload,
        });
        Ok(())
    }

    /// A hop that is a delivery: `interface`/`event` about the flow's MPAN reaches the system
    /// of `recipient_role`, which answers 201 with RCP0000 within `ack`.
    pub async fn await_hop_delivery(
        &mut self,
        recipient_role: &str,
        interface: &str,
        event: &str,
    ) -> Result<(), StepFailure> {
        let recipient = self.system_of(recipient_role)?;
        let label = recipient.label();
        let response = self.harness.config.timeouts.response;
        let ack = self.harness.config.timeouts.ack;
        let what = format!(
            "{interface} {event} reaches {} within {}, answered 201 with RCP0000 within {}",
            named(recipient_role, &recipient),
            humantime::format_duration(response),
            humantime::format_duration(ack)
        );
        let seen: Vec<u64> = self.flow.iter().map(|h| h.entry.seq).collect();
        let is_it = |e: &Entry| {
            e.direction == Direction::Egress
                && e.to == [label.clone()]
                && batch_has(e, interface, event)
                && !seen.contains(&e.seq)
        };
        // The final attempt: an answer that asks for no retry.
        let got = self
            .harness
            .journal
            .wait_for(&self.key, 0, response + ack, |e| {
                is_it(e) && !matches!(e.status, None | Some(408 | 429 | 500..=599))
            })
            .await;
        let entry = match got {
            Ok(e) => e,
            Err(entries) => {
                let tried: Vec<&Arc<Entry>> = entries.iter().filter(|e| is_it(e)).collect();
                let arrived = match tried.last() {
                    Some(e) => format!(
                        "delivered {} time(s); the last answered {}",
                        tried.len(),
                        unacknowledged(e).unwrap_or_else(|| "201".into())
                    ),
                    None => format!("nothing of {interface} {event} delivered to {label}"),
                };
                return Err(self.hop_failed(&what, arrived));
            }
        };
        if let Some(why) = unacknowledged(&entry) {
            return Err(self.hop_failed(&what, why));
        }
        if entry
            .latency_ms
            .is_some_and(|l| u128::from(l) > ack.as_millis())
        {
            return Err(self.hop_failed(
                &what,
                format!("answered after {} ms", entry.latency_ms.unwrap_or_default()),
            ));
        }
        let payload = payload_of(&entry, event).unwrap_or(Value::Null);
        self.flow.push(Hop {
            event: event.to_owned(),
            entry,
            payload,
        });
        Ok(())
    }

    /// The latest hop that carried `event`.
    fn hop(&self, event: &str) -> Result<&Hop, StepFailure> {
        self.flow.iter().rev().find(|h| h.event == event).ok_or_else(|| {
            StepFailure::setup(format!(
                "no hop of the flow carried {event} yet: a step that waits for it must come first"
            ))
        })
    }

    /// Content: the value at `pointer` of the `event` hop equals the value at
    /// `other_pointer` of the `other` hop.
    pub fn expect_hop_carries(
        &self,
        event: &str,
        pointer: &str,
        other: &str,
        other_pointer: &str,
    ) -> Result<(), StepFailure> {
        let (a, b) = (self.hop(event)?, self.hop(other)?);
        let got = a.payload.pointer(pointer).cloned().unwrap_or(Value::Null);
        let want = b
            .payload
            .pointer(other_pointer)
            .cloned()
            .unwrap_or(Value::Null);
        if want.is_null() {
            return Err(self.hop_failed(&format!("{other} has {other_pointer}"), "nothing there"));
        }
        if got == want {
            Ok(())
        } else {
            Err(self.hop_failed(
                &format!("{event} {pointer} equals {other} {other_pointer}: {want}"),
                format!("{event} {pointer} is {got}"),
            ))
        }
    }

    /// Content: the value at `pointer` of the `event` hop is the DIP ID of the party of
    /// `role`.
    pub fn expect_hop_names(
        &self,
        event: &str,
        pointer: &str,
        role: &str,
    ) -> Result<(), StepFailure> {
        let party = self.party_of(role)?;
        let hop = self.hop(event)?;
        let got = hop.payload.pointer(pointer).cloned().unwrap_or(Value::Null);
        if got.as_str() == Some(party.dip_id.as_str()) {
            Ok(())
        } else {
            Err(self.hop_failed(
                &format!("{event} {pointer} names {}", named(role, &party)),
                format!("{event} {pointer} is {got}"),
            ))
        }
    }

    /// Content: the text at `pointer` of the `event` hop is `want`.
    pub fn expect_hop_value(
        &self,
        event: &str,
        pointer: &str,
        want: &str,
    ) -> Result<(), StepFailure> {
        let hop = self.hop(event)?;
        let got = hop.payload.pointer(pointer).cloned().unwrap_or(Value::Null);
        if got.as_str() == Some(want) {
            Ok(())
        } else {
            Err(self.hop_failed(
                &format!("{event} {pointer} is {want:?}"),
                format!("{event} {pointer} is {got}"),
            ))
        }
    }

    /// Ordering: the `later` hop came after the `earlier` one, by the DIP's clock
    /// (`D0.transactionTimestamp` of deliveries; the time of receipt of submissions).
    pub fn expect_hop_after(&self, later: &str, earlier: &str) -> Result<(), StepFailure> {
        let (l, e) = (self.hop(later)?, self.hop(earlier)?);
        let stamp = |h: &Hop| {
            h.payload
                .pointer("/CommonBlock/D0/transactionTimestamp")
                .and_then(Value::as_str)
                .and_then(|t| super::data::moment(t).ok())
        };
        // When the DIP sent or took the message: an entry is recorded when its exchange
        // ends, so a delivery's start is its record time less its latency (a system may
        // submit its reaction before it answers the delivery).
        let began = |h: &Hop| {
            h.entry
                .at_ms
                .saturating_sub(h.entry.latency_ms.unwrap_or_default())
        };
        let before = match (stamp(l), stamp(e)) {
            (Some(a), Some(b)) if a != b => a < b,
            _ => began(l) < began(e),
        };
        if before {
            Err(self.hop_failed(
                &format!("{later} after {earlier}"),
                format!("{later} came first"),
            ))
        } else {
            Ok(())
        }
    }

    /// Correlation: every message of the flow keeps its MPAN and, wherever it carries one,
    /// the CSS registration ID of the flow's first message; every delivery has its own
    /// `D0.transactionID`. A flow whose messages do not share the first one's
    /// `D0.initialCorrelationID` is only warned about (G7, advisory).
    pub fn expect_flow_correlation(&mut self) -> Result<(), StepFailure> {
        let mpan = self.subject()?.mpan.clone();
        let css = self
            .flow
            .first()
            .and_then(|h| h.payload.pointer("/CustomBlock/B013/CSSRegistrationID"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let mut transactions: std::collections::HashMap<String, u64> =
            std::collections::HashMap::new();
        let mut correlations = std::collections::BTreeSet::new();
        // The DIP's correlation of a flow starts at the flow's first delivery: what the
        // harness set up before it (a back-dated appointment, the retriever's data) are
        // messages of their own.
        let start = self
            .flow
            .first()
            .filter(|h| h.entry.direction == Direction::Egress && self.flow_started)
            .map(|h| h.entry.seq);
        for e in self.flow_so_far() {
            if e.direction == Direction::Note || e.status != Some(201) {
                continue;
            }
            let Some(body) = e.body.json() else { continue };
            for p in crate::dip::payloads(body) {
                let h = crate::dip::Header::of(p);
                let what = format!(
                    "{} {}",
                    h.interface.as_deref().unwrap_or("?"),
                    h.event.as_deref().unwrap_or("?")
                );
                if h.mpan.as_deref() != Some(mpan.as_str()) {
                    return Err(self.hop_failed(
                        &format!("every message of the flow is about MPAN {mpan}"),
                        format!("{what} is about {}", h.mpan.as_deref().unwrap_or("no MPAN")),
                    ));
                }
                if let (Some(want), Some(got)) = (
                    css.as_deref(),
                    p.pointer("/CustomBlock/B013/CSSRegistrationID")
                        .and_then(Value::as_str),
                ) && got != want
                {
                    return Err(self.hop_failed(
                        &format!(
                            "every message of the flow keeps CSS registration ID {want} (B013)"
                        ),
                        format!("{what} has {got}"),
                    ));
                }
                if e.direction == Direction::Egress {
                    if let Some(t) = p
                        .pointer("/CommonBlock/D0/transactionID")
                        .and_then(Value::as_str)
                    {
                        // A retried delivery is the same delivery: it keeps its ID.
                        let key = format!("{t} {}", e.to.join(","));
                        if transactions.insert(t.to_owned(), e.seq).is_some()
                            && !transactions.contains_key(&key)
                        {
                            return Err(self.hop_failed(
                                "every delivery of the flow has its own D0.transactionID",
                                format!("{t} used twice"),
                            ));
                        }
                        transactions.insert(key, e.seq);
                    }
                    if let Some(c) = p
                        .pointer("/CommonBlock/D0/initialCorrelationID")
                        .and_then(Value::as_str)
                        .filter(|_| start.is_some_and(|s| e.seq >= s))
                    {
                        correlations.insert(c.to_owned());
                    }
                }
            }
        }
        if correlations.len() > 1 {
            self.warn(
                "G7",
                format!(
                    "the flow's messages carry {} different D0.initialCorrelationIDs: a system's S1.senderCorrelationID is not the D0.initialCorrelationID of what it answers (advisory: a flow shares the one the DIP gave its first message)",
                    correlations.len()
                ),
            );
        }
        Ok(())
    }

    /// The flow's hops so far, with each one's latency: for the report and failure texts.
    pub fn flow_hops(&self) -> &[Hop] {
        &self.flow
    }
}

/// Why a delivery was not acknowledged as G1 asks (201 with RCP0000), or None.
fn unacknowledged(e: &Entry) -> Option<String> {
    match e.status {
        Some(201) => {
            let messages = super::deliveries::answer_messages(e);
            match messages.first() {
                Some(m) if m.starts_with("RCP0000 - ") => None,
                Some(m) => Some(format!("201 with {m:?}")),
                None => Some("201 without a StandardResponse".into()),
            }
        }
        Some(status) => Some(format!("{status}: {}", e.outcome)),
        None => Some(e.outcome.clone()),
    }
}
