//! CloudFront rules about the TLS handshake: the answer to CloudFront's exact hello and the
//! version scan that explains a refusal (its key exchange signature is `signature_rules`').
//!
//! Each rule cites its fact in `cloudfront-origin-facts.md` (versions 1-3, suites 5-6, curves 7,
//! signature schemes 8, errors 21-23). Pure: no I/O. What the version scan means per version is
//! `version_scan`; the words findings use for TLS facts are `tls_words`.

use crate::finding::{Confidence, Finding, Impact, finding};
use crate::record::{HelloAnswer, HelloEnd, HelloRecord, TlsVersion, VersionProbe};
use crate::sanitize;
use crate::tls::codes::{Cipher, cipher_suite};
use crate::tls::profile::{CLOUDFRONT_GROUPS, CLOUDFRONT_SUITES};
use crate::tls::{SslProtocol, cloudfront_hello};
use crate::verdict::tls_words::{allowed, group_label, list, list_with, why_not_cloudfront};
pub(crate) use crate::verdict::tls_words::{describe_end, suite_label};
pub(crate) use crate::verdict::version_scan::{Support, support};
use crate::verdict::version_scan::{scan_summary, supported};

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

/// No ServerHello came back: say what did, and use the version scan to explain a refusal.
fn no_server_hello(ctx: &TlsRuleContext<'_>, end: &HelloEnd, versions: &[VersionProbe]) -> Finding {
    let port = ctx.port;
    match end {
        HelloEnd::NotTls { first_bytes } => finding(
            "tls.not-tls",
            Impact::Would502,
            Confidence::Documented,
            21,
            format!(
                "port {port} does not speak TLS; it answered: {}",
                sanitize::bytes(first_bytes)
            ),
            format!(
                "set the origin's HTTPS port to the port where TLS listens, or serve TLS on port {port}"
            ),
        ),
        HelloEnd::Sslv2 => finding(
            "tls.sslv2",
            Impact::Would502,
            Confidence::Documented,
            2,
            "the origin answered CloudFront's hello in SSLv2, which CloudFront does not speak"
                .to_string(),
            "enable TLS 1.2 on the origin",
        ),
        HelloEnd::TimedOut { after } => timeout(*after, "to CloudFront's hello"),
        HelloEnd::TooLarge { message } => {
            too_large("the origin's answer to CloudFront's hello is", message)
        }
        HelloEnd::Malformed { message } => {
            malformed("the origin's answer to CloudFront's hello is", message)
        }
        HelloEnd::Failed { message } => finding(
            "tls.failed",
            Impact::Would502,
            Confidence::Inferred,
            21,
            format!(
                "sending CloudFront's hello failed: {}",
                sanitize::text(message)
            ),
            "check the origin's TLS listener and re-run",
        ),
        HelloEnd::Alert { .. } | HelloEnd::Closed | HelloEnd::Reset | HelloEnd::Complete => {
            refusal(ctx, end, versions)
        }
    }
}

/// CloudFront's hello was refused (alert, close, reset). The version scan says why.
fn refusal(ctx: &TlsRuleContext<'_>, end: &HelloEnd, versions: &[VersionProbe]) -> Finding {
    let allowed = allowed(ctx.protocols);
    let supported = supported(versions);
    let what = describe_end(end);
    let common: Vec<(TlsVersion, u16)> = supported
        .iter()
        .copied()
        .filter(|(v, _)| allowed.contains(v))
        .collect();
    if supported.is_empty() {
        return unexplained(ctx, end, versions);
    }
    if common.is_empty() {
        if supported.iter().all(|(v, _)| *v == TlsVersion::Tls13) {
            return finding(
                "tls.tls13-only",
                Impact::Would502,
                Confidence::Documented,
                1,
                format!(
                    "the origin refused CloudFront's hello ({what}); the version scan finds TLSv1.3 only, and CloudFront offers origins TLS 1.2 at most"
                ),
                "enable TLS 1.2 on the origin with a suite from CloudFront's list (e.g. ECDHE-RSA-AES128-GCM-SHA256)",
            );
        }
        return no_common_version(ctx, &supported, Some(&what));
    }
    // A version in common: the refusal is about suites, curves or signature schemes.
    let (version, suite) = common
        .iter()
        .copied()
        .max_by_key(|(v, _)| *v)
        .unwrap_or((TlsVersion::Tls12, 0));
    let cloudfront_suite = CLOUDFRONT_SUITES.contains(&suite)
        && cipher_suite(suite).is_some_and(|s| s.valid_at(version));
    if !cloudfront_suite {
        return finding(
            "tls.no-shared-cipher",
            Impact::Would502,
            Confidence::Documented,
            5,
            format!(
                "the origin refused CloudFront's suites ({what}); offered every suite at {}, it chose {}{}",
                version.as_str(),
                suite_label(suite),
                why_not_cloudfront(suite)
            ),
            "enable at least one suite CloudFront offers origins, e.g. ECDHE-RSA-AES128-GCM-SHA256 or ECDHE-ECDSA-AES128-GCM-SHA256",
        );
    }
    // The curve the scan's answer chose, when it is one CloudFront does not offer.
    let odd_curve = versions
        .iter()
        .filter(|v| v.version == version)
        .filter_map(|v| v.hello.as_ref()?.server_hello.as_ref()?.curve)
        .find(|c| !CLOUDFRONT_GROUPS.contains(c));
    let cause = match odd_curve {
        Some(curve) => format!(
            "it chose the curve {} for ECDHE, and CloudFront offers only X25519, P-256 and P-384",
            group_label(curve)
        ),
        None => "no curve or signature scheme in common with CloudFront (an Ed25519 or RSA-PSS-only key, for example; see the key findings)".to_string(),
    };
    finding(
        "tls.no-shared-parameters",
        Impact::Would502,
        Confidence::Inferred,
        8,
        format!(
            "the origin refused CloudFront's hello ({what}) but chose {} at {} when offered every curve and signature scheme: {cause}",
            suite_label(suite),
            version.as_str()
        ),
        "serve an RSA (2048-4096 bit) or ECDSA P-256 certificate and let the origin sign with PKCS#1 or ECDSA and use X25519, P-256 or P-384",
    )
}

/// A refusal the version scan cannot explain: no version answered at all.
fn unexplained(ctx: &TlsRuleContext<'_>, end: &HelloEnd, versions: &[VersionProbe]) -> Finding {
    let all_refused = !versions.is_empty()
        && versions
            .iter()
            .all(|v| matches!(support(v), Support::NotSupported { .. }));
    let confidence = if all_refused {
        Confidence::Inferred
    } else {
        Confidence::Unverified
    };
    let scan = if versions.is_empty() {
        "no version scan was made".to_string()
    } else if all_refused {
        "it also refused a hello for every version from SSLv3 to TLS 1.3, each with every suite"
            .to_string()
    } else {
        format!(
            "the version scan is inconclusive ({})",
            scan_summary(versions)
        )
    };
    let fix = "check the origin's TLS configuration for the SNI CloudFront sends (a server that knows no certificate for that name often refuses every hello), and that it accepts TLS 1.2 with a suite from CloudFront's list";
    let offered = list(ctx.protocols);
    match end {
        HelloEnd::Closed => finding(
            "tls.closed",
            Impact::Would502,
            confidence,
            21,
            format!(
                "the origin closed the connection without an alert on CloudFront's hello (offering {offered}); {scan}"
            ),
            fix,
        ),
        HelloEnd::Reset => finding(
            "tls.reset",
            Impact::Would502,
            confidence,
            21,
            format!(
                "the origin reset the connection on CloudFront's hello (offering {offered}); {scan}"
            ),
            "check the origin's TLS configuration and any middlebox (WAF, load balancer) that drops TLS handshakes",
        ),
        _ => finding(
            "tls.handshake-refused",
            Impact::Would502,
            confidence,
            21,
            format!(
                "the origin answered CloudFront's hello (offering {offered}) with {}; {scan}",
                describe_end(end)
            ),
            fix,
        ),
    }
}

/// Facts 1-2: no version both sides allow.
fn no_common_version(
    ctx: &TlsRuleContext<'_>,
    supported: &[(TlsVersion, u16)],
    refusal: Option<&str>,
) -> Finding {
    let offers: Vec<&str> = supported.iter().map(|(v, _)| v.as_str()).collect();
    let offers = if offers.is_empty() {
        "an older version than CloudFront's hello allows".to_string()
    } else {
        format!("only {}", offers.join(", "))
    };
    let how = refusal.map_or_else(
        || "answered CloudFront's hello with an older version".to_string(),
        |r| format!("refused CloudFront's hello ({r})"),
    );
    // The newest version the origin has that an OriginSslProtocols value can allow, and the
    // suite it chose there.
    let needed = supported
        .iter()
        .filter_map(|(v, s)| Some((SslProtocol::for_version(*v)?, *v, *s)))
        .max_by_key(|(p, _, _)| *p);
    // Allowing that version helps only if the origin's suite there is one CloudFront offers.
    let useless = needed.filter(|(_, version, suite)| {
        !(CLOUDFRONT_SUITES.contains(suite)
            && cipher_suite(*suite).is_some_and(|s| s.valid_at(*version)))
    });
    let fix = match needed.map(|(p, _, _)| p) {
        _ if let Some((p, _, suite)) = useless => format!(
            "enable TLSv1.2 on the origin with a suite from CloudFront's list (e.g. ECDHE-RSA-AES128-GCM-SHA256); allowing {p} would not help: at {p} the origin chose {}{}",
            suite_label(suite),
            why_not_cloudfront(suite)
        ),
        // The origin already speaks TLS 1.2: only OriginSslProtocols can change.
        Some(SslProtocol::Tls12) => format!(
            "add TLSv1.2 to the origin's OriginSslProtocols; the origin already speaks it (try it first with --origin-ssl-protocols {})",
            list_with(ctx.protocols, SslProtocol::Tls12)
        ),
        Some(p) if p > SslProtocol::Ssl3 => format!(
            "enable TLSv1.2 on the origin (best), or add {p} to the origin's OriginSslProtocols (try it first with --origin-ssl-protocols {})",
            list_with(ctx.protocols, p)
        ),
        _ => "enable TLSv1.2 on the origin".to_string(),
    };
    finding(
        "tls.no-common-version",
        Impact::Would502,
        Confidence::Documented,
        1,
        format!(
            "the origin offers {offers} and {how}; CloudFront is allowed {} for this origin (OriginSslProtocols)",
            list(ctx.protocols)
        ),
        fix,
    )
}

/// `tls.too-large`: `answer` says whose answer ("the origin's answer to CloudFront's hello is").
fn too_large(answer: &str, message: &str) -> Finding {
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
fn malformed(answer: &str, message: &str) -> Finding {
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

fn timeout(after: std::time::Duration, when: &str) -> Finding {
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
