//! A compiled schema set: the catalogue and one validator per event variant, compiled once.
//!
//! The set comes from the schemas shipped in the binary or from a folder of one's own
//! (`--schemas DIR`). Cross-file `$ref`s resolve through a registry keyed by each file's
//! `$id`, so nothing is fetched from the network.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use jsonschema::paths::Location;
use jsonschema::{
    Draft, Keyword, Registry, Resource, ValidationError, Validator, error::ValidationErrorKind,
};
use serde_json::{Map, Value};

use super::{Catalogue, Finding, FindingKind};
use crate::embedded;

/// Why a schema set could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("cannot read schema folder {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: not valid JSON: {message}")]
    Json {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("catalogue.json is missing from the schema set")]
    NoCatalogue,
}

/// The compiled schemas.
pub struct SchemaSet {
    catalogue: Catalogue,
    /// Validators by interface, then event code (looked up without allocating).
    variants: HashMap<String, HashMap<String, Validator>>,
    ingress: Validator,
    egress: Validator,
    standard_response: Validator,
    /// The schema documents, by path relative to the folder, for [`SchemaSet::defines`].
    docs: HashMap<String, Value>,
}

impl std::fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaSet")
            .field("variants", &self.variant_count())
            .finish_non_exhaustive()
    }
}

static EMBEDDED: LazyLock<Result<Arc<SchemaSet>, String>> = LazyLock::new(|| {
    let files = embedded::under("schemas/")
        .map(|(p, c)| (p.trim_start_matches("schemas/").to_owned(), c.to_owned()))
        .collect();
    SchemaSet::compile(files)
        .map(Arc::new)
        .map_err(|e| e.to_string())
});

impl SchemaSet {
    /// The schemas shipped in the binary, compiled once per process.
    pub fn embedded() -> Result<Arc<Self>, SchemaError> {
        EMBEDDED.clone().map_err(|message| SchemaError::Invalid {
            path: "schemas/".into(),
            message,
        })
    }

    /// The schemas of a folder laid out like `schemas/`.
    pub fn from_dir(dir: &Path) -> Result<Self, SchemaError> {
        Self::compile(read_folder(dir)?)
    }

    fn compile(files: Vec<(String, String)>) -> Result<Self, SchemaError> {
        let mut docs: HashMap<String, Value> = HashMap::new();
        for (path, text) in files {
            if !path.to_ascii_lowercase().ends_with(".json") || path.starts_with("examples/") {
                continue;
            }
            let value: Value = serde_json::from_str(&text).map_err(|e| SchemaError::Json {
                path: path.clone(),
                line: e.line(),
                message: e.to_string(),
            })?;
            docs.insert(path, value);
        }
        let catalogue: Catalogue = serde_json::from_value(
            docs.get("catalogue.json")
                .cloned()
                .ok_or(SchemaError::NoCatalogue)?,
        )
        .map_err(|e| SchemaError::Invalid {
            path: "catalogue.json".into(),
            message: e.to_string(),
        })?;
        let resources: Vec<(String, Resource)> = docs
            .iter()
            .filter_map(|(path, doc)| {
                let id = doc.get("$id")?.as_str()?.to_owned();
                let _ = path;
                Some((id, Resource::from_contents(doc.clone())))
            })
            .collect();
        let registry = Registry::new()
            .extend(resources)
            .and_then(jsonschema::RegistryBuilder::prepare)
            .map_err(|e| SchemaError::Invalid {
                path: "schemas/".into(),
                message: e.to_string(),
            })?;
        let build = |path: &str, pointer: Option<&str>| -> Result<Validator, SchemaError> {
            let doc = docs.get(path).ok_or_else(|| SchemaError::Invalid {
                path: path.to_owned(),
                message: "file not found".into(),
            })?;
            let schema = match pointer {
                Some(p) => {
                    let id = doc.get("$id").and_then(Value::as_str).unwrap_or_default();
                    serde_json::json!({ "$ref": format!("{id}#{p}") })
                }
                None => doc.clone(),
            };
            jsonschema::options()
                .with_draft(Draft::Draft202012)
                .with_registry(&registry)
                .with_keyword("pattern", pattern_keyword)
                .build(&schema)
                .map_err(|e| SchemaError::Invalid {
                    path: path.to_owned(),
                    message: format!("does not compile: {e}"),
                })
        };
        let mut variants: HashMap<String, HashMap<String, Validator>> = HashMap::new();
        for interface in &catalogue.interfaces {
            for (event, file) in &interface.variants {
                variants
                    .entry(interface.id.clone())
                    .or_default()
                    .insert(event.clone(), build(file, None)?);
            }
        }
        Ok(Self {
            ingress: build("dip/envelope.json", Some("/$defs/ingressArray"))?,
            egress: build("dip/envelope.json", Some("/$defs/egressArray"))?,
            standard_response: build("dip/standard-response.json", None)?,
            catalogue,
            variants,
            docs,
        })
    }

    /// Whether the schema of `interface`/`event` defines a member at `pointer` (a JSON pointer
    /// into one payload, such as `/CustomBlock/B012/serviceProviderAppointmentRequestingSupplierDIPID`),
    /// following `properties`, `items`, `$ref` and the `allOf`/`anyOf`/`oneOf` branches.
    pub fn defines(&self, interface: &str, event: &str, pointer: &str) -> bool {
        let Some(file) = self
            .catalogue
            .get(interface)
            .and_then(|i| i.variants.get(event))
        else {
            return false;
        };
        let Some(root) = self.docs.get(file) else {
            return false;
        };
        let segments: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .collect();
        self.walk(file, root, &segments, 0)
    }

    fn walk(&self, file: &str, schema: &Value, segments: &[String], depth: usize) -> bool {
        if depth > 32 {
            return false;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let (target, fragment) = reference.split_once('#').unwrap_or((reference, ""));
            let target_file = if target.is_empty() {
                file.to_owned()
            } else {
                join_relative(file, target)
            };
            let Some(doc) = self.docs.get(&target_file) else {
                return false;
            };
            let Some(resolved) = doc.pointer(fragment) else {
                return false;
            };
            return self.walk(&target_file, resolved, segments, depth + 1);
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array)
                && branches
                    .iter()
                    .any(|b| self.walk(file, b, segments, depth + 1))
            {
                return true;
            }
        }
        let Some((first, rest)) = segments.split_first() else {
            return true;
        };
        if let Some(next) = schema.get("properties").and_then(|p| p.get(first)) {
            return self.walk(file, next, rest, depth + 1);
        }
        if first.parse::<usize>().is_ok()
            && let Some(items) = schema.get("items")
        {
            return self.walk(file, items, rest, depth + 1);
        }
        false
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Whether the set has a schema for this event variant.
    pub fn covers(&self, interface: &str, event: &str) -> bool {
        self.variant(interface, event).is_some()
    }

    fn variant(&self, interface: &str, event: &str) -> Option<&Validator> {
        self.variants.get(interface)?.get(event)
    }

    /// Number of event variants covered.
    pub fn variant_count(&self) -> usize {
        self.variants.values().map(HashMap::len).sum()
    }

    /// Checks only the envelope of a body (`ingress` or egress form), not the payloads.
    pub fn check_envelope(&self, body: &Value, ingress: bool) -> Vec<Finding> {
        let envelope = if ingress { &self.ingress } else { &self.egress };
        collect(envelope, body, "", None, None)
    }

    /// Checks a whole body: the envelope (`ingress` or egress form), then each payload against
    /// the schema of the variant its `S0` names. Pointers are into the body.
    pub fn check_body(&self, body: &Value, ingress: bool) -> Vec<Finding> {
        let mut findings = self.check_envelope(body, ingress);
        if let Value::Array(items) = body {
            for (i, item) in items.iter().enumerate() {
                if let Some(payload) = item.get("payload") {
                    findings.extend(self.check_payload(payload, &format!("/{i}/payload")));
                }
            }
        }
        findings
    }

    /// Checks one payload against the schema of the variant its `S0` names; `prefix` is the
    /// payload's pointer in the body.
    pub fn check_payload(&self, payload: &Value, prefix: &str) -> Vec<Finding> {
        let s0 = payload.get("CommonBlock").and_then(|c| c.get("S0"));
        let interface = s0
            .and_then(|s| s.get("interfaceID"))
            .and_then(Value::as_str);
        let event = s0.and_then(|s| s.get("eventCode")).and_then(Value::as_str);
        let (Some(interface), Some(event)) = (interface, event) else {
            return vec![Finding {
                kind: FindingKind::Schema,
                rule: "required".into(),
                interface: interface.map(str::to_owned),
                event: None,
                pointer: format!("{prefix}/CommonBlock/S0"),
                message: "S0 must name the interfaceID and eventCode".into(),
            }];
        };
        self.check_variant(payload, prefix, interface, event)
    }

    /// Checks one payload against the schema of the given variant, whatever its `S0` says (as
    /// the DIP's `/validate/{IF}/{event}` does); `prefix` is the payload's pointer in the body.
    pub fn check_variant(
        &self,
        payload: &Value,
        prefix: &str,
        interface: &str,
        event: &str,
    ) -> Vec<Finding> {
        if let Some(v) = self.variant(interface, event) {
            collect(v, payload, prefix, Some(interface), Some(event))
        } else {
            let (pointer, message) = match self.catalogue.get(interface) {
                None => (
                    "interfaceID",
                    format!("{interface:?} is not an interface of the catalogue"),
                ),
                Some(i) if !i.event_codes.iter().any(|e| e == event) => {
                    let owners: Vec<&str> = self
                        .catalogue
                        .interfaces
                        .iter()
                        .filter(|o| o.event_codes.iter().any(|e| e == event))
                        .map(|o| o.id.as_str())
                        .collect();
                    let whose = if owners.is_empty() {
                        String::new()
                    } else {
                        format!(" (it is an event code of {})", owners.join(", "))
                    };
                    (
                        "eventCode",
                        format!(
                            "{event:?} is not one of {}{whose}",
                            i.event_codes.join(", ")
                        ),
                    )
                }
                Some(_) => (
                    "eventCode",
                    format!("no schema in this set for {interface} {event}"),
                ),
            };
            vec![Finding {
                kind: FindingKind::Schema,
                rule: "variant".into(),
                interface: Some(interface.to_owned()),
                event: Some(event.to_owned()),
                pointer: format!("{prefix}/CommonBlock/S0/{pointer}"),
                message,
            }]
        }
    }

    /// Checks a StandardResponse body.
    pub fn check_standard_response(&self, body: &Value) -> Vec<Finding> {
        collect(
            &self.standard_response,
            body,
            "",
            None,
            Some("StandardResponse"),
        )
    }
}

/// Patterns matched by hand: exactly the strings the regex matches, for the patterns most
/// fields of the busiest messages carry (DT-016, every `v` of an IF-021). Non-ASCII strings go
/// to the regex.
const HAND_MATCHED: &[(&str, Matcher)] = &[(r"^-?\d{1,9}\.\d{3}$", is_dt016)];

/// A pattern matched by hand, over the bytes of an ASCII string.
type Matcher = fn(&[u8]) -> bool;

/// DT-016 `^-?\d{1,9}\.\d{3}$` over ASCII.
fn is_dt016(b: &[u8]) -> bool {
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    let Some(point) = digits.iter().position(|&c| c == b'.') else {
        return false;
    };
    (1..=9).contains(&point)
        && digits.len() == point + 4
        && digits[..point].iter().all(u8::is_ascii_digit)
        && digits[point + 1..].iter().all(u8::is_ascii_digit)
}

/// The `pattern` keyword. Its verdicts and errors are jsonschema's own, from a validator of
/// `{"pattern": P}` compiled once per pattern; a pattern of [`HAND_MATCHED`] is judged by hand
/// on valid input, jsonschema's validator giving the error of a string that does not match.
struct Pattern {
    hand: Option<Matcher>,
    exact: Arc<Validator>,
}

impl<'i> Keyword<'i> for Pattern {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        self.exact.validate(instance)
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        match (self.hand, instance) {
            (Some(hand), Value::String(s)) if s.is_ascii() => hand(s.as_bytes()),
            (Some(_), Value::String(_)) | (None, _) => self.exact.is_valid(instance),
            (Some(_), _) => true,
        }
    }
}

/// Validators of `{"pattern": P}`, by P, shared by every schema of every set.
static PATTERNS: LazyLock<Mutex<HashMap<String, Arc<Validator>>>> = LazyLock::new(Mutex::default);

fn pattern_keyword<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _location: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    let key = value.to_string();
    let cached = PATTERNS.lock().ok().and_then(|m| m.get(&key).cloned());
    let exact = if let Some(v) = cached {
        v
    } else {
        let v = Arc::new(
            jsonschema::options()
                .with_draft(Draft::Draft202012)
                .build(&serde_json::json!({ "pattern": value }))
                .map_err(|e| ValidationError::custom(e.to_string()))?,
        );
        if let Ok(mut m) = PATTERNS.lock() {
            m.insert(key, v.clone());
        }
        v
    };
    let hand = value
        .as_str()
        .and_then(|p| HAND_MATCHED.iter().find(|(q, _)| *q == p))
        .map(|(_, f)| *f);
    Ok(Box::new(Pattern { hand, exact }))
}

/// Every error of `instance`; the fast `is_valid` first, since most messages are valid.
fn collect(
    v: &Validator,
    instance: &Value,
    prefix: &str,
    interface: Option<&str>,
    event: Option<&str>,
) -> Vec<Finding> {
    if v.is_valid(instance) {
        return Vec::new();
    }
    v.iter_errors(instance)
        .map(|e| {
            let message = match e.kind() {
                ValidationErrorKind::Enum { options } => {
                    let list: Vec<String> = options
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default();
                    format!("{} is not one of {}", e.instance(), list.join(", "))
                }
                _ => e.to_string(),
            };
            Finding {
                kind: FindingKind::Schema,
                rule: e.kind().keyword().to_owned(),
                interface: interface.map(str::to_owned),
                event: event.map(str::to_owned),
                pointer: format!("{prefix}{}", e.instance_path().as_str()),
                message,
            }
        })
        .collect()
}

/// Every `.json` file under `dir`: (path relative to `dir`, text).
pub(crate) fn read_folder(dir: &Path) -> Result<Vec<(String, String)>, SchemaError> {
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    Ok(files)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<(), SchemaError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SchemaError::Read {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).map_err(|source| SchemaError::Read {
                path: path.clone(),
                source,
            })?;
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, text));
        }
    }
    Ok(())
}

/// `target` relative to the folder of `file` (both relative to the schema folder).
fn join_relative(file: &str, target: &str) -> String {
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for segment in target.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn dt016_by_hand_agrees_with_the_regex() {
        let (pattern, _) = HAND_MATCHED[0];
        let keyword = pattern_keyword(&Map::new(), &json!(pattern), Location::new())
            .unwrap_or_else(|_| panic!("compiles"));
        let exact = jsonschema::options()
            .with_draft(Draft::Draft202012)
            .build(&json!({ "pattern": pattern }))
            .expect("compiles");
        let mut cases: Vec<Value> = [
            "0.000",
            "-0.000",
            "123456789.999",
            "1234567890.000",
            ".000",
            "0.00",
            "0.0000",
            "--1.000",
            "-.000",
            "1.000\n",
            " 1.000",
            "1e3",
            "0.000x",
            "",
            "-",
            ".",
            "1..000",
            "1.0a0",
            "\u{663}.\u{660}\u{660}\u{660}",
            "1.\u{ff10}00",
            "+1.000",
        ]
        .iter()
        .map(|s| json!(s))
        .collect();
        cases.extend([json!(1.5), json!(null), json!(["1.000"]), json!({"v": "x"})]);
        let base: Vec<char> = "-12.345".chars().collect();
        for i in 0..base.len() {
            for r in ['0', '9', '-', '.', 'a', ' ', '\u{663}'] {
                let mut c = base.clone();
                c[i] = r;
                cases.push(json!(c.iter().collect::<String>()));
                c.insert(i, r);
                cases.push(json!(c.iter().collect::<String>()));
            }
        }
        for v in &cases {
            assert_eq!(keyword.is_valid(v), exact.is_valid(v), "{v}");
        }
        assert!(keyword.is_valid(&json!("0.182")));
        assert!(!keyword.is_valid(&json!("0.18")));
        // The error is jsonschema's own.
        let bad = json!("1,5");
        let e = keyword.validate(&bad).expect_err("invalid");
        assert_eq!(e.kind().keyword(), "pattern");
        let want = exact.validate(&bad).expect_err("invalid");
        assert_eq!(e.to_string(), want.to_string());
    }

    #[test]
    fn a_pattern_finding_is_as_before() {
        let set = SchemaSet::embedded().expect("schemas");
        let text = crate::embedded::file("schemas/examples/valid/IF-021-ActivePower.json")
            .expect("example");
        let body: Value = serde_json::from_str(text).expect("json");
        let mut p = body[0]["payload"].clone();
        p["CustomBlock"]["B900"]["settlementDayConsumptionPeriods"][0]["consumptionPeriods"][3]["v"] =
            json!("1,5");
        let found = set.check_payload(&p, "/0/payload");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "pattern");
        assert_eq!(
            found[0].pointer,
            "/0/payload/CustomBlock/B900/settlementDayConsumptionPeriods/0/consumptionPeriods/3/v"
        );
        assert_eq!(
            found[0].message,
            r#""1,5" does not match "^-?\d{1,9}\.\d{3}$""#
        );
    }
}
