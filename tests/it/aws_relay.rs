//! `cloudfront --aws` where moto alone cannot answer: a custom origin request policy
//! (`GetOriginRequestPolicy` is not emulated) and a distribution deleted between
//! `ListDistributions` and `GetDistributionConfig`. A relay on loopback answers those paths with
//! the real API's XML and forwards everything else to moto (`support::aws_proxy`).

use crate::aws::{args, fleet_with, rows, strings};
use crate::cloudfront::SECRET;
use crate::support::aws_proxy::{Relay, Rule};
use crate::support::moto::{Moto, moto_server, run_env, test_env};

const CUSTOM: &str = "5e1e5a3c-7b41-4d4e-9a57-0c2f6f4b1a11";

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_policy_read_from_the_api_decides_host_forwarding() {
    let Some(moto_bin) = moto_server("a_custom_policy_read_from_the_api_decides_host_forwarding")
    else {
        return;
    };
    let moto = Moto::start(&moto_bin).await;
    let fleet = fleet_with(CUSTOM).await;
    moto.create(&fleet.doc["DistributionConfig"], 1).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let env = test_env(dir.path());
    let viewer_rows = |report: &serde_json::Value| {
        rows(report)
            .into_iter()
            .filter(|r| r.0.ends_with(" viewer"))
            .collect::<Vec<_>>()
    };

    // The policy sends Host: one row per viewer name, as with the managed AllViewer policy.
    let relay = Relay::start(
        &moto.endpoint,
        vec![Rule::origin_request_policy(
            CUSTOM,
            "tenant-host",
            "whitelist",
            &["Host"],
        )],
    )
    .await;
    let r = run_env(
        &args(
            &fleet,
            &strings(&["--aws", "--endpoint-url", &relay.endpoint()]),
        ),
        &env,
    )
    .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    let viewers = viewer_rows(&report);
    assert_eq!(
        viewers.len(),
        3,
        "two aliases and the cloudfront.net name: {viewers:?}"
    );
    assert!(
        viewers
            .iter()
            .all(|v| v.1.is_some() && !v.3.iter().any(|x| x == "config.host-forwarding-unknown"))
    );
    assert!(
        r.stdout.contains("tenant-host"),
        "the reason names the policy"
    );
    assert!(!r.stdout.contains(SECRET) && !r.stderr.contains(SECRET));

    // A policy that sends every header but Host: the origin's own name only.
    let relay = Relay::start(
        &moto.endpoint,
        vec![Rule::origin_request_policy(
            CUSTOM,
            "no-host",
            "allExcept",
            &["Host"],
        )],
    )
    .await;
    let r = run_env(
        &args(
            &fleet,
            &strings(&["--aws", "--endpoint-url", &relay.endpoint()]),
        ),
        &env,
    )
    .await;
    let viewers = viewer_rows(&r.json());
    assert_eq!(viewers.len(), 1, "{viewers:?}");
    assert_eq!(viewers[0].1, None);

    // Denied: a note naming the IAM action, and Host forwarding stays unknown.
    let relay = Relay::start(
        &moto.endpoint,
        vec![Rule::error(
            &format!("/2020-05-31/origin-request-policy/{CUSTOM}"),
            403,
            "AccessDenied",
            "not authorized to perform: cloudfront:GetOriginRequestPolicy",
        )],
    )
    .await;
    let r = run_env(
        &args(
            &fleet,
            &strings(&["--aws", "--endpoint-url", &relay.endpoint()]),
        ),
        &env,
    )
    .await;
    assert!(
        r.stderr.contains("cloudfront:GetOriginRequestPolicy")
            && r.stderr.contains("stays unknown"),
        "{}",
        r.stderr
    );
    let viewers = viewer_rows(&r.json());
    assert!(
        viewers
            .iter()
            .any(|v| v.3.iter().any(|x| x == "config.host-forwarding-unknown")),
        "{viewers:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_distribution_deleted_after_the_list_is_reported_and_the_others_go_on() {
    let Some(moto_bin) =
        moto_server("a_distribution_deleted_after_the_list_is_reported_and_the_others_go_on")
    else {
        return;
    };
    let moto = Moto::start(&moto_bin).await;
    let fleet = fleet_with("216adef6-5c7f-47e4-b989-5492eafa07d3").await;
    let created = moto.create(&fleet.doc["DistributionConfig"], 2).await;
    let gone = created[1]["Id"].as_str().expect("Id").to_string();
    let kept = created[0]["Id"].as_str().expect("Id").to_string();
    let relay = Relay::start(
        &moto.endpoint,
        vec![Rule::error(
            &format!("/2020-05-31/distribution/{gone}/config"),
            404,
            "NoSuchDistribution",
            "The specified distribution does not exist.",
        )],
    )
    .await;
    let dir = tempfile::tempdir().expect("temp dir");
    let r = run_env(
        &args(
            &fleet,
            &strings(&["--aws", "--endpoint-url", &relay.endpoint()]),
        ),
        &test_env(dir.path()),
    )
    .await;
    assert_eq!(r.code, 2, "bad input is exit 2: {}", r.stderr);
    let errors: Vec<&str> = r.stderr.lines().filter(|l| l.contains(&gone)).collect();
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(errors[0].contains("NoSuchDistribution"), "{}", errors[0]);
    let report = r.json();
    let seen = rows(&report);
    assert_eq!(
        seen.len(),
        5,
        "every row of the other distribution: {seen:?}"
    );
    assert!(seen.iter().all(|r| r.0.starts_with(&kept)));
    assert!(
        report["input_errors"].to_string().contains(&gone),
        "the machine formats carry it too: {}",
        report["input_errors"]
    );
}
