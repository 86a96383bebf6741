//! The 18 intrinsic functions (`States.Format`, `States.Array`, … `States.UUID`) with
//! the service's exact quirks and errors.
//!
//! CONTRACT: `Intrinsic::parse` once at compile time, `eval` many times; never panics.
//!
//! # Syntax
//! `States.Name(arg, ...)` where an argument is a single-quoted string literal
//! (backslash escapes `\'`, `\{`, `\}`, `\\`; also `\"`, `\/`, `\n`, `\t`, `\r`, `\b`,
//! `\f`, `\uXXXX`), a number (`1`, `-1.5`, `2e3`), `null`, `true`/`false`, a path (`$`,
//! `$.a.b`, `$$.Execution.Id`, `$var`, `$.abc.['def ghi']`, filters…) or a nested call
//! (at most 10 calls deep, the outermost counting as one). Whitespace around arguments
//! is ignored. Function names and argument counts are checked by `parse`.
//! An escape other than those listed parses, but fails at evaluation time with
//! `States.IntrinsicFailure` (the service reports such a lone `\` at run time).
//!
//! # Errors
//! - Function failures (wrong argument types, out-of-range values, invalid JSON, ...)
//!   are `States.IntrinsicFailure`; the cause reads `Invalid arguments in States.X: ...`.
//!   None of these causes is recorded in the conformance corpus (no failing intrinsic
//!   case was recorded), so the wording is ours; the prefix is produced in one place
//!   ([`function_failure`]).
//! - A path argument that matches nothing is `States.Runtime` with the cause the service
//!   uses for payload-template paths:
//!   `The JSONPath '$.x' specified for the field '{field}' could not be found in the input '<state input JSON>'`.
//!   Only the caller knows the field (e.g. `value.$`): call [`Intrinsic::eval_in_field`]
//!   with it (preferred), or replace the literal [`FIELD_PLACEHOLDER`] (`{field}`) in the
//!   cause returned by [`Intrinsic::eval`] (its first occurrence after the path text).
//!   The same applies to a `$var` argument naming an undefined variable.
//!   An indefinite path argument (`$.a[*]`) never misses: it yields an array.
//!
//! # Quirks (AWS-recorded unless noted)
//! - Format renders strings unquoted, `null` as `null`, numbers as Java does (`1.1`,
//!   `101`, doubles like `100.0` keep their `.0`), objects/arrays Java-style
//!   (`{Arg1=1, Arg2=[]}`); escaped braces `\{\}` in a literal template are literal text.
//! - MathAdd rounds each argument half-up like Java `Math.round` (1.49 + 1.5 = 3,
//!   -1.5 -> -1, -2.5 -> -2) and requires the rounded values to be 32-bit integers.
//! - MathRandom rounds its bounds the same way; start inclusive, end exclusive; with a
//!   seed the value is `start + new java.util.Random(seed).nextInt(end - start)` (our
//!   choice, deterministic); without one it comes from the engine's [`Rng`].
//! - StringSplit treats every character of the delimiter as a separator and drops empty
//!   tokens; StringToJson of `""`/whitespace is `null`, `-0` is `0`; JsonToString is
//!   compact; ArrayRange gives at most 1000 items and includes the end only when a step
//!   lands on it; ArrayUnique keeps first occurrences; JsonMerge is shallow and its third
//!   argument must be `false`; Hash/Base64 inputs are limited to 10,000 characters.

use crate::path::{write_java_string, EvalBudget, Path, Roots};
use crate::rng::Rng;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// An evaluation failure. `error` is `States.IntrinsicFailure` for function errors and
/// `States.Runtime` where the service reports that (e.g. a path argument that matches
/// nothing); `cause` is the service's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrinsicError {
    pub error: &'static str,
    pub cause: String,
}

/// The text standing for the field name in a path-miss cause produced by
/// [`Intrinsic::eval`]; the caller replaces it with the real field (e.g. `value.$`).
pub const FIELD_PLACEHOLDER: &str = "{field}";

/// Deepest nesting of calls (the outermost call counts as one).
pub const MAX_NESTING: usize = 10;

/// Longest string accepted by Base64Encode/Base64Decode/Hash.
const MAX_INPUT_CHARS: usize = 10_000;
/// Most items ArrayRange may produce.
const MAX_RANGE_ITEMS: i64 = 1_000;

/// A parsed intrinsic function call, e.g. `States.Format('{}', $.a)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Intrinsic {
    text: String,
    call: Call,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

/// (name, function, minimum args, maximum args)
const FUNCTIONS: [(&str, Func, usize, usize); 18] = [
    ("States.Format", Func::Format, 1, usize::MAX),
    ("States.StringToJson", Func::StringToJson, 1, 1),
    ("States.JsonToString", Func::JsonToString, 1, 1),
    ("States.Array", Func::Array, 0, usize::MAX),
    ("States.ArrayPartition", Func::ArrayPartition, 2, 2),
    ("States.ArrayContains", Func::ArrayContains, 2, 2),
    ("States.ArrayRange", Func::ArrayRange, 3, 3),
    ("States.ArrayGetItem", Func::ArrayGetItem, 2, 2),
    ("States.ArrayLength", Func::ArrayLength, 1, 1),
    ("States.ArrayUnique", Func::ArrayUnique, 1, 1),
    ("States.Base64Encode", Func::Base64Encode, 1, 1),
    ("States.Base64Decode", Func::Base64Decode, 1, 1),
    ("States.Hash", Func::Hash, 2, 2),
    ("States.JsonMerge", Func::JsonMerge, 3, 3),
    ("States.MathRandom", Func::MathRandom, 2, 3),
    ("States.MathAdd", Func::MathAdd, 2, 2),
    ("States.StringSplit", Func::StringSplit, 2, 2),
    ("States.UUID", Func::Uuid, 0, 0),
];

impl Func {
    fn name(self) -> &'static str {
        FUNCTIONS
            .iter()
            .find(|(_, f, _, _)| *f == self)
            .map(|(n, _, _, _)| *n)
            .unwrap_or("States.?")
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Call {
    func: Func,
    args: Vec<Arg>,
    /// For `States.Format` with a literal template: the template, split at `{}`
    /// placeholders (escaped braces are never placeholders).
    template: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Lit(Value),
    Path(Path),
    Call(Box<Call>),
    /// A string literal with an invalid escape: fails when evaluated.
    Invalid(String),
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

struct Parser<'t> {
    s: &'t str,
    pos: usize,
}

/// A string literal: its value and, when used as a Format template, its pieces.
struct StrLit {
    value: String,
    pieces: Vec<String>,
    invalid: Option<String>,
}

impl<'t> Parser<'t> {
    fn rest(&self) -> &'t str {
        self.s.get(self.pos..).unwrap_or("")
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }
    fn err(&self, msg: &str) -> String {
        format!(
            "{msg} at position {} in intrinsic function '{}'",
            self.pos, self.s
        )
    }

    fn call(&mut self, depth: usize) -> Result<Call, String> {
        if depth > MAX_NESTING {
            return Err(self.err(&format!(
                "Intrinsic functions can be nested at most {MAX_NESTING} levels deep"
            )));
        }
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
                self.bump();
            } else {
                break;
            }
        }
        let name = self.s.get(start..self.pos).unwrap_or("");
        let Some(&(_, func, min, max)) = FUNCTIONS.iter().find(|(n, _, _, _)| *n == name) else {
            return Err(self.err(&format!("Unknown intrinsic function '{name}'")));
        };
        self.skip_ws();
        if self.bump() != Some('(') {
            return Err(self.err(&format!("Expected '(' after {name}")));
        }
        let mut args = Vec::new();
        let mut template = None;
        self.skip_ws();
        if self.peek() == Some(')') {
            self.bump();
        } else {
            loop {
                self.skip_ws();
                let (arg, lit) = self.arg(depth)?;
                if func == Func::Format && args.is_empty() {
                    template = lit.map(|l| l.pieces);
                }
                args.push(arg);
                self.skip_ws();
                match self.bump() {
                    Some(',') => continue,
                    Some(')') => break,
                    Some(c) => return Err(self.err(&format!("Unexpected character '{c}'"))),
                    None => return Err(self.err("Missing ')'")),
                }
            }
        }
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(format!(
                "{name} expects {expected} argument(s) but got {} in intrinsic function '{}'",
                args.len(),
                self.s
            ));
        }
        if func == Func::JsonMerge {
            match args.get(2) {
                Some(Arg::Lit(Value::Bool(false))) | Some(Arg::Path(_)) | Some(Arg::Call(_)) => {}
                Some(Arg::Lit(Value::Bool(true))) => {
                    return Err(format!(
                        "States.JsonMerge does not support deep merging: its third argument must be false in intrinsic function '{}'",
                        self.s
                    ))
                }
                _ => {
                    return Err(format!(
                        "The third argument of States.JsonMerge must be the boolean false in intrinsic function '{}'",
                        self.s
                    ))
                }
            }
        }
        Ok(Call {
            func,
            args,
            template,
        })
    }

    fn arg(&mut self, depth: usize) -> Result<(Arg, Option<StrLit>), String> {
        match self.peek() {
            Some('\'') => {
                let lit = self.string()?;
                let arg = match &lit.invalid {
                    Some(e) => Arg::Invalid(e.clone()),
                    None => Arg::Lit(Value::String(lit.value.clone())),
                };
                Ok((arg, Some(lit)))
            }
            Some('$') => {
                let text = self.path_text()?;
                let path = Path::parse(text).map_err(|e| self.err(&e))?;
                Ok((Arg::Path(path), None))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.pos;
                self.bump();
                while let Some(c) = self.peek() {
                    if c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-') {
                        self.bump();
                    } else {
                        break;
                    }
                }
                let t = self.s.get(start..self.pos).unwrap_or("");
                match serde_json::from_str::<Value>(t) {
                    Ok(v @ Value::Number(_)) => Ok((Arg::Lit(normalize_zero(v)), None)),
                    _ => Err(self.err(&format!("Invalid number '{t}'"))),
                }
            }
            Some(_) => {
                let rest = self.rest();
                for (w, v) in [
                    ("null", Value::Null),
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                ] {
                    if let Some(after) = rest.strip_prefix(w) {
                        if !after
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                        {
                            self.pos += w.len();
                            return Ok((Arg::Lit(v), None));
                        }
                    }
                }
                if rest.starts_with("States.") {
                    let call = self.call(depth + 1)?;
                    return Ok((Arg::Call(Box::new(call)), None));
                }
                Err(self.err("Expected an argument (string, number, null, boolean, path or intrinsic function)"))
            }
            None => Err(self.err("Missing argument")),
        }
    }

    /// The text of a path argument: up to a `,` / `)` / whitespace outside brackets
    /// and quotes.
    fn path_text(&mut self) -> Result<&'t str, String> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek() {
            match quote {
                Some(q) => {
                    if c == '\\' {
                        self.bump();
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '[' | '(' => depth += 1,
                    ']' | ')' if depth > 0 => depth -= 1,
                    '\'' | '"' if depth > 0 => quote = Some(c),
                    ',' | ')' if depth == 0 => break,
                    c if c.is_whitespace() && depth == 0 => break,
                    '\\' => {
                        self.bump();
                    }
                    _ => {}
                },
            }
            self.bump();
        }
        if quote.is_some() || depth > 0 {
            return Err(self.err("Unterminated path argument"));
        }
        Ok(self.s.get(start..self.pos).unwrap_or(""))
    }

    fn string(&mut self) -> Result<StrLit, String> {
        self.bump(); // opening quote
        let mut value = String::new();
        let mut pieces = vec![String::new()];
        let mut invalid = None;
        // `{` seen unescaped just before (a placeholder starts if `}` follows).
        let mut open_brace = false;
        loop {
            let Some(c) = self.bump() else {
                return Err(self.err("Unterminated string literal"));
            };
            let (ch, escaped) = match c {
                '\'' => break,
                '\\' => {
                    let Some(e) = self.bump() else {
                        return Err(self.err("Unterminated string literal"));
                    };
                    let ch = match e {
                        '\'' | '{' | '}' | '\\' | '"' | '/' => e,
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'u' => {
                            let hex: String = self.rest().chars().take(4).collect();
                            match u32::from_str_radix(&hex, 16)
                                .ok()
                                .filter(|_| hex.len() == 4)
                            {
                                Some(code) => {
                                    self.pos += 4;
                                    char::from_u32(code).unwrap_or('\u{fffd}')
                                }
                                None => {
                                    invalid.get_or_insert_with(|| {
                                        "Invalid unicode escape sequence in string literal"
                                            .to_string()
                                    });
                                    'u'
                                }
                            }
                        }
                        other => {
                            invalid.get_or_insert_with(|| {
                                format!(
                                    "Invalid escape sequence '\\{other}' in string literal; reserved characters must be escaped as \\' \\{{ \\}} \\\\"
                                )
                            });
                            other
                        }
                    };
                    (ch, true)
                }
                c => (c, false),
            };
            value.push(ch);
            if !escaped && ch == '}' && open_brace {
                // `{}` placeholder: drop the `{` already pushed to the current piece.
                if let Some(last) = pieces.last_mut() {
                    last.pop();
                }
                pieces.push(String::new());
                open_brace = false;
                continue;
            }
            open_brace = !escaped && ch == '{';
            if let Some(last) = pieces.last_mut() {
                last.push(ch);
            }
        }
        Ok(StrLit {
            value,
            pieces,
            invalid,
        })
    }
}

/// Negative zero becomes `0`, at any depth: Jackson reads the JSON text `-0` as the
/// integer 0, while serde_json keeps it as the float `-0.0` (`-0.0` itself is rare
/// enough to be treated the same way).
fn normalize_zero(v: Value) -> Value {
    fn is_neg_zero(n: &serde_json::Number) -> bool {
        !(n.is_i64() || n.is_u64()) && n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative())
    }
    fn contains_neg_zero(v: &Value, depth: usize) -> bool {
        match v {
            Value::Number(n) => is_neg_zero(n),
            Value::Array(a) if depth < 256 => a.iter().any(|x| contains_neg_zero(x, depth + 1)),
            Value::Object(o) if depth < 256 => o.values().any(|x| contains_neg_zero(x, depth + 1)),
            _ => false,
        }
    }
    fn fix(v: &mut Value, depth: usize) {
        match v {
            Value::Number(n) if is_neg_zero(n) => *v = Value::from(0),
            Value::Array(a) if depth < 256 => a.iter_mut().for_each(|x| fix(x, depth + 1)),
            Value::Object(o) if depth < 256 => o.values_mut().for_each(|x| fix(x, depth + 1)),
            _ => {}
        }
    }
    let mut v = v;
    if contains_neg_zero(&v, 0) {
        fix(&mut v, 0);
    }
    v
}

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

impl Intrinsic {
    /// True when the string looks like an intrinsic call (`States.` name then `(`), so a
    /// `.$` value that is not a path is parsed as one.
    pub fn looks_like_call(text: &str) -> bool {
        let Some(rest) = text.strip_prefix("States.") else {
            return false;
        };
        let name_len = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
            .count();
        name_len > 0
            && rest
                .get(name_len..)
                .is_some_and(|r| r.trim_start().starts_with('('))
    }

    /// Parses a call. The error is a human-readable syntax message (unknown function,
    /// wrong argument count known statically, bad quoting, nesting deeper than 10, …).
    pub fn parse(text: &str) -> Result<Intrinsic, String> {
        let mut p = Parser { s: text, pos: 0 };
        p.skip_ws();
        if !p.rest().starts_with("States.") {
            return Err(format!(
                "Intrinsic function '{text}' must start with 'States.'"
            ));
        }
        let call = p.call(1)?;
        p.skip_ws();
        if p.pos < text.len() {
            return Err(p.err("Unexpected text after the closing ')'"));
        }
        Ok(Intrinsic {
            text: text.to_string(),
            call,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Evaluates the call against the roots (paths inside arguments see the same roots).
    /// A path argument that matches nothing gives a `States.Runtime` cause containing
    /// [`FIELD_PLACEHOLDER`] where the field name belongs (see the module docs).
    pub fn eval(&self, roots: &dyn Roots, rng: &mut Rng) -> Result<Value, IntrinsicError> {
        self.eval_in_field(roots, rng, FIELD_PLACEHOLDER)
    }

    /// Like [`Intrinsic::eval`], naming `field` (e.g. `value.$`, `ErrorPath`) in the
    /// cause of a path argument that matches nothing.
    pub fn eval_in_field(
        &self,
        roots: &dyn Roots,
        rng: &mut Rng,
        field: &str,
    ) -> Result<Value, IntrinsicError> {
        self.eval_within(roots, rng, field, &EvalBudget::new())
    }

    /// Like [`Intrinsic::eval_in_field`], charging the work of the path arguments to
    /// `budget` (shared with the rest of a payload template). A path argument that runs
    /// out of budget fails like one that matches nothing.
    pub fn eval_within(
        &self,
        roots: &dyn Roots,
        rng: &mut Rng,
        field: &str,
        budget: &EvalBudget,
    ) -> Result<Value, IntrinsicError> {
        let env = Env {
            roots,
            field,
            budget,
        };
        eval_call(&self.call, &env, rng).map(Cow::into_owned)
    }
}

/// The cause of a function failure (`States.IntrinsicFailure`).
pub fn function_failure(name: &str, reason: &str) -> IntrinsicError {
    IntrinsicError {
        error: "States.IntrinsicFailure",
        cause: format!("Invalid arguments in {name}: {reason}"),
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

struct Env<'r, 'f> {
    roots: &'r dyn Roots,
    field: &'f str,
    budget: &'f EvalBudget,
}

fn eval_arg<'a>(
    arg: &'a Arg,
    env: &Env<'a, '_>,
    rng: &mut Rng,
) -> Result<Cow<'a, Value>, IntrinsicError> {
    match arg {
        Arg::Lit(v) => Ok(Cow::Borrowed(v)),
        Arg::Path(p) => p.find_within(env.roots, env.budget).map_err(|miss| IntrinsicError {
            error: "States.Runtime",
            cause: if miss.over_budget() {
                format!(
                    "The JSONPath '{}' specified for the field '{}' could not be evaluated: {}",
                    p.as_str(),
                    env.field,
                    miss.detail
                )
            } else {
                format!(
                    "The JSONPath '{}' specified for the field '{}' could not be found in the input '{}'",
                    p.as_str(),
                    env.field,
                    serde_json::to_string(env.roots.input()).unwrap_or_default()
                )
            },
        }),
        Arg::Call(c) => eval_call(c, env, rng),
        Arg::Invalid(msg) => Err(IntrinsicError {
            error: "States.IntrinsicFailure",
            cause: msg.clone(),
        }),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Compact JSON for messages (long values are shortened).
fn show(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 200 {
        let short: String = s.chars().take(200).collect();
        format!("{short}...")
    } else {
        s
    }
}

fn eval_call<'a>(
    call: &'a Call,
    env: &Env<'a, '_>,
    rng: &mut Rng,
) -> Result<Cow<'a, Value>, IntrinsicError> {
    let name = call.func.name();
    let fail = |reason: String| function_failure(name, &reason);
    let mut args: Vec<Cow<'a, Value>> = Vec::with_capacity(call.args.len());
    for a in &call.args {
        args.push(eval_arg(a, env, rng)?);
    }
    let arg = |i: usize| -> &Value { args.get(i).map(|c| c.as_ref()).unwrap_or(&Value::Null) };
    let want_array = |i: usize, what: &str| -> Result<&Vec<Value>, IntrinsicError> {
        match arg(i) {
            Value::Array(a) => Ok(a),
            other => Err(fail(format!(
                "the {what} argument must be an array, but was {}: {}",
                type_name(other),
                show(other)
            ))),
        }
    };
    let want_string = |i: usize, what: &str| -> Result<&str, IntrinsicError> {
        match arg(i) {
            Value::String(s) => Ok(s.as_str()),
            other => Err(fail(format!(
                "the {what} argument must be a string, but was {}: {}",
                type_name(other),
                show(other)
            ))),
        }
    };
    let want_number = |i: usize, what: &str| -> Result<f64, IntrinsicError> {
        match arg(i) {
            Value::Number(n) => n
                .as_f64()
                .ok_or_else(|| fail(format!("the {what} argument is not a number"))),
            other => Err(fail(format!(
                "the {what} argument must be a number, but was {}: {}",
                type_name(other),
                show(other)
            ))),
        }
    };
    // Integers rounded half-up as Java's Math.round does.
    let want_rounded = |i: usize, what: &str| -> Result<i64, IntrinsicError> {
        match arg(i) {
            Value::Number(n) => {
                if let Some(v) = n.as_i64() {
                    return Ok(v);
                }
                let f = n.as_f64().unwrap_or(f64::NAN);
                java_round(f)
                    .ok_or_else(|| fail(format!("the {what} argument is out of range: {n}")))
            }
            other => Err(fail(format!(
                "the {what} argument must be a number, but was {}: {}",
                type_name(other),
                show(other)
            ))),
        }
    };

    let out: Value = match call.func {
        Func::Format => {
            let pieces_owned;
            let pieces: &[String] = match &call.template {
                Some(p) => p,
                None => {
                    let t = want_string(0, "first")?;
                    pieces_owned = t.split("{}").map(str::to_string).collect::<Vec<_>>();
                    &pieces_owned
                }
            };
            let holes = pieces.len().saturating_sub(1);
            let values = args.get(1..).unwrap_or(&[]);
            if holes != values.len() {
                return Err(fail(format!(
                    "the number of arguments ({}) does not match the number of placeholders ({holes})",
                    values.len()
                )));
            }
            let mut s = String::new();
            for (i, piece) in pieces.iter().enumerate() {
                s.push_str(piece);
                if let Some(v) = values.get(i) {
                    write_java_string(v, &mut s);
                }
            }
            Value::String(s)
        }
        Func::StringToJson => {
            let s = want_string(0, "first")?;
            if s.trim().is_empty() {
                Value::Null
            } else {
                match serde_json::from_str::<Value>(s) {
                    Ok(v) => normalize_zero(v),
                    Err(e) => {
                        return Err(fail(format!(
                            "the string is not valid JSON ({e}): {}",
                            show(arg(0))
                        )))
                    }
                }
            }
        }
        Func::JsonToString => Value::String(serde_json::to_string(arg(0)).unwrap_or_default()),
        Func::Array => Value::Array(args.iter().map(|c| c.as_ref().clone()).collect()),
        Func::ArrayPartition => {
            let a = want_array(0, "first")?;
            let size = want_rounded(1, "second")?;
            if size <= 0 {
                return Err(fail(format!(
                    "the chunk size must be greater than 0, but was {size}"
                )));
            }
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            Value::Array(a.chunks(size).map(|c| Value::Array(c.to_vec())).collect())
        }
        Func::ArrayContains => {
            let a = want_array(0, "first")?;
            let needle = arg(1);
            Value::Bool(a.iter().any(|x| x == needle))
        }
        Func::ArrayRange => {
            let first = want_rounded(0, "first")?;
            let last = want_rounded(1, "second")?;
            let step = want_rounded(2, "third")?;
            if step == 0 {
                return Err(fail("the step must not be 0".to_string()));
            }
            let span = i128::from(last) - i128::from(first);
            let count = if (span >= 0) == (step > 0) || span == 0 {
                span / i128::from(step) + 1
            } else {
                0
            };
            if count > i128::from(MAX_RANGE_ITEMS) {
                return Err(fail(format!(
                    "the range would contain {count} items, more than the maximum of {MAX_RANGE_ITEMS}"
                )));
            }
            let mut items = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
            let mut v = i128::from(first);
            for _ in 0..count {
                items.push(Value::from(v as i64));
                v += i128::from(step);
            }
            Value::Array(items)
        }
        Func::ArrayGetItem => {
            let a = want_array(0, "first")?;
            let idx = want_number(1, "second")?;
            if idx.fract() != 0.0 || idx < 0.0 {
                return Err(fail(format!(
                    "the index must be a non-negative integer, but was {}",
                    show(arg(1))
                )));
            }
            match a.get(idx as usize).filter(|_| idx < a.len() as f64) {
                Some(v) => v.clone(),
                None => {
                    return Err(fail(format!(
                        "the index {} is out of bounds for an array of length {}",
                        show(arg(1)),
                        a.len()
                    )))
                }
            }
        }
        Func::ArrayLength => Value::from(want_array(0, "first")?.len()),
        Func::ArrayUnique => Value::Array(unique(want_array(0, "first")?)),
        Func::Base64Encode => {
            let s = want_string(0, "first")?;
            check_length(s, &fail)?;
            Value::String(base64_encode(s.as_bytes()))
        }
        Func::Base64Decode => {
            let s = want_string(0, "first")?;
            check_length(s, &fail)?;
            match base64_decode(s) {
                Some(bytes) => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
                None => {
                    return Err(fail(format!(
                        "the string is not valid Base64: {}",
                        show(arg(0))
                    )))
                }
            }
        }
        Func::Hash => {
            let data: Cow<str> = match arg(0) {
                Value::String(s) => Cow::Borrowed(s.as_str()),
                Value::Null => {
                    return Err(fail("the data to hash must not be null".to_string()));
                }
                other => Cow::Owned(serde_json::to_string(other).unwrap_or_default()),
            };
            check_length(&data, &fail)?;
            let alg = want_string(1, "second")?;
            match hash_hex(alg, data.as_bytes()) {
                Some(h) => Value::String(h),
                None => {
                    return Err(fail(format!(
                        "unsupported hash algorithm '{alg}'; supported: MD5, SHA-1, SHA-256, SHA-384, SHA-512"
                    )))
                }
            }
        }
        Func::JsonMerge => {
            let a = match arg(0) {
                Value::Object(m) => m,
                other => {
                    return Err(fail(format!(
                        "the first argument must be a JSON object, but was {}: {}",
                        type_name(other),
                        show(other)
                    )))
                }
            };
            let b = match arg(1) {
                Value::Object(m) => m,
                other => {
                    return Err(fail(format!(
                        "the second argument must be a JSON object, but was {}: {}",
                        type_name(other),
                        show(other)
                    )))
                }
            };
            match arg(2) {
                Value::Bool(false) => {}
                Value::Bool(true) => {
                    return Err(fail(
                        "deep merging is not supported; the third argument must be false"
                            .to_string(),
                    ))
                }
                other => {
                    return Err(fail(format!(
                        "the third argument must be the boolean false, but was {}",
                        show(other)
                    )))
                }
            }
            let mut merged: Map<String, Value> = a.clone();
            for (k, v) in b {
                merged.insert(k.clone(), v.clone());
            }
            Value::Object(merged)
        }
        Func::MathRandom => {
            let start = want_rounded(0, "first")?;
            let end = want_rounded(1, "second")?;
            if end <= start {
                return Err(fail(format!(
                    "the start ({start}) must be less than the end ({end})"
                )));
            }
            let value = if args.len() > 2 {
                let seed = want_rounded(2, "third")?;
                // In i128: `end - start` overflows i64 for e.g. (-1, i64::MAX).
                let bound = i128::from(end) - i128::from(start);
                let Ok(bound) = i32::try_from(bound) else {
                    return Err(fail(format!("the range {start} to {end} is too large")));
                };
                start + i64::from(JavaRandom::new(seed).next_int(bound))
            } else {
                rng.range_i64(start, end)
            };
            Value::from(value)
        }
        Func::MathAdd => {
            let a = want_int32(&fail, arg(0), "first")?;
            let b = want_int32(&fail, arg(1), "second")?;
            Value::from(a + b)
        }
        Func::StringSplit => {
            let s = want_string(0, "first")?;
            // A sorted set of the delimiter characters: `str::contains` per character
            // is |s| x |delimiters| work.
            let mut delims: Vec<char> = want_string(1, "second")?.chars().collect();
            delims.sort_unstable();
            delims.dedup();
            Value::Array(
                s.split(|c: char| delims.binary_search(&c).is_ok())
                    .filter(|t| !t.is_empty())
                    .map(|t| Value::String(t.to_string()))
                    .collect(),
            )
        }
        Func::Uuid => Value::String(rng.uuid_v4()),
    };
    Ok(Cow::Owned(out))
}

fn check_length(s: &str, fail: &dyn Fn(String) -> IntrinsicError) -> Result<(), IntrinsicError> {
    // Java counts UTF-16 code units.
    let n = s.encode_utf16().count();
    if n > MAX_INPUT_CHARS {
        return Err(fail(format!(
            "the input is {n} characters long, more than the maximum of {MAX_INPUT_CHARS}"
        )));
    }
    Ok(())
}

/// Java's `Math.round(double)`: half-up (towards positive infinity). `None` when the
/// value is not finite or does not fit a long.
pub fn java_round(f: f64) -> Option<i64> {
    if !f.is_finite() {
        return None;
    }
    let fl = f.floor();
    let r = if f - fl >= 0.5 { fl + 1.0 } else { fl };
    if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&r) {
        return None;
    }
    Some(r as i64)
}

fn want_int32(
    fail: &dyn Fn(String) -> IntrinsicError,
    v: &Value,
    what: &str,
) -> Result<i64, IntrinsicError> {
    let n = match v {
        Value::Number(n) => n,
        other => {
            return Err(fail(format!(
                "the {what} argument must be a number, but was {}: {}",
                type_name(other),
                show(other)
            )))
        }
    };
    let r = match n.as_i64() {
        Some(i) => Some(i),
        None => n.as_f64().and_then(java_round),
    };
    match r {
        Some(i) if i32::try_from(i).is_ok() => Ok(i),
        _ => Err(fail(format!(
            "the {what} argument must be within the integer range [-2147483648, 2147483647], but was {}",
            show(v)
        ))),
    }
}

/// Keeps the first occurrence of each (deeply equal) value, in order.
fn unique(items: &[Value]) -> Vec<Value> {
    use std::collections::HashMap;
    // Bucket by a structural hash that deeply-equal values share (object member order
    // ignored, as `==` does), then compare within buckets. A cheaper key (type and
    // length) put every `{"a": i}` in one bucket: quadratic, 13 s for 20,000 items.
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut out: Vec<Value> = Vec::new();
    for v in items {
        let bucket = seen.entry(deep_hash(v)).or_default();
        if bucket.iter().any(|&i| out.get(i).is_some_and(|o| o == v)) {
            continue;
        }
        bucket.push(out.len());
        out.push(v.clone());
    }
    out
}

/// A hash equal for deeply equal values (`serde_json::Value`'s `==`: object members in
/// any order; numbers by their representation).
fn deep_hash(v: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match v {
        Value::Null => 0u8.hash(&mut h),
        Value::Bool(b) => (1u8, b).hash(&mut h),
        Value::Number(n) => (2u8, n.to_string()).hash(&mut h),
        Value::String(s) => (3u8, s).hash(&mut h),
        Value::Array(a) => {
            (4u8, a.len()).hash(&mut h);
            for x in a {
                deep_hash(x).hash(&mut h);
            }
        }
        Value::Object(m) => {
            // Order-insensitive: a commutative sum of the members' hashes.
            let mut sum = 0u64;
            for (k, x) in m {
                let mut e = std::collections::hash_map::DefaultHasher::new();
                (k, deep_hash(x)).hash(&mut e);
                sum = sum.wrapping_add(e.finish());
            }
            (5u8, m.len(), sum).hash(&mut h);
        }
    }
    h.finish()
}

// ------------------------------------ base64 ------------------------------------------

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        let sym = |shift: u32| char::from(B64[((n >> shift) & 63) as usize]);
        out.push(sym(18));
        out.push(sym(12));
        out.push(if chunk.len() > 1 { sym(6) } else { '=' });
        out.push(if chunk.len() > 2 { sym(0) } else { '=' });
    }
    out
}

/// Java's basic decoder: the standard alphabet, padding optional, nothing else allowed.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let body = s.trim_end_matches('=');
    let padding = s.len() - body.len();
    if padding > 2 || (padding > 0 && s.len() % 4 != 0) {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in body.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    // A single leftover symbol (6 bits) cannot encode a byte.
    if body.len() % 4 == 1 {
        return None;
    }
    Some(out)
}

// ------------------------------------- hashing ----------------------------------------

fn hash_hex(alg: &str, data: &[u8]) -> Option<String> {
    use sha2::Digest;
    let digest: Vec<u8> = match alg {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        _ => return None,
    };
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    Some(s)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

// ---------------------------------- java.util.Random ----------------------------------

/// `java.util.Random`, so `States.MathRandom(start, end, seed)` is deterministic per seed
/// (`start + new Random(seed).nextInt(end - start)`).
struct JavaRandom {
    seed: u64,
}

impl JavaRandom {
    const MULT: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        JavaRandom {
            seed: (seed as u64 ^ Self::MULT) & Self::MASK,
        }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.seed = (self.seed.wrapping_mul(Self::MULT).wrapping_add(0xB)) & Self::MASK;
        (self.seed >> (48 - bits)) as i64 as i32
    }

    /// `nextInt(bound)` for `bound > 0`.
    fn next_int(&mut self, bound: i32) -> i32 {
        if bound <= 0 {
            return 0;
        }
        if bound & bound.wrapping_neg() == bound {
            return ((i64::from(bound) * i64::from(self.next(31))) >> 31) as i32;
        }
        loop {
            let bits = self.next(31);
            let val = bits % bound;
            if bits.wrapping_sub(val).wrapping_add(bound - 1) >= 0 {
                return val;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::SimpleRoots;
    use serde_json::json;

    fn eval(text: &str, input: Value) -> Result<Value, IntrinsicError> {
        let ctx = json!({"StateMachine": {"Name": "a-b-c"}});
        let roots = SimpleRoots {
            input: &input,
            context: &ctx,
            variables: None,
        };
        Intrinsic::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .eval(&roots, &mut Rng::new(1))
    }

    #[test]
    fn basics() {
        assert_eq!(
            eval(
                "States.Format('Hello, my name is {}.', $.n)",
                json!({"n": "Arnav"})
            )
            .unwrap(),
            json!("Hello, my name is Arnav.")
        );
        assert_eq!(
            eval("States.MathAdd(111, -1)", json!({})).unwrap(),
            json!(110)
        );
        assert_eq!(
            eval(
                "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)",
                json!({})
            )
            .unwrap(),
            json!("a")
        );
    }

    #[test]
    fn java_random_matches_known_sequence() {
        // Values printed by a JVM: new java.util.Random(seed).nextInt(bound).
        assert_eq!(JavaRandom::new(42).next_int(100), 30);
        assert_eq!(JavaRandom::new(3).next_int(999), 239);
        assert_eq!(JavaRandom::new(-7).next_int(64), 17);
        assert_eq!(JavaRandom::new(0).next_int(10), 0);
        assert_eq!(JavaRandom::new(1).next_int(1000), 985);
    }

    #[test]
    fn math_random_extreme_ranges() {
        // Found while adding fuzzing: `end - start` overflowed (a panic in debug builds).
        let e = eval("States.MathRandom(-1, 9223372036854775807, 1)", json!({}));
        assert_eq!(e.unwrap_err().error, "States.IntrinsicFailure");
        let e = eval(
            "States.MathRandom(-9223372036854775808, 9223372036854775807)",
            json!({}),
        );
        assert!(e.unwrap().is_i64());
        let v = eval("States.MathRandom(2147483646, 2147483647, 5)", json!({}));
        assert_eq!(v.unwrap(), json!(2147483646));
    }

    #[test]
    fn array_unique_is_not_quadratic() {
        // Found while adding fuzzing: 20,000 distinct objects took 13 s (release).
        let items: Vec<Value> = (0..20_000).map(|i| json!({ "a": i })).collect();
        let started = std::time::Instant::now();
        let v = eval("States.ArrayUnique($.a)", json!({ "a": items })).unwrap();
        assert_eq!(v.as_array().unwrap().len(), 20_000);
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        // Deep equality ignores member order, and keeps the first occurrence.
        let v = eval(
            "States.ArrayUnique($.a)",
            json!({"a": [{"x": 1, "y": [2]}, {"y": [2], "x": 1}, 1, 1.0, "1", [1], [1], null, null]}),
        )
        .unwrap();
        assert_eq!(v, json!([{"x": 1, "y": [2]}, 1, 1.0, "1", [1], null]));
    }

    #[test]
    fn string_split_many_delimiters() {
        let text: String = (0..100_000u32)
            .map(|i| char::from_u32(0x4e00 + i % 5000).unwrap())
            .collect();
        let started = std::time::Instant::now();
        let v = eval("States.StringSplit($.s, $.s)", json!({ "s": text })).unwrap();
        assert_eq!(v, json!([]));
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        let v = eval("States.StringSplit('a,b;;c', ';,')", json!({})).unwrap();
        assert_eq!(v, json!(["a", "b", "c"]));
    }

    #[test]
    fn java_round_half_up() {
        assert_eq!(java_round(1.5), Some(2));
        assert_eq!(java_round(2.5), Some(3));
        assert_eq!(java_round(-1.5), Some(-1));
        assert_eq!(java_round(-2.5), Some(-2));
        assert_eq!(java_round(-0.5), Some(0));
        assert_eq!(java_round(0.49999999999999994), Some(0));
        assert_eq!(java_round(f64::NAN), None);
    }
}
