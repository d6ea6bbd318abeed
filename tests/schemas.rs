//! The schemas are tested code: every shipped schema compiles, every valid example passes,
//! every invalid example fails at the JSON pointer it names, and every rule-invalid example
//! passes the schema but breaks exactly the market rule it names.

use mhhs_qual::embedded;
use mhhs_qual::schema::{FindingKind, SchemaSet, rules};
use serde_json::Value;

fn examples(kind: &str) -> Vec<(&'static str, Value)> {
    let v: Vec<_> = embedded::under(&format!("schemas/examples/{kind}/"))
        .map(|(p, t)| {
            (
                p,
                serde_json::from_str(t).unwrap_or_else(|e| panic!("{p}: {e}")),
            )
        })
        .collect();
    assert!(!v.is_empty(), "no {kind} examples");
    v
}

#[test]
fn every_schema_compiles_and_every_catalogued_variant_has_one() {
    let set = SchemaSet::embedded().unwrap();
    let covered: usize = set
        .catalogue()
        .interfaces
        .iter()
        .map(|i| i.variants.len())
        .sum();
    assert_eq!(set.variant_count(), covered);
    assert_eq!(covered, 103);
    for id in [
        "IF-001", "IF-002", "IF-003", "IF-005", "IF-006", "IF-007", "IF-008", "IF-013", "IF-014",
        "IF-015", "IF-016", "IF-018", "IF-021", "IF-022", "IF-023", "IF-026", "IF-027", "IF-028",
        "IF-031", "IF-032", "IF-033", "IF-034", "IF-035", "IF-036", "IF-037", "IF-038", "IF-039",
        "IF-041", "IF-045", "IF-061", "IF-062", "IF-063", "IF-064", "IF-065",
    ] {
        let i = set.catalogue().get(id).unwrap();
        for e in &i.event_codes {
            assert!(set.covers(id, e), "{id} {e} has no schema");
        }
    }
    // IF-020 [RelatedAdd] and [RelatedRemove] are each in two alternatives of the DIP's oneOf,
    // which accepts no message of them: left uncovered, the others covered.
    let if020 = set.catalogue().get("IF-020").unwrap();
    for e in &if020.event_codes {
        let shared = e == "[RelatedAdd]" || e == "[RelatedRemove]";
        assert_eq!(set.covers("IF-020", e), !shared, "IF-020 {e}");
    }
    // every covered event code has a valid example, named after it: the default template
    for i in &set.catalogue().interfaces {
        for e in i.variants.keys() {
            let name = format!(
                "schemas/examples/valid/{}-{}.json",
                i.id,
                e.trim_start_matches('[').trim_end_matches(']')
            );
            assert!(embedded::file(&name).is_some(), "no {name}");
        }
    }
    // Every JSON file under schemas/ (examples aside) is a JSON Schema 2020-12 document that compiles.
    for (path, text) in embedded::under("schemas/")
        .filter(|(p, _)| p.to_ascii_lowercase().ends_with(".json") && !p.contains("/examples/"))
    {
        let v: Value = serde_json::from_str(text).unwrap();
        if v.get("$schema").is_some() {
            assert!(
                jsonschema::draft202012::meta::is_valid(&v),
                "{path} is not a valid 2020-12 schema"
            );
        }
    }
}

#[test]
fn the_catalogue_lists_every_interface_with_names_codes_versions_and_roles() {
    let set = SchemaSet::embedded().unwrap();
    let cat = set.catalogue();
    assert_eq!(cat.interfaces.len(), 60);
    let if031 = cat.get("IF-031").unwrap();
    assert_eq!(if031.event_codes, vec!["[MSApp]", "[DSApp]"]);
    assert_eq!(if031.current_version(), Some("011"));
    assert_eq!(if031.senders, vec!["SUP"]);
    assert_eq!(if031.receivers, vec!["REGS"]);
    assert_eq!(cat.get("PUB-002").unwrap().id, "IF-002");
    assert_eq!(cat.get("IF-051").unwrap().current_version(), Some("001"));
    let v: Value = serde_json::from_str(embedded::file("schemas/catalogue.json").unwrap()).unwrap();
    let meta: Value =
        serde_json::from_str(embedded::file("schemas/catalogue.schema.json").unwrap()).unwrap();
    let errors: Vec<String> = jsonschema::validator_for(&meta)
        .unwrap()
        .iter_errors(&v)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn valid_examples_pass_schema_and_rules() {
    let set = SchemaSet::embedded().unwrap();
    for (path, body) in examples("valid") {
        let f = set.check_body(&body, true);
        assert!(f.is_empty(), "{path}: {f:?}");
        let r = rules::check_payload(&body[0]["payload"], "/0/payload");
        assert!(r.is_empty(), "{path}: {r:?}");
    }
}

#[test]
fn invalid_examples_fail_at_their_pointer() {
    let set = SchemaSet::embedded().unwrap();
    for (path, ex) in examples("invalid") {
        let pointer = ex["expectPointer"].as_str().unwrap();
        let f = set.check_body(&ex["message"], true);
        assert!(!f.is_empty(), "{path} passed the schema");
        assert!(f.iter().all(|x| x.kind == FindingKind::Schema));
        assert!(
            f.iter().any(|x| x.pointer == pointer),
            "{path}: no finding at {pointer}: {f:?}"
        );
    }
}

#[test]
fn rule_invalid_examples_pass_the_schema_and_break_their_rule_only() {
    let set = SchemaSet::embedded().unwrap();
    for (path, ex) in examples("rule-invalid") {
        let body = &ex["message"];
        assert!(
            set.check_body(body, true).is_empty(),
            "{path} should be schema-valid"
        );
        let rule = ex["rule"].as_str().unwrap();
        let r = rules::check_payload(&body[0]["payload"], "/0/payload");
        assert!(!r.is_empty(), "{path}: no rule finding");
        // The sender reference's segments only warn (CONTRACT-ROLES.md §6.1 G4): its form is
        // the schema's. Every other rule fails.
        let kind = if rule == rules::SENDER_REFERENCE {
            FindingKind::Warning
        } else {
            FindingKind::Rule
        };
        assert!(
            r.iter().all(|f| f.rule == rule && f.kind == kind),
            "{path}: {r:?}"
        );
        assert!(
            r.iter()
                .any(|f| f.pointer == ex["expectPointer"].as_str().unwrap()),
            "{path}: {r:?}"
        );
    }
}

#[test]
fn an_error_reads_as_participants_expect() {
    let set = SchemaSet::embedded().unwrap();
    let (_, mut body) = examples("valid")
        .into_iter()
        .find(|(p, _)| p.ends_with("IF-031-MSApp.json"))
        .unwrap();
    body[0]["payload"]["CustomBlock"]["B070"]["appointmentScenario"] = Value::String("XYZ".into());
    let f = set.check_body(&body, true);
    assert_eq!(
        f[0].to_string(),
        "IF-031 [MSApp] /0/payload/CustomBlock/B070/appointmentScenario: \"XYZ\" is not one of COS, CSP, USP, SEG, MCA, MCS, ALG"
    );
}

#[test]
fn unknown_interfaces_and_event_codes_are_findings_not_crashes() {
    let set = SchemaSet::embedded().unwrap();
    let (_, mut body) = examples("valid")
        .into_iter()
        .find(|(p, _)| p.ends_with("IF-031-MSApp.json"))
        .unwrap();
    body[0]["payload"]["CommonBlock"]["S0"]["eventCode"] = Value::String("[Nope]".into());
    let f = set.check_body(&body, true);
    assert_eq!(f[0].pointer, "/0/payload/CommonBlock/S0/eventCode");
    assert!(
        f[0].message.contains("is not one of [MSApp], [DSApp]"),
        "{f:?}"
    );
    body[0]["payload"]["CommonBlock"]["S0"]["interfaceID"] = Value::String("IF-999".into());
    assert!(
        set.check_body(&body, true)[0]
            .message
            .contains("not an interface of the catalogue")
    );
    for garbage in [
        Value::Null,
        Value::from(3),
        Value::Array(vec![]),
        serde_json::json!([{"payload": 1}]),
    ] {
        assert!(!set.check_body(&garbage, true).is_empty(), "{garbage}");
    }
}
