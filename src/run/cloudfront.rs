//! `origin-probe cloudfront FILE...`: CloudFront distribution JSON in, per-origin verdicts and,
//! with `--plan`, the migration plan out.
//!
//! Reads the files, turns custom origins into targets (one per viewer name when the Host
//! header is forwarded), settles the origins that cannot be https-only from their configuration
//! alone, runs the shared loop, and writes the plan with mode 0600. Never prints a custom
//! header value: the plan file holds them, and it is never printed.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};

use super::{Item, exit_code, fatal, load_baseline, probe_and_report_with, roots_and_runtime};
use crate::cli::CloudfrontArgs;
use crate::exit;
use crate::finding::Verdict;
use crate::input::cloudfront::{
    self, CfOrigin, Distribution, Document, needs_probe, origin_source, reference,
};
use crate::output;
use crate::plan::{self, PlanDecision, PlannedChange};
use crate::report::OriginReport;
use crate::tls::SslProtocol;
use crate::verdict::group_rules::GroupWatch;

/// Every row's verdict and failing findings, per (distribution id, origin id): what the plan
/// decides from.
type RowVerdicts = BTreeMap<(Option<String>, String), Vec<Row>>;

/// What the plan needs of one row.
#[derive(Debug)]
struct Row {
    verdict: Verdict,
    /// `rule: reason` of the findings that fail.
    failing: Vec<String>,
    /// The `OriginSslProtocols` the row was judged under.
    protocols: Vec<SslProtocol>,
    /// `address: version` for every address that negotiated an older version than TLS 1.2.
    legacy: Vec<String>,
}

pub(super) fn run(args: CloudfrontArgs) -> i32 {
    let output = args.output.into_config();
    // Whether Host is forwarded is read from each cache behavior, so there is no --host-header.
    let (probe, resolve, roots_path) = match args.probe.into_config(None) {
        Ok(parts) => parts,
        Err(e) => return fatal(&e.into()),
    };
    let baseline = match load_baseline(&output) {
        Ok(b) => b,
        Err(e) => return fatal(&e),
    };

    let mut input_errors = false;
    let mut documents = Vec::new();
    let mut used_declarations: Vec<String> = Vec::new();
    for path in &args.files {
        match read_document(path) {
            Ok(mut doc) => {
                used_declarations.extend(doc.declare_forwards_host(&args.forwards_host));
                if doc.truncated {
                    eprintln!(
                        "origin-probe: note: {}: this list-distributions page says more distributions follow; they are not checked (fetch every page)",
                        doc.source
                    );
                }
                documents.push(doc);
            }
            Err(e) => {
                eprintln!("origin-probe: error: {e:#}");
                input_errors = true;
            }
        }
    }
    for id in &args.forwards_host {
        if !used_declarations.contains(id) {
            eprintln!(
                "origin-probe: note: --forwards-host {id}: no cache behavior in the input uses this policy"
            );
        }
    }
    if documents.is_empty() {
        return exit::ERROR;
    }
    // Refuse an impossible plan before probing anything.
    let plan_target = match &args.plan {
        None => None,
        Some(_) if args.shard.is_some_and(|s| !s.is_whole()) => {
            eprintln!(
                "origin-probe: error: --plan needs every origin of the distribution; run it without --shard"
            );
            return exit::ERROR;
        }
        Some(path) => match plannable(&documents) {
            Ok(doc) => Some((path.clone(), doc)),
            Err(e) => return fatal(&e),
        },
    };

    let mut items = Vec::new();
    // Rows per origin (by source), so each origin group's row follows its members' last one.
    let mut rows: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut origins_in_input = 0usize;
    for doc in &documents {
        for dist in &doc.distributions {
            for origin in &dist.origins {
                origins_in_input += 1;
                if let Some(shard) = args.shard
                    && !shard.holds(&shard_key(origin))
                {
                    continue;
                }
                match origin_items(doc, dist, origin) {
                    Ok(mut new) => {
                        rows.insert(origin_source(&doc.source, dist, origin), new.len());
                        items.append(&mut new);
                    }
                    Err(e) => {
                        eprintln!("origin-probe: error: {e:#}");
                        input_errors = true;
                    }
                }
            }
        }
    }
    match (items.is_empty(), args.shard) {
        (true, Some(shard)) if origins_in_input > 0 && !input_errors => {
            // Not an error: a batch system runs every shard, and a small input leaves some empty.
            eprintln!(
                "origin-probe: note: shard {shard} holds none of the {origins_in_input} origins; writing an empty report"
            );
        }
        (true, _) => {
            // Origins that were refused have said so already; otherwise name the empty inputs.
            if !input_errors {
                let sources: Vec<&str> = documents.iter().map(|d| d.source.as_str()).collect();
                eprintln!(
                    "origin-probe: error: {}: no origins to check (the input lists no distributions, or none with an origin)",
                    sources.join(", ")
                );
            }
            return exit::ERROR;
        }
        (false, _) => {}
    }
    let (store, runtime) = match roots_and_runtime(roots_path.as_deref()) {
        Ok(parts) => parts,
        Err(e) => return fatal(&e),
    };
    let mut groups = GroupWatch::default();
    for doc in &documents {
        for dist in &doc.distributions {
            groups.add(&doc.source, dist, |o| {
                rows.get(&origin_source(&doc.source, dist, o))
                    .copied()
                    .unwrap_or(0)
            });
        }
    }
    // The verdicts of every row, per (distribution, origin id), for the plan.
    let mut verdicts: RowVerdicts = BTreeMap::new();
    let result = runtime.block_on(probe_and_report_with(
        items,
        probe,
        &resolve,
        store,
        &output,
        baseline.as_ref(),
        |o: &OriginReport| {
            if let Some(cf) = &o.cloudfront {
                let failing = o
                    .all_findings()
                    .filter(|f| f.impact >= crate::finding::Impact::Would504)
                    .map(|f| format!("{}: {}", f.rule, f.reason))
                    .collect();
                let legacy = o
                    .addresses
                    .iter()
                    .filter_map(|a| Some((a, a.tls_version?)))
                    .filter(|(_, v)| !matches!(*v, "TLSv1.2" | "TLSv1.3"))
                    .map(|(a, v)| format!("{} negotiates {v}", a.address))
                    .collect();
                verdicts
                    .entry((cf.distribution_id.clone(), cf.origin_id.clone()))
                    .or_default()
                    .push(Row {
                        verdict: o.verdict,
                        failing,
                        protocols: o
                            .origin_ssl_protocols
                            .iter()
                            .filter_map(|p| SslProtocol::parse(p).ok())
                            .collect(),
                        legacy,
                    });
            }
            groups.observe(o)
        },
    ));
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => return fatal(&e),
    };
    if let Some((path, doc)) = plan_target
        && let Err(e) = write_plan(&path, doc, &verdicts)
    {
        return fatal(&e);
    }
    if input_errors {
        exit::ERROR
    } else {
        exit_code(&outcome, output.fail_on)
    }
}

fn read_document(path: &Path) -> Result<Document> {
    let (bytes, source) = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading stdin")?;
        (bytes, "stdin".to_string())
    } else {
        let shown = path.display().to_string();
        (
            std::fs::read(path).with_context(|| format!("reading {shown}"))?,
            shown,
        )
    };
    // The error names the source itself.
    Ok(cloudfront::parse_document(&bytes, &source)?)
}

/// What `--shard` hashes for an origin: its domain name as probed (normalised), so every viewer
/// row of one origin lands in the same shard; a name that does not normalise is hashed as
/// written (trimmed, lowercased), so its error is reported by exactly one shard.
fn shard_key(origin: &CfOrigin) -> String {
    let name = origin.domain_name.trim();
    crate::input::normalize_host(name).unwrap_or_else(|_| name.to_ascii_lowercase())
}

/// The one document a plan can be made for: a single `get-distribution-config` or
/// `get-distribution` output with its ETag.
fn plannable(documents: &[Document]) -> Result<&Document> {
    let [doc] = documents else {
        anyhow::bail!(
            "--plan takes exactly one distribution document, got {} files",
            documents.len()
        );
    };
    // A dry run with no decisions checks the kind, the ETag and the shape.
    plan::plan(doc, &[])?;
    Ok(doc)
}

/// The run items of one origin: targets to probe, or a report settled by configuration alone.
fn origin_items(doc: &Document, dist: &Distribution, origin: &CfOrigin) -> Result<Vec<Item>> {
    if needs_probe(origin) {
        let targets = cloudfront::targets(&doc.source, dist, origin).with_context(|| {
            // Sanitised and cut like every other echoed input: the name can be any length.
            format!(
                "{}: origin name \"{}\"",
                origin_source(&doc.source, dist, origin),
                crate::sanitize::text(&origin.domain_name)
            )
        })?;
        return Ok(targets.into_iter().map(Item::Probe).collect());
    }
    let findings = cloudfront::config_findings(dist, origin);
    Ok(vec![Item::Settled(OriginReport {
        schema_version: None,
        run: None,
        origin: crate::sanitize::text(&origin.domain_name),
        port: origin.custom().map_or(443, |c| c.https_port),
        host_header: None,
        source: origin_source(&doc.source, dist, origin),
        cloudfront: Some(reference(dist, origin, None)),
        verdict: Verdict::from_findings(&findings),
        findings,
        origin_ssl_protocols: Vec::new(),
        address_source: None,
        addresses: Vec::new(),
        elapsed_ms: 0,
    })])
}

/// Writes the plan: every custom origin whose rows are all ready or warn switches to
/// https-only, with TLSv1.2 or the older protocols it needs; the rest stay as they are, with
/// their reasons.
fn write_plan(path: &Path, doc: &Document, verdicts: &RowVerdicts) -> Result<()> {
    let Some(dist) = doc.distributions.first() else {
        anyhow::bail!("{}: no distribution to plan", doc.source);
    };
    let mut decisions = Vec::new();
    for origin in dist.origins.iter().filter(|o| needs_probe(o)) {
        let rows = verdicts
            .get(&(
                dist.id.as_deref().map(crate::sanitize::text),
                crate::sanitize::text(&origin.id),
            ))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let switch = !rows.is_empty() && rows.iter().all(|r| !r.verdict.fails());
        // Rows of one origin (one per viewer name) often fail for the same reason: say it once.
        let mut reasons: Vec<&str> = Vec::new();
        // For a kept origin, what fails; for a switched one, what needs an old version.
        let said: Vec<&String> = if switch {
            rows.iter().flat_map(|r| r.legacy.iter()).collect()
        } else {
            rows.iter().flat_map(|r| r.failing.iter()).collect()
        };
        for reason in said {
            if !reasons.contains(&reason.as_str()) {
                reasons.push(reason);
            }
        }
        // TLSv1.2 alone when every address negotiated TLS 1.2 (it chose 1.2 when offered up to
        // 1.2, so offering only 1.2 changes nothing); otherwise exactly the protocols the
        // verdict was judged under, which the origin needs (the plan warns about them).
        let ssl_protocols = if rows.iter().all(|r| r.legacy.is_empty()) {
            vec![SslProtocol::Tls12]
        } else {
            rows.first()
                .map(|r| r.protocols.clone())
                .unwrap_or_default()
        };
        decisions.push(PlanDecision {
            origin_id: origin.id.clone(),
            switch,
            ssl_protocols,
            reason: reasons.join("; "),
        });
    }
    let plan = plan::plan(doc, &decisions)?;
    let contents = plan.config().file_contents();
    output::write_private_atomically(path, |w| w.write_all(contents.as_bytes()))
        .with_context(|| format!("writing --plan {}", path.display()))?;
    let shown = path.display().to_string();
    for planned in &plan.origins {
        let id = crate::sanitize::text(&planned.origin_id);
        match &planned.change {
            PlannedChange::Switched {
                ssl_protocols,
                warning,
            } => {
                let protocols: Vec<&str> = ssl_protocols.iter().map(|p| p.as_str()).collect();
                eprintln!(
                    "origin-probe: plan: origin {id}: switch to https-only with {}",
                    protocols.join(",")
                );
                if let Some(w) = warning {
                    eprintln!(
                        "origin-probe: plan: origin {id}: warning: {}",
                        crate::sanitize::text(w)
                    );
                }
            }
            PlannedChange::Unchanged { reason } => {
                eprintln!(
                    "origin-probe: plan: origin {id}: unchanged: {}",
                    crate::sanitize::text(reason)
                );
            }
        }
    }
    for b in &plan.behaviors {
        // Plan texts are built from sanitised parts (plan::behaviors).
        eprintln!(
            "origin-probe: plan: {}: viewer protocol policy allow-all -> {} (it reaches S3 REST origin {})",
            b.behavior,
            b.viewer_protocol_policy,
            b.s3_origins.join(", ")
        );
        if let Some(w) = &b.warning {
            eprintln!("origin-probe: plan: warning: {w}");
        }
    }
    for note in &plan.group_notes {
        eprintln!("origin-probe: plan: {note}");
    }
    if !plan.changes_anything() {
        eprintln!(
            "origin-probe: plan written to {shown}, but it changes nothing: no origin is ready to switch, so there is nothing to apply"
        );
        return Ok(());
    }
    eprintln!(
        "origin-probe: plan written to {shown} (mode 0600: it holds the distribution's custom header values, so it is never printed). Apply it with:"
    );
    eprintln!("  {}", plan::update_command(&plan, &shown));
    if plan.distribution_id.is_none() {
        eprintln!(
            "  (get-distribution-config output does not name the distribution: set DISTRIBUTION_ID to the id you fetched it with)"
        );
    }
    Ok(())
}
