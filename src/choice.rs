//! Choice rules (JSONPath query language): Boolean combinators (`And`, `Or`, `Not`) and
//! data-test rules (`Variable` + one comparator, including every `...Path` form,
//! `StringMatches`, `Is*` tests), with the service's exact semantics (type mismatches
//! are false, `IsPresent` tolerates missing paths, code-unit string ordering, …).
//!
//! CONTRACT: `Rule::compile` once from the rule's JSON (already validated), `eval`
//! many times; never panics.
//!
//! Semantics implemented (ASL-CHECKLIST §3, checked against the AWS-recorded
//! `choice_operators` corpus):
//! - A comparator whose operand has the wrong JSON type is simply false: `NumericEquals`
//!   on `"0"`, `BooleanEquals` on `0`, `StringEquals` on `1`, `Timestamp*` on a string that
//!   is not a timestamp.
//! - Numbers compare as IEEE doubles (`0 == 0.0`); strings by UTF-16 code units (Java's
//!   `String.compareTo`), with no normalisation.
//! - `Is*` tests compare the type predicate with the given boolean (`"IsNull": false` is
//!   true for every non-null value).
//! - A `Variable` path that selects nothing is a runtime error, except for `IsPresent`
//!   (which is then simply false/true). A `...Path` operand that selects nothing is the
//!   same runtime error, naming the operand's path.
//! - `StringMatches`: `*` matches any run of characters; `\*` is a literal star and `\\`
//!   a literal backslash; any other backslash makes the rule fail at run time.
//!
//! Evaluation does not allocate except on the error path or when a path module returns
//! an owned value (indefinite paths).

use crate::path::{EvalBudget, Path, Roots};
use crate::timestamp::{self, Instant};
use serde_json::Value;
use std::cmp::Ordering;

/// A runtime failure while evaluating a rule (e.g. the `Variable` path matches nothing
/// for a comparator other than `IsPresent`). The engine raises it as `States.Runtime`
/// with this message as the cause detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub message: String,
}

/// A compiled Choice rule (top-level or nested). `Next` and `Assign` are not part of
/// it: the engine keeps those beside the rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    node: Node,
}

/// Deepest nesting of `And`/`Or`/`Not` accepted, so a hostile definition cannot exhaust
/// the stack at compile or evaluation time.
pub const MAX_RULE_DEPTH: usize = 200;

/// Fields a rule object may carry that are not part of the condition itself.
const IGNORED_FIELDS: [&str; 4] = ["Next", "Assign", "Comment", "Output"];

impl Rule {
    /// Compiles a rule object. Errors are human-readable (unknown comparator, bad path…).
    pub fn compile(rule: &Value) -> Result<Rule, String> {
        let mut at = String::new();
        compile_node(rule, &mut at, 0).map(|node| Rule { node })
    }

    /// Evaluates the rule. All its paths share one work budget ([`EvalBudget`]).
    pub fn eval(&self, roots: &dyn Roots) -> Result<bool, RuleError> {
        self.node.eval(roots, &EvalBudget::new())
    }
}

/// The message the service gives when a rule's path selects nothing (the engine wraps it
/// as `States.Runtime`, prefixed with the usual "An error occurred while executing the
/// state …" sentence).
pub fn missing_path_message(path: &str) -> String {
    format!("Invalid path '{path}': The choice state's condition path references an invalid value.")
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Test(Box<DataTest>),
}

impl Node {
    fn eval(&self, roots: &dyn Roots, budget: &EvalBudget) -> Result<bool, RuleError> {
        match self {
            Node::And(rules) => {
                for rule in rules {
                    if !rule.eval(roots, budget)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Node::Or(rules) => {
                for rule in rules {
                    if rule.eval(roots, budget)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Node::Not(rule) => Ok(!rule.eval(roots, budget)?),
            Node::Test(test) => test.eval(roots, budget),
        }
    }
}

/// A path plus the error to raise when it selects nothing (built once, at compile time).
#[derive(Debug, Clone, PartialEq)]
struct CheckedPath {
    path: Path,
    missing: String,
}

impl CheckedPath {
    fn compile(text: &str) -> Result<CheckedPath, String> {
        let path = Path::parse(text)?;
        Ok(CheckedPath {
            path,
            missing: missing_path_message(text),
        })
    }

    fn find<'a>(
        &self,
        roots: &'a dyn Roots,
        budget: &EvalBudget,
    ) -> Result<std::borrow::Cow<'a, Value>, RuleError> {
        self.path
            .find_within(roots, budget)
            .map_err(|miss| RuleError {
                message: if miss.over_budget() {
                    self.over_budget(&miss)
                } else {
                    self.missing.clone()
                },
            })
    }

    /// `IsPresent`: a miss is simply `false`, but running out of budget is an error.
    fn present(&self, roots: &dyn Roots, budget: &EvalBudget) -> Result<bool, RuleError> {
        match self.path.find_within(roots, budget) {
            Ok(_) => Ok(true),
            Err(miss) if miss.over_budget() => Err(RuleError {
                message: self.over_budget(&miss),
            }),
            Err(_) => Ok(false),
        }
    }

    fn over_budget(&self, miss: &crate::path::PathMiss) -> String {
        format!("Invalid path '{}': {}", self.path.as_str(), miss.detail)
    }
}

#[derive(Debug, Clone, PartialEq)]
struct DataTest {
    variable: CheckedPath,
    test: Test,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

impl Order {
    fn from_name(name: &str) -> Option<Order> {
        Some(match name {
            "Equals" => Order::Equals,
            "LessThan" => Order::LessThan,
            "GreaterThan" => Order::GreaterThan,
            "LessThanEquals" => Order::LessThanEquals,
            "GreaterThanEquals" => Order::GreaterThanEquals,
            _ => return None,
        })
    }

    fn holds(self, ordering: Option<Ordering>) -> bool {
        let Some(o) = ordering else { return false };
        match self {
            Order::Equals => o == Ordering::Equal,
            Order::LessThan => o == Ordering::Less,
            Order::GreaterThan => o == Ordering::Greater,
            Order::LessThanEquals => o != Ordering::Greater,
            Order::GreaterThanEquals => o != Ordering::Less,
        }
    }
}

/// The right-hand side of a comparison: a literal from the definition or a path.
#[derive(Debug, Clone, PartialEq)]
enum Operand<T> {
    Literal(T),
    Path(CheckedPath),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Numeric,
    String,
    Boolean,
    Timestamp,
}

impl Kind {
    fn matches(self, value: &Value) -> bool {
        match self {
            Kind::Null => value.is_null(),
            Kind::Numeric => value.is_number(),
            Kind::String => value.is_string(),
            Kind::Boolean => value.is_boolean(),
            Kind::Timestamp => value.as_str().and_then(timestamp::parse).is_some(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Test {
    IsPresent(bool),
    Is(Kind, bool),
    String(Order, Operand<String>),
    Numeric(Order, Operand<f64>),
    Boolean(Operand<bool>),
    Timestamp(Order, Operand<Instant>),
    Matches(Pattern),
}

impl DataTest {
    fn eval(&self, roots: &dyn Roots, budget: &EvalBudget) -> Result<bool, RuleError> {
        if let Test::IsPresent(expected) = self.test {
            return Ok(self.variable.present(roots, budget)? == expected);
        }
        let value = self.variable.find(roots, budget)?;
        let value: &Value = &value;
        match &self.test {
            Test::IsPresent(_) => Ok(true),
            Test::Is(kind, expected) => Ok(kind.matches(value) == *expected),
            Test::String(order, operand) => {
                let left = value.as_str();
                Ok(match operand {
                    Operand::Literal(right) => {
                        left.is_some_and(|l| compare_strings(order, l, right))
                    }
                    Operand::Path(path) => {
                        let right = path.find(roots, budget)?;
                        match (left, right.as_str()) {
                            (Some(l), Some(r)) => compare_strings(order, l, r),
                            _ => false,
                        }
                    }
                })
            }
            Test::Numeric(order, operand) => {
                let left = value.as_f64();
                let right = match operand {
                    Operand::Literal(n) => Some(*n),
                    Operand::Path(path) => path.find(roots, budget)?.as_f64(),
                };
                Ok(match (left, right) {
                    (Some(l), Some(r)) => order.holds(l.partial_cmp(&r)),
                    _ => false,
                })
            }
            Test::Boolean(operand) => {
                let left = value.as_bool();
                let right = match operand {
                    Operand::Literal(b) => Some(*b),
                    Operand::Path(path) => path.find(roots, budget)?.as_bool(),
                };
                Ok(matches!((left, right), (Some(l), Some(r)) if l == r))
            }
            Test::Timestamp(order, operand) => {
                let left = value.as_str().and_then(timestamp::parse);
                let right = match operand {
                    Operand::Literal(t) => Some(*t),
                    Operand::Path(path) => path
                        .find(roots, budget)?
                        .as_str()
                        .and_then(timestamp::parse),
                };
                Ok(match (left, right) {
                    (Some(l), Some(r)) => order.holds(Some(l.cmp(&r))),
                    _ => false,
                })
            }
            Test::Matches(pattern) => match value.as_str() {
                Some(s) => pattern.matches(s),
                None => Ok(false),
            },
        }
    }
}

fn compare_strings(order: &Order, left: &str, right: &str) -> bool {
    match order {
        // Equal code points <=> equal UTF-16 code units: no need to transcode.
        Order::Equals => left == right,
        _ => order.holds(Some(compare_utf16(left, right))),
    }
}

/// Orders two strings as Java's `String.compareTo` does: by UTF-16 code units. This
/// differs from Rust's byte (code point) order only when a supplementary character
/// (encoded as surrogates, 0xD800–0xDFFF) meets a BMP character in 0xE000–0xFFFF.
pub fn compare_utf16(left: &str, right: &str) -> Ordering {
    left.encode_utf16().cmp(right.encode_utf16())
}

/// A compiled `StringMatches` pattern.
#[derive(Debug, Clone, PartialEq)]
struct Pattern {
    kind: PatternKind,
}

#[derive(Debug, Clone, PartialEq)]
enum PatternKind {
    /// No wildcard: plain equality.
    Exact(String),
    /// At least one `*`: `prefix*middle1*…*middleN*suffix` (empty middles removed).
    Glob {
        prefix: String,
        middles: Vec<String>,
        suffix: String,
    },
    /// A backslash escaping something other than `*` or `\`: fails when evaluated.
    Invalid(String),
}

impl Pattern {
    fn compile(pattern: &str) -> Pattern {
        let mut pieces: Vec<String> = vec![String::new()];
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '*' => pieces.push(String::new()),
                '\\' => match chars.next() {
                    Some(escaped @ ('*' | '\\')) => {
                        if let Some(last) = pieces.last_mut() {
                            last.push(escaped);
                        }
                    }
                    other => {
                        let what = match other {
                            Some(c) => format!("'\\{c}'"),
                            None => "a trailing backslash".to_string(),
                        };
                        return Pattern {
                            kind: PatternKind::Invalid(format!(
                                "Invalid StringMatches pattern '{pattern}': {what} is not a valid escape (only '\\*' and '\\\\' are)."
                            )),
                        };
                    }
                },
                c => {
                    if let Some(last) = pieces.last_mut() {
                        last.push(c);
                    }
                }
            }
        }
        let kind = if pieces.len() == 1 {
            PatternKind::Exact(pieces.pop().unwrap_or_default())
        } else {
            let suffix = pieces.pop().unwrap_or_default();
            let mut rest = pieces.into_iter();
            let prefix = rest.next().unwrap_or_default();
            let middles = rest.filter(|m| !m.is_empty()).collect();
            PatternKind::Glob {
                prefix,
                middles,
                suffix,
            }
        };
        Pattern { kind }
    }

    /// Linear-time matching: the prefix and suffix are anchored, and each middle piece
    /// is found leftmost in what remains (greedy leftmost is exact for `*`-only globs).
    fn matches(&self, text: &str) -> Result<bool, RuleError> {
        match &self.kind {
            PatternKind::Exact(s) => Ok(text == s),
            PatternKind::Invalid(message) => Err(RuleError {
                message: message.clone(),
            }),
            PatternKind::Glob {
                prefix,
                middles,
                suffix,
            } => {
                if text.len() < prefix.len() + suffix.len()
                    || !text.starts_with(prefix.as_str())
                    || !text.ends_with(suffix.as_str())
                {
                    return Ok(false);
                }
                let Some(mut rest) = text.get(prefix.len()..text.len() - suffix.len()) else {
                    return Ok(false);
                };
                for middle in middles {
                    match rest.find(middle.as_str()) {
                        Some(i) => match rest.get(i + middle.len()..) {
                            Some(r) => rest = r,
                            None => return Ok(false),
                        },
                        None => return Ok(false),
                    }
                }
                Ok(true)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Compilation

fn located(message: String, at: &str) -> String {
    if at.is_empty() {
        message
    } else {
        format!("{message} (at {at})")
    }
}

fn compile_node(rule: &Value, at: &mut String, depth: usize) -> Result<Node, String> {
    if depth > MAX_RULE_DEPTH {
        return Err(located(
            format!("Choice rule nesting is deeper than {MAX_RULE_DEPTH} levels"),
            at,
        ));
    }
    let Some(obj) = rule.as_object() else {
        return Err(located(
            format!(
                "A Choice rule must be a JSON object, got {}",
                type_name(rule)
            ),
            at,
        ));
    };

    let boolean: Vec<&str> = ["And", "Or", "Not"]
        .into_iter()
        .filter(|k| obj.contains_key(*k))
        .collect();
    if !boolean.is_empty() {
        if boolean.len() > 1 {
            return Err(located(
                format!(
                    "A Choice rule must have only one of And, Or, Not (found {})",
                    boolean.join(", ")
                ),
                at,
            ));
        }
        if let Some(key) = obj
            .keys()
            .find(|k| !boolean.contains(&k.as_str()) && !IGNORED_FIELDS.contains(&k.as_str()))
        {
            return Err(located(
                format!(
                    "Field '{key}' is not allowed in a Choice rule that uses {}",
                    boolean.join("")
                ),
                at,
            ));
        }
        return compile_boolean(obj, boolean.first().copied().unwrap_or("And"), at, depth);
    }

    if obj.contains_key("Condition") {
        return Err(located(
            "A Choice rule with 'Condition' belongs to the JSONata query language; JSONPath rules use Variable and a comparator".to_string(),
            at,
        ));
    }

    let variable = match obj.get("Variable") {
        Some(Value::String(text)) => CheckedPath::compile(text)
            .map_err(|e| located(format!("Invalid Variable path '{text}': {e}"), at))?,
        Some(other) => {
            return Err(located(
                format!("Variable must be a string path, got {}", type_name(other)),
                at,
            ))
        }
        None => {
            return Err(located(
                "A Choice rule must have And, Or, Not, or a Variable with a comparator".to_string(),
                at,
            ))
        }
    };

    let mut comparator: Option<(&str, &Value)> = None;
    for (key, value) in obj {
        let key = key.as_str();
        if key == "Variable" || IGNORED_FIELDS.contains(&key) {
            continue;
        }
        if !is_comparator(key) {
            return Err(located(
                format!("Unknown field '{key}' in Choice rule (not a comparator)"),
                at,
            ));
        }
        if let Some((first, _)) = comparator {
            return Err(located(
                format!("A Choice rule must have exactly one comparator (found {first} and {key})"),
                at,
            ));
        }
        comparator = Some((key, value));
    }
    let Some((name, operand)) = comparator else {
        return Err(located(
            "A Choice rule with a Variable must have a comparator".to_string(),
            at,
        ));
    };
    let test = compile_test(name, operand).map_err(|e| located(e, at))?;
    Ok(Node::Test(Box::new(DataTest { variable, test })))
}

fn compile_boolean(
    obj: &serde_json::Map<String, Value>,
    key: &str,
    at: &mut String,
    depth: usize,
) -> Result<Node, String> {
    let value = obj.get(key).unwrap_or(&Value::Null);
    let mark = at.len();
    at.push('/');
    at.push_str(key);
    let result = if key == "Not" {
        if value.is_object() {
            compile_node(value, at, depth + 1).map(|n| Node::Not(Box::new(n)))
        } else {
            Err(located(
                format!("Not must be a single rule object, got {}", type_name(value)),
                at,
            ))
        }
    } else {
        match value.as_array() {
            Some(items) if !items.is_empty() => {
                let mut nodes = Vec::with_capacity(items.len());
                let mut failed = None;
                for (i, item) in items.iter().enumerate() {
                    let inner = at.len();
                    at.push_str(&format!("/{i}"));
                    let node = compile_node(item, at, depth + 1);
                    at.truncate(inner);
                    match node {
                        Ok(n) => nodes.push(n),
                        Err(e) => {
                            failed = Some(e);
                            break;
                        }
                    }
                }
                match failed {
                    Some(e) => Err(e),
                    None if key == "And" => Ok(Node::And(nodes)),
                    None => Ok(Node::Or(nodes)),
                }
            }
            Some(_) => Err(located(
                format!("{key} must be a non-empty array of rules"),
                at,
            )),
            None => Err(located(
                format!(
                    "{key} must be a non-empty array of rules, got {}",
                    type_name(value)
                ),
                at,
            )),
        }
    };
    at.truncate(mark);
    result
}

const IS_TESTS: [(&str, Option<Kind>); 6] = [
    ("IsPresent", None),
    ("IsNull", Some(Kind::Null)),
    ("IsNumeric", Some(Kind::Numeric)),
    ("IsString", Some(Kind::String)),
    ("IsBoolean", Some(Kind::Boolean)),
    ("IsTimestamp", Some(Kind::Timestamp)),
];

fn is_comparator(name: &str) -> bool {
    if name == "StringMatches" || IS_TESTS.iter().any(|(n, _)| *n == name) {
        return true;
    }
    let base = name.strip_suffix("Path").unwrap_or(name);
    if base == "BooleanEquals" {
        return true;
    }
    ["String", "Numeric", "Timestamp"].iter().any(|family| {
        base.strip_prefix(family)
            .is_some_and(|rest| Order::from_name(rest).is_some())
    })
}

fn compile_test(name: &str, operand: &Value) -> Result<Test, String> {
    if let Some((_, kind)) = IS_TESTS.iter().find(|(n, _)| *n == name) {
        let Some(expected) = operand.as_bool() else {
            return Err(format!(
                "{name} must be true or false, got {}",
                type_name(operand)
            ));
        };
        return Ok(match kind {
            None => Test::IsPresent(expected),
            Some(kind) => Test::Is(*kind, expected),
        });
    }
    if name == "StringMatches" {
        return match operand.as_str() {
            Some(p) => Ok(Test::Matches(Pattern::compile(p))),
            None => Err(format!(
                "StringMatches must be a string, got {}",
                type_name(operand)
            )),
        };
    }

    let (base, by_path) = match name.strip_suffix("Path") {
        Some(base) => (base, true),
        None => (name, false),
    };
    if by_path {
        let Some(text) = operand.as_str() else {
            return Err(format!(
                "{name} must be a string path, got {}",
                type_name(operand)
            ));
        };
        let path =
            CheckedPath::compile(text).map_err(|e| format!("Invalid {name} path '{text}': {e}"))?;
        return Ok(if base == "BooleanEquals" {
            Test::Boolean(Operand::Path(path))
        } else if let Some(order) = family_order(base, "String") {
            Test::String(order, Operand::Path(path))
        } else if let Some(order) = family_order(base, "Numeric") {
            Test::Numeric(order, Operand::Path(path))
        } else if let Some(order) = family_order(base, "Timestamp") {
            Test::Timestamp(order, Operand::Path(path))
        } else {
            return Err(format!("Unknown comparator '{name}'"));
        });
    }

    if base == "BooleanEquals" {
        return match operand.as_bool() {
            Some(b) => Ok(Test::Boolean(Operand::Literal(b))),
            None => Err(format!(
                "{name} must be true or false, got {}",
                type_name(operand)
            )),
        };
    }
    if let Some(order) = family_order(base, "String") {
        return match operand.as_str() {
            Some(s) => Ok(Test::String(order, Operand::Literal(s.to_string()))),
            None => Err(format!(
                "{name} must be a string, got {}",
                type_name(operand)
            )),
        };
    }
    if let Some(order) = family_order(base, "Numeric") {
        return match operand.as_f64() {
            Some(n) => Ok(Test::Numeric(order, Operand::Literal(n))),
            None => Err(format!(
                "{name} must be a number, got {}",
                type_name(operand)
            )),
        };
    }
    if let Some(order) = family_order(base, "Timestamp") {
        return match operand.as_str() {
            Some(s) => match timestamp::parse(s) {
                Some(t) => Ok(Test::Timestamp(order, Operand::Literal(t))),
                None => Err(format!(
                    "{name} must be an RFC 3339 timestamp such as 2016-03-14T01:59:00Z, got \"{s}\""
                )),
            },
            None => Err(format!(
                "{name} must be a timestamp string, got {}",
                type_name(operand)
            )),
        };
    }
    Err(format!("Unknown comparator '{name}'"))
}

fn family_order(base: &str, family: &str) -> Option<Order> {
    base.strip_prefix(family).and_then(Order::from_name)
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
