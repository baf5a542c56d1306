//! `origin-probe cloudfront`: distribution JSON in (shaped as the AWS CLI prints it, generated
//! here with the real ports of loopback origins), verdicts per origin and viewer name, the plan
//! out, and custom header values nowhere in any output.

use std::os::unix::fs::PermissionsExt;

use serde_json::{Value, json};

use crate::support::{Run, fixture_path, run_with_stdin, tls_origin};

pub(crate) const SECRET: &str = "s3cr3t-never-printed-7f3a";

pub(crate) fn custom_origin(id: &str, domain: &str, port: u16, policy: &str) -> Value {
    json!({
        "Id": id,
        "DomainName": domain,
        "OriginPath": "",
        "CustomHeaders": { "Quantity": 1, "Items": [ { "HeaderName": "X-Origin-Verify", "HeaderValue": SECRET } ] },
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": port,
            "OriginProtocolPolicy": policy,
            "OriginSslProtocols": { "Quantity": 1, "Items": ["TLSv1.2"] },
            "OriginReadTimeout": 30,
            "OriginKeepaliveTimeout": 5
        },
        "ConnectionAttempts": 3,
        "ConnectionTimeout": 10,
        "OriginShield": { "Enabled": false },
        "OriginAccessControlId": ""
    })
}

pub(crate) fn behavior(
    target: &str,
    pattern: Option<&str>,
    origin_request_policy: Option<&str>,
) -> Value {
    let mut b = json!({
        "TargetOriginId": target,
        "TrustedSigners": { "Enabled": false, "Quantity": 0 },
        "TrustedKeyGroups": { "Enabled": false, "Quantity": 0 },
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": { "Quantity": 2, "Items": ["HEAD", "GET"], "CachedMethods": { "Quantity": 2, "Items": ["HEAD", "GET"] } },
        "SmoothStreaming": false,
        "Compress": true,
        "LambdaFunctionAssociations": { "Quantity": 0 },
        "FunctionAssociations": { "Quantity": 0 },
        "FieldLevelEncryptionId": "",
        "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"
    });
    if let Some(p) = pattern {
        b["PathPattern"] = json!(p);
    }
    if let Some(id) = origin_request_policy {
        b["OriginRequestPolicyId"] = json!(id);
    }
    b
}

/// A `get-distribution-config` document: `good` (ready), `expired` (would-502), `viewer`
/// (Host forwarded by the AllViewer policy; the certificate covers www.viewer.test only), an
/// S3 website origin and an IP origin (settled without probing).
pub(crate) fn distribution(good: u16, expired: u16, viewer: u16) -> Value {
    envelope(
        "test distribution",
        &["www.viewer.test", "other.viewer.test"],
        vec![
            custom_origin("good", "good.test", good, "http-only"),
            custom_origin("expired", "expired.test", expired, "match-viewer"),
            custom_origin("viewer", "origin.viewer.test", viewer, "http-only"),
            custom_origin(
                "site",
                "bucket.s3-website-us-east-1.amazonaws.com",
                80,
                "http-only",
            ),
            custom_origin("by-ip", "127.0.0.1", 443, "http-only"),
        ],
        behavior("good", None, None),
        vec![
            behavior("expired", Some("/old/*"), None),
            behavior(
                "viewer",
                Some("/shop/*"),
                Some("216adef6-5c7f-47e4-b989-5492eafa07d3"),
            ),
            behavior("site", Some("/static/*"), None),
            behavior("by-ip", Some("/ip/*"), None),
        ],
    )
}

/// A `get-distribution-config` document as the AWS CLI prints it, around these origins and
/// behaviors.
pub fn envelope(
    comment: &str,
    aliases: &[&str],
    origins: Vec<Value>,
    default: Value,
    behaviors: Vec<Value>,
) -> Value {
    let aliases = if aliases.is_empty() {
        json!({ "Quantity": 0 })
    } else {
        json!({ "Quantity": aliases.len(), "Items": aliases })
    };
    json!({
        "ETag": "E3TESTETAG",
        "DistributionConfig": {
            "CallerReference": "origin-probe-test",
            "Aliases": aliases,
            "DefaultRootObject": "",
            "Origins": { "Quantity": origins.len(), "Items": origins },
            "OriginGroups": { "Quantity": 0 },
            "DefaultCacheBehavior": default,
            "CacheBehaviors": { "Quantity": behaviors.len(), "Items": behaviors },
            "CustomErrorResponses": { "Quantity": 0 },
            "Comment": comment,
            "Logging": { "Enabled": false, "IncludeCookies": false, "Bucket": "", "Prefix": "" },
            "PriceClass": "PriceClass_All",
            "Enabled": true,
            "ViewerCertificate": { "CloudFrontDefaultCertificate": true },
            "Restrictions": { "GeoRestriction": { "RestrictionType": "none", "Quantity": 0 } },
            "WebACLId": "",
            "HttpVersion": "http2",
            "IsIPV6Enabled": true
        }
    })
}

struct Fleet {
    _origins: Vec<origin_probe::demo::servers::Origin>,
    doc: Value,
    resolve: Vec<String>,
}

async fn fleet() -> Fleet {
    let good = tls_origin("good").await;
    let expired = tls_origin("expired").await;
    let viewer = tls_origin("host-header").await;
    let doc = distribution(good.addr.port(), expired.addr.port(), viewer.addr.port());
    let resolve = vec![
        format!("good.test:{}:127.0.0.1", good.addr.port()),
        format!("expired.test:{}:127.0.0.1", expired.addr.port()),
        format!("origin.viewer.test:{}:127.0.0.1", viewer.addr.port()),
    ];
    Fleet {
        _origins: vec![good, expired, viewer],
        doc,
        resolve,
    }
}

async fn run_cloudfront(fleet: &Fleet, extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec![
        "cloudfront".into(),
        "-".into(),
        "--roots".into(),
        fixture_path("test-roots.pem"),
    ];
    for r in &fleet.resolve {
        args.push("--resolve".into());
        args.push(r.clone());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let input = serde_json::to_vec_pretty(&fleet.doc).expect("json");
    run_with_stdin(&args, Some(&input)).await
}

fn row<'a>(report: &'a Value, origin_id: &str, viewer: Option<&str>) -> &'a Value {
    report["origins"]
        .as_array()
        .expect("origins")
        .iter()
        .find(|o| {
            o["cloudfront"]["origin_id"] == origin_id
                && o["cloudfront"]["viewer_name"].as_str() == viewer
        })
        .unwrap_or_else(|| panic!("no row for {origin_id} / {viewer:?} in {report:#}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn verdict_per_origin_and_per_viewer_name() {
    let fleet = fleet().await;
    let r = run_cloudfront(&fleet, &["--format", "json"]).await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    assert_eq!(row(&report, "good", None)["verdict"], "ready");
    assert_eq!(
        row(&report, "good", None)["cloudfront"]["origin_protocol_policy"],
        "http-only"
    );
    assert_eq!(row(&report, "expired", None)["verdict"], "would-502");
    // Host is forwarded to `viewer`: each alias is its own row (fact 14).
    assert_eq!(
        row(&report, "viewer", Some("www.viewer.test"))["verdict"],
        "ready"
    );
    assert_eq!(
        row(&report, "viewer", Some("other.viewer.test"))["verdict"],
        "would-502"
    );
    // Settled from the configuration alone, without probing.
    let site = row(&report, "site", None);
    assert_eq!(site["verdict"], "would-502");
    assert!(
        crate::support::rules(site).contains(&"config.s3-website".to_string()),
        "{site:#}"
    );
    assert!(site["addresses"].as_array().expect("addresses").is_empty());
    assert_eq!(row(&report, "by-ip", None)["verdict"], "would-502");
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_switches_ready_origins_only_and_preserves_everything_else() {
    let fleet = fleet().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_path = dir.path().join("plan.json");
    let r = run_cloudfront(
        &fleet,
        &[
            "--format",
            "json",
            "--plan",
            plan_path.to_str().expect("utf8"),
        ],
    )
    .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("aws cloudfront update-distribution")
            && r.stderr.contains("--if-match E3TESTETAG"),
        "{}",
        r.stderr
    );
    let mode = std::fs::metadata(&plan_path)
        .expect("plan written")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(&plan_path).expect("read"))
        .expect("plan is JSON");
    // Exactly the ready origin changes; every other field is the input's.
    let mut expected = fleet.doc["DistributionConfig"].clone();
    let good = &mut expected["Origins"]["Items"][0]["CustomOriginConfig"];
    good["OriginProtocolPolicy"] = json!("https-only");
    good["OriginSslProtocols"] = json!({ "Quantity": 1, "Items": ["TLSv1.2"] });
    assert_eq!(plan, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_header_values_appear_in_no_output() {
    let fleet = fleet().await;
    let dir = tempfile::tempdir().expect("tempdir");
    for format in ["table", "json", "jsonl", "prometheus", "junit"] {
        let out = dir.path().join(format!("report.{format}"));
        let r = run_cloudfront(
            &fleet,
            &["--format", format, "--output", out.to_str().expect("utf8")],
        )
        .await;
        let written = std::fs::read_to_string(&out).unwrap_or_default();
        assert!(
            !written.is_empty(),
            "{format}: nothing written: {}",
            r.stderr
        );
        for (what, text) in [
            ("stdout", &r.stdout),
            ("stderr", &r.stderr),
            ("output file", &written),
        ] {
            assert!(
                !text.contains(SECRET),
                "{format}: the secret leaked into {what}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_of_a_list_page_or_without_etag_is_refused_before_probing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = dir.path().join("plan.json");
    for fixture in [
        "list-distributions.json",
        "distribution-config-no-etag.json",
    ] {
        let path = format!(
            "{}/tests/fixtures/cloudfront/{fixture}",
            env!("CARGO_MANIFEST_DIR")
        );
        let args: Vec<String> = vec![
            "cloudfront".into(),
            path,
            "--plan".into(),
            plan.to_str().expect("utf8").into(),
        ];
        let r = crate::support::run(&args).await;
        assert_eq!(r.code, 2, "{fixture}: {r:#?}");
        assert_eq!(r.stderr.lines().count(), 1, "{fixture}: {}", r.stderr);
        assert!(r.stdout.is_empty());
        assert!(!plan.exists());
    }
}

/// A TLS 1.0-only origin (openssl s_server) in a distribution whose `OriginSslProtocols` allow
/// TLSv1: CloudFront's hello offers up to TLS 1.2 with TLS 1.0 allowed, so it works (a legacy
/// warning); the plan switches it keeping those protocols and warns. With `--origin-ssl-protocols
/// TLSv1.2` the same origin would fail, so the plan keeps it.
#[tokio::test(flavor = "multi_thread")]
async fn legacy_origin_is_judged_under_its_own_protocols_and_planned_with_them() {
    let origin = crate::support::openssl_origin("legacy", &["-tls1"]).await;
    let port = origin.addr.port();
    let mut legacy = custom_origin("legacy", "tls10.test", port, "http-only");
    legacy["CustomOriginConfig"]["OriginSslProtocols"] =
        json!({ "Quantity": 3, "Items": ["TLSv1", "TLSv1.1", "TLSv1.2"] });
    let doc = envelope(
        "legacy",
        &[],
        vec![legacy],
        behavior("legacy", None, None),
        vec![],
    );
    let fleet = Fleet {
        _origins: vec![],
        doc,
        resolve: vec![format!("tls10.test:{port}:127.0.0.1")],
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_path = dir.path().join("plan.json");
    let plan_arg = plan_path.to_str().expect("utf8");
    let r = run_cloudfront(&fleet, &["--format", "json", "--plan", plan_arg]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let o = row(&report, "legacy", None);
    assert_eq!(o["verdict"], "warn", "{o:#}");
    assert_eq!(
        o["origin_ssl_protocols"],
        json!(["TLSv1", "TLSv1.1", "TLSv1.2"])
    );
    assert_eq!(o["addresses"][0]["tls_version"], "TLSv1");
    assert!(
        crate::support::rules(o).contains(&"tls.legacy-version".to_string()),
        "{o:#}"
    );
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(&plan_path).expect("read"))
        .expect("plan is JSON");
    let coc = &plan["Origins"]["Items"][0]["CustomOriginConfig"];
    assert_eq!(coc["OriginProtocolPolicy"], "https-only");
    assert_eq!(
        coc["OriginSslProtocols"],
        json!({ "Quantity": 3, "Items": ["TLSv1", "TLSv1.1", "TLSv1.2"] })
    );
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("negotiates TLSv1"),
        "{}",
        r.stderr
    );

    // The flag overrides the distribution: under TLSv1.2 alone it would fail, and stays.
    std::fs::remove_file(&plan_path).expect("remove plan");
    let r = run_cloudfront(
        &fleet,
        &[
            "--format",
            "json",
            "--plan",
            plan_arg,
            "--origin-ssl-protocols",
            "TLSv1.2",
        ],
    )
    .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let o = row(&report, "legacy", None);
    assert_eq!(o["verdict"], "would-502", "{o:#}");
    assert!(
        crate::support::rules(o).contains(&"tls.no-common-version".to_string()),
        "{o:#}"
    );
    assert!(
        !plan_path.exists() || {
            let plan: Value =
                serde_json::from_str(&std::fs::read_to_string(&plan_path).expect("read"))
                    .expect("plan is JSON");
            plan["Origins"]["Items"][0]["CustomOriginConfig"]["OriginProtocolPolicy"] == "http-only"
        }
    );
}
