//! StandardResponse (CONTRACT.md §2): the answer of the DIP to a submission and of a
//! participant to a delivery.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;
use serde_json::Value;

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
    match code_text(code) {
        Some(text) => format!("{code} - {text}"),
        None => code.to_owned(),
    }
}

/// The DI-999 text of a response code alone (`"Message Success"`), when the code is known.
pub fn code_text(code: &str) -> Option<&'static str> {
    CODES.get(code).map(String::as_str)
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

/// The wire form of a StandardResponse: all ten keys of every item present.
#[derive(Serialize)]
struct Wire<'a> {
    #[serde(rename = "messageArray")]
    message_array: Vec<WireItem<'a>>,
    timestamp: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireItem<'a> {
    #[serde(rename = "transactionID")]
    transaction_id: Option<&'a str>,
    sender_unique_reference: Option<&'a str>,
    #[serde(rename = "correlationID")]
    correlation_id: Option<&'a str>,
    sent_timestamp: &'a str,
    #[serde(rename = "senderID")]
    sender_id: &'a str,
    #[serde(rename = "recipientID")]
    recipient_id: Option<&'a str>,
    #[serde(rename = "DIPConnectionProviderID")]
    dip_connection_provider_id: Option<&'a str>,
    message: &'a str,
    help: Option<&'a str>,
    #[serde(rename = "serviceTicketURL")]
    service_ticket_url: Option<&'a str>,
}

/// A StandardResponse body, serialized.
pub fn standard_response_bytes(items: &[ResponseItem]) -> Vec<u8> {
    let now = super::now_dt003();
    let wire = Wire {
        message_array: items
            .iter()
            .map(|i| WireItem {
                transaction_id: i.transaction_id.as_deref(),
                sender_unique_reference: i.sender_unique_reference.as_deref(),
                correlation_id: i.correlation_id.as_deref(),
                sent_timestamp: &now,
                sender_id: &i.sender_id,
                recipient_id: i.recipient_id.as_deref(),
                dip_connection_provider_id: None,
                message: &i.message,
                help: i.help.as_deref(),
                service_ticket_url: None,
            })
            .collect(),
        timestamp: &now,
    };
    serde_json::to_vec(&wire).expect("a StandardResponse serializes")
}

/// A StandardResponse body with all ten keys of every item present.
pub fn standard_response(items: &[ResponseItem]) -> Value {
    serde_json::from_slice(&standard_response_bytes(items)).expect("just serialized")
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
        assert_eq!(
            code_text("ECS1014"),
            Some("UTC Settlement Date/Time is not 00:00:00")
        );
        assert_eq!(code_text("XYZ"), None);
    }
}
