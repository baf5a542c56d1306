//! What a command prepares for [`execute()`](super::execute()): the items of a run and everything
//! it is run with, and what a finished run tells the exit code.
//!
//! Also the loading every probing command shares (`--roots`, `--baseline`). Never probes.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::baseline::{self, Baseline};
use crate::cert::TrustStore;
use crate::config::{OutputConfig, ProbeConfig, ResolveConfig};
use crate::document::{FailOn, Format, InputErrorReport, OriginReport, RunError, Summary};
use crate::exit;
use crate::target::Target;

/// One entry of a run, in input order: probed, or already settled by its configuration alone
/// (CloudFront origins that cannot be https-only).
#[derive(Debug)]
pub(crate) enum Item {
    Probe(Target),
    Settled(OriginReport),
    /// Input that names nothing to probe; stderr has said so, the report records it.
    Invalid(InputErrorReport),
}

/// A run, fully prepared: every command (and every new input) builds one of these and hands it
/// to [`execute()`](super::execute()).
#[derive(Debug)]
pub(crate) struct RunSpec<I> {
    /// The entries, pulled lazily as the engine has room.
    pub(crate) items: I,
    pub(crate) probe: ProbeConfig,
    pub(crate) resolve: ResolveConfig,
    pub(crate) store: TrustStore,
    pub(crate) output: OutputConfig,
    /// An earlier report to compare with (`--baseline`).
    pub(crate) baseline: Option<Baseline>,
}

/// What a finished run tells the exit code.
#[derive(Debug, Clone)]
pub(crate) struct RunOutcome {
    pub(crate) summary: Summary,
    /// Regressions against `--baseline`, when one was given.
    pub(crate) regressions: Option<usize>,
    /// Ctrl-C ended the run early; the report holds what was complete.
    pub(crate) interrupted: bool,
    /// The prober itself failed (its resolver is broken, or it has no route); the report says so.
    pub(crate) run_error: Option<RunError>,
}

impl RunOutcome {
    /// The exit code of a completed run, or the run-level error that makes it exit 2: a
    /// prober that failed says so once, naming what failed, rather than blaming origins.
    pub(crate) fn finish(&self, fail_on: FailOn) -> Result<ExitCode> {
        if let Some(e) = &self.run_error {
            anyhow::bail!(
                "the prober failed, not the origins: {}; {} origin{} not judged ({})",
                e.message,
                e.origins_not_judged,
                if e.origins_not_judged == 1 {
                    " was"
                } else {
                    "s were"
                },
                match e.kind {
                    "network" => "connect this machine to the network, or probe from one that is",
                    _ => "fix this machine's DNS, or name a working resolver with --dns-server",
                }
            );
        }
        Ok(self.exit_code(fail_on))
    }

    /// The exit code for a completed run with valid input: with a baseline, regressions only;
    /// otherwise the verdicts `--fail-on` names.
    pub(crate) fn exit_code(&self, fail_on: FailOn) -> ExitCode {
        let failing = match self.regressions {
            _ if self.interrupted => return exit::code(exit::INTERRUPTED),
            Some(regressions) => regressions > 0,
            None => counts_as_failing(&self.summary, fail_on),
        };
        exit::code(if failing {
            exit::WOULD_FAIL
        } else {
            exit::READY
        })
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

/// Fails before any probe when `--output` could not be written at the end: a missing or
/// unwritable directory is found now, not after a long run.
pub(super) fn check_output(output: &OutputConfig) -> Result<()> {
    match output.path.as_deref() {
        Some(path) => check_writable(path, "--output"),
        None => Ok(()),
    }
}

/// As [`check_output`], for any file the run will write (`flag` names it in the error).
pub(super) fn check_writable(path: &Path, flag: &str) -> Result<()> {
    crate::output::check_writable(path)
        .with_context(|| format!("{flag} {}: cannot write there", path.display()))
}

/// Reads `--baseline`, refusing the one format it cannot work with.
pub(super) fn load_baseline(output: &OutputConfig) -> Result<Option<Baseline>> {
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

/// Stands in for the Mozilla list as "the list CloudFront trusts" when judging whether a
/// `--roots` verdict would also hold at CloudFront. For the tests only, which need a "public"
/// CA of their own; it never replaces the store verdicts are judged against.
pub(crate) const DANGER_BUILTIN_ROOTS_ENV: &str = "ORIGIN_PROBE_DANGER_BUILTIN_ROOTS";

/// Reads `--roots`, or gives the Mozilla list CloudFront trusts. A `--roots` store also knows
/// CloudFront's list, so every chain it trusts is checked against that list too (the plan
/// never switches an origin only a private store trusts).
pub(super) fn load_roots(path: Option<&Path>) -> Result<TrustStore> {
    let Some(path) = path else {
        return Ok(TrustStore::mozilla());
    };
    let store = read_pem_store(path, "--roots")?;
    let cloudfront = match std::env::var_os(DANGER_BUILTIN_ROOTS_ENV) {
        Some(file) => read_pem_store(Path::new(&file), DANGER_BUILTIN_ROOTS_ENV)?,
        None => TrustStore::mozilla(),
    };
    Ok(store.with_cloudfront_list(cloudfront))
}

fn read_pem_store(path: &Path, what: &str) -> Result<TrustStore> {
    let shown = path.display().to_string();
    let pem = std::fs::read(path).with_context(|| format!("{what} {shown}"))?;
    TrustStore::from_pem(&pem, &shown).with_context(|| format!("{what} {shown}"))
}
