//! Speed figures, measured in one run (`cargo bench --bench throughput`):
//!
//! 1. the supplier pack's wall time against the in-process reference at concurrency 8;
//! 2. the stub DIP's ingress throughput with level-1 validation on loopback, beside a bare
//!    wiremock server answering 201 in the same run;
//! 3. validation time per message (schema and market rules);
//! 4. signing and verification cost per message (CONTRACT.md §4), and ingress throughput with
//!    signature verification on beside the same stub DIP with it off, in the same rounds.
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
use mhhs_qual::dip::Ids;
use mhhs_qual::journal::Journal;
use mhhs_qual::runner::{RunOptions, run};
use mhhs_qual::schema::{SchemaSet, rules};
use mhhs_qual::security::signature::{Presented, Signed, Signer, Verifier};
use mhhs_qual::stub::{IngressSecurity, StubDip};
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

/// Posts `bodies` (with their signature headers) to `url` from `CLIENTS` concurrent clients;
/// returns (accepted, seconds).
async fn load(url: String, bodies: Arc<Vec<(Vec<u8>, Signed)>>) -> (usize, f64) {
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
                let (body, signed) = &bodies[i];
                let mut request = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-api-key", "bench-key");
                for (name, value) in signed.headers() {
                    request = request.header(name, value);
                }
                let r = request.body(body.clone()).send().await;
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
        println!("supplier pack, 31 scenarios, mutual TLS and signatures, concurrency 8: median {:.2} s (runs: {walls:.2?})", walls[1]);

        // 2. Ingress throughput: the stub DIP with level-1 validation, without and with
        // signature verification, beside bare wiremock; three rounds, alternating, so that all
        // see the same machine. Every body is signed (signing is the client's cost, done
        // before the clock starts), so each server receives the same bytes and headers.
        let bare = MockServer::builder().disable_request_recording().start().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).mount(&bare).await;
        let text = mhhs_qual::embedded::file("config/reference.toml")
            .expect("ships")
            .replace("reference-key", "bench-key");
        let (c, _) = config::load_str(&text, "bench.toml", Vec::new()).expect("config");
        let c = Arc::new(c);
        let schemas = SchemaSet::embedded().expect("schemas");
        let (sut, material) = Signer::generate("bench SUT").expect("keys");
        let verifier = Arc::new(Verifier::new(material.cert_pem.as_bytes(), "bench", c.dip.clock_skew).expect("verifier"));
        let stub = |security: IngressSecurity| {
            let (c, schemas) = (c.clone(), schemas.clone());
            async move {
                let listeners = StubDip::bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
                StubDip::start(listeners, c, schemas, Arc::new(Journal::new()), Arc::new(Ids::new()), None, security).await
            }
        };
        let parties = Arc::new(mhhs_qual::party::Parties::from_config(&c));
        let plain = stub(IngressSecurity { parties: parties.clone(), ..IngressSecurity::default() }).await;
        let verifying = stub(IngressSecurity { parties: parties.clone(), verifiers: [(c.participant().dip_id.clone(), verifier.clone())].into(), tls: None }).await;
        let verifying_url = format!("{}/dip-channel/IF-031", verifying.uri());
        let mut rates: [Vec<f64>; 3] = Default::default();
        for round in 0..3 {
            // Distinct references in every round: a reference the DIP accepted is refused after.
            let now = time::OffsetDateTime::now_utc();
            let bodies = Arc::new(
                (round * n..(round + 1) * n)
                    .map(|i| {
                        let b = submission(i);
                        let s = sut.sign("POST", &verifying_url, &b, now);
                        (b, s)
                    })
                    .collect::<Vec<_>>(),
            );
            let (bare_ok, bare_secs) = load(format!("{}/dip-channel/IF-031", bare.uri()), bodies.clone()).await;
            let (plain_ok, plain_secs) = load(format!("{}/dip-channel/IF-031", plain.uri()), bodies.clone()).await;
            let (verified_ok, verified_secs) = load(verifying_url.clone(), bodies).await;
            assert_eq!(plain_ok, n, "every distinct submission is accepted");
            assert_eq!(verified_ok, n, "every signed submission verifies");
            let (b, p, v) = (bare_ok as f64 / bare_secs, plain_ok as f64 / plain_secs, verified_ok as f64 / verified_secs);
            println!("round {round}: bare wiremock {b:.0} msg/s, stub DIP {p:.0} msg/s, stub DIP verifying signatures {v:.0} msg/s (verified/unverified {:.2}, stub/bare {:.2})", v / p, p / b);
            rates[0].push(b);
            rates[1].push(p);
            rates[2].push(v);
        }
        for v in &mut rates {
            v.sort_by(f64::total_cmp);
        }
        println!("bare wiremock: median {:.0} msg/s", rates[0][1]);
        println!("stub DIP with level-1 validation, signatures not verified: median {:.0} msg/s", rates[1][1]);
        println!("stub DIP with level-1 validation and signature verification: median {:.0} msg/s (target >= 5000)", rates[2][1]);
        println!("ratio stub/bare: {:.2}; verified/unverified: {:.2} (medians)", rates[1][1] / rates[0][1], rates[2][1] / rates[1][1]);

        // 4. Signing and verification per message.
        let body = submission(0);
        let iterations = 2_000u32;
        let started = Instant::now();
        let mut last = None;
        for _ in 0..iterations {
            last = Some(sut.sign("POST", &verifying_url, &body, time::OffsetDateTime::now_utc()));
        }
        let sign = started.elapsed() / iterations;
        let signed = last.expect("signed");
        let presented = Presented {
            date: Some(&signed.date),
            hash: Some(&signed.hash),
            signature: Some(&signed.signature),
            certificate: Some(&signed.certificate),
        };
        let started = Instant::now();
        for _ in 0..iterations {
            verifier
                .verify("POST", &verifying_url, &presented, &body, time::OffsetDateTime::now_utc())
                .expect("verifies");
        }
        let verify = started.elapsed() / iterations;
        println!(
            "signing one IF-031 submission ({} bytes, RSA-2048 PKCS#1 v1.5 SHA-256): {:.1} µs; verifying it (hash, date, certificate, signature): {:.1} µs",
            body.len(),
            sign.as_secs_f64() * 1e6,
            verify.as_secs_f64() * 1e6
        );

        // 3. Validation per message.
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
