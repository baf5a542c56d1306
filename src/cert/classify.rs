//! Classifies the trust outcome of a chain: webpki's answer, explained by our issuer walk.
//!
//! webpki says "trusted" with a path, or gives one error; the walk (`chain.rs`) says where the
//! sent certificates lead. Together they give one `Trust`: a self-signed leaf first, then
//! `UnknownIssuer` explained as an untrusted root or an incomplete chain, else webpki's own
//! reason. Pure and small; it never looks at time (webpki was already asked apart from time)
//! or names, and never produces findings.

use super::chain::{CertRef, Walk, WalkEnd};
use super::parse::ParsedCert;
use super::verify::{self, WebpkiOutcome};

/// Whether the chain is trusted, apart from time, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// The server sent an empty Certificate message.
    NoCertificate,
    /// The leaf does not parse (see `ChainAnalysis::unparseable`).
    Unparseable,
    /// A path from the leaf to a trust anchor exists. `path` holds sent positions, leaf first.
    Trusted { path: Vec<usize>, basis: TrustBasis },
    /// The leaf is self-signed (and not itself a trust anchor).
    SelfSigned,
    /// The chain ends at a self-signed certificate that is not in the store.
    UntrustedRoot { root: CertRef },
    /// The top of what was sent is not self-signed, and its issuer is neither sent nor in
    /// the store: a missing intermediate, or a private CA.
    IncompleteChain {
        /// The last certificate our walk reached.
        top: CertRef,
        /// The missing issuer's Name (sanitised) and its common name when it has one.
        missing_issuer: String,
        missing_issuer_cn: Option<String>,
        /// No sent certificate issued the leaf (`top` is the leaf).
        leaf_only: bool,
    },
    /// webpki refused the chain for another reason (EKU, CA as leaf, bad signature, ...).
    Invalid {
        /// webpki's error variant, e.g. `RequiredEkuNotFoundContext`.
        error: String,
        /// What it means, for an operator.
        detail: String,
    },
}

/// What a `Trust::Trusted` rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustBasis {
    /// webpki verified the path at `now`.
    Webpki,
    /// webpki verified the path at an instant inside its validity windows; at `now` some
    /// certificate is expired or not yet valid (see `time_problems`).
    WebpkiApartFromTime,
    /// The windows of the path never overlap, so webpki cannot judge it apart from time; our
    /// walk (names and signatures) reached a trust anchor. webpki's leaf checks (EKU, CA as
    /// leaf) passed at the leaf's own validity; its issuer checks were not applied.
    IssuerWalk,
}

/// The trust outcome and the path (sent positions, leaf first) that order and validity checks
/// apply to: webpki's verified path, or else our walk as far as it goes.
pub(super) fn classify(
    outcome: WebpkiOutcome,
    leaf: &ParsedCert<'_>,
    certs: &[Option<ParsedCert<'_>>],
    walk: Walk,
) -> (Trust, Vec<usize>) {
    match outcome {
        WebpkiOutcome::Verified { path, shifted } => {
            let basis = if shifted {
                TrustBasis::WebpkiApartFromTime
            } else {
                TrustBasis::Webpki
            };
            let trust = Trust::Trusted {
                path: path.clone(),
                basis,
            };
            (trust, path)
        }
        WebpkiOutcome::Failed(error) => (classify_failure(&error, leaf, certs, &walk), walk.path),
        WebpkiOutcome::TimeOnly => (classify_walk(leaf, certs, &walk), walk.path),
    }
}

/// Classifies a non-time webpki failure. A self-signed leaf wins over webpki's reason
/// (often `CaUsedAsEndEntity` for `openssl req -x509` certificates); `UnknownIssuer` is
/// explained by where our walk stopped; anything else is webpki's own reason.
fn classify_failure(
    error: &webpki::Error,
    leaf: &ParsedCert<'_>,
    certs: &[Option<ParsedCert<'_>>],
    walk: &Walk,
) -> Trust {
    let invalid = || Trust::Invalid {
        error: verify::error_name(error),
        detail: verify::error_detail(error).to_string(),
    };
    if leaf.looks_self_signed() {
        return Trust::SelfSigned;
    }
    match (error, walk.end) {
        (webpki::Error::UnknownIssuer, WalkEnd::SelfSigned | WalkEnd::MissingIssuer) => {
            classify_walk(leaf, certs, walk)
        }
        _ => invalid(),
    }
}

/// The outcome our walk describes, for when webpki cannot say (or says only `UnknownIssuer`).
/// An anchored walk counts as trusted only here, on the `TimeOnly` route.
fn classify_walk(leaf: &ParsedCert<'_>, certs: &[Option<ParsedCert<'_>>], walk: &Walk) -> Trust {
    let top = walk
        .path
        .last()
        .and_then(|&p| certs.get(p))
        .and_then(Option::as_ref)
        .unwrap_or(leaf);
    match walk.end {
        WalkEnd::SelfSigned if top.position == 0 => Trust::SelfSigned,
        WalkEnd::SelfSigned => Trust::UntrustedRoot {
            root: CertRef::of(top),
        },
        WalkEnd::Anchored => Trust::Trusted {
            path: walk.path.clone(),
            basis: TrustBasis::IssuerWalk,
        },
        WalkEnd::MissingIssuer => Trust::IncompleteChain {
            top: CertRef::of(top),
            missing_issuer: top.issuer.clone(),
            missing_issuer_cn: top.issuer_cn.clone(),
            leaf_only: top.position == 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::analysis::{ChainAnalysis, analyse};
    use crate::cert::fixtures::{analyse_fixture, at, chain, names, now, test_roots};
    use crate::cert::trust::TrustStore;
    use crate::cert::validity::Bound;

    fn run(name: &str) -> ChainAnalysis {
        analyse_fixture(name)
    }

    fn positions(a: &ChainAnalysis) -> Vec<usize> {
        a.path.iter().map(|c| c.position).collect()
    }

    #[test]
    fn good_chain_is_trusted_along_the_sent_path() {
        let a = run("good");
        assert_eq!(
            a.trust,
            Trust::Trusted {
                path: vec![0, 1],
                basis: TrustBasis::Webpki
            }
        );
        assert_eq!(positions(&a), [0, 1]);
        assert_eq!((a.sent, a.analysed, a.summaries.len()), (2, 2, 2));
        assert!(a.order.is_none() && a.served_roots.is_empty() && a.extras.is_empty());
        assert!(a.time_problems.is_empty() && a.unparseable.is_empty());
        let expiry = a.earliest_expiry.expect("a path has an expiry");
        assert_eq!(expiry.not_after, "2120-01-01T00:00:00Z");
        assert_eq!(expiry.cert.position, 0, "first in path order on a tie");
    }

    #[test]
    fn deep_chain_in_order_is_trusted() {
        let a = run("deep");
        assert!(matches!(&a.trust, Trust::Trusted { path, .. } if path == &[0, 1, 2]));
        assert!(a.order.is_none());
    }

    #[test]
    fn chain_trusted_by_the_test_root_is_incomplete_for_mozilla() {
        let a = analyse(
            &chain("good"),
            &names(&["good.test"]),
            &TrustStore::mozilla(),
            now(),
        );
        let Trust::IncompleteChain {
            top,
            missing_issuer_cn,
            leaf_only,
            ..
        } = &a.trust
        else {
            panic!("{:?}", a.trust)
        };
        assert_eq!(top.position, 1);
        assert_eq!(
            missing_issuer_cn.as_deref(),
            Some("origin-probe Test Root CA")
        );
        assert!(!leaf_only);
    }

    #[test]
    fn leaf_only_is_an_incomplete_chain_naming_the_missing_intermediate() {
        let a = run("incomplete");
        let Trust::IncompleteChain {
            top,
            missing_issuer,
            missing_issuer_cn,
            leaf_only,
        } = &a.trust
        else {
            panic!("{:?}", a.trust)
        };
        assert_eq!(top.position, 0);
        assert!(leaf_only);
        assert_eq!(missing_issuer, "CN=origin-probe Test Intermediate CA");
        assert_eq!(
            missing_issuer_cn.as_deref(),
            Some("origin-probe Test Intermediate CA")
        );
    }

    #[test]
    fn self_signed_leaf_is_its_own_class() {
        let a = run("self-signed");
        assert_eq!(a.trust, Trust::SelfSigned);
        assert_eq!(positions(&a), [0]);
        assert!(a.summaries[0].self_signed);
    }

    #[test]
    fn chain_to_a_foreign_root_is_untrusted_root() {
        for store in [test_roots(), TrustStore::mozilla()] {
            let a = analyse(&chain("untrusted"), &[], &store, now());
            let Trust::UntrustedRoot { root } = &a.trust else {
                panic!("{:?}", a.trust)
            };
            assert_eq!(root.position, 2);
            assert_eq!(root.subject, "CN=origin-probe Other Root CA");
            assert!(
                a.served_roots.is_empty(),
                "the root is the path's end, not extra"
            );
        }
    }

    #[test]
    fn missing_server_auth_is_invalid_with_webpki_error() {
        let a = run("no-server-auth");
        let Trust::Invalid { error, detail } = &a.trust else {
            panic!("{:?}", a.trust)
        };
        assert_eq!(error, "RequiredEkuNotFoundContext");
        assert!(detail.contains("serverAuth"));
    }

    #[test]
    fn served_root_not_in_the_store_ends_the_chain() {
        let a = analyse(&chain("served-root"), &[], &TrustStore::mozilla(), now());
        assert!(matches!(&a.trust, Trust::UntrustedRoot { root } if root.position == 2));
        assert!(a.served_roots.is_empty());
    }

    #[test]
    fn expired_leaf_does_not_mask_trust() {
        let a = run("expired");
        // The leaf (2000..2001) and its intermediate (2020..2120) share no instant, so webpki
        // cannot judge apart from time; the walk reached the anchor.
        assert_eq!(
            a.trust,
            Trust::Trusted {
                path: vec![0, 1],
                basis: TrustBasis::IssuerWalk
            }
        );
        assert_eq!(a.time_problems.len(), 1);
        let p = &a.time_problems[0];
        assert_eq!((p.cert.position, p.bound), (0, Bound::Expired));
        assert_eq!(p.date, "2001-01-01T00:00:00Z");
        assert!(a.earliest_expiry.is_some_and(|e| e.days_left < 0));
    }

    #[test]
    fn whole_chain_expired_is_still_judged_apart_from_time() {
        let a = analyse(&chain("good"), &[], &test_roots(), at(2200, 1, 1));
        assert_eq!(
            a.trust,
            Trust::Trusted {
                path: vec![0, 1],
                basis: TrustBasis::WebpkiApartFromTime
            }
        );
        assert_eq!(a.time_problems.len(), 2);
        // An EKU problem is not hidden behind the expiry either.
        let a = analyse(&chain("no-server-auth"), &[], &test_roots(), at(2200, 1, 1));
        assert!(matches!(a.trust, Trust::Invalid { .. }), "{:?}", a.trust);
        assert_eq!(a.time_problems.len(), 2);
    }

    #[test]
    fn empty_chain_is_no_certificate() {
        let a = analyse(&[], &names(&["good.test"]), &test_roots(), now());
        assert_eq!(a.trust, Trust::NoCertificate);
        assert!(a.summaries.is_empty() && a.names.is_none() && a.path.is_empty());
    }

    #[test]
    fn unparseable_leaf_is_recorded_not_panicked_on() {
        let a = analyse(&[b"garbage".to_vec()], &[], &test_roots(), now());
        assert_eq!(a.trust, Trust::Unparseable);
        assert_eq!(a.unparseable.len(), 1);
        assert_eq!(a.unparseable[0].position, 0);
        assert!(a.names.is_none() && a.leaf_key.is_none());
    }

    #[test]
    fn self_signed_ca_as_leaf_is_self_signed_not_invalid() {
        // `openssl req -x509` certificates carry CA:TRUE, so webpki says CaUsedAsEndEntity;
        // the operator's problem is that the certificate is self-signed.
        for pem in [
            crate::cert::fixtures::P521_PEM,
            crate::cert::fixtures::ED448_PEM,
        ] {
            let sent = crate::cert::fixtures::der_of(pem);
            let a = analyse(&sent, &[], &test_roots(), now());
            assert_eq!(a.trust, Trust::SelfSigned);
            assert!(a.summaries[0].is_ca);
        }
    }
}
