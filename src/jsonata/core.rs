//! The `jsonata-core` implementation of [`QueryEngine`] (feature `jsonata`): with
//! `sfn`, the only code that names the evaluator crate (`pictures` mirrors its picture
//! code without naming it).

use super::engine::*;
use super::pictures;
use super::sfn;
use crate::rng::Rng;
use jsonata_core::ast::{AstNode, BinaryOp, PathStep, Stage};
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError, EvaluatorOptions};
use jsonata_core::value::{JArray, JMap, JValue};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

/// The `jsonata-core` implementation.
pub struct JsonataCore;

/// A parsed, instrumented expression.
#[derive(Debug)]
pub struct Compiled {
    ast: AstNode,
    variables: Vec<String>,
}

/// Converted data (shares structure on clone).
#[derive(Clone)]
pub struct Data(JValue);

// --- names of the instrumentation host functions: a space makes them unspellable ---
const TICK: &str = "statelab tick";
const CHARGE: &str = "statelab charge";
/// Range items built per work unit (building one is much cheaper than a call).
const RANGE_ITEMS_PER_STEP: u64 = 16;
/// Passes a string concatenation's result through the size bound (a recursive `$s & $s`
/// doubles a string per call).
const SIZED: &str = "statelab sized";
/// Clamps a number argument to ±2^53 (see `instrument`).
const CLAMP: &str = "statelab clamp";
const UNSUPPORTED_REGEX: &str = "statelab unsupported regex";
/// The built-ins whose picture strings can make the crate panic (see `pictures`).
/// Each is overridden by a host function that checks its arguments first, and every
/// direct call `$name(…)` is renamed `statelab name` with the call's context (`$`)
/// as an extra last argument, so that the check and the built-in see the context a
/// call without its first argument reads.
const PICTURE_FUNCTIONS: [&str; 5] = [
    "fromMillis",
    "toMillis",
    "formatInteger",
    "parseInteger",
    "formatNumber",
];
const PICTURE_CALL: &str = "statelab ";

impl QueryEngine for JsonataCore {
    type Compiled = Compiled;
    type Data = Data;

    fn parse(text: &str, dialect: Dialect) -> Result<Compiled, Failure> {
        let parsed = guard(|| jsonata_core::parser::parse(text))
            .map_err(|_| Failure::error("S0500: The expression could not be parsed".into()))?;
        let mut ast = parsed.map_err(|e| Failure::error(e.to_string()))?;
        check_206(&ast)?;
        let variables = free_variables(&ast);
        let _ = dialect;
        instrument(&mut ast);
        let bound = bound_names(&ast);
        guard_pictures(&mut ast, &bound);
        Ok(Compiled { ast, variables })
    }

    fn variables(compiled: &Compiled) -> Vec<String> {
        compiled.variables.clone()
    }

    fn convert(value: &Value) -> Data {
        Data(to_jvalue(value))
    }

    fn object(fields: Vec<(&str, Data)>) -> Data {
        let map = fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.0))
            .collect::<JMap>();
        Data(JValue::Object(Rc::new(map)))
    }

    fn evaluate(compiled: &Compiled, request: Request<'_, Data>) -> Outcome {
        evaluate(compiled, request)
    }
}

// The crate's AST is plain data; assert what the seam promises.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Compiled>();
};

/// Runs `f`, turning a panic into `Err` where unwinding exists (natively). In wasm a
/// panic aborts; the bounds exist so that no input reaches one.
fn guard<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    #[cfg(not(target_family = "wasm"))]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|_| ())
    }
    #[cfg(target_family = "wasm")]
    {
        Ok(f())
    }
}

// ---------------------------------------------------------------------------------------
// JSONata 2.0.6 syntax
// ---------------------------------------------------------------------------------------

/// Rejects what JSONata 2.0.6 cannot parse but the crate (2.2) can: `??` and `?:`.
/// 2.0.6 reads `a ?? b` as a condition whose branch starts with `?`, and `a ?: b` as
/// one whose branch starts with `:`; both fail with S0211.
fn check_206(ast: &AstNode) -> Result<(), Failure> {
    let mut found = None;
    walk(ast, &mut |node| {
        if let AstNode::Binary { op, .. } = node {
            match op {
                BinaryOp::Coalesce if found.is_none() => found = Some('?'),
                BinaryOp::Default if found.is_none() => found = Some(':'),
                _ => {}
            }
        }
    });
    match found {
        Some(symbol) => Err(Failure::error(format!(
            "S0211: The symbol {symbol} cannot be used as a unary operator"
        ))),
        None => Ok(()),
    }
}

/// Visits every node (pre-order).
fn walk(node: &AstNode, f: &mut dyn FnMut(&AstNode)) {
    f(node);
    for_each_child(node, &mut |child| walk(child, f));
}

fn for_each_child<'a>(node: &'a AstNode, f: &mut dyn FnMut(&'a AstNode)) {
    match node {
        AstNode::Path { steps } => {
            for step in steps {
                f(&step.node);
                for stage in &step.stages {
                    if let Stage::Filter(e) = stage {
                        f(e);
                    }
                }
            }
        }
        AstNode::Binary { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        AstNode::Unary { operand, .. } => f(operand),
        AstNode::Function { args, .. } => args.iter().for_each(f),
        AstNode::Call { procedure, args } => {
            f(procedure);
            args.iter().for_each(f);
        }
        AstNode::Lambda { body, .. } => f(body),
        AstNode::Array(items) | AstNode::Block(items) | AstNode::ArrayGroup(items) => {
            items.iter().for_each(f)
        }
        AstNode::Object(pairs) => {
            for (k, v) in pairs {
                f(k);
                f(v);
            }
        }
        AstNode::ObjectTransform { input, pattern } => {
            f(input);
            for (k, v) in pattern {
                f(k);
                f(v);
            }
        }
        AstNode::Conditional {
            condition,
            then_branch,
            else_branch,
        } => {
            f(condition);
            f(then_branch);
            if let Some(e) = else_branch {
                f(e);
            }
        }
        AstNode::FunctionApplication(inner) => f(inner),
        AstNode::Sort { input, terms } => {
            f(input);
            for (t, _) in terms {
                f(t);
            }
        }
        AstNode::Transform {
            location,
            update,
            delete,
        } => {
            f(location);
            f(update);
            if let Some(d) = delete {
                f(d);
            }
        }
        AstNode::String(_)
        | AstNode::Name(_)
        | AstNode::Number(_)
        | AstNode::Boolean(_)
        | AstNode::Null
        | AstNode::Undefined
        | AstNode::Placeholder
        | AstNode::Regex { .. }
        | AstNode::Variable(_)
        | AstNode::ParentVariable(_)
        | AstNode::Wildcard
        | AstNode::Descendant
        | AstNode::Parent(_) => {}
    }
}

fn for_each_child_mut(node: &mut AstNode, f: &mut dyn FnMut(&mut AstNode)) {
    match node {
        AstNode::Path { steps } => {
            for step in steps {
                f(&mut step.node);
                for stage in &mut step.stages {
                    if let Stage::Filter(e) = stage {
                        f(e);
                    }
                }
            }
        }
        AstNode::Binary { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        AstNode::Unary { operand, .. } => f(operand),
        AstNode::Function { args, .. } => args.iter_mut().for_each(f),
        AstNode::Call { procedure, args } => {
            f(procedure);
            args.iter_mut().for_each(f);
        }
        AstNode::Lambda { body, .. } => f(body),
        AstNode::Array(items) | AstNode::Block(items) | AstNode::ArrayGroup(items) => {
            items.iter_mut().for_each(f)
        }
        AstNode::Object(pairs) => {
            for (k, v) in pairs {
                f(k);
                f(v);
            }
        }
        AstNode::ObjectTransform { input, pattern } => {
            f(input);
            for (k, v) in pattern {
                f(k);
                f(v);
            }
        }
        AstNode::Conditional {
            condition,
            then_branch,
            else_branch,
        } => {
            f(condition);
            f(then_branch);
            if let Some(e) = else_branch {
                f(e);
            }
        }
        AstNode::FunctionApplication(inner) => f(inner),
        AstNode::Sort { input, terms } => {
            f(input);
            for (t, _) in terms {
                f(t);
            }
        }
        AstNode::Transform {
            location,
            update,
            delete,
        } => {
            f(location);
            f(update);
            if let Some(d) = delete {
                f(d);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// Free variables
// ---------------------------------------------------------------------------------------

/// JSONata 2.0.6's built-in functions and Step Functions' additions: names that are
/// never workflow variables.
const FUNCTIONS: &[&str] = &[
    "sum",
    "count",
    "max",
    "min",
    "average",
    "string",
    "substring",
    "substringBefore",
    "substringAfter",
    "lowercase",
    "uppercase",
    "length",
    "trim",
    "pad",
    "match",
    "contains",
    "replace",
    "split",
    "join",
    "formatNumber",
    "formatBase",
    "formatInteger",
    "parseInteger",
    "number",
    "floor",
    "ceil",
    "round",
    "abs",
    "sqrt",
    "power",
    "random",
    "boolean",
    "not",
    "map",
    "zip",
    "filter",
    "single",
    "reduce",
    "sift",
    "keys",
    "lookup",
    "append",
    "exists",
    "spread",
    "merge",
    "reverse",
    "each",
    "error",
    "assert",
    "type",
    "sort",
    "shuffle",
    "distinct",
    "base64encode",
    "base64decode",
    "encodeUrlComponent",
    "encodeUrl",
    "decodeUrlComponent",
    "decodeUrl",
    "eval",
    "toMillis",
    "fromMillis",
    "clone",
    "now",
    "millis",
    "partition",
    "range",
    "hash",
    "uuid",
    "parse",
];

/// The names an expression reads that it does not bind itself: `$x` references outside
/// any `:=`, parameter or `@`/`#` binding of that name, not `$`, `$$`, `$states` or a
/// function name. Calls (`$f(…)`) are not reads: a workflow variable is never a function.
fn free_variables(ast: &AstNode) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut scopes: Vec<HashSet<String>> = vec![HashSet::new()];
    free_walk(ast, &mut scopes, &mut out);
    out
}

fn bound(scopes: &[HashSet<String>], name: &str) -> bool {
    scopes.iter().any(|s| s.contains(name))
}

fn bind(scopes: &mut [HashSet<String>], name: &str) {
    if let Some(top) = scopes.last_mut() {
        top.insert(name.to_string());
    }
}

fn free_walk(node: &AstNode, scopes: &mut Vec<HashSet<String>>, out: &mut Vec<String>) {
    match node {
        AstNode::Variable(name) => {
            if !name.is_empty()
                && name != "$"
                && name != "states"
                && !bound(scopes, name)
                && !FUNCTIONS.contains(&name.as_str())
                && !out.iter().any(|n| n == name)
            {
                out.push(name.clone());
            }
        }
        AstNode::Binary {
            op: BinaryOp::ColonEqual,
            lhs,
            rhs,
        } => {
            if let AstNode::Variable(name) = lhs.as_ref() {
                if matches!(rhs.as_ref(), AstNode::Lambda { .. }) {
                    bind(scopes, name);
                    free_walk(rhs, scopes, out);
                } else {
                    free_walk(rhs, scopes, out);
                    bind(scopes, name);
                }
            } else {
                free_walk(lhs, scopes, out);
                free_walk(rhs, scopes, out);
            }
        }
        AstNode::Block(items) => {
            scopes.push(HashSet::new());
            for item in items {
                free_walk(item, scopes, out);
            }
            scopes.pop();
        }
        AstNode::Lambda { params, body, .. } => {
            scopes.push(params.iter().cloned().collect());
            free_walk(body, scopes, out);
            scopes.pop();
        }
        AstNode::Path { steps } => {
            scopes.push(HashSet::new());
            for step in steps {
                free_step(step, scopes, out);
            }
            scopes.pop();
        }
        AstNode::Function { args, .. } => {
            for a in args {
                free_walk(a, scopes, out);
            }
        }
        _ => for_each_child(node, &mut |child| free_walk(child, scopes, out)),
    }
}

fn free_step(step: &PathStep, scopes: &mut Vec<HashSet<String>>, out: &mut Vec<String>) {
    free_walk(&step.node, scopes, out);
    if let Some(f) = &step.focus {
        bind(scopes, f);
    }
    if let Some(i) = &step.index_var {
        bind(scopes, i);
    }
    for stage in &step.stages {
        match stage {
            Stage::Filter(e) => free_walk(e, scopes, out),
            Stage::Index(name) => bind(scopes, name),
            Stage::KeepArray => {}
        }
    }
}

// ---------------------------------------------------------------------------------------
// Instrumentation (work bound) and regular expressions
// ---------------------------------------------------------------------------------------

fn tick_call() -> AstNode {
    AstNode::Function {
        name: TICK.to_string(),
        args: Vec::new(),
        is_builtin: true,
    }
}

fn is_tick(node: &AstNode) -> bool {
    matches!(node, AstNode::Function { name, .. } if name == TICK)
}

/// `(tick; node)`: evaluates the tick, then `node`, one level deeper.
fn ticked(node: &mut AstNode) {
    if let AstNode::Block(items) = node {
        if items.first().is_some_and(is_tick) {
            return;
        }
    }
    let inner = std::mem::replace(node, AstNode::Null);
    *node = AstNode::Block(vec![tick_call(), inner]);
}

/// Makes a lambda body tick once per call without nesting the body one level deeper
/// (so recursion depth counts as in jsonata-js): the tick goes into a part the body
/// always evaluates first and off its recursion path (a block's first expression, a
/// condition, a call's first argument, an operator's left side); only other bodies
/// are wrapped.
fn tick_on_entry(body: &mut AstNode) {
    match body {
        AstNode::Block(items) if !items.is_empty() => {
            if !is_tick(&items[0]) {
                items.insert(0, tick_call());
            }
        }
        AstNode::Conditional { condition, .. } => ticked(condition),
        AstNode::Function { args, .. } | AstNode::Call { args, .. }
            if args
                .first()
                .is_some_and(|a| !matches!(a, AstNode::Placeholder)) =>
        {
            ticked(&mut args[0])
        }
        AstNode::Binary { op, lhs, .. }
            if !matches!(
                op,
                BinaryOp::ColonEqual | BinaryOp::FocusBind | BinaryOp::IndexBind
            ) =>
        {
            ticked(lhs)
        }
        _ => ticked(body),
    }
}

/// Makes every lambda call and every block call the tick host function first, and
/// every range pass through the charge host function (which counts its length); rewrites
/// regular expressions towards JavaScript semantics.
fn instrument(node: &mut AstNode) {
    for_each_child_mut(node, &mut instrument);
    match node {
        AstNode::Lambda { body, .. } => tick_on_entry(body),
        AstNode::Block(items) if !items.is_empty() && !is_tick(&items[0]) => {
            items.insert(0, tick_call())
        }
        AstNode::Binary {
            op: BinaryOp::Range,
            ..
        } => {
            let range = std::mem::replace(node, AstNode::Null);
            *node = AstNode::Function {
                name: CHARGE.to_string(),
                args: vec![range],
                is_builtin: true,
            };
        }
        // The crate adds `$substring`'s start and length to the string length in i64,
        // which overflows (a panic where overflow checks are on) for huge numbers;
        // beyond 2^53 every such number means the same.
        AstNode::Function {
            name,
            args,
            is_builtin: true,
        } if name == "substring" => {
            for arg in args.iter_mut().skip(1) {
                if matches!(arg, AstNode::Placeholder) {
                    continue;
                }
                let a = std::mem::replace(arg, AstNode::Null);
                *arg = AstNode::Function {
                    name: CLAMP.to_string(),
                    args: vec![a],
                    is_builtin: true,
                };
            }
        }
        AstNode::Binary {
            op: BinaryOp::Concatenate,
            ..
        } => {
            let concat = std::mem::replace(node, AstNode::Null);
            *node = AstNode::Function {
                name: SIZED.to_string(),
                args: vec![concat],
                is_builtin: true,
            };
        }
        AstNode::Regex { pattern, flags } => match super::js_regex::unsupported(pattern) {
            Some(what) => {
                let message = format!(
                    "Unsupported regular expression /{pattern}/: {what} cannot be evaluated here"
                );
                *node = AstNode::Function {
                    name: UNSUPPORTED_REGEX.to_string(),
                    args: vec![AstNode::String(message)],
                    is_builtin: true,
                };
            }
            None => *pattern = super::js_regex::translate(pattern, flags.contains('s')),
        },
        _ => {}
    }
}

/// Names the expression binds itself (`$name := …`, lambda parameters, `@$name` and
/// `#$name`): a direct call of such a name may call the expression's own function, so
/// it is not renamed.
fn bound_names(ast: &AstNode) -> HashSet<String> {
    let mut names = HashSet::new();
    walk(ast, &mut |node| match node {
        AstNode::Binary {
            op: BinaryOp::ColonEqual,
            lhs,
            ..
        } => {
            if let AstNode::Variable(name) = lhs.as_ref() {
                names.insert(name.clone());
            }
        }
        AstNode::Lambda { params, .. } => names.extend(params.iter().cloned()),
        AstNode::Path { steps } => {
            for step in steps {
                names.extend(step.focus.iter().chain(&step.index_var).cloned());
                for stage in &step.stages {
                    if let Stage::Index(name) = stage {
                        names.insert(name.clone());
                    }
                }
            }
        }
        _ => {}
    });
    names
}

/// Renames every direct call `$fromMillis(a, b)` (and the other picture built-ins) to
/// the checking host function `statelab fromMillis(a, b, $)`. The context goes last
/// so that `x ~> $fromMillis(b)`, which puts `x` first, keeps the same layout. Calls
/// with a `?` (partial applications) and names the expression binds are left to the
/// override of the built-in, which checks them without the context.
fn guard_pictures(node: &mut AstNode, bound: &HashSet<String>) {
    for_each_child_mut(node, &mut |child| guard_pictures(child, bound));
    if let AstNode::Function {
        name,
        args,
        is_builtin: true,
    } = node
    {
        if PICTURE_FUNCTIONS.contains(&name.as_str())
            && !bound.contains(name.as_str())
            && !args.iter().any(|a| matches!(a, AstNode::Placeholder))
        {
            *name = format!("{PICTURE_CALL}{name}");
            args.push(AstNode::Variable(String::new()));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------

fn to_jvalue(v: &Value) -> JValue {
    match v {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Bool(*b),
        Value::Number(n) => JValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => JValue::string(s.as_str()),
        Value::Array(items) => {
            let flat = !items.iter().any(Value::is_array);
            JValue::Array(JArray::new_flat(
                items.iter().map(to_jvalue).collect(),
                flat,
            ))
        }
        Value::Object(map) => JValue::Object(Rc::new(
            map.iter()
                .map(|(k, v)| (k.clone(), to_jvalue(v)))
                .collect::<JMap>(),
        )),
    }
}

/// Deepest result converted back (deeper results are refused as a memory failure).
const MAX_RESULT_DEPTH: usize = 1000;

/// Converts a result to JSON. Non-finite numbers become `"Infinity"`, `"-Infinity"`,
/// `"NaN"` (Step Functions) or a D1001 error (plain JSONata); a function anywhere is an
/// unsupported result.
fn from_jvalue(v: &JValue, dialect: Dialect, depth: usize) -> Result<Value, Failure> {
    if depth > MAX_RESULT_DEPTH {
        return Err(Failure::bound(FailureKind::Memory));
    }
    Ok(match v {
        JValue::Null | JValue::Undefined => Value::Null,
        JValue::Bool(b) => Value::Bool(*b),
        JValue::Number(n) => number(*n, dialect)?,
        JValue::String(s) => Value::String(s.to_string()),
        JValue::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                if !item.is_undefined() {
                    out.push(from_jvalue(item, dialect, depth + 1)?);
                }
            }
            Value::Array(out)
        }
        JValue::Object(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, item) in map.iter() {
                if !item.is_undefined() {
                    out.insert(k.clone(), from_jvalue(item, dialect, depth + 1)?);
                }
            }
            Value::Object(out)
        }
        _ => return Err(Failure::bound(FailureKind::Unsupported)),
    })
}

/// A JSON number: integral values in the i64 range as integers (so `-0` is `0`), others
/// as floats.
fn number(n: f64, dialect: Dialect) -> Result<Value, Failure> {
    if !n.is_finite() {
        return match dialect {
            Dialect::StepFunctions => Ok(Value::String(
                if n.is_nan() {
                    "NaN"
                } else if n > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                }
                .to_string(),
            )),
            Dialect::Jsonata => Err(Failure::error("D1001: Number out of range".to_string())),
        };
    }
    if n.fract() == 0.0 && n.abs() < 9.223_372_036_854_776e18 {
        return Ok(Value::from(n as i64));
    }
    Ok(serde_json::Number::from_f64(n)
        .map(Value::Number)
        .unwrap_or(Value::Null))
}

/// Size of a value for the memory bound, stopping once past `limit`.
pub(super) fn held_bytes(v: &JValue, limit: u64) -> u64 {
    fn go(v: &JValue, held: u64, limit: u64, depth: usize) -> u64 {
        if held > limit || depth > MAX_RESULT_DEPTH {
            return held.max(limit + 1);
        }
        match v {
            JValue::String(s) => held + s.encode_utf16().count() as u64,
            JValue::Array(items) => {
                let mut total = held;
                for item in items.iter() {
                    total = go(item, total, limit, depth + 1);
                    if total > limit {
                        break;
                    }
                }
                total
            }
            JValue::Object(map) => {
                let mut total = held;
                for (k, item) in map.iter() {
                    total = go(
                        item,
                        total + k.encode_utf16().count() as u64,
                        limit,
                        depth + 1,
                    );
                    if total > limit {
                        break;
                    }
                }
                total
            }
            _ => held + 8,
        }
    }
    go(v, 0, limit, 0)
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

/// State shared by the host functions of one evaluation.
pub(super) struct Host {
    pub rng: Rng,
    pub steps: u64,
    pub limits: Limits,
    pub now_millis: i64,
    /// The first bound that tripped: reported whatever the evaluator made of it.
    pub tripped: Option<FailureKind>,
}

impl Host {
    pub(super) fn charge(&mut self, units: u64) -> Result<(), EvaluatorError> {
        self.steps = self.steps.saturating_add(units);
        if self.steps > self.limits.max_steps {
            self.tripped.get_or_insert(FailureKind::Steps);
            return Err(EvaluatorError::EvaluationError(TIMEOUT.to_string()));
        }
        Ok(())
    }

    pub(super) fn check_size(&mut self, v: &JValue) -> Result<(), EvaluatorError> {
        if held_bytes(v, self.limits.max_bytes) > self.limits.max_bytes {
            self.tripped.get_or_insert(FailureKind::Memory);
            return Err(EvaluatorError::EvaluationError(MEMORY.to_string()));
        }
        Ok(())
    }
}

pub(super) type HostRef = Rc<RefCell<Host>>;

fn evaluate(compiled: &Compiled, request: Request<'_, Data>) -> Outcome {
    let Request {
        input,
        bindings,
        rng,
        limits,
        dialect,
        now_millis,
    } = request;
    let host: HostRef = Rc::new(RefCell::new(Host {
        rng: rng.clone(),
        steps: 0,
        limits,
        now_millis,
        tripped: None,
    }));
    let input = input.map(|d| d.0.clone()).unwrap_or(JValue::Undefined);
    let outcome = guard(|| run(compiled, &host, input, bindings, dialect));
    let h = host.borrow();
    *rng = h.rng.clone();
    let tripped = h.tripped;
    drop(h);
    let result = match outcome {
        Err(()) => {
            return Err(Failure::error(
                "U1002: Internal evaluator failure".to_string(),
            ))
        }
        Ok(r) => r,
    };
    if let Some(kind) = tripped {
        return Err(Failure::bound(kind));
    }
    let value = match result {
        Ok(v) => v,
        Err(e) => return Err(classify(e.message(), dialect)),
    };
    if value.is_undefined() {
        return Ok(None);
    }
    if value.is_function() {
        return Err(Failure::bound(FailureKind::Unsupported));
    }
    if dialect == Dialect::StepFunctions && held_bytes(&value, limits.max_bytes) > limits.max_bytes
    {
        return Err(Failure::bound(FailureKind::Memory));
    }
    from_jvalue(&value, dialect, 0).map(Some)
}

/// Maps an evaluator error to a failure: its own bound errors become ours.
fn classify(message: &str, dialect: Dialect) -> Failure {
    match code_of(message) {
        Some("D1011") | Some("U1001") => Failure::bound(FailureKind::Depth),
        Some("D2015") => Failure::bound(FailureKind::Memory),
        Some("D2014") if dialect == Dialect::StepFunctions => Failure::bound(FailureKind::Memory),
        _ => Failure::error(message.to_string()),
    }
}

fn run(
    compiled: &Compiled,
    host: &HostRef,
    input: JValue,
    bindings: Vec<(String, Data)>,
    dialect: Dialect,
) -> Result<JValue, EvaluatorError> {
    let mut context = Context::new();
    for (name, data) in bindings {
        context.bind(name, data.0);
    }
    if dialect == Dialect::StepFunctions {
        // Unavailable in Step Functions: calling it is T1006, as on the service.
        context.bind("eval".to_string(), JValue::Undefined);
    }
    let limits = host.borrow().limits;
    let options = EvaluatorOptions {
        max_stack_depth: Some(limits.max_depth),
        max_sequence_length: Some(limits.max_sequence),
        ..EvaluatorOptions::default()
    };
    let mut ev = Evaluator::with_options(context, options);
    register(&mut ev, host, dialect)?;
    ev.evaluate(&compiled.ast, &input)
}

fn register(ev: &mut Evaluator, host: &HostRef, dialect: Dialect) -> Result<(), EvaluatorError> {
    let h = host.clone();
    ev.register_fn(TICK, move |_: &[JValue]| {
        h.borrow_mut().charge(1)?;
        Ok(JValue::Bool(true))
    })?;
    let h = host.clone();
    ev.register_fn(CHARGE, move |args: &[JValue]| {
        let value = args.first().cloned().unwrap_or(JValue::Undefined);
        let len = match &value {
            JValue::Array(items) => (items.len() as u64).div_ceil(RANGE_ITEMS_PER_STEP),
            _ => 1,
        };
        h.borrow_mut().charge(len)?;
        Ok(value)
    })?;
    ev.register_fn(UNSUPPORTED_REGEX, |args: &[JValue]| {
        let message = args.first().and_then(JValue::as_str).unwrap_or("regex");
        Err(error(message))
    })?;
    let h = host.clone();
    ev.register_fn(SIZED, move |args: &[JValue]| {
        let value = args.first().cloned().unwrap_or(JValue::Undefined);
        h.borrow_mut().check_size(&value)?;
        Ok(value)
    })?;
    ev.register_fn(CLAMP, |args: &[JValue]| {
        const MAX: f64 = 9_007_199_254_740_992.0;
        Ok(match args.first() {
            Some(JValue::Number(n)) if n.is_finite() => JValue::Number(n.clamp(-MAX, MAX)),
            Some(other) => other.clone(),
            None => JValue::Undefined,
        })
    })?;
    // `$pad` can build a string of any width in one call: the width is checked first.
    let h = host.clone();
    ev.register_fn_override("pad", move |args: &[JValue]| {
        let limit = h.borrow().limits.max_bytes;
        if let Some(JValue::Number(w)) = args.get(1) {
            if w.abs() > limit as f64 {
                h.borrow_mut().tripped.get_or_insert(FailureKind::Memory);
                return Err(error(MEMORY));
            }
        }
        builtin("pad", args)
    })?;
    // The picture built-ins: checked, then the crate's own with the same arguments
    // (see `pictures`). Direct calls come with their context (see `guard_pictures`);
    // others (a function value, a partial application, `$eval`) without, and the
    // built-in then runs without one too.
    for name in PICTURE_FUNCTIONS {
        let h = host.clone();
        ev.register_fn(
            format!("{PICTURE_CALL}{name}"),
            move |args: &[JValue]| match args.split_last() {
                Some((context, args)) => picture_call(&h, name, args, context),
                None => builtin(name, args),
            },
        )?;
        let h = host.clone();
        ev.register_fn_override(name, move |args: &[JValue]| {
            picture_call(&h, name, args, &JValue::Undefined)
        })?;
    }
    // Deterministic replacements of the impure built-ins (both dialects: a simulator
    // never reads the clock or the OS's randomness).
    let h = host.clone();
    ev.register_fn_override("millis", move |_: &[JValue]| {
        Ok(JValue::Number(h.borrow().now_millis as f64))
    })?;
    let h = host.clone();
    ev.register_fn_override("now", move |args: &[JValue]| {
        let now = h.borrow().now_millis;
        if let Some((picture, timezone)) = texts(args) {
            if picture.is_some() || timezone.is_some() {
                let max = h.borrow().limits.max_bytes;
                pictures::from_millis(now, picture, timezone, max).map_err(|r| refusal(&h, r))?;
            }
        }
        sfn::now(now, args)
    })?;
    let h = host.clone();
    ev.register_fn_override("shuffle", move |args: &[JValue]| {
        sfn::shuffle(&mut h.borrow_mut(), args)
    })?;
    let h = host.clone();
    ev.register_fn_override("random", move |args: &[JValue]| {
        sfn::random(&mut h.borrow_mut(), args, dialect)
    })?;
    if dialect == Dialect::StepFunctions {
        let h = host.clone();
        ev.register_fn("partition", move |args: &[JValue]| {
            let out = sfn::partition(args)?;
            h.borrow_mut().check_size(&out)?;
            Ok(out)
        })?;
        let h = host.clone();
        ev.register_fn("range", move |args: &[JValue]| {
            sfn::range(&mut h.borrow_mut(), args)
        })?;
        ev.register_fn("hash", |args: &[JValue]| sfn::hash(args))?;
        let h = host.clone();
        ev.register_fn("uuid", move |args: &[JValue]| {
            sfn::uuid(&mut h.borrow_mut(), args)
        })?;
        let h = host.clone();
        ev.register_fn("parse", move |args: &[JValue]| {
            let out = sfn::parse(args)?;
            h.borrow_mut().check_size(&out)?;
            Ok(out)
        })?;
    }
    Ok(())
}

/// Builds a JSONata sequence (collapses to its item when it has one).
pub(super) fn sequence(items: Vec<JValue>) -> JValue {
    JValue::sequence(items)
}

/// A JSONata error with its code (the message starts with it).
pub(super) fn error(message: impl Into<String>) -> EvaluatorError {
    EvaluatorError::EvaluationError(message.into())
}

/// Converts parsed JSON text (for `$parse`).
pub(super) fn from_json(v: &Value) -> JValue {
    to_jvalue(v)
}

/// Calls the crate's own built-in `name` with already evaluated arguments (for host
/// functions that check their arguments and then delegate to the built-in they replace).
fn builtin(name: &str, args: &[JValue]) -> Result<JValue, EvaluatorError> {
    builtin_on(name, args, &JValue::Undefined)
}

/// [`builtin`] called where the context (`$`) is `input`.
fn builtin_on(name: &str, args: &[JValue], input: &JValue) -> Result<JValue, EvaluatorError> {
    thread_local! {
        static CALLS: RefCell<std::collections::HashMap<(String, usize), Rc<AstNode>>> =
            RefCell::default();
    }
    let key = (name.to_string(), args.len());
    let ast = match CALLS.with(|c| c.borrow().get(&key).cloned()) {
        Some(ast) => ast,
        None => {
            let params: Vec<String> = (0..args.len()).map(|i| format!("$a{i}")).collect();
            let text = format!("${name}({})", params.join(", "));
            let ast =
                Rc::new(jsonata_core::parser::parse(&text).map_err(|e| error(e.to_string()))?);
            CALLS.with(|c| c.borrow_mut().insert(key, ast.clone()));
            ast
        }
    };
    let mut context = Context::new();
    for (i, a) in args.iter().enumerate() {
        context.bind(format!("a{i}"), a.clone());
    }
    Evaluator::with_context(context).evaluate(&ast, input)
}

/// Turns a refusal of `pictures` into the evaluation error (a bound trips the host).
fn refusal(host: &HostRef, r: pictures::Refusal) -> EvaluatorError {
    match r {
        pictures::Refusal::Error(message) => error(message),
        pictures::Refusal::Memory => {
            host.borrow_mut().tripped.get_or_insert(FailureKind::Memory);
            error(MEMORY)
        }
        pictures::Refusal::Depth => {
            host.borrow_mut().tripped.get_or_insert(FailureKind::Depth);
            error(STACK_OVERFLOW)
        }
    }
}

/// Optional text arguments: `Some((first, second))` when each is a string or
/// missing/undefined.
fn texts(args: &[JValue]) -> Option<(Option<&str>, Option<&str>)> {
    fn text(v: Option<&JValue>) -> Option<Option<&str>> {
        match v {
            None | Some(JValue::Undefined) => Some(None),
            Some(JValue::String(s)) => Some(Some(&**s)),
            Some(_) => None,
        }
    }
    if args.len() > 2 {
        return None;
    }
    Some((text(args.first())?, text(args.get(1))?))
}

/// Calls the picture built-in `name` once its arguments are known to be safe (see
/// [`check_picture_call`]); `context` is what it reads for a missing first argument.
fn picture_call(
    host: &HostRef,
    name: &str,
    args: &[JValue],
    context: &JValue,
) -> Result<JValue, EvaluatorError> {
    if name == "formatNumber" {
        if let Some((args, stand_in, separator)) = ascii_decimal_separator(args, context)? {
            return Ok(match builtin_on(name, &args, context)? {
                JValue::String(s) => JValue::string(s.replace(stand_in, &separator.to_string())),
                other => other,
            });
        }
    }
    check_picture_call(host, name, args, context)?;
    builtin_on(name, args, context)
}

/// ASCII control characters that can stand in for a decimal separator (see
/// [`ascii_decimal_separator`]).
const SEPARATOR_STAND_INS: [char; 7] = [
    '\u{1}', '\u{2}', '\u{3}', '\u{4}', '\u{5}', '\u{6}', '\u{7}',
];

/// `$formatNumber(value, picture, {"decimal-separator": "٫"})`: the crate finds a
/// decimal separator in its output by bytes and slices one byte past it, inside a
/// separator that is not ASCII (a panic). Such a call is made with an ASCII control
/// character in the separator's place (in the picture and the options), whose
/// occurrences in the result are the separator: `Some((arguments, stand-in,
/// separator))`.
fn ascii_decimal_separator(
    args: &[JValue],
    context: &JValue,
) -> Result<Option<(Vec<JValue>, char, char)>, EvaluatorError> {
    // `<n-so?:s>`: the picture is first when the number comes from the context.
    let at = match (args.first(), context) {
        (Some(JValue::Number(_)), _) => 1,
        (Some(JValue::String(_)), JValue::Number(_)) if args.len() <= 2 => 0,
        _ => return Ok(None),
    };
    let (Some(JValue::String(picture)), Some(JValue::Object(options))) =
        (args.get(at), args.get(at + 1))
    else {
        return Ok(None);
    };
    let first = |key: &str| match options.get(key) {
        Some(JValue::String(s)) => s.chars().next(),
        _ => None,
    };
    let Some(separator) = first("decimal-separator").filter(|c| !c.is_ascii()) else {
        return Ok(None);
    };
    let texts: Vec<&str> = std::iter::once(&**picture)
        .chain(options.values().filter_map(JValue::as_str))
        .collect();
    let stand_in = SEPARATOR_STAND_INS
        .iter()
        .find(|c| !texts.iter().any(|t| t.contains(**c)));
    // A separator that is also a digit cannot be renamed (digits go by code point).
    let zero = first("zero-digit").map_or(0x30, |z| z as u32);
    let digit = (zero..zero.saturating_add(10)).contains(&(separator as u32));
    let (false, Some(&stand_in)) = (digit, stand_in) else {
        return Err(error(format!(
            "The decimal separator '{separator}' cannot be used with these options"
        )));
    };
    // Renamed everywhere it appears (the grouping separator, the percent sign may be
    // the same character), so the crate sees the same picture.
    let rename = |s: &str| s.replace(separator, &stand_in.to_string());
    let options: JMap = options
        .iter()
        .map(|(k, v)| {
            let v = match v {
                JValue::String(s) if k != "zero-digit" => JValue::string(rename(s)),
                other => other.clone(),
            };
            (k.clone(), v)
        })
        .collect();
    let mut args = args.to_vec();
    args[at] = JValue::string(rename(picture));
    args[at + 1] = JValue::Object(Rc::new(options));
    Ok(Some((args, stand_in, separator)))
}

/// Checks a call of the picture built-in `name` before the crate runs it: `args` as
/// evaluated, `context` what the built-in reads for a missing first argument. The
/// arguments are laid out as the built-in's signature lays them out; a call the
/// signature rejects is left to the crate (it fails before reading any picture).
fn check_picture_call(
    host: &HostRef,
    name: &str,
    args: &[JValue],
    context: &JValue,
) -> Result<(), EvaluatorError> {
    let max = host.borrow().limits.max_bytes;
    let verdict = match (name, args) {
        // `<n-s?s?:s>`: the context stands in for the number when the first argument
        // is missing or is the picture.
        ("fromMillis", _) => {
            let (ms, rest) = match args.first() {
                None => (context, args),
                Some(JValue::Number(_)) => (&args[0], &args[1..]),
                Some(JValue::String(_)) => (context, args),
                _ => return Ok(()),
            };
            match (ms, texts(rest)) {
                (JValue::Number(n), Some((picture, timezone))) if n.fract() == 0.0 => {
                    pictures::from_millis(*n as i64, picture, timezone, max)
                }
                _ => return Ok(()),
            }
        }
        // `<s-s?:n>`
        ("toMillis", []) => match context {
            JValue::String(t) => pictures::to_millis(t, None),
            _ => return Ok(()),
        },
        ("toMillis", [JValue::String(t), rest @ ..]) => match texts(rest) {
            Some((picture, None)) => pictures::to_millis(t, picture),
            _ => return Ok(()),
        },
        // `<n-s:s>`
        ("formatInteger", [JValue::Number(v), JValue::String(p)]) => {
            pictures::format_integer(*v, p, max)
        }
        ("formatInteger", [JValue::String(p)]) => match context {
            JValue::Number(v) => pictures::format_integer(*v, p, max),
            _ => return Ok(()),
        },
        // `<s-s:n>`
        ("parseInteger", [JValue::String(v), JValue::String(p)]) => pictures::parse_integer(v, p),
        ("parseInteger", [JValue::String(p)]) => match context {
            JValue::String(v) => pictures::parse_integer(v, p),
            _ => return Ok(()),
        },
        _ => return Ok(()),
    };
    verdict.map_err(|r| refusal(host, r))
}

/// Evaluates `$fromMillis($ms, $picture, $tz)` with the crate's own formatter.
pub(super) fn from_millis(ms: i64, picture: JValue, tz: JValue) -> Result<JValue, EvaluatorError> {
    thread_local! {
        static AST: Option<AstNode> = jsonata_core::parser::parse("$fromMillis($ms, $p, $t)").ok();
    }
    AST.with(|ast| {
        let Some(ast) = ast else {
            return Err(error("U1002: $now is unavailable"));
        };
        let mut context = Context::new();
        context.bind("ms".to_string(), JValue::Number(ms as f64));
        context.bind("p".to_string(), picture);
        context.bind("t".to_string(), tz);
        Evaluator::with_context(context).evaluate(ast, &JValue::Undefined)
    })
}

pub(super) type JV = JValue;
