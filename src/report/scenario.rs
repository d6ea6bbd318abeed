//! What happened to each scenario and step, as the report writers read it.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// A scenario's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Passed,
    Failed,
    /// Could not be judged: a hook failed, a step is undefined, or the run was interrupted.
    Error,
    /// Started but not finished (only seen when a run is interrupted).
    Running,
    /// Selected but never started (only seen when a run is interrupted).
    NotRun,
}

/// One step's outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepResult {
    pub keyword: String,
    pub text: String,
    pub line: usize,
    pub status: Status,
    pub message: Option<String>,
    /// How long the step ran, in nanoseconds (0 in reports written before it was recorded).
    #[serde(default)]
    pub duration_ns: u64,
}

/// A step as the feature file writes it, before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedStep {
    pub keyword: String,
    pub text: String,
    pub line: usize,
}

/// Where a scenario stands in its feature file: what the Cucumber JSON report needs beside
/// the outcome, and what [`ScenarioResult::steps`] leaves out (the steps never reached after
/// a failure).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// `Scenario`, `Scenario Outline` or `Example`, as written.
    pub keyword: String,
    pub description: String,
    pub feature_keyword: String,
    pub feature_line: usize,
    pub feature_description: String,
    /// The feature's own tags (the scenario's [`ScenarioResult::tags`] include them too).
    pub feature_tags: Vec<String>,
    /// Every step the scenario runs, background steps first.
    pub steps: Vec<PlannedStep>,
}

/// A detail of the contract marked *(warn)* that the system did not meet (CONTRACT-ROLES.md
/// §6.0 "Verdicts"): reported beside the scenario's outcome, never failing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The contract rule it refines (`G4`, `M1` ...).
    pub rule: String,
    pub text: String,
    /// The line of the step that raised it, when known.
    pub step: Option<usize>,
}

impl std::fmt::Display for Warning {
    /// `G4: text`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.rule, self.text)
    }
}

/// One scenario's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    /// `path:line`, the scenario's journal key.
    pub key: String,
    pub feature_path: String,
    pub feature: String,
    /// The scenario's name; for an outline row, the name with the row's values substituted,
    /// then the values themselves: `Registration notifications are acknowledged
    /// [publication=PUB-001, event=[ChangeOfSupplier]]`. The row's line is left out so that
    /// editing the feature file does not rename it.
    pub name: String,
    pub tags: Vec<String>,
    pub line: usize,
    pub status: Status,
    pub steps: Vec<StepResult>,
    pub duration: Duration,
    pub failure: Option<String>,
    /// Attempts beyond the first.
    pub retries: usize,
    /// What its final attempt warned about; a scenario that passed with warnings passed.
    pub warnings: Vec<Warning>,
    pub source: Source,
    /// When the current attempt started (for its duration).
    #[serde(skip)]
    pub started: Option<Instant>,
    /// When the current step started (for its duration).
    #[serde(skip)]
    pub step_started: Option<Instant>,
}

impl ScenarioResult {
    /// The scenario's qualification id (`QT-SUP-001`), from its tags.
    pub fn qt_id(&self) -> Option<&str> {
        self.tags
            .iter()
            .map(|t| t.trim_start_matches('@'))
            .find(|t| t.starts_with("QT-"))
    }
}
