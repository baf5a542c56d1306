//! Scheduled monitoring as users wire it: Prometheus text checked by promtool, JUnit parsed
//! back, `--fail-on`, `--baseline` regressions and fixes, and `--output` replaced atomically.

use crate::support::{Run, check, check_args, run, tls_origin};

fn with_format(mut args: Vec<String>, format: &str) -> Vec<String> {
    let i = args
        .iter()
        .position(|a| a == "json")
        .expect("format json in args");
    args[i] = format.to_string();
    args
}

#[tokio::test(flavor = "multi_thread")]
async fn prometheus_output_passes_promtool() {
    let good = tls_origin("good").await;
    let r = run(&with_format(
        check_args("good.test", &good, &[]),
        "prometheus",
    ))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("probe_ssl_earliest_cert_expiry{"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("origin_probe_verdict{") && r.stdout.contains("verdict=\"ready\"} 1"),
        "{}",
        r.stdout
    );
    crate::support::promtool::promtool_accepts(&r.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn junit_output_parses_with_one_failure_per_failing_origin() {
    let good = tls_origin("good").await;
    let expired = tls_origin("expired").await;
    let mut args = with_format(check_args("good.test", &good, &[]), "junit");
    args.push(format!("expired.test:{}", expired.addr.port()));
    args.push("--resolve".into());
    args.push(format!("expired.test:{}:127.0.0.1", expired.addr.port()));
    let r = run(&args).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = roxmltree::Document::parse(&r.stdout).expect("JUnit is XML");
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(cases, 2);
    assert_eq!(failures.len(), 1);
    assert!(
        failures[0]
            .text()
            .unwrap_or_default()
            .contains("cert.expired"),
        "{}",
        r.stdout
    );
}

async fn exit_with(fixture: &str, name: &str, extra: &[&str]) -> i32 {
    let origin = tls_origin(fixture).await;
    let r: Run = check(name, &origin, extra).await;
    r.code
}

#[tokio::test(flavor = "multi_thread")]
async fn fail_on_decides_the_exit_code() {
    assert_eq!(exit_with("served-root", "served-root.test", &[]).await, 0);
    assert_eq!(
        exit_with("served-root", "served-root.test", &["--fail-on", "warn"]).await,
        1
    );
    assert_eq!(
        exit_with("expired", "expired.test", &["--fail-on", "never"]).await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn baseline_exit_code_counts_regressions_only() {
    let origin = tls_origin("good").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ready = dir.path().join("ready.json");
    let failing = dir.path().join("failing.json");
    // Today the origin is ready; as of 2120-06 its chain has expired.
    let r = check(
        "good.test",
        &origin,
        &["--output", ready.to_str().expect("utf8")],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = check(
        "good.test",
        &origin,
        &[
            "--at",
            "2120-06-01",
            "--output",
            failing.to_str().expect("utf8"),
        ],
    )
    .await;
    assert_eq!(r.code, 1, "{}", r.stderr);

    // ready -> failing is a regression.
    let r = check(
        "good.test",
        &origin,
        &[
            "--at",
            "2120-06-01",
            "--baseline",
            ready.to_str().expect("utf8"),
        ],
    )
    .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.json()["baseline"].is_object());
    // failing -> failing is not new: exit 0 although the origin still fails.
    let r = check(
        "good.test",
        &origin,
        &[
            "--at",
            "2120-06-01",
            "--baseline",
            failing.to_str().expect("utf8"),
        ],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    // failing -> ready is a fix.
    let r = check(
        "good.test",
        &origin,
        &["--baseline", failing.to_str().expect("utf8")],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn baseline_of_an_unknown_schema_version_is_one_line_and_exit_2() {
    let origin = tls_origin("good").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("future.json");
    std::fs::write(&path, r#"{"schema_version": 99, "origins": []}"#).expect("write");
    let r = check(
        "good.test",
        &origin,
        &["--baseline", path.to_str().expect("utf8")],
    )
    .await;
    assert_eq!(r.code, 2, "{r:#?}");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("future.json") && r.stderr.contains("99"),
        "{}",
        r.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn output_file_is_replaced_whole_for_every_format() {
    let origin = tls_origin("good").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.out");
    for format in ["json", "jsonl", "prometheus", "table", "junit"] {
        std::fs::write(&path, "previous contents\n").expect("write");
        let args = with_format(
            check_args(
                "good.test",
                &origin,
                &["--output", path.to_str().expect("utf8")],
            ),
            format,
        );
        let r = run(&args).await;
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            !text.contains("previous contents") && text.contains("good.test"),
            "{format}: {text}"
        );
        let leftovers = std::fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(leftovers, 1, "{format}: a temporary file was left behind");
    }
}
