//! Turns one DER certificate as sent into the facts the analysis needs, with x509-parser.
//!
//! Everything here is per certificate: names, dates, key, fingerprint, and whether it signed
//! itself. Display strings are sanitised on the way in; raw names are kept only for byte
//! comparison and matching. This module never relates one certificate to another (that is
//! `chain.rs`), never reads the clock, and never panics on hostile input.

use std::net::IpAddr;

use sha2::{Digest, Sha256};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::nom;
use x509_parser::prelude::{X509Certificate, X509Error};

use super::key::{self, KeyKind};
use super::signature::{self, PublicKeyParts, SigCheck, SignedParts};
use crate::sanitize;

/// OID of the subjectAltName extension (RFC 5280 §4.2.1.6).
const OID_SUBJECT_ALT_NAME: &str = "2.5.29.17";

/// One sent certificate, parsed. Borrows the DER it came from.
#[derive(Debug)]
pub struct ParsedCert<'a> {
    /// Position in the sent list, 0 = leaf.
    pub position: usize,
    pub der: &'a [u8],
    /// RFC 4514-style subject and issuer, sanitised for display.
    pub subject: String,
    pub issuer: String,
    /// The issuer's first common name, sanitised, for messages ("the intermediate 'X'").
    pub issuer_cn: Option<String>,
    /// The Name TLVs, byte for byte, for issuer/subject comparison.
    pub subject_raw: &'a [u8],
    pub issuer_raw: &'a [u8],
    /// Common names in the subject, raw (for matching only; sanitise before display).
    pub common_names: Vec<String>,
    /// Whether a subjectAltName extension is present at all (even an empty or broken one).
    pub has_san_extension: bool,
    /// DNS names of the SAN extension, raw (lossy UTF-8 for invalid entries).
    pub dns_names: Vec<String>,
    /// IP addresses of the SAN extension.
    pub ip_addresses: Vec<IpAddr>,
    /// Validity bounds, seconds since the Unix epoch.
    pub not_before: i64,
    pub not_after: i64,
    pub key: KeyKind,
    pub signature_algorithm: String,
    pub sha256: String,
    pub is_ca: bool,
    /// Subject and issuer are the same Name, byte for byte.
    pub self_issued: bool,
    /// Whether the certificate's own key verifies its signature. Checked only when
    /// self-issued (only those can be self-signed, see [`ParsedCert::self_signed`]); `Invalid`
    /// otherwise, which saves a signature verification for every leaf and intermediate.
    pub self_signature: SigCheck,
    /// The parts needed to check this certificate's signature against a candidate issuer.
    pub signed: Option<SignedParts<'a>>,
    /// This certificate's key, as an issuer of others.
    pub public_key: Option<PublicKeyParts<'a>>,
}

/// A sent certificate that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    pub position: usize,
    /// x509-parser's message, e.g. `invalid X.509 name`.
    pub error: String,
}

impl<'a> ParsedCert<'a> {
    /// Parses the certificate at `position`. Trailing bytes after the certificate are an error,
    /// as they are for webpki and for TLS stacks.
    pub fn parse(position: usize, der: &'a [u8]) -> Result<ParsedCert<'a>, ParseFailure> {
        let fail = |error: String| ParseFailure { position, error };
        let (rest, x509) =
            x509_parser::parse_x509_certificate(der).map_err(|e| fail(nom_error_text(&e)))?;
        if !rest.is_empty() {
            return Err(fail(format!(
                "{} bytes of trailing data after the certificate",
                rest.len()
            )));
        }
        Ok(ParsedCert::from_x509(position, der, &x509))
    }

    fn from_x509(position: usize, der: &'a [u8], x509: &X509Certificate<'a>) -> ParsedCert<'a> {
        let tbs = &x509.tbs_certificate;
        let subject_raw = tbs.subject.as_raw();
        let issuer_raw = tbs.issuer.as_raw();
        let signed = SignedParts::from_cert_der(der);
        let public_key = PublicKeyParts::from_spki_der(tbs.subject_pki.raw);
        let self_issued = subject_raw == issuer_raw;
        let self_signature = match (&signed, &public_key) {
            (Some(signed), Some(key)) if self_issued => signature::check(signed, key),
            _ => SigCheck::Invalid,
        };
        let sans = subject_alt_names(x509);
        let validity = x509.validity();
        ParsedCert {
            position,
            der,
            subject: sanitize::text(&x509.subject().to_string()),
            issuer: sanitize::text(&x509.issuer().to_string()),
            issuer_cn: x509
                .issuer()
                .iter_common_name()
                .find_map(|cn| cn.as_str().ok())
                .map(sanitize::text),
            subject_raw,
            issuer_raw,
            common_names: x509
                .subject()
                .iter_common_name()
                .filter_map(|cn| cn.as_str().ok())
                .map(str::to_string)
                .collect(),
            has_san_extension: sans.present,
            dns_names: sans.dns,
            ip_addresses: sans.ip,
            not_before: validity.not_before.timestamp(),
            not_after: validity.not_after.timestamp(),
            key: KeyKind::of(x509.public_key()),
            signature_algorithm: key::signature_algorithm_name(&x509.signature_algorithm),
            sha256: hex(&Sha256::digest(der)),
            is_ca: x509.is_ca(),
            self_issued,
            self_signature,
            signed,
            public_key,
        }
    }

    /// Self-signed as the report means it: self-issued and the own key verifies the signature.
    pub fn self_signed(&self) -> bool {
        self.self_issued && self.self_signature == SigCheck::Valid
    }

    /// Self-signed as the chain walk treats it: self-issued and the signature not disproven.
    /// (A self-issued root signed with SHA-1 or P-521 cannot be checked with webpki's
    /// algorithms, but is still the top of its chain.)
    pub fn looks_self_signed(&self) -> bool {
        self.self_issued && self.self_signature.plausible()
    }

    /// Whether `issuer`'s key verifies this certificate's signature.
    pub fn signature_by(&self, issuer: &ParsedCert<'_>) -> SigCheck {
        match (&self.signed, &issuer.public_key) {
            (Some(signed), Some(key)) => signature::check(signed, key),
            _ => SigCheck::Invalid,
        }
    }

    /// The SAN entries for display (DNS names and IP addresses), sanitised.
    pub fn san_display(&self) -> Vec<String> {
        self.dns_names
            .iter()
            .map(|n| sanitize::text(n))
            .chain(self.ip_addresses.iter().map(IpAddr::to_string))
            .collect()
    }
}

struct Sans {
    present: bool,
    dns: Vec<String>,
    ip: Vec<IpAddr>,
}

/// DNS and IP entries of the SAN extension(s). Reads every SAN extension x509-parser parsed
/// rather than `subject_alternative_name()`, which errors on duplicates: a broken extension
/// still counts as present (so CN is not used), it just contributes no names.
fn subject_alt_names(x509: &X509Certificate<'_>) -> Sans {
    let mut sans = Sans {
        present: false,
        dns: Vec::new(),
        ip: Vec::new(),
    };
    for ext in x509.extensions() {
        if ext.oid.to_id_string() != OID_SUBJECT_ALT_NAME {
            continue;
        }
        sans.present = true;
        let ParsedExtension::SubjectAlternativeName(san) = ext.parsed_extension() else {
            continue;
        };
        for name in &san.general_names {
            match name {
                GeneralName::DNSName(dns) => sans.dns.push((*dns).to_string()),
                GeneralName::IPAddress(bytes) => {
                    if let Some(ip) = ip_from_bytes(bytes) {
                        sans.ip.push(ip);
                    }
                }
                _ => {}
            }
        }
    }
    sans
}

/// An iPAddress SAN is 4 or 16 octets (RFC 5280 §4.2.1.6); other lengths are ignored.
fn ip_from_bytes(bytes: &[u8]) -> Option<IpAddr> {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        return Some(IpAddr::from(v4));
    }
    <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from)
}

fn nom_error_text(err: &nom::Err<X509Error>) -> String {
    match err {
        nom::Err::Incomplete(_) => "truncated DER".to_string(),
        nom::Err::Error(e) | nom::Err::Failure(e) => e.to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut out, b| {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_failure_with_its_position_not_a_panic() {
        let err = ParsedCert::parse(3, b"\x30\x82\xff\xffgarbage").expect_err("not a cert");
        assert_eq!(err.position, 3);
        assert!(!err.error.is_empty());
        assert!(ParsedCert::parse(0, &[]).is_err());
    }

    #[test]
    fn ip_sans_need_four_or_sixteen_octets() {
        assert_eq!(
            ip_from_bytes(&[127, 0, 0, 1]),
            Some(IpAddr::from([127, 0, 0, 1]))
        );
        let mut v6 = [0u8; 16];
        v6[15] = 1;
        assert_eq!(ip_from_bytes(&v6), "::1".parse().ok());
        assert_eq!(ip_from_bytes(&[1, 2, 3]), None);
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
