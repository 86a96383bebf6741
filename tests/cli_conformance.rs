//! `statelab conformance`: report shape, known failures and exit codes.

use serde_json::json;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_statelab");

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d =
            std::env::temp_dir().join(format!("statelab-cli-conf-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn file(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }
    fn path(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("runs the binary")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn cases(d: &Dir) {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": true}}});
    d.file(
        "cases/a/good.json",
        &json!({"name": "good", "definition": def, "features": ["Pass"], "expected": {"status": "SUCCEEDED", "output": 1}}).to_string(),
    );
    d.file(
        "cases/b/bad.json",
        &json!({"name": "bad", "definition": def, "features": ["Pass", "Result"], "expected": {"status": "SUCCEEDED", "output": 2}}).to_string(),
    );
    d.file(
        "cases/b/skip.json",
        &json!({"name": "skip", "definition": def, "features": ["Task:sqs"], "needs": ["service:sqs"], "expected": {"status": "SUCCEEDED", "output": 1}}).to_string(),
    );
}

#[test]
fn report_lists_failures_features_and_ends_with_the_totals() {
    let d = Dir::new("report");
    cases(&d);
    let o = run(&["conformance", &format!("{}/cases", d.path())]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("FAIL bad: output differs at $: expected 2, got 1"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("Pass ") && l.contains("1/2")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("Task:sqs ") && l.contains("0/0") && l.ends_with('1')),
        "{out}"
    );
    assert_eq!(
        out.lines().last(),
        Some("1 passed, 1 failed, 1 skipped"),
        "{out}"
    );
    let o = run(&["conformance", &format!("{}/cases", d.path()), "--verbose"]);
    let out = stdout(&o);
    assert!(out.contains("PASS good"), "{out}");
    assert!(
        out.contains("SKIP skip: AWS service integrations are not simulated"),
        "{out}"
    );
}

#[test]
fn known_failures_decide_the_exit_code() {
    let d = Dir::new("known");
    cases(&d);
    let dir = format!("{}/cases", d.path());
    let known = d.file("known.txt", "bad  # output is 1\n");
    let o = run(&["conformance", &dir, "--known-failures", &known]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("FAIL (known: output is 1) bad"));
    let stale = d.file("stale.txt", "bad  # x\ngood  # fixed\n");
    let o = run(&["conformance", &dir, "--known-failures", &stale]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("UNEXPECTED PASS good"));
    let o = run(&["conformance", &dir, "--filter", "good"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o).lines().last(),
        Some("1 passed, 0 failed, 0 skipped")
    );
    let o = run(&["conformance", &dir, "--known-failures", "/no/such/list.txt"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_jsonata_suite_and_missing_dirs_are_explained() {
    let d = Dir::new("jsonata");
    d.file("jsonata/groups/g/case000.json", "{}");
    d.file("jsonata/datasets/dataset0.json", "{}");
    let o = run(&["conformance", &format!("{}/jsonata", d.path())]);
    if cfg!(feature = "jsonata") {
        // The suite runs (its one case has no expression, so it fails).
        assert_eq!(o.status.code(), Some(1));
        let out = stdout(&o);
        assert!(out.contains("FAIL g/case000"), "{out}");
        assert_eq!(out.lines().last(), Some("0 passed, 1 failed"));
    } else {
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("JSONata language test suite"), "{err}");
    }
    let o = run(&["conformance", "/no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["conformance"]);
    assert_eq!(o.status.code(), Some(2));
}
