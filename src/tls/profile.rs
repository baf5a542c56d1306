//! What CloudFront offers an origin, as data, each item citing its fact in
//! `cloudfront-origin-facts.md`; and the hellos of the version scan.
//!
//! Owns the choice of versions, suites, groups, signature schemes and extensions. It never
//! writes bytes (that is `hello`) and never judges an answer (that is `verdict`).
//!
//! # What is not documented about CloudFront's hello
//! The facts give *which* versions (1-3), suites (5), groups (7) and signature schemes (8)
//! CloudFront uses, and that it sends SNI (19). They do not give: the order of suites, groups
//! and schemes (we keep the order of the documentation's lists); the exact extension set (for
//! example whether extended_master_secret, session_ticket or status_request are sent; we send
//! none of them) and its order (we use OpenSSL's, see `hello`); whether renegotiation is
//! signalled by the extension or by the `0x00ff` suite (we send the extension, RFC 5746 allows
//! either); the record-layer version; the session id (we send none). The facts file lists the
//! suite order as an open question; a server that rejects our hello for one of these reasons
//! could still accept CloudFront's, and the other way round.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use crate::record::TlsVersion;
use crate::tls::codes::{
    CIPHER_SUITES, Cipher, SECP256R1, SECP384R1, SECP521R1, TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
    X25519, cipher_suite, version_code,
};
use crate::tls::hello::{ClientHelloSpec, KeyShare, Tls13Offer};

/// One value of `CustomOriginConfig.SslProtocols.Items` (fact 1). There is no TLS 1.3
/// value (facts 1, 4). Ordered oldest first, so `min()` is the lowest version a list allows.
/// The CloudFront model (`input::cloudfront`) uses this type too.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum SslProtocol {
    #[serde(rename = "SSLv3")]
    Ssl3,
    #[serde(rename = "TLSv1")]
    Tls1,
    #[serde(rename = "TLSv1.1")]
    Tls11,
    #[serde(rename = "TLSv1.2")]
    Tls12,
}

/// A string that is not one of the four values the AWS API accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown origin SSL protocol {value:?}: the valid values are SSLv3, TLSv1, TLSv1.1 and TLSv1.2"
)]
pub struct UnknownSslProtocol {
    pub value: String,
}

impl SslProtocol {
    /// Every value, oldest first.
    pub const ALL: [SslProtocol; 4] = [Self::Ssl3, Self::Tls1, Self::Tls11, Self::Tls12];

    /// Parses a value exactly as the AWS API spells it (`SslProtocol` enum, fact 1):
    /// case-sensitive, `TLSv1` not `TLSv1.0`.
    pub fn parse(value: &str) -> Result<Self, UnknownSslProtocol> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == value)
            .ok_or_else(|| UnknownSslProtocol {
                value: crate::sanitize::text(value),
            })
    }

    /// The AWS API spelling (`TLSv1.2`), which is also how `record::TlsVersion` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ssl3 => "SSLv3",
            Self::Tls1 => "TLSv1",
            Self::Tls11 => "TLSv1.1",
            Self::Tls12 => "TLSv1.2",
        }
    }

    /// The protocol version this value allows.
    pub fn version(self) -> TlsVersion {
        match self {
            Self::Ssl3 => TlsVersion::Ssl3,
            Self::Tls1 => TlsVersion::Tls10,
            Self::Tls11 => TlsVersion::Tls11,
            Self::Tls12 => TlsVersion::Tls12,
        }
    }

    /// The value that allows `version`, if the API has one (TLS 1.3 has none).
    pub fn for_version(version: TlsVersion) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.version() == version)
    }

    /// What to allow so that `minimum` is the lowest version, as the console's "Minimum origin
    /// SSL protocol" does: every version from `minimum` to TLSv1.2. SSLv3 alone is the
    /// exception: choosing it makes CloudFront send only SSLv3 handshakes (fact 3), so it is
    /// returned on its own.
    pub fn from_minimum(minimum: SslProtocol) -> Vec<SslProtocol> {
        if minimum == SslProtocol::Ssl3 {
            return vec![SslProtocol::Ssl3];
        }
        SslProtocol::ALL
            .into_iter()
            .filter(|p| *p >= minimum)
            .collect()
    }
}

/// Parses a comma-separated `SslProtocols` list (`TLSv1,TLSv1.1,TLSv1.2`), sorted and
/// without duplicates; empty items and an empty list are errors.
pub fn parse_ssl_protocols(list: &str) -> Result<Vec<SslProtocol>, UnknownSslProtocol> {
    let mut out = Vec::new();
    for item in list.split(',') {
        out.push(SslProtocol::parse(item.trim())?);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

impl FromStr for SslProtocol {
    type Err = UnknownSslProtocol;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl fmt::Display for SslProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// CloudFront's origin suites, in the order of the documentation's list (fact 5): the six
/// ECDSA ones, then ECDHE-RSA, then static RSA.
pub(crate) const CLOUDFRONT_SUITES: &[u16] = &[
    0xc02c, // ECDHE-ECDSA-AES256-GCM-SHA384
    0xc024, // ECDHE-ECDSA-AES256-SHA384
    0xc00a, // ECDHE-ECDSA-AES256-SHA
    0xc02b, // ECDHE-ECDSA-AES128-GCM-SHA256
    0xc023, // ECDHE-ECDSA-AES128-SHA256
    0xc009, // ECDHE-ECDSA-AES128-SHA
    0xc030, // ECDHE-RSA-AES256-GCM-SHA384
    0xc028, // ECDHE-RSA-AES256-SHA384
    0xc014, // ECDHE-RSA-AES256-SHA
    0xc02f, // ECDHE-RSA-AES128-GCM-SHA256
    0xc027, // ECDHE-RSA-AES128-SHA256
    0xc013, // ECDHE-RSA-AES128-SHA
    0x0035, // AES256-SHA
    0x002f, // AES128-SHA
    0x000a, // DES-CBC3-SHA
    0x0004, // RC4-MD5
];

/// CloudFront's ECDHE groups (fact 7): X25519, prime256v1 (secp256r1), secp384r1. The
/// documentation does not give a preference; x25519 first as most current stacks order it.
pub(crate) const CLOUDFRONT_GROUPS: &[u16] = &[X25519, SECP256R1, SECP384R1];

/// Signature schemes CloudFront accepts (fact 8), in the documentation's order: PKCS#1 and
/// ECDSA with SHA-256/384/512/224, then the SHA-1 pair. No RSA-PSS, no EdDSA.
pub(crate) const CLOUDFRONT_SIGNATURE_SCHEMES: &[u16] = &[
    0x0401, // rsa_pkcs1_sha256
    0x0501, // rsa_pkcs1_sha384
    0x0601, // rsa_pkcs1_sha512
    0x0301, // rsa_pkcs1_sha224
    0x0403, // ecdsa_secp256r1_sha256
    0x0503, // ecdsa_secp384r1_sha384
    0x0603, // ecdsa_secp521r1_sha512
    0x0303, // ecdsa_sha224
    0x0201, // rsa_pkcs1_sha1
    0x0203, // ecdsa_sha1
];

/// Signature schemes of the version scan: everything common, RSA-PSS included (a TLS 1.3
/// server with an RSA key can sign with nothing else, RFC 8446 §4.2.3).
pub(crate) const SCAN_SIGNATURE_SCHEMES: &[u16] = &[
    0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0401,
    0x0501, 0x0601, 0x0303, 0x0301, 0x0203, 0x0201,
];

/// Groups of the version scan. No FFDHE groups: a server that implements RFC 7919 and has no
/// listed group in common would then refuse DHE suites it would otherwise pick (§4).
pub(crate) const SCAN_GROUPS: &[u16] = &[X25519, SECP256R1, SECP384R1, SECP521R1];

/// The x25519 public key the profile puts in key_share until the probe replaces it: Alice's
/// from RFC 7748 §6.1, a valid point, so a forgetful caller still gets a sane answer.
pub(crate) const PLACEHOLDER_X25519_PUBLIC: [u8; 32] = [
    0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a,
    0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a,
];

/// The versions a list of `SslProtocols` allows, oldest first, without duplicates.
pub(crate) fn allowed_versions(protocols: &[SslProtocol]) -> Vec<TlsVersion> {
    let mut versions: Vec<TlsVersion> = protocols.iter().map(|p| p.version()).collect();
    versions.sort();
    versions.dedup();
    versions
}

/// The ClientHello CloudFront sends an origin whose `SslProtocols` are `protocols`.
///
/// - Only SSLv3 allowed: an SSLv3 hello (fact 3), record and client version `0x0300`, no
///   extensions (SSLv3 has none, RFC 6101), renegotiation signalled by the `0x00ff` suite.
///   Fact 3 ("if you choose SSLv3, CloudFront sends only SSLv3 handshakes") is read as the
///   console's single choice; when SSLv3 is listed *with* TLS versions the hello is a TLS one
///   like any other. That reading is ours, not AWS's.
/// - Otherwise `client_version` is the highest TLS version allowed (facts 1-2); the record
///   version is `0x0301`, as OpenSSL writes TLS hellos and as the widest range of servers
///   accepts. The suites are fact 5's, kept only where valid at some allowed version (no
///   SHA-256/384 or GCM suite below TLS 1.2). Groups (fact 7), ec_point_formats uncompressed,
///   renegotiation_info, SNI (fact 19), and signature_algorithms (fact 8) only when TLS 1.2 is
///   offered (RFC 5246 §7.4.1.4.1: not meaningful before 1.2, so clients do not offer it).
///
/// An empty `protocols` cannot come from AWS (the API requires at least one item); it is
/// treated as `[TLSv1.2]` rather than failing. The random is zero: the probe fills it.
pub fn cloudfront_hello(protocols: &[SslProtocol], sni: Option<&str>) -> ClientHelloSpec {
    let mut allowed = allowed_versions(protocols);
    if allowed.is_empty() {
        allowed.push(TlsVersion::Tls12);
    }
    let suites_for = |versions: &[TlsVersion]| -> Vec<u16> {
        CLOUDFRONT_SUITES
            .iter()
            .copied()
            .filter(|&code| {
                cipher_suite(code).is_some_and(|s| versions.iter().any(|&v| s.valid_at(v)))
            })
            .collect()
    };
    if allowed == [TlsVersion::Ssl3] {
        let mut suites = suites_for(&allowed);
        suites.push(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        return sslv3_hello(suites);
    }
    let max = allowed.iter().copied().max().unwrap_or(TlsVersion::Tls12);
    ClientHelloSpec {
        record_version: 0x0301,
        client_version: version_code(max),
        random: [0; 32],
        session_id: Vec::new(),
        cipher_suites: suites_for(&allowed),
        sni: host_name(sni),
        groups: CLOUDFRONT_GROUPS.to_vec(),
        ec_point_formats: vec![0x00],
        signature_schemes: if max >= TlsVersion::Tls12 {
            CLOUDFRONT_SIGNATURE_SCHEMES.to_vec()
        } else {
            Vec::new()
        },
        renegotiation_info: true,
        tls13: None,
        extra_extensions: Vec::new(),
    }
}

/// The version-scan hello for `version`: exactly that version offered, every suite valid at it
/// (DHE, CBC, 3DES, RC4, Camellia for the old ones; no NULL ciphers), and the usual
/// extensions: supported_groups and ec_point_formats always (some servers hide TLS 1.0 from
/// hellos without them), signature_algorithms from TLS 1.2, renegotiation_info up to 1.2.
/// No TLS_FALLBACK_SCSV: it would make servers with a higher version refuse (RFC 7507), which
/// is not what "does it speak this version" asks.
///
/// SSLv3 is written as in [`cloudfront_hello`]. TLS 1.3 carries supported_versions `[0x0304]`
/// and an x25519 key share ([`PLACEHOLDER_X25519_PUBLIC`] until the probe puts 32 random bytes
/// there); a server that prefers another group answers with a HelloRetryRequest, which still
/// shows it speaks TLS 1.3. The random is zero: the probe fills it.
pub fn scan_hello(version: TlsVersion, sni: Option<&str>) -> ClientHelloSpec {
    let suites: Vec<u16> = CIPHER_SUITES
        .iter()
        .filter(|s| s.valid_at(version) && !matches!(s.cipher, Cipher::Null | Cipher::Signal))
        .map(|s| s.code)
        .collect();
    if version == TlsVersion::Ssl3 {
        let mut suites = suites;
        suites.push(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
        return sslv3_hello(suites);
    }
    let tls13 = version == TlsVersion::Tls13;
    ClientHelloSpec {
        record_version: 0x0301,
        // TLS 1.3 hellos say 1.2 here and put 1.3 in supported_versions (RFC 8446 §4.1.2).
        client_version: version_code(version.min(TlsVersion::Tls12)),
        random: [0; 32],
        session_id: Vec::new(),
        cipher_suites: suites,
        sni: host_name(sni),
        groups: SCAN_GROUPS.to_vec(),
        ec_point_formats: vec![0x00],
        signature_schemes: if version >= TlsVersion::Tls12 {
            SCAN_SIGNATURE_SCHEMES.to_vec()
        } else {
            Vec::new()
        },
        renegotiation_info: !tls13,
        tls13: tls13.then(|| Tls13Offer {
            supported_versions: vec![0x0304],
            key_share: KeyShare {
                group: X25519,
                public: PLACEHOLDER_X25519_PUBLIC.to_vec(),
            },
        }),
        extra_extensions: Vec::new(),
    }
}

/// The SNI value: the name as given, except that an IP literal is not sent (RFC 6066 §3; an
/// origin cannot be an IP address anyway, fact 27).
fn host_name(sni: Option<&str>) -> Option<String> {
    sni.filter(|s| s.parse::<IpAddr>().is_err())
        .map(str::to_owned)
}

/// An SSLv3 hello: version `0x0300` in record and hello, no extensions block at all (OpenSSL
/// sends none in SSLv3 either), so SNI is dropped: SSLv3 cannot carry it.
fn sslv3_hello(cipher_suites: Vec<u16>) -> ClientHelloSpec {
    ClientHelloSpec {
        record_version: 0x0300,
        client_version: 0x0300,
        random: [0; 32],
        session_id: Vec::new(),
        cipher_suites,
        sni: None,
        groups: Vec::new(),
        ec_point_formats: Vec::new(),
        signature_schemes: Vec::new(),
        renegotiation_info: false,
        tls13: None,
        extra_extensions: Vec::new(),
    }
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
