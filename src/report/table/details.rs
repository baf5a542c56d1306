//! The lines under an origin's row: its findings grouped by rule (reason, fix, the addresses
//! they hold for) and the version scan of each address, wrapped to the table's width.

use super::*;

/// Ready origins get no block; neither does their info, except the answers to `--http` and
/// `--exposure` (`http.*`), which the user asked for: "locked" on a ready origin is news. The
/// impact test is defence in depth: a finding that matters is shown even if the verdict above
/// it were wrong.
pub(super) fn needs_details(origin: &OriginReport) -> bool {
    origin.verdict != Verdict::Ready
        || not_probed(origin)
        || origin
            .all_findings()
            .any(|f| f.impact > Impact::Info || f.rule.starts_with("http."))
}

pub(super) fn push_details(
    out: &mut String,
    origin: &OriginReport,
    entries: &[FindingGroup],
    rule_width: usize,
    layout: &Layout,
) {
    let verdict = origin.verdict.as_str();
    layout
        .paint
        .push(out, Some(verdict_style(origin.verdict)), verdict);
    push_spaces(out, WORD_WIDTH - verdict.len());
    let heading = format!("  {}  (from {})", origin_label(origin), origin.source);
    push_wrapped(out, WORD_WIDTH, WORD_WIDTH + 2, &heading, layout.width);
    out.push('\n');
    if entries.is_empty() {
        let _ = writeln!(out, "{FINDING_INDENT}(no findings recorded)");
        return;
    }
    for entry in entries {
        push_entry(out, entry, rule_width, layout);
    }
    if origin.all_findings().any(|f| f.rule.starts_with("tls.")) {
        push_version_scans(out, origin, layout.width);
    }
}

/// One line per scanned address, under origins with a handshake finding: which versions the
/// origin speaks is what the fix depends on (`TLSv1 yes, TLSv1.1 no, ..., TLSv1.3 ?`).
pub(super) fn push_version_scans(out: &mut String, origin: &OriginReport, width: usize) {
    for address in origin.addresses.iter().filter(|a| !a.versions.is_empty()) {
        let scan: Vec<String> = address
            .versions
            .iter()
            .map(|(version, v)| {
                let word = match v.support {
                    VersionSupport::Supported => "yes",
                    VersionSupport::NotSupported => "no",
                    VersionSupport::Inconclusive => "?",
                };
                format!("{} {word}", version.as_str())
            })
            .collect();
        let head = format!("{FINDING_INDENT}versions  {}: ", visible(&address.address));
        out.push_str(&head);
        let hang = FINDING_INDENT.len() + "versions  ".len();
        push_list(out, head.chars().count(), hang, &scan, ", ", width);
        out.push('\n');
    }
}

pub(super) fn push_entry(
    out: &mut String,
    entry: &FindingGroup,
    rule_width: usize,
    layout: &Layout,
) {
    let f = entry.finding;
    let impact = f.impact.as_str();
    out.push_str(FINDING_INDENT);
    layout.paint.push(out, impact_style(f.impact), impact);
    push_spaces(out, WORD_WIDTH - impact.len());
    let rule = visible(f.rule);
    let tail = format!(
        "  {rule:<rule_width$}  [{}, fact {}]",
        f.confidence.as_str(),
        f.fact
    );
    out.push_str(&tail);
    if !entry.addresses.is_empty() {
        // The addresses follow on the finding's line when they fit, else on a line of their
        // own under it, broken between addresses.
        let used = FINDING_INDENT.len() + WORD_WIDTH + tail.chars().count();
        let joined = entry.addresses.join(", ");
        let addresses: Vec<String> = entry.addresses.iter().map(|&a| a.to_owned()).collect();
        if used + 2 + visible_width(&joined) <= layout.width {
            out.push_str("  ");
            out.push_str(&visible(&joined));
        } else {
            out.push('\n');
            out.push_str(TEXT_INDENT);
            out.push_str(ADDRESSES_LABEL);
            let hang = TEXT_INDENT.len() + ADDRESSES_LABEL.len();
            push_list(out, hang, hang, &addresses, ", ", layout.width);
        }
    }
    out.push('\n');
    let width = layout.width;

    // A would-5xx is never printed without a reason and a fix; if a rule forgot one, say so
    // rather than print a bare verdict.
    let must_explain = f.impact > Impact::Warn;
    match (f.reason.trim().is_empty(), must_explain) {
        (false, _) => push_text(out, TEXT_INDENT, "", &f.reason, width),
        (true, true) => push_text(out, TEXT_INDENT, "", "(no reason recorded)", width),
        (true, false) => {}
    }
    match (f.fix.trim().is_empty(), must_explain) {
        (false, _) => push_text(out, TEXT_INDENT, FIX_LABEL, &f.fix, width),
        (true, true) => push_text(out, TEXT_INDENT, FIX_LABEL, "(no fix recorded)", width),
        (true, false) => {}
    }
}

/// Writes `label` + `text` after `indent`, wrapped at `width`, continuing every further line
/// (the text's own and the wrapped ones) under the first one's text, so no line of a reason
/// ever starts at the left margin.
pub(super) fn push_text(out: &mut String, indent: &str, label: &str, text: &str, width: usize) {
    let hang = indent.len() + label.len();
    for (i, line) in text.lines().enumerate() {
        out.push_str(indent);
        if i == 0 {
            out.push_str(label);
        } else {
            push_spaces(out, label.len());
        }
        push_wrapped(out, hang, hang, line.trim_end(), width);
        out.push('\n');
    }
}
