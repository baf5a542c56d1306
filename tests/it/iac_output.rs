//! The outputs of `terraform` and `cloudformation` that only infrastructure as code has: SARIF
//! for code scanning (validated against the official SARIF 2.1.0 schema) and `--plan`'s edits.

use serde_json::Value;

use crate::cloudfront::SECRET;
use crate::iac::{INPUTS, fleet};

/// What the official SARIF 2.1.0 schema (`tests/fixtures/sarif/`) says is wrong with `log`.
fn sarif_errors(log: &Value) -> Vec<String> {
    let path = format!(
        "{}/tests/fixtures/sarif/sarif-2.1.0-rtm.5.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema")).expect("json");
    // The schema's `language` pattern has a stray `]` the Rust regex engine refuses; this tool
    // never writes `language` (see src/report/sarif/tests.rs).
    fn drop_language_pattern(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map
                    .get("pattern")
                    .and_then(Value::as_str)
                    .is_some_and(|p| p.ends_with("]?$"))
                {
                    map.remove("pattern");
                }
                map.values_mut().for_each(drop_language_pattern);
            }
            Value::Array(items) => items.iter_mut().for_each(drop_language_pattern),
            _ => {}
        }
    }
    drop_language_pattern(&mut schema);
    let validator = jsonschema::draft4::new(&schema).expect("the schema compiles");
    validator.iter_errors(log).map(|e| e.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn sarif_for_both_inputs_is_valid_and_located() {
    let fleet = fleet().await;
    for (command, dir, file, _) in INPUTS {
        let path = fleet.fixture(dir, file);
        let r = fleet.run(command, &[&path], &["--format", "sarif"]).await;
        assert_eq!(r.code, 1, "{command}: {}", r.stderr);
        assert!(!r.stdout.contains(SECRET), "{command}");
        let log: Value = serde_json::from_str(&r.stdout).expect("SARIF is JSON");
        let errors = sarif_errors(&log);
        assert!(errors.is_empty(), "{command}: {errors:#?}");
        let results = log["runs"][0]["results"].as_array().expect("results");
        let rules: Vec<&str> = results
            .iter()
            .filter_map(|r| r["ruleId"].as_str())
            .collect();
        for rule in [
            "cert.expired",
            "config.s3-website",
            "iac.unresolved",
            "cert.name-mismatch",
        ] {
            assert!(rules.contains(&rule), "{command}: {rule} not in {rules:?}");
        }
        for result in results {
            let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri");
            assert!(uri.ends_with(file), "{command}: {uri}");
        }
        // A template gives the origin's line; a plan is JSON on one line, so only the resource.
        let later = results
            .iter()
            .find(|r| r["ruleId"] == "iac.unresolved")
            .expect("unresolved");
        let place = &later["locations"][0];
        match command {
            "cloudformation" => {
                assert_eq!(
                    place["physicalLocation"]["region"]["startLine"], 65,
                    "{later:#}"
                )
            }
            _ => assert_eq!(
                place["logicalLocations"][0]["fullyQualifiedName"],
                "module.cdn.aws_cloudfront_distribution.main.origin[\"later\"]"
            ),
        }
    }
    // AWS CLI JSON has no file to point into: a valid log without results.
    let cli = fleet.run_cli_json(&["--format", "sarif"]).await;
    let log: Value = serde_json::from_str(&cli.stdout).expect("SARIF is JSON");
    assert!(sarif_errors(&log).is_empty());
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_prints_the_edit_for_ready_origins_and_writes_nothing() {
    let fleet = fleet().await;
    for (command, dir, file, _) in INPUTS {
        let path = fleet.fixture(dir, file);
        let before = std::fs::read(&path).expect("fixture");
        let r = fleet
            .run(command, &[&path], &["--format", "json", "--plan"])
            .await;
        assert_eq!(r.code, 1, "{command}: {}", r.stderr);
        let plan: Vec<&str> = r.stderr.lines().filter(|l| l.contains("plan:")).collect();
        let want = match command {
            "terraform" => "origin good: module.cdn.aws_cloudfront_distribution.main.origin[\"good\"].custom_origin_config[0].origin_protocol_policy = \"https-only\"   # now \"http-only\"".to_string(),
            _ => format!("origin good: {}:81 (the origin): Resources.Cdn.Properties.DistributionConfig.Origins[4].CustomOriginConfig.OriginProtocolPolicy: https-only   # now http-only", path.display()),
        };
        assert!(
            plan.iter().any(|l| l.ends_with(&want)),
            "{command}: {plan:#?}"
        );
        // The expired origin stays, with its reason; nothing else is switched.
        assert!(
            plan.iter()
                .any(|l| l.contains("origin expired: unchanged: cert.expired")),
            "{command}: {plan:#?}"
        );
        assert!(
            !plan
                .iter()
                .any(|l| l.contains("origin expired: module") || l.contains("origin viewer: R")),
            "{command}: {plan:#?}"
        );
        assert!(
            r.stderr
                .contains("1 edit to make in the file; origin-probe never changes it"),
            "{command}: {}",
            r.stderr
        );
        assert_eq!(
            std::fs::read(&path).expect("fixture"),
            before,
            "{command}: the file is untouched"
        );
        assert!(!r.stderr.contains(SECRET));
    }
}

/// `--plan` also switches the `allow-all` behaviors that reach S3 REST origins (fact 46), as
/// `cloudfront --plan` does: the block path with its precedence index, default first, and the
/// 403 warning for the methods `redirect-to-https` does not redirect. Nothing is probed.
#[tokio::test(flavor = "multi_thread")]
async fn plan_switches_allow_all_behaviors_that_reach_s3() {
    let dns = crate::support::dns::DnsServer::start(&[]).await;
    let path = format!(
        "{}/tests/fixtures/terraform/state-s3.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let before = std::fs::read(&path).expect("fixture");
    let args: Vec<String> = [
        "terraform",
        &path,
        "--plan",
        "--dns-server",
        &dns.addr.to_string(),
    ]
    .map(String::from)
    .to_vec();
    let r = crate::support::run(&args).await;
    assert_eq!(r.code, 0, "{r:#?}");
    let plan: Vec<&str> = r.stderr.lines().filter(|l| l.contains("plan: ")).collect();
    let address = "module.site.aws_cloudfront_distribution.this";
    assert_eq!(
        plan,
        [
            format!("origin-probe: plan: default behavior: {address}.default_cache_behavior[0].viewer_protocol_policy = \"redirect-to-https\"   # now \"allow-all\"; it reaches S3 REST origin site, site-replica"),
            format!("origin-probe: plan: behavior /upload/*: {address}.ordered_cache_behavior[1].viewer_protocol_policy = \"redirect-to-https\"   # now \"allow-all\"; it reaches S3 REST origin site"),
            "origin-probe: plan: warning: behavior /upload/* allows DELETE, OPTIONS, PATCH, POST, PUT: over HTTP, redirect-to-https answers those with 403, not a redirect; if HTTP clients must fail the same way for every method, set https-only instead (every HTTP request then gets 403)".to_string(),
        ],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("2 edits to make in the file; origin-probe never changes it"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&path).expect("fixture"), before);
}

/// The S3 behaviors `--plan` switches in a Terraform state are the ones `cloudfront --plan`
/// switches in the AWS CLI JSON of the same distribution: same behaviors, same origins, same
/// warning.
#[tokio::test(flavor = "multi_thread")]
async fn s3_behavior_edits_agree_with_the_aws_cli_json_plan() {
    let dns = crate::support::dns::DnsServer::start(&[]).await;
    let behavior = |path: Option<&str>, target: &str, policy: &str, methods: &[&str]| {
        let mut b = serde_json::json!({
            "TargetOriginId": target,
            "ViewerProtocolPolicy": policy,
            "AllowedMethods": { "Quantity": methods.len(), "Items": methods },
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        });
        if let Some(p) = path {
            b["PathPattern"] = p.into();
        }
        b
    };
    let s3 = |id: &str, domain: &str| {
        serde_json::json!({
            "Id": id, "DomainName": domain, "OriginPath": "",
            "S3OriginConfig": { "OriginAccessIdentity": "" },
        })
    };
    let all = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
    let cli = serde_json::json!({
        "ETag": "E2QWRUHEXAMPLE",
        "DistributionConfig": {
            "CallerReference": "site", "Comment": "static site on S3", "Enabled": true,
            "Origins": { "Quantity": 2, "Items": [
                s3("site-replica", "site-replica.s3.eu-west-1.amazonaws.com"),
                s3("site", "site-bucket.s3.us-east-1.amazonaws.com"),
            ] },
            "OriginGroups": { "Quantity": 1, "Items": [{
                "Id": "site-group",
                "FailoverCriteria": { "StatusCodes": { "Quantity": 4, "Items": [500, 502, 503, 504] } },
                "Members": { "Quantity": 2, "Items": [{ "OriginId": "site" }, { "OriginId": "site-replica" }] },
            }] },
            "DefaultCacheBehavior": behavior(None, "site-group", "allow-all", &["GET", "HEAD"]),
            "CacheBehaviors": { "Quantity": 3, "Items": [
                behavior(Some("/account/*"), "site", "https-only", &["GET", "HEAD"]),
                behavior(Some("/upload/*"), "site", "allow-all", &all),
                behavior(Some("/assets/*"), "site", "redirect-to-https", &["GET", "HEAD"]),
            ] },
        },
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_file = dir.path().join("plan.json").display().to_string();
    let dns_addr = dns.addr.to_string();
    let args: Vec<String> = [
        "cloudfront",
        "-",
        "--plan",
        &plan_file,
        "--dns-server",
        &dns_addr,
    ]
    .map(String::from)
    .to_vec();
    let input = serde_json::to_vec(&cli).expect("json");
    let json_plan = crate::support::run_with_stdin(&args, Some(&input)).await;
    assert_eq!(json_plan.code, 0, "{json_plan:#?}");
    // `default behavior: viewer protocol policy allow-all -> redirect-to-https (it reaches S3
    // REST origin site, site-replica)` -> (`default behavior`, `site, site-replica`).
    let from_json: Vec<(String, String)> = json_plan
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("origin-probe: plan: "))
        .filter_map(|l| l.split_once(": viewer protocol policy allow-all -> redirect-to-https (it reaches S3 REST origin "))
        .map(|(label, rest)| (label.to_string(), rest.trim_end_matches(')').to_string()))
        .collect();
    let path = format!(
        "{}/tests/fixtures/terraform/state-s3.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let args: Vec<String> = ["terraform", &path, "--plan", "--dns-server", &dns_addr]
        .map(String::from)
        .to_vec();
    let iac = crate::support::run(&args).await;
    let from_iac: Vec<(String, String)> = iac
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("origin-probe: plan: "))
        .filter(|l| l.contains(".viewer_protocol_policy = \"redirect-to-https\""))
        .filter_map(|l| {
            let (label, _) = l.split_once(": ")?;
            let (_, origins) = l.split_once("; it reaches S3 REST origin ")?;
            Some((label.to_string(), origins.to_string()))
        })
        .collect();
    assert_eq!(from_json.len(), 2, "{}", json_plan.stderr);
    assert_eq!(from_iac, from_json, "{}\n{}", iac.stderr, json_plan.stderr);
    let warnings = |r: &crate::support::Run| -> Vec<String> {
        r.stderr
            .lines()
            .filter(|l| l.starts_with("origin-probe: plan: warning: "))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(warnings(&iac), warnings(&json_plan));
}
