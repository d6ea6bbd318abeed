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
///
/// The form is checked byte by byte (ASCII digits, `-`, `T`, `:`, a signed offset: what the
/// regex `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$` lets through that RFC 3339 also
/// reads), then RFC 3339 judges the instant. It runs for every `sp` of an IF-021, so no regex.
pub fn parse_dt003(s: &str) -> Option<OffsetDateTime> {
    if !is_dt003_form(s.as_bytes()) {
        return None;
    }
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The instant of a DT-003 date-time in Unix seconds: `parse_dt003(s)`'s, read without
/// building an `OffsetDateTime` (a leap second, `:60`, still goes through RFC 3339). It is
/// valid for every DT-003 date-time, whatever its year in UTC.
pub fn dt003_seconds(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if !is_dt003_form(b) {
        return None;
    }
    let n = |at: usize, len: usize| {
        b[at..at + len]
            .iter()
            .fold(0_i64, |acc, &c| acc * 10 + i64::from(c - b'0'))
    };
    let (year, month, day) = (n(0, 4), n(5, 2), n(8, 2));
    let (hour, minute, second) = (n(11, 2), n(14, 2), n(17, 2));
    let (offset_hour, offset_minute) = (n(20, 2), n(23, 2));
    if second == 60 {
        return parse_dt003(s).map(OffsetDateTime::unix_timestamp);
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=month_days).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
        || offset_hour > 23
        || offset_minute > 59
    {
        return None;
    }
    // Days since 1970-01-01 of the proleptic Gregorian date (H. Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let offset = (offset_hour * 3600 + offset_minute * 60) * if b[19] == b'-' { -1 } else { 1 };
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// `YYYY-MM-DDThh:mm:ss+hh:mm` (or `-hh:mm`) with ASCII digits.
fn is_dt003_form(b: &[u8]) -> bool {
    const FORM: &[u8; 25] = b"0000-00-00T00:00:00+00:00";
    b.len() == 25
        && b.iter().zip(FORM).all(|(&c, &f)| match f {
            b'0' => c.is_ascii_digit(),
            b'+' => c == b'+' || c == b'-',
            other => c == other,
        })
}

/// The interface number, DIP ID and role of a DT-995 sender reference
/// (`S-((IF|REP)-)?\d{3,4}-[0-9a-fA-F]{10}-[A-Z]{3,5}-\d{8}-[a-zA-Z0-9]+`), read by hand from
/// an ASCII reference (every submission has one); any other goes to the regex.
fn dt995(reference: &str) -> Option<(&str, &str, &str)> {
    if !reference.is_ascii() {
        let c = DT995.captures(reference)?;
        return Some((c.get(3)?.as_str(), c.get(4)?.as_str(), c.get(5)?.as_str()));
    }
    dt995_ascii(reference)
}

/// [`dt995`] of an ASCII reference.
pub(super) fn dt995_ascii(reference: &str) -> Option<(&str, &str, &str)> {
    let rest = reference.strip_prefix("S-")?;
    let rest = rest
        .strip_prefix("IF-")
        .or_else(|| rest.strip_prefix("REP-"))
        .unwrap_or(rest);
    let mut parts = rest.splitn(5, '-');
    let (number, dip_id, role, date, tail) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let ok = (3..=4).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
        && dip_id.len() == 10
        && dip_id.bytes().all(|b| b.is_ascii_hexdigit())
        && (3..=5).contains(&role.len())
        && role.bytes().all(|b| b.is_ascii_uppercase())
        && date.len() == 8
        && date.bytes().all(|b| b.is_ascii_digit())
        && !tail.is_empty()
        && tail.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then_some((number, dip_id, role))
}

/// Whether a sender unique reference has the DT-995 form; why not, when it does not.
pub fn check_sender_reference_form(reference: &str) -> Result<(), String> {
    if dt995(reference).is_some() {
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
    let Some((named_number, named_dip_id, named_role)) = dt995(reference) else {
        return Err(not_dt995(reference));
    };
    let number = interface.rsplit('-').next().unwrap_or_default();
    if named_number != number {
        return Err(format!(
            "{reference:?} names interface {named_number} but the message is {interface}"
        ));
    }
    if !named_dip_id.eq_ignore_ascii_case(dip_id) {
        return Err(format!(
            "{reference:?} names DIP ID {named_dip_id} but S1.senderDIPID is {dip_id}"
        ));
    }
    if named_role != role {
        return Err(format!(
            "{reference:?} names role {named_role} but S1.senderRoleID is {role}"
        ));
    }
    Ok(())
}

/// Every rule finding of one payload; `prefix` is the payload's pointer in the body.
pub fn check_payload(payload: &Value, prefix: &str) -> Vec<Finding> {
    let common = payload.get("CommonBlock");
    let s0 = common.and_then(|c| c.get("S0"));
    let interface = s0
        .and_then(|s| s.get("interfaceID"))
        .and_then(Value::as_str);
    let event = s0.and_then(|s| s.get("eventCode")).and_then(Value::as_str);
    let mut out = Vec::new();
    let mut push = |kind: FindingKind, rule: &str, pointer: String, message: String| {
        out.push(Finding {
            kind,
            rule: rule.to_owned(),
            interface: interface.map(str::to_owned),
            event: event.map(str::to_owned),
            pointer,
            message,
        });
    };
    walk(
        payload,
        &mut Vec::with_capacity(16),
        None,
        &mut |kind, s, path| match kind {
            Field::DateTime => {
                if s.len() == 25 && parse_dt003(s).is_none() {
                    push(
                        FindingKind::Rule,
                        DATETIME_FORM,
                        pointer(prefix, path),
                        format!("{s:?} is not a DT-003 date-time YYYY-MM-DDThh:mm:ss+hh:mm"),
                    );
                }
            }
            Field::DipId => {
                if s.len() == 10 && !s.bytes().all(|b| b.is_ascii_digit()) {
                    push(
                        FindingKind::Rule,
                        DIP_ID_DIGITS,
                        pointer(prefix, path),
                        format!("{s:?} is not a DIP ID of ten digits"),
                    );
                }
            }
            Field::Mpan => {
                if s.len() == 13
                    && s.bytes().all(|b| b.is_ascii_digit())
                    && let Err(e @ MpanError::CheckDigit { .. }) = Mpan::parse(s)
                {
                    push(
                        FindingKind::Rule,
                        MPAN_CHECK_DIGIT,
                        pointer(prefix, path),
                        e.to_string(),
                    );
                }
            }
            Field::Other => {}
        },
    );
    for block in ["M0", "M1"] {
        let Some(m) = common.and_then(|c| c.get(block)) else {
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
    if let (Some(s1), Some(interface)) = (common.and_then(|c| c.get("S1")), interface) {
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

/// What a field is, by its key: a date-time (`...Timestamp`, `...DateTime`, `...Date`), a DIP
/// ID (`...DIPID`, the recipient lists), an MPAN (`MPANCore`, `...MPAN`), or none of these.
/// The last byte is looked at first, so that most keys cost one comparison.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    DateTime,
    DipId,
    Mpan,
    Other,
}

#[inline]
fn field(key: &str) -> Field {
    match key.as_bytes().last() {
        Some(b'p') if key.ends_with("Timestamp") => Field::DateTime,
        Some(b'e') if key.ends_with("Date") || key.ends_with("DateTime") => Field::DateTime,
        Some(b'e') if key == "MPANCore" => Field::Mpan,
        Some(b'D') if key.ends_with("DIPID") => Field::DipId,
        Some(b's') if matches!(key, "primaryRecipients" | "secondaryRecipients" | "always") => {
            Field::DipId
        }
        Some(b'N') if key.ends_with("MPAN") => Field::Mpan,
        _ => Field::Other,
    }
}

/// One step of a JSON pointer.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON pointer of `path` under `prefix`, built only when a finding needs it.
fn pointer(prefix: &str, path: &[Step<'_>]) -> String {
    let mut p = prefix.to_owned();
    for step in path {
        match step {
            Step::Key(k) if k.contains(['~', '/']) => {
                p.push('/');
                p.push_str(&k.replace('~', "~0").replace('/', "~1"));
            }
            Step::Key(k) => {
                p.push('/');
                p.push_str(k);
            }
            Step::Index(i) => {
                let _ = write!(p, "/{i}");
            }
        }
    }
    p
}

/// Visits every string under a key the rules look at (an array's items under the array's
/// key), with what the key names and the string's path. The path is a stack of steps, turned
/// into a pointer only for a finding, and a string under any other key costs one look at its
/// key's last byte.
fn walk<'a>(
    value: &'a Value,
    path: &mut Vec<Step<'a>>,
    key: Option<&'a str>,
    f: &mut impl FnMut(Field, &str, &[Step<'a>]),
) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) => {
                        let kind = field(k);
                        if kind != Field::Other {
                            path.push(Step::Key(k));
                            f(kind, s, path);
                            path.pop();
                        }
                    }
                    Value::Object(_) | Value::Array(_) => {
                        path.push(Step::Key(k));
                        walk(v, path, Some(k), f);
                        path.pop();
                    }
                    _ => {}
                }
            }
        }
        Value::Array(items) => {
            let kind = key.map_or(Field::Other, field);
            for (i, v) in items.iter().enumerate() {
                match v {
                    Value::String(s) if kind != Field::Other => {
                        path.push(Step::Index(i));
                        f(kind, s, path);
                        path.pop();
                    }
                    Value::Object(_) | Value::Array(_) => {
                        path.push(Step::Index(i));
                        walk(v, path, key, f);
                        path.pop();
                    }
                    _ => {}
                }
            }
        }
        _ => {}
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

    /// The DT-003 check as it was: the regex, then RFC 3339.
    fn dt003_by_regex(s: &str) -> Option<OffsetDateTime> {
        static FORM: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
                .expect("valid regex")
        });
        if !FORM.is_match(s) {
            return None;
        }
        OffsetDateTime::parse(s, &Rfc3339).ok()
    }

    #[test]
    fn dt003_by_hand_agrees_with_the_regex() {
        let bases = [
            "2026-03-21T19:05:00+01:00",
            "2024-02-29T23:59:60+00:00",
            "2026-12-31T23:59:60-00:00",
            "2026-06-30T23:59:60+01:00",
            "0000-01-01T00:00:00+23:59",
            "9999-12-31T23:59:59-23:59",
            "2026-02-29T00:00:00+00:00",
            "2026-04-31T00:00:00+00:00",
            "2026-03-21T24:00:00+00:00",
            "2026-03-21T23:60:00+00:00",
            "2026-03-21T23:59:61+00:00",
            "2026-03-21T12:00:00+24:00",
            "2026-03-21T12:00:00+23:60",
            "2026-13-01T00:00:00+00:00",
            "2026-00-10T00:00:00+00:00",
            "2026-03-21T19:05:00.5+01:0",
            "2026-03-21T19:05:00Z",
            "2026-03-21 19:05:00+01:00",
        ];
        let replacements = [
            '0', '1', '2', '3', '5', '6', '9', '-', '+', ':', 'T', 't', 'Z', 'z', ' ', '.',
            '\u{663}', '\u{ff11}',
        ];
        let mut checked = 0;
        for base in bases {
            let chars: Vec<char> = base.chars().collect();
            let mut cases = vec![
                base.to_owned(),
                format!("{base}0"),
                format!("0{base}"),
                base[..base.len() - 1].to_owned(),
            ];
            for i in 0..chars.len() {
                for r in replacements {
                    let mut c = chars.clone();
                    c[i] = r;
                    cases.push(c.into_iter().collect());
                }
            }
            for s in cases {
                assert_eq!(parse_dt003(&s), dt003_by_regex(&s), "{s:?}");
                checked += 1;
            }
        }
        assert!(checked > 8_000, "{checked}");
        assert!(
            parse_dt003("2026-03-21T23:59:60+00:00").is_none(),
            "not a month's end"
        );
        assert!(
            parse_dt003("2026-12-31T23:59:60+00:00").is_some(),
            "a leap second"
        );
    }

    #[test]
    fn dt003_seconds_agree_with_the_instant() {
        let mut checked = 0;
        for year in [
            "0000", "0001", "1900", "1970", "2000", "2024", "2026", "2100", "9999",
        ] {
            for month in 0..=13 {
                for day in [0, 1, 28, 29, 30, 31, 32] {
                    for (time, offset) in [
                        ("00:00:00", "+00:00"),
                        ("23:59:59", "-23:59"),
                        ("12:30:00", "+01:00"),
                        ("00:00:00", "+23:59"),
                        ("23:59:60", "+00:00"),
                        ("24:00:00", "+00:00"),
                        ("12:60:00", "-00:30"),
                        ("12:00:00", "+24:00"),
                        ("12:00:00", "+05:60"),
                    ] {
                        let s = format!("{year}-{month:02}-{day:02}T{time}{offset}");
                        assert_eq!(
                            dt003_seconds(&s),
                            parse_dt003(&s).map(OffsetDateTime::unix_timestamp),
                            "{s}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 7_000);
        assert_eq!(dt003_seconds("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(
            dt003_seconds("2026-07-01T00:00:00+01:00"),
            Some(1_782_860_400)
        );
        assert_eq!(dt003_seconds("2026-07-01 00:00:00+01:00"), None);
    }

    #[test]
    fn dt995_by_hand_agrees_with_the_regex() {
        let parts = |r: &str| {
            DT995
                .captures(r)
                .map(|c| (c[3].to_owned(), c[4].to_owned(), c[5].to_owned()))
        };
        let bases = [
            "S-IF-031-2300000001-SUP-20260321-1a",
            "S-REP-0123-abcdefABCD-ECSAA-20260321-Z9",
            "S-031-2300000001-SUP-20260321-x",
        ];
        let mut checked = 0;
        for base in bases {
            let chars: Vec<char> = base.chars().collect();
            let mut cases = vec![base.to_owned(), format!("{base}-"), format!("{base}\n")];
            for i in 0..chars.len() {
                for r in ['0', 'a', 'A', 'g', 'G', '-', 'S', 'I', ' ', '\u{663}'] {
                    let mut c = chars.clone();
                    c[i] = r;
                    cases.push(c.iter().collect());
                    c.insert(i, r);
                    cases.push(c.iter().collect());
                    c.remove(i);
                    c.remove(i);
                    cases.push(c.into_iter().collect());
                }
            }
            for r in cases {
                let hand = dt995(&r).map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
                assert_eq!(hand, parts(&r), "{r:?}");
                checked += 1;
            }
        }
        assert!(checked > 1_500, "{checked}");
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
