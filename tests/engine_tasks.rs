//! Task states through the host seam: results, ResultSelector, Retry (attempts,
//! back-off timing, MaxDelaySeconds), Catch, timeouts, heartbeats, task tokens, and the
//! history events of each resource kind.
mod common;
use common::*;
use serde_json::{json, Value};
use statelab::{Execution, TaskResponse};

const LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";
const INVOKE: &str = "arn:aws:states:::lambda:invoke";

fn task(extra: Value) -> Value {
    let mut t = json!({"Type": "Task", "Resource": INVOKE, "End": true});
    for (k, v) in extra.as_object().unwrap() {
        t[k] = v.clone();
    }
    if t.get("Catch").is_some() {
        json!({"StartAt": "T", "States": {"T": t, "Caught": {"Type": "Pass", "End": true}}})
    } else {
        json!({"StartAt": "T", "States": {"T": t}})
    }
}

#[test]
fn task_result_goes_through_result_selector_and_result_path() {
    let def = task(json!({
        "Parameters": {"Payload.$": "$"},
        "ResultSelector": {"p.$": "$.Payload"},
        "ResultPath": "$.out"
    }));
    let ex = run_with(&def, json!({"a": 1}), |r| {
        assert_eq!(&*r.state_name, "T");
        assert_eq!(&*r.resource, INVOKE);
        assert_eq!(*r.input, json!({"Payload": {"a": 1}}));
        TaskResponse::Success(json!({"Payload": r.input["Payload"].clone(), "StatusCode": 200}))
    });
    assert_eq!(output(&ex), json!({"a": 1, "out": {"p": {"a": 1}}}));
    assert_eq!(
        history_types(&ex),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    let h = history_json(&ex);
    assert_eq!(
        h[2]["taskScheduledEventDetails"],
        json!({"resourceType": "lambda", "resource": "invoke", "region": "us-east-1", "parameters": "{\"Payload\":{\"a\":1}}"})
    );
}

#[test]
fn legacy_lambda_arn_records_lambda_function_events() {
    let def =
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": LAMBDA, "End": true}}});
    let ex = run_with(&def, json!({"x": 1}), |r| {
        TaskResponse::Success((*r.input).clone())
    });
    assert_eq!(output(&ex), json!({"x": 1}));
    assert_eq!(
        history_types(&ex),
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    let h = history_json(&ex);
    assert_eq!(
        h[2]["lambdaFunctionScheduledEventDetails"]["resource"],
        json!(LAMBDA)
    );
    assert_eq!(h[3].get("lambdaFunctionStartedEventDetails"), None);
}

#[test]
fn retry_backs_off_and_counts_attempts() {
    let def = task(json!({
        "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 3, "MaxAttempts": 3, "BackoffRate": 2.0, "MaxDelaySeconds": 8}]
    }));
    let mut calls = Vec::new();
    let ex = run_with(&def, json!({}), |r| {
        calls.push(r.invocation);
        if r.invocation < 3 {
            TaskResponse::Failure {
                error: "Flaky".into(),
                cause: Some("try again".into()),
            }
        } else {
            TaskResponse::Success(json!("ok"))
        }
    });
    assert_eq!(output(&ex), json!("ok"));
    assert_eq!(calls, [0, 1, 2, 3]);
    // Waits: 3 s, 6 s, then min(12, 8) = 8 s.
    let scheduled: Vec<i64> = ex
        .history()
        .iter()
        .filter(|e| e.event_type.name() == "TaskScheduled")
        .map(|e| e.timestamp)
        .collect();
    let gaps: Vec<i64> = scheduled.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps, [3000, 6000, 8000]);
    // A retry is a new TaskScheduled whose previous event is the failure.
    let h = ex.history();
    let second = h
        .iter()
        .filter(|e| e.event_type.name() == "TaskScheduled")
        .nth(1)
        .unwrap();
    assert_eq!(
        h[second.previous_event_id as usize - 1].event_type.name(),
        "TaskFailed"
    );
}

#[test]
fn retries_exhausted_then_catch() {
    let def = task(json!({
        "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 2}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Caught"}]
    }));
    let mut n = 0;
    let ex = run_with(&def, json!({"keep": true}), |_| {
        n += 1;
        TaskResponse::Failure {
            error: "Boom".into(),
            cause: Some("bad".into()),
        }
    });
    assert_eq!(n, 3);
    assert_eq!(
        output(&ex),
        json!({"keep": true, "error": {"Error": "Boom", "Cause": "bad"}})
    );
    let types = history_types(&ex);
    assert_eq!(
        &types[types.len() - 5..],
        [
            "TaskFailed",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn max_attempts_zero_never_retries_and_retry_count_is_in_the_context() {
    let def = task(json!({
        "Parameters": {"retry.$": "$$.State.RetryCount"},
        "Retry": [{"ErrorEquals": ["A"], "MaxAttempts": 0}, {"ErrorEquals": ["B"], "MaxAttempts": 5, "IntervalSeconds": 1}]
    }));
    let ex = run_with(&def, json!({}), |_| TaskResponse::Failure {
        error: "A".into(),
        cause: None,
    });
    assert_eq!(failure(&ex).0, "A");
    // Parameters are evaluated once, on entry: RetryCount is 0 there.
    let mut seen = Vec::new();
    let ex = run_with(&def, json!({}), |r| {
        seen.push(r.input["retry"].clone());
        if r.invocation < 2 {
            TaskResponse::Failure {
                error: "B".into(),
                cause: None,
            }
        } else {
            TaskResponse::Success(json!(1))
        }
    });
    assert_eq!(output(&ex), json!(1));
    assert_eq!(seen.len(), 3);
}

#[test]
fn task_failed_matches_everything_but_timeouts_and_runtime_is_never_caught() {
    let def = task(json!({"Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Caught"}]}));
    let ex = run_with(&def, json!({}), |_| TaskResponse::Failure {
        error: "Custom".into(),
        cause: None,
    });
    assert_eq!(output(&ex), json!({"Error": "Custom"}));

    let def = task(
        json!({"TimeoutSeconds": 5, "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Caught"}]}),
    );
    let ex = run_with(&def, json!({}), |_| TaskResponse::Delayed {
        after_ms: 60_000,
        response: Box::new(TaskResponse::Success(json!(1))),
    });
    assert_eq!(failure(&ex).0, "States.Timeout");

    let def = task(
        json!({"OutputPath": "$.missing", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]}),
    );
    let ex = run_with(&def, json!({}), |_| TaskResponse::Success(json!({})));
    assert_eq!(failure(&ex).0, "States.Runtime");
}

#[test]
fn a_slow_task_times_out_after_timeout_seconds() {
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": LAMBDA, "TimeoutSeconds": 5, "End": true}}});
    let ex = run_with(&def, json!({}), |r| TaskResponse::Delayed {
        after_ms: 60_000,
        response: Box::new(TaskResponse::Success((*r.input).clone())),
    });
    let (error, cause) = failure(&ex);
    assert_eq!(error, "States.Timeout");
    assert_eq!(cause, "");
    let types = history_types(&ex);
    assert_eq!(types[types.len() - 2], "LambdaFunctionTimedOut");
    let h = ex.history();
    assert_eq!(h.last().unwrap().timestamp - h[0].timestamp, 5000);
}

#[test]
fn timeout_seconds_path_reads_the_input() {
    let def = task(json!({"TimeoutSecondsPath": "$.t"}));
    let ex = run_with(&def, json!({"t": 2}), |_| TaskResponse::Delayed {
        after_ms: 3_000,
        response: Box::new(TaskResponse::Success(json!(1))),
    });
    assert_eq!(failure(&ex).0, "States.Timeout");
    let ex = run_with(&def, json!({"t": 4}), |_| TaskResponse::Delayed {
        after_ms: 3_000,
        response: Box::new(TaskResponse::Success(json!(1))),
    });
    assert_eq!(output(&ex), json!(1));
}

#[test]
fn an_unanswered_task_fails_naming_the_state_and_resource() {
    let def = task(json!({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]}));
    let (error, cause) = failure(&run(&def, json!({})));
    assert_eq!(error, "States.Runtime");
    assert!(cause.contains("'T'") && cause.contains(INVOKE), "{cause}");
}

#[test]
fn oversized_task_result_is_a_catchable_data_limit_failure() {
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}], "End": true},
        "C": {"Type": "Pass", "End": true}
    }});
    let big = "a".repeat(257 * 1024);
    let ex = run_with(&def, json!({}), |_| {
        TaskResponse::Success(json!(big.clone()))
    });
    let out = output(&ex);
    assert_eq!(out["Error"], json!("States.DataLimitExceeded"));
    assert_eq!(
        out["Cause"],
        json!(format!("The state/task '{LAMBDA}' returned a result with a size exceeding the maximum number of bytes service limit."))
    );
    assert!(history_types(&ex).contains(&"LambdaFunctionFailed"));
}

#[test]
fn wait_for_task_token_is_answered_later() {
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"MessageBody": {"token.$": "$$.Task.Token"}}, "End": true
    }}});
    let mut ex = Execution::start(machine(&def), options(json!({}))).unwrap();
    let mut seen_token = None;
    ex.run(&mut Handler(|r: &statelab::TaskRequest| {
        seen_token = r.task_token.clone();
        assert_eq!(
            r.input["MessageBody"]["token"],
            json!(r.task_token.clone().unwrap())
        );
        TaskResponse::Pending
    }));
    assert_eq!(ex.outcome().status, statelab::Status::Running);
    let tokens = ex.pending_tokens();
    assert_eq!(tokens.len(), 1);
    assert_eq!(Some(tokens[0].clone()), seen_token);
    assert!(ex.send_task_success("not-a-token", json!(1)).is_err());
    ex.send_task_success(&tokens[0], json!({"done": true}))
        .unwrap();
    ex.run(&mut statelab::NoTasks);
    assert_eq!(output(&ex), json!({"done": true}));
    assert!(
        ex.send_task_success(&tokens[0], json!(1)).is_err(),
        "a token answers once"
    );
}

#[test]
fn heartbeat_misses_time_out_and_heartbeats_keep_tasks_alive() {
    let def = json!({"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "HeartbeatSeconds": 10, "Parameters": {"t.$": "$$.Task.Token"}, "End": true
    }}});
    let mut ex = Execution::start(machine(&def), options(json!({}))).unwrap();
    ex.run_ready();
    assert_eq!(ex.take_requests().len(), 1);
    // The token is outstanding: time moves only when the host says so.
    assert_eq!(
        ex.pending(),
        statelab::Pending::External {
            next_timer: Some(statelab::ExecutionOptions::default().start_time + 10_000)
        }
    );
    let token = ex.pending_tokens()[0].clone();
    ex.advance_to(ex.now() + 9_000);
    ex.send_task_heartbeat(&token).unwrap();
    ex.advance_to(ex.now() + 9_000);
    assert_eq!(ex.outcome().status, statelab::Status::Running);
    ex.advance_to(ex.now() + 2_000);
    ex.run_ready();
    assert_eq!(failure(&ex).0, "States.Timeout");
    assert!(history_types(&ex).contains(&"TaskTimedOut"));
}

#[test]
fn async_handlers_answer_through_complete_task() {
    let def = task(json!({}));
    let mut ex = Execution::start(machine(&def), options(json!({"q": 1}))).unwrap();
    assert!(matches!(ex.run_ready(), statelab::Pending::External { .. }));
    let reqs = ex.take_requests();
    assert_eq!(reqs.len(), 1);
    ex.complete_task(reqs[0].id, TaskResponse::Success(json!("later")))
        .unwrap();
    ex.run_ready();
    assert_eq!(output(&ex), json!("later"));
    assert!(ex
        .complete_task(reqs[0].id, TaskResponse::Success(json!(1)))
        .is_err());
}

#[test]
fn execution_timeout_times_the_execution_out() {
    let def = json!({"TimeoutSeconds": 3, "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}});
    let ex = run(&def, json!({}));
    assert_eq!(ex.outcome().status, statelab::Status::TimedOut);
    assert_eq!(history_types(&ex).last(), Some(&"ExecutionTimedOut"));
}

#[test]
fn stop_aborts_a_running_execution() {
    let def =
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}});
    let mut ex = Execution::start(machine(&def), options(json!({}))).unwrap();
    ex.run_ready();
    ex.stop(Some("Stopped".into()), Some("by test".into()));
    assert_eq!(ex.outcome().status, statelab::Status::Aborted);
    assert_eq!(
        history_types(&ex),
        [
            "ExecutionStarted",
            "WaitStateEntered",
            "WaitStateAborted",
            "ExecutionAborted"
        ]
    );
}
