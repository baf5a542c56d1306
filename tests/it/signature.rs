//! `tls.signature-invalid`: the ServerKeyExchange signature of the answer to CloudFront's own
//! hello, checked with the leaf's key, for ECDSA and RSA at TLS 1.2 and TLS 1.0.
//!
//! TLS 1.2: real rustls origins that sign with a key that is not their certificate's (a
//! resolver serves the mismatched pair rustls would otherwise refuse). TLS 1.0: a real
//! `openssl s_server` (rustls has no TLS 1.0, and s_server refuses a key that does not match
//! its certificate) behind a loopback relay that flips the last byte of the ServerKeyExchange,
//! next to the same server reached directly, which must be ready. No rustls completion
//! handshake is involved any more: the check is made from the raw hello's record. Canned
//! flights cover what no real server sends: no ServerKeyExchange, a scheme CloudFront did not
//! offer, an explicit curve.

use origin_probe::demo::servers::Versions;
use serde_json::Value;

use crate::support::hostile::{
    FAST, SUITE_GCM, answer, certificate, check_many, fixture_chain, flight, handshake, peer,
    server_hello, server_hello_done,
};
use crate::support::legacy::openssl_present;
use crate::support::relay::corrupting_key_exchange;
use crate::support::{
    LOCALHOST, assert_verdict, check, check_args_at, finding, openssl_origin, rules, run,
    tls_origin_on,
};

/// A P-256 key that is not `good.test`'s.
const OTHER_P256_KEY: &[u8] = include_bytes!("../../certs/wrong-host.key.pem");
/// A 2048-bit RSA key that is not `rsa2048.test`'s.
const OTHER_RSA_KEY: &[u8] = include_bytes!("../../certs/legacy.key.pem");

fn hello(o: &Value) -> &Value {
    &o["addresses"][0]["hello"]
}

/// The report must blame the signature, besides the findings `others` the origin has anyway.
fn assert_signature_invalid(o: &Value, version: &str, others: &[&str], context: &str) {
    assert_verdict(o, "would-502", Some("tls.signature-invalid"));
    let mut want: Vec<&str> = others.to_vec();
    want.push("tls.signature-invalid");
    want.sort_unstable();
    let mut got = rules(o);
    got.sort();
    assert_eq!(got, want, "{context}: {o:#}");
    let f = finding(o, "tls.signature-invalid");
    assert_eq!(f["confidence"], "inferred", "{context}");
    assert_eq!(f["fact"], 8, "{context}");
    assert!(
        f["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("does not verify"),
        "{context}: {f:#}"
    );
    assert_eq!(hello(o)["signature"], "invalid", "{context}: {o:#}");
    assert_eq!(hello(o)["version"], version, "{context}: {o:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tls12_key_that_is_not_the_certificates_would_502_for_ecdsa_and_rsa() {
    for (name, key, kx) in [
        ("good", OTHER_P256_KEY, "ECDHE_ECDSA"),
        ("rsa2048", OTHER_RSA_KEY, "ECDHE_RSA"),
    ] {
        let origin = tls_origin_on(name, LOCALHOST, |spec| {
            spec.versions = Versions::Tls12;
            spec.danger_mismatched_key = Some(key);
        })
        .await;
        let o = check(&format!("{name}.test"), &origin, &[]).await.origin();
        assert_signature_invalid(&o, "TLSv1.2", &[], name);
        assert!(
            o["addresses"][0]["cipher_suite"]
                .as_str()
                .unwrap_or_default()
                .contains(kx),
            "{name}: {o:#}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tls12_matching_keys_verify() {
    for name in ["good", "rsa2048", "p384"] {
        let origin = tls_origin_on(name, LOCALHOST, |spec| spec.versions = Versions::Tls12).await;
        let o = check(&format!("{name}.test"), &origin, &[]).await.origin();
        assert_eq!(hello(&o)["signature"], "valid", "{name}: {o:#}");
        assert!(
            !rules(&o).iter().any(|r| r.starts_with("tls.signature")),
            "{name}: {o:#}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tls10_corrupted_signature_would_502_for_ecdsa_and_rsa_and_the_real_one_verifies() {
    if !openssl_present("tls10_corrupted_signature") {
        return;
    }
    // ECDHE-ECDSA and ECDHE-RSA with AES-CBC: on CloudFront's list at TLS 1.0 (fact 5).
    // P-384 keys warn anyway (cert.key-type: the sources conflict).
    for (name, cipher, others) in [
        (
            "good",
            "ECDHE-ECDSA-AES128-SHA",
            &["tls.legacy-version"][..],
        ),
        (
            "p384",
            "ECDHE-ECDSA-AES256-SHA",
            &["cert.key-type", "tls.legacy-version"][..],
        ),
        (
            "rsa2048",
            "ECDHE-RSA-AES128-SHA",
            &["tls.legacy-version"][..],
        ),
    ] {
        let origin = openssl_origin(
            name,
            &["-tls1", "-cipher", &format!("{cipher}:@SECLEVEL=0")],
        )
        .await;
        let relay = corrupting_key_exchange(origin.addr).await;
        let probe = |addr| {
            let mut args = check_args_at(&format!("{name}.test"), addr);
            args.extend(["--origin-ssl-protocols".to_string(), "TLSv1".to_string()]);
            args
        };
        let (direct_args, relayed_args) = (probe(origin.addr), probe(relay.addr));
        let (direct, relayed) = tokio::join!(run(&direct_args), run(&relayed_args));
        let (direct, relayed) = (direct.origin(), relayed.origin());
        // The real signature: SHA-1 for ECDSA, MD5 || SHA-1 for RSA, both checked.
        assert_eq!(hello(&direct)["version"], "TLSv1", "{name}: {direct:#}");
        assert_eq!(hello(&direct)["signature"], "valid", "{name}: {direct:#}");
        assert_eq!(direct["verdict"], "warn", "{name}: {direct:#}");
        let mut direct_rules = rules(&direct);
        direct_rules.sort();
        assert_eq!(direct_rules, others, "{name}: {direct:#}");
        assert!(relay.flipped() >= 1, "{name}: the relay corrupted nothing");
        assert_signature_invalid(&relayed, "TLSv1", others, name);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn key_exchanges_cloudfront_would_abort_on_are_named() {
    let chain = fixture_chain("good");
    let with = |key_exchange: Option<Vec<u8>>| {
        let mut messages = vec![server_hello(SUITE_GCM), certificate(&chain)];
        messages.extend(key_exchange);
        messages.push(server_hello_done());
        answer(flight(&messages))
    };
    // x25519, a 32-byte point, then rsa_pss_rsae_sha256 and a 4-byte signature.
    let mut pss = vec![0x03, 0x00, 0x1d, 0x20];
    pss.extend([0x09; 32]);
    pss.extend([0x08, 0x04, 0x00, 0x04, 1, 2, 3, 4]);
    // curve_type explicit_prime (1): parameters no TLS stack in use sends.
    let explicit = vec![0x01, 0x00, 0x00, 0x00];
    let missing = peer(with(None)).await;
    let pss = peer(with(Some(handshake(12, &pss)))).await;
    let explicit = peer(with(Some(handshake(12, &explicit)))).await;
    let targets = [
        ("missing.test".to_string(), missing.addr),
        ("pss.test".to_string(), pss.addr),
        ("explicit.test".to_string(), explicit.addr),
    ];
    let json = run(&check_many(&targets, FAST)).await.json();
    let origin = |name: &str| {
        json["origins"]
            .as_array()
            .and_then(|all| all.iter().find(|o| o["origin"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("no report for {name}: {json:#}"))
    };
    for (name, rule, words) in [
        (
            "missing.test",
            "tls.handshake-incomplete",
            "without the ServerKeyExchange",
        ),
        ("pss.test", "tls.illegal-answer", "rsa_pss_rsae_sha256"),
        ("explicit.test", "tls.malformed", "explicit curve"),
    ] {
        let o = origin(name);
        assert_verdict(&o, "would-502", Some(rule));
        let reason = finding(&o, rule)["reason"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(reason.contains(words), "{name}: {reason}");
        assert!(
            !rules(&o).iter().any(|r| r == "tls.signature-invalid"),
            "{name}: {o:#}"
        );
    }
}
