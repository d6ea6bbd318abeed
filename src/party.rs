//! The parties of a run, in one registry keyed by DIP ID: the systems under test (real ones of
//! the participant's, or built-in reference participants) and the counterparties the harness
//! plays. The stub DIP authenticates submitters and routes messages through it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::config::{Config, Counterparty, Secret};
use crate::journal::party_label;
use crate::market::roles::family;

/// What a party is to the harness.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A system that submits to the DIP and is delivered to at its webhook.
    System(System),
    /// A counterparty the harness plays: it reacts as `stubs/counterparties.toml` declares.
    Stub,
}

/// How a system is reached and recognised.
#[derive(Debug, Clone)]
pub struct System {
    pub webhook_url: String,
    /// The `X-API-Key` it submits with: how the DIP knows who is submitting.
    pub api_key: Secret,
    /// Its signing certificate; its submissions are verified against it.
    pub certificate: Option<PathBuf>,
    /// The CA an https webhook's certificate chains to.
    pub webhook_ca: Option<PathBuf>,
}

/// One party.
#[derive(Debug, Clone)]
pub struct Party {
    pub role: String,
    pub dip_id: String,
    pub mpid: String,
    pub kind: Kind,
}

impl Party {
    /// How the journal names it: `SUP 2300000001`.
    pub fn label(&self) -> String {
        party_label(&self.role, &self.dip_id)
    }

    /// The system's side, when it is one.
    pub fn system(&self) -> Option<&System> {
        match &self.kind {
            Kind::System(s) => Some(s),
            Kind::Stub => None,
        }
    }

    /// Its identity as message builders use it.
    pub fn identity(&self) -> Counterparty {
        Counterparty {
            role: self.role.clone(),
            dip_id: self.dip_id.clone(),
            mpid: self.mpid.clone(),
        }
    }
}

/// Every party of a run.
#[derive(Debug, Clone, Default)]
pub struct Parties {
    all: Vec<Arc<Party>>,
    by_id: HashMap<String, usize>,
}

impl Parties {
    /// The configuration's participants (systems, in their order) and counterparties (stubs).
    /// The configuration has already refused duplicated DIP IDs.
    pub fn from_config(config: &Config) -> Self {
        let systems = config.participants.iter().map(|p| Party {
            role: p.role.clone(),
            dip_id: p.dip_id.clone(),
            mpid: p.mpid.clone(),
            kind: Kind::System(System {
                webhook_url: p.webhook_url.clone(),
                api_key: p.api_key.clone(),
                certificate: p.certificate.clone(),
                webhook_ca: p.webhook_ca.clone(),
            }),
        });
        let stubs = config.counterparties.iter().map(|c| Party {
            role: c.role.clone(),
            dip_id: c.dip_id.clone(),
            mpid: c.mpid.clone(),
            kind: Kind::Stub,
        });
        let mut out = Self::default();
        for p in systems.chain(stubs) {
            out.by_id.entry(p.dip_id.clone()).or_insert(out.all.len());
            out.all.push(Arc::new(p));
        }
        out
    }

    /// The party with this DIP ID.
    pub fn get(&self, dip_id: &str) -> Option<&Arc<Party>> {
        self.by_id.get(dip_id).map(|i| &self.all[*i])
    }

    /// The system presenting this API key.
    pub fn by_api_key(&self, key: &[u8]) -> Option<&Arc<Party>> {
        self.systems().find(|p| {
            p.system()
                .is_some_and(|s| s.api_key.expose().as_bytes() == key)
        })
    }

    /// The systems, in the configuration's order; the first is the one a qualification run
    /// qualifies.
    pub fn systems(&self) -> impl Iterator<Item = &Arc<Party>> {
        self.all.iter().filter(|p| p.system().is_some())
    }

    /// The first system.
    pub fn first_system(&self) -> Option<&Arc<Party>> {
        self.systems().next()
    }

    /// The first party with this role, systems first.
    pub fn with_role(&self, role: &str) -> Option<&Arc<Party>> {
        self.all.iter().find(|p| p.role == role)
    }

    /// Every party.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Party>> {
        self.all.iter()
    }
}

/// Who is appointed to which MPAN, as the DIP looks it up to add recipients (DI-981): for each
/// MPAN, the DIP ID of its supplier (`SUP`), metering service (`MS`), data service (`DS`) and
/// meter data retriever (`MDR`).
#[derive(Debug, Default)]
pub struct Appointments(Mutex<HashMap<String, HashMap<String, String>>>);

impl Appointments {
    /// Records `dip_id` as the party of `role` (a role, or its family `MS`/`DS`) for `mpan`.
    pub fn appoint(&self, mpan: &str, role: &str, dip_id: &str) {
        self.0
            .lock()
            .expect("appointments lock")
            .entry(mpan.to_owned())
            .or_default()
            .insert(family(role).to_owned(), dip_id.to_owned());
    }

    /// The party of `role` (or its family) appointed for `mpan`.
    pub fn appointed(&self, mpan: &str, role: &str) -> Option<String> {
        self.0
            .lock()
            .expect("appointments lock")
            .get(mpan)
            .and_then(|m| m.get(family(role)))
            .cloned()
    }
}
