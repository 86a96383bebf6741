//! Errors. ASL errors (`StateError`: a name and a cause, the data Retry and Catch see)
//! are kept apart from host errors (`Error`: a bad definition, a bad option, an engine
//! limit reached by the caller's request).

use crate::validate::Diagnostic;
use std::fmt;

/// An error raised inside an execution, as Retry/Catch and the history see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError {
    pub error: String,
    pub cause: Option<String>,
}

pub const RUNTIME: &str = "States.Runtime";
pub const TIMEOUT: &str = "States.Timeout";
pub const TASK_FAILED: &str = "States.TaskFailed";
pub const ALL: &str = "States.ALL";
pub const DATA_LIMIT: &str = "States.DataLimitExceeded";
pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";

impl StateError {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        StateError {
            error: error.into(),
            cause: Some(cause.into()),
        }
    }

    pub fn runtime(cause: impl Into<String>) -> Self {
        StateError::new(RUNTIME, cause)
    }

    /// `States.Runtime` is never retried nor caught (not even by `States.ALL`).
    pub fn is_catchable(&self) -> bool {
        self.error != RUNTIME
    }

    /// Whether a Retry/Catch `ErrorEquals` list matches this error.
    pub fn matches(&self, names: &[String]) -> bool {
        if !self.is_catchable() {
            return false;
        }
        names
            .iter()
            .any(|n| n == &self.error || n == ALL || (n == TASK_FAILED && self.error != TIMEOUT))
    }
}

/// A host-level error: something the caller did, not something the state machine did.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The definition does not validate.
    InvalidDefinition(Vec<Diagnostic>),
    /// The execution input is not acceptable (bad JSON, too large).
    InvalidExecutionInput(String),
    /// A bad option or argument.
    Invalid(String),
    /// Referenced something that does not exist (task id, task token).
    NotFound(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidDefinition(d) => {
                write!(f, "Invalid State Machine Definition: ")?;
                for (i, d) in d.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "'{}: {}", d.code, d.message)?;
                    if let Some(l) = &d.location {
                        write!(f, " at {l}")?;
                    }
                    write!(f, "'")?;
                }
                Ok(())
            }
            Error::InvalidExecutionInput(m) => {
                write!(f, "Invalid State Machine Execution Input: '{m}'")
            }
            Error::Invalid(m) | Error::NotFound(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn matching_rules() {
        let custom = StateError::new("MyError", "x");
        assert!(custom.matches(&names(&["States.ALL"])));
        assert!(custom.matches(&names(&["States.TaskFailed"])));
        assert!(custom.matches(&names(&["Other", "MyError"])));
        assert!(!custom.matches(&names(&["Other"])));
        let timeout = StateError::new(TIMEOUT, "");
        assert!(!timeout.matches(&names(&["States.TaskFailed"])));
        assert!(timeout.matches(&names(&["States.ALL"])));
        let rt = StateError::runtime("bad path");
        assert!(!rt.matches(&names(&["States.ALL", "States.Runtime"])));
    }
}
