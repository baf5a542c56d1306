//! The ClientHello writer: a [`ClientHelloSpec`] in, the bytes of one TLS record out.
//!
//! Owns the wire layout of the ClientHello (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2) and of the
//! extensions this crate sends. It never chooses what to offer (that is `profile`), never
//! reads a clock or a random source (the random and the key share are inputs, so tests are
//! byte-exact), and never does I/O.

use std::net::IpAddr;

/// Record content type of handshake records.
pub(crate) const CONTENT_HANDSHAKE: u8 = 0x16;
/// Handshake message type of the ClientHello.
const CLIENT_HELLO: u8 = 0x01;
/// Most bytes of plaintext one record may carry (RFC 5246 §6.2.1, RFC 8446 §5.1): the hello is
/// sent as one record, so it must fit in one.
pub(crate) const MAX_PLAINTEXT: usize = 1 << 14;
/// Most bytes of a session id (RFC 5246 §7.4.1.2).
pub(crate) const MAX_SESSION_ID: usize = 32;

// Extension type codes (IANA "TLS ExtensionType Values"), named as there.
pub(crate) const EXT_SERVER_NAME: u16 = 0x0000;
pub(crate) const EXT_SUPPORTED_GROUPS: u16 = 0x000a;
pub(crate) const EXT_EC_POINT_FORMATS: u16 = 0x000b;
pub(crate) const EXT_SIGNATURE_ALGORITHMS: u16 = 0x000d;
pub(crate) const EXT_SUPPORTED_VERSIONS: u16 = 0x002b;
pub(crate) const EXT_KEY_SHARE: u16 = 0x0033;
pub(crate) const EXT_RENEGOTIATION_INFO: u16 = 0xff01;

/// The order extensions are written in: OpenSSL 3.0's (`ssl/statem/extensions.c`, `ext_defs`),
/// for every extension that table knows; any other extension follows, in the order given.
/// CloudFront's own order is not documented (facts file, open questions); OpenSSL's is the
/// order servers see most often, so the least likely to trip a fussy one, and it lets tests
/// compare our bytes with `openssl s_client`'s exactly.
pub(crate) const EXTENSION_ORDER: &[u16] = &[
    0xff01, // renegotiation_info
    0x0000, // server_name
    0x0001, // max_fragment_length
    0x000c, // srp
    0x000b, // ec_point_formats
    0x000a, // supported_groups
    0x0023, // session_ticket
    0x0005, // status_request
    0x3374, // next_protocol_negotiation
    0x0010, // application_layer_protocol_negotiation
    0x000e, // use_srtp
    0x0016, // encrypt_then_mac
    0x0012, // signed_certificate_timestamp
    0x0017, // extended_master_secret
    0x0032, // signature_algorithms_cert
    0x0031, // post_handshake_auth
    0x000d, // signature_algorithms
    0x002b, // supported_versions
    0x002d, // psk_key_exchange_modes
    0x0033, // key_share
    0x002c, // cookie
    0x002a, // early_data
    0x002f, // certificate_authorities
    0x0015, // padding
    0x0029, // pre_shared_key (must be last, RFC 8446 §4.2.11)
];

/// Everything that goes into one ClientHello. Every list that is empty (and every `None`) is
/// left out of the hello; a hello with no extension at all has no extensions block, as SSLv3
/// hellos are written. Compression methods are always exactly `null` (`0x00`): nothing else is
/// offered by CloudFront or any current client, and offering DEFLATE would change answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHelloSpec {
    /// Version in the record header (`0x0301` for TLS hellos, as OpenSSL writes them).
    pub record_version: u16,
    /// `client_version` / `legacy_version` of the hello (`0x0303` for TLS 1.2 and 1.3).
    pub client_version: u16,
    /// The 32 random bytes. `profile` fills zeros: the probe puts fresh random bytes here.
    pub random: [u8; 32],
    /// At most [`MAX_SESSION_ID`] bytes; empty asks for a new session.
    pub session_id: Vec<u8>,
    /// IANA codes, in preference order (signalling values such as `0x00ff` included as given).
    pub cipher_suites: Vec<u16>,
    /// Host name for server_name (RFC 6066 §3): ASCII, no trailing dot, not an IP literal.
    pub sni: Option<String>,
    /// supported_groups (RFC 8422 §5.1.1, RFC 8446 §4.2.7).
    pub groups: Vec<u16>,
    /// ec_point_formats (RFC 8422 §5.1.2); `0x00` is uncompressed.
    pub ec_point_formats: Vec<u8>,
    /// signature_algorithms (RFC 5246 §7.4.1.4.1, RFC 8446 §4.2.3).
    pub signature_schemes: Vec<u16>,
    /// Send an empty renegotiation_info extension (RFC 5746 §3.4).
    pub renegotiation_info: bool,
    /// supported_versions and key_share, for hellos that offer TLS 1.3.
    pub tls13: Option<Tls13Offer>,
    /// Any other extension, written verbatim (placed by [`EXTENSION_ORDER`]).
    pub extra_extensions: Vec<RawExtension>,
}

/// The TLS 1.3 part of a hello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls13Offer {
    /// supported_versions (RFC 8446 §4.2.1), most preferred first, e.g. `[0x0304]`.
    pub supported_versions: Vec<u16>,
    /// The one key share sent (RFC 8446 §4.2.8).
    pub key_share: KeyShare,
}

/// A key share: the group and the public value. For x25519 any 32 bytes are a valid public
/// key, and the probe never completes the exchange, so random bytes do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShare {
    pub group: u16,
    pub public: Vec<u8>,
}

/// An extension this module has no field for, as type and body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawExtension {
    pub kind: u16,
    pub data: Vec<u8>,
}

/// Why a spec could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("{what} is {len} bytes, over the limit of {limit}")]
    TooLong {
        what: &'static str,
        len: usize,
        limit: usize,
    },
    #[error("server name {sni:?} cannot be sent in SNI: {reason}")]
    InvalidSni { sni: String, reason: &'static str },
    #[error("extension 0x{0:04x} appears twice")]
    DuplicateExtension(u16),
}

impl ClientHelloSpec {
    /// Writes the whole record: header, handshake header, ClientHello body.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut body = Vec::with_capacity(256);
        put_u16(&mut body, self.client_version);
        body.extend_from_slice(&self.random);
        put_block(&mut body, 1, "session id", &self.session_id, MAX_SESSION_ID)?;
        put_block(
            &mut body,
            2,
            "cipher suites",
            &u16s(&self.cipher_suites),
            0xfffe,
        )?;
        // compression_methods: one method, null.
        body.extend_from_slice(&[0x01, 0x00]);
        let extensions = self.extensions()?;
        if !extensions.is_empty() {
            let mut block = Vec::new();
            for (kind, data) in &extensions {
                put_u16(&mut block, *kind);
                put_block(&mut block, 2, "extension", data, 0xffff)?;
            }
            put_block(&mut body, 2, "extensions", &block, 0xffff)?;
        }
        let mut handshake = vec![CLIENT_HELLO];
        put_block(&mut handshake, 3, "ClientHello", &body, MAX_PLAINTEXT - 4)?;
        let mut record = vec![CONTENT_HANDSHAKE];
        put_u16(&mut record, self.record_version);
        put_block(&mut record, 2, "record", &handshake, MAX_PLAINTEXT)?;
        Ok(record)
    }

    /// The extensions as (type, body), in [`EXTENSION_ORDER`].
    fn extensions(&self) -> Result<Vec<(u16, Vec<u8>)>, EncodeError> {
        let mut out: Vec<(u16, Vec<u8>)> = Vec::new();
        if self.renegotiation_info {
            // renegotiated_connection<0..255>, empty on an initial handshake (RFC 5746 §3.4).
            out.push((EXT_RENEGOTIATION_INFO, vec![0x00]));
        }
        if let Some(sni) = &self.sni {
            check_sni(sni)?;
            // ServerNameList: one entry, name_type host_name (0x00).
            let mut entry = vec![0x00];
            put_block(&mut entry, 2, "server name", sni.as_bytes(), 0xffff)?;
            let mut list = Vec::new();
            put_block(&mut list, 2, "server name list", &entry, 0xffff)?;
            out.push((EXT_SERVER_NAME, list));
        }
        if !self.ec_point_formats.is_empty() {
            let mut data = Vec::new();
            put_block(
                &mut data,
                1,
                "ec_point_formats",
                &self.ec_point_formats,
                0xff,
            )?;
            out.push((EXT_EC_POINT_FORMATS, data));
        }
        if !self.groups.is_empty() {
            let mut data = Vec::new();
            put_block(
                &mut data,
                2,
                "supported_groups",
                &u16s(&self.groups),
                0xffff,
            )?;
            out.push((EXT_SUPPORTED_GROUPS, data));
        }
        if !self.signature_schemes.is_empty() {
            let mut data = Vec::new();
            let schemes = u16s(&self.signature_schemes);
            put_block(&mut data, 2, "signature_algorithms", &schemes, 0xfffe)?;
            out.push((EXT_SIGNATURE_ALGORITHMS, data));
        }
        if let Some(tls13) = &self.tls13 {
            let mut versions = Vec::new();
            let list = u16s(&tls13.supported_versions);
            put_block(&mut versions, 1, "supported_versions", &list, 0xfe)?;
            out.push((EXT_SUPPORTED_VERSIONS, versions));
            let mut share = Vec::new();
            put_u16(&mut share, tls13.key_share.group);
            put_block(&mut share, 2, "key share", &tls13.key_share.public, 0xffff)?;
            let mut shares = Vec::new();
            put_block(&mut shares, 2, "key_share", &share, 0xffff)?;
            out.push((EXT_KEY_SHARE, shares));
        }
        for extra in &self.extra_extensions {
            out.push((extra.kind, extra.data.clone()));
        }
        for (i, (kind, _)) in out.iter().enumerate() {
            if out.iter().skip(i + 1).any(|(other, _)| other == kind) {
                return Err(EncodeError::DuplicateExtension(*kind));
            }
        }
        // Stable: extensions OpenSSL does not know keep their given order, after the rest.
        out.sort_by_key(|(kind, _)| {
            EXTENSION_ORDER
                .iter()
                .position(|k| k == kind)
                .unwrap_or(EXTENSION_ORDER.len())
        });
        Ok(out)
    }
}

fn check_sni(sni: &str) -> Result<(), EncodeError> {
    let reason = if sni.is_empty() {
        "it is empty"
    } else if !sni.is_ascii() {
        "it is not ASCII (send the A-label form, RFC 6066 §3)"
    } else if sni.ends_with('.') {
        "it ends with a dot (RFC 6066 §3)"
    } else if sni.parse::<IpAddr>().is_ok() {
        "IP literals are not permitted (RFC 6066 §3)"
    } else {
        return Ok(());
    };
    Err(EncodeError::InvalidSni {
        sni: crate::sanitize::text(sni),
        reason,
    })
}

fn put_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_be_bytes());
}

fn u16s(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// Writes `data` behind a big-endian length prefix of `width` bytes (1, 2 or 3), refusing
/// anything longer than `limit` (which the caller keeps within what `width` can express).
fn put_block(
    out: &mut Vec<u8>,
    width: usize,
    what: &'static str,
    data: &[u8],
    limit: usize,
) -> Result<(), EncodeError> {
    let len = data.len();
    if len > limit {
        return Err(EncodeError::TooLong { what, len, limit });
    }
    // `len <= limit < 2^24`, so its low `width` bytes are the whole value.
    let be = (len as u32).to_be_bytes();
    out.extend_from_slice(be.get(4usize.saturating_sub(width)..).unwrap_or(&be));
    out.extend_from_slice(data);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
        digits
            .chunks(2)
            .map(|p| u8::from_str_radix(std::str::from_utf8(p).expect("ascii"), 16).expect("hex"))
            .collect()
    }

    fn bare(record_version: u16, client_version: u16, suites: &[u16]) -> ClientHelloSpec {
        ClientHelloSpec {
            record_version,
            client_version,
            random: [0; 32],
            session_id: Vec::new(),
            cipher_suites: suites.to_vec(),
            sni: None,
            groups: Vec::new(),
            ec_point_formats: Vec::new(),
            signature_schemes: Vec::new(),
            renegotiation_info: false,
            tls13: None,
            extra_extensions: Vec::new(),
        }
    }

    /// An SSLv3 hello written field by field from RFC 6101 §5.6.1.2: no extensions block.
    #[test]
    fn sslv3_hello_without_extensions_field_by_field() {
        let mut spec = bare(0x0300, 0x0300, &[0x000a, 0x00ff]);
        spec.random = [0xab; 32];
        let mut want = vec![0x16, 0x03, 0x00, 0x00, 0x2f]; // record: handshake, SSLv3, 47 bytes
        want.extend([0x01, 0x00, 0x00, 0x2b]); // ClientHello, 43 bytes
        want.extend([0x03, 0x00]); // client_version
        want.extend([0xab; 32]); // random
        want.push(0x00); // session_id: empty
        want.extend([0x00, 0x04, 0x00, 0x0a, 0x00, 0xff]); // two suites
        want.extend([0x01, 0x00]); // compression: null
        assert_eq!(spec.encode(), Ok(want));
    }

    /// Every extension this module writes, checked against RFC 6066, 8422, 5246, 5746 and 8446
    /// layouts written out by hand.
    #[test]
    fn every_extension_field_by_field() {
        let mut spec = bare(0x0301, 0x0303, &[0xc02f]);
        spec.session_id = vec![0x55; 3];
        spec.sni = Some("a.io".into());
        spec.groups = vec![0x001d];
        spec.ec_point_formats = vec![0x00];
        spec.signature_schemes = vec![0x0401];
        spec.renegotiation_info = true;
        spec.tls13 = Some(Tls13Offer {
            supported_versions: vec![0x0304],
            key_share: KeyShare {
                group: 0x001d,
                public: vec![0x07; 4],
            },
        });
        let want_ext = hex("ff01 0001 00
             0000 0009 0007 00 0004 612e696f
             000b 0002 01 00
             000a 0004 0002 001d
             000d 0004 0002 0401
             002b 0003 02 0304
             0033 000a 0008 001d 0004 07070707");
        let mut body = hex("0303");
        body.extend([0; 32]);
        body.extend(hex("03 555555 0002 c02f 01 00"));
        body.extend((want_ext.len() as u16).to_be_bytes());
        body.extend(&want_ext);
        let mut want = hex("16 0301");
        want.extend(((body.len() + 4) as u16).to_be_bytes());
        want.extend([0x01, 0x00]);
        want.extend((body.len() as u16).to_be_bytes());
        want.extend(body);
        assert_eq!(spec.encode(), Ok(want));
    }

    /// `openssl s_client -tls1 -cipher 'AES128-SHA:@SECLEVEL=0' -servername example.com
    /// -no_ticket -no_etm` (OpenSSL 3.0.19), captured on loopback.
    const OPENSSL_TLS1: &str =
        "16030100490100004503 01 35bd2ec631de55d6d65c5566ec01ac9180f582a7b1ba2d8a65f39348df33a1c3
        00 0004 002f 00ff 0100 0018 0000 0010 000e 00000b 6578616d706c652e636f6d 0017 0000";

    /// `openssl s_client -tls1_3 -ciphersuites TLS_AES_128_GCM_SHA256 -groups X25519 -sigalgs
    /// ECDSA+SHA256:rsa_pss_rsae_sha256 -no_ticket -no_middlebox -servername example.com`.
    const OPENSSL_TLS13: &str =
        "160301009e0100009a 0303 096ae27cec6b1ae9c5ffa345aa81f7cd0d1182386370b8248e616cfffce92140
        00 0004 1301 00ff 0100 006d 0000 0010 000e 00000b 6578616d706c652e636f6d
        000b 0004 03000102 000a 0004 0002001d 0016 0000 0017 0000 000d 0006 0004 0403 0804
        002b 0003 02 0304 002d 0002 0101
        0033 0026 0024 001d 0020 d576b8fe6ac4ba4e03be560a67745f3cb00c36e8a250b8e95dbfb60804910945";

    fn raw(kind: u16, data: &[u8]) -> RawExtension {
        RawExtension {
            kind,
            data: data.to_vec(),
        }
    }

    fn random_of(capture: &[u8]) -> [u8; 32] {
        let mut random = [0; 32];
        random.copy_from_slice(&capture[11..43]);
        random
    }

    #[test]
    fn matches_openssl_tls1_hello() {
        let want = hex(OPENSSL_TLS1);
        let mut spec = bare(0x0301, 0x0301, &[0x002f, 0x00ff]);
        spec.random = random_of(&want);
        spec.sni = Some("example.com".into());
        spec.extra_extensions = vec![raw(0x0017, &[])];
        assert_eq!(spec.encode(), Ok(want));
    }

    #[test]
    fn matches_openssl_tls13_hello_in_openssl_order() {
        let want = hex(OPENSSL_TLS13);
        let mut spec = bare(0x0301, 0x0303, &[0x1301, 0x00ff]);
        spec.random = random_of(&want);
        spec.sni = Some("example.com".into());
        spec.ec_point_formats = vec![0x00, 0x01, 0x02];
        spec.groups = vec![0x001d];
        spec.signature_schemes = vec![0x0403, 0x0804];
        spec.tls13 = Some(Tls13Offer {
            supported_versions: vec![0x0304],
            key_share: KeyShare {
                group: 0x001d,
                public: want[want.len() - 32..].to_vec(),
            },
        });
        // Given out of order on purpose: the writer puts them where OpenSSL does.
        spec.extra_extensions = vec![
            raw(0x002d, &[0x01, 0x01]),
            raw(0x0017, &[]),
            raw(0x0016, &[]),
        ];
        assert_eq!(spec.encode(), Ok(want));
    }

    #[test]
    fn refuses_what_cannot_be_written() {
        let mut spec = bare(0x0301, 0x0303, &[0x002f]);
        spec.session_id = vec![0; 33];
        let too_long = |what, len, limit| Err(EncodeError::TooLong { what, len, limit });
        assert_eq!(spec.encode(), too_long("session id", 33, 32));
        let mut spec = bare(0x0301, 0x0303, &vec![0x002f; 9000]);
        assert_eq!(
            spec.encode(),
            too_long(
                "ClientHello",
                2 + 32 + 1 + (2 + 18_000) + 2,
                MAX_PLAINTEXT - 4
            )
        );
        spec.cipher_suites = vec![0x002f];
        for bad in ["", "b\u{fc}cher.de", "example.com.", "192.0.2.1", "::1"] {
            spec.sni = Some(bad.into());
            assert!(
                matches!(spec.encode(), Err(EncodeError::InvalidSni { .. })),
                "{bad}"
            );
        }
        spec.sni = None;
        spec.renegotiation_info = true;
        spec.extra_extensions = vec![raw(0xff01, &[0])];
        assert_eq!(spec.encode(), Err(EncodeError::DuplicateExtension(0xff01)));
    }
}
