//! The report folder as its consumers read it: JUnit checked by third-party consumers
//! (`xmllint` against our JUnit XSD and the Jenkins one, junitparser and junit2html through
//! `ci/read_junit.py`), `results.json` against its own schema, the journal as NDJSON with
//! no secret in it, and `cucumber.json` as its readers read it (`ci/read_cucumber_json.py`).
//! A scenario that passes with warnings is a passed testcase everywhere, its warnings beside it.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use mhhs_qual::runner::{RunOptions, run};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junit_results_and_journal_are_what_their_readers_expect() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = run(RunOptions {
        pack: Some("supplier".into()),
        report_dir: dir.path().to_owned(),
        faults: vec!["smart-services-only".into()],
        ..RunOptions::default()
    })
    .await
    .unwrap();
    assert_eq!(outcome.exit, 1);
    let junit_path = dir.path().join("junit.xml");

    // Third-party consumers: libxml2 validating against the JUnit schemas, junitparser and
    // junit2html reading it back.
    let read = common::assert_valid_junit(&junit_path);
    assert_eq!(
        (read.tests, read.failures, read.errors, read.skipped),
        (37, 4, 0, 0)
    );
    assert_eq!(read.messages.len(), 4);
    for m in &read.messages {
        assert!(!m.contains('\n'), "{m}");
        assert!(m.starts_with("step \"And the ["), "{m}");
        assert!(m.contains(" failed: expected: ["), "{m}");
        assert!(m.contains("; arrived instead: "), "{m}");
    }
    // Outline rows are named by their example values, never by their line.
    assert!(
        read.names.iter().any(|n| n
            == "QT-SUP-002 Registration notifications are acknowledged \
                [publication=PUB-001, event=[ChangeOfSupplier]]"),
        "{:?}",
        read.names
    );
    assert!(read.names.iter().all(|n| !n.contains("(line ")));
    let count = Command::new("xmllint")
        .args(["--xpath", "count(//testcase)"])
        .arg(&junit_path)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&count.stdout).trim(), "37");
    let failures = Command::new("xmllint")
        .args(["--xpath", "count(//testcase[failure])"])
        .arg(&junit_path)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&failures.stdout).trim(), "4");

    let xml = std::fs::read_to_string(&junit_path).unwrap();
    let names: Vec<&str> = xml
        .split("<testcase name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(names.len(), 37);
    assert_eq!(
        names.iter().collect::<BTreeSet<_>>().len(),
        37,
        "testcase names are unique"
    );
    assert!(names.iter().all(|n| n.starts_with("QT-SUP-")), "{names:?}");
    assert!(xml.contains("classname=\"qualification.supplier.Appoint services on gain\""));
    assert!(xml.contains("file=\"features/qualification/supplier/appoint.feature\""));
    assert!(xml.contains("package=\"qualification.supplier\""));
    assert!(!xml.contains("package=\"testsuite/"));
    assert!(
        xml.contains("<testsuites name=\"mhhs-qual\" tests=\"37\" failures=\"4\" errors=\"0\"")
    );
    // The failure quotes the expectation, what arrived, and the journal entry.
    let failure = xml.split("<failure").nth(1).unwrap();
    assert!(
        failure.contains("expected: [MSApp] proposes a"),
        "{failure}"
    );
    assert!(failure.contains("arrived instead:"), "{failure}");
    assert!(
        failure.contains(
            "SUP 2300000001→DIP (for REGS 2200000001) /dip-channel/IF-031 IF-031 [MSApp]"
        ),
        "{failure}"
    );
    // The message sequence is in system-out.
    assert!(xml.contains("message sequence:"));
    assert!(xml.contains("DIP→SUP 2300000001 (from REGS 2200000001)"));

    // results.json against its schema.
    let results = common::assert_valid_results(dir.path());
    assert_eq!(
        results["totals"],
        serde_json::json!({"scenarios": 37, "passed": 33, "failed": 4, "errors": 0, "warned": 0, "warnings": 0})
    );
    assert_eq!(results["exit_code"], 1);
    let failed: BTreeSet<&str> = results["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "failed")
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(failed, BTreeSet::from(["QT-SUP-031", "QT-SUP-032"]));
    // results.json names the scenarios as the JUnit file does.
    let from_results: BTreeSet<String> = results["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["id"].as_str().unwrap(),
                s["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(from_results, read.names.iter().cloned().collect());

    // The journal: one JSON object per line, in order, and no secret.
    let journal = std::fs::read_to_string(dir.path().join("journal.ndjson")).unwrap();
    let mut last = 0;
    for line in journal.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        let seq = e["seq"].as_u64().unwrap();
        assert_eq!(seq, last + 1);
        last = seq;
    }
    assert!(last > 40);
    // The page for people: every scenario, its failure, and escaped message bodies.
    let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(
        html.contains("37 scenarios: 33 passed, 4 failed, 0 errors."),
        "{html}"
    );
    assert_eq!(html.matches("<section class=\"scenario\"").count(), 37);
    assert!(html.contains("expected: [MSApp] proposes a MSA counterparty"));
    // Bodies are JSON blocks, turned into text only when asked.
    assert!(html.contains("\\\"interfaceID\\\": \\\"IF-031\\\""));
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "one script, the page's own"
    );
    assert!(!html.contains("<script src"));
    cucumber_json_is_what_its_readers_expect(&dir.path().join("cucumber.json"), &read.messages);
    for file in [
        "junit.xml",
        "results.json",
        "journal.ndjson",
        "cucumber.json",
        "index.html",
    ] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert!(!text.contains("reference-key"), "{file} leaks the API key");
    }
}

/// The supplier pack under `smart-services-only`, in Cucumber JSON: valid against the format's
/// schema and read by multiple-cucumber-html-reporter; 37 scenarios, the 4 failing ones failed
/// at their fourth step with the JUnit file's one-line reason and the steps after it skipped;
/// every scenario tagged with its QT id and carrying its journal entries.
fn cucumber_json_is_what_its_readers_expect(path: &std::path::Path, junit_messages: &[String]) {
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let seen = common::read_cucumber_json(path);
    let reader = &seen["reader"];
    assert_eq!(
        reader["features"],
        doc.as_array().unwrap().len(),
        "{reader}"
    );
    assert_eq!(reader["index"], true);
    assert_eq!(
        (
            &reader["scenarios"]["total"],
            &reader["scenarios"]["passed"],
            &reader["scenarios"]["failed"]
        ),
        (&Value::from(37), &Value::from(33), &Value::from(4)),
        "{reader}"
    );
    let elements: Vec<&Value> = doc
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["elements"].as_array().unwrap())
        .collect();
    assert_eq!(elements.len(), 37);
    let mut failed = 0;
    for e in &elements {
        let tags: Vec<&str> = e["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert!(tags.iter().any(|t| t.starts_with("@QT-SUP-")), "{tags:?}");
        let steps = e["steps"].as_array().unwrap();
        let statuses: Vec<&str> = steps
            .iter()
            .map(|s| s["result"]["status"].as_str().unwrap())
            .collect();
        if let Some(at) = statuses.iter().position(|s| *s == "failed") {
            failed += 1;
            assert_eq!(e["keyword"], "Scenario Outline");
            assert_eq!(at, 3, "{statuses:?}");
            assert!(
                statuses[..at].iter().all(|s| *s == "passed"),
                "{statuses:?}"
            );
            assert!(!statuses[at + 1..].is_empty());
            assert!(
                statuses[at + 1..].iter().all(|s| *s == "skipped"),
                "{statuses:?}"
            );
            let message = steps[at]["result"]["error_message"].as_str().unwrap();
            let reason = message.lines().next().unwrap();
            assert!(junit_messages.iter().any(|m| m == reason), "{reason}");
            assert!(reason.contains(" failed: expected: ["), "{reason}");
        } else {
            assert!(statuses.iter().all(|s| *s == "passed"), "{statuses:?}");
        }
        assert!(steps.iter().all(|s| s["result"]["duration"].is_u64()));
        // The journal entries, on the last step.
        let embeddings = steps.last().unwrap()["embeddings"].as_array().unwrap();
        assert_eq!(embeddings.len(), 1);
        assert_eq!(embeddings[0]["mime_type"], "application/json");
        let data = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            embeddings[0]["data"].as_str().unwrap(),
        )
        .unwrap();
        let entries: Vec<Value> = serde_json::from_slice(&data).unwrap();
        assert!(!entries.is_empty(), "{}", e["name"]);
        let key = entries[0]["scenario"].as_str().unwrap();
        assert!(
            entries
                .iter()
                .all(|x| x["scenario"] == key && x["seq"].is_u64())
        );
    }
    assert_eq!(failed, 4);
    // The reader decoded each scenario's embedding as the same JSON.
    let each = reader["each"].as_array().unwrap();
    assert_eq!(each.len(), 37);
    assert!(each.iter().all(|s| {
        s["json"]
            .as_array()
            .is_some_and(|j| j.len() == 1 && j[0].is_array())
    }));
}

/// The well-formedness scenarios (QT-SUP-040, two rows) against a supplier whose sender
/// references name another role: a detail the contract only warns about (G4). They pass, the
/// run exits 0, and every report shows the warnings without a failure.
async fn run_warned(dir: &std::path::Path, shard: Option<&str>) -> mhhs_qual::runner::RunOutcome {
    run(RunOptions {
        pack: Some("supplier".into()),
        tags: Some("@QT-SUP-040".into()),
        shard: shard.map(|s| s.parse().unwrap()),
        report_dir: dir.to_owned(),
        faults: vec!["reference-names-other-role".into()],
        ..RunOptions::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scenario_that_passes_with_warnings_is_a_passed_testcase_with_its_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = run_warned(dir.path(), None).await;
    assert_eq!(outcome.exit, 0, "warnings do not change the exit status");
    assert_eq!(outcome.totals.passed, 2);
    assert_eq!((outcome.totals.warned, outcome.totals.warnings), (2, 4));

    // JUnit: two passed testcases, no failure or error, the warnings in system-out.
    let junit_path = dir.path().join("junit.xml");
    let read = common::assert_valid_junit(&junit_path);
    assert_eq!(
        (read.tests, read.failures, read.errors, read.skipped),
        (2, 0, 0, 0)
    );
    let xpath = |expr: &str| {
        let o = Command::new("xmllint")
            .args(["--xpath", expr])
            .arg(&junit_path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).trim().to_owned()
    };
    assert_eq!(xpath("count(//testcase[failure or error or skipped])"), "0");
    assert_eq!(
        xpath("count(//testcase[starts-with(system-out, 'WARNING G4: ')])"),
        "2"
    );
    let xml = std::fs::read_to_string(&junit_path).unwrap();
    let lines: Vec<&str> = xml.lines().filter(|l| l.contains("WARNING ")).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    for l in &lines {
        let l = l.trim_start_matches(|c| c != 'W');
        assert!(l.starts_with("WARNING G4: submission #"), "{l}");
        assert!(l.contains("/CommonBlock/S1/senderUniqueReference: "), "{l}");
        assert!(l.contains("S-IF-031-2300000001-MSS-"), "{l}");
        assert!(
            l.contains("names role MSS but S1.senderRoleID is SUP"),
            "{l}"
        );
    }

    // results.json against its schema, the warnings on each scenario and in the totals.
    let results = common::assert_valid_results(dir.path());
    assert_eq!(
        results["totals"],
        serde_json::json!({"scenarios": 2, "passed": 2, "failed": 0, "errors": 0, "warned": 2, "warnings": 4})
    );
    assert_eq!(results["exit_code"], 0);
    for s in results["scenarios"].as_array().unwrap() {
        assert_eq!(s["status"], "passed");
        assert_eq!(s["failure"], Value::Null);
        let checked = s["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|st| {
                st["text"] == "every submission passes the DIP's checks and the market rules"
            })
            .unwrap();
        let warnings = s["warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 2, "{s}");
        for w in warnings {
            assert_eq!(w["rule"], "G4");
            assert_eq!(w["step"], checked["line"], "raised by the step that checks");
            assert!(
                w["text"]
                    .as_str()
                    .unwrap()
                    .contains("but S1.senderRoleID is SUP")
            );
        }
    }
    // Schema-invalid warnings are refused: the schema checks what it claims to.
    let mut broken = results.clone();
    broken["scenarios"][0]["warnings"][0]["rule"] = Value::from("");
    let schema: Value = serde_json::from_str(
        mhhs_qual::embedded::file("schemas/report/results.schema.json").unwrap(),
    )
    .unwrap();
    assert!(
        !jsonschema::validator_for(&schema)
            .unwrap()
            .is_valid(&broken)
    );
    broken = results.clone();
    broken["totals"].as_object_mut().unwrap().remove("warnings");
    assert!(
        !jsonschema::validator_for(&schema)
            .unwrap()
            .is_valid(&broken)
    );

    // The journal: each warning is a note of its scenario.
    let journal = std::fs::read_to_string(dir.path().join("journal.ndjson")).unwrap();
    let notes = journal
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|e| e["direction"] == "note" && e["outcome"] == "warning G4")
        .count();
    assert_eq!(notes, 4);

    // Cucumber JSON: valid, read as two passed scenarios, the warnings embedded as text on
    // the step that raised them.
    let path = dir.path().join("cucumber.json");
    let seen = common::read_cucumber_json(&path);
    assert_eq!(
        (
            &seen["reader"]["scenarios"]["passed"],
            &seen["reader"]["scenarios"]["failed"]
        ),
        (&Value::from(2), &Value::from(0)),
        "{seen}"
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut embedded = 0;
    for step in doc
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["elements"].as_array().unwrap())
        .flat_map(|e| e["steps"].as_array().unwrap())
    {
        assert_eq!(step["result"]["status"], "passed");
        for e in step["embeddings"].as_array().into_iter().flatten() {
            if e["name"] != "warnings" {
                continue;
            }
            assert_eq!(
                step["name"],
                "every submission passes the DIP's checks and the market rules"
            );
            assert_eq!(e["mime_type"], "text/plain");
            let text = base64::Engine::decode(
                &base64::engine::general_purpose::STANDARD,
                e["data"].as_str().unwrap(),
            )
            .unwrap();
            let text = String::from_utf8(text).unwrap();
            assert_eq!(text.lines().count(), 2, "{text}");
            assert!(
                text.lines().all(|l| l.starts_with("WARNING G4: ")),
                "{text}"
            );
            embedded += 1;
        }
    }
    assert_eq!(embedded, 2);

    // The page: the count in the totals, each scenario passed with its warnings listed.
    let html = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    assert!(
        html.contains("2 scenarios: 2 passed, 0 failed, 0 errors. <span id=\"warning-total\" class=\"warn\">⚠ 4 warnings in 2 scenarios</span>"),
        "{html}"
    );
    assert_eq!(html.matches("<ul class=\"warnings\">").count(), 2);
    assert_eq!(html.matches("data-status=\"passed\"").count(), 2);
    assert!(html.contains("<h2>Failures (0)</h2>"));
}

/// Warnings survive sharding: the merged report of two shards has the scenarios' warnings
/// and totals of a whole run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merged_shards_keep_their_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    run_warned(&d.join("whole"), None).await;
    for k in 1..=2 {
        run_warned(&d.join(format!("shard{k}")), Some(&format!("{k}/2"))).await;
    }
    let merged = mhhs_qual::report::merge::merge_folders(
        &[d.join("shard1"), d.join("shard2")],
        &d.join("merged"),
    )
    .unwrap();
    assert_eq!(merged.exit, 0);
    let whole = common::assert_valid_results(&d.join("whole"));
    let out = common::assert_valid_results(&d.join("merged"));
    assert_eq!(out["totals"], whole["totals"]);
    assert_eq!(out["totals"]["warnings"], 4);
    let warnings = |r: &Value| -> Vec<(String, usize)> {
        r["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["key"].as_str().unwrap().to_owned(),
                    s["warnings"].as_array().unwrap().len(),
                )
            })
            .collect()
    };
    assert_eq!(warnings(&out), warnings(&whole));
    let xml = std::fs::read_to_string(d.join("merged/junit.xml")).unwrap();
    assert_eq!(xml.matches("WARNING G4: ").count(), 4);
}
