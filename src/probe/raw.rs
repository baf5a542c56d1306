//! Raw ClientHellos: the exact hello CloudFront would send, and the version scan's hellos.
//!
//! Writes a `tls::ClientHelloSpec` with fresh random bytes, then feeds what the server sends to
//! `tls::FlightParser` until the first flight is over (ServerHelloDone, an alert, encrypted
//! records, end of stream), the parser refuses the input, or the deadline passes. In TLS <= 1.2
//! the ServerHello and Certificate are cleartext, so one exchange shows the version, the suite
//! and the chain exactly as CloudFront would receive them, whatever the suite: RSA key exchange,
//! CBC, 3DES and RC4 included, which rustls cannot offer. No key exchange is made and nothing
//! is judged here.
//!
//! Bounds: one deadline for the whole exchange (a server dripping a byte at a time is cut off
//! there, not per read), reads of at most `READ_CHUNK` bytes, and the parser's documented
//! limits (`tls::server::MAX_*`) checked before anything is buffered.

use std::io::ErrorKind;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use rustls::crypto::SecureRandom;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::record::{HelloAnswer, HelloEnd, HelloRecord, KeyExchangeRecord};
use crate::tls::codes::{ALERT_WARNING, KeyExchange, X25519, version_from_code};
use crate::tls::{ClientHelloSpec, FlightParser, ServerEvent, WireError};

/// The most read from the socket at once: a typical first flight (ServerHello, two
/// certificates, ServerKeyExchange) fits, and bigger ones take a few reads.
const READ_CHUNK: usize = 8 * 1024;

/// How many of the first bytes received are kept, to show what a non-TLS server answered.
pub(crate) const FIRST_BYTES_KEPT: usize = 64;

/// The operating system's random source, through ring (rustls' provider): the hello's random
/// and, for TLS 1.3, the x25519 key share. Any 32 bytes are a valid x25519 public value
/// (RFC 7748 §5), and the exchange never goes far enough to need the private half.
static RANDOM: LazyLock<&'static dyn SecureRandom> =
    LazyLock::new(|| rustls::crypto::ring::default_provider().secure_random);

/// Sends `spec` (its random and any x25519 key share replaced by fresh random bytes) over
/// `stream` and records the server's first flight, all within `timeout`.
pub(crate) async fn exchange(
    mut stream: TcpStream,
    mut spec: ClientHelloSpec,
    timeout: Duration,
) -> HelloRecord {
    let started = Instant::now();
    if let Err(e) = randomize(&mut spec) {
        return ended(HelloEnd::Failed { message: e });
    }
    let hello = match spec.encode() {
        Ok(bytes) => bytes,
        Err(e) => {
            return ended(HelloEnd::Failed {
                message: format!("cannot encode the ClientHello: {e}"),
            });
        }
    };
    let deadline = tokio::time::Instant::from_std(started) + timeout;
    let mut parser = FlightParser::new();
    let mut first_bytes: Vec<u8> = Vec::new();
    let io_end = match tokio::time::timeout_at(deadline, stream.write_all(&hello)).await {
        Err(_) => Some(HelloEnd::TimedOut {
            after: started.elapsed(),
        }),
        Ok(Err(e)) => Some(io_error(&e)),
        Ok(Ok(())) => {
            read_flight(
                &mut stream,
                &mut parser,
                &mut first_bytes,
                deadline,
                started,
            )
            .await
        }
    };
    build(parser, io_end, first_bytes, spec.random)
}

/// Reads until the parser is done; `Some(end)` when the socket, not the parser, ended it.
async fn read_flight(
    stream: &mut TcpStream,
    parser: &mut FlightParser,
    first_bytes: &mut Vec<u8>,
    deadline: tokio::time::Instant,
    started: Instant,
) -> Option<HelloEnd> {
    let mut buf = vec![0u8; READ_CHUNK];
    while !parser.is_done() {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => {
                // Text still waiting for its line end is "not TLS" already (`build` prefers
                // the parser's event); anything that could still be TLS is a timeout.
                parser.deadline_passed();
                return Some(HelloEnd::TimedOut {
                    after: started.elapsed(),
                });
            }
            Ok(Ok(0)) => {
                // End of stream: a pending non-TLS answer becomes its event, a cut record an error.
                // What the parser made of the bytes (`build`) takes precedence over this.
                let _ = parser.finish();
                return Some(HelloEnd::Closed);
            }
            Ok(Ok(n)) => {
                let got = buf.get(..n).unwrap_or_default();
                let keep = FIRST_BYTES_KEPT
                    .saturating_sub(first_bytes.len())
                    .min(got.len());
                first_bytes.extend_from_slice(got.get(..keep).unwrap_or_default());
                if parser.feed(got).is_err() {
                    return None;
                }
            }
            Ok(Err(e)) => return Some(io_error(&e)),
        }
    }
    None
}

fn randomize(spec: &mut ClientHelloSpec) -> Result<(), String> {
    RANDOM
        .fill(&mut spec.random)
        .map_err(|_| "the system random source failed".to_string())?;
    if let Some(offer) = &mut spec.tls13
        && offer.key_share.group == X25519
    {
        let mut public = [0u8; 32];
        RANDOM
            .fill(&mut public)
            .map_err(|_| "the system random source failed".to_string())?;
        offer.key_share.public = public.to_vec();
    }
    Ok(())
}

fn io_error(e: &std::io::Error) -> HelloEnd {
    match e.kind() {
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            HelloEnd::Reset
        }
        ErrorKind::UnexpectedEof => HelloEnd::Closed,
        _ => HelloEnd::Failed {
            message: e.to_string(),
        },
    }
}

fn ended(end: HelloEnd) -> HelloRecord {
    HelloRecord {
        server_hello: None,
        end,
    }
}

/// Turns the parser's events, its error and how the socket ended into a record. The parser's
/// verdict on the bytes wins over the socket's: a flight that was complete before the server
/// closed is complete; an HTTP answer followed by a close is "not TLS". `client_random` is the
/// random the hello carried, kept with a signed key exchange.
fn build(
    mut parser: FlightParser,
    io_end: Option<HelloEnd>,
    first_bytes: Vec<u8>,
    client_random: [u8; 32],
) -> HelloRecord {
    let mut answer: Option<HelloAnswer> = None;
    let mut server_random = [0u8; 32];
    let mut end: Option<HelloEnd> = None;
    for event in parser.take_events() {
        if end.is_some() {
            break;
        }
        match event {
            ServerEvent::ServerHello(hello) => {
                if answer.is_some() {
                    end = Some(HelloEnd::Malformed {
                        message: "a second ServerHello".to_string(),
                    });
                    continue;
                }
                let code = hello.version();
                server_random = hello.random;
                if hello.is_hello_retry_request {
                    end = Some(HelloEnd::Complete);
                }
                answer = Some(HelloAnswer {
                    version_code: code,
                    version: version_from_code(code),
                    suite: hello.cipher_suite,
                    hello_retry: hello.is_hello_retry_request,
                    chain: None,
                    curve: None,
                    key_exchange: None,
                    client_cert_requested: false,
                });
            }
            ServerEvent::Certificate(chain) => match &mut answer {
                Some(a) if a.chain.is_none() => a.chain = Some(chain),
                _ => end = Some(out_of_order("Certificate")),
            },
            // RFC 8422 deprecates explicit curves and CloudFront's hello offers only named
            // ones: a client aborts on such a ServerKeyExchange.
            ServerEvent::ServerKeyExchange {
                kind: KeyExchange::EcdheRsa | KeyExchange::EcdheEcdsa,
                signed: None,
                ..
            } => {
                end = Some(HelloEnd::Malformed {
                    message:
                        "ServerKeyExchange on an explicit curve, which the hello did not offer"
                            .to_string(),
                });
            }
            ServerEvent::ServerKeyExchange { curve, signed, .. } => match &mut answer {
                Some(a) if a.key_exchange.is_none() => {
                    a.curve = curve;
                    a.key_exchange = signed.map(|signed| KeyExchangeRecord {
                        client_random,
                        server_random,
                        signed,
                    });
                }
                _ => end = Some(out_of_order("ServerKeyExchange")),
            },
            ServerEvent::CertificateRequest => match &mut answer {
                Some(a) => a.client_cert_requested = true,
                None => end = Some(out_of_order("CertificateRequest")),
            },
            ServerEvent::ServerHelloDone | ServerEvent::Encrypted => {
                end = Some(if answer.is_some() {
                    HelloEnd::Complete
                } else {
                    out_of_order("the end of the flight")
                });
            }
            ServerEvent::OtherHandshake { .. } => {}
            // Warning alerts (say, unrecognized_name) do not end a handshake; close_notify does.
            ServerEvent::Alert { level, description }
                if level == ALERT_WARNING && description != 0 => {}
            ServerEvent::Alert { level, description } => {
                end = Some(HelloEnd::Alert { level, description });
            }
            ServerEvent::ChangeCipherSpec => end = Some(out_of_order("ChangeCipherSpec")),
            ServerEvent::NotTls { .. } => {
                end = Some(HelloEnd::NotTls {
                    first_bytes: first_bytes.clone(),
                });
            }
            ServerEvent::Sslv2 { .. } => end = Some(HelloEnd::Sslv2),
        }
    }
    let end = end
        .or_else(|| parser.error().map(wire_end))
        .or(io_end)
        .unwrap_or(HelloEnd::Closed);
    HelloRecord {
        server_hello: answer,
        end,
    }
}

fn out_of_order(what: &str) -> HelloEnd {
    HelloEnd::Malformed {
        message: format!("{what} out of order in the server's first flight"),
    }
}

fn wire_end(error: &WireError) -> HelloEnd {
    match error {
        WireError::TooLarge { .. } => HelloEnd::TooLarge {
            message: error.to_string(),
        },
        WireError::Truncated { .. } => HelloEnd::Closed,
        _ => HelloEnd::Malformed {
            message: error.to_string(),
        },
    }
}
