//! Who reaches an origin with which `Host`: the viewer names of a distribution when the Host
//! header is forwarded (fact 14), and the probe targets that follow (one per name).
//!
//! Pure: builds `Target`s, never resolves or connects. Wildcard aliases are listed, never probed.

use super::host::HostForwarding;
use super::model::{CfOrigin, CfOriginKind, Distribution};
use super::vpc_origin::VpcOriginSettings;
use crate::document::CloudFrontRef;
use crate::finding::Finding;
use crate::input::domains::{TargetError, normalize_host};
use crate::sanitize;
use crate::target::{
    CloudFrontTarget, DEFAULT_CONNECTION_ATTEMPTS, DEFAULT_CONNECTION_TIMEOUT,
    DEFAULT_READ_TIMEOUT, OriginName, Target,
};

use std::time::Duration;

/// The names viewers can put in `Host` when it reaches this origin: each alias (wildcards kept
/// as `*.example.com`) and the distribution's `*.cloudfront.net` name, normalised as
/// [`normalize_host`] does, in document order, without duplicates. Empty when no behavior
/// targeting the origin forwards Host (`Unknown` does not count). A `get-distribution-config`
/// document has no cloudfront.net name, so only aliases appear for it.
pub fn viewer_names(dist: &Distribution, origin: &CfOrigin) -> Vec<String> {
    if !origin.host_forwarded() {
        return Vec::new();
    }
    all_viewer_names(dist)
}

fn all_viewer_names(dist: &Distribution) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let raw = dist.aliases.iter().map(String::as_str);
    for name in raw.chain(dist.domain_name.as_deref()) {
        let normalized = match name.trim().strip_prefix("*.") {
            Some(rest) => normalize_host(rest).map(|r| format!("*.{r}")),
            None => normalize_host(name.trim()),
        };
        if let Ok(n) = normalized
            && !names.contains(&n)
        {
            names.push(n);
        }
    }
    names
}

pub(crate) fn viewer_name_list(dist: &Distribution) -> String {
    let names = all_viewer_names(dist);
    if names.is_empty() {
        return "the distribution's own names".to_string();
    }
    s(&names.join(", "))
}

/// Whether the origin needs probing: a custom origin with a DNS name that is not an S3 website
/// endpoint. The others are settled by their config findings alone
/// (`verdict::config_rules`). An origin whose name, port or protocols an infrastructure-as-code
/// input leaves unknown is not probed either (`verdict::iac_rules` says why).
pub fn needs_probe(origin: &CfOrigin) -> bool {
    origin.custom().is_some()
        && !origin.is_s3_website()
        && origin.ip_address().is_none()
        && !origin.probe_blocked()
}

/// How a target from this origin names its source: `file.json: E123…: origin api`, or for
/// infrastructure as code the resource: `plan.json: module.cdn.aws_cloudfront_distribution.main:
/// origin api`.
pub fn origin_source(document_source: &str, dist: &Distribution, origin: &CfOrigin) -> String {
    let address = dist.location.as_ref().and_then(|l| l.address.as_deref());
    if let Some(address) = address {
        return format!(
            "{document_source}: {}: origin {}",
            s(address),
            s(&origin.id)
        );
    }
    match &dist.id {
        Some(id) => format!("{document_source}: {}: origin {}", s(id), s(&origin.id)),
        None => format!("{document_source}: origin {}", s(&origin.id)),
    }
}

/// The probe targets for one origin: the origin name itself when some behavior leaves `Host`
/// alone (or its forwarding is unknown), plus one target per concrete viewer name when `Host`
/// is forwarded (fact 14: each name must work on its own). Wildcard names are not probed (see
/// `config.wildcard-alias-host`). Empty when [`needs_probe`] is false. Every target carries
/// `config`, what the verdict found in the document for this origin.
pub fn targets(
    document_source: &str,
    dist: &Distribution,
    origin: &CfOrigin,
    config: &[Finding],
) -> Result<Vec<Target>, TargetError> {
    let Some(custom) = origin.custom().filter(|_| needs_probe(origin)) else {
        return Ok(Vec::new());
    };
    let name = normalize_host(origin.domain_name.trim())?;
    let every_behavior_forwards = !origin.behaviors.is_empty()
        && origin
            .behaviors
            .iter()
            .all(|b| matches!(b.host, HostForwarding::Forwarded { .. }));
    let mut hosts: Vec<Option<String>> = Vec::new();
    if !every_behavior_forwards {
        hosts.push(None);
    }
    for viewer in viewer_names(dist, origin) {
        if viewer.starts_with("*.") {
            continue;
        }
        let host = (viewer != name).then_some(viewer);
        if !hosts.contains(&host) {
            hosts.push(host);
        }
    }
    let source = origin_source(document_source, dist, origin);
    Ok(hosts
        .into_iter()
        .map(|host_header| Target {
            name: OriginName::Dns(name.clone()),
            port: custom.https_port,
            cloudfront: Some(CloudFrontTarget {
                reference: reference(dist, origin, host_header.clone()),
                // Every row carries them, so each viewer name's verdict stands on its own.
                config_findings: config.to_vec(),
                custom_headers: origin.custom_headers.clone(),
                read_timeout: custom
                    .read_timeout
                    .map_or(DEFAULT_READ_TIMEOUT, |s| Duration::from_secs(u64::from(s))),
                origin_path: origin.origin_path.clone().unwrap_or_default(),
                // Held to the API's ranges (1-10 s, 1-3 attempts), which CloudFront enforces, so
                // a document cannot make a probe wait without bound.
                connection_timeout: origin
                    .connection_timeout
                    .map_or(DEFAULT_CONNECTION_TIMEOUT, |s| {
                        Duration::from_secs(u64::from(s.clamp(1, 10)))
                    }),
                connection_attempts: origin
                    .connection_attempts
                    .map_or(DEFAULT_CONNECTION_ATTEMPTS, |n| n.clamp(1, 3)),
                mtls_certificate_arn: custom.mtls_certificate_arn.clone(),
            }),
            host_header,
            source: source.clone(),
            ssl_protocols: custom.ssl_protocols.clone(),
        })
        .collect())
}

/// Where `origin` sits in `dist`, for reports; `viewer_name` is the Host a row checks.
pub fn reference(
    dist: &Distribution,
    origin: &CfOrigin,
    viewer_name: Option<String>,
) -> CloudFrontRef {
    CloudFrontRef {
        distribution_id: dist.id.as_deref().map(s),
        distribution_domain: dist.domain_name.as_deref().map(s),
        origin_id: s(&origin.id),
        // A VPC origin's is on its resource (fact 43), when the input holds it.
        origin_protocol_policy: match &origin.kind {
            CfOriginKind::Custom(c) => Some(c.protocol_policy.as_str().to_string()),
            CfOriginKind::Vpc {
                settings: VpcOriginSettings::Known(k),
                ..
            } => Some(k.protocol_policy.as_str().to_string()),
            _ => None,
        },
        viewer_name,
        location: origin.location.clone(),
    }
}

fn s(text: &str) -> String {
    sanitize::text(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::cloudfront::fixtures::load;

    #[test]
    fn viewer_names_when_host_is_forwarded() {
        let doc = load("get-distribution-managed.json");
        let d = &doc.distributions[0];
        let names = |id: &str| viewer_names(d, d.origin(id).expect("origin"));
        let all = [
            "shop.example.com",
            "*.shop.example.com",
            "d111111abcdef8.cloudfront.net",
        ];
        assert_eq!(names("web"), all);
        assert_eq!(names("tenant"), all);
        assert_eq!(names("amplify"), all);
        assert!(names("api-gw").is_empty());
        assert!(names("cors").is_empty());
        assert!(
            names("custom-policy").is_empty(),
            "unknown is not forwarded"
        );
        // A config document has no cloudfront.net name; legacy Host forwarding still counts.
        let legacy = load("get-distribution-config-legacy.json");
        let d = &legacy.distributions[0];
        assert_eq!(
            viewer_names(d, d.origin("app-origin").expect("origin")),
            ["www.example.com", "example.com"]
        );
        assert!(viewer_names(d, d.origin("assets-bucket").expect("origin")).is_empty());
    }

    #[test]
    fn targets_one_per_viewer_name_plus_the_origin_name_when_needed() {
        let doc = load("get-distribution-managed.json");
        let d = &doc.distributions[0];
        let hosts = |id: &str| -> Vec<(String, u16, Option<String>)> {
            targets("m.json", d, d.origin(id).expect("origin"), &[])
                .expect("targets")
                .into_iter()
                .map(|t| (t.origin(), t.port, t.host_header))
                .collect()
        };
        // Every behavior forwards Host: one target per concrete viewer name, wildcard skipped.
        assert_eq!(
            hosts("web"),
            [
                (
                    "web.example.net".to_string(),
                    443,
                    Some("shop.example.com".to_string())
                ),
                (
                    "web.example.net".to_string(),
                    443,
                    Some("d111111abcdef8.cloudfront.net".to_string())
                ),
            ]
        );
        assert_eq!(
            hosts("api-gw"),
            [(
                "abc123def4.execute-api.us-east-1.amazonaws.com".to_string(),
                443,
                None
            )]
        );
        let t = targets("m.json", d, d.origin("web").expect("origin"), &[]).expect("targets");
        assert_eq!(t[0].source, "m.json: E1MANAGEDEXAMPLE: origin web");
        // Mixed behaviors: the origin name too.
        let legacy = load("get-distribution-config-legacy.json");
        let d = &legacy.distributions[0];
        let t =
            targets("l.json", d, d.origin("app-origin").expect("origin"), &[]).expect("targets");
        let hh: Vec<_> = t.iter().map(|t| t.host_header.as_deref()).collect();
        assert_eq!(hh, [None, Some("www.example.com"), Some("example.com")]);
        assert_eq!(t[0].source, "l.json: origin app-origin");
        let api =
            targets("l.json", d, d.origin("legacy-api").expect("origin"), &[]).expect("targets");
        assert!(api.iter().all(|t| t.port == 8443));
    }
}
