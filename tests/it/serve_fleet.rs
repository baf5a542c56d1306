//! `serve --targets FILE` / `--cloudfront FILE`: the fleet probed in rounds in the background
//! and served on `/metrics` after the exporter's own metrics, a valid exposition as a whole.

use std::time::{Duration, Instant};

use crate::cloudfront::{SECRET, behavior, custom_origin, envelope};
use crate::serve::promtool_check;
use crate::support::exporter::{Exporter, sample, serve_args};
use crate::support::tls_origin;

/// Polls `/metrics` (at most 30 s) until `done` holds for its text.
async fn metrics_when(exporter: &Exporter, done: impl Fn(&str) -> bool) -> String {
    let started = Instant::now();
    loop {
        let metrics = exporter.get("/metrics", &[]).await;
        if done(&metrics.body) {
            return metrics.body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no fleet round within 30 s:\n{}\n{}",
            metrics.body,
            exporter.stderr()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn verdict_line(text: &str, origin: &str, verdict: &str) -> bool {
    text.lines().any(|l| {
        l.starts_with("origin_probe_verdict{")
            && l.contains(&format!("origin=\"{origin}\""))
            && l.ends_with(&format!("verdict=\"{verdict}\"}} 1"))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_targets_file_is_probed_in_rounds_and_served_on_metrics() {
    let good = tls_origin("good").await;
    let expired = tls_origin("expired").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("origins.txt");
    std::fs::write(
        &list,
        format!(
            "# the fleet\ngood.test:{}\nexpired.test:{}\n",
            good.addr.port(),
            expired.addr.port()
        ),
    )
    .expect("write");
    let exporter = Exporter::start(&serve_args(
        &[("good.test", &good), ("expired.test", &expired)],
        &[
            "--targets",
            list.to_str().expect("utf8"),
            "--interval",
            "1s",
        ],
    ))
    .await;
    let text = metrics_when(&exporter, |t| {
        sample(t, "origin_probe_exporter_fleet_rounds_total ").is_some_and(|n| n != "0")
    })
    .await;
    assert!(verdict_line(&text, "good.test", "ready"), "{text}");
    assert!(verdict_line(&text, "expired.test", "would-502"), "{text}");
    assert_eq!(
        sample(&text, "origin_probe_origins ").as_deref(),
        Some("2"),
        "{text}"
    );
    assert!(text.contains("origin_probe_build_info{version="), "{text}");
    promtool_check(&text);

    // A round that cannot run keeps the last good round's metrics and is counted.
    std::fs::remove_file(&list).expect("remove");
    let text = metrics_when(&exporter, |t| {
        sample(t, "origin_probe_exporter_fleet_round_failures_total ").is_some_and(|n| n != "0")
    })
    .await;
    assert!(verdict_line(&text, "good.test", "ready"), "{text}");
    assert!(
        exporter.stderr().contains("fleet round failed"),
        "{}",
        exporter.stderr()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cloudfront_file_is_probed_as_the_cloudfront_command_would_without_its_secrets() {
    let good = tls_origin("good").await;
    let expired = tls_origin("expired").await;
    let doc = envelope(
        "fleet",
        &[],
        vec![
            custom_origin("good", "good.test", good.addr.port(), "http-only"),
            custom_origin(
                "expired",
                "expired.test",
                expired.addr.port(),
                "match-viewer",
            ),
        ],
        behavior("good", None, None),
        vec![behavior("expired", Some("/old/*"), None)],
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("dist.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&doc).expect("json")).expect("write");
    let exporter = Exporter::start(&serve_args(
        &[("good.test", &good), ("expired.test", &expired)],
        &[
            "--cloudfront",
            file.to_str().expect("utf8"),
            "--interval",
            "1s",
        ],
    ))
    .await;
    let text = metrics_when(&exporter, |t| {
        sample(t, "origin_probe_exporter_fleet_rounds_total ").is_some_and(|n| n != "0")
    })
    .await;
    assert!(verdict_line(&text, "good.test", "ready"), "{text}");
    assert!(verdict_line(&text, "expired.test", "would-502"), "{text}");
    assert!(text.contains("origin_id=\"expired\""), "{text}");
    assert!(!text.contains(SECRET));
    let (code, stderr) = exporter.stop(Duration::from_secs(15)).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains(SECRET));
}
