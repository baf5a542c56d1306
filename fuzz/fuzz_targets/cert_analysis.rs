//! Feeds arbitrary certificate chains to `cert::analyse`, as a hostile origin could send them:
//! the analysis must never panic, and its counts must agree with what was sent.
//!
//! Input layout, so the fuzzer controls every part: byte 0 picks the trust store and `now`;
//! the rest is a sequence of certificates, each a 2-byte big-endian length and that many bytes
//! (the last one takes whatever remains). `fuzz/corpus/cert_analysis/` holds the fixture
//! chains of `certs/` in this layout.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use origin_probe::cert::{MAX_CHAIN_CERTS, TrustStore, analyse};
use rustls_pki_types::UnixTime;

/// Times around the fixture PKI's validity (2026..2126) and the extremes of the clock.
const NOWS: [u64; 4] = [0, 1_800_000_000, 4_102_444_800, u64::MAX / 2];

fn test_roots() -> &'static TrustStore {
    static ROOTS: OnceLock<TrustStore> = OnceLock::new();
    ROOTS.get_or_init(|| {
        // Invariant: the fixture root file is valid PEM (the test suite loads it too).
        TrustStore::from_pem(
            include_bytes!("../../certs/test-roots.pem"),
            "test-roots.pem",
        )
        .expect("fixture roots")
    })
}

fn mozilla() -> &'static TrustStore {
    static ROOTS: OnceLock<TrustStore> = OnceLock::new();
    ROOTS.get_or_init(TrustStore::mozilla)
}

fn split_chain(mut data: &[u8]) -> Vec<Vec<u8>> {
    let mut chain = Vec::new();
    while data.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([data[0], data[1]]));
        let rest = &data[2..];
        let take = len.min(rest.len());
        chain.push(rest[..take].to_vec());
        data = &rest[take..];
    }
    chain
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let store = if flags & 1 == 0 {
        test_roots()
    } else {
        mozilla()
    };
    let now = UnixTime::since_unix_epoch(Duration::from_secs(NOWS[usize::from(flags >> 1) % 4]));
    let chain = split_chain(rest);
    let names = [
        "good.test".to_string(),
        "www.good.test".to_string(),
        "xn--bcher-kva.example".to_string(),
    ];
    let analysis = analyse(&chain, &names, store, now);
    assert_eq!(analysis.sent, chain.len());
    assert_eq!(analysis.analysed, chain.len().min(MAX_CHAIN_CERTS));
    assert_eq!(
        analysis.summaries.len() + analysis.unparseable.len(),
        analysis.analysed,
        "every analysed certificate either parses or is reported unparseable"
    );
});
