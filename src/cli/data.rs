//! `mhhs-qual testdata generate` and `mhhs-qual data check`.
#![expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the command line is where output is printed"
)]

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use crate::datacheck::{self, ColumnMap, FindingsCsv, Options};
use crate::exit;
use crate::market::Segment;
use crate::market::generator::{self, Format, Plan};

#[derive(Debug, Subcommand)]
pub(super) enum TestdataCommand {
    /// Generate registration and meter test data to load into one's own systems, with the
    /// harness configuration section that makes scenarios use exactly that data.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub(super) struct GenerateArgs {
    /// How many metering points.
    #[arg(long)]
    count: u64,
    /// The seed: the same seed gives the same data.
    #[arg(long)]
    seed: u64,
    /// A market segment to draw from (S, A, U; repeat for several; default all three).
    #[arg(long = "segment", value_name = "S|A|U")]
    segments: Vec<Segment>,
    /// The file format.
    #[arg(long, value_enum, default_value_t = FormatArg::Csv)]
    format: FormatArg,
    /// The folder to write testdata.csv (or .json) and harness-testdata.toml to.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Json,
}

#[derive(Debug, Subcommand)]
pub(super) enum DataCommand {
    /// Check a registration and meter extract (CSV). Exit status: 0 no findings, 1 findings,
    /// 2 the input was not whole (or bad arguments).
    Check(CheckArgs),
}

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// The extract (CSV with a header row).
    file: PathBuf,
    /// A TOML file mapping items to the extract's column names ([columns] mpan = "MPAN Core").
    #[arg(long, value_name = "MAP")]
    columns: Option<PathBuf>,
    /// Where data-findings.csv and data-junit.xml are written.
    #[arg(long, default_value = "report")]
    report_dir: PathBuf,
    /// The longest record (line) read, in bytes; longer ones are reported and skipped.
    #[arg(long, default_value_t = datacheck::DEFAULT_MAX_RECORD_BYTES)]
    max_record_bytes: usize,
}

pub(super) fn testdata(command: TestdataCommand) -> u8 {
    let TestdataCommand::Generate(args) = command;
    let plan = Plan::new(args.seed, &args.segments);
    let (format, name) = match args.format {
        FormatArg::Csv => (Format::Csv, "testdata.csv"),
        FormatArg::Json => (Format::Json, "testdata.json"),
    };
    let written = std::fs::create_dir_all(&args.out)
        .and_then(|()| std::fs::File::create(args.out.join(name)))
        .and_then(|f| generator::write(&plan, args.count, format, f))
        .and_then(|()| {
            std::fs::write(
                args.out.join("harness-testdata.toml"),
                plan.config_fragment(args.count, name),
            )
        });
    match written {
        Ok(()) => {
            println!(
                "{} metering points in {}; configuration section in {}",
                args.count,
                args.out.join(name).display(),
                args.out.join("harness-testdata.toml").display()
            );
            exit::PASSED
        }
        Err(e) => {
            eprintln!(
                "error: failed to write test data to {}: {e}",
                args.out.display()
            );
            exit::MISCONFIGURED
        }
    }
}

pub(super) fn data(command: DataCommand) -> u8 {
    let DataCommand::Check(args) = command;
    let columns = match args.columns.as_deref().map(ColumnMap::load).transpose() {
        Ok(c) => c.unwrap_or_default(),
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let options = Options {
        columns,
        max_record_bytes: args.max_record_bytes,
    };
    if let Err(e) = std::fs::create_dir_all(&args.report_dir) {
        eprintln!("error: cannot create {}: {e}", args.report_dir.display());
        return exit::MISCONFIGURED;
    }
    let findings_path = args.report_dir.join("data-findings.csv");
    let junit_path = args.report_dir.join("data-junit.xml");
    let mut findings = match std::fs::File::create(&findings_path)
        .and_then(|f| FindingsCsv::new(std::io::BufWriter::new(f)))
    {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", findings_path.display());
            return exit::MISCONFIGURED;
        }
    };
    let summary = match datacheck::check(&args.file, &options, &mut |f| {
        if f.rule == datacheck::Rule::Input {
            eprintln!("{}:{}: {}", args.file.display(), f.row, f.message);
        }
        findings.write(f);
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    if let Err(e) = findings.finish() {
        eprintln!("error: cannot write {}: {e}", findings_path.display());
        return exit::MISCONFIGURED;
    }
    if let Err(e) = datacheck::write_junit(&junit_path, &summary) {
        eprintln!("error: cannot write {}: {e}", junit_path.display());
        return exit::MISCONFIGURED;
    }
    print!("{}", datacheck::summary_table(&summary));
    println!(
        "findings in {}, JUnit in {}",
        findings_path.display(),
        junit_path.display()
    );
    if !summary.input_whole() {
        exit::MISCONFIGURED
    } else if summary.total() > 0 {
        exit::FAILED
    } else {
        exit::PASSED
    }
}
