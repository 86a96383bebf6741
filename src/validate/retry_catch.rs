//! `Retry` and `Catch` of Task, Parallel and Map states.

use super::fields::{Lang, PREDEFINED_ERRORS, RETRIER};
use super::paths::{self, PathKind};
use super::report::{child, index, Sink, ARRAY, OBJECT, STRING};
use super::values::{check_enum, check_integer, check_number, check_string};
use serde_json::{Map, Value};

/// `ErrorEquals`: a non-empty array of error names; `States.ALL` alone and only in the
/// last retrier/catcher; names starting with `States.` must be predefined.
fn check_error_equals(
    sink: &mut Sink,
    obj_ptr: &str,
    obj: &Map<String, Value>,
    last: bool,
    what: &str,
) {
    let Some(v) = obj.get("ErrorEquals") else {
        return;
    };
    let ptr = child(obj_ptr, "ErrorEquals");
    let Value::Array(names) = v else {
        sink.wrong_type(&ptr, ARRAY);
        return;
    };
    if names.is_empty() {
        sink.empty(&ptr);
    }
    for (i, name) in names.iter().enumerate() {
        let nptr = index(&ptr, i);
        let Value::String(name) = name else {
            sink.wrong_type(&nptr, STRING);
            continue;
        };
        if name == "States.ALL" {
            if names.len() > 1 {
                sink.schema(&nptr, "'States.ALL' must appear alone in 'ErrorEquals'");
            }
            if !last {
                sink.schema(
                    &nptr,
                    format!("A {what} matching 'States.ALL' must be the last {what}"),
                );
            }
        } else if name.starts_with("States.") && !PREDEFINED_ERRORS.contains(&name.as_str()) {
            sink.schema(
                &nptr,
                format!("'{name}' is not a predefined error name; names starting with 'States.' are reserved"),
            );
        }
    }
}

pub(crate) fn check_retry(sink: &mut Sink, state_ptr: &str, state: &Map<String, Value>) {
    let Some(v) = state.get("Retry") else { return };
    let ptr = child(state_ptr, "Retry");
    let Value::Array(retriers) = v else {
        sink.wrong_type(&ptr, ARRAY);
        return;
    };
    for (i, retrier) in retriers.iter().enumerate() {
        let rptr = index(&ptr, i);
        let Value::Object(r) = retrier else {
            sink.wrong_type(&rptr, OBJECT);
            continue;
        };
        for key in r.keys() {
            if !RETRIER.contains(&key.as_str()) {
                sink.unsupported(&rptr, key);
            }
        }
        if !r.contains_key("ErrorEquals") {
            sink.required(&rptr, &["ErrorEquals"]);
        }
        check_error_equals(sink, &rptr, r, i + 1 == retriers.len(), "retrier");
        check_integer(
            sink,
            &rptr,
            r,
            "IntervalSeconds",
            1.0,
            Some(99_999_999.0),
            false,
        );
        check_integer(
            sink,
            &rptr,
            r,
            "MaxAttempts",
            0.0,
            Some(99_999_999.0),
            false,
        );
        check_number(sink, &rptr, r, "BackoffRate", 1.0, None, false);
        check_integer(
            sink,
            &rptr,
            r,
            "MaxDelaySeconds",
            1.0,
            Some(31_622_400.0),
            false,
        );
        check_enum(sink, &rptr, r, "JitterStrategy", &["FULL", "NONE"]);
        check_string(sink, &rptr, r, "Comment");
    }
}

/// Checks `Catch`; returns the catchers' `Next` transitions.
pub(crate) fn check_catch(
    sink: &mut Sink,
    state_ptr: &str,
    state: &Map<String, Value>,
    lang: Lang,
) -> Vec<(String, String)> {
    let mut transitions = Vec::new();
    let Some(v) = state.get("Catch") else {
        return transitions;
    };
    let ptr = child(state_ptr, "Catch");
    let Value::Array(catchers) = v else {
        sink.wrong_type(&ptr, ARRAY);
        return transitions;
    };
    for (i, catcher) in catchers.iter().enumerate() {
        let cptr = index(&ptr, i);
        let Value::Object(c) = catcher else {
            sink.wrong_type(&cptr, OBJECT);
            continue;
        };
        for key in c.keys() {
            match (key.as_str(), lang) {
                ("ErrorEquals" | "Next" | "Assign" | "Comment", _)
                | ("ResultPath", Lang::JsonPath)
                | ("Output", Lang::Jsonata) => {}
                ("ResultPath", Lang::Jsonata) | ("Output", Lang::JsonPath) => sink.schema_field(
                    &cptr,
                    key,
                    format!(
                        "The QueryLanguage is set to '{}', but field '{key}' is only supported for the '{}' QueryLanguage",
                        lang.name(),
                        lang.other().name()
                    ),
                ),
                _ => sink.unsupported(&cptr, key),
            }
        }
        let missing: Vec<&str> = ["ErrorEquals", "Next"]
            .into_iter()
            .filter(|f| !c.contains_key(*f))
            .collect();
        if !missing.is_empty() {
            sink.required(&cptr, &missing);
        }
        check_error_equals(sink, &cptr, c, i + 1 == catchers.len(), "catcher");
        match c.get("Next") {
            Some(Value::String(s)) if !s.is_empty() => {
                transitions.push((s.clone(), child(&cptr, "Next")))
            }
            Some(Value::String(_)) => sink.empty(&child(&cptr, "Next")),
            Some(_) => sink.wrong_type(&child(&cptr, "Next"), STRING),
            None => {}
        }
        if lang == Lang::JsonPath {
            paths::check_path_field(sink, &cptr, c, "ResultPath", PathKind::ResultPath, true);
        }
        paths::check_assign(sink, &cptr, c, lang);
        check_string(sink, &cptr, c, "Comment");
    }
    transitions
}
