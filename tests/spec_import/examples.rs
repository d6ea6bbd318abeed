//! Every example of the spec's `Examples-unresolved.yaml` against the imported schemas. Several
//! are stale (older field names, older schema versions); the verdicts and their reasons are
//! pinned here, so a new release of the examples shows up as a change.
#![expect(clippy::print_stdout, reason = "the verdicts are printed to be quoted")]

use mhhs_qual::schema::import::load_yaml;
use mhhs_qual::schema::validate_body;

use crate::common::{imported, spec_dir};

/// Per example: the findings as `rule pointer`, sorted. None of Elexon's examples is valid.
const PINNED: &[(&str, &[&str])] = &[
    (
        "IF-001-ChangeOfSupplier",
        &[
            "additionalProperties /0/payload/CustomBlock/B002",
            "additionalProperties /0/payload/CustomBlock/B003",
            "minLength /0/payload/CustomBlock/B032/SSC",
            "pattern /0/payload/CustomBlock/B032/SSC",
            "required /0/payload/CommonBlock/S0",
            "required /0/payload/CustomBlock/B002",
            "required /0/payload/CustomBlock/B003",
            "required /0/payload/CustomBlock/B013",
        ],
    ),
    (
        "IF-001-InitialRegistration",
        &[
            "additionalProperties /0/payload/CustomBlock/B002",
            "minLength /0/payload/CustomBlock/B032/SSC",
            "pattern /0/payload/CustomBlock/B032/SSC",
            "required /0/payload/CustomBlock/B002",
            "required /0/payload/CustomBlock/B013",
            "type /0/payload/CustomBlock/B035List",
            "type /0/payload/CustomBlock/B037List",
        ],
    ),
    (
        "IF-002",
        &[
            "additionalProperties /0/payload/CommonBlock/S0",
            "additionalProperties /0/payload/CustomBlock",
            "minLength /0/payload/CustomBlock/B032/SSC",
            "pattern /0/payload/CustomBlock/B032/SSC",
            "required /0/payload/CommonBlock/S0",
            "required /0/payload/CustomBlock/B013",
        ],
    ),
    (
        "IF-003-MSDeAppRM",
        &["type /", "variant /payload/CommonBlock/S0/eventCode"],
    ),
    (
        "IF-020-RelatedCreate",
        &[
            "additionalProperties /payload/CommonBlock/S0",
            "required /payload/CommonBlock/S0",
            "required /payload/CustomBlock/B091",
            "type /payload/CommonBlock/R0/responseMessages",
            "type /",
        ],
    ),
    (
        "IF-021",
        &[
            "additionalProperties /0/payload/CommonBlock/S0",
            "additionalProperties /0/payload/CommonBlock/S1",
            "additionalProperties /0/payload/CustomBlock",
            "required /0/payload/CommonBlock/S0",
            "required /0/payload/CommonBlock/S1",
            "required /0/payload/CommonBlock/S1",
            "required /0/payload/CommonBlock/S1",
            "required /0/payload/CommonBlock/S1",
            "required /0/payload/CommonBlock/S1",
            "required /0/payload/CommonBlock/S1",
            "required /0/payload/CustomBlock",
        ],
    ),
    (
        "IF-037-MSDeApp",
        &[
            "additionalProperties /payload/CommonBlock/S0",
            "additionalProperties /payload/CustomBlock/B002",
            "required /payload/CommonBlock/S0",
            "required /payload/CustomBlock/B002",
            "required /payload/CustomBlock/B013",
            "type /",
        ],
    ),
    ("IF-043", &["required /payload/CommonBlock/S0", "type /"]),
    (
        "IF-044",
        &[
            "additionalProperties /payload/CommonBlock/S0",
            "required /payload/CommonBlock/S0",
            "type /",
        ],
    ),
    ("REP-002", &["variant /0/payload/CommonBlock/S0/eventCode"]),
    (
        "REP-002-proposed",
        &["variant /0/payload/CommonBlock/S0/eventCode"],
    ),
];

/// Why, in words: a finding message that must be among each example's findings.
const REASONS: &[(&str, &str)] = &[
    (
        "IF-001-ChangeOfSupplier",
        "\"interfaceID\" is a required property",
    ),
    (
        "IF-001-ChangeOfSupplier",
        "\"83\" is shorter than 4 characters",
    ),
    (
        "IF-001-InitialRegistration",
        "'incomingSupplierEffectiveFromDate' was unexpected",
    ),
    ("IF-001-InitialRegistration", "is not of type \"array\""),
    ("IF-002", "'InterfaceID' was unexpected"),
    ("IF-002", "'B035List', 'B037List' were unexpected"),
    ("IF-003-MSDeAppRM", "(it is an event code of IF-037)"),
    (
        "IF-020-RelatedCreate",
        "\"MSG0000 - Success\" is not of type \"array\"",
    ),
    ("IF-021", "'interfaceId' was unexpected"),
    ("IF-021", "'B900List' was unexpected"),
    (
        "IF-037-MSDeApp",
        "\"CSSRegistrationID\" is a required property",
    ),
    ("IF-043", "not an array of"),
    ("REP-002", "(it is an event code of REP-002B)"),
];

#[test]
fn the_spec_examples_get_the_pinned_verdicts() {
    let Some(spec) = spec_dir() else { return };
    let set = &imported(&spec).set;
    let doc = load_yaml(&spec.join("Examples-unresolved.yaml")).unwrap();
    let examples = doc["components"]["examples"].as_object().unwrap();
    let mut got = Vec::new();
    for (name, example) in examples {
        let interface = name.splitn(3, '-').take(2).collect::<Vec<_>>().join("-");
        let findings = validate_body(set, &example["value"], Some(&interface));
        let mut reasons: Vec<String> = findings
            .iter()
            .map(|f| {
                let pointer = if f.pointer.is_empty() {
                    "/"
                } else {
                    &f.pointer
                };
                format!("{} {pointer}: {}", f.rule, f.message)
            })
            .collect();
        reasons.sort();
        println!("{name}: {} finding(s)", findings.len());
        for r in &reasons {
            println!("    {r}");
        }
        got.push((name.clone(), findings.len(), reasons));
    }
    let names: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
    let pinned: Vec<&str> = PINNED.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, pinned, "the examples of the spec changed");
    for ((name, count, reasons), (_, expected)) in got.iter().zip(PINNED) {
        let mut short: Vec<String> = reasons
            .iter()
            .map(|r| r.split_once(": ").map_or(r.as_str(), |(a, _)| a).to_owned())
            .collect();
        short.sort();
        let mut expected = expected.to_vec();
        expected.sort_unstable();
        assert_eq!(short, expected, "{name}");
        assert!(*count > 0, "{name} is valid now: unpin it");
    }
    for (name, reason) in REASONS {
        let (_, _, reasons) = got.iter().find(|(n, _, _)| n == name).unwrap();
        assert!(
            reasons.iter().any(|r| r.contains(reason)),
            "{name}: no finding says {reason:?}:\n{}",
            reasons.join("\n")
        );
    }
}
