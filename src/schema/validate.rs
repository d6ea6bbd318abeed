//! Offline validation of a message body, as the DIP's `/validate/{IF}/{event}` endpoint does
//! it: the body's envelope, then each payload against the schema of its event variant. The
//! interface comes from the caller (the endpoint's `{IF}`) or from `S0`; the event code from
//! `S0`.
//!
//! `S0` keys are looked up without regard to case to choose the variant (the DIP does not
//! enforce the capitalisation of field names on ingress), but the schema still reports a
//! wrongly cased key, so a stale `InterfaceID` gets its own, exact finding.

use serde::Serialize;
use serde_json::Value;

use super::{Finding, FindingKind, SchemaSet};

/// The verdict on one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileVerdict {
    pub file: String,
    pub valid: bool,
    /// The interface and event variant checked against, when known.
    pub variants: Vec<String>,
    pub findings: Vec<Finding>,
}

/// Every schema finding of a body. A body that is a single `{payload}` object or a bare
/// payload gets an envelope finding and its payload is checked all the same.
pub fn validate_body(set: &SchemaSet, body: &Value, interface: Option<&str>) -> Vec<Finding> {
    let mut findings = if body.is_array() {
        set.check_envelope(body, true)
    } else {
        vec![Finding {
            kind: FindingKind::Schema,
            rule: "type".into(),
            interface: interface.map(str::to_owned),
            event: None,
            pointer: String::new(),
            message: format!(
                "the body is {}, not an array of {{\"payload\": ...}} messages (DIPMessageArray)",
                match body {
                    Value::Object(m) if m.contains_key("payload") =>
                        "one {\"payload\": ...} object",
                    Value::Object(m) if m.contains_key("CommonBlock") => "a bare payload",
                    Value::Object(_) => "an object",
                    Value::Null => "null",
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    Value::String(_) => "a string",
                    Value::Array(_) => "an array",
                }
            ),
        }]
    };
    let payloads: Vec<(String, &Value)> = match body {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| Some((format!("/{i}/payload"), item.get("payload")?)))
            .collect(),
        Value::Object(map) if map.contains_key("payload") => {
            vec![("/payload".to_owned(), &map["payload"])]
        }
        Value::Object(map) if map.contains_key("CommonBlock") => vec![(String::new(), body)],
        _ => Vec::new(),
    };
    for (prefix, payload) in payloads {
        findings.extend(validate_payload(set, payload, &prefix, interface));
    }
    findings
}

fn validate_payload(
    set: &SchemaSet,
    payload: &Value,
    prefix: &str,
    interface: Option<&str>,
) -> Vec<Finding> {
    let s0 = payload
        .get("CommonBlock")
        .and_then(|c| field(c, "S0"))
        .unwrap_or(&Value::Null);
    let interface = interface.map(str::to_owned).or_else(|| {
        field(s0, "interfaceID")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let event = field(s0, "eventCode").and_then(Value::as_str);
    match (interface, event) {
        (Some(i), Some(e)) => set.check_variant(payload, prefix, &i, e),
        (i, _) => vec![Finding {
            kind: FindingKind::Schema,
            rule: "required".into(),
            event: None,
            pointer: format!("{prefix}/CommonBlock/S0"),
            message: if i.is_none() {
                "S0 names no interfaceID and no interface was given (--interface)".into()
            } else {
                "S0 names no eventCode, so no event variant can be chosen".into()
            },
            interface: i,
        }],
    }
}

/// A key of an object, exactly or else without regard to case.
fn field<'a>(object: &'a Value, key: &str) -> Option<&'a Value> {
    let map = object.as_object()?;
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}
