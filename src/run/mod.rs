//! The edge of the program: parse flags, read inputs, run the engine, write the report, and
//! turn the outcome into an exit code.
//!
//! This is the only place that prints errors for humans and the only place that adds context
//! to errors ("reading targets from FILE"). Never judges origins.

mod cloudfront;
mod execute;
mod targets;

use std::path::Path;

use anyhow::{Context, Result};
use clap::Parser;

pub use execute::{Item, RunOutcome, probe_and_report, probe_and_report_with};

use crate::baseline::{self, Baseline};
use crate::cert::TrustStore;
use crate::cli::{CheckArgs, Cli, Command};
use crate::config::OutputConfig;
use crate::exit;
use crate::report::{FailOn, Format, Summary};
use targets::TargetStream;

/// Runs the program with the process arguments and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(&e),
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Cloudfront(args) => cloudfront::run(args),
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
        // No subcommand at all: clap's first line would be the program's about text.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprintln!(
                "origin-probe: error: no command given: use check, cloudfront or demo (see 'origin-probe --help')"
            );
            exit::ERROR
        }
        _ => {
            let message = one_line(&e.render().to_string());
            eprintln!("origin-probe: error: {message} (see 'origin-probe --help')");
            exit::ERROR
        }
    }
}

/// clap's message as one line: what is wrong often sits on indented lines below the first
/// (the missing argument, `[possible values: ...]`, a similar flag's name), so those are
/// joined in. Dropped: the usage, "For more information", and the tip to pass an unknown flag
/// after `--`, which would turn `--timeout -1s` into a target named `-1s`.
fn one_line(rendered: &str) -> String {
    let mut out = String::new();
    for line in rendered.lines().map(str::trim) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if line.is_empty() || line.starts_with("tip: to pass") {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if out.ends_with(':') || line.starts_with('[') {
                " "
            } else {
                "; "
            });
        }
        out.push_str(line);
    }
    let out = out.strip_prefix("error: ").unwrap_or(&out);
    if out.is_empty() {
        "invalid usage".to_string()
    } else {
        out.to_string()
    }
}

/// The async runtime a command runs its probes on.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("starting the async runtime")
}

/// Prints one error line for a failure that stops the run.
pub(crate) fn fatal(error: &anyhow::Error) -> i32 {
    eprintln!("origin-probe: error: {error:#}");
    exit::ERROR
}

fn check(args: CheckArgs) -> i32 {
    let output = args.output.into_config();
    let (mut probe, resolve, roots_path) = match args.probe.into_config(args.host_header) {
        Ok(parts) => parts,
        Err(e) => return fatal(&e.into()),
    };
    let mut headers = Vec::new();
    for raw in &args.header {
        match crate::config::parse_header(raw) {
            Ok(h) => headers.push(h),
            Err(e) => return fatal(&e.into()),
        }
    }
    match probe.http.as_mut() {
        Some(http) => http.headers = headers,
        None if !headers.is_empty() => {
            eprintln!(
                "origin-probe: error: --header is sent only with --http or --exposure (see 'origin-probe check --help')"
            );
            return exit::ERROR;
        }
        None => {}
    }
    let baseline = match load_baseline(&output) {
        Ok(b) => b,
        Err(e) => return fatal(&e),
    };
    let mut targets = match TargetStream::open(
        &args.targets,
        args.input.as_deref(),
        probe.host_header.as_deref(),
        args.shard,
    ) {
        Ok(stream) => stream,
        Err(e) => return fatal(&e),
    };
    // Read up to the first target before starting anything, so input with nothing to probe
    // stops here with no report, as it always has.
    let first = targets.next();
    if first.is_none() {
        if let Some(e) = targets.read_error.take() {
            return fatal(&e);
        }
        if targets.errors > 0 {
            return exit::ERROR;
        }
        if targets.targets_in_input == 0 {
            eprintln!(
                "origin-probe: error: no targets: give HOST[:PORT] arguments or --input FILE"
            );
            return exit::ERROR;
        }
    }
    if let (None, Some(shard)) = (&first, args.shard) {
        // Not an error: a batch system runs every shard, and a small input leaves some empty.
        eprintln!(
            "origin-probe: note: shard {shard} holds none of the {} targets; writing an empty report",
            targets.targets_in_input
        );
    }
    let (store, runtime) = match roots_and_runtime(roots_path.as_deref()) {
        Ok(parts) => parts,
        Err(e) => return fatal(&e),
    };
    let items = first.into_iter().chain(&mut targets).map(Item::Probe);
    let result = runtime.block_on(probe_and_report(
        items,
        probe,
        &resolve,
        store,
        &output,
        baseline.as_ref(),
        |_| {},
    ));
    if let Some(e) = &targets.read_error {
        eprintln!("origin-probe: error: {e:#}");
    }
    let input_errors = targets.errors > 0 || targets.read_error.is_some();
    match result {
        Err(e) => fatal(&e),
        Ok(_) if input_errors => exit::ERROR,
        Ok(outcome) => exit_code(&outcome, output.fail_on),
    }
}

/// The exit code for a completed run with valid input: with a baseline, regressions only;
/// otherwise the verdicts `--fail-on` names.
pub fn exit_code(outcome: &RunOutcome, fail_on: FailOn) -> i32 {
    if outcome.interrupted {
        return exit::INTERRUPTED;
    }
    if let Some(regressions) = outcome.regressions {
        return if regressions > 0 {
            exit::WOULD_FAIL
        } else {
            exit::READY
        };
    }
    if counts_as_failing(&outcome.summary, fail_on) {
        exit::WOULD_FAIL
    } else {
        exit::READY
    }
}

fn counts_as_failing(summary: &Summary, fail_on: FailOn) -> bool {
    let would_fail = summary.would_502 + summary.would_504 > 0;
    match fail_on {
        FailOn::WouldFail => would_fail,
        FailOn::Warn => would_fail || summary.warn > 0,
        FailOn::Never => false,
    }
}

/// Reads `--baseline`, refusing the one format it cannot work with.
fn load_baseline(output: &OutputConfig) -> Result<Option<Baseline>> {
    let Some(path) = output.baseline.as_deref() else {
        return Ok(None);
    };
    anyhow::ensure!(
        output.format != Format::Jsonl,
        "--baseline needs the whole report to compare; use --format table, json, prometheus or junit, not jsonl"
    );
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("--baseline {shown}"))?;
    // The error names the file itself.
    Ok(Some(baseline::parse_baseline(&bytes, &shown)?))
}

/// What every probing command needs before its first probe: the trust store and the runtime.
fn roots_and_runtime(path: Option<&Path>) -> Result<(TrustStore, tokio::runtime::Runtime)> {
    Ok((load_roots(path)?, runtime()?))
}

fn load_roots(path: Option<&Path>) -> Result<TrustStore> {
    let Some(path) = path else {
        return Ok(TrustStore::mozilla());
    };
    let shown = path.display().to_string();
    let pem = std::fs::read(path).with_context(|| format!("--roots {shown}"))?;
    TrustStore::from_pem(&pem, &shown).with_context(|| format!("--roots {shown}"))
}
