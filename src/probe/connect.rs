//! TCP connect with a deadline, classified as CloudFront would experience it.
//!
//! Records refused / timed out / failed; never judges (fact 23's 502-vs-504 split lives in
//! `verdict`).

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

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

    #[test]
    fn descriptor_exhaustion_is_recognised() {
        assert!(out_of_descriptors(&std::io::Error::from_raw_os_error(24)));
        assert!(out_of_descriptors(&std::io::Error::from_raw_os_error(23)));
        assert!(!out_of_descriptors(&std::io::Error::from_raw_os_error(111)));
    }
}
