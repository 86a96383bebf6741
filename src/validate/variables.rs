//! Variable scopes: the top level is one scope, each Parallel branch and Map
//! processor another. An inner scope may read outer variables but may not assign a
//! name an outer scope's states or Choice rules assign (catchers' names do not count:
//! AWS accepted a definition whose branch reuses its Parallel catcher's name). Walked
//! with a work list: nesting costs no stack.

use super::report::{child, Anchor, Sink, SCHEMA};
use serde_json::{Map, Value};
use std::collections::HashSet;

/// The names an `Assign` object assigns, with the pointer of each key.
fn assigned<'a>(obj: &'a Map<String, Value>, ptr: &str, out: &mut Vec<(&'a str, String)>) {
    if let Some(Value::Object(a)) = obj.get("Assign") {
        let aptr = child(ptr, "Assign");
        for key in a.keys() {
            let name = key.strip_suffix(".$").unwrap_or(key);
            out.push((name, child(&aptr, key)));
        }
    }
}

/// Every assignment made in one `States` block (not in its nested blocks); with
/// `catchers`, also those of its states' catchers.
fn scope_assignments<'a>(
    block: &'a Map<String, Value>,
    ptr: &str,
    catchers: bool,
) -> Vec<(&'a str, String)> {
    let mut out = Vec::new();
    let Some(Value::Object(states)) = block.get("States") else {
        return out;
    };
    let sptr = child(ptr, "States");
    for (name, state) in states {
        let Value::Object(s) = state else { continue };
        let p = child(&sptr, name);
        assigned(s, &p, &mut out);
        for list in ["Choices", "Catch"] {
            if list == "Catch" && !catchers {
                continue;
            }
            if let Some(Value::Array(items)) = s.get(list) {
                let lptr = child(&p, list);
                for (i, item) in items.iter().enumerate() {
                    if let Value::Object(o) = item {
                        assigned(o, &child(&lptr, &i.to_string()), &mut out);
                    }
                }
            }
        }
    }
    out
}

/// The nested `States` blocks of one block's states, with their pointers.
fn nested_blocks<'a>(
    block: &'a Map<String, Value>,
    ptr: &str,
) -> Vec<(&'a Map<String, Value>, String)> {
    let mut out = Vec::new();
    let Some(Value::Object(states)) = block.get("States") else {
        return out;
    };
    let sptr = child(ptr, "States");
    for (name, state) in states {
        let Value::Object(s) = state else { continue };
        let p = child(&sptr, name);
        if let Some(Value::Array(branches)) = s.get("Branches") {
            let bptr = child(&p, "Branches");
            for (i, b) in branches.iter().enumerate() {
                if let Value::Object(b) = b {
                    out.push((b, child(&bptr, &i.to_string())));
                }
            }
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(Value::Object(b)) = s.get(key) {
                out.push((b, child(&p, key)));
            }
        }
    }
    out
}

pub(crate) fn check(sink: &mut Sink, definition: &Value) {
    let Value::Object(top) = definition else {
        return;
    };
    // (block, pointer, names assigned by the enclosing scopes)
    let mut work: Vec<(&Map<String, Value>, String, HashSet<String>)> =
        vec![(top, String::new(), HashSet::new())];
    while let Some((block, ptr, outer)) = work.pop() {
        let own = scope_assignments(block, &ptr, true);
        for (name, kptr) in &own {
            if outer.contains(*name) {
                sink.push(
                    SCHEMA,
                    format!(
                        "The variable '{name}' is assigned in an outer scope and cannot be assigned inside a Parallel branch or Map iteration"
                    ),
                    Some(kptr.clone()),
                    Anchor::Key(kptr.clone()),
                );
            }
        }
        let nested = nested_blocks(block, &ptr);
        if nested.is_empty() {
            continue;
        }
        // AWS accepts a branch assigning a name its Parallel's catcher assigns (a
        // recorded case does): only states' and Choice rules' names count as outer.
        let mut inner = outer;
        inner.extend(
            scope_assignments(block, &ptr, false)
                .iter()
                .map(|(n, _)| n.to_string()),
        );
        for (b, p) in nested {
            work.push((b, p, inner.clone()));
        }
    }
}
