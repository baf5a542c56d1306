//! CloudFront rules about the TLS handshake: the answer to CloudFront's exact hello (a refusal,
//! explained by the version scan, is `refusal_rules`'; its key exchange signature is
//! `signature_rules`').
//!
//! Each rule cites its fact in `cloudfront-origin-facts.md` (versions 1-3, suites 5-6, curves 7,
//! signature schemes 8, errors 21-23). Pure: no I/O. What the version scan means per version is
//! `version_scan`; the words findings use for TLS facts are `tls_words`.

use crate::finding::{Confidence, Finding, Impact, finding};
use crate::record::{HelloAnswer, HelloEnd, HelloRecord, TlsVersion, VersionProbe};
use crate::sanitize;
use crate::tls::codes::{Cipher, cipher_suite};
use crate::tls::profile::CLOUDFRONT_GROUPS;
use crate::tls::{SslProtocol, cloudfront_hello};
use crate::verdict::refusal_rules::{no_common_version, no_server_hello};
use crate::verdict::tls_words::{allowed, group_label, list};
pub(crate) use crate::verdict::tls_words::{describe_end, suite_label};
use crate::verdict::version_scan::supported;
pub(crate) use crate::verdict::version_scan::{Support, support};

/// The rule context: which protocols CloudFront's hello offered, on which port.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TlsRuleContext<'a> {
    pub protocols: &'a [SslProtocol],
    pub port: u16,
    /// `OriginMtlsConfig.ClientCertificateArn`, when the distribution configures origin mTLS.
    pub mtls_certificate_arn: Option<&'a str>,
}

/// What CloudFront would negotiate, when its hello was answered acceptably.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Negotiation {
    pub version: TlsVersion,
    pub suite: u16,
}

/// The findings about the handshake, and what CloudFront would negotiate (if anything).
pub(crate) fn handshake(
    ctx: &TlsRuleContext<'_>,
    hello: &HelloRecord,
    versions: &[VersionProbe],
) -> (Vec<Finding>, Option<Negotiation>) {
    match &hello.server_hello {
        Some(answer) => answered(ctx, answer, &hello.end, versions),
        None => (vec![no_server_hello(ctx, &hello.end, versions)], None),
    }
}

fn answered(
    ctx: &TlsRuleContext<'_>,
    a: &HelloAnswer,
    end: &HelloEnd,
    versions: &[VersionProbe],
) -> (Vec<Finding>, Option<Negotiation>) {
    let allowed = allowed(ctx.protocols);
    let offered = cloudfront_hello(ctx.protocols, None).cipher_suites;
    if a.hello_retry {
        return (
            vec![illegal_answer(
                "answered with a HelloRetryRequest (TLS 1.3), which CloudFront's hello does not offer"
                    .to_string(),
            )],
            None,
        );
    }
    let version = match a.version {
        Some(v) if allowed.contains(&v) => v,
        // Older than the highest version offered, yet not allowed (below the lowest, or in a
        // gap such as TLSv1,TLSv1.2): a TLS <= 1.2 hello offers every version up to its
        // client_version, so this answer is legal and the versions simply do not meet.
        Some(v) if allowed.last().is_some_and(|max| v < *max) => {
            return (
                vec![no_common_version(ctx, &supported(versions), None)],
                None,
            );
        }
        _ => {
            return (
                vec![illegal_answer(format!(
                    "chose version 0x{:04x}, which CloudFront's hello (offering {}) does not allow",
                    a.version_code,
                    list(ctx.protocols)
                ))],
                None,
            );
        }
    };
    if !offered.contains(&a.suite) {
        return (
            vec![illegal_answer(format!(
                "chose {}, which CloudFront's hello does not offer",
                suite_label(a.suite)
            ))],
            None,
        );
    }
    let negotiation = Negotiation {
        version,
        suite: a.suite,
    };
    let mut out = Vec::new();
    match end {
        HelloEnd::Complete => {}
        HelloEnd::TimedOut { after } => {
            out.push(timeout(*after, "after its ServerHello"));
            return (out, Some(negotiation));
        }
        // The parser refused what followed the ServerHello: its own rules, as without one (the
        // limits on the Certificate message and its certificates apply only after a ServerHello).
        HelloEnd::TooLarge { message } => {
            out.push(too_large(&answered_with(&negotiation), message));
            return (out, Some(negotiation));
        }
        HelloEnd::Malformed { message } => {
            out.push(malformed(&answered_with(&negotiation), message));
            return (out, Some(negotiation));
        }
        other => {
            out.push(incomplete(&negotiation, &describe_end(other)));
            return (out, Some(negotiation));
        }
    }
    if let Some(f) = legacy_version(version) {
        out.push(f);
    }
    if let Some(f) = legacy_cipher(a.suite) {
        out.push(f);
    }
    if let Some(curve) = a.curve
        && !CLOUDFRONT_GROUPS.contains(&curve)
    {
        out.push(finding(
            "tls.curve-not-offered",
            Impact::Would502,
            Confidence::Inferred,
            7,
            format!(
                "the origin chose the curve {} for ECDHE, which CloudFront's hello does not offer (it offers X25519, P-256 and P-384)",
                group_label(curve)
            ),
            "let the origin use X25519, P-256 (prime256v1) or P-384 (secp384r1) for ECDHE",
        ));
    }
    // With origin mTLS configured, CloudFront answers a certificate request (fact 42); the
    // probe cannot, and stops after the server's flight, so only the request itself is seen.
    let mtls = ctx.mtls_certificate_arn.filter(|_| a.client_cert_requested);
    match (a.client_cert_requested, mtls) {
        (false, _) => {}
        (true, None) => out.push(client_certificate_requested()),
        (true, Some(arn)) => {
            // No key exchange is completed, so how the origin treats a client without a
            // certificate is not seen: only that it asked for one.
            out.push(crate::verdict::mtls_rules::client_side_unverifiable(arn));
        }
    }
    (out, Some(negotiation))
}

/// Fact 17: CloudFront drops the request when an origin asks for a client certificate.
fn client_certificate_requested() -> Finding {
    finding(
        "tls.client-certificate-requested",
        Impact::Would502,
        Confidence::Inferred,
        17,
        "the origin asks for a client certificate; CloudFront drops the request when an origin asks for one (unless origin mTLS is configured)".to_string(),
        "stop requesting client certificates on this listener, or configure OriginMtlsConfig on the CloudFront origin",
    )
}

/// `tls.too-large`: `answer` says whose answer ("the origin's answer to CloudFront's hello is").
pub(super) fn too_large(answer: &str, message: &str) -> Finding {
    finding(
        "tls.too-large",
        Impact::Would502,
        Confidence::Inferred,
        21,
        format!(
            "{answer} over this tool's limits: {}",
            sanitize::text(message)
        ),
        "serve only the leaf and its intermediates; a handshake this large is broken or hostile",
    )
}

/// `tls.malformed`: `answer` as for [`too_large`].
pub(super) fn malformed(answer: &str, message: &str) -> Finding {
    finding(
        "tls.malformed",
        Impact::Would502,
        Confidence::Inferred,
        21,
        format!("{answer} not valid TLS: {}", sanitize::text(message)),
        "check what listens on the HTTPS port; a TLS server (or a middlebox in front of it) sends invalid handshake bytes",
    )
}

/// "the rest of the origin's answer to CloudFront's hello (after a ServerHello choosing ...) is".
fn answered_with(n: &Negotiation) -> String {
    format!(
        "the rest of the origin's answer to CloudFront's hello (after a ServerHello choosing {} and {}) is",
        n.version.as_str(),
        suite_label(n.suite)
    )
}

fn illegal_answer(what: String) -> Finding {
    finding(
        "tls.illegal-answer",
        Impact::Would502,
        Confidence::Inferred,
        21,
        format!("the origin {what}; a TLS client aborts such a handshake"),
        "check the origin's TLS stack (or the middlebox in front of it): it answers with parameters the client did not offer",
    )
}

fn incomplete(n: &Negotiation, what: &str) -> Finding {
    finding(
        "tls.handshake-incomplete",
        Impact::Would502,
        Confidence::Inferred,
        21,
        format!(
            "the origin answered CloudFront's hello ({}, {}) but the handshake did not complete: {what}",
            n.version.as_str(),
            suite_label(n.suite)
        ),
        "check the origin's certificate and key configuration for the SNI CloudFront sends, and its logs for the handshake error",
    )
}

pub(super) fn timeout(after: std::time::Duration, when: &str) -> Finding {
    finding(
        "tls.timeout",
        Impact::Would504,
        Confidence::Inferred,
        23,
        format!(
            "the origin accepted the TCP connection but sent no complete TLS answer {when} within {:.1}s",
            after.as_secs_f64()
        ),
        "check that TLS (not plain HTTP or another protocol that waits for the client) listens on the HTTPS port, and that the origin is not overloaded",
    )
}

/// Fact 2 and RFC 8996: it works, but the version is deprecated.
fn legacy_version(version: TlsVersion) -> Option<Finding> {
    if version >= TlsVersion::Tls12 {
        return None;
    }
    Some(finding(
        "tls.legacy-version",
        Impact::Warn,
        Confidence::Documented,
        2,
        format!(
            "CloudFront would negotiate {} with this origin; SSLv3, TLS 1.0 and 1.1 are deprecated (RFC 7568, RFC 8996)",
            version.as_str()
        ),
        "enable TLS 1.2 on the origin, then allow only TLSv1.2 in the origin's OriginSslProtocols",
    ))
}

/// Fact 5: 3DES and RC4 are on CloudFront's list, and broken.
fn legacy_cipher(suite: u16) -> Option<Finding> {
    let s = cipher_suite(suite)?;
    if !matches!(s.cipher, Cipher::TripleDes | Cipher::Rc4) {
        return None;
    }
    Some(finding(
        "tls.legacy-cipher",
        Impact::Warn,
        Confidence::Documented,
        5,
        format!(
            "CloudFront would negotiate {} with this origin, {}",
            suite_label(suite),
            if s.cipher == Cipher::Rc4 {
                "an RC4 suite (broken; prohibited in TLS by RFC 7465)"
            } else {
                "a 3DES suite (64-bit blocks, broken by Sweet32: CVE-2016-2183)"
            }
        ),
        "prefer an ECDHE-GCM suite on the origin (e.g. ECDHE-RSA-AES128-GCM-SHA256) and remove 3DES and RC4",
    ))
}

#[cfg(test)]
#[path = "tls_rules_tests.rs"]
mod tests;
