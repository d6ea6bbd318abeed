//! `mhhs-qual sandbox` and `mhhs-qual send`: the E2E sandbox by hand.
#![expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the command line is where output is printed"
)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use serde_json::Value;

use crate::config;
use crate::exit;
use crate::journal::{Direction, Entry};
use crate::sandbox::{Sandbox, SandboxOptions, messages_of};
use crate::session::SystemUnderTest;

/// Where the live endpoint listens unless told otherwise.
pub const DEFAULT_LIVE: &str = "127.0.0.1:7480";

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// The sandbox's configuration: a [[participant]] per real system.
    #[arg(long, short)]
    config: PathBuf,
    /// The journal's database (SQLite; made if need be). A sandbox started again on the same
    /// file continues its journal and delivers the messages it held.
    #[arg(long, default_value = "sandbox.db")]
    database: PathBuf,
    /// Where the live endpoint listens (`GET /journal?since=SEQ`, the page at `/`).
    #[arg(long, default_value = DEFAULT_LIVE)]
    listen: SocketAddr,
    /// Play every participant of the configuration with the built-in reference participant of
    /// its role, in this process (a sandbox to try things against).
    #[arg(long)]
    references: bool,
    /// With --references: switch a fault on, as ROLE:fault (`MSS:no-appointment-response`).
    #[arg(long = "fault", value_name = "ROLE:FAULT", requires = "references")]
    faults: Vec<String>,
    /// Where the report is written when the sandbox stops.
    #[arg(long, default_value = "sandbox-report")]
    report_dir: PathBuf,
    /// A schema folder of one's own instead of the shipped schemas.
    #[arg(long)]
    schemas: Option<PathBuf>,
    /// A stubs folder of one's own (counterparties.toml, sandbox.toml, templates/).
    #[arg(long)]
    stubs: Option<PathBuf>,
    /// Run an end-to-end pack (`e2e`) through the sandbox, write its report (JUnit, results,
    /// HTML) to --report-dir and stop, with the run's exit status.
    #[arg(long)]
    pack: Option<String>,
    /// With --pack: a tag expression selecting scenarios.
    #[arg(long, requires = "pack")]
    tags: Option<String>,
}

pub async fn sandbox(args: SandboxArgs) -> u8 {
    if let Some(pack) = &args.pack {
        let run = super::RunArgs {
            config: (!args.references).then(|| args.config.clone()),
            pack: Some(pack.clone()),
            features: Vec::new(),
            tags: args.tags.clone(),
            shard: None,
            report_dir: args.report_dir.clone(),
            concurrency: None,
            schemas: args.schemas.clone(),
            stubs: args.stubs.clone(),
            faults: args.faults.clone(),
            dry_run: false,
        };
        return super::run_through(run, Some(args.database.clone()), Some(args.listen)).await;
    }
    let (config, warnings) = match config::load(&args.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let systems = if args.references {
        SystemUnderTest::Reference(args.faults.iter().cloned().collect())
    } else {
        SystemUnderTest::External
    };
    let sandbox = match Sandbox::start(
        config,
        SandboxOptions {
            database: args.database.clone(),
            listen: args.listen,
            systems,
            schemas_dir: args.schemas.clone(),
            stubs_dir: args.stubs.clone(),
            retain: false,
            journal: None,
            max_pages: None,
        },
    )
    .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let printer = print_lines(&sandbox);
    eprintln!(
        "sandbox: DIP at {}, live journal at {}/ (NDJSON at {}/journal?since=0), journal in {}; Ctrl-C to stop",
        sandbox.harness.stub.uri(),
        sandbox.live_url(),
        sandbox.live_url(),
        args.database.display()
    );
    for p in sandbox.harness.parties.systems() {
        eprintln!(
            "  {} at {}",
            p.label(),
            p.system()
                .map(|s| s.webhook_url.as_str())
                .unwrap_or_default()
        );
    }
    match sandbox.store.held(None) {
        Ok(held) if !held.is_empty() => {
            eprintln!(
                "delivering the {} message(s) held before the restart",
                held.len()
            );
            match sandbox.redeliver(None).await {
                Ok((taken, again)) => eprintln!("held messages: {taken} taken, {again} held again"),
                Err(e) => eprintln!("error: the held messages: {e}"),
            }
        }
        Ok(_) => {}
        Err(e) => eprintln!("error: the held messages: {e}"),
    }
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("stopping: waiting for messages on their way");
    sandbox.harness.stub.flush().await;
    settle(&sandbox).await;
    drop(printer);
    let code = match write_report(&sandbox, &args.report_dir) {
        Ok(summary) => {
            eprintln!("{summary}");
            eprintln!("report in {}", args.report_dir.display());
            exit::PASSED
        }
        Err(e) => {
            eprintln!(
                "error: cannot write the report to {}: {e}",
                args.report_dir.display()
            );
            exit::FAILED
        }
    };
    if let Some(problem) = sandbox.broken.lock().expect("sandbox lock").clone() {
        eprintln!("error: {problem}");
        return exit::FAILED;
    }
    code
}

/// Waits until nothing has been recorded for half a second, at most 10 s: deliveries and
/// reactions on their way finish and are journaled before the report.
async fn settle(sandbox: &Sandbox) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut last = sandbox.harness.journal.recorded();
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = sandbox.harness.journal.recorded();
        if now == last {
            return;
        }
        last = now;
    }
}

/// Prints each routed message as one line as it passes; the tap comes off when the guard is
/// dropped.
fn print_lines(sandbox: &Sandbox) -> impl Drop {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let id = sandbox
        .harness
        .journal
        .tap_forever(Arc::new(move |e: &Entry| {
            let _ = tx.send(line(e));
        }));
    tokio::spawn(async move {
        while let Some(l) = rx.recv().await {
            let mut out = std::io::stdout().lock();
            if writeln!(out, "{l}").is_err() {
                break;
            }
        }
    });
    Untap(sandbox.harness.journal.clone(), id)
}

struct Untap(Arc<crate::journal::Journal>, u64);

impl Drop for Untap {
    fn drop(&mut self) {
        self.0.untap(self.1);
    }
}

/// One line of the live view: `#12 SUP 2300000001 -> REGS 2200000001 IF-031 [MSApp] 1234567890123 201 accepted`.
fn line(e: &Entry) -> String {
    let arrow = match e.direction {
        Direction::Ingress => "submits",
        Direction::Egress => "delivered",
        Direction::Note => "note",
    };
    let bad: Vec<&str> = e
        .verdicts
        .iter()
        .filter(|v| !v.ok)
        .map(|v| v.check.as_str())
        .collect();
    format!(
        "#{} {} {} -> {} {} {} {} {} {}{}",
        e.seq,
        arrow,
        e.from.as_deref().unwrap_or("-"),
        if e.to.is_empty() {
            "-".to_owned()
        } else {
            e.to.join(", ")
        },
        e.interface.as_deref().unwrap_or("-"),
        e.event.as_deref().unwrap_or("-"),
        e.mpan.as_deref().unwrap_or("-"),
        e.status.map_or_else(|| "-".to_owned(), |s| s.to_string()),
        e.outcome,
        if bad.is_empty() {
            String::new()
        } else {
            format!(" [failed: {}]", bad.join(", "))
        }
    )
}

/// The report of what passed: the journal as NDJSON (exported from the database) and a
/// summary by interface and outcome.
fn write_report(sandbox: &Sandbox, dir: &std::path::Path) -> std::io::Result<String> {
    std::fs::create_dir_all(dir)?;
    let file = std::fs::File::create(dir.join("journal.ndjson"))?;
    let mut out = std::io::BufWriter::new(file);
    let count = sandbox
        .store
        .export_ndjson(&mut out)
        .map_err(std::io::Error::other)?;
    out.flush()?;
    let mut by: std::collections::BTreeMap<String, (u64, u64)> = std::collections::BTreeMap::new();
    let mut after = 0;
    loop {
        let page = sandbox
            .store
            .since(after, 5000)
            .map_err(std::io::Error::other)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            if e.direction == Direction::Note {
                continue;
            }
            let key = format!(
                "{} {} {}",
                match e.direction {
                    Direction::Ingress => "submitted",
                    _ => "delivered",
                },
                e.interface.as_deref().unwrap_or("?"),
                e.event.as_deref().unwrap_or("?")
            );
            let slot = by.entry(key).or_default();
            if e.status == Some(201) {
                slot.0 += 1;
            } else {
                slot.1 += 1;
            }
        }
    }
    let held = sandbox
        .store
        .held(None)
        .map(|h| h.len())
        .unwrap_or_default();
    let summary = serde_json::json!({
        "entries": count,
        "held": held,
        "messages": by.iter().map(|(k, (ok, not))| serde_json::json!({"what": k, "taken": ok, "not_taken": not})).collect::<Vec<_>>(),
    });
    std::fs::write(
        dir.join("summary.json"),
        serde_json::to_vec_pretty(&summary).unwrap_or_default(),
    )?;
    let mut text = format!("{count} journal entries, {held} message(s) held");
    for (k, (ok, not)) in &by {
        let _ = write!(text, "\n  {k}: {ok} taken, {not} not");
    }
    Ok(text)
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// The sandbox's configuration.
    #[arg(long, short)]
    config: PathBuf,
    /// The role to send as: a participant's (signed with --signing-key and submitted to the
    /// DIP with its API key) or a stubbed party's (REGS, MDR, MDS ...: injected through the
    /// sandbox's live endpoint).
    #[arg(long = "as", value_name = "ROLE")]
    role: String,
    /// Which participant of that role, by DIP ID (default: the first).
    #[arg(long, value_name = "DIP_ID")]
    dip_id: Option<String>,
    /// The private key of the participant's certificate.
    #[arg(long, value_name = "FILE")]
    signing_key: Option<PathBuf>,
    /// The sandbox's live endpoint.
    #[arg(long, default_value = "http://127.0.0.1:7480")]
    sandbox: String,
    /// How long to follow the message through the sandbox afterwards.
    #[arg(long, default_value = "3s", value_parser = humantime::parse_duration)]
    follow: Duration,
    /// The message: one DIP message (CommonBlock, CustomBlock) or the DIP's array form.
    file: PathBuf,
}

pub async fn send(args: SendArgs) -> u8 {
    let (config, _) = match config::load(&args.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let text = match std::fs::read(&args.file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", args.file.display());
            return exit::MISCONFIGURED;
        }
    };
    let body: Value = match serde_json::from_slice(&text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "error: {}:{}:{}: not JSON: {e}",
                args.file.display(),
                e.line(),
                e.column()
            );
            return exit::MISCONFIGURED;
        }
    };
    let messages = match messages_of(&body) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {}: {e}", args.file.display());
            return exit::MISCONFIGURED;
        }
    };
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: the HTTP client: {e}");
            return exit::FAILED;
        }
    };
    let base = args.sandbox.trim_end_matches('/').to_owned();
    let mark = last_seq(&client, &base).await;
    let participant = config
        .participants
        .iter()
        .find(|p| p.role == args.role && args.dip_id.as_ref().is_none_or(|id| &p.dip_id == id));
    let code = match participant {
        Some(p) => submit(&args, &config, p, &client, &messages).await,
        None if config.counterparty(&args.role).is_some() => {
            inject(&client, &base, &args.role, &body).await
        }
        None => {
            eprintln!(
                "error: --as {}: {} has no participant or counterparty of that role",
                args.role,
                args.config.display()
            );
            return exit::MISCONFIGURED;
        }
    };
    if code == exit::PASSED
        && let Some(mark) = mark
    {
        follow(&client, &base, mark, &messages, args.follow).await;
    }
    code
}

/// The sandbox's latest journal number, when it can be reached.
async fn last_seq(client: &reqwest::Client, base: &str) -> Option<u64> {
    let r = client.get(format!("{base}/status")).send().await.ok()?;
    let v: Value = r.json().await.ok()?;
    v.get("last_seq").and_then(Value::as_u64)
}

/// Signs and submits each message to the DIP as `p`.
async fn submit(
    args: &SendArgs,
    config: &config::Config,
    p: &config::Participant,
    client: &reqwest::Client,
    messages: &[Value],
) -> u8 {
    use crate::security::signature::Signer;
    let signer = match (&args.signing_key, &p.certificate) {
        (Some(key), Some(cert)) => match Signer::load(cert, key) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::MISCONFIGURED;
            }
        },
        (None, Some(_)) => {
            eprintln!(
                "error: {} is signed with the key of participant.certificate: give it with --signing-key",
                p.dip_id
            );
            return exit::MISCONFIGURED;
        }
        _ => None,
    };
    let scheme = if config.dip.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let mut code = exit::PASSED;
    for m in messages {
        let interface = m
            .pointer("/CommonBlock/S0/interfaceID")
            .and_then(Value::as_str)
            .unwrap_or("IF-000");
        let url = format!("{scheme}://{}/dip-channel/{interface}", config.dip.listen);
        let body = serde_json::to_vec(&serde_json::json!([{ "payload": m }])).unwrap_or_default();
        let mut request = client
            .post(&url)
            .header("content-type", "application/json")
            .header("x-api-key", p.api_key.expose());
        if let Some(s) = &signer {
            let signature = s.sign("POST", &url, &body, time::OffsetDateTime::now_utc());
            for (name, value) in signature.headers() {
                request = request.header(name, value);
            }
        }
        match request.body(body).send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                let text = r.text().await.unwrap_or_default();
                println!("{interface}: the DIP answered {status}: {text}");
                if status != 201 {
                    code = exit::FAILED;
                }
            }
            Err(e) => {
                eprintln!("error: {url}: {e}");
                code = exit::FAILED;
            }
        }
    }
    code
}

/// Injects the messages through the sandbox as a stubbed party.
async fn inject(client: &reqwest::Client, base: &str, role: &str, body: &Value) -> u8 {
    match client
        .post(format!("{base}/inject?as={role}"))
        .json(body)
        .send()
        .await
    {
        Ok(r) if r.status().as_u16() == 202 => {
            println!("injected as {role}: {}", r.text().await.unwrap_or_default());
            exit::PASSED
        }
        Ok(r) => {
            let status = r.status().as_u16();
            eprintln!(
                "error: the sandbox answered {status}: {}",
                r.text().await.unwrap_or_default()
            );
            exit::FAILED
        }
        Err(e) => {
            eprintln!("error: the sandbox at {base} cannot be reached: {e}");
            exit::FAILED
        }
    }
}

/// Prints where the messages went: the sandbox's journal entries about their MPANs after
/// `mark`, for `time`.
async fn follow(
    client: &reqwest::Client,
    base: &str,
    mut mark: u64,
    messages: &[Value],
    time: Duration,
) {
    let mpans: Vec<String> = messages
        .iter()
        .filter_map(|m| {
            m.pointer("/CommonBlock/M0/MPANCore")
                .and_then(Value::as_str)
        })
        .map(str::to_owned)
        .collect();
    let deadline = tokio::time::Instant::now() + time;
    while tokio::time::Instant::now() < deadline {
        if let Ok(r) = client
            .get(format!("{base}/journal?since={mark}"))
            .send()
            .await
            && let Ok(text) = r.text().await
        {
            for l in text.lines() {
                let Ok(e) = serde_json::from_str::<Entry>(l) else {
                    continue;
                };
                mark = mark.max(e.seq);
                if e.mpan.as_ref().is_some_and(|m| mpans.contains(m)) {
                    println!("{}", line(&e));
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
