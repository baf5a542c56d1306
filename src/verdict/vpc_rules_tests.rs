//! Unit tests of `vpc_rules`: the special-origins fixture with its VPC origin known, unknown or
//! unread.

use super::*;
use crate::input::cloudfront::fixtures::load;
use crate::input::cloudfront::{Document, ViewerProtocolPolicy, known_vpc_origin};
use crate::verdict::config_rules::config_findings;
use SslProtocol::{Ssl3, Tls1, Tls12};

const ID: &str = "vo_ABCDEFGHIJ0123456789ab";

/// The special-origins fixture with its VPC origin known as `policy` with `protocols`.
fn with(policy: OriginProtocolPolicy, protocols: &[SslProtocol]) -> Document {
    let mut doc = load("get-distribution-config-special-origins.json");
    doc.known_vpc_origins = vec![known_vpc_origin(ID, policy, protocols)];
    doc.attach_vpc_origins(&[]);
    doc
}

fn findings(doc: &Document) -> Vec<Finding> {
    let d = &doc.distributions[0];
    config_findings(d, d.origin("vpc-origin").expect("origin"))
}

fn rules(doc: &Document) -> Vec<(&'static str, Impact, Confidence)> {
    findings(doc)
        .iter()
        .map(|f| (f.rule, f.impact, f.confidence))
        .collect()
}

const NOT_PROBED_ROW: (&str, Impact, Confidence) = (NOT_PROBED, Impact::Info, Confidence::Inferred);

#[test]
fn http_only_is_a_warning_with_the_update_vpc_origin_fix() {
    let doc = with(OriginProtocolPolicy::HttpOnly, &[Tls12]);
    assert_eq!(
        rules(&doc),
        [
            (
                "config.vpc-origin-not-https-only",
                Impact::Warn,
                Confidence::Documented
            ),
            NOT_PROBED_ROW
        ]
    );
    let f = &findings(&doc)[0];
    assert_eq!(f.fact, 43);
    assert!(
        f.reason.contains("OriginProtocolPolicy is http-only")
            && f.reason.contains("plain HTTP (port 80)")
            && f.reason.contains("was not probed"),
        "{}",
        f.reason
    );
    assert!(
        f.fix.contains(
            "aws cloudfront update-vpc-origin --id vo_ABCDEFGHIJ0123456789ab --if-match E2VPCETAG"
        ) && f.fix.contains(r#""OriginProtocolPolicy":"https-only""#)
            && f.fix
                .contains(r#""OriginSslProtocols":{"Quantity":1,"Items":["TLSv1.2"]}"#)
            && f.fix.contains(r#""Name":"app-alb""#)
            && f.fix.contains(
                "origin-probe check internal-app-alb-1234567890.us-east-1.elb.amazonaws.com:443"
            ),
        "{}",
        f.fix
    );
    let row = &findings(&doc)[1];
    assert!(
        row.reason
            .contains("Checked: the VPC origin's OriginProtocolPolicy (http-only)")
            && row.reason.contains("read with GetVpcOrigin"),
        "{}",
        row.reason
    );
    let verdict = crate::finding::Verdict::from_findings(&findings(&doc));
    assert_eq!(
        verdict,
        crate::finding::Verdict::Warn,
        "never a plain ready"
    );
}

#[test]
fn match_viewer_names_the_behaviors_that_let_http_in() {
    let doc = with(OriginProtocolPolicy::MatchViewer, &[Tls12]);
    let f = &findings(&doc)[0];
    assert_eq!(
        (f.rule, f.impact),
        ("config.vpc-origin-not-https-only", Impact::Warn)
    );
    // The fixture's only behavior to it is https-only.
    assert!(
        f.reason.contains("takes HTTPS viewers only"),
        "{}",
        f.reason
    );
    let mut doc = doc;
    let o = &mut doc.distributions[0].origins;
    let vpc = o.iter_mut().find(|o| o.id == "vpc-origin").expect("origin");
    vpc.behaviors[0].viewer_protocol_policy = ViewerProtocolPolicy::AllowAll;
    let f = &findings(&doc)[0];
    assert!(
        f.reason
            .contains("behavior /internal/* allows HTTP viewers (allow-all)"),
        "{}",
        f.reason
    );
}

#[test]
fn https_only_below_tls12_is_a_warning_and_tls12_is_fine() {
    let doc = with(OriginProtocolPolicy::HttpsOnly, &[Tls1, Tls12]);
    assert_eq!(
        rules(&doc),
        [
            (
                "config.vpc-origin-legacy-tls",
                Impact::Warn,
                Confidence::Documented
            ),
            NOT_PROBED_ROW
        ]
    );
    let f = &findings(&doc)[0];
    assert!(
        f.reason
            .contains("allows TLSv1 (OriginSslProtocols: TLSv1, TLSv1.2)"),
        "{}",
        f.reason
    );
    let doc = with(OriginProtocolPolicy::HttpsOnly, &[Ssl3]);
    assert!(findings(&doc)[0].reason.contains("only SSLv3 handshakes"));

    let doc = with(OriginProtocolPolicy::HttpsOnly, &[Tls12]);
    assert_eq!(
        rules(&doc),
        [
            (
                "config.vpc-origin-https-only",
                Impact::Info,
                Confidence::Documented
            ),
            NOT_PROBED_ROW
        ]
    );
    let f = &findings(&doc)[0];
    assert!(
        f.reason.contains("was not probed") && f.fix.contains("nothing to change"),
        "{f:?}"
    );
    assert_eq!(
        crate::finding::Verdict::from_findings(&findings(&doc)),
        crate::finding::Verdict::Ready,
        "ready, and the table marks it not probed (ready*)"
    );
}

#[test]
fn an_unknown_vpc_origin_keeps_the_info_finding_and_a_failed_read_says_why() {
    let mut doc = load("get-distribution-config-special-origins.json");
    assert_eq!(
        rules(&doc),
        [
            ("config.vpc-origin", Impact::Info, Confidence::Documented),
            NOT_PROBED_ROW
        ]
    );
    assert!(findings(&doc)[0].fix.contains("get-vpc-origin --id"));
    let why = "cloudfront:GetVpcOrigin on vo_ABCDEFGHIJ0123456789ab was denied (AccessDenied: no)";
    doc.attach_vpc_origins(&[(ID.to_string(), why.to_string())]);
    let f = &findings(&doc)[0];
    assert_eq!(f.rule, "config.vpc-origin");
    assert!(
        f.reason.contains(why) && f.fix.contains("grant the identity cloudfront:GetVpcOrigin"),
        "{f:?}"
    );
}

#[test]
fn a_status_other_than_deployed_is_said() {
    let mut doc = load("get-distribution-config-special-origins.json");
    let mut k = known_vpc_origin(ID, OriginProtocolPolicy::HttpsOnly, &[Tls12]);
    k.status = Some("Deploying".into());
    k.etag = None;
    doc.known_vpc_origins = vec![k];
    doc.attach_vpc_origins(&[]);
    assert!(findings(&doc)[0].reason.contains("status Deploying"));
    let mut k = known_vpc_origin(ID, OriginProtocolPolicy::HttpOnly, &[]);
    k.etag = None;
    k.name = "it's".into();
    let fix = update_command(&k);
    assert!(
        fix.contains("--if-match ETAG") && fix.contains(r"it'\''s"),
        "{fix}"
    );
}
