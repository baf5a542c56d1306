//! Every read of the AWS API, and nothing else: the SDK client as the AWS CLI would configure
//! it, then `ListDistributions`, `GetDistributionConfig` (or `GetDistribution` for a
//! `--distribution-id`), `GetOriginRequestPolicy`, `GetCachePolicy`, `GetVpcOrigin`
//! (`--apply`'s `UpdateDistribution` and `--wait`'s polling are in `apply.rs`). Each failure becomes an [`ApiError`] naming
//! the IAM action.

use aws_config::{BehaviorVersion, Region};
use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::config::ProvideCredentials;
use aws_sdk_cloudfront::types::{
    CachePolicy, DistributionConfig, DistributionSummary, OriginRequestPolicy,
};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use super::error::{ApiError, Failure, causes, classify};
use super::map::Listed;
use super::unwritten::{RawBody, unwritten_fields};

/// CloudFront is a global service; its API lives in us-east-1 (the AWS CLI signs for it there
/// whatever the profile's region).
const REGION: &str = "us-east-1";

/// How to reach the API: the flags that mirror the AWS CLI's.
#[derive(Debug, Clone, Default)]
pub(crate) struct Connection {
    /// `--profile`: a profile of the shared config and credentials files.
    pub profile: Option<String>,
    /// `--endpoint-url`: another endpoint (an emulator, a VPC endpoint).
    pub endpoint_url: Option<String>,
}

/// The client, with credentials already found: a missing or broken credential source is one
/// clear error before any call.
pub(crate) async fn connect(conn: &Connection) -> Result<Client, ApiError> {
    // The SDK's HTTP client on rustls with ring, the provider this crate already builds
    // (the SDK's default would compile aws-lc).
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .region(Region::new(REGION));
    if let Some(p) = &conn.profile {
        loader = loader.profile_name(p);
    }
    if let Some(url) = &conn.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    let no_credentials = |why: String| ApiError {
        action: "credentials",
        resource: conn.profile.as_ref().map(|p| format!("profile {p}")),
        failure: Failure::NoCredentials(why),
    };
    let Some(provider) = config.credentials_provider() else {
        return Err(no_credentials("no credential provider".to_string()));
    };
    if let Err(e) = provider.provide_credentials().await {
        let text = causes(&e);
        return Err(no_credentials(text));
    }
    Ok(Client::new(&config))
}

/// Every distribution of the account, following `NextMarker` until the list ends.
pub(crate) async fn list_distributions(
    client: &Client,
) -> Result<Vec<DistributionSummary>, ApiError> {
    const ACTION: &str = "cloudfront:ListDistributions";
    let mut all = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = client
            .list_distributions()
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| classify(ACTION, None, &e))?;
        let Some(list) = page.distribution_list() else {
            break;
        };
        all.extend(list.items().iter().cloned());
        match list.next_marker().filter(|m| !m.is_empty()) {
            // A marker that does not move would loop for ever.
            Some(next) if list.is_truncated() && marker.as_deref() != Some(next) => {
                marker = Some(next.to_string());
            }
            _ => break,
        }
    }
    Ok(all)
}

/// One distribution's config and its ETag (the `If-Match` of a later update).
/// Also: the fields of the answer the SDK could not read ([`unwritten_fields`]).
pub(crate) async fn distribution_config(
    client: &Client,
    id: &str,
) -> Result<(DistributionConfig, Option<String>, Vec<String>), ApiError> {
    const ACTION: &str = "cloudfront:GetDistributionConfig";
    let raw = RawBody::default();
    let out = client
        .get_distribution_config()
        .id(id)
        .customize()
        .interceptor(raw.clone())
        .send()
        .await
        .map_err(|e| classify(ACTION, Some(id), &e))?;
    let etag = out.e_tag().map(str::to_string);
    let config = out.distribution_config.ok_or_else(|| ApiError {
        action: ACTION,
        resource: Some(id.to_string()),
        failure: Failure::Other {
            code: "EmptyResponse".to_string(),
            message: "the answer has no DistributionConfig".to_string(),
        },
    })?;
    let unwritten = unwritten(&raw, &config);
    Ok((config, etag, unwritten))
}

/// A distribution named by `--distribution-id`, which no list page described: `GetDistribution`
/// gives its domain name (a viewer name of its own) with the config and the ETag.
pub(crate) async fn distribution(
    client: &Client,
    id: &str,
) -> Result<(Listed, DistributionConfig, Option<String>, Vec<String>), ApiError> {
    const ACTION: &str = "cloudfront:GetDistribution";
    let raw = RawBody::default();
    let out = client
        .get_distribution()
        .id(id)
        .customize()
        .interceptor(raw.clone())
        .send()
        .await
        .map_err(|e| classify(ACTION, Some(id), &e))?;
    let etag = out.e_tag().map(str::to_string);
    let found = out.distribution.and_then(|d| {
        let listed = Listed {
            id: d.id().to_string(),
            arn: d.arn().to_string(),
            status: d.status().to_string(),
            domain_name: d.domain_name().to_string(),
        };
        d.distribution_config.map(|c| (listed, c))
    });
    let (listed, config) = found.ok_or_else(|| ApiError {
        action: ACTION,
        resource: Some(id.to_string()),
        failure: Failure::Other {
            code: "EmptyResponse".to_string(),
            message: "the answer has no Distribution with a DistributionConfig".to_string(),
        },
    })?;
    let unwritten = unwritten(&raw, &config);
    Ok((listed, config, etag, unwritten))
}

/// The answer's fields that `config` (written as the CLI's JSON) lacks.
fn unwritten(raw: &RawBody, config: &DistributionConfig) -> Vec<String> {
    raw.take()
        .map(|body| unwritten_fields(&body, &super::cli_json::distribution_config(config)))
        .unwrap_or_default()
}

/// A custom origin request policy's contents.
pub(crate) async fn origin_request_policy(
    client: &Client,
    id: &str,
) -> Result<Option<OriginRequestPolicy>, ApiError> {
    let out = client
        .get_origin_request_policy()
        .id(id)
        .send()
        .await
        .map_err(|e| classify("cloudfront:GetOriginRequestPolicy", Some(id), &e))?;
    Ok(out.origin_request_policy)
}

/// A custom cache policy's contents.
pub(crate) async fn cache_policy(
    client: &Client,
    id: &str,
) -> Result<Option<CachePolicy>, ApiError> {
    let out = client
        .get_cache_policy()
        .id(id)
        .send()
        .await
        .map_err(|e| classify("cloudfront:GetCachePolicy", Some(id), &e))?;
    Ok(out.cache_policy)
}

/// A VPC origin's endpoint settings (`GetVpcOrigin`, fact 43), and the `ETag` that
/// `update-vpc-origin --if-match` needs.
pub(crate) async fn vpc_origin(
    client: &Client,
    id: &str,
) -> Result<(Option<aws_sdk_cloudfront::types::VpcOrigin>, Option<String>), ApiError> {
    let out = client
        .get_vpc_origin()
        .id(id)
        .send()
        .await
        .map_err(|e| classify("cloudfront:GetVpcOrigin", Some(id), &e))?;
    let etag = out.e_tag().map(str::to_string);
    Ok((out.vpc_origin, etag))
}
