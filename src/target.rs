//! What to probe: one origin, as the inputs describe it, normalised.
//!
//! A `Target` is plain data built by `input/`; it never resolves or connects.

use std::net::IpAddr;
use std::time::Duration;

use crate::document::CloudFrontRef;
use crate::finding::Finding;
use crate::secret::Redacted;
use crate::tls::SslProtocol;

/// How the origin is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginName {
    /// A DNS name: lowercase ASCII (IDNA, punycode), no trailing dot.
    Dns(String),
    /// An IP literal. CloudFront refuses these as origin names (fact 27), but we still probe.
    Ip(IpAddr),
}

/// One origin to probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub name: OriginName,
    /// The HTTPS port CloudFront would connect to.
    pub port: u16,
    /// The viewer `Host` header the cache behavior forwards to the origin, if any (facts 14, 20, 33).
    pub host_header: Option<String>,
    /// Where this target came from, for messages: `argument 2`, `origins.txt:14`.
    pub source: String,
    /// For CloudFront input: where the origin sits and what its configuration alone says.
    pub cloudfront: Option<CloudFrontTarget>,
    /// The `OriginSslProtocols` CloudFront would use with this origin: from the distribution
    /// for CloudFront input, empty when the input does not say (then `--origin-ssl-protocols`
    /// or its default, TLSv1.2, applies; see `Target::protocols`).
    pub ssl_protocols: Vec<SslProtocol>,
}

/// What a CloudFront distribution says about a target before any probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudFrontTarget {
    pub reference: CloudFrontRef,
    /// Findings from the configuration itself (facts 26-39), added to the origin's findings.
    pub config_findings: Vec<Finding>,
    /// The origin's custom headers, sent with the `--http` request (values redacted).
    pub custom_headers: Vec<(String, Redacted)>,
    /// `OriginReadTimeout` (default 30 s, fact 24): how long CloudFront waits for an answer.
    pub read_timeout: Duration,
    /// `OriginPath`, which CloudFront puts in front of every request path ("" when unset).
    pub origin_path: String,
    /// `ConnectionTimeout` (default 10 s, fact 24): each connect attempt's deadline.
    pub connection_timeout: Duration,
    /// `ConnectionAttempts` (default 3, fact 24): how many connects CloudFront tries.
    pub connection_attempts: u32,
    /// `OriginMtlsConfig.ClientCertificateArn`: CloudFront answers a certificate request with
    /// this certificate (fact 42), which the probe does not have.
    pub mtls_certificate_arn: Option<String>,
}

/// CloudFront's response timeout when the distribution does not set one (fact 24).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// CloudFront's connection timeout when the origin does not set one (fact 24).
pub const DEFAULT_CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);

/// CloudFront's connection attempts when the origin does not set them (fact 24).
pub const DEFAULT_CONNECTION_ATTEMPTS: u32 = 3;

impl Target {
    /// The protocols CloudFront's hello offers this origin: `flag` (`--origin-ssl-protocols`)
    /// when given, else the input's, else TLSv1.2 alone (the API's default for new origins).
    pub fn protocols(&self, flag: Option<&[SslProtocol]>) -> Vec<SslProtocol> {
        match flag {
            Some(list) if !list.is_empty() => list.to_vec(),
            _ if !self.ssl_protocols.is_empty() => self.ssl_protocols.clone(),
            _ => vec![SslProtocol::Tls12],
        }
    }

    /// The origin name as text (an IP literal without brackets).
    pub fn origin(&self) -> String {
        match &self.name {
            OriginName::Dns(name) => name.clone(),
            OriginName::Ip(ip) => ip.to_string(),
        }
    }

    /// The server name CloudFront would put in SNI: the forwarded Host header when there is one
    /// (fact 20, implied), otherwise the origin name (fact 19). `None` for IP literals, which TLS
    /// does not allow in SNI.
    pub fn sni(&self) -> Option<String> {
        if let Some(host) = &self.host_header {
            return Some(host.clone());
        }
        match &self.name {
            OriginName::Dns(name) => Some(name.clone()),
            OriginName::Ip(_) => None,
        }
    }

    /// The names a certificate may cover for CloudFront to accept it (fact 14: "one of").
    pub fn acceptable_names(&self) -> Vec<String> {
        let mut names = vec![self.origin()];
        if let Some(host) = &self.host_header
            && !names.contains(host)
        {
            names.push(host.clone());
        }
        names
    }
}
