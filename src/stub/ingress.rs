//! Ingress: a system publishing to the DIP (`POST /dip-channel/{interfaceID}`), answered as the
//! DIP's level-1 checks answer, a batch accepted or rejected whole (CONTRACT.md §2).
//!
//! Checks, in order: channel known (404), API key naming the submitting party (401), the
//! [`Gate`]'s rate limit (429) and simulated outage (503), body size (413), signature against that party's certificate (401 when absent, 403 when wrong;
//! CONTRACT.md §4), content type and JSON (400 `MSG1001`), scripted faults, envelope and
//! variant schema (`MSG1001`), `S0.interfaceID` against the URL (`MSG1002`), sender DIP ID
//! (`MSG1009`) and role (`MSG1010`) against the party's, primary recipients known to the
//! registry (`MSG1031`), sender timestamp form and not in the future (`MSG1007`), sender
//! reference not already accepted (`MSG1006`). The market rules of [`crate::schema::rules`]
//! are then recorded as verdicts (those the contract only warns about as the entry's
//! warnings): they are the harness's checks, not the DIP's, so they do not change the answer. Accepted messages go on to the router ([`super::Router`]).

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use super::limits::{Admission, Gate};
use super::router::RouterHandle;
use crate::config::Config;
use crate::dip::{Header, Ids, ResponseItem, payloads, response_text, standard_response_bytes};
use crate::journal::{Body, Direction, Entry, Journal, Verdict};
use crate::party::{Parties, Party};
use crate::schema::{FindingKind, SchemaSet, rules};
use crate::security::signature::{Presented, Verifier};
use crate::serve::{Body as RequestBody, Handler, Method, Options, Request, Response, Server, Tls};

/// How far in the future a sender timestamp may be.
const FUTURE_SLACK_SECONDS: i64 = 5;
/// The DIP's own id in the StandardResponses it gives.
const DIP_ID: &str = "0000000000";

/// A scripted DIP fault: the next `remaining` submissions of `interface` about the MPANs of
/// `scenario` are answered with `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub scenario: String,
    pub interface: String,
    pub status: u16,
    pub remaining: u32,
}

/// A message the stub DIP accepted, to be routed to its recipients.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub scenario: Option<String>,
    /// The system that submitted it.
    pub sender: Arc<Party>,
    pub payload: Value,
}

struct Shared {
    config: Arc<Config>,
    schemas: Arc<SchemaSet>,
    journal: Arc<Journal>,
    ids: Arc<Ids>,
    faults: Mutex<Vec<Fault>>,
    /// The sender references accepted so far, as 64-bit hashes ([`reference_hash`]): a load
    /// run accepts millions.
    accepted: Mutex<HashSet<u64>>,
    /// The rate limit and outage window on each participant's own traffic.
    gate: Arc<Gate>,
    recorder: UnboundedSender<Record>,
    parties: Arc<Parties>,
    /// Each system's verifier, by DIP ID; a system without one is not verified.
    verifiers: HashMap<String, Arc<Verifier>>,
    /// `http` or `https`: how the SUT reaches the stub DIP, for the URL it signed.
    scheme: &'static str,
}

/// How the stub DIP tells who is submitting: the parties (each system by its API key), their
/// signatures, and TLS.
#[derive(Debug, Clone, Default)]
pub struct IngressSecurity {
    /// The registry: a submission's API key names its system, and its recipients must be
    /// parties.
    pub parties: Arc<Parties>,
    /// Verify each system's submissions against its certificate (by DIP ID).
    pub verifiers: HashMap<String, Arc<Verifier>>,
    /// Serve HTTPS (and mutual TLS when the configuration requires client certificates).
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

/// An exchange answered, waiting for its rules verdicts and its journal entry.
struct Pending {
    entry: Entry,
    body: Option<Value>,
    response: Option<Vec<u8>>,
    /// The submitter, when the batch was accepted.
    accepted: Option<Arc<Party>>,
}

/// What the recorder is sent.
enum Record {
    Entry(Box<Pending>),
    /// Answered once everything sent before is in the journal.
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// Runs the market rules on answered exchanges, journals them, and passes accepted payloads
/// on to the router.
async fn recorder(
    journal: Arc<Journal>,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Record>,
    on_accept: Option<RouterHandle>,
) {
    while let Some(record) = rx.recv().await {
        let pending = match record {
            Record::Flush(done) => {
                let _ = done.send(());
                continue;
            }
            Record::Entry(p) => *p,
        };
        let Pending {
            mut entry,
            body,
            response,
            accepted,
        } = pending;
        let mut reactions = Vec::new();
        if let Some(body) = &body {
            for (i, p) in payloads(body).into_iter().enumerate() {
                let prefix = format!("/{i}/payload");
                let mut findings = rules::check_payload(p, &prefix);
                if let (Some(sender), Some(router)) = (&accepted, &on_accept) {
                    findings.extend(router.settlement_findings(sender, p, &prefix));
                }
                for f in findings {
                    let verdict = Verdict {
                        check: format!("rule:{}", f.rule),
                        ok: false,
                        detail: f.to_string(),
                    };
                    if f.kind == FindingKind::Warning {
                        entry.warnings.push(verdict);
                    } else {
                        entry.verdicts.push(verdict);
                    }
                }
                if let (Some(sender), Some(router)) = (&accepted, &on_accept)
                    && router.wants(&sender.dip_id, p)
                {
                    reactions.push(p.clone());
                }
            }
        }
        if let Some(b) = body {
            entry.body = Body::Json(b);
        }
        if let Some(r) = response {
            // The answer was serialized by us a moment ago: kept as its text, not parsed again.
            entry.response = Body::Text(String::from_utf8(r).unwrap_or_default());
        }
        let entry = journal.record(entry);
        if let (Some(router), Some(sender)) = (&on_accept, accepted) {
            for payload in reactions {
                router.send(Accepted {
                    scenario: entry.scenario.clone(),
                    sender: sender.clone(),
                    payload,
                });
            }
        }
    }
}

/// The stub DIP's HTTP server ([`crate::serve`]): one per listener, sharing every piece of
/// state. Over HTTPS it terminates TLS itself; a refused handshake (no client certificate, one
/// from another CA, not TLS at all) is journaled. Dropping it stops it.
pub struct StubDip {
    servers: Vec<Server>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for StubDip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StubDip")
            .field("uri", &self.uri())
            .finish_non_exhaustive()
    }
}

impl StubDip {
    /// Starts the stub DIP on `listeners` (bound by the caller, so that a port in use is
    /// reported before anything runs; see [`StubDip::bind`]), on the current runtime.
    #[expect(
        clippy::unused_async,
        reason = "started from async code only: it spawns on the current runtime"
    )]
    pub async fn start(
        listeners: Vec<TcpListener>,
        config: Arc<Config>,
        schemas: Arc<SchemaSet>,
        journal: Arc<Journal>,
        ids: Arc<Ids>,
        on_accept: Option<RouterHandle>,
        security: IngressSecurity,
    ) -> Self {
        let tls = security.tls.clone();
        let (recorder_tx, recorder_rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(recorder(journal.clone(), recorder_rx, on_accept));
        let shared = Arc::new(Shared {
            config,
            schemas,
            journal,
            ids,
            faults: Mutex::new(Vec::new()),
            accepted: Mutex::new(HashSet::new()),
            gate: Arc::new(Gate::default()),
            recorder: recorder_tx,
            parties: security.parties,
            verifiers: security.verifiers,
            scheme: if security.tls.is_some() {
                "https"
            } else {
                "http"
            },
        });
        let tls = tls.map(|config| {
            let journal = shared.journal.clone();
            Tls {
                config,
                handshake_timeout: crate::security::tls::DEFAULT_HANDSHAKE_TIMEOUT,
                on_refused: Arc::new(move |r: crate::security::tls::Refusal| {
                    let mut e = Entry::new(Direction::Note, "");
                    e.from = Some("a client".into());
                    e.outcome = r.to_string();
                    e.verdicts.push(Verdict {
                        check: "tls".into(),
                        ok: false,
                        detail: r.reason,
                    });
                    journal.record(e);
                }),
            }
        });
        let ingress = Arc::new(Ingress(shared.clone()));
        let servers: Vec<Server> = listeners
            .into_iter()
            .map(|listener| {
                let mut options = Options::new("stub DIP");
                options.tls.clone_from(&tls);
                Server::start(listener, ingress.clone(), options)
                    .expect("the stub DIP serves a bound listener on the current runtime")
            })
            .collect();
        assert!(
            !servers.is_empty(),
            "the stub DIP needs at least one listener"
        );
        Self { servers, shared }
    }

    /// The base URL the SUT publishes to.
    pub fn uri(&self) -> String {
        self.servers[0].uri()
    }

    /// The address the SUT connects to.
    pub fn address(&self) -> SocketAddr {
        self.servers[0].local_addr()
    }

    /// Listeners for the stub DIP on `addr`: one per core (at most four), sharing the port.
    /// Binding fails as a plain bind would when another process holds the port.
    pub fn bind(addr: SocketAddr) -> std::io::Result<Vec<TcpListener>> {
        let n = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let first = reuse_port_listener(addr)?;
        let actual = first.local_addr()?;
        let mut listeners = vec![first];
        for _ in 1..n {
            listeners.push(reuse_port_listener(actual)?);
        }
        Ok(listeners)
    }

    /// Waits until every exchange answered so far is in the journal.
    pub async fn flush(&self) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        if self.shared.recorder.send(Record::Flush(tx)).is_ok() {
            let _ = rx.await;
        }
    }

    /// Scripts a fault.
    pub fn script_fault(&self, fault: Fault) {
        self.shared.faults.lock().expect("fault lock").push(fault);
    }

    /// The rate limit and outage window every submission passes first.
    pub fn gate(&self) -> Arc<Gate> {
        self.shared.gate.clone()
    }
}

/// A sender reference as the set of accepted ones keeps it: SipHash with fixed keys, the same
/// in every run. Two of a million references share a hash with a chance of about 3 in 10^8.
fn reference_hash(reference: &str) -> u64 {
    let mut h = DefaultHasher::new();
    reference.hash(&mut h);
    h.finish()
}

fn reuse_port_listener(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseport(true)?;
    socket.bind(addr)?;
    let listener = socket.listen(1024)?.into_std()?;
    Ok(listener)
}

struct Ingress(Arc<Shared>);

/// What the L1 checks decided.
struct Answer {
    status: u16,
    code: Option<&'static str>,
    help: Option<String>,
    outcome: String,
    /// Headers of the answer (`Retry-After` of a 429 or 503).
    headers: Vec<(&'static str, String)>,
}

impl Answer {
    fn bare(status: u16, outcome: impl Into<String>) -> Self {
        Self {
            status,
            code: None,
            help: None,
            outcome: outcome.into(),
            headers: Vec::new(),
        }
    }
    fn reject(code: &'static str, help: impl Into<String>) -> Self {
        Self {
            status: 400,
            code: Some(code),
            help: Some(help.into()),
            outcome: format!("rejected {}", response_text(code)),
            headers: Vec::new(),
        }
    }
    /// `429`: `Retry-After` in whole seconds (rounded up, at least 1), as HTTP has it, and
    /// `Retry-After-Ms` in milliseconds (at least 1), for a client that can use the finer one.
    fn throttled(limit: Option<u32>, retry_after: Duration) -> Self {
        let ms = retry_after.as_millis().max(1);
        let outcome = match limit {
            Some(1) => "throttled: over 1 submission per second".to_owned(),
            Some(n) => format!("throttled: over {n} submissions per second"),
            None => "throttled".to_owned(),
        };
        Self {
            headers: vec![
                ("retry-after", ms.div_ceil(1000).to_string()),
                ("retry-after-ms", ms.to_string()),
            ],
            ..Self::bare(429, outcome)
        }
    }
    /// `503` during a simulated outage.
    fn unavailable() -> Self {
        Self {
            headers: vec![("retry-after", "1".to_owned())],
            ..Self::bare(503, "DIP outage (simulated)")
        }
    }
}

/// Whether `path` is a channel's: `/dip-channel/{interfaceID}`, a trailing `/` allowed.
fn is_channel_path(path: &str) -> bool {
    path.strip_prefix("/dip-channel/")
        .map(|rest| rest.strip_suffix('/').unwrap_or(rest))
        .is_some_and(|channel| !channel.is_empty() && !channel.contains('/'))
}

impl Handler for Ingress {
    fn body_limit(&self, _: &Method, _: &str) -> usize {
        self.0.config.dip.max_body_bytes
    }

    /// `POST /dip-channel/{interfaceID}` is a submission; anything else is answered `404`
    /// with no body.
    fn handle(&self, request: Request) -> Response {
        if request.method != Method::POST || !is_channel_path(&request.path) {
            return Response::new(404);
        }
        self.submission(&request)
    }
}

impl Ingress {
    fn submission(&self, request: &Request) -> Response {
        let started = Instant::now();
        let shared = &self.0;
        let mut entry = Entry::new(Direction::Ingress, request.path.clone()).with_headers(
            request
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.to_str().unwrap_or("[not text]"))),
        );
        // The body is parsed once; the checks borrow it and the journal keeps it. One over
        // the limit was counted by the server, not kept.
        let parsed: Option<Value> = match &request.body {
            RequestBody::Complete(bytes) => serde_json::from_slice(bytes).ok(),
            RequestBody::OverLimit { .. } => None,
        };
        entry.body = match (&parsed, &request.body) {
            (Some(_), _) => Body::Empty,
            (None, RequestBody::OverLimit { length }) => Body::Text(format!(
                "[{length} bytes, over the limit of {}]",
                shared.config.dip.max_body_bytes
            )),
            (None, RequestBody::Complete(bytes)) => Body::from_bytes(bytes),
        };
        if let Some(body) = &parsed {
            entry.describe(body);
            for p in payloads(body) {
                for r in primary_recipients(p) {
                    let label = shared
                        .parties
                        .get(r)
                        .map_or_else(|| r.to_owned(), |q| q.label());
                    if !entry.to.contains(&label) {
                        entry.to.push(label);
                    }
                }
            }
        }
        let channel = request
            .path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let (answer, sender) = shared.check(request, &channel, parsed.as_ref(), &mut entry);
        let batch: Vec<&Value> = parsed.as_ref().map(payloads).unwrap_or_default();
        let mut items = Vec::new();
        let message = match answer.code {
            Some(code) => response_text(code),
            None => response_text("MSG0000"),
        };
        if answer.status == 201 || answer.status == 400 {
            let mut accepted = shared.accepted.lock().expect("accepted lock");
            for p in &batch {
                let h = Header::of(p);
                if answer.status == 201
                    && let Some(r) = &h.reference
                {
                    accepted.insert(reference_hash(r));
                }
                items.push(ResponseItem {
                    transaction_id: (answer.status == 201)
                        .then_some(sender.as_ref())
                        .flatten()
                        .map(|p| shared.ids.transaction_id(&channel, &p.dip_id, &p.role)),
                    sender_unique_reference: h.reference,
                    correlation_id: (answer.status == 201).then(|| shared.ids.correlation_id()),
                    sender_id: DIP_ID.into(),
                    recipient_id: sender.as_ref().map(|p| p.dip_id.clone()),
                    message: message.clone(),
                    help: answer.help.clone(),
                });
            }
            if items.is_empty() {
                items.push(ResponseItem {
                    sender_id: DIP_ID.into(),
                    message: message.clone(),
                    help: answer.help.clone(),
                    ..ResponseItem::default()
                });
            }
        }
        let mut template = Response::new(answer.status);
        for (name, value) in &answer.headers {
            template = template.header(name, value);
        }
        let mut response = None;
        if !items.is_empty() {
            let bytes = standard_response_bytes(&items);
            template = template.body(bytes.clone(), "application/json");
            response = Some(bytes);
        }
        entry.status = Some(answer.status);
        entry.outcome = answer.outcome;
        entry.latency_ms = Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
        // The answer is ready: the market rules, the journal and the reactions are done by
        // the recorder, off the server's thread.
        let _ = shared.recorder.send(Record::Entry(Box::new(Pending {
            entry,
            body: parsed,
            response,
            accepted: sender.filter(|_| answer.status == 201),
        })));
        template
    }
}

impl Shared {
    fn check(
        &self,
        request: &Request,
        channel: &str,
        parsed: Option<&Value>,
        entry: &mut Entry,
    ) -> (Answer, Option<Arc<Party>>) {
        let mut sender = None;
        let answer = self.check_as(request, channel, parsed, entry, &mut sender);
        (answer, sender)
    }

    fn check_as(
        &self,
        request: &Request,
        channel: &str,
        parsed: Option<&Value>,
        entry: &mut Entry,
        sender: &mut Option<Arc<Party>>,
    ) -> Answer {
        let known = self
            .schemas
            .catalogue()
            .get(channel)
            .is_some_and(|i| i.id == channel && !i.event_codes.is_empty());
        if !known {
            return l1(
                entry,
                Answer::bare(404, format!("unknown channel {channel:?}")),
            );
        }
        let key = request
            .headers
            .get("x-api-key")
            .map(crate::serve::HeaderValue::as_bytes);
        let Some(party) = key.and_then(|k| self.parties.by_api_key(k)) else {
            let why = if key.is_none() {
                "X-API-Key missing"
            } else {
                "X-API-Key is no participant's"
            };
            return l1(entry, Answer::bare(401, why));
        };
        entry.from = Some(party.label());
        *sender = Some(party.clone());
        // The DIP throttles before it does any work on a submission.
        match self.gate.admit(&party.dip_id) {
            Admission::Admit => {}
            Admission::Throttled { retry_after } => {
                entry.verdicts.push(Verdict {
                    check: "fault".into(),
                    ok: true,
                    detail: format!(
                        "rate limit: answered 429, a slot frees in {} ms",
                        retry_after.as_millis().max(1)
                    ),
                });
                return Answer::throttled(self.gate.rate_limit(), retry_after);
            }
            Admission::Unavailable => {
                entry.verdicts.push(Verdict {
                    check: "fault".into(),
                    ok: true,
                    detail: "simulated DIP outage: answered 503".into(),
                });
                return Answer::unavailable();
            }
        }
        if let RequestBody::OverLimit { length } = request.body {
            return l1(
                entry,
                Answer::bare(
                    413,
                    format!(
                        "body of {length} bytes over the limit of {}",
                        self.config.dip.max_body_bytes
                    ),
                ),
            );
        }
        if let Some(verifier) = self.verifiers.get(&party.dip_id) {
            let header = |name: &str| {
                request
                    .headers
                    .get(name)
                    .map(|v| v.to_str().unwrap_or("[not text]"))
            };
            let host = header("host").unwrap_or("localhost");
            let url = format!(
                "{}://{host}{}{}",
                self.scheme,
                request.path,
                request
                    .query
                    .as_deref()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default()
            );
            let presented = Presented::from_fn(header);
            let now = time::OffsetDateTime::now_utc();
            match verifier.verify("POST", &url, &presented, request.body.bytes(), now) {
                Ok(v) => entry.verdicts.push(Verdict {
                    check: "signature".into(),
                    ok: true,
                    detail: format!("signed by {}", v.subject),
                }),
                Err(e) => {
                    entry.verdicts.push(Verdict {
                        check: "signature".into(),
                        ok: false,
                        detail: e.to_string(),
                    });
                    return Answer::bare(e.status(), format!("signature refused: {e}"));
                }
            }
        }
        let content_type = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !content_type
            .split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
        {
            return l1(
                entry,
                Answer::reject(
                    "MSG1001",
                    format!("Content-Type must be application/json, not {content_type:?}"),
                ),
            );
        }
        let Some(body) = parsed else {
            let why = match serde_json::from_slice::<Value>(request.body.bytes()) {
                Err(e) => format!("body is not JSON: {e}"),
                Ok(_) => "body is not JSON".to_owned(),
            };
            return l1(entry, Answer::reject("MSG1001", why));
        };
        let batch = payloads(body);
        if let Some(scenario) = batch
            .iter()
            .find_map(|p| Header::of(p).mpan)
            .and_then(|m| self.journal.scenario_of(&m))
        {
            let mut faults = self.faults.lock().expect("fault lock");
            if let Some(f) = faults
                .iter_mut()
                .find(|f| f.scenario == scenario && f.interface == channel && f.remaining > 0)
            {
                f.remaining -= 1;
                let status = f.status;
                entry.verdicts.push(Verdict {
                    check: "fault".into(),
                    ok: true,
                    detail: format!("scripted DIP fault: answered {status}"),
                });
                return if status == 400 {
                    Answer {
                        outcome: format!("fault {status} (scripted)"),
                        ..Answer::reject("MSG1000", "scripted DIP fault")
                    }
                } else {
                    Answer::bare(status, format!("fault {status} (scripted)"))
                };
            }
        }
        let findings = self.schemas.check_body(body, true);
        if !findings.is_empty() {
            // A refused day of consumption also says which settlement rule it breaks.
            let rule = settlement_reason(&batch, &findings[0].pointer);
            for (i, f) in findings.iter().enumerate() {
                let detail = match (&rule, i) {
                    (Some(rule), 0) => format!("{}; {rule}", brief(&f.to_string())),
                    _ => brief(&f.to_string()),
                };
                entry.verdicts.push(Verdict {
                    check: "schema".into(),
                    ok: false,
                    detail,
                });
            }
            let why = entry
                .verdicts
                .iter()
                .find(|v| v.check == "schema")
                .map(|v| v.detail.clone())
                .unwrap_or_default();
            return l1(entry, Answer::reject("MSG1001", why));
        }
        let mut answer = None;
        let mut seen = HashSet::new();
        for (i, p) in batch.iter().enumerate() {
            let sender = p.get("CommonBlock").and_then(|c| c.get("S1"));
            let s1 = |k: &str| {
                sender
                    .and_then(|s| s.get(k))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            };
            let h = Header::of(p);
            let at = |f: &str| format!("/{i}/payload/CommonBlock/{f}");
            let rejection = if h.interface.as_deref() != Some(channel) {
                Some(Answer::reject(
                    "MSG1002",
                    format!(
                        "{}: {:?} is not the channel {channel}",
                        at("S0/interfaceID"),
                        h.interface.unwrap_or_default()
                    ),
                ))
            } else if s1("senderDIPID") != party.dip_id {
                Some(Answer::reject(
                    "MSG1009",
                    format!(
                        "{}: {:?} is not the DIP ID of the submitting party {}",
                        at("S1/senderDIPID"),
                        s1("senderDIPID"),
                        party.label()
                    ),
                ))
            } else if s1("senderRoleID") != party.role {
                Some(Answer::reject(
                    "MSG1010",
                    format!(
                        "{}: {:?} is not the role of the submitting party {}",
                        at("S1/senderRoleID"),
                        s1("senderRoleID"),
                        party.label()
                    ),
                ))
            } else if let Some((j, unknown)) = primary_recipients(p)
                .enumerate()
                .find(|(_, r)| self.parties.get(r).is_none())
            {
                Some(Answer::reject(
                    "MSG1031",
                    format!(
                        "{}: {unknown:?} is no DIP participant's ID",
                        at(&format!("A0/primaryRecipients/{j}"))
                    ),
                ))
            } else if let Some(why) = timestamp_problem(s1("senderTimestamp")) {
                Some(Answer::reject(
                    "MSG1007",
                    format!("{}: {why}", at("S1/senderTimestamp")),
                ))
            } else if self
                .accepted
                .lock()
                .expect("accepted lock")
                .contains(&reference_hash(s1("senderUniqueReference")))
                || !seen.insert(s1("senderUniqueReference"))
            {
                Some(Answer::reject(
                    "MSG1006",
                    format!(
                        "{}: {:?} was already accepted",
                        at("S1/senderUniqueReference"),
                        s1("senderUniqueReference")
                    ),
                ))
            } else {
                None
            };
            if let Some(r) = rejection {
                answer.get_or_insert(r);
            }
            if s1("environmentTag") != self.config.environment {
                entry.verdicts.push(Verdict {
                    check: "rule:environment".into(),
                    ok: false,
                    detail: format!(
                        "{}: {:?} is not the configured environment {}",
                        at("S1/environmentTag"),
                        s1("environmentTag"),
                        self.config.environment
                    ),
                });
            }
        }
        if let Some(a) = answer {
            l1(entry, a)
        } else {
            entry.verdicts.push(Verdict {
                check: "l1".into(),
                ok: true,
                detail: "accepted".into(),
            });
            Answer::bare(201, "accepted")
        }
    }
}

/// The DIP IDs of a payload's `A0.primaryRecipients`.
pub(crate) fn primary_recipients(payload: &Value) -> impl Iterator<Item = &str> {
    payload
        .pointer("/CommonBlock/A0/primaryRecipients")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// A finding's text short enough for an answer's `help`: a schema failure may quote a whole
/// array (a day of 50 periods); the middle of a long text is left out.
fn brief(text: &str) -> String {
    const KEEP: usize = 160;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 2 * KEEP + 40 {
        return text.to_owned();
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!(
        "{head} … ({} characters left out) … {tail}",
        chars.len() - 2 * KEEP
    )
}

/// Why a day of consumption the schema refuses breaks the market's settlement rules, for
/// the first IF-021 of the batch that breaks one: the schema says "more than 48 items", the
/// rule says which day, how many periods and why (CONTRACT-ROLES.md §6.3 D5).
fn settlement_reason(batch: &[&Value], schema_pointer: &str) -> Option<String> {
    batch.iter().find_map(|p| {
        let h = Header::of(p);
        if h.interface.as_deref() != Some("IF-021") {
            return None;
        }
        let s1 = |k: &str| {
            p.pointer(&format!("/CommonBlock/S1/{k}"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let facts = crate::market::settlement::Facts {
            sender_dip_id: s1("senderDIPID"),
            sender_role: s1("senderRoleID"),
            ..Default::default()
        };
        let mut broken: Vec<_> =
            crate::market::settlement::grouped(crate::market::settlement::check_if021(p, &facts))
                .into_iter()
                .filter(|b| !b.warn)
                .collect();
        // The rule about the place the schema refused first (C9 for a day of 50 periods),
        // then the others, at most three.
        broken.sort_by_key(|b| !schema_pointer.ends_with(b.pointer.as_str()));
        let rules: Vec<String> = broken
            .iter()
            .take(3)
            .map(|b| format!("settlement rule {}: {}", b.rule, b.message))
            .collect();
        (!rules.is_empty()).then(|| rules.join("; "))
    })
}

/// Records the L1 verdict of a refusal.
fn l1(entry: &mut Entry, answer: Answer) -> Answer {
    entry.verdicts.push(Verdict {
        check: "l1".into(),
        ok: false,
        detail: answer
            .help
            .clone()
            .unwrap_or_else(|| answer.outcome.clone()),
    });
    answer
}

fn timestamp_problem(ts: &str) -> Option<String> {
    let Some(t) = rules::parse_dt003(ts) else {
        return Some(format!(
            "{ts:?} is not a DT-003 date-time YYYY-MM-DDThh:mm:ss+hh:mm"
        ));
    };
    let ahead = (t - time::OffsetDateTime::now_utc()).whole_seconds();
    (ahead > FUTURE_SLACK_SECONDS).then(|| format!("{ts:?} is {ahead}s in the future"))
}
