//! Parallel and inline Map: results in order, shared input, ItemsPath, ItemSelector
//! with the Map context, MaxConcurrency, failures, aborts, Retry and tolerated failures.
mod common;
use common::*;
use serde_json::{json, Value};
use statelab::TaskResponse;

fn branch(name: &str, result: Value) -> Value {
    json!({"StartAt": name, "States": {name: {"Type": "Pass", "Result": result, "End": true}}})
}

#[test]
fn parallel_returns_branch_outputs_in_branch_order() {
    let def = json!({"StartAt": "P", "States": {"P": {
        "Type": "Parallel", "End": true,
        "Branches": [
            {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 5, "Next": "SlowDone"}, "SlowDone": {"Type": "Pass", "Result": "slow", "End": true}}},
            branch("Fast", json!("fast")),
            {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}}
        ]
    }}});
    let ex = run(&def, json!({"in": 1}));
    assert_eq!(output(&ex), json!(["slow", "fast", {"in": 1}]));
    let types = history_types(&ex);
    assert_eq!(
        &types[..3],
        [
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted"
        ]
    );
    assert_eq!(
        &types[types.len() - 3..],
        [
            "ParallelStateSucceeded",
            "ParallelStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn parallel_parameters_result_selector_and_result_path() {
    let def = json!({"StartAt": "P", "States": {"P": {
        "Type": "Parallel", "Parameters": {"v.$": "$.v"},
        "ResultSelector": {"first.$": "$[0].v"}, "ResultPath": "$.r", "End": true,
        "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]
    }}});
    assert_eq!(
        output(&run(&def, json!({"v": 7}))),
        json!({"v": 7, "r": {"first": 7}})
    );
}

#[test]
fn a_failing_branch_fails_the_parallel_with_its_own_error_and_aborts_siblings() {
    let def = json!({"StartAt": "P", "States": {"P": {
        "Type": "Parallel", "End": true,
        "Branches": [
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 100, "End": true}}},
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "BranchError", "Cause": "why"}}}
        ]
    }}});
    let ex = run(&def, json!({}));
    assert_eq!(failure(&ex), ("BranchError".into(), "why".into()));
    let types = history_types(&ex);
    assert!(types.contains(&"WaitStateAborted"), "{types:?}");
    assert_eq!(
        &types[types.len() - 2..],
        ["ParallelStateFailed", "ExecutionFailed"]
    );
    // Nothing waited for the aborted branch.
    assert_eq!(
        ex.history().last().unwrap().timestamp,
        ex.history()[0].timestamp
    );
}

#[test]
fn parallel_catch_receives_the_branch_error() {
    let def = json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "Done",
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Done"}],
              "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}]},
        "Done": {"Type": "Succeed"}
    }});
    assert_eq!(
        output(&run(&def, json!({"a": 1}))),
        json!({"a": 1, "err": {"Error": "E"}})
    );
}

#[test]
fn map_iterates_items_path_with_item_selector_and_map_context() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "ItemsPath": "$.items", "End": true,
        "ItemSelector": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value", "shared.$": "$.shared"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}
    }}});
    let ex = run(&def, json!({"items": ["a", "b"], "shared": 1}));
    assert_eq!(
        output(&ex),
        json!([{"index": 0, "value": "a", "shared": 1}, {"index": 1, "value": "b", "shared": 1}])
    );
    let h = history_json(&ex);
    assert_eq!(h[2]["mapStateStartedEventDetails"], json!({"length": 2}));
    assert_eq!(
        h[3]["mapIterationStartedEventDetails"],
        json!({"name": "M", "index": 0})
    );
}

#[test]
fn deprecated_iterator_and_parameters_still_work() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": true, "Parameters": {"v.$": "$$.Map.Item.Value"},
        "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}
    }}});
    assert_eq!(
        output(&run(&def, json!([1, 2]))),
        json!([{"v": 1}, {"v": 2}])
    );
}

#[test]
fn map_with_max_concurrency_one_runs_items_in_order_and_links_events_like_the_service() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrency": 1, "End": true,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}
    }}});
    let ex = run(&def, json!([1, "Hello"]));
    assert_eq!(output(&ex), json!([1, "Hello"]));
    let got: Vec<(u64, u64, &str)> = ex
        .history()
        .iter()
        .map(|e| (e.id, e.previous_event_id, e.event_type.name()))
        .collect();
    // As recorded on AWS (test_map_state): iteration events chain through the
    // processor's last event; MapStateSucceeded and MapStateExited share a parent.
    assert_eq!(
        got,
        [
            (1, 0, "ExecutionStarted"),
            (2, 0, "MapStateEntered"),
            (3, 2, "MapStateStarted"),
            (4, 3, "MapIterationStarted"),
            (5, 4, "PassStateEntered"),
            (6, 5, "PassStateExited"),
            (7, 6, "MapIterationSucceeded"),
            (8, 6, "MapIterationStarted"),
            (9, 8, "PassStateEntered"),
            (10, 9, "PassStateExited"),
            (11, 10, "MapIterationSucceeded"),
            (12, 11, "MapStateSucceeded"),
            (13, 11, "MapStateExited"),
            (14, 13, "ExecutionSucceeded"),
        ]
    );
}

#[test]
fn map_over_a_non_array_fails() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}
    }}});
    let (error, _) = failure(&run(&def, json!({"not": "an array"})));
    assert_eq!(error, "States.Runtime");
}

#[test]
fn map_empty_array_gives_an_empty_result() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}
    }}});
    assert_eq!(output(&run(&def, json!([]))), json!([]));
}

#[test]
fn map_retry_restarts_the_whole_map_without_a_failed_event() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrency": 1, "End": true,
        "Retry": [{"ErrorEquals": ["ItemError"], "MaxAttempts": 2, "IntervalSeconds": 1}],
        "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "ItemError", "Cause": "c"}}}
    }}});
    let ex = run(&def, json!([1]));
    assert_eq!(failure(&ex).0, "ItemError");
    let types = history_types(&ex);
    assert_eq!(types.iter().filter(|t| **t == "MapStateStarted").count(), 3);
    assert_eq!(types.iter().filter(|t| **t == "MapStateFailed").count(), 1);
    assert_eq!(
        &types[types.len() - 3..],
        ["MapIterationFailed", "MapStateFailed", "ExecutionFailed"]
    );
}

#[test]
fn map_tolerated_failures() {
    let def = |count: u64| {
        json!({"StartAt": "M", "States": {"M": {
            "Type": "Map", "End": true, "ToleratedFailureCount": count,
            "ItemProcessor": {"StartAt": "C", "States": {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "F"}], "Default": "P"},
                "F": {"Type": "Fail", "Error": "Zero"},
                "P": {"Type": "Pass", "End": true}
            }}
        }}})
    };
    let ex = run(&def(1), json!([0, 1, 2]));
    assert_eq!(output(&ex), json!([{"Error": "Zero"}, 1, 2]));
    let ex = run(&def(0), json!([0, 1, 2]));
    assert_eq!(failure(&ex).0, "States.ExceedToleratedFailureThreshold");
}

#[test]
fn map_tasks_see_their_items_and_results_come_back_in_order() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrency": 2, "End": true,
        "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}
    }}});
    // Later items answer faster; the output keeps input order.
    let ex = run_with(&def, json!([3, 1, 2]), |r| TaskResponse::Delayed {
        after_ms: r.input.as_u64().unwrap() * 1000,
        response: Box::new(TaskResponse::Success(json!(r.input.as_u64().unwrap() * 10))),
    });
    assert_eq!(output(&ex), json!([30, 10, 20]));
}

#[test]
fn max_concurrency_path_errors_are_runtime_errors() {
    let def = json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "MaxConcurrencyPath": "$.mc", "ItemsPath": "$.items", "End": true,
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}
    }}});
    let (error, cause) = failure(&run(&def, json!({"mc": "NoNumber", "items": [1]})));
    assert_eq!(error, "States.Runtime");
    assert!(cause.ends_with("The MaxConcurrencyPath field refers to value \"NoNumber\" which is not a valid integer: $.mc"), "{cause}");
    assert_eq!(
        output(&run(&def, json!({"mc": 1, "items": [1]}))),
        json!([1])
    );
}

#[test]
fn inner_scopes_read_outer_variables() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"outer": 5}, "Next": "M"},
        "M": {"Type": "Map", "End": true, "ItemSelector": {"o.$": "$outer", "v.$": "$$.Map.Item.Value"},
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.v, $outer)"}, "End": true}}}}
    }});
    // States.MathAdd needs the intrinsics module; ItemSelector shows the variable too.
    let ex = run(&def, json!([1, 2]));
    assert_eq!(output(&ex), json!([{"sum": 6}, {"sum": 7}]));
}

/// Each iteration's output is in the Map's result (which moves out of the group when
/// it ends) and in the history.
#[test]
fn iteration_outputs_are_in_the_result_and_in_the_history() {
    let def = json!({
        "StartAt": "M",
        "States": {"M": {
            "Type": "Map", "End": true,
            "ItemProcessor": {"StartAt": "P", "States": {
                "P": {"Type": "Pass", "Parameters": {"v.$": "$", "k": "item"}, "Next": "S"},
                "S": {"Type": "Succeed"}
            }}
        }}
    });
    let items: Vec<Vec<u32>> = (1..=3).map(|i| (i..i + 30).collect()).collect();
    let ex = run(&def, json!(items));
    let expected: Vec<serde_json::Value> =
        items.iter().map(|v| json!({"v": v, "k": "item"})).collect();
    assert_eq!(output(&ex), json!(expected));
    let mut exited: Vec<serde_json::Value> = history_json(&ex)
        .iter()
        .filter(|e| e["type"] == "SucceedStateExited")
        .map(|e| {
            serde_json::from_str(e["stateExitedEventDetails"]["output"].as_str().unwrap()).unwrap()
        })
        .collect();
    exited.sort_by_key(|v| v["v"][0].as_i64());
    assert_eq!(exited, expected);
}
