//! Speed of the journal store in SQLite (`cargo bench --bench store`).
//!
//! Appends of entries whose bodies are distinct 5 KB DIP messages into a fresh database file
//! (WAL, `synchronous = NORMAL`), one transaction per entry as the journal's tap makes them:
//! 1. straight to the store;
//! 2. through a streaming journal writing through to the store (the sandbox's path);
//! 3. the same body every time (stored once, the entries only);
//!
//! then reading everything back in pages of 1,000 (`since`), and the file's size per entry.
//! Building the entries is timed on its own first, so that the store's own cost can be told.
//! `MHHS_QUAL_BENCH_ENTRIES` sets the count (default 20000); each figure stops after 30 s.
#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]
#![expect(
    clippy::cast_precision_loss,
    reason = "entry counts are far below 2^52"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use mhhs_qual::journal::{Body, Direction, Entry, Journal};
use mhhs_qual::store::{self, SqliteStore, Store};
use serde_json::{Value, json};

const TIME_LIMIT: Duration = Duration::from_secs(30);

/// A DIP delivery of about 5 KB: a header and 48 half-hourly periods, `i` making it distinct.
fn body(i: u64) -> Value {
    let periods: Vec<Value> = (1..=48)
        .map(|p| {
            json!({"settlementPeriod": p, "activeImport": format!("{}.{:03}", i % 97, p),
                   "qualityFlag": "A", "estimated": false, "source": "meter-reading-retrieval"})
        })
        .collect();
    json!([{"payload": {"CommonBlock": {
        "S0": {"interfaceID": "IF-021", "schemaVersion": "011", "eventCode": "[ActivePower]"},
        "S1": {"senderUniqueReference": format!("S-IF-021-1200000001-MDR-{i}"),
               "senderDIPID": "1200000001", "senderRoleID": "MDR"},
        "D0": {"transactionID": format!("T-{i}"), "initialCorrelationID": format!("C-{i}")},
        "M0": {"MPANCore": format!("2000{:09}", i % 1_000_000)}},
      "CustomBlock": {"B021": {"settlementDate": "2026-03-29", "periods": periods}}}}])
}

fn entry(i: u64, body: Body) -> Entry {
    let mut e = Entry::new(Direction::Egress, "/webhook")
        .with_headers([("content-type", "application/json"), ("x-api-key", "k")]);
    e.seq = i;
    e.from = Some("MDR 1200000001".into());
    e.to = vec!["SUP 2300000001".into()];
    e.interface = Some("IF-021".into());
    e.event = Some("[ActivePower]".into());
    e.mpan = Some(format!("2000{:09}", i % 1_000_000));
    e.status = Some(201);
    e.outcome = "delivered".into();
    e.body = body;
    e
}

fn report(what: &str, count: u64, took: Duration) {
    println!(
        "{what}: {count} entries in {:.2} s = {:.0} entries/s ({:.1} µs each)",
        took.as_secs_f64(),
        count as f64 / took.as_secs_f64(),
        took.as_secs_f64() * 1e6 / count as f64
    );
}

fn main() {
    let n: u64 = std::env::var("MHHS_QUAL_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let size = body(1).to_string().len();
    println!("body size: {size} bytes; {n} entries per figure");
    let dir = tempfile::tempdir().expect("temp dir");

    // What building the entries costs the bench itself, not counted in the store's figures
    // below only by subtraction.
    let started = Instant::now();
    let mut built = 0;
    for i in 1..=n {
        let e = entry(i, Body::Json(body(i)));
        built += u64::from(e.status.is_some());
        if started.elapsed() > TIME_LIMIT {
            break;
        }
    }
    let building = started.elapsed();
    report("building the entries alone (bench cost)", built, building);

    // 1. Straight to the store.
    let path = dir.path().join("direct.db");
    let s = SqliteStore::open(&path).expect("opens");
    let started = Instant::now();
    let mut count = 0;
    for i in 1..=n {
        s.append(&entry(i, Body::Json(body(i)))).expect("appends");
        count = i;
        if started.elapsed() > TIME_LIMIT {
            break;
        }
    }
    let took = started.elapsed();
    report("append, distinct 5 KB bodies", count, took);
    if built == count {
        report(
            "  of which the store (building subtracted)",
            count,
            took.saturating_sub(building),
        );
    }
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len())
        + std::fs::metadata(dir.path().join("direct.db-wal")).map_or(0, |m| m.len());
    println!(
        "  database and WAL: {:.1} MB, {} bytes per entry",
        bytes as f64 / 1e6,
        bytes / count.max(1)
    );

    // The same, reading back.
    let started = Instant::now();
    let mut after = 0;
    let mut read = 0;
    while started.elapsed() < TIME_LIMIT {
        let page = s.since(after, 1000).expect("reads");
        let Some(last) = page.last() else { break };
        after = last.seq;
        read += page.len() as u64;
    }
    report("since, pages of 1,000", read, started.elapsed());

    // 2. Through a streaming journal's tap.
    let s: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("tap.db")).expect("opens"));
    let journal = Journal::streaming();
    let _tap = journal.tap(store::tap(s.clone(), |e| panic!("{e}")));
    let started = Instant::now();
    for i in 1..=n {
        journal.record(entry(0, Body::Json(body(i))));
        if started.elapsed() > TIME_LIMIT {
            break;
        }
    }
    report(
        "journal.record through the store's tap, distinct 5 KB bodies",
        s.count().expect("counts"),
        started.elapsed(),
    );

    // 3. One body for every entry.
    let s = SqliteStore::open(&dir.path().join("same.db")).expect("opens");
    let same = Body::Json(body(7));
    let started = Instant::now();
    let mut count = 0;
    for i in 1..=n {
        s.append(&entry(i, same.clone())).expect("appends");
        count = i;
        if started.elapsed() > TIME_LIMIT {
            break;
        }
    }
    report("append, the same 5 KB body", count, started.elapsed());
    println!("  bodies stored: {}", s.body_count().expect("counts"));
}
