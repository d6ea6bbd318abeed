//! `index.html` as an assessor uses it: under 2 MB at 500 scenarios with text from the system
//! under test escaped, and, in headless Chromium (`ci/html_check.mjs`), free of console errors,
//! its failures first with their reasons, its "failed" filter showing exactly those, and its
//! "warnings" filter showing the scenarios that passed with warnings, as passed, with their
//! warnings listed; and its message sequence charts: one well-formed SVG per scenario in
//! `msc/` (xmllint), shown in the page (inline, or as a picture of the file once the page's
//! share for them is spent) and drawn by Chromium (`ci/msc_check.mjs`) with an arrow per
//! message.

#![expect(
    clippy::print_stdout,
    reason = "the tests report sizes, times and paths"
)]

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use mhhs_qual::journal::{Body, Direction, Entry, Journal, Verdict};
use mhhs_qual::report::results::{Participant, RunInfo, Selection};
use mhhs_qual::report::{ScenarioResult, Status, StepResult, TITLE, Warning, html, write_folder};
use mhhs_qual::runner::{RunOptions, run};
use serde_json::{Value, json};

fn info() -> RunInfo {
    RunInfo {
        started: "2026-01-01T00:00:00Z".into(),
        duration: Duration::from_secs(600),
        environment: "sandbox".into(),
        selection: Selection {
            packs: vec!["supplier".into()],
            selected: 500,
            ..Selection::default()
        },
        participant: Participant {
            role: "SUP".into(),
            dip_id: "2300000001".into(),
            mpid: "SUPA".into(),
            reference: false,
            faults: Vec::new(),
        },
        exit_code: 1,
        interrupted: false,
    }
}

fn step(keyword: &str, text: &str, status: Status, message: Option<String>) -> StepResult {
    StepResult {
        keyword: keyword.into(),
        text: text.into(),
        line: 10,
        status,
        message,
        duration_ns: 1_000_000,
    }
}

/// 500 scenarios of four messages each (a submission, its delivery, the answer's delivery
/// back and a note), one in ten failing, one in ten passing with a verdict not ok, one in ten
/// passing with a warning; the system answers with markup and control characters.
fn synthetic(journal: &Journal) -> Vec<ScenarioResult> {
    let mut out = Vec::new();
    for i in 0..500 {
        let key = format!("features/qualification/supplier/s{}.feature:{i}", i % 7);
        let failed = i % 10 == 3;
        let warned = i % 10 == 5;
        let warning = (i % 10 == 7).then(|| Warning {
            rule: "G4".into(),
            text: format!("reference <b>S-IF-031-2300000001-MSS-{i}</b> names role MSS\u{1b}"),
            step: Some(10),
        });
        let mpan = format!("20000565{i:05}");
        let payload = json!([{
            "CommonBlock": {
                "S0": {"interfaceID": "IF-031", "schemaVersion": "1.0.0"},
                "S1": {"senderDIPID": "2300000001", "senderRoleID": "SUP", "environmentTag": "sandbox"},
                "S2": {"eventCode": "MSApp", "sourceReference": format!("S-IF-031-2300000001-SUP-{i:010}")},
                "A0": {"primaryRecipients": ["2200000001"]},
            },
            "CustomBlock": {"mpan": mpan, "padding": "x".repeat(1500),
                            "answer": "<script>alert(1)</script>\u{1b}[31m"},
        }]);
        for (n, (direction, from, to, interface)) in [
            (
                Direction::Ingress,
                "SUP 2300000001",
                "REGS 2200000001",
                "IF-031",
            ),
            (
                Direction::Egress,
                "SUP 2300000001",
                "REGS 2200000001",
                "IF-031",
            ),
            (
                Direction::Egress,
                "REGS 2200000001",
                "SUP 2300000001",
                "IF-032",
            ),
            (Direction::Note, "DIP", "SUP 2300000001", "IF-032"),
        ]
        .into_iter()
        .enumerate()
        {
            let mut e = Entry::new(direction, "/dip-channel/IF-031").with_headers([
                ("X-API-Key", "secret"),
                ("Content-Type", "application/json"),
                (
                    "X-DIP-Signature",
                    "c2lnbmF0dXJlIG9mIHRoZSBtZXNzYWdlIGJvZHk=",
                ),
            ]);
            e.scenario = Some(key.clone());
            e.from = Some(from.into());
            e.to = vec![to.into()];
            e.interface = Some(interface.into());
            e.event = Some("[MSApp]".into());
            e.mpan = Some(mpan.clone());
            e.body = Body::Json(payload.clone());
            e.status = Some(if failed && n == 2 { 400 } else { 201 });
            e.response = Body::Text(
                "{\"code\":\"RCP0000\",\"detail\":\"</script><b>bold\u{7}</b>\"}".into(),
            );
            e.latency_ms = Some(12);
            e.outcome = "accepted".into();
            for check in ["schema", "l1", "rule:MSApp-01", "signature"] {
                let ok = !((failed && n == 2 && check == "schema")
                    || (warned && n == 0 && check == "l1"));
                e.verdicts.push(Verdict {
                    check: check.into(),
                    ok,
                    detail: if ok {
                        "valid".into()
                    } else {
                        "/CommonBlock/S1: <b>not</b> as expected \u{1b}".into()
                    },
                });
            }
            journal.record(e);
        }
        let message = failed.then(|| {
            "expected: 201 with RCP0000\narrived instead: 400 <b>MSG1001</b>\u{1b}\njournal:\n    #1".to_owned()
        });
        let status = if failed {
            Status::Failed
        } else {
            Status::Passed
        };
        out.push(ScenarioResult {
            key: key.clone(),
            feature_path: key.split(':').next().unwrap().into(),
            feature: "Appoint services on gain".into(),
            name: format!("Scenario number {i} <i>appoints</i>"),
            tags: vec![format!("@QT-SUP-{:03}", i % 60), format!("@S{}", i % 7 + 1)],
            line: i,
            status,
            steps: vec![
                step("Given ", "a smart MPAN", Status::Passed, None),
                step("When ", "the supplier gains it", Status::Passed, None),
                step(
                    "Then ",
                    "the system answers 201 with RCP0000",
                    status,
                    message.clone(),
                ),
            ],
            duration: Duration::from_millis(250),
            failure: message.map(|m| format!("step \"Then the system answers\" failed:\n{m}")),
            retries: 0,
            warnings: warning.into_iter().collect(),
            source: mhhs_qual::report::Source::default(),
            step_started: None,
            started: None,
        });
    }
    out
}

#[test]
fn five_hundred_scenarios_stay_under_two_megabytes() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new();
    let scenarios = synthetic(&journal);
    let path = dir.path().join("index.html");
    let start = Instant::now();
    html::write(&path, &scenarios, &journal, TITLE, &info()).unwrap();
    let took = start.elapsed();
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "index.html of 500 scenarios, 2000 messages: {size} bytes, written in {} ms",
        took.as_millis()
    );
    assert!(size < 2 * 1024 * 1024, "{size} bytes");

    let page = std::fs::read_to_string(&path).unwrap();
    assert!(
        !page.contains("<script>alert"),
        "markup from the system is escaped"
    );
    assert!(
        !page.contains("<b>bold") && !page.contains("<b>not"),
        "markup is escaped"
    );
    assert!(
        !page.contains("</script><b>"),
        "nothing ends a JSON block early"
    );
    assert!(!page.contains('\u{1b}') && !page.contains('\u{7}'));
    assert!(page.contains("\\u001b"), "control characters are shown");
    assert!(!page.contains("secret"), "API keys stay redacted");
    assert_eq!(page.matches("<section class=\"scenario\"").count(), 500);
    assert_eq!(page.matches("data-status=\"failed\"").count(), 50);
    // The "warnings" filter finds the scenarios with a verdict not ok and those with a warning.
    assert_eq!(page.matches("data-warn=\"1\"").count(), 100);
    assert!(
        page.contains("500 scenarios: 450 passed, 50 failed, 0 errors. "),
        "the totals"
    );
    assert!(page.contains(">⚠ 50 warnings in 50 scenarios</span>"));
    assert_eq!(page.matches("<ul class=\"warnings\">").count(), 50);
    assert!(page.contains(
        "<b>⚠ warning <span class=\"rule\">G4</span></b> (step at line 10): \
         <span class=\"text\">reference &lt;b&gt;S-IF-031-2300000001-MSS-7&lt;/b&gt; names role MSS\\u001b</span>"
    ));
    // A scenario that passed with a warning reads as passed.
    let s7 = &page[page.find("id=\"s7\"").unwrap()..];
    let s7 = &s7[..s7.find("</h3>").unwrap()];
    assert!(s7.contains("data-status=\"passed\""), "{s7}");
    assert!(
        s7.contains("✓ passed</span> <span class=\"warn\">⚠ 1 warning</span>"),
        "{s7}"
    );
    let failures = page.find("id=\"failures\"").unwrap();
    assert!(failures < page.find("class=\"scenario\"").unwrap());
    assert!(page.contains(
        "expected: 201 with RCP0000; arrived instead: 400 &lt;b&gt;MSG1001&lt;/b&gt;\\u001b"
    ));
    // Failed scenarios' messages are embedded before any passing scenario's; what does not
    // fit is left to the journal.
    let embedded = |i: usize| {
        let at = page.find(&format!("id=\"s{i}\"")).unwrap();
        let end = page[at..].find("</section>").unwrap() + at;
        page[at..end].matches("type=\"application/json\"").count() == 4
    };
    let failed_in = (0..500).filter(|&i| i % 10 == 3 && embedded(i)).count();
    let passed_in = (0..500).filter(|&i| i % 10 != 3 && embedded(i)).count();
    println!("messages embedded for {failed_in} failed and {passed_in} passing scenarios");
    assert!(failed_in > 0);
    assert!(passed_in == 0 || failed_in == 50, "{failed_in} {passed_in}");
    assert!(page.contains("journal.ndjson, entry "));
}

/// A scenario whose parties, answers and interface are hostile text.
fn hostile(journal: &Journal) -> ScenarioResult {
    let key = "features/own/hostile.feature:3".to_owned();
    let evil = "<script>alert(1)</script> ]]> & \u{1b}[31m \u{202e}";
    for (seq, direction) in [(1, Direction::Egress), (2, Direction::Ingress)] {
        let mut e = Entry::new(direction, "/dip-channel/IF-<031>");
        e.scenario = Some(key.clone());
        e.from = Some(format!("SUP {evil}"));
        e.to = vec![format!("REGS ]]>{evil}")];
        e.interface = Some(format!("IF-{evil}"));
        e.status = Some(if seq == 1 { 201 } else { 400 });
        e.outcome = format!("rejected {evil}");
        e.verdicts.push(Verdict {
            check: format!("rule:{evil}"),
            ok: false,
            detail: format!("</title></svg>{evil}"),
        });
        journal.record(e);
    }
    ScenarioResult {
        key: key.clone(),
        feature_path: "features/own/hostile.feature".into(),
        feature: "Hostile".into(),
        name: "hostile text".into(),
        tags: vec!["@QT-SUP-999".into()],
        line: 3,
        status: Status::Failed,
        steps: vec![step("Then ", "it fails", Status::Failed, Some("x".into()))],
        duration: Duration::from_millis(5),
        failure: Some("x".into()),
        retries: 0,
        warnings: Vec::new(),
        source: mhhs_qual::report::Source::default(),
        step_started: None,
        started: None,
    }
}

/// The synthetic run and a hostile scenario written as a report folder.
fn synthetic_folder(dir: &std::path::Path) -> Vec<ScenarioResult> {
    let journal = Journal::new();
    let mut scenarios = synthetic(&journal);
    scenarios.push(hostile(&journal));
    write_folder(dir, &scenarios, &journal, &info()).unwrap();
    scenarios
}

#[test]
fn every_scenario_has_its_chart_as_a_well_formed_file_linked_from_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let charts = dir.path().join("msc");
    // What an earlier run left: its charts go, anything else stays.
    std::fs::create_dir(&charts).unwrap();
    std::fs::write(charts.join("QT-OLD-001.svg"), "<svg/>").unwrap();
    std::fs::write(charts.join("notes.txt"), "mine").unwrap();
    let start = Instant::now();
    let scenarios = synthetic_folder(dir.path());
    println!(
        "report folder of 501 scenarios written in {} ms",
        start.elapsed().as_millis()
    );
    assert!(!charts.join("QT-OLD-001.svg").exists());
    assert!(charts.join("notes.txt").exists());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&charts)
        .unwrap()
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect();
    files.sort();
    assert_eq!(files.len(), scenarios.len(), "one chart per scenario");
    let sizes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    println!("{} charts, {sizes} bytes", files.len());

    // libxml2 reads every one as XML.
    let out = Command::new("xmllint")
        .arg("--noout")
        .args(&files)
        .output()
        .expect("xmllint (Debian libxml2-utils) is installed: bash ci/setup.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A failed synthetic scenario: two arrows, the delivery back refused (dashed red), and
    // the note.
    let failed = std::fs::read_to_string(charts.join("QT-SUP-003-3.svg")).unwrap();
    for path in [
        "count(//*[local-name()='g'][@class='msg ok'])",
        "count(//*[local-name()='g'][@class='msg refused'])",
        "count(//*[local-name()='g'][starts-with(@class,'note')])",
    ] {
        let out = Command::new("xmllint")
            .args(["--xpath", path])
            .arg(charts.join("QT-SUP-003-3.svg"))
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "1",
            "{path} in {failed}"
        );
    }
    let lanes = Command::new("xmllint")
        .args([
            "--xpath",
            "//*[local-name()='g'][@class='lane']/*[local-name()='text']/text()",
        ])
        .arg(charts.join("QT-SUP-003-3.svg"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&lanes.stdout).trim(),
        "SUP 2300000001\nREGS 2200000001"
    );
    let evil = std::fs::read_to_string(charts.join("QT-SUP-999.svg")).unwrap();
    assert!(!evil.contains("<script") && !evil.contains("]]>") && !evil.contains('\u{1b}'));
    assert!(
        evil.contains("&lt;/title&gt;&lt;/svg&gt;&lt;script&gt;"),
        "{evil}"
    );

    // The page shows every chart and links its file; the failed ones are inline.
    let page = std::fs::read_to_string(dir.path().join("index.html")).unwrap();
    println!("index.html: {} bytes", page.len());
    assert!(page.len() < 2 * 1024 * 1024, "{} bytes", page.len());
    assert_eq!(page.matches("<figure class=\"msc\">").count(), 501);
    for f in &files {
        let name = format!("msc/{}", f.file_name().unwrap().to_str().unwrap());
        assert!(
            page.contains(&format!("<a href=\"{name}\">{name}</a>")),
            "{name}"
        );
    }
    let section = |id: &str| {
        let at = page.find(&format!("id=\"{id}\"")).unwrap();
        &page[at..at + page[at..].find("</section>").unwrap()]
    };
    // Inline: the charts of the failed scenarios and of those with warnings (or verdicts not
    // ok); the others are pictures of their files.
    for i in 0..501 {
        let inline = i == 500 || [3, 5, 7].contains(&(i % 10));
        let s = section(&format!("s{i}"));
        assert_eq!(s.contains("<figure class=\"msc\"><svg "), inline, "s{i}");
        assert_eq!(
            s.contains("<figure class=\"msc\"><img src=\"msc/"),
            !inline,
            "s{i}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charts_in_chromium_draw_an_arrow_per_message() {
    let (script, chromium) = match common::browser("msc_check.mjs") {
        Ok(found) => found,
        Err(why) if common::in_ci() => {
            panic!("CI needs headless Chromium for the HTML report: {why}")
        }
        Err(why) => {
            println!("skipped: the charts' browser test: {why} (ci/setup.sh installs it)");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    synthetic_folder(dir.path());
    let seen = msc_check(&script, &chromium, &dir.path().join("index.html"));
    assert_eq!(seen["errors"], json!([]), "{seen}");
    let charts = seen["charts"].as_array().unwrap();
    assert_eq!(charts.len(), 501);
    let mut pictures = 0;
    for (i, c) in charts.iter().enumerate() {
        assert_eq!(c["figure"], true, "{c}");
        if let Some(img) = c.get("img") {
            pictures += 1;
            assert_eq!(img["loaded"], true, "{c}");
            assert!(img["width"].as_u64().unwrap() >= 400, "{c}");
            assert_eq!(img["src"], c["link"], "{c}");
            continue;
        }
        assert!(i == 500 || [3, 5, 7].contains(&(i % 10)), "{c}");
        let arrows = c["arrows"].as_array().unwrap();
        assert_eq!(arrows.len(), 2, "{c}");
        if i == 500 {
            continue;
        }
        assert_eq!(
            c["lanes"],
            json!(["SUP 2300000001", "REGS 2200000001"]),
            "{c}"
        );
        assert_eq!(arrows.len(), 2, "{c}");
        assert_eq!(c["notes"], 1, "{c}");
        if i % 10 == 3 {
            assert_eq!(c["status"], "failed");
            // The delivery back was answered 400: red and dashed.
            assert_eq!(arrows[1]["class"], "msg refused", "{c}");
            assert_eq!(arrows[1]["stroke"], "rgb(160, 16, 16)", "{c}");
            assert_eq!(arrows[1]["dashed"], true, "{c}");
        } else {
            assert_eq!(arrows[1]["stroke"], "rgb(23, 99, 23)", "{c}");
            assert_eq!(arrows[1]["dashed"], false, "{c}");
        }
        if i % 10 == 5 {
            // A verdict not ok on the submission shows on the delivery that carried it.
            assert_eq!(arrows[0]["class"], "msg bad", "{c}");
            assert!(arrows[0]["label"].as_str().unwrap().ends_with(" ✗"), "{c}");
        }
    }
    assert_eq!(
        pictures, 350,
        "the charts of scenarios that passed are pictures"
    );
    assert!(charts[500].get("img").is_none(), "a failed chart is inline");
}

/// Runs `ci/msc_check.mjs` on a page and returns what it saw.
fn msc_check(
    script: &std::path::Path,
    chromium: &std::path::Path,
    page: &std::path::Path,
) -> Value {
    let out = Command::new("node")
        .arg(script)
        .arg(page)
        .env("CHROMIUM", chromium)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_in_chromium_lists_failures_first_and_filters_them() {
    let (script, chromium) = match common::browser("html_check.mjs") {
        Ok(found) => found,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI needs headless Chromium for the HTML report: {why}")
        }
        Err(why) => {
            println!("skipped: the HTML report's browser test: {why} (ci/setup.sh installs it)");
            return;
        }
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let outcome = run(RunOptions {
        pack: Some("supplier".into()),
        report_dir: dir.clone(),
        // Four scenarios fail; the two rows of QT-SUP-040 pass with a warning (G4).
        faults: vec![
            "smart-services-only".into(),
            "reference-names-other-role".into(),
        ],
        ..RunOptions::default()
    })
    .await
    .unwrap();
    assert_eq!(outcome.exit, 1);
    let page = dir.join("index.html");
    let shot = dir.join("index.png");
    let out = Command::new("node")
        .arg(&script)
        .arg(&page)
        .arg(&shot)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    println!("screenshot: {}", shot.display());
    assert!(shot.exists());

    assert_eq!(seen["errors"], json!([]), "{seen}");
    assert_eq!(
        seen["requests"],
        json!([]),
        "the page asks the network for nothing"
    );
    assert_eq!(seen["first"], "failures", "{seen}");
    assert_eq!(seen["all"], 37, "{seen}");
    let failures = seen["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 4, "{seen}");
    for f in failures {
        let reason = f["reason"].as_str().unwrap();
        assert!(f["name"].as_str().unwrap().starts_with("QT-SUP-"), "{f}");
        assert!(f["status"].as_str().unwrap().contains("failed"), "{f}");
        assert!(reason.starts_with("step \"And the ["), "{reason}");
        assert!(reason.contains(" failed: expected: ["), "{reason}");
        assert!(reason.contains("; arrived instead: "), "{reason}");
    }
    let listed: Vec<&str> = failures.iter().map(|f| f["id"].as_str().unwrap()).collect();
    let filtered: Vec<&str> = seen["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        filtered, listed,
        "the failed filter shows exactly the failures"
    );
    assert_eq!(seen["shown"], "4 of 37 scenarios shown");
    let opened = seen["opened"].as_str().unwrap_or_default();
    for part in ["Headers", "Body", "Answer", "Verdicts", "content-type"] {
        assert!(opened.contains(part), "{part} in {opened}");
    }
    assert_eq!(seen["back"], 37);

    // The warnings: counted in the totals, and the "warnings" filter shows the two scenarios
    // that passed with them (one for each request the scenario saw submitted), as passed,
    // each warning with its rule and text, in amber.
    let totals = seen["totals"].as_str().unwrap();
    assert!(
        totals.starts_with(
            "37 scenarios: 33 passed, 4 failed, 0 errors. ⚠ 4 warnings in 2 scenarios"
        ),
        "{totals}"
    );
    let with_warnings: Vec<&Value> = seen["warned"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["warnings"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(with_warnings.len(), 2, "{seen}");
    for s in with_warnings {
        assert_eq!(s["status"], "✓ passed", "{s}");
        assert_eq!(s["badge"], "⚠ 2 warnings", "{s}");
        let warnings = s["warnings"].as_array().unwrap();
        assert_eq!(warnings.len(), 2, "{s}");
        for w in warnings {
            let text = w["text"].as_str().unwrap();
            assert!(text.starts_with("⚠ warning G4 (step at line "), "{text}");
            assert!(text.contains("but S1.senderRoleID is SUP"), "{text}");
            assert_eq!(w["color"], "rgb(138, 90, 0)", "amber, not a failure's red");
        }
    }

    // The charts: those of the failed scenarios and of those with warnings inline, with an
    // arrow drawn for each one their files have; the others pictures of their files.
    let seen = msc_check(&script.with_file_name("msc_check.mjs"), &chromium, &page);
    assert_eq!(seen["errors"], json!([]), "{seen}");
    let charts = seen["charts"].as_array().unwrap();
    assert_eq!(charts.len(), 37);
    let mut inline = 0;
    for c in charts {
        assert_eq!(c["figure"], true, "{c}");
        let file = std::fs::read_to_string(dir.join(c["link"].as_str().unwrap())).unwrap();
        let drawn = file.matches("<g class=\"msg ").count();
        assert!(drawn > 0, "{c}");
        if let Some(img) = c.get("img") {
            assert_eq!(c["status"], "passed", "{c}");
            assert_eq!(img["loaded"], true, "{c}");
        } else {
            inline += 1;
            assert_eq!(c["arrows"].as_array().unwrap().len(), drawn, "{c}");
            let lanes = c["lanes"].as_array().unwrap();
            assert!(lanes.contains(&json!("SUP 2300000001")), "{c}");
        }
    }
    assert_eq!(inline, 6, "4 failed and 2 with warnings");
}
