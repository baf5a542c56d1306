//! Issue 18, output a user can trust on a bad day: every finding's fact has a source a reader
//! can open, bad input shows in every machine format (not only on stderr), the Prometheus
//! textfile speaks the blackbox exporter's names and remembers the last known expiry of an
//! origin that is down, and the table fits the terminal.

use std::io::Write as _;
use std::process::Stdio;

use serde_json::Value;

use crate::cloudfront::{behavior, custom_origin, envelope};
use crate::support::{Run, check_args, fixture_path, run, run_with_stdin, tls_origin};

/// `args` with `--format json` changed to `format`.
fn with_format(mut args: Vec<String>, format: &str) -> Vec<String> {
    let i = args
        .iter()
        .position(|a| a == "json")
        .expect("--format json");
    args[i] = format.to_owned();
    args
}

/// Runs the binary with `COLUMNS` set (or removed), within the suite's deadline.
async fn run_with_columns(args: &[String], columns: Option<&str>) -> Run {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_origin-probe"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(c) = columns {
        cmd.env("COLUMNS", c);
    }
    let child = cmd.spawn().expect("spawn origin-probe");
    let output = tokio::time::timeout(crate::support::RUN_DEADLINE, child.wait_with_output())
        .await
        .expect("origin-probe finished in time")
        .expect("wait for origin-probe");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `promtool check metrics` on `text`; skipped without promtool except under CI.
fn promtool_accepts(text: &str) {
    let spawned = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(_) if std::env::var_os("CI").is_none() => return,
        Err(e) => panic!("promtool is required in CI: {e}"),
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write to promtool");
    let out = child.wait_with_output().expect("promtool");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool: {said}\n{text}"
    );
}

/// Every finding in a JSON report, origin-level and per address.
fn findings(report: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for origin in report["origins"].as_array().into_iter().flatten() {
        out.extend(origin["findings"].as_array().cloned().unwrap_or_default());
        for a in origin["addresses"].as_array().into_iter().flatten() {
            out.extend(a["findings"].as_array().cloned().unwrap_or_default());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn every_finding_names_the_source_of_its_fact_in_json_and_with_table_sources() {
    let expired = tls_origin("expired").await;
    let r = run(&check_args("expired.test", &expired, &[])).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    let all = findings(&r.json());
    let expired_finding = all
        .iter()
        .find(|f| f["rule"] == "cert.expired")
        .expect("cert.expired");
    assert_eq!(
        expired_finding["fact_url"],
        "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-bad-gateway.html"
    );
    for f in &all {
        let fact = u16::try_from(f["fact"].as_u64().expect("fact")).expect("small");
        assert_eq!(
            f["fact_url"].as_str(),
            origin_probe::facts::url(fact),
            "{f}"
        );
    }

    let table = with_format(
        check_args("expired.test", &expired, &["--sources"]),
        "table",
    );
    let r = run(&table).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    let (_, sources) = r
        .stdout
        .split_once("Sources of the facts cited above")
        .unwrap_or_else(|| panic!("no sources list:\n{}", r.stdout));
    assert!(
        sources.contains("fact 12  https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-bad-gateway.html"),
        "{}",
        r.stdout
    );
    let plain = run(&with_format(
        check_args("expired.test", &expired, &[]),
        "table",
    ))
    .await;
    assert!(
        !plain.stdout.contains("Sources of the facts"),
        "only on request"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_target_lines_appear_in_every_machine_format() {
    let good = tls_origin("good").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let list = dir.path().join("origins.txt");
    std::fs::write(&list, "# two bad lines\nbad..name\nhttp://plain.example\n").expect("write");
    let args = check_args(
        "good.test",
        &good,
        &["--input", list.to_str().expect("UTF-8 path")],
    );

    let r = run(&args).await;
    assert_eq!(r.code, 2, "bad input is exit 2: {}", r.stderr);
    assert_eq!(
        r.stderr.matches("origin-probe: error:").count(),
        2,
        "{}",
        r.stderr
    );
    let json = r.json();
    assert_eq!(
        json["origins"].as_array().expect("origins").len(),
        1,
        "the good one is probed"
    );
    let errors = json["input_errors"].as_array().expect("input_errors");
    let sources: Vec<&str> = errors.iter().filter_map(|e| e["source"].as_str()).collect();
    let shown = list.display().to_string();
    assert_eq!(sources, [format!("{shown}:2"), format!("{shown}:3")]);
    assert!(errors.iter().all(|e| e["kind"] == "target"));
    assert!(
        errors[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("empty label"))
    );

    let r = run(&with_format(args.clone(), "jsonl")).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(
        lines.iter().filter(|l| l.get("origin").is_some()).count(),
        1
    );
    let error_lines: Vec<&Value> = lines
        .iter()
        .filter(|l| l.get("input_error").is_some())
        .collect();
    assert_eq!(error_lines.len(), 2, "{}", r.stdout);
    assert!(
        error_lines
            .iter()
            .all(|l| l["schema_version"] == 1 && l["run"].is_object())
    );

    let r = run(&with_format(args.clone(), "junit")).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    let doc = roxmltree::Document::parse(&r.stdout).expect("JUnit is XML");
    assert_eq!(doc.root_element().attribute("errors"), Some("2"));
    let input_errors = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase") && n.attribute("classname") == Some("input"))
        .filter(|n| n.children().any(|c| c.has_tag_name("error")))
        .count();
    assert_eq!(input_errors, 2, "{}", r.stdout);

    let r = run(&with_format(args, "prometheus")).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stdout.contains("\norigin_probe_input_errors 2\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\norigin_probe_run_complete 0\n"),
        "{}",
        r.stdout
    );
    promtool_accepts(&r.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_cloudfront_documents_and_origins_appear_in_json() {
    let good = tls_origin("good").await;
    let port = good.addr.port();
    let doc = envelope(
        "issue 18",
        &[],
        vec![
            custom_origin("good", "good.test", port, "http-only"),
            custom_origin("bad", "bad..name.test", port, "http-only"),
        ],
        behavior("good", None, None),
        vec![behavior("bad", Some("/bad/*"), None)],
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ not json").expect("write");
    let args: Vec<String> = vec![
        "cloudfront".into(),
        "-".into(),
        broken.display().to_string(),
        "--roots".into(),
        fixture_path("test-roots.pem"),
        "--resolve".into(),
        format!("good.test:{port}:127.0.0.1"),
        "--format".into(),
        "json".into(),
    ];
    let input = serde_json::to_vec(&doc).expect("json");
    let r = run_with_stdin(&args, Some(&input)).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    let json = r.json();
    let kinds: Vec<&str> = json["input_errors"]
        .as_array()
        .expect("input_errors")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["document", "origin"], "{json:#}");
    assert!(
        json["origins"]
            .as_array()
            .expect("origins")
            .iter()
            .any(|o| o["origin"] == "good.test" && o["verdict"] == "ready"),
        "{json:#}"
    );
}

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

/// Lines longer than `width` that could have been broken (they hold a space after the first
/// word and their first word alone fits).
fn overlong(text: &str, width: usize) -> Vec<&str> {
    text.lines()
        .filter(|l| l.chars().count() > width)
        .filter(|l| {
            l.trim_start()
                .split(' ')
                .next()
                .map_or(0, |w| w.chars().count())
                < width
        })
        .filter(|l| {
            // Every word but the longest fits: the line is long only because of one word
            // that no break can shorten (a URL, a long name).
            let longest = l.split(' ').map(|w| w.chars().count()).max().unwrap_or(0);
            longest + 12 <= width
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_table_wraps_to_80_columns_off_a_terminal_and_to_columns_when_set() {
    let expired = tls_origin("expired").await;
    let args = with_format(
        check_args(
            "expired.test",
            &expired,
            &["--host-header", "a-long-viewer-name.shop.example.com"],
        ),
        "table",
    );
    let narrow = run_with_columns(&args, None).await;
    assert_eq!(narrow.code, 1, "{}", narrow.stderr);
    assert!(narrow.stdout.contains("fix:"), "{}", narrow.stdout);
    assert!(overlong(&narrow.stdout, 80).is_empty(), "{}", narrow.stdout);
    assert!(
        narrow.stdout.lines().any(|l| l.chars().count() > 70),
        "the table uses the width it has:\n{}",
        narrow.stdout
    );
    let wide = run_with_columns(&args, Some("120")).await;
    assert_eq!(wide.code, 1, "{}", wide.stderr);
    assert!(overlong(&wide.stdout, 120).is_empty(), "{}", wide.stdout);
    assert!(
        wide.stdout.lines().any(|l| l.chars().count() > 80),
        "120 columns are used:\n{}",
        wide.stdout
    );
    assert!(wide.stdout.lines().count() < narrow.stdout.lines().count());
    let words = |t: &str| {
        t.split_whitespace()
            .filter(|&w| w != "on:")
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        words(&narrow.stdout),
        words(&wide.stdout),
        "wrapping loses nothing"
    );
}

/// On a real terminal (a pty from util-linux `script`, its size set with `stty`), the table
/// takes the terminal's width without `COLUMNS`.
#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_the_table_takes_the_terminals_width() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("util-linux script not found: skipping the pty test");
        return;
    }
    let expired = tls_origin("expired").await;
    let args = with_format(
        check_args(
            "expired.test",
            &expired,
            &[
                "--host-header",
                "a-long-viewer-name.shop.example.com",
                "--no-progress",
            ],
        ),
        "table",
    );
    // Our own arguments and the binary's path: no quote or shell character in them.
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    for cols in [64usize, 100] {
        let inner = format!(
            "stty cols {cols} rows 50; '{}' {}",
            env!("CARGO_BIN_EXE_origin-probe"),
            quoted.join(" ")
        );
        let mut cmd = tokio::process::Command::new("script");
        cmd.args(["-qec", &inner, "/dev/null"])
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let child = cmd.spawn().expect("spawn script");
        let out = tokio::time::timeout(crate::support::RUN_DEADLINE, child.wait_with_output())
            .await
            .expect("finished in time")
            .expect("wait for script");
        let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
        assert!(text.contains("cert.expired"), "{text}");
        // The report is all there is on the pty but stderr's notes, which are not wrapped.
        let report: String = text
            .lines()
            .filter(|l| !l.starts_with("origin-probe: "))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(
            overlong(&report, cols).is_empty(),
            "{cols} columns:\n{report}"
        );
        assert!(
            report.lines().any(|l| l.chars().count() > cols - 16),
            "{cols} columns are used:\n{report}"
        );
    }
}
