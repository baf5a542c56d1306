//! Assembling the report of a run: the run's clock, the origins in input order, and the
//! comparison with `--baseline`.
//!
//! Reads the clock (this is the edge; `verdict` and `report` never do) and nothing else.

use std::time::{Instant, SystemTime};

use rustls::pki_types::UnixTime;
use time::format_description::well_known::Rfc3339;

use super::drive::InputOrder;
use crate::baseline::{self, Baseline};
use crate::document::{
    FailOn, InputErrorReport, Interrupted, OriginReport, Report, RootsInfo, RunContext, RunError,
    SCHEMA_VERSION, Summary, ToolInfo,
};
use crate::report::RunMeta;

/// The run's clock: when it started, and the instant verdicts are judged at (`--at`, or now).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    started: Instant,
    generated: SystemTime,
    judged: SystemTime,
}

impl Clock {
    /// Starts the clock; `at` is `--at`.
    pub(crate) fn start(at: Option<SystemTime>) -> Clock {
        let generated = SystemTime::now();
        Clock {
            started: Instant::now(),
            generated,
            judged: at.unwrap_or(generated),
        }
    }

    /// The instant certificate dates are judged at, as the verdict takes it.
    pub(crate) fn judged(&self) -> UnixTime {
        UnixTime::since_unix_epoch(
            self.judged
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default(),
        )
    }

    /// What every JSON Lines record carries about the run.
    pub(crate) fn run_context(&self, roots: &RootsInfo) -> RunContext {
        RunContext {
            judged_at: rfc3339(self.judged),
            roots_source: roots.source,
            roots: roots.description.clone(),
        }
    }

    /// The run's duration and end, as of now, for the monitoring formats.
    pub(crate) fn meta(&self) -> RunMeta {
        RunMeta {
            duration_seconds: self.started.elapsed().as_secs_f64(),
            finished_at_unix_seconds: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64(),
        }
    }
}

fn rfc3339(t: SystemTime) -> String {
    time::OffsetDateTime::from(t)
        .format(&Rfc3339)
        .unwrap_or_else(|_| "unknown".to_string())
}

/// What the finished origins and the run's facts become.
#[derive(Debug)]
pub(crate) struct Finished {
    pub(crate) origins: Vec<(InputOrder, OriginReport)>,
    pub(crate) summary: Summary,
    pub(crate) interrupted: Option<Interrupted>,
    pub(crate) roots: RootsInfo,
    pub(crate) run_error: Option<RunError>,
    /// Input that named nothing to probe, in input order.
    pub(crate) input_errors: Vec<InputErrorReport>,
}

/// The report of a finished run in input order, compared with `baseline` when there is one;
/// also returns the number of regressions against it.
pub(crate) fn assemble(
    clock: &Clock,
    finished: Finished,
    baseline: Option<&Baseline>,
    fail_on: FailOn,
    warn_days: u32,
) -> (Report, Option<usize>) {
    let Finished {
        mut origins,
        summary,
        interrupted,
        roots,
        run_error,
        input_errors,
    } = finished;
    origins.sort_by_key(|(order, _)| *order);
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo::current(),
        generated_at: rfc3339(clock.generated),
        judged_at: rfc3339(clock.judged),
        roots,
        summary,
        origins: origins.into_iter().map(|(_, o)| o).collect(),
        input_errors,
        baseline: None,
        interrupted,
        run_error,
    };
    let regressions = baseline.map(|b| {
        let diff = baseline::diff(b, &report, fail_on, &[warn_days]);
        let n = baseline::regressions(&diff);
        report.baseline = Some(diff);
        n
    });
    (report, regressions)
}
