//! Rules on the leaf's key (facts 7-9): RSA size, and key types CloudFront cannot use with
//! the signature schemes and curves it offers origins.
//!
//! Only the leaf's key is judged: it is the key the handshake uses. Issuer keys only verify
//! signatures, which the trust rules cover. Never parses keys (`cert::key` did).

use super::{KEY_CURVE, KEY_P384, KEY_SIZE, KEY_TYPE, leaf};
use crate::cert::{ChainAnalysis, Curve, KeyKind};
use crate::finding::Finding;

const REISSUE: &str = "reissue the certificate with an ECDSA P-256 or RSA 2048-bit key";

/// `cert.key-size` and `cert.key-type`.
pub(super) fn key(a: &ChainAnalysis) -> Option<Finding> {
    let key = a.leaf_key.as_ref()?;
    let subject = format!("the key of {} is {}", leaf(a), key.describe());
    match key {
        KeyKind::Rsa { bits } if !(1024..=4096).contains(bits) => Some(KEY_SIZE.finding(
            format!("{subject}; CloudFront supports RSA keys of 1024 to 4096 bits"),
            "reissue the certificate with an RSA 2048-bit (or ECDSA P-256) key",
        )),
        KeyKind::Rsa { .. } | KeyKind::Ec { curve: Curve::P256 } => None,
        KeyKind::Ec { curve: Curve::P384 } => Some(KEY_P384.finding(
            format!(
                "{subject}; AWS documents 256-bit ECDSA keys for CloudFront, while an older \
                 origin page lists secp384r1: sources conflict"
            ),
            "use an ECDSA P-256 key to be safe",
        )),
        KeyKind::Ec { .. } => Some(KEY_CURVE.finding(
            format!(
                "{subject}; CloudFront documents 256-bit ECDSA keys only and offers origins no \
                 curve beyond P-256, P-384 and X25519 (fact 7)"
            ),
            REISSUE,
        )),
        KeyKind::RsaPss { .. } => Some(KEY_TYPE.finding(
            format!(
                "{subject}; such a key signs only with RSA-PSS, and CloudFront offers origins no \
                 RSA-PSS signature scheme"
            ),
            REISSUE,
        )),
        KeyKind::Ed25519 | KeyKind::Ed448 | KeyKind::Dsa | KeyKind::Other { .. } => {
            Some(KEY_TYPE.finding(
                format!(
                    "{subject}; CloudFront's origin signature schemes are RSA PKCS#1 and ECDSA \
                     only"
                ),
                REISSUE,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_mentions, judge, judge_with, only, rules};
    use crate::cert::fixtures::{self, now, test_roots};
    use crate::finding::{Confidence, Impact};

    #[test]
    fn rsa_over_4096_bits() {
        let findings = judge("rsa8192");
        assert_eq!(rules(&findings), ["cert.key-size"]);
        let f = only(
            &findings,
            "cert.key-size",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_eq!(f.fact, 9);
        assert_mentions(
            &f.reason,
            &["the key of the leaf #0 'CN=rsa8192.test' is RSA 8192-bit"],
        );
    }

    #[test]
    fn rsa_1024_and_2048_are_supported() {
        assert!(judge("rsa1024").is_empty());
        assert!(judge("rsa2048").is_empty());
    }

    #[test]
    fn ed25519_is_refused_and_p384_is_a_conflict() {
        let findings = judge("ed25519");
        let f = only(
            &findings,
            "cert.key-type",
            Impact::Would502,
            Confidence::Inferred,
        );
        assert_eq!(f.fact, 8);
        assert_mentions(&f.reason, &["'CN=ed25519.test' is Ed25519"]);
        let findings = judge("p384");
        let f = only(
            &findings,
            "cert.key-type",
            Impact::Warn,
            Confidence::Unverified,
        );
        assert_mentions(&f.reason, &["ECDSA P-384", "sources conflict"]);
    }

    #[test]
    fn rsa_pss_p521_and_ed448_keys_are_refused() {
        for (pem, origin, named, fact) in [
            (fixtures::RSA_PSS_PEM, "pss.test", "is RSA-PSS 2048-bit", 8),
            (fixtures::P521_PEM, "p521.test", "is ECDSA P-521", 9),
            (fixtures::ED448_PEM, "ed448.test", "is Ed448", 8),
        ] {
            let sent = fixtures::der_of(pem);
            let findings = judge_with(&sent, origin, None, &test_roots(), now(), 30);
            let f = only(
                &findings,
                "cert.key-type",
                Impact::Would502,
                Confidence::Inferred,
            );
            assert_mentions(&f.reason, &[named]);
            assert_eq!(f.fact, fact, "{origin}");
        }
    }
}
