//! Rules on names (facts 14-16): the leaf must cover one of the names CloudFront accepts
//! (the origin name, or the forwarded Host header); a CN-only match is worded by how much
//! the sources say about it.
//!
//! At most one name finding per chain: a mismatch, a CN-only match despite a SAN extension,
//! or a match that relies on the CN fallback. Never matches names itself (`cert::name` did).

use super::{CN_FALLBACK, CN_ONLY_MATCH, CertRuleContext, NAME_MISMATCH};
use crate::cert::{ChainAnalysis, MatchedBy, NameCheck};
use crate::finding::Finding;

/// `cert.name-mismatch`, `cert.cn-only-match` or `cert.cn-fallback`.
pub(super) fn names(a: &ChainAnalysis, ctx: &CertRuleContext<'_>) -> Option<Finding> {
    let check = a.names.as_ref()?;
    if check.results.is_empty() {
        return None;
    }
    let required = required_names(check, ctx);
    if check.any_matched() {
        return cn_fallback(check, &required);
    }
    let covered = covered_names(check);
    let cn_matches: Vec<&str> = check
        .results
        .iter()
        .filter(|r| r.cn_would_match)
        .map(|r| r.name.as_str())
        .collect();
    if check.has_san_extension && !cn_matches.is_empty() {
        return Some(CN_ONLY_MATCH.finding(
            format!(
                "the leaf's subjectAltName entries {covered} do not cover {required}, but its \
                 subject common name does ('{}'); whether CloudFront uses CN when a SAN \
                 extension is present is undocumented, and most TLS clients do not",
                cn_matches.join("', '")
            ),
            format!("reissue the certificate with {required} in its subjectAltName"),
        ));
    }
    Some(NAME_MISMATCH.finding(
        format!("the leaf covers {covered}, but CloudFront requires {required}"),
        format!("serve a certificate whose subjectAltName covers {required}"),
    ))
}

/// `cert.cn-fallback`: some name matched, but only through the CN (no SAN extension).
fn cn_fallback(check: &NameCheck, required: &str) -> Option<Finding> {
    let san_covers = check
        .results
        .iter()
        .any(|r| matches!(&r.matched, Some(m) if !matches!(m, MatchedBy::CommonName(_))));
    let via_cn: Vec<String> = check
        .matched_via_cn()
        .map(|r| match &r.matched {
            Some(MatchedBy::CommonName(cn)) => format!("'{}' (by CN '{cn}')", r.name),
            _ => format!("'{}'", r.name),
        })
        .collect();
    if san_covers || via_cn.is_empty() {
        return None;
    }
    Some(CN_FALLBACK.finding(
        format!(
            "the leaf has no subjectAltName extension, so {} is covered only by the subject \
             common name; browsers and most clients ignore CN; CloudFront's handling of CN is \
             undocumented",
            via_cn.join(", ")
        ),
        format!("reissue the certificate with {required} as a DNS subjectAltName"),
    ))
}

/// `'origin.test'`, or `either the origin name 'a' or the forwarded Host header value 'b'`.
fn required_names(check: &NameCheck, ctx: &CertRuleContext<'_>) -> String {
    let labelled: Vec<String> = check
        .results
        .iter()
        .map(|r| {
            if r.name == ctx.origin && ctx.host_header.is_some() {
                format!("the origin name '{}'", r.name)
            } else if Some(r.name.as_str()) == ctx.host_header {
                format!("the forwarded Host header value '{}'", r.name)
            } else {
                format!("'{}'", r.name)
            }
        })
        .collect();
    match labelled.as_slice() {
        [one] => one.clone(),
        many => format!("either {} (one of them is enough)", many.join(" or ")),
    }
}

/// What the leaf covers: the SAN list, or the CN when there is no SAN extension.
fn covered_names(check: &NameCheck) -> String {
    if check.has_san_extension {
        if check.san.is_empty() {
            return "no names (its subjectAltName extension is empty or unreadable)".to_string();
        }
        return format!("[{}]", check.san.join(", "));
    }
    match check.common_names.as_slice() {
        [] => "no names (no subjectAltName extension and no subject CN)".to_string(),
        cns => format!(
            "only the subject CN [{}] (no subjectAltName extension)",
            cns.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_mentions, judge, judge_with, only, rules};
    use crate::cert::fixtures::{self, chain, now, test_roots};
    use crate::finding::{Confidence, Impact};

    #[test]
    fn name_mismatch_lists_covered_and_required_names() {
        let findings = judge("wrong-host");
        assert_eq!(rules(&findings), ["cert.name-mismatch"]);
        let f = only(
            &findings,
            "cert.name-mismatch",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_eq!(f.fact, 14);
        assert_mentions(
            &f.reason,
            &["covers [other-name.test]", "requires 'wrong-host.test'"],
        );
    }

    #[test]
    fn host_header_makes_either_name_acceptable() {
        let sent = chain("host-header");
        let roots = test_roots();
        let origin = "origin.viewer.test";
        let with_host = judge_with(&sent, origin, Some("www.viewer.test"), &roots, now(), 30);
        assert!(with_host.is_empty(), "{with_host:?}");
        let without = judge_with(&sent, origin, None, &roots, now(), 30);
        assert_eq!(rules(&without), ["cert.name-mismatch"]);

        let sent = chain("wrong-host");
        let findings = judge_with(
            &sent,
            "wrong-host.test",
            Some("www.viewer.test"),
            &roots,
            now(),
            30,
        );
        let f = only(
            &findings,
            "cert.name-mismatch",
            Impact::Would502,
            Confidence::Documented,
        );
        assert_mentions(
            &f.reason,
            &[
                "either the origin name 'wrong-host.test' or the forwarded Host header value \
               'www.viewer.test'",
            ],
        );
    }

    #[test]
    fn ip_origin_matches_ip_sans_only() {
        let roots = test_roots();
        for ok in ["127.0.0.1", "::1"] {
            assert!(
                judge_with(&chain("ip"), ok, None, &roots, now(), 30).is_empty(),
                "{ok}"
            );
        }
        let findings = judge_with(&chain("ip"), "127.0.0.2", None, &roots, now(), 30);
        assert_eq!(rules(&findings), ["cert.name-mismatch"]);
        assert_mentions(&findings[0].reason, &["[127.0.0.1, ::1]", "'127.0.0.2'"]);
    }

    #[test]
    fn wildcard_origin_names() {
        let roots = test_roots();
        for (origin, ok) in [
            ("a.wild.test", true),
            ("a.b.wild.test", false),
            ("wild.test", false),
        ] {
            let findings = judge_with(&chain("wildcard"), origin, None, &roots, now(), 30);
            assert_eq!(findings.is_empty(), ok, "{origin}: {findings:?}");
        }
        let findings = judge_with(&chain("wildcard"), "wild.test", None, &roots, now(), 30);
        assert_mentions(
            &findings[0].reason,
            &["covers [*.wild.test]", "'wild.test'"],
        );
    }

    #[test]
    fn cn_fallback_is_a_warning() {
        let findings = judge("cn-only");
        assert_eq!(rules(&findings), ["cert.cn-fallback"]);
        let f = only(
            &findings,
            "cert.cn-fallback",
            Impact::Warn,
            Confidence::Unverified,
        );
        assert_mentions(
            &f.reason,
            &[
                "'cn-only.test' (by CN 'cn-only.test')",
                "no subjectAltName",
                "undocumented",
            ],
        );
    }

    #[test]
    fn cn_only_match_with_a_san_present_is_a_502() {
        let (der, store) = fixtures::trusted_self_signed("cn.test", &["other.test"]);
        let findings = judge_with(&[der], "cn.test", None, &store, now(), 30);
        assert_eq!(rules(&findings), ["cert.cn-only-match"]);
        let f = only(
            &findings,
            "cert.cn-only-match",
            Impact::Would502,
            Confidence::Unverified,
        );
        assert_mentions(&f.reason, &["[other.test]", "('cn.test')", "undocumented"]);
    }

    #[test]
    fn no_names_at_all_is_a_mismatch_saying_so() {
        let (der, store) = fixtures::trusted_self_signed("", &[]);
        let findings = judge_with(&[der], "x.test", None, &store, now(), 30);
        assert_eq!(rules(&findings), ["cert.name-mismatch"]);
        assert_mentions(&findings[0].reason, &["only the subject CN []"]);
    }
}
