//! The CloudFront model origin-probe works on: documents, distributions, origins and the cache
//! behaviors that reach each origin, with the enums the AWS API spells out (facts 36-39).
//!
//! Plain data built by `parse`/`assemble`; it never reads files and never judges. Custom header
//! values are [`Redacted`], and the raw configuration kept for the migration plan is withheld
//! from `Debug` and `Serialize`, so no rendering of these types can show a secret.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::host::{BehaviorPolicies, HostForwarding};
use super::vpc_origin::{KnownVpcOrigin, VpcOriginSettings};
use crate::secret::Redacted;

/// Which AWS CLI command printed a document, detected by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// `aws cloudfront get-distribution-config`: `{ETag, DistributionConfig}`.
    DistributionConfig,
    /// `aws cloudfront get-distribution`: `{ETag, Distribution: {Id, DomainName, DistributionConfig, …}}`.
    Distribution,
    /// `aws cloudfront list-distributions`: `{DistributionList: {Items: [DistributionSummary…]}}`.
    DistributionList,
    /// `terraform show -json PLANFILE`: the planned configuration (`input::terraform`).
    TerraformPlan,
    /// `terraform show -json` of a state.
    TerraformState,
    /// A CloudFormation template, JSON or YAML (`input::cloudformation`).
    CloudFormationTemplate,
}

impl DocumentKind {
    /// The AWS CLI subcommand whose output this is (for the infrastructure-as-code kinds, the
    /// command or format that produced it).
    pub fn command(self) -> &'static str {
        match self {
            DocumentKind::DistributionConfig => "get-distribution-config",
            DocumentKind::Distribution => "get-distribution",
            DocumentKind::DistributionList => "list-distributions",
            DocumentKind::TerraformPlan => "terraform show -json PLANFILE",
            DocumentKind::TerraformState => "terraform show -json",
            DocumentKind::CloudFormationTemplate => "CloudFormation template",
        }
    }

    /// Whether the document is infrastructure as code (a Terraform plan or state, a
    /// CloudFormation template) rather than AWS CLI output.
    pub fn is_iac(self) -> bool {
        matches!(
            self,
            DocumentKind::TerraformPlan
                | DocumentKind::TerraformState
                | DocumentKind::CloudFormationTemplate
        )
    }
}

/// One input file (or stdin): one distribution, or a page of many.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub kind: DocumentKind,
    /// Where it came from, for messages: a path or `stdin`.
    pub source: String,
    /// The `ETag` of a `get-distribution-config` / `get-distribution` document (the
    /// `--if-match` value of an update). List pages carry one per summary instead.
    pub etag: Option<String>,
    /// A list page that says more distributions follow (`NextToken` or a non-empty
    /// `NextMarker`): the input does not cover the whole account.
    pub truncated: bool,
    pub distributions: Vec<Distribution>,
    /// The `DistributionConfig` object exactly as parsed, for the migration plan. `None` for
    /// list pages, which cannot be planned.
    #[serde(skip)]
    pub(crate) raw_config: Option<RawConfig>,
    /// Custom origin request and cache policies whose contents the input holds (a Terraform
    /// plan's or a template's policy resources, or those `--aws` read from the API): their Host
    /// forwarding is known (fact 33).
    #[serde(skip)]
    pub known_policies: Vec<KnownPolicy>,
    /// VPC origin resources whose endpoint settings the input holds (those `--aws` read with
    /// `GetVpcOrigin`); [`Document::attach_vpc_origins`] hands them to the origins (fact 43).
    #[serde(skip)]
    pub known_vpc_origins: Vec<KnownVpcOrigin>,
}

/// A `DistributionConfig` JSON tree. It contains custom header values, so it has no printable
/// form: `Debug` shows only that it is withheld.
#[derive(Clone, PartialEq)]
pub(crate) struct RawConfig(pub(crate) serde_json::Value);

impl fmt::Debug for RawConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RawConfig(<withheld: contains custom header values>)")
    }
}

/// One distribution: its names and its origins, each with the behaviors that reach it.
#[derive(Debug, Clone, Serialize)]
pub struct Distribution {
    /// `E…` id. Absent from `get-distribution-config` output, which carries only the config.
    pub id: Option<String>,
    pub arn: Option<String>,
    /// `InProgress` or `Deployed`, where the document says.
    pub status: Option<String>,
    /// The `dxxxxxxxxxxxxx.cloudfront.net` name (absent from `get-distribution-config`).
    pub domain_name: Option<String>,
    pub enabled: Option<bool>,
    /// The per-distribution `ETag` of a list-page summary.
    pub etag: Option<String>,
    /// Alternate domain names (CNAMEs) as written, wildcards included (`*.example.com`).
    pub aliases: Vec<String>,
    pub origins: Vec<CfOrigin>,
    /// `OriginGroups.Items`, in document order.
    pub groups: Vec<OriginGroup>,
    /// Where an infrastructure-as-code input defines the distribution; `None` for AWS CLI JSON.
    pub location: Option<SourceLocation>,
}

pub use crate::document::SourceLocation;

/// A setting the input leaves unknown: Terraform's "(known after apply)", or a CloudFormation
/// expression that could not be resolved. Never guessed: the model holds a placeholder, and
/// the verdict says what is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    /// The setting as the input names it (`domain_name`, `custom_origin_config[0].https_port`,
    /// `DomainName`).
    pub setting: String,
    /// What the input says instead of a value: `(known after apply)`, `!GetAtt Lb.DNSName`.
    pub expression: String,
    /// Whether the probe needs the value (the name, the port, the protocols): the origin is then
    /// not probed.
    pub blocks_probe: bool,
    /// The line of the expression in the file, where the parser gives it (templates).
    pub line: Option<u32>,
}

/// A custom policy whose contents the input holds, and whether it sends the viewer `Host`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownPolicy {
    pub kind: super::host::PolicyKind,
    /// The ID behaviors use: the policy's ID, or, when it is unknown until apply, the address of
    /// the resource (`aws_cloudfront_cache_policy.site`) the behavior refers to.
    pub id: String,
    /// How messages name it: the resource address or logical ID.
    pub name: String,
    pub forwards_host: bool,
}

/// One origin group (fact 47): CloudFront sends a request to the first member, and to the
/// second when the first cannot be connected to, times out, or answers one of the status codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginGroup {
    pub id: String,
    /// Member origin IDs, primary first.
    pub members: Vec<String>,
    /// `FailoverCriteria.StatusCodes.Items`; `None` when the document has no `FailoverCriteria`.
    pub failover_status_codes: Option<Vec<u16>>,
}

impl Distribution {
    /// How messages name the distribution: its id, else its domain name, else `distribution`.
    pub fn label(&self) -> &str {
        self.id
            .as_deref()
            .or(self.domain_name.as_deref())
            .unwrap_or("distribution")
    }

    pub fn origin(&self, id: &str) -> Option<&CfOrigin> {
        self.origins.iter().find(|o| o.id == id)
    }

    pub fn group(&self, id: &str) -> Option<&OriginGroup> {
        self.groups.iter().find(|g| g.id == id)
    }
}

/// One origin of a distribution.
#[derive(Debug, Clone, Serialize)]
pub struct CfOrigin {
    pub id: String,
    /// `DomainName` as written in the document.
    pub domain_name: String,
    pub origin_path: Option<String>,
    pub kind: CfOriginKind,
    /// Custom headers CloudFront adds to origin requests: names in clear, values redacted.
    pub custom_headers: Vec<(String, Redacted)>,
    /// `ConnectionAttempts` (1-3, default 3; fact 24).
    pub connection_attempts: Option<u32>,
    /// `ConnectionTimeout` in seconds (1-10, default 10; fact 24).
    pub connection_timeout: Option<u32>,
    /// Every cache behavior whose `TargetOriginId` is this origin or an origin group that has it
    /// as a member. Empty when no behavior reaches the origin.
    pub behaviors: Vec<BehaviorUse>,
    /// Where an infrastructure-as-code input writes the origin; `None` for AWS CLI JSON.
    pub location: Option<SourceLocation>,
    /// Settings the input leaves unknown (infrastructure as code only).
    pub unresolved: Vec<Unresolved>,
}

impl CfOrigin {
    pub fn custom(&self) -> Option<&CustomOrigin> {
        match &self.kind {
            CfOriginKind::Custom(c) => Some(c),
            _ => None,
        }
    }

    /// The origin name as an IP address, when it is one (fact 27 forbids this).
    pub fn ip_address(&self) -> Option<IpAddr> {
        let name = self.domain_name.trim();
        let name = name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(name);
        name.parse().ok()
    }

    /// Whether the origin is an Amazon S3 website endpoint (fact 28), in either spelling:
    /// `bucket.s3-website-us-east-1.amazonaws.com` or `bucket.s3-website.eu-central-1.amazonaws.com`
    /// (and the `.amazonaws.com.cn` variants).
    pub fn is_s3_website(&self) -> bool {
        is_s3_website_host(&self.domain_name)
    }

    /// Whether any behavior reaching this origin forwards the viewer `Host` header.
    pub fn host_forwarded(&self) -> bool {
        self.behaviors
            .iter()
            .any(|b| matches!(b.host, HostForwarding::Forwarded { .. }))
    }

    /// Whether a setting the probe needs is unknown (`Unresolved::blocks_probe`).
    pub fn probe_blocked(&self) -> bool {
        self.unresolved.iter().any(|u| u.blocks_probe)
    }

    /// Custom header names, for reports (values are never shown).
    pub fn custom_header_names(&self) -> Vec<&str> {
        self.custom_headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect()
    }
}

/// See [`CfOrigin::is_s3_website`]. The test is anchored at the right end, so a bucket that is
/// merely named `s3-website-…` on a REST endpoint is not mistaken for a website endpoint.
pub fn is_s3_website_host(host: &str) -> bool {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    let Some(rest) = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))
    else {
        return false;
    };
    let mut labels = rest.rsplit('.');
    let Some(last) = labels.next() else {
        return false;
    };
    // Dash form: `<bucket>.s3-website-<region>`.
    if last.starts_with("s3-website-") && labels.next().is_some() {
        return true;
    }
    // Dot form: `<bucket>.s3-website.<region>`.
    labels.next() == Some("s3-website") && labels.next().is_some()
}

/// What kind of origin this is, from which of the three origin configs it carries (fact 37).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum CfOriginKind {
    /// `CustomOriginConfig`: the only kind whose protocol policy this tool can change.
    Custom(CustomOrigin),
    /// `S3OriginConfig`: CloudFront matches the viewer's protocol and S3 serves the
    /// certificate; there is no policy to switch (fact 29).
    S3Rest,
    /// `VpcOriginConfig`: the protocol policy lives on the VPC origin resource, not here
    /// (fact 43).
    Vpc {
        vpc_origin_id: String,
        /// `OwnerAccountId`, when the VPC origin is shared from another account.
        owner_account_id: Option<String>,
        /// What the input holds about the VPC origin resource (its endpoint settings).
        settings: VpcOriginSettings,
    },
}

/// The `CustomOriginConfig` of an origin (fact 37).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomOrigin {
    pub http_port: u16,
    pub https_port: u16,
    pub protocol_policy: OriginProtocolPolicy,
    /// `OriginSslProtocols.Items`, as listed (empty when the document has none).
    pub ssl_protocols: Vec<SslProtocol>,
    /// `OriginReadTimeout` in seconds (fact 24).
    pub read_timeout: Option<u32>,
    /// `OriginKeepaliveTimeout` in seconds (fact 24).
    pub keepalive_timeout: Option<u32>,
    /// `IpAddressType`: `ipv4`, `ipv6` or `dualstack`, where given.
    pub ip_address_type: Option<String>,
    /// `OriginMtlsConfig.ClientCertificateArn`: CloudFront presents a client certificate (fact 17).
    pub mtls_certificate_arn: Option<String>,
}

/// One cache behavior as it reaches one origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BehaviorUse {
    /// `None` for the default cache behavior.
    pub path_pattern: Option<String>,
    /// The behavior's place in `CacheBehaviors.Items`, which is its precedence (0 is matched
    /// first); `None` for the default cache behavior.
    pub position: Option<usize>,
    /// Where an infrastructure-as-code input writes the behavior, for the plan's edit: its path,
    /// and in a template the line of its `ViewerProtocolPolicy` (of the behavior when it has
    /// none); `None` for AWS CLI JSON.
    pub location: Option<SourceLocation>,
    pub viewer_protocol_policy: ViewerProtocolPolicy,
    /// The policy IDs and legacy headers `host` was decided from.
    pub policies: BehaviorPolicies,
    /// Whether the viewer `Host` header reaches the origin through this behavior.
    pub host: HostForwarding,
    /// The origin group the behavior targets, when it reaches the origin through one.
    pub via_group: Option<String>,
    /// `AllowedMethods.Items` as written (GET and HEAD when the document has none).
    pub allowed_methods: Vec<String>,
    /// `GrpcConfig.Enabled`.
    pub grpc: bool,
    /// The `EventType`s of Lambda@Edge associations that run on origin requests or responses.
    pub origin_triggers: Vec<String>,
}

/// Methods that `redirect-to-https` answers over HTTP with 403 instead of a redirect (fact 46).
pub const METHODS_NOT_REDIRECTED: [&str; 5] = ["DELETE", "OPTIONS", "PATCH", "POST", "PUT"];

impl BehaviorUse {
    /// The allowed methods `redirect-to-https` does not redirect, as the document spells them.
    pub fn methods_not_redirected(&self) -> Vec<&str> {
        self.allowed_methods
            .iter()
            .map(String::as_str)
            .filter(|m| {
                METHODS_NOT_REDIRECTED
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(m))
            })
            .collect()
    }

    /// `default behavior` or `behavior /api/*`, with `via origin group g` when it applies.
    pub fn label(&self) -> String {
        let base = match &self.path_pattern {
            None => "default behavior".to_string(),
            Some(p) => format!("behavior {p}"),
        };
        match &self.via_group {
            None => base,
            Some(g) => format!("{base} (via origin group {g})"),
        }
    }
}

/// `CustomOriginConfig.OriginProtocolPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OriginProtocolPolicy {
    HttpOnly,
    MatchViewer,
    HttpsOnly,
}

impl OriginProtocolPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            OriginProtocolPolicy::HttpOnly => "http-only",
            OriginProtocolPolicy::MatchViewer => "match-viewer",
            OriginProtocolPolicy::HttpsOnly => "https-only",
        }
    }
}

/// A cache behavior's `ViewerProtocolPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ViewerProtocolPolicy {
    AllowAll,
    HttpsOnly,
    RedirectToHttps,
}

impl ViewerProtocolPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ViewerProtocolPolicy::AllowAll => "allow-all",
            ViewerProtocolPolicy::HttpsOnly => "https-only",
            ViewerProtocolPolicy::RedirectToHttps => "redirect-to-https",
        }
    }
}

pub use crate::tls::profile::SslProtocol;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_website_endpoints_in_both_spellings() {
        for host in [
            "my-bucket.s3-website-us-east-1.amazonaws.com",
            "my-bucket.s3-website.eu-central-1.amazonaws.com",
            "www.example.com.s3-website-us-west-2.amazonaws.com",
            "My-Bucket.S3-Website.EU-West-3.AmazonAWS.com.",
            "bucket.s3-website.cn-north-1.amazonaws.com.cn",
        ] {
            assert!(is_s3_website_host(host), "{host}");
        }
        for host in [
            "my-bucket.s3.amazonaws.com",
            "my-bucket.s3.us-east-1.amazonaws.com",
            "s3-website-bucket.s3.us-east-1.amazonaws.com",
            "s3-website.eu-central-1.amazonaws.com",
            "s3-website-us-east-1.amazonaws.com",
            "bucket.s3-website-us-east-1.amazonaws.com.example.net",
            "app.example.com",
        ] {
            assert!(!is_s3_website_host(host), "{host}");
        }
    }

    #[test]
    fn protocol_minimum_lists_every_version_up_to_tls12() {
        use SslProtocol::*;
        assert_eq!(SslProtocol::from_minimum(Tls12), vec![Tls12]);
        assert_eq!(SslProtocol::from_minimum(Tls1), vec![Tls1, Tls11, Tls12]);
        assert_eq!(SslProtocol::from_minimum(Ssl3), vec![Ssl3]);
        let json = serde_json::to_string(&SslProtocol::ALL).expect("serializes");
        assert_eq!(json, r#"["SSLv3","TLSv1","TLSv1.1","TLSv1.2"]"#);
        for p in SslProtocol::ALL {
            assert_eq!(serde_json::to_string(&p).ok(), Some(format!("\"{p}\"")));
        }
    }
}
