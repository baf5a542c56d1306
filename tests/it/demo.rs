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
