//! `mhhs-qual report bundle` and `mhhs-qual report verify`: evidence an assessor can check.
#![expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the command line is where output is printed"
)]

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::exit;
use crate::report::bundle::{self, BundleError, Sources};
use crate::security::signature::{Certificate, Signer};

#[derive(Debug, Subcommand)]
pub(super) enum ReportCommand {
    /// Pack a report folder, the features and schemas that ran and a signed manifest of
    /// their SHA-256 hashes into one zip an assessor can verify.
    Bundle(BundleArgs),
    /// Verify a bundle: its signature against a trusted certificate, every file's hash, and
    /// that it holds exactly the files its manifest lists. Exit 0 verified, 1 not, 2
    /// unreadable input.
    Verify(VerifyArgs),
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
