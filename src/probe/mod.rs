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

/// Probes one address: the CloudFront-like handshake, then, only if that fails in a way a
/// second opinion can explain (alert, close, reset, other TLS error), the modern handshake
/// that tells TLS 1.3-only and ChaCha20-only origins apart and reads their chain. The second
/// connection is skipped for ready origins, timeouts and non-TLS answers, where it adds nothing.
pub async fn probe_address(
    address: SocketAddr,
    settings: &ProbeSettings,
    permits: &Arc<Semaphore>,
) -> AddressRecord {
    let started = Instant::now();
    let (connect, cloudfront) =
        one_handshake(address, settings, permits, HandshakeKind::CloudFront).await;
    let needs_modern = matches!(
        cloudfront,
        Some(
            HandshakeOutcome::Alert { .. }
                | HandshakeOutcome::Closed
                | HandshakeOutcome::Reset
                | HandshakeOutcome::Failed { .. }
        )
    );
    let modern = if needs_modern {
        match one_handshake(address, settings, permits, HandshakeKind::Modern).await {
            (_, Some(outcome)) => Some(outcome),
            (ConnectOutcome::Refused, None) => Some(HandshakeOutcome::Failed {
                message: "the second connection was refused".to_string(),
            }),
            (other, None) => Some(HandshakeOutcome::Failed {
                message: format!("the second connection failed: {other:?}"),
            }),
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
