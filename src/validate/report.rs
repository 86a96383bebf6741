//! Findings as the rules produce them: a diagnostic plus an anchor (the JSON Pointer
//! whose key or value the line/column should point at), and the helpers that build the
//! messages the service uses.

use super::{Diagnostic, Severity};

pub(crate) const SCHEMA: &str = "SCHEMA_VALIDATION_FAILED";
pub(crate) const MISSING_TARGET: &str = "MISSING_TRANSITION_TARGET";
pub(crate) const MISSING_END: &str = "MISSING_END_STATE";
pub(crate) const INVALID_JSON: &str = "INVALID_JSON_DESCRIPTION";
pub(crate) const DUPLICATE_STATE_NAME: &str = "DUPLICATE_STATE_NAME";

/// Where in the text a finding points. Pointers are internal ones: `""` is the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// The start of the value at this pointer.
    Value(String),
    /// The member name (key) of this pointer in its parent object; the value for the root
    /// or an array element.
    Key(String),
    /// A byte offset already known (syntax errors, duplicate keys).
    Offset(usize),
    Nowhere,
}

#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Internal pointer (`""` = root), reported as `/` for the root.
    pub location: Option<String>,
    pub anchor: Anchor,
}

impl Finding {
    pub fn into_diagnostic(self, line: Option<u32>, column: Option<u32>) -> Diagnostic {
        Diagnostic {
            code: self.code.to_string(),
            severity: self.severity,
            message: self.message,
            location: self.location.map(|p| public_pointer(&p)),
            line,
            column,
        }
    }
}

/// The pointer as reported: the service writes the root as `/`.
pub(crate) fn public_pointer(ptr: &str) -> String {
    if ptr.is_empty() {
        "/".to_string()
    } else {
        ptr.to_string()
    }
}

/// Appends one RFC 6901 reference token (`~` → `~0`, `/` → `~1`).
pub(crate) fn push_token(out: &mut String, token: &str) {
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            _ => out.push(c),
        }
    }
}

pub(crate) fn child(ptr: &str, token: &str) -> String {
    let mut out = String::with_capacity(ptr.len() + token.len() + 1);
    out.push_str(ptr);
    push_token(&mut out, token);
    out
}

pub(crate) fn index(ptr: &str, i: usize) -> String {
    format!("{ptr}/{i}")
}

/// Every ancestor of a pointer, root (`""`) first, the pointer itself last.
pub(crate) fn ancestors(ptr: &str) -> Vec<&str> {
    let mut out = vec![""];
    for (i, c) in ptr.char_indices() {
        if c == '/' && i > 0 {
            out.push(&ptr[..i]);
        }
    }
    if !ptr.is_empty() {
        out.push(ptr);
    }
    out
}

/// Collects findings; every rule reports through it.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    pub findings: Vec<Finding>,
}

impl Sink {
    pub fn push(
        &mut self,
        code: &'static str,
        message: String,
        location: Option<String>,
        anchor: Anchor,
    ) {
        self.findings.push(Finding {
            code,
            severity: Severity::Error,
            message,
            location,
            anchor,
        });
    }

    /// A problem with the value at `ptr`.
    pub fn at_value(&mut self, code: &'static str, ptr: &str, message: impl Into<String>) {
        self.push(
            code,
            message.into(),
            Some(ptr.to_string()),
            Anchor::Value(ptr.to_string()),
        );
    }

    /// A schema problem with the value at `ptr`.
    pub fn schema(&mut self, ptr: &str, message: impl Into<String>) {
        self.at_value(SCHEMA, ptr, message);
    }

    /// A problem reported at the object `obj` (as the service does) but caused by its
    /// member `field`: the position points at that member's name.
    pub fn schema_field(&mut self, obj: &str, field: &str, message: impl Into<String>) {
        self.push(
            SCHEMA,
            message.into(),
            Some(obj.to_string()),
            Anchor::Key(child(obj, field)),
        );
    }

    /// `These fields are required: [A, B]` at the object, positioned at its name.
    pub fn required(&mut self, obj: &str, fields: &[&str]) {
        self.push(
            SCHEMA,
            format!("These fields are required: [{}]", fields.join(", ")),
            Some(obj.to_string()),
            Anchor::Key(obj.to_string()),
        );
    }

    /// `Field 'X' is not supported` at the object, positioned at the field's name.
    pub fn unsupported(&mut self, obj: &str, field: &str) {
        self.schema_field(obj, field, format!("Field '{field}' is not supported"));
    }

    /// `Expected value of type [STRING]` and friends.
    pub fn wrong_type(&mut self, ptr: &str, expected: &str) {
        self.schema(ptr, format!("Expected value of type [{expected}]"));
    }

    /// `The field 'Type' should have one of these values: [...]`.
    pub fn not_one_of(&mut self, ptr: &str, field: &str, values: &[&str]) {
        self.schema(
            ptr,
            format!(
                "The field '{field}' should have one of these values: [{}]",
                values.join(", ")
            ),
        );
    }

    pub fn empty(&mut self, ptr: &str) {
        self.schema(ptr, "Value cannot be empty");
    }

    /// Mutually exclusive fields that are both (all) present.
    pub fn only_one_of(&mut self, obj: &str, present_field: &str, fields: &[&str]) {
        self.schema_field(
            obj,
            present_field,
            format!(
                "Only one of these fields is allowed: [{}]",
                fields.join(", ")
            ),
        );
    }

    /// None of a set of alternatives is present.
    pub fn one_of_required(&mut self, obj: &str, fields: &[&str]) {
        self.push(
            SCHEMA,
            format!("One of these fields is required: [{}]", fields.join(", ")),
            Some(obj.to_string()),
            Anchor::Key(obj.to_string()),
        );
    }
}

/// The JSON type name used in `Expected value of type [...]` messages.
pub(crate) const STRING: &str = "STRING";
pub(crate) const OBJECT: &str = "OBJECT";
pub(crate) const ARRAY: &str = "ARRAY";
pub(crate) const BOOLEAN: &str = "BOOLEAN";
pub(crate) const INTEGER: &str = "INTEGER";
pub(crate) const NUMBER: &str = "NUMBER";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_escaped() {
        assert_eq!(child("/States", "a/b~c"), "/States/a~1b~0c");
        assert_eq!(index("/States/P/Branches", 2), "/States/P/Branches/2");
    }

    #[test]
    fn ancestors_of_pointer() {
        assert_eq!(ancestors(""), vec![""]);
        assert_eq!(ancestors("/States/A"), vec!["", "/States", "/States/A"]);
    }
}
