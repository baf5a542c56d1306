//! [`execute()`]: one run of any command, from a prepared [`RunSpec`] to the delivered report.
//!
//! Glue only: `drive`, then `assemble`, then `deliver`. Async only because the engine is.

use std::sync::Arc;

use anyhow::Result;

use super::assemble::{self, Clock, Finished};
use super::deliver::{self, Sink};
use super::drive::{InputOrder, Interrupts, drive};
use super::{Item, RunOutcome, RunSpec};
use crate::cert::TrustStore;
use crate::config::{ProbeConfig, ResolveConfig};
use crate::document::{FailOn, OriginReport, ProberFault, Report, RootsInfo, RunError, Summary};
use crate::engine::Engine;
use crate::report::RunMeta;
use crate::resolve::Resolver;
use crate::target::Target;

/// Probes the spec's items and delivers the report as its output settings say. `observe` sees
/// every finished origin (the demo checks its expectations, `cloudfront` builds the plan) and
/// may answer it with more reports to add right after it (`cloudfront`: an origin group's row
/// once its members are all judged); those are reported like any other, not observed.
///
/// JSON Lines keep nothing per origin; the other formats keep the finished reports they must
/// render in input order.
pub(crate) async fn execute(
    spec: RunSpec<impl Iterator<Item = Item> + Send + 'static>,
    mut observe: impl FnMut(&OriginReport) -> Vec<OriginReport>,
) -> Result<RunOutcome> {
    let RunSpec {
        items,
        probe,
        resolve,
        store,
        output,
        baseline,
    } = spec;
    let Started {
        clock,
        roots,
        warn_days,
        engine,
    } = Started::new(probe, &resolve, store);
    let mut sink = Sink::open(&output, clock.run_context(&roots))?;
    let mut tally = Tally::default();
    let (interrupted, input_errors) = drive(
        items,
        engine,
        output.progress,
        Interrupts::CtrlC,
        |order, origin| tally.take(origin, &mut observe, |o| sink.take(order, o)),
    )
    .await;
    let Tally { summary, faults } = tally;
    let run_error = faults.into_error();
    let Some(origins) = sink.finish(&input_errors, run_error.as_ref())? else {
        return Ok(RunOutcome {
            summary,
            regressions: None,
            interrupted: interrupted.is_some(),
            run_error,
        });
    };
    let finished = Finished {
        origins,
        summary: summary.clone(),
        interrupted,
        roots,
        run_error: run_error.clone(),
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
        run_error,
    })
}

/// One origin probed and judged by the same engine, `drive` and `assemble` as every command's
/// run, its report handed back instead of delivered: the exporter's `/probe`. Nothing is
/// printed and Ctrl-C is left to the caller. The probe is bounded by `deadline`: one that has
/// not finished by then is dropped (its sockets close) and reported as unfinished
/// (`verdict::unfinished`), so the caller always has an answer in time.
pub(crate) async fn report_one(
    target: Target,
    probe: ProbeConfig,
    resolve: &ResolveConfig,
    store: TrustStore,
    deadline: tokio::time::Instant,
) -> (Report, RunMeta) {
    let budget = deadline.saturating_duration_since(tokio::time::Instant::now());
    let Started {
        clock,
        roots,
        warn_days,
        engine,
    } = Started::new(probe, resolve, store);
    let mut origins = Vec::new();
    let mut tally = Tally::default();
    let items = std::iter::once(Item::Probe(target.clone()));
    let driven = tokio::time::timeout_at(
        deadline,
        drive(
            items,
            engine,
            false,
            Interrupts::Ignored,
            |order, origin| tally.take(origin, &mut |_| Vec::new(), |o| origins.push((order, o))),
        ),
    )
    .await;
    let (interrupted, input_errors) = driven.unwrap_or_else(|_elapsed| {
        let origin = crate::verdict::unfinished(&target, budget);
        tally.summary.add(origin.verdict);
        origins.push((InputOrder::probed(0), origin));
        (None, Vec::new())
    });
    let finished = Finished {
        origins,
        summary: tally.summary,
        interrupted,
        roots,
        run_error: tally.faults.into_error(),
        input_errors,
    };
    let (report, _) = assemble::assemble(&clock, finished, None, FailOn::WouldFail, warn_days);
    (report, clock.meta())
}

/// A whole run to its assembled report, handed back instead of delivered: the exporter's fleet
/// mode, one round. The same engine, `drive` and `assemble` as [`execute()`] (and the same
/// `observe`); nothing is printed and Ctrl-C is left to the caller. The spec's output settings
/// are not used beyond `fail_on`.
pub(crate) async fn report_all(
    spec: RunSpec<impl Iterator<Item = Item> + Send + 'static>,
    mut observe: impl FnMut(&OriginReport) -> Vec<OriginReport> + Send,
) -> (Report, RunMeta) {
    let RunSpec {
        items,
        probe,
        resolve,
        store,
        output,
        baseline: _,
    } = spec;
    let Started {
        clock,
        roots,
        warn_days,
        engine,
    } = Started::new(probe, &resolve, store);
    let mut origins = Vec::new();
    let mut tally = Tally::default();
    let (interrupted, input_errors) = drive(
        items,
        engine,
        false,
        Interrupts::Ignored,
        |order, origin| tally.take(origin, &mut observe, |o| origins.push((order, o))),
    )
    .await;
    let finished = Finished {
        origins,
        summary: tally.summary,
        interrupted,
        roots,
        run_error: tally.faults.into_error(),
        input_errors,
    };
    let (report, _) = assemble::assemble(&clock, finished, None, output.fail_on, warn_days);
    (report, clock.meta())
}

/// What every run starts from: its clock, the trust store's description, `--warn-days` for the
/// baseline diff, and the engine (which takes the probe settings and the store).
struct Started {
    clock: Clock,
    roots: RootsInfo,
    warn_days: u32,
    engine: Arc<Engine>,
}

impl Started {
    fn new(probe: ProbeConfig, resolve: &ResolveConfig, store: TrustStore) -> Started {
        let clock = Clock::start(probe.at);
        let roots = store.info().clone();
        let warn_days = probe.warn_days;
        let resolver = Resolver::new(resolve, probe.timeout);
        let engine = Engine::new(resolver, probe, store, clock.judged());
        Started {
            clock,
            roots,
            warn_days,
            engine,
        }
    }
}

/// What every run counts of its finished origins, whatever it does with the reports.
#[derive(Debug, Default)]
struct Tally {
    summary: Summary,
    faults: ProberFaults,
}

impl Tally {
    /// Counts `origin` and the reports `observe` adds right after it, handing each to `keep`.
    /// An origin the prober could not judge is the prober's failure, not a verdict: it is
    /// counted as a fault, and neither observed nor kept.
    fn take(
        &mut self,
        origin: OriginReport,
        observe: &mut impl FnMut(&OriginReport) -> Vec<OriginReport>,
        mut keep: impl FnMut(OriginReport),
    ) {
        if let Some(fault) = &origin.prober_fault {
            self.faults.add(fault);
            return;
        }
        let more = observe(&origin);
        for origin in std::iter::once(origin).chain(more) {
            self.summary.add(origin.verdict);
            keep(origin);
        }
    }
}

/// The origins the prober could not judge, and the first reason (they share one: the run has
/// one resolver and one machine's routes).
#[derive(Debug, Default)]
struct ProberFaults {
    count: usize,
    first: Option<ProberFault>,
}

impl ProberFaults {
    fn add(&mut self, fault: &ProberFault) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some(fault.clone());
        }
    }

    fn into_error(self) -> Option<RunError> {
        let first = self.first?;
        Some(RunError {
            kind: first.kind,
            message: first.message,
            origins_not_judged: self.count,
        })
    }
}
