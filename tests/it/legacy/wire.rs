//! Odd and malformed server flights CloudFront's hello can meet: handshake messages split
//! across one-byte records, a HelloRetryRequest, an SSLv3 alert, SSLv2, HTTP and garbage.

use super::*;

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
