//! The SARIF renderer: located findings only, deduplicated, and every log valid against the
//! official SARIF 2.1.0 schema (`tests/fixtures/sarif/`).

use super::*;
use crate::document::{CloudFrontRef, fixtures};

/// The SARIF 2.1.0 schema, as the npm package `@microsoft/jest-sarif` ships it.
fn assert_valid_sarif(log: &Value) {
    let errors = sarif_errors(log);
    assert!(errors.is_empty(), "{errors:#?}\n{log:#}");
}

/// What the official schema says is wrong with `log`.
fn sarif_errors(log: &Value) -> Vec<String> {
    let path = format!(
        "{}/tests/fixtures/sarif/sarif-2.1.0-rtm.5.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("schema")).expect("json");
    // The one pattern of the schema a Rust regex engine refuses (`^[a-zA-Z]{2}|...]?$`, a stray
    // `]`), on the `language` properties, which this renderer never writes: dropped before
    // compiling.
    drop_pattern(&mut schema, LANGUAGE_PATTERN);
    let validator = jsonschema::draft4::new(&schema).expect("the schema compiles");
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

fn drop_pattern(schema: &mut Value, pattern: &str) {
    match schema {
        Value::Object(map) => {
            if map.get("pattern").and_then(Value::as_str) == Some(pattern) {
                map.remove("pattern");
            }
            map.values_mut().for_each(|v| drop_pattern(v, pattern));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| drop_pattern(v, pattern)),
        _ => {}
    }
}

fn located(mut report: Report) -> Report {
    for (i, o) in report.origins.iter_mut().enumerate() {
        o.cloudfront = Some(CloudFrontRef {
            distribution_id: None,
            distribution_domain: None,
            origin_id: format!("origin-{i}"),
            origin_protocol_policy: Some("http-only".into()),
            viewer_name: None,
            location: Some(SourceLocation {
                file: "./infra/cdn template.yaml".into(),
                address: Some("Cdn".into()),
                pointer: Some(format!(
                    "/Resources/Cdn/Properties/DistributionConfig/Origins/{i}"
                )),
                line: Some(10 + u32::try_from(i).expect("few")),
                column: Some(13),
                edit_path: Some(format!(
                    "Resources.Cdn.Properties.DistributionConfig.Origins[{i}]"
                )),
            }),
        });
    }
    report
}

fn log(report: &Report) -> Value {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to a Vec cannot fail");
    serde_json::from_slice(&out).expect("SARIF is JSON")
}

#[test]
fn located_findings_become_results_at_their_line() {
    let report = located(fixtures::fleet());
    let sarif = log(&report);
    assert_valid_sarif(&sarif);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().expect("results");
    let expected: usize = report
        .origins
        .iter()
        .map(|o| {
            let mut keys: Vec<_> = o
                .all_findings()
                .filter(|f| f.impact >= Impact::Warn)
                .map(|f| (f.rule, f.reason.clone()))
                .collect();
            keys.dedup();
            keys.len()
        })
        .sum();
    assert!(expected > 0);
    assert_eq!(results.len(), expected, "{run:#}");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(["error", "warning"].contains(&r["level"].as_str().expect("level")));
        let place = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            place["artifactLocation"]["uri"],
            "infra/cdn%20template.yaml"
        );
        assert!(place["region"]["startLine"].as_u64().expect("line") >= 10);
    }
    for rule in rules {
        let fact = rule["properties"]["fact"].as_u64().expect("fact") as u16;
        assert_eq!(
            rule["helpUri"].as_str(),
            crate::facts::url(fact),
            "{rule:#}"
        );
    }
}

#[test]
fn rows_without_a_file_give_no_results_and_a_valid_log() {
    let sarif = log(&fixtures::fleet());
    assert_valid_sarif(&sarif);
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .is_empty()
    );
}

#[test]
fn one_finding_on_several_viewer_rows_is_one_result() {
    let mut report = located(fixtures::fleet());
    let mut twin = report.origins[1].clone();
    if let Some(cf) = twin.cloudfront.as_mut() {
        cf.viewer_name = Some("www.example.com".into());
    }
    let before = log(&report)["runs"][0]["results"]
        .as_array()
        .expect("r")
        .len();
    report.origins.push(twin);
    let after = log(&report)["runs"][0]["results"]
        .as_array()
        .expect("r")
        .len();
    assert_eq!(before, after);
}

#[test]
fn the_schema_check_can_fail() {
    let mut sarif = log(&located(fixtures::fleet()));
    sarif["runs"][0]["results"][0]["level"] = json!("fatal");
    assert!(!sarif_errors(&sarif).is_empty());
    let mut sarif = log(&located(fixtures::fleet()));
    sarif.as_object_mut().map(|o| o.remove("version"));
    assert!(!sarif_errors(&sarif).is_empty());
}
