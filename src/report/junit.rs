//! JUnit XML as CI systems read it (the Jenkins JUnit schema): one testsuite per feature, one
//! testcase per scenario (retries collapsed) named with its qualification id, `classname` from
//! the pack and feature, failures quoting the expectation, what arrived and the journal, and
//! the scenario's message sequence in `system-out`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use junit_report::{Duration as JDuration, ReportBuilder, TestCaseBuilder, TestSuiteBuilder};

use super::{ScenarioResult, Status};
use crate::journal::Journal;

/// `qualification.supplier` from `features/qualification/supplier/x.feature`.
pub fn pack_of(feature_path: &str) -> String {
    let p = feature_path.replace('\\', "/");
    let inner = p.split("features/").last().unwrap_or(&p);
    let mut parts: Vec<&str> = inner.split('/').collect();
    parts.pop();
    if parts.is_empty() {
        "features".to_owned()
    } else {
        parts.join(".")
    }
}

/// The testcase name: `QT-SUP-001 Name`, with the example line for outline rows, unique.
pub fn testcase_name(r: &ScenarioResult) -> String {
    match r.qt_id() {
        Some(id) => format!("{id} {} (line {})", r.name, r.line),
        None => format!("{} (line {})", r.name, r.line),
    }
}

/// Writes the JUnit file.
pub fn write(path: &Path, scenarios: &[ScenarioResult], journal: &Journal) -> std::io::Result<()> {
    let mut by_feature: BTreeMap<(String, String), Vec<&ScenarioResult>> = BTreeMap::new();
    for s in scenarios {
        by_feature
            .entry((s.feature_path.clone(), s.feature.clone()))
            .or_default()
            .push(s);
    }
    let mut report = ReportBuilder::new();
    for ((path, feature), cases) in by_feature {
        let classname = format!("{}.{}", pack_of(&path), feature);
        let mut suite = TestSuiteBuilder::new(&classname);
        for r in cases {
            let name = testcase_name(r);
            let time = JDuration::try_from(r.duration).unwrap_or(JDuration::ZERO);
            let failure = r.failure.clone().unwrap_or_default();
            let first_line = failure.lines().next().unwrap_or_default().to_owned();
            let mut case = match r.status {
                Status::Passed => TestCaseBuilder::success(&name, time),
                Status::Failed => {
                    let mut b = TestCaseBuilder::failure(&name, time, "expectation", &first_line);
                    b.set_trace(&failure);
                    b
                }
                Status::Error | Status::Running | Status::NotRun => {
                    let mut b = TestCaseBuilder::error(&name, time, "error", &first_line);
                    b.set_trace(&failure);
                    b
                }
            };
            case.set_classname(&classname);
            case.set_filepath(&format!("{}:{}", r.feature_path, r.line));
            case.set_system_out(&sequence(r, journal));
            suite.add_testcase(case.build());
        }
        report.add_testsuite(suite.build());
    }
    let file = std::fs::File::create(path)?;
    report
        .build()
        .write_xml(std::io::BufWriter::new(file))
        .map_err(std::io::Error::other)
}

/// The scenario's steps and message sequence, as `system-out` shows them.
pub fn sequence(r: &ScenarioResult, journal: &Journal) -> String {
    let mut out = String::new();
    for s in &r.steps {
        let _ = writeln!(
            out,
            "{:?} line {}: {}{}",
            s.status, s.line, s.keyword, s.text
        );
    }
    out.push_str("message sequence:\n");
    out.push_str(&crate::journal::summaries(&journal.of_scenario(&r.key)));
    out.push('\n');
    out
}
