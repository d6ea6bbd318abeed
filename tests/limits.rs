//! The stub DIP's rate limit and outage window against the in-process reference supplier,
//! driven as a load is: a gain delivered after another, each answered by two submissions
//! (IF-031 [MSApp] and [DSApp]). A correct participant stays within the limit, rides out an
//! outage, and in the end has every message accepted exactly once; one that ignores `429`
//! goes far over the limit.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mhhs_qual::journal::{Direction, Entry};
use mhhs_qual::market::Segment;
use mhhs_qual::session::{Harness, Session};
use mhhs_qual::stub::Traffic;

/// The reference supplier's DIP ID (config/reference.toml).
const SUPPLIER: &str = "2300000001";

/// A harness whose system under test is the in-process reference supplier with `faults`.
async fn harness(faults: &[&str]) -> Arc<Harness> {
    common::reference_harness(faults).await
}

/// Delivers `n` gains of smart MPANs one after the other, each answered 201.
async fn deliver_gains(session: &mut Session, n: usize) {
    for _ in 0..n {
        session.new_subject(Segment::Smart);
        let gain = session
            .build("REGS", "IF-002", "[GainMPANInfo]", &[])
            .unwrap();
        let answered = session.deliver("REGS", vec![gain]).await.unwrap();
        assert_eq!(answered.status, Some(201), "{}", answered.summary());
    }
}

/// The system's submissions of IF-031 the stub DIP has journaled.
fn submissions(h: &Harness) -> Vec<Arc<Entry>> {
    h.journal
        .all()
        .into_iter()
        .filter(|e| e.direction == Direction::Ingress && e.interface.as_deref() == Some("IF-031"))
        .collect()
}

fn accepted(h: &Harness) -> Vec<Arc<Entry>> {
    submissions(h)
        .into_iter()
        .filter(|e| e.status == Some(201))
        .collect()
}

/// Waits (at most `limit`) until `n` submissions were accepted.
async fn await_accepted(h: &Harness, n: usize, limit: Duration) {
    let deadline = Instant::now() + limit;
    while accepted(h).len() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    h.stub.flush().await;
}

/// Every gain's two submissions were accepted once each, and nothing was lost: `gains` MPANs,
/// each with one accepted [MSApp] and one accepted [DSApp], under references accepted once;
/// nothing was refused 400 (a resubmission of an accepted reference would be).
fn assert_each_accepted_once(h: &Harness, session: &Session, gains: usize, traffic: &Traffic) {
    let accepted = accepted(h);
    let references: HashSet<&str> = accepted
        .iter()
        .filter_map(|e| e.reference.as_deref())
        .collect();
    let mut by_mpan: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in &accepted {
        by_mpan
            .entry(e.mpan.as_deref().unwrap_or("?"))
            .or_default()
            .push(e.event.as_deref().unwrap_or("?"));
    }
    let refused: Vec<String> = submissions(h)
        .iter()
        .filter(|e| e.status == Some(400))
        .map(|e| e.summary())
        .collect();
    assert!(refused.is_empty(), "{refused:?}");
    assert_eq!(
        (accepted.len(), references.len()),
        (2 * gains, 2 * gains),
        "accepted, and distinct references among them ({traffic:?})"
    );
    assert_eq!(by_mpan.len(), gains);
    for s in &session.subjects {
        let mut events = by_mpan.get(s.mpan.as_str()).cloned().unwrap_or_default();
        events.sort_unstable();
        assert_eq!(events, ["[DSApp]", "[MSApp]"], "{}", s.mpan);
    }
    // The DIP counted every attempt the journal holds.
    assert_eq!(traffic.attempts, submissions(h).len() as u64);
}

/// 150 gains, 300 submissions, at 50 per second: the correct supplier learns the limit from
/// the first 429 and paces itself. The busiest second holds at most the limit, a tenth more
/// (the pace is probed upwards a twentieth at a time, at most once a second) and a slack of
/// 10: the attempts already on their way when the first 429 comes (one per reaction in flight,
/// as a reaction's submissions go one after the other and the gains come one at a time), and a
/// few arrivals that a window of departures spaced a second apart lets closer by jitter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correct_participant_stays_within_the_rate_limit_and_loses_nothing() {
    const LIMIT: u32 = 50;
    const GAINS: usize = 150;
    let h = harness(&[]).await;
    let gate = h.stub.gate();
    gate.set_rate_limit(Some(LIMIT));
    let mut session = Session::new(h.clone(), "limits-throttle".into());
    deliver_gains(&mut session, GAINS).await;
    await_accepted(&h, 2 * GAINS, Duration::from_secs(15)).await;
    let traffic = gate.traffic(SUPPLIER);
    assert_each_accepted_once(&h, &session, GAINS, &traffic);
    assert!(traffic.throttled > 0, "the limit never bit: {traffic:?}");
    let most = u64::from(LIMIT) * 11 / 10 + 10;
    assert!(
        traffic.peak_per_second <= most,
        "{} attempts in the second from {:?}, over {most}: {:?}",
        traffic.peak_per_second,
        traffic.peak_at,
        traffic.per_second
    );
}

/// A participant that resubmits a throttled message at once goes far over the limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_that_ignores_429_goes_far_over_the_rate_limit() {
    const LIMIT: u32 = 50;
    let h = harness(&["ignores-429"]).await;
    let gate = h.stub.gate();
    gate.set_rate_limit(Some(LIMIT));
    let mut session = Session::new(h.clone(), "limits-ignored".into());
    deliver_gains(&mut session, 50).await;
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut traffic = gate.traffic(SUPPLIER);
    while traffic.peak_per_second <= 2 * u64::from(LIMIT) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        traffic = gate.traffic(SUPPLIER);
    }
    assert!(
        traffic.peak_per_second > 2 * u64::from(LIMIT),
        "{traffic:?}"
    );
    assert!(traffic.throttled > 0);
}

/// An outage of a second in the middle of 300 submissions: answered 503 while it lasts,
/// ridden out, nothing lost and nothing accepted twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_in_the_middle_loses_nothing_and_accepts_nothing_twice() {
    const GAINS: usize = 150;
    let h = harness(&[]).await;
    let gate = h.stub.gate();
    let mut session = Session::new(h.clone(), "limits-outage".into());
    deliver_gains(&mut session, GAINS / 2).await;
    gate.outage(Duration::from_secs(1));
    deliver_gains(&mut session, GAINS - GAINS / 2).await;
    await_accepted(&h, 2 * GAINS, Duration::from_secs(15)).await;
    let traffic = gate.traffic(SUPPLIER);
    assert!(
        traffic.unavailable > 0,
        "the outage hit nothing: {traffic:?}"
    );
    assert_eq!(traffic.throttled, 0);
    assert_each_accepted_once(&h, &session, GAINS, &traffic);
    // Each submission answered 503 was accepted later under its reference.
    let accepted: HashSet<String> = accepted(&h)
        .iter()
        .filter_map(|e| e.reference.clone())
        .collect();
    let unavailable: Vec<Arc<Entry>> = submissions(&h)
        .into_iter()
        .filter(|e| e.status == Some(503))
        .collect();
    assert_eq!(unavailable.len() as u64, traffic.unavailable);
    for e in &unavailable {
        assert!(
            accepted.contains(e.reference.as_deref().unwrap_or("?")),
            "{}",
            e.summary()
        );
        assert_eq!(e.outcome, "DIP outage (simulated)");
    }
}
