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

use crate::rng::Rng;
use serde_json::Value;

/// A JSONata evaluation failure. The engine raises it as `States.QueryEvaluationError`
/// with the cause built from `message` (see `Template::eval` for the field wording).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

/// `$states`: `input`, `context`, and where available `result` and `errorOutput`.
pub struct States {
    _private: (),
}

impl States {
    pub fn new(
        input: &Value,
        context: &Value,
        result: Option<&Value>,
        error_output: Option<&Value>,
    ) -> States {
        let _ = (input, context, result, error_output);
        todo!()
    }
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
}

impl Expression {
    /// Parses with JSONata 2.0.6 rules. The error is a human-readable message.
    pub fn parse(text: &str) -> Result<Expression, String> {
        let _ = text;
        todo!()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Names of the variables the expression reads (without `$`; `states` and
    /// functions excluded), for `variableReferences` and for binding only those.
    pub fn variables(&self) -> Vec<String> {
        todo!()
    }

    /// Evaluates; `Ok(None)` is JSONata's *undefined*.
    pub fn eval(&self, scope: &Scope<'_>, rng: &mut Rng) -> Result<Option<Value>, EvalError> {
        let _ = (scope, rng);
        todo!()
    }
}

/// Whether a string is a JSONata expression: exactly `{%` … `%}`, no surrounding
/// whitespace.
pub fn is_expression(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
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
    /// Compiles a field value; `field` is the field name (`Output`, `Arguments`, …).
    pub fn compile(value: &Value, field: &str) -> Result<Template, String> {
        let _ = (value, field);
        todo!()
    }

    /// Evaluates every expression; an expression that yields *undefined* is an error
    /// (`The JSONata expression '…' specified for the field '…' returned nothing
    /// (undefined).`).
    pub fn eval(&self, scope: &Scope<'_>, rng: &mut Rng) -> Result<Value, TemplateError> {
        let _ = (scope, rng);
        todo!()
    }
}
