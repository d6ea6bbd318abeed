//! `results.json`: the machine-readable summary of a run, validated in tests against
//! `schemas/report/results.schema.json`. It holds everything the JUnit file and the page are
//! written from (each scenario's steps included), so that `mhhs-qual report merge` can read
//! it back into [`ScenarioResult`]s and rewrite them for sharded runs put together.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{ScenarioResult, Source, Status, StepResult, Warning};

/// Totals of a run.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Totals {
    pub scenarios: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    /// Scenarios with at least one warning, whatever their status (0 in reports written
    /// before warnings were reported).
    #[serde(default)]
    pub warned: usize,
    /// Warnings in all.
    #[serde(default)]
    pub warnings: usize,
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
            if !s.warnings.is_empty() {
                t.warned += 1;
                t.warnings += s.warnings.len();
            }
        }
        t
    }
}

/// `3 warnings in 2 scenarios`, `1 warning in 1 scenario`.
pub fn warnings_in(t: Totals) -> String {
    let s = |n: usize| if n == 1 { "" } else { "s" };
    format!(
        "{} warning{} in {} scenario{}",
        t.warnings,
        s(t.warnings),
        t.warned,
        s(t.warned)
    )
}

/// The system the run qualified.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Participant {
    pub role: String,
    pub dip_id: String,
    pub mpid: String,
    /// Whether it was the built-in reference participant.
    pub reference: bool,
    /// The reference participant's faults switched on.
    pub faults: Vec<String>,
}

/// Which share of the selection a run ran (`--shard K/N`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShardOf {
    pub index: u32,
    pub total: u32,
}

/// What the run selected.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Selection {
    /// The packs run, by name (empty when feature paths were given).
    pub packs: Vec<String>,
    /// The feature paths given instead of packs.
    pub features: Vec<String>,
    pub tags: Option<String>,
    /// The share this run ran, or none for a whole run.
    pub shard: Option<ShardOf>,
    /// Scenarios selected before sharding.
    pub selected: usize,
}

/// One scenario's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioRecord {
    /// `path:line`, the scenario's key in `journal.ndjson`.
    pub key: String,
    pub id: Option<String>,
    pub name: String,
    pub pack: String,
    pub feature: String,
    pub file: String,
    pub line: usize,
    pub status: Status,
    pub duration_ms: u64,
    pub retries: usize,
    pub failure: Option<String>,
    pub tags: Vec<String>,
    pub steps: Vec<StepResult>,
    /// What the scenario warned about (details of the contract marked *(warn)*); none in
    /// reports written before warnings were reported.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// The scenario as written (its keyword, its feature's line and tags, every step), for
    /// the Cucumber JSON a merge writes.
    #[serde(default)]
    pub source: Source,
}

impl ScenarioRecord {
    fn of(s: &ScenarioResult) -> Self {
        Self {
            key: s.key.clone(),
            id: s.qt_id().map(str::to_owned),
            name: s.name.clone(),
            pack: super::junit::pack_of(&s.feature_path),
            feature: s.feature.clone(),
            file: s.feature_path.clone(),
            line: s.line,
            status: s.status,
            duration_ms: millis(s.duration),
            retries: s.retries,
            failure: s.failure.clone(),
            tags: s.tags.clone(),
            steps: s.steps.clone(),
            warnings: s.warnings.clone(),
            source: s.source.clone(),
        }
    }

    /// The scenario result the record was written from.
    pub fn result(&self) -> ScenarioResult {
        ScenarioResult {
            key: self.key.clone(),
            feature_path: self.file.clone(),
            feature: self.feature.clone(),
            name: self.name.clone(),
            tags: self.tags.clone(),
            line: self.line,
            status: self.status,
            steps: self.steps.clone(),
            duration: Duration::from_millis(self.duration_ms),
            failure: self.failure.clone(),
            retries: self.retries,
            warnings: self.warnings.clone(),
            source: self.source.clone(),
            started: None,
            step_started: None,
        }
    }
}

/// The whole summary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub tool: String,
    pub version: String,
    pub started: String,
    pub duration_ms: u64,
    /// The configuration's `environment` (`S1.environmentTag`).
    pub environment: String,
    pub selection: Selection,
    pub participant: Participant,
    pub totals: Totals,
    pub exit_code: u8,
    pub interrupted: bool,
    pub scenarios: Vec<ScenarioRecord>,
}

/// What a run was, beside its scenarios.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub started: String,
    pub duration: Duration,
    pub environment: String,
    pub selection: Selection,
    pub participant: Participant,
    pub exit_code: u8,
    pub interrupted: bool,
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Builds the summary.
pub fn summary(scenarios: &[ScenarioResult], run: RunInfo) -> Summary {
    Summary {
        tool: "mhhs-qual".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        started: run.started,
        duration_ms: millis(run.duration),
        environment: run.environment,
        selection: run.selection,
        participant: run.participant,
        totals: Totals::of(scenarios),
        exit_code: run.exit_code,
        interrupted: run.interrupted,
        scenarios: scenarios.iter().map(ScenarioRecord::of).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Totals, warnings_in};
    use crate::report::{ScenarioResult, Source, Status, Warning};

    #[test]
    fn totals_count_warned_scenarios_and_warnings_whatever_the_status() {
        let scenario = |status, warnings: usize| ScenarioResult {
            key: "f.feature:1".into(),
            feature_path: "f.feature".into(),
            feature: "F".into(),
            name: "S".into(),
            tags: Vec::new(),
            line: 1,
            status,
            steps: Vec::new(),
            duration: std::time::Duration::ZERO,
            failure: None,
            retries: 0,
            warnings: (0..warnings)
                .map(|i| Warning {
                    rule: "G4".into(),
                    text: format!("w{i}"),
                    step: None,
                })
                .collect(),
            source: Source::default(),
            started: None,
            step_started: None,
        };
        let t = Totals::of(&[
            scenario(Status::Passed, 2),
            scenario(Status::Failed, 1),
            scenario(Status::Passed, 0),
        ]);
        assert_eq!((t.passed, t.failed, t.warned, t.warnings), (2, 1, 2, 3));
        assert_eq!(warnings_in(t), "3 warnings in 2 scenarios");
        let one = Totals::of(&[scenario(Status::Passed, 1)]);
        assert_eq!(warnings_in(one), "1 warning in 1 scenario");
        assert_eq!(warnings_in(Totals::default()), "0 warnings in 0 scenarios");
    }
}
