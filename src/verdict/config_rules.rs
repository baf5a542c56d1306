//! What the distribution document alone says about switching an origin to `https-only`: the
//! config-level findings, rule ids `config.*`. The rules about the `Host` header are in
//! `config_host_rules`; this module assembles all of them per origin. The input
//! (`input::cloudfront`) only models the document; the run asks this module for the findings.
//!
//! Each rule is a small function returning a [`Finding`] that cites its fact number in
//! `cloudfront-origin-facts.md` and names the concrete values. Pure: no probing, no I/O. Custom
//! header values are never read here.

use std::net::IpAddr;

use super::config_host_rules::{host_forwarded, host_forwarding_unknown, wildcard_aliases};
use crate::finding::{Confidence, Finding, Impact};
use crate::input::cloudfront::{
    CfOrigin, CfOriginKind, CustomOrigin, Distribution, OriginProtocolPolicy, SslProtocol,
    ViewerProtocolPolicy,
};
use crate::sanitize;

pub(super) use crate::finding::finding;

/// Every finding the document supports for `origin`, without probing.
///
/// Origins that can never be https-only (S3 website endpoints, IP names) and origins this tool
/// does not apply to (S3 REST, VPC) get only that one finding.
pub fn config_findings(dist: &Distribution, origin: &CfOrigin) -> Vec<Finding> {
    // The rules that need more than one origin's settings (S3 behind allow-all, what is not
    // probed, origin mTLS) live in `verdict::distribution_rules`.
    let more = super::distribution_rules::origin_findings(origin);
    let custom = match &origin.kind {
        CfOriginKind::S3Rest => return [vec![s3_rest(origin)], more].concat(),
        CfOriginKind::Vpc {
            vpc_origin_id,
            owner_account_id,
            settings,
        } => {
            let vpc = super::vpc_rules::config_findings(
                origin,
                vpc_origin_id,
                owner_account_id.as_deref(),
                settings,
            );
            return [vpc, more].concat();
        }
        CfOriginKind::Custom(c) => c,
    };
    if origin.is_s3_website() {
        return vec![s3_website(origin)];
    }
    if let Some(ip) = origin.ip_address() {
        return vec![ip_origin(origin, ip)];
    }
    let mut out = Vec::new();
    out.extend(unused(origin));
    out.extend(already_https_only(origin, custom));
    out.extend(match_viewer_allow_all(origin, custom));
    out.extend(sslv3_allowed(origin, custom));
    out.extend(legacy_tls_allowed(origin, custom));
    out.extend(host_forwarding_unknown(dist, origin));
    out.extend(host_forwarded(dist, origin));
    out.extend(wildcard_aliases(dist, origin));
    out.extend(more);
    out
}

/// Fact 28: S3 website endpoints serve HTTP only.
fn s3_website(origin: &CfOrigin) -> Finding {
    finding(
        "config.s3-website",
        Impact::Would502,
        Confidence::Documented,
        28,
        format!(
            "origin {} ({}) is an Amazon S3 website endpoint, which serves HTTP only; with https-only CloudFront cannot connect to it",
            s(&origin.id),
            s(&origin.domain_name)
        ),
        "keep this origin http-only; to encrypt origin traffic, serve the bucket through its REST endpoint (an S3 origin with origin access control) instead of the website endpoint",
    )
}

/// Fact 27: CloudFront refuses IP addresses as origin domain names.
fn ip_origin(origin: &CfOrigin, ip: IpAddr) -> Finding {
    finding(
        "config.ip-origin",
        Impact::Would502,
        Confidence::Documented,
        27,
        format!(
            "origin {} is named by the IP address {ip}; CloudFront requires a DNS name as the origin domain name (\"the parameter origin name cannot be an IP address\")",
            s(&origin.id)
        ),
        "give the origin a DNS name (an A/AAAA record) covered by its certificate, and use that name as the origin domain",
    )
}

/// Fact 29: S3 REST origins follow the viewer's protocol; there is no origin policy to switch
/// (the behaviors' viewer protocol policy is `verdict::distribution_rules`, fact 46).
fn s3_rest(origin: &CfOrigin) -> Finding {
    finding(
        "config.s3-rest-origin",
        Impact::Info,
        Confidence::Documented,
        29,
        format!(
            "origin {} ({}) is an S3 REST origin (S3OriginConfig): CloudFront uses the viewer's protocol and S3 serves the certificate, so there is no origin protocol policy to switch",
            s(&origin.id),
            s(&origin.domain_name)
        ),
        "nothing to switch on the origin; the behaviors' viewer protocol policy decides the protocol to S3 (see config.s3-viewer-http)",
    )
}

/// Fact 38: behaviors reach origins through `TargetOriginId`; none reaches this one.
fn unused(origin: &CfOrigin) -> Option<Finding> {
    if !origin.behaviors.is_empty() {
        return None;
    }
    Some(finding(
        "config.origin-unused",
        Impact::Info,
        Confidence::Documented,
        38,
        format!(
            "no cache behavior targets origin {} (directly or through an origin group), so switching it changes no traffic",
            s(&origin.id)
        ),
        "nothing to do; remove the origin if it is no longer needed",
    ))
}

/// Fact 37: the origin is already https-only.
fn already_https_only(origin: &CfOrigin, custom: &CustomOrigin) -> Option<Finding> {
    if custom.protocol_policy != OriginProtocolPolicy::HttpsOnly {
        return None;
    }
    Some(finding(
        "config.already-https-only",
        Impact::Info,
        Confidence::Documented,
        37,
        format!(
            "origin {} already uses https-only: CloudFront connects to {} over HTTPS on port {} today",
            s(&origin.id),
            s(&origin.domain_name),
            custom.https_port
        ),
        "nothing to switch; the probe still checks the origin against CloudFront's requirements",
    ))
}

/// Fact 37: match-viewer forwards HTTP viewers' requests over HTTP.
fn match_viewer_allow_all(origin: &CfOrigin, custom: &CustomOrigin) -> Option<Finding> {
    if custom.protocol_policy != OriginProtocolPolicy::MatchViewer {
        return None;
    }
    let open: Vec<String> = origin
        .behaviors
        .iter()
        .filter(|b| b.viewer_protocol_policy == ViewerProtocolPolicy::AllowAll)
        .map(|b| s(&b.label()))
        .collect();
    if open.is_empty() {
        return None;
    }
    Some(finding(
        "config.match-viewer-allow-all",
        Impact::Warn,
        Confidence::Documented,
        37,
        format!(
            "origin {} uses match-viewer and {} allows HTTP viewers (allow-all): their requests reach the origin unencrypted on port {}",
            s(&origin.id),
            open.join(", "),
            custom.http_port
        ),
        "switch the origin to https-only so every origin request is encrypted, and consider redirect-to-https for those behaviors",
    ))
}

/// Fact 3: with SSLv3 selected CloudFront sends only SSLv3 handshakes.
fn sslv3_allowed(origin: &CfOrigin, custom: &CustomOrigin) -> Option<Finding> {
    if !custom.ssl_protocols.contains(&SslProtocol::Ssl3) {
        return None;
    }
    Some(finding(
        "config.sslv3-allowed",
        Impact::Warn,
        Confidence::Documented,
        3,
        format!(
            "origin {} allows SSLv3 (OriginSslProtocols: {}); with SSLv3 chosen CloudFront sends only SSLv3 handshakes, which current servers refuse",
            s(&origin.id),
            protocols(&custom.ssl_protocols)
        ),
        "allow only TLSv1.2 (the migration plan does this for origins that are ready)",
    ))
}

/// Fact 1: TLSv1 and TLSv1.1 are allowed.
fn legacy_tls_allowed(origin: &CfOrigin, custom: &CustomOrigin) -> Option<Finding> {
    let legacy: Vec<SslProtocol> = custom
        .ssl_protocols
        .iter()
        .copied()
        .filter(|p| matches!(p, SslProtocol::Tls1 | SslProtocol::Tls11))
        .collect();
    if legacy.is_empty() {
        return None;
    }
    Some(finding(
        "config.legacy-tls-allowed",
        Impact::Warn,
        Confidence::Documented,
        1,
        format!(
            "origin {} allows {} (OriginSslProtocols: {}); TLS 1.0 and 1.1 are deprecated (RFC 8996)",
            s(&origin.id),
            protocols(&legacy),
            protocols(&custom.ssl_protocols)
        ),
        "allow only TLSv1.2 once the origin supports it (the migration plan does this for origins that are ready)",
    ))
}

fn protocols(list: &[SslProtocol]) -> String {
    let names: Vec<&str> = list.iter().map(|p| p.as_str()).collect();
    names.join(", ")
}

pub(super) fn s(text: &str) -> String {
    sanitize::text(text)
}

#[cfg(test)]
pub(super) mod test_support {
    //! Config findings of the CloudFront fixtures, for the tests of this module and
    //! `config_host_rules`.
    use super::config_findings;
    use crate::finding::{Finding, Impact};
    use crate::input::cloudfront::Document;

    /// `(rule, impact, fact)` of every config finding for one origin of the first distribution.
    pub(crate) fn rules_for(doc: &Document, origin: &str) -> Vec<(&'static str, Impact, u16)> {
        let d = &doc.distributions[0];
        let o = d.origin(origin).expect("origin exists");
        config_findings(d, o)
            .into_iter()
            .map(|f| (f.rule, f.impact, f.fact))
            .collect()
    }

    /// The config finding `rule` for one origin of the first distribution.
    pub(crate) fn finding_for(doc: &Document, origin: &str, rule: &str) -> Finding {
        let d = &doc.distributions[0];
        let o = d.origin(origin).expect("origin exists");
        config_findings(d, o)
            .into_iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("{origin}: no {rule}"))
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{finding_for, rules_for};
    use super::*;
    use crate::input::cloudfront::fixtures::{GOOD, SECRET_MARK, load};
    use crate::input::cloudfront::{needs_probe, parse_document, targets, viewer_names};

    #[test]
    fn origins_that_cannot_be_https_only_get_a_verdict_without_probing() {
        let doc = load("get-distribution-config-special-origins.json");
        for origin in ["website-dash", "website-dot"] {
            assert_eq!(
                rules_for(&doc, origin),
                [("config.s3-website", Impact::Would502, 28)]
            );
        }
        assert_eq!(
            rules_for(&doc, "ip-origin"),
            [("config.ip-origin", Impact::Would502, 27)]
        );
        assert_eq!(
            rules_for(&doc, "rest-bucket")[0],
            ("config.s3-rest-origin", Impact::Info, 29)
        );
        assert_eq!(
            rules_for(&doc, "vpc-origin"),
            [
                ("config.vpc-origin", Impact::Info, 43),
                ("origin.not-probed", Impact::Info, 43)
            ]
        );
        assert_eq!(
            rules_for(&doc, "unused"),
            [("config.origin-unused", Impact::Info, 38)]
        );
        let d = &doc.distributions[0];
        for id in ["website-dash", "ip-origin", "rest-bucket", "vpc-origin"] {
            let o = d.origin(id).expect("origin");
            assert!(!needs_probe(o), "{id}");
            assert!(
                targets("f.json", d, o, &[]).expect("targets").is_empty(),
                "{id}"
            );
        }
        assert!(needs_probe(d.origin("primary").expect("origin")));
        let f = finding_for(&doc, "website-dash", "config.s3-website");
        assert!(
            f.reason
                .contains("example-site.s3-website-us-east-1.amazonaws.com"),
            "{}",
            f.reason
        );
        assert_eq!(f.confidence, Confidence::Documented);
    }

    #[test]
    fn match_viewer_with_allow_all_and_legacy_protocols() {
        let doc = load("get-distribution-config-legacy.json");
        let rules = rules_for(&doc, "legacy-api");
        for rule in [
            "config.match-viewer-allow-all",
            "config.sslv3-allowed",
            "config.legacy-tls-allowed",
        ] {
            assert!(
                rules
                    .iter()
                    .any(|(r, i, _)| *r == rule && *i == Impact::Warn),
                "{rule}: {rules:?}"
            );
        }
        let f = finding_for(&doc, "legacy-api", "config.match-viewer-allow-all");
        assert!(
            f.reason.contains("behavior /api/* allows HTTP viewers")
                && f.reason.contains("port 80"),
            "{}",
            f.reason
        );
        let f = finding_for(&doc, "legacy-api", "config.legacy-tls-allowed");
        assert!(
            f.reason
                .contains("allows TLSv1 (OriginSslProtocols: SSLv3, TLSv1)"),
            "{}",
            f.reason
        );
        // match-viewer whose behaviors all redirect: no finding.
        let managed = load("get-distribution-managed.json");
        assert!(
            !rules_for(&managed, "tenant")
                .iter()
                .any(|(r, ..)| *r == "config.match-viewer-allow-all")
        );
        assert!(
            rules_for(&managed, "tenant")
                .iter()
                .any(|(r, ..)| *r == "config.legacy-tls-allowed")
        );
        // TLSv1.2 only: no protocol findings.
        assert!(
            !rules_for(&managed, "web")
                .iter()
                .any(|(r, ..)| r.contains("tls") || r.contains("ssl"))
        );
        assert!(rules_for(&managed, "api-gw").contains(&(
            "config.already-https-only",
            Impact::Info,
            37
        )));
    }

    #[test]
    fn custom_header_values_never_appear_in_any_rendering() {
        let mut with_secrets = 0;
        for (name, bytes) in GOOD {
            let doc = parse_document(bytes, name).expect("parses");
            let raw_text = String::from_utf8_lossy(bytes);
            let exposed = doc
                .distributions
                .iter()
                .flat_map(|d| &d.origins)
                .flat_map(|o| &o.custom_headers)
                .filter(|(_, v)| v.expose().contains(SECRET_MARK))
                .count();
            assert_eq!(raw_text.matches(SECRET_MARK).count(), exposed, "{name}");
            with_secrets += usize::from(exposed > 0);
            let mut rendered = vec![
                format!("{doc:?}"),
                format!("{doc:#?}"),
                serde_json::to_string(&doc).expect("serializes"),
            ];
            for d in &doc.distributions {
                for o in &d.origins {
                    let findings = config_findings(d, o);
                    rendered.push(format!("{findings:?}"));
                    rendered.push(serde_json::to_string(&findings).expect("serializes"));
                    rendered.extend(findings.iter().map(|f| format!("{} {}", f.reason, f.fix)));
                    rendered.push(format!("{:?}", targets(name, d, o, &findings)));
                    rendered.push(format!("{:?}", viewer_names(d, o)));
                }
            }
            for text in rendered {
                assert!(!text.contains(SECRET_MARK), "{name}: secret in {text}");
            }
        }
        assert!(
            with_secrets >= 4,
            "too few fixtures carry secrets: {with_secrets}"
        );
    }
}
