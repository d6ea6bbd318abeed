//! OpenAPI 3.0 schema objects to JSON Schema 2020-12.
//!
//! - `nullable: true` adds `"null"` to `type` (and `null` to `enum` when there is one);
//! - `example` becomes `examples: [..]`; boolean `exclusiveMinimum`/`exclusiveMaximum` become
//!   the 2020-12 numeric forms;
//! - a `$ref`'s siblings are dropped, as OpenAPI 3.0 ignores them (reported unless they are
//!   annotations);
//! - every `$ref` (an absolute URL to a file of the spec's repository, or a local `#/...`) is
//!   rewritten to the `$id` of the file the import writes for its target;
//! - any other keyword is reported by schema name and left out.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::importer::{IMPORTED_BASE, Unconverted};

/// Keywords whose value is a map of name to schema.
const SCHEMA_MAP: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// Keywords whose value is a list of schemas.
const SCHEMA_LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is one schema (or a boolean).
const SCHEMA_ONE: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
];
/// Keywords JSON Schema 2020-12 shares with OpenAPI 3.0, copied as they are.
const PLAIN: &[&str] = &[
    "type",
    "enum",
    "const",
    "required",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "format",
    "description",
    "title",
    "default",
    "readOnly",
    "writeOnly",
    "deprecated",
    "$comment",
    "examples",
];
/// `$ref` siblings that are only annotations: dropping them loses nothing a validator checks.
const ANNOTATIONS: &[&str] = &["description", "title", "$comment", "example", "examples"];

/// The name of the Interfaces file of the spec: its components are written one file each.
pub(super) const INTERFACES_FILE: &str = "Interfaces-EventCodes-unresolved.yaml";

/// Converts schemas of one spec, collecting what it could not convert.
pub(super) struct Converter<'a> {
    docs: &'a BTreeMap<String, Value>,
    own_files: &'a BTreeSet<String>,
    pub unconverted: Vec<Unconverted>,
    /// `(schema, $ref)` pairs whose target does not exist.
    pub dangling: Vec<(String, String)>,
}

impl<'a> Converter<'a> {
    /// `docs` by file name; `own_files` the names of the Interfaces components written as
    /// files of their own.
    pub fn new(docs: &'a BTreeMap<String, Value>, own_files: &'a BTreeSet<String>) -> Self {
        Self {
            docs,
            own_files,
            unconverted: Vec::new(),
            dangling: Vec::new(),
        }
    }

    /// The `$id` (with fragment) the import gives the target of `reference`, a `$ref` found in
    /// `file`; `None` when the target does not exist in the spec.
    pub fn target(&self, reference: &str, file: &str) -> Option<String> {
        let (url, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let name = if url.trim().is_empty() {
            file
        } else {
            url.trim().trim_end_matches('/').rsplit('/').next()?
        };
        let doc = self.docs.get(name)?;
        doc.pointer(fragment)?;
        if name == INTERFACES_FILE
            && let Some(rest) = fragment.strip_prefix("/components/schemas/")
        {
            let (component, tail) = rest.split_once('/').map_or((rest, ""), |(c, t)| (c, t));
            if self.own_files.contains(component) {
                let tail = if tail.is_empty() {
                    String::new()
                } else {
                    format!("#/{tail}")
                };
                return Some(format!("{IMPORTED_BASE}interfaces/{component}.json{tail}"));
            }
        }
        Some(format!(
            "{IMPORTED_BASE}spec/{}.json#{fragment}",
            stem(name)
        ))
    }

    /// Converts one schema object found in `file`; `schema` names it in reports.
    pub fn convert(&mut self, node: &Value, file: &str, schema: &str) -> Value {
        let Value::Object(map) = node else {
            return node.clone();
        };
        if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
            for k in map.keys() {
                if k != "$ref" && !ANNOTATIONS.contains(&k.as_str()) {
                    self.report(
                        schema,
                        k,
                        "sibling of $ref: OpenAPI 3.0 ignores it, so does the import",
                    );
                }
            }
            let target = self.target(reference, file).unwrap_or_else(|| {
                self.dangling
                    .push((schema.to_owned(), reference.trim().to_owned()));
                reference.to_owned()
            });
            let mut out = Map::new();
            out.insert("$ref".into(), Value::String(target));
            if let Some(d) = map.get("description") {
                out.insert("description".into(), d.clone());
            }
            return Value::Object(out);
        }
        let mut out = Map::new();
        for (k, v) in map {
            let key = k.as_str();
            if SCHEMA_MAP.contains(&key) {
                let Value::Object(children) = v else {
                    self.report(schema, key, "not a map of schemas");
                    continue;
                };
                let converted = children
                    .iter()
                    .map(|(name, child)| {
                        let sub = format!("{schema}/{key}/{name}");
                        (name.clone(), self.convert(child, file, &sub))
                    })
                    .collect();
                out.insert(k.clone(), Value::Object(converted));
            } else if SCHEMA_LIST.contains(&key) {
                let Value::Array(children) = v else {
                    self.report(schema, key, "not a list of schemas");
                    continue;
                };
                let converted = children
                    .iter()
                    .enumerate()
                    .map(|(i, child)| self.convert(child, file, &format!("{schema}/{key}/{i}")))
                    .collect();
                out.insert(k.clone(), Value::Array(converted));
            } else if SCHEMA_ONE.contains(&key) {
                out.insert(k.clone(), self.convert(v, file, &format!("{schema}/{key}")));
            } else if PLAIN.contains(&key) {
                out.insert(k.clone(), v.clone());
            } else if key == "example" {
                out.insert("examples".into(), Value::Array(vec![v.clone()]));
            } else if key == "nullable" || key == "exclusiveMinimum" || key == "exclusiveMaximum" {
                // handled below
            } else {
                self.report(schema, key, "not a JSON Schema keyword: left out");
            }
        }
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            match map.get(exclusive) {
                Some(Value::Bool(true)) => {
                    if let Some(b) = out.remove(bound) {
                        out.insert(exclusive.into(), b);
                    } else {
                        self.report(schema, exclusive, "true without a bound: left out");
                    }
                }
                Some(Value::Bool(false)) | None => {}
                Some(n) => {
                    out.insert(exclusive.into(), n.clone());
                }
            }
        }
        match map.get("nullable") {
            Some(Value::Bool(true)) => self.nullable(&mut out, schema),
            Some(Value::Bool(false)) | None => {}
            Some(_) => self.report(schema, "nullable", "not a boolean: left out"),
        }
        Value::Object(out)
    }

    fn nullable(&mut self, out: &mut Map<String, Value>, schema: &str) {
        match out.get_mut("type") {
            Some(Value::String(t)) => {
                let t = std::mem::take(t);
                out.insert("type".into(), serde_json::json!([t, "null"]));
            }
            Some(Value::Array(types)) => {
                if !types.iter().any(|t| t == "null") {
                    types.push("null".into());
                }
            }
            _ => {
                if !out.contains_key("enum") {
                    self.report(
                        schema,
                        "nullable",
                        "no `type` to add \"null\" to: null is allowed only if the rest allows it",
                    );
                }
            }
        }
        if let Some(Value::Array(values)) = out.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
    }

    fn report(&mut self, schema: &str, keyword: &str, note: &str) {
        self.unconverted.push(Unconverted {
            schema: schema.to_owned(),
            keyword: keyword.to_owned(),
            note: note.to_owned(),
        });
    }
}

/// `DataTypes-unresolved.yaml` -> `DataTypes`.
pub(super) fn stem(file: &str) -> &str {
    let s = file.strip_suffix(".yaml").unwrap_or(file);
    s.strip_suffix("-unresolved").unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn docs() -> BTreeMap<String, Value> {
        BTreeMap::from([
            (
                "DataTypes-unresolved.yaml".to_owned(),
                json!({"components": {"schemas": {"DT-1": {"type": "string"}}}}),
            ),
            (
                INTERFACES_FILE.to_owned(),
                json!({"components": {"schemas": {"IF-001-Payload": {"type": "object"}}}}),
            ),
        ])
    }

    #[test]
    fn nullable_becomes_a_null_type_and_enum_member() {
        let d = docs();
        let own = BTreeSet::new();
        let mut c = Converter::new(&d, &own);
        let v = c.convert(
            &json!({"type": "string", "enum": ["A"], "nullable": true, "example": "A"}),
            "DataTypes-unresolved.yaml",
            "X",
        );
        assert_eq!(
            v,
            json!({"type": ["string", "null"], "enum": ["A", null], "examples": ["A"]})
        );
        assert!(c.unconverted.is_empty());
    }

    #[test]
    fn refs_are_rewritten_and_dangling_ones_collected() {
        let d = docs();
        let own = BTreeSet::from(["IF-001-Payload".to_owned()]);
        let mut c = Converter::new(&d, &own);
        let v = c.convert(
            &json!({"properties": {
                "a": {"$ref": "https://raw.githubusercontent.com/elexon-data/dip-api-documentation/main/DataTypes-unresolved.yaml#/components/schemas/DT-1"},
                "b": {"$ref": "#/components/schemas/IF-001-Payload"},
                "c": {"$ref": "#/components/schemas/Nope"}}}),
            INTERFACES_FILE,
            "S",
        );
        assert_eq!(
            v["properties"]["a"]["$ref"],
            format!("{IMPORTED_BASE}spec/DataTypes.json#/components/schemas/DT-1")
        );
        assert_eq!(
            v["properties"]["b"]["$ref"],
            format!("{IMPORTED_BASE}interfaces/IF-001-Payload.json")
        );
        assert_eq!(
            c.dangling,
            vec![(
                "S/properties/c".to_owned(),
                "#/components/schemas/Nope".to_owned()
            )]
        );
    }

    #[test]
    fn unknown_keywords_are_reported_by_schema() {
        let d = docs();
        let own = BTreeSet::new();
        let mut c = Converter::new(&d, &own);
        let v = c.convert(
            &json!({"type": "object", "discriminator": {"propertyName": "x"}}),
            "DataTypes-unresolved.yaml",
            "Pet",
        );
        assert_eq!(v, json!({"type": "object"}));
        assert_eq!(c.unconverted.len(), 1);
        assert_eq!(c.unconverted[0].schema, "Pet");
        assert_eq!(c.unconverted[0].keyword, "discriminator");
    }
}
