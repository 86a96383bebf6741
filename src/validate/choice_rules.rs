//! Choice rules: JSONPath rules (`And` / `Or` / `Not`, or `Variable` + exactly one
//! comparator with a value of the right type) and JSONata rules (`Condition`).

use super::fields::Lang;
use super::paths::{self, PathKind};
use super::report::{child, index, Sink, ARRAY, BOOLEAN, NUMBER, OBJECT, STRING};
use super::values::{is_jsonata_value, is_timestamp};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand {
    String,
    Number,
    Boolean,
    Timestamp,
    /// A path to the value to compare with.
    Path,
}

const COMPARATORS: [(&str, Operand); 39] = [
    ("StringEquals", Operand::String),
    ("StringEqualsPath", Operand::Path),
    ("StringLessThan", Operand::String),
    ("StringLessThanPath", Operand::Path),
    ("StringGreaterThan", Operand::String),
    ("StringGreaterThanPath", Operand::Path),
    ("StringLessThanEquals", Operand::String),
    ("StringLessThanEqualsPath", Operand::Path),
    ("StringGreaterThanEquals", Operand::String),
    ("StringGreaterThanEqualsPath", Operand::Path),
    ("StringMatches", Operand::String),
    ("NumericEquals", Operand::Number),
    ("NumericEqualsPath", Operand::Path),
    ("NumericLessThan", Operand::Number),
    ("NumericLessThanPath", Operand::Path),
    ("NumericGreaterThan", Operand::Number),
    ("NumericGreaterThanPath", Operand::Path),
    ("NumericLessThanEquals", Operand::Number),
    ("NumericLessThanEqualsPath", Operand::Path),
    ("NumericGreaterThanEquals", Operand::Number),
    ("NumericGreaterThanEqualsPath", Operand::Path),
    ("BooleanEquals", Operand::Boolean),
    ("BooleanEqualsPath", Operand::Path),
    ("TimestampEquals", Operand::Timestamp),
    ("TimestampEqualsPath", Operand::Path),
    ("TimestampLessThan", Operand::Timestamp),
    ("TimestampLessThanPath", Operand::Path),
    ("TimestampGreaterThan", Operand::Timestamp),
    ("TimestampGreaterThanPath", Operand::Path),
    ("TimestampLessThanEquals", Operand::Timestamp),
    ("TimestampLessThanEqualsPath", Operand::Path),
    ("TimestampGreaterThanEquals", Operand::Timestamp),
    ("TimestampGreaterThanEqualsPath", Operand::Path),
    ("IsNull", Operand::Boolean),
    ("IsPresent", Operand::Boolean),
    ("IsNumeric", Operand::Boolean),
    ("IsString", Operand::Boolean),
    ("IsBoolean", Operand::Boolean),
    ("IsTimestamp", Operand::Boolean),
];

const COMBINATORS: [&str; 3] = ["And", "Or", "Not"];

fn comparator(name: &str) -> Option<Operand> {
    COMPARATORS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, o)| *o)
}

/// A field that only JSONPath rules have.
fn jsonpath_rule_field(name: &str) -> bool {
    name == "Variable" || COMBINATORS.contains(&name) || comparator(name).is_some()
}

/// Checks the `Choices` of a Choice state; returns every rule's `Next` as
/// `(target, pointer)` transitions.
pub(crate) fn check_choices(
    sink: &mut Sink,
    state_ptr: &str,
    state: &Map<String, Value>,
    lang: Lang,
) -> Vec<(String, String)> {
    let mut transitions = Vec::new();
    let Some(choices) = state.get("Choices") else {
        sink.required(state_ptr, &["Choices"]);
        return transitions;
    };
    let ptr = child(state_ptr, "Choices");
    let Value::Array(rules) = choices else {
        sink.wrong_type(&ptr, ARRAY);
        return transitions;
    };
    if rules.is_empty() {
        sink.empty(&ptr);
    }
    for (i, rule) in rules.iter().enumerate() {
        let rptr = index(&ptr, i);
        let Value::Object(rule) = rule else {
            sink.wrong_type(&rptr, OBJECT);
            continue;
        };
        if let Some(next) = rule.get("Next") {
            match next {
                Value::String(s) if !s.is_empty() => {
                    transitions.push((s.clone(), child(&rptr, "Next")))
                }
                Value::String(_) => sink.empty(&child(&rptr, "Next")),
                _ => sink.wrong_type(&child(&rptr, "Next"), STRING),
            }
        } else {
            let mut missing = vec!["Next"];
            if lang == Lang::Jsonata
                && !rule.contains_key("Condition")
                && !rule.keys().any(|k| jsonpath_rule_field(k))
            {
                missing.insert(0, "Condition");
            }
            sink.required(&rptr, &missing);
        }
        paths::check_assign(sink, &rptr, rule, lang);
        match lang {
            Lang::JsonPath => jsonpath_rule(sink, &rptr, rule, true),
            Lang::Jsonata => jsonata_rule(sink, &rptr, rule),
        }
    }
    transitions
}

fn other_language(sink: &mut Sink, rptr: &str, field: &str, lang: Lang) {
    sink.schema_field(
        rptr,
        field,
        format!(
            "The QueryLanguage is set to '{}', but field '{field}' is only supported for the '{}' QueryLanguage",
            lang.name(),
            lang.other().name()
        ),
    );
}

fn jsonata_rule(sink: &mut Sink, rptr: &str, rule: &Map<String, Value>) {
    let mut jsonpath_fields = false;
    for key in rule.keys() {
        match key.as_str() {
            "Condition" | "Next" | "Assign" | "Output" | "Comment" => {}
            k if jsonpath_rule_field(k) => {
                jsonpath_fields = true;
                other_language(sink, rptr, k, Lang::Jsonata);
            }
            k => sink.unsupported(rptr, k),
        }
    }
    match rule.get("Condition") {
        None => {
            // `Next` missing too is reported with it (in `check_choices`).
            if !jsonpath_fields && rule.contains_key("Next") {
                sink.required(rptr, &["Condition"]);
            }
        }
        Some(Value::Bool(_)) => {}
        Some(v) if is_jsonata_value(v) => {}
        Some(_) => sink.schema(
            &child(rptr, "Condition"),
            "Incorrect type. Expected one of boolean, JSONata expression.",
        ),
    }
    if rule.get("Comment").is_some_and(|c| !c.is_string()) {
        sink.wrong_type(&child(rptr, "Comment"), STRING);
    }
}

/// A JSONPath rule and the rules nested in it (`top` for the elements of `Choices`, which
/// carry `Next`). Walked with an explicit stack: `Not` chains can be deep.
fn jsonpath_rule(sink: &mut Sink, rptr: &str, rule: &Map<String, Value>, top: bool) {
    let mut stack: Vec<(String, &Map<String, Value>, bool)> = vec![(rptr.to_string(), rule, top)];
    while let Some((rptr, rule, top)) = stack.pop() {
        let nested = jsonpath_rule_shallow(sink, &rptr, rule, top);
        stack.extend(nested.into_iter().rev().map(|(p, r)| (p, r, false)));
    }
}

/// Checks one rule; returns the rules nested in it.
fn jsonpath_rule_shallow<'v>(
    sink: &mut Sink,
    rptr: &str,
    rule: &'v Map<String, Value>,
    top: bool,
) -> Vec<(String, &'v Map<String, Value>)> {
    let mut nested = Vec::new();
    let mut operators: Vec<&str> = Vec::new();
    for key in rule.keys() {
        match key.as_str() {
            "Variable" | "Comment" => {}
            "Next" | "Assign" => {
                if !top {
                    sink.unsupported(rptr, key);
                }
            }
            "Condition" | "Output" => other_language(sink, rptr, key, Lang::JsonPath),
            k if COMBINATORS.contains(&k) || comparator(k).is_some() => operators.push(k),
            k => sink.unsupported(rptr, k),
        }
    }
    if rule.get("Comment").is_some_and(|c| !c.is_string()) {
        sink.wrong_type(&child(rptr, "Comment"), STRING);
    }
    // A JSONata `Condition` in its place is reported above already.
    if operators.len() > 1 || (operators.is_empty() && !rule.contains_key("Condition")) {
        sink.schema(
            rptr,
            "A Choice rule must contain exactly one comparison operator, or one of And, Or, Not",
        );
    }
    let Some(op) = operators.first().copied() else {
        return nested;
    };
    let optr = child(rptr, op);
    let value = rule.get(op).unwrap_or(&Value::Null);
    if COMBINATORS.contains(&op) {
        if rule.contains_key("Variable") {
            sink.unsupported(rptr, "Variable");
        }
        if op == "Not" {
            match value {
                Value::Object(inner) => nested.push((optr, inner)),
                _ => sink.wrong_type(&optr, OBJECT),
            }
            return nested;
        }
        let Value::Array(items) = value else {
            sink.wrong_type(&optr, ARRAY);
            return nested;
        };
        if items.is_empty() {
            sink.empty(&optr);
        }
        for (i, item) in items.iter().enumerate() {
            let iptr = index(&optr, i);
            match item {
                Value::Object(inner) => nested.push((iptr, inner)),
                _ => sink.wrong_type(&iptr, OBJECT),
            }
        }
        return nested;
    }
    // A data-test rule.
    match rule.get("Variable") {
        None => sink.required(rptr, &["Variable"]),
        Some(_) => paths::check_path_field(sink, rptr, rule, "Variable", PathKind::Path, false),
    }
    let Some(operand) = comparator(op) else {
        return nested;
    };
    match operand {
        Operand::String => {
            if !value.is_string() {
                sink.wrong_type(&optr, STRING);
            }
        }
        Operand::Number => {
            if !value.is_number() {
                sink.wrong_type(&optr, NUMBER);
            }
        }
        Operand::Boolean => {
            if !value.is_boolean() {
                sink.wrong_type(&optr, BOOLEAN);
            }
        }
        Operand::Timestamp => match value {
            Value::String(s) if is_timestamp(s) => {}
            Value::String(_) => sink.schema(
                &optr,
                format!("The field '{op}' must be a valid ISO-8601 extended offset date-time format string"),
            ),
            _ => sink.wrong_type(&optr, STRING),
        },
        Operand::Path => paths::check_path_field(sink, rptr, rule, op, PathKind::Path, false),
    }
    nested
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparator_table() {
        assert_eq!(comparator("StringMatches"), Some(Operand::String));
        assert_eq!(comparator("TimestampEqualsPath"), Some(Operand::Path));
        assert_eq!(comparator("StringMatchesPath"), None);
        assert!(jsonpath_rule_field("Not"));
        assert!(!jsonpath_rule_field("Condition"));
    }
}
