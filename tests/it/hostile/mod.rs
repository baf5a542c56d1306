//! Hostile servers: peers that stay silent, close, reset, drip, stream forever, announce huge
//! messages, send garbage certificates or bytes, speak another protocol, retry forever or alert.
//! Each case goes through the real binary and must end, within the run deadline, in a
//! classified finding whose reason names what the peer did, with bounded memory and no panic.
//! The size limits are `limits.rs`'; a crowd of them at once next to good origins, whose verdicts
//! must not change, is `crowd.rs`'.

use crate::support::hostile::{
    ALERT_FATAL, ALERT_WARNING, CONTENT_APPLICATION_DATA, FAST, Measured, Peer, SUITE_GCM, Step,
    alert, answer, check_many, fixture_chain, flight, handshake, hello_retry_request, peer, record,
    run_measured, server_hello, server_hello_tls13, tls12_flight, u24,
};
use crate::support::{assert_verdict, finding};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

mod crowd;
mod limits;

/// The most resident memory a run against one kind of hostile peer may reach. Idle, the binary
/// holds about 10 MiB; every refused answer is capped by the parser (512 KiB a flight). A
/// parser that buffered what these peers send (16 MiB per connection, six connections per
/// address, or endless records) would pass this.
const MAX_RSS_KIB: u64 = 64 * 1024;

/// Probes every `(name, peer)` as `<name>.test` in one run with [`FAST`] timeouts and checks
/// what every hostile run must show: it ended (within the deadline `run_measured` enforces),
/// no panic, no internal error, exit code 1, one report per peer. Returns the origins by name.
async fn probe(peers: &[(&str, &Peer)]) -> (BTreeMap<String, Value>, Measured) {
    let targets: Vec<(String, SocketAddr)> = peers
        .iter()
        .map(|(name, p)| (format!("{name}.test"), p.addr))
        .collect();
    let m = run_measured(&check_many(&targets, FAST)).await;
    assert_sane(&m);
    let json = m.run.json();
    let mut origins = BTreeMap::new();
    for o in json["origins"].as_array().expect("origins") {
        let name = o["origin"].as_str().expect("origin name");
        let short = name.strip_suffix(".test").unwrap_or(name).to_string();
        origins.insert(short, o.clone());
    }
    assert_eq!(origins.len(), peers.len(), "{json:#}");
    (origins, m)
}

fn assert_sane(m: &Measured) {
    let stderr = &m.run.stderr;
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "panic: {stderr}"
    );
    assert!(
        !m.run.stdout.contains("internal.error"),
        "internal error: {}",
        m.run.stdout
    );
    assert_eq!(m.run.code, 1, "stdout: {}\nstderr: {stderr}", m.run.stdout);
}

/// Asserts the verdict, that `rule` is among the findings, and that its reason names `seen`.
fn expect(o: &Value, verdict: &str, rule: &str, seen: &[&str]) {
    assert_verdict(o, verdict, Some(rule));
    let reason = finding(o, rule)["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    for s in seen {
        assert!(reason.contains(s), "{rule}: {s:?} not in {reason:?}\n{o:#}");
    }
}

/// Asserts the run's peak resident memory stayed under [`MAX_RSS_KIB`]. The sample comes from
/// `/proc`; where there is none (not Linux) the check is skipped, and said so.
fn assert_bounded(m: &Measured, what: &str) {
    if !std::path::Path::new("/proc/self/status").exists() {
        eprintln!("{what}: no /proc, peak RSS not checked");
        return;
    }
    let kib = m
        .peak_rss_kib
        .unwrap_or_else(|| panic!("{what}: the child's VmHWM was never sampled"));
    eprintln!("{what}: peak RSS {kib} KiB in {:?}", m.elapsed);
    assert!(
        kib < MAX_RSS_KIB,
        "{what}: peak RSS {kib} KiB is over {MAX_RSS_KIB} KiB"
    );
}

/// A ServerHello choosing `suite` in its own record, then `rest`.
fn hello_then(suite: u16, rest: &[u8]) -> Vec<u8> {
    let mut out = flight(&[server_hello(suite)]);
    out.extend(rest);
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn silent_closing_and_resetting_peers_are_classified() {
    let silent = peer(vec![Step::Hold]).await;
    let closing = peer(vec![]).await;
    let resetting = peer(vec![Step::ReadHello, Step::Reset]).await;
    let (o, _) = probe(&[
        ("silent", &silent),
        ("closing", &closing),
        ("resetting", &resetting),
    ])
    .await;
    expect(
        &o["silent"],
        "would-504",
        "tls.timeout",
        &["sent no complete TLS answer to CloudFront's hello within 2.0s"],
    );
    expect(
        &o["closing"],
        "would-502",
        "tls.closed",
        &["closed the connection without an alert"],
    );
    expect(
        &o["resetting"],
        "would-502",
        "tls.reset",
        &["reset the connection"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dripping_peers_are_cut_off_by_one_deadline() {
    // One byte a second: each read succeeds well within the timeout, so only a deadline for
    // the whole exchange ends it (a per-read timeout would wait out the 10 s connection
    // lifetime on every one of the six hellos, and then the run deadline).
    let second = Duration::from_secs(1);
    let whole = tls12_flight(SUITE_GCM, &fixture_chain("good"));
    let drip = peer(vec![Step::ReadHello, Step::Drip(whole.clone(), second)]).await;
    let hello = flight(&[server_hello(SUITE_GCM)]);
    let rest = whole[hello.len()..].to_vec();
    let drip_after_hello = peer(vec![
        Step::ReadHello,
        Step::Send(hello),
        Step::Drip(rest, second),
    ])
    .await;
    let (o, _) = probe(&[("drip", &drip), ("drip-after-hello", &drip_after_hello)]).await;
    expect(
        &o["drip"],
        "would-504",
        "tls.timeout",
        &["to CloudFront's hello within 2.0s"],
    );
    expect(
        &o["drip-after-hello"],
        "would-504",
        "tls.timeout",
        &["after its ServerHello within 2.0s"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn server_hello_then_garbage_is_malformed() {
    let text = peer(answer(hello_then(SUITE_GCM, b"garbage garbage\r\n"))).await;
    let version = peer(answer(hello_then(
        SUITE_GCM,
        &[0x16, 0x07, 0x07, 0x00, 0x01, 0x00],
    )))
    .await;
    // A Certificate message whose list length disagrees with the message length.
    let mut body = u24(100).to_vec();
    body.extend(u24(3));
    body.extend([1, 2, 3]);
    let bad_list = peer(answer(flight(&[
        server_hello(SUITE_GCM),
        handshake(11, &body),
    ])))
    .await;
    let (o, _) = probe(&[
        ("text", &text),
        ("version", &version),
        ("bad-list", &bad_list),
    ])
    .await;
    expect(
        &o["text"],
        "would-502",
        "tls.malformed",
        &["record of unknown content type 0x67"],
    );
    expect(
        &o["version"],
        "would-502",
        "tls.malformed",
        &["record version 0x0707"],
    );
    expect(
        &o["bad-list"],
        "would-502",
        "tls.malformed",
        &["malformed Certificate: certificate list length does not match the message"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn text_banners_are_not_tls() {
    let http = b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n".to_vec();
    let ssh = b"SSH-2.0-OpenSSH_9.6\r\n".to_vec();
    let smtp = b"220 mail.example ESMTP\r\n".to_vec();
    // On connect, before the client speaks (SSH and SMTP servers talk first), then waiting.
    let ssh_first = peer(vec![Step::Send(ssh.clone()), Step::Hold]).await;
    let smtp_first = peer(vec![Step::Send(smtp.clone()), Step::Hold]).await;
    let http_first = peer(vec![Step::Send(http.clone())]).await;
    // In answer to the hello, then closing.
    let ssh_answer = peer(answer(
        [ssh.as_slice(), b"Invalid SSH identification string.\r\n"].concat(),
    ))
    .await;
    let smtp_answer = peer(answer(
        [smtp.as_slice(), b"500 5.5.2 Error: bad syntax\r\n"].concat(),
    ))
    .await;
    let http_answer = peer(answer(http)).await;
    // A banner with no line end, then silence: no byte of it can start a TLS record.
    let unended = peer(vec![Step::Send(b"220 mail.example".to_vec()), Step::Hold]).await;
    let (o, _) = probe(&[
        ("ssh-first", &ssh_first),
        ("smtp-first", &smtp_first),
        ("http-first", &http_first),
        ("ssh-answer", &ssh_answer),
        ("smtp-answer", &smtp_answer),
        ("http-answer", &http_answer),
        ("unended", &unended),
    ])
    .await;
    for (name, line) in [
        ("ssh-first", "SSH-2.0-OpenSSH_9.6"),
        ("ssh-answer", "SSH-2.0-OpenSSH_9.6"),
        ("smtp-first", "220 mail.example ESMTP"),
        ("smtp-answer", "220 mail.example ESMTP"),
        ("http-first", "HTTP/1.1 400 Bad Request"),
        ("http-answer", "HTTP/1.1 400 Bad Request"),
        ("unended", "220 mail.example"),
    ] {
        expect(
            &o[name],
            "would-502",
            "tls.not-tls",
            &["does not speak TLS; it answered: ", line],
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tls13_answers_to_a_tls12_hello_are_illegal() {
    // A HelloRetryRequest to every hello, the rustls TLS 1.3 handshake's second one included.
    let retry = peer(vec![Step::AnswerEvery(flight(&[hello_retry_request()]))]).await;
    // A TLS 1.3 ServerHello to every hello, then endless "encrypted" records.
    let tls13 = peer(vec![
        Step::ReadHello,
        Step::Send(flight(&[server_hello_tls13()])),
        Step::Endless(record(CONTENT_APPLICATION_DATA, &[0x42; 1024])),
    ])
    .await;
    let (o, _) = probe(&[("retry", &retry), ("tls13", &tls13)]).await;
    expect(
        &o["retry"],
        "would-502",
        "tls.illegal-answer",
        &["answered with a HelloRetryRequest (TLS 1.3)"],
    );
    expect(
        &o["tls13"],
        "would-502",
        "tls.illegal-answer",
        &["chose version 0x0304, which CloudFront's hello (offering TLSv1.2) does not allow"],
    );
    for name in ["retry", "tls13"] {
        // The TLS 1.3 scan hello, the only one offering 1.3, counts the answer as support; the
        // rustls TLS 1.3 handshake that would read the chain meets the peer too, and gives up.
        let a = &o[name]["addresses"][0];
        assert_eq!(a["versions"]["TLSv1.3"]["support"], "supported", "{a:#}");
        assert_eq!(a["chain_source"], Value::Null, "{a:#}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn alerts_of_every_level_are_named() {
    let fatal: &[(u8, &str)] = &[
        (10, "unexpected_message (10)"),
        (40, "handshake_failure (40)"),
        (47, "illegal_parameter (47)"),
        (50, "decode_error (50)"),
        (70, "protocol_version (70)"),
        (71, "insufficient_security (71)"),
        (80, "internal_error (80)"),
        (112, "unrecognized_name (112)"),
        (116, "certificate_required (116)"),
        (254, "alert 254"),
    ];
    let mut peers: Vec<(String, Peer)> = Vec::new();
    for (code, _) in fatal {
        peers.push((
            format!("fatal-{code}"),
            peer(answer(alert(ALERT_FATAL, *code))).await,
        ));
    }
    peers.push((
        "warning-then-nothing".into(),
        peer(vec![
            Step::ReadHello,
            Step::Send(alert(ALERT_WARNING, 112)),
            Step::Hold,
        ])
        .await,
    ));
    peers.push((
        "close-notify".into(),
        peer(answer(alert(ALERT_WARNING, 0))).await,
    ));
    peers.push(("unknown-level".into(), peer(answer(alert(7, 40))).await));
    peers.push((
        "fatal-after-hello".into(),
        peer(answer(hello_then(SUITE_GCM, &alert(ALERT_FATAL, 80)))).await,
    ));
    let refs: Vec<(&str, &Peer)> = peers.iter().map(|(n, p)| (n.as_str(), p)).collect();
    let (o, _) = probe(&refs).await;
    for (code, name) in fatal {
        let o = &o[&format!("fatal-{code}")];
        expect(o, "would-502", "tls.handshake-refused", &[name]);
        // Every scan hello got the same alert: the refusal is certain.
        assert_eq!(
            finding(o, "tls.handshake-refused")["confidence"],
            "inferred",
            "{o:#}"
        );
    }
    expect(
        &o["warning-then-nothing"],
        "would-504",
        "tls.timeout",
        &["within 2.0s"],
    );
    expect(
        &o["close-notify"],
        "would-502",
        "tls.handshake-refused",
        &["close_notify (0)"],
    );
    expect(
        &o["unknown-level"],
        "would-502",
        "tls.handshake-refused",
        &["handshake_failure (40)"],
    );
    expect(
        &o["fatal-after-hello"],
        "would-502",
        "tls.handshake-incomplete",
        &["alert internal_error (80)"],
    );
}
