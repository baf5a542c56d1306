//! Probes: TCP connects and TLS handshakes that record what happened, never judging it.
//!
//! Each probe opens at most one connection and takes a permit from the run's semaphore before
//! it opens its socket; its timeouts start after the permit. Outcomes are `record` types.

pub(crate) mod connect;
pub(crate) mod handshake;
pub(crate) mod http;
pub(crate) mod limits;
pub(crate) mod raw;
pub(crate) mod route;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::record::{
    AddressRecord, AnsweredBy, ConnectOutcome, HandshakeKind, HandshakeOutcome, HelloAnswer,
    HelloEnd, HelloRecord, HttpOutcome, HttpRecord, TlsVersion, VersionProbe,
};
use crate::secret::Redacted;
use crate::tls::{self, ClientHelloSpec, SslProtocol};
pub(crate) use limits::Limits;

/// What the probes of one address need to know.
#[derive(Debug, Clone)]
pub(crate) struct ProbeSettings {
    /// The SNI CloudFront would send (`None` for IP-literal origins).
    pub sni: Option<String>,
    /// Each connect attempt's deadline.
    pub connect_timeout: Duration,
    /// How many connect attempts a connection gets (at least 1): `ConnectionAttempts` for
    /// distribution origins, 1 for `check`.
    pub connect_attempts: u32,
    pub handshake_timeout: Duration,
    /// The origin's `OriginSslProtocols`: what CloudFront's hello offers (never empty).
    pub protocols: Vec<SslProtocol>,
    /// The HTTP request to send after the handshakes, if asked for.
    pub http: Option<HttpSettings>,
}

/// The `--http` request for one target.
#[derive(Debug, Clone)]
pub(crate) struct HttpSettings {
    /// The request target, origin path included.
    pub path: String,
    /// Headers CloudFront adds (the origin's custom headers, or `--header`); values redacted.
    pub headers: Vec<(String, Redacted)>,
    /// `--exposure`: send the request a second time without `headers`.
    pub exposure: bool,
    /// How long the origin may take to answer.
    pub timeout: Duration,
}

/// Most TLS connections `probe_address` opens to one address (the README's "Politeness and
/// limits" states it; a test keeps the two equal): CloudFront's hello, three legacy scan
/// hellos when every answer leaves the older versions open, the TLS 1.2 and TLS 1.3 scan
/// hellos, and the TLS 1.3 handshake that reads a chain no cleartext hello showed.
pub const MAX_TLS_CONNECTIONS_PER_ADDRESS: usize = 7;

/// Probes one address, at most [`MAX_TLS_CONNECTIONS_PER_ADDRESS`] connections, each holding a
/// permit of its own:
///
/// 1. the exact hello CloudFront would send (`tls::cloudfront_hello`): version, suite, the
///    chain as CloudFront would receive them, whatever the suite, and the ServerKeyExchange
///    whose signature `verdict` checks with the leaf's key;
/// 2. then the version scan (one hello per version, SSLv3 to TLS 1.3, skipping what the
///    CloudFront hello already answered, the legacy versions in as few hellos as the answers
///    allow): a modern origin costs two more connections, the TLS 1.1 hello (refused, so
///    SSLv3 and TLS 1.0 are too) and the TLS 1.3 hello;
/// 3. only when no hello showed a certificate chain in cleartext and the scan found TLS 1.3:
///    a rustls TLS 1.3 handshake, to read the chain of an origin that speaks nothing older.
///
/// A failed connect, a silent server or a non-TLS answer to the CloudFront hello ends it there:
/// other hellos would only meet the same. Then the `--http` request(s), if asked for.
pub(crate) async fn probe_address(
    address: SocketAddr,
    settings: &ProbeSettings,
    limits: &Limits,
) -> AddressRecord {
    let started = Instant::now();
    let spec = tls::cloudfront_hello(&settings.protocols, settings.sni.as_deref());
    let (failed_attempts, connect, hello) =
        connect::with_attempts(address, settings, limits, |stream| {
            raw::exchange(stream, spec, settings.handshake_timeout)
        })
        .await;
    let Some(hello) = hello else {
        let http = match &settings.http {
            None => None,
            Some(http) => Some(http_probe(address, settings, http, None, limits).await),
        };
        return AddressRecord {
            address,
            connect,
            failed_attempts,
            hello: None,
            versions: Vec::new(),
            modern: None,
            http,
            elapsed: started.elapsed(),
        };
    };
    let allowed = tls::profile::allowed_versions(&settings.protocols);
    let scan = answered_tls(&hello);
    let known = |version| known_from_cloudfront_hello(&hello, &allowed, version);
    let from_cloudfront = |version| VersionProbe {
        version,
        connect: None,
        hello: Some(without_chain(&hello)),
        answered_by: AnsweredBy::CloudFrontHello,
    };
    let scan_one = |version: TlsVersion| {
        let known = known(version);
        async move {
            if !scan {
                return None;
            }
            if known {
                return Some(from_cloudfront(version));
            }
            Some(own_scan(address, settings, limits, version).await)
        }
    };
    let legacy = async {
        if !scan {
            return Vec::new();
        }
        let wanted: Vec<TlsVersion> = LEGACY.into_iter().filter(|v| !known(*v)).collect();
        let mut found = legacy_scan(address, settings, limits, &wanted).await;
        found.extend(
            LEGACY
                .into_iter()
                .filter(|v| known(*v))
                .map(from_cloudfront),
        );
        found.sort_by_key(|v| v.version);
        found
    };
    let (legacy, tls12, tls13) = tokio::join!(
        legacy,
        scan_one(TlsVersion::Tls12),
        scan_one(TlsVersion::Tls13),
    );
    let versions: Vec<VersionProbe> = legacy.into_iter().chain(tls12).chain(tls13).collect();
    let modern = if needs_tls13_chain(&hello, &versions) {
        Some(diagnostic(address, settings, limits, HandshakeKind::Tls13).await)
    } else {
        None
    };
    let http = match &settings.http {
        None => None,
        Some(http) => Some(http_probe(address, settings, http, Some(&hello), limits).await),
    };
    AddressRecord {
        address,
        connect,
        failed_attempts,
        hello: Some(hello),
        versions,
        modern,
        http,
        elapsed: started.elapsed(),
    }
}

/// The versions older than TLS 1.2, oldest first.
const LEGACY: [TlsVersion; 3] = [TlsVersion::Ssl3, TlsVersion::Tls10, TlsVersion::Tls11];

/// This version's own scan hello, on a connection of its own.
async fn own_scan(
    address: SocketAddr,
    settings: &ProbeSettings,
    limits: &Limits,
    version: TlsVersion,
) -> VersionProbe {
    let spec = tls::scan_hello(version, settings.sni.as_deref());
    let (connect, hello) = raw_hello(address, settings, limits, spec).await;
    VersionProbe {
        version,
        connect: Some(connect),
        // Only the answer to CloudFront's hello has its signature checked: keep no other.
        hello: hello.map(|mut h| {
            if let Some(a) = &mut h.server_hello {
                a.key_exchange = None;
            }
            h
        }),
        answered_by: AnsweredBy::Own,
    }
}

/// The scan of the `wanted` legacy versions in as few connections as the answers allow: the
/// newest one's own hello first. A server answers it with the highest version it has up to that
/// one, so an alert says every older version is refused too, and a ServerHello choosing version
/// V says V is supported and those between V and the newest are not. Only versions older than
/// the one chosen, or all of them after an answer that says nothing (a close, a timeout), get
/// hellos of their own. A modern server thus costs one connection for SSLv3, TLS 1.0 and 1.1.
async fn legacy_scan(
    address: SocketAddr,
    settings: &ProbeSettings,
    limits: &Limits,
    wanted: &[TlsVersion],
) -> Vec<VersionProbe> {
    let Some(&newest) = wanted.iter().max() else {
        return Vec::new();
    };
    let first = own_scan(address, settings, limits, newest).await;
    // What the newest version's own hello says about the older ones.
    let covers = match first.hello.as_ref() {
        Some(h) => match (&h.server_hello, &h.end) {
            (Some(a), _) if !a.hello_retry => a.version.filter(|v| *v <= newest).map(Covers::From),
            (None, HelloEnd::Alert { .. }) => Some(Covers::All),
            _ => None,
        },
        None => None,
    };
    let covered = |v: TlsVersion| match covers {
        Some(Covers::All) => true,
        Some(Covers::From(chosen)) => v >= chosen,
        None => false,
    };
    let shared = |version| VersionProbe {
        version,
        connect: None,
        hello: first.hello.as_ref().map(without_chain),
        answered_by: AnsweredBy::HelloFor(newest),
    };
    let rest: Vec<TlsVersion> = wanted
        .iter()
        .copied()
        .filter(|v| *v != newest && !covered(*v))
        .collect();
    let mut out: Vec<VersionProbe> = wanted
        .iter()
        .copied()
        .filter(|v| *v != newest && covered(*v))
        .map(shared)
        .collect();
    out.push(first);
    let (a, b) = tokio::join!(
        async {
            match rest.first() {
                Some(v) => Some(own_scan(address, settings, limits, *v).await),
                None => None,
            }
        },
        async {
            match rest.get(1) {
                Some(v) => Some(own_scan(address, settings, limits, *v).await),
                None => None,
            }
        },
    );
    out.extend(a);
    out.extend(b);
    out
}

/// What one scan hello's answer says about older versions.
#[derive(Debug, Clone, Copy)]
enum Covers {
    /// Refused with an alert: every older version too.
    All,
    /// Chose this version: it is supported, and the ones between it and the offer are not.
    From(TlsVersion),
}

/// Whether the CloudFront hello got a TLS answer worth a version scan: a ServerHello, an
/// alert, a close or reset. Silence, a non-TLS answer or an oversized flight would only repeat.
fn answered_tls(hello: &HelloRecord) -> bool {
    hello.server_hello.is_some()
        || matches!(
            hello.end,
            HelloEnd::Alert { .. }
                | HelloEnd::Closed
                | HelloEnd::Reset
                | HelloEnd::Malformed { .. }
        )
}

/// Whether the CloudFront hello already answered the scan's question for `version`: it chose
/// `version` (supported), or chose an older allowed version although `version` was offered
/// (not supported: servers choose the highest version both sides have).
fn known_from_cloudfront_hello(
    hello: &HelloRecord,
    allowed: &[TlsVersion],
    version: TlsVersion,
) -> bool {
    let Some(answer) = &hello.server_hello else {
        return false;
    };
    match answer.version {
        Some(chosen) if !answer.hello_retry && allowed.contains(&chosen) => {
            version == chosen || (version > chosen && allowed.contains(&version))
        }
        _ => false,
    }
}

/// Another hello's record for a version-scan entry: the chain and the signed key exchange are
/// not copied twice.
fn without_chain(hello: &HelloRecord) -> HelloRecord {
    HelloRecord {
        server_hello: hello.server_hello.as_ref().map(|a| HelloAnswer {
            chain: None,
            key_exchange: None,
            ..a.clone()
        }),
        end: hello.end.clone(),
    }
}

/// CloudFront's suites that rustls implements (fact 5): the ECDHE AES-GCM ones.
pub(crate) const RUSTLS_CLOUDFRONT_SUITES: &[u16] = &[0xc02b, 0xc02c, 0xc02f, 0xc030];

/// Whether the `--http` request's rustls client can speak what the CloudFront hello
/// negotiated: a complete TLS 1.2 flight with a suite rustls implements.
fn rustls_can_speak(hello: &HelloRecord) -> bool {
    hello.end == HelloEnd::Complete
        && hello.server_hello.as_ref().is_some_and(|a| {
            !a.hello_retry
                && a.version == Some(TlsVersion::Tls12)
                && RUSTLS_CLOUDFRONT_SUITES.contains(&a.suite)
        })
}

/// The TLS 1.3 handshake is needed only to read a chain no cleartext hello showed, from an
/// origin whose scan found TLS 1.3.
fn needs_tls13_chain(hello: &HelloRecord, versions: &[VersionProbe]) -> bool {
    let has_chain = |h: &HelloRecord| h.server_hello.as_ref().is_some_and(|a| a.chain.is_some());
    let tls13 = versions.iter().any(|v| {
        v.version == TlsVersion::Tls13
            && v.hello.as_ref().is_some_and(|h| {
                h.server_hello
                    .as_ref()
                    .is_some_and(|a| a.hello_retry || a.version == Some(TlsVersion::Tls13))
            })
    });
    tls13
        && !has_chain(hello)
        && !versions
            .iter()
            .filter_map(|v| v.hello.as_ref())
            .any(has_chain)
}

/// One raw hello on a connection of its own, holding a permit.
async fn raw_hello(
    address: SocketAddr,
    settings: &ProbeSettings,
    limits: &Limits,
    spec: ClientHelloSpec,
) -> (ConnectOutcome, Option<HelloRecord>) {
    with_connection(address, settings, limits, |stream| {
        raw::exchange(stream, spec, settings.handshake_timeout)
    })
    .await
}

/// Takes a permit, connects, and runs `probe` over the connection; the permit is held until
/// `probe` is done. The outcome is `None` when the TCP connection failed.
async fn with_connection<T, F: Future<Output = T>>(
    address: SocketAddr,
    settings: &ProbeSettings,
    limits: &Limits,
    probe: impl FnOnce(tokio::net::TcpStream) -> F,
) -> (ConnectOutcome, Option<T>) {
    let (_, outcome, result) = connect::with_attempts(address, settings, limits, probe).await;
    (outcome, result)
}

/// The `--http` request, and for `--exposure` the one without the custom headers, each on a
/// connection of its own holding a permit. Only after CloudFront's hello negotiated a suite the
/// request's rustls client speaks: otherwise the request is recorded as not possible (the TLS
/// findings explain a failure).
async fn http_probe(
    address: SocketAddr,
    settings: &ProbeSettings,
    http: &HttpSettings,
    hello: Option<&HelloRecord>,
    limits: &Limits,
) -> HttpRecord {
    let host = settings
        .sni
        .clone()
        .unwrap_or_else(|| address.ip().to_string());
    let mut record = HttpRecord {
        path: http.path.clone(),
        host,
        timeout: http.timeout,
        header_names: http.headers.iter().map(|(n, _)| n.clone()).collect(),
        exposure: http.exposure,
        with_headers: HttpOutcome::NotPossible {
            why: not_negotiated(hello),
        },
        without_headers: None,
    };
    if !hello.is_some_and(rustls_can_speak) {
        return record;
    }
    let request = http::HttpRequest {
        address,
        host: settings.sni.as_deref(),
        path: &http.path,
        headers: &http.headers,
        timeout: http.timeout,
    };
    record.with_headers = with_permit(limits, request).await;
    if http.exposure && !http.headers.is_empty() {
        let bare = http::HttpRequest {
            headers: &[],
            ..request
        };
        record.without_headers = Some(with_permit(limits, bare).await);
    }
    record
}

/// Why there is no CloudFront-like TLS session to send the request over, as plain facts.
fn not_negotiated(hello: Option<&HelloRecord>) -> String {
    let Some(hello) = hello else {
        return "the TCP connection failed".to_string();
    };
    match &hello.server_hello {
        Some(a) if hello.end == HelloEnd::Complete => format!(
            "CloudFront would negotiate {} with {}, which this build's HTTP client (rustls) cannot speak",
            a.version.map_or("an unknown version", TlsVersion::as_str),
            tls::codes::cipher_suite_name(a.suite)
        ),
        _ => "CloudFront's hello did not complete a handshake (see the TLS findings)".to_string(),
    }
}

async fn with_permit(limits: &Limits, request: http::HttpRequest<'_>) -> HttpOutcome {
    // As in `one_handshake`: the semaphores are never closed; never probe without a permit.
    let Some(_permit) = limits.connection(request.address).await else {
        return HttpOutcome::Failed {
            message: "run is shutting down".to_string(),
        };
    };
    http::send(request).await
}

/// A diagnostic handshake on a connection of its own; a failed connect becomes a failure.
async fn diagnostic(
    address: SocketAddr,
    settings: &ProbeSettings,
    limits: &Limits,
    kind: HandshakeKind,
) -> HandshakeOutcome {
    match one_handshake(address, settings, limits, kind).await {
        (_, Some(outcome)) => outcome,
        (other, None) => HandshakeOutcome::Failed {
            message: format!("its connection failed ({})", other.describe()),
        },
    }
}

async fn one_handshake(
    address: SocketAddr,
    settings: &ProbeSettings,
    limits: &Limits,
    kind: HandshakeKind,
) -> (ConnectOutcome, Option<HandshakeOutcome>) {
    with_connection(address, settings, limits, |stream| {
        handshake::handshake(
            kind,
            stream,
            address.ip(),
            settings.sni.as_deref(),
            settings.handshake_timeout,
        )
    })
    .await
}
