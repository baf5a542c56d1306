//! [`execute()`]: one run of any command, from a prepared [`RunSpec`] to the delivered report.
//!
//! Glue only: `drive`, then `assemble`, then `deliver`. Async only because the engine is.

use anyhow::Result;

use super::assemble::{self, Clock, Finished};
use super::deliver::{self, Sink};
use super::drive::drive;
use super::{Item, RunOutcome, RunSpec};
use crate::document::{OriginReport, Summary};
use crate::engine::Engine;
use crate::resolve::Resolver;

/// Probes the spec's items and delivers the report as its output settings say. `observe` sees
/// every finished origin (the demo checks its expectations, `cloudfront` builds the plan).
///
/// JSON Lines keep nothing per origin; the other formats keep the finished reports they must
/// render in input order.
pub(crate) async fn execute(
    spec: RunSpec<impl Iterator<Item = Item>>,
    mut observe: impl FnMut(&OriginReport),
) -> Result<RunOutcome> {
    let RunSpec {
        items,
        probe,
        resolve,
        store,
        output,
        baseline,
    } = spec;
    let clock = Clock::start(probe.at);
    let roots = store.info().clone();
    let warn_days = probe.warn_days;
    let resolver = Resolver::new(&resolve, probe.timeout);
    let engine = Engine::new(resolver, probe, store, clock.judged());
    let mut sink = Sink::open(&output, clock.run_context(&roots))?;
    let mut summary = Summary::default();
    let (interrupted, input_errors) = drive(items, engine, output.progress, |order, origin| {
        summary.add(origin.verdict);
        observe(&origin);
        sink.take(order, origin);
    })
    .await;
    let Some(origins) = sink.finish(&input_errors)? else {
        return Ok(RunOutcome {
            summary,
            regressions: None,
            interrupted: interrupted.is_some(),
        });
    };
    let finished = Finished {
        origins,
        summary: summary.clone(),
        interrupted,
        roots,
        input_errors,
    };
    let (report, regressions) = assemble::assemble(
        &clock,
        finished,
        baseline.as_ref(),
        output.fail_on,
        warn_days,
    );
    let render = deliver::render_spec(&output, &clock);
    deliver::deliver(&report, &render, output.path.as_deref())?;
    Ok(RunOutcome {
        summary,
        regressions,
        interrupted: report.interrupted.is_some(),
    })
}
