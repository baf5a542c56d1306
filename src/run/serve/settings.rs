//! `serve`'s validated settings: the exporter's bounds, and the modules a scrape may name.
//!
//! Every bound is a named constant or a field with its reason. Reads the `--roots` file of the
//! default module (through `spec::load_roots`); never listens or probes.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, ensure};

use super::super::spec::load_roots;
use super::allow::AllowList;
use super::fleet::FleetInput;
use crate::cert::TrustStore;
use crate::cli::ServeArgs;
use crate::config::{MAX_CONCURRENCY, MAX_TIMEOUT, ProbeConfig, ResolveConfig};

/// The longest query string accepted: a target, a Host header, a protocol list and a module
/// name fit in a few hundred bytes; anything longer is a mistake or an attack, refused before
/// it is parsed.
pub(super) const MAX_QUERY_BYTES: usize = 2048;

/// What is kept off a scrape's timeout for the answer to travel back, as the blackbox
/// exporter's `--timeout-offset` does (0.5 s there too).
pub(super) const SCRAPE_MARGIN: Duration = Duration::from_millis(500);

/// The shortest budget a probe is started with: below this nothing useful can finish (one
/// TCP connect and a hello), so the scrape is answered unfinished at once.
pub(super) const MIN_BUDGET: Duration = Duration::from_millis(100);

/// Most connections served at once. Further clients wait in the kernel's backlog: a flood of
/// idle connections cannot take file descriptors the probes need.
pub(super) const MAX_CONNECTIONS: usize = 512;

/// How long a client may take to send its request headers (slowloris).
pub(super) const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The most bytes hyper buffers per connection (request line and headers; we read no bodies).
pub(super) const MAX_REQUEST_BUFFER: usize = 64 * 1024;

/// Most distinct targets whose last answer is remembered for `--min-interval`; past this,
/// stale entries are dropped, and a scrape of a new target while every entry is in use is
/// refused (503), so memory stays bounded whatever the scrapes name.
pub(super) const MAX_TRACKED_TARGETS: usize = 10_000;

/// A way to probe that a scrape names with `module=`: what `check`'s probing flags set.
#[derive(Debug, Clone)]
pub(super) struct Module {
    pub(super) probe: ProbeConfig,
    pub(super) resolve: ResolveConfig,
    pub(super) store: TrustStore,
}

/// The modules and the allow-list: what `--config` (re)loads, swapped whole on a reload.
#[derive(Debug)]
pub(super) struct Catalog {
    /// By name; always holds [`DEFAULT_MODULE`] (the flags' own, unless the file replaces it).
    pub(super) modules: BTreeMap<String, Arc<Module>>,
    /// `None`: any target may be probed.
    pub(super) allow: Option<AllowList>,
}

/// The module a scrape without `module=` uses.
pub(super) const DEFAULT_MODULE: &str = "default";

impl Catalog {
    /// The flags' default module alone, no allow-list.
    pub(super) fn of_default(module: Module) -> Catalog {
        Catalog {
            modules: BTreeMap::from([(DEFAULT_MODULE.to_string(), Arc::new(module))]),
            allow: None,
        }
    }
}

/// Everything `serve` runs with.
#[derive(Debug)]
pub(super) struct ServeConfig {
    pub(super) listen: SocketAddr,
    /// `--max-probes`: the one bound on probes running at once.
    pub(super) max_probes: usize,
    pub(super) queue_timeout: Duration,
    pub(super) min_interval: Duration,
    pub(super) probe_timeout: Duration,
    pub(super) shutdown_grace: Duration,
    pub(super) config: Option<std::path::PathBuf>,
    /// Fleet mode's input and `--interval`.
    pub(super) fleet: Option<(FleetInput, Duration)>,
    /// The flags' module, which a `--config` file's modules start from.
    pub(super) default_module: Module,
}

impl ServeConfig {
    /// Validates the flags and loads the default module's trust store.
    pub(super) fn from_args(args: ServeArgs) -> Result<ServeConfig> {
        ensure!(
            (1..=MAX_CONCURRENCY).contains(&args.max_probes),
            "--max-probes must be between 1 and {MAX_CONCURRENCY}, got {}",
            args.max_probes
        );
        for (flag, value) in [
            ("queue-timeout", args.queue_timeout),
            ("probe-timeout", args.probe_timeout),
            ("shutdown-grace", args.shutdown_grace),
        ] {
            ensure!(
                !value.is_zero() && value <= MAX_TIMEOUT,
                "--{flag} must be more than 0 and at most {}s, got {value:?}",
                MAX_TIMEOUT.as_secs()
            );
        }
        ensure!(
            args.min_interval <= Duration::from_secs(3600),
            "--min-interval must be at most 1h, got {:?}",
            args.min_interval
        );
        ensure!(
            args.interval >= Duration::from_secs(1) && args.interval <= Duration::from_secs(86_400),
            "--interval must be from 1s to 24h, got {:?}",
            args.interval
        );
        let fleet = match (args.targets, args.cloudfront) {
            (Some(path), _) => Some((FleetInput::Targets(path), args.interval)),
            (None, files) if !files.is_empty() => {
                Some((FleetInput::Cloudfront(files), args.interval))
            }
            (None, _) => None,
        };
        let (probe, resolve, roots) = args.probe.into_config(None)?;
        let store = load_roots(roots.as_deref())?;
        Ok(ServeConfig {
            listen: args.listen,
            max_probes: args.max_probes,
            queue_timeout: args.queue_timeout,
            min_interval: args.min_interval,
            probe_timeout: args.probe_timeout,
            shutdown_grace: args.shutdown_grace,
            config: args.config,
            fleet,
            default_module: Module {
                probe,
                resolve,
                store,
            },
        })
    }
}
