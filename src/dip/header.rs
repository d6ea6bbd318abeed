//! What the harness reads of every message: the ids in `S0`, `S1` and `M0`.

use serde_json::Value;

/// `S0.interfaceID`, `S0.eventCode`, `S1.senderUniqueReference` and `M0.MPANCore` of a payload,
/// where present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    pub interface: Option<String>,
    pub event: Option<String>,
    pub schema_version: Option<String>,
    pub reference: Option<String>,
    pub mpan: Option<String>,
}

impl Header {
    pub fn of(payload: &Value) -> Self {
        // Plain lookups, not `Value::pointer`: this runs on every message the stub DIP answers,
        // and a pointer lookup allocates per token.
        let common = payload.get("CommonBlock");
        let block = |b: &str| common.and_then(|c| c.get(b));
        let s = |b: &str, k: &str| {
            block(b)
                .and_then(|v| v.get(k))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        Self {
            interface: s("S0", "interfaceID"),
            event: s("S0", "eventCode"),
            schema_version: s("S0", "schemaVersion"),
            reference: s("S1", "senderUniqueReference"),
            mpan: s("M0", "MPANCore").or_else(|| s("M1", "principalMPAN")),
        }
    }
}

/// The payloads of a body in the DIP's array form, if it has that form.
pub fn payloads(body: &Value) -> Vec<&Value> {
    body.as_array()
        .map(|items| items.iter().filter_map(|i| i.get("payload")).collect())
        .unwrap_or_default()
}
