//! `--apply --wait`: wait until every updated distribution is `Deployed` (one deadline for all,
//! `--wait-timeout`), read each back from the API, and probe its switched origins again
//! through the same items, engine and verdicts as the run (`collect_items`, `report_all`).
//! The prediction held when every row of a switched origin is still ready or warn.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::Result;

use super::apply::{Applied, Steps};
use super::cloudfront::collect_items;
use super::spec::load_roots;
use super::{RunSpec, block_on, execute, say};
use crate::config::OutputConfig;
use crate::document::Format;
use crate::input::aws::{self, Request, Waited};
use crate::plan::PlannedChange;
use crate::sanitize;

/// Waits, then probes again. `Ok(false)`: a switched origin fails now, or a distribution was
/// not deployed by the deadline (the prediction could not be checked).
pub(super) fn wait_and_reprobe(steps: &Steps<'_>, applied: &[Applied]) -> Result<bool> {
    let connection = &steps.account.connection;
    let client =
        block_on(aws::connect(connection))?.map_err(|e| anyhow::anyhow!("{}: {e}", aws::SOURCE))?;
    let deadline = Instant::now() + steps.aws.wait_timeout();
    let terminal = steps.progress && std::io::stderr().is_terminal();
    let mut deployed = Vec::new();
    let mut held = true;
    for a in applied {
        let id = sanitize::text(&a.id);
        let left = deadline.saturating_duration_since(Instant::now());
        let waited = block_on(aws::wait_deployed(&client, &a.id, left, |status, took| {
            if terminal {
                eprint!(
                    "\r\x1b[2Korigin-probe: wait: {id}: {} ({}s)",
                    sanitize::text(status),
                    took.as_secs()
                );
            }
        }))?;
        if terminal {
            eprint!("\r\x1b[2K");
        }
        match waited {
            Ok(Waited::Deployed { after }) => {
                say::apply(format!("{id}: Deployed after {}s", after.as_secs()));
                deployed.push(a);
            }
            Ok(Waited::TimedOut { status }) => {
                held = false;
                say::error(format!(
                    "{}: {id}: still {} when --wait-timeout ({}s) ran out; its origins were not probed again",
                    aws::SOURCE,
                    sanitize::text(&status),
                    steps.aws.wait_timeout().as_secs()
                ));
            }
            Err(e) => {
                held = false;
                say::error(format!("{}: {e}; not probed again", aws::SOURCE));
            }
        }
    }
    if deployed.is_empty() {
        return Ok(false);
    }
    Ok(reprobe(steps, &deployed)? && held)
}

/// Reads the deployed distributions back and probes their switched origins; says per row
/// whether the prediction held.
fn reprobe(steps: &Steps<'_>, deployed: &[&Applied]) -> Result<bool> {
    let request = Request {
        connection: steps.account.connection.clone(),
        ids: deployed.iter().map(|a| a.id.clone()).collect(),
    };
    let read =
        block_on(aws::read(&request))?.map_err(|e| anyhow::anyhow!("{}: {e}", aws::SOURCE))?;
    let mut held = read.failures.is_empty();
    for (source, message) in &read.failures {
        say::error(format!("{source}: {message}; not probed again"));
    }
    let mut documents = read.documents;
    for doc in &mut documents {
        doc.declare_forwards_host(steps.forwards_host);
        for dist in &mut doc.distributions {
            let switched: Vec<&str> = deployed
                .iter()
                .filter(|a| dist.id.as_deref() == Some(a.id.as_str()))
                .flat_map(|a| &a.plan.origins)
                .filter(|o| matches!(o.change, PlannedChange::Switched { .. }))
                .map(|o| o.origin_id.as_str())
                .collect();
            dist.origins.retain(|o| switched.contains(&o.id.as_str()));
        }
    }
    let collected = collect_items(&documents, None)?;
    let again = &steps.again;
    let spec = RunSpec {
        items: collected.items.into_iter(),
        probe: again.probe.clone(),
        resolve: again.resolve.clone(),
        store: load_roots(again.roots.as_deref())?,
        output: OutputConfig::internal(Format::Json),
        baseline: None,
    };
    let (report, _) = block_on(execute::report_all(spec, |_| Vec::new()))?;
    for o in &report.origins {
        let Some(cf) = &o.cloudfront else { continue };
        let row = format!(
            "{} origin {}{}",
            cf.distribution_id.as_deref().unwrap_or("?"),
            cf.origin_id,
            cf.viewer_name
                .as_deref()
                .map(|v| format!(" (viewer name {v})"))
                .unwrap_or_default()
        );
        if o.verdict.fails() {
            held = false;
            let why: Vec<String> = o
                .all_findings()
                .filter(|f| f.impact >= crate::finding::Impact::Would504)
                .map(|f| format!("{}: {}", f.rule, f.reason))
                .collect();
            say::error(format!(
                "verify: {row}: {} after the switch, but the plan predicted it would work: {}",
                o.verdict.as_str(),
                why.join("; ")
            ));
        } else {
            say::apply(format!(
                "verify: {row}: {} after the switch, as predicted",
                o.verdict.as_str()
            ));
        }
    }
    say::plain(format!(
        "origin-probe: --wait: {} switched origin row{} probed again after deployment: {}",
        report.origins.len(),
        if report.origins.len() == 1 { "" } else { "s" },
        if held {
            "the prediction held"
        } else {
            "the prediction did NOT hold (exit 3)"
        }
    ));
    Ok(held)
}
