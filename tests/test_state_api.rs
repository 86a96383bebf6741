//! The TestState API and per-state data-flow inspection.
mod common;
use common::*;
use serde_json::json;
use statelab::test_state::{InspectionLevel, Mock, TestStatus};
use statelab::{test_state, Execution, ExecutionOptions, TestStateRequest};

fn req(definition: serde_json::Value, input: serde_json::Value) -> TestStateRequest {
    TestStateRequest {
        definition,
        input,
        inspection_level: InspectionLevel::Debug,
        ..Default::default()
    }
}

#[test]
fn a_pass_state_reports_its_data_flow_and_next_state() {
    let r = test_state(&req(
        json!({"Type": "Pass", "InputPath": "$.a", "Parameters": {"v.$": "$.b"},
               "ResultPath": "$.r", "Next": "After"}),
        json!({"a": {"b": 1}, "keep": true}),
    ))
    .unwrap();
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.next_state.as_deref(), Some("After"));
    assert_eq!(
        r.output,
        Some(json!({"a": {"b": 1}, "keep": true, "r": {"v": 1}}))
    );
    let data = r.to_json()["inspectionData"].clone();
    assert_eq!(data["input"], json!("{\"a\":{\"b\":1},\"keep\":true}"));
    assert_eq!(data["afterInputPath"], json!("{\"b\":1}"));
    assert_eq!(data["afterParameters"], json!("{\"v\":1}"));
    assert_eq!(data["result"], json!("{\"v\":1}"));
    assert_eq!(
        data["afterResultPath"],
        json!("{\"a\":{\"b\":1},\"keep\":true,\"r\":{\"v\":1}}")
    );
}

#[test]
fn info_level_has_no_inspection_data() {
    let mut r = req(json!({"Type": "Pass", "End": true}), json!({}));
    r.inspection_level = InspectionLevel::Info;
    let out = test_state(&r).unwrap();
    assert!(out.inspection_data.is_none());
    assert_eq!(out.next_state, None);
}

#[test]
fn a_mocked_task_result_goes_through_result_selector_and_result_path() {
    let mut r = req(
        json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
               "Parameters": {"Payload.$": "$"}, "ResultSelector": {"p.$": "$.Payload"},
               "ResultPath": "$.out", "End": true}),
        json!({"x": 1}),
    );
    r.mock = Some(Mock::Result(json!({"Payload": "done", "StatusCode": 200})));
    let out = test_state(&r).unwrap();
    assert_eq!(out.status, TestStatus::Succeeded);
    assert_eq!(out.output, Some(json!({"x": 1, "out": {"p": "done"}})));
    let i = out.inspection_data.unwrap();
    assert_eq!(i.after_parameters, Some(json!({"Payload": {"x": 1}})));
    assert_eq!(i.after_result_selector, Some(json!({"p": "done"})));
}

#[test]
fn a_mocked_error_is_retriable_caught_or_failed() {
    let task = |extra: serde_json::Value| {
        let mut t =
            json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true});
        for (k, v) in extra.as_object().unwrap() {
            t[k] = v.clone();
        }
        t
    };
    let mock = Mock::Error {
        error: "Boom".into(),
        cause: Some("bad".into()),
    };

    let mut r = req(
        task(json!({"Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 3, "MaxAttempts": 2}]})),
        json!({}),
    );
    r.mock = Some(mock.clone());
    let out = test_state(&r).unwrap();
    assert_eq!(out.status, TestStatus::Retriable);
    assert_eq!(out.error.as_deref(), Some("Boom"));
    let d = out.inspection_data.unwrap().error_details.unwrap();
    assert_eq!(
        (d.retry_index, d.retry_backoff_interval_seconds),
        (Some(0), Some(3.0))
    );

    // After both retries were used, the catcher handles it.
    let mut r = req(
        task(json!({
            "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 3, "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Handle"}]
        })),
        json!({"in": 1}),
    );
    r.mock = Some(mock.clone());
    r.retrier_retry_count = Some(2);
    let out = test_state(&r).unwrap();
    assert_eq!(out.status, TestStatus::CaughtError);
    assert_eq!(out.next_state.as_deref(), Some("Handle"));
    assert_eq!(
        out.output,
        Some(json!({"in": 1, "err": {"Error": "Boom", "Cause": "bad"}}))
    );
    assert_eq!(
        out.inspection_data
            .unwrap()
            .error_details
            .unwrap()
            .catch_index,
        Some(0)
    );

    let mut r = req(task(json!({})), json!({}));
    r.mock = Some(mock);
    let out = test_state(&r).unwrap();
    assert_eq!(out.status, TestStatus::Failed);
    assert_eq!(
        (out.error.as_deref(), out.cause.as_deref()),
        (Some("Boom"), Some("bad"))
    );
}

#[test]
fn a_state_inside_a_whole_machine_with_variables_and_context() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$limit", "NumericGreaterThan": 5, "Next": "Big"}], "Default": "Small"},
        "Big": {"Type": "Succeed"}, "Small": {"Type": "Succeed"}
    }});
    let mut r = req(def, json!({}));
    r.state_name = Some("B".into());
    r.variables = Some(json!({"limit": 9}).as_object().unwrap().clone());
    let out = test_state(&r).unwrap();
    assert_eq!(out.next_state.as_deref(), Some("Big"));

    let mut r = req(
        json!({"Type": "Pass", "Parameters": {"name.$": "$$.Execution.Name"}, "End": true}),
        json!({}),
    );
    r.context = Some(json!({"Execution": {"Name": "given"}}));
    assert_eq!(
        test_state(&r).unwrap().output,
        Some(json!({"name": "given"}))
    );
}

#[test]
fn bad_requests_are_errors_not_panics() {
    assert!(test_state(&req(json!("not a state"), json!({}))).is_err());
    let mut r = req(json!({"Type": "Pass", "End": true}), json!({}));
    r.mock = Some(Mock::Result(json!(1)));
    assert!(
        test_state(&r).is_err(),
        "mocks only for Task, Map and Parallel"
    );
    let mut r = req(
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}),
        json!({}),
    );
    r.state_name = Some("Nope".into());
    assert!(test_state(&r).is_err());
    // A Task without a mock fails clearly instead of calling AWS.
    let out = test_state(&req(
        json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}),
        json!({}),
    ))
    .unwrap();
    assert_eq!(out.status, TestStatus::Failed);
    assert!(out.cause.unwrap().contains("mock"));
}

#[test]
fn executions_record_inspections_per_visit_when_asked() {
    let def = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map", "ItemsPath": "$.items", "ItemSelector": {"v.$": "$$.Map.Item.Value"},
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Assign": {"last.$": "$.v"}, "End": true}}},
              "End": true}
    }});
    let opts = ExecutionOptions {
        input: json!({"items": [1, 2]}),
        inspect: true,
        ..Default::default()
    };
    let mut ex = Execution::start(machine(&def), opts).unwrap();
    ex.run(&mut statelab::NoTasks);
    let visits = ex.inspections();
    assert_eq!(visits.len(), 3, "the Map and two iterations");
    assert_eq!(visits[0].state, "M");
    assert_eq!(visits[0].after_items_path, Some(json!([1, 2])));
    assert_eq!(
        visits[0].after_item_selector,
        Some(vec![json!({"v": 1}), json!({"v": 2})])
    );
    assert_eq!(visits[1].variables.as_ref().unwrap()["last"], json!(1));
    let entered = visits[2].entered_event_id;
    assert_eq!(ex.inspection(entered).unwrap().state, "P");
    // Off by default.
    let mut ex = Execution::start(machine(&def), options(json!({"items": [1]}))).unwrap();
    ex.run(&mut statelab::NoTasks);
    assert!(ex.inspections().is_empty());
}
