//! Mutual TLS on both legs of the DIP (CONTRACT.md §4), and the certificates a test set-up needs.
//!
//! # Design
//!
//! The harness's own servers ([`crate::serve`]: the stub DIP's ingress, the reference
//! participant's webhook) terminate TLS themselves: [`handshake`] completes the TLS handshake
//! with rustls (requiring a client certificate that chains to the configured CA when mutual
//! TLS is on) within a timeout, and a handshake that fails (no or untrusted client
//! certificate, not TLS at all, too slow) is a [`Refusal`] saying why. No ALPN is advertised,
//! so clients speak HTTP/1.1.
//!
//! A [`TlsFront`] puts TLS in front of a plain HTTP server the harness does not own (a
//! wiremock server in tests): it accepts TCP connections, completes the same handshake, opens
//! a loopback connection to the backend and pipes the decrypted bytes both ways with
//! [`tokio::io::copy_bidirectional`]. The front never parses HTTP, so the backend's answers
//! reach the client exactly as it produced them; a refusal is reported to a callback and the
//! accept loop carries on.
//!
//! On the outbound leg (delivering to a participant's https webhook) [`client_builder`]
//! configures a reqwest client on the rustls backend to trust exactly the given CA and to
//! present the harness's client certificate.
//!
//! Test certificates come from an [`Authority`] (rcgen, ECDSA P-256); [`check_pair`] and
//! [`check_certificate`] vet certificate and key files for `check-config`.
//!
//! All cryptography is aws-lc-rs, the provider rustls already brings; the provider is passed
//! explicitly rather than installed process-wide.
//!
//! # Secrets
//!
//! Private key PEM never appears in an error, a `Debug` output or a log line: [`Authority`]
//! and [`Issued`] redact it, and errors about a key file name the file and the fault only.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    PKCS_ECDSA_P256_SHA256, PublicKeyData, SanType,
};
use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls::sign::CertifiedKey;
use rustls::{InconsistentKeys, RootCertStore};
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::net::TcpStream;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use x509_parser::asn1_rs::Tag;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;

/// How long a TLS handshake may take before the connection is refused.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// A certificate expiring within this many days draws a warning from the checks.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// The one crypto provider this module uses (aws-lc-rs), independent of any process default.
static PROVIDER: LazyLock<Arc<CryptoProvider>> =
    LazyLock::new(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));

/// Why a certificate, key or TLS configuration could not be used. Messages name the file or
/// the role of the PEM (`what`) and the fault, never key material.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{what}: malformed PEM: {reason}")]
    Pem { what: String, reason: String },
    #[error("{what}: no PEM certificate found (expected -----BEGIN CERTIFICATE-----)")]
    NoCertificate { what: String },
    #[error("{what}: the certificate does not parse: {reason}")]
    BadCertificate { what: String, reason: String },
    #[error("{what}: no PEM private key found (PKCS#8, PKCS#1 RSA or SEC1 EC)")]
    NoPrivateKey { what: String },
    #[error("{what}: the private key is encrypted; an unencrypted key is needed")]
    EncryptedKey { what: String },
    #[error("{what}: the private key cannot be used: {reason}")]
    BadKey { what: String, reason: String },
    #[error("{what}: the private key does not belong to the certificate")]
    KeyMismatch { what: String },
    #[error("{what}: not a CA certificate (basicConstraints CA:TRUE missing)")]
    NotCa { what: String },
    #[error("generating a certificate failed: {0}")]
    Generate(String),
    #[error("{what}: {source}")]
    Rustls { what: String, source: rustls::Error },
    #[error("{what}: {source}")]
    Client {
        what: String,
        source: reqwest::Error,
    },
}

// ---------------------------------------------------------------------------------------------
// Certificate authority for test set-ups
// ---------------------------------------------------------------------------------------------

/// A certificate authority for test set-ups (generated with rcgen, ECDSA P-256).
///
/// `Debug` shows the certificate only; the key is redacted.
pub struct Authority {
    cert_pem: String,
    key_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl fmt::Debug for Authority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authority")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// A certificate and its private key, both PEM (PKCS#8 key). `Debug` redacts the key.
#[derive(Clone)]
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
}

impl fmt::Debug for Issued {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issued")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"[redacted]")
            .finish()
    }
}

fn gen_err(e: &rcgen::Error) -> TlsError {
    TlsError::Generate(e.to_string())
}

impl Authority {
    /// A fresh self-signed CA named `common_name`, valid from an hour ago for ten years.
    pub fn generate(common_name: &str) -> Result<Self, TlsError> {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(|e| gen_err(&e))?;
        let mut params = CertificateParams::default();
        params.distinguished_name = DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::hours(1);
        params.not_after = now + time::Duration::days(3650);
        let cert = params.self_signed(&key).map_err(|e| gen_err(&e))?;
        let key_pem = key.serialize_pem();
        Ok(Self {
            cert_pem: cert.pem(),
            key_pem,
            issuer: Issuer::new(params, key),
        })
    }

    /// An existing CA from its certificate and private key (PEM; PKCS#8, PKCS#1 or SEC1).
    ///
    /// The certificate must be a CA (basicConstraints CA:TRUE), its subject made of
    /// single-valued RDNs, and the key must belong to it. Certificates this CA issues carry
    /// its subject byte for byte and its subject key identifier as authority key identifier.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, TlsError> {
        const WHAT: &str = "CA certificate";
        let certs = parse_certificates(cert_pem.as_bytes(), WHAT)?;
        let ca_der = &certs[0];
        let x509 = parse_x509(ca_der, WHAT)?;
        if !x509.is_ca() {
            return Err(TlsError::NotCa { what: WHAT.into() });
        }
        let key_der = parse_private_key(key_pem.as_bytes(), "CA private key")?;
        let key = KeyPair::try_from(&key_der).map_err(|e| TlsError::BadKey {
            what: "CA private key".into(),
            reason: e.to_string(),
        })?;
        if key.subject_public_key_info() != x509.public_key().raw {
            return Err(TlsError::KeyMismatch {
                what: "CA private key".into(),
            });
        }
        let mut params = CertificateParams::default();
        params.distinguished_name = distinguished_name(&x509)?;
        params.key_identifier_method = x509
            .iter_extensions()
            .find_map(|ext| match ext.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(id) => {
                    Some(KeyIdMethod::PreSpecified(id.0.to_vec()))
                }
                _ => None,
            })
            .unwrap_or(KeyIdMethod::Sha256);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        Ok(Self {
            cert_pem: cert_pem.to_owned(),
            key_pem: key_pem.to_owned(),
            issuer: Issuer::new(params, key),
        })
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA private key, PEM. Handle with care: it is the only way to read it.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// A leaf certificate for `common_name`, SANs `localhost`, `127.0.0.1` and `::1`, EKU
    /// serverAuth + clientAuth, valid from an hour ago until `not_after` (default: one year),
    /// signed by this authority, with a fresh ECDSA P-256 key.
    pub fn issue(
        &self,
        common_name: &str,
        not_after: Option<OffsetDateTime>,
    ) -> Result<Issued, TlsError> {
        let now = OffsetDateTime::now_utc();
        self.issue_with_validity(
            common_name,
            now - time::Duration::hours(1),
            not_after.unwrap_or(now + time::Duration::days(365)),
        )
    }

    /// As [`issue`](Self::issue) with an explicit validity window; a window in the past makes
    /// an expired certificate, one in the future a not-yet-valid one (for negative tests).
    pub fn issue_with_validity(
        &self,
        common_name: &str,
        not_before: OffsetDateTime,
        not_after: OffsetDateTime,
    ) -> Result<Issued, TlsError> {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(|e| gen_err(&e))?;
        let mut params = CertificateParams::default();
        params.distinguished_name = DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.subject_alt_names = vec![
            SanType::DnsName("localhost".try_into().map_err(|e| gen_err(&e))?),
            SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()),
            SanType::IpAddress(std::net::Ipv6Addr::LOCALHOST.into()),
        ];
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        params.use_authority_key_identifier_extension = true;
        params.not_before = not_before;
        params.not_after = not_after;
        let cert = params
            .signed_by(&key, &self.issuer)
            .map_err(|e| gen_err(&e))?;
        Ok(Issued {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }
}

/// The subject of `x509` as rcgen needs it to issue under it, keeping each value's string type
/// so that issued certificates carry the issuer name byte for byte (path building compares
/// names as bytes).
fn distinguished_name(x509: &X509Certificate<'_>) -> Result<DistinguishedName, TlsError> {
    let bad = |reason: &str| TlsError::BadCertificate {
        what: "CA certificate".into(),
        reason: format!("subject: {reason}"),
    };
    let mut dn = DistinguishedName::new();
    for rdn in x509.subject().iter() {
        let mut attrs = rdn.iter();
        let (Some(attr), None) = (attrs.next(), attrs.next()) else {
            return Err(bad("multi-valued or empty RDNs are not supported"));
        };
        let oid: Vec<u64> = attr
            .attr_type()
            .iter()
            .ok_or_else(|| bad("attribute type OID out of range"))?
            .collect();
        let value = attr.attr_value();
        let text = || std::str::from_utf8(value.data).map_err(|_| bad("value is not text"));
        let invalid = |e: rcgen::Error| bad(&e.to_string());
        let value = match value.header.tag() {
            Tag::Utf8String => DnValue::Utf8String(text()?.to_owned()),
            Tag::PrintableString => DnValue::PrintableString(text()?.try_into().map_err(invalid)?),
            Tag::Ia5String => DnValue::Ia5String(text()?.try_into().map_err(invalid)?),
            Tag::T61String => DnValue::TeletexString(text()?.try_into().map_err(invalid)?),
            Tag::BmpString => DnValue::BmpString(
                rcgen::string::BmpString::from_utf16be(value.data.to_vec()).map_err(invalid)?,
            ),
            Tag::UniversalString => DnValue::UniversalString(
                rcgen::string::UniversalString::from_utf32be(value.data.to_vec())
                    .map_err(invalid)?,
            ),
            other => return Err(bad(&format!("unsupported string type {other}"))),
        };
        dn.push(DnType::from_oid(&oid), value);
    }
    Ok(dn)
}

// ---------------------------------------------------------------------------------------------
// PEM parsing
// ---------------------------------------------------------------------------------------------

/// All certificates in `pem`, each checked to parse as X.509. At least one.
fn parse_certificates(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Pem {
            what: what.into(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate { what: what.into() });
    }
    for cert in &certs {
        parse_x509(cert, what)?;
    }
    Ok(certs)
}

fn parse_x509<'a>(der: &'a [u8], what: &str) -> Result<X509Certificate<'a>, TlsError> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, cert)| cert)
        .map_err(|e| TlsError::BadCertificate {
            what: what.into(),
            reason: e.to_string(),
        })
}

/// The first private key in `pem`. Errors describe the fault without quoting the file.
fn parse_private_key(pem: &[u8], what: &str) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| {
        let reason = match e {
            pem::Error::NoItemsFound => {
                let encrypted = contains(pem, b"ENCRYPTED PRIVATE KEY")
                    || contains(pem, b"Proc-Type: 4,ENCRYPTED");
                return if encrypted {
                    TlsError::EncryptedKey { what: what.into() }
                } else {
                    TlsError::NoPrivateKey { what: what.into() }
                };
            }
            pem::Error::MissingSectionEnd { .. } => "a PEM section has no END line",
            pem::Error::IllegalSectionStart { .. } => "a PEM BEGIN line is malformed",
            pem::Error::Base64Decode(_) => "a PEM section is not valid base64",
            pem::Error::SectionTooLarge => "a PEM section is too large",
            _ => "the PEM cannot be read",
        };
        TlsError::Pem {
            what: what.into(),
            reason: reason.into(),
        }
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Loads `key` with the aws-lc-rs key provider and checks it belongs to `certs[0]`.
fn certified_key(
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    what: &str,
) -> Result<CertifiedKey, TlsError> {
    let signing_key =
        PROVIDER
            .key_provider
            .load_private_key(key)
            .map_err(|e| TlsError::BadKey {
                what: what.into(),
                reason: e.to_string(),
            })?;
    let certified = CertifiedKey::new(certs, signing_key);
    match certified.keys_match() {
        Ok(()) | Err(rustls::Error::InconsistentKeys(InconsistentKeys::Unknown)) => Ok(certified),
        Err(rustls::Error::InconsistentKeys(InconsistentKeys::KeyMismatch)) => {
            Err(TlsError::KeyMismatch { what: what.into() })
        }
        Err(source) => Err(TlsError::Rustls {
            what: what.into(),
            source,
        }),
    }
}

/// Reads a file, mapping IO errors to a [`TlsError`] naming the path.
pub fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        source,
    })
}

// ---------------------------------------------------------------------------------------------
// Configurations
// ---------------------------------------------------------------------------------------------

/// Server config: serve `cert_pem` (leaf first, then any intermediates) with `key_pem`; when
/// `client_ca_pem` is given, a client certificate is REQUIRED and must chain to one of the
/// certificates in it (rustls `WebPkiClientVerifier`). TLS 1.2 and 1.3, no ALPN.
pub fn server_config(
    cert_pem: &[u8],
    key_pem: &[u8],
    client_ca_pem: Option<&[u8]>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let certs = parse_certificates(cert_pem, "server certificate")?;
    let key = parse_private_key(key_pem, "server private key")?;
    let certified = certified_key(certs, key, "server private key")?;

    let builder = rustls::ServerConfig::builder_with_provider(PROVIDER.clone())
        .with_safe_default_protocol_versions()
        .map_err(|source| TlsError::Rustls {
            what: "server TLS configuration".into(),
            source,
        })?;
    let builder = match client_ca_pem {
        None => builder.with_no_client_auth(),
        Some(ca_pem) => {
            let mut roots = RootCertStore::empty();
            for ca in parse_certificates(ca_pem, "client CA")? {
                roots.add(ca).map_err(|source| TlsError::Rustls {
                    what: "client CA".into(),
                    source,
                })?;
            }
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(roots), PROVIDER.clone())
                    .build()
                    .map_err(|e| TlsError::Rustls {
                        what: "client CA".into(),
                        source: rustls::Error::General(e.to_string()),
                    })?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config =
        builder.with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(certified)));
    Ok(Arc::new(config))
}

/// Configures a reqwest `ClientBuilder` on the rustls backend: trust exactly the
/// certificates in `ca_pem` when given (otherwise the platform's roots), and present
/// `identity` (certificate PEM, private key PEM) as client certificate when given.
///
/// Both are checked here (parse, key belongs to certificate) so a bad file fails with a clear
/// error rather than at the first request.
pub fn client_builder(
    builder: reqwest::ClientBuilder,
    ca_pem: Option<&[u8]>,
    identity: Option<(&[u8], &[u8])>,
) -> Result<reqwest::ClientBuilder, TlsError> {
    let mut builder = builder.tls_backend_rustls();
    if let Some(ca_pem) = ca_pem {
        let roots = parse_certificates(ca_pem, "trusted CA")?
            .iter()
            .map(|der| reqwest::Certificate::from_der(der))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| TlsError::Client {
                what: "trusted CA".into(),
                source,
            })?;
        builder = builder.tls_certs_only(roots);
    }
    if let Some((cert_pem, key_pem)) = identity {
        let certs = parse_certificates(cert_pem, "client certificate")?;
        let key = parse_private_key(key_pem, "client private key")?;
        let label = pem_label(&key);
        let key_der = key.secret_der().to_vec();
        certified_key(certs.clone(), key, "client private key")?;
        // A clean bundle (certificates then key) whatever else the files held.
        let mut bundle = String::new();
        for cert in &certs {
            bundle.push_str(&to_pem("CERTIFICATE", cert));
        }
        bundle.push_str(&to_pem(label, &key_der));
        let identity =
            reqwest::Identity::from_pem(bundle.as_bytes()).map_err(|source| TlsError::Client {
                what: "client certificate".into(),
                source,
            })?;
        builder = builder.identity(identity);
    }
    Ok(builder)
}

fn pem_label(key: &PrivateKeyDer<'_>) -> &'static str {
    match key {
        PrivateKeyDer::Pkcs1(_) => "RSA PRIVATE KEY",
        PrivateKeyDer::Sec1(_) => "EC PRIVATE KEY",
        _ => "PRIVATE KEY",
    }
}

fn to_pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        // base64 output is ASCII.
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// [`server_config`] from files: the certificate, its key and, for mutual TLS, the CA client
/// certificates must chain to.
pub fn server_config_from_files(
    cert: &Path,
    key: &Path,
    client_ca: Option<&Path>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let ca = client_ca.map(read).transpose()?;
    server_config(&read(cert)?, &read(key)?, ca.as_deref())
}

/// [`client_builder`] from files: the CA to trust and the client certificate and key to
/// present.
pub fn client_builder_from_files(
    builder: reqwest::ClientBuilder,
    ca: Option<&Path>,
    identity: Option<(&Path, &Path)>,
) -> Result<reqwest::ClientBuilder, TlsError> {
    let ca = ca.map(read).transpose()?;
    let identity = identity
        .map(|(cert, key)| Ok::<_, TlsError>((read(cert)?, read(key)?)))
        .transpose()?;
    client_builder(
        builder,
        ca.as_deref(),
        identity.as_ref().map(|(c, k)| (c.as_slice(), k.as_slice())),
    )
}

// ---------------------------------------------------------------------------------------------
// TLS front
// ---------------------------------------------------------------------------------------------

/// Why a TLS connection was refused (handshake failure, timeout, not TLS at all).
#[derive(Debug, Clone)]
pub struct Refusal {
    pub peer: SocketAddr,
    pub reason: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TLS connection from {} refused: {}",
            self.peer, self.reason
        )
    }
}

type OnRefused = Arc<dyn Fn(Refusal) + Send + Sync>;

/// Terminates TLS on a listener and pipes each connection's plaintext to a backend.
///
/// Dropping the `TlsFront` stops it: the accept loop and every open connection are aborted.
#[derive(Debug)]
pub struct TlsFront {
    local_addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl TlsFront {
    /// Starts serving `listener` with `config`, piping plaintext to `backend`, with the
    /// default handshake timeout ([`DEFAULT_HANDSHAKE_TIMEOUT`]).
    ///
    /// Must be called inside a tokio runtime (an error otherwise); sets `listener`
    /// non-blocking.
    pub fn start(
        listener: std::net::TcpListener,
        config: Arc<rustls::ServerConfig>,
        backend: SocketAddr,
        on_refused: impl Fn(Refusal) + Send + Sync + 'static,
    ) -> io::Result<Self> {
        Self::start_with_timeout(
            listener,
            config,
            backend,
            DEFAULT_HANDSHAKE_TIMEOUT,
            on_refused,
        )
    }

    /// As [`start`](Self::start) with an explicit handshake timeout.
    pub fn start_with_timeout(
        listener: std::net::TcpListener,
        config: Arc<rustls::ServerConfig>,
        backend: SocketAddr,
        handshake_timeout: Duration,
        on_refused: impl Fn(Refusal) + Send + Sync + 'static,
    ) -> io::Result<Self> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| io::Error::other(format!("TlsFront needs a tokio runtime: {e}")))?;
        listener.set_nonblocking(true)?;
        let local_addr = listener.local_addr()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let acceptor = TlsAcceptor::from(config);
        let on_refused: OnRefused = Arc::new(on_refused);
        let task = runtime.spawn(accept_loop(
            listener,
            acceptor,
            backend,
            handshake_timeout,
            on_refused,
        ));
        Ok(Self { local_addr, task })
    }

    /// The address the front listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    acceptor: TlsAcceptor,
    backend: SocketAddr,
    handshake_timeout: Duration,
    on_refused: OnRefused,
) {
    // Owned here so that aborting this task aborts every connection too.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(serve_connection(
                        stream,
                        peer,
                        acceptor.clone(),
                        backend,
                        handshake_timeout,
                        on_refused.clone(),
                    ));
                }
                Err(e) => {
                    // E.g. too many open files: back off briefly rather than spin.
                    tracing::warn!(target: "tls", "TLS front: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(done) = connections.join_next(), if !connections.is_empty() => {
                if done.is_err_and(|e| e.is_panic()) {
                    tracing::warn!(target: "tls", "TLS front: a connection task panicked");
                }
            }
        }
    }
}

/// Completes the TLS handshake of `stream` from `peer` within `timeout`, or says why not.
pub async fn handshake(
    acceptor: &TlsAcceptor,
    stream: TcpStream,
    peer: SocketAddr,
    timeout: Duration,
) -> Result<tokio_rustls::server::TlsStream<TcpStream>, Refusal> {
    match tokio::time::timeout(timeout, acceptor.accept(stream)).await {
        Err(_) => Err(Refusal {
            peer,
            reason: format!(
                "TLS handshake not completed within {}",
                humantime::format_duration(timeout)
            ),
        }),
        Ok(Err(e)) => Err(Refusal {
            peer,
            reason: handshake_reason(&e),
        }),
        Ok(Ok(tls)) => Ok(tls),
    }
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    backend: SocketAddr,
    handshake_timeout: Duration,
    on_refused: OnRefused,
) {
    let _ = stream.set_nodelay(true);
    let mut tls = match handshake(&acceptor, stream, peer, handshake_timeout).await {
        Ok(tls) => tls,
        Err(refusal) => {
            tracing::info!(target: "tls", "{refusal}");
            return on_refused(refusal);
        }
    };
    let mut upstream = match TcpStream::connect(backend).await {
        Ok(upstream) => upstream,
        Err(e) => {
            tracing::warn!(target: "tls", "TLS front: cannot reach backend {backend} for {peer}: {e}");
            return;
        }
    };
    let _ = upstream.set_nodelay(true);
    match tokio::io::copy_bidirectional(&mut tls, &mut upstream).await {
        Ok((up, down)) => {
            tracing::trace!(target: "tls", "TLS front: {peer} closed ({up} bytes in, {down} out)");
        }
        Err(e) => tracing::debug!(target: "tls", "TLS front: {peer}: {e}"),
    }
}

/// The handshake error as a reason, with a hint when the peer did not speak TLS at all.
fn handshake_reason(e: &io::Error) -> String {
    let not_tls = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|r| {
            matches!(
                r,
                rustls::Error::InvalidMessage(
                    rustls::InvalidMessage::InvalidContentType
                        | rustls::InvalidMessage::UnknownProtocolVersion
                )
            )
        });
    if not_tls {
        format!("TLS handshake failed: {e} (the client did not speak TLS; plain HTTP?)")
    } else if e.kind() == io::ErrorKind::UnexpectedEof {
        format!("TLS handshake failed: the client closed the connection ({e})")
    } else {
        format!("TLS handshake failed: {e}")
    }
}

// ---------------------------------------------------------------------------------------------
// File checks for check-config
// ---------------------------------------------------------------------------------------------

/// A problem found in a certificate or key file (for the `check-config` command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub path: PathBuf,
    pub message: String,
    /// A warning does not stop a run; an error does.
    pub warning: bool,
}

impl FileProblem {
    fn error(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            message: message.into(),
            warning: false,
        }
    }

    fn warning(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            message: message.into(),
            warning: true,
        }
    }
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = if self.warning { "warning" } else { "error" };
        write!(f, "{level}: {}: {}", self.path.display(), self.message)
    }
}

/// Checks a certificate + private key pair on disk: unreadable file, not PEM or does not
/// parse, no certificate or no key in the file, key does not belong to the (first)
/// certificate, a certificate expired or not yet valid (errors); a certificate expiring within
/// [`EXPIRY_WARNING_DAYS`] days, a private key file readable by group or others on unix
/// (warnings). RSA and ECDSA keys, PKCS#8, PKCS#1 and SEC1 PEM.
pub fn check_pair(cert: &Path, key: &Path) -> Vec<FileProblem> {
    let mut problems = Vec::new();
    let certs = load_checked_certificates(cert, &mut problems);

    let key_der = match std::fs::read(key) {
        Err(e) => {
            problems.push(FileProblem::error(
                key,
                format!("cannot read {}: {e}", key.display()),
            ));
            return problems;
        }
        Ok(bytes) => match parse_private_key(&bytes, "private key") {
            Ok(der) => Some(der),
            Err(e) => {
                problems.push(FileProblem::error(key, strip_what(&e)));
                None
            }
        },
    };
    check_key_permissions(key, &mut problems);

    if let (Some(certs), Some(key_der)) = (certs, key_der) {
        match certified_key(certs, key_der, "private key") {
            Ok(certified) => {
                if certified.keys_match().is_err() {
                    problems.push(FileProblem::warning(
                        key,
                        "cannot confirm that the private key belongs to the certificate",
                    ));
                }
            }
            Err(TlsError::KeyMismatch { .. }) => problems.push(FileProblem::error(
                key,
                format!(
                    "the private key does not belong to the certificate in {}",
                    cert.display()
                ),
            )),
            Err(e) => problems.push(FileProblem::error(key, strip_what(&e))),
        }
    }
    problems
}

/// Checks a certificate file alone (a CA or a peer's signing certificate): unreadable, not
/// PEM or does not parse, no certificate (errors); every certificate in it expired or not
/// yet valid (error) or expiring within [`EXPIRY_WARNING_DAYS`] days (warning).
pub fn check_certificate(path: &Path) -> Vec<FileProblem> {
    let mut problems = Vec::new();
    load_checked_certificates(path, &mut problems);
    problems
}

/// Reads, parses and date-checks the certificates in `path`; `None` when they cannot be used.
fn load_checked_certificates(
    path: &Path,
    problems: &mut Vec<FileProblem>,
) -> Option<Vec<CertificateDer<'static>>> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            problems.push(FileProblem::error(
                path,
                format!("cannot read {}: {e}", path.display()),
            ));
            return None;
        }
    };
    let certs = match parse_certificates(&bytes, "certificate") {
        Ok(certs) => certs,
        Err(e) => {
            let message = if matches!(e, TlsError::NoCertificate { .. })
                && !contains(&bytes, b"-----BEGIN ")
            {
                "not a PEM file: no -----BEGIN CERTIFICATE----- section".to_owned()
            } else {
                strip_what(&e)
            };
            problems.push(FileProblem::error(path, message));
            return None;
        }
    };
    let now = OffsetDateTime::now_utc();
    for (i, der) in certs.iter().enumerate() {
        let Ok(x509) = parse_x509(der, "certificate") else {
            continue; // parse_certificates already checked every one
        };
        let name = if certs.len() == 1 {
            format!("certificate {}", x509.subject())
        } else {
            format!(
                "certificate {} of {} ({})",
                i + 1,
                certs.len(),
                x509.subject()
            )
        };
        let validity = x509.validity();
        let not_before = validity.not_before.to_datetime();
        let not_after = validity.not_after.to_datetime();
        if not_after < now {
            problems.push(FileProblem::error(
                path,
                format!("{name} expired on {}", date(not_after)),
            ));
        } else if not_before > now {
            problems.push(FileProblem::error(
                path,
                format!("{name} is not valid before {}", date(not_before)),
            ));
        } else if not_after - now < time::Duration::days(EXPIRY_WARNING_DAYS) {
            problems.push(FileProblem::warning(
                path,
                format!(
                    "{name} expires on {} (in {} days)",
                    date(not_after),
                    (not_after - now).whole_days()
                ),
            ));
        }
    }
    Some(certs)
}

#[cfg(unix)]
fn check_key_permissions(key: &Path, problems: &mut Vec<FileProblem>) {
    use std::os::unix::fs::PermissionsExt as _;
    if let Ok(meta) = std::fs::metadata(key) {
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            problems.push(FileProblem::warning(
                key,
                format!(
                    "the private key file is readable by group or others (mode {mode:04o}); \
                     restrict it with chmod 600"
                ),
            ));
        }
    }
}

#[cfg(not(unix))]
fn check_key_permissions(_key: &Path, _problems: &mut Vec<FileProblem>) {}

fn date(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// An error's message without its leading "what: " (the file is named by the problem).
fn strip_what(e: &TlsError) -> String {
    let message = e.to_string();
    let what = match e {
        TlsError::Pem { what, .. }
        | TlsError::NoCertificate { what }
        | TlsError::BadCertificate { what, .. }
        | TlsError::NoPrivateKey { what }
        | TlsError::EncryptedKey { what }
        | TlsError::BadKey { what, .. }
        | TlsError::KeyMismatch { what }
        | TlsError::NotCa { what }
        | TlsError::Rustls { what, .. }
        | TlsError::Client { what, .. } => what,
        TlsError::Read { .. } | TlsError::Generate(_) => return message,
    };
    message
        .strip_prefix(what.as_str())
        .and_then(|m| m.strip_prefix(": "))
        .map_or_else(|| message.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_redacts_keys() {
        let ca = Authority::generate("Test CA").unwrap();
        let issued = ca.issue("leaf", None).unwrap();
        let ca_debug = format!("{ca:?}");
        let issued_debug = format!("{issued:?}");
        assert!(ca_debug.contains("[redacted]"));
        assert!(!ca_debug.contains("PRIVATE KEY"));
        assert!(!issued_debug.contains("PRIVATE KEY"));
        assert!(issued_debug.contains("BEGIN CERTIFICATE"));
    }

    #[test]
    fn issued_leaf_has_the_requested_names_and_usages() {
        let ca = Authority::generate("Test CA").unwrap();
        let issued = ca.issue("stub-dip", None).unwrap();
        let der = CertificateDer::from_pem_slice(issued.cert_pem.as_bytes()).unwrap();
        let x509 = parse_x509(&der, "leaf").unwrap();
        assert_eq!(x509.subject().to_string(), "CN=stub-dip");
        assert_eq!(x509.issuer().to_string(), "CN=Test CA");
        let san = x509.subject_alternative_name().unwrap().unwrap().value;
        let names: Vec<String> = san.general_names.iter().map(ToString::to_string).collect();
        assert_eq!(
            names,
            [
                "DNSName(localhost)",
                "IPAddress(7f:00:00:01)",
                "IPAddress(00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:01)"
            ]
        );
        let eku = x509.extended_key_usage().unwrap().unwrap().value;
        assert!(eku.server_auth && eku.client_auth);
        assert!(!x509.is_ca());
        let left = x509.validity().not_after.to_datetime() - OffsetDateTime::now_utc();
        assert!(left > time::Duration::days(364) && left <= time::Duration::days(365));
    }

    #[test]
    fn authority_round_trips_through_pem() {
        let ca = Authority::generate("Round Trip CA").unwrap();
        let again = Authority::from_pem(ca.cert_pem(), ca.key_pem()).unwrap();
        let issued = again.issue("leaf", None).unwrap();
        let ca_der = CertificateDer::from_pem_slice(ca.cert_pem().as_bytes()).unwrap();
        let leaf_der = CertificateDer::from_pem_slice(issued.cert_pem.as_bytes()).unwrap();
        let ca_x509 = parse_x509(&ca_der, "ca").unwrap();
        let leaf_x509 = parse_x509(&leaf_der, "leaf").unwrap();
        assert_eq!(leaf_x509.issuer().as_raw(), ca_x509.subject().as_raw());
    }

    #[test]
    fn from_pem_refuses_a_foreign_key_and_a_leaf() {
        let ca = Authority::generate("CA").unwrap();
        let other = Authority::generate("Other").unwrap();
        assert!(matches!(
            Authority::from_pem(ca.cert_pem(), other.key_pem()),
            Err(TlsError::KeyMismatch { .. })
        ));
        let leaf = ca.issue("leaf", None).unwrap();
        assert!(matches!(
            Authority::from_pem(&leaf.cert_pem, &leaf.key_pem),
            Err(TlsError::NotCa { .. })
        ));
    }

    #[test]
    fn key_errors_do_not_quote_the_key() {
        let ca = Authority::generate("CA").unwrap();
        let leaf = ca.issue("leaf", None).unwrap();
        // Corrupt the base64 body of the key.
        let broken = leaf.key_pem.replacen('A', "*", 3);
        let err = parse_private_key(broken.as_bytes(), "client private key").unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("client private key: malformed PEM"),
            "{message}"
        );
        for line in leaf.key_pem.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!message.contains(&line[..16]), "{message}");
        }
        let other = ca.issue("other", None).unwrap();
        let err =
            server_config(leaf.cert_pem.as_bytes(), other.key_pem.as_bytes(), None).unwrap_err();
        assert!(matches!(err, TlsError::KeyMismatch { .. }), "{err}");
    }

    #[test]
    fn to_pem_round_trips() {
        let der: Vec<u8> = (0..=255).collect();
        let pem = to_pem("CERTIFICATE", &der);
        assert!(pem.lines().all(|l| l.len() <= 64));
        let back = CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
        assert_eq!(back.as_ref(), der.as_slice());
    }

    #[test]
    fn start_outside_a_runtime_is_an_error_not_a_panic() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let ca = Authority::generate("CA").unwrap();
        let leaf = ca.issue("leaf", None).unwrap();
        let config =
            server_config(leaf.cert_pem.as_bytes(), leaf.key_pem.as_bytes(), None).unwrap();
        let backend = listener.local_addr().unwrap();
        let err = TlsFront::start(listener, config, backend, |_| {}).unwrap_err();
        assert!(err.to_string().contains("tokio runtime"), "{err}");
    }
}
