//! TCP connect with a deadline, classified as CloudFront would experience it.
//!
//! Records refused / timed out / failed; never judges (fact 23's 502-vs-504 split lives in
//! `verdict`).

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use crate::record::ConnectOutcome;

/// Opens a TCP connection to `address`, waiting at most `timeout`.
pub async fn connect(
    address: SocketAddr,
    timeout: Duration,
) -> (ConnectOutcome, Option<TcpStream>) {
    let started = Instant::now();
    match tokio::time::timeout(timeout, TcpStream::connect(address)).await {
        Err(_) => (
            ConnectOutcome::TimedOut {
                after: started.elapsed(),
            },
            None,
        ),
        Ok(Ok(stream)) => {
            // Small handshake messages must not wait for Nagle; failure to set it is harmless.
            let _ = stream.set_nodelay(true);
            (
                ConnectOutcome::Connected {
                    after: started.elapsed(),
                },
                Some(stream),
            )
        }
        Ok(Err(e)) if e.kind() == ErrorKind::ConnectionRefused => (ConnectOutcome::Refused, None),
        Ok(Err(e)) if e.kind() == ErrorKind::TimedOut => (
            ConnectOutcome::TimedOut {
                after: started.elapsed(),
            },
            None,
        ),
        Ok(Err(e)) => (
            ConnectOutcome::Failed {
                message: e.to_string(),
            },
            None,
        ),
    }
}
