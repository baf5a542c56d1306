//! Load on the exporter: `cargo run --release --example serve_load -- [--requests 200]
//! [--binary target/release/origin-probe]`.
//!
//! Starts loopback origins (good, expired and silent ones, from the fixture PKI), starts
//! `origin-probe serve` on 127.0.0.1 with `--min-interval 0s` (every scrape is a probe) and
//! `--max-probes`, fires all the `/probe` requests at once with a scrape timeout, and prints how
//! many were answered 200 or refused 503, their latencies against the deadline, and the
//! exporter's peak RSS (VmHWM). Every request must be answered within its scrape timeout plus
//! one second, or the run exits 1. Loopback only; bounded in count and time.
//!
//! An example rather than a test: the figures depend on the machine; `cargo test` only
//! compiles it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Parser;
use origin_probe::demo::servers::{self, Behaviour, Origin, TlsSpec};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

#[derive(Debug, Parser)]
struct Args {
    /// Concurrent /probe requests.
    #[arg(long, default_value_t = 200)]
    requests: usize,
    /// Distinct loopback origins the requests are spread over (a third good, a third expired,
    /// a third silent).
    #[arg(long, default_value_t = 30)]
    origins: usize,
    /// The exporter's --max-probes.
    #[arg(long, default_value_t = 32)]
    max_probes: usize,
    /// The X-Prometheus-Scrape-Timeout-Seconds each request sends.
    #[arg(long, default_value_t = 10.0)]
    scrape_timeout: f64,
    /// The origin-probe binary (default: target/release/origin-probe).
    #[arg(long)]
    binary: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("serve_load: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("serve_load: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(args: Args) -> Result<bool> {
    let certs = Path::new(env!("CARGO_MANIFEST_DIR")).join("certs");
    let read = |name: &str| std::fs::read(certs.join(name)).with_context(|| name.to_string());
    let good_config = servers::server_config(&TlsSpec::new(
        &read("good.chain.pem")?,
        &read("good.key.pem")?,
    ))
    .map_err(anyhow::Error::msg)?;
    let expired_config = servers::server_config(&TlsSpec::new(
        &read("expired.chain.pem")?,
        &read("expired.key.pem")?,
    ))
    .map_err(anyhow::Error::msg)?;
    let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut origins: Vec<(&str, Origin)> = Vec::new();
    for i in 0..args.origins.max(3) {
        let (name, behaviour) = match i % 3 {
            0 => ("good.test", Behaviour::Tls(good_config.clone())),
            1 => ("expired.test", Behaviour::Tls(expired_config.clone())),
            _ => ("silent.test", Behaviour::AcceptSilent),
        };
        origins.push((name, servers::start(behaviour, localhost).await?));
    }
    let binary = args.binary.unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/origin-probe")
    });
    let mut cmd = tokio::process::Command::new(&binary);
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--min-interval",
        "0s",
        "--queue-timeout",
        "5s",
        "--connect-timeout",
        "2s",
        "--timeout",
        "3s",
    ])
    .arg("--max-probes")
    .arg(args.max_probes.to_string())
    .arg("--roots")
    .arg(certs.join("test-roots.pem"));
    for (name, origin) in &origins {
        cmd.arg("--resolve")
            .arg(format!("{name}:{}:127.0.0.1", origin.addr.port()));
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let pid = child.id().context("exporter pid")?;
    let mut lines = BufReader::new(child.stderr.take().context("stderr")?).lines();
    let addr: SocketAddr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.split("serving on http://").nth(1) {
                return rest.split('/').next().and_then(|a| a.parse().ok());
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .context("the exporter did not start")?;
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let rss_before = vm_hwm(pid);

    let deadline = Duration::from_secs_f64(args.scrape_timeout + 1.0);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..args.requests {
        let (name, origin) = &origins[i % origins.len()];
        let path = format!("/probe?target={name}:{}", origin.addr.port());
        let timeout = args.scrape_timeout.to_string();
        tasks.spawn(async move {
            let t = Instant::now();
            let status = tokio::time::timeout(deadline, get(addr, &path, &timeout)).await;
            (i % 3, status.ok().and_then(Result::ok), t.elapsed())
        });
    }
    let mut counts = std::collections::BTreeMap::new();
    let mut latencies = Vec::new();
    let mut late = 0;
    while let Some(joined) = tasks.join_next().await {
        let (kind, status, took) = joined?;
        let kind = ["good", "expired", "silent"][kind];
        let status = status.map_or("no answer in time".to_string(), |s| s.to_string());
        if status == "no answer in time" || took > deadline {
            late += 1;
        }
        *counts.entry((kind, status)).or_insert(0usize) += 1;
        latencies.push(took);
    }
    let wall = started.elapsed();
    let rss_peak = vm_hwm(pid);
    let _ = child.start_kill();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    println!(
        "serve_load: {} concurrent /probe requests, {} origins, --max-probes {}, scrape timeout {}s",
        args.requests,
        origins.len(),
        args.max_probes,
        args.scrape_timeout
    );
    for ((kind, status), n) in &counts {
        println!("  {kind:8} {status:18} {n}");
    }
    println!(
        "  latency p50 {:?}  p99 {:?}  max {:?}  (deadline {:?}); wall {:?}",
        pct(0.5),
        pct(0.99),
        pct(1.0),
        deadline,
        wall
    );
    println!(
        "  exporter peak RSS (VmHWM): {} KiB after start, {} KiB after the load",
        rss_before.unwrap_or(0),
        rss_peak.unwrap_or(0)
    );
    if late > 0 {
        bail!("{late} request(s) were not answered within their deadline");
    }
    Ok(true)
}

async fn get(addr: SocketAddr, path: &str, timeout: &str) -> Result<u16> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let head = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nX-Prometheus-Scrape-Timeout-Seconds: {timeout}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw);
    text.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no status line")
}

/// The peak resident set of `pid`, in KiB (Linux).
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
