//! `cloudfront --aws` and VPC origins (fact 43). moto 5.2 emulates neither `GetVpcOrigin` nor an
//! origin's `VpcOriginConfig` (its origins drop the field), so a relay in front of moto replays
//! the real API's XML for a distribution of VPC origins and for each VPC origin
//! (`support::vpc_api`): http-only, https-only with TLSv1.2, https-only with TLSv1, access denied,
//! not found. The fleet's distribution comes from moto itself, read in the same run.
//! And the same rules from a CloudFormation template holding the VPC origin resource.

use crate::aws::{args, fleet_with, rows, strings};
use crate::support::aws_proxy::{Relay, Rule};
use crate::support::moto::{Moto, moto_server, run_env, test_env};
use crate::support::vpc_api::{behavior, get_distribution, get_vpc_origin, vpc_origin};

const DIST: &str = "EVPCORIGINS0001";
const HTTP: &str = "vo_HttpOnly00000000000001";
const TLS12: &str = "vo_HttpsTls1200000000001";
const TLS1: &str = "vo_HttpsTls100000000000001";
const DENIED: &str = "vo_Denied000000000000001";
const GONE: &str = "vo_Gone00000000000000001";

/// The relay's answers: the distribution of VPC origins and the five VPC origins.
fn rules() -> Vec<Rule> {
    let origins = [
        ("http", HTTP),
        ("http-again", HTTP),
        ("tls12", TLS12),
        ("tls1", TLS1),
        ("denied", DENIED),
        ("gone", GONE),
    ];
    let xml_origins: Vec<String> = origins
        .iter()
        .map(|(id, vo)| vpc_origin(id, &format!("internal-{id}.elb.amazonaws.com"), vo))
        .collect();
    let behaviors: Vec<String> = origins[1..]
        .iter()
        .map(|(id, _)| behavior(id, Some(&format!("/{id}/*")), "https-only"))
        .collect();
    vec![
        get_distribution(DIST, &xml_origins, &behaviors),
        get_vpc_origin(HTTP, "app-http", "http-only", &["TLSv1.2"]),
        get_vpc_origin(TLS12, "app-tls12", "https-only", &["TLSv1.2"]),
        get_vpc_origin(TLS1, "app-tls1", "https-only", &["TLSv1", "TLSv1.2"]),
        Rule::error(
            &format!("/2020-05-31/vpc-origin/{DENIED}"),
            403,
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/probe is not authorized to perform: cloudfront:GetVpcOrigin",
        ),
        Rule::error(
            &format!("/2020-05-31/vpc-origin/{GONE}"),
            404,
            "EntityNotFound",
            "The specified VPC origin does not exist.",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn vpc_origins_are_read_once_each_and_judged_without_a_probe() {
    let Some(moto_bin) = moto_server("vpc_origins_are_read_once_each_and_judged_without_a_probe")
    else {
        return;
    };
    let moto = Moto::start(&moto_bin).await;
    let fleet = fleet_with("216adef6-5c7f-47e4-b989-5492eafa07d3").await;
    let created = moto.create(&fleet.doc["DistributionConfig"], 1).await;
    let other = created[0]["Id"].as_str().expect("Id").to_string();
    let relay = Relay::start(&moto.endpoint, rules()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let env = test_env(dir.path());
    let api = |format: &str| {
        let mut a = args(
            &fleet,
            &strings(&[
                "--aws",
                "--endpoint-url",
                &relay.endpoint(),
                "--distribution-id",
                DIST,
                "--distribution-id",
                &other,
            ]),
        );
        // `args` ends with `--format json`.
        if let Some(last) = a.last_mut() {
            *last = format.to_string();
        }
        a
    };
    let r = run_env(&api("json"), &env).await;
    // The fleet's expired origin is a would-502; the failed VPC reads are notes, not bad input.
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let all = rows(&report);
    let row = |origin: &str| {
        all.iter()
            .find(|x| x.0 == format!("{DIST} {origin}"))
            .unwrap_or_else(|| panic!("no row for {origin}: {all:?}"))
    };
    let expect = |origin: &str, verdict: &str, rule: &str| {
        let (_, viewer, v, found) = row(origin);
        assert_eq!(viewer, &None, "{origin}");
        assert_eq!(v, verdict, "{origin}: {found:?}");
        let mut want = vec![rule.to_string(), "origin.not-probed".to_string()];
        want.sort();
        assert_eq!(found, &want, "{origin}");
    };
    expect("http", "warn", "config.vpc-origin-not-https-only");
    expect("http-again", "warn", "config.vpc-origin-not-https-only");
    expect("tls12", "ready", "config.vpc-origin-https-only");
    expect("tls1", "warn", "config.vpc-origin-legacy-tls");
    expect("denied", "ready", "config.vpc-origin");
    expect("gone", "ready", "config.vpc-origin");
    // The other distribution, from moto, is read and probed as ever.
    let others: Vec<_> = all.iter().filter(|x| x.0.starts_with(&other)).collect();
    assert_eq!(others.len(), 5, "{others:?}");
    assert!(
        others
            .iter()
            .any(|x| x.0.ends_with(" expired") && x.2 == "would-502")
    );

    // What the rows say: no address was probed, and the fix is the VPC origin's own command.
    let origins = report["origins"].as_array().expect("origins");
    let vpc = |id: &str| {
        origins
            .iter()
            .find(|o| {
                o["cloudfront"]["origin_id"] == id && o["cloudfront"]["distribution_id"] == DIST
            })
            .unwrap_or_else(|| panic!("{id}"))
    };
    for id in ["http", "tls12", "tls1", "denied", "gone"] {
        assert_eq!(
            vpc(id)["addresses"].as_array().map(Vec::len),
            Some(0),
            "{id}"
        );
    }
    // The row names the policy in force, read from the VPC origin resource.
    assert_eq!(
        vpc("http")["cloudfront"]["origin_protocol_policy"],
        "http-only"
    );
    assert_eq!(
        vpc("tls12")["cloudfront"]["origin_protocol_policy"],
        "https-only"
    );
    assert!(vpc("denied")["cloudfront"]["origin_protocol_policy"].is_null());
    let text = vpc("http")["findings"].to_string();
    assert!(
        text.contains(&format!(
            "update-vpc-origin --id {HTTP} --if-match E{}",
            HTTP.len()
        )) && text.contains("app-http")
            && text.contains("was not probed"),
        "{text}"
    );
    assert!(
        vpc("tls1")["findings"]
            .to_string()
            .contains("allows TLSv1 (OriginSslProtocols: TLSv1, TLSv1.2)")
    );
    assert!(
        vpc("denied")["findings"]
            .to_string()
            .contains("cloudfront:GetVpcOrigin")
    );

    // One note per failed VPC origin (read once, though two origins could share one), each
    // naming the IAM action; none for those that were read.
    let notes = |id: &str| r.stderr.lines().filter(|l| l.contains(id)).count();
    assert_eq!(notes(DENIED), 1, "{}", r.stderr);
    assert_eq!(notes(GONE), 1, "{}", r.stderr);
    assert_eq!(notes(HTTP) + notes(TLS12) + notes(TLS1), 0, "{}", r.stderr);
    let denied = r.stderr.lines().find(|l| l.contains(DENIED)).expect("note");
    assert!(
        denied.contains("cloudfront:GetVpcOrigin") && denied.contains("was denied (AccessDenied"),
        "{denied}"
    );
    let gone = r.stderr.lines().find(|l| l.contains(GONE)).expect("note");
    assert!(gone.contains("not found (EntityNotFound"), "{gone}");

    // The table marks the rows judged without a probe.
    let mut wide = env.clone();
    wide.push(("COLUMNS".into(), "200".into()));
    let t = run_env(&api("table"), &wide).await;
    assert_eq!(t.code, 1, "{}", t.stderr);
    assert!(
        t.stdout.contains("warn*") && t.stdout.contains("ready*"),
        "{}",
        t.stdout
    );
    assert!(
        t.stdout
            .contains("http: internal-http.elb.amazonaws.com:443 [now http-only]"),
        "{}",
        t.stdout
    );
}

/// The same rules from a template that holds the VPC origin resource, and `--plan` saying why
/// the VPC origin is not switched (its edit is on the resource).
#[tokio::test(flavor = "multi_thread")]
async fn a_template_s_vpc_origin_resource_is_judged_and_the_plan_names_its_edit() {
    let template = r#"Resources:
  AppVpcOrigin:
    Type: AWS::CloudFront::VpcOrigin
    Properties:
      VpcOriginEndpointConfig:
        Name: app-alb
        Arn: arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/app/1
        OriginProtocolPolicy: http-only
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
          - Id: app
            DomainName: internal-app.elb.amazonaws.com
            VpcOriginConfig:
              VpcOriginId: !GetAtt AppVpcOrigin.Id
        DefaultCacheBehavior:
          TargetOriginId: app
          ViewerProtocolPolicy: redirect-to-https
          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
"#;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("vpc.yaml");
    std::fs::write(&path, template).expect("write template");
    let r = crate::support::run(&strings(&[
        "cloudformation",
        &path.display().to_string(),
        "--format",
        "json",
        "--plan",
    ]))
    .await;
    assert_eq!(r.code, 0, "a warning is not a failure: {}", r.stderr);
    let report = r.json();
    let all = rows(&report);
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].2, "warn");
    assert_eq!(
        all[0].3,
        ["config.vpc-origin-not-https-only", "origin.not-probed"]
    );
    let plan: Vec<&str> = r.stderr.lines().filter(|l| l.contains("plan:")).collect();
    assert!(
        plan.iter().any(|l| l.contains("origin app: unchanged: VPC origin AppVpcOrigin")
            && l.contains("which is http-only: in AppVpcOrigin (line 3), set VpcOriginEndpointConfig.OriginProtocolPolicy: https-only")),
        "{plan:#?}\n{}",
        r.stderr
    );
}
