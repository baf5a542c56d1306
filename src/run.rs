//! The edge of the program: parse flags, read inputs, run the engine, write the report, and
//! turn the outcome into an exit code.
//!
//! This is the only place that prints errors for humans and the only place that adds context
//! to errors ("reading targets from FILE"). Never judges origins.

use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Write};
use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result};
use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rustls::pki_types::UnixTime;
use time::format_description::well_known::Rfc3339;

use crate::cert::TrustStore;
use crate::cli::{CheckArgs, Cli, Command};
use crate::config::{OutputConfig, ProbeConfig, ResolveConfig};
use crate::engine::Engine;
use crate::exit;
use crate::input::{TargetList, read_targets};
use crate::report::{
    self, Format, OriginReport, RenderOptions, Report, SCHEMA_VERSION, Summary, ToolInfo,
};
use crate::resolve::Resolver;
use crate::target::Target;

/// Runs the program with the process arguments and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Demo(args) => crate::demo::run(args),
    }
}

/// Help and version go to stdout with exit 0; usage errors are one line on stderr, exit 2.
fn clap_error(e: &clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            exit::READY
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid usage");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("origin-probe: error: {first} (see 'origin-probe --help')");
            exit::ERROR
        }
    }
}

/// Prints one error line for a failure that stops the run.
fn fatal(error: &anyhow::Error) -> i32 {
    eprintln!("origin-probe: error: {error:#}");
    exit::ERROR
}

fn check(args: CheckArgs) -> i32 {
    let output = args.output.into_config();
    let (probe, resolve, roots_path) = match args.probe.into_config() {
        Ok(parts) => parts,
        Err(e) => return fatal(&e.into()),
    };
    let list = match collect_targets(
        &args.targets,
        args.input.as_deref(),
        probe.host_header.as_deref(),
    ) {
        Ok(list) => list,
        Err(e) => return fatal(&e),
    };
    for error in &list.errors {
        eprintln!("origin-probe: error: {error}");
    }
    for note in &list.duplicates {
        eprintln!("origin-probe: note: {note}");
    }
    if list.targets.is_empty() {
        if list.errors.is_empty() {
            eprintln!(
                "origin-probe: error: no targets: give HOST[:PORT] arguments or --input FILE"
            );
        }
        return exit::ERROR;
    }
    let store = match load_roots(roots_path.as_deref()) {
        Ok(store) => store,
        Err(e) => return fatal(&e),
    };
    let input_errors = !list.errors.is_empty();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fatal(&anyhow::Error::new(e).context("starting the async runtime")),
    };
    let result = runtime.block_on(probe_and_report(
        list.targets,
        probe,
        &resolve,
        store,
        &output,
    ));
    match result {
        Err(e) => fatal(&e),
        Ok(_) if input_errors => exit::ERROR,
        Ok(summary) => exit_code(&summary),
    }
}

/// The exit code for a completed run with valid input.
pub fn exit_code(summary: &Summary) -> i32 {
    if summary.would_502 + summary.would_504 > 0 {
        exit::WOULD_FAIL
    } else {
        exit::READY
    }
}

fn collect_targets(
    args: &[String],
    input: Option<&Path>,
    host_header: Option<&str>,
) -> Result<TargetList> {
    let mut list = TargetList::default();
    for (i, entry) in args.iter().enumerate() {
        list.push(entry, format!("argument {}", i + 1), host_header);
    }
    if let Some(path) = input {
        if path == Path::new("-") {
            read_targets(io::stdin().lock(), "stdin", host_header, &mut list)
                .context("reading targets from stdin")?;
        } else {
            let shown = path.display();
            let file = File::open(path).with_context(|| format!("reading targets from {shown}"))?;
            read_targets(
                BufReader::new(file),
                &shown.to_string(),
                host_header,
                &mut list,
            )
            .with_context(|| format!("reading targets from {shown}"))?;
        }
    }
    Ok(list)
}

fn load_roots(path: Option<&Path>) -> Result<TrustStore> {
    let Some(path) = path else {
        return Ok(TrustStore::mozilla());
    };
    let shown = path.display().to_string();
    let pem = std::fs::read(path).with_context(|| format!("--roots {shown}"))?;
    TrustStore::from_pem(&pem, &shown).with_context(|| format!("--roots {shown}"))
}

/// Probes `targets` and writes the report as `output` says; returns the verdict counts.
pub async fn probe_and_report(
    targets: Vec<Target>,
    probe: ProbeConfig,
    resolve: &ResolveConfig,
    store: TrustStore,
    output: &OutputConfig,
) -> Result<Summary> {
    probe_and_report_with(targets, probe, resolve, store, output, |_| {}).await
}

/// As [`probe_and_report`], also showing each finished origin to `observe` (the demo checks
/// its expectations this way). Used by `check` and `demo` alike.
pub async fn probe_and_report_with(
    targets: Vec<Target>,
    probe: ProbeConfig,
    resolve: &ResolveConfig,
    store: TrustStore,
    output: &OutputConfig,
    mut observe: impl FnMut(&OriginReport),
) -> Result<Summary> {
    let generated = SystemTime::now();
    let clock = probe.at.unwrap_or(generated);
    let rfc3339 = |t: SystemTime| {
        time::OffsetDateTime::from(t)
            .format(&Rfc3339)
            .unwrap_or_else(|_| "unknown".to_string())
    };
    let (generated_at, judged_at) = (rfc3339(generated), rfc3339(clock));
    let roots = store.info().clone();
    let resolver = Resolver::new(resolve, probe.timeout);
    let engine = Engine::new(
        resolver,
        probe,
        store,
        UnixTime::since_unix_epoch(
            clock
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default(),
        ),
    );

    let mut sink = open_output(output.path.as_deref())?;
    let color = output.path.is_none() && color_wanted(&io::stdout());
    let progress = progress_bar(targets.len(), output.progress);
    let streaming = output.format == Format::Jsonl;
    let mut summary = Summary::default();
    let mut collected: Vec<(usize, OriginReport)> = Vec::new();
    let mut write_error: Option<io::Error> = None;

    engine
        .run(targets, |index, origin| {
            summary.add(origin.verdict);
            observe(&origin);
            progress.set_message(format!("{} {}", origin.verdict.as_str(), origin.origin));
            progress.inc(1);
            if streaming {
                if write_error.is_none()
                    && let Err(e) =
                        report::write_jsonl_origin(&origin, &mut sink).and_then(|()| sink.flush())
                {
                    write_error = Some(e);
                }
            } else {
                collected.push((index, origin));
            }
        })
        .await;
    progress.finish_and_clear();
    if let Some(e) = write_error {
        return Err(anyhow::Error::new(e).context("writing the report"));
    }
    if !streaming {
        collected.sort_by_key(|(i, _)| *i);
        let origins: Vec<OriginReport> = collected.into_iter().map(|(_, o)| o).collect();
        let report = Report {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo::current(),
            generated_at,
            judged_at,
            roots,
            summary: summary.clone(),
            origins,
        };
        report::write(&report, output.format, &RenderOptions { color }, &mut sink)
            .context("writing the report")?;
    }
    sink.flush().context("writing the report")?;
    Ok(summary)
}

fn open_output(path: Option<&Path>) -> Result<Box<dyn Write + Send>> {
    match path {
        None => Ok(Box::new(io::BufWriter::new(io::stdout()))),
        Some(path) => {
            let file = File::create(path)
                .with_context(|| format!("creating --output {}", path.display()))?;
            Ok(Box::new(io::BufWriter::new(file)))
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
fn progress_bar(len: usize, wanted: bool) -> ProgressBar {
    if !wanted || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {elapsed:>4} [{bar:30}] {pos}/{len} origins  {wide_msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
