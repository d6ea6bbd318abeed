//! `cucumber.json`: the run in the Cucumber JSON format, which test management tools (Xray for
//! Jira) import and the Cucumber HTML reporters read. Validated in tests against
//! `ci/cucumber-json.schema.json` and read back by a Cucumber HTML reporter.
//!
//! It is written from [`ScenarioResult`]s, not by cucumber-rs's own JSON writer (its
//! `output-json` feature) teed beside the collector: `report merge` must write the same file
//! for sharded runs put back together, and it has only the shards' `results.json` and
//! journals, never cucumber's events. Writing it from the results also gives it what the other
//! report files show and cucumber's writer cannot: retries collapsed to the last attempt, the
//! scenarios of an interrupted run, outline rows named by their values, and each scenario's
//! journal entries.
//!
//! Shape, as cucumber-js and cucumber-jvm write it: an array of features, each with its
//! scenarios as `elements`, each with its `steps` and their `result` (`status`, `duration` in
//! nanoseconds, `error_message`). Steps a failure left unreached are `skipped`; a step no
//! definition matched is `undefined`. The scenario's journal entries are a JSON array,
//! base64-encoded, in an `embeddings` entry of its last step, where Xray takes evidence from
//! and the HTML reporters show attachments. A scenario that failed outside its steps (a hook,
//! an interrupted run) gets a failed `before` hook carrying the reason.
//!
//! A scenario's warnings (details of the contract marked *(warn)*) are a `text/plain`
//! embedding named `warnings` on the step that raised them, one `WARNING G4: text` line each
//! as in `junit.xml` (on the last step when the step is not known). The format has no status
//! for "passed with warnings", so the step's status stays what it was; an embedding, unlike
//! cucumber-jvm's step `output`, is in the format every reader of ours takes
//! (`ci/cucumber-json.schema.json`).
//!
//! Gherkin tags carry no line of their own in the parsed feature, so a scenario's tags are
//! given the line above the scenario and a feature's the line above the feature.

use std::path::Path;

use base64::Engine as _;
use serde_json::{Value, json};

use super::{ScenarioResult, Status, StepResult};
use crate::journal::Journal;

/// The document of a run: one entry per feature, in the order of the scenarios.
pub fn document(scenarios: &[ScenarioResult], journal: &Journal) -> Value {
    let mut features: Vec<(&str, Vec<&ScenarioResult>)> = Vec::new();
    for s in scenarios {
        match features.iter_mut().find(|(p, _)| *p == s.feature_path) {
            Some((_, list)) => list.push(s),
            None => features.push((&s.feature_path, vec![s])),
        }
    }
    Value::Array(
        features
            .into_iter()
            .map(|(path, list)| feature(path, &list, journal))
            .collect(),
    )
}

/// Writes `cucumber.json`.
pub fn write(path: &Path, scenarios: &[ScenarioResult], journal: &Journal) -> std::io::Result<()> {
    let json =
        serde_json::to_vec_pretty(&document(scenarios, journal)).expect("the document serializes");
    std::fs::write(path, json)
}

fn feature(path: &str, scenarios: &[&ScenarioResult], journal: &Journal) -> Value {
    let first = scenarios[0];
    let src = &first.source;
    let line = src.feature_line.max(1);
    let id = slug(&first.feature);
    json!({
        "uri": path,
        "id": id,
        "keyword": if src.feature_keyword.is_empty() { "Feature" } else { &src.feature_keyword },
        "name": first.feature,
        "line": line,
        "description": src.feature_description,
        "tags": tags(&src.feature_tags, line.saturating_sub(1).max(1)),
        "elements": scenarios.iter().map(|s| element(&id, s, journal)).collect::<Vec<_>>(),
    })
}

fn element(feature_id: &str, r: &ScenarioResult, journal: &Journal) -> Value {
    let mut steps: Vec<Value> = steps(r);
    let entries: Vec<Value> = journal
        .of_scenario(&r.key)
        .iter()
        .map(|e| serde_json::to_value(&**e).expect("a journal entry serializes"))
        .collect();
    let embedding = json!({
        "mime_type": "application/json",
        "name": "journal",
        "data": base64::engine::general_purpose::STANDARD
            .encode(serde_json::to_vec(&entries).expect("the entries serialize")),
    });
    let mut element = json!({
        "id": format!("{feature_id};{}", slug(&r.name)),
        "keyword": if r.source.keyword.is_empty() { "Scenario" } else { &r.source.keyword },
        "type": "scenario",
        "name": r.name,
        "line": r.line,
        "description": r.source.description,
        "tags": tags(&r.tags, r.line.saturating_sub(1).max(1)),
    });
    if let Some(last) = steps.last_mut() {
        last["embeddings"] = json!([embedding]);
    } else {
        element["after"] = json!([hook(Status::Passed, None, Some(embedding))]);
    }
    attach_warnings(r, &mut steps, &mut element);
    let failed_in_a_step = r.steps.iter().any(|s| s.status != Status::Passed);
    if r.status != Status::Passed && !failed_in_a_step {
        let why = r
            .failure
            .clone()
            .unwrap_or_else(|| "the scenario did not finish".to_owned());
        element["before"] = json!([hook(Status::Failed, Some(why), None)]);
    }
    element["steps"] = Value::Array(steps);
    element
}

/// The scenario's warnings, as `text/plain` embeddings on the steps that raised them (the last
/// step when not known; the `after` hook when no step ran).
fn attach_warnings(r: &ScenarioResult, steps: &mut [Value], element: &mut Value) {
    let mut by_step: Vec<(Option<usize>, String)> = Vec::new();
    for w in &r.warnings {
        let at = w
            .step
            .filter(|line| steps.iter().any(|s| s["line"] == *line));
        let line = format!("WARNING {}: {}\n", w.rule, w.text.trim_end());
        match by_step.iter_mut().find(|(l, _)| *l == at) {
            Some((_, text)) => text.push_str(&line),
            None => by_step.push((at, line)),
        }
    }
    for (at, text) in by_step {
        let embedding = json!({
            "mime_type": "text/plain",
            "name": "warnings",
            "data": base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
        });
        let target = match at {
            Some(line) => steps.iter_mut().find(|s| s["line"] == line),
            None => steps.last_mut(),
        };
        let holder = match target {
            Some(step) => step,
            None => &mut element["after"][0],
        };
        match holder["embeddings"].as_array_mut() {
            Some(list) => list.push(embedding),
            None => holder["embeddings"] = json!([embedding]),
        }
    }
}

/// A hook entry, as cucumber-jvm writes `before` and `after`.
fn hook(status: Status, message: Option<String>, embedding: Option<Value>) -> Value {
    let mut result = json!({
        "status": if status == Status::Passed { "passed" } else { "failed" },
        "duration": 0,
    });
    if let Some(m) = message {
        result["error_message"] = Value::String(m);
    }
    let mut hook = json!({
        "match": { "location": "mhhs-qual" },
        "result": result,
    });
    if let Some(e) = embedding {
        hook["embeddings"] = json!([e]);
    }
    hook
}

/// The steps run, then the steps a failure left unreached, as `skipped`.
fn steps(r: &ScenarioResult) -> Vec<Value> {
    let mut out: Vec<Value> = r.steps.iter().map(|s| ran(r, s)).collect();
    for s in r.source.steps.iter().skip(r.steps.len()) {
        out.push(json!({
            "keyword": s.keyword,
            "name": s.text,
            "line": s.line,
            "match": { "location": format!("{}:{}", r.feature_path, s.line) },
            "result": { "status": "skipped", "duration": 0 },
        }));
    }
    out
}

fn ran(r: &ScenarioResult, s: &StepResult) -> Value {
    let undefined = s
        .message
        .as_deref()
        .is_some_and(|m| m.starts_with("no step definition"));
    let status = match s.status {
        Status::Passed => "passed",
        Status::Error if undefined => "undefined",
        // An ambiguous step: the format has no status of its own for it outside cucumber-js.
        Status::Failed | Status::Error => "failed",
        Status::Running | Status::NotRun => "skipped",
    };
    let mut result = json!({ "status": status, "duration": s.duration_ns });
    if matches!(s.status, Status::Failed | Status::Error) {
        // The one-line reason first (what Xray and the reporters show as the summary), then
        // the whole message with the journal entries it quotes.
        let reason = super::junit::reason(r);
        let message = s.message.as_deref().unwrap_or_default();
        result["error_message"] = Value::String(if message.is_empty() {
            reason
        } else {
            format!("{reason}\n\n{message}")
        });
    }
    json!({
        "keyword": s.keyword,
        "name": s.text,
        "line": s.line,
        "match": { "location": format!("{}:{}", r.feature_path, s.line) },
        "result": result,
    })
}

fn tags(tags: &[String], line: usize) -> Vec<Value> {
    tags.iter()
        .map(|t| {
            let name = if t.starts_with('@') {
                t.clone()
            } else {
                format!("@{t}")
            };
            json!({ "name": name, "line": line })
        })
        .collect()
}

/// A Cucumber id: lower case, runs of anything but letters and digits as one `-`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn ids_are_lower_case_words_joined_by_dashes() {
        assert_eq!(
            slug("Registration notifications are acknowledged [publication=PUB-001]"),
            "registration-notifications-are-acknowledged-publication-pub-001"
        );
    }
}
