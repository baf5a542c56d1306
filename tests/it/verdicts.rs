//! Certificate verdicts: one real server per defect in the fixture PKI.

use crate::support::{
    assert_verdict, check, check_args_at, finding, openssl_origin, rules, tls_origin,
};

/// Serves fixture `fixture`, probes it as `name`, and checks verdict and rule.
async fn expect(fixture: &str, name: &str, verdict: &str, rule: Option<&str>) -> serde_json::Value {
    let origin = tls_origin(fixture).await;
    let run = check(name, &origin, &[]).await;
    let report = run.origin();
    assert_verdict(&report, verdict, rule);
    report
}

#[tokio::test(flavor = "multi_thread")]
async fn good_chain_is_ready_and_reports_what_cloudfront_would_negotiate() {
    let o = expect("good", "good.test", "ready", None).await;
    assert!(rules(&o).is_empty(), "{o:#}");
    let a = &o["addresses"][0];
    assert_eq!(a["tls_version"], "TLSv1.2");
    assert_eq!(a["chain_source"], "cloudfront");
    assert!(
        a["cipher_suite"]
            .as_str()
            .unwrap_or_default()
            .starts_with("TLS_ECDHE_ECDSA_WITH_AES_")
    );
    let chain = a["chain"].as_array().expect("chain");
    assert_eq!(chain.len(), 2);
    assert!(
        chain[0]["san"]
            .as_array()
            .expect("san")
            .iter()
            .any(|s| s == "good.test")
    );
    assert_eq!(chain[0]["key_type"], "ECDSA");
    assert_eq!(chain[0]["sha256"].as_str().map(str::len), Some(64));
    assert!(chain[0]["days_left"].as_i64().expect("days_left") > 30_000);
}

#[tokio::test(flavor = "multi_thread")]
async fn three_level_chain_in_order_is_ready() {
    expect("deep", "deep.test", "ready", None).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_leaf_would_502() {
    let o = expect("expired", "expired.test", "would-502", Some("cert.expired")).await;
    assert!(
        finding(&o, "cert.expired")["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("2001"),
        "{o:#}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn not_yet_valid_leaf_would_502() {
    expect(
        "not-yet-valid",
        "not-yet-valid.test",
        "would-502",
        Some("cert.not-yet-valid"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_intermediate_would_502() {
    let o = expect(
        "expired-intermediate",
        "expired-intermediate.test",
        "would-502",
        Some("cert.expired"),
    )
    .await;
    let reason = finding(&o, "cert.expired")["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(reason.contains("Expired Intermediate"), "{reason}");
}

#[tokio::test(flavor = "multi_thread")]
async fn self_signed_would_502() {
    let o = expect(
        "self-signed",
        "self-signed.test",
        "would-502",
        Some("cert.self-signed"),
    )
    .await;
    assert!(
        !rules(&o).contains(&"cert.untrusted-root".to_string()),
        "{o:#}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_root_would_502_and_names_the_store() {
    let o = expect(
        "untrusted",
        "untrusted.test",
        "would-502",
        Some("cert.untrusted-root"),
    )
    .await;
    assert!(
        finding(&o, "cert.untrusted-root")["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("--roots"),
        "{o:#}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_intermediate_is_incomplete_not_untrusted() {
    let o = expect(
        "incomplete",
        "incomplete.test",
        "would-502",
        Some("cert.incomplete-chain"),
    )
    .await;
    assert!(
        !rules(&o).contains(&"cert.untrusted-root".to_string()),
        "{o:#}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn intermediates_in_wrong_order_would_502() {
    expect(
        "wrong-order",
        "wrong-order.test",
        "would-502",
        Some("cert.chain-order"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn name_not_covered_would_502() {
    let o = expect(
        "wrong-host",
        "wrong-host.test",
        "would-502",
        Some("cert.name-mismatch"),
    )
    .await;
    let reason = finding(&o, "cert.name-mismatch")["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        reason.contains("other-name.test") && reason.contains("wrong-host.test"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forwarded_host_header_rescues_a_name_mismatch() {
    let origin = tls_origin("host-header").await;
    let without = check("origin.viewer.test", &origin, &[]).await.origin();
    assert_verdict(&without, "would-502", Some("cert.name-mismatch"));
    let with = check(
        "origin.viewer.test",
        &origin,
        &["--host-header", "www.viewer.test"],
    )
    .await
    .origin();
    assert_verdict(&with, "ready", None);
    assert_eq!(with["host_header"], "www.viewer.test");
}

#[tokio::test(flavor = "multi_thread")]
async fn wildcard_covers_exactly_one_label() {
    let origin = tls_origin("wildcard").await;
    assert_verdict(
        &check("a.wild.test", &origin, &[]).await.origin(),
        "ready",
        None,
    );
    assert_verdict(
        &check("a.b.wild.test", &origin, &[]).await.origin(),
        "would-502",
        Some("cert.name-mismatch"),
    );
    assert_verdict(
        &check("wild.test", &origin, &[]).await.origin(),
        "would-502",
        Some("cert.name-mismatch"),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn served_root_is_a_warning() {
    expect(
        "served-root",
        "served-root.test",
        "warn",
        Some("cert.served-root"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn certificate_outside_the_path_is_a_warning() {
    expect(
        "extra-cert",
        "extra-cert.test",
        "warn",
        Some("cert.extra-certificate"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn name_only_in_common_name_is_a_warning_with_unverified_confidence() {
    let o = expect("cn-only", "cn-only.test", "warn", Some("cert.cn-fallback")).await;
    assert_eq!(finding(&o, "cert.cn-fallback")["confidence"], "unverified");
}

#[tokio::test(flavor = "multi_thread")]
async fn p384_key_is_a_warning_because_sources_conflict() {
    let o = expect("p384", "p384.test", "warn", Some("cert.key-type")).await;
    assert_ne!(finding(&o, "cert.key-type")["confidence"], "documented");
}

#[tokio::test(flavor = "multi_thread")]
async fn rsa_2048_is_ready() {
    let o = expect("rsa2048", "rsa2048.test", "ready", None).await;
    assert_eq!(o["addresses"][0]["chain"][0]["key_bits"], 2048);
    assert!(
        o["addresses"][0]["cipher_suite"]
            .as_str()
            .unwrap_or_default()
            .contains("ECDHE_RSA")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn expiry_within_warn_days_is_a_warning() {
    let origin = tls_origin("good").await;
    // The fixture is valid until 2120; 40,000 days reaches past that from any date this century.
    let o = check("good.test", &origin, &["--warn-days", "40000"])
        .await
        .origin();
    assert_verdict(&o, "warn", Some("cert.expiring-soon"));
}

#[tokio::test(flavor = "multi_thread")]
async fn rsa_1024_is_ready_because_cloudfront_accepts_it() {
    // CloudFront accepts 1024-bit keys (fact 9); webpki's algorithms refuse them, so the
    // handshake signature is checked with ring's legacy 1024-bit algorithms, and must verify.
    // Served by openssl: rustls cannot load the key.
    let origin = openssl_origin("rsa1024", &["-tls1_2"]).await;
    let o = crate::support::run(&check_args_at("rsa1024.test", origin.addr))
        .await
        .origin();
    assert_verdict(&o, "ready", None);
    assert_eq!(o["addresses"][0]["chain"][0]["key_bits"], 1024);
    assert_eq!(o["addresses"][0]["hello"]["signature"], "valid", "{o:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn rsa_8192_would_502_key_too_large() {
    let origin = openssl_origin("rsa8192", &["-tls1_2"]).await;
    let o = crate::support::run(&check_args_at("rsa8192.test", origin.addr))
        .await
        .origin();
    assert_verdict(&o, "would-502", Some("cert.key-size"));
    assert!(
        finding(&o, "cert.key-size")["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("8192"),
        "{o:#}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn certificate_without_server_auth_usage_is_invalid() {
    expect(
        "no-server-auth",
        "no-server-auth.test",
        "would-502",
        Some("cert.invalid"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn chain_longer_than_the_analysis_limit_is_a_finding_not_an_allocation() {
    // The good chain followed by fifteen more copies of its intermediate: 17 certificates.
    let chain = String::from_utf8(crate::support::fixture("good.chain.pem")).expect("pem");
    let intermediate =
        String::from_utf8(crate::support::fixture("intermediate-ca.crt.pem")).expect("pem");
    let long = format!("{chain}{}", intermediate.repeat(15));
    let key = crate::support::fixture("good.key.pem");
    let spec = origin_probe::demo::servers::TlsSpec::new(long.as_bytes(), &key);
    let config = origin_probe::demo::servers::server_config(&spec).expect("config");
    let origin = origin_probe::demo::servers::start(
        origin_probe::demo::servers::Behaviour::Tls(config),
        crate::support::LOCALHOST,
    )
    .await
    .expect("start");
    let o = check("good.test", &origin, &[]).await.origin();
    assert_verdict(&o, "would-502", Some("cert.chain-too-long"));
}

#[tokio::test(flavor = "multi_thread")]
async fn at_a_date_past_expiry_the_good_chain_would_502() {
    let origin = tls_origin("good").await;
    let r = check("good.test", &origin, &["--at", "2120-06-01"]).await;
    assert_eq!(r.json()["judged_at"], "2120-06-01T00:00:00Z");
    let o = r.origin();
    assert_verdict(&o, "would-502", Some("cert.expired"));
    assert!(
        o["addresses"][0]["chain"][0]["days_left"]
            .as_i64()
            .expect("days")
            < 0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn within_crit_days_of_expiry_a_scheduled_run_fails() {
    let origin = tls_origin("good").await;
    let o = check(
        "good.test",
        &origin,
        &["--at", "2119-12-25", "--crit-days", "14"],
    )
    .await
    .origin();
    assert_verdict(&o, "would-502", Some("cert.expiring-critical"));
    let o = check("good.test", &origin, &["--at", "2119-12-25"])
        .await
        .origin();
    assert_verdict(&o, "warn", Some("cert.expiring-soon"));
}
