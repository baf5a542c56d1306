//! `cloudfront --aws`: distributions created through the API of moto's standalone server on
//! loopback (boto3), read back by the real binary through the SDK, and checked against the
//! loopback TLS origins exactly as the same document given as a file is. Errors the emulator
//! cannot produce (denial, throttling) come from a canned endpoint that answers with the real
//! API's error XML.

use std::time::Instant;

use serde_json::{Value, json};

use crate::cloudfront::{SECRET, behavior, custom_origin, envelope};
use crate::support::moto::{Canned, Moto, moto_server, run_env, test_env};
use crate::support::{Run, fixture_path, tls_origin};

/// A distribution of three loopback origins: `good` (ready), `expired` (would-502) and `viewer`
/// (Host forwarded by the managed AllViewer policy: one row per alias).
pub(crate) struct Fleet {
    _origins: Vec<origin_probe::demo::servers::Origin>,
    /// The `get-distribution-config` document.
    pub(crate) doc: Value,
    resolve: Vec<String>,
}

async fn fleet() -> Fleet {
    fleet_with("216adef6-5c7f-47e4-b989-5492eafa07d3").await
}

/// The fleet with `viewer`'s behavior on origin request policy `policy`.
pub(crate) async fn fleet_with(policy: &str) -> Fleet {
    let good = tls_origin("good").await;
    let expired = tls_origin("expired").await;
    let viewer = tls_origin("host-header").await;
    let doc = envelope(
        "aws test",
        &["www.viewer.test", "other.viewer.test"],
        vec![
            custom_origin("good", "good.test", good.addr.port(), "http-only"),
            custom_origin(
                "expired",
                "expired.test",
                expired.addr.port(),
                "match-viewer",
            ),
            custom_origin(
                "viewer",
                "origin.viewer.test",
                viewer.addr.port(),
                "http-only",
            ),
        ],
        behavior("good", None, None),
        vec![
            behavior("expired", Some("/old/*"), None),
            behavior("viewer", Some("/shop/*"), Some(policy)),
        ],
    );
    let resolve = [
        ("good.test", &good),
        ("expired.test", &expired),
        ("origin.viewer.test", &viewer),
    ]
    .iter()
    .map(|(name, o)| format!("{name}:{}:127.0.0.1", o.addr.port()))
    .collect();
    Fleet {
        _origins: vec![good, expired, viewer],
        doc,
        resolve,
    }
}

/// `cloudfront` with the fleet's `--resolve`, the fixture roots and JSON output, then `extra`.
pub(crate) fn args(fleet: &Fleet, extra: &[String]) -> Vec<String> {
    let mut args: Vec<String> = vec!["cloudfront".into()];
    args.extend(extra.iter().cloned());
    for r in &fleet.resolve {
        args.push("--resolve".into());
        args.push(r.clone());
    }
    for a in [
        "--roots",
        &fixture_path("test-roots.pem"),
        "--format",
        "json",
    ] {
        args.push(a.to_string());
    }
    args
}

pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// What a report says per row, without what differs by input (source names, timings):
/// distribution and origin ID, viewer name, verdict, and the rules found, sorted.
pub(crate) fn rows(report: &Value) -> Vec<(String, Option<String>, String, Vec<String>)> {
    let mut rows: Vec<_> = report["origins"]
        .as_array()
        .expect("origins")
        .iter()
        .map(|o| {
            let mut found = Vec::new();
            rules(o, &mut found);
            found.sort();
            let cf = &o["cloudfront"];
            (
                format!(
                    "{} {}",
                    cf["distribution_id"].as_str().unwrap_or("-"),
                    cf["origin_id"].as_str().unwrap_or("-")
                ),
                cf["viewer_name"].as_str().map(str::to_string),
                o["verdict"].as_str().unwrap_or("").to_string(),
                found,
            )
        })
        .collect();
    rows.sort();
    rows
}

/// Every finding's rule in a row, its addresses' included.
fn rules(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(rule)) = map.get("rule") {
                found.push(rule.clone());
            }
            map.values().for_each(|v| rules(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| rules(v, found)),
        _ => {}
    }
}

fn assert_one_line_error(r: &Run, needle: &str) {
    assert_eq!(r.code, 2, "stderr: {}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {}", r.stderr);
    assert!(lines[0].contains(needle), "{needle:?} in {}", r.stderr);
    assert!(!r.stderr.contains("panicked") && !r.stderr.contains("backtrace"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_and_the_file_give_the_same_rows() {
    let Some(moto_bin) = moto_server("the_api_and_the_file_give_the_same_rows") else {
        return;
    };
    let moto = Moto::start(&moto_bin).await;
    let fleet = fleet().await;
    let created = moto.create(&fleet.doc["DistributionConfig"], 1).await;
    let id = created[0]["Id"].as_str().expect("Id").to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let env = test_env(dir.path());

    // The same distribution as `aws cloudfront get-distribution` prints it.
    let mut distribution = created[0].clone();
    distribution["DistributionConfig"] = fleet.doc["DistributionConfig"].clone();
    let doc = json!({"ETag": "E3TESTETAG", "Distribution": distribution});
    let file = dir.path().join("dist.json");
    std::fs::write(&file, serde_json::to_vec(&doc).expect("json")).expect("write");
    let from_file = run_env(&args(&fleet, &[file.display().to_string()]), &env).await;
    let mut aws = strings(&["--aws"]);
    aws.extend(moto.endpoint_args());
    let from_api = run_env(&args(&fleet, &aws), &env).await;

    assert_eq!(from_file.code, 1, "{}", from_file.stderr);
    assert_eq!(from_api.code, 1, "{}", from_api.stderr);
    let (file_report, api_report) = (from_file.json(), from_api.json());
    assert_eq!(rows(&api_report), rows(&file_report));
    assert_eq!(
        rows(&api_report).len(),
        5,
        "good, expired, one row per alias and the cloudfront.net name"
    );
    assert!(
        rows(&api_report)
            .iter()
            .any(|r| r.0.ends_with(" expired") && !r.3.is_empty()),
        "the rows carry their findings' rules"
    );
    // The API input knows the distribution: its ID and domain name reach every row.
    for o in api_report["origins"].as_array().expect("origins") {
        assert_eq!(o["cloudfront"]["distribution_id"], id.as_str());
        assert!(
            o["cloudfront"]["distribution_domain"]
                .as_str()
                .is_some_and(|d| d.ends_with(".cloudfront.net")),
            "{o:#}"
        );
        assert!(
            o["source"]
                .as_str()
                .is_some_and(|s| s.starts_with(&format!("aws: {id}")))
        );
    }
    for out in [&from_api.stdout, &from_api.stderr] {
        assert!(!out.contains(SECRET), "custom header value leaked");
    }

    // --distribution-id reads only the one named; an unknown ID is one line, the other is read.
    let mut named = aws.clone();
    named.extend(strings(&[
        "--distribution-id",
        &id,
        "--distribution-id",
        "E0NOSUCHDIST0",
    ]));
    let r = run_env(&args(&fleet, &named), &env).await;
    assert_eq!(
        r.code, 2,
        "an unreadable distribution is bad input: {}",
        r.stderr
    );
    assert_eq!(
        rows(&r.json()),
        rows(&file_report),
        "the named one is still checked"
    );
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("E0NOSUCHDIST0"))
        .collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].contains("cloudfront:GetDistribution ")
            && errors[0].contains("NoSuchDistribution"),
        "{}",
        errors[0]
    );
}

/// More than one page of `ListDistributions` (moto pages by 100, as the API does): every
/// distribution is read and checked. Prints the wall time for the README's figure.
#[tokio::test(flavor = "multi_thread")]
async fn every_page_of_the_account_is_read() {
    let Some(moto_bin) = moto_server("every_page_of_the_account_is_read") else {
        return;
    };
    let moto = Moto::start(&moto_bin).await;
    let good = tls_origin("good").await;
    let doc = envelope(
        "page test",
        &[],
        vec![custom_origin(
            "good",
            "good.test",
            good.addr.port(),
            "http-only",
        )],
        behavior("good", None, None),
        vec![],
    );
    const COUNT: usize = 150;
    let created = moto.create(&doc["DistributionConfig"], COUNT).await;
    assert_eq!(created.len(), COUNT);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = strings(&["cloudfront", "--aws", "--format", "json", "--roots"]);
    args.push(fixture_path("test-roots.pem"));
    args.extend(moto.endpoint_args());
    args.push("--resolve".into());
    args.push(format!("good.test:{}:127.0.0.1", good.addr.port()));
    let started = Instant::now();
    let r = run_env(&args, &test_env(dir.path())).await;
    let took = started.elapsed();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let mut seen: Vec<String> = report["origins"]
        .as_array()
        .expect("origins")
        .iter()
        .map(|o| {
            o["cloudfront"]["distribution_id"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    seen.sort();
    let mut want: Vec<String> = created
        .iter()
        .map(|d| d["Id"].as_str().unwrap_or("").to_string())
        .collect();
    want.sort();
    assert_eq!(seen, want, "one ready row per distribution, none twice");
    eprintln!("NOTE {COUNT} distributions read and checked against moto in {took:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_credentials_and_a_missing_profile_are_one_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env: Vec<(String, String)> = test_env(dir.path())
        .into_iter()
        .filter(|(k, _)| !k.starts_with("AWS_ACCESS_KEY_ID") && !k.starts_with("AWS_SECRET"))
        .collect();
    // Nothing listens here: credentials are looked for before any call.
    let endpoint = strings(&["--endpoint-url", "http://127.0.0.1:9"]);
    let mut args = strings(&["cloudfront", "--aws"]);
    args.extend(endpoint.clone());
    let r = run_env(&args, &env).await;
    assert_one_line_error(&r, "no AWS credentials found");

    args.extend(strings(&["--profile", "no-such-profile"]));
    let r = run_env(&args, &env).await;
    assert_one_line_error(&r, "no-such-profile");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_list_names_the_iam_action() {
    let api = Canned::error(
        403,
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/probe is not authorized to perform: cloudfront:ListDistributions",
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let args = strings(&["cloudfront", "--aws", "--endpoint-url", &api.endpoint()]);
    let r = run_env(&args, &test_env(dir.path())).await;
    assert_one_line_error(&r, "cloudfront:ListDistributions was denied (AccessDenied");
    assert!(
        r.stderr
            .contains("needs IAM permission for cloudfront:ListDistributions")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_is_retried_then_one_line() {
    let api = Canned::error(400, "Throttling", "Rate exceeded").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let args = strings(&["cloudfront", "--aws", "--endpoint-url", &api.endpoint()]);
    let r = run_env(&args, &test_env(dir.path())).await;
    assert_one_line_error(&r, "still throttled after the SDK's retries with backoff");
    let calls = api.requests.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        calls >= 2,
        "the SDK retried a throttled call ({calls} requests)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn aws_flags_are_checked_before_any_call() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = test_env(dir.path());
    for (args, needle) in [
        (
            strings(&["cloudfront", "--aws", "--endpoint-url", "127.0.0.1:5000"]),
            "--endpoint-url",
        ),
        (
            strings(&["cloudfront", "--profile", "p", "x.json"]),
            "--aws",
        ),
        (
            strings(&["cloudfront", "--aws", "x.json"]),
            "cannot be used with",
        ),
        (
            strings(&["cloudfront", "--aws", "--distribution-id", "E1/../x"]),
            "letters and digits",
        ),
    ] {
        let r = run_env(&args, &env).await;
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(needle),
            "{args:?}: {needle:?} in {}",
            r.stderr
        );
        assert!(!r.stderr.contains("panicked"));
    }
}
