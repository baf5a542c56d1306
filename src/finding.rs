//! Findings and verdicts: the vocabulary every rule speaks in.
//!
//! A [`Finding`] is one judgement about an origin or one of its addresses. It never carries
//! raw server bytes unsanitised and never carries a secret. Rules that produce findings live in
//! `verdict/`; this module only defines the shapes and how they rank.

use serde::Serialize;

/// What CloudFront would do because of a finding, ordered from harmless to fatal.
///
/// The order is the ranking used for "worst wins": an address's verdict is its worst finding,
/// an origin's the worst of its addresses. A would-502 ranks above a would-504 because it is
/// certain to fail on every request, whereas a 504 depends on timing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// Context for the operator; changes nothing.
    Info,
    /// Works today, but needs attention (expiry soon, undocumented behaviour relied on).
    Warn,
    /// CloudFront would answer 504 Gateway Timeout.
    #[serde(rename = "would-504")]
    Would504,
    /// CloudFront would answer 502 Bad Gateway.
    #[serde(rename = "would-502")]
    Would502,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Info => "info",
            Impact::Warn => "warn",
            Impact::Would504 => "would-504",
            Impact::Would502 => "would-502",
        }
    }
}

/// How sure the rule is that CloudFront behaves as predicted, following the facts file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// No source states the behaviour; the rule is our best reading.
    Unverified,
    /// A reading of the sources, marked "(inference)" in the facts file.
    Inferred,
    /// Stated by AWS documentation or the API model.
    Documented,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Unverified => "unverified",
            Confidence::Inferred => "inferred",
            Confidence::Documented => "documented",
        }
    }
}

/// The answer for one address or one origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Switching to https-only would work.
    Ready,
    /// Would work, with findings that need attention.
    Warn,
    /// CloudFront would answer 504.
    #[serde(rename = "would-504")]
    Would504,
    /// CloudFront would answer 502.
    #[serde(rename = "would-502")]
    Would502,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::Warn => "warn",
            Verdict::Would504 => "would-504",
            Verdict::Would502 => "would-502",
        }
    }

    /// The verdict that a set of findings amounts to: the worst impact wins.
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Verdict {
        let worst = findings.into_iter().map(|f| f.impact).max();
        match worst {
            None | Some(Impact::Info) => Verdict::Ready,
            Some(Impact::Warn) => Verdict::Warn,
            Some(Impact::Would504) => Verdict::Would504,
            Some(Impact::Would502) => Verdict::Would502,
        }
    }

    /// Whether CloudFront would fail requests to this origin.
    pub fn fails(self) -> bool {
        matches!(self, Verdict::Would502 | Verdict::Would504)
    }

    /// All verdict values, in rank order (for renderers that need one series per value).
    pub const ALL: [Verdict; 4] = [
        Verdict::Ready,
        Verdict::Warn,
        Verdict::Would504,
        Verdict::Would502,
    ];
}

/// One judgement, with everything an operator needs to act on it.
///
/// Serialised with one computed field after `fact`: `fact_url`, the primary source of the fact
/// (`crate::facts::url`), so a reader can check "[documented, fact 12]" without the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id, e.g. `cert.expired`. Listed in the README's rule table.
    pub rule: &'static str,
    pub impact: Impact,
    pub confidence: Confidence,
    /// What was observed, naming the concrete values (certificate, date, names).
    pub reason: String,
    /// What the operator should change.
    pub fix: String,
    /// The number of the fact in `cloudfront-origin-facts.md` the rule rests on.
    pub fact: u16,
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Finding", 7)?;
        s.serialize_field("rule", self.rule)?;
        s.serialize_field("impact", &self.impact)?;
        s.serialize_field("confidence", &self.confidence)?;
        s.serialize_field("reason", &self.reason)?;
        s.serialize_field("fix", &self.fix)?;
        s.serialize_field("fact", &self.fact)?;
        s.serialize_field("fact_url", &crate::facts::url(self.fact))?;
        s.end()
    }
}

/// Builds a finding; the one constructor every rule module uses.
pub(crate) fn finding(
    rule: &'static str,
    impact: Impact,
    confidence: Confidence,
    fact: u16,
    reason: String,
    fix: impl Into<String>,
) -> Finding {
    Finding {
        rule,
        impact,
        confidence,
        reason,
        fix: fix.into(),
        fact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(impact: Impact) -> Finding {
        Finding {
            rule: "test.rule",
            impact,
            confidence: Confidence::Documented,
            reason: String::new(),
            fix: String::new(),
            fact: 1,
        }
    }

    #[test]
    fn worst_impact_wins() {
        let fs = [
            finding(Impact::Info),
            finding(Impact::Would504),
            finding(Impact::Warn),
        ];
        assert_eq!(Verdict::from_findings(&fs), Verdict::Would504);
        let fs = [finding(Impact::Would504), finding(Impact::Would502)];
        assert_eq!(Verdict::from_findings(&fs), Verdict::Would502);
        assert_eq!(
            Verdict::from_findings(&[finding(Impact::Info)]),
            Verdict::Ready
        );
        assert_eq!(Verdict::from_findings(&[]), Verdict::Ready);
    }

    #[test]
    fn serialized_names_match_the_documented_strings() {
        for v in Verdict::ALL {
            let json = serde_json::to_string(&v).expect("verdict serializes");
            assert_eq!(json, format!("\"{}\"", v.as_str()));
        }
        for i in [
            Impact::Info,
            Impact::Warn,
            Impact::Would504,
            Impact::Would502,
        ] {
            let json = serde_json::to_string(&i).expect("impact serializes");
            assert_eq!(json, format!("\"{}\"", i.as_str()));
        }
    }
}
