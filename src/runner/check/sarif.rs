//! Findings as a SARIF 2.1.0 log (the OASIS Static Analysis Results Interchange Format), the
//! form code-scanning views read: one run of the `mhhs-qual` tool with its rules, and a
//! result per finding at its file, line and column (columns count Unicode code points).

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Finding, Rule};

/// The schema a SARIF 2.1.0 log names.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF log of these findings.
pub fn log(findings: &[Finding], version: &str) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.id(),
                "shortDescription": { "text": r.description() },
                "defaultConfiguration": {
                    "level": if *r == Rule::UnusedStep { "warning" } else { "error" }
                },
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let (uri, base) = uri(&f.path);
            let mut artifact = json!({ "uri": uri });
            if let Some(base) = base {
                artifact["uriBaseId"] = json!(base);
            }
            json!({
                "ruleId": f.rule.id(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0),
                "level": f.severity.as_str(),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": { "startLine": f.line, "startColumn": f.col },
                    }
                }],
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "mhhs-qual",
                    "version": version,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A path as a URI reference: relative paths stay relative to the source root
/// (`%SRCROOT%`), absolute ones become `file://` URIs; characters a URI cannot hold are
/// percent-encoded.
fn uri(path: &str) -> (String, Option<&'static str>) {
    let path = path.replace('\\', "/");
    let mut encoded = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            encoded.push(char::from(b));
        } else {
            let _ = write!(encoded, "%{b:02X}");
        }
    }
    if path.starts_with('/') {
        (format!("file://{encoded}"), None)
    } else {
        let relative = encoded.trim_start_matches("./").to_owned();
        (relative, Some("%SRCROOT%"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_is_a_result_at_its_place() {
        let f = Finding::error("features/a b.feature", 3, 5, Rule::Tag, "bad".to_owned());
        let log = log(&[f], "1.0.0");
        let result = &log["runs"][0]["results"][0];
        assert_eq!(result["ruleId"], "tag");
        assert_eq!(
            log["runs"][0]["tool"]["driver"]["rules"]
                [usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap()]["id"],
            "tag"
        );
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "features/a%20b.feature"
        );
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(location["region"]["startLine"], 3);
        assert_eq!(uri("/tmp/x.feature").0, "file:///tmp/x.feature");
        assert_eq!(uri("./x.feature").0, "x.feature");
    }
}
