//! The exporter's own metrics (`origin-probe serve`, `/metrics`): what it has done since it
//! started, in text format 0.0.4. In fleet mode the last round's report follows them on
//! `/metrics`, in the file format's families (see the parent module).
//!
//! # Metric families
//!
//! | name | type | labels | meaning |
//! | --- | --- | --- | --- |
//! | `origin_probe_exporter_probes_total` | counter | none | probes started for scrapes |
//! | `origin_probe_exporter_probe_failures_total` | counter | none | probes whose origin was not ready or warn, or whose prober failed |
//! | `origin_probe_exporter_scrapes_reused_total` | counter | none | scrapes answered with a target's answer of less than `--min-interval` ago |
//! | `origin_probe_exporter_scrapes_refused_total` | counter | none | scrapes refused with 503 (no free probe before the queue deadline) |
//! | `origin_probe_exporter_probes_in_flight` | gauge | none | probes running now |
//! | `origin_probe_exporter_config_reload_success` | gauge | none | 1 if the last `--config` load succeeded (always 1 without `--config`) |
//! | `origin_probe_exporter_fleet_rounds_total` | counter | none | fleet mode: rounds of the whole input finished |
//! | `origin_probe_exporter_fleet_round_failures_total` | counter | none | fleet mode: rounds that could not run (a missing file); the last good round stays on `/metrics` |
//! | `origin_probe_build_info` | gauge | `version` | 1; the exporter's version |
//!
//! Pure: the numbers arrive as [`ExporterStats`].

use std::fmt::Write as _;

use super::labels::push_label;

/// What the exporter counted, read by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExporterStats {
    pub(crate) probes: u64,
    pub(crate) failures: u64,
    pub(crate) reused: u64,
    pub(crate) refused: u64,
    pub(crate) in_flight: usize,
    pub(crate) config_ok: bool,
    /// Fleet mode: rounds finished, and rounds that could not run.
    pub(crate) fleet_rounds: u64,
    pub(crate) fleet_failures: u64,
}

/// The exporter's own metrics as 0.0.4 text.
pub(crate) fn write_exporter(stats: &ExporterStats) -> String {
    let mut out = String::new();
    let mut family = |name: &str, kind: &str, help: &str, labels: &str, value: String| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {value}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {value}");
        }
    };
    family(
        "origin_probe_exporter_probes_total",
        "counter",
        "Probes started for scrapes.",
        "",
        stats.probes.to_string(),
    );
    family(
        "origin_probe_exporter_probe_failures_total",
        "counter",
        "Probes whose origin was not ready or warn, or whose prober failed.",
        "",
        stats.failures.to_string(),
    );
    family(
        "origin_probe_exporter_scrapes_reused_total",
        "counter",
        "Scrapes answered with the same target's answer of less than --min-interval ago.",
        "",
        stats.reused.to_string(),
    );
    family(
        "origin_probe_exporter_scrapes_refused_total",
        "counter",
        "Scrapes refused with 503: no free probe before the queue deadline.",
        "",
        stats.refused.to_string(),
    );
    family(
        "origin_probe_exporter_probes_in_flight",
        "gauge",
        "Probes running now.",
        "",
        stats.in_flight.to_string(),
    );
    family(
        "origin_probe_exporter_config_reload_success",
        "gauge",
        "1 if the last load of the --config file succeeded.",
        "",
        u8::from(stats.config_ok).to_string(),
    );
    family(
        "origin_probe_exporter_fleet_rounds_total",
        "counter",
        "Fleet mode: rounds of the whole --targets or --cloudfront input finished.",
        "",
        stats.fleet_rounds.to_string(),
    );
    family(
        "origin_probe_exporter_fleet_round_failures_total",
        "counter",
        "Fleet mode: rounds that could not run (the last good round stays on /metrics).",
        "",
        stats.fleet_failures.to_string(),
    );
    let mut version = String::new();
    push_label(&mut version, "version", env!("CARGO_PKG_VERSION"));
    family(
        "origin_probe_build_info",
        "gauge",
        "The exporter's version, as a label; the value is 1.",
        &version,
        "1".to_owned(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_build_info() {
        let text = write_exporter(&ExporterStats {
            probes: 7,
            failures: 2,
            reused: 3,
            refused: 1,
            in_flight: 4,
            config_ok: true,
            fleet_rounds: 0,
            fleet_failures: 0,
        });
        assert!(text.contains("# TYPE origin_probe_exporter_probes_total counter\norigin_probe_exporter_probes_total 7\n"), "{text}");
        assert!(
            text.contains("origin_probe_exporter_probes_in_flight 4\n"),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "origin_probe_build_info{{version=\"{}\"}} 1\n",
                env!("CARGO_PKG_VERSION")
            )),
            "{text}"
        );
    }
}
