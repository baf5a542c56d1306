//! Names a certificate's public key and signature algorithm: RSA bits, EC curve, Ed25519, RSA-PSS.
//!
//! Facts 7-9 of `cloudfront-origin-facts.md` make key type, size and curve matter; this module
//! only says what the key *is*. It never judges whether CloudFront accepts it (that is
//! `verdict::cert_rules`) and never checks a signature (that is `signature.rs`).

use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";
const OID_ED448: &str = "1.3.101.113";
const OID_DSA: &str = "1.2.840.10040.4.1";
const OID_CURVE_P256: &str = "1.2.840.10045.3.1.7";
const OID_CURVE_P384: &str = "1.3.132.0.34";
const OID_CURVE_P521: &str = "1.3.132.0.35";

/// What kind of key a certificate carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyKind {
    /// `rsaEncryption`, with the modulus length in bits (0 when the key does not parse).
    Rsa {
        bits: u32,
    },
    /// An `RSASSA-PSS` key (RFC 4055): usable only for PSS signatures.
    RsaPss {
        bits: u32,
    },
    /// `id-ecPublicKey` on a named curve.
    Ec {
        curve: Curve,
    },
    Ed25519,
    Ed448,
    Dsa,
    /// Any other algorithm, by dotted OID.
    Other {
        oid: String,
    },
}

/// An elliptic curve, by name where we know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
    /// Another named curve (dotted OID), or `explicit` when the parameters are not an OID.
    Other(String),
}

impl Curve {
    pub fn name(&self) -> &str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Other(oid) => oid,
        }
    }

    fn bits(&self) -> Option<u32> {
        match self {
            Curve::P256 => Some(256),
            Curve::P384 => Some(384),
            Curve::P521 => Some(521),
            Curve::Other(_) => None,
        }
    }
}

impl KeyKind {
    /// Reads the key of a parsed certificate.
    pub fn of(spki: &SubjectPublicKeyInfo<'_>) -> KeyKind {
        let oid = spki.algorithm.algorithm.to_id_string();
        match oid.as_str() {
            OID_RSA_ENCRYPTION => KeyKind::Rsa {
                bits: rsa_modulus_bits(&spki.subject_public_key.data),
            },
            OID_RSASSA_PSS => KeyKind::RsaPss {
                bits: rsa_modulus_bits(&spki.subject_public_key.data),
            },
            OID_EC_PUBLIC_KEY => KeyKind::Ec {
                curve: curve_of(&spki.algorithm),
            },
            OID_ED25519 => KeyKind::Ed25519,
            OID_ED448 => KeyKind::Ed448,
            OID_DSA => KeyKind::Dsa,
            _ => KeyKind::Other { oid },
        }
    }

    /// The `key_type` of a `CertSummary`: `RSA`, `ECDSA`, `Ed25519`, `RSA-PSS`, ... or the OID.
    pub fn type_name(&self) -> String {
        match self {
            KeyKind::Rsa { .. } => "RSA".into(),
            KeyKind::RsaPss { .. } => "RSA-PSS".into(),
            KeyKind::Ec { .. } => "ECDSA".into(),
            KeyKind::Ed25519 => "Ed25519".into(),
            KeyKind::Ed448 => "Ed448".into(),
            KeyKind::Dsa => "DSA".into(),
            KeyKind::Other { oid } => oid.clone(),
        }
    }

    /// RSA modulus bits, or the curve's bits for ECDSA on a known curve.
    pub fn bits(&self) -> Option<u32> {
        match self {
            KeyKind::Rsa { bits } | KeyKind::RsaPss { bits } => Some(*bits),
            KeyKind::Ec { curve } => curve.bits(),
            _ => None,
        }
    }

    pub fn curve(&self) -> Option<&Curve> {
        match self {
            KeyKind::Ec { curve } => Some(curve),
            _ => None,
        }
    }

    /// A short human description: `RSA 2048`, `ECDSA P-384`, `Ed25519`.
    pub fn describe(&self) -> String {
        match self {
            KeyKind::Rsa { bits } => format!("RSA {bits}-bit"),
            KeyKind::RsaPss { bits } => format!("RSA-PSS {bits}-bit"),
            KeyKind::Ec { curve } => format!("ECDSA {}", curve.name()),
            other => other.type_name(),
        }
    }
}

/// The curve named in the SPKI algorithm parameters (RFC 5480 `namedCurve`).
fn curve_of(algorithm: &AlgorithmIdentifier<'_>) -> Curve {
    let Some(oid) = algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok())
        .map(|oid| oid.to_id_string())
    else {
        return Curve::Other("explicit".into());
    };
    match oid.as_str() {
        OID_CURVE_P256 => Curve::P256,
        OID_CURVE_P384 => Curve::P384,
        OID_CURVE_P521 => Curve::P521,
        _ => Curve::Other(oid),
    }
}

/// The bit length of the modulus in an `RSAPublicKey ::= SEQUENCE { modulus, exponent }`.
///
/// Written here because x509-parser's `key_size()` returns 0 for a modulus without a leading
/// zero byte and does not count the bits of the top byte.
fn rsa_modulus_bits(key: &[u8]) -> u32 {
    use x509_parser::prelude::FromDer;
    use x509_parser::public_key::RSAPublicKey;
    let Ok((_, rsa)) = RSAPublicKey::from_der(key) else {
        return 0;
    };
    integer_bits(rsa.modulus)
}

/// Bits in a big-endian unsigned integer, ignoring leading zero bytes and bits.
fn integer_bits(bytes: &[u8]) -> u32 {
    let Some(start) = bytes.iter().position(|&b| b != 0) else {
        return 0;
    };
    let significant = &bytes[start..];
    let whole = u32::try_from(significant.len() - 1)
        .unwrap_or(u32::MAX / 8)
        .saturating_mul(8);
    whole.saturating_add(8 - significant[0].leading_zeros())
}

/// A readable name for a signature algorithm OID (OpenSSL's long names), or the OID itself.
pub(super) fn signature_algorithm_name(algorithm: &AlgorithmIdentifier<'_>) -> String {
    let oid = algorithm.algorithm.to_id_string();
    let name = match oid.as_str() {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        OID_RSASSA_PSS => "RSASSA-PSS",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        OID_ED25519 => "Ed25519",
        OID_ED448 => "Ed448",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "2.16.840.1.101.3.4.3.2" => "dsa-with-SHA256",
        _ => return oid,
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_modulus_bits_without_leading_zeros() {
        assert_eq!(integer_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(integer_bits(&[0x80, 0x00]), 16, "no leading zero byte");
        assert_eq!(integer_bits(&[0x01, 0xff]), 9);
        assert_eq!(integer_bits(&[0x00, 0x00]), 0);
        assert_eq!(integer_bits(&[]), 0);
        let mut m2048 = vec![0x00, 0xc3];
        m2048.extend(std::iter::repeat_n(0xab, 255));
        assert_eq!(integer_bits(&m2048), 2048);
    }

    #[test]
    fn describes_keys() {
        assert_eq!(KeyKind::Rsa { bits: 2048 }.describe(), "RSA 2048-bit");
        assert_eq!(KeyKind::Ec { curve: Curve::P384 }.describe(), "ECDSA P-384");
        assert_eq!(KeyKind::Ec { curve: Curve::P521 }.bits(), Some(521));
        assert_eq!(KeyKind::Ed25519.type_name(), "Ed25519");
        assert_eq!(KeyKind::RsaPss { bits: 2048 }.type_name(), "RSA-PSS");
        assert_eq!(KeyKind::Ed25519.bits(), None);
    }
}
