//! The SDK's `DistributionConfig` written whole as the JSON the AWS CLI prints for it
//! (`aws cloudfront get-distribution-config`): every field of the SDK version in `Cargo.lock`,
//! named as the CLI (botocore's model) names it, lists as `{Quantity, Items}`, integers and
//! booleans typed as the CLI prints them, fields in the model's order, absent fields absent.
//!
//! So the API input's document is the whole configuration: `--plan` edits it as it edits a
//! file, and the rollback file of `--apply` is exactly what `update-distribution
//! --distribution-config file://` takes back.
//!
//! Pure. The tree holds custom header values (as a file's does): callers keep it out of output.
//! The one field botocore has that this SDK lacks (`OriginHttpVersion`, on custom and VPC
//! origin configs) cannot be written: the SDK never read it.

use aws_sdk_cloudfront::types::{
    CustomErrorResponse, CustomOriginConfig, DistributionConfig, LoggingConfig, Origin,
    OriginGroup, Restrictions, TenantConfig, ViewerCertificate, ViewerMtlsConfig,
};
use serde_json::{Map, Value, json};

mod behavior;

use behavior::{behavior, default_behavior};

/// A JSON object built in the model's member order.
#[derive(Default)]
pub(super) struct Obj(Map<String, Value>);

impl Obj {
    pub(super) fn put(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.insert(key.to_string(), value.into());
        self
    }

    pub(super) fn opt(mut self, key: &str, value: Option<impl Into<Value>>) -> Self {
        if let Some(v) = value {
            self.0.insert(key.to_string(), v.into());
        }
        self
    }

    pub(super) fn done(self) -> Value {
        Value::Object(self.0)
    }
}

/// `{Quantity, Items}`: `Items` only when the SDK read it (`None` is no `Items` element).
pub(super) fn list(quantity: i32, items: Option<Vec<Value>>) -> Value {
    Obj::default()
        .put("Quantity", quantity)
        .opt("Items", items)
        .done()
}

pub(super) fn strs<S: AsRef<str>>(items: &[S]) -> Vec<Value> {
    items.iter().map(|s| json!(s.as_ref())).collect()
}

pub(super) fn opt_strs<S: AsRef<str>>(items: Option<&Vec<S>>) -> Option<Vec<Value>> {
    items.map(|i| strs(i))
}

/// The whole `DistributionConfig`, as `get-distribution-config` prints it.
pub(crate) fn distribution_config(c: &DistributionConfig) -> Value {
    Obj::default()
        .put("CallerReference", c.caller_reference.as_str())
        .opt(
            "Aliases",
            c.aliases
                .as_ref()
                .map(|a| list(a.quantity, opt_strs(a.items.as_ref()))),
        )
        .opt("DefaultRootObject", c.default_root_object.as_deref())
        .opt(
            "Origins",
            c.origins
                .as_ref()
                .map(|o| list(o.quantity, Some(o.items.iter().map(origin).collect()))),
        )
        .opt(
            "OriginGroups",
            c.origin_groups.as_ref().map(|g| {
                list(
                    g.quantity,
                    g.items.as_ref().map(|i| i.iter().map(group).collect()),
                )
            }),
        )
        .opt(
            "DefaultCacheBehavior",
            c.default_cache_behavior.as_ref().map(default_behavior),
        )
        .opt(
            "CacheBehaviors",
            c.cache_behaviors.as_ref().map(|b| {
                list(
                    b.quantity,
                    b.items.as_ref().map(|i| i.iter().map(behavior).collect()),
                )
            }),
        )
        .opt(
            "CustomErrorResponses",
            c.custom_error_responses.as_ref().map(|e| {
                list(
                    e.quantity,
                    e.items
                        .as_ref()
                        .map(|i| i.iter().map(error_response).collect()),
                )
            }),
        )
        .put("Comment", c.comment.as_str())
        .opt("Logging", c.logging.as_ref().map(logging))
        .opt("PriceClass", c.price_class.as_ref().map(|p| p.as_str()))
        .put("Enabled", c.enabled)
        .opt(
            "ViewerCertificate",
            c.viewer_certificate.as_ref().map(viewer_certificate),
        )
        .opt("Restrictions", c.restrictions.as_ref().map(restrictions))
        .opt("WebACLId", c.web_acl_id.as_deref())
        .opt("HttpVersion", c.http_version.as_ref().map(|h| h.as_str()))
        .opt("IsIPV6Enabled", c.is_ipv6_enabled)
        .opt(
            "ContinuousDeploymentPolicyId",
            c.continuous_deployment_policy_id.as_deref(),
        )
        .opt("Staging", c.staging)
        .opt("AnycastIpListId", c.anycast_ip_list_id.as_deref())
        .opt("TenantConfig", c.tenant_config.as_ref().map(tenant_config))
        .opt(
            "ConnectionMode",
            c.connection_mode.as_ref().map(|m| m.as_str()),
        )
        .opt(
            "ViewerMtlsConfig",
            c.viewer_mtls_config.as_ref().map(viewer_mtls),
        )
        .opt(
            "ConnectionFunctionAssociation",
            c.connection_function_association
                .as_ref()
                .map(|a| json!({"Id": a.id})),
        )
        .opt(
            "CacheTagConfig",
            c.cache_tag_config
                .as_ref()
                .map(|t| json!({"HeaderName": t.header_name})),
        )
        .done()
}

fn origin(o: &Origin) -> Value {
    Obj::default()
        .put("Id", o.id.as_str())
        .put("DomainName", o.domain_name.as_str())
        .opt("OriginPath", o.origin_path.as_deref())
        .opt(
            "CustomHeaders",
            o.custom_headers.as_ref().map(|h| {
                let items = h.items.as_ref().map(|i| {
                    i.iter()
                        .map(
                            |h| json!({"HeaderName": h.header_name, "HeaderValue": h.header_value}),
                        )
                        .collect()
                });
                list(h.quantity, items)
            }),
        )
        .opt(
            "S3OriginConfig",
            o.s3_origin_config.as_ref().map(|s| {
                Obj::default()
                    .put("OriginAccessIdentity", s.origin_access_identity.as_str())
                    .opt("OriginReadTimeout", s.origin_read_timeout)
                    .done()
            }),
        )
        .opt(
            "CustomOriginConfig",
            o.custom_origin_config.as_ref().map(custom_origin_config),
        )
        .opt(
            "VpcOriginConfig",
            o.vpc_origin_config.as_ref().map(|v| {
                Obj::default()
                    .put("VpcOriginId", v.vpc_origin_id.as_str())
                    .opt("OwnerAccountId", v.owner_account_id.as_deref())
                    .opt("OriginReadTimeout", v.origin_read_timeout)
                    .opt("OriginKeepaliveTimeout", v.origin_keepalive_timeout)
                    .done()
            }),
        )
        .opt("ConnectionAttempts", o.connection_attempts)
        .opt("ConnectionTimeout", o.connection_timeout)
        .opt("ResponseCompletionTimeout", o.response_completion_timeout)
        .opt(
            "OriginShield",
            o.origin_shield.as_ref().map(|s| {
                Obj::default()
                    .put("Enabled", s.enabled)
                    .opt("OriginShieldRegion", s.origin_shield_region.as_deref())
                    .done()
            }),
        )
        .opt(
            "OriginAccessControlId",
            o.origin_access_control_id.as_deref(),
        )
        .done()
}

fn custom_origin_config(c: &CustomOriginConfig) -> Value {
    Obj::default()
        .put("HTTPPort", c.http_port)
        .put("HTTPSPort", c.https_port)
        .put("OriginProtocolPolicy", c.origin_protocol_policy.as_str())
        .opt(
            "OriginSslProtocols",
            c.origin_ssl_protocols.as_ref().map(|p| {
                let names: Vec<&str> = p.items.iter().map(|p| p.as_str()).collect();
                list(p.quantity, Some(strs(&names)))
            }),
        )
        .opt("OriginReadTimeout", c.origin_read_timeout)
        .opt("OriginKeepaliveTimeout", c.origin_keepalive_timeout)
        .opt(
            "IpAddressType",
            c.ip_address_type.as_ref().map(|t| t.as_str()),
        )
        .opt(
            "OriginMtlsConfig",
            c.origin_mtls_config
                .as_ref()
                .map(|m| json!({"ClientCertificateArn": m.client_certificate_arn})),
        )
        .done()
}

fn group(g: &OriginGroup) -> Value {
    Obj::default()
        .put("Id", g.id.as_str())
        .opt(
            "FailoverCriteria",
            g.failover_criteria.as_ref().map(|f| {
                Obj::default()
                    .opt(
                        "StatusCodes",
                        f.status_codes.as_ref().map(|s| {
                            list(s.quantity, Some(s.items.iter().map(|c| json!(c)).collect()))
                        }),
                    )
                    .done()
            }),
        )
        .opt(
            "Members",
            g.members.as_ref().map(|m| {
                let items = m
                    .items
                    .iter()
                    .map(|m| json!({"OriginId": m.origin_id}))
                    .collect();
                list(m.quantity, Some(items))
            }),
        )
        .opt(
            "SelectionCriteria",
            g.selection_criteria.as_ref().map(|s| s.as_str()),
        )
        .done()
}

fn error_response(e: &CustomErrorResponse) -> Value {
    Obj::default()
        .put("ErrorCode", e.error_code)
        .opt("ResponsePagePath", e.response_page_path.as_deref())
        .opt("ResponseCode", e.response_code.as_deref())
        .opt("ErrorCachingMinTTL", e.error_caching_min_ttl)
        .done()
}

fn logging(l: &LoggingConfig) -> Value {
    json!({
        "Enabled": l.enabled,
        "IncludeCookies": l.include_cookies,
        "Bucket": l.bucket,
        "Prefix": l.prefix,
    })
}

fn viewer_certificate(v: &ViewerCertificate) -> Value {
    // Deprecated in the API in favour of the two fields above, but still returned; an update
    // without them would drop them.
    #[allow(deprecated)]
    let (certificate, source) = (v.certificate.as_deref(), v.certificate_source.as_ref());
    Obj::default()
        .opt(
            "CloudFrontDefaultCertificate",
            v.cloud_front_default_certificate,
        )
        .opt("IAMCertificateId", v.iam_certificate_id.as_deref())
        .opt("ACMCertificateArn", v.acm_certificate_arn.as_deref())
        .opt(
            "SSLSupportMethod",
            v.ssl_support_method.as_ref().map(|m| m.as_str()),
        )
        .opt(
            "MinimumProtocolVersion",
            v.minimum_protocol_version.as_ref().map(|m| m.as_str()),
        )
        .opt("Certificate", certificate)
        .opt("CertificateSource", source.map(|s| s.as_str()))
        .done()
}

fn restrictions(r: &Restrictions) -> Value {
    Obj::default()
        .opt(
            "GeoRestriction",
            r.geo_restriction.as_ref().map(|g| {
                Obj::default()
                    .put("RestrictionType", g.restriction_type.as_str())
                    .put("Quantity", g.quantity)
                    .opt("Items", opt_strs(g.items.as_ref()))
                    .done()
            }),
        )
        .done()
}

/// `TenantConfig.ParameterDefinitions` is a plain list in the model (no `Quantity`).
fn tenant_config(t: &TenantConfig) -> Value {
    let definitions = t.parameter_definitions.as_ref().map(|defs| {
        defs.iter()
            .map(|d| {
                let schema = d.definition.as_ref().map(|s| {
                    Obj::default()
                        .opt(
                            "StringSchema",
                            s.string_schema.as_ref().map(|s| {
                                Obj::default()
                                    .opt("Comment", s.comment.as_deref())
                                    .opt("DefaultValue", s.default_value.as_deref())
                                    .put("Required", s.required)
                                    .done()
                            }),
                        )
                        .done()
                });
                Obj::default()
                    .put("Name", d.name.as_str())
                    .opt("Definition", schema)
                    .done()
            })
            .collect::<Vec<Value>>()
    });
    Obj::default()
        .opt("ParameterDefinitions", definitions)
        .done()
}

fn viewer_mtls(v: &ViewerMtlsConfig) -> Value {
    Obj::default()
        .put("Mode", v.mode.as_str())
        .opt(
            "TrustStoreConfig",
            v.trust_store_config.as_ref().map(|t| {
                Obj::default()
                    .put("TrustStoreId", t.trust_store_id.as_str())
                    .opt(
                        "AdvertiseTrustStoreCaNames",
                        t.advertise_trust_store_ca_names,
                    )
                    .opt("IgnoreCertificateExpiry", t.ignore_certificate_expiry)
                    .done()
            }),
        )
        .done()
}

#[cfg(test)]
mod tests;
