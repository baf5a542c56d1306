//! CloudFront rules that need the whole distribution rather than one origin's answer: S3 REST
//! origins behind behaviors that let HTTP viewers in (fact 46), what was and was not checked for
//! origins that are not probed (facts 29, 43), and origin mTLS settings that cannot work with the
//! behaviors using them (fact 42).
//!
//! Small functions from the CloudFront model to [`Finding`]s, each citing its fact number in
//! `cloudfront-origin-facts.md`. Pure: no probing, no I/O; custom header values are never read.
//! `config_rules::config_findings` calls [`origin_findings`] for every origin.

use crate::finding::{Confidence, Finding, Impact, finding};
use crate::input::cloudfront::{BehaviorUse, CfOrigin, CfOriginKind, ViewerProtocolPolicy};
use crate::sanitize;

/// The rule id every origin that is settled without a probe carries, so that no output can
/// show it as a plain "ready": the table marks such rows (`ready*`).
pub(crate) const NOT_PROBED: &str = "origin.not-probed";

/// The findings of this module for one origin of a distribution.
pub(crate) fn origin_findings(origin: &CfOrigin) -> Vec<Finding> {
    let mut out = super::iac_rules::unresolved(origin);
    match &origin.kind {
        CfOriginKind::S3Rest => {
            out.extend(s3_viewer_http(origin));
            out.push(not_probed_s3(origin));
        }
        CfOriginKind::Vpc {
            vpc_origin_id,
            settings,
            ..
        } => out.push(super::vpc_rules::not_probed(
            origin,
            vpc_origin_id,
            settings,
        )),
        CfOriginKind::Custom(c) => {
            if let Some(arn) = &c.mtls_certificate_arn {
                out.push(mtls_configured(origin, arn));
                out.extend(mtls_unavailable(origin));
            }
        }
    }
    out
}

/// The behaviors reaching `origin` that let HTTP viewers in.
fn allow_all(origin: &CfOrigin) -> Vec<&BehaviorUse> {
    origin
        .behaviors
        .iter()
        .filter(|b| b.viewer_protocol_policy == ViewerProtocolPolicy::AllowAll)
        .collect()
}

/// Fact 46: CloudFront talks to an S3 REST origin with the viewer's protocol, so an `allow-all`
/// behavior means plain HTTP between CloudFront and the bucket; the fix is the behavior's
/// viewer protocol policy, and methods other than GET/HEAD get 403 over HTTP, not a redirect.
fn s3_viewer_http(origin: &CfOrigin) -> Option<Finding> {
    let open = allow_all(origin);
    if open.is_empty() {
        return None;
    }
    let labels: Vec<String> = open.iter().map(|b| s(&b.label())).collect();
    let not_redirected: Vec<String> = open
        .iter()
        .filter_map(|b| {
            let methods = b.methods_not_redirected();
            (!methods.is_empty())
                .then(|| format!("{} allows {}", s(&b.label()), s(&methods.join(", "))))
        })
        .collect();
    let mut fix = format!(
        "set the ViewerProtocolPolicy of {} to redirect-to-https (the migration plan does this): HTTP viewers are redirected and CloudFront then reaches the bucket over HTTPS",
        labels.join(", ")
    );
    if !not_redirected.is_empty() {
        fix.push_str(&format!(
            "; {}: over HTTP those methods get 403 from redirect-to-https, not a redirect, so HTTP clients sending them break either way; https-only answers every HTTP request with 403, which fails the same way for every method",
            not_redirected.join("; ")
        ));
    }
    Some(finding(
        "config.s3-viewer-http",
        Impact::Warn,
        Confidence::Documented,
        46,
        format!(
            "origin {} ({}) is an S3 REST origin, which CloudFront reaches with the viewer's protocol: {} allow{} HTTP viewers (allow-all), so their requests reach the bucket over plain HTTP",
            s(&origin.id),
            s(&origin.domain_name),
            labels.join(", "),
            if labels.len() == 1 { "s" } else { "" }
        ),
        fix,
    ))
}

/// Facts 2 and 29: an S3 REST origin is not probed. Say what that leaves unchecked.
fn not_probed_s3(origin: &CfOrigin) -> Finding {
    let policies: Vec<String> = origin
        .behaviors
        .iter()
        .map(|b| format!("{} {}", s(&b.label()), b.viewer_protocol_policy.as_str()))
        .collect();
    let checked = if policies.is_empty() {
        "no behavior reaches it".to_string()
    } else {
        policies.join(", ")
    };
    finding(
        NOT_PROBED,
        Impact::Info,
        Confidence::Documented,
        29,
        format!(
            "origin {} was not probed: it is an S3 REST origin, where S3 serves its own certificate and CloudFront uses TLS 1.2 over HTTPS. Checked: the viewer protocol policy of every behavior that reaches it ({checked}). Not checked: the bucket's name in DNS, its bucket policy and origin access control",
            s(&origin.id)
        ),
        "nothing to probe; the viewer protocol policies decide whether the CloudFront->S3 hop is HTTPS",
    )
}

/// Fact 42: origin mTLS is configured. CloudFront presents the certificate; a probe cannot.
fn mtls_configured(origin: &CfOrigin, arn: &str) -> Finding {
    finding(
        "config.origin-mtls",
        Impact::Info,
        Confidence::Documented,
        42,
        format!(
            "origin {} uses origin mTLS: CloudFront presents the client certificate {} when the origin asks for one. The probe cannot present it, so only the server side (the origin's chain and handshake) is checked",
            s(&origin.id),
            s(arn)
        ),
        "keep the client certificate in ACM (us-east-1) with the clientAuth extended key usage; it is imported, so ACM does not renew it: watch its expiry",
    )
}

/// Fact 42: origin mTLS is not available with gRPC or Lambda@Edge origin triggers.
fn mtls_unavailable(origin: &CfOrigin) -> Option<Finding> {
    let clashes: Vec<String> = origin
        .behaviors
        .iter()
        .filter_map(|b| {
            let mut what = Vec::new();
            if b.grpc {
                what.push("gRPC".to_string());
            }
            if !b.origin_triggers.is_empty() {
                what.push(format!("Lambda@Edge {}", b.origin_triggers.join(", ")));
            }
            (!what.is_empty()).then(|| format!("{} uses {}", b.label(), what.join(" and ")))
        })
        .map(|t| s(&t))
        .collect();
    if clashes.is_empty() {
        return None;
    }
    Some(finding(
        "config.origin-mtls-unavailable",
        Impact::Warn,
        Confidence::Documented,
        42,
        format!(
            "origin {} has OriginMtlsConfig, but {}: origin mTLS is not available with gRPC, WebSocket, VPC origins or Lambda@Edge origin triggers, so those requests reach the origin without CloudFront's client certificate",
            s(&origin.id),
            clashes.join("; ")
        ),
        "serve those behaviors from an origin (or listener) that does not require a client certificate, or drop the gRPC / Lambda@Edge origin trigger from them",
    ))
}

fn s(text: &str) -> String {
    sanitize::text(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::cloudfront::fixtures::load;

    fn rules(doc: &crate::input::cloudfront::Document, origin: &str) -> Vec<&'static str> {
        let d = &doc.distributions[0];
        origin_findings(d.origin(origin).expect("origin"))
            .iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn s3_rest_origin_behind_allow_all_is_a_warning_with_the_fix() {
        let doc = load("get-distribution-config-aws-cli-example.json");
        let d = &doc.distributions[0];
        let found = origin_findings(d.origin("my-origin").expect("origin"));
        let f = &found[0];
        assert_eq!(
            (f.rule, f.impact, f.confidence, f.fact),
            (
                "config.s3-viewer-http",
                Impact::Warn,
                Confidence::Documented,
                46
            )
        );
        assert!(
            f.reason.contains("default behavior allows HTTP viewers"),
            "{}",
            f.reason
        );
        assert!(
            f.fix.contains("redirect-to-https") && !f.fix.contains("403"),
            "{}",
            f.fix
        );
        assert_eq!(found[1].rule, NOT_PROBED);
        assert!(
            found[1].reason.contains("default behavior allow-all"),
            "{}",
            found[1].reason
        );
    }

    #[test]
    fn s3_rest_origin_behaviors_that_allow_post_are_offered_https_only() {
        let doc = load("get-distribution-config-s3-cases.json");
        let f = &origin_findings(doc.distributions[0].origin("uploads").expect("origin"))[0];
        assert_eq!(f.rule, "config.s3-viewer-http");
        assert!(
            f.fix
                .contains("behavior /upload/* allows OPTIONS, PUT, POST, PATCH, DELETE")
                && f.fix
                    .contains("https-only answers every HTTP request with 403"),
            "{}",
            f.fix
        );
        // Only redirect-to-https and https-only behaviors: nothing to warn about.
        assert_eq!(rules(&doc, "assets"), [NOT_PROBED]);
        // The secondary of an origin group behind allow-all.
        let f = &origin_findings(doc.distributions[0].origin("replica").expect("origin"))[0];
        assert!(
            f.reason
                .contains("behavior /mixed/* (via origin group mixed-group) allows HTTP viewers"),
            "{}",
            f.reason
        );
    }

    #[test]
    fn vpc_origins_say_what_was_not_checked() {
        let doc = load("get-distribution-config-special-origins.json");
        let d = &doc.distributions[0];
        let found = origin_findings(d.origin("vpc-origin").expect("origin"));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].rule, found[0].confidence, found[0].fact),
            (NOT_PROBED, Confidence::Inferred, 43)
        );
        assert!(
            found[0]
                .fix
                .contains("get-vpc-origin --id vo_ABCDEFGHIJ0123456789ab")
        );
    }

    #[test]
    fn origin_mtls_with_grpc_or_origin_triggers_is_a_warning() {
        let doc = load("get-distribution-config-s3-cases.json");
        assert_eq!(
            rules(&doc, "mtls-api"),
            ["config.origin-mtls", "config.origin-mtls-unavailable"]
        );
        let f = &origin_findings(doc.distributions[0].origin("mtls-api").expect("origin"))[1];
        assert!(
            f.reason.contains("behavior /grpc/* uses gRPC")
                && f.reason.contains("Lambda@Edge origin-request"),
            "{}",
            f.reason
        );
        assert_eq!(rules(&doc, "mtls-plain"), ["config.origin-mtls"]);
    }
}
