//! Does the viewer's `Host` header reach the origin? Decided per cache behavior from what the
//! document says (facts 33-35): legacy `ForwardedValues.Headers`, and the managed origin
//! request and cache policies by ID.
//!
//! A custom policy's contents are not in the distribution document, so its answer is
//! [`HostForwarding::Unknown`] unless the user declared the ID with `--forwards-host`. Pure: no
//! AWS calls, no I/O.

use serde::Serialize;

use super::model::{Document, KnownPolicy};

/// The policy references and legacy settings of one cache behavior.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BehaviorPolicies {
    /// `CachePolicyId`; `None` when absent or empty.
    pub cache_policy_id: Option<String>,
    /// `OriginRequestPolicyId`; `None` when absent or empty.
    pub origin_request_policy_id: Option<String>,
    /// Legacy `ForwardedValues.Headers.Items`; `None` when the behavior has no `ForwardedValues`.
    pub legacy_headers: Option<Vec<String>>,
}

/// Whether the viewer `Host` header reaches the origin through one behavior.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "host", rename_all = "kebab-case")]
pub enum HostForwarding {
    /// Viewers reach the origin with `Host:` set to the name they used. `how` names the setting.
    Forwarded { how: String },
    /// CloudFront sets `Host` to the origin's domain name (fact 32).
    NotForwarded,
    /// The behavior uses custom policies whose headers cannot be read from the document.
    Unknown { policy_ids: Vec<String> },
}

/// Which kind of policy a `ManagedPolicy` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    OriginRequest,
    Cache,
}

/// An AWS managed policy and whether it sends the viewer `Host` header to the origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ManagedPolicy {
    pub kind: PolicyKind,
    pub name: &'static str,
    pub id: &'static str,
    pub forwards_host: bool,
    /// The fact in `cloudfront-origin-facts.md` the entry comes from.
    pub fact: u16,
}

const fn policy(
    kind: PolicyKind,
    name: &'static str,
    id: &'static str,
    forwards_host: bool,
    fact: u16,
) -> ManagedPolicy {
    ManagedPolicy {
        kind,
        name,
        id,
        forwards_host,
        fact,
    }
}

use PolicyKind::{Cache, OriginRequest};

/// The managed policies of facts 34 (origin request) and 35 (cache). IDs are the same in every
/// account. HostHeaderOnly and the two UseOriginCacheControlHeaders entries come from
/// third-party copies of the AWS pages (the facts file says so).
pub const MANAGED_POLICIES: [ManagedPolicy; 15] = [
    policy(
        OriginRequest,
        "AllViewer",
        "216adef6-5c7f-47e4-b989-5492eafa07d3",
        true,
        34,
    ),
    policy(
        OriginRequest,
        "AllViewerAndCloudFrontHeaders-2022-06",
        "33f36d7e-f396-46d9-90e0-52428a34d9dc",
        true,
        34,
    ),
    policy(
        OriginRequest,
        "AllViewerExceptHostHeader",
        "b689b0a8-53d0-40ab-baf2-68738e2966ac",
        false,
        34,
    ),
    policy(
        OriginRequest,
        "CORS-CustomOrigin",
        "59781a5b-3903-41f3-afcb-af62929ccde1",
        false,
        34,
    ),
    policy(
        OriginRequest,
        "CORS-S3Origin",
        "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
        false,
        34,
    ),
    policy(
        OriginRequest,
        "Elemental-MediaTailor-PersonalizedManifests",
        "775133bc-15f2-49f9-abea-afb2e0bf67d2",
        false,
        34,
    ),
    policy(
        OriginRequest,
        "UserAgentRefererHeaders",
        "acba4595-bd28-49b8-b9fe-13317c0390fa",
        false,
        34,
    ),
    policy(
        OriginRequest,
        "HostHeaderOnly",
        "bf0718e1-ba1e-49d1-88b1-f726733018ae",
        true,
        34,
    ),
    policy(
        Cache,
        "Amplify",
        "2e54312d-136d-493c-8eb9-b001f22f67d2",
        true,
        35,
    ),
    policy(
        Cache,
        "UseOriginCacheControlHeaders",
        "83da9c7e-98b4-4e11-a168-04f0df8e2c65",
        true,
        35,
    ),
    policy(
        Cache,
        "UseOriginCacheControlHeaders-QueryStrings",
        "4cc15a8a-d715-48a4-82b8-cc0b614638fe",
        true,
        35,
    ),
    policy(
        Cache,
        "CachingOptimized",
        "658327ea-f89d-4fab-a63d-7e88639e58f6",
        false,
        35,
    ),
    policy(
        Cache,
        "CachingDisabled",
        "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
        false,
        35,
    ),
    policy(
        Cache,
        "CachingOptimizedForUncompressedObjects",
        "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
        false,
        35,
    ),
    policy(
        Cache,
        "Elemental-MediaPackage",
        "08627262-05a9-4f76-9ded-b50ca2e3a84f",
        false,
        35,
    ),
];

/// The managed policy of `kind` with this ID, if it is one (IDs compare case-insensitively).
pub fn managed_policy(kind: PolicyKind, id: &str) -> Option<&'static ManagedPolicy> {
    let id = id.trim();
    MANAGED_POLICIES
        .iter()
        .find(|p| p.kind == kind && p.id.eq_ignore_ascii_case(id))
}

/// Decides Host forwarding for one behavior (facts 33-35).
///
/// Any one way of forwarding is enough: legacy `ForwardedValues.Headers` with `Host` or `*`; a
/// managed origin request policy that sends all viewer headers or `Host`; a managed cache policy
/// with `Host` in its key (cache-key headers are always sent to the origin); or a custom policy ID
/// listed in `declared` (`--forwards-host`). Otherwise, any custom (non-managed) policy ID makes
/// the answer `Unknown`; with none, `Host` is not forwarded. `declared` is consulted only for
/// IDs outside the managed table: the table is documented, a declaration is not.
pub fn host_forwarding(policies: &BehaviorPolicies, declared: &[String]) -> HostForwarding {
    host_forwarding_with(policies, declared, &[])
}

/// [`host_forwarding`], also knowing the contents of the custom policies in `known` (policy
/// resources in the same Terraform plan or template). A known policy answers for its ID before
/// a declaration does: its contents are read, a declaration is only claimed.
pub fn host_forwarding_with(
    policies: &BehaviorPolicies,
    declared: &[String],
    known: &[KnownPolicy],
) -> HostForwarding {
    if let Some(headers) = &policies.legacy_headers {
        if headers.iter().any(|h| h.trim() == "*") {
            return forwarded("legacy ForwardedValues.Headers is * (all headers)".to_string());
        }
        if headers
            .iter()
            .any(|h| h.trim().eq_ignore_ascii_case("host"))
        {
            return forwarded("legacy ForwardedValues.Headers lists Host".to_string());
        }
    }
    let mut unknown = Vec::new();
    let slots = [
        (OriginRequest, &policies.origin_request_policy_id),
        (Cache, &policies.cache_policy_id),
    ];
    for (kind, id) in slots {
        let Some(id) = id.as_deref() else {
            continue;
        };
        match managed_policy(kind, id) {
            Some(p) if p.forwards_host => {
                let what = sends(kind);
                return forwarded(format!(
                    "managed {} policy {} ({}) {what}",
                    kind_name(kind),
                    p.name,
                    p.id
                ));
            }
            Some(_) => {}
            None if known_policy(known, kind, id).is_some() => {
                if let Some(p) = known_policy(known, kind, id).filter(|p| p.forwards_host) {
                    // Terraform names a policy by its resource address, the API by its Name
                    // beside its ID.
                    let named = if p.name == p.id {
                        crate::sanitize::text(&p.name)
                    } else {
                        format!("{} ({})", crate::sanitize::text(&p.name), p.id)
                    };
                    return forwarded(format!(
                        "{} policy {named} sends the viewer Host header (its contents were read)",
                        kind_name(kind)
                    ));
                }
            }
            None if declared.iter().any(|d| d.trim().eq_ignore_ascii_case(id)) => {
                return forwarded(format!(
                    "{} policy {id} declared with --forwards-host",
                    kind_name(kind)
                ));
            }
            None => unknown.push(id.to_string()),
        }
    }
    if unknown.is_empty() {
        HostForwarding::NotForwarded
    } else {
        HostForwarding::Unknown {
            policy_ids: unknown,
        }
    }
}

impl Document {
    /// Applies `--forwards-host` declarations: re-decides every behavior's Host forwarding with
    /// `declared`. Returns the declared IDs this document uses, so the caller can report a
    /// declaration that matched nothing in any input.
    pub fn declare_forwards_host(&mut self, declared: &[String]) -> Vec<String> {
        let mut used: Vec<String> = Vec::new();
        let behaviors = self
            .distributions
            .iter_mut()
            .flat_map(|d| d.origins.iter_mut())
            .flat_map(|o| o.behaviors.iter_mut());
        for b in behaviors {
            b.host = host_forwarding_with(&b.policies, declared, &self.known_policies);
            let ids = [
                &b.policies.origin_request_policy_id,
                &b.policies.cache_policy_id,
            ];
            for id in ids.into_iter().flatten() {
                let hit = declared
                    .iter()
                    .find(|d| d.trim().eq_ignore_ascii_case(id.trim()));
                if let Some(d) = hit
                    && !used.contains(d)
                {
                    used.push(d.clone());
                }
            }
        }
        used
    }
}

fn known_policy<'a>(
    known: &'a [KnownPolicy],
    kind: PolicyKind,
    id: &str,
) -> Option<&'a KnownPolicy> {
    known
        .iter()
        .find(|p| p.kind == kind && p.id.trim().eq_ignore_ascii_case(id.trim()))
}

fn kind_name(kind: PolicyKind) -> &'static str {
    match kind {
        OriginRequest => "origin request",
        Cache => "cache",
    }
}

/// How a policy of `kind` that forwards Host does it.
fn sends(kind: PolicyKind) -> &'static str {
    match kind {
        OriginRequest => "sends the viewer Host header",
        Cache => "puts Host in the cache key, so it is sent to the origin",
    }
}

fn forwarded(how: String) -> HostForwarding {
    HostForwarding::Forwarded { how }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orp(id: &str) -> BehaviorPolicies {
        BehaviorPolicies {
            origin_request_policy_id: Some(id.to_string()),
            cache_policy_id: Some("658327ea-f89d-4fab-a63d-7e88639e58f6".to_string()),
            legacy_headers: None,
        }
    }

    fn cache(id: &str) -> BehaviorPolicies {
        BehaviorPolicies {
            cache_policy_id: Some(id.to_string()),
            ..BehaviorPolicies::default()
        }
    }

    fn legacy(headers: &[&str]) -> BehaviorPolicies {
        BehaviorPolicies {
            legacy_headers: Some(headers.iter().map(|h| h.to_string()).collect()),
            ..BehaviorPolicies::default()
        }
    }

    fn is_forwarded(p: &BehaviorPolicies) -> bool {
        matches!(host_forwarding(p, &[]), HostForwarding::Forwarded { .. })
    }

    #[test]
    fn each_managed_origin_request_policy_of_fact_34() {
        let table = [
            ("216adef6-5c7f-47e4-b989-5492eafa07d3", true), // AllViewer
            ("33f36d7e-f396-46d9-90e0-52428a34d9dc", true), // AllViewerAndCloudFrontHeaders-2022-06
            ("b689b0a8-53d0-40ab-baf2-68738e2966ac", false), // AllViewerExceptHostHeader
            ("59781a5b-3903-41f3-afcb-af62929ccde1", false), // CORS-CustomOrigin
            ("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", false), // CORS-S3Origin
            ("775133bc-15f2-49f9-abea-afb2e0bf67d2", false), // Elemental-MediaTailor-PersonalizedManifests
            ("acba4595-bd28-49b8-b9fe-13317c0390fa", false), // UserAgentRefererHeaders
            ("bf0718e1-ba1e-49d1-88b1-f726733018ae", true),  // HostHeaderOnly
        ];
        for (id, forwards) in table {
            let got = host_forwarding(&orp(id), &[]);
            if forwards {
                let HostForwarding::Forwarded { how } = &got else {
                    panic!("{id}: {got:?}");
                };
                assert!(how.contains(id), "{how}");
            } else {
                assert_eq!(got, HostForwarding::NotForwarded, "{id}");
            }
        }
    }

    #[test]
    fn each_managed_cache_policy_of_fact_35() {
        let table = [
            ("2e54312d-136d-493c-8eb9-b001f22f67d2", true), // Amplify
            ("83da9c7e-98b4-4e11-a168-04f0df8e2c65", true), // UseOriginCacheControlHeaders
            ("4cc15a8a-d715-48a4-82b8-cc0b614638fe", true), // UseOriginCacheControlHeaders-QueryStrings
            ("658327ea-f89d-4fab-a63d-7e88639e58f6", false), // CachingOptimized
            ("4135ea2d-6df8-44a3-9df3-4b5a84be39ad", false), // CachingDisabled
            ("b2884449-e4de-46a7-ac36-70bc7f1ddd6d", false), // CachingOptimizedForUncompressedObjects
            ("08627262-05a9-4f76-9ded-b50ca2e3a84f", false), // Elemental-MediaPackage
        ];
        for (id, forwards) in table {
            assert_eq!(is_forwarded(&cache(id)), forwards, "{id}");
        }
        // A cache policy ID in the origin-request slot is not a managed origin request policy.
        let swapped = BehaviorPolicies {
            origin_request_policy_id: Some("2e54312d-136d-493c-8eb9-b001f22f67d2".into()),
            ..BehaviorPolicies::default()
        };
        assert!(matches!(
            host_forwarding(&swapped, &[]),
            HostForwarding::Unknown { .. }
        ));
    }

    #[test]
    fn legacy_forwarded_values_host_or_star() {
        assert!(is_forwarded(&legacy(&["Accept", "Host"])));
        assert!(is_forwarded(&legacy(&["host"])));
        assert!(is_forwarded(&legacy(&["*"])));
        assert!(!is_forwarded(&legacy(&["Accept-Language", "Origin"])));
        assert_eq!(
            host_forwarding(&legacy(&[]), &[]),
            HostForwarding::NotForwarded
        );
        assert_eq!(
            host_forwarding(&BehaviorPolicies::default(), &[]),
            HostForwarding::NotForwarded
        );
    }

    #[test]
    fn custom_policy_is_unknown_until_declared() {
        let custom = "a1b2c3d4-5678-90ab-cdef-11111example";
        let p = orp(custom);
        assert_eq!(
            host_forwarding(&p, &[]),
            HostForwarding::Unknown {
                policy_ids: vec![custom.to_string()]
            }
        );
        let other = vec!["ffffffff-0000-0000-0000-000000000000".to_string()];
        assert!(matches!(
            host_forwarding(&p, &other),
            HostForwarding::Unknown { .. }
        ));
        let declared = vec![custom.to_ascii_uppercase()];
        let HostForwarding::Forwarded { how } = host_forwarding(&p, &declared) else {
            panic!("declared policy should forward");
        };
        assert!(how.contains("--forwards-host"), "{how}");
        // Both slots custom: both are named, and declaring either one settles it.
        let both = BehaviorPolicies {
            origin_request_policy_id: Some("orp-custom".into()),
            cache_policy_id: Some("cache-custom".into()),
            legacy_headers: None,
        };
        assert_eq!(
            host_forwarding(&both, &[]),
            HostForwarding::Unknown {
                policy_ids: vec!["orp-custom".into(), "cache-custom".into()]
            }
        );
        assert!(is_forwarded_with(&both, "cache-custom"));
    }

    fn is_forwarded_with(p: &BehaviorPolicies, declared: &str) -> bool {
        matches!(
            host_forwarding(p, &[declared.to_string()]),
            HostForwarding::Forwarded { .. }
        )
    }

    #[test]
    fn a_declaration_cannot_override_the_managed_table() {
        let except_host = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
        assert!(!is_forwarded_with(&orp(except_host), except_host));
    }
}
