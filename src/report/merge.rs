//! `mhhs-qual report merge`: the report folders of sharded runs (`run --shard K/N`) put back
//! together into the one folder a single run of the whole selection would have written.
//!
//! Each folder's `results.json` is read back into [`ScenarioResult`]s (it carries each
//! scenario's steps for this) and its `journal.ndjson` into journal entries; the merged
//! scenarios are ordered by feature path and line, the journals are concatenated shard by
//! shard and numbered afresh (each entry keeps its scenario key, so each testcase still shows
//! its own message sequence), and the report files are written by the same writers as a run's.
//!
//! Reports that did not come from one selection are refused rather than merged into something
//! no single run could have produced: a different tool version, pack, feature paths, tags,
//! participant or environment, a different shard count, a shard given twice or missing, or a
//! scenario in two reports. Faults switched on in the reference participant may differ (a
//! shard run with a fault makes the merged run fail, as it would have failed whole).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::ScenarioResult;
use super::results::{RunInfo, Selection, Summary, Totals};
use crate::exit;
use crate::journal::{Entry, Journal};

/// Why reports could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("nothing to merge: give at least one report folder")]
    Nothing,
    #[error("read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("read {path}: it is not an mhhs-qual results.json of this version: {source}")]
    Results {
        path: String,
        source: serde_json::Error,
    },
    #[error("read {path}:{line}: not a journal entry: {source}")]
    Journal {
        path: String,
        line: usize,
        source: serde_json::Error,
    },
    #[error("merge reports of different {what}: {first} has {a}, {other} has {b}")]
    Differ {
        what: &'static str,
        first: String,
        a: String,
        other: String,
        b: String,
    },
    #[error("merge a shard twice: {first} and {other} are both shard {shard}")]
    ShardTwice {
        shard: String,
        first: String,
        other: String,
    },
    #[error("merge an incomplete run: shard {missing} of {total} is missing")]
    ShardMissing { missing: String, total: u32 },
    #[error("merge a scenario run twice: {key} ({name}) is in both {first} and {other}")]
    ScenarioTwice {
        key: String,
        name: String,
        first: String,
        other: String,
    },
    #[error("write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// One report folder, read.
#[derive(Debug, Clone)]
pub struct Report {
    pub dir: PathBuf,
    pub summary: Summary,
    pub entries: Vec<Entry>,
}

/// Reads a report folder's `results.json` and `journal.ndjson`.
pub fn read(dir: &Path) -> Result<Report, MergeError> {
    let path = dir.join("results.json");
    let bytes = std::fs::read(&path).map_err(|source| MergeError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let summary: Summary =
        serde_json::from_slice(&bytes).map_err(|source| MergeError::Results {
            path: path.display().to_string(),
            source,
        })?;
    let path = dir.join("journal.ndjson");
    let text = std::fs::read_to_string(&path).map_err(|source| MergeError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let entries = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|source| MergeError::Journal {
                path: path.display().to_string(),
                line: i + 1,
                source,
            })
        })
        .collect::<Result<Vec<Entry>, _>>()?;
    Ok(Report {
        dir: dir.to_owned(),
        summary,
        entries,
    })
}

/// The merged run.
#[derive(Debug)]
pub struct Merged {
    pub scenarios: Vec<ScenarioResult>,
    pub journal: Journal,
    pub info: RunInfo,
    pub totals: Totals,
    /// The exit status the whole run would have had: the worst of the reports', and 1 when
    /// any scenario did not pass.
    pub exit: u8,
    pub reports: usize,
}

/// Reads the folders, merges them and writes the merged folder to `out`.
pub fn merge_folders(dirs: &[PathBuf], out: &Path) -> Result<Merged, MergeError> {
    let reports = dirs
        .iter()
        .map(|d| read(d))
        .collect::<Result<Vec<_>, _>>()?;
    let merged = merge(reports)?;
    let write_err = |source| MergeError::Write {
        path: out.display().to_string(),
        source,
    };
    std::fs::create_dir_all(out).map_err(write_err)?;
    super::write_folder(out, &merged.scenarios, &merged.journal, &merged.info)
        .map_err(write_err)?;
    Ok(merged)
}

fn name(r: &Report) -> String {
    r.dir.display().to_string()
}

/// Refuses when `field` differs between the first report and another.
fn same<T: PartialEq + std::fmt::Debug>(
    reports: &[Report],
    what: &'static str,
    field: impl Fn(&Summary) -> T,
    show: impl Fn(&T) -> String,
) -> Result<(), MergeError> {
    let first = &reports[0];
    let a = field(&first.summary);
    for r in &reports[1..] {
        let b = field(&r.summary);
        if a != b {
            return Err(MergeError::Differ {
                what,
                first: name(first),
                a: show(&a),
                other: name(r),
                b: show(&b),
            });
        }
    }
    Ok(())
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.join(", ")
    }
}

/// Merges reports read with [`read`].
pub fn merge(mut reports: Vec<Report>) -> Result<Merged, MergeError> {
    if reports.is_empty() {
        return Err(MergeError::Nothing);
    }
    same(&reports, "tools", |s| s.tool.clone(), Clone::clone)?;
    same(
        &reports,
        "tool versions",
        |s| s.version.clone(),
        Clone::clone,
    )?;
    same(
        &reports,
        "packs",
        |s| s.selection.packs.clone(),
        |v| list(v),
    )?;
    same(
        &reports,
        "feature paths",
        |s| s.selection.features.clone(),
        |v| list(v),
    )?;
    same(
        &reports,
        "tag selections",
        |s| s.selection.tags.clone(),
        |t| t.clone().unwrap_or_else(|| "no --tags".to_owned()),
    )?;
    same(
        &reports,
        "participants",
        |s| {
            let p = &s.participant;
            (
                p.role.clone(),
                p.dip_id.clone(),
                p.mpid.clone(),
                p.reference,
            )
        },
        |(role, dip_id, mpid, reference)| {
            format!(
                "{role} {dip_id} ({mpid}{})",
                if *reference { ", the reference" } else { "" }
            )
        },
    )?;
    same(
        &reports,
        "environments",
        |s| s.environment.clone(),
        Clone::clone,
    )?;
    same(
        &reports,
        "shard counts",
        |s| s.selection.shard.map(|x| x.total),
        |t| t.map_or_else(|| "a whole run".to_owned(), |t| format!("{t} shards")),
    )?;
    reports.sort_by(|a, b| {
        let index = |r: &Report| r.summary.selection.shard.map(|s| s.index);
        index(a).cmp(&index(b)).then_with(|| a.dir.cmp(&b.dir))
    });
    if let Some(total) = reports[0].summary.selection.shard.map(|s| s.total) {
        for pair in reports.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if a.summary.selection.shard == b.summary.selection.shard {
                let s = a.summary.selection.shard.expect("sharded");
                return Err(MergeError::ShardTwice {
                    shard: format!("{}/{}", s.index, s.total),
                    first: name(a),
                    other: name(b),
                });
            }
        }
        let present: BTreeSet<u32> = reports
            .iter()
            .filter_map(|r| r.summary.selection.shard.map(|s| s.index))
            .collect();
        let missing: Vec<String> = (1..=total)
            .filter(|i| !present.contains(i))
            .map(|i| i.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(MergeError::ShardMissing {
                missing: missing.join(", "),
                total,
            });
        }
    }
    let mut owner: HashMap<&str, &Report> = HashMap::new();
    for r in &reports {
        for s in &r.summary.scenarios {
            if let Some(first) = owner.insert(&s.key, r) {
                return Err(MergeError::ScenarioTwice {
                    key: s.key.clone(),
                    name: s.name.clone(),
                    first: name(first),
                    other: name(r),
                });
            }
        }
    }

    let mut scenarios: Vec<ScenarioResult> = reports
        .iter()
        .flat_map(|r| {
            r.summary
                .scenarios
                .iter()
                .map(super::results::ScenarioRecord::result)
        })
        .collect();
    scenarios.sort_by(|a, b| {
        (&a.feature_path, a.line, &a.name).cmp(&(&b.feature_path, b.line, &b.name))
    });
    let totals = Totals::of(&scenarios);
    let worst = reports
        .iter()
        .map(|r| r.summary.exit_code)
        .max()
        .unwrap_or(exit::PASSED);
    let interrupted = reports.iter().any(|r| r.summary.interrupted);
    let exit = if worst == exit::MISCONFIGURED {
        exit::MISCONFIGURED
    } else if worst == exit::FAILED
        || interrupted
        || totals.scenarios == 0
        || totals.passed != totals.scenarios
    {
        exit::FAILED
    } else {
        exit::PASSED
    };
    let (started, duration) = span(&reports);
    let first = &reports[0].summary;
    let mut participant = first.participant.clone();
    participant.faults = reports
        .iter()
        .flat_map(|r| r.summary.participant.faults.iter().cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let info = RunInfo {
        started,
        duration,
        environment: first.environment.clone(),
        selection: Selection {
            shard: None,
            selected: reports
                .iter()
                .map(|r| r.summary.selection.selected)
                .max()
                .unwrap_or_default(),
            ..first.selection.clone()
        },
        participant,
        exit_code: exit,
        interrupted,
    };
    let count = reports.len();
    let journal = Journal::from_entries(reports.into_iter().flat_map(|r| r.entries));
    Ok(Merged {
        scenarios,
        journal,
        info,
        totals,
        exit,
        reports: count,
    })
}

/// When the earliest report started, and how long from then until the last one ended (the
/// wall time of the sharded run). Falls back to the first start and the longest duration
/// when a start time does not parse.
fn span(reports: &[Report]) -> (String, Duration) {
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;
    let parsed: Option<Vec<(OffsetDateTime, &str, u64)>> = reports
        .iter()
        .map(|r| {
            OffsetDateTime::parse(&r.summary.started, &Rfc3339)
                .ok()
                .map(|t| (t, r.summary.started.as_str(), r.summary.duration_ms))
        })
        .collect();
    let longest = reports
        .iter()
        .map(|r| r.summary.duration_ms)
        .max()
        .unwrap_or_default();
    let Some(parsed) = parsed else {
        return (
            reports[0].summary.started.clone(),
            Duration::from_millis(longest),
        );
    };
    let (start, text, _) = parsed
        .iter()
        .min_by_key(|(t, _, _)| *t)
        .expect("at least one report");
    let end = parsed
        .iter()
        .map(|(t, _, ms)| *t + Duration::from_millis(*ms))
        .max()
        .expect("at least one report");
    let wall = end - *start;
    (
        (*text).to_owned(),
        Duration::try_from(wall).unwrap_or(Duration::from_millis(longest)),
    )
}
