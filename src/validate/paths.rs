//! JSONPath-mode data fields: Paths, Reference Paths, payload templates (`.$` keys whose
//! values are paths or intrinsic calls) and `Assign` blocks. Syntax is checked with the
//! engine's own parsers (`crate::path`, `crate::intrinsics`), so what validates also
//! compiles.

use super::fields::Lang;
use super::report::{child, index, Anchor, Sink, OBJECT, SCHEMA, STRING};
use crate::intrinsics::Intrinsic;
use crate::path::{Path, Root};
use serde_json::{Map, Value};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathKind {
    /// Any Path (filters, wildcards, …): `InputPath`, `OutputPath`, Choice `Variable`.
    Path,
    /// A Reference Path: `ItemsPath`, `*SecondsPath`, `TimestampPath`, …
    Reference,
    /// A Reference Path into the state input only (no `$$`, no variables).
    ResultPath,
}

pub(crate) fn path_ok(s: &str, kind: PathKind) -> bool {
    match kind {
        PathKind::Path => Path::parse(s).is_ok(),
        PathKind::Reference => Path::parse_reference(s).is_ok(),
        PathKind::ResultPath => {
            matches!(Path::parse_reference(s), Ok(p) if *p.root() == Root::Input)
        }
    }
}

fn path_message(field: &str, kind: PathKind) -> String {
    match kind {
        PathKind::Path => format!("The value for the field '{field}' must be a valid JSONPath"),
        PathKind::Reference | PathKind::ResultPath => {
            format!("The value for the field '{field}' must be a valid ReferencePath")
        }
    }
}

/// Checks `obj[field]` (if present) is a path of this kind (or `null` when `nullable`).
pub(crate) fn check_path_field(
    sink: &mut Sink,
    obj_ptr: &str,
    obj: &Map<String, Value>,
    field: &str,
    kind: PathKind,
    nullable: bool,
) {
    let Some(v) = obj.get(field) else { return };
    let ptr = child(obj_ptr, field);
    match v {
        Value::Null if nullable => {}
        Value::String(s) => {
            if !path_ok(s, kind) {
                sink.schema(&ptr, path_message(field, kind));
            }
        }
        _ => sink.wrong_type(&ptr, STRING),
    }
}

/// A value computed at run time: a path (`$…`) or an intrinsic function call.
pub(crate) fn dynamic_ok(s: &str, reference_only: bool) -> bool {
    if s.starts_with('$') {
        if reference_only {
            Path::parse_reference(s).is_ok()
        } else {
            Path::parse(s).is_ok()
        }
    } else {
        Intrinsic::looks_like_call(s) && Intrinsic::parse(s).is_ok()
    }
}

fn dynamic_message(field: &str) -> String {
    format!("The value for the field '{field}' must be a valid JSONPath or a valid intrinsic function call")
}

/// Checks the value of a `key.$` member.
pub(crate) fn check_dynamic(sink: &mut Sink, ptr: &str, key: &str, v: &Value) {
    match v {
        Value::String(s) if dynamic_ok(s, false) => {}
        _ => sink.schema(ptr, dynamic_message(key)),
    }
}

/// Fail `ErrorPath` / `CausePath`: a Reference Path or an intrinsic call.
pub(crate) fn check_path_or_intrinsic(
    sink: &mut Sink,
    obj_ptr: &str,
    obj: &Map<String, Value>,
    field: &str,
) {
    let Some(v) = obj.get(field) else { return };
    let ptr = child(obj_ptr, field);
    match v {
        Value::String(s) => {
            if !dynamic_ok(s, true) {
                sink.schema(&ptr, dynamic_message(field));
            }
        }
        _ => sink.wrong_type(&ptr, STRING),
    }
}

/// Reports a key that collides with another once `.$` is stripped.
fn check_collision<'v>(
    sink: &mut Sink,
    obj_ptr: &str,
    seen: &mut HashMap<&'v str, &'v str>,
    base: &'v str,
    key: &'v str,
) {
    if let Some(first) = seen.insert(base, key) {
        sink.push(
            SCHEMA,
            format!(
                "The field '{key}' duplicates the field '{first}' once the '.$' suffix is removed"
            ),
            Some(child(obj_ptr, key)),
            Anchor::Key(child(obj_ptr, key)),
        );
    }
}

/// A JSONPath payload template (`Parameters`, `ResultSelector`, `ItemSelector`, …): every
/// `.$` member, at any depth, holds a path or an intrinsic call; no two keys are the same
/// once `.$` is stripped. Walked with an explicit stack (templates can be deep).
pub(crate) fn check_template(sink: &mut Sink, ptr: &str, v: &Value) {
    let mut stack: Vec<(String, &Value)> = vec![(ptr.to_string(), v)];
    while let Some((ptr, v)) = stack.pop() {
        match v {
            Value::Object(map) => {
                let mut seen = HashMap::new();
                let mut children = Vec::new();
                for (key, value) in map {
                    let kptr = child(&ptr, key);
                    match key.strip_suffix(".$") {
                        Some(base) => {
                            check_collision(sink, &ptr, &mut seen, base, key);
                            check_dynamic(sink, &kptr, key, value);
                        }
                        None => {
                            check_collision(sink, &ptr, &mut seen, key, key);
                            children.push((kptr, value));
                        }
                    }
                }
                stack.extend(children.into_iter().rev());
            }
            Value::Array(items) => {
                stack.extend(
                    items
                        .iter()
                        .enumerate()
                        .rev()
                        .map(|(i, item)| (index(&ptr, i), item)),
                );
            }
            _ => {}
        }
    }
}

/// Checks `obj[field]` (if present) is an object and a valid template.
pub(crate) fn check_template_object(
    sink: &mut Sink,
    obj_ptr: &str,
    obj: &Map<String, Value>,
    field: &str,
) {
    let Some(v) = obj.get(field) else { return };
    let ptr = child(obj_ptr, field);
    if v.is_object() {
        check_template(sink, &ptr, v);
    } else {
        sink.wrong_type(&ptr, OBJECT);
    }
}

/// Workflow variable names: an identifier (letter or `_`, then letters, digits, `_`), at
/// most 80 characters.
fn variable_name_ok(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_alphabetic() || first == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && name.chars().count() <= 80
}

/// An `Assign` block. In JSONPath, `.$` members are evaluated like a template.
pub(crate) fn check_assign(sink: &mut Sink, obj_ptr: &str, obj: &Map<String, Value>, lang: Lang) {
    let Some(v) = obj.get("Assign") else { return };
    let ptr = child(obj_ptr, "Assign");
    let Value::Object(map) = v else {
        sink.wrong_type(&ptr, OBJECT);
        return;
    };
    let mut seen = HashMap::new();
    for (key, value) in map {
        let kptr = child(&ptr, key);
        let dynamic = lang == Lang::JsonPath && key.ends_with(".$");
        let name = if dynamic {
            key.strip_suffix(".$").unwrap_or(key)
        } else {
            key.as_str()
        };
        if name == "states" {
            sink.push(
                SCHEMA,
                "The variable name 'states' is reserved".to_string(),
                Some(kptr.clone()),
                Anchor::Key(kptr.clone()),
            );
        } else if !variable_name_ok(name) {
            sink.push(
                SCHEMA,
                format!("The variable name '{name}' is not valid"),
                Some(kptr.clone()),
                Anchor::Key(kptr.clone()),
            );
        }
        if lang == Lang::JsonPath {
            check_collision(sink, &ptr, &mut seen, name, key);
            if dynamic {
                check_dynamic(sink, &kptr, key, value);
            } else {
                check_template(sink, &kptr, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        assert!(variable_name_ok("x"));
        assert!(variable_name_ok("_x1"));
        assert!(variable_name_ok("économie"));
        assert!(!variable_name_ok(""));
        assert!(!variable_name_ok("1x"));
        assert!(!variable_name_ok("x.y"));
        assert!(!variable_name_ok("x[0]"));
        assert!(!variable_name_ok("my-var"));
        assert!(!variable_name_ok(&"x".repeat(81)));
    }
}
