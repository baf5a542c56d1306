//! How findings quote a template expression that could not be resolved: the short form where
//! it was written so (`!GetAtt Lb.DNSName`), the long form's keys otherwise, made safe to print
//! and cut at about 200 characters. Pure.

use super::yaml::{Node, Value};

/// How a finding quotes an expression: short form where it was written so (`!GetAtt Lb.DNSName`),
/// the long form's key otherwise; made safe to print and cut.
pub(super) fn show(node: &Node) -> String {
    let mut out = String::new();
    render(node, &mut out, 0);
    crate::sanitize::text(&out)
}

fn render(node: &Node, out: &mut String, depth: usize) {
    if out.len() > 200 || depth > 8 {
        return;
    }
    if let Some(tag) = &node.tag {
        out.push('!');
        out.push_str(tag);
        out.push(' ');
    }
    match &node.value {
        Value::Scalar { text, .. } => out.push_str(text),
        Value::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render(item, out, depth + 1);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                render(v, out, depth + 1);
            }
            out.push('}');
        }
    }
}
