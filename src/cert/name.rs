//! Matches the names CloudFront would accept against the leaf certificate (facts 14-16).
//!
//! Our own matcher, not webpki's: webpki ignores the subject CN entirely, and we must know
//! whether CN *would* have matched to say so (fact 16 leaves CN handling undocumented). Rules:
//! ASCII case-insensitive, a trailing dot ignored, a wildcard only as the whole left-most label
//! matching exactly one non-empty label, never for one-label suffixes (`*.com`), never for IP
//! names; IP names match only IP SANs; CN is used only when there is no SAN extension.
//! This module records matches; it never decides what a mismatch costs.

use std::net::IpAddr;

use super::parse::ParsedCert;
use crate::sanitize;

/// The outcome of matching every acceptable name against the leaf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCheck {
    /// Whether the leaf has a subjectAltName extension (then CN is not used for matching).
    pub has_san_extension: bool,
    /// What the leaf covers, for messages: SAN DNS names and IPs, sanitised.
    pub san: Vec<String>,
    /// The leaf's subject common names, sanitised.
    pub common_names: Vec<String>,
    /// One entry per name given, in the order given.
    pub results: Vec<NameResult>,
}

impl NameCheck {
    /// Whether some given name is covered (by SAN, or by CN when there is no SAN).
    pub fn any_matched(&self) -> bool {
        self.results.iter().any(|r| r.matched.is_some())
    }

    /// The names covered only through the CN fallback (no SAN extension).
    pub fn matched_via_cn(&self) -> impl Iterator<Item = &NameResult> {
        self.results
            .iter()
            .filter(|r| matches!(r.matched, Some(MatchedBy::CommonName(_))))
    }
}

/// Whether one acceptable name is covered, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameResult {
    /// The name as given (lowercase ASCII or an IP literal).
    pub name: String,
    /// How the certificate covers it, if it does (under the SAN-first rule).
    pub matched: Option<MatchedBy>,
    /// Whether a subject CN would match the name, whatever the SAN says.
    pub cn_would_match: bool,
}

/// The certificate entry that covers a name, sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchedBy {
    /// A DNS SAN equal to the name.
    SanExact(String),
    /// A wildcard DNS SAN (`*.example.com`).
    SanWildcard(String),
    /// An IP SAN equal to the IP name.
    SanIp(String),
    /// The subject CN, used because the certificate has no SAN extension.
    CommonName(String),
}

/// Matches every name in `names` against `leaf`.
pub(super) fn check(leaf: &ParsedCert<'_>, names: &[String]) -> NameCheck {
    NameCheck {
        has_san_extension: leaf.has_san_extension,
        san: leaf.san_display(),
        common_names: leaf
            .common_names
            .iter()
            .map(|n| sanitize::text(n))
            .collect(),
        results: names.iter().map(|name| check_one(leaf, name)).collect(),
    }
}

fn check_one(leaf: &ParsedCert<'_>, name: &str) -> NameResult {
    let cn_match = || {
        leaf.common_names
            .iter()
            .find(|cn| !is_ip_name(name) && dns_matches(cn, name).is_some())
            .map(|cn| MatchedBy::CommonName(sanitize::text(cn)))
    };
    let matched = if leaf.has_san_extension {
        san_match(leaf, name)
    } else {
        cn_match()
    };
    NameResult {
        name: name.to_string(),
        matched,
        cn_would_match: cn_match().is_some(),
    }
}

fn san_match(leaf: &ParsedCert<'_>, name: &str) -> Option<MatchedBy> {
    if let Some(ip) = parse_ip(name) {
        return leaf
            .ip_addresses
            .iter()
            .find(|san| **san == ip)
            .map(|san| MatchedBy::SanIp(san.to_string()));
    }
    // An exact entry is the better explanation when both an exact and a wildcard SAN match.
    let mut wildcard = None;
    for san in &leaf.dns_names {
        match dns_matches(san, name) {
            Some(Kind::Exact) => return Some(MatchedBy::SanExact(sanitize::text(san))),
            Some(Kind::Wildcard) if wildcard.is_none() => {
                wildcard = Some(MatchedBy::SanWildcard(sanitize::text(san)));
            }
            _ => {}
        }
    }
    wildcard
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Exact,
    Wildcard,
}

/// Whether the certificate name `pattern` (a DNS SAN or CN) covers the DNS name `name`.
fn dns_matches(pattern: &str, name: &str) -> Option<Kind> {
    let pattern = pattern.strip_suffix('.').unwrap_or(pattern);
    let name = name.strip_suffix('.').unwrap_or(name);
    if pattern.is_empty() || name.is_empty() || !pattern.is_ascii() || !name.is_ascii() {
        return None;
    }
    if pattern.eq_ignore_ascii_case(name) {
        // A literal `*` label never equals a real name's label, but guard anyway.
        return (!pattern.contains('*')).then_some(Kind::Exact);
    }
    let suffix = pattern.strip_prefix("*.")?;
    // `*.com`: the wildcard must sit above at least two labels; no other `*` anywhere.
    if suffix.contains('*') || !suffix.contains('.') || suffix.split('.').any(str::is_empty) {
        return None;
    }
    let (first, rest) = name.split_once('.')?;
    (!first.is_empty() && rest.eq_ignore_ascii_case(suffix)).then_some(Kind::Wildcard)
}

/// An IP literal as the CLI writes it, with or without IPv6 brackets.
fn parse_ip(name: &str) -> Option<IpAddr> {
    let bare = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    bare.parse().ok()
}

fn is_ip_name(name: &str) -> bool {
    parse_ip(name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::fixtures;

    #[test]
    fn wildcard_table() {
        let cases = [
            ("*.wild.test", "a.wild.test", Some(Kind::Wildcard)),
            ("*.wild.test", "A.WILD.TEST", Some(Kind::Wildcard)),
            ("*.wild.test", "a.wild.test.", Some(Kind::Wildcard)),
            ("*.wild.test.", "a.wild.test", Some(Kind::Wildcard)),
            ("*.wild.test", "a.b.wild.test", None),
            ("*.wild.test", "wild.test", None),
            ("*.wild.test", ".wild.test", None),
            ("*.com", "example.com", None),
            ("f*.wild.test", "foo.wild.test", None),
            ("*oo.wild.test", "foo.wild.test", None),
            ("a.*.test", "a.b.test", None),
            ("*.*.test", "a.b.test", None),
            ("*", "localhost", None),
            ("Good.Test", "good.test", Some(Kind::Exact)),
            ("good.test.", "good.test", Some(Kind::Exact)),
            ("good.test", "good.test.", Some(Kind::Exact)),
            ("good.test", "www.good.test", None),
            ("", "", None),
            ("bücher.test", "bücher.test", None),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(dns_matches(pattern, name), want, "{pattern} vs {name}");
        }
    }

    #[test]
    fn ip_names_parse_with_or_without_brackets() {
        assert_eq!(parse_ip("127.0.0.1"), "127.0.0.1".parse().ok());
        assert_eq!(parse_ip("[::1]"), "::1".parse().ok());
        assert_eq!(parse_ip("::1"), "::1".parse().ok());
        assert_eq!(parse_ip("good.test"), None);
    }

    fn leaf_names(fixture: &str, given: &[&str]) -> NameCheck {
        let ders = fixtures::chain(fixture);
        let leaf = ParsedCert::parse(0, &ders[0]).expect("fixture parses");
        check(&leaf, &fixtures::names(given))
    }

    fn matched(check: &NameCheck) -> Vec<Option<MatchedBy>> {
        check.results.iter().map(|r| r.matched.clone()).collect()
    }

    #[test]
    fn wildcard_certificate_covers_exactly_one_label() {
        let got = leaf_names("wildcard", &["a.wild.test", "a.b.wild.test", "wild.test"]);
        assert_eq!(
            matched(&got),
            [
                Some(MatchedBy::SanWildcard("*.wild.test".into())),
                None,
                None
            ]
        );
    }

    #[test]
    fn exact_san_matches_and_trailing_dot_is_ignored() {
        let got = leaf_names("good", &["www.good.test", "good.test.", "bad.test"]);
        assert_eq!(
            matched(&got),
            [
                Some(MatchedBy::SanExact("www.good.test".into())),
                Some(MatchedBy::SanExact("good.test".into())),
                None
            ]
        );
        assert_eq!(got.san, ["good.test", "www.good.test"]);
        assert!(got.has_san_extension);
    }

    #[test]
    fn host_header_name_is_one_of_the_acceptable_names() {
        let got = leaf_names("host-header", &["origin.viewer.test", "www.viewer.test"]);
        assert!(got.any_matched());
        assert_eq!(got.results[0].matched, None);
        assert_eq!(
            got.results[1].matched,
            Some(MatchedBy::SanExact("www.viewer.test".into()))
        );
        assert!(!leaf_names("host-header", &["origin.viewer.test"]).any_matched());
    }

    #[test]
    fn ip_names_match_only_ip_sans() {
        let got = leaf_names(
            "ip",
            &["127.0.0.1", "::1", "[::1]", "127.0.0.2", "localhost"],
        );
        assert_eq!(
            matched(&got),
            [
                Some(MatchedBy::SanIp("127.0.0.1".into())),
                Some(MatchedBy::SanIp("::1".into())),
                Some(MatchedBy::SanIp("::1".into())),
                None,
                None
            ]
        );
        // The CN is "127.0.0.1", but an IP name never matches a CN.
        assert!(!got.results[3].cn_would_match && !got.results[0].cn_would_match);
        assert_eq!(got.san, ["127.0.0.1", "::1"]);
    }

    #[test]
    fn without_san_the_cn_is_used_and_recorded_as_such() {
        let got = leaf_names("cn-only", &["cn-only.test", "other.test"]);
        assert!(!got.has_san_extension);
        assert_eq!(
            matched(&got),
            [Some(MatchedBy::CommonName("cn-only.test".into())), None]
        );
        assert_eq!(got.matched_via_cn().count(), 1);
    }

    #[test]
    fn with_a_san_the_cn_is_not_used_but_recorded() {
        let (der, _) = fixtures::trusted_self_signed("cn.test", &["other.test"]);
        let leaf = ParsedCert::parse(0, &der).expect("parses");
        let got = check(&leaf, &fixtures::names(&["cn.test"]));
        assert_eq!(got.results[0].matched, None);
        assert!(got.results[0].cn_would_match);
        assert_eq!(got.common_names, ["cn.test"]);
    }
}
