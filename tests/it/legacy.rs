//! Legacy TLS, judged from CloudFront's exact hello: real `openssl s_server` origins for what
//! rustls cannot serve (TLS 1.0/1.1, RSA key exchange, CBC, DHE), and canned-bytes peers for
//! what no server here can play (SSLv3, SSLv2, a HelloRetryRequest, fragmented records,
//! garbage).
//!
//! Every scenario runs under both `--origin-ssl-protocols TLSv1.2` (the default) and
//! `TLSv1,TLSv1.1,TLSv1.2`, and checks the verdict, the exact set of rules, that the reason and
//! fix name the concrete version or suite, and the `hello` / `versions` / negotiated fields.
//! A canned peer sends the same bytes to every connection, version-scan hellos included
//! (`Behaviour::Canned` writes as soon as a connection arrives, then closes).

use origin_probe::demo::servers::Behaviour;
use serde_json::Value;

use crate::support::legacy::{
    AES128_SHA, DES_CBC3_SHA, RC4_MD5, SSL3, TLS10, TLS12, alert, certificate, chain_ders,
    handshake_records, hello_retry_request, openssl_has_cipher, openssl_present, openssl_server,
    rsa_flight, server_hello, server_hello_done, skip_note, sslv2_server_hello,
};
use crate::support::{check_args_at, other_origin, rules, run};

/// The default `OriginSslProtocols`.
const MODERN: &str = "TLSv1.2";
/// What a distribution allowing TLS 1.0 and 1.1 has.
const LEGACY: &str = "TLSv1,TLSv1.1,TLSv1.2";

/// What one run must show. Strings in `reason` / `fix` must all appear in the finding of
/// `rule` (the one that decides the verdict).
#[derive(Debug, Clone, Copy)]
struct Expect<'a> {
    verdict: &'a str,
    /// Every rule id of the report, in any order; empty for a clean ready.
    rules: &'a [&'a str],
    rule: Option<&'a str>,
    reason: &'a [&'a str],
    fix: &'a [&'a str],
    /// `tls_version` and `cipher_suite` (None: both null).
    negotiated: Option<(&'a str, &'a str)>,
}

/// Probes `name` at `addr` with `--origin-ssl-protocols protocols`; checks the protocols are
/// echoed in the report and returns the origin object.
async fn probe(name: &str, addr: std::net::SocketAddr, protocols: &str) -> Value {
    let mut args = check_args_at(name, addr);
    args.extend(["--origin-ssl-protocols".to_string(), protocols.to_string()]);
    let o = run(&args).await.origin();
    let echoed: Vec<&str> = o["origin_ssl_protocols"]
        .as_array()
        .expect("origin_ssl_protocols")
        .iter()
        .map(|p| p.as_str().unwrap_or_default())
        .collect();
    assert_eq!(echoed.join(","), protocols, "{o:#}");
    assert_eq!(o["addresses"].as_array().map(Vec::len), Some(1), "{o:#}");
    o
}

/// Probes under [`MODERN`] and [`LEGACY`] at once.
async fn probe_both(name: &str, addr: std::net::SocketAddr) -> (Value, Value) {
    tokio::join!(probe(name, addr, MODERN), probe(name, addr, LEGACY))
}

fn address(o: &Value) -> &Value {
    &o["addresses"][0]
}

/// The answer to CloudFront's hello.
fn hello(o: &Value) -> &Value {
    &address(o)["hello"]
}

/// The version-scan entry for `version`.
fn scan<'a>(o: &'a Value, version: &str) -> &'a Value {
    &address(o)["versions"][version]
}

fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field].as_str().unwrap_or_default()
}

/// Checks `o` against `e`; `context` names the run in failure messages.
fn check_expect(o: &Value, e: &Expect<'_>, context: &str) {
    assert_eq!(o["verdict"], e.verdict, "{context}: verdict\n{o:#}");
    let mut got = rules(o);
    got.sort();
    let mut want: Vec<String> = e.rules.iter().map(|r| r.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "{context}: rules\n{o:#}");
    if let Some(rule) = e.rule {
        let f = crate::support::finding(o, rule);
        for part in e.reason {
            assert!(
                text(&f, "reason").contains(part),
                "{context}: the reason of {rule} does not name {part:?}: {f:#}"
            );
        }
        for part in e.fix {
            assert!(
                text(&f, "fix").contains(part),
                "{context}: the fix of {rule} does not name {part:?}: {f:#}"
            );
        }
    }
    let a = address(o);
    match e.negotiated {
        Some((version, suite)) => {
            assert_eq!(a["tls_version"], version, "{context}: tls_version\n{o:#}");
            assert_eq!(a["cipher_suite"], suite, "{context}: cipher_suite\n{o:#}");
        }
        None => {
            assert!(a["tls_version"].is_null(), "{context}: tls_version\n{o:#}");
            assert!(
                a["cipher_suite"].is_null(),
                "{context}: cipher_suite\n{o:#}"
            );
        }
    }
}

/// Checks the support of each listed version (same under both protocol settings, since the
/// scan offers every suite of one version whatever CloudFront's hello offered), and, for a
/// supported one with `Some(suite)`, the suite it chose.
fn check_scan(o: &Value, want: &[(&str, &str, Option<&str>)], context: &str) {
    for (version, support, suite) in want {
        let v = scan(o, version);
        assert_eq!(v["support"], *support, "{context}: {version}\n{o:#}");
        if let Some(suite) = suite {
            assert_eq!(v["suite"], *suite, "{context}: {version} suite\n{o:#}");
        }
        if *support == "supported" {
            assert!(v["detail"].is_null(), "{context}: {version}\n{o:#}");
        } else {
            assert!(v["suite"].is_null(), "{context}: {version}\n{o:#}");
            assert!(!text(v, "detail").is_empty(), "{context}: {version}\n{o:#}");
        }
    }
}

/// A real openssl origin, or `None` (with a printed note) when openssl is missing outside CI.
async fn openssl(
    test: &str,
    fixture: &str,
    args: &[&str],
) -> Option<crate::support::OpensslOrigin> {
    if !openssl_present(test) {
        return None;
    }
    Some(openssl_server(fixture, args).await)
}

// ---------------------------------------------------------------------------------------------
// Real servers: openssl s_server with one version or one suite.
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Canned bytes: what no real server here plays.
// ---------------------------------------------------------------------------------------------

async fn canned(bytes: Vec<u8>) -> origin_probe::demo::servers::Origin {
    other_origin(Behaviour::Canned(bytes)).await
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

#[tokio::test(flavor = "multi_thread")]
async fn server_hello_in_one_byte_records_and_messages_sharing_records_is_read_whole() {
    let mut flight = handshake_records(
        TLS12,
        &server_hello(TLS12, [0x17; 32], AES128_SHA, &[(0xff01, &[0x00])]),
        1,
    );
    let mut rest = certificate(&chain_ders("rsa2048"));
    rest.extend(server_hello_done());
    // Records of 100 bytes: the Certificate spans many, the last also carries ServerHelloDone.
    flight.extend(handshake_records(TLS12, &rest, 100));
    let origin = canned(flight).await;
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
        assert_eq!(h["end"], "complete", "{context}: {o:#}");
        assert_eq!(h["certificates"], 2, "{context}: {o:#}");
        assert_eq!(address(o)["chain"][0]["subject"], "CN=rsa2048.test");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hello_retry_request_to_a_tls12_hello_is_an_illegal_answer() {
    let origin = canned(hello_retry_request()).await;
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.illegal-answer"],
                rule: Some("tls.illegal-answer"),
                reason: &["HelloRetryRequest"],
                fix: &[],
                negotiated: None,
            },
            context,
        );
        assert_eq!(hello(o)["version"], "TLSv1.3", "{context}: {o:#}");
        assert_eq!(
            hello(o)["suite"],
            "TLS_AES_128_GCM_SHA256",
            "{context}: {o:#}"
        );
        // A HelloRetryRequest means TLS 1.3 to a TLS 1.3 hello, nothing to an older one.
        check_scan(
            o,
            &[
                ("TLSv1.2", "inconclusive", None),
                ("TLSv1.3", "supported", None),
            ],
            context,
        );
        assert!(text(scan(o, "TLSv1.2"), "detail").contains("HelloRetryRequest"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn fatal_alert_in_an_sslv3_record_is_a_refusal_naming_the_alert() {
    let origin = canned(alert(SSL3, 2, 70)).await;
    let (modern, legacy) = probe_both("alert.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.handshake-refused"],
                rule: Some("tls.handshake-refused"),
                reason: &[
                    "alert protocol_version (70)",
                    "refused a hello for every version",
                ],
                fix: &[],
                negotiated: None,
            },
            context,
        );
        assert_eq!(
            crate::support::finding(o, "tls.handshake-refused")["confidence"],
            "inferred"
        );
        assert_eq!(hello(o)["end"], "alert", "{context}: {o:#}");
        let all: Vec<(&str, &str, Option<&str>)> =
            ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
                .into_iter()
                .map(|v| (v, "not-supported", None))
                .collect();
        check_scan(o, &all, context);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn http_answer_is_not_tls_and_shows_the_answer() {
    let origin = canned(b"HTTP/1.0 200 OK\r\nServer: legacy-box\r\n\r\nhello".to_vec()).await;
    let (modern, legacy) = probe_both("plain.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.not-tls"],
                rule: Some("tls.not-tls"),
                reason: &["HTTP/1.0 200 OK"],
                fix: &["HTTPS port"],
                negotiated: None,
            },
            context,
        );
        assert_eq!(hello(o)["end"], "not-tls", "{context}: {o:#}");
        assert!(text(hello(o), "detail").contains("HTTP/1.0 200 OK"));
        // A non-TLS answer would only repeat: no version scan.
        assert_eq!(address(o)["versions"], serde_json::json!({}), "{o:#}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_garbage_is_not_tls_and_shows_the_bytes_escaped() {
    let origin = canned([0xde, 0xad, 0xbe, 0xef].repeat(16)).await;
    let (modern, legacy) = probe_both("garbage.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.not-tls"],
                rule: Some("tls.not-tls"),
                reason: &["\\xde\\xad\\xbe\\xef"],
                fix: &[],
                negotiated: None,
            },
            context,
        );
        assert_eq!(hello(o)["end"], "not-tls", "{context}: {o:#}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_shaped_garbage_is_malformed() {
    // A handshake record holding a ServerHello whose body is empty.
    let origin = canned(vec![0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00]).await;
    let (modern, legacy) = probe_both("malformed.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.malformed"],
                rule: Some("tls.malformed"),
                reason: &["not valid TLS", "ServerHello"],
                fix: &[],
                negotiated: None,
            },
            context,
        );
        assert_eq!(hello(o)["end"], "malformed", "{context}: {o:#}");
        assert!(hello(o)["version"].is_null(), "{context}: {o:#}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sslv2_server_hello_is_sslv2() {
    let leaf = chain_ders("rsa2048").remove(0);
    let origin = canned(sslv2_server_hello(&leaf)).await;
    let (modern, legacy) = probe_both("rsa2048.test", origin.addr).await;
    for (o, context) in [(&modern, "TLSv1.2"), (&legacy, "TLSv1-1.2")] {
        check_expect(
            o,
            &Expect {
                verdict: "would-502",
                rules: &["tls.sslv2"],
                rule: Some("tls.sslv2"),
                reason: &["SSLv2"],
                fix: &["enable TLS 1.2"],
                negotiated: None,
            },
            context,
        );
        assert_eq!(hello(o)["end"], "sslv2", "{context}: {o:#}");
        assert_eq!(address(o)["versions"], serde_json::json!({}), "{o:#}");
    }
}
