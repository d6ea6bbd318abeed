//! The load run: an open-model generator of signed deliveries to the system under test, the
//! stub DIP taking the system's reactions (throttled and interrupted as the profile says), and
//! the tracker that turns both into the figures of a [`LoadReport`].
//!
//! Open model: each message has a scheduled send time from the profile's stages, and is sent
//! then whether or not earlier ones were answered; every latency is measured from the
//! scheduled time, so a slow system shows as latency, not as a slower schedule (no coordinated
//! omission). Nothing of the run is kept per message but a few numbers per MPAN, so memory
//! stays flat over millions of messages: the journal streams (each exchange is counted and
//! dropped) and the latencies go into HDR histograms.
#![expect(
    clippy::cast_precision_loss,
    reason = "counts and microseconds are far below 2^52"
)]

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde_json::json;

use super::mpans::Mpans;
use super::profile::{Count, Family, Measure, ObjectiveSpec, Profile, Statistic};
use super::schedule::Schedule;
use crate::config::{Config, Counterparty};
use crate::dip::{Header, Subject, payloads};
use crate::journal::{Direction, Entry, Journal};
use crate::report::load::{self as out, FamilyResult, LoadReport, MAX_LISTED, Objective, Second};
use crate::session::{Harness, HarnessError, HarnessOptions, SystemUnderTest};

/// The most deliveries waiting for their answer at once; a message due while this many are
/// out is counted as an error ("not sent") rather than delaying the schedule.
pub const MAX_IN_FLIGHT: usize = 20_000;
/// Significant digits of the latency histograms.
const SIGNIFICANT: u8 = 3;

/// What a load runs against, besides the profile.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub config: Config,
    pub systems: SystemUnderTest,
    pub profile: Profile,
    pub schemas_dir: Option<PathBuf>,
    pub stubs_dir: Option<PathBuf>,
}

/// Why a load could not run (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Profile(#[from] super::profile::ProfileError),
    #[error(transparent)]
    Harness(#[from] HarnessError),
    #[error("{0}")]
    Setup(String),
}

/// The figures of a run in progress, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Progress {
    pub elapsed: Duration,
    pub scheduled: u64,
    pub sent: u64,
    pub acknowledged: u64,
    pub reactions: u64,
    pub errors: u64,
    /// Messages sent in the last second.
    pub rate: u64,
    /// Messages the run will send at most.
    pub total: u64,
}

/// A finished (or interrupted) run.
#[derive(Debug)]
pub struct LoadOutcome {
    pub report: LoadReport,
    /// The MPANs whose reactions the in-process reference participant dropped on purpose
    /// (its `drops-reaction` fault), for tests that check the report names exactly them.
    pub dropped_by_reference: Vec<String>,
}

/// Counts and histograms of the run, written by the generator and by the journal's tap.
struct Tracker {
    start: Instant,
    family: Family,
    /// MPAN core → its index in the run's MPANs.
    index: HashMap<u64, u32>,
    state: Mutex<State>,
    /// Submissions of the system seen so far (whatever their answer): while they keep coming,
    /// the system is still at work.
    activity: AtomicU64,
    reaction_seen: tokio::sync::Notify,
}

struct State {
    /// Per MPAN: when its latest delivery was scheduled (µs from the start).
    scheduled_us: Vec<u64>,
    /// Per MPAN: its acknowledged deliveries.
    acked: Vec<u32>,
    /// Per MPAN: its deliveries sent, acknowledged in time or not.
    delivered: Vec<u32>,
    /// Per MPAN and reaction kind: the reactions the stub DIP accepted.
    received: Vec<u32>,
    seconds: Vec<Second>,
    ack: Histogram<u64>,
    reaction: Histogram<u64>,
    lag: Histogram<u64>,
    scheduled: u64,
    sent: u64,
    acknowledged: u64,
    rejected: u64,
    errors: u64,
    reactions_received: u64,
    /// The system's submissions refused other than by the throttle or the outage, by outcome:
    /// (status, count, what the first one broke).
    refused: HashMap<String, (u16, u64, String)>,
}

/// The most kinds of refusal a run tells apart; beyond, they count as one.
const REFUSAL_KINDS: usize = 100;

fn histogram() -> Histogram<u64> {
    Histogram::new(SIGNIFICANT).expect("3 significant digits is a valid histogram")
}

impl State {
    fn second(&mut self, at: Duration) -> &mut Second {
        let s = usize::try_from(at.as_secs())
            .unwrap_or(usize::MAX)
            .min(7 * 24 * 3600);
        if self.seconds.len() <= s {
            let from = self.seconds.len();
            self.seconds.extend((from..=s).map(|i| Second {
                second: i as u64,
                ..Second::default()
            }));
        }
        &mut self.seconds[s]
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

impl Tracker {
    fn new(family: Family, mpans: &Mpans, start: Instant) -> Self {
        let n = mpans.cores().len();
        let kinds = family.reactions().len();
        let index = mpans
            .cores()
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        Self {
            start,
            family,
            index,
            state: Mutex::new(State {
                scheduled_us: vec![u64::MAX; n],
                acked: vec![0; n],
                delivered: vec![0; n],
                received: vec![0; n * kinds],
                seconds: Vec::new(),
                ack: histogram(),
                reaction: histogram(),
                lag: histogram(),
                scheduled: 0,
                sent: 0,
                acknowledged: 0,
                rejected: 0,
                errors: 0,
                reactions_received: 0,
                refused: HashMap::new(),
            }),
            activity: AtomicU64::new(0),
            reaction_seen: tokio::sync::Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The journal's tap: each submission of the system, counted; each accepted reaction,
    /// matched to its MPAN.
    fn see(&self, e: &Entry) {
        if e.direction != Direction::Ingress {
            return;
        }
        let now = self.start.elapsed();
        let kinds = self.family.reactions();
        let mut matched = Vec::new();
        if e.status == Some(201)
            && let Some(body) = e.body.json()
        {
            for p in payloads(body) {
                let h = Header::of(p);
                let kind = kinds.iter().position(|(i, ev)| {
                    h.interface.as_deref() == Some(*i) && h.event.as_deref() == Some(*ev)
                });
                let index = h
                    .mpan
                    .as_deref()
                    .and_then(Mpans::core_number)
                    .and_then(|c| self.index.get(&c));
                if let (Some(k), Some(i)) = (kind, index) {
                    matched.push((*i as usize, k));
                }
            }
        }
        let mut st = self.lock();
        {
            let row = st.second(now);
            row.submissions += 1;
            row.reactions += matched.len() as u64;
            match e.status {
                Some(429) => row.throttled += 1,
                Some(503) => row.unavailable += 1,
                _ => {}
            }
        }
        if let Some(status) = e.status.filter(|s| !matches!(s, 201 | 429 | 503)) {
            let key = if st.refused.len() < REFUSAL_KINDS || st.refused.contains_key(&e.outcome) {
                e.outcome.clone()
            } else {
                "other refusals".to_owned()
            };
            let entry = st.refused.entry(key).or_insert_with(|| {
                let example = e
                    .verdicts
                    .iter()
                    .find(|v| !v.ok)
                    .map(|v| v.detail.chars().take(300).collect())
                    .unwrap_or_default();
                (status, 0, example)
            });
            entry.1 += 1;
        }
        for (i, k) in matched {
            st.received[i * kinds.len() + k] = st.received[i * kinds.len() + k].saturating_add(1);
            st.reactions_received += 1;
            let due = st.scheduled_us[i];
            if due != u64::MAX {
                let _ = st.reaction.record(micros(now).saturating_sub(due).max(1));
            }
        }
        drop(st);
        self.activity.fetch_add(1, Ordering::Relaxed);
        self.reaction_seen.notify_waiters();
    }

    fn progress(&self, total: u64) -> Progress {
        let elapsed = self.start.elapsed();
        let st = self.lock();
        let last = elapsed.as_secs().checked_sub(1);
        Progress {
            elapsed,
            scheduled: st.scheduled,
            sent: st.sent,
            acknowledged: st.acknowledged,
            reactions: st.reactions_received,
            errors: st.rejected + st.errors,
            rate: last
                .and_then(|s| st.seconds.get(usize::try_from(s).ok()?))
                .map_or(0, |r| r.sent),
            total,
        }
    }
}

/// What the generator needs to make and send one delivery.
struct Sender {
    harness: Arc<Harness>,
    from: Counterparty,
    webhook: String,
    dip_id: String,
    client: reqwest::Client,
    tracker: Arc<Tracker>,
    mpans: Arc<Mpans>,
}

impl Sender {
    async fn deliver(&self, index: u64, due: Duration) {
        let (mpan, segment) = self.mpans.get(index);
        let slot = usize::try_from(index % self.mpans.len().max(1)).unwrap_or(0);
        let (interface, event, _) = self.tracker.family.delivery();
        let subject = Subject { mpan, segment };
        let built = self.harness.builder.payload(
            &self.from,
            interface,
            event,
            &subject,
            self.harness.builder.vars(&self.from, &subject),
        );
        let mut payload = match built {
            Ok(p) => p,
            Err(e) => {
                tracing::error!("load: cannot build {interface} {event}: {e}");
                let mut st = self.tracker.lock();
                st.errors += 1;
                st.second(due).errors += 1;
                return;
            }
        };
        self.harness
            .egress
            .stamp(std::slice::from_mut(&mut payload), &self.from, &self.dip_id);
        let body = serde_json::to_vec(&json!([{ "payload": payload }])).expect("JSON serializes");
        let signed = self.harness.egress.signer().sign(
            "POST",
            &self.webhook,
            &body,
            time::OffsetDateTime::now_utc(),
        );
        let mut request = self
            .client
            .post(&self.webhook)
            .header("content-type", "application/json");
        for (name, value) in signed.headers() {
            request = request.header(name, value);
        }
        let sent_at = self.tracker.start.elapsed();
        {
            let mut st = self.tracker.lock();
            st.sent += 1;
            st.second(sent_at).sent += 1;
            let _ = st.lag.record(micros(sent_at.saturating_sub(due)));
            st.scheduled_us[slot] = micros(due);
            st.delivered[slot] = st.delivered[slot].saturating_add(1);
        }
        let answer = request.body(body).send().await;
        let status = match answer {
            Ok(r) => {
                let status = r.status().as_u16();
                // Read the answer (bounded by the client's timeout), so the connection is reused.
                let _ = r.bytes().await;
                Some(status)
            }
            Err(_) => None,
        };
        let done = self.tracker.start.elapsed();
        let mut st = self.tracker.lock();
        match status {
            Some(201) => {
                st.acknowledged += 1;
                st.acked[slot] = st.acked[slot].saturating_add(1);
                let _ = st.ack.record(micros(done.saturating_sub(due)));
                st.second(sent_at).acknowledged += 1;
            }
            Some(400) => {
                st.rejected += 1;
                st.second(sent_at).errors += 1;
            }
            _ => {
                st.errors += 1;
                st.second(sent_at).errors += 1;
            }
        }
    }
}

/// The configuration of the built-in reference participant of `role`.
pub fn reference_config(role: &str) -> Result<Config, LoadError> {
    let text = crate::embedded::file("config/reference.toml")
        .ok_or_else(|| LoadError::Setup("the reference configuration is missing".into()))?;
    let (mut c, _) = crate::config::load_str(text, "config/reference.toml", Vec::new())
        .map_err(|e| LoadError::Setup(e.to_string()))?;
    match c.participants.iter().position(|p| p.role == role) {
        Some(i) => c.participants.swap(0, i),
        None => role.clone_into(&mut c.participants[0].role),
    }
    Ok(c)
}

/// Runs a load until its schedule, its caps or `stop` end it, then judges it.
pub async fn run(
    options: LoadOptions,
    stop: impl Future<Output = ()> + Send,
    on_progress: Option<Arc<dyn Fn(Progress) + Send + Sync>>,
) -> Result<LoadOutcome, LoadError> {
    let LoadOptions {
        mut config,
        systems,
        profile,
        schemas_dir,
        stubs_dir,
    } = options;
    let role = config.participant().role.clone();
    if role != profile.family.role() {
        return Err(LoadError::Setup(format!(
            "{}: the family `{}` is delivered to a {}; the system under test is a {role}",
            profile.path.display(),
            profile.family.name(),
            profile.family.role()
        )));
    }
    // The run has the system's reactions to itself: the stubs stay quiet, the journal only
    // counts, and only the first participant is driven.
    config.participants.truncate(1);
    let faults = match &systems {
        SystemUnderTest::Reference(f) => {
            let mut f: Vec<String> = f.iter().cloned().collect();
            f.sort();
            f
        }
        SystemUnderTest::External => Vec::new(),
    };
    let harness = Harness::start(
        config,
        HarnessOptions {
            systems,
            schemas_dir,
            stubs_dir,
            reference_tls: false,
            journal: Some(Arc::new(Journal::streaming())),
            quiet_stubs: true,
            sandbox: false,
            hold: None,
        },
    )
    .await?;
    run_on(&harness, &profile, faults, stop, on_progress).await
}

/// Runs a load on a harness that is already running (a pack's), its stubs reacting as
/// they do; the figures come from a tap on its journal.
pub async fn run_on(
    harness: &Arc<Harness>,
    profile: &Profile,
    faults: Vec<String>,
    stop: impl Future<Output = ()> + Send,
    on_progress: Option<Arc<dyn Fn(Progress) + Send + Sync>>,
) -> Result<LoadOutcome, LoadError> {
    let family = profile.family;
    let role = harness.system().role.clone();
    if role != family.role() {
        return Err(LoadError::Setup(format!(
            "{}: the family `{}` is delivered to a {}; the system under test is a {role}",
            profile.path.display(),
            family.name(),
            family.role()
        )));
    }
    let (_, _, sender_role) = family.delivery();
    let from = harness.config.counterparty(sender_role).cloned().ok_or_else(|| {
        LoadError::Setup(format!(
            "{}: no [[counterparty]] with role {sender_role}: the `{}` family's deliveries come from it",
            harness.config.source,
            family.name()
        ))
    })?;
    let mpans = Arc::new(Mpans::load(
        &profile.mpans,
        profile.mpan_count,
        &profile.path,
    )?);
    let kind = if harness.reference().is_some() {
        "reference"
    } else {
        "external"
    };
    let start_at = Instant::now() + Duration::from_millis(200);
    let tracker = Arc::new(Tracker::new(family, &mpans, start_at));
    let _tap = harness.journal.tap({
        let tracker = tracker.clone();
        Arc::new(move |e: &Entry| tracker.see(e))
    });
    let system = harness.system().clone();
    let webhook = system
        .system()
        .map(|s| s.webhook_url.clone())
        .ok_or_else(|| LoadError::Setup("the participant has no webhook".into()))?;
    let gate = harness.stub.gate();
    gate.reset();
    gate.set_rate_limit(profile.rate_limit);

    let sender = Arc::new(Sender {
        client: harness.egress.client_for(&system.dip_id).clone(),
        harness: harness.clone(),
        from,
        webhook,
        dip_id: system.dip_id.clone(),
        tracker: tracker.clone(),
        mpans: mpans.clone(),
    });

    let total = Schedule::new(&profile.stages, profile.duration)
        .len()
        .min(profile.max_messages);
    let progress_task = on_progress.map(|f| {
        let tracker = tracker.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                f(tracker.progress(total));
            }
        })
    });

    let started_wall = time::OffsetDateTime::now_utc();
    let deadline = tokio::time::Instant::from_std(start_at + profile.max_time);
    let start = tokio::time::Instant::from_std(start_at);
    if let Some((at, length)) = profile.outage {
        let gate = gate.clone();
        tokio::spawn(async move {
            tokio::time::sleep_until(start + at).await;
            gate.outage(length);
        });
    }

    tokio::pin!(stop);
    let mut stopped_by = "finished";
    let mut tasks = tokio::task::JoinSet::new();
    let mut last_due = Duration::ZERO;
    for (i, due) in Schedule::new(&profile.stages, profile.duration).enumerate() {
        let taken = i as u64;
        if taken >= profile.max_messages {
            stopped_by = "message cap";
            break;
        }
        let at = start + due;
        if at > deadline {
            stopped_by = "time cap";
            break;
        }
        tokio::select! {
            () = tokio::time::sleep_until(at) => {}
            () = &mut stop => { stopped_by = "interrupted"; break; }
        }
        last_due = due;
        {
            let mut st = tracker.lock();
            st.scheduled += 1;
            st.second(due).scheduled += 1;
        }
        while tasks.try_join_next().is_some() {}
        if tasks.len() >= MAX_IN_FLIGHT {
            let mut st = tracker.lock();
            st.errors += 1;
            st.second(due).errors += 1;
            continue;
        }
        let sender = sender.clone();
        tasks.spawn(async move { sender.deliver(i as u64, due).await });
    }
    // Every answer, within the caps.
    let mut interrupted = stopped_by == "interrupted";
    while !tasks.is_empty() && !interrupted {
        tokio::select! {
            r = tasks.join_next() => { if r.is_none() { break; } }
            () = tokio::time::sleep_until(deadline) => { stopped_by = "time cap"; break; }
            () = &mut stop => { stopped_by = "interrupted"; interrupted = true; }
        }
    }
    tasks.abort_all();
    // The reactions, until all are in, none has come for `response` (from the last send or
    // the last reaction, whichever is later), or a cap.
    let response = harness.config.timeouts.response;
    let mut quiet_from = start + last_due;
    let mut seen = tracker.activity.load(Ordering::Relaxed);
    while !interrupted {
        let notified = tracker.reaction_seen.notified();
        let (expected, received) = {
            let st = tracker.lock();
            let k = family.reactions().len() as u64;
            (
                st.acked.iter().map(|a| u64::from(*a) * k).sum::<u64>(),
                st.reactions_received,
            )
        };
        if received >= expected {
            break;
        }
        let now_seen = tracker.activity.load(Ordering::Relaxed);
        if now_seen != seen {
            seen = now_seen;
            quiet_from = quiet_from.max(tokio::time::Instant::now());
        }
        let until = (quiet_from + response).min(deadline);
        tokio::select! {
            () = notified => {}
            () = tokio::time::sleep_until(until) => {
                if until >= deadline { stopped_by = "time cap"; }
                break;
            }
            () = &mut stop => { stopped_by = "interrupted"; interrupted = true; }
        }
    }
    // What is still on its way into the journal.
    harness.stub.flush().await;
    if let Some(t) = progress_task {
        t.abort();
    }
    let elapsed = start_at.elapsed();
    let traffic = gate.traffic(&system.dip_id);
    gate.reset();
    let dropped_by_reference = harness
        .reference()
        .map(|r| r.dropped_mpans())
        .unwrap_or_default();

    let st = tracker.lock();
    let report = judge(Judged {
        profile,
        mpans: &mpans,
        st: &st,
        role: &role,
        dip_id: &system.dip_id,
        kind,
        faults,
        started: started_wall,
        elapsed,
        complete: !interrupted,
        stopped_by,
        last_due,
        traffic,
    });
    Ok(LoadOutcome {
        report,
        dropped_by_reference,
    })
}

struct Judged<'a> {
    profile: &'a Profile,
    mpans: &'a Mpans,
    st: &'a State,
    role: &'a str,
    dip_id: &'a str,
    kind: &'a str,
    faults: Vec<String>,
    started: time::OffsetDateTime,
    elapsed: Duration,
    complete: bool,
    stopped_by: &'a str,
    last_due: Duration,
    traffic: crate::stub::Traffic,
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn latency(h: &Histogram<u64>) -> out::Latency {
    if h.is_empty() {
        return out::Latency::default();
    }
    let q = |p: f64| ms(h.value_at_quantile(p / 100.0));
    let mut curve = Vec::new();
    // Percentiles spaced evenly in "nines": 0, 90, 99, 99.9, 99.99, then the maximum.
    for step in 0..=16 {
        let nines = f64::from(step) / 4.0;
        let p = 100.0 * (1.0 - 10f64.powf(-nines));
        curve.push([p, q(p)]);
    }
    curve.push([100.0, ms(h.max())]);
    out::Latency {
        count: h.len(),
        p50_ms: q(50.0),
        p90_ms: q(90.0),
        p99_ms: q(99.0),
        p999_ms: q(99.9),
        max_ms: ms(h.max()),
        mean_ms: h.mean() / 1000.0,
        curve,
    }
}

fn judge(j: Judged<'_>) -> LoadReport {
    let Judged {
        profile, mpans, st, ..
    } = j;
    let family = profile.family;
    let kinds = family.reactions();
    let kind_names: Vec<String> = kinds.iter().map(|(i, e)| format!("{i} {e}")).collect();
    let (mut lost, mut lost_count, mut duplicates, mut duplicate_count) =
        (Vec::new(), 0u64, Vec::new(), 0u64);
    // Each acknowledged delivery calls for each reaction once: fewer is a loss. More than the
    // deliveries sent (answered in time or not) is a duplicate. In between (a delivery whose
    // answer came too late, acted on all the same) is neither.
    for (i, (acked, delivered)) in st.acked.iter().zip(&st.delivered).enumerate() {
        for (k, name) in kind_names.iter().enumerate() {
            let got = st.received[i * kinds.len() + k];
            let mpan = || format!("{:013}", mpans.cores()[i]);
            if got < *acked {
                let n = u64::from(acked - got);
                lost_count += n;
                if lost.len() < MAX_LISTED {
                    lost.push(out::Reaction {
                        mpan: mpan(),
                        reaction: name.clone(),
                    });
                }
            } else if got > *delivered {
                duplicate_count += u64::from(got - delivered);
                if duplicates.len() < MAX_LISTED {
                    duplicates.push(out::Duplicate {
                        mpan: mpan(),
                        reaction: name.clone(),
                        accepted: u64::from(got),
                    });
                }
            }
        }
    }
    let expected: u64 = st
        .acked
        .iter()
        .map(|a| u64::from(*a) * kinds.len() as u64)
        .sum();

    // Pacing: whole seconds of the schedule with at least 100 messages due.
    let whole = j.last_due.as_secs();
    let error_pct = st
        .seconds
        .iter()
        .filter(|s| s.second < whole && s.scheduled >= 100)
        .map(|s| (s.sent as f64 - s.scheduled as f64).abs() * 100.0 / s.scheduled as f64)
        .fold(0.0, f64::max);
    let sending = j.last_due.as_secs_f64().max(1e-3);
    let pacing = out::Pacing {
        scheduled: st.scheduled,
        dispatched: st.sent,
        target_rate: st.scheduled as f64 / sending,
        achieved_rate: st.sent as f64 / sending,
        error_pct,
        lag: latency(&st.lag),
    };

    let rate_limit = profile.rate_limit.map(|limit| {
        let allowed = f64::from(limit) * (1.0 + profile.tolerance);
        out::RateVerdict {
            limit,
            tolerance: profile.tolerance,
            peak_per_second: j.traffic.peak_per_second,
            peak_at_ms: u64::try_from(j.traffic.peak_at.as_millis()).unwrap_or(u64::MAX),
            throttled: j.traffic.throttled,
            ok: j.traffic.peak_per_second as f64 <= allowed.floor(),
        }
    });
    let outage = profile.outage.map(|(at, length)| out::OutageSummary {
        at_ms: u64::try_from(at.as_millis()).unwrap_or(u64::MAX),
        length_ms: u64::try_from(length.as_millis()).unwrap_or(u64::MAX),
        unavailable: j.traffic.unavailable,
    });

    let (interface, event, _) = family.delivery();
    let publication = interface.replacen("IF-", "PUB-", 1);
    let families = vec![FamilyResult {
        family: family.name().into(),
        delivery: format!("{publication} {event}"),
        reactions: kind_names,
        sent: st.sent,
        acknowledged: st.acknowledged,
        rejected: st.rejected,
        errors: st.errors,
        ack: latency(&st.ack),
        reaction: (!kinds.is_empty()).then(|| latency(&st.reaction)),
        reactions_expected: expected,
        reactions_received: st.reactions_received,
    }];

    let mut report = LoadReport {
        format: out::FORMAT,
        tool: out::TOOL.to_owned(),
        profile: out::ProfileSummary {
            name: profile.name.clone(),
            path: profile.path.display().to_string(),
            family: family.name().into(),
            mpans: mpans.len(),
            mpan_source: match &profile.mpans {
                super::profile::MpanSource::File(p) => p.display().to_string(),
                super::profile::MpanSource::Seed { seed, .. } => format!("seed {seed}"),
            },
            stages: profile
                .stages
                .iter()
                .map(|s| out::StageSummary {
                    kind: s.kind.name().into(),
                    duration_ms: u64::try_from(s.duration.as_millis()).unwrap_or(u64::MAX),
                    from_rate: s.from,
                    to_rate: s.to,
                })
                .collect(),
            duration_ms: u64::try_from(profile.duration.as_millis()).unwrap_or(u64::MAX),
            max_messages: profile.max_messages,
            max_time_ms: u64::try_from(profile.max_time.as_millis()).unwrap_or(u64::MAX),
        },
        system: out::SystemSummary {
            role: j.role.into(),
            dip_id: j.dip_id.into(),
            kind: j.kind.into(),
            faults: j.faults,
        },
        started: j
            .started
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        elapsed_ms: u64::try_from(j.elapsed.as_millis()).unwrap_or(u64::MAX),
        complete: j.complete,
        stopped_by: j.stopped_by.into(),
        families,
        pacing,
        timeline: st.seconds.clone(),
        rate_limit,
        outage,
        lost,
        lost_count,
        duplicates,
        duplicate_count,
        refused: {
            let mut r: Vec<out::Refusal> = st
                .refused
                .iter()
                .map(|(outcome, (status, count, example))| out::Refusal {
                    status: *status,
                    outcome: outcome.clone(),
                    count: *count,
                    example: example.clone(),
                })
                .collect();
            r.sort_by(|a, b| {
                b.count
                    .cmp(&a.count)
                    .then_with(|| a.outcome.cmp(&b.outcome))
            });
            r.truncate(out::MAX_REFUSALS);
            r
        },
        objectives: Vec::new(),
    };
    report.objectives = profile
        .objectives
        .iter()
        .map(|o| objective(o, &report))
        .collect();
    report
}

fn compare(measured: f64, bound: f64, inclusive: bool) -> bool {
    if inclusive {
        measured <= bound
    } else {
        measured < bound
    }
}

fn listed(names: impl Iterator<Item = String>, total: u64) -> String {
    let names: Vec<String> = names.take(20).collect();
    let more = total.saturating_sub(names.len() as u64);
    if more > 0 {
        format!("{} and {more} more", names.join(", "))
    } else {
        names.join(", ")
    }
}

/// Why the stub DIP refused the system's submissions, the three most frequent, for a failure
/// text: `; the stub DIP refused 600 submissions: 600 × rejected MSG1007 ... (what it found)`.
pub fn refusals(r: &LoadReport) -> String {
    if r.refused.is_empty() {
        return String::new();
    }
    let total: u64 = r.refused.iter().map(|x| x.count).sum();
    let top: Vec<String> = r
        .refused
        .iter()
        .take(3)
        .map(|x| {
            if x.example.is_empty() {
                format!("{} × {} {}", x.count, x.status, x.outcome)
            } else {
                format!("{} × {} {} ({})", x.count, x.status, x.outcome, x.example)
            }
        })
        .collect();
    format!(
        "; the stub DIP refused {total} submissions: {}",
        top.join("; ")
    )
}

/// One objective, judged against the report.
fn objective(spec: &ObjectiveSpec, r: &LoadReport) -> Objective {
    let f = &r.families[0];
    let name = spec.text().to_owned();
    match spec {
        ObjectiveSpec::Latency {
            statistic,
            measure,
            bound,
            inclusive,
            ..
        } => {
            let l = match measure {
                Measure::Ack => Some(&f.ack),
                Measure::Reaction => f.reaction.as_ref(),
            };
            let Some(l) = l.filter(|l| l.count > 0) else {
                return Objective {
                    name,
                    measured: "no measurement".into(),
                    ok: false,
                    detail:
                        "nothing was measured: no delivery was acknowledged, or no reaction arrived"
                            .into(),
                };
            };
            let v = match statistic {
                Statistic::Max => l.max_ms,
                Statistic::Mean => l.mean_ms,
                Statistic::Percentile(p) if (*p - 50.0).abs() < 1e-9 => l.p50_ms,
                Statistic::Percentile(p) if (*p - 90.0).abs() < 1e-9 => l.p90_ms,
                Statistic::Percentile(p) if (*p - 99.0).abs() < 1e-9 => l.p99_ms,
                Statistic::Percentile(p) if (*p - 99.9).abs() < 1e-9 => l.p999_ms,
                Statistic::Percentile(p) => l
                    .curve
                    .iter()
                    .find(|c| c[0] >= *p)
                    .map_or(l.max_ms, |c| c[1]),
            };
            let b = bound.as_secs_f64() * 1000.0;
            let ok = compare(v, b, *inclusive);
            Objective {
                name,
                measured: format!("{v:.1} ms"),
                ok,
                detail: if ok {
                    String::new()
                } else {
                    format!(
                        "{v:.1} ms over {} measurements is not {} {b:.0} ms",
                        l.count,
                        if *inclusive { "at most" } else { "under" }
                    )
                },
            }
        }
        ObjectiveSpec::Count {
            count,
            bound,
            inclusive,
            ..
        } => {
            let v = match count {
                Count::Lost => r.lost_count,
                Count::Duplicates => r.duplicate_count,
                Count::Errors => f.errors,
                Count::Rejected => f.rejected,
            };
            let ok = if *inclusive { v <= *bound } else { v < *bound };
            let detail = if ok {
                String::new()
            } else {
                match count {
                    Count::Lost => format!(
                        "{v} expected reactions lost (never accepted by the stub DIP): {}",
                        listed(
                            r.lost
                                .iter()
                                .map(|l| format!("MPAN {} {}", l.mpan, l.reaction)),
                            r.lost_count
                        )
                    ),
                    Count::Duplicates => format!(
                        "{v} reactions accepted more than once: {}",
                        listed(
                            r.duplicates.iter().map(|d| format!(
                                "MPAN {} {} ({} times)",
                                d.mpan, d.reaction, d.accepted
                            )),
                            r.duplicate_count
                        )
                    ),
                    Count::Errors => format!(
                        "{v} deliveries not acknowledged: no answer within the ack timeout, a connection error, or a status other than 201 and 400"
                    ),
                    Count::Rejected => format!("{v} deliveries rejected (400)"),
                }
            };
            Objective {
                name,
                measured: v.to_string(),
                ok,
                detail,
            }
        }
        ObjectiveSpec::Pacing {
            bound_pct,
            inclusive,
            ..
        } => {
            let v = r.pacing.error_pct;
            let ok = compare(v, *bound_pct, *inclusive);
            Objective {
                name,
                measured: format!("{v:.2}%"),
                ok,
                detail: if ok {
                    String::new()
                } else {
                    format!(
                        "the generator sent {v:.2}% off its schedule in its worst second (lag p99 {:.1} ms): this machine could not keep the rate asked for",
                        r.pacing.lag.p99_ms
                    )
                },
            }
        }
        ObjectiveSpec::RateLimit { .. } => match &r.rate_limit {
            Some(v) => Objective {
                name,
                measured: format!("{} per second", v.peak_per_second),
                ok: v.ok,
                detail: if v.ok {
                    String::new()
                } else {
                    format!(
                        "broke the rate limit: {} submissions in the one-second window from {:.2} s, over the limit of {} per second with {:.0}% tolerance ({} answered 429 in all)",
                        v.peak_per_second,
                        v.peak_at_ms as f64 / 1000.0,
                        v.limit,
                        v.tolerance * 100.0,
                        v.throttled
                    )
                },
            },
            None => Objective {
                name,
                measured: "no limit".into(),
                ok: false,
                detail: "the profile sets no rate limit".into(),
            },
        },
    }
}

/// How a run ends for its exit status: every objective held and the run was complete.
pub fn passed(report: &LoadReport) -> bool {
    report.complete && report.passed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_latency_summary_reads_the_histogram_and_an_empty_one_is_zero() {
        let mut h = histogram();
        for v in 1..=1000u64 {
            h.record(v * 1000).unwrap();
        }
        let l = latency(&h);
        assert_eq!(l.count, 1000);
        assert!((l.p50_ms - 500.0).abs() < 1.0, "{}", l.p50_ms);
        assert!((l.p99_ms - 990.0).abs() < 1.0, "{}", l.p99_ms);
        assert!((l.max_ms - 1000.0).abs() < 1.0);
        assert!(
            l.curve
                .windows(2)
                .all(|w| w[0][0] <= w[1][0] && w[0][1] <= w[1][1])
        );
        assert_eq!(latency(&histogram()), out::Latency::default());
    }

    #[test]
    fn a_reaction_beyond_the_deliveries_sent_is_a_duplicate_and_one_short_of_those_acknowledged_is_lost()
     {
        let profile = crate::load::Profile::parse(
            std::path::Path::new("p.toml"),
            "family = \"gain\"\n[mpans]\nseed = 1\ncount = 3\n[[stage]]\nkind = \"hold\"\nduration = \"1s\"\nrate = 3\n",
        )
        .unwrap();
        let mpans = Mpans::load(&profile.mpans, profile.mpan_count, &profile.path).unwrap();
        let tracker = Tracker::new(profile.family, &mpans, Instant::now());
        {
            let mut st = tracker.lock();
            // MPAN 0: acknowledged once, both reactions once. MPAN 1: acknowledged once, its
            // MSApp twice (a duplicate), its DSApp never (lost). MPAN 2: sent, answered too
            // late, acted on all the same: neither lost nor a duplicate.
            st.delivered = vec![1, 1, 1];
            st.acked = vec![1, 1, 0];
            st.received = vec![1, 1, 2, 0, 1, 1];
        }
        let st = tracker.lock();
        let r = judge(Judged {
            profile: &profile,
            mpans: &mpans,
            st: &st,
            role: "SUP",
            dip_id: "2300000001",
            kind: "reference",
            faults: Vec::new(),
            started: time::OffsetDateTime::now_utc(),
            elapsed: Duration::from_secs(1),
            complete: true,
            stopped_by: "finished",
            last_due: Duration::from_secs(1),
            traffic: crate::stub::Traffic::default(),
        });
        let m1 = format!("{:013}", mpans.cores()[1]);
        assert_eq!(r.lost_count, 1);
        assert_eq!(
            r.lost,
            [out::Reaction {
                mpan: m1.clone(),
                reaction: "IF-031 [DSApp]".into()
            }]
        );
        assert_eq!(r.duplicate_count, 1);
        assert_eq!(
            r.duplicates,
            [out::Duplicate {
                mpan: m1.clone(),
                reaction: "IF-031 [MSApp]".into(),
                accepted: 2
            }]
        );
        let names: Vec<(&str, bool)> = r
            .objectives
            .iter()
            .map(|o| (o.name.as_str(), o.ok))
            .collect();
        assert_eq!(names, [("lost = 0", false), ("duplicates = 0", false)]);
        assert!(
            r.objectives[1]
                .detail
                .contains(&format!("MPAN {m1} IF-031 [MSApp] (2 times)"))
        );
    }

    #[test]
    fn a_lost_reaction_is_named_in_its_objective() {
        let spec = super::super::profile::parse_objective("lost = 0").unwrap();
        let mut r = LoadReport {
            families: vec![FamilyResult::default()],
            ..LoadReport::default()
        };
        assert!(objective(&spec, &r).ok);
        r.lost_count = 1;
        r.lost.push(out::Reaction {
            mpan: "1234567890123".into(),
            reaction: "IF-031 [DSApp]".into(),
        });
        let o = objective(&spec, &r);
        assert!(!o.ok);
        assert_eq!(o.measured, "1");
        assert!(
            o.detail.contains("MPAN 1234567890123 IF-031 [DSApp]"),
            "{}",
            o.detail
        );
    }
}
