//! How many TLS connections a check costs per address, counted by a relay in front of real
//! servers: 3 for a modern origin (CloudFront's hello, the TLS 1.1 hello whose refusal answers
//! for SSLv3 and TLS 1.0 too, the TLS 1.3 hello), never more than
//! `probe::MAX_TLS_CONNECTIONS_PER_ADDRESS`, which the README states (`docs.rs` checks that).

use origin_probe::demo::servers::{Behaviour, Versions};
use origin_probe::probe::MAX_TLS_CONNECTIONS_PER_ADDRESS;

use crate::support::relay::counting;
use crate::support::{LOCALHOST, check_args_at, other_origin, run, tls_origin_on};

/// Probes `name` through a counting relay in front of `upstream`: the verdict and the count.
async fn count(name: &str, upstream: std::net::SocketAddr) -> (String, usize) {
    let relay = counting(upstream).await;
    let o = run(&check_args_at(name, relay.addr)).await.origin();
    let verdict = o["verdict"].as_str().unwrap_or_default().to_string();
    (verdict, relay.accepted())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_modern_origin_costs_three_connections() {
    for versions in [Versions::Both, Versions::Tls12] {
        let origin = tls_origin_on("good", LOCALHOST, |spec| spec.versions = versions).await;
        let (verdict, accepted) = count("good.test", origin.addr).await;
        assert_eq!(verdict, "ready", "{versions:?}");
        assert_eq!(accepted, 3, "{versions:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_origin_that_closes_every_connection_stays_under_the_bound() {
    // Closed answers say nothing about other versions: every scan hello gets its own
    // connection (SSLv3, TLS 1.0, 1.1, 1.2, 1.3), and no chain is there for TLS 1.3 to read.
    let origin = other_origin(Behaviour::Canned(Vec::new())).await;
    let (verdict, accepted) = count("closing.test", origin.addr).await;
    assert_eq!(verdict, "would-502");
    assert_eq!(accepted, 6);
    assert!(accepted <= MAX_TLS_CONNECTIONS_PER_ADDRESS);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_origin_that_does_not_speak_tls_costs_one_connection() {
    let origin = other_origin(Behaviour::Canned(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec())).await;
    let (verdict, accepted) = count("ssh.test", origin.addr).await;
    assert_eq!(verdict, "would-502");
    assert_eq!(accepted, 1);
}
