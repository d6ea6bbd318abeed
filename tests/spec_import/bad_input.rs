use mhhs_qual::schema::import::{ImportError, YamlError, import};
use serde_json::json;

use crate::common::{imported, mhhs_qual, spec_copy, spec_dir};

#[test]
fn the_whole_spec_imports_with_every_interface_and_variant() {
    let Some(spec) = spec_dir() else { return };
    let i = imported(&spec);
    let s = &i.summary;
    assert_eq!(s.spec_version, "2.1.0");
    assert_eq!(s.interfaces, 58, "IF-001..IF-065 and REP-xxx payloads");
    assert_eq!(s.variant_files, 149, "payloads and their event variants");
    assert_eq!(s.event_variants, 146, "(interface, event code) pairs");
    assert!(s.unconverted.is_empty(), "{:?}", s.unconverted);
    assert_eq!(i.set.variant_count(), 146);
    for (interface, event) in [
        ("IF-021", "[ActivePower]"),
        ("IF-041", "[ReadingCOS]"),
        ("REP-002", "[DUOSSupplierAggData]"),
        ("IF-065", "[MDRConsumption]"),
    ] {
        assert!(i.set.covers(interface, event), "{interface} {event}");
    }
    let codes: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(i.dir.path().join("response-codes.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(codes["codes"]["MSG1001"], "Schema Failure");
    for f in [
        "dip/standard-response.json",
        "dip/webhook-config.json",
        "dip/message-request.json",
        "import-report.json",
    ] {
        assert!(i.dir.path().join(f).is_file(), "{f}");
    }
    let ok = json!({"messageArray": [{"transactionID": null, "senderUniqueReference": null,
        "correlationID": null, "sentTimestamp": "2022-03-21T11:15:59+00:00", "senderID": "1401234567",
        "recipientID": "1401234567", "DIPConnectionProviderID": null, "message": "MSG0000 - Success",
        "help": null, "serviceTicketURL": null}], "timestamp": "2022-03-21T11:16:01+00:00"});
    assert_eq!(i.set.check_standard_response(&ok), vec![]);
}

#[test]
fn a_folder_that_is_not_the_spec_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "hello").unwrap();
    let out = tempfile::tempdir().unwrap();
    let e = import(dir.path(), out.path()).unwrap_err();
    assert!(matches!(e, ImportError::NotSpec { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("missing Interfaces-EventCodes-unresolved.yaml"),
        "{e}"
    );
    let o = mhhs_qual(&[
        "schemas",
        "import",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a checkout of the DIP API"));
}

#[test]
fn a_yaml_syntax_error_names_file_and_line() {
    let Some(spec) = spec_dir() else { return };
    let spec = spec_copy(&spec);
    let path = spec.path().join("DataTypes-unresolved.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(20, "  broken: value: other");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let e = import(spec.path(), out.path()).unwrap_err();
    let ImportError::Yaml(YamlError::Syntax { path: p, line, .. }) = &e else {
        panic!("{e}")
    };
    assert!(p.ends_with("DataTypes-unresolved.yaml"), "{e}");
    assert!((21..=23).contains(line), "line {line}: {e}");
    assert!(e.to_string().contains("DataTypes-unresolved.yaml:2"), "{e}");
}

#[test]
fn a_dangling_ref_is_named() {
    let Some(spec) = spec_dir() else { return };
    let spec = spec_copy(&spec);
    let path = spec.path().join("Interfaces-EventCodes-unresolved.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen(
        "RealCommonBlocks-unresolved.yaml#/components/schemas/B091'",
        "RealCommonBlocks-unresolved.yaml#/components/schemas/B091-gone'",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let e = import(spec.path(), out.path()).unwrap_err();
    let ImportError::DanglingRef {
        schema, reference, ..
    } = &e
    else {
        panic!("{e}")
    };
    assert!(reference.ends_with("#/components/schemas/B091-gone"), "{e}");
    assert!(
        schema.starts_with("Interfaces-EventCodes-unresolved.yaml#/components/schemas/IF-0"),
        "{e}"
    );
    // nothing half-written is left to be mistaken for an import
    assert!(!out.path().join("catalogue.json").exists());
}

#[test]
fn validate_reports_a_message_that_is_not_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.json");
    std::fs::write(&file, "[{\"payload\":\n  {not json}]").unwrap();
    let o = mhhs_qual(&["validate", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("m.json:2:"), "{err}");
    assert!(err.contains("not JSON"), "{err}");
}

#[test]
fn validate_with_imported_schemas_checks_variants_and_names_unknown_interfaces() {
    let Some(spec) = spec_dir() else { return };
    let i = imported(&spec);
    let schemas = i.dir.path().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let valid = crate::common::manifest().join("schemas/examples/valid/IF-031-MSApp.json");
    let text = std::fs::read_to_string(&valid).unwrap();
    let unknown = dir.path().join("unknown.json");
    std::fs::write(&unknown, text.replace("\"IF-031\"", "\"IF-999\"")).unwrap();
    let o = mhhs_qual(&["validate", "--schemas", schemas, valid.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = mhhs_qual(&[
        "validate",
        "--schemas",
        schemas,
        "--format",
        "json",
        unknown.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let finding = &v[0]["findings"][0];
    assert_eq!(finding["pointer"], "/0/payload/CommonBlock/S0/interfaceID");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("\"IF-999\" is not an interface of the catalogue"),
        "{v}"
    );
    // with the interface given, as the endpoint's {IF}, the schema says why
    let o = mhhs_qual(&[
        "validate",
        "--schemas",
        schemas,
        "--interface",
        "IF-031",
        unknown.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(
            "/0/payload/CommonBlock/S0/interfaceID: \"IF-999\" is not one of IF-031 [enum]"
        ),
        "{out}"
    );
}

#[test]
fn the_spec_folder_is_found() {
    let Some(spec) = spec_dir() else { return };
    assert!(spec.join("Interfaces-EventCodes-unresolved.yaml").is_file());
}
