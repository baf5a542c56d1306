//! Public real-world templates and plans (`tests/fixtures/public/`, their origin and licence in
//! its README): every one is read without a panic, either into rows or into the documented
//! one-line errors, and the findings their configuration implies are there. Names resolve
//! through a canned DNS server on loopback that answers NXDOMAIN, so nothing leaves the machine.

use serde_json::Value;

use crate::support::dns::DnsServer;
use crate::support::{Run, finding, rules, run};

fn public(dir: &str, name: &str) -> String {
    format!(
        "{}/tests/fixtures/public/{dir}/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// `origin-probe COMMAND tests/fixtures/public/DIR/FILE --format json` with `extra`.
async fn check(dns: &DnsServer, command: &str, dir: &str, file: &str, extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec![command.into(), public(dir, file)];
    args.extend(["--format", "json", "--timeout", "2s", "--dns-server"].map(String::from));
    args.push(dns.addr.to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    run(&args).await
}

/// The rows of a JSON report.
fn rows_of(r: &Run) -> Vec<Value> {
    r.json()["origins"].as_array().cloned().unwrap_or_default()
}

fn row<'a>(rows: &'a [Value], origin_id: &str) -> &'a Value {
    rows.iter()
        .find(|o| o["cloudfront"]["origin_id"] == origin_id)
        .unwrap_or_else(|| panic!("no row for {origin_id} in {rows:#?}"))
}

fn reason(origin: &Value, rule: &str) -> String {
    finding(origin, rule)["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The stderr lines that are errors; each must be one line naming the file.
fn errors<'a>(r: &'a Run, file: &str) -> Vec<&'a str> {
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let errors: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("origin-probe: error: "))
        .collect();
    for e in &errors {
        assert!(e.contains(file), "an error line names the file: {e}");
    }
    errors
}

/// How one public fixture ends: its exit code, its rows, and the distinctive part of each
/// error line, in order.
struct Case {
    command: &'static str,
    file: &'static str,
    code: i32,
    rows: usize,
    errors: &'static [&'static str],
}

const CF: &str = "cloudformation";
const TF: &str = "terraform";

const CASES: [Case; 11] = [
    Case {
        command: CF,
        file: "aws-samples-lambda-edge-CloudFront.yaml",
        code: 2,
        rows: 0,
        errors: &[
            "-CloudFront.yaml:632: CloudFrontDistribution: DefaultCacheBehavior.TargetOriginId is unresolved (!Ref OriginALB); which origin the behavior reaches cannot be told",
        ],
    },
    Case {
        command: CF,
        file: "aws-samples-lambda-edge-CloudFront.json",
        code: 2,
        rows: 0,
        errors: &[
            "-CloudFront.json:907: CloudFrontDistribution: DefaultCacheBehavior.TargetOriginId is unresolved ({Ref: OriginALB})",
        ],
    },
    Case {
        command: CF,
        file: "aws-samples-Gitea-pkg.yaml",
        code: 2,
        rows: 0,
        errors: &[
            "-Gitea-pkg.yaml:389: CloudFrontDistribution: DefaultCacheBehavior.TargetOriginId is unresolved (!Sub CloudFront-${AWS::StackName})",
        ],
    },
    Case {
        command: CF,
        file: "aws-samples-compliant-static-website.yaml",
        code: 0,
        rows: 1,
        errors: &[],
    },
    Case {
        command: CF,
        file: "cfn-lint-good-conditions.yaml",
        code: 0,
        rows: 1,
        errors: &[],
    },
    Case {
        command: CF,
        file: "cfn-lint-ref-no-value.yaml",
        code: 2,
        rows: 0,
        errors: &[
            "-ref-no-value.yaml:38: CloudFront1: no Properties.DistributionConfig",
            "-ref-no-value.yaml:41: CloudFront2: DefaultCacheBehavior.TargetOriginId is missing",
        ],
    },
    Case {
        command: CF,
        file: "checkov-CloudfrontOriginNotHTTPSOnly.yaml",
        code: 1,
        rows: 9,
        errors: &[],
    },
    Case {
        command: CF,
        file: "checkov-CloudfrontDistributionEncryption-FAILED.yaml",
        code: 0,
        rows: 2,
        errors: &[],
    },
    Case {
        command: TF,
        file: "regula-distribution_https_infra.json",
        code: 0,
        rows: 3,
        errors: &[],
    },
    Case {
        command: TF,
        file: "checkov-plan_after_unknown.json",
        code: 2,
        rows: 0,
        errors: &[
            "unknown.json: no aws_cloudfront_distribution resource in this plan (after apply)",
        ],
    },
    Case {
        command: TF,
        file: "checkov-plan_nested_child_modules.json",
        code: 2,
        rows: 0,
        errors: &[
            "modules.json: no aws_cloudfront_distribution resource in this plan (after apply)",
        ],
    },
];

/// Every public fixture is read, or refused with one line per distribution it cannot read.
#[tokio::test(flavor = "multi_thread")]
async fn every_public_fixture_is_read_or_refused_in_one_line() {
    let dns = DnsServer::start(&[]).await;
    let listed = std::fs::read_dir(public(CF, "..")).expect("public fixtures");
    let dirs: Vec<_> = listed.flatten().map(|e| e.path()).collect();
    let on_disk: usize = dirs
        .iter()
        .filter(|d| d.ends_with(CF) || d.ends_with(TF))
        .map(|d| std::fs::read_dir(d).expect("dir").count())
        .sum();
    assert_eq!(on_disk, CASES.len(), "every public fixture has a case");
    for case in &CASES {
        let file = case.file;
        let r = check(&dns, case.command, case.command, file, &[]).await;
        assert_eq!(r.code, case.code, "{file}: {r:#?}");
        let errors = errors(&r, file);
        assert_eq!(errors.len(), case.errors.len(), "{file}: {errors:#?}");
        for (e, w) in errors.iter().zip(case.errors) {
            assert!(e.contains(w), "{file}: {e}\nwants {w}");
        }
        if case.rows > 0 {
            assert_eq!(rows_of(&r).len(), case.rows, "{file}: {}", r.stdout);
        }
    }
}

/// The AWS sample with Lambda@Edge: an ALB origin by `!GetAtt OriginALB.DNSName` (never
/// guessed), its protocol policy from a parameter's default, SSLv3 in the list; the same in
/// its JSON twin. `--parameter` gives the resource `Ref` the behaviors target.
#[tokio::test(flavor = "multi_thread")]
async fn the_lambda_edge_sample_names_its_alb_origin_and_sslv3() {
    let dns = DnsServer::start(&[]).await;
    for (file, line, expression) in [
        (
            "aws-samples-lambda-edge-CloudFront.yaml",
            640,
            "!GetAtt OriginALB.DNSName",
        ),
        (
            "aws-samples-lambda-edge-CloudFront.json",
            917,
            "{Fn::GetAtt: [OriginALB, DNSName]}",
        ),
    ] {
        let r = check(
            &dns,
            "cloudformation",
            "cloudformation",
            file,
            &["--parameter", "OriginALB=alb"],
        )
        .await;
        assert_eq!(r.code, 0, "{file}: {r:#?}");
        let rows = rows_of(&r);
        assert_eq!(rows.len(), 1, "{file}: {rows:#?}");
        let alb = row(&rows, "alb");
        assert_eq!(
            alb["cloudfront"]["origin_protocol_policy"], "http-only",
            "{alb:#}"
        );
        assert_eq!(alb["cloudfront"]["location"]["line"], line, "{alb:#}");
        assert!(
            reason(alb, "iac.unresolved").contains(&format!("DomainName is {expression}")),
            "{alb:#}"
        );
        assert!(
            reason(alb, "config.sslv3-allowed").contains("TLSv1, TLSv1.1, TLSv1.2, SSLv3"),
            "{alb:#}"
        );
        assert!(
            rules(alb).contains(&"origin.not-probed".to_string()),
            "{alb:#}"
        );
    }
}

/// The Gitea sample: an http-only EC2 origin (`!GetAtt Server.PublicDnsName`) behind
/// `allow-all` behaviors and the managed AllViewer policy, once `AWS::StackName` is given.
#[tokio::test(flavor = "multi_thread")]
async fn the_gitea_sample_is_http_only_and_forwards_host() {
    let dns = DnsServer::start(&[]).await;
    let r = check(
        &dns,
        "cloudformation",
        "cloudformation",
        "aws-samples-Gitea-pkg.yaml",
        &["--parameter", "AWS::StackName=gitea"],
    )
    .await;
    assert_eq!(r.code, 0, "{r:#?}");
    let rows = rows_of(&r);
    let origin = row(&rows, "CloudFront-gitea");
    assert_eq!(origin["cloudfront"]["origin_protocol_policy"], "http-only");
    assert!(
        reason(origin, "iac.unresolved").contains("DomainName is !GetAtt Server.PublicDnsName")
    );
    assert!(
        reason(origin, "config.host-forwarded").contains("AllViewer"),
        "{origin:#}"
    );
}

/// S3 origins: the compliant static website reaches its bucket by `redirect-to-https`; the
/// cfn-lint template by `allow-all`, which `--plan` turns into the line to change (and the
/// 403 warning for the methods it allows).
#[tokio::test(flavor = "multi_thread")]
async fn s3_origins_and_the_plan_for_an_allow_all_bucket() {
    let dns = DnsServer::start(&[]).await;
    let r = check(
        &dns,
        "cloudformation",
        "cloudformation",
        "aws-samples-compliant-static-website.yaml",
        &["--plan"],
    )
    .await;
    assert_eq!(r.code, 0, "{r:#?}");
    let rows = rows_of(&r);
    let bucket = &rows[0];
    assert!(
        reason(bucket, "config.s3-rest-origin")
            .contains("!GetAtt ContentBucket.RegionalDomainName")
    );
    assert!(
        !rules(bucket).contains(&"config.s3-viewer-http".to_string()),
        "{bucket:#}"
    );
    assert!(
        r.stderr.contains("0 edits to make in the file"),
        "{}",
        r.stderr
    );

    let file = "cfn-lint-good-conditions.yaml";
    let r = check(&dns, "cloudformation", "cloudformation", file, &["--plan"]).await;
    assert_eq!(r.code, 0, "{r:#?}");
    let rows = rows_of(&r);
    assert!(rules(row(&rows, "myS3Origin")).contains(&"config.s3-viewer-http".to_string()));
    let plan: Vec<&str> = r.stderr.lines().filter(|l| l.contains("plan: ")).collect();
    assert_eq!(
        plan,
        [
            format!("origin-probe: plan: default behavior: {}:62: Resources.CloudFrontDistribution.Properties.DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy: redirect-to-https   # now allow-all; it reaches S3 REST origin myS3Origin", public("cloudformation", file)),
            "origin-probe: plan: warning: default behavior allows DELETE, OPTIONS, PATCH, POST, PUT: over HTTP, redirect-to-https answers those with 403, not a redirect; if HTTP clients must fail the same way for every method, set https-only instead (every HTTP request then gets 403)".to_string(),
        ],
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 edit to make in the file"),
        "{}",
        r.stderr
    );
}

/// Checkov's templates: match-viewer origins allowing TLSv1 and TLSv1.1; an origin by
/// `!GetAtt [sampleEnvironment, EndpointURL]` (the list form) behind an `allow-all` path.
#[tokio::test(flavor = "multi_thread")]
async fn the_checkov_templates_give_the_findings_their_config_implies() {
    let dns = DnsServer::start(&[]).await;
    let r = check(
        &dns,
        "cloudformation",
        "cloudformation",
        "checkov-CloudfrontOriginNotHTTPSOnly.yaml",
        &[],
    )
    .await;
    let rows = rows_of(&r);
    let custom: Vec<&Value> = rows
        .iter()
        .filter(|o| !o["cloudfront"]["origin_protocol_policy"].is_null())
        .collect();
    assert_eq!(custom.len(), 7, "{rows:#?}");
    for o in custom {
        assert!(
            reason(o, "config.legacy-tls-allowed").contains("TLSv1, TLSv1.1"),
            "{o:#}"
        );
        // Probed, through the canned DNS server only.
        assert!(
            reason(o, "dns.nxdomain").contains("(--dns-server)"),
            "{o:#}"
        );
    }

    let r = check(
        &dns,
        "cloudformation",
        "cloudformation",
        "checkov-CloudfrontDistributionEncryption-FAILED.yaml",
        &[],
    )
    .await;
    let rows = rows_of(&r);
    let custom = row(&rows, "customorigin");
    assert!(
        reason(custom, "iac.unresolved")
            .contains("DomainName is !GetAtt [sampleEnvironment, EndpointURL]")
    );
    assert!(
        reason(custom, "config.match-viewer-allow-all").contains("*.jpg"),
        "{custom:#}"
    );
    assert!(rules(row(&rows, "s3origin")).contains(&"config.s3-rest-origin".to_string()));
}

/// Regula's plan: three distributions with one S3 origin each whose `origin_id`, `domain_name`
/// and the behaviors' `target_origin_id` are all known only after apply. With one origin and no
/// group, every behavior reaches that origin, so each is judged as Regula's own rule judges it:
/// only the `allow-all` one lets HTTP reach the bucket.
#[tokio::test(flavor = "multi_thread")]
async fn the_regula_plan_is_judged_though_its_ids_are_unknown() {
    let dns = DnsServer::start(&[]).await;
    let file = "regula-distribution_https_infra.json";
    let r = check(&dns, "terraform", "terraform", file, &[]).await;
    assert!(errors(&r, file).is_empty(), "{}", r.stderr);
    let rows = rows_of(&r);
    assert_eq!(rows.len(), 3, "{rows:#?}");
    for o in &rows {
        let address = o["source"].as_str().unwrap_or_default().to_string();
        let rules = rules(o);
        assert!(
            rules.contains(&"config.s3-rest-origin".to_string()),
            "{o:#}"
        );
        assert!(
            reason(o, "iac.unresolved").contains("domain_name is (known after apply)"),
            "{o:#}"
        );
        let http = rules.contains(&"config.s3-viewer-http".to_string());
        assert_eq!(
            http,
            address.contains(".allow_all:"),
            "{address}: {rules:?}"
        );
    }
}
