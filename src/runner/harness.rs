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
use crate::stub::{Delivery, DeliveryBody, Egress, Reactions, StubDip};
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
        let dip_uri = format!(
            "http://{}",
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
                    "http://{}/webhook",
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
        )
        .await;
        let reference = match (reference_listener, &options.participant) {
            (Some(l), Participant::ReferenceSupplier(faults)) => {
                let settings = ReferenceSettings::from_config(&config, dip_uri, faults.clone());
                Some(ReferenceSupplier::start(l, settings, schemas.clone()).await)
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
        let egress = Egress::new(config.clone(), schemas.clone(), journal.clone(), ids);
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
