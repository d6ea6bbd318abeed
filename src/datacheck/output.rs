//! The outputs of a data check: a summary table for the terminal, the findings as CSV
//! (`row,column,rule,value,message`), and JUnit with one testcase per rule so that data
//! quality can gate a pipeline.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

use std::time::Duration;

use crate::report::junit::{Case, Outcome, Problem, Suite, write_suites as write_junit_suites};

use super::check::Summary;
use super::rules::{Finding, Rule};

/// The summary table.
pub fn summary_table(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {} rows", s.file.display(), s.rows);
    let _ = writeln!(out, "{:<22} {:>10}  checks", "rule", "findings");
    for rule in Rule::ALL {
        let count = s.count(rule);
        let mark = if s.skipped.iter().any(|(r, _)| *r == rule) {
            "skipped (column missing)".to_owned()
        } else {
            count.to_string()
        };
        let _ = writeln!(out, "{:<22} {mark:>10}  {}", rule.id(), rule.description());
    }
    let _ = writeln!(
        out,
        "{} finding(s){}",
        s.total(),
        if s.input_whole() {
            ""
        } else {
            "; the input was not whole"
        }
    );
    out
}

/// Findings written as CSV as they are found.
pub struct FindingsCsv<W: Write> {
    w: csv::Writer<W>,
    error: Option<io::Error>,
}

impl<W: Write> FindingsCsv<W> {
    pub fn new(out: W) -> io::Result<Self> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["row", "column", "rule", "value", "message"])
            .map_err(io::Error::other)?;
        Ok(Self { w, error: None })
    }

    /// Writes one finding (the first write error is kept for [`Self::finish`]).
    pub fn write(&mut self, f: &Finding) {
        if self.error.is_some() {
            return;
        }
        let row = f.row.to_string();
        if let Err(e) =
            self.w
                .write_record([row.as_str(), &f.column, f.rule.id(), &f.value, &f.message])
        {
            self.error = Some(io::Error::other(e));
        }
    }

    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.w.flush()
    }
}

/// Writes JUnit: one testsuite for the file, one testcase per rule (failed when it has
/// findings, skipped when a column it needs is missing, an error for `input`).
pub fn write_junit(path: &Path, s: &Summary) -> io::Result<()> {
    let name = s.file.file_name().map_or_else(
        || s.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let classname = format!("datacheck.{name}");
    let mut cases = Vec::new();
    for rule in Rule::ALL {
        let count = s.count(rule);
        let title = format!("{} {}", rule.id(), rule.description());
        let missing = s.skipped.iter().find(|(r, _)| *r == rule);
        let outcome = if let (0, Some((_, field))) = (count, missing) {
            Outcome::Skipped(format!("the column {field} is missing"))
        } else if count == 0 {
            Outcome::Passed
        } else {
            let message = format!("{count} finding(s) in {} rows", s.rows);
            let mut trace = String::new();
            for f in &s.examples[rule as usize] {
                let _ = writeln!(
                    trace,
                    "line {} {}: {:?}: {}",
                    f.row, f.column, f.value, f.message
                );
            }
            if count > s.examples[rule as usize].len() as u64 {
                trace.push_str("... (all findings are in the findings CSV)\n");
            }
            if rule == Rule::Input {
                Outcome::Error(Problem {
                    kind: "input".into(),
                    message,
                    text: trace,
                })
            } else {
                Outcome::Failed(Problem {
                    kind: rule.id().into(),
                    message,
                    text: trace,
                })
            }
        };
        cases.push(Case {
            name: title,
            classname: classname.clone(),
            file: None,
            time: Duration::ZERO,
            outcome,
            system_out: String::new(),
        });
    }
    let suite = Suite {
        name: classname,
        package: Some("datacheck".into()),
        cases,
    };
    write_junit_suites(path, "mhhs-qual data check", &[suite])
}
