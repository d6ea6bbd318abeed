//! A failed expectation, as a report shows it: what was expected, what arrived instead, and
//! the journal entries concerned.

use std::fmt;
use std::sync::Arc;

use crate::journal::{Entry, summaries};

/// A step's failure. Its text reads `expected: ...`, `arrived instead: ...`, then the journal
/// entries; [`StepFailure::reason`] is the first two on one line.
#[derive(Debug, Clone)]
pub struct StepFailure {
    /// The behaviour the step checks, as met.
    pub expected: String,
    /// What the harness saw instead (empty for a failure of the scenario's own set-up).
    pub arrived: String,
    /// The journal entries the failure concerns, in order.
    pub entries: Vec<Arc<Entry>>,
}

impl StepFailure {
    /// A failed expectation quoting what was expected, what arrived instead, and the journal
    /// entries concerned.
    pub fn unmet(
        expected: impl fmt::Display,
        arrived: impl fmt::Display,
        entries: &[Arc<Entry>],
    ) -> Self {
        Self {
            expected: expected.to_string(),
            arrived: arrived.to_string(),
            entries: entries.to_vec(),
        }
    }

    /// A scenario that cannot go on as written (a step out of order, a missing counterparty).
    pub fn setup(message: impl Into<String>) -> Self {
        Self {
            expected: message.into(),
            arrived: String::new(),
            entries: Vec::new(),
        }
    }

    /// The reason on one line: `expected: ...; arrived instead: ...`.
    pub fn reason(&self) -> String {
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        if self.arrived.is_empty() {
            one_line(&self.expected)
        } else {
            format!(
                "expected: {}; arrived instead: {}",
                one_line(&self.expected),
                one_line(&self.arrived)
            )
        }
    }
}

impl fmt::Display for StepFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.arrived.is_empty() && self.entries.is_empty() {
            return f.write_str(&self.expected);
        }
        write!(
            f,
            "expected: {}\narrived instead: {}\njournal:\n{}",
            self.expected,
            self.arrived,
            summaries(&self.entries)
        )
    }
}

impl std::error::Error for StepFailure {}
