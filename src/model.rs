//! The compiled form of a definition: states are indices, paths and templates are
//! parsed, `Next` targets are resolved. Built once by `compile`, run many times.

use crate::choice::Rule;
use crate::intrinsics::Intrinsic;
use crate::jsonata::Template as Ata;
use crate::path::Path;
use crate::template::Template;
use crate::timestamp::Instant;
use serde_json::Value;
use std::sync::Arc;

pub type StateId = usize;
pub type ScopeId = usize;

#[derive(Debug, Clone)]
pub struct StateMachine {
    /// Every state of every scope; `StateId` indexes it.
    pub states: Vec<State>,
    pub scopes: Vec<Scope>,
    /// The top-level scope (always 0).
    pub root: ScopeId,
    pub timeout_seconds: Option<u64>,
    pub comment: Option<String>,
    /// The definition as submitted (key order kept).
    pub definition: Arc<Value>,
}

/// A `States` block: the top level, a Parallel branch or a Map processor.
#[derive(Debug, Clone)]
pub struct Scope {
    pub start: StateId,
    /// The Parallel or Map state that owns it (`None` at the top level).
    pub owner: Option<StateId>,
}

/// InputPath / OutputPath: absent (`$`), `null` (`{}`), or a path.
#[derive(Debug, Clone, PartialEq)]
pub enum IoPath {
    Identity,
    Null,
    Path(Path),
}

/// ResultPath: absent (`$`: the result replaces the input), `null` (the input is kept),
/// or a reference path.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultPath {
    Replace,
    Discard,
    Path(Path),
}

/// A number given literally or through a `...Path` field.
#[derive(Debug, Clone, PartialEq)]
pub enum NumberSource {
    Fixed(f64),
    Path(Path),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryLanguage {
    JsonPath,
    JsonAta,
}

/// `Assign` in either query language.
#[derive(Debug, Clone)]
pub enum Assign {
    /// A JSONPath payload template (`.$` keys).
    Path(Template),
    /// A JSONata template (`{% %}` values).
    Ata(Ata),
}

/// The JSONata fields of a state (present only for JSONata states).
#[derive(Debug, Clone, Default)]
pub struct AtaFields {
    pub arguments: Option<Ata>,
    pub output: Option<Ata>,
    pub items: Option<Ata>,
    pub item_selector: Option<Ata>,
    pub timeout_seconds: Option<Ata>,
    pub heartbeat_seconds: Option<Ata>,
    pub max_concurrency: Option<Ata>,
    pub tolerated_failure_count: Option<Ata>,
    pub tolerated_failure_percentage: Option<Ata>,
    pub seconds: Option<Ata>,
    pub timestamp: Option<Ata>,
    pub error: Option<Ata>,
    pub cause: Option<Ata>,
}

#[derive(Debug, Clone)]
pub struct Retrier {
    pub errors: Vec<String>,
    pub interval_seconds: f64,
    pub max_attempts: u32,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub jitter_full: bool,
}

#[derive(Debug, Clone)]
pub struct Catcher {
    pub errors: Vec<String>,
    pub next: StateId,
    pub result_path: ResultPath,
    pub assign: Option<Assign>,
    /// JSONata `Output` of the catcher.
    pub output: Option<Ata>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub name: Arc<str>,
    pub scope: ScopeId,
    /// JSON Pointer of the state in the definition (`/States/A`).
    pub pointer: String,
    pub kind: Kind,
    pub input_path: IoPath,
    pub output_path: IoPath,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPath,
    pub assign: Option<Assign>,
    pub query_language: QueryLanguage,
    /// JSONata fields (JSONata states only).
    pub ata: Option<Box<AtaFields>>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    /// `Next`; `None` means `End` (or a terminal type).
    pub next: Option<StateId>,
    /// Whether a `$$` path of this state may read `$$.Execution.Input` (building the
    /// context object without it saves copying a large input).
    pub context_reads_input: bool,
}

#[derive(Debug, Clone)]
pub enum WaitFor {
    Seconds(u64),
    Timestamp(Instant),
    SecondsPath(Path),
    TimestampPath(Path),
    /// JSONata `Seconds` or `Timestamp` expression (in `AtaFields`).
    Expression,
}

#[derive(Debug, Clone)]
pub enum FailField {
    None,
    Literal(String),
    Path(Path),
    Intrinsic(Intrinsic),
}

/// How a Task resource shows up in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceKind {
    /// A Lambda function ARN used directly: `LambdaFunction*` events.
    LambdaArn,
    /// An activity ARN: `Activity*` events.
    Activity,
    /// `arn:aws:states:::<service>:<api>[.sync|.waitForTaskToken]` and `aws-sdk`
    /// integrations: `Task*` events with this resource type and resource.
    Service {
        resource_type: Arc<str>,
        resource: Arc<str>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegrationPattern {
    RequestResponse,
    Sync,
    WaitForTaskToken,
}

#[derive(Debug, Clone)]
pub enum Condition {
    /// A JSONPath Choice rule.
    Rule(Rule),
    /// A JSONata `Condition` (an expression, or a literal boolean).
    Ata(Ata),
}

#[derive(Debug, Clone)]
pub struct ChoiceBranch {
    pub condition: Condition,
    pub next: StateId,
    pub assign: Option<Assign>,
    /// JSONata `Output` of the rule.
    pub output: Option<Ata>,
}

#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // built once per state, never moved on the hot path
pub enum Kind {
    Pass {
        /// `Result`, shared by every visit (a `ResultPath` merge copies it).
        result: Option<Arc<Value>>,
    },
    Task {
        resource: Arc<str>,
        resource_kind: ResourceKind,
        pattern: IntegrationPattern,
        timeout: Option<NumberSource>,
        heartbeat: Option<NumberSource>,
    },
    Choice {
        branches: Vec<ChoiceBranch>,
        default: Option<StateId>,
    },
    Wait(WaitFor),
    Succeed,
    Fail {
        error: FailField,
        cause: FailField,
    },
    Parallel {
        branches: Vec<ScopeId>,
    },
    Map {
        processor: ScopeId,
        items_path: Option<Path>,
        item_selector: Option<Template>,
        max_concurrency: Option<NumberSource>,
        tolerated_failure_count: Option<NumberSource>,
        tolerated_failure_percentage: Option<NumberSource>,
        distributed: bool,
        label: Option<String>,
    },
}

impl Kind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::Pass { .. } => "Pass",
            Kind::Task { .. } => "Task",
            Kind::Choice { .. } => "Choice",
            Kind::Wait(_) => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail { .. } => "Fail",
            Kind::Parallel { .. } => "Parallel",
            Kind::Map { .. } => "Map",
        }
    }
}

impl StateMachine {
    pub fn state(&self, id: StateId) -> &State {
        &self.states[id]
    }

    /// Finds a state by name (names are unique across the whole machine).
    pub fn state_id(&self, name: &str) -> Option<StateId> {
        self.states.iter().position(|s| &*s.name == name)
    }
}
