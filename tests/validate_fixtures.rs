//! Fixture definitions with their expected diagnostics.
//!
//! `tests/fixtures/validate/<name>.asl.json` is the definition text (valid JSON or not);
//! `<name>.expected.json` is the array of diagnostics `validate_text` must return (code,
//! severity, message, location, line, column), in order. Names starting with `express-`
//! are validated for an Express state machine.
//!
//! `STATELAB_BLESS=1 cargo test --test validate_fixtures` rewrites the expected files
//! from the current output (review the diff before committing).

use serde_json::Value;
use statelab::validate::{validate_text_with, Diagnostic, MachineType, Options};
use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate")
}

fn run(name: &str, text: &str) -> Vec<Diagnostic> {
    let machine_type = if name.starts_with("express-") {
        MachineType::Express
    } else {
        MachineType::Standard
    };
    validate_text_with(text, &Options { machine_type }).1
}

#[test]
fn fixtures_produce_expected_diagnostics() {
    let dir = fixture_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let file = e.file_name().to_string_lossy().into_owned();
                    file.strip_suffix(".asl.json").map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert!(!names.is_empty(), "no fixtures in {}", dir.display());
    let bless = std::env::var_os("STATELAB_BLESS").is_some();
    let mut failures = Vec::new();
    for name in &names {
        let text =
            std::fs::read_to_string(dir.join(format!("{name}.asl.json"))).unwrap_or_default();
        let actual = serde_json::to_value(run(name, &text)).unwrap_or(Value::Null);
        let expected_path = dir.join(format!("{name}.expected.json"));
        if bless {
            let pretty = serde_json::to_string_pretty(&actual).unwrap_or_default() + "\n";
            if let Err(e) = std::fs::write(&expected_path, pretty) {
                failures.push(format!("{name}: cannot write expected file: {e}"));
            }
            continue;
        }
        let expected: Value = std::fs::read_to_string(&expected_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null);
        if actual != expected {
            failures.push(format!(
                "{name}:\n  expected {}\n  actual   {}",
                serde_json::to_string(&expected).unwrap_or_default(),
                serde_json::to_string(&actual).unwrap_or_default()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every expected file has its definition and vice versa.
#[test]
fn fixtures_come_in_pairs() {
    let dir = fixture_dir();
    let files: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    for file in &files {
        let partner = if let Some(name) = file.strip_suffix(".asl.json") {
            format!("{name}.expected.json")
        } else if let Some(name) = file.strip_suffix(".expected.json") {
            format!("{name}.asl.json")
        } else {
            panic!("unexpected file in fixtures: {file}");
        };
        assert!(files.contains(&partner), "{file} has no {partner}");
    }
}
