//! A metering service as a participant's team meets it: the reference metering service run
//! as a separate process, with and without a fault, qualified through its prompt command; and
//! the bad input of the metering packs (a submission that is not JSON, an IF-005 whose B906 is
//! empty, work on an MPAN the service has never seen).

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{Killed, answer_text, config, free_port, mhhs_qual, post_signed, text};
use mhhs_qual::session::Harness;
use serde_json::json;

/// A configuration qualifying the smart metering service `1200000009` at `webhook`.
fn mss_config(dip_port: u16, webhook: &str) -> String {
    config(dip_port, webhook, "2s").replacen(
        "role = \"SUP\"\ndip_id = \"2300000001\"\nmpid = \"SUPA\"",
        "role = \"MSS\"\ndip_id = \"1200000009\"\nmpid = \"MSSR\"",
        1,
    ) + "[[counterparty]]\nrole = \"SUP\"\ndip_id = \"2300000002\"\nmpid = \"SUPB\"\n"
}

/// `mhhs-qual reference` for the configuration's metering service, with `faults`; returns it
/// and the configuration file with the `[prompts]` lines it printed.
fn start_reference(dir: &Path, faults: &[&str]) -> (Killed, String) {
    let webhook = free_port();
    let text = mss_config(free_port(), &format!("http://127.0.0.1:{webhook}/webhook"));
    common::start_prompted_reference(dir, "MSS", &text, webhook, faults)
}

fn run_pack(dir: &Path, config: &str, tags: &str) -> std::process::Output {
    mhhs_qual(
        dir,
        &[
            "run",
            "--config",
            config,
            "--pack",
            "mss",
            "--tags",
            tags,
            "--report-dir",
            "r",
        ],
    )
}

#[test]
fn an_external_metering_service_qualifies_through_its_prompt_command() {
    let dir = tempfile::tempdir().unwrap();
    let (_sut, f) = start_reference(dir.path(), &[]);
    let o = run_pack(dir.path(), &f, "@QT-MSS-100 or @QT-MSS-010");
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("3 passed, 0 failed"), "{t}");
}

#[test]
fn an_external_metering_service_with_a_fault_fails_naming_the_broken_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let (_sut, f) = start_reference(dir.path(), &["no-meter-report"]);
    let o = run_pack(dir.path(), &f, "@QT-MSS-100");
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("0 passed, 1 failed"), "{t}");
    assert!(
        t.contains("expected: the system submits IF-005 [MeterInstall]"),
        "{t}"
    );
    let results = common::assert_valid_results(&dir.path().join("r"));
    assert_eq!(results["participant"]["role"], "MSS");
}

async fn harness() -> Arc<Harness> {
    let (c, _) = mhhs_qual::config::load_str(
        &mss_config(0, "http://127.0.0.1:9/webhook"),
        "mss.toml",
        Vec::new(),
    )
    .unwrap();
    common::harness_for(c, None).await
}

#[tokio::test]
async fn an_if_034_that_is_not_json_is_refused_naming_why() {
    let h = harness().await;
    let (status, v) = post_signed(&h, "IF-034", b"{\"payload\": [IF-034".to_vec()).await;
    assert_eq!(status, 400);
    let m = answer_text(&v);
    assert!(m.starts_with("MSG1001 - Schema Failure"), "{m}");
    assert!(m.contains("not JSON"), "{m}");
}

#[tokio::test]
async fn an_if_005_whose_b906_is_empty_is_a_schema_failure_at_its_pointer() {
    let h = harness().await;
    let body = json!([{"payload": {
        "CommonBlock": {
            "S0": {"interfaceID": "IF-005", "schemaVersion": "011", "eventCode": "[MeterInstall]"},
            "S1": {"environmentTag": "UIT", "subText": null,
                   "senderUniqueReference": "S-IF-005-1200000009-MSS-20261129-1", "senderTimestamp": "2026-11-29T10:00:00+00:00",
                   "senderDIPID": "1200000009", "senderRoleID": "MSS", "senderCorrelationID": null, "DIPConnectionProviderID": null},
            "A0": {"primaryRecipients": ["2200000001"], "secondaryRecipients": [], "always": []},
            "M0": {"MPANCore": "2000056535971", "distributorDIPID": "2500000020", "GSPGroupID": "_H"}},
        "CustomBlock": {"B906": {}}}}]);
    let (status, v) = post_signed(&h, "IF-005", serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(status, 400, "{v}");
    let m = answer_text(&v);
    assert!(m.starts_with("MSG1001 - Schema Failure"), "{m}");
    assert!(m.contains("/CustomBlock/B906"), "{m}");
    // The Registration Service's rules judge such a message without failing.
    let payload = &body[0]["payload"];
    let verdict = h.registry.mtd_verdict(("1200000009", "MSS"), payload);
    assert!(verdict.is_some(), "an empty B906 breaks a rule");
}
