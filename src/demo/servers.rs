//! Loopback origins with real behaviour: TLS servers (tokio-rustls) and misbehaving peers.
//!
//! Used by `origin-probe demo` and by the integration tests, so both exercise the same servers.
//! Every server binds to a loopback address on port 0, stops when its `Origin` is dropped, and
//! bounds each connection's lifetime, so nothing here can outlive or hang its caller.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{RootCertStore, ServerConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// How long a server keeps one connection: long enough for any probe, short enough that an
/// abandoned connection cannot pile up.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(30);

/// Most bytes of a request head an `Https` origin reads: a CloudFront-like request is well
/// under 1 KiB; anything longer is cut off instead of buffered.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// How an `Https` origin answers the one request it reads.
#[derive(Debug, Clone)]
pub enum HttpResponder {
    /// `200 OK` with this body, to anyone.
    Ok(Vec<u8>),
    /// `200 OK` with `body` only when the request carries header `name` with `value`
    /// (case-insensitive name), else `403 Forbidden`: an origin locked to CloudFront.
    RequireHeader {
        name: String,
        value: String,
        body: Vec<u8>,
    },
    /// `301` to `http://` + the request's Host + `/`.
    RedirectToHttp,
    /// These raw bytes instead of an HTTP response.
    Raw(Vec<u8>),
    /// Waits this long before answering `200 OK`.
    Slow(Duration),
    /// nginx's answer when a TLS terminator forwards plain HTTP to its TLS port.
    PlainHttpOnHttpsPort,
    /// `503 Service Unavailable`.
    ServerError,
}

/// Which protocol versions a TLS origin speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versions {
    Tls12,
    Tls13,
    Both,
}

/// Which cipher suites a TLS origin offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suites {
    /// rustls's defaults (ECDHE with AES-GCM and ChaCha20).
    Default,
    /// Only the ChaCha20-Poly1305 suites, none of which CloudFront offers origins (fact 5).
    ChaCha20Only,
}

/// A TLS origin's certificate and settings.
#[derive(Debug, Clone)]
pub struct TlsSpec<'a> {
    /// PEM: the certificates exactly as the server sends them, leaf first.
    pub chain_pem: &'a [u8],
    /// PEM: the leaf's PKCS#8 private key.
    pub key_pem: &'a [u8],
    pub versions: Versions,
    pub suites: Suites,
    /// PEM roots: when set, the server asks for (but does not require) a client certificate.
    pub request_client_cert: Option<&'a [u8]>,
    /// With `request_client_cert`: refuse a client that sends none, as an mTLS origin does.
    pub require_client_cert: bool,
    /// PEM: a PKCS#8 key that is *not* the certificate's, to sign handshakes with: an origin
    /// whose key and certificate do not belong together (`tls.signature-invalid`). rustls
    /// refuses such a pair in `with_single_cert`, so it is served through a resolver.
    pub danger_mismatched_key: Option<&'a [u8]>,
}

impl<'a> TlsSpec<'a> {
    /// A TLS 1.2 + 1.3 origin with default suites serving `chain_pem`.
    pub fn new(chain_pem: &'a [u8], key_pem: &'a [u8]) -> TlsSpec<'a> {
        TlsSpec {
            chain_pem,
            key_pem,
            versions: Versions::Both,
            suites: Suites::Default,
            request_client_cert: None,
            require_client_cert: false,
            danger_mismatched_key: None,
        }
    }
}

/// Serves one certified key whatever the client asks for, without checking that its key
/// belongs to its certificate.
#[derive(Debug)]
struct AlwaysThisKey(Arc<CertifiedKey>);

impl ResolvesServerCert for AlwaysThisKey {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// What an origin does with a connection.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// Completes TLS handshakes with this configuration, answers one HTTP response, closes.
    Tls(Arc<ServerConfig>),
    /// Completes TLS handshakes, reads one request head (bounded) and answers as the responder
    /// says, then closes.
    Https(Arc<ServerConfig>, HttpResponder),
    /// The port is closed: connections are refused.
    Refuse,
    /// The port drops new connections without answering (its accept queue is kept full).
    Silent,
    /// Accepts connections and never sends a byte.
    AcceptSilent,
    /// Sends these bytes as soon as a connection arrives, then closes.
    Canned(Vec<u8>),
    /// Reads the client's first bytes, then resets the connection (TCP RST).
    Reset,
}

/// A running loopback origin; dropping it stops it.
#[derive(Debug)]
pub struct Origin {
    pub addr: SocketAddr,
    task: Option<JoinHandle<()>>,
    /// Held open so a `Silent` origin's accept queue stays full.
    _held: Vec<std::net::TcpStream>,
    _listener: Option<TcpListener>,
}

impl Drop for Origin {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Builds a rustls server configuration from `spec`.
pub fn server_config(spec: &TlsSpec<'_>) -> Result<Arc<ServerConfig>, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(spec.chain_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("bad certificate PEM: {e}"))?;
    if chain.is_empty() {
        return Err("no certificate in the chain PEM".to_string());
    }
    let key =
        PrivateKeyDer::from_pem_slice(spec.key_pem).map_err(|e| format!("bad key PEM: {e}"))?;
    let mut provider = ring::default_provider();
    if spec.suites == Suites::ChaCha20Only {
        provider
            .cipher_suites
            .retain(|s| format!("{:?}", s.suite()).contains("CHACHA20"));
    }
    let versions: &[&rustls::SupportedProtocolVersion] = match spec.versions {
        Versions::Tls12 => &[&rustls::version::TLS12],
        Versions::Tls13 => &[&rustls::version::TLS13],
        Versions::Both => &[&rustls::version::TLS13, &rustls::version::TLS12],
    };
    let provider: Arc<CryptoProvider> = Arc::new(provider);
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .map_err(|e| e.to_string())?;
    let builder = match spec.request_client_cert {
        None => builder.with_no_client_auth(),
        Some(roots_pem) => {
            let mut roots = RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(roots_pem) {
                roots
                    .add(cert.map_err(|e| format!("bad client CA PEM: {e}"))?)
                    .map_err(|e| e.to_string())?;
            }
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone());
            let verifier = if spec.require_client_cert {
                verifier
            } else {
                verifier.allow_unauthenticated()
            };
            let verifier = verifier.build().map_err(|e| e.to_string())?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = match spec.danger_mismatched_key {
        None => builder
            .with_single_cert(chain, key)
            .map_err(|e| format!("certificate and key do not fit: {e}"))?,
        Some(other_pem) => {
            let other = PrivateKeyDer::from_pem_slice(other_pem)
                .map_err(|e| format!("bad mismatched key PEM: {e}"))?;
            let signer = provider
                .key_provider
                .load_private_key(other)
                .map_err(|e| format!("cannot load the mismatched key: {e}"))?;
            let certified = Arc::new(CertifiedKey::new(chain, signer));
            builder.with_cert_resolver(Arc::new(AlwaysThisKey(certified)))
        }
    };
    Ok(Arc::new(config))
}

/// Starts an origin with `behaviour` on `ip` (a loopback address), on a free port.
pub async fn start(behaviour: Behaviour, ip: IpAddr) -> io::Result<Origin> {
    match behaviour {
        Behaviour::Refuse => {
            // Bind to learn a free port, then close it: connections to it are refused. Another
            // process could take the port in between; on loopback in a test run that is rare
            // and would show as a different verdict, not a hang.
            let listener = TcpListener::bind((ip, 0)).await?;
            let addr = listener.local_addr()?;
            drop(listener);
            Ok(Origin {
                addr,
                task: None,
                _held: Vec::new(),
                _listener: None,
            })
        }
        Behaviour::Silent => silent(ip).await,
        other => {
            let listener = TcpListener::bind((ip, 0)).await?;
            let addr = listener.local_addr()?;
            let task = tokio::spawn(serve(listener, other));
            Ok(Origin {
                addr,
                task: Some(task),
                _held: Vec::new(),
                _listener: None,
            })
        }
    }
}

/// An origin that drops every connection (as [`Behaviour::Silent`]) until `after` has passed,
/// then serves `behaviour`: a client with several connect attempts is answered only on a later
/// one (fact 24). The accept queue is full until then, so the kernel drops SYNs; once the
/// queue is drained, the next SYN (a retransmission or a new attempt) is answered.
pub async fn start_silent_then(
    behaviour: Behaviour,
    ip: IpAddr,
    after: Duration,
) -> io::Result<Origin> {
    let mut origin = silent(ip).await?;
    let Some(listener) = origin._listener.take() else {
        return Err(io::Error::other("the silent origin has no listener"));
    };
    origin.task = Some(tokio::spawn(async move {
        tokio::time::sleep(after).await;
        serve(listener, behaviour).await;
    }));
    Ok(origin)
}

async fn serve(listener: TcpListener, behaviour: Behaviour) {
    let acceptor = match &behaviour {
        Behaviour::Tls(config) | Behaviour::Https(config, _) => {
            Some(TlsAcceptor::from(config.clone()))
        }
        _ => None,
    };
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Accept errors (e.g. EMFILE) are transient; back off briefly instead of spinning.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let behaviour = behaviour.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(CONNECTION_LIFETIME, handle(stream, behaviour, acceptor))
                .await;
        });
    }
}

async fn handle(mut stream: TcpStream, behaviour: Behaviour, acceptor: Option<TlsAcceptor>) {
    match behaviour {
        Behaviour::Tls(_) => {
            let Some(acceptor) = acceptor else { return };
            if let Ok(mut tls) = acceptor.accept(stream).await {
                let _ = tls
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                    )
                    .await;
                let _ = tls.shutdown().await;
            }
        }
        Behaviour::Https(_, responder) => {
            let Some(acceptor) = acceptor else { return };
            if let Ok(mut tls) = acceptor.accept(stream).await {
                let head = read_head(&mut tls).await;
                let answer = answer(&responder, &head).await;
                let _ = tls.write_all(&answer).await;
                let _ = tls.shutdown().await;
            }
        }
        Behaviour::AcceptSilent => {
            // Hold the connection open without a byte until the lifetime runs out.
            tokio::time::sleep(CONNECTION_LIFETIME).await;
            drop(stream);
        }
        Behaviour::Canned(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Behaviour::Reset => {
            let mut first = [0u8; 1];
            let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut first).await;
            // A zero linger turns close into a RST instead of a FIN.
            let _ = stream.set_zero_linger();
            drop(stream);
        }
        Behaviour::Refuse | Behaviour::Silent => {}
    }
}

/// Reads a request head up to the blank line, at most [`MAX_REQUEST_HEAD`] bytes.
async fn read_head(stream: &mut (impl tokio::io::AsyncRead + Unpin)) -> String {
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while head.len() < MAX_REQUEST_HEAD {
        let Ok(n) = stream.read(&mut buf).await else {
            break;
        };
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// The value of header `name` in a request head (first occurrence, trimmed).
fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn response(status: &str, body: &[u8], extra: &str) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

async fn answer(responder: &HttpResponder, head: &str) -> Vec<u8> {
    match responder {
        HttpResponder::Ok(body) => response("200 OK", body, ""),
        HttpResponder::RequireHeader { name, value, body } => {
            if header(head, name) == Some(value.as_str()) {
                response("200 OK", body, "")
            } else {
                response("403 Forbidden", b"forbidden", "")
            }
        }
        HttpResponder::RedirectToHttp => {
            let host = header(head, "host").unwrap_or("localhost");
            let host = host.split(':').next().unwrap_or(host);
            response(
                "301 Moved Permanently",
                b"",
                &format!("location: http://{host}/\r\n"),
            )
        }
        HttpResponder::Raw(bytes) => bytes.clone(),
        HttpResponder::Slow(delay) => {
            tokio::time::sleep(*delay).await;
            response("200 OK", b"late", "")
        }
        HttpResponder::PlainHttpOnHttpsPort => response(
            "400 Bad Request",
            b"<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head><body><center><h1>400 Bad Request</h1></center><center>The plain HTTP request was sent to HTTPS port</center><hr><center>nginx</center></body></html>",
            "content-type: text/html\r\n",
        ),
        HttpResponder::ServerError => response("503 Service Unavailable", b"down", ""),
    }
}

/// A listening socket whose accept queue is full and never drained: Linux drops further SYNs,
/// so a client's connect gets no answer at all, as behind a firewall that drops packets.
///
/// The queue is filled with connects that the kernel completes while there is room. A connect
/// that gets no answer within `FILL_WAIT` means the queue is full; on a loaded machine a slow
/// answer must not be mistaken for that, so the wait is generous and the result is checked:
/// the origin is returned only once a connect has really gone unanswered twice in a row.
async fn silent(ip: IpAddr) -> io::Result<Origin> {
    /// Far longer than the kernel takes to complete a loopback handshake, even under load.
    const FILL_WAIT: Duration = Duration::from_millis(1000);
    /// A backlog of 1 holds two connections; a handful of attempts is plenty.
    const MAX_FILL: usize = 16;
    let socket = if ip.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.bind(SocketAddr::new(ip, 0))?;
    let listener = socket.listen(1)?;
    let addr = listener.local_addr()?;
    let mut held = Vec::new();
    let mut unanswered = 0;
    for _ in 0..MAX_FILL {
        match tokio::time::timeout(FILL_WAIT, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                held.push(stream.into_std()?);
                unanswered = 0;
            }
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                unanswered += 1;
                if unanswered == 2 {
                    return Ok(Origin {
                        addr,
                        task: None,
                        _held: held,
                        _listener: Some(listener),
                    });
                }
            }
        }
    }
    Err(io::Error::other(
        "could not fill the accept queue of the silent origin",
    ))
}
