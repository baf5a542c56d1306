//! Rules on whether CloudFront could trust the chain at all: no certificate, unparseable
//! certificates, too many certificates, and the one trust classification (self-signed,
//! untrusted root, incomplete chain, invalid). Facts 11-12.
//!
//! At most one trust finding per chain: the classification already chose the most precise
//! explanation (a self-signed leaf is never also "incomplete"). Never judges time or names.

use super::{
    CHAIN_TOO_LONG, CertRuleContext, INCOMPLETE_CHAIN, INVALID, NONE, SELF_SIGNED, UNPARSEABLE,
    UNTRUSTED_ROOT, cert, leaf, store_phrase,
};
use crate::cert::{ChainAnalysis, MAX_CHAIN_CERTS, Trust};
use crate::finding::Finding;

/// `cert.none`: an empty Certificate message.
pub(super) fn no_certificate(a: &ChainAnalysis) -> Option<Finding> {
    (a.trust == Trust::NoCertificate).then(|| {
        NONE.finding(
            "the server sent no certificate".to_string(),
            "configure a certificate and its intermediates on the origin's HTTPS listener",
        )
    })
}

/// `cert.chain-too-long`: more certificates than `MAX_CHAIN_CERTS`.
pub(super) fn chain_too_long(a: &ChainAnalysis) -> Option<Finding> {
    (a.sent > MAX_CHAIN_CERTS).then(|| {
        CHAIN_TOO_LONG.finding(
            format!(
                "the server sent {} certificates; no working chain needs more than \
                 {MAX_CHAIN_CERTS}, only the first {MAX_CHAIN_CERTS} were checked, and \
                 CloudFront's limit is undocumented",
                a.sent
            ),
            "serve only the leaf followed by its intermediates",
        )
    })
}

/// `cert.unparseable`: one finding per certificate x509-parser could not read.
pub(super) fn unparseable(a: &ChainAnalysis) -> Vec<Finding> {
    a.unparseable
        .iter()
        .map(|f| {
            let which = if f.position == 0 {
                "the leaf #0".to_string()
            } else {
                format!("certificate #{}", f.position)
            };
            UNPARSEABLE.finding(
                format!("{which} is not a valid X.509 certificate: {}", f.error),
                "serve well-formed DER certificates (check the chain file, e.g. with \
                 `openssl x509 -noout -text`)",
            )
        })
        .collect()
}

/// `cert.self-signed`, `cert.untrusted-root`, `cert.incomplete-chain`, `cert.invalid`.
pub(super) fn trust(a: &ChainAnalysis, ctx: &CertRuleContext<'_>) -> Option<Finding> {
    match &a.trust {
        Trust::NoCertificate | Trust::Unparseable | Trust::Trusted { .. } => None,
        Trust::SelfSigned => Some(SELF_SIGNED.finding(
            format!(
                "{} is self-signed; CloudFront does not accept self-signed origin certificates",
                leaf(a)
            ),
            "replace it with a certificate issued by a CA on the Mozilla included CA list, \
             served with its intermediates",
        )),
        Trust::UntrustedRoot { root } => Some(UNTRUSTED_ROOT.finding(
            format!(
                "the chain ends at the self-signed root {}, which is not {}",
                cert(root),
                store_phrase(ctx.roots)
            ),
            "use a certificate issued by a CA on the Mozilla included CA list, and do not send \
             the root",
        )),
        Trust::IncompleteChain {
            top,
            missing_issuer,
            missing_issuer_cn,
            leaf_only,
        } => {
            let missing = missing_issuer_cn.as_deref().unwrap_or(missing_issuer);
            let reason = if *leaf_only && a.sent == 1 {
                format!(
                    "the server sent only the leaf; the intermediate '{missing}' is missing; \
                     CloudFront does not fetch missing intermediates (AIA); if '{missing}' is \
                     a private CA instead, it is not {}",
                    store_phrase(ctx.roots)
                )
            } else if *leaf_only {
                format!(
                    "none of the {} certificates sent issued {}; its issuer '{missing}' is \
                     missing (a missing intermediate or private CA); CloudFront does not fetch \
                     missing intermediates (AIA)",
                    a.sent,
                    cert(top)
                )
            } else {
                format!(
                    "the chain sent ends at {}, whose issuer '{missing}' is neither sent nor \
                     {} (a missing intermediate or private CA); CloudFront does not fetch \
                     missing intermediates (AIA)",
                    cert(top),
                    store_phrase(ctx.roots)
                )
            };
            Some(INCOMPLETE_CHAIN.finding(
                reason,
                format!(
                    "serve the full chain: the leaf first, then its intermediates in order, \
                     including '{missing}' unless it is a root of the trust store; if \
                     '{missing}' is a private CA, use a certificate from a CA on the Mozilla \
                     included CA list"
                ),
            ))
        }
        Trust::Invalid { error, detail } => {
            let fix = match error.as_str() {
                "RequiredEkuNotFoundContext" | "EmptyEkuExtension" => {
                    "reissue the leaf with extendedKeyUsage serverAuth"
                }
                "CaUsedAsEndEntity" => "reissue the leaf with basicConstraints CA:FALSE",
                "UnsupportedSignatureAlgorithmContext" => {
                    "reissue the chain with SHA-256 (or stronger) RSA PKCS#1 or ECDSA signatures"
                }
                _ => {
                    "serve a chain that verifies (check with \
                     `openssl verify -untrusted chain.pem leaf.pem`)"
                }
            };
            Some(INVALID.finding(
                format!("the chain is not valid: {detail} (webpki: {error})"),
                fix,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_mentions, judge, judge_with, only, rules};
    use crate::cert::TrustStore;
    use crate::cert::fixtures::{at, chain, now, test_roots};
    use crate::finding::{Confidence, Impact};

    #[test]
    fn no_certificate() {
        let findings = judge_with(&[], "good.test", None, &test_roots(), now(), 30);
        assert_eq!(rules(&findings), ["cert.none"]);
        let f = only(
            &findings,
            "cert.none",
            Impact::Would502,
            Confidence::Inferred,
        );
        assert_mentions(&f.reason, &["no certificate"]);
    }

    #[test]
    fn unparseable_leaf() {
        let findings = judge_with(
            &[b"junk".to_vec()],
            "x.test",
            None,
            &test_roots(),
            now(),
            30,
        );
        assert_eq!(rules(&findings), ["cert.unparseable"]);
        let f = only(
            &findings,
            "cert.unparseable",
            Impact::Would502,
            Confidence::Inferred,
        );
        assert_mentions(&f.reason, &["the leaf #0", "not a valid X.509 certificate"]);
    }

    #[test]
    fn unparseable_certificate_inside_the_chain() {
        let good = chain("good");
        let sent = [good[0].clone(), b"junk".to_vec(), good[1].clone()];
        let findings = judge_with(&sent, "good.test", None, &test_roots(), now(), 30);
        assert_eq!(rules(&findings), ["cert.unparseable", "cert.chain-order"]);
        assert_mentions(&findings[0].reason, &["certificate #1 is not"]);
    }

    #[test]
    fn chain_too_long() {
        let good = chain("good");
        let mut sent = good.clone();
        sent.extend(std::iter::repeat_n(good[1].clone(), 15));
        let findings = judge_with(&sent, "good.test", None, &test_roots(), now(), 30);
        let f = only(
            &findings,
            "cert.chain-too-long",
            Impact::Would502,
            Confidence::Unverified,
        );
        assert_mentions(&f.reason, &["sent 17 certificates", "first 16"]);
    }

    #[test]
    fn self_signed_is_reported_once_with_its_subject() {
        let findings = judge("self-signed");
        assert_eq!(rules(&findings), ["cert.self-signed"]);
        let f = only(
            &findings,
            "cert.self-signed",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_eq!(f.fact, 11);
        assert_mentions(
            &f.reason,
            &["the leaf #0 'CN=self-signed.test' is self-signed"],
        );
    }

    #[test]
    fn untrusted_root_names_the_store() {
        let findings = judge("untrusted");
        assert_eq!(rules(&findings), ["cert.untrusted-root"]);
        let f = only(
            &findings,
            "cert.untrusted-root",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_mentions(
            &f.reason,
            &[
                "#2 'CN=origin-probe Other Root CA'",
                "not trusted by the --roots store certs/test-roots.pem",
            ],
        );
        let mozilla = TrustStore::mozilla();
        let findings = judge_with(
            &chain("untrusted"),
            "untrusted.test",
            None,
            &mozilla,
            now(),
            30,
        );
        let f = only(
            &findings,
            "cert.untrusted-root",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_mentions(
            &f.reason,
            &["not in the Mozilla included CA list CloudFront uses"],
        );
    }

    #[test]
    fn incomplete_chain_names_the_missing_intermediate() {
        let findings = judge("incomplete");
        assert_eq!(rules(&findings), ["cert.incomplete-chain"]);
        let f = only(
            &findings,
            "cert.incomplete-chain",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_eq!(f.fact, 12);
        assert_mentions(
            &f.reason,
            &[
                "the server sent only the leaf; the intermediate \
                 'origin-probe Test Intermediate CA' is missing",
                "CloudFront does not fetch missing intermediates (AIA)",
            ],
        );
        assert_mentions(&f.fix, &["the leaf first", "intermediates in order"]);
    }

    #[test]
    fn chain_ending_at_an_intermediate_is_incomplete_too() {
        let mozilla = TrustStore::mozilla();
        let findings = judge_with(&chain("good"), "good.test", None, &mozilla, now(), 30);
        assert_eq!(rules(&findings), ["cert.incomplete-chain"]);
        assert_mentions(
            &findings[0].reason,
            &[
                "ends at #1 'CN=origin-probe Test Intermediate CA'",
                "'origin-probe Test Root CA' is neither sent nor in the Mozilla included CA list",
                "missing intermediate or private CA",
            ],
        );
    }

    #[test]
    fn leaf_sent_with_unrelated_certificates_is_incomplete() {
        let sent = [
            chain("incomplete")[0].clone(),
            chain("untrusted")[2].clone(),
        ];
        let findings = judge_with(&sent, "incomplete.test", None, &test_roots(), now(), 30);
        assert_eq!(
            rules(&findings),
            ["cert.incomplete-chain", "cert.served-root"]
        );
        assert_mentions(
            &findings[0].reason,
            &["none of the 2 certificates sent issued the leaf #0 'CN=incomplete.test'"],
        );
        assert_mentions(&findings[1].reason, &["does not issue the path"]);
    }

    #[test]
    fn invalid_chain_carries_the_webpki_error() {
        let findings = judge("no-server-auth");
        assert_eq!(rules(&findings), ["cert.invalid"]);
        let f = only(
            &findings,
            "cert.invalid",
            Impact::Would502,
            Confidence::Inferred,
        );
        assert_mentions(
            &f.reason,
            &["webpki: RequiredEkuNotFoundContext", "serverAuth"],
        );
        assert_mentions(&f.fix, &["serverAuth"]);
    }

    #[test]
    fn broken_trust_still_reports_time_and_name_problems() {
        let later = at(2200, 1, 1);
        let roots = test_roots();
        let findings = judge_with(
            &chain("self-signed"),
            "elsewhere.test",
            None,
            &roots,
            later,
            30,
        );
        assert_eq!(
            rules(&findings),
            ["cert.self-signed", "cert.expired", "cert.name-mismatch"]
        );
        let findings = judge_with(
            &chain("incomplete"),
            "elsewhere.test",
            None,
            &roots,
            later,
            30,
        );
        assert_eq!(
            rules(&findings),
            [
                "cert.incomplete-chain",
                "cert.expired",
                "cert.name-mismatch"
            ]
        );
    }
}
