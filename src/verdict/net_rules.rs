//! CloudFront rules about names, DNS, TCP and the TLS handshake itself.
//!
//! Each rule is a small function from recorded facts to findings, citing its fact number in
//! `cloudfront-origin-facts.md`. Certificate rules are in `cert_rules.rs`. Pure: no I/O.

use crate::finding::{Confidence, Finding, Impact, finding};
use crate::record::{ConnectOutcome, DnsOutcome, HandshakeOutcome, Negotiated, TlsVersion};
use crate::sanitize;
use crate::target::{OriginName, Target};

/// Fact 27: CloudFront refuses IP addresses as origin domain names.
pub fn ip_origin(target: &Target) -> Option<Finding> {
    let OriginName::Ip(ip) = &target.name else {
        return None;
    };
    Some(finding(
        "origin.ip-address",
        Impact::Would502,
        Confidence::Documented,
        27,
        format!("{ip} is an IP address; CloudFront accepts only DNS names as origin domain names"),
        "give the origin a DNS name (an A/AAAA record) covered by its certificate, and use that name as the origin domain",
    ))
}

/// Fact 22: a name CloudFront cannot resolve is a 502 (`NonS3OriginDnsError`).
pub fn dns(outcome: &DnsOutcome, name: &str) -> Option<Finding> {
    let fix_dns = format!(
        "publish A and/or AAAA records for {name} in public DNS; CloudFront resolves origins with public DNS"
    );
    match outcome {
        DnsOutcome::Resolved { .. } => None,
        DnsOutcome::NxDomain => Some(finding(
            "dns.nxdomain",
            Impact::Would502,
            Confidence::Documented,
            22,
            format!("{name} does not exist in DNS (NXDOMAIN)"),
            fix_dns,
        )),
        DnsOutcome::NoAddresses => Some(finding(
            "dns.no-addresses",
            Impact::Would502,
            Confidence::Documented,
            22,
            format!("{name} exists but has no A or AAAA records"),
            fix_dns,
        )),
        DnsOutcome::ServerError { code } => Some(finding(
            "dns.server-error",
            Impact::Would502,
            Confidence::Inferred,
            22,
            format!("the DNS server answered {code} for {name}"),
            "fix the authoritative DNS for the name (a SERVFAIL is often a broken delegation or DNSSEC)",
        )),
        DnsOutcome::TimedOut { after } => Some(finding(
            "dns.timeout",
            Impact::Would502,
            Confidence::Unverified,
            22,
            format!(
                "no DNS answer for {name} within {:.1}s; if public DNS cannot answer either, CloudFront fails with 502 (NonS3OriginDnsError)",
                after.as_secs_f64()
            ),
            "check the name's authoritative servers answer, then re-run (this resolver may only be slow or blocked)",
        )),
        DnsOutcome::Failed { message } => Some(finding(
            "dns.failed",
            Impact::Would502,
            Confidence::Unverified,
            22,
            format!("could not resolve {name}: {}", sanitize::text(message)),
            "check this machine's DNS configuration (or pass --dns-server / --resolve), then re-run",
        )),
    }
}

/// Fact 23 (inferred split): refused -> 502, no answer -> 504.
pub fn connect(outcome: &ConnectOutcome, address: &str, port: u16) -> Option<Finding> {
    match outcome {
        ConnectOutcome::Connected { .. } => None,
        ConnectOutcome::Refused => Some(finding(
            "tcp.refused",
            Impact::Would502,
            Confidence::Inferred,
            23,
            format!("{address} refused the connection: nothing listens on port {port}"),
            format!(
                "start TLS on port {port}, or set the origin's HTTPS port to the port where TLS listens"
            ),
        )),
        ConnectOutcome::TimedOut { after } => Some(finding(
            "tcp.timeout",
            Impact::Would504,
            Confidence::Inferred,
            23,
            format!(
                "{address} did not answer the TCP connection within {:.1}s (dropped by a firewall or security group?)",
                after.as_secs_f64()
            ),
            format!(
                "allow CloudFront's origin-facing addresses (the AWS managed prefix list com.amazonaws.global.cloudfront.origin-facing) to reach port {port}"
            ),
        )),
        ConnectOutcome::Failed { message } => Some(finding(
            "tcp.unreachable",
            Impact::Would504,
            Confidence::Inferred,
            23,
            format!(
                "could not connect to {address}: {}",
                sanitize::text(message)
            ),
            "make the origin reachable from the internet on its HTTPS port",
        )),
    }
}

/// Findings about the handshake. `cloudfront` is the CloudFront-like handshake; `modern` the
/// diagnostic one, run only when the first failed.
pub fn handshake(
    cloudfront: &HandshakeOutcome,
    modern: Option<&HandshakeOutcome>,
    port: u16,
) -> Vec<Finding> {
    match cloudfront {
        HandshakeOutcome::Negotiated(n) => negotiated(n),
        failed => vec![failure(failed, modern, port)],
    }
}

fn negotiated(n: &Negotiated) -> Vec<Finding> {
    let mut out = Vec::new();
    if n.client_cert_requested {
        out.push(finding(
            "tls.client-certificate-requested",
            Impact::Would502,
            Confidence::Inferred,
            17,
            "the origin asks for a client certificate; CloudFront drops the request when an origin asks for one (unless origin mTLS is configured)".to_string(),
            "stop requesting client certificates on this listener, or configure OriginMtlsConfig on the CloudFront origin",
        ));
    }
    out
}

fn failure(cloudfront: &HandshakeOutcome, modern: Option<&HandshakeOutcome>, port: u16) -> Finding {
    let modern_negotiated = match modern {
        Some(HandshakeOutcome::Negotiated(n)) => Some(n),
        _ => None,
    };
    if let Some(m) = modern_negotiated {
        return refused_but_modern_works(cloudfront, m);
    }
    match cloudfront {
        HandshakeOutcome::Negotiated(_) => unreachable_negotiated(),
        HandshakeOutcome::Alert { description } => finding(
            "tls.handshake-refused",
            Impact::Would502,
            Confidence::Unverified,
            21,
            format!(
                "the origin answered CloudFront's hello with the alert {description} and refused every TLS 1.2/1.3 suite this build can offer; CloudFront also offers RSA-key-exchange and CBC suites (AES128-SHA, AES256-SHA, ECDHE-RSA-AES128-SHA, DES-CBC3-SHA) and TLS 1.0/1.1 that this build cannot test yet, so an origin supporting only those would in fact work"
            ),
            "enable TLS 1.2 with an ECDHE-GCM suite on the origin (e.g. ECDHE-RSA-AES128-GCM-SHA256); if the origin already serves a name-specific certificate, check it answers for the SNI CloudFront sends",
        ),
        HandshakeOutcome::NotTls { first_bytes } => finding(
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
        HandshakeOutcome::Closed => finding(
            "tls.closed",
            Impact::Would502,
            Confidence::Inferred,
            21,
            "the origin closed the connection during the TLS handshake without an alert"
                .to_string(),
            "check the origin's TLS configuration: it must accept TLS 1.2 with a CloudFront suite for the SNI CloudFront sends",
        ),
        HandshakeOutcome::Reset => finding(
            "tls.reset",
            Impact::Would502,
            Confidence::Inferred,
            21,
            "the origin reset the connection during the TLS handshake".to_string(),
            "check the origin's TLS configuration and any middlebox (WAF, load balancer) that drops TLS 1.2 handshakes",
        ),
        HandshakeOutcome::TimedOut { after } => finding(
            "tls.timeout",
            Impact::Would504,
            Confidence::Inferred,
            23,
            format!(
                "the origin accepted the TCP connection but did not complete the TLS handshake within {:.1}s",
                after.as_secs_f64()
            ),
            "check that TLS (not plain HTTP or another protocol that waits for the client) listens on the HTTPS port, and that the origin is not overloaded",
        ),
        HandshakeOutcome::TooLarge { limit } => finding(
            "tls.too-large",
            Impact::Would502,
            Confidence::Unverified,
            21,
            format!("the origin sent more than {limit} bytes before completing the handshake"),
            "serve only the leaf and its intermediates; a handshake this large is broken or hostile",
        ),
        HandshakeOutcome::Failed { message } => finding(
            "tls.failed",
            Impact::Would502,
            Confidence::Inferred,
            21,
            format!("the TLS handshake failed: {}", sanitize::text(message)),
            "check the origin's TLS configuration against CloudFront's requirements (TLS 1.2, ECDHE suites, no RSA-PSS-only signing)",
        ),
    }
}

/// CloudFront's hello failed, a modern client's worked: tell which CloudFront limit is hit.
fn refused_but_modern_works(cloudfront: &HandshakeOutcome, m: &Negotiated) -> Finding {
    let refused_version = matches!(cloudfront, HandshakeOutcome::Alert { description } if description.starts_with("protocol_version"))
        || matches!(
            cloudfront,
            HandshakeOutcome::Closed | HandshakeOutcome::Reset
        );
    if m.version == TlsVersion::Tls13 && refused_version {
        return finding(
            "tls.tls13-only",
            Impact::Would502,
            Confidence::Documented,
            1,
            format!(
                "the origin refused CloudFront's TLS 1.2 hello ({}) and every other TLS 1.2 offer, but completes TLS 1.3; CloudFront offers origins TLS 1.2 at most",
                describe(cloudfront)
            ),
            "enable TLS 1.2 on the origin with an ECDHE suite from CloudFront's list (e.g. ECDHE-RSA-AES128-GCM-SHA256)",
        );
    }
    if m.version == TlsVersion::Tls12 && !CLOUDFRONT_GCM_SUITES.contains(&m.suite.as_str()) {
        return finding(
            "tls.no-shared-cipher",
            Impact::Would502,
            Confidence::Documented,
            5,
            format!(
                "the origin refused CloudFront's suites ({}) and chose {} when offered more; that suite is not on CloudFront's origin list",
                describe(cloudfront),
                m.suite
            ),
            "enable at least one suite CloudFront offers origins, e.g. ECDHE-RSA-AES128-GCM-SHA256 or ECDHE-ECDSA-AES128-GCM-SHA256",
        );
    }
    finding(
        "tls.no-shared-parameters",
        Impact::Would502,
        Confidence::Inferred,
        8,
        format!(
            "the origin refused CloudFront's TLS 1.2 hello ({}) but completes TLS 1.2 with {} when offered every curve and signature scheme: no curve or signature scheme in common with CloudFront (an Ed25519 or RSA-PSS-only key, for example; see the key findings)",
            describe(cloudfront),
            m.suite
        ),
        "serve an RSA (2048-4096 bit) or ECDSA P-256 certificate and enable TLS 1.2 with an ECDHE-GCM suite",
    )
}

/// CloudFront's origin suites that rustls also implements (fact 5), by IANA name.
const CLOUDFRONT_GCM_SUITES: &[&str] = &[
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
];

/// Fact 8: CloudFront checks the server's handshake signature; one that does not verify with
/// the certificate's key (a key and certificate that do not belong together) fails the handshake.
pub fn signature_invalid(message: &str) -> Finding {
    finding(
        "tls.signature-invalid",
        Impact::Would502,
        Confidence::Inferred,
        8,
        format!(
            "the origin's handshake signature does not verify with its certificate's key: {}",
            sanitize::text(message)
        ),
        "install the private key that belongs to the served certificate",
    )
}

/// A negotiated outcome never reaches `failure`; kept total without panicking.
fn unreachable_negotiated() -> Finding {
    finding(
        "internal.error",
        Impact::Info,
        Confidence::Unverified,
        21,
        "internal inconsistency: a completed handshake was judged as failed".to_string(),
        "report this as a bug",
    )
}

fn describe(outcome: &HandshakeOutcome) -> String {
    match outcome {
        HandshakeOutcome::Alert { description } => format!("alert {description}"),
        HandshakeOutcome::Closed => "connection closed".to_string(),
        HandshakeOutcome::Reset => "connection reset".to_string(),
        HandshakeOutcome::Failed { message } => sanitize::text(message),
        HandshakeOutcome::TimedOut { .. } => "timed out".to_string(),
        HandshakeOutcome::NotTls { .. } => "not TLS".to_string(),
        HandshakeOutcome::TooLarge { .. } => "too large".to_string(),
        HandshakeOutcome::Negotiated(_) => "negotiated".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn negotiated(version: TlsVersion, suite: &str) -> HandshakeOutcome {
        HandshakeOutcome::Negotiated(Negotiated {
            version,
            suite: suite.to_string(),
            chain: vec![],
            client_cert_requested: false,
            signature_error: None,
        })
    }

    #[test]
    fn tls13_only_is_told_apart_from_cipher_mismatch() {
        let alert = HandshakeOutcome::Alert {
            description: "protocol_version (70)".into(),
        };
        let f = handshake(
            &alert,
            Some(&negotiated(TlsVersion::Tls13, "TLS13_AES_128_GCM_SHA256")),
            443,
        );
        assert_eq!(f[0].rule, "tls.tls13-only");
        assert_eq!(f[0].impact, Impact::Would502);
        let alert = HandshakeOutcome::Alert {
            description: "handshake_failure (40)".into(),
        };
        let chacha = negotiated(
            TlsVersion::Tls12,
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        );
        let f = handshake(&alert, Some(&chacha), 443);
        assert_eq!(f[0].rule, "tls.no-shared-cipher");
        assert!(f[0].reason.contains("CHACHA20"));
    }

    #[test]
    fn unexplained_refusal_is_unverified_because_rustls_cannot_offer_cbc() {
        let alert = HandshakeOutcome::Alert {
            description: "handshake_failure (40)".into(),
        };
        let f = handshake(&alert, Some(&alert.clone()), 443);
        assert_eq!(f[0].rule, "tls.handshake-refused");
        assert_eq!(f[0].confidence, Confidence::Unverified);
    }

    #[test]
    fn connect_split_502_refused_504_silent() {
        let refused = connect(&ConnectOutcome::Refused, "127.0.0.1:9", 9).expect("finding");
        assert_eq!(
            (refused.rule, refused.impact),
            ("tcp.refused", Impact::Would502)
        );
        let silent = connect(
            &ConnectOutcome::TimedOut {
                after: Duration::from_secs(5),
            },
            "127.0.0.1:9",
            9,
        )
        .expect("finding");
        assert_eq!(
            (silent.rule, silent.impact),
            ("tcp.timeout", Impact::Would504)
        );
        assert_eq!(silent.confidence, Confidence::Inferred);
    }

    #[test]
    fn not_tls_shows_sanitised_first_bytes() {
        let f = handshake(
            &HandshakeOutcome::NotTls {
                first_bytes: b"HTTP/1.1 400 Bad Request\r\n\x1b[2J".to_vec(),
            },
            None,
            443,
        );
        assert_eq!(f[0].rule, "tls.not-tls");
        assert!(
            f[0].reason
                .contains("HTTP/1.1 400 Bad Request\\x0d\\x0a\\x1b[2J"),
            "{}",
            f[0].reason
        );
    }

    #[test]
    fn dns_outcomes() {
        assert_eq!(
            dns(&DnsOutcome::NxDomain, "x.test").expect("f").rule,
            "dns.nxdomain"
        );
        let t = dns(
            &DnsOutcome::TimedOut {
                after: Duration::from_secs(3),
            },
            "x.test",
        )
        .expect("f");
        assert_eq!(
            (t.rule, t.confidence),
            ("dns.timeout", Confidence::Unverified)
        );
        assert!(
            dns(
                &DnsOutcome::Resolved {
                    addresses: vec![],
                    source: crate::record::AddressSource::Dns
                },
                "x.test"
            )
            .is_none()
        );
    }
}
