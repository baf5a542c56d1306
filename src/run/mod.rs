//! The edge of the program: parse flags, let a command prepare its run, execute it, and turn
//! the outcome into an exit code.
//!
//! The shape is ripgrep's: [`main`] parses and maps the outcome to an [`ExitCode`];
//! `dispatch` hands the flags to one command, which only *prepares* a [`RunSpec`] (its items
//! and settings) and reads what the run observed; [`execute()`] does the run for every command in
//! three steps, `drive` (engine, progress bar, Ctrl-C), `assemble` (clock, report, baseline
//! comparison) and `deliver` (one `report::write` for every format, to stdout or atomically to
//! a file). A new input or a long-running mode reuses those three, not a parameter list.
//!
//! This is the only place that prints for people (`say`) and the only place that adds context
//! to errors ("reading targets from FILE"). Never judges origins.

mod apply;
mod apply_interrupt;
mod apply_wait;
mod assemble;
mod aws;
mod check;
mod cloudformation;
mod cloudfront;
mod deliver;
mod demo;
mod drive;
mod execute;
mod generate;
mod plan_file;
mod say;
mod serve;
mod spec;
mod targets;
mod terraform;
mod usage;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

pub(crate) use execute::execute;
pub(crate) use spec::{Item, RunOutcome, RunSpec};

use crate::cli::{Cli, Command};
use crate::exit;

/// Why a command ended without a usable result, beyond an error with its own message.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EdgeError {
    /// Some input was invalid; each bad entry was reported where it was met, and the valid
    /// rest was probed and reported. Nothing more to print: exit 2.
    #[error("some input was invalid (each bad entry is reported above)")]
    InputReported,
}

/// Runs the program with the process arguments and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage::clap_error(&e),
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => failure(&e),
    }
}

/// Runs one command to its exit code; `Err` means it could not complete.
fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Cloudfront(args) => cloudfront::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Terraform(args) => terraform::run(args),
        Command::Cloudformation(args) => cloudformation::run(args),
        Command::Completions(args) => generate::completions(&args),
        Command::Man(args) => generate::man(&args),
    }
}

/// The exit code for an error that ended a command, printing it unless it was already said.
/// A closed stdout (`origin-probe check ... | head -1`) is not a failure: the reader has what
/// it wanted, as ripgrep and other filters treat it, so it is exit 0 with nothing printed.
fn failure(error: &anyhow::Error) -> ExitCode {
    let broken_pipe = error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return exit::code(exit::READY);
    }
    if !matches!(
        error.downcast_ref::<EdgeError>(),
        Some(EdgeError::InputReported)
    ) {
        say::error(format!("{error:#}"));
    }
    exit::code(exit::ERROR)
}

/// The lock of state the run shares between threads (the input reader, the engine's callback).
/// A poisoned one (a panic while held, which the code never risks) is still usable: what it
/// guards is whole items and counts.
fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `future` to completion on a new multi-threaded runtime: the probes of one command.
fn block_on<F: std::future::Future>(future: F) -> Result<F::Output> {
    use anyhow::Context;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    Ok(runtime.block_on(future))
}
