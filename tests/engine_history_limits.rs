//! History shape and determinism, and the engine's limits (history events, payload
//! size, transitions): a typed failure, never a hang.
mod common;
use common::*;
use serde_json::json;
use statelab::{Execution, ExecutionOptions, Limits, TaskResponse};

fn delivery_like() -> serde_json::Value {
    json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"id.$": "States.UUID()", "r.$": "States.MathRandom(1, 1000)"},
              "Retry": [{"ErrorEquals": ["States.ALL"], "JitterStrategy": "FULL", "IntervalSeconds": 5, "MaxAttempts": 2}],
              "Next": "P"},
        "P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 3, "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}
        ]}
    }})
}

fn run_seeded(seed: u64) -> Vec<serde_json::Value> {
    let opts = ExecutionOptions {
        seed,
        input: json!({"x": 1}),
        ..Default::default()
    };
    let mut ex = Execution::start(machine(&delivery_like()), opts).unwrap();
    ex.run(&mut Handler(|r: &statelab::TaskRequest| {
        if r.invocation == 0 {
            TaskResponse::Failure {
                error: "Flaky".into(),
                cause: None,
            }
        } else {
            TaskResponse::Success((*r.input).clone())
        }
    }));
    history_json(&ex)
}

#[test]
fn same_definition_input_and_seed_give_the_same_history_byte_for_byte() {
    let a = serde_json::to_string(&run_seeded(42)).unwrap();
    let b = serde_json::to_string(&run_seeded(42)).unwrap();
    assert_eq!(a, b);
    let c = serde_json::to_string(&run_seeded(43)).unwrap();
    assert_ne!(a, c, "the seed drives UUIDs, random numbers and jitter");
}

#[test]
fn event_ids_are_sequential_and_previous_ids_point_backwards() {
    let h = run_seeded(1);
    for (i, e) in h.iter().enumerate() {
        assert_eq!(e["id"], json!(i as u64 + 1));
        assert!(e["previousEventId"].as_u64().unwrap() < e["id"].as_u64().unwrap());
        assert!(e["timestamp"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(
        h[1]["previousEventId"],
        json!(0),
        "the first state's Entered event points to 0"
    );
}

#[test]
fn history_limit_fails_the_execution_at_the_limit_exactly() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Again?"},
        "Again?": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "End"}], "Default": "A"},
        "End": {"Type": "Succeed"}
    }});
    let ex = run(&def, json!({}));
    let (error, cause) = failure(&ex);
    assert_eq!(error, "States.Runtime");
    assert_eq!(
        cause,
        "The execution reached the maximum number of history events (25000)."
    );
    assert_eq!(ex.history().len(), 25_000);
    assert_eq!(
        ex.history().last().unwrap().event_type.name(),
        "ExecutionFailed"
    );
}

#[test]
fn limits_are_configurable() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Again?"},
        "Again?": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "End"}], "Default": "A"},
        "End": {"Type": "Succeed"}
    }});
    let opts = ExecutionOptions {
        limits: Limits {
            max_history_events: 100,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut ex = Execution::start(machine(&def), opts).unwrap();
    ex.run(&mut statelab::NoTasks);
    assert_eq!(ex.history().len(), 100);

    let opts = ExecutionOptions {
        limits: Limits {
            max_history_events: 0,
            max_transitions: 1000,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut ex = Execution::start(machine(&def), opts).unwrap();
    ex.run(&mut statelab::NoTasks);
    let (error, cause) = failure(&ex);
    assert_eq!(error, "States.Runtime");
    assert!(
        cause.contains("maximum number of state transitions (1000)"),
        "{cause}"
    );
}

#[test]
fn oversized_state_output_fails_the_execution_uncaught() {
    let big = "x".repeat(300_000);
    let def =
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": big, "End": true}}});
    let (error, cause) = failure(&run(&def, json!({})));
    assert_eq!(error, "States.DataLimitExceeded");
    assert_eq!(cause, "The state/task 'A' returned a result with a size exceeding the maximum number of bytes service limit.");
}

#[test]
fn oversized_execution_input_is_rejected_at_start() {
    let def = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}});
    let opts = ExecutionOptions {
        input: json!("y".repeat(300_000)),
        ..Default::default()
    };
    assert!(matches!(
        Execution::start(machine(&def), opts),
        Err(statelab::Error::InvalidExecutionInput(_))
    ));
}

#[test]
fn deeply_nested_input_does_not_crash() {
    let mut v = json!(1);
    for _ in 0..200 {
        v = json!({ "a": v });
    }
    let def = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$.r", "End": true}}});
    let ex = run(&def, v);
    assert_eq!(ex.outcome().status, statelab::Status::Succeeded);
}

#[test]
fn endless_work_without_history_is_bounded_too() {
    // A Distributed Map's child executions write no events here; an endless loop in
    // one, or endless zero-interval retries, must still end.
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": true,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "A", "States": {
                "A": {"Type": "Pass", "Next": "Again?"},
                "Again?": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "End"}], "Default": "A"},
                "End": {"Type": "Succeed"}
            }}
    }}});
    let opts = ExecutionOptions {
        input: json!([{}]),
        limits: Limits {
            max_transitions: 10_000,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut ex = Execution::start(machine(&def), opts).unwrap();
    ex.run(&mut statelab::NoTasks);
    let (error, cause) = failure(&ex);
    assert_eq!(error, "States.Runtime");
    assert!(
        cause.contains("maximum number of state transitions (10000)"),
        "{cause}"
    );
    assert!(
        ex.history().len() < 10,
        "child executions keep their events to themselves"
    );

    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 99999999, "IntervalSeconds": 1, "BackoffRate": 1}]
    }}});
    let opts = ExecutionOptions {
        limits: Limits {
            max_transitions: 1_000,
            max_history_events: 0,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut ex = Execution::start(machine(&def), opts).unwrap();
    ex.run(&mut Handler(|_: &statelab::TaskRequest| {
        TaskResponse::Failure {
            error: "E".into(),
            cause: None,
        }
    }));
    assert!(failure(&ex)
        .1
        .contains("maximum number of state transitions"));
}
