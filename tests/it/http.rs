//! `--http` and `--exposure`: one HTTPS request per address the way CloudFront sends it, against
//! loopback HTTPS origins that answer well, badly, slowly or only with a secret header; the
//! secret never appears in any output.

use std::time::Duration;

use origin_probe::demo::servers::{HttpResponder, Versions};
use serde_json::{Value, json};

use crate::cloudfront::{SECRET, behavior, custom_origin, envelope};
use crate::support::{
    LOCALHOST, Run, assert_verdict, check, check_args, finding, fixture_path, https_origin, rules,
    run, run_with_stdin, tls_origin_on,
};

const HEADER: &str = "X-Origin-Verify";

fn http_rules(origin: &Value) -> Vec<String> {
    rules(origin)
        .into_iter()
        .filter(|r| r.starts_with("http."))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_good_answer_is_ready_with_no_http_finding() {
    let origin = https_origin(HttpResponder::Ok(b"hello".to_vec())).await;
    let r = check("good.test", &origin, &["--http"]).await;
    assert_eq!(r.code, 0, "{r:#?}");
    let o = r.origin();
    assert_verdict(&o, "ready", None);
    assert!(http_rules(&o).is_empty(), "{o:#}");
    let http = &o["addresses"][0]["http"];
    assert_eq!(http["outcome"], "response", "{o:#}");
    assert_eq!(http["status"], 200);
    assert_eq!(http["version"], "HTTP/1.1");
    assert_eq!(http["host"], "good.test");
    assert_eq!(http["path"], "/");
    assert_eq!(http["bytes_read"], 5);
    assert!(http["status_without_headers"].is_null());
}

#[tokio::test(flavor = "multi_thread")]
async fn http_before_the_targets_does_not_swallow_a_target() {
    let origin = https_origin(HttpResponder::Ok(b"hello".to_vec())).await;
    let mut args = check_args("good.test", &origin, &[]);
    // `check --http good.test:PORT ...`: the target stays a target (PATH needs `--http=PATH`).
    args.insert(1, "--http".to_string());
    let r = run(&args).await;
    assert_eq!(r.code, 0, "{r:#?}");
    assert_eq!(r.origin()["origin"], "good.test");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_path_must_start_with_a_slash() {
    let origin = https_origin(HttpResponder::Ok(b"hello".to_vec())).await;
    let r = check("good.test", &origin, &["--http=health"]).await;
    assert_eq!(r.code, 2, "{r:#?}");
    assert!(r.stderr.contains("must start with '/'"), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_that_is_not_http_would_502() {
    let origin = https_origin(HttpResponder::Raw(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec())).await;
    let r = check("good.test", &origin, &["--http"]).await;
    assert_eq!(r.code, 1, "{r:#?}");
    let o = r.origin();
    assert_verdict(&o, "would-502", Some("http.invalid-response"));
    assert_eq!(finding(&o, "http.invalid-response")["fact"], 25);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_slower_than_the_timeout_would_504() {
    let origin = https_origin(HttpResponder::Slow(Duration::from_secs(4))).await;
    let r = check("good.test", &origin, &["--http", "--timeout", "1s"]).await;
    assert_eq!(r.code, 1, "{r:#?}");
    let o = r.origin();
    assert_verdict(&o, "would-504", Some("http.slow"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_to_plain_http_is_a_warning_naming_the_location() {
    let origin = https_origin(HttpResponder::RedirectToHttp).await;
    let r = check("good.test", &origin, &["--http"]).await;
    assert_eq!(r.code, 0, "{r:#?}");
    let o = r.origin();
    assert_verdict(&o, "warn", Some("http.redirect-to-http"));
    let reason = finding(&o, "http.redirect-to-http")["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        reason.contains("301") && reason.contains("http://good.test/"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_error_is_a_warning_naming_the_status() {
    let origin = https_origin(HttpResponder::ServerError).await;
    let r = check("good.test", &origin, &["--http=/health"]).await;
    let o = r.origin();
    assert_verdict(&o, "warn", Some("http.server-error"));
    let reason = finding(&o, "http.server-error")["reason"].to_string();
    assert!(
        reason.contains("503") && reason.contains("/health"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_sent_to_the_https_port_would_502() {
    let origin = https_origin(HttpResponder::PlainHttpOnHttpsPort).await;
    let r = check("good.test", &origin, &["--http"]).await;
    assert_eq!(r.code, 1, "{r:#?}");
    assert_verdict(
        &r.origin(),
        "would-502",
        Some("http.plain-http-on-https-port"),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_request_without_a_cloudfront_handshake() {
    let origin = tls_origin_on("good", LOCALHOST, |s| s.versions = Versions::Tls13).await;
    let r = check("good.test", &origin, &["--http"]).await;
    let o = r.origin();
    assert_verdict(&o, "would-502", Some("http.not-possible"));
    assert!(rules(&o).contains(&"tls.tls13-only".to_string()), "{o:#}");
}

fn locked() -> HttpResponder {
    HttpResponder::RequireHeader {
        name: HEADER.to_string(),
        value: SECRET.to_string(),
        body: b"welcome".to_vec(),
    }
}

fn assert_no_secret(run: &Run, written: &str, what: &str) {
    for (place, text) in [
        ("stdout", run.stdout.as_str()),
        ("stderr", run.stderr.as_str()),
        ("output file", written),
    ] {
        assert!(
            !text.contains(SECRET),
            "{what}: the secret leaked into {place}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn check_exposure_with_header_locked_and_open_origins() {
    let header = format!("{HEADER}:{SECRET}");
    let locked = https_origin(locked()).await;
    let r = check("good.test", &locked, &["--exposure", "--header", &header]).await;
    assert_eq!(r.code, 0, "{r:#?}");
    let o = r.origin();
    assert_verdict(&o, "ready", Some("http.locked"));
    let reason = finding(&o, "http.locked")["reason"].to_string();
    assert!(
        reason.contains("403") && reason.contains(HEADER),
        "{reason}"
    );
    assert_no_secret(&r, "", "locked");

    let open = https_origin(HttpResponder::Ok(b"welcome".to_vec())).await;
    let r = check("good.test", &open, &["--exposure", "--header", &header]).await;
    let o = r.origin();
    assert_verdict(&o, "warn", Some("http.exposed"));
    assert!(
        finding(&o, "http.exposed")["fix"]
            .to_string()
            .contains("prefix list"),
        "{o:#}"
    );
    assert_no_secret(&r, "", "open");

    // Without --exposure, the header is sent once and nothing is compared.
    let r = check("good.test", &locked, &["--http", "--header", &header]).await;
    assert_verdict(&r.origin(), "ready", None);
    assert!(http_rules(&r.origin()).is_empty(), "{r:#?}");

    // Without the header the locked origin's 403 is just an answer.
    let r = check("good.test", &locked, &["--exposure"]).await;
    assert!(http_rules(&r.origin()).is_empty(), "{r:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_header_flag_never_prints_its_value() {
    let origin = https_origin(HttpResponder::Ok(Vec::new())).await;
    let bad = format!("X Bad:{SECRET}");
    let r = check("good.test", &origin, &["--http", "--header", &bad]).await;
    assert_eq!(r.code, 2, "{r:#?}");
    assert!(r.stderr.contains("--header"), "{}", r.stderr);
    assert_no_secret(&r, "", "bad header");
    let good = format!("{HEADER}:{SECRET}");
    let r = check("good.test", &origin, &["--header", &good]).await;
    assert_eq!(r.code, 2, "--header without --http: {r:#?}");
    assert_no_secret(&r, "", "header without http");
}

/// A distribution of HTTPS origins: `locked` (403 without the secret header), `open` (answers
/// anyone although a header is configured), `bare` (no custom header, answers anyone), `slow`
/// (read timeout 1 s, answers after 4 s), `invalid` (not HTTP).
fn distribution(ports: &[(&str, u16)]) -> Value {
    let origins: Vec<Value> = ports
        .iter()
        .map(|(id, port)| {
            let mut o = custom_origin(id, "good.test", *port, "http-only");
            if *id == "bare" {
                o["CustomHeaders"] = json!({ "Quantity": 0 });
            }
            if *id == "slow" {
                o["CustomOriginConfig"]["OriginReadTimeout"] = json!(1);
            }
            o
        })
        .collect();
    let behaviors: Vec<Value> = ports
        .iter()
        .skip(1)
        .map(|(id, _)| behavior(id, Some(&format!("/{id}/*")), None))
        .collect();
    envelope(
        "http test distribution",
        &[],
        origins,
        behavior(ports[0].0, None, None),
        behaviors,
    )
}

fn row<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["origins"]
        .as_array()
        .expect("origins")
        .iter()
        .find(|o| o["cloudfront"]["origin_id"] == id)
        .unwrap_or_else(|| panic!("no row for {id} in {report:#}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn cloudfront_http_exposure_per_origin_and_no_secret_in_any_format() {
    let servers = [
        ("locked", https_origin(locked()).await),
        (
            "open",
            https_origin(HttpResponder::Ok(b"welcome".to_vec())).await,
        ),
        (
            "bare",
            https_origin(HttpResponder::Ok(b"welcome".to_vec())).await,
        ),
        (
            "slow",
            https_origin(HttpResponder::Slow(Duration::from_secs(4))).await,
        ),
        (
            "invalid",
            https_origin(HttpResponder::Raw(b"garbage\r\n\r\n".to_vec())).await,
        ),
    ];
    let ports: Vec<(&str, u16)> = servers.iter().map(|(id, o)| (*id, o.addr.port())).collect();
    let doc = serde_json::to_vec_pretty(&distribution(&ports)).expect("json");
    let dir = tempfile::tempdir().expect("tempdir");
    for format in ["json", "table", "jsonl", "prometheus", "junit"] {
        let out = dir.path().join(format!("report.{format}"));
        let mut args: Vec<String> = vec![
            "cloudfront".into(),
            "-".into(),
            "--http".into(),
            "--exposure".into(),
            "--roots".into(),
            fixture_path("test-roots.pem"),
            "--format".into(),
            format.into(),
        ];
        for (_, port) in &ports {
            args.push("--resolve".into());
            args.push(format!("good.test:{port}:127.0.0.1"));
        }
        // JSON to stdout (checked below); every other format to a file.
        if format != "json" {
            args.push("--output".into());
            args.push(out.to_str().expect("utf8").into());
        }
        let r = run_with_stdin(&args, Some(&doc)).await;
        assert_eq!(r.code, 1, "{format}: {r:#?}");
        let written = std::fs::read_to_string(&out).unwrap_or_default();
        assert_no_secret(&r, &written, format);
        if format != "json" {
            assert!(!written.is_empty(), "{format}: nothing written");
            continue;
        }
        let report = r.json();
        assert_verdict(row(&report, "locked"), "ready", Some("http.locked"));
        let locked_http = &row(&report, "locked")["addresses"][0]["http"];
        assert_eq!(
            (
                &locked_http["status"],
                &locked_http["status_without_headers"]
            ),
            (&json!(200), &json!(403)),
            "{locked_http:#}"
        );
        assert_verdict(row(&report, "open"), "warn", Some("http.exposed"));
        assert_verdict(row(&report, "bare"), "warn", Some("http.exposed"));
        assert_verdict(row(&report, "slow"), "would-504", Some("http.slow"));
        let slow = finding(row(&report, "slow"), "http.slow")["reason"].to_string();
        assert!(slow.contains("read timeout of 1s"), "{slow}");
        assert_verdict(
            row(&report, "invalid"),
            "would-502",
            Some("http.invalid-response"),
        );
    }
}
