//! `AWS::CloudFront::OriginRequestPolicy` and `AWS::CloudFront::CachePolicy` resources of the
//! same template: their `HeadersConfig` says whether the viewer `Host` reaches the origin (fact
//! 33). A behavior refers to one with `!Ref Policy` or `!GetAtt Policy.Id`, which the resolver
//! turns into the logical ID the policy is known by here. Pure.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::intrinsic::{Context, Leaf, json_text};
use super::yaml::Node;
use crate::input::cloudfront::{
    KnownPolicy, PolicyKind, cache_forwards_host, origin_request_forwards_host,
};

pub(super) const ORIGIN_REQUEST: &str = "AWS::CloudFront::OriginRequestPolicy";
pub(super) const CACHE: &str = "AWS::CloudFront::CachePolicy";

/// The logical IDs of the policy resources: what their `Ref` stands for.
pub(super) fn symbols(resources: &Node) -> HashMap<String, String> {
    resources
        .entries()
        .iter()
        .filter(|(_, r)| {
            matches!(
                r.get("Type").and_then(Node::text),
                Some(ORIGIN_REQUEST | CACHE)
            )
        })
        .map(|(id, _)| (id.clone(), id.clone()))
        .collect()
}

/// The policies whose headers the template settles.
pub(super) fn known_policies(resources: &Node, ctx: &mut Context<'_>) -> Vec<KnownPolicy> {
    let mut out = Vec::new();
    for (id, r) in resources.entries() {
        let (kind, config_key) = match r.get("Type").and_then(Node::text) {
            Some(ORIGIN_REQUEST) => (PolicyKind::OriginRequest, "OriginRequestPolicyConfig"),
            Some(CACHE) => (PolicyKind::Cache, "CachePolicyConfig"),
            _ => continue,
        };
        let Some(config) = r.get("Properties").and_then(|p| p.get(config_key)) else {
            continue;
        };
        let Some(config) = ctx.resolve(config) else {
            continue;
        };
        let headers = match kind {
            PolicyKind::OriginRequest => config.get("HeadersConfig"),
            PolicyKind::Cache => config
                .get("ParametersInCacheKeyAndForwardedToOrigin")
                .and_then(|p| p.get("HeadersConfig")),
        };
        let Some(forwards_host) = headers.and_then(|h| forwards(ctx, kind, h)) else {
            continue;
        };
        out.push(KnownPolicy {
            kind,
            id: id.clone(),
            name: crate::sanitize::text(id),
            forwards_host,
        });
    }
    out
}

fn forwards(ctx: &Context<'_>, kind: PolicyKind, headers_config: &Json) -> Option<bool> {
    let behavior = match ctx.leaf(headers_config.get("HeaderBehavior")) {
        Leaf::Known(b) => json_text(b)?,
        Leaf::Absent => "none".to_string(),
        Leaf::Unresolved(_) => return None,
    };
    // `Headers` is a plain list in CloudFormation (`{Quantity, Items}` in the API).
    let list = headers_config.get("Headers");
    let list = list.and_then(|l| l.get("Items")).or(list);
    if matches!(ctx.leaf(list), Leaf::Unresolved(_)) {
        return None;
    }
    let mut names = Vec::new();
    for item in list.and_then(Json::as_array).into_iter().flatten() {
        match ctx.leaf(Some(item)) {
            Leaf::Known(h) => names.extend(json_text(h)),
            _ => return None,
        }
    }
    Some(match kind {
        PolicyKind::OriginRequest => origin_request_forwards_host(&behavior, &names),
        PolicyKind::Cache => cache_forwards_host(&behavior, &names),
    })
}
