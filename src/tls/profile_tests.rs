//! Unit tests of `profile`.

use super::*;
use crate::tls::codes::signature_scheme_name;
use SslProtocol::*;

#[test]
fn parses_exactly_the_aws_spelling() {
    for p in SslProtocol::ALL {
        assert_eq!(SslProtocol::parse(p.as_str()), Ok(p));
        assert_eq!(p.to_string().parse::<SslProtocol>(), Ok(p));
    }
    for bad in ["TLSv1.0", "tlsv1.2", "TLSv1.3", " TLSv1", ""] {
        let err = SslProtocol::parse(bad).expect_err(bad);
        assert!(
            err.to_string()
                .contains("SSLv3, TLSv1, TLSv1.1 and TLSv1.2")
        );
    }
}

#[test]
fn tls12_hello_offers_all_of_fact_5() {
    let spec = cloudfront_hello(&[Tls12], Some("origin.example"));
    assert_eq!((spec.record_version, spec.client_version), (0x0301, 0x0303));
    assert_eq!(spec.cipher_suites, CLOUDFRONT_SUITES);
    assert_eq!(spec.cipher_suites.len(), 16);
    assert_eq!(spec.groups, [0x001d, 0x0017, 0x0018]);
    assert_eq!(spec.ec_point_formats, [0x00]);
    assert!(spec.renegotiation_info && spec.tls13.is_none());
    assert_eq!(spec.sni.as_deref(), Some("origin.example"));
    assert!(spec.signature_schemes.contains(&0x0301) && spec.signature_schemes.contains(&0x0203));
    assert!(
        spec.signature_schemes
            .iter()
            .all(|&s| !crate::tls::codes::is_rsa_pss(s))
    );
    assert!(
        spec.signature_schemes
            .iter()
            .all(|&s| signature_scheme_name(s).is_some())
    );
    assert!(spec.encode().is_ok());
}

#[test]
fn tls1_hello_drops_sha2_and_gcm_suites_and_signature_algorithms() {
    let spec = cloudfront_hello(&[Tls1, Tls11], None);
    assert_eq!(spec.client_version, 0x0302);
    assert_eq!(
        spec.cipher_suites,
        [
            0xc00a, 0xc009, 0xc014, 0xc013, 0x0035, 0x002f, 0x000a, 0x0004
        ]
    );
    assert!(spec.signature_schemes.is_empty());
    // A gap in the list still offers every suite of every allowed version.
    let spec = cloudfront_hello(&[Tls12, Tls1], None);
    assert_eq!(
        (spec.client_version, spec.cipher_suites.len()),
        (0x0303, 16)
    );
}

#[test]
fn sslv3_alone_sends_an_sslv3_hello() {
    let spec = cloudfront_hello(&[Ssl3], Some("origin.example"));
    assert_eq!((spec.record_version, spec.client_version), (0x0300, 0x0300));
    assert_eq!(spec.cipher_suites, [0x0035, 0x002f, 0x000a, 0x0004, 0x00ff]);
    assert!(spec.sni.is_none() && spec.groups.is_empty() && !spec.renegotiation_info);
    let bytes = spec.encode().expect("encodes");
    assert_eq!(bytes.len(), 5 + 4 + 2 + 32 + 1 + 2 + 10 + 2);
    // With a TLS version beside it, the hello is a TLS one.
    let spec = cloudfront_hello(&[Ssl3, Tls1], None);
    assert_eq!(spec.client_version, 0x0301);
    assert_eq!(
        allowed_versions(&[Tls1, Ssl3, Tls1]),
        [TlsVersion::Ssl3, TlsVersion::Tls10]
    );
}

#[test]
fn empty_list_is_treated_as_tls12() {
    assert_eq!(
        cloudfront_hello(&[], None),
        cloudfront_hello(&[Tls12], None)
    );
}

/// CloudFront's TLS 1.2 hello, pinned byte for byte (lengths worked out by hand).
#[test]
fn cloudfront_tls12_hello_bytes() {
    let mut spec = cloudfront_hello(&[Tls12], Some("localhost"));
    spec.random = [0x42; 32];
    let want = "16 0301 0090  01 00008c  0303".to_owned()
        + &"42".repeat(32)
        + "00  0020 c02c c024 c00a c02b c023 c009 c030 c028 c014 c02f c027 c013 0035 002f 000a 0004
           01 00  0043
           ff01 0001 00
           0000 000e 000c 00 0009 6c6f63616c686f7374
           000b 0002 01 00
           000a 0008 0006 001d 0017 0018
           000d 0016 0014 0401 0501 0601 0301 0403 0503 0603 0303 0201 0203";
    let want: Vec<u8> = want
        .split_whitespace()
        .flat_map(|group| {
            (0..group.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&group[i..i + 2], 16).expect("hex"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(spec.encode(), Ok(want));
}

#[test]
fn ip_literals_are_not_sent_as_sni() {
    assert_eq!(cloudfront_hello(&[Tls12], Some("192.0.2.7")).sni, None);
    assert_eq!(scan_hello(TlsVersion::Tls13, Some("2001:db8::1")).sni, None);
}

#[test]
fn scan_hellos_offer_only_what_is_valid_at_their_version() {
    for v in [
        TlsVersion::Ssl3,
        TlsVersion::Tls10,
        TlsVersion::Tls11,
        TlsVersion::Tls12,
        TlsVersion::Tls13,
    ] {
        let spec = scan_hello(v, Some("origin.example"));
        for &code in &spec.cipher_suites {
            let s = cipher_suite(code).expect("known");
            assert!(
                s.valid_at(v) || s.cipher == Cipher::Signal,
                "{} at {v:?}",
                s.iana
            );
        }
        assert!(spec.encode().is_ok(), "{v:?}");
        if v != TlsVersion::Ssl3 {
            assert!(
                !spec.groups.is_empty() && spec.ec_point_formats == [0x00],
                "{v:?}"
            );
        }
    }
    let tls10 = scan_hello(TlsVersion::Tls10, None);
    for code in [0x0039, 0x000a, 0x0005, 0xc013] {
        assert!(tls10.cipher_suites.contains(&code), "0x{code:04x}");
    }
    let tls13 = scan_hello(TlsVersion::Tls13, None);
    assert_eq!(tls13.client_version, 0x0303);
    assert_eq!(
        tls13.cipher_suites,
        [0x1301, 0x1302, 0x1303, 0x1304, 0x1305]
    );
    let offer = tls13.tls13.expect("TLS 1.3 offer");
    assert_eq!(
        (offer.supported_versions, offer.key_share.group),
        (vec![0x0304], 0x001d)
    );
    assert_eq!(offer.key_share.public.len(), 32);
    assert!(tls13.signature_schemes.contains(&0x0804));
}
