//! Verdicts a user can trust on a bad day (issue 18): output files are checked before any
//! probe, and a plan never relies on a trust store CloudFront does not have.
//!
//! "Public" here is the fixture root (`test-roots.pem`), given as the list CloudFront trusts
//! through `ORIGIN_PROBE_DANGER_BUILTIN_ROOTS` (every run of the harness sets it); a second
//! CA (`other-root-ca`) plays the private CA that only `--roots` knows.

use std::net::TcpListener;

use serde_json::Value;

use crate::cloudfront::{behavior, custom_origin, envelope};
use crate::support::{fixture, run, tls_origin};

/// A listener that accepts and counts connections, never answering.
struct Counter {
    listener: TcpListener,
}

impl Counter {
    fn new() -> Counter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        Counter { listener }
    }

    fn port(&self) -> u16 {
        self.listener.local_addr().expect("addr").port()
    }

    /// Connections made so far (the kernel queues them even if nobody accepted yet).
    fn accepted(&self) -> usize {
        let mut n = 0;
        while self.listener.accept().is_ok() {
            n += 1;
        }
        n
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn output_into_a_missing_directory_fails_before_any_connection() {
    let counter = Counter::new();
    let port = counter.port();
    let r = run(&[
        "check".into(),
        format!("counted.test:{port}"),
        "--resolve".into(),
        format!("counted.test:{port}:127.0.0.1"),
        "--output".into(),
        "/nonexistent-origin-probe-dir/x.json".into(),
    ])
    .await;
    assert_eq!(r.code, 2, "{r:#?}");
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("--output /nonexistent-origin-probe-dir/x.json: cannot write there"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    assert_eq!(
        counter.accepted(),
        0,
        "a connection was made before the error"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_into_a_missing_directory_fails_before_any_connection() {
    let counter = Counter::new();
    let port = counter.port();
    let doc = envelope(
        "plan dir",
        &[],
        vec![custom_origin("counted", "counted.test", port, "http-only")],
        behavior("counted", None, None),
        Vec::new(),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("dist.json");
    std::fs::write(&file, serde_json::to_vec(&doc).expect("json")).expect("write");
    let r = run(&[
        "cloudfront".into(),
        file.display().to_string(),
        "--resolve".into(),
        format!("counted.test:{port}:127.0.0.1"),
        "--plan".into(),
        "/nonexistent-origin-probe-dir/plan.json".into(),
    ])
    .await;
    assert_eq!(r.code, 2, "{r:#?}");
    assert!(
        r.stderr
            .contains("--plan /nonexistent-origin-probe-dir/plan.json: cannot write there"),
        "{}",
        r.stderr
    );
    assert_eq!(
        counter.accepted(),
        0,
        "a connection was made before the error"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_under_private_roots_never_switches_an_origin_only_they_trust() {
    let public = tls_origin("good").await;
    let private = tls_origin("untrusted").await;
    let dir = tempfile::tempdir().expect("tempdir");
    // --roots: the "public" fixture root and the private CA.
    let roots = dir.path().join("roots.pem");
    let mut pem = fixture("test-roots.pem");
    pem.extend(fixture("other-root-ca.crt.pem"));
    std::fs::write(&roots, pem).expect("write roots");
    let doc = envelope(
        "private roots",
        &[],
        vec![
            custom_origin("public", "good.test", public.addr.port(), "http-only"),
            custom_origin(
                "private",
                "untrusted.test",
                private.addr.port(),
                "http-only",
            ),
        ],
        behavior("public", None, None),
        vec![behavior("private", Some("/p/*"), None)],
    );
    let file = dir.path().join("dist.json");
    std::fs::write(&file, serde_json::to_vec(&doc).expect("json")).expect("write");
    let plan = dir.path().join("plan.json");
    let r = run(&[
        "cloudfront".into(),
        file.display().to_string(),
        "--roots".into(),
        roots.display().to_string(),
        "--resolve".into(),
        format!("good.test:{}:127.0.0.1", public.addr.port()),
        "--resolve".into(),
        format!("untrusted.test:{}:127.0.0.1", private.addr.port()),
        "--format".into(),
        "json".into(),
        "--plan".into(),
        plan.display().to_string(),
    ])
    .await;
    // Against --roots both are acceptable (the private one warns: it serves its root).
    assert_eq!(r.code, 0, "{r:#?}");
    let report = r.json();
    let trusts = |id: &str| -> Value {
        let origin = report["origins"]
            .as_array()
            .expect("origins")
            .iter()
            .find(|o| o["cloudfront"]["origin_id"] == id)
            .expect("row")
            .clone();
        origin["addresses"][0]["cloudfront_trusts"].clone()
    };
    assert_eq!(trusts("public"), Value::Bool(true));
    assert_eq!(trusts("private"), Value::Bool(false));
    assert!(
        r.stderr
            .contains("origin-probe: plan: origin public: switch to https-only with TLSv1.2"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("origin-probe: plan: origin private: unchanged: only the --roots store trusts the chain of 127.0.0.1:")
            && r.stderr.contains("Mozilla included CA list (fact 11)"),
        "{}",
        r.stderr
    );
    let written: Value =
        serde_json::from_slice(&std::fs::read(&plan).expect("plan written")).expect("JSON");
    let origins = &written["Origins"]["Items"];
    assert_eq!(
        origins[0]["CustomOriginConfig"]["OriginProtocolPolicy"],
        "https-only"
    );
    assert_eq!(
        origins[1]["CustomOriginConfig"]["OriginProtocolPolicy"], "http-only",
        "the privately trusted origin is left as it was"
    );
}
