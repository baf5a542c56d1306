//! Checks one certificate's signature against one issuer key, with webpki's own algorithms.
//!
//! Our chain walk (see `chain.rs`) needs "did this key sign that certificate?" for certificates
//! webpki never hands back (it stops at its first error). The answer comes from the same
//! `webpki::ALL_VERIFICATION_ALGS` the real verification uses, so both agree on what is
//! supported. The few DER reads needed to split a certificate into signed parts live here too.
//! This module never judges trust, time or names, and never allocates per byte of input.

use rustls_pki_types::SignatureVerificationAlgorithm;

/// DER tags this module reads (X.690 §8.9, §8.6).
const TAG_SEQUENCE: u8 = 0x30;
const TAG_BIT_STRING: u8 = 0x03;

/// The outcome of checking one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigCheck {
    /// The issuer key verifies the signature.
    Valid,
    /// A supported algorithm that fails: wrong key, or a corrupted signature.
    Invalid,
    /// webpki has no algorithm for this signature and key (SHA-1, P-521, DSA...): unknown.
    Unsupported,
}

impl SigCheck {
    /// Whether the signature may be genuine: verified, or impossible to check.
    pub fn plausible(self) -> bool {
        !matches!(self, SigCheck::Invalid)
    }
}

/// The three parts of a certificate a signature check needs, borrowed from its DER.
#[derive(Debug, Clone, Copy)]
pub struct SignedParts<'a> {
    /// The whole `tbsCertificate` TLV: the signed bytes.
    tbs: &'a [u8],
    /// Contents of the `signatureAlgorithm` SEQUENCE (what webpki's `signature_alg_id` holds).
    algorithm: &'a [u8],
    /// The signature bits, without the BIT STRING's unused-bits byte.
    signature: &'a [u8],
}

impl<'a> SignedParts<'a> {
    /// Splits `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`.
    /// `None` when the DER is not shaped like that.
    pub fn from_cert_der(der: &'a [u8]) -> Option<SignedParts<'a>> {
        let (outer, rest) = read_tlv(der, TAG_SEQUENCE)?;
        if !rest.is_empty() {
            return None;
        }
        let tbs_len = tlv_len(outer)?;
        let (tbs, after_tbs) = outer.split_at(tbs_len);
        let (algorithm, after_alg) = read_tlv(after_tbs, TAG_SEQUENCE)?;
        let (bits, end) = read_tlv(after_alg, TAG_BIT_STRING)?;
        if !end.is_empty() {
            return None;
        }
        Some(SignedParts {
            tbs,
            algorithm,
            signature: bit_string_bytes(bits)?,
        })
    }
}

/// A public key as webpki's algorithms see it.
#[derive(Debug, Clone, Copy)]
pub struct PublicKeyParts<'a> {
    /// Contents of the SPKI's AlgorithmIdentifier SEQUENCE.
    algorithm: &'a [u8],
    /// The key bits, without the unused-bits byte.
    key: &'a [u8],
}

impl<'a> PublicKeyParts<'a> {
    /// From a whole `SubjectPublicKeyInfo` TLV (x509-parser's `SubjectPublicKeyInfo::raw`).
    pub fn from_spki_der(spki: &'a [u8]) -> Option<PublicKeyParts<'a>> {
        let (contents, rest) = read_tlv(spki, TAG_SEQUENCE)?;
        if !rest.is_empty() {
            return None;
        }
        PublicKeyParts::from_spki_contents(contents)
    }

    /// From the contents of a SubjectPublicKeyInfo (a `TrustAnchor`'s `subject_public_key_info`).
    pub fn from_spki_contents(contents: &'a [u8]) -> Option<PublicKeyParts<'a>> {
        let (algorithm, rest) = read_tlv(contents, TAG_SEQUENCE)?;
        let (bits, end) = read_tlv(rest, TAG_BIT_STRING)?;
        if !end.is_empty() {
            return None;
        }
        Some(PublicKeyParts {
            algorithm,
            key: bit_string_bytes(bits)?,
        })
    }
}

/// Checks `signed` against `issuer` the way webpki's `verify_signed_data` does: pick the
/// algorithms whose signature id matches, then the one whose key id matches the issuer's key.
pub(super) fn check(signed: &SignedParts<'_>, issuer: &PublicKeyParts<'_>) -> SigCheck {
    check_with(webpki::ALL_VERIFICATION_ALGS, signed, issuer)
}

fn check_with(
    algs: &[&dyn SignatureVerificationAlgorithm],
    signed: &SignedParts<'_>,
    issuer: &PublicKeyParts<'_>,
) -> SigCheck {
    // The first algorithm matching both ids decides, as in webpki: a failure is not retried.
    let alg = algs.iter().find(|alg| {
        alg.signature_alg_id().as_ref() == signed.algorithm
            && alg.public_key_alg_id().as_ref() == issuer.algorithm
    });
    match alg {
        None => SigCheck::Unsupported,
        // Through the memo: webpki verifies the same signatures again in `verify.rs`.
        Some(alg) => match super::memo::verify(*alg, issuer.key, signed.tbs, signed.signature) {
            true => SigCheck::Valid,
            false => SigCheck::Invalid,
        },
    }
}

/// The contents of a Name TLV (`Certificate.issuer`, `.subject`): what a `TrustAnchor`'s
/// `subject` holds, so the two compare byte for byte as webpki compares them.
pub(super) fn name_contents(name_tlv: &[u8]) -> Option<&[u8]> {
    let (contents, rest) = read_tlv(name_tlv, TAG_SEQUENCE)?;
    rest.is_empty().then_some(contents)
}

/// Reads one TLV with a one-byte `tag`, returning its contents and what follows.
fn read_tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&first, rest) = input.split_first()?;
    if first != tag {
        return None;
    }
    let (len, header_len) = read_len(rest)?;
    let rest = &rest[header_len..];
    if rest.len() < len {
        return None;
    }
    Some(rest.split_at(len))
}

/// The total length (header + contents) of the TLV at the start of `input`.
fn tlv_len(input: &[u8]) -> Option<usize> {
    let (_, rest) = input.split_first()?;
    let (len, header_len) = read_len(rest)?;
    let total = 1usize.checked_add(header_len)?.checked_add(len)?;
    (total <= input.len()).then_some(total)
}

/// A DER length: short form, or long form of at most 4 bytes. Returns (length, bytes read).
fn read_len(input: &[u8]) -> Option<(usize, usize)> {
    let (&first, rest) = input.split_first()?;
    if first < 0x80 {
        return Some((usize::from(first), 1));
    }
    let count = usize::from(first & 0x7f);
    if count == 0 || count > 4 || rest.len() < count {
        return None;
    }
    let len = rest[..count]
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    Some((len, 1 + count))
}

/// A BIT STRING's contents as bytes; only whole bytes (unused bits 0) are valid for keys and
/// signatures, as webpki requires.
fn bit_string_bytes(contents: &[u8]) -> Option<&[u8]> {
    match contents.split_first()? {
        (0, bytes) => Some(bytes),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        assert_eq!(read_len(&[0x05]), Some((5, 1)));
        assert_eq!(read_len(&[0x81, 0xc8]), Some((200, 2)));
        assert_eq!(read_len(&[0x82, 0x01, 0x00]), Some((256, 3)));
        assert_eq!(read_len(&[0x80]), None, "indefinite length is not DER");
        assert_eq!(
            read_len(&[0x85, 1, 2, 3, 4, 5]),
            None,
            "too long to be a certificate"
        );
        assert_eq!(read_len(&[0x82, 0x01]), None, "truncated");
    }

    #[test]
    fn reads_a_tlv_and_rejects_truncation() {
        let der = [0x30, 0x03, 0x02, 0x01, 0x05, 0xff];
        assert_eq!(read_tlv(&der, TAG_SEQUENCE), Some((&der[2..5], &der[5..])));
        assert_eq!(read_tlv(&der[..4], TAG_SEQUENCE), None);
        assert_eq!(read_tlv(&der, TAG_BIT_STRING), None);
        assert_eq!(tlv_len(&der), Some(5));
    }

    #[test]
    fn rejects_garbage_as_a_certificate() {
        assert!(SignedParts::from_cert_der(b"not a certificate").is_none());
        assert!(SignedParts::from_cert_der(&[]).is_none());
        assert!(PublicKeyParts::from_spki_der(&[0x30, 0x00]).is_none());
    }

    #[test]
    fn bit_strings_with_unused_bits_are_refused() {
        assert_eq!(bit_string_bytes(&[0, 1, 2]), Some(&[1u8, 2][..]));
        assert_eq!(bit_string_bytes(&[3, 1, 2]), None);
        assert_eq!(bit_string_bytes(&[]), None);
    }
}
