//! The baseline difference as a short text block for people, printed after the table. Pure.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::document::{BaselineDiff, Change};

/// Writes the difference as a short block for people, for the end of the table.
pub(crate) fn write_text(diff: &BaselineDiff, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render_text(diff).as_bytes())
}

pub(crate) fn render_text(diff: &BaselineDiff) -> String {
    let s = &diff.summary;
    let mut out = format!(
        "Compared with baseline {} ({}), --fail-on {}: {} {}, {} fixed, {} still failing, {} new, {} gone.\n",
        diff.source,
        diff.generated_at,
        diff.fail_on.as_str(),
        s.regressions,
        if s.regressions == 1 {
            "regression"
        } else {
            "regressions"
        },
        s.fixed,
        s.still_failing,
        s.new,
        s.gone,
    );
    for c in &diff.changes {
        let word = match c.change {
            Change::Regressed => "regressed",
            Change::Fixed => "fixed",
            Change::New => "new",
            Change::Gone => "gone",
            Change::StillFailing | Change::Passing => "changed",
        };
        let _ = write!(out, "  {word:<9}  {}", c.key.label());
        match (c.verdict_before, c.verdict_after) {
            (Some(b), Some(a)) if b != a => {
                let _ = write!(out, "  {} -> {}", b.as_str(), a.as_str());
            }
            (Some(v), Some(_)) => {
                let _ = write!(out, "  {}", v.as_str());
            }
            (None, Some(a)) => {
                let _ = write!(out, "  {}", a.as_str());
                if c.regression {
                    out.push_str("  (a regression: new and failing)");
                }
            }
            (Some(b), None) => {
                let _ = write!(out, "  (was {})", b.as_str());
            }
            (None, None) => {}
        }
        out.push('\n');
        for f in &c.new_findings {
            let _ = writeln!(out, "      new finding: {} ({})", f.rule, f.impact.as_str());
        }
        for f in &c.resolved_findings {
            let _ = writeln!(out, "      resolved: {} ({})", f.rule, f.impact.as_str());
        }
        if let Some(r) = &c.renewed {
            let _ = writeln!(
                out,
                "      certificate renewed: expires {} (was {})",
                r.not_after, r.not_after_before
            );
        }
        if let Some(x) = &c.expiry_threshold_crossed {
            let _ = writeln!(
                out,
                "      expiry within {} days: {} days left (was {})",
                x.threshold_days, x.days_left, x.days_left_before
            );
        }
    }
    out
}
