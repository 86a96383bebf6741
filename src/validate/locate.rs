//! A small JSON parser for untrusted definition text: builds the `serde_json::Value`
//! (key order preserved), reports syntax errors with a byte offset and a Jackson-like
//! message (the service parses with Jackson), reports duplicate keys, bounds nesting depth,
//! and, when asked, records where the keys and values of chosen JSON Pointers start.
//!
//! Positions are only computed when there are diagnostics to place: the first parse
//! records nothing; `positions` parses again with a set of wanted pointers.

use super::report::push_token;
use serde_json::{Map, Number, Value};
use std::collections::{HashMap, HashSet};

/// Deepest nesting of arrays/objects accepted.
pub(crate) const MAX_DEPTH: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// A key that appears twice in one object (the last value wins, at the first position).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicate {
    /// Pointer of the object holding the key.
    pub object: String,
    pub key: String,
    /// Byte offset of the second (or later) occurrence's opening quote.
    pub offset: usize,
}

#[derive(Debug)]
pub(crate) struct Parsed {
    pub value: Value,
    pub duplicates: Vec<Duplicate>,
}

/// Where a pointer's member name and value start (byte offsets).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Pos {
    pub key: Option<usize>,
    pub value: Option<usize>,
}

pub(crate) fn parse(text: &str) -> Result<Parsed, SyntaxError> {
    let mut p = Parser::new(text, None);
    let value = p.document()?;
    Ok(Parsed {
        value,
        duplicates: p.duplicates,
    })
}

/// Parses again and records the positions of the wanted pointers (internal form, `""` is
/// the root). With duplicate keys, the last occurrence wins, like the value.
pub(crate) fn positions(text: &str, wanted: &HashSet<String>) -> HashMap<String, Pos> {
    let mut p = Parser::new(text, Some(wanted));
    // A syntax error cannot happen here (the text parsed once already); whatever was
    // recorded before any error is still useful.
    let _ = p.document();
    p.found
}

/// Converts byte offsets to 1-based line and column (columns count characters). Line
/// breaks are `\n`, `\r\n` and a lone `\r`.
pub(crate) struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes.get(i) {
                Some(b'\n') => starts.push(i + 1),
                Some(b'\r') => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex { text, starts }
    }

    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        (to_u32(line + 1), to_u32(column + 1))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

const VALUE_EXPECTED: &str =
    "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/// An open container while parsing.
enum Frame {
    Object {
        map: Map<String, Value>,
        /// The member being parsed: its name and the name's offset.
        key: (String, usize),
        start: usize,
        /// Length of the container's pointer in `Parser::path`.
        path_len: usize,
    },
    Array {
        items: Vec<Value>,
        start: usize,
        path_len: usize,
    },
}

struct Parser<'t, 'w> {
    text: &'t str,
    bytes: &'t [u8],
    i: usize,
    /// Pointer of the value being parsed.
    path: String,
    duplicates: Vec<Duplicate>,
    wanted: Option<&'w HashSet<String>>,
    found: HashMap<String, Pos>,
}

impl<'t, 'w> Parser<'t, 'w> {
    fn new(text: &'t str, wanted: Option<&'w HashSet<String>>) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            i: 0,
            path: String::new(),
            duplicates: Vec::new(),
            wanted,
            found: HashMap::new(),
        }
    }

    fn document(&mut self) -> Result<Value, SyntaxError> {
        // A byte-order mark is not content.
        if self.text.starts_with('\u{feff}') {
            self.i = '\u{feff}'.len_utf8();
        }
        self.skip_ws();
        if self.i >= self.bytes.len() {
            return Err(self.error_here(format!(
                "No content to map due to end-of-input, expecting a value {VALUE_EXPECTED}"
            )));
        }
        let value = self.value()?;
        self.skip_ws();
        if self.i < self.bytes.len() {
            return Err(self.error_here(format!(
                "Unexpected character ({}): expected end-of-input after the root value",
                self.char_desc()
            )));
        }
        Ok(value)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn error_here(&self, message: String) -> SyntaxError {
        SyntaxError {
            message,
            offset: self.i,
        }
    }

    fn current_char(&self) -> Option<char> {
        self.text.get(self.i..).and_then(|s| s.chars().next())
    }

    /// Jackson's description of a character: `'x' (code 120)`, `(CTRL-CHAR, code 10)`.
    fn char_desc(&self) -> String {
        match self.current_char() {
            None => "end-of-input".to_string(),
            Some(c) => describe_char(c),
        }
    }

    fn record_value(&mut self) {
        if let Some(wanted) = self.wanted {
            if wanted.contains(&self.path) {
                self.found.entry(self.path.clone()).or_default().value = Some(self.i);
            }
        }
    }

    fn record_key(&mut self, offset: usize) {
        if let Some(wanted) = self.wanted {
            if wanted.contains(&self.path) {
                let pos = self.found.entry(self.path.clone()).or_default();
                pos.key = Some(offset);
                // The value of a repeated key is recorded again below.
                pos.value = None;
            }
        }
    }

    /// Parses one value, iteratively: nesting lives in `stack`, not in the call stack, so
    /// hostile input cannot overflow it.
    fn value(&mut self) -> Result<Value, SyntaxError> {
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            // A value starts here; `self.path` is its pointer.
            self.skip_ws();
            self.record_value();
            let mut value = match self.peek() {
                None => {
                    return Err(self.error_here(format!(
                        "Unexpected end-of-input: expected a value {VALUE_EXPECTED}"
                    )))
                }
                Some(open @ (b'{' | b'[')) => {
                    let start = self.i;
                    if stack.len() >= MAX_DEPTH {
                        return Err(self.error_here(format!(
                            "Document nesting depth ({}) exceeds the maximum allowed ({MAX_DEPTH})",
                            stack.len() + 1
                        )));
                    }
                    self.i += 1;
                    self.skip_ws();
                    let path_len = self.path.len();
                    if open == b'{' {
                        if self.peek() == Some(b'}') {
                            self.i += 1;
                            Value::Object(Map::new())
                        } else {
                            let key = self.member_name(start)?;
                            stack.push(Frame::Object {
                                map: Map::new(),
                                key,
                                start,
                                path_len,
                            });
                            continue 'value;
                        }
                    } else if self.peek() == Some(b']') {
                        self.i += 1;
                        Value::Array(Vec::new())
                    } else {
                        self.path.push_str("/0");
                        stack.push(Frame::Array {
                            items: Vec::new(),
                            start,
                            path_len,
                        });
                        continue 'value;
                    }
                }
                Some(b'"') => Value::String(self.string()?),
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(_) => self.literal()?,
            };
            // Hand the value to its container; close the containers that end here.
            loop {
                let Some(frame) = stack.last_mut() else {
                    return Ok(value);
                };
                match frame {
                    Frame::Object {
                        map,
                        key,
                        start,
                        path_len,
                    } => {
                        let start = *start;
                        self.path.truncate(*path_len);
                        let name = std::mem::take(&mut key.0);
                        if map.contains_key(&name) {
                            self.duplicates.push(Duplicate {
                                object: self.path.clone(),
                                key: name.clone(),
                                offset: key.1,
                            });
                        }
                        map.insert(name, value);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.i += 1;
                                *key = self.member_name(start)?;
                                continue 'value;
                            }
                            Some(b'}') => {
                                self.i += 1;
                                let map = std::mem::take(map);
                                stack.pop();
                                value = Value::Object(map);
                            }
                            None => return Err(self.unclosed("Object", start)),
                            Some(_) => {
                                return Err(self.error_here(format!(
                                    "Unexpected character ({}): was expecting comma to separate Object entries",
                                    self.char_desc()
                                )))
                            }
                        }
                    }
                    Frame::Array {
                        items,
                        start,
                        path_len,
                    } => {
                        let start = *start;
                        self.path.truncate(*path_len);
                        items.push(value);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.i += 1;
                                self.path.push('/');
                                self.path.push_str(&items.len().to_string());
                                continue 'value;
                            }
                            Some(b']') => {
                                self.i += 1;
                                let items = std::mem::take(items);
                                stack.pop();
                                value = Value::Array(items);
                            }
                            None => return Err(self.unclosed("Array", start)),
                            Some(_) => {
                                return Err(self.error_here(format!(
                                    "Unexpected character ({}): was expecting comma to separate Array entries",
                                    self.char_desc()
                                )))
                            }
                        }
                    }
                }
            }
        }
    }

    fn unclosed(&self, what: &str, start: usize) -> SyntaxError {
        self.error_here(format!(
            "Unexpected end-of-input: expected close marker for {what} (start marker at {})",
            self.where_is(start)
        ))
    }

    /// A member name and its colon, inside the object opened at `start`; `self.path`
    /// becomes the member's pointer. Returns the name and its offset.
    fn member_name(&mut self, start: usize) -> Result<(String, usize), SyntaxError> {
        self.skip_ws();
        match self.peek() {
            Some(b'"') => {}
            None => return Err(self.unclosed("Object", start)),
            Some(_) => {
                return Err(self.error_here(format!(
                    "Unexpected character ({}): was expecting double-quote to start field name",
                    self.char_desc()
                )))
            }
        }
        let offset = self.i;
        let name = self.string()?;
        self.skip_ws();
        match self.peek() {
            Some(b':') => self.i += 1,
            None => return Err(self.unclosed("Object", start)),
            Some(_) => {
                return Err(self.error_here(format!(
                "Unexpected character ({}): was expecting a colon to separate field name and value",
                self.char_desc()
            )))
            }
        }
        push_token(&mut self.path, &name);
        self.record_key(offset);
        Ok((name, offset))
    }

    fn where_is(&self, offset: usize) -> String {
        let (line, column) = LineIndex::new(self.text).line_col(offset);
        format!("line: {line}, column: {column}")
    }

    /// Parses a string starting at the opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.i += 1; // '"'
        let mut out = String::new();
        let mut run = self.i;
        loop {
            match self.peek() {
                None => {
                    return Err(self.error_here(
                        "Unexpected end-of-input: was expecting closing quote for a string value"
                            .to_string(),
                    ))
                }
                Some(b'"') => {
                    out.push_str(self.text.get(run..self.i).unwrap_or(""));
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(self.text.get(run..self.i).unwrap_or(""));
                    self.i += 1;
                    self.escape(&mut out)?;
                    run = self.i;
                }
                Some(c) if c < 0x20 => {
                    return Err(self.error_here(format!(
                        "Illegal unquoted character ({}): has to be escaped using backslash to be included in string value",
                        self.char_desc()
                    )))
                }
                Some(_) => self.i += 1,
            }
        }
    }

    /// Parses the escape after a backslash, appending the character.
    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let Some(c) = self.peek() else {
            return Err(
                self.error_here("Unexpected end-of-input in character escape sequence".to_string())
            );
        };
        self.i += 1;
        match c {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let first = self.hex4()?;
                if (0xD800..0xDC00).contains(&first) {
                    // A high surrogate: a low one must follow to make a character.
                    if self.bytes.get(self.i) == Some(&b'\\')
                        && self.bytes.get(self.i + 1) == Some(&b'u')
                    {
                        let save = self.i;
                        self.i += 2;
                        let second = self.hex4()?;
                        if (0xDC00..0xE000).contains(&second) {
                            let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                            out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        } else {
                            out.push('\u{fffd}');
                            self.i = save;
                        }
                    } else {
                        out.push('\u{fffd}');
                    }
                } else {
                    // Lone low surrogates cannot be represented: replacement character.
                    out.push(char::from_u32(first).unwrap_or('\u{fffd}'));
                }
            }
            _ => {
                self.i -= 1;
                return Err(self.error_here(format!(
                    "Unrecognized character escape {}",
                    self.char_desc()
                )));
            }
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut code = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(c @ b'0'..=b'9') => u32::from(c - b'0'),
                Some(c @ b'a'..=b'f') => u32::from(c - b'a') + 10,
                Some(c @ b'A'..=b'F') => u32::from(c - b'A') + 10,
                None => {
                    return Err(self.error_here(
                        "Unexpected end-of-input in character escape sequence".to_string(),
                    ))
                }
                Some(_) => {
                    return Err(self.error_here(format!(
                    "Unexpected character ({}): expected a hex-digit for character escape sequence",
                    self.char_desc()
                )))
                }
            };
            code = code * 16 + digit;
            self.i += 1;
        }
        Ok(code)
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error_here(format!(
                    "Unexpected character ({}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value",
                    self.char_desc()
                )));
            }
        }
        if self.peek() == Some(b'0') && matches!(self.bytes.get(self.i + 1), Some(b'0'..=b'9')) {
            return Err(
                self.error_here("Invalid numeric value: Leading zeroes not allowed".to_string())
            );
        }
        self.digits();
        let mut integral = true;
        if self.peek() == Some(b'.') {
            integral = false;
            self.i += 1;
            if self.digits() == 0 {
                return Err(self.error_here(format!(
                    "Unexpected character ({}) in numeric value: Decimal point not followed by a digit",
                    self.char_desc()
                )));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            integral = false;
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(self.error_here(format!(
                    "Unexpected character ({}) in numeric value: Exponent indicator not followed by a digit",
                    self.char_desc()
                )));
            }
        }
        let text = self.text.get(start..self.i).unwrap_or("0");
        if integral {
            if let Ok(n) = text.parse::<u64>() {
                return Ok(Value::Number(n.into()));
            }
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Value::Number(n.into()));
            }
        }
        let number = text.parse::<f64>().ok().and_then(Number::from_f64);
        match number {
            Some(n) => Ok(Value::Number(n)),
            None => Err(SyntaxError {
                message: format!("Numeric value ({text}) out of range"),
                offset: start,
            }),
        }
    }

    /// `true`, `false`, `null`, or an error naming the token found.
    fn literal(&mut self) -> Result<Value, SyntaxError> {
        let start = self.i;
        let rest = self.text.get(start..).unwrap_or("");
        let token_len: usize = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            .map(char::len_utf8)
            .sum();
        if token_len == 0 {
            return Err(self.error_here(format!(
                "Unexpected character ({}): expected a valid value {VALUE_EXPECTED}",
                self.char_desc()
            )));
        }
        let token = rest.get(..token_len).unwrap_or("");
        let value = match token {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => {
                return Err(SyntaxError {
                    message: format!(
                        "Unrecognized token '{token}': was expecting {VALUE_EXPECTED}"
                    ),
                    offset: start,
                })
            }
        };
        self.i += token_len;
        Ok(value)
    }
}

fn describe_char(c: char) -> String {
    let code = u32::from(c);
    if c.is_control() && code < 0x20 {
        format!("(CTRL-CHAR, code {code})")
    } else if code > 255 {
        format!("'{c}' (code {code} / 0x{code:x})")
    } else {
        format!("'{c}' (code {code})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_like_serde_json() {
        let text =
            r#" { "b": [1, -2, 3.5, 1e3, 18446744073709551615, -9223372036854775808, 1e400x ] } "#;
        assert!(parse(text).is_err());
        let text = r#"{"b":[1,-2,3.5,1e3,18446744073709551615,-9223372036854775808,123456789012345678901234],
            "a":{"s":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"},"t":true,"f":false,"n":null}"#;
        let ours = parse(text).map(|p| p.value).ok();
        let theirs: Value = serde_json::from_str(text).ok().unwrap_or(Value::Null);
        assert_eq!(ours, Some(theirs));
    }

    #[test]
    fn keeps_key_order_and_reports_duplicates() {
        let parsed = parse(r#"{"z":1,"a":{"k":1,"k":2},"z":3}"#).ok();
        let parsed = parsed.as_ref();
        assert_eq!(
            parsed.map(|p| p.value.to_string()),
            Some(r#"{"z":3,"a":{"k":2}}"#.to_string())
        );
        let dups: Vec<(String, String, usize)> = parsed
            .map(|p| {
                p.duplicates
                    .iter()
                    .map(|d| (d.object.clone(), d.key.clone(), d.offset))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            dups,
            vec![
                ("/a".to_string(), "k".to_string(), 18),
                (String::new(), "z".to_string(), 25)
            ]
        );
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let e = parse("not a definition").err();
        assert_eq!(
            e.as_ref().map(|e| e.message.as_str()),
            Some("Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
        );
        assert_eq!(e.map(|e| e.offset), Some(0));
        let e = parse("{\"a\": 1,}").err();
        assert_eq!(e.as_ref().map(|e| e.offset), Some(8));
        assert_eq!(
            e.map(|e| e.message),
            Some("Unexpected character ('}' (code 125)): was expecting double-quote to start field name".to_string())
        );
        assert!(parse("{\"a\": \"x\ny\"}").is_err());
        assert!(parse("[01]").is_err());
        assert!(parse("{\"a\" 1}").is_err());
        assert!(parse("[1 2]").is_err());
        assert!(parse("\"\\x\"").is_err());
        assert!(parse("{} x").is_err());
        assert!(parse("").is_err());
        assert!(parse("{").is_err());
        assert!(parse("[").is_err());
        assert!(parse("\"abc").is_err());
        assert!(parse("-").is_err());
        assert!(parse("1.").is_err());
        assert!(parse("1e").is_err());
        assert!(parse("\"\\u12").is_err());
        assert!(parse("\"\\u12G4\"").is_err());
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&deep).is_ok());
        let deeper = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let e = parse(&deeper).err();
        assert_eq!(e.map(|e| e.offset), Some(MAX_DEPTH));
        let very_deep = "[".repeat(1_000_000);
        assert!(parse(&very_deep).is_err());
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let v = parse(r#"["\ud800", "\udc00", "\ud800\u0041"]"#)
            .map(|p| p.value)
            .ok();
        assert_eq!(v, Some(json!(["\u{fffd}", "\u{fffd}", "\u{fffd}A"])));
    }

    #[test]
    fn records_positions() {
        let text =
            "{\n  \"States\": {\n    \"A/b\": {\"Type\": \"Pass\"}\n  },\n  \"x\": [1, 2]\n}";
        let wanted: HashSet<String> = ["", "/States", "/States/A~1b", "/States/A~1b/Type", "/x/1"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let found = positions(text, &wanted);
        let lines = LineIndex::new(text);
        let at = |p: &str, key: bool| {
            found
                .get(p)
                .and_then(|pos| if key { pos.key } else { pos.value })
                .map(|o| lines.line_col(o))
        };
        assert_eq!(at("", false), Some((1, 1)));
        assert_eq!(at("/States", true), Some((2, 3)));
        assert_eq!(at("/States", false), Some((2, 13)));
        assert_eq!(at("/States/A~1b", true), Some((3, 5)));
        assert_eq!(at("/States/A~1b/Type", false), Some((3, 21)));
        assert_eq!(at("/x/1", false), Some((5, 12)));
    }

    #[test]
    fn columns_count_characters_and_lines_handle_crlf() {
        // é is two bytes; lines: "é", "ab", "c".
        let text = "é\r\nab\rc";
        let lines = LineIndex::new(text);
        assert_eq!(lines.line_col(0), (1, 1));
        assert_eq!(lines.line_col(2), (1, 2));
        assert_eq!(lines.line_col(4), (2, 1));
        assert_eq!(lines.line_col(5), (2, 2));
        assert_eq!(lines.line_col(7), (3, 1));
        assert_eq!(lines.line_col(100), (3, 2));
    }
}
