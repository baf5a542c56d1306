//! Support for the exporter tests: `origin-probe serve` started as a child process on
//! 127.0.0.1 port 0 (its stderr says where it listens), plain HTTP/1.1 requests to it over a
//! loopback socket, and its stop by SIGTERM. Every wait is bounded; dropping an `Exporter`
//! kills the process.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use super::{LOCALHOST, bracket, fixture_path};
use origin_probe::demo::servers::Origin;

/// The longest one request to the exporter may take (its probes are bounded far below this).
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(30);

/// A running exporter.
#[derive(Debug)]
pub struct Exporter {
    child: tokio::process::Child,
    pub addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

/// One answer from the exporter.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// `serve` on a free loopback port, trusting the fixture root, `names` resolved to the
/// origins' addresses, with short probe timeouts; `extra` flags follow.
pub fn serve_args(names: &[(&str, &Origin)], extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--roots",
        &fixture_path("test-roots.pem"),
        "--connect-timeout",
        "2s",
        "--timeout",
        "3s",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (name, origin) in names {
        args.push("--resolve".into());
        args.push(format!(
            "{name}:{}:{}",
            origin.addr.port(),
            bracket(origin.addr.ip())
        ));
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

impl Exporter {
    /// Starts the binary with `args` and `env`, and waits (at most 30 s) for its "serving on"
    /// line.
    pub async fn start_with_env(args: &[String], env: &[(&str, &str)]) -> Exporter {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_origin-probe"));
        cmd.args(args)
            .env(
                "ORIGIN_PROBE_DANGER_BUILTIN_ROOTS",
                fixture_path("test-roots.pem"),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start origin-probe serve");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
        let sink = Arc::clone(&log);
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            let mut addr_tx = Some(addr_tx);
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(rest) = line.split("serving on http://").nth(1)
                    && let Some(addr) = rest.split('/').next()
                    && let Some(tx) = addr_tx.take()
                {
                    let _ = tx.send(addr.parse::<SocketAddr>().ok());
                }
                let mut log = sink.lock().expect("log");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = tokio::time::timeout(Duration::from_secs(30), addr_rx).await;
        let Ok(Ok(Some(addr))) = addr else {
            let log = log.lock().expect("log").clone();
            panic!("the exporter did not start listening within 30 s:\n{log}");
        };
        assert_eq!(addr.ip(), LOCALHOST);
        Exporter {
            child,
            addr,
            stderr: log,
        }
    }

    pub async fn start(args: &[String]) -> Exporter {
        Exporter::start_with_env(args, &[]).await
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("the exporter is running")
    }

    /// What the exporter printed so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("log").clone()
    }

    pub async fn get(&self, target: &str, headers: &[(&str, &str)]) -> Answer {
        request(self.addr, "GET", target, headers).await
    }

    pub async fn post(&self, target: &str) -> Answer {
        request(self.addr, "POST", target, &[]).await
    }

    /// Sends `signal` (`TERM`, `HUP`) with kill(1).
    pub fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill")
            .args([format!("-{signal}"), self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{signal}");
    }

    /// SIGTERM, then the exit code (the process must end within `within`).
    pub async fn stop(self, within: Duration) -> (Option<i32>, String) {
        self.signal("TERM");
        self.exit(within).await
    }

    /// The exit code once the process ends by itself (within `within`), and its stderr.
    pub async fn exit(mut self, within: Duration) -> (Option<i32>, String) {
        let status = tokio::time::timeout(within, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the exporter did not stop within {within:?}"))
            .expect("wait");
        // Give the stderr reader a moment to take the last lines.
        tokio::time::sleep(Duration::from_millis(100)).await;
        (status.code(), self.stderr())
    }
}

/// One HTTP/1.1 request with `Connection: close`, the whole answer read, within
/// [`REQUEST_DEADLINE`].
pub async fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> Answer {
    try_request(addr, method, target, headers)
        .await
        .unwrap_or_else(|| panic!("{method} {target}: connection refused"))
}

/// As [`request`], but `None` when the connection is refused (a server still starting).
pub async fn try_request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> Option<Answer> {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
        let mut head =
            format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await.expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        Some(raw)
    };
    let raw = tokio::time::timeout(REQUEST_DEADLINE, exchange)
        .await
        .unwrap_or_else(|_| panic!("{method} {target}: no answer within {REQUEST_DEADLINE:?}"))?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let content_type = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default();
    Some(Answer {
        status,
        content_type,
        body: body.to_string(),
    })
}

/// The value of the first sample of `series` (a name with its labels as written, or a prefix
/// of them ending in `,`) in Prometheus text.
pub fn sample(text: &str, series: &str) -> Option<String> {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .map(str::to_string)
}
