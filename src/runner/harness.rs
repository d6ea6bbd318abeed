//! The harness of one run: configuration, schemas, journal, the stub DIP and its egress, the
//! counterparties' reactions, test data, and (for a run without a configuration) the
//! in-process reference participant.

use std::collections::HashSet;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::mpsc;

use crate::config::Config;
use crate::dip::{Builder, Ids, Subject, Templates};
use crate::journal::{Direction, Entry, Journal};
use crate::market::{MpanAllocator, Plan, Segment};
use crate::schema::SchemaSet;
use crate::security::signature::{Certificate, Signer, Verifier};
use crate::security::tls;
use crate::stub::{Delivery, DeliveryBody, Egress, IngressSecurity, Reactions, Signing, StubDip};
use crate::sut::{ReferenceSettings, ReferenceSupplier, SupplierFault};

use super::RunError;

/// Who the SUT is.
#[derive(Debug, Clone)]
pub enum Participant {
    /// A system of the participant's, reached as the configuration says.
    External,
    /// The in-process reference supplier, with these faults switched on.
    ReferenceSupplier(HashSet<SupplierFault>),
}

/// What a harness is built from besides the configuration.
#[derive(Debug, Clone)]
pub struct HarnessOptions {
    pub participant: Participant,
    pub schemas_dir: Option<PathBuf>,
    pub stubs_dir: Option<PathBuf>,
    /// Mutual TLS on both legs with the in-process reference participant.
    pub reference_tls: bool,
}

/// The keys of a run: the DIP's signer, the verifier of the participant's signatures and,
/// for the reference participant, its own signer; and the TLS of both legs.
struct Keys {
    signer: Arc<Signer>,
    verifier: Arc<Verifier>,
    reference: Option<Arc<Signer>>,
    /// Ingress over HTTPS (mutual TLS when client certificates are required).
    ingress_tls: Option<Arc<rustls::ServerConfig>>,
    /// The egress client: trust for an https webhook and the harness's client certificate.
    egress: reqwest::Client,
    /// For the reference participant over TLS: its webhook's server side and its client.
    reference_tls: Option<(Arc<rustls::ServerConfig>, reqwest::Client)>,
}

/// The egress HTTP client a configuration asks for: trusting `participant.webhook_ca` and
/// presenting the `dip.tls_*` certificate to an https webhook.
pub fn egress_client(config: &Config) -> Result<reqwest::Client, String> {
    let builder = Egress::client_builder(config);
    let builder = if config.participant.webhook_url.starts_with("https:") {
        tls::client_builder_from_files(
            builder,
            config.participant.webhook_ca.as_deref(),
            config
                .dip
                .tls
                .as_ref()
                .map(|f| (f.certificate.as_path(), f.key.as_path())),
        )
        .map_err(|e| e.to_string())?
    } else {
        builder
    };
    builder
        .build()
        .map_err(|e| format!("the egress HTTP client: {e}"))
}

impl Keys {
    fn new(
        config: &Config,
        participant: &Participant,
        reference_tls: bool,
    ) -> Result<Self, RunError> {
        let security = |e: crate::security::signature::KeyError| RunError::Security(e.to_string());
        let external = matches!(participant, Participant::External);
        let signer = match &config.dip.signing {
            Some(files) => Signer::load(&files.certificate, &files.key).map_err(security)?,
            None if external => {
                return Err(RunError::Security(format!(
                    "{}: `dip.signing_certificate` and `dip.signing_key` are needed: deliveries are signed with them and the system must trust the certificate (`mhhs-qual certs --out DIR` writes a set for test set-ups)",
                    config.source
                )));
            }
            None => Signer::generate("mhhs-qual DIP").map_err(security)?.0,
        };
        let (verifier, reference) = if external {
            let Some(path) = &config.participant.certificate else {
                return Err(RunError::Security(format!(
                    "{}: `participant.certificate` is needed: every submission is verified against the system's signing certificate (CONTRACT.md §4)",
                    config.source
                )));
            };
            (
                Verifier::load(path, config.dip.clock_skew).map_err(security)?,
                None,
            )
        } else {
            let (reference, material) =
                Signer::generate("mhhs-qual reference supplier").map_err(security)?;
            (
                Verifier::new(
                    material.cert_pem.as_bytes(),
                    "reference supplier",
                    config.dip.clock_skew,
                )
                .map_err(security)?,
                Some(Arc::new(reference)),
            )
        };
        let mut keys = Self {
            signer: Arc::new(signer),
            verifier: Arc::new(verifier),
            reference,
            ingress_tls: None,
            egress: egress_client(config).map_err(RunError::Security)?,
            reference_tls: None,
        };
        if let Some(files) = &config.dip.tls {
            keys.ingress_tls = Some(
                tls::server_config_from_files(
                    &files.certificate,
                    &files.key,
                    config.dip.client_ca.as_deref(),
                )
                .map_err(|e| RunError::Security(e.to_string()))?,
            );
        }
        if !external && reference_tls {
            keys.reference_with_tls(config)
                .map_err(|e| RunError::Security(e.to_string()))?;
        }
        Ok(keys)
    }

    /// Mutual TLS on both legs between the harness and the reference participant, with a CA
    /// and certificates made for the run.
    fn reference_with_tls(&mut self, config: &Config) -> Result<(), tls::TlsError> {
        let ca = tls::Authority::generate("mhhs-qual run CA")?;
        let dip = ca.issue("mhhs-qual stub DIP", None)?;
        let sut = ca.issue("mhhs-qual reference supplier", None)?;
        let ca_pem = ca.cert_pem().as_bytes();
        self.ingress_tls = Some(tls::server_config(
            dip.cert_pem.as_bytes(),
            dip.key_pem.as_bytes(),
            Some(ca_pem),
        )?);
        self.egress = tls::client_builder(
            Egress::client_builder(config),
            Some(ca_pem),
            Some((dip.cert_pem.as_bytes(), dip.key_pem.as_bytes())),
        )?
        .build()
        .map_err(|source| tls::TlsError::Client {
            what: "the egress client".into(),
            source,
        })?;
        let webhook = tls::server_config(
            sut.cert_pem.as_bytes(),
            sut.key_pem.as_bytes(),
            Some(ca_pem),
        )?;
        let client = tls::client_builder(
            reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)),
            Some(ca_pem),
            Some((sut.cert_pem.as_bytes(), sut.key_pem.as_bytes())),
        )?
        .build()
        .map_err(|source| tls::TlsError::Client {
            what: "the reference participant's client".into(),
            source,
        })?;
        self.reference_tls = Some((webhook, client));
        Ok(())
    }
}

/// Everything one run shares.
#[derive(Debug)]
pub struct Harness {
    pub config: Arc<Config>,
    pub schemas: Arc<SchemaSet>,
    pub journal: Arc<Journal>,
    pub builder: Builder,
    pub egress: Egress,
    pub stub: StubDip,
    pub mpans: MpanAllocator,
    _reference: Option<ReferenceSupplier>,
}

impl Harness {
    /// Binds the ports, starts the stub DIP (and the reference participant if asked), and
    /// wires the counterparties' reactions.
    pub async fn start(mut config: Config, options: HarnessOptions) -> Result<Arc<Self>, RunError> {
        let schemas = match &options.schemas_dir {
            Some(dir) => {
                Arc::new(SchemaSet::from_dir(dir).map_err(|e| RunError::Schemas(e.to_string()))?)
            }
            None => SchemaSet::embedded().map_err(|e| RunError::Schemas(e.to_string()))?,
        };
        let reactions = Reactions::load(options.stubs_dir.as_deref()).map_err(RunError::Stubs)?;
        let dip_listeners = StubDip::bind(config.dip.listen).map_err(|e| RunError::Port {
            addr: config.dip.listen.to_string(),
            source: e,
        })?;
        let keys = Keys::new(&config, &options.participant, options.reference_tls)?;
        let dip_uri = format!(
            "{}://{}",
            if keys.ingress_tls.is_some() {
                "https"
            } else {
                "http"
            },
            dip_listeners[0].local_addr().map_err(|e| RunError::Port {
                addr: config.dip.listen.to_string(),
                source: e
            })?
        );
        let reference_listener = match &options.participant {
            Participant::External => None,
            Participant::ReferenceSupplier(_) => {
                let l = TcpListener::bind("127.0.0.1:0").map_err(|e| RunError::Port {
                    addr: "127.0.0.1:0".into(),
                    source: e,
                })?;
                config.participant.webhook_url = format!(
                    "{}://{}/webhook",
                    if keys.reference_tls.is_some() {
                        "https"
                    } else {
                        "http"
                    },
                    l.local_addr().map_err(|e| RunError::Port {
                        addr: "127.0.0.1:0".into(),
                        source: e
                    })?
                );
                Some(l)
            }
        };
        let config = Arc::new(config);
        let journal = Arc::new(Journal::new());
        let ids = Arc::new(Ids::new());
        let (tx, mut rx) = mpsc::unbounded_channel();
        let stub = StubDip::start(
            dip_listeners,
            config.clone(),
            schemas.clone(),
            journal.clone(),
            ids.clone(),
            Some((
                tx,
                reactions
                    .0
                    .iter()
                    .map(|r| r.when.interface.clone())
                    .collect(),
            )),
            IngressSecurity {
                verifier: Some(keys.verifier.clone()),
                tls: keys.ingress_tls.clone(),
            },
        )
        .await;
        let reference = match (reference_listener, &options.participant) {
            (Some(l), Participant::ReferenceSupplier(faults)) => {
                let mut settings = ReferenceSettings::from_config(&config, dip_uri, faults.clone());
                settings.signer.clone_from(&keys.reference);
                settings.dip_certificate = Some(Arc::new(
                    Certificate::from_pem(keys.signer.certificate_pem().as_bytes(), "DIP")
                        .map_err(|e| RunError::Security(e.to_string()))?,
                ));
                settings.webhook_scheme = if keys.reference_tls.is_some() {
                    "https"
                } else {
                    "http"
                };
                settings.client = keys.reference_tls.as_ref().map(|(_, c)| c.clone());
                let tls = keys.reference_tls.as_ref().map(|(t, _)| t.clone());
                Some(
                    ReferenceSupplier::start(l, settings, schemas.clone(), tls)
                        .await
                        .map_err(|e| RunError::Security(format!("the reference webhook: {e}")))?,
                )
            }
            _ => None,
        };
        let templates = Templates {
            dir: options.stubs_dir.as_ref().map(|d| d.join("templates")),
        };
        let builder = Builder {
            templates,
            schemas: schemas.clone(),
            config: config.clone(),
            ids: ids.clone(),
        };
        let egress = Egress::new(
            config.clone(),
            schemas.clone(),
            journal.clone(),
            ids,
            keys.egress.clone(),
            keys.signer.clone(),
        );
        {
            let (builder, egress, journal, config) = (
                builder.clone(),
                egress.clone(),
                journal.clone(),
                config.clone(),
            );
            tokio::spawn(async move {
                while let Some(accepted) = rx.recv().await {
                    let interface = accepted
                        .payload
                        .pointer("/CommonBlock/S0/interfaceID")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    let event = accepted
                        .payload
                        .pointer("/CommonBlock/S0/eventCode")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    for reaction in reactions.triggered_by(&interface, &event) {
                        let (builder, egress, journal, config) = (
                            builder.clone(),
                            egress.clone(),
                            journal.clone(),
                            config.clone(),
                        );
                        let (reaction, accepted) = (reaction.clone(), accepted.clone());
                        tokio::spawn(async move {
                            tokio::time::sleep(reaction.after).await;
                            let Some(from) = config.counterparty(&reaction.from).cloned() else {
                                let mut e = Entry::new(Direction::Note, "");
                                e.scenario.clone_from(&accepted.scenario);
                                e.outcome = format!(
                                    "reaction {:?} skipped: no counterparty with role {}",
                                    reaction.name, reaction.from
                                );
                                journal.record(e);
                                return;
                            };
                            let mpan = accepted
                                .payload
                                .pointer("/CommonBlock/M0/MPANCore")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned();
                            let subject = Subject {
                                mpan,
                                segment: Segment::Smart,
                            };
                            let vars = builder
                                .vars(&from, &subject)
                                .with_request(accepted.payload.clone());
                            match builder.payload_from(
                                reaction.send.template.as_deref(),
                                &from,
                                &reaction.send.interface,
                                &reaction.send.event,
                                &subject,
                                vars,
                            ) {
                                Ok(p) => {
                                    egress
                                        .deliver(Delivery {
                                            scenario: accepted.scenario.clone(),
                                            from,
                                            body: DeliveryBody::Batch(vec![p]),
                                            signing: Signing::Correct,
                                        })
                                        .await;
                                }
                                Err(message) => {
                                    let mut e = Entry::new(Direction::Note, "");
                                    e.scenario.clone_from(&accepted.scenario);
                                    e.outcome =
                                        format!("reaction {:?} failed: {message}", reaction.name);
                                    journal.record(e);
                                }
                            }
                        });
                    }
                }
            });
        }
        let mpans = match &config.testdata {
            Some(t) => MpanAllocator::from_plan(Plan::new(t.seed, &t.segments), t.count),
            None => MpanAllocator::new(),
        };
        Ok(Arc::new(Self {
            config,
            schemas,
            journal,
            builder,
            egress,
            stub,
            mpans,
            _reference: reference,
        }))
    }
}
