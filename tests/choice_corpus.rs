//! The AWS-recorded Choice operator tables (LocalStack snapshot corpus,
//! `cases/choice_operators/**.json`): each case is a Choice state whose rules lead to a
//! `ConditionTrue` or `ConditionFalse` Pass state, run against one input on AWS.
//!
//! This test evaluates the Choice state's rules directly with `Rule::compile`/`eval`,
//! picks the branch the way the engine does (first rule that holds, else `Default`) and
//! checks that the chosen Pass state's `Result` is the recorded output. A `FAILED`
//! recording must come from a rule error (or from no match without a `Default`).
//!
//! The corpus lives outside the repository; when it is absent the test prints a note and
//! passes. `STATELAB_CONFORMANCE` may point at another copy of the `localstack` folder.

use serde_json::Value;
use statelab::choice::Rule;
use statelab::path::SimpleRoots;
use std::path::{Path, PathBuf};

const DEFAULT_ROOT: &str = "/work/shared/conformance/localstack";

/// Cases whose recording we believe differs from this implementation, with the reason.
/// The test fails when a listed case starts passing, so the list can only shrink.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

enum Outcome {
    /// The chosen state's name.
    Next(String),
    /// A rule error, or no rule matched and there is no Default.
    Failed(String),
}

/// Runs the case's start state (a Choice) and returns where it goes.
fn run_choice(case: &Value) -> Result<Outcome, String> {
    let def = &case["definition"];
    let start = def["StartAt"].as_str().ok_or("no StartAt")?;
    let state = &def["States"][start];
    if state["Type"] != "Choice" {
        return Err(format!("start state {start} is not a Choice"));
    }
    let choices = state["Choices"].as_array().ok_or("no Choices")?;
    let input = &case["input"];
    let context = serde_json::json!({});
    let roots = SimpleRoots {
        input,
        context: &context,
        variables: None,
    };
    for choice in choices {
        let rule = Rule::compile(choice).map_err(|e| format!("compile error: {e}"))?;
        match rule.eval(&roots) {
            Ok(true) => {
                let next = choice["Next"].as_str().ok_or("rule without Next")?;
                return Ok(Outcome::Next(next.to_string()));
            }
            Ok(false) => {}
            Err(e) => return Ok(Outcome::Failed(e.message)),
        }
    }
    match state["Default"].as_str() {
        Some(default) => Ok(Outcome::Next(default.to_string())),
        None => Ok(Outcome::Failed("States.NoChoiceMatched".into())),
    }
}

/// `Ok(())` when the outcome agrees with the recording.
fn check(case: &Value) -> Result<(), String> {
    let expected = &case["expected"];
    let outcome = run_choice(case)?;
    match (expected["status"].as_str(), outcome) {
        (Some("SUCCEEDED"), Outcome::Next(next)) => {
            let target = &case["definition"]["States"][&next];
            // The branch states are `Pass` states with a constant `Result`.
            if target["Result"] == expected["output"] {
                Ok(())
            } else {
                Err(format!(
                    "went to {next} ({}), recorded output {}",
                    target["Result"], expected["output"]
                ))
            }
        }
        (Some("SUCCEEDED"), Outcome::Failed(why)) => {
            Err(format!("failed ({why}), recorded {}", expected["output"]))
        }
        (Some("FAILED"), Outcome::Failed(_)) => Ok(()),
        (Some("FAILED"), Outcome::Next(next)) => Err(format!(
            "went to {next}, recorded failure {} / {}",
            expected["error"], expected["cause"]
        )),
        (status, _) => Err(format!("unexpected recorded status {status:?}")),
    }
}

#[test]
fn aws_recorded_choice_operator_cases() {
    let root = std::env::var("STATELAB_CONFORMANCE").unwrap_or_else(|_| DEFAULT_ROOT.into());
    let dir = Path::new(&root).join("cases").join("choice_operators");
    if !dir.is_dir() {
        eprintln!(
            "note: {} not found; skipping the AWS-recorded Choice corpus",
            dir.display()
        );
        return;
    }
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    assert!(!files.is_empty(), "no cases under {}", dir.display());

    let mut passed = 0;
    let mut failures = Vec::new();
    let mut unexpectedly_passing = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let case: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: unreadable: {e}", file.display()));
                continue;
            }
        };
        let name = case["name"].as_str().unwrap_or_default().to_string();
        let known = KNOWN_DIFFERENCES.iter().any(|(n, _)| *n == name);
        match check(&case) {
            Ok(()) if known => unexpectedly_passing.push(name),
            Ok(()) => passed += 1,
            Err(_) if known => {}
            Err(why) => failures.push(format!("{name}\n    input {}\n    {why}", case["input"])),
        }
    }
    eprintln!(
        "AWS-recorded Choice corpus: {passed}/{} cases pass ({} known differences)",
        files.len(),
        KNOWN_DIFFERENCES.len()
    );
    assert!(
        failures.is_empty(),
        "{} case(s) disagree with the recording:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        unexpectedly_passing.is_empty(),
        "now passing, remove from KNOWN_DIFFERENCES: {unexpectedly_passing:?}"
    );
}
