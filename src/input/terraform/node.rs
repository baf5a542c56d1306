//! A value of a Terraform JSON document walked together with its `after_unknown` mirror and its
//! JSON pointer, so every read knows whether the value is known and where it sits.
//!
//! `terraform show -json` writes planned values and, beside them, a tree of the same shape
//! with `true` where a value is known only after apply (a whole block can be `true`). Pure.

use serde_json::Value;

/// `true`: what an unknown parent makes of each of its children.
static UNKNOWN: Value = Value::Bool(true);

/// One value, whether it is unknown, and its JSON pointer (RFC 6901).
#[derive(Debug, Clone)]
pub(super) struct Node<'a> {
    value: Option<&'a Value>,
    unknown: Option<&'a Value>,
    pub pointer: String,
}

impl<'a> Node<'a> {
    pub(super) fn new(
        value: Option<&'a Value>,
        unknown: Option<&'a Value>,
        pointer: String,
    ) -> Self {
        Node {
            value,
            unknown,
            pointer,
        }
    }

    /// The attribute `key` of this object.
    pub(super) fn get(&self, key: &str) -> Node<'a> {
        let unknown = match self.unknown {
            Some(Value::Bool(true)) => Some(&UNKNOWN),
            Some(u) => u.get(key),
            None => None,
        };
        Node {
            value: self.value.and_then(|v| v.get(key)),
            unknown,
            pointer: format!("{}/{}", self.pointer, escape(key)),
        }
    }

    /// Whether Terraform knows this value only after apply.
    pub(super) fn is_unknown(&self) -> bool {
        matches!(self.unknown, Some(Value::Bool(true)))
    }

    /// The elements of this list (or set, in Terraform's order), each with its own mirror.
    pub(super) fn items(&self) -> Vec<Node<'a>> {
        let Some(Value::Array(items)) = self.value else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .map(|(i, v)| Node {
                value: Some(v),
                unknown: match self.unknown {
                    Some(Value::Bool(true)) => Some(&UNKNOWN),
                    Some(u) => u.get(i),
                    None => None,
                },
                pointer: format!("{}/{i}", self.pointer),
            })
            .collect()
    }

    /// The one block of a nested block list of at most one (`custom_origin_config`), if set.
    pub(super) fn block(&self, key: &str) -> Option<Node<'a>> {
        self.get(key).items().into_iter().next()
    }

    /// The known value, if any (null counts as absent).
    pub(super) fn value(&self) -> Option<&'a Value> {
        self.value.filter(|v| !v.is_null() && !self.is_unknown())
    }

    pub(super) fn str(&self) -> Option<&'a str> {
        self.value().and_then(Value::as_str)
    }

    pub(super) fn u64(&self) -> Option<u64> {
        self.value().and_then(Value::as_u64)
    }

    pub(super) fn bool(&self) -> Option<bool> {
        self.value().and_then(Value::as_bool)
    }

    /// The known strings of a list of strings.
    pub(super) fn strings(&self) -> Vec<String> {
        self.items()
            .iter()
            .filter_map(|n| n.str().map(str::to_string))
            .collect()
    }
}

/// RFC 6901: `~` as `~0`, `/` as `~1`.
pub(super) fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_mirrors_reach_the_leaves() {
        let value = json!({"origin": [{"domain_name": null, "origin_id": "a"}], "aliases": null});
        let unknown = json!({"origin": [{"domain_name": true}], "aliases": true});
        let root = Node::new(Some(&value), Some(&unknown), String::new());
        let origin = &root.get("origin").items()[0];
        assert!(origin.get("domain_name").is_unknown());
        assert_eq!(origin.get("domain_name").str(), None);
        assert_eq!(origin.get("origin_id").str(), Some("a"));
        assert!(!origin.get("origin_id").is_unknown());
        assert_eq!(origin.get("domain_name").pointer, "/origin/0/domain_name");
        assert!(root.get("aliases").is_unknown());
        // Below an unknown block, everything is unknown.
        assert!(root.get("aliases").get("x").is_unknown());
        assert_eq!(
            Node::new(None, None, String::new()).get("a~/b").pointer,
            "/a~0~1b"
        );
    }
}
