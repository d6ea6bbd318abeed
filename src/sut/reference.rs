//! The reference supplier: a correct SUP (CONTRACT.md §6 S1–S6) that runs in-process or on
//! its own (`mhhs-qual reference --role SUP --config FILE`).
//!
//! Its webhook answers each delivery after the level-3 checks in the contract's order; on an
//! accepted `PUB-002 [GainMPANInfo]` it requests metering and data service appointments
//! (`IF-031 [MSApp]`, `[DSApp]`) from the Registration Service, choosing services of the type
//! the MPAN's market segment needs, and resubmits through DIP outages. Each
//! [`SupplierFault`] breaks one of these behaviours.

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::SupplierFault;
use crate::config::{Config, Counterparty};
use crate::dip::{
    Header, Ids, ResponseItem, now_dt003, payloads, response_text, standard_response,
};
use crate::market::{Mpan, Segment};
use crate::schema::SchemaSet;
use crate::security::signature::{
    self, CERTIFICATE, Certificate, DATE, HASH, SIGNATURE, Signer, content_hash, string_to_sign,
};

/// Submissions give up after this many attempts.
const MAX_ATTEMPTS: u32 = 40;

/// What the reference supplier needs to know.
#[derive(Debug, Clone)]
pub struct ReferenceSettings {
    pub dip_base_url: String,
    pub api_key: String,
    pub dip_id: String,
    pub mpid: String,
    pub environment: String,
    pub counterparties: Vec<Counterparty>,
    /// How long after the ack timeout a slow answer comes (fault `slow-ack`).
    pub slow_ack: Duration,
    pub faults: HashSet<SupplierFault>,
    /// Signs every submission (CONTRACT.md §4); without it submissions go unsigned.
    pub signer: Option<Arc<Signer>>,
    /// The DIP's signing certificate: every delivery must be signed with it. Without it,
    /// deliveries are not verified.
    pub dip_certificate: Option<Arc<Certificate>>,
    /// How far a signature date may be from the clock.
    pub clock_skew: Duration,
    /// The client submissions are made with (its TLS set up by the caller).
    pub client: Option<reqwest::Client>,
    /// `http` or `https`: how the DIP reaches the webhook, for the URL it signed.
    pub webhook_scheme: &'static str,
}

impl ReferenceSettings {
    /// Settings from a run configuration: the SUT's identity and the stub DIP's address.
    pub fn from_config(
        config: &Config,
        dip_base_url: String,
        faults: HashSet<SupplierFault>,
    ) -> Self {
        Self {
            dip_base_url,
            api_key: config.dip.api_key.expose().to_owned(),
            dip_id: config.participant.dip_id.clone(),
            mpid: config.participant.mpid.clone(),
            environment: config.environment.clone(),
            counterparties: config.counterparties.clone(),
            slow_ack: config.timeouts.ack + Duration::from_millis(300),
            faults,
            signer: None,
            dip_certificate: None,
            clock_skew: config.dip.clock_skew,
            client: None,
            webhook_scheme: if config.participant.webhook_url.starts_with("https:") {
                "https"
            } else {
                "http"
            },
        }
    }
}

/// A running reference supplier.
pub struct ReferenceSupplier {
    server: MockServer,
    /// With TLS: the front deliveries arrive at.
    front: Option<crate::security::tls::TlsFront>,
}

impl std::fmt::Debug for ReferenceSupplier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReferenceSupplier")
            .field("uri", &self.webhook_url())
            .finish()
    }
}

/// An appointment job: the MPAN gained, its `M0` as delivered, and its segment.
struct Gain {
    m0: Value,
    segment: Segment,
}

struct Inner {
    settings: ReferenceSettings,
    schemas: Arc<SchemaSet>,
    ids: Ids,
    seen: Mutex<HashSet<String>>,
    jobs: mpsc::UnboundedSender<Gain>,
}

impl ReferenceSupplier {
    /// Starts the webhook on `listener` (over TLS with `tls`); the submitter runs on the
    /// current tokio runtime.
    pub async fn start(
        listener: TcpListener,
        settings: ReferenceSettings,
        schemas: Arc<SchemaSet>,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::unbounded_channel();
        let inner = Arc::new(Inner {
            settings,
            schemas,
            ids: Ids::new(),
            seen: Mutex::new(HashSet::new()),
            jobs: tx,
        });
        tokio::spawn(submitter(inner.clone(), rx));
        let (server_listener, front_listener) = match &tls {
            Some(_) => (TcpListener::bind("127.0.0.1:0")?, Some(listener)),
            None => (listener, None),
        };
        let server = MockServer::builder()
            .listener(server_listener)
            .disable_request_recording()
            .start()
            .await;
        Mock::given(method("POST"))
            .respond_with(Webhook(inner))
            .named("reference supplier webhook")
            .mount(&server)
            .await;
        let front = match (tls, front_listener) {
            (Some(config), Some(l)) => Some(crate::security::tls::TlsFront::start(
                l,
                config,
                *server.address(),
                |r| tracing::warn!("reference supplier: {r}"),
            )?),
            _ => None,
        };
        Ok(Self { server, front })
    }

    /// The webhook URL deliveries go to.
    pub fn webhook_url(&self) -> String {
        match &self.front {
            Some(f) => format!("https://{}/webhook", f.local_addr()),
            None => format!("{}/webhook", self.server.uri()),
        }
    }
}

struct Webhook(Arc<Inner>);

impl Respond for Webhook {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let inner = &self.0;
        let faults = &inner.settings.faults;
        let template = inner.answer(request);
        if faults.contains(&SupplierFault::SlowAck) {
            template.set_delay(inner.settings.slow_ack)
        } else {
            template
        }
    }
}

impl Inner {
    fn has(&self, f: SupplierFault) -> bool {
        self.settings.faults.contains(&f)
    }

    fn answer(&self, request: &Request) -> ResponseTemplate {
        if !self.signature_ok(request) {
            let body = serde_json::from_slice::<Value>(&request.body).unwrap_or(Value::Null);
            return self.respond(400, "RCP9999", &payloads(&body));
        }
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return if self.has(SupplierFault::AcceptNonJson) {
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
        let codes: Vec<Option<&'static str>> = items.iter().map(|p| self.check(p)).collect();
        let first_failure = codes.iter().flatten().next().copied();
        for (p, code) in items.iter().zip(&codes) {
            let act = match (first_failure, code) {
                (None, _) => true,
                (Some(_), None) => {
                    self.has(SupplierFault::PartialBatch)
                        || self.has(SupplierFault::ReactToRejected)
                }
                (Some(_), Some(_)) => self.has(SupplierFault::ReactToRejected),
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
    /// switched on let the supplier see.
    fn signature_ok(&self, request: &Request) -> bool {
        let Some(dip) = &self.settings.dip_certificate else {
            return true;
        };
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap_or_default())
        };
        let Some(date) = header(DATE) else {
            return self.has(SupplierFault::AcceptMissingDate);
        };
        if !self.has(SupplierFault::NoClockCheck) {
            let Some(at) = signature::parse_date(date) else {
                return false;
            };
            if (time::OffsetDateTime::now_utc() - at).abs() > self.settings.clock_skew {
                return false;
            }
        }
        let actual = content_hash(&request.body);
        let hash = match header(HASH) {
            Some(h) => h,
            None if self.has(SupplierFault::AcceptMissingHash) => actual.as_str(),
            None => return false,
        };
        if hash != actual && !self.has(SupplierFault::HashNotChecked) {
            return false;
        }
        let presented;
        let certificate = match header(CERTIFICATE) {
            Some(c) => {
                let Ok(c) = Certificate::from_header(c) else {
                    return false;
                };
                presented = c;
                if !presented.same_as(dip) && !self.has(SupplierFault::AnyCertificate) {
                    return false;
                }
                &presented
            }
            None if self.has(SupplierFault::AcceptMissingCertificate) => dip.as_ref(),
            None => return false,
        };
        let Some(sig) = header(SIGNATURE) else {
            return self.has(SupplierFault::AcceptMissingSignature);
        };
        let host = header("host").unwrap_or("localhost");
        let url = format!(
            "{}://{host}{}",
            self.settings.webhook_scheme,
            request.url.path()
        );
        certificate.verifies(&string_to_sign("POST", &url, date, hash), sig)
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
            return (!self.has(SupplierFault::AcceptUnknownInterface)).then_some("RCP1002");
        };
        if !known
            .event_codes
            .iter()
            .any(|e| Some(e.as_str()) == h.event.as_deref())
            && !self.has(SupplierFault::AcceptUnknownEvent)
        {
            return Some("RCP1003");
        }
        if h.schema_version.as_deref() != known.current_version()
            && !self.has(SupplierFault::AcceptWrongSchemaVersion)
        {
            return Some("RCP1005");
        }
        let env = payload
            .pointer("/CommonBlock/S1/environmentTag")
            .and_then(Value::as_str);
        if env != Some(self.settings.environment.as_str())
            && !self.has(SupplierFault::AcceptWrongEnvironment)
        {
            return Some("RCP1004");
        }
        if !self.has(SupplierFault::AcceptSchemaFailure)
            && !self.schemas.check_payload(payload, "").is_empty()
        {
            return Some("RCP1001");
        }
        if let Some(m) = &h.mpan
            && Mpan::parse(m).is_err()
            && !self.has(SupplierFault::AcceptBadCheckDigit)
        {
            return Some("RCP1061");
        }
        None
    }

    /// The business reaction to one accepted delivery.
    fn act(&self, payload: &Value) {
        let txn = payload
            .pointer("/CommonBlock/D0/transactionID")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !self.has(SupplierFault::NotIdempotent)
            && !txn.is_empty()
            && !self.seen.lock().expect("seen lock").insert(txn)
        {
            return;
        }
        let h = Header::of(payload);
        if h.interface.as_deref() == Some("IF-002")
            && h.event.as_deref() == Some("[GainMPANInfo]")
            && !self.has(SupplierFault::NoAppointment)
        {
            let segment = payload
                .pointer("/CustomBlock/B026/marketSegmentIndicator")
                .and_then(Value::as_str)
                .and_then(Segment::from_indicator)
                .unwrap_or(Segment::Smart);
            let m0 = payload
                .pointer("/CommonBlock/M0")
                .cloned()
                .unwrap_or(Value::Null);
            let _ = self.jobs.send(Gain { m0, segment });
        }
    }

    fn respond(&self, status: u16, code: &str, items: &[&Value]) -> ResponseTemplate {
        let message = response_text(code);
        let mut out: Vec<ResponseItem> = items
            .iter()
            .map(|p| {
                let s = |ptr: &str| p.pointer(ptr).and_then(Value::as_str).map(str::to_owned);
                let mut txn = s("/CommonBlock/D0/transactionID");
                if self.has(SupplierFault::WrongEcho) {
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
        ResponseTemplate::new(status).set_body_json(standard_response(&out))
    }

    fn counterparty(&self, role: &str) -> Option<&Counterparty> {
        self.settings.counterparties.iter().find(|c| c.role == role)
    }

    /// The two appointment requests for a gain.
    fn appointment_requests(&self, gain: &Gain) -> Vec<Value> {
        let segment = if self.has(SupplierFault::SmartServicesOnly) {
            Segment::Smart
        } else {
            gain.segment
        };
        let Some(regs) = self.counterparty("REGS") else {
            tracing::warn!("reference supplier: no REGS counterparty; cannot request appointments");
            return Vec::new();
        };
        let scenario = if self.has(SupplierFault::WrongScenario) {
            "CSP"
        } else {
            "COS"
        };
        let shared_reference = self
            .has(SupplierFault::ReuseReference)
            .then(|| self.reference("IF-031"));
        let mut out = Vec::new();
        for (event, role) in [
            ("[MSApp]", segment.metering_role()),
            ("[DSApp]", segment.data_role()),
        ] {
            let Some(service) = self.counterparty(role) else {
                tracing::warn!("reference supplier: no {role} counterparty for a {segment} MPAN");
                continue;
            };
            let recipient = if self.has(SupplierFault::WrongRecipient) {
                &service.dip_id
            } else {
                &regs.dip_id
            };
            let now = now_dt003();
            let block = if event == "[MSApp]" {
                json!({"B070": {
                    "proposedMeteringServiceDIPID": service.dip_id,
                    "proposedMeteringServiceMPID": service.mpid,
                    "proposedMeteringServiceDIPEffectiveFromDate": now,
                    "contractReferenceMeteringService": null,
                    "appointmentScenario": scenario,
                }})
            } else {
                json!({"B071": {
                    "proposedDataServiceDIPID": service.dip_id,
                    "proposedDataServiceMPID": service.mpid,
                    "proposedDataServiceDIPEffectiveFromDate": now,
                    "contractReferenceDataService": null,
                    "appointmentScenario": scenario,
                    "supplierNominatedMDRDIPID": null,
                    "supplierNominatedMDRMPID": null,
                    "supplierNominatedMDREffectiveFromDate": null,
                    "supplierProposedConsentGranularity": "H",
                    "supplierProposedDomesticIndicator": true,
                    "traditionalFallBackReadFrequency": null,
                }})
            };
            let reference = shared_reference
                .clone()
                .unwrap_or_else(|| self.reference("IF-031"));
            out.push(json!({
                "CommonBlock": {
                    "S0": {"interfaceID": "IF-031", "schemaVersion": "011", "eventCode": event},
                    "S1": {
                        "environmentTag": if self.has(SupplierFault::WrongEnvironmentTag) { "DEV" } else { self.settings.environment.as_str() },
                        "subText": null,
                        "senderUniqueReference": reference,
                        "senderTimestamp": self.timestamp(),
                        "senderDIPID": self.settings.dip_id,
                        "senderRoleID": "SUP",
                        "senderCorrelationID": null,
                        "DIPConnectionProviderID": null,
                    },
                    "A0": {"primaryRecipients": [recipient], "secondaryRecipients": [], "always": []},
                    "M0": gain.m0,
                },
                "CustomBlock": block,
            }));
        }
        out
    }

    /// The signature headers of a submission to `url`.
    fn sign(&self, url: &str, body: &[u8]) -> Vec<(&'static str, String)> {
        let Some(signer) = &self.settings.signer else {
            return Vec::new();
        };
        if self.has(SupplierFault::UnsignedSubmissions) {
            return Vec::new();
        }
        let mut s = signer.sign("POST", url, body, time::OffsetDateTime::now_utc());
        if self.has(SupplierFault::SignsUrlAsIs) {
            s.signature = signer.sign_string(&format!("POST;{url};{};{}", s.date, s.hash));
        }
        s.headers()
            .into_iter()
            .map(|(k, v)| (k, v.to_owned()))
            .collect()
    }

    fn reference(&self, interface: &str) -> String {
        let role = if self.has(SupplierFault::ReferenceMismatch) {
            "MSS"
        } else {
            "SUP"
        };
        self.ids
            .sender_reference(interface, &self.settings.dip_id, role)
    }

    fn timestamp(&self) -> String {
        let t = now_dt003();
        if self.has(SupplierFault::BadTimestamp) {
            t.replacen('T', " ", 1)
        } else {
            t
        }
    }
}

async fn submitter(inner: Arc<Inner>, mut rx: mpsc::UnboundedReceiver<Gain>) {
    let client = inner.settings.client.clone().unwrap_or_else(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("HTTP client builds")
    });
    while let Some(gain) = rx.recv().await {
        for payload in inner.appointment_requests(&gain) {
            let inner = inner.clone();
            let client = client.clone();
            tokio::spawn(async move { submit(&inner, &client, payload).await });
        }
    }
}

/// Submits one message, resubmitting through outages as S6 asks.
async fn submit(inner: &Inner, client: &reqwest::Client, mut payload: Value) {
    let interface = Header::of(&payload).interface.unwrap_or_default();
    let url = format!("{}/dip-channel/{interface}", inner.settings.dip_base_url);
    let mut resubmitted_400 = false;
    for attempt in 1..=MAX_ATTEMPTS {
        let body = serde_json::to_vec(&json!([{ "payload": payload }])).expect("JSON serializes");
        let mut request = client
            .post(&url)
            .header("content-type", "application/json")
            .header("x-api-key", &inner.settings.api_key);
        for (name, value) in inner.sign(&url, &body) {
            request = request.header(name, value);
        }
        let sent = request.body(body).send().await;
        let retry = match sent {
            Ok(r) => match r.status().as_u16() {
                201 => return,
                400 => {
                    if inner.has(SupplierFault::ResubmitOn400) && !resubmitted_400 {
                        resubmitted_400 = true;
                        true
                    } else {
                        tracing::warn!(
                            "reference supplier: {interface} rejected: {}",
                            r.text().await.unwrap_or_default()
                        );
                        return;
                    }
                }
                408 | 429 | 500..=599 => !inner.has(SupplierFault::NoRetry),
                other => {
                    tracing::warn!(
                        "reference supplier: {interface} answered {other}; not resubmitted"
                    );
                    return;
                }
            },
            Err(e) => {
                tracing::debug!("reference supplier: {interface} not delivered: {e}");
                !inner.has(SupplierFault::NoRetry)
            }
        };
        if !retry {
            return;
        }
        tokio::time::sleep(Duration::from_millis(40 * u64::from(attempt.min(10)))).await;
        if let Some(s1) = payload
            .pointer_mut("/CommonBlock/S1")
            .and_then(Value::as_object_mut)
        {
            if !resubmitted_400 || inner.has(SupplierFault::RetryNewReference) {
                s1.insert("senderTimestamp".into(), Value::String(inner.timestamp()));
            }
            if inner.has(SupplierFault::RetryNewReference) {
                s1.insert(
                    "senderUniqueReference".into(),
                    Value::String(inner.reference(&interface)),
                );
            }
        }
    }
}
