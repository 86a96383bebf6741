//! Static validation of a definition, like the service's `ValidateStateMachineDefinition`:
//! every problem at once, each with a code, a severity, a message, a JSON Pointer and a
//! line/column in the submitted text.
//!
//! Layout: `locate` parses the text (positions, duplicate keys, syntax errors), `rules`
//! walks the definition (scopes, transition graph, every state type) with `fields`
//! (which fields go where), `choice_rules`, `retry_catch`, `map`, `paths` (paths,
//! payload templates, `Assign`) and `values` (numbers, enums, timestamps); `report`
//! holds the findings and the message helpers.
//!
//! Conventions:
//! - Locations are JSON Pointers; the root is written `/` (as the service does).
//!   "No terminal state" at the top level has no location.
//! - Diagnostics come in walk order: a scope's states, then its transition graph, then
//!   the scopes nested in it (Parallel branches, Map processors), depth first.
//! - Nested states inherit the *top-level* `QueryLanguage`, never their Parallel's or
//!   Map's; a state may move JSONPath → JSONata but not back. An invalid
//!   `QueryLanguage` value is reported and then treated as absent.
//! - `{% … %}` strings are JSONata expressions: once the rules pass, compiling parses them
//!   and an expression that does not parse is reported where it is written.
//! - Integer fields accept integral floats (`10.0`); the engine must read them as such.
//! - Duplicate JSON keys are WARNINGs; the parsed value keeps the last one, at the
//!   first one's position (as the service's parser does).
//!
//! Where the message wording comes from:
//! - Recorded from AWS (LocalStack snapshots): `Definition must be a valid JSON object`,
//!   `These fields are required: [States, StartAt]` (at `/`), Jackson's
//!   `Unrecognized token 'x': was expecting (…)` style for `INVALID_JSON_DESCRIPTION`,
//!   `'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine`,
//!   `Value cannot be empty`, `The field 'RoleArn' is required but was missing`,
//!   `The field 'Type' should have one of these values: [...]`,
//!   `Express state machine does not support '.waitForTaskToken' service integration `.
//! - Quoted from AWS by third parties (issue trackers): `Missing 'Next' target: X`,
//!   `State "X" is not reachable.`, `Workflow has no terminal state`,
//!   `Field 'X' is not supported`, `The QueryLanguage is set to 'A', but field 'F' is
//!   only supported for the 'B' QueryLanguage`, `Expected value of type [STRING]`,
//!   `Value should be one of the following: [JSONPath, JSONata]`,
//!   `Duplicate State name: X` (`DUPLICATE_STATE_NAME`, Step Functions Local),
//!   `The resource provided X is not recognized. …`, `The value for the field 'k.$' must
//!   be a valid JSONPath or a valid intrinsic function call`.
//! - Written here in the same style (the service's wording is unknown): the other
//!   `Expected value of type [...]` types, range messages (`The field 'F' must be between
//!   A and B`), `Only one of these fields is allowed: [...]`, `One of these fields is
//!   required: [...]`, Choice-rule shape, `States.ALL` placement, reserved `States.` error
//!   names, variable names, state-name length, `Label`, timestamp format, heartbeat vs
//!   timeout, `ReferencePath`, Express `.sync` / activity, duplicate keys, the `'.$'`
//!   collision message, and the Jackson-like messages not recorded above.

mod choice_rules;
mod fields;
mod locate;
mod map;
mod paths;
mod report;
mod retry_catch;
mod rules;
mod values;
mod variables;

use crate::model::StateMachine;
use report::{Anchor, Finding};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`, `MISSING_END_STATE`,
    /// `INVALID_JSON_DESCRIPTION`, …
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// JSON Pointer (RFC 6901) of the offending value, e.g. `/States/A/Next`;
    /// `None` for whole-document problems such as "no terminal state".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// 1-based line and column (in characters) in the submitted text, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// The state machine type a definition is validated for (`ValidateStateMachineDefinition`'s
/// `type`): Express machines reject `.sync`, `.waitForTaskToken` and activities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MachineType {
    #[default]
    Standard,
    Express,
}

/// Validation settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub machine_type: MachineType,
}

/// Validates definition text: JSON syntax first (`INVALID_JSON_DESCRIPTION` with the
/// position), then everything `validate_value` checks, with line/column filled in.
/// Returns the parsed document (key order preserved) when the text is valid JSON.
pub fn validate_text(text: &str) -> (Option<Value>, Vec<Diagnostic>) {
    validate_text_with(text, &Options::default())
}

/// Validates a parsed definition (positions left empty).
pub fn validate_value(definition: &Value) -> Vec<Diagnostic> {
    validate_value_with(definition, &Options::default())
}

/// `validate_text` for a given machine type.
pub fn validate_text_with(text: &str, options: &Options) -> (Option<Value>, Vec<Diagnostic>) {
    let (value, diagnostics, _) = check_text(text, options, Compile::IfExpressions);
    (value, diagnostics)
}

/// `validate_value` for a given machine type.
pub fn validate_value_with(definition: &Value, options: &Options) -> Vec<Diagnostic> {
    check_value(definition, options, Compile::IfExpressions).0
}

/// Validates and compiles text: every diagnostic (a compile failure placed in the text
/// too), and the machine when there is no error. Compiles once.
pub(crate) fn compile_text(text: &str) -> (Vec<Diagnostic>, Option<StateMachine>) {
    let (_, diagnostics, machine) = check_text(text, &Options::default(), Compile::Always);
    (diagnostics, machine)
}

/// `compile_text` for a parsed definition (positions left empty).
pub(crate) fn compile_value(definition: &Value) -> (Vec<Diagnostic>, Option<StateMachine>) {
    check_value(definition, &Options::default(), Compile::Always)
}

/// When validation compiles: compiling is the last check, the one that parses `{% %}`
/// expressions (the service refuses one that JSONata 2.0.6 cannot parse when the state
/// machine is created). Validation alone compiles only definitions that have some, so
/// that it stays within a small stack whatever the nesting.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Compile {
    IfExpressions,
    Always,
}

fn check_text(
    text: &str,
    options: &Options,
    compile: Compile,
) -> (Option<Value>, Vec<Diagnostic>, Option<StateMachine>) {
    if text
        .trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{feff}'))
        .is_empty()
    {
        // What the service answers for an empty definition.
        let finding = Finding {
            code: report::SCHEMA,
            severity: Severity::Error,
            message: "Definition must be a valid JSON object".to_string(),
            location: None,
            anchor: Anchor::Nowhere,
        };
        return (None, vec![finding.into_diagnostic(None, None)], None);
    }
    let parsed = match locate::parse(text) {
        Ok(parsed) => parsed,
        Err(error) => {
            let finding = Finding {
                code: report::INVALID_JSON,
                severity: Severity::Error,
                message: error.message,
                location: None,
                anchor: Anchor::Offset(error.offset),
            };
            return (None, place(text, vec![finding]), None);
        }
    };
    let mut findings: Vec<Finding> = parsed.duplicates.iter().map(duplicate_finding).collect();
    let machine = check(&parsed.value, options, compile, &mut findings);
    (Some(parsed.value), place(text, findings), machine)
}

fn check_value(
    definition: &Value,
    options: &Options,
    compile: Compile,
) -> (Vec<Diagnostic>, Option<StateMachine>) {
    let mut findings = Vec::new();
    let machine = check(definition, options, compile, &mut findings);
    let diagnostics = findings
        .into_iter()
        .map(|f| f.into_diagnostic(None, None))
        .collect();
    (diagnostics, machine)
}

/// The rules, then, when they pass, compiling: adds the findings, returns the machine.
fn check(
    definition: &Value,
    options: &Options,
    compile: Compile,
    findings: &mut Vec<Finding>,
) -> Option<StateMachine> {
    findings.extend(rules::check(definition, options));
    if findings.iter().any(|f| f.severity == Severity::Error)
        || (compile == Compile::IfExpressions && !has_expression(definition))
    {
        return None;
    }
    match crate::compile::compile(definition) {
        Ok(machine) => Some(machine),
        Err(error) => {
            findings.push(Finding {
                code: report::SCHEMA,
                severity: Severity::Error,
                message: error.message,
                location: Some(error.pointer.clone()),
                anchor: Anchor::Value(error.pointer),
            });
            None
        }
    }
}

/// True when some string of the definition is a `{% %}` expression (a loop, not
/// recursion: values built in code may be deeper than any stack).
fn has_expression(definition: &Value) -> bool {
    let mut stack = vec![definition];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if crate::jsonata::is_expression(s) => return true,
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    false
}

/// True when a diagnostic prevents creating the state machine (the API's `result: FAIL`).
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// A duplicate key; in a `States` block it is a duplicate state name. A warning: the
/// service's parser (Jackson) keeps the last value, as this one does, so the definition is
/// not known to be refused, but what runs is not all of what was written.
fn duplicate_finding(d: &locate::Duplicate) -> Finding {
    let location = report::child(&d.object, &d.key);
    let (code, message) = if is_states_block(&d.object) {
        (
            report::DUPLICATE_STATE_NAME,
            format!("Duplicate State name: {}", d.key),
        )
    } else {
        (report::SCHEMA, format!("Duplicate field '{}'", d.key))
    };
    Finding {
        code,
        severity: Severity::Warning,
        message,
        location: Some(location),
        anchor: Anchor::Offset(d.offset),
    }
}

/// `/States`, `…/Branches/<n>/States`, `…/ItemProcessor/States`, `…/Iterator/States`.
fn is_states_block(ptr: &str) -> bool {
    let Some(parent) = ptr.strip_suffix("/States") else {
        return false;
    };
    if parent.is_empty() || parent.ends_with("/ItemProcessor") || parent.ends_with("/Iterator") {
        return true;
    }
    match parent.rsplit_once('/') {
        Some((grand, last)) => {
            grand.ends_with("/Branches")
                && !last.is_empty()
                && last.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Turns findings into diagnostics, computing line/column only for what they point at.
fn place(text: &str, findings: Vec<Finding>) -> Vec<Diagnostic> {
    if findings.is_empty() {
        return Vec::new();
    }
    let mut wanted: HashSet<String> = HashSet::new();
    for f in &findings {
        if let Anchor::Value(p) | Anchor::Key(p) = &f.anchor {
            for a in report::ancestors(p) {
                wanted.insert(a.to_string());
            }
        }
    }
    let found = if wanted.is_empty() {
        Default::default()
    } else {
        locate::positions(text, &wanted)
    };
    let lines = locate::LineIndex::new(text);
    findings
        .into_iter()
        .map(|f| {
            let offset = match &f.anchor {
                Anchor::Offset(o) => Some(*o),
                Anchor::Nowhere => None,
                Anchor::Value(p) | Anchor::Key(p) => {
                    let key = matches!(f.anchor, Anchor::Key(_));
                    // The pointer itself, else its nearest ancestor present in the text.
                    report::ancestors(p).into_iter().rev().find_map(|a| {
                        let pos = found.get(a)?;
                        if key && a == p.as_str() {
                            pos.key.or(pos.value)
                        } else {
                            pos.value
                        }
                    })
                }
            };
            let (line, column) = match offset {
                Some(o) => {
                    let (l, c) = lines.line_col(o);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            f.into_diagnostic(line, column)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_blocks() {
        assert!(is_states_block("/States"));
        assert!(is_states_block("/States/P/Branches/0/States"));
        assert!(is_states_block("/States/M/ItemProcessor/States"));
        assert!(is_states_block("/States/M/Iterator/States"));
        assert!(!is_states_block("/States/A/Parameters/States"));
        assert!(!is_states_block("/States/P/Branches/x/States"));
        assert!(!is_states_block(""));
    }
}
