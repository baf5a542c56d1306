//! The incremental parser of a server's first flight: bytes in, [`ServerEvent`]s out.
//!
//! Owns records (RFC 5246 §6.2, RFC 8446 §5.1), the reassembly of handshake messages split
//! across records or packed several to a record, and every size limit of the flight (the
//! "is this TLS at all" decision is `sniff`'s, message bodies are `messages`'). It reads only what is cleartext: it stops at the first sign of
//! encryption (a TLS 1.3 ServerHello, a ChangeCipherSpec, an application_data record), at a
//! fatal alert, at ServerHelloDone, at a HelloRetryRequest. It never does I/O, never judges,
//! never allocates a buffer from a length it has not checked against a limit, never panics.
//!
//! The events are the same however the bytes are chunked (a property test and the fuzz target
//! check this): every decision depends only on the bytes received so far, never on how many
//! arrived in one call.

use std::mem;

use crate::tls::codes::{ALERT_WARNING, KeyExchange, cipher_suite};
use crate::tls::event::{Flight, ServerEvent, WireError};
use crate::tls::messages;
use crate::tls::sniff::{Sniffed, could_still_be_tls, first_line, sniff};

/// Largest record payload accepted: 2^14 plaintext plus the 2048 bytes of expansion
/// RFC 5246 §6.2.3 allows a TLSCiphertext. Plaintext over 2^14 is a protocol violation, but
/// the limit is there to bound memory, not to police the server, so the looser bound is used.
pub(crate) const MAX_RECORD_PAYLOAD: usize = (1 << 14) + 2048;
/// Largest handshake message other than Certificate: 64 KiB, the cap s2n puts on every
/// handshake message (`S2N_MAXIMUM_HANDSHAKE_MESSAGE_LENGTH`). A ServerHello is under 1 KiB;
/// a DHE ServerKeyExchange with an 8192-bit group about 2.5 KiB; a CertificateRequest with a
/// long list of CA names (some Windows servers send hundreds) can reach tens of KiB.
pub(crate) const MAX_HANDSHAKE_MESSAGE: usize = 64 * 1024;
/// Largest Certificate message: 256 KiB, the whole-handshake budget of the rustls probe
/// (`probe::handshake::MAX_HANDSHAKE_BYTES`), so a chain that path can read, this one can.
/// Bigger than what some stacks accept (s2n: 64 KiB, OpenSSL's default `max_cert_list`: 100 KiB)
/// on purpose: the chain is recorded and the verdict decides what its size means.
pub(crate) const MAX_CERTIFICATE_MESSAGE: usize = 256 * 1024;
/// Most certificates in one Certificate message. Real chains have 2 to 5; 64 leaves room for
/// the worst misconfigured bundle while capping the work of a hostile one.
pub(crate) const MAX_CERTIFICATES: usize = 64;
/// Most bytes read for one flight: a Certificate at its limit plus ServerHello,
/// ServerKeyExchange and CertificateRequest at theirs (256 + 3 x 64 KiB), plus record headers,
/// rounded up to 512 KiB. Bounds the memory a parser can hold.
pub(crate) const MAX_FLIGHT_BYTES: usize = 512 * 1024;
/// Most events one flight may produce. A real first flight has at most 6; the cap stops a
/// server that streams warning alerts or tiny messages from growing the queue.
pub(crate) const MAX_EVENTS: usize = 64;

const CONTENT_CHANGE_CIPHER_SPEC: u8 = 0x14;
const CONTENT_ALERT: u8 = 0x15;
const CONTENT_HANDSHAKE: u8 = 0x16;
const CONTENT_APPLICATION_DATA: u8 = 0x17;
const RECORD_HEADER: usize = 5;
const HANDSHAKE_HEADER: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Deciding from the first bytes whether this is TLS at all.
    Sniff,
    /// Reading a 5-byte record header into `buf`.
    Header,
    /// Reading `len` bytes of a record of type `content_type` into `buf`.
    Body { content_type: u8, len: usize },
    /// Nothing more will be read.
    Done,
}

/// The incremental first-flight parser. Feed it bytes as they arrive, take the events, stop
/// reading when [`is_done`](Self::is_done), call [`finish`](Self::finish) at end of stream.
/// An error is final: every later call returns it again. Events queued before an error stay
/// available.
#[derive(Debug)]
pub struct FlightParser {
    state: State,
    /// The unit being read: sniffed bytes, a record header, or a record payload.
    buf: Vec<u8>,
    /// Handshake bytes not yet forming a whole message.
    handshake: Vec<u8>,
    /// An alert byte waiting for its pair (alerts may in theory be split across records).
    alert: Option<u8>,
    /// Bytes of all records accepted so far, headers included.
    flight_bytes: usize,
    events: Vec<ServerEvent>,
    emitted: usize,
    /// The suite of the ServerHello, to know what a ServerKeyExchange holds.
    suite: Option<u16>,
    /// The ServerHello chose TLS 1.2, whose ServerKeyExchange names its signature scheme.
    tls12: bool,
    error: Option<WireError>,
}

impl Default for FlightParser {
    fn default() -> Self {
        Self::new()
    }
}

impl FlightParser {
    pub fn new() -> Self {
        FlightParser {
            state: State::Sniff,
            buf: Vec::new(),
            handshake: Vec::new(),
            alert: None,
            flight_bytes: 0,
            events: Vec::new(),
            emitted: 0,
            suite: None,
            tls12: false,
            error: None,
        }
    }

    /// Consumes `bytes`. Bytes after the flight is done are ignored.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), WireError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let result = self.consume(bytes);
        if let Err(error) = &result {
            self.error = Some(error.clone());
            self.state = State::Done;
        }
        result
    }

    /// Ends the stream: a pending non-TLS answer becomes its event; a record or message cut
    /// short is [`WireError::Truncated`]. A flight that stopped between two messages (say,
    /// before ServerHelloDone) is not an error: the events show how far it got.
    pub fn finish(&mut self) -> Result<(), WireError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let result = match self.state {
            State::Done => Ok(()),
            State::Sniff if self.buf.is_empty() => Ok(()),
            // One byte that could start a record: too little to call it anything else.
            State::Sniff if matches!(self.buf.as_slice(), [0x14..=0x17]) => {
                Err(WireError::Truncated {
                    what: "record header",
                })
            }
            State::Sniff => {
                let first_line = first_line(&self.buf);
                self.emit(ServerEvent::NotTls { first_line })
            }
            State::Header if !self.buf.is_empty() => Err(WireError::Truncated {
                what: "record header",
            }),
            State::Body { .. } => Err(WireError::Truncated { what: "record" }),
            State::Header if !self.handshake.is_empty() => Err(WireError::Truncated {
                what: "handshake message",
            }),
            State::Header if self.alert.is_some() => Err(WireError::Truncated { what: "alert" }),
            State::Header => Ok(()),
        };
        self.state = State::Done;
        if let Err(error) = &result {
            self.error = Some(error.clone());
        }
        result
    }

    /// The caller's deadline passed with the stream still open. An answer already known not to
    /// be TLS (text still waiting for its line end, say an SMTP banner without CRLF) becomes its
    /// [`ServerEvent::NotTls`] now: no record can start with those bytes, whatever follows.
    /// Anything else is left as it is: the caller reports the timeout.
    pub fn deadline_passed(&mut self) {
        if self.error.is_none()
            && self.state == State::Sniff
            && !self.buf.is_empty()
            && !could_still_be_tls(&self.buf)
        {
            let first_line = first_line(&self.buf);
            // The only event of the flight: the cap cannot be reached.
            let _ = self.emit(ServerEvent::NotTls { first_line });
            self.state = State::Done;
        }
    }

    /// Takes the events produced so far.
    pub fn take_events(&mut self) -> Vec<ServerEvent> {
        mem::take(&mut self.events)
    }

    /// Whether the flight is over (or failed): read no more.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Bytes held in buffers, for tests that check nothing was allocated from a length.
    #[cfg(test)]
    pub(crate) fn buffered(&self) -> usize {
        self.buf.capacity() + self.handshake.capacity()
    }

    /// The error that stopped the parser, if any.
    pub fn error(&self) -> Option<&WireError> {
        self.error.as_ref()
    }

    fn consume(&mut self, mut input: &[u8]) -> Result<(), WireError> {
        while !input.is_empty() {
            match self.state {
                State::Done => break,
                State::Sniff => {
                    // One byte at a time, so the decision point never depends on chunking.
                    let (first, rest) = input.split_at(1);
                    input = rest;
                    self.buf.extend_from_slice(first);
                    match sniff(&self.buf) {
                        Sniffed::NeedMore => {}
                        Sniffed::Tls => self.state = State::Header,
                        Sniffed::Sslv2(message_type) => {
                            self.emit(ServerEvent::Sslv2 { message_type })?;
                            self.state = State::Done;
                        }
                        Sniffed::NotTls(first_line) => {
                            self.emit(ServerEvent::NotTls { first_line })?;
                            self.state = State::Done;
                        }
                    }
                }
                State::Header => {
                    input = self.fill(input, RECORD_HEADER);
                    if self.buf.len() == RECORD_HEADER {
                        self.start_record()?;
                    }
                }
                State::Body { content_type, len } => {
                    input = self.fill(input, len);
                    if self.buf.len() == len {
                        self.end_record(content_type)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Moves bytes from `input` into `buf` until it holds `want`; returns the rest.
    fn fill<'a>(&mut self, input: &'a [u8], want: usize) -> &'a [u8] {
        let n = want.saturating_sub(self.buf.len()).min(input.len());
        let (head, rest) = input.split_at(n);
        self.buf.extend_from_slice(head);
        rest
    }

    fn start_record(&mut self) -> Result<(), WireError> {
        let header = mem::take(&mut self.buf);
        let mut r = messages::Reader::new(&header, "record header");
        let content_type = r.u8()?;
        let version = r.u16()?;
        let len = usize::from(r.u16()?);
        if !(CONTENT_CHANGE_CIPHER_SPEC..=CONTENT_APPLICATION_DATA).contains(&content_type) {
            return Err(WireError::UnknownContentType(content_type));
        }
        if version >> 8 != 0x03 {
            return Err(WireError::BadRecordVersion(version));
        }
        if len > MAX_RECORD_PAYLOAD {
            return Err(too_large("record", len, MAX_RECORD_PAYLOAD));
        }
        self.flight_bytes += RECORD_HEADER + len;
        if self.flight_bytes > MAX_FLIGHT_BYTES {
            return Err(too_large(
                "server flight",
                self.flight_bytes,
                MAX_FLIGHT_BYTES,
            ));
        }
        self.state = State::Body { content_type, len };
        if len == 0 {
            self.end_record(content_type)?;
        }
        Ok(())
    }

    fn end_record(&mut self, content_type: u8) -> Result<(), WireError> {
        let payload = mem::take(&mut self.buf);
        self.state = State::Header;
        match content_type {
            CONTENT_CHANGE_CIPHER_SPEC => {
                if payload != [0x01] {
                    return Err(malformed("ChangeCipherSpec", "payload is not 0x01"));
                }
                self.emit(ServerEvent::ChangeCipherSpec)?;
                // Whatever follows a server's ChangeCipherSpec is encrypted.
                self.state = State::Done;
            }
            CONTENT_ALERT => self.alert_bytes(&payload)?,
            CONTENT_HANDSHAKE => self.handshake_bytes(&payload)?,
            _ => {
                self.emit(ServerEvent::Encrypted)?;
                self.state = State::Done;
            }
        }
        Ok(())
    }

    fn alert_bytes(&mut self, payload: &[u8]) -> Result<(), WireError> {
        if payload.is_empty() {
            return Err(malformed("alert", "empty alert record"));
        }
        for &b in payload {
            let Some(level) = self.alert.take() else {
                self.alert = Some(b);
                continue;
            };
            self.emit(ServerEvent::Alert {
                level,
                description: b,
            })?;
            // Fatal (or unknown-level) alerts and close_notify end the conversation.
            if level != ALERT_WARNING || b == 0 {
                self.state = State::Done;
                break;
            }
        }
        Ok(())
    }

    fn handshake_bytes(&mut self, payload: &[u8]) -> Result<(), WireError> {
        self.handshake.extend_from_slice(payload);
        while self.state != State::Done {
            let mut r = messages::Reader::new(&self.handshake, "handshake header");
            let (Ok(msg_type), Ok(len)) = (r.u8(), r.u24()) else {
                break; // fewer than 4 bytes yet
            };
            let limit = if msg_type == 11 {
                MAX_CERTIFICATE_MESSAGE
            } else {
                MAX_HANDSHAKE_MESSAGE
            };
            if len > limit {
                return Err(too_large(message_name(msg_type), len, limit));
            }
            if r.remaining() < len {
                break;
            }
            // In bounds: the buffer holds the 4-byte header and at least `len` more bytes.
            let rest = self.handshake.split_off(HANDSHAKE_HEADER + len);
            let message = mem::replace(&mut self.handshake, rest);
            let body = message.get(HANDSHAKE_HEADER..).unwrap_or_default();
            self.message(msg_type, body)?;
        }
        if self.state == State::Done {
            self.handshake.clear();
        }
        Ok(())
    }

    fn message(&mut self, msg_type: u8, body: &[u8]) -> Result<(), WireError> {
        match msg_type {
            2 => {
                let hello = messages::server_hello(body)?;
                self.suite = Some(hello.cipher_suite);
                self.tls12 = hello.version() == 0x0303;
                let retry = hello.is_hello_retry_request;
                let tls13 = hello.is_tls13();
                self.emit(ServerEvent::ServerHello(hello))?;
                if retry {
                    self.state = State::Done;
                } else if tls13 {
                    self.emit(ServerEvent::Encrypted)?;
                    self.state = State::Done;
                }
            }
            11 => {
                let chain = messages::certificate(body)?;
                self.emit(ServerEvent::Certificate(chain))?;
            }
            12 => {
                let kind = self
                    .suite
                    .and_then(cipher_suite)
                    .map_or(KeyExchange::Other, |s| s.kx);
                let params = messages::server_key_exchange(kind, self.tls12, body)?;
                self.emit(ServerEvent::ServerKeyExchange {
                    kind,
                    curve: params.curve,
                    signed: params.signed,
                })?;
            }
            13 => self.emit(ServerEvent::CertificateRequest)?,
            14 => {
                if !body.is_empty() {
                    return Err(malformed("ServerHelloDone", "it is not empty"));
                }
                self.emit(ServerEvent::ServerHelloDone)?;
                self.state = State::Done;
            }
            _ => self.emit(ServerEvent::OtherHandshake { msg_type })?,
        }
        Ok(())
    }

    fn emit(&mut self, event: ServerEvent) -> Result<(), WireError> {
        if self.emitted == MAX_EVENTS {
            // Name what kept coming: a stream of warning alerts or of small messages.
            let what = match event {
                ServerEvent::Alert { .. } => "events in a flight (the last an alert)",
                ServerEvent::ServerHello(_)
                | ServerEvent::Certificate(_)
                | ServerEvent::ServerKeyExchange { .. }
                | ServerEvent::CertificateRequest
                | ServerEvent::ServerHelloDone
                | ServerEvent::OtherHandshake { .. } => {
                    "events in a flight (the last a handshake message)"
                }
                _ => "events in a flight",
            };
            return Err(too_large(what, self.emitted + 1, MAX_EVENTS));
        }
        self.emitted += 1;
        self.events.push(event);
        Ok(())
    }
}

fn message_name(msg_type: u8) -> &'static str {
    match msg_type {
        2 => "ServerHello",
        11 => "Certificate",
        12 => "ServerKeyExchange",
        13 => "CertificateRequest",
        _ => "handshake message",
    }
}

fn too_large(what: &'static str, len: usize, limit: usize) -> WireError {
    WireError::TooLarge { what, len, limit }
}

fn malformed(what: &'static str, problem: &'static str) -> WireError {
    WireError::Malformed { what, problem }
}

/// Parses `bytes` as a whole flight followed by end of stream.
pub fn parse_flight(bytes: &[u8]) -> Flight {
    let mut parser = FlightParser::new();
    let error = parser.feed(bytes).and_then(|()| parser.finish()).err();
    Flight {
        events: parser.take_events(),
        error,
    }
}
