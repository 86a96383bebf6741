//! A graph model of a compiled state machine, for renderers: nodes (states), containers
//! (Parallel branches and Map item processors, which hold nodes) and labelled edges.
//!
//! Ids are JSON Pointers into the definition, so they are stable across runs and
//! renderers can map them back to the text:
//! - a node is its state's pointer: `/States/Dispatch/Branches/0/States/Reserve`;
//! - a container is its block's pointer: `/States/Dispatch/Branches/0`,
//!   `/States/Fan/ItemProcessor` (or `/Iterator` when the definition uses that);
//! - an edge is the pointer of the field that makes it: `/States/A/Next`,
//!   `/States/Route/Default`, `/States/Route/Choices/2`, `/States/Pay/Catch/0`.
//!
//! State names are unique across a whole definition, so a history event's state name
//! maps to exactly one node.

use crate::model::{Condition, Kind, ScopeId, StateMachine};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Graph {
    /// The node the execution starts at.
    pub start_at: String,
    /// Every state in definition order, the states of a Parallel's branches or a Map's
    /// processor right after it (depth first).
    pub nodes: Vec<Node>,
    pub containers: Vec<Container>,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub id: String,
    pub name: String,
    /// `Pass`, `Task`, `Choice`, `Wait`, `Succeed`, `Fail`, `Parallel` or `Map`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The container holding this node; `None` at the top level.
    pub parent: Option<String>,
    /// How many containers enclose the node (0 at the top level).
    pub depth: usize,
    /// The first state of its container (or of the machine).
    pub start: bool,
    /// The state ends its container (or the execution): `End`, `Succeed` or `Fail`.
    pub end: bool,
    /// The Task's `Resource`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Parallel branches and Map processors: the ids of the containers it owns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<String>,
    /// Retriers as `ErrorEquals` lists (for badges; the edges do not show retries).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retry: Vec<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ContainerKind {
    /// One branch of a Parallel state.
    Branch,
    /// The item processor of a Map state.
    ItemProcessor,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub id: String,
    pub kind: ContainerKind,
    /// The Parallel or Map node that owns the container.
    pub owner: String,
    /// The branch number (always 0 for an item processor).
    pub index: usize,
    /// The container holding the owner; `None` when the owner is at the top level.
    pub parent: Option<String>,
    /// Containers enclosing this one, plus one (a top-level Parallel's branches are at 1).
    pub depth: usize,
    /// The node its execution starts at.
    pub start_at: String,
    /// Map processors: `INLINE` or `DISTRIBUTED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EdgeKind {
    Next,
    Default,
    Choice,
    Catch,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Edge {
    pub id: String,
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// Readable text: the Choice rule's condition, the Catch's error names joined by
    /// `, `, `Default` for a default branch; `None` for `Next`.
    pub label: Option<String>,
    /// Choice rules and catchers: the position in `Choices` / `Catch`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// Catchers: the `ErrorEquals` list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<String>>,
}

impl Graph {
    /// The graph of a compiled state machine.
    pub fn of(sm: &StateMachine) -> Graph {
        let def = &*sm.definition;
        let mut containers = Vec::new();
        // The container id of each scope (None for the root).
        let mut scope_ids: Vec<Option<String>> = vec![None; sm.scopes.len()];
        for (scope_id, scope) in sm.scopes.iter().enumerate() {
            let Some(owner) = scope.owner else { continue };
            let start = sm.state(scope.start);
            let id = container_pointer(&start.pointer, &start.name);
            let owner_state = sm.state(owner);
            let (kind, index, mode) = match &owner_state.kind {
                Kind::Parallel { branches } => (
                    ContainerKind::Branch,
                    branches.iter().position(|b| *b == scope_id).unwrap_or(0),
                    None,
                ),
                Kind::Map { distributed, .. } => (
                    ContainerKind::ItemProcessor,
                    0,
                    Some(if *distributed {
                        "DISTRIBUTED"
                    } else {
                        "INLINE"
                    }),
                ),
                _ => (ContainerKind::Branch, 0, None),
            };
            scope_ids[scope_id] = Some(id.clone());
            containers.push((
                scope_id,
                Container {
                    id,
                    kind,
                    owner: owner_state.pointer.clone(),
                    index,
                    parent: None,
                    depth: 0,
                    start_at: start.pointer.clone(),
                    mode,
                },
            ));
        }
        let depth_of = |mut scope: ScopeId| {
            let mut d = 0;
            while let Some(owner) = sm.scopes[scope].owner {
                d += 1;
                scope = sm.state(owner).scope;
            }
            d
        };
        for (scope_id, c) in &mut containers {
            let owner_scope = sm.state(sm.scopes[*scope_id].owner.unwrap_or(0)).scope;
            c.parent = scope_ids[owner_scope].clone();
            c.depth = depth_of(*scope_id);
        }
        let mut nodes = Vec::with_capacity(sm.states.len());
        let mut edges = Vec::new();
        for id in depth_first(sm) {
            let st = sm.state(id);
            let raw = def.pointer(&st.pointer);
            let field = |k: &str| raw.and_then(|r| r.get(k));
            let ends = matches!(st.kind, Kind::Succeed | Kind::Fail { .. })
                || (field("End") == Some(&Value::Bool(true)) && st.next.is_none());
            let owned: Vec<String> = match &st.kind {
                Kind::Parallel { branches } => branches
                    .iter()
                    .filter_map(|b| scope_ids[*b].clone())
                    .collect(),
                Kind::Map { processor, .. } => scope_ids[*processor].iter().cloned().collect(),
                _ => Vec::new(),
            };
            nodes.push(Node {
                id: st.pointer.clone(),
                name: st.name.to_string(),
                kind: st.kind.type_name(),
                parent: scope_ids[st.scope].clone(),
                depth: depth_of(st.scope),
                start: sm.scopes[st.scope].start == id,
                end: ends,
                resource: match &st.kind {
                    Kind::Task { resource, .. } => Some(resource.to_string()),
                    _ => None,
                },
                containers: owned,
                retry: st.retry.iter().map(|r| r.errors.clone()).collect(),
                comment: field("Comment").and_then(Value::as_str).map(str::to_string),
            });
            if let Some(next) = st.next {
                edges.push(Edge {
                    id: format!("{}/Next", st.pointer),
                    from: st.pointer.clone(),
                    to: sm.state(next).pointer.clone(),
                    kind: EdgeKind::Next,
                    label: None,
                    index: None,
                    errors: None,
                });
            }
            if let Kind::Choice { branches, default } = &st.kind {
                let rules = field("Choices").and_then(Value::as_array);
                for (i, b) in branches.iter().enumerate() {
                    let raw_rule = rules.and_then(|r| r.get(i));
                    let label = match (&b.condition, raw_rule) {
                        (Condition::Ata(_), Some(r)) => {
                            r.get("Condition").map(jsonata_text).unwrap_or_default()
                        }
                        (Condition::Rule(_), Some(r)) => rule_text(r, 0),
                        (_, None) => String::new(),
                    };
                    edges.push(Edge {
                        id: format!("{}/Choices/{i}", st.pointer),
                        from: st.pointer.clone(),
                        to: sm.state(b.next).pointer.clone(),
                        kind: EdgeKind::Choice,
                        label: Some(label),
                        index: Some(i),
                        errors: None,
                    });
                }
                if let Some(d) = default {
                    edges.push(Edge {
                        id: format!("{}/Default", st.pointer),
                        from: st.pointer.clone(),
                        to: sm.state(*d).pointer.clone(),
                        kind: EdgeKind::Default,
                        label: Some("Default".into()),
                        index: None,
                        errors: None,
                    });
                }
            }
            for (i, c) in st.catch.iter().enumerate() {
                edges.push(Edge {
                    id: format!("{}/Catch/{i}", st.pointer),
                    from: st.pointer.clone(),
                    to: sm.state(c.next).pointer.clone(),
                    kind: EdgeKind::Catch,
                    label: Some(c.errors.join(", ")),
                    index: Some(i),
                    errors: Some(c.errors.clone()),
                });
            }
        }
        Graph {
            start_at: sm.state(sm.scopes[sm.root].start).pointer.clone(),
            nodes,
            containers: containers.into_iter().map(|(_, c)| c).collect(),
            edges,
        }
    }

    /// The graph as JSON (the shape the npm package documents).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// State ids in definition order, each Parallel or Map followed by the states of its
/// branches or processor (depth first).
fn depth_first(sm: &StateMachine) -> Vec<usize> {
    let mut by_scope: Vec<Vec<usize>> = vec![Vec::new(); sm.scopes.len()];
    for (id, st) in sm.states.iter().enumerate() {
        by_scope[st.scope].push(id);
    }
    let mut out = Vec::with_capacity(sm.states.len());
    // An explicit stack (scope, position) keeps deep nesting off the call stack.
    let mut stack = vec![(sm.root, 0usize)];
    while let Some((scope, pos)) = stack.pop() {
        let Some(&id) = by_scope[scope].get(pos) else {
            continue;
        };
        out.push(id);
        stack.push((scope, pos + 1));
        let nested: &[ScopeId] = match &sm.state(id).kind {
            Kind::Parallel { branches } => branches,
            Kind::Map { processor, .. } => std::slice::from_ref(processor),
            _ => &[],
        };
        for &b in nested.iter().rev() {
            stack.push((b, 0));
        }
    }
    out
}

/// `/X/Branches/0/States/<escaped name>` → `/X/Branches/0`.
fn container_pointer(state_pointer: &str, name: &str) -> String {
    let escaped = name.replace('~', "~0").replace('/', "~1");
    let suffix_len = "/States/".len() + escaped.len();
    state_pointer[..state_pointer.len().saturating_sub(suffix_len)].to_string()
}

/// The text of a JSONata `Condition`: the expression without its `{% %}` delimiters,
/// or the literal.
fn jsonata_text(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let t = s.trim();
            match t.strip_prefix("{%").and_then(|t| t.strip_suffix("%}")) {
                Some(inner) => inner.trim().to_string(),
                None => t.to_string(),
            }
        }
        other => other.to_string(),
    }
}

const COMPARATORS: &[(&str, &str)] = &[
    ("Equals", "=="),
    ("LessThanEquals", "<="),
    ("GreaterThanEquals", ">="),
    ("LessThan", "<"),
    ("GreaterThan", ">"),
];

/// A JSONPath Choice rule as readable text: `$.n < 10`, `$.s == "a"`,
/// `$.a is present and not ($.b == true)`. `depth` guards runaway nesting.
fn rule_text(rule: &Value, depth: usize) -> String {
    let Value::Object(m) = rule else {
        return rule.to_string();
    };
    if depth > 32 {
        return "…".into();
    }
    let join = |items: &Value, op: &str| -> String {
        let parts: Vec<String> = items
            .as_array()
            .map(|a| a.iter().map(|r| nested_text(r, depth + 1)).collect())
            .unwrap_or_default();
        parts.join(&format!(" {op} "))
    };
    if let Some(items) = m.get("And") {
        return join(items, "and");
    }
    if let Some(items) = m.get("Or") {
        return join(items, "or");
    }
    if let Some(inner) = m.get("Not") {
        return format!("not {}", nested_text(inner, depth + 1));
    }
    let var = m.get("Variable").and_then(Value::as_str).unwrap_or("?");
    for (key, value) in m {
        if let Some(text) = test_text(var, key, value) {
            return text;
        }
    }
    var.to_string()
}

/// A nested rule, parenthesized when it combines others.
fn nested_text(rule: &Value, depth: usize) -> String {
    let text = rule_text(rule, depth);
    let compound = rule
        .as_object()
        .is_some_and(|m| m.contains_key("And") || m.contains_key("Or"));
    if compound {
        format!("({text})")
    } else {
        text
    }
}

fn test_text(var: &str, key: &str, value: &Value) -> Option<String> {
    let type_test = |what: &str| {
        let yes = value.as_bool().unwrap_or(true);
        Some(format!("{var} is {}{what}", if yes { "" } else { "not " }))
    };
    match key {
        "IsNull" => return type_test("null"),
        "IsPresent" => return type_test("present"),
        "IsNumeric" => return type_test("numeric"),
        "IsString" => return type_test("a string"),
        "IsBoolean" => return type_test("a boolean"),
        "IsTimestamp" => return type_test("a timestamp"),
        _ => {}
    }
    if let Some(op) = key.strip_prefix("StringMatches") {
        if op.is_empty() {
            return Some(format!("{var} matches {}", literal(value)));
        }
    }
    for family in ["String", "Numeric", "Boolean", "Timestamp"] {
        let Some(rest) = key.strip_prefix(family) else {
            continue;
        };
        let (rest, is_path) = match rest.strip_suffix("Path") {
            Some(r) => (r, true),
            None => (rest, false),
        };
        let Some((_, sym)) = COMPARATORS.iter().find(|(name, _)| *name == rest) else {
            continue;
        };
        let operand = if is_path {
            value.as_str().unwrap_or("?").to_string()
        } else {
            literal(value)
        };
        return Some(format!("{var} {sym} {operand}"));
    }
    None
}

fn literal(v: &Value) -> String {
    // JSON text: strings quoted, numbers and booleans as written.
    serde_json::to_string(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rule_texts() {
        assert_eq!(
            rule_text(&json!({"Variable": "$.n", "NumericLessThan": 10}), 0),
            "$.n < 10"
        );
        assert_eq!(
            rule_text(&json!({"Variable": "$.s", "StringEquals": "a"}), 0),
            "$.s == \"a\""
        );
        assert_eq!(
            rule_text(
                &json!({"Variable": "$.a", "NumericGreaterThanEqualsPath": "$.b"}),
                0
            ),
            "$.a >= $.b"
        );
        assert_eq!(
            rule_text(
                &json!({"And": [
                    {"Variable": "$.a", "IsPresent": true},
                    {"Not": {"Variable": "$.b", "BooleanEquals": true}},
                    {"Or": [{"Variable": "$.c", "IsNull": false}, {"Variable": "$.c", "StringMatches": "x*"}]}
                ]}),
                0
            ),
            "$.a is present and not $.b == true and ($.c is not null or $.c matches \"x*\")"
        );
        assert_eq!(
            jsonata_text(&json!("{% $states.input.n > 1 %}")),
            "$states.input.n > 1"
        );
        assert_eq!(jsonata_text(&json!(true)), "true");
    }

    #[test]
    fn container_pointers() {
        assert_eq!(
            container_pointer("/States/P/Branches/0/States/A", "A"),
            "/States/P/Branches/0"
        );
        assert_eq!(
            container_pointer("/States/M/ItemProcessor/States/a~1b", "a/b"),
            "/States/M/ItemProcessor"
        );
    }
}
