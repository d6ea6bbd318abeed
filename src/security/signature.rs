//! Message signatures exactly as CONTRACT.md §4 gives them, in both directions.
//!
//! ```text
//! X-DIP-Signature-Date        ISO-8601 UTC with milliseconds, e.g. 2025-06-27T14:29:09.061Z
//! X-DIP-Content-Hash          base64(SHA-256(raw body bytes))
//! string to sign              UPPER(method) ";" lower(full request URL) ";" date ";" hash
//! X-DIP-Signature             base64(RSA PKCS#1 v1.5 with SHA-256 over the string to sign)
//! X-DIP-Signature-Certificate base64(PEM text of the signing certificate)
//! ```
//!
//! All cryptography is aws-lc-rs, the provider rustls already brings (RSA key generation,
//! PKCS#1 v1.5 signing and verification, SHA-256); certificates are made with rcgen and read
//! with x509-parser. A [`Signer`] holds a private key and never shows it: its `Debug` prints
//! the certificate's subject only. A [`Verifier`] trusts exactly one certificate (the DIP's
//! for a participant, the participant's for the DIP) and explains every refusal as a
//! [`SignatureError`] that names the header at fault.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `X-DIP-Signature-Date`.
pub const DATE: &str = "X-DIP-Signature-Date";
/// `X-DIP-Content-Hash`.
pub const HASH: &str = "X-DIP-Content-Hash";
/// `X-DIP-Signature`.
pub const SIGNATURE: &str = "X-DIP-Signature";
/// `X-DIP-Signature-Certificate`.
pub const CERTIFICATE: &str = "X-DIP-Signature-Certificate";
/// The four signature headers, in the order they are checked.
pub const HEADERS: [&str; 4] = [DATE, HASH, CERTIFICATE, SIGNATURE];
/// The clock-skew window a signature date is allowed by default.
pub const DEFAULT_SKEW: Duration = Duration::from_secs(300);

/// Why a key or certificate could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}: no PEM certificate found")]
    NoCertificate(String),
    #[error("{what}: the certificate does not parse: {why}")]
    BadCertificate { what: String, why: String },
    #[error("{what}: the certificate's key is not RSA; DIP signatures are RSA PKCS#1 v1.5")]
    NotRsa { what: String },
    #[error("{0}: no PEM private key found (PKCS#8 or PKCS#1 RSA)")]
    NoKey(String),
    #[error("{0}: the private key is not a usable RSA key")]
    BadKey(String),
    #[error("{key}: the private key does not belong to the certificate {certificate}")]
    Mismatch { key: String, certificate: String },
    #[error("generating a key or certificate failed: {0}")]
    Generate(String),
}

/// Why a signed message was refused. Each names the header at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("{} missing", .0.join(", "))]
    Missing(Vec<&'static str>),
    #[error("{0} is not valid base64")]
    NotBase64(&'static str),
    #[error("{DATE} {0:?} is not an ISO-8601 UTC date-time such as 2025-06-27T14:29:09.061Z")]
    BadDate(String),
    #[error("{DATE} {date} is {off} from the clock, outside the window of {window}")]
    OutsideWindow {
        date: String,
        off: String,
        window: String,
    },
    #[error("{HASH} is not the SHA-256 of the body (body changed after signing?)")]
    HashMismatch,
    #[error("{CERTIFICATE} does not hold a readable certificate: {0}")]
    BadCertificate(String),
    #[error("{CERTIFICATE} is a certificate for {0}, not the trusted certificate (of {1})")]
    Untrusted(String, String),
    #[error("{SIGNATURE} does not verify over {0:?} with the trusted certificate's key")]
    BadSignature(String),
}

impl SignatureError {
    /// The status the DIP answers a submission refused for this reason with: `401` when the
    /// signature is absent, `403` when it is present but not acceptable.
    pub fn status(&self) -> u16 {
        match self {
            Self::Missing(_) => 401,
            _ => 403,
        }
    }
}

/// base64 of the SHA-256 of `body`.
pub fn content_hash(body: &[u8]) -> String {
    B64.encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body))
}

/// `UPPER(method);lower(url);date;hash`.
pub fn string_to_sign(method: &str, url: &str, date: &str, hash: &str) -> String {
    format!(
        "{};{};{date};{hash}",
        method.to_ascii_uppercase(),
        url.to_lowercase()
    )
}

/// A signature date: UTC, milliseconds, `Z`.
pub fn format_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// Reads a signature date (any RFC 3339 date-time; the DIP writes UTC with milliseconds).
pub fn parse_date(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The four headers of one signed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub date: String,
    pub hash: String,
    pub signature: String,
    pub certificate: String,
}

impl Signed {
    /// `(name, value)` pairs, ready to send.
    pub fn headers(&self) -> [(&'static str, &str); 4] {
        [
            (DATE, &self.date),
            (HASH, &self.hash),
            (CERTIFICATE, &self.certificate),
            (SIGNATURE, &self.signature),
        ]
    }
}

/// PEM text of a certificate and its private key, as written for a test set-up.
pub struct KeyMaterial {
    pub cert_pem: String,
    pub key_pem: String,
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyMaterial")
            .field("key_pem", &"***")
            .finish_non_exhaustive()
    }
}

/// A signing key and its certificate.
pub struct Signer {
    key: RsaKeyPair,
    cert_pem: String,
    cert_header: String,
    subject: String,
    rng: SystemRandom,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("certificate", &self.subject)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A new RSA-2048 key and a self-signed certificate for `common_name`, valid for a year.
    pub fn generate(common_name: &str) -> Result<(Self, KeyMaterial), KeyError> {
        let material = generate_material(common_name)?;
        let signer = Self::from_pem(&material.cert_pem, material.key_pem.as_bytes(), "generated")?;
        Ok((signer, material))
    }

    /// A signer from PEM text; `what` names the source in errors.
    pub fn from_pem(cert_pem: &str, key_pem: &[u8], what: &str) -> Result<Self, KeyError> {
        Self::from_named_pem(cert_pem, what, key_pem, what)
    }

    /// A signer from a certificate file and a key file.
    pub fn load(cert: &Path, key: &Path) -> Result<Self, KeyError> {
        let (cert_what, key_what) = (cert.display().to_string(), key.display().to_string());
        let cert_pem = String::from_utf8(read(cert)?)
            .map_err(|_| KeyError::NoCertificate(cert_what.clone()))?;
        Self::from_named_pem(&cert_pem, &cert_what, &read(key)?, &key_what)
    }

    /// A signer from PEM text, each part named for errors.
    fn from_named_pem(
        cert_pem: &str,
        cert_what: &str,
        key_pem: &[u8],
        key_what: &str,
    ) -> Result<Self, KeyError> {
        let cert = Certificate::from_pem(cert_pem.as_bytes(), cert_what)?;
        let key = match PrivateKeyDer::from_pem_slice(key_pem) {
            Ok(PrivateKeyDer::Pkcs8(k)) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            Ok(PrivateKeyDer::Pkcs1(k)) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
            Ok(_) => return Err(KeyError::BadKey(key_what.to_owned())),
            Err(_) => return Err(KeyError::NoKey(key_what.to_owned())),
        }
        .map_err(|_| KeyError::BadKey(key_what.to_owned()))?;
        let signer = Self {
            key,
            cert_header: B64.encode(cert_pem.as_bytes()),
            cert_pem: cert_pem.to_owned(),
            subject: cert.subject.clone(),
            rng: SystemRandom::new(),
        };
        // The key must be the certificate's: sign once and verify with the certificate.
        let probe = signer.sign_string("mhhs-qual key check");
        if !cert.verifies("mhhs-qual key check", &probe) {
            return Err(KeyError::Mismatch {
                key: key_what.to_owned(),
                certificate: if cert_what == key_what {
                    cert.subject
                } else {
                    format!("{} ({cert_what})", cert.subject)
                },
            });
        }
        Ok(signer)
    }

    /// The certificate's PEM text (what a peer must trust).
    pub fn certificate_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The certificate's subject.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// base64 of the RSA PKCS#1 v1.5 SHA-256 signature of `text`.
    pub fn sign_string(&self, text: &str) -> String {
        B64.encode(self.sign_bytes(text.as_bytes()))
    }

    /// The RSA PKCS#1 v1.5 SHA-256 signature of `data`, as raw bytes (what `openssl dgst
    /// -sha256 -sign` writes).
    pub fn sign_bytes(&self, data: &[u8]) -> Vec<u8> {
        let mut sig = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(&RSA_PKCS1_SHA256, &self.rng, data, &mut sig)
            .expect("an RSA key of a parsed key pair signs");
        sig
    }

    /// Signs a request to `url` with `body`, dated `at`.
    pub fn sign(&self, method: &str, url: &str, body: &[u8], at: OffsetDateTime) -> Signed {
        let date = format_date(at);
        let hash = content_hash(body);
        let signature = self.sign_string(&string_to_sign(method, url, &date, &hash));
        Signed {
            date,
            hash,
            signature,
            certificate: self.cert_header.clone(),
        }
    }
}

/// A parsed signing certificate: its DER, subject and RSA public key.
pub struct Certificate {
    der: Vec<u8>,
    subject: String,
    key: ParsedPublicKey,
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl Certificate {
    /// The certificate's subject.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The certificate an `X-DIP-Signature-Certificate` value carries.
    pub fn from_header(value: &str) -> Result<Self, SignatureError> {
        let pem = B64
            .decode(value)
            .map_err(|_| SignatureError::NotBase64(CERTIFICATE))?;
        let der = CertificateDer::from_pem_slice(&pem)
            .map_err(|_| SignatureError::BadCertificate("no PEM certificate in it".to_owned()))?;
        Self::from_der(der.as_ref(), CERTIFICATE)
            .map_err(|e| SignatureError::BadCertificate(short_key_error(&e)))
    }

    /// Whether `other` is this very certificate.
    pub fn same_as(&self, other: &Self) -> bool {
        self.der == other.der
    }

    /// Whether `signature` (base64) is this certificate's key's RSA PKCS#1 v1.5 SHA-256
    /// signature of `text`.
    pub fn verifies(&self, text: &str, signature: &str) -> bool {
        B64.decode(signature)
            .is_ok_and(|sig| self.key.verify_sig(text.as_bytes(), &sig).is_ok())
    }

    /// Whether `signature` (raw bytes) is this certificate's key's RSA PKCS#1 v1.5 SHA-256
    /// signature of `data`.
    pub fn verifies_bytes(&self, data: &[u8], signature: &[u8]) -> bool {
        self.key.verify_sig(data, signature).is_ok()
    }

    /// A certificate from PEM text; `what` names it in errors.
    pub fn from_pem(pem: &[u8], what: &str) -> Result<Self, KeyError> {
        let der = CertificateDer::from_pem_slice(pem)
            .map_err(|_| KeyError::NoCertificate(what.to_owned()))?;
        Self::from_der(der.as_ref(), what)
    }

    fn from_der(der: &[u8], what: &str) -> Result<Self, KeyError> {
        let (_, cert) =
            x509_parser::parse_x509_certificate(der).map_err(|e| KeyError::BadCertificate {
                what: what.to_owned(),
                why: e.to_string(),
            })?;
        let spki = cert.public_key();
        if spki.algorithm.algorithm != x509_parser::oid_registry::OID_PKCS1_RSAENCRYPTION {
            return Err(KeyError::NotRsa {
                what: what.to_owned(),
            });
        }
        let key = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki.raw).map_err(|e| {
            KeyError::BadCertificate {
                what: what.to_owned(),
                why: format!("its RSA key is not usable: {e}"),
            }
        })?;
        Ok(Self {
            der: der.to_vec(),
            subject: cert.subject().to_string(),
            key,
        })
    }
}

/// Checks signatures against one trusted certificate.
pub struct Verifier {
    trusted: Certificate,
    trusted_header: Vec<u8>,
    skew: Duration,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("trusted", &self.trusted.subject)
            .field("skew", &self.skew)
            .finish_non_exhaustive()
    }
}

/// The signature headers a message arrived with (`None`: absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct Presented<'a> {
    pub date: Option<&'a str>,
    pub hash: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub certificate: Option<&'a str>,
}

impl<'a> Presented<'a> {
    /// Reads the four headers with `get` (header names are given as in [`HEADERS`]).
    pub fn from_fn(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        Self {
            date: get(DATE),
            hash: get(HASH),
            signature: get(SIGNATURE),
            certificate: get(CERTIFICATE),
        }
    }
}

/// Checks a [`Verifier`] leaves out, each on purpose: the fault switches of a reference
/// participant that verifies less than the contract asks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one switch per check a verifier can leave out"
)]
pub struct Leniency {
    /// A message without `X-DIP-Signature-Date` is taken unverified.
    pub missing_date: bool,
    /// Without `X-DIP-Content-Hash`, the body's own hash is used.
    pub missing_hash: bool,
    /// A message without `X-DIP-Signature` is taken unverified.
    pub missing_signature: bool,
    /// Without `X-DIP-Signature-Certificate`, the trusted certificate is used.
    pub missing_certificate: bool,
    /// `X-DIP-Content-Hash` is not compared with the body.
    pub hash_unchecked: bool,
    /// The signature date is not compared with the clock.
    pub clock_unchecked: bool,
    /// The presented certificate is used, whatever it is.
    pub any_certificate: bool,
}

/// What a verified message was signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub subject: String,
    pub date: String,
}

impl Verifier {
    /// A verifier trusting the certificate in `pem`; `what` names it in errors.
    pub fn new(pem: &[u8], what: &str, skew: Duration) -> Result<Self, KeyError> {
        let trusted = Certificate::from_pem(pem, what)?;
        Ok(Self {
            trusted,
            trusted_header: B64.encode(pem).into_bytes(),
            skew,
        })
    }

    /// A verifier trusting the certificate in a file.
    pub fn load(path: &Path, skew: Duration) -> Result<Self, KeyError> {
        let pem = read(path)?;
        Self::new(&pem, &path.display().to_string(), skew)
    }

    /// The trusted certificate.
    pub fn trusted(&self) -> &Certificate {
        &self.trusted
    }

    /// The clock-skew window.
    pub fn skew(&self) -> Duration {
        self.skew
    }

    /// Verifies a `method` request to `url` with `body` and the presented headers, at `now`.
    pub fn verify(
        &self,
        method: &str,
        url: &str,
        presented: &Presented<'_>,
        body: &[u8],
        now: OffsetDateTime,
    ) -> Result<Verified, SignatureError> {
        self.verify_with(method, url, presented, body, now, Leniency::default())
    }

    /// As [`Verifier::verify`], leaving out the checks `lenient` names.
    pub fn verify_with(
        &self,
        method: &str,
        url: &str,
        presented: &Presented<'_>,
        body: &[u8],
        now: OffsetDateTime,
        lenient: Leniency,
    ) -> Result<Verified, SignatureError> {
        let unverified = || Verified {
            subject: "(not verified)".to_owned(),
            date: presented.date.unwrap_or_default().to_owned(),
        };
        if (presented.date.is_none() && lenient.missing_date)
            || (presented.signature.is_none() && lenient.missing_signature)
        {
            return Ok(unverified());
        }
        let own_hash =
            (presented.hash.is_none() && lenient.missing_hash).then(|| content_hash(body));
        let trusted_header = std::str::from_utf8(&self.trusted_header).unwrap_or_default();
        let (Some(date), Some(hash), Some(signature), Some(certificate)) = (
            presented.date,
            presented.hash.or(own_hash.as_deref()),
            presented.signature,
            presented
                .certificate
                .or_else(|| lenient.missing_certificate.then_some(trusted_header)),
        ) else {
            let missing = [
                (DATE, presented.date),
                (HASH, presented.hash),
                (CERTIFICATE, presented.certificate),
                (SIGNATURE, presented.signature),
            ]
            .into_iter()
            .filter_map(|(n, v)| v.is_none().then_some(n))
            .collect();
            return Err(SignatureError::Missing(missing));
        };
        let at = parse_date(date).ok_or_else(|| SignatureError::BadDate(date.to_owned()));
        let at = match at {
            Ok(at) => at,
            Err(_) if lenient.clock_unchecked => now,
            Err(e) => return Err(e),
        };
        let off = (now - at).abs();
        if off > self.skew && !lenient.clock_unchecked {
            return Err(SignatureError::OutsideWindow {
                date: date.to_owned(),
                off: describe_offset(now - at),
                window: humantime::format_duration(self.skew).to_string(),
            });
        }
        let declared = B64
            .decode(hash)
            .map_err(|_| SignatureError::NotBase64(HASH))?;
        let actual = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, body);
        if declared != actual.as_ref() && !lenient.hash_unchecked {
            return Err(SignatureError::HashMismatch);
        }
        let mut signer = &self.trusted;
        let other;
        if certificate.as_bytes() != self.trusted_header.as_slice() {
            // Not byte for byte the trusted PEM: it may still be the same certificate written
            // differently (line endings, a chain), so compare the certificates themselves.
            let presented = Certificate::from_header(certificate)?;
            if !presented.same_as(&self.trusted) {
                if !lenient.any_certificate {
                    return Err(SignatureError::Untrusted(
                        presented.subject,
                        self.trusted.subject.clone(),
                    ));
                }
                other = presented;
                signer = &other;
            }
        }
        let sig = B64
            .decode(signature)
            .map_err(|_| SignatureError::NotBase64(SIGNATURE))?;
        let text = string_to_sign(method, url, date, hash);
        signer
            .key
            .verify_sig(text.as_bytes(), &sig)
            .map_err(|_| SignatureError::BadSignature(text))?;
        Ok(Verified {
            subject: signer.subject.clone(),
            date: date.to_owned(),
        })
    }
}

fn describe_offset(d: time::Duration) -> String {
    let secs = d.whole_seconds();
    let abs = Duration::from_secs(secs.unsigned_abs());
    let text = humantime::format_duration(abs).to_string();
    if secs < 0 {
        format!("{text} ahead")
    } else {
        format!("{text} behind")
    }
}

fn short_key_error(e: &KeyError) -> String {
    match e {
        KeyError::BadCertificate { why, .. } => why.clone(),
        KeyError::NotRsa { .. } => "its key is not RSA".to_owned(),
        other => other.to_string(),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, KeyError> {
    std::fs::read(path).map_err(|source| KeyError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// A new RSA-2048 key pair and a self-signed certificate for `common_name`, valid for a year.
pub fn generate_material(common_name: &str) -> Result<KeyMaterial, KeyError> {
    let key = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new())
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, common_name);
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "mhhs-qual");
    let now = OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::hours(1);
    params.not_after = now + time::Duration::days(365);
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    let cert = params
        .self_signed(&key)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    Ok(KeyMaterial {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn pair() -> &'static (Signer, KeyMaterial) {
        static PAIR: OnceLock<(Signer, KeyMaterial)> = OnceLock::new();
        PAIR.get_or_init(|| Signer::generate("test DIP").unwrap())
    }

    fn verifier() -> Verifier {
        Verifier::new(pair().1.cert_pem.as_bytes(), "test", DEFAULT_SKEW).unwrap()
    }

    const URL: &str = "https://127.0.0.1:7400/dip-channel/IF-031";

    fn presented(s: &Signed) -> Presented<'_> {
        Presented {
            date: Some(&s.date),
            hash: Some(&s.hash),
            signature: Some(&s.signature),
            certificate: Some(&s.certificate),
        }
    }

    #[test]
    fn date_has_milliseconds_and_z() {
        let at = time::macros::datetime!(2025-06-27 14:29:09.061 UTC);
        assert_eq!(format_date(at), "2025-06-27T14:29:09.061Z");
        assert_eq!(parse_date("2025-06-27T14:29:09.061Z"), Some(at));
    }

    #[test]
    fn string_to_sign_is_upper_method_lower_url() {
        assert_eq!(
            string_to_sign("post", "HTTPS://Host/dip-channel/IF-031", "D", "H"),
            "POST;https://host/dip-channel/if-031;D;H"
        );
    }

    #[test]
    fn signed_message_verifies_and_each_tampering_is_named() {
        let (signer, _) = pair();
        let v = verifier();
        let now = OffsetDateTime::now_utc();
        let body = br#"[{"payload":{}}]"#;
        let s = signer.sign("POST", URL, body, now);
        assert!(v.verify("POST", URL, &presented(&s), body, now).is_ok());
        // The URL's case does not matter: it is lowered on both sides.
        assert!(
            v.verify("post", &URL.to_uppercase(), &presented(&s), body, now)
                .is_ok()
        );
        assert_eq!(
            v.verify("POST", URL, &presented(&s), b"[{}]", now),
            Err(SignatureError::HashMismatch)
        );
        assert!(matches!(
            v.verify(
                "POST",
                "https://127.0.0.1:7400/dip-channel/IF-032",
                &presented(&s),
                body,
                now
            ),
            Err(SignatureError::BadSignature(_))
        ));
        let later = now + time::Duration::minutes(6);
        assert!(matches!(
            v.verify("POST", URL, &presented(&s), body, later),
            Err(SignatureError::OutsideWindow { .. })
        ));
        let mut p = presented(&s);
        p.hash = None;
        p.signature = None;
        let e = v.verify("POST", URL, &p, body, now).unwrap_err();
        assert_eq!(e, SignatureError::Missing(vec![HASH, SIGNATURE]));
        assert_eq!(e.status(), 401);
        assert_eq!(e.to_string(), "X-DIP-Content-Hash, X-DIP-Signature missing");
    }

    #[test]
    fn another_certificate_is_untrusted_even_when_its_signature_is_good() {
        let (other, _) = Signer::generate("not the DIP").unwrap();
        let now = OffsetDateTime::now_utc();
        let s = other.sign("POST", URL, b"{}", now);
        let e = verifier()
            .verify("POST", URL, &presented(&s), b"{}", now)
            .unwrap_err();
        assert!(matches!(e, SignatureError::Untrusted(..)), "{e}");
        assert!(e.to_string().contains("not the DIP"), "{e}");
        assert_eq!(e.status(), 403);
    }

    #[test]
    fn the_trusted_certificate_written_with_crlf_is_still_trusted() {
        let (signer, material) = pair();
        let now = OffsetDateTime::now_utc();
        let mut s = signer.sign("POST", URL, b"{}", now);
        s.certificate = B64.encode(material.cert_pem.replace('\n', "\r\n"));
        assert!(
            verifier()
                .verify("POST", URL, &presented(&s), b"{}", now)
                .is_ok()
        );
    }

    #[test]
    fn a_key_that_is_not_the_certificates_is_refused() {
        let (_, a) = pair();
        let b = generate_material("other").unwrap();
        let e = Signer::from_pem(&a.cert_pem, b.key_pem.as_bytes(), "k.pem").unwrap_err();
        assert!(matches!(e, KeyError::Mismatch { .. }), "{e}");
        assert!(!format!("{e} {e:?}").contains("PRIVATE KEY"));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let (signer, material) = pair();
        let text = format!("{signer:?} {material:?}");
        assert!(!text.contains("PRIVATE"), "{text}");
        let body = material
            .key_pem
            .lines()
            .nth(1)
            .expect("a PEM key has a body line");
        assert!(!text.contains(body));
    }
}
