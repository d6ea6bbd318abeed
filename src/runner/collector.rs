//! The cucumber writer that gathers every scenario's outcome, retries collapsed, and shows
//! progress on a terminal.
//!
//! When a scenario finishes, it takes the scenario's warnings from the run's
//! [`Warnings`] and gives each the line of the step that ran when it was raised. Cucumber
//! stamps each event with the time it happened (not the time this writer sees it, which may
//! be later), so the steps' start and end times say which step was running.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step, StepError};
use cucumber::{Event, Writer, cli, gherkin, parser};
use indicatif::{ProgressBar, ProgressStyle};

use crate::report::{PlannedStep, ScenarioResult, Source, Status, StepResult, Warning};
use crate::session::Warnings;

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
        warnings: Vec::new(),
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
    /// When each step of each running scenario's current attempt ran, by scenario key.
    timelines: HashMap<String, Timeline>,
}

/// When the steps of one attempt ran, as cucumber stamped their events.
#[derive(Debug, Default)]
struct Timeline {
    /// The step started and not yet ended.
    open: Option<SystemTime>,
    /// Each step ended: its line, start and end.
    steps: Vec<(usize, SystemTime, SystemTime)>,
}

impl Timeline {
    /// The line of the step running at `at`.
    fn step_at(&self, at: SystemTime) -> Option<usize> {
        self.steps
            .iter()
            .find(|(_, start, end)| *start <= at && at <= *end)
            .map(|(line, _, _)| *line)
    }
}

/// The writer. Clones share what they gather.
#[derive(Debug, Clone)]
pub struct Collector {
    pub shared: Arc<Mutex<Collected>>,
    progress: Option<ProgressBar>,
    /// The run's warnings, which finished scenarios take theirs from.
    warnings: Option<Arc<Warnings>>,
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
            warnings: None,
        }
    }

    /// Takes each finished scenario's warnings from `warnings`.
    #[must_use]
    pub fn with_warnings(mut self, warnings: Arc<Warnings>) -> Self {
        self.warnings = Some(warnings);
        self
    }

    /// The warnings the scenario `key` has raised so far, each with the line of the step
    /// that ran when it was raised.
    fn warnings_of(&self, key: &str, timeline: Option<&Timeline>) -> Vec<Warning> {
        let Some(store) = &self.warnings else {
            return Vec::new();
        };
        store
            .of(key)
            .into_iter()
            .map(|s| Warning {
                step: s
                    .warning
                    .step
                    .or_else(|| timeline.and_then(|t| t.step_at(s.at))),
                ..s.warning
            })
            .collect()
    }

    /// One event of a scenario, which happened `at`.
    fn scenario_event<W>(
        &self,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
        ev: event::RetryableScenario<W>,
        at: SystemTime,
    ) {
        let key = scenario_key(feature, scenario);
        let mut guard = self.shared.lock().expect("collector lock");
        let c = &mut *guard;
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
                r.warnings.clear();
                r.started = Some(Instant::now());
                r.retries = ev.retries.map_or(0, |x| x.current);
                c.timelines.insert(key, Timeline::default());
            }
            Scenario::Hook(_, event::Hook::Failed(_, info)) => {
                r.status = Status::Error;
                r.failure = Some(format!("hook failed: {}", panic_text(&info)));
            }
            Scenario::Background(step, ev) | Scenario::Step(step, ev) => {
                let timeline = c.timelines.entry(key).or_default();
                let (status, message) = match ev {
                    Step::Started => {
                        r.step_started = Some(Instant::now());
                        timeline.open = Some(at);
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
                if let Some(start) = timeline.open.take() {
                    timeline.steps.push((step.position.line, start, at));
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
                // Each attempt's end takes what it raised; the final attempt's is kept.
                r.warnings = self.warnings_of(&key, c.timelines.get(&key));
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
        let mut guard = self.shared.lock().expect("collector lock");
        let c = &mut *guard;
        for r in &mut c.scenarios {
            match r.status {
                Status::Running => {
                    r.status = Status::Error;
                    r.failure = Some("interrupted before the scenario finished".into());
                    r.duration = r.started.map(|s| s.elapsed()).unwrap_or_default();
                    r.warnings = self.warnings_of(&r.key, c.timelines.get(&r.key));
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
            Ok(ev) => {
                let at = ev.at;
                if let Cucumber::Feature(
                    f,
                    Feature::Scenario(s, ev) | Feature::Rule(_, Rule::Scenario(s, ev)),
                ) = ev.value
                {
                    self.scenario_event(&f, &s, ev, at);
                }
            }
        }
    }
}

impl cucumber::writer::Normalized for Collector {}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, SystemTime};

    use cucumber::event::{Retries, Scenario, Source, Step, StepError};
    use cucumber::gherkin::{self, GherkinEnv};

    use super::{Collector, pending, scenario_key};
    use crate::report::{Status, Warning};
    use crate::session::Warnings;

    const FEATURE: &str = "Feature: Warned
  Scenario: Checked twice
    Given a smart MPAN
    Then every submission passes the DIP's checks and the market rules
";

    /// The time now, a little after the last one.
    fn tick() -> SystemTime {
        std::thread::sleep(Duration::from_millis(2));
        SystemTime::now()
    }

    /// A retried scenario keeps its final attempt's warnings, each with the line of the step
    /// that ran when it was raised, even when the writer sees the events late.
    #[test]
    fn warnings_are_the_final_attempts_with_the_step_that_raised_them() {
        let mut feature = gherkin::Feature::parse(FEATURE, GherkinEnv::default()).unwrap();
        feature.path = Some("f.feature".into());
        let scenario = feature.scenarios[0].clone();
        let (given, then) = (scenario.steps[0].clone(), scenario.steps[1].clone());
        let key = scenario_key(&feature, &scenario);
        let store = Arc::new(Warnings::new());
        let c =
            Collector::new(vec![pending(&feature, &scenario)], false).with_warnings(store.clone());
        let passed =
            || Step::<()>::Passed(regex::Regex::new("").unwrap().capture_locations(), None);

        // What happened, with the times cucumber stamps: two attempts; the writer sees it all
        // only afterwards.
        let mut events: Vec<(Scenario<()>, usize, SystemTime)> = Vec::new();
        for attempt in 0..2 {
            store.begin(&key);
            events.push((Scenario::Started, attempt, tick()));
            events.push((
                Scenario::Step(Source::new(given.clone()), Step::Started),
                attempt,
                tick(),
            ));
            if attempt == 1 {
                store.raise(&key, "G4", "raised by the first step");
            }
            events.push((
                Scenario::Step(Source::new(given.clone()), passed()),
                attempt,
                tick(),
            ));
            events.push((
                Scenario::Step(Source::new(then.clone()), Step::Started),
                attempt,
                tick(),
            ));
            store.raise(&key, "G4", &format!("attempt {attempt}"));
            let end = if attempt == 0 {
                Step::Failed(
                    None,
                    None,
                    None,
                    StepError::Panic(Arc::new("no".to_owned())),
                )
            } else {
                passed()
            };
            events.push((
                Scenario::Step(Source::new(then.clone()), end),
                attempt,
                tick(),
            ));
            events.push((Scenario::Finished, attempt, tick()));
        }
        for (event, attempt, at) in events {
            let retries = Some(Retries {
                current: attempt,
                left: 1 - attempt,
            });
            c.scenario_event(&feature, &scenario, event.with_retries(retries), at);
        }
        let r = c.shared.lock().unwrap().scenarios[0].clone();
        assert_eq!(r.status, Status::Passed);
        assert_eq!(r.retries, 1);
        assert_eq!(
            r.warnings,
            [
                Warning {
                    rule: "G4".into(),
                    text: "raised by the first step".into(),
                    step: Some(given.position.line),
                },
                Warning {
                    rule: "G4".into(),
                    text: "attempt 1".into(),
                    step: Some(then.position.line),
                },
            ]
        );
    }
}
