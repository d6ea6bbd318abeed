//! The allowed values of the typed parameters, read from the shipped data: interfaces,
//! publications and event codes from `schemas/catalogue.json`, roles from `schemas/roles.json`,
//! response codes from `schemas/response-codes.json`; segments and others from the
//! parameter's own pattern (`steps/params.rs`).

use std::collections::BTreeSet;

use crate::schema::Catalogue;

/// At most this many allowed values are listed in a message; beyond, the closest are.
const LIST_ALL_UP_TO: usize = 20;

/// The allowed values of each typed parameter.
#[derive(Debug, Clone)]
pub struct Values {
    catalogue: Catalogue,
    roles: Vec<String>,
    codes: Vec<String>,
    /// Each custom parameter's pattern, whole-value.
    patterns: Vec<(String, regex::Regex)>,
}

impl Values {
    /// The values the shipped schemas allow.
    pub fn shipped() -> Self {
        let catalogue = crate::embedded::file("schemas/catalogue.json")
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(Catalogue {
                interfaces: Vec::new(),
            });
        let codes = crate::embedded::file("schemas/response-codes.json")
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|v| {
                v.get("codes")
                    .and_then(serde_json::Value::as_object)
                    .map(|o| o.keys().cloned().collect())
            })
            .unwrap_or_default();
        let patterns = crate::steps::PARAMETERS
            .iter()
            .filter_map(|(n, r)| {
                regex::Regex::new(&format!("^(?:{r})$"))
                    .ok()
                    .map(|re| ((*n).to_owned(), re))
            })
            .collect();
        Self {
            catalogue,
            roles: crate::market::roles::codes().map(str::to_owned).collect(),
            codes,
            patterns,
        }
    }

    fn fits(&self, param: &str, value: &str) -> bool {
        self.patterns
            .iter()
            .find(|(n, _)| n == param)
            .is_none_or(|(_, re)| re.is_match(value))
    }

    /// What is wrong with `value` as a `param`, with the allowed values; `None` when it is
    /// allowed or the parameter has no list of its own. `step` holds the step's other values
    /// (an event is judged against the step's interface or publication).
    pub fn judge(&self, param: &str, value: &str, step: &[(String, String)]) -> Option<String> {
        match param {
            "interface" => {
                let ids: Vec<&str> = self
                    .catalogue
                    .interfaces
                    .iter()
                    .map(|i| i.id.as_str())
                    .filter(|id| self.fits(param, id))
                    .collect();
                unknown("interface", value, &ids, "schemas/catalogue.json")
            }
            "publication" => {
                let ids: Vec<&str> = self
                    .catalogue
                    .interfaces
                    .iter()
                    .filter_map(|i| i.publication.as_deref())
                    .filter(|id| self.fits(param, id))
                    .collect();
                unknown("publication", value, &ids, "schemas/catalogue.json")
            }
            "event" => self.judge_event(value, step),
            "role" => {
                let roles: Vec<&str> = self
                    .roles
                    .iter()
                    .map(String::as_str)
                    .filter(|r| self.fits(param, r))
                    .collect();
                unknown("role", value, &roles, "schemas/roles.json")
            }
            "code" => {
                let codes: Vec<&str> = self
                    .codes
                    .iter()
                    .map(String::as_str)
                    .filter(|c| self.fits(param, c))
                    .collect();
                unknown(
                    "response code",
                    value,
                    &codes,
                    "schemas/response-codes.json",
                )
            }
            "int" => value
                .parse::<i64>()
                .is_err()
                .then(|| format!("{value:?} is not a whole number")),
            _ => {
                let (_, re) = self.patterns.iter().find(|(n, _)| n == param)?;
                let pattern = re
                    .as_str()
                    .trim_start_matches("^(?:")
                    .trim_end_matches(")$");
                let allowed = literal_alternatives(pattern)?;
                let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
                unknown(param, value, &allowed, "steps/params.rs")
            }
        }
    }

    fn judge_event(&self, value: &str, step: &[(String, String)]) -> Option<String> {
        if !(value.starts_with('[') && value.ends_with(']')) {
            return Some(format!(
                "event code {value:?} is written with its brackets: [{}]",
                value.trim_matches(['[', ']'])
            ));
        }
        let interface = step
            .iter()
            .find(|(n, _)| n == "interface" || n == "publication")
            .and_then(|(_, id)| self.catalogue.get(id).map(|i| (id, i)));
        if let Some((id, i)) = interface {
            let codes: Vec<&str> = i.event_codes.iter().map(String::as_str).collect();
            if codes.contains(&value) {
                return None;
            }
            return Some(format!(
                "{value} is not an event code of {id} ({}); allowed: {}",
                i.name,
                codes.join(", ")
            ));
        }
        let all: BTreeSet<&str> = self
            .catalogue
            .interfaces
            .iter()
            .flat_map(|i| i.event_codes.iter().map(String::as_str))
            .collect();
        let all: Vec<&str> = all.into_iter().collect();
        unknown("event code", value, &all, "schemas/catalogue.json")
    }
}

/// `unknown role "MMS"; allowed: SUP, MSS ...` when `value` is not among `allowed`.
fn unknown(what: &str, value: &str, allowed: &[&str], source: &str) -> Option<String> {
    if allowed.contains(&value) {
        return None;
    }
    if allowed.len() <= LIST_ALL_UP_TO {
        return Some(format!(
            "unknown {what} {value:?}; allowed: {} ({source})",
            allowed.join(", ")
        ));
    }
    let mut scored: Vec<(usize, &str)> = allowed
        .iter()
        .map(|a| (strsim::levenshtein(value, a), *a))
        .collect();
    scored.sort_unstable();
    let closest: Vec<&str> = scored.iter().take(3).map(|(_, a)| *a).collect();
    Some(format!(
        "unknown {what} {value:?}; closest allowed: {} (all {} in {source})",
        closest.join(", "),
        allowed.len()
    ))
}

/// The words of a pattern that is only an alternation of literal words (`smart|advanced`).
fn literal_alternatives(pattern: &str) -> Option<Vec<String>> {
    let words: Vec<String> = pattern.split('|').map(str::to_owned).collect();
    words
        .iter()
        .all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .then_some(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Values {
        Values::shipped()
    }

    #[test]
    fn each_typed_parameter_is_judged_against_its_list() {
        let v = v();
        let none: &[(String, String)] = &[];
        assert_eq!(v.judge("interface", "IF-031", none), None);
        assert!(
            v.judge("interface", "IF-999", none)
                .unwrap()
                .starts_with("unknown interface \"IF-999\"; closest allowed: IF-009")
        );
        assert_eq!(v.judge("publication", "PUB-002", none), None);
        assert!(v.judge("publication", "PUB-999", none).is_some());
        assert_eq!(v.judge("role", "MSS", none), None);
        assert!(
            v.judge("role", "MMS", none)
                .unwrap()
                .contains("allowed: SUP, MSS, MSA")
        );
        assert_eq!(v.judge("segment", "smart", none), None);
        assert_eq!(
            v.judge("segment", "smrt", none).unwrap(),
            "unknown segment \"smrt\"; allowed: smart, advanced, unmetered (steps/params.rs)"
        );
        assert_eq!(v.judge("code", "RCP0000", none), None);
        assert!(v.judge("code", "RCP0001", none).is_some());
        // Codes outside the parameter's pattern are not allowed, even when the file has them.
        assert!(v.judge("code", "REG0001", none).is_some());
        assert_eq!(v.judge("int", "201", none), None);
        assert!(v.judge("int", "2o1", none).is_some());
        assert_eq!(v.judge("word", "anything", none), None);
    }

    #[test]
    fn an_event_is_judged_against_the_steps_interface() {
        let v = v();
        let step = [
            ("publication".to_owned(), "PUB-002".to_owned()),
            ("event".to_owned(), "[MSApp]".to_owned()),
        ];
        assert_eq!(
            v.judge("event", "[MSApp]", &step).unwrap(),
            "[MSApp] is not an event code of PUB-002 (Registration Update to Supplier (COS Gain)); allowed: [GainMPANInfo]"
        );
        assert_eq!(v.judge("event", "[GainMPANInfo]", &step), None);
        assert_eq!(v.judge("event", "[MSApp]", &[]), None);
        assert!(
            v.judge("event", "MSApp", &[])
                .unwrap()
                .contains("with its brackets: [MSApp]")
        );
    }
}
