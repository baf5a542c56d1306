//! `check`'s targets as a lazy stream: the arguments first, then `--input` one line at a time,
//! so a 100,000-line file is never held in memory (the engine pulls a target only when it has
//! room for one).
//!
//! On the way it keeps this copy's `--shard`, drops duplicates, and prints each bad entry and
//! each duplicate note on stderr as it meets them (this is `run`, the one place that prints).
//! Never probes.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};

use super::{Item, say};
use crate::document::{InputErrorKind, InputErrorReport};
use crate::input::{Entry, SeenTargets, Shard, TargetLines, parse_entry, read_targets};
use crate::target::Target;

/// The targets of a `check` run, read as the engine asks for them.
pub(super) struct TargetStream {
    /// Command-line targets not yet handed out, with their 1-based position.
    args: std::vec::IntoIter<(usize, String)>,
    lines: Option<InputLines>,
    host_header: Option<String>,
    shard: Option<Shard>,
    seen: SeenTargets,
    /// Valid targets met in the whole input, before sharding and deduplication.
    pub(super) targets_in_input: usize,
    /// What went wrong in the input, shared with the command: the stream itself moves to the
    /// thread that reads it.
    tally: Arc<Mutex<Tally>>,
    /// Bad entries (and a read error) not yet handed to the report by [`TargetStream::into_items`].
    pending: VecDeque<InputErrorReport>,
}

/// What went wrong while reading the input, for the exit code and the last error line.
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// Bad entries this shard reported.
    pub(super) errors: usize,
    /// An I/O error that ended the reading of `--input`; what came before it is still probed.
    pub(super) read_error: Option<anyhow::Error>,
}

/// `--input`, open, with the name its errors are reported under.
struct InputLines {
    lines: TargetLines<Box<dyn BufRead + Send>>,
    shown: String,
}

impl std::fmt::Debug for TargetStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetStream")
            .field("shard", &self.shard)
            .field("targets_in_input", &self.targets_in_input)
            .finish_non_exhaustive()
    }
}

impl TargetStream {
    /// Opens `--input` (`-` for stdin) now, so a missing file stops the run before anything is
    /// probed; its lines are read later, one at a time.
    pub(super) fn open(
        args: &[String],
        input: Option<&Path>,
        host_header: Option<&str>,
        shard: Option<Shard>,
    ) -> Result<TargetStream> {
        let lines = match input {
            None => None,
            Some(path) if path == Path::new("-") => {
                // Not `lock()`: the stream is read on a thread of its own.
                let reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(io::stdin()));
                Some(InputLines {
                    lines: read_targets(reader, "stdin", host_header),
                    shown: "stdin".to_string(),
                })
            }
            Some(path) => {
                let shown = path.display().to_string();
                let file =
                    File::open(path).with_context(|| format!("reading targets from {shown}"))?;
                let reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(file));
                Some(InputLines {
                    lines: read_targets(reader, &shown, host_header),
                    shown,
                })
            }
        };
        let args: Vec<(usize, String)> = args
            .iter()
            .enumerate()
            .map(|(i, a)| (i + 1, a.clone()))
            .collect();
        Ok(TargetStream {
            args: args.into_iter(),
            lines,
            host_header: host_header.map(str::to_string),
            shard,
            seen: SeenTargets::default(),
            targets_in_input: 0,
            tally: Arc::default(),
            pending: VecDeque::new(),
        })
    }

    /// The next entry of the input, valid or not; `None` at its end or after an I/O error.
    fn next_entry(&mut self) -> Option<Entry> {
        if let Some((i, arg)) = self.args.next() {
            return Some(parse_entry(
                &arg,
                format!("argument {i}"),
                self.host_header.as_deref(),
            ));
        }
        let input = self.lines.as_mut()?;
        match input.lines.next()? {
            Ok(entry) => Some(entry),
            Err(e) => {
                let shown = input.shown.clone();
                let error = anyhow::Error::new(e).context(format!("reading targets from {shown}"));
                self.pending.push_back(InputErrorReport {
                    kind: InputErrorKind::Read,
                    source: shown,
                    message: format!("{error:#}"),
                });
                self.tally().read_error = Some(error);
                self.lines = None;
                None
            }
        }
    }

    /// What went wrong in the input so far, shared: it stays readable after the stream has
    /// moved into [`TargetStream::into_items`].
    pub(super) fn tally_handle(&self) -> Arc<Mutex<Tally>> {
        Arc::clone(&self.tally)
    }

    /// The tally's lock. Held only for an update, never across a read; a poisoned one is
    /// still usable (a count and an error).
    pub(super) fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        super::lock(&self.tally)
    }

    /// This copy's `--shard` as the user wrote it (`K/N`), for notes.
    pub(super) fn shard_label(&self) -> String {
        self.shard.map(|s| s.to_string()).unwrap_or_default()
    }

    fn in_shard(&self, key: &str) -> bool {
        self.shard.is_none_or(|s| s.holds(key))
    }

    /// The rest of the stream as run items: targets to probe, and each bad entry as an
    /// [`Item::Invalid`] so the machine formats carry it (stderr has it already).
    pub(super) fn into_items(mut self) -> impl Iterator<Item = Item> + Send + 'static {
        std::iter::from_fn(move || {
            if let Some(error) = self.pending.pop_front() {
                return Some(Item::Invalid(error));
            }
            match self.next() {
                Some(target) => Some(Item::Probe(target)),
                None => self.pending.pop_front().map(Item::Invalid),
            }
        })
    }
}

impl Iterator for TargetStream {
    type Item = Target;

    fn next(&mut self) -> Option<Target> {
        loop {
            match self.next_entry()? {
                Ok(target) => {
                    self.targets_in_input += 1;
                    if !self.in_shard(&target.origin()) {
                        continue;
                    }
                    if let Some(note) = self.seen.duplicate(&target) {
                        say::note(note);
                        continue;
                    }
                    return Some(target);
                }
                Err(error) => {
                    // A bad entry has no origin name; it belongs to the shard its text hashes
                    // to, so N shards report each bad line exactly once between them.
                    if self.in_shard(&error.shown) {
                        self.tally().errors += 1;
                        self.pending.push_back(InputErrorReport {
                            kind: InputErrorKind::Target,
                            source: error.source_name.clone(),
                            message: error.to_string(),
                        });
                        say::error(error);
                    }
                }
            }
        }
    }
}
