//! Runs rustls-webpki over the chain as sent: which sent certificates form a trusted path,
//! judged apart from time.
//!
//! Server-auth usage, all of webpki's signature algorithms, no revocation (fact 40: nothing
//! says CloudFront checks it) and never any AIA fetching (fact 12: a missing intermediate is
//! fatal). webpki puts time first in its error ranking, so an expired certificate would hide
//! every other problem; when the error is about time we verify again at an instant inside the
//! path's validity windows and leave the time problems to `validity.rs`. This module never
//! judges names (webpki ignores CN) and never reads the clock.

use std::time::Duration;

use rustls_pki_types::{CertificateDer, UnixTime};
use webpki::{EndEntityCert, KeyUsage};

use super::trust::TrustStore;

/// What webpki concluded about the sent chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum WebpkiOutcome {
    /// A trusted path exists. `path` holds sent positions, leaf first; `shifted` is set when
    /// it only verified at an instant other than `now` (time problems exist).
    Verified { path: Vec<usize>, shifted: bool },
    /// A failure that is not about time, at `now` or at the shifted instant.
    Failed(webpki::Error),
    /// Only time errors, at `now` and at every instant tried: webpki cannot say whether the
    /// chain is trusted apart from time (the windows of the path do not overlap).
    TimeOnly,
}

/// Verifies `chain` (DER as sent, leaf first) at `now`; on a time error, again at `shifted`
/// (seconds since the epoch) when given.
pub(super) fn verify(
    chain: &[&[u8]],
    store: &TrustStore,
    now: UnixTime,
    shifted: Option<i64>,
) -> WebpkiOutcome {
    let Some((leaf, rest)) = chain.split_first() else {
        return WebpkiOutcome::Failed(webpki::Error::BadDer);
    };
    let leaf_der = CertificateDer::from(*leaf);
    let ee = match EndEntityCert::try_from(&leaf_der) {
        Ok(ee) => ee,
        Err(e) => return WebpkiOutcome::Failed(e),
    };
    let intermediates: Vec<CertificateDer<'_>> =
        rest.iter().map(|d| CertificateDer::from(*d)).collect();
    let at = |time: UnixTime| {
        ee.verify_for_usage(
            // webpki's own algorithms, answering through the memo shared with our walk.
            super::memo::all_verification_algs(),
            store.anchors(),
            &intermediates,
            time,
            KeyUsage::server_auth(),
            None,
            None,
        )
        .map(|path| {
            positions(
                chain,
                path.intermediate_certificates().map(|c| c.der().to_vec()),
            )
        })
    };
    match at(now) {
        Ok(path) => WebpkiOutcome::Verified {
            path,
            shifted: false,
        },
        Err(e) if !is_time_error(&e) => WebpkiOutcome::Failed(e),
        Err(_) => {
            let Some(secs) = shifted.and_then(|s| u64::try_from(s).ok()) else {
                return WebpkiOutcome::TimeOnly;
            };
            match at(UnixTime::since_unix_epoch(Duration::from_secs(secs))) {
                Ok(path) => WebpkiOutcome::Verified {
                    path,
                    shifted: true,
                },
                Err(e) if is_time_error(&e) => WebpkiOutcome::TimeOnly,
                Err(e) => WebpkiOutcome::Failed(e),
            }
        }
    }
}

/// Maps the path's intermediates back to sent positions by DER equality (the first unused
/// position when the same certificate was sent twice).
fn positions(chain: &[&[u8]], intermediates: impl Iterator<Item = Vec<u8>>) -> Vec<usize> {
    let mut path = vec![0];
    for der in intermediates {
        let found = (1..chain.len()).find(|&p| !path.contains(&p) && chain[p] == der.as_slice());
        // webpki only builds paths out of the intermediates we gave it, all from `chain`.
        if let Some(p) = found {
            path.push(p);
        }
    }
    path
}

fn is_time_error(e: &webpki::Error) -> bool {
    matches!(
        e,
        webpki::Error::CertExpired { .. } | webpki::Error::CertNotValidYet { .. }
    )
}

/// webpki's error as its variant name (`UnknownIssuer`), without the context payload.
pub(super) fn error_name(e: &webpki::Error) -> String {
    let debug = format!("{e:?}");
    let end = debug.find([' ', '(', '{']).unwrap_or(debug.len());
    debug[..end].to_string()
}

/// What a webpki error means, for an operator.
pub(super) fn error_detail(e: &webpki::Error) -> &'static str {
    use webpki::Error as E;
    match e {
        E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            "the certificate's extended key usage does not allow TLS server authentication (serverAuth)"
        }
        E::CaUsedAsEndEntity => {
            "the server certificate is a CA certificate (basicConstraints CA:TRUE)"
        }
        E::EndEntityUsedAsCa => "a certificate that is not a CA is used to issue another",
        E::InvalidSignatureForPublicKey => {
            "a signature in the chain does not verify with its issuer's key"
        }
        E::UnsupportedSignatureAlgorithmContext(_) => {
            "a certificate is signed with an algorithm the verifier does not accept (e.g. SHA-1, MD5, P-521)"
        }
        E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            "a certificate's signature algorithm does not fit its issuer's key type"
        }
        E::SignatureAlgorithmMismatch => {
            "a certificate names two different signature algorithms (inner and outer)"
        }
        E::NameConstraintViolation => "the certificate violates a name constraint of an issuing CA",
        E::PathLenConstraintViolated => {
            "the chain is longer than an issuing CA's pathLenConstraint allows"
        }
        E::MaximumPathDepthExceeded => {
            "the path has more intermediates than the verifier follows (6)"
        }
        E::CertDistrusted => "a certificate in the chain is explicitly distrusted",
        E::UnsupportedCriticalExtension => {
            "a certificate has a critical extension the verifier does not know"
        }
        E::UnsupportedCertVersion => "a certificate is not X.509 version 3",
        E::InvalidCertValidity => "a certificate's notAfter is before its notBefore",
        E::UnknownIssuer => "no path from the certificate to a trusted root",
        E::BadDer | E::BadDerTime | E::TrailingData(_) => "a certificate is not valid DER",
        _ => "the certificate chain is not valid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::fixtures;

    #[test]
    fn error_names_drop_the_payload() {
        assert_eq!(error_name(&webpki::Error::UnknownIssuer), "UnknownIssuer");
        let expired = webpki::Error::CertExpired {
            time: UnixTime::since_unix_epoch(Duration::from_secs(2)),
            not_after: UnixTime::since_unix_epoch(Duration::from_secs(1)),
        };
        assert_eq!(error_name(&expired), "CertExpired");
        assert!(is_time_error(&expired));
        assert!(!is_time_error(&webpki::Error::UnknownIssuer));
    }

    #[test]
    fn empty_chain_fails_without_panicking() {
        let now = UnixTime::since_unix_epoch(Duration::from_secs(1_700_000_000));
        let out = verify(&[], &TrustStore::mozilla(), now, None);
        assert_eq!(out, WebpkiOutcome::Failed(webpki::Error::BadDer));
    }

    #[test]
    fn positions_follow_der_equality_and_skip_duplicates() {
        let (a, b, c): (&[u8], &[u8], &[u8]) = (b"leaf", b"int", b"int");
        let chain = [a, b, c];
        assert_eq!(positions(&chain, [b"int".to_vec()].into_iter()), vec![0, 1]);
        assert_eq!(
            positions(&chain, [b"int".to_vec(), b"int".to_vec()].into_iter()),
            vec![0, 1, 2]
        );
    }

    fn ders(fixture: &str) -> Vec<Vec<u8>> {
        fixtures::chain(fixture)
    }

    fn run(sent: &[Vec<u8>], now: UnixTime, shifted: Option<i64>) -> WebpkiOutcome {
        let borrowed: Vec<&[u8]> = sent.iter().map(Vec::as_slice).collect();
        verify(&borrowed, &fixtures::test_roots(), now, shifted)
    }

    fn unix(t: UnixTime) -> i64 {
        i64::try_from(t.as_secs()).expect("fits")
    }

    #[test]
    fn verified_path_maps_to_sent_positions() {
        let out = run(&ders("wrong-order"), fixtures::now(), None);
        assert_eq!(
            out,
            WebpkiOutcome::Verified {
                path: vec![0, 2, 1],
                shifted: false
            }
        );
    }

    #[test]
    fn time_errors_are_retried_at_the_shifted_instant() {
        let later = fixtures::at(2200, 1, 1);
        assert_eq!(run(&ders("good"), later, None), WebpkiOutcome::TimeOnly);
        let out = run(&ders("good"), later, Some(unix(fixtures::now())));
        assert_eq!(
            out,
            WebpkiOutcome::Verified {
                path: vec![0, 1],
                shifted: true
            }
        );
        // The retry surfaces the error the expiry hid.
        let out = run(&ders("no-server-auth"), later, Some(unix(fixtures::now())));
        assert!(
            matches!(out, WebpkiOutcome::Failed(ref e) if error_name(e) == "RequiredEkuNotFoundContext"),
            "{out:?}"
        );
    }

    #[test]
    fn non_overlapping_windows_stay_time_only() {
        let shifted = unix(fixtures::at(2000, 6, 1));
        assert_eq!(
            run(&ders("expired"), fixtures::now(), Some(shifted)),
            WebpkiOutcome::TimeOnly
        );
    }
}
