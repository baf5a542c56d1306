//! The door for infrastructure-as-code readers (`input::terraform`, `input::cloudformation`):
//! a distribution written in the AWS CLI's `DistributionConfig` shape becomes the same model
//! through the same serde types and checks as AWS CLI JSON, and a custom policy's headers
//! settle whether it sends the viewer `Host` (fact 33).
//!
//! Pure. The readers translate their format into the CLI shape; nothing here knows Terraform
//! or CloudFormation.

use serde_json::Value;

use super::assemble::{self, Meta};
use super::model::Distribution;
use super::wire::DistributionBody;

/// Builds a distribution from a `DistributionConfig` JSON tree (optionally with `Id`, `ARN`,
/// `Status` and `DomainName` beside the config fields). `path` names the tree in messages.
/// The error is one line: the path and what is wrong.
pub(crate) fn distribution_from_config(config: Value, path: &str) -> Result<Distribution, String> {
    let body: DistributionBody = serde_json::from_value(config)
        .map_err(|e| format!("{path}: {}", crate::sanitize::text(&e.to_string())))?;
    assemble::distribution(body, Meta::default(), path, false)
        .map_err(|i| format!("{}: {}", i.path, i.problem))
}

/// Whether an origin request policy with this `HeaderBehavior` and header list sends the
/// viewer `Host` (fact 33): all viewer headers, a whitelist with Host, or all except a list
/// without Host.
pub(crate) fn origin_request_forwards_host(header_behavior: &str, headers: &[String]) -> bool {
    let lists_host = lists_host(headers);
    match header_behavior {
        "allViewer" | "allViewerAndWhitelistCloudFront" => true,
        "whitelist" => lists_host,
        "allExcept" => !lists_host,
        _ => false,
    }
}

/// Whether a cache policy with this `HeaderBehavior` and header list puts `Host` in the cache
/// key, and so sends it to the origin (fact 33).
pub(crate) fn cache_forwards_host(header_behavior: &str, headers: &[String]) -> bool {
    header_behavior == "whitelist" && lists_host(headers)
}

fn lists_host(headers: &[String]) -> bool {
    headers
        .iter()
        .any(|h| h.trim().eq_ignore_ascii_case("host"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn header_behaviors_and_host() {
        assert!(origin_request_forwards_host("allViewer", &[]));
        assert!(origin_request_forwards_host(
            "allViewerAndWhitelistCloudFront",
            &list(&["CloudFront-Viewer-Country"])
        ));
        assert!(origin_request_forwards_host("whitelist", &list(&["host"])));
        assert!(!origin_request_forwards_host(
            "whitelist",
            &list(&["Origin"])
        ));
        assert!(origin_request_forwards_host(
            "allExcept",
            &list(&["Origin"])
        ));
        assert!(!origin_request_forwards_host("allExcept", &list(&["Host"])));
        assert!(!origin_request_forwards_host("none", &[]));
        assert!(cache_forwards_host("whitelist", &list(&["Host"])));
        assert!(!cache_forwards_host("none", &list(&["Host"])));
    }

    #[test]
    fn a_config_tree_goes_through_the_same_checks() {
        let config = serde_json::json!({
            "Origins": {"Items": [{"Id": "a", "DomainName": "a.example", "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}]},
            "DefaultCacheBehavior": {"TargetOriginId": "b", "ViewerProtocolPolicy": "allow-all"}
        });
        let e = distribution_from_config(config, "tf").expect_err("no origin b");
        assert_eq!(
            e,
            "tf.DefaultCacheBehavior.TargetOriginId: \"b\" names no origin and no origin group"
        );
    }
}
