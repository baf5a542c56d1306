//! `/probe`: one scrape, from its query and headers to the answer. The check itself is
//! `execute::report_one` (the engine, `drive` and `assemble` every command uses) and the text
//! is the Prometheus renderer's; this file only decides the budget, the module, admission and
//! the status code.
//!
//! Never hangs: the budget is the scrape's own timeout (less a margin) or `--probe-timeout`,
//! whichever is shorter, and `report_one` answers an unfinished probe at its deadline.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::time::Instant;

use super::State;
use super::admit::{Admission, Answer};
use super::query::parse_query;
use super::settings::{MIN_BUDGET, SCRAPE_MARGIN};
use crate::report::prometheus::{Dialect, write_scrape};
use crate::run::execute::report_one;

/// What a scrape sent that `/probe` reads.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scrape<'a> {
    /// The query string, without `?`.
    pub(super) query: &'a str,
    pub(super) accept: Option<&'a str>,
    /// `X-Prometheus-Scrape-Timeout-Seconds`.
    pub(super) scrape_timeout: Option<&'a str>,
}

/// An answer, before it is an HTTP response.
#[derive(Debug)]
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) content_type: &'static str,
    pub(super) body: String,
}

impl Reply {
    /// A refusal: `status` with one line saying why.
    pub(super) fn refuse(status: u16, why: impl std::fmt::Display) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{why}\n"),
        }
    }

    fn metrics(text: &str, dialect: Dialect) -> Reply {
        Reply {
            status: 200,
            content_type: dialect.content_type(),
            body: dialect.render(text),
        }
    }
}

/// Answers one scrape of `/probe`.
pub(super) async fn answer(state: &State, scrape: Scrape<'_>) -> Reply {
    let started = Instant::now();
    let query = match parse_query(scrape.query) {
        Ok(query) => query,
        Err(e) => return Reply::refuse(400, e),
    };
    let catalog = state.catalog();
    let Some(module) = catalog.modules.get(&query.module).cloned() else {
        let known: Vec<&str> = catalog.modules.keys().map(String::as_str).collect();
        return Reply::refuse(
            400,
            format!(
                "unknown module {:?} (known: {})",
                crate::sanitize::text(&query.module),
                known.join(", ")
            ),
        );
    };
    if let Some(allow) = &catalog.allow
        && !allow.allows(&query.target)
    {
        return Reply::refuse(
            403,
            format!(
                "target {}:{} is not in the allow-list of the --config file",
                query.target.origin(),
                query.target.port
            ),
        );
    }
    drop(catalog);
    let budget = match budget(scrape.scrape_timeout, state.settings.probe_timeout) {
        Ok(budget) => budget,
        Err(why) => return Reply::refuse(400, why),
    };
    let deadline = started + budget;
    let queue_deadline = deadline.min(started + state.settings.queue_timeout);
    let dialect = Dialect::from_accept(scrape.accept);
    let mut slot = match state.gate.admit(&query.key(), queue_deadline).await {
        Admission::Busy(why) => {
            state.counters.refused.fetch_add(1, Ordering::Relaxed);
            return Reply::refuse(503, why);
        }
        Admission::Recent(answer) => {
            state.counters.reused.fetch_add(1, Ordering::Relaxed);
            return Reply::metrics(&answer.text, dialect);
        }
        Admission::Probe {
            slot,
            _permit: permit,
        } => (slot, permit),
    };
    let remaining = deadline.saturating_duration_since(Instant::now());
    let mut probe = module.probe.clone();
    probe.connect_timeout = probe.connect_timeout.min(remaining).max(MIN_BUDGET);
    probe.timeout = probe.timeout.min(remaining).max(MIN_BUDGET);
    if let Some(protocols) = query.protocols {
        probe.origin_ssl_protocols = Some(protocols);
    }
    state.counters.probes.fetch_add(1, Ordering::Relaxed);
    let (report, meta) = report_one(
        query.target,
        probe,
        &module.resolve,
        module.store.clone(),
        deadline,
    )
    .await;
    if report.run_error.is_some() || report.summary.would_502 + report.summary.would_504 > 0 {
        state.counters.failing.fetch_add(1, Ordering::Relaxed);
    }
    let text: Arc<str> = Arc::from(write_scrape(&report, &meta));
    *slot.0 = Some(Answer {
        at: Instant::now(),
        text: Arc::clone(&text),
    });
    Reply::metrics(&text, dialect)
}

/// The probe's budget: the scrape's timeout less [`SCRAPE_MARGIN`], at most `max`, at least
/// [`MIN_BUDGET`]. A header that is not a positive number of seconds is refused.
fn budget(header: Option<&str>, max: Duration) -> Result<Duration, String> {
    let Some(value) = header else {
        return Ok(max);
    };
    let seconds = value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .ok_or_else(|| {
            format!(
                "X-Prometheus-Scrape-Timeout-Seconds {:?} is not a positive number of seconds",
                crate::sanitize::text(value)
            )
        })?;
    let scrape = Duration::try_from_secs_f64(seconds).unwrap_or(max);
    Ok(scrape.saturating_sub(SCRAPE_MARGIN).clamp(MIN_BUDGET, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scrape_timeout_less_the_margin_bounds_the_budget() {
        let max = Duration::from_secs(15);
        assert_eq!(budget(None, max), Ok(max));
        assert_eq!(budget(Some("10"), max), Ok(Duration::from_millis(9500)));
        assert_eq!(budget(Some("2.5"), max), Ok(Duration::from_secs(2)));
        assert_eq!(budget(Some("60"), max), Ok(max));
        assert_eq!(budget(Some("0.1"), max), Ok(MIN_BUDGET));
        for bad in ["", "ten", "-1", "0", "NaN", "inf"] {
            let err = budget(Some(bad), max).expect_err(bad);
            assert!(err.contains("X-Prometheus-Scrape-Timeout-Seconds"), "{err}");
        }
    }
}
