//! `mhhs-qual report`: work on report folders after a run.
#![expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the command line is where output is printed"
)]

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::exit;
use crate::report::merge::{self, MergeError};

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Merge the report folders of sharded runs (`run --shard K/N`) into the one a single run
    /// would have written. Exit 0 the merged run passed, 1 it failed, 2 the reports cannot be
    /// merged (different packs, versions, participants or environments, a shard twice or
    /// missing, a scenario in two reports).
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The report folders (each with results.json and journal.ndjson).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Where the merged junit.xml, results.json, journal.ndjson and index.html are written.
    #[arg(long)]
    out: PathBuf,
}

pub fn report(command: ReportCommand) -> u8 {
    match command {
        ReportCommand::Merge(args) => merge_reports(&args),
    }
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
