use std::time::Duration;

use super::*;
use crate::record::{ConnectOutcome, HelloAnswer};

const ECDHE_RSA_AES128_GCM: u16 = 0xc02f;
const AES128_SHA: u16 = 0x002f;
const DES_CBC3_SHA: u16 = 0x000a;
const DHE_RSA_AES128_GCM: u16 = 0x009e;
const ECDHE_RSA_CHACHA20: u16 = 0xcca8;
const TLS13_AES128_GCM: u16 = 0x1301;

fn answer(version: TlsVersion, suite: u16) -> HelloAnswer {
    HelloAnswer {
        version_code: crate::tls::codes::version_code(version),
        version: Some(version),
        suite,
        hello_retry: false,
        chain: Some(vec![]),
        curve: None,
        key_exchange: None,
        client_cert_requested: false,
    }
}

fn complete(a: HelloAnswer) -> HelloRecord {
    HelloRecord {
        server_hello: Some(a),
        end: HelloEnd::Complete,
    }
}

fn alert(description: u8) -> HelloRecord {
    HelloRecord {
        server_hello: None,
        end: HelloEnd::Alert {
            level: 2,
            description,
        },
    }
}

fn closed() -> HelloRecord {
    HelloRecord {
        server_hello: None,
        end: HelloEnd::Closed,
    }
}

fn probe(version: TlsVersion, hello: HelloRecord) -> VersionProbe {
    VersionProbe {
        version,
        connect: Some(ConnectOutcome::Connected {
            after: Duration::from_millis(1),
        }),
        hello: Some(hello),
        answered_by: crate::record::AnsweredBy::Own,
    }
}

/// A scan where `supported` versions answer with their suite and every other one alerts.
fn scan(supported: &[(TlsVersion, u16)]) -> Vec<VersionProbe> {
    [
        TlsVersion::Ssl3,
        TlsVersion::Tls10,
        TlsVersion::Tls11,
        TlsVersion::Tls12,
        TlsVersion::Tls13,
    ]
    .into_iter()
    .map(|v| match supported.iter().find(|(s, _)| *s == v) {
        Some((_, suite)) => probe(v, complete(answer(v, *suite))),
        None => probe(v, alert(70)),
    })
    .collect()
}

fn judge(
    protocols: &[SslProtocol],
    hello: &HelloRecord,
    versions: &[VersionProbe],
) -> Vec<Finding> {
    let ctx = TlsRuleContext {
        mtls_certificate_arn: None,
        protocols,
        port: 443,
    };
    handshake(&ctx, hello, versions).0
}

const TLS12: &[SslProtocol] = &[SslProtocol::Tls12];
const TLS1_TO_12: &[SslProtocol] = &[SslProtocol::Tls1, SslProtocol::Tls11, SslProtocol::Tls12];

#[test]
fn rsa_key_exchange_cbc_is_ready() {
    let hello = complete(answer(TlsVersion::Tls12, AES128_SHA));
    let ctx = TlsRuleContext {
        mtls_certificate_arn: None,
        protocols: TLS12,
        port: 443,
    };
    let (findings, negotiation) = handshake(&ctx, &hello, &scan(&[]));
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(
        negotiation,
        Some(Negotiation {
            version: TlsVersion::Tls12,
            suite: AES128_SHA
        })
    );
}

#[test]
fn tls10_only_origin_fails_under_tls12_and_warns_under_tls1() {
    let versions = scan(&[(TlsVersion::Tls10, 0xc013)]);
    let f = judge(TLS12, &alert(70), &versions);
    assert_eq!(f[0].rule, "tls.no-common-version");
    assert_eq!(f[0].impact, Impact::Would502);
    assert_eq!(f[0].confidence, Confidence::Documented);
    assert!(f[0].reason.contains("only TLSv1 "), "{}", f[0].reason);
    assert!(
        f[0].fix.contains("--origin-ssl-protocols TLSv1,TLSv1.2"),
        "{}",
        f[0].fix
    );
    // A server answering an older version than allowed is the same finding.
    let f = judge(
        TLS12,
        &complete(answer(TlsVersion::Tls10, 0xc013)),
        &versions,
    );
    assert_eq!(f[0].rule, "tls.no-common-version");
    // Allowed: a legacy-version warning only.
    let f = judge(
        TLS1_TO_12,
        &complete(answer(TlsVersion::Tls10, 0xc013)),
        &versions,
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].rule, f[0].impact),
        ("tls.legacy-version", Impact::Warn)
    );
}

#[test]
fn tls13_only_is_told_apart_from_cipher_mismatch() {
    let f = judge(
        TLS12,
        &alert(70),
        &scan(&[(TlsVersion::Tls13, TLS13_AES128_GCM)]),
    );
    assert_eq!(f[0].rule, "tls.tls13-only");
    let f = judge(
        TLS12,
        &alert(40),
        &scan(&[
            (TlsVersion::Tls12, ECDHE_RSA_CHACHA20),
            (TlsVersion::Tls13, TLS13_AES128_GCM),
        ]),
    );
    assert_eq!(f[0].rule, "tls.no-shared-cipher");
    assert!(f[0].reason.contains("ChaCha20"), "{}", f[0].reason);
    assert!(
        f[0].reason.contains("handshake_failure (40)"),
        "{}",
        f[0].reason
    );
}

#[test]
fn dhe_only_names_dhe() {
    let f = judge(
        TLS12,
        &alert(40),
        &scan(&[(TlsVersion::Tls12, DHE_RSA_AES128_GCM)]),
    );
    assert_eq!(f[0].rule, "tls.no-shared-cipher");
    assert_eq!(f[0].confidence, Confidence::Documented);
    assert!(f[0].reason.contains("DHE key exchange"), "{}", f[0].reason);
}

#[test]
fn refused_with_a_cloudfront_suite_available_is_a_parameter_mismatch() {
    let f = judge(
        TLS12,
        &alert(40),
        &scan(&[(TlsVersion::Tls12, ECDHE_RSA_AES128_GCM)]),
    );
    assert_eq!(f[0].rule, "tls.no-shared-parameters");
}

#[test]
fn unexplained_refusal_confidence_follows_the_scan() {
    let f = judge(TLS12, &alert(112), &scan(&[]));
    assert_eq!(f[0].rule, "tls.handshake-refused");
    assert_eq!(f[0].confidence, Confidence::Inferred);
    assert!(
        f[0].reason.contains("unrecognized_name (112)"),
        "{}",
        f[0].reason
    );
    let inconclusive: Vec<VersionProbe> = [TlsVersion::Tls12, TlsVersion::Tls13]
        .into_iter()
        .map(|v| probe(v, closed()))
        .collect();
    let f = judge(TLS12, &closed(), &inconclusive);
    assert_eq!(f[0].rule, "tls.closed");
    assert_eq!(f[0].confidence, Confidence::Unverified);
}

#[test]
fn legacy_cipher_warns() {
    let f = judge(
        TLS12,
        &complete(answer(TlsVersion::Tls12, DES_CBC3_SHA)),
        &[],
    );
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].rule, f[0].impact),
        ("tls.legacy-cipher", Impact::Warn)
    );
    assert!(f[0].reason.contains("3DES"));
}

#[test]
fn legacy_cipher_names_the_weakness_of_its_cipher() {
    const RC4_MD5: u16 = 0x0004;
    let f = judge(TLS12, &complete(answer(TlsVersion::Tls12, RC4_MD5)), &[]);
    assert!(f[0].reason.contains("an RC4 suite"), "{}", f[0].reason);
    assert!(f[0].reason.contains("RFC 7465"), "{}", f[0].reason);
    assert!(!f[0].reason.contains("Sweet32"), "{}", f[0].reason);
    let f = judge(
        TLS12,
        &complete(answer(TlsVersion::Tls12, DES_CBC3_SHA)),
        &[],
    );
    assert!(f[0].reason.contains("a 3DES suite"), "{}", f[0].reason);
    assert!(f[0].reason.contains("Sweet32"), "{}", f[0].reason);
    assert!(!f[0].reason.contains("RFC 7465"), "{}", f[0].reason);
}

#[test]
fn a_tls12_origin_outside_the_allowed_protocols_is_told_to_allow_tls12() {
    // The origin already speaks TLS 1.2; enabling it there is no fix.
    let versions = scan(&[(TlsVersion::Tls12, ECDHE_RSA_AES128_GCM)]);
    for (protocols, list) in [
        (&[SslProtocol::Tls1][..], "TLSv1,TLSv1.2"),
        (&[SslProtocol::Ssl3][..], "SSLv3,TLSv1.2"),
    ] {
        let f = judge(protocols, &alert(70), &versions);
        assert_eq!(f[0].rule, "tls.no-common-version");
        assert!(
            f[0].fix
                .contains("add TLSv1.2 to the origin's OriginSslProtocols")
                && f[0].fix.contains(&format!("--origin-ssl-protocols {list}"))
                && !f[0].fix.contains("enable TLSv1.2 on the origin"),
            "{}",
            f[0].fix
        );
    }
    // An origin without TLS 1.2 is still told to enable it first.
    let f = judge(TLS12, &alert(70), &scan(&[(TlsVersion::Tls10, 0xc013)]));
    assert!(
        f[0].fix.starts_with("enable TLSv1.2 on the origin (best)"),
        "{}",
        f[0].fix
    );
}

#[test]
fn a_version_in_a_gap_of_the_allowed_protocols_is_no_common_version() {
    // TLSv1,TLSv1.2 offered (client_version 1.2); the origin legally answers TLS 1.1.
    let versions = scan(&[(TlsVersion::Tls11, 0xc013)]);
    let f = judge(
        &[SslProtocol::Tls1, SslProtocol::Tls12],
        &complete(answer(TlsVersion::Tls11, 0xc013)),
        &versions,
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule, "tls.no-common-version");
    assert!(f[0].reason.contains("only TLSv1.1 "), "{}", f[0].reason);
    assert!(
        f[0].fix
            .contains("--origin-ssl-protocols TLSv1,TLSv1.1,TLSv1.2"),
        "{}",
        f[0].fix
    );
    // Above the highest version offered stays illegal.
    let f = judge(
        &[SslProtocol::Tls1],
        &complete(answer(TlsVersion::Tls12, 0xc013)),
        &versions,
    );
    assert_eq!(f[0].rule, "tls.illegal-answer");
}

#[test]
fn answers_outside_the_offer_are_illegal() {
    // A suite CloudFront does not offer.
    let f = judge(
        TLS12,
        &complete(answer(TlsVersion::Tls12, ECDHE_RSA_CHACHA20)),
        &[],
    );
    assert_eq!(f[0].rule, "tls.illegal-answer");
    // TLS 1.3 to a TLS 1.2 hello.
    let f = judge(
        TLS12,
        &complete(answer(TlsVersion::Tls13, TLS13_AES128_GCM)),
        &[],
    );
    assert_eq!(f[0].rule, "tls.illegal-answer");
    // A HelloRetryRequest.
    let mut hrr = answer(TlsVersion::Tls13, TLS13_AES128_GCM);
    hrr.hello_retry = true;
    let f = judge(TLS12, &complete(hrr), &[]);
    assert_eq!(f[0].rule, "tls.illegal-answer");
}

#[test]
fn curve_client_certificate_and_incomplete_handshakes() {
    let mut a = answer(TlsVersion::Tls12, ECDHE_RSA_AES128_GCM);
    a.curve = Some(0x0019);
    a.client_cert_requested = true;
    let rules: Vec<&str> = judge(TLS12, &complete(a), &[])
        .iter()
        .map(|f| f.rule)
        .collect();
    assert_eq!(
        rules,
        ["tls.curve-not-offered", "tls.client-certificate-requested"]
    );
    let cut = HelloRecord {
        server_hello: Some(answer(TlsVersion::Tls12, ECDHE_RSA_AES128_GCM)),
        end: HelloEnd::Alert {
            level: 2,
            description: 80,
        },
    };
    let f = judge(TLS12, &cut, &[]);
    assert_eq!(f[0].rule, "tls.handshake-incomplete");
    assert!(
        f[0].reason.contains("internal_error (80)"),
        "{}",
        f[0].reason
    );
}

#[test]
fn non_tls_answers() {
    let not_tls = HelloRecord {
        server_hello: None,
        end: HelloEnd::NotTls {
            first_bytes: b"HTTP/1.1 400 Bad Request\r\n\x1b[2J".to_vec(),
        },
    };
    let f = judge(TLS12, &not_tls, &[]);
    assert_eq!(f[0].rule, "tls.not-tls");
    assert!(
        f[0].reason
            .contains("HTTP/1.1 400 Bad Request\\x0d\\x0a\\x1b[2J"),
        "{}",
        f[0].reason
    );
    let silent = HelloRecord {
        server_hello: None,
        end: HelloEnd::TimedOut {
            after: Duration::from_secs(3),
        },
    };
    let f = judge(TLS12, &silent, &[]);
    assert_eq!((f[0].rule, f[0].impact), ("tls.timeout", Impact::Would504));
}

#[test]
fn support_is_never_guessed() {
    let lower = probe(
        TlsVersion::Tls12,
        complete(answer(TlsVersion::Tls10, 0xc013)),
    );
    assert!(matches!(support(&lower), Support::NotSupported { .. }));
    let mut hrr = answer(TlsVersion::Tls13, TLS13_AES128_GCM);
    hrr.hello_retry = true;
    assert!(matches!(
        support(&probe(TlsVersion::Tls13, complete(hrr))),
        Support::Supported { .. }
    ));
    assert!(matches!(
        support(&probe(TlsVersion::Tls11, closed())),
        Support::Inconclusive { .. }
    ));
    assert!(matches!(
        support(&probe(TlsVersion::Ssl3, alert(40))),
        Support::NotSupported { .. }
    ));
    let higher = probe(
        TlsVersion::Tls10,
        complete(answer(TlsVersion::Tls12, 0xc02f)),
    );
    assert!(matches!(support(&higher), Support::Inconclusive { .. }));
    let refused = VersionProbe {
        version: TlsVersion::Tls12,
        connect: Some(ConnectOutcome::Refused),
        hello: None,
        answered_by: crate::record::AnsweredBy::Own,
    };
    assert_eq!(
        support(&refused).kind(),
        crate::document::VersionSupport::Inconclusive
    );
}

#[test]
fn allowing_an_old_version_is_not_suggested_when_its_suite_would_fail_too() {
    // TLS 1.0 only, DHE only: adding TLSv1 to OriginSslProtocols would still fail on the suite.
    let dhe_sha = 0x0033; // DHE-RSA-AES128-SHA
    let f = judge(TLS12, &alert(70), &scan(&[(TlsVersion::Tls10, dhe_sha)]));
    assert_eq!(f[0].rule, "tls.no-common-version");
    assert!(f[0].fix.contains("would not help"), "{}", f[0].fix);
    assert!(!f[0].fix.contains("--origin-ssl-protocols"), "{}", f[0].fix);
    assert!(f[0].fix.contains("DHE"), "{}", f[0].fix);
}

#[test]
fn a_curve_cloudfront_lacks_is_named() {
    let mut versions = scan(&[(TlsVersion::Tls12, ECDHE_RSA_AES128_GCM)]);
    if let Some(a) = versions
        .iter_mut()
        .find(|v| v.version == TlsVersion::Tls12)
        .and_then(|v| v.hello.as_mut())
        .and_then(|h| h.server_hello.as_mut())
    {
        a.curve = Some(0x0019);
    }
    let f = judge(TLS12, &alert(40), &versions);
    assert_eq!(f[0].rule, "tls.no-shared-parameters");
    assert!(f[0].reason.contains("secp521r1"), "{}", f[0].reason);
}

#[test]
fn oversized_or_invalid_rest_after_a_server_hello_keeps_its_own_rule() {
    // A hostile origin answers with a valid ServerHello, then a 16 MiB Certificate or garbage:
    // the parser's limits and validity rules decide, as they do without a ServerHello.
    let after_hello = |end: HelloEnd| HelloRecord {
        server_hello: Some(answer(TlsVersion::Tls12, ECDHE_RSA_AES128_GCM)),
        end,
    };
    let big = after_hello(HelloEnd::TooLarge {
        message: "Certificate is 16777215, over the limit of 262144".into(),
    });
    let f = judge(TLS12, &big, &[]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].rule, f[0].impact),
        ("tls.too-large", Impact::Would502)
    );
    assert!(
        f[0].reason.contains("after a ServerHello choosing TLSv1.2")
            && f[0]
                .reason
                .contains("Certificate is 16777215, over the limit of 262144"),
        "{}",
        f[0].reason
    );
    let garbage = after_hello(HelloEnd::Malformed {
        message: "record of unknown content type 0x67".into(),
    });
    let f = judge(TLS12, &garbage, &[]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].rule, "tls.malformed");
    assert!(
        f[0].reason.contains("record of unknown content type 0x67"),
        "{}",
        f[0].reason
    );
    // Without a ServerHello the wording is unchanged.
    let f = judge(
        TLS12,
        &HelloRecord {
            server_hello: None,
            end: HelloEnd::TooLarge {
                message: "record is 70000, over the limit of 18432".into(),
            },
        },
        &[],
    );
    assert_eq!(f[0].rule, "tls.too-large");
    assert!(
        f[0].reason
            .starts_with("the origin's answer to CloudFront's hello is over this tool's limits"),
        "{}",
        f[0].reason
    );
}
