//! What the API answered that this build cannot write back: fields of a distribution's XML that
//! the SDK version built in does not know (it skips them when reading), so the CLI JSON of
//! [`super::cli_json`](mod@super::cli_json), a plan made from it and an `UpdateDistribution` sent from it would all
//! drop them. Such a distribution is probed as usual, but neither planned nor updated.
//!
//! [`RawBody`] keeps the answer's bytes (an SDK interceptor, read-only); [`unwritten_fields`]
//! (pure) compares the XML's field paths with the JSON's.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use aws_sdk_cloudfront::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_cloudfront::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cloudfront::error::BoxError;
use serde_json::Value;

/// The body of the one response of the call it is attached to.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawBody(Arc<Mutex<Option<Vec<u8>>>>);

impl RawBody {
    pub(crate) fn take(&self) -> Option<Vec<u8>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

impl Intercept for RawBody {
    fn name(&self) -> &'static str {
        "origin-probe::RawBody"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes() {
            *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(bytes.to_vec());
        }
        Ok(())
    }
}

/// Elements whose children are list entries (their tags, `CNAME`, `Origin`, `member`, are not
/// fields): every `{Quantity, Items}` list and the one plain list of the model.
const LISTS: [&str; 2] = ["Items", "ParameterDefinitions"];

/// The field paths (`Origins.Items.CustomOriginConfig.OriginHttpVersion`, list positions
/// left out) of the `DistributionConfig` in `xml` that `written` (its CLI JSON) lacks. A body
/// that is not XML gives no paths: the SDK parsed it, so that cannot happen.
pub(crate) fn unwritten_fields(xml: &[u8], written: &Value) -> Vec<String> {
    let mut have = BTreeSet::new();
    json_paths(written, "", &mut have);
    xml_paths(xml)
        .into_iter()
        .filter(|p| !have.contains(p))
        .collect()
}

fn json_paths(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                json_paths(v, &p, out);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => {
            items.iter().for_each(|v| json_paths(v, path, out));
        }
        _ => {
            out.insert(path.to_string());
        }
    }
}

/// The leaf paths under the (first) `DistributionConfig` element, in order, each once.
fn xml_paths(xml: &[u8]) -> Vec<String> {
    let Ok(text) = std::str::from_utf8(xml) else {
        return Vec::new();
    };
    // (tag, whether it had a child element); the path is the tags from below DistributionConfig.
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut inside: Option<usize> = None;
    let mut out: Vec<String> = Vec::new();
    for token in xmlparser::Tokenizer::from(text) {
        let Ok(token) = token else {
            return Vec::new();
        };
        match token {
            xmlparser::Token::ElementStart { local, .. } => {
                if let Some(top) = stack.last_mut() {
                    top.1 = true;
                }
                if inside.is_none() && local.as_str() == "DistributionConfig" {
                    inside = Some(stack.len() + 1);
                }
                stack.push((local.as_str().to_string(), false));
            }
            xmlparser::Token::ElementEnd { end, .. } => {
                let closes = matches!(
                    end,
                    xmlparser::ElementEnd::Close(..) | xmlparser::ElementEnd::Empty
                );
                if !closes {
                    continue;
                }
                let Some(depth) = inside else {
                    stack.pop();
                    continue;
                };
                if stack.len() == depth {
                    // The DistributionConfig element itself closes.
                    break;
                }
                if stack.last().is_some_and(|(_, children)| !children) {
                    let path = field_path(&stack[depth..]);
                    if !out.contains(&path) {
                        out.push(path);
                    }
                }
                stack.pop();
            }
            _ => {}
        }
    }
    out
}

/// `Origins.Items.Id` for `Origins/Items/Origin/Id`: a list's entry tag is not a field.
fn field_path(tags: &[(String, bool)]) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let mut skip_next = false;
    for (tag, _) in tags {
        if skip_next {
            skip_next = false;
            continue;
        }
        parts.push(tag);
        skip_next = LISTS.contains(&tag.as_str());
    }
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_the_xml_that_the_json_lacks() {
        let xml = br#"<?xml version="1.0"?><DistributionConfig xmlns="x"><CallerReference>r</CallerReference><Aliases><Quantity>1</Quantity><Items><CNAME>a.test</CNAME></Items></Aliases><Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id><CustomOriginConfig><HTTPPort>80</HTTPPort><OriginHttpVersion>http2</OriginHttpVersion></CustomOriginConfig></Origin></Items></Origins><Comment/></DistributionConfig>"#;
        let written = serde_json::json!({
            "CallerReference": "r",
            "Aliases": {"Quantity": 1, "Items": ["a.test"]},
            "Origins": {"Quantity": 1, "Items": [{"Id": "o", "CustomOriginConfig": {"HTTPPort": 80}}]},
            "Comment": "",
        });
        assert_eq!(
            unwritten_fields(xml, &written),
            ["Origins.Items.CustomOriginConfig.OriginHttpVersion"]
        );
        // Inside GetDistribution's answer, only the DistributionConfig counts.
        let wrapped = format!(
            "<Distribution><Id>E1</Id><Status>Deployed</Status>{}</Distribution>",
            std::str::from_utf8(&xml[21..]).expect("utf-8")
        );
        assert_eq!(
            unwritten_fields(wrapped.as_bytes(), &written),
            ["Origins.Items.CustomOriginConfig.OriginHttpVersion"]
        );
        assert!(unwritten_fields(b"not xml <", &written).is_empty());
    }
}
