//! Which connection types and meter types fit which market segment: a data table
//! (`schemas/market/segment-derivation.json`, embedded), not Rust literals, so that the data
//! working group can read and correct it without reading code.
//!
//! The generator draws only combinations the table calls consistent; `mhhs-qual data check`
//! reports the others. Where the sources do not settle a combination the verdict is
//! [`Verdict::NeedsReview`], never a guess: a combination no rule matches needs review too.

use std::sync::OnceLock;

use serde::Deserialize;

const TABLE: &str = include_str!("../../schemas/market/segment-derivation.json");

/// What the table says about a (segment, connection type, meter type) combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Consistent,
    Inconsistent,
    NeedsReview,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Group {
    members: Vec<String>,
    #[serde(default)]
    esme_guid: bool,
}

/// One row of the table.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    pub segments: Vec<String>,
    pub connection_types: Vec<String>,
    pub meter_type_groups: Vec<String>,
    pub verdict: Verdict,
    pub basis: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    meter_type_groups: std::collections::BTreeMap<String, Group>,
    rules: Vec<Rule>,
}

/// The segment derivation table.
#[derive(Debug)]
pub struct Derivation {
    /// (meter type, group name, whether the meter has an ESME GUID)
    meter_types: Vec<(String, String, bool)>,
    rules: Vec<Rule>,
}

/// The answer for one combination, with the basis of the rule that gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement<'a> {
    pub verdict: Verdict,
    pub basis: &'a str,
}

impl Derivation {
    /// The shipped table (parsed once).
    pub fn shipped() -> &'static Self {
        static CELL: OnceLock<Derivation> = OnceLock::new();
        CELL.get_or_init(|| Self::parse(TABLE).expect("the shipped derivation table parses"))
    }

    /// Parses a table.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        let raw: Raw = serde_json::from_str(text)?;
        let mut meter_types = Vec::new();
        for (name, g) in raw.meter_type_groups {
            for m in g.members {
                meter_types.push((m, name.clone(), g.esme_guid));
            }
        }
        Ok(Self {
            meter_types,
            rules: raw.rules,
        })
    }

    /// The group of a meter type (`""` for none), if the table knows it.
    pub fn group_of(&self, meter_type: &str) -> Option<&str> {
        self.meter_types
            .iter()
            .find(|(m, _, _)| m == meter_type)
            .map(|(_, g, _)| g.as_str())
    }

    /// Whether meters of this type carry an ESME GUID (smart meters).
    pub fn has_esme_guid(&self, meter_type: &str) -> bool {
        self.meter_types
            .iter()
            .any(|(m, _, guid)| m == meter_type && *guid)
    }

    /// The verdict on a combination; `meter_type` is `""` when there is none.
    pub fn judge(&self, segment: &str, connection_type: &str, meter_type: &str) -> Judgement<'_> {
        let group = self.group_of(meter_type);
        for r in &self.rules {
            if r.segments.iter().any(|s| s == segment)
                && r.connection_types.iter().any(|c| c == connection_type)
                && group.is_some_and(|g| r.meter_type_groups.iter().any(|x| x == g))
            {
                return Judgement {
                    verdict: r.verdict,
                    basis: &r.basis,
                };
            }
        }
        Judgement {
            verdict: Verdict::NeedsReview,
            basis: "no rule of the segment derivation table settles this combination",
        }
    }

    /// Every (connection type, meter type) the table calls consistent for a segment, in a
    /// stable order: what the generator draws from.
    pub fn consistent_for(&self, segment: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for r in &self.rules {
            if r.verdict != Verdict::Consistent || !r.segments.iter().any(|s| s == segment) {
                continue;
            }
            for c in &r.connection_types {
                for (m, g, _) in &self.meter_types {
                    if r.meter_type_groups.contains(g)
                        && self.judge(segment, c, m).verdict == Verdict::Consistent
                    {
                        out.push((c.clone(), m.clone()));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_settles_the_clear_cases_and_leaves_the_rest_for_review() {
        let d = Derivation::shipped();
        assert_eq!(d.judge("U", "U", "").verdict, Verdict::Consistent);
        assert_eq!(d.judge("S", "W", "S2ADE").verdict, Verdict::Consistent);
        assert_eq!(d.judge("S", "W", "N").verdict, Verdict::Consistent);
        assert_eq!(d.judge("A", "L", "H").verdict, Verdict::Consistent);
        assert_eq!(d.judge("U", "W", "").verdict, Verdict::Inconsistent);
        assert_eq!(d.judge("U", "U", "S1").verdict, Verdict::Inconsistent);
        assert_eq!(d.judge("S", "U", "S1").verdict, Verdict::Inconsistent);
        // Not settled by the sources: review, not a guess.
        assert_eq!(d.judge("S", "L", "S1").verdict, Verdict::NeedsReview);
        assert_eq!(d.judge("A", "W", "NCAMR").verdict, Verdict::NeedsReview);
        assert_eq!(d.judge("S", "W", "NCAMR").verdict, Verdict::NeedsReview);
    }

    #[test]
    fn every_catalogue_meter_type_has_a_group_and_every_segment_a_consistent_combination() {
        let d = Derivation::shipped();
        for m in crate::market::Catalogue::shipped().meter_types() {
            assert!(d.group_of(m).is_some(), "{m}");
        }
        for s in ["S", "A", "U"] {
            assert!(!d.consistent_for(s).is_empty(), "{s}");
        }
        assert!(d.has_esme_guid("S2A") && !d.has_esme_guid("H"));
    }
}
