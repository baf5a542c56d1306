//! From the SDK's types to the model: each distribution is written as the JSON the AWS CLI
//! prints for it (the whole config, by [`cli_json`](mod@cli_json)) and handed to the
//! file input's own parser, [`parse_document`]. So the API and a file give the same
//! [`Document`] for the same distribution, through one code path after this point.
//!
//! Pure: no I/O. Custom header values pass through a JSON tree in memory and become
//! [`crate::secret::Redacted`] in the parser, as for a file.

use aws_sdk_cloudfront::types::{
    CachePolicy, DistributionConfig, DistributionSummary, OriginRequestPolicy,
};
use serde_json::{Map, Value, json};

use super::cli_json;

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
/// The JSON is the whole config ([`cli_json`](mod@cli_json)), kept as the document's raw config: a plan
/// edits it exactly as it edits a file's.
pub(crate) fn document(
    source: &str,
    id: &str,
    listed: Option<&Listed>,
    config: &DistributionConfig,
    etag: Option<&str>,
) -> Result<Document, CloudFrontError> {
    let config = cli_json::distribution_config(config);
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
    Ok(doc)
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
