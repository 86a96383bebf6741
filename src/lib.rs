//! statelab: an AWS Step Functions (Amazon States Language) simulator.
//!
//! The engine knows nothing about WebAssembly: the CLI (`src/bin/statelab.rs`) and the
//! wasm bindings are thin layers over this library.

pub mod choice;
pub mod cli;
pub mod compile;
pub mod conformance;
pub mod error;
pub mod examples;
pub mod execution;
pub mod graph;
pub mod history;
pub mod host;
pub mod intrinsics;
pub mod jsonata;
pub mod mock;
pub mod model;
pub mod path;
pub mod rng;
pub mod template;
pub mod test_state;
pub mod timestamp;
pub mod validate;
pub mod vars;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use error::{Error, StateError};
pub use execution::{
    ErrorDetails, Execution, ExecutionOptions, Inspection, Limits, Outcome, Pending, Status,
};
pub use history::{EventType, HistoryEvent};
pub use host::{NoTasks, TaskHandler, TaskRequest, TaskResponse};
pub use test_state::{test_state, test_state_with, TestStateRequest, TestStateResponse};

use std::sync::Arc;

/// Validates definition text and compiles it. Errors carry every diagnostic, each
/// with a code, a JSON Pointer and a line/column.
pub fn compile_text(text: &str) -> Result<Arc<model::StateMachine>, Error> {
    compiled(validate::compile_text(text))
}

/// Validates a parsed definition and compiles it.
pub fn compile_value(definition: &serde_json::Value) -> Result<Arc<model::StateMachine>, Error> {
    compiled(validate::compile_value(definition))
}

fn compiled(
    (diagnostics, machine): (Vec<validate::Diagnostic>, Option<model::StateMachine>),
) -> Result<Arc<model::StateMachine>, Error> {
    match machine {
        Some(machine) => Ok(Arc::new(machine)),
        None => Err(Error::InvalidDefinition(
            diagnostics
                .into_iter()
                .filter(|d| d.severity == validate::Severity::Error)
                .collect(),
        )),
    }
}

/// Runs a compiled state machine to its end under the virtual clock, answering tasks
/// with `host`. Returns the finished (or blocked) execution, with its history.
pub fn run(
    sm: Arc<model::StateMachine>,
    options: ExecutionOptions,
    host: &mut dyn TaskHandler,
) -> Result<Execution, Error> {
    let mut ex = Execution::start(sm, options)?;
    ex.run(host);
    Ok(ex)
}

/// The README's Rust examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
