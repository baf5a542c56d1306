//! Decoders for single, complete handshake messages a server sends in cleartext: ServerHello
//! (and HelloRetryRequest), Certificate (TLS <= 1.2 layout), ECDHE ServerKeyExchange (the curve,
//! the signed parameters and the signature, kept as sent so `cert` can check them).
//!
//! Owns the layout of those message bodies (RFC 5246 §7.4, RFC 8446 §4.1.3, RFC 8422 §5.4,
//! RFC 4492 §5.4).
//! Never sees records or fragments (that is `server`), never allocates more than the bytes it
//! was handed, and never panics: every read goes through [`Reader`], which checks lengths.

use crate::tls::codes::KeyExchange;
use crate::tls::event::WireError;
use crate::tls::server::MAX_CERTIFICATES;

/// `ServerHello.random` of a HelloRetryRequest: SHA-256 of "HelloRetryRequest"
/// (RFC 8446 §4.1.3).
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// A decoded ServerHello or HelloRetryRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// `server_version` / `legacy_version` (`0x0303` in TLS 1.3).
    pub legacy_version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suite: u16,
    pub compression: u8,
    /// The supported_versions extension (RFC 8446 §4.2.1), sent only when TLS 1.3 is chosen.
    pub selected_version: Option<u16>,
    /// The group of key_share: the server's share in a ServerHello, the group asked for in a
    /// HelloRetryRequest.
    pub key_share_group: Option<u16>,
    /// The random is [`HELLO_RETRY_REQUEST_RANDOM`].
    pub is_hello_retry_request: bool,
    /// Extension types, in the order sent.
    pub extensions: Vec<u16>,
}

impl ServerHello {
    /// The version the server chose: supported_versions when present, else `legacy_version`.
    pub fn version(&self) -> u16 {
        self.selected_version.unwrap_or(self.legacy_version)
    }

    /// Whether the server chose TLS 1.3 (or a draft of it, `0x7fxx`), after which everything
    /// it sends is encrypted.
    pub fn is_tls13(&self) -> bool {
        self.selected_version
            .is_some_and(|v| v >= 0x0304 || v >> 8 == 0x7f)
    }
}

/// A bounds-checked cursor over a byte slice.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Reader { bytes, what }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len()
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if n > self.bytes.len() {
            return Err(self.malformed("a length runs past the end"));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?.first().copied().unwrap_or_default())
    }

    pub(crate) fn u16(&mut self) -> Result<u16, WireError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([byte(b, 0), byte(b, 1)]))
    }

    pub(crate) fn u24(&mut self) -> Result<usize, WireError> {
        let b = self.take(3)?;
        Ok(usize::from(byte(b, 0)) << 16 | usize::from(byte(b, 1)) << 8 | usize::from(byte(b, 2)))
    }

    pub(crate) fn malformed(&self, problem: &'static str) -> WireError {
        WireError::Malformed {
            what: self.what,
            problem,
        }
    }
}

/// `bytes[i]`, for slices whose length the caller has checked.
fn byte(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).copied().unwrap_or_default()
}

/// Decodes a ServerHello body (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3).
pub(crate) fn server_hello(body: &[u8]) -> Result<ServerHello, WireError> {
    let mut r = Reader::new(body, "ServerHello");
    let legacy_version = r.u16()?;
    let random: [u8; 32] = r
        .take(32)?
        .try_into()
        .map_err(|_| r.malformed("short random"))?;
    let sid_len = usize::from(r.u8()?);
    if sid_len > 32 {
        return Err(r.malformed("session id longer than 32 bytes"));
    }
    let session_id = r.take(sid_len)?.to_vec();
    let cipher_suite = r.u16()?;
    let compression = r.u8()?;
    let mut hello = ServerHello {
        legacy_version,
        random,
        session_id,
        cipher_suite,
        compression,
        selected_version: None,
        key_share_group: None,
        is_hello_retry_request: random == HELLO_RETRY_REQUEST_RANDOM,
        extensions: Vec::new(),
    };
    // The extensions block is optional before TLS 1.3 (RFC 5246 §7.4.1.3).
    if r.is_empty() {
        return Ok(hello);
    }
    let total = usize::from(r.u16()?);
    if total != r.remaining() {
        return Err(r.malformed("extensions length does not match the message"));
    }
    while !r.is_empty() {
        let kind = r.u16()?;
        let len = usize::from(r.u16()?);
        let mut data = Reader::new(r.take(len)?, "ServerHello extension");
        match kind {
            0x002b => {
                hello.selected_version = Some(data.u16()?);
                if !data.is_empty() {
                    return Err(data.malformed("supported_versions is not one version"));
                }
            }
            0x0033 => hello.key_share_group = Some(data.u16()?),
            _ => {}
        }
        hello.extensions.push(kind);
    }
    Ok(hello)
}

/// Decodes a TLS <= 1.2 Certificate body (RFC 5246 §7.4.2): the DER certificates in the order
/// sent. At most [`MAX_CERTIFICATES`]; each is copied out of `body`, so nothing is allocated
/// beyond what was received.
pub(crate) fn certificate(body: &[u8]) -> Result<Vec<Vec<u8>>, WireError> {
    let mut r = Reader::new(body, "Certificate");
    let total = r.u24()?;
    if total != r.remaining() {
        return Err(r.malformed("certificate list length does not match the message"));
    }
    let mut chain = Vec::new();
    while !r.is_empty() {
        if chain.len() == MAX_CERTIFICATES {
            return Err(WireError::TooLarge {
                what: "certificates in a Certificate message",
                len: chain.len() + 1,
                limit: MAX_CERTIFICATES,
            });
        }
        let len = r.u24()?;
        if len == 0 {
            return Err(r.malformed("empty certificate"));
        }
        chain.push(r.take(len)?.to_vec());
    }
    Ok(chain)
}

/// What an ECDHE ServerKeyExchange carries (RFC 8422 §5.4; RFC 4492 §5.4 before TLS 1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyExchangeParams {
    /// The named curve (`curve_type` named_curve, `0x03`); `None` for explicit curves, whose
    /// parameters are not decoded (no TLS stack in use sends them), and then nothing else is.
    pub curve: Option<u16>,
    /// What the server signed, when the message could be split: its parameters and signature.
    pub signed: Option<SignedParams>,
}

/// The signed part of an ECDHE ServerKeyExchange, exactly as sent. The signature covers
/// `client_random || server_random || params` (RFC 8422 §5.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedParams {
    /// `ServerECDHParams` as sent: curve type, named curve, the length-prefixed public point.
    pub params: Vec<u8>,
    /// `SignatureAndHashAlgorithm` (RFC 5246 §7.4.1.4.1): present from TLS 1.2 on only.
    pub scheme: Option<u16>,
    /// The signature bytes (DER for ECDSA, the RSA signature block for RSA).
    pub signature: Vec<u8>,
}

/// Decodes an ECDHE ServerKeyExchange body; `tls12` says whether the signature is preceded by
/// its `SignatureAndHashAlgorithm` (TLS 1.2) or not (TLS 1.0, 1.1). Other kinds of exchange
/// (DHE, which CloudFront never offers) are not decoded: no curve, nothing signed.
/// Bytes after the signature are malformed, as for a TLS client (OpenSSL: decode_error).
pub(crate) fn server_key_exchange(
    kind: KeyExchange,
    tls12: bool,
    body: &[u8],
) -> Result<KeyExchangeParams, WireError> {
    let nothing = KeyExchangeParams {
        curve: None,
        signed: None,
    };
    if !matches!(kind, KeyExchange::EcdheRsa | KeyExchange::EcdheEcdsa) {
        return Ok(nothing);
    }
    let mut r = Reader::new(body, "ServerKeyExchange");
    if r.u8()? != 0x03 {
        return Ok(nothing);
    }
    let curve = r.u16()?;
    let point_len = usize::from(r.u8()?);
    r.take(point_len)?;
    // In bounds: curve type, curve and point were just read from the front of `body`.
    let params = body.get(..4 + point_len).unwrap_or_default().to_vec();
    let scheme = if tls12 { Some(r.u16()?) } else { None };
    let signature_len = usize::from(r.u16()?);
    let signature = r.take(signature_len)?.to_vec();
    if !r.is_empty() {
        return Err(r.malformed("bytes after the signature"));
    }
    Ok(KeyExchangeParams {
        curve: Some(curve),
        signed: Some(SignedParams {
            params,
            scheme,
            signature,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello_body(random: [u8; 32], extensions: &[u8]) -> Vec<u8> {
        let mut body = vec![0x03, 0x03];
        body.extend(random);
        body.extend([0x00, 0x13, 0x01, 0x00]);
        body.extend((extensions.len() as u16).to_be_bytes());
        body.extend(extensions);
        body
    }

    #[test]
    fn decodes_tls13_server_hello_and_hrr() {
        let ext = [
            0x00, 0x2b, 0x00, 0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x02, 0x00, 0x17,
        ];
        let hrr = server_hello(&hello_body(HELLO_RETRY_REQUEST_RANDOM, &ext)).expect("valid");
        assert!(hrr.is_hello_retry_request && hrr.is_tls13());
        assert_eq!((hrr.version(), hrr.key_share_group), (0x0304, Some(0x0017)));
        assert_eq!(hrr.extensions, [0x002b, 0x0033]);
        let sh = server_hello(&hello_body([7; 32], &ext)).expect("valid");
        assert!(!sh.is_hello_retry_request);
    }

    #[test]
    fn rejects_malformed_server_hellos() {
        let mut long_sid = hello_body([7; 32], &[]);
        long_sid[34] = 33;
        assert!(matches!(
            server_hello(&long_sid),
            Err(WireError::Malformed { .. })
        ));
        let mut bad_total = hello_body([7; 32], &[0xff, 0x01, 0x00, 0x01, 0x00]);
        bad_total.push(0);
        assert!(server_hello(&bad_total).is_err());
        let bad_versions = hello_body([7; 32], &[0x00, 0x2b, 0x00, 0x03, 0x03, 0x04, 0x00]);
        assert!(server_hello(&bad_versions).is_err());
        assert!(server_hello(&[0x03]).is_err());
    }

    #[test]
    fn certificate_limits_count_and_rejects_empty_entries() {
        let one = [0x00, 0x00, 0x01, 0x30];
        let mut body = Vec::new();
        let n = MAX_CERTIFICATES + 1;
        body.extend(((n * one.len()) as u32).to_be_bytes()[1..].iter());
        for _ in 0..n {
            body.extend(one);
        }
        assert_eq!(
            certificate(&body),
            Err(WireError::TooLarge {
                what: "certificates in a Certificate message",
                len: MAX_CERTIFICATES + 1,
                limit: MAX_CERTIFICATES
            })
        );
        assert!(certificate(&[0, 0, 3, 0, 0, 0]).is_err());
        assert_eq!(certificate(&[0, 0, 0]), Ok(Vec::new()));
    }

    #[test]
    fn ecdhe_key_exchange_splits_params_scheme_and_signature() {
        // Named curve x25519, a 2-byte point, then (TLS 1.2) rsa_pkcs1_sha256 and 3 bytes.
        let tls12 = [
            0x03, 0x00, 0x1d, 0x02, 0xaa, 0xbb, 0x04, 0x01, 0x00, 0x03, 0x01, 0x02, 0x03,
        ];
        let got = server_key_exchange(KeyExchange::EcdheRsa, true, &tls12).expect("valid");
        assert_eq!(got.curve, Some(0x001d));
        assert_eq!(
            got.signed,
            Some(SignedParams {
                params: vec![0x03, 0x00, 0x1d, 0x02, 0xaa, 0xbb],
                scheme: Some(0x0401),
                signature: vec![1, 2, 3],
            })
        );
        // TLS 1.0/1.1: no scheme before the signature.
        let tls10 = [0x03, 0x00, 0x17, 0x01, 0xaa, 0x00, 0x01, 0x09];
        let got = server_key_exchange(KeyExchange::EcdheEcdsa, false, &tls10).expect("valid");
        let signed = got.signed.expect("signed");
        assert_eq!((signed.scheme, signed.signature), (None, vec![9]));
        // Trailing bytes, a short signature, a short point: malformed.
        let mut trailing = tls10.to_vec();
        trailing.push(0);
        for bad in [&trailing[..], &tls10[..7], &tls10[..4], &[0x03, 0x00][..]] {
            assert!(
                server_key_exchange(KeyExchange::EcdheEcdsa, false, bad).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn curve_only_for_named_ecdhe() {
        let named = [0x03, 0x00, 0x1d, 0x00, 0x00, 0x00];
        let curve = |kind, body: &[u8]| server_key_exchange(kind, false, body).map(|k| k.curve);
        assert_eq!(curve(KeyExchange::EcdheRsa, &named), Ok(Some(0x001d)));
        assert_eq!(curve(KeyExchange::DheRsa, &named), Ok(None));
        assert_eq!(curve(KeyExchange::EcdheEcdsa, &[0x01]), Ok(None));
        assert!(curve(KeyExchange::EcdheEcdsa, &[0x03, 0x00]).is_err());
    }
}
