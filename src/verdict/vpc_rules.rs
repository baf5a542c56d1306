//! VPC origins (fact 43): the distribution's `VpcOriginConfig` points at a VPC origin resource,
//! and the settings of the CloudFront -> origin hop (`OriginProtocolPolicy`,
//! `OriginSslProtocols`, the ports) are on that resource. When the input holds it
//! (`cloudfront --aws` reads it with `GetVpcOrigin`), those settings are judged here; when it
//! does not, the report says where to look. The endpoint itself is private: it is never probed,
//! and every row says so (`origin.not-probed`, inferred).
//!
//! Small functions from the model to [`Finding`]s, each citing fact 43. Pure: no probing, no I/O.
//! `config_rules::config_findings` and `distribution_rules::origin_findings` call them.

use super::distribution_rules::NOT_PROBED;
use crate::finding::{Confidence, Finding, Impact, finding};
use crate::input::cloudfront::{
    CfOrigin, KnownVpcOrigin, OriginProtocolPolicy, SslProtocol, ViewerProtocolPolicy,
    VpcOriginSettings,
};
use crate::sanitize;

/// The configuration findings of a VPC origin: what its resource's settings say, or where they
/// are when the input does not hold them.
pub(super) fn config_findings(
    origin: &CfOrigin,
    vpc_origin_id: &str,
    owner: Option<&str>,
    settings: &VpcOriginSettings,
) -> Vec<Finding> {
    let k = match settings {
        VpcOriginSettings::NotRead => return vec![unknown(origin, vpc_origin_id, owner, None)],
        VpcOriginSettings::ReadFailed { reason } => {
            return vec![unknown(origin, vpc_origin_id, owner, Some(reason))];
        }
        VpcOriginSettings::Known(k) => k,
    };
    let mut out = Vec::new();
    match k.protocol_policy {
        OriginProtocolPolicy::HttpOnly => out.push(not_https_only(origin, k)),
        OriginProtocolPolicy::MatchViewer => {
            out.push(not_https_only(origin, k));
            out.extend(legacy_tls(origin, k));
        }
        OriginProtocolPolicy::HttpsOnly => match legacy_tls(origin, k) {
            Some(f) => out.push(f),
            None => out.push(https_only(origin, k)),
        },
    }
    out
}

/// Fact 43: the VPC origin resource is not in the input (or could not be read), so its
/// protocol settings are unknown here.
fn unknown(
    origin: &CfOrigin,
    vpc_origin_id: &str,
    owner: Option<&str>,
    failed: Option<&String>,
) -> Finding {
    let owner = owner.map_or(String::new(), |a| format!(", owned by account {}", s(a)));
    let read = failed.map_or(String::new(), |why| {
        format!(
            ". Reading it failed: {}; the other origins were read and checked",
            s(why)
        )
    });
    let fix = match failed {
        None => format!(
            "check the VPC origin's OriginProtocolPolicy with `aws cloudfront get-vpc-origin --id {}`, or run `origin-probe cloudfront --aws`, which reads it",
            s(vpc_origin_id)
        ),
        Some(_) => format!(
            "make the read work (access denied: grant the identity cloudfront:GetVpcOrigin; not found: check the VpcOriginId, or read a VPC origin shared from another account in that account), or check it with `aws cloudfront get-vpc-origin --id {}`",
            s(vpc_origin_id)
        ),
    };
    finding(
        "config.vpc-origin",
        Impact::Info,
        Confidence::Documented,
        43,
        format!(
            "origin {} is a VPC origin (VpcOriginId {}{owner}): its OriginProtocolPolicy, OriginSslProtocols and HTTPS port are set on the VPC origin resource, not in the distribution; nothing to switch here{read}",
            s(&origin.id),
            s(vpc_origin_id)
        ),
        fix,
    )
}

/// Fact 43 (with the protocol policies of fact 37): `http-only`, or `match-viewer`, on the VPC
/// origin resource means the CloudFront -> origin hop is not HTTPS-only.
fn not_https_only(origin: &CfOrigin, k: &KnownVpcOrigin) -> Finding {
    let open: Vec<String> = origin
        .behaviors
        .iter()
        .filter(|b| b.viewer_protocol_policy == ViewerProtocolPolicy::AllowAll)
        .map(|b| s(&b.label()))
        .collect();
    let how = match k.protocol_policy {
        OriginProtocolPolicy::HttpOnly => format!(
            "CloudFront sends every request to it over plain HTTP (port {})",
            k.http_port
        ),
        _ if open.is_empty() => format!(
            "CloudFront uses the viewer's protocol: today every behavior reaching this origin takes HTTPS viewers only, but the VPC origin does not require HTTPS, so an allow-all behavior (here or in another distribution using it) sends plain HTTP on port {}",
            k.http_port
        ),
        _ => format!(
            "CloudFront uses the viewer's protocol, and {} allow{} HTTP viewers (allow-all): their requests reach it over plain HTTP (port {})",
            open.join(", "),
            if open.len() == 1 { "s" } else { "" },
            k.http_port
        ),
    };
    finding(
        "config.vpc-origin-not-https-only",
        Impact::Warn,
        Confidence::Documented,
        43,
        format!(
            "origin {} is VPC origin {} whose OriginProtocolPolicy is {}{}: {how}. The endpoint is private and was not probed, so whether it serves HTTPS on port {} is not known",
            s(&origin.id),
            named(k),
            k.protocol_policy.as_str(),
            read_from(k),
            k.https_port
        ),
        format!(
            "first make sure the endpoint serves HTTPS on port {} with a certificate CloudFront accepts (probe it from inside the VPC: `origin-probe check {}:{} --origin-ssl-protocols TLSv1.2`); then set OriginProtocolPolicy to https-only and OriginSslProtocols to TLSv1.2 on the VPC origin (the distribution needs no change): {}",
            k.https_port,
            s(&origin.domain_name),
            k.https_port,
            update_command(k)
        ),
    )
}

/// Facts 43 and 1: the VPC origin allows SSLv3, TLSv1 or TLSv1.1 for HTTPS to the endpoint.
fn legacy_tls(origin: &CfOrigin, k: &KnownVpcOrigin) -> Option<Finding> {
    let legacy: Vec<SslProtocol> = k
        .ssl_protocols
        .iter()
        .copied()
        .filter(|p| *p != SslProtocol::Tls12)
        .collect();
    if legacy.is_empty() {
        return None;
    }
    let sslv3 = if legacy.contains(&SslProtocol::Ssl3) {
        "; with SSLv3 chosen CloudFront sends only SSLv3 handshakes (fact 3), which current servers refuse"
    } else {
        ""
    };
    Some(finding(
        "config.vpc-origin-legacy-tls",
        Impact::Warn,
        Confidence::Documented,
        43,
        format!(
            "origin {} is VPC origin {} with OriginProtocolPolicy {}{}, which allows {} (OriginSslProtocols: {}); SSLv3, TLS 1.0 and 1.1 are deprecated (RFC 8996){sslv3}. The endpoint is private and was not probed, so the version it negotiates is not known",
            s(&origin.id),
            named(k),
            k.protocol_policy.as_str(),
            read_from(k),
            protocols(&legacy),
            protocols(&k.ssl_protocols)
        ),
        format!(
            "once the endpoint speaks TLS 1.2 (probe it from inside the VPC: `origin-probe check {}:{} --origin-ssl-protocols TLSv1.2`), allow only TLSv1.2 on the VPC origin: {}",
            s(&origin.domain_name),
            k.https_port,
            update_command(k)
        ),
    ))
}

/// Fact 43: https-only with TLSv1.2 only on the VPC origin resource: the configuration part is
/// right; the endpoint was not probed.
fn https_only(origin: &CfOrigin, k: &KnownVpcOrigin) -> Finding {
    finding(
        "config.vpc-origin-https-only",
        Impact::Info,
        Confidence::Documented,
        43,
        format!(
            "origin {} is VPC origin {} with OriginProtocolPolicy https-only and OriginSslProtocols {} on port {}{}: CloudFront reaches it over HTTPS only. The endpoint is private and was not probed, so its certificate and TLS support are not checked",
            s(&origin.id),
            named(k),
            if k.ssl_protocols.is_empty() {
                "(none listed)".to_string()
            } else {
                protocols(&k.ssl_protocols)
            },
            k.https_port,
            read_from(k)
        ),
        format!(
            "nothing to change in the configuration; to check the endpoint itself, probe it from inside the VPC: `origin-probe check {}:{} --origin-ssl-protocols TLSv1.2`",
            s(&origin.domain_name),
            k.https_port
        ),
    )
}

/// Fact 43: a VPC origin is private; a probe from here would test some other path, so it is
/// never probed (inferred). Says what was checked instead.
pub(super) fn not_probed(
    origin: &CfOrigin,
    vpc_origin_id: &str,
    settings: &VpcOriginSettings,
) -> Finding {
    let (checked, not_checked, fix) = match settings {
        VpcOriginSettings::Known(k) => (
            format!(
                "the VPC origin's OriginProtocolPolicy ({}) and OriginSslProtocols ({}){}",
                k.protocol_policy.as_str(),
                if k.ssl_protocols.is_empty() {
                    "none listed".to_string()
                } else {
                    protocols(&k.ssl_protocols)
                },
                read_from(k)
            ),
            format!(
                "the endpoint {} itself: its certificate, and the TLS versions and suites it offers on port {}",
                s(&k.endpoint_arn),
                k.https_port
            ),
            format!(
                "probe the endpoint from inside the VPC with `origin-probe check {}:{} --origin-ssl-protocols {}`",
                s(&origin.domain_name),
                k.https_port,
                if k.ssl_protocols.is_empty() {
                    "TLSv1.2".to_string()
                } else {
                    k.ssl_protocols
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                }
            ),
        ),
        _ => (
            "nothing about its TLS".to_string(),
            "the VPC origin's OriginProtocolPolicy, OriginSslProtocols, HTTPS port and certificate, which are set on the VPC origin resource".to_string(),
            format!(
                "read its settings with `aws cloudfront get-vpc-origin --id {}` (VpcOriginEndpointConfig), and probe the endpoint from inside the VPC with `origin-probe check NAME:HTTPS_PORT --origin-ssl-protocols ...`",
                s(vpc_origin_id)
            ),
        ),
    };
    finding(
        NOT_PROBED,
        Impact::Info,
        Confidence::Inferred,
        43,
        format!(
            "origin {} was not probed: it is VPC origin {}, a private endpoint CloudFront reaches inside the VPC, so a probe of {} from here would not test CloudFront's path. Checked: {checked}. Not checked: {not_checked}",
            s(&origin.id),
            s(vpc_origin_id),
            s(&origin.domain_name)
        ),
        fix,
    )
}

/// `vo_… (name)`.
fn named(k: &KnownVpcOrigin) -> String {
    format!("{} ({})", s(&k.id), s(&k.name))
}

/// `, read with GetVpcOrigin` and the status when it is not `Deployed`.
fn read_from(k: &KnownVpcOrigin) -> String {
    let status = match k.status.as_deref() {
        Some(st) if !st.eq_ignore_ascii_case("deployed") => format!(
            "; status {}: a change may still be deploying, so this can change",
            s(st)
        ),
        _ => String::new(),
    };
    format!(", read with {}{status}", s(&k.source))
}

/// The change that sets https-only and TLSv1.2 on the VPC origin: the input's own edit for
/// infrastructure as code, else the `aws cloudfront update-vpc-origin` command, keeping the other
/// endpoint settings as they are.
fn update_command(k: &KnownVpcOrigin) -> String {
    if let Some(edit) = &k.edit {
        return s(edit);
    }
    let config = serde_json::json!({
        "Name": s(&k.name),
        "Arn": s(&k.endpoint_arn),
        "HTTPPort": k.http_port,
        "HTTPSPort": k.https_port,
        "OriginProtocolPolicy": "https-only",
        "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
    });
    // Single-quoted for the shell; a quote inside is closed, escaped and reopened.
    let quoted = config.to_string().replace('\'', r"'\''");
    let etag = k
        .etag
        .as_deref()
        .map_or("ETAG".to_string(), |e| s(e).replace('\'', ""));
    let hint = if k.etag.is_none() {
        " (ETAG from `aws cloudfront get-vpc-origin`)"
    } else {
        " (the ETag read with it; take a fresh one if the VPC origin changed since)"
    };
    format!(
        "`aws cloudfront update-vpc-origin --id {} --if-match {etag} --vpc-origin-endpoint-config '{quoted}'`{hint}",
        s(&k.id)
    )
}

fn protocols(list: &[SslProtocol]) -> String {
    let names: Vec<&str> = list.iter().map(|p| p.as_str()).collect();
    names.join(", ")
}

fn s(text: &str) -> String {
    sanitize::text(text)
}

#[cfg(test)]
#[path = "vpc_rules_tests.rs"]
mod tests;
