//! The step glossary, read from the step modules' own `//!` lists.

use std::fmt::Write as _;

/// The step glossary: every phrase, by domain, from the modules' own docs.
pub fn glossary() -> String {
    let modules = [
        ("delivery", include_str!("delivery.rs")),
        ("submission", include_str!("submission.rs")),
        ("appointment", include_str!("appointment.rs")),
        ("faults", include_str!("faults.rs")),
        ("signatures", include_str!("signatures.rs")),
        ("metering", include_str!("metering.rs")),
        ("parameters", include_str!("params.rs")),
    ];
    let mut out = String::new();
    for (name, text) in modules {
        let _ = writeln!(out, "{name}:");
        for line in text.lines().take_while(|l| l.starts_with("//!")) {
            if let Some(item) = line.strip_prefix("//! - ") {
                let _ = writeln!(out, "  {item}");
            }
        }
    }
    out
}
