//! Feeds arbitrary bytes to `tls::FlightParser`, whole and in chunks: the parser must never
//! panic, and how the bytes are chunked must never change the events or the error.
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
});
