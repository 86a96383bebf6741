//! Execution history events with the service's type names, ids, `previousEventId`s and
//! detail shapes (`GetExecutionHistory`).
//!
//! Payloads are kept as JSON values shared with the engine and serialized to the API's
//! JSON strings only when an event is rendered, so recording history stays cheap; a
//! payload the engine goes on to change in place is kept as that text (`Recorded`).

use crate::timestamp::{self, Millis};
use serde_json::{json, Map, Value};
use std::sync::Arc;

macro_rules! event_types {
    ($($name:ident),* $(,)?) => {
        /// Every `HistoryEventType` of the service.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType { $($name),* }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$name),*];

            /// The service's name, e.g. `TaskStateEntered`.
            pub fn name(self) -> &'static str {
                match self { $(EventType::$name => stringify!($name)),* }
            }

            pub fn from_name(name: &str) -> Option<EventType> {
                match name { $(stringify!($name) => Some(EventType::$name),)* _ => None }
            }
        }
    };
}

event_types!(
    ActivityFailed,
    ActivityScheduled,
    ActivityScheduleFailed,
    ActivityStarted,
    ActivitySucceeded,
    ActivityTimedOut,
    ChoiceStateEntered,
    ChoiceStateExited,
    ExecutionAborted,
    ExecutionFailed,
    ExecutionStarted,
    ExecutionSucceeded,
    ExecutionTimedOut,
    FailStateEntered,
    LambdaFunctionFailed,
    LambdaFunctionScheduled,
    LambdaFunctionScheduleFailed,
    LambdaFunctionStarted,
    LambdaFunctionStartFailed,
    LambdaFunctionSucceeded,
    LambdaFunctionTimedOut,
    MapIterationAborted,
    MapIterationFailed,
    MapIterationStarted,
    MapIterationSucceeded,
    MapStateAborted,
    MapStateEntered,
    MapStateExited,
    MapStateFailed,
    MapStateStarted,
    MapStateSucceeded,
    ParallelStateAborted,
    ParallelStateEntered,
    ParallelStateExited,
    ParallelStateFailed,
    ParallelStateStarted,
    ParallelStateSucceeded,
    PassStateEntered,
    PassStateExited,
    SucceedStateEntered,
    SucceedStateExited,
    TaskFailed,
    TaskScheduled,
    TaskStarted,
    TaskStartFailed,
    TaskStateAborted,
    TaskStateEntered,
    TaskStateExited,
    TaskSubmitFailed,
    TaskSubmitted,
    TaskSucceeded,
    TaskTimedOut,
    WaitStateAborted,
    WaitStateEntered,
    WaitStateExited,
    MapRunAborted,
    MapRunFailed,
    MapRunStarted,
    MapRunSucceeded,
    ExecutionRedriven,
    MapRunRedriven,
    EvaluationFailed,
);

impl EventType {
    /// The key of the details member: `stateEnteredEventDetails` for every
    /// `*StateEntered`, `stateExitedEventDetails` for every `*StateExited`, otherwise
    /// the lower-camel type name + `EventDetails`.
    pub fn details_key(self) -> String {
        let name = self.name();
        if name.ends_with("StateEntered") {
            return "stateEnteredEventDetails".into();
        }
        if name.ends_with("StateExited") {
            return "stateExitedEventDetails".into();
        }
        let mut key = String::with_capacity(name.len() + 12);
        let mut chars = name.chars();
        if let Some(c) = chars.next() {
            key.push(c.to_ascii_lowercase());
        }
        key.extend(chars);
        key.push_str("EventDetails");
        key
    }
}

/// A JSON payload shared between the engine and the history.
pub type Payload = Arc<Value>;

/// A payload as the history keeps it: the engine's own value, shared, while the engine
/// still uses it unchanged; its JSON text once the engine goes on to change that value
/// in place (a `ResultPath` merge, see `Execution::take_input`). The text is what the
/// API shows anyway, and keeping it costs one string where a copy of the value would
/// cost a node per member.
#[derive(Debug, Clone)]
pub enum Recorded {
    Live(Payload),
    Text(Arc<str>),
}

impl From<Payload> for Recorded {
    fn from(p: Payload) -> Self {
        Recorded::Live(p)
    }
}

impl From<Value> for Recorded {
    fn from(v: Value) -> Self {
        Recorded::Live(Arc::new(v))
    }
}

impl Recorded {
    /// The payload's JSON text, as the API shows it.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Recorded::Live(v) => serde_json::to_string(&**v)
                .unwrap_or_else(|_| "null".into())
                .into(),
            Recorded::Text(t) => std::borrow::Cow::Borrowed(t),
        }
    }

    /// The payload as a value (parsed again from its text once the engine moved on).
    pub fn payload(&self) -> Payload {
        match self {
            Recorded::Live(v) => v.clone(),
            Recorded::Text(t) => Arc::new(serde_json::from_str(t).unwrap_or(Value::Null)),
        }
    }

    /// `payload()`, moving the value out when it is live.
    pub fn into_payload(self) -> Payload {
        match self {
            Recorded::Live(v) => v,
            t => t.payload(),
        }
    }

    /// Whether this is `p` itself (not merely an equal value).
    pub fn is(&self, p: &Payload) -> bool {
        matches!(self, Recorded::Live(q) if Arc::ptr_eq(p, q))
    }
}

impl PartialEq for Recorded {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Recorded::Live(a), Recorded::Live(b)) => a == b,
            _ => *self.payload() == *other.payload(),
        }
    }
}

/// The details of an event. Which variant goes with which `EventType` follows the
/// service's API model.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    None,
    ExecutionStarted {
        input: Recorded,
        role_arn: String,
    },
    ExecutionSucceeded {
        output: Recorded,
    },
    /// ExecutionFailed / ExecutionAborted / ExecutionTimedOut, and the `*Failed`,
    /// `*TimedOut` events of Lambda functions and activities.
    Error {
        error: Option<String>,
        cause: Option<String>,
    },
    StateEntered {
        name: Arc<str>,
        input: Recorded,
    },
    StateExited {
        name: Arc<str>,
        output: Recorded,
        /// Variable name -> JSON-serialized value, in assignment order.
        assigned_variables: Option<Vec<(String, String)>>,
    },
    MapStateStarted {
        length: usize,
    },
    MapRunStarted {
        map_run_arn: String,
    },
    MapIteration {
        name: Arc<str>,
        index: usize,
    },
    TaskScheduled {
        resource_type: Arc<str>,
        resource: Arc<str>,
        region: Arc<str>,
        parameters: Recorded,
        timeout_in_seconds: Option<u64>,
        heartbeat_in_seconds: Option<u64>,
    },
    /// TaskStarted.
    Task {
        resource_type: Arc<str>,
        resource: Arc<str>,
    },
    /// TaskSucceeded / TaskSubmitted.
    TaskOutput {
        resource_type: Arc<str>,
        resource: Arc<str>,
        output: Recorded,
    },
    /// TaskFailed / TaskTimedOut / TaskStartFailed / TaskSubmitFailed.
    TaskError {
        resource_type: Arc<str>,
        resource: Arc<str>,
        error: Option<String>,
        cause: Option<String>,
    },
    LambdaFunctionScheduled {
        resource: Arc<str>,
        input: Recorded,
        timeout_in_seconds: Option<u64>,
    },
    /// LambdaFunctionSucceeded / ActivitySucceeded.
    Output {
        output: Recorded,
    },
    EvaluationFailed {
        error: String,
        cause: String,
        location: Option<String>,
        state: String,
    },
}

/// One history event.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp: Millis,
    pub event_type: EventType,
    pub details: Details,
}

fn payload_string(v: &Recorded) -> Value {
    Value::String(v.text().into_owned())
}

impl Details {
    /// The payload this event carries, if any.
    pub fn payload_mut(&mut self) -> Option<&mut Recorded> {
        match self {
            Details::ExecutionStarted { input, .. }
            | Details::StateEntered { input, .. }
            | Details::LambdaFunctionScheduled { input, .. } => Some(input),
            Details::ExecutionSucceeded { output }
            | Details::Output { output }
            | Details::StateExited { output, .. }
            | Details::TaskOutput { output, .. } => Some(output),
            Details::TaskScheduled { parameters, .. } => Some(parameters),
            _ => None,
        }
    }
}

fn truncated() -> Value {
    json!({ "truncated": false })
}

fn put_opt(m: &mut Map<String, Value>, key: &str, v: &Option<String>) {
    if let Some(s) = v {
        m.insert(key.into(), Value::String(s.clone()));
    }
}

impl HistoryEvent {
    /// The service's JSON shape (`GetExecutionHistory`): `timestamp`, `type`, `id`,
    /// `previousEventId` and the details member, inputs and outputs as JSON strings.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert(
            "timestamp".into(),
            Value::String(timestamp::format_millis(self.timestamp)),
        );
        m.insert("type".into(), Value::String(self.event_type.name().into()));
        m.insert("id".into(), json!(self.id));
        m.insert("previousEventId".into(), json!(self.previous_event_id));
        if let Some(d) = self.details_json() {
            m.insert(self.event_type.details_key(), d);
        }
        Value::Object(m)
    }

    /// The details member alone, or `None` for events without details.
    pub fn details_json(&self) -> Option<Value> {
        let mut m = Map::new();
        match &self.details {
            Details::None => return None,
            Details::ExecutionStarted { input, role_arn } => {
                m.insert("input".into(), payload_string(input));
                m.insert("inputDetails".into(), truncated());
                m.insert("roleArn".into(), Value::String(role_arn.clone()));
            }
            Details::ExecutionSucceeded { output } | Details::Output { output } => {
                m.insert("output".into(), payload_string(output));
                m.insert("outputDetails".into(), truncated());
            }
            Details::Error { error, cause } => {
                put_opt(&mut m, "error", error);
                put_opt(&mut m, "cause", cause);
            }
            Details::StateEntered { name, input } => {
                m.insert("name".into(), Value::String(name.to_string()));
                m.insert("input".into(), payload_string(input));
                m.insert("inputDetails".into(), truncated());
            }
            Details::StateExited {
                name,
                output,
                assigned_variables,
            } => {
                m.insert("name".into(), Value::String(name.to_string()));
                m.insert("output".into(), payload_string(output));
                m.insert("outputDetails".into(), truncated());
                if let Some(vars) = assigned_variables {
                    let mut vm = Map::new();
                    for (k, v) in vars {
                        vm.insert(k.clone(), Value::String(v.clone()));
                    }
                    m.insert("assignedVariables".into(), Value::Object(vm));
                    m.insert("assignedVariablesDetails".into(), truncated());
                }
            }
            Details::MapStateStarted { length } => {
                m.insert("length".into(), json!(length));
            }
            Details::MapRunStarted { map_run_arn } => {
                m.insert("mapRunArn".into(), Value::String(map_run_arn.clone()));
            }
            Details::MapIteration { name, index } => {
                m.insert("name".into(), Value::String(name.to_string()));
                m.insert("index".into(), json!(index));
            }
            Details::TaskScheduled {
                resource_type,
                resource,
                region,
                parameters,
                timeout_in_seconds,
                heartbeat_in_seconds,
            } => {
                m.insert(
                    "resourceType".into(),
                    Value::String(resource_type.to_string()),
                );
                m.insert("resource".into(), Value::String(resource.to_string()));
                m.insert("region".into(), Value::String(region.to_string()));
                m.insert("parameters".into(), payload_string(parameters));
                if let Some(t) = timeout_in_seconds {
                    m.insert("timeoutInSeconds".into(), json!(t));
                }
                if let Some(h) = heartbeat_in_seconds {
                    m.insert("heartbeatInSeconds".into(), json!(h));
                }
            }
            Details::Task {
                resource_type,
                resource,
            } => {
                m.insert(
                    "resourceType".into(),
                    Value::String(resource_type.to_string()),
                );
                m.insert("resource".into(), Value::String(resource.to_string()));
            }
            Details::TaskOutput {
                resource_type,
                resource,
                output,
            } => {
                m.insert(
                    "resourceType".into(),
                    Value::String(resource_type.to_string()),
                );
                m.insert("resource".into(), Value::String(resource.to_string()));
                m.insert("output".into(), payload_string(output));
                m.insert("outputDetails".into(), truncated());
            }
            Details::TaskError {
                resource_type,
                resource,
                error,
                cause,
            } => {
                m.insert(
                    "resourceType".into(),
                    Value::String(resource_type.to_string()),
                );
                m.insert("resource".into(), Value::String(resource.to_string()));
                put_opt(&mut m, "error", error);
                put_opt(&mut m, "cause", cause);
            }
            Details::LambdaFunctionScheduled {
                resource,
                input,
                timeout_in_seconds,
            } => {
                m.insert("resource".into(), Value::String(resource.to_string()));
                m.insert("input".into(), payload_string(input));
                m.insert("inputDetails".into(), truncated());
                if let Some(t) = timeout_in_seconds {
                    m.insert("timeoutInSeconds".into(), json!(t));
                }
            }
            Details::EvaluationFailed {
                error,
                cause,
                location,
                state,
            } => {
                m.insert("error".into(), Value::String(error.clone()));
                m.insert("cause".into(), Value::String(cause.clone()));
                if let Some(l) = location {
                    m.insert("location".into(), Value::String(l.clone()));
                }
                m.insert("state".into(), Value::String(state.clone()));
            }
        }
        Some(Value::Object(m))
    }

    /// The state name this event belongs to, when it carries one.
    pub fn state_name(&self) -> Option<&str> {
        match &self.details {
            Details::StateEntered { name, .. } | Details::StateExited { name, .. } => Some(name),
            Details::MapIteration { name, .. } => Some(name),
            Details::EvaluationFailed { state, .. } => Some(state),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_62_event_types_with_round_trip_names() {
        assert_eq!(EventType::ALL.len(), 62);
        for t in EventType::ALL {
            assert_eq!(EventType::from_name(t.name()), Some(*t));
        }
    }

    #[test]
    fn details_keys_follow_the_api_model() {
        assert_eq!(
            EventType::TaskStateEntered.details_key(),
            "stateEnteredEventDetails"
        );
        assert_eq!(
            EventType::MapStateExited.details_key(),
            "stateExitedEventDetails"
        );
        assert_eq!(
            EventType::LambdaFunctionScheduled.details_key(),
            "lambdaFunctionScheduledEventDetails"
        );
        assert_eq!(
            EventType::MapIterationStarted.details_key(),
            "mapIterationStartedEventDetails"
        );
    }
}
