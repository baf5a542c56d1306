//! The one place that prints for people: errors, notes, plan lines and the demo's lines, all on
//! stderr, each prefixed with what it is so a script can tell them apart from the report on
//! stdout.
//!
//! Never prints the report (that is `deliver`) and never prints a secret: callers pass text
//! that has been sanitised and holds no custom header value.

use std::fmt::Display;

/// What a line on stderr is.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Error,
    Note,
    Plan,
    Apply,
    Interrupted,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Error => "origin-probe: error: ",
            Kind::Note => "origin-probe: note: ",
            Kind::Plan => "origin-probe: plan: ",
            Kind::Apply => "origin-probe: apply: ",
            Kind::Interrupted => "origin-probe: interrupted",
        }
    }
}

fn emit(kind: Kind, message: impl Display) {
    eprintln!("{}{message}", kind.prefix());
}

/// One error line: a bad input entry, or why the run stopped.
pub(crate) fn error(message: impl Display) {
    emit(Kind::Error, message);
}

/// One note: something the user should know that is not an error.
pub(crate) fn note(message: impl Display) {
    emit(Kind::Note, message);
}

/// One line of the migration plan's decisions.
pub(crate) fn plan(message: impl Display) {
    emit(Kind::Plan, message);
}

/// One line of `--apply`: a field that changes, an update made, the wait.
pub(crate) fn apply(message: impl Display) {
    emit(Kind::Apply, message);
}

/// A line about Ctrl-C (`: ...` or ` again: ...` follows the prefix).
pub(crate) fn interrupted(rest: impl Display) {
    emit(Kind::Interrupted, rest);
}

/// A line of its own, for what follows a plan or demo line (the update command, the demo's
/// summary): printed as given.
pub(crate) fn plain(message: impl Display) {
    eprintln!("{message}");
}
