//! Resident memory per exchange of the harness's HTTP servers (`cargo bench --bench memory`):
//!
//! 1. the stub DIP's ingress: valid, signed `IF-031 [MSApp]` submissions, each with its own
//!    sender reference, every one accepted (signatures verified, nothing routed);
//! 2. the reference supplier's webhook: signed `IF-002 [GainMPANInfo]` deliveries, each with
//!    its own transaction, every one accepted (the fault `no-appointment` on, so that it
//!    submits nothing in reaction and only its webhook is measured).
//!
//! Each server first takes a warm-up of 1,000 exchanges (connections, pools, allocator
//! arenas); then `VmRSS` is read, the measured exchanges are made, the server's deferred work
//! is flushed, and `VmRSS` is read again. The journal streams (keeps no entries), so what grows
//! is the servers' own state. Bodies are made and signed by the clients as they go, not
//! before, so that they are not counted.
//!
//! `MHHS_QUAL_BENCH_MEMORY_MESSAGES` sets the measured count (default 20000).
#![expect(clippy::print_stdout, reason = "a bench binary reports on stdout")]
#![expect(
    clippy::cast_precision_loss,
    reason = "byte and message counts are far below 2^52"
)]

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mhhs_qual::config::{self, Config};
use mhhs_qual::dip::{Builder, Ids, Subject, Templates, now_dt003};
use mhhs_qual::journal::Journal;
use mhhs_qual::market::Segment;
use mhhs_qual::party::Parties;
use mhhs_qual::schema::SchemaSet;
use mhhs_qual::security::signature::{Signer, Verifier};
use mhhs_qual::stub::{Egress, IngressSecurity, StubDip};
use mhhs_qual::sut::{Reference, ReferenceSettings};
use serde_json::json;

const CLIENTS: usize = 16;
const WARM_UP: usize = 1_000;
const TIME_LIMIT: Duration = Duration::from_secs(300);

/// Resident memory of this process, in bytes.
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn submission(i: usize) -> Vec<u8> {
    let body = json!([{"payload": {"CommonBlock": {
        "S0": {"interfaceID": "IF-031", "schemaVersion": "011", "eventCode": "[MSApp]"},
        "S1": {"environmentTag": "UIT", "subText": null, "senderUniqueReference": format!("S-IF-031-2300000001-SUP-20260321-{i}"),
               "senderTimestamp": now_dt003(), "senderDIPID": "2300000001", "senderRoleID": "SUP",
               "senderCorrelationID": null, "DIPConnectionProviderID": null},
        "A0": {"primaryRecipients": ["2200000001"], "secondaryRecipients": [], "always": []},
        "M0": {"MPANCore": "2000056535971", "distributorDIPID": "2500000020", "GSPGroupID": "_H"}},
      "CustomBlock": {"B070": {"proposedMeteringServiceDIPID": "1200000001", "proposedMeteringServiceMPID": "MSSA",
          "proposedMeteringServiceDIPEffectiveFromDate": "2026-03-21T19:05:00+00:00", "contractReferenceMeteringService": null,
          "appointmentScenario": "COS"}}}}]);
    serde_json::to_vec(&body).expect("serializes")
}

/// Posts exchanges `from..to` to `url` from [`CLIENTS`] clients, each body made by `body`
/// and signed by `signer` just before it is sent; returns how many were answered 201.
async fn post(
    url: &str,
    api_key: Option<&'static str>,
    signer: &Arc<Signer>,
    body: Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync>,
    from: usize,
    to: usize,
) -> usize {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("a client");
    let next = Arc::new(AtomicUsize::new(from));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, url, next, signer, body) = (
            client.clone(),
            url.to_owned(),
            next.clone(),
            signer.clone(),
            body.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut ok = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= to || started.elapsed() > TIME_LIMIT {
                    return ok;
                }
                let b = body(i);
                let signature = signer.sign("POST", &url, &b, time::OffsetDateTime::now_utc());
                let mut request = client.post(&url).header("content-type", "application/json");
                if let Some(key) = api_key {
                    request = request.header("x-api-key", key);
                }
                for (name, value) in signature.headers() {
                    request = request.header(name, value);
                }
                if let Ok(r) = request.body(b).send().await {
                    let status = r.status().as_u16();
                    let _ = r.bytes().await;
                    ok += usize::from(status == 201);
                }
            }
        }));
    }
    let mut answered = 0;
    for t in tasks {
        answered += t.await.expect("a client task");
    }
    answered
}

fn report(what: &str, n: usize, before: u64, after: u64, secs: f64) {
    let growth = after.saturating_sub(before);
    println!(
        "{what}: {n} accepted in {secs:.1} s; resident {:.1} MB before, {:.1} MB after: +{:.1} MB, {:.0} bytes per exchange",
        before as f64 / 1_048_576.0,
        after as f64 / 1_048_576.0,
        growth as f64 / 1_048_576.0,
        growth as f64 / n as f64
    );
}

fn configuration() -> Config {
    let text = mhhs_qual::embedded::file("config/reference.toml").expect("ships");
    let head = &text[..text.find("[[participant]]").expect("a participant")];
    let tail = &text[text.find("[timeouts]").expect("timeouts")..];
    let text = format!(
        "{head}[[participant]]\nrole = \"SUP\"\ndip_id = \"2300000001\"\nmpid = \"SUPA\"\napi_key = \"bench-key\"\nwebhook_url = \"http://127.0.0.1:9/webhook\"\n\n{tail}"
    );
    config::load_str(&text, "bench.toml", Vec::new())
        .expect("a good configuration")
        .0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let n: usize = std::env::var("MHHS_QUAL_BENCH_MEMORY_MESSAGES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20_000);
        let config = Arc::new(configuration());
        let schemas = SchemaSet::embedded().expect("the schemas");
        let journal = Arc::new(Journal::streaming());
        let ids = Arc::new(Ids::new());
        let (sut, sut_material) = Signer::generate("bench SUT").expect("a key");
        let (dip, dip_material) = Signer::generate("bench DIP").expect("a key");
        let (sut, dip) = (Arc::new(sut), Arc::new(dip));

        // 1. The stub DIP's ingress.
        let verifier = Verifier::new(
            sut_material.cert_pem.as_bytes(),
            "bench SUT",
            config.dip.clock_skew,
        )
        .expect("a verifier");
        let stub = StubDip::start(
            StubDip::bind("127.0.0.1:0".parse().expect("an address")).expect("a port"),
            config.clone(),
            schemas.clone(),
            journal.clone(),
            ids.clone(),
            None,
            IngressSecurity {
                parties: Arc::new(Parties::from_config(&config)),
                verifiers: [("2300000001".to_owned(), Arc::new(verifier))].into(),
                tls: None,
            },
        )
        .await;
        let url = format!("{}/dip-channel/IF-031", stub.uri());
        let body: Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync> = Arc::new(submission);
        let warm = post(&url, Some("bench-key"), &sut, body.clone(), 0, WARM_UP).await;
        assert_eq!(warm, WARM_UP, "the stub DIP accepts the warm-up");
        stub.flush().await;
        let before = rss();
        let started = Instant::now();
        let ok = post(&url, Some("bench-key"), &sut, body, WARM_UP, WARM_UP + n).await;
        stub.flush().await;
        let secs = started.elapsed().as_secs_f64();
        let after = rss();
        assert_eq!(ok, n, "the stub DIP accepts every submission");
        report(
            "stub DIP ingress (IF-031 submissions)",
            n,
            before,
            after,
            secs,
        );

        // 2. The reference supplier's webhook.
        let mut settings = ReferenceSettings::from_config(
            &config,
            stub.uri(),
            HashSet::from(["no-appointment".to_owned()]),
        )
        .expect("the reference supplier");
        settings.dip_verifier = Some(Arc::new(
            Verifier::new(
                dip_material.cert_pem.as_bytes(),
                "bench DIP",
                config.dip.clock_skew,
            )
            .expect("a verifier"),
        ));
        let reference = Reference::start(
            TcpListener::bind("127.0.0.1:0").expect("a port"),
            settings,
            schemas.clone(),
            None,
        )
        .await
        .expect("the webhook starts");
        let builder = Builder {
            templates: Templates { dir: None },
            schemas: schemas.clone(),
            config: config.clone(),
            ids: ids.clone(),
        };
        let egress = Egress::new(
            config.clone(),
            schemas.clone(),
            journal.clone(),
            ids.clone(),
            Egress::client_builder(&config).build().expect("a client"),
            dip.clone(),
        );
        let regs = config.counterparty("REGS").expect("a REGS").clone();
        let subject = Subject {
            mpan: "2000056535971".into(),
            segment: Segment::Smart,
        };
        let gain: Arc<dyn Fn(usize) -> Vec<u8> + Send + Sync> = Arc::new(move |_| {
            let mut payload = builder
                .payload(
                    &regs,
                    "IF-002",
                    "[GainMPANInfo]",
                    &subject,
                    builder.vars(&regs, &subject),
                )
                .expect("a gain");
            egress.stamp(std::slice::from_mut(&mut payload), &regs, "2300000001");
            serde_json::to_vec(&json!([{ "payload": payload }])).expect("serializes")
        });
        let webhook = reference.webhook_url();
        let warm = post(&webhook, None, &dip, gain.clone(), 0, WARM_UP).await;
        assert_eq!(warm, WARM_UP, "the reference accepts the warm-up");
        let before = rss();
        let started = Instant::now();
        let ok = post(&webhook, None, &dip, gain, WARM_UP, WARM_UP + n).await;
        let secs = started.elapsed().as_secs_f64();
        let after = rss();
        assert_eq!(ok, n, "the reference accepts every delivery");
        report(
            "reference supplier webhook (IF-002 deliveries)",
            n,
            before,
            after,
            secs,
        );
    });
}
