//! Driving a run: the engine over the items, the progress bar, and Ctrl-C. Every finished
//! origin (probed or settled) goes to one callback with its place in the input.
//!
//! Async only because the engine is. Never renders or writes anything but the progress bar
//! and the Ctrl-C lines on stderr.

use std::collections::VecDeque;
use std::io::{self, IsTerminal};
use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Item, lock, say};
use crate::document::{InputErrorReport, Interrupted, OriginReport};
use crate::engine::{Engine, Stop, TargetSource};
use crate::target::Target;
use tokio::sync::mpsc;

/// Where an origin stood in the input, for the formats that list origins in input order,
/// without remembering anything per target while the input streams: a probed target is known
/// by its position among the probed targets (the engine's index), a settled item by how many
/// probed targets came before it. `(probes_before, 0)` for settled items sorts them before the
/// probed target that followed them, and a stable sort keeps settled neighbours in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct InputOrder(usize, u8);

impl InputOrder {
    fn settled(probes_before: usize) -> InputOrder {
        InputOrder(probes_before, 0)
    }

    pub(super) fn probed(index: usize) -> InputOrder {
        InputOrder(index, 1)
    }
}

/// Who may cut a run short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Interrupts {
    /// Ctrl-C: the first stops new probes, the second quits (a command run by a person).
    CtrlC,
    /// Nobody: the caller bounds the run itself (`serve`, whose process owns the signals and
    /// whose probes are bounded by their scrape's deadline).
    Ignored,
}

/// Probes the items, handing every finished origin to `finished` (in completion order, with
/// its place in the input). Returns how the run was cut short, if Ctrl-C cut it, and the
/// input errors met among the items, in input order.
///
/// `items` is read on a thread of its own into a small channel, only as the engine has room
/// (at most `2 x concurrency` origins in flight, plus the channel), so a long streamed input is
/// never held in memory, and an input that is slow to arrive (a pipe, a terminal) never holds
/// back the origins already finished: JSON Lines records go out as they finish.
pub(super) async fn drive(
    items: impl Iterator<Item = Item> + Send + 'static,
    engine: Arc<Engine>,
    progress_wanted: bool,
    interrupts: Interrupts,
    mut finished: impl FnMut(InputOrder, OriginReport),
) -> (Option<Interrupted>, Vec<InputErrorReport>) {
    // The bar's length: known for a list, growing as a streamed input is read.
    let known_len = match items.size_hint() {
        (low, Some(high)) if low == high => Some(low),
        _ => None,
    };
    let progress = progress_bar(known_len, progress_wanted);
    // Settled items wait here until the drain loop can hand them on (the engine owns the
    // source while it runs).
    let settled: Arc<Mutex<VecDeque<(InputOrder, OriginReport)>>> = Arc::default();
    let mut source = Fed {
        items: feed(items),
        settled: Arc::clone(&settled),
        input_errors: Vec::new(),
        probes: 0,
        grow: known_len.is_none().then(|| progress.clone()),
    };
    // Ctrl-C: the first stops new probes and lets those in flight finish (briefly); the
    // second quits at once.
    let stop = Arc::new(Stop::default());
    let watcher = (interrupts == Interrupts::CtrlC)
        .then(|| tokio::spawn(watch_interrupts(Arc::clone(&stop))));
    let end = engine
        .run_from(&mut source, &stop, |i, origin| {
            for (order, report) in take_all(&settled) {
                progress.inc(1);
                finished(order, report);
            }
            progress.set_message(format!("{} {}", origin.verdict.as_str(), origin.origin));
            progress.inc(1);
            finished(InputOrder::probed(i), origin);
        })
        .await;
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    for (order, report) in take_all(&settled) {
        finished(order, report);
    }
    progress.finish_and_clear();
    let interrupted = (end.stopped || end.abandoned > 0).then_some(Interrupted {
        abandoned: end.abandoned,
        input_left: end.stopped,
    });
    (interrupted, source.input_errors)
}

/// How many items the reading thread may read ahead of the engine.
const READ_AHEAD: usize = 64;

/// Reads `items` on a thread of its own, at most [`READ_AHEAD`] ahead of the receiver. The
/// thread ends at the end of the items or when the receiver is gone (a run cut short); one
/// blocked in a read that never returns ends with the process.
fn feed(items: impl Iterator<Item = Item> + Send + 'static) -> mpsc::Receiver<Item> {
    let (tx, rx) = mpsc::channel(READ_AHEAD);
    let spawned = std::thread::Builder::new()
        .name("input".to_string())
        .spawn(move || {
            for item in items {
                if tx.blocking_send(item).is_err() {
                    break;
                }
            }
        });
    if let Err(e) = spawned {
        // Without the thread the channel is closed at once: the run sees an empty input,
        // which the command reports; say why.
        say::error(format!("could not start the input reader: {e}"));
    }
    rx
}

/// The engine's view of the items: the targets, in order. Settled items and input errors are
/// set aside on the way, each settled one with its place in the input.
struct Fed {
    items: mpsc::Receiver<Item>,
    settled: Arc<Mutex<VecDeque<(InputOrder, OriginReport)>>>,
    input_errors: Vec<InputErrorReport>,
    /// Targets handed to the engine so far.
    probes: usize,
    /// The progress bar, when its length grows as a streamed input is read.
    grow: Option<ProgressBar>,
}

impl TargetSource for Fed {
    /// Cancel-safe: `recv` is, and everything after it runs before the next await.
    async fn next_target(&mut self) -> Option<Target> {
        loop {
            match self.items.recv().await? {
                Item::Probe(target) => {
                    self.probes += 1;
                    if let Some(bar) = &self.grow {
                        bar.inc_length(1);
                    }
                    return Some(target);
                }
                Item::Settled(origin) => {
                    let order = InputOrder::settled(self.probes);
                    lock(&self.settled).push_back((order, origin));
                }
                Item::Invalid(error) => self.input_errors.push(error),
            }
        }
    }
}

fn take_all<T>(queue: &Mutex<VecDeque<T>>) -> Vec<T> {
    lock(queue).drain(..).collect()
}

/// Waits for Ctrl-C: the first asks the engine to stop, the second exits at once.
async fn watch_interrupts(stop: Arc<Stop>) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    say::interrupted(
        ": starting no new probes; the report will hold what is complete (Ctrl-C again to quit at once)",
    );
    stop.request();
    if tokio::signal::ctrl_c().await.is_ok() {
        say::interrupted(" again: quitting without a report");
        std::process::exit(crate::exit::INTERRUPTED);
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal and progress is wanted.
/// `len` is `None` for a streamed input: the caller grows the length as targets are read.
fn progress_bar(len: Option<usize>, wanted: bool) -> ProgressBar {
    if !wanted || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let len = len.map_or(0, |n| n as u64);
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {elapsed:>4} [{bar:30}] {pos}/{len} origins  {wide_msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}
