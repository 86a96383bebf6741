//! Comparing an execution with a recording.
//!
//! Rules (see `FORMAT.md`):
//! * Outputs and JSON causes are compared as JSON values: key order does not matter,
//!   numbers compare by value (`1` equals `1.0`).
//! * A `context:<path>` need marks a path whose value depends on the real run: any
//!   value matches there (the key must still be present).
//! * An `expected.masked` path holds a value the recorder replaced with placeholders.
//!   When the recorded value contains `<…>` placeholders (`<uuid:1>`, `<partition>`,
//!   `arn:<partition>:lambda:<region>:…`), each placeholder matches any text and the rest
//!   must match; a value replaced wholesale (`"date"`, `"key-masked:StartTime"`)
//!   matches anything.
//! * The recorder also replaced, without listing them in `masked`, the request ids,
//!   trace ids, dates and log tails of Lambda Invoke responses: under
//!   `SdkHttpMetadata` / `SdkResponseMetadata` the keys in [`UNRECORDED_METADATA_KEYS`]
//!   match anything.
//! * Events: see [`compare_events`].

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One step of a JSONPath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Parses the simple JSONPaths of masks and `context:` needs: `$`, `.key`,
/// `['key']`, `["key"]`, `[N]`.
pub fn parse_path(path: &str) -> Option<Vec<Seg>> {
    let rest = path.strip_prefix('$')?;
    let chars: Vec<char> = rest.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let start = i + 1;
                let mut j = start;
                while j < chars.len() && chars[j] != '.' && chars[j] != '[' {
                    j += 1;
                }
                if j == start {
                    return None;
                }
                out.push(Seg::Key(chars[start..j].iter().collect()));
                i = j;
            }
            '[' => {
                let q = *chars.get(i + 1)?;
                if q == '\'' || q == '"' {
                    let start = i + 2;
                    let mut j = start;
                    while j < chars.len() && chars[j] != q {
                        j += 1;
                    }
                    if chars.get(j + 1) != Some(&']') {
                        return None;
                    }
                    out.push(Seg::Key(chars[start..j].iter().collect()));
                    i = j + 2;
                } else {
                    let start = i + 1;
                    let mut j = start;
                    while j < chars.len() && chars[j] != ']' {
                        j += 1;
                    }
                    let n: String = chars[start..j].iter().collect();
                    out.push(Seg::Index(n.trim().parse().ok()?));
                    i = j + 1;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Renders a path in the same notation.
pub fn render_path(path: &[Seg]) -> String {
    let mut s = String::from("$");
    for seg in path {
        match seg {
            Seg::Key(k)
                if !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                let _ = write!(s, ".{k}");
            }
            Seg::Key(k) => {
                let _ = write!(s, "[{}]", serde_json::to_string(k).unwrap_or_default());
            }
            Seg::Index(n) => {
                let _ = write!(s, "[{n}]");
            }
        }
    }
    s
}

/// Keys of Lambda Invoke response metadata whose values the recorder replaced
/// without listing them (`x-amzn-RequestId` → `"x-amzn-RequestId"`, …).
pub const UNRECORDED_METADATA_KEYS: &[&str] = &[
    "x-amzn-RequestId",
    "X-Amzn-Trace-Id",
    "X-Amz-Log-Result",
    "Date",
    "RequestId",
];

/// Parents under which [`UNRECORDED_METADATA_KEYS`] apply.
pub const UNRECORDED_METADATA_PARENTS: &[&str] = &["SdkHttpMetadata", "SdkResponseMetadata"];

/// How a path is relaxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relax {
    /// Anything matches.
    Any,
    /// Placeholders in recorded strings match any text.
    Placeholders,
}

/// The relaxed paths of one comparison.
#[derive(Debug, Clone, Default)]
pub struct Masks {
    paths: Vec<(Vec<Seg>, Relax)>,
    /// Paths that could not be parsed (reported, never silently ignored).
    pub unparsed: Vec<String>,
}

impl Masks {
    pub fn add(&mut self, path: &str, relax: Relax) {
        match parse_path(path) {
            Some(p) => self.paths.push((p, relax)),
            None => self.unparsed.push(path.to_string()),
        }
    }

    /// Masks for a sub-document: the paths under `prefix`, made relative to it.
    pub fn under(&self, prefix: &[Seg]) -> Masks {
        Masks {
            paths: self
                .paths
                .iter()
                .filter(|(p, _)| p.starts_with(prefix))
                .map(|(p, r)| (p[prefix.len()..].to_vec(), *r))
                .collect(),
            unparsed: self.unparsed.clone(),
        }
    }

    fn at(&self, path: &[Seg]) -> Option<Relax> {
        let mut best = None;
        for (p, r) in &self.paths {
            if p.as_slice() == path {
                if *r == Relax::Any {
                    return Some(Relax::Any);
                }
                best = Some(*r);
            }
        }
        best
    }
}

/// Whether a string holds a recorder placeholder such as `<uuid:1>`.
pub fn has_placeholder(s: &str) -> bool {
    !split_placeholders(s).1.is_empty()
}

/// Splits a recorded string into the literal pieces around its placeholders.
fn split_placeholders(s: &str) -> (Vec<&str>, Vec<&str>) {
    let mut pieces = Vec::new();
    let mut holders = Vec::new();
    let bytes = s.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let mut j = i + 1;
            while j < bytes.len()
                && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'_' | b'-' | b':'))
            {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'>' && j > i + 1 {
                pieces.push(&s[last..i]);
                holders.push(&s[i..=j]);
                last = j + 1;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    pieces.push(&s[last..]);
    (pieces, holders)
}

/// Matches `actual` against a recorded string whose placeholders match any text.
pub fn placeholder_match(expected: &str, actual: &str) -> bool {
    let (pieces, holders) = split_placeholders(expected);
    if holders.is_empty() {
        return expected == actual;
    }
    let first = pieces[0];
    let last = pieces[pieces.len() - 1];
    if !actual.starts_with(first) || actual.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &actual[first.len()..];
    if !rest.ends_with(last) {
        return false;
    }
    rest = &rest[..rest.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    true
}

fn contains_placeholder(v: &Value) -> bool {
    match v {
        Value::String(s) => has_placeholder(s),
        Value::Array(a) => a.iter().any(contains_placeholder),
        Value::Object(m) => m.values().any(contains_placeholder),
        _ => false,
    }
}

/// Numbers compare by value.
pub fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A short rendering of a value for messages.
pub fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 160 {
        let t: String = s.chars().take(157).collect();
        format!("{t}...")
    } else {
        s
    }
}

/// How many differences a message lists.
const MAX_DIFFS: usize = 3;

fn diffs_result(diffs: Vec<String>) -> Result<(), String> {
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("; "))
    }
}

/// Compares two JSON values under masks. Returns the first differences.
pub fn compare_json(expected: &Value, actual: &Value, masks: &Masks) -> Result<(), String> {
    let mut path = Vec::new();
    let mut diffs = Vec::new();
    walk(expected, actual, masks, &mut path, false, &mut diffs);
    diffs_result(diffs)
}

fn walk(
    expected: &Value,
    actual: &Value,
    masks: &Masks,
    path: &mut Vec<Seg>,
    placeholders: bool,
    diffs: &mut Vec<String>,
) {
    if diffs.len() >= MAX_DIFFS {
        return;
    }
    let mut placeholders = placeholders;
    match masks.at(path) {
        Some(Relax::Any) => return,
        Some(Relax::Placeholders) => {
            if !contains_placeholder(expected) {
                return;
            }
            placeholders = true;
        }
        None => {}
    }
    if let Some(Seg::Key(k)) = path.last() {
        let under_metadata = path[..path.len() - 1]
            .iter()
            .any(|s| matches!(s, Seg::Key(p) if UNRECORDED_METADATA_PARENTS.contains(&p.as_str())));
        if under_metadata && UNRECORDED_METADATA_KEYS.contains(&k.as_str()) {
            return;
        }
    }
    let here = render_path(path);
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let missing: Vec<&String> = e.keys().filter(|k| !a.contains_key(*k)).collect();
            let extra: Vec<&String> = a.keys().filter(|k| !e.contains_key(*k)).collect();
            if !missing.is_empty() || !extra.is_empty() {
                let mut msg = format!("at {here}: ");
                if !missing.is_empty() {
                    let _ = write!(msg, "missing keys {missing:?}");
                }
                if !extra.is_empty() {
                    if !missing.is_empty() {
                        msg.push_str(", ");
                    }
                    let _ = write!(msg, "unexpected keys {extra:?}");
                }
                let _ = write!(
                    msg,
                    " (expected {}, got {})",
                    short(expected),
                    short(actual)
                );
                diffs.push(msg);
            }
            for (k, ev) in e {
                if let Some(av) = a.get(k) {
                    path.push(Seg::Key(k.clone()));
                    walk(ev, av, masks, path, placeholders, diffs);
                    path.pop();
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                diffs.push(format!(
                    "at {here}: expected an array of {} items, got {} (expected {}, got {})",
                    e.len(),
                    a.len(),
                    short(expected),
                    short(actual)
                ));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                path.push(Seg::Index(i));
                walk(ev, av, masks, path, placeholders, diffs);
                path.pop();
            }
        }
        (Value::Number(e), Value::Number(a)) if numbers_equal(e, a) => {}
        (Value::String(e), Value::String(a)) if placeholders && placeholder_match(e, a) => {}
        (e, a) if e == a => {}
        (e, a) => diffs.push(format!(
            "at {here}: expected {}, got {}",
            short(e),
            short(a)
        )),
    }
}

/// The masks of one case for the document `$` = output (SUCCEEDED) or
/// `{"error", "cause"}` (FAILED): context needs match anything; masked paths match
/// through their placeholders.
pub fn case_masks<'a>(
    context: impl Iterator<Item = &'a str>,
    masked: impl Iterator<Item = &'a str>,
) -> Masks {
    let mut m = Masks::default();
    for p in context {
        m.add(p, Relax::Any);
    }
    for p in masked {
        m.add(p, Relax::Placeholders);
    }
    m
}

/// Compares a string field (an error name or a cause), optionally as JSON text.
pub fn compare_text(
    field: &str,
    expected: Option<&Value>,
    actual: Option<&str>,
    as_json: bool,
    masks: &Masks,
) -> Result<(), String> {
    let key = Seg::Key(field.to_string());
    let relax = masks.at(std::slice::from_ref(&key));
    if relax == Some(Relax::Any) {
        return Ok(());
    }
    let expected = match expected {
        Some(Value::Null) | None => None,
        Some(v) => Some(v),
    };
    match (expected, actual) {
        (None, None) => Ok(()),
        (None, Some(a)) => Err(format!(
            "{field}: expected none, got {}",
            short(&Value::String(a.into()))
        )),
        (Some(e), None) => Err(format!("{field}: expected {}, got none", short(e))),
        (Some(e), Some(a)) => {
            let sub = masks.under(std::slice::from_ref(&key));
            let actual_value = if as_json {
                match serde_json::from_str::<Value>(a) {
                    Ok(v) => v,
                    Err(_) => {
                        return Err(format!(
                            "{field}: expected JSON text {}, got non-JSON text {}",
                            short(e),
                            short(&Value::String(a.into()))
                        ))
                    }
                }
            } else {
                Value::String(a.to_string())
            };
            let placeholders = relax == Some(Relax::Placeholders) && contains_placeholder(e);
            if relax == Some(Relax::Placeholders) && !placeholders {
                return Ok(());
            }
            let mut path = Vec::new();
            let mut diffs = Vec::new();
            walk(e, &actual_value, &sub, &mut path, placeholders, &mut diffs);
            diffs_result(diffs).map_err(|m| format!("{field} differs {m}"))
        }
    }
}

/// Compares the run's event types with the recording's.
///
/// Rules:
/// * `events_order: null` → the sequences must be equal.
/// * `may-interleave` (concurrent Map iterations / Parallel branches): equal sequences
///   pass; otherwise the types must be equal as multisets and the events before the
///   first and after the last Map/Parallel event must be in the same order.
/// * `normalised-within-parallel`: the recorder sorted the events inside Parallel
///   branches and dropped some Parallel bookkeeping events (`ParallelStateSucceeded`,
///   nested `ParallelStateExited`, …) while keeping the original ids, so the largest
///   recorded id (`recorded_count`) is the real number of events. The run must have
///   that many events, contain every recorded event type at least as often, have no
///   surplus but `Parallel*` events, and keep the order outside the Parallel states.
/// * Otherwise, when the recording has no `ParallelStateSucceeded` event, the run's
///   are ignored (the recorder drops them).
pub fn compare_events(
    expected: &[String],
    actual: &[&str],
    events_order: Option<&str>,
    recorded_count: Option<usize>,
) -> Result<(), String> {
    let normalised = events_order == Some("normalised-within-parallel");
    let drop_parallel_succeeded =
        !normalised && !expected.iter().any(|e| e == "ParallelStateSucceeded");
    let actual: Vec<&str> = actual
        .iter()
        .copied()
        .filter(|t| !(drop_parallel_succeeded && *t == "ParallelStateSucceeded"))
        .collect();
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    if expected == actual {
        return Ok(());
    }
    let first_diff = || {
        let i = expected
            .iter()
            .zip(&actual)
            .position(|(a, b)| a != b)
            .unwrap_or(expected.len().min(actual.len()));
        format!(
            "events differ at #{} (of {} recorded, {} run): expected {}, got {}; run: {}",
            i + 1,
            expected.len(),
            actual.len(),
            expected.get(i).copied().unwrap_or("(end)"),
            actual.get(i).copied().unwrap_or("(end)"),
            context_window(&actual, i)
        )
    };
    let count = |v: &[&str]| {
        let mut m: BTreeMap<String, i64> = BTreeMap::new();
        for t in v {
            *m.entry(t.to_string()).or_default() += 1;
        }
        m
    };
    let outer_order = || {
        let (p, s) = (outer_prefix(&expected), outer_suffix(&expected));
        if p > actual.len()
            || s > actual.len()
            || expected[..p] != actual[..p]
            || expected[expected.len() - s..] != actual[actual.len() - s..]
        {
            Err(format!(
                "events outside the concurrent part differ: {}",
                first_diff()
            ))
        } else {
            Ok(())
        }
    };
    match events_order {
        Some("may-interleave") => {
            let (e, a) = (count(&expected), count(&actual));
            if e != a {
                let mut diffs = Vec::new();
                let keys: std::collections::BTreeSet<&String> = e.keys().chain(a.keys()).collect();
                for k in keys {
                    let (x, y) = (
                        e.get(k).copied().unwrap_or(0),
                        a.get(k).copied().unwrap_or(0),
                    );
                    if x != y {
                        diffs.push(format!("{k} {x} recorded / {y} run"));
                    }
                }
                return Err(format!(
                    "event types differ (compared as multisets, may-interleave): {}",
                    diffs.join(", ")
                ));
            }
            outer_order()
        }
        Some("normalised-within-parallel") => {
            if let Some(n) = recorded_count {
                if actual.len() != n {
                    return Err(format!(
                        "the run has {} events, the recording {n} (its largest event id; {} kept after normalisation)",
                        actual.len(),
                        expected.len()
                    ));
                }
            }
            let (e, a) = (count(&expected), count(&actual));
            let mut diffs = Vec::new();
            let keys: std::collections::BTreeSet<&String> = e.keys().chain(a.keys()).collect();
            for k in keys {
                let (x, y) = (
                    e.get(k).copied().unwrap_or(0),
                    a.get(k).copied().unwrap_or(0),
                );
                if y < x || (y > x && !k.starts_with("Parallel")) {
                    diffs.push(format!("{k} {x} recorded / {y} run"));
                }
            }
            if !diffs.is_empty() {
                return Err(format!(
                    "event types differ (normalised-within-parallel): {}",
                    diffs.join(", ")
                ));
            }
            outer_order()
        }
        _ => Err(first_diff()),
    }
}

/// The number of events of a recorded history: its largest numeric id (normalised
/// recordings drop events but keep the ids).
pub fn recorded_event_count(history: &[Value]) -> Option<usize> {
    history
        .iter()
        .filter_map(|e| e.get("id").and_then(Value::as_u64))
        .max()
        .map(|n| n as usize)
}

fn context_window(v: &[&str], i: usize) -> String {
    let lo = i.saturating_sub(2);
    let hi = (i + 3).min(v.len());
    let mut s = String::new();
    if lo > 0 {
        s.push_str("... ");
    }
    s.push_str(&v[lo..hi].join(", "));
    if hi < v.len() {
        s.push_str(" ...");
    }
    s
}

fn is_concurrent_start(t: &str) -> bool {
    t == "ParallelStateStarted" || t == "MapStateStarted"
}

fn is_concurrent_end(t: &str) -> bool {
    matches!(
        t,
        "ParallelStateSucceeded"
            | "ParallelStateFailed"
            | "ParallelStateAborted"
            | "MapStateSucceeded"
            | "MapStateFailed"
            | "MapStateAborted"
            | "ParallelStateExited"
            | "MapStateExited"
    )
}

/// Events up to and including the first Parallel/Map start.
fn outer_prefix(v: &[&str]) -> usize {
    v.iter()
        .position(|t| is_concurrent_start(t))
        .map_or(v.len(), |i| i + 1)
}

/// Events from the last Parallel/Map end on.
fn outer_suffix(v: &[&str]) -> usize {
    if !v.iter().any(|t| is_concurrent_start(t)) {
        return 0;
    }
    v.iter()
        .rposition(|t| is_concurrent_end(t))
        .map_or(0, |i| v.len() - i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths() {
        assert_eq!(parse_path("$").unwrap(), vec![]);
        assert_eq!(
            parse_path("$.a[0].b").unwrap(),
            vec![Seg::Key("a".into()), Seg::Index(0), Seg::Key("b".into())]
        );
        assert_eq!(
            parse_path("$.H[\"x-amzn-RequestId\"][0]").unwrap(),
            vec![
                Seg::Key("H".into()),
                Seg::Key("x-amzn-RequestId".into()),
                Seg::Index(0)
            ]
        );
        assert_eq!(
            parse_path("$['a.b']").unwrap(),
            vec![Seg::Key("a.b".into())]
        );
        assert!(parse_path("a.b").is_none());
        assert!(parse_path("$..a").is_none());
        assert_eq!(
            render_path(&parse_path("$.a[2]['x y']").unwrap()),
            "$.a[2][\"x y\"]"
        );
    }

    #[test]
    fn placeholders() {
        assert!(placeholder_match("<uuid:1>", "abc"));
        assert!(placeholder_match(
            "arn:<partition>:lambda:<region>:1:function:<lambda_function_name>",
            "arn:aws:lambda:us-east-1:1:function:f"
        ));
        assert!(!placeholder_match("arn:<partition>:x", "arn:aws:y"));
        assert!(placeholder_match(
            "no_such_<name>:$LATEST",
            "no_such_fn:$LATEST"
        ));
        assert!(!placeholder_match("a<x>b", "ab-"));
        assert!(placeholder_match("a<x>b", "ab"));
        assert!(!has_placeholder("a < b > c"));
        assert!(!has_placeholder("<>"));
    }

    #[test]
    fn json_comparison_with_masks() {
        let m = Masks::default();
        assert!(compare_json(
            &json!({"a": 1, "b": [1.0]}),
            &json!({"b": [1], "a": 1.0}),
            &m
        )
        .is_ok());
        let e = compare_json(&json!({"a": {"b": 1}}), &json!({"a": {"b": 2}}), &m).unwrap_err();
        assert!(e.contains("$.a.b"), "{e}");
        let e = compare_json(&json!({"a": 1}), &json!({"c": 1}), &m).unwrap_err();
        assert!(
            e.contains("missing keys") && e.contains("unexpected keys"),
            "{e}"
        );
        let masks = case_masks(["$.t"].into_iter(), ["$.c", "$.d"].into_iter());
        assert!(compare_json(
            &json!({"t": "x", "c": "id <uuid:1> end", "d": "date"}),
            &json!({"t": 5, "c": "id 1234 end", "d": "Mon"}),
            &masks
        )
        .is_ok());
        assert!(compare_json(
            &json!({"t": "x", "c": "id <uuid:1> end", "d": "date"}),
            &json!({"t": 5, "c": "id 1234 END", "d": "Mon"}),
            &masks
        )
        .is_err());
        // A masked key must still be present.
        assert!(compare_json(&json!({"t": 1}), &json!({}), &masks).is_err());
        // Unlisted Lambda metadata.
        assert!(compare_json(
            &json!({"SdkHttpMetadata": {"HttpHeaders": {"x-amzn-RequestId": "x-amzn-RequestId", "Connection": "keep-alive"}}, "SdkResponseMetadata": {"RequestId": "RequestId"}}),
            &json!({"SdkHttpMetadata": {"HttpHeaders": {"x-amzn-RequestId": "1-2", "Connection": "keep-alive"}}, "SdkResponseMetadata": {"RequestId": "1-2"}}),
            &m
        )
        .is_ok());
    }

    #[test]
    fn text_comparison() {
        let m = Masks::default();
        assert!(compare_text("cause", Some(&json!("x")), Some("x"), false, &m).is_ok());
        assert!(compare_text("cause", Some(&json!(null)), None, false, &m).is_ok());
        assert!(compare_text("cause", Some(&json!("")), None, false, &m).is_err());
        assert!(compare_text(
            "cause",
            Some(&json!({"a": 1})),
            Some("{\"a\":1.0}"),
            true,
            &m
        )
        .is_ok());
        assert!(compare_text("cause", Some(&json!({"a": 1})), Some("nope"), true, &m).is_err());
        let masks = case_masks(std::iter::empty(), ["$.cause"].into_iter());
        assert!(compare_text(
            "cause",
            Some(&json!({"requestId": "<uuid:1>", "x": 1})),
            Some("{\"requestId\": \"abc\", \"x\": 1}"),
            true,
            &masks
        )
        .is_ok());
        let masks = case_masks(["$.cause"].into_iter(), std::iter::empty());
        assert!(compare_text("cause", Some(&json!("a")), Some("b"), false, &masks).is_ok());
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn events() {
        let rec = s(&["ExecutionStarted", "PassStateEntered", "ExecutionSucceeded"]);
        assert!(compare_events(
            &rec,
            &["ExecutionStarted", "PassStateEntered", "ExecutionSucceeded"],
            None,
            None
        )
        .is_ok());
        let e = compare_events(
            &rec,
            &["ExecutionStarted", "ExecutionSucceeded"],
            None,
            None,
        )
        .unwrap_err();
        assert!(e.contains("#2"), "{e}");
        let rec = s(&[
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "PassStateEntered",
            "PassStateEntered",
            "PassStateExited",
            "PassStateExited",
            "ParallelStateExited",
            "ExecutionSucceeded",
        ]);
        let run = [
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "PassStateEntered",
            "PassStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ParallelStateSucceeded",
            "ParallelStateExited",
            "ExecutionSucceeded",
        ];
        assert!(compare_events(&rec, &run, Some("normalised-within-parallel"), Some(10)).is_ok());
        assert!(compare_events(&rec, &run, Some("normalised-within-parallel"), Some(11)).is_err());
        assert!(compare_events(&rec, &run, None, None).is_err());
        let mut bad = run;
        bad.swap(0, 1);
        assert!(compare_events(&rec, &bad, Some("may-interleave"), None).is_err());
        let map_rec = s(&[
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "MapIterationStarted",
            "PassStateEntered",
            "PassStateEntered",
            "MapIterationSucceeded",
            "MapIterationSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded",
        ]);
        let map_run = [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapIterationStarted",
            "PassStateEntered",
            "MapIterationSucceeded",
            "MapIterationStarted",
            "PassStateEntered",
            "MapIterationSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded",
        ];
        assert!(compare_events(&map_rec, &map_run, Some("may-interleave"), None).is_ok());
        assert!(compare_events(&map_rec, &map_run[..11], Some("may-interleave"), None).is_err());
    }
}
