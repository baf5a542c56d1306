//! Reports of origins that were not probed: settled by their configuration alone (a CloudFront
//! origin that cannot be https-only), or whose probe task failed. The only place besides
//! `judge` that builds an [`OriginReport`], so every report's shape and every rule name stay
//! in `verdict`.
//!
//! Pure.

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
    }
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
    let subject = Subject {
        origin: target.origin(),
        port: target.port,
        host_header: target.host_header.clone(),
        source: target.source.clone(),
        cloudfront: target.cloudfront.as_ref().map(|c| c.reference.clone()),
    };
    settled(subject, vec![finding])
}
