//! One `aws_cloudfront_distribution` (AWS provider schema: `origin`, `custom_origin_config`,
//! `default_cache_behavior`, `ordered_cache_behavior`, ...) rewritten in the AWS CLI's
//! `DistributionConfig` shape, so the CloudFront model is built by the same code as for AWS CLI
//! JSON; then each origin gets its place in the file and the settings that are unknown.
//!
//! Pure. Values unknown until apply are never guessed: the shape gets a placeholder, and the
//! origin an [`Unresolved`] that says what is unknown (`verdict::iac_rules` judges it).

use serde_json::{Map, Value, json};

use super::node::Node;
use super::policy::{CACHE, ORIGIN_REQUEST};
use super::refs;
use super::shape::Resource;
use super::vpc_origin::VPC_ORIGIN;
use crate::input::cloudfront::{self, Distribution, SourceLocation, Unresolved};
use crate::sanitize;

/// What Terraform writes for a value it knows only after apply.
pub(super) const KNOWN_AFTER_APPLY: &str = "(known after apply)";

/// An origin's unknown settings and its place, by origin ID.
struct OriginExtra {
    id: String,
    pointer: String,
    unresolved: Vec<Unresolved>,
}

/// The model of one distribution resource, or one line saying what is wrong with it.
pub(super) fn distribution(
    doc: &Value,
    source: &str,
    r: &Resource<'_>,
    new_vpc_origins: &[String],
) -> Result<Distribution, String> {
    let v = &r.values;
    let address = sanitize::text(&r.address);
    let mut extras = Vec::new();
    let mut config = Map::new();
    put_str(&mut config, "Id", v.get("id").str());
    put_str(&mut config, "ARN", v.get("arn").str());
    put_str(&mut config, "Status", v.get("status").str());
    put_str(&mut config, "DomainName", v.get("domain_name").str());
    if let Some(enabled) = v.get("enabled").bool() {
        config.insert("Enabled".into(), json!(enabled));
    }
    let aliases = v.get("aliases");
    config.insert("Aliases".into(), json!({ "Items": aliases.strings() }));
    let mut dist_unknown = Vec::new();
    if aliases.is_unknown() {
        dist_unknown.push(unknown("aliases", false));
    }
    let mut origins = Vec::new();
    for (i, o) in v.get("origin").items().iter().enumerate() {
        let (origin, extra) = origin(o, i);
        origins.push(origin);
        extras.push(extra);
    }
    let expressions = refs::expressions(doc, &r.module, &r.address);
    tie_new_vpc_origin(&mut origins, expressions, &r.module, new_vpc_origins);
    config.insert("Origins".into(), json!({ "Items": origins }));
    let groups: Vec<Value> = v.get("origin_group").items().iter().map(group).collect();
    config.insert("OriginGroups".into(), json!({ "Items": groups }));
    let Some(default) = v.block("default_cache_behavior") else {
        return Err(format!("{address}: no default_cache_behavior"));
    };
    let behavior_of = |b: &Node<'_>, block: &str, index: usize| {
        let reaches = || reached_origin(&extras, groups.is_empty(), expressions, block, index);
        behavior(b, reaches, |attr, target| {
            refs::referenced(doc, &r.module, &r.address, block, index, attr, target)
        })
    };
    config.insert(
        "DefaultCacheBehavior".into(),
        behavior_of(&default, "default_cache_behavior", 0)?,
    );
    // Each behavior's pointer, default first, for its place in the file.
    let mut behavior_pointers = vec![default.pointer.clone()];
    let mut ordered = Vec::new();
    for (i, b) in v.get("ordered_cache_behavior").items().iter().enumerate() {
        ordered.push(behavior_of(b, "ordered_cache_behavior", i)?);
        behavior_pointers.push(b.pointer.clone());
    }
    config.insert("CacheBehaviors".into(), json!({ "Items": ordered }));
    let mut dist = cloudfront::distribution_from_config(Value::Object(config), &address)?;
    let location = |pointer: String, edit_path: Option<String>| SourceLocation {
        file: source.to_string(),
        address: Some(address.clone()),
        pointer: Some(pointer),
        line: None,
        column: None,
        edit_path,
    };
    dist.location = Some(location(v.pointer.clone(), Some(address.clone())));
    for o in &mut dist.origins {
        let Some(extra) = extras.iter().find(|e| e.id == o.id) else {
            continue;
        };
        let edit = format!("{address}.origin[\"{}\"]", sanitize::text(&o.id));
        o.location = Some(location(extra.pointer.clone(), Some(edit)));
        o.unresolved = extra.unresolved.clone();
        o.unresolved.extend(dist_unknown.iter().cloned());
    }
    for b in dist.origins.iter_mut().flat_map(|o| o.behaviors.iter_mut()) {
        let (index, edit) = match b.position {
            None => (0, format!("{address}.default_cache_behavior[0]")),
            Some(i) => (i + 1, format!("{address}.ordered_cache_behavior[{i}]")),
        };
        let pointer = behavior_pointers.get(index).cloned().unwrap_or_default();
        b.location = Some(location(pointer, Some(edit)));
    }
    Ok(dist)
}

fn put_str(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        map.insert(key.into(), json!(v));
    }
}

fn unknown(setting: &str, blocks_probe: bool) -> Unresolved {
    Unresolved {
        setting: setting.to_string(),
        expression: KNOWN_AFTER_APPLY.to_string(),
        blocks_probe,
        // `terraform show -json` writes one line and knows nothing of the .tf files.
        line: None,
    }
}

/// One `origin` block in the CLI shape, with what is unknown about it.
fn origin(o: &Node<'_>, index: usize) -> (Value, OriginExtra) {
    let mut unresolved = Vec::new();
    let id = match o.get("origin_id").str() {
        Some(id) => id.to_string(),
        None => {
            unresolved.push(unknown("origin_id", false));
            format!("origin[{index}]")
        }
    };
    let domain = o.get("domain_name");
    let domain_name = match domain.str() {
        Some(d) => d.to_string(),
        None => {
            unresolved.push(unknown("domain_name", true));
            KNOWN_AFTER_APPLY.to_string()
        }
    };
    let mut out = Map::new();
    out.insert("Id".into(), json!(id));
    out.insert("DomainName".into(), json!(domain_name));
    put_str(&mut out, "OriginPath", o.get("origin_path").str());
    for (attr, key) in [
        ("connection_attempts", "ConnectionAttempts"),
        ("connection_timeout", "ConnectionTimeout"),
    ] {
        if let Some(n) = o.get(attr).u64() {
            out.insert(key.into(), json!(n));
        }
    }
    let headers: Vec<Value> = o
        .get("custom_header")
        .items()
        .iter()
        .map(|h| {
            let name = h.get("name").str().unwrap_or_default().to_string();
            if h.get("value").is_unknown() {
                unresolved.push(unknown(&format!("custom_header[\"{name}\"].value"), false));
            }
            // The value goes straight into the model's `Redacted`; it is never shown.
            json!({ "HeaderName": name, "HeaderValue": h.get("value").str().unwrap_or_default() })
        })
        .collect();
    out.insert("CustomHeaders".into(), json!({ "Items": headers }));
    if let Some(c) = o.block("custom_origin_config") {
        out.insert(
            "CustomOriginConfig".into(),
            custom_origin(&c, &mut unresolved),
        );
    } else if let Some(vpc) = o.block("vpc_origin_config") {
        let id = vpc.get("vpc_origin_id").str().unwrap_or(KNOWN_AFTER_APPLY);
        out.insert("VpcOriginConfig".into(), json!({ "VpcOriginId": id }));
    } else {
        // `s3_origin_config`, or an S3 origin with only `origin_access_control_id`.
        out.insert("S3OriginConfig".into(), json!({}));
    }
    let extra = OriginExtra {
        id,
        pointer: o.pointer.clone(),
        unresolved,
    };
    (Value::Object(out), extra)
}

fn custom_origin(c: &Node<'_>, unresolved: &mut Vec<Unresolved>) -> Value {
    let prefix = "custom_origin_config[0]";
    let mut port = |attr: &str, default: u64, blocks: bool| match c.get(attr).u64() {
        Some(p) => p,
        None => {
            if c.get(attr).is_unknown() {
                unresolved.push(unknown(&format!("{prefix}.{attr}"), blocks));
            }
            default
        }
    };
    let http_port = port("http_port", 80, false);
    let https_port = port("https_port", 443, true);
    let policy = c.get("origin_protocol_policy");
    if policy.is_unknown() {
        unresolved.push(unknown(&format!("{prefix}.origin_protocol_policy"), false));
    }
    let protocols = c.get("origin_ssl_protocols");
    if protocols.is_unknown() {
        unresolved.push(unknown(&format!("{prefix}.origin_ssl_protocols"), true));
    }
    let mut out = json!({
        "HTTPPort": http_port,
        "HTTPSPort": https_port,
        // Unknown: `http-only`, the one policy no rule reads as a choice already made.
        "OriginProtocolPolicy": policy.str().unwrap_or("http-only"),
        "OriginSslProtocols": { "Items": protocols.strings() },
    });
    for (attr, key) in [
        ("origin_read_timeout", "OriginReadTimeout"),
        ("origin_keepalive_timeout", "OriginKeepaliveTimeout"),
    ] {
        if let Some(n) = c.get(attr).u64() {
            out[key] = json!(n);
        }
    }
    if let Some(t) = c.get("ip_address_type").str() {
        out["IpAddressType"] = json!(t);
    }
    out
}

fn group(g: &Node<'_>) -> Value {
    let members: Vec<Value> = g
        .get("member")
        .items()
        .iter()
        .map(|m| json!({ "OriginId": m.get("origin_id").str().unwrap_or_default() }))
        .collect();
    let codes: Vec<u64> = g
        .block("failover_criteria")
        .map(|f| {
            f.get("status_codes")
                .items()
                .iter()
                .filter_map(Node::u64)
                .collect()
        })
        .unwrap_or_default();
    json!({
        "Id": g.get("origin_id").str().unwrap_or_default(),
        "FailoverCriteria": { "StatusCodes": { "Items": codes } },
        "Members": { "Items": members },
    })
}

/// A VPC origin this plan creates has no ID until apply, so the origin using it has an unknown
/// `vpc_origin_id`. It is tied to the resource (its address stands for the ID) where that is
/// certain: one origin has an unknown `vpc_origin_id`, and the configuration's origins refer to
/// exactly one VPC origin resource, which this plan creates (planned origins are a set, in hash
/// order, so a configuration block is tied to an origin only through what is unknown).
fn tie_new_vpc_origin(
    origins: &mut [Value],
    expressions: Option<&Value>,
    module: &str,
    new_vpc_origins: &[String],
) {
    let unknown: Vec<usize> = (0..origins.len())
        .filter(|&i| origins[i]["VpcOriginConfig"]["VpcOriginId"] == KNOWN_AFTER_APPLY)
        .collect();
    let [only] = unknown.as_slice() else {
        return;
    };
    let Some(written) = expressions
        .and_then(|e| e.get("origin"))
        .and_then(Value::as_array)
    else {
        return;
    };
    let referred: Vec<String> = written
        .iter()
        .filter_map(|o| {
            let id = o.get("vpc_origin_config")?.get(0)?.get("vpc_origin_id")?;
            refs::resource_in(id, module, VPC_ORIGIN)
        })
        .collect();
    let [address] = referred.as_slice() else {
        return;
    };
    let created: Vec<&String> = new_vpc_origins
        .iter()
        .filter(|a| refs::without_keys(a) == refs::without_keys(address))
        .collect();
    if let [created] = created.as_slice() {
        origins[*only]["VpcOriginConfig"]["VpcOriginId"] = json!(created);
    }
}

/// The origin a behavior reaches when its `target_origin_id` is known only after apply, where
/// that can still be told for certain (`TargetOriginId` must name an origin or a group):
/// - the distribution has one origin and no group, so every behavior reaches it;
/// - the configuration writes the target with the very expression one origin's `origin_id` is
///   written with, and that origin is the only one whose ID is unknown (planned origins are a
///   set, in hash order, so an expression is tied to an origin only through what is unknown).
fn reached_origin(
    origins: &[OriginExtra],
    no_groups: bool,
    expressions: Option<&Value>,
    block: &str,
    index: usize,
) -> Option<String> {
    if let [only] = origins
        && no_groups
    {
        return Some(only.id.clone());
    }
    let target = expressions?
        .get(block)?
        .get(index)?
        .get("target_origin_id")?;
    let written = expressions?.get("origin")?.as_array()?;
    let same: Vec<&Value> = written
        .iter()
        .filter(|o| o.get("origin_id") == Some(target))
        .collect();
    let unknown: Vec<&OriginExtra> = origins
        .iter()
        .filter(|o| o.unresolved.iter().any(|u| u.setting == "origin_id"))
        .collect();
    match (same.as_slice(), unknown.as_slice()) {
        ([_], [only]) if target.get("references").is_some() => Some(only.id.clone()),
        _ => None,
    }
}

/// One cache behavior in the CLI shape. `reference(attr, resource type)` finds the policy
/// resource an unknown policy ID refers to in the configuration.
fn behavior(
    b: &Node<'_>,
    reaches: impl Fn() -> Option<String>,
    reference: impl Fn(&str, &str) -> Option<String>,
) -> Result<Value, String> {
    let known = b.get("target_origin_id").str().map(str::to_string);
    let Some(target) = known.or_else(reaches) else {
        return Err(format!(
            "{}: target_origin_id is {KNOWN_AFTER_APPLY}; which origin the behavior reaches cannot be told",
            b.pointer
        ));
    };
    let mut out = json!({
        "TargetOriginId": target,
        // Unknown: `redirect-to-https`, the one policy no rule reads as letting HTTP in.
        "ViewerProtocolPolicy": b.get("viewer_protocol_policy").str().unwrap_or("redirect-to-https"),
        "AllowedMethods": { "Items": b.get("allowed_methods").strings() },
    });
    put_str(
        out.as_object_mut().expect("built as an object"),
        "PathPattern",
        b.get("path_pattern").str(),
    );
    for (attr, key, target) in [
        ("cache_policy_id", "CachePolicyId", CACHE),
        (
            "origin_request_policy_id",
            "OriginRequestPolicyId",
            ORIGIN_REQUEST,
        ),
    ] {
        let id = b.get(attr);
        let value = match id.str() {
            Some(id) => Some(id.to_string()),
            // A new policy: the ID is known after apply, the resource now.
            None if id.is_unknown() => {
                Some(reference(attr, target).unwrap_or_else(|| KNOWN_AFTER_APPLY.to_string()))
            }
            None => None,
        };
        if let Some(v) = value {
            out[key] = json!(v);
        }
    }
    if let Some(fv) = b.block("forwarded_values") {
        out["ForwardedValues"] = json!({ "Headers": { "Items": fv.get("headers").strings() } });
    }
    if let Some(enabled) = b.block("grpc_config").and_then(|g| g.get("enabled").bool()) {
        out["GrpcConfig"] = json!({ "Enabled": enabled });
    }
    let lambdas: Vec<Value> = b
        .get("lambda_function_association")
        .items()
        .iter()
        .filter_map(|l| l.get("event_type").str())
        .map(|e| json!({ "EventType": e }))
        .collect();
    out["LambdaFunctionAssociations"] = json!({ "Items": lambdas });
    Ok(out)
}
