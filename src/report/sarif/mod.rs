//! SARIF 2.1.0 (`--format sarif`): findings located in infrastructure-as-code files, for code
//! scanning (GitHub, GitLab) to show on the pull request that changes the file.
//!
//! This module only renders; it never changes a verdict.
//!
//! # Shape
//!
//! One `run` whose `tool.driver` is origin-probe, with one `reportingDescriptor` per rule that
//! has a result: `id` the rule, `helpUri` the source of its fact (`fact_url`), and `properties`
//! `impact`, `confidence` and `fact`. One `result` per would-502, would-504 or warn finding of
//! an origin whose row has a `cloudfront.location` with a file (Terraform and CloudFormation
//! input; the AWS CLI JSON of `cloudfront` has no file to point into, so it gives an empty
//! `results`): `level` `error` for would-502/504 and `warning` for warn, `message.text` the
//! reason then `Fix:` and the fix, one `physicalLocation` (the file as given, and the origin's
//! line and column where the parser gives them) and one `logicalLocation` (the origin as its
//! language names it: `module.cdn.aws_cloudfront_distribution.main.origin["api"]`). A finding
//! repeated on several rows of one origin (one per viewer name) is one result; results carry
//! `partialFingerprints.originProbe/v1` (rule, file, resource and origin) so code scanning
//! tracks them across runs. Info findings are left out.

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use crate::document::{OriginReport, Report, SourceLocation};
use crate::finding::{Finding, Impact};

/// The schema the document names.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Writes `report` as one SARIF 2.1.0 log, in one `write_all`.
pub(crate) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(&render(report)).map_err(io::Error::other)?;
    text.push('\n');
    out.write_all(text.as_bytes())
}

fn render(report: &Report) -> Value {
    let mut rules: BTreeMap<&'static str, Value> = BTreeMap::new();
    let mut results: Vec<Value> = Vec::new();
    let mut seen: Vec<(String, String, String)> = Vec::new();
    for origin in &report.origins {
        let Some(location) = origin.cloudfront.as_ref().and_then(|c| c.location.as_ref()) else {
            continue;
        };
        for f in origin.all_findings().filter(|f| f.impact >= Impact::Warn) {
            let key = (
                f.rule.to_string(),
                fingerprint(origin, location, f),
                f.reason.clone(),
            );
            if seen.contains(&key) {
                continue;
            }
            rules.entry(f.rule).or_insert_with(|| rule(f));
            results.push(result(origin, location, f, key.1.clone()));
            seen.push(key);
        }
    }
    // `ruleIndex` points into the sorted rule list.
    let ids: Vec<&str> = rules.keys().copied().collect();
    for r in &mut results {
        let id = r["ruleId"].as_str().unwrap_or_default().to_string();
        if let Some(i) = ids.iter().position(|x| *x == id) {
            r["ruleIndex"] = json!(i);
        }
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": report.tool.name,
                    "version": report.tool.version,
                    "rules": rules.into_values().collect::<Vec<_>>(),
                }
            },
            "results": results,
            "properties": {
                "judged_at": report.judged_at,
                "roots": report.roots.description,
            },
        }]
    })
}

fn level(impact: Impact) -> &'static str {
    match impact {
        Impact::Would502 | Impact::Would504 => "error",
        Impact::Warn => "warning",
        Impact::Info => "note",
    }
}

/// The rule's metadata, from the first finding of it.
fn rule(f: &Finding) -> Value {
    let mut r = json!({
        "id": f.rule,
        "name": f.rule,
        "shortDescription": { "text": format!("{} ({}, fact {})", f.rule, f.impact.as_str(), f.fact) },
        "defaultConfiguration": { "level": level(f.impact) },
        "properties": {
            "impact": f.impact.as_str(),
            "confidence": f.confidence.as_str(),
            "fact": f.fact,
        },
    });
    if let Some(url) = crate::facts::url(f.fact) {
        r["helpUri"] = json!(url);
        r["help"] = json!({ "text": format!("Fact {}: {url}", f.fact) });
    }
    r
}

fn fingerprint(origin: &OriginReport, location: &SourceLocation, f: &Finding) -> String {
    let origin_id = origin
        .cloudfront
        .as_ref()
        .map_or("", |c| c.origin_id.as_str());
    format!(
        "{}|{}|{}|{origin_id}",
        f.rule,
        location.file,
        location.address.as_deref().unwrap_or_default()
    )
}

fn result(
    origin: &OriginReport,
    location: &SourceLocation,
    f: &Finding,
    fingerprint: String,
) -> Value {
    let mut region = serde_json::Map::new();
    if let Some(line) = location.line {
        region.insert("startLine".into(), json!(line));
        if let Some(column) = location.column {
            region.insert("startColumn".into(), json!(column));
        }
    }
    let mut physical = json!({ "artifactLocation": { "uri": uri(&location.file) } });
    if !region.is_empty() {
        physical["region"] = Value::Object(region);
    }
    let viewer = origin
        .cloudfront
        .as_ref()
        .and_then(|c| c.viewer_name.as_deref())
        .map(|v| format!(" (viewer name {v})"))
        .unwrap_or_default();
    let mut logical = json!({ "kind": "resource" });
    if let Some(path) = &location.edit_path {
        logical["fullyQualifiedName"] = json!(path);
    }
    json!({
        "ruleId": f.rule,
        "level": level(f.impact),
        "message": { "text": format!("{}{viewer}. Fix: {}", f.reason, f.fix) },
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [logical],
        }],
        "partialFingerprints": { "originProbe/v1": fingerprint },
        "properties": {
            "origin": origin.origin,
            "port": origin.port,
            "verdict": origin.verdict.as_str(),
            "confidence": f.confidence.as_str(),
            "fact": f.fact,
            "pointer": location.pointer,
        },
    })
}

/// A path as a URI reference: separators as `/`, no leading `./`, and every byte outside
/// RFC 3986's unreserved set and `/` percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
