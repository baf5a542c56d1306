//! `aws_cloudfront_origin_request_policy` and `aws_cloudfront_cache_policy` resources (and data
//! sources) of the same plan or state: their `headers_config` says whether the viewer `Host`
//! reaches the origin (fact 33), so a behavior using one is not "unknown". Pure.

use super::node::Node;
use super::shape::Resource;
use crate::input::cloudfront::{
    KnownPolicy, PolicyKind, cache_forwards_host, origin_request_forwards_host,
};

pub(super) const ORIGIN_REQUEST: &str = "aws_cloudfront_origin_request_policy";
pub(super) const CACHE: &str = "aws_cloudfront_cache_policy";

/// The policies among `resources`, each under its address and, when known, its ID. A policy
/// whose headers are unknown until apply is left out: its answer stays unknown.
pub(super) fn known_policies(resources: &[Resource<'_>]) -> Vec<KnownPolicy> {
    let mut out = Vec::new();
    for r in resources {
        let (kind, headers) = match r.kind {
            ORIGIN_REQUEST => (PolicyKind::OriginRequest, r.values.block("headers_config")),
            CACHE => (
                PolicyKind::Cache,
                r.values
                    .block("parameters_in_cache_key_and_forwarded_to_origin")
                    .and_then(|p| p.block("headers_config")),
            ),
            _ => continue,
        };
        let Some(forwards_host) = headers.and_then(|h| forwards(kind, &h)) else {
            continue;
        };
        let name = crate::sanitize::text(&r.address);
        let mut ids = vec![r.address.clone()];
        if r.mode == "data" {
            ids.clear();
        }
        ids.extend(r.values.get("id").str().map(str::to_string));
        for id in ids {
            out.push(KnownPolicy {
                kind,
                id,
                name: name.clone(),
                forwards_host,
            });
        }
    }
    out
}

/// `header_behavior` and `headers[0].items` of a `headers_config` block; `None` when unknown.
fn forwards(kind: PolicyKind, headers_config: &Node<'_>) -> Option<bool> {
    let behavior = headers_config.get("header_behavior");
    if behavior.is_unknown() {
        return None;
    }
    let behavior = behavior.str().unwrap_or("none");
    let list = headers_config.block("headers").map(|h| h.get("items"));
    if list.as_ref().is_some_and(Node::is_unknown) {
        return None;
    }
    let names = list.map(|l| l.strings()).unwrap_or_default();
    Some(match kind {
        PolicyKind::OriginRequest => origin_request_forwards_host(behavior, &names),
        PolicyKind::Cache => cache_forwards_host(behavior, &names),
    })
}
