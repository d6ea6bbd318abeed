//! The E2E sandbox with real processes: three `mhhs-qual reference` systems (SUP, MSS, SDS)
//! and `mhhs-qual sandbox` between them. The `e2e` pack passes through it, and fails at the
//! hop of a system started with a fault; a system that goes down has what it missed held and
//! delivered once when it is back; a sandbox killed mid-flow and started again on the same
//! database delivers what it held and keeps its journal whole.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{free_port, keys, text, toml_path};
use serde_json::Value;

/// The three systems of a sandbox: role, DIP ID, MPID and API key.
const SYSTEMS: [(&str, &str, &str, &str); 3] = [
    ("SUP", "2300000001", "SUPA", "key-sup-0123456789"),
    ("MSS", "1200000009", "MSSR", "key-mss-0123456789"),
    ("SDS", "1400000009", "SDSR", "key-sds-0123456789"),
];

/// A sandbox set-up: its configuration's path and ports.
struct Setup {
    dir: tempfile::TempDir,
    config: PathBuf,
    live: u16,
    webhooks: [u16; 3],
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let k = keys();
        let (dip, live) = (free_port(), free_port());
        let webhooks = [free_port(), free_port(), free_port()];
        let exe = env!("CARGO_BIN_EXE_mhhs-qual");
        let mut text = format!(
            r#"environment = "UIT"
[dip]
listen = "127.0.0.1:{dip}"
signing_certificate = {}
signing_key = {}
[timeouts]
ack = "1s"
response = "5s"
retry = "3s"
quiet = "400ms"
"#,
            toml_path(&k.dip_signing.0),
            toml_path(&k.dip_signing.1),
        );
        for ((role, id, mpid, key), port) in SYSTEMS.iter().zip(webhooks) {
            let _ = write!(
                text,
                r#"[[participant]]
role = "{role}"
dip_id = "{id}"
mpid = "{mpid}"
webhook_url = "http://127.0.0.1:{port}/webhook"
api_key = "{key}"
certificate = {}
prompts = ["{exe}", "prompt", "--url", "http://127.0.0.1:{port}/prompt"]
"#,
                toml_path(&k.sut_signing.0)
            );
        }
        for (role, id, mpid) in [
            ("REGS", "2200000001", "REGA"),
            ("MDR", "1700000001", "MDRA"),
            ("MDS", "2600000001", "MDSA"),
            ("LSS", "2700000001", "LSSA"),
            ("MSS", "1200000001", "MSSA"),
            ("SDS", "1400000001", "SDSA"),
        ] {
            let _ = write!(
                text,
                "[[counterparty]]\nrole = \"{role}\"\ndip_id = \"{id}\"\nmpid = \"{mpid}\"\n"
            );
        }
        let config = dir.path().join("sandbox.toml");
        std::fs::write(&config, text).unwrap();
        Self {
            dir,
            config,

            live,
            webhooks,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Starts the reference participant of system `i` (with `faults`), once its webhook answers.
    fn reference(&self, i: usize, faults: &[&str]) -> Running {
        let (role, id, _, _) = SYSTEMS[i];
        let mut args = vec![
            "reference".to_owned(),
            "--role".into(),
            role.into(),
            "--dip-id".into(),
            id.into(),
            "--config".into(),
            self.config.display().to_string(),
        ];
        args.extend(keys().reference_flags(false));
        for f in faults {
            args.push("--fault".into());
            args.push((*f).to_owned());
        }
        let child = spawn(&args, &self.path(&format!("{role}.log")));
        common::wait_for_webhook(self.webhooks[i]);
        Running(child)
    }

    /// Starts `mhhs-qual sandbox` on `database` with `more` arguments; waits until its live
    /// endpoint answers (unless it runs a pack, which it may finish first).
    fn sandbox(&self, database: &str, more: &[&str]) -> Running {
        let mut args = vec![
            "sandbox".to_owned(),
            "--config".into(),
            self.config.display().to_string(),
            "--database".into(),
            self.path(database).display().to_string(),
            "--listen".into(),
            format!("127.0.0.1:{}", self.live),
            "--report-dir".into(),
            self.path("report").display().to_string(),
        ];
        args.extend(more.iter().map(|s| (*s).to_owned()));
        let child = spawn(&args, &self.path("sandbox.log"));
        if !more.contains(&"--pack") {
            let deadline = Instant::now() + Duration::from_secs(20);
            while status(self.live).is_none() {
                assert!(
                    Instant::now() < deadline,
                    "the sandbox did not start: {}",
                    self.log("sandbox.log")
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Running(child)
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }

    /// Every journal entry the sandbox's live endpoint serves.
    fn journal(&self) -> Vec<Value> {
        let mut out = Vec::new();
        let mut since = 0;
        for _ in 0..1000 {
            let page = get(self.live, &format!("/journal?since={since}")).unwrap_or_default();
            let entries: Vec<Value> = page
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect();
            let Some(last) = entries.last() else { break };
            since = last["seq"].as_u64().unwrap();
            out.extend(entries);
        }
        out
    }

    /// Sends the gain of `mpan` into the sandbox as the Registration Service.
    fn send_gain(&self, mpan: &str) -> std::process::Output {
        let file = self.path(&format!("gain-{mpan}.json"));
        std::fs::write(
            &file,
            serde_json::to_vec(&gain(&self.config, mpan)).unwrap(),
        )
        .unwrap();
        Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
            .args([
                "send",
                "--config",
                &self.config.display().to_string(),
                "--as",
                "REGS",
                "--sandbox",
                &format!("http://127.0.0.1:{}", self.live),
                "--follow",
                "0s",
                &file.display().to_string(),
            ])
            .output()
            .unwrap()
    }
}

/// A child process, killed when dropped.
struct Running(Child);

impl Running {
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }

    /// Waits (at most `limit`) for it to end; its exit status.
    fn wait(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(s)) = self.0.try_wait() {
                return s.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Stops it as Ctrl-C would, and waits for it to end.
    fn interrupt(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status();
        self.wait(Duration::from_secs(30))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn(args: &[String], log: &Path) -> Child {
    let log = std::fs::File::create(log).unwrap();
    Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(args)
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .unwrap()
}

/// Runs a future to its end on a runtime of its own.
fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// A GET to the live endpoint on loopback; the body, or None when it does not answer 200.
fn get(port: u16, path: &str) -> Option<String> {
    block(async {
        let r = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}{path}"))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .ok()?;
        if r.status().is_success() {
            r.text().await.ok()
        } else {
            None
        }
    })
}

fn status(port: u16) -> Option<Value> {
    get(port, "/status").and_then(|t| serde_json::from_str(&t).ok())
}

fn post(port: u16, path: &str) -> u16 {
    block(async {
        reqwest::Client::new()
            .post(format!("http://127.0.0.1:{port}{path}"))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or_default()
    })
}

/// A PUB-002 [GainMPANInfo] for `mpan` to the sandbox's supplier, as the Registration Service
/// sends it, built from the shipped template.
fn gain(config: &Path, mpan: &str) -> Value {
    let (config, _) = mhhs_qual::config::load(config).unwrap();
    let config = std::sync::Arc::new(config);
    let schemas = mhhs_qual::schema::SchemaSet::embedded().unwrap();
    let builder = mhhs_qual::dip::Builder {
        templates: mhhs_qual::dip::Templates { dir: None },
        schemas,
        config: config.clone(),
        ids: std::sync::Arc::new(mhhs_qual::dip::Ids::new()),
    };
    let regs = config.counterparty("REGS").unwrap().clone();
    let subject = mhhs_qual::dip::Subject {
        mpan: mpan.to_owned(),
        segment: mhhs_qual::market::Segment::Smart,
    };
    let vars = builder.vars(&regs, &subject);
    builder
        .payload(&regs, "IF-002", "[GainMPANInfo]", &subject, vars)
        .unwrap()
}

/// `n` smart MPANs with valid check digits, of their own.
fn mpans(n: usize) -> Vec<String> {
    let a = mhhs_qual::market::MpanAllocator::new();
    (0..n)
        .map(|_| a.next_for(mhhs_qual::market::Segment::Smart).to_string())
        .collect()
}

/// Waits (at most `limit`) until `done` holds of the sandbox's journal; the journal.
fn wait_journal(s: &Setup, limit: Duration, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + limit;
    loop {
        let j = s.journal();
        if done(&j) || Instant::now() > deadline {
            return j;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Waits (at most 20 s) until the sandbox holds `n` messages.
fn wait_held(s: &Setup, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while status(s.live).unwrap()["held"].as_u64().unwrap_or_default() < n {
        assert!(Instant::now() < deadline, "not held: {:?}", status(s.live));
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// How many times each MPAN's `interface`/`event` was delivered to `to` and taken (201).
fn taken(journal: &[Value], to: &str, interface: &str, event: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for e in journal {
        if e["direction"] == "egress"
            && e["to"][0].as_str() == Some(to)
            && e["interface"] == interface
            && e["event"] == event
            && e["status"] == 201
        {
            *out.entry(e["mpan"].as_str().unwrap_or_default().to_owned())
                .or_default() += 1;
        }
    }
    out
}

#[test]
fn the_e2e_pack_passes_through_a_sandbox_of_three_reference_processes() {
    let s = Setup::new();
    let _systems: Vec<Running> = (0..3).map(|i| s.reference(i, &[])).collect();
    let mut sandbox = s.sandbox("e2e.db", &["--pack", "e2e"]);
    let code = sandbox.wait(Duration::from_secs(120));
    let log = s.log("sandbox.log");
    assert_eq!(code, Some(0), "{log}");
    let results = common::assert_valid_results(&s.path("report"));
    assert_eq!(results["totals"]["passed"], 4, "{results}");
    assert!(s.path("report/junit.xml").exists());
    // The journal went to the database as it was recorded: the report's journal is in it.
    let db = mhhs_qual::store::SqliteStore::open(&s.path("e2e.db")).unwrap();
    let in_db = mhhs_qual::store::Store::count(&db).unwrap();
    let reported = std::fs::read_to_string(s.path("report/journal.ndjson"))
        .unwrap()
        .lines()
        .count() as u64;
    assert!(
        in_db >= reported && reported > 20,
        "{in_db} in the database, {reported} reported"
    );
}

#[test]
fn a_system_started_with_a_fault_fails_the_flow_at_its_hop() {
    let s = Setup::new();
    let _sup = s.reference(0, &[]);
    let _mss = s.reference(1, &["no-appointment-response"]);
    let _sds = s.reference(2, &[]);
    let mut sandbox = s.sandbox("e2e.db", &["--pack", "e2e", "--tags", "@E1"]);
    let code = sandbox.wait(Duration::from_secs(120));
    let log = s.log("sandbox.log");
    assert_eq!(code, Some(1), "{log}");
    assert!(
        log.contains("the MSS (MSS 1200000009) submits IF-034 [MSAppSPResponse]")
            && log.contains("no submission from MSS 1200000009"),
        "{log}"
    );
}

#[test]
fn a_metering_service_down_mid_flow_gets_every_message_once_after_its_restart() {
    let s = Setup::new();
    let _sup = s.reference(0, &[]);
    let mut mss = s.reference(1, &[]);
    let _sds = s.reference(2, &[]);
    let mut sandbox = s.sandbox("down.db", &[]);
    let mpans = mpans(4);
    // The first flow runs whole; then the metering service goes down mid-way through the rest.
    let out = s.send_gain(&mpans[0]);
    assert!(out.status.success(), "{}", text(&out));
    wait_journal(&s, Duration::from_secs(10), |j| {
        taken(j, "MSS 1200000009", "IF-036", "[MSAppActive]").contains_key(&mpans[0])
    });
    mss.kill();
    for m in &mpans[1..] {
        let out = s.send_gain(m);
        assert!(out.status.success(), "{}", text(&out));
    }
    // Each request to the metering service is tried, then held.
    wait_held(&s, 3);
    let _mss = s.reference(1, &[]);
    assert_eq!(post(s.live, "/redeliver?to=1200000009"), 202);
    let journal = wait_journal(&s, Duration::from_secs(20), |j| {
        taken(j, "MSS 1200000009", "IF-036", "[MSAppActive]").len() == 4
    });
    let requests = taken(&journal, "MSS 1200000009", "IF-033", "[MSAppSPRequest]");
    let active = taken(&journal, "MSS 1200000009", "IF-036", "[MSAppActive]");
    for m in &mpans {
        assert_eq!(requests.get(m), Some(&1), "{m}: {requests:?}");
        assert_eq!(active.get(m), Some(&1), "{m}: {active:?}");
    }
    assert_eq!(status(s.live).unwrap()["held"], 0);
    // Ctrl-C stops it cleanly, with the report of what passed.
    assert_eq!(sandbox.interrupt(), Some(0), "{}", s.log("sandbox.log"));
    let exported = std::fs::read_to_string(s.path("report/journal.ndjson")).unwrap();
    assert_eq!(exported.lines().count(), journal.len());
    let summary: Value =
        serde_json::from_slice(&std::fs::read(s.path("report/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["held"], 0, "{summary}");
    let log = s.log("sandbox.log");
    assert!(
        log.contains("-> MSS 1200000009 IF-033 [MSAppSPRequest]"),
        "one line per routed message: {log}"
    );
}

#[test]
fn a_sandbox_killed_mid_flow_delivers_what_it_held_on_the_same_database() {
    let s = Setup::new();
    let _sup = s.reference(0, &[]);
    let mut mss = s.reference(1, &[]);
    let _sds = s.reference(2, &[]);
    let mut sandbox = s.sandbox("crash.db", &[]);
    mss.kill();
    let mpans = mpans(3);
    for m in &mpans {
        let out = s.send_gain(m);
        assert!(out.status.success(), "{}", text(&out));
    }
    wait_held(&s, 3);
    let before = s.journal();
    sandbox.kill();
    let _mss = s.reference(1, &[]);
    let _again = s.sandbox("crash.db", &[]);
    let journal = wait_journal(&s, Duration::from_secs(20), |j| {
        taken(j, "MSS 1200000009", "IF-036", "[MSAppActive]").len() == 3
    });
    let requests = taken(&journal, "MSS 1200000009", "IF-033", "[MSAppSPRequest]");
    for m in &mpans {
        assert_eq!(requests.get(m), Some(&1), "{m}: {requests:?}");
    }
    // The journal is whole: what was recorded before the kill is still there, in order, and
    // the new entries follow it without a gap or a number used twice.
    let seqs: Vec<u64> = journal.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
    assert!(before.len() < journal.len());
    assert_eq!(&journal[..before.len()], &before[..]);
    assert_eq!(status(s.live).unwrap()["held"], 0);
}

/// An IF-031 [MSApp] from the sandbox's supplier about `mpan`, to `recipient`.
fn appointment_request(mpan: &str, recipient: &str) -> Value {
    let now = mhhs_qual::dip::now_dt003();
    let reference = format!(
        "S-IF-031-2300000001-SUP-{}-{:016x}",
        mhhs_qual::dip::today_yyyymmdd(),
        fastrand::u64(..)
    );
    serde_json::json!({
        "CommonBlock": {
            "A0": {"primaryRecipients": [recipient], "secondaryRecipients": [], "always": []},
            "M0": {"GSPGroupID": "_A", "MPANCore": mpan, "distributorDIPID": "2500000010"},
            "S0": {"eventCode": "[MSApp]", "interfaceID": "IF-031", "schemaVersion": "011"},
            "S1": {
                "DIPConnectionProviderID": null, "environmentTag": "UIT",
                "senderCorrelationID": null, "senderDIPID": "2300000001", "senderRoleID": "SUP",
                "senderTimestamp": now, "senderUniqueReference": reference, "subText": null
            }
        },
        "CustomBlock": {"B070": {
            "appointmentScenario": "COS", "contractReferenceMeteringService": null,
            "proposedMeteringServiceDIPEffectiveFromDate": now,
            "proposedMeteringServiceDIPID": "1200000009", "proposedMeteringServiceMPID": "MSSR"
        }}
    })
}

/// `mhhs-qual send` of `body` as `role`, signed with the test system key.
fn send(s: &Setup, role: &str, body: &[u8]) -> std::process::Output {
    let file = s.path(&format!("send-{}.json", fastrand::u32(..)));
    std::fs::write(&file, body).unwrap();
    Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args([
            "send",
            "--config",
            &s.config.display().to_string(),
            "--as",
            role,
            "--signing-key",
            &keys().sut_signing.1.display().to_string(),
            "--sandbox",
            &format!("http://127.0.0.1:{}", s.live),
            "--follow",
            "0s",
            &file.display().to_string(),
        ])
        .output()
        .unwrap()
}

#[test]
fn a_message_to_a_recipient_not_in_the_sandbox_is_refused_msg1031() {
    let s = Setup::new();
    let _sandbox = s.sandbox("bad.db", &[]);
    let body = appointment_request(&mpans(1)[0], "2399999999");
    let out = send(&s, "SUP", &serde_json::to_vec(&body).unwrap());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("MSG1031"), "{}", text(&out));
    // The refusal is in the journal, with nothing routed.
    let journal = s.journal();
    assert!(
        journal
            .iter()
            .any(|e| e["status"] == 400 && e["interface"] == "IF-031"),
        "{journal:?}"
    );
    assert!(!journal.iter().any(|e| e["direction"] == "egress"));
}

#[test]
fn a_message_sent_with_another_participants_api_key_is_refused_msg1009() {
    let s = Setup::new();
    let _sandbox = s.sandbox("bad.db", &[]);
    // The supplier's message, submitted with the metering service's key.
    let body = appointment_request(&mpans(1)[0], "2200000001");
    let out = send(&s, "MSS", &serde_json::to_vec(&body).unwrap());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("MSG1009"), "{}", text(&out));
    // With its own key it goes through.
    let out = send(&s, "SUP", &serde_json::to_vec(&body).unwrap());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn a_send_file_that_is_not_a_dip_body_is_refused_naming_the_file() {
    let s = Setup::new();
    for (body, says) in [
        (&b"{not json"[..], "not JSON"),
        (&b"[1, 2]"[..], "payload"),
        (&b"{\"hello\": 1}"[..], "/CommonBlock/S0/interfaceID"),
        (&b"[]"[..], "no message"),
        (&b"42"[..], "not a DIP message"),
    ] {
        let out = send(&s, "SUP", body);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let t = text(&out);
        assert!(t.contains("send-") && t.contains(says), "{says}: {t}");
    }
}

#[test]
fn two_participants_with_one_dip_id_are_refused() {
    let s = Setup::new();
    let text_ = std::fs::read_to_string(&s.config)
        .unwrap()
        .replace("dip_id = \"1200000009\"", "dip_id = \"2300000001\"");
    std::fs::write(&s.config, text_).unwrap();
    let out = common::mhhs_qual(
        s.dir.path(),
        &["sandbox", "--config", &s.config.display().to_string()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("2300000001"), "{}", text(&out));
}

#[test]
fn an_unwritable_journal_database_stops_the_sandbox_before_it_routes() {
    let s = Setup::new();
    let out = common::mhhs_qual(
        s.dir.path(),
        &[
            "sandbox",
            "--config",
            &s.config.display().to_string(),
            "--database",
            "/nonexistent-folder/sandbox.db",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("/nonexistent-folder/sandbox.db"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_participant_answering_500_has_its_messages_held_and_taken_when_it_recovers() {
    let s = Setup::new();
    let _sup = s.reference(0, &[]);
    let _mss = s.reference(1, &[]);
    // The data service answers every delivery 500, then recovers.
    let sds = block(async {
        wiremock::MockServer::builder()
            .listener(std::net::TcpListener::bind(("127.0.0.1", s.webhooks[2])).unwrap())
            .start()
            .await
    });
    let failing = wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(500));
    block(failing.mount(&sds));
    let _sandbox = s.sandbox("500.db", &[]);
    let mpans = mpans(2);
    for m in &mpans {
        assert!(s.send_gain(m).status.success());
    }
    // The metering service's side of each flow goes on; the data service's is held.
    let journal = wait_journal(&s, Duration::from_secs(20), |j| {
        taken(j, "MSS 1200000009", "IF-036", "[MSAppActive]").len() == 2
            && status(s.live).unwrap()["held"].as_u64() == Some(2)
    });
    assert_eq!(status(s.live).unwrap()["held"], 2, "{journal:?}");
    let held = get(s.live, "/held").unwrap();
    assert!(held.contains("500"), "{held}");
    drop(sds);
    let _sds = s.reference(2, &[]);
    assert_eq!(post(s.live, "/redeliver"), 202);
    let journal = wait_journal(&s, Duration::from_secs(20), |j| {
        taken(j, "SDS 1400000009", "IF-036", "[DSAppActive]").len() == 2
    });
    let requests = taken(&journal, "SDS 1400000009", "IF-033", "[DSAppSPRequest]");
    for m in &mpans {
        assert_eq!(requests.get(m), Some(&1), "{m}: {requests:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_journal_database_stops_the_sandbox_accepting() {
    use mhhs_qual::sandbox::{Sandbox, SandboxOptions};
    let dir = tempfile::tempdir().unwrap();
    let text_ = mhhs_qual::embedded::file("config/reference.toml").unwrap();
    let (mut config, _) =
        mhhs_qual::config::load_str(text_, "config/reference.toml", Vec::new()).unwrap();
    config
        .participants
        .retain(|p| ["SUP", "MSS", "SDS"].contains(&p.role.as_str()));
    let sandbox = Sandbox::start(
        config,
        SandboxOptions {
            database: dir.path().join("full.db"),
            listen: "127.0.0.1:0".parse().unwrap(),
            systems: mhhs_qual::session::SystemUnderTest::Reference(
                std::collections::HashSet::new(),
            ),
            schemas_dir: None,
            stubs_dir: None,
            retain: false,
            journal: None,
            max_pages: Some(60),
        },
    )
    .await
    .unwrap();
    let h = sandbox.harness.clone();
    let regs = h.config.counterparty("REGS").unwrap().clone();
    let sup = h
        .parties
        .systems()
        .find(|p| p.role == "SUP")
        .unwrap()
        .clone();
    let alloc = mhhs_qual::market::MpanAllocator::new();
    for _ in 0..200 {
        if sandbox.broken.lock().unwrap().is_some() {
            break;
        }
        let subject = mhhs_qual::dip::Subject {
            mpan: alloc
                .next_for(mhhs_qual::market::Segment::Smart)
                .to_string(),
            segment: mhhs_qual::market::Segment::Smart,
        };
        let vars = h.builder.vars(&regs, &subject);
        let p = h
            .builder
            .payload(&regs, "IF-002", "[GainMPANInfo]", &subject, vars)
            .unwrap();
        h.egress
            .deliver(mhhs_qual::stub::Delivery {
                scenario: None,
                from: regs.clone(),
                to: sup.clone(),
                body: mhhs_qual::stub::DeliveryBody::Batch(vec![p]),
                signing: mhhs_qual::stub::Signing::Correct,
            })
            .await;
    }
    let problem = sandbox.broken.lock().unwrap().clone();
    let problem = problem.expect("the database fills up");
    assert!(problem.contains("full"), "{problem}");
    // The stub DIP accepts nothing more: every submission is answered 503.
    let sup_key = "reference-key";
    let r = reqwest::Client::new()
        .post(format!("{}/dip-channel/IF-031", h.stub.uri()))
        .header("x-api-key", sup_key)
        .header("content-type", "application/json")
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    // The live endpoint says so.
    let status: Value = reqwest::get(format!("{}/status", sandbox.live_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["accepting"], false, "{status}");
}
