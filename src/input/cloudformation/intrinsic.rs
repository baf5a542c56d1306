//! CloudFormation's intrinsic functions, resolved where the template and `--parameter` values
//! allow, in both spellings (`!Ref X` and `{"Ref": "X"}`): `Ref` to parameters (given or
//! `Default`) and pseudo parameters given with `--parameter`, `Fn::Sub` (both forms) and
//! `Fn::Join` over known values, `Fn::If` on conditions that evaluate, `Fn::FindInMap` and
//! `Fn::Select`. Everything else (`Fn::GetAtt`, `Fn::ImportValue`, a resource's `Ref`, ...) is
//! unresolved: the tree gets a marker, and the expression is kept to be named in a finding.
//!
//! Pure; recursion is bounded by the tree's depth limit and a condition depth limit.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value as Json};

use super::show::show;
use super::yaml::{Node, Value};

/// What marks an unresolved leaf in a resolved tree: this prefix and the expression's index.
const MARK: &str = "\u{0}unresolved:";

/// The deepest chain of conditions followed (`Condition` naming a condition naming ...).
const MAX_CONDITION_DEPTH: usize = 32;

/// The deepest nesting of resolutions (`Fn::FindInMap` can lead into a mapping that uses
/// `Fn::FindInMap` again); past it an expression is unresolved, so a cycle cannot recurse
/// without bound.
const MAX_RESOLVE_DEPTH: usize = 256;

/// The most nodes one template's resolution visits (a distribution and its policies are a few
/// hundred). Mappings and conditions can point at each other many times over; past this
/// budget every expression is unresolved, so a small file cannot cost exponential time.
const MAX_RESOLVE_STEPS: usize = 100_000;

/// The template's parameters and conditions, and the expressions that could not be resolved.
#[derive(Debug)]
pub(super) struct Context<'a> {
    params: HashMap<String, Json>,
    conditions: Option<&'a Node>,
    mappings: Option<&'a Node>,
    /// Resources whose `Ref` (and `!GetAtt X.Id`) stands for themselves: the policy resources
    /// of the same template, by logical ID.
    symbols: HashMap<String, String>,
    pub unresolved: Vec<Expression>,
    /// Conditions already evaluated (`None` while one is being evaluated: a cycle).
    evaluated: HashMap<String, Option<bool>>,
    depth: usize,
    steps: usize,
}

/// An expression that could not be resolved, as a finding quotes it, and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Expression {
    pub text: String,
    pub line: u32,
}

/// A leaf of a resolved tree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Leaf<'v, 'c> {
    Known(&'v Json),
    Unresolved(&'c Expression),
    Absent,
}

impl<'a> Context<'a> {
    /// `template` is the whole template; `given` the `--parameter KEY=VALUE` pairs, which win
    /// over defaults (and may name pseudo parameters such as `AWS::Region`).
    pub(super) fn new(
        template: &'a Node,
        given: &[(String, String)],
        symbols: HashMap<String, String>,
    ) -> Self {
        let mut params = HashMap::new();
        for (name, p) in template
            .get("Parameters")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let list = p
                .get("Type")
                .and_then(Node::text)
                .is_some_and(|t| t.contains("List"));
            if let Some(default) = p.get("Default").and_then(scalar_text) {
                params.insert(name.clone(), param_value(&default, list));
            }
        }
        for (k, v) in given {
            let list = template
                .get("Parameters")
                .and_then(|ps| ps.get(k))
                .and_then(|p| p.get("Type"))
                .and_then(Node::text)
                .is_some_and(|t| t.contains("List"));
            params.insert(k.clone(), param_value(v, list));
        }
        Context {
            params,
            conditions: template.get("Conditions"),
            mappings: template.get("Mappings"),
            symbols,
            unresolved: Vec::new(),
            evaluated: HashMap::new(),
            depth: 0,
            steps: 0,
        }
    }

    /// The leaf `v` of a resolved tree: a value, an unresolved expression, or nothing.
    pub(super) fn leaf<'v>(&self, v: Option<&'v Json>) -> Leaf<'v, '_> {
        match v {
            None | Some(Json::Null) => Leaf::Absent,
            Some(Json::String(s)) if s.starts_with(MARK) => {
                let index: usize = s[MARK.len()..].parse().unwrap_or(usize::MAX);
                match self.unresolved.get(index) {
                    Some(e) => Leaf::Unresolved(e),
                    // Only `mark` writes markers, with the index it pushed.
                    None => Leaf::Absent,
                }
            }
            Some(v) => Leaf::Known(v),
        }
    }

    /// `node` with every intrinsic resolved or marked; `None` for `AWS::NoValue`.
    pub(super) fn resolve(&mut self, node: &Node) -> Option<Json> {
        self.steps += 1;
        if self.depth >= MAX_RESOLVE_DEPTH || self.steps > MAX_RESOLVE_STEPS {
            return Some(self.mark(node));
        }
        self.depth += 1;
        let out = self.resolve_node(node);
        self.depth -= 1;
        out
    }

    fn resolve_node(&mut self, node: &Node) -> Option<Json> {
        if let Some((function, arg)) = intrinsic(node) {
            return match self.function(function, &arg) {
                Ok(v) => v,
                Err(()) => Some(self.mark(node)),
            };
        }
        match &node.value {
            Value::Scalar { text, quoted } => Some(scalar(text, *quoted)),
            Value::Seq(items) => Some(Json::Array(
                items.iter().filter_map(|i| self.resolve(i)).collect(),
            )),
            Value::Map(entries) => {
                let mut out = Map::new();
                for (k, v) in entries {
                    if let Some(v) = self.resolve(v) {
                        out.insert(k.clone(), v);
                    }
                }
                Some(Json::Object(out))
            }
        }
    }

    fn mark(&mut self, node: &Node) -> Json {
        self.unresolved.push(Expression {
            text: show(node),
            line: node.line,
        });
        Json::String(format!("{MARK}{}", self.unresolved.len() - 1))
    }

    /// `Ok(None)`: `AWS::NoValue`; `Err`: not resolvable.
    fn function(&mut self, function: &str, arg: &Node) -> Result<Option<Json>, ()> {
        match function {
            "Ref" => {
                let name = arg.text().ok_or(())?;
                if name == "AWS::NoValue" {
                    return Ok(None);
                }
                if let Some(id) = self.symbols.get(name) {
                    return Ok(Some(Json::String(id.clone())));
                }
                self.params.get(name).cloned().map(Some).ok_or(())
            }
            "Fn::Sub" => self.sub(arg).map(|s| Some(Json::String(s))),
            "Fn::Join" => {
                let [delimiter, list] = arg.items() else {
                    return Err(());
                };
                let delimiter = delimiter.text().ok_or(())?.to_string();
                let list = self.known(list)?;
                let parts = list.as_array().ok_or(())?;
                let parts: Option<Vec<String>> = parts.iter().map(json_text).collect();
                Ok(Some(Json::String(parts.ok_or(())?.join(&delimiter))))
            }
            "Fn::If" => {
                let [condition, yes, no] = arg.items() else {
                    return Err(());
                };
                let name = condition.text().ok_or(())?;
                let branch = if self.condition(name, 0).ok_or(())? {
                    yes
                } else {
                    no
                };
                Ok(self.resolve(branch))
            }
            "Fn::Select" => {
                let [index, list] = arg.items() else {
                    return Err(());
                };
                let index: usize = json_text(&self.known(index)?)
                    .ok_or(())?
                    .parse()
                    .map_err(|_| ())?;
                let list = self.known(list)?;
                list.as_array()
                    .and_then(|l| l.get(index))
                    .cloned()
                    .map(Some)
                    .ok_or(())
            }
            "Fn::FindInMap" => {
                let [map, top, second] = arg.items() else {
                    return Err(());
                };
                let keys =
                    [map, top, second].map(|k| self.known(k).ok().as_ref().and_then(json_text));
                let [Some(map), Some(top), Some(second)] = keys else {
                    return Err(());
                };
                let found = self
                    .mappings
                    .and_then(|m| m.get(&map)?.get(&top)?.get(&second))
                    .ok_or(())?;
                Ok(self.resolve(found))
            }
            "Fn::GetAtt" => {
                // `!GetAtt Policy.Id` of a policy resource of the same template: its logical ID.
                let (resource, attribute) = get_att(arg).ok_or(())?;
                match self.symbols.get(resource) {
                    Some(id) if attribute == "Id" => Ok(Some(Json::String(id.clone()))),
                    _ => Err(()),
                }
            }
            _ => Err(()),
        }
    }

    /// A value with no unresolved part, or `Err`.
    fn known(&mut self, node: &Node) -> Result<Json, ()> {
        let before = self.unresolved.len();
        let v = self.resolve(node).ok_or(())?;
        if self.unresolved.len() > before {
            self.unresolved.truncate(before);
            return Err(());
        }
        Ok(v)
    }

    /// `Fn::Sub`: `"text ${Name}"` or `["text ${Name}", {Name: value}]`.
    fn sub(&mut self, arg: &Node) -> Result<String, ()> {
        let (text, vars) = match (&arg.value, arg.tag.as_deref()) {
            (Value::Scalar { text, .. }, None) => (text.clone(), Map::new()),
            (Value::Seq(items), None) => {
                let [text, vars] = items.as_slice() else {
                    return Err(());
                };
                let Json::Object(vars) = self.known(vars)? else {
                    return Err(());
                };
                (text.text().ok_or(())?.to_string(), vars)
            }
            _ => return Err(()),
        };
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}').ok_or(())?;
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let value = vars.get(name).or_else(|| self.params.get(name)).ok_or(())?;
                out.push_str(&json_text(value).ok_or(())?);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// A condition's value, when it can be told from known values.
    fn condition(&mut self, name: &str, depth: usize) -> Option<bool> {
        if let Some(known) = self.evaluated.get(name) {
            return *known;
        }
        let node = self.conditions?.get(name)?;
        self.evaluated.insert(name.to_string(), None);
        let value = self.evaluate(node, depth + 1);
        self.evaluated.insert(name.to_string(), value);
        value
    }

    fn evaluate(&mut self, node: &Node, depth: usize) -> Option<bool> {
        self.steps += 1;
        if depth > MAX_CONDITION_DEPTH || self.steps > MAX_RESOLVE_STEPS {
            return None;
        }
        let (function, arg) = intrinsic(node)?;
        let arg = arg.as_ref();
        match function {
            "Fn::Equals" => {
                let [a, b] = arg.items() else { return None };
                let (a, b) = (self.known(a).ok()?, self.known(b).ok()?);
                Some(json_text(&a)? == json_text(&b)?)
            }
            "Fn::Not" => {
                let [c] = arg.items() else { return None };
                Some(!self.evaluate(c, depth + 1)?)
            }
            "Fn::And" => {
                let all: Option<Vec<bool>> = arg
                    .items()
                    .iter()
                    .map(|c| self.evaluate(c, depth + 1))
                    .collect();
                Some(all?.iter().all(|b| *b))
            }
            "Fn::Or" => {
                let all: Option<Vec<bool>> = arg
                    .items()
                    .iter()
                    .map(|c| self.evaluate(c, depth + 1))
                    .collect();
                Some(all?.iter().any(|b| *b))
            }
            "Condition" => self.condition(arg.text()?, depth),
            _ => None,
        }
    }
}

/// `!GetAtt A.B`, `!GetAtt [A, B]`, `{"Fn::GetAtt": ["A", "B"]}` -> `(A, B)`.
fn get_att(arg: &Node) -> Option<(&str, &str)> {
    if let Some(text) = arg.text().or(match &arg.value {
        Value::Scalar { text, .. } => Some(text.as_str()),
        _ => None,
    }) {
        return text.split_once('.');
    }
    match arg.items() {
        [a, b] => Some((a.text()?, b.text()?)),
        _ => None,
    }
}

/// The function and argument of an intrinsic: a short-form tag, or a one-key long form.
/// For a short form, the argument is the node without its tag.
fn intrinsic(node: &Node) -> Option<(&'static str, Cow<'_, Node>)> {
    if let Some(tag) = node.tag.as_deref() {
        let function = long_name(tag)?;
        let mut arg = node.clone();
        arg.tag = None;
        return Some((function, Cow::Owned(arg)));
    }
    let [(key, arg)] = node.entries() else {
        return None;
    };
    let name = FUNCTIONS.iter().find(|f| **f == key.as_str())?;
    Some((name, Cow::Borrowed(arg)))
}

const FUNCTIONS: [&str; 17] = [
    "Ref",
    "Condition",
    "Fn::Sub",
    "Fn::Join",
    "Fn::If",
    "Fn::Select",
    "Fn::FindInMap",
    "Fn::GetAtt",
    "Fn::ImportValue",
    "Fn::Split",
    "Fn::Base64",
    "Fn::GetAZs",
    "Fn::Cidr",
    "Fn::Equals",
    "Fn::Not",
    "Fn::And",
    "Fn::Or",
];

/// `Ref` -> `Ref`, `GetAtt` -> `Fn::GetAtt`.
fn long_name(tag: &str) -> Option<&'static str> {
    FUNCTIONS
        .iter()
        .find(|f| **f == tag || f.strip_prefix("Fn::") == Some(tag))
        .copied()
}

/// A plain scalar as YAML's core schema reads it; a quoted one is a string.
fn scalar(text: &str, quoted: bool) -> Json {
    if quoted {
        return Json::String(text.to_string());
    }
    match text {
        "true" | "True" | "TRUE" => Json::Bool(true),
        "false" | "False" | "FALSE" => Json::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Json::Null,
        _ => text
            .parse::<u64>()
            .map(Json::from)
            .unwrap_or_else(|_| Json::String(text.to_string())),
    }
}

fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Scalar { text, .. } if node.tag.is_none() => Some(text.clone()),
        _ => None,
    }
}

fn param_value(text: &str, list: bool) -> Json {
    if list {
        Json::Array(
            text.split(',')
                .map(|s| Json::String(s.trim().to_string()))
                .collect(),
        )
    } else {
        Json::String(text.to_string())
    }
}

/// A scalar's text: strings as they are, numbers and booleans written out.
pub(super) fn json_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) if !s.starts_with(MARK) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::cloudformation::yaml::parse;

    #[test]
    fn cycles_and_fan_out_stay_bounded() {
        let text = "Mappings:\n  M:\n    a:\n      b: [!FindInMap [M, a, b], !FindInMap [M, a, b]]\nConditions:\n  C: !And [!Condition D, !Condition D]\n  D: !Or [!Condition C, !Condition C]\nResources: {}\nX: !FindInMap [M, a, b]\nY: !If [C, yes, no]\n";
        let template = parse(text).expect("yaml");
        let mut ctx = Context::new(&template, &[], HashMap::new());
        let x = template.get("X").expect("X");
        let _ = ctx.resolve(x);
        assert!(
            ctx.steps <= MAX_RESOLVE_STEPS + MAX_RESOLVE_DEPTH,
            "{}",
            ctx.steps
        );
        let y = template.get("Y").expect("Y");
        let v = ctx.resolve(y).expect("marked");
        assert!(matches!(ctx.leaf(Some(&v)), Leaf::Unresolved(_)), "{v:?}");
    }
}
