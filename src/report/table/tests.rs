//! Unit tests of the table renderer.

use super::*;
use crate::document::fixtures::{self, address, cert, finding, origin};
use crate::finding::Confidence;

const PLAIN: Paint = Paint { color: false };
const COLOUR: Paint = Paint { color: true };

/// Removes SGR sequences (`ESC [ ... m`), the only escapes the table writes.
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            assert_eq!(chars.next(), Some('['), "only CSI sequences are written");
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
                assert!(
                    c.is_ascii_digit() || c == ';',
                    "only SGR sequences are written"
                );
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn fleet_table() {
    insta::assert_snapshot!(render(&fixtures::fleet(), PLAIN));
}

#[test]
fn file_roots_table() {
    insta::assert_snapshot!(render(&fixtures::file_roots(), PLAIN));
}

#[test]
fn writes_through_the_public_entry_point() {
    let report = fixtures::fleet();
    let mut out = Vec::new();
    let spec = crate::report::RenderSpec {
        format: crate::document::Format::Table,
        options: RenderOptions::plain(),
        monitor: crate::report::MonitorOptions {
            run: crate::report::RunMeta {
                duration_seconds: 1.0,
                finished_at_unix_seconds: 1.0,
            },
            fail_on: crate::document::FailOn::WouldFail,
            previous: None,
        },
    };
    crate::report::write(&report, &spec, &mut out).expect("writing to a Vec cannot fail");
    assert_eq!(
        String::from_utf8(out).expect("UTF-8"),
        render(&report, PLAIN)
    );
}

#[test]
fn no_escape_bytes_without_colour() {
    let text = render(&fixtures::fleet(), PLAIN);
    assert!(!text.contains('\x1b'));
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
}

#[test]
fn colour_changes_nothing_visible_so_columns_still_line_up() {
    let report = fixtures::fleet();
    let coloured = render(&report, COLOUR);
    assert!(coloured.contains("\x1b[32mready\x1b[0m"));
    assert!(coloured.contains("\x1b[33mwarn\x1b[0m"));
    assert!(coloured.contains("\x1b[31mwould-502\x1b[0m"));
    assert!(
        coloured.contains("\x1b[1;31mwould-502\x1b[0m"),
        "impact word of a finding"
    );
    assert_eq!(strip_sgr(&coloured), render(&report, PLAIN));
}

#[test]
fn every_failing_finding_shows_reason_and_fix() {
    let text = render(&fixtures::fleet(), PLAIN);
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let is_failing_finding = line.starts_with("  would-50");
        if is_failing_finding {
            assert!(
                lines[i + 1].starts_with(TEXT_INDENT),
                "reason after {line:?}"
            );
            let fix = lines[i + 1..]
                .iter()
                .take_while(|l| l.starts_with(TEXT_INDENT))
                .any(|l| l.starts_with("      fix: "));
            assert!(fix, "fix after {line:?}");
        }
    }
}

#[test]
fn shared_findings_are_printed_once_with_their_addresses() {
    let text = render_at(&fixtures::fleet(), PLAIN, 120);
    assert_eq!(text.matches("cert.expired").count(), 1);
    let line = text
        .lines()
        .find(|l| l.starts_with("  would-502  cert.expired "))
        .expect("the finding is printed");
    assert!(line.ends_with("[documented, fact 12]  192.0.2.20:443, [2001:db8::20]:443"));
}

#[test]
fn ready_origins_get_no_detail_block() {
    let text = render(&fixtures::file_roots(), PLAIN);
    assert!(
        !text.contains("tls.negotiated"),
        "info of a ready origin stays hidden"
    );
}

#[test]
fn failing_finding_without_text_is_flagged_not_hidden() {
    let bare = finding(
        "conn.refused",
        Impact::Would502,
        Confidence::Inferred,
        23,
        "",
        " ",
    );
    let o = origin("a.example", 443, "argument 1", vec![bare], Vec::new());
    let text = render(&fixtures::report(vec![o], fixtures::fleet().roots), PLAIN);
    assert!(text.contains("      (no reason recorded)\n      fix: (no fix recorded)\n"));
}

#[test]
fn hostile_text_cannot_start_a_line_or_send_escapes() {
    let nasty = finding(
        "cert.name-mismatch",
        Impact::Would502,
        Confidence::Documented,
        14,
        "first\nwould-502  forged.example:443\r\nthird \x1b[2J",
        "step one\nstep two",
    );
    let mut o = origin(
        "evil\x1b]0;title\x07.example",
        443,
        "x\ny",
        Vec::new(),
        Vec::new(),
    );
    o.addresses = vec![address("192.0.2.1:443", None, Vec::new(), vec![nasty])];
    o.verdict = Verdict::Would502;
    let text = render(&fixtures::report(vec![o], fixtures::fleet().roots), PLAIN);
    assert!(!text.contains('\x1b') && !text.contains('\r') && !text.contains('\x07'));
    assert!(
        text.contains("      first\n      would-502  forged.example:443\n      third \\u{1b}[2J\n")
    );
    assert!(text.contains("      fix: step one\n           step two\n"));
    assert!(text.contains("evil\\u{1b}]0;title\\u{7}.example:443  (from x\\u{a}y)"));
    let forged = text.lines().any(|l| l.starts_with("would-502  forged"));
    assert!(!forged, "a reason line never starts at the margin");
}

#[test]
fn tls_column_says_mixed_when_addresses_differ() {
    let a = |tls| address("192.0.2.1:443", tls, Vec::new(), Vec::new());
    let o = |addrs| origin("a.example", 443, "argument 1", Vec::new(), addrs);
    assert_eq!(tls_summary(&o(vec![])), "-");
    assert_eq!(tls_summary(&o(vec![a(None)])), "-");
    assert_eq!(
        tls_summary(&o(vec![a(Some("TLSv1.2")), a(Some("TLSv1.2"))])),
        "TLSv1.2"
    );
    assert_eq!(
        tls_summary(&o(vec![a(Some("TLSv1.2")), a(Some("TLSv1"))])),
        "mixed"
    );
    assert_eq!(tls_summary(&o(vec![a(Some("TLSv1.2")), a(None)])), "mixed");
}

#[test]
fn expires_column_takes_the_soonest_leaf_only() {
    let chain = |leaf, ca| vec![cert(0, "a.example", "CA", leaf), cert(1, "CA", "Root", ca)];
    let a = |c| address("192.0.2.1:443", Some("TLSv1.2"), c, Vec::new());
    let o = |addrs| origin("a.example", 443, "argument 1", Vec::new(), addrs);
    assert_eq!(expiry_summary(&o(vec![])), "-");
    assert_eq!(
        expiry_summary(&o(vec![a(chain(90, 3))])),
        "90d",
        "CA expiry ignored"
    );
    assert_eq!(
        expiry_summary(&o(vec![a(chain(90, 900)), a(chain(30, 900))])),
        "30d"
    );
    assert_eq!(expiry_summary(&o(vec![a(chain(0, 900))])), "0d");
    assert_eq!(expiry_summary(&o(vec![a(chain(-1, 900))])), "expired");
}

#[test]
fn word_width_fits_every_verdict_and_impact() {
    let impacts = [
        Impact::Info,
        Impact::Warn,
        Impact::Would504,
        Impact::Would502,
    ];
    let widest = Verdict::ALL
        .iter()
        .map(|v| v.as_str().len())
        .chain(impacts.iter().map(|i| i.as_str().len()))
        .max();
    assert_eq!(widest, Some(WORD_WIDTH));
}

#[test]
fn empty_report_has_only_the_footer() {
    let text = render(
        &fixtures::report(Vec::new(), fixtures::fleet().roots),
        PLAIN,
    );
    assert!(text.starts_with("0 origins: 0 ready"));
}

#[test]
fn cloudfront_origins_are_grouped_under_their_distribution() {
    let mut a = fixtures::fleet().origins.remove(0);
    a.cloudfront = Some(CloudFrontRef {
        distribution_id: Some("E2EXAMPLE".to_owned()),
        distribution_domain: Some("d111.cloudfront.net".to_owned()),
        origin_id: "web".to_owned(),
        origin_protocol_policy: Some("match-viewer".to_owned()),
        viewer_name: None,
        location: None,
    });
    let mut b = a.clone();
    if let Some(c) = b.cloudfront.as_mut() {
        c.origin_id = "api".to_owned();
    }
    let report = fixtures::report(vec![a, b], fixtures::fleet().roots);
    let text = render(&report, Paint { color: false });
    assert_eq!(
        text.matches("distribution E2EXAMPLE (d111.cloudfront.net)")
            .count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("web: ") && text.contains("api: ") && text.contains("[now match-viewer]"),
        "{text}"
    );
}

#[test]
fn answers_to_http_flags_show_even_on_ready_origins() {
    let mut ready = fixtures::fleet().origins.remove(0);
    assert!(!needs_details(&ready), "a plain ready origin has no block");
    ready.findings.push(finding(
        "http.locked",
        Impact::Info,
        crate::finding::Confidence::Inferred,
        37,
        "without the custom headers the origin answers 403",
        "nothing to do",
    ));
    assert!(needs_details(&ready));
}

#[test]
fn an_interrupted_run_says_so_in_the_footer() {
    let mut report = fixtures::fleet();
    report.interrupted = Some(crate::document::Interrupted {
        abandoned: 3,
        input_left: true,
    });
    let text = render_at(&report, PLAIN, 120);
    assert!(
        text.contains("INTERRUPTED: this report is partial (3 origins abandoned in flight; the rest of the input was not probed)"),
        "{text}"
    );
}

#[test]
fn fleet_table_at_120_columns() {
    insta::assert_snapshot!(render_at(&fixtures::fleet(), PLAIN, 120));
}

/// Issue 18: at 80 and 120 columns no line is wider than the terminal, except a single word
/// that is wider on its own (never broken), and every word of the 80-column table is in the
/// same order at 120.
#[test]
fn lines_fit_the_width_and_wrapping_loses_nothing() {
    let mut report = fixtures::fleet();
    report.origins[3].host_header = Some("a-very-long-viewer-name.shop.example.com".to_owned());
    for width in [80, 120] {
        let text = render_at(&report, PLAIN, width);
        for line in text.lines() {
            let longest_word = line
                .split(' ')
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            assert!(
                line.chars().count() <= width || longest_word + 12 > width,
                "{width} columns: {line:?}"
            );
        }
    }
    let words = |w: usize| -> Vec<String> {
        render_at(&report, PLAIN, w)
            .split_whitespace()
            // The label before addresses moved under their finding.
            .filter(|&w| w != "on:")
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(words(80), words(120));
}

/// Issue 18: a wide ORIGIN cell (a forwarded Host) no longer pads every other row.
#[test]
fn a_wide_origin_cell_pads_no_other_row() {
    let mut report = fixtures::fleet();
    report.origins[3].host_header = Some(format!("{}.example.com", "x".repeat(60)));
    let text = render_at(&report, PLAIN, 120);
    let ready = text
        .lines()
        .find(|l| l.starts_with("ready "))
        .expect("the ready row");
    assert!(ready.ends_with("www.example.com:443"), "{ready:?}");
    assert!(ready.chars().count() < 60, "{ready:?}");
}

#[test]
fn sources_list_every_cited_fact_with_its_url_once() {
    let layout = Layout {
        paint: PLAIN,
        width: 80,
        sources: true,
    };
    let text = render_with(&fixtures::fleet(), &layout);
    let (_, sources) = text
        .split_once("Sources of the facts cited above")
        .expect("a sources section");
    for fact in [3, 9, 12, 22, 35] {
        let url = crate::facts::url(fact).expect("a fact");
        let line = format!("  fact {fact:<3} {url}");
        assert_eq!(sources.matches(&line).count(), 1, "{line} in {sources}");
    }
    assert!(!render(&fixtures::fleet(), PLAIN).contains("Sources of the facts"));
}
