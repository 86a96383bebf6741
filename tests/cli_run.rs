//! `statelab run`: outcome JSON, history, mocks, reproducibility and exit codes.

use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_statelab");

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("statelab-cli-run-{tag}-{}", std::process::id()));
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

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs the binary");
    {
        let mut i = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            i.write_all(s.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn stdout_json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const PASS: &str = r#"{
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Pass", "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.name)"}, "End": true}
  }
}"#;

const TASK: &str = r#"{
  "StartAt": "Call",
  "States": {
    "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
             "Parameters": {"FunctionName": "f", "Payload.$": "$"},
             "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 60, "MaxAttempts": 2}],
             "OutputPath": "$.Payload", "End": true}
  }
}"#;

const MOCK: &str = r#"{
  "StateMachines": {"Orders": {"TestCases": {
    "Happy": {"Call": "Ok"},
    "Throttled": {"Call": "ThrottledThenOk"},
    "Broken": {"Call": "AlwaysThrottled"}
  }}},
  "MockedResponses": {
    "Ok": {"0": {"Return": {"StatusCode": 200, "Payload": {"done": true}}}},
    "ThrottledThenOk": {
      "0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
      "2": {"Return": {"StatusCode": 200, "Payload": {"done": "eventually"}}}
    },
    "AlwaysThrottled": {"0": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}}}
  }
}"#;

#[test]
fn succeeded_prints_the_outcome_and_exits_0() {
    let d = Dir::new("ok");
    let def = d.file("greet.json", PASS);
    let o = run(&["run", &def, "--input", r#"{"name": "Ada"}"#], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout_json(&o),
        json!({"status": "SUCCEEDED", "output": {"greeting": "Hello, Ada!"}})
    );
    // Pretty-printed.
    assert!(String::from_utf8_lossy(&o.stdout).contains("\n  \"status\""));
}

#[test]
fn definition_and_input_from_files_and_stdin() {
    let d = Dir::new("stdin");
    let input = d.file("in.json", r#"{"name": "Bob"}"#);
    let o = run(&["run", "-", "--input-file", &input], Some(PASS));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["output"]["greeting"], "Hello, Bob!");
    let def = d.file("greet.json", PASS);
    let o = run(
        &["run", &def, "--input-file", "-"],
        Some(r#"{"name": "Cy"}"#),
    );
    assert_eq!(stdout_json(&o)["output"]["greeting"], "Hello, Cy!");
}

#[test]
fn failed_executions_exit_1() {
    let d = Dir::new("fail");
    let def = d.file(
        "fail.json",
        r#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Oops", "Cause": "bad"}}}"#,
    );
    let o = run(&["run", &def], None);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout_json(&o),
        json!({"status": "FAILED", "error": "Oops", "cause": "bad"})
    );
    // A Task without a mock fails with a message naming the state.
    let def = d.file("task.json", TASK);
    let o = run(&["run", &def], None);
    assert_eq!(o.status.code(), Some(1));
    let v = stdout_json(&o);
    assert_eq!(v["status"], "FAILED");
    assert!(v["cause"].as_str().unwrap().contains("'Call'"), "{v}");
}

#[test]
fn history_is_included_on_request() {
    let d = Dir::new("history");
    let def = d.file("greet.json", PASS);
    let o = run(
        &[
            "run",
            &def,
            "--input",
            r#"{"name": "Ada"}"#,
            "--history",
            "--seed",
            "7",
        ],
        None,
    );
    let v = stdout_json(&o);
    let types: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(v["history"][0]["id"], 1);
    assert_eq!(v["history"][0]["timestamp"], "2025-01-01T00:00:00.000Z");
}

#[test]
fn seed_or_start_time_make_runs_byte_identical() {
    let d = Dir::new("repro");
    let def = d.file(
        "uuid.json",
        r#"{"StartAt": "U", "States": {"U": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()", "t.$": "$$.Execution.StartTime", "n.$": "$$.Execution.Name"}, "End": true}}}"#,
    );
    let a = run(&["run", &def, "--seed", "42", "--history"], None);
    let b = run(&["run", &def, "--seed", "42", "--history"], None);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    assert_eq!(a.stdout, b.stdout);
    let c = run(&["run", &def, "--seed", "43"], None);
    assert_ne!(
        stdout_json(&a)["output"]["id"],
        stdout_json(&c)["output"]["id"]
    );
    let t = run(&["run", &def, "--start-time", "2024-02-29T12:00:00Z"], None);
    let t2 = run(&["run", &def, "--start-time", "2024-02-29T12:00:00Z"], None);
    assert_eq!(t.stdout, t2.stdout);
    let tv = stdout_json(&t);
    assert!(
        tv["output"]["t"]
            .as_str()
            .unwrap()
            .starts_with("2024-02-29T12:00:00"),
        "{tv}"
    );
    // Without either, the start time is the wall clock (not the fixed default).
    let now = run(&["run", &def], None);
    let year: i32 = stdout_json(&now)["output"]["t"].as_str().unwrap()[..4]
        .parse()
        .unwrap();
    assert!(year >= 2025);
    let named = run(&["run", &def, "--seed", "1", "--name", "my-exec"], None);
    assert_eq!(stdout_json(&named)["output"]["n"], "my-exec");
}

#[test]
fn mock_config_answers_tasks_by_invocation() {
    let d = Dir::new("mock");
    let def = d.file("orders.json", TASK);
    let mock = d.file("mock.json", MOCK);
    let o = run(
        &["run", &def, "--mock-config", &mock, "--test-case", "Happy"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["output"], json!({"done": true}));
    let o = run(
        &[
            "run",
            &def,
            "--mock-config",
            &mock,
            "--test-case",
            "Throttled",
            "--state-machine",
            "Orders",
            "--history",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = stdout_json(&o);
    assert_eq!(v["output"], json!({"done": "eventually"}));
    let failed = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "TaskFailed")
        .count();
    assert_eq!(failed, 2);
    // Invocation 1 has no entry: the execution fails naming the state.
    let o = run(
        &["run", &def, "--mock-config", &mock, "--test-case", "Broken"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let v = stdout_json(&o);
    assert_eq!(v["error"], "States.Runtime");
    assert!(v["cause"].as_str().unwrap().contains("invocation 1"), "{v}");
}

#[test]
fn bad_arguments_and_inputs_exit_2_with_a_message() {
    let d = Dir::new("bad");
    let def = d.file("greet.json", PASS);
    let mock = d.file("mock.json", MOCK);
    let bad_mock = d.file(
        "bad-mock.json",
        r#"{"StateMachines": {"S": {"TestCases": {"T": {"A": "Nope"}}}}}"#,
    );
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["run", &def, "--input", "{\"a\":"],
            "--input is not valid JSON",
        ),
        (
            vec!["run", "/no/such/file.json"],
            "cannot read /no/such/file.json",
        ),
        (
            vec!["run", &def, "--input-file", "/no/such/input.json"],
            "cannot read /no/such/input.json",
        ),
        (vec!["run"], "exactly one DEFINITION"),
        (vec!["run", &def, "--bogus"], "unknown option --bogus"),
        (
            vec!["run", &def, "--seed", "x"],
            "--seed needs a non-negative integer",
        ),
        (
            vec!["run", &def, "--start-time", "yesterday"],
            "not an RFC 3339 timestamp",
        ),
        (
            vec!["run", &def, "--input", "{}", "--input-file", "x"],
            "not both",
        ),
        (vec!["run", &def, "--mock-config", &mock], "go together"),
        (
            vec!["run", &def, "--mock-config", &mock, "--test-case", "Nope"],
            "no test case named \"Nope\"",
        ),
        (
            vec!["run", &def, "--mock-config", &bad_mock, "--test-case", "T"],
            "no mocked response named \"Nope\"",
        ),
        (
            vec![
                "run",
                &def,
                "--mock-config",
                &mock,
                "--test-case",
                "Happy",
                "--state-machine",
                "X",
            ],
            "no state machine named \"X\"",
        ),
        (vec!["run", "-", "--input-file", "-"], "only one of"),
        (vec!["frobnicate"], "unknown command"),
        (vec![], "Usage"),
    ];
    for (args, needle) in cases {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn invalid_definitions_print_diagnostics_and_exit_2() {
    let d = Dir::new("invalid");
    let def = d.file(
        "bad.json",
        "{\n  \"StartAt\": \"Missing\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}\n}\n",
    );
    let o = run(&["run", &def], None);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("MISSING_TRANSITION_TARGET"), "{err}");
    assert!(err.contains(&format!("{def}:2:")), "{err}");
    assert!(err.contains("(at /StartAt)"), "{err}");
    let o = run(&["run", "-"], Some("{ nope"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("<stdin>:1:"), "{}", stderr(&o));
}

#[test]
fn help_and_version() {
    for args in [
        vec!["--help"],
        vec!["run", "--help"],
        vec!["validate", "-h"],
        vec!["conformance", "--help"],
    ] {
        let o = run(&args, None);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("Usage"),
            "{args:?}"
        );
    }
    let o = run(&["--version"], None);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("statelab "));
}

#[test]
fn variables_after_each_state() {
    let d = Dir::new("vars");
    let def = d.file(
        "vars.json",
        r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"n":1},"Next":"B"},"B":{"Type":"Pass","QueryLanguage":"JSONata","Assign":{"n":"{% $n + 1 %}"},"End":true}}}"#,
    );
    let o = run(&["run", &def, "--variables", "--seed", "1"], None);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["variables"][0]["variables"], json!({"n": 1}));
    assert_eq!(v["variables"][1]["state"], json!("B"));
    assert_eq!(v["variables"][1]["variables"], json!({"n": 2}));
}
