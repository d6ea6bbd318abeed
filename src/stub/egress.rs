//! Egress: the DIP delivering to a system's webhook.
//!
//! The DIP fills `D0` and `A0.secondaryRecipients`/`always`, posts the batch, and retries
//! `408`, `429` and `5xx` (and nothing else) a bounded number of times. Every attempt, its
//! status and its latency go to the journal. An answer later than the `ack` timeout counts as
//! no answer; answers are read up to a size limit, so a SUT answering garbage or a flood
//! cannot hurt the harness.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use std::collections::HashMap;

use crate::config::{Config, Counterparty};
use crate::dip::{Ids, now_dt003};
use crate::journal::{Body, Direction, Entry, Journal};
use crate::party::Party;
use crate::schema::SchemaSet;
use crate::security::impostor;
use crate::security::signature::Signer;

/// Answers larger than this are cut.
const MAX_ANSWER: usize = 1024 * 1024;
/// Attempts per delivery, the first included.
const ATTEMPTS: u32 = 3;
/// The outcome of an attempt whose connection failed.
const UNREACHABLE: &str = "webhook unreachable";

/// What is sent.
#[derive(Debug, Clone)]
pub enum DeliveryBody {
    /// A batch in the egress array form; `D0` and `A0` are filled before sending.
    Batch(Vec<Value>),
    /// A body sent exactly as given (a repeated delivery, or bad input on purpose).
    Raw {
        bytes: Vec<u8>,
        content_type: String,
    },
}

/// How a delivery is signed: as the DIP signs (CONTRACT.md §4), or broken on purpose to show
/// whether the SUT notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Signing {
    #[default]
    Correct,
    /// Signed, then the body changed (`S1.subText` of the first message).
    BodyChangedAfterSigning,
    /// Dated twice the clock-skew window in the past.
    Stale,
    /// Signed correctly with another key, in a certificate bearing the DIP certificate's
    /// subject, issuer and serial number.
    ForeignCertificate,
    /// Signed correctly, with this header left out.
    Without(&'static str),
}

/// A delivery to make.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub scenario: Option<String>,
    /// Who sent the message: a stubbed counterparty, or a system whose submission is routed.
    pub from: Counterparty,
    /// The system it goes to.
    pub to: Arc<Party>,
    pub body: DeliveryBody,
    pub signing: Signing,
}

/// The DIP's egress side.
#[derive(Debug, Clone)]
pub struct Egress {
    client: reqwest::Client,
    config: Arc<Config>,
    schemas: Arc<SchemaSet>,
    journal: Arc<Journal>,
    ids: Arc<Ids>,
    /// The client of each system (by DIP ID) whose webhook needs TLS of its own; others use
    /// `client`.
    clients: Arc<HashMap<String, reqwest::Client>>,
    signer: Arc<Signer>,
    /// Made on first use: a certificate with the DIP's names and serial that is not the DIP's.
    impostor: Arc<std::sync::OnceLock<Result<Signer, String>>>,
    /// Carry a flow's correlation (the sandbox): a message whose `S1.senderCorrelationID`
    /// names the correlation it answers is delivered with that `D0.initialCorrelationID`.
    flow_correlation: bool,
    /// Where a delivery the system did not take goes (the sandbox holds it for re-delivery).
    hold: Option<HoldFn>,
}

/// A delivery the system did not take, after every attempt: 408, 429 or 5xx, no answer
/// within `ack`, or a webhook that cannot be reached.
#[derive(Debug, Clone)]
pub struct Untaken {
    pub scenario: Option<String>,
    /// The sender's label.
    pub from: String,
    /// The system's DIP ID.
    pub to: String,
    /// The body as it was sent (the DIP's array form), `D0` stamped.
    pub body: Value,
    /// What the last attempt got.
    pub reason: String,
    /// The journal entry of the last attempt.
    pub seq: u64,
}

/// Takes a delivery the system did not take; returns what the journal should say became of it.
#[derive(Clone)]
pub struct HoldFn(pub Arc<dyn Fn(Untaken) -> String + Send + Sync>);

impl std::fmt::Debug for HoldFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HoldFn")
    }
}

impl Egress {
    /// The egress side, delivering with `client` (its TLS set up by the caller) and signing
    /// with `signer`.
    pub fn new(
        config: Arc<Config>,
        schemas: Arc<SchemaSet>,
        journal: Arc<Journal>,
        ids: Arc<Ids>,
        client: reqwest::Client,
        signer: Arc<Signer>,
    ) -> Self {
        Self {
            client,
            config,
            schemas,
            journal,
            ids,
            clients: Arc::default(),
            signer,
            impostor: Arc::default(),
            flow_correlation: false,
            hold: None,
        }
    }

    /// Hands every delivery the system did not take, after every attempt, to `hold`.
    #[must_use]
    pub fn with_hold(mut self, hold: HoldFn) -> Self {
        self.hold = Some(hold);
        self
    }

    /// Delivers each message with the correlation it answers (`S1.senderCorrelationID`) as
    /// its `D0.initialCorrelationID`, so that a flow keeps the one its first message was
    /// given (CONTRACT-ROLES.md §7, correlation).
    #[must_use]
    pub fn with_flow_correlation(mut self) -> Self {
        self.flow_correlation = true;
        self
    }

    /// Delivers to these systems (by DIP ID) with clients of their own.
    #[must_use]
    pub fn with_clients(mut self, clients: HashMap<String, reqwest::Client>) -> Self {
        self.clients = Arc::new(clients);
        self
    }

    /// The DIP's signer.
    pub fn signer(&self) -> &Arc<Signer> {
        &self.signer
    }

    /// The client that reaches the system with this DIP ID.
    pub fn client_for(&self, dip_id: &str) -> &reqwest::Client {
        self.clients.get(dip_id).unwrap_or(&self.client)
    }

    /// A client builder with the egress timeouts.
    pub fn client_builder(config: &Config) -> reqwest::ClientBuilder {
        reqwest::Client::builder()
            .timeout(config.timeouts.ack)
            .connect_timeout(config.timeouts.ack)
            .pool_max_idle_per_host(16)
    }

    /// The signature headers of one attempt, signed as `signing` says, and the bytes to send.
    fn signed(
        &self,
        url: &str,
        bytes: &[u8],
        signing: Signing,
    ) -> (Vec<(&'static str, String)>, Vec<u8>) {
        let now = time::OffsetDateTime::now_utc();
        let mut at = now;
        let mut sent = bytes.to_vec();
        let mut signer = self.signer.as_ref();
        match signing {
            Signing::Correct | Signing::Without(_) => {}
            Signing::BodyChangedAfterSigning => sent = changed(bytes),
            Signing::Stale => {
                at = now
                    - time::Duration::try_from(self.config.dip.clock_skew * 2)
                        .unwrap_or(time::Duration::hours(1));
            }
            Signing::ForeignCertificate => {
                let impostor = self.impostor.get_or_init(|| {
                    impostor::generate(self.signer.certificate_pem())
                        .map(|(s, _)| s)
                        .map_err(|e| e.to_string())
                });
                match impostor {
                    Ok(s) => signer = s,
                    Err(e) => tracing::error!("cannot make a foreign certificate: {e}"),
                }
            }
        }
        let s = signer.sign("POST", url, bytes, at);
        let headers = s
            .headers()
            .into_iter()
            .filter(|(name, _)| Signing::Without(name) != signing)
            .map(|(name, value)| (name, value.to_owned()))
            .collect();
        (headers, sent)
    }

    /// Fills `D0` and the DIP's part of `A0` in every payload of a batch going to `to`.
    pub fn stamp(&self, payloads: &mut [Value], from: &Counterparty, to: &str) {
        for p in payloads {
            let interface = p
                .pointer("/CommonBlock/S0/interfaceID")
                .and_then(Value::as_str)
                .unwrap_or("IF-000")
                .to_owned();
            let publication = self
                .schemas
                .catalogue()
                .get(&interface)
                .and_then(|i| i.publication.clone())
                .unwrap_or_else(|| interface.replacen("IF-", "PUB-", 1));
            let answered = p
                .pointer("/CommonBlock/S1/senderCorrelationID")
                .and_then(Value::as_str)
                .filter(|c| self.flow_correlation && !c.is_empty())
                .map(str::to_owned);
            let Some(common) = p.pointer_mut("/CommonBlock").and_then(Value::as_object_mut) else {
                continue;
            };
            common.insert(
                "D0".into(),
                json!({
                    "transactionID": self.ids.transaction_id(&interface, &from.dip_id, &from.role),
                    "transactionTimestamp": now_dt003(),
                    "publicationID": publication,
                    "initialCorrelationID": answered.unwrap_or_else(|| self.ids.correlation_id()),
                    "replayIndicator": false,
                    "serviceTicketURL": null,
                }),
            );
            let a0 = common
                .entry("A0")
                .or_insert_with(|| json!({"primaryRecipients": []}));
            if let Some(a0) = a0.as_object_mut() {
                let listed = |key: &str| {
                    a0.get(key)
                        .and_then(Value::as_array)
                        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(to)))
                };
                let named = listed("primaryRecipients") || listed("secondaryRecipients");
                a0.entry("primaryRecipients").or_insert_with(|| json!([]));
                let secondary = a0.entry("secondaryRecipients").or_insert_with(|| json!([]));
                if !secondary.is_array() {
                    *secondary = json!([]);
                }
                if !named && let Some(list) = secondary.as_array_mut() {
                    list.push(json!(to));
                }
                a0.insert("always".into(), json!([]));
            }
        }
    }

    /// Delivers to the SUT, retrying as the DIP does. Returns the journal entry of the last
    /// attempt.
    pub async fn deliver(&self, mut delivery: Delivery) -> Arc<Entry> {
        let body = std::mem::replace(&mut delivery.body, DeliveryBody::Batch(Vec::new()));
        let (bytes, content_type) = match body {
            DeliveryBody::Batch(mut payloads) => {
                self.stamp(&mut payloads, &delivery.from, &delivery.to.dip_id);
                let body: Vec<Value> = payloads
                    .into_iter()
                    .map(|p| json!({ "payload": p }))
                    .collect();
                (
                    serde_json::to_vec(&body).expect("JSON values serialize"),
                    "application/json".to_owned(),
                )
            }
            DeliveryBody::Raw {
                bytes,
                content_type,
            } => (bytes, content_type),
        };
        let mut attempt = 1;
        loop {
            let entry = self
                .attempt(&delivery, &bytes, &content_type, attempt)
                .await;
            // Answers asking for a retry, and a webhook that cannot be reached at all, are
            // tried again; anything else (an answer, or none within `ack`) is final.
            let retry = matches!(entry.status, Some(408 | 429 | 500..=599))
                || entry.outcome.starts_with(UNREACHABLE);
            if !retry {
                return entry;
            }
            if attempt >= ATTEMPTS {
                let held = match (&self.hold, serde_json::from_slice::<Value>(&bytes)) {
                    (Some(hold), Ok(body)) if body.is_array() => Some((hold.0)(Untaken {
                        scenario: entry.scenario.clone(),
                        from: entry.from.clone().unwrap_or_default(),
                        to: delivery.to.dip_id.clone(),
                        body,
                        reason: match entry.status {
                            Some(status) => format!("{status}: {}", entry.outcome),
                            None => entry.outcome.clone(),
                        },
                        seq: entry.seq,
                    })),
                    _ => None,
                };
                let mut note = Entry::new(Direction::Note, "");
                note.scenario.clone_from(&entry.scenario);
                note.from.clone_from(&entry.from);
                note.to.clone_from(&entry.to);
                note.interface.clone_from(&entry.interface);
                note.event.clone_from(&entry.event);
                note.mpan.clone_from(&entry.mpan);
                note.transaction.clone_from(&entry.transaction);
                note.outcome = format!(
                    "undelivered to {} after {attempt} attempts: {}{}",
                    entry.to.join(", "),
                    entry.outcome,
                    held.map(|h| format!("; {h}")).unwrap_or_default()
                );
                note.verdicts.push(crate::journal::Verdict {
                    check: "delivery".into(),
                    ok: false,
                    detail: note.outcome.clone(),
                });
                self.journal.record(note);
                return entry;
            }
            tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
            attempt += 1;
        }
    }

    async fn attempt(
        &self,
        delivery: &Delivery,
        bytes: &[u8],
        content_type: &str,
        attempt: u32,
    ) -> Arc<Entry> {
        let (scenario, from, to, signing) = (
            delivery.scenario.as_ref(),
            &delivery.from,
            &delivery.to,
            delivery.signing,
        );
        let Some(system) = to.system() else {
            let mut entry = Entry::new(Direction::Note, "");
            entry.scenario = scenario.cloned();
            entry.outcome = format!("{} is a stubbed party: nothing to deliver to", to.label());
            return self.journal.record(entry);
        };
        let webhook = system.webhook_url.as_str();
        let (headers, bytes) = self.signed(webhook, bytes, signing);
        let mut entry = Entry::new(Direction::Egress, webhook)
            .with_headers([("content-type", content_type)])
            .with_headers(headers.iter().map(|(k, v)| (*k, v.as_str())));
        entry.scenario = scenario.cloned();
        entry.from = Some(crate::journal::party_label(&from.role, &from.dip_id));
        entry.to = vec![to.label()];
        entry.attempt = attempt;
        entry.body = Body::from_bytes(&bytes);
        let mut entry = entry.described();
        if signing != Signing::Correct {
            entry.verdicts.push(crate::journal::Verdict {
                check: "signature".into(),
                ok: true,
                detail: format!("signed wrongly on purpose: {signing:?}"),
            });
        }
        let started = Instant::now();
        let client = self.clients.get(&to.dip_id).unwrap_or(&self.client);
        let mut request = client.post(webhook).header("content-type", content_type);
        for (name, value) in &headers {
            request = request.header(*name, value);
        }
        let sent = request.body(bytes).send().await;
        match sent {
            Ok(mut response) => {
                entry.status = Some(response.status().as_u16());
                let mut answer = Vec::new();
                let mut cut = false;
                loop {
                    match response.chunk().await {
                        Ok(Some(chunk)) => {
                            if answer.len() + chunk.len() > MAX_ANSWER {
                                cut = true;
                                break;
                            }
                            answer.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(e) => {
                            entry.outcome = format!("answer broken off: {}", short_error(&e));
                            cut = true;
                            break;
                        }
                    }
                }
                entry.latency_ms =
                    Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
                entry.response = Body::from_bytes(&answer);
                if cut && entry.outcome.is_empty() {
                    entry.outcome = format!("answer over {MAX_ANSWER} bytes, cut");
                }
                if entry.outcome.is_empty() {
                    entry.outcome = match entry
                        .response
                        .json()
                        .and_then(|r| r.pointer("/messageArray/0/message"))
                        .and_then(Value::as_str)
                    {
                        Some(m) => m.to_owned(),
                        None => "answer is not a StandardResponse".to_owned(),
                    };
                }
                if let Some(json) = entry.response.json() {
                    let findings = self.schemas.check_standard_response(json);
                    entry.verdicts.push(crate::journal::Verdict {
                        check: "standard-response".into(),
                        ok: findings.is_empty(),
                        detail: findings
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join("; "),
                    });
                }
            }
            Err(e) => {
                entry.latency_ms =
                    Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
                entry.outcome = if e.is_connect() && !e.is_timeout() {
                    format!("{UNREACHABLE}: {}", short_error(&e))
                } else if e.is_timeout() {
                    format!(
                        "no answer within {}",
                        humantime::format_duration(self.config.timeouts.ack)
                    )
                } else {
                    format!("no answer: {}", short_error(&e))
                };
            }
        }
        self.journal.record(entry)
    }
}

/// The body changed after signing: `S1.subText` of the first message rewritten, or (for a
/// body that is not a batch) a trailing space added.
fn changed(bytes: &[u8]) -> Vec<u8> {
    if let Ok(mut body) = serde_json::from_slice::<Value>(bytes)
        && let Some(s1) = body
            .pointer_mut("/0/payload/CommonBlock/S1")
            .and_then(Value::as_object_mut)
    {
        s1.insert("subText".into(), json!("changed after signing"));
        return serde_json::to_vec(&body).expect("JSON values serialize");
    }
    let mut out = bytes.to_vec();
    out.push(b' ');
    out
}

fn short_error(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg = format!("{msg}: {s}");
        source = s.source();
    }
    msg
}
