//! Hostile loopback peers for `tests/it/hostile/`: a small script per peer (read the hello,
//! send bytes, drip them, send them forever, stream a huge message, reset), the TLS bytes they
//! send (built by hand here, never by a TLS library), and a run helper that also samples the
//! child's peak resident memory.
//!
//! Every peer listens on 127.0.0.1, port 0. Each connection plays the script under
//! [`CONNECTION_LIFETIME`] and sends at most [`MAX_SENT`] bytes; dropping the [`Peer`] aborts the
//! accept loop and, with it, every connection task. A script never ends with an accidental RST:
//! after its last step the peer sends a FIN and discards what the client still sends until the
//! client closes (only [`Step::Reset`] resets).

use std::net::{Ipv4Addr, SocketAddr};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use super::{Run, bracket, fixture, fixture_path};

/// How long one connection of a peer may live, whatever its script says.
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(10);

/// The most bytes one connection sends: endless steps stop here if the client never does.
pub const MAX_SENT: usize = 64 << 20;

/// The longest a run against hostile peers may take before the test fails. The flags the suite
/// uses (`FAST`) make the worst case about three handshake timeouts (CloudFront's hello, the
/// version scan, the TLS 1.3 read), a few seconds; this leaves room for a loaded machine.
pub const HOSTILE_DEADLINE: Duration = Duration::from_secs(40);

/// Short timeouts for every hostile run.
pub const FAST: &[&str] = &["--timeout", "2s", "--connect-timeout", "1s"];

/// Largest TLS record payload a peer writes (2^14, RFC 5246 §6.2.1).
const RECORD_MAX: usize = 1 << 14;

/// One step of a peer's script.
#[derive(Debug, Clone)]
pub enum Step {
    /// Reads the client's first TLS record (its ClientHello). Anything else: what arrives first.
    ReadHello,
    /// Sends these bytes at once.
    Send(Vec<u8>),
    /// Sends these bytes one at a time, this far apart.
    Drip(Vec<u8>, Duration),
    /// Sends these bytes again and again until the client goes away (or [`MAX_SENT`]).
    Endless(Vec<u8>),
    /// Sends `head`, then `unit` `times` times, as handshake records of at most 2^14 bytes,
    /// generated as it goes (never held whole): a huge handshake message, streamed.
    Stream {
        head: Vec<u8>,
        unit: Vec<u8>,
        times: usize,
    },
    /// Until the client goes away: reads one record, answers with these bytes.
    AnswerEvery(Vec<u8>),
    /// Keeps the connection open without sending, discarding what arrives, until the client
    /// closes.
    Hold,
    /// Resets the connection (SO_LINGER 0, then close): a RST instead of a FIN. Ends the script.
    Reset,
}

/// A running hostile peer; dropping it stops it and every connection it holds.
#[derive(Debug)]
pub struct Peer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a peer playing `script` on every connection.
pub async fn peer(script: Vec<Step>) -> Peer {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind a hostile peer");
    let addr = listener.local_addr().expect("local address");
    let script: Arc<[Step]> = script.into();
    let task = tokio::spawn(async move {
        // Owned by this task: aborting it drops the set, which aborts every connection.
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        let script = script.clone();
                        connections.spawn(async move {
                            let _ = tokio::time::timeout(CONNECTION_LIFETIME, play(stream, &script))
                                .await;
                        });
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                },
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
    });
    Peer { addr, task }
}

/// Reads the hello, then sends `bytes` and closes (FIN).
pub fn answer(bytes: Vec<u8>) -> Vec<Step> {
    vec![Step::ReadHello, Step::Send(bytes)]
}

async fn play(mut stream: TcpStream, script: &[Step]) {
    let mut sent = 0usize;
    for step in script {
        let more = match step {
            Step::ReadHello => read_record(&mut stream).await,
            Step::Send(bytes) => send(&mut stream, bytes, &mut sent).await,
            Step::Drip(bytes, every) => {
                let mut ok = true;
                for b in bytes {
                    if !send(&mut stream, &[*b], &mut sent).await {
                        ok = false;
                        break;
                    }
                    tokio::time::sleep(*every).await;
                }
                ok
            }
            Step::Endless(bytes) => {
                while send(&mut stream, bytes, &mut sent).await {}
                false
            }
            Step::Stream { head, unit, times } => {
                stream_message(&mut stream, head, unit, *times, &mut sent).await
            }
            Step::AnswerEvery(bytes) => {
                while read_record(&mut stream).await && send(&mut stream, bytes, &mut sent).await {}
                false
            }
            Step::Hold => {
                drain(&mut stream).await;
                return;
            }
            Step::Reset => {
                let _ = stream.set_zero_linger();
                drop(stream);
                return;
            }
        };
        if !more {
            break;
        }
    }
    let _ = stream.shutdown().await;
    drain(&mut stream).await;
}

/// Writes `bytes` unless [`MAX_SENT`] would be passed; false when the client is gone.
async fn send(stream: &mut TcpStream, bytes: &[u8], sent: &mut usize) -> bool {
    if *sent + bytes.len() > MAX_SENT {
        return false;
    }
    *sent += bytes.len();
    stream.write_all(bytes).await.is_ok()
}

async fn stream_message(
    stream: &mut TcpStream,
    head: &[u8],
    unit: &[u8],
    times: usize,
    sent: &mut usize,
) -> bool {
    let mut pending: Vec<u8> = head.to_vec();
    for _ in 0..times {
        pending.extend_from_slice(unit);
        while pending.len() >= RECORD_MAX {
            let rest = pending.split_off(RECORD_MAX);
            if !send(stream, &record(0x16, &pending), sent).await {
                return false;
            }
            pending = rest;
        }
    }
    pending.is_empty() || send(stream, &record(0x16, &pending), sent).await
}

/// Reads one TLS record (header and body); false when the client closed or sent nothing usable.
async fn read_record(stream: &mut TcpStream) -> bool {
    let mut header = [0u8; 5];
    if stream.read_exact(&mut header).await.is_err() {
        return false;
    }
    if !matches!(header[0], 0x14..=0x17) {
        return true; // not a record: what arrived is the "hello"
    }
    let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).await.is_ok()
}

/// Discards what the client sends until it closes.
async fn drain(stream: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
}

// ---- TLS bytes, by hand (RFC 5246 §6.2 and §7.4, RFC 8446 §4.1.3) ----

/// ECDHE-RSA-AES128-GCM-SHA256: CloudFront offers it and rustls implements it, so a complete
/// flight with it also gets the rustls handshake.
pub const SUITE_GCM: u16 = 0xc02f;
/// ECDHE-RSA-AES128-SHA: CloudFront offers it, rustls does not: only the raw hello reads it.
pub const SUITE_CBC: u16 = 0xc013;

pub const CONTENT_ALERT: u8 = 0x15;
pub const CONTENT_HANDSHAKE: u8 = 0x16;
pub const CONTENT_APPLICATION_DATA: u8 = 0x17;

pub const ALERT_WARNING: u8 = 1;
pub const ALERT_FATAL: u8 = 2;

/// The 3 big-endian bytes of a 24-bit length (`n` must fit).
pub fn u24(n: usize) -> [u8; 3] {
    assert!(n < 1 << 24, "{n} does not fit in 24 bits");
    let b = (n as u32).to_be_bytes();
    [b[1], b[2], b[3]]
}

/// `payload` as TLS 1.2 records of `content_type`, split at 2^14 bytes.
pub fn record(content_type: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 5);
    let mut push = |piece: &[u8]| {
        out.extend([content_type, 0x03, 0x03]);
        out.extend((piece.len() as u16).to_be_bytes());
        out.extend(piece);
    };
    if payload.is_empty() {
        push(&[]);
    }
    for piece in payload.chunks(RECORD_MAX) {
        push(piece);
    }
    out
}

/// A handshake message: type, 24-bit length, body.
pub fn handshake(msg_type: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![msg_type];
    out.extend(u24(body.len()));
    out.extend(body);
    out
}

/// A TLS 1.2 ServerHello choosing `suite`: no session id, no compression, no extensions.
pub fn server_hello(suite: u16) -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend([0x5a; 32]);
    body.push(0); // session id
    body.extend(suite.to_be_bytes());
    body.push(0); // compression: null
    handshake(2, &body)
}

/// A TLS 1.3 ServerHello (TLS_AES_128_GCM_SHA256, an x25519 share of 32 bytes of 0x09).
pub fn server_hello_tls13() -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend([0x5a; 32]);
    body.push(0);
    body.extend([0x13, 0x01, 0x00]);
    let mut extensions = vec![0x00, 0x2b, 0x00, 0x02, 0x03, 0x04];
    extensions.extend([0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20]);
    extensions.extend([0x09; 32]);
    body.extend((extensions.len() as u16).to_be_bytes());
    body.extend(extensions);
    handshake(2, &body)
}

/// A HelloRetryRequest (TLS 1.3) asking for a P-256 key share.
pub fn hello_retry_request() -> Vec<u8> {
    const HRR_RANDOM: [u8; 32] = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8,
        0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8,
        0x33, 0x9c,
    ];
    let mut body = vec![0x03, 0x03];
    body.extend(HRR_RANDOM);
    body.push(0);
    body.extend([0x13, 0x01, 0x00]);
    let extensions = [
        0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, // supported_versions: TLS 1.3
        0x00, 0x33, 0x00, 0x02, 0x00, 0x17, // key_share: secp256r1
    ];
    body.extend((extensions.len() as u16).to_be_bytes());
    body.extend(extensions);
    handshake(2, &body)
}

/// A TLS <= 1.2 Certificate message carrying `chain` as sent.
pub fn certificate(chain: &[Vec<u8>]) -> Vec<u8> {
    let mut list = Vec::new();
    for der in chain {
        list.extend(u24(der.len()));
        list.extend(der);
    }
    let mut body = u24(list.len()).to_vec();
    body.extend(list);
    handshake(11, &body)
}

pub fn server_hello_done() -> Vec<u8> {
    handshake(14, &[])
}

/// One alert record.
pub fn alert(level: u8, description: u8) -> Vec<u8> {
    record(CONTENT_ALERT, &[level, description])
}

/// Handshake messages in one run of handshake records.
pub fn flight(messages: &[Vec<u8>]) -> Vec<u8> {
    record(CONTENT_HANDSHAKE, &messages.concat())
}

/// ServerHello (`suite`), Certificate (`chain`), ServerHelloDone: a complete TLS 1.2 first flight
/// (no ServerKeyExchange: the raw hello does not need one).
pub fn tls12_flight(suite: u16, chain: &[Vec<u8>]) -> Vec<u8> {
    flight(&[server_hello(suite), certificate(chain), server_hello_done()])
}

/// The DER certificates of fixture `<name>.chain.pem`, leaf first.
pub fn fixture_chain(name: &str) -> Vec<Vec<u8>> {
    let pem = fixture(&format!("{name}.chain.pem"));
    CertificateDer::pem_slice_iter(&pem)
        .map(|c| c.expect("fixture PEM").to_vec())
        .collect()
}

// ---- Running the binary against peers ----

/// One run against hostile peers: the output, its peak resident memory and how long it took.
#[derive(Debug)]
pub struct Measured {
    pub run: Run,
    /// The child's `VmHWM` (KiB), sampled from `/proc` while it ran; `None` if never read.
    pub peak_rss_kib: Option<u64>,
    pub elapsed: Duration,
}

/// `check` arguments probing each `(name, addr)` (through `--resolve`) with the fixture roots,
/// JSON output and `extra`.
pub fn check_many(targets: &[(String, SocketAddr)], extra: &[&str]) -> Vec<String> {
    let mut args = vec!["check".to_string()];
    for (name, addr) in targets {
        args.push(format!("{name}:{}", addr.port()));
    }
    for (name, addr) in targets {
        args.push("--resolve".into());
        args.push(format!("{name}:{}:{}", addr.port(), bracket(addr.ip())));
    }
    args.extend(
        [
            "--roots",
            &fixture_path("test-roots.pem"),
            "--format",
            "json",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// Runs the binary with `args`, failing the test after [`HOSTILE_DEADLINE`], and samples the
/// child's peak resident set (`VmHWM`, which only grows) every few milliseconds while it runs.
pub async fn run_measured(args: &[String]) -> Measured {
    let started = Instant::now();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_origin-probe"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().expect("spawn origin-probe");
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = child.id().map(|pid| {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                if let Some(kib) = vm_hwm(pid) {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    });
    let output = tokio::time::timeout(HOSTILE_DEADLINE, child.wait_with_output())
        .await
        .unwrap_or_else(|_| {
            panic!("origin-probe {args:?} did not finish within {HOSTILE_DEADLINE:?}")
        })
        .expect("wait for origin-probe");
    if let Some(sampler) = sampler {
        sampler.abort();
    }
    let peak = peak.load(Ordering::Relaxed);
    Measured {
        run: Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        },
        peak_rss_kib: (peak > 0).then_some(peak),
        elapsed: started.elapsed(),
    }
}

/// `VmHWM` of `pid` in KiB, only if `pid` is still our origin-probe child (not a recycled pid,
/// not the forked child before `exec`, not a zombie without memory).
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
    };
    if field("Name:")? != "origin-probe" || field("PPid:")? != std::process::id().to_string() {
        return None;
    }
    field("VmHWM:")?.strip_suffix("kB")?.trim().parse().ok()
}
