//! No false positives: every definition in the LocalStack-derived conformance cases was
//! accepted by AWS, so validating it must produce no ERROR diagnostic.
//!
//! The cases live outside the repository: `$STATELAB_CONFORMANCE_DIR` or
//! `/work/shared/conformance/localstack`. When the folder is missing the test prints a
//! note and passes.

use serde_json::Value;
use statelab::validate::{validate_text, validate_value, Severity};
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    std::env::var_os("STATELAB_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/conformance/localstack"))
}

fn case_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            case_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_accepted_definition_validates_without_errors() {
    let cases = corpus_dir().join("cases");
    if !cases.is_dir() {
        eprintln!("note: {} not found, corpus test skipped", cases.display());
        return;
    }
    let mut files = Vec::new();
    case_files(&cases, &mut files);
    assert!(!files.is_empty(), "no cases under {}", cases.display());
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let Ok(case) = serde_json::from_str::<Value>(&text) else {
            failures.push(format!("{}: unreadable case", file.display()));
            continue;
        };
        let Some(definition) = case.get("definition") else {
            continue;
        };
        checked += 1;
        // Both entry points: the parsed value and the pretty-printed text.
        let pretty = serde_json::to_string_pretty(definition).unwrap_or_default();
        let (parsed, from_text) = validate_text(&pretty);
        if parsed.as_ref() != Some(definition) {
            failures.push(format!("{}: text did not round-trip", file.display()));
        }
        for d in validate_value(definition).iter().chain(from_text.iter()) {
            if d.severity == Severity::Error {
                failures.push(format!(
                    "{}: {} {} at {:?} (line {:?}, column {:?})",
                    file.display(),
                    d.code,
                    d.message,
                    d.location,
                    d.line,
                    d.column
                ));
            }
        }
    }
    eprintln!(
        "{checked} accepted definitions validated, {} false positives",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "false positives:\n{}",
        failures.join("\n")
    );
}
