//! The human table: one row per origin, then the reasons and fixes of every origin that is not
//! ready, then the totals and the trust store (and, with `--sources`, where each cited fact
//! can be checked).
//!
//! For people on a terminal, pinned by snapshots; it is not a machine format and promises no
//! stability beyond them. It never truncates or reorders what the report says, never prints a
//! would-502/would-504 finding without its reason and fix, and never emits an escape byte unless
//! colour was asked for. Lines wrap at word boundaries to the width the caller gives
//! (`RenderOptions::width`); the ORIGIN cell is the last column, so a long one (`(Host: ...)`,
//! a CloudFront origin id) wraps on its own row instead of widening every row.

mod details;
mod paint;
mod wrap;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;

use super::RenderOptions;
use crate::document::{
    CloudFrontRef, FindingGroup, OriginReport, Report, RootsSource, VersionSupport,
};
use crate::finding::{Impact, Verdict};
use crate::record::TlsVersion;
use details::{needs_details, push_details};
use paint::{Paint, Style, impact_style, verdict_style};
use wrap::{push_list, push_spaces, push_wrapped, visible, visible_width};

/// Between two table columns.
const GAP: &str = "  ";
/// Before each finding line of a detail block.
const FINDING_INDENT: &str = "  ";
/// Before the reason and fix lines under a finding: deeper than the finding line, so a
/// multi-line reason can never be mistaken for a new finding or origin.
const TEXT_INDENT: &str = "      ";
const FIX_LABEL: &str = "fix: ";
/// Before a finding's addresses when they do not fit on its line.
const ADDRESSES_LABEL: &str = "on: ";
/// Width of the longest verdict or impact word (`would-502`), so rules and names line up.
const WORD_WIDTH: usize = 9;
const LEGEND: &str = "confidence: documented = stated by AWS docs; inferred = our reading of the docs; unverified = no source, best guess";
/// Below this many columns left for ORIGIN, its further lines start near the margin.
const NARROW_CELL: usize = 40;
/// The narrowest line wrapping aims for: below it a terminal is too narrow to lay out, and
/// lines simply run longer.
const MIN_WIDTH: usize = 40;

/// Renders the table into memory and writes it with one call, so an unbuffered stdout does not
/// turn every cell into a system call.
pub(super) fn write(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let layout = Layout {
        paint: Paint { color: opts.color },
        width: opts.width.max(MIN_WIDTH),
        sources: opts.sources,
    };
    out.write_all(render_with(report, &layout).as_bytes())
}

/// How this rendering lays text out: colour, width, and whether to list sources.
#[derive(Clone, Copy)]
struct Layout {
    paint: Paint,
    width: usize,
    sources: bool,
}

/// The table as a file or a pipe gets it: 80 columns, no sources.
#[cfg(test)]
fn render(report: &Report, paint: Paint) -> String {
    render_at(report, paint, super::DEFAULT_WIDTH)
}

/// The table at `width` columns, no sources.
#[cfg(test)]
fn render_at(report: &Report, paint: Paint, width: usize) -> String {
    let layout = Layout {
        paint,
        width,
        sources: false,
    };
    render_with(report, &layout)
}

fn render_with(report: &Report, layout: &Layout) -> String {
    let paint = layout.paint;
    let width = layout.width;
    let mut out = String::new();
    if !report.origins.is_empty() {
        push_table(&mut out, &report.origins, paint, width);
    }
    let blocks: Vec<(&OriginReport, Vec<FindingGroup<'_>>)> = report
        .origins
        .iter()
        .filter(|o| needs_details(o))
        .map(|o| (o, o.grouped_findings()))
        .collect();
    // One rule width for the whole report, so every block lines up the same way.
    let rule_width = blocks
        .iter()
        .flat_map(|(_, entries)| entries)
        .map(|e| visible_width(e.finding.rule))
        .max()
        .unwrap_or(0);
    for (origin, entries) in &blocks {
        out.push('\n');
        push_details(&mut out, origin, entries, rule_width, layout);
    }
    if !report.origins.is_empty() {
        out.push('\n');
    }
    push_footer(&mut out, report, width);
    if layout.sources {
        let facts: BTreeSet<u16> = blocks
            .iter()
            .flat_map(|(_, entries)| entries)
            .map(|e| e.finding.fact)
            .collect();
        push_sources(&mut out, &facts, width);
    }
    out
}

// ---- the table -------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// ORIGIN comes last: its cells vary most in length, and as the last column a long one wraps
/// on its own row instead of padding every other row out to its width.
const COLUMNS: [(&str, Align); 5] = [
    ("VERDICT", Align::Left),
    ("ADDRS", Align::Right),
    ("TLS", Align::Left),
    ("EXPIRES", Align::Right),
    ("ORIGIN", Align::Left),
];

/// One cell: its visible text, and the style painted around it (never counted in its width).
/// The last column's cell also knows where it may break (between `pieces`).
struct Cell {
    text: String,
    style: Option<Style>,
    pieces: Vec<String>,
}

fn push_table(out: &mut String, origins: &[OriginReport], paint: Paint, width: usize) {
    let header: Vec<Cell> = COLUMNS
        .iter()
        .map(|&(name, _)| Cell {
            text: name.to_owned(),
            style: Some(Style::Bold),
            pieces: vec![name.to_owned()],
        })
        .collect();
    let rows: Vec<Vec<Cell>> = origins.iter().map(row).collect();

    // The last column is never padded, so its cells do not set a width.
    let mut widths = [0; COLUMNS.len()];
    for cells in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(cells) {
            *w = (*w).max(visible_width(&cell.text));
        }
    }
    push_row(out, &header, &widths, paint, width);
    let mut group: Option<String> = None;
    for (origin, cells) in origins.iter().zip(&rows) {
        // CloudFront input: a line naming the distribution before its first origin.
        if let Some(cf) = &origin.cloudfront {
            let label = distribution_label(cf);
            if group.as_deref() != Some(label.as_str()) {
                paint.push(out, Some(Style::Bold), &label);
                out.push('\n');
                group = Some(label);
            }
        }
        push_row(out, cells, &widths, paint, width);
    }
}

/// `distribution E2EXAMPLE (d111.cloudfront.net)`; for infrastructure as code, the resource
/// (`distribution module.cdn.aws_cloudfront_distribution.main`) when the id is not known yet.
fn distribution_label(cf: &CloudFrontRef) -> String {
    let address = cf.location.as_ref().and_then(|l| l.address.as_deref());
    let mut label = format!(
        "distribution {}",
        visible(
            cf.distribution_id
                .as_deref()
                .or(address)
                .unwrap_or("(id not in the input)")
        )
    );
    if let Some(domain) = &cf.distribution_domain {
        let _ = write!(label, " ({})", visible(domain));
    }
    label
}

fn row(origin: &OriginReport) -> Vec<Cell> {
    let addrs = match origin.addresses.len() {
        0 => "-".to_owned(),
        n => n.to_string(),
    };
    let plain = |text: String| Cell {
        pieces: vec![text.clone()],
        text,
        style: None,
    };
    let label = origin_label_pieces(origin);
    let mut verdict = origin.verdict.as_str().to_owned();
    if not_probed(origin) {
        // Judged from the configuration alone: never a plain "ready" (see the footer).
        verdict.push('*');
    }
    vec![
        Cell {
            text: verdict,
            style: Some(verdict_style(origin.verdict)),
            pieces: Vec::new(),
        },
        plain(addrs),
        plain(tls_summary(origin).to_owned()),
        plain(expiry_summary(origin)),
        Cell {
            text: label.join(" "),
            style: None,
            pieces: label,
        },
    ]
}

/// One row; the last cell wraps at `width`, its further lines starting under it.
fn push_row(out: &mut String, cells: &[Cell], widths: &[usize], paint: Paint, width: usize) {
    let last = cells.len() - 1;
    let mut col = 0;
    for (i, (cell, (&w, &(_, align)))) in cells.iter().zip(widths.iter().zip(&COLUMNS)).enumerate()
    {
        if i > 0 {
            out.push_str(GAP);
            col += GAP.len();
        }
        if i == last {
            // Unstyled (only VERDICT is coloured), so it can be wrapped as plain text, between
            // its pieces (`name:port`, `(Host: ...)`, `[now ...]`), never inside one. Further
            // lines start under the column, unless a narrow terminal leaves too little room
            // there for a long name: then they start near the margin.
            let indent = if width - col.min(width) >= NARROW_CELL {
                col
            } else {
                FINDING_INDENT.len() * 2
            };
            push_list(out, col, indent, &cell.pieces, " ", width);
            break;
        }
        let pad = w - visible_width(&cell.text);
        if align == Align::Right {
            push_spaces(out, pad);
        }
        paint.push(out, cell.style, &cell.text);
        if align == Align::Left {
            push_spaces(out, pad);
        }
        col += w;
    }
    out.push('\n');
}

/// `name:port`, plus ` (Host: x)` when CloudFront sends another Host header; for CloudFront
/// input prefixed with the origin id and followed by the current protocol policy.
fn origin_label(origin: &OriginReport) -> String {
    origin_label_pieces(origin).join(" ")
}

/// The parts of [`origin_label`] a line may break between.
fn origin_label_pieces(origin: &OriginReport) -> Vec<String> {
    let mut pieces = Vec::new();
    if let Some(cf) = &origin.cloudfront {
        pieces.push(format!("{}:", visible(&cf.origin_id)));
    }
    pieces.push(format!("{}:{}", visible(&origin.origin), origin.port));
    if let Some(host) = &origin.host_header {
        pieces.push(format!("(Host: {})", visible(host)));
    }
    if let Some(policy) = origin
        .cloudfront
        .as_ref()
        .and_then(|c| c.origin_protocol_policy.as_deref())
    {
        pieces.push(format!("[now {}]", visible(policy)));
    }
    pieces
}

/// The TLS version the addresses negotiated: `-` when none did, `mixed` when they differ
/// (including when some negotiated and some did not).
fn tls_summary(origin: &OriginReport) -> &'static str {
    let mut versions = origin.addresses.iter().map(|a| a.tls_version);
    let Some(first) = versions.next() else {
        return "-";
    };
    if versions.any(|v| v != first) {
        return "mixed";
    }
    first.map_or("-", TlsVersion::as_str)
}

/// The fewest days left on any leaf certificate (position 0) of the origin's addresses.
fn expiry_summary(origin: &OriginReport) -> String {
    let soonest = origin
        .addresses
        .iter()
        .flat_map(|a| &a.chain)
        .filter(|c| c.position == 0)
        .map(|c| c.days_left)
        .min();
    match soonest {
        None => "-".to_owned(),
        Some(days) if days < 0 => "expired".to_owned(),
        Some(days) => format!("{days}d"),
    }
}

// ---- the detail blocks -----------------------------------------------------------------------

/// Whether the origin was settled without a probe (S3 REST, VPC origins): its block says what
/// was and was not checked.
fn not_probed(origin: &OriginReport) -> bool {
    origin
        .findings
        .iter()
        .any(|f| f.rule == crate::verdict::distribution_rules::NOT_PROBED)
}

// ---- the footer ------------------------------------------------------------------------------

fn push_footer(out: &mut String, report: &Report, width: usize) {
    let mut line = |text: &str| {
        let lead = text.len() - text.trim_start().len();
        push_spaces(out, lead);
        push_wrapped(out, lead, lead + 2, text.trim_start(), width);
        out.push('\n');
    };
    let s = &report.summary;
    let noun = if s.origins == 1 { "origin" } else { "origins" };
    line(&format!(
        "{} {noun}: {} ready, {} warn, {} would-502, {} would-504",
        s.origins, s.ready, s.warn, s.would_502, s.would_504
    ));
    if report.judged_at != report.generated_at {
        line(&format!(
            "Judged as of: {} (--at); every expiry counts from then",
            report.judged_at
        ));
    }
    if let Some(i) = &report.interrupted {
        line(&format!(
            "INTERRUPTED: this report is partial ({} origins abandoned in flight{})",
            i.abandoned,
            if i.input_left {
                "; the rest of the input was not probed"
            } else {
                ""
            }
        ));
    }
    if let Some(e) = &report.run_error {
        line(&format!(
            "RUN ERROR: the prober failed, not the origins: {}; {} origins not judged",
            e.message, e.origins_not_judged
        ));
    }
    if !report.input_errors.is_empty() {
        let n = report.input_errors.len();
        line(&format!(
            "INPUT ERRORS: {n} {} of the input named nothing to probe (each is on stderr)",
            if n == 1 { "entry" } else { "entries" }
        ));
    }
    if report.origins.iter().any(not_probed) {
        line(
            "* not probed: judged from the distribution's configuration alone; its findings say what was and was not checked",
        );
    }
    line(&format!("Trust store: {}", report.roots.description));
    if report.roots.source == RootsSource::File {
        line("  (verdicts are against this store, not CloudFront's Mozilla list)");
    }
    line(LEGEND);
}

/// `--sources`: where each fact the findings above cite can be checked, one line per fact.
fn push_sources(out: &mut String, facts: &BTreeSet<u16>, width: usize) {
    if facts.is_empty() {
        out.push_str("Sources: no finding above cites a fact\n");
        return;
    }
    let head = format!(
        "Sources of the facts cited above (each explained in {}):",
        crate::facts::FACTS_DOC
    );
    push_wrapped(out, 0, 2, &head, width);
    out.push('\n');
    for &fact in facts {
        let url = crate::facts::url(fact).unwrap_or("(not a numbered fact)");
        let _ = writeln!(out, "  fact {fact:<3} {url}");
    }
}

#[cfg(test)]
mod tests;
