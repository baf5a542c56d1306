//! `AWS::CloudFront::VpcOrigin` resources of the same template (fact 43): their
//! `VpcOriginEndpointConfig` holds the protocol policy and SSL protocols of the VPC origins a
//! distribution's `VpcOriginConfig` names with `!GetAtt VpcOrigin.Id` (or `!Ref VpcOrigin`,
//! read the same way), which the resolver turns into the logical ID the resource is known by
//! here. A resource whose policy or protocols cannot be resolved is left out: its VPC origin
//! stays unknown (`config.vpc-origin`). Pure.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::intrinsic::{Context, Leaf, json_text};
use super::yaml::Node;
use crate::input::cloudfront::{KnownVpcOrigin, OriginProtocolPolicy, SslProtocol};

pub(super) const VPC_ORIGIN: &str = "AWS::CloudFront::VpcOrigin";

/// The logical IDs of the VPC origin resources: what their `!GetAtt X.Id` stands for.
pub(super) fn symbols(resources: &Node) -> HashMap<String, String> {
    resources
        .entries()
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Node::text) == Some(VPC_ORIGIN))
        .map(|(id, _)| (id.clone(), id.clone()))
        .collect()
}

/// The VPC origins whose endpoint settings the template settles.
pub(super) fn known_vpc_origins(resources: &Node, ctx: &mut Context<'_>) -> Vec<KnownVpcOrigin> {
    let mut out = Vec::new();
    for (id, r) in resources.entries() {
        if r.get("Type").and_then(Node::text) != Some(VPC_ORIGIN) {
            continue;
        }
        let Some(config) = r
            .get("Properties")
            .and_then(|p| p.get("VpcOriginEndpointConfig"))
        else {
            continue;
        };
        let Some(config) = ctx.resolve(config) else {
            continue;
        };
        let text = |key: &str| match ctx.leaf(config.get(key)) {
            Leaf::Known(v) => Ok(json_text(v)),
            Leaf::Absent => Ok(None),
            Leaf::Unresolved(_) => Err(()),
        };
        let protocol_policy = match text("OriginProtocolPolicy") {
            Ok(Some(p)) if p == "http-only" => OriginProtocolPolicy::HttpOnly,
            Ok(Some(p)) if p == "match-viewer" => OriginProtocolPolicy::MatchViewer,
            Ok(Some(p)) if p == "https-only" => OriginProtocolPolicy::HttpsOnly,
            // Absent (its default is not documented), unresolved or not a policy: unknown.
            _ => continue,
        };
        let port = |key: &str, default: u16| match text(key) {
            Ok(None) => Some(default),
            Ok(Some(p)) => p.trim().parse::<u16>().ok().filter(|p| *p != 0),
            Err(()) => None,
        };
        let (Some(http_port), Some(https_port)) = (port("HTTPPort", 80), port("HTTPSPort", 443))
        else {
            continue;
        };
        // A plain list in CloudFormation (`{Quantity, Items}` in the API).
        let list = config.get("OriginSSLProtocols");
        let list = list.and_then(|l| l.get("Items")).or(list);
        let Some(ssl_protocols) = protocols(ctx, list) else {
            continue;
        };
        let shown = |key: &str| match text(key) {
            Ok(Some(t)) => t,
            _ => "(unresolved)".to_string(),
        };
        let logical = crate::sanitize::text(id);
        out.push(KnownVpcOrigin {
            id: id.clone(),
            source: logical.clone(),
            name: shown("Name"),
            endpoint_arn: shown("Arn"),
            http_port,
            https_port,
            protocol_policy,
            ssl_protocols,
            status: None,
            etag: None,
            edit: Some(format!(
                "in {logical} (line {}), set VpcOriginEndpointConfig.OriginProtocolPolicy: https-only and VpcOriginEndpointConfig.OriginSSLProtocols: [TLSv1.2]",
                r.line
            )),
        });
    }
    out
}

/// `OriginSSLProtocols` as listed; `None` when a part of it is unresolved or not a protocol.
fn protocols(ctx: &Context<'_>, list: Option<&Json>) -> Option<Vec<SslProtocol>> {
    match ctx.leaf(list) {
        Leaf::Absent => return Some(Vec::new()),
        Leaf::Unresolved(_) => return None,
        Leaf::Known(_) => {}
    }
    let mut out = Vec::new();
    for item in list.and_then(Json::as_array)? {
        let Leaf::Known(v) = ctx.leaf(Some(item)) else {
            return None;
        };
        out.push(SslProtocol::parse(&json_text(v)?).ok()?);
    }
    Some(out)
}
