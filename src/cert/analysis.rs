//! `analyse`: from the DER chain as sent to the facts the CloudFront certificate rules judge.
//!
//! Pure: the chain, the acceptable names, the trust store and `now` are all parameters. It
//! combines the per-certificate facts (`parse.rs`), our issuer walk and the sent layout
//! (`chain.rs`), webpki's verdict judged apart from time (`verify.rs`) and its classification
//! (`classify.rs`), validity (`validity.rs`) and name matching (`name.rs`) into one
//! `ChainAnalysis`. It never produces findings: `verdict::cert_rules` does.

use rustls_pki_types::UnixTime;

use super::chain::{self, CertRef, Layout, OrderViolation, ServedRoot};
use super::classify::{self, Trust};
use super::key::KeyKind;
use super::name::{self, NameCheck};
use super::parse::{ParseFailure, ParsedCert};
use super::summary;
use super::trust::TrustStore;
use super::validity::{self, Expiry, TimeProblem};
use super::verify;
use crate::document::CertSummary;

/// Most certificates analysed from one Certificate message. Real chains are 2-4 certificates,
/// webpki follows at most 6 intermediates, and each extra certificate costs signature checks
/// in the walk (quadratic in the worst case): 16 leaves room for any honest chain with served
/// roots and cross-signs while bounding what a hostile server can make us do. Certificates
/// beyond it are counted (`ChainAnalysis::sent`) but not parsed.
pub const MAX_CHAIN_CERTS: usize = 16;

/// Everything the certificate rules need, as facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainAnalysis {
    /// One summary per certificate that parsed, in sent order (`position` shows any gap).
    pub summaries: Vec<CertSummary>,
    /// How many certificates the server sent.
    pub sent: usize,
    /// How many were analysed: `min(sent, MAX_CHAIN_CERTS)`.
    pub analysed: usize,
    /// Certificates x509-parser could not parse.
    pub unparseable: Vec<ParseFailure>,
    pub trust: Trust,
    /// The path the order and validity checks apply to, leaf first: the verified path when
    /// trusted, otherwise our walk from the leaf as far as it goes. Empty without a leaf.
    pub path: Vec<CertRef>,
    /// Set when the path was not sent as positions 0, 1, 2, ... (fact 12).
    pub order: Option<OrderViolation>,
    /// Self-signed certificates sent after the path (fact 13).
    pub served_roots: Vec<ServedRoot>,
    /// Other certificates sent after the path (fact 13).
    pub extras: Vec<CertRef>,
    /// Path certificates not valid at `now`, in path order.
    pub time_problems: Vec<TimeProblem>,
    /// The path certificate that expires first.
    pub earliest_expiry: Option<Expiry>,
    /// Name matching of the leaf; `None` when there is no parsed leaf.
    pub names: Option<NameCheck>,
    /// The leaf's key; `None` when there is no parsed leaf.
    pub leaf_key: Option<KeyKind>,
}

/// Analyses `chain` (DER as sent, leaf first) for the acceptable `names` (fact 14: the
/// certificate must cover one of them), against `store`, at `now`. Pure: no I/O, no clock.
pub fn analyse(
    chain: &[Vec<u8>],
    names: &[String],
    store: &TrustStore,
    now: UnixTime,
) -> ChainAnalysis {
    let now_secs = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let analysed = chain.len().min(MAX_CHAIN_CERTS);
    let ders: Vec<&[u8]> = chain[..analysed].iter().map(Vec::as_slice).collect();
    let mut unparseable = Vec::new();
    let certs: Vec<Option<ParsedCert<'_>>> = ders
        .iter()
        .enumerate()
        .map(|(position, der)| match ParsedCert::parse(position, der) {
            Ok(cert) => Some(cert),
            Err(failure) => {
                unparseable.push(failure);
                None
            }
        })
        .collect();
    let mut analysis = ChainAnalysis {
        summaries: certs
            .iter()
            .flatten()
            .map(|c| summary::of(c, now_secs))
            .collect(),
        sent: chain.len(),
        analysed,
        unparseable,
        trust: Trust::NoCertificate,
        path: Vec::new(),
        order: None,
        served_roots: Vec::new(),
        extras: Vec::new(),
        time_problems: Vec::new(),
        earliest_expiry: None,
        names: None,
        leaf_key: None,
    };
    let Some(first) = certs.first() else {
        return analysis;
    };
    let Some(leaf) = first else {
        analysis.trust = Trust::Unparseable;
        return analysis;
    };

    let walk = chain::walk(&certs, store);
    let parsed = |p: &usize| certs.get(*p).and_then(Option::as_ref);
    let shifted = validity::common_instant(
        walk.path
            .iter()
            .filter_map(parsed)
            .map(|c| (c.not_before, c.not_after)),
    )
    .or_else(|| validity::common_instant([(leaf.not_before, leaf.not_after)]));
    let outcome = verify::verify(&ders, store, now, shifted);
    let (trust, path) = classify::classify(outcome, leaf, &certs, walk);

    let path_certs: Vec<&ParsedCert<'_>> = path.iter().filter_map(parsed).collect();
    let Layout {
        order,
        served_roots,
        extras,
    } = chain::layout(&certs, &path);
    analysis.trust = trust;
    analysis.path = path_certs.iter().map(|c| CertRef::of(c)).collect();
    analysis.order = order;
    analysis.served_roots = served_roots;
    analysis.extras = extras;
    analysis.time_problems = path_certs
        .iter()
        .filter_map(|c| validity::problem(c, now_secs))
        .collect();
    analysis.earliest_expiry = validity::earliest_expiry(&path_certs, now_secs);
    analysis.names = Some(name::check(leaf, names));
    analysis.leaf_key = Some(leaf.key.clone());
    analysis
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::fixtures::{analyse_fixture, at, chain, now, test_roots};
    use crate::cert::validity::Bound;

    fn run(name: &str) -> ChainAnalysis {
        analyse_fixture(name)
    }

    #[test]
    fn wrong_order_is_trusted_but_out_of_order() {
        let a = run("wrong-order");
        assert!(matches!(&a.trust, Trust::Trusted { path, .. } if path == &[0, 2, 1]));
        let order = a.order.expect("order violation");
        let sent: Vec<usize> = order.sent.iter().map(|c| c.position).collect();
        let required: Vec<usize> = order.required.iter().map(|c| c.position).collect();
        assert_eq!(sent, [0, 1, 2]);
        assert_eq!(required, [0, 2, 1]);
        assert_eq!(
            order.required[1].subject,
            "CN=origin-probe Test Sub-Intermediate CA"
        );
        assert!(order.misplaced.is_empty());
    }

    #[test]
    fn certificate_outside_the_path_sent_inside_it_is_an_order_violation() {
        let mut sent = chain("extra-cert");
        sent.swap(1, 2); // leaf, other-intermediate (stray), intermediate
        let a = analyse(&sent, &[], &test_roots(), now());
        assert!(matches!(&a.trust, Trust::Trusted { path, .. } if path == &[0, 2]));
        let order = a.order.expect("order violation");
        assert_eq!(order.misplaced.len(), 1);
        assert_eq!(
            order.misplaced[0].subject,
            "CN=origin-probe Other Intermediate CA"
        );
        assert!(a.extras.is_empty(), "reported as misplaced, not twice");
    }

    #[test]
    fn served_root_and_extra_certificate_are_recorded_after_the_path() {
        let a = run("served-root");
        assert!(matches!(a.trust, Trust::Trusted { .. }));
        assert_eq!(a.served_roots.len(), 1);
        assert_eq!(a.served_roots[0].cert.position, 2);
        assert!(a.served_roots[0].anchors_path);
        assert!(a.extras.is_empty() && a.order.is_none());

        let a = run("extra-cert");
        assert!(a.served_roots.is_empty());
        assert_eq!(a.extras.len(), 1);
        assert_eq!(a.extras[0].position, 2);
        assert_eq!(a.extras[0].subject, "CN=origin-probe Other Intermediate CA");
    }

    #[test]
    fn expired_leaf_is_valid_in_2000_where_the_intermediate_is_not_yet() {
        let a = analyse(&chain("expired"), &[], &test_roots(), at(2000, 6, 15));
        assert!(matches!(a.trust, Trust::Trusted { .. }), "{:?}", a.trust);
        let found: Vec<(usize, Bound)> = a
            .time_problems
            .iter()
            .map(|p| (p.cert.position, p.bound))
            .collect();
        assert_eq!(found, [(1, Bound::NotYetValid)]);
        assert_eq!(a.time_problems[0].date, "2020-01-01T00:00:00Z");
        assert_eq!(a.summaries[0].days_left, 200, "2000-06-15 to 2001-01-01");
    }

    #[test]
    fn not_yet_valid_leaf_and_expired_intermediate_are_time_problems() {
        let a = run("not-yet-valid");
        assert_eq!(a.time_problems.len(), 1);
        assert_eq!(a.time_problems[0].bound, Bound::NotYetValid);
        assert_eq!(a.time_problems[0].date, "2200-01-01T00:00:00Z");

        let a = run("expired-intermediate");
        assert!(matches!(a.trust, Trust::Trusted { .. }), "{:?}", a.trust);
        assert_eq!(a.time_problems.len(), 1);
        assert_eq!(a.time_problems[0].cert.position, 1);
        assert_eq!(
            a.time_problems[0].cert.subject,
            "CN=origin-probe Expired Intermediate CA"
        );
        assert_eq!(a.earliest_expiry.map(|e| e.cert.position), Some(1));
    }

    #[test]
    fn unparseable_certificate_inside_the_chain_is_recorded_with_its_position() {
        let good = chain("good");
        let sent = vec![
            good[0].clone(),
            vec![0x30, 0x03, 0x02, 0x01, 0x00],
            good[1].clone(),
        ];
        let a = analyse(&sent, &[], &test_roots(), now());
        assert_eq!(a.unparseable.len(), 1);
        assert_eq!(a.unparseable[0].position, 1);
        assert_eq!(
            a.summaries.iter().map(|s| s.position).collect::<Vec<_>>(),
            [0, 2]
        );
        assert!(matches!(&a.trust, Trust::Trusted { path, .. } if path == &[0, 2]));
        let order = a.order.expect("the intermediate is not at position 1");
        assert_eq!(order.misplaced[0].subject, "(unparseable)");
    }

    #[test]
    fn only_the_first_sixteen_certificates_are_analysed() {
        let good = chain("good");
        let mut sent = vec![good[0].clone()];
        sent.extend(std::iter::repeat_n(good[1].clone(), MAX_CHAIN_CERTS));
        let a = analyse(&sent, &[], &test_roots(), now());
        assert_eq!((a.sent, a.analysed), (MAX_CHAIN_CERTS + 1, MAX_CHAIN_CERTS));
        assert_eq!(a.summaries.len(), MAX_CHAIN_CERTS);
        assert!(matches!(a.trust, Trust::Trusted { .. }));
        assert_eq!(
            a.extras.len(),
            MAX_CHAIN_CERTS - 2,
            "duplicates outside the path"
        );
    }
}
