//! The journal: the single record of every exchange of a run, in order.
//!
//! What a step asserts, what a failure message quotes and what the report shows are the same
//! recorded entries. Steps wait for entries with [`Journal::wait_for`], which is woken by
//! every new entry (never a busy loop) and always has a timeout. Secrets never reach it:
//! headers are redacted when an entry is made.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Notify;

/// Bodies larger than this are cut in the journal (the exchange itself is not affected).
pub const MAX_JOURNAL_BODY: usize = 256 * 1024;
/// Headers whose values are never recorded.
const SECRET_HEADERS: [&str; 3] = ["x-api-key", "authorization", "proxy-authorization"];

/// Which side of the DIP an exchange was on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// A system submitted to the DIP.
    Ingress,
    /// The DIP delivered to a system.
    Egress,
    /// Something the harness did or saw that is not a message (a scripted fault, a timeout).
    Note,
}

/// A message body as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "form", content = "value", rename_all = "lowercase")]
pub enum Body {
    Json(Value),
    Text(String),
    Empty,
}

impl Body {
    /// Records raw bytes: JSON when they parse, else (lossy) text, cut at [`MAX_JOURNAL_BODY`].
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.is_empty() {
            return Self::Empty;
        }
        if bytes.len() <= MAX_JOURNAL_BODY
            && let Ok(v) = serde_json::from_slice(bytes)
        {
            return Self::Json(v);
        }
        let cut = &bytes[..bytes.len().min(MAX_JOURNAL_BODY)];
        let mut text = String::from_utf8_lossy(cut).into_owned();
        if bytes.len() > MAX_JOURNAL_BODY {
            let _ = write!(text, "... [{} bytes in all, cut]", bytes.len());
        }
        Self::Text(text)
    }

    pub fn json(&self) -> Option<&Value> {
        match self {
            Self::Json(v) => Some(v),
            _ => None,
        }
    }
}

/// The outcome of one check made on an exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// `schema`, `rule:<id>`, `l1`, `fault` ...
    pub check: String,
    pub ok: bool,
    pub detail: String,
}

/// One exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    /// Milliseconds since the run started.
    pub at_ms: u64,
    pub scenario: Option<String>,
    pub direction: Direction,
    /// The party that sent the message (`ROLE DIPID`, as [`party_label`] writes it).
    pub from: Option<String>,
    /// The parties it is for: a submission's primary recipients (and those the DIP adds), or
    /// the one system a delivery went to.
    pub to: Vec<String>,
    pub url: String,
    pub interface: Option<String>,
    pub event: Option<String>,
    pub reference: Option<String>,
    pub mpan: Option<String>,
    /// For deliveries, `D0.transactionID`.
    pub transaction: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub body: Body,
    pub status: Option<u16>,
    pub response: Body,
    pub latency_ms: Option<u64>,
    pub attempt: u32,
    /// A short outcome: `accepted`, `rejected MSG1001`, `fault 503`, `no answer within 5s` ...
    pub outcome: String,
    pub verdicts: Vec<Verdict>,
    /// What the checks found that the contract only warns about (its details marked
    /// *(warn)*): shown beside the verdicts, never making the entry unclean.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Verdict>,
}

impl Entry {
    /// A new entry; the journal numbers and stamps it when recorded.
    pub fn new(direction: Direction, url: impl Into<String>) -> Self {
        Self {
            seq: 0,
            at_ms: 0,
            scenario: None,
            direction,
            from: None,
            to: Vec::new(),
            url: url.into(),
            interface: None,
            event: None,
            reference: None,
            mpan: None,
            transaction: None,
            headers: BTreeMap::new(),
            body: Body::Empty,
            status: None,
            response: Body::Empty,
            latency_ms: None,
            attempt: 1,
            outcome: String::new(),
            verdicts: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Records headers, redacting secrets.
    #[must_use]
    pub fn with_headers<'a>(
        mut self,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        for (k, v) in headers {
            let key = k.to_ascii_lowercase();
            let value = if SECRET_HEADERS.contains(&key.as_str()) {
                "[redacted]".to_owned()
            } else if key == "x-dip-signature-certificate" && v.len() > 48 {
                // A public certificate, but 2 KB of base64 on every message: its start is
                // kept, and the verdicts name its subject.
                format!("{}... [{} characters]", &v[..32], v.len())
            } else {
                v.to_owned()
            };
            self.headers.insert(key, value);
        }
        self
    }

    /// Fills interface, event, reference and MPAN from the first payload of the recorded
    /// JSON body.
    #[must_use]
    pub fn described(mut self) -> Self {
        if let Body::Json(body) = std::mem::replace(&mut self.body, Body::Empty) {
            self.describe(&body);
            self.body = Body::Json(body);
        }
        self
    }

    /// Fills interface, event, reference, MPAN and transaction from the first payload of a
    /// body in the DIP's array form.
    pub fn describe(&mut self, body: &Value) {
        if let Some(p) = crate::dip::payloads(body).first().copied() {
            let h = crate::dip::Header::of(p);
            self.interface = self.interface.take().or(h.interface);
            self.event = self.event.take().or(h.event);
            self.reference = self.reference.take().or(h.reference);
            self.mpan = self.mpan.take().or(h.mpan);
            self.transaction = self.transaction.take().or_else(|| {
                p.pointer("/CommonBlock/D0/transactionID")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
        }
    }

    /// Whether every verdict passed.
    pub fn clean(&self) -> bool {
        self.verdicts.iter().all(|v| v.ok)
    }

    /// One line describing the entry, as failure messages and reports quote it.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "#{} +{}.{:03}s",
            self.seq,
            self.at_ms / 1000,
            self.at_ms % 1000
        );
        let from = self.from.as_deref().unwrap_or("?");
        let to = if self.to.is_empty() {
            "?".to_owned()
        } else {
            self.to.join(", ")
        };
        let _ = match self.direction {
            Direction::Ingress => write!(s, " {from}→DIP (for {to})"),
            Direction::Egress => write!(s, " DIP→{to} (from {from})"),
            Direction::Note => write!(s, " note"),
        };
        if self.direction != Direction::Note {
            let _ = write!(s, " {}", self.url);
        }
        if let Some(i) = &self.interface {
            let _ = write!(s, " {i}");
        }
        if let Some(e) = &self.event {
            let _ = write!(s, " {e}");
        }
        if let Some(m) = &self.mpan {
            let _ = write!(s, " mpan {m}");
        }
        if let Some(r) = &self.reference {
            let _ = write!(s, " ref {r}");
        }
        if let Some(t) = &self.transaction {
            let _ = write!(s, " txn {t}");
        }
        if self.attempt > 1 {
            let _ = write!(s, " attempt {}", self.attempt);
        }
        if let Some(st) = self.status {
            let _ = write!(s, " → {st}");
        }
        if !self.outcome.is_empty() {
            let _ = write!(s, " {}", self.outcome);
        }
        if let Some(l) = self.latency_ms {
            let _ = write!(s, " in {l}ms");
        }
        for v in self.verdicts.iter().filter(|v| !v.ok) {
            let _ = write!(s, "\n      ✗ {}: {}", v.check, v.detail);
        }
        for w in &self.warnings {
            let _ = write!(s, "\n      ⚠ {}: {}", w.check, w.detail);
        }
        s
    }
}

/// How the journal names a party: its role and DIP ID (`SUP 2300000001`).
pub fn party_label(role: &str, dip_id: &str) -> String {
    format!("{role} {dip_id}")
}

/// The role part of a [`party_label`].
pub fn label_role(label: &str) -> &str {
    label.split(' ').next().unwrap_or(label)
}

/// The role and the DIP ID of a [`party_label`].
pub fn label_parts(label: &str) -> (&str, &str) {
    label.split_once(' ').unwrap_or((label, ""))
}

/// What a streaming journal hands each recorded entry to.
pub type Tap = Arc<dyn Fn(&Entry) + Send + Sync>;

/// Keeps a tap on a journal; dropping it takes the tap off.
#[must_use = "the tap comes off when the guard is dropped"]
pub struct TapGuard<'a> {
    journal: &'a Journal,
    id: u64,
}

impl Drop for TapGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut taps) = self.journal.taps.lock() {
            taps.retain(|(id, _)| *id != self.id);
        }
    }
}

/// The journal of one run.
pub struct Journal {
    started: Instant,
    entries: Mutex<Vec<Arc<Entry>>>,
    /// A streaming journal keeps no entries: it numbers each one, hands it to its taps and
    /// lets it go (a load run records millions of exchanges; its figures are the taps').
    retain: bool,
    /// Called with every entry recorded, in order.
    taps: Mutex<Vec<(u64, Tap)>>,
    /// Held from numbering an entry until every tap has had it, so that taps see entries in
    /// the order of their numbers even when several tasks record at once (a store read with
    /// "entries after #N" never skips one that was numbered earlier but written later).
    order: Mutex<()>,
    /// The number of the entry before this journal's first: a journal continuing one kept in
    /// a store numbers its entries after the store's last.
    offset: u64,
    next_tap: std::sync::atomic::AtomicU64,
    recorded: std::sync::atomic::AtomicU64,
    mpans: Mutex<HashMap<String, String>>,
    notify: Notify,
    /// Calls of [`Journal::wait_for`] that are waiting.
    waiting: AtomicUsize,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("recorded", &self.recorded.load(Ordering::Relaxed))
            .field("retain", &self.retain)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

impl Default for Journal {
    fn default() -> Self {
        Self::new()
    }
}

impl Journal {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            entries: Mutex::new(Vec::new()),
            retain: true,
            taps: Mutex::new(Vec::new()),
            order: Mutex::new(()),
            offset: 0,
            next_tap: std::sync::atomic::AtomicU64::new(0),
            recorded: std::sync::atomic::AtomicU64::new(0),
            mpans: Mutex::new(HashMap::new()),
            notify: Notify::new(),
            waiting: AtomicUsize::new(0),
        }
    }

    /// A journal that keeps nothing: every recorded entry is numbered, stamped and handed to
    /// the taps, then dropped. [`Journal::all`] is then always empty.
    pub fn streaming() -> Self {
        Self {
            retain: false,
            ..Self::new()
        }
    }

    /// Numbers the entries recorded from now on from `seq + 1`, in both modes, and counts
    /// `seq` in [`Journal::last_seq`]: a journal that continues one kept in a store (after a
    /// restart on the same database) goes on from the store's last entry. Entries the journal
    /// already holds keep their numbers.
    #[must_use]
    pub fn starting_after(mut self, seq: u64) -> Self {
        self.offset = seq;
        self
    }

    /// Hands every entry recorded from now on to `tap` as well, until the guard is dropped.
    pub fn tap(&self, tap: Tap) -> TapGuard<'_> {
        let id = self.next_tap.fetch_add(1, Ordering::SeqCst);
        self.taps.lock().expect("journal lock").push((id, tap));
        TapGuard { journal: self, id }
    }

    /// Hands every entry recorded from now on to `tap` as well, until [`Journal::untap`] is
    /// called with the number returned (for a holder that owns the journal through an `Arc`).
    pub fn tap_forever(&self, tap: Tap) -> u64 {
        let id = self.next_tap.fetch_add(1, Ordering::SeqCst);
        self.taps.lock().expect("journal lock").push((id, tap));
        id
    }

    /// Takes off the tap of [`Journal::tap_forever`].
    pub fn untap(&self, id: u64) {
        if let Ok(mut taps) = self.taps.lock() {
            taps.retain(|(i, _)| *i != id);
        }
    }

    /// How many entries were recorded.
    pub fn recorded(&self) -> u64 {
        self.recorded.load(Ordering::SeqCst)
    }

    /// A journal holding recorded entries (read back from `journal.ndjson` files), numbered
    /// afresh in the order given; each keeps its scenario key and time.
    pub fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Self {
        let journal = Self::new();
        {
            let mut all = journal.entries.lock().expect("journal lock");
            for mut e in entries {
                e.seq = all.len() as u64 + 1;
                all.push(Arc::new(e));
            }
        }
        journal
    }

    /// Ties an MPAN to a scenario, so that what the SUT submits about it is filed there.
    pub fn bind_mpan(&self, mpan: &str, scenario: &str) {
        self.mpans
            .lock()
            .expect("journal lock")
            .insert(mpan.to_owned(), scenario.to_owned());
    }

    /// The scenario working on an MPAN.
    pub fn scenario_of(&self, mpan: &str) -> Option<String> {
        self.mpans.lock().expect("journal lock").get(mpan).cloned()
    }

    /// Records an entry, numbering it and filing it under its MPAN's scenario when it has none.
    pub fn record(&self, mut entry: Entry) -> Arc<Entry> {
        if entry.scenario.is_none() {
            entry.scenario = entry.mpan.as_deref().and_then(|m| self.scenario_of(m));
        }
        // Held until the taps have the entry (see `order`). A tap that panicked leaves nothing
        // half-done under this lock, so a poisoned one is taken as it is.
        let order = self.order.lock().unwrap_or_else(PoisonError::into_inner);
        entry.at_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let taps: Vec<Tap> = {
            let taps = self.taps.lock().expect("journal lock");
            taps.iter().map(|(_, t)| t.clone()).collect()
        };
        if !self.retain {
            entry.seq = self.offset + self.recorded.fetch_add(1, Ordering::SeqCst) + 1;
            for tap in &taps {
                tap(&entry);
            }
            return Arc::new(entry);
        }
        self.recorded.fetch_add(1, Ordering::SeqCst);
        let entry = {
            let mut entries = self.entries.lock().expect("journal lock");
            entry.seq = self.offset + entries.len() as u64 + 1;
            let entry = Arc::new(entry);
            entries.push(entry.clone());
            entry
        };
        for tap in &taps {
            tap(&entry);
        }
        drop(order);
        tracing::debug!(target: "journal", "{}", entry.summary());
        self.notify.notify_waiters();
        entry
    }

    /// Every entry so far.
    pub fn all(&self) -> Vec<Arc<Entry>> {
        self.entries.lock().expect("journal lock").clone()
    }

    /// The entries of one scenario.
    pub fn of_scenario(&self, scenario: &str) -> Vec<Arc<Entry>> {
        self.entries
            .lock()
            .expect("journal lock")
            .iter()
            .filter(|e| e.scenario.as_deref() == Some(scenario))
            .cloned()
            .collect()
    }

    /// Waits until an entry of `scenario` after sequence number `after` satisfies `pred`, or
    /// `timeout` passes. On timeout, returns the scenario's entries, for the failure message.
    pub async fn wait_for(
        &self,
        scenario: &str,
        after: u64,
        timeout: Duration,
        pred: impl Fn(&Entry) -> bool,
    ) -> Result<Arc<Entry>, Vec<Arc<Entry>>> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut waiting = None;
        loop {
            let notified = self.notify.notified();
            if let Some(e) = self
                .of_scenario(scenario)
                .into_iter()
                .find(|e| e.seq > after && pred(e))
            {
                return Ok(e);
            }
            waiting.get_or_insert_with(|| Waiting::new(&self.waiting));
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return Err(self.of_scenario(scenario));
            }
        }
    }

    /// How many [`Journal::wait_for`] calls are waiting now, having found nothing yet (what a
    /// test waits for before it records the entry that should wake them).
    pub fn waiters(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// The sequence number of the latest entry (counting the entries before a journal's
    /// first, [`Journal::starting_after`]; a streaming journal's latest too, though it keeps
    /// none).
    pub fn last_seq(&self) -> u64 {
        let held = if self.retain {
            self.entries.lock().expect("journal lock").len() as u64
        } else {
            self.recorded()
        };
        self.offset + held
    }

    /// Writes every entry as one JSON object per line.
    pub fn write_ndjson(&self, path: &Path) -> std::io::Result<()> {
        let file = std::fs::File::create(path)?;
        let mut out = std::io::BufWriter::new(file);
        for e in self.all() {
            serde_json::to_writer(&mut out, &*e)?;
            out.write_all(b"\n")?;
        }
        out.flush()
    }
}

/// The summaries of some entries, one per line, for a failure message.
pub fn summaries(entries: &[Arc<Entry>]) -> String {
    if entries.is_empty() {
        return "    (nothing recorded for this scenario)".into();
    }
    entries
        .iter()
        .map(|e| format!("    {}", e.summary()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One waiting [`Journal::wait_for`], counted while it lives.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waiters_wake_on_new_entries_and_time_out_otherwise() {
        let j = Arc::new(Journal::new());
        j.bind_mpan("2000056535971", "s1");
        let j2 = j.clone();
        let waiter = tokio::spawn(async move {
            j2.wait_for("s1", 0, Duration::from_secs(5), |e| {
                e.interface.as_deref() == Some("IF-031")
            })
            .await
        });
        // The entry is recorded only once the waiter has looked and found nothing, so it is
        // the wake-up that finds it, not the first look.
        tokio::time::timeout(Duration::from_secs(5), async {
            while j.waiters() == 0 {
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the waiter starts waiting");
        let mut e = Entry::new(Direction::Ingress, "/dip-channel/IF-031");
        e.mpan = Some("2000056535971".into());
        e.interface = Some("IF-031".into());
        j.record(e);
        let got = waiter.await.unwrap().unwrap();
        assert_eq!(got.scenario.as_deref(), Some("s1"));
        assert_eq!(j.waiters(), 0);
        let none = j
            .wait_for("s1", got.seq, Duration::from_millis(30), |_| true)
            .await;
        assert_eq!(none.unwrap_err().len(), 1);
    }

    #[test]
    fn a_journal_starting_after_a_number_goes_on_from_it_in_both_modes() {
        for journal in [Journal::new(), Journal::streaming()] {
            let j = journal.starting_after(41);
            assert_eq!(j.last_seq(), 41);
            let first = j.record(Entry::new(Direction::Note, ""));
            let second = j.record(Entry::new(Direction::Note, ""));
            assert_eq!((first.seq, second.seq), (42, 43));
            assert_eq!(j.last_seq(), 43);
            assert_eq!(j.recorded(), 2);
        }
        let fresh = Journal::new();
        fresh.record(Entry::new(Direction::Note, ""));
        assert_eq!(fresh.last_seq(), 1);
    }

    #[test]
    fn taps_see_entries_in_the_order_of_their_numbers() {
        let j = Arc::new(Journal::streaming());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let _tap = j.tap({
            let seen = seen.clone();
            Arc::new(move |e: &Entry| {
                // Widens the window between numbering and tapping.
                std::thread::yield_now();
                seen.lock().unwrap().push(e.seq);
            })
        });
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..200 {
                        j.record(Entry::new(Direction::Note, ""));
                    }
                });
            }
        });
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen, (1..=800).collect::<Vec<u64>>());
    }

    #[test]
    fn secrets_are_redacted_and_bodies_cut() {
        let e = Entry::new(Direction::Ingress, "/x").with_headers([
            ("X-API-Key", "hunter2"),
            ("Content-Type", "application/json"),
        ]);
        assert_eq!(e.headers["x-api-key"], "[redacted]");
        let big = vec![b'a'; MAX_JOURNAL_BODY + 10];
        match Body::from_bytes(&big) {
            Body::Text(t) => assert!(t.ends_with("cut]")),
            other => panic!("{other:?}"),
        }
    }
}
