//! Ctrl-C after the run, while `--apply` asks, updates and waits. The run's own handler
//! (`drive`) keeps SIGINT for the rest of the process, so without this one a Ctrl-C at the
//! confirmation or during `--wait` would be swallowed.
//!
//! At a question or while waiting, Ctrl-C stops at once: nothing more is applied, and what was
//! updated keeps the rollback file and restore command already printed. While an
//! `UpdateDistribution` is in flight it waits for the answer (so its restore command is
//! printed) and then stops before the next distribution; a second Ctrl-C quits at once.

use std::sync::atomic::{AtomicBool, Ordering};

use super::say;

/// An update is in flight.
static UPDATING: AtomicBool = AtomicBool::new(false);
/// Ctrl-C came during an update: stop before the next distribution.
static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Starts watching for Ctrl-C, on a thread of its own (the apply steps block on the API and on
/// the terminal).
pub(super) fn watch() {
    std::thread::spawn(|| {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            loop {
                if tokio::signal::ctrl_c().await.is_err() {
                    return;
                }
                if UPDATING.load(Ordering::SeqCst) && !REQUESTED.swap(true, Ordering::SeqCst) {
                    say::interrupted(
                        ": the update in flight is finished, then nothing more is applied (Ctrl-C again to quit at once)",
                    );
                    continue;
                }
                say::interrupted(
                    ": nothing more is applied; each distribution already updated keeps the rollback file and restore command printed above",
                );
                std::process::exit(crate::exit::INTERRUPTED);
            }
        });
    });
}

/// Runs `update` as the update in flight.
pub(super) fn updating<T>(update: impl FnOnce() -> T) -> T {
    UPDATING.store(true, Ordering::SeqCst);
    let out = update();
    UPDATING.store(false, Ordering::SeqCst);
    out
}

/// Whether Ctrl-C came during an update: the caller stops before the next one.
pub(super) fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}
