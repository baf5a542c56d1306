//! The AWS CLI JSON shapes, as explicit serde types (facts 36-39).
//!
//! Only the fields origin-probe reads are declared; every other field is ignored on purpose, so
//! new AWS fields never break parsing (the plan keeps them through the raw JSON tree instead).
//! `Quantity` fields are ignored too: the CLI omits `Items` when the quantity is 0, and the items
//! are what counts. These types never leave the `cloudfront` module; `assemble` turns them into
//! the model.

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::model::{OriginProtocolPolicy, SslProtocol, ViewerProtocolPolicy};
use crate::secret::Redacted;

/// `aws cloudfront get-distribution-config`.
#[derive(Debug, Deserialize)]
pub(super) struct GetDistributionConfigOutput {
    #[serde(rename = "ETag")]
    pub etag: Option<String>,
    #[serde(rename = "DistributionConfig")]
    pub distribution_config: DistributionBody,
}

/// `aws cloudfront get-distribution`.
#[derive(Debug, Deserialize)]
pub(super) struct GetDistributionOutput {
    #[serde(rename = "ETag")]
    pub etag: Option<String>,
    #[serde(rename = "Distribution")]
    pub distribution: DistributionWire,
}

/// `Distribution` of `get-distribution`: the config nested under its metadata.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DistributionWire {
    pub id: String,
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    pub status: Option<String>,
    pub domain_name: String,
    pub distribution_config: DistributionBody,
}

/// `aws cloudfront list-distributions` (one page, or the CLI's merge of all pages).
#[derive(Debug, Deserialize)]
pub(super) struct ListDistributionsOutput {
    #[serde(rename = "DistributionList")]
    pub distribution_list: DistributionListWire,
    /// Present when the CLI stopped early (`--max-items`): more distributions exist.
    #[serde(rename = "NextToken")]
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DistributionListWire {
    pub items: Option<Vec<DistributionBody>>,
    pub next_marker: Option<String>,
}

/// A `DistributionConfig`, or a `DistributionSummary` of a list page: the two share every field
/// read here, and the summary adds `Id`, `ARN`, `ETag`, `Status` and `DomainName` (which
/// `assemble` requires for summaries).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct DistributionBody {
    pub id: Option<String>,
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    #[serde(rename = "ETag")]
    pub etag: Option<String>,
    pub status: Option<String>,
    pub domain_name: Option<String>,
    pub enabled: Option<bool>,
    pub aliases: Option<List<String>>,
    pub origins: List<OriginWire>,
    pub origin_groups: Option<List<OriginGroupWire>>,
    pub default_cache_behavior: BehaviorWire,
    pub cache_behaviors: Option<List<BehaviorWire>>,
}

/// `{Quantity, Items}`: only `Items` is read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct List<T> {
    pub items: Option<Vec<T>>,
}

impl<T> List<T> {
    pub(super) fn into_items(self) -> Vec<T> {
        self.items.unwrap_or_default()
    }
}

/// Helper so optional lists read as empty.
pub(super) fn items<T>(list: Option<List<T>>) -> Vec<T> {
    list.map(List::into_items).unwrap_or_default()
}

/// `Origins.Items[]` (fact 37).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct OriginWire {
    pub id: String,
    pub domain_name: String,
    pub origin_path: Option<String>,
    pub custom_headers: Option<List<CustomHeaderWire>>,
    pub s3_origin_config: Option<IgnoredAny>,
    pub custom_origin_config: Option<CustomOriginConfigWire>,
    pub vpc_origin_config: Option<VpcOriginConfigWire>,
    pub connection_attempts: Option<u32>,
    pub connection_timeout: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CustomHeaderWire {
    pub header_name: String,
    pub header_value: Redacted,
}

/// `CustomOriginConfig`: `HTTPPort`, `HTTPSPort` and `OriginProtocolPolicy` are required.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct CustomOriginConfigWire {
    #[serde(rename = "HTTPPort")]
    pub http_port: u16,
    #[serde(rename = "HTTPSPort")]
    pub https_port: u16,
    pub origin_protocol_policy: OriginProtocolPolicy,
    pub origin_ssl_protocols: Option<List<SslProtocol>>,
    pub origin_read_timeout: Option<u32>,
    pub origin_keepalive_timeout: Option<u32>,
    pub ip_address_type: Option<String>,
    pub origin_mtls_config: Option<OriginMtlsConfigWire>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct OriginMtlsConfigWire {
    pub client_certificate_arn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct VpcOriginConfigWire {
    pub vpc_origin_id: String,
    pub owner_account_id: Option<String>,
}

/// `OriginGroups.Items[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct OriginGroupWire {
    pub id: String,
    /// Required by the API; a document without it is read as "no status codes" (fact 47).
    pub failover_criteria: Option<FailoverCriteriaWire>,
    pub members: List<OriginGroupMemberWire>,
}

/// `FailoverCriteria`: the primary's status codes that send the request to the secondary.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct FailoverCriteriaWire {
    pub status_codes: Option<List<u16>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct OriginGroupMemberWire {
    pub origin_id: String,
}

/// `DefaultCacheBehavior` and `CacheBehaviors.Items[]` (fact 38). `PathPattern` is required for
/// the latter; `assemble` checks it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct BehaviorWire {
    pub path_pattern: Option<String>,
    pub target_origin_id: String,
    pub viewer_protocol_policy: ViewerProtocolPolicy,
    pub cache_policy_id: Option<String>,
    pub origin_request_policy_id: Option<String>,
    pub forwarded_values: Option<ForwardedValuesWire>,
    /// `AllowedMethods.Items`; absent means the API default, GET and HEAD.
    pub allowed_methods: Option<List<String>>,
    /// `GrpcConfig.Enabled` (origin mTLS is not available with gRPC, fact 42).
    pub grpc_config: Option<GrpcConfigWire>,
    /// Lambda@Edge triggers; origin-request / origin-response ones rule out origin mTLS (fact 42).
    pub lambda_function_associations: Option<List<LambdaAssociationWire>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GrpcConfigWire {
    pub enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct LambdaAssociationWire {
    pub event_type: Option<String>,
}

/// Legacy `ForwardedValues`: only `Headers` matters for Host forwarding.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ForwardedValuesWire {
    pub headers: Option<List<String>>,
}
