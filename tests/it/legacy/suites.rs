//! Which suite CloudFront's hello negotiates: RSA key exchange, CBC, 3DES and RC4 (ready or a
//! warning), and what CloudFront lacks (DHE, ChaCha20, curves) explained by the version scan.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn ecdhe_only_on_a_curve_cloudfront_lacks_is_no_shared_parameters_under_both() {
    let Some(origin) = openssl(
        "p521_only",
        "rsa2048",
        &[
            "-cipher",
            "ECDHE-RSA-AES128-SHA:@SECLEVEL=0",
            "-curves",
            "secp521r1",
            "-no_tls1_3",
        ],
    )
    .await
    else {
        return;
    };
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.no-shared-parameters"],
                rule: Some("tls.no-shared-parameters"),
                reason: &["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (ECDHE-RSA-AES128-SHA) at TLSv1.2"],
                fix: &["X25519, P-256 or P-384"],
                negotiated: None,
            },
            context,
        );
        assert_eq!(hello(o)["end"], "alert", "{context}: {o:#}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dhe_only_would_502_naming_the_dhe_suite_under_both() {
    let Some(origin) = openssl(
        "dhe_only",
        "rsa2048",
        &[
            "-cipher",
            "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
            "-no_tls1_3",
        ],
    )
    .await
    else {
        return;
    };
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.no-shared-cipher"],
                rule: Some("tls.no-shared-cipher"),
                reason: &[
                    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (DHE-RSA-AES128-GCM-SHA256)",
                    "DHE key exchange",
                    "at TLSv1.2",
                ],
                fix: &["ECDHE-RSA-AES128-GCM-SHA256"],
                negotiated: None,
            },
            context,
        );
        assert_eq!(hello(o)["end"], "alert", "{context}: {o:#}");
        assert_eq!(
            hello(o)["detail"],
            "alert handshake_failure (40)",
            "{context}: {o:#}"
        );
        // CloudFront's hello showed no chain; the scan's did.
        assert_eq!(address(o)["chain_source"], "version-scan", "{context}");
        check_scan(
            o,
            &[
                (
                    "TLSv1.2",
                    "supported",
                    Some("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
                ),
                ("TLSv1.3", "not-supported", None),
            ],
            context,
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dhe_only_at_tls10_is_no_common_version_then_no_shared_cipher() {
    // Two problems at once: the version (by default) hides the suite (once TLS 1.0 is allowed).
    let Some(origin) = openssl(
        "dhe_tls10",
        "rsa2048",
        &["-cipher", "DHE-RSA-AES128-SHA:@SECLEVEL=0", "-tls1"],
    )
    .await
    else {
        return;
    };
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    check_expect(
        &modern,
        &Expect {
            verdict: "would-502",
            rules: &["tls.no-common-version"],
            rule: Some("tls.no-common-version"),
            reason: &["the origin offers only TLSv1 and", "handshake_failure (40)"],
            fix: &["enable TLSv1.2 on the origin"],
            negotiated: None,
        },
        "DHE at TLS 1.0, TLSv1.2",
    );
    check_expect(
        &legacy,
        &Expect {
            verdict: "would-502",
            rules: &["tls.no-shared-cipher"],
            rule: Some("tls.no-shared-cipher"),
            reason: &[
                "at TLSv1,",
                "TLS_DHE_RSA_WITH_AES_128_CBC_SHA (DHE-RSA-AES128-SHA)",
                "DHE key exchange",
            ],
            fix: &[],
            negotiated: None,
        },
        "DHE at TLS 1.0, TLSv1-1.2",
    );
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_scan(
            o,
            &[
                (
                    "TLSv1",
                    "supported",
                    Some("TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
                ),
                ("TLSv1.2", "not-supported", None),
            ],
            context,
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn aes128_sha_only_is_ready_under_both() {
    // RSA key exchange with AES-CBC: on CloudFront's list, and nothing rustls can offer.
    let Some(origin) = openssl(
        "aes128_sha_only",
        "rsa2048",
        &["-cipher", "AES128-SHA:@SECLEVEL=0", "-no_tls1_3"],
    )
    .await
    else {
        return;
    };
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "ready",
                rules: &[],
                rule: None,
                reason: &[],
                fix: &[],
                negotiated: Some(("TLSv1.2", "TLS_RSA_WITH_AES_128_CBC_SHA")),
            },
            context,
        );
        let h = hello(o);
        assert_eq!(h["suite"], "TLS_RSA_WITH_AES_128_CBC_SHA", "{context}");
        assert!(h["curve"].is_null(), "RSA key exchange has no curve: {o:#}");
        assert_eq!(address(o)["chain_source"], "cloudfront", "{context}");
        check_scan(
            o,
            &[
                ("SSLv3", "not-supported", None),
                ("TLSv1", "supported", Some("TLS_RSA_WITH_AES_128_CBC_SHA")),
                ("TLSv1.1", "supported", Some("TLS_RSA_WITH_AES_128_CBC_SHA")),
                ("TLSv1.2", "supported", Some("TLS_RSA_WITH_AES_128_CBC_SHA")),
                ("TLSv1.3", "not-supported", None),
            ],
            context,
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ecdhe_rsa_aes128_sha_only_is_ready_under_both() {
    let Some(origin) = openssl(
        "ecdhe_rsa_aes128_sha_only",
        "rsa2048",
        &["-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0", "-no_tls1_3"],
    )
    .await
    else {
        return;
    };
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "ready",
                rules: &[],
                rule: None,
                reason: &[],
                fix: &[],
                negotiated: Some(("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")),
            },
            context,
        );
        assert_eq!(hello(o)["curve"], "x25519", "{context}: {o:#}");
        check_scan(
            o,
            &[
                (
                    "TLSv1",
                    "supported",
                    Some("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
                ),
                (
                    "TLSv1.2",
                    "supported",
                    Some("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
                ),
            ],
            context,
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn chacha20_only_would_502_naming_chacha20_under_both() {
    let Some(origin) = openssl(
        "chacha20_only",
        "rsa2048",
        &[
            "-cipher",
            "ECDHE-RSA-CHACHA20-POLY1305:@SECLEVEL=0",
            "-no_tls1_3",
        ],
    )
    .await
    else {
        return;
    };
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.no-shared-cipher"],
                rule: Some("tls.no-shared-cipher"),
                reason: &[
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                    "ChaCha20-Poly1305, which CloudFront does not offer",
                ],
                fix: &["ECDHE-RSA-AES128-GCM-SHA256"],
                negotiated: None,
            },
            context,
        );
        assert_eq!(hello(o)["end"], "alert", "{context}: {o:#}");
        check_scan(
            o,
            &[(
                "TLSv1.2",
                "supported",
                Some("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            )],
            context,
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_order_chain_over_tls10_and_a_cbc_suite_is_judged_as_sent() {
    // ECDHE-ECDSA-AES128-SHA at TLS 1.0: neither rustls nor a TLS 1.2-only client could read
    // this chain; CloudFront's hello does, in the order sent.
    let Some(origin) = openssl(
        "wrong_order_legacy",
        "wrong-order",
        &["-cipher", "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0", "-tls1"],
    )
    .await
    else {
        return;
    };
    let (modern, legacy) = probe_both("wrong-order.test", origin.addr).await;
    check_expect(
        &modern,
        &Expect {
            verdict: "would-502",
            rules: &["tls.no-common-version", "cert.chain-order"],
            rule: Some("tls.no-common-version"),
            reason: &["the origin offers only TLSv1 and"],
            fix: &["add TLSv1"],
            negotiated: None,
        },
        "wrong order, TLSv1.2",
    );
    check_expect(
        &legacy,
        &Expect {
            verdict: "would-502",
            rules: &["tls.legacy-version", "cert.chain-order"],
            rule: Some("cert.chain-order"),
            reason: &["Sub-Intermediate CA", "Test Intermediate CA"],
            fix: &[],
            negotiated: Some(("TLSv1", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")),
        },
        "wrong order, TLSv1-1.2",
    );
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        assert_eq!(hello(o)["version"], "TLSv1", "{context}: {o:#}");
        assert_eq!(hello(o)["certificates"], 3, "{context}: {o:#}");
        assert_eq!(address(o)["chain_source"], "cloudfront", "{context}");
        let chain = address(o)["chain"].as_array().expect("chain");
        let subjects: Vec<&str> = chain.iter().map(|c| text(c, "subject")).collect();
        assert_eq!(
            subjects,
            [
                "CN=wrong-order.test",
                "CN=origin-probe Test Intermediate CA",
                "CN=origin-probe Test Sub-Intermediate CA"
            ],
            "{context}: the chain is reported in the order sent"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn des_cbc3_sha_only_warns_legacy_cipher_under_both() {
    const TEST: &str = "des_cbc3_sha_only";
    if !openssl_present(TEST) {
        return;
    }
    if !openssl_has_cipher("DES-CBC3-SHA") {
        // The canned 3DES flight below covers the rule; this checks a real 3DES server too
        // where the openssl build still has one.
        skip_note(
            TEST,
            "this openssl build cannot serve DES-CBC3-SHA (3DES compiled out); \
             canned_3des_flight_warns_legacy_cipher_under_both covers tls.legacy-cipher",
        );
        return;
    }
    let origin = openssl_server(
        "rsa2048",
        &["-cipher", "DES-CBC3-SHA:@SECLEVEL=0", "-no_tls1_3"],
    )
    .await;
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "warn",
                rules: &["tls.legacy-cipher"],
                rule: Some("tls.legacy-cipher"),
                reason: &["TLS_RSA_WITH_3DES_EDE_CBC_SHA (DES-CBC3-SHA)", "3DES"],
                fix: &[],
                negotiated: Some(("TLSv1.2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA")),
            },
            context,
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn canned_3des_flight_warns_legacy_cipher_under_both() {
    let origin = canned(rsa_flight(TLS12, DES_CBC3_SHA, "rsa2048")).await;
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "warn",
                rules: &["tls.legacy-cipher"],
                rule: Some("tls.legacy-cipher"),
                reason: &["TLS_RSA_WITH_3DES_EDE_CBC_SHA (DES-CBC3-SHA)", "3DES"],
                fix: &["remove 3DES"],
                negotiated: Some(("TLSv1.2", "TLS_RSA_WITH_3DES_EDE_CBC_SHA")),
            },
            context,
        );
        let reason = text(&crate::support::finding(o, "tls.legacy-cipher"), "reason").to_string();
        assert!(
            reason.contains("Sweet32") && !reason.contains("RFC 7465"),
            "{reason}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn canned_tls10_rc4_flight_is_two_warnings_when_tls10_is_allowed() {
    let origin = canned(rsa_flight(TLS10, RC4_MD5, "rsa2048")).await;
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    check_expect(
        &modern,
        &Expect {
            verdict: "would-502",
            rules: &["tls.no-common-version"],
            rule: Some("tls.no-common-version"),
            reason: &["the origin offers only TLSv1 and"],
            fix: &["--origin-ssl-protocols TLSv1,TLSv1.2"],
            negotiated: None,
        },
        "TLS 1.0 RC4, TLSv1.2",
    );
    check_expect(
        &legacy,
        &Expect {
            verdict: "warn",
            rules: &["tls.legacy-version", "tls.legacy-cipher"],
            rule: Some("tls.legacy-cipher"),
            reason: &[
                "TLS_RSA_WITH_RC4_128_MD5 (RC4-MD5)",
                "an RC4 suite",
                "RFC 7465",
            ],
            fix: &[],
            negotiated: Some(("TLSv1", "TLS_RSA_WITH_RC4_128_MD5")),
        },
        "TLS 1.0 RC4, TLSv1-1.2",
    );
    // Sweet32 is the 3DES attack (64-bit blocks); RC4 is RFC 7465's.
    let reason = text(
        &crate::support::finding(&legacy, "tls.legacy-cipher"),
        "reason",
    )
    .to_string();
    assert!(!reason.contains("Sweet32"), "{reason}");
}
