//! `schemas diff` between two sets imported from v2.1.0, one altered by the test.

use std::path::Path;

use mhhs_qual::schema::diff::{ChangeKind, diff_dirs};
use mhhs_qual::schema::import::import;
use serde_json::{Value, json};

use crate::common::{mhhs_qual, spec_dir};

fn edit(path: &Path, f: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    f(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

#[test]
fn a_release_diff_names_what_changed() {
    let Some(spec) = spec_dir() else { return };
    let old = tempfile::tempdir().unwrap();
    let new = tempfile::tempdir().unwrap();
    import(&spec, old.path()).unwrap();
    import(&spec, new.path()).unwrap();
    assert!(
        diff_dirs(old.path(), new.path())
            .unwrap()
            .changes
            .is_empty()
    );

    let n = new.path();
    edit(&n.join("catalogue.json"), |c| {
        let list = c["interfaces"].as_array_mut().unwrap();
        list.retain(|i| i["id"] != "IF-002");
        list.push(
            json!({"id": "IF-099", "name": "New", "schemaVersion": "011",
            "eventCodes": ["[New]"], "variants": {}}),
        );
        let i21 = list.iter_mut().find(|i| i["id"] == "IF-021").unwrap();
        i21["schemaVersion"] = json!(["012"]);
        i21["eventCodes"]
            .as_array_mut()
            .unwrap()
            .retain(|e| e != "[ReactivePower]");
        i21["variants"]
            .as_object_mut()
            .unwrap()
            .remove("[ReactivePower]");
    });
    edit(&n.join("interfaces/IF-021-Payload.json"), |v| {
        let custom = &mut v["properties"]["CustomBlock"];
        custom["properties"]["B998"] = json!({"type": "string"});
        custom["properties"]["B999"] = json!({"type": "string"});
        custom["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("B999"));
        custom["properties"].as_object_mut().unwrap().remove("B067");
        custom["required"]
            .as_array_mut()
            .unwrap()
            .retain(|k| k != "B067");
        v["properties"]["CommonBlock"]["properties"]["S0"]["properties"]["eventCode"]["enum"]
            .as_array_mut()
            .unwrap()
            .push(json!("[ApparentPower]"));
    });
    edit(&n.join("spec/DataTypes.json"), |v| {
        let text = serde_json::to_string(v).unwrap();
        // the MPAN core pattern, as a release might tighten it
        *v = serde_json::from_str(&text.replace(r#""^\\d{13}?$""#, r#""^\\d{13}$""#)).unwrap();
    });
    edit(&n.join("spec/RealCommonBlocks.json"), |v| {
        let s1 = &mut v["components"]["schemas"]["S1"];
        s1["required"]
            .as_array_mut()
            .unwrap()
            .retain(|k| k != "subText");
    });

    let d = diff_dirs(old.path(), new.path()).unwrap();
    let has = |kind: ChangeKind, interface: &str, field: Option<&str>| {
        d.changes
            .iter()
            .any(|c| c.kind == kind && c.interface == interface && c.field.as_deref() == field)
    };
    assert!(has(ChangeKind::InterfaceRemoved, "IF-002", None));
    assert!(has(ChangeKind::InterfaceAdded, "IF-099", None));
    assert!(has(ChangeKind::EventRemoved, "IF-021", None));
    assert!(has(ChangeKind::SchemaVersionChanged, "IF-021", None));
    assert!(has(
        ChangeKind::FieldAdded,
        "IF-021",
        Some("/CustomBlock/B998")
    ));
    assert!(has(
        ChangeKind::FieldNewlyRequired,
        "IF-021",
        Some("/CustomBlock/B999")
    ));
    assert!(has(
        ChangeKind::FieldRemoved,
        "IF-021",
        Some("/CustomBlock/B067")
    ));
    assert!(has(
        ChangeKind::FieldRemoved,
        "IF-021",
        Some("/CustomBlock/B067/connectionTypeIndicator")
    ));
    assert!(has(
        ChangeKind::EnumValuesAdded,
        "IF-021",
        Some("/CommonBlock/S0/eventCode")
    ));
    assert!(has(
        ChangeKind::PatternChanged,
        "IF-021",
        Some("/CommonBlock/M0/MPANCore")
    ));
    assert!(has(
        ChangeKind::PatternChanged,
        "IF-031",
        Some("/CommonBlock/M0/MPANCore")
    ));
    assert!(has(
        ChangeKind::FieldNoLongerRequired,
        "IF-031",
        Some("/CommonBlock/S1/subText")
    ));
    let removed = d
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::InterfaceRemoved)
        .unwrap();
    assert!(removed.breaking);
    assert!(
        !d.changes
            .iter()
            .find(|c| c.kind == ChangeKind::FieldAdded)
            .unwrap()
            .breaking
    );

    let o = mhhs_qual(&[
        "schemas",
        "diff",
        old.path().to_str().unwrap(),
        n.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("BREAKING FieldNewlyRequired IF-021 [ActivePower] /CustomBlock/B999"),
        "{text}"
    );
    assert!(
        text.contains("BREAKING SchemaVersionChanged IF-021: [\"011\"] -> [\"012\"]"),
        "{text}"
    );
    assert!(text.lines().last().unwrap().ends_with("breaking"), "{text}");
    let o = mhhs_qual(&[
        "schemas",
        "diff",
        "--format",
        "json",
        old.path().to_str().unwrap(),
        n.to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["changes"].as_array().unwrap().len(), d.changes.len());
    assert!(
        v["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "field-newly-required")
    );
}
