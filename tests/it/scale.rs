//! `--shard K/N`: N copies of a run cover the input exactly once between them, every port and
//! viewer row of one origin name in the same shard, and their JSON Lines concatenate into the
//! report of the whole input.
//!
//! The targets need no network: every name resolves (`--resolve '*:PORT:127.0.0.1'`) to a
//! loopback port nobody listens on, so each probe is one refused connection.

use std::collections::{BTreeMap, BTreeSet};

use origin_probe::demo::servers::Behaviour;
use serde_json::Value;

use crate::cloudfront::{behavior, custom_origin, envelope};
use crate::support::{Run, other_origin, run, run_with_stdin};

/// The shard counts the partition is checked for.
const SHARD_COUNTS: [u32; 4] = [1, 2, 3, 7];

/// The managed AllViewer origin request policy: forwards Host, so each viewer name is a row.
const ALL_VIEWER: &str = "216adef6-5c7f-47e4-b989-5492eafa07d3";

/// Two closed loopback ports (each origin name below is listed on both, so a name with
/// several ports is covered).
async fn refused_ports() -> (u16, u16) {
    let a = other_origin(Behaviour::Refuse).await;
    let b = other_origin(Behaviour::Refuse).await;
    (a.addr.port(), b.addr.port())
}

fn common_args(ports: (u16, u16)) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    for port in [ports.0, ports.1] {
        args.push("--resolve".into());
        args.push(format!("*:{port}:127.0.0.1"));
    }
    for a in [
        "--format",
        "jsonl",
        "--no-progress",
        "--connect-timeout",
        "2s",
        "--timeout",
        "3s",
    ] {
        args.push(a.into());
    }
    args
}

/// One key per JSON Lines record: origin, port and viewer name.
fn rows(run: &Run) -> Vec<(String, u64, String)> {
    run.stdout
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {line}\n{}", run.stderr));
            (
                v["origin"].as_str().unwrap_or_default().to_string(),
                v["port"].as_u64().unwrap_or_default(),
                v["host_header"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Asserts that the shards' rows together are `whole`, each row exactly once, and that every
/// origin name sits in one shard only.
fn assert_partition(
    n: u32,
    whole: &[(String, u64, String)],
    shards: &[Vec<(String, u64, String)>],
) {
    let mut seen: BTreeMap<&(String, u64, String), usize> = BTreeMap::new();
    let mut shard_of_name: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, rows) in shards.iter().enumerate() {
        for row in rows {
            *seen.entry(row).or_default() += 1;
            let first = *shard_of_name.entry(row.0.as_str()).or_insert(k);
            assert_eq!(
                first,
                k,
                "N = {n}: {} is in shards {} and {}",
                row.0,
                first + 1,
                k + 1
            );
        }
    }
    let twice: Vec<_> = seen.iter().filter(|(_, c)| **c > 1).collect();
    assert!(twice.is_empty(), "N = {n}: probed twice: {twice:?}");
    let union: BTreeSet<_> = seen.keys().copied().collect();
    let expected: BTreeSet<_> = whole.iter().collect();
    assert_eq!(
        union, expected,
        "N = {n}: the shards do not cover the input exactly"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn check_shards_partition_the_input_exactly() {
    let ports = refused_ports().await;
    let mut input = String::from("# the fleet\n");
    for i in 0..30 {
        input.push_str(&format!("o{i}.shard.test:{}\n", ports.0));
        input.push_str(&format!("o{i}.shard.test:{}\n", ports.1));
    }
    input.push_str(&format!("127.0.0.1:{}\n", ports.0));
    let mut base = vec!["check".to_string(), "--input".into(), "-".into()];
    base.extend(common_args(ports));

    let whole = run_with_stdin(&base, Some(input.as_bytes())).await;
    assert_eq!(whole.code, 1, "every target is refused: {whole:#?}");
    let whole_rows = rows(&whole);
    assert_eq!(whole_rows.len(), 61, "{whole:#?}");

    for n in SHARD_COUNTS {
        let mut shards = Vec::new();
        for k in 1..=n {
            let mut args = base.clone();
            args.extend(["--shard".to_string(), format!("{k}/{n}")]);
            let r = run_with_stdin(&args, Some(input.as_bytes())).await;
            let rows = rows(&r);
            // Refused targets fail the run; an empty shard is not an error.
            let expected_code = if rows.is_empty() { 0 } else { 1 };
            assert_eq!(r.code, expected_code, "--shard {k}/{n}: {r:#?}");
            shards.push(rows);
        }
        assert_partition(n, &whole_rows, &shards);
        if n > 1 {
            assert!(
                shards.iter().filter(|s| !s.is_empty()).count() > 1,
                "N = {n}: everything landed in one shard"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn each_bad_line_is_reported_by_exactly_one_shard() {
    let ports = refused_ports().await;
    let input = format!(
        "a.shard.test:{}\nbad.test:99999\nb.shard.test:{}\n",
        ports.0, ports.1
    );
    let mut base = vec!["check".to_string(), "--input".into(), "-".into()];
    base.extend(common_args(ports));
    let mut reported = 0;
    for k in 1..=3 {
        let mut args = base.clone();
        args.extend(["--shard".to_string(), format!("{k}/3")]);
        let r = run_with_stdin(&args, Some(input.as_bytes())).await;
        if r.stderr.contains("stdin:2") {
            reported += 1;
            assert_eq!(r.code, 2, "{r:#?}");
        } else {
            assert_ne!(r.code, 2, "{r:#?}");
        }
    }
    assert_eq!(reported, 1);
}

/// A distribution of 12 origins: every third forwards Host (three viewer names, so several
/// rows per origin), one is an S3 website (settled without a probe).
fn distribution(ports: (u16, u16)) -> Value {
    let mut origins = Vec::new();
    let mut behaviors = Vec::new();
    for i in 0..12 {
        let id = format!("o{i}");
        let port = if i % 2 == 0 { ports.0 } else { ports.1 };
        origins.push(custom_origin(
            &id,
            &format!("o{i}.cf.test"),
            port,
            "http-only",
        ));
        let policy = (i % 3 == 0).then_some(ALL_VIEWER);
        behaviors.push(behavior(&id, Some(&format!("/p{i}/*")), policy));
    }
    origins.push(custom_origin(
        "site",
        "bucket.s3-website-us-east-1.amazonaws.com",
        80,
        "http-only",
    ));
    behaviors.push(behavior("site", Some("/static/*"), None));
    envelope(
        "sharded distribution",
        &["www.cf.test", "shop.cf.test"],
        origins,
        behavior("o1", None, None),
        behaviors,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn cloudfront_shards_partition_origins_with_all_their_viewer_rows() {
    let ports = refused_ports().await;
    let doc = distribution(ports).to_string();
    let mut base = vec!["cloudfront".to_string(), "-".into()];
    base.extend(common_args(ports));
    let whole = run_with_stdin(&base, Some(doc.as_bytes())).await;
    let whole_rows = rows(&whole);
    let names: BTreeSet<_> = whole_rows.iter().map(|r| r.0.clone()).collect();
    assert_eq!(names.len(), 13, "{whole:#?}");
    assert!(
        whole_rows.len() > 13,
        "some origins have several viewer rows: {whole:#?}"
    );

    for n in SHARD_COUNTS {
        let mut shards = Vec::new();
        for k in 1..=n {
            let mut args = base.clone();
            args.extend(["--shard".to_string(), format!("{k}/{n}")]);
            let r = run_with_stdin(&args, Some(doc.as_bytes())).await;
            assert_ne!(r.code, 2, "--shard {k}/{n}: {r:#?}");
            shards.push(rows(&r));
        }
        assert_partition(n, &whole_rows, &shards);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_needs_the_whole_input() {
    let ports = refused_ports().await;
    let doc = distribution(ports).to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = dir.path().join("plan.json");
    let args: Vec<String> = vec![
        "cloudfront".into(),
        "-".into(),
        "--plan".into(),
        plan.display().to_string(),
        "--shard".into(),
        "1/2".into(),
    ];
    let r = run_with_stdin(&args, Some(doc.as_bytes())).await;
    assert_eq!(r.code, 2, "{r:#?}");
    assert!(
        r.stderr.contains("--plan") && r.stderr.contains("--shard"),
        "{r:#?}"
    );
    assert!(!plan.exists(), "no plan from part of the input");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_shard_values_are_one_line_errors() {
    for bad in ["0/3", "4/3", "a/b", "1/0"] {
        for command in ["check", "cloudfront"] {
            let r = run(&[
                command.to_string(),
                "x.test".into(),
                "--shard".into(),
                bad.into(),
            ])
            .await;
            assert_eq!(r.code, 2, "--shard {bad}: {r:#?}");
            assert!(r.stdout.is_empty(), "{r:#?}");
            let lines: Vec<&str> = r.stderr.lines().collect();
            assert_eq!(lines.len(), 1, "--shard {bad}: {r:#?}");
            assert!(
                lines[0].contains("--shard") && lines[0].contains(bad),
                "{r:#?}"
            );
        }
    }
}

/// Targets are pulled lazily and settled origins (no probe needed) are finished as they are
/// met; the JSON report must still list every row in the order of the input.
#[tokio::test(flavor = "multi_thread")]
async fn json_keeps_input_order_with_settled_origins_between_probed_ones() {
    let ports = refused_ports().await;
    let mut origins = Vec::new();
    let mut behaviors = Vec::new();
    let names = [
        "a.order.test",
        "bucket.s3-website-us-east-1.amazonaws.com",
        "b.order.test",
        "127.0.0.1",
        "c.order.test",
        "other.s3-website-us-east-1.amazonaws.com",
    ];
    for (i, name) in names.iter().enumerate() {
        let id = format!("o{i}");
        origins.push(custom_origin(&id, name, ports.0, "http-only"));
        behaviors.push(behavior(&id, Some(&format!("/p{i}/*")), None));
    }
    let doc = envelope(
        "ordered",
        &[],
        origins,
        behavior("o0", None, None),
        behaviors,
    )
    .to_string();
    let mut args = vec!["cloudfront".to_string(), "-".into()];
    args.extend(common_args(ports));
    let i = args.iter().position(|a| a == "jsonl").expect("format");
    args[i] = "json".into();
    let r = run_with_stdin(&args, Some(doc.as_bytes())).await;
    let json = r.json();
    let listed: Vec<&str> = json["origins"]
        .as_array()
        .expect("origins")
        .iter()
        .map(|o| o["origin"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(listed, names, "{r:#?}");
}
