//! A certificate that is not the trusted one but looks like it: the trusted certificate's
//! subject and issuer (every attribute, in order, byte for byte) and its serial number, over
//! another key (CONTRACT.md §4: "a certificate with the same subject, issuer or serial number
//! but another key is not the DIP's").
//!
//! rcgen cannot carry a name through unchanged (it keeps one value per attribute type and
//! one attribute per RDN), so the certificate is written here as DER: the names and the
//! serial are copied from the trusted certificate's own encoding, the key and the signature
//! are new. Only a system that compares the whole certificate, or its key, tells it apart.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rcgen::{PublicKeyData as _, SigningKey as _};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;
use time::OffsetDateTime;

use super::signature::{KeyError, KeyMaterial, Signer};

/// `sha256WithRSAEncryption` as an `AlgorithmIdentifier` (with its NULL parameters).
const SHA256_WITH_RSA: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b, 0x05, 0x00,
];
/// A signer whose certificate has the subject, issuer and serial number of the certificate in
/// `trusted_pem`, and a new RSA-2048 key. Valid from an hour ago for a year.
pub fn generate(trusted_pem: &str) -> Result<(Signer, KeyMaterial), KeyError> {
    let der = CertificateDer::from_pem_slice(trusted_pem.as_bytes())
        .map_err(|_| KeyError::NoCertificate("the certificate to imitate".to_owned()))?;
    let (_, trusted) = x509_parser::parse_x509_certificate(der.as_ref()).map_err(|e| {
        KeyError::BadCertificate {
            what: "the certificate to imitate".to_owned(),
            why: e.to_string(),
        }
    })?;
    let key = rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let now = OffsetDateTime::now_utc();
    let validity = [
        utc_time(now - time::Duration::hours(1)),
        utc_time(now + time::Duration::days(365)),
    ]
    .concat();
    let tbs = tlv(
        0x30,
        &[
            // version v3
            &[0xa0, 0x03, 0x02, 0x01, 0x02][..],
            &tlv(0x02, trusted.tbs_certificate.raw_serial()),
            SHA256_WITH_RSA,
            trusted.issuer().as_raw(),
            &tlv(0x30, &validity),
            trusted.subject().as_raw(),
            &key.subject_public_key_info(),
            &extensions(),
        ]
        .concat(),
    );
    let signature = key
        .sign(&tbs)
        .map_err(|e| KeyError::Generate(e.to_string()))?;
    let cert = tlv(
        0x30,
        &[
            &tbs[..],
            SHA256_WITH_RSA,
            &tlv(0x03, &[&[0][..], &signature].concat()),
        ]
        .concat(),
    );
    let material = KeyMaterial {
        cert_pem: pem(&cert),
        key_pem: key.serialize_pem(),
    };
    let signer = Signer::from_pem(&material.cert_pem, material.key_pem.as_bytes(), "impostor")?;
    Ok((signer, material))
}

/// The extensions: `keyUsage` (critical) `digitalSignature`, as the harness's own
/// certificates have.
fn extensions() -> Vec<u8> {
    const KEY_USAGE: &[u8] = &[0x06, 0x03, 0x55, 0x1d, 0x0f];
    const CRITICAL: &[u8] = &[0x01, 0x01, 0xff];
    const DIGITAL_SIGNATURE: &[u8] = &[0x03, 0x02, 0x07, 0x80];
    let key_usage = tlv(
        0x30,
        &[KEY_USAGE, CRITICAL, &tlv(0x04, DIGITAL_SIGNATURE)].concat(),
    );
    tlv(0xa3, &tlv(0x30, &key_usage))
}

/// A DER tag-length-value.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).expect("under 128"));
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | u8::try_from(bytes.len() - skip).expect("at most 8 length bytes"));
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// An X.509 `UTCTime` (`YYMMDDHHMMSSZ`; the years 1950 to 2049).
fn utc_time(at: OffsetDateTime) -> Vec<u8> {
    let text = format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}Z",
        at.year().rem_euclid(100),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    tlv(0x17, text.as_bytes())
}

fn pem(der: &[u8]) -> String {
    let text = B64.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in text.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_impostor_has_the_names_and_serial_and_another_key() {
        let trusted = super::super::signature::generate_material("test DIP").unwrap();
        let (impostor, material) = generate(&trusted.cert_pem).unwrap();
        let der = |pem: &str| CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
        let (a, b) = (der(&trusted.cert_pem), der(&material.cert_pem));
        let (_, a) = x509_parser::parse_x509_certificate(a.as_ref()).unwrap();
        let (_, b) = x509_parser::parse_x509_certificate(b.as_ref()).unwrap();
        assert_eq!(b.subject().as_raw(), a.subject().as_raw());
        assert_eq!(b.issuer().as_raw(), a.issuer().as_raw());
        assert_eq!(b.raw_serial(), a.raw_serial());
        assert_ne!(b.public_key().raw, a.public_key().raw);
        assert_eq!(impostor.subject(), "CN=test DIP, O=mhhs-qual");
    }

    #[test]
    fn long_contents_have_long_form_lengths() {
        assert_eq!(tlv(0x04, &[1; 3]), [0x04, 3, 1, 1, 1]);
        assert_eq!(&tlv(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(&tlv(0x04, &[0; 300])[..4], [0x04, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn a_utc_time_is_thirteen_characters() {
        let at = time::macros::datetime!(2026-03-04 05:06:07 UTC);
        assert_eq!(utc_time(at), b"\x17\x0d260304050607Z");
    }
}
