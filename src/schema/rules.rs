//! The market's rules that the official schema does not check (DOMAIN.md §7): the DT-003
//! date-time form, DIP IDs as digits, the MPAN check digit, the GSP group against the MPAN's
//! distributor, and the sender reference against S1. They are reported as
//! [`FindingKind::Rule`], apart from schema failures.
//!
//! Which fields are date-times, dates, DIP IDs or MPANs is read from the key names the
//! interface schemas use (`...Date`, `...Timestamp`, `...DIPID`, `MPANCore`, `principalMPAN`,
//! `subsidiaryMPAN` ...), so a new interface is covered without code.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Finding, FindingKind};
use crate::market::{Mpan, MpanError, gsp_group_for};

static DT003: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$").expect("valid regex")
});
static DT995: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^S-((IF|REP)-)?(\d{3,4})-([0-9a-fA-F]{10})-([A-Z]{3,5})-\d{8}-[a-zA-Z0-9]+$")
        .expect("valid regex")
});

/// Rule ids, as they appear in findings and reports.
pub const DATETIME_FORM: &str = "datetime-form";
pub const DIP_ID_DIGITS: &str = "dip-id-digits";
pub const MPAN_CHECK_DIGIT: &str = "mpan-check-digit";
pub const GSP_GROUP: &str = "gsp-group";
pub const SENDER_REFERENCE: &str = "sender-reference";

/// Parses a DT-003 date-time (`YYYY-MM-DDThh:mm:ss+hh:mm`), checking that it is a real instant.
pub fn parse_dt003(s: &str) -> Option<OffsetDateTime> {
    if !DT003.is_match(s) {
        return None;
    }
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// Checks a sender unique reference against DT-995 and against the rest of S1: the interface,
/// the sender's DIP ID (its ten hex characters) and role.
pub fn check_sender_reference(
    reference: &str,
    interface: &str,
    dip_id: &str,
    role: &str,
) -> Result<(), String> {
    let Some(c) = DT995.captures(reference) else {
        return Err(format!(
            "{reference:?} does not match DT-995 S-<interface>-<DIP ID>-<role>-<yyyymmdd>-<ref>"
        ));
    };
    let number = interface.rsplit('-').next().unwrap_or_default();
    if &c[3] != number {
        return Err(format!(
            "{reference:?} names interface {} but the message is {interface}",
            &c[3]
        ));
    }
    if !c[4].eq_ignore_ascii_case(dip_id) {
        return Err(format!(
            "{reference:?} names DIP ID {} but S1.senderDIPID is {dip_id}",
            &c[4]
        ));
    }
    if &c[5] != role {
        return Err(format!(
            "{reference:?} names role {} but S1.senderRoleID is {role}",
            &c[5]
        ));
    }
    Ok(())
}

/// Every rule finding of one payload; `prefix` is the payload's pointer in the body.
pub fn check_payload(payload: &Value, prefix: &str) -> Vec<Finding> {
    let s0 = payload.pointer("/CommonBlock/S0");
    let interface = s0
        .and_then(|s| s.get("interfaceID"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let event = s0
        .and_then(|s| s.get("eventCode"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut out = Vec::new();
    let mut push = |rule: &str, pointer: String, message: String| {
        out.push(Finding {
            kind: FindingKind::Rule,
            rule: rule.to_owned(),
            interface: interface.clone(),
            event: event.clone(),
            pointer,
            message,
        });
    };
    walk(payload, prefix, None, &mut |key, pointer, value| {
        let Some(s) = value.as_str() else { return };
        if key.ends_with("Timestamp")
            || key.ends_with("DateTime")
            || (key.ends_with("Date") && s.len() == 25)
        {
            if s.len() == 25 && parse_dt003(s).is_none() {
                push(
                    DATETIME_FORM,
                    pointer.to_owned(),
                    format!("{s:?} is not a DT-003 date-time YYYY-MM-DDThh:mm:ss+hh:mm"),
                );
            }
        } else if key.ends_with("DIPID")
            || matches!(key, "primaryRecipients" | "secondaryRecipients" | "always")
        {
            if s.len() == 10 && !s.bytes().all(|b| b.is_ascii_digit()) {
                push(
                    DIP_ID_DIGITS,
                    pointer.to_owned(),
                    format!("{s:?} is not a DIP ID of ten digits"),
                );
            }
        } else if matches!(
            key,
            "MPANCore" | "principalMPAN" | "subsidiaryMPAN" | "relatedMPAN" | "linkedMPAN"
        ) && s.len() == 13
            && s.bytes().all(|b| b.is_ascii_digit())
            && let Err(e @ MpanError::CheckDigit { .. }) = Mpan::parse(s)
        {
            push(MPAN_CHECK_DIGIT, pointer.to_owned(), e.to_string());
        }
    });
    for block in ["M0", "M1"] {
        let Some(m) = payload.pointer(&format!("/CommonBlock/{block}")) else {
            continue;
        };
        let core = m
            .get("MPANCore")
            .or_else(|| m.get("principalMPAN"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let gsp = m
            .get("GSPGroupID")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(expected) = core
            .get(..2)
            .and_then(|d| d.parse().ok())
            .and_then(gsp_group_for)
            && !gsp.is_empty()
            && gsp != expected
        {
            push(
                GSP_GROUP,
                format!("{prefix}/CommonBlock/{block}/GSPGroupID"),
                format!(
                    "{gsp:?} is not the GSP group of distributor {} (expected {expected})",
                    &core[..2]
                ),
            );
        }
    }
    if let (Some(s1), Some(interface)) = (payload.pointer("/CommonBlock/S1"), &interface) {
        let get = |k: &str| s1.get(k).and_then(Value::as_str).unwrap_or_default();
        let reference = get("senderUniqueReference");
        if !reference.is_empty()
            && let Err(message) = check_sender_reference(
                reference,
                interface,
                get("senderDIPID"),
                get("senderRoleID"),
            )
        {
            push(
                SENDER_REFERENCE,
                format!("{prefix}/CommonBlock/S1/senderUniqueReference"),
                message,
            );
        }
    }
    out
}

fn walk(value: &Value, pointer: &str, key: Option<&str>, f: &mut impl FnMut(&str, &str, &Value)) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                walk(v, &format!("{pointer}/{}", escape(k)), Some(k), f);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &format!("{pointer}/{i}"), key, f);
            }
        }
        other => {
            if let Some(k) = key {
                f(k, pointer, other);
            }
        }
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn payload(ts: &str, mpan: &str, gsp: &str, reference: &str) -> Value {
        json!({"CommonBlock": {
            "S0": {"interfaceID": "IF-031", "schemaVersion": "011", "eventCode": "[MSApp]"},
            "S1": {"senderUniqueReference": reference, "senderTimestamp": ts, "senderDIPID": "2300000001", "senderRoleID": "SUP"},
            "A0": {"primaryRecipients": ["22000000AB"], "secondaryRecipients": [], "always": []},
            "M0": {"MPANCore": mpan, "distributorDIPID": "2500000020", "GSPGroupID": gsp}},
            "CustomBlock": {}})
    }

    #[test]
    fn a_clean_payload_has_only_the_findings_planted() {
        let p = payload(
            "2026-03-21T19:05:00+00:00",
            "2000056535971",
            "_H",
            "S-IF-031-2300000001-SUP-20260321-1",
        );
        let f = check_payload(&p, "/0/payload");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, DIP_ID_DIGITS);
        assert_eq!(
            f[0].pointer,
            "/0/payload/CommonBlock/A0/primaryRecipients/0"
        );
    }

    #[test]
    fn each_rule_fires() {
        let p = payload(
            "2026-03-21T19:05:00.0000Z",
            "2000056535972",
            "_A",
            "S-IF-032-2300000001-SUP-20260321-1",
        );
        let rules: Vec<String> = check_payload(&p, "").into_iter().map(|f| f.rule).collect();
        for r in [DATETIME_FORM, MPAN_CHECK_DIGIT, GSP_GROUP, SENDER_REFERENCE] {
            assert!(rules.iter().any(|x| x == r), "{r} missing from {rules:?}");
        }
    }

    #[test]
    fn dt003_needs_a_real_instant() {
        assert!(parse_dt003("2026-03-21T19:05:00+01:00").is_some());
        assert!(parse_dt003("2026-02-30T19:05:00+00:00").is_none());
        assert!(parse_dt003("2026-03-21T19:05:00Z").is_none());
        assert!(parse_dt003("xxxxxxxxxxxxxxxxxxxxxxxxx").is_none());
    }

    #[test]
    fn sender_reference_is_tied_to_s1() {
        assert!(
            check_sender_reference(
                "S-IF-031-2300000001-SUP-20260321-1a",
                "IF-031",
                "2300000001",
                "SUP"
            )
            .is_ok()
        );
        assert!(
            check_sender_reference(
                "S-031-2300000001-SUP-20260321-1a",
                "IF-031",
                "2300000001",
                "SUP"
            )
            .is_ok()
        );
        assert!(
            check_sender_reference(
                "S-IF-031-2300000002-SUP-20260321-1a",
                "IF-031",
                "2300000001",
                "SUP"
            )
            .is_err()
        );
        assert!(
            check_sender_reference(
                "S-IF-031-2300000001-MSS-20260321-1a",
                "IF-031",
                "2300000001",
                "SUP"
            )
            .is_err()
        );
        assert!(check_sender_reference("nonsense", "IF-031", "2300000001", "SUP").is_err());
    }
}
