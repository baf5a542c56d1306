//! From the SDK's types to the model: each distribution is written as the JSON the AWS CLI
//! prints for it (the fields the model reads, named as the CLI names them) and handed to the
//! file input's own parser, [`parse_document`]. So the API and a file give the same
//! [`Document`] for the same distribution, through one code path after this point.
//!
//! Pure: no I/O. Custom header values pass through a JSON tree in memory and become
//! [`crate::secret::Redacted`] in the parser, as for a file.

use aws_sdk_cloudfront::types::{
    CacheBehavior, CachePolicy, DefaultCacheBehavior, DistributionConfig, DistributionSummary,
    Origin, OriginGroup, OriginRequestPolicy,
};
use serde_json::{Map, Value, json};

use crate::input::cloudfront::{
    CloudFrontError, Document, KnownPolicy, PolicyKind, managed_policy, parse_document,
};

/// What a list-page summary says about a distribution besides its config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Listed {
    pub id: String,
    pub arn: String,
    pub status: String,
    pub domain_name: String,
}

impl Listed {
    pub(crate) fn from_summary(s: &DistributionSummary) -> Self {
        Listed {
            id: s.id().to_string(),
            arn: s.arn().to_string(),
            status: s.status().to_string(),
            domain_name: s.domain_name().to_string(),
        }
    }
}

/// The model of one distribution read with `GetDistributionConfig`. With `listed` (from
/// `ListDistributions`) it is the document `get-distribution` would give; without (a
/// `--distribution-id` that was not listed) the `get-distribution-config` one, with `id` set.
///
/// The JSON written here holds only the fields the model reads, so it is not kept for a plan:
/// the document's raw config is `None`.
pub(crate) fn document(
    source: &str,
    id: &str,
    listed: Option<&Listed>,
    config: &DistributionConfig,
    etag: Option<&str>,
) -> Result<Document, CloudFrontError> {
    let config = distribution_config(config);
    let mut top = Map::new();
    if let Some(etag) = etag {
        top.insert("ETag".into(), json!(etag));
    }
    match listed {
        Some(l) => {
            top.insert(
                "Distribution".into(),
                json!({
                    "Id": l.id,
                    "ARN": l.arn,
                    "Status": l.status,
                    "DomainName": l.domain_name,
                    "DistributionConfig": config,
                }),
            );
        }
        None => {
            top.insert("DistributionConfig".into(), config);
        }
    }
    let bytes = serde_json::to_vec_pretty(&Value::Object(top)).unwrap_or_default();
    let mut doc = parse_document(&bytes, source)?;
    for d in &mut doc.distributions {
        d.id.get_or_insert_with(|| id.to_string());
    }
    doc.raw_config = None;
    Ok(doc)
}

/// `{Quantity, Items}` as the CLI prints it.
fn list(items: Vec<Value>) -> Value {
    json!({"Quantity": items.len(), "Items": items})
}

fn strings<S: AsRef<str>>(items: &[S]) -> Value {
    list(items.iter().map(|s| json!(s.as_ref())).collect())
}

fn distribution_config(c: &DistributionConfig) -> Value {
    let mut m = Map::new();
    m.insert("Enabled".into(), json!(c.enabled()));
    if let Some(a) = c.aliases() {
        m.insert("Aliases".into(), strings(a.items()));
    }
    let origins = c.origins().map(|o| o.items()).unwrap_or_default();
    m.insert("Origins".into(), list(origins.iter().map(origin).collect()));
    if let Some(g) = c.origin_groups() {
        m.insert(
            "OriginGroups".into(),
            list(g.items().iter().map(group).collect()),
        );
    }
    if let Some(b) = c.default_cache_behavior() {
        m.insert("DefaultCacheBehavior".into(), default_behavior(b));
    }
    if let Some(b) = c.cache_behaviors() {
        m.insert(
            "CacheBehaviors".into(),
            list(b.items().iter().map(behavior).collect()),
        );
    }
    Value::Object(m)
}

fn origin(o: &Origin) -> Value {
    let mut m = Map::new();
    m.insert("Id".into(), json!(o.id()));
    m.insert("DomainName".into(), json!(o.domain_name()));
    if let Some(p) = o.origin_path() {
        m.insert("OriginPath".into(), json!(p));
    }
    if let Some(h) = o.custom_headers() {
        let items = h
            .items()
            .iter()
            .map(|h| json!({"HeaderName": h.header_name(), "HeaderValue": h.header_value()}))
            .collect();
        m.insert("CustomHeaders".into(), list(items));
    }
    if o.s3_origin_config().is_some() {
        m.insert("S3OriginConfig".into(), json!({}));
    }
    if let Some(c) = o.custom_origin_config() {
        let mut cm = Map::new();
        cm.insert("HTTPPort".into(), json!(c.http_port()));
        cm.insert("HTTPSPort".into(), json!(c.https_port()));
        cm.insert(
            "OriginProtocolPolicy".into(),
            json!(c.origin_protocol_policy().as_str()),
        );
        if let Some(p) = c.origin_ssl_protocols() {
            let names: Vec<&str> = p.items().iter().map(|p| p.as_str()).collect();
            cm.insert("OriginSslProtocols".into(), strings(&names));
        }
        insert_opt(&mut cm, "OriginReadTimeout", c.origin_read_timeout());
        insert_opt(
            &mut cm,
            "OriginKeepaliveTimeout",
            c.origin_keepalive_timeout(),
        );
        if let Some(t) = c.ip_address_type() {
            cm.insert("IpAddressType".into(), json!(t.as_str()));
        }
        if let Some(mtls) = c.origin_mtls_config() {
            cm.insert(
                "OriginMtlsConfig".into(),
                json!({"ClientCertificateArn": mtls.client_certificate_arn()}),
            );
        }
        m.insert("CustomOriginConfig".into(), Value::Object(cm));
    }
    if let Some(v) = o.vpc_origin_config() {
        let mut vm = Map::new();
        vm.insert("VpcOriginId".into(), json!(v.vpc_origin_id()));
        if let Some(owner) = v.owner_account_id() {
            vm.insert("OwnerAccountId".into(), json!(owner));
        }
        m.insert("VpcOriginConfig".into(), Value::Object(vm));
    }
    insert_opt(&mut m, "ConnectionAttempts", o.connection_attempts());
    insert_opt(&mut m, "ConnectionTimeout", o.connection_timeout());
    Value::Object(m)
}

fn insert_opt(m: &mut Map<String, Value>, key: &str, value: Option<i32>) {
    if let Some(v) = value {
        m.insert(key.into(), json!(v));
    }
}

fn group(g: &OriginGroup) -> Value {
    let members: Vec<Value> = g
        .members()
        .map(|m| m.items())
        .unwrap_or_default()
        .iter()
        .map(|m| json!({"OriginId": m.origin_id()}))
        .collect();
    let mut m = Map::new();
    m.insert("Id".into(), json!(g.id()));
    if let Some(f) = g.failover_criteria() {
        let codes: Vec<Value> = f
            .status_codes()
            .map(|c| c.items())
            .unwrap_or_default()
            .iter()
            .map(|c| json!(c))
            .collect();
        m.insert(
            "FailoverCriteria".into(),
            json!({"StatusCodes": list(codes)}),
        );
    }
    m.insert("Members".into(), list(members));
    Value::Object(m)
}

/// The two behavior types share every field read here but are distinct SDK types.
macro_rules! behavior_json {
    ($b:expr, $path:expr) => {{
        let b = $b;
        let mut m = Map::new();
        if let Some(p) = $path {
            m.insert("PathPattern".into(), json!(p));
        }
        m.insert("TargetOriginId".into(), json!(b.target_origin_id()));
        m.insert(
            "ViewerProtocolPolicy".into(),
            json!(b.viewer_protocol_policy().as_str()),
        );
        if let Some(id) = b.cache_policy_id() {
            m.insert("CachePolicyId".into(), json!(id));
        }
        if let Some(id) = b.origin_request_policy_id() {
            m.insert("OriginRequestPolicyId".into(), json!(id));
        }
        // Deprecated in the API in favour of policies, but still returned for the
        // behaviors that use it; the file input reads it too (fact 33).
        #[allow(deprecated)]
        let forwarded_values = b.forwarded_values();
        if let Some(f) = forwarded_values {
            let headers = f.headers().map(|h| h.items()).unwrap_or_default();
            m.insert(
                "ForwardedValues".into(),
                json!({"QueryString": f.query_string(), "Headers": strings(headers)}),
            );
        }
        if let Some(a) = b.allowed_methods() {
            let names: Vec<&str> = a.items().iter().map(|m| m.as_str()).collect();
            m.insert("AllowedMethods".into(), strings(&names));
        }
        if let Some(g) = b.grpc_config() {
            m.insert("GrpcConfig".into(), json!({"Enabled": g.enabled()}));
        }
        if let Some(l) = b.lambda_function_associations() {
            let items = l
                .items()
                .iter()
                .map(|a| {
                    json!({"LambdaFunctionARN": a.lambda_function_arn(), "EventType": a.event_type().as_str()})
                })
                .collect();
            m.insert("LambdaFunctionAssociations".into(), list(items));
        }
        Value::Object(m)
    }};
}

fn default_behavior(b: &DefaultCacheBehavior) -> Value {
    behavior_json!(b, None::<&str>)
}

fn behavior(b: &CacheBehavior) -> Value {
    behavior_json!(b, Some(b.path_pattern()))
}

/// The custom (non-managed) policy IDs the document's behaviors use, each once, in order:
/// the ones whose contents must be read from the API.
pub(crate) fn custom_policy_ids(doc: &Document) -> Vec<(PolicyKind, String)> {
    let mut ids: Vec<(PolicyKind, String)> = Vec::new();
    let behaviors = doc
        .distributions
        .iter()
        .flat_map(|d| &d.origins)
        .flat_map(|o| &o.behaviors);
    for b in behaviors {
        let slots = [
            (
                PolicyKind::OriginRequest,
                &b.policies.origin_request_policy_id,
            ),
            (PolicyKind::Cache, &b.policies.cache_policy_id),
        ];
        for (kind, id) in slots {
            let Some(id) = id.as_deref().map(str::trim) else {
                continue;
            };
            let seen = ids
                .iter()
                .any(|(k, i)| *k == kind && i.eq_ignore_ascii_case(id));
            if managed_policy(kind, id).is_none() && !seen {
                ids.push((kind, id.to_string()));
            }
        }
    }
    ids
}

/// An origin request policy as `GetOriginRequestPolicy` returns it.
pub(crate) fn origin_request_policy(id: &str, p: &OriginRequestPolicy) -> KnownPolicy {
    let config = p.origin_request_policy_config();
    let headers = config.and_then(|c| c.headers_config());
    KnownPolicy::origin_request(
        id,
        config.map_or("", |c| c.name()),
        headers.map_or("none", |h| h.header_behavior().as_str()),
        headers
            .and_then(|h| h.headers())
            .map(|h| h.items())
            .unwrap_or_default(),
    )
}

/// A cache policy as `GetCachePolicy` returns it.
pub(crate) fn cache_policy(id: &str, p: &CachePolicy) -> KnownPolicy {
    let config = p.cache_policy_config();
    let headers = config
        .and_then(|c| c.parameters_in_cache_key_and_forwarded_to_origin())
        .and_then(|k| k.headers_config());
    KnownPolicy::cache(
        id,
        config.map_or("", |c| c.name()),
        headers.map_or("none", |h| h.header_behavior().as_str()),
        headers
            .and_then(|h| h.headers())
            .map(|h| h.items())
            .unwrap_or_default(),
    )
}
