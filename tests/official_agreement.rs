//! Our schemas agree with the official DIP spec v2.1.0: every valid and rule-invalid example
//! of ours is valid against the official schema, and every invalid one is invalid there too.
//! The official YAML is resolved and checked by python-jsonschema, an independent validator
//! (`ci/official_agreement.py`; CI installs PyYAML and jsonschema from PyPI). It needs a
//! checkout of the spec (`MHHS_QUAL_SPEC`, see `common::official_spec`).

mod common;

use std::process::Command;

#[test]
fn our_examples_get_the_official_verdict() {
    let Some(spec) = common::official_spec() else {
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let o = Command::new("python3")
        .arg(format!("{root}/ci/official_agreement.py"))
        .arg("--spec")
        .arg(&spec)
        .arg("--examples")
        .arg(format!("{root}/schemas/examples"))
        .output()
        .expect("python3 runs");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let last = out.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(" 0 failed") && !last.starts_with("0 passed"),
        "{last}"
    );
}
