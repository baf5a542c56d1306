//! Feeds arbitrary bytes to `tls::FlightParser`, whole and in chunks: the parser must never
//! panic, and how the bytes are chunked must never change the events or the error. Then the
//! caller's deadline: it passes after a prefix the input chooses, as a server that stops
//! sending mid-flight makes it, and again chunking must not change what the parser concludes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use origin_probe::tls::{Flight, FlightParser, parse_flight};

fuzz_target!(|data: &[u8]| {
    let whole = parse_flight(data);
    // The chunk size comes from the input, so the fuzzer explores chunkings too. The last
    // byte is used because the first ones decide what the parser does.
    let step = data.last().map_or(1, |&b| usize::from(b % 23) + 1);
    let mut parser = FlightParser::new();
    let mut error = None;
    for chunk in data.chunks(step) {
        if let Err(e) = parser.feed(chunk) {
            error = Some(e);
            break;
        }
    }
    let error = error.or_else(|| parser.finish().err());
    let chunked = Flight {
        events: parser.take_events(),
        error,
    };
    assert_eq!(chunked, whole, "chunks of {step} changed the result");

    // The deadline passes after `cut` bytes (the second-to-last byte picks where), delivered
    // whole or in chunks: the same conclusion either way, and a parser that is done stays so.
    let cut = data
        .len()
        .checked_sub(2)
        .and_then(|i| data.get(i))
        .map_or(0, |&b| usize::from(b) * data.len() / 256);
    let prefix = data.get(..cut).unwrap_or_default();
    let deadline_whole = after_deadline(prefix, prefix.len().max(1));
    let deadline_chunked = after_deadline(prefix, step);
    assert_eq!(
        deadline_whole, deadline_chunked,
        "chunks of {step} changed what the deadline concluded after {cut} bytes"
    );
});

/// Feeds `bytes` in chunks of `step` until the parser is done or refuses them, then tells it
/// the deadline passed: its events, whether it is done, and whether it had refused the input.
fn after_deadline(bytes: &[u8], step: usize) -> (Vec<origin_probe::tls::ServerEvent>, bool, bool) {
    let mut parser = FlightParser::new();
    let mut refused = false;
    for chunk in bytes.chunks(step) {
        if parser.is_done() {
            break;
        }
        if parser.feed(chunk).is_err() {
            refused = true;
            break;
        }
    }
    let done_before = parser.is_done();
    if !refused && !done_before {
        parser.deadline_passed();
    }
    let done = parser.is_done();
    assert!(done || !done_before, "the deadline undid a finished flight");
    (parser.take_events(), done, refused)
}

