//! The E2E sandbox (CONTRACT-ROLES.md §7): the stub DIP and every stubbed role as a
//! long-lived router between the configuration's `[[participant]]` systems.
//!
//! Every exchange is written to the store (SQLite by default) as it is recorded, before the
//! message it records goes on, so a crash loses nothing already routed; a store that cannot be
//! written stops the stub DIP accepting (503) rather than routing without a record. A delivery
//! a system does not take (after the DIP's retries) is held in the same store and delivered
//! again on request, or when the sandbox starts again on the same database; a held message is
//! claimed before it is delivered, so no system that acknowledged it gets it twice.
//!
//! The live endpoint serves the journal (`GET /journal?since=SEQ`, NDJSON), a page that
//! follows it (`GET /`), the held messages (`GET /held`), re-delivery (`POST /redeliver`,
//! `?to=DIP_ID` for one system's) and messages injected as a stubbed party (`POST
//! /inject?as=ROLE`, what `mhhs-qual send --as REGS` uses).

mod live;

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::config::Config;
use crate::journal::{Direction, Entry, Journal};
use crate::session::{Harness, HarnessError, HarnessOptions, SystemUnderTest};
use crate::store::{NewHeld, SqliteStore, Store, StoreError};
use crate::stub::{Delivery, DeliveryBody, HoldFn, Signing, Untaken};

/// How a sandbox starts.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// The journal's database (made if need be; a restart on the same file continues it).
    pub database: PathBuf,
    /// Where the live endpoint listens.
    pub listen: SocketAddr,
    /// The configuration's systems, or in-process reference participants of their roles
    /// (with these faults, `ROLE:fault`).
    pub systems: SystemUnderTest,
    pub schemas_dir: Option<PathBuf>,
    pub stubs_dir: Option<PathBuf>,
    /// Keep every entry in memory too (a pack runs in the sandbox and its steps read the
    /// journal); otherwise the journal streams to the store and keeps nothing.
    pub retain: bool,
    /// The journal to record in (a run's, numbered after the database's last entry); a new
    /// one when None.
    pub journal: Option<Arc<Journal>>,
    /// Caps the database at this many 4 KiB pages: past it, writes fail as on a full disk.
    pub max_pages: Option<u64>,
}

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("the journal's database: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Harness(#[from] HarnessError),
    #[error("cannot listen on {addr} for the live endpoint: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A running sandbox.
pub struct Sandbox {
    pub harness: Arc<Harness>,
    pub store: Arc<dyn Store>,
    /// Set when the store could not be written: the stub DIP refuses everything since.
    pub broken: Arc<Mutex<Option<String>>>,
    live: Option<crate::serve::Server>,
    _tap: TapHolder,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").finish_non_exhaustive()
    }
}

/// Keeps the journal's write-through tap on for the life of the sandbox.
struct TapHolder(Arc<Journal>, u64);

impl Drop for TapHolder {
    fn drop(&mut self) {
        self.0.untap(self.1);
    }
}

impl Sandbox {
    /// Opens the store, starts the harness (stub DIP, router, stubs, any reference
    /// participants) with the journal writing through to the store, and the live endpoint.
    pub async fn start(config: Config, options: SandboxOptions) -> Result<Self, SandboxError> {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open_with(
            &options.database,
            &crate::store::Options {
                max_page_count: options.max_pages,
                ..crate::store::Options::default()
            },
        )?);
        let last = store.last_seq()?;
        let journal = match &options.journal {
            Some(j) => j.clone(),
            None => Arc::new(
                if options.retain {
                    Journal::new()
                } else {
                    Journal::streaming()
                }
                .starting_after(last),
            ),
        };
        let broken: Arc<Mutex<Option<String>>> = Arc::default();
        // The stub DIP's gate: set once the harness runs, so that a store failure stops it.
        let gate: Arc<std::sync::OnceLock<Arc<crate::stub::Gate>>> = Arc::default();
        let tap_id = {
            let (broken, gate) = (broken.clone(), gate.clone());
            journal.tap_forever(crate::store::tap(store.clone(), move |e| {
                let mut b = broken.lock().expect("sandbox lock");
                if b.is_none() {
                    let why = if e.is_disk_full() {
                        format!("the journal's database is full: {e}")
                    } else {
                        format!("the journal's database cannot be written: {e}")
                    };
                    tracing::error!("{why}; the stub DIP accepts nothing more");
                    *b = Some(why);
                }
                if let Some(g) = gate.get() {
                    g.outage(STOPPED);
                }
            }))
        };
        let hold = {
            let store = store.clone();
            HoldFn(Arc::new(move |u: Untaken| hold(&*store, &u)))
        };
        let harness = Harness::start(
            config,
            HarnessOptions {
                systems: options.systems.clone(),
                schemas_dir: options.schemas_dir.clone(),
                stubs_dir: options.stubs_dir.clone(),
                reference_tls: false,
                journal: Some(journal.clone()),
                quiet_stubs: false,
                sandbox: true,
                hold: Some(hold),
            },
        )
        .await?;
        let _ = gate.set(harness.stub.gate());
        if broken.lock().expect("sandbox lock").is_some() {
            harness.stub.gate().outage(STOPPED);
        }
        let mut sandbox = Self {
            harness,
            store,
            broken,
            live: None,
            _tap: TapHolder(journal, tap_id),
        };
        let listener =
            TcpListener::bind(options.listen).map_err(|source| SandboxError::Listen {
                addr: options.listen,
                source,
            })?;
        sandbox.live = Some(live::start(listener, sandbox.shared()).map_err(|source| {
            SandboxError::Listen {
                addr: options.listen,
                source,
            }
        })?);
        Ok(sandbox)
    }

    fn shared(&self) -> live::Shared {
        live::Shared {
            harness: self.harness.clone(),
            store: self.store.clone(),
            broken: self.broken.clone(),
        }
    }

    /// The live endpoint's base URL.
    pub fn live_url(&self) -> String {
        self.live
            .as_ref()
            .map(crate::serve::Server::uri)
            .unwrap_or_default()
    }

    /// Delivers the held messages again (all, or those for one DIP ID); returns how many were
    /// taken and how many are held again.
    pub async fn redeliver(&self, to: Option<&str>) -> Result<(usize, usize), StoreError> {
        redeliver(&self.harness, &*self.store, to).await
    }
}

/// How long a store failure stops the stub DIP: for the rest of the sandbox's life.
const STOPPED: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Holds an untaken delivery in the store; what the journal says of it.
fn hold(store: &dyn Store, u: &Untaken) -> String {
    match store.hold(&NewHeld {
        to: u.to.clone(),
        from: u.from.clone(),
        scenario: u.scenario.clone(),
        payload: u.body.clone(),
        reason: u.reason.clone(),
        seq: u.seq,
    }) {
        Ok(id) => format!("held for re-delivery (#{id})"),
        Err(e) => format!("not held: {e}"),
    }
}

/// Claims each held message (all, or those for `to`) and delivers it as it was sent; one the
/// system does not take is held again by the egress. Returns (taken, held again).
pub(crate) async fn redeliver(
    harness: &Arc<Harness>,
    store: &dyn Store,
    to: Option<&str>,
) -> Result<(usize, usize), StoreError> {
    let mut taken = 0;
    let mut again = 0;
    for h in store.held(to)? {
        // Claimed first: whoever releases it is the one that delivers it.
        if !store.release(h.id)? {
            continue;
        }
        let Some(system) = harness.parties.get(&h.to).cloned() else {
            let mut note = Entry::new(Direction::Note, "");
            note.scenario.clone_from(&h.scenario);
            note.outcome = format!(
                "held message #{} is for {}, no party of this sandbox: dropped",
                h.id, h.to
            );
            harness.journal.record(note);
            continue;
        };
        let (role, dip_id) = crate::journal::label_parts(&h.from);
        let from = crate::config::Counterparty {
            role: role.to_owned(),
            dip_id: dip_id.to_owned(),
            mpid: String::new(),
        };
        let bytes = serde_json::to_vec(&h.payload).unwrap_or_default();
        let entry = harness
            .egress
            .deliver(Delivery {
                scenario: h.scenario.clone(),
                from,
                to: system,
                body: DeliveryBody::Raw {
                    bytes,
                    content_type: "application/json".into(),
                },
                signing: Signing::Correct,
            })
            .await;
        if entry.status == Some(201) {
            taken += 1;
        } else {
            again += 1;
        }
    }
    Ok((taken, again))
}

/// The payload of a `send` file: one DIP message (`{"CommonBlock": ...}`) or the DIP's array
/// form; `Err` names what is wrong.
pub fn messages_of(body: &Value) -> Result<Vec<Value>, String> {
    let list: Vec<Value> = match body {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.get("payload")
                    .cloned()
                    .ok_or_else(|| format!("/{i}: an item of the DIP's array form has a `payload`"))
            })
            .collect::<Result<_, _>>()?,
        Value::Object(_) => vec![body.clone()],
        _ => return Err("not a DIP message: a JSON object with CommonBlock and CustomBlock, or the DIP's array of {\"payload\": ...}".into()),
    };
    if list.is_empty() {
        return Err("an empty array: no message to send".into());
    }
    for (i, m) in list.iter().enumerate() {
        for pointer in ["/CommonBlock/S0/interfaceID", "/CommonBlock/S0/eventCode"] {
            if m.pointer(pointer).and_then(Value::as_str).is_none() {
                return Err(format!(
                    "message {}: no {pointer}: not a DIP message",
                    i + 1
                ));
            }
        }
    }
    Ok(list)
}
