//! The import itself: read the spec's YAML files, convert their schemas, write the folder.
//!
//! Layout written (the layout of `schemas/`, see its README):
//!
//! | path | what |
//! |---|---|
//! | `catalogue.json` | every `IF-nnn-Payload` / `REP-nnn-Payload`, its event codes and `variants` |
//! | `interfaces/<component>.json` | each component of `Interfaces-EventCodes` (payloads and their event variants) |
//! | `spec/<file>.json` | the converted `components.schemas` of every other spec file |
//! | `dip/envelope.json` | `$defs/ingressArray` and `$defs/egressArray` (array shape only) |
//! | `dip/standard-response.json`, `dip/webhook-config.json`, `dip/message-request.json` | the DIP-level types |
//! | `response-codes.json` | DI-999 codes and their texts |
//! | `import-report.json` | spec version, counts, and every keyword the import could not convert |
//!
//! Event code to variant: the schema the spec's own `/validate/{IF}/{event}` endpoint names,
//! else the one `oneOf` alternative whose `S0.eventCode` enum holds the code, else (the code in
//! several alternatives) the whole interface payload.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Serialize;
use serde_json::{Value, json};

use super::convert::{Converter, INTERFACES_FILE, stem};
use super::yaml::{YamlError, parse_yaml};

/// Base of every `$id` the import writes (never fetched).
pub const IMPORTED_BASE: &str = "https://mhhs-qual.invalid/imported/";

const SUBMIT_FILE: &str = "SubmitEvents-unresolved.yaml";
const RESPONSE_CODES_FILE: &str = "ResponseCodes-unresolved.yaml";
const REQUIRED_FILES: [&str; 5] = [
    INTERFACES_FILE,
    SUBMIT_FILE,
    "RealCommonBlocks-unresolved.yaml",
    "DataTypes-unresolved.yaml",
    "DataCatalogue-unresolved.yaml",
];
const SCHEMA_2020: &str = "https://json-schema.org/draft/2020-12/schema";

/// Why an import failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "{path} is not a checkout of the DIP API specification (elexon-data/dip-api-documentation): {missing}"
    )]
    NotSpec { path: PathBuf, missing: String },
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error("{schema}: dangling $ref {reference}{more}")]
    DanglingRef {
        schema: String,
        reference: String,
        more: String,
    },
    #[error("{file}: {message}")]
    Shape { file: String, message: String },
    #[error(
        "{path} is not empty and holds no import-report.json: refusing to write an import over it"
    )]
    OutNotEmpty { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A keyword the import could not convert, by schema name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unconverted {
    /// `<file>#/components/schemas/<name>/...`
    pub schema: String,
    pub keyword: String,
    pub note: String,
}

/// What an import wrote.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    pub spec_version: String,
    pub interfaces: usize,
    /// (interface, event code) pairs mapped to a variant schema.
    pub event_variants: usize,
    /// Files under `interfaces/`: payloads and their `oneOf` alternatives.
    pub variant_files: usize,
    pub files_written: usize,
    pub unconverted: Vec<Unconverted>,
    /// Facts of the spec worth knowing (event codes in several variants ...).
    pub notes: Vec<String>,
}

/// Imports the spec checked out at `spec` into the folder `out`.
pub fn import(spec: &Path, out: &Path) -> Result<ImportSummary, ImportError> {
    let (docs, raw_codes) = read_spec(spec)?;
    prepare_out(out)?;
    let components = |file: &str| -> BTreeMap<String, Value> {
        docs.get(file)
            .and_then(|d| d.pointer("/components/schemas"))
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let interfaces = components(INTERFACES_FILE);
    let own: BTreeSet<String> = interfaces.keys().cloned().collect();
    let mut conv = Converter::new(&docs, &own);
    let mut writes: Vec<(String, Value)> = Vec::new();

    for (name, schema) in &interfaces {
        let label = format!("{INTERFACES_FILE}#/components/schemas/{name}");
        let mut doc = conv.convert(schema, INTERFACES_FILE, &label);
        stamp(&mut doc, &format!("interfaces/{name}.json"), &label);
        writes.push((format!("interfaces/{name}.json"), doc));
    }
    for file in docs.keys().filter(|f| f.as_str() != INTERFACES_FILE) {
        let schemas = components(file);
        if schemas.is_empty() {
            continue;
        }
        let converted: serde_json::Map<String, Value> = schemas
            .iter()
            .map(|(name, s)| {
                let label = format!("{file}#/components/schemas/{name}");
                (name.clone(), conv.convert(s, file, &label))
            })
            .collect();
        let rel = format!("spec/{}.json", stem(file));
        let mut doc = json!({ "components": { "schemas": converted } });
        stamp(&mut doc, &rel, file);
        writes.push((rel, doc));
    }

    let validate_paths = validate_targets(&docs, &conv)?;
    if let Some((schema, reference)) = conv.dangling.first() {
        let n = conv.dangling.len();
        return Err(ImportError::DanglingRef {
            schema: schema.clone(),
            reference: reference.clone(),
            more: if n > 1 {
                format!(" (and {} more)", n - 1)
            } else {
                String::new()
            },
        });
    }
    let mut notes = Vec::new();
    let catalogue = catalogue(&interfaces, &validate_paths, &mut notes);
    let event_variants = catalogue
        .iter()
        .map(|i| i["variants"].as_object().map_or(0, serde_json::Map::len))
        .sum();
    let spec_version = docs[SUBMIT_FILE]
        .pointer("/info/version")
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .unwrap_or_default();
    let n_interfaces = catalogue.len();
    writes.push((
        "catalogue.json".into(),
        json!({
            "catalogueVersion": format!("imported {spec_version}"),
            "source": "Imported by `mhhs-qual schemas import` from the DIP API specification (elexon-data/dip-api-documentation)",
            "interfaces": catalogue,
        }),
    ));
    writes.extend(dip_files(&docs)?);
    writes.push((
        "response-codes.json".into(),
        json!({
            "$comment": format!("DI-999 response codes, imported from {RESPONSE_CODES_FILE} (texts from its comments)"),
            "codes": response_codes(&raw_codes),
        }),
    ));
    let summary = ImportSummary {
        spec_version,
        interfaces: n_interfaces,
        event_variants,
        variant_files: interfaces.len(),
        files_written: writes.len() + 1,
        unconverted: conv.unconverted,
        notes,
    };
    writes.push((
        "import-report.json".into(),
        serde_json::to_value(&summary).unwrap_or_default(),
    ));
    for (rel, doc) in &writes {
        let path = out.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| ImportError::Write {
                path: dir.to_owned(),
                source,
            })?;
        }
        let text = serde_json::to_vec_pretty(doc).unwrap_or_default();
        std::fs::write(&path, text).map_err(|source| ImportError::Write { path, source })?;
    }
    Ok(summary)
}

type Docs = BTreeMap<String, Value>;

fn read_spec(spec: &Path) -> Result<(Docs, String), ImportError> {
    let not_spec = |missing: String| ImportError::NotSpec {
        path: spec.to_owned(),
        missing,
    };
    let entries = std::fs::read_dir(spec).map_err(|e| not_spec(format!("cannot read it: {e}")))?;
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            if let Ok(sub) = std::fs::read_dir(&p) {
                files.extend(sub.flatten().map(|e| e.path()).filter(|p| is_yaml(p)));
            }
        } else if is_yaml(&p) {
            files.push(p);
        }
    }
    let names: BTreeSet<String> = files.iter().filter_map(|p| file_name(p)).collect();
    let missing: Vec<&str> = REQUIRED_FILES
        .iter()
        .copied()
        .filter(|f| !names.contains(*f))
        .collect();
    if !missing.is_empty() {
        return Err(not_spec(format!("missing {}", missing.join(", "))));
    }
    let mut docs = BTreeMap::new();
    let mut raw_codes = String::new();
    for path in files {
        let Some(name) = file_name(&path) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).map_err(|source| YamlError::Read {
            path: path.clone(),
            source,
        })?;
        let doc = parse_yaml(&path, &text)?;
        if name == RESPONSE_CODES_FILE {
            raw_codes = text;
        }
        docs.entry(name).or_insert(doc);
    }
    Ok((docs, raw_codes))
}

fn is_yaml(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

fn file_name(p: &Path) -> Option<String> {
    p.file_name().map(|n| n.to_string_lossy().into_owned())
}

fn prepare_out(out: &Path) -> Result<(), ImportError> {
    if out.join("import-report.json").is_file() {
        for sub in ["interfaces", "spec", "dip"] {
            let dir = out.join(sub);
            if dir.is_dir() {
                std::fs::remove_dir_all(&dir)
                    .map_err(|source| ImportError::Write { path: dir, source })?;
            }
        }
    } else if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(ImportError::OutNotEmpty {
            path: out.to_owned(),
        });
    }
    Ok(())
}

/// Adds `$schema`, `$id` and the source to a document the import writes.
fn stamp(doc: &mut Value, rel: &str, source: &str) {
    if let Value::Object(map) = doc {
        let mut stamped = serde_json::Map::new();
        stamped.insert("$schema".into(), SCHEMA_2020.into());
        stamped.insert("$id".into(), format!("{IMPORTED_BASE}{rel}").into());
        stamped.insert(
            "$comment".into(),
            format!("imported from the DIP API specification: {source}").into(),
        );
        stamped.extend(std::mem::take(map));
        *map = stamped;
    }
}

/// `(IF-020, [RelatedAdd])` -> `IF-020-RelatedAdd`: the component each `/validate/{IF}/{event}`
/// endpoint of SubmitEvents names.
fn validate_targets(
    docs: &Docs,
    conv: &Converter<'_>,
) -> Result<BTreeMap<(String, String), String>, ImportError> {
    let mut out = BTreeMap::new();
    let Some(paths) = docs[SUBMIT_FILE].get("paths").and_then(Value::as_object) else {
        return Err(ImportError::Shape {
            file: SUBMIT_FILE.into(),
            message: "no `paths`".into(),
        });
    };
    for (path, item) in paths {
        let mut parts = path.trim_start_matches('/').split('/');
        let (Some("validate"), Some(interface), Some(event)) =
            (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Some(reference) = item
            .pointer(
                "/post/requestBody/content/application~1json/schema/items/properties/payload/$ref",
            )
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Some(target) = conv.target(reference, SUBMIT_FILE) else {
            return Err(ImportError::DanglingRef {
                schema: format!("{SUBMIT_FILE}#/paths/{path}"),
                reference: reference.trim().to_owned(),
                more: String::new(),
            });
        };
        if let Some(component) = target
            .strip_prefix(IMPORTED_BASE)
            .and_then(|t| t.strip_prefix("interfaces/"))
            .and_then(|t| t.strip_suffix(".json"))
        {
            out.insert(
                (interface.to_owned(), format!("[{event}]")),
                component.to_owned(),
            );
        }
    }
    Ok(out)
}

fn event_codes(variant: &Value) -> Vec<String> {
    variant
        .pointer("/properties/CommonBlock/properties/S0/properties/eventCode/enum")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn schema_versions(variant: &Value) -> Vec<Value> {
    variant
        .pointer("/properties/CommonBlock/properties/S0/properties/schemaVersion/enum")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn catalogue(
    components: &BTreeMap<String, Value>,
    validate_paths: &BTreeMap<(String, String), String>,
    notes: &mut Vec<String>,
) -> Vec<Value> {
    let mut out = Vec::new();
    for (name, payload) in components {
        let Some(id) = name.strip_suffix("-Payload") else {
            continue;
        };
        let alternatives: Vec<String> = match payload.get("oneOf").and_then(Value::as_array) {
            Some(alts) => alts
                .iter()
                .filter_map(|a| a.get("$ref").and_then(Value::as_str))
                .filter_map(|r| r.rsplit('/').next())
                .map(str::to_owned)
                .collect(),
            None => vec![name.clone()],
        };
        let mut events: Vec<String> = Vec::new();
        let mut holders: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut versions: Vec<Value> = Vec::new();
        for alt in &alternatives {
            let Some(schema) = components.get(alt) else {
                continue;
            };
            for v in schema_versions(schema) {
                if !versions.contains(&v) {
                    versions.push(v);
                }
            }
            for e in event_codes(schema) {
                if !events.contains(&e) {
                    events.push(e.clone());
                }
                holders.entry(e).or_default().push(alt.clone());
            }
        }
        let mut variants = serde_json::Map::new();
        for e in &events {
            let alts = &holders[e];
            let file = if let Some(c) = validate_paths.get(&(id.to_owned(), e.clone())) {
                if alts.len() > 1 {
                    notes.push(format!(
                        "{id} {e} is in the eventCode enum of {} variants ({}); the /validate endpoint names {c}",
                        alts.len(),
                        alts.join(", ")
                    ));
                }
                c.clone()
            } else if alts.len() == 1 {
                alts[0].clone()
            } else {
                notes.push(format!(
                    "{id} {e} is in the eventCode enum of {} variants ({}); checked against the whole {name}",
                    alts.len(),
                    alts.join(", ")
                ));
                name.clone()
            };
            variants.insert(e.clone(), format!("interfaces/{file}.json").into());
        }
        let description = payload
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let title = description
            .strip_prefix(id)
            .unwrap_or(description)
            .trim()
            .to_owned();
        let publication = id
            .strip_prefix("IF-")
            .map_or(Value::Null, |n| format!("PUB-{n}").into());
        out.push(json!({
            "id": id,
            "pub": publication,
            "name": title,
            "schemaVersion": versions,
            "eventCodes": events,
            "variants": variants,
        }));
    }
    out
}

fn dip_files(docs: &Docs) -> Result<Vec<(String, Value)>, ImportError> {
    let submit = &docs[SUBMIT_FILE];
    let get = |name: &str| -> Result<&Value, ImportError> {
        submit
            .pointer(&format!("/components/schemas/{name}"))
            .ok_or_else(|| ImportError::Shape {
                file: SUBMIT_FILE.into(),
                message: format!("no components.schemas.{name}"),
            })
    };
    let array = |name: &str, item: &str| -> Result<Value, ImportError> {
        let a = get(name)?;
        let m = get(item)?;
        let mut items = json!({
            "type": "object",
            "required": m.get("required").cloned().unwrap_or_else(|| json!(["payload"])),
            "properties": {
                "payload": {
                    "description": "checked against its variant schema separately (S0.interfaceID + S0.eventCode, see catalogue.json)",
                    "type": "object"
                }
            }
        });
        if let Some(ap) = m.get("additionalProperties") {
            items["additionalProperties"] = ap.clone();
        }
        let mut out = json!({ "type": "array", "items": items });
        for k in ["minItems", "maxItems"] {
            if let Some(v) = a.get(k) {
                out[k] = v.clone();
            }
        }
        Ok(out)
    };
    let mut envelope = json!({
        "title": "DIP message arrays, imported: the shape of DIPMessageArray and DIPMessageEgressArray; each payload is checked against its variant",
        "$defs": {
            "ingressArray": array("DIPMessageArray", "DIPMessage")?,
            "egressArray": array("DIPMessageEgressArray", "DIPMessageEgress")?,
        }
    });
    stamp(&mut envelope, "dip/envelope.json", SUBMIT_FILE);
    let mut out = vec![("dip/envelope.json".to_owned(), envelope)];
    for (rel, name) in [
        ("dip/standard-response.json", "StandardResponse"),
        ("dip/webhook-config.json", "WebhookConfig"),
        ("dip/message-request.json", "MessageRequest"),
    ] {
        get(name)?;
        let mut doc = json!({
            "$ref": format!("{IMPORTED_BASE}spec/{}.json#/components/schemas/{name}", stem(SUBMIT_FILE))
        });
        stamp(
            &mut doc,
            rel,
            &format!("{SUBMIT_FILE}#/components/schemas/{name}"),
        );
        out.push((rel.to_owned(), doc));
    }
    Ok(out)
}

/// The codes of the DI-999 enum, with the texts the spec gives only in YAML comments
/// (`- MSG0000  #  Success`).
fn response_codes(raw: &str) -> BTreeMap<String, String> {
    let line =
        Regex::new(r"^\s*-\s*([A-Z]{2,3}\d{3,4})\s*(?:#\s*(.*?))?\s*$").expect("valid regex");
    raw.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| line.captures(l))
        .map(|c| {
            (
                c[1].to_owned(),
                c.get(2).map_or("", |m| m.as_str()).to_owned(),
            )
        })
        .collect()
}
