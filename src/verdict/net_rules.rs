//! CloudFront rules about names, DNS, TCP and the TLS handshake itself.
//!
//! Each rule is a small function from recorded facts to findings, citing its fact number in
//! `cloudfront-origin-facts.md`. Certificate rules are in `cert_rules.rs`. Pure: no I/O.

use crate::finding::{Confidence, Finding, Impact, finding};
use crate::record::{ConnectOutcome, DnsOutcome};
use crate::sanitize;
use crate::target::{OriginName, Target};

/// Fact 27: CloudFront refuses IP addresses as origin domain names.
pub(crate) fn ip_origin(target: &Target) -> Option<Finding> {
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
pub(crate) fn dns(outcome: &DnsOutcome, name: &str) -> Option<Finding> {
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
pub(crate) fn connect(outcome: &ConnectOutcome, address: &str, port: u16) -> Option<Finding> {
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
        ConnectOutcome::NoRoute { message } | ConnectOutcome::Failed { message } => Some(finding(
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

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
