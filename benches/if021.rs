//! Validation speed of IF-021, the highest-volume message (`cargo bench --bench if021`).
//!
//! One IF-021 `[ActivePower]` of one settlement day (48 periods, the shipped valid example),
//! validated as the stub DIP does, per message: our schema (`SchemaSet::check_payload`), the
//! market rules (`rules::check_payload`) and the settlement rules C1-C15 and D7 with facts
//! about the MPAN (`rules::settlement_findings`). Beside it, in the same run,
//! python-jsonschema on the same message against the OFFICIAL IF-021 `[ActivePower]` schema:
//! imported from the spec (`MHHS_QUAL_SPEC`, else `$MHHS_QUAL_SHARED/dip-api-documentation`,
//! default `../shared`), resolved into one document (every `$ref` inlined) and written to a
//! temp folder at bench time; the validator is built once and `is_valid` timed in a python
//! loop, so python's startup and the schema's loading are not counted. Prints both, per
//! message, and the ratio. The python side is skipped, with a line saying why, when the spec,
//! python3 or its jsonschema package is missing. Bounded: about 2 s per figure.
#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use mhhs_qual::market::Facts;
use mhhs_qual::schema::import::import;
use mhhs_qual::schema::{SchemaSet, rules};
use serde_json::{Map, Value, json};
use time::macros::datetime;

/// Time spent on each figure.
const SECONDS: f64 = 2.0;

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

fn message() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/examples/valid/IF-021-ActivePower.json"
    );
    let body: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("example")).expect("JSON");
    body[0]["payload"].clone()
}

/// What the registry would know of the example's MPAN and sender.
fn facts() -> Facts {
    Facts {
        sender_dip_id: "1400000001".into(),
        sender_role: "SDS".into(),
        direction: Some('I'),
        connection: Some(("W".into(), datetime!(2019-06-13 23:00 UTC))),
        appointment: Some((datetime!(2026-01-01 0:00 UTC), None)),
        de_energised: vec![(datetime!(2025-01-01 0:00 UTC), false)],
    }
}

/// Microseconds per call of `f`: the median of the means of batches of 100, for about
/// [`SECONDS`]; and the number of calls.
fn time(f: &mut dyn FnMut() -> usize) -> (f64, u32) {
    for _ in 0..100 {
        std::hint::black_box(f());
    }
    let mut means = Vec::new();
    let started = Instant::now();
    while means.is_empty() || started.elapsed() < Duration::from_secs_f64(SECONDS) {
        let t = Instant::now();
        for _ in 0..100 {
            std::hint::black_box(f());
        }
        means.push(t.elapsed().as_secs_f64() * 1e6 / 100.0);
    }
    means.sort_by(f64::total_cmp);
    let calls = u32::try_from(means.len() * 100).unwrap_or(u32::MAX);
    (means[means.len() / 2], calls)
}

/// `reference` resolved against the URI `base`.
fn join(base: &str, reference: &str) -> String {
    if reference.contains("://") {
        return reference.to_owned();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("", base));
    let mut parts: Vec<&str> = rest.split('/').collect();
    parts.pop();
    for segment in reference.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                if parts.len() > 1 {
                    parts.pop();
                }
            }
            other => parts.push(other),
        }
    }
    format!("{scheme}://{}", parts.join("/"))
}

/// `node` with every `$ref` replaced by what it names (documents by `$id`), so that nothing
/// is looked up while validating. A `$ref` beside other keywords becomes an `allOf` member.
fn inline(node: &Value, base: &str, docs: &HashMap<String, Value>, depth: usize) -> Value {
    assert!(depth < 64, "$ref nesting too deep at {base}: a cycle?");
    match node {
        Value::Object(map) => {
            let mut out = Map::new();
            let mut resolved = None;
            for (k, v) in map {
                match k.as_str() {
                    "$ref" => {
                        let reference = v.as_str().expect("a $ref is a string");
                        let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
                        let uri = if file.is_empty() {
                            base.to_owned()
                        } else {
                            join(base, file)
                        };
                        let doc = docs
                            .get(&uri)
                            .unwrap_or_else(|| panic!("no schema {uri} ({reference} in {base})"));
                        let target = doc
                            .pointer(pointer)
                            .unwrap_or_else(|| panic!("{uri} has no {pointer}"));
                        resolved = Some(inline(target, &uri, docs, depth + 1));
                    }
                    "$id" | "$schema" => {}
                    _ => {
                        out.insert(k.clone(), inline(v, base, docs, depth + 1));
                    }
                }
            }
            match resolved {
                Some(r) if out.is_empty() => r,
                Some(r) => {
                    out.insert("allOf".into(), json!([r]));
                    Value::Object(out)
                }
                None => Value::Object(out),
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| inline(v, base, docs, depth + 1))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every JSON document under `dir`, by its `$id`.
fn documents(dir: &Path, out: &mut HashMap<String, Value>) {
    for entry in std::fs::read_dir(dir).expect("imported folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            documents(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            let doc: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("JSON");
            if let Some(id) = doc.get("$id").and_then(Value::as_str) {
                out.insert(id.to_owned(), doc);
            }
        }
    }
}

/// The official IF-021 `[ActivePower]` schema in one document, in `dir`; its path.
fn official_schema(spec: &Path, dir: &Path) -> PathBuf {
    let imported = dir.join("imported");
    import(spec, &imported).expect("the spec imports");
    let set = SchemaSet::from_dir(&imported).expect("the import compiles");
    let file = set.catalogue().get("IF-021").expect("IF-021").variants["[ActivePower]"].clone();
    let mut docs = HashMap::new();
    documents(&imported, &mut docs);
    let (id, root) = docs
        .iter()
        .find(|(id, _)| id.ends_with(&format!("/{file}")))
        .expect("the variant's document");
    let mut one = inline(root, id, &docs, 0);
    one["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    let path = dir.join("IF-021-ActivePower.resolved.json");
    std::fs::write(&path, serde_json::to_vec(&one).expect("serializes")).expect("write");
    path
}

const PYTHON: &str = r#"
import json, statistics, sys, time
try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as e:
    print("python3 has no jsonschema (pip install jsonschema): %s" % e)
    sys.exit(3)
schema, message, invalid, seconds = (json.load(open(sys.argv[1])), json.load(open(sys.argv[2])),
                                     json.load(open(sys.argv[3])), float(sys.argv[4]))
Draft202012Validator.check_schema(schema)
v = Draft202012Validator(schema)
errors = list(v.iter_errors(message))
if errors:
    print("the message is invalid against the official schema: %s" % errors[0].message)
    sys.exit(2)
if v.is_valid(invalid):
    print("the official schema accepts 49 periods: not the schema expected")
    sys.exit(2)
for _ in range(20):
    v.is_valid(message)
means, ok = [], True
started = time.perf_counter()
while not means or time.perf_counter() - started < seconds:
    t = time.perf_counter()
    for _ in range(20):
        ok = v.is_valid(message) and ok
    means.append((time.perf_counter() - t) / 20 * 1e6)
assert ok
from importlib.metadata import version
print(json.dumps({"median_us": statistics.median(means), "iterations": 20 * len(means),
                  "version": version("jsonschema")}))
"#;

fn main() {
    let payload = message();
    let set = SchemaSet::embedded().expect("schemas");
    let facts = facts();
    let prefix = "/0/payload";
    assert_eq!(set.check_payload(&payload, prefix), Vec::new());
    assert_eq!(rules::check_payload(&payload, prefix), Vec::new());
    assert_eq!(
        rules::settlement_findings(&payload, prefix, &facts),
        Vec::new()
    );

    println!("IF-021 [ActivePower], one settlement day of 48 periods, valid; per message:");
    let (schema_us, _) = time(&mut || set.check_payload(&payload, prefix).len());
    println!("  schema (SchemaSet::check_payload)           {schema_us:>8.2} us");
    let (rules_us, _) = time(&mut || rules::check_payload(&payload, prefix).len());
    println!("  market rules (rules::check_payload)         {rules_us:>8.2} us");
    let (c_us, _) = time(&mut || rules::settlement_findings(&payload, prefix, &facts).len());
    println!("  settlement rules C1-C15, D7 with facts      {c_us:>8.2} us");
    let (ours, n) = time(&mut || {
        set.check_payload(&payload, prefix).len()
            + rules::check_payload(&payload, prefix).len()
            + rules::settlement_findings(&payload, prefix, &facts).len()
    });
    println!("  all three, as one message is validated     {ours:>8.2} us ({n} messages)");

    let spec = spec_dir();
    if !spec.join("SubmitEvents-unresolved.yaml").is_file() {
        println!(
            "python-jsonschema: skipped: the official DIP spec was not found at {}; set MHHS_QUAL_SPEC=/path/to/dip-api-documentation",
            spec.display()
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let schema = official_schema(&spec, dir.path());
    let message_file = dir.path().join("message.json");
    std::fs::write(&message_file, payload.to_string()).expect("write");
    let mut invalid = payload.clone();
    let periods =
        invalid["CustomBlock"]["B900"]["settlementDayConsumptionPeriods"][0]["consumptionPeriods"]
            .as_array_mut()
            .expect("periods");
    periods.push(periods[0].clone());
    let invalid_file = dir.path().join("invalid.json");
    std::fs::write(&invalid_file, invalid.to_string()).expect("write");
    let out = Command::new("python3")
        .args(["-c", PYTHON])
        .arg(&schema)
        .arg(&message_file)
        .arg(&invalid_file)
        .arg(SECONDS.to_string())
        .output();
    let out = match out {
        Ok(o) => o,
        Err(e) => {
            println!("python-jsonschema: skipped: python3 does not run: {e}");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let figures: Option<Value> = serde_json::from_str(stdout.trim()).ok();
    let Some(f) = figures.filter(|_| out.status.success()) else {
        println!(
            "python-jsonschema: skipped: {}{}",
            stdout.trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return;
    };
    let python = f["median_us"].as_f64().unwrap_or(f64::NAN);
    println!(
        "python-jsonschema {}: the official IF-021 [ActivePower] schema (imported from {}, resolved into one document), validator built once, is_valid() in a loop: {python:.1} us per message ({} messages)",
        f["version"].as_str().unwrap_or("?"),
        spec.display(),
        f["iterations"]
    );
    println!(
        "ratio: mhhs-qual (schema, market rules and settlement rules) is {:.0}x faster than python-jsonschema (schema only); target 300x",
        python / ours
    );
}
