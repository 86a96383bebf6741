//! `statelab validate`: per-file diagnostics, JSON output and exit codes.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_statelab");

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!(
            "statelab-cli-validate-{tag}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    fn file(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
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

const GOOD: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
const BAD: &str = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"}\n  }\n}\n";

#[test]
fn valid_files_print_ok_and_exit_0() {
    let d = Dir::new("ok");
    let a = d.file("a.json", GOOD);
    let b = d.file("b.json", GOOD);
    let o = run(&["validate", &a, &b]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out, format!("{a}: OK\n{b}: OK\n"));
}

#[test]
fn errors_print_file_line_column_code_message_pointer_and_exit_1() {
    let d = Dir::new("bad");
    let good = d.file("good.json", GOOD);
    let bad = d.file("bad.json", BAD);
    let o = run(&["validate", &good, &bad]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out
        .lines()
        .find(|l| l.starts_with(&bad))
        .unwrap_or_else(|| panic!("{out}"));
    // file:line:column: ERROR CODE message (at /pointer)
    let rest = &line[bad.len()..];
    assert!(rest.starts_with(":4:"), "{line}");
    assert!(
        rest.contains(": ERROR MISSING_TRANSITION_TARGET "),
        "{line}"
    );
    assert!(rest.ends_with("(at /States/A/Next)"), "{line}");
    assert!(out.contains(&format!("{good}: OK")), "{out}");
}

#[test]
fn json_output() {
    let d = Dir::new("json");
    let good = d.file("good.json", GOOD);
    let bad = d.file("bad.json", BAD);
    let o = run(&["validate", "--json", &good, &bad]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["valid"], true);
    assert_eq!(arr[1]["valid"], false);
    let diag = &arr[1]["diagnostics"][0];
    assert_eq!(diag["code"], "MISSING_TRANSITION_TARGET");
    assert_eq!(diag["severity"], "ERROR");
    assert_eq!(diag["location"], "/States/A/Next");
    assert_eq!(diag["line"], 4);
    assert!(diag["column"].is_u64());
}

#[test]
fn json_syntax_errors_have_positions() {
    let d = Dir::new("syntax");
    let f = d.file(
        "broken.json",
        "{\n  \"StartAt\": \"A\",\n  \"States\": {\n}",
    );
    let o = run(&["validate", &f]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with(&format!("{f}:")), "{out}");
    assert!(out.contains("ERROR"), "{out}");
}

#[test]
fn unreadable_files_and_usage_exit_2() {
    let o = run(&["validate", "/no/such/definition.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read /no/such/definition.json"));
    let o = run(&["validate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["validate", "--frob", "x"]);
    assert_eq!(o.status.code(), Some(2));
}
