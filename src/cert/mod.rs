//! Certificate-chain analysis: pure functions from the chain as sent to facts.
//!
//! `analyse` takes the DER certificates exactly as the server sent them, the names CloudFront
//! would accept, a [`TrustStore`] and `now`, and returns a [`ChainAnalysis`]: per-certificate
//! summaries, the trust outcome judged apart from time, the sent order around the path,
//! validity, name matching and the leaf key. Nothing here does I/O, reads the clock, fetches
//! missing intermediates (AIA) or decides what a fact costs: `verdict::cert_rules` judges.
//!
//! - `parse`: one certificate -> owned facts (x509-parser); `key`: key and algorithm names.
//! - `signature`: "did this key sign that certificate?" with webpki's algorithms; `memo`:
//!   answers remembered for the run, shared by the walk and webpki (each verified once).
//! - `chain`: our issuer walk from the leaf and the layout of what was sent around the path.
//! - `verify`: rustls-webpki over the sent chain, judged apart from time; `classify`: one
//!   trust outcome from webpki's answer and the walk; `analysis`: `analyse` itself.
//! - `validity`, `name`: time and name facts; `summary`: the report's `CertSummary`.
//! - `trust`: the Mozilla or `--roots` trust store.
//! - `key_exchange`: does the leaf's key verify the ServerKeyExchange signature? (ring, and
//!   `legacy_sig` with RustCrypto for the TLS 1.0/1.1 forms and ECDSA hashes ring lacks)

mod analysis;
mod chain;
mod classify;
#[cfg(test)]
pub(crate) mod fixtures;
mod key;
mod key_exchange;
mod legacy_sig;
mod memo;
mod name;
mod parse;
mod signature;
mod summary;
mod trust;
mod validity;
mod verify;

pub use analysis::{ChainAnalysis, MAX_CHAIN_CERTS, analyse};
pub use chain::{CertRef, OrderViolation, ServedRoot};
pub use classify::{Trust, TrustBasis};
pub use key::{Curve, KeyKind};
pub use key_exchange::{KeyExchangeCheck, check_key_exchange};
pub use name::{MatchedBy, NameCheck, NameResult};
pub use parse::ParseFailure;
pub use trust::{RootsError, TrustStore, WEBPKI_ROOTS_VERSION};
pub use validity::{Bound, Expiry, TimeProblem};
