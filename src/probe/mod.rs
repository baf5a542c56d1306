//! Probes: TCP connects and TLS handshakes that record what happened, never judging it.
//!
//! Each probe opens at most one connection and takes a permit from the run's semaphore before
//! it opens its socket; its timeouts start after the permit. Outcomes are `record` types.

pub mod connect;
pub mod handshake;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::record::{AddressRecord, ConnectOutcome, HandshakeKind, HandshakeOutcome};

/// What the probes of one address need to know.
#[derive(Debug, Clone)]
pub struct ProbeSettings {
    /// The SNI CloudFront would send (`None` for IP-literal origins).
    pub sni: Option<String>,
    pub connect_timeout: Duration,
    pub handshake_timeout: Duration,
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
    AddressRecord {
        address,
        connect,
        cloudfront,
        modern,
        elapsed: started.elapsed(),
    }
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
