//! Hostile peers against the parser's size limits: endless records, a 16 MiB message announced
//! in its header, ten thousand certificates, a 1 MiB certificate, and malformed DER that must be
//! judged unparseable rather than crash anything.

use super::*;
use crate::support::hostile::{
    ALERT_WARNING, CONTENT_HANDSHAKE, Peer, SUITE_CBC, SUITE_GCM, Step, alert, answer, certificate,
    fixture_chain, flight, handshake, peer, record, server_hello, server_hello_done, tls12_flight,
    u24,
};
use crate::support::rules;

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
