//! Which version CloudFront's hello and the version scan negotiate: TLS 1.0, 1.1, 1.2 and 1.3
//! only servers, protocol settings with gaps, and a canned SSLv3 server.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn tls10_only_is_no_common_version_by_default_and_a_legacy_warning_when_allowed() {
    let Some(origin) = openssl(
        "tls10_only",
        "rsa2048",
        &["-cipher", "DEFAULT:@SECLEVEL=0", "-tls1"],
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
            reason: &["the origin offers only TLSv1 and", "allowed TLSv1.2"],
            fix: &[
                "add TLSv1 to the origin's OriginSslProtocols",
                "--origin-ssl-protocols TLSv1,TLSv1.2",
                "enable TLSv1.2 on the origin",
            ],
            negotiated: None,
        },
        "TLS 1.0 only, TLSv1.2",
    );
    check_expect(
        &legacy,
        &Expect {
            verdict: "warn",
            rules: &["tls.legacy-version"],
            rule: Some("tls.legacy-version"),
            reason: &["negotiate TLSv1 with this origin"],
            fix: &["enable TLS 1.2"],
            negotiated: Some(("TLSv1", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")),
        },
        "TLS 1.0 only, TLSv1-1.2",
    );
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        // CloudFront's hello (client_version 1.2) was answered with a TLS 1.0 ServerHello and the
        // whole cleartext flight: the chain is the one CloudFront receives, whatever the verdict.
        let h = hello(o);
        assert_eq!(h["end"], "complete", "{context}: {o:#}");
        assert_eq!(h["version"], "TLSv1", "{context}: {o:#}");
        assert_eq!(
            h["suite"], "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "{context}"
        );
        assert_eq!(h["certificates"], 2, "{context}");
        assert_eq!(address(o)["chain_source"], "cloudfront", "{context}");
        check_scan(
            o,
            &[
                ("SSLv3", "not-supported", None),
                ("TLSv1", "supported", None),
                ("TLSv1.1", "not-supported", None),
                ("TLSv1.2", "not-supported", None),
                ("TLSv1.3", "not-supported", None),
            ],
            context,
        );
        assert_eq!(
            text(scan(o, "TLSv1.2"), "detail"),
            "answered with TLSv1",
            "{o:#}"
        );
    }
    // Only where TLS 1.0 is allowed does CloudFront's own hello answer the scan's question.
    assert_ne!(scan(&modern, "TLSv1")["answered_by"], "cloudfront-hello");
    assert_eq!(scan(&legacy, "TLSv1")["answered_by"], "cloudfront-hello");
}

#[tokio::test(flavor = "multi_thread")]
async fn tls11_only_is_no_common_version_by_default_and_a_legacy_warning_when_allowed() {
    let Some(origin) = openssl(
        "tls11_only",
        "rsa2048",
        &["-cipher", "DEFAULT:@SECLEVEL=0", "-tls1_1"],
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
            reason: &["the origin offers only TLSv1.1 and"],
            fix: &[
                "add TLSv1.1 to the origin's OriginSslProtocols",
                "--origin-ssl-protocols TLSv1.1,TLSv1.2",
            ],
            negotiated: None,
        },
        "TLS 1.1 only, TLSv1.2",
    );
    check_expect(
        &legacy,
        &Expect {
            verdict: "warn",
            rules: &["tls.legacy-version"],
            rule: Some("tls.legacy-version"),
            reason: &["negotiate TLSv1.1 with this origin"],
            fix: &[],
            negotiated: Some(("TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")),
        },
        "TLS 1.1 only, TLSv1-1.2",
    );
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        assert_eq!(hello(o)["version"], "TLSv1.1", "{context}: {o:#}");
        assert_eq!(hello(o)["end"], "complete", "{context}: {o:#}");
        check_scan(
            o,
            &[
                ("SSLv3", "not-supported", None),
                ("TLSv1", "not-supported", None),
                (
                    "TLSv1.1",
                    "supported",
                    Some("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
                ),
                ("TLSv1.2", "not-supported", None),
                ("TLSv1.3", "not-supported", None),
            ],
            context,
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tls11_only_under_protocols_with_a_gap_is_no_common_version_not_an_illegal_answer() {
    // CloudFront's hello offers TLSv1 and TLSv1.2 (client_version 1.2); a TLS <= 1.2 server
    // may answer any version up to that, so a TLS 1.1 ServerHello is legal: CloudFront simply
    // does not allow 1.1. The fix is to allow it, not to "check the origin's TLS stack".
    let Some(origin) = openssl(
        "tls11_gap",
        "rsa2048",
        &["-cipher", "DEFAULT:@SECLEVEL=0", "-tls1_1"],
    )
    .await
    else {
        return;
    };
    let o = probe("rsa2048.test", origin.addr, "TLSv1,TLSv1.2").await;
    check_expect(
        &o,
        &Expect {
            verdict: "would-502",
            rules: &["tls.no-common-version"],
            rule: Some("tls.no-common-version"),
            reason: &[
                "the origin offers only TLSv1.1 and",
                "allowed TLSv1, TLSv1.2",
            ],
            fix: &["--origin-ssl-protocols TLSv1,TLSv1.1,TLSv1.2"],
            negotiated: None,
        },
        "TLS 1.1 only, TLSv1,TLSv1.2",
    );
    assert_eq!(hello(&o)["version"], "TLSv1.1", "{o:#}");
}

#[tokio::test(flavor = "multi_thread")]
async fn tls12_only_under_protocols_without_tls12_is_told_to_allow_tls12() {
    // The origin already speaks TLS 1.2: "enable TLSv1.2 on the origin" would be no fix.
    let Some(origin) = openssl(
        "tls12_not_allowed",
        "rsa2048",
        &["-cipher", "DEFAULT:@SECLEVEL=0", "-tls1_2"],
    )
    .await
    else {
        return;
    };
    let (tls1, ssl3) = tokio::join!(
        probe("rsa2048.test", origin.addr, "TLSv1"),
        probe("rsa2048.test", origin.addr, "SSLv3"),
    );
    for (o, protocols, suggested) in [
        (&tls1, "TLSv1", "--origin-ssl-protocols TLSv1,TLSv1.2"),
        (&ssl3, "SSLv3", "--origin-ssl-protocols SSLv3,TLSv1.2"),
    ] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.no-common-version"],
                rule: Some("tls.no-common-version"),
                reason: &["the origin offers only TLSv1.2 and refused CloudFront's hello"],
                fix: &["add TLSv1.2 to the origin's OriginSslProtocols", suggested],
                negotiated: None,
            },
            protocols,
        );
        let fix = text(&crate::support::finding(o, "tls.no-common-version"), "fix").to_string();
        assert!(
            !fix.contains("enable TLSv1.2 on the origin"),
            "{protocols}: {fix}"
        );
        assert_eq!(hello(o)["end"], "alert", "{protocols}: {o:#}");
        check_scan(o, &[("TLSv1.2", "supported", None)], protocols);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tls12_only_is_ready_under_both() {
    let Some(origin) = openssl(
        "tls12_only",
        "rsa2048",
        &["-cipher", "DEFAULT:@SECLEVEL=0", "-tls1_2"],
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
                negotiated: Some(("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")),
            },
            context,
        );
        assert_eq!(hello(o)["curve"], "x25519", "{context}: {o:#}");
        check_scan(
            o,
            &[
                ("SSLv3", "not-supported", None),
                ("TLSv1", "not-supported", None),
                ("TLSv1.1", "not-supported", None),
                ("TLSv1.2", "supported", None),
                ("TLSv1.3", "not-supported", None),
            ],
            context,
        );
        assert_eq!(
            scan(o, "TLSv1.2")["answered_by"],
            "cloudfront-hello",
            "{o:#}"
        );
    }
    // Offered 1.0 and 1.1 too, the origin still chose 1.2; CloudFront's hello says 1.1 and 1.0
    // are not asked about by it (older than what was chosen), so the scan asked them itself.
    assert_ne!(scan(&legacy, "TLSv1")["answered_by"], "cloudfront-hello");
}

#[tokio::test(flavor = "multi_thread")]
async fn tls13_only_is_tls13_only_under_both_and_its_chain_is_read_over_tls13() {
    let Some(origin) = openssl("tls13_only", "rsa2048", &["-tls1_3"]).await else {
        return;
    };
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.tls13-only"],
                rule: Some("tls.tls13-only"),
                reason: &["TLSv1.3 only", "protocol_version (70)"],
                fix: &["enable TLS 1.2"],
                negotiated: None,
            },
            context,
        );
        assert_eq!(hello(o)["end"], "alert", "{context}: {o:#}");
        assert!(hello(o)["version"].is_null(), "{context}: {o:#}");
        assert_eq!(address(o)["chain_source"], "tls13", "{context}: {o:#}");
        assert_eq!(address(o)["chain"].as_array().map(Vec::len), Some(2));
        check_scan(
            o,
            &[
                ("SSLv3", "not-supported", None),
                ("TLSv1", "not-supported", None),
                ("TLSv1.1", "not-supported", None),
                ("TLSv1.2", "not-supported", None),
                ("TLSv1.3", "supported", None),
            ],
            context,
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tls10_11_and_13_without_12_negotiates_tls11_when_allowed() {
    let Some(origin) = openssl(
        "no_tls12",
        "rsa2048",
        &["-cipher", "DEFAULT:@SECLEVEL=0", "-no_tls1_2"],
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
            reason: &["the origin offers only TLSv1, TLSv1.1, TLSv1.3 and"],
            // The newest version an OriginSslProtocols value can allow.
            fix: &["add TLSv1.1", "--origin-ssl-protocols TLSv1.1,TLSv1.2"],
            negotiated: None,
        },
        "no TLS 1.2, TLSv1.2",
    );
    check_expect(
        &legacy,
        &Expect {
            verdict: "warn",
            rules: &["tls.legacy-version"],
            rule: Some("tls.legacy-version"),
            reason: &["negotiate TLSv1.1 with this origin"],
            fix: &[],
            negotiated: Some(("TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")),
        },
        "no TLS 1.2, TLSv1-1.2",
    );
    let scanned = [
        ("SSLv3", "not-supported", None),
        ("TLSv1", "supported", None),
        ("TLSv1.1", "supported", None),
        ("TLSv1.2", "not-supported", None),
        ("TLSv1.3", "supported", None),
    ];
    check_scan(&modern, &scanned, "TLSv1.2");
    check_scan(&legacy, &scanned, "TLSv1-1.2");
    // Allowed 1.0-1.2, CloudFront's hello answered 1.1 (chosen) and 1.2 (passed over) itself.
    for (version, known) in [("TLSv1", false), ("TLSv1.1", true), ("TLSv1.2", true)] {
        assert_eq!(
            scan(&legacy, version)["answered_by"] == "cloudfront-hello",
            known,
            "{version}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sslv3_server_is_no_common_version_unless_sslv3_is_allowed() {
    let origin = canned(rsa_flight(SSL3, AES128_SHA, "rsa2048")).await;
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.no-common-version"],
                rule: Some("tls.no-common-version"),
                reason: &["the origin offers only SSLv3 and"],
                fix: &["enable TLSv1.2 on the origin"],
                negotiated: None,
            },
            context,
        );
        assert_eq!(hello(o)["version"], "SSLv3", "{context}: {o:#}");
        assert_eq!(hello(o)["certificates"], 2, "{context}: {o:#}");
        check_scan(
            o,
            &[
                ("SSLv3", "supported", Some("TLS_RSA_WITH_AES_128_CBC_SHA")),
                ("TLSv1", "not-supported", None),
                ("TLSv1.1", "not-supported", None),
                ("TLSv1.2", "not-supported", None),
                ("TLSv1.3", "not-supported", None),
            ],
            context,
        );
        assert_eq!(text(scan(o, "TLSv1"), "detail"), "answered with SSLv3");
    }
    // With SSLv3 allowed (CloudFront then sends an SSLv3 hello), the same answer works.
    let sslv3 = probe("rsa2048.test", origin.addr, "SSLv3").await;
    check_expect(
        &sslv3,
        &Expect {
            verdict: "warn",
            rules: &["tls.legacy-version"],
            rule: Some("tls.legacy-version"),
            reason: &["negotiate SSLv3 with this origin"],
            fix: &[],
            negotiated: Some(("SSLv3", "TLS_RSA_WITH_AES_128_CBC_SHA")),
        },
        "SSLv3 flight, SSLv3",
    );
    assert_eq!(address(&sslv3)["chain_source"], "cloudfront");
    assert_eq!(scan(&sslv3, "SSLv3")["answered_by"], "cloudfront-hello");
    assert_eq!(
        address(&sslv3)["chain"][0]["subject"],
        "CN=rsa2048.test",
        "{sslv3:#}"
    );
}
