//! The shared run loop of `check`, `cloudfront` and `demo`: probe, stream or collect, render,
//! write atomically, and count what the exit code needs.
//!
//! Async only because the engine is; renders through the pure `report` renderers. Never
//! parses flags or prints errors (that is `run`).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, IsTerminal, Write};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rustls::pki_types::UnixTime;
use time::format_description::well_known::Rfc3339;

use crate::baseline::{self, Baseline};
use crate::cert::TrustStore;
use crate::config::{OutputConfig, ProbeConfig, ResolveConfig};
use crate::engine::{Engine, Stop};
use crate::output::{self, StreamingFile};
use crate::report::{
    self, Format, Interrupted, MonitorOptions, OriginReport, RenderOptions, Report, RunContext,
    RunMeta, SCHEMA_VERSION, Summary, ToolInfo,
};
use crate::resolve::Resolver;
use crate::target::Target;

/// One entry of a run, in input order: probed, or already settled by its configuration alone
/// (CloudFront origins that cannot be https-only).
#[derive(Debug)]
pub enum Item {
    Probe(Target),
    Settled(OriginReport),
}

/// What a finished run tells the exit code.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub summary: Summary,
    /// Regressions against `--baseline`, when one was given.
    pub regressions: Option<usize>,
    /// Ctrl-C ended the run early; the report holds what was complete.
    pub interrupted: bool,
}

/// Waits for Ctrl-C: the first asks the engine to stop, the second exits at once.
async fn watch_interrupts(stop: Arc<Stop>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    eprintln!(
        "origin-probe: interrupted: starting no new probes; the report will hold what is complete (Ctrl-C again to quit at once)"
    );
    stop.request();
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!("origin-probe: interrupted again: quitting without a report");
        std::process::exit(crate::exit::INTERRUPTED);
    }
}

/// Probes the items and writes the report as `output` says. `observe` sees every finished
/// origin (the demo checks its expectations, `cloudfront` builds the plan).
///
/// `items` is pulled lazily, only as the engine has room (at most `2 x concurrency` origins in
/// flight), so a long streamed input is never held in memory; JSON Lines keep nothing per
/// origin, the other formats keep the finished reports they must render in input order.
pub async fn probe_and_report(
    items: impl IntoIterator<Item = Item>,
    probe: ProbeConfig,
    resolve: &ResolveConfig,
    store: TrustStore,
    output: &OutputConfig,
    baseline: Option<&Baseline>,
    mut observe: impl FnMut(&OriginReport),
) -> Result<RunOutcome> {
    let observe = |o: &OriginReport| {
        observe(o);
        Vec::new()
    };
    probe_and_report_with(items, probe, resolve, store, output, baseline, observe).await
}

/// As [`probe_and_report`], where `observe` may answer a finished origin with more reports to
/// add right after it (`cloudfront`: an origin group's row once its members are all judged).
/// Those are reported like any other origin but not observed themselves.
pub async fn probe_and_report_with(
    items: impl IntoIterator<Item = Item>,
    probe: ProbeConfig,
    resolve: &ResolveConfig,
    store: TrustStore,
    output: &OutputConfig,
    baseline: Option<&Baseline>,
    mut observe: impl FnMut(&OriginReport) -> Vec<OriginReport>,
) -> Result<RunOutcome> {
    let started = Instant::now();
    let generated = SystemTime::now();
    let clock = probe.at.unwrap_or(generated);
    let rfc3339 = |t: SystemTime| {
        time::OffsetDateTime::from(t)
            .format(&Rfc3339)
            .unwrap_or_else(|_| "unknown".to_string())
    };
    let (generated_at, judged_at) = (rfc3339(generated), rfc3339(clock));
    let roots = store.info().clone();
    let run_context = RunContext {
        judged_at: judged_at.clone(),
        roots_source: roots.source,
        roots: roots.description.clone(),
    };
    let warn_days = probe.warn_days;
    let resolver = Resolver::new(resolve, probe.timeout);
    let now = UnixTime::since_unix_epoch(
        clock
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default(),
    );
    let engine = Engine::new(resolver, probe, store, now);

    // JSON Lines are written as each origin finishes: to stdout, or into a file that replaces
    // the target only when the run completes.
    let streaming = output.format == Format::Jsonl;
    let mut stream: Option<LineSink> = match (streaming, output.path.as_deref()) {
        (false, _) => None,
        (true, None) => Some(LineSink::Stdout(io::BufWriter::new(io::stdout()))),
        (true, Some(path)) => Some(LineSink::File(
            StreamingFile::create(path)
                .with_context(|| format!("creating --output {}", path.display()))?,
        )),
    };
    let mut summary = Summary::default();
    let mut collected: Vec<(InputOrder, OriginReport)> = Vec::new();
    let mut write_error: Option<io::Error> = None;
    let mut finish = |order: InputOrder, origin: OriginReport, summary: &mut Summary| {
        let more = observe(&origin);
        for origin in std::iter::once(origin).chain(more) {
            summary.add(origin.verdict);
            match stream.as_mut() {
                Some(sink) => {
                    if write_error.is_none()
                        && let Err(e) = report::write_jsonl_origin(&origin, &run_context, sink)
                            .and_then(|()| sink.flush())
                    {
                        write_error = Some(e);
                    }
                }
                None => collected.push((order, origin)),
            }
        }
    };

    let items = items.into_iter();
    // The bar's length: known for a list, growing as a streamed input is read.
    let known_len = match items.size_hint() {
        (low, Some(high)) if low == high => Some(low),
        _ => None,
    };
    let progress = progress_bar(known_len, output.progress);
    // Settled items wait here until the drain loop can hand them to `finish` (the engine owns
    // the iterator while it runs); `probes` counts the targets handed to the engine so far.
    let settled: RefCell<VecDeque<(InputOrder, OriginReport)>> = RefCell::new(VecDeque::new());
    let mut probes = 0usize;
    let targets = items.filter_map(|item| match item {
        Item::Probe(target) => {
            probes += 1;
            if known_len.is_none() {
                progress.inc_length(1);
            }
            Some(target)
        }
        Item::Settled(origin) => {
            settled
                .borrow_mut()
                .push_back((InputOrder::settled(probes), origin));
            None
        }
    });
    // Ctrl-C: the first stops new probes and lets those in flight finish (briefly); the
    // second quits at once.
    let stop = Arc::new(Stop::default());
    let watcher = tokio::spawn(watch_interrupts(Arc::clone(&stop)));
    let end = engine
        .run_until(targets, &stop, |i, origin| {
            for (order, report) in settled.borrow_mut().drain(..) {
                progress.inc(1);
                finish(order, report, &mut summary);
            }
            progress.set_message(format!("{} {}", origin.verdict.as_str(), origin.origin));
            progress.inc(1);
            finish(InputOrder::probed(i), origin, &mut summary);
        })
        .await;
    watcher.abort();
    let interrupted = (end.stopped || end.abandoned > 0).then_some(Interrupted {
        abandoned: end.abandoned,
        input_left: end.stopped,
    });
    for (order, report) in settled.into_inner() {
        finish(order, report, &mut summary);
    }
    progress.finish_and_clear();
    if let Some(e) = write_error {
        return Err(anyhow::Error::new(e).context("writing the report"));
    }
    if let Some(sink) = stream {
        // Every line written is a whole origin, so an interrupted stream is still valid JSON
        // Lines; the exit code says it is partial.
        sink.finish().context("writing the report")?;
        return Ok(RunOutcome {
            summary,
            regressions: None,
            interrupted: interrupted.is_some(),
        });
    }

    collected.sort_by_key(|(order, _)| *order);
    let origins: Vec<OriginReport> = collected.into_iter().map(|(_, o)| o).collect();
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo::current(),
        generated_at,
        judged_at,
        roots,
        summary: summary.clone(),
        origins,
        baseline: None,
        interrupted,
    };
    let regressions = baseline.map(|b| {
        let diff = baseline::diff(b, &report, output.fail_on, &[warn_days]);
        let n = baseline::regressions(&diff);
        report.baseline = Some(diff);
        n
    });
    let color =
        output.path.is_none() && output.format == Format::Table && color_wanted(&io::stdout());
    let monitor = MonitorOptions {
        run: RunMeta {
            duration_seconds: started.elapsed().as_secs_f64(),
            finished_at_unix_seconds: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs_f64(),
        },
        fail_on: output.fail_on,
    };
    let render = |w: &mut dyn Write| -> io::Result<()> {
        report::write_monitored(
            &report,
            output.format,
            &RenderOptions { color },
            &monitor,
            w,
        )?;
        if output.format == Format::Table
            && let Some(diff) = &report.baseline
        {
            baseline::write_text(diff, w)?;
        }
        Ok(())
    };
    match output.path.as_deref() {
        None => {
            let mut out = io::BufWriter::new(io::stdout());
            render(&mut out)
                .and_then(|()| out.flush())
                .context("writing the report")?;
        }
        Some(path) => output::write_atomically(path, render)
            .with_context(|| format!("writing --output {}", path.display()))?,
    }
    Ok(RunOutcome {
        summary,
        regressions,
        interrupted: report.interrupted.is_some(),
    })
}

/// Where an origin stood in the input, for the formats that list origins in input order,
/// without remembering anything per target while the input streams: a probed target is known
/// by its position among the probed targets (the engine's index), a settled item by how many
/// probed targets came before it. `(probes_before, 0)` for settled items sorts them before the
/// probed target that followed them, and a stable sort keeps settled neighbours in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct InputOrder(usize, u8);

impl InputOrder {
    fn settled(probes_before: usize) -> InputOrder {
        InputOrder(probes_before, 0)
    }

    fn probed(index: usize) -> InputOrder {
        InputOrder(index, 1)
    }
}

/// Where JSON Lines go as origins finish.
enum LineSink {
    Stdout(io::BufWriter<io::Stdout>),
    /// Replaces the `--output` file only when the run completes.
    File(StreamingFile),
}

impl LineSink {
    fn finish(self) -> io::Result<()> {
        match self {
            LineSink::Stdout(mut out) => out.flush(),
            LineSink::File(file) => file.commit(),
        }
    }
}

impl Write for LineSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            LineSink::Stdout(out) => out.write(buf),
            LineSink::File(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            LineSink::Stdout(out) => out.flush(),
            LineSink::File(file) => file.flush(),
        }
    }
}

/// Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM=dumb.
fn color_wanted(stream: &impl IsTerminal) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    stream.is_terminal() && !no_color && !dumb
}

/// A progress bar on stderr, drawn only when stderr is a terminal and progress is wanted.
/// `len` is `None` for a streamed input: the caller grows the length as targets are read.
fn progress_bar(len: Option<usize>, wanted: bool) -> ProgressBar {
    if !wanted || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let len = len.map_or(0, |n| n as u64);
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {elapsed:>4} [{bar:30}] {pos}/{len} origins  {wide_msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
