//! CloudFront rules for a hello that got no ServerHello: what came back instead, and, for a
//! refusal, what the version scan says about it (no version in common, TLS 1.3 only, a suite
//! CloudFront does not offer). Facts 1-7 and 21-23, each cited by its rule. Pure: no I/O.

use super::tls_rules::{TlsRuleContext, malformed, timeout, too_large};
use crate::finding::{Confidence, Finding, Impact, finding};
use crate::record::{HelloEnd, TlsVersion, VersionProbe};
use crate::sanitize;
use crate::tls::SslProtocol;
use crate::tls::codes::cipher_suite;
use crate::tls::profile::{CLOUDFRONT_GROUPS, CLOUDFRONT_SUITES};
use crate::verdict::tls_words::{
    allowed, describe_end, group_label, list, list_with, suite_label, why_not_cloudfront,
};
use crate::verdict::version_scan::{Support, scan_summary, support, supported};

/// No ServerHello came back: say what did, and use the version scan to explain a refusal.
pub(super) fn no_server_hello(
    ctx: &TlsRuleContext<'_>,
    end: &HelloEnd,
    versions: &[VersionProbe],
) -> Finding {
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
pub(super) fn no_common_version(
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
