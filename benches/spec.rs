//! Speed of the official spec's import and of validation against it:
//!
//!     cargo bench --bench spec
//!
//! Prints the import time, the compile time of the imported set, and the time to validate an
//! IF-021 message with 48 periods against the imported schema, beside python-jsonschema on the
//! same message (when python3 with jsonschema and referencing is available) twice: with a
//! `referencing` registry of the imported files, which resolves `$ref`s at each use (slow), and
//! the fair figure, the official YAML's IF-021 schema resolved into one document with the
//! validator built once and only `validate` timed. Bounded: about 10 s in all.
#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use mhhs_qual::schema::SchemaSet;
use mhhs_qual::schema::import::import;
use serde_json::{Value, json};

/// A checkout of elexon-data/dip-api-documentation: `MHHS_QUAL_SPEC`, else
/// `$MHHS_QUAL_SHARED/dip-api-documentation` (default `../shared`).
fn spec_dir() -> PathBuf {
    std::env::var_os("MHHS_QUAL_SPEC")
        .filter(|p| !p.is_empty())
        .map_or_else(
            || {
                std::env::var_os("MHHS_QUAL_SHARED")
                    .map_or_else(
                        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
                        PathBuf::from,
                    )
                    .join("dip-api-documentation")
            },
            PathBuf::from,
        )
}

fn if021_48_periods() -> Value {
    let periods: Vec<Value> = (1..=48)
        .map(|i| {
            let minutes = i * 30;
            json!({
                "sp": format!("2025-04-01T{:02}:{:02}:00+00:00", (minutes / 60) % 24, minutes % 60),
                "v": format!("{}.{:03}", i % 7, (i * 37) % 1000),
                "q": "A",
                "e": null,
                "arc": null
            })
        })
        .collect();
    json!({
        "CommonBlock": {
            "S0": {"interfaceID": "IF-021", "schemaVersion": "011", "eventCode": "[ActivePower]"},
            "S1": {"environmentTag": "DEV", "subText": null,
                   "senderUniqueReference": "S-IF-021-1401234567-SDS-20250401-0000000001",
                   "senderTimestamp": "2025-04-02T01:15:00+00:00", "senderDIPID": "1401234567",
                   "senderRoleID": "SDS", "senderCorrelationID": null, "DIPConnectionProviderID": null},
            "A0": {"primaryRecipients": [], "secondaryRecipients": [], "always": []},
            "M0": {"MPANCore": "2000056535971", "distributorDIPID": "2509012345", "GSPGroupID": "_K"}
        },
        "CustomBlock": {
            "B044": {"issuingDataServiceDIPID": "1401234567"},
            "B067": {"connectionTypeIndicator": "W", "connectionTypeEffectiveFromDate": "2022-03-21T00:00:00+00:00"},
            "B900": {
                "MQID": {"measurementQuantityID": "AI"},
                "settlementDayConsumptionPeriods": [{
                    "settlementDay": {"settlementDayDate": "2025-04-01T00:00:00+00:00", "periodDuration": 30},
                    "consumptionPeriods": periods
                }]
            }
        }
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

const PYTHON: &str = r#"
import json, os, sys, time
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
root, ref, message, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
resources = []
for d, _, files in os.walk(root):
    for f in files:
        if f.endswith(".json"):
            doc = json.load(open(os.path.join(d, f)))
            if isinstance(doc, dict) and "$id" in doc:
                resources.append((doc["$id"], Resource.from_contents(doc, default_specification=DRAFT202012)))
v = Draft202012Validator({"$ref": ref}, registry=Registry().with_resources(resources))
payload = json.load(open(message))
errors = list(v.iter_errors(payload))
assert not errors, errors[:3]
t = time.perf_counter()
for _ in range(n):
    list(v.iter_errors(payload))
print((time.perf_counter() - t) / n * 1e6)
"#;

fn main() {
    let spec = spec_dir();
    if !spec.join("SubmitEvents-unresolved.yaml").is_file() {
        println!(
            "skipped: the official DIP spec was not found at {}; set MHHS_QUAL_SPEC=/path/to/dip-api-documentation",
            spec.display()
        );
        return;
    }
    let mut imports = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let out = tempfile::tempdir().expect("temp dir");
        let t = Instant::now();
        let summary = import(&spec, out.path()).expect("import");
        imports.push(t.elapsed());
        assert_eq!(summary.event_variants, 146);
        last = Some(out);
    }
    let out = last.expect("an import");
    println!(
        "import of DIP API v2.1.0 (58 interfaces, 146 event variants): median {:.1} ms of 5 (min {:.1} ms)",
        median(imports.clone()).as_secs_f64() * 1e3,
        imports.iter().min().expect("runs").as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let set = SchemaSet::from_dir(out.path()).expect("compile");
    println!(
        "compile of the imported set (146 validators, once per process): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let payload = if021_48_periods();
    let findings = set.check_variant(&payload, "", "IF-021", "[ActivePower]");
    assert!(findings.is_empty(), "{findings:?}");
    let n = 20_000u32;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(set.check_variant(
            std::hint::black_box(&payload),
            "",
            "IF-021",
            "[ActivePower]",
        ));
    }
    let rust_us = t.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    println!(
        "mhhs-qual: IF-021 [ActivePower], 48 periods, imported schema: {rust_us:.2} us per message ({n} iterations)"
    );

    let message = out.path().join("bench-message.json");
    std::fs::write(&message, payload.to_string()).expect("write message");
    let catalogue = set.catalogue().get("IF-021").expect("IF-021");
    let file = &catalogue.variants["[ActivePower]"];
    let id = format!("https://mhhs-qual.invalid/imported/{file}");
    let python = Command::new("python3")
        .args(["-c", PYTHON])
        .arg(out.path())
        .arg(&id)
        .arg(&message)
        .arg("300")
        .output();
    match python {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let py_us: f64 = text.trim().parse().unwrap_or(f64::NAN);
            println!(
                "python-jsonschema: same message and schema: {py_us:.1} us per message (300 iterations); mhhs-qual is {:.0}x faster",
                py_us / rust_us
            );
        }
        _ => println!("python-jsonschema not available"),
    }
    fair(&spec, &message, rust_us);
}

/// The fair figure: python-jsonschema on the official YAML, the IF-021 schema resolved into
/// one document, the validator built once, only `validate` timed (`ci/python_validation_time.py`).
fn fair(spec: &std::path::Path, message: &std::path::Path, rust_us: f64) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ci/python_validation_time.py");
    let python = Command::new("python3")
        .arg(script)
        .arg("--spec")
        .arg(spec)
        .args([
            "--interface",
            "IF-021",
            "--event",
            "[ActivePower]",
            "--message",
        ])
        .arg(message)
        .args(["--seconds", "2"])
        .output();
    let figures: Option<Value> = match python {
        Ok(o) if o.status.success() => serde_json::from_slice(&o.stdout).ok(),
        _ => None,
    };
    let Some(f) = figures else {
        println!("python-jsonschema (one document) not available");
        return;
    };
    let median = f["median_us"].as_f64().unwrap_or(f64::NAN);
    println!(
        "python-jsonschema: official YAML, {} resolved into one document, validator built once, validate() only: {median:.1} us per message (median of batches, {} iterations, fastest batch {:.1} us)",
        f["schema"].as_str().unwrap_or("?"),
        f["iterations"],
        f["min_us"].as_f64().unwrap_or(f64::NAN),
    );
    println!(
        "fair ratio: mhhs-qual {rust_us:.2} us vs python-jsonschema {median:.1} us per message: mhhs-qual is {:.0}x faster",
        median / rust_us
    );
}
