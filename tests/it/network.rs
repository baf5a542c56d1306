//! Network and handshake verdicts: closed, silent and non-TLS peers, protocol and suite
//! mismatches, client-certificate requests, IPv6 and disagreeing addresses
//! (DNS outcomes are `dns.rs`'s, the run's own bounds `run_limits.rs`').

use crate::support::dns::{Answer, DnsServer};
use crate::support::{
    LOCALHOST, assert_verdict, check, finding, fixture_path, other_origin, rules, run, tls_origin,
    tls_origin_on,
};
use origin_probe::demo::servers::{Behaviour, Suites, Versions};
use std::net::IpAddr;

#[tokio::test(flavor = "multi_thread")]
async fn refused_port_would_502() {
    let origin = other_origin(Behaviour::Refuse).await;
    let o = check("refused.test", &origin, &[]).await.origin();
    assert_verdict(&o, "would-502", Some("tcp.refused"));
    assert_eq!(finding(&o, "tcp.refused")["confidence"], "inferred");
}

#[tokio::test(flavor = "multi_thread")]
async fn silent_port_would_504() {
    let origin = other_origin(Behaviour::Silent).await;
    let o = check("silent.test", &origin, &["--connect-timeout", "1s"])
        .await
        .origin();
    assert_verdict(&o, "would-504", Some("tcp.timeout"));
}

#[tokio::test(flavor = "multi_thread")]
async fn accepted_but_silent_handshake_would_504() {
    let origin = other_origin(Behaviour::AcceptSilent).await;
    let o = check("mute.test", &origin, &["--timeout", "1s"])
        .await
        .origin();
    assert_verdict(&o, "would-504", Some("tls.timeout"));
}

#[tokio::test(flavor = "multi_thread")]
async fn plain_http_on_the_https_port_would_502_and_shows_the_answer() {
    let origin = other_origin(Behaviour::Canned(
        b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec(),
    ))
    .await;
    let o = check("plain.test", &origin, &[]).await.origin();
    assert_verdict(&o, "would-502", Some("tls.not-tls"));
    let reason = finding(&o, "tls.not-tls")["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(reason.contains("HTTP/1.1 400 Bad Request"), "{reason}");
}

#[tokio::test(flavor = "multi_thread")]
async fn fatal_alert_to_every_hello_would_502_with_the_alert_named() {
    // A TLS 1.2 record carrying a fatal handshake_failure alert (RFC 5246 7.2).
    let alert = vec![0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28];
    let origin = other_origin(Behaviour::Canned(alert)).await;
    let o = check("alert.test", &origin, &[]).await.origin();
    assert_verdict(&o, "would-502", Some("tls.handshake-refused"));
    let f = finding(&o, "tls.handshake-refused");
    assert!(
        f["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("handshake_failure (40)"),
        "{f:#}"
    );
    // Every version-scan hello got the same alert: the refusal is certain, its cause is not.
    assert_eq!(f["confidence"], "inferred");
    let versions = &o["addresses"][0]["versions"];
    assert_eq!(versions["TLSv1.2"]["support"], "not-supported", "{o:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tls13_only_origin_would_502_and_its_chain_is_still_judged() {
    let origin = tls_origin_on("expired", LOCALHOST, |s| s.versions = Versions::Tls13).await;
    let o = check("expired.test", &origin, &[]).await.origin();
    assert_verdict(&o, "would-502", Some("tls.tls13-only"));
    assert_eq!(o["addresses"][0]["chain_source"], "tls13");
    assert!(rules(&o).contains(&"cert.expired".to_string()), "{o:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn chacha20_only_origin_would_502_naming_the_suite() {
    let origin = tls_origin_on("good", LOCALHOST, |s| {
        s.versions = Versions::Tls12;
        s.suites = Suites::ChaCha20Only;
    })
    .await;
    let o = check("good.test", &origin, &[]).await.origin();
    assert_verdict(&o, "would-502", Some("tls.no-shared-cipher"));
    let reason = finding(&o, "tls.no-shared-cipher")["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(reason.contains("CHACHA20"), "{reason}");
}

#[tokio::test(flavor = "multi_thread")]
async fn origin_asking_for_a_client_certificate_would_502() {
    let origin = tls_origin_on("good", LOCALHOST, |s| s.request_client_cert = Some(b"")).await;
    let o = check("good.test", &origin, &[]).await.origin();
    assert_verdict(&o, "would-502", Some("tls.client-certificate-requested"));
}

#[tokio::test(flavor = "multi_thread")]
async fn ipv6_address_is_probed() {
    let v6: IpAddr = "::1".parse().expect("ip");
    let origin = tls_origin_on("good", v6, |_| {}).await;
    let o = check("good.test", &origin, &[]).await.origin();
    assert_verdict(&o, "ready", None);
    assert_eq!(
        o["addresses"][0]["address"],
        format!("[::1]:{}", origin.addr.port())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ip_literal_origin_is_probed_but_would_502() {
    let origin = tls_origin("ip").await;
    let port = origin.addr.port();
    let args: Vec<String> = [
        "check",
        &format!("127.0.0.1:{port}"),
        "--roots",
        &fixture_path("test-roots.pem"),
        "--format",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let o = run(&args).await.origin();
    assert_verdict(&o, "would-502", Some("origin.ip-address"));
    // The certificate itself is fine for the address: the only problem is the name form.
    assert_eq!(rules(&o), vec!["origin.ip-address".to_string()], "{o:#}");
    assert_eq!(o["address_source"], "literal");
}

#[tokio::test(flavor = "multi_thread")]
async fn addresses_that_disagree_give_an_intermittent_failure_finding() {
    let good = tls_origin("good").await;
    let port = good.addr.port();
    // The same port on a second loopback address serves an expired chain.
    let second: IpAddr = "127.0.0.2".parse().expect("ip");
    let dns = DnsServer::start(&[("good.test", Answer::Addresses(vec![LOCALHOST, second]))]).await;
    let same_port_bad = bind_same_port(second, port).await;
    let args: Vec<String> = [
        "check",
        &format!("good.test:{port}"),
        "--dns-server",
        &dns.addr.to_string(),
        "--roots",
        &fixture_path("test-roots.pem"),
        "--format",
        "json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let o = run(&args).await.origin();
    same_port_bad.abort();
    assert_eq!(o["address_source"], "dns");
    assert_eq!(o["addresses"].as_array().map(Vec::len), Some(2), "{o:#}");
    assert_verdict(&o, "would-502", Some("origin.addresses-disagree"));
    let reason = finding(&o, "origin.addresses-disagree")["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        reason.contains("1 of 2") && reason.contains("127.0.0.2"),
        "{reason}"
    );
}

/// Starts an expired-chain origin on `ip` at exactly `port`.
async fn bind_same_port(ip: IpAddr, port: u16) -> tokio::task::JoinHandle<()> {
    use tokio::net::TcpListener;
    use tokio_rustls::TlsAcceptor;
    let config =
        origin_probe::demo::servers::server_config(&origin_probe::demo::servers::TlsSpec::new(
            &crate::support::fixture("expired.chain.pem"),
            &crate::support::fixture("expired.key.pem"),
        ))
        .expect("config");
    let listener = TcpListener::bind((ip, port))
        .await
        .expect("bind the same port on 127.0.0.2");
    let acceptor = TlsAcceptor::from(config);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(
                    std::time::Duration::from_secs(10),
                    acceptor.accept(stream),
                )
                .await;
            });
        }
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn ed25519_key_would_502_as_no_shared_parameters_not_as_tls13_only() {
    let origin = tls_origin("ed25519").await;
    let o = check("ed25519.test", &origin, &[]).await.origin();
    assert_verdict(&o, "would-502", Some("tls.no-shared-parameters"));
    assert!(!rules(&o).contains(&"tls.tls13-only".to_string()), "{o:#}");
    assert!(rules(&o).contains(&"cert.key-type".to_string()), "{o:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn close_during_the_handshake_would_502() {
    let origin = other_origin(Behaviour::Canned(Vec::new())).await;
    let o = check("closing.test", &origin, &[]).await.origin();
    assert_verdict(&o, "would-502", Some("tls.closed"));
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_during_the_handshake_would_502() {
    let origin = other_origin(Behaviour::Reset).await;
    let o = check("resetting.test", &origin, &[]).await.origin();
    assert_verdict(&o, "would-502", Some("tls.reset"));
}
