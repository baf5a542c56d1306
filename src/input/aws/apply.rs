//! `--apply`: the update of one distribution, built from the SDK's own `DistributionConfig`.
//!
//! - [`edit`] (pure): a clone of the config read before probing, with the plan's decisions
//!   made on it (switched origins' `OriginProtocolPolicy` and `OriginSslProtocols`, the
//!   behaviors' `ViewerProtocolPolicy`), then checked: written as the CLI's JSON it must be
//!   exactly the plan's JSON, so what is sent is what was planned and shown, field for field.
//! - [`changes`] (pure): the fields that differ between two configs, as JSON paths with the
//!   old and new values; custom header values (and the model's other sensitive strings) are
//!   never in it.
//! - [`update`]: `UpdateDistribution` with `If-Match`; [`wait_deployed`]: `GetDistribution`
//!   until `Deployed`, under a deadline.

use std::time::{Duration, Instant};

use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::types::{
    DistributionConfig, OriginProtocolPolicy, OriginSslProtocols, SslProtocol, ViewerProtocolPolicy,
};
use serde_json::Value;

use super::cli_json::distribution_config as cli_json;
use super::error::{ApiError, classify};
use crate::plan::{Plan, PlannedChange};
use crate::sanitize;

/// One field that the update changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// `Origins.Items[Id=api].CustomOriginConfig.OriginProtocolPolicy` (sanitised).
    pub path: String,
    /// The values as compact JSON (sanitised); `(absent)` when the field is not there.
    pub old: String,
    pub new: String,
}

/// What a successful `UpdateDistribution` returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Updated {
    /// The distribution's new ETag: the `--if-match` of the next update (the rollback).
    pub etag: Option<String>,
}

/// The SDK config with the plan made on it, or why it cannot be sent.
pub(crate) fn edit(
    original: &DistributionConfig,
    plan: &Plan,
) -> Result<DistributionConfig, String> {
    let mut edited = original.clone();
    let origins = edited
        .origins
        .as_mut()
        .map(|o| o.items.as_mut_slice())
        .unwrap_or_default();
    for planned in &plan.origins {
        let PlannedChange::Switched { ssl_protocols, .. } = &planned.change else {
            continue;
        };
        let config = origins
            .iter_mut()
            .find(|o| o.id == planned.origin_id)
            .and_then(|o| o.custom_origin_config.as_mut())
            .ok_or_else(|| {
                format!(
                    "origin {} has no CustomOriginConfig in the config read",
                    sanitize::text(&planned.origin_id)
                )
            })?;
        config.origin_protocol_policy = OriginProtocolPolicy::HttpsOnly;
        let items: Vec<SslProtocol> = ssl_protocols
            .iter()
            .map(|p| SslProtocol::from(p.as_str()))
            .collect();
        let quantity = i32::try_from(items.len()).unwrap_or(i32::MAX);
        config.origin_ssl_protocols = Some(
            OriginSslProtocols::builder()
                .quantity(quantity)
                .set_items(Some(items))
                .build()
                .map_err(|e| format!("OriginSslProtocols: {e}"))?,
        );
    }
    // The behaviors' viewer protocol policies as the plan's JSON has them (the plan decides
    // which; this copies its decision onto the SDK's types, in the same order).
    let planned = plan.config().expose();
    let policy = |b: Option<&Value>| {
        b.and_then(|b| b.get("ViewerProtocolPolicy"))
            .and_then(Value::as_str)
            .map(ViewerProtocolPolicy::from)
    };
    if let (Some(b), Some(p)) = (
        edited.default_cache_behavior.as_mut(),
        policy(planned.get("DefaultCacheBehavior")),
    ) {
        b.viewer_protocol_policy = p;
    }
    let planned_items = planned
        .get("CacheBehaviors")
        .and_then(|c| c.get("Items"))
        .and_then(Value::as_array);
    let items = edited
        .cache_behaviors
        .as_mut()
        .and_then(|c| c.items.as_mut());
    for (i, b) in items.into_iter().flatten().enumerate() {
        if let Some(p) = policy(planned_items.and_then(|items| items.get(i))) {
            b.viewer_protocol_policy = p;
        }
    }
    let sent = cli_json(&edited);
    if &sent != planned {
        let differ: Vec<String> = changes(planned, &sent)
            .into_iter()
            .map(|c| c.path)
            .collect();
        return Err(format!(
            "the update built from the SDK's config differs from the plan at {}; nothing is sent",
            differ.join(", ")
        ));
    }
    Ok(edited)
}

/// Parts of the config whose values never reach output: custom header values (secrets that
/// lock an origin to CloudFront) and the model's other sensitive strings.
const SECRET_PARTS: [&str; 2] = ["CustomHeaders", "StringSchema"];

/// Every field that differs between `before` and `after`, in document order. Lists of plain
/// values are one field (`OriginSslProtocols.Items: ["TLSv1.1","TLSv1.2"] -> ["TLSv1.2"]`);
/// list entries that are objects are named by their `Id` or `PathPattern` when they have one.
pub(crate) fn changes(before: &Value, after: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(Some(before), Some(after), "", &mut out);
    out
}

fn walk(before: Option<&Value>, after: Option<&Value>, path: &str, out: &mut Vec<Change>) {
    if before == after {
        return;
    }
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let keys = b.keys().chain(a.keys().filter(|k| !b.contains_key(*k)));
            for k in keys {
                walk(b.get(k), a.get(k), &join(path, k), out);
            }
        }
        (Some(Value::Array(b)), Some(Value::Array(a)))
            if b.iter().chain(a).all(Value::is_object) =>
        {
            for i in 0..b.len().max(a.len()) {
                let entry = b.get(i).or(a.get(i));
                walk(
                    b.get(i),
                    a.get(i),
                    &format!("{path}[{}]", label(entry, i)),
                    out,
                );
            }
        }
        _ => {
            let secret = SECRET_PARTS.iter().any(|p| path.contains(p));
            let show = |v: Option<&Value>| match v {
                None => "(absent)".to_string(),
                Some(_) if secret => "<redacted>".to_string(),
                Some(v) => sanitize::text(&v.to_string()),
            };
            out.push(Change {
                path: sanitize::text(path),
                old: show(before),
                new: show(after),
            });
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// `Id=api`, `PathPattern=/img/*`, else the index.
fn label(entry: Option<&Value>, index: usize) -> String {
    for key in ["Id", "PathPattern"] {
        if let Some(v) = entry.and_then(|e| e.get(key)).and_then(Value::as_str) {
            return format!("{key}={v}");
        }
    }
    index.to_string()
}

/// `UpdateDistribution` of `id` with `If-Match: etag`. A `PreconditionFailed` (the
/// distribution changed since it was read) is an error like any other: nothing was written.
pub(crate) async fn update(
    client: &Client,
    id: &str,
    etag: &str,
    config: DistributionConfig,
) -> Result<Updated, ApiError> {
    let out = client
        .update_distribution()
        .id(id)
        .if_match(etag)
        .distribution_config(config)
        .send()
        .await
        .map_err(|e| classify("cloudfront:UpdateDistribution", Some(id), &e))?;
    Ok(Updated {
        etag: out.e_tag().map(str::to_string),
    })
}

/// How often [`wait_deployed`] asks: a twentieth of the deadline, between 250 ms and 20 s
/// (CloudFront takes minutes to deploy; a short deadline, as in tests, asks more often).
fn poll_interval(timeout: Duration) -> Duration {
    (timeout / 20).clamp(Duration::from_millis(250), Duration::from_secs(20))
}

/// How the wait for one distribution ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Waited {
    Deployed {
        after: Duration,
    },
    /// Still this status at the deadline.
    TimedOut {
        status: String,
    },
}

/// Polls `GetDistribution` until its `Status` is `Deployed` or `timeout` has passed;
/// `progress` is called with the status after each answer.
pub(crate) async fn wait_deployed(
    client: &Client,
    id: &str,
    timeout: Duration,
    mut progress: impl FnMut(&str, Duration),
) -> Result<Waited, ApiError> {
    let started = Instant::now();
    let interval = poll_interval(timeout);
    loop {
        let out = client
            .get_distribution()
            .id(id)
            .send()
            .await
            .map_err(|e| classify("cloudfront:GetDistribution", Some(id), &e))?;
        let status = out
            .distribution()
            .map(|d| d.status().to_string())
            .unwrap_or_default();
        progress(&status, started.elapsed());
        if status == "Deployed" {
            return Ok(Waited::Deployed {
                after: started.elapsed(),
            });
        }
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Ok(Waited::TimedOut { status });
        }
        tokio::time::sleep(interval.min(left)).await;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn changes_name_the_fields_and_never_a_header_value() {
        let before = json!({"Origins": {"Quantity": 1, "Items": [{
            "Id": "api",
            "CustomHeaders": {"Quantity": 1, "Items": [{"HeaderName": "X-Secret", "HeaderValue": "old-s3cr3t"}]},
            "CustomOriginConfig": {"OriginProtocolPolicy": "match-viewer",
                "OriginSslProtocols": {"Quantity": 2, "Items": ["TLSv1.1", "TLSv1.2"]}}}]},
            "CacheBehaviors": {"Quantity": 1, "Items": [{"PathPattern": "/img/*", "ViewerProtocolPolicy": "allow-all"}]}});
        let mut after = before.clone();
        after["Origins"]["Items"][0]["CustomOriginConfig"]["OriginProtocolPolicy"] =
            json!("https-only");
        after["Origins"]["Items"][0]["CustomOriginConfig"]["OriginSslProtocols"] =
            json!({"Quantity": 1, "Items": ["TLSv1.2"]});
        after["Origins"]["Items"][0]["CustomHeaders"]["Items"][0]["HeaderValue"] =
            json!("new-s3cr3t");
        after["CacheBehaviors"]["Items"][0]["ViewerProtocolPolicy"] = json!("redirect-to-https");
        let shown: Vec<String> = changes(&before, &after)
            .iter()
            .map(|c| format!("{}: {} -> {}", c.path, c.old, c.new))
            .collect();
        assert_eq!(
            shown,
            [
                "Origins.Items[Id=api].CustomHeaders.Items[0].HeaderValue: <redacted> -> <redacted>",
                "Origins.Items[Id=api].CustomOriginConfig.OriginProtocolPolicy: \"match-viewer\" -> \"https-only\"",
                "Origins.Items[Id=api].CustomOriginConfig.OriginSslProtocols.Quantity: 2 -> 1",
                "Origins.Items[Id=api].CustomOriginConfig.OriginSslProtocols.Items: [\"TLSv1.1\",\"TLSv1.2\"] -> [\"TLSv1.2\"]",
                "CacheBehaviors.Items[PathPattern=/img/*].ViewerProtocolPolicy: \"allow-all\" -> \"redirect-to-https\"",
            ]
        );
        assert!(!shown.concat().contains("s3cr3t"));
        assert!(changes(&before, &before).is_empty());
    }

    #[test]
    fn the_poll_interval_follows_the_deadline() {
        assert_eq!(
            poll_interval(Duration::from_secs(1800)),
            Duration::from_secs(20)
        );
        assert_eq!(
            poll_interval(Duration::from_secs(2)),
            Duration::from_millis(250)
        );
        assert_eq!(
            poll_interval(Duration::from_secs(60)),
            Duration::from_secs(3)
        );
    }
}
