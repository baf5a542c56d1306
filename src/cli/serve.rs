//! `serve`'s flags: where to listen, the exporter's bounds, and the probing flags of `check`
//! as the default module. Mirrors flags only; `run::serve::settings` validates them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::ProbeArgs;
use crate::config::parse_duration;

/// `serve --help`: examples (the Prometheus side is in the README, "Scheduled monitoring").
pub(crate) const SERVE_AFTER_HELP: &str = "\
Examples:
  origin-probe serve
  curl 'http://127.0.0.1:9219/probe?target=origin.example.com'
  curl 'http://127.0.0.1:9219/probe?target=origin.example.com:8443&host_header=www.example.com'
  origin-probe serve --listen 127.0.0.1:9219 --roots private-ca.pem --max-probes 16
  origin-probe serve --config /etc/origin-probe/serve.toml
  origin-probe serve --cloudfront dist.json --interval 10m    # fleet mode, on /metrics

Endpoints:
  GET  /probe?target=HOST[:PORT][&host_header=NAME][&origin_ssl_protocols=LIST][&module=NAME]
       one check of that origin, answered as Prometheus text (OpenMetrics when asked)
  GET  /metrics   the exporter's own metrics, then the last fleet round's (--targets,
                  --cloudfront)
  POST /-/reload  reload --config (as SIGHUP does)
  GET  /healthz   200 while the exporter is serving

Prometheus scrape config (relabel the target into the query):
  - job_name: origin-probe
    metrics_path: /probe
    static_configs: [{targets: [origin.example.com, origin2.example.com:8443]}]
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [__param_target], target_label: instance}
      - {target_label: __address__, replacement: 127.0.0.1:9219}

Exit codes:
  0  stopped by SIGTERM or Ctrl-C after finishing (or abandoning) in-flight scrapes
  2  bad usage, or the address could not be bound";

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on. Anything but loopback exposes the prober to whoever can reach it:
    /// that is your explicit choice.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9219")]
    pub listen: SocketAddr,

    /// Most probes running at once; further scrapes wait (see --queue-timeout), then get 503.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub max_probes: usize,

    /// How long a scrape may wait for a free probe before it is refused with 503 (never longer
    /// than its own scrape timeout).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub queue_timeout: Duration,

    /// Per target: a scrape within this long of the last probe of the same target (and the same
    /// parameters) is answered with that probe's result instead of a new probe, so a mis-set
    /// scrape interval cannot become a connection storm.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub min_interval: Duration,

    /// The longest a probe may take; a scrape's X-Prometheus-Scrape-Timeout-Seconds (less a
    /// 0.5s margin) shortens it. A probe that cannot finish in time answers probe_success 0.
    #[arg(long, value_name = "DURATION", default_value = "15s", value_parser = parse_duration)]
    pub probe_timeout: Duration,

    /// On SIGTERM or Ctrl-C, how long in-flight scrapes may still finish before they are cut.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,

    /// A TOML file of modules and a target allow-list (see the README, "Scheduled
    /// monitoring"); reloaded on SIGHUP and POST /-/reload.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Fleet mode: probe every target of FILE (as `check --input` reads it) each --interval,
    /// and serve the last round's metrics on /metrics.
    #[arg(long, value_name = "FILE", conflicts_with = "cloudfront")]
    pub targets: Option<PathBuf>,

    /// Fleet mode: check the custom origins of these CloudFront distribution files (as
    /// `origin-probe cloudfront` reads them) each --interval, served on /metrics. Repeatable.
    #[arg(long, value_name = "FILE")]
    pub cloudfront: Vec<PathBuf>,

    /// Fleet mode: time between rounds, jittered by up to 10% either way.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub interval: Duration,

    /// The default module: probing flags as for `check`.
    #[command(flatten)]
    pub probe: ProbeArgs,
}
