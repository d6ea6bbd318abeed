//! A load run's objectives as JUnit: one testsuite, `load: <profile>`, whose first testcase
//! is `run complete` and the others the profile's objectives, each named exactly as the
//! profile words it (`p99 ack < 2s`), so that CI tracks each objective from run to run.
//!
//! - `run complete` passes when the run finished (by its schedule or one of its caps) and is
//!   an error when it was interrupted: the figures are then partial. It is there in every run,
//!   so a CI server sees the same testcases each time (one that appeared only when failing
//!   would have no history) and a profile without objectives still has a testcase. Its
//!   `system-out` is the run's summary: sent, acknowledged, lost, duplicates, pacing, the rate
//!   limit and the outage.
//! - An objective that did not hold is a failure whose message is its name and what was
//!   measured and whose text is its detail (the lost MPANs, the peak window ...); one that
//!   held says what was measured in its `system-out`.
//!
//! The file is written by [`crate::report::junit::document`], so every text (profile names and
//! details carry what the system under test sent) is escaped as in `junit.xml`.

use std::time::Duration;

use super::{LoadReport, figures};
use crate::report::junit::{self, Case, Outcome, Problem, Suite};

/// The testcase that says whether the run went to its end.
pub const RUN_COMPLETE: &str = "run complete";

/// The JUnit document of a load run.
pub fn document(report: &LoadReport) -> String {
    junit::document("mhhs-qual load", &[suite(report)])
}

/// The run's testsuite.
pub fn suite(report: &LoadReport) -> Suite {
    let package = if report.profile.family.is_empty() {
        "load".to_owned()
    } else {
        report.profile.family.clone()
    };
    let classname = format!("load.{package}");
    let mut cases = Vec::with_capacity(report.objectives.len() + 1);
    cases.push(Case {
        name: RUN_COMPLETE.to_owned(),
        classname: classname.clone(),
        file: None,
        time: Duration::from_millis(report.elapsed_ms),
        outcome: if report.complete {
            Outcome::Passed
        } else {
            Outcome::Error(Problem {
                kind: "interrupted".into(),
                message: "interrupted: the figures are partial".into(),
                text: format!(
                    "{}\n{} of {} scheduled messages were sent before the run stopped.",
                    figures::ending(report),
                    report.pacing.dispatched,
                    report.pacing.scheduled
                ),
            })
        },
        system_out: figures::summary(report),
    });
    for o in &report.objectives {
        let (outcome, system_out) = if o.ok {
            (Outcome::Passed, format!("measured {}\n", o.measured))
        } else {
            (
                Outcome::Failed(Problem {
                    kind: "objective".into(),
                    message: format!("{}: measured {}", o.name, o.measured),
                    text: o.detail.clone(),
                }),
                String::new(),
            )
        };
        cases.push(Case {
            name: o.name.clone(),
            classname: classname.clone(),
            file: (!report.profile.path.is_empty()).then(|| report.profile.path.clone()),
            time: Duration::ZERO,
            outcome,
            system_out,
        });
    }
    Suite {
        name: format!("load: {}", report.profile.name),
        package: Some(package),
        cases,
    }
}

#[cfg(test)]
mod tests {
    use super::{RUN_COMPLETE, document, suite};
    use crate::report::junit::Outcome;
    use crate::report::load::{LoadReport, Objective};

    #[test]
    fn one_testcase_per_objective_after_run_complete() {
        let mut r = LoadReport {
            complete: true,
            stopped_by: "finished".into(),
            ..LoadReport::default()
        };
        r.profile.name = "steady".into();
        r.profile.family = "gain".into();
        r.objectives = vec![
            Objective {
                name: "lost = 0".into(),
                measured: "3".into(),
                ok: false,
                detail: "lost: 2000056500001 IF-031 [MSApp]".into(),
            },
            Objective {
                name: "p99 ack < 2s".into(),
                measured: "1.8 ms".into(),
                ok: true,
                detail: String::new(),
            },
        ];
        let s = suite(&r);
        assert_eq!(s.name, "load: steady");
        assert_eq!(s.package.as_deref(), Some("gain"));
        let names: Vec<&str> = s.cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, [RUN_COMPLETE, "lost = 0", "p99 ack < 2s"]);
        assert!(matches!(s.cases[0].outcome, Outcome::Passed));
        let Outcome::Failed(p) = &s.cases[1].outcome else {
            panic!("{:?}", s.cases[1].outcome)
        };
        assert_eq!(p.message, "lost = 0: measured 3");
        assert_eq!(p.text, "lost: 2000056500001 IF-031 [MSApp]");
        assert!(matches!(s.cases[2].outcome, Outcome::Passed));
        assert_eq!(s.cases[2].system_out, "measured 1.8 ms\n");

        r.complete = false;
        r.stopped_by = "interrupted".into();
        let doc = document(&r);
        assert!(
            doc.contains("tests=\"3\" failures=\"1\" errors=\"1\""),
            "{doc}"
        );
        assert!(
            doc.contains("<error message=\"interrupted: the figures are partial\""),
            "{doc}"
        );
    }
}
