//! The supplier pack against the in-process reference supplier: it passes when the supplier is
//! correct, and every fault switch makes the scenarios that exist to catch it fail. A scenario
//! that no fault can fail would be a defect, so the table must cover every scenario.

use std::collections::BTreeSet;

use mhhs_qual::report::Status;
use mhhs_qual::runner::{RunOptions, run};
use mhhs_qual::sut::SupplierFault;

/// Each fault and the scenarios that must fail because of it.
const CATCHES: [(&str, &[&str]); 32] = [
    ("slow-ack", &["QT-SUP-001", "QT-SUP-002"]),
    ("wrong-echo", &["QT-SUP-001", "QT-SUP-002"]),
    ("accept-schema-failure", &["QT-SUP-010"]),
    ("accept-wrong-environment", &["QT-SUP-011"]),
    ("accept-unknown-event", &["QT-SUP-012"]),
    ("accept-wrong-schema-version", &["QT-SUP-013"]),
    ("accept-bad-check-digit", &["QT-SUP-014", "QT-SUP-017"]),
    ("accept-non-json", &["QT-SUP-015"]),
    ("accept-unknown-interface", &["QT-SUP-016"]),
    (
        "react-to-rejected",
        &[
            "QT-SUP-010",
            "QT-SUP-011",
            "QT-SUP-013",
            "QT-SUP-014",
            "QT-SUP-017",
        ],
    ),
    ("partial-batch", &["QT-SUP-017"]),
    ("not-idempotent", &["QT-SUP-020"]),
    (
        "no-appointment",
        &["QT-SUP-030", "QT-SUP-031", "QT-SUP-032", "QT-SUP-040"],
    ),
    ("smart-services-only", &["QT-SUP-031", "QT-SUP-032"]),
    (
        "wrong-recipient",
        &["QT-SUP-030", "QT-SUP-031", "QT-SUP-032"],
    ),
    (
        "wrong-scenario",
        &["QT-SUP-030", "QT-SUP-031", "QT-SUP-032"],
    ),
    ("bad-timestamp", &["QT-SUP-040"]),
    ("reuse-reference", &["QT-SUP-040"]),
    ("wrong-environment-tag", &["QT-SUP-040"]),
    ("reference-mismatch", &["QT-SUP-040"]),
    ("no-retry", &["QT-SUP-050", "QT-SUP-051"]),
    ("retry-new-reference", &["QT-SUP-050", "QT-SUP-051"]),
    ("resubmit-on-400", &["QT-SUP-052"]),
    ("accept-missing-date", &["QT-SUP-063"]),
    ("accept-missing-hash", &["QT-SUP-063"]),
    ("accept-missing-signature", &["QT-SUP-063"]),
    ("accept-missing-certificate", &["QT-SUP-063"]),
    ("hash-not-checked", &["QT-SUP-060"]),
    ("no-clock-check", &["QT-SUP-061"]),
    ("any-certificate", &["QT-SUP-062"]),
    (
        "unsigned-submissions",
        &["QT-SUP-064", "QT-SUP-030", "QT-SUP-040"],
    ),
    (
        "signs-url-as-is",
        &["QT-SUP-064", "QT-SUP-030", "QT-SUP-040"],
    ),
];

/// For faults that fail one row of an outline: the header the failing row names.
const ROW: [(&str, &str); 4] = [
    ("accept-missing-date", "X-DIP-Signature-Date"),
    ("accept-missing-hash", "X-DIP-Content-Hash"),
    ("accept-missing-signature", "X-DIP-Signature"),
    ("accept-missing-certificate", "X-DIP-Signature-Certificate"),
];

async fn run_with(
    faults: Vec<SupplierFault>,
    tags: Option<&str>,
) -> (u8, Vec<(String, Status, Option<String>, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let outcome = run(RunOptions {
        pack: Some("supplier".into()),
        report_dir: dir.path().to_owned(),
        faults,
        tags: tags.map(str::to_owned),
        ..RunOptions::default()
    })
    .await
    .expect("the run starts");
    assert!(dir.path().join("junit.xml").exists());
    assert!(dir.path().join("results.json").exists());
    assert!(dir.path().join("journal.ndjson").exists());
    let scenarios = outcome
        .scenarios
        .iter()
        .map(|s| {
            (
                s.qt_id().unwrap_or_default().to_owned(),
                s.status,
                s.failure.clone(),
                s.name.clone(),
            )
        })
        .collect();
    (outcome.exit, scenarios)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pack_passes_against_the_reference_supplier() {
    let (exit, scenarios) = run_with(Vec::new(), None).await;
    let failed: Vec<_> = scenarios.iter().filter(|s| s.1 != Status::Passed).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(exit, 0);
    let ids: BTreeSet<&str> = scenarios.iter().map(|s| s.0.as_str()).collect();
    // S1 to S7, each level-3 code, three segments, 503 and 429, each signature fault: 23 ids,
    // 31 testcases.
    assert_eq!(ids.len(), 23, "{ids:?}");
    assert_eq!(scenarios.len(), 31);
}

#[test]
fn every_fault_switch_is_in_the_table_and_every_scenario_is_caught_by_one() {
    let names: BTreeSet<&str> = SupplierFault::ALL.iter().map(|f| f.1).collect();
    let table: BTreeSet<&str> = CATCHES.iter().map(|c| c.0).collect();
    assert_eq!(names, table);
    let caught: BTreeSet<&str> = CATCHES.iter().flat_map(|c| c.1.iter().copied()).collect();
    let pack: BTreeSet<String> = mhhs_qual::runner::Features::pack("supplier")
        .unwrap()
        .scenarios()
        .filter_map(|(_, s)| s.tags.iter().find(|t| t.starts_with("QT-")).cloned())
        .collect();
    let pack: BTreeSet<&str> = pack.iter().map(String::as_str).collect();
    assert_eq!(
        pack,
        caught,
        "scenarios no fault fails: {:?}",
        pack.difference(&caught).collect::<Vec<_>>()
    );
}

async fn check_fault(name: &str) {
    let (_, expected) = CATCHES.iter().find(|c| c.0 == name).unwrap();
    let (exit, scenarios) = run_with(vec![name.parse().unwrap()], None).await;
    assert_eq!(exit, 1, "{name}: the run must fail");
    if let Some((_, header)) = ROW.iter().find(|r| r.0 == name) {
        // Exactly the row of the header the fault ignores fails; the other rows pass.
        let rows: Vec<_> = scenarios.iter().filter(|s| s.0 == "QT-SUP-063").collect();
        assert_eq!(rows.len(), 4);
        let failed: Vec<_> = rows.iter().filter(|s| s.1 == Status::Failed).collect();
        assert_eq!(failed.len(), 1, "{name}: {rows:#?}");
        assert!(
            failed[0].3.contains(&format!("without {header} is")),
            "{failed:#?}"
        );
    }
    for id in *expected {
        let hits: Vec<_> = scenarios.iter().filter(|s| s.0 == *id).collect();
        assert!(!hits.is_empty(), "{id} not in the pack");
        assert!(
            hits.iter().any(|s| s.1 == Status::Failed
                && s.2.as_deref().is_some_and(|f| f.contains("expected:"))),
            "{name} must make {id} fail with an explained failure: {hits:#?}"
        );
    }
}

macro_rules! fault_tests {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                check_fault($name).await;
            }
        )*
    };
}

fault_tests! {
    fault_slow_ack => "slow-ack",
    fault_wrong_echo => "wrong-echo",
    fault_accept_schema_failure => "accept-schema-failure",
    fault_accept_wrong_environment => "accept-wrong-environment",
    fault_accept_unknown_event => "accept-unknown-event",
    fault_accept_wrong_schema_version => "accept-wrong-schema-version",
    fault_accept_bad_check_digit => "accept-bad-check-digit",
    fault_accept_non_json => "accept-non-json",
    fault_accept_unknown_interface => "accept-unknown-interface",
    fault_react_to_rejected => "react-to-rejected",
    fault_partial_batch => "partial-batch",
    fault_not_idempotent => "not-idempotent",
    fault_no_appointment => "no-appointment",
    fault_smart_services_only => "smart-services-only",
    fault_wrong_recipient => "wrong-recipient",
    fault_wrong_scenario => "wrong-scenario",
    fault_bad_timestamp => "bad-timestamp",
    fault_reuse_reference => "reuse-reference",
    fault_wrong_environment_tag => "wrong-environment-tag",
    fault_reference_mismatch => "reference-mismatch",
    fault_no_retry => "no-retry",
    fault_retry_new_reference => "retry-new-reference",
    fault_resubmit_on_400 => "resubmit-on-400",
    fault_accept_missing_date => "accept-missing-date",
    fault_accept_missing_hash => "accept-missing-hash",
    fault_accept_missing_signature => "accept-missing-signature",
    fault_accept_missing_certificate => "accept-missing-certificate",
    fault_hash_not_checked => "hash-not-checked",
    fault_no_clock_check => "no-clock-check",
    fault_any_certificate => "any-certificate",
    fault_unsigned_submissions => "unsigned-submissions",
    fault_signs_url_as_is => "signs-url-as-is",
}
