//! Static validation of a definition, like the service's `ValidateStateMachineDefinition`:
//! every problem at once, each with a code, a severity, a message, a JSON Pointer and a
//! line/column in the submitted text.

use serde::Serialize;
use serde_json::Value;

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

/// Validates definition text: JSON syntax first (`INVALID_JSON_DESCRIPTION` with the
/// position), then everything `validate_value` checks, with line/column filled in.
/// Returns the parsed document (key order preserved) when the text is valid JSON.
pub fn validate_text(text: &str) -> (Option<Value>, Vec<Diagnostic>) {
    let _ = text;
    todo!()
}

/// Validates a parsed definition (positions left empty).
pub fn validate_value(definition: &Value) -> Vec<Diagnostic> {
    let _ = definition;
    todo!()
}
