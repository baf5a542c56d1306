//! TCP connect with a deadline, classified as CloudFront would experience it.
//!
//! Records refused / timed out / failed, and, when an origin sets `ConnectionAttempts`, every
//! failed attempt before the last (fact 24); never judges (fact 23's 502-vs-504 split and what
//! a second attempt means live in `verdict`).

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use super::{Limits, ProbeSettings};
use crate::record::ConnectOutcome;

/// How long a connection waits, in all, for a free file descriptor (EMFILE/ENFILE) before it
/// is recorded as failed. The wait does not count against the connect timeout: running out of
/// descriptors is this machine's problem, not the origin's.
pub(crate) const MAX_DESCRIPTOR_WAIT: Duration = Duration::from_secs(60);

/// Pause between attempts while descriptors are exhausted.
const DESCRIPTOR_RETRY: Duration = Duration::from_millis(50);

/// Opens a TCP connection to `address`, waiting at most `timeout` for the origin (plus, if this
/// process runs out of file descriptors, up to `MAX_DESCRIPTOR_WAIT` for one to free up).
pub(crate) async fn connect(
    address: SocketAddr,
    timeout: Duration,
) -> (ConnectOutcome, Option<TcpStream>) {
    let waiting_since = Instant::now();
    loop {
        let (outcome, stream, out_of_descriptors) = attempt(address, timeout).await;
        if !out_of_descriptors || waiting_since.elapsed() >= MAX_DESCRIPTOR_WAIT {
            return (outcome, stream);
        }
        tokio::time::sleep(DESCRIPTOR_RETRY).await;
    }
}

/// What up to `attempts` connects to one address did, as CloudFront makes them (fact 24:
/// `ConnectionAttempts`, each waiting `ConnectionTimeout`): the failed attempts before the last,
/// in order, then the last attempt's outcome and its stream. The next attempt starts as soon as
/// one fails; the docs give no pause between them.
#[derive(Debug)]
pub(crate) struct Attempts {
    pub failed_before: Vec<ConnectOutcome>,
    pub outcome: ConnectOutcome,
    pub stream: Option<TcpStream>,
}

/// Connects to `address` with up to `attempts` attempts (at least one) of `timeout` each.
pub(crate) async fn connect_attempts(
    address: SocketAddr,
    timeout: Duration,
    attempts: u32,
) -> Attempts {
    let mut failed_before = Vec::new();
    loop {
        let (outcome, stream) = connect(address, timeout).await;
        let used = u32::try_from(failed_before.len()).unwrap_or(u32::MAX) + 1;
        if stream.is_some() || used >= attempts.max(1) {
            return Attempts {
                failed_before,
                outcome,
                stream,
            };
        }
        failed_before.push(outcome);
    }
}

/// Takes a permit and connects, as `probe::with_connection` does, also returning the connect attempts that failed before the last
/// (each connection gets the origin's `ConnectionAttempts`, as CloudFront's would).
pub(super) async fn with_attempts<T, F: Future<Output = T>>(
    address: SocketAddr,
    settings: &ProbeSettings,
    limits: &Limits,
    probe: impl FnOnce(tokio::net::TcpStream) -> F,
) -> (Vec<ConnectOutcome>, ConnectOutcome, Option<T>) {
    // The semaphores are never closed, so this cannot fail; if one ever were, probing without
    // a permit would break the bounds, so report it as a failed connect instead.
    let Some(_permit) = limits.connection(address).await else {
        let shutting_down = ConnectOutcome::Failed {
            message: "run is shutting down".to_string(),
        };
        return (Vec::new(), shutting_down, None);
    };
    let attempts =
        connect_attempts(address, settings.connect_timeout, settings.connect_attempts).await;
    match attempts.stream {
        Some(stream) => (
            attempts.failed_before,
            attempts.outcome,
            Some(probe(stream).await),
        ),
        None => (attempts.failed_before, attempts.outcome, None),
    }
}

/// Whether an error means this process (EMFILE) or the system (ENFILE) has no descriptor left.
fn out_of_descriptors(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(23 | 24))
}

async fn attempt(
    address: SocketAddr,
    timeout: Duration,
) -> (ConnectOutcome, Option<TcpStream>, bool) {
    let started = Instant::now();
    match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
        Err(_) => (
            ConnectOutcome::TimedOut {
                after: started.elapsed(),
            },
            None,
            false,
        ),
        Ok(Ok(stream)) => {
            // Small handshake messages must not wait for Nagle; failure to set it is harmless.
            let _ = stream.set_nodelay(true);
            (
                ConnectOutcome::Connected {
                    after: started.elapsed(),
                },
                Some(stream),
                false,
            )
        }
        Ok(Err(e)) if e.kind() == ErrorKind::ConnectionRefused => {
            (ConnectOutcome::Refused, None, false)
        }
        Ok(Err(e)) if e.kind() == ErrorKind::TimedOut => (
            ConnectOutcome::TimedOut {
                after: started.elapsed(),
            },
            None,
            false,
        ),
        Ok(Err(e)) if e.kind() == ErrorKind::NetworkUnreachable => (
            ConnectOutcome::NoRoute {
                message: e.to_string(),
            },
            None,
            false,
        ),
        Ok(Err(e)) => (
            ConnectOutcome::Failed {
                message: e.to_string(),
            },
            None,
            out_of_descriptors(&e),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn attempts_stop_at_the_first_connection_or_the_limit() {
        // A closed port refuses at once, so three attempts are quick and all recorded.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let closed = listener.local_addr().expect("addr");
        drop(listener);
        let a = connect_attempts(closed, Duration::from_secs(2), 3).await;
        assert_eq!(
            a.failed_before,
            [ConnectOutcome::Refused, ConnectOutcome::Refused]
        );
        assert_eq!(a.outcome, ConnectOutcome::Refused);
        assert!(a.stream.is_none());
        let a = connect_attempts(closed, Duration::from_secs(2), 0).await;
        assert!(
            a.failed_before.is_empty(),
            "at least one attempt, never more than asked"
        );
        let open = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let a = connect_attempts(open.local_addr().expect("addr"), Duration::from_secs(2), 3).await;
        assert!(a.failed_before.is_empty() && a.stream.is_some(), "{a:?}");
    }

    #[test]
    fn descriptor_exhaustion_is_recognised() {
        assert!(out_of_descriptors(&std::io::Error::from_raw_os_error(24)));
        assert!(out_of_descriptors(&std::io::Error::from_raw_os_error(23)));
        assert!(!out_of_descriptors(&std::io::Error::from_raw_os_error(111)));
    }
}
