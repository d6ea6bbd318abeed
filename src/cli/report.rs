//! `mhhs-qual report`: work on report folders after a run: merge the reports of sharded runs,
//! bundle a report as evidence an assessor can check, and verify such a bundle.
#![expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the command line is where output is printed"
)]

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::exit;
use crate::report::bundle::{self, BundleError, Sources};
use crate::report::merge::{self, MergeError};
use crate::security::signature::{Certificate, Signer};

#[derive(Debug, Subcommand)]
pub(super) enum ReportCommand {
    /// Merge the report folders of sharded runs (`run --shard K/N`) into the one a single run
    /// would have written. Exit 0 the merged run passed, 1 it failed, 2 the reports cannot be
    /// merged (different packs, versions, participants or environments, a shard twice or
    /// missing, a scenario in two reports).
    Merge(MergeArgs),
    /// Pack a report folder, the features and schemas that ran and a signed manifest of
    /// their SHA-256 hashes into one zip an assessor can verify.
    Bundle(BundleArgs),
    /// Verify a bundle: its signature against a trusted certificate, every file's hash, and
    /// that it holds exactly the files its manifest lists. Exit 0 verified, 1 not, 2
    /// unreadable input.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub(super) struct MergeArgs {
    /// The report folders (each with results.json and journal.ndjson).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Where the merged junit.xml, results.json, journal.ndjson, cucumber.json, index.html and
    /// message sequence charts (msc/) are written.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Args)]
pub(super) struct BundleArgs {
    /// The report folder of a finished run.
    report_dir: PathBuf,
    /// The zip to write.
    #[arg(long, value_name = "FILE.zip")]
    out: PathBuf,
    /// The private key that signs the manifest (PEM, PKCS#8 or PKCS#1 RSA).
    #[arg(long, value_name = "KEY.pem")]
    signing_key: PathBuf,
    /// The certificate of the signing key, as the assessor knows it (PEM).
    #[arg(long, value_name = "CERT.pem")]
    certificate: PathBuf,
    /// The features folder the run used, when it was not the shipped packs.
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,
    /// The schema folder the run used (`run --schemas`), when it was not the shipped one.
    #[arg(long, value_name = "DIR")]
    schemas: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(super) struct VerifyArgs {
    /// The bundle (zip) to verify.
    file: PathBuf,
    /// The certificate the bundle must be signed with (PEM): the assessor's trusted copy,
    /// not the one inside the bundle.
    #[arg(long, value_name = "PEM")]
    certificate: PathBuf,
}

pub(super) fn report(command: ReportCommand) -> u8 {
    match command {
        ReportCommand::Merge(args) => merge_reports(&args),
        ReportCommand::Bundle(args) => make(&args),
        ReportCommand::Verify(args) => verify(&args),
    }
}

fn make(args: &BundleArgs) -> u8 {
    let signer = match Signer::load(&args.certificate, &args.signing_key) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let sources = Sources {
        report_dir: &args.report_dir,
        features: args.features.as_deref(),
        schemas: args.schemas.as_deref(),
    };
    match bundle::bundle(sources, &signer, &args.out) {
        Ok(m) => {
            println!(
                "{}: {} files, signed by {}",
                args.out.display(),
                m.files.len(),
                signer.subject()
            );
            exit::PASSED
        }
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, BundleError::MissingReport { .. }) {
                eprintln!("hint: `mhhs-qual run --report-dir DIR` writes a report folder");
            }
            exit::MISCONFIGURED
        }
    }
}

fn verify(args: &VerifyArgs) -> u8 {
    let what = args.certificate.display().to_string();
    let trusted = match std::fs::read(&args.certificate)
        .map_err(|e| format!("{what}: {e}"))
        .and_then(|pem| Certificate::from_pem(&pem, &what).map_err(|e| e.to_string()))
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let found = match bundle::verify(&args.file, &trusted) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let file = args.file.display();
    if found.ok() {
        let m = found
            .manifest
            .as_ref()
            .expect("a verified bundle has a manifest");
        println!(
            "{file}: verified: {} files signed by {}; pack {}, participant {}, {} to {}, exit status {}",
            m.files.len(),
            found.signed_by.as_deref().unwrap_or(""),
            m.pack,
            participant(&m.participant),
            m.started,
            m.ended,
            m.exit_code
        );
        return exit::PASSED;
    }
    for p in &found.problems {
        eprintln!("{file}: {p}");
    }
    println!("{file}: NOT verified: {} problem(s)", found.problems.len());
    exit::FAILED
}

/// `SUP 2300000001 (reference)`.
fn participant(p: &serde_json::Value) -> String {
    let field = |k: &str| p.get(k).and_then(serde_json::Value::as_str).unwrap_or("?");
    let reference = p
        .get("reference")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    format!(
        "{} {}{}",
        field("role"),
        field("dip_id"),
        if reference { " (reference)" } else { "" }
    )
}

fn merge_reports(args: &MergeArgs) -> u8 {
    match merge::merge_folders(&args.dirs, &args.out) {
        Ok(m) => {
            let t = m.totals;
            eprintln!(
                "merged {} reports: {} scenarios: {} passed, {} failed, {} errors; report in {}",
                m.reports,
                t.scenarios,
                t.passed,
                t.failed,
                t.errors,
                args.out.display()
            );
            println!("{} passed, {} failed", t.passed, t.failed + t.errors);
            m.exit
        }
        Err(e) => {
            eprintln!("error: cannot {e}");
            if let Some(hint) = hint(&e) {
                eprintln!("hint: {hint}");
            }
            exit::MISCONFIGURED
        }
    }
}

fn hint(e: &MergeError) -> Option<&'static str> {
    match e {
        MergeError::Differ { .. } => Some(
            "merge only the shards of one pipeline: the same mhhs-qual, --pack, --tags and configuration with --shard 1/N .. N/N",
        ),
        MergeError::ShardTwice { .. } | MergeError::ScenarioTwice { .. } => {
            Some("give each shard's report folder once")
        }
        MergeError::ShardMissing { .. } => {
            Some("wait for every shard's job and give all N report folders")
        }
        _ => None,
    }
}
