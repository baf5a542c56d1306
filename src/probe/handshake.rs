//! rustls handshakes that record instead of verifying.
//!
//! Two client profiles: `Tls13` (everything rustls has at TLS 1.3), run to read the chain of an
//! origin that speaks nothing older, and `CloudFront` (as close to CloudFront's origin offer as
//! rustls can be: TLS 1.2 only, CloudFront's ECDHE-GCM suites, groups x25519/P-256/P-384,
//! CloudFront's signature schemes without RSA-PSS; facts 1-8), the client of the `--http`
//! request. The certificate verifier accepts any chain and keeps it exactly as sent, in the
//! order sent, and accepts every handshake signature: the handshake never aborts on a bad
//! certificate, so `cert` can judge it afterwards. (The signature CloudFront would check, that
//! of the ServerKeyExchange answering CloudFront's own hello, is checked from the raw hello's
//! record by `cert::check_key_exchange`.) Never judges; every byte read is counted against a
//! limit.

use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ResolvesClientCert, Resumption};
use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{
    AlertDescription, ClientConfig, DigitallySignedStruct, ProtocolVersion, SignatureScheme,
};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use crate::record::{HandshakeKind, HandshakeOutcome, Negotiated, TlsVersion};

/// Most bytes a server may send before the handshake completes. A chain of 16 certificates of
/// 4 KiB each is 64 KiB; four times that leaves room for any real server while a hostile one
/// that streams endlessly is cut off here instead of filling memory.
pub(crate) const MAX_HANDSHAKE_BYTES: usize = 256 * 1024;

/// How many of the first bytes received are kept, to show what a non-TLS server answered.
const FIRST_BYTES_KEPT: usize = 64;

/// Signature schemes CloudFront accepts from origins (fact 8): PKCS#1 and ECDSA, no RSA-PSS,
/// no EdDSA. The SHA-224 variants CloudFront lists have no rustls code point.
const CLOUDFRONT_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::ECDSA_NISTP256_SHA256,
    SignatureScheme::ECDSA_NISTP384_SHA384,
    SignatureScheme::ECDSA_NISTP521_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
    SignatureScheme::RSA_PKCS1_SHA1,
    SignatureScheme::ECDSA_SHA1_Legacy,
];

/// CloudFront's origin suites (fact 5) that rustls implements: the ECDHE AES-GCM ones. Its CBC,
/// RSA-key-exchange, 3DES and RC4 suites cannot be offered by rustls.
fn cloudfront_provider() -> CryptoProvider {
    let wanted = [
        rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        rustls::CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        rustls::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ];
    let base = ring::default_provider();
    CryptoProvider {
        cipher_suites: base
            .cipher_suites
            .iter()
            .copied()
            .filter(|s| wanted.contains(&s.suite()))
            .collect(),
        // x25519, P-256, P-384: exactly CloudFront's curves (fact 7).
        kx_groups: ring::ALL_KX_GROUPS.to_vec(),
        ..base
    }
}

/// Performs one handshake of `kind` over `stream`, within `timeout`.
pub(crate) async fn handshake(
    kind: HandshakeKind,
    stream: TcpStream,
    ip: IpAddr,
    sni: Option<&str>,
    timeout: Duration,
) -> HandshakeOutcome {
    let started = Instant::now();
    let recorder = Arc::new(Recorder::new(kind));
    let config = match client_config(kind, &recorder) {
        Ok(c) => c,
        Err(e) => {
            return HandshakeOutcome::Failed {
                message: format!("cannot configure rustls: {e}"),
            };
        }
    };
    // An SNI that is not a valid DNS name for rustls (rare: CloudFront names are DNS names)
    // falls back to no SNI, as for IP literals.
    let server_name = sni
        .and_then(|n| ServerName::try_from(n.to_string()).ok())
        .unwrap_or(ServerName::IpAddress(ip.into()));
    let counted = Counted::new(stream);
    let counters = counted.counters();
    let connector = TlsConnector::from(Arc::new(config));
    let result = tokio::time::timeout(timeout, connector.connect(server_name, counted)).await;
    let Ok(result) = result else {
        return HandshakeOutcome::TimedOut {
            after: started.elapsed(),
        };
    };
    match result {
        Ok(tls) => {
            let (_, conn) = tls.get_ref();
            let version = conn.protocol_version().and_then(tls_version);
            let suite = conn.negotiated_cipher_suite();
            let (Some(version), Some(suite)) = (version, suite) else {
                return HandshakeOutcome::Failed {
                    message: "handshake completed without a version or suite".to_string(),
                };
            };
            let chain = recorder.chain().unwrap_or_else(|| {
                conn.peer_certificates()
                    .unwrap_or_default()
                    .iter()
                    .map(|c| c.to_vec())
                    .collect()
            });
            HandshakeOutcome::Negotiated(Negotiated {
                version,
                suite: format!("{:?}", suite.suite()),
                chain,
                client_cert_requested: recorder.client_cert_requested.load(Ordering::Relaxed),
            })
        }
        Err(e) => classify_error(&e, &counters),
    }
}

fn classify_error(e: &io::Error, counters: &Counters) -> HandshakeOutcome {
    if counters.exceeded.load(Ordering::Relaxed) {
        return HandshakeOutcome::TooLarge {
            limit: MAX_HANDSHAKE_BYTES,
        };
    }
    if let Some(tls) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return match tls {
            rustls::Error::AlertReceived(alert) => HandshakeOutcome::Alert {
                description: alert_name(*alert),
            },
            rustls::Error::InvalidMessage(_) => {
                let first = counters.first_bytes();
                // 0x14-0x18: the TLS record content types; anything else is not TLS at all.
                if first.first().is_some_and(|b| !(0x14..=0x18).contains(b)) {
                    HandshakeOutcome::NotTls { first_bytes: first }
                } else {
                    HandshakeOutcome::Failed {
                        message: tls.to_string(),
                    }
                }
            }
            other => HandshakeOutcome::Failed {
                message: other.to_string(),
            },
        };
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof => {
            let first = counters.first_bytes();
            if first.first().is_some_and(|b| !(0x14..=0x18).contains(b)) {
                HandshakeOutcome::NotTls { first_bytes: first }
            } else {
                HandshakeOutcome::Closed
            }
        }
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => HandshakeOutcome::Reset,
        _ => HandshakeOutcome::Failed {
            message: e.to_string(),
        },
    }
}

fn tls_version(v: ProtocolVersion) -> Option<TlsVersion> {
    match v {
        ProtocolVersion::SSLv3 => Some(TlsVersion::Ssl3),
        ProtocolVersion::TLSv1_0 => Some(TlsVersion::Tls10),
        ProtocolVersion::TLSv1_1 => Some(TlsVersion::Tls11),
        ProtocolVersion::TLSv1_2 => Some(TlsVersion::Tls12),
        ProtocolVersion::TLSv1_3 => Some(TlsVersion::Tls13),
        _ => None,
    }
}

/// The RFC 8446 name of an alert, e.g. `handshake_failure (40)`.
fn alert_name(alert: AlertDescription) -> String {
    let debug = format!("{alert:?}");
    let mut snake = String::with_capacity(debug.len() + 4);
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    format!("{snake} ({})", u8::from(alert))
}

/// The CloudFront profile for the `--http` request: the same offer as the CloudFront handshake,
/// with the recording verifier that accepts every chain (the chain was judged already, from the
/// handshake that preceded the request). No ALPN, as in the handshake probe.
pub(crate) fn cloudfront_http_config() -> Result<ClientConfig, rustls::Error> {
    let recorder = Arc::new(Recorder::new(HandshakeKind::CloudFront));
    client_config(HandshakeKind::CloudFront, &recorder)
}

fn client_config(
    kind: HandshakeKind,
    recorder: &Arc<Recorder>,
) -> Result<ClientConfig, rustls::Error> {
    // Built once per run: a provider is a few vectors, cloned for every handshake otherwise.
    static CLOUDFRONT: LazyLock<Arc<CryptoProvider>> =
        LazyLock::new(|| Arc::new(cloudfront_provider()));
    static EVERYTHING: LazyLock<Arc<CryptoProvider>> =
        LazyLock::new(|| Arc::new(ring::default_provider()));
    let (provider, versions): (&Arc<CryptoProvider>, &[&rustls::SupportedProtocolVersion]) =
        match kind {
            HandshakeKind::CloudFront => (&CLOUDFRONT, &[&rustls::version::TLS12]),
            HandshakeKind::Tls13 => (&EVERYTHING, &[&rustls::version::TLS13]),
        };
    let mut config = ClientConfig::builder_with_provider(Arc::clone(provider))
        .with_protocol_versions(versions)?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_client_cert_resolver(recorder.clone());
    // Every probe is a fresh look: a resumed session would skip the certificate.
    config.resumption = Resumption::disabled();
    config.enable_sni = true;
    Ok(config)
}

/// Accepts every certificate, keeping the chain as sent, and notes client-certificate requests.
#[derive(Debug)]
struct Recorder {
    chain: Mutex<Option<Vec<Vec<u8>>>>,
    client_cert_requested: AtomicBool,
    schemes: Vec<SignatureScheme>,
}

impl Recorder {
    fn new(kind: HandshakeKind) -> Recorder {
        let schemes = match kind {
            HandshakeKind::CloudFront => CLOUDFRONT_SCHEMES.to_vec(),
            HandshakeKind::Tls13 => ring::default_provider()
                .signature_verification_algorithms
                .supported_schemes(),
        };
        Recorder {
            chain: Mutex::new(None),
            client_cert_requested: AtomicBool::new(false),
            schemes,
        }
    }

    fn chain(&self) -> Option<Vec<Vec<u8>>> {
        self.chain.lock().ok().and_then(|c| c.clone())
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.to_vec())
            .collect();
        if let Ok(mut slot) = self.chain.lock() {
            *slot = Some(chain);
        }
        Ok(ServerCertVerified::assertion())
    }

    // Never checked here: the TLS 1.3 handshake only reads a chain (a TLS 1.3-only origin fails
    // CloudFront's hello anyway), and the `--http` request follows a handshake whose
    // ServerKeyExchange signature `cert::check_key_exchange` has judged already.
    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.schemes.clone()
    }
}

impl ResolvesClientCert for Recorder {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        self.client_cert_requested.store(true, Ordering::Relaxed);
        None
    }

    fn has_certs(&self) -> bool {
        false
    }
}

/// What a `Counted` stream has seen, shared with the code that classifies errors.
#[derive(Debug, Default)]
struct Counters {
    first: Mutex<Vec<u8>>,
    exceeded: AtomicBool,
}

impl Counters {
    fn first_bytes(&self) -> Vec<u8> {
        self.first.lock().map(|f| f.clone()).unwrap_or_default()
    }
}

/// A TCP stream that keeps the first bytes received and fails once more than
/// [`MAX_HANDSHAKE_BYTES`] have been read.
#[derive(Debug)]
struct Counted {
    inner: TcpStream,
    total: usize,
    counters: Arc<Counters>,
}

impl Counted {
    fn new(inner: TcpStream) -> Counted {
        Counted {
            inner,
            total: 0,
            counters: Arc::new(Counters::default()),
        }
    }

    fn counters(&self) -> Arc<Counters> {
        self.counters.clone()
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.total >= MAX_HANDSHAKE_BYTES {
            self.counters.exceeded.store(true, Ordering::Relaxed);
            return Poll::Ready(Err(io::Error::other("handshake size limit exceeded")));
        }
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            let new = &buf.filled()[before..];
            if self.total < FIRST_BYTES_KEPT
                && let Ok(mut first) = self.counters.first.lock()
            {
                let room = FIRST_BYTES_KEPT - first.len().min(FIRST_BYTES_KEPT);
                first.extend_from_slice(&new[..new.len().min(room)]);
            }
            self.total += new.len();
        }
        result
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloudfront_profile_offers_only_cloudfront_suites() {
        let p = cloudfront_provider();
        let names: Vec<String> = p
            .cipher_suites
            .iter()
            .map(|s| format!("{:?}", s.suite()))
            .collect();
        assert_eq!(names.len(), 4, "{names:?}");
        assert!(
            names
                .iter()
                .all(|n| n.starts_with("TLS_ECDHE_") && n.contains("_GCM_")),
            "{names:?}"
        );
        assert!(
            !CLOUDFRONT_SCHEMES
                .iter()
                .any(|s| format!("{s:?}").contains("PSS"))
        );
    }

    #[test]
    fn alert_names_follow_the_rfc() {
        assert_eq!(
            alert_name(AlertDescription::HandshakeFailure),
            "handshake_failure (40)"
        );
        assert_eq!(
            alert_name(AlertDescription::ProtocolVersion),
            "protocol_version (70)"
        );
        assert_eq!(
            alert_name(AlertDescription::UnrecognisedName),
            "unrecognised_name (112)"
        );
    }
}
