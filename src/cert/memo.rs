//! Signature verifications remembered across a run, so that the chain walk (`chain.rs`) and
//! webpki (`verify.rs`) never verify the same signature twice, and an intermediate that many
//! origins share is verified against its root once, not once per origin.
//!
//! Signature verification was most of the client's CPU per origin (issue 7): each chain was
//! verified by our walk and again by webpki. An answer depends only on the algorithm, the key,
//! the signed bytes and the signature, so it is keyed by the SHA-256 of exactly those; the memo
//! changes how fast an answer comes, never what it is. Bounded: cleared when full. Never
//! judges anything; holds no certificate, only digests and booleans.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use rustls_pki_types::{AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm};
use sha2::{Digest, Sha256};

/// Most answers kept (about 50 bytes each, under a megabyte in all). A run's repeats are
/// close together (the walk, then webpki, on the same chain) or shared intermediates that are
/// met again at once after a clear.
const CAPACITY: usize = 16_384;

/// digest of (algorithm ids, key, message, signature) -> whether the signature verified.
static ANSWERS: LazyLock<Mutex<HashMap<[u8; 32], bool>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// webpki's algorithms, each answering through the memo.
static MEMOIZED: LazyLock<Vec<Memoized>> = LazyLock::new(|| {
    webpki::ALL_VERIFICATION_ALGS
        .iter()
        .map(|alg| Memoized(*alg))
        .collect()
});

/// [`MEMOIZED`] as the slice webpki's `verify_for_usage` takes.
static MEMOIZED_REFS: LazyLock<Vec<&'static dyn SignatureVerificationAlgorithm>> =
    LazyLock::new(|| {
        MEMOIZED
            .iter()
            .map(|m| m as &'static dyn SignatureVerificationAlgorithm)
            .collect()
    });

/// `webpki::ALL_VERIFICATION_ALGS`, in the same order, answering through the memo.
pub(super) fn all_verification_algs() -> &'static [&'static dyn SignatureVerificationAlgorithm] {
    &MEMOIZED_REFS
}

/// Whether `alg` verifies `signature` over `message` with `public_key`, from the memo when this
/// exact question was answered before.
pub(super) fn verify(
    alg: &dyn SignatureVerificationAlgorithm,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> bool {
    let key = digest(alg, public_key, message, signature);
    // A poisoned lock only means another thread panicked mid-insert; the map is still a valid
    // map of correct answers, so keep using it.
    let known = ANSWERS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
        .copied();
    if let Some(answer) = known {
        return answer;
    }
    // Verified outside the lock: two threads may both verify a new signature once.
    let answer = alg.verify_signature(public_key, message, signature).is_ok();
    let mut answers = ANSWERS.lock().unwrap_or_else(|p| p.into_inner());
    if answers.len() >= CAPACITY {
        answers.clear();
    }
    answers.insert(key, answer);
    answer
}

/// Length-prefixed, so no two different questions hash the same bytes.
fn digest(
    alg: &dyn SignatureVerificationAlgorithm,
    public_key: &[u8],
    message: &[u8],
    signature: &[u8],
) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in [
        alg.signature_alg_id().as_ref(),
        alg.public_key_alg_id().as_ref(),
        public_key,
        message,
        signature,
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().into()
}

/// One of webpki's algorithms, answering through the memo.
#[derive(Debug)]
struct Memoized(&'static dyn SignatureVerificationAlgorithm);

impl SignatureVerificationAlgorithm for Memoized {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        if verify(self.0, public_key, message, signature) {
            Ok(())
        } else {
            Err(InvalidSignature)
        }
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        self.0.public_key_alg_id()
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        self.0.signature_alg_id()
    }

    fn fips_status(&self) -> rustls_pki_types::FipsStatus {
        self.0.fips_status()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::fixtures;
    use crate::cert::parse::ParsedCert;
    use crate::cert::signature::{self, SigCheck, SignedParts};

    #[test]
    fn memoized_algorithms_mirror_webpki_and_answer_the_same() {
        let algs = all_verification_algs();
        assert_eq!(algs.len(), webpki::ALL_VERIFICATION_ALGS.len());
        for (m, w) in algs.iter().zip(webpki::ALL_VERIFICATION_ALGS) {
            assert_eq!(m.signature_alg_id(), w.signature_alg_id());
            assert_eq!(m.public_key_alg_id(), w.public_key_alg_id());
        }
    }

    #[test]
    fn a_remembered_answer_is_the_verified_one() {
        let ders = fixtures::chain("good");
        let leaf = SignedParts::from_cert_der(&ders[0]).expect("leaf");
        let own_key = ParsedCert::parse(0, &ders[0]).expect("leaf").public_key;
        let issuer_key = ParsedCert::parse(1, &ders[1]).expect("issuer").public_key;
        let (own_key, issuer_key) = (own_key.expect("key"), issuer_key.expect("key"));
        // Twice each: the second answer comes from the memo and must be the same.
        for _ in 0..2 {
            assert_eq!(signature::check(&leaf, &issuer_key), SigCheck::Valid);
            assert_eq!(signature::check(&leaf, &own_key), SigCheck::Invalid);
        }
        // A flipped bit in the signature is a different question, not a remembered answer.
        let mut tampered = ders[0].clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 0x01;
        }
        let parts = SignedParts::from_cert_der(&tampered).expect("still shaped as a certificate");
        assert_eq!(signature::check(&parts, &issuer_key), SigCheck::Invalid);
    }
}
