//! Probes: TCP connects and TLS handshakes that record what happened, never judging it.
//!
//! Each probe opens at most one connection and takes a permit from the run's semaphore before
//! it opens its socket; its timeouts start after the permit. Outcomes are `record` types.

pub mod connect;
pub mod handshake;
pub mod http;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::record::{
    AddressRecord, ConnectOutcome, HandshakeKind, HandshakeOutcome, HttpOutcome, HttpRecord,
};
use crate::secret::Redacted;

/// What the probes of one address need to know.
#[derive(Debug, Clone)]
pub struct ProbeSettings {
    /// The SNI CloudFront would send (`None` for IP-literal origins).
    pub sni: Option<String>,
    pub connect_timeout: Duration,
    pub handshake_timeout: Duration,
    /// The HTTP request to send after the handshakes, if asked for.
    pub http: Option<HttpSettings>,
}

/// The `--http` request for one target.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// The request target, origin path included.
    pub path: String,
    /// Headers CloudFront adds (the origin's custom headers, or `--header`); values redacted.
    pub headers: Vec<(String, Redacted)>,
    /// `--exposure`: send the request a second time without `headers`.
    pub exposure: bool,
    /// How long the origin may take to answer.
    pub timeout: Duration,
}

/// Probes one address: the CloudFront-like handshake; only if that fails in a way a second
/// opinion can explain (alert, close, reset, other TLS error), TLS 1.2 with everything rustls
/// has (did it fail on suites and schemes, or on the version?), and only if that fails too,
/// TLS 1.3 (a TLS 1.3-only origin; its chain is still read). Ready origins, timeouts and
/// non-TLS answers cost one connection; the worst case is three, one after another.
pub async fn probe_address(
    address: SocketAddr,
    settings: &ProbeSettings,
    permits: &Arc<Semaphore>,
) -> AddressRecord {
    let started = Instant::now();
    let (connect, cloudfront) =
        one_handshake(address, settings, permits, HandshakeKind::CloudFront).await;
    let modern = if cloudfront.as_ref().is_some_and(explainable) {
        let tls12 = diagnostic(address, settings, permits, HandshakeKind::Tls12Any).await;
        if matches!(tls12, HandshakeOutcome::Negotiated(_)) || !explainable(&tls12) {
            Some(tls12)
        } else {
            Some(diagnostic(address, settings, permits, HandshakeKind::Tls13).await)
        }
    } else {
        None
    };
    let http = match &settings.http {
        None => None,
        Some(http) => Some(http_probe(address, settings, http, cloudfront.as_ref(), permits).await),
    };
    AddressRecord {
        address,
        connect,
        cloudfront,
        modern,
        http,
        elapsed: started.elapsed(),
    }
}

/// The `--http` request, and for `--exposure` the one without the custom headers, each on a
/// connection of its own holding a permit. Only after a CloudFront-like handshake negotiated:
/// otherwise the request is recorded as not possible (the TLS findings explain the failure).
async fn http_probe(
    address: SocketAddr,
    settings: &ProbeSettings,
    http: &HttpSettings,
    cloudfront: Option<&HandshakeOutcome>,
    permits: &Arc<Semaphore>,
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
            why: not_negotiated(cloudfront),
        },
        without_headers: None,
    };
    if !matches!(cloudfront, Some(HandshakeOutcome::Negotiated(_))) {
        return record;
    }
    let request = http::HttpRequest {
        address,
        host: settings.sni.as_deref(),
        path: &http.path,
        headers: &http.headers,
        timeout: http.timeout,
    };
    record.with_headers = with_permit(permits, request).await;
    if http.exposure && !http.headers.is_empty() {
        let bare = http::HttpRequest {
            headers: &[],
            ..request
        };
        record.without_headers = Some(with_permit(permits, bare).await);
    }
    record
}

/// Why there is no CloudFront-like TLS session to send the request over, as plain facts.
fn not_negotiated(cloudfront: Option<&HandshakeOutcome>) -> String {
    let what = match cloudfront {
        None => "the TCP connection failed".to_string(),
        Some(HandshakeOutcome::Negotiated(_)) => "it completed".to_string(),
        Some(HandshakeOutcome::Alert { description }) => {
            format!("the origin sent alert {description}")
        }
        Some(HandshakeOutcome::NotTls { .. }) => "the port does not answer TLS".to_string(),
        Some(HandshakeOutcome::Closed) => "the origin closed the connection".to_string(),
        Some(HandshakeOutcome::Reset) => "the origin reset the connection".to_string(),
        Some(HandshakeOutcome::TimedOut { .. }) => "it timed out".to_string(),
        Some(HandshakeOutcome::TooLarge { limit }) => {
            format!("the origin sent more than {limit} bytes")
        }
        Some(HandshakeOutcome::Failed { message }) => message.clone(),
    };
    format!(
        "the TLS 1.2 handshake with CloudFront's suites that rustls implements did not complete ({what})"
    )
}

async fn with_permit(permits: &Arc<Semaphore>, request: http::HttpRequest<'_>) -> HttpOutcome {
    // As in `one_handshake`: the semaphore is never closed; never probe without a permit.
    let Ok(_permit) = permits.acquire().await else {
        return HttpOutcome::Failed {
            message: "run is shutting down".to_string(),
        };
    };
    http::send(request).await
}

/// Failures a handshake with other parameters can explain.
fn explainable(outcome: &HandshakeOutcome) -> bool {
    matches!(
        outcome,
        HandshakeOutcome::Alert { .. }
            | HandshakeOutcome::Closed
            | HandshakeOutcome::Reset
            | HandshakeOutcome::Failed { .. }
    )
}

/// A diagnostic handshake on a connection of its own; a failed connect becomes a failure.
async fn diagnostic(
    address: SocketAddr,
    settings: &ProbeSettings,
    permits: &Arc<Semaphore>,
    kind: HandshakeKind,
) -> HandshakeOutcome {
    match one_handshake(address, settings, permits, kind).await {
        (_, Some(outcome)) => outcome,
        (other, None) => HandshakeOutcome::Failed {
            message: format!("the diagnostic connection failed: {other:?}"),
        },
    }
}

async fn one_handshake(
    address: SocketAddr,
    settings: &ProbeSettings,
    permits: &Arc<Semaphore>,
    kind: HandshakeKind,
) -> (ConnectOutcome, Option<HandshakeOutcome>) {
    // The semaphore is never closed, so acquire cannot fail; if it ever were, probing without
    // a permit would break the concurrency bound, so report it as a failed connect instead.
    let Ok(_permit) = permits.acquire().await else {
        return (
            ConnectOutcome::Failed {
                message: "run is shutting down".to_string(),
            },
            None,
        );
    };
    let (outcome, stream) = connect::connect(address, settings.connect_timeout).await;
    let Some(stream) = stream else {
        return (outcome, None);
    };
    let handshake = handshake::handshake(
        kind,
        stream,
        address.ip(),
        settings.sni.as_deref(),
        settings.handshake_timeout,
    )
    .await;
    (outcome, Some(handshake))
}
