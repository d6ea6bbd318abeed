//! A finding of `mhhs-qual check`: where (file, line, column), how bad, which rule, and what
//! is wrong, printed as `file:line:col: error: message`, the form editors and CI annotate.

use std::fmt;

/// How bad a finding is. Errors make `check` exit 1; warnings alone do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// `error` or `warning`, as printed and as SARIF's `level`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// The rule a finding breaks (SARIF's `ruleId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// The file cannot be checked: too large, not UTF-8, empty.
    Input,
    /// Gherkin that does not parse.
    Syntax,
    /// A pack folder without a usable `pack.toml`.
    Pack,
    /// A step no phrase of the glossary matches.
    UndefinedStep,
    /// A step that several phrases match.
    AmbiguousStep,
    /// A typed parameter whose value is not one of its allowed values.
    Parameter,
    /// A scenario outline without examples, or a placeholder without its column.
    Outline,
    /// A QT id missing, malformed or used twice.
    QtId,
    /// A `@catches:` or `@warns:` tag missing or naming a fault the role's reference lacks.
    Catches,
    /// A tag outside the pack's vocabulary.
    Tag,
    /// `@prompted` and the prompt steps disagree.
    Prompted,
    /// A glossary phrase no feature uses.
    UnusedStep,
}

impl Rule {
    /// Every rule, in the order SARIF lists them.
    pub const ALL: [Self; 12] = [
        Self::Input,
        Self::Syntax,
        Self::Pack,
        Self::UndefinedStep,
        Self::AmbiguousStep,
        Self::Parameter,
        Self::Outline,
        Self::QtId,
        Self::Catches,
        Self::Tag,
        Self::Prompted,
        Self::UnusedStep,
    ];

    /// The rule's id: `undefined-step`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Input => "input",
            Self::Syntax => "syntax",
            Self::Pack => "pack",
            Self::UndefinedStep => "undefined-step",
            Self::AmbiguousStep => "ambiguous-step",
            Self::Parameter => "parameter",
            Self::Outline => "outline",
            Self::QtId => "qt-id",
            Self::Catches => "catches",
            Self::Tag => "tag",
            Self::Prompted => "prompted",
            Self::UnusedStep => "unused-step",
        }
    }

    /// What the rule asks for, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Self::Input => "a feature file is UTF-8 text, not empty, and at most 1 MiB",
            Self::Syntax => "a feature file is valid Gherkin",
            Self::Pack => "a pack folder has a valid pack.toml",
            Self::UndefinedStep => "every step is a phrase of the step glossary (mhhs-qual steps)",
            Self::AmbiguousStep => "every step matches one phrase of the glossary only",
            Self::Parameter => {
                "typed parameters (interface, publication, event, role, segment, code) take allowed values"
            }
            Self::Outline => {
                "a scenario outline has examples with a column for each of its placeholders"
            }
            Self::QtId => "every scenario has one well-formed QT id, unique in its pack",
            Self::Catches => {
                "@catches and @warns name faults of the role's reference participant; shipped scenarios catch one"
            }
            Self::Tag => "tags belong to the pack's vocabulary",
            Self::Prompted => {
                "scenarios that use a prompt step are tagged @prompted, and only they"
            }
            Self::UnusedStep => "every phrase of the glossary is used by some shipped feature",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Finding {
    /// The file, as given or as shipped (`features/qualification/supplier/appoint.feature`).
    pub path: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    pub severity: Severity,
    pub rule: Rule,
    pub message: String,
}

impl Finding {
    /// An error.
    pub fn error(path: &str, line: usize, col: usize, rule: Rule, message: String) -> Self {
        Self {
            path: path.to_owned(),
            line: line.max(1),
            col: col.max(1),
            severity: Severity::Error,
            rule,
            message,
        }
    }

    /// A warning.
    pub fn warning(path: &str, line: usize, col: usize, rule: Rule, message: String) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(path, line, col, rule, message)
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path,
            self.line,
            self.col,
            self.severity.as_str(),
            self.message
        )
    }
}
