//! Unit tests of the origin-group rule and its bookkeeping.

use super::*;
use crate::input::cloudfront::fixtures::load;

fn member(id: &str, verdict: Verdict) -> MemberFacts {
    MemberFacts {
        origin_id: id.to_string(),
        verdict,
        why: verdict
            .fails()
            .then(|| format!("cert.expired: {id}'s certificate has expired")),
        attempts: 3,
        timeout: Duration::from_secs(10),
    }
}

fn group(p: Verdict, sec: Verdict, methods: &[&str], codes: Option<Vec<u16>>) -> GroupFacts {
    GroupFacts {
        group_id: "g".to_string(),
        primary: member("p", p),
        secondary: Some(member("s", sec)),
        status_codes: codes,
        behaviors: vec![(
            "default behavior".to_string(),
            methods.iter().map(|m| m.to_string()).collect(),
        )],
    }
}

fn one(g: &GroupFacts) -> Finding {
    let found = group_findings(g);
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().expect("one finding")
}

#[test]
fn primary_ready_serves_and_a_failing_secondary_is_a_warning() {
    let f = one(&group(
        Verdict::Ready,
        Verdict::Ready,
        &["GET", "HEAD"],
        None,
    ));
    assert_eq!(
        (f.rule, f.impact, f.confidence, f.fact),
        (
            "origin.group-primary",
            Impact::Info,
            Confidence::Inferred,
            47
        )
    );
    let f = one(&group(
        Verdict::Ready,
        Verdict::Would502,
        &["GET", "HEAD"],
        Some(vec![502]),
    ));
    assert_eq!((f.rule, f.impact), ("origin.group-primary", Impact::Warn));
    assert!(
        f.reason.contains("secondary s would fail (cert.expired"),
        "{}",
        f.reason
    );
    assert!(
        f.reason.contains("or on status 502 (FailoverCriteria)"),
        "{}",
        f.reason
    );
}

#[test]
fn broken_primary_good_secondary_is_a_warning_with_the_latency_for_get_head_options() {
    let f = one(&group(
        Verdict::Would504,
        Verdict::Ready,
        &["GET", "HEAD", "OPTIONS"],
        Some(vec![500, 503]),
    ));
    assert_eq!((f.rule, f.impact), ("origin.group-failover", Impact::Warn));
    assert!(
        f.reason
            .contains("30s more per request (ConnectionAttempts 3 x ConnectionTimeout 10s)")
            && f.reason.contains(
                "GET, HEAD and OPTIONS requests of default behavior to secondary s (ready)"
            )
            && f.reason.contains("status 500, 503"),
        "{}",
        f.reason
    );
    // Without criteria, only connection failures fail over; the prediction says so.
    let f = one(&group(
        Verdict::Would502,
        Verdict::Ready,
        &["GET", "HEAD"],
        None,
    ));
    assert!(
        f.reason.contains("no FailoverCriteria in the document"),
        "{}",
        f.reason
    );
    assert!(f.reason.contains("up to 3 x 10s = 30s"), "{}", f.reason);
    let f = one(&group(
        Verdict::Would502,
        Verdict::Ready,
        &["GET", "HEAD"],
        Some(vec![]),
    ));
    assert!(
        f.reason.contains("FailoverCriteria lists no status codes"),
        "{}",
        f.reason
    );
}

#[test]
fn methods_that_are_not_failed_over_get_the_primarys_error() {
    let methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
    let f = one(&group(Verdict::Would502, Verdict::Ready, &methods, None));
    assert_eq!(
        (f.rule, f.impact),
        ("origin.group-failover", Impact::Would502)
    );
    assert!(
        f.reason
            .contains("default behavior allows PUT, POST, PATCH, DELETE"),
        "{}",
        f.reason
    );
    let f = one(&group(Verdict::Would504, Verdict::Ready, &methods, None));
    assert_eq!(f.impact, Impact::Would504);
}

#[test]
fn both_failing_is_the_error() {
    let f = one(&group(Verdict::Would502, Verdict::Would504, &["GET"], None));
    assert_eq!((f.rule, f.impact), ("origin.group-fails", Impact::Would502));
    let f = one(&group(Verdict::Would504, Verdict::Would504, &["GET"], None));
    assert_eq!(f.impact, Impact::Would504);
}

fn row(source: &str, verdict: Verdict) -> OriginReport {
    OriginReport {
        schema_version: None,
        run: None,
        origin: "x".into(),
        port: 443,
        host_header: None,
        source: source.into(),
        cloudfront: None,
        verdict,
        findings: Vec::new(),
        origin_ssl_protocols: Vec::new(),
        address_source: None,
        addresses: Vec::new(),
        elapsed_ms: 0,
        prober_fault: None,
    }
}

#[test]
fn the_watch_answers_once_every_row_of_every_member_is_in() {
    let doc = load("get-distribution-config-special-origins.json");
    let d = &doc.distributions[0];
    let mut watch = GroupWatch::default();
    // Two rows for the primary (say, two viewer names), one for the secondary.
    watch.add("f.json", d, |o| if o.id == "primary" { 2 } else { 1 });
    assert!(
        watch
            .observe(&row("f.json: origin primary", Verdict::Would502))
            .is_empty()
    );
    assert!(
        watch
            .observe(&row("f.json: origin unused", Verdict::Ready))
            .is_empty()
    );
    assert!(
        watch
            .observe(&row("f.json: origin secondary", Verdict::Ready))
            .is_empty()
    );
    let done = watch.observe(&row("f.json: origin primary", Verdict::Ready));
    assert_eq!(done.len(), 1);
    let g = &done[0];
    assert_eq!(g.source, "f.json: origin group failover-group");
    assert_eq!(
        g.cloudfront.as_ref().map(|c| c.origin_id.as_str()),
        Some("failover-group")
    );
    assert_eq!(g.findings[0].rule, "origin.group-failover");
    assert_eq!(g.verdict, Verdict::Warn);
    // Reported once.
    assert!(
        watch
            .observe(&row("f.json: origin primary", Verdict::Ready))
            .is_empty()
    );
    // A member outside the run: no row for its group.
    let mut watch = GroupWatch::default();
    watch.add("f.json", d, |o| usize::from(o.id != "secondary"));
    assert!(
        watch
            .observe(&row("f.json: origin primary", Verdict::Ready))
            .is_empty()
    );
}
