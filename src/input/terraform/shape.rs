//! Which Terraform JSON this is (`terraform show -json` of a plan or of a state), and the
//! resources in it, child modules included, each with its values, its `after_unknown` mirror
//! (plans) and its JSON pointer.
//!
//! For a plan the planned configuration is judged, what will exist after apply:
//! `resource_changes[].change.after` with `after_unknown`, else `planned_values`; a resource the
//! plan deletes is not. `prior_state` only adds policy resources the plan does not list. Pure.

use serde_json::Value;

use super::node::Node;

/// The `format_version` majors this reader knows: 0.x (Terraform 0.12-0.15) and 1.x.
const KNOWN_MAJORS: [&str; 2] = ["0", "1"];

/// Plan or state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Plan,
    State,
}

/// One resource instance of the document.
#[derive(Debug, Clone)]
pub(super) struct Resource<'a> {
    /// `module.cdn.aws_cloudfront_distribution.main`.
    pub address: String,
    /// `module.cdn`, empty in the root module.
    pub module: String,
    pub kind: &'a str,
    /// `managed` or `data`.
    pub mode: &'a str,
    pub values: Node<'a>,
}

/// Why the document is not Terraform JSON this reader takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ShapeError {
    /// Not the output of `terraform show -json`: what was found.
    NotTerraform(String),
    /// A raw `terraform.tfstate` file (state format `version`), not `show -json` output.
    RawState,
    /// A `format_version` this reader does not know.
    FormatVersion(String),
}

/// The document's kind, checked before anything is read.
pub(super) fn detect(doc: &Value) -> Result<Kind, ShapeError> {
    let Value::Object(map) = doc else {
        return Err(ShapeError::NotTerraform(describe(doc)));
    };
    if map.contains_key("resources")
        && map.contains_key("version")
        && !map.contains_key("format_version")
    {
        return Err(ShapeError::RawState);
    }
    let Some(version) = map.get("format_version") else {
        return Err(ShapeError::NotTerraform(describe(doc)));
    };
    let version = version.as_str().unwrap_or_default();
    let major = version.split('.').next().unwrap_or_default();
    if !KNOWN_MAJORS.contains(&major) || version.is_empty() {
        return Err(ShapeError::FormatVersion(crate::sanitize::text(version)));
    }
    if map.contains_key("planned_values") || map.contains_key("resource_changes") {
        return Ok(Kind::Plan);
    }
    if map.contains_key("values") {
        return Ok(Kind::State);
    }
    // `terraform show -json` of an empty state is `{"format_version": "1.0"}`.
    if map.len() == 1 || map.contains_key("terraform_version") {
        return Ok(Kind::State);
    }
    Err(ShapeError::NotTerraform(describe(doc)))
}

fn describe(doc: &Value) -> String {
    match doc {
        Value::Object(map) => {
            let keys: Vec<String> = map
                .keys()
                .take(5)
                .map(|k| format!("\"{}\"", crate::sanitize::text(k)))
                .collect();
            if keys.is_empty() {
                "an empty object".to_string()
            } else {
                format!("an object with keys {}", keys.join(", "))
            }
        }
        Value::Array(items) => format!("an array of {} items", items.len()),
        _ => "a JSON scalar".to_string(),
    }
}

/// The resources the judged configuration holds, in document order: for a plan, the planned
/// ones (deleted ones left out, their addresses in `deleted`); for a state, every one.
pub(super) fn resources(doc: &Value, kind: Kind) -> (Vec<Resource<'_>>, Vec<String>) {
    let mut out = Vec::new();
    let mut deleted = Vec::new();
    if kind == Kind::State {
        walk(
            doc.get("values").and_then(|v| v.get("root_module")),
            "/values/root_module".to_string(),
            &mut out,
        );
        return (out, deleted);
    }
    let changes = doc.get("resource_changes").and_then(Value::as_array);
    for (i, rc) in changes.into_iter().flatten().enumerate() {
        let (Some(address), Some(kind_name)) = (
            rc.get("address").and_then(Value::as_str),
            rc.get("type").and_then(Value::as_str),
        ) else {
            continue;
        };
        let change = rc.get("change");
        let after = change.and_then(|c| c.get("after")).filter(|a| !a.is_null());
        let Some(after) = after else {
            deleted.push(address.to_string());
            continue;
        };
        out.push(Resource {
            address: address.to_string(),
            module: rc
                .get("module_address")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            kind: kind_name,
            mode: rc.get("mode").and_then(Value::as_str).unwrap_or("managed"),
            values: Node::new(
                Some(after),
                change.and_then(|c| c.get("after_unknown")),
                format!("/resource_changes/{i}/change/after"),
            ),
        });
    }
    // Planned resources with no change entry (older Terraform lists only changes).
    let mut planned = Vec::new();
    walk(
        doc.get("planned_values").and_then(|v| v.get("root_module")),
        "/planned_values/root_module".to_string(),
        &mut planned,
    );
    for r in planned {
        if !out.iter().any(|o| o.address == r.address) && !deleted.contains(&r.address) {
            out.push(r);
        }
    }
    (out, deleted)
}

/// Policy resources of the state before the plan, for IDs the plan refers to but does not list.
pub(super) fn prior_resources(doc: &Value) -> Vec<Resource<'_>> {
    let mut out = Vec::new();
    walk(
        doc.get("prior_state")
            .and_then(|s| s.get("values"))
            .and_then(|v| v.get("root_module")),
        "/prior_state/values/root_module".to_string(),
        &mut out,
    );
    out
}

/// A module of `planned_values` / `values`: its resources, then its child modules, depth first.
fn walk<'a>(module: Option<&'a Value>, pointer: String, out: &mut Vec<Resource<'a>>) {
    let Some(module) = module else {
        return;
    };
    let prefix = module
        .get("address")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let resources = module.get("resources").and_then(Value::as_array);
    for (i, r) in resources.into_iter().flatten().enumerate() {
        let (Some(address), Some(kind)) = (
            r.get("address").and_then(Value::as_str),
            r.get("type").and_then(Value::as_str),
        ) else {
            continue;
        };
        out.push(Resource {
            address: address.to_string(),
            module: prefix.to_string(),
            kind,
            mode: r.get("mode").and_then(Value::as_str).unwrap_or("managed"),
            values: Node::new(
                r.get("values"),
                None,
                format!("{pointer}/resources/{i}/values"),
            ),
        });
    }
    let children = module.get("child_modules").and_then(Value::as_array);
    for (j, child) in children.into_iter().flatten().enumerate() {
        walk(Some(child), format!("{pointer}/child_modules/{j}"), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_and_versions() {
        assert_eq!(
            detect(&json!({"format_version": "1.2", "planned_values": {}})),
            Ok(Kind::Plan)
        );
        assert_eq!(
            detect(&json!({"format_version": "0.1", "values": {}})),
            Ok(Kind::State)
        );
        assert_eq!(detect(&json!({"format_version": "1.0"})), Ok(Kind::State));
        assert_eq!(
            detect(&json!({"format_version": "2.0", "planned_values": {}})),
            Err(ShapeError::FormatVersion("2.0".into()))
        );
        assert_eq!(
            detect(&json!({"version": 4, "terraform_version": "1.9.0", "resources": []})),
            Err(ShapeError::RawState)
        );
        assert!(matches!(
            detect(&json!({"ETag": "x"})),
            Err(ShapeError::NotTerraform(_))
        ));
        assert!(matches!(
            detect(&json!([1])),
            Err(ShapeError::NotTerraform(_))
        ));
    }

    #[test]
    fn child_modules_and_deleted_resources() {
        let doc = json!({
            "format_version": "1.2",
            "planned_values": {"root_module": {
                "resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "values": {}}],
                "child_modules": [{"address": "module.cdn", "resources": [
                    {"address": "module.cdn.aws_cloudfront_distribution.main", "mode": "managed", "type": "aws_cloudfront_distribution", "values": {"enabled": true}}
                ]}]
            }},
            "resource_changes": [
                {"address": "module.cdn.aws_cloudfront_distribution.main", "module_address": "module.cdn", "mode": "managed", "type": "aws_cloudfront_distribution",
                 "change": {"actions": ["update"], "after": {"enabled": false}, "after_unknown": {}}},
                {"address": "aws_cloudfront_distribution.old", "mode": "managed", "type": "aws_cloudfront_distribution",
                 "change": {"actions": ["delete"], "after": null}}
            ]
        });
        let (found, deleted) = resources(&doc, Kind::Plan);
        let addresses: Vec<_> = found.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                "module.cdn.aws_cloudfront_distribution.main",
                "aws_s3_bucket.b"
            ]
        );
        assert_eq!(deleted, ["aws_cloudfront_distribution.old"]);
        // The change entry wins: it carries the unknowns.
        assert_eq!(found[0].values.get("enabled").bool(), Some(false));
        assert_eq!(found[0].values.pointer, "/resource_changes/0/change/after");
        assert_eq!(found[0].module, "module.cdn");
        assert_eq!(
            found[1].values.pointer,
            "/planned_values/root_module/resources/0/values"
        );
    }
}
