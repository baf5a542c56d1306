//! Hostile servers: peers that stay silent, close, reset, drip, stream forever, announce huge
//! messages, send garbage certificates or bytes, speak another protocol, retry forever or alert.
//! Each case goes through the real binary and must end, within the run deadline, in a
//! classified finding whose reason names what the peer did, with bounded memory and no panic.
//! Last, a crowd of them at once next to good origins, whose verdicts must not change.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;

use crate::support::hostile::{
    ALERT_FATAL, ALERT_WARNING, CONTENT_APPLICATION_DATA, CONTENT_HANDSHAKE, FAST, Measured, Peer,
    SUITE_CBC, SUITE_GCM, Step, alert, answer, certificate, check_many, fixture_chain, flight,
    handshake, hello_retry_request, peer, record, run_measured, server_hello, server_hello_done,
    server_hello_tls13, tls12_flight, u24,
};
use crate::support::{assert_verdict, finding, rules, tls_origin};

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
async fn endless_records_end_at_the_parser_limits() {
    let warnings = peer(vec![
        Step::ReadHello,
        Step::Endless(alert(ALERT_WARNING, 112)),
    ])
    .await;
    // HelloRequest (type 0, empty) again and again, one valid record each.
    let requests = peer(vec![
        Step::ReadHello,
        Step::Endless(record(CONTENT_HANDSHAKE, &handshake(0, &[]))),
    ])
    .await;
    let empty = peer(vec![
        Step::ReadHello,
        Step::Endless(record(CONTENT_HANDSHAKE, &[])),
    ])
    .await;
    // After a valid ServerHello, full-size records of an unknown handshake message, forever.
    let full = record(
        CONTENT_HANDSHAKE,
        &handshake(0x17, &vec![0u8; (1 << 14) - 4]),
    );
    let after_hello = peer(vec![
        Step::ReadHello,
        Step::Send(flight(&[server_hello(SUITE_GCM)])),
        Step::Endless(full),
    ])
    .await;
    let (o, m) = probe(&[
        ("warnings", &warnings),
        ("requests", &requests),
        ("empty", &empty),
        ("after-hello", &after_hello),
    ])
    .await;
    assert_bounded(&m, "endless records");
    expect(
        &o["warnings"],
        "would-502",
        "tls.too-large",
        &["events in a flight (the last an alert) is 65, over the limit of 64"],
    );
    expect(
        &o["requests"],
        "would-502",
        "tls.too-large",
        &["events in a flight (the last a handshake message) is 65, over the limit of 64"],
    );
    expect(
        &o["empty"],
        "would-502",
        "tls.too-large",
        &["server flight", "over the limit of 524288"],
    );
    expect(
        &o["after-hello"],
        "would-502",
        "tls.too-large",
        &["server flight", "over the limit of 524288"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_16_mib_handshake_message_is_refused_from_its_header() {
    // A Certificate announcing 2^24 - 1 bytes, and then really sending them (streamed).
    let len = (1 << 24) - 1;
    let mut head = vec![11];
    head.extend(u24(len));
    head.extend(u24(len - 3));
    let unit = vec![0x30u8; 4096];
    let times = (len - 3) / unit.len();
    let huge = peer(vec![
        Step::ReadHello,
        Step::Send(flight(&[server_hello(SUITE_GCM)])),
        Step::Stream {
            head,
            unit: unit.clone(),
            times,
        },
    ])
    .await;
    // A 16 MiB ServerKeyExchange (limit 64 KiB).
    let mut head = vec![12];
    head.extend(u24(len));
    let huge_kx = peer(vec![
        Step::ReadHello,
        Step::Send(flight(&[server_hello(SUITE_GCM)])),
        Step::Stream { head, unit, times },
    ])
    .await;
    let (o, m) = probe(&[("huge", &huge), ("huge-kx", &huge_kx)]).await;
    assert_bounded(&m, "16 MiB handshake messages");
    expect(
        &o["huge"],
        "would-502",
        "tls.too-large",
        &[
            "after a ServerHello choosing TLSv1.2",
            "Certificate is 16777215, over the limit of 262144",
        ],
    );
    expect(
        &o["huge-kx"],
        "would-502",
        "tls.too-large",
        &["ServerKeyExchange is 16777215, over the limit of 65536"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_certificates_are_refused() {
    // 10,000 copies of a real leaf: the message is over the Certificate size limit.
    let leaf = fixture_chain("good").remove(0);
    let n = 10_000;
    let list = n * (3 + leaf.len());
    let mut head = vec![11];
    head.extend(u24(list + 3));
    head.extend(u24(list));
    let mut unit = u24(leaf.len()).to_vec();
    unit.extend(&leaf);
    let real = peer(vec![
        Step::ReadHello,
        Step::Send(flight(&[server_hello(SUITE_GCM)])),
        Step::Stream {
            head,
            unit,
            times: n,
        },
    ])
    .await;
    // 10,000 one-byte "certificates": small enough for the size limit, not for the count.
    let tiny: Vec<Vec<u8>> = vec![vec![0x30]; n];
    let many = peer(answer(flight(&[
        server_hello(SUITE_GCM),
        certificate(&tiny),
        server_hello_done(),
    ])))
    .await;
    let (o, m) = probe(&[("real", &real), ("tiny", &many)]).await;
    assert_bounded(&m, "10,000 certificates");
    let announced = format!("Certificate is {}, over the limit of 262144", list + 3);
    expect(&o["real"], "would-502", "tls.too-large", &[&announced]);
    expect(
        &o["tiny"],
        "would-502",
        "tls.too-large",
        &["certificates in a Certificate message is 65, over the limit of 64"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_1_mib_certificate_is_refused() {
    let cert = 1 << 20;
    let mut head = vec![11];
    head.extend(u24(cert + 6));
    head.extend(u24(cert + 3));
    head.extend(u24(cert));
    let unit = vec![0x30u8; 1024];
    let big = peer(vec![
        Step::ReadHello,
        Step::Send(flight(&[server_hello(SUITE_GCM)])),
        Step::Stream {
            head,
            unit,
            times: cert / 1024,
        },
    ])
    .await;
    let (o, m) = probe(&[("big", &big)]).await;
    assert_bounded(&m, "1 MiB certificate");
    expect(
        &o["big"],
        "would-502",
        "tls.too-large",
        &["Certificate is 1048582, over the limit of 262144"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_der_is_unparseable_and_judged() {
    let good = fixture_chain("good");
    let leaf = good[0].clone();
    // Deeply nested indefinite-length SEQUENCEs: a recursion bomb for a careless DER reader.
    let mut nested = Vec::new();
    for _ in 0..5000 {
        nested.extend([0x30, 0x80]);
    }
    let chains: Vec<(&str, Vec<Vec<u8>>)> = vec![
        ("garbage", vec![b"not a certificate at all".to_vec()]),
        ("truncated", vec![leaf[..leaf.len() / 2].to_vec()]),
        // A SEQUENCE claiming 4 GiB of content.
        (
            "claims-4gib",
            vec![vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x00]],
        ),
        ("nested", vec![nested]),
        ("bad-intermediate", vec![leaf, vec![0xde, 0xad, 0xbe, 0xef]]),
        ("all-bad", vec![vec![0x30, 0x00]; 60]),
    ];
    let mut peers = Vec::new();
    for (name, chain) in &chains {
        peers.push((*name, peer(answer(tls12_flight(SUITE_CBC, chain))).await));
    }
    let refs: Vec<(&str, &Peer)> = peers.iter().map(|(n, p)| (*n, p)).collect();
    let (o, _) = probe(&refs).await;
    for (name, _) in &chains {
        let o = &o[*name];
        let which = if *name == "bad-intermediate" {
            "certificate #1 is not a valid X.509 certificate"
        } else {
            "the leaf #0 is not a valid X.509 certificate"
        };
        expect(o, "would-502", "cert.unparseable", &[which]);
        // The handshake itself was complete: the answer is the certificate, not the TLS.
        assert_eq!(o["addresses"][0]["hello"]["end"], "complete", "{o:#}");
    }
    // 60 certificates sent, the first 16 analysed: one finding each, and the count said.
    let all_bad = rules(&o["all-bad"]);
    assert_eq!(
        all_bad.iter().filter(|r| *r == "cert.unparseable").count(),
        16,
        "{all_bad:?}"
    );
    expect(
        &o["all-bad"],
        "would-502",
        "cert.chain-too-long",
        &["sent 60 certificates"],
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

/// The kinds of hostile peer the crowd is made of, with the rule each must get.
fn crowd_kinds() -> Vec<(&'static str, Vec<Step>, &'static str)> {
    let good = fixture_chain("good");
    let second = Duration::from_secs(1);
    let mut huge = vec![11];
    huge.extend(u24((1 << 24) - 1));
    vec![
        ("silent", vec![Step::Hold], "tls.timeout"),
        ("closing", vec![], "tls.closed"),
        ("resetting", vec![Step::ReadHello, Step::Reset], "tls.reset"),
        (
            "drip",
            vec![
                Step::ReadHello,
                Step::Drip(tls12_flight(SUITE_GCM, &good), second),
            ],
            "tls.timeout",
        ),
        (
            "warnings",
            vec![Step::ReadHello, Step::Endless(alert(ALERT_WARNING, 112))],
            "tls.too-large",
        ),
        (
            "huge",
            vec![
                Step::ReadHello,
                Step::Send(flight(&[server_hello(SUITE_GCM)])),
                Step::Stream {
                    head: huge,
                    unit: vec![0; 4096],
                    times: 4095,
                },
            ],
            "tls.too-large",
        ),
        (
            "bad-der",
            answer(tls12_flight(SUITE_GCM, &[b"garbage".to_vec()])),
            "cert.unparseable",
        ),
        (
            "garbage",
            answer(hello_then(SUITE_GCM, b"garbage\n")),
            "tls.malformed",
        ),
        (
            "ssh",
            vec![Step::Send(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec()), Step::Hold],
            "tls.not-tls",
        ),
        (
            "http",
            answer(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec()),
            "tls.not-tls",
        ),
        (
            "retry",
            vec![Step::AnswerEvery(flight(&[hello_retry_request()]))],
            "tls.illegal-answer",
        ),
        (
            "fatal",
            answer(alert(ALERT_FATAL, 40)),
            "tls.handshake-refused",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crowd_of_hostile_peers_leaves_good_origins_ready() {
    const HOSTILE: usize = 300;
    let kinds = crowd_kinds();
    let mut hostile: Vec<(String, &'static str, Peer)> = Vec::new();
    for i in 0..HOSTILE {
        let (kind, script, rule) = &kinds[i % kinds.len()];
        hostile.push((format!("{kind}-{i}.test"), rule, peer(script.clone()).await));
    }
    let fixtures = ["good", "deep", "wildcard", "rsa2048", "good"];
    let names = [
        "good.test",
        "deep.test",
        "www.wild.test",
        "rsa2048.test",
        "good.test",
    ];
    let mut good = Vec::new();
    for i in 0..10 {
        let k = i % fixtures.len();
        good.push((names[k].to_string(), tls_origin(fixtures[k]).await));
    }
    let mut targets: Vec<(String, SocketAddr)> =
        good.iter().map(|(n, o)| (n.clone(), o.addr)).collect();
    targets.extend(hostile.iter().map(|(n, _, p)| (n.clone(), p.addr)));
    let mut extra = FAST.to_vec();
    extra.extend(["--concurrency", "200"]);
    let m = run_measured(&check_many(&targets, &extra)).await;
    assert_sane(&m);
    let json = m.run.json();
    assert_eq!(json["summary"]["origins"], targets.len(), "{json:#}");
    let origins = json["origins"].as_array().expect("origins");
    assert_eq!(origins.len(), targets.len());
    let by_key: BTreeMap<String, &Value> = origins
        .iter()
        .map(|o| {
            (
                format!("{}:{}", o["origin"].as_str().unwrap_or_default(), o["port"]),
                o,
            )
        })
        .collect();
    assert_eq!(
        by_key.len(),
        targets.len(),
        "duplicate origins in the report"
    );
    for (name, origin) in &good {
        let o = by_key[&format!("{name}:{}", origin.addr.port())];
        assert_verdict(o, "ready", None);
    }
    for (name, rule, p) in &hostile {
        let o = by_key[&format!("{name}:{}", p.addr.port())];
        assert!(
            rules(o).iter().any(|r| r == rule),
            "{name}: want {rule}\n{o:#}"
        );
        assert_ne!(o["verdict"], "ready", "{o:#}");
    }
    eprintln!(
        "crowd: {} origins in {:?}, peak RSS {:?} KiB",
        targets.len(),
        m.elapsed,
        m.peak_rss_kib
    );
}
