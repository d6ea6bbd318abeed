//! `mhhs-qual schemas import|diff` and `mhhs-qual validate`: the official spec, live.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde_json::Value;

use crate::exit;
use crate::schema::{FileVerdict, SchemaSet, diff, import, validate_body};

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub(super) enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub(super) enum SchemasCommand {
    /// Import a checkout of Elexon's DIP API specification (elexon-data/dip-api-documentation)
    /// into a schema folder for `--schemas DIR`. Runs offline.
    Import {
        /// The checkout: the folder holding SubmitEvents-unresolved.yaml and its siblings.
        path: PathBuf,
        /// Where the schema folder is written (created; an earlier import there is replaced).
        #[arg(long)]
        out: PathBuf,
    },
    /// What a release changes: interfaces, event codes, fields, enums, patterns, versions.
    Diff {
        /// The schema folder of the release in use.
        old: PathBuf,
        /// The schema folder of the new release.
        new: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

#[derive(Debug, Args)]
pub(super) struct ValidateArgs {
    /// Message files: a DIP body (array of {payload}), as POSTed to the DIP.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// A schema folder (e.g. an imported official spec) instead of the shipped schemas.
    #[arg(long)]
    schemas: Option<PathBuf>,
    /// The interface, as the endpoint's {IF}; taken from each payload's S0 when not given.
    #[arg(long, value_name = "IF-nnn")]
    interface: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub(super) fn schemas(command: SchemasCommand) -> u8 {
    match command {
        SchemasCommand::Import { path, out } => match import::import(&path, &out) {
            Ok(s) => {
                println!(
                    "imported DIP API {} into {}: {} interfaces, {} event variants ({} variant files), {} files",
                    s.spec_version,
                    out.display(),
                    s.interfaces,
                    s.event_variants,
                    s.variant_files,
                    s.files_written
                );
                for u in &s.unconverted {
                    eprintln!("not converted: {} `{}`: {}", u.schema, u.keyword, u.note);
                }
                for n in &s.notes {
                    eprintln!("note: {n}");
                }
                exit::PASSED
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit::MISCONFIGURED
            }
        },
        SchemasCommand::Diff { old, new, format } => match diff::diff_dirs(&old, &new) {
            Ok(d) => {
                match format {
                    Format::Json => {
                        println!("{}", serde_json::to_string_pretty(&d).unwrap_or_default());
                    }
                    Format::Text => {
                        for c in &d.changes {
                            println!("{c}");
                        }
                        println!("{} change(s), {} breaking", d.changes.len(), d.breaking());
                    }
                }
                exit::PASSED
            }
            Err(e) => {
                eprintln!("error: {e}");
                exit::MISCONFIGURED
            }
        },
    }
}

pub(super) fn validate(args: &ValidateArgs) -> u8 {
    let set = match &args.schemas {
        Some(dir) => SchemaSet::from_dir(dir).map(std::sync::Arc::new),
        None => SchemaSet::embedded(),
    };
    let set = match set {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::MISCONFIGURED;
        }
    };
    let mut verdicts = Vec::new();
    let mut unreadable = false;
    for file in &args.files {
        match read_json(file) {
            Ok(body) => {
                let findings = validate_body(&set, &body, args.interface.as_deref());
                verdicts.push(FileVerdict {
                    file: file.display().to_string(),
                    valid: findings.is_empty(),
                    variants: variants(&body, args.interface.as_deref()),
                    findings,
                });
            }
            Err(message) => {
                eprintln!("error: {message}");
                unreadable = true;
            }
        }
    }
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&verdicts).unwrap_or_default()
        ),
        Format::Text => {
            for v in &verdicts {
                let what = v.variants.join(", ");
                if v.valid {
                    println!("{}: valid ({what})", v.file);
                } else {
                    println!("{}: {} error(s) ({what})", v.file, v.findings.len());
                    for f in &v.findings {
                        let pointer = if f.pointer.is_empty() {
                            "/"
                        } else {
                            &f.pointer
                        };
                        println!("  {pointer}: {} [{}]", f.message, f.rule);
                    }
                }
            }
        }
    }
    if unreadable {
        exit::MISCONFIGURED
    } else if verdicts.iter().all(|v| v.valid) {
        exit::PASSED
    } else {
        exit::FAILED
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

fn variants(body: &Value, interface: Option<&str>) -> Vec<String> {
    crate::dip::payloads(body)
        .into_iter()
        .map(|p| {
            let s0 = p.pointer("/CommonBlock/S0");
            let get = |k: &str| {
                s0.and_then(|s| s.as_object())
                    .and_then(|m| m.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)))
                    .and_then(|(_, v)| v.as_str())
                    .unwrap_or("?")
            };
            format!(
                "{} {}",
                interface.unwrap_or_else(|| get("interfaceID")),
                get("eventCode")
            )
        })
        .collect()
}
