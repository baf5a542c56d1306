//! A loopback relay in front of a real server that counts the connections it relays and, in
//! one mode, corrupts one thing: the last byte of every ServerKeyExchange it forwards, so the
//! signature no longer verifies with the certificate's key. For what no server here can be
//! made to serve itself: `openssl s_server` refuses a key that does not match its certificate,
//! and rustls does not speak TLS 1.0.
//!
//! Client bytes pass through untouched. Server bytes are read record by record (TLS <= 1.2
//! records are cleartext until the server's ChangeCipherSpec); a ServerKeyExchange inside one
//! handshake record gets its last byte flipped, and the relay counts how many it flipped so a
//! test can tell a corrupted run from one where the message was split differently. Every
//! connection lives at most `CONNECTION_LIFETIME`; dropping the relay stops it.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

const CONNECTION_LIFETIME: Duration = Duration::from_secs(20);
/// A record header plus the largest payload a TLS record may carry (2^14 + 2048).
const MAX_RECORD: usize = 5 + (1 << 14) + 2048;

/// A running relay; dropping it stops it and every connection.
#[derive(Debug)]
pub struct Relay {
    pub addr: SocketAddr,
    flipped: Arc<AtomicUsize>,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

/// What the relay does to the server's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    PassThrough,
    CorruptKeyExchange,
}

impl Relay {
    /// How many connections it accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::Relaxed)
    }

    /// How many ServerKeyExchange messages were corrupted so far.
    pub fn flipped(&self) -> usize {
        self.flipped.load(Ordering::Relaxed)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a relay on 127.0.0.1 in front of `upstream` that corrupts every ServerKeyExchange.
pub async fn corrupting_key_exchange(upstream: SocketAddr) -> Relay {
    start(upstream, Mode::CorruptKeyExchange).await
}

/// Starts a relay on 127.0.0.1 in front of `upstream` that only counts connections.
pub async fn counting(upstream: SocketAddr) -> Relay {
    start(upstream, Mode::PassThrough).await
}

async fn start(upstream: SocketAddr, mode: Mode) -> Relay {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind the relay");
    let addr = listener.local_addr().expect("local address");
    let flipped = Arc::new(AtomicUsize::new(0));
    let accepted = Arc::new(AtomicUsize::new(0));
    let (counter, accepts) = (flipped.clone(), accepted.clone());
    let task = tokio::spawn(async move {
        // Owned by this task: aborting it drops the set, which aborts every connection.
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((client, _)) => {
                        accepts.fetch_add(1, Ordering::Relaxed);
                        let counter = counter.clone();
                        connections.spawn(async move {
                            let _ = tokio::time::timeout(
                                CONNECTION_LIFETIME,
                                relay(client, upstream, mode, &counter),
                            )
                            .await;
                        });
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                },
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
    });
    Relay {
        addr,
        flipped,
        accepted,
        task,
    }
}

async fn relay(client: TcpStream, upstream: SocketAddr, mode: Mode, flipped: &AtomicUsize) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upward = async {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
        let _ = server_write.shutdown().await;
    };
    let downward = async {
        let mut pending: Vec<u8> = Vec::new();
        let mut cleartext = mode == Mode::CorruptKeyExchange;
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match server_read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            pending.extend_from_slice(&buf[..n]);
            let out = if cleartext {
                take_records(&mut pending, &mut cleartext, flipped)
            } else {
                std::mem::take(&mut pending)
            };
            if client_write.write_all(&out).await.is_err() {
                break;
            }
        }
        let _ = client_write.write_all(&pending).await;
        let _ = client_write.shutdown().await;
    };
    tokio::join!(upward, downward);
}

/// Takes every complete record from the front of `pending`, corrupting ServerKeyExchange
/// messages; after a ChangeCipherSpec (or a record too large to be TLS) the rest passes as is.
fn take_records(pending: &mut Vec<u8>, cleartext: &mut bool, flipped: &AtomicUsize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        if !*cleartext {
            out.append(pending);
            return out;
        }
        if pending.len() < 5 {
            return out;
        }
        let len = 5 + usize::from(u16::from_be_bytes([pending[3], pending[4]]));
        if len > MAX_RECORD {
            *cleartext = false;
            continue;
        }
        if pending.len() < len {
            return out;
        }
        let mut record: Vec<u8> = pending.drain(..len).collect();
        match record[0] {
            0x16 => flip_key_exchanges(&mut record[5..], flipped),
            0x14 => *cleartext = false,
            _ => {}
        }
        out.extend_from_slice(&record);
    }
}

/// Flips the last byte of each ServerKeyExchange (type 12) wholly inside `payload`.
fn flip_key_exchanges(payload: &mut [u8], flipped: &AtomicUsize) {
    let mut at = 0;
    while at + 4 <= payload.len() {
        let kind = payload[at];
        let len = usize::from(payload[at + 1]) << 16
            | usize::from(payload[at + 2]) << 8
            | usize::from(payload[at + 3]);
        let end = at + 4 + len;
        if end > payload.len() {
            return;
        }
        if kind == 12 && len > 0 {
            payload[end - 1] ^= 0x01;
            flipped.fetch_add(1, Ordering::Relaxed);
        }
        at = end;
    }
}
