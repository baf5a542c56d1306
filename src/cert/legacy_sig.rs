//! The handshake signatures ring has no algorithm for, checked with RustCrypto's primitives:
//! RSA PKCS#1 v1.5 over MD5 || SHA-1 without a DigestInfo (TLS 1.0 and 1.1, RFC 4346 §4.7), and
//! ECDSA on P-256 and P-384 over SHA-1 (TLS 1.0 and 1.1, RFC 4492 §5.4; `ecdsa_sha1` in TLS 1.2)
//! or SHA-512 (`ecdsa_secp521r1_sha512` with a P-256 or P-384 key, legal in TLS 1.2).
//!
//! Used by `key_exchange` only, for what `ring` cannot do; verification only, never signing.
//! Pure: no I/O.

use ecdsa::hazmat::VerifyPrimitive;
use md5::Md5;
use rsa::pkcs1::DecodeRsaPublicKey;
use sha1::{Digest, Sha1};
use sha2::Sha512;

/// A signature algorithm ring lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LegacyAlgorithm {
    /// RSA PKCS#1 v1.5 type-1 padding around MD5(m) || SHA-1(m), 36 bytes, no DigestInfo.
    RsaMd5Sha1,
    EcdsaP256(EcdsaHash),
    EcdsaP384(EcdsaHash),
}

/// The hash of an ECDSA signature ring cannot check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EcdsaHash {
    Sha1,
    Sha512,
}

/// Why a legacy check did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LegacyFailure {
    /// The key could not be used (an RSA key over 4096 bits, which `rsa` refuses; a point
    /// that is not on the curve): nothing is known.
    UnusableKey,
    /// The signature does not verify (or is not even well-formed DER for ECDSA).
    Invalid,
}

/// Verifies `signature` over `message` with `public_key` (the SPKI's key bits: an RSAPublicKey
/// DER, or an uncompressed EC point).
pub(crate) fn verify(
    algorithm: LegacyAlgorithm,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<(), LegacyFailure> {
    match algorithm {
        LegacyAlgorithm::RsaMd5Sha1 => {
            let key = rsa::RsaPublicKey::from_pkcs1_der(public_key)
                .map_err(|_| LegacyFailure::UnusableKey)?;
            let mut hashed = Md5::digest(message).to_vec();
            hashed.extend_from_slice(&Sha1::digest(message));
            key.verify(rsa::Pkcs1v15Sign::new_unprefixed(), &hashed, signature)
                .map_err(|_| LegacyFailure::Invalid)
        }
        LegacyAlgorithm::EcdsaP256(hash) => {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key)
                .map_err(|_| LegacyFailure::UnusableKey)?;
            let sig =
                p256::ecdsa::Signature::from_der(signature).map_err(|_| LegacyFailure::Invalid)?;
            let z: p256::FieldBytes = field_bytes(&digest(hash, message));
            key.as_affine()
                .verify_prehashed(&z, &sig)
                .map_err(|_| LegacyFailure::Invalid)
        }
        LegacyAlgorithm::EcdsaP384(hash) => {
            let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(public_key)
                .map_err(|_| LegacyFailure::UnusableKey)?;
            let sig =
                p384::ecdsa::Signature::from_der(signature).map_err(|_| LegacyFailure::Invalid)?;
            let z: p384::FieldBytes = field_bytes(&digest(hash, message));
            key.as_affine()
                .verify_prehashed(&z, &sig)
                .map_err(|_| LegacyFailure::Invalid)
        }
    }
}

fn digest(hash: EcdsaHash, message: &[u8]) -> Vec<u8> {
    match hash {
        EcdsaHash::Sha1 => Sha1::digest(message).to_vec(),
        EcdsaHash::Sha512 => Sha512::digest(message).to_vec(),
    }
}

/// The digest as the integer ECDSA signs (SEC 1 §4.1.4 step 5, FIPS 186-4 §6.4): its leftmost
/// bits up to the order's length, so a longer digest is cut and a shorter one is the whole
/// number (zeros on the left). For P-256 and P-384 the order's length is whole bytes. This is
/// `ecdsa::hazmat::bits2field` without its refusal of digests under half the field (SHA-1 with
/// P-384), which TLS 1.0 and 1.1 need.
fn field_bytes<F: Default + AsMut<[u8]>>(digest: &[u8]) -> F {
    let mut field = F::default();
    let out = field.as_mut();
    let n = digest.len().min(out.len());
    let start = out.len() - n;
    if let (Some(to), Some(from)) = (out.get_mut(start..), digest.get(..n)) {
        to.copy_from_slice(from);
    }
    field
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_become_field_elements_as_sec1_says() {
        let short: [u8; 8] = field_bytes(&[1, 2, 3]);
        assert_eq!(short, [0, 0, 0, 0, 0, 1, 2, 3]);
        let long: [u8; 2] = field_bytes(&[1, 2, 3]);
        assert_eq!(long, [1, 2]);
    }

    #[test]
    fn garbage_keys_are_unusable_and_garbage_signatures_invalid() {
        assert_eq!(
            verify(LegacyAlgorithm::RsaMd5Sha1, b"junk", b"m", b"s"),
            Err(LegacyFailure::UnusableKey)
        );
        assert_eq!(
            verify(
                LegacyAlgorithm::EcdsaP384(EcdsaHash::Sha1),
                b"junk",
                b"m",
                b"s"
            ),
            Err(LegacyFailure::UnusableKey)
        );
    }
}
