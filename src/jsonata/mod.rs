//! The JSONata query language (Step Functions' `"QueryLanguage": "JSONata"`), behind
//! our own seam: the engine only uses the types of this module, never the evaluator
//! crate, so the evaluator could be replaced.
//!
//! CONTRACT (the engine relies on exactly this API):
//! - `Expression::parse` once at compile time (JSONata 2.0.6 syntax: `??` and `?:`
//!   are rejected), `eval` many times; never panics, bounded in depth and work.
//! - `States` is the `$states` value converted once per state, shared by every
//!   expression the state evaluates.
//! - `Template` is an ASL field value (object, array, string, literal) whose strings of
//!   the exact form `{% … %}` are expressions.
//!
//! Layout: `engine` is the only file that names the evaluator crate (`jsonata-core`,
//! pinned `=2.2.13`), behind the [`engine::QueryEngine`] trait; `sfn` holds the Step
//! Functions functions it registers (and so sees the crate's value type too);
//! `js_regex` rewrites regular expressions towards JavaScript semantics; `pictures`
//! finds the picture-function arguments the crate would panic on. Nothing outside
//! this module names the crate.
//!
//! Costs: `States::new` converts its values once (about as much as serializing them);
//! an evaluation converts only the workflow variables the expression reads, builds a
//! fresh evaluator (a few microseconds) and converts the result back.
//!
//! Values are reference counted without atomics, so `States` is neither `Send` nor
//! `Sync` (build it where the state is evaluated); `Expression` and `Template` are both.
//!
//! Bounds ([`Limits::STEP_FUNCTIONS`]), all counted, never timed, so they hold in wasm
//! and give the same verdict on every run: depth (the service's 100), work (1,000,000
//! units, standing for the service's ~1 s), sequence length and value size (the service's
//! memory limit: `[1..873782]` passes, one more fails; strings up to 2^22 characters).
//!
//! Known differences from the service (JSONata 2.0.6 on AWS):
//! - Error *codes* are jsonata-js's; some message texts after the code are the
//!   evaluator crate's own (e.g. `T0410: Argument 1 must be String` where jsonata-js
//!   says `Argument 1 of function "uppercase" does not match function signature`;
//!   also T0412, D3030, T2010, D3086). T1006 is normalised to the service's text.
//! - Regular expressions: look-ahead, look-behind and back-references are not
//!   implemented (a clear evaluation error names them); see `js_regex` for the rest.
//! - `$toMillis(text, picture)` fills date parts the picture lacks from the host clock
//!   (the crate reads it there); `$now()`/`$millis()` use the virtual clock.
//! - The work bound counts lambda calls, blocks and range items, not time: a long
//!   computation made only of built-in calls over large sequences is bounded by the
//!   sequence and size bounds instead.
//! - The picture built-ins (`$fromMillis`, `$toMillis`, `$formatInteger`,
//!   `$parseInteger`, `$formatNumber`, `$now` with a picture) are checked before the
//!   crate runs them:
//!   arguments on which it would panic (a picture marker starting with a non-ASCII
//!   character, a year width of 19 digits or more, digits of another family, …; see
//!   `pictures`) fail with an error instead (`D3132: §` as jsonata-js, the crate's own
//!   wording elsewhere), since a panic aborts a wasm instance. Used as a function value
//!   (`$f := $fromMillis`) they no longer read the context when called without their
//!   first argument (`n.$f()` is undefined), and `$map`/`$reduce` hand them all their
//!   arguments (a different T0410 text for a call that fails either way).
//! - Other panics in the crate are caught natively (`U1002: Internal evaluator
//!   failure`); in wasm nothing can catch them.

#[cfg(feature = "jsonata")]
mod core;
#[cfg(not(feature = "jsonata"))]
mod disabled;
mod engine;
#[cfg(feature = "jsonata")]
mod js_regex;
#[cfg(feature = "jsonata")]
mod pictures;
#[cfg(feature = "jsonata")]
mod sfn;

pub use engine::{Dialect, Limits, MEMORY, STACK_OVERFLOW, TIMEOUT};

use crate::rng::Rng;
use engine::{Data, JsonataCore, QueryEngine};
use serde_json::Value;
use std::sync::Arc;

/// The evaluator behind the seam.
type Backend = JsonataCore;

/// A JSONata evaluation failure. The engine raises it as `States.QueryEvaluationError`
/// with the cause built from `message` (see `Template::eval` for the field wording, and
/// [`EvalError::cause`], which builds it).
///
/// `message` is what the service prints after the expression sentence: a JSONata error
/// with its code (`T1006: Attempted to invoke a non-function`), one of the bound
/// messages ([`STACK_OVERFLOW`], [`TIMEOUT`], [`MEMORY`]), or [`UNSUPPORTED_RESULT`]
/// when the value is a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

/// `EvalError::message` when the result is not JSON (a function).
pub const UNSUPPORTED_RESULT: &str = engine::UNSUPPORTED;

impl EvalError {
    fn from_failure(f: engine::Failure) -> EvalError {
        EvalError { message: f.message }
    }

    /// The JSONata error code (`T1006`, `D3030`), when the error has one.
    pub fn code(&self) -> Option<&str> {
        engine::code_of(&self.message)
    }

    /// The service's cause for this error raised by `expression` (its text, as
    /// [`Expression::text`] gives it) in the field at `location`, without the engine's
    /// "An error occurred while executing the state …" prefix:
    /// - `The JSONata expression '<e>' specified for the field '<l>' threw an error during evaluation. T1006: …`
    ///   (a coded JSONata error: `. ` before it),
    /// - `… threw an error during evaluation: Stack overflow error: …` (a bound: `: `),
    /// - `… returned an unsupported result type.` (a function).
    pub fn cause(&self, expression: &str, location: &str) -> String {
        let head =
            format!("The JSONata expression '{expression}' specified for the field '{location}'");
        if self.message == UNSUPPORTED_RESULT {
            format!("{head} {UNSUPPORTED_RESULT}")
        } else if self.code().is_some() {
            format!("{head} threw an error during evaluation. {}", self.message)
        } else {
            format!("{head} threw an error during evaluation: {}", self.message)
        }
    }
}

/// The cause for an expression that yields nothing where a value is required.
pub fn undefined_cause(expression: &str, location: &str) -> String {
    format!(
        "The JSONata expression '{expression}' specified for the field '{location}' returned nothing (undefined)."
    )
}

/// The cause for a result of the wrong JSON type for its field (`Items` needs an
/// array): `… returned an unexpected result type. Expected 'array', but was 'number'
/// for value: 1`. `expected` is a JSON type name as [`json_type`] gives them.
pub fn unexpected_type_cause(
    expression: &str,
    location: &str,
    expected: &str,
    value: &Value,
) -> String {
    format!(
        "The JSONata expression '{expression}' specified for the field '{location}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {}",
        json_type(value),
        serde_json::to_string(value).unwrap_or_default()
    )
}

/// `null`, `boolean`, `number`, `string`, `array` or `object`.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `$states`: `input`, `context`, and where available `result` and `errorOutput`.
pub struct States {
    data: Data,
    now_millis: i64,
}

impl States {
    pub fn new(
        input: &Value,
        context: &Value,
        result: Option<&Value>,
        error_output: Option<&Value>,
    ) -> States {
        let mut fields = vec![("input", Backend::convert(input))];
        if let Some(r) = result {
            fields.push(("result", Backend::convert(r)));
        }
        if let Some(e) = error_output {
            fields.push(("errorOutput", Backend::convert(e)));
        }
        fields.push(("context", Backend::convert(context)));
        States {
            data: Backend::object(fields),
            now_millis: context_time(context),
        }
    }

    /// Sets the time `$now()` and `$millis()` return (milliseconds since the epoch).
    /// By default it is the context's `State.EnteredTime`, else `Execution.StartTime`,
    /// else the epoch.
    pub fn with_now(mut self, millis: i64) -> States {
        self.now_millis = millis;
        self
    }

    /// The time `$now()` and `$millis()` return.
    pub fn now_millis(&self) -> i64 {
        self.now_millis
    }
}

fn context_time(context: &Value) -> i64 {
    let at = |a: &str, b: &str| context.get(a)?.get(b)?.as_str();
    at("State", "EnteredTime")
        .or_else(|| at("Execution", "StartTime"))
        .and_then(crate::timestamp::parse)
        .map(|i| i.millis())
        .unwrap_or(0)
}

/// Everything an expression can read besides literals.
pub struct Scope<'a> {
    pub states: &'a States,
    /// Workflow variables by name (without `$`).
    pub variable: &'a dyn Fn(&str) -> Option<&'a Value>,
}

/// A parsed JSONata expression (the text between `{%` and `%}`).
#[derive(Debug, Clone)]
pub struct Expression {
    text: String,
    compiled: Arc<<Backend as QueryEngine>::Compiled>,
    dialect: Dialect,
}

impl Expression {
    /// Parses with JSONata 2.0.6 rules. The error is a human-readable message.
    pub fn parse(text: &str) -> Result<Expression, String> {
        Expression::parse_with(text, Dialect::StepFunctions).map_err(|e| e.message)
    }

    /// Parses as the given dialect; the error carries the JSONata code (`S0211`, …).
    pub fn parse_with(text: &str, dialect: Dialect) -> Result<Expression, EvalError> {
        let compiled = Backend::parse(text, dialect).map_err(EvalError::from_failure)?;
        Ok(Expression {
            text: text.trim().to_string(),
            compiled: Arc::new(compiled),
            dialect,
        })
    }

    /// The expression's text, trimmed, as the service quotes it in causes.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Names of the variables the expression reads (without `$`; `states` and
    /// functions excluded), for `variableReferences` and for binding only those.
    pub fn variables(&self) -> Vec<String> {
        Backend::variables(&self.compiled)
    }

    /// Evaluates; `Ok(None)` is JSONata's *undefined*.
    pub fn eval(&self, scope: &Scope<'_>, rng: &mut Rng) -> Result<Option<Value>, EvalError> {
        self.eval_with_limits(scope, rng, Limits::STEP_FUNCTIONS)
    }

    /// `eval` with other bounds.
    pub fn eval_with_limits(
        &self,
        scope: &Scope<'_>,
        rng: &mut Rng,
        limits: Limits,
    ) -> Result<Option<Value>, EvalError> {
        let mut bindings = vec![("states".to_string(), scope.states.data.clone())];
        for name in self.variables() {
            if let Some(v) = (scope.variable)(&name) {
                bindings.push((name, Backend::convert(v)));
            }
        }
        Backend::evaluate(
            &self.compiled,
            engine::Request {
                input: None,
                bindings,
                rng,
                limits,
                dialect: self.dialect,
                now_millis: scope.states.now_millis,
            },
        )
        .map_err(EvalError::from_failure)
    }

    /// Evaluates against a document (`$`; `None`: no input) with variables bound, as
    /// plain JSONata does (the official test suite's setting).
    /// `now_millis` is what `$now()` and `$millis()` return.
    pub fn eval_document(
        &self,
        input: Option<&Value>,
        bindings: &serde_json::Map<String, Value>,
        rng: &mut Rng,
        limits: Limits,
        now_millis: i64,
    ) -> Result<Option<Value>, EvalError> {
        let input = input.map(Backend::convert);
        let bindings = bindings
            .iter()
            .map(|(k, v)| (k.clone(), Backend::convert(v)))
            .collect();
        Backend::evaluate(
            &self.compiled,
            engine::Request {
                input: input.as_ref(),
                bindings,
                rng,
                limits,
                dialect: self.dialect,
                now_millis,
            },
        )
        .map_err(EvalError::from_failure)
    }
}

/// Whether a string is a JSONata expression: exactly `{%` … `%}`, no surrounding
/// whitespace.
pub fn is_expression(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

/// The text between the delimiters of an expression string (untrimmed).
fn inner(s: &str) -> &str {
    &s[2..s.len() - 2]
}

/// A field value with `{% %}` expressions inside (Arguments, Output, Assign, Items, …).
#[derive(Debug, Clone)]
pub enum Template {
    Literal(Value),
    Expression {
        expr: Expression,
        /// Where it sits, for error locations: `Output`, `Arguments/FunctionName`,
        /// `Assign/x`, `Items`.
        location: String,
    },
    Object(Vec<(String, Template)>),
    Array(Vec<Template>),
}

/// A template evaluation failure: `location` as the history's `EvaluationFailed`
/// event shows it, `cause` the service's message without the "An error occurred
/// while executing the state …" prefix (the engine adds it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub location: String,
    pub cause: String,
}

impl Template {
    /// Compiles a field value; `field` is the field name (`Output`, `Arguments`, …), or
    /// a longer path where the service prefixes one (`Choices[0]/Assign`,
    /// `Catch[1]/Output`). Locations below it add `/key` per object key and `[i]` per
    /// array index: `Output/a/b[0]`.
    pub fn compile(value: &Value, field: &str) -> Result<Template, String> {
        if !has_expression(value) {
            return Ok(Template::Literal(value.clone()));
        }
        Ok(match value {
            Value::String(s) => {
                let expr = Expression::parse(inner(s)).map_err(|e| {
                    format!(
                        "The JSONata expression '{}' specified for the field '{field}' is invalid: {e}",
                        inner(s).trim()
                    )
                })?;
                Template::Expression {
                    expr,
                    location: field.to_string(),
                }
            }
            Value::Object(map) => Template::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), Template::compile(v, &format!("{field}/{k}"))?)))
                    .collect::<Result<_, String>>()?,
            ),
            Value::Array(items) => Template::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Template::compile(v, &format!("{field}[{i}]")))
                    .collect::<Result<_, String>>()?,
            ),
            other => Template::Literal(other.clone()),
        })
    }

    /// Evaluates every expression; an expression that yields *undefined* is an error
    /// (`The JSONata expression '…' specified for the field '…' returned nothing
    /// (undefined).`).
    pub fn eval(&self, scope: &Scope<'_>, rng: &mut Rng) -> Result<Value, TemplateError> {
        match self {
            Template::Literal(v) => Ok(v.clone()),
            Template::Expression { expr, location } => match expr.eval(scope, rng) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => Err(TemplateError {
                    location: location.clone(),
                    cause: undefined_cause(expr.text(), location),
                }),
                Err(e) => Err(TemplateError {
                    location: location.clone(),
                    cause: e.cause(expr.text(), location),
                }),
            },
            Template::Object(fields) => {
                let mut out = serde_json::Map::with_capacity(fields.len());
                for (k, t) in fields {
                    out.insert(k.clone(), t.eval(scope, rng)?);
                }
                Ok(Value::Object(out))
            }
            Template::Array(items) => items
                .iter()
                .map(|t| t.eval(scope, rng))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
        }
    }

    /// Every workflow variable the template's expressions read (each name once, in
    /// order of appearance).
    pub fn variables(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect_variables(&mut out);
        out
    }

    fn collect_variables(&self, out: &mut Vec<String>) {
        match self {
            Template::Literal(_) => {}
            Template::Expression { expr, .. } => {
                for v in expr.variables() {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
            Template::Object(fields) => fields.iter().for_each(|(_, t)| t.collect_variables(out)),
            Template::Array(items) => items.iter().for_each(|t| t.collect_variables(out)),
        }
    }
}

fn has_expression(value: &Value) -> bool {
    match value {
        Value::String(s) => is_expression(s),
        Value::Object(map) => map.values().any(has_expression),
        Value::Array(items) => items.iter().any(has_expression),
        _ => false,
    }
}
