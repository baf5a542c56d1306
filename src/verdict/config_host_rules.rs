//! The `config.*` rules about the viewer `Host` header (facts 14, 20, 33): forwarded, unknown
//! (custom policies), and wildcard aliases whose names cannot be probed one by one.
//!
//! Small functions returning a [`Finding`] each, called by `config_rules::config_findings`. Pure.

use super::config_rules::{finding, s};
use crate::finding::{Confidence, Finding, Impact};
use crate::input::cloudfront::{
    CfOrigin, Distribution, HostForwarding, viewer_name_list, viewer_names,
};

/// Fact 33: a custom policy may forward Host; the document cannot say.
pub(super) fn host_forwarding_unknown(dist: &Distribution, origin: &CfOrigin) -> Option<Finding> {
    let mut parts = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    for b in &origin.behaviors {
        if let HostForwarding::Unknown { policy_ids } = &b.host {
            parts.push(format!(
                "{} uses custom policy {}",
                s(&b.label()),
                s(&policy_ids.join(" and "))
            ));
            for id in policy_ids {
                if !ids.contains(&id.as_str()) {
                    ids.push(id);
                }
            }
        }
    }
    if parts.is_empty() {
        return None;
    }
    let names = viewer_name_list(dist);
    Some(finding(
        "config.host-forwarding-unknown",
        Impact::Warn,
        Confidence::Unverified,
        33,
        format!(
            "whether the viewer Host header reaches origin {} cannot be read from the document: {}; if it does, viewers reach the origin with Host set to the name they used ({}), and the certificate must cover {} or that name",
            s(&origin.id),
            parts.join("; "),
            names,
            s(&origin.domain_name)
        ),
        format!(
            "look at the policy's HeadersConfig (`aws cloudfront get-origin-request-policy --id ID` or `get-cache-policy --id ID`); if Host is forwarded, re-run with --forwards-host {}",
            s(&ids.join(" --forwards-host "))
        ),
    ))
}

/// Fact 14: with Host forwarded, the certificate must cover the origin name or each viewer name.
pub(super) fn host_forwarded(dist: &Distribution, origin: &CfOrigin) -> Option<Finding> {
    let forwarding: Vec<String> = origin
        .behaviors
        .iter()
        .filter_map(|b| match &b.host {
            HostForwarding::Forwarded { how } => Some(format!("{} ({})", b.label(), how)),
            _ => None,
        })
        .map(|t| s(&t))
        .collect();
    if forwarding.is_empty() {
        return None;
    }
    Some(finding(
        "config.host-forwarded",
        Impact::Info,
        Confidence::Documented,
        14,
        format!(
            "the viewer Host header reaches origin {} through {}: viewers reach it with Host set to the name they used ({}), and CloudFront accepts the certificate only if it covers {} or that name",
            s(&origin.id),
            forwarding.join("; "),
            viewer_name_list(dist),
            s(&origin.domain_name)
        ),
        format!(
            "make the origin's certificate cover {}, or every alternate domain name; each viewer name is probed on its own",
            s(&origin.domain_name)
        ),
    ))
}

/// Fact 20 (implied SNI = Host): names under a wildcard alias cannot be probed one by one.
pub(super) fn wildcard_aliases(dist: &Distribution, origin: &CfOrigin) -> Option<Finding> {
    let wildcards: Vec<String> = viewer_names(dist, origin)
        .into_iter()
        .filter(|n| n.starts_with("*."))
        .collect();
    if wildcards.is_empty() {
        return None;
    }
    Some(finding(
        "config.wildcard-alias-host",
        Impact::Info,
        Confidence::Inferred,
        20,
        format!(
            "Host is forwarded to origin {} and the distribution has the wildcard alternate domain name {}: viewers reach the origin with whatever name under it they used, so those names are not probed",
            s(&origin.id),
            wildcards.join(", ")
        ),
        format!(
            "make the origin's certificate cover {} or a matching wildcard ({})",
            s(&origin.domain_name),
            wildcards.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::config_rules::test_support::{finding_for, rules_for};
    use crate::finding::{Confidence, Impact};
    use crate::input::cloudfront::fixtures::load;

    #[test]
    fn host_forwarding_unknown_is_an_unverified_warning_with_the_flag_to_use() {
        let mut doc = load("get-distribution-managed.json");
        let f = finding_for(&doc, "custom-policy", "config.host-forwarding-unknown");
        assert_eq!(
            (f.impact, f.confidence, f.fact),
            (Impact::Warn, Confidence::Unverified, 33)
        );
        assert!(
            f.reason.contains(
                "behavior /custom/* uses custom policy 7f3c1a2b-4d5e-4f60-9a1b-2c3d4e5f6a7b"
            ),
            "{}",
            f.reason
        );
        assert!(
            f.fix
                .ends_with("--forwards-host 7f3c1a2b-4d5e-4f60-9a1b-2c3d4e5f6a7b"),
            "{}",
            f.fix
        );
        doc.declare_forwards_host(&["7f3c1a2b-4d5e-4f60-9a1b-2c3d4e5f6a7b".to_string()]);
        let rules = rules_for(&doc, "custom-policy");
        assert!(
            !rules
                .iter()
                .any(|(r, ..)| *r == "config.host-forwarding-unknown")
        );
        assert!(rules.contains(&("config.host-forwarded", Impact::Info, 14)));
    }

    #[test]
    fn host_forwarded_names_every_viewer_name_and_flags_wildcards() {
        let doc = load("get-distribution-managed.json");
        let f = finding_for(&doc, "web", "config.host-forwarded");
        assert!(
            f.reason.contains("AllViewer")
                && f.reason.contains(
                    "shop.example.com, *.shop.example.com, d111111abcdef8.cloudfront.net"
                ),
            "{}",
            f.reason
        );
        assert!(rules_for(&doc, "web").contains(&("config.wildcard-alias-host", Impact::Info, 20)));
        assert!(
            !rules_for(&doc, "api-gw")
                .iter()
                .any(|(r, ..)| r.starts_with("config.host"))
        );
    }
}
