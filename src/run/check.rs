//! `origin-probe check TARGET... [--input FILE]`: prepares a run of the named targets.
//!
//! Validates the flags, opens the target stream, loads the trust store and the baseline, and
//! hands a [`RunSpec`] to [`execute()`]. Bad target lines are reported as they are met and the
//! rest are still probed; the exit code is then 2.

use std::process::ExitCode;

use anyhow::Result;

use super::spec::{check_output, load_baseline, load_roots};
use super::targets::TargetStream;
use super::{EdgeError, Item, RunSpec, block_on, execute, say};
use crate::cli::CheckArgs;
use crate::config::{ProbeConfig, parse_header};
use crate::target::Target;

pub(super) fn run(args: CheckArgs) -> Result<ExitCode> {
    let output = args.output.into_config();
    let (mut probe, resolve, roots_path) = args.probe.into_config(args.host_header)?;
    add_headers(&mut probe, &args.header)?;
    check_output(&output)?;
    let baseline = load_baseline(&output)?;
    let mut targets = TargetStream::open(
        &args.targets,
        args.input.as_deref(),
        probe.host_header.as_deref(),
        args.shard,
    )?;
    let first = first_target(&mut targets, args.shard.is_some())?;
    let store = load_roots(roots_path.as_deref())?;
    let fail_on = output.fail_on;
    let tally = targets.tally_handle();
    let spec = RunSpec {
        items: first
            .into_iter()
            .map(Item::Probe)
            .chain(targets.into_items()),
        probe,
        resolve,
        store,
        output,
        baseline,
    };
    let result = block_on(execute(spec, |_| Vec::new()))?;
    let (errors, read_error) = {
        let t = super::lock(&tally);
        (t.errors, t.read_error.as_ref().map(|e| format!("{e:#}")))
    };
    if let Some(e) = &read_error {
        say::error(e);
    }
    let outcome = result?;
    let code = outcome.finish(fail_on)?;
    if errors > 0 || read_error.is_some() {
        return Err(EdgeError::InputReported.into());
    }
    Ok(code)
}

/// `--header NAME:VALUE` values, redacted from here on; they are sent only with `--http`.
fn add_headers(probe: &mut ProbeConfig, raw: &[String]) -> Result<()> {
    let headers = raw
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>, _>>()?;
    match probe.http.as_mut() {
        Some(http) => http.headers = headers,
        None if !headers.is_empty() => anyhow::bail!(
            "--header is sent only with --http or --exposure (see 'origin-probe check --help')"
        ),
        None => {}
    }
    Ok(())
}

/// Reads up to the first target before starting anything, so input with nothing to probe
/// stops here with no report, as it always has. An empty shard is not an error: a batch system
/// runs every shard, and a small input leaves some empty.
fn first_target(targets: &mut TargetStream, sharded: bool) -> Result<Option<Target>> {
    let first = targets.next();
    if first.is_some() {
        return Ok(first);
    }
    let mut tally = targets.tally();
    if let Some(e) = tally.read_error.take() {
        return Err(e);
    }
    if tally.errors > 0 {
        return Err(EdgeError::InputReported.into());
    }
    anyhow::ensure!(
        targets.targets_in_input > 0,
        "no targets: give HOST[:PORT] arguments or --input FILE"
    );
    if sharded {
        say::note(format!(
            "shard {} holds none of the {} targets; writing an empty report",
            targets.shard_label(),
            targets.targets_in_input
        ));
    }
    Ok(None)
}
