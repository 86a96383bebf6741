//! Checks of single values: integers and numbers in ranges, enumerations, timestamps,
//! JSONata `{% ... %}` strings.

use super::report::{child, Sink, INTEGER, NUMBER, STRING};
use serde_json::{Map, Value};

/// A JSONata expression string: exactly `{%` … `%}`, no surrounding whitespace.
pub(crate) fn is_jsonata(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

pub(crate) fn is_jsonata_value(v: &Value) -> bool {
    matches!(v, Value::String(s) if is_jsonata(s))
}

/// The value of an integral JSON number (`10` or `10.0`), as `f64` for range checks.
pub(crate) fn as_integer(v: &Value) -> Option<f64> {
    let Value::Number(n) = v else { return None };
    if n.is_i64() || n.is_u64() {
        return n.as_f64();
    }
    n.as_f64().filter(|f| f.fract() == 0.0)
}

fn fmt_bound(b: f64) -> String {
    if b.fract() == 0.0 && b.abs() < 1e15 {
        format!("{}", b as i64)
    } else {
        format!("{b}")
    }
}

fn range_message(field: &str, min: f64, max: Option<f64>) -> String {
    match max {
        Some(max) => format!(
            "The field '{field}' must be between {} and {}",
            fmt_bound(min),
            fmt_bound(max)
        ),
        None => format!(
            "The field '{field}' must be greater than or equal to {}",
            fmt_bound(min)
        ),
    }
}

/// Checks `obj[field]` (if present) is an integer in `min..=max`; in JSONata states a
/// `{% %}` expression is accepted instead.
pub(crate) fn check_integer(
    sink: &mut Sink,
    obj_ptr: &str,
    obj: &Map<String, Value>,
    field: &str,
    min: f64,
    max: Option<f64>,
    jsonata: bool,
) {
    let Some(v) = obj.get(field) else { return };
    let ptr = child(obj_ptr, field);
    if jsonata && is_jsonata_value(v) {
        return;
    }
    match as_integer(v) {
        None => sink.wrong_type(&ptr, INTEGER),
        Some(n) => {
            if n < min || max.is_some_and(|m| n > m) {
                sink.schema(&ptr, range_message(field, min, max));
            }
        }
    }
}

/// Like `check_integer` for any number.
pub(crate) fn check_number(
    sink: &mut Sink,
    obj_ptr: &str,
    obj: &Map<String, Value>,
    field: &str,
    min: f64,
    max: Option<f64>,
    jsonata: bool,
) {
    let Some(v) = obj.get(field) else { return };
    let ptr = child(obj_ptr, field);
    if jsonata && is_jsonata_value(v) {
        return;
    }
    match v.as_f64() {
        None => sink.wrong_type(&ptr, NUMBER),
        Some(n) => {
            if n < min || max.is_some_and(|m| n > m) {
                sink.schema(&ptr, range_message(field, min, max));
            }
        }
    }
}

/// Checks `obj[field]` (if present) is a string; returns it.
pub(crate) fn check_string<'a>(
    sink: &mut Sink,
    obj_ptr: &str,
    obj: &'a Map<String, Value>,
    field: &str,
) -> Option<&'a str> {
    match obj.get(field)? {
        Value::String(s) => Some(s),
        _ => {
            sink.wrong_type(&child(obj_ptr, field), STRING);
            None
        }
    }
}

/// Checks `obj[field]` (if present) is one of `values`.
pub(crate) fn check_enum(
    sink: &mut Sink,
    obj_ptr: &str,
    obj: &Map<String, Value>,
    field: &str,
    values: &[&str],
) -> Option<usize> {
    let s = check_string(sink, obj_ptr, obj, field)?;
    let found = values.iter().position(|v| *v == s);
    if found.is_none() {
        sink.not_one_of(&child(obj_ptr, field), field, values);
    }
    found
}

/// Reports all-but-one present member of a group of mutually exclusive fields.
/// Returns how many were present.
pub(crate) fn check_exclusive(
    sink: &mut Sink,
    obj_ptr: &str,
    obj: &Map<String, Value>,
    fields: &[&str],
) -> usize {
    let present: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| obj.contains_key(*f))
        .collect();
    for extra in present.iter().skip(1) {
        sink.only_one_of(obj_ptr, extra, fields);
    }
    present.len()
}

/// RFC 3339 date-time as the service reads it (`2016-03-14T01:59:00Z`, fractional
/// seconds and numeric offsets allowed). Lenient where Java's ISO parser is lenient
/// (seconds may be omitted, `t`/`z` in lower case).
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        part.iter().try_fold(0u32, |acc, d| {
            acc.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        })
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let (Some(year), Some(month), Some(day)) = (num(0, 4), num(5, 2), num(8, 2)) else {
        return false;
    };
    if !at(4, b'-') || !at(7, b'-') || !matches!(b.get(10), Some(b'T' | b't')) {
        return false;
    }
    let (Some(hour), Some(minute)) = (num(11, 2), num(14, 2)) else {
        return false;
    };
    if !at(13, b':') {
        return false;
    }
    let mut i = 16;
    if at(i, b':') {
        match num(i + 1, 2) {
            Some(second) if second <= 59 => i += 3,
            _ => return false,
        }
        if at(i, b'.') {
            let digits = b
                .get(i + 1..)
                .map_or(0, |r| r.iter().take_while(|d| d.is_ascii_digit()).count());
            if digits == 0 {
                return false;
            }
            i += 1 + digits;
        }
    }
    let offset_ok = match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let hh = num(i + 1, 2);
            let mm = num(i + 4, 2);
            let mut end = i + 6;
            let mut ok =
                at(i + 3, b':') && hh.is_some_and(|h| h <= 18) && mm.is_some_and(|m| m <= 59);
            if at(end, b':') {
                ok = ok && num(end + 1, 2).is_some_and(|s| s <= 59);
                end += 3;
            }
            ok && end == b.len()
        }
        _ => false,
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    offset_ok && day >= 1 && day <= days && hour <= 23 && minute <= 59
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jsonata_strings() {
        assert!(is_jsonata("{% $x %}"));
        assert!(is_jsonata("{%%}"));
        assert!(!is_jsonata(" {% $x %}"));
        assert!(!is_jsonata("{% $x %} "));
        assert!(!is_jsonata("{%}"));
    }

    #[test]
    fn integers() {
        assert_eq!(as_integer(&json!(3)), Some(3.0));
        assert_eq!(as_integer(&json!(-3)), Some(-3.0));
        assert_eq!(as_integer(&json!(3.0)), Some(3.0));
        assert_eq!(as_integer(&json!(3.5)), None);
        assert_eq!(as_integer(&json!("3")), None);
    }

    #[test]
    fn timestamps() {
        for ok in [
            "2016-03-14T01:59:00Z",
            "2016-03-05T21:29:29.243167252Z",
            "2024-02-29T23:59:59+05:30",
            "2024-02-29T23:59:59-00:00",
            "2016-03-14T01:59Z",
            "2016-03-14t01:59:00z",
        ] {
            assert!(is_timestamp(ok), "{ok}");
        }
        for bad in [
            "",
            "2016-03-14",
            "2016-03-14T01:59:00",
            "2016-03-14 01:59:00Z",
            "2023-02-29T00:00:00Z",
            "2016-13-14T01:59:00Z",
            "2016-03-14T24:00:00Z",
            "2016-03-14T01:60:00Z",
            "2016-03-14T01:59:00.Z",
            "2016-03-14T01:59:00+0530",
            "2016-03-14T01:59:00Zjunk",
            "2016-03-14T01:59:00+05:30junk",
            "yesterday",
            "２016-03-14T01:59:00Z",
        ] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }
}
