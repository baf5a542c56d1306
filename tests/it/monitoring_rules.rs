//! `monitoring/`: the alert rules pass `promtool check rules`, their unit tests pass
//! `promtool test rules`, and the Grafana dashboard's queries parse and name only series that
//! the exporter writes (read from a real scrape of a loopback origin).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;

use crate::support::exporter::{Exporter, serve_args};
use crate::support::legacy::skip_note;
use crate::support::tls_origin;

fn monitoring() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("monitoring")
}

/// Runs promtool with `args` in `dir`; `None` (with a SKIPPED note) when it is missing outside
/// CI. Fails the test on a non-zero exit.
fn promtool(test: &str, dir: &Path, args: &[&str]) -> Option<String> {
    let out = match std::process::Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => out,
        Err(_) if std::env::var_os("CI").is_none() => {
            skip_note(test, "promtool is not on PATH (apt-get install prometheus)");
            return None;
        }
        Err(e) => panic!("{test}: promtool is required in CI: {e}"),
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "promtool {args:?}:\n{text}");
    Some(text)
}

#[test]
fn alert_rules_pass_promtool_check_and_their_unit_tests() {
    let dir = monitoring();
    let test = "alert_rules_pass_promtool_check_and_their_unit_tests";
    if let Some(out) = promtool(test, &dir, &["check", "rules", "origin-probe.rules.yml"]) {
        assert!(out.contains("SUCCESS: 9 rules found"), "{out}");
    }
    if let Some(out) = promtool(
        test,
        &dir,
        &["test", "rules", "origin-probe.rules.test.yml"],
    ) {
        assert!(out.contains("SUCCESS"), "{out}");
    }
}

fn dashboard_queries() -> Vec<String> {
    let text = std::fs::read_to_string(monitoring().join("origin-probe.dashboard.json"))
        .expect("dashboard");
    let json: Value = serde_json::from_str(&text).expect("the dashboard is JSON");
    assert_eq!(json["uid"], "origin-probe");
    let panels = json["panels"].as_array().expect("panels");
    assert!(panels.len() >= 5);
    let mut queries: Vec<String> = panels
        .iter()
        .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
        .map(|t| t["expr"].as_str().expect("expr").to_string())
        .collect();
    queries.push(
        json["templating"]["list"][0]["definition"]
            .as_str()
            .expect("variable")
            .replace("label_values(probe_success, target)", "probe_success"),
    );
    queries
}

/// Metric names in PromQL text: our families and blackbox's (`probe_...`), and `up`.
fn metric_names(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("probe_") || w.starts_with("origin_probe_") || *w == "up")
        .map(str::to_string)
        .collect()
}

#[test]
fn dashboard_queries_parse() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rules = String::from("groups:\n  - name: dashboard\n    rules:\n");
    for (i, query) in dashboard_queries().iter().enumerate() {
        let query = query.replace('\'', "''");
        rules.push_str(&format!(
            "      - record: dashboard:query{i}\n        expr: '{query}'\n"
        ));
    }
    std::fs::write(dir.path().join("dashboard.rules.yml"), rules).expect("write");
    promtool(
        "dashboard_queries_parse",
        dir.path(),
        &["check", "rules", "dashboard.rules.yml"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dashboard_and_rules_name_only_series_the_exporter_writes() {
    let good = tls_origin("good").await;
    let exporter = Exporter::start(&serve_args(&[("good.test", &good)], &[])).await;
    let answer = exporter
        .get(
            &format!("/probe?target=good.test:{}", good.addr.port()),
            &[],
        )
        .await;
    let written: BTreeSet<String> = answer
        .body
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split(' ').next())
        .map(str::to_string)
        .chain(["up".to_string()])
        .collect();
    let rules =
        std::fs::read_to_string(monitoring().join("origin-probe.rules.yml")).expect("rules");
    let used: BTreeSet<String> = dashboard_queries()
        .iter()
        .flat_map(|q| metric_names(q))
        .chain(
            rules
                .lines()
                .filter(|l| {
                    !l.trim_start().starts_with('#')
                        && !l.contains("description:")
                        && !l.contains("summary:")
                })
                .flat_map(metric_names),
        )
        .collect();
    assert!(used.len() >= 8, "{used:?}");
    let unknown: Vec<_> = used.difference(&written).collect();
    assert!(
        unknown.is_empty(),
        "names no scrape writes: {unknown:?}\n{}",
        answer.body
    );
}
