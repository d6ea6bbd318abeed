//! `mhhs-qual load`: a paced load against a system, with its verdict and report.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::exit;
use crate::load::{self, LoadOptions, Profile, Progress};
use crate::session::SystemUnderTest;

#[derive(Debug, Args)]
pub(super) struct LoadArgs {
    /// The participant's configuration (TOML). Without it, the built-in reference participant
    /// of the profile's role takes the load.
    #[arg(long, short)]
    config: Option<PathBuf>,
    /// The load profile (TOML): message family, MPANs, stages, caps, DIP limits, objectives.
    #[arg(long, short)]
    profile: PathBuf,
    /// Switch a fault of the built-in reference participant on (without --config only).
    #[arg(long = "fault", value_name = "FAULT", conflicts_with = "config")]
    faults: Vec<String>,
    /// Where load.json, load.junit.xml and load.html go.
    #[arg(long, default_value = "report/load")]
    report_dir: PathBuf,
}

pub(super) async fn load(args: LoadArgs) -> u8 {
    let profile = match Profile::load(&args.profile) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let (config, systems) = match &args.config {
        Some(path) => match crate::config::load(path) {
            Ok((c, warnings)) => {
                for w in warnings {
                    eprintln!("warning: {w}");
                }
                (c, SystemUnderTest::External)
            }
            Err(e) => {
                eprintln!("{e}");
                return exit::MISCONFIGURED;
            }
        },
        None => match load::reference_config(profile.family.role()) {
            Ok(c) => (
                c,
                SystemUnderTest::Reference(args.faults.iter().cloned().collect()),
            ),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::MISCONFIGURED;
            }
        },
    };
    if let SystemUnderTest::Reference(faults) = &systems {
        let known = crate::sut::faults_of(profile.family.role()).unwrap_or_default();
        for f in faults {
            if !known.iter().any(|k| k.name == f) {
                eprintln!(
                    "error: unknown fault {f:?} of the reference {}; `mhhs-qual reference --role {} --list-faults` lists them",
                    profile.family.role(),
                    profile.family.role()
                );
                return exit::MISCONFIGURED;
            }
        }
    }
    if let Err(e) = std::fs::create_dir_all(&args.report_dir) {
        eprintln!(
            "error: cannot write the report to {}: {e}",
            args.report_dir.display()
        );
        return exit::MISCONFIGURED;
    }
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} sent  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    });
    let on_progress: Arc<dyn Fn(Progress) + Send + Sync> = if let Some(b) = bar.clone() {
        Arc::new(move |p: Progress| {
            b.set_length(p.total);
            b.set_position(p.sent);
            b.set_message(format!(
                "{}/s  acknowledged {}  reactions {}  errors {}",
                p.rate, p.acknowledged, p.reactions, p.errors
            ));
        })
    } else {
        let last = std::sync::atomic::AtomicU64::new(u64::MAX);
        Arc::new(move |p: Progress| {
            // Plain lines for a log: one every five seconds.
            let five = p.elapsed.as_secs() / 5;
            if last.swap(five, std::sync::atomic::Ordering::Relaxed) != five {
                eprintln!(
                    "load: {:>4}s  sent {}/{}  {}/s  acknowledged {}  reactions {}  errors {}",
                    p.elapsed.as_secs(),
                    p.sent,
                    p.total,
                    p.rate,
                    p.acknowledged,
                    p.reactions,
                    p.errors
                );
            }
        })
    };
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let outcome = load::run(
        LoadOptions {
            config,
            systems,
            profile,
            schemas_dir: None,
            stubs_dir: None,
        },
        stop,
        Some(on_progress),
    )
    .await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let r = &outcome.report;
    if let Err(e) = r.write(&args.report_dir) {
        eprintln!(
            "error: cannot write the report to {}: {e}",
            args.report_dir.display()
        );
        return exit::MISCONFIGURED;
    }
    let f = &r.families[0];
    println!(
        "{}: {} sent, {} acknowledged, {} rejected, {} errors; reactions {}/{}; lost {}, duplicates {}; ack p99 {:.1} ms; pacing error {:.2}%{}",
        r.profile.name,
        f.sent,
        f.acknowledged,
        f.rejected,
        f.errors,
        f.reactions_received,
        f.reactions_expected,
        r.lost_count,
        r.duplicate_count,
        f.ack.p99_ms,
        r.pacing.error_pct,
        if r.complete {
            String::new()
        } else {
            format!(" (partial: {})", r.stopped_by)
        }
    );
    for o in &r.objectives {
        println!(
            "  {} {}: {}{}",
            if o.ok { "ok  " } else { "FAIL" },
            o.name,
            o.measured,
            if o.detail.is_empty() {
                String::new()
            } else {
                format!(" - {}", o.detail)
            }
        );
    }
    println!("report: {}", args.report_dir.join("load.html").display());
    if load::passed(r) {
        exit::PASSED
    } else {
        exit::FAILED
    }
}
