//! The fast path of schema validation, for the messages that are valid (most of them).
//!
//! Two things cost most when jsonschema checks a busy message such as an IF-021 of 48
//! periods: its regex engine on every `v` (DT-016), and its keyword-by-keyword walk of every
//! period object. Here:
//!
//! - the `pattern` keyword keeps jsonschema's own validator of `{"pattern": P}` (compiled once
//!   per pattern), but matches the patterns of [`HAND_MATCHED`] by hand on ASCII strings;
//! - an object schema of string (or null) members with lengths, enums, constants and patterns,
//!   no other members allowed (a *record*: B047, every period; S0; most blocks), is compiled to
//!   one check ([`RECORD`]) that looks at each member once.
//!
//! Both only decide *whether* a message is valid. The findings of an invalid message come from
//! jsonschema on the schemas as written ([`super::SchemaSet`] keeps both validators), so their
//! keywords, pointers and texts are jsonschema's. Unit tests hold the two verdicts equal on the
//! shipped examples and on mutants of each of their fields.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use jsonschema::paths::Location;
use jsonschema::{Draft, Keyword, ValidationError, Validator};
use serde_json::{Map, Value, json};

/// The keyword a record schema is rewritten to.
pub(super) const RECORD: &str = "x-mhhs-record";

/// Patterns matched by hand: exactly the strings the regex matches, for the patterns the
/// busiest messages carry (DT-016, every `v` of an IF-021; DT-995, every sender reference;
/// DT-002, every MPAN core). Non-ASCII strings go to the regex.
pub(super) const HAND_MATCHED: &[(&str, Matcher)] = &[
    (r"^-?\d{1,9}\.\d{3}$", is_dt016),
    (
        r"^S-((IF|REP)-)?\d{3,4}-[0-9a-fA-F]{10}-[A-Z]{3,5}-\d{8}-[a-zA-Z0-9]+$",
        is_dt995,
    ),
    (r"^\d{13}?$", is_dt002),
];

/// A pattern matched by hand, over an ASCII string.
pub(super) type Matcher = fn(&str) -> bool;

/// DT-995, the sender reference.
fn is_dt995(s: &str) -> bool {
    super::rules::dt995_ascii(s).is_some()
}

/// DT-002 `^\d{13}?$`: thirteen digits (`{13}?` is the lazy form of `{13}`).
fn is_dt002(s: &str) -> bool {
    s.len() == 13 && s.bytes().all(|b| b.is_ascii_digit())
}

/// DT-016 `^-?\d{1,9}\.\d{3}$`.
fn is_dt016(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    let Some(point) = digits.iter().position(|&c| c == b'.') else {
        return false;
    };
    (1..=9).contains(&point)
        && digits.len() == point + 4
        && digits[..point].iter().all(u8::is_ascii_digit)
        && digits[point + 1..].iter().all(u8::is_ascii_digit)
}

/// The `pattern` keyword: jsonschema's verdict and error, from a validator of `{"pattern": P}`;
/// a pattern of [`HAND_MATCHED`] is judged by hand on ASCII strings.
#[derive(Clone)]
pub(super) struct Pattern {
    hand: Option<Matcher>,
    exact: Arc<Validator>,
}

/// Validators of `{"pattern": P}`, by P, shared by every schema of every set.
static PATTERNS: LazyLock<Mutex<HashMap<String, Arc<Validator>>>> = LazyLock::new(Mutex::default);

impl Pattern {
    pub(super) fn new(pattern: &Value) -> Result<Self, String> {
        let key = pattern.to_string();
        let cached = PATTERNS.lock().ok().and_then(|m| m.get(&key).cloned());
        let exact = if let Some(v) = cached {
            v
        } else {
            let v = Arc::new(
                jsonschema::options()
                    .with_draft(Draft::Draft202012)
                    .build(&json!({ "pattern": pattern }))
                    .map_err(|e| e.to_string())?,
            );
            if let Ok(mut m) = PATTERNS.lock() {
                m.insert(key, v.clone());
            }
            v
        };
        let hand = pattern
            .as_str()
            .and_then(|p| HAND_MATCHED.iter().find(|(q, _)| *q == p))
            .map(|(_, f)| *f);
        Ok(Self { hand, exact })
    }

    fn matches(&self, instance: &Value) -> bool {
        match (self.hand, instance) {
            (Some(hand), Value::String(s)) if s.is_ascii() => hand(s),
            (Some(_), Value::String(_)) | (None, _) => self.exact.is_valid(instance),
            (Some(_), _) => true,
        }
    }
}

impl<'i> Keyword<'i> for Pattern {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        self.exact.validate(instance)
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.matches(instance)
    }
}

/// The factory of the `pattern` keyword.
pub(super) fn pattern_keyword<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _location: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    Ok(Box::new(
        Pattern::new(value).map_err(ValidationError::custom)?,
    ))
}

/// Strings of at most this many bytes are compared as one number.
const PACKED: usize = 7;

/// A string of at most [`PACKED`] bytes as one number (its bytes and its length).
fn pack(s: &[u8]) -> Option<u64> {
    if s.len() > PACKED {
        return None;
    }
    let mut n = (s.len() as u64) << 56;
    for (i, &b) in s.iter().enumerate() {
        n |= u64::from(b) << (8 * i);
    }
    Some(n)
}

/// The strings an `enum` or `const` allows, and whether it allows null.
#[derive(Clone, Debug, Default)]
struct Allowed {
    /// The short ones, packed and sorted.
    packed: Vec<u64>,
    long: Vec<String>,
    null: bool,
}

impl Allowed {
    fn of(values: &[Value]) -> Option<Self> {
        let mut a = Self::default();
        for v in values {
            match v {
                Value::Null => a.null = true,
                Value::String(s) => match pack(s.as_bytes()) {
                    Some(n) => a.packed.push(n),
                    None => a.long.push(s.clone()),
                },
                _ => return None,
            }
        }
        a.packed.sort_unstable();
        Some(a)
    }

    fn has(&self, s: &str) -> bool {
        match pack(s.as_bytes()) {
            Some(n) => self.packed.binary_search(&n).is_ok(),
            None => self.long.iter().any(|l| l == s),
        }
    }
}

/// One member of a record.
#[derive(Clone)]
struct Member {
    name: String,
    /// The name packed ([`pack`]), when it is short.
    packed: Option<u64>,
    string: bool,
    null: bool,
    min_length: Option<u64>,
    max_length: Option<u64>,
    /// `enum`, then `const`: each must allow the value.
    allowed: Vec<Allowed>,
    pattern: Option<Pattern>,
}

impl Member {
    fn accepts(&self, v: &Value) -> bool {
        match v {
            Value::String(s) => {
                if !self.string {
                    return false;
                }
                if self.min_length.is_some() || self.max_length.is_some() {
                    // Lengths count characters (code points), as JSON Schema does.
                    let n = if s.is_ascii() {
                        s.len() as u64
                    } else {
                        s.chars().count() as u64
                    };
                    if self.min_length.is_some_and(|m| n < m)
                        || self.max_length.is_some_and(|m| n > m)
                    {
                        return false;
                    }
                }
                self.allowed.iter().all(|a| a.has(s))
                    && self.pattern.as_ref().is_none_or(|p| p.matches(v))
            }
            Value::Null => self.null && self.allowed.iter().all(|a| a.null),
            _ => false,
        }
    }
}

/// A record schema, checked in one pass over the instance's members: an object (`type`), whose
/// members are all named by `properties` (`additionalProperties: false`), each valid, and
/// every `required` one present.
#[derive(Clone)]
struct Record {
    members: Vec<Member>,
    /// A bit per member, set for the required ones.
    required: u64,
    /// Required names that are not members: no instance can have them.
    impossible: bool,
}

impl Record {
    fn from_spec(spec: &Value) -> Result<Self, String> {
        let bad = || format!("not a record: {spec}");
        let mut members = Vec::new();
        for m in spec["members"].as_array().ok_or_else(bad)? {
            let d = &m[1];
            let mut allowed = Vec::new();
            if let Some(e) = d.get("enum") {
                allowed.push(Allowed::of(e.as_array().ok_or_else(bad)?).ok_or_else(bad)?);
            }
            if let Some(c) = d.get("const") {
                allowed.push(Allowed::of(std::slice::from_ref(c)).ok_or_else(bad)?);
            }
            let name = m[0].as_str().ok_or_else(bad)?;
            members.push(Member {
                name: name.to_owned(),
                packed: pack(name.as_bytes()),
                string: d["string"].as_bool().ok_or_else(bad)?,
                null: d["null"].as_bool().ok_or_else(bad)?,
                min_length: d.get("minLength").and_then(Value::as_u64),
                max_length: d.get("maxLength").and_then(Value::as_u64),
                allowed,
                pattern: d.get("pattern").map(Pattern::new).transpose()?,
            });
        }
        if members.len() > 64 {
            return Err(bad());
        }
        let mut required = 0;
        let mut impossible = false;
        for r in spec["required"].as_array().ok_or_else(bad)? {
            match members
                .iter()
                .position(|m| Some(m.name.as_str()) == r.as_str())
            {
                Some(i) => required |= 1 << i,
                None => impossible = true,
            }
        }
        Ok(Self {
            members,
            required,
            impossible,
        })
    }

    /// The member named `key`.
    fn position(&self, key: &str) -> Option<usize> {
        match pack(key.as_bytes()) {
            Some(n) => self.members.iter().position(|m| m.packed == Some(n)),
            None => self.members.iter().position(|m| m.name == key),
        }
    }

    fn accepts(&self, instance: &Value) -> bool {
        let Value::Object(map) = instance else {
            return false;
        };
        if self.impossible {
            return false;
        }
        let mut seen = 0_u64;
        for (k, v) in map {
            let Some(i) = self.position(k) else {
                return false;
            };
            if !self.members[i].accepts(v) {
                return false;
            }
            seen |= 1 << i;
        }
        seen & self.required == self.required
    }
}

impl<'i> Keyword<'i> for Record {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if self.accepts(instance) {
            Ok(())
        } else {
            Err(ValidationError::custom(
                "does not match the record schema (its members, their types, lengths, values and patterns)",
            ))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.accepts(instance)
    }
}

/// The factory of the [`RECORD`] keyword.
pub(super) fn record_keyword<'a>(
    _parent: &'a Map<String, Value>,
    value: &'a Value,
    _location: Location,
) -> Result<Box<dyn for<'i> Keyword<'i>>, ValidationError<'a>> {
    Ok(Box::new(
        Record::from_spec(value).map_err(ValidationError::custom)?,
    ))
}

/// `reference` resolved against the URI `base`.
fn join(base: &str, reference: &str) -> String {
    if reference.contains("://") {
        return reference.to_owned();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("", base));
    let mut parts: Vec<&str> = rest.split('/').collect();
    parts.pop();
    for segment in reference.split('/') {
        match segment {
            "." | "" => {}
            ".." => {
                if parts.len() > 1 {
                    parts.pop();
                }
            }
            other => parts.push(other),
        }
    }
    format!("{scheme}://{}", parts.join("/"))
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The documents of a set by `$id`, and where every `$ref` of them points.
struct Docs<'a> {
    by_id: HashMap<&'a str, &'a Value>,
    /// Every `$ref` target: (document `$id`, JSON pointer).
    targets: Vec<(String, String)>,
}

impl<'a> Docs<'a> {
    fn new(docs: &'a HashMap<String, Value>) -> Self {
        let by_id: HashMap<&str, &Value> = docs
            .values()
            .filter_map(|d| Some((d.get("$id")?.as_str()?, d)))
            .collect();
        let mut targets = Vec::new();
        for (id, doc) in &by_id {
            collect_refs(id, doc, &mut targets);
        }
        Self { by_id, targets }
    }

    /// The document and pointer a `$ref` names, and the schema there; `None` when it is not a
    /// plain JSON pointer into a document of the set, or passes a nested `$id` on the way.
    fn resolve(&self, base: &str, reference: &str) -> Option<(String, &'a Value)> {
        let (uri, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if !(fragment.is_empty() || fragment.starts_with('/')) || fragment.contains('%') {
            return None;
        }
        let id = if uri.is_empty() {
            base.to_owned()
        } else {
            join(base, uri)
        };
        let mut node = *self.by_id.get(id.as_str())?;
        for segment in fragment.split('/').skip(1) {
            node = match node {
                Value::Object(m) => m.get(&unescape(segment))?,
                Value::Array(a) => a.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
            if node.get("$id").is_some() {
                return None;
            }
        }
        Some((id, node))
    }

    /// Whether some `$ref` points inside the schema at `pointer` of document `id` (not at it).
    fn referenced_inside(&self, id: &str, pointer: &str) -> bool {
        self.targets.iter().any(|(d, p)| {
            d == id
                && (p.contains('%')
                    || (p.len() > pointer.len()
                        && p.starts_with(pointer)
                        && p.as_bytes()[pointer.len()] == b'/'))
        })
    }

    /// What a member schema allows, when it is a string/null leaf (through `$ref`s).
    fn member(&self, base: &str, schema: &Value, depth: usize) -> Option<Value> {
        const ANNOTATIONS: [&str; 3] = ["title", "description", "$comment"];
        const LEAF: [&str; 6] = ["type", "minLength", "maxLength", "enum", "const", "pattern"];
        let m = schema.as_object()?;
        if let Some(r) = m.get("$ref") {
            if depth > 8
                || m.keys()
                    .any(|k| k != "$ref" && !ANNOTATIONS.contains(&k.as_str()))
            {
                return None;
            }
            let (id, target) = self.resolve(base, r.as_str()?)?;
            return self.member(&id, target, depth + 1);
        }
        if m.keys()
            .any(|k| !LEAF.contains(&k.as_str()) && !ANNOTATIONS.contains(&k.as_str()))
        {
            return None;
        }
        let types: Vec<&str> = match m.get("type")? {
            Value::String(t) => vec![t.as_str()],
            Value::Array(a) => a.iter().map(Value::as_str).collect::<Option<_>>()?,
            _ => return None,
        };
        if types.is_empty() || types.iter().any(|t| !matches!(*t, "string" | "null")) {
            return None;
        }
        let mut out = json!({"string": types.contains(&"string"), "null": types.contains(&"null")});
        for k in ["minLength", "maxLength"] {
            if let Some(v) = m.get(k) {
                out[k] = json!(v.as_u64()?);
            }
        }
        if let Some(e) = m.get("enum") {
            if !e.as_array()?.iter().all(|x| x.is_string() || x.is_null()) {
                return None;
            }
            out["enum"] = e.clone();
        }
        if let Some(c) = m.get("const") {
            if !(c.is_string() || c.is_null()) {
                return None;
            }
            out["const"] = c.clone();
        }
        if let Some(p) = m.get("pattern") {
            p.as_str()?;
            out["pattern"] = p.clone();
        }
        Some(out)
    }

    /// The [`RECORD`] spec of an object schema, when it is a record.
    fn record(&self, base: &str, schema: &Map<String, Value>) -> Option<Value> {
        const KEYS: [&str; 7] = [
            "type",
            "properties",
            "required",
            "additionalProperties",
            "title",
            "description",
            "$comment",
        ];
        if schema.keys().any(|k| !KEYS.contains(&k.as_str()))
            || schema.get("type")? != "object"
            || schema.get("additionalProperties")? != &Value::Bool(false)
        {
            return None;
        }
        let properties = schema.get("properties")?.as_object()?;
        if properties.is_empty() || properties.len() > 64 {
            return None;
        }
        let required = match schema.get("required") {
            None => json!([]),
            Some(Value::Array(a)) if a.iter().all(Value::is_string) => json!(a),
            Some(_) => return None,
        };
        let mut members = Vec::new();
        for (name, p) in properties {
            members.push(json!([name, self.member(base, p, 0)?]));
        }
        Some(json!({"members": members, "required": required}))
    }

    /// `node` (at `pointer` in document `base`) with every record schema in it rewritten to
    /// [`RECORD`]; the number rewritten.
    fn rewrite(&self, base: &str, node: &mut Value, pointer: &str) -> usize {
        let Value::Object(m) = node else {
            return 0;
        };
        if !pointer.is_empty() && m.contains_key("$id") {
            return 0;
        }
        if let Some(spec) = self.record(base, m)
            && !self.referenced_inside(base, pointer)
        {
            *node = json!({ RECORD: spec });
            return 1;
        }
        let mut n = 0;
        for (k, v) in m.iter_mut() {
            match k.as_str() {
                "properties" | "$defs" | "definitions" | "patternProperties"
                | "dependentSchemas" => {
                    if let Value::Object(children) = v {
                        for (name, child) in children.iter_mut() {
                            let at = format!("{pointer}/{k}/{}", escape(name));
                            n += self.rewrite(base, child, &at);
                        }
                    }
                }
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    if let Value::Array(items) = v {
                        for (i, child) in items.iter_mut().enumerate() {
                            n += self.rewrite(base, child, &format!("{pointer}/{k}/{i}"));
                        }
                    }
                }
                "items"
                | "additionalProperties"
                | "not"
                | "if"
                | "then"
                | "else"
                | "contains"
                | "propertyNames"
                | "unevaluatedItems"
                | "unevaluatedProperties" => {
                    n += self.rewrite(base, v, &format!("{pointer}/{}", escape(k)));
                }
                _ => {}
            }
        }
        n
    }
}

/// Every `$ref` under `node` of the document `base`, resolved to (document, pointer).
fn collect_refs(base: &str, node: &Value, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(m) => {
            // A nested `$id` is the base of the references under it.
            let nested = m
                .get("$id")
                .and_then(Value::as_str)
                .map(|id| join(base, id));
            let base = nested.as_deref().unwrap_or(base);
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                let (uri, fragment) = r.split_once('#').unwrap_or((r, ""));
                let id = if uri.is_empty() {
                    base.to_owned()
                } else {
                    join(base, uri)
                };
                out.push((id, fragment.to_owned()));
            }
            for v in m.values() {
                collect_refs(base, v, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                collect_refs(base, v, out);
            }
        }
        _ => {}
    }
}

/// The documents with their record schemas rewritten to [`RECORD`] (documents without an
/// `$id` are left as they are), and how many were rewritten.
pub(super) fn with_records(docs: &HashMap<String, Value>) -> (HashMap<String, Value>, usize) {
    let index = Docs::new(docs);
    let mut out = docs.clone();
    let mut n = 0;
    for doc in out.values_mut() {
        if let Some(id) = doc.get("$id").and_then(Value::as_str).map(str::to_owned) {
            n += index.rewrite(&id, doc, "");
        }
    }
    (out, n)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::schema::SchemaSet;

    #[test]
    fn patterns_by_hand_agree_with_the_regex() {
        let bases: [&[&str]; 3] = [
            &["-12.345", "0.000", "123456789.999"],
            &[
                "S-IF-031-2300000001-SUP-20260321-1a",
                "S-REP-0123-abcdefABCD-ECSAA-20260321-Z9",
            ],
            &["2000056535971"],
        ];
        assert_eq!(bases.len(), HAND_MATCHED.len());
        let mut checked = 0;
        for ((pattern, _), bases) in HAND_MATCHED.iter().zip(bases) {
            let keyword = pattern_keyword(&Map::new(), &json!(pattern), Location::new())
                .unwrap_or_else(|_| panic!("compiles"));
            let exact = jsonschema::options()
                .with_draft(Draft::Draft202012)
                .build(&json!({ "pattern": pattern }))
                .expect("compiles");
            let mut cases: Vec<Value> = [
                "",
                "-",
                ".",
                " ",
                "1e3",
                "\n",
                "+1.000",
                "1.000\n",
                "٣.٠٠٠",
                "1.０00",
                "1234567890.000",
                "--1.000",
                "-.000",
                "0.00",
                "0.0000",
                "200005653597",
                "20000565359712",
            ]
            .iter()
            .map(|s| json!(s))
            .collect();
            cases.extend([json!(1.5), json!(null), json!(["1.000"]), json!({"v": "x"})]);
            for base in bases {
                let chars: Vec<char> = base.chars().collect();
                cases.push(json!(base));
                for i in 0..chars.len() {
                    for r in ['0', '9', '-', '.', 'a', 'A', 'g', 'I', 'S', ' ', '\u{663}'] {
                        let mut c = chars.clone();
                        c[i] = r;
                        cases.push(json!(c.iter().collect::<String>()));
                        c.insert(i, r);
                        cases.push(json!(c.iter().collect::<String>()));
                        c.remove(i);
                        c.remove(i);
                        cases.push(json!(c.iter().collect::<String>()));
                    }
                }
            }
            for v in &cases {
                assert_eq!(keyword.is_valid(v), exact.is_valid(v), "{pattern} {v}");
                checked += 1;
            }
            for base in bases {
                assert!(keyword.is_valid(&json!(base)), "{pattern} {base}");
            }
            // The error is jsonschema's own.
            let bad = json!("1,5");
            let e = keyword.validate(&bad).expect_err("invalid");
            assert_eq!(e.kind().keyword(), "pattern");
            let want = exact.validate(&bad).expect_err("invalid");
            assert_eq!(e.to_string(), want.to_string());
        }
        assert!(checked > 2_000, "{checked}");
    }

    /// Every payload of the shipped examples: (file, payload, interface, event).
    fn examples() -> Vec<(String, Value, String, String)> {
        let mut out = Vec::new();
        for (path, text) in crate::embedded::under("schemas/examples/") {
            let Ok(body) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            let items = body.as_array().cloned().unwrap_or_default();
            for item in items {
                let p = item.get("payload").cloned().unwrap_or(Value::Null);
                let s0 = &p["CommonBlock"]["S0"];
                if let (Some(i), Some(e)) = (s0["interfaceID"].as_str(), s0["eventCode"].as_str()) {
                    let (i, e) = (i.to_owned(), e.to_owned());
                    out.push((path.to_owned(), p, i, e));
                }
            }
        }
        out
    }

    /// Pointers of every member (object key) under `v`.
    fn members(v: &Value, at: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    let p = format!("{at}/{}", escape(k));
                    out.push(p.clone());
                    members(c, &p, out);
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    members(c, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    fn object<'a>(p: &'a mut Value, at: &str) -> Option<&'a mut Map<String, Value>> {
        p.pointer_mut(at).and_then(Value::as_object_mut)
    }

    #[test]
    fn the_fast_verdict_is_the_exact_one() {
        let set = SchemaSet::embedded().expect("schemas");
        let replacements = [
            json!(null),
            json!(7),
            json!(""),
            json!("x"),
            json!("x".repeat(40)),
            json!("\u{e9}"),
            json!("\u{663}.\u{660}\u{660}\u{660}"),
            json!(true),
            json!({}),
            json!(["x"]),
            json!("0.000"),
            json!("A"),
        ];
        let (mut checked, mut invalid) = (0, 0);
        let mut judge = |set: &SchemaSet, p: &Value, i: &str, e: &str, what: &str| {
            let (fast, exact) = set.verdicts(p, i, e).expect("a variant of the set");
            assert_eq!(fast, exact, "{what}: fast {fast}, exact {exact}");
            checked += 1;
            invalid += usize::from(!exact);
        };
        for (file, mut p, i, e) in examples() {
            judge(&set, &p, &i, &e, &file);
            if !file.contains("/valid/") {
                continue;
            }
            let mut at = Vec::new();
            members(&p, "", &mut at);
            for (n, pointer) in at.iter().enumerate() {
                // Two replacements per member, turn about, and the member left out.
                for r in [n % replacements.len(), (n * 7 + 3) % replacements.len()] {
                    let old = std::mem::replace(
                        p.pointer_mut(pointer).expect("member"),
                        replacements[r].clone(),
                    );
                    judge(
                        &set,
                        &p,
                        &i,
                        &e,
                        &format!("{file} {pointer} = {}", replacements[r]),
                    );
                    *p.pointer_mut(pointer).expect("member") = old;
                }
                let (parent, key) = pointer.rsplit_once('/').expect("a member");
                let key = key.replace("~1", "/").replace("~0", "~");
                let Some(old) = object(&mut p, parent).and_then(|m| m.remove(&key)) else {
                    continue;
                };
                judge(&set, &p, &i, &e, &format!("{file} {pointer} left out"));
                if let Some(m) = object(&mut p, parent) {
                    m.insert("zzUnknown".into(), json!("x"));
                }
                judge(&set, &p, &i, &e, &format!("{file} {pointer} renamed"));
                if let Some(m) = object(&mut p, parent) {
                    m.remove("zzUnknown");
                    m.insert(key, old);
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
        assert!(invalid > checked / 2, "{invalid} of {checked}");
    }

    #[test]
    fn record_schemas_are_rewritten_and_others_kept() {
        let docs: HashMap<String, Value> = crate::embedded::under("schemas/")
            .filter(|(p, _)| {
                p.to_ascii_lowercase().ends_with(".json") && !p.starts_with("schemas/examples/")
            })
            .filter_map(|(p, t)| Some((p.to_owned(), serde_json::from_str(t).ok()?)))
            .collect();
        let (rewritten, n) = with_records(&docs);
        assert!(n > 20, "{n}");
        let blocks = &rewritten["schemas/common/blocks.json"]["$defs"];
        assert!(blocks["B047"].get(RECORD).is_some(), "B047 is a record");
        assert!(blocks["B900"].get(RECORD).is_none(), "B900 holds an array");
        assert_eq!(
            rewritten["schemas/catalogue.json"],
            docs["schemas/catalogue.json"]
        );

        // A schema another one points into is kept as written.
        let id = "https://x.invalid/a.json";
        let doc = json!({"$id": id, "$defs": {
            "R": {"type": "object", "additionalProperties": false,
                  "properties": {"a": {"type": "string", "maxLength": 2}}},
            "S": {"type": "object", "additionalProperties": false,
                  "properties": {"b": {"type": "string"}}},
            "uses": {"$ref": "#/$defs/R/properties/a"}}});
        let (out, n) = with_records(&HashMap::from([("a.json".to_owned(), doc)]));
        assert_eq!(n, 1);
        assert!(out["a.json"]["$defs"]["R"].get(RECORD).is_none());
        assert!(out["a.json"]["$defs"]["S"].get(RECORD).is_some());
    }

    #[test]
    fn a_record_judges_as_json_schema_does() {
        let spec = json!({"members": [
            ["s", {"string": true, "null": false, "minLength": 2, "maxLength": 3}],
            ["e", {"string": true, "null": true, "enum": ["A", "LONGER-THAN-SEVEN", null]}],
            ["c", {"string": true, "null": false, "const": "K"}],
        ], "required": ["s"]});
        let r = Record::from_spec(&spec).expect("a record");
        for (v, ok) in [
            (json!({"s": "ab"}), true),
            (json!({"s": "\u{e9}\u{e9}\u{e9}"}), true),
            (json!({"s": "abcd"}), false),
            (json!({"s": "a"}), false),
            (json!({}), false),
            (json!({"s": "ab", "x": 1}), false),
            (json!({"s": "ab", "e": null}), true),
            (json!({"s": "ab", "e": "LONGER-THAN-SEVEN"}), true),
            (json!({"s": "ab", "e": "B"}), false),
            (json!({"s": "ab", "c": "K"}), true),
            (json!({"s": "ab", "c": "k"}), false),
            (json!({"s": "ab", "c": null}), false),
            (json!({"s": 12}), false),
            (json!(["s"]), false),
        ] {
            assert_eq!(r.accepts(&v), ok, "{v}");
        }
        assert!(
            Record::from_spec(&json!({"members": [], "required": ["x"]}))
                .is_ok_and(|r| !r.accepts(&json!({})))
        );
    }
}
