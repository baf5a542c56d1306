//! Output a user can trust on a bad day (issue 18): every finding's fact has a source a reader
//! can open, and bad input shows in every machine format, not only on stderr. The Prometheus
//! textfile is `textfile.rs`'s, the table's width `table_width.rs`'s.

use crate::cloudfront::{behavior, custom_origin, envelope};
use crate::support::promtool::promtool_accepts;
use crate::support::{check_args, fixture_path, run, run_with_stdin, tls_origin};
use serde_json::Value;

mod table_width;
mod textfile;

/// `args` with `--format json` changed to `format`.
fn with_format(mut args: Vec<String>, format: &str) -> Vec<String> {
    let i = args
        .iter()
        .position(|a| a == "json")
        .expect("--format json");
    args[i] = format.to_owned();
    args
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
