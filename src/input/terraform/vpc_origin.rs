//! `aws_cloudfront_vpc_origin` resources of the same plan or state (fact 43): their
//! `vpc_origin_endpoint_config` holds the protocol policy and SSL protocols of the VPC origins
//! the distribution's `vpc_origin_config` blocks name, so those are judged as `--aws` judges
//! what `GetVpcOrigin` returns. A resource the plan creates goes by its address until it has an
//! ID; one whose settings are unknown until apply is left out: its VPC origin stays unknown
//! (`config.vpc-origin`). Pure.

use super::shape::Resource;
use crate::input::cloudfront::{KnownVpcOrigin, OriginProtocolPolicy, SslProtocol};

pub(super) const VPC_ORIGIN: &str = "aws_cloudfront_vpc_origin";

/// The addresses of the VPC origins this plan creates (their ID is known only after apply).
pub(super) fn new_vpc_origins(resources: &[Resource<'_>]) -> Vec<String> {
    resources
        .iter()
        .filter(|r| r.kind == VPC_ORIGIN && r.values.get("id").is_unknown())
        .map(|r| r.address.clone())
        .collect()
}

/// The VPC origins among `resources` whose ID and endpoint settings are known.
pub(super) fn known_vpc_origins(resources: &[Resource<'_>]) -> Vec<KnownVpcOrigin> {
    let mut out: Vec<KnownVpcOrigin> = Vec::new();
    for r in resources.iter().filter(|r| r.kind == VPC_ORIGIN) {
        // A VPC origin this plan creates has no ID yet: it goes by its address, which
        // `distribution::tie_new_vpc_origin` gives the origin that uses it.
        let id = match r.values.get("id").str().filter(|i| !i.trim().is_empty()) {
            Some(id) => id,
            None if r.values.get("id").is_unknown() => r.address.as_str(),
            None => continue,
        };
        let Some(e) = r.values.block("vpc_origin_endpoint_config") else {
            continue;
        };
        let policy = match e.get("origin_protocol_policy").str() {
            Some("http-only") => OriginProtocolPolicy::HttpOnly,
            Some("match-viewer") => OriginProtocolPolicy::MatchViewer,
            Some("https-only") => OriginProtocolPolicy::HttpsOnly,
            _ => continue,
        };
        let protocols = e.block("origin_ssl_protocols").map(|p| p.get("items"));
        if protocols.as_ref().is_some_and(|p| p.is_unknown()) {
            continue;
        }
        let Ok(ssl_protocols) = protocols
            .map(|p| p.strings())
            .unwrap_or_default()
            .iter()
            .map(|p| SslProtocol::parse(p))
            .collect::<Result<Vec<_>, _>>()
        else {
            continue;
        };
        let port = |name: &str, default: u16| match e.get(name).u64() {
            None if !e.get(name).is_unknown() => Some(default),
            n => n.and_then(|n| u16::try_from(n).ok()).filter(|p| *p != 0),
        };
        let (Some(http_port), Some(https_port)) = (port("http_port", 80), port("https_port", 443))
        else {
            continue;
        };
        if out.iter().any(|k| k.id == id) {
            continue;
        }
        out.push(KnownVpcOrigin {
            id: id.to_string(),
            source: crate::sanitize::text(&r.address),
            name: e.get("name").str().unwrap_or_default().to_string(),
            endpoint_arn: e
                .get("arn")
                .str()
                .unwrap_or("(known after apply)")
                .to_string(),
            http_port,
            https_port,
            protocol_policy: policy,
            ssl_protocols,
            status: r.values.get("status").str().map(str::to_string),
            etag: r.values.get("etag").str().map(str::to_string),
            edit: Some(format!(
                "in {}, set vpc_origin_endpoint_config.origin_protocol_policy = \"https-only\" and vpc_origin_endpoint_config.origin_ssl_protocols {{ items = [\"TLSv1.2\"], quantity = 1 }}",
                crate::sanitize::text(&r.address)
            )),
        });
    }
    out
}
