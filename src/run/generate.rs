//! `origin-probe completions SHELL` and `origin-probe man [COMMAND]`: what other CLIs of this
//! family ship, generated from the same clap definition the parser uses, so they never drift.
//!
//! Both are rendered into memory first and then written, so a closed pipe is an ordinary write
//! error (exit 0 through `run::main`) rather than a panic inside a generator.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::exit;

pub(super) fn completions(args: &CompletionsArgs) -> Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "origin-probe", &mut script);
    print(&script)
}

pub(super) fn man(args: &ManArgs) -> Result<ExitCode> {
    let cmd = Cli::command();
    let (page, title) = match args.command.as_deref() {
        None => (cmd, "origin-probe".to_string()),
        Some(name) => {
            let names: Vec<String> = cmd
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .collect();
            let Some(sub) = cmd.find_subcommand(name).cloned() else {
                anyhow::bail!(
                    "man {}: no such command (one of: {})",
                    crate::sanitize::text(name),
                    names.join(", ")
                );
            };
            // The page is titled as `man` looks it up: origin-probe-check(1).
            (
                sub.bin_name(format!("origin-probe {name}")),
                format!("origin-probe-{name}"),
            )
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .title(title)
        .render(&mut roff)
        .context("rendering the manual page")?;
    print(&roff)
}

fn print(bytes: &[u8]) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .context("writing to stdout")?;
    Ok(exit::code(exit::READY))
}
