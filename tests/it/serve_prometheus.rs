//! The exporter scraped by a real Prometheus server (Debian's `prometheus`, which `.ci/run`
//! installs with promtool): the scrape config users copy from the README, relabelling
//! `__address__` into `__param_target`, a 1 s interval, and Prometheus's own query API read
//! back until a good and a broken loopback origin show the verdicts `check` gives them.
//! Everything listens on 127.0.0.1; both processes are stopped by PID.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::exporter::{Exporter, serve_args, try_request};
use crate::support::legacy::skip_note;
use crate::support::tls_origin;

/// How long Prometheus may take to start, scrape and answer with both origins' series.
const QUERY_DEADLINE: Duration = Duration::from_secs(60);

/// Whether `prometheus` runs here: under `CI` it must (`.ci/run` installs it); elsewhere a
/// missing one is a SKIPPED note.
fn prometheus_present(test: &str) -> bool {
    let ok = std::process::Command::new("prometheus")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: prometheus is required in CI (.ci/run installs Debian's package)"
        );
        skip_note(
            test,
            "prometheus is not on PATH (apt-get install prometheus)",
        );
    }
    ok
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn scrape_config(exporter: std::net::SocketAddr, targets: &[String]) -> String {
    let targets = targets
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: origin-probe
    metrics_path: /probe
    static_configs:
      - targets: [{targets}]
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: '{exporter}'
"
    )
}

/// The value of `query` per `instance` label, as Prometheus answers it now.
async fn query(prometheus: std::net::SocketAddr, query: &str) -> Vec<(String, String)> {
    let encoded: String = form_encode(query);
    let Some(answer) = try_request(
        prometheus,
        "GET",
        &format!("/api/v1/query?query={encoded}"),
        &[],
    )
    .await
    else {
        return Vec::new();
    };
    let Ok(json) = serde_json::from_str::<Value>(&answer.body) else {
        return Vec::new();
    };
    json["data"]["result"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .map(|r| {
                    (
                        r["metric"]["instance"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        r["value"][1].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_real_prometheus_scrapes_the_verdicts_of_a_good_and_a_broken_origin() {
    if !prometheus_present("a_real_prometheus_scrapes_the_verdicts_of_a_good_and_a_broken_origin") {
        return;
    }
    let good = tls_origin("good").await;
    let expired = tls_origin("expired").await;
    let exporter = Exporter::start(&serve_args(
        &[("good.test", &good), ("expired.test", &expired)],
        &[],
    ))
    .await;
    let good_target = format!("good.test:{}", good.addr.port());
    let bad_target = format!("expired.test:{}", expired.addr.port());

    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        scrape_config(exporter.addr, &[good_target.clone(), bad_target.clone()]),
    )
    .expect("write config");
    let port = free_port();
    let listen: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let log = std::fs::File::create(dir.path().join("prometheus.log")).expect("log");
    let mut prometheus = tokio::process::Command::new("prometheus")
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address={listen}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("start prometheus");

    let expected = [
        ("probe_success", good_target.as_str(), "1"),
        ("probe_success", bad_target.as_str(), "0"),
        (
            "origin_probe_verdict{verdict=\"ready\"}",
            good_target.as_str(),
            "1",
        ),
        (
            "origin_probe_verdict{verdict=\"would-502\"}",
            bad_target.as_str(),
            "1",
        ),
        ("up{job=\"origin-probe\"}", good_target.as_str(), "1"),
        ("up{job=\"origin-probe\"}", bad_target.as_str(), "1"),
    ];
    let started = Instant::now();
    let mut last = Vec::new();
    loop {
        let mut missing = Vec::new();
        for (q, instance, value) in expected {
            let results = query(listen, q).await;
            if !results.iter().any(|(i, v)| i == instance && v == value) {
                missing.push(format!("{q} {instance} = {value} (got {results:?})"));
            }
        }
        if missing.is_empty() {
            break;
        }
        last = missing;
        if started.elapsed() > QUERY_DEADLINE {
            let log =
                std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default();
            panic!(
                "Prometheus did not show the expected series within {QUERY_DEADLINE:?}: {last:#?}\nexporter:\n{}\nprometheus:\n{}",
                exporter.stderr(),
                log.lines().rev().take(30).collect::<Vec<_>>().join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    drop(last);
    // Stop both by PID.
    prometheus.start_kill().expect("kill prometheus");
    let _ = tokio::time::timeout(Duration::from_secs(10), prometheus.wait()).await;
    let (code, stderr) = exporter.stop(Duration::from_secs(15)).await;
    assert_eq!(code, Some(0), "{stderr}");
}
