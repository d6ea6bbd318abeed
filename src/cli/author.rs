//! Commands for scenario authors: `check` (feature files before anything runs), `docs` (the
//! packs as a document) and `new pack` (a pack that passes from the first minute).
#![expect(
    clippy::print_stderr,
    clippy::print_stdout,
    reason = "the command line is where output is printed"
)]

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};

use crate::exit;
use crate::runner::check;

/// How `check` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `file:line:col: error: message`, one per line.
    Text,
    /// A SARIF 2.1.0 log, for code-scanning views.
    Sarif,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Packs (a shipped pack's name or a pack folder), folders or feature files; the shipped
    /// packs when none is given.
    pub paths: Vec<PathBuf>,
    /// How to print the findings.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// `mhhs-qual check`: 0 clean (warnings allowed), 1 errors found, 2 input unreadable.
pub fn check(args: &CheckArgs) -> u8 {
    let checked = match check::check(&args.paths) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    match args.format {
        Format::Text => {
            for f in &checked.findings {
                println!("{f}");
            }
        }
        Format::Sarif => {
            let log = check::sarif::log(&checked.findings, env!("CARGO_PKG_VERSION"));
            println!(
                "{}",
                serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_owned())
            );
        }
    }
    eprintln!(
        "checked {} feature file{}: {} error{}, {} warning{}",
        checked.files,
        if checked.files == 1 { "" } else { "s" },
        checked.errors(),
        if checked.errors() == 1 { "" } else { "s" },
        checked.warnings(),
        if checked.warnings() == 1 { "" } else { "s" },
    );
    if checked.errors() > 0 {
        exit::FAILED
    } else {
        exit::PASSED
    }
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Write a pack folder: a pack.toml, one feature whose scenario passes against the
    /// role's reference participant, and a README for the pack's authors.
    Pack(NewPackArgs),
}

#[derive(Debug, Args)]
pub struct NewPackArgs {
    /// The pack's name: lowercase letters, digits and hyphens.
    pub name: String,
    /// The role the pack qualifies (a role of schemas/roles.json a system qualifies in).
    #[arg(long)]
    pub role: String,
    /// The folder to write (default: the pack's name). It must not exist or be empty.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `mhhs-qual docs --out DIR`.
pub fn docs(out: &Path) -> u8 {
    match crate::runner::docs::write(out) {
        Ok(files) => {
            eprintln!("wrote {} files to {}", files.len(), out.display());
            exit::PASSED
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::MISCONFIGURED
        }
    }
}

/// `mhhs-qual new pack NAME --role ROLE`.
pub fn new(command: NewCommand) -> u8 {
    match command {
        NewCommand::Pack(args) => {
            let out = args.out.unwrap_or_else(|| PathBuf::from(&args.name));
            match crate::runner::scaffold::new_pack(&args.name, &args.role, &out) {
                Ok(files) => {
                    for f in &files {
                        println!("{}", f.display());
                    }
                    eprintln!(
                        "the {} pack is in {}: `mhhs-qual check {0}` checks it, `mhhs-qual run --pack {0}` runs it",
                        args.name,
                        out.display()
                    );
                    exit::PASSED
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::MISCONFIGURED
                }
            }
        }
    }
}
