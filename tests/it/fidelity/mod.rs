//! Issue 15: where a distribution's verdict depends on more than one origin's handshake. S3 REST
//! origins behind each viewer protocol policy (fact 46), origins that are not probed, and the
//! plan for them, end to end through the real binary with loopback origins for the custom ones.

use crate::cloudfront::{behavior, custom_origin, envelope};
use crate::support::{Run, fixture_path, rules, run_with_stdin, tls_origin};
use serde_json::{Value, json};

mod origin_groups;

fn s3_origin(id: &str, bucket: &str) -> Value {
    json!({
        "Id": id,
        "DomainName": format!("{bucket}.s3.us-east-1.amazonaws.com"),
        "OriginPath": "",
        "CustomHeaders": { "Quantity": 0 },
        "S3OriginConfig": { "OriginAccessIdentity": "", "OriginReadTimeout": 30 },
        "ConnectionAttempts": 3,
        "ConnectionTimeout": 10,
        "OriginShield": { "Enabled": false },
        "OriginAccessControlId": "E2OACEXAMPLE01"
    })
}

fn with_policy(mut b: Value, policy: &str) -> Value {
    b["ViewerProtocolPolicy"] = json!(policy);
    b
}

fn allowing_writes(mut b: Value) -> Value {
    let all = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
    b["AllowedMethods"] = json!({
        "Quantity": 7,
        "Items": all,
        "CachedMethods": { "Quantity": 2, "Items": ["HEAD", "GET"] }
    });
    b
}

async fn cloudfront(args: &[&str], doc: Option<&Value>) -> Run {
    let mut all: Vec<String> = vec!["cloudfront".into()];
    all.extend(args.iter().map(|s| s.to_string()));
    all.extend(["--roots".to_string(), fixture_path("test-roots.pem")]);
    let input = doc.map(|d| serde_json::to_vec_pretty(d).expect("json"));
    run_with_stdin(&all, input.as_deref()).await
}

fn row<'a>(report: &'a Value, origin_id: &str) -> &'a Value {
    report["origins"]
        .as_array()
        .expect("origins")
        .iter()
        .find(|o| o["cloudfront"]["origin_id"] == origin_id)
        .unwrap_or_else(|| panic!("no row for {origin_id} in {report:#}"))
}

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("JSON")
}

/// The AWS CLI's own `get-distribution-config` example (one S3 REST origin, allow-all) used to
/// come out plain "ready" with no finding. Now: a warning naming the fix, in every output
/// format, and a plan that switches the behavior to redirect-to-https.
#[tokio::test(flavor = "multi_thread")]
async fn aws_cli_example_gets_the_s3_warning_and_a_plan_that_switches_the_behavior() {
    let fixture = format!(
        "{}/tests/fixtures/cloudfront/get-distribution-config-aws-cli-example.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_path = dir.path().join("plan.json");
    let plan_arg = plan_path.to_str().expect("utf8");
    let r = cloudfront(&[&fixture, "--format", "json", "--plan", plan_arg], None).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let o = row(&report, "my-origin");
    assert_eq!(o["verdict"], "warn", "{o:#}");
    assert_eq!(
        rules(o),
        [
            "config.s3-rest-origin",
            "config.s3-viewer-http",
            "origin.not-probed"
        ]
    );
    assert!(o["addresses"].as_array().expect("addresses").is_empty());
    let mut expected: Value =
        serde_json::from_str(&std::fs::read_to_string(&fixture).expect("fixture")).expect("JSON");
    let mut expected = expected["DistributionConfig"].take();
    expected["DefaultCacheBehavior"]["ViewerProtocolPolicy"] = json!("redirect-to-https");
    assert_eq!(read_json(&plan_path), expected);
    assert!(
        r.stderr.contains(
            "plan: default behavior: viewer protocol policy allow-all -> redirect-to-https (it reaches S3 REST origin my-origin)"
        ) && r.stderr.contains("--if-match E37HOT42DHPVYH"),
        "{}",
        r.stderr
    );

    // Every format carries the rule; the table never shows the unprobed origin as plain ready.
    for format in ["table", "jsonl", "prometheus", "junit"] {
        let r = cloudfront(&[&fixture, "--format", format], None).await;
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
        assert!(
            r.stdout.contains("config.s3-viewer-http"),
            "{format}: {}",
            r.stdout
        );
        if format == "table" {
            assert!(r.stdout.contains("warn*"), "{}", r.stdout);
            assert!(r.stdout.contains("* not probed"), "{}", r.stdout);
            assert!(r.stdout.contains("Not checked: the bucket"), "{}", r.stdout);
        }
    }
}

/// S3 REST origins behind allow-all (with and without writes), redirect-to-https and
/// https-only, beside one probed loopback origin; the plan's tree is asserted whole.
#[tokio::test(flavor = "multi_thread")]
async fn s3_origins_behind_each_viewer_protocol_policy() {
    let good = tls_origin("good").await;
    let port = good.addr.port();
    let doc = envelope(
        "s3 cases",
        &[],
        vec![
            custom_origin("good", "good.test", port, "http-only"),
            s3_origin("open", "example-open"),
            s3_origin("uploads", "example-uploads"),
            s3_origin("redirected", "example-redirected"),
            s3_origin("strict", "example-strict"),
        ],
        behavior("good", None, None),
        vec![
            with_policy(behavior("open", Some("/open/*"), None), "allow-all"),
            allowing_writes(with_policy(
                behavior("uploads", Some("/upload/*"), None),
                "allow-all",
            )),
            behavior("redirected", Some("/r/*"), None),
            with_policy(behavior("strict", Some("/s/*"), None), "https-only"),
        ],
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let plan_path = dir.path().join("plan.json");
    let resolve = format!("good.test:{port}:127.0.0.1");
    let r = cloudfront(
        &[
            "-",
            "--resolve",
            &resolve,
            "--format",
            "json",
            "--plan",
            plan_path.to_str().expect("utf8"),
        ],
        Some(&doc),
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    assert_eq!(row(&report, "good")["verdict"], "ready");
    for (id, verdict) in [
        ("open", "warn"),
        ("uploads", "warn"),
        ("redirected", "ready"),
        ("strict", "ready"),
    ] {
        let o = row(&report, id);
        assert_eq!(o["verdict"], verdict, "{id}: {o:#}");
        assert!(rules(o).contains(&"origin.not-probed".to_string()), "{o:#}");
    }
    let uploads = crate::support::finding(row(&report, "uploads"), "config.s3-viewer-http");
    assert!(
        uploads["fix"]
            .as_str()
            .is_some_and(|f| f.contains("allows OPTIONS, PUT, POST, PATCH, DELETE")),
        "{uploads:#}"
    );

    let mut expected = doc["DistributionConfig"].clone();
    let good_config = &mut expected["Origins"]["Items"][0]["CustomOriginConfig"];
    good_config["OriginProtocolPolicy"] = json!("https-only");
    good_config["OriginSslProtocols"] = json!({ "Quantity": 1, "Items": ["TLSv1.2"] });
    expected["CacheBehaviors"]["Items"][0]["ViewerProtocolPolicy"] = json!("redirect-to-https");
    expected["CacheBehaviors"]["Items"][1]["ViewerProtocolPolicy"] = json!("redirect-to-https");
    assert_eq!(read_json(&plan_path), expected);
    assert!(
        r.stderr
            .contains("plan: warning: behavior /upload/* allows OPTIONS, PUT, POST, PATCH, DELETE")
            && r.stderr.contains("https-only"),
        "{}",
        r.stderr
    );
}

/// An origin that asks for a client certificate: without OriginMtlsConfig a would-502 as before
/// (fact 17); with it, the client side is said to be unverifiable (a warning) and the server
/// chain is still judged, so an expired chain stays a would-502 (fact 42).
#[tokio::test(flavor = "multi_thread")]
async fn origin_mtls_configured_and_not_against_an_origin_that_requests_a_client_certificate() {
    use crate::support::{LOCALHOST, tls_origin_on};
    let good = tls_origin_on("good", LOCALHOST, |s| s.request_client_cert = Some(b"")).await;
    let expired = tls_origin_on("expired", LOCALHOST, |s| s.request_client_cert = Some(b"")).await;
    // An mTLS origin proper: it refuses a client without a certificate.
    let required = tls_origin_on("wildcard", LOCALHOST, |s| {
        s.request_client_cert = Some(b"");
        s.require_client_cert = true;
    })
    .await;
    let arn = "arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
    let mtls = |mut o: Value| {
        o["CustomOriginConfig"]["OriginMtlsConfig"] = json!({ "ClientCertificateArn": arn });
        o
    };
    let doc = envelope(
        "mtls",
        &[],
        vec![
            custom_origin("plain", "good.test", good.addr.port(), "https-only"),
            mtls(custom_origin(
                "mtls",
                "good.test",
                good.addr.port(),
                "https-only",
            )),
            mtls(custom_origin(
                "mtls-expired",
                "expired.test",
                expired.addr.port(),
                "https-only",
            )),
            mtls(custom_origin(
                "mtls-required",
                "required.wild.test",
                required.addr.port(),
                "https-only",
            )),
        ],
        behavior("plain", None, None),
        vec![
            behavior("mtls", Some("/m/*"), None),
            behavior("mtls-expired", Some("/e/*"), None),
            behavior("mtls-required", Some("/r/*"), None),
        ],
    );
    let required_resolve = format!("required.wild.test:{}:127.0.0.1", required.addr.port());
    let good_resolve = format!("good.test:{}:127.0.0.1", good.addr.port());
    let expired_resolve = format!("expired.test:{}:127.0.0.1", expired.addr.port());
    let r = cloudfront(
        &[
            "-",
            "--resolve",
            &good_resolve,
            "--resolve",
            &expired_resolve,
            "--resolve",
            &required_resolve,
            "--format",
            "json",
        ],
        Some(&doc),
    )
    .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let plain = row(&report, "plain");
    assert_eq!(plain["verdict"], "would-502", "{plain:#}");
    assert!(rules(plain).contains(&"tls.client-certificate-requested".to_string()));
    let configured = row(&report, "mtls");
    assert_eq!(configured["verdict"], "warn", "{configured:#}");
    let found = rules(configured);
    assert!(
        found.contains(&"tls.origin-mtls-unverifiable".to_string())
            && found.contains(&"config.origin-mtls".to_string())
            && !found.contains(&"tls.client-certificate-requested".to_string()),
        "{configured:#}"
    );
    assert!(
        !configured["addresses"][0]["chain"]
            .as_array()
            .expect("chain")
            .is_empty(),
        "the server chain is still read and judged: {configured:#}"
    );
    let exp = row(&report, "mtls-expired");
    assert_eq!(exp["verdict"], "would-502", "{exp:#}");
    assert!(rules(exp).contains(&"cert.expired".to_string()), "{exp:#}");
    assert!(rules(exp).contains(&"tls.origin-mtls-unverifiable".to_string()));
    // An origin that requires the certificate (not only asks): the probe stops after the
    // server's flight, so it reads the chain and judges it like any other mTLS origin.
    let req = row(&report, "mtls-required");
    assert_eq!(req["verdict"], "warn", "{req:#}");
    let f = crate::support::finding(req, "tls.origin-mtls-unverifiable");
    assert!(
        f["reason"]
            .as_str()
            .is_some_and(|r| r.contains("not checked")),
        "{f:#}"
    );
    assert!(
        !req["addresses"][0]["chain"]
            .as_array()
            .expect("chain")
            .is_empty(),
        "{req:#}"
    );
}

/// A VPC origin is reported from the file with its VpcOriginId and never probed: its private
/// name is not even resolved.
#[tokio::test(flavor = "multi_thread")]
async fn a_vpc_origin_is_reported_and_never_probed() {
    let good = tls_origin("good").await;
    let port = good.addr.port();
    let vpc = json!({
        "Id": "internal",
        "DomainName": "internal-alb.vpc.example.internal",
        "OriginPath": "",
        "CustomHeaders": { "Quantity": 0 },
        "VpcOriginConfig": {
            "VpcOriginId": "vo_0123456789abcdefghijkl",
            "OriginReadTimeout": 30,
            "OriginKeepaliveTimeout": 5,
            "OwnerAccountId": "111122223333"
        },
        "ConnectionAttempts": 3,
        "ConnectionTimeout": 10,
        "OriginShield": { "Enabled": false },
        "OriginAccessControlId": ""
    });
    let doc = envelope(
        "vpc",
        &[],
        vec![custom_origin("good", "good.test", port, "http-only"), vpc],
        behavior("good", None, None),
        vec![behavior("internal", Some("/internal/*"), None)],
    );
    // No --resolve and no DNS server for the private name: a probe would show as a DNS finding.
    let resolve = format!("good.test:{port}:127.0.0.1");
    let r = cloudfront(
        &["-", "--resolve", &resolve, "--format", "json"],
        Some(&doc),
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let o = row(&report, "internal");
    assert_eq!(o["verdict"], "ready", "{o:#}");
    assert_eq!(rules(o), ["config.vpc-origin", "origin.not-probed"]);
    assert!(o["addresses"].as_array().expect("addresses").is_empty());
    assert!(o["address_source"].is_null());
    let f = crate::support::finding(o, "config.vpc-origin");
    assert!(
        f["reason"].as_str().is_some_and(
            |r| r.contains("vo_0123456789abcdefghijkl") && r.contains("account 111122223333")
        ),
        "{f:#}"
    );
    assert_eq!(f["fact"], 43);
    let table = cloudfront(&["-", "--resolve", &resolve], Some(&doc)).await;
    assert!(table.stdout.contains("ready*"), "{}", table.stdout);
    assert!(
        table.stdout.contains("Checked: nothing about its TLS"),
        "{}",
        table.stdout
    );
}
