//! One metric family of the text format: its HELP and TYPE lines and its samples, kept
//! together and each series written once. Never decides what goes in a family.

use std::collections::HashSet;
use std::fmt::Write as _;

/// One metric family: its samples are kept together and written after its HELP and TYPE.
pub(super) struct Family {
    pub(super) name: &'static str,
    help: &'static str,
    /// `(labels, value)`; labels already escaped and joined, without braces.
    pub(super) samples: Vec<(String, String)>,
    /// Label sets already written, so a series is never written twice.
    seen: HashSet<String>,
}

impl Family {
    pub(super) fn new(name: &'static str, help: &'static str) -> Family {
        Family {
            name,
            help,
            samples: Vec::new(),
            seen: HashSet::new(),
        }
    }

    pub(super) fn sample(&mut self, labels: String, value: String) {
        if self.seen.insert(labels.clone()) {
            self.samples.push((labels, value));
        }
    }

    pub(super) fn push_to(&self, out: &mut String) {
        // HELP text escapes only backslash and newline; ours are constants without either.
        let _ = writeln!(out, "# HELP {} {}", self.name, self.help);
        let _ = writeln!(out, "# TYPE {} gauge", self.name);
        for (labels, value) in &self.samples {
            if labels.is_empty() {
                let _ = writeln!(out, "{} {value}", self.name);
            } else {
                let _ = writeln!(out, "{}{{{labels}}} {value}", self.name);
            }
        }
    }
}
