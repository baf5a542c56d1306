//! Origins served by `openssl s_server`: what rustls cannot play (RSA key exchange, CBC-only,
//! TLS 1.0/1.1, DHE). Used by `origin-probe demo` when `openssl` is on PATH.
//!
//! The child is killed when the `OpensslOrigin` is dropped; start-up waits at most
//! `START_TIMEOUT` for s_server to say which port it listens on.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long s_server may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `openssl s_server`; dropping it kills the process.
#[derive(Debug)]
pub struct OpensslOrigin {
    pub addr: SocketAddr,
    _child: Child,
    _dir: tempfile::TempDir,
}

/// Whether `openssl` can be run.
pub async fn available() -> bool {
    Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok_and(|s| s.success())
}

/// Starts `openssl s_server` on `ip`, port 0, serving `chain_pem` (leaf first, then what is
/// sent after it) with `key_pem`, plus `args` (e.g. `-tls1`, `-cipher AES128-SHA`).
pub async fn start(
    chain_pem: &[u8],
    key_pem: &[u8],
    args: &[&str],
    ip: IpAddr,
) -> io::Result<OpensslOrigin> {
    let dir = tempfile::tempdir()?;
    let chain = String::from_utf8_lossy(chain_pem);
    const END: &str = "-----END CERTIFICATE-----";
    // s_server sends -cert first and -cert_chain after it: split the leaf from the rest.
    let split = chain.find(END).map_or(chain.len(), |i| i + END.len());
    let (leaf, rest) = chain.split_at(split);
    let (leaf_path, rest_path, key_path) = (
        dir.path().join("leaf.pem"),
        dir.path().join("rest.pem"),
        dir.path().join("key.pem"),
    );
    std::fs::write(&leaf_path, leaf)?;
    std::fs::write(&rest_path, rest.trim_start())?;
    std::fs::write(&key_path, key_pem)?;
    let accept = SocketAddr::new(ip, 0).to_string();
    let mut cmd = Command::new("openssl");
    cmd.args(["s_server", "-accept", &accept, "-www"])
        .arg("-cert")
        .arg(&leaf_path)
        .arg("-key")
        .arg(&key_path);
    if !rest.trim().is_empty() {
        cmd.arg("-cert_chain").arg(&rest_path);
    }
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn()?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(io::Error::other("s_server has no stdout or stderr"));
    };
    let mut lines = BufReader::new(stdout).lines();
    let addr = tokio::time::timeout(START_TIMEOUT, async {
        // s_server prints `ACCEPT 127.0.0.1:PORT` (or `ACCEPT [::1]:PORT`) once it listens.
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(addr) = line.strip_prefix("ACCEPT ") {
                return addr.trim().parse::<SocketAddr>().ok();
            }
        }
        None
    })
    .await
    .ok()
    .flatten();
    let Some(addr) = addr else {
        // It refused its arguments (say, an unknown cipher): say why, in one line.
        let mut why = String::new();
        let _ = tokio::time::timeout(
            Duration::from_secs(2),
            BufReader::new(stderr).take(4096).read_to_string(&mut why),
        )
        .await;
        let why = why
            .lines()
            .next()
            .unwrap_or("no message")
            .trim()
            .to_string();
        return Err(io::Error::other(format!(
            "openssl s_server {} did not start listening: {why}",
            args.join(" ")
        )));
    };
    // Keep draining both pipes so s_server never blocks on a full one.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(_)) = lines.next_line().await {}
    });
    Ok(OpensslOrigin {
        addr,
        _child: child,
        _dir: dir,
    })
}
