//! The wasm bindings (`src/wasm.rs`) and the engine under wasm32, with
//! `wasm-bindgen-test` in Node: the driver protocol the npm package relies on (run
//! codes, requests, answers, timers, tokens, stop), errors as JSON, the graph, and the
//! README's library example. Run by `scripts/test-pkg.sh`.
#![cfg(target_arch = "wasm32")]

use serde_json::{json, Value};
use statelab::wasm::{validate, WasmExecution, WasmMachine, WasmMock};
use statelab::{ExecutionOptions, TaskResponse};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const RUNNABLE: u32 = 0;
const TIMER: u32 = 1;
const WAITING: u32 = 2;
const DONE: u32 = 3;
const HAS_REQUESTS: u32 = 4;

fn machine(def: Value) -> WasmMachine {
    WasmMachine::new(&def.to_string()).unwrap_or_else(|e| panic!("{:?}", e.as_string()))
}

fn error_json(e: JsValue) -> Value {
    serde_json::from_str(&e.as_string().expect("errors are JSON text")).expect("JSON")
}

/// The pending requests as objects, taken with `nextRequest` and read from the request
/// slot the way the package does: `[id, names, invocation, inputBytes, tokenBytes,
/// textPointer]`, with `[stateName, resource]` from `requestNames`.
fn requests(ex: &mut WasmExecution) -> Vec<Value> {
    let mut out = Vec::new();
    while ex.next_request() {
        // SAFETY: the slot and its text stay valid until the next call on `ex`.
        let (slot, text) = unsafe {
            let slot = std::slice::from_raw_parts(ex.request_slot(), 6).to_vec();
            let len = slot[3] as usize + slot[4].max(0.0) as usize;
            let text = std::slice::from_raw_parts(slot[5] as usize as *const u8, len).to_vec();
            (slot, String::from_utf8(text).expect("UTF-8"))
        };
        let input_bytes = slot[3] as usize;
        let names: Vec<String> = serde_json::from_str(&ex.request_names(slot[1] as u32)).unwrap();
        let mut r = json!({
            "id": slot[0] as u64, "stateName": names[0], "resource": names[1],
            "invocation": slot[2] as u64,
            "input": serde_json::from_str::<Value>(&text[..input_bytes]).unwrap(),
        });
        if slot[4] >= 0.0 {
            r["taskToken"] = json!(&text[input_bytes..]);
        }
        out.push(r);
    }
    out
}

fn outcome(ex: &WasmExecution) -> Value {
    serde_json::from_str(&ex.outcome()).unwrap()
}

fn history(ex: &WasmExecution) -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(&ex.history(0)).unwrap()
}

fn task(name: &str, next: Option<&str>) -> Value {
    let mut s =
        json!({"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F"});
    match next {
        Some(n) => s["Next"] = json!(n),
        None => s["End"] = json!(true),
    }
    json!({ name: s })
}

#[wasm_bindgen_test]
fn readme_library_example() {
    let sm = statelab::compile_text(
        r#"{
      "StartAt": "Hello",
      "States": {
        "Hello": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "ResultSelector": { "greeting.$": "$.Payload" }, "End": true }
      }
    }"#,
    )
    .unwrap();
    let options = ExecutionOptions {
        input: json!({ "name": "Ana" }),
        ..Default::default()
    };
    let mut answer = |req: &statelab::TaskRequest| {
        let name = req.input["name"].as_str().unwrap_or("stranger");
        TaskResponse::Success(json!({ "Payload": format!("Hello, {name}!") }))
    };
    let execution = statelab::run(sm, options, &mut answer).unwrap();
    assert_eq!(
        execution.outcome().output.as_deref(),
        Some(&json!({ "greeting": "Hello, Ana!" }))
    );
}

#[wasm_bindgen_test]
fn validation_reports_positions() {
    let d: Value =
        serde_json::from_str(&validate("{\"StartAt\": \"X\",\n \"States\": {}}", false)).unwrap();
    assert_eq!(d[0]["code"], "MISSING_TRANSITION_TARGET");
    assert_eq!(d[0]["location"], "/StartAt");
    assert_eq!(
        (d[0]["line"].clone(), d[0]["column"].clone()),
        (json!(1), json!(13))
    );
}

#[wasm_bindgen_test]
fn invalid_definitions_are_json_errors() {
    let e = error_json(WasmMachine::new("{\"StartAt\": 1}").err().unwrap());
    assert_eq!(e["code"], "INVALID_DEFINITION");
    assert!(!e["diagnostics"].as_array().unwrap().is_empty());
    let e = error_json(WasmMachine::new("not json").err().unwrap());
    assert_eq!(e["code"], "INVALID_DEFINITION");
}

#[wasm_bindgen_test]
fn js_handled_tasks_round_trip() {
    let mut states = task("A", Some("B"));
    states["B"] = task("B", None)["B"].clone();
    let m = machine(json!({"StartAt": "A", "States": states}));
    let mut ex = m
        .start(r#"{"input": {"n": 1}, "handlers": ["A", "arn:aws:lambda:us-east-1:123456789012:function:F"]}"#)
        .unwrap();
    for expected_state in ["A", "B"] {
        let code = ex.run(1000);
        assert_eq!(code, WAITING | HAS_REQUESTS, "{expected_state}");
        let reqs = requests(&mut ex);
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0]["stateName"], expected_state);
        assert_eq!(reqs[0]["invocation"], 0);
        let id = reqs[0]["id"].as_f64().unwrap();
        let input = reqs[0]["input"].clone();
        // Nothing moves while the answer is outstanding.
        assert_eq!(ex.run(1000), WAITING);
        assert!(ex
            .complete(
                id,
                &json!({"n": input["n"].as_i64().unwrap() + 1}).to_string()
            )
            .unwrap());
        // A second answer to the same task is refused.
        assert!(!ex.complete(id, "1").unwrap());
    }
    assert_eq!(ex.run(1000), DONE);
    let o = outcome(&ex);
    assert_eq!(o["status"], "SUCCEEDED");
    assert_eq!(o["output"], json!({"n": 3}));
    assert!(o["stopDate"].is_number());
}

#[wasm_bindgen_test]
fn handler_failures_reach_catchers() {
    let m = machine(json!({"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
              "Catch": [{"ErrorEquals": ["Oops"], "ResultPath": "$.err", "Next": "C"}]},
        "C": {"Type": "Pass", "End": true}
    }}));
    let mut ex = m.start(r#"{"handlers": ["A"]}"#).unwrap();
    assert_eq!(ex.run(100), WAITING | HAS_REQUESTS);
    let reqs = requests(&mut ex);
    assert!(ex.fail(
        reqs[0]["id"].as_f64().unwrap(),
        "Oops".into(),
        Some("bad".into())
    ));
    assert_eq!(ex.run(100), DONE);
    let o = outcome(&ex);
    assert_eq!(
        o["output"],
        json!({"err": {"Error": "Oops", "Cause": "bad"}}),
        "{o}"
    );
}

#[wasm_bindgen_test]
fn bad_results_and_options_are_errors_not_panics() {
    let m = machine(json!({"StartAt": "A", "States": task("A", None)}));
    let e = error_json(m.start(r#"{"bogus": 1}"#).err().unwrap());
    assert_eq!(e["code"], "INVALID_ARGUMENT");
    let e = error_json(
        m.start(r#"{"limits": {"maxTransitions": -1}}"#)
            .err()
            .unwrap(),
    );
    assert_eq!(e["code"], "INVALID_ARGUMENT");
    let e = error_json(m.start(r#"{"testCase": "T"}"#).err().unwrap());
    assert_eq!(e["code"], "INVALID_ARGUMENT");
    let e = error_json(
        m.start(r#"{"input": "x", "limits": {"maxPayloadBytes": 2}}"#)
            .err()
            .unwrap(),
    );
    assert_eq!(e["code"], "INVALID_EXECUTION_INPUT");
    let mut ex = m.start(r#"{"handlers": ["A"]}"#).unwrap();
    ex.run(10);
    let reqs = requests(&mut ex);
    let e = error_json(
        ex.complete(reqs[0]["id"].as_f64().unwrap(), "{")
            .err()
            .unwrap(),
    );
    assert_eq!(e["code"], "INVALID_ARGUMENT");
    // The execution is still usable.
    assert!(ex.complete(reqs[0]["id"].as_f64().unwrap(), "{}").unwrap());
    assert_eq!(ex.run(10), DONE);
}

#[wasm_bindgen_test]
fn unanswered_tasks_fail_with_a_clear_error() {
    let m = machine(json!({"StartAt": "A", "States": task("A", None)}));
    let mut ex = m.start("{}").unwrap();
    assert_eq!(ex.run(100), DONE);
    let o = outcome(&ex);
    assert_eq!(o["status"], "FAILED");
    assert!(o["cause"].as_str().unwrap().contains("'A'"), "{o}");
}

#[wasm_bindgen_test]
fn mocks_answer_inside_the_engine_and_handlers_take_precedence() {
    let mut states = task("A", Some("B"));
    states["B"] = task("B", None)["B"].clone();
    let m = machine(json!({"StartAt": "A", "States": states}));
    let mock = WasmMock::new(
        &json!({
            "StateMachines": {"Orders": {"TestCases": {"Happy": {"A": "RA", "B": "RB"}}}},
            "MockedResponses": {
                "RA": {"0": {"Return": {"from": "mock A"}}},
                "RB": {"0": {"Return": {"from": "mock B"}}}
            }
        })
        .to_string(),
    )
    .unwrap();
    let mut ex = m
        .start_mocked(
            r#"{"testCase": "Happy", "stateMachineName": "Other"}"#,
            &mock,
        )
        .unwrap();
    assert_eq!(ex.run(1000), DONE);
    assert_eq!(outcome(&ex)["output"], json!({"from": "mock B"}));

    let mut ex = m
        .start_mocked(r#"{"testCase": "Happy", "handlers": ["B"]}"#, &mock)
        .unwrap();
    assert_eq!(ex.run(1000), WAITING | HAS_REQUESTS);
    let reqs = requests(&mut ex);
    assert_eq!(reqs[0]["stateName"], "B");
    assert_eq!(reqs[0]["input"], json!({"from": "mock A"}));

    let e = error_json(
        m.start_mocked(r#"{"testCase": "Nope"}"#, &mock)
            .err()
            .unwrap(),
    );
    assert_eq!(e["code"], "INVALID_MOCK_CONFIG");
    let e = error_json(WasmMock::new(r#"{"StateMachines": 1}"#).err().unwrap());
    assert_eq!(e["code"], "INVALID_MOCK_CONFIG");
}

#[wasm_bindgen_test]
fn the_virtual_clock_jumps_and_the_real_one_waits() {
    let def =
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}});
    let m = machine(def);
    let mut ex = m.start(r#"{"startTime": 0}"#).unwrap();
    assert_eq!(ex.run(1000), DONE);
    let h = history(&ex);
    assert_eq!(h.last().unwrap()["timestamp"], json!(3_600_000));

    let mut ex = m
        .start(r#"{"startTime": 1000, "virtualClock": false}"#)
        .unwrap();
    assert_eq!(ex.run(1000), TIMER);
    assert_eq!(ex.next_timer(), 3_601_000.0);
    ex.advance_to(2000.0);
    assert_eq!(ex.run(1000), TIMER);
    ex.advance_to(3_601_000.0);
    assert_eq!(ex.run(1000), DONE);
}

#[wasm_bindgen_test]
fn budgets_bound_the_work_of_one_call() {
    let m = machine(json!({"StartAt": "L", "States": {
        "L": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "D"}], "Default": "L"},
        "D": {"Type": "Succeed"}
    }}));
    let mut ex = m
        .start(r#"{"limits": {"maxHistoryEvents": 0, "maxTransitions": 0}}"#)
        .unwrap();
    assert_eq!(ex.run(1), RUNNABLE);
    // ExecutionStarted, then one step: the Pass state entered and exited.
    assert_eq!(ex.history_length(), 3);
    assert_eq!(ex.run(1000), RUNNABLE);
    ex.stop(Some("Enough".into()), Some("endless".into()));
    assert_eq!(ex.run(1000), DONE);
    let o = outcome(&ex);
    assert_eq!(
        (o["status"].clone(), o["error"].clone()),
        (json!("ABORTED"), json!("Enough"))
    );
}

#[wasm_bindgen_test]
fn task_tokens_wait_for_send_task_calls() {
    let m = machine(json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"token.$": "$$.Task.Token"}, "End": true}
    }}));
    let mut ex = m.start(r#"{"seed": 9007199254740993}"#).unwrap();
    assert_eq!(ex.run(1000), WAITING);
    let tokens: Vec<Value> = serde_json::from_str(&ex.pending_tokens()).unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["stateName"], "T");
    let token = tokens[0]["taskToken"].as_str().unwrap().to_string();
    assert_eq!(tokens[0]["input"]["token"], json!(token));
    ex.send_task_heartbeat(&token).unwrap();
    let e = error_json(ex.send_task_success("nope", "1").err().unwrap());
    assert_eq!(e["code"], "INVALID_TOKEN");
    ex.send_task_success(&token, r#"{"ok": true}"#).unwrap();
    assert_eq!(ex.pending_tokens(), "[]");
    assert_eq!(ex.run(1000), DONE);
    assert_eq!(outcome(&ex)["output"], json!({"ok": true}));
}

#[wasm_bindgen_test]
fn graph_of_nested_states() {
    let m = machine(json!({"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "C", "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}
        ], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}]},
        "C": {"Type": "Choice", "Choices": [
            {"Variable": "$.n", "NumericLessThan": 3, "Next": "M"}
        ], "Default": "F"},
        "M": {"Type": "Map", "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}, "End": true},
        "F": {"Type": "Fail"}
    }}));
    let g: Value = serde_json::from_str(&m.graph()).unwrap();
    assert_eq!(g["startAt"], "/States/P");
    let node = |id: &str| {
        g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no node {id}"))
    };
    assert_eq!(
        node("/States/P/Branches/0/States/A")["parent"],
        "/States/P/Branches/0"
    );
    assert_eq!(node("/States/M/ItemProcessor/States/I")["depth"], 1);
    let labels: Vec<(String, Value)> = g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_str().unwrap().to_string(), e["label"].clone()))
        .collect();
    assert!(
        labels.contains(&("/States/C/Choices/0".into(), json!("$.n < 3"))),
        "{labels:?}"
    );
    assert!(labels.contains(&("/States/P/Catch/0".into(), json!("States.ALL"))));
    assert_eq!(g["containers"].as_array().unwrap().len(), 2);
}

/// jsonata-core 2.2.13 panics on these `$fromMillis` pictures (a marker starting with
/// a non-ASCII character, the fuzz finding) and `$toMillis` digits; a panic here would
/// abort the instance (`RuntimeError: unreachable`). They must fail the state with an
/// error, and the instance must keep working afterwards.
#[cfg(feature = "jsonata")]
#[wasm_bindgen_test]
fn jsonata_pictures_that_would_panic_fail_the_state() {
    let expressions = [
        (
            "$fromMillis(1531310400000, '[\u{a7}\u{a2}-[M01]')",
            "D3132: \u{a7}",
        ),
        ("$fromMillis(0, '[Y,*-64]')", "year width 64"),
        ("$toMillis('\u{662}\u{660}\u{661}\u{668}')", "D3110"),
        ("$parseInteger('\u{20ac}', '0;o')", "D3136"),
    ];
    for (expr, expected) in expressions {
        let def = json!({
            "QueryLanguage": "JSONata",
            "StartAt": "Format",
            "States": {"Format": {"Type": "Pass", "Output": format!("{{% {expr} %}}"), "End": true}}
        });
        let sm = statelab::compile_text(&def.to_string()).unwrap();
        let mut answer = |_: &statelab::TaskRequest| TaskResponse::Success(json!(null));
        let execution = statelab::run(sm, ExecutionOptions::default(), &mut answer).unwrap();
        let outcome = execution.outcome();
        assert_eq!(
            outcome.error.as_deref(),
            Some("States.QueryEvaluationError"),
            "{expr}"
        );
        let cause = outcome.cause.clone().unwrap_or_default();
        assert!(cause.contains(expected), "{expr}: {cause}");
    }
    // Still alive, and the same functions still work.
    let e = statelab::jsonata::Expression::parse("$fromMillis(0, '[Y0001]-[M01]')").unwrap();
    let states = statelab::jsonata::States::new(&json!({}), &json!({}), None, None);
    let scope = statelab::jsonata::Scope {
        states: &states,
        variable: &|_| None,
    };
    let v = e.eval(&scope, &mut statelab::rng::Rng::new(1)).unwrap();
    assert_eq!(v, Some(json!("1970-01")));
}
