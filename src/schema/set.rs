//! A compiled schema set: the catalogue and one validator per event variant, compiled once.
//!
//! The set comes from the schemas shipped in the binary or from a folder of one's own
//! (`--schemas DIR`). Cross-file `$ref`s resolve through a registry keyed by each file's
//! `$id`, so nothing is fetched from the network.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, OnceLock};

use jsonschema::{Draft, Registry, Resource, Validator, error::ValidationErrorKind};
use serde_json::Value;

use super::fast;
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
    variants: HashMap<String, HashMap<String, Variant>>,
    ingress: Validator,
    egress: Validator,
    standard_response: Validator,
    /// The schema documents, by path relative to the folder, for [`SchemaSet::defines`].
    docs: HashMap<String, Value>,
    /// The documents as written, for the exact validators.
    registry: Registry<'static>,
}

/// The validators of one event variant: the fast one says whether a payload is valid
/// ([`fast`]); the exact one, jsonschema on the schemas as written, compiled when a payload
/// of the variant is first invalid, gives the findings.
struct Variant {
    file: String,
    fast: Validator,
    exact: OnceLock<Result<Validator, String>>,
}

/// A registry of the documents that have an `$id`.
fn registry_of(docs: &HashMap<String, Value>) -> Result<Registry<'static>, SchemaError> {
    let resources: Vec<(String, Resource)> = docs
        .values()
        .filter_map(|doc| {
            let id = doc.get("$id")?.as_str()?.to_owned();
            Some((id, Resource::from_contents(doc.clone())))
        })
        .collect();
    Registry::new()
        .extend(resources)
        .and_then(jsonschema::RegistryBuilder::prepare)
        .map_err(|e| SchemaError::Invalid {
            path: "schemas/".into(),
            message: e.to_string(),
        })
}

/// The validator of the document at `path` (or of the schema at `pointer` in it), with the fast
/// path's keywords when `fast`.
fn validator(
    docs: &HashMap<String, Value>,
    registry: &Registry,
    path: &str,
    pointer: Option<&str>,
    fast: bool,
) -> Result<Validator, SchemaError> {
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
    let mut options = jsonschema::options()
        .with_draft(Draft::Draft202012)
        .with_registry(registry);
    if fast {
        options = options
            .with_keyword("pattern", fast::pattern_keyword)
            .with_keyword(fast::RECORD, fast::record_keyword);
    }
    options.build(&schema).map_err(|e| SchemaError::Invalid {
        path: path.to_owned(),
        message: format!("does not compile: {e}"),
    })
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
        let registry = registry_of(&docs)?;
        let (fast_docs, _) = fast::with_records(&docs);
        let fast_registry = registry_of(&fast_docs)?;
        let mut variants: HashMap<String, HashMap<String, Variant>> = HashMap::new();
        for interface in &catalogue.interfaces {
            for (event, file) in &interface.variants {
                let fast = validator(&fast_docs, &fast_registry, file, None, true)?;
                variants.entry(interface.id.clone()).or_default().insert(
                    event.clone(),
                    Variant {
                        file: file.clone(),
                        fast,
                        exact: OnceLock::new(),
                    },
                );
            }
        }
        let exact =
            |path: &str, pointer: Option<&str>| validator(&docs, &registry, path, pointer, false);
        Ok(Self {
            ingress: exact("dip/envelope.json", Some("/$defs/ingressArray"))?,
            egress: exact("dip/envelope.json", Some("/$defs/egressArray"))?,
            standard_response: exact("dip/standard-response.json", None)?,
            catalogue,
            variants,
            docs,
            registry,
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

    fn variant(&self, interface: &str, event: &str) -> Option<&Variant> {
        self.variants.get(interface)?.get(event)
    }

    /// The fast and the exact verdict on `payload` as `interface`/`event`.
    #[cfg(test)]
    pub(super) fn verdicts(
        &self,
        payload: &Value,
        interface: &str,
        event: &str,
    ) -> Option<(bool, bool)> {
        let v = self.variant(interface, event)?;
        let exact = self.exact(v).ok()?;
        Some((v.fast.is_valid(payload), exact.is_valid(payload)))
    }

    /// The findings of `payload` against a variant: none when the fast validator finds it
    /// valid, else jsonschema's on the schemas as written.
    fn check_with(
        &self,
        v: &Variant,
        payload: &Value,
        prefix: &str,
        interface: &str,
        event: &str,
    ) -> Vec<Finding> {
        if v.fast.is_valid(payload) {
            return Vec::new();
        }
        let exact = self.exact(v).unwrap_or(&v.fast);
        collect(exact, payload, prefix, Some(interface), Some(event))
    }

    /// The exact validator of a variant, compiled on first use.
    fn exact<'a>(&'a self, v: &'a Variant) -> Result<&'a Validator, &'a String> {
        v.exact
            .get_or_init(|| {
                validator(&self.docs, &self.registry, &v.file, None, false)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
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
            self.check_with(v, payload, prefix, interface, event)
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
