//! Warnings: details of the contract marked *(warn)* that a system did not meet
//! (CONTRACT-ROLES.md §6.0 "Verdicts", §9 item 4). A scenario that raises them still passes;
//! the reports list them beside its outcome.
//!
//! The run's [`Warnings`] holds them by scenario key. A scenario's list starts afresh with each
//! attempt (a retried scenario reports its final attempt's), drops a text it already has, and
//! keeps at most [`MAX_PER_SCENARIO`], then counts the rest in one last line.
//!
//! Each warning is stamped with the wall-clock time it was raised: the runner, which sees when
//! each step started and ended, gives it the line of the step that ran then.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Mutex;
use std::time::SystemTime;

use super::Session;
use crate::journal::{Direction, Entry, Verdict};
use crate::report::Warning;

/// The most warnings a scenario lists; beyond them, one line says how many more there were.
pub const MAX_PER_SCENARIO: usize = 100;

/// What became of a warning raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raised {
    /// Listed.
    New,
    /// The scenario already lists the same text.
    Repeated,
    /// The scenario lists [`MAX_PER_SCENARIO`] already: only counted.
    Counted,
}

/// One warning as raised: when, for the step it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamped {
    pub warning: Warning,
    pub at: SystemTime,
}

/// One scenario's warnings.
#[derive(Debug, Default)]
struct Scenario {
    listed: Vec<Stamped>,
    /// The rule and text of each listed one.
    seen: HashSet<(String, String)>,
    /// Warnings raised beyond the listed ones, and their rules.
    more: usize,
    more_rules: BTreeSet<String>,
}

/// The warnings of a run, by scenario key.
#[derive(Debug, Default)]
pub struct Warnings {
    scenarios: Mutex<HashMap<String, Scenario>>,
}

impl Warnings {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a scenario's attempt: what an earlier attempt raised is forgotten.
    pub fn begin(&self, key: &str) {
        self.scenarios.lock().expect("warnings lock").remove(key);
    }

    /// Raises a warning of contract rule `rule` for the scenario `key`.
    pub fn raise(&self, key: &str, rule: &str, text: &str) -> Raised {
        let mut all = self.scenarios.lock().expect("warnings lock");
        let s = all.entry(key.to_owned()).or_default();
        let id = (rule.to_owned(), text.to_owned());
        if s.seen.contains(&id) {
            return Raised::Repeated;
        }
        if s.listed.len() >= MAX_PER_SCENARIO {
            // Only counted, repeats too: what is kept per scenario stays bounded.
            s.more += 1;
            s.more_rules.insert(id.0);
            return Raised::Counted;
        }
        s.seen.insert(id);
        s.listed.push(Stamped {
            warning: Warning {
                rule: rule.to_owned(),
                text: text.to_owned(),
                step: None,
            },
            at: SystemTime::now(),
        });
        Raised::New
    }

    /// The scenario's warnings so far, in the order raised, and a last line counting those
    /// beyond [`MAX_PER_SCENARIO`] (stamped as the last listed one).
    pub fn of(&self, key: &str) -> Vec<Stamped> {
        let all = self.scenarios.lock().expect("warnings lock");
        let Some(s) = all.get(key) else {
            return Vec::new();
        };
        let mut out = s.listed.clone();
        if s.more > 0 {
            out.push(Stamped {
                warning: Warning {
                    rule: s.more_rules.iter().cloned().collect::<Vec<_>>().join(", "),
                    text: format!(
                        "{} more warnings raised, not listed (a scenario lists at most {MAX_PER_SCENARIO})",
                        s.more
                    ),
                    step: None,
                },
                at: s.listed.last().map_or_else(SystemTime::now, |w| w.at),
            });
        }
        out
    }
}

impl Session {
    /// Reports that the system did not meet a detail of contract rule `rule` (`G4`, `M1` ...)
    /// that the contract marks *(warn)*: the scenario carries the warning and goes on, and
    /// passes if nothing fails. The warning is journaled as a note, so that it shows in the
    /// scenario's message sequence. A text the scenario already raised is not repeated.
    pub fn warn(&mut self, rule: &str, text: impl Into<String>) {
        let text = text.into();
        if self.harness.warnings.raise(&self.key, rule, &text) != Raised::New {
            return;
        }
        let mut note = Entry::new(Direction::Note, "");
        note.scenario = Some(self.key.clone());
        note.outcome = format!("warning {rule}");
        note.warnings.push(Verdict {
            check: rule.to_owned(),
            ok: false,
            detail: text,
        });
        self.harness.journal.record(note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_texts_are_dropped_and_the_list_is_bounded() {
        let w = Warnings::new();
        assert_eq!(w.raise("a:1", "G4", "one"), Raised::New);
        assert_eq!(w.raise("a:1", "G4", "one"), Raised::Repeated);
        // The same text under another rule, or in another scenario, is another warning.
        assert_eq!(w.raise("a:1", "G7", "one"), Raised::New);
        assert_eq!(w.raise("b:2", "G4", "one"), Raised::New);
        for i in 0..MAX_PER_SCENARIO + 5 {
            w.raise(
                "a:1",
                if i % 2 == 0 { "M1" } else { "M5" },
                &format!("n{i}"),
            );
        }
        let listed = w.of("a:1");
        assert_eq!(listed.len(), MAX_PER_SCENARIO + 1);
        let texts: Vec<&str> = listed.iter().map(|s| s.warning.text.as_str()).collect();
        assert_eq!(texts[..2], ["one", "one"]);
        assert_eq!(listed[0].warning.rule, "G4");
        assert_eq!(listed[1].warning.rule, "G7");
        let last = &listed[MAX_PER_SCENARIO].warning;
        // 2 + 105 distinct warnings: 100 listed, 7 counted.
        assert_eq!(
            last.text,
            "7 more warnings raised, not listed (a scenario lists at most 100)"
        );
        assert_eq!(last.rule, "M1, M5");
        // A listed text stays dropped; beyond the bound, everything is counted.
        assert_eq!(w.raise("a:1", "M1", "n0"), Raised::Repeated);
        assert_eq!(w.raise("a:1", "G4", "new"), Raised::Counted);
        assert_eq!(w.raise("a:1", "G4", "new"), Raised::Counted);
        let last = w.of("a:1").pop().unwrap().warning;
        assert!(last.text.starts_with("9 more"), "{last:?}");
        assert_eq!(last.rule, "G4, M1, M5");
        assert_eq!(w.of("b:2").len(), 1);
        assert!(w.of("c:3").is_empty());
    }

    #[test]
    fn an_attempt_starts_afresh() {
        let w = Warnings::new();
        w.raise("a:1", "G4", "first attempt");
        w.begin("a:1");
        assert!(w.of("a:1").is_empty());
        assert_eq!(w.raise("a:1", "G4", "first attempt"), Raised::New);
        let got = w.of("a:1");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].warning.step, None);
        assert!(got[0].at <= SystemTime::now());
    }
}
