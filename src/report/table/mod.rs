//! The human table: one row per origin, then the reasons and fixes of every origin that is not
//! ready, then the totals and the trust store.
//!
//! For people on a terminal, pinned by snapshots; it is not a machine format and promises no
//! stability beyond them. It never truncates or reorders what the report says, never prints a
//! would-502/would-504 finding without its reason and fix, and never emits an escape byte unless
//! colour was asked for.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

use super::{CloudFrontRef, FindingGroup, OriginReport, RenderOptions, Report, RootsSource};
use crate::finding::{Impact, Verdict};

/// Between two table columns.
const GAP: &str = "  ";
/// Before each finding line of a detail block.
const FINDING_INDENT: &str = "  ";
/// Before the reason and fix lines under a finding: deeper than the finding line, so a
/// multi-line reason can never be mistaken for a new finding or origin.
const TEXT_INDENT: &str = "      ";
const FIX_LABEL: &str = "fix: ";
/// Width of the longest verdict or impact word (`would-502`), so rules and names line up.
const WORD_WIDTH: usize = 9;
const LEGEND: &str = "confidence: documented = stated by AWS docs; inferred = our reading of the docs; unverified = no source, best guess";

/// Renders the table into memory and writes it with one call, so an unbuffered stdout does not
/// turn every cell into a system call.
pub(super) fn write(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let paint = Paint { color: opts.color };
    out.write_all(render(report, paint).as_bytes())
}

fn render(report: &Report, paint: Paint) -> String {
    let mut out = String::new();
    if !report.origins.is_empty() {
        push_table(&mut out, &report.origins, paint);
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
        push_details(&mut out, origin, entries, rule_width, paint);
    }
    if !report.origins.is_empty() {
        out.push('\n');
    }
    push_footer(&mut out, report);
    out
}

// ---- the table -------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

const COLUMNS: [(&str, Align); 5] = [
    ("VERDICT", Align::Left),
    ("ORIGIN", Align::Left),
    ("ADDRS", Align::Right),
    ("TLS", Align::Left),
    ("EXPIRES", Align::Right),
];

/// One cell: its visible text, and the style painted around it (never counted in its width).
struct Cell {
    text: String,
    style: Option<Style>,
}

fn push_table(out: &mut String, origins: &[OriginReport], paint: Paint) {
    let header: Vec<Cell> = COLUMNS
        .iter()
        .map(|&(name, _)| Cell {
            text: name.to_owned(),
            style: Some(Style::Bold),
        })
        .collect();
    let rows: Vec<Vec<Cell>> = origins.iter().map(row).collect();

    let mut widths = [0; COLUMNS.len()];
    for cells in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(cells) {
            *width = (*width).max(visible_width(&cell.text));
        }
    }
    push_row(out, &header, &widths, paint);
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
        push_row(out, cells, &widths, paint);
    }
}

/// `distribution E2EXAMPLE (d111.cloudfront.net)`.
fn distribution_label(cf: &CloudFrontRef) -> String {
    let mut label = format!(
        "distribution {}",
        visible(
            cf.distribution_id
                .as_deref()
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
    let plain = |text: String| Cell { text, style: None };
    let mut verdict = origin.verdict.as_str().to_owned();
    if not_probed(origin) {
        // Judged from the configuration alone: never a plain "ready" (see the footer).
        verdict.push('*');
    }
    vec![
        Cell {
            text: verdict,
            style: Some(verdict_style(origin.verdict)),
        },
        plain(origin_label(origin)),
        plain(addrs),
        plain(tls_summary(origin).to_owned()),
        plain(expiry_summary(origin)),
    ]
}

fn push_row(out: &mut String, cells: &[Cell], widths: &[usize], paint: Paint) {
    let last = cells.len() - 1;
    for (i, (cell, (&width, &(_, align)))) in
        cells.iter().zip(widths.iter().zip(&COLUMNS)).enumerate()
    {
        if i > 0 {
            out.push_str(GAP);
        }
        let pad = width - visible_width(&cell.text);
        if align == Align::Right {
            push_spaces(out, pad);
        }
        paint.push(out, cell.style, &cell.text);
        // No trailing blanks after the last column.
        if align == Align::Left && i != last {
            push_spaces(out, pad);
        }
    }
    out.push('\n');
}

/// `name:port`, plus ` (Host: x)` when CloudFront sends another Host header; for CloudFront
/// input prefixed with the origin id and followed by the current protocol policy.
fn origin_label(origin: &OriginReport) -> String {
    let mut label = String::new();
    if let Some(cf) = &origin.cloudfront {
        let _ = write!(label, "{}: ", visible(&cf.origin_id));
    }
    let _ = write!(label, "{}:{}", visible(&origin.origin), origin.port);
    if let Some(host) = &origin.host_header {
        let _ = write!(label, " (Host: {})", visible(host));
    }
    if let Some(policy) = origin
        .cloudfront
        .as_ref()
        .and_then(|c| c.origin_protocol_policy.as_deref())
    {
        let _ = write!(label, " [now {}]", visible(policy));
    }
    label
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
    first.unwrap_or("-")
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

/// Ready origins get no block; neither does their info, except the answers to `--http` and
/// `--exposure` (`http.*`), which the user asked for: "locked" on a ready origin is news. The
/// impact test is defence in depth: a finding that matters is shown even if the verdict above
/// it were wrong.
fn needs_details(origin: &OriginReport) -> bool {
    origin.verdict != Verdict::Ready
        || not_probed(origin)
        || origin
            .all_findings()
            .any(|f| f.impact > Impact::Info || f.rule.starts_with("http."))
}

/// Whether the origin was settled without a probe (S3 REST, VPC origins): its block says what
/// was and was not checked.
fn not_probed(origin: &OriginReport) -> bool {
    origin
        .findings
        .iter()
        .any(|f| f.rule == crate::verdict::distribution_rules::NOT_PROBED)
}

fn push_details(
    out: &mut String,
    origin: &OriginReport,
    entries: &[FindingGroup],
    rule_width: usize,
    paint: Paint,
) {
    let verdict = origin.verdict.as_str();
    paint.push(out, Some(verdict_style(origin.verdict)), verdict);
    push_spaces(out, WORD_WIDTH - verdict.len());
    let _ = writeln!(
        out,
        "  {}  (from {})",
        origin_label(origin),
        visible(&origin.source)
    );
    if entries.is_empty() {
        let _ = writeln!(out, "{FINDING_INDENT}(no findings recorded)");
        return;
    }
    for entry in entries {
        push_entry(out, entry, rule_width, paint);
    }
    if origin.all_findings().any(|f| f.rule.starts_with("tls.")) {
        push_version_scans(out, origin);
    }
}

/// One line per scanned address, under origins with a handshake finding: which versions the
/// origin speaks is what the fix depends on (`TLSv1 yes, TLSv1.1 no, ..., TLSv1.3 ?`).
fn push_version_scans(out: &mut String, origin: &OriginReport) {
    for address in origin.addresses.iter().filter(|a| !a.versions.is_empty()) {
        let scan: Vec<String> = address
            .versions
            .iter()
            .map(|(version, v)| {
                let word = match v.support {
                    "supported" => "yes",
                    "not-supported" => "no",
                    _ => "?",
                };
                format!("{version} {word}")
            })
            .collect();
        let _ = writeln!(
            out,
            "{FINDING_INDENT}versions  {}: {}",
            visible(&address.address),
            scan.join(", ")
        );
    }
}

fn push_entry(out: &mut String, entry: &FindingGroup, rule_width: usize, paint: Paint) {
    let f = entry.finding;
    let impact = f.impact.as_str();
    out.push_str(FINDING_INDENT);
    paint.push(out, impact_style(f.impact), impact);
    push_spaces(out, WORD_WIDTH - impact.len());
    let rule = visible(f.rule);
    let _ = write!(
        out,
        "  {rule:<rule_width$}  [{}, fact {}]",
        f.confidence.as_str(),
        f.fact
    );
    if !entry.addresses.is_empty() {
        let _ = write!(out, "  {}", visible(&entry.addresses.join(", ")));
    }
    out.push('\n');

    // A would-5xx is never printed without a reason and a fix; if a rule forgot one, say so
    // rather than print a bare verdict.
    let must_explain = f.impact > Impact::Warn;
    match (f.reason.trim().is_empty(), must_explain) {
        (false, _) => push_text(out, TEXT_INDENT, "", &f.reason),
        (true, true) => push_text(out, TEXT_INDENT, "", "(no reason recorded)"),
        (true, false) => {}
    }
    match (f.fix.trim().is_empty(), must_explain) {
        (false, _) => push_text(out, TEXT_INDENT, FIX_LABEL, &f.fix),
        (true, true) => push_text(out, TEXT_INDENT, FIX_LABEL, "(no fix recorded)"),
        (true, false) => {}
    }
}

/// Writes `label` + `text` after `indent`, continuing every further line of `text` under the
/// first one's text, so no line of a reason ever starts at the left margin.
fn push_text(out: &mut String, indent: &str, label: &str, text: &str) {
    for (i, line) in text.lines().enumerate() {
        out.push_str(indent);
        if i == 0 {
            out.push_str(label);
        } else {
            push_spaces(out, label.len());
        }
        out.push_str(visible(line).trim_end());
        out.push('\n');
    }
}

// ---- the footer ------------------------------------------------------------------------------

fn push_footer(out: &mut String, report: &Report) {
    let s = &report.summary;
    let noun = if s.origins == 1 { "origin" } else { "origins" };
    let _ = writeln!(
        out,
        "{} {noun}: {} ready, {} warn, {} would-502, {} would-504",
        s.origins, s.ready, s.warn, s.would_502, s.would_504
    );
    if report.judged_at != report.generated_at {
        let _ = writeln!(
            out,
            "Judged as of: {} (--at); every expiry counts from then",
            visible(&report.judged_at)
        );
    }
    if let Some(i) = &report.interrupted {
        let _ = writeln!(
            out,
            "INTERRUPTED: this report is partial ({} origins abandoned in flight{})",
            i.abandoned,
            if i.input_left {
                "; the rest of the input was not probed"
            } else {
                ""
            }
        );
    }
    if report.origins.iter().any(not_probed) {
        out.push_str(
            "* not probed: judged from the distribution's configuration alone; its findings say what was and was not checked\n",
        );
    }
    let _ = writeln!(out, "Trust store: {}", visible(&report.roots.description));
    if report.roots.source == RootsSource::File {
        out.push_str("  (verdicts are against this store, not CloudFront's Mozilla list)\n");
    }
    out.push_str(LEGEND);
    out.push('\n');
}

// ---- text and colour -------------------------------------------------------------------------

/// Report text is sanitised where it is built; this is defence in depth for the terminal:
/// any control character left (a newline in a cell, an ESC) is shown as `\u{..}`, never sent.
fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Columns a string takes on a terminal, counted in characters. Names are IDNA-normalised and
/// the rest is ours, so wide (CJK) characters are rare enough not to need a width table.
fn visible_width(text: &str) -> usize {
    visible(text).chars().count()
}

fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// ANSI SGR styles: the few the table uses.
#[derive(Clone, Copy)]
enum Style {
    Bold,
    Green,
    Yellow,
    Red,
    BoldRed,
}

impl Style {
    fn sgr(self) -> &'static str {
        match self {
            Style::Bold => "\x1b[1m",
            Style::Green => "\x1b[32m",
            Style::Yellow => "\x1b[33m",
            Style::Red => "\x1b[31m",
            Style::BoldRed => "\x1b[1;31m",
        }
    }
}

const RESET: &str = "\x1b[0m";

fn verdict_style(verdict: Verdict) -> Style {
    match verdict {
        Verdict::Ready => Style::Green,
        Verdict::Warn => Style::Yellow,
        Verdict::Would502 | Verdict::Would504 => Style::Red,
    }
}

fn impact_style(impact: Impact) -> Option<Style> {
    match impact {
        Impact::Info => None,
        Impact::Warn => Some(Style::Yellow),
        Impact::Would502 | Impact::Would504 => Some(Style::BoldRed),
    }
}

/// Whether to colour; the only place escape bytes are written.
#[derive(Clone, Copy)]
struct Paint {
    color: bool,
}

impl Paint {
    /// Pushes `text` (made visible), wrapped in `style` when colour is on.
    fn push(self, out: &mut String, style: Option<Style>, text: &str) {
        match style {
            Some(style) if self.color => {
                out.push_str(style.sgr());
                out.push_str(&visible(text));
                out.push_str(RESET);
            }
            _ => out.push_str(&visible(text)),
        }
    }
}

#[cfg(test)]
mod tests;
