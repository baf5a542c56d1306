//! The TLS wire format of the raw ClientHello engine: bytes <-> types, nothing else.
//!
//! rustls cannot offer what CloudFront offers origins (RSA key exchange, CBC, 3DES and RC4
//! suites, TLS 1.0/1.1, SSLv3), so the CloudFront probe writes CloudFront's ClientHello itself
//! and reads the server's cleartext answer: in TLS <= 1.2 the ServerHello and the Certificate
//! travel unencrypted, so one exchange gives the version, the suite and the chain exactly as
//! CloudFront would receive them, without a key exchange.
//!
//! - [`codes`]: IANA numbers and names (suites, groups, signature schemes, alerts).
//! - [`profile`]: what CloudFront offers (facts 1-8) and the version-scan hellos, as data.
//! - [`hello`]: [`ClientHelloSpec`] and its byte-exact encoding.
//! - [`server`]: [`FlightParser`], the incremental parser of the server's first flight.
//! - [`event`]: what it reports, [`ServerEvent`] and [`WireError`].
//! - `messages`: decoders of single handshake messages, used by `server`.
//! - `sniff`: "is this TLS at all" from the first bytes, used by `server`.
//!
//! Pure and synchronous: no sockets, no clock, no randomness, no async. Every length read from
//! the wire is checked against a documented limit (`server::MAX_*`) before anything is
//! allocated for it, and no input makes it panic (fuzzed: `fuzz/`).

pub(crate) mod codes;
pub(crate) mod event;
#[cfg(test)]
mod flight_tests;
pub(crate) mod hello;
mod messages;
pub(crate) mod profile;
pub(crate) mod server;
mod sniff;

pub use event::{Flight, ServerEvent, WireError};
pub use hello::{ClientHelloSpec, EncodeError, KeyShare, RawExtension, Tls13Offer};
pub use messages::{HELLO_RETRY_REQUEST_RANDOM, KeyExchangeParams, ServerHello, SignedParams};
pub use profile::{
    SslProtocol, UnknownSslProtocol, cloudfront_hello, parse_ssl_protocols, scan_hello,
};
pub use server::{FlightParser, parse_flight};
pub use sniff::MAX_FIRST_LINE;
