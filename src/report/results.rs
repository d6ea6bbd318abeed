//! `results.json`: the machine-readable summary of a run, validated in tests against
//! `schemas/report/results.schema.json`.

use serde::Serialize;

use super::{ScenarioResult, Status};

/// Totals of a run.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Totals {
    pub scenarios: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
}

impl Totals {
    pub fn of(scenarios: &[ScenarioResult]) -> Self {
        let mut t = Self {
            scenarios: scenarios.len(),
            ..Self::default()
        };
        for s in scenarios {
            match s.status {
                Status::Passed => t.passed += 1,
                Status::Failed => t.failed += 1,
                _ => t.errors += 1,
            }
        }
        t
    }
}

#[derive(Debug, Serialize)]
struct ScenarioJson<'a> {
    id: Option<&'a str>,
    name: &'a str,
    pack: String,
    feature: &'a str,
    file: &'a str,
    line: usize,
    status: Status,
    duration_ms: u64,
    retries: usize,
    failure: Option<&'a str>,
    tags: &'a [String],
}

/// The whole summary.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    tool: &'static str,
    version: &'static str,
    started: String,
    duration_ms: u64,
    participant: serde_json::Value,
    totals: Totals,
    exit_code: u8,
    interrupted: bool,
    scenarios: Vec<ScenarioJson<'a>>,
}

/// Builds the summary.
pub fn summary(
    scenarios: &[ScenarioResult],
    started: String,
    duration: std::time::Duration,
    participant: serde_json::Value,
    exit_code: u8,
    interrupted: bool,
) -> Summary<'_> {
    Summary {
        tool: "mhhs-qual",
        version: env!("CARGO_PKG_VERSION"),
        started,
        duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
        participant,
        totals: Totals::of(scenarios),
        exit_code,
        interrupted,
        scenarios: scenarios
            .iter()
            .map(|s| ScenarioJson {
                id: s.qt_id(),
                name: &s.name,
                pack: super::junit::pack_of(&s.feature_path),
                feature: &s.feature,
                file: &s.feature_path,
                line: s.line,
                status: s.status,
                duration_ms: u64::try_from(s.duration.as_millis()).unwrap_or(u64::MAX),
                retries: s.retries,
                failure: s.failure.as_deref(),
                tags: &s.tags,
            })
            .collect(),
    }
}
