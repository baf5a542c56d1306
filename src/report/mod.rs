//! Report renderers: a finished [`Report`] (or, when streaming, one
//! [`OriginReport`](crate::document::OriginReport)) into the
//! bytes of the format the user chose.
//!
//! One entry, [`write()`], for every [`Format`]: a table for people, the versioned machine formats
//! documented in [`json`], the monitoring formats documented in [`prometheus`] and
//! [`junit`], and SARIF for code scanning ([`sarif`]). What a renderer needs besides the report (colour, the run's duration, the failure
//! policy) comes in one [`RenderSpec`] the caller fills.
//!
//! Renderers are pure: they never probe, judge, read the clock or the environment, and never
//! change a verdict. Whether to colour is the caller's decision (`NO_COLOR`, isatty). Everything
//! here writes only the report; progress belongs on stderr.

pub(crate) mod baseline_text;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod prometheus;
pub(crate) mod sarif;
mod table;

use std::io::{self, Write};

pub(crate) use json::{write_jsonl_input_error, write_jsonl_origin};
pub(crate) use prometheus::RunMeta;

use crate::document::{FailOn, Format, Report, RunContext};

/// What the monitoring formats need besides the report: facts only the finished run knows,
/// and the failure policy.
#[derive(Debug, Clone)]
pub(crate) struct MonitorOptions {
    /// Run duration and end time, for the Prometheus run-level metrics.
    pub run: RunMeta,
    /// Which verdicts become JUnit failures.
    pub fail_on: FailOn,
    /// Prometheus: the text of the file this output replaces (`--output`), read by the caller,
    /// so expiry series of origins that are down now are carried over; `None` otherwise.
    pub previous: Option<String>,
}

/// How the table is drawn, as decided by the caller.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RenderOptions {
    /// Emit ANSI colour (SGR) codes in the table. Machine formats never contain them.
    pub color: bool,
    /// Columns the table may use: the terminal's width, or [`DEFAULT_WIDTH`] when the output
    /// is not a terminal. Lines wrap at word boundaries to fit; a word longer than a line (a
    /// URL) is never broken. Machine formats ignore it.
    pub width: usize,
    /// Under the table, list the source (URL) of every fact the findings cite (`--sources`).
    pub sources: bool,
}

/// The table's width when the output is not a terminal (a file, a pipe, CI logs).
pub(crate) const DEFAULT_WIDTH: usize = 80;

impl RenderOptions {
    /// Plain text at [`DEFAULT_WIDTH`], without sources: what a file or a pipe gets.
    #[cfg(test)]
    pub(crate) fn plain() -> RenderOptions {
        RenderOptions {
            color: false,
            width: DEFAULT_WIDTH,
            sources: false,
        }
    }
}

/// Everything a renderer needs besides the report, decided once by the caller.
#[derive(Debug, Clone)]
pub(crate) struct RenderSpec {
    pub format: Format,
    pub options: RenderOptions,
    pub monitor: MonitorOptions,
}

/// Writes the whole report in the spec's format. The table ends with the baseline comparison
/// when the report has one (the JSON document carries it as its `baseline` object).
///
/// For [`Format::Jsonl`] this writes every origin line; use [`write_jsonl_origin`] instead to
/// stream each origin as it finishes.
pub(crate) fn write(report: &Report, spec: &RenderSpec, out: &mut dyn Write) -> io::Result<()> {
    match spec.format {
        Format::Table => {
            table::write(report, &spec.options, out)?;
            match &report.baseline {
                Some(diff) => baseline_text::write_text(diff, out),
                None => Ok(()),
            }
        }
        Format::Json => json::write_document(report, out),
        Format::Jsonl => {
            let run = RunContext::of(report);
            report
                .origins
                .iter()
                .try_for_each(|origin| write_jsonl_origin(origin, &run, out))?;
            // Input errors close the lines, one record each, as when streaming.
            report
                .input_errors
                .iter()
                .try_for_each(|error| write_jsonl_input_error(error, &run, out))
        }
        Format::Prometheus => prometheus::write(
            report,
            &spec.monitor.run,
            spec.monitor.previous.as_deref(),
            out,
        ),
        Format::Junit => junit::write(report, spec.monitor.fail_on, out),
        Format::Sarif => sarif::write(report, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::fixtures;

    fn spec(format: Format, color: bool) -> RenderSpec {
        RenderSpec {
            format,
            options: RenderOptions {
                color,
                ..RenderOptions::plain()
            },
            monitor: MonitorOptions {
                run: RunMeta {
                    duration_seconds: 1.5,
                    finished_at_unix_seconds: 1_748_779_201.5,
                },
                fail_on: FailOn::WouldFail,
                previous: None,
            },
        }
    }

    #[test]
    fn every_format_renders_through_the_one_entry() {
        let report = fixtures::fleet();
        for format in [
            Format::Table,
            Format::Json,
            Format::Jsonl,
            Format::Prometheus,
            Format::Junit,
            Format::Sarif,
        ] {
            let mut out = Vec::new();
            write(&report, &spec(format, false), &mut out).expect("writing to a Vec cannot fail");
            assert!(!out.is_empty(), "{format:?} wrote nothing");
        }
    }

    #[test]
    fn jsonl_writes_one_line_per_origin() {
        let report = fixtures::fleet();
        let mut out = Vec::new();
        write(&report, &spec(Format::Jsonl, true), &mut out).expect("writing to a Vec cannot fail");
        let text = String::from_utf8(out).expect("JSON is UTF-8");
        assert_eq!(text.lines().count(), report.origins.len());
        assert!(text.ends_with('\n'));
        assert!(
            !text.contains('\x1b'),
            "colour never reaches machine formats"
        );
    }
}
