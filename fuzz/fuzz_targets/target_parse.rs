//! Feeds arbitrary text to target-list parsing: `read_targets` over a reader, and every line to
//! `parse_target` and `normalize_host`. Nothing may panic, and:
//! - the reader's buffer size never changes what is read (lines cross buffer boundaries);
//! - a normalised name normalises to itself, and a parsed target printed back parses the same.
//!
//! The first byte picks the small buffer's size, so the fuzzer explores chunkings too.
#![no_main]

use std::io::BufReader;
use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use origin_probe::input::{normalize_host, parse_target, read_targets};
use origin_probe::target::OriginName;

/// Every entry a reader yields: the target's origin, port and source, or the one-line error.
fn entries(reader: impl std::io::BufRead) -> Vec<Result<(String, u16, String), String>> {
    read_targets(reader, "fuzz", None)
        // Reading from a slice cannot fail.
        .map(|item| item.expect("slice reader"))
        .map(|entry| match entry {
            Ok(t) => Ok((t.origin(), t.port, t.source.clone())),
            Err(e) => Err(e.to_string()),
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, text)) = data.split_first() else {
        return;
    };
    let whole = entries(text);
    let small = entries(BufReader::with_capacity(usize::from(first % 17) + 1, text));
    assert_eq!(whole, small, "buffer size changed the result");
    for error in whole.iter().filter_map(|e| e.as_ref().err()) {
        assert!(!error.contains(['\n', '\r']), "multi-line error: {error:?}");
    }

    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    for line in text.lines() {
        if let Ok(name) = normalize_host(line) {
            assert_eq!(normalize_host(&name).as_ref(), Ok(&name), "{line:?}");
        }
        let Ok((name, port)) = parse_target(line) else {
            continue;
        };
        let printed = match &name {
            OriginName::Dns(host) => format!("{host}:{port}"),
            OriginName::Ip(IpAddr::V4(v4)) => format!("{v4}:{port}"),
            OriginName::Ip(IpAddr::V6(v6)) => format!("[{v6}]:{port}"),
        };
        assert_eq!(
            parse_target(&printed),
            Ok((name, port)),
            "{line:?} -> {printed:?}"
        );
    }
});
