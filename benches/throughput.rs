//! Speed figures, measured in one run (`cargo bench --bench throughput`):
//!
//! 1. the supplier pack's wall time against the in-process reference at concurrency 8;
//! 2. the stub DIP's ingress throughput with level-1 validation on loopback, beside a bare
//!    wiremock server answering 201 in the same run;
//! 3. validation time per message (schema and market rules).
//!
//! Loads are bounded in count and time. `MHHS_QUAL_BENCH_MESSAGES` sets the message count
//! (default 20000).
#![expect(clippy::print_stdout, reason = "a bench binary reports on stdout")]
#![expect(
    clippy::cast_precision_loss,
    reason = "message counts are far below 2^52"
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use mhhs_qual::config;
use mhhs_qual::runner::{Harness, HarnessOptions, Participant, RunOptions, run};
use mhhs_qual::schema::{SchemaSet, rules};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENTS: usize = 32;
const TIME_LIMIT: Duration = Duration::from_secs(20);

fn submission(i: usize) -> Vec<u8> {
    let body = json!([{"payload": {"CommonBlock": {
        "S0": {"interfaceID": "IF-031", "schemaVersion": "011", "eventCode": "[MSApp]"},
        "S1": {"environmentTag": "UIT", "subText": null, "senderUniqueReference": format!("S-IF-031-2300000001-SUP-20260321-{i}"),
               "senderTimestamp": "2026-03-21T19:05:00+00:00", "senderDIPID": "2300000001", "senderRoleID": "SUP",
               "senderCorrelationID": null, "DIPConnectionProviderID": null},
        "A0": {"primaryRecipients": ["2200000001"], "secondaryRecipients": [], "always": []},
        "M0": {"MPANCore": "2000056535971", "distributorDIPID": "2500000020", "GSPGroupID": "_H"}},
      "CustomBlock": {"B070": {"proposedMeteringServiceDIPID": "1200000001", "proposedMeteringServiceMPID": "MSSA",
          "proposedMeteringServiceDIPEffectiveFromDate": "2026-03-21T19:05:00+00:00", "contractReferenceMeteringService": null,
          "appointmentScenario": "COS"}}}}]);
    serde_json::to_vec(&body).expect("serializes")
}

/// Posts `bodies` to `url` from `CLIENTS` concurrent clients; returns (accepted, seconds).
async fn load(url: String, bodies: Arc<Vec<Vec<u8>>>) -> (usize, f64) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, bodies, next) =
            (client.clone(), url.clone(), bodies.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut ok = 0;
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= bodies.len() || started.elapsed() > TIME_LIMIT {
                    return ok;
                }
                let r = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-api-key", "bench-key")
                    .body(bodies[i].clone())
                    .send()
                    .await;
                if r.is_ok_and(|r| r.status().as_u16() == 201) {
                    ok += 1;
                }
            }
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += t.await.expect("task");
    }
    (accepted, started.elapsed().as_secs_f64())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let n: usize = std::env::var("MHHS_QUAL_BENCH_MESSAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);

        // 1. The pack at concurrency 8, three times.
        let mut walls = Vec::new();
        for _ in 0..3 {
            let dir = tempfile::tempdir().expect("tempdir");
            let started = Instant::now();
            let outcome = run(RunOptions { pack: Some("supplier".into()), report_dir: dir.path().to_owned(), concurrency: Some(8), ..RunOptions::default() })
                .await
                .expect("the pack runs");
            assert_eq!(outcome.exit, 0, "the reference passes");
            walls.push(started.elapsed().as_secs_f64());
        }
        walls.sort_by(f64::total_cmp);
        println!("supplier pack, 23 scenarios, concurrency 8: median {:.2} s (runs: {walls:.2?})", walls[1]);

        // 2. Ingress throughput: stub DIP with level-1 validation beside bare wiremock, three
        // rounds each, alternating, so that both see the same machine.
        let bare = MockServer::builder().disable_request_recording().start().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).mount(&bare).await;
        let stubs = tempfile::tempdir().expect("tempdir");
        std::fs::write(stubs.path().join("counterparties.toml"), "").expect("write");
        let text = mhhs_qual::embedded::file("config/reference.toml")
            .expect("ships")
            .replace("reference-key", "bench-key");
        let (c, _) = config::load_str(&text, "bench.toml", Vec::new()).expect("config");
        let h = Harness::start(
            c,
            HarnessOptions {
                participant: Participant::External,
                schemas_dir: None,
                stubs_dir: Some(stubs.path().to_owned()),
            },
        )
        .await
        .expect("harness");
        let (mut bare_rates, mut dip_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..3 {
            // Distinct references in every round: a reference the DIP accepted is refused after.
            let bodies = Arc::new((round * n..(round + 1) * n).map(submission).collect::<Vec<_>>());
            let (bare_ok, bare_secs) = load(format!("{}/dip-channel/IF-031", bare.uri()), bodies.clone()).await;
            let (dip_ok, dip_secs) = load(format!("{}/dip-channel/IF-031", h.stub.uri()), bodies).await;
            assert_eq!(dip_ok, n, "every distinct submission is accepted");
            let (b, d) = (bare_ok as f64 / bare_secs, dip_ok as f64 / dip_secs);
            println!("round {round}: bare wiremock {b:.0} msg/s, stub DIP with level-1 validation {d:.0} msg/s, ratio {:.2}", d / b);
            bare_rates.push(b);
            dip_rates.push(d);
            ratios.push(d / b);
        }
        for v in [&mut bare_rates, &mut dip_rates, &mut ratios] {
            v.sort_by(f64::total_cmp);
        }
        println!("bare wiremock: median {:.0} msg/s", bare_rates[1]);
        println!("stub DIP with level-1 validation: median {:.0} msg/s", dip_rates[1]);
        println!("ratio stub/bare: median {:.2} (rounds {ratios:.2?})", ratios[1]);

        // 3. Validation per message.
        let schemas = SchemaSet::embedded().expect("schemas");
        let body: Value = serde_json::from_slice(&submission(1)).expect("json");
        let iterations = 20_000u32;
        let started = Instant::now();
        for _ in 0..iterations {
            assert!(schemas.check_body(&body, true).is_empty());
            assert!(rules::check_payload(&body[0]["payload"], "/0/payload").is_empty());
        }
        let per = started.elapsed() / iterations;
        println!("validation (schema + market rules) of one IF-031 [MSApp] message: {:.1} µs", per.as_secs_f64() * 1e6);
    });
}
