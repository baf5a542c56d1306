//! The Prometheus textfile speaks the blackbox exporter's names and keeps the last known expiry
//! of an origin that is down (its previous output is read back).

use super::*;
use crate::support::{check_args, run, tls_origin};

/// One sample's value, by family and a label that identifies it.
fn sample<'a>(text: &'a str, family: &str, label: &str) -> Option<&'a str> {
    text.lines()
        .find(|l| l.starts_with(&format!("{family}{{")) && l.contains(label))
        .and_then(|l| l.rsplit_once(' '))
        .map(|(_, v)| v)
}

#[tokio::test(flavor = "multi_thread")]
async fn prometheus_textfile_keeps_the_last_known_expiry_while_an_origin_is_down() {
    let good = tls_origin("good").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let prom = dir.path().join("origin_probe.prom");
    let args = with_format(
        check_args(
            "good.test",
            &good,
            &[
                "--output",
                prom.to_str().expect("UTF-8 path"),
                "--no-progress",
            ],
        ),
        "prometheus",
    );
    let r = run(&args).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first = std::fs::read_to_string(&prom).expect("the textfile");
    let target = format!("target=\"good.test:{}\"", good.addr.port());
    assert_eq!(
        sample(&first, "probe_success", &target),
        Some("1"),
        "{first}"
    );
    assert!(
        first.contains("version=\"TLS 1.2\"") && first.contains("probe_tls_version_info{"),
        "{first}"
    );
    let expiry = sample(&first, "probe_ssl_earliest_cert_expiry", &target).expect("expiry");
    let chain = sample(
        &first,
        "probe_ssl_last_chain_expiry_timestamp_seconds",
        &target,
    )
    .expect("the chain verifies against --roots");
    let seen = sample(
        &first,
        "origin_probe_cert_expiry_seen_timestamp_seconds",
        &target,
    )
    .expect("seen");
    assert_eq!(
        Some(seen),
        first
            .lines()
            .find_map(|l| l.strip_prefix("origin_probe_last_run_timestamp_seconds ")),
        "read in this run"
    );
    promtool_accepts(&first);

    // The origin goes down: its port now refuses connections.
    let addr = good.addr;
    drop(good);
    let mut down = with_format(
        crate::support::check_args_at("good.test", addr),
        "prometheus",
    );
    down.extend([
        "--output".into(),
        prom.display().to_string(),
        "--no-progress".into(),
    ]);
    let r = run(&down).await;
    assert_eq!(r.code, 1, "a refused origin would 502: {}", r.stderr);
    let second = std::fs::read_to_string(&prom).expect("the textfile");
    assert_eq!(
        sample(&second, "probe_success", &target),
        Some("0"),
        "{second}"
    );
    assert_eq!(
        sample(&second, "probe_ssl_earliest_cert_expiry", &target),
        Some(expiry)
    );
    assert_eq!(
        sample(
            &second,
            "probe_ssl_last_chain_expiry_timestamp_seconds",
            &target
        ),
        Some(chain)
    );
    assert_eq!(
        sample(
            &second,
            "origin_probe_cert_expiry_seen_timestamp_seconds",
            &target
        ),
        Some(seen),
        "still dated when the chain was read:\n{second}"
    );
    promtool_accepts(&second);
}
