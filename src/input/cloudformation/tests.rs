//! The template reader against `tests/fixtures/cloudformation/` (see the README there).

use super::*;
use crate::input::cloudfront::{
    CfOriginKind, HostForwarding, OriginProtocolPolicy, SslProtocol, needs_probe,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/cloudformation/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str, params: &[(&str, &str)]) -> Parsed {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    parse_template(&fixture(name), name, &params).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn err(text: &str) -> String {
    parse_template(text.as_bytes(), "t.yaml", &[])
        .expect_err("must be refused")
        .to_string()
}

#[test]
fn short_forms_resolve_over_parameters_and_defaults() {
    let parsed = parse("template.yaml", &[]);
    assert!(
        parsed.bad_distributions.is_empty(),
        "{:?}",
        parsed.bad_distributions
    );
    let d = &parsed.document.distributions[0];
    assert_eq!(d.aliases, ["www.viewer.test", "other.viewer.test"]);
    let ids: Vec<_> = d.origins.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["viewer", "site", "later", "expired", "good"]);
    let good = d.origin("good").expect("good");
    assert_eq!(good.domain_name, "good.test");
    let c = good.custom().expect("custom");
    assert_eq!(c.https_port, 44301, "a string port is a port");
    assert_eq!(c.ssl_protocols, [SslProtocol::Tls12]);
    let expired = d
        .origin("expired")
        .expect("expired")
        .custom()
        .expect("custom");
    assert_eq!(expired.https_port, 44302, "the Number parameter's default");
    assert_eq!(
        expired.protocol_policy,
        OriginProtocolPolicy::MatchViewer,
        "!If on IsProd"
    );
    assert_eq!(
        d.origin("viewer").expect("viewer").domain_name,
        "origin.viewer.test"
    );
    // Line and column of the origin in the file.
    let loc = good.location.as_ref().expect("location");
    assert_eq!((loc.line, loc.column), (Some(81), Some(13)));
    assert_eq!(
        loc.pointer.as_deref(),
        Some("/Resources/Cdn/Properties/DistributionConfig/Origins/4")
    );
    assert_eq!(loc.address.as_deref(), Some("Cdn"));
    assert!(!format!("{:?}", parsed.document).contains("s3cr3t"));
    // A parameter given on the command line wins over the default.
    let test = parse(
        "template.yaml",
        &[("Env", "test"), ("GoodOrigin", "other.test")],
    );
    let d = &test.document.distributions[0];
    assert_eq!(d.origin("good").expect("good").domain_name, "other.test");
    let expired = d
        .origin("expired")
        .expect("expired")
        .custom()
        .expect("custom");
    assert_eq!(expired.protocol_policy, OriginProtocolPolicy::HttpOnly);
}

#[test]
fn get_att_origins_are_unresolved_and_not_probed() {
    let parsed = parse("template.yaml", &[]);
    let later = parsed.document.distributions[0]
        .origin("later")
        .expect("later");
    assert_eq!(later.unresolved.len(), 1, "{:?}", later.unresolved);
    assert_eq!(later.unresolved[0].setting, "DomainName");
    assert_eq!(
        later.unresolved[0].expression,
        "!GetAtt LoadBalancer.DNSName"
    );
    assert!(!needs_probe(later));
}

#[test]
fn a_policy_in_the_same_template_forwards_host() {
    let parsed = parse("template.yaml", &[]);
    let viewer = parsed.document.distributions[0]
        .origin("viewer")
        .expect("viewer");
    let HostForwarding::Forwarded { how } = &viewer.behaviors[0].host else {
        panic!("{:?}", viewer.behaviors);
    };
    assert!(how.contains("HostPolicy"), "{how}");
}

#[test]
fn long_forms_legacy_origins_and_unresolvable_expressions() {
    let parsed = parse("template-long-form.json", &[]);
    let docs = &parsed.document.distributions;
    assert_eq!(docs.len(), 2);
    let legacy = &docs[0];
    let [origin] = legacy.origins.as_slice() else {
        panic!("{:?}", legacy.origins);
    };
    assert_eq!(origin.id, "legacy-origin");
    // `Stage` has no default and was not given: the Sub cannot be resolved.
    assert_eq!(origin.unresolved[0].setting, "DomainName");
    assert!(
        origin.unresolved[0].expression.starts_with("{Fn::Sub: ["),
        "{:?}",
        origin.unresolved
    );
    let c = origin.custom().expect("custom");
    assert_eq!(
        c.ssl_protocols,
        [SslProtocol::Ssl3, SslProtocol::Tls1, SslProtocol::Tls12]
    );
    assert_eq!(c.https_port, 443);
    assert!(origin.host_forwarded(), "legacy ForwardedValues Host");
    let given = parse("template-long-form.json", &[("Stage", "prod")]);
    let legacy = &given.document.distributions[0].origins[0];
    assert_eq!(legacy.domain_name, "api.prod.example.com");
    assert!(legacy.unresolved.is_empty());
    let imported = &given.document.distributions[1];
    let shared = imported.origin("shared").expect("shared");
    assert_eq!(
        shared.unresolved[0].expression,
        "{Fn::ImportValue: shared-alb-dns}"
    );
    assert_eq!(
        shared.custom().expect("custom").protocol_policy,
        OriginProtocolPolicy::HttpsOnly
    );
    let bucket = imported.origin("bucket").expect("bucket");
    assert_eq!(bucket.kind, CfOriginKind::S3Rest);
    // The cache policy of the same template does not send Host: known, not unknown.
    assert_eq!(bucket.behaviors[0].host, HostForwarding::NotForwarded);
}

#[test]
fn bad_templates_are_one_line_naming_the_file() {
    assert!(err("").contains("t.yaml: empty input"));
    let syntax = err("Resources:\n  A: [1, 2\n  B: 3\n");
    assert!(
        syntax.starts_with("t.yaml: template syntax error (YAML or JSON) at line "),
        "{syntax}"
    );
    assert_eq!(
        err("a: 1\n"),
        "t.yaml: not a CloudFormation template (no Resources mapping)"
    );
    assert_eq!(
        err("Resources:\n  B:\n    Type: AWS::S3::Bucket\n"),
        "t.yaml: no AWS::CloudFront::Distribution resource in this template"
    );
    let laughs = "Resources: &a\n  X: *a\n";
    assert!(err(laughs).contains("aliases"), "{}", err(laughs));
    assert!(parse_template(b"\xff\xfe", "t.yaml", &[]).is_err());
    for e in [syntax, err(laughs)] {
        assert!(!e.contains('\n'), "{e}");
    }
    // A distribution whose behavior names an unresolvable origin: one line, the others kept.
    let text = "Resources:\n  A:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Origins: [{Id: a, DomainName: a.example, S3OriginConfig: {}}]\n        DefaultCacheBehavior: {TargetOriginId: !GetAtt X.Y, ViewerProtocolPolicy: allow-all}\n  B:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Origins: [{Id: b, DomainName: b.example, S3OriginConfig: {}}]\n        DefaultCacheBehavior: {TargetOriginId: b, ViewerProtocolPolicy: allow-all}\n";
    let parsed = parse_template(text.as_bytes(), "t.yaml", &[]).expect("parsed");
    assert_eq!(parsed.document.distributions.len(), 1);
    assert_eq!(
        parsed.bad_distributions,
        [
            "t.yaml:3: A: DefaultCacheBehavior.TargetOriginId is unresolved (!GetAtt X.Y); which origin the behavior reaches cannot be told"
        ]
    );
}

#[test]
fn a_vpc_origin_resource_of_the_same_template_reaches_the_origin_using_it() {
    let template = r#"
Resources:
  AppVpcOrigin:
    Type: AWS::CloudFront::VpcOrigin
    Properties:
      VpcOriginEndpointConfig:
        Name: app-alb
        Arn: !GetAtt AppLoadBalancer.LoadBalancerArn
        HTTPSPort: "8443"
        OriginProtocolPolicy: https-only
        OriginSSLProtocols: [TLSv1, TLSv1.2]
  Unsettled:
    Type: AWS::CloudFront::VpcOrigin
    Properties:
      VpcOriginEndpointConfig:
        Name: other
        Arn: arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/o/1
        OriginProtocolPolicy: !ImportValue SharedPolicy
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
          - Id: other
            DomainName: internal-other.elb.amazonaws.com
            VpcOriginConfig:
              VpcOriginId: !Ref Unsettled
        DefaultCacheBehavior:
          TargetOriginId: app
          ViewerProtocolPolicy: redirect-to-https
          CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
"#;
    let parsed = parse_template(template.as_bytes(), "t.yaml", &[]).expect("parses");
    let d = &parsed.document.distributions[0];
    let settings = |id: &str| match &d.origin(id).expect("origin").kind {
        CfOriginKind::Vpc { settings, .. } => settings.clone(),
        other => panic!("{id}: {other:?}"),
    };
    let crate::input::cloudfront::VpcOriginSettings::Known(k) = settings("app") else {
        panic!("{:?}", settings("app"));
    };
    assert_eq!(
        (k.id.as_str(), k.protocol_policy, k.http_port, k.https_port),
        ("AppVpcOrigin", OriginProtocolPolicy::HttpsOnly, 80, 8443)
    );
    assert_eq!(k.ssl_protocols, [SslProtocol::Tls1, SslProtocol::Tls12]);
    assert_eq!(k.endpoint_arn, "(unresolved)");
    assert_eq!(
        settings("other"),
        crate::input::cloudfront::VpcOriginSettings::NotRead,
        "an unresolved policy leaves the VPC origin unknown"
    );
    let findings =
        crate::verdict::config_rules::config_findings(d, d.origin("app").expect("origin"));
    let f = findings
        .iter()
        .find(|f| f.rule == "config.vpc-origin-legacy-tls")
        .expect("legacy TLS");
    assert!(
        f.fix.contains(
            "in AppVpcOrigin (line 4), set VpcOriginEndpointConfig.OriginProtocolPolicy: https-only"
        ),
        "{}",
        f.fix
    );
}
