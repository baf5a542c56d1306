//! From the wire types to the model: each origin gets the cache behaviors that reach it,
//! directly or through an origin group, with its Host forwarding decided.
//!
//! Checks what serde cannot: exactly one origin config per origin, unique origin IDs, an
//! `HTTPSPort` other than 0, every `TargetOriginId` naming an origin or a group, `PathPattern`
//! on path behaviors. Each failure is
//! an [`Inconsistency`] naming the JSON path. Pure.

use std::collections::HashSet;

use super::host::{BehaviorPolicies, host_forwarding};
use super::model::{BehaviorUse, CfOrigin, CfOriginKind, CustomOrigin, Distribution, OriginGroup};
use super::vpc_origin::VpcOriginSettings;
use super::wire::{self, BehaviorWire, DistributionBody, OriginGroupWire, OriginWire};

/// A document that parses but does not make sense: `path` is the JSON path of the culprit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Inconsistency {
    pub path: String,
    pub problem: String,
}

fn inconsistency(path: String, problem: impl Into<String>) -> Inconsistency {
    Inconsistency {
        path,
        problem: problem.into(),
    }
}

/// An ID from the document as a message quotes it: sanitised and cut, since it can be any
/// length and carry any character.
fn quoted(id: &str) -> String {
    format!("\"{}\"", crate::sanitize::text(id))
}

/// Metadata that `get-distribution` carries outside the config.
#[derive(Debug, Default)]
pub(super) struct Meta {
    pub id: Option<String>,
    pub arn: Option<String>,
    pub status: Option<String>,
    pub domain_name: Option<String>,
}

/// Builds one distribution. `path` is where `body` sits in the document (for messages);
/// `summary` requires the `Id` and `DomainName` a list-page summary always has.
pub(super) fn distribution(
    body: DistributionBody,
    meta: Meta,
    path: &str,
    summary: bool,
) -> Result<Distribution, Inconsistency> {
    if summary {
        if body.id.is_none() {
            return Err(inconsistency(path.to_string(), "missing field `Id`"));
        }
        if body.domain_name.is_none() {
            return Err(inconsistency(
                path.to_string(),
                "missing field `DomainName`",
            ));
        }
    }
    let mut origins = Vec::new();
    let mut seen = HashSet::new();
    for (i, o) in body.origins.into_items().into_iter().enumerate() {
        let opath = format!("{path}.Origins.Items[{i}]");
        if !seen.insert(o.id.clone()) {
            return Err(inconsistency(
                opath,
                format!("origin Id {} is used twice", quoted(&o.id)),
            ));
        }
        origins.push(origin(o, &opath)?);
    }
    let groups = wire::items(body.origin_groups);
    // The default behavior has no path pattern; one written there anyway is ignored.
    let mut default = body.default_cache_behavior;
    default.path_pattern = None;
    let mut behaviors = vec![(format!("{path}.DefaultCacheBehavior"), None, default)];
    for (i, b) in wire::items(body.cache_behaviors).into_iter().enumerate() {
        let bpath = format!("{path}.CacheBehaviors.Items[{i}]");
        if b.path_pattern.is_none() {
            return Err(inconsistency(bpath, "missing field `PathPattern`"));
        }
        behaviors.push((bpath, Some(i), b));
    }
    for (bpath, position, b) in behaviors {
        attach(&mut origins, &groups, b, position, &bpath)?;
    }
    Ok(Distribution {
        id: meta.id.or(body.id),
        arn: meta.arn.or(body.arn),
        status: meta.status.or(body.status),
        domain_name: meta.domain_name.or(body.domain_name),
        enabled: body.enabled,
        etag: body.etag,
        aliases: wire::items(body.aliases),
        origins,
        groups: groups
            .into_iter()
            .map(|g| OriginGroup {
                id: g.id,
                members: g
                    .members
                    .into_items()
                    .into_iter()
                    .map(|m| m.origin_id)
                    .collect(),
                failover_status_codes: g.failover_criteria.map(|c| wire::items(c.status_codes)),
            })
            .collect(),
        location: None,
    })
}

fn origin(o: OriginWire, path: &str) -> Result<CfOrigin, Inconsistency> {
    let configs = [
        o.custom_origin_config.is_some(),
        o.s3_origin_config.is_some(),
        o.vpc_origin_config.is_some(),
    ];
    let kind = match (o.custom_origin_config, o.vpc_origin_config) {
        _ if configs.iter().filter(|c| **c).count() > 1 => {
            return Err(inconsistency(
                path.to_string(),
                "origin has more than one of CustomOriginConfig, S3OriginConfig and VpcOriginConfig",
            ));
        }
        // serde takes 0 as a u16; CloudFront never stores it, and probing port 0 means nothing.
        (Some(c), _) if c.https_port == 0 => {
            return Err(inconsistency(
                format!("{path}.CustomOriginConfig.HTTPSPort"),
                "0 is not a port number (1 to 65535)",
            ));
        }
        (Some(c), _) => CfOriginKind::Custom(CustomOrigin {
            http_port: c.http_port,
            https_port: c.https_port,
            protocol_policy: c.origin_protocol_policy,
            ssl_protocols: wire::items(c.origin_ssl_protocols),
            read_timeout: c.origin_read_timeout,
            keepalive_timeout: c.origin_keepalive_timeout,
            ip_address_type: c.ip_address_type,
            mtls_certificate_arn: c.origin_mtls_config.and_then(|m| m.client_certificate_arn),
        }),
        (None, Some(v)) => CfOriginKind::Vpc {
            vpc_origin_id: v.vpc_origin_id,
            owner_account_id: v.owner_account_id.filter(|a| !a.trim().is_empty()),
            settings: VpcOriginSettings::NotRead,
        },
        (None, None) if configs[1] => CfOriginKind::S3Rest,
        (None, None) => {
            return Err(inconsistency(
                path.to_string(),
                "origin has none of CustomOriginConfig, S3OriginConfig and VpcOriginConfig",
            ));
        }
    };
    Ok(CfOrigin {
        id: o.id,
        domain_name: o.domain_name,
        origin_path: o.origin_path.filter(|p| !p.is_empty()),
        kind,
        custom_headers: wire::items(o.custom_headers)
            .into_iter()
            .map(|h| (h.header_name, h.header_value))
            .collect(),
        connection_attempts: o.connection_attempts,
        connection_timeout: o.connection_timeout,
        behaviors: Vec::new(),
        location: None,
        unresolved: Vec::new(),
    })
}

/// Adds behavior `b` to the origin it targets, or to every member of the group it targets.
fn attach(
    origins: &mut [CfOrigin],
    groups: &[OriginGroupWire],
    b: BehaviorWire,
    position: Option<usize>,
    path: &str,
) -> Result<(), Inconsistency> {
    let policies = BehaviorPolicies {
        cache_policy_id: b.cache_policy_id.filter(|s| !s.trim().is_empty()),
        origin_request_policy_id: b.origin_request_policy_id.filter(|s| !s.trim().is_empty()),
        legacy_headers: b.forwarded_values.map(|f| wire::items(f.headers)),
    };
    let host = host_forwarding(&policies, &[]);
    let allowed_methods = match b.allowed_methods.map(wire::List::into_items) {
        Some(m) if !m.is_empty() => m,
        // The API's default when a behavior lists none.
        _ => vec!["HEAD".to_string(), "GET".to_string()],
    };
    let grpc = b.grpc_config.and_then(|g| g.enabled).unwrap_or(false);
    let origin_triggers: Vec<String> = wire::items(b.lambda_function_associations)
        .into_iter()
        .filter_map(|a| a.event_type)
        .filter(|e| e.starts_with("origin-"))
        .collect();
    let use_for = |via_group: Option<String>| BehaviorUse {
        path_pattern: b.path_pattern.clone(),
        position,
        location: None,
        viewer_protocol_policy: b.viewer_protocol_policy,
        policies: policies.clone(),
        host: host.clone(),
        via_group,
        allowed_methods: allowed_methods.clone(),
        grpc,
        origin_triggers: origin_triggers.clone(),
    };
    let target = b.target_origin_id.as_str();
    if let Some(o) = origins.iter_mut().find(|o| o.id == target) {
        o.behaviors.push(use_for(None));
        return Ok(());
    }
    let Some(group) = groups.iter().find(|g| g.id == target) else {
        return Err(inconsistency(
            format!("{path}.TargetOriginId"),
            format!("{} names no origin and no origin group", quoted(target)),
        ));
    };
    for member in group.members.items.iter().flatten() {
        let Some(o) = origins.iter_mut().find(|o| o.id == member.origin_id) else {
            return Err(inconsistency(
                format!("{path}.TargetOriginId"),
                format!(
                    "origin group {} has member {}, which is not an origin",
                    quoted(&group.id),
                    quoted(&member.origin_id)
                ),
            ));
        };
        o.behaviors.push(use_for(Some(group.id.clone())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::input::cloudfront::fixtures::load;
    use crate::input::cloudfront::{
        CfOriginKind, CloudFrontError, Document, HostForwarding, OriginProtocolPolicy, SslProtocol,
        ViewerProtocolPolicy, VpcOriginSettings, parse_document,
    };

    fn err(text: &str) -> CloudFrontError {
        parse_document(text.as_bytes(), "in.json").expect_err("must be refused")
    }

    fn host_of(doc: &Document, origin: &str) -> Vec<HostForwarding> {
        let o = doc.distributions[0].origin(origin).expect("origin exists");
        o.behaviors.iter().map(|b| b.host.clone()).collect()
    }

    fn forwarded(h: &HostForwarding) -> bool {
        matches!(h, HostForwarding::Forwarded { .. })
    }

    #[test]
    fn custom_origin_fields_and_headers() {
        let doc = load("get-distribution-config-legacy.json");
        let api = doc.distributions[0].origin("legacy-api").expect("origin");
        let c = api.custom().expect("custom");
        assert_eq!((c.http_port, c.https_port), (80, 8443));
        assert_eq!(c.protocol_policy, OriginProtocolPolicy::MatchViewer);
        assert_eq!(c.ssl_protocols, [SslProtocol::Ssl3, SslProtocol::Tls1]);
        assert_eq!((c.read_timeout, c.keepalive_timeout), (Some(60), Some(5)));
        assert_eq!(
            (api.connection_attempts, api.connection_timeout),
            (Some(3), Some(10))
        );
        assert_eq!(api.custom_header_names(), ["X-Api-Key", "X-Env"]);
        assert_eq!(
            api.custom_headers[0].1.expose(),
            "s3cr3t-do-not-print-legacy-api"
        );
        assert_eq!(api.behaviors.len(), 1);
        assert_eq!(api.behaviors[0].path_pattern.as_deref(), Some("/api/*"));
        assert_eq!(
            api.behaviors[0].viewer_protocol_policy,
            ViewerProtocolPolicy::AllowAll
        );
    }

    #[test]
    fn legacy_forwarded_values_per_behavior() {
        let doc = load("get-distribution-config-legacy.json");
        let app = doc.distributions[0].origin("app-origin").expect("origin");
        let labels: Vec<_> = app.behaviors.iter().map(|b| b.label()).collect();
        assert_eq!(labels, ["default behavior", "behavior /reports/*"]);
        let hosts = host_of(&doc, "app-origin");
        assert!(forwarded(&hosts[0]), "Host listed: {hosts:?}");
        assert_eq!(hosts[1], HostForwarding::NotForwarded);
        assert!(
            forwarded(&host_of(&doc, "legacy-api")[0]),
            "* forwards Host"
        );
        assert_eq!(
            host_of(&doc, "assets-bucket"),
            [HostForwarding::NotForwarded]
        );
    }

    #[test]
    fn managed_and_custom_policies_per_origin() {
        let doc = load("get-distribution-managed.json");
        let expect = [
            ("web", true),     // AllViewer
            ("api-gw", false), // AllViewerExceptHostHeader
            ("tenant", true),  // HostHeaderOnly
            ("cors", false),   // CORS-CustomOrigin
            ("amplify", true), // Amplify cache policy
        ];
        for (origin, fwd) in expect {
            assert_eq!(forwarded(&host_of(&doc, origin)[0]), fwd, "{origin}");
        }
        assert_eq!(
            host_of(&doc, "custom-policy"),
            [HostForwarding::Unknown {
                policy_ids: vec!["7f3c1a2b-4d5e-4f60-9a1b-2c3d4e5f6a7b".into()]
            }]
        );
    }

    #[test]
    fn declared_custom_policy_forwards_host() {
        let mut doc = load("get-distribution-managed.json");
        let declared = vec![
            "7F3C1A2B-4D5E-4F60-9A1B-2C3D4E5F6A7B".to_string(),
            "00000000-0000-0000-0000-000000000000".to_string(),
        ];
        let used = doc.declare_forwards_host(&declared);
        assert_eq!(used, [declared[0].clone()]);
        assert!(forwarded(&host_of(&doc, "custom-policy")[0]));
        // Managed answers are unchanged by declarations.
        assert!(!forwarded(&host_of(&doc, "api-gw")[0]));
        // Declaring nothing puts it back.
        assert!(doc.declare_forwards_host(&[]).is_empty());
        assert!(matches!(
            host_of(&doc, "custom-policy")[0],
            HostForwarding::Unknown { .. }
        ));
    }

    #[test]
    fn origin_groups_map_behaviors_to_member_origins() {
        let doc = load("get-distribution-config-special-origins.json");
        let d = &doc.distributions[0];
        let primary = d.origin("primary").expect("primary");
        assert_eq!(primary.behaviors.len(), 1);
        assert_eq!(
            primary.behaviors[0].via_group.as_deref(),
            Some("failover-group")
        );
        assert_eq!(primary.behaviors[0].path_pattern, None);
        assert!(forwarded(&primary.behaviors[0].host));
        let secondary = d.origin("secondary").expect("secondary");
        let uses: Vec<_> = secondary
            .behaviors
            .iter()
            .map(|b| (b.path_pattern.as_deref(), b.via_group.as_deref()))
            .collect();
        assert_eq!(
            uses,
            [(None, Some("failover-group")), (Some("/direct/*"), None)]
        );
        assert_eq!(
            secondary.behaviors[0].label(),
            "default behavior (via origin group failover-group)"
        );
    }

    #[test]
    fn origin_kinds() {
        let doc = load("get-distribution-config-special-origins.json");
        let d = &doc.distributions[0];
        let kind = |id: &str| d.origin(id).expect("origin").kind.clone();
        assert_eq!(kind("rest-bucket"), CfOriginKind::S3Rest);
        assert_eq!(
            kind("vpc-origin"),
            CfOriginKind::Vpc {
                vpc_origin_id: "vo_ABCDEFGHIJ0123456789ab".into(),
                owner_account_id: None,
                settings: VpcOriginSettings::NotRead,
            }
        );
        assert!(matches!(kind("website-dash"), CfOriginKind::Custom(_)));
        for id in ["website-dash", "website-dot"] {
            assert!(d.origin(id).expect("origin").is_s3_website(), "{id}");
        }
        assert!(!d.origin("rest-bucket").expect("origin").is_s3_website());
        let ip = d.origin("ip-origin").expect("origin").ip_address();
        assert_eq!(ip, Some("203.0.113.10".parse().expect("ip")));
        assert_eq!(d.origin("primary").expect("origin").ip_address(), None);
        assert!(d.origin("unused").expect("origin").behaviors.is_empty());
    }

    #[test]
    fn inconsistent_documents_name_the_json_path() {
        let doc = |origins: &str, target: &str| {
            format!(
                r#"{{"ETag": "E1", "DistributionConfig": {{"Origins": {{"Items": [{origins}]}}, "DefaultCacheBehavior": {{"TargetOriginId": "{target}", "ViewerProtocolPolicy": "allow-all"}}}}}}"#
            )
        };
        let custom = r#"{"Id": "a", "DomainName": "a.example", "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}"#;
        assert_eq!(
            err(&doc(custom, "nowhere")).to_string(),
            r#"in.json: DistributionConfig.DefaultCacheBehavior.TargetOriginId: "nowhere" names no origin and no origin group"#
        );
        assert_eq!(
            err(&doc(&format!("{custom}, {custom}"), "a")).to_string(),
            r#"in.json: DistributionConfig.Origins.Items[1]: origin Id "a" is used twice"#
        );
        let port_0 = custom.replace("\"HTTPSPort\": 443", "\"HTTPSPort\": 0");
        assert_eq!(
            err(&doc(&port_0, "a")).to_string(),
            "in.json: DistributionConfig.Origins.Items[0].CustomOriginConfig.HTTPSPort: 0 is not a port number (1 to 65535)"
        );
        let bare = r#"{"Id": "a", "DomainName": "a.example"}"#;
        assert!(
            err(&doc(bare, "a"))
                .to_string()
                .contains("Items[0]: origin has none of")
        );
        let both = r#"{"Id": "a", "DomainName": "a.example", "S3OriginConfig": {"OriginAccessIdentity": ""}, "VpcOriginConfig": {"VpcOriginId": "vo_1"}}"#;
        assert!(
            err(&doc(both, "a"))
                .to_string()
                .contains("more than one of")
        );
        let summary = r#"{"DistributionList": {"Items": [{"DomainName": "d.cloudfront.net", "Origins": {"Items": []}, "DefaultCacheBehavior": {"TargetOriginId": "x", "ViewerProtocolPolicy": "allow-all"}}]}}"#;
        assert_eq!(
            err(summary).to_string(),
            "in.json: DistributionList.Items[0]: missing field `Id`"
        );
    }
}
