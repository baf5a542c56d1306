//! Tests of the first-flight parser: flights captured from `openssl s_server` on loopback
//! (provenance in `testdata/README.md`), edge cases built by hand, and property tests that feed
//! arbitrary bytes in arbitrary chunks. Kept out of `server.rs` so that file stays readable.

use proptest::prelude::*;

use super::codes::{KeyExchange, SECP256R1, X25519};
use super::event::{Flight, ServerEvent, WireError};
use super::server::{
    FlightParser, MAX_EVENTS, MAX_FLIGHT_BYTES, MAX_HANDSHAKE_MESSAGE, MAX_RECORD_PAYLOAD,
    parse_flight,
};

const TLS12_ECDHE_RSA: &[u8] = include_bytes!("testdata/tls12_ecdhe_rsa.bin");
const TLS12_ECDSA_CERTREQ: &[u8] = include_bytes!("testdata/tls12_ecdsa_certreq.bin");
const TLS12_DHE_SCAN: &[u8] = include_bytes!("testdata/tls12_dhe_scan.bin");
const TLS12_DHE_ONLY_CF: &[u8] = include_bytes!("testdata/tls12_dhe_only_cf.bin");
const TLS11_SERVER_CF12: &[u8] = include_bytes!("testdata/tls11_server_cf12.bin");
const TLS10_RSA_AES128: &[u8] = include_bytes!("testdata/tls10_rsa_aes128.bin");
const TLS13_ECDSA: &[u8] = include_bytes!("testdata/tls13_ecdsa.bin");
const TLS13_HRR: &[u8] = include_bytes!("testdata/tls13_hrr.bin");
const TLS13_ONLY_CF: &[u8] = include_bytes!("testdata/tls13_only_cf.bin");
const HTTP_PYTHON: &[u8] = include_bytes!("testdata/http_python_no_status_line.bin");

const VECTORS: &[&[u8]] = &[
    TLS12_ECDHE_RSA,
    TLS12_ECDSA_CERTREQ,
    TLS12_DHE_SCAN,
    TLS12_DHE_ONLY_CF,
    TLS11_SERVER_CF12,
    TLS10_RSA_AES128,
    TLS13_ECDSA,
    TLS13_HRR,
    TLS13_ONLY_CF,
    HTTP_PYTHON,
];

/// Feeds `bytes` in chunks of the given sizes (cycled), stopping at the first error.
fn chunked(bytes: &[u8], sizes: &[usize]) -> Flight {
    let mut parser = FlightParser::new();
    let mut rest = bytes;
    let mut sizes = sizes.iter().cycle();
    let mut error = None;
    while !rest.is_empty() {
        let n = sizes.next().map_or(rest.len(), |&n| n.clamp(1, rest.len()));
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        if let Err(e) = parser.feed(chunk) {
            error = Some(e);
            break;
        }
    }
    let error = error.or_else(|| parser.finish().err());
    Flight {
        events: parser.take_events(),
        error,
    }
}

fn clean(bytes: &[u8]) -> Vec<ServerEvent> {
    let flight = parse_flight(bytes);
    assert_eq!(flight.error, None);
    flight.events
}

fn hello(event: &ServerEvent) -> &super::ServerHello {
    match event {
        ServerEvent::ServerHello(h) => h,
        other => panic!("expected a ServerHello, got {other:?}"),
    }
}

fn chain(event: &ServerEvent) -> &[Vec<u8>] {
    match event {
        ServerEvent::Certificate(c) => c,
        other => panic!("expected a Certificate, got {other:?}"),
    }
}

fn common_name(der: &[u8]) -> String {
    let (_, cert) = x509_parser::parse_x509_certificate(der).expect("DER certificate");
    let cn = cert.subject().iter_common_name().next().expect("CN");
    cn.as_str().expect("string").to_owned()
}

/// Rewrites a flight so that consecutive handshake records carry the same handshake bytes cut
/// into records of `size` bytes: several messages per record, messages across records.
fn refragment(flight: &[u8], size: usize) -> Vec<u8> {
    if !matches!(flight.first(), Some(0x14..=0x17)) {
        return flight.to_vec();
    }
    let mut out = Vec::new();
    let mut pending: Vec<u8> = Vec::new();
    let flush = |pending: &mut Vec<u8>, out: &mut Vec<u8>| {
        for piece in pending.chunks(size.max(1)) {
            out.extend([0x16, 0x03, 0x03]);
            out.extend((piece.len() as u16).to_be_bytes());
            out.extend(piece);
        }
        pending.clear();
    };
    let mut rest = flight;
    while rest.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        let end = (5 + len).min(rest.len());
        if rest[0] == 0x16 {
            pending.extend(&rest[5..end]);
        } else {
            flush(&mut pending, &mut out);
            out.extend(&rest[..end]);
        }
        rest = &rest[end..];
    }
    flush(&mut pending, &mut out);
    out.extend(rest);
    out
}

#[test]
fn tls12_ecdhe_rsa_flight() {
    let events = clean(TLS12_ECDHE_RSA);
    assert_eq!(events.len(), 4, "{events:?}");
    let sh = hello(&events[0]);
    assert_eq!(
        (sh.version(), sh.cipher_suite, sh.compression),
        (0x0303, 0xc030, 0)
    );
    assert_eq!(sh.extensions, [0xff01, 0x000b]);
    assert!(!sh.is_hello_retry_request && sh.selected_version.is_none());
    let certs = chain(&events[1]);
    assert_eq!(certs.len(), 2);
    assert_eq!(common_name(&certs[0]), "rsa2048.test");
    let ServerEvent::ServerKeyExchange {
        kind: KeyExchange::EcdheRsa,
        curve: Some(X25519),
        signed: Some(signed),
    } = &events[2]
    else {
        panic!("not an ECDHE-RSA key exchange on x25519: {:?}", events[2]);
    };
    // x25519: curve type, curve, a 32-byte point; a 2048-bit RSA signature of 256 bytes under
    // the scheme OpenSSL picks from CloudFront's list (rsa_pkcs1_sha256).
    assert_eq!(signed.params.len(), 4 + 32);
    assert_eq!((signed.scheme, signed.signature.len()), (Some(0x0401), 256));
    assert_eq!(events[3], ServerEvent::ServerHelloDone);
}

#[test]
fn older_versions_and_other_key_exchanges() {
    let tls10 = clean(TLS10_RSA_AES128);
    assert_eq!(
        (hello(&tls10[0]).version(), hello(&tls10[0]).cipher_suite),
        (0x0301, 0x002f)
    );
    assert_eq!(chain(&tls10[1]).len(), 2);
    assert_eq!(
        tls10[2],
        ServerEvent::ServerHelloDone,
        "static RSA: no ServerKeyExchange"
    );

    // A TLS 1.1-only server answers CloudFront's TLS 1.2 hello with 1.1.
    let tls11 = clean(TLS11_SERVER_CF12);
    assert_eq!(
        (hello(&tls11[0]).version(), hello(&tls11[0]).cipher_suite),
        (0x0302, 0xc014)
    );

    let dhe = clean(TLS12_DHE_SCAN);
    assert_eq!(hello(&dhe[0]).cipher_suite, 0x009e);
    assert_eq!(
        dhe[2],
        ServerEvent::ServerKeyExchange {
            kind: KeyExchange::DheRsa,
            curve: None,
            signed: None,
        }
    );

    let ecdsa = clean(TLS12_ECDSA_CERTREQ);
    assert_eq!(hello(&ecdsa[0]).cipher_suite, 0xc02c);
    assert_eq!(common_name(&chain(&ecdsa[1])[0]), "good.test");
    assert_eq!(ecdsa[3], ServerEvent::CertificateRequest);
    assert_eq!(ecdsa[4], ServerEvent::ServerHelloDone);
}

#[test]
fn tls13_stops_at_encryption_and_hrr() {
    let mut parser = FlightParser::new();
    parser.feed(TLS13_ECDSA).expect("valid");
    assert!(parser.is_done());
    let events = parser.take_events();
    assert_eq!(events.len(), 2);
    let sh = hello(&events[0]);
    assert_eq!(
        (sh.version(), sh.key_share_group, sh.cipher_suite),
        (0x0304, Some(X25519), 0x1301)
    );
    assert_eq!(events[1], ServerEvent::Encrypted);

    let hrr = clean(TLS13_HRR);
    assert_eq!(hrr.len(), 1, "the CCS after the HRR is not read");
    assert!(hello(&hrr[0]).is_hello_retry_request);
    assert_eq!(hello(&hrr[0]).key_share_group, Some(SECP256R1));
}

#[test]
fn alerts() {
    let alert = |level, description| ServerEvent::Alert { level, description };
    assert_eq!(clean(TLS12_DHE_ONLY_CF), [alert(2, 40)]);
    assert_eq!(clean(TLS13_ONLY_CF), [alert(2, 70)]);
    // A warning (unrecognized_name) does not end the flight; a fatal alert does.
    let mut bytes = vec![0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 112];
    bytes.extend(TLS10_RSA_AES128);
    let events = clean(&bytes);
    assert_eq!((events[0].clone(), events.len()), (alert(1, 112), 4));
    let fatal_then_more = [TLS12_DHE_ONLY_CF, TLS12_ECDHE_RSA].concat();
    assert_eq!(clean(&fatal_then_more), [alert(2, 40)]);
}

#[test]
fn answers_that_are_not_tls() {
    let http = b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n";
    let first_line = |line: &str| ServerEvent::NotTls {
        first_line: line.into(),
    };
    assert_eq!(clean(http), [first_line("HTTP/1.1 400 Bad Request")]);
    assert_eq!(clean(HTTP_PYTHON), [first_line("<!DOCTYPE HTML>")]);
    // A line cut by the end of the stream is reported as it is.
    assert_eq!(clean(b"SSH-2.0-Open"), [first_line("SSH-2.0-Open")]);
    assert_eq!(
        clean(&[0x80, 0x03, 0x00, 0x00, 0x01]),
        [ServerEvent::Sslv2 { message_type: 0 }]
    );
    assert_eq!(clean(b""), []);
}

#[test]
fn chunking_and_record_boundaries_do_not_change_events() {
    for vector in VECTORS {
        let whole = parse_flight(vector);
        assert_eq!(chunked(vector, &[1]), whole);
        assert_eq!(chunked(vector, &[3, 1, 7, 1000]), whole);
        for size in [1, 2, 5, 100, 1 << 14] {
            assert_eq!(
                parse_flight(&refragment(vector, size)),
                whole,
                "records of {size}"
            );
        }
    }
    // All messages of a flight in one record.
    let one = refragment(TLS12_ECDSA_CERTREQ, 1 << 14);
    assert_eq!(
        usize::from(u16::from_be_bytes([one[3], one[4]])) + 5,
        one.len()
    );
}

#[test]
fn oversize_lengths_fail_before_anything_is_buffered() {
    let mut parser = FlightParser::new();
    let err = parser
        .feed(&[0x16, 0x03, 0x03, 0xff, 0xff])
        .expect_err("too large");
    assert_eq!(
        err,
        WireError::TooLarge {
            what: "record",
            len: 0xffff,
            limit: MAX_RECORD_PAYLOAD
        }
    );
    assert_eq!(parser.feed(&[0; 10]), Err(err), "errors are final");

    // A Certificate claiming 16 MiB: refused on its 4-byte header.
    let mut parser = FlightParser::new();
    let err = parser.feed(&[0x16, 0x03, 0x03, 0x00, 0x04, 0x0b, 0xff, 0xff, 0xff]);
    assert!(matches!(
        err,
        Err(WireError::TooLarge {
            what: "Certificate",
            len: 0xff_ffff,
            ..
        })
    ));
    assert!(parser.buffered() < 64, "buffered {}", parser.buffered());
    let err = parse_flight(&[0x16, 0x03, 0x03, 0x00, 0x04, 0x0c, 0x01, 0x00, 0x01]).error;
    assert_eq!(
        err,
        Some(WireError::TooLarge {
            what: "ServerKeyExchange",
            len: MAX_HANDSHAKE_MESSAGE + 1,
            limit: MAX_HANDSHAKE_MESSAGE
        })
    );
}

#[test]
fn endless_flights_hit_their_limits() {
    let empty_record = [0x16, 0x03, 0x03, 0x00, 0x00];
    let flood: Vec<u8> = empty_record.repeat(MAX_FLIGHT_BYTES / 5 + 1);
    assert!(matches!(
        parse_flight(&flood).error,
        Some(WireError::TooLarge {
            what: "server flight",
            ..
        })
    ));
    let warning = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 112];
    let flight = parse_flight(&warning.repeat(MAX_EVENTS + 1));
    assert_eq!(flight.events.len(), MAX_EVENTS);
    assert!(matches!(
        flight.error,
        Some(WireError::TooLarge {
            what: "events in a flight (the last an alert)",
            ..
        })
    ));
    // HelloRequest (type 0, empty) again and again, one record each.
    let request = [0x16, 0x03, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00];
    assert_eq!(
        parse_flight(&request.repeat(MAX_EVENTS + 1)).error,
        Some(WireError::TooLarge {
            what: "events in a flight (the last a handshake message)",
            len: MAX_EVENTS + 1,
            limit: MAX_EVENTS
        })
    );
}

#[test]
fn a_deadline_turns_text_without_a_line_end_into_not_tls() {
    let at_deadline = |bytes: &[u8]| {
        let mut parser = FlightParser::new();
        parser.feed(bytes).expect("no error yet");
        assert!(!parser.is_done(), "decided before the deadline: {bytes:?}");
        parser.deadline_passed();
        (parser.is_done(), parser.take_events())
    };
    assert_eq!(
        at_deadline(b"220 mail.example"),
        (
            true,
            vec![ServerEvent::NotTls {
                first_line: "220 mail.example".into()
            }]
        )
    );
    // What could still become a record, or an SSLv2 answer, stays a timeout.
    for prefix in [&[0x16][..], &[0x80, 0x03], &[0x83, 0x2e, 0x04, 0x00]] {
        assert_eq!(at_deadline(prefix), (false, vec![]), "{prefix:?}");
    }
    // So does a flight that started as TLS, and silence.
    let mut parser = FlightParser::new();
    parser
        .feed(&[0x16, 0x03, 0x03, 0x00])
        .expect("valid so far");
    parser.deadline_passed();
    assert!(!parser.is_done() && parser.take_events().is_empty());
    let mut parser = FlightParser::new();
    parser.deadline_passed();
    assert!(!parser.is_done() && parser.take_events().is_empty());
}

#[test]
fn malformed_and_truncated_input() {
    let err = |bytes: &[u8]| parse_flight(bytes).error;
    assert_eq!(
        err(&[0x17, 0x03]),
        Some(WireError::Truncated {
            what: "record header"
        })
    );
    assert_eq!(
        err(&[0x16]),
        Some(WireError::Truncated {
            what: "record header"
        })
    );
    assert_eq!(
        err(&TLS12_ECDHE_RSA[..300]),
        Some(WireError::Truncated { what: "record" })
    );
    let cut_message = refragment(&TLS12_ECDHE_RSA[..600], 100);
    assert_eq!(
        err(&cut_message[..cut_message.len() - 1]),
        Some(WireError::Truncated { what: "record" })
    );
    let mut cut_at_boundary = refragment(TLS12_ECDHE_RSA, 100);
    cut_at_boundary.truncate(105 * 3);
    assert_eq!(
        err(&cut_at_boundary),
        Some(WireError::Truncated {
            what: "handshake message"
        })
    );
    // A flight that stops between messages is not an error, just not done.
    let mut parser = FlightParser::new();
    parser
        .feed(&TLS12_ECDHE_RSA[..94])
        .expect("the ServerHello record");
    assert!(!parser.is_done());
    assert_eq!(parser.finish(), Ok(()));
    assert_eq!(parser.take_events().len(), 1);

    let mut bad_type = TLS12_ECDHE_RSA.to_vec();
    bad_type[94] = 0x18;
    let flight = parse_flight(&bad_type);
    assert_eq!(flight.error, Some(WireError::UnknownContentType(0x18)));
    assert_eq!(flight.events.len(), 1, "events before the error are kept");
    let mut bad_version = TLS12_ECDHE_RSA.to_vec();
    bad_version[95] = 0x02;
    assert_eq!(err(&bad_version), Some(WireError::BadRecordVersion(0x0203)));
    let half_alert = [0x15, 0x03, 0x03, 0x00, 0x01, 0x02];
    assert_eq!(
        err(&half_alert),
        Some(WireError::Truncated { what: "alert" })
    );
    let ccs = [0x14, 0x03, 0x03, 0x00, 0x01, 0x02];
    assert!(matches!(
        err(&ccs),
        Some(WireError::Malformed {
            what: "ChangeCipherSpec",
            ..
        })
    ));
    let done_with_body = [0x16, 0x03, 0x03, 0x00, 0x05, 0x0e, 0x00, 0x00, 0x01, 0x00];
    assert!(matches!(
        err(&done_with_body),
        Some(WireError::Malformed { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary bytes never panic, and how they are chunked never changes the result.
    #[test]
    fn arbitrary_bytes_any_chunking(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        sizes in proptest::collection::vec(1usize..64, 1..8),
    ) {
        prop_assert_eq!(chunked(&bytes, &sizes), parse_flight(&bytes));
    }

    /// Real flights, damaged: a TLS-looking start reaches the deep parsing code far more often
    /// than random bytes do.
    #[test]
    fn damaged_real_flights_any_chunking(
        which in 0..VECTORS.len(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in any::<prop::sample::Index>(),
        sizes in proptest::collection::vec(1usize..300, 1..8),
    ) {
        let mut bytes = VECTORS[which].to_vec();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        prop_assert_eq!(chunked(&bytes, &sizes), parse_flight(&bytes));
    }

    /// Cutting handshake bytes into records of any size gives the same events.
    #[test]
    fn any_record_fragmentation(which in 0..VECTORS.len(), size in 1usize..3000) {
        let vector = VECTORS[which];
        prop_assert_eq!(parse_flight(&refragment(vector, size)), parse_flight(vector));
    }
}
