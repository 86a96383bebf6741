//! Helpers shared by the engine tests: build a machine from `json!`, run it, look at
//! the outcome and the history.
#![allow(dead_code)]

use serde_json::Value;
use statelab::{Execution, ExecutionOptions, TaskHandler, TaskRequest, TaskResponse};
use std::sync::Arc;

pub fn machine(def: &Value) -> Arc<statelab::model::StateMachine> {
    match statelab::compile_value(def) {
        Ok(sm) => sm,
        Err(e) => panic!("definition rejected: {e}"),
    }
}

pub fn options(input: Value) -> ExecutionOptions {
    ExecutionOptions {
        input,
        name: Some("test-execution".into()),
        ..Default::default()
    }
}

/// Runs with a task handler closure.
pub fn run_with(
    def: &Value,
    input: Value,
    mut handler: impl FnMut(&TaskRequest) -> TaskResponse,
) -> Execution {
    let mut ex = Execution::start(machine(def), options(input)).expect("start");
    ex.run(&mut handler);
    ex
}

/// Runs a machine whose Tasks (if any) are unanswered.
pub fn run(def: &Value, input: Value) -> Execution {
    run_with(def, input, |_| TaskResponse::Unhandled)
}

/// Asserts success and returns the output.
pub fn output(ex: &Execution) -> Value {
    let o = ex.outcome();
    assert_eq!(
        o.status,
        statelab::Status::Succeeded,
        "expected success, got {:?} / history: {}",
        o,
        history_types(ex).join(", ")
    );
    o.output.as_deref().cloned().expect("output")
}

/// Asserts failure and returns (error, cause).
pub fn failure(ex: &Execution) -> (String, String) {
    let o = ex.outcome();
    assert_eq!(
        o.status,
        statelab::Status::Failed,
        "expected failure, got {o:?}"
    );
    (
        o.error.clone().unwrap_or_default(),
        o.cause.clone().unwrap_or_default(),
    )
}

pub fn history_types(ex: &Execution) -> Vec<&'static str> {
    ex.history().iter().map(|e| e.event_type.name()).collect()
}

pub fn history_json(ex: &Execution) -> Vec<Value> {
    ex.history().iter().map(|e| e.to_json()).collect()
}

pub struct Handler<F: FnMut(&TaskRequest) -> TaskResponse>(pub F);

impl<F: FnMut(&TaskRequest) -> TaskResponse> TaskHandler for Handler<F> {
    fn invoke(&mut self, r: &TaskRequest) -> TaskResponse {
        (self.0)(r)
    }
}
