//! The load generator's figures, measured in one run (`cargo bench --bench load`):
//!
//! 1. the cost of one RSA-2048 signature of a gain delivery, and so the physical limit of
//!    signed deliveries per second on this machine (cores / cost);
//! 2. the generator's pacing against a sink that answers 201 at once: for each rate of a sweep
//!    (rising), 10 s of deliveries, the worst second's pacing error and the send lag; the
//!    highest rate with an error under 1%, as a share of the limit of (1) measured in the same
//!    run;
//! 3. the reference supplier's acknowledgement latency at 1,000 gains a second for 10 s
//!    (in-process, reacting to every gain with its two appointment requests).
//!
//! `MHHS_QUAL_BENCH_LOAD_RATES` sets the sweep (default `1000,2000,3000,4000,5000`);
//! `MHHS_QUAL_BENCH_LOAD_SECONDS` the seconds per rate (default 10); `MHHS_QUAL_BENCH_LOAD_MEMORY`
//! a message count for a memory run instead (resident memory sampled every 10 s against a sink,
//! at the first rate of the sweep).
#![expect(clippy::print_stdout, reason = "a bench binary reports on stdout")]
#![expect(
    clippy::cast_precision_loss,
    reason = "message counts are far below 2^52"
)]

use std::time::{Duration, Instant};

use mhhs_qual::load::{self, LoadOptions, Profile};
use mhhs_qual::security::signature::{Signer, generate_material};
use mhhs_qual::session::SystemUnderTest;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// Resident memory of this process, in MB.
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

fn profile(dir: &std::path::Path, rate: u64, seconds: u64, messages: u64) -> Profile {
    let text = format!(
        r#"name = "pacing {rate}/s"
family = "gain"
objectives = ["pacing error < 1%"]
[mpans]
seed = 99
count = {count}
[[stage]]
kind = "hold"
duration = "{seconds}s"
rate = {rate}
[cap]
messages = {messages}
time = "{time}s"
"#,
        count = messages.min(rate * seconds).min(1_000_000),
        time = seconds + 30,
    );
    let path = dir.join(format!("pacing-{rate}.toml"));
    std::fs::write(&path, text).expect("writes the profile");
    Profile::load(&path).expect("a good profile")
}

/// A configuration for a system at `webhook` that never submits: the generator's own work.
fn sink_config(dir: &std::path::Path, webhook: &str) -> mhhs_qual::config::Config {
    let put = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("writes a key file");
        p.display().to_string()
    };
    let dip = generate_material("bench DIP").expect("a key");
    let sut = generate_material("bench SUT").expect("a key");
    let text = format!(
        r#"environment = "UIT"
[dip]
listen = "127.0.0.1:0"
api_key = "bench-key-0123456789"
signing_certificate = "{}"
signing_key = "{}"
[participant]
role = "SUP"
dip_id = "2300000001"
mpid = "SUPA"
webhook_url = "{webhook}"
certificate = "{}"
[timeouts]
ack = "2s"
response = "100ms"
[[counterparty]]
role = "REGS"
dip_id = "2200000001"
mpid = "REGA"
"#,
        put("dip.pem", &dip.cert_pem),
        put("dip.key", &dip.key_pem),
        put("sut.pem", &sut.cert_pem)
    );
    mhhs_qual::config::load_str(&text, "bench.toml", Vec::new())
        .expect("a good configuration")
        .0
}

/// A bare HTTP/1.1 sink: answers every request `201` with no body, keeping the connection
/// open; a few lines of tokio, so that its own memory is not the generator's.
async fn bare_sink() -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut have = 0;
                loop {
                    let Ok(n) = socket.read(&mut buf[have..]).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    have += n;
                    // One request: headers, then content-length bytes of body.
                    while let Some(end) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                        let length: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        let total = end + 4 + length;
                        if have < total {
                            break;
                        }
                        if socket
                            .write_all(b"HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n")
                            .await
                            .is_err()
                        {
                            return;
                        }
                        buf.copy_within(total..have, 0);
                        have -= total;
                    }
                    if have == buf.len() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

async fn sink() -> MockServer {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    server
}

async fn against_sink(
    dir: &std::path::Path,
    server: &str,
    rate: u64,
    seconds: u64,
    messages: u64,
) -> mhhs_qual::report::load::LoadReport {
    load::run(
        LoadOptions {
            config: sink_config(dir, &format!("{server}/webhook")),
            systems: SystemUnderTest::External,
            profile: profile(dir, rate, seconds, messages),
            schemas_dir: None,
            stubs_dir: None,
        },
        std::future::pending(),
        None,
    )
    .await
    .expect("the load runs")
    .report
}

fn signing_cost_us() -> f64 {
    let (signer, _) = Signer::generate("bench DIP").expect("a key");
    let body = vec![b'x'; 2600];
    let n = 2000;
    let started = Instant::now();
    for _ in 0..n {
        std::hint::black_box(signer.sign(
            "POST",
            "http://127.0.0.1:7401/webhook",
            &body,
            time::OffsetDateTime::now_utc(),
        ));
    }
    started.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let rates: Vec<u64> = env_or("MHHS_QUAL_BENCH_LOAD_RATES", "1000,2000,3000,4000,5000")
        .split(',')
        .filter_map(|r| r.trim().parse().ok())
        .collect();
    let seconds: u64 = env_or("MHHS_QUAL_BENCH_LOAD_SECONDS", "10")
        .parse()
        .unwrap_or(10);
    // MHHS_QUAL_BENCH_LOAD_SINK=wiremock answers from a wiremock server instead of the bare one.
    let wiremock_sink;
    let server = if std::env::var("MHHS_QUAL_BENCH_LOAD_SINK").as_deref() == Ok("wiremock") {
        wiremock_sink = sink().await;
        wiremock_sink.uri()
    } else {
        bare_sink().await
    };

    if let Ok(n) = std::env::var("MHHS_QUAL_BENCH_LOAD_MEMORY") {
        let n: u64 = n.parse().expect("a message count");
        let rate = rates.first().copied().unwrap_or(2000);
        let secs = n.div_ceil(rate);
        println!("memory: {n} messages at {rate}/s against a sink ({secs} s)");
        let sampler = tokio::spawn(async {
            let started = Instant::now();
            let mut tick = tokio::time::interval(Duration::from_secs(10));
            loop {
                tick.tick().await;
                println!(
                    "  {:>5.0} s  resident {:.1} MB",
                    started.elapsed().as_secs_f64(),
                    rss_mb()
                );
            }
        });
        let r = against_sink(dir.path(), &server, rate, secs, n).await;
        sampler.abort();
        println!(
            "  sent {} acknowledged {}, pacing error {:.2}%, resident at the end {:.1} MB",
            r.families[0].sent,
            r.families[0].acknowledged,
            r.pacing.error_pct,
            rss_mb()
        );
        return;
    }

    let cost = signing_cost_us();
    let limit = cores as f64 * 1e6 / cost;
    println!(
        "1. signing: {cost:.0} us per RSA-2048 signature; physical limit {limit:.0} signed deliveries/s on {cores} cores ({:.0} per core)",
        1e6 / cost
    );

    println!("2. pacing against a sink answering 201, {seconds} s per rate:");
    let mut best = 0;
    for &rate in &rates {
        let r = against_sink(dir.path(), &server, rate, seconds, rate * seconds).await;
        let p = &r.pacing;
        println!(
            "   {rate:>6}/s: sent {} of {}, achieved {:.0}/s, pacing error {:.2}%, lag p50 {:.2} ms p99 {:.2} ms, ack p99 {:.2} ms",
            p.dispatched,
            p.scheduled,
            p.achieved_rate,
            p.error_pct,
            p.lag.p50_ms,
            p.lag.p99_ms,
            r.families[0].ack.p99_ms
        );
        if p.error_pct < 1.0 && p.dispatched == p.scheduled {
            best = best.max(rate);
        }
    }
    println!(
        "   highest rate with pacing error under 1%: {best}/s = {:.0}% of the physical limit measured above",
        best as f64 * 100.0 / limit
    );

    println!("3. the reference supplier at 1000 gains/s for {seconds} s (in-process):");
    let p = {
        let text = format!(
            "family = \"gain\"\n[mpans]\nseed = 98\ncount = {n}\n[[stage]]\nkind = \"hold\"\nduration = \"{seconds}s\"\nrate = 1000\n[cap]\nmessages = {n}\ntime = \"60s\"\n",
            n = 1000 * seconds
        );
        let path = dir.path().join("reference.toml");
        std::fs::write(&path, text).expect("writes the profile");
        Profile::load(&path).expect("a good profile")
    };
    let r = load::run(
        LoadOptions {
            config: load::reference_config("SUP").expect("the reference configuration"),
            systems: SystemUnderTest::Reference(std::collections::HashSet::new()),
            profile: p,
            schemas_dir: None,
            stubs_dir: None,
        },
        std::future::pending(),
        None,
    )
    .await
    .expect("the load runs")
    .report;
    let f = &r.families[0];
    let reaction = f.reaction.clone().unwrap_or_default();
    println!(
        "   sent {}, acknowledged {}, errors {}; ack p50 {:.2} ms p99 {:.2} ms p99.9 {:.2} ms max {:.2} ms; reactions {}/{} p99 {:.1} ms; lost {}; pacing error {:.2}%; resident {:.0} MB",
        f.sent,
        f.acknowledged,
        f.errors,
        f.ack.p50_ms,
        f.ack.p99_ms,
        f.ack.p999_ms,
        f.ack.max_ms,
        f.reactions_received,
        f.reactions_expected,
        reaction.p99_ms,
        r.lost_count,
        r.pacing.error_pct,
        rss_mb()
    );
}
