//! Unit tests of baseline parsing, diffing and rendering.

use crate::report::baseline_text::render_text;
use serde_json::json;

use super::*;
use crate::document::CloudFrontRef;
use crate::document::fixtures::{self, address, cert, origin};

fn baseline_of(report: &Report) -> Baseline {
    let bytes = serde_json::to_vec(report).expect("a report serialises");
    parse_baseline(&bytes, "old.json").expect("our own JSON is a baseline")
}

/// The fleet with `api.example.com` (index 1) ready: a fresh certificate, nothing expired.
fn fleet_with_api_ready() -> Report {
    let mut report = fixtures::fleet();
    let chain = vec![cert(0, "api.example.com", "Example Issuing CA 1", 90)];
    let mut api = origin(
        "api.example.com",
        443,
        "origins.txt:2",
        Vec::new(),
        vec![address(
            "192.0.2.20:443",
            Some("TLSv1.2"),
            chain,
            Vec::new(),
        )],
    );
    // A different leaf from the expired one (fixtures hash by position).
    api.addresses[0].chain[0].sha256 = "ab".repeat(32);
    report.origins[1] = api;
    report
}

fn changes(d: &BaselineDiff) -> Vec<(String, Change, bool)> {
    d.changes
        .iter()
        .map(|c| (c.key.label(), c.change, c.regression))
        .collect()
}

#[test]
fn unchanged_reports_nothing_and_counts_what_still_fails() {
    let report = fixtures::fleet();
    let d = diff(&baseline_of(&report), &report, FailOn::WouldFail, &[30]);
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    assert_eq!(
        d.summary,
        DiffSummary {
            still_failing: 2,
            ..DiffSummary::default()
        }
    );
    assert_eq!(regressions(&d), 0);
    assert_eq!(
        render_text(&d),
        "Compared with baseline old.json (2025-06-01T12:00:00Z), --fail-on would-fail: 0 regressions, 0 fixed, 2 still failing, 0 new, 0 gone.\n"
    );
}

#[test]
fn an_origin_that_starts_failing_is_a_regression_with_its_new_finding() {
    let d = diff(
        &baseline_of(&fleet_with_api_ready()),
        &fixtures::fleet(),
        FailOn::WouldFail,
        &[30],
    );
    assert_eq!(
        changes(&d),
        [("api.example.com:443".to_owned(), Change::Regressed, true)]
    );
    let api = &d.changes[0];
    assert_eq!(api.verdict_before, Some(Verdict::Ready));
    assert_eq!(api.verdict_after, Some(Verdict::Would502));
    assert_eq!(
        api.new_findings,
        [RuleImpact {
            rule: "cert.expired".to_owned(),
            impact: Impact::Would502
        }]
    );
    assert!(api.resolved_findings.is_empty());
    assert_eq!(
        api.expiry_threshold_crossed,
        Some(ThresholdCrossing {
            threshold_days: 30,
            days_left_before: 90,
            days_left: -12
        })
    );
    assert_eq!(regressions(&d), 1);
    assert_eq!(d.summary.regressions, 1);
}

#[test]
fn a_fixed_origin_is_not_a_regression_and_its_renewal_is_reported() {
    let d = diff(
        &baseline_of(&fixtures::fleet()),
        &fleet_with_api_ready(),
        FailOn::WouldFail,
        &[30],
    );
    assert_eq!(
        changes(&d),
        [("api.example.com:443".to_owned(), Change::Fixed, false)]
    );
    let api = &d.changes[0];
    assert_eq!(api.resolved_findings[0].rule, "cert.expired");
    assert_eq!(
        api.renewed,
        Some(Renewal {
            not_after_before: "2025-05-20T12:00:00Z".to_owned(),
            not_after: "2025-08-30T12:00:00Z".to_owned(),
        })
    );
    assert_eq!(regressions(&d), 0);
    assert_eq!((d.summary.fixed, d.summary.renewed), (1, 1));
    assert_eq!(
        render_text(&d),
        "Compared with baseline old.json (2025-06-01T12:00:00Z), --fail-on would-fail: 0 regressions, 1 fixed, 1 still failing, 0 new, 0 gone.\n\
         \x20 fixed      api.example.com:443  would-502 -> ready\n\
         \x20     resolved: cert.expired (would-502)\n\
         \x20     certificate renewed: expires 2025-08-30T12:00:00Z (was 2025-05-20T12:00:00Z)\n"
    );
}

#[test]
fn the_same_certificate_is_not_a_renewal_and_an_earlier_one_neither() {
    let report = fixtures::fleet();
    let base = baseline_of(&report);
    let mut shorter = report.clone();
    let leaf = &mut shorter.origins[0].addresses[0].chain[0];
    leaf.sha256 = "cd".repeat(32);
    leaf.not_after = "2025-07-01T00:00:00Z".to_owned();
    let d = diff(&base, &shorter, FailOn::WouldFail, &[]);
    assert!(d.changes.is_empty(), "{:?}", d.changes);
}

#[test]
fn crossing_an_expiry_threshold_reports_the_lowest_crossed() {
    let mut before = fixtures::fleet();
    before.origins[0].addresses[0].chain[0].days_left = 45;
    let mut now = fixtures::fleet();
    now.origins[0].addresses[0].chain[0].days_left = 10;
    let d = diff(&baseline_of(&before), &now, FailOn::WouldFail, &[30, 7, 14]);
    assert_eq!(d.expiry_thresholds_days, [7, 14, 30]);
    assert_eq!(
        changes(&d),
        [("www.example.com:443".to_owned(), Change::Passing, false)]
    );
    assert_eq!(
        d.changes[0].expiry_threshold_crossed,
        Some(ThresholdCrossing {
            threshold_days: 14,
            days_left_before: 45,
            days_left: 10
        })
    );
    assert_eq!(d.summary.expiry_thresholds_crossed, 1);
    // Already below every threshold in the baseline: nothing is crossed again.
    let d = diff(&baseline_of(&now), &now, FailOn::WouldFail, &[30]);
    assert!(d.changes.is_empty());
}

#[test]
fn new_failing_origins_are_regressions_and_gone_ones_are_listed() {
    let mut before = fixtures::fleet();
    let slow = before.origins.remove(2);
    before.origins.push(origin(
        "retired.example.com",
        443,
        "origins.txt:9",
        Vec::new(),
        Vec::new(),
    ));
    let mut now = fixtures::fleet();
    now.origins.push(origin(
        "fresh.example.com",
        443,
        "argument 2",
        Vec::new(),
        Vec::new(),
    ));
    let d = diff(&baseline_of(&before), &now, FailOn::WouldFail, &[30]);
    assert_eq!(
        changes(&d),
        [
            ("slow.example.net:443".to_owned(), Change::New, true),
            ("fresh.example.com:443".to_owned(), Change::New, false),
            ("retired.example.com:443".to_owned(), Change::Gone, false),
        ]
    );
    assert_eq!(d.changes[0].verdict_after, Some(slow.verdict));
    assert_eq!(regressions(&d), 1);
    assert_eq!((d.summary.new, d.summary.gone), (2, 1));
    let text = render_text(&d);
    assert!(text.contains(
        "  new        slow.example.net:443  would-504  (a regression: new and failing)\n"
    ));
    assert!(text.contains("  gone       retired.example.com:443  (was ready)\n"));
}

#[test]
fn fail_on_decides_what_a_regression_is() {
    // shop (index 3) is warn now; make it ready in the baseline.
    let mut before = fixtures::fleet();
    before.origins[3].verdict = Verdict::Ready;
    before.origins[3].addresses[0].findings.clear();
    let now = fixtures::fleet();
    let d = diff(&baseline_of(&before), &now, FailOn::WouldFail, &[]);
    assert_eq!(
        changes(&d),
        [(
            "origin.example.org:8443 (Host: shop.example.com)".to_owned(),
            Change::Passing,
            false
        )]
    );
    assert_eq!(d.changes[0].new_findings[0].rule, "cert.expires-soon");
    let d = diff(&baseline_of(&before), &now, FailOn::Warn, &[]);
    assert_eq!(regressions(&d), 1);
    assert_eq!(d.changes[0].change, Change::Regressed);
    let d = diff(
        &baseline_of(&fleet_with_api_ready()),
        &now,
        FailOn::Never,
        &[],
    );
    assert_eq!(
        regressions(&d),
        0,
        "never: nothing fails, nothing regresses"
    );
}

#[test]
fn cloudfront_origins_match_within_their_distribution() {
    let with_cf = |dist: &str, id: &str, from: OriginReport| {
        let mut o = from;
        o.cloudfront = Some(CloudFrontRef {
            distribution_id: Some(dist.to_owned()),
            distribution_domain: None,
            origin_id: id.to_owned(),
            origin_protocol_policy: None,
            viewer_name: None,
            location: None,
        });
        o
    };
    let fleet = fixtures::fleet();
    let roots = fleet.roots.clone();
    let before = fixtures::report(
        vec![with_cf("E1", "main", fleet.origins[0].clone())],
        roots.clone(),
    );
    let now = fixtures::report(
        vec![
            with_cf("E2", "main", fleet.origins[1].clone()),
            with_cf("E1", "main", fleet.origins[0].clone()),
        ],
        roots,
    );
    let d = diff(&baseline_of(&before), &now, FailOn::WouldFail, &[]);
    assert_eq!(
        changes(&d),
        [(
            "api.example.com:443 [distribution E2 origin main]".to_owned(),
            Change::New,
            true
        )]
    );
}

#[test]
fn the_diff_serialises_to_the_documented_object() {
    let d = diff(
        &baseline_of(&fleet_with_api_ready()),
        &fixtures::fleet(),
        FailOn::WouldFail,
        &[30],
    );
    let v = serde_json::to_value(&d).expect("serialises");
    assert_eq!(
        v,
        json!({
            "source": "old.json",
            "generated_at": "2025-06-01T12:00:00Z",
            "fail_on": "would-fail",
            "expiry_thresholds_days": [30],
            "summary": {
                "regressions": 1, "fixed": 0, "still_failing": 1, "new": 0, "gone": 0,
                "renewed": 0, "expiry_thresholds_crossed": 1
            },
            "changes": [{
                "origin": "api.example.com",
                "port": 443,
                "host_header": null,
                "distribution_id": null,
                "origin_id": null,
                "change": "regressed",
                "regression": true,
                "verdict_before": "ready",
                "verdict_after": "would-502",
                "new_findings": [{ "rule": "cert.expired", "impact": "would-502" }],
                "resolved_findings": [],
                "renewed": null,
                "expiry_threshold_crossed": {
                    "threshold_days": 30, "days_left_before": 90, "days_left": -12
                }
            }]
        })
    );
}

#[test]
fn every_fixture_report_is_a_valid_baseline() {
    for report in [fixtures::fleet(), fixtures::file_roots()] {
        let b = baseline_of(&report);
        assert_eq!(b.source(), "old.json");
        assert_eq!(b.generated_at(), fixtures::NOW);
        assert_eq!(b.origins.len(), report.origins.len());
    }
}

fn parse_err(text: &str) -> String {
    parse_baseline(text.as_bytes(), "old.json")
        .expect_err("not a usable baseline")
        .to_string()
}

#[test]
fn an_unknown_schema_version_is_one_clear_line() {
    let mut v = serde_json::to_value(fixtures::fleet()).expect("serialises");
    v["schema_version"] = json!(2);
    assert_eq!(
        parse_err(&v.to_string()),
        "baseline old.json has schema_version 2; this origin-probe reads schema_version 1 (write a new baseline with --format json)"
    );
    v["schema_version"] = json!("1");
    assert!(parse_err(&v.to_string()).contains("has schema_version \"1\";"));
}

#[test]
fn invalid_json_names_line_and_column() {
    let err = parse_baseline(
        b"{\n  \"schema_version\": 1,\n  \"origins\": [}\n",
        "old.json",
    )
    .expect_err("invalid");
    assert!(
        matches!(
            err,
            BaselineError::InvalidJson {
                line: 3,
                column: 15,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "baseline old.json is not valid JSON: expected value at line 3, column 15"
    );
    assert_eq!(
        parse_err(""),
        "baseline old.json is not valid JSON: EOF while parsing a value at line 1, column 0"
    );
}

#[test]
fn json_lines_get_a_hint() {
    let line = "{\"schema_version\":1}\n";
    assert!(
        parse_err(&line.repeat(2)).ends_with(
            "trailing characters (JSON Lines? --baseline takes a --format json report) at line 2, column 1"
        )
    );
}

#[test]
fn other_json_is_not_a_report() {
    assert_eq!(
        parse_err("[1]"),
        "baseline old.json is not an origin-probe JSON report: the top level is not an object"
    );
    assert_eq!(
        parse_err("{}"),
        "baseline old.json is not an origin-probe JSON report: it has no schema_version"
    );
    assert_eq!(
        parse_err(r#"{"schema_version": 1, "generated_at": "x"}"#),
        "baseline old.json is not an origin-probe JSON report: missing field `origins`"
    );
    let mut v = serde_json::to_value(fixtures::fleet()).expect("serialises");
    v["origins"][0]["verdict"] = json!("would-503");
    assert_eq!(
        parse_err(&v.to_string()),
        "baseline old.json is not an origin-probe JSON report: unknown value \"would-503\""
    );
}

#[test]
fn baseline_strings_are_sanitised() {
    let mut v = serde_json::to_value(fixtures::fleet()).expect("serialises");
    v["origins"][0]["origin"] = json!("evil\u{1b}[2J.example");
    let b = parse_baseline(v.to_string().as_bytes(), "old\u{1b}.json").expect("parses");
    assert_eq!(b.source(), "old\\u{1b}.json");
    assert_eq!(b.origins[0].origin, "evil\\u{1b}[2J.example");
}
