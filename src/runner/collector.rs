//! The cucumber writer that gathers every scenario's outcome, retries collapsed, and shows
//! progress on a terminal.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step, StepError};
use cucumber::{Event, Writer, cli, gherkin, parser};
use indicatif::{ProgressBar, ProgressStyle};

use crate::report::{PlannedStep, ScenarioResult, Source, Status, StepResult};

/// A scenario that was selected, before it runs.
pub fn pending(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> ScenarioResult {
    let path = feature
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    ScenarioResult {
        key: scenario_key(feature, scenario),
        feature_path: path,
        feature: feature.name.clone(),
        name: display_name(scenario),
        tags: scenario.tags.iter().chain(&feature.tags).cloned().collect(),
        line: scenario.position.line,
        status: Status::NotRun,
        steps: Vec::new(),
        duration: Duration::ZERO,
        failure: None,
        retries: 0,
        source: source(feature, scenario),
        started: None,
        step_started: None,
    }
}

/// The scenario as written: every step it runs (the feature's background, then its rule's,
/// then its own), so that the steps a failure left unreached can be reported as skipped.
fn source(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> Source {
    let rule = feature
        .rules
        .iter()
        .find(|r| r.scenarios.iter().any(|s| s.position == scenario.position));
    let steps = feature
        .background
        .iter()
        .chain(rule.and_then(|r| r.background.as_ref()))
        .flat_map(|b| &b.steps)
        .chain(&scenario.steps)
        .map(|s| PlannedStep {
            keyword: s.keyword.clone(),
            text: s.value.clone(),
            line: s.position.line,
        })
        .collect();
    Source {
        keyword: scenario.keyword.clone(),
        description: scenario.description.clone().unwrap_or_default(),
        feature_keyword: feature.keyword.clone(),
        feature_line: feature.position.line,
        feature_description: feature.description.clone().unwrap_or_default(),
        feature_tags: feature.tags.clone(),
        steps,
    }
}

/// The scenario's name, with the example values of an outline row.
pub(super) fn display_name(scenario: &gherkin::Scenario) -> String {
    let row = scenario
        .examples
        .first()
        .and_then(|e| e.table.as_ref())
        .and_then(|t| match t.rows.as_slice() {
            [header, values, ..] => Some(
                header
                    .iter()
                    .zip(values)
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            _ => None,
        });
    match row {
        Some(values) => format!("{} [{values}]", scenario.name),
        None => scenario.name.clone(),
    }
}

/// The journal key of a scenario: `path:line`.
pub fn scenario_key(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> String {
    format!(
        "{}:{}",
        feature
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        scenario.position.line
    )
}

/// Everything gathered.
#[derive(Debug, Default)]
pub struct Collected {
    pub scenarios: Vec<ScenarioResult>,
    /// `path:line: step` of every step no definition matched.
    pub undefined: Vec<String>,
    pub parse_errors: Vec<String>,
}

/// The writer. Clones share what they gather.
#[derive(Debug, Clone)]
pub struct Collector {
    pub shared: Arc<Mutex<Collected>>,
    progress: Option<ProgressBar>,
}

impl Collector {
    /// A collector expecting these scenarios; a progress bar when `progress`.
    pub fn new(expected: Vec<ScenarioResult>, progress: bool) -> Self {
        let bar = progress.then(|| {
            let b = ProgressBar::new(expected.len() as u64);
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} scenarios, {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        });
        Self {
            shared: Arc::new(Mutex::new(Collected {
                scenarios: expected,
                ..Collected::default()
            })),
            progress: bar,
        }
    }

    fn scenario_event<W>(
        &self,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
        ev: event::RetryableScenario<W>,
    ) {
        let key = scenario_key(feature, scenario);
        let mut c = self.shared.lock().expect("collector lock");
        let idx = if let Some(i) = c.scenarios.iter().position(|s| s.key == key) {
            i
        } else {
            c.scenarios.push(pending(feature, scenario));
            c.scenarios.len() - 1
        };
        let mut undefined = None;
        let r = &mut c.scenarios[idx];
        match ev.event {
            Scenario::Started => {
                r.status = Status::Running;
                r.steps.clear();
                r.failure = None;
                r.started = Some(Instant::now());
                r.retries = ev.retries.map_or(0, |x| x.current);
            }
            Scenario::Hook(_, event::Hook::Failed(_, info)) => {
                r.status = Status::Error;
                r.failure = Some(format!("hook failed: {}", panic_text(&info)));
            }
            Scenario::Background(step, ev) | Scenario::Step(step, ev) => {
                let (status, message) = match ev {
                    Step::Started => {
                        r.step_started = Some(Instant::now());
                        return;
                    }
                    Step::Passed(..) => (Status::Passed, None),
                    Step::Skipped => (
                        Status::Error,
                        Some("no step definition matches this step".to_owned()),
                    ),
                    Step::Failed(_, _, _, err) => match err {
                        StepError::NotFound => (
                            Status::Error,
                            Some("no step definition matches this step".to_owned()),
                        ),
                        StepError::AmbiguousMatch(e) => {
                            (Status::Error, Some(format!("ambiguous step: {e}")))
                        }
                        StepError::Panic(info) => (Status::Failed, Some(panic_text(&info))),
                    },
                };
                if status == Status::Error
                    && message
                        .as_deref()
                        .is_some_and(|m| m.starts_with("no step definition"))
                {
                    undefined = Some(format!(
                        "{}:{}: {}{}",
                        r.feature_path, step.position.line, step.keyword, step.value
                    ));
                }
                if status != Status::Passed && r.failure.is_none() {
                    r.failure = Some(format!(
                        "step \"{}{}\" ({}:{}) {}:\n{}",
                        step.keyword,
                        step.value,
                        r.feature_path,
                        step.position.line,
                        if status == Status::Failed {
                            "failed"
                        } else {
                            "could not run"
                        },
                        message.clone().unwrap_or_default()
                    ));
                    r.status = status;
                }
                r.steps.push(StepResult {
                    keyword: step.keyword.clone(),
                    text: step.value.clone(),
                    line: step.position.line,
                    status,
                    message,
                    duration_ns: r.step_started.take().map_or(0, |t| {
                        u64::try_from(t.elapsed().as_nanos()).unwrap_or(u64::MAX)
                    }),
                });
            }
            Scenario::Finished => {
                if r.status == Status::Running {
                    r.status = Status::Passed;
                }
                r.duration = r.started.map(|s| s.elapsed()).unwrap_or_default();
                if let Some(bar) = &self.progress {
                    bar.inc(1);
                    bar.set_message(format!(
                        "last: {} {:?}",
                        r.qt_id().unwrap_or(&r.name),
                        r.status
                    ));
                }
            }
            _ => {}
        }
        if let Some(u) = undefined {
            c.undefined.push(u);
        }
    }

    /// Marks what had not finished as interrupted.
    pub fn interrupt(&self) {
        let mut c = self.shared.lock().expect("collector lock");
        for r in &mut c.scenarios {
            match r.status {
                Status::Running => {
                    r.status = Status::Error;
                    r.failure = Some("interrupted before the scenario finished".into());
                    r.duration = r.started.map(|s| s.elapsed()).unwrap_or_default();
                }
                Status::NotRun => {
                    r.status = Status::Error;
                    r.failure = Some("interrupted before the scenario started".into());
                }
                _ => {}
            }
        }
        if let Some(bar) = &self.progress {
            bar.abandon_with_message("interrupted");
        }
    }

    /// Finishes the progress display.
    pub fn finish(&self) {
        if let Some(bar) = &self.progress {
            bar.finish_and_clear();
        }
    }
}

/// The text of a panic or a failed step's error.
fn panic_text(info: &event::Info) -> String {
    if let Some(s) = info.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = info.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        "the step panicked".to_owned()
    }
}

impl<W: 'static> Writer<W> for Collector {
    type Cli = cli::Empty;

    async fn handle_event(&mut self, ev: parser::Result<Event<Cucumber<W>>>, _: &Self::Cli) {
        match ev {
            Err(e) => self
                .shared
                .lock()
                .expect("collector lock")
                .parse_errors
                .push(e.to_string()),
            Ok(ev) => match ev.value {
                Cucumber::Feature(f, Feature::Scenario(s, ev)) => self.scenario_event(&f, &s, ev),
                Cucumber::Feature(f, Feature::Rule(_, Rule::Scenario(s, ev))) => {
                    self.scenario_event(&f, &s, ev);
                }
                _ => {}
            },
        }
    }
}

impl cucumber::writer::Normalized for Collector {}
