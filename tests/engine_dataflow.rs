//! Pass, Choice, Wait, Succeed and Fail states and the JSONPath data flow:
//! InputPath → Parameters → Result → ResultPath → OutputPath, `$$` and null paths.
mod common;
use common::*;
use serde_json::{json, Value};

fn one(state: serde_json::Value) -> serde_json::Value {
    json!({"StartAt": "S", "States": {"S": state}})
}

#[test]
fn pass_without_result_passes_its_input_through() {
    let ex = run(&one(json!({"Type": "Pass", "End": true})), json!({"a": 1}));
    assert_eq!(output(&ex), json!({"a": 1}));
}

#[test]
fn pass_result_replaces_input_by_default() {
    let ex = run(
        &one(json!({"Type": "Pass", "Result": [1, 2], "End": true})),
        json!({"a": 1}),
    );
    assert_eq!(output(&ex), json!([1, 2]));
}

#[test]
fn result_path_merges_into_the_raw_input_not_the_input_path_output() {
    let def = one(json!({
        "Type": "Pass", "InputPath": "$.lambda", "Result": "done",
        "ResultPath": "$.data.x", "End": true
    }));
    let ex = run(&def, json!({"comment": "c", "lambda": {"v": 1}}));
    assert_eq!(
        output(&ex),
        json!({"comment": "c", "lambda": {"v": 1}, "data": {"x": "done"}})
    );
}

#[test]
fn null_paths() {
    // InputPath null → {} ; ResultPath null → raw input ; OutputPath null → {}
    let ex = run(
        &one(json!({"Type": "Pass", "InputPath": null, "End": true})),
        json!({"a": 1}),
    );
    assert_eq!(output(&ex), json!({}));
    let ex = run(
        &one(json!({"Type": "Pass", "Result": 5, "ResultPath": null, "End": true})),
        json!({"a": 1}),
    );
    assert_eq!(output(&ex), json!({"a": 1}));
    let ex = run(
        &one(json!({"Type": "Pass", "OutputPath": null, "End": true})),
        json!({"a": 1}),
    );
    assert_eq!(output(&ex), json!({}));
}

#[test]
fn parameters_evaluate_dollar_keys_and_keep_others_literal() {
    let def = one(json!({
        "Type": "Pass",
        "Parameters": {
            "fromInput.$": "$.a",
            "literal": "$.a",
            "nested": {"b.$": "$.b[1]", "list": [{"c.$": "$.a"}]},
            "stateName.$": "$$.State.Name",
            "execName.$": "$$.Execution.Name"
        },
        "End": true
    }));
    let ex = run(&def, json!({"a": "x", "b": [1, 2]}));
    assert_eq!(
        output(&ex),
        json!({
            "fromInput": "x", "literal": "$.a",
            "nested": {"b": 2, "list": [{"c": "x"}]},
            "stateName": "S", "execName": "test-execution"
        })
    );
}

#[test]
fn output_path_selects_from_the_merged_result() {
    let def = one(json!({
        "Type": "Pass", "Result": {"x": 1}, "ResultPath": "$.r", "OutputPath": "$.r", "End": true
    }));
    assert_eq!(output(&run(&def, json!({"a": 1}))), json!({"x": 1}));
}

#[test]
fn input_path_miss_is_an_uncatchable_runtime_error() {
    let def = one(json!({"Type": "Pass", "InputPath": "$.NoSuchInputPath", "End": true}));
    let ex = run(&def, json!({"int-literal": 0}));
    let (error, cause) = failure(&ex);
    assert_eq!(error, "States.Runtime");
    assert_eq!(
        cause,
        "An error occurred while executing the state 'S' (entered at the event id #2). Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
    );
    assert_eq!(
        history_types(&ex),
        ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]
    );
}

#[test]
fn parameters_path_miss_names_the_field() {
    let def =
        one(json!({"Type": "Pass", "Parameters": {"value.$": "$.no_such_jsonpath"}, "End": true}));
    let (error, cause) = failure(&run(&def, json!({"a": 1})));
    assert_eq!(error, "States.Runtime");
    assert_eq!(
        cause,
        "An error occurred while executing the state 'S' (entered at the event id #2). The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"a\":1}'"
    );
}

#[test]
fn result_path_into_a_non_object_fails() {
    let def = one(json!({"Type": "Pass", "Result": 1, "ResultPath": "$.a.b", "End": true}));
    let ex = run(&def, json!("just a string"));
    let (error, _) = failure(&ex);
    assert_eq!(error, "States.ResultPathMatchFailure");
}

fn choice_machine() -> serde_json::Value {
    json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"},
            {"And": [
                {"Variable": "$.s", "IsPresent": true},
                {"Variable": "$.s", "StringMatches": "ab*"}
            ], "Next": "Ab"}
        ], "Default": "Other"},
        "Big": {"Type": "Pass", "Result": "big", "End": true},
        "Ab": {"Type": "Pass", "Result": "ab", "End": true},
        "Other": {"Type": "Pass", "Result": "other", "End": true}
    }})
}

#[test]
fn choice_takes_the_first_matching_rule_or_the_default() {
    assert_eq!(
        output(&run(&choice_machine(), json!({"n": 11, "s": "abc"}))),
        json!("big")
    );
    assert_eq!(
        output(&run(&choice_machine(), json!({"n": 1, "s": "abc"}))),
        json!("ab")
    );
    assert_eq!(
        output(&run(&choice_machine(), json!({"n": 1}))),
        json!("other")
    );
}

#[test]
fn choice_without_default_fails_with_no_choice_matched() {
    let def = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericEquals": 1, "Next": "E"}
        ]},
        "E": {"Type": "Succeed"}
    }});
    let (error, _) = failure(&run(&def, json!({"n": 2})));
    assert_eq!(error, "States.NoChoiceMatched");
}

#[test]
fn choice_output_is_its_input_after_input_and_output_path() {
    let def = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "InputPath": "$.in", "OutputPath": "$.keep", "Choices": [
            {"Variable": "$.n", "NumericEquals": 1, "Next": "E"}
        ]},
        "E": {"Type": "Succeed"}
    }});
    assert_eq!(
        output(&run(&def, json!({"in": {"n": 1, "keep": [1]}}))),
        json!([1])
    );
}

#[test]
fn a_one_year_wait_finishes_at_once_with_honest_timestamps() {
    let def = one(json!({"Type": "Wait", "Seconds": 31_536_000, "End": true}));
    let started = std::time::Instant::now();
    let ex = run(&def, json!({}));
    assert!(started.elapsed().as_secs() < 5);
    let h = ex.history();
    let entered = h
        .iter()
        .find(|e| e.event_type.name() == "WaitStateEntered")
        .unwrap();
    let exited = h
        .iter()
        .find(|e| e.event_type.name() == "WaitStateExited")
        .unwrap();
    assert_eq!(exited.timestamp - entered.timestamp, 31_536_000_000);
    assert_eq!(output(&ex), json!({}));
}

#[test]
fn wait_seconds_path_and_timestamp_path() {
    let def = one(json!({"Type": "Wait", "SecondsPath": "$.s", "End": true}));
    let ex = run(&def, json!({"s": 10}));
    let h = ex.history();
    assert_eq!(h.last().unwrap().timestamp - h[0].timestamp, 10_000);

    let (error, cause) = failure(&run(&def, json!({"s": -1})));
    assert_eq!(error, "States.Runtime");
    assert!(
        cause.ends_with("The SecondsPath parameter references a negative value: $.s == -1"),
        "{cause}"
    );
    let (_, cause) = failure(&run(&def, json!({"s": 1.5})));
    assert!(
        cause.ends_with("The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5"),
        "{cause}"
    );

    let def = one(json!({"Type": "Wait", "TimestampPath": "$.t", "End": true}));
    let ex = run(&def, json!({"t": "2025-01-01T00:01:00Z"}));
    let h = ex.history();
    assert_eq!(h.last().unwrap().timestamp - h[0].timestamp, 60_000);
    let (_, cause) = failure(&run(&def, json!({"t": "2016-12-05 21:29:29Z"})));
    assert!(cause.ends_with("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == 2016-12-05 21:29:29Z"), "{cause}");
}

#[test]
fn a_past_timestamp_does_not_wait() {
    let def = one(json!({"Type": "Wait", "Timestamp": "2000-01-01T00:00:00Z", "End": true}));
    let ex = run(&def, json!({}));
    let h = ex.history();
    assert_eq!(h.last().unwrap().timestamp, h[0].timestamp);
}

#[test]
fn succeed_and_fail() {
    let ex = run(
        &one(json!({"Type": "Succeed", "OutputPath": "$.a"})),
        json!({"a": 3}),
    );
    assert_eq!(output(&ex), json!(3));
    assert_eq!(
        history_types(&ex),
        [
            "ExecutionStarted",
            "SucceedStateEntered",
            "SucceedStateExited",
            "ExecutionSucceeded"
        ]
    );
    let ex = run(
        &one(json!({"Type": "Fail", "Error": "E", "Cause": "C"})),
        json!({}),
    );
    assert_eq!(failure(&ex), ("E".to_string(), "C".to_string()));
    assert_eq!(
        history_types(&ex),
        ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]
    );
}

#[test]
fn fail_error_path_and_cause_path() {
    let def = one(json!({"Type": "Fail", "ErrorPath": "$.e", "CausePath": "$.c"}));
    let ex = run(&def, json!({"e": "error string", "c": "cause string"}));
    assert_eq!(failure(&ex), ("error string".into(), "cause string".into()));
    let def = one(json!({"Type": "Fail", "ErrorPath": "$.ErrorX"}));
    let (error, cause) = failure(&run(&def, json!({"a": 1})));
    assert_eq!(error, "States.Runtime");
    assert!(cause.contains("The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{\"a\":1}'"), "{cause}");
}

#[test]
fn context_object_has_execution_state_and_machine() {
    let def = one(json!({"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "End": true}));
    let out = output(&run(&def, json!({"in": 1})));
    let ctx = &out["ctx"];
    assert_eq!(ctx["Execution"]["Input"], json!({"in": 1}));
    assert_eq!(ctx["Execution"]["Name"], json!("test-execution"));
    assert_eq!(
        ctx["Execution"]["Id"],
        json!("arn:aws:states:us-east-1:123456789012:execution:StateMachine:test-execution")
    );
    assert_eq!(ctx["Execution"]["StartTime"], json!("2025-01-01T00:00:00Z"));
    assert_eq!(ctx["State"]["Name"], json!("S"));
    assert!(
        ctx["State"].get("RetryCount").is_none(),
        "only Task, Parallel and Map states have RetryCount"
    );
    assert_eq!(ctx["StateMachine"]["Name"], json!("StateMachine"));
    assert!(ctx.get("Task").is_none());
}

#[test]
fn jsonpath_assign_sets_variables_visible_from_the_next_state() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x": 1, "fromInput.$": "$.v"}, "Next": "B"},
        "B": {"Type": "Pass", "Assign": {"x": 2, "oldX.$": "$x"}, "Next": "C"},
        "C": {"Type": "Pass", "Parameters": {"x.$": "$x", "oldX.$": "$oldX", "fromInput.$": "$fromInput"}, "End": true}
    }});
    let ex = run(&def, json!({"v": "in"}));
    assert_eq!(output(&ex), json!({"x": 2, "oldX": 1, "fromInput": "in"}));
    let exited = history_json(&ex)
        .into_iter()
        .find(|e| e["type"] == "PassStateExited")
        .unwrap();
    assert_eq!(
        exited["stateExitedEventDetails"]["assignedVariables"],
        json!({"x": "1", "fromInput": "\"in\""})
    );
}

/// A ResultPath merge changes the state input in place once only history events share
/// it (they keep its JSON text; inputs of 24 nodes or more, so `pad`): every recorded
/// payload must still be the value as it was, and `$$.Execution.Input` the original
/// input.
#[test]
fn merging_in_place_keeps_every_recorded_payload() {
    use statelab::TaskResponse;
    let def = json!({
        "StartAt": "S1",
        "States": {
            "S1": {"Type": "Pass", "Result": "r1", "ResultPath": "$.a", "Next": "S2"},
            "S2": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "ResultPath": "$.b", "Next": "S3",
                "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 1, "MaxAttempts": 1}]
            },
            "S3": {
                "Type": "Pass", "Parameters": {"orig.$": "$$.Execution.Input"},
                "ResultPath": "$.c", "End": true
            }
        }
    });
    let pad: Vec<u32> = (0..30).collect();
    let mut attempts = 0;
    let ex = run_with(&def, json!({"x": 1, "pad": pad}), |_| {
        attempts += 1;
        if attempts == 1 {
            TaskResponse::Failure {
                error: "E".into(),
                cause: None,
            }
        } else {
            TaskResponse::Success(json!({"t": 2}))
        }
    });
    let d0 = json!({"x": 1, "pad": pad});
    let d1 = json!({"x": 1, "pad": pad, "a": "r1"});
    let d2 = json!({"x": 1, "pad": pad, "a": "r1", "b": {"t": 2}});
    let d3 = json!({"x": 1, "pad": pad, "a": "r1", "b": {"t": 2}, "c": {"orig": d0}});
    assert_eq!(output(&ex), d3);
    let payloads: Vec<(String, Value)> = history_json(&ex)
        .iter()
        .filter_map(|e| {
            let ty = e["type"].as_str()?.to_string();
            let details = e.as_object()?.values().find(|v| v.is_object())?;
            let text = ["input", "output", "parameters"]
                .iter()
                .find_map(|k| details.get(*k))?
                .as_str()?;
            Some((ty, serde_json::from_str(text).ok()?))
        })
        .collect();
    let expected: Vec<(String, Value)> = [
        ("ExecutionStarted", &d0),
        ("PassStateEntered", &d0),
        ("PassStateExited", &d1),
        ("TaskStateEntered", &d1),
        ("TaskScheduled", &d1),
        ("TaskScheduled", &d1),
        ("TaskSucceeded", &json!({"t": 2})),
        ("TaskStateExited", &d2),
        ("PassStateEntered", &d2),
        ("PassStateExited", &d3),
        ("ExecutionSucceeded", &d3),
    ]
    .into_iter()
    .map(|(t, v)| (t.to_string(), v.clone()))
    .collect();
    assert_eq!(payloads, expected);
}

/// A merge into a large input that the path cannot place fails as a small one does,
/// and a Catch still sees the input as it was.
#[test]
fn a_failed_merge_into_a_large_input_is_caught_with_the_input_intact() {
    use statelab::TaskResponse;
    let def = json!({
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "ResultPath": "$.a.b", "End": true,
                "Catch": [{"ErrorEquals": ["States.ResultPathMatchFailure"],
                           "ResultPath": "$.err", "Next": "Done"}]
            },
            "Done": {"Type": "Succeed"}
        }
    });
    let pad: Vec<u32> = (0..30).collect();
    let input = json!({"a": "text", "pad": pad});
    let ex = run_with(&def, input.clone(), |_| TaskResponse::Success(json!(1)));
    let out = output(&ex);
    assert_eq!(out["a"], input["a"]);
    assert_eq!(out["pad"], input["pad"]);
    assert_eq!(out["err"]["Error"], "States.ResultPathMatchFailure");
    let cause = out["err"]["Cause"].as_str().unwrap();
    assert!(
        cause.starts_with("Unable to apply ReferencePath $.a.b to input {\"a\":\"text\""),
        "{cause}"
    );
}

/// After an in-place merge that appends a member (`$.name` new to the object), the
/// engine writes the next input's text from the previous one rather than from the
/// value: every recorded payload must be exactly the text `serde_json` writes for it,
/// escapes and a replaced member (which is not an append) included.
#[test]
fn texts_known_from_appends_are_exactly_the_written_ones() {
    let def = json!({
        "StartAt": "S1",
        "States": {
            "S1": {"Type": "Pass", "Result": {"ü": "é\n\"", "n": 1.5}, "ResultPath": "$['k\"ey']", "Next": "S2"},
            "S2": {"Type": "Pass", "Result": [1, {"z": null}], "ResultPath": "$.x", "Next": "S3"},
            "S3": {"Type": "Pass", "Result": 6, "ResultPath": "$.x", "Next": "S4"},
            "S4": {"Type": "Pass", "Result": "last", "ResultPath": "$.y", "End": true}
        }
    });
    let pad: Vec<u32> = (0..30).collect();
    let d0 = json!({"x0": "\u{1F600}", "pad": pad});
    let ex = run(&def, d0.clone());
    let mut d1 = d0.clone();
    d1["k\"ey"] = json!({"ü": "é\n\"", "n": 1.5});
    let mut d2 = d1.clone();
    d2["x"] = json!([1, {"z": null}]);
    let mut d3 = d2.clone();
    d3["x"] = json!(6);
    let mut d4 = d3.clone();
    d4["y"] = json!("last");
    assert_eq!(output(&ex), d4);
    let texts: Vec<String> = history_json(&ex)
        .iter()
        .filter_map(|e| {
            let details = e.as_object()?.values().find(|v| v.is_object())?;
            let text = ["input", "output"].iter().find_map(|k| details.get(*k))?;
            Some(text.as_str()?.to_string())
        })
        .collect();
    let expected: Vec<String> = [&d0, &d0, &d1, &d1, &d2, &d2, &d3, &d3, &d4, &d4]
        .iter()
        .map(|v| serde_json::to_string(v).unwrap())
        .collect();
    assert_eq!(texts, expected);
}

/// A Pass state's `Result` is shared by every visit, and a Pass without `Result`
/// hands its input on as it is: later merges into either must leave the constant
/// and every recorded payload as they were.
#[test]
fn shared_pass_results_are_never_changed_by_later_merges() {
    let def = json!({
        "StartAt": "M",
        "States": {"M": {
            "Type": "Map", "End": true,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Const",
                "States": {
                    "Const": {"Type": "Pass", "Result": {"k": "v"}, "Next": "Through"},
                    "Through": {"Type": "Pass", "Next": "Merge"},
                    "Merge": {"Type": "Pass", "Result": [1], "ResultPath": "$.x", "Next": "Again"},
                    "Again": {"Type": "Pass", "Result": 2, "ResultPath": "$.y", "End": true}
                }
            }
        }}
    });
    let ex = run(&def, json!([0, 1, 2]));
    let item = json!({"k": "v", "x": [1], "y": 2});
    assert_eq!(output(&ex), json!([item, item, item]));
    let exited: Vec<(String, Value)> = history_json(&ex)
        .iter()
        .filter_map(|e| {
            let d = e.get("stateExitedEventDetails")?;
            let out: Value = serde_json::from_str(d["output"].as_str()?).unwrap();
            Some((d["name"].as_str()?.to_string(), out))
        })
        .collect();
    let expect = |name: &str| -> Value {
        match name {
            "Const" | "Through" => json!({"k": "v"}),
            "Merge" => json!({"k": "v", "x": [1]}),
            "Again" => item.clone(),
            _ => json!([item, item, item]),
        }
    };
    assert_eq!(exited.len(), 13);
    for (name, out) in exited {
        assert_eq!(out, expect(&name), "output of {name}");
    }
}
