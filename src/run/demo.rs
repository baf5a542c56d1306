//! `origin-probe demo`: starts the built-in fleet (`crate::demo`), probes it through the same
//! [`execute()`] as every command, and checks each origin got the verdict its defect predicts.
//!
//! Exits 0 only when every origin matched, so the demo doubles as a self-check.

use std::process::ExitCode;

use anyhow::Result;

use super::{Item, RunSpec, block_on, execute, say};
use crate::cli::DemoArgs;
use crate::config::OutputConfig;
use crate::demo::{self, DemoResult};
use crate::document::{Format, Summary};
use crate::exit;

pub(super) fn run(args: DemoArgs) -> Result<ExitCode> {
    let output = args.into_config();
    super::spec::check_output(&output)?;
    block_on(run_fleet(output))?
}

async fn run_fleet(output: OutputConfig) -> Result<ExitCode> {
    let started = demo::start_fleet().await?;
    if !started.skipped.is_empty() {
        say::plain(format!(
            "demo: openssl not found on PATH: skipping the origins only openssl s_server can serve ({})",
            started.skipped.join(", ")
        ));
    }
    let human = output.format == Format::Table && output.path.is_none();
    let spec = RunSpec {
        items: started.targets.clone().into_iter().map(Item::Probe),
        probe: demo::probe_config(),
        resolve: started.resolve.clone(),
        store: demo::trust_store()?,
        output,
        baseline: None,
    };
    let mut results: Vec<DemoResult> = Vec::new();
    let outcome = execute(spec, |o| {
        results.push((
            o.origin.clone(),
            o.host_header.clone(),
            o.verdict,
            o.all_findings().map(|f| f.rule).collect(),
        ));
        Vec::new()
    })
    .await?;
    let fleet = started.fleet.clone();
    drop(started);
    if outcome.interrupted {
        return Ok(exit::code(exit::INTERRUPTED));
    }
    let mismatches = demo::mismatches(&fleet, &results);
    Ok(verdict_of(&mismatches, &outcome.summary, human))
}

/// Says how the demo went and gives its exit code: 0 when every origin matched.
fn verdict_of(mismatches: &[String], summary: &Summary, human: bool) -> ExitCode {
    for m in mismatches {
        say::plain(format!("origin-probe: demo: {m}"));
    }
    if human {
        say::plain(format!(
            "demo: {} loopback origins probed for real; verdicts judged against the fixture root, not the Mozilla list",
            summary.origins
        ));
    }
    if !mismatches.is_empty() {
        return exit::code(exit::WOULD_FAIL);
    }
    if human {
        say::plain("demo: every origin got the verdict its defect predicts");
    }
    exit::code(exit::READY)
}
