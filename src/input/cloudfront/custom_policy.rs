//! A custom (non-managed) policy's Host forwarding from its contents as the API states them
//! (`GetOriginRequestPolicy` / `GetCachePolicy`, which `cloudfront --aws` reads): a
//! [`KnownPolicy`] like the policy resources of a Terraform plan or template (fact 33). Pure.

use super::host::PolicyKind::{self, Cache, OriginRequest};
use super::model::KnownPolicy;

impl KnownPolicy {
    /// An origin request policy from its `HeadersConfig` (fact 33): `allViewer` and
    /// `allViewerAndWhitelistCloudFront` send every viewer header, `whitelist` the listed ones,
    /// `allExcept` all but the listed ones; `none` sends none.
    pub fn origin_request(id: &str, name: &str, header_behavior: &str, headers: &[String]) -> Self {
        let listed = headers
            .iter()
            .any(|h| h.trim().eq_ignore_ascii_case("host"));
        let forwards_host = match header_behavior {
            "allViewer" | "allViewerAndWhitelistCloudFront" => true,
            "whitelist" => listed,
            "allExcept" => !listed,
            _ => false,
        };
        Self::new(OriginRequest, id, name, forwards_host)
    }

    /// A cache policy from `ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig` (fact 33):
    /// the headers in the key (`whitelist`) are sent to the origin too.
    pub fn cache(id: &str, name: &str, header_behavior: &str, headers: &[String]) -> Self {
        let listed = headers
            .iter()
            .any(|h| h.trim().eq_ignore_ascii_case("host"));
        Self::new(Cache, id, name, header_behavior == "whitelist" && listed)
    }

    fn new(kind: PolicyKind, id: &str, name: &str, forwards_host: bool) -> Self {
        KnownPolicy {
            kind,
            id: id.trim().to_string(),
            name: name.to_string(),
            forwards_host,
        }
    }
}
