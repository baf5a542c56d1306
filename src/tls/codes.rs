//! TLS code points and their names: cipher suites, versions, named groups, signature schemes,
//! alerts and extensions, as IANA registers them.
//!
//! Owns the numbers and the words reports use for them, so a report can name what a server
//! picked (`0xc013` is `TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA`, OpenSSL's `ECDHE-RSA-AES128-SHA`).
//! It never decides what CloudFront offers (that is `profile`) and never judges a choice.
//! Numbers are written in hex as the RFCs write them.

use crate::record::TlsVersion;

/// How a cipher suite agrees on keys and authenticates the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyExchange {
    /// Static RSA key transport (`TLS_RSA_WITH_*`): no ServerKeyExchange.
    Rsa,
    /// Ephemeral ECDH signed with an RSA key.
    EcdheRsa,
    /// Ephemeral ECDH signed with an ECDSA key.
    EcdheEcdsa,
    /// Ephemeral finite-field DH signed with an RSA key.
    DheRsa,
    /// TLS 1.3 suites: the key exchange is negotiated separately (key_share).
    Tls13,
    /// Anything else (DHE-DSS, PSK, anonymous, signalling values).
    Other,
}

/// The bulk cipher of a suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Cipher {
    AesGcm,
    AesCbc,
    AesCcm,
    Chacha20Poly1305,
    TripleDes,
    Rc4,
    Des,
    Camellia,
    Null,
    /// Not a cipher: a signalling value in the suite list (`0x00ff`, `0x5600`).
    Signal,
}

/// One registered cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CipherSuite {
    pub code: u16,
    /// The IANA name, e.g. `TLS_RSA_WITH_AES_128_CBC_SHA`.
    pub iana: &'static str,
    /// The OpenSSL name, e.g. `AES128-SHA` (TLS 1.3 suites use the IANA name there too).
    pub openssl: &'static str,
    pub kx: KeyExchange,
    pub cipher: Cipher,
    /// Oldest version the suite may be negotiated at.
    pub min_version: TlsVersion,
    /// Newest version the suite may be negotiated at.
    pub max_version: TlsVersion,
}

impl CipherSuite {
    /// Whether the suite may be negotiated at `version`.
    pub(crate) fn valid_at(&self, version: TlsVersion) -> bool {
        self.min_version <= version && version <= self.max_version
    }
}

const fn suite(
    code: u16,
    iana: &'static str,
    openssl: &'static str,
    kx: KeyExchange,
    cipher: Cipher,
    min_version: TlsVersion,
    max_version: TlsVersion,
) -> CipherSuite {
    CipherSuite {
        code,
        iana,
        openssl,
        kx,
        cipher,
        min_version,
        max_version,
    }
}

use Cipher::*;
use KeyExchange::*;
use TlsVersion::{Ssl3, Tls10, Tls11, Tls12};

// Short names for the table's version columns (the variant `Tls13` is the key exchange's).
const SSL3: TlsVersion = TlsVersion::Ssl3;
const TLS10: TlsVersion = TlsVersion::Tls10;
const TLS11: TlsVersion = TlsVersion::Tls11;
const TLS12: TlsVersion = TlsVersion::Tls12;
const TLS13: TlsVersion = TlsVersion::Tls13;

/// Every suite this crate can name. Version bounds: suites with SHA-256/384 MACs or AEAD
/// ciphers exist only from TLS 1.2 (RFC 5246, 5288, 5289, 7905); ECDHE suites from TLS 1.0
/// (RFC 4492 defines them for TLS only); DES is forbidden from TLS 1.2 (RFC 5469); TLS 1.3
/// suites are TLS 1.3 only and no other suite is valid there (RFC 8446 §B.4). The rest go back
/// to SSLv3 as OpenSSL allows them (`openssl ciphers -V`).
#[rustfmt::skip]
pub(crate) const CIPHER_SUITES: &[CipherSuite] = &[
    // TLS 1.3 (RFC 8446 §B.4).
    suite(0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", Tls13, AesGcm, TLS13, TLS13),
    suite(0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", Tls13, AesGcm, TLS13, TLS13),
    suite(0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", Tls13, Chacha20Poly1305, TLS13, TLS13),
    suite(0x1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256", Tls13, AesCcm, TLS13, TLS13),
    suite(0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256", Tls13, AesCcm, TLS13, TLS13),
    // ECDHE-ECDSA (RFC 4492, 5289, 7905).
    suite(0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384", EcdheEcdsa, AesGcm, TLS12, TLS12),
    suite(0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384", EcdheEcdsa, AesCbc, TLS12, TLS12),
    suite(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA", EcdheEcdsa, AesCbc, TLS10, TLS12),
    suite(0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256", EcdheEcdsa, AesGcm, TLS12, TLS12),
    suite(0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256", EcdheEcdsa, AesCbc, TLS12, TLS12),
    suite(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA", EcdheEcdsa, AesCbc, TLS10, TLS12),
    suite(0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305", EcdheEcdsa, Chacha20Poly1305, TLS12, TLS12),
    suite(0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-ECDSA-DES-CBC3-SHA", EcdheEcdsa, TripleDes, TLS10, TLS12),
    suite(0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA", EcdheEcdsa, Rc4, TLS10, TLS12),
    // ECDHE-RSA.
    suite(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", EcdheRsa, AesGcm, TLS12, TLS12),
    suite(0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384", EcdheRsa, AesCbc, TLS12, TLS12),
    suite(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA", EcdheRsa, AesCbc, TLS10, TLS12),
    suite(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256", EcdheRsa, AesGcm, TLS12, TLS12),
    suite(0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256", EcdheRsa, AesCbc, TLS12, TLS12),
    suite(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA", EcdheRsa, AesCbc, TLS10, TLS12),
    suite(0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305", EcdheRsa, Chacha20Poly1305, TLS12, TLS12),
    suite(0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA", EcdheRsa, TripleDes, TLS10, TLS12),
    suite(0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA", EcdheRsa, Rc4, TLS10, TLS12),
    // DHE-RSA (RFC 5246, 5288, 7905).
    suite(0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384", DheRsa, AesGcm, TLS12, TLS12),
    suite(0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256", DheRsa, AesCbc, TLS12, TLS12),
    suite(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA", DheRsa, AesCbc, SSL3, TLS12),
    suite(0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256", DheRsa, AesGcm, TLS12, TLS12),
    suite(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256", DheRsa, AesCbc, TLS12, TLS12),
    suite(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA", DheRsa, AesCbc, SSL3, TLS12),
    suite(0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305", DheRsa, Chacha20Poly1305, TLS12, TLS12),
    suite(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "DHE-RSA-DES-CBC3-SHA", DheRsa, TripleDes, SSL3, TLS12),
    suite(0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "DHE-RSA-CAMELLIA256-SHA", DheRsa, Camellia, SSL3, TLS12),
    suite(0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "DHE-RSA-CAMELLIA128-SHA", DheRsa, Camellia, SSL3, TLS12),
    // DHE-DSS: named, never offered.
    suite(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA", Other, AesCbc, SSL3, TLS12),
    suite(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA", Other, AesCbc, SSL3, TLS12),
    // Static RSA (RFC 5246, 5288).
    suite(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384", Rsa, AesGcm, TLS12, TLS12),
    suite(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256", Rsa, AesGcm, TLS12, TLS12),
    suite(0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256", Rsa, AesCbc, TLS12, TLS12),
    suite(0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256", Rsa, AesCbc, TLS12, TLS12),
    suite(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA", Rsa, AesCbc, SSL3, TLS12),
    suite(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA", Rsa, AesCbc, SSL3, TLS12),
    suite(0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "CAMELLIA256-SHA", Rsa, Camellia, SSL3, TLS12),
    suite(0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "CAMELLIA128-SHA", Rsa, Camellia, SSL3, TLS12),
    suite(0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA", Rsa, TripleDes, SSL3, TLS12),
    suite(0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA", Rsa, Rc4, SSL3, TLS12),
    suite(0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5", Rsa, Rc4, SSL3, TLS12),
    suite(0x0009, "TLS_RSA_WITH_DES_CBC_SHA", "DES-CBC-SHA", Rsa, Des, SSL3, TLS11),
    suite(0x003b, "TLS_RSA_WITH_NULL_SHA256", "NULL-SHA256", Rsa, Null, TLS12, TLS12),
    suite(0x0002, "TLS_RSA_WITH_NULL_SHA", "NULL-SHA", Rsa, Null, SSL3, TLS12),
    suite(0x0001, "TLS_RSA_WITH_NULL_MD5", "NULL-MD5", Rsa, Null, SSL3, TLS12),
    // Signalling values (RFC 5746 §3.3, RFC 7507): never selected by a correct server.
    suite(0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", "", Other, Signal, SSL3, TLS12),
    suite(0x5600, "TLS_FALLBACK_SCSV", "", Other, Signal, SSL3, TLS12),
];

/// The renegotiation-indication signalling suite (RFC 5746 §3.3), sent instead of the
/// renegotiation_info extension where a hello carries no extensions (SSLv3).
pub(crate) const TLS_EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00ff;

/// Looks a suite up by its code.
pub(crate) fn cipher_suite(code: u16) -> Option<&'static CipherSuite> {
    CIPHER_SUITES.iter().find(|s| s.code == code)
}

/// The IANA name of a suite, or its code in hex (`0x1234`) when this table does not know it.
pub(crate) fn cipher_suite_name(code: u16) -> String {
    cipher_suite(code).map_or_else(|| format!("0x{code:04x}"), |s| s.iana.to_owned())
}

/// The wire code of a protocol version (`legacy_version` / `supported_versions` value).
pub(crate) fn version_code(version: TlsVersion) -> u16 {
    match version {
        Ssl3 => 0x0300,
        Tls10 => 0x0301,
        Tls11 => 0x0302,
        Tls12 => 0x0303,
        TlsVersion::Tls13 => 0x0304,
    }
}

/// The version a wire code stands for, if it is one of the five this crate knows.
pub(crate) fn version_from_code(code: u16) -> Option<TlsVersion> {
    match code {
        0x0300 => Some(Ssl3),
        0x0301 => Some(Tls10),
        0x0302 => Some(Tls11),
        0x0303 => Some(Tls12),
        0x0304 => Some(TLS13),
        _ => None,
    }
}

/// Named group x25519 (RFC 8446 §4.2.7).
pub(crate) const X25519: u16 = 0x001d;
/// Named group secp256r1 (P-256; OpenSSL's `prime256v1`).
pub(crate) const SECP256R1: u16 = 0x0017;
/// Named group secp384r1 (P-384).
pub(crate) const SECP384R1: u16 = 0x0018;
/// Named group secp521r1 (P-521).
pub(crate) const SECP521R1: u16 = 0x0019;

/// The IANA name of a named group (`secp256r1`, which OpenSSL calls `prime256v1`).
pub(crate) fn group_name(code: u16) -> Option<&'static str> {
    Some(match code {
        0x0016 => "secp256k1",
        0x0017 => "secp256r1",
        0x0018 => "secp384r1",
        0x0019 => "secp521r1",
        0x001d => "x25519",
        0x001e => "x448",
        0x0100 => "ffdhe2048",
        0x0101 => "ffdhe3072",
        0x0102 => "ffdhe4096",
        0x0103 => "ffdhe6144",
        0x0104 => "ffdhe8192",
        0x11ec => "X25519MLKEM768",
        _ => return None,
    })
}

/// The name of a signature scheme (RFC 8446 §4.2.3). The SHA-224 and DSA code points are the
/// TLS 1.2 `SignatureAndHashAlgorithm` pairs of RFC 5246 §7.4.1.4.1 (hash, signature) that the
/// TLS 1.3 registry only reserves; they are named the way fact 8 lists them.
pub(crate) fn signature_scheme_name(code: u16) -> Option<&'static str> {
    Some(match code {
        0x0201 => "rsa_pkcs1_sha1",
        0x0202 => "dsa_sha1",
        0x0203 => "ecdsa_sha1",
        0x0301 => "rsa_pkcs1_sha224",
        0x0302 => "dsa_sha224",
        0x0303 => "ecdsa_sha224",
        0x0401 => "rsa_pkcs1_sha256",
        0x0402 => "dsa_sha256",
        0x0403 => "ecdsa_secp256r1_sha256",
        0x0501 => "rsa_pkcs1_sha384",
        0x0503 => "ecdsa_secp384r1_sha384",
        0x0601 => "rsa_pkcs1_sha512",
        0x0603 => "ecdsa_secp521r1_sha512",
        0x0804 => "rsa_pss_rsae_sha256",
        0x0805 => "rsa_pss_rsae_sha384",
        0x0806 => "rsa_pss_rsae_sha512",
        0x0807 => "ed25519",
        0x0808 => "ed448",
        0x0809 => "rsa_pss_pss_sha256",
        0x080a => "rsa_pss_pss_sha384",
        0x080b => "rsa_pss_pss_sha512",
        _ => return None,
    })
}

/// Whether a signature scheme is RSA-PSS (which CloudFront does not offer, fact 8).
#[cfg(test)]
pub(crate) fn is_rsa_pss(code: u16) -> bool {
    matches!(code, 0x0804..=0x0806 | 0x0809..=0x080b)
}

/// Alert level warning (RFC 5246 §7.2).
pub(crate) const ALERT_WARNING: u8 = 1;

/// The name of an alert description (RFC 8446 §6, RFC 5246 §7.2, RFC 7507, RFC 6066).
pub(crate) fn alert_name(description: u8) -> Option<&'static str> {
    Some(match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suite_codes_are_unique() {
        for (i, a) in CIPHER_SUITES.iter().enumerate() {
            for b in &CIPHER_SUITES[i + 1..] {
                assert_ne!(a.code, b.code, "{} and {}", a.iana, b.iana);
            }
        }
    }

    #[test]
    fn names_follow_iana_and_openssl() {
        let s = cipher_suite(0xc013).expect("known suite");
        assert_eq!(s.iana, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        assert_eq!(s.openssl, "ECDHE-RSA-AES128-SHA");
        assert_eq!(s.kx, KeyExchange::EcdheRsa);
        assert_eq!(cipher_suite_name(0x000a), "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        assert_eq!(cipher_suite_name(0xabcd), "0xabcd");
    }

    #[test]
    fn iana_names_agree_with_kind_and_cipher() {
        for s in CIPHER_SUITES {
            let expect_kx = if s.iana.starts_with("TLS_ECDHE_RSA_") {
                EcdheRsa
            } else if s.iana.starts_with("TLS_ECDHE_ECDSA_") {
                EcdheEcdsa
            } else if s.iana.starts_with("TLS_DHE_RSA_") {
                DheRsa
            } else if s.iana.starts_with("TLS_RSA_") {
                Rsa
            } else if s.min_version == TLS13 {
                Tls13
            } else {
                Other
            };
            assert_eq!(s.kx, expect_kx, "{}", s.iana);
            let aead_or_sha2 = s.iana.contains("GCM")
                || s.iana.contains("CCM")
                || s.iana.contains("CHACHA20")
                || s.iana.ends_with("SHA256")
                || s.iana.ends_with("SHA384");
            if aead_or_sha2 {
                assert!(s.min_version >= Tls12, "{} below TLS 1.2", s.iana);
            }
            if s.iana.contains("_GCM_") {
                assert_eq!(s.cipher, AesGcm, "{}", s.iana);
            }
            if s.iana.contains("_CBC_") && s.iana.contains("AES") {
                assert_eq!(s.cipher, AesCbc, "{}", s.iana);
            }
        }
    }

    #[test]
    fn versions_round_trip() {
        for v in [Ssl3, Tls10, Tls11, Tls12, TLS13] {
            assert_eq!(version_from_code(version_code(v)), Some(v));
        }
        assert_eq!(version_code(Tls12), 0x0303);
        assert_eq!(version_from_code(0x0200), None);
    }

    #[test]
    fn names_of_groups_schemes_alerts() {
        assert_eq!(group_name(X25519), Some("x25519"));
        assert_eq!(signature_scheme_name(0x0301), Some("rsa_pkcs1_sha224"));
        assert!(is_rsa_pss(0x0804) && !is_rsa_pss(0x0401));
        assert_eq!(alert_name(40), Some("handshake_failure"));
        assert_eq!(alert_name(70), Some("protocol_version"));
    }
}
