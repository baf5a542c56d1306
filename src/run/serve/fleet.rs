//! Background fleet mode (`serve --targets FILE` / `--cloudfront FILE`): the whole input probed
//! in rounds on `--interval` (each wait jittered by up to 10% either way, so many exporters do
//! not probe in step), the last round's report kept as Prometheus text and served on
//! `/metrics` after the exporter's own metrics.
//!
//! A round is the run `check --input FILE` or `cloudfront FILE` would make (the same items,
//! settled origins and origin-group rows, through `execute::report_all`), rendered by the
//! file format's renderer with the previous round's text as its memory, so last known expiry
//! series carry over an outage exactly as they do for the textfile route. The input is read
//! again every round, so edits to it are picked up. A round that cannot run (a missing file)
//! keeps the last good text and is counted as a failure.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Result;

use super::State;
use super::settings::{DEFAULT_MODULE, Module};
use crate::config::OutputConfig;
use crate::document::{Format, Report};
use crate::report::RunMeta;
use crate::run::cloudfront::{collect_items, group_watch, load_cli_json, read_documents};
use crate::run::execute::report_all;
use crate::run::targets::TargetStream;
use crate::run::{Item, RunSpec, say};

/// What a fleet round reads.
#[derive(Debug, Clone)]
pub(super) enum FleetInput {
    /// A target list in `check --input`'s format.
    Targets(PathBuf),
    /// CloudFront distribution JSON, as `origin-probe cloudfront` reads it.
    Cloudfront(Vec<PathBuf>),
}

/// The last round's text and the rounds' counts.
#[derive(Debug, Default)]
pub(super) struct FleetCache {
    text: RwLock<Option<Arc<str>>>,
    pub(super) rounds: AtomicU64,
    pub(super) failures: AtomicU64,
}

impl FleetCache {
    /// The last good round's text, if a round has finished.
    pub(super) fn text(&self) -> Option<Arc<str>> {
        self.text.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn store(&self, text: String) {
        *self.text.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::from(text));
    }
}

/// Runs rounds until the task is aborted (at shutdown).
pub(super) async fn watch(state: Arc<State>, input: FleetInput, interval: Duration) {
    loop {
        let catalog = state.catalog();
        let Some(module) = catalog.modules.get(DEFAULT_MODULE).cloned() else {
            return;
        };
        drop(catalog);
        match round(&input, &module).await {
            Ok((report, meta)) => {
                let previous = state.fleet.text();
                let mut out = Vec::new();
                // Writing to a Vec cannot fail.
                let _ =
                    crate::report::prometheus::write(&report, &meta, previous.as_deref(), &mut out);
                state
                    .fleet
                    .store(String::from_utf8_lossy(&out).into_owned());
                state.fleet.rounds.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                state.fleet.failures.fetch_add(1, Ordering::Relaxed);
                say::error(format!(
                    "serve: fleet round failed, keeping the last round's metrics: {e:#}"
                ));
            }
        }
        tokio::time::sleep(jittered(interval)).await;
    }
}

/// One round: the input's items, probed and judged.
async fn round(input: &FleetInput, module: &Module) -> Result<(Report, RunMeta)> {
    let spec = |items: Vec<Item>| RunSpec {
        items: items.into_iter(),
        probe: module.probe.clone(),
        resolve: module.resolve.clone(),
        store: module.store.clone(),
        output: OutputConfig::internal(Format::Prometheus),
        baseline: None,
    };
    match input {
        FleetInput::Targets(path) => {
            // Read whole before probing: a fleet file is small (its lines are capped like
            // `check --input`'s), and a round must not start on a file that cannot be read.
            let items: Vec<Item> = {
                let stream = TargetStream::open(&[], Some(path), None, None)?;
                let tally = stream.tally_handle();
                let items = stream.into_items().collect();
                let read_error = crate::run::lock(&tally).read_error.take();
                if let Some(e) = read_error {
                    return Err(e);
                }
                items
            };
            Ok(report_all(spec(items), |_| Vec::new()).await)
        }
        FleetInput::Cloudfront(files) => {
            let (documents, invalid) = read_documents(files, &[], load_cli_json);
            anyhow::ensure!(!documents.is_empty(), "no --cloudfront file could be read");
            let collected = collect_items(&documents, None)?;
            let mut items = collected.items;
            items.extend(collected.invalid);
            items.extend(invalid);
            let mut groups = group_watch(&documents, &collected.rows);
            Ok(report_all(spec(items), |o| groups.observe(o)).await)
        }
    }
}

/// `interval` times a random factor from 0.9 to 1.1.
fn jittered(interval: Duration) -> Duration {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 2];
    // Without randomness (never on Linux), no jitter: still a valid wait.
    let unit = match ring::rand::SystemRandom::new().fill(&mut bytes) {
        Ok(()) => f64::from(u16::from_le_bytes(bytes)) / f64::from(u16::MAX),
        Err(_) => 0.5,
    };
    interval.mul_f64(0.9 + 0.2 * unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_within_ten_percent() {
        let interval = Duration::from_secs(100);
        for _ in 0..200 {
            let d = jittered(interval);
            assert!(
                d >= Duration::from_secs(90) && d <= Duration::from_secs(110),
                "{d:?}"
            );
        }
    }
}
