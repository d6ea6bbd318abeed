//! JUnit XML as CI systems read it (Jenkins, GitLab, publish-unit-test-result, junit2html):
//! one testsuite per feature, one testcase per scenario (retries collapsed) named with its
//! qualification id, `classname` from the pack and feature, `file` the feature's path, a
//! failure whose `message` is the one-line reason and whose text quotes the expectation, what
//! arrived and the journal, and the scenario's message sequence in `system-out`. Totals are on
//! `<testsuites>` and on each `<testsuite>`. A scenario's warnings open its `system-out`, one
//! line each (`WARNING G4: text`): they are never a `<failure>` or an `<error>`, and a
//! scenario that passed with warnings is a passed testcase.
//!
//! The file is written here rather than by a JUnit crate because much of its text comes from
//! the system under test: every piece of text goes through [`super::xml`], which escapes what
//! XML forbids instead of trusting CDATA (a `]]>` or an ESC in an answer would otherwise make
//! the whole file unreadable). `mhhs-qual data check` writes its JUnit with the same [`Suite`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use super::xml;
use super::{ScenarioResult, Status};
use crate::journal::Journal;

/// The longest `failure/@message`, in characters.
pub const MAX_MESSAGE_CHARS: usize = 500;
/// The longest failure text or `system-out`, in bytes (libxml2-based readers, such as
/// GitLab's, refuse text nodes over 10 MB).
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;

/// One testsuite.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    pub name: String,
    /// `package`, when there is one (the pack, `qualification.supplier`).
    pub package: Option<String>,
    pub cases: Vec<Case>,
}

/// One testcase.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub classname: String,
    /// The file that defines it, a path only.
    pub file: Option<String>,
    pub time: Duration,
    pub outcome: Outcome,
    pub system_out: String,
}

/// How a testcase ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Passed,
    Failed(Problem),
    Error(Problem),
    Skipped(String),
}

/// What went wrong: a short `kind`, a one-line `message` and the full `text`.
#[derive(Debug, Clone)]
pub struct Problem {
    pub kind: String,
    pub message: String,
    pub text: String,
}

/// Counts of a set of testcases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tests: usize,
    pub failures: usize,
    pub errors: usize,
    pub skipped: usize,
    pub time: Duration,
}

impl Counts {
    fn add(&mut self, c: &Case) {
        self.tests += 1;
        self.time += c.time;
        match c.outcome {
            Outcome::Passed => {}
            Outcome::Failed(_) => self.failures += 1,
            Outcome::Error(_) => self.errors += 1,
            Outcome::Skipped(_) => self.skipped += 1,
        }
    }

    fn of(cases: &[Case]) -> Self {
        let mut n = Self::default();
        for c in cases {
            n.add(c);
        }
        n
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn problem(out: &mut String, element: &str, p: &Problem) {
    let message = xml::one_line(&p.message, MAX_MESSAGE_CHARS);
    let text = xml::cut(&p.text, MAX_TEXT_BYTES, "");
    let _ = writeln!(
        out,
        "      <{element} message=\"{}\" type=\"{}\">{}</{element}>",
        xml::attribute(&message),
        xml::attribute(&p.kind),
        xml::text(&text)
    );
}

/// The whole document. `<testsuites>` carries `tests`, `failures`, `errors` and `time`, as the
/// Jenkins schema allows; `skipped` is on each `<testsuite>` (the Jenkins schema has no
/// `skipped` on `<testsuites>`, and a file it refuses is worse than a missing total).
pub fn document(name: &str, suites: &[Suite]) -> String {
    let mut total = Counts::default();
    for s in suites {
        for c in &s.cases {
            total.add(c);
        }
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">",
        xml::attribute(name),
        total.tests,
        total.failures,
        total.errors,
        seconds(total.time)
    );
    for s in suites {
        let n = Counts::of(&s.cases);
        let _ = write!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\"",
            xml::attribute(&s.name),
            n.tests,
            n.failures,
            n.errors,
            n.skipped,
            seconds(n.time)
        );
        if let Some(p) = &s.package {
            let _ = write!(out, " package=\"{}\"", xml::attribute(p));
        }
        out.push_str(">\n");
        for c in &s.cases {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
                xml::attribute(&c.name),
                xml::attribute(&c.classname),
                seconds(c.time)
            );
            if let Some(f) = &c.file {
                let _ = write!(out, " file=\"{}\"", xml::attribute(f));
            }
            out.push_str(">\n");
            match &c.outcome {
                Outcome::Passed => {}
                Outcome::Failed(p) => problem(&mut out, "failure", p),
                Outcome::Error(p) => problem(&mut out, "error", p),
                Outcome::Skipped(why) => {
                    let _ = writeln!(
                        out,
                        "      <skipped message=\"{}\"/>",
                        xml::attribute(&xml::one_line(why, MAX_MESSAGE_CHARS))
                    );
                }
            }
            if !c.system_out.is_empty() {
                let text = xml::cut(
                    &c.system_out,
                    MAX_TEXT_BYTES,
                    " (journal.ndjson has every exchange)",
                );
                let _ = writeln!(out, "      <system-out>{}</system-out>", xml::text(&text));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Writes the document to `path`.
pub fn write_suites(path: &Path, name: &str, suites: &[Suite]) -> std::io::Result<()> {
    std::fs::write(path, document(name, suites))
}

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

/// The testcase name: `QT-SUP-001 Name`. An outline row's name carries its example values
/// (see [`ScenarioResult::name`]), so editing a feature file does not rename its tests.
pub fn testcase_name(r: &ScenarioResult) -> String {
    match r.qt_id() {
        Some(id) => format!("{id} {}", r.name),
        None => r.name.clone(),
    }
}

/// Why the scenario did not pass, on one line: `step "X" failed: expected: ...; arrived
/// instead: ...` (the journal, which follows in the failure text, is left out).
pub fn reason(r: &ScenarioResult) -> String {
    let step = r.steps.iter().find(|s| s.status != Status::Passed);
    let line = match step {
        Some(s) => {
            let why: Vec<&str> = s
                .message
                .as_deref()
                .unwrap_or_default()
                .lines()
                .map(str::trim)
                .take_while(|l| *l != "journal:")
                .filter(|l| !l.is_empty())
                .collect();
            format!(
                "step \"{}{}\" {}: {}",
                s.keyword,
                s.text,
                if s.status == Status::Failed {
                    "failed"
                } else {
                    "could not run"
                },
                why.join("; ")
            )
        }
        None => r
            .failure
            .as_deref()
            .and_then(|f| f.lines().find(|l| !l.trim().is_empty()))
            .unwrap_or("the scenario did not finish")
            .to_owned(),
    };
    xml::one_line(&line, MAX_MESSAGE_CHARS)
}

/// The testcase of one scenario.
pub fn case(r: &ScenarioResult, journal: &Journal) -> Case {
    let classname = format!("{}.{}", pack_of(&r.feature_path), r.feature);
    let text = r.failure.clone().unwrap_or_default();
    let outcome = match r.status {
        Status::Passed => Outcome::Passed,
        Status::Failed => Outcome::Failed(Problem {
            kind: "expectation".into(),
            message: reason(r),
            text,
        }),
        Status::Error | Status::Running | Status::NotRun => Outcome::Error(Problem {
            kind: "error".into(),
            message: reason(r),
            text,
        }),
    };
    Case {
        name: testcase_name(r),
        classname,
        file: Some(r.feature_path.clone()),
        time: r.duration,
        outcome,
        system_out: format!("{}{}", warning_lines(r), sequence(r, journal)),
    }
}

/// The scenario's warnings, one line each: `WARNING G4: text` (a text's own line breaks
/// indented under it).
pub fn warning_lines(r: &ScenarioResult) -> String {
    let mut out = String::new();
    for w in &r.warnings {
        let _ = writeln!(
            out,
            "WARNING {}: {}",
            w.rule,
            w.text.trim_end().replace('\n', "\n    ")
        );
    }
    out
}

/// Writes the JUnit file of a run.
pub fn write(path: &Path, scenarios: &[ScenarioResult], journal: &Journal) -> std::io::Result<()> {
    let mut by_feature: BTreeMap<(String, String), Vec<&ScenarioResult>> = BTreeMap::new();
    for s in scenarios {
        by_feature
            .entry((s.feature_path.clone(), s.feature.clone()))
            .or_default()
            .push(s);
    }
    let suites: Vec<Suite> = by_feature
        .into_iter()
        .map(|((path, feature), cases)| Suite {
            name: format!("{}.{feature}", pack_of(&path)),
            package: Some(pack_of(&path)),
            cases: cases.into_iter().map(|r| case(r, journal)).collect(),
        })
        .collect();
    write_suites(path, "mhhs-qual", &suites)
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

#[cfg(test)]
mod tests {
    use super::{Case, Outcome, Problem, Suite, document};
    use std::time::Duration;

    #[test]
    fn totals_are_on_testsuites_and_each_testsuite() {
        let case = |outcome| Case {
            name: "n".into(),
            classname: "c".into(),
            file: Some("f.feature".into()),
            time: Duration::from_millis(1500),
            outcome,
            system_out: String::new(),
        };
        let p = Problem {
            kind: "k".into(),
            message: "line one\nline two".into(),
            text: "x]]>y".into(),
        };
        let doc = document(
            "all",
            &[Suite {
                name: "s".into(),
                package: None,
                cases: vec![
                    case(Outcome::Passed),
                    case(Outcome::Failed(p.clone())),
                    case(Outcome::Error(p)),
                    case(Outcome::Skipped("why".into())),
                ],
            }],
        );
        assert!(
            doc.contains(
                "<testsuites name=\"all\" tests=\"4\" failures=\"1\" errors=\"1\" time=\"6.000\">"
            ),
            "{doc}"
        );
        assert!(doc.contains("skipped=\"1\""), "{doc}");
        assert!(doc.contains("message=\"line one line two\""), "{doc}");
        assert!(doc.contains("x]]&gt;y"), "{doc}");
        assert!(!doc.contains("package="), "{doc}");
    }
}
