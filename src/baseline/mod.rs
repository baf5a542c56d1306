//! Baseline comparison (`--baseline FILE`): what changed since an earlier JSON report.
//!
//! Pure: the caller reads the file and passes its bytes; this module parses them, compares them
//! with the current [`Report`] into a [`BaselineDiff`] (part of the report document; `report`
//! renders it as text after the table and in the JSON document). It never reads files or the clock and
//! never changes a verdict.
//!
//! # Matching
//!
//! Origins are matched on `origin`, `port`, `host_header` and, for CloudFront input,
//! `distribution_id` and `origin_id` (an origin id is only unique within its distribution).
//! The same key twice is matched in order. `source` is not part of the key: a line number in an
//! origins file moves when a line is added above it.
//!
//! # What is reported
//!
//! Whether an origin "fails" follows `--fail-on` ([`FailOn::fails`]); per origin, the change is
//!
//! | `change` | meaning | a regression? |
//! | --- | --- | --- |
//! | `regressed` | did not fail in the baseline, fails now | yes |
//! | `fixed` | failed in the baseline, does not now | no |
//! | `still-failing` | failed then and fails now | no |
//! | `passing` | failed neither then nor now | no |
//! | `new` | not in the baseline | if it fails now |
//! | `gone` | in the baseline, not probed now | no |
//!
//! and, for origins in both reports:
//! - **findings** new and resolved, by rule, counting only `warn` and worse (the worst impact
//!   of a rule on the origin or any of its addresses). A rule whose impact changed is neither.
//! - **renewed**: the earliest leaf `not_after` of the origin's addresses is later than in the
//!   baseline and some leaf's SHA-256 is new (a renewal on only some addresses does not move
//!   the earliest date, and is not one yet).
//! - **expiry threshold crossed**: the fewest `days_left` of any certificate of any chain of the
//!   origin was at or above a threshold in the baseline and is below it now; the lowest
//!   threshold crossed is reported.
//!
//! # JSON (`"baseline"` in the `--format json` document)
//!
//! | field | type | meaning |
//! | --- | --- | --- |
//! | `source` | string | the baseline file as given |
//! | `generated_at` | string | the baseline's `generated_at` |
//! | `fail_on` | string | `would-fail`, `warn` or `never`: what "fails" meant |
//! | `expiry_thresholds_days` | array of integers | the thresholds checked, ascending |
//! | `summary` | object | integers `regressions`, `fixed`, `still_failing`, `new`, `gone`, `renewed`, `expiry_thresholds_crossed` |
//! | `changes` | array | one object per origin with anything to report (not `passing` or `still-failing` origins where nothing changed), current report order, then `gone` ones |
//!
//! A change: `origin` (string), `port` (integer), `host_header`, `distribution_id`,
//! `origin_id` (string or null), `change` (string, above), `regression` (boolean),
//! `verdict_before`, `verdict_after` (verdict string, or null when absent from that report),
//! `new_findings`, `resolved_findings` (arrays of `{rule, impact}`), `renewed` (null or
//! `{not_after_before, not_after}`, RFC 3339), `expiry_threshold_crossed` (null or
//! `{threshold_days, days_left_before, days_left}`).

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::{Deserialize, Deserializer};
use thiserror::Error;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::document::{
    BaselineDiff, Change, DiffSummary, FailOn, OriginDiff, OriginKey, OriginReport, Renewal,
    Report, RuleImpact, SCHEMA_VERSION, ThresholdCrossing,
};
use crate::finding::{Impact, Verdict};
use crate::sanitize;

mod diff;
#[cfg(test)]
mod tests;

pub(crate) use diff::{diff, regressions};

/// An earlier JSON report, reduced to what a comparison needs.
#[derive(Debug, Clone)]
pub(crate) struct Baseline {
    source: String,
    generated_at: String,
    origins: Vec<Origin>,
}

#[cfg(test)]
impl Baseline {
    /// The file the baseline was read from, as the caller named it.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    /// When the baseline run judged its origins (RFC 3339).
    pub(crate) fn generated_at(&self) -> &str {
        &self.generated_at
    }
}

/// Why a baseline could not be used. Each message is one line naming the file.
#[derive(Debug, Error, PartialEq, Eq)]
pub(crate) enum BaselineError {
    #[error("baseline {file} is not valid JSON: {detail} at line {line}, column {column}")]
    InvalidJson {
        file: String,
        detail: String,
        line: usize,
        column: usize,
    },
    #[error(
        "baseline {file} has schema_version {found}; this origin-probe reads schema_version {expected} (write a new baseline with --format json)"
    )]
    UnsupportedSchema {
        file: String,
        found: String,
        expected: u32,
    },
    #[error("baseline {file} is not an origin-probe JSON report: {detail}")]
    NotAReport { file: String, detail: String },
}

/// Parses an earlier `--format json` report. `source` names the file in errors and output.
pub(crate) fn parse_baseline(bytes: &[u8], source: &str) -> Result<Baseline, BaselineError> {
    let file = sanitize::text(source);
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        let position = format!(" at line {} column {}", e.line(), e.column());
        let message = e.to_string();
        let mut detail = message
            .strip_suffix(&position)
            .unwrap_or(&message)
            .to_owned();
        if detail.starts_with("trailing characters") && e.line() > 1 {
            detail.push_str(" (JSON Lines? --baseline takes a --format json report)");
        }
        BaselineError::InvalidJson {
            file: file.clone(),
            detail,
            line: e.line(),
            column: e.column(),
        }
    })?;
    let not_a_report = |detail: &str| BaselineError::NotAReport {
        file: file.clone(),
        detail: detail.to_owned(),
    };
    let Some(object) = value.as_object() else {
        return Err(not_a_report("the top level is not an object"));
    };
    let Some(version) = object.get("schema_version") else {
        return Err(not_a_report("it has no schema_version"));
    };
    if version.as_u64() != Some(u64::from(SCHEMA_VERSION)) {
        return Err(BaselineError::UnsupportedSchema {
            file,
            found: sanitize::text(&version.to_string()),
            expected: SCHEMA_VERSION,
        });
    }
    let document: Document =
        serde_json::from_value(value).map_err(|e| not_a_report(&e.to_string()))?;
    Ok(Baseline {
        source: file,
        generated_at: sanitize::text(&document.generated_at),
        origins: document
            .origins
            .into_iter()
            .map(Origin::sanitized)
            .collect(),
    })
}

// ---- the parts of schema_version 1 a comparison reads ---------------------------------------

#[derive(Deserialize)]
struct Document {
    generated_at: String,
    origins: Vec<Origin>,
}

#[derive(Debug, Clone, Deserialize)]
struct Origin {
    origin: String,
    port: u16,
    host_header: Option<String>,
    cloudfront: Option<CloudFront>,
    #[serde(deserialize_with = "verdict")]
    verdict: Verdict,
    findings: Vec<Finding>,
    addresses: Vec<Address>,
}

#[derive(Debug, Clone, Deserialize)]
struct CloudFront {
    distribution_id: Option<String>,
    origin_id: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Finding {
    rule: String,
    #[serde(deserialize_with = "impact")]
    impact: Impact,
}

#[derive(Debug, Clone, Deserialize)]
struct Address {
    findings: Vec<Finding>,
    chain: Vec<Cert>,
}

#[derive(Debug, Clone, Deserialize)]
struct Cert {
    position: usize,
    not_after: String,
    days_left: i64,
    sha256: String,
}

/// One of the documented strings, or an error naming the value.
fn one_of<'de, D: Deserializer<'de>, T: Copy>(
    d: D,
    values: &[T],
    name: fn(T) -> &'static str,
) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    values
        .iter()
        .copied()
        .find(|&v| name(v) == s)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown value {s:?}")))
}

fn verdict<'de, D: Deserializer<'de>>(d: D) -> Result<Verdict, D::Error> {
    one_of(d, &Verdict::ALL, Verdict::as_str)
}

const IMPACTS: [Impact; 4] = [
    Impact::Info,
    Impact::Warn,
    Impact::Would504,
    Impact::Would502,
];

fn impact<'de, D: Deserializer<'de>>(d: D) -> Result<Impact, D::Error> {
    one_of(d, &IMPACTS, Impact::as_str)
}

impl Origin {
    /// The baseline is a file anyone could have edited: its strings are made as safe to print
    /// as the current report's (idempotent on what origin-probe wrote).
    fn sanitized(mut self) -> Origin {
        self.origin = sanitize::text(&self.origin);
        self.host_header = self.host_header.as_deref().map(sanitize::text);
        if let Some(cf) = &mut self.cloudfront {
            cf.distribution_id = cf.distribution_id.as_deref().map(sanitize::text);
            cf.origin_id = sanitize::text(&cf.origin_id);
        }
        for f in self.findings.iter_mut().chain(
            self.addresses
                .iter_mut()
                .flat_map(|a| a.findings.iter_mut()),
        ) {
            f.rule = sanitize::text(&f.rule);
        }
        self
    }

    fn key(&self) -> OriginKey {
        OriginKey {
            origin: self.origin.clone(),
            port: self.port,
            host_header: self.host_header.clone(),
            distribution_id: self
                .cloudfront
                .as_ref()
                .and_then(|cf| cf.distribution_id.clone()),
            origin_id: self.cloudfront.as_ref().map(|cf| cf.origin_id.clone()),
        }
    }
}
