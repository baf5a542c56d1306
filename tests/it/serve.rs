//! `origin-probe serve`: the exporter as Prometheus scrapes it, against loopback origins. Each
//! test starts its own exporter process and stops it by PID (drop or SIGTERM).

use std::time::{Duration, Instant};

use origin_probe::demo::servers::Behaviour;

use crate::support::exporter::{Exporter, sample, serve_args};
use crate::support::{other_origin, tls_origin};

fn probe_path(name: &str, port: u16) -> String {
    format!("/probe?target={name}:{port}")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scrape_answers_the_verdict_as_prometheus_text() {
    let good = tls_origin("good").await;
    let expired = tls_origin("expired").await;
    let exporter = Exporter::start(&serve_args(
        &[("good.test", &good), ("expired.test", &expired)],
        &[],
    ))
    .await;

    let ok = exporter
        .get(&probe_path("good.test", good.addr.port()), &[])
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.content_type, "text/plain; version=0.0.4; charset=utf-8");
    let target = format!("target=\"good.test:{}\"", good.addr.port());
    assert!(ok.body.contains(&target), "{}", ok.body);
    assert_eq!(
        sample(&ok.body, "probe_success{").as_deref(),
        Some("1"),
        "{}",
        ok.body
    );
    assert!(
        ok.body
            .lines()
            .any(|l| l.starts_with("origin_probe_verdict{") && l.ends_with("verdict=\"ready\"} 1")),
        "{}",
        ok.body
    );
    assert!(
        ok.body.contains("\nprobe_ssl_earliest_cert_expiry{"),
        "{}",
        ok.body
    );
    let duration: f64 = sample(&ok.body, "probe_duration_seconds ")
        .expect("probe_duration_seconds")
        .parse()
        .expect("a number");
    assert!(duration > 0.0 && duration < 10.0, "{duration}");
    assert!(!ok.body.contains("# EOF"));
    promtool_check(&ok.body);

    let bad = exporter
        .get(
            &probe_path("expired.test", expired.addr.port()),
            &[(
                "Accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
            )],
        )
        .await;
    assert_eq!(bad.status, 200, "{}", bad.body);
    assert_eq!(
        bad.content_type,
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    assert!(bad.body.ends_with("# EOF\n"), "{}", bad.body);
    assert_eq!(sample(&bad.body, "probe_success{").as_deref(), Some("0"));
    assert!(
        bad.body
            .lines()
            .any(|l| l.starts_with("origin_probe_verdict{")
                && l.ends_with("verdict=\"would-502\"} 1")),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("rule=\"cert.expired\""), "{}", bad.body);

    // host_header= is the SNI and a name the certificate may cover (this one covers the
    // origin's name, which is enough).
    let sni = exporter
        .get(
            &format!(
                "/probe?target=good.test:{}&host_header=other.test",
                good.addr.port()
            ),
            &[],
        )
        .await;
    assert_eq!(sni.status, 200, "{}", sni.body);
    assert!(
        sni.body.contains("host_header=\"other.test\""),
        "{}",
        sni.body
    );
    assert_eq!(
        sample(&sni.body, "probe_success{").as_deref(),
        Some("1"),
        "{}",
        sni.body
    );

    let metrics = exporter.get("/metrics", &[]).await;
    assert_eq!(
        sample(&metrics.body, "origin_probe_exporter_probes_total ").as_deref(),
        Some("3"),
        "{}",
        metrics.body
    );
    let (code, stderr) = exporter.stop(Duration::from_secs(15)).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("serve: stopped"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_a_one_line_400_and_the_exporter_keeps_serving() {
    let exporter = Exporter::start(&serve_args(&[], &[])).await;
    let huge = format!("/probe?target={}", "a".repeat(5000));
    for (path, headers, status, fragment) in [
        ("/probe", vec![], 400, "missing target"),
        ("/probe?target=", vec![], 400, "missing target"),
        (
            "/probe?target=bad%20name",
            vec![],
            400,
            "target \"bad name\"",
        ),
        (
            "/probe?target=a.test&module=nope",
            vec![],
            400,
            "unknown module \"nope\" (known: default)",
        ),
        (
            "/probe?target=a.test&origin_ssl_protocols=TLSv9",
            vec![],
            400,
            "origin_ssl_protocols",
        ),
        (
            "/probe?target=a.test&x=1",
            vec![],
            400,
            "unknown parameter \"x\"",
        ),
        (huge.as_str(), vec![], 400, "longer than"),
        (
            "/probe?target=a.test",
            vec![("X-Prometheus-Scrape-Timeout-Seconds", "soon")],
            400,
            "X-Prometheus-Scrape-Timeout-Seconds",
        ),
        ("/nothing", vec![], 404, "no such path"),
        ("/-/reload", vec![], 405, "POST"),
    ] {
        let answer = exporter.get(path, &headers).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        assert!(answer.body.contains(fragment), "{path}: {}", answer.body);
        assert_eq!(
            answer.body.trim_end().lines().count(),
            1,
            "{path}: {}",
            answer.body
        );
    }
    let reload = exporter.post("/-/reload").await;
    assert_eq!(reload.status, 400, "{}", reload.body);
    assert!(reload.body.contains("without --config"), "{}", reload.body);
    let health = exporter.get("/healthz", &[]).await;
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_scrape_timeout_bounds_a_probe_of_a_silent_origin() {
    let silent = other_origin(Behaviour::AcceptSilent).await;
    let exporter = Exporter::start(&serve_args(
        &[("silent.test", &silent)],
        &["--timeout", "20s", "--connect-timeout", "20s"],
    ))
    .await;
    let started = Instant::now();
    let answer = exporter
        .get(
            &probe_path("silent.test", silent.addr.port()),
            &[("X-Prometheus-Scrape-Timeout-Seconds", "2")],
        )
        .await;
    let took = started.elapsed();
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        sample(&answer.body, "probe_success{").as_deref(),
        Some("0"),
        "{}",
        answer.body
    );
    assert!(
        took < Duration::from_millis(2500),
        "the scrape took {took:?}"
    );
    assert!(
        answer.body.contains("verdict=\"would-504\"} 1"),
        "{}",
        answer.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_exporter_refuses_with_503_within_the_queue_timeout_and_reuses_recent_answers() {
    let silent = other_origin(Behaviour::AcceptSilent).await;
    let good = tls_origin("good").await;
    let exporter = Exporter::start(&serve_args(
        &[("silent.test", &silent), ("good.test", &good)],
        &[
            "--max-probes",
            "1",
            "--queue-timeout",
            "300ms",
            "--min-interval",
            "60s",
        ],
    ))
    .await;
    let addr = exporter.addr;
    let slow_path = probe_path("silent.test", silent.addr.port());
    let slow = tokio::spawn(async move {
        crate::support::exporter::request(
            addr,
            "GET",
            &slow_path,
            &[("X-Prometheus-Scrape-Timeout-Seconds", "3")],
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let refused = exporter
        .get(&probe_path("good.test", good.addr.port()), &[])
        .await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    assert!(refused.body.contains("--max-probes"), "{}", refused.body);
    assert!(started.elapsed() < Duration::from_secs(2));
    let slow = slow.await.expect("join");
    assert_eq!(slow.status, 200, "{}", slow.body);

    // Now there is room; the second scrape of the same target reuses the first one's answer.
    let first = exporter
        .get(&probe_path("good.test", good.addr.port()), &[])
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let second = exporter
        .get(&probe_path("good.test", good.addr.port()), &[])
        .await;
    assert_eq!(second.body, first.body);
    let metrics = exporter.get("/metrics", &[]).await;
    for (series, value) in [
        ("origin_probe_exporter_probes_total ", "2"),
        ("origin_probe_exporter_scrapes_reused_total ", "1"),
        ("origin_probe_exporter_scrapes_refused_total ", "1"),
        ("origin_probe_exporter_probes_in_flight ", "0"),
    ] {
        assert_eq!(
            sample(&metrics.body, series).as_deref(),
            Some(value),
            "{series}: {}",
            metrics.body
        );
    }
}

/// `promtool check metrics` on `text`, when promtool is here (CI installs it).
pub fn promtool_check(text: &str) {
    use std::io::Write;
    let child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(_) if std::env::var_os("CI").is_none() => {
            crate::support::legacy::skip_note("promtool_check", "promtool is not on PATH");
            return;
        }
        Err(e) => panic!("promtool is required in CI: {e}"),
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("promtool");
    assert!(
        out.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_origin_delays_no_other_scrape_and_sigterm_lets_it_finish() {
    let silent = other_origin(Behaviour::AcceptSilent).await;
    let good = tls_origin("good").await;
    let exporter = Exporter::start(&serve_args(
        &[("silent.test", &silent), ("good.test", &good)],
        &["--timeout", "20s", "--shutdown-grace", "10s"],
    ))
    .await;
    let addr = exporter.addr;
    let slow_path = probe_path("silent.test", silent.addr.port());
    let slow = tokio::spawn(async move {
        let started = Instant::now();
        let answer = crate::support::exporter::request(
            addr,
            "GET",
            &slow_path,
            &[("X-Prometheus-Scrape-Timeout-Seconds", "3")],
        )
        .await;
        (answer, started.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let fast = exporter
        .get(&probe_path("good.test", good.addr.port()), &[])
        .await;
    assert_eq!(
        sample(&fast.body, "probe_success{").as_deref(),
        Some("1"),
        "{}",
        fast.body
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a good origin waited {:?} behind a silent one",
        started.elapsed()
    );
    // SIGTERM while the slow scrape is in flight: it still gets its answer, then the process
    // exits 0.
    let (code, stderr) = {
        exporter.signal("TERM");
        let (answer, took) = slow.await.expect("join");
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(sample(&answer.body, "probe_success{").as_deref(), Some("0"));
        assert!(took < Duration::from_secs(4), "{took:?}");
        exporter.exit(Duration::from_secs(15)).await
    };
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("stopping"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_flags_and_a_taken_address_are_one_line_and_exit_2() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let taken = holder.local_addr().expect("addr").to_string();
    for (args, fragment) in [
        (
            vec!["serve", "--max-probes", "0"],
            "--max-probes must be between 1",
        ),
        (
            vec!["serve", "--probe-timeout", "0s"],
            "--probe-timeout must be more than 0",
        ),
        (
            vec!["serve", "--interval", "10ms"],
            "--interval must be from 1s",
        ),
        (vec!["serve", "--listen", "nowhere"], "--listen"),
        (vec!["serve", "--listen", &taken], "cannot listen there"),
    ] {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let r = crate::support::run(&args).await;
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(
            r.stderr.trim_end().lines().count(),
            1,
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(fragment), "{args:?}: {}", r.stderr);
    }
    drop(holder);
}
