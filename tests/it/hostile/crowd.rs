//! A crowd of hostile peers at once next to good origins: every peer classified, every good
//! origin still ready, in bounded time and memory.

use super::*;
use crate::support::hostile::{
    ALERT_FATAL, ALERT_WARNING, FAST, Peer, SUITE_GCM, Step, alert, answer, check_many,
    fixture_chain, flight, hello_retry_request, peer, run_measured, server_hello, tls12_flight,
    u24,
};
use crate::support::{assert_verdict, rules, tls_origin};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

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
