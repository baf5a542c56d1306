//! `--apply` on a terminal: a real pseudo-terminal (util-linux `script`) in front of the binary,
//! the answers typed into it.

use crate::aws::args;
use crate::aws_apply::{apply_args, expected_edit, setup};
use crate::cloudfront::SECRET;
use crate::support::aws_proxy::{Relay, Rule};
use crate::support::moto::test_env;

/// On a terminal, `--apply` asks once per distribution: `y` updates it, `n` leaves it as it was.
/// The terminal is a real pseudo-terminal (`script` from util-linux); the answers are typed
/// into it.
#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_each_distribution_is_confirmed() {
    let Some((moto, fleet, ids)) = setup("on_a_terminal_each_distribution_is_confirmed", 2).await
    else {
        return;
    };
    if !script_runs("on_a_terminal_each_distribution_is_confirmed") {
        return;
    }
    let mut originals = Vec::new();
    for id in &ids {
        originals.push(moto.config(id).await.1);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut extra = apply_args(
        &["--aws", "--apply", "--no-progress"],
        dir.path(),
        &moto.endpoint,
    );
    extra.extend(report_to(dir.path()));
    let (code, text) = on_a_terminal(&args(&fleet, &extra), dir.path(), b"y\nn\n").await;
    assert_eq!(code, Some(1), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert_eq!(
        text.matches("? [y/N]").count(),
        2,
        "one question per distribution: {text}"
    );
    assert!(text.contains("skipped, nothing written"), "{text}");
    assert!(text.contains("1 distribution updated, 0 not"), "{text}");
    let mut changed = 0;
    for (id, original) in ids.iter().zip(&originals) {
        let after = moto.config(id).await.1;
        if after == *original {
            continue;
        }
        assert_eq!(after, expected_edit(original), "{id}");
        changed += 1;
    }
    assert_eq!(changed, 1, "the one answered y: {text}");
}

/// origin-probe with `args` started on a real pseudo-terminal (`script`).
fn spawn_on_a_terminal(args: &[String], home: &std::path::Path) -> tokio::process::Child {
    let mut command = vec![env!("CARGO_BIN_EXE_origin-probe").to_string()];
    command.extend(args.iter().cloned());
    let line = command
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = tokio::process::Command::new("script");
    for name in crate::support::moto::CLEARED {
        cmd.env_remove(name);
    }
    cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
        .envs(test_env(home))
        .env("NO_COLOR", "1")
        .env(
            "ORIGIN_PROBE_DANGER_BUILTIN_ROOTS",
            crate::support::fixture_path("test-roots.pem"),
        )
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    cmd.spawn().expect("spawn script")
}

/// Runs origin-probe with `args` on a real pseudo-terminal, `typed` typed ahead (the terminal
/// keeps the lines until each question reads one): its exit code and everything the terminal
/// showed.
async fn on_a_terminal(
    args: &[String],
    home: &std::path::Path,
    typed: &[u8],
) -> (Option<i32>, String) {
    use tokio::io::AsyncWriteExt;

    let mut child = spawn_on_a_terminal(args, home);
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(typed).await.expect("type the answers");
    let out = tokio::time::timeout(crate::support::RUN_DEADLINE, child.wait_with_output())
        .await
        .expect("finished in time")
        .expect("wait");
    drop(stdin);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Ctrl-C at the question: origin-probe stops at once (exit 130), nothing is written. The run's
/// own Ctrl-C handler keeps SIGINT for the whole process, so this needs the apply step's own.
#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_ctrl_c_at_the_question_stops_the_apply() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    if !script_runs("on_a_terminal_ctrl_c_at_the_question_stops_the_apply") {
        return;
    }
    let Some((moto, fleet, ids)) = setup("on_a_terminal_ctrl_c_at_the_question", 1).await else {
        return;
    };
    let original = moto.config(&ids[0]).await.1;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut extra = apply_args(
        &["--aws", "--apply", "--no-progress"],
        dir.path(),
        &moto.endpoint,
    );
    extra.extend(report_to(dir.path()));
    let mut child = spawn_on_a_terminal(&args(&fleet, &extra), dir.path());
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut seen = Vec::new();
    let asked = tokio::time::timeout(crate::support::RUN_DEADLINE, async {
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&seen).contains("? [y/N]") {
            let n = stdout.read(&mut buf).await.expect("read the terminal");
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
    })
    .await;
    assert!(
        asked.is_ok(),
        "no question: {}",
        String::from_utf8_lossy(&seen)
    );
    // The terminal turns ^C into SIGINT for the program reading it.
    stdin.write_all(b"\x03").await.expect("type ^C");
    let mut rest = Vec::new();
    let status = tokio::time::timeout(crate::support::RUN_DEADLINE, async {
        stdout.read_to_end(&mut rest).await.expect("read the rest");
        child.wait().await.expect("wait")
    })
    .await
    .expect("stopped after ^C");
    seen.extend_from_slice(&rest);
    let text = String::from_utf8_lossy(&seen).into_owned();
    assert_eq!(status.code(), Some(130), "{text}");
    assert!(text.contains("nothing more is applied"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    assert_eq!(moto.config(&ids[0]).await.1, original, "nothing written");
}

/// `--wait` on a terminal: a progress line (rewritten in place) while the distribution is
/// `InProgress`, then the line that it is deployed.
#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_wait_shows_its_progress() {
    if !script_runs("on_a_terminal_wait_shows_its_progress") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // A fresh account per run (each run switches its distribution), the second with
    // --no-progress.
    for (name, progress_flag) in [
        ("on_a_terminal_wait_shows_its_progress", None),
        ("on_a_terminal_wait_without_progress", Some("--no-progress")),
    ] {
        let Some((moto, fleet, ids)) = setup(name, 1).await else {
            return;
        };
        let id = &ids[0];
        let relay = Relay::start(&moto.endpoint, vec![Rule::in_progress(id, Some(2))]).await;
        let mut extra = apply_args(
            &[
                "--aws",
                "--apply",
                "--yes",
                "--wait",
                "--wait-timeout",
                "20s",
            ],
            dir.path(),
            &relay.endpoint(),
        );
        extra.extend(report_to(dir.path()));
        extra.extend(progress_flag.map(str::to_string));
        let (code, text) = on_a_terminal(&args(&fleet, &extra), dir.path(), b"").await;
        assert_eq!(code, Some(1), "{text}");
        assert!(!text.contains(SECRET), "{text}");
        let progress = format!("\r\x1b[2Korigin-probe: wait: {id}: InProgress (");
        assert_eq!(
            text.contains(&progress),
            progress_flag.is_none(),
            "{progress_flag:?}: {text:?}"
        );
        assert!(text.contains(&format!("{id}: Deployed after")), "{text}");
    }
}

/// `--output home/report.json`: the report off the terminal, which shows the questions.
fn report_to(home: &std::path::Path) -> [String; 2] {
    [
        "--output".to_string(),
        home.join("report.json").display().to_string(),
    ]
}

/// Whether util-linux `script` runs here (bsdutils, an essential Debian package).
fn script_runs(test: &str) -> bool {
    crate::support::legacy::tool_runs(
        test,
        &["script", "--version"],
        "util-linux script is required in CI (Debian's essential bsdutils)",
        "util-linux script not found",
    )
}
