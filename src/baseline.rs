//! Baseline comparison (`--baseline FILE`): what changed since an earlier JSON report.
//!
//! Pure: the caller reads the file and passes its bytes; this module parses them, compares them
//! with the current [`Report`], and renders the difference as text (for the table) or as a
//! serialisable [`BaselineDiff`] (for the JSON document). It never reads files or the clock and
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
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::finding::{Impact, Verdict};
use crate::report::{FailOn, OriginReport, Report, SCHEMA_VERSION};
use crate::sanitize;

/// An earlier JSON report, reduced to what a comparison needs.
#[derive(Debug, Clone)]
pub struct Baseline {
    source: String,
    generated_at: String,
    origins: Vec<Origin>,
}

impl Baseline {
    /// The file the baseline was read from, as the caller named it.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// When the baseline run judged its origins (RFC 3339).
    pub fn generated_at(&self) -> &str {
        &self.generated_at
    }
}

/// Why a baseline could not be used. Each message is one line naming the file.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum BaselineError {
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
pub fn parse_baseline(bytes: &[u8], source: &str) -> Result<Baseline, BaselineError> {
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

// ---- the difference -------------------------------------------------------------------------

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
    fn of(o: &OriginReport) -> OriginKey {
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
    fn label(&self) -> String {
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

/// Compares `current` with `baseline`. `fail_on` decides what "failing" means;
/// `thresholds_days` are the expiry warnings to report crossing (e.g. `--warn-days`).
pub fn diff(
    baseline: &Baseline,
    current: &Report,
    fail_on: FailOn,
    thresholds_days: &[u32],
) -> BaselineDiff {
    let mut thresholds = thresholds_days.to_vec();
    thresholds.sort_unstable();
    thresholds.dedup();
    let mut waiting: HashMap<OriginKey, VecDeque<usize>> = HashMap::new();
    for (i, o) in baseline.origins.iter().enumerate() {
        waiting.entry(o.key()).or_default().push_back(i);
    }
    let mut matched = vec![false; baseline.origins.len()];
    let mut summary = DiffSummary::default();
    let mut changes = Vec::new();
    for now in &current.origins {
        let key = OriginKey::of(now);
        let before = waiting.get_mut(&key).and_then(VecDeque::pop_front);
        let change = match before {
            None => {
                let failing = fail_on.fails(now.verdict);
                summary.new += 1;
                summary.regressions += usize::from(failing);
                OriginDiff {
                    regression: failing,
                    verdict_after: Some(now.verdict),
                    ..OriginDiff::empty(key, Change::New)
                }
            }
            Some(i) => {
                matched[i] = true;
                let change = compare(&baseline.origins[i], now, key, fail_on, &thresholds);
                summary.count(&change);
                if !change.worth_listing() {
                    continue;
                }
                change
            }
        };
        changes.push(change);
    }
    for (before, _) in baseline.origins.iter().zip(&matched).filter(|(_, m)| !**m) {
        summary.gone += 1;
        changes.push(OriginDiff {
            verdict_before: Some(before.verdict),
            ..OriginDiff::empty(before.key(), Change::Gone)
        });
    }
    BaselineDiff {
        source: baseline.source.clone(),
        generated_at: baseline.generated_at.clone(),
        fail_on,
        expiry_thresholds_days: thresholds,
        summary,
        changes,
    }
}

/// What the exit code counts when a baseline is given: origins that newly fail.
pub fn regressions(diff: &BaselineDiff) -> usize {
    diff.changes.iter().filter(|c| c.regression).count()
}

impl OriginDiff {
    fn empty(key: OriginKey, change: Change) -> OriginDiff {
        OriginDiff {
            key,
            change,
            regression: false,
            verdict_before: None,
            verdict_after: None,
            new_findings: Vec::new(),
            resolved_findings: Vec::new(),
            renewed: None,
            expiry_threshold_crossed: None,
        }
    }

    fn worth_listing(&self) -> bool {
        !matches!(self.change, Change::Passing | Change::StillFailing)
            || self.verdict_before != self.verdict_after
            || !self.new_findings.is_empty()
            || !self.resolved_findings.is_empty()
            || self.renewed.is_some()
            || self.expiry_threshold_crossed.is_some()
    }
}

impl DiffSummary {
    fn count(&mut self, change: &OriginDiff) {
        match change.change {
            Change::Regressed => self.regressions += 1,
            Change::Fixed => self.fixed += 1,
            Change::StillFailing => self.still_failing += 1,
            Change::Passing | Change::New | Change::Gone => {}
        }
        self.renewed += usize::from(change.renewed.is_some());
        self.expiry_thresholds_crossed += usize::from(change.expiry_threshold_crossed.is_some());
    }
}

fn compare(
    before: &Origin,
    now: &OriginReport,
    key: OriginKey,
    fail_on: FailOn,
    thresholds: &[u32],
) -> OriginDiff {
    let change = match (fail_on.fails(before.verdict), fail_on.fails(now.verdict)) {
        (false, true) => Change::Regressed,
        (true, false) => Change::Fixed,
        (true, true) => Change::StillFailing,
        (false, false) => Change::Passing,
    };
    let rules_before = worst_by_rule(
        before
            .findings
            .iter()
            .chain(before.addresses.iter().flat_map(|a| &a.findings))
            .map(|f| (f.rule.as_str(), f.impact)),
    );
    let rules_now = worst_by_rule(now.all_findings().map(|f| (f.rule, f.impact)));
    let only_in = |a: &BTreeMap<&str, Impact>, b: &BTreeMap<&str, Impact>| -> Vec<RuleImpact> {
        a.iter()
            .filter(|(rule, _)| !b.contains_key(*rule))
            .map(|(rule, &impact)| RuleImpact {
                rule: (*rule).to_owned(),
                impact,
            })
            .collect()
    };
    let days_before = before
        .addresses
        .iter()
        .flat_map(|a| &a.chain)
        .map(|c| c.days_left)
        .min();
    let days_now = now
        .addresses
        .iter()
        .flat_map(|a| &a.chain)
        .map(|c| c.days_left)
        .min();
    OriginDiff {
        key,
        change,
        regression: change == Change::Regressed,
        verdict_before: Some(before.verdict),
        verdict_after: Some(now.verdict),
        new_findings: only_in(&rules_now, &rules_before),
        resolved_findings: only_in(&rules_before, &rules_now),
        renewed: renewal(before, now),
        expiry_threshold_crossed: crossing(days_before, days_now, thresholds),
    }
}

/// Worst impact per rule, `warn` and worse only, ordered by rule.
fn worst_by_rule<'a>(
    findings: impl Iterator<Item = (&'a str, Impact)>,
) -> BTreeMap<&'a str, Impact> {
    let mut worst = BTreeMap::new();
    for (rule, impact) in findings.filter(|(_, i)| *i >= Impact::Warn) {
        let entry = worst.entry(rule).or_insert(impact);
        *entry = (*entry).max(impact);
    }
    worst
}

/// The lowest threshold that `before` was at or above and `now` is below.
fn crossing(
    before: Option<i64>,
    now: Option<i64>,
    thresholds: &[u32],
) -> Option<ThresholdCrossing> {
    let (before, now) = (before?, now?);
    thresholds
        .iter()
        .find(|&&t| before >= i64::from(t) && now < i64::from(t))
        .map(|&threshold_days| ThresholdCrossing {
            threshold_days,
            days_left_before: before,
            days_left: now,
        })
}

/// The earliest leaf, by `not_after`, with that date as written. Dates that do not parse are
/// left out: a comparison with a guess would report a renewal that did not happen.
fn earliest_leaf<'a>(
    leaves: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<(OffsetDateTime, &'a str)> {
    leaves
        .filter_map(|(_, not_after)| {
            OffsetDateTime::parse(not_after, &Rfc3339)
                .ok()
                .map(|t| (t, not_after))
        })
        .min()
}

fn renewal(before: &Origin, now: &OriginReport) -> Option<Renewal> {
    let leaves_before: Vec<(&str, &str)> = before
        .addresses
        .iter()
        .flat_map(|a| a.chain.iter().filter(|c| c.position == 0))
        .map(|c| (c.sha256.as_str(), c.not_after.as_str()))
        .collect();
    let leaves_now: Vec<(&str, &str)> = now
        .addresses
        .iter()
        .flat_map(|a| a.chain.iter().filter(|c| c.position == 0))
        .map(|c| (c.sha256.as_str(), c.not_after.as_str()))
        .collect();
    let known: HashSet<&str> = leaves_before.iter().map(|(sha, _)| *sha).collect();
    if leaves_now.iter().all(|(sha, _)| known.contains(sha)) {
        return None;
    }
    let (then, then_text) = earliest_leaf(leaves_before.into_iter())?;
    let (now, now_text) = earliest_leaf(leaves_now.into_iter())?;
    (now > then).then(|| Renewal {
        not_after_before: then_text.to_owned(),
        not_after: now_text.to_owned(),
    })
}

// ---- text -----------------------------------------------------------------------------------

/// Writes the difference as a short block for people, for the end of the table.
pub fn write_text(diff: &BaselineDiff, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render_text(diff).as_bytes())
}

fn render_text(diff: &BaselineDiff) -> String {
    let s = &diff.summary;
    let mut out = format!(
        "Compared with baseline {} ({}), --fail-on {}: {} {}, {} fixed, {} still failing, {} new, {} gone.\n",
        diff.source,
        diff.generated_at,
        diff.fail_on.as_str(),
        s.regressions,
        if s.regressions == 1 {
            "regression"
        } else {
            "regressions"
        },
        s.fixed,
        s.still_failing,
        s.new,
        s.gone,
    );
    for c in &diff.changes {
        let word = match c.change {
            Change::Regressed => "regressed",
            Change::Fixed => "fixed",
            Change::New => "new",
            Change::Gone => "gone",
            Change::StillFailing | Change::Passing => "changed",
        };
        let _ = write!(out, "  {word:<9}  {}", c.key.label());
        match (c.verdict_before, c.verdict_after) {
            (Some(b), Some(a)) if b != a => {
                let _ = write!(out, "  {} -> {}", b.as_str(), a.as_str());
            }
            (Some(v), Some(_)) => {
                let _ = write!(out, "  {}", v.as_str());
            }
            (None, Some(a)) => {
                let _ = write!(out, "  {}", a.as_str());
                if c.regression {
                    out.push_str("  (a regression: new and failing)");
                }
            }
            (Some(b), None) => {
                let _ = write!(out, "  (was {})", b.as_str());
            }
            (None, None) => {}
        }
        out.push('\n');
        for f in &c.new_findings {
            let _ = writeln!(out, "      new finding: {} ({})", f.rule, f.impact.as_str());
        }
        for f in &c.resolved_findings {
            let _ = writeln!(out, "      resolved: {} ({})", f.rule, f.impact.as_str());
        }
        if let Some(r) = &c.renewed {
            let _ = writeln!(
                out,
                "      certificate renewed: expires {} (was {})",
                r.not_after, r.not_after_before
            );
        }
        if let Some(x) = &c.expiry_threshold_crossed {
            let _ = writeln!(
                out,
                "      expiry within {} days: {} days left (was {})",
                x.threshold_days, x.days_left, x.days_left_before
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::report::CloudFrontRef;
    use crate::report::fixtures::{self, address, cert, origin};

    fn baseline_of(report: &Report) -> Baseline {
        let bytes = serde_json::to_vec(report).expect("a report serialises");
        parse_baseline(&bytes, "old.json").expect("our own JSON is a baseline")
    }

    /// The fleet with `api.example.com` (index 1) ready: a fresh certificate, nothing expired.
    fn fleet_with_api_ready() -> Report {
        let mut report = fixtures::fleet();
        let chain = vec![cert(0, "api.example.com", "Example Issuing CA 1", 90)];
        let mut api = origin(
            "api.example.com",
            443,
            "origins.txt:2",
            Vec::new(),
            vec![address(
                "192.0.2.20:443",
                Some("TLSv1.2"),
                chain,
                Vec::new(),
            )],
        );
        // A different leaf from the expired one (fixtures hash by position).
        api.addresses[0].chain[0].sha256 = "ab".repeat(32);
        report.origins[1] = api;
        report
    }

    fn changes(d: &BaselineDiff) -> Vec<(String, Change, bool)> {
        d.changes
            .iter()
            .map(|c| (c.key.label(), c.change, c.regression))
            .collect()
    }

    #[test]
    fn unchanged_reports_nothing_and_counts_what_still_fails() {
        let report = fixtures::fleet();
        let d = diff(&baseline_of(&report), &report, FailOn::WouldFail, &[30]);
        assert!(d.changes.is_empty(), "{:?}", d.changes);
        assert_eq!(
            d.summary,
            DiffSummary {
                still_failing: 2,
                ..DiffSummary::default()
            }
        );
        assert_eq!(regressions(&d), 0);
        assert_eq!(
            render_text(&d),
            "Compared with baseline old.json (2025-06-01T12:00:00Z), --fail-on would-fail: 0 regressions, 0 fixed, 2 still failing, 0 new, 0 gone.\n"
        );
    }

    #[test]
    fn an_origin_that_starts_failing_is_a_regression_with_its_new_finding() {
        let d = diff(
            &baseline_of(&fleet_with_api_ready()),
            &fixtures::fleet(),
            FailOn::WouldFail,
            &[30],
        );
        assert_eq!(
            changes(&d),
            [("api.example.com:443".to_owned(), Change::Regressed, true)]
        );
        let api = &d.changes[0];
        assert_eq!(api.verdict_before, Some(Verdict::Ready));
        assert_eq!(api.verdict_after, Some(Verdict::Would502));
        assert_eq!(
            api.new_findings,
            [RuleImpact {
                rule: "cert.expired".to_owned(),
                impact: Impact::Would502
            }]
        );
        assert!(api.resolved_findings.is_empty());
        assert_eq!(
            api.expiry_threshold_crossed,
            Some(ThresholdCrossing {
                threshold_days: 30,
                days_left_before: 90,
                days_left: -12
            })
        );
        assert_eq!(regressions(&d), 1);
        assert_eq!(d.summary.regressions, 1);
    }

    #[test]
    fn a_fixed_origin_is_not_a_regression_and_its_renewal_is_reported() {
        let d = diff(
            &baseline_of(&fixtures::fleet()),
            &fleet_with_api_ready(),
            FailOn::WouldFail,
            &[30],
        );
        assert_eq!(
            changes(&d),
            [("api.example.com:443".to_owned(), Change::Fixed, false)]
        );
        let api = &d.changes[0];
        assert_eq!(api.resolved_findings[0].rule, "cert.expired");
        assert_eq!(
            api.renewed,
            Some(Renewal {
                not_after_before: "2025-05-20T12:00:00Z".to_owned(),
                not_after: "2025-08-30T12:00:00Z".to_owned(),
            })
        );
        assert_eq!(regressions(&d), 0);
        assert_eq!((d.summary.fixed, d.summary.renewed), (1, 1));
        assert_eq!(
            render_text(&d),
            "Compared with baseline old.json (2025-06-01T12:00:00Z), --fail-on would-fail: 0 regressions, 1 fixed, 1 still failing, 0 new, 0 gone.\n\
             \x20 fixed      api.example.com:443  would-502 -> ready\n\
             \x20     resolved: cert.expired (would-502)\n\
             \x20     certificate renewed: expires 2025-08-30T12:00:00Z (was 2025-05-20T12:00:00Z)\n"
        );
    }

    #[test]
    fn the_same_certificate_is_not_a_renewal_and_an_earlier_one_neither() {
        let report = fixtures::fleet();
        let base = baseline_of(&report);
        let mut shorter = report.clone();
        let leaf = &mut shorter.origins[0].addresses[0].chain[0];
        leaf.sha256 = "cd".repeat(32);
        leaf.not_after = "2025-07-01T00:00:00Z".to_owned();
        let d = diff(&base, &shorter, FailOn::WouldFail, &[]);
        assert!(d.changes.is_empty(), "{:?}", d.changes);
    }

    #[test]
    fn crossing_an_expiry_threshold_reports_the_lowest_crossed() {
        let mut before = fixtures::fleet();
        before.origins[0].addresses[0].chain[0].days_left = 45;
        let mut now = fixtures::fleet();
        now.origins[0].addresses[0].chain[0].days_left = 10;
        let d = diff(&baseline_of(&before), &now, FailOn::WouldFail, &[30, 7, 14]);
        assert_eq!(d.expiry_thresholds_days, [7, 14, 30]);
        assert_eq!(
            changes(&d),
            [("www.example.com:443".to_owned(), Change::Passing, false)]
        );
        assert_eq!(
            d.changes[0].expiry_threshold_crossed,
            Some(ThresholdCrossing {
                threshold_days: 14,
                days_left_before: 45,
                days_left: 10
            })
        );
        assert_eq!(d.summary.expiry_thresholds_crossed, 1);
        // Already below every threshold in the baseline: nothing is crossed again.
        let d = diff(&baseline_of(&now), &now, FailOn::WouldFail, &[30]);
        assert!(d.changes.is_empty());
    }

    #[test]
    fn new_failing_origins_are_regressions_and_gone_ones_are_listed() {
        let mut before = fixtures::fleet();
        let slow = before.origins.remove(2);
        before.origins.push(origin(
            "retired.example.com",
            443,
            "origins.txt:9",
            Vec::new(),
            Vec::new(),
        ));
        let mut now = fixtures::fleet();
        now.origins.push(origin(
            "fresh.example.com",
            443,
            "argument 2",
            Vec::new(),
            Vec::new(),
        ));
        let d = diff(&baseline_of(&before), &now, FailOn::WouldFail, &[30]);
        assert_eq!(
            changes(&d),
            [
                ("slow.example.net:443".to_owned(), Change::New, true),
                ("fresh.example.com:443".to_owned(), Change::New, false),
                ("retired.example.com:443".to_owned(), Change::Gone, false),
            ]
        );
        assert_eq!(d.changes[0].verdict_after, Some(slow.verdict));
        assert_eq!(regressions(&d), 1);
        assert_eq!((d.summary.new, d.summary.gone), (2, 1));
        let text = render_text(&d);
        assert!(text.contains(
            "  new        slow.example.net:443  would-504  (a regression: new and failing)\n"
        ));
        assert!(text.contains("  gone       retired.example.com:443  (was ready)\n"));
    }

    #[test]
    fn fail_on_decides_what_a_regression_is() {
        // shop (index 3) is warn now; make it ready in the baseline.
        let mut before = fixtures::fleet();
        before.origins[3].verdict = Verdict::Ready;
        before.origins[3].addresses[0].findings.clear();
        let now = fixtures::fleet();
        let d = diff(&baseline_of(&before), &now, FailOn::WouldFail, &[]);
        assert_eq!(
            changes(&d),
            [(
                "origin.example.org:8443 (Host: shop.example.com)".to_owned(),
                Change::Passing,
                false
            )]
        );
        assert_eq!(d.changes[0].new_findings[0].rule, "cert.expires-soon");
        let d = diff(&baseline_of(&before), &now, FailOn::Warn, &[]);
        assert_eq!(regressions(&d), 1);
        assert_eq!(d.changes[0].change, Change::Regressed);
        let d = diff(
            &baseline_of(&fleet_with_api_ready()),
            &now,
            FailOn::Never,
            &[],
        );
        assert_eq!(
            regressions(&d),
            0,
            "never: nothing fails, nothing regresses"
        );
    }

    #[test]
    fn cloudfront_origins_match_within_their_distribution() {
        let with_cf = |dist: &str, id: &str, from: OriginReport| {
            let mut o = from;
            o.cloudfront = Some(CloudFrontRef {
                distribution_id: Some(dist.to_owned()),
                distribution_domain: None,
                origin_id: id.to_owned(),
                origin_protocol_policy: None,
                viewer_name: None,
            });
            o
        };
        let fleet = fixtures::fleet();
        let roots = fleet.roots.clone();
        let before = fixtures::report(
            vec![with_cf("E1", "main", fleet.origins[0].clone())],
            roots.clone(),
        );
        let now = fixtures::report(
            vec![
                with_cf("E2", "main", fleet.origins[1].clone()),
                with_cf("E1", "main", fleet.origins[0].clone()),
            ],
            roots,
        );
        let d = diff(&baseline_of(&before), &now, FailOn::WouldFail, &[]);
        assert_eq!(
            changes(&d),
            [(
                "api.example.com:443 [distribution E2 origin main]".to_owned(),
                Change::New,
                true
            )]
        );
    }

    #[test]
    fn the_diff_serialises_to_the_documented_object() {
        let d = diff(
            &baseline_of(&fleet_with_api_ready()),
            &fixtures::fleet(),
            FailOn::WouldFail,
            &[30],
        );
        let v = serde_json::to_value(&d).expect("serialises");
        assert_eq!(
            v,
            json!({
                "source": "old.json",
                "generated_at": "2025-06-01T12:00:00Z",
                "fail_on": "would-fail",
                "expiry_thresholds_days": [30],
                "summary": {
                    "regressions": 1, "fixed": 0, "still_failing": 1, "new": 0, "gone": 0,
                    "renewed": 0, "expiry_thresholds_crossed": 1
                },
                "changes": [{
                    "origin": "api.example.com",
                    "port": 443,
                    "host_header": null,
                    "distribution_id": null,
                    "origin_id": null,
                    "change": "regressed",
                    "regression": true,
                    "verdict_before": "ready",
                    "verdict_after": "would-502",
                    "new_findings": [{ "rule": "cert.expired", "impact": "would-502" }],
                    "resolved_findings": [],
                    "renewed": null,
                    "expiry_threshold_crossed": {
                        "threshold_days": 30, "days_left_before": 90, "days_left": -12
                    }
                }]
            })
        );
    }

    #[test]
    fn every_fixture_report_is_a_valid_baseline() {
        for report in [fixtures::fleet(), fixtures::file_roots()] {
            let b = baseline_of(&report);
            assert_eq!(b.source(), "old.json");
            assert_eq!(b.generated_at(), fixtures::NOW);
            assert_eq!(b.origins.len(), report.origins.len());
        }
    }

    fn parse_err(text: &str) -> String {
        parse_baseline(text.as_bytes(), "old.json")
            .expect_err("not a usable baseline")
            .to_string()
    }

    #[test]
    fn an_unknown_schema_version_is_one_clear_line() {
        let mut v = serde_json::to_value(fixtures::fleet()).expect("serialises");
        v["schema_version"] = json!(2);
        assert_eq!(
            parse_err(&v.to_string()),
            "baseline old.json has schema_version 2; this origin-probe reads schema_version 1 (write a new baseline with --format json)"
        );
        v["schema_version"] = json!("1");
        assert!(parse_err(&v.to_string()).contains("has schema_version \"1\";"));
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let err = parse_baseline(
            b"{\n  \"schema_version\": 1,\n  \"origins\": [}\n",
            "old.json",
        )
        .expect_err("invalid");
        assert!(
            matches!(
                err,
                BaselineError::InvalidJson {
                    line: 3,
                    column: 15,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "baseline old.json is not valid JSON: expected value at line 3, column 15"
        );
        assert_eq!(
            parse_err(""),
            "baseline old.json is not valid JSON: EOF while parsing a value at line 1, column 0"
        );
    }

    #[test]
    fn json_lines_get_a_hint() {
        let line = "{\"schema_version\":1}\n";
        assert!(
            parse_err(&line.repeat(2)).ends_with(
                "trailing characters (JSON Lines? --baseline takes a --format json report) at line 2, column 1"
            )
        );
    }

    #[test]
    fn other_json_is_not_a_report() {
        assert_eq!(
            parse_err("[1]"),
            "baseline old.json is not an origin-probe JSON report: the top level is not an object"
        );
        assert_eq!(
            parse_err("{}"),
            "baseline old.json is not an origin-probe JSON report: it has no schema_version"
        );
        assert_eq!(
            parse_err(r#"{"schema_version": 1, "generated_at": "x"}"#),
            "baseline old.json is not an origin-probe JSON report: missing field `origins`"
        );
        let mut v = serde_json::to_value(fixtures::fleet()).expect("serialises");
        v["origins"][0]["verdict"] = json!("would-503");
        assert_eq!(
            parse_err(&v.to_string()),
            "baseline old.json is not an origin-probe JSON report: unknown value \"would-503\""
        );
    }

    #[test]
    fn baseline_strings_are_sanitised() {
        let mut v = serde_json::to_value(fixtures::fleet()).expect("serialises");
        v["origins"][0]["origin"] = json!("evil\u{1b}[2J.example");
        let b = parse_baseline(v.to_string().as_bytes(), "old\u{1b}.json").expect("parses");
        assert_eq!(b.source(), "old\\u{1b}.json");
        assert_eq!(b.origins[0].origin, "evil\\u{1b}[2J.example");
    }
}
