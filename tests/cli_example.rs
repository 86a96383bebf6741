//! `statelab example`: the built-in examples run with their mocks.

use serde_json::Value;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_statelab");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("runs the binary")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

#[test]
fn delivery_paths() {
    let o = run(&["example", "delivery", "--seed", "1"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o)["status"], "SUCCEEDED");
    // The default example is the first one.
    let d = run(&["example", "--seed", "1"]);
    assert_eq!(o.stdout, d.stdout);
    for (case, error) in [
        ("OutOfStock", "Order.OutOfStock"),
        ("PaymentDeclined", "Order.PaymentDeclined"),
    ] {
        let o = run(&["example", "delivery", "--test-case", case, "--seed", "1"]);
        assert_eq!(o.status.code(), Some(1), "{case}");
        let v = json(&o);
        assert_eq!(v["status"], "FAILED", "{case}");
        assert_eq!(v["error"], error, "{case}");
    }
}

#[test]
fn history_and_listing() {
    let o = run(&["example", "--history", "--seed", "3"]);
    let v = json(&o);
    let h = v["history"].as_array().expect("history");
    assert_eq!(h[0]["type"], "ExecutionStarted");
    assert_eq!(h[h.len() - 1]["type"], "ExecutionSucceeded");
    let o = run(&["example", "--list"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("delivery: "));
}

#[test]
fn unknown_names_and_cases_exit_2() {
    let o = run(&["example", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("available: delivery"));
    let o = run(&["example", "delivery", "--test-case", "Nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no test case named \"Nope\""));
}
