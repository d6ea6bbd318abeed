//! Message templates (`stubs/templates/<IF>-<Event>.json`, or a name a reaction gives): a payload with `${name}`
//! placeholders that the harness fills for each message.
//!
//! A string that is exactly `${name}` is replaced by the variable's JSON value (so it can
//! become `null`, a number or an object); `${name}` inside a longer string is interpolated.
//! `${request:/pointer}` takes a value from the message a counterparty is answering. When no
//! template exists for a variant, the valid example of its schema is used as it is.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::embedded;

/// Variables a template is filled with.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    values: HashMap<String, Value>,
    request: Option<Value>,
    /// Variables that have no value here: a member that is exactly `${name}` of one of them
    /// is left out.
    absent: Vec<String>,
}

impl Vars {
    pub fn new() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn set(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.values.insert(name.to_owned(), value.into());
        self
    }

    /// Marks `name` as having no value: a member that is exactly `${name}` is left out (an
    /// optional block that does not apply).
    #[must_use]
    pub fn without(mut self, name: &str) -> Self {
        self.values.remove(name);
        self.absent.push(name.to_owned());
        self
    }

    /// The payload being answered, for `${request:/pointer}`.
    #[must_use]
    pub fn with_request(mut self, payload: Value) -> Self {
        self.request = Some(payload);
        self
    }

    /// Whether `v` is exactly `${request:/pointer}` and the request has nothing there.
    fn absent_from_request(&self, v: &Value) -> bool {
        if let Some(name) = v
            .as_str()
            .and_then(|s| s.strip_prefix("${"))
            .and_then(|s| s.strip_suffix('}'))
            && self.absent.iter().any(|a| a == name)
        {
            return true;
        }
        let Some(pointer) = v
            .as_str()
            .and_then(|s| s.strip_prefix("${request:"))
            .and_then(|s| s.strip_suffix('}'))
        else {
            return false;
        };
        self.request
            .as_ref()
            .is_some_and(|r| r.pointer(pointer).is_none())
    }

    fn get(&self, name: &str) -> Option<Value> {
        if let Some(pointer) = name.strip_prefix("request:") {
            return Some(
                self.request
                    .as_ref()
                    .and_then(|r| r.pointer(pointer))
                    .cloned()
                    .unwrap_or(Value::Null),
            );
        }
        self.values.get(name).cloned()
    }
}

/// Fills every placeholder of a template. Unknown placeholders are left as they are, so a
/// schema check names them.
pub fn fill(template: &Value, vars: &Vars) -> Value {
    match template {
        Value::String(s) => fill_str(s, vars),
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, vars)).collect()),
        // A member that is exactly `${request:/pointer}` where the request has nothing is left
        // out: what the request leaves out (an optional block), the answer leaves out too.
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !vars.absent_from_request(v))
                .map(|(k, v)| (k.clone(), fill(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn fill_str(s: &str, vars: &Vars) -> Value {
    if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
        && !name.contains("${")
        && let Some(v) = vars.get(name)
    {
        return v;
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Value::String(out);
        };
        let name = &after[..end];
        match vars.get(name) {
            Some(Value::String(v)) => out.push_str(&v),
            Some(Value::Null) | None => out.push_str(&rest[start..=(start + 2 + end)]),
            Some(v) => out.push_str(&v.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Value::String(out)
}

/// Why a message could not be built from its template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("{path}:{line}: not valid JSON: {reason}")]
    Json {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("{0} has no /0/payload")]
    NoPayload(String),
    #[error("no template for {interface} {event} (looked for stubs/templates/{name})")]
    Missing {
        interface: String,
        event: String,
        name: String,
    },
    #[error("template of {interface} {event}: {what} is not a JSON object")]
    NotAnObject {
        interface: String,
        event: String,
        what: &'static str,
    },
}

/// Where templates come from: a folder of one's own, then the shipped `stubs/templates/`,
/// then the valid examples of the shipped schemas.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    pub dir: Option<PathBuf>,
}

impl Templates {
    /// The template payload of an event variant, or of a named template.
    pub fn payload(
        &self,
        interface: &str,
        event: &str,
        named: Option<&str>,
    ) -> Result<Value, TemplateError> {
        let name = match named {
            Some(n) => format!("{n}.json"),
            None => format!(
                "{interface}-{}.json",
                event.trim_start_matches('[').trim_end_matches(']')
            ),
        };
        if let Some(dir) = &self.dir {
            let path = dir.join(&name);
            if path.exists() {
                let text = std::fs::read_to_string(&path).map_err(|e| TemplateError::Read {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
                return parse(&text, &path.display().to_string());
            }
        }
        if let Some(text) = embedded::file(&format!("stubs/templates/{name}")) {
            return parse(text, &format!("stubs/templates/{name}"));
        }
        if let Some(text) = embedded::file(&format!("schemas/examples/valid/{name}")) {
            let example = parse(text, &name)?;
            return example
                .pointer("/0/payload")
                .cloned()
                .ok_or_else(|| TemplateError::NoPayload(format!("schemas/examples/valid/{name}")));
        }
        Err(TemplateError::Missing {
            interface: interface.to_owned(),
            event: event.to_owned(),
            name,
        })
    }
}

fn parse(text: &str, name: &str) -> Result<Value, TemplateError> {
    serde_json::from_str(text).map_err(|e| TemplateError::Json {
        path: name.to_owned(),
        line: e.line(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_fill_whole_values_and_substrings() {
        let t = json!({"a": "${mpan}", "b": "ref-${mpan}-x", "c": "${nothing}", "d": "${request:/x/y}", "e": ["${n}"]});
        let vars = Vars::new()
            .set("mpan", "2000056535971")
            .set("n", 3)
            .with_request(json!({"x": {"y": {"z": true}}}));
        assert_eq!(
            fill(&t, &vars),
            json!({"a": "2000056535971", "b": "ref-2000056535971-x", "c": "${nothing}", "d": {"z": true}, "e": [3]})
        );
    }

    #[test]
    fn a_member_the_request_leaves_out_is_left_out() {
        let t = json!({"B012": "${request:/B012}", "B013": "${request:/B013}", "R0": {"a": "${request:/none}"}});
        let vars = Vars::new().with_request(json!({"B012": {"id": 1}, "B013": null}));
        assert_eq!(
            fill(&t, &vars),
            json!({"B012": {"id": 1}, "B013": null, "R0": {}})
        );
    }

    #[test]
    fn a_member_of_an_absent_variable_is_left_out() {
        let t = json!({"B019": "${mdr}", "B015": {"x": "${mdr}"}, "B068": "${consent}"});
        let vars = Vars::new()
            .set("mdr", json!({"id": 1}))
            .without("mdr")
            .set("consent", 2);
        assert_eq!(fill(&t, &vars), json!({"B015": {}, "B068": 2}));
    }
}
