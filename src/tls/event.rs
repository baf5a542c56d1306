//! What the first-flight parser reports: [`ServerEvent`]s, and [`WireError`] for input that is
//! not a valid first flight.
//!
//! Owns only these types. Producing them is `server`'s job; judging them is `verdict`'s.

use crate::tls::codes::KeyExchange;
use crate::tls::messages::{ServerHello, SignedParams};

/// What the server sent, one item at a time, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerEvent {
    ServerHello(ServerHello),
    /// DER certificates in the order sent (leaf first, if the server is right).
    Certificate(Vec<Vec<u8>>),
    /// `kind` is that of the suite in the ServerHello (`Other` if there was none); `curve` the
    /// named curve of an ECDHE exchange, `signed` its parameters and signature as sent.
    ServerKeyExchange {
        kind: KeyExchange,
        curve: Option<u16>,
        signed: Option<SignedParams>,
    },
    /// The server asks for a client certificate (fact 17).
    CertificateRequest,
    ServerHelloDone,
    /// Any other handshake message type (e.g. `0x16` CertificateStatus), not decoded.
    OtherHandshake {
        msg_type: u8,
    },
    Alert {
        level: u8,
        description: u8,
    },
    ChangeCipherSpec,
    /// What follows is encrypted: TLS 1.3 was chosen, or an application_data record came.
    Encrypted,
    /// The answer is not TLS: its first line, sanitized (`HTTP/1.1 400 Bad Request`).
    NotTls {
        first_line: String,
    },
    /// An SSLv2-format record (`0x04` SERVER-HELLO or `0x00` ERROR).
    Sslv2 {
        message_type: u8,
    },
}

/// Input that is not a valid first flight.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("{what} is {len}, over the limit of {limit}")]
    TooLarge {
        what: &'static str,
        len: usize,
        limit: usize,
    },
    #[error("record of unknown content type 0x{0:02x}")]
    UnknownContentType(u8),
    #[error("record version 0x{0:04x} is not SSLv3 or TLS")]
    BadRecordVersion(u16),
    #[error("malformed {what}: {problem}")]
    Malformed {
        what: &'static str,
        problem: &'static str,
    },
    #[error("connection closed in the middle of {what}")]
    Truncated { what: &'static str },
}

/// Everything one complete buffer yields: the events, and the error that stopped the parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flight {
    pub events: Vec<ServerEvent>,
    pub error: Option<WireError>,
}
