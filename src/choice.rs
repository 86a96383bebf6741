//! Choice rules (JSONPath query language): Boolean combinators (`And`, `Or`, `Not`) and
//! data-test rules (`Variable` + one comparator, including every `...Path` form,
//! `StringMatches`, `Is*` tests), with the service's exact semantics (type mismatches
//! are false, `IsPresent` tolerates missing paths, code-unit string ordering, …).
//!
//! CONTRACT: `Rule::compile` once from the rule's JSON (already validated), `eval`
//! many times; never panics.

use crate::path::Roots;
use serde_json::Value;

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
pub struct Rule {}

impl Rule {
    /// Compiles a rule object. Errors are human-readable (unknown comparator, bad path…).
    pub fn compile(rule: &Value) -> Result<Rule, String> {
        let _ = rule;
        todo!()
    }

    pub fn eval(&self, roots: &dyn Roots) -> Result<bool, RuleError> {
        let _ = roots;
        todo!()
    }
}
