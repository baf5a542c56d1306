//! A streamed input that is slow to arrive (a pipe fed by another program, a terminal) never
//! holds back origins already finished: their JSON Lines records go out while the input is
//! still open.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::support::{fixture_path, tls_origin};

/// How long the first record may take once its target line is written.
const FIRST_RECORD: Duration = Duration::from_secs(20);

#[tokio::test]
async fn a_slow_stdin_does_not_hold_back_finished_origins() {
    let origin = tls_origin("good").await;
    let port = origin.addr.port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_origin-probe"))
        .args([
            "check",
            "--input",
            "-",
            "--resolve",
            &format!("*:{port}:127.0.0.1"),
            "--roots",
            &fixture_path("test-roots.pem"),
            "--format",
            "jsonl",
            "--no-progress",
            "--connect-timeout",
            "2s",
            "--timeout",
            "3s",
        ])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn origin-probe");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    // One target, then the input stays open: the record must come out anyway.
    stdin
        .write_all(format!("good.test:{port}\n").as_bytes())
        .await
        .expect("write stdin");
    stdin.flush().await.expect("flush stdin");
    // The stream opens with a record about the run; the origin's record follows.
    let first_origin = async {
        loop {
            let line = stdout
                .next_line()
                .await
                .expect("read stdout")
                .expect("a record before the end of stdout");
            let record: serde_json::Value = serde_json::from_str(&line).expect("a JSON record");
            if record.get("origin").is_some() {
                return record;
            }
        }
    };
    let record = tokio::time::timeout(FIRST_RECORD, first_origin)
        .await
        .expect("the finished origin's record waited for more input");
    assert_eq!(record["origin"], "good.test", "{record:#}");
    assert_eq!(record["verdict"], "ready", "{record:#}");
    // A second target after the first record was read, then the end of the input.
    stdin
        .write_all(format!("www.good.test:{port}\n").as_bytes())
        .await
        .expect("write stdin");
    drop(stdin);
    let mut rest = Vec::new();
    let read_rest = async {
        while let Some(line) = stdout.next_line().await.expect("read stdout") {
            rest.push(line);
        }
    };
    tokio::time::timeout(FIRST_RECORD, read_rest)
        .await
        .expect("the run ended after its input did");
    let status = tokio::time::timeout(FIRST_RECORD, child.wait())
        .await
        .expect("origin-probe exited")
        .expect("wait");
    assert_eq!(status.code(), Some(0));
    assert!(
        rest.iter()
            .any(|l| l.contains("\"origin\":\"www.good.test\"")),
        "{rest:?}"
    );
}
