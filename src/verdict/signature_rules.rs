//! CloudFront rules about the ServerKeyExchange that answers CloudFront's own hello: it must be
//! there for an ECDHE suite, name a signature scheme CloudFront offered (TLS 1.2), and verify
//! with the leaf certificate's key (fact 8).
//!
//! The signature itself is checked by `cert::check_key_exchange`; this module decides what the
//! answer costs. What this build cannot check (`Unverifiable`) is an `info` finding of
//! `unverified` confidence, never a failure. Pure: no I/O.

use crate::cert::{KeyExchangeCheck, check_key_exchange};
use crate::finding::{Confidence, Finding, Impact, finding};
use crate::record::{HelloAnswer, HelloEnd, HelloRecord};
use crate::sanitize;
use crate::tls::codes::{KeyExchange, cipher_suite, signature_scheme_name};
use crate::tls::profile::CLOUDFRONT_SIGNATURE_SCHEMES;
use crate::verdict::tls_rules::suite_label;

/// What the signature check showed, for the report's `hello.signature`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureStatus {
    Valid,
    Invalid,
    Unverifiable,
}

impl SignatureStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Valid => "valid",
            SignatureStatus::Invalid => "invalid",
            SignatureStatus::Unverifiable => "unverifiable",
        }
    }
}

/// The findings about the ServerKeyExchange of the answer to CloudFront's hello, judged with
/// `leaf` (the first certificate of that answer's chain), and what the check showed (`None`
/// when there was no signature to check: RSA key exchange, an incomplete flight, no leaf).
pub(crate) fn key_exchange(
    hello: &HelloRecord,
    leaf: Option<&[u8]>,
) -> (Vec<Finding>, Option<SignatureStatus>) {
    let Some(answer) = &hello.server_hello else {
        return (Vec::new(), None);
    };
    // Only a complete TLS <= 1.2 flight is judged here: anything else has its own finding.
    let (Some(version), Some(suite)) = (answer.version, cipher_suite(answer.suite)) else {
        return (Vec::new(), None);
    };
    if hello.end != HelloEnd::Complete || answer.hello_retry {
        return (Vec::new(), None);
    }
    if !matches!(suite.kx, KeyExchange::EcdheRsa | KeyExchange::EcdheEcdsa) {
        return (Vec::new(), None);
    }
    // (One on an explicit curve ends the flight as malformed: `probe::raw`.)
    let Some(exchange) = &answer.key_exchange else {
        return (vec![missing(answer)], Some(SignatureStatus::Invalid));
    };
    if let Some(scheme) = exchange.signed.scheme
        && !CLOUDFRONT_SIGNATURE_SCHEMES.contains(&scheme)
    {
        return (
            vec![scheme_not_offered(scheme)],
            Some(SignatureStatus::Invalid),
        );
    }
    let Some(leaf) = leaf else {
        return (Vec::new(), None);
    };
    match check_key_exchange(leaf, version, suite.kx, exchange) {
        KeyExchangeCheck::Valid => (Vec::new(), Some(SignatureStatus::Valid)),
        KeyExchangeCheck::Invalid { why } => (
            vec![signature_invalid(&why)],
            Some(SignatureStatus::Invalid),
        ),
        KeyExchangeCheck::Unverifiable { why } => (
            vec![signature_unchecked(&why)],
            Some(SignatureStatus::Unverifiable),
        ),
    }
}

/// Fact 8: CloudFront checks the server's handshake signature; one that does not verify with
/// the certificate's key (a key and certificate that do not belong together) fails the handshake.
pub(crate) fn signature_invalid(why: &str) -> Finding {
    finding(
        "tls.signature-invalid",
        Impact::Would502,
        Confidence::Inferred,
        8,
        format!(
            "the origin's handshake signature (ServerKeyExchange) does not verify with its certificate's key: {}",
            sanitize::text(why)
        ),
        "install the private key that belongs to the served certificate",
    )
}

/// Fact 8, unverified: this build could not check the signature, so a key that does not match
/// the certificate would go unnoticed here. Says nothing against the origin.
fn signature_unchecked(why: &str) -> Finding {
    finding(
        "tls.signature-unchecked",
        Impact::Info,
        Confidence::Unverified,
        8,
        format!(
            "origin-probe could not check the origin's handshake signature: {}; CloudFront would, so a private key that does not match the certificate would go unnoticed here",
            sanitize::text(why)
        ),
        "nothing to change if the origin serves the private key of its certificate; `openssl s_client -connect HOST:PORT` fails the handshake otherwise",
    )
}

/// Fact 8 and RFC 5246 §7.4.1.4.1: a server must sign with a scheme the client offered.
fn scheme_not_offered(scheme: u16) -> Finding {
    finding(
        "tls.illegal-answer",
        Impact::Would502,
        Confidence::Inferred,
        8,
        format!(
            "the origin signed its key exchange with {}, which CloudFront's hello does not offer; a TLS client aborts such a handshake",
            signature_scheme_name(scheme).map_or_else(
                || format!("the signature scheme 0x{scheme:04x}"),
                str::to_string
            )
        ),
        "let the origin sign with RSA PKCS#1 or ECDSA with SHA-256 (RSA-PSS and EdDSA are not offered by CloudFront)",
    )
}

/// RFC 8422 §2: an ECDHE suite needs a ServerKeyExchange; a client aborts without one.
fn missing(answer: &HelloAnswer) -> Finding {
    finding(
        "tls.handshake-incomplete",
        Impact::Would502,
        Confidence::Inferred,
        21,
        format!(
            "the origin chose {} but ended its flight without the ServerKeyExchange that suite needs; a TLS client aborts the handshake",
            suite_label(answer.suite)
        ),
        "check the origin's TLS stack (or the middlebox in front of it)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{KeyExchangeRecord, TlsVersion};
    use crate::tls::SignedParams;

    fn complete(suite: u16, key_exchange: Option<KeyExchangeRecord>) -> HelloRecord {
        HelloRecord {
            server_hello: Some(HelloAnswer {
                version_code: 0x0303,
                version: Some(TlsVersion::Tls12),
                suite,
                hello_retry: false,
                chain: None,
                curve: key_exchange.as_ref().map(|_| 0x001d),
                key_exchange,
                client_cert_requested: false,
            }),
            end: HelloEnd::Complete,
        }
    }

    fn signed(scheme: u16) -> Option<KeyExchangeRecord> {
        Some(KeyExchangeRecord {
            client_random: [1; 32],
            server_random: [2; 32],
            signed: SignedParams {
                params: vec![0x03, 0x00, 0x1d, 0x01, 0x09],
                scheme: Some(scheme),
                signature: vec![0; 8],
            },
        })
    }

    #[test]
    fn ecdhe_without_a_key_exchange_is_incomplete_and_rsa_needs_none() {
        let (f, status) = key_exchange(&complete(0xc02f, None), None);
        assert_eq!(f[0].rule, "tls.handshake-incomplete");
        assert_eq!(status, Some(SignatureStatus::Invalid));
        // Static RSA key exchange: no ServerKeyExchange, nothing to check.
        assert_eq!(key_exchange(&complete(0x002f, None), None), (vec![], None));
    }

    #[test]
    fn a_scheme_cloudfront_did_not_offer_is_an_illegal_answer() {
        // rsa_pss_rsae_sha256: not on CloudFront's list (fact 8), whatever the signature.
        let (f, status) = key_exchange(&complete(0xc02f, signed(0x0804)), Some(b"leaf"));
        assert_eq!(f[0].rule, "tls.illegal-answer");
        assert!(
            f[0].reason.contains("rsa_pss_rsae_sha256"),
            "{}",
            f[0].reason
        );
        assert_eq!(status, Some(SignatureStatus::Invalid));
    }

    #[test]
    fn an_unparseable_leaf_is_unchecked_not_invalid() {
        let (f, status) = key_exchange(&complete(0xc02f, signed(0x0401)), Some(b"leaf"));
        assert_eq!(
            (f[0].rule, f[0].impact, f[0].confidence),
            (
                "tls.signature-unchecked",
                Impact::Info,
                Confidence::Unverified
            )
        );
        assert_eq!(status, Some(SignatureStatus::Unverifiable));
    }
}
