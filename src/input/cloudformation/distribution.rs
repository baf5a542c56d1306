//! One `AWS::CloudFront::Distribution` resource: its `DistributionConfig` resolved
//! (`intrinsic`), rewritten in the AWS CLI shape (plain lists become `{Items}`,
//! `OriginCustomHeaders` become `CustomHeaders`, `OriginSSLProtocols` `OriginSslProtocols`,
//! string ports numbers, the legacy `CustomOrigin` / `S3Origin` forms one origin), and built by
//! `input::cloudfront`; each origin gets its line and the expressions that could not be
//! resolved. Pure.

use serde_json::{Map, Value as Json, json};

use super::intrinsic::{Context, Leaf, json_text};
use super::yaml::Node;
use crate::input::cloudfront::{self, Distribution, SourceLocation, Unresolved};
use crate::sanitize;

/// The origin settings the probe needs: unresolved, the origin is not probed.
const PROBE_NEEDS: [&str; 3] = [
    "DomainName",
    "CustomOriginConfig.HTTPSPort",
    "CustomOriginConfig.OriginSSLProtocols",
];

/// Reads resolved values, noting each unresolved one for the origin being read.
struct Reader<'c, 'a> {
    ctx: &'c Context<'a>,
    unresolved: Vec<Unresolved>,
}

impl Reader<'_, '_> {
    /// The value at `key` of `object`; an unresolved one is noted under `setting` and is `None`.
    fn get<'v>(&mut self, object: &'v Json, key: &str, setting: &str) -> Option<&'v Json> {
        match self.ctx.leaf(object.get(key)) {
            Leaf::Known(v) => Some(v),
            Leaf::Absent => None,
            Leaf::Unresolved(expression) => {
                self.unresolved.push(Unresolved {
                    setting: setting.to_string(),
                    expression: expression.text.clone(),
                    blocks_probe: PROBE_NEEDS.contains(&setting),
                    line: Some(expression.line),
                });
                None
            }
        }
    }

    fn text(&mut self, object: &Json, key: &str, setting: &str) -> Option<String> {
        self.get(object, key, setting).and_then(json_text)
    }

    /// A number, also written as a string (`HTTPSPort: "443"`).
    fn number(&mut self, object: &Json, key: &str, setting: &str) -> Option<u64> {
        self.text(object, key, setting)
            .and_then(|t| t.trim().parse().ok())
    }

    /// A list of strings (`["TLSv1.2"]`, or `{Items: [...]}`); an unresolved element makes the
    /// whole list unresolved.
    fn list(&mut self, object: &Json, key: &str, setting: &str) -> Option<Vec<String>> {
        let list = self.get(object, key, setting)?;
        let items = list.get("Items").unwrap_or(list).as_array()?;
        let mut out = Vec::new();
        for item in items {
            match self.ctx.leaf(Some(item)) {
                Leaf::Known(v) => out.extend(json_text(v)),
                Leaf::Absent => {}
                Leaf::Unresolved(expression) => {
                    self.unresolved.push(Unresolved {
                        setting: setting.to_string(),
                        expression: expression.text.clone(),
                        blocks_probe: PROBE_NEEDS.contains(&setting),
                        line: Some(expression.line),
                    });
                    return None;
                }
            }
        }
        Some(out)
    }
}

/// The model of the distribution `id` (its resource node `resource`), or one line saying why not.
pub(super) fn distribution(
    ctx: &mut Context<'_>,
    source: &str,
    id: &str,
    resource: &Node,
) -> Result<Distribution, String> {
    let shown = sanitize::text(id);
    let base = format!(
        "/Resources/{}/Properties/DistributionConfig",
        id.replace('~', "~0").replace('/', "~1")
    );
    let config_node = resource
        .get("Properties")
        .and_then(|p| p.get("DistributionConfig"))
        .ok_or_else(|| format!("{shown}: no Properties.DistributionConfig"))?;
    let config = ctx.resolve(config_node).unwrap_or(Json::Null);
    let mut read = Reader {
        ctx,
        unresolved: Vec::new(),
    };
    let mut out = Map::new();
    out.insert("Enabled".into(), json!(true));
    let aliases = read.list(&config, "Aliases", "Aliases").unwrap_or_default();
    let dist_unresolved = std::mem::take(&mut read.unresolved);
    out.insert("Aliases".into(), json!({ "Items": aliases }));
    let mut origins = Vec::new();
    let mut extras = Vec::new();
    let origin_items = match read.get(&config, "Origins", "Origins") {
        Some(Json::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    let source_items = config_node
        .get("Origins")
        .map(Node::items)
        .unwrap_or_default();
    for (i, o) in origin_items.iter().enumerate() {
        let origin = origin(&mut read, o, i);
        let place = source_items
            .get(i)
            .filter(|_| source_items.len() == origin_items.len());
        extras.push((
            origin["Id"].as_str().unwrap_or_default().to_string(),
            i,
            place.map(|n| (n.line, n.column)),
            std::mem::take(&mut read.unresolved),
        ));
        origins.push(origin);
    }
    // The legacy form: one `CustomOrigin` (or `S3Origin`) instead of `Origins`.
    let default = config
        .get("DefaultCacheBehavior")
        .cloned()
        .unwrap_or(Json::Null);
    for (key, custom) in [("CustomOrigin", true), ("S3Origin", false)] {
        let Some(legacy) = config.get(key).filter(|_| origins.is_empty()) else {
            continue;
        };
        let legacy_id = read
            .text(
                &default,
                "TargetOriginId",
                "DefaultCacheBehavior.TargetOriginId",
            )
            .unwrap_or_else(|| key.to_string());
        let mut o = json!({ "Id": legacy_id });
        if let Some(name) = legacy.get("DNSName") {
            o["DomainName"] = name.clone();
        }
        if custom {
            o["CustomOriginConfig"] = legacy.clone();
        } else {
            o["S3OriginConfig"] = json!({});
        }
        let origin = origin(&mut read, &o, 0);
        let place = config_node.get(key).map(|n| (n.line, n.column));
        extras.push((
            legacy_id,
            usize::MAX,
            place,
            std::mem::take(&mut read.unresolved),
        ));
        origins.push(origin);
    }
    out.insert("Origins".into(), json!({ "Items": origins }));
    if let Some(groups) = config.get("OriginGroups") {
        out.insert("OriginGroups".into(), groups.clone());
    }
    out.insert(
        "DefaultCacheBehavior".into(),
        behavior(&mut read, &default, "DefaultCacheBehavior", &shown)?,
    );
    let mut ordered = Vec::new();
    if let Some(Json::Array(items)) = read.get(&config, "CacheBehaviors", "CacheBehaviors") {
        for (i, b) in items.clone().iter().enumerate() {
            ordered.push(behavior(
                &mut read,
                b,
                &format!("CacheBehaviors[{i}]"),
                &shown,
            )?);
        }
    }
    let ordered_len = ordered.len();
    out.insert("CacheBehaviors".into(), json!({ "Items": ordered }));
    let mut dist_unresolved = dist_unresolved;
    dist_unresolved.append(&mut read.unresolved);
    let mut dist = cloudfront::distribution_from_config(Json::Object(out), &shown)?;
    let location = |pointer: String, line: Option<(u32, u32)>, edit_path: String| SourceLocation {
        file: source.to_string(),
        address: Some(shown.clone()),
        pointer: Some(pointer),
        line: line.map(|l| l.0),
        column: line.map(|l| l.1),
        edit_path: Some(edit_path),
    };
    dist.location = Some(location(
        base.clone(),
        Some((resource.line, resource.column)),
        format!("Resources.{shown}"),
    ));
    for o in &mut dist.origins {
        let Some((_, index, place, unresolved)) = extras.iter().find(|e| e.0 == o.id) else {
            continue;
        };
        let (pointer, edit) = if *index == usize::MAX {
            (
                format!("{base}/CustomOrigin"),
                format!("Resources.{shown}.Properties.DistributionConfig.CustomOrigin"),
            )
        } else {
            (
                format!("{base}/Origins/{index}"),
                format!("Resources.{shown}.Properties.DistributionConfig.Origins[{index}]"),
            )
        };
        o.location = Some(location(pointer, *place, edit));
        o.unresolved = unresolved.clone();
        o.unresolved.extend(dist_unresolved.iter().cloned());
    }
    // Each behavior's line to change: its `ViewerProtocolPolicy`, else the behavior itself;
    // for ordered ones only when the template writes the list itself (not through `!If`).
    let place = |b: &Node| {
        let n = b.get("ViewerProtocolPolicy").unwrap_or(b);
        (n.line, n.column)
    };
    let default_place = config_node.get("DefaultCacheBehavior").map(place);
    let behavior_items = config_node
        .get("CacheBehaviors")
        .map(Node::items)
        .unwrap_or_default();
    for b in dist.origins.iter_mut().flat_map(|o| o.behaviors.iter_mut()) {
        let (pointer, place, edit) = match b.position {
            None => (
                format!("{base}/DefaultCacheBehavior"),
                default_place,
                format!("Resources.{shown}.Properties.DistributionConfig.DefaultCacheBehavior"),
            ),
            Some(i) => (
                format!("{base}/CacheBehaviors/{i}"),
                behavior_items
                    .get(i)
                    .filter(|_| behavior_items.len() == ordered_len)
                    .map(place),
                format!("Resources.{shown}.Properties.DistributionConfig.CacheBehaviors[{i}]"),
            ),
        };
        b.location = Some(location(pointer, place, edit));
    }
    Ok(dist)
}

/// One origin in the CLI shape.
fn origin(read: &mut Reader<'_, '_>, o: &Json, index: usize) -> Json {
    let id = read
        .text(o, "Id", "Id")
        .unwrap_or_else(|| format!("Origins[{index}]"));
    let before = read.unresolved.len();
    let mut out = json!({ "Id": id });
    match read.text(o, "DomainName", "DomainName") {
        Some(domain) => out["DomainName"] = json!(domain),
        // Unresolved: the expression stands in the name's place (and the origin is not probed).
        None if read.unresolved.len() > before => {
            out["DomainName"] = json!(read.unresolved[before].expression.clone());
        }
        // Missing: the model's own check names the field.
        None => {}
    }
    if let Some(path) = read.text(o, "OriginPath", "OriginPath") {
        out["OriginPath"] = json!(path);
    }
    for key in ["ConnectionAttempts", "ConnectionTimeout"] {
        if let Some(n) = read.number(o, key, key) {
            out[key] = json!(n);
        }
    }
    let mut headers = Vec::new();
    if let Some(Json::Array(items)) = read.get(o, "OriginCustomHeaders", "OriginCustomHeaders") {
        for h in items.clone() {
            let name = read
                .text(&h, "HeaderName", "OriginCustomHeaders.HeaderName")
                .unwrap_or_default();
            let setting = format!("OriginCustomHeaders[\"{name}\"].HeaderValue");
            // The value goes straight into the model's `Redacted`; it is never shown.
            let value = read.text(&h, "HeaderValue", &setting).unwrap_or_default();
            headers.push(json!({ "HeaderName": name, "HeaderValue": value }));
        }
    }
    out["CustomHeaders"] = json!({ "Items": headers });
    if let Some(c) = read
        .get(o, "CustomOriginConfig", "CustomOriginConfig")
        .cloned()
    {
        let https = read.number(&c, "HTTPSPort", "CustomOriginConfig.HTTPSPort");
        let mut custom = json!({
            "HTTPPort": read.number(&c, "HTTPPort", "CustomOriginConfig.HTTPPort").unwrap_or(80),
            "HTTPSPort": https.unwrap_or(443),
            "OriginProtocolPolicy": read
                .text(&c, "OriginProtocolPolicy", "CustomOriginConfig.OriginProtocolPolicy")
                .unwrap_or_else(|| "http-only".to_string()),
        });
        let protocols = read.list(
            &c,
            "OriginSSLProtocols",
            "CustomOriginConfig.OriginSSLProtocols",
        );
        custom["OriginSslProtocols"] = json!({ "Items": protocols.unwrap_or_default() });
        for key in ["OriginReadTimeout", "OriginKeepaliveTimeout"] {
            if let Some(n) = read.number(&c, key, &format!("CustomOriginConfig.{key}")) {
                custom[key] = json!(n);
            }
        }
        if let Some(t) = read.text(&c, "IpAddressType", "CustomOriginConfig.IpAddressType") {
            custom["IpAddressType"] = json!(t);
        }
        out["CustomOriginConfig"] = custom;
    } else if let Some(v) = read.get(o, "VpcOriginConfig", "VpcOriginConfig").cloned() {
        let id = read
            .text(&v, "VpcOriginId", "VpcOriginConfig.VpcOriginId")
            .unwrap_or_else(|| "(unresolved)".to_string());
        out["VpcOriginConfig"] = json!({ "VpcOriginId": id });
    } else {
        out["S3OriginConfig"] = json!({});
    }
    out
}

/// One cache behavior in the CLI shape; an unresolved `TargetOriginId` is the distribution's
/// error (which origin it reaches cannot be told).
fn behavior(read: &mut Reader<'_, '_>, b: &Json, path: &str, dist: &str) -> Result<Json, String> {
    let before = read.unresolved.len();
    let target = read.text(b, "TargetOriginId", &format!("{path}.TargetOriginId"));
    let Some(target) = target else {
        let why = read
            .unresolved
            .get(before)
            .map_or("missing".to_string(), |u| {
                format!("unresolved ({})", u.expression)
            });
        read.unresolved.truncate(before);
        return Err(format!(
            "{dist}: {path}.TargetOriginId is {why}; which origin the behavior reaches cannot be told"
        ));
    };
    let mut out = json!({
        "TargetOriginId": target,
        // Unresolved: `redirect-to-https`, the one policy no rule reads as letting HTTP in.
        "ViewerProtocolPolicy": read.text(b, "ViewerProtocolPolicy", &format!("{path}.ViewerProtocolPolicy")).unwrap_or_else(|| "redirect-to-https".to_string()),
        "AllowedMethods": { "Items": read.list(b, "AllowedMethods", &format!("{path}.AllowedMethods")).unwrap_or_default() },
    });
    if let Some(p) = read.text(b, "PathPattern", &format!("{path}.PathPattern")) {
        out["PathPattern"] = json!(p);
    }
    for key in ["CachePolicyId", "OriginRequestPolicyId"] {
        match read.ctx.leaf(b.get(key)) {
            Leaf::Known(v) => {
                out[key] = json!(json_text(v).unwrap_or_default());
            }
            // An ID that cannot be resolved is a policy whose contents are unknown.
            Leaf::Unresolved(expression) => out[key] = json!(expression.text),
            Leaf::Absent => {}
        }
    }
    if let Some(fv) = b.get("ForwardedValues") {
        let headers = read
            .list(fv, "Headers", &format!("{path}.ForwardedValues.Headers"))
            .unwrap_or_default();
        out["ForwardedValues"] = json!({ "Headers": { "Items": headers } });
    }
    if let Some(Json::Array(items)) = b.get("LambdaFunctionAssociations") {
        let events: Vec<Json> = items
            .iter()
            .filter_map(|l| l.get("EventType").and_then(json_text))
            .map(|e| json!({ "EventType": e }))
            .collect();
        out["LambdaFunctionAssociations"] = json!({ "Items": events });
    }
    Ok(out)
}
