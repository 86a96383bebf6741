//! `{% %}` expressions are parsed when a definition is validated, so an expression that
//! JSONata 2.0.6 cannot parse is a located diagnostic, not only a failure to create the
//! state machine.
#![cfg(feature = "jsonata")]

use statelab::validate::{validate_text, validate_value, Severity};

const BROKEN: &str = r#"{
  "QueryLanguage": "JSONata",
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Output": "{% $states.input.( %}",
      "End": true
    }
  }
}"#;

#[test]
fn an_expression_that_does_not_parse_is_a_located_error() {
    let (_, diagnostics) = validate_text(BROKEN);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d.code, "SCHEMA_VALIDATION_FAILED");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.location.as_deref(), Some("/States/A/Output"));
    assert_eq!((d.line, d.column), (Some(7), Some(17)));
    assert!(
        d.message.contains("$states.input.(") && d.message.contains("Output"),
        "{}",
        d.message
    );

    let value: serde_json::Value = serde_json::from_str(BROKEN).unwrap();
    let diagnostics = validate_value(&value);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].location.as_deref(), Some("/States/A/Output"));
}

#[test]
fn expressions_that_parse_give_no_diagnostic() {
    let text = BROKEN.replace("$states.input.(", "$states.input.a");
    let (_, diagnostics) = validate_text(&text);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn other_errors_are_reported_without_compiling() {
    // A rule error already stops the definition: compiling would only repeat it.
    let text = BROKEN.replace("\"End\": true", "\"Next\": \"Nowhere\"");
    let (_, diagnostics) = validate_text(&text);
    let codes: Vec<_> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"MISSING_TRANSITION_TARGET"), "{codes:?}");
    assert!(!codes.contains(&"SCHEMA_VALIDATION_FAILED"), "{codes:?}");
}
