//! The harness of one run: configuration, schemas, journal, the party registry, the stub DIP
//! with its router and egress, the stubs' reactions, test data, the prompter of the system
//! under test, and (for a run without a configuration) the in-process reference participant.

use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{Config, Participant};
use crate::dip::{Builder, Ids, Templates};
use crate::journal::Journal;
use crate::market::{MpanAllocator, Plan, Registry};
use crate::party::{Appointments, Parties, Party};
use crate::prompt::{CommandPrompter, Prompter};
use crate::schema::SchemaSet;
use crate::security::signature::{Signer, Verifier};
use crate::security::tls;
use crate::stub::{Egress, IngressSecurity, Reactions, Router, RouterHandle, Routing, StubDip};
use crate::sut::{Reference, ReferenceSettings};

/// Which systems the run drives.
#[derive(Debug, Clone)]
pub enum SystemUnderTest {
    /// The participant's systems, reached as the configuration says.
    External,
    /// The in-process reference participant of the configuration's (first) participant's
    /// role, with these faults switched on.
    Reference(HashSet<String>),
}

/// Why a harness could not start (the run's exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    #[error("cannot listen on {addr}: {source} (is another process using the port?)")]
    Port {
        addr: String,
        source: std::io::Error,
    },
    #[error("schemas: {0}")]
    Schemas(#[from] crate::schema::SchemaError),
    #[error("stubs: {0}")]
    Stubs(#[from] crate::stub::ReactionError),
    #[error("message security: {0}")]
    Security(String),
    #[error("the reference participant: {0}")]
    Reference(#[from] crate::sut::ReferenceError),
    #[error("the reference participant's webhook: {0}")]
    Webhook(std::io::Error),
}

/// What a harness is built from besides the configuration.
#[derive(Debug, Clone)]
pub struct HarnessOptions {
    pub systems: SystemUnderTest,
    pub schemas_dir: Option<PathBuf>,
    pub stubs_dir: Option<PathBuf>,
    /// Mutual TLS on both legs with the in-process reference participant.
    pub reference_tls: bool,
    /// The journal to record in: one shared by the harnesses of a run that qualifies several
    /// roles one after another; a new one when None.
    pub journal: Option<Arc<Journal>>,
    /// The stubbed counterparties take deliveries but do not react (a load run measures the
    /// system's own traffic).
    pub quiet_stubs: bool,
    /// An E2E sandbox: every participant of the configuration is a system (each a reference
    /// participant of its role when the systems are references), and the stubs also play the
    /// market's part between them (`stubs/sandbox.toml`).
    pub sandbox: bool,
    /// Where deliveries the systems did not take go (the sandbox holds them for re-delivery).
    pub hold: Option<crate::stub::HoldFn>,
}

/// The faults of the reference participant of `role`: those named `ROLE:fault`, and the
/// plain names for the first participant.
fn faults_for(faults: &HashSet<String>, role: &str, first: bool) -> HashSet<String> {
    faults
        .iter()
        .filter_map(|f| match f.split_once(':') {
            Some((r, name)) if r == role => Some(name.to_owned()),
            None if first => Some(f.clone()),
            _ => None,
        })
        .collect()
}

/// The keys of a run: the DIP's signer, the verifier of each system's signatures and, for the
/// reference participant, its own signer; and the TLS of both legs.
struct Keys {
    signer: Arc<Signer>,
    /// By DIP ID.
    verifiers: HashMap<String, Arc<Verifier>>,
    /// The signer of each reference participant, by DIP ID.
    reference: Option<HashMap<String, Arc<Signer>>>,
    /// Ingress over HTTPS (mutual TLS when client certificates are required).
    ingress_tls: Option<Arc<rustls::ServerConfig>>,
    /// The egress client: trust for an https webhook and the harness's client certificate.
    egress: reqwest::Client,
    /// Clients of systems whose https webhooks need trust of their own, by DIP ID.
    egress_by_system: HashMap<String, reqwest::Client>,
    /// For the reference participant over TLS: its webhook's server side and its client.
    reference_tls: Option<(Arc<rustls::ServerConfig>, reqwest::Client)>,
}

/// The egress HTTP client a participant's webhook asks for: trusting its `webhook_ca` and
/// presenting the `dip.tls_*` certificate to an https webhook.
pub fn egress_client(
    config: &Config,
    participant: &Participant,
) -> Result<reqwest::Client, String> {
    let builder = Egress::client_builder(config);
    let builder = if participant.webhook_url.starts_with("https:") {
        tls::client_builder_from_files(
            builder,
            participant.webhook_ca.as_deref(),
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
        systems: &SystemUnderTest,
        reference_tls: bool,
    ) -> Result<Self, HarnessError> {
        let security =
            |e: crate::security::signature::KeyError| HarnessError::Security(e.to_string());
        let external = matches!(systems, SystemUnderTest::External);
        let signer = match &config.dip.signing {
            Some(files) => Signer::load(&files.certificate, &files.key).map_err(security)?,
            None if external => {
                return Err(HarnessError::Security(format!(
                    "{}: `dip.signing_certificate` and `dip.signing_key` are needed: deliveries are signed with them and the system must trust the certificate (`mhhs-qual certs --out DIR` writes a set for test set-ups)",
                    config.source
                )));
            }
            None => Signer::generate("mhhs-qual DIP").map_err(security)?.0,
        };
        let mut verifiers = HashMap::new();
        let mut egress_by_system = HashMap::new();
        let reference = if external {
            for p in &config.participants {
                let Some(path) = &p.certificate else {
                    return Err(HarnessError::Security(format!(
                        "{}: `participant.certificate` of {} is needed: every submission is verified against the system's signing certificate (CONTRACT.md §4)",
                        config.source, p.dip_id
                    )));
                };
                verifiers.insert(
                    p.dip_id.clone(),
                    Arc::new(Verifier::load(path, config.dip.clock_skew).map_err(security)?),
                );
                if p.webhook_url.starts_with("https:") {
                    egress_by_system.insert(
                        p.dip_id.clone(),
                        egress_client(config, p).map_err(HarnessError::Security)?,
                    );
                }
            }
            None
        } else {
            // One key pair per reference participant (a sandbox runs several).
            let mut signers = HashMap::new();
            for p in &config.participants {
                let what = format!("reference {}", p.role);
                let (reference, material) =
                    Signer::generate(&format!("mhhs-qual {what}")).map_err(security)?;
                verifiers.insert(
                    p.dip_id.clone(),
                    Arc::new(
                        Verifier::new(material.cert_pem.as_bytes(), &what, config.dip.clock_skew)
                            .map_err(security)?,
                    ),
                );
                signers.insert(p.dip_id.clone(), Arc::new(reference));
            }
            Some(signers)
        };
        let mut keys = Self {
            signer: Arc::new(signer),
            verifiers,
            reference,
            ingress_tls: None,
            egress: egress_client(config, config.participant()).map_err(HarnessError::Security)?,
            egress_by_system,
            reference_tls: None,
        };
        if let Some(files) = &config.dip.tls {
            keys.ingress_tls = Some(
                tls::server_config_from_files(
                    &files.certificate,
                    &files.key,
                    config.dip.client_ca.as_deref(),
                )
                .map_err(|e| HarnessError::Security(e.to_string()))?,
            );
        }
        if !external && reference_tls {
            keys.reference_with_tls(config)
                .map_err(|e| HarnessError::Security(e.to_string()))?;
        }
        Ok(keys)
    }

    /// Mutual TLS on both legs between the harness and the reference participant, with a CA
    /// and certificates made for the run.
    fn reference_with_tls(&mut self, config: &Config) -> Result<(), tls::TlsError> {
        let ca = tls::Authority::generate("mhhs-qual run CA")?;
        let dip = ca.issue("mhhs-qual stub DIP", None)?;
        let sut = ca.issue("mhhs-qual reference participant", None)?;
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
    pub parties: Arc<Parties>,
    /// Who is appointed to which MPAN, for the recipients the DIP adds.
    pub appointments: Arc<Appointments>,
    /// The Registration Service's record of each MPAN.
    pub registry: Arc<Registry>,
    /// The router, for what the harness itself publishes as the Registration Service.
    pub router: RouterHandle,
    pub builder: Builder,
    pub egress: Egress,
    pub stub: StubDip,
    pub mpans: MpanAllocator,
    /// What each scenario warned about, by scenario key.
    pub warnings: Arc<super::Warnings>,
    /// How the system under test is asked for work that has no DIP trigger
    /// (CONTRACT-ROLES.md §6.7): the in-process reference participant, or the prompt command
    /// of the configuration's first participant; `None` when there is neither.
    pub prompter: Option<Arc<dyn Prompter>>,
    /// The prompter of each system, by DIP ID (a sandbox prompts the party a flow names).
    pub prompters: HashMap<String, Arc<dyn Prompter>>,
    reference_participant: Option<Arc<Reference>>,
    /// Every in-process reference participant, in the configuration's order.
    references: Vec<Arc<Reference>>,
}

impl Harness {
    /// Binds the ports, starts the stub DIP with its router (and the reference participant
    /// if asked), and loads the stubs' reactions.
    pub async fn start(
        mut config: Config,
        options: HarnessOptions,
    ) -> Result<Arc<Self>, HarnessError> {
        let schemas = match &options.schemas_dir {
            Some(dir) => Arc::new(SchemaSet::from_dir(dir)?),
            None => SchemaSet::embedded()?,
        };
        let reactions = Arc::new(if options.quiet_stubs {
            Reactions(Vec::new())
        } else if options.sandbox {
            Reactions::load_sandbox(options.stubs_dir.as_deref(), &schemas)?
        } else {
            Reactions::load(options.stubs_dir.as_deref(), &schemas)?
        });
        let routing = Arc::new(Routing::load(options.stubs_dir.as_deref())?);
        let port = |addr: String| move |source| HarnessError::Port { addr, source };
        let dip_listeners =
            StubDip::bind(config.dip.listen).map_err(port(config.dip.listen.to_string()))?;
        if matches!(options.systems, SystemUnderTest::Reference(_)) && !options.sandbox {
            // A qualification run plays the reference participant of one role.
            config.participants.truncate(1);
        }
        let keys = Keys::new(&config, &options.systems, options.reference_tls)?;
        let dip_uri = format!(
            "{}://{}",
            if keys.ingress_tls.is_some() {
                "https"
            } else {
                "http"
            },
            dip_listeners[0]
                .local_addr()
                .map_err(port(config.dip.listen.to_string()))?
        );
        let mut reference_listeners = Vec::new();
        if matches!(options.systems, SystemUnderTest::Reference(_)) {
            for p in &mut config.participants {
                let l = TcpListener::bind("127.0.0.1:0").map_err(port("127.0.0.1:0".into()))?;
                p.webhook_url = format!(
                    "{}://{}/webhook",
                    if keys.reference_tls.is_some() {
                        "https"
                    } else {
                        "http"
                    },
                    l.local_addr().map_err(port("127.0.0.1:0".into()))?
                );
                reference_listeners.push(l);
            }
        }
        let config = Arc::new(config);
        let parties = Arc::new(Parties::from_config(&config));
        let appointments = Arc::new(Appointments::default());
        let registry = Arc::new(Registry::default());
        let journal = options.journal.clone().unwrap_or_default();
        let ids = Arc::new(Ids::new());
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
            ids.clone(),
            keys.egress.clone(),
            keys.signer.clone(),
        )
        .with_clients(keys.egress_by_system.clone());
        let egress = if options.sandbox {
            egress.with_flow_correlation()
        } else {
            egress
        };
        let egress = match options.hold.clone() {
            Some(hold) => egress.with_hold(hold),
            None => egress,
        };
        let router = Router {
            parties: parties.clone(),
            egress: egress.clone(),
            builder: builder.clone(),
            reactions,
            routing,
            appointments: appointments.clone(),
            registry: registry.clone(),
            journal: journal.clone(),
            sandbox: options.sandbox,
        }
        .start();
        let stub = StubDip::start(
            dip_listeners,
            config.clone(),
            schemas.clone(),
            journal.clone(),
            ids,
            Some(router.clone()),
            IngressSecurity {
                parties: parties.clone(),
                verifiers: keys.verifiers.clone(),
                tls: keys.ingress_tls.clone(),
            },
        )
        .await;
        let mut references = Vec::new();
        if let SystemUnderTest::Reference(faults) = &options.systems {
            let first = config.participant().dip_id.clone();
            for (p, l) in config.participants.iter().zip(reference_listeners) {
                let mut settings = ReferenceSettings::for_participant(
                    &config,
                    p,
                    dip_uri.clone(),
                    faults_for(faults, &p.role, p.dip_id == first),
                )?;
                settings.signer = keys
                    .reference
                    .as_ref()
                    .and_then(|r| r.get(&p.dip_id))
                    .cloned();
                settings.dip_verifier = Some(Arc::new(
                    Verifier::new(
                        keys.signer.certificate_pem().as_bytes(),
                        "the DIP's certificate",
                        config.dip.clock_skew,
                    )
                    .map_err(|e| HarnessError::Security(e.to_string()))?,
                ));
                settings.webhook_scheme = if keys.reference_tls.is_some() {
                    "https"
                } else {
                    "http"
                };
                settings.client = keys.reference_tls.as_ref().map(|(_, c)| c.clone());
                let tls = keys.reference_tls.as_ref().map(|(t, _)| t.clone());
                references.push(Arc::new(
                    Reference::start(l, settings, schemas.clone(), tls)
                        .await
                        .map_err(HarnessError::Webhook)?,
                ));
            }
        }
        let reference = references.first().cloned();
        let mut prompters: HashMap<String, Arc<dyn Prompter>> = HashMap::new();
        for (i, p) in config.participants.iter().enumerate() {
            let prompter: Option<Arc<dyn Prompter>> = match references.get(i) {
                Some(r) => Some(r.clone()),
                None => config
                    .prompt_command(p)
                    .map(|command| -> Arc<dyn Prompter> {
                        Arc::new(CommandPrompter::new(
                            command.clone(),
                            config.prompt_timeout(),
                        ))
                    }),
            };
            if let Some(prompter) = prompter {
                prompters.insert(p.dip_id.clone(), prompter);
            }
        }
        let prompter = prompters.get(&config.participant().dip_id).cloned();
        let mpans = match &config.testdata {
            Some(t) => MpanAllocator::from_plan(Plan::new(t.seed, &t.segments), t.count),
            None => MpanAllocator::new(),
        };
        Ok(Arc::new(Self {
            config,
            schemas,
            journal,
            parties,
            appointments,
            registry,
            router,
            builder,
            egress,
            stub,
            mpans,
            warnings: Arc::new(super::Warnings::new()),
            prompter,
            prompters,
            reference_participant: reference,
            references,
        }))
    }

    /// Every in-process reference participant (several in a sandbox).
    pub fn references(&self) -> &[Arc<Reference>] {
        &self.references
    }

    /// The in-process reference participant, when the run has one.
    pub fn reference(&self) -> Option<&Arc<Reference>> {
        self.reference_participant.as_ref()
    }

    /// The system a qualification scenario drives: the first participant.
    pub fn system(&self) -> &Arc<Party> {
        self.parties
            .first_system()
            .expect("a configuration has at least one participant")
    }
}
