//! Unit tests of the JUnit renderer.

use super::*;
use crate::document::CloudFrontRef;
use crate::document::fixtures::{self, finding, origin};
use crate::finding::Confidence;

fn xml(report: &Report, fail_on: FailOn) -> String {
    let mut out = Vec::new();
    write(report, fail_on, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("the document is UTF-8")
}

fn cloudfront(distribution: Option<&str>, origin_id: &str) -> CloudFrontRef {
    CloudFrontRef {
        distribution_id: distribution.map(str::to_owned),
        distribution_domain: None,
        origin_id: origin_id.to_owned(),
        origin_protocol_policy: Some("http-only".to_owned()),
        viewer_name: None,
        location: None,
    }
}

/// The fleet's four origins as `check` targets, then two distributions (the second one
/// twice, not adjacent) and an origin from a config without an id, with a hostile reason.
fn mixed() -> Report {
    let mut report = fixtures::fleet();
    let in_dist = |dist: Option<&str>, id: &str, from: usize| {
        let mut o = report.origins[from].clone();
        o.cloudfront = Some(cloudfront(dist, id));
        o
    };
    let a = in_dist(Some("E1AAA"), "web", 0);
    let b = in_dist(Some("E2BBB"), "api", 1);
    let c = in_dist(Some("E1AAA"), "shop", 3);
    let mut d = in_dist(None, "legacy<&>\"'", 2);
    d.findings = vec![finding(
        "dns.nxdomain",
        Impact::Would502,
        Confidence::Documented,
        22,
        "nasty ]]> <b>&amp; \"quotes\" \u{1}\u{7f}\r\nsecond line",
        "fix <it> & go",
    )];
    d.verdict = Verdict::Would502;
    report.origins.extend([a, b, c, d]);
    report
}

#[test]
fn fleet_junit() {
    insta::assert_snapshot!(xml(&fixtures::fleet(), FailOn::WouldFail));
}

#[test]
fn an_interrupted_run_is_an_error_ci_shows() {
    let mut report = fixtures::fleet();
    report.interrupted = Some(crate::document::Interrupted {
        abandoned: 2,
        input_left: true,
    });
    let text = xml(&report, FailOn::WouldFail);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("errors"), Some("1"));
    let error = root
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("an error element");
    assert_eq!(error.attribute("type"), Some("interrupted"));
    assert!(
        error
            .text()
            .unwrap_or_default()
            .contains("2 origins abandoned")
    );
}

#[test]
fn mixed_inputs_junit_fail_on_warn() {
    insta::assert_snapshot!(xml(&mixed(), FailOn::Warn));
}

/// What an XML parser sees: `(suite name, tests attr, failures attr, cases)`, each case
/// `(name, failure text if any)`.
type Parsed = Vec<(String, usize, usize, Vec<(String, Option<String>)>)>;

fn parse(xml: &str) -> Parsed {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let number = |n: roxmltree::Node, a: &str| -> usize {
        n.attribute(a)
            .unwrap_or_else(|| panic!("{a} is set"))
            .parse()
            .expect("a count")
    };
    let mut suites = Vec::new();
    let (mut tests, mut failures) = (0, 0);
    for suite in root.children().filter(|n| n.has_tag_name("testsuite")) {
        let name = suite.attribute("name").expect("suite name").to_owned();
        let mut cases = Vec::new();
        for case in suite.children().filter(|n| n.has_tag_name("testcase")) {
            assert_eq!(case.attribute("classname"), Some(name.as_str()));
            let failure = case
                .children()
                .find(|n| n.has_tag_name("failure"))
                .map(|f| f.text().unwrap_or("").to_owned());
            cases.push((
                case.attribute("name").expect("case name").to_owned(),
                failure,
            ));
        }
        let (t, f) = (number(suite, "tests"), number(suite, "failures"));
        assert_eq!(t, cases.len(), "tests of {name}");
        assert_eq!(f, cases.iter().filter(|c| c.1.is_some()).count());
        tests += t;
        failures += f;
        suites.push((name, t, f, cases));
    }
    assert_eq!(number(root, "tests"), tests);
    assert_eq!(number(root, "failures"), failures);
    suites
}

#[test]
fn parses_back_with_one_suite_per_input_and_one_case_per_origin() {
    let suites = parse(&xml(&mixed(), FailOn::WouldFail));
    let summary: Vec<(&str, usize, usize)> = suites
        .iter()
        .map(|(name, tests, failures, _)| (name.as_str(), *tests, *failures))
        .collect();
    assert_eq!(
        summary,
        [
            ("origin-probe check", 4, 2),
            ("distribution E1AAA", 2, 0),
            ("distribution E2BBB", 1, 1),
            ("distribution config", 1, 1),
        ]
    );
    let e1_cases: Vec<&str> = suites[1].3.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        e1_cases,
        [
            "www.example.com:443 [origin web]",
            "origin.example.org:8443 (Host: shop.example.com) [origin shop]"
        ]
    );
}

#[test]
fn failures_carry_reason_and_fix_and_hostile_text_survives() {
    let suites = parse(&xml(&mixed(), FailOn::WouldFail));
    let (name, failure) = &suites[3].3[0];
    assert_eq!(name, "slow.example.net:443 [origin legacy<&>\"']");
    let failure = failure.as_deref().expect("would-502 fails");
    assert!(failure.contains("would-502 dns.nxdomain [documented, fact 22]"));
    assert!(failure.contains("nasty ]]> <b>&amp; \"quotes\" \u{fffd}\u{7f}\r\nsecond line"));
    assert!(failure.contains("fix: fix <it> & go"));
    let api = suites[0].3[1].1.as_deref().expect("would-502 fails");
    assert!(api.contains(
        "would-502 cert.expired [documented, fact 12] on 192.0.2.20:443, [2001:db8::20]:443\nThe leaf certificate"
    ));
    assert!(
        !api.contains("tls.negotiated"),
        "info findings stay out of the failure"
    );
}

#[test]
fn fail_on_decides_whether_warn_fails() {
    let counts = |fail_on| -> Vec<usize> {
        parse(&xml(&fixtures::fleet(), fail_on))
            .iter()
            .map(|s| s.2)
            .collect()
    };
    assert_eq!(counts(FailOn::WouldFail), [2]);
    assert_eq!(counts(FailOn::Warn), [3]);
    // `never` only changes the exit code: a would-fail origin stays a failure here.
    assert_eq!(counts(FailOn::Never), [2]);
}

#[test]
fn failure_message_names_the_verdict_and_rules() {
    let text = xml(&fixtures::fleet(), FailOn::Warn);
    assert!(text.contains("<failure type=\"would-502\" message=\"would-502: cert.expired\">"));
    assert!(text.contains("<failure type=\"warn\" message=\"warn: cert.expires-soon\">"));
}

#[test]
fn an_origin_with_only_an_info_finding_passes_with_output() {
    let o = origin(
        "a.example",
        443,
        "argument 1",
        vec![finding(
            "x.info",
            Impact::Info,
            Confidence::Inferred,
            1,
            "r",
            "",
        )],
        Vec::new(),
    );
    let report = fixtures::report(vec![o], fixtures::fleet().roots);
    let text = xml(&report, FailOn::Warn);
    assert!(text.contains("<system-out>info x.info [inferred, fact 1]\nr\n</system-out>"));
    assert!(!text.contains("<failure"));
}

#[test]
fn escaping() {
    assert_eq!(text("a<b>&c\"d"), "a&lt;b&gt;&amp;c&quot;d");
    assert_eq!(attr("l1\nl2\tx\ry"), "l1&#10;l2&#9;x&#13;y");
    assert_eq!(text("l1\nl2"), "l1\nl2");
    assert_eq!(text("\u{0}\u{fffe}\u{1f600}"), "\u{fffd}\u{fffd}\u{1f600}");
    assert!(matches!(text("plain"), Cow::Borrowed(_)));
    assert_eq!(seconds(5003), "5.003");
    assert_eq!(seconds(7), "0.007");
}

#[test]
fn each_input_error_is_an_error_case_ci_shows() {
    let mut report = fixtures::fleet();
    report.input_errors.push(crate::document::InputErrorReport {
        kind: crate::document::InputErrorKind::Target,
        source: "origins.txt:7".to_owned(),
        message: "origins.txt:7: \"a<b\": character '<' is not allowed in a host name".to_owned(),
    });
    let text = xml(&report, FailOn::WouldFail);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("errors"), Some("1"));
    let case = root
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("classname") == Some("input"))
        .expect("an input case");
    assert_eq!(case.attribute("name"), Some("origins.txt:7"));
    let error = case
        .children()
        .find(|n| n.has_tag_name("error"))
        .expect("an error element");
    assert_eq!(error.attribute("type"), Some("target"));
    assert!(
        error
            .text()
            .unwrap_or_default()
            .contains("'<' is not allowed")
    );
}
