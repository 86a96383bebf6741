//! Mock files driving real executions: invocation numbers count retries and Map
//! iterations; a missing entry fails the execution even under a catch-all.

use serde_json::{json, Value};
use statelab::mock::MockConfig;
use statelab::{compile_value, Execution, ExecutionOptions, Status};

fn run(definition: Value, mock: &str, test_case: &str, input: Value) -> Execution {
    let sm = compile_value(&definition).expect("valid definition");
    let cfg = MockConfig::from_text(mock).expect("valid mock");
    let mut h = cfg.handler("SM", test_case).expect("test case");
    let mut ex = Execution::start(
        sm,
        ExecutionOptions {
            input,
            ..ExecutionOptions::default()
        },
    )
    .unwrap();
    ex.run(&mut h);
    ex
}

const MOCK: &str = r#"{
  "StateMachines": {"SM": {"TestCases": {
    "Retries": {"Call": "FailTwice"},
    "Items": {"Call": "PerItem"},
    "Short": {"Call": "OnlyOne"},
    "Unlisted": {}
  }}},
  "MockedResponses": {
    "FailTwice": {
      "0-1": {"Throw": {"Error": "Busy", "Cause": "try later"}},
      "2": {"Return": {"attempt": 3}}
    },
    "PerItem": {"0": {"Return": "first"}, "1": {"Return": "second"}, "2-9": {"Return": "later"}},
    "OnlyOne": {"0": {"Throw": {"Error": "Busy", "Cause": "once"}}}
  }
}"#;

fn task(extra: Value) -> Value {
    let mut t = json!({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true});
    if let (Value::Object(t), Value::Object(e)) = (&mut t, extra) {
        t.extend(e);
    }
    t
}

#[test]
fn retries_consume_invocation_numbers() {
    let def = json!({"StartAt": "Call", "States": {"Call": task(json!({
        "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 10, "MaxAttempts": 5}]
    }))}});
    let ex = run(def, MOCK, "Retries", json!({}));
    assert_eq!(ex.outcome().status, Status::Succeeded);
    assert_eq!(ex.outcome().output.as_deref(), Some(&json!({"attempt": 3})));
    let failed = ex
        .history()
        .iter()
        .filter(|e| e.event_type.name() == "LambdaFunctionFailed")
        .count();
    assert_eq!(failed, 2);
}

#[test]
fn map_iterations_consume_invocation_numbers_in_order() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrency": 1, "End": true,
        "ItemProcessor": {"StartAt": "Call", "States": {"Call": task(json!({}))}}
    }}});
    let ex = run(def, MOCK, "Items", json!([1, 2, 3, 4]));
    assert_eq!(ex.outcome().status, Status::Succeeded);
    assert_eq!(
        ex.outcome().output.as_deref(),
        Some(&json!(["first", "second", "later", "later"]))
    );
}

#[test]
fn a_missing_invocation_entry_fails_the_execution_even_under_catch_all() {
    let def = json!({"StartAt": "Call", "States": {
        "Call": {
            "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 3}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
            "Next": "Done"
        },
        "Done": {"Type": "Succeed"}
    }});
    let ex = run(def, MOCK, "Short", json!({}));
    let out = ex.outcome();
    assert_eq!(out.status, Status::Failed, "{out:?}");
    assert_eq!(out.error.as_deref(), Some("States.Runtime"));
    let cause = out.cause.as_deref().unwrap();
    assert!(cause.contains("invocation 1"), "{cause}");
    assert!(cause.contains("'Call'"), "{cause}");
    assert!(cause.contains("'OnlyOne'"), "{cause}");
}

#[test]
fn a_task_state_missing_from_the_test_case_fails_naming_it() {
    let def = json!({"StartAt": "Call", "States": {"Call": task(json!({}))}});
    let ex = run(def, MOCK, "Unlisted", json!({}));
    let out = ex.outcome();
    assert_eq!(out.status, Status::Failed);
    let cause = out.cause.as_deref().unwrap();
    assert!(
        cause.contains("'Unlisted'") && cause.contains("'Call'"),
        "{cause}"
    );
}
