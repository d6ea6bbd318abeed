//! What a check found wrong with a message.

use std::fmt;

use serde::Serialize;

/// Whether a finding comes from the JSON Schema or from a business rule of the harness, and
/// whether it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    Schema,
    Rule,
    /// A business rule whose detail the contract marks *(warn)*: reported, never failing.
    Warning,
}

/// One problem in one message, located by a JSON pointer into the body as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The rule broken: a schema keyword (`enum`, `required` ...) or a rule id (`mpan-check-digit`).
    pub rule: String,
    /// `IF-031`, when known.
    pub interface: Option<String>,
    /// `[MSApp]`, when known.
    pub event: Option<String>,
    /// JSON pointer into the whole body (`/0/payload/...`).
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = &self.interface {
            write!(f, "{i} ")?;
        }
        if let Some(e) = &self.event {
            write!(f, "{e} ")?;
        }
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        match self.kind {
            FindingKind::Schema => write!(f, "{pointer}: {}", self.message),
            FindingKind::Rule => write!(f, "{pointer}: {} (rule {})", self.message, self.rule),
            FindingKind::Warning => write!(
                f,
                "{pointer}: {} (rule {}, a warning)",
                self.message, self.rule
            ),
        }
    }
}
