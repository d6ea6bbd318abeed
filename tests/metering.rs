//! A metering service as a participant's team meets it: the reference metering service run
//! as a separate process, with and without a fault, qualified through its prompt command; and
//! the bad input of the metering packs (a submission that is not JSON, an IF-005 whose B906 is
//! empty, work on an MPAN the service has never seen).

mod common;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{config, free_port, keys, mhhs_qual, text};
use mhhs_qual::session::Harness;
use serde_json::{Value, json};

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
    let f = dir.join("mss.toml");
    std::fs::write(&f, &text).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mhhs-qual"));
    cmd.args(["reference", "--role", "MSS", "--config"])
        .arg(&f)
        .args(keys().reference_flags(false));
    for fault in faults {
        cmd.args(["--fault", fault]);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("reference.log")).unwrap())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    for _ in 0..4 {
        let mut line = String::new();
        if out.read_line(&mut line).unwrap() == 0 {
            break;
        }
        printed.push_str(&line);
        if line.starts_with("command = ") {
            break;
        }
    }
    if !printed.starts_with("[prompts]\n") {
        let err = std::fs::read_to_string(dir.join("reference.log")).unwrap_or_default();
        panic!("the reference did not start: {printed:?} {err}");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", webhook)).is_err() {
        assert!(Instant::now() < deadline, "the reference did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    common::wait_for_webhook(webhook);
    let with_prompts = dir.join("mss-with-prompts.toml");
    std::fs::write(&with_prompts, text + &printed).unwrap();
    (Killed(child, out), with_prompts.display().to_string())
}

/// A child process killed when dropped; its stdout is kept open until then.
struct Killed(
    Child,
    #[expect(dead_code, reason = "held open, never read")] BufReader<std::process::ChildStdout>,
);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
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

/// Posts `body` to a channel of the stub DIP as the metering service, signed.
async fn post(h: &Harness, channel: &str, body: Vec<u8>) -> (u16, Value) {
    let url = format!("{}/dip-channel/{channel}", h.stub.uri());
    let signed = keys()
        .sut_signer()
        .sign("POST", &url, &body, time::OffsetDateTime::now_utc());
    let mut req = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .header("x-api-key", "test-key-0123456789")
        .body(body);
    for (name, value) in signed.headers() {
        req = req.header(name, value);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

fn message(v: &Value) -> String {
    format!(
        "{} / {}",
        v.pointer("/messageArray/0/message")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        v.pointer("/messageArray/0/help")
            .and_then(Value::as_str)
            .unwrap_or_default()
    )
}

#[tokio::test]
async fn an_if_034_that_is_not_json_is_refused_naming_why() {
    let h = harness().await;
    let (status, v) = post(&h, "IF-034", b"{\"payload\": [IF-034".to_vec()).await;
    assert_eq!(status, 400);
    let m = message(&v);
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
    let (status, v) = post(&h, "IF-005", serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(status, 400, "{v}");
    let m = message(&v);
    assert!(m.starts_with("MSG1001 - Schema Failure"), "{m}");
    assert!(m.contains("/CustomBlock/B906"), "{m}");
    // The Registration Service's rules judge such a message without failing.
    let payload = &body[0]["payload"];
    let verdict = h.registry.mtd_verdict(("1200000009", "MSS"), payload);
    assert!(verdict.is_some(), "an empty B906 breaks a rule");
}
