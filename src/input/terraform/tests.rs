//! The Terraform reader against hand-written `terraform show -json` fixtures
//! (`tests/fixtures/terraform/`, see the README there).

use super::*;
use crate::input::cloudfront::{
    CfOriginKind, HostForwarding, OriginProtocolPolicy, SslProtocol, VpcOriginSettings,
};
use serde_json::Value;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/terraform/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str) -> Parsed {
    parse_terraform(&fixture(name), name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn err(text: &str) -> String {
    parse_terraform(text.as_bytes(), "in.json")
        .expect_err("must be refused")
        .to_string()
}

#[test]
fn a_plan_in_a_child_module_becomes_the_model() {
    let parsed = parse("plan-module.json");
    assert!(
        parsed.bad_distributions.is_empty(),
        "{:?}",
        parsed.bad_distributions
    );
    assert_eq!(parsed.deleted, ["aws_cloudfront_distribution.retired"]);
    let doc = &parsed.document;
    assert_eq!(doc.kind, DocumentKind::TerraformPlan);
    let [d] = doc.distributions.as_slice() else {
        panic!("one distribution: {:?}", doc.distributions);
    };
    // The id is known only after apply.
    assert_eq!(d.id, None);
    assert_eq!(d.aliases, ["www.viewer.test", "other.viewer.test"]);
    let location = d.location.as_ref().expect("location");
    assert_eq!(
        location.address.as_deref(),
        Some("module.cdn.aws_cloudfront_distribution.main")
    );
    assert_eq!(
        location.pointer.as_deref(),
        Some("/resource_changes/0/change/after")
    );
    // Set order is kept as the file has it.
    let ids: Vec<_> = d.origins.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["viewer", "site", "later", "expired", "good"]);
    let good = d.origin("good").expect("good");
    let c = good.custom().expect("custom");
    assert_eq!(
        (c.https_port, c.protocol_policy),
        (44301, OriginProtocolPolicy::HttpOnly)
    );
    assert_eq!(c.ssl_protocols, [SslProtocol::Tls12]);
    assert_eq!(good.custom_header_names(), ["X-Origin-Verify"]);
    assert_eq!(
        good.custom_headers[0].1.expose(),
        "s3cr3t-never-printed-7f3a"
    );
    assert!(
        !format!("{doc:?}").contains("s3cr3t"),
        "Debug shows no secret"
    );
    let gl = good.location.as_ref().expect("origin location");
    assert_eq!(
        gl.pointer.as_deref(),
        Some("/resource_changes/0/change/after/origin/4")
    );
    assert_eq!(
        gl.edit_path.as_deref(),
        Some("module.cdn.aws_cloudfront_distribution.main.origin[\"good\"]")
    );
    assert_eq!(gl.file, "plan-module.json");
    assert!(good.unresolved.is_empty());
    assert_eq!(good.behaviors[0].path_pattern, None);
}

#[test]
fn unknown_values_are_unknown_never_guessed() {
    let parsed = parse("plan-module.json");
    let d = &parsed.document.distributions[0];
    let later = d.origin("later").expect("later");
    assert_eq!(later.domain_name, distribution::KNOWN_AFTER_APPLY);
    assert_eq!(later.unresolved.len(), 1);
    assert_eq!(later.unresolved[0].setting, "domain_name");
    assert!(later.unresolved[0].blocks_probe);
    assert!(!crate::input::cloudfront::needs_probe(later));
    let findings = crate::verdict::config_rules::config_findings(d, later);
    let rules: Vec<_> = findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"iac.unresolved"), "{rules:?}");
    assert!(rules.contains(&"origin.not-probed"), "{rules:?}");
}

#[test]
fn a_policy_in_the_same_plan_decides_host_forwarding() {
    let parsed = parse("plan-module.json");
    let doc = &parsed.document;
    let viewer = doc.distributions[0].origin("viewer").expect("viewer");
    let [b] = viewer.behaviors.as_slice() else {
        panic!("{:?}", viewer.behaviors);
    };
    assert_eq!(
        b.policies.origin_request_policy_id.as_deref(),
        Some("module.cdn.aws_cloudfront_origin_request_policy.host")
    );
    let HostForwarding::Forwarded { how } = &b.host else {
        panic!("{:?}", b.host);
    };
    assert!(
        how.contains("module.cdn.aws_cloudfront_origin_request_policy.host"),
        "{how}"
    );
    // In the state, the same policy is known by its ID.
    let state = parse("state-root.json");
    assert_eq!(state.document.kind, DocumentKind::TerraformState);
    let d = &state.document.distributions[0];
    assert_eq!(d.id.as_deref(), Some("E2STATEEXAMPLE"));
    let viewer = d.origin("viewer").expect("viewer");
    assert!(viewer.host_forwarded(), "{:?}", viewer.behaviors);
    assert!(d.origin("later").expect("later").unresolved.is_empty());
    assert!(matches!(
        d.origin("site").expect("site").kind,
        CfOriginKind::Custom(_)
    ));
}

#[test]
fn bad_input_is_one_line_naming_the_file() {
    assert_eq!(
        err(" \n"),
        "in.json: empty input; expected the output of `terraform show -json`"
    );
    assert!(err("{\"a\": ").starts_with("in.json: invalid JSON at line 1, column 6"));
    assert_eq!(
        err(r#"{"ETag": "E1", "DistributionConfig": {}}"#),
        "in.json: expected the output of `terraform show -json` (a plan or a state), found an object with keys \"ETag\", \"DistributionConfig\""
    );
    assert!(
        err(r#"{"version": 4, "terraform_version": "1.9.0", "serial": 1, "resources": []}"#)
            .contains("raw terraform.tfstate")
    );
    assert!(
        err(r#"{"format_version": "2.0", "planned_values": {}}"#)
            .contains("format_version \"2.0\"")
    );
    assert_eq!(
        err(r#"{"format_version": "1.2", "planned_values": {"root_module": {}}}"#),
        "in.json: no aws_cloudfront_distribution resource in this plan (after apply)"
    );
    for e in [err("{\"a\": "), err("[1]")] {
        assert!(!e.contains('\n'), "{e}");
    }
}

#[test]
fn one_bad_distribution_leaves_the_others() {
    let doc = serde_json::json!({"format_version": "1.0", "values": {"root_module": {"resources": [
        {"address": "aws_cloudfront_distribution.bad", "mode": "managed", "type": "aws_cloudfront_distribution",
         "values": {"origin": [], "default_cache_behavior": [{"target_origin_id": "nowhere", "viewer_protocol_policy": "allow-all"}]}},
        {"address": "aws_cloudfront_distribution.ok", "mode": "managed", "type": "aws_cloudfront_distribution",
         "values": {"origin": [{"origin_id": "a", "domain_name": "a.example", "s3_origin_config": [{}]}],
                    "default_cache_behavior": [{"target_origin_id": "a", "viewer_protocol_policy": "allow-all"}]}}
    ]}}});
    let parsed = parse_terraform(doc.to_string().as_bytes(), "s.json").expect("parsed");
    assert_eq!(parsed.document.distributions.len(), 1);
    assert_eq!(
        parsed.bad_distributions,
        [
            "s.json: aws_cloudfront_distribution.bad.DefaultCacheBehavior.TargetOriginId: \"nowhere\" names no origin and no origin group"
        ]
    );
    assert_eq!(
        parsed.document.distributions[0].origins[0].kind,
        CfOriginKind::S3Rest
    );
}

#[test]
fn groups_legacy_headers_and_an_unknown_port() {
    let doc = serde_json::json!({"format_version": "1.2",
      "planned_values": {"root_module": {}},
      "resource_changes": [{"address": "aws_cloudfront_distribution.g", "mode": "managed", "type": "aws_cloudfront_distribution",
        "change": {"actions": ["update"],
          "after": {"aliases": ["www.example.com"],
            "origin": [
              {"origin_id": "b", "domain_name": "b.example", "custom_origin_config": [{"http_port": 80, "origin_protocol_policy": "http-only", "origin_ssl_protocols": ["SSLv3", "TLSv1.2"]}]},
              {"origin_id": "a", "domain_name": "a.example", "custom_origin_config": [{"http_port": 80, "https_port": 8443, "origin_protocol_policy": "match-viewer", "origin_ssl_protocols": ["TLSv1.2"]}]}
            ],
            "origin_group": [{"origin_id": "grp", "failover_criteria": [{"status_codes": [502, 503]}], "member": [{"origin_id": "a"}, {"origin_id": "b"}]}],
            "default_cache_behavior": [{"target_origin_id": "grp", "viewer_protocol_policy": "allow-all", "forwarded_values": [{"headers": ["Host"], "query_string": false}]}],
            "ordered_cache_behavior": []},
          "after_unknown": {"origin": [{"custom_origin_config": [{"https_port": true}]}, {}]}}}]});
    let parsed = parse_terraform(doc.to_string().as_bytes(), "g.json").expect("plan");
    let d = &parsed.document.distributions[0];
    assert_eq!(d.groups[0].members, ["a", "b"]);
    assert_eq!(d.groups[0].failover_status_codes, Some(vec![502, 503]));
    let a = d.origin("a").expect("a");
    assert!(a.host_forwarded(), "legacy forwarded_values headers");
    assert_eq!(a.behaviors[0].via_group.as_deref(), Some("grp"));
    let b = d.origin("b").expect("b");
    assert_eq!(
        b.unresolved[0].setting,
        "custom_origin_config[0].https_port"
    );
    assert!(b.probe_blocked());
    assert_eq!(
        b.custom().expect("custom").ssl_protocols,
        [SslProtocol::Ssl3, SslProtocol::Tls12]
    );
    let rules: Vec<_> = crate::verdict::config_rules::config_findings(d, b)
        .iter()
        .map(|f| f.rule)
        .collect();
    assert!(
        rules.contains(&"config.sslv3-allowed") && rules.contains(&"iac.unresolved"),
        "{rules:?}"
    );
}

/// A `target_origin_id` known only after apply is tied to an origin when that is certain: the
/// very expression of the one origin whose ID is unknown. Two origins with unknown IDs, or a
/// target written otherwise, leave it untold (one line for the distribution).
#[test]
fn an_unknown_target_is_the_origin_written_with_the_same_expression() {
    let plan = |second_id: serde_json::Value, target_ref: &str| {
        serde_json::json!({"format_version": "1.2",
        "planned_values": {"root_module": {}},
        "resource_changes": [{"address": "aws_cloudfront_distribution.d", "mode": "managed", "type": "aws_cloudfront_distribution",
          "change": {"actions": ["create"],
            "after": {
              // A set: hash order, not the configuration's order.
              "origin": [
                {"origin_id": "static", "domain_name": "static.example", "custom_origin_config": [{"http_port": 80, "https_port": 443, "origin_protocol_policy": "http-only", "origin_ssl_protocols": ["TLSv1.2"]}]},
                {"domain_name": "bucket.example", "s3_origin_config": [{}]}
              ],
              "default_cache_behavior": [{"viewer_protocol_policy": "allow-all"}],
              "ordered_cache_behavior": [{"path_pattern": "/s/*", "target_origin_id": "static", "viewer_protocol_policy": "allow-all"}]},
            "after_unknown": {"origin": [{}, {"origin_id": true}], "default_cache_behavior": [{"target_origin_id": true}]}}}],
        "configuration": {"root_module": {"resources": [{"address": "aws_cloudfront_distribution.d", "expressions": {
          "origin": [
            {"origin_id": {"references": ["aws_s3_bucket.b.id", "aws_s3_bucket.b"]}},
            {"origin_id": second_id}
          ],
          "default_cache_behavior": [{"target_origin_id": {"references": [target_ref, "aws_s3_bucket.b"]}}]
        }}]}}})
    };
    let tied = plan(
        serde_json::json!({"constant_value": "static"}),
        "aws_s3_bucket.b.id",
    );
    let parsed = parse_terraform(tied.to_string().as_bytes(), "t.json").expect("plan");
    assert!(
        parsed.bad_distributions.is_empty(),
        "{:?}",
        parsed.bad_distributions
    );
    let d = &parsed.document.distributions[0];
    let bucket = d.origin("origin[1]").expect("the unknown origin");
    assert_eq!(bucket.kind, CfOriginKind::S3Rest);
    assert_eq!(bucket.behaviors.len(), 1, "{:?}", bucket.behaviors);
    assert_eq!(bucket.behaviors[0].position, None, "the default behavior");

    let other = plan(
        serde_json::json!({"constant_value": "static"}),
        "aws_s3_bucket.c.id",
    );
    let parsed = parse_terraform(other.to_string().as_bytes(), "t.json").expect("plan");
    assert!(parsed.document.distributions.is_empty());
    assert!(
        parsed.bad_distributions[0].contains("target_origin_id is (known after apply)"),
        "{:?}",
        parsed.bad_distributions
    );
}

#[test]
fn a_vpc_origin_resource_of_the_same_state_reaches_the_origin_using_it() {
    let mut state: Value = serde_json::from_slice(&fixture("state-root.json")).expect("json");
    let resources = state["values"]["root_module"]["resources"]
        .as_array_mut()
        .expect("resources");
    let dist = resources
        .iter_mut()
        .find(|r| r["type"] == "aws_cloudfront_distribution")
        .expect("distribution");
    let origins = dist["values"]["origin"].as_array_mut().expect("origins");
    for (id, vo) in [
        ("private", "vo_StateKnown0000000001"),
        ("elsewhere", "vo_NotInThisState01"),
    ] {
        origins.push(serde_json::json!({
            "connection_attempts": 3, "connection_timeout": 10, "custom_header": [],
            "custom_origin_config": [], "origin_access_control_id": "", "origin_id": id,
            "origin_path": "", "origin_shield": [], "s3_origin_config": [],
            "vpc_origin_config": [{"vpc_origin_id": vo, "origin_keepalive_timeout": 5, "origin_read_timeout": 30, "owner_account_id": ""}],
            "domain_name": format!("{id}.internal.test")
        }));
    }
    resources.push(serde_json::json!({
        "address": "aws_cloudfront_vpc_origin.app", "mode": "managed",
        "type": "aws_cloudfront_vpc_origin", "name": "app",
        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
        "values": {
            "id": "vo_StateKnown0000000001", "etag": "E3STATEETAG",
            "arn": "arn:aws:cloudfront::123456789012:vpcorigin/vo_StateKnown0000000001",
            "vpc_origin_endpoint_config": [{
                "name": "app-alb",
                "arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/app/1",
                "http_port": 80, "https_port": 8443, "origin_protocol_policy": "match-viewer",
                "origin_ssl_protocols": [{"items": ["TLSv1.1", "TLSv1.2"], "quantity": 2}]
            }]
        }
    }));
    let bytes = serde_json::to_vec(&state).expect("json");
    let parsed = parse_terraform(&bytes, "state.json").expect("parses");
    let d = &parsed.document.distributions[0];
    let settings = |id: &str| match &d.origin(id).expect("origin").kind {
        CfOriginKind::Vpc { settings, .. } => settings.clone(),
        other => panic!("{id}: {other:?}"),
    };
    let VpcOriginSettings::Known(k) = settings("private") else {
        panic!("{:?}", settings("private"));
    };
    assert_eq!(k.source, "aws_cloudfront_vpc_origin.app");
    assert_eq!(
        (k.protocol_policy, k.https_port, k.etag.as_deref()),
        (OriginProtocolPolicy::MatchViewer, 8443, Some("E3STATEETAG"))
    );
    assert_eq!(k.ssl_protocols, [SslProtocol::Tls11, SslProtocol::Tls12]);
    assert_eq!(settings("elsewhere"), VpcOriginSettings::NotRead);
    let fixes: String =
        crate::verdict::config_rules::config_findings(d, d.origin("private").expect("origin"))
            .iter()
            .map(|f| f.fix.clone())
            .collect();
    assert!(
        fixes.contains("in aws_cloudfront_vpc_origin.app, set vpc_origin_endpoint_config.origin_protocol_policy = \"https-only\"")
            && !fixes.contains("update-vpc-origin --id"),
        "{fixes}"
    );
    let rules: Vec<_> =
        crate::verdict::config_rules::config_findings(d, d.origin("private").expect("origin"))
            .into_iter()
            .map(|f| f.rule)
            .collect();
    assert_eq!(
        rules,
        [
            "config.vpc-origin-not-https-only",
            "config.vpc-origin-legacy-tls",
            "origin.not-probed"
        ]
    );
}

/// A plan that creates a VPC origin and the distribution using it: the origin's
/// `vpc_origin_id` is known only after apply, the configuration ties it to the resource, so its
/// settings are judged now. With a second origin of unknown VPC origin ID it cannot be told
/// which is which, and both stay unknown.
#[test]
fn a_vpc_origin_created_by_the_same_plan_reaches_the_origin_using_it() {
    let plan = |second: bool| {
        let mut origins = vec![
            serde_json::json!({"origin_id": "private", "domain_name": "app.internal.test",
            "vpc_origin_config": [{"origin_keepalive_timeout": 5, "origin_read_timeout": 30}]}),
        ];
        let mut unknown = vec![serde_json::json!({"vpc_origin_config": [{"vpc_origin_id": true}]})];
        let mut written = vec![
            serde_json::json!({"vpc_origin_config": [{"vpc_origin_id": {"references": ["aws_cloudfront_vpc_origin.app.id", "aws_cloudfront_vpc_origin.app"]}}]}),
        ];
        if second {
            origins.push(
                serde_json::json!({"origin_id": "other", "domain_name": "other.internal.test",
                "vpc_origin_config": [{"origin_keepalive_timeout": 5, "origin_read_timeout": 30}]}),
            );
            unknown.push(serde_json::json!({"vpc_origin_config": [{"vpc_origin_id": true}]}));
            written.push(serde_json::json!({"vpc_origin_config": [{"vpc_origin_id": {"references": ["module.net.vpc_origin_id", "module.net"]}}]}));
        }
        serde_json::json!({"format_version": "1.2",
          "planned_values": {"root_module": {}},
          "resource_changes": [
            {"address": "aws_cloudfront_vpc_origin.app", "mode": "managed", "type": "aws_cloudfront_vpc_origin",
             "change": {"actions": ["create"],
               "after": {"vpc_origin_endpoint_config": [{"name": "app-alb", "http_port": 80, "https_port": 443,
                 "origin_protocol_policy": "http-only", "origin_ssl_protocols": [{"items": ["TLSv1.2"], "quantity": 1}]}]},
               "after_unknown": {"id": true, "arn": true, "etag": true, "vpc_origin_endpoint_config": [{"arn": true}]}}},
            {"address": "aws_cloudfront_distribution.d", "mode": "managed", "type": "aws_cloudfront_distribution",
             "change": {"actions": ["create"],
               "after": {"origin": origins,
                 "default_cache_behavior": [{"target_origin_id": "private", "viewer_protocol_policy": "https-only"}]},
               "after_unknown": {"origin": unknown}}}],
          "configuration": {"root_module": {"resources": [{"address": "aws_cloudfront_distribution.d",
            "expressions": {"origin": written}}]}}})
    };
    let parsed = parse_terraform(plan(false).to_string().as_bytes(), "v.json").expect("plan");
    let d = &parsed.document.distributions[0];
    let CfOriginKind::Vpc { settings, .. } = &d.origin("private").expect("origin").kind else {
        panic!("{:?}", d.origin("private"));
    };
    let VpcOriginSettings::Known(k) = settings else {
        panic!("{settings:?}");
    };
    assert_eq!(k.source, "aws_cloudfront_vpc_origin.app");
    assert_eq!(k.protocol_policy, OriginProtocolPolicy::HttpOnly);
    let rules: Vec<_> =
        crate::verdict::config_rules::config_findings(d, d.origin("private").expect("origin"))
            .into_iter()
            .map(|f| f.rule)
            .collect();
    assert!(
        rules.contains(&"config.vpc-origin-not-https-only"),
        "{rules:?}"
    );

    let parsed = parse_terraform(plan(true).to_string().as_bytes(), "v.json").expect("plan");
    let d = &parsed.document.distributions[0];
    for id in ["private", "other"] {
        let CfOriginKind::Vpc { settings, .. } = &d.origin(id).expect("origin").kind else {
            panic!("{id}");
        };
        assert_eq!(*settings, VpcOriginSettings::NotRead, "{id}");
    }
}
