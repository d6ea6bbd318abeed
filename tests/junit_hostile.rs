//! A system under test that answers with anything (control characters, `]]>`, bytes that are
//! not UTF-8, megabytes of text) cannot make `junit.xml` unreadable: the file still validates
//! against the JUnit schemas and junitparser and junit2html count every testcase.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};
use mhhs_qual::journal::{Body, Direction, Entry, Journal, Verdict};
use mhhs_qual::report::{ScenarioResult, Status, StepResult, junit};

const FEATURE: &str = r"Feature: Hostile answers

  @QT-HOS-001
  Scenario: An answer with control characters
    Given a smart MPAN
    Then the supplier answers 201 with RCP0000

  @QT-HOS-002
  Scenario: An answer that ends a CDATA section
    Given a smart MPAN
    Then the supplier answers 201 with RCP0000

  @QT-HOS-003
  Scenario: An answer that is not UTF-8
    Given a smart MPAN
    Then the supplier answers 201 with RCP0000

  @QT-HOS-004
  Scenario: Ten megabytes of answer
    Given a smart MPAN
    Then the supplier answers 201 with RCP0000

  @QT-HOS-005
  Scenario: An interrupted scenario
    Given a smart MPAN
    Then the supplier answers 201 with RCP0000

  @QT-HOS-006
  Scenario Outline: A delivery without <header> is refused
    Given a smart MPAN
    Then the supplier refuses the delivery's signature

    Examples:
      | header               |
      | X-DIP-Signature-Date |
      | X-DIP-Content-Hash   |
";

/// What the system answered, per scenario id.
fn hostile_answer(id: &str) -> String {
    match id {
        "QT-HOS-001" => "MSG1001 \u{0}\u{1b}[31mred\u{1b}[0m\u{7} bell \u{b}\u{c}\u{fffe}".into(),
        "QT-HOS-002" => "MSG1001 ]]><![CDATA[ <system-out> & \"quoted\" ]]>".into(),
        "QT-HOS-003" => {
            let Body::Text(t) = Body::from_bytes(b"MSG1001 \xff\xfe\xc3(\x80 not UTF-8 ]]>") else {
                panic!("bytes that are not JSON are text")
            };
            assert!(t.contains('\u{fffd}'), "{t}");
            t
        }
        "QT-HOS-004" => "MSG1001 ".to_owned() + &"]]>\u{1b}x".repeat(10 * 1024 * 1024 / 4),
        _ => String::new(),
    }
}

fn scenarios(journal: &Journal) -> Vec<ScenarioResult> {
    let mut feature = gherkin::Feature::parse(FEATURE, GherkinEnv::default())
        .unwrap()
        .expand_examples()
        .unwrap();
    feature.path = Some(PathBuf::from("features/hostile/hostile.feature"));
    let mut out = Vec::new();
    for scenario in &feature.scenarios {
        let mut r = mhhs_qual::runner::pending(&feature, scenario);
        let id = r.qt_id().unwrap().to_owned();
        r.duration = Duration::from_millis(250);
        let step = |s: &gherkin::Step, status, message: Option<String>| StepResult {
            keyword: s.keyword.clone(),
            text: s.value.clone(),
            line: s.position.line,
            status,
            message,
            duration_ns: 1_000_000,
        };
        let answer = hostile_answer(&id);
        let passing = id == "QT-HOS-006" && r.name.contains("Content-Hash");
        if id == "QT-HOS-005" {
            r.status = Status::Error;
            r.failure = Some("interrupted before the scenario finished".into());
        } else if passing {
            r.status = Status::Passed;
            r.steps = scenario
                .steps
                .iter()
                .map(|s| step(s, Status::Passed, None))
                .collect();
            // It passed with a warning quoting the system's hostile text.
            r.warnings = vec![mhhs_qual::report::Warning {
                rule: "G4".into(),
                text: format!(
                    "{} {}",
                    hostile_answer("QT-HOS-002"),
                    hostile_answer("QT-HOS-001")
                ),
                step: Some(scenario.steps[1].position.line),
            }];
        } else {
            let last = scenario.steps.last().unwrap();
            let message = format!(
                "expected: 201 with RCP0000\narrived instead: 400 {answer}\njournal:\n    #1 {answer}"
            );
            r.status = Status::Failed;
            r.failure = Some(format!(
                "step \"{}{}\" ({}:{}) failed:\n{message}",
                last.keyword, last.value, r.feature_path, last.position.line
            ));
            r.steps = vec![
                step(&scenario.steps[0], Status::Passed, None),
                step(last, Status::Failed, Some(message)),
            ];
        }
        let mut e = Entry::new(Direction::Egress, "https://sut.invalid/webhook");
        e.scenario = Some(r.key.clone());
        e.from = Some("REGS 2200000001".into());
        e.to = vec!["SUP 2300000001".into()];
        e.status = Some(400);
        e.response = Body::Text(answer.clone());
        e.outcome.clone_from(&answer);
        e.verdicts.push(Verdict {
            check: "ack".into(),
            ok: false,
            detail: answer,
        });
        journal.record(e);
        out.push(r);
    }
    out
}

#[test]
fn a_hostile_system_cannot_break_the_junit_file() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new();
    let scenarios = scenarios(&journal);
    assert_eq!(scenarios.len(), 7);
    let path = dir.path().join("junit.xml");
    junit::write(&path, &scenarios, &journal).unwrap();

    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 8 * 1024 * 1024, "{size} bytes: long texts are cut");
    let xml = std::fs::read_to_string(&path).unwrap();
    assert!(!xml.contains("<![CDATA["), "no text is trusted to CDATA");
    assert!(!xml.contains('\u{1b}') && !xml.contains('\u{0}') && !xml.contains('\u{7}'));
    assert!(
        xml.contains("\\u001b[31mred"),
        "control characters are shown"
    );
    assert!(xml.contains("bytes left out"), "a cut says so");

    let read = common::assert_valid_junit(&path);
    // The scenario that passed with a warning is a passed testcase.
    assert_eq!(
        (read.tests, read.failures, read.errors, read.skipped),
        (7, 5, 1, 0)
    );
    assert!(
        xml.contains(
            "<system-out>WARNING G4: MSG1001 ]]&gt;&lt;![CDATA[ &lt;system-out&gt; &amp; \"quoted\" ]]&gt; MSG1001 \\u0000\\u001b[31mred"
        ),
        "the warning opens system-out, escaped"
    );
    let mut names = read.names.clone();
    names.sort();
    assert_eq!(
        names,
        [
            "QT-HOS-001 An answer with control characters",
            "QT-HOS-002 An answer that ends a CDATA section",
            "QT-HOS-003 An answer that is not UTF-8",
            "QT-HOS-004 Ten megabytes of answer",
            "QT-HOS-005 An interrupted scenario",
            "QT-HOS-006 A delivery without X-DIP-Content-Hash is refused [header=X-DIP-Content-Hash]",
            "QT-HOS-006 A delivery without X-DIP-Signature-Date is refused [header=X-DIP-Signature-Date]",
        ]
    );
    assert_eq!(read.messages.len(), 6);
    for m in &read.messages {
        assert!(!m.contains(['\n', '\r']), "{m}");
        assert!(m.chars().count() <= junit::MAX_MESSAGE_CHARS, "{m}");
    }
    let failures: Vec<&String> = read
        .messages
        .iter()
        .filter(|m| m.starts_with("step "))
        .collect();
    assert_eq!(failures.len(), 5);
    for m in failures {
        assert!(
            m.starts_with(
                "step \"Then the supplier answers 201 with RCP0000\" failed: \
                 expected: 201 with RCP0000; arrived instead: 400 MSG1001"
            ) || m.starts_with(
                "step \"Then the supplier refuses the delivery's signature\" failed: \
                 expected: 201 with RCP0000; arrived instead: 400"
            ),
            "{m}"
        );
        assert!(
            !m.contains("journal"),
            "the reason stops before the journal: {m}"
        );
    }
    assert!(
        read.messages
            .contains(&"interrupted before the scenario finished".to_owned())
    );
    assert!(
        read.messages.iter().any(|m| m.contains("\\u001b[31mred")),
        "{:?}",
        read.messages
    );
    assert!(
        read.messages
            .iter()
            .any(|m| m.contains("MSG1001 ]]><![CDATA[ <system-out> & \"quoted\" ]]>")),
        "{:?}",
        read.messages
    );
}
