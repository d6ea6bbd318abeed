//! Our schemas and the imported official ones give the same verdict on a generated corpus:
//! each valid example of ours and systematic mutants of it. Both verdicts come from our own
//! engine; `independent.rs` has python-jsonschema judge the same corpus on the official YAML.
#![expect(
    clippy::print_stdout,
    reason = "the agreement matrix is printed to be quoted"
)]

use std::collections::{BTreeMap, BTreeSet};

use mhhs_qual::schema::SchemaSet;
use mhhs_qual::schema::diff::{FieldFacts, Folder};
use serde_json::{Value, json};

use crate::common::{Imported, imported, manifest, ours, spec_dir};

const KINDS: [&str; 8] = [
    "valid",
    "drop-field",
    "pattern",
    "enum",
    "length",
    "type",
    "unknown-property",
    "nullify",
];

/// `(kind, pointer, mutant payload)`. Each schema path is mutated once: the first item of an
/// array stands for the others, which the same subschema checks (so a day of 48 periods costs
/// no more than one period).
fn mutants(
    payload: &Value,
    facts: &BTreeMap<String, FieldFacts>,
) -> Vec<(&'static str, String, Value)> {
    let mut leaves = Vec::new();
    collect(payload, String::new(), String::new(), &mut leaves);
    let mut seen = BTreeSet::new();
    leaves.retain(|(_, path, _)| seen.insert(path.clone()));
    let mut out = vec![("valid", String::new(), payload.clone())];
    let with = |pointer: &str, v: Value| {
        let mut m = payload.clone();
        *m.pointer_mut(pointer).expect("pointer from the walk") = v;
        m
    };
    for (pointer, path, value) in &leaves {
        let f = facts.get(path);
        if let Some((parent, key)) = pointer.rsplit_once('/')
            && !pointer.is_empty()
        {
            let mut m = payload.clone();
            let target = if parent.is_empty() {
                Some(&mut m)
            } else {
                m.pointer_mut(parent)
            };
            if let Some(Value::Object(map)) = target {
                map.remove(key);
                out.push(("drop-field", pointer.clone(), m));
            }
        }
        if let Value::Object(_) = value {
            let mut m = payload.clone();
            if let Some(Value::Object(map)) = if pointer.is_empty() {
                Some(&mut m)
            } else {
                m.pointer_mut(pointer)
            } {
                map.insert("zzUnknownProperty".into(), json!("x"));
                out.push(("unknown-property", pointer.clone(), m));
            }
        }
        if pointer.is_empty() {
            continue;
        }
        let other = match value {
            Value::String(_) => json!(12345),
            Value::Number(_) => json!("12345"),
            Value::Bool(b) => json!(b.to_string()),
            Value::Null => json!(1),
            Value::Array(_) => json!({}),
            Value::Object(_) => json!([]),
        };
        out.push(("type", pointer.clone(), with(pointer, other)));
        if !value.is_null() {
            out.push(("nullify", pointer.clone(), with(pointer, Value::Null)));
        }
        let Some(f) = f else { continue };
        if f.enumeration.is_some() {
            out.push((
                "enum",
                pointer.clone(),
                with(pointer, json!("ZZ-not-in-enum")),
            ));
        }
        if let (Some(_), Value::String(s)) = (&f.pattern, value) {
            let broken = "~".repeat(s.chars().count().max(1));
            out.push(("pattern", pointer.clone(), with(pointer, json!(broken))));
        }
        if let Some(max) = f.max_length {
            let long = "9".repeat(usize::try_from(max).unwrap_or(0) + 1);
            out.push(("length", pointer.clone(), with(pointer, json!(long))));
        }
        if let Some(min) = f.min_length.filter(|m| *m > 0) {
            let short = "9".repeat(usize::try_from(min).unwrap_or(1) - 1);
            out.push(("length", pointer.clone(), with(pointer, json!(short))));
        }
    }
    out
}

fn collect(v: &Value, pointer: String, path: String, out: &mut Vec<(String, String, Value)>) {
    out.push((pointer.clone(), path.clone(), v.clone()));
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                collect(child, format!("{pointer}/{k}"), format!("{path}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect(child, format!("{pointer}/{i}"), format!("{path}/*"), out);
            }
        }
        _ => {}
    }
}

fn verdict(set: &SchemaSet, payload: &Value, interface: &str, event: &str) -> bool {
    set.check_variant(payload, "", interface, event).is_empty()
}

/// One message of the corpus: a payload to be judged against `interface` `event`.
pub struct Case {
    /// The valid example it comes from (file stem).
    pub source: String,
    pub kind: &'static str,
    /// Where the mutant was made (empty for the example itself).
    pub mutated: String,
    pub interface: String,
    pub event: String,
    pub payload: Value,
}

/// Every valid example of ours, and each of its mutants, in a stable order. The fields
/// constrained by either our schema or the imported official one get their mutants.
pub fn corpus(imp: &Imported) -> Vec<Case> {
    let ours = ours();
    let official = Folder::read(imp.dir.path()).unwrap();
    let ours_folder = Folder::read(&manifest().join("schemas")).unwrap();
    let mut examples: Vec<_> = std::fs::read_dir(manifest().join("schemas/examples/valid"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    examples.sort();
    let mut cases = Vec::new();
    for path in &examples {
        let body: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let payload = &body[0]["payload"];
        let interface = payload["CommonBlock"]["S0"]["interfaceID"]
            .as_str()
            .unwrap();
        let event = payload["CommonBlock"]["S0"]["eventCode"].as_str().unwrap();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(ours.covers(interface, event), "{name}");
        let catalogue = imp.set.catalogue().get(interface).unwrap();
        let official_file = &catalogue.variants[event];
        let our_file = &ours.catalogue().get(interface).unwrap().variants[event];
        // facts from both schemas: a field constrained by either gets its mutants
        let mut facts = official.fields(official_file);
        for (p, f) in ours_folder.fields(our_file) {
            let e = facts.entry(p).or_default();
            e.enumeration = e.enumeration.take().or(f.enumeration);
            e.pattern = e.pattern.take().or(f.pattern);
            e.max_length = e.max_length.or(f.max_length);
            e.min_length = e.min_length.or(f.min_length);
        }
        cases.extend(
            mutants(payload, &facts)
                .into_iter()
                .map(|(kind, mutated, payload)| Case {
                    source: name.clone(),
                    kind,
                    mutated,
                    interface: interface.to_owned(),
                    event: event.to_owned(),
                    payload,
                }),
        );
    }
    cases
}

#[test]
fn our_schemas_and_the_official_ones_agree_on_every_mutant() {
    let Some(spec) = spec_dir() else { return };
    let imp = imported(&spec);
    let ours = ours();
    let mut matrix: BTreeMap<String, BTreeMap<&str, (usize, usize)>> = BTreeMap::new();
    let mut disagreements = Vec::new();
    let (mut both_valid, mut all) = (0usize, 0usize);
    for case in corpus(imp) {
        let Case {
            source: name,
            kind,
            mutated: pointer,
            interface,
            event,
            payload: mutant,
        } = case;
        let row = matrix.entry(name.clone()).or_default();
        let a = verdict(ours, &mutant, &interface, &event);
        let b = verdict(&imp.set, &mutant, &interface, &event);
        all += 1;
        both_valid += usize::from(a && b);
        let cell = row.entry(kind).or_default();
        cell.1 += 1;
        if a == b {
            cell.0 += 1;
        } else {
            disagreements.push(format!(
                "{name} {kind} at {pointer}: ours {}, official {}",
                if a { "valid" } else { "invalid" },
                if b { "valid" } else { "invalid" }
            ));
        }
    }
    println!("| variant | {} |", KINDS.join(" | "));
    println!("|---|{}", "---|".repeat(KINDS.len()));
    let mut totals: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (variant, row) in &matrix {
        let cells: Vec<String> = KINDS
            .iter()
            .map(|k| {
                let (a, t) = row.get(k).copied().unwrap_or_default();
                let e = totals.entry(k).or_default();
                e.0 += a;
                e.1 += t;
                format!("{a}/{t}")
            })
            .collect();
        println!("| {variant} | {} |", cells.join(" | "));
    }
    let cells: Vec<String> = KINDS
        .iter()
        .map(|k| {
            let (a, t) = totals.get(k).copied().unwrap_or_default();
            format!("{a}/{t}")
        })
        .collect();
    println!("| **all {}** | {} |", matrix.len(), cells.join(" | "));
    println!("{all} messages, {both_valid} valid by both schemas, the rest invalid by both");
    assert_eq!(
        matrix.len(),
        ours.variant_count(),
        "a valid example for every event code our catalogue covers"
    );
    // the corpus is not trivially one-sided
    assert!(
        both_valid > matrix.len() && both_valid < all / 2,
        "{both_valid} of {all}"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
