//! A second engine judges what our engine reports about itself. The mutant corpus of
//! `agreement.rs` (with the verdicts of our schemas) and the spec's own examples (with the
//! verdicts `examples.rs` pins) are written to a folder, one JSON file per message with our
//! verdict and the pointer of our first error; `ci/official_agreement.py --corpus` validates
//! each with python-jsonschema against Elexon's unresolved YAML, converted and resolved at
//! run time, and fails on any message where the verdict, or the place of the error, differs.
//!
//! Set `MHHS_QUAL_KEEP_CORPUS=DIR` to keep the folder (it is written into `DIR`).
#![expect(
    clippy::print_stdout,
    reason = "the judge's summary is printed to be quoted"
)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use mhhs_qual::schema::import::load_yaml;
use mhhs_qual::schema::{Finding, validate_body};
use serde_json::{Value, json};

use crate::agreement::corpus;
use crate::common::{imported, manifest, ours, spec_dir};

/// Per kind: messages, and how many of them are valid.
const PINNED: &[(&str, usize, usize)] = &[
    ("drop-field", 4190, 313),
    ("enum", 816, 0),
    ("length", 4565, 0),
    ("nullify", 3946, 397),
    ("official-example", 11, 0),
    ("pattern", 377, 0),
    ("type", 4401, 8),
    ("unknown-property", 1211, 88),
    ("valid", 103, 103),
];
const PINNED_TOTAL: usize = 19620;
const PINNED_VALID: usize = 909;

/// The file of one message: what is judged, and what our validator said about it.
fn record(kind: &str, findings: &[Finding], fields: Value) -> Value {
    let mut record = fields;
    record["kind"] = json!(kind);
    record["verdict"] = json!(if findings.is_empty() {
        "valid"
    } else {
        "invalid"
    });
    if let Some(first) = findings.first() {
        record["pointer"] = json!(first.pointer);
    }
    record
}

fn write(dir: &Path, name: &str, record: &Value) {
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_vec(record).unwrap(),
    )
    .unwrap();
}

/// Writes the corpus into `dir`; returns how many messages.
fn dump(spec: &Path, dir: &Path) -> usize {
    let imp = imported(spec);
    let ours = ours();
    let cases = corpus(imp);
    for (i, case) in cases.iter().enumerate() {
        let findings = ours.check_variant(&case.payload, "", &case.interface, &case.event);
        let rec = record(
            case.kind,
            &findings,
            json!({
                "source": case.source,
                "mutated": case.mutated,
                "interface": case.interface,
                "event": case.event,
                "payload": case.payload,
            }),
        );
        write(dir, &format!("{i:05}-{}-{}", case.source, case.kind), &rec);
    }
    let doc = load_yaml(&spec.join("Examples-unresolved.yaml")).unwrap();
    let examples = doc["components"]["examples"].as_object().unwrap();
    for (name, example) in examples {
        let interface = name.splitn(3, '-').take(2).collect::<Vec<_>>().join("-");
        let body = &example["value"];
        let findings = validate_body(&imp.set, body, Some(&interface));
        let rec = record(
            "official-example",
            &findings,
            json!({"source": name, "interface": interface, "body": body}),
        );
        write(dir, &format!("official-{name}"), &rec);
    }
    cases.len() + examples.len()
}

#[test]
fn python_jsonschema_gives_our_verdicts_and_error_places_on_the_official_yaml() {
    let Some(spec) = spec_dir() else { return };
    let temp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("MHHS_QUAL_KEEP_CORPUS")
        .filter(|d| !d.is_empty())
        .map_or_else(|| temp.path().to_owned(), Into::into);
    std::fs::create_dir_all(&dir).unwrap();
    let written = dump(&spec, &dir);
    let o = Command::new("python3")
        .arg(manifest().join("ci/official_agreement.py"))
        .arg("--spec")
        .arg(&spec)
        .arg("--corpus")
        .arg(&dir)
        .output()
        .expect("python3 runs (ci/setup.sh installs jsonschema and PyYAML)");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "python-jsonschema disagrees (exit {:?}):\n{out}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    for line in out.lines().filter(|l| !l.starts_with("counts ")) {
        println!("{line}");
    }
    let counts: Value = out
        .lines()
        .find_map(|l| l.strip_prefix("counts "))
        .map_or_else(
            || panic!("no counts line:\n{out}"),
            |j| serde_json::from_str(j).unwrap(),
        );
    assert_eq!(counts["disagreements"], 0);
    assert_eq!(counts["total"], written, "every file judged");
    let kinds: BTreeMap<String, (usize, usize)> = counts["kinds"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let n = |f: &str| usize::try_from(v[f].as_u64().unwrap()).unwrap();
            (k.clone(), (n("total"), n("valid")))
        })
        .collect();
    let pinned: BTreeMap<String, (usize, usize)> = PINNED
        .iter()
        .map(|(k, t, v)| ((*k).to_owned(), (*t, *v)))
        .collect();
    assert_eq!(kinds, pinned, "messages and valid ones, by kind");
    assert_eq!(
        (counts["total"].as_u64(), counts["valid"].as_u64()),
        (Some(PINNED_TOTAL as u64), Some(PINNED_VALID as u64))
    );
    assert_eq!(
        counts["invalid"].as_u64(),
        Some((PINNED_TOTAL - PINNED_VALID) as u64)
    );
}

/// The judge itself: a wrong verdict and a right verdict at the wrong place are both named.
#[test]
fn the_judge_names_a_wrong_verdict_and_a_wrong_place() {
    let Some(spec) = spec_dir() else { return };
    let dir = tempfile::tempdir().unwrap();
    let body: Value = serde_json::from_str(
        &std::fs::read_to_string(manifest().join("schemas/examples/valid/IF-031-MSApp.json"))
            .unwrap(),
    )
    .unwrap();
    let payload = &body[0]["payload"];
    let mut mutant = payload.clone();
    mutant["CommonBlock"]["S0"]["eventCode"] = json!(12345);
    let case = |payload: &Value, verdict: &str, pointer: Option<&str>| {
        let mut r = json!({"kind": "type", "interface": "IF-031", "event": "[MSApp]",
                           "payload": payload, "verdict": verdict});
        if let Some(p) = pointer {
            r["pointer"] = json!(p);
        }
        r
    };
    write(
        dir.path(),
        "right",
        &case(&mutant, "invalid", Some("/CommonBlock/S0/eventCode")),
    );
    write(
        dir.path(),
        "wrong-verdict",
        &case(payload, "invalid", Some("/CommonBlock")),
    );
    write(
        dir.path(),
        "wrong-place",
        &case(&mutant, "invalid", Some("/CommonBlock/S0")),
    );
    let o = Command::new("python3")
        .arg(manifest().join("ci/official_agreement.py"))
        .arg("--spec")
        .arg(&spec)
        .arg("--corpus")
        .arg(dir.path())
        .output()
        .expect("python3 runs (ci/setup.sh installs jsonschema and PyYAML)");
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let disagree: Vec<&str> = out.lines().filter(|l| l.starts_with("DISAGREE")).collect();
    assert_eq!(disagree.len(), 2, "{out}");
    assert!(
        disagree[0].contains(
            "wrong-place.json IF-031 [MSApp] type, our pointer \"/CommonBlock/S0\": ours invalid, \
             official invalid (no official error at our pointer)"
        ),
        "{out}"
    );
    assert!(
        disagree[1].contains(
            "wrong-verdict.json IF-031 [MSApp] type, our pointer \"/CommonBlock\": \
             ours invalid, official valid (verdicts differ)"
        ),
        "{out}"
    );
    assert!(
        out.contains("official error at \"/CommonBlock/S0/eventCode\""),
        "{out}"
    );
}
