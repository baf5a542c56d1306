//! Latency mode without netem: a user-space delay proxy in front of every fleet listener, on
//! loopback, that holds each chunk of bytes for RTT/2 in each direction, per connection, in
//! order (and the end of the stream too). For kernels without `sch_netem` and for runs without
//! root.
//!
//! What it cannot delay: the TCP handshake (the kernel completes it before the proxy accepts),
//! so a connection costs one delayed round trip for the ClientHello and the server's first
//! flight, where netem adds a second for SYN / SYN-ACK. Refused ports are not proxied (the
//! client must still see a refusal), so they answer at once. The fleet's own listeners still
//! count every connection: the proxy opens exactly one upstream connection per client
//! connection.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Result;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::fleet::{FIRST_PORT, Fleet, bind_next};

/// How long a proxied connection may live: far longer than any probe, bounded so an abandoned
/// one cannot pile up.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(30);

/// Chunks held per direction before the reader waits for the writer: bounds the proxy's memory
/// per connection (at most this many reads of `READ_CHUNK` bytes in flight).
const MAX_HELD_CHUNKS: usize = 64;
const READ_CHUNK: usize = 16 * 1024;

/// The running proxies; dropping them stops every one.
#[derive(Debug)]
pub struct DelayProxies {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for DelayProxies {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Puts a proxy delaying each direction by `one_way` in front of every listener of `fleet`
/// and points the fleet's origins at the proxies (refused ports excepted).
pub async fn start(fleet: &mut Fleet, one_way: Duration) -> Result<DelayProxies> {
    let mut tasks = Vec::new();
    let mut by_upstream: std::collections::HashMap<SocketAddr, SocketAddr> =
        std::collections::HashMap::new();
    // Above every fleet port, so the two ranges never mix.
    let mut next_port = fleet
        .origins
        .iter()
        .map(|o| o.addr.port())
        .max()
        .unwrap_or(FIRST_PORT)
        .saturating_add(1);
    for origin in &mut fleet.origins {
        if origin.accepts.is_none() {
            continue;
        }
        let upstream = origin.addr;
        if let Some(proxy) = by_upstream.get(&upstream) {
            origin.addr = *proxy;
            continue;
        }
        let listener = bind_next(upstream.ip(), &mut next_port).await?;
        let proxy = listener.local_addr()?;
        tasks.push(tokio::spawn(serve(listener, upstream, one_way)));
        by_upstream.insert(upstream, proxy);
        origin.addr = proxy;
    }
    Ok(DelayProxies { tasks })
}

async fn serve(listener: TcpListener, upstream: SocketAddr, one_way: Duration) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            // EMFILE and friends are transient; back off instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        tokio::spawn(async move {
            let _ = tokio::time::timeout(CONNECTION_LIFETIME, async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::join!(
                    delayed(client_read, server_write, one_way),
                    delayed(server_read, client_write, one_way),
                );
            })
            .await;
        });
    }
}

/// Copies `from` to `to`, each chunk (and the end of the stream) written `delay` after it was
/// read, in order.
async fn delayed(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, delay: Duration) {
    // An empty chunk is the end of the stream.
    let (tx, mut rx) = mpsc::channel::<(Instant, Vec<u8>)>(MAX_HELD_CHUNKS);
    let reader = async move {
        let mut buf = vec![0u8; READ_CHUNK];
        loop {
            let n = from.read(&mut buf).await.unwrap_or(0);
            let chunk = buf.get(..n).unwrap_or_default().to_vec();
            if tx.send((Instant::now() + delay, chunk)).await.is_err() || n == 0 {
                break;
            }
        }
    };
    let writer = async move {
        while let Some((at, chunk)) = rx.recv().await {
            tokio::time::sleep_until(at).await;
            if chunk.is_empty() || to.write_all(&chunk).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(reader, writer);
}
