//! The step glossary, read from the step modules' own `//!` lists. It is the one list of the
//! phrases scenario authors may write: `mhhs-qual steps` prints it, `mhhs-qual check` matches
//! feature files against it and `mhhs-qual docs` renders it.

use std::fmt::Write as _;

/// The step modules whose `//!` lists make the glossary, in the order it prints them.
const MODULES: [(&str, &str, &str); 11] = [
    ("delivery", "steps/delivery.rs", include_str!("delivery.rs")),
    (
        "submission",
        "steps/submission.rs",
        include_str!("submission.rs"),
    ),
    (
        "appointment",
        "steps/appointment.rs",
        include_str!("appointment.rs"),
    ),
    ("faults", "steps/faults.rs", include_str!("faults.rs")),
    (
        "signatures",
        "steps/signatures.rs",
        include_str!("signatures.rs"),
    ),
    ("metering", "steps/metering.rs", include_str!("metering.rs")),
    ("data", "steps/data.rs", include_str!("data.rs")),
    (
        "distributor",
        "steps/distributor.rs",
        include_str!("distributor.rs"),
    ),
    ("load", "steps/load.rs", include_str!("load.rs")),
    ("flow", "steps/flow.rs", include_str!("flow.rs")),
    ("parameters", "steps/params.rs", include_str!("params.rs")),
];

/// The module whose list documents the typed parameters rather than phrases.
const PARAMETERS: &str = "parameters";

/// One item of a module's `//!` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The domain (`delivery`, `submission` ...; `parameters` for the parameter list).
    pub module: &'static str,
    /// The module's file, from the project root (`steps/delivery.rs`).
    pub file: &'static str,
    /// The 1-based line of the item in that file.
    pub line: usize,
    /// The item: a phrase with its keyword (`Given a(n) {segment} MPAN`), or for the
    /// parameters a name and its description (`{segment}: smart, advanced or unmetered`).
    pub text: &'static str,
}

impl Entry {
    /// Whether the item documents a typed parameter rather than a phrase.
    pub fn is_parameter(&self) -> bool {
        self.module == PARAMETERS
    }
}

/// Every item of the glossary, module by module, in the order of their lists.
pub fn entries() -> Vec<Entry> {
    let mut out = Vec::new();
    for (module, file, text) in MODULES {
        for (i, line) in text
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .enumerate()
        {
            if let Some(item) = line.strip_prefix("//! - ") {
                out.push(Entry {
                    module,
                    file,
                    line: i + 1,
                    text: item,
                });
            }
        }
    }
    out
}

/// The step glossary: every phrase, by domain, from the modules' own docs.
pub fn glossary() -> String {
    let entries = entries();
    let mut out = String::new();
    for (module, _, _) in MODULES {
        let _ = writeln!(out, "{module}:");
        for e in entries.iter().filter(|e| e.module == module) {
            let _ = writeln!(out, "  {}", e.text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_carry_the_line_of_their_phrase() {
        let entries = entries();
        let first = entries.first().expect("a glossary");
        assert_eq!(first.module, "delivery");
        let file = include_str!("delivery.rs");
        assert_eq!(
            file.lines().nth(first.line - 1),
            Some(format!("//! - {}", first.text).as_str())
        );
        assert!(entries.iter().any(Entry::is_parameter));
        assert!(glossary().starts_with("delivery:\n  Given a(n) {segment} MPAN\n"));
    }
}
