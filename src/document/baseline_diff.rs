//! What changed since `--baseline`: the data of the report's `"baseline"` object (the
//! comparison itself is `baseline::diff`; the table's text is `report`'s). Pure data.

use std::fmt::Write as _;

use serde::{Serialize, Serializer};

use super::{FailOn, OriginReport};
use crate::finding::{Impact, Verdict};

/// What identifies an origin across runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct OriginKey {
    pub origin: String,
    pub port: u16,
    pub host_header: Option<String>,
    pub distribution_id: Option<String>,
    pub origin_id: Option<String>,
}

impl OriginKey {
    pub(crate) fn of(o: &OriginReport) -> OriginKey {
        OriginKey {
            origin: o.origin.clone(),
            port: o.port,
            host_header: o.host_header.clone(),
            distribution_id: o
                .cloudfront
                .as_ref()
                .and_then(|c| c.distribution_id.clone()),
            origin_id: o.cloudfront.as_ref().map(|c| c.origin_id.clone()),
        }
    }

    /// `origin:port (Host: h) [distribution D origin O]`, as the text output shows it.
    pub(crate) fn label(&self) -> String {
        let mut label = format!("{}:{}", self.origin, self.port);
        if let Some(host) = &self.host_header {
            let _ = write!(label, " (Host: {host})");
        }
        match (&self.distribution_id, &self.origin_id) {
            (Some(d), Some(o)) => {
                let _ = write!(label, " [distribution {d} origin {o}]");
            }
            (None, Some(o)) => {
                let _ = write!(label, " [origin {o}]");
            }
            _ => {}
        }
        label
    }
}

/// How an origin's standing changed; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Regressed,
    Fixed,
    StillFailing,
    Passing,
    New,
    Gone,
}

/// A rule that appeared or disappeared on an origin, with its worst impact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleImpact {
    pub rule: String,
    pub impact: Impact,
}

/// The origin's earliest leaf expiry moved later with a new certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Renewal {
    pub not_after_before: String,
    pub not_after: String,
}

/// The origin's fewest days left went below a threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThresholdCrossing {
    pub threshold_days: u32,
    pub days_left_before: i64,
    pub days_left: i64,
}

/// One origin with something to report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginDiff {
    #[serde(flatten)]
    pub key: OriginKey,
    pub change: Change,
    /// Counts towards the exit code: `regressed`, or `new` and failing.
    pub regression: bool,
    pub verdict_before: Option<Verdict>,
    pub verdict_after: Option<Verdict>,
    pub new_findings: Vec<RuleImpact>,
    pub resolved_findings: Vec<RuleImpact>,
    pub renewed: Option<Renewal>,
    pub expiry_threshold_crossed: Option<ThresholdCrossing>,
}

/// Counts over every origin, including those not listed in [`BaselineDiff::changes`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiffSummary {
    pub regressions: usize,
    pub fixed: usize,
    pub still_failing: usize,
    pub new: usize,
    pub gone: usize,
    pub renewed: usize,
    pub expiry_thresholds_crossed: usize,
}

/// What changed since the baseline; serialises to the documented `"baseline"` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaselineDiff {
    pub source: String,
    pub generated_at: String,
    #[serde(serialize_with = "fail_on_name")]
    pub fail_on: FailOn,
    pub expiry_thresholds_days: Vec<u32>,
    pub summary: DiffSummary,
    pub changes: Vec<OriginDiff>,
}

fn fail_on_name<S: Serializer>(fail_on: &FailOn, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(fail_on.as_str())
}
