//! The report document: the plain data every renderer turns into bytes, and the choices that
//! shape a run's output (`Format`, `FailOn`).
//!
//! This is the bottom floor of the pipeline's vocabulary: inputs, analysis and the verdict fill
//! it, `report` renders it, `baseline` compares two of them. It imports only plain data
//! (`finding`, the version types of `record` and `tls`); nothing here does I/O or judges. Typed
//! fields stay typed until a renderer writes them.
//!
//! These types are the machine contract (`schema_version` 1): the JSON renderer serialises them
//! as they are, so a field renamed here is a breaking change for every consumer. Strings that
//! came from servers are already sanitised (see `sanitize`) when they are put here.

use crate::finding::{Finding, Verdict};
use crate::record::TlsVersion;
use crate::tls::SslProtocol;
use serde::Serialize;
use std::collections::BTreeMap;

mod address;
mod baseline_diff;
#[cfg(test)]
pub(crate) mod fixtures;
mod location;

pub(crate) use address::{
    AddressReport, CertSummary, HelloSummary, HttpSummary, VersionSummary, VersionSupport,
};
pub use location::SourceLocation;

pub(crate) use baseline_diff::{
    BaselineDiff, Change, DiffSummary, OriginDiff, OriginKey, Renewal, RuleImpact,
    ThresholdCrossing,
};

/// Version of the JSON / JSON Lines schema. Bump it on any incompatible change.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Writes a version as the reports name it (`TLSv1.2`).
fn version_name<S: serde::Serializer>(v: &Option<TlsVersion>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(v.as_str()),
        None => s.serialize_none(),
    }
}

/// Writes the version scan as an object keyed by the versions' report names, oldest first.
fn versions_by_name<S: serde::Serializer>(
    versions: &BTreeMap<TlsVersion, VersionSummary>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(versions.len()))?;
    for (version, summary) in versions {
        map.serialize_entry(version.as_str(), summary)?;
    }
    map.end()
}

/// A whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: ToolInfo,
    /// When the report was made (RFC 3339, UTC).
    pub generated_at: String,
    /// The instant time-dependent rules and `days_left` were judged at: `generated_at`, or the
    /// `--at` date.
    pub judged_at: String,
    pub roots: RootsInfo,
    pub summary: Summary,
    pub origins: Vec<OriginReport>,
    /// Input that named nothing to probe (bad target lines, bad documents), in the order met;
    /// empty for clean input. Machine formats carry it so a scheduled run cannot look clean
    /// while part of its input was ignored.
    pub input_errors: Vec<InputErrorReport>,
    /// What changed since `--baseline`; absent without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineDiff>,
    /// The run was interrupted (Ctrl-C): `origins` holds only what was complete. Absent for a
    /// complete run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<Interrupted>,
    /// The prober itself failed (its DNS resolver is broken): the origins it could not judge
    /// are left out of `origins`, and the run is an error (exit 2). Absent when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_error: Option<RunError>,
}

/// A fault of the probing machine, not of any origin.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RunError {
    /// `resolver`: the DNS resolver failed its control query too. `network`: this machine has
    /// no route to the origins' addresses at all (offline, or no IPv6 for IPv6-only origins).
    pub kind: &'static str,
    /// What failed, naming the resolver (`the system resolver 10.0.0.2 ... answers NXDOMAIN
    /// for the root zone's NS records`).
    pub message: String,
    /// Origins left out of the report because of it.
    pub origins_not_judged: usize,
}

/// One piece of input that was not probed because it is not valid: the error stderr shows.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct InputErrorReport {
    pub kind: InputErrorKind,
    /// Where: `argument 2`, `origins.txt:14`, a file name, a CloudFront origin's source.
    pub source: String,
    /// The one-line error, as stderr shows it (without the program's prefix).
    pub message: String,
}

/// What kind of input an [`InputErrorReport`] is about.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum InputErrorKind {
    /// A target argument or `--input` line that is not a target.
    Target,
    /// Reading `--input` failed part way; what came before was probed.
    Read,
    /// A CloudFront file that cannot be read, or is not distribution JSON.
    Document,
    /// A CloudFront origin whose domain name cannot be probed.
    Origin,
}

impl InputErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputErrorKind::Target => "target",
            InputErrorKind::Read => "read",
            InputErrorKind::Document => "document",
            InputErrorKind::Origin => "origin",
        }
    }
}

/// How an interrupted run ended.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Interrupted {
    /// Origins abandoned in flight (no report for them).
    pub abandoned: usize,
    /// Some of the input was never started.
    pub input_left: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ToolInfo {
    pub name: &'static str,
    pub version: &'static str,
}

impl ToolInfo {
    pub fn current() -> Self {
        ToolInfo {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Which trust store the verdicts were made against.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RootsInfo {
    /// `mozilla` (webpki-roots, what CloudFront trusts) or `file` (`--roots`, not CloudFront's).
    pub source: RootsSource,
    /// Human description, e.g. `Mozilla included CA list (webpki-roots 1.0.10)`.
    pub description: String,
    /// The `--roots` path, when given.
    pub path: Option<String>,
    /// Number of trust anchors.
    pub count: usize,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RootsSource {
    Mozilla,
    File,
}

/// Counts of origins per verdict.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub origins: usize,
    pub ready: usize,
    pub warn: usize,
    #[serde(rename = "would-502")]
    pub would_502: usize,
    #[serde(rename = "would-504")]
    pub would_504: usize,
}

impl Summary {
    pub fn of(origins: &[OriginReport]) -> Summary {
        let mut s = Summary::default();
        for o in origins {
            s.add(o.verdict);
        }
        s
    }

    pub fn add(&mut self, verdict: Verdict) {
        self.origins += 1;
        match verdict {
            Verdict::Ready => self.ready += 1,
            Verdict::Warn => self.warn += 1,
            Verdict::Would502 => self.would_502 += 1,
            Verdict::Would504 => self.would_504 += 1,
        }
    }
}

/// One origin: its verdict and why.
#[derive(Debug, Clone, Serialize)]
pub struct OriginReport {
    /// Present on JSON Lines records only, so each line stands alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<u32>,
    /// Present on JSON Lines records only: the run's context, which the JSON document carries
    /// once at its top.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<RunContext>,
    /// Normalised origin name (or IP literal).
    pub origin: String,
    pub port: u16,
    /// The viewer `Host` header forwarded to the origin (`--host-header`), or `None` when Host
    /// is not forwarded and CloudFront sends the origin name.
    pub host_header: Option<String>,
    /// Where the target came from (`argument 1`, `origins.txt:3`).
    pub source: String,
    /// For CloudFront input: which distribution and origin this target is; null for `check`.
    pub cloudfront: Option<CloudFrontRef>,
    pub verdict: Verdict,
    /// Origin-level findings (DNS, name form, disagreeing addresses). Address findings are
    /// under `addresses`.
    pub findings: Vec<Finding>,
    /// The `OriginSslProtocols` CloudFront's hello offered (`--origin-ssl-protocols`, the
    /// distribution's, or the default `TLSv1.2`).
    pub origin_ssl_protocols: Vec<SslProtocol>,
    /// Where the addresses came from: `dns`, `--resolve`, `literal`; null when resolution failed.
    pub address_source: Option<&'static str>,
    pub addresses: Vec<AddressReport>,
    pub elapsed_ms: u64,
    /// Set when this origin could not be judged because the prober failed (its resolver is
    /// broken): what failed. Such an origin never reaches a renderer (`Report::run_error`).
    #[serde(skip)]
    pub prober_fault: Option<ProberFault>,
}

/// Why the prober could not judge an origin: a fault of the probing machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProberFault {
    /// [`RunError::kind`]: `resolver` or `network`.
    pub kind: &'static str,
    /// What failed, naming it.
    pub message: String,
}

/// What a JSON Lines record needs to stand alone: when it was judged and against which store.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RunContext {
    /// As the document's `judged_at`.
    pub judged_at: String,
    /// As the document's `roots.source`: `mozilla`, or `file` (not CloudFront's store).
    pub roots_source: RootsSource,
    /// As the document's `roots.description`.
    pub roots: String,
}

impl RunContext {
    pub fn of(report: &Report) -> RunContext {
        RunContext {
            judged_at: report.judged_at.clone(),
            roots_source: report.roots.source,
            roots: report.roots.description.clone(),
        }
    }
}

/// Where an origin sits in a CloudFront distribution.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CloudFrontRef {
    /// The distribution id (`E2EXAMPLE`); null for a bare `get-distribution-config` document.
    pub distribution_id: Option<String>,
    /// The distribution's `*.cloudfront.net` name, when the input has it.
    pub distribution_domain: Option<String>,
    /// The origin's `Id` within the distribution.
    pub origin_id: String,
    /// The origin's current `OriginProtocolPolicy` (`http-only`, `match-viewer`, `https-only`).
    pub origin_protocol_policy: Option<String>,
    /// The viewer name this row checks when the Host header is forwarded (an alias or the
    /// cloudfront.net name); null when Host is not forwarded.
    pub viewer_name: Option<String>,
    /// For infrastructure-as-code input (Terraform, CloudFormation): where the origin is
    /// written. Absent for AWS CLI JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<SourceLocation>,
}

/// A finding as renderers show it: once, with every address that carries it (none for
/// origin-level findings).
#[derive(Debug, Clone)]
pub struct FindingGroup<'a> {
    pub finding: &'a Finding,
    pub addresses: Vec<&'a str>,
}

impl OriginReport {
    /// Origin-level findings first, then the address findings in address order; an address
    /// finding equal to an earlier one (same rule, reason, fix, ...) joins it instead of
    /// repeating it.
    pub fn grouped_findings(&self) -> Vec<FindingGroup<'_>> {
        let mut groups: Vec<FindingGroup<'_>> = self
            .findings
            .iter()
            .map(|finding| FindingGroup {
                finding,
                addresses: Vec::new(),
            })
            .collect();
        let origin_level = groups.len();
        for address in &self.addresses {
            for finding in &address.findings {
                let same = groups[origin_level..]
                    .iter_mut()
                    .find(|g| g.finding == finding);
                match same {
                    Some(group) => {
                        if group.addresses.last() != Some(&address.address.as_str()) {
                            group.addresses.push(&address.address);
                        }
                    }
                    None => groups.push(FindingGroup {
                        finding,
                        addresses: vec![&address.address],
                    }),
                }
            }
        }
        groups
    }

    /// Every finding of the origin and its addresses, origin-level first.
    pub fn all_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .chain(self.addresses.iter().flat_map(|a| a.findings.iter()))
    }
}

/// The output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Aligned table with the reasons and fixes of every origin that is not ready (for people).
    Table,
    /// One pretty-printed JSON document for the whole run.
    Json,
    /// JSON Lines: one JSON object per origin, written as each origin finishes.
    Jsonl,
    /// Prometheus text exposition format, e.g. for node_exporter's textfile collector.
    Prometheus,
    /// JUnit XML: one test suite per distribution or target list, one test case per origin.
    Junit,
    /// SARIF 2.1.0 for code scanning: the findings of Terraform and CloudFormation input, at
    /// the origin's place in the file.
    Sarif,
}

/// Which verdicts count as failing (`--fail-on`): for the exit code, for JUnit failures and
/// for what a baseline comparison calls a regression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Origins that would get 502 or 504 from CloudFront.
    WouldFail,
    /// Origins that would fail, and origins with warnings (e.g. a certificate expiring soon).
    Warn,
    /// Nothing: the exit code ignores verdicts (JUnit still records would-fail origins).
    Never,
}

impl FailOn {
    /// The flag value, as `--fail-on` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::WouldFail => "would-fail",
            FailOn::Warn => "warn",
            FailOn::Never => "never",
        }
    }

    /// Whether an origin with `verdict` counts as failing under this setting.
    pub fn fails(self, verdict: Verdict) -> bool {
        match self {
            FailOn::WouldFail => verdict.fails(),
            FailOn::Warn => verdict >= Verdict::Warn,
            FailOn::Never => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    #[test]
    fn format_names_are_the_documented_flag_values() {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .map(|f| {
                let value = f.to_possible_value().expect("no variant is skipped");
                value.get_name().to_owned()
            })
            .collect();
        assert_eq!(
            names,
            ["table", "json", "jsonl", "prometheus", "junit", "sarif"]
        );
    }

    #[test]
    fn fail_on_names_are_the_documented_flag_values() {
        for fail_on in FailOn::value_variants() {
            let value = fail_on.to_possible_value().expect("no variant is skipped");
            assert_eq!(value.get_name(), fail_on.as_str());
        }
    }

    #[test]
    fn fail_on_decides_which_verdicts_fail() {
        let failing = |fail_on: FailOn| -> Vec<&str> {
            Verdict::ALL
                .into_iter()
                .filter(|&v| fail_on.fails(v))
                .map(Verdict::as_str)
                .collect()
        };
        assert_eq!(failing(FailOn::WouldFail), ["would-504", "would-502"]);
        assert_eq!(failing(FailOn::Warn), ["warn", "would-504", "would-502"]);
        assert!(failing(FailOn::Never).is_empty());
    }
}
