//! Reports of origins that were not probed: settled by their configuration alone (a CloudFront
//! origin that cannot be https-only), or whose probe task failed. The only place besides
//! `judge` that builds an [`OriginReport`], so every report's shape and every rule name stay
//! in `verdict`.
//!
//! Pure.

use std::time::Duration;

use crate::document::{CloudFrontRef, OriginReport};
use crate::finding::{Confidence, Finding, Impact, Verdict, finding};
use crate::target::Target;

/// What names an origin in a report, without a probe of it.
#[derive(Debug, Clone)]
pub(crate) struct Subject {
    /// The origin name as the report shows it (sanitised).
    pub(crate) origin: String,
    pub(crate) port: u16,
    pub(crate) host_header: Option<String>,
    pub(crate) source: String,
    pub(crate) cloudfront: Option<CloudFrontRef>,
}

/// The report of an origin settled without a probe, from the findings that settle it.
pub(crate) fn settled(subject: Subject, findings: Vec<Finding>) -> OriginReport {
    OriginReport {
        schema_version: None,
        run: None,
        origin: subject.origin,
        port: subject.port,
        host_header: subject.host_header,
        source: subject.source,
        cloudfront: subject.cloudfront,
        verdict: Verdict::from_findings(&findings),
        findings,
        origin_ssl_protocols: Vec::new(),
        address_source: None,
        addresses: Vec::new(),
        elapsed_ms: 0,
        prober_fault: None,
    }
}

/// The report for an origin whose probe could not finish in the time its caller had (the
/// exporter's scrape deadline): never called ready. A would-504 of unverified confidence:
/// CloudFront waits up to its connection attempts and read timeout (fact 24), which may be
/// longer than `budget`, so a slow origin is only probably one CloudFront gives up on.
pub(crate) fn unfinished(target: &Target, budget: Duration) -> OriginReport {
    let finding = finding(
        "probe.unfinished",
        Impact::Would504,
        Confidence::Unverified,
        24,
        format!(
            "the probe did not finish within its {:.1}s budget (the scrape timeout less a margin); CloudFront may wait up to 3 x 10s to connect and 30s for an answer",
            budget.as_secs_f64()
        ),
        "raise the scrape_timeout of this job, or find why the origin answers so slowly",
    );
    settled(subject_of(target), vec![finding])
}

/// The report for an origin whose probe task crashed: never lost, never called ready.
pub(crate) fn task_failed(target: &Target, error: &str) -> OriginReport {
    let finding = finding(
        "internal.error",
        Impact::Would502,
        Confidence::Unverified,
        21,
        format!("origin-probe could not finish probing this origin: {error}"),
        "re-run; if it persists, report it as a bug with this origin's name",
    );
    settled(subject_of(target), vec![finding])
}

fn subject_of(target: &Target) -> Subject {
    Subject {
        origin: target.origin(),
        port: target.port,
        host_header: target.host_header.clone(),
        source: target.source.clone(),
        cloudfront: target.cloudfront.as_ref().map(|c| c.reference.clone()),
    }
}
