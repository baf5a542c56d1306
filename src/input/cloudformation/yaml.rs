//! A template (YAML, or JSON, which YAML 1.2 contains) as a tree of nodes that keep their tag
//! (`!Ref`, `!GetAtt`) and their line and column, built from saphyr-parser's events.
//!
//! Bounded by construction: aliases are refused (CloudFormation does not take them, and
//! expanding them is how a small file becomes a huge tree), nesting deeper than [`MAX_DEPTH`]
//! is refused, and the tree holds at most one node per event of the input. Pure.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// The deepest nesting read. Real templates nest a dozen levels; the bound keeps the recursive
/// readers that walk the tree far from the stack's limit.
pub(super) const MAX_DEPTH: usize = 128;

/// One node of the template.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub value: Value,
    /// A local tag as written, without its `!`: `Ref`, `GetAtt`, `Sub`.
    pub tag: Option<String>,
    /// 1-based line and column.
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// A scalar and whether it was quoted (a quoted `443` is a string, a plain one a number).
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

/// A template that is not YAML this reader takes: the message and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl Node {
    pub(super) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(super) fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub(super) fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// The text of an untagged scalar.
    pub(super) fn text(&self) -> Option<&str> {
        match (&self.value, &self.tag) {
            (Value::Scalar { text, .. }, None) => Some(text),
            _ => None,
        }
    }
}

/// Containers being built: the node so far and, in a mapping, the key waiting for its value.
enum Open {
    Seq(Node),
    Map(Node, Option<String>),
}

/// Parses one document.
pub(super) fn parse(text: &str) -> Result<Node, YamlError> {
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError {
            line: to_u32(e.marker().line()),
            column: to_u32(e.marker().col() + 1),
            message: e.info().to_string(),
        })?;
        let at = |message: &str| YamlError {
            line: to_u32(span.start.line()),
            column: to_u32(span.start.col() + 1),
            message: message.to_string(),
        };
        let is_seq = matches!(event, Event::SequenceStart(..));
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(at("more than one YAML document; a template is one"));
                }
                continue;
            }
            Event::Alias(_) => {
                return Err(at(
                    "YAML aliases (*name) are not supported by CloudFormation, and are not expanded here",
                ));
            }
            Event::Scalar(text, style, _, tag) => Node {
                value: Value::Scalar {
                    text: text.into_owned(),
                    quoted: style != ScalarStyle::Plain,
                },
                tag: tag.and_then(|t| local_tag(&t.handle, &t.suffix)),
                line: line(&span),
                column: column(&span),
            },
            Event::SequenceStart(_, tag) | Event::MappingStart(_, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(at(&format!("nested deeper than {MAX_DEPTH} levels")));
                }
                let node = Node {
                    value: if is_seq {
                        Value::Seq(Vec::new())
                    } else {
                        Value::Map(Vec::new())
                    },
                    tag: tag.and_then(|t| local_tag(&t.handle, &t.suffix)),
                    line: line(&span),
                    column: column(&span),
                };
                stack.push(if is_seq {
                    Open::Seq(node)
                } else {
                    Open::Map(node, None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(n) | Open::Map(n, _)) => n,
                None => return Err(at("unbalanced YAML")),
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq(seq)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Open::Map(map, key)) => match key.take() {
                None => {
                    let Value::Scalar { text, .. } = node.value else {
                        return Err(at("a mapping key that is not a plain value"));
                    };
                    *key = Some(text);
                }
                Some(k) => {
                    if let Value::Map(entries) = &mut map.value {
                        if entries.iter().any(|(e, _)| *e == k) {
                            return Err(YamlError {
                                line: node.line,
                                column: node.column,
                                message: format!(
                                    "key \"{}\" appears twice in one mapping",
                                    crate::sanitize::text(&k)
                                ),
                            });
                        }
                        entries.push((k, node));
                    }
                }
            },
        }
    }
    root.ok_or(YamlError {
        line: 1,
        column: 1,
        message: "the file holds no YAML document".to_string(),
    })
}

/// `!Ref` -> `Ref`; core-schema tags (`!!str`) are not intrinsics and are dropped.
fn local_tag(handle: &str, suffix: &str) -> Option<String> {
    (handle == "!").then(|| suffix.to_string())
}

fn line(span: &Span) -> u32 {
    to_u32(span.start.line())
}

fn column(span: &Span) -> u32 {
    to_u32(span.start.col() + 1)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_lines_and_json() {
        let doc =
            parse("a: !Ref B\nb:\n  - !GetAtt [L, DNSName]\n  - '443'\n  - 443\n").expect("yaml");
        let a = doc.get("a").expect("a");
        assert_eq!(a.tag.as_deref(), Some("Ref"));
        assert_eq!((a.line, a.column), (1, 4));
        let b = doc.get("b").expect("b").items();
        assert_eq!(b[0].tag.as_deref(), Some("GetAtt"));
        assert_eq!(b[0].items().len(), 2);
        assert_eq!(b[0].line, 3);
        assert_eq!(
            b[1].value,
            Value::Scalar {
                text: "443".into(),
                quoted: true
            }
        );
        assert_eq!(
            b[2].value,
            Value::Scalar {
                text: "443".into(),
                quoted: false
            }
        );
        let json = parse("{\n  \"x\": {\"Ref\": \"P\"}\n}").expect("json");
        assert_eq!(
            json.get("x")
                .and_then(|x| x.get("Ref"))
                .and_then(Node::text),
            Some("P")
        );
        assert_eq!(json.get("x").expect("x").line, 2);
    }

    #[test]
    fn hostile_yaml_is_refused_with_its_place() {
        let laughs = "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n";
        let e = parse(laughs).expect_err("aliases");
        assert_eq!(e.line, 2, "{e:?}");
        assert!(e.message.contains("aliases"), "{e:?}");
        let deep = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(parse(&deep).expect_err("deep").message.contains("deeper"));
        let e = parse("a: [1, 2\nb: 3\n").expect_err("syntax");
        assert!(e.line >= 1 && !e.message.is_empty(), "{e:?}");
        assert!(
            parse("a: 1\na: 2\n")
                .expect_err("dup")
                .message
                .contains("twice")
        );
        assert!(
            parse("a: 1\n---\nb: 2\n")
                .expect_err("two docs")
                .message
                .contains("more than one")
        );
    }
}
