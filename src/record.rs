//! Probe records: what was sent and what came back, facts only.
//!
//! Everything here is produced by `resolve` and `probe` and consumed by `verdict`. No type in
//! this module judges anything: a refused connection is a `ConnectOutcome::Refused`, not a 502.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// The outcome of resolving an origin name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsOutcome {
    /// The addresses to probe, in the order the resolver gave them (A and AAAA), de-duplicated.
    Resolved {
        addresses: Vec<IpAddr>,
        /// Where they came from: `dns`, `--resolve`, or `literal` for IP targets.
        source: AddressSource,
    },
    /// The name does not exist (NXDOMAIN).
    NxDomain,
    /// The name exists but has no A or AAAA records.
    NoAddresses,
    /// The server answered with an error code (SERVFAIL, REFUSED, ...).
    ServerError { code: String },
    /// No answer within the timeout.
    TimedOut { after: Duration },
    /// Any other failure (no usable nameserver, I/O error), with the resolver's message.
    Failed { message: String },
}

/// Which resolver answered a failed lookup, and whether it is itself broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolverNote {
    /// The resolver in words (`--dns-server 127.0.0.1:5353`, `the system resolver 10.0.0.2
    /// (from /etc/resolv.conf)`).
    pub described: String,
    /// Set when the resolver also failed its control query: then no DNS failure of this run
    /// says anything about an origin. What the control query got.
    pub fault: Option<String>,
}

/// Where an address list came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressSource {
    Dns,
    Override,
    Literal,
}

impl AddressSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressSource::Dns => "dns",
            AddressSource::Override => "--resolve",
            AddressSource::Literal => "literal",
        }
    }
}

/// The outcome of opening a TCP connection to one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectOutcome {
    Connected {
        after: Duration,
    },
    /// The peer answered with a RST (connection refused).
    Refused,
    /// No answer within the connect timeout (a silent drop).
    TimedOut {
        after: Duration,
    },
    /// This machine has no route to the address (network unreachable): the kernel refused to
    /// send anything. Says nothing about the origin until the prober's own routes are checked
    /// (`probe::route`).
    NoRoute {
        message: String,
    },
    /// The host is unreachable, or another OS error, with its message.
    Failed {
        message: String,
    },
}

impl ConnectOutcome {
    /// A few words for what happened, for a reason or a probe's message (sanitised).
    pub fn describe(&self) -> String {
        match self {
            ConnectOutcome::Connected { .. } => "connected".to_string(),
            ConnectOutcome::Refused => "refused".to_string(),
            ConnectOutcome::TimedOut { after } => {
                format!("timed out after {:.1}s", after.as_secs_f64())
            }
            ConnectOutcome::NoRoute { message } | ConnectOutcome::Failed { message } => {
                crate::sanitize::text(message)
            }
        }
    }
}

/// A TLS protocol version as negotiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TlsVersion {
    Ssl3,
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

impl TlsVersion {
    /// The name used in reports, as the AWS API spells it where it has one.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsVersion::Ssl3 => "SSLv3",
            TlsVersion::Tls10 => "TLSv1",
            TlsVersion::Tls11 => "TLSv1.1",
            TlsVersion::Tls12 => "TLSv1.2",
            TlsVersion::Tls13 => "TLSv1.3",
        }
    }
}

/// Which rustls handshake a [`HandshakeOutcome`] belongs to, or which profile a rustls client
/// uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandshakeKind {
    /// rustls restricted to what CloudFront offers origins (TLS 1.2, CloudFront's suites that
    /// rustls implements, CloudFront's groups and signature schemes): the `--http` request's
    /// client.
    CloudFront,
    /// rustls TLS 1.3 only: tells TLS 1.3-only origins apart and reads their chain.
    Tls13,
}

/// What one TLS handshake attempt produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeOutcome {
    /// The handshake completed (the certificate was recorded, not judged).
    Negotiated(Negotiated),
    /// The server sent a fatal alert.
    Alert { description: String },
    /// The server answered with something that is not TLS. `first_bytes` are the first bytes
    /// received, raw (renderers sanitise them).
    NotTls { first_bytes: Vec<u8> },
    /// The server closed the connection (EOF) before the handshake completed.
    Closed,
    /// The server reset the connection during the handshake.
    Reset,
    /// The server did not complete the handshake within the timeout.
    TimedOut { after: Duration },
    /// The server sent more than the documented limit during the handshake.
    TooLarge { limit: usize },
    /// Anything else rustls refused, with its message (e.g. an illegal parameter choice).
    Failed { message: String },
}

impl HandshakeOutcome {
    /// The outcome in words, for reasons (server text sanitised).
    pub fn describe(&self) -> String {
        match self {
            HandshakeOutcome::Negotiated(_) => "it completed".to_string(),
            HandshakeOutcome::Alert { description } => {
                format!("the origin sent alert {description}")
            }
            HandshakeOutcome::NotTls { .. } => "the port does not answer TLS".to_string(),
            HandshakeOutcome::Closed => "the origin closed the connection".to_string(),
            HandshakeOutcome::Reset => "the origin reset the connection".to_string(),
            HandshakeOutcome::TimedOut { .. } => "it timed out".to_string(),
            HandshakeOutcome::TooLarge { limit } => {
                format!("the origin sent more than {limit} bytes")
            }
            HandshakeOutcome::Failed { message } => crate::sanitize::text(message),
        }
    }
}

/// The parameters of a completed handshake and the certificate chain exactly as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    pub version: TlsVersion,
    /// IANA name of the cipher suite, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    pub suite: String,
    /// The certificates in the order the server sent them, leaf first, DER.
    pub chain: Vec<Vec<u8>>,
    /// The server asked for a client certificate (fact 17).
    pub client_cert_requested: bool,
}

/// What the server answered to one raw ClientHello: CloudFront's own (`tls::cloudfront_hello`)
/// or a version-scan hello (`tls::scan_hello`). Only the cleartext part of the handshake is
/// read; no key exchange is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloRecord {
    /// The ServerHello (or HelloRetryRequest), if one came.
    pub server_hello: Option<HelloAnswer>,
    /// How the exchange ended.
    pub end: HelloEnd,
}

/// A ServerHello and what followed it in the server's first flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloAnswer {
    /// The version chosen (supported_versions when present), as sent on the wire.
    pub version_code: u16,
    /// `version_code` as a known version; `None` for anything else (a draft, garbage).
    pub version: Option<TlsVersion>,
    /// The cipher suite chosen (IANA code).
    pub suite: u16,
    /// The server answered with a HelloRetryRequest (TLS 1.3 only).
    pub hello_retry: bool,
    /// The certificates in the order sent, leaf first, DER; `None` when no Certificate message
    /// came in cleartext (TLS 1.3 encrypts it, or the flight ended before it).
    pub chain: Option<Vec<Vec<u8>>>,
    /// The named curve of an ECDHE ServerKeyExchange.
    pub curve: Option<u16>,
    /// What the ECDHE ServerKeyExchange signed, with the randoms it covers, so `verdict` can
    /// check the signature with the leaf's key (`cert::check_key_exchange`). Kept for the
    /// answer to CloudFront's hello only; `None` without an ECDHE ServerKeyExchange.
    pub key_exchange: Option<KeyExchangeRecord>,
    /// A CertificateRequest came (fact 17).
    pub client_cert_requested: bool,
}

/// The signed part of an ECDHE ServerKeyExchange and the two randoms the signature covers
/// (`client_random || server_random || params`, RFC 8422 §5.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyExchangeRecord {
    /// The random of the ClientHello that was sent.
    pub client_random: [u8; 32],
    /// The random of the ServerHello.
    pub server_random: [u8; 32],
    /// The parameters, the scheme (TLS 1.2) and the signature as sent.
    pub signed: crate::tls::SignedParams,
}

/// How a raw hello exchange ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelloEnd {
    /// The first flight was complete: ServerHelloDone (TLS <= 1.2), encrypted records after a
    /// TLS 1.3 ServerHello, or a HelloRetryRequest.
    Complete,
    /// A fatal alert (or close_notify); warning alerts do not end the flight.
    Alert { level: u8, description: u8 },
    /// The answer is not TLS: the first bytes received, raw (renderers sanitise them).
    NotTls { first_bytes: Vec<u8> },
    /// An SSLv2-format answer.
    Sslv2,
    /// The server closed the connection (EOF) before the flight was complete.
    Closed,
    /// The server reset the connection.
    Reset,
    /// The flight was not complete within the timeout.
    TimedOut { after: Duration },
    /// A length over the parser's documented limits (`tls::server::MAX_*`).
    TooLarge { message: String },
    /// Bytes that are not a valid first flight, with the parser's message.
    Malformed { message: String },
    /// Any other I/O failure, with its message.
    Failed { message: String },
}

/// One entry of the version scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionProbe {
    pub version: TlsVersion,
    /// `None` when no connection was opened for this version because another hello answered it
    /// (see `answered_by`).
    pub connect: Option<ConnectOutcome>,
    /// `None` when the connection failed.
    pub hello: Option<HelloRecord>,
    /// Whose answer `hello` is.
    pub answered_by: AnsweredBy,
}

/// Which hello answered a version-scan entry. A server answers a hello with the highest version
/// it has up to the one offered (RFC 5246 §E.1), so a hello offering up to version V also says
/// whether every older version is supported: chosen (supported), passed over for an older one
/// or refused with an alert (not supported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsweredBy {
    /// This version's own scan hello, on its own connection.
    Own,
    /// CloudFront's hello: it chose this version, or an older one although this was offered.
    CloudFrontHello,
    /// The scan hello of this newer version: it refused, or chose this version or an older one.
    HelloFor(TlsVersion),
}

/// Everything probed at one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressRecord {
    pub address: SocketAddr,
    /// The TCP connect of the CloudFront hello's connection: its last attempt.
    pub connect: ConnectOutcome,
    /// The attempts of that connect that failed before `connect`, in order (empty when the
    /// first attempt was the last: it connected, or only one attempt was allowed; fact 24).
    pub failed_attempts: Vec<ConnectOutcome>,
    /// The answer to exactly the hello CloudFront would send. `None` when the TCP connection
    /// failed.
    pub hello: Option<HelloRecord>,
    /// The version scan (SSLv3 to TLS 1.3), oldest first. Empty when it was not run: the TCP
    /// connection failed, or the CloudFront hello got no TLS answer (silence, not TLS).
    pub versions: Vec<VersionProbe>,
    /// A rustls TLS 1.3 handshake, run only when the version scan found TLS 1.3 and no
    /// cleartext hello revealed a certificate chain: it reads the chain of a TLS 1.3-only origin.
    pub modern: Option<HandshakeOutcome>,
    /// The HTTP request(s) sent after the handshakes (`--http`, `--exposure`); `None` when
    /// not asked for.
    pub http: Option<HttpRecord>,
    /// How long all probes of this address took together.
    pub elapsed: Duration,
}

/// The HTTP request sent the way CloudFront would, and for `--exposure` the same request
/// without the custom headers. Header values are never recorded, only names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRecord {
    /// The request target sent (origin path prefix included).
    pub path: String,
    /// The `Host` header sent (also the SNI).
    pub host: String,
    /// How long the origin was given to answer (CloudFront's read timeout or `--timeout`).
    pub timeout: Duration,
    /// The names of the custom headers sent with `with_headers` (values never kept).
    pub header_names: Vec<String>,
    /// `--exposure` was asked for.
    pub exposure: bool,
    /// The request as CloudFront sends it, custom headers included.
    pub with_headers: HttpOutcome,
    /// `--exposure` only, and only when there are custom headers: the same request without
    /// them.
    pub without_headers: Option<HttpOutcome>,
}

/// What one HTTP request produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpOutcome {
    /// A response head was received (the body read at most `MAX_HTTP_BODY_BYTES`).
    Response(HttpResponse),
    /// The bytes the origin answered with are not a valid HTTP/1.1 response (hyper's message).
    Invalid { message: String },
    /// The connection closed or reset before a complete response head arrived.
    NoResponse { message: String },
    /// No complete answer within the timeout: `waiting_for` is `"headers"` or `"body"`.
    TimedOut {
        after: Duration,
        waiting_for: &'static str,
    },
    /// The request was not sent, and why (e.g. the CloudFront-like handshake failed).
    NotPossible { why: String },
    /// Anything else that failed, with the client's message.
    Failed { message: String },
}

/// A response as received. Header values from the server are raw: rules sanitise them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// `HTTP/1.1`, `HTTP/1.0`.
    pub version: String,
    /// The `Location` header, if any.
    pub location: Option<String>,
    /// The `Content-Length` header, if any.
    pub content_length: Option<u64>,
    /// Body bytes read (at most the limit).
    pub bytes_read: u64,
    /// The body was longer than the limit and was not read to the end.
    pub truncated: bool,
    /// The first bytes of the body (at most `BODY_START_KEPT`), to recognise error pages.
    pub body_start: Vec<u8>,
    /// From sending the request to the end of the body read.
    pub elapsed: Duration,
}

/// Everything probed for one origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginRecord {
    pub dns: DnsOutcome,
    /// The resolver that was asked, when the lookup went to DNS and failed: the reason names
    /// it, and its health decides whether the failure is the origin's or the prober's.
    pub resolver: Option<ResolverNote>,
    pub addresses: Vec<AddressRecord>,
    /// Set when every address failed for want of a route and this machine has no route of
    /// that family at all (`probe::route`): the prober is offline, not the origin.
    pub offline: Option<String>,
    pub elapsed: Duration,
}
