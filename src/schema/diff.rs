//! What a release of the interface schemas changes: `mhhs-qual schemas diff OLD NEW` over two
//! schema folders (imported or our own). Interfaces and event codes added or removed, schema
//! versions moved, and per event variant the fields added, removed or newly required, enum
//! values, patterns, types and lengths changed. Each change says whether it can break a
//! participant that conforms to OLD.
//!
//! A variant's fields are found by walking its schema from the variant file with every
//! `$ref` resolved (through the folder's `$id`s); `oneOf`/`anyOf`/`allOf` branches merge into
//! the same paths; array items are written `*`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::SchemaError;

/// The kind of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    InterfaceAdded,
    InterfaceRemoved,
    EventAdded,
    EventRemoved,
    SchemaVersionChanged,
    FieldAdded,
    FieldRemoved,
    FieldNewlyRequired,
    FieldNoLongerRequired,
    TypeChanged,
    EnumValuesAdded,
    EnumValuesRemoved,
    PatternChanged,
    /// A length bound tightened.
    LengthChanged,
    /// Length bounds only loosened.
    LengthRelaxed,
}

/// One change between two schema sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub interface: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Path of the field in the payload (`/CustomBlock/B900/...`, `*` for array items).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// Whether a message valid under OLD can be invalid under NEW (or a variant disappears).
    pub breaking: bool,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = if self.breaking { "BREAKING " } else { "" };
        write!(f, "{mark}{:?} {}", self.kind, self.interface)?;
        if let Some(e) = &self.event {
            write!(f, " {e}")?;
        }
        if let Some(p) = &self.field {
            write!(f, " {p}")?;
        }
        match (&self.old, &self.new) {
            (Some(o), Some(n)) => write!(f, ": {o} -> {n}"),
            (None, Some(n)) => write!(f, ": {n}"),
            (Some(o), None) => write!(f, ": was {o}"),
            (None, None) => Ok(()),
        }
    }
}

/// All changes from `old` to `new`, sorted by interface, event, field.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }
}

/// What a schema says about one field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldFacts {
    pub required: bool,
    pub types: BTreeSet<String>,
    pub enumeration: Option<BTreeSet<String>>,
    pub pattern: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
}

/// A schema folder read for comparison: the catalogue and every document by `$id`.
pub struct Folder {
    catalogue: Value,
    docs: HashMap<String, Value>,
    by_path: HashMap<String, String>,
}

impl Folder {
    pub fn read(dir: &Path) -> Result<Self, SchemaError> {
        let mut docs = HashMap::new();
        let mut by_path = HashMap::new();
        let mut catalogue = None;
        for (rel, text) in super::set::read_folder(dir)? {
            if rel.starts_with("examples/") {
                continue;
            }
            let value: Value = serde_json::from_str(&text).map_err(|e| SchemaError::Json {
                path: rel.clone(),
                line: e.line(),
                message: e.to_string(),
            })?;
            if rel == "catalogue.json" {
                catalogue = Some(value.clone());
            }
            if let Some(id) = value.get("$id").and_then(Value::as_str) {
                by_path.insert(rel.clone(), id.to_owned());
                docs.insert(id.to_owned(), value);
            }
        }
        Ok(Self {
            catalogue: catalogue.ok_or(SchemaError::NoCatalogue)?,
            docs,
            by_path,
        })
    }

    /// interface id -> (schema versions, event code -> variant file).
    fn interfaces(&self) -> BTreeMap<String, (Vec<String>, BTreeMap<String, String>)> {
        let strings = |v: &Value| -> Vec<String> {
            match v {
                Value::String(s) => vec![s.clone()],
                Value::Array(a) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                _ => Vec::new(),
            }
        };
        let mut out = BTreeMap::new();
        for i in self.catalogue["interfaces"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let Some(id) = i["id"].as_str() else { continue };
            let mut events: BTreeMap<String, String> = strings(&i["eventCodes"])
                .into_iter()
                .map(|e| (e, String::new()))
                .collect();
            for (e, file) in i["variants"].as_object().into_iter().flatten() {
                events.insert(e.clone(), file.as_str().unwrap_or_default().to_owned());
            }
            out.insert(id.to_owned(), (strings(&i["schemaVersion"]), events));
        }
        out
    }

    /// The fields of the variant in file `rel`, by path.
    pub fn fields(&self, rel: &str) -> BTreeMap<String, FieldFacts> {
        let mut out = BTreeMap::new();
        if let Some(id) = self.by_path.get(rel)
            && let Some(doc) = self.docs.get(id)
        {
            self.walk(doc, id, "", true, &mut out, 0);
        }
        out
    }

    fn resolve(&self, reference: &str, base: &str) -> Option<(&Value, String)> {
        let (url, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let id = if url.is_empty() {
            base.to_owned()
        } else if url.contains("://") {
            url.to_owned()
        } else {
            let dir = base.rsplit_once('/').map_or("", |(d, _)| d);
            normalise(&format!("{dir}/{url}"))
        };
        let doc = self.docs.get(&id)?;
        Some((doc.pointer(fragment)?, id))
    }

    fn walk(
        &self,
        schema: &Value,
        base: &str,
        path: &str,
        required: bool,
        out: &mut BTreeMap<String, FieldFacts>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        let Value::Object(map) = schema else { return };
        if let Some(r) = map.get("$ref").and_then(Value::as_str)
            && let Some((target, id)) = self.resolve(r, base)
        {
            self.walk(target, &id, path, required, out, depth + 1);
        }
        for k in ["oneOf", "anyOf", "allOf"] {
            for s in map.get(k).and_then(Value::as_array).into_iter().flatten() {
                self.walk(s, base, path, required, out, depth + 1);
            }
        }
        if !path.is_empty() {
            let facts = out.entry(path.to_owned()).or_default();
            facts.required |= required;
            match map.get("type") {
                Some(Value::String(t)) => {
                    facts.types.insert(t.clone());
                }
                Some(Value::Array(ts)) => {
                    facts
                        .types
                        .extend(ts.iter().filter_map(Value::as_str).map(str::to_owned));
                }
                _ => {}
            }
            if let Some(values) = map.get("enum").and_then(Value::as_array) {
                facts.enumeration.get_or_insert_with(BTreeSet::new).extend(
                    values
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
                );
            }
            if let Some(p) = map.get("pattern").and_then(Value::as_str) {
                facts.pattern = Some(p.to_owned());
            }
            if let Some(n) = map.get("minLength").and_then(Value::as_u64) {
                facts.min_length = Some(n);
            }
            if let Some(n) = map.get("maxLength").and_then(Value::as_u64) {
                facts.max_length = Some(n);
            }
        }
        let required_keys: BTreeSet<&str> = map
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, child) in map
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let child_path = format!("{path}/{name}");
            self.walk(
                child,
                base,
                &child_path,
                required_keys.contains(name.as_str()),
                out,
                depth + 1,
            );
        }
        // a `required` naming a key the properties do not define still requires it
        for name in &required_keys {
            out.entry(format!("{path}/{name}")).or_default().required = true;
        }
        if let Some(items) = map.get("items") {
            self.walk(items, base, &format!("{path}/*"), true, out, depth + 1);
        }
    }
}

fn normalise(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let mut parts: Vec<&str> = Vec::new();
    for p in rest.split('/') {
        match p {
            "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    format!("{scheme}://{}", parts.join("/"))
}

/// Compares two schema folders.
pub fn diff_dirs(old: &Path, new: &Path) -> Result<Diff, SchemaError> {
    Ok(diff(&Folder::read(old)?, &Folder::read(new)?))
}

/// Compares two schema folders already read.
pub fn diff(old: &Folder, new: &Folder) -> Diff {
    let (a, b) = (old.interfaces(), new.interfaces());
    let mut changes = Vec::new();
    let mut push = |kind, interface: &str, event: Option<&str>, field: Option<&str>, o, n| {
        let breaking = matches!(
            kind,
            ChangeKind::InterfaceRemoved
                | ChangeKind::EventRemoved
                | ChangeKind::SchemaVersionChanged
                | ChangeKind::FieldRemoved
                | ChangeKind::FieldNewlyRequired
                | ChangeKind::TypeChanged
                | ChangeKind::EnumValuesRemoved
                | ChangeKind::PatternChanged
                | ChangeKind::LengthChanged
        );
        changes.push(Change {
            kind,
            interface: interface.to_owned(),
            event: event.map(str::to_owned),
            field: field.map(str::to_owned),
            old: o,
            new: n,
            breaking,
        });
    };
    for id in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
        let (Some((va, ea)), Some((vb, eb))) = (a.get(id), b.get(id)) else {
            let kind = if a.contains_key(id) {
                ChangeKind::InterfaceRemoved
            } else {
                ChangeKind::InterfaceAdded
            };
            push(kind, id, None, None, None, None);
            continue;
        };
        if va != vb {
            push(
                ChangeKind::SchemaVersionChanged,
                id,
                None,
                None,
                Some(va.clone().into()),
                Some(vb.clone().into()),
            );
        }
        for event in ea.keys().chain(eb.keys()).collect::<BTreeSet<_>>() {
            let (Some(fa), Some(fb)) = (ea.get(event), eb.get(event)) else {
                let kind = if ea.contains_key(event) {
                    ChangeKind::EventRemoved
                } else {
                    ChangeKind::EventAdded
                };
                push(kind, id, Some(event), None, None, None);
                continue;
            };
            if fa.is_empty() || fb.is_empty() {
                continue;
            }
            let (xa, xb) = (old.fields(fa), new.fields(fb));
            for path in xa.keys().chain(xb.keys()).collect::<BTreeSet<_>>() {
                if path.as_str() == "/CommonBlock/S0/schemaVersion" {
                    continue; // reported as SchemaVersionChanged
                }
                let f = Some(path.as_str());
                let e = Some(event.as_str());
                match (xa.get(path), xb.get(path)) {
                    (Some(_), None) => push(ChangeKind::FieldRemoved, id, e, f, None, None),
                    (None, Some(q)) => {
                        let kind = if q.required {
                            ChangeKind::FieldNewlyRequired
                        } else {
                            ChangeKind::FieldAdded
                        };
                        push(kind, id, e, f, None, None);
                    }
                    (Some(p), Some(q)) => {
                        compare(p, q, &mut |k, o, n| push(k, id, e, f, o, n));
                    }
                    (None, None) => {}
                }
            }
        }
    }
    Diff { changes }
}

fn compare(
    p: &FieldFacts,
    q: &FieldFacts,
    push: &mut impl FnMut(ChangeKind, Option<Value>, Option<Value>),
) {
    if !p.required && q.required {
        push(ChangeKind::FieldNewlyRequired, None, None);
    }
    if p.required && !q.required {
        push(ChangeKind::FieldNoLongerRequired, None, None);
    }
    if p.types != q.types {
        push(
            ChangeKind::TypeChanged,
            Some(p.types.iter().cloned().collect::<Vec<_>>().into()),
            Some(q.types.iter().cloned().collect::<Vec<_>>().into()),
        );
    }
    let list = |s: &BTreeSet<String>| Some(Value::from(s.iter().cloned().collect::<Vec<_>>()));
    match (&p.enumeration, &q.enumeration) {
        (Some(a), Some(b)) => {
            let added: BTreeSet<String> = b.difference(a).cloned().collect();
            let removed: BTreeSet<String> = a.difference(b).cloned().collect();
            if !added.is_empty() {
                push(ChangeKind::EnumValuesAdded, None, list(&added));
            }
            if !removed.is_empty() {
                push(ChangeKind::EnumValuesRemoved, list(&removed), None);
            }
        }
        (None, Some(b)) => push(ChangeKind::EnumValuesRemoved, None, list(b)),
        (Some(a), None) => push(ChangeKind::EnumValuesAdded, list(a), None),
        (None, None) => {}
    }
    if p.pattern != q.pattern {
        push(
            ChangeKind::PatternChanged,
            p.pattern.clone().map(Value::from),
            q.pattern.clone().map(Value::from),
        );
    }
    if (p.min_length, p.max_length) != (q.min_length, q.max_length) {
        let show = |min: Option<u64>, max: Option<u64>| {
            Some(Value::from(format!(
                "{}..{}",
                min.map_or(String::new(), |n| n.to_string()),
                max.map_or(String::new(), |n| n.to_string())
            )))
        };
        let tightened = q.min_length.unwrap_or(0) > p.min_length.unwrap_or(0)
            || q.max_length.unwrap_or(u64::MAX) < p.max_length.unwrap_or(u64::MAX);
        push(
            if tightened {
                ChangeKind::LengthChanged
            } else {
                ChangeKind::LengthRelaxed
            },
            show(p.min_length, p.max_length),
            show(q.min_length, q.max_length),
        );
    }
}
