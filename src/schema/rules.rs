//! The market's rules that the official schema does not check (DOMAIN.md §7): the DT-003
//! date-time form, DIP IDs as digits, the MPAN check digit, the GSP group against the MPAN's
//! distributor, and the sender reference against S1. They are reported as
//! [`FindingKind::Rule`], apart from schema failures; the sender reference's agreement with S0
//! and S1 as [`FindingKind::Warning`], because the contract only warns about it (G4: DT-995's
//! help text names the segments, but the schema does not tie them).
//!
//! Which fields are date-times, dates, DIP IDs or MPANs is read from the key names the
//! interface schemas use (`...Date`, `...Timestamp`, `...DIPID`, `MPANCore`, `principalMPAN`,
//! any key ending in `MPAN` ...), so a new interface is covered without code.

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Finding, FindingKind};
use crate::dip::response_text;
use crate::market::settlement::{Facts, check_if021};
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

/// The contract rule that a warning of a market rule refines (CONTRACT-ROLES.md §6.1): `G4`
/// for the sender reference's segments; the rule id itself for a rule the contract does not
/// name.
pub fn contract_rule(rule: &str) -> &str {
    match rule {
        SENDER_REFERENCE => "G4",
        other => other,
    }
}

/// Parses a DT-003 date-time (`YYYY-MM-DDThh:mm:ss+hh:mm`), checking that it is a real instant.
pub fn parse_dt003(s: &str) -> Option<OffsetDateTime> {
    if !DT003.is_match(s) {
        return None;
    }
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// Whether a sender unique reference has the DT-995 form; why not, when it does not.
pub fn check_sender_reference_form(reference: &str) -> Result<(), String> {
    if DT995.is_match(reference) {
        Ok(())
    } else {
        Err(not_dt995(reference))
    }
}

fn not_dt995(reference: &str) -> String {
    format!("{reference:?} does not match DT-995 S-<interface>-<DIP ID>-<role>-<yyyymmdd>-<ref>")
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
        return Err(not_dt995(reference));
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
    let mut push = |kind: FindingKind, rule: &str, pointer: String, message: String| {
        out.push(Finding {
            kind,
            rule: rule.to_owned(),
            interface: interface.clone(),
            event: event.clone(),
            pointer,
            message,
        });
    };
    walk(
        payload,
        &mut prefix.to_owned(),
        None,
        &mut |key, pointer, value| {
            let Some(s) = value.as_str() else { return };
            if key.ends_with("Timestamp")
                || key.ends_with("DateTime")
                || (key.ends_with("Date") && s.len() == 25)
            {
                if s.len() == 25 && parse_dt003(s).is_none() {
                    push(
                        FindingKind::Rule,
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
                        FindingKind::Rule,
                        DIP_ID_DIGITS,
                        pointer.to_owned(),
                        format!("{s:?} is not a DIP ID of ten digits"),
                    );
                }
            } else if (key == "MPANCore" || key.ends_with("MPAN"))
                && s.len() == 13
                && s.bytes().all(|b| b.is_ascii_digit())
                && let Err(e @ MpanError::CheckDigit { .. }) = Mpan::parse(s)
            {
                push(
                    FindingKind::Rule,
                    MPAN_CHECK_DIGIT,
                    pointer.to_owned(),
                    e.to_string(),
                );
            }
        },
    );
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
                FindingKind::Rule,
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
            // The form is DT-995's (an error, as the schema's pattern says); the segments'
            // agreement with S0 and S1 only a warning (G4).
            let kind = if check_sender_reference_form(reference).is_ok() {
                FindingKind::Warning
            } else {
                FindingKind::Rule
            };
            push(
                kind,
                SENDER_REFERENCE,
                format!("{prefix}/CommonBlock/S1/senderUniqueReference"),
                message,
            );
        }
    }
    out
}

/// The settlement rules of an IF-021 payload (CONTRACT-ROLES.md §6.3 D5 C1-C15 and D7, judged
/// by [`check_if021`] with what is known of the MPAN and its sender) as findings: rule `C7` ...,
/// [`FindingKind::Warning`] for a *(warn)* detail, the ECS code an MDS rejects with at the end
/// of the message. Independent of any schema set: it judges messages the schema fails too.
/// `prefix` is the payload's pointer in the body; a payload of another interface has none.
pub fn settlement_findings(payload: &Value, prefix: &str, facts: &Facts) -> Vec<Finding> {
    let event = payload
        .pointer("/CommonBlock/S0/eventCode")
        .and_then(Value::as_str);
    crate::market::settlement::grouped(check_if021(payload, facts))
        .into_iter()
        .map(|b| Finding {
            kind: if b.warn {
                FindingKind::Warning
            } else {
                FindingKind::Rule
            },
            rule: b.rule.to_owned(),
            interface: Some("IF-021".to_owned()),
            event: event.map(str::to_owned),
            pointer: format!("{prefix}{}", b.pointer),
            message: match b.ecs {
                Some(code) => format!("{} [{}]", b.message, response_text(code)),
                None => b.message,
            },
        })
        .collect()
}

/// Visits every scalar under a key, with its JSON pointer. One pointer buffer is grown and
/// cut back as the walk goes, so a clean message costs no allocation per field.
fn walk(
    value: &Value,
    pointer: &mut String,
    key: Option<&str>,
    f: &mut impl FnMut(&str, &str, &Value),
) {
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointer.push('/');
                if k.contains(['~', '/']) {
                    pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                } else {
                    pointer.push_str(k);
                }
                walk(v, pointer, Some(k), f);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let _ = write!(pointer, "/{i}");
                walk(v, pointer, key, f);
                pointer.truncate(len);
            }
        }
        other => {
            if let Some(k) = key {
                f(k, pointer, other);
            }
        }
    }
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
            "2026-03-21 19:05:00+00:00",
            "2000056535972",
            "_A",
            "S-IF-032-2300000001-SUP-20260321-1",
        );
        let found = check_payload(&p, "");
        for r in [DATETIME_FORM, MPAN_CHECK_DIGIT, GSP_GROUP, SENDER_REFERENCE] {
            assert!(
                found.iter().any(|f| f.rule == r),
                "{r} missing from {found:?}"
            );
        }
        // Only the reference's segments are a warning.
        for f in &found {
            let warning = f.rule == SENDER_REFERENCE;
            assert_eq!(f.kind == FindingKind::Warning, warning, "{f:?}");
        }
    }

    #[test]
    fn the_reference_form_fails_and_its_segments_warn() {
        let kinds = |reference: &str| -> Vec<(String, FindingKind)> {
            let p = payload(
                "2026-03-21T19:05:00+00:00",
                "2000056535971",
                "_H",
                reference,
            );
            check_payload(&p, "/0/payload")
                .into_iter()
                .filter(|f| f.rule == SENDER_REFERENCE)
                .map(|f| (f.to_string(), f.kind))
                .collect()
        };
        assert!(kinds("S-IF-031-2300000001-SUP-20260321-1").is_empty());
        for (reference, says) in [
            ("S-IF-032-2300000001-SUP-20260321-1", "names interface 032"),
            (
                "S-IF-031-2300000009-SUP-20260321-1",
                "names DIP ID 2300000009",
            ),
            (
                "S-IF-031-2300000001-MSS-20260321-1",
                "names role MSS but S1.senderRoleID is SUP",
            ),
        ] {
            let got = kinds(reference);
            assert_eq!(got.len(), 1, "{got:?}");
            assert_eq!(got[0].1, FindingKind::Warning, "{got:?}");
            assert!(got[0].0.contains(says), "{got:?}");
            assert!(
                got[0].0.ends_with("(rule sender-reference, a warning)"),
                "{got:?}"
            );
            assert_eq!(contract_rule(SENDER_REFERENCE), "G4");
        }
        let got = kinds("S_IF-031-2300000001-SUP-20260321-1");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, FindingKind::Rule, "{got:?}");
        assert!(got[0].0.contains("does not match DT-995"), "{got:?}");
    }

    #[test]
    fn settlement_findings_name_the_rule_the_ecs_code_and_the_place() {
        let text = crate::embedded::file("schemas/examples/valid/IF-021-ActivePower.json")
            .expect("example shipped");
        let body: Value = serde_json::from_str(text).expect("json");
        let mut p = body[0]["payload"].clone();
        let facts = Facts::default();
        assert_eq!(settlement_findings(&p, "/0/payload", &facts), Vec::new());
        let periods = &mut p["CustomBlock"]["B900"]["settlementDayConsumptionPeriods"][0]["consumptionPeriods"];
        periods[0]["sp"] = json!("2026-04-19T00:00:00+00:00");
        periods[1]["e"] = json!("2");
        let found = settlement_findings(&p, "/0/payload", &facts);
        assert_eq!(found.len(), 2, "{found:#?}");
        let at = "/0/payload/CustomBlock/B900/settlementDayConsumptionPeriods/0/consumptionPeriods";
        assert_eq!(
            (
                found[0].kind,
                found[0].rule.as_str(),
                found[0].pointer.clone()
            ),
            (FindingKind::Rule, "C7", format!("{at}/0/sp"))
        );
        let shown = found[0].to_string();
        assert!(
            shown.starts_with("IF-021 [ActivePower] /0/payload/"),
            "{shown}"
        );
        assert!(
            shown.contains("sp is the END of a period (DI-082, C7)"),
            "{shown}"
        );
        assert!(
            shown.ends_with(
                "[ECS1005 - SP End Date / Time invalid for Settlement Period Duration] (rule C7)"
            ),
            "{shown}"
        );
        assert_eq!(
            (
                found[1].kind,
                found[1].rule.as_str(),
                found[1].pointer.clone()
            ),
            (FindingKind::Warning, "C12", format!("{at}/1/e"))
        );
        assert!(
            found[1]
                .to_string()
                .ends_with("(C12) (rule C12, a warning)")
        );
        let other = payload(
            "2026-03-21T19:05:00+00:00",
            "2000056535971",
            "_H",
            "S-IF-031-2300000001-SUP-20260321-1",
        );
        assert_eq!(settlement_findings(&other, "", &facts), Vec::new());
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
