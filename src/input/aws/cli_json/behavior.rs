//! The cache behaviors' part of the CLI's JSON: the default behavior and `CacheBehaviors`
//! items (the same members but for `PathPattern`), with their signers, key groups, methods,
//! function associations and legacy `ForwardedValues`. Pure, as the rest of `cli_json`.

use aws_sdk_cloudfront::types::{
    AllowedMethods, CacheBehavior, DefaultCacheBehavior, ForwardedValues, FunctionAssociations,
    LambdaFunctionAssociations, TrustedKeyGroups, TrustedSigners,
};
use serde_json::{Value, json};

use super::{Obj, list, opt_strs, strs};

fn trusted_signers(t: &TrustedSigners) -> Value {
    Obj::default()
        .put("Enabled", t.enabled)
        .put("Quantity", t.quantity)
        .opt("Items", opt_strs(t.items.as_ref()))
        .done()
}

fn trusted_key_groups(t: &TrustedKeyGroups) -> Value {
    Obj::default()
        .put("Enabled", t.enabled)
        .put("Quantity", t.quantity)
        .opt("Items", opt_strs(t.items.as_ref()))
        .done()
}

fn allowed_methods(a: &AllowedMethods) -> Value {
    let names = |m: &[aws_sdk_cloudfront::types::Method]| {
        strs(&m.iter().map(|m| m.as_str()).collect::<Vec<_>>())
    };
    Obj::default()
        .put("Quantity", a.quantity)
        .put("Items", names(&a.items))
        .opt(
            "CachedMethods",
            a.cached_methods
                .as_ref()
                .map(|c| list(c.quantity, Some(names(&c.items)))),
        )
        .done()
}

fn lambdas(l: &LambdaFunctionAssociations) -> Value {
    let items = l.items.as_ref().map(|i| {
        i.iter()
            .map(|a| {
                Obj::default()
                    .put("LambdaFunctionARN", a.lambda_function_arn.as_str())
                    .put("EventType", a.event_type.as_str())
                    .opt("IncludeBody", a.include_body)
                    .done()
            })
            .collect()
    });
    list(l.quantity, items)
}

fn functions(f: &FunctionAssociations) -> Value {
    let items = f.items.as_ref().map(|i| {
        i.iter()
            .map(|a| json!({"FunctionARN": a.function_arn, "EventType": a.event_type.as_str()}))
            .collect()
    });
    list(f.quantity, items)
}

fn forwarded_values(f: &ForwardedValues) -> Value {
    Obj::default()
        .put("QueryString", f.query_string)
        .opt(
            "Cookies",
            f.cookies.as_ref().map(|c| {
                Obj::default()
                    .put("Forward", c.forward.as_str())
                    .opt(
                        "WhitelistedNames",
                        c.whitelisted_names
                            .as_ref()
                            .map(|n| list(n.quantity, opt_strs(n.items.as_ref()))),
                    )
                    .done()
            }),
        )
        .opt(
            "Headers",
            f.headers
                .as_ref()
                .map(|h| list(h.quantity, opt_strs(h.items.as_ref()))),
        )
        .opt(
            "QueryStringCacheKeys",
            f.query_string_cache_keys
                .as_ref()
                .map(|k| list(k.quantity, opt_strs(k.items.as_ref()))),
        )
        .done()
}

/// The two behavior types have the same members but for `PathPattern`, and are distinct SDK
/// types: one macro writes both, in the model's order.
macro_rules! behavior_json {
    ($b:expr, $path:expr) => {{
        let b = $b;
        // Deprecated in the API in favour of policies, but still returned for the behaviors
        // that use it, and an update without it would drop it.
        #[allow(deprecated)]
        let (forwarded, min_ttl, default_ttl, max_ttl) =
            (b.forwarded_values.as_ref(), b.min_ttl, b.default_ttl, b.max_ttl);
        Obj::default()
            .opt("PathPattern", $path)
            .put("TargetOriginId", b.target_origin_id.as_str())
            .opt("TrustedSigners", b.trusted_signers.as_ref().map(trusted_signers))
            .opt(
                "TrustedKeyGroups",
                b.trusted_key_groups.as_ref().map(trusted_key_groups),
            )
            .put("ViewerProtocolPolicy", b.viewer_protocol_policy.as_str())
            .opt("AllowedMethods", b.allowed_methods.as_ref().map(allowed_methods))
            .opt("SmoothStreaming", b.smooth_streaming)
            .opt("Compress", b.compress)
            .opt(
                "LambdaFunctionAssociations",
                b.lambda_function_associations.as_ref().map(lambdas),
            )
            .opt(
                "FunctionAssociations",
                b.function_associations.as_ref().map(functions),
            )
            .opt("FieldLevelEncryptionId", b.field_level_encryption_id.as_deref())
            .opt("RealtimeLogConfigArn", b.realtime_log_config_arn.as_deref())
            .opt("CachePolicyId", b.cache_policy_id.as_deref())
            .opt("OriginRequestPolicyId", b.origin_request_policy_id.as_deref())
            .opt(
                "ResponseHeadersPolicyId",
                b.response_headers_policy_id.as_deref(),
            )
            .opt(
                "GrpcConfig",
                b.grpc_config.as_ref().map(|g| json!({"Enabled": g.enabled})),
            )
            .opt("ForwardedValues", forwarded.map(forwarded_values))
            .opt("MinTTL", min_ttl)
            .opt("DefaultTTL", default_ttl)
            .opt("MaxTTL", max_ttl)
            .done()
    }};
}

pub(super) fn default_behavior(b: &DefaultCacheBehavior) -> Value {
    behavior_json!(b, None::<&str>)
}

pub(super) fn behavior(b: &CacheBehavior) -> Value {
    behavior_json!(b, Some(b.path_pattern.as_str()))
}
