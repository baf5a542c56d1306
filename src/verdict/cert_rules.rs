//! The CloudFront certificate rules: from a `cert::ChainAnalysis` to findings (facts 7-16).
//!
//! Every rule id, with its impact, confidence and fact, is in the table below ([`RULES`]);
//! the functions that fire them live in the submodules by topic (`trust`, `layout`, `time`,
//! `names`, `key`). Each returns findings whose reason names the concrete certificate
//! (position and subject), date or names, and whose fix says what to change. Confidence
//! follows `cloudfront-origin-facts.md`: documented where AWS says it, inferred where the
//! facts file marks an inference, unverified where no source speaks. Rules never inspect
//! certificates themselves (`cert::analyse` has) and never do I/O.

mod key;
mod layout;
mod names;
mod time;
mod trust;

use crate::cert::{CertRef, ChainAnalysis};
use crate::document::{RootsInfo, RootsSource};
use crate::finding::Confidence::{Documented, Inferred, Unverified};
use crate::finding::Impact::{Warn, Would502};
use crate::finding::{Confidence, Finding, Impact};

/// What the rules need besides the analysis.
#[derive(Debug, Clone, Copy)]
pub struct CertRuleContext<'a> {
    /// The origin name (or IP literal) CloudFront connects to.
    pub origin: &'a str,
    /// The viewer Host header forwarded to the origin, if any (fact 14: either name may match).
    pub host_header: Option<&'a str>,
    /// Warn when the first path certificate expires within this many days.
    pub warn_days: u32,
    /// Within this many days of that expiry the finding is a would-502 instead (`--crit-days`).
    pub crit_days: Option<u32>,
    /// The trust store the analysis used (its wording differs for `--roots`).
    pub roots: &'a RootsInfo,
}

/// Every certificate finding for one analysed chain, most fundamental first. A broken trust
/// chain does not hide time, name or key problems: the operator gets the whole list at once.
pub fn cert_findings(analysis: &ChainAnalysis, ctx: &CertRuleContext<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(trust::no_certificate(analysis));
    findings.extend(trust::chain_too_long(analysis));
    findings.extend(trust::unparseable(analysis));
    findings.extend(trust::trust(analysis, ctx));
    findings.extend(layout::chain_order(analysis));
    findings.extend(time::time_problems(analysis));
    findings.extend(time::expiring_soon(analysis, ctx));
    findings.extend(names::names(analysis, ctx));
    findings.extend(key::key(analysis));
    findings.extend(layout::served_roots(analysis));
    findings.extend(layout::extra_certificates(analysis));
    findings
}

/// One certificate rule: a stable id and what its findings mean. An id may appear in more
/// than one row when the same defect is judged differently (`cert.key-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub impact: Impact,
    pub confidence: Confidence,
    /// The fact of `cloudfront-origin-facts.md` the rule rests on.
    pub fact: u16,
}

impl Rule {
    const fn new(id: &'static str, impact: Impact, confidence: Confidence, fact: u16) -> Rule {
        Rule {
            id,
            impact,
            confidence,
            fact,
        }
    }

    fn finding(self, reason: String, fix: impl Into<String>) -> Finding {
        Finding {
            rule: self.id,
            impact: self.impact,
            confidence: self.confidence,
            reason,
            fix: fix.into(),
            fact: self.fact,
        }
    }
}

/// The server sent an empty Certificate message (12: no chain, no handshake).
pub const NONE: Rule = Rule::new("cert.none", Would502, Inferred, 12);
/// A sent certificate is not valid X.509 (12: "an invalid certificate").
pub const UNPARSEABLE: Rule = Rule::new("cert.unparseable", Would502, Inferred, 12);
/// More than `cert::MAX_CHAIN_CERTS` sent; no source gives CloudFront's limit.
pub const CHAIN_TOO_LONG: Rule = Rule::new("cert.chain-too-long", Would502, Unverified, 12);
/// 11: "You can't use a self-signed certificate".
pub const SELF_SIGNED: Rule = Rule::new("cert.self-signed", Would502, Documented, 11);
/// 11: the issuing CA must be on the Mozilla included CA list.
pub const UNTRUSTED_ROOT: Rule = Rule::new("cert.untrusted-root", Would502, Documented, 11);
/// 12: "if the full chain of certificates, including the intermediate certificate, is not
/// present, CloudFront drops the TCP connection".
pub const INCOMPLETE_CHAIN: Rule = Rule::new("cert.incomplete-chain", Would502, Documented, 12);
/// 12: "an invalid certificate"; what webpki calls invalid is our reading of that.
pub const INVALID: Rule = Rule::new("cert.invalid", Would502, Inferred, 12);
/// 12: "an expired certificate".
pub const EXPIRED: Rule = Rule::new("cert.expired", Would502, Documented, 12);
/// 12 names expired, not future, certificates; treating them alike is our reading.
pub const NOT_YET_VALID: Rule = Rule::new("cert.not-yet-valid", Would502, Inferred, 12);
/// 12: expiry is fatal, so its approach is worth a warning.
pub const EXPIRING_SOON: Rule = Rule::new("cert.expiring-soon", Warn, Documented, 12);
/// 12: within `--crit-days` of expiry, a scheduled run fails now, before viewers do.
pub const EXPIRING_CRITICAL: Rule = Rule::new("cert.expiring-critical", Would502, Documented, 12);
/// 12: "the certificate chain in the wrong order".
pub const CHAIN_ORDER: Rule = Rule::new("cert.chain-order", Would502, Documented, 12);
/// 13 (inference): AWS says not to include the root.
pub const SERVED_ROOT: Rule = Rule::new("cert.served-root", Warn, Inferred, 13);
/// 13 (inference): AWS says not to include certificates outside the trust path.
pub const EXTRA_CERTIFICATE: Rule = Rule::new("cert.extra-certificate", Warn, Inferred, 13);
/// 14: the certificate must include one of the origin name or the forwarded Host.
pub const NAME_MISMATCH: Rule = Rule::new("cert.name-mismatch", Would502, Documented, 14);
/// 16: CN handling is undocumented; only CN matches and there is no SAN extension.
pub const CN_FALLBACK: Rule = Rule::new("cert.cn-fallback", Warn, Unverified, 16);
/// 16: CN matches, a SAN extension exists and does not.
pub const CN_ONLY_MATCH: Rule = Rule::new("cert.cn-only-match", Would502, Unverified, 16);
/// 9: RSA keys of 1024 to 4096 bits.
pub const KEY_SIZE: Rule = Rule::new("cert.key-size", Would502, Documented, 9);
/// 8 (inference): no EdDSA or RSA-PSS signature scheme offered to origins.
pub const KEY_TYPE: Rule = Rule::new("cert.key-type", Would502, Inferred, 8);
/// 9 (with 7): ECDSA keys documented as 256-bit; no curve beyond P-256/P-384 offered.
pub const KEY_CURVE: Rule = Rule::new("cert.key-type", Would502, Inferred, 9);
/// 9: P-384 origin keys: the sources conflict.
pub const KEY_P384: Rule = Rule::new("cert.key-type", Warn, Unverified, 9);

/// Every certificate rule, for the README's rule table and for tests.
pub const RULES: &[Rule] = &[
    NONE,
    UNPARSEABLE,
    CHAIN_TOO_LONG,
    SELF_SIGNED,
    UNTRUSTED_ROOT,
    INCOMPLETE_CHAIN,
    INVALID,
    EXPIRED,
    NOT_YET_VALID,
    EXPIRING_SOON,
    EXPIRING_CRITICAL,
    CHAIN_ORDER,
    SERVED_ROOT,
    EXTRA_CERTIFICATE,
    NAME_MISMATCH,
    CN_FALLBACK,
    CN_ONLY_MATCH,
    KEY_SIZE,
    KEY_TYPE,
    KEY_CURVE,
    KEY_P384,
];

/// `#1 'CN=Example Intermediate'`, with "the leaf" spelled out for position 0.
fn cert(c: &CertRef) -> String {
    if c.position == 0 {
        format!("the leaf #0 '{}'", c.subject)
    } else {
        format!("#{} '{}'", c.position, c.subject)
    }
}

/// The leaf as `cert` names it, from the analysed path.
fn leaf(a: &ChainAnalysis) -> String {
    a.path.first().map_or_else(|| "the leaf".to_string(), cert)
}

/// `[#0 'CN=a', #1 'CN=b']`.
fn cert_list(certs: &[CertRef]) -> String {
    let items: Vec<String> = certs.iter().map(CertRef::to_string).collect();
    format!("[{}]", items.join(", "))
}

/// Where a trusted issuer would have to be: "in the Mozilla included CA list CloudFront
/// uses" or "trusted by the --roots store `<path>`".
fn store_phrase(roots: &RootsInfo) -> String {
    match (roots.source, &roots.path) {
        (RootsSource::File, Some(path)) => format!("trusted by the --roots store {path}"),
        (RootsSource::File, None) => "trusted by the --roots store".to_string(),
        (RootsSource::Mozilla, _) => "in the Mozilla included CA list CloudFront uses".to_string(),
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// Shared by the rule modules' tests.
#[cfg(test)]
mod testing {
    use rustls_pki_types::UnixTime;

    use super::{CertRuleContext, RULES, cert_findings};
    use crate::cert::fixtures::{chain, now, test_roots};
    use crate::cert::{TrustStore, analyse};
    use crate::finding::{Confidence, Finding, Impact};

    /// Findings for `fixture` served as origin `<fixture>.test` against the test roots.
    pub(super) fn judge(fixture: &str) -> Vec<Finding> {
        let origin = format!("{fixture}.test");
        judge_with(&chain(fixture), &origin, None, &test_roots(), now(), 30)
    }

    /// Findings for `sent` as origin `origin` (and `host_header`), checked for the basics
    /// every finding must have.
    pub(super) fn judge_with(
        sent: &[Vec<u8>],
        origin: &str,
        host_header: Option<&str>,
        store: &TrustStore,
        now: UnixTime,
        warn_days: u32,
    ) -> Vec<Finding> {
        let mut acceptable = vec![origin.to_string()];
        acceptable.extend(host_header.map(str::to_string));
        let analysis = analyse(sent, &acceptable, store, now);
        let ctx = CertRuleContext {
            origin,
            host_header,
            warn_days,
            crit_days: None,
            roots: store.info(),
        };
        let findings = cert_findings(&analysis, &ctx);
        for f in &findings {
            assert!(!f.reason.is_empty() && !f.fix.is_empty(), "{f:?}");
            let listed = RULES.iter().any(|r| {
                (r.id, r.impact, r.confidence, r.fact) == (f.rule, f.impact, f.confidence, f.fact)
            });
            assert!(listed, "not in RULES: {f:?}");
        }
        findings
    }

    pub(super) fn rules(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.rule).collect()
    }

    /// The only finding with `rule`, checked for impact and confidence.
    pub(super) fn only<'f>(
        findings: &'f [Finding],
        rule: &str,
        impact: Impact,
        confidence: Confidence,
    ) -> &'f Finding {
        let matching: Vec<&Finding> = findings.iter().filter(|f| f.rule == rule).collect();
        assert_eq!(matching.len(), 1, "{rule} in {:?}", rules(findings));
        let f = matching[0];
        assert_eq!((f.impact, f.confidence), (impact, confidence), "{f:?}");
        f
    }

    pub(super) fn assert_mentions(text: &str, parts: &[&str]) {
        for part in parts {
            assert!(text.contains(part), "{part:?} not in {text:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{judge, judge_with};
    use super::*;
    use crate::cert::fixtures::{chain, now, test_roots};

    #[test]
    fn control_chains_have_no_findings() {
        for fixture in ["good", "deep", "rsa2048", "rsa1024"] {
            let findings = judge(fixture);
            assert!(findings.is_empty(), "{fixture}: {findings:?}");
        }
        let findings = judge_with(
            &chain("wildcard"),
            "a.wild.test",
            None,
            &test_roots(),
            now(),
            30,
        );
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn rule_ids_are_stable_and_namespaced() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), 19, "{ids:?}");
        assert!(ids.iter().all(|id| id.starts_with("cert.")));
    }
}
