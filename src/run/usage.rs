//! clap's usage errors as one line each, and help/version on stdout.
//!
//! Never parses flags itself; only words what clap found.

use std::process::ExitCode;

use super::say;
use crate::exit;

/// Help and version go to stdout with exit 0; usage errors are one line on stderr, exit 2.
pub(super) fn clap_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            exit::code(exit::READY)
        }
        // No subcommand at all: clap's first line would be the program's about text.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            say::error(
                "no command given: use check, cloudfront or demo (see 'origin-probe --help')",
            );
            exit::code(exit::ERROR)
        }
        _ => {
            let message = one_line(&e.render().to_string());
            say::error(format!("{message} (see 'origin-probe --help')"));
            exit::code(exit::ERROR)
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
