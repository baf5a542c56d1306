//! JUnit XML (`--format junit`): origins as test cases, for CI systems that show test reports.
//!
//! This module only renders: `--fail-on` arrives as a parameter, and it never changes a verdict.
//! Every string is XML-escaped, so the document is well-formed whatever a reason contains.
//!
//! # Shape
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="origin-probe" tests="2" failures="1" errors="0">
//!   <testsuite name="distribution E2EXAMPLE1" tests="2" failures="1" errors="0" skipped="0">
//!     <properties>
//!       <property name="generated_at" value="2025-06-01T12:00:00Z"/>
//!       ...
//!     </properties>
//!     <testcase name="www.example.com:443 [origin web]" classname="distribution E2EXAMPLE1" time="0.412"/>
//!     <testcase name="api.example.com:443 [origin api]" classname="distribution E2EXAMPLE1" time="0.412">
//!       <failure type="would-502" message="would-502: cert.expired">...</failure>
//!       <system-out>...</system-out>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! - **One `testsuite` per input**: one per CloudFront distribution (`distribution ID`), one for
//!   distribution configs without an id (`distribution config`), one for the targets of `check`
//!   (`origin-probe check`), in order of first appearance. `classname` is the suite name.
//! - **One `testcase` per origin**, in report order, named `origin:port`, then `(Host: NAME)`
//!   when the viewer Host header is forwarded, then `[origin ID]` for CloudFront input.
//!   `time` is the seconds spent on the origin.
//! - **`failure`** when the origin would get 502 or 504, and also for `warn` under
//!   `--fail-on warn`. `--fail-on never` changes only the exit code: a would-fail origin is
//!   still a failure here, because a report that hid it would lie. `type` is the verdict,
//!   `message` the verdict and the failing rules; the body lists each failing finding with its
//!   impact, rule, confidence, fact number and addresses, then its reason and `fix:`.
//! - **`system-out`** holds the origin's other findings (info, and warnings that do not fail),
//!   in the same form.
//! - Suite `properties`: `generated_at`, `roots` (the trust store; `roots_source` `file` means
//!   the verdicts are not CloudFront's), `fail_on`, `tool`.
//! - `errors` counts only what kept the run from judging its input, never an origin: an
//!   origin that could not be reached is a verdict (would-502 or would-504). An interrupted run
//!   is one `error` case (suite `run`); each bad input entry (a target line, a CloudFront
//!   document or origin) is one `error` case in suite `input`, named by its source, `type` its
//!   kind (`target`, `read`, `document`, `origin`) and the message its text. `skipped` is 0.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::document::{FailOn, FindingGroup, OriginReport, Report, RootsSource};
use crate::finding::{Impact, Verdict};

/// Suite name for the targets of `check` (arguments, files, stdin).
const CHECK_SUITE: &str = "origin-probe check";
/// Suite name for CloudFront origins whose input named no distribution id.
const UNNAMED_DISTRIBUTION_SUITE: &str = "distribution config";

/// Writes `report` as one JUnit XML document, in one `write_all`.
pub(crate) fn write(report: &Report, fail_on: FailOn, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report, fail_on).as_bytes())
}

struct Suite<'a> {
    name: String,
    origins: Vec<&'a OriginReport>,
}

fn suite_name(origin: &OriginReport) -> String {
    match &origin.cloudfront {
        None => CHECK_SUITE.to_owned(),
        Some(cf) => match &cf.distribution_id {
            Some(id) => format!("distribution {id}"),
            None => UNNAMED_DISTRIBUTION_SUITE.to_owned(),
        },
    }
}

/// Origins grouped by input, suites in order of first appearance.
fn suites(report: &Report) -> Vec<Suite<'_>> {
    let mut suites: Vec<Suite> = Vec::new();
    for origin in &report.origins {
        let name = suite_name(origin);
        match suites.iter_mut().find(|s| s.name == name) {
            Some(suite) => suite.origins.push(origin),
            None => suites.push(Suite {
                name,
                origins: vec![origin],
            }),
        }
    }
    suites
}

/// Whether the origin's test case fails. A would-fail verdict always does (see the module docs).
fn fails(origin: &OriginReport, fail_on: FailOn) -> bool {
    origin.verdict.fails() || fail_on.fails(origin.verdict)
}

/// Whether a finding of this impact belongs in the failure body rather than in `system-out`.
fn failing_impact(impact: Impact, fail_on: FailOn) -> bool {
    match impact {
        Impact::Would502 | Impact::Would504 => true,
        Impact::Warn => fail_on == FailOn::Warn,
        Impact::Info => false,
    }
}

fn render(report: &Report, fail_on: FailOn) -> String {
    let suites = suites(report);
    let failures = |origins: &[&OriginReport]| origins.iter().filter(|o| fails(o, fail_on)).count();
    let total_failures: usize = suites.iter().map(|s| failures(&s.origins)).sum();
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    // An interrupted run is one error at the top: CI shows it failed, whatever the origins.
    let errors = usize::from(report.interrupted.is_some())
        + usize::from(report.run_error.is_some())
        + report.input_errors.len();
    let _ = writeln!(
        out,
        "<testsuites name=\"origin-probe\" tests=\"{}\" failures=\"{total_failures}\" errors=\"{errors}\">",
        report.origins.len() + errors
    );
    if let Some(i) = &report.interrupted {
        let _ = writeln!(
            out,
            "  <testsuite name=\"run\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase classname=\"run\" name=\"origin-probe run\">\n      <error message=\"interrupted: the report is partial\" type=\"interrupted\">{} origins abandoned in flight{}</error>\n    </testcase>\n  </testsuite>",
            i.abandoned,
            if i.input_left {
                "; the rest of the input was not probed"
            } else {
                ""
            }
        );
    }
    if let Some(e) = &report.run_error {
        let _ = writeln!(
            out,
            "  <testsuite name=\"prober\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase classname=\"prober\" name=\"origin-probe {}\">\n      <error message=\"the prober failed, not the origins\" type=\"{}\">{}; {} origins not judged</error>\n    </testcase>\n  </testsuite>",
            e.kind,
            e.kind,
            text(&e.message),
            e.origins_not_judged
        );
    }
    push_input_errors(&mut out, report);
    for suite in &suites {
        let name = attr(&suite.name);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
            suite.origins.len(),
            failures(&suite.origins)
        );
        push_properties(&mut out, report, fail_on);
        for origin in &suite.origins {
            push_case(&mut out, origin, &name, fail_on);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Suite `input`: one error case per bad input entry, so CI shows input that was ignored.
fn push_input_errors(out: &mut String, report: &Report) {
    if report.input_errors.is_empty() {
        return;
    }
    let n = report.input_errors.len();
    let _ = writeln!(
        out,
        "  <testsuite name=\"input\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\">"
    );
    for e in &report.input_errors {
        let _ = writeln!(
            out,
            "    <testcase classname=\"input\" name=\"{}\">\n      <error message=\"{}\" type=\"{}\">{}</error>\n    </testcase>",
            attr(&e.source),
            attr(&e.message),
            e.kind.as_str(),
            text(&e.message)
        );
    }
    out.push_str("  </testsuite>\n");
}

fn push_properties(out: &mut String, report: &Report, fail_on: FailOn) {
    let source = match report.roots.source {
        RootsSource::Mozilla => "mozilla",
        RootsSource::File => "file",
    };
    let tool = format!("{} {}", report.tool.name, report.tool.version);
    out.push_str("    <properties>\n");
    for (name, value) in [
        ("generated_at", report.generated_at.as_str()),
        ("roots", report.roots.description.as_str()),
        ("roots_source", source),
        ("fail_on", fail_on.as_str()),
        ("tool", tool.as_str()),
    ] {
        let _ = writeln!(
            out,
            "      <property name=\"{name}\" value=\"{}\"/>",
            attr(value)
        );
    }
    out.push_str("    </properties>\n");
}

/// `classname` is already escaped.
fn push_case(out: &mut String, origin: &OriginReport, classname: &str, fail_on: FailOn) {
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{classname}\" time=\"{}\"",
        attr(&case_name(origin)),
        seconds(origin.elapsed_ms)
    );
    let mut entries = origin.grouped_findings();
    // Worst first; stable, so equal impacts keep the report's order.
    entries.sort_by_key(|e| std::cmp::Reverse(e.finding.impact));
    // The verdict is the worst finding, so a failing impact implies a failing origin: when the
    // origin passes, every finding goes to system-out.
    let fails = fails(origin, fail_on);
    let (failing, rest): (Vec<&FindingGroup>, Vec<&FindingGroup>) = entries
        .iter()
        .partition(|e| fails && failing_impact(e.finding.impact, fail_on));
    if !fails && rest.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if fails {
        let _ = write!(
            out,
            "      <failure type=\"{}\" message=\"{}\">",
            origin.verdict.as_str(),
            attr(&failure_message(origin.verdict, &failing))
        );
        push_entries(out, &failing);
        out.push_str("</failure>\n");
    }
    if !rest.is_empty() {
        out.push_str("      <system-out>");
        push_entries(out, &rest);
        out.push_str("</system-out>\n");
    }
    out.push_str("    </testcase>\n");
}

fn case_name(origin: &OriginReport) -> String {
    let mut name = format!("{}:{}", origin.origin, origin.port);
    let viewer = origin
        .cloudfront
        .as_ref()
        .and_then(|cf| cf.viewer_name.as_deref());
    if let Some(host) = origin.host_header.as_deref().or(viewer) {
        let _ = write!(name, " (Host: {host})");
    }
    if let Some(cf) = &origin.cloudfront {
        let _ = write!(name, " [origin {}]", cf.origin_id);
    }
    name
}

/// `would-502: cert.expired, tls.chain-order`: the verdict, then each failing rule once.
fn failure_message(verdict: Verdict, failing: &[&FindingGroup]) -> String {
    let mut rules: Vec<&str> = Vec::new();
    for e in failing {
        if !rules.contains(&e.finding.rule) {
            rules.push(e.finding.rule);
        }
    }
    if rules.is_empty() {
        verdict.as_str().to_owned()
    } else {
        format!("{}: {}", verdict.as_str(), rules.join(", "))
    }
}

fn push_entries(out: &mut String, entries: &[&FindingGroup]) {
    let mut block = String::new();
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            block.push('\n');
        }
        let f = e.finding;
        let _ = write!(
            block,
            "{} {} [{}, fact {}]",
            f.impact.as_str(),
            f.rule,
            f.confidence.as_str(),
            f.fact
        );
        if !e.addresses.is_empty() {
            let _ = write!(block, " on {}", e.addresses.join(", "));
        }
        let _ = writeln!(block, "\n{}", f.reason);
        if !f.fix.is_empty() {
            let _ = writeln!(block, "fix: {}", f.fix);
        }
    }
    out.push_str(&text(&block));
}

/// `412` ms as `0.412`, exactly.
fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Escapes character data. A character XML 1.0 cannot carry at all becomes U+FFFD.
fn text(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Escapes a double-quoted attribute value; whitespace other than space is kept as character
/// references, since a parser would otherwise normalise it to spaces.
fn attr(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, in_attribute: bool) -> Cow<'_, str> {
    let plain = |c: char| {
        xml_char(c) && !matches!(c, '&' | '<' | '>' | '"' | '\r') && !(in_attribute && c < ' ')
    };
    if s.chars().all(plain) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            c if xml_char(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
    Cow::Owned(out)
}

/// The `Char` production of XML 1.0.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

#[cfg(test)]
mod tests;
