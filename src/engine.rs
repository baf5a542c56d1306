//! Orchestration: probes every origin and address concurrently under one bound.
//!
//! Origins run as tasks in a `JoinSet`; every DNS query and every connection takes a permit of
//! one shared `Semaphore` before it opens a socket, and its timeouts start after the permit, so
//! waiting for a permit never turns into a false would-504. The loop that drains results only
//! hands finished reports to a callback (which must be quick); it awaits nothing slow.
//! Never renders or judges: judging is `verdict::judge`, called on each finished record.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rustls::pki_types::UnixTime;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::cert::TrustStore;
use crate::config::ProbeConfig;
use crate::document::OriginReport;
use crate::probe::{self, HttpSettings, Limits, ProbeSettings};
use crate::record::{AddressRecord, ConnectOutcome, DnsOutcome, OriginRecord};
use crate::resolve::Resolver;
use crate::target::Target;
use crate::verdict::{self, JudgeContext};

/// How long origins in flight may still run once a stop is requested.
pub(crate) const STOP_GRACE: Duration = Duration::from_secs(3);

/// A request to stop a run (Ctrl-C): shared between whoever asks and the engine.
#[derive(Debug, Default)]
pub(crate) struct Stop {
    requested: AtomicBool,
    notify: Notify,
}

impl Stop {
    pub(crate) fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub(crate) fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Returns once a stop is requested.
    pub(crate) async fn wait(&self) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            // Registered before the check, so a request in between is not missed.
            notified.as_mut().enable();
            if self.is_requested() {
                return;
            }
            notified.await;
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RunEnd {
    /// A stop was requested before every target had started: some were never probed.
    pub stopped: bool,
    /// Origins abandoned in flight when the grace ran out (no report for them).
    pub abandoned: usize,
}

/// Where [`Engine::run_from`] takes its targets from, one at a time, as it has room.
pub(crate) trait TargetSource {
    /// The next target, `None` at the end. Must be cancel-safe: the engine drops the future
    /// when an origin finishes first, and calls again later.
    async fn next_target(&mut self) -> Option<Target>;
}

async fn sleep_until_or_never(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Everything the engine shares between tasks.
#[derive(Debug)]
pub(crate) struct Engine {
    resolver: Resolver,
    /// The bounds on sockets: `--concurrency` for every socket of the run (per socket, not per
    /// origin, so a slow origin with many addresses cannot starve the rest and file
    /// descriptors stay under the limit), `--address-concurrency` per address, `--rate`.
    limits: Arc<Limits>,
    probe: ProbeConfig,
    store: TrustStore,
    now: UnixTime,
}

impl Engine {
    /// Builds an engine. Must be called inside a tokio runtime (the resolver needs it).
    pub(crate) fn new(
        resolver: Resolver,
        probe: ProbeConfig,
        store: TrustStore,
        now: UnixTime,
    ) -> Arc<Engine> {
        Arc::new(Engine {
            resolver,
            limits: Arc::new(Limits::new(
                probe.concurrency,
                probe.per_address,
                probe.rate,
            )),
            probe,
            store,
            now,
        })
    }

    /// Probes every target, calling `on_done(index, report)` as each origin finishes (in
    /// completion order; `index` is the target's position in the input). Every target yields
    /// exactly one report, even if its task panicked. At most `2 x concurrency` origins are in
    /// flight, so memory follows the concurrency, not the length of the input.
    ///
    /// Runs until `stop` is requested: then no further origin starts, the
    /// origins in flight get `STOP_GRACE` to finish (their own timeouts bound them anyway), and
    /// whatever is still running after that is abandoned without a report.
    ///
    /// The source may keep the engine waiting (a slow stdin fed through a channel): while it
    /// waits for the next target, finished origins are still handed to `on_done` at once.
    pub(crate) async fn run_from(
        self: &Arc<Self>,
        source: &mut impl TargetSource,
        stop: &Stop,
        mut on_done: impl FnMut(usize, OriginReport),
    ) -> RunEnd {
        let max_in_flight = self.probe.concurrency.saturating_mul(2).max(1);
        let mut tasks = JoinSet::new();
        let mut in_flight: HashMap<tokio::task::Id, (usize, Target)> = HashMap::new();
        let mut next_index = 0usize;
        let mut exhausted = false;
        let mut grace_until: Option<tokio::time::Instant> = None;
        loop {
            if grace_until.is_none() && stop.is_requested() {
                grace_until = Some(tokio::time::Instant::now() + STOP_GRACE);
            }
            let room = !exhausted && grace_until.is_none() && tasks.len() < max_in_flight;
            if !room && tasks.is_empty() {
                break;
            }
            let joined = tokio::select! {
                // A ready source fills the room first, as a plain list always is.
                biased;
                next = source.next_target(), if room => {
                    match next {
                        Some(target) => {
                            let engine = Arc::clone(self);
                            let task_target = target.clone();
                            let handle =
                                tasks.spawn(async move { engine.probe_origin(&task_target).await });
                            in_flight.insert(handle.id(), (next_index, target));
                            next_index += 1;
                        }
                        None => exhausted = true,
                    }
                    continue;
                }
                joined = tasks.join_next_with_id(), if !tasks.is_empty() => joined,
                () = stop.wait(), if grace_until.is_none() => continue,
                () = sleep_until_or_never(grace_until) => {
                    // The grace is over: abandon what is left, reporting nothing for it.
                    let abandoned = in_flight.len();
                    tasks.abort_all();
                    while tasks.join_next().await.is_some() {}
                    return RunEnd { stopped: true, abandoned };
                }
            };
            let Some(joined) = joined else {
                continue;
            };
            match joined {
                Ok((id, report)) => {
                    if let Some((index, _)) = in_flight.remove(&id) {
                        on_done(index, report);
                    }
                }
                Err(error) => {
                    if let Some((index, target)) = in_flight.remove(&error.id()) {
                        on_done(index, verdict::task_failed(&target, &error.to_string()));
                    }
                }
            }
        }
        RunEnd {
            // Stopped before every target had started: the report is incomplete.
            stopped: grace_until.is_some() && !exhausted,
            abandoned: 0,
        }
    }

    async fn probe_origin(&self, target: &Target) -> OriginReport {
        let started = Instant::now();
        // A DNS query is a socket too; it shares the bound (see `limits`), and so does the
        // control query a failed lookup may need.
        let (dns, resolver) = match self.limits.socket().await {
            Some(_permit) => {
                let dns = self.resolver.resolve(target).await;
                let note = self.resolver.note(&dns).await;
                (dns, note)
            }
            None => (
                DnsOutcome::Failed {
                    message: "run is shutting down".to_string(),
                },
                None,
            ),
        };
        let addresses = match &dns {
            DnsOutcome::Resolved { addresses, .. } => addresses.clone(),
            _ => Vec::new(),
        };
        let protocols = target.protocols(self.probe.origin_ssl_protocols.as_deref());
        // Distribution origins connect as CloudFront would: their own ConnectionTimeout and
        // ConnectionAttempts (fact 24); `check` targets once, with --connect-timeout.
        let (connect_timeout, connect_attempts) = match &target.cloudfront {
            Some(cf) => (cf.connection_timeout, cf.connection_attempts),
            None => (self.probe.connect_timeout, 1),
        };
        let settings = ProbeSettings {
            protocols: protocols.clone(),
            sni: target.sni(),
            connect_timeout,
            connect_attempts,
            handshake_timeout: self.probe.timeout,
            http: self.http_settings(target),
        };
        let mut probes = JoinSet::new();
        for (i, ip) in addresses.iter().enumerate() {
            let address = SocketAddr::new(*ip, target.port);
            let settings = settings.clone();
            let limits = Arc::clone(&self.limits);
            probes
                .spawn(async move { (i, probe::probe_address(address, &settings, &limits).await) });
        }
        let mut records: Vec<Option<AddressRecord>> = vec![None; addresses.len()];
        while let Some(joined) = probes.join_next().await {
            if let Ok((i, record)) = joined
                && let Some(slot) = records.get_mut(i)
            {
                *slot = Some(record);
            }
        }
        let records: Vec<AddressRecord> = records
            .into_iter()
            .zip(&addresses)
            .map(|(r, ip)| {
                // A probe task that panicked still leaves its address in the report.
                r.unwrap_or_else(|| AddressRecord {
                    address: SocketAddr::new(*ip, target.port),
                    connect: ConnectOutcome::Failed {
                        message: "internal error: the probe of this address crashed".to_string(),
                    },
                    failed_attempts: Vec::new(),
                    hello: None,
                    versions: Vec::new(),
                    modern: None,
                    http: None,
                    elapsed: started.elapsed(),
                })
            })
            .collect();
        let offline = offline(&records);
        let record = OriginRecord {
            resolver,
            dns,
            addresses: records,
            offline,
            elapsed: started.elapsed(),
        };
        let ctx = JudgeContext {
            store: &self.store,
            now: self.now,
            warn_days: self.probe.warn_days,
            crit_days: self.probe.crit_days,
        };
        // Judged under the protocols the hello offered, which the report names.
        let judged = Target {
            ssl_protocols: protocols,
            ..target.clone()
        };
        verdict::judge(&judged, &record, &ctx)
    }
}

/// Set when every address failed for want of a route and this machine has no route of that
/// family at all: what the route lookup got. `None` when any address got further.
fn offline(records: &[AddressRecord]) -> Option<String> {
    let all_no_route = !records.is_empty()
        && records
            .iter()
            .all(|r| matches!(r.connect, ConnectOutcome::NoRoute { .. }));
    if !all_no_route {
        return None;
    }
    records
        .iter()
        .find_map(|r| probe::route::missing(r.address.ip()))
}

impl Engine {
    /// The `--http` request for `target`: CloudFront's custom headers, read timeout and origin
    /// path for distribution origins; `--header` and `--timeout` for `check` targets.
    fn http_settings(&self, target: &Target) -> Option<HttpSettings> {
        let http = self.probe.http.as_ref()?;
        Some(match &target.cloudfront {
            Some(cf) => HttpSettings {
                path: format!("{}{}", cf.origin_path, http.path),
                headers: cf.custom_headers.clone(),
                exposure: http.exposure,
                timeout: cf.read_timeout,
            },
            None => HttpSettings {
                path: http.path.clone(),
                headers: http.headers.clone(),
                exposure: http.exposure,
                timeout: self.probe.timeout,
            },
        })
    }
}
