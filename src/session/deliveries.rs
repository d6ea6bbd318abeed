//! Deliveries: the DIP delivering to the system under test, and how the system answers.

use std::sync::Arc;

use serde_json::Value;

use super::scenario::fail;
use super::{Session, StepFailure};
use crate::journal::Entry;
use crate::stub::{Delivery, DeliveryBody, Signing};

/// The `message` of each item of a delivery's StandardResponse answer.
pub(super) fn answer_messages(d: &Entry) -> Vec<&str> {
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

impl Session {
    /// Delivers a batch to the system and records which entry it made.
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
        self.send(from_role, DeliveryBody::Batch(payloads), signing)
            .await
    }

    /// Delivers `body` from the counterparty of `from_role` to the system; the entry becomes
    /// the latest delivery.
    async fn send(
        &mut self,
        from_role: &str,
        body: DeliveryBody,
        signing: Signing,
    ) -> Result<Arc<Entry>, StepFailure> {
        let from = self.counterparty(from_role)?;
        if from_role == "REGS"
            && let DeliveryBody::Batch(payloads) = &body
        {
            for p in payloads {
                self.harness.router.learn(p);
            }
        }
        self.delivery_mark = self.harness.journal.last_seq();
        let entry = self
            .harness
            .egress
            .deliver(Delivery {
                scenario: Some(self.key.clone()),
                from,
                to: self.harness.system().clone(),
                body,
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
        let body = DeliveryBody::Raw {
            bytes,
            content_type: content_type.to_owned(),
        };
        self.send(from_role, body, Signing::Correct).await
    }

    /// Delivers the latest delivery again, byte for byte as the journal recorded it.
    pub async fn repeat_delivery(&mut self) -> Result<Arc<Entry>, StepFailure> {
        let last = self
            .delivery
            .clone()
            .ok_or_else(|| StepFailure::setup("nothing was delivered yet"))?;
        let bytes = match &last.body {
            crate::journal::Body::Json(v) => serde_json::to_vec(&v).expect("JSON serializes"),
            crate::journal::Body::Text(t) => t.clone().into_bytes(),
            crate::journal::Body::Empty => Vec::new(),
        };
        let role = last
            .from
            .as_deref()
            .map_or("REGS", crate::journal::label_role)
            .to_owned();
        self.deliver_raw(&role, bytes, "application/json").await
    }

    pub(super) fn last_delivery(&self) -> Result<Arc<Entry>, StepFailure> {
        self.delivery
            .clone()
            .ok_or_else(|| StepFailure::setup("nothing was delivered yet"))
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
        let sut = &self.harness.config.participant().dip_id;
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
}
