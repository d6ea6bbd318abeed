//! The E2E sandbox under many concurrent flows: three in-process reference participants (SUP,
//! MSS, SDS) behind the sandbox's router, the journal streaming to its SQLite database. Each
//! flow is E1's change of supplier: the Registration Service's gain to the supplier, and the
//! flow is done when both services have taken their appointment's confirmation (IF-036).
//!
//! Prints flows per second at concurrency 32, the hop latencies (each delivery's answer time,
//! p50 and p99) and the flows' own times, and the process's resident memory after warm-up and
//! every 2,000 flows.
//!
//! `cargo bench --bench sandbox`; `MHHS_QUAL_BENCH_FLOWS` (default 10000) and
//! `MHHS_QUAL_BENCH_CONCURRENCY` (default 32) change the work.
#![expect(clippy::print_stdout, reason = "a bench prints its figures")]
#![allow(
    clippy::cast_precision_loss,
    reason = "figures printed to a tenth: counts far below 2^52"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mhhs_qual::journal::{Direction, Entry};
use mhhs_qual::market::{MpanAllocator, Segment};
use mhhs_qual::sandbox::{Sandbox, SandboxOptions};
use mhhs_qual::session::SystemUnderTest;
use mhhs_qual::stub::{Delivery, DeliveryBody, Signing};
use tokio::sync::{Notify, Semaphore};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident memory, in MB.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// What the journal tap counts: per MPAN, the confirmations each service took.
struct Progress {
    done: Mutex<HashMap<String, u8>>,
    notify: Notify,
    hops: Mutex<hdrhistogram::Histogram<u64>>,
}

fn main() {
    let flows = env("MHHS_QUAL_BENCH_FLOWS", 10_000);
    let concurrency = env("MHHS_QUAL_BENCH_CONCURRENCY", 32);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let text = mhhs_qual::embedded::file("config/reference.toml").expect("shipped");
        let (mut config, _) =
            mhhs_qual::config::load_str(text, "config/reference.toml", Vec::new()).expect("loads");
        config
            .participants
            .retain(|p| ["SUP", "MSS", "SDS"].contains(&p.role.as_str()));
        config.timeouts.ack = Duration::from_secs(5);
        let dir = tempfile::tempdir().expect("a folder");
        let sandbox = Sandbox::start(
            config,
            SandboxOptions {
                database: dir.path().join("bench.db"),
                listen: "127.0.0.1:0".parse().expect("an address"),
                systems: SystemUnderTest::Reference(std::collections::HashSet::new()),
                schemas_dir: None,
                stubs_dir: None,
                retain: false,
                journal: None,
            max_pages: None,
            },
        )
        .await
        .expect("the sandbox starts");
        let progress = Arc::new(Progress {
            done: Mutex::default(),
            notify: Notify::new(),
            hops: Mutex::new(hdrhistogram::Histogram::new(3).expect("a histogram")),
        });
        let tap = {
            let p = progress.clone();
            sandbox.harness.journal.tap_forever(Arc::new(move |e: &Entry| {
                if e.direction != Direction::Egress {
                    return;
                }
                if let Some(l) = e.latency_ms {
                    let _ = p.hops.lock().expect("lock").record(l.max(1) * 1000);
                }
                if e.status == Some(201)
                    && e.interface.as_deref() == Some("IF-036")
                    && (e.to[0].starts_with("MSS") || e.to[0].starts_with("SDS"))
                    && let Some(m) = &e.mpan
                {
                    *p.done.lock().expect("lock").entry(m.clone()).or_default() += 1;
                    p.notify.notify_waiters();
                }
            }))
        };
        let harness = sandbox.harness.clone();
        let regs = harness.config.counterparty("REGS").expect("REGS").clone();
        let sup = harness
            .parties
            .systems()
            .find(|p| p.role == "SUP")
            .expect("a SUP")
            .clone();
        let mpans = MpanAllocator::new();
        let gate = Arc::new(Semaphore::new(concurrency));
        let flow_times = Arc::new(Mutex::new(
            hdrhistogram::Histogram::<u64>::new(3).expect("a histogram"),
        ));
        println!(
            "sandbox bench: {flows} E1 flows at concurrency {concurrency}; resident {:.0} MB at start",
            rss_mb()
        );
        let unfinished = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let started = Instant::now();
        let mut warm: Option<(Instant, usize)> = None;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..flows {
            if i == 1000 {
                warm = Some((Instant::now(), i));
                println!("after warm-up (1,000 flows): resident {:.0} MB", rss_mb());
            } else if i > 0 && i % 2000 == 0 {
                println!("after {i} flows: resident {:.0} MB", rss_mb());
            }
            let permit = gate.clone().acquire_owned().await.expect("the gate");
            let mpan = mpans.next_for(Segment::Smart).to_string();
            let subject = mhhs_qual::dip::Subject {
                mpan: mpan.clone(),
                segment: Segment::Smart,
            };
            let vars = harness.builder.vars(&regs, &subject);
            let payload = harness
                .builder
                .payload(&regs, "IF-002", "[GainMPANInfo]", &subject, vars)
                .expect("a gain");
            harness.router.learn(&payload);
            let (h, p, regs, sup, times, unfinished) = (
                harness.clone(),
                progress.clone(),
                regs.clone(),
                sup.clone(),
                flow_times.clone(),
                unfinished.clone(),
            );
            tasks.spawn(async move {
                let t = Instant::now();
                h.egress
                    .deliver(Delivery {
                        scenario: None,
                        from: regs,
                        to: sup,
                        body: DeliveryBody::Batch(vec![payload]),
                        signing: Signing::Correct,
                    })
                    .await;
                let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
                loop {
                    let notified = p.notify.notified();
                    if p.done.lock().expect("lock").get(&mpan).copied().unwrap_or(0) >= 2 {
                        p.done.lock().expect("lock").remove(&mpan);
                        break;
                    }
                    if tokio::time::timeout_at(deadline, notified).await.is_err() {
                        unfinished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        break;
                    }
                }
                let _ = times
                    .lock()
                    .expect("lock")
                    .record(u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX).max(1));
                drop(permit);
            });
            while tasks.try_join_next().is_some() {}
        }
        while tasks.join_next().await.is_some() {}
        let all = started.elapsed();
        sandbox.harness.journal.untap(tap);
        let hops = progress.hops.lock().expect("lock");
        let times = flow_times.lock().expect("lock");
        println!(
            "{flows} flows in {:.1} s: {:.0} flows/s overall{}",
            all.as_secs_f64(),
            flows as f64 / all.as_secs_f64(),
            warm.map(|(t, n)| format!(
                ", {:.0} flows/s after warm-up",
                (flows - n) as f64 / t.elapsed().as_secs_f64()
            ))
            .unwrap_or_default()
        );
        println!(
            "hop latency (each delivery's answer): p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} deliveries",
            hops.value_at_quantile(0.5) as f64 / 1000.0,
            hops.value_at_quantile(0.99) as f64 / 1000.0,
            hops.max() as f64 / 1000.0,
            hops.len()
        );
        println!(
            "flow time (gain to both confirmations taken): p50 {:.1} ms, p99 {:.1} ms",
            times.value_at_quantile(0.5) as f64 / 1000.0,
            times.value_at_quantile(0.99) as f64 / 1000.0
        );
        println!(
            "resident after {flows} flows: {:.0} MB; journal entries in the database: {}; flows not finished within 30 s: {}",
            rss_mb(),
            sandbox.store.count().unwrap_or_default(),
            unfinished.load(std::sync::atomic::Ordering::SeqCst)
        );
    });
}
