//! `serve --config FILE`: modules whose custom headers come from the environment or a file
//! (and never show in an answer, a log line or a label), the target allow-list (403), and
//! reloads on POST /-/reload and SIGHUP, where a bad file keeps the configuration in use.

use std::time::{Duration, Instant};

use origin_probe::demo::servers::HttpResponder;

use crate::support::exporter::{Exporter, sample, serve_args};
use crate::support::{https_origin, run};

const ENV_SECRET: &str = "env-secret-4f1c9a";
const FILE_SECRET: &str = "file-secret-77b2e0";

fn config(extra_module: &str) -> String {
    format!(
        "[allow]
targets = [\"*.test\"]

[modules.locked]
http_path = \"/\"
exposure = true

[modules.locked.headers]
X-Origin-Verify = {{ env = \"ORIGIN_PROBE_TEST_SECRET\" }}
X-Second = {{ file = \"second.secret\" }}
{extra_module}"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn modules_send_secret_headers_that_never_show_and_the_allow_list_refuses_the_rest() {
    let origin = https_origin(HttpResponder::RequireHeader {
        name: "x-origin-verify".into(),
        value: ENV_SECRET.into(),
        body: b"hello".to_vec(),
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("serve.toml");
    std::fs::write(&path, config("")).expect("write");
    std::fs::write(dir.path().join("second.secret"), format!("{FILE_SECRET}\n")).expect("write");
    let path_text = path.to_str().expect("utf8").to_string();
    let exporter = Exporter::start_with_env(
        &serve_args(&[("good.test", &origin)], &["--config", &path_text]),
        &[("ORIGIN_PROBE_TEST_SECRET", ENV_SECRET)],
    )
    .await;
    let port = origin.addr.port();
    let locked = format!("/probe?target=good.test:{port}&module=locked");

    let answer = exporter.get(&locked, &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // 2xx with the header, 403 without: the header was sent, with its value.
    assert!(
        answer.body.contains("rule=\"http.locked\""),
        "{}",
        answer.body
    );
    assert_eq!(
        sample(&answer.body, "probe_success{").as_deref(),
        Some("1"),
        "{}",
        answer.body
    );

    // The allow-list: a name outside it, and an IP literal it does not cover.
    for target in [format!("good.example:{port}"), format!("127.0.0.1:{port}")] {
        let refused = exporter.get(&format!("/probe?target={target}"), &[]).await;
        assert_eq!(refused.status, 403, "{target}: {}", refused.body);
        assert!(refused.body.contains("allow-list"), "{}", refused.body);
    }

    // A bad file on reload keeps the modules in use, and says where the file is wrong.
    std::fs::write(&path, config("[modules.broken]\ntimeout = \"never\"\n")).expect("write");
    let reload = exporter.post("/-/reload").await;
    assert_eq!(reload.status, 500, "{}", reload.body);
    assert!(
        reload.body.contains("keeping the configuration in use")
            && reload.body.contains("module \"broken\""),
        "{}",
        reload.body
    );
    assert_eq!(exporter.get(&locked, &[]).await.status, 200);
    let metrics = exporter.get("/metrics", &[]).await;
    assert_eq!(
        sample(
            &metrics.body,
            "origin_probe_exporter_config_reload_success "
        )
        .as_deref(),
        Some("0")
    );

    // SIGHUP loads a good file: its new module answers (bounded wait for the signal).
    std::fs::write(&path, config("[modules.fresh]\ntimeout = \"2s\"\n")).expect("write");
    exporter.signal("HUP");
    let fresh = format!("/probe?target=good.test:{port}&module=fresh");
    let started = Instant::now();
    loop {
        let answer = exporter.get(&fresh, &[]).await;
        if answer.status == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "SIGHUP did not reload: {}",
            answer.body
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut seen = vec![answer.body, reload.body, metrics.body];
    seen.push(exporter.get(&locked, &[]).await.body);
    let (code, stderr) = exporter.stop(Duration::from_secs(15)).await;
    assert_eq!(code, Some(0), "{stderr}");
    seen.push(stderr);
    for text in &seen {
        for secret in [ENV_SECRET, FILE_SECRET] {
            assert!(!text.contains(secret), "a secret leaked: {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_config_at_start_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("serve.toml");
    std::fs::write(&path, "[modules.a]\nhttp_path = \"/\"\n[modules.a.headers]\nX-A = { env = \"ORIGIN_PROBE_TEST_UNSET\" }\n").expect("write");
    let r = run(&[
        "serve".into(),
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--config".into(),
        path.to_str().expect("utf8").into(),
    ])
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("module \"a\"") && r.stderr.contains("ORIGIN_PROBE_TEST_UNSET"),
        "{}",
        r.stderr
    );
}
