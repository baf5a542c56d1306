//! One address of an origin in the report: its verdict and findings, the answer to CloudFront's
//! hello, the version scan, the chain as sent, the `--http` answer. Part of the machine contract
//! (`schema_version` 1), like everything in `document`.

use crate::finding::{Finding, Verdict};
use crate::record::TlsVersion;
use serde::Serialize;
use std::collections::BTreeMap;

use super::{version_name, versions_by_name};

/// One resolved address of an origin.
#[derive(Debug, Clone, Serialize)]
pub struct AddressReport {
    /// `ip:port` (`[v6]:port` for IPv6).
    pub address: String,
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    /// The version CloudFront would negotiate (`TLSv1.2`), or null when its hello fails.
    #[serde(serialize_with = "version_name")]
    pub tls_version: Option<TlsVersion>,
    /// IANA name of the suite CloudFront would negotiate, or null.
    pub cipher_suite: Option<String>,
    /// What the server answered to CloudFront's exact hello; null when TCP failed.
    pub hello: Option<HelloSummary>,
    /// The version scan, by version (`SSLv3` ... `TLSv1.3`); empty when it was not run.
    #[serde(serialize_with = "versions_by_name")]
    pub versions: BTreeMap<TlsVersion, VersionSummary>,
    /// Which hello the chain below came from: `cloudfront` (the answer to CloudFront's own
    /// hello: what CloudFront would receive), `version-scan` (a scan hello, because
    /// CloudFront's failed) or `tls13` (a TLS 1.3 handshake: the origin speaks nothing older).
    pub chain_source: Option<&'static str>,
    /// Under `--roots`: whether the chain also verifies against the list CloudFront trusts
    /// (the Mozilla list, fact 11); null when the run judged against that list itself, or the
    /// chain did not verify against `--roots` either.
    pub cloudfront_trusts: Option<bool>,
    /// The certificates exactly as sent, in the order sent.
    pub chain: Vec<CertSummary>,
    /// The earliest `notAfter` (Unix seconds) of the path verified against the trust store at
    /// the judging time, when there is one: Prometheus's
    /// `probe_ssl_last_chain_expiry_timestamp_seconds`. Not serialised: JSON readers have every
    /// date in `chain` and the verdict in `findings`.
    #[serde(skip)]
    pub verified_path_expiry: Option<i64>,
    pub connect_ms: Option<u64>,
    /// The `--http` request, or null when not asked for.
    pub http: Option<HttpSummary>,
    pub elapsed_ms: u64,
}

/// The answer to CloudFront's exact hello.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HelloSummary {
    /// How the exchange ended: `complete`, `alert`, `not-tls`, `sslv2`, `closed`, `reset`,
    /// `timed-out`, `too-large`, `malformed` or `failed`.
    pub end: &'static str,
    /// The end in words (the alert's name, the first bytes of a non-TLS answer), when not
    /// `complete`.
    pub detail: Option<String>,
    /// The version the ServerHello chose, even one CloudFront does not allow; null without one.
    pub version: Option<String>,
    /// The suite the ServerHello chose (IANA name), null without one.
    pub suite: Option<String>,
    /// How many certificates came in cleartext; null when no Certificate message did.
    pub certificates: Option<usize>,
    /// The ECDHE curve of the ServerKeyExchange, if any.
    pub curve: Option<String>,
    /// Whether the ServerKeyExchange signature verified with the leaf's key: `valid`,
    /// `invalid` or `unverifiable` (this build has no algorithm for it); null when there was
    /// none to check (RSA key exchange, an incomplete flight).
    pub signature: Option<&'static str>,
}

/// What the version scan found of one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VersionSupport {
    /// The server chose this version.
    Supported,
    /// An alert, or a ServerHello with an older version.
    NotSupported,
    /// No answer that says either (silence, a close without an alert, not TLS).
    Inconclusive,
}

/// One version of the version scan.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VersionSummary {
    /// `supported`, `not-supported` or `inconclusive`.
    pub support: VersionSupport,
    /// For `supported`: the suite the origin chose when offered every suite of the version.
    pub suite: Option<String>,
    /// For the others: what was seen (`alert protocol_version (70)`, `answered with TLSv1`).
    pub detail: Option<String>,
    /// Whose answer this is: `own` (this version's scan hello), `cloudfront-hello` (CloudFront's
    /// hello chose this version, or an older one although this was offered) or `TLSv1.1-hello`
    /// (a newer version's scan hello was refused, or chose this version or an older one); only
    /// `own` opened a connection of its own.
    pub answered_by: String,
}

/// What the `--http` request of one address got back. Never holds a header value.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HttpSummary {
    /// The request target sent (`OriginPath` included).
    pub path: String,
    /// The `Host` header sent.
    pub host: String,
    /// `response`, `invalid`, `no-response`, `timed-out`, `not-possible` or `failed`.
    pub outcome: &'static str,
    /// The response status, when there was a response.
    pub status: Option<u16>,
    /// The response's HTTP version (`HTTP/1.1`).
    pub version: Option<String>,
    /// The `Location` header, sanitised.
    pub location: Option<String>,
    /// Body bytes read (at most 64 KiB).
    pub bytes_read: Option<u64>,
    /// Time from sending the request to the end of the body read.
    pub elapsed_ms: Option<u64>,
    /// `--exposure`: the status of the same request without the custom headers.
    pub status_without_headers: Option<u16>,
}

/// One certificate as sent by the server.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CertSummary {
    /// 0 for the first certificate sent (the leaf).
    pub position: usize,
    pub subject: String,
    pub issuer: String,
    /// DNS and IP subject alternative names.
    pub san: Vec<String>,
    /// RFC 3339, UTC.
    pub not_before: String,
    pub not_after: String,
    /// Whole days from the judging time to `not_after`; negative once expired.
    pub days_left: i64,
    /// `RSA`, `ECDSA`, `Ed25519`, `RSA-PSS`, or the algorithm OID when unknown.
    pub key_type: String,
    /// RSA modulus bits, or the curve's bits for ECDSA.
    pub key_bits: Option<u32>,
    /// `P-256`, `P-384`, `P-521` for ECDSA keys.
    pub curve: Option<String>,
    pub signature_algorithm: String,
    /// Lowercase hex SHA-256 of the DER.
    pub sha256: String,
    pub is_ca: bool,
    /// Subject equals issuer and the signature verifies with the certificate's own key.
    pub self_signed: bool,
}
