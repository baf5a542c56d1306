//! What a plan's `configuration` says an attribute refers to: a cache behavior's
//! `cache_policy_id = aws_cloudfront_cache_policy.site.id` is unknown until apply when the
//! policy is new, and the reference is how the behavior is tied to the policy resource in the
//! same plan. Pure.

use serde_json::Value;

/// The configuration of the module at `module` (`module.cdn.module.edge`, empty for the root),
/// following `module_calls`.
fn module_config<'a>(doc: &'a Value, module: &str) -> Option<&'a Value> {
    let mut current = doc.get("configuration")?.get("root_module")?;
    for call in module_calls(module) {
        current = current
            .get("module_calls")?
            .get(call.as_str())?
            .get("module")?;
    }
    Some(current)
}

/// `module.a["x"].module.b[0]` -> `["a", "b"]`.
fn module_calls(module: &str) -> Vec<String> {
    without_keys(module)
        .split('.')
        .collect::<Vec<_>>()
        .chunks(2)
        .filter_map(|pair| match pair {
            ["module", name] => Some((*name).to_string()),
            _ => None,
        })
        .collect()
}

/// An address without its instance keys (`[0]`, `["a"]`), as the configuration writes it.
pub(super) fn without_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The configuration's `expressions` of resource `address` (in module `module`).
pub(super) fn expressions<'a>(doc: &'a Value, module: &str, address: &str) -> Option<&'a Value> {
    let config = module_config(doc, module)?;
    let local = without_keys(address);
    let local = local
        .strip_prefix(&format!("{}.", without_keys(module)))
        .filter(|_| !module.is_empty())
        .unwrap_or(&local)
        .to_string();
    config
        .get("resources")?
        .as_array()?
        .iter()
        .find(|r| r.get("address").and_then(Value::as_str) == Some(local.as_str()))?
        .get("expressions")
}

/// The resource of type `target` that the attribute `attr` of block `block[index]` of resource
/// `address` (in module `module`) refers to, as a full address (`module.cdn.aws_cloudfront_cache_policy.site`).
pub(super) fn referenced(
    doc: &Value,
    module: &str,
    address: &str,
    block: &str,
    index: usize,
    attr: &str,
    target: &str,
) -> Option<String> {
    let expression = expressions(doc, module, address)?
        .get(block)?
        .get(index)?
        .get(attr)?;
    resource_in(expression, module, target)
}

/// The resource of type `target` an expression of module `module` refers to, as a full address.
pub(super) fn resource_in(expression: &Value, module: &str, target: &str) -> Option<String> {
    let references = expression.get("references")?.as_array()?;
    let prefix = format!("{target}.");
    let reference = references
        .iter()
        .filter_map(Value::as_str)
        .find(|r| r.starts_with(&prefix))?;
    // `aws_cloudfront_cache_policy.site.id` -> `aws_cloudfront_cache_policy.site`.
    let mut parts = reference.splitn(3, '.');
    let (kind, name) = (parts.next()?, parts.next()?);
    let local = format!("{kind}.{name}");
    Some(if module.is_empty() {
        local
    } else {
        format!("{module}.{local}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_in_child_modules() {
        let doc = json!({"configuration": {"root_module": {"module_calls": {"cdn": {"module": {"resources": [
            {"address": "aws_cloudfront_distribution.main", "expressions": {
                "default_cache_behavior": [{"cache_policy_id": {"references": ["aws_cloudfront_cache_policy.site.id", "aws_cloudfront_cache_policy.site"]}}],
                "ordered_cache_behavior": [{"origin_request_policy_id": {"references": ["local.x"]}}]
            }}
        ]}}}}}});
        let found = referenced(
            &doc,
            "module.cdn",
            "module.cdn.aws_cloudfront_distribution.main",
            "default_cache_behavior",
            0,
            "cache_policy_id",
            "aws_cloudfront_cache_policy",
        );
        assert_eq!(
            found.as_deref(),
            Some("module.cdn.aws_cloudfront_cache_policy.site")
        );
        let none = referenced(
            &doc,
            "module.cdn",
            "module.cdn.aws_cloudfront_distribution.main",
            "ordered_cache_behavior",
            0,
            "origin_request_policy_id",
            "aws_cloudfront_origin_request_policy",
        );
        assert_eq!(none, None);
        assert_eq!(without_keys(r#"module.a["x[1]"].b.c[0]"#), "module.a.b.c");
        assert_eq!(module_calls(r#"module.a["k"].module.b"#), ["a", "b"]);
    }
}
