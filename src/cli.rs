//! The `mhhs-qual` command line: parsing, one error type mapped to the exit statuses of
//! [`crate::exit`], and the printing of results (library code never prints).
#![expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the command line is where output is printed"
)]

use std::io::IsTerminal as _;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

mod author;
mod certs;
mod data;
mod load;
mod report;
mod sandbox;

use crate::config::{self, Problem};
use crate::exit;
use crate::report::Status;
use crate::runner::{self, Pack, RunError, RunOptions};
use crate::session::HarnessError;
use crate::sut::{Reference, ReferenceSettings};

mod spec;

/// Qualification and end-to-end sandbox harness for MHHS DIP participants.
///
/// Without a command, runs every shipped pack against the built-in reference participants and
/// writes the report to report/.
#[derive(Debug, Parser)]
#[command(name = "mhhs-qual", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run qualification scenarios against a system (or the built-in reference participants).
    Run(RunArgs),
    /// Check a configuration file and report every problem in it before anything runs.
    CheckConfig {
        /// The configuration file (TOML).
        file: PathBuf,
    },
    /// Put a paced load on a system (or a built-in reference participant): signed deliveries
    /// at the profile's arrival rate, the stub DIP throttling and interrupting the system's own
    /// traffic as the profile says, and a verdict on latency, limits and anything lost. Exit 0
    /// every objective held, 1 one did not (or the run was interrupted), 2 misconfigured.
    Load(load::LoadArgs),
    /// Run a reference participant on its own, as a system under test to point a harness at.
    Reference(ReferenceArgs),
    /// The E2E sandbox: the stub DIP and every stubbed role as a long-lived router between the
    /// configuration's [[participant]] systems. Shows each routed message as it passes, serves
    /// the live journal (GET /journal?since=SEQ) and writes it to a database as it goes; Ctrl-C
    /// stops it and writes the report.
    Sandbox(sandbox::SandboxArgs),
    /// Send a message into a running sandbox by hand, as a participant (signed, with its API
    /// key) or as a stubbed party (REGS, MDR ...), and follow where it goes. Exit 0 accepted, 1
    /// refused or unreachable, 2 a file or configuration that is not right.
    Send(sandbox::SendArgs),
    /// Prompt a reference participant run with `mhhs-qual reference`: the prompt command of
    /// a configuration (CONTRACT-ROLES.md §6.7). Reads the prompt's JSON on stdin and posts it
    /// to URL/ACTION. Exit 0 accepted, 3 declined, 1 anything else (the reason on stderr).
    Prompt(PromptArgs),
    /// List the packs: the shipped ones, or those of the given folders, with the role each
    /// qualifies and its scenario count.
    Packs {
        /// Pack folders (with a pack.toml) to list instead of the shipped packs.
        folders: Vec<PathBuf>,
    },
    /// Print the step glossary: every phrase scenario authors can use.
    Steps,
    /// Check feature files before anything runs: undefined steps, bad parameter values, QT
    /// ids, tags, @catches, @prompted, Gherkin syntax. Exit 0 clean, 1 findings, 2
    /// unreadable input.
    Check(author::CheckArgs),
    /// Render every shipped pack as a document in Markdown and HTML: its role, contract
    /// sections, each QT id with its scenario and the faults it catches, and the step glossary
    /// with an example of each phrase.
    Docs {
        /// The folder to write (made if need be).
        #[arg(long)]
        out: PathBuf,
    },
    /// Start something new: a pack.
    #[command(subcommand)]
    New(author::NewCommand),
    /// Import the official DIP specification, or see what a release changes.
    #[command(subcommand)]
    Schemas(spec::SchemasCommand),
    /// Validate message files offline, as the DIP's /validate/{IF}/{event} endpoint does.
    /// Exit 0 valid, 1 invalid, 2 unreadable input.
    Validate(spec::ValidateArgs),
    /// Test data for participants to load into their own systems.
    #[command(subcommand)]
    Testdata(data::TestdataCommand),
    /// Data-quality checks on a participant's registration and meter extract.
    #[command(subcommand)]
    Data(data::DataCommand),
    /// Write the certificates and keys of a test set-up: the DIP signing certificate the
    /// system must trust, a signing key pair for the system, and a test CA with TLS
    /// certificates for both sides.
    Certs(certs::CertsArgs),
    /// Work on report folders: merge the reports of sharded runs, bundle a report as signed
    /// evidence for an assessor, or verify a bundle.
    #[command(subcommand)]
    Report(report::ReportCommand),
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The participant's configuration (TOML). Without it, the built-in reference participants run.
    #[arg(long, short)]
    config: Option<PathBuf>,
    /// A pack to run: a shipped pack's name (see `mhhs-qual packs`) or a folder with a
    /// pack.toml.
    #[arg(long, conflicts_with = "features")]
    pack: Option<String>,
    /// Feature files or folders to run instead of a shipped pack.
    features: Vec<PathBuf>,
    /// A tag expression selecting scenarios, e.g. "@QT-SUP-030 or @S6".
    #[arg(long)]
    tags: Option<String>,
    /// Run only shard K of N of the selected scenarios (K/N, 1 <= K <= N), e.g. 2/4; merge
    /// the shards' reports with `mhhs-qual report merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<runner::Shard>,
    /// Where junit.xml, results.json, journal.ndjson, cucumber.json, index.html and the
    /// message sequence charts (msc/) are written.
    #[arg(long, default_value = "report")]
    report_dir: PathBuf,
    /// Scenarios run at once (default 1 against an external system, 8 against the reference).
    #[arg(long)]
    concurrency: Option<usize>,
    /// A schema folder of one's own instead of the shipped schemas.
    #[arg(long)]
    schemas: Option<PathBuf>,
    /// A stubs folder of one's own (counterparties.toml, templates/).
    #[arg(long)]
    stubs: Option<PathBuf>,
    /// Switch a fault on in the built-in reference participant (see `mhhs-qual reference --list-faults`).
    #[arg(long = "fault", value_name = "FAULT")]
    faults: Vec<String>,
    /// List the scenarios that would run (QT id, file:line) and what they need
    /// (counterparties, reactions, prompts), and check that the configuration provides it,
    /// without starting anything or writing a report. Exit 0 when the run could start, 2 when
    /// not.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Args)]
struct ReferenceArgs {
    /// The role to play (a role with a reference behaviour: SUP today).
    #[arg(long, default_value = "SUP")]
    role: String,
    /// Which [[participant]] of the configuration to play, by DIP ID (default: the first).
    #[arg(long, value_name = "DIP_ID")]
    dip_id: Option<String>,
    /// The configuration naming the participant, its webhook (where this listens) and the DIP.
    #[arg(long, short, required_unless_present = "list_faults")]
    config: Option<PathBuf>,
    /// Switch a fault on.
    #[arg(long = "fault", value_name = "FAULT")]
    faults: Vec<String>,
    /// List the fault switches and exit.
    #[arg(long)]
    list_faults: bool,
    /// The private key of `participant.certificate`: submissions are signed with it, and
    /// deliveries are verified against `dip.signing_certificate`.
    #[arg(long, value_name = "FILE")]
    signing_key: Option<PathBuf>,
    /// The private key of a TLS certificate (`--tls-certificate`) to serve an https webhook
    /// with and to present to an https DIP.
    #[arg(long, value_name = "FILE", requires = "tls_certificate")]
    tls_key: Option<PathBuf>,
    /// The TLS certificate going with `--tls-key`.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_certificate: Option<PathBuf>,
    /// The CA the DIP's TLS certificates chain to (trust for an https DIP, and client
    /// certificates required on an https webhook).
    #[arg(long, value_name = "FILE")]
    tls_ca: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct PromptArgs {
    /// The reference participant's prompt URL, as `mhhs-qual reference` prints it
    /// (`http://127.0.0.1:7401/prompt`).
    #[arg(long)]
    url: String,
    /// The CA an https URL's certificate chains to.
    #[arg(long, value_name = "FILE")]
    tls_ca: Option<PathBuf>,
    /// A client certificate to present to an https URL that asks for one (with `--tls-key`).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_certificate: Option<PathBuf>,
    /// The private key of `--tls-certificate`.
    #[arg(long, value_name = "FILE", requires = "tls_certificate")]
    tls_key: Option<PathBuf>,
    /// The action (`install-meter`, `energise`, `submit-consumption` ...).
    action: String,
}

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("MHHS_QUAL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::MISCONFIGURED);
        }
    };
    let code = runtime.block_on(async {
        match cli.command {
            None => {
                run(RunArgs {
                    config: None,
                    pack: None,
                    features: Vec::new(),
                    tags: None,
                    shard: None,
                    report_dir: PathBuf::from("report"),
                    concurrency: None,
                    schemas: None,
                    stubs: None,
                    faults: Vec::new(),
                    dry_run: false,
                })
                .await
            }
            Some(Command::Run(args)) => run(args).await,
            Some(Command::CheckConfig { file }) => check_config(&file).await,
            Some(Command::Reference(args)) => reference(args).await,
            Some(Command::Sandbox(args)) => sandbox::sandbox(args).await,
            Some(Command::Send(args)) => sandbox::send(args).await,
            Some(Command::Load(args)) => load::load(args).await,
            Some(Command::Prompt(args)) => prompt(args).await,
            Some(Command::Packs { folders }) => packs(&folders),
            Some(Command::Steps) => {
                print!("{}", crate::steps::glossary());
                exit::PASSED
            }
            Some(Command::Check(args)) => author::check(&args),
            Some(Command::Docs { out }) => author::docs(&out),
            Some(Command::New(c)) => author::new(c),
            Some(Command::Schemas(command)) => spec::schemas(command),
            Some(Command::Validate(args)) => spec::validate(&args),
            Some(Command::Testdata(c)) => data::testdata(c),
            Some(Command::Data(c)) => data::data(c),
            Some(Command::Certs(args)) => certs::certs(&args),
            Some(Command::Report(c)) => report::report(c),
        }
    });
    runtime.shutdown_timeout(Duration::from_millis(200));
    ExitCode::from(code)
}

/// Lists packs: name, role, scenario count, location and title.
fn packs(folders: &[PathBuf]) -> u8 {
    let found = if folders.is_empty() {
        Pack::shipped()
    } else {
        folders.iter().map(|f| Pack::from_dir(f)).collect()
    };
    let packs = match found {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    for p in packs {
        let scenarios = match runner::Features::of_packs(std::slice::from_ref(&p)) {
            Ok(f) => f.scenarios().count(),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::MISCONFIGURED;
            }
        };
        let m = &p.manifest;
        let aliases = if m.aliases.is_empty() {
            String::new()
        } else {
            format!(" (alias {})", m.aliases.join(", "))
        };
        println!(
            "{:<10} {:<6} {:>4} scenarios  {}{aliases}
{:<22}{}",
            m.name, m.role, scenarios, p.location, "", m.title
        );
    }
    exit::PASSED
}

async fn run(args: RunArgs) -> u8 {
    run_through(args, None, None).await
}

/// A run; end-to-end packs go through a sandbox on `database` when one is given (`mhhs-qual
/// sandbox --pack`), with its live endpoint at `listen`.
async fn run_through(
    args: RunArgs,
    database: Option<PathBuf>,
    listen: Option<std::net::SocketAddr>,
) -> u8 {
    let dry_run = args.dry_run;
    let faults = args.faults;
    let options = RunOptions {
        config: args.config,
        pack: args.pack,
        paths: args.features,
        tags: args.tags,
        shard: args.shard,
        report_dir: args.report_dir,
        concurrency: args.concurrency,
        schemas_dir: args.schemas,
        stubs_dir: args.stubs,
        faults,
        progress: std::io::stderr().is_terminal(),
        reference_tls: true,
        stop: None,
        sandbox_database: database,
        sandbox_listen: listen,
    };
    if dry_run {
        return plan(&options);
    }
    match runner::run(options).await {
        Ok(outcome) => {
            for s in outcome
                .scenarios
                .iter()
                .filter(|s| s.status != Status::Passed)
            {
                eprintln!(
                    "\n{:?}: {} {} ({}:{})\n{}",
                    s.status,
                    s.qt_id().unwrap_or(""),
                    s.name,
                    s.feature_path,
                    s.line,
                    indent(s.failure.as_deref().unwrap_or(""))
                );
            }
            for s in outcome.scenarios.iter().filter(|s| !s.warnings.is_empty()) {
                eprintln!(
                    "\n{:?} with warnings: {} {} ({}:{})\n{}",
                    s.status,
                    s.qt_id().unwrap_or(""),
                    s.name,
                    s.feature_path,
                    s.line,
                    indent(&crate::report::junit::warning_lines(s))
                );
            }
            if !outcome.undefined.is_empty() {
                eprintln!(
                    "\nerror: undefined steps (no step definition matches; see `mhhs-qual steps`):"
                );
                for u in &outcome.undefined {
                    eprintln!("  {u}");
                }
            }
            let t = outcome.totals;
            if let Some(shard) = outcome.shard {
                if t.scenarios == 0 {
                    eprintln!(
                        "shard {shard}: none of the {} selected scenarios falls in this shard; nothing ran, and an empty report was written (exit 0)",
                        outcome.selected
                    );
                } else {
                    eprintln!(
                        "shard {shard}: {} of the {} selected scenarios",
                        t.scenarios, outcome.selected
                    );
                }
            }
            let warned = if t.warnings > 0 {
                format!(
                    ", {} (they do not fail them)",
                    crate::report::results::warnings_in(t)
                )
            } else {
                String::new()
            };
            eprintln!(
                "\n{} scenarios: {} passed, {} failed, {} errors{warned}{}; report in {}",
                t.scenarios,
                t.passed,
                t.failed,
                t.errors,
                if outcome.interrupted {
                    " (interrupted)"
                } else {
                    ""
                },
                outcome.report_dir.display()
            );
            println!("{} passed, {} failed", t.passed, t.failed + t.errors);
            outcome.exit
        }
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(hint) = hint(&e) {
                eprintln!("hint: {hint}");
            }
            exit::MISCONFIGURED
        }
    }
}

/// `run --dry-run`: the scenarios that would run and what they need; nothing starts.
fn plan(options: &RunOptions) -> u8 {
    let plan = match runner::plan(options) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(hint) = hint(&e) {
                eprintln!("hint: {hint}");
            }
            return exit::MISCONFIGURED;
        }
    };
    println!(
        "dry run: nothing is started; configuration {}{}",
        plan.config_source,
        if plan.reference {
            " (the built-in reference participants)"
        } else {
            ""
        }
    );
    for p in &plan.packs {
        println!("pack {} qualifies {} ({})", p.name, p.role, p.location);
        let counterparties: Vec<String> = p
            .counterparties
            .iter()
            .map(|(role, id)| match id {
                Some(id) => format!("{role} {id}"),
                None => format!("{role} MISSING"),
            })
            .collect();
        if !counterparties.is_empty() {
            println!("  counterparties: {}", counterparties.join(", "));
        }
        for r in &p.reactions {
            println!("  reaction: {r}");
        }
        match &p.testdata {
            Some(Some(t)) => println!("  test data: {t}"),
            Some(None) => println!("  test data: MISSING"),
            None => {}
        }
        if plan.scenarios.iter().any(|s| s.prompted) {
            match (&p.prompt_command, plan.reference) {
                (Some(c), _) => println!("  prompt command: {c}"),
                (None, true) => {
                    println!("  prompts: answered by the built-in reference participant");
                }
                (None, false) => println!("  prompt command: MISSING"),
            }
        }
    }
    for s in &plan.scenarios {
        println!(
            "{:<12} {}:{}  {}{}",
            s.qt_id.as_deref().unwrap_or("(no QT id)"),
            s.path,
            s.line,
            s.name,
            if s.prompted { "  [prompted]" } else { "" }
        );
        for step in &s.prompts {
            println!("{:<14}prompt: {step}", "");
        }
    }
    let ids: std::collections::BTreeSet<&str> = plan
        .scenarios
        .iter()
        .filter_map(|s| s.qt_id.as_deref())
        .collect();
    let shard = plan
        .shard
        .map(|s| format!(" (shard {s} of {} selected)", plan.selected))
        .unwrap_or_default();
    for problem in &plan.problems {
        eprintln!("error: {problem}");
        if let Some(hint) = hint(problem) {
            eprintln!("hint: {hint}");
        }
    }
    if plan.problems.is_empty() {
        println!(
            "{} scenarios would run{shard} ({} QT ids); the configuration provides what they need",
            plan.scenarios.len(),
            ids.len()
        );
        exit::PASSED
    } else {
        println!(
            "{} scenarios selected{shard} ({} QT ids), but the run could not start: {} problem(s)",
            plan.scenarios.len(),
            ids.len(),
            plan.problems.len()
        );
        exit::MISCONFIGURED
    }
}

fn hint(e: &RunError) -> Option<&'static str> {
    match e {
        RunError::Config(_) => {
            Some("`mhhs-qual check-config FILE` checks a configuration without running anything")
        }
        RunError::Harness(HarnessError::Port { .. }) => {
            Some("change [dip] listen, or stop the process holding the port")
        }
        RunError::Harness(HarnessError::Reference(_)) => {
            Some("`mhhs-qual reference --role ROLE --list-faults` lists the fault switches")
        }
        RunError::WrongRole { .. } => {
            Some("pick the pack of the participant's role (`mhhs-qual packs`)")
        }
        RunError::NoScenarios(_) => Some("check --tags, --pack and the feature paths"),
        _ => None,
    }
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The certificate and key files a configuration names: readable, parsing, keys matching
/// their certificates, not expired; private keys not readable by others (a warning).
fn security_problems(c: &config::Config) -> Vec<Problem> {
    use crate::security::{signature, tls};
    let mut out = Vec::new();
    let mut push = |key: &str, found: Vec<tls::FileProblem>| {
        for p in found {
            out.push(Problem {
                location: p.path.display().to_string(),
                key: key.to_owned(),
                message: p.message,
                warning: p.warning,
            });
        }
    };
    match &c.dip.signing {
        Some(f) => {
            let found = tls::check_pair(&f.certificate, &f.key);
            let usable = found.iter().all(|p| p.warning);
            let (certificate, key) = by_file(found, &f.certificate, &f.key);
            push("dip.signing_certificate", certificate);
            push("dip.signing_key", key);
            if usable && let Err(e) = signature::Signer::load(&f.certificate, &f.key) {
                push(
                    "dip.signing_key",
                    vec![tls::FileProblem {
                        path: f.key.clone(),
                        message: e.to_string(),
                        warning: false,
                    }],
                );
            }
        }
        None => push(
            "dip.signing_certificate",
            vec![tls::FileProblem {
                path: c.source.clone().into(),
                message: "missing: deliveries are signed with it and the system must trust it (`mhhs-qual certs --out DIR` writes a set)".into(),
                warning: false,
            }],
        ),
    }
    match &c.participant().certificate {
        Some(p) => {
            let found = tls::check_certificate(p);
            let usable = found.iter().all(|p| p.warning);
            push("participant.certificate", found);
            if usable && let Err(e) = signature::Verifier::load(p, c.dip.clock_skew) {
                push(
                    "participant.certificate",
                    vec![tls::FileProblem {
                        path: p.clone(),
                        message: e.to_string(),
                        warning: false,
                    }],
                );
            }
        }
        None => push(
            "participant.certificate",
            vec![tls::FileProblem {
                path: c.source.clone().into(),
                message:
                    "missing: every submission is verified against the system's signing certificate"
                        .into(),
                warning: false,
            }],
        ),
    }
    if let Some(f) = &c.dip.tls {
        let (certificate, key) = by_file(
            tls::check_pair(&f.certificate, &f.key),
            &f.certificate,
            &f.key,
        );
        push("dip.tls_certificate", certificate);
        push("dip.tls_key", key);
    }
    if let Some(p) = &c.dip.client_ca {
        push("dip.client_ca", tls::check_certificate(p));
    }
    if let Some(p) = &c.participant().webhook_ca {
        push("participant.webhook_ca", tls::check_certificate(p));
    }
    out
}

/// The problems of a certificate and key pair: those in the certificate file, then the rest
/// (the key file's, and a key that is not the certificate's; all of them when the two are one
/// file).
fn by_file(
    found: Vec<crate::security::tls::FileProblem>,
    certificate: &std::path::Path,
    key: &std::path::Path,
) -> (
    Vec<crate::security::tls::FileProblem>,
    Vec<crate::security::tls::FileProblem>,
) {
    found
        .into_iter()
        .partition(|p| certificate != key && p.path == certificate)
}

/// The prompt commands a configuration names: each program a file that can run (a path) or
/// found on `PATH` (a bare name).
fn prompt_problems(c: &config::Config) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, p) in c.participants.iter().enumerate() {
        let Some(command) = c.prompt_command(p) else {
            continue;
        };
        let key = if p.prompts.is_some() {
            "participant.prompts"
        } else if i == 0 {
            "prompts.command"
        } else {
            continue; // the shared command is checked once, with the first participant
        };
        if let Err(message) = runnable(&command.program) {
            out.push(Problem {
                location: c.source.clone(),
                key: key.to_owned(),
                message: format!("{}: {message}", command.program.display()),
                warning: false,
            });
        }
    }
    out
}

/// Whether a program can be run: a path to an executable file, or a bare name found on `PATH`.
fn runnable(program: &std::path::Path) -> Result<(), String> {
    let executable = |p: &std::path::Path| {
        let Ok(meta) = std::fs::metadata(p) else {
            return false;
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            meta.is_file() && meta.permissions().mode() & 0o111 != 0
        }
        #[cfg(not(unix))]
        {
            meta.is_file()
        }
    };
    if program.components().count() > 1 || program.is_absolute() {
        return match std::fs::metadata(program) {
            Err(e) => Err(format!("cannot be read: {e}")),
            Ok(_) if !executable(program) => Err("is not an executable file".into()),
            Ok(_) => Ok(()),
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&path).any(|dir| executable(&dir.join(program))) {
        Ok(())
    } else {
        Err("is not found on PATH".into())
    }
}

async fn check_config(file: &std::path::Path) -> u8 {
    let mut problems: Vec<Problem> = Vec::new();
    match config::load(file) {
        Err(e) => problems.extend(e.problems),
        Ok((c, warnings)) => {
            problems.extend(warnings);
            if let Err(e) = TcpListener::bind(c.dip.listen) {
                problems.push(Problem {
                    location: c.source.clone(),
                    key: "dip.listen".into(),
                    message: format!("cannot listen on {}: {e}", c.dip.listen),
                    warning: false,
                });
            }
            problems.extend(security_problems(&c));
            problems.extend(prompt_problems(&c));
            let client = crate::session::egress_client(&c, c.participant());
            if let Err(e) = &client {
                problems.push(Problem {
                    location: c.source.clone(),
                    key: "participant.webhook_url".into(),
                    message: format!("cannot make the client that reaches the webhook: {e}"),
                    warning: false,
                });
            }
            if let Ok(client) = client
                && let Err(e) = client.get(&c.participant().webhook_url).send().await
            {
                problems.push(Problem {
                    location: c.source.clone(),
                    key: "participant.webhook_url".into(),
                    message: format!(
                        "the webhook does not answer within {}: {e}",
                        humantime::format_duration(c.timeouts.ack)
                    ),
                    warning: false,
                });
            }
        }
    }
    for p in &problems {
        eprintln!("{p}");
    }
    let errors = problems.iter().filter(|p| !p.warning).count();
    if errors == 0 {
        println!("{}: usable ({} warning(s))", file.display(), problems.len());
        exit::PASSED
    } else {
        println!("{}: {errors} problem(s)", file.display());
        exit::MISCONFIGURED
    }
}

/// The reference participant's settings from its configuration and flags: it signs with
/// `--signing-key` (the key of `participant.certificate`), verifies deliveries against
/// `dip.signing_certificate`, and speaks TLS as the flags say.
fn reference_settings(
    args: &ReferenceArgs,
    config: &config::Config,
    participant: &config::Participant,
) -> Result<ReferenceSettings, String> {
    use crate::security::signature::{Signer, Verifier};
    use crate::security::tls;
    let https_dip = config.dip.tls.is_some();
    let mut settings = ReferenceSettings::for_participant(
        config,
        participant,
        format!(
            "{}://{}",
            if https_dip { "https" } else { "http" },
            config.dip.listen
        ),
        args.faults.iter().cloned().collect(),
    )
    .map_err(|e| e.to_string())?;
    settings.signer = match (&args.signing_key, &participant.certificate) {
        (Some(key), Some(cert)) => Some(std::sync::Arc::new(
            Signer::load(cert, key).map_err(|e| e.to_string())?,
        )),
        (Some(_), None) => {
            return Err("--signing-key needs participant.certificate in the configuration".into());
        }
        (None, Some(_)) => {
            return Err(
                "participant.certificate is set: give its key with --signing-key to sign submissions"
                    .into(),
            );
        }
        (None, None) => None,
    };
    settings.dip_verifier = match &config.dip.signing {
        Some(files) => Some(std::sync::Arc::new(
            Verifier::load(&files.certificate, config.dip.clock_skew).map_err(|e| e.to_string())?,
        )),
        None => None,
    };
    if https_dip || args.tls_ca.is_some() {
        let identity = args.tls_certificate.as_deref().zip(args.tls_key.as_deref());
        let client = tls::client_builder_from_files(
            reqwest::Client::builder().timeout(Duration::from_secs(10)),
            args.tls_ca.as_deref(),
            identity,
        )
        .map_err(|e| e.to_string())?
        .build()
        .map_err(|e| e.to_string())?;
        settings.client = Some(client);
    }
    Ok(settings)
}

async fn reference(args: ReferenceArgs) -> u8 {
    if args.list_faults {
        let Some(faults) = crate::sut::faults_of(&args.role) else {
            eprintln!(
                "error: no reference participant plays the role {}",
                args.role
            );
            return exit::MISCONFIGURED;
        };
        // A reader that stops early (`| head`) ends the listing, not the program.
        let mut out = std::io::stdout().lock();
        for f in faults {
            if writeln!(out, "{:28} {:3} {}", f.name, f.behaviour, f.what).is_err() {
                break;
            }
        }
        return exit::PASSED;
    }
    let path = args.config.clone().expect("clap requires --config");
    let (config, _) = match config::load(&path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let participant = if let Some(id) = &args.dip_id {
        let Some(p) = config.participants.iter().find(|p| &p.dip_id == id) else {
            eprintln!("error: --dip-id {id}: no [[participant]] of the configuration has it");
            return exit::MISCONFIGURED;
        };
        p.clone()
    } else {
        config.participant().clone()
    };
    if participant.role != args.role {
        eprintln!(
            "error: the participant {} is a {}, not a {} (--role)",
            participant.dip_id, participant.role, args.role
        );
        return exit::MISCONFIGURED;
    }
    let Some(addr) = reqwest::Url::parse(&participant.webhook_url)
        .ok()
        .and_then(|u| u.socket_addrs(|| None).ok())
        .and_then(|a| a.into_iter().next())
    else {
        eprintln!("error: participant.webhook_url names no address to listen on");
        return exit::MISCONFIGURED;
    };
    let listener = match TcpListener::bind(addr) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let settings = match reference_settings(&args, &config, &participant) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let tls = match args.tls_certificate.as_deref().zip(args.tls_key.as_deref()) {
        Some((cert, key)) => {
            match crate::security::tls::server_config_from_files(cert, key, args.tls_ca.as_deref())
            {
                Ok(s) => Some(s),
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::MISCONFIGURED;
                }
            }
        }
        None => None,
    };
    let schemas = match crate::schema::SchemaSet::embedded() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let role = settings.role.clone();
    let reference = match Reference::start(listener, settings, schemas, tls).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot serve the webhook: {e}");
            return exit::MISCONFIGURED;
        }
    };
    eprintln!(
        "reference {role} {} listening at {} (Ctrl-C to stop); its prompt command, for the run's configuration:",
        participant.dip_id,
        reference.webhook_url()
    );
    println!("{}", prompts_lines(&reference.prompt_url(), &args));
    let _ = tokio::signal::ctrl_c().await;
    exit::PASSED
}

/// The `[prompts]` lines that make a run prompt this reference participant through
/// `mhhs-qual prompt` (with its TLS files when its webhook is https).
fn prompts_lines(url: &str, args: &ReferenceArgs) -> String {
    let program = std::env::current_exe()
        .map_or_else(|_| "mhhs-qual".to_owned(), |p| p.display().to_string());
    let mut words = vec![program, "prompt".into(), "--url".into(), url.to_owned()];
    if url.starts_with("https:") {
        let files = [
            ("--tls-ca", &args.tls_ca),
            ("--tls-certificate", &args.tls_certificate),
            ("--tls-key", &args.tls_key),
        ];
        for (flag, file) in files {
            if let Some(f) = file {
                // The harness runs the command from its own folder, not from this one.
                let f = std::path::absolute(f).unwrap_or_else(|_| f.clone());
                words.push(flag.to_owned());
                words.push(f.display().to_string());
            }
        }
    }
    let command = toml::Value::Array(words.into_iter().map(toml::Value::String).collect());
    format!("[prompts]\ncommand = {command}")
}

/// The most of the prompt's JSON that `prompt` reads from stdin.
const PROMPT_INPUT_LIMIT: u64 = 1024 * 1024;

async fn prompt(args: PromptArgs) -> u8 {
    use std::io::Read as _;
    let fail = |message: String| {
        eprintln!("error: {message}");
        exit::FAILED
    };
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin()
        .take(PROMPT_INPUT_LIMIT + 1)
        .read_to_end(&mut input)
    {
        return fail(format!("cannot read the prompt's JSON from stdin: {e}"));
    }
    if input.len() as u64 > PROMPT_INPUT_LIMIT {
        return fail(format!(
            "the prompt's JSON on stdin is over {PROMPT_INPUT_LIMIT} bytes"
        ));
    }
    if let Err(e) = serde_json::from_slice::<serde_json::Value>(&input) {
        return fail(format!("the prompt's JSON on stdin is not JSON: {e}"));
    }
    let builder = reqwest::Client::builder().timeout(Duration::from_secs(60));
    let builder = if args.tls_ca.is_some() || args.tls_certificate.is_some() {
        match crate::security::tls::client_builder_from_files(
            builder,
            args.tls_ca.as_deref(),
            args.tls_certificate.as_deref().zip(args.tls_key.as_deref()),
        ) {
            Ok(b) => b,
            Err(e) => return fail(e.to_string()),
        }
    } else {
        builder
    };
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => return fail(format!("the HTTP client: {e}")),
    };
    let url = format!("{}/{}", args.url.trim_end_matches('/'), args.action);
    let response = match client
        .post(&url)
        .header("content-type", "application/json")
        .body(input)
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => return fail(format!("POST {url}: {e}")),
    };
    let status = response.status().as_u16();
    let body = match response.bytes().await {
        Ok(b) => b,
        Err(e) => return fail(format!("POST {url}: reading the answer: {e}")),
    };
    let answer = serde_json::from_slice::<serde_json::Value>(&body).unwrap_or_default();
    let field = |key: &str| answer.get(key).and_then(serde_json::Value::as_str);
    match (status, field("outcome")) {
        (200, Some("accepted")) => {
            println!("accepted");
            exit::PASSED
        }
        (200, Some("declined")) => {
            eprintln!(
                "declined: {}",
                field("reason").unwrap_or("(no reason given)")
            );
            exit::DECLINED
        }
        _ => {
            let why = field("error").map_or_else(
                || {
                    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]).into_owned();
                    format!("answered {status}: {text}")
                },
                str::to_owned,
            );
            fail(format!("{url} {status}: {why}"))
        }
    }
}
