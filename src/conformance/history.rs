//! Comparing event details with a recorded history (the optional `history` check).
//!
//! The recorder normalised its histories: timestamps read `"timestamp"`, ARNs, ids and
//! names are placeholders (`arn:<partition>:states:<region>:…`, `<ExecArnPart_0idx>`),
//! the role ARN reads `"snf_role_arn"`, and JSON payloads (`input`, `output`,
//! `parameters`, JSON causes, assigned variables) are kept parsed. So:
//! * recorded strings with `<…>` placeholders match through them (everywhere);
//! * `timestamp` and `roleArn` match anything;
//! * JSON text on either side is parsed before comparing (the recorder kept some
//!   payloads parsed and some as text);
//! * recorded values the recorder replaced wholesale ([`RECORDER_TOKENS`], the case's
//!   `expected.masked` tokens, `lambda_function_name`) match anything;
//! * events whose recorded id is not a number (sorted Parallel branch events of
//!   `normalised-within-parallel` recordings) are not compared;
//! * when the event types differ in order (`may-interleave`), details are not compared;
//! * recordings made before redrive launched (2023-11-15) lack
//!   `$$.Execution.RedriveCount`, so the run's is ignored there.

use super::compare::{walk_history, Masks};
use crate::history::HistoryEvent;
use serde_json::{Map, Value};

/// 2023-11-15T00:00:00Z: execution redrive launched; recordings made before it have
/// no `$$.Execution.RedriveCount`.
pub const REDRIVE_LAUNCH: i64 = 1_700_006_400_000;

/// Keys whose recorded values were replaced wholesale.
pub const ANY_VALUE_KEYS: &[&str] = &["timestamp", "roleArn"];

/// Whether a recorded string is one of the recorder's wholesale replacements.
fn is_token(s: &str, tokens: &[String]) -> bool {
    RECORDER_TOKENS.contains(&s)
        || tokens.iter().any(|t| t == s)
        || (s.starts_with("lambda_function_") && s.ends_with("_name"))
}

/// Values the recorder substituted without listing them (besides `<…>`
/// placeholders and the case's `expected.masked` tokens).
pub const RECORDER_TOKENS: &[&str] = &[
    "timestamp",
    "date",
    "start-date",
    "stop-date",
    "start-time",
    "entered-time",
    "snf_role_arn",
];

/// Wraps the recorder's bare function-name tokens (`lambda_function_name`,
/// `lambda_function_1_name`) in `<…>` so they match as placeholders.
fn bracket_bare_tokens(s: &str) -> Option<String> {
    if !s.contains("lambda_function_") {
        return None;
    }
    let mut out = String::new();
    let mut rest = s;
    let mut changed = false;
    while let Some(i) = rest.find("lambda_function_") {
        let tail = &rest[i + "lambda_function_".len()..];
        let digits = tail.chars().take_while(|c| c.is_ascii_digit()).count();
        let after = &tail[digits..];
        let digits_ok = digits == 0 || after.starts_with('_');
        let name_len = if digits == 0 { 0 } else { digits + 1 };
        let is_token = digits_ok && tail[name_len..].starts_with("name");
        let bracketed = rest[..i].ends_with('<');
        out.push_str(&rest[..i]);
        if is_token && !bracketed {
            let len = "lambda_function_".len() + name_len + "name".len();
            out.push('<');
            out.push_str(&rest[i..i + len]);
            out.push('>');
            rest = &rest[i + len..];
            changed = true;
        } else {
            out.push_str("lambda_function_");
            rest = tail;
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Brings the recording and the run to comparable shapes: JSON text on either side is
/// parsed (the recorder kept some payloads parsed and some as text, with Python
/// spacing); a recorded token replaces the run's value.
fn canon(recorded: &Value, run: &Value, tokens: &[String]) -> (Value, Value) {
    match (recorded, run) {
        (Value::Object(r), Value::Object(m)) => {
            let mut ro = Map::new();
            let mut mo = Map::new();
            for (k, v) in r {
                match m.get(k) {
                    Some(mv) => {
                        let (a, b) = canon(v, mv, tokens);
                        ro.insert(k.clone(), a);
                        mo.insert(k.clone(), b);
                    }
                    None => {
                        ro.insert(k.clone(), v.clone());
                    }
                }
            }
            for (k, v) in m {
                if !r.contains_key(k) {
                    mo.insert(k.clone(), v.clone());
                }
            }
            (Value::Object(ro), Value::Object(mo))
        }
        (Value::Array(r), Value::Array(m)) if r.len() == m.len() => {
            let (a, b): (Vec<Value>, Vec<Value>) =
                r.iter().zip(m).map(|(x, y)| canon(x, y, tokens)).unzip();
            (Value::Array(a), Value::Array(b))
        }
        (Value::String(r), _) if is_token(r, tokens) => (run.clone(), run.clone()),
        (Value::String(r), _) if bracket_bare_tokens(r).is_some() => {
            let fixed = Value::String(bracket_bare_tokens(r).unwrap_or_default());
            canon(&fixed, run, tokens)
        }
        (Value::String(r), Value::String(m)) => {
            match (
                serde_json::from_str::<Value>(r),
                serde_json::from_str::<Value>(m),
            ) {
                (Ok(a), Ok(b)) if a != *recorded || b != *run => canon(&a, &b, tokens),
                (Err(_), Ok(b)) if b.is_string() && !m.starts_with('"') => {
                    (recorded.clone(), run.clone())
                }
                (Err(_), Ok(Value::String(b))) => (recorded.clone(), Value::String(b)),
                _ => (recorded.clone(), run.clone()),
            }
        }
        (r, Value::String(m)) => match serde_json::from_str::<Value>(m) {
            Ok(b) => canon(r, &b, tokens),
            Err(_) => (r.clone(), run.clone()),
        },
        (r, m) => (r.clone(), m.clone()),
    }
}

/// Compares the details of every comparable event. `Ok(false)` when the details were
/// not comparable (the run's event order differs from the recording's).
pub fn compare_history(
    recorded: &[Value],
    run: &[HistoryEvent],
    tokens: &[String],
    recorded_at: Option<i64>,
) -> Result<bool, String> {
    let by_id: std::collections::HashMap<u64, &HistoryEvent> =
        run.iter().map(|e| (e.id, e)).collect();
    let mut diffs = Vec::new();
    for rec in recorded {
        let Some(id) = rec.get("id").and_then(Value::as_u64) else {
            continue;
        };
        let rec_type = rec.get("type").and_then(Value::as_str).unwrap_or("");
        let Some(ev) = by_id.get(&id) else {
            diffs.push(format!("event #{id} {rec_type}: missing from the run"));
            continue;
        };
        if ev.event_type.name() != rec_type {
            // The order differs (interleaving): details cannot be paired by id.
            return Ok(false);
        }
        let (rec, actual) = canon(rec, &ev.to_json(), tokens);
        let mut masks = Masks::default();
        for k in ANY_VALUE_KEYS {
            masks.add_any_key(k);
        }
        if recorded_at.is_some_and(|t| t < REDRIVE_LAUNCH) {
            masks.allow_extra_key("RedriveCount");
        }
        let mut d = Vec::new();
        walk_history(&rec, &actual, &masks, &mut d);
        for m in d {
            diffs.push(format!("event #{id} {rec_type}: {m}"));
        }
        if diffs.len() >= 3 {
            break;
        }
    }
    if diffs.is_empty() {
        Ok(true)
    } else {
        diffs.truncate(3);
        Err(format!("history details differ: {}", diffs.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recorder_shapes_are_brought_together() {
        let t: Vec<String> = vec!["RandomNumberGenerated".into()];
        let (a, b) = canon(&json!("\"Hello\""), &json!("\"Hello\""), &t);
        assert_eq!(a, b);
        let (a, b) = canon(&json!("[\"a\", 1]"), &json!("[\"a\",1]"), &t);
        assert_eq!(a, b);
        let (a, b) = canon(&json!({"x": 1}), &json!("{\"x\":1}"), &t);
        assert_eq!(a, b);
        let (a, b) = canon(&json!("RandomNumberGenerated"), &json!(42), &t);
        assert_eq!(a, b);
        let (a, _) = canon(
            &json!("arn:x:function:lambda_function_name"),
            &json!("y"),
            &t,
        );
        assert_eq!(a, json!("arn:x:function:<lambda_function_name>"));
        assert_eq!(
            bracket_bare_tokens("f:lambda_function_2_name:<lambda_function_name>"),
            Some("f:<lambda_function_2_name>:<lambda_function_name>".into())
        );
        assert_eq!(bracket_bare_tokens("lambda_function_x"), None);
    }
}
