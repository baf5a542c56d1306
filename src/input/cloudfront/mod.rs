//! CloudFront input: AWS CLI distribution JSON in, a model of custom origins and the behaviors
//! that reach them out. What the document alone says about an origin (the `config.*` findings)
//! is judged in `verdict::config_rules`.
//!
//! - `parse`: detects which command printed a document (`get-distribution-config`,
//!   `get-distribution`, `list-distributions`) and reports bad input as one line.
//! - `wire`: the JSON shapes as explicit serde types; unknown fields are ignored on purpose.
//! - `assemble`: origins, origin groups and cache behaviors joined into the model.
//! - `model`: the public types.
//! - `host`: whether the viewer `Host` header reaches an origin (facts 33-35);
//!   `custom_policy`: a custom policy's Host forwarding from its contents as the API states
//!   them (`--aws` reads them; fact 33).
//! - `iac`: the door for the Terraform and CloudFormation readers (the CLI shape in, the
//!   model out; what a custom policy's headers say about Host).
//! - `viewers`: the names viewers send as `Host`, and the probe targets that follow.
//! - `vpc_origin`: VPC origin resources whose endpoint settings the input holds (fact 43), handed
//!   to the origins that use them.
//!
//! Pure: takes bytes, never reads files, never talks to AWS or an origin. Custom header values
//! are [`crate::secret::Redacted`] from the moment they are parsed.

mod assemble;
mod custom_policy;
#[cfg(test)]
pub(crate) mod fixtures;
mod host;
mod iac;
mod model;
mod parse;
mod viewers;
mod vpc_origin;
mod wire;

pub use host::{
    BehaviorPolicies, HostForwarding, MANAGED_POLICIES, ManagedPolicy, PolicyKind, host_forwarding,
    host_forwarding_with, managed_policy,
};
pub(crate) use iac::{cache_forwards_host, distribution_from_config, origin_request_forwards_host};
pub use model::{
    BehaviorUse, CfOrigin, CfOriginKind, CustomOrigin, Distribution, Document, DocumentKind,
    KnownPolicy, METHODS_NOT_REDIRECTED, OriginGroup, OriginProtocolPolicy, SourceLocation,
    SslProtocol, Unresolved, ViewerProtocolPolicy, is_s3_website_host,
};
pub use parse::{CloudFrontError, parse_document};
#[cfg(test)]
pub(crate) use vpc_origin::tests::known as known_vpc_origin;
pub use vpc_origin::{KnownVpcOrigin, VpcOriginSettings};

/// The largest distribution document read. A `list-distributions` page holds at most 100
/// distributions, a few MiB of JSON; anything far larger is not AWS CLI output, and reading it
/// whole would cost memory without bound.
pub(crate) const MAX_DOCUMENT_BYTES: u64 = 64 << 20;
pub(crate) use viewers::viewer_name_list;
pub use viewers::{needs_probe, origin_source, reference, targets, viewer_names};
