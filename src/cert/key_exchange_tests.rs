//! Tests of the ServerKeyExchange signature check on real signatures: the flights `openssl
//! s_server` sent on loopback (`src/tls/testdata/`, client random `0x42` x 32), each checked
//! against the leaf it carried, then with one byte of the signature or the params changed.

use super::*;
use crate::tls::{ServerEvent, parse_flight};

const TLS12_ECDHE_RSA: &[u8] = include_bytes!("../tls/testdata/tls12_ecdhe_rsa.bin");
const TLS12_ECDSA: &[u8] = include_bytes!("../tls/testdata/tls12_ecdsa_certreq.bin");
const TLS11_ECDHE_RSA: &[u8] = include_bytes!("../tls/testdata/tls11_server_cf12.bin");

/// The leaf, the key exchange and the negotiated version of a captured flight.
fn captured(flight: &[u8]) -> (Vec<u8>, KeyExchange, TlsVersion, KeyExchangeRecord) {
    let mut leaf = None;
    let mut hello = None;
    let mut exchange = None;
    for event in parse_flight(flight).events {
        match event {
            ServerEvent::ServerHello(h) => hello = Some(h),
            ServerEvent::Certificate(chain) => leaf = chain.into_iter().next(),
            ServerEvent::ServerKeyExchange { kind, signed, .. } => exchange = Some((kind, signed)),
            _ => {}
        }
    }
    let hello = hello.expect("a ServerHello");
    let (kind, signed) = exchange.expect("a ServerKeyExchange");
    let version = crate::tls::codes::version_from_code(hello.version()).expect("a version");
    let record = KeyExchangeRecord {
        client_random: [0x42; 32],
        server_random: hello.random,
        signed: signed.expect("signed params"),
    };
    (leaf.expect("a leaf"), kind, version, record)
}

fn check(flight: &[u8], change: impl FnOnce(&mut KeyExchangeRecord)) -> KeyExchangeCheck {
    let (leaf, kind, version, mut record) = captured(flight);
    change(&mut record);
    check_key_exchange(&leaf, version, kind, &record)
}

fn flip_last(bytes: &mut [u8]) {
    if let Some(b) = bytes.last_mut() {
        *b ^= 0x01;
    }
}

#[test]
fn real_tls12_signatures_verify_and_changed_ones_do_not() {
    for flight in [TLS12_ECDHE_RSA, TLS12_ECDSA] {
        assert_eq!(check(flight, |_| {}), KeyExchangeCheck::Valid);
        for change in [
            |r: &mut KeyExchangeRecord| flip_last(&mut r.signed.signature),
            |r: &mut KeyExchangeRecord| flip_last(&mut r.signed.params),
            |r: &mut KeyExchangeRecord| r.client_random[0] ^= 1,
            |r: &mut KeyExchangeRecord| r.server_random[31] ^= 1,
        ] {
            let got = check(flight, change);
            assert!(
                matches!(&got, KeyExchangeCheck::Invalid { why } if why.contains("does not verify")),
                "{got:?}"
            );
        }
    }
}

#[test]
fn another_certificates_key_does_not_verify() {
    // The RSA flight's signature checked against another RSA certificate (1024-bit).
    let (_, kind, version, record) = captured(TLS12_ECDHE_RSA);
    let other = crate::cert::fixtures::chain("rsa1024")
        .into_iter()
        .next()
        .expect("leaf");
    let got = check_key_exchange(&other, version, kind, &record);
    assert!(matches!(got, KeyExchangeCheck::Invalid { .. }), "{got:?}");
    // An ECDSA certificate for an ECDHE_RSA suite cannot have signed it at all.
    let ecdsa = crate::cert::fixtures::chain("good")
        .into_iter()
        .next()
        .expect("leaf");
    let got = check_key_exchange(&ecdsa, version, kind, &record);
    assert!(
        matches!(&got, KeyExchangeCheck::Invalid { why } if why.contains("ECDHE_RSA")),
        "{got:?}"
    );
}

#[test]
fn tls11_rsa_over_md5_sha1_verifies_with_the_legacy_algorithm() {
    // TLS 1.1 ECDHE_RSA: PKCS#1 padding around MD5 || SHA-1, no DigestInfo (ring has none).
    assert_eq!(check(TLS11_ECDHE_RSA, |_| {}), KeyExchangeCheck::Valid);
    let got = check(TLS11_ECDHE_RSA, |r| flip_last(&mut r.signed.signature));
    assert!(matches!(got, KeyExchangeCheck::Invalid { .. }), "{got:?}");
    let got = check(TLS11_ECDHE_RSA, |r| r.server_random[0] ^= 1);
    assert!(matches!(got, KeyExchangeCheck::Invalid { .. }), "{got:?}");
    // The same real ECDSA signature (made over SHA-256) claimed as ecdsa_sha1 or SHA-512:
    // checked by the legacy path, and it does not verify.
    for scheme in [0x0203, 0x0603] {
        let got = check(TLS12_ECDSA, |r| r.signed.scheme = Some(scheme));
        assert!(
            matches!(&got, KeyExchangeCheck::Invalid { why } if why.contains("does not verify")),
            "0x{scheme:04x}: {got:?}"
        );
    }
}

#[test]
fn what_nothing_here_can_check_is_unverifiable_not_invalid() {
    // Schemes without an algorithm here: SHA-224, RSA-PSS, Ed448.
    for scheme in [0x0301, 0x0804, 0x0808] {
        let got = check(TLS12_ECDHE_RSA, |r| r.signed.scheme = Some(scheme));
        assert!(
            matches!(got, KeyExchangeCheck::Unverifiable { .. }),
            "0x{scheme:04x}: {got:?}"
        );
    }
    let got = check(TLS12_ECDSA, |r| r.signed.scheme = Some(0x0303));
    assert!(
        matches!(&got, KeyExchangeCheck::Unverifiable { why } if why.contains("SHA-224")),
        "{got:?}"
    );
    let got = check_key_exchange(
        b"not a certificate",
        TlsVersion::Tls12,
        KeyExchange::EcdheRsa,
        &captured(TLS12_ECDHE_RSA).3,
    );
    assert!(matches!(got, KeyExchangeCheck::Unverifiable { .. }));
}

#[test]
fn rsa_keys_are_checked_in_the_range_ring_takes() {
    assert!(matches!(rsa_pkcs1(Hash::Sha256, 1024), Method::Ring(_)));
    assert!(matches!(rsa_pkcs1(Hash::Sha1, 1024), Method::Ring(_)));
    assert!(matches!(rsa_pkcs1(Hash::Sha384, 2048), Method::Ring(_)));
    // ring has no SHA-384 for keys under 2048 bits, nothing under 1024 or over 8192.
    for (hash, bits) in [
        (Hash::Sha384, 1024),
        (Hash::Sha256, 512),
        (Hash::Sha256, 16384),
    ] {
        assert!(
            matches!(rsa_pkcs1(hash, bits), Method::Unverifiable(_)),
            "{hash:?} {bits}"
        );
    }
}

#[test]
fn an_rsa_scheme_from_an_ecdsa_key_is_a_mismatch() {
    let got = check(TLS12_ECDSA, |r| r.signed.scheme = Some(0x0401));
    assert!(
        matches!(&got, KeyExchangeCheck::Invalid { why } if why.contains("RSA signature")),
        "{got:?}"
    );
}
