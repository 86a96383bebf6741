//! JSONPath as Step Functions uses it (the Jayway JsonPath dialect): Paths, Reference
//! Paths, `$$` context paths and `$name` workflow-variable paths.
//!
//! CONTRACT (the rest of the engine relies on exactly this API):
//! - `Path::parse` accepts any Path (filters, slices, unions, wildcards, deep scan);
//!   `Path::parse_reference` accepts only Reference Paths (a single node).
//! - A path is parsed once (at compile time) and evaluated many times.
//! - Evaluation never panics, on any document.
//!
//! Semantics follow Jayway JsonPath as the service runs it. The recorded corpus shows an
//! older Jayway (2.1/2.2 era) rather than the current one: an indefinite path whose
//! definite prefix is missing yields `[]` instead of failing, and bracket member names are
//! not unescaped (`$['a\"b']` names the member `a\"b`). So:
//! - A *definite* path (only single member names and single indexes; a leaf
//!   `['a','b']` counts as definite and yields an object merging those members) returns
//!   one node or fails with Jayway's message (AWS-recorded ones marked *):
//!   * leaf member missing: `No results for path: $['a']['b']` *
//!   * intermediate member missing: `Missing property in path $['a']` *
//!   * member of a non-object: `Property ['b'] not found in path $['a']`
//!   * index out of range: `Index out of bounds when evaluating path $['a'][5]`
//!   * index into null: `The path $['a'] is null`
//!   * index into a non-array: `Filter: [0] can only be applied to arrays. Current context is: <Java toString>`
//!   * filter on a scalar: `Filter: [?] can not be applied to primitives. Current context is: <value>`
//!
//!   Rendered paths always start with `$`, also for `$$` and `$var` paths (which the
//!   service evaluates as `$...` against the context object / the variable's value).
//! - An *indefinite* path never fails: it returns an array of every match, in Jayway's
//!   order (possibly empty; AWS-recorded: `$.items[*]`, `$.items[1:]` on `{}` give `[]`).
//! - Negative indexes count from the end (`[-1]` is the last item).
//! - Filters: `==, !=, ===, !==, <, <=, >, >=, =~ /regex/flags, in, nin, subsetof, anyof,
//!   noneof, all, size, empty, contains`, `&&`, `||`, `!`, parentheses, existence
//!   `[?(@.x)]` (true for explicit `null`), `@`-relative and `$`-absolute operands,
//!   number/string/boolean/null/JSON literals. Equality is Jayway's: `1 == '1'` is true
//!   (numbers compare with numeric strings); a missing operand makes `!=` true.
//! - Functions (last segment only; applied to the whole result): `length()`, `size()`,
//!   `min()`, `max()`, `avg()`, `sum()`, `keys()`, `first()`, `last()`.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// What a path is applied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// `$...`: the state's input (or whatever document the caller supplies).
    Input,
    /// `$$...`: the context object.
    Context,
    /// `$name...`: a workflow variable.
    Variable(String),
}

/// The documents a path can be evaluated against. The engine implements this so the
/// context object can be built lazily, only when a `$$` path is evaluated.
pub trait Roots {
    fn input(&self) -> &Value;
    fn context(&self) -> &Value;
    fn variable(&self, name: &str) -> Option<&Value>;
}

/// Plain roots, handy in tests and for callers without context or variables.
pub struct SimpleRoots<'a> {
    pub input: &'a Value,
    pub context: &'a Value,
    pub variables: Option<&'a serde_json::Map<String, Value>>,
}

impl Roots for SimpleRoots<'_> {
    fn input(&self) -> &Value {
        self.input
    }
    fn context(&self) -> &Value {
        self.context
    }
    fn variable(&self, name: &str) -> Option<&Value> {
        self.variables.and_then(|m| m.get(name))
    }
}

/// A path that did not match. `detail` is the service's (Jayway's) wording, e.g.
/// `No results for path: $['X']` or `Missing property in path $['no']`; callers wrap it
/// in their own message (`Invalid path '$.X' : <detail>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathMiss {
    pub detail: String,
}

impl PathMiss {
    fn new(detail: String) -> PathMiss {
        PathMiss { detail }
    }

    /// True when the path did not fail to match but ran out of work budget (a hostile
    /// path or document); callers should report the detail rather than a plain miss.
    pub fn over_budget(&self) -> bool {
        self.detail == BUDGET_MESSAGE
    }
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    text: String,
    root: Root,
    chain: Chain,
}

/// Most segments a path may have (keeps evaluation recursion bounded).
const MAX_SEGMENTS: usize = 256;
/// Deepest nesting of filter expressions (parentheses, `!`, nested filters).
const MAX_FILTER_DEPTH: usize = 32;
/// Deepest document level rendered in messages (deeper levels print `...`).
const MAX_RENDER_DEPTH: usize = 512;
/// Work one evaluation may do (nodes visited, deep-scan steps, filter tests, regex steps,
/// nodes copied into the result), shared with the paths inside its filters. Without it
/// `$..a..a..a` over a 100-level document, or nested `$..` filters, run for hours
/// (the work grows as depth^scans). Above what a real path over a 256 KB payload needs
/// (`$..*` over 128k nodes ten levels deep takes about 3 million); past it the path fails
/// with [`BUDGET_MESSAGE`]. About 0.1 s of work in a release build.
const MAX_EVAL_STEPS: u64 = 4_000_000;
/// Steps charged per node copied into a result (an allocation, much dearer than a visit):
/// at most 2 million nodes are copied.
const COPY_STEPS: u64 = 2;
/// Work all the paths of one payload template, intrinsic call or Choice rule may do
/// together ([`EvalBudget`]), so repeating an expensive path (`States.Array($..a..a,
/// $..a..a, ...)`) cannot multiply the work either.
const MAX_SHARED_STEPS: u64 = 4 * MAX_EVAL_STEPS;
/// The `PathMiss` detail of a path that exceeded [`MAX_EVAL_STEPS`] or what was left of
/// its [`EvalBudget`] (our wording).
const BUDGET_MESSAGE: &str = "Path evaluation exceeded its work limit (4000000 steps for one path, 16000000 for the paths of one template, intrinsic call or Choice rule)";

/// What is left of the work allowed during one evaluation.
struct Budget(std::cell::Cell<u64>);

impl Budget {
    fn new() -> Budget {
        Budget::with(MAX_EVAL_STEPS)
    }

    fn with(steps: u64) -> Budget {
        Budget(std::cell::Cell::new(steps))
    }

    fn left(&self) -> u64 {
        self.0.get()
    }

    /// Spends `n` steps; false (and nothing left) when fewer remain.
    fn spend(&self, n: u64) -> bool {
        let left = self.0.get();
        if left < n {
            self.0.set(0);
            return false;
        }
        self.0.set(left - n);
        true
    }

    fn exhausted(&self) -> bool {
        self.0.get() == 0
    }

    /// Spends [`COPY_STEPS`] per node of `v` (walked iteratively), for copying it;
    /// false when exhausted.
    fn spend_copy(&self, v: &Value) -> bool {
        let mut stack = vec![v];
        while let Some(n) = stack.pop() {
            if !self.spend(COPY_STEPS) {
                return false;
            }
            match n {
                Value::Array(a) => stack.extend(a.iter()),
                Value::Object(m) => stack.extend(m.values()),
                _ => {}
            }
        }
        true
    }
}

fn budget_miss() -> PathMiss {
    PathMiss::new(BUDGET_MESSAGE.to_string())
}

/// Work shared by the path evaluations of one payload template, intrinsic call or Choice
/// rule: each path may still do at most its own limit, and all of them together at most
/// four times that. Create one per top-level evaluation and pass it to
/// [`Path::find_within`].
pub struct EvalBudget(Budget);

impl EvalBudget {
    pub fn new() -> EvalBudget {
        EvalBudget(Budget::with(MAX_SHARED_STEPS))
    }
}

impl Default for EvalBudget {
    fn default() -> Self {
        EvalBudget::new()
    }
}

impl std::fmt::Debug for EvalBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EvalBudget({} steps left)", self.0.left())
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    /// `.a` / `['a']`
    Prop(String),
    /// `['a','b']`: merged object as a leaf, iteration otherwise.
    Props(Vec<String>),
    /// `[0]`, `[-1]`
    Index(i64),
    /// `[0,1]`
    Indexes(Vec<i64>),
    /// `[from:to]` (Jayway has no step).
    Slice(Option<i64>, Option<i64>),
    /// `.*` / `[*]`
    Wildcard,
    /// `..` (always followed by its target segment)
    Scan,
    /// `[?(...)]`
    Filter(Box<Expr>),
    /// `.length()` etc. (only as the last segment)
    Func(Func),
}

impl Seg {
    /// Jayway's `isTokenDefinite` (needs to know whether the token is the leaf).
    fn definite(&self, leaf: bool) -> bool {
        match self {
            Seg::Prop(_) | Seg::Index(_) | Seg::Func(_) => true,
            Seg::Props(_) => leaf,
            _ => false,
        }
    }

    /// Jayway's path fragment, used to render paths in messages.
    fn render(&self, out: &mut String, quote: char) {
        match self {
            Seg::Prop(p) => {
                out.push('[');
                out.push(quote);
                out.push_str(p);
                out.push(quote);
                out.push(']');
            }
            Seg::Props(ps) => {
                out.push('[');
                for (i, p) in ps.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push(quote);
                    out.push_str(p);
                    out.push(quote);
                }
                out.push(']');
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            Seg::Indexes(is) => {
                out.push('[');
                for (n, i) in is.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    out.push_str(&i.to_string());
                }
                out.push(']');
            }
            Seg::Slice(from, to) => {
                out.push('[');
                if let Some(f) = from {
                    out.push_str(&f.to_string());
                }
                out.push(':');
                if let Some(t) = to {
                    out.push_str(&t.to_string());
                }
                out.push(']');
            }
            Seg::Wildcard => out.push_str("[*]"),
            Seg::Scan => out.push_str(".."),
            Seg::Filter(_) => out.push_str("[?]"),
            Seg::Func(f) => {
                out.push('.');
                out.push_str(f.name());
                out.push_str("()");
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Length,
    Min,
    Max,
    Avg,
    Sum,
    Keys,
    First,
    Last,
}

impl Func {
    fn from_name(name: &str) -> Option<(Func, &'static str)> {
        Some(match name {
            "length" => (Func::Length, "length"),
            "size" => (Func::Length, "size"),
            "min" => (Func::Min, "min"),
            "max" => (Func::Max, "max"),
            "avg" => (Func::Avg, "avg"),
            "sum" => (Func::Sum, "sum"),
            "keys" => (Func::Keys, "keys"),
            "first" => (Func::First, "first"),
            "last" => (Func::Last, "last"),
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Func::Length => "length",
            Func::Min => "min",
            Func::Max => "max",
            Func::Avg => "avg",
            Func::Sum => "sum",
            Func::Keys => "keys",
            Func::First => "first",
            Func::Last => "last",
        }
    }

    fn apply(self, v: &Value) -> Result<Value, String> {
        let nums = || -> Result<Vec<f64>, String> {
            match v {
                Value::Array(a) => {
                    let n: Vec<f64> = a.iter().filter_map(Value::as_f64).collect();
                    if n.is_empty() {
                        Err(format!(
                            "Aggregation function attempted to calculate value using empty array: {}()",
                            self.name()
                        ))
                    } else {
                        Ok(n)
                    }
                }
                _ => Err(format!(
                    "Aggregation function attempted to calculate value using empty array: {}()",
                    self.name()
                )),
            }
        };
        match self {
            Func::Length => match v {
                Value::Array(a) => Ok(Value::from(a.len())),
                Value::Object(o) => Ok(Value::from(o.len())),
                Value::String(s) => Ok(Value::from(s.encode_utf16().count())),
                _ => Err(format!(
                    "Function length() can not be applied to {}",
                    java_string(v)
                )),
            },
            Func::Min => nums().map(|n| f64_value(n.into_iter().fold(f64::INFINITY, f64::min))),
            Func::Max => nums().map(|n| f64_value(n.into_iter().fold(f64::NEG_INFINITY, f64::max))),
            Func::Sum => nums().map(|n| f64_value(n.into_iter().sum())),
            Func::Avg => nums().map(|n| {
                let len = n.len() as f64;
                f64_value(n.into_iter().sum::<f64>() / len)
            }),
            Func::Keys => match v {
                Value::Object(o) => Ok(Value::Array(
                    o.keys().map(|k| Value::String(k.clone())).collect(),
                )),
                _ => Err("Function keys() can only be applied to objects".to_string()),
            },
            Func::First | Func::Last => match v {
                Value::Array(a) => {
                    let item = if self == Func::First {
                        a.first()
                    } else {
                        a.last()
                    };
                    item.cloned()
                        .ok_or_else(|| format!("Function {}() on an empty array", self.name()))
                }
                _ => Err(format!(
                    "Function {}() can only be applied to arrays",
                    self.name()
                )),
            },
        }
    }
}

fn f64_value(f: f64) -> Value {
    serde_json::Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// A parsed sequence of segments with precomputed definiteness.
#[derive(Debug, Clone, PartialEq)]
struct Chain {
    segs: Vec<Seg>,
    /// `upstream[i]`: every segment before `i` is definite.
    upstream: Vec<bool>,
    /// Number of segments before a trailing function (all of them when there is none).
    body: usize,
    /// The trailing function, if any.
    func: Option<Func>,
    /// Every body segment is definite (Jayway's `isDefinite`).
    definite: bool,
    /// Only single members and single indexes (a Reference Path).
    simple: bool,
}

impl Chain {
    fn new(segs: Vec<Seg>) -> Chain {
        let (body, func) = match segs.last() {
            Some(Seg::Func(f)) => (segs.len() - 1, Some(*f)),
            _ => (segs.len(), None),
        };
        let mut upstream = Vec::with_capacity(segs.len());
        let mut all = true;
        for (i, s) in segs.iter().enumerate() {
            upstream.push(all);
            all = all && s.definite(i + 1 == body);
        }
        if !all {
            // As the service does: an indefinite path never fails, whatever is missing
            // along it (its result is then an empty list).
            upstream.iter_mut().for_each(|u| *u = false);
        }
        let simple = segs
            .iter()
            .all(|s| matches!(s, Seg::Prop(_) | Seg::Index(_)));
        Chain {
            segs,
            upstream,
            body,
            func,
            definite: all,
            simple,
        }
    }

    /// Jayway's evaluation path of the first `n` segments, e.g. `$['a'][0]` (members
    /// always in single quotes).
    fn render_prefix(&self, n: usize) -> String {
        let mut out = String::from("$");
        for s in self.segs.iter().take(n) {
            s.render(&mut out, '\'');
        }
        out
    }

    fn is_simple(&self) -> bool {
        self.simple
    }
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

struct Cursor<'t> {
    s: &'t str,
    pos: usize,
    depth: usize,
}

impl<'t> Cursor<'t> {
    fn new(s: &'t str) -> Self {
        Cursor {
            s,
            pos: 0,
            depth: 0,
        }
    }
    fn rest(&self) -> &'t str {
        self.s.get(self.pos..).unwrap_or("")
    }
    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }
    fn peek2(&self) -> Option<char> {
        let mut it = self.rest().chars();
        it.next();
        it.next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }
    fn eat_str(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
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
    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }
    fn err(&self, msg: &str) -> String {
        format!("{msg} at position {} in path '{}'", self.pos, self.s)
    }
}

/// Where a segment list is being parsed: a whole path text, or an operand inside a filter
/// (where names stop at operators and whitespace).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    Filter,
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Parses the root of a path text (`$`, `$$`, `$name`), returning it and the byte offset
/// where the segments start.
fn parse_root(text: &str) -> Result<(Root, usize), String> {
    let mut cur = Cursor::new(text);
    if !cur.eat('$') {
        return Err(format!("Path '{text}' must start with '$'"));
    }
    if cur.eat('$') {
        return Ok((Root::Context, cur.pos));
    }
    match cur.peek() {
        Some(c) if is_ident_start(c) => {
            let start = cur.pos;
            while let Some(c) = cur.peek() {
                if is_ident_char(c) {
                    cur.bump();
                } else {
                    break;
                }
            }
            let name = text.get(start..cur.pos).unwrap_or("").to_string();
            Ok((Root::Variable(name), cur.pos))
        }
        _ => Ok((Root::Input, cur.pos)),
    }
}

fn parse_segments(cur: &mut Cursor, ctx: Ctx) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    loop {
        if segs.len() > MAX_SEGMENTS {
            return Err(cur.err("Path has too many segments"));
        }
        if matches!(segs.last(), Some(Seg::Func(_))) {
            // A function must be the last segment.
            match cur.peek() {
                Some('.') | Some('[') => {
                    return Err(cur.err("A function must be the last element of a path"))
                }
                _ => break,
            }
        }
        match cur.peek() {
            None => break,
            Some('.') => {
                cur.bump();
                if cur.eat('.') {
                    segs.push(Seg::Scan);
                    match cur.peek() {
                        Some('*') => {
                            cur.bump();
                            segs.push(Seg::Wildcard);
                        }
                        Some('[') => segs.push(parse_bracket(cur)?),
                        Some('.') | None => {
                            return Err(cur.err("Path must not end with a '.' or '..'"))
                        }
                        Some(_) => segs.push(parse_dot_name(cur, ctx)?),
                    }
                } else {
                    match cur.peek() {
                        Some('*') => {
                            cur.bump();
                            segs.push(Seg::Wildcard);
                        }
                        Some('[') => segs.push(parse_bracket(cur)?),
                        None => return Err(cur.err("Path must not end with a '.' or '..'")),
                        Some(_) => segs.push(parse_dot_name(cur, ctx)?),
                    }
                }
            }
            Some('[') => segs.push(parse_bracket(cur)?),
            Some(c) => {
                if ctx == Ctx::Filter {
                    break;
                }
                return Err(cur.err(&format!("Unexpected character '{c}'")));
            }
        }
    }
    if matches!(segs.last(), Some(Seg::Scan)) {
        return Err(cur.err("Path must not end with a '.' or '..'"));
    }
    Ok(segs)
}

/// A name after `.`: up to the next `.` or `[` (or, in filters, an operator/space/`)`).
/// `\` escapes the next character. `name(` makes a function call.
fn parse_dot_name(cur: &mut Cursor, ctx: Ctx) -> Result<Seg, String> {
    let mut name = String::new();
    loop {
        match cur.peek() {
            None | Some('.') | Some('[') => break,
            Some('\\') => {
                cur.bump();
                match cur.bump() {
                    Some(c) => name.push(c),
                    None => return Err(cur.err("Path must not end with '\\'")),
                }
            }
            Some('(') => {
                cur.bump();
                if !cur.eat(')') {
                    return Err(cur.err("Functions with arguments are not supported"));
                }
                return match Func::from_name(&name) {
                    Some((f, _)) => Ok(Seg::Func(f)),
                    None => Err(cur.err(&format!("Function of name: {name} cannot be created"))),
                };
            }
            Some(c) if c.is_whitespace() => {
                if ctx == Ctx::Filter {
                    break;
                }
                return Err(cur.err(
                    "Use bracket notion ['my prop'] if your property contains blank characters.",
                ));
            }
            Some(c)
                if ctx == Ctx::Filter
                    && matches!(c, '<' | '>' | '=' | '!' | '&' | '|' | ')' | ',' | ']') =>
            {
                break
            }
            Some(c) => {
                cur.bump();
                name.push(c);
            }
        }
    }
    if name.is_empty() {
        return Err(cur.err("Empty property name"));
    }
    Ok(Seg::Prop(name))
}

/// A quoted name or string. With `raw`, a backslash only keeps the next character from
/// closing the string and is itself kept (the service's Jayway does not unescape bracket
/// member names: `$['a\"b']` names the member `a\"b`).
fn parse_quoted(cur: &mut Cursor, raw: bool) -> Result<String, String> {
    let quote = match cur.bump() {
        Some(q @ ('\'' | '"')) => q,
        _ => return Err(cur.err("Expected a quoted name")),
    };
    let mut s = String::new();
    loop {
        match cur.bump() {
            None => return Err(cur.err("Property has not been closed - missing closing quote")),
            Some('\\') => match cur.bump() {
                Some(c) => {
                    if raw {
                        s.push('\\');
                    }
                    s.push(c)
                }
                None => return Err(cur.err("Property has not been closed - missing closing quote")),
            },
            Some(c) if c == quote => return Ok(s),
            Some(c) => s.push(c),
        }
    }
}

fn parse_int(cur: &mut Cursor) -> Result<Option<i64>, String> {
    cur.skip_ws();
    let start = cur.pos;
    if cur.peek() == Some('-') {
        cur.bump();
    }
    while matches!(cur.peek(), Some('0'..='9')) {
        cur.bump();
    }
    let t = cur.s.get(start..cur.pos).unwrap_or("");
    cur.skip_ws();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i64>()
        .map(Some)
        .map_err(|_| cur.err(&format!("Invalid array index '{t}'")))
}

fn parse_bracket(cur: &mut Cursor) -> Result<Seg, String> {
    cur.bump(); // '['
    cur.skip_ws();
    let seg = match cur.peek() {
        Some('\'' | '"') => {
            let mut names = vec![parse_quoted(cur, true)?];
            loop {
                cur.skip_ws();
                if cur.eat(',') {
                    cur.skip_ws();
                    names.push(parse_quoted(cur, true)?);
                } else {
                    break;
                }
            }
            if names.len() == 1 {
                Seg::Prop(names.pop().unwrap_or_default())
            } else {
                Seg::Props(names)
            }
        }
        Some('*') => {
            cur.bump();
            cur.skip_ws();
            Seg::Wildcard
        }
        Some('?') => {
            cur.bump();
            cur.skip_ws();
            if !cur.eat('(') {
                return Err(cur.err("Filter must be of the form [?(<expression>)]"));
            }
            cur.depth += 1;
            if cur.depth > MAX_FILTER_DEPTH {
                return Err(cur.err("Filter nesting is too deep"));
            }
            let e = parse_or(cur)?;
            cur.depth -= 1;
            cur.skip_ws();
            if !cur.eat(')') {
                return Err(cur.err("Expected ')' to close the filter"));
            }
            cur.skip_ws();
            Seg::Filter(Box::new(e))
        }
        _ => {
            let first = parse_int(cur)?;
            if cur.eat(':') {
                let second = parse_int(cur)?;
                if cur.peek() == Some(':') {
                    return Err(cur.err("Array slices with a step are not supported"));
                }
                Seg::Slice(first, second)
            } else {
                let first = first.ok_or_else(|| cur.err("Could not parse token"))?;
                let mut idx = vec![first];
                while cur.eat(',') {
                    match parse_int(cur)? {
                        Some(i) => idx.push(i),
                        None => return Err(cur.err("Could not parse array index list")),
                    }
                }
                if idx.len() == 1 {
                    Seg::Index(first)
                } else {
                    Seg::Indexes(idx)
                }
            }
        }
    };
    if !cur.eat(']') {
        return Err(cur.err("Expected ']'"));
    }
    Ok(seg)
}

// ------------------------------- filter expressions -----------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    /// A bare operand: existence for paths, the value itself for `true`/`false`.
    Exists(Operand),
    Cmp(Operand, Op, Operand),
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    /// `@...`
    Current(Chain),
    /// `$...` (the document the path is evaluated against)
    Root(Chain),
    Lit(Value),
    Regex(Regex),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Match,
    /// `===`: equality requiring the same kind of value.
    TsEq,
    /// `!==`
    TsNe,
    All,
    In,
    Nin,
    SubsetOf,
    AnyOf,
    NoneOf,
    Size,
    Empty,
    Contains,
}

fn parse_or(cur: &mut Cursor) -> Result<Expr, String> {
    let mut parts = vec![parse_and(cur)?];
    loop {
        cur.skip_ws();
        if cur.eat_str("||") {
            parts.push(parse_and(cur)?);
        } else {
            break;
        }
    }
    Ok(if parts.len() == 1 {
        parts.pop().unwrap_or(Expr::Or(Vec::new()))
    } else {
        Expr::Or(parts)
    })
}

fn parse_and(cur: &mut Cursor) -> Result<Expr, String> {
    let mut parts = vec![parse_unary(cur)?];
    loop {
        cur.skip_ws();
        if cur.eat_str("&&") {
            parts.push(parse_unary(cur)?);
        } else {
            break;
        }
    }
    Ok(if parts.len() == 1 {
        parts.pop().unwrap_or(Expr::And(Vec::new()))
    } else {
        Expr::And(parts)
    })
}

fn parse_unary(cur: &mut Cursor) -> Result<Expr, String> {
    cur.skip_ws();
    cur.depth += 1;
    if cur.depth > MAX_FILTER_DEPTH {
        return Err(cur.err("Filter nesting is too deep"));
    }
    let r = if cur.peek() == Some('!') && cur.peek2() != Some('=') {
        cur.bump();
        parse_unary(cur).map(|e| Expr::Not(Box::new(e)))
    } else if cur.peek() == Some('(') {
        cur.bump();
        let e = parse_or(cur)?;
        cur.skip_ws();
        if !cur.eat(')') {
            return Err(cur.err("Expected ')'"));
        }
        Ok(e)
    } else {
        parse_relation(cur)
    };
    cur.depth -= 1;
    r
}

fn parse_op(cur: &mut Cursor) -> Option<Op> {
    cur.skip_ws();
    const SYMBOLS: [(&str, Op); 7] = [
        ("==", Op::Eq),
        ("!=", Op::Ne),
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("=~", Op::Match),
        ("<", Op::Lt),
        (">", Op::Gt),
    ];
    if cur.eat_str("===") {
        return Some(Op::TsEq);
    }
    if cur.eat_str("!==") {
        return Some(Op::TsNe);
    }
    for (s, op) in SYMBOLS {
        if cur.eat_str(s) {
            return Some(op);
        }
    }
    const WORDS: [(&str, Op); 9] = [
        ("in", Op::In),
        ("nin", Op::Nin),
        ("subsetof", Op::SubsetOf),
        ("anyof", Op::AnyOf),
        ("noneof", Op::NoneOf),
        ("size", Op::Size),
        ("empty", Op::Empty),
        ("contains", Op::Contains),
        ("all", Op::All),
    ];
    let rest = cur.rest();
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    for (w, op) in WORDS {
        if word == w {
            cur.pos += w.len();
            return Some(op);
        }
    }
    None
}

fn parse_relation(cur: &mut Cursor) -> Result<Expr, String> {
    let left = parse_operand(cur)?;
    let save = cur.pos;
    match parse_op(cur) {
        Some(op) => {
            cur.skip_ws();
            let right = parse_operand(cur)?;
            Ok(Expr::Cmp(left, op, right))
        }
        None => {
            cur.pos = save;
            Ok(Expr::Exists(left))
        }
    }
}

fn parse_operand(cur: &mut Cursor) -> Result<Operand, String> {
    cur.skip_ws();
    match cur.peek() {
        Some('@') => {
            cur.bump();
            let segs = parse_segments(cur, Ctx::Filter)?;
            Ok(Operand::Current(Chain::new(segs)))
        }
        Some('$') => {
            cur.bump();
            let segs = parse_segments(cur, Ctx::Filter)?;
            Ok(Operand::Root(Chain::new(segs)))
        }
        Some('\'') | Some('"') => Ok(Operand::Lit(Value::String(parse_quoted(cur, false)?))),
        Some('/') => {
            cur.bump();
            let mut pat = String::new();
            loop {
                match cur.bump() {
                    None => return Err(cur.err("Regular expression has not been closed")),
                    Some('\\') => {
                        pat.push('\\');
                        match cur.bump() {
                            Some(c) => pat.push(c),
                            None => return Err(cur.err("Regular expression has not been closed")),
                        }
                    }
                    Some('/') => break,
                    Some(c) => pat.push(c),
                }
            }
            let mut flags = String::new();
            while let Some(c) = cur.peek() {
                if c.is_ascii_alphabetic() {
                    flags.push(c);
                    cur.bump();
                } else {
                    break;
                }
            }
            let re = Regex::new(&pat, flags.contains('i')).map_err(|e| cur.err(&e))?;
            Ok(Operand::Regex(re))
        }
        Some('[') | Some('{') => {
            // A JSON literal: find its end by bracket matching outside strings.
            let start = cur.pos;
            let mut depth = 0usize;
            let mut in_str: Option<char> = None;
            while let Some(c) = cur.bump() {
                match in_str {
                    Some(q) => {
                        if c == '\\' {
                            cur.bump();
                        } else if c == q {
                            in_str = None;
                        }
                    }
                    None => match c {
                        '\'' | '"' => in_str = Some(c),
                        '[' | '{' => depth += 1,
                        ']' | '}' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    },
                }
            }
            let text = cur.s.get(start..cur.pos).unwrap_or("");
            // Jayway accepts single-quoted strings in JSON literals.
            let json = if text.contains('\'') {
                text.replace('\'', "\"")
            } else {
                text.to_string()
            };
            serde_json::from_str(&json)
                .map(Operand::Lit)
                .map_err(|_| cur.err(&format!("Invalid JSON literal {text}")))
        }
        Some(c) if c == '-' || c.is_ascii_digit() => {
            let start = cur.pos;
            cur.bump();
            while let Some(c) = cur.peek() {
                if c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-') {
                    cur.bump();
                } else {
                    break;
                }
            }
            let t = cur.s.get(start..cur.pos).unwrap_or("");
            serde_json::from_str::<Value>(t)
                .ok()
                .filter(Value::is_number)
                .map(Operand::Lit)
                .ok_or_else(|| cur.err(&format!("Invalid number {t}")))
        }
        _ => {
            for (w, v) in [
                ("true", Value::Bool(true)),
                ("false", Value::Bool(false)),
                ("null", Value::Null),
            ] {
                if cur.eat_str(w) {
                    return Ok(Operand::Lit(v));
                }
            }
            Err(cur.err("Expected a filter operand"))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------

impl Path {
    /// Parses any Path. The error is a human-readable syntax message.
    pub fn parse(text: &str) -> Result<Path, String> {
        // Jayway trims surrounding whitespace before compiling.
        let trimmed = text.trim();
        let (root, start) = parse_root(trimmed)?;
        let mut cur = Cursor::new(trimmed);
        cur.pos = start;
        let segs = parse_segments(&mut cur, Ctx::Top)?;
        if !cur.at_end() {
            return Err(cur.err("Unexpected trailing characters"));
        }
        Ok(Path {
            text: text.to_string(),
            root,
            chain: Chain::new(segs),
        })
    }

    /// Parses a Reference Path: only dot/bracket member names and integer indexes.
    pub fn parse_reference(text: &str) -> Result<Path, String> {
        // Reject the characters a Reference Path may not contain outside quotes unless
        // escaped (the spec forbids `@ , : ?`, and wildcards / deep scan).
        let mut in_quote: Option<char> = None;
        let mut escaped = false;
        let mut prev = '\0';
        for c in text.chars() {
            if escaped {
                escaped = false;
                prev = c;
                continue;
            }
            match in_quote {
                Some(q) => {
                    if c == '\\' {
                        escaped = true;
                    } else if c == q {
                        in_quote = None;
                    }
                }
                None => match c {
                    '\\' => escaped = true,
                    '\'' | '"' if prev == '[' => in_quote = Some(c),
                    '@' | ',' | ':' | '?' | '*' => {
                        return Err(format!(
                            "Reference path '{text}' may not contain '{c}' (only member names and integer indexes are allowed)"
                        ))
                    }
                    _ => {}
                },
            }
            prev = c;
        }
        let p = Path::parse(text)?;
        if !p.chain.is_simple() {
            return Err(format!(
                "Reference path '{text}' must select a single node (only member names and integer indexes are allowed)"
            ));
        }
        Ok(p)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> &Root {
        &self.root
    }

    /// True when the path can only ever select one node (no wildcard, filter, slice,
    /// union or deep scan). As in Jayway, a leaf member union `$['a','b']` is definite
    /// (it selects one object holding those members).
    pub fn is_definite(&self) -> bool {
        self.chain.definite
    }

    /// True for `$` (or `$$`, `$name`) alone.
    pub fn is_root_only(&self) -> bool {
        self.chain.segs.is_empty()
    }

    /// True when the path is a Reference Path (only member names and integer indexes).
    pub fn is_reference(&self) -> bool {
        self.chain.is_simple()
    }

    /// Evaluates the path. A definite path returns the node (borrowed) or a `PathMiss`;
    /// an indefinite path returns an array of every match (possibly empty), as Jayway does.
    /// A `$name` path whose variable does not exist is a `PathMiss` with detail
    /// `Variable 'name' is not defined` (wording not recorded from the service).
    pub fn find<'a>(&self, roots: &'a dyn Roots) -> Result<Cow<'a, Value>, PathMiss> {
        self.find_in(self.doc(roots)?)
    }

    /// The document this path's root selects.
    fn doc<'a>(&self, roots: &'a dyn Roots) -> Result<&'a Value, PathMiss> {
        match &self.root {
            Root::Input => Ok(roots.input()),
            Root::Context => Ok(roots.context()),
            Root::Variable(name) => roots
                .variable(name)
                .ok_or_else(|| PathMiss::new(format!("Variable '{name}' is not defined"))),
        }
    }

    /// Like `find`, but evaluated against an explicit document (ignores the root kind).
    pub fn find_in<'a>(&self, doc: &'a Value) -> Result<Cow<'a, Value>, PathMiss> {
        evaluate(&self.chain, doc, doc, false, &Budget::new())
    }

    /// `find`, charging the work to `shared` (one budget for all the paths of a
    /// template, intrinsic call or Choice rule). Fails like a miss, with a message
    /// saying so, once the budget is spent.
    pub fn find_within<'a>(
        &self,
        roots: &'a dyn Roots,
        shared: &EvalBudget,
    ) -> Result<Cow<'a, Value>, PathMiss> {
        let doc = self.doc(roots)?;
        let allowed = MAX_EVAL_STEPS.min(shared.0.left());
        let local = Budget::with(allowed);
        let result = evaluate(&self.chain, doc, doc, false, &local);
        shared.0.spend(allowed - local.left());
        result
    }

    /// `IsPresent` semantics: true when the path selects something (even `null`).
    /// Jayway-literal: a definite path is present when it matches; an indefinite path is
    /// present unless its definite prefix fails (an empty result list counts as present,
    /// as `JsonPath.read` returns it without raising).
    pub fn exists(&self, roots: &dyn Roots) -> bool {
        self.find(roots).is_ok()
    }

    /// The member name when the path is one member of the root (`$.name`, `$['name']`).
    pub fn single_member(&self) -> Option<&str> {
        match self.chain.segs.as_slice() {
            [Seg::Prop(name)] => Some(name),
            _ => None,
        }
    }

    /// ResultPath semantics for a Reference Path: returns `target` with `value` placed at
    /// this path, creating intermediate objects as needed. `$` replaces the whole document.
    /// Fails (the caller raises `States.ResultPathMatchFailure`) when the path cannot be
    /// applied, e.g. `$.a.b` into a string; the error is the service's cause detail:
    /// `Unable to apply ReferencePath $.a.b to input "foo"` (input rendered as compact
    /// JSON; wording from service reports, not from the recorded corpus).
    /// An existing member keeps its position; an array index must exist.
    pub fn set(&self, target: Value, value: Value) -> Result<Value, String> {
        if self.chain.segs.is_empty() {
            return Ok(value);
        }
        if !self.chain.is_simple() {
            return Err(self.set_failure(&target));
        }
        let mut target = target;
        if set_in(&mut target, &self.chain.segs, value) {
            Ok(target)
        } else {
            Err(self.set_failure(&target))
        }
    }

    /// `set(target.clone(), value)` without copying what `value` replaces: only the
    /// nodes along the path are rebuilt, the rest is cloned once.
    pub fn set_from(&self, target: &Value, value: Value) -> Result<Value, String> {
        if self.chain.segs.is_empty() {
            return Ok(value);
        }
        if !self.chain.is_simple() || !settable(target, &self.chain.segs) {
            return Err(self.set_failure(target));
        }
        Ok(set_copy(Some(target), &self.chain.segs, value))
    }

    fn set_failure(&self, target: &Value) -> String {
        format!(
            "Unable to apply ReferencePath {} to input {}",
            self.text,
            serde_json::to_string(target).unwrap_or_default()
        )
    }
}

/// Places `value` at `segs` inside `node`; false (leaving `node` unchanged) when a
/// non-object / non-array is in the way or an index is out of range.
fn set_in(node: &mut Value, segs: &[Seg], value: Value) -> bool {
    // Check first so that a failure leaves the document untouched.
    if !settable(node, segs) {
        return false;
    }
    let mut cur = node;
    let n = segs.len();
    let mut value = Some(value);
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == n;
        match seg {
            Seg::Prop(name) => {
                let Value::Object(map) = cur else {
                    return false;
                };
                if last {
                    if let Some(v) = value.take() {
                        map.insert(name.clone(), v);
                    }
                    return true;
                }
                cur = map
                    .entry(name.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
            }
            Seg::Index(idx) => {
                let Value::Array(arr) = cur else {
                    return false;
                };
                let Some(i) = effective_index(*idx, arr.len()) else {
                    return false;
                };
                let Some(slot) = arr.get_mut(i) else {
                    return false;
                };
                if last {
                    if let Some(v) = value.take() {
                        *slot = v;
                    }
                    return true;
                }
                cur = slot;
            }
            _ => return false,
        }
    }
    false
}

/// A copy of `node` (`None`: a missing intermediate, created as an object) with
/// `value` placed at `segs`. `settable` has checked the way.
fn set_copy(node: Option<&Value>, segs: &[Seg], value: Value) -> Value {
    let Some((seg, rest)) = segs.split_first() else {
        return value;
    };
    match (seg, node) {
        (Seg::Prop(name), Some(Value::Object(m))) if m.contains_key(name) => {
            // Rebuild this level so that the replaced child is never copied.
            let mut out = Map::with_capacity(m.len());
            let mut value = Some(value);
            for (k, v) in m {
                let v = if k == name {
                    match value.take() {
                        Some(x) => set_copy(Some(v), rest, x),
                        None => v.clone(),
                    }
                } else {
                    v.clone()
                };
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
        (Seg::Prop(name), Some(Value::Object(m))) => {
            let mut out = m.clone();
            out.insert(name.clone(), set_copy(None, rest, value));
            Value::Object(out)
        }
        (Seg::Prop(name), _) => {
            let mut out = Map::new();
            out.insert(name.clone(), set_copy(None, rest, value));
            Value::Object(out)
        }
        (Seg::Index(idx), Some(Value::Array(a))) => {
            let at = effective_index(*idx, a.len());
            let mut value = Some(value);
            Value::Array(
                a.iter()
                    .enumerate()
                    .map(|(i, v)| match (Some(i) == at, value.take()) {
                        (true, Some(x)) => set_copy(Some(v), rest, x),
                        (false, x) => {
                            value = x;
                            v.clone()
                        }
                        (true, None) => v.clone(),
                    })
                    .collect(),
            )
        }
        // Unreachable after `settable`; keep the node as it was.
        (_, node) => node.cloned().unwrap_or(Value::Null),
    }
}

fn settable(node: &Value, segs: &[Seg]) -> bool {
    let mut cur = Some(node);
    for seg in segs {
        match (seg, cur) {
            // A missing intermediate is created as an object.
            (Seg::Prop(_), None) => {}
            (Seg::Prop(name), Some(Value::Object(m))) => cur = m.get(name),
            (Seg::Index(idx), Some(Value::Array(a))) => {
                match effective_index(*idx, a.len()).and_then(|i| a.get(i)) {
                    Some(v) => cur = Some(v),
                    None => return false,
                }
            }
            _ => return false,
        }
    }
    true
}

fn effective_index(idx: i64, len: usize) -> Option<usize> {
    if idx < 0 {
        let e = len as i64 + idx;
        usize::try_from(e).ok()
    } else {
        usize::try_from(idx).ok().filter(|&i| i < len)
    }
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

struct EvalCtx<'c, 'a> {
    chain: &'c Chain,
    root: &'a Value,
    /// Jayway's REQUIRE_PROPERTIES (used for filter existence checks).
    require: bool,
    out: Vec<Cow<'a, Value>>,
    budget: &'c Budget,
}

/// Evaluates `chain` on `doc` (with `root` for `$` inside filters).
fn evaluate<'a>(
    chain: &Chain,
    doc: &'a Value,
    root: &'a Value,
    require: bool,
    budget: &Budget,
) -> Result<Cow<'a, Value>, PathMiss> {
    // Fast path: definite chains of plain members / indexes, no allocation.
    if chain.is_simple() {
        if !budget.spend(chain.segs.len() as u64 + 1) {
            return Err(budget_miss());
        }
        return find_simple(chain, doc);
    }
    let (func, body) = (chain.func, chain.body);
    let mut ctx = EvalCtx {
        chain,
        root,
        require,
        out: Vec::new(),
        budget,
    };
    ctx.eval(0, body, doc)?;
    if budget.exhausted() {
        return Err(budget_miss());
    }
    let definite = chain.definite;
    let result: Cow<'a, Value> = if definite {
        match ctx.out.into_iter().next() {
            Some(v) => v,
            None => {
                return Err(PathMiss::new(format!(
                    "No results for path: {}",
                    chain.render_prefix(body)
                )))
            }
        }
    } else {
        // Copying the matches is work too (`$..*` copies every subtree).
        for v in &ctx.out {
            if let Cow::Borrowed(v) = v {
                if !budget.spend_copy(v) {
                    return Err(budget_miss());
                }
            }
        }
        Cow::Owned(Value::Array(
            ctx.out.into_iter().map(Cow::into_owned).collect(),
        ))
    };
    match func {
        None => Ok(result),
        Some(f) => f.apply(&result).map(Cow::Owned).map_err(PathMiss::new),
    }
}

fn find_simple<'a>(chain: &Chain, doc: &'a Value) -> Result<Cow<'a, Value>, PathMiss> {
    let mut cur = doc;
    let n = chain.segs.len();
    for (i, seg) in chain.segs.iter().enumerate() {
        match seg {
            Seg::Prop(name) => match cur {
                Value::Object(m) => match m.get(name) {
                    Some(v) => cur = v,
                    None => {
                        return Err(if i + 1 == n {
                            PathMiss::new(format!(
                                "No results for path: {}",
                                chain.render_prefix(n)
                            ))
                        } else {
                            PathMiss::new(format!(
                                "Missing property in path {}",
                                chain.render_prefix(i + 1)
                            ))
                        })
                    }
                },
                _ => return Err(not_an_object(chain, i)),
            },
            Seg::Index(idx) => match cur {
                Value::Array(a) => match effective_index(*idx, a.len()).and_then(|j| a.get(j)) {
                    Some(v) => cur = v,
                    None => return Err(index_out_of_bounds(chain, i, *idx)),
                },
                _ => return Err(not_an_array(chain, i, cur)),
            },
            _ => {
                return Err(PathMiss::new(format!(
                    "No results for path: {}",
                    chain.render_prefix(n)
                )))
            }
        }
    }
    Ok(Cow::Borrowed(cur))
}

fn not_an_object(chain: &Chain, i: usize) -> PathMiss {
    let mut frag = String::new();
    if let Some(s) = chain.segs.get(i) {
        s.render(&mut frag, '\'');
    }
    PathMiss::new(format!(
        "Property {} not found in path {}",
        frag,
        chain.render_prefix(i)
    ))
}

fn index_out_of_bounds(chain: &Chain, i: usize, idx: i64) -> PathMiss {
    PathMiss::new(format!(
        "Index out of bounds when evaluating path {}[{idx}]",
        chain.render_prefix(i)
    ))
}

fn not_an_array(chain: &Chain, i: usize, model: &Value) -> PathMiss {
    if model.is_null() {
        return PathMiss::new(format!("The path {} is null", chain.render_prefix(i)));
    }
    let mut frag = String::new();
    if let Some(s) = chain.segs.get(i) {
        s.render(&mut frag, '\'');
    }
    PathMiss::new(format!(
        "Filter: {} can only be applied to arrays. Current context is: {}",
        frag,
        java_string(model)
    ))
}

impl<'c, 'a> EvalCtx<'c, 'a> {
    /// Evaluates segments `i..end` on `node`, pushing matches to `out`.
    fn eval(&mut self, i: usize, end: usize, node: &'a Value) -> Result<(), PathMiss> {
        if !self.budget.spend(1) {
            return Err(budget_miss());
        }
        let chain = self.chain;
        let Some(seg) = chain.segs.get(i).filter(|_| i < end) else {
            self.out.push(Cow::Borrowed(node));
            return Ok(());
        };
        let upstream = chain.upstream.get(i).copied().unwrap_or(false);
        let leaf = i + 1 == end;
        match seg {
            Seg::Prop(name) => {
                let Value::Object(m) = node else {
                    if upstream {
                        return Err(not_an_object(chain, i));
                    }
                    return Ok(());
                };
                match m.get(name) {
                    Some(v) => self.eval(i + 1, end, v),
                    None => {
                        if leaf {
                            if self.require {
                                return Err(PathMiss::new(format!(
                                    "No results for path: {}",
                                    chain.render_prefix(i + 1)
                                )));
                            }
                            Ok(())
                        } else if (upstream && seg.definite(leaf)) || self.require {
                            Err(PathMiss::new(format!(
                                "Missing property in path {}",
                                chain.render_prefix(i + 1)
                            )))
                        } else {
                            Ok(())
                        }
                    }
                }
            }
            Seg::Props(names) => {
                let Value::Object(m) = node else {
                    if upstream {
                        return Err(not_an_object(chain, i));
                    }
                    return Ok(());
                };
                if leaf {
                    let mut merged = Map::new();
                    for n in names {
                        match m.get(n) {
                            Some(v) => {
                                merged.insert(n.clone(), v.clone());
                            }
                            None if self.require => {
                                return Err(PathMiss::new(format!(
                                    "Missing property in path {}[{}]",
                                    chain.render_prefix(i),
                                    names
                                        .iter()
                                        .map(|n| format!("'{n}'"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )))
                            }
                            None => {}
                        }
                    }
                    self.out.push(Cow::Owned(Value::Object(merged)));
                    Ok(())
                } else {
                    for n in names {
                        match m.get(n) {
                            Some(v) => self.eval(i + 1, end, v)?,
                            None if self.require => {
                                return Err(PathMiss::new(format!(
                                    "Missing property in path {}['{}']",
                                    chain.render_prefix(i),
                                    n
                                )))
                            }
                            None => {}
                        }
                    }
                    Ok(())
                }
            }
            Seg::Index(_) | Seg::Indexes(_) | Seg::Slice(..) => {
                let Value::Array(arr) = node else {
                    if upstream {
                        return Err(not_an_array(chain, i, node));
                    }
                    return Ok(());
                };
                let len = arr.len() as i64;
                match seg {
                    Seg::Index(idx) => self.index(arr, *idx, i, end),
                    Seg::Indexes(idxs) => {
                        for idx in idxs {
                            self.index(arr, *idx, i, end)?;
                        }
                        Ok(())
                    }
                    Seg::Slice(from, to) => {
                        // Jayway's ArraySliceToken, quirks included.
                        let (lo, hi) = match (from, to) {
                            (Some(f), None) => {
                                let f = if *f < 0 { len + f } else { *f }.max(0);
                                (f, len)
                            }
                            (None, Some(t)) => {
                                let t = if *t < 0 { len + t } else { *t };
                                (0, t.min(len))
                            }
                            (Some(f), Some(t)) => (*f, (*t).min(len)),
                            (None, None) => (0, len),
                        };
                        if len == 0 || lo >= hi {
                            return Ok(());
                        }
                        // Indexes below -len select nothing: start there, so a huge
                        // negative start (`[-9223372036854775808:1]`) does not loop.
                        let mut k = lo.max(-len);
                        while k < hi {
                            self.index(arr, k, i, end)?;
                            k += 1;
                        }
                        Ok(())
                    }
                    _ => Ok(()),
                }
            }
            Seg::Wildcard => {
                match node {
                    Value::Object(m) => {
                        for v in m.values() {
                            self.eval(i + 1, end, v)?;
                        }
                    }
                    Value::Array(a) => {
                        for v in a {
                            self.eval(i + 1, end, v)?;
                        }
                    }
                    _ => {}
                }
                Ok(())
            }
            Seg::Filter(expr) => match node {
                Value::Object(_) => {
                    if self.accept(expr, node) {
                        self.eval(i + 1, end, node)?;
                    }
                    Ok(())
                }
                Value::Array(a) => {
                    for v in a {
                        if self.accept(expr, v) {
                            self.eval(i + 1, end, v)?;
                        }
                    }
                    Ok(())
                }
                _ => {
                    if upstream {
                        return Err(PathMiss::new(format!(
                            "Filter: [?] can not be applied to primitives. Current context is: {}",
                            java_string(node)
                        )));
                    }
                    Ok(())
                }
            },
            Seg::Scan => self.scan(i + 1, end, node),
            Seg::Func(_) => {
                // Functions are only ever the last segment and are applied by `evaluate`.
                self.out.push(Cow::Borrowed(node));
                Ok(())
            }
        }
    }

    fn index(&mut self, arr: &'a [Value], idx: i64, i: usize, end: usize) -> Result<(), PathMiss> {
        match effective_index(idx, arr.len()).and_then(|j| arr.get(j)) {
            Some(v) => self.eval(i + 1, end, v),
            None if self.chain.upstream.get(i).copied().unwrap_or(false) => {
                Err(index_out_of_bounds(self.chain, i, idx))
            }
            None => Ok(()),
        }
    }

    /// Jayway's ScanPathToken: walks every node (pre-order, iteratively), evaluating the
    /// target segment `t` (and the rest) where the target's predicate matches.
    fn scan(&mut self, t: usize, end: usize, node: &'a Value) -> Result<(), PathMiss> {
        let chain = self.chain;
        let Some(target) = chain.segs.get(t) else {
            return Ok(());
        };
        let target_leaf = t + 1 == end;
        let mut stack: Vec<&'a Value> = vec![node];
        while let Some(n) = stack.pop() {
            if !self.budget.spend(1) {
                return Err(budget_miss());
            }
            match n {
                Value::Object(m) => {
                    let matches = match target {
                        Seg::Prop(p) => m.contains_key(p),
                        Seg::Props(ps) => !target_leaf || ps.iter().all(|p| m.contains_key(p)),
                        Seg::Wildcard => true,
                        Seg::Filter(e) => self.accept(e, n),
                        _ => false,
                    };
                    if matches {
                        self.eval(t, end, n)?;
                    }
                    for v in m.values().rev() {
                        if v.is_object() || v.is_array() {
                            stack.push(v);
                        }
                    }
                }
                Value::Array(a) => {
                    let matches = match target {
                        Seg::Index(_) | Seg::Indexes(_) | Seg::Slice(..) | Seg::Wildcard => true,
                        Seg::Filter(e) => self.accept(e, n),
                        _ => false,
                    };
                    if matches {
                        if target_leaf {
                            self.eval(t, end, n)?;
                        } else {
                            // Jayway applies the rest of the path to every element here.
                            for v in a {
                                self.eval(t + 1, end, v)?;
                            }
                        }
                    }
                    for v in a.iter().rev() {
                        if v.is_object() || v.is_array() {
                            stack.push(v);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn accept(&self, expr: &Expr, item: &Value) -> bool {
        eval_expr(expr, item, self.root, self.budget)
    }
}

// ------------------------------- filter evaluation ------------------------------------

/// Evaluates a filter expression. Once the budget is exhausted every test is false (and
/// the enclosing evaluation fails at its next step).
fn eval_expr(expr: &Expr, item: &Value, root: &Value, budget: &Budget) -> bool {
    if !budget.spend(1) {
        return false;
    }
    match expr {
        Expr::Or(parts) => parts.iter().any(|e| eval_expr(e, item, root, budget)),
        Expr::And(parts) => parts.iter().all(|e| eval_expr(e, item, root, budget)),
        Expr::Not(e) => !eval_expr(e, item, root, budget) && !budget.exhausted(),
        Expr::Exists(op) => match op {
            Operand::Current(c) => evaluate(c, item, root, true, budget).is_ok(),
            Operand::Root(c) => evaluate(c, root, root, true, budget).is_ok(),
            Operand::Lit(Value::Bool(b)) => *b,
            _ => false,
        },
        Expr::Cmp(l, op, r) => {
            if *op == Op::Match {
                let (re, other) = match (l, r) {
                    (Operand::Regex(re), o) | (o, Operand::Regex(re)) => (re, o),
                    _ => return false,
                };
                if matches!(other, Operand::Regex(_)) {
                    return false;
                }
                // Jayway's RegexpEvaluator: strings and numbers match by their text,
                // booleans as `true`/`false`, anything else (or nothing) as ""; an
                // array matches when any element does.
                let v = operand_value(other, item, root, budget);
                return match v.as_deref() {
                    Some(Value::Array(items)) => items
                        .iter()
                        .any(|x| re.is_full_match_within(&regex_input(Some(x)), budget)),
                    other => re.is_full_match_within(&regex_input(other), budget),
                };
            }
            let lv = operand_value(l, item, root, budget);
            let rv = operand_value(r, item, root, budget);
            // Set operators compare every pair: charge that, or `[?(@.a subsetof $.b)]`
            // over big arrays does |items| x |a| x |b| uncounted comparisons.
            if !budget.spend(compare_cost(lv.as_deref(), *op, rv.as_deref())) {
                return false;
            }
            compare(lv.as_deref(), *op, rv.as_deref())
        }
    }
}

fn regex_input(v: Option<&Value>) -> Cow<'_, str> {
    match v {
        Some(Value::String(s)) => Cow::Borrowed(s.as_str()),
        Some(Value::Number(n)) => Cow::Owned(n.to_string()),
        Some(Value::Bool(b)) => Cow::Borrowed(if *b { "true" } else { "false" }),
        _ => Cow::Borrowed(""),
    }
}

fn operand_value<'a>(
    op: &'a Operand,
    item: &'a Value,
    root: &'a Value,
    budget: &Budget,
) -> Option<Cow<'a, Value>> {
    match op {
        Operand::Current(c) => evaluate(c, item, root, false, budget).ok(),
        Operand::Root(c) => evaluate(c, root, root, false, budget).ok(),
        Operand::Lit(v) => Some(Cow::Borrowed(v)),
        Operand::Regex(_) => None,
    }
}

/// Jayway's equality: numbers compare numerically (also with numeric strings), strings
/// compare with strings (and with a number's text), JSON arrays/objects structurally.
fn jayway_eq(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Number(a), Value::Number(b)) => num_cmp(a, b) == Some(std::cmp::Ordering::Equal),
        (Value::Number(a), Value::String(s)) => {
            // Java's BigDecimal(String): digits, sign, point and exponent only.
            let plausible = !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'));
            match s.parse::<f64>() {
                Ok(f) if plausible => a.as_f64() == Some(f),
                _ => false,
            }
        }
        (Value::String(s), Value::Number(n)) => *s == n.to_string(),
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Null, Value::Null) => true,
        (Value::Array(_), Value::Array(_)) | (Value::Object(_), Value::Object(_)) => l == r,
        _ => false,
    }
}

fn is_json(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

fn num_cmp(a: &serde_json::Number, b: &serde_json::Number) -> Option<std::cmp::Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

/// Element comparisons `compare` may make (at least 1).
fn compare_cost(l: Option<&Value>, op: Op, r: Option<&Value>) -> u64 {
    let len = |v: Option<&Value>| match v {
        Some(Value::Array(a)) => a.len() as u64,
        _ => 1,
    };
    match op {
        Op::In | Op::Nin => len(r),
        Op::SubsetOf | Op::AnyOf | Op::NoneOf | Op::All => len(l).saturating_mul(len(r)),
        _ => 1,
    }
    .max(1)
}

fn compare(l: Option<&Value>, op: Op, r: Option<&Value>) -> bool {
    use std::cmp::Ordering;
    let ord = |l: Option<&Value>, r: Option<&Value>| -> Option<Ordering> {
        match (l?, r?) {
            (Value::Number(a), Value::Number(b)) => num_cmp(a, b),
            (Value::String(a), Value::String(b)) => Some(a.encode_utf16().cmp(b.encode_utf16())),
            _ => None,
        }
    };
    let eq = |l: Option<&Value>, r: Option<&Value>| match (l, r) {
        (Some(a), Some(b)) => jayway_eq(a, b),
        _ => false,
    };
    let contains = |arr: &Value, v: &Value| match arr {
        Value::Array(a) => a.iter().any(|x| jayway_eq(v, x)),
        _ => false,
    };
    match op {
        Op::Eq => eq(l, r),
        Op::Ne => !eq(l, r),
        Op::TsEq | Op::TsNe => {
            let same_kind = match (l, r) {
                (Some(a), Some(b)) => {
                    std::mem::discriminant(a) == std::mem::discriminant(b)
                        || (is_json(a) && is_json(b))
                }
                _ => false,
            };
            let equal = same_kind && eq(l, r);
            if op == Op::TsEq {
                equal
            } else {
                !equal
            }
        }
        Op::All => match (l, r) {
            (Some(Value::Array(a)), Some(Value::Array(req))) => {
                req.iter().all(|x| a.iter().any(|y| jayway_eq(y, x)))
            }
            (Some(Value::Object(_)), Some(Value::Array(_))) => true,
            _ => false,
        },
        Op::Lt => ord(l, r) == Some(Ordering::Less),
        Op::Le => matches!(ord(l, r), Some(Ordering::Less | Ordering::Equal)),
        Op::Gt => ord(l, r) == Some(Ordering::Greater),
        Op::Ge => matches!(ord(l, r), Some(Ordering::Greater | Ordering::Equal)),
        Op::Match => false,
        Op::In => match (l, r) {
            (Some(v), Some(arr)) => contains(arr, v),
            _ => false,
        },
        Op::Nin => match (l, r) {
            (Some(v), Some(arr)) => !contains(arr, v),
            _ => true,
        },
        Op::SubsetOf => match (l, r) {
            (Some(Value::Array(a)), Some(set)) => a.iter().all(|x| contains(set, x)),
            _ => false,
        },
        Op::AnyOf => match (l, r) {
            (Some(Value::Array(a)), Some(set)) => a.iter().any(|x| contains(set, x)),
            _ => false,
        },
        Op::NoneOf => match (l, r) {
            (Some(Value::Array(a)), Some(set)) => !a.iter().any(|x| contains(set, x)),
            _ => false,
        },
        Op::Size => {
            let len = match l {
                Some(Value::Array(a)) => a.len(),
                Some(Value::Object(o)) => o.len(),
                Some(Value::String(s)) => s.encode_utf16().count(),
                _ => return false,
            };
            matches!(r, Some(Value::Number(n)) if n.as_u64() == Some(len as u64))
        }
        Op::Empty => {
            let empty = match l {
                Some(Value::Array(a)) => a.is_empty(),
                Some(Value::Object(o)) => o.is_empty(),
                Some(Value::String(s)) => s.is_empty(),
                _ => return false,
            };
            matches!(r, Some(Value::Bool(b)) if *b == empty)
        }
        Op::Contains => match (l, r) {
            (Some(Value::String(s)), Some(Value::String(t))) => s.contains(t.as_str()),
            (Some(arr @ Value::Array(_)), Some(v)) => contains(arr, v),
            _ => false,
        },
    }
}

// ---------------------------------------------------------------------------------------
// A small backtracking regular-expression matcher for `=~` (Java `Pattern.matches`
// semantics: the whole input must match). Supports literals, `.`, classes `[a-z]`,
// `[^...]`, `\d \w \s \D \W \S`, escapes, groups `( )` / `(?: )`, alternation `|`,
// quantifiers `* + ? {n} {n,} {n,m}` (greedy and lazy), anchors `^ $`, flag `i`.
// Matching has a step budget so a pathological pattern fails instead of hanging.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Regex {
    alts: Vec<Vec<Node>>,
    icase: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Atom {
    Char(char),
    Any,
    Class(Vec<ClassItem>, bool),
    Group(Vec<Vec<Node>>),
    Start,
    End,
}

#[derive(Debug, Clone, PartialEq)]
enum ClassItem {
    Range(char, char),
    Digit(bool),
    Word(bool),
    Space(bool),
}

#[derive(Debug, Clone, PartialEq)]
struct Node {
    atom: Atom,
    min: u32,
    max: u32,
    lazy: bool,
}

const REGEX_MAX_REPEAT: u32 = u32::MAX;
const REGEX_STEP_BUDGET: usize = 200_000;

impl Regex {
    fn new(pat: &str, icase: bool) -> Result<Regex, String> {
        let chars: Vec<char> = pat.chars().collect();
        let mut pos = 0;
        let alts = parse_alts(&chars, &mut pos, 0)?;
        if pos != chars.len() {
            return Err("Unbalanced ')' in regular expression".to_string());
        }
        Ok(Regex { alts, icase })
    }

    #[cfg(test)]
    fn is_full_match(&self, text: &str) -> bool {
        self.is_full_match_within(text, &Budget::new())
    }

    /// Matches within the smaller of its own step budget and what is left of the path's,
    /// and charges the steps taken to the path's budget.
    fn is_full_match_within(&self, text: &str, budget: &Budget) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let allowed = (REGEX_STEP_BUDGET as u64).min(budget.0.get()) as usize;
        let m = Matcher {
            text: &chars,
            icase: self.icase,
            budget: std::cell::Cell::new(allowed),
            depth: std::cell::Cell::new(0),
        };
        let matched = self.run(&m, chars.len());
        budget.spend((allowed - m.budget.get()) as u64 + 1);
        matched
    }

    fn run(&self, m: &Matcher<'_>, len: usize) -> bool {
        let group = Node {
            atom: Atom::Group(self.alts.clone()),
            min: 1,
            max: 1,
            lazy: false,
        };
        m.match_seq(std::slice::from_ref(&group), 0, &mut |p| p == len)
    }
}

fn parse_alts(chars: &[char], pos: &mut usize, depth: usize) -> Result<Vec<Vec<Node>>, String> {
    if depth > MAX_FILTER_DEPTH {
        return Err("Regular expression nesting is too deep".to_string());
    }
    let mut alts = vec![Vec::new()];
    while let Some(&c) = chars.get(*pos) {
        let atom = match c {
            '|' => {
                *pos += 1;
                alts.push(Vec::new());
                continue;
            }
            ')' => break,
            '(' => {
                *pos += 1;
                if chars.get(*pos) == Some(&'?') && chars.get(*pos + 1) == Some(&':') {
                    *pos += 2;
                }
                let inner = parse_alts(chars, pos, depth + 1)?;
                if chars.get(*pos) != Some(&')') {
                    return Err("Unclosed group in regular expression".to_string());
                }
                *pos += 1;
                Atom::Group(inner)
            }
            '[' => {
                *pos += 1;
                let neg = chars.get(*pos) == Some(&'^');
                if neg {
                    *pos += 1;
                }
                let mut items = Vec::new();
                let mut first = true;
                loop {
                    let Some(&c) = chars.get(*pos) else {
                        return Err("Unclosed character class in regular expression".to_string());
                    };
                    *pos += 1;
                    if c == ']' && !first {
                        break;
                    }
                    first = false;
                    let lo = if c == '\\' {
                        let Some(&e) = chars.get(*pos) else {
                            return Err("Trailing '\\' in regular expression".to_string());
                        };
                        *pos += 1;
                        match class_escape(e) {
                            Some(item) => {
                                items.push(item);
                                continue;
                            }
                            None => literal_escape(e),
                        }
                    } else {
                        c
                    };
                    if chars.get(*pos) == Some(&'-')
                        && chars.get(*pos + 1).is_some_and(|&n| n != ']')
                    {
                        let mut hi = chars.get(*pos + 1).copied().unwrap_or(lo);
                        *pos += 2;
                        if hi == '\\' {
                            hi = chars.get(*pos).map(|&e| literal_escape(e)).unwrap_or('\\');
                            *pos += 1;
                        }
                        items.push(ClassItem::Range(lo, hi));
                    } else {
                        items.push(ClassItem::Range(lo, lo));
                    }
                }
                Atom::Class(items, neg)
            }
            '\\' => {
                *pos += 1;
                let Some(&e) = chars.get(*pos) else {
                    return Err("Trailing '\\' in regular expression".to_string());
                };
                *pos += 1;
                match class_escape(e) {
                    Some(item) => Atom::Class(vec![item], false),
                    None => Atom::Char(literal_escape(e)),
                }
            }
            '.' => {
                *pos += 1;
                Atom::Any
            }
            '^' => {
                *pos += 1;
                Atom::Start
            }
            '$' => {
                *pos += 1;
                Atom::End
            }
            '*' | '+' | '?' => return Err("Dangling quantifier in regular expression".to_string()),
            _ => {
                *pos += 1;
                Atom::Char(c)
            }
        };
        let (min, max) = match chars.get(*pos) {
            Some('*') => {
                *pos += 1;
                (0, REGEX_MAX_REPEAT)
            }
            Some('+') => {
                *pos += 1;
                (1, REGEX_MAX_REPEAT)
            }
            Some('?') => {
                *pos += 1;
                (0, 1)
            }
            Some('{') => {
                let save = *pos;
                match parse_braces(chars, pos) {
                    Some(r) => r,
                    None => {
                        *pos = save;
                        (1, 1)
                    }
                }
            }
            _ => (1, 1),
        };
        let lazy = (min, max) != (1, 1) && chars.get(*pos) == Some(&'?');
        if lazy {
            *pos += 1;
        }
        if let Some(last) = alts.last_mut() {
            last.push(Node {
                atom,
                min,
                max,
                lazy,
            });
        }
    }
    Ok(alts)
}

fn parse_braces(chars: &[char], pos: &mut usize) -> Option<(u32, u32)> {
    *pos += 1; // '{'
    let num = |pos: &mut usize| -> Option<u32> {
        let start = *pos;
        while chars.get(*pos).is_some_and(|c| c.is_ascii_digit()) {
            *pos += 1;
        }
        let s: String = chars.get(start..*pos)?.iter().collect();
        s.parse().ok()
    };
    let min = num(pos)?;
    let max = if chars.get(*pos) == Some(&',') {
        *pos += 1;
        if chars.get(*pos) == Some(&'}') {
            REGEX_MAX_REPEAT
        } else {
            num(pos)?
        }
    } else {
        min
    };
    if chars.get(*pos) != Some(&'}') || max < min {
        return None;
    }
    *pos += 1;
    Some((min, max))
}

fn class_escape(e: char) -> Option<ClassItem> {
    Some(match e {
        'd' => ClassItem::Digit(true),
        'D' => ClassItem::Digit(false),
        'w' => ClassItem::Word(true),
        'W' => ClassItem::Word(false),
        's' => ClassItem::Space(true),
        'S' => ClassItem::Space(false),
        _ => return None,
    })
}

fn literal_escape(e: char) -> char {
    match e {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'f' => '\u{c}',
        _ => e,
    }
}

struct Matcher<'t> {
    text: &'t [char],
    icase: bool,
    budget: std::cell::Cell<usize>,
    depth: std::cell::Cell<usize>,
}

/// Deepest recursion the matcher allows (group repetitions), keeping the stack bounded.
const REGEX_MAX_DEPTH: usize = 2_000;

impl Matcher<'_> {
    fn tick(&self) -> bool {
        let b = self.budget.get();
        if b == 0 {
            return false;
        }
        self.budget.set(b - 1);
        true
    }

    fn char_eq(&self, a: char, b: char) -> bool {
        a == b || (self.icase && a.to_lowercase().eq(b.to_lowercase()))
    }

    fn class_has(&self, items: &[ClassItem], c: char) -> bool {
        items.iter().any(|it| match *it {
            ClassItem::Range(lo, hi) => {
                (lo..=hi).contains(&c)
                    || (self.icase
                        && (c.to_lowercase().any(|l| (lo..=hi).contains(&l))
                            || c.to_uppercase().any(|u| (lo..=hi).contains(&u))))
            }
            ClassItem::Digit(pos) => c.is_ascii_digit() == pos,
            ClassItem::Word(pos) => (c.is_ascii_alphanumeric() || c == '_') == pos,
            ClassItem::Space(pos) => {
                matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}') == pos
            }
        })
    }

    /// Matches one occurrence of a single-character atom at `p`.
    fn single(&self, atom: &Atom, p: usize) -> bool {
        let Some(&c) = self.text.get(p) else {
            return false;
        };
        match atom {
            Atom::Char(x) => self.char_eq(*x, c),
            Atom::Any => c != '\n' && c != '\r',
            Atom::Class(items, neg) => self.class_has(items, c) != *neg,
            _ => false,
        }
    }

    fn match_seq(&self, nodes: &[Node], p: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
        if !self.tick() {
            return false;
        }
        let Some((node, rest)) = nodes.split_first() else {
            return k(p);
        };
        match &node.atom {
            Atom::Start => p == 0 && self.match_seq(rest, p, k),
            Atom::End => p == self.text.len() && self.match_seq(rest, p, k),
            Atom::Group(_) => {
                let d = self.depth.get();
                if d >= REGEX_MAX_DEPTH {
                    return false;
                }
                self.depth.set(d + 1);
                let r = self.match_group(node, rest, p, 0, k);
                self.depth.set(d);
                r
            }
            atom => {
                // Single-character atom: count the run, then try lengths in order.
                let mut run = 0u32;
                while run < node.max && self.single(atom, p + run as usize) {
                    run += 1;
                    if !self.tick() {
                        return false;
                    }
                }
                if run < node.min {
                    return false;
                }
                if node.lazy {
                    (node.min..=run).any(|n| self.match_seq(rest, p + n as usize, k))
                } else {
                    (node.min..=run)
                        .rev()
                        .any(|n| self.match_seq(rest, p + n as usize, k))
                }
            }
        }
    }

    fn match_group(
        &self,
        node: &Node,
        rest: &[Node],
        p: usize,
        count: u32,
        k: &mut dyn FnMut(usize) -> bool,
    ) -> bool {
        let Atom::Group(alts) = &node.atom else {
            return false;
        };
        if !self.tick() {
            return false;
        }
        let can_stop = count >= node.min;
        if node.lazy && can_stop && self.match_seq(rest, p, k) {
            return true;
        }
        if count < node.max {
            for alt in alts {
                let mut cont = |q: usize| {
                    if q == p {
                        // An empty iteration can repeat to satisfy any minimum.
                        self.match_seq(rest, q, k)
                    } else {
                        let d = self.depth.get();
                        if d >= REGEX_MAX_DEPTH {
                            return false;
                        }
                        self.depth.set(d + 1);
                        let r = self.match_group(node, rest, q, count.saturating_add(1), k);
                        self.depth.set(d);
                        r
                    }
                };
                if self.match_seq(alt, p, &mut cont) {
                    return true;
                }
            }
        }
        !node.lazy && can_stop && self.match_seq(rest, p, k)
    }
}

// ---------------------------------------------------------------------------------------
// Java-style rendering (shared with intrinsics)
// ---------------------------------------------------------------------------------------

/// Renders a value the way Java's `toString` renders the maps/lists/boxed values Jackson
/// produces: strings unquoted, `null`, `{a=1, b=[1, 2]}`, doubles as `Double.toString`.
/// Used by `States.Format` and in Jayway error messages.
pub fn java_string(v: &Value) -> String {
    let mut out = String::new();
    write_java(v, &mut out, 0);
    out
}

/// [`java_string`], appending to `out`.
pub fn write_java_string(v: &Value, out: &mut String) {
    write_java(v, out, 0);
}

fn write_java(v: &Value, out: &mut String, depth: usize) {
    if depth > MAX_RENDER_DEPTH {
        out.push_str("...");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::String(s) => out.push_str(s),
        Value::Number(n) => out.push_str(&java_number(n)),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_java(x, out, depth + 1);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                write_java(x, out, depth + 1);
            }
            out.push('}');
        }
    }
}

/// Java's rendering of a JSON number: integers as-is, doubles as `Double.toString`
/// (`1.1`, `100.0`, `1.0E20`, `1.0E-5`).
pub fn java_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    match n.as_f64() {
        Some(f) => java_double(f),
        None => n.to_string(),
    }
}

/// Java's `Double.toString` (shortest round-trip digits).
pub fn java_double(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    let a = f.abs();
    if (1e-3..1e7).contains(&a) {
        let s = format!("{f}");
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        // Rust's `{:e}` gives the shortest digits: "1.5e20", "1e-5".
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
        let mant = if mant.contains('.') {
            mant.to_string()
        } else {
            format!("{mant}.0")
        };
        format!("{mant}E{exp}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn find(path: &str, doc: &Value) -> Result<Value, String> {
        Path::parse(path)
            .map_err(|e| format!("parse: {e}"))?
            .find_in(doc)
            .map(Cow::into_owned)
            .map_err(|m| m.detail)
    }

    #[test]
    fn definite_paths() {
        let doc = json!({"a": {"b": [10, 20, {"c": "x"}]}, "x y": 1, "s.t": 2});
        assert_eq!(find("$", &doc).unwrap(), doc);
        assert_eq!(find("$.a.b[0]", &doc).unwrap(), json!(10));
        assert_eq!(find("$.a.b[-1].c", &doc).unwrap(), json!("x"));
        assert_eq!(find("$['x y']", &doc).unwrap(), json!(1));
        assert_eq!(find("$[\"x y\"]", &doc).unwrap(), json!(1));
        assert_eq!(find("$.s\\.t", &doc).unwrap(), json!(2));
        assert_eq!(find("$.a.['b'][1]", &doc).unwrap(), json!(20));
    }

    #[test]
    fn borrowed_for_definite() {
        let doc = json!({"a": {"b": 1}});
        let p = Path::parse("$.a").unwrap();
        assert!(matches!(p.find_in(&doc), Ok(Cow::Borrowed(_))));
        let p = Path::parse("$").unwrap();
        assert!(matches!(p.find_in(&doc), Ok(Cow::Borrowed(_))));
    }

    #[test]
    fn misses() {
        let doc = json!({"a": {"b": 1}, "arr": [1], "s": "str", "n": null});
        assert_eq!(
            find("$.X", &doc).unwrap_err(),
            "No results for path: $['X']"
        );
        assert_eq!(
            find("$.no.such.result.path", &doc).unwrap_err(),
            "Missing property in path $['no']"
        );
        assert_eq!(
            find("$.a.c", &doc).unwrap_err(),
            "No results for path: $['a']['c']"
        );
        assert_eq!(
            find("$.arr[5]", &doc).unwrap_err(),
            "Index out of bounds when evaluating path $['arr'][5]"
        );
        assert_eq!(find("$.n[0]", &doc).unwrap_err(), "The path $['n'] is null");
        assert_eq!(
            find("$.s.x", &doc).unwrap_err(),
            "Property ['x'] not found in path $['s']"
        );
    }

    #[test]
    fn roots() {
        assert_eq!(
            Path::parse("$$.Execution.Id").unwrap().root(),
            &Root::Context
        );
        assert_eq!(
            Path::parse("$myVar.a[0]").unwrap().root(),
            &Root::Variable("myVar".into())
        );
        assert_eq!(Path::parse("$").unwrap().root(), &Root::Input);
        assert!(Path::parse("$x").unwrap().is_root_only());
    }

    #[test]
    fn set_basics() {
        let p = Path::parse_reference("$.a.b").unwrap();
        assert_eq!(
            p.set(json!({"z": 1}), json!(2)).unwrap(),
            json!({"z": 1, "a": {"b": 2}})
        );
        assert!(p.set(json!("foo"), json!(2)).is_err());
        let p = Path::parse_reference("$").unwrap();
        assert_eq!(p.set(json!({"z": 1}), json!(2)).unwrap(), json!(2));
    }

    #[test]
    fn set_from_matches_set() {
        let docs = [
            json!({"z": 1, "a": {"b": 1, "c": [1, 2]}, "y": [{"k": 1}, {"k": 2}]}),
            json!({"a": 5}),
            json!({"a": null}),
            json!([1, 2]),
            json!("foo"),
            json!({}),
        ];
        let paths = [
            "$",
            "$.a",
            "$.a.b",
            "$.a.c",
            "$.a.c[1]",
            "$.a.c[-1]",
            "$.a.c[5]",
            "$.y[0].k",
            "$.y[1].new.deep",
            "$.n.m",
            "$[0]",
            "$['a']",
            "$.a.b.c",
        ];
        for text in paths {
            let p = Path::parse_reference(text).unwrap();
            for d in &docs {
                let value = json!({"v": [true]});
                assert_eq!(
                    p.set_from(d, value.clone()),
                    p.set(d.clone(), value),
                    "{text} on {d}"
                );
            }
        }
        // Key order: a replaced key keeps its place, a new one goes last.
        let p = Path::parse_reference("$.a").unwrap();
        let out = p.set_from(&json!({"a": 1, "b": 2}), json!(3)).unwrap();
        assert_eq!(out.to_string(), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn slice_with_huge_negative_start_is_bounded() {
        // Found while adding fuzzing (a hang): the slice loop used to start at i64::MIN.
        let doc = json!([1, 2, 3]);
        // Jayway quirk: negative starts are visited in order, then wrap (-3, -2, -1, 0, 1).
        assert_eq!(
            find("$[-9223372036854775808:2]", &doc).unwrap(),
            json!([1, 2, 3, 1, 2])
        );
        assert_eq!(find("$[-2:3]", &doc).unwrap(), json!([2, 3, 1, 2, 3]));
        assert_eq!(
            find("$[-9223372036854775808:]", &doc).unwrap(),
            json!([1, 2, 3])
        );
        assert_eq!(find("$[:-9223372036854775808]", &doc).unwrap(), json!([]));
    }

    #[test]
    fn evaluation_work_is_bounded() {
        // Found while adding fuzzing: deep scans multiply (`$..a..a..a..a` over a
        // 100-level document took hours), and so do `$..` paths inside filters.
        let mut doc = json!(1);
        for _ in 0..100 {
            doc = json!({ "a": doc });
        }
        assert_eq!(find("$..a", &doc).unwrap().as_array().unwrap().len(), 100);
        assert_eq!(
            find("$..a..a", &doc).unwrap().as_array().unwrap().len(),
            4950
        );
        assert_eq!(find("$..a..a..a..a", &doc).unwrap_err(), BUDGET_MESSAGE);
        let items: Vec<Value> = (0..300).map(|i| json!({ "a": i })).collect();
        let doc = json!({ "x": items, "d": doc });
        assert_eq!(find("$.x[?($..a..a)]", &doc).unwrap_err(), BUDGET_MESSAGE);
        assert_eq!(
            find("$.x[?(@.a > 297)].a", &doc).unwrap(),
            json!([298, 299])
        );
        // Set operators over big arrays: |items| x |a| x |b| comparisons.
        let big: Vec<Value> = (0..3000).map(|i| json!(i)).collect();
        let doc = json!({ "a": big });
        assert_eq!(
            find("$.a[?($.a subsetof $.a)]", &doc).unwrap_err(),
            BUDGET_MESSAGE
        );
        assert_eq!(find("$.a[?(@ in [1, 2])]", &doc).unwrap(), json!([1, 2]));
    }

    #[test]
    fn java_doubles() {
        assert_eq!(java_double(1.1), "1.1");
        assert_eq!(java_double(100.0), "100.0");
        assert_eq!(java_double(1e20), "1.0E20");
        assert_eq!(java_double(1.5e-5), "1.5E-5");
        assert_eq!(java_double(1234567.0), "1234567.0");
        assert_eq!(java_double(12345678.0), "1.2345678E7");
    }

    #[test]
    fn regex_matcher() {
        let r = |p: &str, t: &str| Regex::new(p, false).unwrap().is_full_match(t);
        assert!(r("foo.*", "foobar"));
        assert!(!r("foo", "foobar"));
        assert!(r("a(b|c)+d", "abcbd"));
        assert!(r("[a-c]{2,3}", "abc"));
        assert!(!r("[a-c]{2,3}", "abcd"));
        assert!(r("\\d+\\.\\d*", "12.5"));
        assert!(Regex::new("FOO", true).unwrap().is_full_match("foo"));
        assert!(!r("(a*)*b", &"a".repeat(40)));
    }
}
