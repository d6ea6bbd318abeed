//! Signatures on ingress (CONTRACT.md §4): every bad signature is refused as the DIP would
//! (401 absent, 403 wrong) with a journaled verdict naming the fault, and the scheme agrees
//! with an independent implementation, OpenSSL's command line, in both directions.

mod common;

use std::process::Command;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use mhhs_qual::journal::{Direction, Entry};
use mhhs_qual::security::signature::{
    self, CERTIFICATE, DATE, DEFAULT_SKEW, HASH, Presented, SIGNATURE, Signed, Signer, Verifier,
    string_to_sign,
};
use mhhs_qual::session::Harness;
use serde_json::{Value, json};
use time::OffsetDateTime;

async fn harness(extra_dip: &str) -> Arc<Harness> {
    common::external_harness(extra_dip).await
}

/// A valid IF-031 batch with a reference unique to `n`.
fn body(n: u32) -> Vec<u8> {
    serde_json::to_vec(&json!([{"payload": {"CommonBlock": {
        "S0": {"interfaceID": "IF-031", "schemaVersion": "011", "eventCode": "[MSApp]"},
        "S1": {"environmentTag": "UIT", "subText": null,
               "senderUniqueReference": format!("S-IF-031-2300000001-SUP-20260321-{n}"),
               "senderTimestamp": "2026-03-21T19:05:00+00:00",
               "senderDIPID": "2300000001", "senderRoleID": "SUP", "senderCorrelationID": null,
               "DIPConnectionProviderID": null},
        "A0": {"primaryRecipients": ["2200000001"], "secondaryRecipients": [], "always": []},
        "M0": {"MPANCore": "2000056535971", "distributorDIPID": "2500000020", "GSPGroupID": "_H"}},
      "CustomBlock": {"B070": {"proposedMeteringServiceDIPID": "1200000001",
          "proposedMeteringServiceMPID": "MSSA",
          "proposedMeteringServiceDIPEffectiveFromDate": "2026-03-21T19:05:00+00:00",
          "contractReferenceMeteringService": null, "appointmentScenario": "COS"}}}}]))
    .unwrap()
}

/// Posts `sent` with the given signature headers (`None`: left out).
async fn post(h: &Harness, url: &str, headers: &[(&str, Option<String>)], sent: Vec<u8>) -> u16 {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("x-api-key", "test-key-0123456789")
        .body(sent);
    for (name, value) in headers {
        if let Some(v) = value {
            req = req.header(*name, v);
        }
    }
    let status = req.send().await.unwrap().status().as_u16();
    h.stub.flush().await;
    status
}

fn headers(s: &Signed) -> Vec<(&'static str, Option<String>)> {
    s.headers()
        .into_iter()
        .map(|(k, v)| (k, Some(v.to_owned())))
        .collect()
}

fn with(
    mut h: Vec<(&'static str, Option<String>)>,
    name: &str,
    value: Option<&str>,
) -> Vec<(&'static str, Option<String>)> {
    for (k, v) in &mut h {
        if *k == name {
            *v = value.map(str::to_owned);
        }
    }
    h
}

/// The signature verdict of the latest ingress entry.
fn verdict(h: &Harness) -> (Arc<Entry>, bool, String) {
    let e = h
        .journal
        .all()
        .into_iter()
        .rfind(|e| e.direction == Direction::Ingress)
        .unwrap();
    let v = e
        .verdicts
        .iter()
        .find(|v| v.check == "signature")
        .cloned()
        .unwrap_or_else(|| panic!("no signature verdict: {:?}", e.verdicts));
    (e.clone(), v.ok, v.detail)
}

#[tokio::test]
async fn every_bad_signature_is_refused_and_journaled_with_its_reason() {
    let h = harness("").await;
    let url = format!("{}/dip-channel/IF-031", h.stub.uri());
    let sut = common::keys().sut_signer();
    let now = OffsetDateTime::now_utc();
    let mut n = 0;
    let mut next = || {
        n += 1;
        body(n)
    };

    // A good one is accepted and the verdict names the signer.
    let b = next();
    let good = sut.sign("POST", &url, &b, now);
    assert_eq!(post(&h, &url, &headers(&good), b).await, 201);
    let (_, ok, detail) = verdict(&h);
    assert!(ok, "{detail}");
    assert!(detail.contains("test SUT"), "{detail}");

    // Each header missing: 401, naming it.
    for name in [DATE, HASH, SIGNATURE, CERTIFICATE] {
        let b = next();
        let s = sut.sign("POST", &url, &b, now);
        assert_eq!(
            post(&h, &url, &with(headers(&s), name, None), b).await,
            401,
            "{name}"
        );
        let (e, ok, detail) = verdict(&h);
        assert!(!ok);
        assert_eq!(detail, format!("{name} missing"));
        assert!(e.outcome.starts_with("signature refused"), "{}", e.outcome);
    }

    // Malformed base64 in each base64 header, and a date that is no date: 403.
    for (name, bad, why) in [
        (
            HASH,
            "not*base64!",
            "X-DIP-Content-Hash is not valid base64",
        ),
        (SIGNATURE, "%%%", "X-DIP-Signature is not valid base64"),
        (
            CERTIFICATE,
            "====",
            "X-DIP-Signature-Certificate is not valid base64",
        ),
        (DATE, "yesterday", "is not an ISO-8601 UTC date-time"),
    ] {
        let b = next();
        let s = sut.sign("POST", &url, &b, now);
        assert_eq!(
            post(&h, &url, &with(headers(&s), name, Some(bad)), b).await,
            403,
            "{name}"
        );
        let (_, ok, detail) = verdict(&h);
        assert!(!ok && detail.contains(why), "{name}: {detail}");
    }

    // A certificate that does not parse.
    let b = next();
    let s = sut.sign("POST", &url, &b, now);
    let junk = B64.encode("-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n");
    assert_eq!(
        post(&h, &url, &with(headers(&s), CERTIFICATE, Some(&junk)), b).await,
        403
    );
    let (_, _, detail) = verdict(&h);
    assert!(
        detail.contains("does not hold a readable certificate"),
        "{detail}"
    );

    // A signature over the URL as written (not lower-cased): the channel's capitals differ.
    let b = next();
    let mut s = sut.sign("POST", &url, &b, now);
    s.signature = sut.sign_string(&format!("POST;{url};{};{}", s.date, s.hash));
    assert_eq!(post(&h, &url, &headers(&s), b).await, 403);
    let (_, _, detail) = verdict(&h);
    assert!(detail.contains("does not verify over"), "{detail}");
    assert!(detail.contains("/dip-channel/if-031"), "{detail}");

    // The body changed after signing.
    let b = next();
    let s = sut.sign("POST", &url, &b, now);
    let mut changed = b.clone();
    changed.push(b' ');
    assert_eq!(post(&h, &url, &headers(&s), changed).await, 403);
    assert!(verdict(&h).2.contains("is not the SHA-256 of the body"));

    // Absurd dates, far past and far future, and a stale one.
    for date in [
        OffsetDateTime::UNIX_EPOCH,
        time::macros::datetime!(9999-12-31 23:59:59.999 UTC),
        now - time::Duration::minutes(6),
    ] {
        let b = next();
        let s = sut.sign("POST", &url, &b, date);
        assert_eq!(post(&h, &url, &headers(&s), b).await, 403, "{date}");
        assert!(
            verdict(&h).2.contains("outside the window of 5m"),
            "{}",
            verdict(&h).2
        );
    }

    // Signed correctly by a certificate that is not the participant's.
    let (other, _) = Signer::generate("test SUT").unwrap();
    let b = next();
    let s = other.sign("POST", &url, &b, now);
    assert_eq!(post(&h, &url, &headers(&s), b).await, 403);
    assert!(verdict(&h).2.contains("not the trusted certificate"));

    // Nothing refused was accepted: one accepted submission in all.
    let accepted = h
        .journal
        .all()
        .iter()
        .filter(|e| e.direction == Direction::Ingress && e.status == Some(201))
        .count();
    assert_eq!(accepted, 1);
}

#[tokio::test]
async fn the_clock_skew_window_is_configurable() {
    let h = harness("clock_skew = \"30s\"\n").await;
    let url = format!("{}/dip-channel/IF-031", h.stub.uri());
    let sut = common::keys().sut_signer();
    let b = body(1);
    let s = sut.sign(
        "POST",
        &url,
        &b,
        OffsetDateTime::now_utc() - time::Duration::minutes(1),
    );
    assert_eq!(post(&h, &url, &headers(&s), b).await, 403);
    assert!(verdict(&h).2.contains("outside the window of 30s"));
}

fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl (Debian openssl) is installed")
}

#[test]
fn openssl_signatures_verify_here_and_ours_verify_with_openssl() {
    let k = common::keys();
    let dir = tempfile::tempdir().unwrap();
    let text = string_to_sign(
        "POST",
        "https://DIP.example/dip-channel/IF-031",
        "2025-06-27T14:29:09.061Z",
        &signature::content_hash(b"[]"),
    );
    let message = dir.path().join("string-to-sign.txt");
    std::fs::write(&message, &text).unwrap();

    // The content hash agrees with `openssl dgst -sha256 -binary | base64`.
    let body = dir.path().join("body.json");
    std::fs::write(&body, b"[]").unwrap();
    let digest = openssl(&["dgst", "-sha256", "-binary", body.to_str().unwrap()]);
    assert_eq!(B64.encode(digest.stdout), signature::content_hash(b"[]"));

    // OpenSSL signs with the participant's key; the harness verifies it.
    let sig = dir.path().join("openssl.sig");
    let o = openssl(&[
        "dgst",
        "-sha256",
        "-sign",
        k.sut_signing.1.to_str().unwrap(),
        "-out",
        sig.to_str().unwrap(),
        message.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let theirs = B64.encode(std::fs::read(&sig).unwrap());
    let verifier = Verifier::load(&k.sut_signing.0, DEFAULT_SKEW).unwrap();
    assert!(verifier.trusted().verifies(&text, &theirs));
    assert!(!verifier.trusted().verifies(&format!("{text}x"), &theirs));
    // And through the whole ingress check, with the date and hash the string was made of.
    let cert = B64.encode(std::fs::read(&k.sut_signing.0).unwrap());
    let presented = Presented {
        date: Some("2025-06-27T14:29:09.061Z"),
        hash: Some(&signature::content_hash(b"[]")),
        signature: Some(&theirs),
        certificate: Some(&cert),
    };
    let at = time::macros::datetime!(2025-06-27 14:29:10 UTC);
    verifier
        .verify(
            "post",
            "https://DIP.example/dip-channel/IF-031",
            &presented,
            b"[]",
            at,
        )
        .unwrap();

    // The harness signs; `openssl dgst -verify` with the certificate's public key accepts it.
    let ours = k.sut_signer().sign_string(&text);
    std::fs::write(&sig, B64.decode(&ours).unwrap()).unwrap();
    let public = dir.path().join("public.pem");
    let o = openssl(&[
        "x509",
        "-in",
        k.sut_signing.0.to_str().unwrap(),
        "-pubkey",
        "-noout",
    ]);
    std::fs::write(&public, &o.stdout).unwrap();
    let verify = |file: &std::path::Path| {
        openssl(&[
            "dgst",
            "-sha256",
            "-verify",
            public.to_str().unwrap(),
            "-signature",
            sig.to_str().unwrap(),
            file.to_str().unwrap(),
        ])
    };
    let o = verify(&message);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "Verified OK");
    // The same signature over another string is refused by OpenSSL too.
    let other = dir.path().join("other.txt");
    std::fs::write(&other, format!("{text}x")).unwrap();
    assert!(!verify(&other).status.success());
}

#[tokio::test]
async fn without_a_client_certificate_mutual_tls_refuses_and_the_journal_says_why() {
    let h = harness(&common::tls_lines()).await;
    assert!(h.stub.uri().starts_with("https://"));
    let k = common::keys();
    let ca = std::fs::read(&k.ca).unwrap();
    let url = format!("{}/dip-channel/IF-031", h.stub.uri());
    // Trusting the DIP but presenting no certificate: refused in the handshake.
    let client =
        mhhs_qual::security::tls::client_builder(reqwest::Client::builder(), Some(&ca), None)
            .unwrap()
            .build()
            .unwrap();
    let sent = client
        .post(&url)
        .header("x-api-key", "test-key-0123456789")
        .body(body(1))
        .send()
        .await;
    assert!(sent.is_err());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let refusal = loop {
        if let Some(e) = h
            .journal
            .all()
            .into_iter()
            .find(|e| e.verdicts.iter().any(|v| v.check == "tls"))
        {
            break e;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no TLS refusal journaled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(refusal.outcome.contains("refused"), "{}", refusal.outcome);
    // With the participant's certificate, a signed submission is accepted over mutual TLS.
    let cert = std::fs::read(&k.sut_tls.0).unwrap();
    let key = std::fs::read(&k.sut_tls.1).unwrap();
    let client = mhhs_qual::security::tls::client_builder(
        reqwest::Client::builder(),
        Some(&ca),
        Some((&cert, &key)),
    )
    .unwrap()
    .build()
    .unwrap();
    let b = body(2);
    let s = k
        .sut_signer()
        .sign("POST", &url, &b, OffsetDateTime::now_utc());
    let mut req = client
        .post(&url)
        .header("content-type", "application/json")
        .header("x-api-key", "test-key-0123456789");
    for (name, value) in s.headers() {
        req = req.header(name, value);
    }
    let r = req.body(b).send().await.unwrap();
    let status = r.status().as_u16();
    let answer: Value = r.json().await.unwrap();
    assert_eq!(status, 201, "{answer}");
}

/// A DIP signing certificate with a subject of six attributes, made by OpenSSL, and its key.
fn openssl_dip_certificate(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (cert, key) = (dir.join("dip.pem"), dir.join("dip.key"));
    let o = openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "30",
        "-subj",
        "/C=GB/ST=London/L=London/O=Elexon Test/OU=DIP/CN=dip.example",
        "-keyout",
        key.to_str().unwrap(),
        "-out",
        cert.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (cert, key)
}

/// The DER of a PEM certificate.
fn der(pem: &[u8]) -> Vec<u8> {
    use rustls_pki_types::pem::PemObject as _;
    rustls_pki_types::CertificateDer::from_pem_slice(pem)
        .unwrap()
        .to_vec()
}

/// QT-SUP-062's delivery: signed by a certificate with the DIP certificate's subject, issuer
/// and serial number, byte for byte, but another key. The harness's own verifier, which
/// trusts exactly one certificate, refuses it; a verifier that trusts a subject is fooled.
#[tokio::test]
async fn the_foreign_certificate_has_the_dips_names_and_serial_and_another_key() {
    use mhhs_qual::security::signature::{Certificate, SignatureError};
    use mhhs_qual::stub::{Delivery, DeliveryBody, Signing};
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

    let dir = tempfile::tempdir().unwrap();
    let (dip_cert, dip_key) = openssl_dip_certificate(dir.path());
    let webhook = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(403))
        .mount(&webhook)
        .await;
    let k = common::keys();
    let text = common::config(0, &format!("{}/webhook", webhook.uri()), "2s")
        .replace(
            &common::toml_path(&k.dip_signing.0),
            &common::toml_path(&dip_cert),
        )
        .replace(
            &common::toml_path(&k.dip_signing.1),
            &common::toml_path(&dip_key),
        );
    let (config, _) = mhhs_qual::config::load_str(&text, "test.toml", Vec::new()).unwrap();
    let h = common::harness_for(config, None).await;
    let from = h.config.counterparties[0].clone();
    let deliver = |signing| Delivery {
        scenario: None,
        from: from.clone(),
        to: h.system().clone(),
        body: DeliveryBody::Raw {
            bytes: body(62),
            content_type: "application/json".into(),
        },
        signing,
    };
    h.egress.deliver(deliver(Signing::ForeignCertificate)).await;
    h.egress.deliver(deliver(Signing::Correct)).await;
    let requests = webhook.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    let header = |r: &wiremock::Request, name: &str| {
        r.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{name} sent"))
            .to_owned()
    };

    // The certificate sent: names and serial those of the DIP's, the key not.
    let dip_pem = std::fs::read(&dip_cert).unwrap();
    let sent_pem = B64.decode(header(&requests[0], CERTIFICATE)).unwrap();
    let (dip_der, sent_der) = (der(&dip_pem), der(&sent_pem));
    let (_, dip) = x509_parser::parse_x509_certificate(&dip_der).unwrap();
    let (_, sent) = x509_parser::parse_x509_certificate(&sent_der).unwrap();
    assert_eq!(dip.subject().iter_attributes().count(), 6);
    assert_eq!(sent.subject().as_raw(), dip.subject().as_raw());
    assert_eq!(sent.issuer().as_raw(), dip.issuer().as_raw());
    assert_eq!(sent.raw_serial(), dip.raw_serial());
    assert_ne!(sent.public_key().raw, dip.public_key().raw);
    assert_eq!(
        sent.subject().to_string(),
        "C=GB, ST=London, L=London, O=Elexon Test, OU=DIP, CN=dip.example"
    );
    // OpenSSL reads the same names and serial in both.
    let sent_file = dir.path().join("sent.pem");
    std::fs::write(&sent_file, &sent_pem).unwrap();
    let names = |file: &std::path::Path| {
        let o = openssl(&[
            "x509",
            "-in",
            file.to_str().unwrap(),
            "-noout",
            "-subject",
            "-issuer",
            "-serial",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    assert_eq!(names(&sent_file), names(&dip_cert));

    // Verified as a participant must: only the DIP's own certificate is trusted.
    let verifier = Verifier::load(&dip_cert, DEFAULT_SKEW).unwrap();
    let url = format!("{}/webhook", webhook.uri());
    let verify = |r: &wiremock::Request| {
        let values: Vec<String> = [DATE, HASH, SIGNATURE, CERTIFICATE]
            .iter()
            .map(|n| header(r, n))
            .collect();
        let presented = Presented {
            date: Some(&values[0]),
            hash: Some(&values[1]),
            signature: Some(&values[2]),
            certificate: Some(&values[3]),
        };
        verifier.verify("POST", &url, &presented, &r.body, OffsetDateTime::now_utc())
    };
    let subject = "C=GB, ST=London, L=London, O=Elexon Test, OU=DIP, CN=dip.example";
    assert_eq!(
        verify(&requests[0]),
        Err(SignatureError::Untrusted(subject.into(), subject.into()))
    );
    assert_eq!(verify(&requests[1]).unwrap().subject, subject);

    // A verifier that trusts whatever certificate has the DIP's subject is fooled: the
    // signature is good for the certificate it came with.
    let r = &requests[0];
    let presented = Certificate::from_header(&header(r, CERTIFICATE)).unwrap();
    let text = string_to_sign("POST", &url, &header(r, DATE), &header(r, HASH));
    assert_eq!(presented.subject(), verifier.trusted().subject());
    assert!(presented.verifies(&text, &header(r, SIGNATURE)));
    assert!(!verifier.trusted().verifies(&text, &header(r, SIGNATURE)));
}
