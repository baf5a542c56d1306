//! Builds the report's `CertSummary` for one parsed certificate.
//!
//! A straight projection of `ParsedCert` into the machine contract of `report::document`;
//! every string in it was sanitised when the certificate was parsed. It never judges.

use super::parse::ParsedCert;
use super::validity;
use crate::document::CertSummary;

/// The summary of `cert`, with `days_left` relative to `now` (seconds since the epoch).
pub(super) fn of(cert: &ParsedCert<'_>, now: i64) -> CertSummary {
    CertSummary {
        position: cert.position,
        subject: cert.subject.clone(),
        issuer: cert.issuer.clone(),
        san: cert.san_display(),
        not_before: validity::rfc3339(cert.not_before),
        not_after: validity::rfc3339(cert.not_after),
        days_left: validity::days_left(cert.not_after, now),
        key_type: cert.key.type_name(),
        key_bits: cert.key.bits(),
        curve: cert.key.curve().map(|c| c.name().to_string()),
        signature_algorithm: cert.signature_algorithm.clone(),
        sha256: cert.sha256.clone(),
        is_ca: cert.is_ca,
        self_signed: cert.self_signed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::fixtures::{self, now};

    fn summary_of(der: &[u8]) -> CertSummary {
        let secs = i64::try_from(now().as_secs()).expect("fits");
        of(&ParsedCert::parse(0, der).expect("parses"), secs)
    }

    fn leaf(fixture: &str) -> CertSummary {
        summary_of(&fixtures::chain(fixture)[0])
    }

    #[test]
    fn good_leaf_summary() {
        let ders = fixtures::chain("good");
        let s = summary_of(&ders[0]);
        assert_eq!(s.subject, "CN=good.test");
        assert_eq!(s.issuer, "CN=origin-probe Test Intermediate CA");
        assert_eq!(s.san, ["good.test", "www.good.test"]);
        assert_eq!(s.not_before, "2020-01-01T00:00:00Z");
        assert_eq!(s.not_after, "2120-01-01T00:00:00Z");
        // 2030-06-01 to 2120-01-01 is 32 720 days exactly.
        assert_eq!(s.days_left, 32_720);
        assert_eq!((s.key_type.as_str(), s.key_bits), ("ECDSA", Some(256)));
        assert_eq!(s.curve.as_deref(), Some("P-256"));
        assert_eq!(s.signature_algorithm, "ecdsa-with-SHA256");
        assert_eq!(s.sha256.len(), 64);
        assert!(s.sha256.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert!(!s.is_ca && !s.self_signed);
        let intermediate = summary_of(&ders[1]);
        assert!(intermediate.is_ca && !intermediate.self_signed);
        assert_ne!(intermediate.sha256, s.sha256);
    }

    #[test]
    fn key_types_bits_and_curves() {
        let rsa = leaf("rsa2048");
        assert_eq!(
            (rsa.key_type.as_str(), rsa.key_bits, rsa.curve),
            ("RSA", Some(2048), None)
        );
        assert_eq!(leaf("rsa1024").key_bits, Some(1024));
        assert_eq!(leaf("rsa8192").key_bits, Some(8192));
        let p384 = leaf("p384");
        assert_eq!(
            (p384.key_bits, p384.curve.as_deref()),
            (Some(384), Some("P-384"))
        );
        let ed = leaf("ed25519");
        assert_eq!((ed.key_type.as_str(), ed.key_bits), ("Ed25519", None));
        let pss = summary_of(&fixtures::der_of(fixtures::RSA_PSS_PEM)[0]);
        assert_eq!(
            (pss.key_type.as_str(), pss.key_bits),
            ("RSA-PSS", Some(2048))
        );
        assert_eq!(pss.signature_algorithm, "RSASSA-PSS");
        let p521 = summary_of(&fixtures::der_of(fixtures::P521_PEM)[0]);
        assert_eq!(
            (p521.key_bits, p521.curve.as_deref()),
            (Some(521), Some("P-521"))
        );
        let ed448 = summary_of(&fixtures::der_of(fixtures::ED448_PEM)[0]);
        assert_eq!(
            (ed448.key_type.as_str(), ed448.signature_algorithm.as_str()),
            ("Ed448", "Ed448")
        );
    }

    #[test]
    fn self_signed_needs_a_verifying_signature() {
        assert!(leaf("self-signed").self_signed);
        let root = summary_of(&fixtures::chain("served-root")[2]);
        assert!(root.self_signed && root.is_ca);
        // Self-issued, but P-521/SHA-256 is not an algorithm webpki verifies: not claimed.
        assert!(!summary_of(&fixtures::der_of(fixtures::P521_PEM)[0]).self_signed);
    }

    #[test]
    fn hostile_subject_text_is_sanitised() {
        let (der, _) = fixtures::trusted_self_signed("evil\u{1b}[31m\u{202e}.test", &[]);
        let s = summary_of(&der);
        assert_eq!(s.subject, "CN=evil\\u{1b}[31m\\u{202e}.test");
        assert!(!s.subject.contains('\u{1b}'));
    }
}
