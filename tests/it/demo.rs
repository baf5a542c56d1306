//! `origin-probe demo`: the README's first command must keep working and keep its promises.

use crate::support::run;

#[tokio::test(flavor = "multi_thread")]
async fn demo_fleet_gets_every_expected_verdict() {
    let r = run(&[
        "demo".to_string(),
        "--format".to_string(),
        "json".to_string(),
    ])
    .await;
    assert_eq!(r.code, 0, "the demo's self-check failed:\n{}", r.stderr);
    let json = r.json();
    let origins = json["origins"].as_array().expect("origins");
    assert_eq!(origins.len(), origin_probe::demo::FLEET.len());
    for verdict in ["ready", "warn", "would-502", "would-504"] {
        assert!(
            origins.iter().any(|o| o["verdict"] == verdict),
            "the demo shows no {verdict} origin"
        );
    }
    assert_eq!(json["roots"]["source"], "file");
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_table_is_readable() {
    let r = run(&["demo".to_string(), "--no-progress".to_string()]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    for name in ["good.test", "expired.test", "silent.test", "fix:"] {
        assert!(r.stdout.contains(name), "table lacks {name}:\n{}", r.stdout);
    }
}

/// `demo --help` offers only what the demo honours, and its exit codes are the demo's own
/// (issue 18): `--baseline` and `--fail-on` were listed and then refused or ignored.
#[tokio::test(flavor = "multi_thread")]
async fn demo_help_lists_only_the_flags_the_demo_honours() {
    let r = run(&["demo".to_string(), "--help".to_string()]).await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    for flag in ["--format", "--output", "--no-progress"] {
        assert!(
            r.stdout.contains(flag),
            "demo --help lacks {flag}:\n{}",
            r.stdout
        );
    }
    for flag in [
        "--baseline",
        "--fail-on",
        "--roots",
        "--resolve",
        "--timeout",
    ] {
        assert!(
            !r.stdout.contains(flag),
            "demo --help offers {flag}, which the demo does not honour:\n{}",
            r.stdout
        );
    }
    assert!(
        r.stdout
            .contains("every demo origin got the verdict its defect predicts"),
        "demo --help has the check/cloudfront exit codes:\n{}",
        r.stdout
    );
    assert!(!r.stdout.contains("would get 502 or 504"), "{}", r.stdout);
    // A flag the demo no longer lists is refused as unknown, in one line, exit 2.
    let r = run(&[
        "demo".to_string(),
        "--fail-on".to_string(),
        "warn".to_string(),
    ])
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}
