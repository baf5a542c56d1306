//! Delivering a report: the whole document through `report::write` to stdout or atomically to
//! `--output`, or JSON Lines as each origin finishes.
//!
//! Decides colour (a terminal, `NO_COLOR`, `TERM=dumb`) here at the edge, so renderers stay
//! pure. Never judges or changes a report.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use anyhow::{Context, Result};

use super::assemble::Clock;
use super::drive::InputOrder;
use crate::config::OutputConfig;
use crate::document::{Format, InputErrorReport, OriginReport, Report, RunContext, RunError};
use crate::output::{self, StreamingFile};
use crate::report::{self, MonitorOptions, RenderOptions, RenderSpec};

/// Where finished origins go while the run is going: streamed as JSON Lines, or kept for a
/// document written at the end (the other formats list origins in input order).
#[derive(Debug)]
pub(super) enum Sink {
    Lines {
        out: LineSink,
        context: RunContext,
        /// The first write error; later origins are not written.
        error: Option<io::Error>,
    },
    Document(Vec<(InputOrder, OriginReport)>),
}

impl Sink {
    /// JSON Lines to stdout or into a file that replaces `--output` only on completion;
    /// otherwise a collection for the document.
    pub(super) fn open(output: &OutputConfig, context: RunContext) -> Result<Sink> {
        if output.format != Format::Jsonl {
            return Ok(Sink::Document(Vec::new()));
        }
        let out = match output.path.as_deref() {
            None => LineSink::Stdout(io::BufWriter::new(io::stdout())),
            Some(path) => LineSink::File(
                StreamingFile::create(path)
                    .with_context(|| format!("creating --output {}", path.display()))?,
            ),
        };
        Ok(Sink::Lines {
            out,
            context,
            error: None,
        })
    }

    /// Takes one finished origin.
    pub(super) fn take(&mut self, order: InputOrder, origin: OriginReport) {
        match self {
            Sink::Lines {
                out,
                context,
                error,
            } => {
                if error.is_none()
                    && let Err(e) =
                        report::write_jsonl_origin(&origin, context, out).and_then(|()| out.flush())
                {
                    *error = Some(e);
                }
            }
            Sink::Document(origins) => origins.push((order, origin)),
        }
    }

    /// Ends the stream with one record per input error, then the prober's failure if any
    /// (`{"schema_version", "run", "run_error"}`, since the origins it left out have no line);
    /// every line written is whole, so an interrupted stream is still valid JSON Lines. For a
    /// document, gives back the collected origins.
    pub(super) fn finish(
        self,
        input_errors: &[InputErrorReport],
        run_error: Option<&RunError>,
    ) -> Result<Option<Vec<(InputOrder, OriginReport)>>> {
        match self {
            Sink::Lines { error: Some(e), .. } => {
                Err(anyhow::Error::new(e).context("writing the report"))
            }
            Sink::Lines {
                mut out, context, ..
            } => {
                for error in input_errors {
                    report::write_jsonl_input_error(error, &context, &mut out)
                        .context("writing the report")?;
                }
                if let Some(run_error) = run_error {
                    report::json::write_jsonl_run_error(run_error, &context, &mut out)
                        .context("writing the report")?;
                }
                out.finish().context("writing the report")?;
                Ok(None)
            }
            Sink::Document(origins) => Ok(Some(origins)),
        }
    }
}

/// How `output` wants the document rendered, now that the run is over.
pub(super) fn render_spec(output: &OutputConfig, clock: &Clock) -> RenderSpec {
    RenderSpec {
        format: output.format,
        options: RenderOptions {
            color: output.path.is_none()
                && output.format == Format::Table
                && color_wanted(&io::stdout()),
            width: table_width(output.path.is_none()),
            sources: output.sources,
        },
        monitor: MonitorOptions {
            run: clock.meta(),
            fail_on: output.fail_on,
            // The textfile this run replaces is the memory of the last known expiries; a
            // missing or unreadable one just means there is nothing to carry over.
            previous: match (output.format, output.path.as_deref()) {
                (Format::Prometheus, Some(path)) => std::fs::read_to_string(path).ok(),
                _ => None,
            },
        },
    }
}

/// Writes the whole report to stdout, or to `path` atomically.
pub(super) fn deliver(report: &Report, spec: &RenderSpec, path: Option<&Path>) -> Result<()> {
    let render = |w: &mut dyn Write| report::write(report, spec, w);
    match path {
        None => {
            let mut out = io::BufWriter::new(io::stdout());
            render(&mut out)
                .and_then(|()| out.flush())
                .context("writing the report")
        }
        Some(path) => output::write_atomically(path, render)
            .with_context(|| format!("writing --output {}", path.display())),
    }
}

/// Where JSON Lines go as origins finish.
#[derive(Debug)]
pub(super) enum LineSink {
    Stdout(io::BufWriter<io::Stdout>),
    /// Replaces the `--output` file only when the run completes.
    File(StreamingFile),
}

impl LineSink {
    fn finish(self) -> io::Result<()> {
        match self {
            LineSink::Stdout(mut out) => out.flush(),
            LineSink::File(file) => file.commit(),
        }
    }
}

impl Write for LineSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            LineSink::Stdout(out) => out.write(buf),
            LineSink::File(file) => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            LineSink::Stdout(out) => out.flush(),
            LineSink::File(file) => file.flush(),
        }
    }
}

/// Columns for the table: 80 for an `--output` file, so the file does not depend on where it
/// was made; on stdout `COLUMNS` when set (as a shell may export it, or a test), else the
/// terminal's width, else 80 (a pipe, CI logs).
fn table_width(to_stdout: bool) -> usize {
    if !to_stdout {
        return report::DEFAULT_WIDTH;
    }
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return n;
    }
    let stdout = io::stdout();
    match terminal_size::terminal_size_of(&stdout) {
        Some((terminal_size::Width(w), _)) if stdout.is_terminal() => usize::from(w),
        _ => report::DEFAULT_WIDTH,
    }
}

/// Colour only for a terminal, and never when NO_COLOR is set (<https://no-color.org>) or TERM=dumb.
fn color_wanted(stream: &impl IsTerminal) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    stream.is_terminal() && !no_color && !dumb
}
