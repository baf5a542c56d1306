//! The command line as scripts meet it: exit codes, stdout carrying only the report, targets
//! from stdin, help and version. Bad input (one clear line, exit 2, never a panic) is catalogued
//! in `bad_input/`.

use crate::support::{check_args, fixture_path, run, run_with_stdin, tls_origin};

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_0_when_every_origin_is_ready() {
    let origin = tls_origin("good").await;
    let r = run(&check_args("good.test", &origin, &[])).await;
    assert_eq!(r.code, 0, "{r:#?}");
    assert_eq!(r.json()["schema_version"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_1_when_any_origin_would_fail_and_the_rest_are_still_reported() {
    let good = tls_origin("good").await;
    let bad = tls_origin("expired").await;
    let mut a = check_args("good.test", &good, &[]);
    a.push(format!("expired.test:{}", bad.addr.port()));
    a.push("--resolve".into());
    a.push(format!("expired.test:{}:127.0.0.1", bad.addr.port()));
    let r = run(&a).await;
    assert_eq!(r.code, 1, "{r:#?}");
    let json = r.json();
    let verdicts: Vec<&str> = json["origins"]
        .as_array()
        .expect("origins")
        .iter()
        .map(|o| o["verdict"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(verdicts, vec!["ready", "would-502"], "input order is kept");
    assert_eq!(json["summary"]["would-502"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn json_lines_stream_one_parseable_origin_per_line() {
    let good = tls_origin("good").await;
    let mut a = check_args("good.test", &good, &[]);
    let i = a.iter().position(|x| x == "json").expect("format arg");
    a[i] = "jsonl".into();
    a.push("www.good.test:1".into());
    a.push("--resolve".into());
    a.push("www.good.test:1:127.0.0.1".into());
    let r = run(&a).await;
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{r:#?}");
    for line in lines {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert_eq!(v["schema_version"], 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn table_goes_to_stdout_and_has_no_colour_when_piped() {
    let origin = tls_origin("expired").await;
    let mut a = check_args("expired.test", &origin, &[]);
    let i = a.iter().position(|x| x == "json").expect("format arg");
    a[i] = "table".into();
    let r = run(&a).await;
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("expired.test") && r.stdout.contains("would-502"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("fix:"), "{}", r.stdout);
    assert!(
        !r.stdout.contains('\x1b'),
        "no escape codes when not a terminal"
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn output_file_receives_the_report() {
    let origin = tls_origin("good").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.json");
    let r = run(&check_args(
        "good.test",
        &origin,
        &["--output", path.to_str().expect("utf8")],
    ))
    .await;
    assert_eq!(r.code, 0, "{r:#?}");
    assert!(r.stdout.is_empty());
    let text = std::fs::read_to_string(&path).expect("report written");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(json["origins"][0]["verdict"], "ready");
}

#[tokio::test(flavor = "multi_thread")]
async fn targets_from_stdin() {
    let origin = tls_origin("good").await;
    let port = origin.addr.port();
    let a = args(&[
        "check",
        "--input",
        "-",
        "--resolve",
        &format!("good.test:{port}:127.0.0.1"),
        "--roots",
        &fixture_path("test-roots.pem"),
        "--format",
        "json",
    ]);
    let r = run_with_stdin(&a, Some(format!("good.test:{port}\n").as_bytes())).await;
    assert_eq!(r.code, 0, "{r:#?}");
    assert_eq!(r.json()["origins"][0]["source"], "stdin:1");
}

#[tokio::test(flavor = "multi_thread")]
async fn help_and_version_exit_0_on_stdout() {
    let r = run(&args(&["--help"])).await;
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Exit codes"), "{}", r.stdout);
    let r = run(&args(&["--version"])).await;
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("origin-probe "));
}

/// `origin-probe check ... | head -1`: the reader closed the pipe, which is not a failure
/// (ripgrep's convention). Before, the write error made it exit 2 with an error line. The
/// origin would fail (exit 1 otherwise), so exit 0 can only come from the closed pipe.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_is_exit_0_with_nothing_said() {
    use std::process::Stdio;
    let origin = tls_origin("expired").await;
    for format in ["table", "jsonl", "json"] {
        let mut a = check_args("expired.test", &origin, &[]);
        a.extend(["--format".to_string(), format.to_string()]);
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_origin-probe"))
            .args(&a)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn origin-probe");
        // Closed before the report is written: the write must hit a broken pipe.
        drop(child.stdout.take());
        let output =
            tokio::time::timeout(std::time::Duration::from_secs(30), child.wait_with_output())
                .await
                .expect("origin-probe finishes")
                .expect("wait for origin-probe");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{format}: {stderr}");
        assert!(!stderr.contains("error"), "{format}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_for_every_shell_name_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(&args(&["completions", shell])).await;
        assert_eq!(r.code, 0, "{shell}: {r:#?}");
        for word in [
            "origin-probe",
            "check",
            "cloudfront",
            "origin-ssl-protocols",
        ] {
            assert!(r.stdout.contains(word), "{shell} completions lack {word}");
        }
        assert!(r.stderr.is_empty(), "{shell}: {}", r.stderr);
    }
    let r = run(&args(&["completions", "tcsh"])).await;
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn man_pages_for_the_program_and_each_command() {
    let r = run(&args(&["man"])).await;
    assert_eq!(r.code, 0, "{r:#?}");
    assert!(r.stdout.contains(".TH origin-probe 1"), "{}", r.stdout);
    assert!(
        r.stdout.contains("cloudfront"),
        "the page lists the commands"
    );
    let r = run(&args(&["man", "check"])).await;
    assert_eq!(r.code, 0, "{r:#?}");
    assert!(
        r.stdout.contains(".TH origin-probe-check 1"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("dns\\-canary"),
        "every flag is on the page"
    );
    let r = run(&args(&["man", "nope"])).await;
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.trim(),
        "origin-probe: error: man nope: no such command (one of: check, cloudfront, terraform, cloudformation, demo, serve, completions, man)"
    );
}

/// A distribution document has a size cap: an endless input (`/dev/zero`) ends with one line
/// instead of reading until memory runs out.
#[tokio::test(flavor = "multi_thread")]
async fn an_endless_cloudfront_document_is_refused_at_the_cap() {
    let r = run(&args(&["cloudfront", "/dev/zero"])).await;
    assert_eq!(r.code, 2, "{r:#?}");
    assert_eq!(
        r.stderr.trim(),
        "origin-probe: error: /dev/zero: larger than 64 MiB, more than any AWS CLI distribution document; give one page or distribution per file"
    );
}
