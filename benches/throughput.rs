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
use mhhs_qual::dip::{Builder, Templates};
use mhhs_qual::journal::Journal;
use mhhs_qual::party::Parties;
use mhhs_qual::runner::{RunOptions, run};
use mhhs_qual::schema::{SchemaSet, rules};
use mhhs_qual::security::signature::{Presented, Signed, Signer, Verifier};
use mhhs_qual::stub::{Egress, IngressSecurity, Reactions, Router, Routing, StubDip};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENTS: usize = 32;
const TIME_LIMIT: Duration = Duration::from_secs(20);

fn submission(i: usize, recipient: &str) -> Vec<u8> {
    let body = json!([{"payload": {"CommonBlock": {
        "S0": {"interfaceID": "IF-031", "schemaVersion": "011", "eventCode": "[MSApp]"},
        "S1": {"environmentTag": "UIT", "subText": null, "senderUniqueReference": format!("S-IF-031-2300000001-SUP-20260321-{i}"),
               "senderTimestamp": "2026-03-21T19:05:00+00:00", "senderDIPID": "2300000001", "senderRoleID": "SUP",
               "senderCorrelationID": null, "DIPConnectionProviderID": null},
        "A0": {"primaryRecipients": [recipient], "secondaryRecipients": [], "always": []},
        "M0": {"MPANCore": "2000056535971", "distributorDIPID": "2500000020", "GSPGroupID": "_H"}},
      "CustomBlock": {"B070": {"proposedMeteringServiceDIPID": "1200000001", "proposedMeteringServiceMPID": "MSSA",
          "proposedMeteringServiceDIPEffectiveFromDate": "2026-03-21T19:05:00+00:00", "contractReferenceMeteringService": null,
          "appointmentScenario": "COS"}}}}]);
    serde_json::to_vec(&body).expect("serializes")
}

/// Posts `bodies` (with their signature headers) to `url` from `CLIENTS` concurrent clients;
/// returns how many were accepted.
async fn load(url: String, bodies: Arc<Vec<(Vec<u8>, Signed)>>) -> usize {
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
    accepted
}

/// A second participant's webhook: answers 201 and counts what it received.
struct Counter {
    uri: String,
    received: Arc<std::sync::atomic::AtomicUsize>,
    notify: Arc<tokio::sync::Notify>,
    _server: MockServer,
}

struct Counting(
    Arc<std::sync::atomic::AtomicUsize>,
    Arc<tokio::sync::Notify>,
);

impl wiremock::Respond for Counting {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.1.notify_waiters();
        ResponseTemplate::new(201)
            .set_body_json(json!({"messageArray": [], "timestamp": "2026-01-01T00:00:00Z"}))
    }
}

impl Counter {
    async fn start() -> Self {
        let server = MockServer::builder()
            .disable_request_recording()
            .start()
            .await;
        let received = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let notify = Arc::new(tokio::sync::Notify::new());
        Mock::given(method("POST"))
            .respond_with(Counting(received.clone(), notify.clone()))
            .mount(&server)
            .await;
        Self {
            uri: server.uri(),
            received,
            notify,
            _server: server,
        }
    }

    fn count(&self) -> usize {
        self.received.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits until `n` deliveries have arrived, or `limit` passes.
    async fn wait_for(&self, n: usize, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.notify.notified();
            if self.count() >= n || tokio::time::timeout_at(deadline, notified).await.is_err() {
                return;
            }
        }
    }
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
        let mut scenarios = 0;
        for _ in 0..3 {
            let dir = tempfile::tempdir().expect("tempdir");
            let started = Instant::now();
            let outcome = run(RunOptions { pack: Some("supplier".into()), report_dir: dir.path().to_owned(), concurrency: Some(8), ..RunOptions::default() })
                .await
                .expect("the pack runs");
            assert_eq!(outcome.exit, 0, "the reference passes");
            walls.push(started.elapsed().as_secs_f64());
            scenarios = outcome.scenarios.len();
        }
        walls.sort_by(f64::total_cmp);
        println!("supplier pack, {scenarios} scenarios, mutual TLS and signatures, concurrency 8: median {:.2} s (runs: {walls:.2?})", walls[1]);

        // 2. Ingress throughput, in rounds, the order rotated every round. Four servers get the
        // same work: the same bodies, signed before the clock starts, from the same clients.
        // - bare: wiremock answering 201, on as many listeners (SO_REUSEPORT) as the stub DIP;
        // - plain: the stub DIP, signatures not verified, the message routed to a stubbed party
        //   that does not react;
        // - single: the same with every signature verified (today's single-system ingress);
        // - routed: verified, and each message routed to a second participant's webhook
        //   through egress (signed, D0 filled). The clock stops when every routed message was
        //   delivered.
        // The stub DIP's clock stops only once its deferred work (rules, journal) is flushed.
        let text = mhhs_qual::embedded::file("config/reference.toml").expect("ships");
        let head = &text[..text.find("[[participant]]").expect("a participant")];
        let tail = &text[text.find("[timeouts]").expect("timeouts")..];
        let schemas = SchemaSet::embedded().expect("schemas");
        let (sut, material) = Signer::generate("bench SUT").expect("keys");
        let (dip_signer, _) = Signer::generate("bench DIP").expect("keys");
        let dip_signer = Arc::new(dip_signer);
        let receiver = Counter::start().await;
        let config_text = format!(
            "{head}[[participant]]\nrole = \"SUP\"\ndip_id = \"2300000001\"\nmpid = \"SUPA\"\napi_key = \"bench-key\"\nwebhook_url = \"http://127.0.0.1:9/webhook\"\n\n[[participant]]\nrole = \"SUP\"\ndip_id = \"2300000002\"\nmpid = \"SUPB\"\napi_key = \"receiver-key\"\nwebhook_url = \"{}/webhook\"\n\n{tail}",
            receiver.uri
        );
        let (c, _) = config::load_str(&config_text, "bench.toml", Vec::new()).expect("config");
        let c = Arc::new(c);
        let parties = Arc::new(Parties::from_config(&c));
        let verifier = Arc::new(Verifier::new(material.cert_pem.as_bytes(), "bench", c.dip.clock_skew).expect("verifier"));
        let journal = Arc::new(Journal::new());
        let ids = Arc::new(Ids::new());
        let stub = |verify: bool, route: bool| {
            let (c, schemas, parties, verifier, journal, ids, dip_signer) = (c.clone(), schemas.clone(), parties.clone(), verifier.clone(), journal.clone(), ids.clone(), dip_signer.clone());
            async move {
                let listeners = StubDip::bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
                let router = route.then(|| {
                    let egress = Egress::new(c.clone(), schemas.clone(), journal.clone(), ids.clone(), Egress::client_builder(&c).build().expect("client"), dip_signer);
                    Router {
                        parties: parties.clone(),
                        egress,
                        builder: Builder { templates: Templates { dir: None }, schemas: schemas.clone(), config: c.clone(), ids: ids.clone() },
                        reactions: Arc::new(Reactions::default()),
                        routing: Arc::new(Routing::default()),
                        appointments: Arc::default(),
                        registry: Arc::default(),
                        journal: journal.clone(),
                        sandbox: false,
                    }
                    .start()
                });
                let verifiers = if verify { [("2300000001".to_owned(), verifier)].into() } else { std::collections::HashMap::default() };
                StubDip::start(listeners, c, schemas, journal, ids, router, IngressSecurity { parties, verifiers, tls: None }).await
            }
        };
        let bare_listeners = StubDip::bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
        let listener_count = bare_listeners.len();
        let mut bare_servers = Vec::new();
        for l in bare_listeners {
            let server = MockServer::builder().listener(l).disable_request_recording().start().await;
            Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
            bare_servers.push(server);
        }
        let bare_uri = bare_servers[0].uri();
        let plain = stub(false, true).await;
        let single = stub(true, true).await;
        let routed = stub(true, true).await;
        let names = ["bare wiremock", "stub DIP, not verified", "stub DIP, verified (single system)", "stub DIP, verified, routed to a second system"];
        let mut rates: [Vec<f64>; 4] = Default::default();
        let rounds = 4;
        for round in 0..rounds {
            // Distinct references in every round and server: the DIP refuses one it accepted.
            let now = time::OffsetDateTime::now_utc();
            let mut order: Vec<usize> = (0..4).collect();
            order.rotate_left(round % 4);
            let mut line = Vec::new();
            for server in order {
                let (url, recipient) = match server {
                    0 => (format!("{bare_uri}/dip-channel/IF-031"), "1200000001"),
                    1 => (format!("{}/dip-channel/IF-031", plain.uri()), "1200000001"),
                    2 => (format!("{}/dip-channel/IF-031", single.uri()), "1200000001"),
                    _ => (format!("{}/dip-channel/IF-031", routed.uri()), "2300000002"),
                };
                let signed = Arc::new(
                    (0..n)
                        .map(|i| {
                            let b = submission((round * 4 + server) * n + i, recipient);
                            let s = sut.sign("POST", &url, &b, now);
                            (b, s)
                        })
                        .collect::<Vec<_>>(),
                );
                let delivered_before = receiver.count();
                let started = Instant::now();
                let ok = load(url, signed).await;
                match server {
                    1 => plain.flush().await,
                    2 => single.flush().await,
                    3 => {
                        routed.flush().await;
                        receiver.wait_for(delivered_before + ok, TIME_LIMIT).await;
                    }
                    _ => {}
                }
                let secs = started.elapsed().as_secs_f64();
                assert_eq!(ok, n, "{}: every submission is accepted", names[server]);
                if server == 3 {
                    assert_eq!(receiver.count() - delivered_before, n, "every routed message is delivered");
                }
                let rate = ok as f64 / secs;
                rates[server].push(rate);
                line.push(format!("{} {rate:.0}", names[server]));
            }
            println!("round {round} ({n} messages each, {CLIENTS} clients, {listener_count} listeners per server): {} msg/s", line.join(", "));
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let m: Vec<f64> = rates.iter_mut().map(median).collect();
        for (name, rate) in names.iter().zip(&m) {
            println!("{name}: median {rate:.0} msg/s over {rounds} rounds");
        }
        println!(
            "ratios of medians: stub DIP (verified) / bare {:.2}; not verified / bare {:.2}; verified / not verified {:.2}; routed / single system {:.2}",
            m[2] / m[0], m[1] / m[0], m[2] / m[1], m[3] / m[2]
        );
        let verifying_url = format!("{}/dip-channel/IF-031", single.uri());

        // 4. Signing and verification per message.
        let body = submission(0, "1200000001");
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
        let body: Value = serde_json::from_slice(&submission(1, "1200000001")).expect("json");
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
