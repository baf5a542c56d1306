//! VPC origin resources (fact 43): the distribution's `VpcOriginConfig` names one by
//! `VpcOriginId`, and the endpoint settings that decide the CloudFront -> origin hop
//! (`OriginProtocolPolicy`, `OriginSslProtocols`, the ports) live on that resource. An input that
//! holds the resource (`cloudfront --aws` reads it with `GetVpcOrigin`; an IaC input could hold
//! its resource in the same file) puts it in [`Document::known_vpc_origins`], and
//! [`Document::attach_vpc_origins`] hands each VPC origin of the document what is known of it,
//! the way `known_policies` decide Host forwarding.
//!
//! Plain data; no rule lives here (`verdict::vpc_rules` judges it). Pure.

use serde::Serialize;

use super::model::{CfOriginKind, Document, OriginProtocolPolicy, SslProtocol};

/// What the input holds about the VPC origin resource an origin points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum VpcOriginSettings {
    /// Nothing: the input has no such resource (AWS CLI JSON, or `--aws` before the read).
    NotRead,
    /// The input tried to read it and could not: why, as one line naming the IAM action
    /// (`cloudfront:GetVpcOrigin on vo_…` was denied, not found, …).
    ReadFailed { reason: String },
    /// Its endpoint settings.
    Known(KnownVpcOrigin),
}

/// A VPC origin resource whose endpoint settings the input holds (`VpcOrigin` with its
/// `VpcOriginEndpointConfig`, API_VpcOriginEndpointConfig).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownVpcOrigin {
    /// The `VpcOriginId` origins use (`vo_…`).
    pub id: String,
    /// Where it was read: `GetVpcOrigin`, or the resource that defines it.
    pub source: String,
    /// `VpcOriginEndpointConfig.Name`.
    pub name: String,
    /// `VpcOriginEndpointConfig.Arn`: the load balancer or instance CloudFront reaches.
    pub endpoint_arn: String,
    pub http_port: u16,
    pub https_port: u16,
    pub protocol_policy: OriginProtocolPolicy,
    /// `OriginSslProtocols.Items`, as listed (empty when there are none).
    pub ssl_protocols: Vec<SslProtocol>,
    /// `VpcOrigin.Status` (`Deployed`, `Deploying`, …), where given.
    pub status: Option<String>,
    /// The `ETag` of the read, which `update-vpc-origin --if-match` needs; `None` from IaC.
    pub etag: Option<String>,
    /// Where the input itself is changed, for an infrastructure-as-code input (the resource
    /// and its attribute paths); `None` when the change is an API call (`update-vpc-origin`).
    pub edit: Option<String>,
}

impl Document {
    /// Every distinct `VpcOriginId` the document's origins use, in document order.
    pub fn vpc_origin_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let origins = self.distributions.iter().flat_map(|d| &d.origins);
        for origin in origins {
            if let CfOriginKind::Vpc { vpc_origin_id, .. } = &origin.kind {
                let id = vpc_origin_id.trim();
                if !id.is_empty() && !ids.iter().any(|i| i == id) {
                    ids.push(id.to_string());
                }
            }
        }
        ids
    }

    /// Hands every VPC origin of the document what the input holds about its resource:
    /// [`Document::known_vpc_origins`] first, then `failures` (`(VpcOriginId, reason)`), else
    /// [`VpcOriginSettings::NotRead`].
    pub fn attach_vpc_origins(&mut self, failures: &[(String, String)]) {
        let known = &self.known_vpc_origins;
        let origins = self
            .distributions
            .iter_mut()
            .flat_map(|d| d.origins.iter_mut());
        for origin in origins {
            let CfOriginKind::Vpc {
                vpc_origin_id,
                settings,
                ..
            } = &mut origin.kind
            else {
                continue;
            };
            let id = vpc_origin_id.trim();
            *settings = if let Some(k) = known.iter().find(|k| k.id.trim() == id) {
                VpcOriginSettings::Known(k.clone())
            } else if let Some((_, reason)) = failures.iter().find(|(f, _)| f.trim() == id) {
                VpcOriginSettings::ReadFailed {
                    reason: reason.clone(),
                }
            } else {
                VpcOriginSettings::NotRead
            };
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::input::cloudfront::fixtures::load;

    /// A known VPC origin for tests: `policy` with `protocols`.
    pub(crate) fn known(
        id: &str,
        policy: OriginProtocolPolicy,
        protocols: &[SslProtocol],
    ) -> KnownVpcOrigin {
        KnownVpcOrigin {
            id: id.to_string(),
            source: "GetVpcOrigin".to_string(),
            name: "app-alb".to_string(),
            endpoint_arn:
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/app/0123456789abcdef"
                    .to_string(),
            http_port: 80,
            https_port: 443,
            protocol_policy: policy,
            ssl_protocols: protocols.to_vec(),
            status: Some("Deployed".to_string()),
            etag: Some("E2VPCETAG".to_string()),
            edit: None,
        }
    }

    fn settings(doc: &Document, origin: &str) -> VpcOriginSettings {
        match &doc.distributions[0].origin(origin).expect("origin").kind {
            CfOriginKind::Vpc { settings, .. } => settings.clone(),
            other => panic!("not a VPC origin: {other:?}"),
        }
    }

    #[test]
    fn known_and_failed_reads_reach_the_origins_that_use_them() {
        let mut doc = load("get-distribution-config-special-origins.json");
        let id = "vo_ABCDEFGHIJ0123456789ab";
        assert_eq!(doc.vpc_origin_ids(), [id]);
        assert_eq!(settings(&doc, "vpc-origin"), VpcOriginSettings::NotRead);

        doc.attach_vpc_origins(&[(id.to_string(), "denied".to_string())]);
        assert_eq!(
            settings(&doc, "vpc-origin"),
            VpcOriginSettings::ReadFailed {
                reason: "denied".into()
            }
        );

        let k = known(id, OriginProtocolPolicy::HttpOnly, &[]);
        doc.known_vpc_origins = vec![k.clone()];
        doc.attach_vpc_origins(&[]);
        assert_eq!(settings(&doc, "vpc-origin"), VpcOriginSettings::Known(k));

        // Another resource's data leaves this origin as it was read: not at all.
        doc.known_vpc_origins = vec![known("vo_other", OriginProtocolPolicy::HttpOnly, &[])];
        doc.attach_vpc_origins(&[]);
        assert_eq!(settings(&doc, "vpc-origin"), VpcOriginSettings::NotRead);
    }
}
