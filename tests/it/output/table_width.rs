//! The table fits where it is read: 80 columns off a terminal, `COLUMNS` when set, the
//! terminal's width on one (a pseudo-terminal here).

use super::*;
use crate::support::{Run, check_args, tls_origin};
use std::process::Stdio;

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
