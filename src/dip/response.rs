//! StandardResponse (CONTRACT.md §2): the answer of the DIP to a submission and of a
//! participant to a delivery.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Value, json};

use crate::embedded;

static CODES: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    embedded::file("schemas/response-codes.json")
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
        .and_then(|v| v.get("codes").cloned())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
});

/// `"RCP0000 - Message Success"`: a response code with its DI-999 text.
pub fn response_text(code: &str) -> String {
    match CODES.get(code) {
        Some(text) => format!("{code} - {text}"),
        None => code.to_owned(),
    }
}

/// One `messageArray` item.
#[derive(Debug, Clone, Default)]
pub struct ResponseItem {
    pub transaction_id: Option<String>,
    pub sender_unique_reference: Option<String>,
    pub correlation_id: Option<String>,
    pub sender_id: String,
    pub recipient_id: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

/// A StandardResponse body with all ten keys of every item present.
pub fn standard_response(items: &[ResponseItem]) -> Value {
    let now = super::now_dt003();
    json!({
        "messageArray": items.iter().map(|i| json!({
            "transactionID": i.transaction_id,
            "senderUniqueReference": i.sender_unique_reference,
            "correlationID": i.correlation_id,
            "sentTimestamp": now,
            "senderID": i.sender_id,
            "recipientID": i.recipient_id,
            "DIPConnectionProviderID": null,
            "message": i.message,
            "help": i.help,
            "serviceTicketURL": null,
        })).collect::<Vec<_>>(),
        "timestamp": now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_texts() {
        assert_eq!(response_text("RCP0000"), "RCP0000 - Message Success");
        assert_eq!(
            response_text("MSG1006"),
            "MSG1006 - Sender Unique Reference Duplicated"
        );
        assert_eq!(response_text("XYZ"), "XYZ");
    }
}
