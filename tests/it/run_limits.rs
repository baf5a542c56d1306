//! The run's own bounds against real loopback origins: a file-descriptor limit far below the
//! concurrency (connections wait, origins keep their verdicts), the per-address connection cap,
//! and Ctrl-C (a partial report marked interrupted).

use crate::support::{fixture_path, run, tls_origin};

/// With a descriptor limit far below what the run wants at once, connections wait for a free
/// descriptor instead of failing: every origin still gets its real verdict.
#[tokio::test(flavor = "multi_thread")]
async fn running_out_of_file_descriptors_waits_instead_of_failing_origins() {
    let mut origins = Vec::new();
    for _ in 0..12 {
        origins.push(tls_origin("good").await);
    }
    let bin = env!("CARGO_BIN_EXE_origin-probe");
    // `ulimit -n 40` in a shell that then becomes origin-probe: about 60 sockets are wanted at
    // once (12 origins, up to 6 probes each), so EMFILE is certain.
    let mut args: Vec<String> = vec![
        "-c".into(),
        "ulimit -n 40 && exec \"$0\" \"$@\"".into(),
        bin.into(),
        "check".into(),
    ];
    for o in &origins {
        args.push(format!("good.test:{}", o.addr.port()));
    }
    for o in &origins {
        args.push("--resolve".into());
        args.push(format!("good.test:{}:127.0.0.1", o.addr.port()));
    }
    for a in [
        "--roots",
        &fixture_path("test-roots.pem"),
        "--format",
        "json",
        "--address-concurrency",
        "8",
    ] {
        args.push(a.to_string());
    }
    let output = tokio::time::timeout(
        crate::support::RUN_DEADLINE,
        tokio::process::Command::new("sh")
            .args(&args)
            .env("NO_COLOR", "1")
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("finished in time")
    .expect("ran");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}\n{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let origins_out = report["origins"].as_array().expect("origins");
    assert_eq!(origins_out.len(), 12);
    for o in origins_out {
        assert_eq!(o["verdict"], "ready", "{o:#}");
    }
}

/// Many names behind one address (a load balancer): never more than `--address-concurrency`
/// connections to it at once, and never more than 7 connections per origin for the TLS probes.
#[tokio::test(flavor = "multi_thread")]
async fn connections_to_one_address_stay_under_the_per_address_cap() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let open = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let total = Arc::new(AtomicUsize::new(0));
    let (o, p, t) = (open.clone(), peak.clone(), total.clone());
    let server = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (o, p) = (o.clone(), p.clone());
            t.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let now = o.fetch_add(1, Ordering::SeqCst) + 1;
                p.fetch_max(now, Ordering::SeqCst);
                // Hold the connection a while, then close it without a word: a TLS refusal.
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                o.fetch_sub(1, Ordering::SeqCst);
                drop(stream);
            });
        }
    });
    let port = addr.port();
    let names: Vec<String> = (0..10).map(|i| format!("site{i}.test")).collect();
    let mut args: Vec<String> = vec!["check".into()];
    args.extend(names.iter().map(|n| format!("{n}:{port}")));
    for n in &names {
        args.push("--resolve".into());
        args.push(format!("{n}:{port}:127.0.0.1"));
    }
    for a in [
        "--format",
        "json",
        "--timeout",
        "2s",
        "--address-concurrency",
        "2",
    ] {
        args.push(a.into());
    }
    let r = run(&args).await;
    server.abort();
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    assert_eq!(report["origins"].as_array().map(Vec::len), Some(10));
    let peak = peak.load(Ordering::SeqCst);
    assert!((1..=2).contains(&peak), "peak {peak} connections at once");
    let total = total.load(Ordering::SeqCst);
    assert!(total <= 10 * 7, "{total} connections for 10 origins");
}

/// Ctrl-C: no new probes, the ones in flight get a short grace, the report holds what was
/// complete and says it is partial, and the exit code is 130. A listener that accepts and never
/// answers keeps probes in flight; `--address-concurrency 1` lets only one of them hold a
/// socket, so the good origin is never starved of one.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_writes_a_partial_report_marked_interrupted() {
    use tokio::io::AsyncBufReadExt;
    let good = tls_origin("good").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    // How many connections the hanging listener has accepted so far.
    let (accepted_tx, mut accepted) = tokio::sync::watch::channel(0usize);
    let server = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
            accepted_tx.send_modify(|n| *n += 1);
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    for format in ["jsonl", "json"] {
        let before = *accepted.borrow_and_update();
        let out = dir.path().join(format!("report.{format}"));
        // The good origin first, then six that hang: 2 x concurrency are in flight, the rest
        // of the input is never started.
        let mut args: Vec<String> = vec!["check".into(), format!("good.test:{}", good.addr.port())];
        for i in 0..6 {
            args.push(format!("hang{i}.test:{port}"));
            args.push("--resolve".into());
            args.push(format!("hang{i}.test:{port}:127.0.0.1"));
        }
        for a in [
            "--resolve",
            &format!("good.test:{}:127.0.0.1", good.addr.port()),
            "--roots",
            &fixture_path("test-roots.pem"),
            "--timeout",
            "30s",
            "--concurrency",
            "2",
            "--address-concurrency",
            "1",
            "--format",
            format,
        ] {
            args.push(a.to_string());
        }
        if format == "json" {
            args.push("--output".into());
            args.push(out.to_str().expect("utf8").into());
        }
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_origin-probe"))
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn");
        let mut stdout = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
        let wait = std::time::Duration::from_secs(20);
        let mut first_line = None;
        if format == "jsonl" {
            // The good origin's record: it completed, and the handler is installed.
            first_line = tokio::time::timeout(wait, stdout.next_line())
                .await
                .expect("the good origin finished")
                .expect("stdout");
        }
        // The handler is installed before any probe starts, so an accept means it is on.
        tokio::time::timeout(wait, accepted.wait_for(|n| *n > before))
            .await
            .expect("a hanging probe started")
            .expect("listener alive");
        let pid = child.id().expect("pid").to_string();
        let kill = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill");
        assert!(kill.success());
        let (status, rest, stderr) = tokio::time::timeout(wait, async {
            let mut rest = Vec::new();
            while let Ok(Some(line)) = stdout.next_line().await {
                rest.push(line);
            }
            let status = child.wait().await.expect("wait");
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = tokio::io::AsyncReadExt::read_to_string(&mut e, &mut err).await;
            }
            (status, rest, err)
        })
        .await
        .expect("stopped within the grace");
        assert_eq!(status.code(), Some(130), "{format}: {stderr}");
        assert!(stderr.contains("interrupted"), "{stderr}");
        if format == "jsonl" {
            // Only whole records were written: the good one, and nothing for the hanging ones.
            let line = first_line.expect("a first line");
            let v: serde_json::Value = serde_json::from_str(&line).expect("JSON line");
            assert_eq!(v["verdict"], "ready", "{line}");
            assert!(rest.is_empty(), "{rest:?}");
        } else {
            let text = std::fs::read_to_string(&out).expect("report written");
            let report: serde_json::Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(report["interrupted"]["input_left"], true, "{report:#}");
            assert!(report["interrupted"]["abandoned"].as_u64() >= Some(1));
            // Whatever completed is there, whole: at most the good origin.
            let origins = report["origins"].as_array().expect("origins");
            assert!(origins.len() <= 1, "{report:#}");
            assert!(
                origins.iter().all(|o| o["verdict"] == "ready"),
                "{report:#}"
            );
        }
    }
    server.abort();
}
