//! The exporter's answer to one scrape (`origin-probe serve`, `/probe`): the report's families
//! exactly as [`write`](super::write) renders them, plus the blackbox exporter's
//! `probe_duration_seconds`, in the dialect Prometheus asked for.
//!
//! # What a scrape adds to the file format
//!
//! | name | type | labels | unit | meaning |
//! | --- | --- | --- | --- | --- |
//! | `probe_duration_seconds` | gauge | none | seconds | as in the blackbox exporter: how long this scrape's probe took, from the request to the verdict |
//!
//! When the prober itself failed (`origin_probe_run_error{kind="resolver"} 1`) no origin is
//! judged, so `probe_success` has no origin series; a scrape then writes `probe_success 0`
//! without labels, as the blackbox exporter does for a failed probe. Nothing is carried over
//! from an earlier answer: a scrape is stateless, and Prometheus keeps the history.
//!
//! Pure: the run's facts arrive as [`RunMeta`], the dialect is the caller's choice.

use super::family::Family;
use super::{RunMeta, carry::Previous, families, float};
use crate::document::Report;

/// The exposition dialects a scrape can be answered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
    Text,
    /// OpenMetrics 1.0.0: the same lines, ended by `# EOF`.
    OpenMetrics,
}

impl Dialect {
    /// The dialect an `Accept` header asks for: OpenMetrics when it is offered with a non-zero
    /// quality (as Prometheus offers it first), else the 0.0.4 text that every scraper reads.
    pub(crate) fn from_accept(accept: Option<&str>) -> Dialect {
        let Some(accept) = accept else {
            return Dialect::Text;
        };
        let wants_openmetrics = accept.split(',').any(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f64>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            media.eq_ignore_ascii_case("application/openmetrics-text") && !refused
        });
        if wants_openmetrics {
            Dialect::OpenMetrics
        } else {
            Dialect::Text
        }
    }

    /// A scrape's answer (0.0.4 text from [`write_scrape`]) in this dialect: OpenMetrics is the
    /// same lines ended by `# EOF`.
    pub(crate) fn render(self, text: &str) -> String {
        match self {
            Dialect::Text => text.to_owned(),
            Dialect::OpenMetrics => format!("{text}# EOF\n"),
        }
    }

    /// The `Content-Type` of an answer in this dialect.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Dialect::Text => "text/plain; version=0.0.4; charset=utf-8",
            Dialect::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// The answer to one scrape of `report`, a run of one origin, in the 0.0.4 text dialect
/// ([`Dialect::render`] turns it into another).
pub(crate) fn write_scrape(report: &Report, run: &RunMeta) -> String {
    let mut out = String::new();
    for mut family in families(report, run, &Previous::default()) {
        let success = family.name == "probe_success";
        if success && family.samples.is_empty() {
            family.sample(String::new(), "0".to_owned());
        }
        family.push_to(&mut out);
        if success {
            // The blackbox exporter's HELP text, verbatim.
            let mut duration = Family::new(
                "probe_duration_seconds",
                "Returns how long the probe took to complete in seconds",
            );
            duration.sample(String::new(), float(run.duration_seconds));
            duration.push_to(&mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::fixtures;

    const RUN: RunMeta = RunMeta {
        duration_seconds: 0.25,
        finished_at_unix_seconds: 1_748_779_201.5,
    };

    #[test]
    fn prometheus_accept_header_gets_openmetrics() {
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert_eq!(Dialect::from_accept(Some(prometheus)), Dialect::OpenMetrics);
        assert_eq!(Dialect::from_accept(None), Dialect::Text);
        assert_eq!(Dialect::from_accept(Some("text/plain")), Dialect::Text);
        assert_eq!(
            Dialect::from_accept(Some("application/openmetrics-text;q=0, text/plain")),
            Dialect::Text
        );
    }

    #[test]
    fn a_scrape_adds_probe_duration_once_after_probe_success() {
        let report = fixtures::fleet();
        let text = write_scrape(&report, &RUN);
        assert_eq!(
            text.matches("# TYPE probe_duration_seconds gauge").count(),
            1
        );
        assert!(text.contains("\nprobe_duration_seconds 0.25\n"), "{text}");
        let success = text.find("# TYPE probe_success").expect("probe_success");
        let duration = text
            .find("# TYPE probe_duration_seconds")
            .expect("duration");
        assert!(success < duration);
        assert!(!text.contains("# EOF"));
        // Every family of the file format is still there, once.
        let mut file = Vec::new();
        super::super::write(&report, &RUN, None, &mut file).expect("to a Vec");
        let file = String::from_utf8(file).expect("utf8");
        for line in file.lines().filter(|l| l.starts_with("# TYPE")) {
            assert_eq!(text.matches(line).count(), 1, "{line}");
        }
    }

    #[test]
    fn openmetrics_ends_with_eof() {
        let text = Dialect::OpenMetrics.render(&write_scrape(&fixtures::fleet(), &RUN));
        assert!(text.ends_with("\n# EOF\n"), "{text}");
        assert_eq!(text.matches("# EOF").count(), 1);
    }

    #[test]
    fn no_judged_origin_is_probe_success_zero() {
        let mut report = fixtures::fleet();
        report.origins.clear();
        let text = write_scrape(&report, &RUN);
        assert!(text.contains("\nprobe_success 0\n"), "{text}");
    }
}
