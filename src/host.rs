//! The host seam: everything an execution needs from outside (Task results) comes
//! through `TaskHandler`. Mock files, the conformance runner's Lambda behaviours, the
//! CLI and the JS bindings all implement it.

use serde_json::Value;
use std::sync::Arc;

/// One invocation of a Task state, as the engine hands it to the host.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRequest {
    /// Unique within the execution; pass it back to `Execution::complete_task`.
    pub id: u64,
    /// The Task state's name.
    pub state_name: Arc<str>,
    /// The `Resource` field exactly as written (ARN, `arn:aws:states:::lambda:invoke`, …).
    pub resource: Arc<str>,
    /// The effective input: the state input after InputPath and Parameters (shared
    /// with the history's `*Scheduled` event).
    pub input: Arc<Value>,
    /// How many times this Task state was invoked before in this execution (retries
    /// included), 0-based: the invocation number of Step Functions Local mock files.
    pub invocation: u32,
    /// The task token for `.waitForTaskToken` resources (`$$.Task.Token`).
    pub task_token: Option<String>,
}

/// What the host answers.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskResponse {
    /// The task's result (for Lambda `invoke` integrations the host gives the whole
    /// response object, e.g. `{"Payload": …, "StatusCode": 200}`; for a plain Lambda ARN
    /// the function's return value).
    Success(Value),
    /// The task failed with this error name and cause.
    Failure {
        error: String,
        cause: Option<String>,
    },
    /// The answer comes later: through `Execution::complete_task(id, …)` (an async
    /// handler) or, for `.waitForTaskToken`, `Execution::send_task_success/failure`.
    Pending,
    /// The answer arrives after this many milliseconds of (virtual or real) time, so
    /// a slow task can hit its `TimeoutSeconds`.
    Delayed {
        after_ms: u64,
        response: Box<TaskResponse>,
    },
    /// Nothing can answer this task: the execution fails with a clear error that names
    /// the state and the resource.
    Unhandled,
}

/// Answers Task invocations. Implemented by mocks, test harnesses and bindings.
pub trait TaskHandler {
    fn invoke(&mut self, request: &TaskRequest) -> TaskResponse;
}

/// A handler that answers nothing: every Task fails with a clear error.
pub struct NoTasks;

impl TaskHandler for NoTasks {
    fn invoke(&mut self, _request: &TaskRequest) -> TaskResponse {
        TaskResponse::Unhandled
    }
}

impl<F: FnMut(&TaskRequest) -> TaskResponse> TaskHandler for F {
    fn invoke(&mut self, request: &TaskRequest) -> TaskResponse {
        self(request)
    }
}
