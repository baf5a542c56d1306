//! The migration plan of `cloudfront --plan FILE`: what the run observed of every row, the
//! decision per origin, the plan file (mode 0600) and the lines that explain it.
//!
//! Never prints a custom header value: the plan file holds them, and it is never printed.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};

use super::say;
use crate::document::OriginReport;
use crate::finding::{Impact, Verdict};
use crate::input::cloudfront::{CfOriginKind, Distribution, Document, needs_probe};
use crate::output;
use crate::plan::{self, Plan, PlanDecision, PlannedChange};
use crate::record::TlsVersion;
use crate::sanitize;
use crate::tls::SslProtocol;

/// What the plan needs of one row (one viewer name of one origin).
#[derive(Debug)]
struct Row {
    verdict: Verdict,
    /// `rule: reason` of the findings that fail.
    failing: Vec<String>,
    /// The `OriginSslProtocols` the row was judged under.
    protocols: Vec<SslProtocol>,
    /// `address negotiates version` for every address that negotiated a version older than
    /// TLS 1.2.
    legacy: Vec<String>,
    /// Addresses whose chain only the `--roots` store trusts, not CloudFront's list.
    private_trust: Vec<String>,
}

/// Every row's verdict and failing findings, per (distribution id, origin id): what the plan
/// decides from. Filled by observing the run.
#[derive(Debug, Default)]
pub(super) struct RowVerdicts(BTreeMap<(Option<String>, String), Vec<Row>>);

impl RowVerdicts {
    /// Records one finished origin report (rows without a CloudFront origin are ignored).
    pub(super) fn observe(&mut self, o: &OriginReport) {
        let Some(cf) = &o.cloudfront else {
            return;
        };
        let failing = o
            .all_findings()
            .filter(|f| f.impact >= Impact::Would504)
            .map(|f| format!("{}: {}", f.rule, f.reason))
            .collect();
        let legacy = o
            .addresses
            .iter()
            .filter_map(|a| Some((a, a.tls_version?)))
            .filter(|(_, v)| !matches!(v, TlsVersion::Tls12 | TlsVersion::Tls13))
            .map(|(a, v)| format!("{} negotiates {}", a.address, v.as_str()))
            .collect();
        let private_trust = o
            .addresses
            .iter()
            .filter(|a| a.cloudfront_trusts == Some(false))
            .map(|a| a.address.clone())
            .collect();
        let row = Row {
            verdict: o.verdict,
            failing,
            protocols: o.origin_ssl_protocols.clone(),
            legacy,
            private_trust,
        };
        // Infrastructure as code may hold several distributions without an id yet: their
        // resource addresses tell them apart.
        let distribution = cf
            .distribution_id
            .clone()
            .or_else(|| cf.location.as_ref().and_then(|l| l.address.clone()));
        let key = (distribution, cf.origin_id.clone());
        self.0.entry(key).or_default().push(row);
    }

    fn rows(&self, distribution_id: Option<&str>, origin_id: &str) -> &[Row] {
        let key = (
            distribution_id.map(sanitize::text),
            sanitize::text(origin_id),
        );
        self.0.get(&key).map(Vec::as_slice).unwrap_or_default()
    }
}

/// The key [`RowVerdicts`] files a distribution's rows under: its id, else its resource.
fn distribution_key(dist: &Distribution) -> Option<&str> {
    dist.id
        .as_deref()
        .or_else(|| dist.location.as_ref().and_then(|l| l.address.as_deref()))
}

/// `--plan` for infrastructure as code: per origin the edit to make in the file (or why it
/// stays), then each `allow-all` behavior reaching an S3 REST origin set to `redirect-to-https`
/// (fact 46), on stderr. The user's files are never written.
pub(super) fn print_edits(documents: &[Document], verdicts: &RowVerdicts) {
    let mut edits = 0usize;
    for doc in documents.iter().filter(|d| d.kind.is_iac()) {
        for dist in &doc.distributions {
            for origin in dist.origins.iter().filter(|o| o.probe_blocked()) {
                let unknown: Vec<String> = origin
                    .unresolved
                    .iter()
                    .filter(|u| u.blocks_probe)
                    .map(|u| format!("{} is {}", u.setting, u.expression))
                    .collect();
                say::plan(format!(
                    "origin {}: unchanged: not probed, {} (iac.unresolved)",
                    sanitize::text(&origin.id),
                    sanitize::text(&unknown.join("; "))
                ));
            }
            // VPC origins are never switched here: their policy is on the VPC origin resource.
            for origin in &dist.origins {
                if let CfOriginKind::Vpc {
                    vpc_origin_id,
                    settings,
                    ..
                } = &origin.kind
                {
                    say::plan(format!(
                        "origin {}: unchanged: {}",
                        sanitize::text(&origin.id),
                        plan::vpc_unchanged(vpc_origin_id, settings)
                    ));
                }
            }
            for origin in dist.origins.iter().filter(|o| needs_probe(o)) {
                let decision = decide(
                    &origin.id,
                    verdicts.rows(distribution_key(dist), &origin.id),
                );
                let id = sanitize::text(&origin.id);
                let lines = plan::iac::edits(doc.kind, origin, &decision);
                if !decision.switch {
                    say::plan(format!(
                        "origin {id}: unchanged: {}",
                        sanitize::text(&decision.reason)
                    ));
                } else if lines.is_empty() {
                    say::plan(format!("origin {id}: ready, and already set so"));
                }
                for line in lines {
                    edits += 1;
                    say::plan(format!("origin {id}: {line}"));
                }
            }
            // Built from sanitised parts (plan::iac).
            for b in plan::iac::behavior_edits(doc.kind, dist) {
                edits += 1;
                say::plan(&b.edit);
                if let Some(w) = &b.warning {
                    say::plan(format!("warning: {w}"));
                }
            }
        }
    }
    say::plain(format!(
        "origin-probe: {edits} edit{} to make in the file{}; origin-probe never changes it",
        if edits == 1 { "" } else { "s" },
        if edits == 0 {
            " (no origin is ready to switch)"
        } else {
            ""
        }
    ));
}

/// Writes the plan: every custom origin whose rows are all ready or warn switches to
/// https-only, with TLSv1.2 or the older protocols it needs; the rest stay as they are, with
/// their reasons.
pub(super) fn write_plan(path: &Path, doc: &Document, verdicts: &RowVerdicts) -> Result<()> {
    let plan = plan_for(doc, verdicts)?;
    write_plan_file(path, &plan)?;
    explain(&plan, &path.display().to_string());
    Ok(())
}

/// The plan file itself, mode 0600, replaced whole.
pub(super) fn write_plan_file(path: &Path, plan: &Plan) -> Result<()> {
    let contents = plan.config().file_contents();
    output::write_private_atomically(path, |w| w.write_all(contents.as_bytes()))
        .with_context(|| format!("writing --plan {}", path.display()))
}

/// The plan of one document from what the run observed: the decisions of [`decide`], then
/// [`plan::plan`].
pub(super) fn plan_for(doc: &Document, verdicts: &RowVerdicts) -> Result<Plan> {
    let Some(dist) = doc.distributions.first() else {
        anyhow::bail!("{}: no distribution to plan", doc.source);
    };
    let decisions: Vec<PlanDecision> = dist
        .origins
        .iter()
        .filter(|o| needs_probe(o))
        .map(|origin| {
            decide(
                &origin.id,
                verdicts.rows(distribution_key(dist), &origin.id),
            )
        })
        .collect();
    Ok(plan::plan(doc, &decisions)?)
}

/// The decision for one origin from its rows.
fn decide(origin_id: &str, rows: &[Row]) -> PlanDecision {
    // Fact 11: CloudFront trusts only the Mozilla list. A chain only `--roots` trusts would
    // 502 after the switch, whatever the verdict against `--roots` says; no flag overrides it.
    if let Some(private) = private_trust(rows) {
        return PlanDecision {
            origin_id: origin_id.to_string(),
            switch: false,
            ssl_protocols: vec![SslProtocol::Tls12],
            reason: private,
        };
    }
    let switch = !rows.is_empty() && rows.iter().all(|r| !r.verdict.fails());
    // For a kept origin, what fails; for a switched one, what needs an old version. Rows of
    // one origin (one per viewer name) often fail for the same reason: say it once.
    let said = rows.iter().flat_map(|r| {
        if switch {
            r.legacy.iter()
        } else {
            r.failing.iter()
        }
    });
    let mut reasons: Vec<&str> = Vec::new();
    for reason in said {
        if !reasons.contains(&reason.as_str()) {
            reasons.push(reason);
        }
    }
    // TLSv1.2 alone when every address negotiated TLS 1.2 (it chose 1.2 when offered up to
    // 1.2, so offering only 1.2 changes nothing); otherwise exactly the protocols the verdict
    // was judged under, which the origin needs (the plan warns about them).
    let ssl_protocols = if rows.iter().all(|r| r.legacy.is_empty()) {
        vec![SslProtocol::Tls12]
    } else {
        rows.first()
            .map(|r| r.protocols.clone())
            .unwrap_or_default()
    };
    PlanDecision {
        origin_id: origin_id.to_string(),
        switch,
        ssl_protocols,
        reason: reasons.join("; "),
    }
}

/// Why an origin cannot switch although `--roots` trusts it, when only `--roots` does.
fn private_trust(rows: &[Row]) -> Option<String> {
    let mut addresses: Vec<&str> = Vec::new();
    for address in rows.iter().flat_map(|r| r.private_trust.iter()) {
        if !addresses.contains(&address.as_str()) {
            addresses.push(address);
        }
    }
    if addresses.is_empty() {
        return None;
    }
    Some(format!(
        "only the --roots store trusts the chain of {}: CloudFront trusts only the Mozilla included CA list (fact 11) and would answer 502 after the switch; serve a chain from a publicly trusted CA first",
        addresses.join(", ")
    ))
}

/// The plan's lines on stderr: each origin's decision, then how to apply it.
pub(super) fn explain(plan: &Plan, shown: &str) {
    explain_decisions(plan);
    explain_command(plan, shown);
}

/// Each origin's and behavior's decision, on stderr.
pub(super) fn explain_decisions(plan: &Plan) {
    for planned in &plan.origins {
        let id = sanitize::text(&planned.origin_id);
        match &planned.change {
            PlannedChange::Switched {
                ssl_protocols,
                warning,
            } => {
                let protocols: Vec<&str> = ssl_protocols.iter().map(|p| p.as_str()).collect();
                say::plan(format!(
                    "origin {id}: switch to https-only with {}",
                    protocols.join(",")
                ));
                if let Some(w) = warning {
                    say::plan(format!("origin {id}: warning: {}", sanitize::text(w)));
                }
            }
            PlannedChange::Unchanged { reason } => {
                say::plan(format!(
                    "origin {id}: unchanged: {}",
                    sanitize::text(reason)
                ));
            }
        }
    }
    for b in &plan.behaviors {
        // Plan texts are built from sanitised parts (plan::behaviors).
        say::plan(format!(
            "{}: viewer protocol policy allow-all -> {} (it reaches S3 REST origin {})",
            b.behavior,
            b.viewer_protocol_policy,
            b.s3_origins.join(", ")
        ));
        if let Some(w) = &b.warning {
            say::plan(format!("warning: {w}"));
        }
    }
    for note in &plan.group_notes {
        say::plan(note);
    }
}

/// Where the plan was written and the command that applies it (or that it changes nothing).
fn explain_command(plan: &Plan, shown: &str) {
    if !plan.changes_anything() {
        say::plain(format!(
            "origin-probe: plan written to {shown}, but it changes nothing: no origin is ready to switch, so there is nothing to apply"
        ));
        return;
    }
    say::plain(format!(
        "origin-probe: plan written to {shown} (mode 0600: it holds the distribution's custom header values, so it is never printed). Apply it with:"
    ));
    say::plain(format!("  {}", plan::update_command(plan, shown)));
    if plan.distribution_id.is_none() {
        say::plain(
            "  (get-distribution-config output does not name the distribution: set DISTRIBUTION_ID to the id you fetched it with)",
        );
    }
}
