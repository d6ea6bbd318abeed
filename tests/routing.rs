//! The stub DIP routing between real systems: two reference suppliers run as separate
//! processes behind one stub DIP. A message one submits, addressed to the other, reaches the
//! other signed with `D0` filled, and the journal names both; a wrong sender DIP ID is
//! refused `MSG1009`, an unknown recipient `MSG1031`; a recipient that is down is retried and
//! then journaled as undelivered.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{free_port, keys, toml_path};
use mhhs_qual::journal::{Direction, Entry};
use mhhs_qual::security::signature::{Signer, generate_material};
use mhhs_qual::session::Harness;
use mhhs_qual::stub::{Delivery, DeliveryBody, Signing};
use serde_json::{Value, json};

const A: &str = "2300000001";
const B: &str = "2300000002";
const KEY_A: &str = "key-of-a-0123456789";
const KEY_B: &str = "key-of-b-0123456789";
const SCENARIO: &str = "routing";

/// A supplier process playing `dip_id` of `config`, listening on `port`.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(config: &Path, dip_id: &str, key: &Path, port: u16) -> Process {
    let child = Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(["reference", "--config"])
        .arg(config)
        .args(["--dip-id", dip_id, "--signing-key"])
        .arg(key)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the reference {dip_id} did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    common::wait_for_webhook(port);
    Process(child)
}

struct Rig {
    harness: Arc<Harness>,
    dip: String,
    signer_a: Signer,
    b: Option<Process>,
    _a: Process,
    _dir: tempfile::TempDir,
}

/// One stub DIP for two suppliers. Supplier A's own configuration names supplier B as its
/// Registration Service, so the appointment requests A makes on a gain are addressed to B.
async fn rig() -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let k = keys();
    let second = generate_material("test SUT B").unwrap();
    let (cert_b, key_b) = (dir.path().join("b.pem"), dir.path().join("b.key"));
    std::fs::write(&cert_b, &second.cert_pem).unwrap();
    std::fs::write(&key_b, &second.key_pem).unwrap();
    let (dip, hook_a, hook_b) = (free_port(), free_port(), free_port());
    let head = format!(
        r#"environment = "UIT"
[dip]
listen = "127.0.0.1:{dip}"
signing_certificate = {dip_cert}
signing_key = {dip_key}
[timeouts]
ack = "1s"
response = "3s"
retry = "3s"
quiet = "400ms"
"#,
        dip_cert = toml_path(&k.dip_signing.0),
        dip_key = toml_path(&k.dip_signing.1),
    );
    let participant = |id: &str, key: &str, hook: u16, cert: &Path| {
        format!(
            "[[participant]]\nrole = \"SUP\"\ndip_id = \"{id}\"\nmpid = \"SUP{}\"\napi_key = \"{key}\"\nwebhook_url = \"http://127.0.0.1:{hook}/webhook\"\ncertificate = {}\n",
            if id == A { "A" } else { "B" },
            toml_path(cert)
        )
    };
    let counterparties = |regs: &str| {
        format!(
            "[[counterparty]]\nrole = \"REGS\"\ndip_id = \"{regs}\"\nmpid = \"REGA\"\n[[counterparty]]\nrole = \"MSS\"\ndip_id = \"1200000001\"\nmpid = \"MSSA\"\n[[counterparty]]\nrole = \"SDS\"\ndip_id = \"1400000001\"\nmpid = \"SDSA\"\n"
        )
    };
    let both = format!(
        "{head}{}{}{}",
        participant(A, KEY_A, hook_a, &k.sut_signing.0),
        participant(B, KEY_B, hook_b, &cert_b),
        counterparties("2200000001")
    );
    let only_a = format!(
        "{head}{}{}",
        participant(A, KEY_A, hook_a, &k.sut_signing.0),
        counterparties(B)
    );
    let (both_file, a_file) = (dir.path().join("both.toml"), dir.path().join("a.toml"));
    std::fs::write(&both_file, &both).unwrap();
    std::fs::write(&a_file, &only_a).unwrap();
    let (config, _) = mhhs_qual::config::load(&both_file).unwrap();
    let harness = common::harness_for(config, None).await;
    let a = start(&a_file, A, &k.sut_signing.1, hook_a);
    let b = start(&both_file, B, &key_b, hook_b);
    Rig {
        harness,
        dip: format!("http://127.0.0.1:{dip}"),
        signer_a: k.sut_signer(),
        b: Some(b),
        _a: a,
        _dir: dir,
    }
}

/// An IF-031 [MSApp] from A about `mpan`, to `recipient`, with `sender` as S1.senderDIPID.
fn request(mpan: &str, sender: &str, recipient: &str, reference: &str) -> Value {
    json!([{"payload": {
        "CommonBlock": {
            "S0": {"interfaceID": "IF-031", "schemaVersion": "011", "eventCode": "[MSApp]"},
            "S1": {
                "environmentTag": "UIT", "subText": null,
                "senderUniqueReference": format!("S-IF-031-{sender}-SUP-20260401-{reference}"),
                "senderTimestamp": mhhs_qual::dip::now_dt003(),
                "senderDIPID": sender, "senderRoleID": "SUP",
                "senderCorrelationID": null, "DIPConnectionProviderID": null
            },
            "A0": {"primaryRecipients": [recipient], "secondaryRecipients": [], "always": []},
            "M0": {"MPANCore": mpan, "distributorDIPID": "1000000010", "GSPGroupID": "_A"}
        },
        "CustomBlock": {"B070": {
            "proposedMeteringServiceDIPID": "1200000001", "proposedMeteringServiceMPID": "MSSA",
            "proposedMeteringServiceDIPEffectiveFromDate": mhhs_qual::dip::now_dt003(),
            "contractReferenceMeteringService": null, "appointmentScenario": "COS"
        }}
    }}])
}

/// Submits `body` as supplier A (its API key and signature); returns the status and answer.
async fn submit_as_a(rig: &Rig, body: &Value) -> (u16, String) {
    let url = format!("{}/dip-channel/IF-031", rig.dip);
    let bytes = serde_json::to_vec(body).unwrap();
    let signed = rig
        .signer_a
        .sign("POST", &url, &bytes, time::OffsetDateTime::now_utc());
    let mut request = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .header("x-api-key", KEY_A);
    for (name, value) in signed.headers() {
        request = request.header(name, value);
    }
    let r = request.body(bytes).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn wait(rig: &Rig, what: &str, pred: impl Fn(&Entry) -> bool) -> Arc<Entry> {
    rig.harness
        .journal
        .wait_for(SCENARIO, 0, Duration::from_secs(10), pred)
        .await
        .unwrap_or_else(|all| panic!("{what}; journal:\n{}", mhhs_qual::journal::summaries(&all)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_from_one_system_reaches_the_other_signed_with_d0_and_both_named() {
    let rig = rig().await;
    let mpan = rig
        .harness
        .mpans
        .next_for(mhhs_qual::market::Segment::Smart);
    rig.harness.journal.bind_mpan(mpan.as_str(), SCENARIO);
    // The Registration Service delivers a gain to A; A asks "its Registration Service" (B)
    // for appointments.
    let regs = rig.harness.parties.get("2200000001").unwrap().identity();
    let subject = mhhs_qual::dip::Subject {
        mpan: mpan.to_string(),
        segment: mhhs_qual::market::Segment::Smart,
    };
    let b = &rig.harness.builder;
    let gain = b
        .payload(
            &regs,
            "IF-002",
            "[GainMPANInfo]",
            &subject,
            b.vars(&regs, &subject),
        )
        .unwrap();
    let to_a = rig.harness.parties.get(A).unwrap().clone();
    let delivered = rig
        .harness
        .egress
        .deliver(Delivery {
            scenario: Some(SCENARIO.into()),
            from: regs,
            to: to_a,
            body: DeliveryBody::Batch(vec![gain]),
            signing: Signing::Correct,
        })
        .await;
    assert_eq!(delivered.status, Some(201), "{}", delivered.summary());

    let submitted = wait(&rig, "A submits IF-031 [MSApp] to B", |e| {
        e.direction == Direction::Ingress
            && e.event.as_deref() == Some("[MSApp]")
            && e.status == Some(201)
    })
    .await;
    assert_eq!(submitted.from.as_deref(), Some("SUP 2300000001"));
    assert_eq!(submitted.to, ["SUP 2300000002"]);
    assert!(
        submitted
            .verdicts
            .iter()
            .any(|v| v.check == "signature" && v.ok),
        "A's submission verified against A's certificate: {:?}",
        submitted.verdicts
    );

    let routed = wait(&rig, "the DIP delivers A's IF-031 to B", |e| {
        e.direction == Direction::Egress
            && e.event.as_deref() == Some("[MSApp]")
            && e.status.is_some()
    })
    .await;
    assert_eq!(routed.from.as_deref(), Some("SUP 2300000001"));
    assert_eq!(routed.to, ["SUP 2300000002"]);
    // B checks the DIP's signature before anything else (RCP9999 otherwise): 201 means the
    // delivery was signed with the DIP certificate B trusts.
    assert_eq!(routed.status, Some(201), "{}", routed.summary());
    for h in [
        "x-dip-signature",
        "x-dip-signature-date",
        "x-dip-content-hash",
    ] {
        assert!(routed.headers.contains_key(h), "{h} on the routed delivery");
    }
    let payload = routed.body.json().unwrap().pointer("/0/payload").unwrap();
    let d0 = payload.pointer("/CommonBlock/D0").unwrap();
    assert_eq!(d0["publicationID"], "PUB-031");
    assert!(d0["transactionID"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(
        payload.pointer("/CommonBlock/S1/senderDIPID"),
        Some(&json!(A)),
        "the message is A's, as A sent it"
    );
    let answer = routed.response.json().unwrap();
    assert_eq!(answer["messageArray"][0]["senderID"], B, "B answered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_sender_an_unknown_recipient_and_a_recipient_that_is_down() {
    let mut rig = rig().await;
    let mpan = rig
        .harness
        .mpans
        .next_for(mhhs_qual::market::Segment::Smart)
        .to_string();
    rig.harness.journal.bind_mpan(&mpan, SCENARIO);

    // A submits with B's DIP ID as the sender: the DIP knows A by its API key.
    let (status, answer) = submit_as_a(&rig, &request(&mpan, B, B, "1a")).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer.contains("MSG1009 - Sender DIP ID Invalid"),
        "{answer}"
    );
    assert!(
        answer.contains("is not the DIP ID of the submitting party SUP 2300000001"),
        "{answer}"
    );

    // A recipient no party has.
    let (status, answer) = submit_as_a(&rig, &request(&mpan, A, "9999999999", "1b")).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer.contains("MSG1031 - Primary Recipient(s) DIP Participant ID Invalid"),
        "{answer}"
    );
    assert!(
        answer.contains("/0/payload/CommonBlock/A0/primaryRecipients/0"),
        "{answer}"
    );

    // B stops; A's message to B is accepted, tried three times, then journaled undelivered.
    drop(rig.b.take());
    let (status, answer) = submit_as_a(&rig, &request(&mpan, A, B, "1c")).await;
    assert_eq!(status, 201, "{answer}");
    let undelivered = wait(&rig, "the message to B journaled as undelivered", |e| {
        e.direction == Direction::Note && e.outcome.starts_with("undelivered")
    })
    .await;
    assert!(
        undelivered
            .outcome
            .starts_with("undelivered to SUP 2300000002 after 3 attempts: webhook unreachable"),
        "{}",
        undelivered.outcome
    );
    assert!(
        undelivered
            .verdicts
            .iter()
            .any(|v| v.check == "delivery" && !v.ok)
    );
    let attempts: Vec<u32> = rig
        .harness
        .journal
        .of_scenario(SCENARIO)
        .iter()
        .filter(|e| e.direction == Direction::Egress && e.to == ["SUP 2300000002"])
        .map(|e| e.attempt)
        .collect();
    assert_eq!(attempts, [1, 2, 3]);
}

/// The DIP adds recipients by its routing rules (`stubs/routing.toml`): a PUB-036 the
/// Registration Service sends to the supplier also reaches the metering service appointed to
/// the MPAN, which finds itself among `A0.secondaryRecipients`, beside the central MDS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dip_adds_the_appointed_metering_service_to_an_activation() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let k = keys();
    let (hook_a, hook_b) = (MockServer::start().await, MockServer::start().await);
    for hook in [&hook_a, &hook_b] {
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201))
            .mount(hook)
            .await;
    }
    let stubs = tempfile::tempdir().unwrap();
    std::fs::write(
        stubs.path().join("counterparties.toml"),
        r#"[[reaction]]
name = "Registration Service activates the metering service at once"
when = { interface = "IF-031", event = "[MSApp]" }
if = { pointer = "/CustomBlock/B070/appointmentScenario", equals = "COS" }
from = "REGS"
to = ["${request:/CommonBlock/S1/senderDIPID}"]
send = { interface = "IF-036", event = "[MSAppActive]", template = "activates-1200000009" }
then = { after = "20ms", send = { interface = "IF-037", event = "[MSDeApp]" } }

[[reaction]]
name = "Registration Service rejects a change of service provider"
when = { interface = "IF-031", event = "[MSApp]" }
if = { pointer = "/CustomBlock/B070/appointmentScenario", equals = "CSP" }
from = "REGS"
send = { interface = "IF-035", event = "[MSAppRejected]" }
"#,
    )
    .unwrap();
    // The activation names the metering service 1200000009: the DIP learns the appointment
    // from it, as from every publication of the Registration Service.
    let mut activation: Value = serde_json::from_str(
        mhhs_qual::embedded::file("schemas/examples/valid/IF-036-MSAppActive.json").unwrap(),
    )
    .unwrap();
    let mut activation = activation[0]["payload"].take();
    activation["CustomBlock"]["B014"]["incomingMeteringServiceDIPID"] = json!("1200000009");
    activation["CustomBlock"]["B014"]["incomingMeteringServiceMPID"] = json!("MSSB");
    std::fs::create_dir_all(stubs.path().join("templates")).unwrap();
    std::fs::write(
        stubs.path().join("templates/activates-1200000009.json"),
        serde_json::to_vec(&activation).unwrap(),
    )
    .unwrap();
    let dip = free_port();
    let text = format!(
        r#"environment = "UIT"
[dip]
listen = "127.0.0.1:{dip}"
signing_certificate = {dip_cert}
signing_key = {dip_key}
[[participant]]
role = "SUP"
dip_id = "{A}"
mpid = "SUPA"
api_key = "{KEY_A}"
webhook_url = "{a}/webhook"
certificate = {cert}
[[participant]]
role = "MSS"
dip_id = "1200000009"
mpid = "MSSB"
api_key = "{KEY_B}"
webhook_url = "{b}/webhook"
certificate = {cert}
[timeouts]
ack = "1s"
response = "3s"
retry = "3s"
quiet = "400ms"
[[counterparty]]
role = "REGS"
dip_id = "2200000001"
mpid = "REGA"
[[counterparty]]
role = "MDS"
dip_id = "2100000001"
mpid = "MDSA"
[[counterparty]]
role = "MSS"
dip_id = "1200000001"
mpid = "MSSA"
"#,
        dip_cert = toml_path(&k.dip_signing.0),
        dip_key = toml_path(&k.dip_signing.1),
        cert = toml_path(&k.sut_signing.0),
        a = hook_a.uri(),
        b = hook_b.uri(),
    );
    let (config, _) = mhhs_qual::config::load_str(&text, "routes.toml", Vec::new()).unwrap();
    let harness = common::harness_for(config, Some(stubs.path())).await;
    let mpan = harness
        .mpans
        .next_for(mhhs_qual::market::Segment::Smart)
        .to_string();
    harness.journal.bind_mpan(&mpan, SCENARIO);
    let rig = Rig {
        harness,
        dip: format!("http://127.0.0.1:{dip}"),
        signer_a: k.sut_signer(),
        b: None,
        _a: Process(Command::new("true").spawn().unwrap()),
        _dir: stubs,
    };
    let (status, answer) = submit_as_a(&rig, &request(&mpan, A, "2200000001", "2a")).await;
    assert_eq!(status, 201, "{answer}");
    let delivered = wait(
        &rig,
        "PUB-036 delivered to the appointed metering service",
        |e| {
            e.direction == Direction::Egress
                && e.event.as_deref() == Some("[MSAppActive]")
                && e.to == ["MSS 1200000009"]
                && e.status.is_some()
        },
    )
    .await;
    assert_eq!(delivered.from.as_deref(), Some("REGS 2200000001"));
    assert_eq!(delivered.status, Some(201));
    let payload = delivered
        .body
        .json()
        .unwrap()
        .pointer("/0/payload")
        .unwrap();
    assert_eq!(
        payload.pointer("/CommonBlock/A0/primaryRecipients"),
        Some(&json!([A]))
    );
    assert_eq!(
        payload.pointer("/CommonBlock/A0/secondaryRecipients"),
        Some(&json!(["1200000009", "2100000001"])),
        "the appointed metering service, then the MDS, in the order of the route"
    );
    assert_eq!(
        payload.pointer("/CommonBlock/D0/publicationID"),
        Some(&json!("PUB-036"))
    );
    // The supplier, its primary recipient, gets the same message.
    let to_a = wait(&rig, "PUB-036 delivered to the supplier", |e| {
        e.direction == Direction::Egress
            && e.event.as_deref() == Some("[MSAppActive]")
            && e.to == ["SUP 2300000001"]
    })
    .await;
    assert_eq!(
        to_a.body
            .json()
            .unwrap()
            .pointer("/0/payload/CommonBlock/A0/secondaryRecipients"),
        Some(&json!(["1200000009", "2100000001"]))
    );
    // The follow-on comes after, to the same recipients, and the reaction whose condition the
    // request does not meet never runs.
    let follow_on = wait(
        &rig,
        "the follow-on PUB-037 delivered to the supplier",
        |e| {
            e.direction == Direction::Egress
                && e.event.as_deref() == Some("[MSDeApp]")
                && e.to == ["SUP 2300000001"]
        },
    )
    .await;
    assert_eq!(follow_on.from.as_deref(), Some("REGS 2200000001"));
    assert!(follow_on.seq > to_a.seq);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let all = rig.harness.journal.of_scenario(SCENARIO);
    assert!(
        !all.iter()
            .any(|e| e.event.as_deref() == Some("[MSAppRejected]")),
        "{}",
        mhhs_qual::journal::summaries(&all)
    );
    // Nothing went to the unappointed MSS counterparty.
    assert!(
        !rig.harness
            .journal
            .of_scenario(SCENARIO)
            .iter()
            .any(|e| e.to.iter().any(|t| t.contains("1200000001"))),
        "{}",
        mhhs_qual::journal::summaries(&rig.harness.journal.of_scenario(SCENARIO))
    );
}
