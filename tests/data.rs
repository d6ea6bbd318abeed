//! A data service as a participant's team meets it: the reference smart data service run as
//! a separate process, with and without the fault of a system built on local days, qualified
//! through its prompt command; and the bad input of the data packs (days of consumption that
//! break the settlement rules in every way a schema or a rule can see, 10,000 days in one
//! message, a day of the meter data retriever without any period).

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Killed, answer_text, config, free_port, mhhs_qual, post_signed, text};
use mhhs_qual::session::{Harness, Session};
use serde_json::{Value, json};

/// A configuration qualifying the smart data service `1400000009` at `webhook`, with the
/// counterparties a data service meets.
fn sds_config(dip_port: u16, webhook: &str) -> String {
    config(dip_port, webhook, "2s").replacen(
        "role = \"SUP\"\ndip_id = \"2300000001\"\nmpid = \"SUPA\"",
        "role = \"SDS\"\ndip_id = \"1400000009\"\nmpid = \"SDSR\"",
        1,
    ) + "[[counterparty]]\nrole = \"SUP\"\ndip_id = \"2300000002\"\nmpid = \"SUPB\"\n\
         [[counterparty]]\nrole = \"MDR\"\ndip_id = \"1700000001\"\nmpid = \"MDRA\"\n\
         [[counterparty]]\nrole = \"MDS\"\ndip_id = \"2600000001\"\nmpid = \"MDSA\"\n\
         [[counterparty]]\nrole = \"LSS\"\ndip_id = \"2800000001\"\nmpid = \"LSSA\"\n"
}

/// `mhhs-qual reference` for the configuration's data service, with `faults`; returns it and
/// the configuration file with the `[prompts]` lines it printed.
fn start_reference(dir: &Path, faults: &[&str]) -> (Killed, String) {
    let webhook = free_port();
    let text = sds_config(free_port(), &format!("http://127.0.0.1:{webhook}/webhook"));
    common::start_prompted_reference(dir, "SDS", &text, webhook, faults)
}

fn run_pack(dir: &Path, config: &str, tags: &str) -> std::process::Output {
    mhhs_qual(
        dir,
        &[
            "run",
            "--config",
            config,
            "--pack",
            "sds",
            "--tags",
            tags,
            "--report-dir",
            "r",
        ],
    )
}

#[test]
fn an_external_data_service_qualifies_through_its_prompt_command() {
    let dir = tempfile::tempdir().unwrap();
    let (_sut, f) = start_reference(dir.path(), &[]);
    let o = run_pack(dir.path(), &f, "@QT-SDS-200 or @QT-SDS-100");
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("4 passed, 0 failed"), "{t}");
}

#[test]
fn an_external_data_service_on_local_days_fails_naming_the_day_the_period_count_and_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let (_sut, f) = start_reference(dir.path(), &["local-days"]);
    let o = run_pack(dir.path(), &f, "@QT-SDS-200");
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("0 passed, 3 failed"), "{t}");
    // Spring forward: 46 local periods.
    assert!(
        t.contains("expected: IF-021 keeps settlement rule C9"),
        "{t}"
    );
    assert!(
        t.contains("settlement day 2026-03-29 has 46 periods; an IF-021 day is a UTC day of exactly 48 periods (C9)"),
        "{t}"
    );
    // Summer: a local midnight.
    assert!(
        t.contains("settlementDayDate 2026-07-01T00:00:00+01:00 is 2026-06-30T23:00:00+00:00, a local midnight"),
        "{t}"
    );
    assert!(t.contains("(C5)") || t.contains("C5 ("), "{t}");
    // Fall back: 50 periods, which the schema refuses, and the rule says why.
    assert!(
        t.contains("settlement rule C9: settlement day 2026-10-25"),
        "{t}"
    );
    assert!(
        t.contains("has 50 periods; an IF-021 day is a UTC day of exactly 48 periods (C9)"),
        "{t}"
    );
    let results = common::assert_valid_results(&dir.path().join("r"));
    assert_eq!(results["participant"]["role"], "SDS");
}

async fn harness() -> Arc<Harness> {
    let (c, _) = mhhs_qual::config::load_str(
        &sds_config(0, "http://127.0.0.1:9/webhook"),
        "sds.toml",
        Vec::new(),
    )
    .unwrap();
    common::harness_for(c, None).await
}

/// An IF-021 of the data service for 2026-07-01 with `periods` (k = 1..=n, `sp` the end).
fn if021(days: Vec<Value>) -> Value {
    json!([{"payload": {
        "CommonBlock": {
            "S0": {"interfaceID": "IF-021", "schemaVersion": "011", "eventCode": "[ActivePower]"},
            "S1": {"environmentTag": "UIT", "subText": null,
                   "senderUniqueReference": format!("S-IF-021-1400000009-SDS-20261129-{}", fastrand::u32(..)),
                   "senderTimestamp": "2026-11-29T10:00:00+00:00",
                   "senderDIPID": "1400000009", "senderRoleID": "SDS", "senderCorrelationID": null, "DIPConnectionProviderID": null},
            "A0": {"primaryRecipients": ["2600000001"], "secondaryRecipients": [], "always": []},
            "M0": {"MPANCore": "2000056535971", "distributorDIPID": "2500000020", "GSPGroupID": "_H"}},
        "CustomBlock": {
            "B044": {"issuingDataServiceDIPID": "1400000009"},
            "B067": {"connectionTypeIndicator": "W", "connectionTypeEffectiveFromDate": "2019-06-14T00:00:00+00:00"},
            "B900": {"MQID": {"measurementQuantityID": "AI"}, "settlementDayConsumptionPeriods": days}}}}])
}

fn day(date: &str, n: usize, sp: impl Fn(usize) -> String, v: &str) -> Value {
    let periods: Vec<Value> = (1..=n)
        .map(|k| json!({"sp": sp(k), "v": v, "q": "A", "e": null, "arc": null}))
        .collect();
    json!({"settlementDay": {"settlementDayDate": format!("{date}T00:00:00+00:00"), "periodDuration": 30},
           "consumptionPeriods": periods})
}

/// The end of the k-th period of 2026-07-01, written +00:00.
fn end(k: usize) -> String {
    let t = time::macros::datetime!(2026-07-01 00:00 UTC)
        + time::Duration::minutes(30 * i64::try_from(k).unwrap_or_default());
    mhhs_qual::dip::format_dt003(t)
}

/// Posts an IF-021 and returns the status and the refusal's text, or the entry's verdicts
/// when it was accepted.
async fn submit(h: &Harness, body: &Value) -> (u16, String) {
    let (status, v) = post_signed(h, "IF-021", serde_json::to_vec(body).unwrap()).await;
    if status != 201 {
        return (status, answer_text(&v));
    }
    h.stub.flush().await;
    let verdicts = h
        .journal
        .all()
        .iter()
        .rev()
        .find(|e| e.interface.as_deref() == Some("IF-021"))
        .map(|e| {
            e.verdicts
                .iter()
                .chain(&e.warnings)
                .map(|v| v.detail.clone())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    (status, verdicts)
}

#[tokio::test]
async fn a_day_of_49_periods_is_refused_naming_the_day_and_the_rule() {
    let h = harness().await;
    let (status, m) = submit(&h, &if021(vec![day("2026-07-01", 49, end, "0.100")])).await;
    assert_eq!(status, 400, "{m}");
    assert!(m.starts_with("MSG1001 - Schema Failure"), "{m}");
    assert!(
        m.contains("settlement rule C9: settlement day 2026-07-01 has 49 periods"),
        "{m}"
    );
    assert!(m.len() < 1500, "the refusal quotes no whole day: {m}");
}

#[tokio::test]
async fn periods_that_do_not_end_on_the_half_hour_break_c7() {
    let h = harness().await;
    let odd = |k: usize| {
        let t = time::macros::datetime!(2026-07-01 00:10 UTC)
            + time::Duration::minutes(30 * i64::try_from(k).unwrap_or_default());
        mhhs_qual::dip::format_dt003(t)
    };
    let (status, m) = submit(&h, &if021(vec![day("2026-07-01", 48, odd, "0.100")])).await;
    assert_eq!(status, 201, "the schema cannot see it: {m}");
    assert!(m.contains("rule:C7") || m.contains("C7"), "{m}");
    assert!(m.contains("2026-07-01T00:40:00+00:00"), "{m}");
}

#[tokio::test]
async fn a_settlement_day_that_is_not_a_date_is_refused_at_its_pointer() {
    let h = harness().await;
    let mut d = day("2026-07-01", 48, end, "0.100");
    d["settlementDay"]["settlementDayDate"] = json!("the first of July");
    let (status, m) = submit(&h, &if021(vec![d])).await;
    assert_eq!(status, 400, "{m}");
    assert!(m.contains("/settlementDay/settlementDayDate"), "{m}");
}

#[tokio::test]
async fn a_value_that_is_not_a_number_string_is_refused_at_its_pointer() {
    let h = harness().await;
    let mut d = day("2026-07-01", 48, end, "0.100");
    d["consumptionPeriods"][9]["v"] = json!("ten");
    let (status, m) = submit(&h, &if021(vec![d])).await;
    assert_eq!(status, 400, "{m}");
    assert!(m.contains("/consumptionPeriods/9/v"), "{m}");
}

#[tokio::test]
async fn ten_thousand_days_in_one_message_are_refused_quickly_with_a_clear_finding() {
    let h = harness().await;
    let one = day("2026-07-01", 48, end, "0.100");
    let days: Vec<Value> = (0..10_000).map(|_| one.clone()).collect();
    let body = serde_json::to_vec(&if021(days)).unwrap();
    // About 50 MB: more than the stub DIP takes in one body.
    let started = Instant::now();
    let (status, v) = post_signed(&h, "IF-021", body).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(status == 413 || status == 400, "{status} {v}");
    // Small enough to be read, still 10,000 days: the schema's limit of 200 days and the
    // rules' bound on what they report.
    let small: Vec<Value> = (0..10_000)
        .map(|_| json!({"settlementDay": {"settlementDayDate": "2026-07-01T00:00:00+00:00", "periodDuration": 30},
                        "consumptionPeriods": [{"sp": "2026-07-01T00:30:00+00:00", "v": "0.100", "q": "A", "e": null, "arc": null}]}))
        .collect();
    let started = Instant::now();
    let findings = mhhs_qual::market::settlement::check_if021(
        &if021(small)[0]["payload"],
        &mhhs_qual::market::settlement::Facts::default(),
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        !findings.is_empty() && findings.len() <= 51,
        "{}",
        findings.len()
    );
}

#[tokio::test]
async fn a_day_of_the_meter_data_retriever_without_any_period_is_not_sent() {
    let h = harness().await;
    let mut s = Session::new(h.clone(), "data.feature:1".into());
    s.new_subject(mhhs_qual::market::Segment::Smart);
    let all: Vec<usize> = (1..=48).collect();
    let e = s
        .mdr_sends_day(time::macros::date!(2026 - 07 - 01), &all)
        .await
        .unwrap_err();
    assert!(
        e.reason().contains("would have no period"),
        "{}",
        e.reason()
    );
    assert!(
        h.journal
            .all()
            .iter()
            .all(|e| e.interface.as_deref() != Some("IF-064")),
        "nothing was delivered"
    );
}

/// The Market-wide Data Service of the harness answers a day that breaks a settlement rule
/// with PUB-014 [ActivePowerRejected] to the data service, carrying the rule's ECS code, and
/// a valid day with nothing (CONTRACT-ROLES.md §6.6 R20, R22).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_market_wide_data_service_rejects_a_day_that_breaks_a_rule_with_its_ecs_code() {
    let rejections = |faults: Vec<String>| async move {
        let dir = tempfile::tempdir().unwrap();
        mhhs_qual::runner::run(mhhs_qual::runner::RunOptions {
            // The whole pack: a reaction still on its way when the run ends is not journaled,
            // and later scenarios give the early ones' reactions time to arrive.
            pack: Some("sds".into()),
            report_dir: dir.path().to_owned(),
            faults,
            ..mhhs_qual::runner::RunOptions::default()
        })
        .await
        .expect("the run starts");
        let journal = std::fs::read_to_string(dir.path().join("journal.ndjson")).unwrap();
        journal
            .lines()
            // Not the acknowledgement scenario's own PUB-014 (the example of the schema).
            .filter(|l| {
                l.contains("[ActivePowerRejected]") && !l.contains("data/acknowledge.feature")
            })
            .map(str::to_owned)
            .collect::<Vec<String>>()
    };
    assert_eq!(rejections(Vec::new()).await, Vec::<String>::new());
    let broken = rejections(vec!["negative-consumption".into()]).await;
    assert!(!broken.is_empty());
    assert!(
        broken.iter().any(
            |l| l.contains("ECS1010 - Consumption Value cannot be negative")
                && l.contains("1400000009")
        ),
        "{broken:#?}"
    );
}
