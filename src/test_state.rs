//! The TestState API: run one state, alone or inside a whole definition, with an
//! input, optional variables, context and mocked result, and report how it ended
//! (`SUCCEEDED`, `FAILED`, `RETRIABLE`, `CAUGHT_ERROR`), the next state and, at the
//! DEBUG level, its data flow.

use crate::error::{Error, StateError};
use crate::execution::{Execution, ExecutionOptions, Inspection, SingleState, Status};
use crate::host::{TaskHandler, TaskRequest, TaskResponse};
use serde_json::{json, Map, Value};

/// `INFO` (output only), `DEBUG` (plus `inspectionData`), `TRACE` (as DEBUG; there
/// are no HTTP tasks to trace).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InspectionLevel {
    #[default]
    Info,
    Debug,
    Trace,
}

impl InspectionLevel {
    pub fn parse(s: &str) -> Option<InspectionLevel> {
        match s {
            "INFO" => Some(InspectionLevel::Info),
            "DEBUG" => Some(InspectionLevel::Debug),
            "TRACE" => Some(InspectionLevel::Trace),
            _ => None,
        }
    }
}

/// `MockInput`: the state's result, or its error.
#[derive(Debug, Clone, PartialEq)]
pub enum Mock {
    Result(Value),
    Error {
        error: String,
        cause: Option<String>,
    },
}

/// `TestStateInput`.
#[derive(Debug, Clone, Default)]
pub struct TestStateRequest {
    /// One state's definition, or a whole state machine when `state_name` is set.
    pub definition: Value,
    pub state_name: Option<String>,
    pub input: Value,
    pub inspection_level: InspectionLevel,
    pub variables: Option<Map<String, Value>>,
    pub mock: Option<Mock>,
    /// Replaces the context object (`$$` / `$states.context`).
    pub context: Option<Value>,
    /// `stateConfiguration.retrierRetryCount`.
    pub retrier_retry_count: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    Succeeded,
    Failed,
    Retriable,
    CaughtError,
}

impl TestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TestStatus::Succeeded => "SUCCEEDED",
            TestStatus::Failed => "FAILED",
            TestStatus::Retriable => "RETRIABLE",
            TestStatus::CaughtError => "CAUGHT_ERROR",
        }
    }
}

/// `TestStateOutput`.
#[derive(Debug, Clone, PartialEq)]
pub struct TestStateResponse {
    pub status: TestStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub next_state: Option<String>,
    pub inspection_data: Option<Inspection>,
}

impl TestStateResponse {
    /// The API's JSON shape (`output` as a JSON string).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("status".into(), json!(self.status.as_str()));
        if let Some(o) = &self.output {
            m.insert(
                "output".into(),
                Value::String(serde_json::to_string(o).unwrap_or_default()),
            );
        }
        if let Some(e) = &self.error {
            m.insert("error".into(), json!(e));
        }
        if let Some(c) = &self.cause {
            m.insert("cause".into(), json!(c));
        }
        if let Some(n) = &self.next_state {
            m.insert("nextState".into(), json!(n));
        }
        if let Some(i) = &self.inspection_data {
            m.insert("inspectionData".into(), i.to_json());
        }
        Value::Object(m)
    }
}

/// The name given to a lone state under test.
const LONE_STATE: &str = "TestState";

/// Wraps one state in a machine: its transition targets become Succeed states, so it
/// validates and the next state can be reported.
fn wrap_state(state: &Value) -> Result<(Value, String), Error> {
    let Value::Object(obj) = state else {
        return Err(Error::Invalid(
            "The definition must be a state (a JSON object) or a state machine".into(),
        ));
    };
    let mut targets: Vec<String> = Vec::new();
    let mut add = |v: Option<&Value>| {
        if let Some(Value::String(s)) = v {
            if !targets.contains(s) {
                targets.push(s.clone());
            }
        }
    };
    add(obj.get("Next"));
    add(obj.get("Default"));
    for list in ["Choices", "Catch"] {
        if let Some(Value::Array(items)) = obj.get(list) {
            for i in items {
                add(i.get("Next"));
            }
        }
    }
    let mut name = LONE_STATE.to_string();
    while targets.contains(&name) {
        name.push('_');
    }
    let mut states = Map::new();
    states.insert(name.clone(), state.clone());
    for t in targets {
        states.insert(t, json!({"Type": "Succeed"}));
    }
    let mut machine = Map::new();
    if let Some(q) = obj.get("QueryLanguage") {
        machine.insert("QueryLanguage".into(), q.clone());
    }
    machine.insert("StartAt".into(), Value::String(name.clone()));
    machine.insert("States".into(), Value::Object(states));
    Ok((Value::Object(machine), name))
}

/// A handler for Tasks that have no mock: fails clearly.
struct NeedsMock;

impl TaskHandler for NeedsMock {
    fn invoke(&mut self, r: &TaskRequest) -> TaskResponse {
        TaskResponse::Failure {
            error: crate::error::RUNTIME.into(),
            cause: Some(format!(
                "The Task state '{}' calls '{}': give TestState a mock result or error for it (statelab does not call AWS).",
                r.state_name, r.resource
            )),
        }
    }
}

/// Runs TestState; Tasks without a mock fail with a clear error.
pub fn test_state(req: &TestStateRequest) -> Result<TestStateResponse, Error> {
    test_state_with(req, &mut NeedsMock)
}

/// Runs TestState, answering Tasks without a mock with `handler`.
pub fn test_state_with(
    req: &TestStateRequest,
    handler: &mut dyn TaskHandler,
) -> Result<TestStateResponse, Error> {
    let (machine, name) = match &req.state_name {
        Some(n) => (req.definition.clone(), n.clone()),
        None if req.definition.get("States").is_some() => {
            return Err(Error::Invalid(
                "stateName is required when the definition is a whole state machine".into(),
            ))
        }
        None => wrap_state(&req.definition)?,
    };
    let sm = crate::compile_value(&machine)?;
    let Some(first) = sm.state_id(&name) else {
        return Err(Error::Invalid(format!(
            "The state '{name}' does not exist in the definition"
        )));
    };
    if req.mock.is_some()
        && !matches!(
            sm.state(first).kind,
            crate::model::Kind::Task { .. }
                | crate::model::Kind::Map { .. }
                | crate::model::Kind::Parallel { .. }
        )
    {
        return Err(Error::Invalid(
            "A mock can only be specified for Task, Map, or Parallel states".into(),
        ));
    }
    let opts = ExecutionOptions {
        input: req.input.clone(),
        inspect: req.inspection_level != InspectionLevel::Info,
        variables: req.variables.clone(),
        ..Default::default()
    };
    let mut ex = Execution::start_at(sm, opts, first)?;
    ex.single = Some(SingleState {
        context: req.context.clone(),
        mock: req.mock.clone().map(|m| match m {
            Mock::Result(v) => Ok(v),
            Mock::Error { error, cause } => Err(StateError { error, cause }),
        }),
        retrier_retry_count: req.retrier_retry_count,
        ..Default::default()
    });
    ex.run(handler);
    let single = ex.single.take().unwrap_or_default();
    let o = ex.outcome();
    let status = match o.status {
        Status::Succeeded if single.caught.is_some() => TestStatus::CaughtError,
        Status::Succeeded => TestStatus::Succeeded,
        _ if single.retriable => TestStatus::Retriable,
        _ => TestStatus::Failed,
    };
    // A caught error keeps its error and cause in the response.
    let (error, cause) = match &single.caught {
        Some(e) if status == TestStatus::CaughtError => (Some(e.error.clone()), e.cause.clone()),
        _ => (o.error.clone(), o.cause.clone()),
    };
    let inspection_data = if req.inspection_level == InspectionLevel::Info {
        None
    } else {
        ex.inspections().first().cloned()
    };
    Ok(TestStateResponse {
        status,
        output: o.output.as_deref().cloned(),
        error,
        cause,
        next_state: match status {
            TestStatus::Succeeded | TestStatus::CaughtError => single.next_state,
            _ => None,
        },
        inspection_data,
    })
}
