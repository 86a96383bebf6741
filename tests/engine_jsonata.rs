//! The JSONata query language in the engine: Arguments, Output, Assign, Condition,
//! Items, ItemSelector, $states, catchers, EvaluationFailed and variables.
mod common;
use common::*;
use serde_json::{json, Value};
use statelab::TaskResponse;

fn jsonata(states: Value) -> Value {
    json!({"QueryLanguage": "JSONata", "StartAt": "S", "States": states})
}

#[test]
fn pass_output_and_assign_see_the_same_values() {
    let def = jsonata(json!({
        "S": {"Type": "Pass", "Assign": {"x": "{% $states.input.a %}", "y": 2}, "Next": "T"},
        "T": {"Type": "Pass", "Assign": {"x": "{% $y %}", "old": "{% $x %}"},
              "Output": "{% {'x': $x, 'y': $y} %}", "Next": "U"},
        "U": {"Type": "Pass", "Output": "{% {'x': $x, 'old': $old} %}", "End": true}
    }));
    let ex = run(&def, json!({"a": 1}));
    // Output in T sees the values from before T: x = 1.
    assert_eq!(output(&ex), json!({"x": 2, "old": 1}));
    let t_exit = history_json(&ex)
        .into_iter()
        .filter(|e| e["type"] == "PassStateExited")
        .nth(1)
        .unwrap();
    assert_eq!(
        t_exit["stateExitedEventDetails"]["output"],
        json!("{\"x\":1,\"y\":2}")
    );
}

#[test]
fn task_arguments_output_and_states_result() {
    let def = jsonata(json!({"S": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
        "Output": "{% {'got': $states.result.Payload, 'in': $states.input} %}",
        "End": true
    }}));
    let ex = run_with(&def, json!({"v": 1}), |r| {
        assert_eq!(*r.input, json!({"FunctionName": "f", "Payload": {"v": 1}}));
        TaskResponse::Success(json!({"Payload": 42}))
    });
    assert_eq!(output(&ex), json!({"got": 42, "in": {"v": 1}}));
}

#[test]
fn a_task_without_output_outputs_its_result() {
    let def = jsonata(
        json!({"S": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}),
    );
    let ex = run_with(&def, json!({"v": 1}), |_| TaskResponse::Success(json!("r")));
    assert_eq!(output(&ex), json!("r"));
}

#[test]
fn choice_conditions_and_rule_output() {
    let def = jsonata(json!({
        "S": {"Type": "Choice", "Choices": [
            {"Condition": "{% $states.input.n > 10 %}", "Next": "Big", "Output": {"kind": "big"}},
            {"Condition": "{% $states.input.n > 5 %}", "Next": "Mid", "Assign": {"mid": true}}
        ], "Default": "Small", "Output": {"kind": "small"}},
        "Big": {"Type": "Succeed"},
        "Mid": {"Type": "Pass", "Output": "{% {'mid': $mid} %}", "End": true},
        "Small": {"Type": "Succeed"}
    }));
    assert_eq!(output(&run(&def, json!({"n": 11}))), json!({"kind": "big"}));
    assert_eq!(output(&run(&def, json!({"n": 7}))), json!({"mid": true}));
    assert_eq!(
        output(&run(&def, json!({"n": 1}))),
        json!({"kind": "small"})
    );
}

#[test]
fn undefined_results_fail_with_evaluation_failed() {
    let def = jsonata(json!({"S": {"Type": "Pass", "Output": "{% $doesNotExist %}", "End": true}}));
    let ex = run(&def, json!({}));
    let (error, cause) = failure(&ex);
    assert_eq!(error, "States.QueryEvaluationError");
    assert_eq!(cause, "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined).");
    let h = history_json(&ex);
    assert_eq!(h[2]["type"], json!("EvaluationFailed"));
    assert_eq!(
        h[2]["evaluationFailedEventDetails"]["location"],
        json!("Output")
    );
    assert_eq!(h[2]["evaluationFailedEventDetails"]["state"], json!("S"));
    assert_eq!(h[3]["previousEventId"], json!(3));
}

#[test]
fn map_items_item_selector_and_type_errors() {
    let def = jsonata(json!({"S": {
        "Type": "Map", "Items": "{% $states.input.list %}",
        "ItemSelector": {"i": "{% $states.context.Map.Item.Index %}", "v": "{% $states.context.Map.Item.Value %}"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true
    }}));
    assert_eq!(
        output(&run(&def, json!({"list": ["a", "b"]}))),
        json!([{"i": 0, "v": "a"}, {"i": 1, "v": "b"}])
    );
    let (error, cause) = failure(&run(&def, json!({"list": true})));
    assert_eq!(error, "States.QueryEvaluationError");
    assert!(cause.ends_with("The JSONata expression '$states.input.list' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'boolean' for value: true"), "{cause}");
}

#[test]
fn catchers_see_the_error_output() {
    let def = jsonata(json!({
        "S": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H",
                         "Output": "{% {'e': $states.errorOutput.Error, 'in': $states.input} %}",
                         "Assign": {"failed": "{% $states.errorOutput.Cause %}"}}],
              "End": true},
        "H": {"Type": "Pass", "Output": "{% $merge([$states.input, {'failed': $failed}]) %}", "End": true}
    }));
    let ex = run_with(&def, json!({"a": 1}), |_| TaskResponse::Failure {
        error: "Boom".into(),
        cause: Some("why".into()),
    });
    assert_eq!(
        output(&ex),
        json!({"e": "Boom", "in": {"a": 1}, "failed": "why"})
    );
}

#[test]
fn a_state_may_use_jsonata_in_a_jsonpath_machine() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": {"n": 2}, "Assign": {"v.$": "$.n"}, "Next": "B"},
        "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $v * 10 %}", "End": true}
    }});
    assert_eq!(output(&run(&def, json!({}))), json!(20));
}

#[test]
fn wait_seconds_and_timestamp_expressions() {
    let def =
        jsonata(json!({"S": {"Type": "Wait", "Seconds": "{% $states.input.s %}", "End": true}}));
    let ex = run(&def, json!({"s": 5}));
    let h = ex.history();
    assert_eq!(h.last().unwrap().timestamp - h[0].timestamp, 5000);
    let def =
        jsonata(json!({"S": {"Type": "Wait", "Timestamp": "{% $states.input.t %}", "End": true}}));
    let (error, cause) = failure(&run(&def, json!({"t": "2016-12-05 21:29:29Z"})));
    assert_eq!(error, "States.QueryEvaluationError");
    assert!(cause.ends_with("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-12-05 21:29:29Z"), "{cause}");
}

#[test]
fn fail_error_and_cause_expressions() {
    let def = jsonata(
        json!({"S": {"Type": "Fail", "Error": "{% 'E' & $states.input.n %}", "Cause": "{% 'n=' & $states.input.n %}"}}),
    );
    assert_eq!(
        failure(&run(&def, json!({"n": 3}))),
        ("E3".into(), "n=3".into())
    );
}

#[test]
fn distributed_map_iterations_cannot_read_outer_variables() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"outer": 1}, "Next": "M"},
        "M": {"Type": "Map", "End": true, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"o.$": "$outer"}, "End": true}}}}
    }});
    let (error, _) = failure(&run(&def, json!([1])));
    assert_eq!(error, "States.Runtime");
    // An inline Map reads them.
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"outer": 1}, "Next": "M"},
        "M": {"Type": "Map", "End": true, "ItemProcessor": {
            "StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"o.$": "$outer"}, "End": true}}}}
    }});
    assert_eq!(output(&run(&def, json!([1]))), json!([{"o": 1}]));
}

#[test]
fn variables_over_256_kib_fail() {
    let big = "x".repeat(300_000);
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"big.$": "$.s"}, "End": true}
    }});
    let opts = statelab::ExecutionOptions {
        input: json!({"s": big}),
        limits: statelab::Limits {
            max_payload_bytes: 0,
            ..Default::default()
        },
        ..Default::default()
    };
    let mut ex = statelab::Execution::start(machine(&def), opts).unwrap();
    ex.run(&mut statelab::NoTasks);
    let (error, cause) = failure(&ex);
    assert_eq!(error, "States.Runtime");
    assert!(
        cause.contains("The variable 'big' is larger than the maximum size of 256 KiB."),
        "{cause}"
    );
}
