//! The rules, and the checks of one row (the cross-row rules live in `index.rs`).
//!
//! Each defect is reported under one rule only: a rule whose input another rule already
//! found wrong (an MPAN that is not 13 digits has no check digit to test; a value outside
//! its enumeration has no segment derivation) stays silent, so that a count per rule counts
//! defects.

use std::fmt;

use super::columns::Field;
use crate::market::{Catalogue, Derivation, Item, Verdict, check_digit, gsp_group_for};

/// A data-quality rule (or a problem with the input itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    MpanFormat,
    MpanCheckDigit,
    DistributorGsp,
    MsnMultipleMpans,
    GuidFormat,
    GuidOneToOne,
    SegmentMismatch,
    SegmentNeedsReview,
    MandatoryMissing,
    Enumeration,
    /// The input was not whole: wrong number of columns, invalid UTF-8, a line over the
    /// bound, an empty file, a header that does not match the column map.
    Input,
}

impl Rule {
    pub const ALL: [Self; 11] = [
        Self::MpanFormat,
        Self::MpanCheckDigit,
        Self::DistributorGsp,
        Self::MsnMultipleMpans,
        Self::GuidFormat,
        Self::GuidOneToOne,
        Self::SegmentMismatch,
        Self::SegmentNeedsReview,
        Self::MandatoryMissing,
        Self::Enumeration,
        Self::Input,
    ];

    /// The id in findings and reports.
    pub fn id(self) -> &'static str {
        match self {
            Self::MpanFormat => "mpan-format",
            Self::MpanCheckDigit => "mpan-check-digit",
            Self::DistributorGsp => "distributor-gsp",
            Self::MsnMultipleMpans => "msn-multiple-mpans",
            Self::GuidFormat => "guid-format",
            Self::GuidOneToOne => "guid-one-to-one",
            Self::SegmentMismatch => "segment-mismatch",
            Self::SegmentNeedsReview => "segment-needs-review",
            Self::MandatoryMissing => "mandatory-missing",
            Self::Enumeration => "enumeration",
            Self::Input => "input",
        }
    }

    /// What the rule checks.
    pub fn description(self) -> &'static str {
        match self {
            Self::MpanFormat => "MPAN core is 13 digits (DT-002)",
            Self::MpanCheckDigit => "MPAN core check digit is right",
            Self::DistributorGsp => "MPAN distributor id serves the GSP group",
            Self::MsnMultipleMpans => "a meter id (MSN) is on one MPAN only",
            Self::GuidFormat => "ESME GUID is eight hyphenated hex octets (DI-085)",
            Self::GuidOneToOne => "ESME GUID, MSN and MPAN are linked one to one",
            Self::SegmentMismatch => {
                "connection type and meter type fit the market segment (derivation table)"
            }
            Self::SegmentNeedsReview => {
                "combinations the derivation table's sources do not settle: needs review"
            }
            Self::MandatoryMissing => "mandatory items are present",
            Self::Enumeration => "values are in the DIP data catalogue's enumerations",
            Self::Input => "the input is whole and readable",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One finding about one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The line the row starts on (the header is line 1).
    pub row: u64,
    /// The column name, empty for findings about the whole row or file.
    pub column: String,
    pub rule: Rule,
    pub value: String,
    pub message: String,
}

/// A row's values by [`Field`] (empty when the column is missing or the value is empty).
pub type Values<'a> = [&'a str; 8];

fn get<'a>(v: &Values<'a>, f: Field) -> &'a str {
    v[f.index()]
}

/// Whether a value is an ESME GUID: eight hex octets separated by hyphens.
pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 23
        && b.iter().enumerate().all(|(i, c)| {
            if i % 3 == 2 {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Runs the single-row rules, calling `report(rule, field, message)` for each finding.
pub fn check_row(v: &Values<'_>, present: [bool; 8], mut report: impl FnMut(Rule, Field, String)) {
    let cat = Catalogue::shipped();
    let segment = get(v, Field::MarketSegment);
    let metered = matches!(segment, "S" | "A");
    // Mandatory items.
    for f in Field::ALL {
        let mandatory = match f {
            Field::Mpan
            | Field::GspGroup
            | Field::MarketSegment
            | Field::ConnectionType
            | Field::EnergisationStatus => true,
            Field::MeterId | Field::MeterType => metered,
            Field::EsmeGuid => false,
        };
        if mandatory && present[f.index()] && get(v, f).is_empty() {
            let why = if matches!(f, Field::MeterId | Field::MeterType) {
                format!("{f} is mandatory for market segment {segment}")
            } else {
                format!("{f} is mandatory")
            };
            report(Rule::MandatoryMissing, f, why);
        }
    }
    // Enumerations.
    let enums = [
        (Field::MarketSegment, Item::MarketSegment),
        (Field::ConnectionType, Item::ConnectionType),
        (Field::EnergisationStatus, Item::EnergisationStatus),
        (Field::GspGroup, Item::GspGroup),
        (Field::MeterType, Item::MeterType),
    ];
    let mut enum_ok = [true; 8];
    for (f, item) in enums {
        let value = get(v, f);
        if !value.is_empty() && !cat.allows(item, value) {
            enum_ok[f.index()] = false;
            report(
                Rule::Enumeration,
                f,
                format!(
                    "{value:?} is not a {} value ({})",
                    item.data_item(),
                    cat.values(item).join(" ")
                ),
            );
        }
    }
    // MPAN.
    let mpan = get(v, Field::Mpan);
    if !mpan.is_empty() {
        let bytes = mpan.as_bytes();
        if bytes.len() != 13 || !bytes.iter().all(u8::is_ascii_digit) {
            report(
                Rule::MpanFormat,
                Field::Mpan,
                "MPAN core is not 13 digits".into(),
            );
        } else {
            let expected = check_digit(&mpan[..12]).expect("twelve digits");
            let found = u32::from(bytes[12] - b'0');
            if found != expected {
                report(
                    Rule::MpanCheckDigit,
                    Field::Mpan,
                    format!("check digit is {found}, expected {expected}"),
                );
            }
            let distributor: u8 = mpan[..2].parse().expect("two digits");
            let gsp = get(v, Field::GspGroup);
            match gsp_group_for(distributor) {
                None => report(
                    Rule::DistributorGsp,
                    Field::Mpan,
                    format!("distributor id {distributor:02} is not a GB distributor (10-23)"),
                ),
                Some(g) if !gsp.is_empty() && enum_ok[Field::GspGroup.index()] && g != gsp => {
                    report(
                        Rule::DistributorGsp,
                        Field::GspGroup,
                        format!("distributor id {distributor:02} serves GSP group {g}, not {gsp}"),
                    );
                }
                Some(_) => {}
            }
        }
    }
    // GUID format.
    let guid = get(v, Field::EsmeGuid);
    if !guid.is_empty() && !is_guid(guid) {
        report(
            Rule::GuidFormat,
            Field::EsmeGuid,
            "not an ESME GUID (eight hex octets separated by hyphens, e.g. 0C-A2-F4-00-00-76-21-BC)"
                .into(),
        );
    }
    // Segment derivation, when its inputs are known and valid.
    let connection = get(v, Field::ConnectionType);
    let meter_type = get(v, Field::MeterType);
    let known = |f: Field| present[f.index()] && enum_ok[f.index()];
    if !segment.is_empty()
        && !connection.is_empty()
        && known(Field::MarketSegment)
        && known(Field::ConnectionType)
        && known(Field::MeterType)
        && !(metered && meter_type.is_empty())
    {
        let j = Derivation::shipped().judge(segment, connection, meter_type);
        let combination = format!(
            "segment {segment}, connection type {connection}, meter type {}",
            if meter_type.is_empty() {
                "none"
            } else {
                meter_type
            }
        );
        match j.verdict {
            Verdict::Consistent => {}
            Verdict::Inconsistent => report(
                Rule::SegmentMismatch,
                Field::MarketSegment,
                format!("{combination}: inconsistent ({})", j.basis),
            ),
            Verdict::NeedsReview => report(
                Rule::SegmentNeedsReview,
                Field::MarketSegment,
                format!("{combination}: needs review ({})", j.basis),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: Values<'_>) -> Vec<(Rule, Field)> {
        let mut out = Vec::new();
        check_row(&v, [true; 8], |r, f, _| out.push((r, f)));
        out
    }

    const GOOD: Values<'static> = [
        "2000056535971",
        "_H",
        "S",
        "W",
        "S2ADE",
        "E",
        "ZZ99Z12345",
        "0C-A2-F4-00-00-76-21-BC",
    ];

    fn with(f: Field, value: &'static str) -> Values<'static> {
        let mut v = GOOD;
        v[f.index()] = value;
        v
    }

    #[test]
    fn a_good_row_has_no_findings() {
        assert_eq!(run(GOOD), []);
    }

    #[test]
    fn each_rule_fires_alone() {
        use Field as F;
        use Rule as R;
        let cases: [(Values<'static>, (Rule, Field)); 10] = [
            (with(F::Mpan, "20000565359"), (R::MpanFormat, F::Mpan)),
            (with(F::Mpan, "2000056535972"), (R::MpanCheckDigit, F::Mpan)),
            (with(F::GspGroup, "_A"), (R::DistributorGsp, F::GspGroup)),
            (with(F::Mpan, "9900000000015"), (R::DistributorGsp, F::Mpan)),
            (
                with(F::EsmeGuid, "0C-A2-F4-00-00-76-21"),
                (R::GuidFormat, F::EsmeGuid),
            ),
            (
                with(F::ConnectionType, "U"),
                (R::SegmentMismatch, F::MarketSegment),
            ),
            (
                with(F::ConnectionType, "L"),
                (R::SegmentNeedsReview, F::MarketSegment),
            ),
            (with(F::MeterId, ""), (R::MandatoryMissing, F::MeterId)),
            (
                with(F::EnergisationStatus, "X"),
                (R::Enumeration, F::EnergisationStatus),
            ),
            (with(F::MeterType, "S2"), (R::Enumeration, F::MeterType)),
        ];
        for (v, expected) in cases {
            assert_eq!(run(v), [expected], "{v:?}");
        }
    }

    #[test]
    fn published_mpans_check_as_documented() {
        // DOMAIN.md 3.2: 2000056535971 and 1900012374324 valid; the others not.
        let row = |mpan: &'static str, gsp: &'static str| {
            let mut v = with(Field::Mpan, mpan);
            v[Field::GspGroup.index()] = gsp;
            run(v)
        };
        assert_eq!(row("2000056535971", "_H"), []);
        assert_eq!(row("1900012374324", "_J"), []);
        for bad in ["2000056535972", "1315001165123", "1234567890123"] {
            let gsp = gsp_group_for(bad[..2].parse().unwrap()).unwrap_or("_A");
            assert_eq!(
                row(bad, gsp),
                [(Rule::MpanCheckDigit, Field::Mpan)],
                "{bad}"
            );
        }
    }

    #[test]
    fn guid_shape() {
        assert!(is_guid("0C-A2-F4-00-00-76-21-BC"));
        assert!(!is_guid("0C-A2-F4-00-00-76-21-BG"));
        assert!(!is_guid("0CA2F400007621BC"));
    }
}
