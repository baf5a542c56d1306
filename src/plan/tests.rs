//! Unit tests of the migration plan.

use super::*;
use crate::input::cloudfront::fixtures::{SECRET_MARK, load, raw_config};
use crate::input::cloudfront::parse_document;

fn switch_to(origin: &str, protocols: &[SslProtocol]) -> PlanDecision {
    PlanDecision {
        origin_id: origin.to_string(),
        switch: true,
        ssl_protocols: protocols.to_vec(),
        reason: "origin supports TLSv1.1 at most".to_string(),
    }
}

fn keep(origin: &str, reason: &str) -> PlanDecision {
    PlanDecision {
        origin_id: origin.to_string(),
        switch: false,
        ssl_protocols: Vec::new(),
        reason: reason.to_string(),
    }
}

/// Sets the two fields the plan may change, on the origin at `index`, by JSON pointer.
fn expect_switched(tree: &mut Value, index: usize, protocols: &[&str]) {
    let base = format!("/Origins/Items/{index}/CustomOriginConfig");
    *tree
        .pointer_mut(&format!("{base}/OriginProtocolPolicy"))
        .expect("policy") = Value::from("https-only");
    *tree
        .pointer_mut(&format!("{base}/OriginSslProtocols"))
        .expect("protocols") = serde_json::json!({"Quantity": protocols.len(), "Items": protocols});
}

#[test]
fn plan_changes_exactly_the_chosen_origins() {
    let name = "get-distribution-config-legacy.json";
    let doc = load(name);
    let decisions = [
        switch_to("app-origin", &[]),
        keep(
            "legacy-api",
            "would-502: the origin refuses every CloudFront hello",
        ),
    ];
    let plan = plan(&doc, &decisions).expect("plans");
    let mut expected = raw_config(name);
    expect_switched(&mut expected, 0, &["TLSv1.2"]);
    assert_eq!(plan.config().expose(), &expected);
    // Same key order too: the serialized texts are identical.
    assert_eq!(
        serde_json::to_string(plan.config().expose()).ok(),
        serde_json::to_string(&expected).ok()
    );
    assert_ne!(plan.config().expose(), &raw_config(name));
    assert_eq!(plan.etag, "E2QWRUHAPOMQZL");
    assert_eq!(plan.distribution_id, None);
    let changes: Vec<_> = plan
        .origins
        .iter()
        .map(|o| (o.origin_id.as_str(), &o.change))
        .collect();
    let switched = PlannedChange::Switched {
        ssl_protocols: vec![SslProtocol::Tls12],
        warning: None,
    };
    let unchanged = |reason: &str| PlannedChange::Unchanged {
        reason: reason.to_string(),
    };
    assert_eq!(
        changes,
        [
            ("app-origin", &switched),
            ("legacy-api", &unchanged(&decisions[1].reason)),
            (
                "assets-bucket",
                &unchanged(
                    "S3 REST origin: no origin protocol policy (the viewer protocol policy of the behaviors that reach it decides)"
                )
            ),
        ]
    );
    assert!(plan.changes_anything());
}

#[test]
fn no_decisions_reproduce_the_config_exactly() {
    for name in [
        "get-distribution-config-legacy.json",
        "get-distribution-managed.json",
        "get-distribution-config-special-origins.json",
    ] {
        let plan = plan(&load(name), &[]).expect("plans");
        let original = raw_config(name);
        assert_eq!(plan.config().expose(), &original, "{name}");
        assert_eq!(
            serde_json::to_string(plan.config().expose()).ok(),
            serde_json::to_string(&original).ok(),
            "{name}: key order"
        );
        assert!(!plan.changes_anything());
    }
}

#[test]
fn lower_protocols_come_with_a_warning() {
    let name = "get-distribution-managed.json";
    let doc = load(name);
    let decision = switch_to("tenant", &[SslProtocol::Tls12, SslProtocol::Tls11]);
    let plan = plan(&doc, &[decision]).expect("plans");
    let mut expected = raw_config(name);
    expect_switched(&mut expected, 2, &["TLSv1.1", "TLSv1.2"]);
    assert_eq!(plan.config().expose(), &expected);
    assert_eq!(plan.distribution_id.as_deref(), Some("E1MANAGEDEXAMPLE"));
    let tenant = plan
        .origins
        .iter()
        .find(|o| o.origin_id == "tenant")
        .expect("tenant");
    let PlannedChange::Switched {
        warning: Some(w), ..
    } = &tenant.change
    else {
        panic!("{:?}", tenant.change);
    };
    assert!(
        w.contains("allows TLSv1.1, TLSv1.2 because the origin needs TLSv1.1"),
        "{w}"
    );
    assert!(w.contains("origin supports TLSv1.1 at most"), "{w}");
}

#[test]
fn missing_ssl_protocols_are_inserted_after_the_policy() {
    let text = r#"{"ETag": "E9", "DistributionConfig": {"Origins": {"Quantity": 1, "Items": [{"Id": "a", "DomainName": "a.example", "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only", "OriginReadTimeout": 30}}]}, "DefaultCacheBehavior": {"TargetOriginId": "a", "ViewerProtocolPolicy": "allow-all"}}}"#;
    let doc = parse_document(text.as_bytes(), "a.json").expect("parses");
    let plan = plan(&doc, &[switch_to("a", &[])]).expect("plans");
    let coc = plan
        .config()
        .expose()
        .pointer("/Origins/Items/0/CustomOriginConfig")
        .expect("coc");
    assert_eq!(
        serde_json::to_string(coc).ok().as_deref(),
        Some(
            r#"{"HTTPPort":80,"HTTPSPort":443,"OriginProtocolPolicy":"https-only","OriginSslProtocols":{"Quantity":1,"Items":["TLSv1.2"]},"OriginReadTimeout":30}"#
        )
    );
}

#[test]
fn refuses_list_pages_missing_etags_and_bad_decisions() {
    let list = load("list-distributions.json");
    let e = plan(&list, &[]).expect_err("list");
    assert!(matches!(e, PlanError::WrongKind { .. }));
    assert!(
        e.to_string()
            .starts_with("list-distributions.json: a list-distributions page cannot be planned")
    );
    let e = plan(&load("distribution-config-no-etag.json"), &[]).expect_err("no etag");
    assert_eq!(
        e.to_string(),
        "distribution-config-no-etag.json: no ETag, which `update-distribution --if-match` requires; give the whole output of `aws cloudfront get-distribution-config --id ID`"
    );
    let doc = load("get-distribution-config-special-origins.json");
    let cases = [
        (vec![switch_to("nope", &[])], "no origin with Id \"nope\""),
        (
            vec![keep("primary", "x"), keep("primary", "y")],
            "more than one plan decision",
        ),
        (vec![switch_to("rest-bucket", &[])], "S3 REST origin"),
        (vec![switch_to("vpc-origin", &[])], "VPC origin"),
        (
            vec![switch_to("website-dot", &[])],
            "S3 website endpoints serve HTTP only",
        ),
        (vec![switch_to("ip-origin", &[])], "IP address"),
    ];
    for (decisions, expect) in cases {
        let text = plan(&doc, &decisions).expect_err(expect).to_string();
        assert!(text.contains(expect), "{text}");
        assert!(!text.contains('\n'));
    }
    // Kept S3 website origins are fine: they are simply left alone.
    assert!(plan(&doc, &[keep("website-dot", "would-502 (fact 28)")]).is_ok());
}

#[test]
fn update_command_text() {
    let managed = plan(&load("get-distribution-managed.json"), &[]).expect("plans");
    assert_eq!(
        update_command(&managed, "plan.json"),
        "aws cloudfront update-distribution --id E1MANAGEDEXAMPLE --distribution-config file://plan.json --if-match E1MANAGEDETAG01"
    );
    let config = plan(&load("get-distribution-config-legacy.json"), &[]).expect("plans");
    assert_eq!(
        update_command(&config, "/tmp/my plan's.json"),
        r#"aws cloudfront update-distribution --id "$DISTRIBUTION_ID" --distribution-config 'file:///tmp/my plan'\''s.json' --if-match E2QWRUHAPOMQZL"#
    );
    let mut with_id = config.clone();
    with_id.distribution_id = Some("E2SETBYFLAG".into());
    assert!(update_command(&with_id, "p.json").contains("--id E2SETBYFLAG "));
}

#[test]
fn the_plan_file_holds_the_secrets_and_nothing_else_shows_them() {
    let doc = load("get-distribution-config-legacy.json");
    let plan = plan(&doc, &[switch_to("app-origin", &[])]).expect("plans");
    assert!(
        plan.config()
            .file_contents()
            .contains("s3cr3t-do-not-print-legacy-app")
    );
    assert!(plan.config().file_contents().ends_with("}\n"));
    for text in [
        format!("{plan:?}"),
        format!("{plan:#?}"),
        serde_json::to_string(&plan.origins).expect("serializes"),
        update_command(&plan, "plan.json"),
    ] {
        assert!(!text.contains(SECRET_MARK), "{text}");
    }
}

/// The AWS CLI's own example: one S3 REST origin behind an allow-all default behavior. The plan
/// switches that behavior to redirect-to-https and nothing else; the whole tree is spelled out.
#[test]
fn aws_cli_example_switches_the_s3_behavior_to_redirect_to_https() {
    let doc = load("get-distribution-config-aws-cli-example.json");
    let plan = plan(&doc, &[]).expect("plans");
    let expected = serde_json::json!({
        "Comment": "",
        "CacheBehaviors": {"Quantity": 0},
        "Logging": {"Bucket": "", "Prefix": "", "Enabled": false, "IncludeCookies": false},
        "Origins": {"Items": [{
            "OriginPath": "",
            "S3OriginConfig": {"OriginAccessIdentity": ""},
            "Id": "my-origin",
            "DomainName": "my-bucket.s3.amazonaws.com"
        }], "Quantity": 1},
        "DefaultRootObject": "",
        "PriceClass": "PriceClass_All",
        "Enabled": true,
        "DefaultCacheBehavior": {
            "TrustedSigners": {"Enabled": false, "Quantity": 0},
            "TargetOriginId": "my-origin",
            "ViewerProtocolPolicy": "redirect-to-https",
            "ForwardedValues": {"Headers": {"Quantity": 0}, "Cookies": {"Forward": "none"}, "QueryString": true},
            "MaxTTL": 31536000,
            "SmoothStreaming": false,
            "DefaultTTL": 86400,
            "AllowedMethods": {"Items": ["HEAD", "GET"], "CachedMethods": {"Items": ["HEAD", "GET"], "Quantity": 2}, "Quantity": 2},
            "MinTTL": 3600
        },
        "CallerReference": "my-distribution-2015-09-01",
        "ViewerCertificate": {"CloudFrontDefaultCertificate": true, "MinimumProtocolVersion": "SSLv3"},
        "CustomErrorResponses": {"Quantity": 0},
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
        "Aliases": {"Quantity": 0}
    });
    assert_eq!(plan.config().expose(), &expected);
    // Key order is the input's: only the one value differs.
    let text = serde_json::to_string(plan.config().expose()).expect("serializes");
    let input = serde_json::to_string(&raw_config("get-distribution-config-aws-cli-example.json"))
        .expect("serializes");
    assert_eq!(
        text,
        input.replace(
            r#""ViewerProtocolPolicy":"allow-all""#,
            r#""ViewerProtocolPolicy":"redirect-to-https""#
        )
    );
    assert_eq!(
        plan.behaviors,
        [PlannedBehavior {
            behavior: "default behavior".to_string(),
            s3_origins: vec!["my-origin".to_string()],
            viewer_protocol_policy: "redirect-to-https",
            warning: None,
        }]
    );
    assert!(plan.changes_anything());
    assert!(plan.group_notes.is_empty());
}

/// S3 behind allow-all with POST allowed, and behind an origin group: both behaviors switch, the
/// first with the 403 warning; redirect-to-https and https-only behaviors stay as they are.
#[test]
fn s3_behaviors_behind_allow_all_switch_and_warn_about_methods() {
    let name = "get-distribution-config-s3-cases.json";
    let doc = load(name);
    let plan = plan(
        &doc,
        &[
            switch_to("mtls-plain", &[]),
            keep("fallback", "would-502: refused"),
        ],
    )
    .expect("plans");
    let mut expected = raw_config(name);
    expect_switched(&mut expected, 3, &["TLSv1.2"]);
    for i in [1, 4] {
        *expected
            .pointer_mut(&format!("/CacheBehaviors/Items/{i}/ViewerProtocolPolicy"))
            .expect("policy") = Value::from("redirect-to-https");
    }
    assert_eq!(plan.config().expose(), &expected);
    let summary: Vec<_> = plan
        .behaviors
        .iter()
        .map(|b| {
            (
                b.behavior.as_str(),
                b.s3_origins.clone(),
                b.warning.is_some(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("behavior /upload/*", vec!["uploads".to_string()], true),
            ("behavior /mixed/*", vec!["replica".to_string()], false),
        ]
    );
    let warning = plan.behaviors[0].warning.as_deref().unwrap_or_default();
    assert!(
        warning.contains("allows OPTIONS, PUT, POST, PATCH, DELETE")
            && warning.contains("403, not a redirect")
            && warning.contains("https-only"),
        "{warning}"
    );
}

/// Group members are planned from their own verdicts; when they end up different, the plan says
/// what that means for failover.
#[test]
fn group_members_planned_apart_are_explained() {
    let doc = load("get-distribution-config-special-origins.json");
    let apart = plan(
        &doc,
        &[
            keep("primary", "would-502: the certificate has expired"),
            switch_to("secondary", &[]),
        ],
    )
    .expect("plans");
    assert_eq!(apart.group_notes.len(), 1, "{:?}", apart.group_notes);
    let note = &apart.group_notes[0];
    assert!(
        note.starts_with("origin group failover-group: secondary secondary switches to https-only, primary primary stays as it is"),
        "{note}"
    );
    let same = plan(
        &doc,
        &[switch_to("primary", &[]), switch_to("secondary", &[])],
    )
    .expect("plans");
    assert!(same.group_notes.is_empty());
}

#[test]
fn a_vpc_origin_is_never_switched_and_the_plan_says_why() {
    let mut doc = load("get-distribution-config-special-origins.json");
    let reason = |doc: &Document| {
        let plan = plan(doc, &[]).expect("plan");
        let vpc = plan
            .origins
            .iter()
            .find(|o| o.origin_id == "vpc-origin")
            .expect("the VPC origin is in the plan");
        match &vpc.change {
            PlannedChange::Unchanged { reason } => reason.clone(),
            other => panic!("a VPC origin changed: {other:?}"),
        }
    };
    let unknown = reason(&doc);
    assert!(
        unknown.contains("no CustomOriginConfig to switch")
            && unknown.contains("get-vpc-origin --id vo_ABCDEFGHIJ0123456789ab"),
        "{unknown}"
    );
    let id = "vo_ABCDEFGHIJ0123456789ab";
    for (policy, expect) in [
        (
            OriginProtocolPolicy::HttpOnly,
            "which is http-only: change it there with `aws cloudfront update-vpc-origin`",
        ),
        (
            OriginProtocolPolicy::HttpsOnly,
            "which is already https-only",
        ),
    ] {
        doc.known_vpc_origins = vec![crate::input::cloudfront::known_vpc_origin(id, policy, &[])];
        doc.attach_vpc_origins(&[]);
        let text = reason(&doc);
        assert!(text.contains(expect), "{text}");
        // The origin itself is untouched: the change belongs on the VPC origin resource.
        let plan = plan(&doc, &[]).expect("plan");
        let vpc_item = |config: &Value| {
            config["Origins"]["Items"]
                .as_array()
                .and_then(|items| items.iter().find(|o| o["Id"] == "vpc-origin").cloned())
                .expect("the VPC origin's item")
        };
        let original = raw_config("get-distribution-config-special-origins.json");
        assert_eq!(vpc_item(&plan.config.0), vpc_item(&original));
    }
}
