//! Rules on how the sent certificates are laid out around the path: wrong order (fact 12),
//! a served root and certificates outside the path (fact 13, an inference).
//!
//! Never judges trust; a chain can be trusted by webpki (which builds paths in any order)
//! and still be refused by CloudFront for its order.

use super::{CHAIN_ORDER, EXTRA_CERTIFICATE, SERVED_ROOT, cert, cert_list};
use crate::cert::ChainAnalysis;
use crate::finding::Finding;

/// `cert.chain-order`: the path is not sent as leaf, issuer, issuer's issuer, ...
pub(super) fn chain_order(a: &ChainAnalysis) -> Option<Finding> {
    let order = a.order.as_ref()?;
    let mut reason = format!(
        "the certificates were sent in the order {}, but CloudFront requires the path in \
         order {} (each certificate followed by the one that issued it)",
        cert_list(&order.sent),
        cert_list(&order.required)
    );
    let mut fix = format!(
        "serve the chain in the order {}",
        cert_list(&order.required)
    );
    if !order.misplaced.is_empty() {
        let misplaced = cert_list(&order.misplaced);
        reason.push_str(&format!(
            "; {misplaced} not part of the path but sent inside it"
        ));
        fix.push_str(&format!(" and remove {misplaced}"));
    }
    Some(CHAIN_ORDER.finding(reason, fix))
}

/// `cert.served-root`: a self-signed certificate sent after the path.
pub(super) fn served_roots(a: &ChainAnalysis) -> Vec<Finding> {
    a.served_roots
        .iter()
        .map(|r| {
            let role = if r.anchors_path {
                "the root of this chain"
            } else {
                "a self-signed certificate that does not issue the path"
            };
            SERVED_ROOT.finding(
                format!(
                    "the server also sends {} ({role}); AWS says not to include the root \
                     certificate, and whether CloudFront tolerates it is undocumented",
                    cert(&r.cert)
                ),
                format!("remove #{} from the served chain", r.cert.position),
            )
        })
        .collect()
}

/// `cert.extra-certificate`: a certificate sent after the path that is not part of it.
pub(super) fn extra_certificates(a: &ChainAnalysis) -> Vec<Finding> {
    a.extras
        .iter()
        .map(|c| {
            EXTRA_CERTIFICATE.finding(
                format!(
                    "the server also sends {}, which is not part of the trust path; AWS says \
                     not to include certificates outside the trust path",
                    cert(c)
                ),
                format!("remove #{} from the served chain", c.position),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_mentions, judge, judge_with, only, rules};
    use crate::cert::fixtures::{chain, now, test_roots};
    use crate::finding::{Confidence, Impact};

    #[test]
    fn chain_order_names_sent_and_required_order() {
        let findings = judge("wrong-order");
        assert_eq!(rules(&findings), ["cert.chain-order"]);
        let f = only(
            &findings,
            "cert.chain-order",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_mentions(
            &f.reason,
            &[
                "sent in the order [#0 'CN=wrong-order.test', \
                 #1 'CN=origin-probe Test Intermediate CA', \
                 #2 'CN=origin-probe Test Sub-Intermediate CA']",
                "requires the path in order [#0 'CN=wrong-order.test', \
                 #2 'CN=origin-probe Test Sub-Intermediate CA', \
                 #1 'CN=origin-probe Test Intermediate CA']",
            ],
        );
        assert_mentions(
            &f.fix,
            &["#2 'CN=origin-probe Test Sub-Intermediate CA', #1"],
        );
    }

    #[test]
    fn certificate_sent_inside_the_path_is_named_for_removal() {
        let mut sent = chain("extra-cert");
        sent.swap(1, 2);
        let findings = judge_with(&sent, "extra-cert.test", None, &test_roots(), now(), 30);
        assert_eq!(rules(&findings), ["cert.chain-order"]);
        assert_mentions(
            &findings[0].fix,
            &["remove [#1 'CN=origin-probe Other Intermediate CA']"],
        );
    }

    #[test]
    fn served_root_is_a_warning_naming_the_root() {
        let findings = judge("served-root");
        assert_eq!(rules(&findings), ["cert.served-root"]);
        let f = only(
            &findings,
            "cert.served-root",
            Impact::Warn,
            Confidence::Inferred,
        );
        assert_eq!(f.fact, 13);
        assert_mentions(
            &f.reason,
            &[
                "#2 'CN=origin-probe Test Root CA'",
                "the root of this chain",
            ],
        );
        assert_mentions(&f.fix, &["remove #2"]);
    }

    #[test]
    fn extra_certificate_is_a_warning_naming_it() {
        let findings = judge("extra-cert");
        assert_eq!(rules(&findings), ["cert.extra-certificate"]);
        let f = only(
            &findings,
            "cert.extra-certificate",
            Impact::Warn,
            Confidence::Inferred,
        );
        assert_mentions(
            &f.reason,
            &[
                "#2 'CN=origin-probe Other Intermediate CA'",
                "not part of the trust path",
            ],
        );
        assert_mentions(&f.fix, &["remove #2"]);
    }
}
