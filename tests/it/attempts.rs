//! Issue 15: distribution origins connect with their own `ConnectionTimeout` and
//! `ConnectionAttempts` (fact 24), against loopback origins that never answer, or answer only
//! once an attempt has gone unanswered.

use std::time::{Duration, Instant};

use origin_probe::demo::servers::{self, Behaviour, TlsSpec};
use serde_json::{Value, json};

use crate::cloudfront::{behavior, custom_origin, envelope};
use crate::support::{LOCALHOST, fixture, fixture_path, rules, run_with_stdin};

fn with_connection(mut origin: Value, timeout: u32, attempts: u32) -> Value {
    origin["ConnectionTimeout"] = json!(timeout);
    origin["ConnectionAttempts"] = json!(attempts);
    origin
}

async fn run(doc: &Value, name: &str, port: u16) -> Value {
    let args: Vec<String> = [
        "cloudfront",
        "-",
        "--roots",
        &fixture_path("test-roots.pem"),
        "--resolve",
        &format!("{name}:{port}:127.0.0.1"),
        "--format",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let input = serde_json::to_vec(doc).expect("json");
    let r = run_with_stdin(&args, Some(&input)).await;
    r.origin()
}

/// ConnectionTimeout 1 with two attempts against a port that drops every SYN: a would-504
/// after both attempts, each waiting the origin's own second (not `--connect-timeout`'s 5 s).
#[tokio::test(flavor = "multi_thread")]
async fn connection_timeout_1_against_a_silent_origin_is_a_504_after_every_attempt() {
    let silent = servers::start(Behaviour::Silent, LOCALHOST)
        .await
        .expect("silent origin");
    let port = silent.addr.port();
    let doc = envelope(
        "silent",
        &[],
        vec![with_connection(
            custom_origin("silent", "silent.test", port, "http-only"),
            1,
            2,
        )],
        behavior("silent", None, None),
        vec![],
    );
    let started = Instant::now();
    let o = run(&doc, "silent.test", port).await;
    let took = started.elapsed();
    assert_eq!(o["verdict"], "would-504", "{o:#}");
    let f = crate::support::finding(&o["addresses"][0], "tcp.timeout");
    let reason = f["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("all 2 connection attempts failed (attempt 1 timed out after 1.0s, attempt 2 timed out after 1.0s)")
            && reason.contains("wait 2.0s before its error (ConnectionAttempts 2 x ConnectionTimeout 1.0s)"),
        "{reason}"
    );
    // Two attempts of one second each, far below the 5 s default of --connect-timeout.
    assert!(took >= Duration::from_secs(2), "{took:?}");
    assert!(took < Duration::from_secs(20), "{took:?}");
}

/// An origin that drops connections for its first five seconds, then serves a good chain: with
/// ConnectionTimeout 4 the first attempt goes unanswered (SYNs at 0, 1 and 3 s, all dropped) and a
/// later one connects. That is a warning, not ready.
#[tokio::test(flavor = "multi_thread")]
async fn an_origin_answering_only_on_a_later_attempt_is_a_warning() {
    let chain = fixture("good.chain.pem");
    let key = fixture("good.key.pem");
    let config = servers::server_config(&TlsSpec::new(&chain, &key)).expect("server config");
    let origin =
        servers::start_silent_then(Behaviour::Tls(config), LOCALHOST, Duration::from_secs(5))
            .await
            .expect("origin");
    let port = origin.addr.port();
    let doc = envelope(
        "late",
        &[],
        vec![with_connection(
            custom_origin("late", "good.test", port, "http-only"),
            4,
            3,
        )],
        behavior("late", None, None),
        vec![],
    );
    let o = run(&doc, "good.test", port).await;
    assert_eq!(o["verdict"], "warn", "{o:#}");
    let address = &o["addresses"][0];
    assert_eq!(rules(address), ["tcp.answered-on-retry"], "{o:#}");
    let f = crate::support::finding(address, "tcp.answered-on-retry");
    let reason = f["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("attempt 1 timed out after 4.0s") && reason.contains("connected"),
        "{reason}"
    );
    assert_eq!(address["tls_version"], "TLSv1.2", "{o:#}");
}
