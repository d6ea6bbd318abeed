//! The stub DIP's level-1 checks against bad and good submissions, driven over HTTP as a
//! participant's system would.

mod common;

use std::sync::Arc;

use mhhs_qual::journal::Direction;
use mhhs_qual::session::Harness;
use serde_json::{Value, json};

async fn harness() -> Arc<Harness> {
    common::external_harness("").await
}

fn ms_app(mpan: &str, reference: &str, timestamp: &str) -> Value {
    json!({"payload": {"CommonBlock": {
        "S0": {"interfaceID": "IF-031", "schemaVersion": "011", "eventCode": "[MSApp]"},
        "S1": {"environmentTag": "UIT", "subText": null, "senderUniqueReference": reference, "senderTimestamp": timestamp,
               "senderDIPID": "2300000001", "senderRoleID": "SUP", "senderCorrelationID": null, "DIPConnectionProviderID": null},
        "A0": {"primaryRecipients": ["2200000001"], "secondaryRecipients": [], "always": []},
        "M0": {"MPANCore": mpan, "distributorDIPID": "2500000020", "GSPGroupID": "_H"}},
      "CustomBlock": {"B070": {"proposedMeteringServiceDIPID": "1200000001", "proposedMeteringServiceMPID": "MSSA",
          "proposedMeteringServiceDIPEffectiveFromDate": "2026-03-21T19:05:00+00:00", "contractReferenceMeteringService": null,
          "appointmentScenario": "COS"}}}})
}

async fn post(
    h: &Harness,
    channel: &str,
    body: Vec<u8>,
    content_type: &str,
    key: Option<&str>,
) -> (u16, Value) {
    let url = format!("{}/dip-channel/{channel}", h.stub.uri());
    let signed =
        common::keys()
            .sut_signer()
            .sign("POST", &url, &body, time::OffsetDateTime::now_utc());
    let mut req = reqwest::Client::new()
        .post(&url)
        .header("content-type", content_type)
        .body(body);
    for (name, value) in signed.headers() {
        req = req.header(name, value);
    }
    if let Some(k) = key {
        req = req.header("x-api-key", k);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn message(v: &Value) -> &str {
    v.pointer("/messageArray/0/message")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

const KEY: Option<&str> = Some("test-key-0123456789");
const NOW: &str = "2026-03-21T19:05:00+00:00";

#[tokio::test]
async fn a_good_submission_is_accepted_with_a_standard_response() {
    let h = harness().await;
    let body = serde_json::to_vec(&json!([ms_app(
        "2000056535971",
        "S-IF-031-2300000001-SUP-20260321-1",
        NOW
    )]))
    .unwrap();
    let (status, v) = post(&h, "IF-031", body, "application/json", KEY).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(message(&v), "MSG0000 - Success");
    assert!(h.schemas.check_standard_response(&v).is_empty());
    assert!(
        v.pointer("/messageArray/0/transactionID")
            .and_then(Value::as_str)
            .is_some_and(|t| t.starts_with("T-IF-031-"))
    );
    let e = h
        .journal
        .all()
        .into_iter()
        .find(|e| e.direction == Direction::Ingress)
        .unwrap();
    assert_eq!(e.headers["x-api-key"], "[redacted]");
    assert!(e.clean(), "{:?}", e.verdicts);
}

#[tokio::test]
async fn bad_submissions_get_the_dip_answers() {
    let h = harness().await;
    let good = |r: &str| serde_json::to_vec(&json!([ms_app("2000056535971", r, NOW)])).unwrap();
    // Not JSON.
    let (s, v) = post(&h, "IF-031", b"{not json".to_vec(), "application/json", KEY).await;
    assert_eq!((s, message(&v)), (400, "MSG1001 - Schema Failure"));
    assert!(
        v.pointer("/messageArray/0/help")
            .and_then(Value::as_str)
            .unwrap()
            .contains("not JSON")
    );
    // Wrong content type.
    let (s, v) = post(
        &h,
        "IF-031",
        good("S-IF-031-2300000001-SUP-20260321-2"),
        "text/plain",
        KEY,
    )
    .await;
    assert_eq!(s, 400);
    assert!(
        v.pointer("/messageArray/0/help")
            .and_then(Value::as_str)
            .unwrap()
            .contains("Content-Type")
    );
    // Too large.
    let (s, _) = post(&h, "IF-031", vec![b' '; 70_000], "application/json", KEY).await;
    assert_eq!(s, 413);
    // No or wrong API key.
    assert_eq!(
        post(
            &h,
            "IF-031",
            good("S-IF-031-2300000001-SUP-20260321-3"),
            "application/json",
            None
        )
        .await
        .0,
        401
    );
    assert_eq!(
        post(
            &h,
            "IF-031",
            good("S-IF-031-2300000001-SUP-20260321-3"),
            "application/json",
            Some("nope")
        )
        .await
        .0,
        401
    );
    // Unknown channel.
    assert_eq!(
        post(
            &h,
            "IF-999",
            good("S-IF-031-2300000001-SUP-20260321-3"),
            "application/json",
            KEY
        )
        .await
        .0,
        404
    );
    // Interface against the URL.
    let (s, v) = post(
        &h,
        "IF-032",
        good("S-IF-031-2300000001-SUP-20260321-4"),
        "application/json",
        KEY,
    )
    .await;
    assert_eq!((s, message(&v)), (400, "MSG1002 - Interface ID Invalid"));
    // Schema failure names the pointer.
    let mut bad = ms_app("2000056535971", "S-IF-031-2300000001-SUP-20260321-5", NOW);
    bad["payload"]["CustomBlock"]["B070"]["appointmentScenario"] = json!("XYZ");
    let (s, v) = post(
        &h,
        "IF-031",
        serde_json::to_vec(&json!([bad])).unwrap(),
        "application/json",
        KEY,
    )
    .await;
    assert_eq!((s, message(&v)), (400, "MSG1001 - Schema Failure"));
    assert_eq!(
        v.pointer("/messageArray/0/help")
            .and_then(Value::as_str)
            .unwrap(),
        "IF-031 [MSApp] /0/payload/CustomBlock/B070/appointmentScenario: \"XYZ\" is not one of COS, CSP, USP, SEG, MCA, MCS, ALG"
    );
    // Sender DIP ID and role.
    let mut other = ms_app("2000056535971", "S-IF-031-2300000002-SUP-20260321-6", NOW);
    other["payload"]["CommonBlock"]["S1"]["senderDIPID"] = json!("2300000002");
    let (s, v) = post(
        &h,
        "IF-031",
        serde_json::to_vec(&json!([other])).unwrap(),
        "application/json",
        KEY,
    )
    .await;
    assert_eq!((s, message(&v)), (400, "MSG1009 - Sender DIP ID Invalid"));
    let mut role = ms_app("2000056535971", "S-IF-031-2300000001-MSS-20260321-7", NOW);
    role["payload"]["CommonBlock"]["S1"]["senderRoleID"] = json!("MSS");
    let (s, v) = post(
        &h,
        "IF-031",
        serde_json::to_vec(&json!([role])).unwrap(),
        "application/json",
        KEY,
    )
    .await;
    assert_eq!((s, message(&v)), (400, "MSG1010 - Sender Role Invalid"));
    // Timestamp form and future.
    for ts in ["2026-03-21 19:05:00+00:00", "2099-03-21T19:05:00+00:00"] {
        let (s, v) = post(
            &h,
            "IF-031",
            serde_json::to_vec(&json!([ms_app(
                "2000056535971",
                "S-IF-031-2300000001-SUP-20260321-8",
                ts
            )]))
            .unwrap(),
            "application/json",
            KEY,
        )
        .await;
        assert_eq!(
            (s, message(&v)),
            (400, "MSG1007 - Sender Timestamp Invalid"),
            "{ts}"
        );
    }
    // Duplicate reference: only once accepted.
    assert_eq!(
        post(
            &h,
            "IF-031",
            good("S-IF-031-2300000001-SUP-20260321-9"),
            "application/json",
            KEY
        )
        .await
        .0,
        201
    );
    let (s, v) = post(
        &h,
        "IF-031",
        good("S-IF-031-2300000001-SUP-20260321-9"),
        "application/json",
        KEY,
    )
    .await;
    assert_eq!(
        (s, message(&v)),
        (400, "MSG1006 - Sender Unique Reference Duplicated")
    );
    // A batch with one bad message is rejected whole, and its good message may come again.
    let batch = json!([
        ms_app("2000056535971", "S-IF-031-2300000001-SUP-20260321-10", NOW),
        ms_app("2000056535971", "S-IF-031-2300000001-SUP-20260321-10", NOW)
    ]);
    let (s, v) = post(
        &h,
        "IF-031",
        serde_json::to_vec(&batch).unwrap(),
        "application/json",
        KEY,
    )
    .await;
    assert_eq!(
        (s, message(&v)),
        (400, "MSG1006 - Sender Unique Reference Duplicated")
    );
    assert_eq!(v["messageArray"].as_array().unwrap().len(), 2);
    assert_eq!(
        post(
            &h,
            "IF-031",
            good("S-IF-031-2300000001-SUP-20260321-10"),
            "application/json",
            KEY
        )
        .await
        .0,
        201
    );
    // Every refusal is journaled with a failed level-1 verdict.
    h.stub.flush().await;
    let refused = h
        .journal
        .all()
        .into_iter()
        .filter(|e| e.direction == Direction::Ingress && e.status != Some(201))
        .count();
    assert_eq!(refused, 14);
    assert!(
        h.journal
            .all()
            .iter()
            .filter(|e| e.direction == Direction::Ingress && e.status != Some(201))
            .all(|e| e.verdicts.iter().any(|v| v.check == "l1" && !v.ok))
    );
}

#[tokio::test]
async fn market_rules_are_verdicts_apart_from_the_schema() {
    let h = harness().await;
    // Schema-valid, but the MPAN check digit is wrong and the reference names another interface.
    let body = serde_json::to_vec(&json!([ms_app(
        "2000056535972",
        "S-IF-032-2300000001-SUP-20260321-1",
        NOW
    )]))
    .unwrap();
    let (s, _) = post(&h, "IF-031", body, "application/json", KEY).await;
    assert_eq!(s, 201);
    let e = h
        .journal
        .all()
        .into_iter()
        .find(|e| e.direction == Direction::Ingress)
        .unwrap();
    let failed: Vec<&str> = e
        .verdicts
        .iter()
        .filter(|v| !v.ok)
        .map(|v| v.check.as_str())
        .collect();
    assert_eq!(failed, vec!["rule:mpan-check-digit"]);
    // The reference's segments disagreeing with S0 only warns (CONTRACT-ROLES.md §6.1 G4).
    let warned: Vec<(&str, &str)> = e
        .warnings
        .iter()
        .map(|v| (v.check.as_str(), v.detail.as_str()))
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(warned[0].0, "rule:sender-reference");
    assert!(
        warned[0]
            .1
            .contains("names interface 032 but the message is IF-031"),
        "{warned:?}"
    );
}

#[tokio::test]
async fn scripted_faults_apply_to_their_scenario_only() {
    let h = harness().await;
    h.journal.bind_mpan("2000056535971", "scenario-a");
    h.stub.script_fault(mhhs_qual::stub::Fault {
        scenario: "scenario-a".into(),
        interface: "IF-031".into(),
        status: 503,
        remaining: 1,
    });
    let body = |r: &str, m: &str| serde_json::to_vec(&json!([ms_app(m, r, NOW)])).unwrap();
    // Another scenario's MPAN is not affected.
    assert_eq!(
        post(
            &h,
            "IF-031",
            body("S-IF-031-2300000001-SUP-20260321-1", "1900012374324"),
            "application/json",
            KEY
        )
        .await
        .0,
        201
    );
    assert_eq!(
        post(
            &h,
            "IF-031",
            body("S-IF-031-2300000001-SUP-20260321-2", "2000056535971"),
            "application/json",
            KEY
        )
        .await
        .0,
        503
    );
    assert_eq!(
        post(
            &h,
            "IF-031",
            body("S-IF-031-2300000001-SUP-20260321-2", "2000056535971"),
            "application/json",
            KEY
        )
        .await
        .0,
        201
    );
}

/// The gate answers before any other check: over the rate limit a submission is answered 429
/// (with `Retry-After` in seconds and `Retry-After-Ms`) even unsigned; during an outage 503;
/// both journaled as DIP faults, not as level-1 refusals.
#[tokio::test]
async fn the_rate_limit_and_the_outage_answer_before_any_check() {
    let h = harness().await;
    let gate = h.stub.gate();
    gate.set_rate_limit(Some(1));
    let url = format!("{}/dip-channel/IF-031", h.stub.uri());
    let unsigned = |reference: &str| {
        reqwest::Client::new()
            .post(&url)
            .header("content-type", "application/json")
            .header("x-api-key", KEY.unwrap())
            .body(serde_json::to_vec(&json!([ms_app("2000056535971", reference, NOW)])).unwrap())
            .send()
    };
    // Within the limit, the unsigned submission reaches the signature check.
    let r = unsigned("S-IF-031-2300000001-SUP-20260321-1")
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // Over it, the gate answers first.
    let r = unsigned("S-IF-031-2300000001-SUP-20260321-2")
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let header = |name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
    };
    assert_eq!(header("retry-after"), Some(1));
    assert!(
        header("retry-after-ms").is_some_and(|ms| (1..=1000).contains(&ms)),
        "{:?}",
        r.headers()
    );
    // An outage answers everyone 503, the limit or not.
    gate.outage(std::time::Duration::from_secs(60));
    let r = unsigned("S-IF-031-2300000001-SUP-20260321-3")
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let t = gate.traffic("2300000001");
    assert_eq!((t.attempts, t.throttled, t.unavailable), (3, 1, 1));
    // Lifted: a signed submission is accepted again.
    gate.reset();
    let body = serde_json::to_vec(&json!([ms_app(
        "2000056535971",
        "S-IF-031-2300000001-SUP-20260321-4",
        NOW
    )]))
    .unwrap();
    assert_eq!(common::post_signed(&h, "IF-031", body).await.0, 201);
    h.stub.flush().await;
    let outcomes: Vec<(Option<u16>, String, bool)> = h
        .journal
        .all()
        .iter()
        .filter(|e| e.direction == Direction::Ingress)
        .map(|e| {
            (
                e.status,
                e.outcome.clone(),
                e.verdicts.iter().any(|v| v.check == "fault" && v.ok),
            )
        })
        .collect();
    assert_eq!(
        outcomes[1..3],
        [
            (
                Some(429),
                "throttled: over 1 submission per second".to_owned(),
                true
            ),
            (Some(503), "DIP outage (simulated)".to_owned(), true),
        ]
    );
    assert_eq!(outcomes[3].0, Some(201));
}

/// Sends `head` and `body` on a fresh connection and reads the answer until the server closes
/// the connection or 5 s pass; the status line and the answer's text.
async fn raw_exchange(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn the_ingress_answers_404_off_its_channels_413_over_the_limit_and_outlives_a_silent_client()
{
    let h = harness().await;
    let base = h.stub.uri();
    let client = reqwest::Client::new();
    // Anything but a POST to /dip-channel/{interfaceID}: 404 with no body, nothing journaled.
    for (m, path) in [
        (reqwest::Method::GET, "/dip-channel/IF-031"),
        (reqwest::Method::PUT, "/dip-channel/IF-031"),
        (reqwest::Method::GET, "/"),
        (reqwest::Method::POST, "/"),
        (reqwest::Method::POST, "/dip-channel/"),
        (reqwest::Method::POST, "/dip-channel/IF-031/extra"),
        (reqwest::Method::POST, "/dip-channel//"),
        (reqwest::Method::POST, "/other/IF-031"),
    ] {
        let r = client
            .request(m.clone(), format!("{base}{path}"))
            .header("x-api-key", KEY.unwrap())
            .header("content-type", "application/json")
            .body("[]")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{m} {path}");
        assert!(r.bytes().await.unwrap().is_empty(), "{m} {path}");
    }
    h.stub.flush().await;
    assert!(
        h.journal
            .all()
            .iter()
            .all(|e| e.direction != Direction::Ingress),
        "a request off the channels was journaled"
    );
    // A trailing slash is still the channel: its checks run (no API key: 401).
    let r = client
        .post(format!("{base}/dip-channel/IF-031/"))
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Over the limit: 413 once the party is known, whether the length is announced or the
    // body chunked; the journal says how long it was, and keeps none of it.
    let limit = h.config.dip.max_body_bytes;
    let (s, _) = post(&h, "IF-031", vec![b' '; limit + 1], "application/json", KEY).await;
    assert_eq!(s, 413);
    let (s, _) = post(&h, "IF-031", vec![b' '; limit], "application/json", KEY).await;
    assert_eq!(s, 400, "a body at the limit is read and checked");
    let (s, _) = post(
        &h,
        "IF-031",
        vec![b' '; limit + 1],
        "application/json",
        None,
    )
    .await;
    assert_eq!(s, 401, "the API key is checked before the size");
    let chunk = vec![b' '; 1000];
    let mut chunked = Vec::new();
    for _ in 0..=limit / 1000 {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(&chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let chunked_length = (limit / 1000 + 1) * 1000;
    let answer = raw_exchange(
        h.stub.address(),
        &format!(
            "POST /dip-channel/IF-031 HTTP/1.1\r\nhost: {}\r\nx-api-key: {}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
            h.stub.address(),
            KEY.unwrap()
        ),
        &chunked,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    h.stub.flush().await;
    let refused: Vec<_> = h
        .journal
        .all()
        .into_iter()
        .filter(|e| e.status == Some(413))
        .collect();
    assert_eq!(refused.len(), 2);
    for (e, length) in refused.iter().zip([limit + 1, chunked_length]) {
        assert_eq!(
            e.body,
            mhhs_qual::journal::Body::Text(format!("[{length} bytes, over the limit of {limit}]"))
        );
        assert!(
            e.verdicts.iter().any(|v| v.check == "l1"
                && v.detail == format!("body of {length} bytes over the limit of {limit}")),
            "{:?}",
            e.verdicts
        );
    }

    // A client that connects and sends nothing holds only its own connection: a submission
    // made meanwhile is answered at once.
    let silent = tokio::net::TcpStream::connect(h.stub.address())
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let body = serde_json::to_vec(&json!([ms_app(
        "2000056535971",
        "S-IF-031-2300000001-SUP-20260321-40",
        NOW
    )]))
    .unwrap();
    let (s, v) = post(&h, "IF-031", body, "application/json", KEY).await;
    assert_eq!(s, 201, "{v}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "answered after {:?}",
        started.elapsed()
    );
    drop(silent);
}
