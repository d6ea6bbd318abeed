//! TLS termination in front of wiremock, client configuration, and certificate file checks.
//! Loopback only, port 0, certificates made at test time.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use mhhs_qual::security::tls::{
    self, Authority, FileProblem, Issued, Refusal, TlsFront, check_certificate, check_pair,
    client_builder, server_config,
};
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::mpsc;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BODY: &str = "hello over tls";

/// A wiremock backend behind a TLS front whose refusals land on a channel.
struct Stub {
    ca: Authority,
    front: TlsFront,
    refused: mpsc::UnboundedReceiver<Refusal>,
    _mock: MockServer,
}

impl Stub {
    async fn start(server: &Issued, ca: Authority, client_ca: Option<&str>) -> Self {
        Self::start_with(server, ca, client_ca, tls::DEFAULT_HANDSHAKE_TIMEOUT).await
    }

    async fn start_with(
        server: &Issued,
        ca: Authority,
        client_ca: Option<&str>,
        handshake_timeout: Duration,
    ) -> Self {
        let mock = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/hello"))
            .respond_with(ResponseTemplate::new(200).set_body_string(BODY))
            .mount(&mock)
            .await;
        let config = server_config(
            server.cert_pem.as_bytes(),
            server.key_pem.as_bytes(),
            client_ca.map(str::as_bytes),
        )
        .unwrap();
        let (tx, refused) = mpsc::unbounded_channel();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let front = TlsFront::start_with_timeout(
            listener,
            config,
            *mock.address(),
            handshake_timeout,
            move |r| {
                let _ = tx.send(r);
            },
        )
        .unwrap();
        Self {
            ca,
            front,
            refused,
            _mock: mock,
        }
    }

    /// A CA, a server certificate from it, and a front requiring client certificates from it.
    async fn mutual() -> Self {
        let ca = Authority::generate("Test CA").unwrap();
        let server = ca.issue("stub-dip", None).unwrap();
        let ca_pem = ca.cert_pem().to_owned();
        Self::start(&server, ca, Some(&ca_pem)).await
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/hello", self.front.local_addr().port())
    }

    async fn next_refusal(&mut self) -> Refusal {
        tokio::time::timeout(Duration::from_secs(5), self.refused.recv())
            .await
            .expect("no refusal reported within 5 s")
            .expect("refusal channel closed")
    }

    fn assert_no_refusal(&mut self) {
        assert!(
            self.refused.try_recv().is_err(),
            "unexpected refusal reported"
        );
    }
}

fn client(ca_pem: Option<&str>, identity: Option<&Issued>) -> reqwest::Client {
    client_builder(
        reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(5)),
        ca_pem.map(str::as_bytes),
        identity.map(|i| (i.cert_pem.as_bytes(), i.key_pem.as_bytes())),
    )
    .unwrap()
    .build()
    .unwrap()
}

async fn get_ok(client: &reqwest::Client, url: &str) {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), BODY);
}

/// The whole error chain as one string.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(" / ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn assert_loopback(peer: SocketAddr) {
    assert!(peer.ip().is_loopback(), "{peer}");
}

#[tokio::test]
async fn a_client_with_a_ca_issued_certificate_gets_the_mocks_answer() {
    let mut stub = Stub::mutual().await;
    let identity = stub.ca.issue("participant", None).unwrap();
    let client = client(Some(stub.ca.cert_pem()), Some(&identity));
    get_ok(&client, &stub.url()).await;
    // Keep-alive: the second request goes over the same piped connection.
    get_ok(&client, &stub.url()).await;
    // Paths the mock does not know get wiremock's own 404, untouched by the front.
    let missing = stub.url().replace("/hello", "/nothing");
    assert_eq!(client.get(missing).send().await.unwrap().status(), 404);
    stub.assert_no_refusal();
}

#[tokio::test]
async fn a_client_without_a_certificate_is_refused() {
    let mut stub = Stub::mutual().await;
    let client = client(Some(stub.ca.cert_pem()), None);
    assert!(client.get(stub.url()).send().await.is_err());
    let refusal = stub.next_refusal().await;
    assert_loopback(refusal.peer);
    assert!(
        refusal.reason.contains("peer sent no certificates"),
        "{}",
        refusal.reason
    );
}

#[tokio::test]
async fn a_client_certificate_from_another_ca_is_refused() {
    let mut stub = Stub::mutual().await;
    let other = Authority::generate("Other CA").unwrap();
    let identity = other.issue("intruder", None).unwrap();
    let client = client(Some(stub.ca.cert_pem()), Some(&identity));
    assert!(client.get(stub.url()).send().await.is_err());
    let refusal = stub.next_refusal().await;
    assert!(
        refusal.reason.contains("UnknownIssuer"),
        "{}",
        refusal.reason
    );
}

#[tokio::test]
async fn an_expired_client_certificate_is_refused() {
    let mut stub = Stub::mutual().await;
    let now = OffsetDateTime::now_utc();
    let identity = stub
        .ca
        .issue_with_validity(
            "expired",
            now - time::Duration::days(10),
            now - time::Duration::days(1),
        )
        .unwrap();
    let client = client(Some(stub.ca.cert_pem()), Some(&identity));
    assert!(client.get(stub.url()).send().await.is_err());
    let refusal = stub.next_refusal().await;
    assert!(
        refusal.reason.contains("certificate expired"),
        "{}",
        refusal.reason
    );
}

#[tokio::test]
async fn plain_http_is_refused_and_the_front_keeps_serving() {
    let mut stub = Stub::mutual().await;
    let mut raw = tokio::net::TcpStream::connect(stub.front.local_addr())
        .await
        .unwrap();
    raw.write_all(b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    // The front closes the connection (possibly after a TLS alert); it never answers HTTP.
    let _ = tokio::time::timeout(Duration::from_secs(5), raw.read_to_end(&mut answer))
        .await
        .expect("the front did not close a plain-HTTP connection");
    assert!(!answer.starts_with(b"HTTP/"), "{answer:?}");
    let refusal = stub.next_refusal().await;
    assert_loopback(refusal.peer);
    assert!(refusal.reason.contains("plain HTTP?"), "{}", refusal.reason);

    let identity = stub.ca.issue("participant", None).unwrap();
    get_ok(
        &client(Some(stub.ca.cert_pem()), Some(&identity)),
        &stub.url(),
    )
    .await;
    stub.assert_no_refusal();
}

#[tokio::test]
async fn a_silent_client_is_refused_after_the_handshake_timeout() {
    let ca = Authority::generate("Test CA").unwrap();
    let server = ca.issue("stub-dip", None).unwrap();
    let mut stub = Stub::start_with(&server, ca, None, Duration::from_millis(200)).await;
    let _silent = tokio::net::TcpStream::connect(stub.front.local_addr())
        .await
        .unwrap();
    let refusal = stub.next_refusal().await;
    assert!(
        refusal.reason.contains("not completed within 200ms"),
        "{}",
        refusal.reason
    );
}

#[tokio::test]
async fn server_only_tls_works_for_a_client_trusting_the_ca() {
    let ca = Authority::generate("Test CA").unwrap();
    let server = ca.issue("stub-dip", None).unwrap();
    let mut stub = Stub::start(&server, ca, None).await;
    get_ok(&client(Some(stub.ca.cert_pem()), None), &stub.url()).await;
    stub.assert_no_refusal();
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_servers_ca_fails() {
    let ca = Authority::generate("Test CA").unwrap();
    let server = ca.issue("stub-dip", None).unwrap();
    let mut stub = Stub::start(&server, ca, None).await;
    let other = Authority::generate("Other CA").unwrap();
    let err = client(Some(other.cert_pem()), None)
        .get(stub.url())
        .send()
        .await
        .unwrap_err();
    assert!(chain(&err).contains("UnknownIssuer"), "{}", chain(&err));
    // The client's alert ends the handshake on the server side too.
    let refusal = stub.next_refusal().await;
    assert_eq!(
        refusal.reason,
        "TLS handshake failed: received fatal alert: UnknownCA"
    );
}

#[tokio::test]
async fn a_ca_reloaded_from_pem_issues_certificates_the_original_ca_verifies() {
    let original = Authority::generate("Reloaded CA").unwrap();
    let reloaded = Authority::from_pem(original.cert_pem(), original.key_pem()).unwrap();
    let server = reloaded.issue("stub-dip", None).unwrap();
    let identity = reloaded.issue("participant", None).unwrap();
    let ca_pem = original.cert_pem().to_owned();
    let mut stub = Stub::start(&server, original, Some(&ca_pem)).await;
    get_ok(&client(Some(&ca_pem), Some(&identity)), &stub.url()).await;
    stub.assert_no_refusal();
}

#[tokio::test]
async fn dropping_the_front_stops_it() {
    let stub = Stub::mutual().await;
    let addr = stub.front.local_addr();
    drop(stub);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    loop {
        match tokio::net::TcpStream::connect(addr).await {
            Err(e) => {
                // Refused, or reset when the connect raced the listener's close.
                assert!(
                    matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset
                    ),
                    "{e}"
                );
                break;
            }
            Ok(_) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok(_) => panic!("the front still accepts connections after being dropped"),
        }
    }
}

#[test]
fn client_builder_rejects_a_key_that_is_not_the_certificates() {
    let ca = Authority::generate("Test CA").unwrap();
    let a = ca.issue("a", None).unwrap();
    let b = ca.issue("b", None).unwrap();
    let err = client_builder(
        reqwest::Client::builder(),
        Some(ca.cert_pem().as_bytes()),
        Some((a.cert_pem.as_bytes(), b.key_pem.as_bytes())),
    )
    .unwrap_err();
    let message = err.to_string();
    assert_eq!(
        message,
        "client private key: the private key does not belong to the certificate"
    );
    assert!(!message.contains("PRIVATE KEY-----"));
    let err = client_builder(reqwest::Client::builder(), Some(b"not pem"), None).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("trusted CA: no PEM certificate"),
        "{err}"
    );
}

// ------------------------------------------------------------------------------------------
// check_pair / check_certificate
// ------------------------------------------------------------------------------------------

fn write(dir: &Path, name: &str, contents: &str, mode: u32) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    set_mode(&path, mode);
    path
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

/// Writes `issued` as cert.pem (0644) and key.pem (0600) and checks the pair.
fn check_issued(issued: &Issued) -> (tempfile::TempDir, Vec<FileProblem>) {
    let dir = tempfile::tempdir().unwrap();
    let cert = write(dir.path(), "cert.pem", &issued.cert_pem, 0o644);
    let key = write(dir.path(), "key.pem", &issued.key_pem, 0o600);
    let problems = check_pair(&cert, &key);
    (dir, problems)
}

fn only_error(problems: &[FileProblem], path_name: &str, needle: &str) {
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = &problems[0];
    assert!(!p.warning, "{p:?}");
    assert_eq!(p.path.file_name().unwrap(), path_name, "{p:?}");
    assert!(p.message.contains(needle), "{p:?}");
}

#[test]
fn a_good_pair_has_no_problems() {
    let ca = Authority::generate("Test CA").unwrap();
    let (_dir, problems) = check_issued(&ca.issue("leaf", None).unwrap());
    assert_eq!(problems, []);
}

#[test]
fn an_unreadable_file_is_an_error_naming_the_path() {
    let ca = Authority::generate("Test CA").unwrap();
    let issued = ca.issue("leaf", None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key = write(dir.path(), "key.pem", &issued.key_pem, 0o600);
    let missing = dir.path().join("missing-cert.pem");
    let problems = check_pair(&missing, &key);
    only_error(
        &problems,
        "missing-cert.pem",
        &missing.display().to_string(),
    );
    assert_eq!(problems[0].path, missing);

    let missing_key = dir.path().join("missing-key.pem");
    let cert = write(dir.path(), "cert.pem", &issued.cert_pem, 0o644);
    let problems = check_pair(&cert, &missing_key);
    only_error(
        &problems,
        "missing-key.pem",
        &missing_key.display().to_string(),
    );

    let problems = check_certificate(&missing);
    only_error(&problems, "missing-cert.pem", "cannot read");
}

#[test]
fn garbage_files_are_errors() {
    let ca = Authority::generate("Test CA").unwrap();
    let issued = ca.issue("leaf", None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let garbage = write(
        dir.path(),
        "garbage.pem",
        "this is not a certificate\n",
        0o600,
    );
    let cert = write(dir.path(), "cert.pem", &issued.cert_pem, 0o644);
    let key = write(dir.path(), "key.pem", &issued.key_pem, 0o600);

    only_error(&check_pair(&garbage, &key), "garbage.pem", "not a PEM file");
    only_error(
        &check_pair(&cert, &garbage),
        "garbage.pem",
        "no PEM private key found",
    );
    only_error(
        &check_certificate(&garbage),
        "garbage.pem",
        "not a PEM file",
    );

    // PEM framing around a body that is not a certificate.
    let fake = write(
        dir.path(),
        "fake.pem",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        0o644,
    );
    only_error(&check_certificate(&fake), "fake.pem", "does not parse");
    // A key PEM given as the certificate: PEM, but no certificate in it.
    only_error(
        &check_pair(&key, &key),
        "key.pem",
        "no PEM certificate found",
    );
}

#[test]
fn the_key_of_another_certificate_is_a_mismatch() {
    let ca = Authority::generate("Test CA").unwrap();
    let a = ca.issue("a", None).unwrap();
    let b = ca.issue("b", None).unwrap();
    let (_dir, problems) = check_issued(&Issued {
        cert_pem: a.cert_pem,
        key_pem: b.key_pem,
    });
    only_error(&problems, "key.pem", "does not belong to the certificate");
}

#[test]
fn expired_not_yet_valid_and_expiring_certificates() {
    let ca = Authority::generate("Test CA").unwrap();
    let now = OffsetDateTime::now_utc();
    let day = time::Duration::days(1);

    let expired = ca
        .issue_with_validity("old", now - 10 * day, now - day)
        .unwrap();
    let (_dir, problems) = check_issued(&expired);
    only_error(&problems, "cert.pem", "CN=old expired on");

    let future = ca
        .issue_with_validity("future", now + day, now + 100 * day)
        .unwrap();
    let (_dir, problems) = check_issued(&future);
    only_error(&problems, "cert.pem", "is not valid before");

    let soon = ca.issue("soon", Some(now + 10 * day)).unwrap();
    let (_dir, problems) = check_issued(&soon);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].warning);
    assert!(problems[0].message.contains("expires on"), "{problems:?}");

    // check_certificate sees the same dates.
    let dir = tempfile::tempdir().unwrap();
    let cert = write(dir.path(), "ca.pem", &expired.cert_pem, 0o644);
    only_error(&check_certificate(&cert), "ca.pem", "expired on");
    let good = write(dir.path(), "good.pem", ca.cert_pem(), 0o644);
    assert_eq!(check_certificate(&good), []);
}

#[cfg(unix)]
#[test]
fn a_key_readable_by_others_is_a_warning_only() {
    let ca = Authority::generate("Test CA").unwrap();
    let issued = ca.issue("leaf", None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert = write(dir.path(), "cert.pem", &issued.cert_pem, 0o644);
    let key = write(dir.path(), "key.pem", &issued.key_pem, 0o644);
    let problems = check_pair(&cert, &key);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].warning);
    assert_eq!(problems[0].path, key);
    assert!(problems[0].message.contains("mode 0644"), "{problems:?}");
}

/// PKCS#8 `PrivateKeyInfo` → the key inside (PKCS#1 for RSA).
fn inner_key(pkcs8: &[u8]) -> Vec<u8> {
    let (_, info) = x509_parser::der_parser::parse_der(pkcs8).unwrap();
    let fields = info.as_sequence().unwrap();
    fields[2].as_slice().unwrap().to_vec()
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let body: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.join("\n")
    )
}

#[test]
fn rsa_keys_in_pkcs8_and_pkcs1_and_ec_keys_in_sec1_are_understood() {
    use aws_lc_rs::encoding::AsDer as _;
    use rustls_pki_types::pem::PemObject as _;

    // RSA, self-signed with rcgen.
    let rsa = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .self_signed(&rsa)
        .unwrap();
    let pkcs8 = Issued {
        cert_pem: cert.pem(),
        key_pem: rsa.serialize_pem(),
    };
    assert!(pkcs8.key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    let (_dir, problems) = check_issued(&pkcs8);
    assert_eq!(problems, []);
    let pkcs1 = Issued {
        cert_pem: cert.pem(),
        key_pem: pem("RSA PRIVATE KEY", &inner_key(rsa.serialized_der())),
    };
    let (_dir, problems) = check_issued(&pkcs1);
    assert_eq!(problems, []);

    // ECDSA P-256 as SEC1 (RFC 5915).
    let ca = Authority::generate("Test CA").unwrap();
    let leaf = ca.issue("leaf", None).unwrap();
    let key_der = rustls_pki_types::PrivateKeyDer::from_pem_slice(leaf.key_pem.as_bytes()).unwrap();
    let ec = aws_lc_rs::signature::EcdsaKeyPair::from_pkcs8(
        &aws_lc_rs::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        key_der.secret_der(),
    )
    .unwrap();
    let sec1 = ec.private_key().as_der().unwrap();
    let sec1 = Issued {
        cert_pem: leaf.cert_pem.clone(),
        key_pem: pem("EC PRIVATE KEY", sec1.as_ref()),
    };
    let (_dir, problems) = check_issued(&sec1);
    assert_eq!(problems, []);
    // The same SEC1 key works as a TLS server key and as a reqwest identity.
    assert!(server_config(sec1.cert_pem.as_bytes(), sec1.key_pem.as_bytes(), None).is_ok());
    assert!(
        client_builder(
            reqwest::Client::builder(),
            None,
            Some((sec1.cert_pem.as_bytes(), sec1.key_pem.as_bytes()))
        )
        .unwrap()
        .build()
        .is_ok()
    );
}
