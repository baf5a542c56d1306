//! `origin-probe serve`: a long-running exporter that Prometheus scrapes the way it scrapes the
//! blackbox exporter, `/probe?target=HOST[:PORT]`, each scrape one check of that origin.
//!
//! Layout: `settings.rs` (flags validated, the bounds as named constants, modules),
//! `config_file.rs` (`--config`: modules and the allow-list, loaded and reloaded), `fleet.rs`
//! (`--targets` / `--cloudfront` probed in rounds, served on `/metrics`), `allow.rs`
//! (the allow-list), `query.rs` (a scrape's query, parsed), `admit.rs` (the probe bound and the
//! per-target memory), `probe.rs` (one scrape to its answer), `http.rs` (hyper, routes,
//! graceful shutdown). A scrape runs through the same engine, verdicts and renderer as `check`
//! (`execute::report_one`, `report::prometheus`); nothing here judges an origin.
//!
//! Signals: SIGTERM or Ctrl-C stops (in-flight scrapes get `--shutdown-grace`), SIGHUP reloads
//! `--config` as `POST /-/reload` does.

mod admit;
mod allow;
mod config_file;
mod fleet;
mod http;
mod probe;
mod query;
mod settings;

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use anyhow::{Context, Result};
use tokio::net::TcpListener;

use super::{block_on, say};
use crate::cli::ServeArgs;
use crate::exit;
use crate::report::prometheus::{ExporterStats, write_exporter};
use admit::Gate;
use probe::Reply;
use settings::{Catalog, ServeConfig};

/// Runs the exporter until SIGTERM or Ctrl-C.
pub(super) fn run(args: ServeArgs) -> Result<ExitCode> {
    let settings = ServeConfig::from_args(args)?;
    let catalog = load_catalog(&settings)?;
    block_on(async move {
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("--listen {}: cannot listen there", settings.listen))?;
        let local = listener
            .local_addr()
            .context("reading the listening address")?;
        say::note(format!(
            "serving on http://{local}/ (GET /probe?target=HOST[:PORT], /metrics, /healthz)"
        ));
        let state = Arc::new(State::new(settings, catalog));
        let reloads = tokio::spawn(reload_on_hangup(Arc::clone(&state)));
        let fleet = state.settings.fleet.clone().map(|(input, interval)| {
            tokio::spawn(fleet::watch(Arc::clone(&state), input, interval))
        });
        http::serve(listener, state, stop_requested()).await;
        reloads.abort();
        if let Some(fleet) = fleet {
            fleet.abort();
        }
        say::note("serve: stopped");
        Ok(exit::code(exit::READY))
    })?
}

/// The modules and allow-list to start with: the `--config` file's, or the flags' alone.
fn load_catalog(settings: &ServeConfig) -> Result<Catalog> {
    match settings.config.as_deref() {
        Some(path) => config_file::load(path, &settings.default_module),
        None => Ok(Catalog::of_default(settings.default_module.clone())),
    }
}

/// What every scrape shares.
#[derive(Debug)]
pub(super) struct State {
    settings: ServeConfig,
    /// Swapped whole by a reload; a scrape keeps the one it started with.
    catalog: RwLock<Arc<Catalog>>,
    gate: Gate,
    counters: Counters,
    /// Fleet mode's last round (empty without `--targets` / `--cloudfront`).
    fleet: fleet::FleetCache,
}

/// What `/metrics` reports about the exporter itself.
#[derive(Debug, Default)]
struct Counters {
    probes: AtomicU64,
    failing: AtomicU64,
    reused: AtomicU64,
    refused: AtomicU64,
    /// Whether the last `--config` load succeeded.
    config_failed: AtomicBool,
}

impl State {
    fn new(settings: ServeConfig, catalog: Catalog) -> State {
        State {
            gate: Gate::new(settings.max_probes, settings.min_interval),
            settings,
            catalog: RwLock::new(Arc::new(catalog)),
            counters: Counters::default(),
            fleet: fleet::FleetCache::default(),
        }
    }

    fn catalog(&self) -> Arc<Catalog> {
        let catalog = self.catalog.read().unwrap_or_else(|p| p.into_inner());
        Arc::clone(&catalog)
    }

    /// Reloads `--config`: a file that does not load keeps the catalog in use, and says why
    /// (on stderr and in the answer; the messages never hold a header value).
    fn reload(&self) -> Reply {
        let Some(path) = self.settings.config.as_deref() else {
            return Reply::refuse(400, "serve was started without --config: nothing to reload");
        };
        match config_file::load(path, &self.settings.default_module) {
            Ok(catalog) => {
                *self.catalog.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(catalog);
                self.counters.config_failed.store(false, Ordering::Relaxed);
                say::note(format!("serve: reloaded {}", path.display()));
                Reply::refuse(200, format!("reloaded {}", path.display()))
            }
            Err(e) => {
                self.counters.config_failed.store(true, Ordering::Relaxed);
                let why = reload_failed(path, &e);
                say::error(&why);
                Reply::refuse(500, why)
            }
        }
    }

    /// `/metrics`: the exporter's own counters.
    fn own_metrics(&self) -> Reply {
        let c = &self.counters;
        let stats = ExporterStats {
            probes: c.probes.load(Ordering::Relaxed),
            failures: c.failing.load(Ordering::Relaxed),
            reused: c.reused.load(Ordering::Relaxed),
            refused: c.refused.load(Ordering::Relaxed),
            in_flight: self.gate.in_flight(self.settings.max_probes),
            config_ok: !c.config_failed.load(Ordering::Relaxed),
            fleet_rounds: self.fleet.rounds.load(Ordering::Relaxed),
            fleet_failures: self.fleet.failures.load(Ordering::Relaxed),
        };
        let mut body = write_exporter(&stats);
        if let Some(fleet) = self.fleet.text() {
            body.push_str(&fleet);
        }
        Reply {
            status: 200,
            content_type: crate::report::prometheus::Dialect::Text.content_type(),
            body,
        }
    }
}

fn reload_failed(path: &Path, error: &anyhow::Error) -> String {
    format!(
        "serve: reloading {} failed, keeping the configuration in use: {error:#}",
        path.display()
    )
}

/// Completes on SIGTERM or Ctrl-C.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    say::note("serve: stopping; in-flight scrapes may finish");
}

/// Reloads `--config` on every SIGHUP (without `--config` a SIGHUP is only noted).
async fn reload_on_hangup(state: Arc<State>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            return;
        };
        while hangups.recv().await.is_some() {
            // The outcome is logged by `reload` itself.
            let _ = state.reload();
        }
    }
    #[cfg(not(unix))]
    drop(state);
}
