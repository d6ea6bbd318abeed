//! The reference participant's shell: a correct system of any role (CONTRACT.md §3, §4, §6
//! S1-S3, S5-S7; CONTRACT-ROLES.md §6.1 G1-G7) that runs in-process or on its own
//! (`mhhs-qual reference --role ROLE --config FILE`).
//!
//! Its webhook answers each delivery after the level-3 checks in the contract's order, acts on
//! what it accepts through its role's [`Behaviour`], and submits the behaviour's messages
//! signed, resubmitting through DIP faults (S6): a `429` pauses every submission for its
//! `Retry-After-Ms` (else `Retry-After`) and paces them from then on ([`super::pacing`]); a
//! `503`, `408`, other `5xx` or a refused connection is retried with exponential backoff and
//! jitter, until the configuration's `timeouts.retry` has passed since the first such answer.
//! So is a `429` that does not say when to come back: it tells nothing of the participant's
//! other submissions. (A scenario's scripted `429` is such an answer; pausing the whole
//! participant for it would hold back the scenarios running beside it.)
//! Each fault switch of [`fault::GENERIC`] (and of the behaviour) breaks one of these.
//!
//! It also answers prompts (CONTRACT-ROLES.md §6.7), in process ([`Reference::prompt`], a
//! [`Prompter`]) and over HTTP (`POST /prompt/{action}` beside the webhook, which
//! `mhhs-qual prompt` calls): the behaviour's work goes out through the same ordered, signed
//! submitter as its reactions.
//!
//! [`fault::GENERIC`]: super::fault::GENERIC

use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::behaviour::{Behaviour, Context, Loaded, PromptAnswer, Submission, for_role};
use super::pacing::Pacer;
use crate::config::{Config, Counterparty};
use crate::dip::{
    Header, Ids, ResponseItem, now_dt003, payloads, response_text, standard_response,
};
use crate::market::Mpan;
use crate::prompt::{PromptError, PromptOutcome, PromptReply, Prompter};
use crate::schema::SchemaSet;
use crate::security::signature::{Leniency, Presented, Signer, Verifier};
use crate::serve::{Handler, Method, Options, Request, Response, Server, Tls};

/// A submission gives up after this many attempts, whatever the answers.
const MAX_ATTEMPTS: u32 = 200;
/// Submissions on their way to the DIP at once. A participant's integration has a bounded pool
/// of connections; unbounded, every submission already on its way when the DIP first
/// throttles arrives over the limit (a hundred of them on a slow loopback).
const IN_FLIGHT: usize = 8;
/// The first wait before resubmitting after a `503`, `408`, other `5xx` or a refused
/// connection; doubled at each attempt up to [`MAX_BACKOFF`], each wait jittered down by up
/// to half so that the submissions of an outage do not come back together.
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// Under the fault `drops-reaction`, every this many reactions one is dropped.
const DROP_EVERY: u64 = 1000;
/// The largest delivery or prompt the webhook reads; a longer one is answered `413`.
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// Why a reference participant cannot be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("no reference participant plays the role {0} yet")]
    NoBehaviour(String),
    #[error("unknown fault {fault:?} for the {role} reference participant; known: {known}")]
    UnknownFault {
        fault: String,
        role: String,
        known: String,
    },
}

/// What the reference participant needs to know.
#[derive(Clone)]
pub struct ReferenceSettings {
    pub dip_base_url: String,
    pub api_key: String,
    pub role: String,
    pub dip_id: String,
    pub mpid: String,
    pub environment: String,
    pub counterparties: Vec<Counterparty>,
    /// The test data the participant loaded (the configuration's `[testdata]`).
    pub testdata: Option<crate::config::TestData>,
    /// How long after the ack timeout a slow answer comes (fault `slow-ack`).
    pub slow_ack: Duration,
    /// The fault switches on, by name.
    pub faults: HashSet<String>,
    /// Signs every submission (CONTRACT.md §4); without it submissions go unsigned.
    pub signer: Option<Arc<Signer>>,
    /// Trusts the DIP's signing certificate: every delivery must be signed with it. Without
    /// it, deliveries are not verified.
    pub dip_verifier: Option<Arc<Verifier>>,
    /// How far a signature date may be from the clock.
    pub clock_skew: Duration,
    /// How long a submission is retried through a DIP outage (`timeouts.retry`), counted
    /// from its first `503`, `408`, other `5xx` or refused connection; it also bounds one
    /// `429` pause.
    pub retry: Duration,
    /// The client submissions are made with (its TLS set up by the caller).
    pub client: Option<reqwest::Client>,
    /// `http` or `https`: how the DIP reaches the webhook, for the URL it signed.
    pub webhook_scheme: &'static str,
    behaviour: Arc<dyn Behaviour>,
}

impl std::fmt::Debug for ReferenceSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReferenceSettings")
            .field("role", &self.role)
            .field("dip_id", &self.dip_id)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

impl ReferenceSettings {
    /// Settings from a run configuration: the identity of its first participant (whose role
    /// must have a reference behaviour) and the stub DIP's address. Unknown fault names are
    /// refused, naming the known ones.
    pub fn from_config(
        config: &Config,
        dip_base_url: String,
        faults: HashSet<String>,
    ) -> Result<Self, ReferenceError> {
        Self::for_participant(config, config.participant(), dip_base_url, faults)
    }

    /// As [`ReferenceSettings::from_config`], for one participant of the configuration.
    pub fn for_participant(
        config: &Config,
        participant: &crate::config::Participant,
        dip_base_url: String,
        faults: HashSet<String>,
    ) -> Result<Self, ReferenceError> {
        let role = participant.role.as_str();
        let behaviour: Arc<dyn Behaviour> = for_role(role)
            .ok_or_else(|| ReferenceError::NoBehaviour(role.to_owned()))?
            .into();
        let known = super::faults_of(role).unwrap_or_default();
        if let Some(unknown) = faults
            .iter()
            .find(|f| !known.iter().any(|k| k.name == f.as_str()))
        {
            return Err(ReferenceError::UnknownFault {
                fault: unknown.clone(),
                role: role.to_owned(),
                known: known.iter().map(|k| k.name).collect::<Vec<_>>().join(", "),
            });
        }
        Ok(Self {
            dip_base_url,
            api_key: participant.api_key.expose().to_owned(),
            role: participant.role.clone(),
            dip_id: participant.dip_id.clone(),
            mpid: participant.mpid.clone(),
            environment: config.environment.clone(),
            counterparties: counterparties_of(config, participant),
            testdata: config.testdata.clone(),
            slow_ack: config.timeouts.ack + Duration::from_millis(300),
            faults,
            signer: None,
            dip_verifier: None,
            clock_skew: config.dip.clock_skew,
            retry: config.timeouts.retry,
            client: None,
            webhook_scheme: if participant.webhook_url.starts_with("https:") {
                "https"
            } else {
                "http"
            },
            behaviour,
        })
    }
}

/// The parties a reference participant deals with: in a sandbox, the configuration's other
/// participants (real systems) come first, so that a supplier appoints the real metering and
/// data services; then the stubbed counterparties.
fn counterparties_of(
    config: &Config,
    participant: &crate::config::Participant,
) -> Vec<crate::config::Counterparty> {
    config
        .participants
        .iter()
        .filter(|p| p.dip_id != participant.dip_id)
        .map(|p| crate::config::Counterparty {
            role: p.role.clone(),
            dip_id: p.dip_id.clone(),
            mpid: p.mpid.clone(),
        })
        .chain(config.counterparties.iter().cloned())
        .collect()
}

/// A running reference participant.
pub struct Reference {
    /// The webhook and prompt endpoint; dropping it stops them.
    server: Server,
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reference")
            .field("uri", &self.webhook_url())
            .finish()
    }
}

struct Inner {
    settings: ReferenceSettings,
    schemas: Arc<SchemaSet>,
    ids: Ids,
    seen: Mutex<HashSet<String>>,
    /// The test data it loaded.
    loaded: Option<Loaded>,
    /// Verifies deliveries against the DIP's certificate, with the leniencies of the faults.
    verifier: Option<Arc<Verifier>>,
    lenient: Leniency,
    /// The reference every submission reuses (fault `reuse-reference`).
    reused: Mutex<HashMap<String, String>>,
    /// What to submit in reaction to one delivery, in order.
    jobs: mpsc::UnboundedSender<Vec<Submission>>,
    /// The pace of every submission once the DIP throttles.
    pacer: Pacer,
    /// Permits for the submissions on their way ([`IN_FLIGHT`]).
    in_flight: tokio::sync::Semaphore,
    /// The reactions (to deliveries and prompts) that had something to submit.
    reactions: AtomicU64,
    /// The trigger MPANs of the reactions dropped (fault `drops-reaction`).
    dropped: Mutex<Vec<String>>,
}

impl Reference {
    /// Starts the webhook on `listener` (over TLS with `tls`); the submitter runs on the
    /// current tokio runtime.
    #[expect(
        clippy::unused_async,
        reason = "started from async code only: it spawns on the current runtime"
    )]
    pub async fn start(
        listener: TcpListener,
        settings: ReferenceSettings,
        schemas: Arc<SchemaSet>,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::unbounded_channel();
        let has = |f: &str| settings.faults.contains(f);
        let lenient = Leniency {
            missing_date: has("accept-missing-date"),
            missing_hash: has("accept-missing-hash"),
            missing_signature: has("accept-missing-signature"),
            missing_certificate: has("accept-missing-certificate"),
            hash_unchecked: has("hash-not-checked"),
            clock_unchecked: has("no-clock-check"),
            any_certificate: has("any-certificate"),
        };
        let verifier = settings.dip_verifier.clone();
        let name = format!("reference {} webhook", settings.role);
        let loaded = settings.testdata.as_ref().map(|t| Loaded {
            plan: crate::market::Plan::new(t.seed, &t.segments),
            count: t.count,
        });
        let inner = Arc::new(Inner {
            settings,
            schemas,
            ids: Ids::new(),
            seen: Mutex::new(HashSet::new()),
            loaded,
            verifier,
            lenient,
            reused: Mutex::new(HashMap::new()),
            jobs: tx,
            pacer: Pacer::default(),
            in_flight: tokio::sync::Semaphore::new(IN_FLIGHT),
            reactions: AtomicU64::new(0),
            dropped: Mutex::new(Vec::new()),
        });
        tokio::spawn(submitter(inner.clone(), rx));
        let mut options = Options::new(name);
        options.tls = tls.map(|config| Tls {
            config,
            handshake_timeout: crate::security::tls::DEFAULT_HANDSHAKE_TIMEOUT,
            on_refused: Arc::new(|r| tracing::warn!("reference participant: {r}")),
        });
        let server = Server::start(listener, Arc::new(Endpoints(inner.clone())), options)?;
        Ok(Self { server, inner })
    }

    /// The webhook URL deliveries go to.
    pub fn webhook_url(&self) -> String {
        format!("{}/webhook", self.base_url())
    }

    /// The URL prompts are posted to, the action appended (`{prompt_url}/{action}`).
    pub fn prompt_url(&self) -> String {
        format!("{}/prompt", self.base_url())
    }

    /// The MPANs of the triggers whose reactions were dropped under the fault
    /// `drops-reaction`, in order.
    pub fn dropped_mpans(&self) -> Vec<String> {
        self.inner.dropped.lock().expect("dropped lock").clone()
    }

    fn base_url(&self) -> String {
        self.server.uri()
    }

    /// Asks the behaviour for the work of a prompt: its submissions are queued on the
    /// submitter the reactions use (signed, in order, resubmitted through outages); a
    /// decline is [`PromptOutcome::Declined`]; a refusal is an error.
    #[expect(
        clippy::unused_async,
        reason = "a prompter's interface: the reference answers at once, a participant's command takes its time"
    )]
    pub async fn prompt(&self, action: &str, input: &Value) -> Result<PromptReply, PromptError> {
        self.inner.prompt(action, input).map_err(|reason| {
            PromptError::new(
                format!(
                    "(the in-process reference {}) {action}",
                    self.inner.settings.role
                ),
                "was refused",
                reason,
            )
        })
    }
}

impl Prompter for Reference {
    fn prompt<'a>(
        &'a self,
        action: &'a str,
        input: &'a Value,
    ) -> futures::future::BoxFuture<'a, Result<PromptReply, PromptError>> {
        Box::pin(Reference::prompt(self, action, input))
    }
}

/// The webhook and the prompt endpoint: `POST /prompt/{action}` is a prompt, any other
/// `POST` a delivery, whatever its path; anything else is answered `404` with no body.
/// A body over [`BODY_LIMIT`] is answered `413`.
struct Endpoints(Arc<Inner>);

impl Handler for Endpoints {
    fn body_limit(&self, _: &Method, _: &str) -> usize {
        BODY_LIMIT
    }

    fn handle(&self, request: Request) -> Response {
        if request.method != Method::POST {
            return Response::new(404);
        }
        if let crate::serve::Body::OverLimit { .. } = request.body {
            return Response::new(413);
        }
        match request
            .path
            .strip_prefix("/prompt/")
            .filter(|a| !a.is_empty() && !a.contains('/'))
        {
            Some(action) => self.prompt(action, &request),
            None => self.delivery(&request),
        }
    }
}

impl Endpoints {
    /// `POST /prompt/{action}`: 200 `{"outcome":"accepted"}` or `{"outcome":"declined",
    /// "reason":...}`, 422 `{"error":...}` for a refusal, 400 for a body that is not JSON.
    fn prompt(&self, action: &str, request: &Request) -> Response {
        let input = match serde_json::from_slice::<Value>(request.body.bytes()) {
            Ok(v) => v,
            Err(e) => {
                return Response::new(400)
                    .json(&json!({"error": format!("the body is not JSON: {e}")}));
            }
        };
        match self.0.prompt(action, &input) {
            Ok(PromptReply {
                outcome: PromptOutcome::Accepted,
                ..
            }) => Response::new(200).json(&json!({"outcome": "accepted"})),
            Ok(PromptReply {
                outcome: PromptOutcome::Declined,
                output,
            }) => Response::new(200).json(&json!({"outcome": "declined", "reason": output})),
            Err(reason) => Response::new(422).json(&json!({"error": reason})),
        }
    }

    /// A delivery to the webhook, answered late under the fault `slow-ack`.
    fn delivery(&self, request: &Request) -> Response {
        let inner = &self.0;
        let response = inner.answer(request);
        if inner.has("slow-ack") {
            response.delayed(inner.settings.slow_ack)
        } else {
            response
        }
    }
}

impl Inner {
    fn has(&self, f: &str) -> bool {
        self.settings.faults.contains(f)
    }

    fn context(&self) -> Context<'_> {
        Context {
            dip_id: &self.settings.dip_id,
            counterparties: &self.settings.counterparties,
            faults: &self.settings.faults,
            loaded: self.loaded.as_ref(),
        }
    }

    fn answer(&self, request: &Request) -> Response {
        if !self.signature_ok(request) {
            let body = serde_json::from_slice::<Value>(request.body.bytes()).unwrap_or(Value::Null);
            if self.has("react-to-bad-signature") {
                for p in payloads(&body) {
                    self.act(p);
                }
            }
            return self.respond(400, "RCP9999", &payloads(&body));
        }
        let Ok(body) = serde_json::from_slice::<Value>(request.body.bytes()) else {
            return if self.has("accept-non-json") {
                self.respond(201, "RCP0000", &[])
            } else {
                self.respond(400, "RCP1001", &[])
            };
        };
        let items = payloads(&body);
        let well_formed = body.as_array().is_some_and(|a| {
            !a.is_empty() && a.len() == items.len() && items.iter().all(|p| p.is_object())
        });
        if !well_formed {
            return self.respond(400, "RCP1001", &items);
        }
        let mut codes: Vec<Option<&'static str>> = items.iter().map(|p| self.check(p)).collect();
        if self.has("reject-repeat") {
            let seen = self.seen.lock().expect("seen lock");
            for (p, code) in items.iter().zip(codes.iter_mut()) {
                let txn = p
                    .pointer("/CommonBlock/D0/transactionID")
                    .and_then(Value::as_str);
                if code.is_none() && txn.is_some_and(|t| seen.contains(t)) {
                    *code = Some("RCP1001");
                }
            }
        }
        let first_failure = codes.iter().flatten().next().copied();
        for (p, code) in items.iter().zip(&codes) {
            let act = match (first_failure, code) {
                (None, _) => true,
                (Some(_), None) => self.has("partial-batch") || self.has("react-to-rejected"),
                (Some(_), Some(_)) => {
                    self.has("react-to-rejected")
                        || self.settings.behaviour.reacts_to_rejected(&self.context())
                }
            };
            if act {
                self.act(p);
            }
        }
        match first_failure {
            Some(code) => self.respond(400, code, &items),
            None => self.respond(201, "RCP0000", &items),
        }
    }

    /// The delivery is signed by the DIP (CONTRACT.md §4, §6 S7), as far as the faults
    /// switched on let the participant see.
    fn signature_ok(&self, request: &Request) -> bool {
        let Some(verifier) = &self.verifier else {
            return true;
        };
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap_or_default())
        };
        let host = header("host").unwrap_or("localhost");
        let url = format!("{}://{host}{}", self.settings.webhook_scheme, request.path);
        verifier
            .verify_with(
                "POST",
                &url,
                &Presented::from_fn(header),
                request.body.bytes(),
                time::OffsetDateTime::now_utc(),
                self.lenient,
            )
            .is_ok()
    }

    /// The level-3 checks, in the contract's order; the code of the first one broken.
    fn check(&self, payload: &Value) -> Option<&'static str> {
        let h = Header::of(payload);
        let catalogue = self.schemas.catalogue();
        let interface = h.interface.as_deref().unwrap_or_default();
        let known = catalogue
            .get(interface)
            .filter(|i| i.id == interface && !i.event_codes.is_empty());
        let Some(known) = known else {
            return (!self.has("accept-unknown-interface")).then_some("RCP1002");
        };
        if !known
            .event_codes
            .iter()
            .any(|e| Some(e.as_str()) == h.event.as_deref())
            && !self.has("accept-unknown-event")
        {
            return Some("RCP1003");
        }
        if h.schema_version.as_deref() != known.current_version()
            && !self.has("accept-wrong-schema-version")
        {
            return Some("RCP1005");
        }
        let env = payload
            .pointer("/CommonBlock/S1/environmentTag")
            .and_then(Value::as_str);
        if env != Some(self.settings.environment.as_str()) && !self.has("accept-wrong-environment")
        {
            return Some("RCP1004");
        }
        if !self.has("accept-schema-failure") && !self.schemas.check_payload(payload, "").is_empty()
        {
            return Some("RCP1001");
        }
        if let Some(m) = &h.mpan
            && Mpan::parse(m).is_err()
            && !self.has("accept-bad-check-digit")
        {
            return Some("RCP1061");
        }
        self.settings.behaviour.refuse(&self.context(), payload)
    }

    /// The behaviour's answer to a prompt: work is queued for the submitter, as a reaction
    /// is; `Err` carries the reason of a refusal.
    fn prompt(&self, action: &str, input: &Value) -> Result<PromptReply, String> {
        match self
            .settings
            .behaviour
            .prompt(&self.context(), action, input)
        {
            PromptAnswer::Work(submissions) => {
                let what: Vec<String> = submissions
                    .iter()
                    .map(|s| format!("{} {}", s.interface, s.event))
                    .collect();
                let output = if what.is_empty() {
                    "accepted; nothing to submit".to_owned()
                } else {
                    format!("accepted; submitting {}", what.join(", "))
                };
                let mpan = input.get("mpan").and_then(Value::as_str).map(str::to_owned);
                if !submissions.is_empty() && !self.queue(mpan, submissions) {
                    return Err("the reference participant's submitter has stopped".into());
                }
                Ok(PromptReply {
                    outcome: PromptOutcome::Accepted,
                    output,
                })
            }
            PromptAnswer::Declined(reason) => Ok(PromptReply {
                outcome: PromptOutcome::Declined,
                output: reason,
            }),
            PromptAnswer::Refused(reason) => Err(reason),
        }
    }

    /// The business reaction to one accepted delivery.
    fn act(&self, payload: &Value) {
        let txn = payload
            .pointer("/CommonBlock/D0/transactionID")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !self.has("not-idempotent")
            && !txn.is_empty()
            && !self.seen.lock().expect("seen lock").insert(txn)
        {
            return;
        }
        let submissions = self.settings.behaviour.react(&self.context(), payload);
        if !submissions.is_empty() {
            self.queue(Header::of(payload).mpan, submissions);
        }
    }

    /// Queues the submissions of one reaction (to a delivery or a prompt about
    /// `trigger_mpan`) for the submitter; `false` when it has stopped. Under the fault
    /// `drops-reaction` every 1,000th reaction is dropped silently, its MPAN noted.
    fn queue(&self, trigger_mpan: Option<String>, submissions: Vec<Submission>) -> bool {
        let n = self.reactions.fetch_add(1, Ordering::Relaxed) + 1;
        if self.has("drops-reaction") && n.is_multiple_of(DROP_EVERY) {
            let mpan = trigger_mpan
                .or_else(|| {
                    submissions
                        .iter()
                        .find_map(|s| s.m0.get("MPANCore").and_then(Value::as_str))
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            self.dropped.lock().expect("dropped lock").push(mpan);
            return true;
        }
        self.jobs.send(submissions).is_ok()
    }

    fn respond(&self, status: u16, code: &str, items: &[&Value]) -> Response {
        let message = response_text(code);
        let mut out: Vec<ResponseItem> = items
            .iter()
            .map(|p| {
                let s = |ptr: &str| p.pointer(ptr).and_then(Value::as_str).map(str::to_owned);
                let mut txn = s("/CommonBlock/D0/transactionID");
                if self.has("wrong-echo") {
                    txn = Some("T-WRONG".into());
                }
                ResponseItem {
                    transaction_id: txn,
                    sender_unique_reference: s("/CommonBlock/S1/senderUniqueReference"),
                    correlation_id: s("/CommonBlock/D0/initialCorrelationID"),
                    sender_id: self.settings.dip_id.clone(),
                    recipient_id: s("/CommonBlock/S1/senderDIPID"),
                    message: message.clone(),
                    help: None,
                }
            })
            .collect();
        if out.is_empty() {
            out.push(ResponseItem {
                sender_id: self.settings.dip_id.clone(),
                message,
                ..ResponseItem::default()
            });
        }
        Response::new(status).json(&standard_response(&out))
    }

    /// The whole payload of a submission: the behaviour's blocks (and `R0`, when it gives one)
    /// under the shell's `S0`, `S1` and `A0`.
    fn payload(&self, s: Submission) -> Value {
        let version = self
            .schemas
            .catalogue()
            .get(s.interface)
            .and_then(|i| i.current_version().map(str::to_owned))
            .unwrap_or_else(|| "011".into());
        let mpan =
            s.m0.pointer("/MPANCore")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
        let reference = self.reference(s.interface, &mpan);
        let correlation = s.correlation.clone();
        let mut m0 = s.m0;
        if self.has("m0-not-as-delivered")
            && let Some(m0) = m0.as_object_mut()
        {
            let other = match m0.get("GSPGroupID").and_then(Value::as_str) {
                Some("_A") => "_B",
                _ => "_A",
            };
            m0.insert("GSPGroupID".into(), json!(other));
        }
        let mut payload = json!({
            "CommonBlock": {
                "S0": {"interfaceID": s.interface, "schemaVersion": version, "eventCode": s.event},
                "S1": {
                    "environmentTag": if self.has("wrong-environment-tag") { "DEV" } else { self.settings.environment.as_str() },
                    "subText": null,
                    "senderUniqueReference": reference,
                    "senderTimestamp": self.timestamp(),
                    "senderDIPID": self.settings.dip_id,
                    "senderRoleID": self.settings.role,
                    "senderCorrelationID": correlation,
                    "DIPConnectionProviderID": null,
                },
                "A0": {"primaryRecipients": s.to, "secondaryRecipients": [], "always": []},
                "M0": m0,
            },
            "CustomBlock": s.custom,
        });
        if let Some(r0) = s.r0 {
            payload["CommonBlock"]["R0"] = r0;
        }
        payload
    }

    /// The signature headers of a submission to `url`.
    fn sign(&self, url: &str, body: &[u8]) -> Vec<(&'static str, String)> {
        let Some(signer) = &self.settings.signer else {
            return Vec::new();
        };
        if self.has("unsigned-submissions") {
            return Vec::new();
        }
        let mut s = signer.sign("POST", url, body, time::OffsetDateTime::now_utc());
        if self.has("signs-url-as-is") {
            s.signature = signer.sign_string(&format!("POST;{url};{};{}", s.date, s.hash));
        }
        s.headers()
            .into_iter()
            .map(|(k, v)| (k, v.to_owned()))
            .collect()
    }

    /// A fresh `senderUniqueReference` for a submission of `interface` about `mpan`.
    fn reference(&self, interface: &str, mpan: &str) -> String {
        let role = if self.has("reference-names-other-role") {
            if self.settings.role == "MSS" {
                "SUP"
            } else {
                "MSS"
            }
        } else {
            self.settings.role.as_str()
        };
        let fresh = || {
            self.ids
                .sender_reference(interface, &self.settings.dip_id, role)
        };
        if self.has("reuse-reference") {
            self.reused
                .lock()
                .expect("reused lock")
                .entry(mpan.to_owned())
                .or_insert_with(fresh)
                .clone()
        } else {
            fresh()
        }
    }

    fn timestamp(&self) -> String {
        let t = now_dt003();
        if self.has("bad-timestamp") {
            t.replacen('T', " ", 1)
        } else {
            t
        }
    }
}

async fn submitter(inner: Arc<Inner>, mut rx: mpsc::UnboundedReceiver<Vec<Submission>>) {
    let client = inner.settings.client.clone().unwrap_or_else(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("HTTP client builds")
    });
    // The submissions of one reaction go one after the other, in order; reactions to
    // different deliveries go side by side.
    while let Some(submissions) = rx.recv().await {
        let inner = inner.clone();
        let client = client.clone();
        tokio::spawn(async move {
            for submission in submissions {
                let payload = inner.payload(submission);
                submit(&inner, &client, payload).await;
            }
        });
    }
}

/// Submits one message, resubmitting through DIP faults as S6 asks (see the module's
/// documentation); bounded by [`MAX_ATTEMPTS`] and, through outages, by `timeouts.retry`.
async fn submit(inner: &Inner, client: &reqwest::Client, mut payload: Value) {
    let h = Header::of(&payload);
    let (interface, mpan) = (h.interface.unwrap_or_default(), h.mpan.unwrap_or_default());
    let url = format!("{}/dip-channel/{interface}", inner.settings.dip_base_url);
    let ignores_429 = inner.has("ignores-429");
    let no_retry = inner.has("no-retry");
    let mut resubmitted_400 = false;
    let mut backoff = FIRST_BACKOFF;
    // When the first 503, 408, other 5xx or refused connection came.
    let mut failing_since: Option<Instant> = None;
    for _ in 0..MAX_ATTEMPTS {
        // Held until the answer's status is read (the semaphore is never closed: it lives as
        // long as the participant). Taken before the turn, so that every attempt that goes
        // takes its turn of the pace as it stands when it goes.
        let permit = inner.in_flight.acquire().await.ok();
        if !ignores_429 {
            inner.pacer.wait_turn().await;
        }
        let body = serde_json::to_vec(&json!([{ "payload": payload }])).expect("JSON serializes");
        let mut request = client
            .post(&url)
            .header("content-type", "application/json")
            .header("x-api-key", &inner.settings.api_key);
        for (name, value) in inner.sign(&url, &body) {
            request = request.header(name, value);
        }
        let sent = request.body(body).send().await;
        drop(permit);
        let mut outage = || {
            let since = *failing_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= inner.settings.retry {
                tracing::warn!(
                    "reference participant: {interface} not accepted within {}; given up",
                    humantime::format_duration(inner.settings.retry)
                );
                return None;
            }
            let wait = backoff.mul_f64(0.5 + fastrand::f64() / 2.0);
            backoff = (backoff * 2).min(MAX_BACKOFF);
            Some(wait)
        };
        let wait = match sent {
            Ok(r) => match r.status().as_u16() {
                201 => {
                    inner.pacer.accepted(Instant::now());
                    return;
                }
                400 => {
                    if inner.has("resubmit-on-400") && !resubmitted_400 {
                        resubmitted_400 = true;
                        FIRST_BACKOFF
                    } else {
                        tracing::warn!(
                            "reference participant: {interface} rejected: {}",
                            r.text().await.unwrap_or_default()
                        );
                        return;
                    }
                }
                408 | 429 | 500..=599 if no_retry => return,
                429 if ignores_429 => Duration::from_millis(1),
                429 => match retry_after(r.headers()) {
                    Some(pause) => {
                        // A pause lasts at most the retry time, or a second if that is shorter.
                        let pause = pause.min(inner.settings.retry.max(Duration::from_secs(1)));
                        inner.pacer.throttled(Instant::now(), pause);
                        Duration::ZERO
                    }
                    None => match outage() {
                        Some(wait) => wait,
                        None => return,
                    },
                },
                408 | 500..=599 => match outage() {
                    Some(wait) => wait,
                    None => return,
                },
                other => {
                    tracing::warn!(
                        "reference participant: {interface} answered {other}; not resubmitted"
                    );
                    return;
                }
            },
            Err(e) => {
                tracing::debug!("reference participant: {interface} not delivered: {e}");
                if no_retry {
                    return;
                }
                match outage() {
                    Some(wait) => wait,
                    None => return,
                }
            }
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        if let Some(s1) = payload
            .pointer_mut("/CommonBlock/S1")
            .and_then(Value::as_object_mut)
        {
            if !resubmitted_400 || inner.has("retry-new-reference") {
                s1.insert("senderTimestamp".into(), Value::String(inner.timestamp()));
            }
            if inner.has("retry-new-reference") {
                s1.insert(
                    "senderUniqueReference".into(),
                    Value::String(inner.reference(&interface, &mpan)),
                );
            }
        }
    }
    tracing::warn!(
        "reference participant: {interface} not accepted after {MAX_ATTEMPTS} attempts; given up"
    );
}

/// How long a `429` asks to wait: `Retry-After-Ms` (milliseconds), else `Retry-After` (whole
/// seconds; an HTTP date is not read); `None` when it does not say.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let number = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    number("retry-after-ms")
        .map(Duration::from_millis)
        .or_else(|| number("retry-after").map(Duration::from_secs))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

    use super::*;
    use crate::sut::Fault;

    const CONFIG: &str = r#"environment = "UIT"
[dip]
listen = "127.0.0.1:0"
api_key = "test-key"
[participant]
role = "SUP"
dip_id = "2300000001"
mpid = "SUPA"
webhook_url = "http://127.0.0.1:1/webhook"
[[counterparty]]
role = "REGS"
dip_id = "2200000001"
mpid = "REGA"
"#;

    /// A behaviour that takes `fit-meter`, declines `fit-foreign-meter` and refuses the rest.
    struct Fitter;

    impl Behaviour for Fitter {
        fn role(&self) -> &'static str {
            "SUP"
        }
        fn faults(&self) -> &'static [Fault] {
            &[]
        }
        fn react(&self, _cx: &Context<'_>, _payload: &Value) -> Vec<Submission> {
            Vec::new()
        }
        fn prompt(&self, cx: &Context<'_>, action: &str, input: &Value) -> PromptAnswer {
            match action {
                "fit-meter" => PromptAnswer::Work(vec![Submission {
                    interface: "IF-031",
                    event: "[MSApp]",
                    to: vec![
                        cx.counterparty("REGS")
                            .map(|c| c.dip_id.clone())
                            .unwrap_or_default(),
                    ],
                    m0: json!({"MPANCore": input["mpan"]}),
                    r0: None,
                    custom: json!({"fitted": true}),
                    correlation: None,
                }]),
                "answer-fit" => PromptAnswer::Work(vec![Submission {
                    interface: "IF-028",
                    event: "[ConsumptionAmendment]",
                    to: vec!["2300000002".into()],
                    m0: json!({"MPANCore": input["mpan"]}),
                    r0: Some(json!({"responseCode": "A", "responseMessages": []})),
                    custom: json!({"B902List": []}),
                    correlation: None,
                }]),
                "fit-foreign-meter" => PromptAnswer::Declined("not our meter".into()),
                _ => PromptAnswer::Refused(format!("no prompt {action} here")),
            }
        }
    }

    /// A stub DIP that accepts every submission, and a reference participant submitting to it
    /// with `behaviour` (the supplier's when `None`), signing with a certificate of its own.
    async fn start(behaviour: Option<Arc<dyn Behaviour>>) -> (MockServer, Reference) {
        start_signing(behaviour).await.0
    }

    async fn start_signing(
        behaviour: Option<Arc<dyn Behaviour>>,
    ) -> ((MockServer, Reference), Verifier) {
        let dip = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201))
            .mount(&dip)
            .await;
        let (config, _) = crate::config::load_str(CONFIG, "t.toml", Vec::new()).unwrap();
        let mut settings =
            ReferenceSettings::from_config(&config, dip.uri(), HashSet::new()).unwrap();
        if let Some(b) = behaviour {
            settings.behaviour = b;
        }
        let (signer, material) = Signer::generate("test reference").unwrap();
        settings.signer = Some(Arc::new(signer));
        let verifier = Verifier::new(
            material.cert_pem.as_bytes(),
            "the reference's certificate",
            Duration::from_secs(300),
        )
        .unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let reference = Reference::start(listener, settings, SchemaSet::embedded().unwrap(), None)
            .await
            .unwrap();
        ((dip, reference), verifier)
    }

    /// What a [`Scripted`] DIP saw: when each submission came, and its reference.
    type Seen = Arc<Mutex<Vec<(Instant, String)>>>;

    /// A DIP answering the n-th submission with the n-th status of its script (201 after it),
    /// a 429 with `Retry-After-Ms: 300` unless `bare`.
    struct Scripted {
        script: Vec<u16>,
        seen: Seen,
        bare: bool,
    }

    impl Respond for Scripted {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            let reference = body
                .pointer("/0/payload/CommonBlock/S1/senderUniqueReference")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let mut seen = self.seen.lock().unwrap();
            let status = self.script.get(seen.len()).copied().unwrap_or(201);
            seen.push((Instant::now(), reference));
            let answer = ResponseTemplate::new(status);
            if status == 429 && !self.bare {
                answer.insert_header("retry-after-ms", "300")
            } else {
                answer
            }
        }
    }

    /// A reference participant with the [`Fitter`] behaviour and `faults`, retrying outages
    /// for `retry`, submitting unsigned to a [`Scripted`] DIP.
    async fn start_scripted(
        script: Vec<u16>,
        faults: &[&str],
        retry: Duration,
    ) -> (MockServer, Reference, Seen) {
        start_scripted_as(script, false, faults, retry).await
    }

    async fn start_scripted_as(
        script: Vec<u16>,
        bare: bool,
        faults: &[&str],
        retry: Duration,
    ) -> (MockServer, Reference, Seen) {
        let seen = Seen::default();
        let dip = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        Mock::given(method("POST"))
            .respond_with(Scripted {
                script,
                seen: seen.clone(),
                bare,
            })
            .mount(&dip)
            .await;
        let (config, _) = crate::config::load_str(CONFIG, "t.toml", Vec::new()).unwrap();
        let faults = faults.iter().map(|f| (*f).to_owned()).collect();
        let mut settings = ReferenceSettings::from_config(&config, dip.uri(), faults).unwrap();
        settings.behaviour = Arc::new(Fitter);
        settings.retry = retry;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let reference = Reference::start(listener, settings, SchemaSet::embedded().unwrap(), None)
            .await
            .unwrap();
        (dip, reference, seen)
    }

    /// Waits (at most `limit`) until the DIP has seen `n` submissions; what it saw.
    async fn seen_at_least(seen: &Seen, n: usize, limit: Duration) -> Vec<(Instant, String)> {
        let deadline = Instant::now() + limit;
        loop {
            let got = seen.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{} submissions seen, not {n}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn fit(reference: &Reference, mpan: &str) {
        reference
            .prompt("fit-meter", &json!({"mpan": mpan}))
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn a_429_pauses_every_submission_and_the_throttled_one_comes_again_unchanged() {
        let (_dip, reference, seen) = start_scripted(vec![429], &[], Duration::from_secs(5)).await;
        fit(&reference, "2000056535971").await;
        let first = seen_at_least(&seen, 1, Duration::from_secs(5)).await[0].clone();
        // Another submission starts during the pause.
        fit(&reference, "1900012374324").await;
        let got = seen_at_least(&seen, 3, Duration::from_secs(5)).await;
        for (at, reference) in &got[1..] {
            assert!(
                at.duration_since(first.0) >= Duration::from_millis(300),
                "{reference} went {:?} after the 429 that asked for 300 ms",
                at.duration_since(first.0)
            );
        }
        assert_eq!(
            got[1..].iter().filter(|(_, r)| *r == first.1).count(),
            1,
            "the throttled submission comes again once, with its reference: {got:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(seen.lock().unwrap().len(), 3);
        assert!(reference.dropped_mpans().is_empty());
    }

    #[tokio::test]
    async fn a_429_that_does_not_say_when_holds_back_its_own_submission_only() {
        let (_dip, reference, seen) =
            start_scripted_as(vec![429], true, &[], Duration::from_secs(5)).await;
        fit(&reference, "2000056535971").await;
        let first = seen_at_least(&seen, 1, Duration::from_secs(5)).await[0].clone();
        fit(&reference, "1900012374324").await;
        let got = seen_at_least(&seen, 3, Duration::from_secs(5)).await;
        // The other submission went at once; the throttled one came back after 50 ms
        // (jittered down by up to half), well before the second a pause would last.
        let other = got.iter().find(|(_, r)| *r != first.1).unwrap();
        assert!(
            other.0.duration_since(first.0) < Duration::from_millis(200),
            "{got:?}"
        );
        let again: Vec<Instant> = got
            .iter()
            .filter(|(_, r)| *r == first.1)
            .map(|(at, _)| *at)
            .collect();
        assert_eq!(again.len(), 2, "{got:?}");
        let waited = again[1].duration_since(again[0]);
        assert!(
            waited >= Duration::from_millis(25) && waited < Duration::from_millis(500),
            "{waited:?}"
        );
    }

    #[tokio::test]
    async fn under_ignores_429_a_throttled_submission_comes_again_at_once() {
        let (_dip, reference, seen) =
            start_scripted(vec![429; 5], &["ignores-429"], Duration::from_secs(5)).await;
        fit(&reference, "2000056535971").await;
        let got = seen_at_least(&seen, 6, Duration::from_secs(5)).await;
        let took = got[5].0.duration_since(got[0].0);
        assert!(
            took < Duration::from_millis(250),
            "five resubmissions took {took:?}"
        );
        assert!(got.iter().all(|(_, r)| *r == got[0].1), "{got:?}");
    }

    #[tokio::test]
    async fn an_outage_is_ridden_out_with_growing_waits_and_given_up_after_the_retry_time() {
        let (_dip, reference, seen) =
            start_scripted(vec![503, 503, 503], &[], Duration::from_secs(5)).await;
        fit(&reference, "2000056535971").await;
        let got = seen_at_least(&seen, 4, Duration::from_secs(5)).await;
        assert!(got.iter().all(|(_, r)| *r == got[0].1), "{got:?}");
        // 50, 100 and 200 ms, each jittered down by up to half.
        for (i, least) in [25, 50, 100].into_iter().enumerate() {
            let gap = got[i + 1].0.duration_since(got[i].0);
            assert!(gap >= Duration::from_millis(least), "wait {i}: {gap:?}");
        }
        // An outage longer than the retry time: given up.
        let (_dip, reference, seen) =
            start_scripted(vec![503; 1000], &[], Duration::from_millis(400)).await;
        fit(&reference, "2000056535971").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let n = seen.lock().unwrap().len();
        assert!((3..=8).contains(&n), "{n} attempts in 400 ms of retrying");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(seen.lock().unwrap().len(), n, "attempts after giving up");
    }

    #[tokio::test]
    async fn under_drops_reaction_every_thousandth_reaction_is_lost_and_noted() {
        let (_dip, reference, seen) =
            start_scripted(Vec::new(), &["drops-reaction"], Duration::from_secs(5)).await;
        let mpan = |i: usize| format!("mpan-{i}");
        for i in 1..=2000 {
            let submission = Submission {
                interface: "IF-031",
                event: "[MSApp]",
                to: vec!["2200000001".into()],
                m0: json!({"MPANCore": mpan(i)}),
                r0: None,
                custom: json!({}),
                correlation: None,
            };
            assert!(reference.inner.queue(Some(mpan(i)), vec![submission]));
        }
        assert_eq!(reference.dropped_mpans(), vec![mpan(1000), mpan(2000)]);
        let got = seen_at_least(&seen, 1998, Duration::from_secs(20)).await;
        let submitted: HashSet<&str> = got.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(submitted.len(), 1998);
    }

    #[tokio::test]
    async fn the_reference_supplier_refuses_a_prompt_it_does_not_take() {
        let (_dip, reference) = start(None).await;
        let e = reference
            .prompt("install-meter", &json!({"mpan": "2000056535971"}))
            .await
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "prompt command (the in-process reference SUP) install-meter was refused: the reference SUP takes no prompt install-meter"
        );
        // The same through the Prompter trait.
        let prompter: &dyn Prompter = &reference;
        assert_eq!(
            prompter
                .prompt("energise", &json!({}))
                .await
                .unwrap_err()
                .stderr,
            "the reference SUP takes no prompt energise"
        );
    }

    #[tokio::test]
    async fn work_asked_by_a_prompt_is_submitted_signed_like_a_reaction() {
        let ((dip, reference), verifier) = start_signing(Some(Arc::new(Fitter))).await;
        let reply = reference
            .prompt("fit-meter", &json!({"mpan": "2000056535971"}))
            .await
            .unwrap();
        assert_eq!(reply.outcome, PromptOutcome::Accepted);
        assert_eq!(reply.output, "accepted; submitting IF-031 [MSApp]");
        let deadline = Instant::now() + Duration::from_secs(5);
        let submitted = loop {
            let got = dip.received_requests().await.unwrap_or_default();
            if let Some(r) = got.into_iter().next() {
                break r;
            }
            assert!(Instant::now() < deadline, "nothing was submitted");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert_eq!(submitted.url.path(), "/dip-channel/IF-031");
        assert_eq!(
            submitted
                .headers
                .get("x-api-key")
                .unwrap()
                .to_str()
                .unwrap(),
            "test-key"
        );
        let header = |name: &str| {
            submitted
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap_or_default())
        };
        verifier
            .verify(
                "POST",
                &format!("{}/dip-channel/IF-031", dip.uri()),
                &Presented::from_fn(header),
                &submitted.body,
                time::OffsetDateTime::now_utc(),
            )
            .unwrap();
        let body: Value = serde_json::from_slice(&submitted.body).unwrap();
        let p = &body[0]["payload"];
        assert_eq!(p["CommonBlock"]["S1"]["senderDIPID"], "2300000001");
        assert_eq!(
            p["CommonBlock"]["A0"]["primaryRecipients"],
            json!(["2200000001"])
        );
        assert_eq!(p["CommonBlock"]["M0"]["MPANCore"], "2000056535971");
        assert_eq!(p["CustomBlock"], json!({"fitted": true}));
    }

    #[tokio::test]
    async fn a_submissions_response_block_goes_into_its_common_block() {
        let (dip, reference) = start(Some(Arc::new(Fitter))).await;
        for action in ["fit-meter", "answer-fit"] {
            reference
                .prompt(action, &json!({"mpan": "2000056535971"}))
                .await
                .unwrap();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        let bodies = loop {
            let got = dip.received_requests().await.unwrap_or_default();
            if got.len() == 2 {
                break got
                    .iter()
                    .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap())
                    .collect::<Vec<_>>();
            }
            assert!(Instant::now() < deadline, "{} submitted", got.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let r0 = |interface: &str| {
            bodies
                .iter()
                .map(|b| &b[0]["payload"]["CommonBlock"])
                .find(|c| c["S0"]["interfaceID"] == interface)
                .map(|c| c.get("R0").cloned())
                .unwrap()
        };
        assert_eq!(r0("IF-031"), None);
        assert_eq!(
            r0("IF-028"),
            Some(json!({"responseCode": "A", "responseMessages": []}))
        );
    }

    #[tokio::test]
    async fn a_declined_prompt_is_declined_with_its_reason_and_submits_nothing() {
        let (dip, reference) = start(Some(Arc::new(Fitter))).await;
        let reply = reference
            .prompt("fit-foreign-meter", &json!({"mpan": "2000056535971"}))
            .await
            .unwrap();
        assert_eq!(
            reply,
            PromptReply {
                outcome: PromptOutcome::Declined,
                output: "not our meter".into()
            }
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(dip.received_requests().await.unwrap_or_default().is_empty());
    }

    async fn post(url: String, body: &'static str) -> (u16, Value) {
        let r = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    #[tokio::test]
    async fn the_prompt_endpoint_answers_accepted_declined_refused_and_not_json() {
        let (_dip, reference) = start(Some(Arc::new(Fitter))).await;
        let url = |action: &str| format!("{}/{action}", reference.prompt_url());
        let mpan = r#"{"mpan": "2000056535971"}"#;
        assert_eq!(
            post(url("fit-meter"), mpan).await,
            (200, json!({"outcome": "accepted"}))
        );
        assert_eq!(
            post(url("fit-foreign-meter"), mpan).await,
            (
                200,
                json!({"outcome": "declined", "reason": "not our meter"})
            )
        );
        assert_eq!(
            post(url("paint-meter"), mpan).await,
            (422, json!({"error": "no prompt paint-meter here"}))
        );
        let (status, answer) = post(url("fit-meter"), "{not json").await;
        assert_eq!(status, 400);
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .starts_with("the body is not JSON"),
            "{answer}"
        );
    }

    #[tokio::test]
    async fn the_webhook_answers_as_before_beside_the_prompt_endpoint() {
        let (_dip, reference) = start(None).await;
        // A delivery that is not JSON, at the webhook and at a path that is no prompt's.
        for url in [
            reference.webhook_url(),
            reference.prompt_url(),
            format!("{}/a/b", reference.prompt_url()),
        ] {
            let (status, answer) = post(url.clone(), "{not json").await;
            assert_eq!(status, 400, "{url}");
            assert_eq!(
                answer["messageArray"][0]["message"]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .next(),
                Some("RCP1001"),
                "{url}: {answer}"
            );
        }
        // A prompt is not a delivery: the webhook's StandardResponse is not its answer.
        let (status, answer) =
            post(format!("{}/install-meter", reference.prompt_url()), "{}").await;
        assert_eq!((status, answer.get("messageArray")), (422, None));
        // Anything but a POST is answered 404 with no body, wherever it goes.
        let client = reqwest::Client::new();
        for url in [
            reference.webhook_url(),
            format!("{}/fit-meter", reference.prompt_url()),
        ] {
            for m in [reqwest::Method::GET, reqwest::Method::PUT] {
                let r = client.request(m.clone(), &url).send().await.unwrap();
                assert_eq!(r.status(), 404, "{m} {url}");
                assert!(r.bytes().await.unwrap().is_empty(), "{m} {url}");
            }
        }
    }
}
