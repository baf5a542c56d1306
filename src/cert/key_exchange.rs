//! Checks the signature of an ECDHE ServerKeyExchange with the leaf certificate's key: does the
//! server hold the private key of the certificate it sent?
//!
//! The signature covers `client_random || server_random || ServerECDHParams` (RFC 8422 §5.4).
//! Its algorithm is the `SignatureAndHashAlgorithm` the message names in TLS 1.2, and before
//! that is fixed by the suite (RFC 4492 §5.4): ECDSA over SHA-1, or RSA PKCS#1 v1.5 over
//! MD5 || SHA-1 without a DigestInfo. Checks are ring's where ring has the algorithm, and
//! RustCrypto's (`legacy_sig`) for those two legacy forms and ECDSA over SHA-512; no
//! hand-written crypto. What neither can check (SHA-224, P-521, RSA keys outside what they take)
//! is [`KeyExchangeCheck::Unverifiable`], never invalid, so a limit of this build never becomes
//! a verdict. Pure: no I/O, no clock. Whether CloudFront would accept the
//! scheme at all is `verdict`'s question, not this module's.

use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::cert::key::{Curve, KeyKind};
use crate::cert::legacy_sig::{self, EcdsaHash, LegacyAlgorithm, LegacyFailure};
use crate::record::{KeyExchangeRecord, TlsVersion};
use crate::tls::codes::KeyExchange;

/// What checking a ServerKeyExchange signature showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyExchangeCheck {
    /// The leaf's key verifies the signature.
    Valid,
    /// It does not: the key that signed is not the certificate's (or the signature is
    /// corrupt, or of a kind the leaf's key cannot make). `why` says which, as a fragment.
    Invalid { why: String },
    /// This build cannot check it (ring has no such algorithm, or the leaf does not parse):
    /// `why` says what, as a fragment. Says nothing about the origin.
    Unverifiable { why: String },
}

/// How a signature is to be checked, once version, suite, scheme and key are known.
enum Method {
    /// One of ring's algorithms over the signed bytes.
    Ring(&'static dyn VerificationAlgorithm),
    /// An algorithm ring lacks, from `legacy_sig`.
    Legacy(LegacyAlgorithm),
    /// No algorithm here: why not.
    Unverifiable(String),
    /// The signature cannot be the leaf key's: why not.
    Mismatch(String),
}

/// Checks `exchange` (from the answer to one hello, negotiating `version` with a suite of key
/// exchange `kx`) against the public key of `leaf_der`.
pub fn check_key_exchange(
    leaf_der: &[u8],
    version: TlsVersion,
    kx: KeyExchange,
    exchange: &KeyExchangeRecord,
) -> KeyExchangeCheck {
    let Ok((_, leaf)) = X509Certificate::from_der(leaf_der) else {
        return KeyExchangeCheck::Unverifiable {
            why: "the leaf certificate does not parse".to_string(),
        };
    };
    let spki = leaf.public_key();
    let key = KeyKind::of(spki);
    // The suite says which kind of key signs (RFC 8422 §5.4): a client aborts on any other.
    match (kx, &key) {
        (KeyExchange::EcdheRsa, KeyKind::Rsa { .. })
        | (KeyExchange::EcdheEcdsa, KeyKind::Ec { .. }) => {}
        (KeyExchange::EcdheRsa | KeyExchange::EcdheEcdsa, other) => {
            return KeyExchangeCheck::Invalid {
                why: format!(
                    "the suite is ECDHE_{} but the certificate's key is {}",
                    if kx == KeyExchange::EcdheRsa {
                        "RSA"
                    } else {
                        "ECDSA"
                    },
                    other.describe()
                ),
            };
        }
        _ => {
            return KeyExchangeCheck::Unverifiable {
                why: "the suite's key exchange is not ECDHE".to_string(),
            };
        }
    }
    let method = match (version, exchange.signed.scheme) {
        (TlsVersion::Tls12, Some(scheme)) => tls12_method(scheme, &key),
        (TlsVersion::Tls12, None) => {
            Method::Mismatch("a TLS 1.2 signature without its scheme".to_string())
        }
        (_, _) => legacy_method(&key),
    };
    let signed = signed_bytes(exchange);
    let key_bits: &[u8] = &spki.subject_public_key.data;
    let signature = &exchange.signed.signature;
    let verified = match method {
        Method::Ring(algorithm) => UnparsedPublicKey::new(algorithm, key_bits)
            .verify(&signed, signature)
            .is_ok(),
        Method::Legacy(algorithm) => {
            match legacy_sig::verify(algorithm, key_bits, &signed, signature) {
                Ok(()) => true,
                Err(LegacyFailure::Invalid) => false,
                Err(LegacyFailure::UnusableKey) => {
                    return KeyExchangeCheck::Unverifiable {
                        why: format!(
                            "the RustCrypto verifier cannot use the {} key",
                            key.describe()
                        ),
                    };
                }
            }
        }
        Method::Unverifiable(why) => return KeyExchangeCheck::Unverifiable { why },
        Method::Mismatch(why) => return KeyExchangeCheck::Invalid { why },
    };
    if verified {
        KeyExchangeCheck::Valid
    } else {
        KeyExchangeCheck::Invalid {
            why: format!(
                "the signature does not verify with the certificate's {} key",
                key.describe()
            ),
        }
    }
}

/// `client_random || server_random || params`, the bytes the server signed.
fn signed_bytes(exchange: &KeyExchangeRecord) -> Vec<u8> {
    let params = &exchange.signed.params;
    let mut signed = Vec::with_capacity(64 + params.len());
    signed.extend_from_slice(&exchange.client_random);
    signed.extend_from_slice(&exchange.server_random);
    signed.extend_from_slice(params);
    signed
}

/// The hash of a TLS 1.2 signature scheme (RFC 5246 §7.4.1.4.1: the high byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

/// TLS 1.2: the scheme names hash and signature (RFC 5246 §7.4.1.4.1); in TLS 1.2 an ECDSA
/// scheme's curve is the key's, whatever the scheme's name says (RFC 8446 §4.2.3 binds it only
/// for TLS 1.3).
fn tls12_method(scheme: u16, key: &KeyKind) -> Method {
    let hash = match scheme >> 8 {
        0x02 => Hash::Sha1,
        0x03 => Hash::Sha224,
        0x04 => Hash::Sha256,
        0x05 => Hash::Sha384,
        0x06 => Hash::Sha512,
        _ => {
            return Method::Unverifiable(format!(
                "ring has no algorithm for the signature scheme 0x{scheme:04x}"
            ));
        }
    };
    match (scheme & 0xff, key) {
        (0x01, KeyKind::Rsa { bits }) => rsa_pkcs1(hash, *bits),
        (0x03, KeyKind::Ec { curve }) => ecdsa(hash, curve),
        (0x01, other) | (0x03, other) => Method::Mismatch(format!(
            "an {} signature from a certificate with an {} key",
            if scheme & 0xff == 0x01 {
                "RSA"
            } else {
                "ECDSA"
            },
            other.describe()
        )),
        _ => Method::Unverifiable(format!(
            "ring has no algorithm for the signature scheme 0x{scheme:04x}"
        )),
    }
}

/// RSA PKCS#1 v1.5. ring takes keys from 1024 bits (its `_FOR_LEGACY_USE_ONLY` algorithms;
/// CloudFront accepts 1024-bit keys, fact 9) for SHA-1, SHA-256 and SHA-512, from 2048 bits
/// for SHA-384, and none over 8192 bits; outside that it cannot say.
fn rsa_pkcs1(hash: Hash, bits: u32) -> Method {
    let legacy_ok = (1024..=8192).contains(&bits);
    let modern_ok = (2048..=8192).contains(&bits);
    let algorithm: &'static dyn VerificationAlgorithm = match hash {
        Hash::Sha1 if legacy_ok => &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        Hash::Sha256 if legacy_ok => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        Hash::Sha512 if legacy_ok => &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        Hash::Sha384 if modern_ok => &signature::RSA_PKCS1_2048_8192_SHA384,
        Hash::Sha224 => {
            return Method::Unverifiable("ring has no RSA PKCS#1 SHA-224 algorithm".to_string());
        }
        _ => {
            return Method::Unverifiable(format!(
                "ring cannot check this RSA PKCS#1 signature with a {bits}-bit key"
            ));
        }
    };
    Method::Ring(algorithm)
}

/// ECDSA (DER signatures) on P-256 and P-384: SHA-256 and SHA-384 with ring, SHA-1 and
/// SHA-512 with `legacy_sig`.
fn ecdsa(hash: Hash, curve: &Curve) -> Method {
    let algorithm: &'static dyn VerificationAlgorithm = match (curve, hash) {
        (Curve::P256, Hash::Sha256) => &signature::ECDSA_P256_SHA256_ASN1,
        (Curve::P256, Hash::Sha384) => &signature::ECDSA_P256_SHA384_ASN1,
        (Curve::P384, Hash::Sha256) => &signature::ECDSA_P384_SHA256_ASN1,
        (Curve::P384, Hash::Sha384) => &signature::ECDSA_P384_SHA384_ASN1,
        (Curve::P256 | Curve::P384, Hash::Sha1 | Hash::Sha512) => {
            let legacy = if hash == Hash::Sha1 {
                EcdsaHash::Sha1
            } else {
                EcdsaHash::Sha512
            };
            return Method::Legacy(if *curve == Curve::P256 {
                LegacyAlgorithm::EcdsaP256(legacy)
            } else {
                LegacyAlgorithm::EcdsaP384(legacy)
            });
        }
        _ => {
            return Method::Unverifiable(format!(
                "no ECDSA algorithm here for {} with {}",
                curve.name(),
                hash_name(hash)
            ));
        }
    };
    Method::Ring(algorithm)
}

fn hash_name(hash: Hash) -> &'static str {
    match hash {
        Hash::Sha1 => "SHA-1",
        Hash::Sha224 => "SHA-224",
        Hash::Sha256 => "SHA-256",
        Hash::Sha384 => "SHA-384",
        Hash::Sha512 => "SHA-512",
    }
}

/// TLS 1.0 and 1.1 (and SSLv3): the suite fixes the algorithm (RFC 4492 §5.4, RFC 4346
/// §7.4.3): ECDSA over SHA-1, or RSA over MD5 || SHA-1 with PKCS#1 type-1 padding and no
/// DigestInfo; ring has neither, `legacy_sig` has both. `key` matches the suite (checked
/// before).
fn legacy_method(key: &KeyKind) -> Method {
    match key {
        KeyKind::Rsa { .. } => Method::Legacy(LegacyAlgorithm::RsaMd5Sha1),
        KeyKind::Ec { curve } => ecdsa(Hash::Sha1, curve),
        other => Method::Unverifiable(format!("no algorithm here for a {} key", other.describe())),
    }
}

#[cfg(test)]
#[path = "key_exchange_tests.rs"]
mod tests;
