//! An execution: a deterministic, resumable discrete-event simulation of a compiled
//! state machine.
//!
//! Every path of control (the top level, each Parallel branch, each Map iteration) is a
//! *fiber*. Fibers run one state at a time from a FIFO ready queue, so branches
//! interleave as they would on the service. Anything that takes time (Wait states,
//! retry back-off, slow tasks, timeouts) is a timer in a priority queue; under the
//! virtual clock, time jumps to the next timer as soon as nothing else can run. Task
//! results come from the host through `TaskHandler` (or `complete_task` for hosts that
//! answer later), so the engine itself performs no I/O and reads no clock.

use crate::compile::compile;
use crate::error::{self, Error, StateError};
use crate::history::{Details, EventType, HistoryEvent, Payload, Recorded};
use crate::host::{TaskHandler, TaskRequest, TaskResponse};
use crate::model::*;
use crate::path::Roots;
use crate::rng::Rng;
use crate::template::{path_not_found, Template};
use crate::timestamp::{self, Millis};
use crate::vars::VarScope;
use serde_json::{json, Map, Value};
use std::cell::OnceCell;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::sync::Arc;

mod ata;
mod inspect;

pub use inspect::{ErrorDetails, Inspection};

/// Engine limits. The defaults are the service's.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// History events per execution; the last one is the `ExecutionFailed` that
    /// reports the limit. `0` lifts the limit.
    pub max_history_events: usize,
    /// Largest state input/output and task result, in bytes of JSON text.
    pub max_payload_bytes: usize,
    /// Largest number of state transitions, retries included; `0` means unlimited.
    /// Not a service limit: a safety bound for work that writes no history of its
    /// own (Distributed Map child executions) or when the history limit is lifted.
    pub max_transitions: u64,
    /// Longest execution, in seconds, when the definition sets no `TimeoutSeconds`
    /// (the service's one year for Standard workflows); `0` lifts it.
    pub max_execution_seconds: u64,
    /// Inline Map iterations running at once when `MaxConcurrency` is 0 (the service
    /// runs at most 40).
    pub inline_map_concurrency: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_history_events: 25_000,
            max_payload_bytes: 262_144,
            max_transitions: 5_000_000,
            max_execution_seconds: 31_536_000,
            inline_map_concurrency: 40,
        }
    }
}

/// Options for one execution.
#[derive(Debug, Clone)]
pub struct ExecutionOptions {
    pub input: Value,
    /// Execution name; a seeded UUID when `None`.
    pub name: Option<String>,
    pub state_machine_name: String,
    pub region: String,
    pub account: String,
    pub role_arn: Option<String>,
    /// Seed for UUIDs, task tokens, `States.MathRandom` and retry jitter.
    pub seed: u64,
    /// Start time (virtual clock), milliseconds since the epoch.
    pub start_time: Millis,
    pub limits: Limits,
    /// Record each state's data flow (`Execution::inspections`). Off by default: it
    /// copies every intermediate value.
    pub inspect: bool,
    /// Variables set before the first state (the TestState API's `variables`).
    pub variables: Option<Map<String, Value>>,
}

impl Default for ExecutionOptions {
    fn default() -> Self {
        ExecutionOptions {
            input: json!({}),
            name: None,
            state_machine_name: "StateMachine".into(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
            role_arn: None,
            seed: 0,
            // 2025-01-01T00:00:00Z
            start_time: 1_735_689_600_000,
            limits: Limits::default(),
            inspect: false,
            variables: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "RUNNING",
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
}

/// How an execution ended (or that it has not ended yet).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: Status,
    /// Shared with the `ExecutionSucceeded` event.
    pub output: Option<Arc<Value>>,
    pub error: Option<String>,
    pub cause: Option<String>,
}

impl Outcome {
    /// `{"status": …, "output": …}` or `{"status": …, "error": …, "cause": …}`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("status".into(), Value::String(self.status.as_str().into()));
        if let Some(o) = &self.output {
            m.insert("output".into(), (**o).clone());
        }
        if let Some(e) = &self.error {
            m.insert("error".into(), Value::String(e.clone()));
        }
        if let Some(c) = &self.cause {
            m.insert("cause".into(), Value::String(c.clone()));
        }
        Value::Object(m)
    }
}

type FiberId = usize;
/// A Map's items, concurrency, tolerated failure count and percentage.
type MapSetup = (Vec<Value>, usize, Option<u64>, Option<f64>);
type GroupId = usize;
type TaskId = u64;

#[derive(Debug)]
enum Phase {
    /// About to enter `state`.
    Enter,
    /// Waiting for a task result.
    Task,
    /// A Wait state's timer.
    Waiting,
    /// Retry back-off; when it fires, the state body runs again.
    Backoff,
    /// Waiting for Parallel branches / Map iterations.
    Group(GroupId),
    /// Done (succeeded, failed or aborted).
    Finished,
}

#[derive(Debug)]
enum Wake {
    /// The result is shared with the task's `*Succeeded` event.
    TaskDone(Result<Payload, StateError>),
    Timer,
    GroupDone(Result<Vec<Value>, StateError>),
}

struct Fiber {
    state: StateId,
    /// The raw state input.
    input: Recorded,
    /// The effective input (after InputPath and Parameters) of the current state;
    /// shared with the state input when InputPath selects all of it.
    effective: Option<Recorded>,
    phase: Phase,
    wake: Option<Wake>,
    /// Id of this fiber's last event: the next event's `previousEventId`.
    prev: u64,
    entered_id: u64,
    /// The Entered event's own `previousEventId`.
    entered_prev: u64,
    entered_time: Millis,
    retry_counts: Vec<u32>,
    retries: u32,
    parent: Option<(GroupId, usize)>,
    vars: Arc<VarScope>,
    /// Assignments computed on entry and applied at exit (Wait states).
    pending_vars: Option<Map<String, Value>>,
    /// Index of the current visit in `Execution::inspections`.
    inspection: Option<usize>,
    /// Runs inside a Distributed Map child execution: its events are not part of
    /// this execution's history.
    silent: bool,
    /// Bumped on every phase change, so stale timers are ignored.
    generation: u64,
}

struct Group {
    parent: FiberId,
    state: StateId,
    is_map: bool,
    results: Vec<Option<Value>>,
    remaining: usize,
    /// Map: items not started yet.
    queue: VecDeque<usize>,
    items: Vec<Value>,
    /// Map: the effective input (ItemSelector's `$`).
    map_input: Payload,
    running: Vec<FiberId>,
    concurrency: usize,
    failures: usize,
    tolerated_count: Option<u64>,
    tolerated_percentage: Option<f64>,
    /// `previousEventId` for the group's next own event.
    cursor: u64,
    last_success_event: u64,
    /// Distributed Map: the `MapRunStarted` event (0 for inline maps and Parallel).
    map_run: u64,
    finished: bool,
}

struct PendingTask {
    fiber: FiberId,
    state: StateId,
    token: Option<String>,
    heartbeat_ms: Option<u64>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TimerKind {
    Wake { fiber: FiberId, generation: u64 },
    TaskTimeout { task: TaskId },
    Heartbeat { task: TaskId, deadline: Millis },
    TaskAnswer { task: TaskId },
    ExecutionTimeout,
}

/// One step of progress that needs the host.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    /// Nothing is runnable now and no task waits for an outside answer; the next
    /// timer fires at this time (under the virtual clock: advance to it at once).
    Timer(Millis),
    /// Tasks wait for answers from outside (async handlers, task tokens); the next
    /// timer, if any, fires at `next_timer`. Under the virtual clock time does not
    /// move on by itself here: the host answers, or decides to advance.
    External { next_timer: Option<Millis> },
    /// The execution has ended.
    Done,
}

/// A running (or finished) execution.
pub struct Execution {
    sm: Arc<StateMachine>,
    opts: ExecutionOptions,
    name: String,
    arn: String,
    state_machine_arn: String,
    role_arn: String,
    /// `opts.region`, shared by the events that show it.
    region: Arc<str>,
    input: Recorded,
    history: Vec<HistoryEvent>,
    /// The JSON text of a value the engine holds, when known without writing it (see
    /// `text_of`).
    known_text: Option<KnownText>,
    now: Millis,
    rng: Rng,
    fibers: Vec<Option<Fiber>>,
    ready: VecDeque<FiberId>,
    groups: Vec<Option<Group>>,
    timers: BinaryHeap<Reverse<(Millis, u64, TimerKind)>>,
    timer_seq: u64,
    tasks: BTreeMap<TaskId, PendingTask>,
    task_answers: HashMap<TaskId, TaskResponse>,
    tokens: HashMap<String, TaskId>,
    next_task: TaskId,
    outbox: VecDeque<TaskRequest>,
    invocations: Vec<u32>,
    transitions: u64,
    /// Set while working for a silent fiber (see `Fiber::silent`).
    silent: bool,
    inspections: Vec<inspect::Inspection>,
    /// TestState: run one state and report how it ended.
    pub(crate) single: Option<SingleState>,
    outcome: Outcome,
}

/// How a single-state run (TestState) ended, and what it was given.
#[derive(Debug, Default)]
pub(crate) struct SingleState {
    /// Replaces the context object.
    pub context: Option<Value>,
    /// The state's whole result (Task, Map or Parallel), or its error.
    pub mock: Option<Result<Value, StateError>>,
    /// Retries already made by the state's retriers.
    pub retrier_retry_count: Option<u32>,
    /// Filled in when the state ends.
    pub next_state: Option<String>,
    /// The error a catcher handled.
    pub caught: Option<StateError>,
    pub retriable: bool,
}

/// Path roots as the engine provides them: the context object is built only when a
/// `$$` path is evaluated.
struct Env<'a> {
    input: &'a Value,
    vars: &'a VarScope,
    ctx: OnceCell<Value>,
    exec: &'a Execution,
    state: StateId,
    entered_time: Millis,
    retries: u32,
    token: Option<&'a str>,
    map_item: Option<(usize, &'a Value)>,
}

impl Roots for Env<'_> {
    fn input(&self) -> &Value {
        self.input
    }
    fn context(&self) -> &Value {
        self.ctx.get_or_init(|| {
            let e = self.exec;
            if let Some(ctx) = e.single.as_ref().and_then(|s| s.context.clone()) {
                return ctx;
            }
            let st = e.sm.state(self.state);
            let mut ctx = json!({
                "Execution": {
                    "Id": e.arn,
                    "Input": if st.context_reads_input { (*e.input.payload()).clone() } else { Value::Null },
                    "StartTime": timestamp::format_context(e.opts.start_time),
                    "Name": e.name,
                    "RoleArn": e.role_arn,
                    "RedriveCount": 0,
                },
                "StateMachine": { "Id": e.state_machine_arn, "Name": e.opts.state_machine_name },
                "State": {
                    "EnteredTime": timestamp::format_context(self.entered_time),
                    "Name": &*st.name,
                },
            });
            // Only states that can retry have a RetryCount.
            if matches!(
                st.kind,
                Kind::Task { .. } | Kind::Parallel { .. } | Kind::Map { .. }
            ) {
                ctx["State"]["RetryCount"] = json!(self.retries);
            }
            if let Some(t) = self.token {
                ctx["Task"] = json!({ "Token": t });
            }
            if let Some((i, v)) = self.map_item {
                ctx["Map"] = json!({ "Item": { "Index": i, "Value": v } });
            }
            ctx
        })
    }
    fn variable(&self, name: &str) -> Option<&Value> {
        self.vars.get(name)
    }
}

/// The effective input after InputPath: the state input itself (shared, not copied)
/// when the path selected all of it.
fn share_input(input: &Payload, after_input: std::borrow::Cow<'_, Value>) -> Payload {
    match after_input {
        std::borrow::Cow::Borrowed(v) if std::ptr::eq(v, &**input) => input.clone(),
        other => Arc::new(other.into_owned()),
    }
}

/// A state's result: made by the state itself, or shared with a history event (a
/// task's result).
enum Produced {
    Owned(Value),
    Shared(Payload),
}

impl From<Value> for Produced {
    fn from(v: Value) -> Self {
        Produced::Owned(v)
    }
}

impl Produced {
    fn value(&self) -> &Value {
        match self {
            Produced::Owned(v) => v,
            Produced::Shared(p) => p,
        }
    }

    fn into_value(self) -> Value {
        match self {
            Produced::Owned(v) => v,
            Produced::Shared(p) => unshare(p),
        }
    }

    fn into_payload(self) -> Payload {
        match self {
            Produced::Owned(v) => Arc::new(v),
            Produced::Shared(p) => p,
        }
    }
}

/// A `ResultPath` merge into an input with fewer nodes than this copies it rather than
/// turning the history's share of it into text (see `Execution::take_input`): for
/// small values a copy is the cheaper of the two (in wasm, on the parallel workload:
/// 100 ms against 95 ms for its 100 executions).
const FREEZE_FROM_NODES: usize = 24;

/// What the engine knows of a value's JSON text without writing it: the object `doc`
/// is the one whose text is `base` with the member `appended` (its last) added. `doc`
/// is a `Weak` pointer: a value changed in place (moved out of its `Arc`) or dropped
/// is no longer the one described.
struct KnownText {
    doc: std::sync::Weak<Value>,
    base: Arc<str>,
    appended: String,
}

impl KnownText {
    /// The text of `doc`, if this describes it.
    fn text(&self, doc: &Payload) -> Option<String> {
        // While `self.doc` lives its allocation is not reused: the same address is the
        // same value, unchanged (`Arc::get_mut` refuses while a `Weak` exists).
        if !std::ptr::eq(self.doc.as_ptr(), Arc::as_ptr(doc)) {
            return None;
        }
        let (last, value) = doc.as_object()?.iter().next_back()?;
        let head = self.base.strip_suffix('}')?;
        if *last != self.appended {
            return None;
        }
        let member = serde_json::to_string(last).ok()?;
        let value = serde_json::to_string(value).ok()?;
        let mut text = String::with_capacity(head.len() + member.len() + value.len() + 3);
        text.push_str(head);
        if head != "{" {
            text.push(',');
        }
        text.push_str(&member);
        text.push(':');
        text.push_str(&value);
        text.push('}');
        Some(text)
    }
}

/// Whether `v` has fewer than `limit` nodes (values, members and items), counting no
/// further than `limit`.
fn fewer_nodes_than(v: &Value, limit: usize) -> bool {
    /// Counts `v`'s nodes into `seen`; false once `limit` is reached.
    fn count(v: &Value, seen: &mut usize, limit: usize) -> bool {
        *seen += 1;
        if *seen >= limit {
            return false;
        }
        match v {
            Value::Array(a) => a.iter().all(|x| count(x, seen, limit)),
            Value::Object(m) => m.values().all(|x| count(x, seen, limit)),
            _ => true,
        }
    }
    count(v, &mut 0, limit)
}

/// The value of a payload: moved out when nothing else holds it, else copied.
fn unshare(p: Payload) -> Value {
    Arc::try_unwrap(p).unwrap_or_else(|p| (*p).clone())
}

/// Counts the bytes of a value's JSON text, stopping early past `limit`.
fn exceeds_size(v: &Value, limit: usize) -> bool {
    struct Counter {
        n: usize,
        limit: usize,
    }
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.n += buf.len();
            if self.n > self.limit {
                Err(std::io::Error::other("limit"))
            } else {
                Ok(buf.len())
            }
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    if limit == 0 {
        return false;
    }
    // Most payloads are far below the limit: a cheap upper bound (every character
    // escaped as \uXXXX) settles it without serializing.
    if size_upper_bound(v, limit) <= limit {
        return false;
    }
    let mut c = Counter { n: 0, limit };
    serde_json::to_writer(&mut c, v).is_err()
}

/// An upper bound of a value's JSON text length, stopping once past `limit`.
fn size_upper_bound(v: &Value, limit: usize) -> usize {
    let mut total = 0usize;
    let mut stack: Vec<&Value> = vec![v];
    while let Some(v) = stack.pop() {
        total = total.saturating_add(match v {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(_) => 32,
            Value::String(s) => s.len() * 6 + 2,
            Value::Array(a) => {
                stack.extend(a.iter());
                a.len() + 2
            }
            Value::Object(m) => {
                for (k, val) in m {
                    total = total.saturating_add(k.len() * 6 + 4);
                    stack.push(val);
                }
                m.len() + 2
            }
        });
        if total > limit {
            return total;
        }
    }
    total
}

fn error_output(e: &StateError) -> Value {
    let mut m = Map::new();
    m.insert("Error".into(), Value::String(e.error.clone()));
    match &e.cause {
        Some(c) => {
            m.insert("Cause".into(), Value::String(c.clone()));
        }
        // A timeout's error output carries an empty cause.
        None if e.error == error::TIMEOUT => {
            m.insert("Cause".into(), Value::String(String::new()));
        }
        None => {}
    }
    Value::Object(m)
}

/// Java `Math.round`-style integer reading of a number used as an integer field.
fn as_integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        _ => None,
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Execution {
    /// Starts an execution of a compiled state machine (records `ExecutionStarted`).
    pub fn start(sm: Arc<StateMachine>, opts: ExecutionOptions) -> Result<Execution, Error> {
        // (The input is moved, not copied, into the execution.)
        let first = sm.scopes[sm.root].start;
        Execution::start_at(sm, opts, first)
    }

    /// Starts at any state (TestState).
    pub(crate) fn start_at(
        sm: Arc<StateMachine>,
        mut opts: ExecutionOptions,
        first: StateId,
    ) -> Result<Execution, Error> {
        if first >= sm.states.len() {
            return Err(Error::Invalid("no such state".into()));
        }
        if exceeds_size(&opts.input, opts.limits.max_payload_bytes) {
            return Err(Error::InvalidExecutionInput(format!(
                "the input is larger than {} bytes",
                opts.limits.max_payload_bytes
            )));
        }
        let mut rng = Rng::new(opts.seed);
        let name = match &opts.name {
            Some(n) => n.clone(),
            None => rng.uuid_v4(),
        };
        let state_machine_arn = format!(
            "arn:aws:states:{}:{}:stateMachine:{}",
            opts.region, opts.account, opts.state_machine_name
        );
        let arn = format!(
            "arn:aws:states:{}:{}:execution:{}:{}",
            opts.region, opts.account, opts.state_machine_name, name
        );
        let role_arn = opts.role_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:iam::{}:role/service-role/StepFunctions-{}-role",
                opts.account, opts.state_machine_name
            )
        });
        let n_states = sm.states.len();
        let mut ex = Execution {
            input: Recorded::Live(Arc::new(std::mem::take(&mut opts.input))),
            now: opts.start_time,
            sm,
            name,
            arn,
            state_machine_arn,
            role_arn,
            region: opts.region.as_str().into(),
            history: Vec::new(),
            known_text: None,
            rng,
            fibers: Vec::new(),
            ready: VecDeque::new(),
            groups: Vec::new(),
            timers: BinaryHeap::new(),
            timer_seq: 0,
            tasks: BTreeMap::new(),
            task_answers: HashMap::new(),
            tokens: HashMap::new(),
            next_task: 1,
            outbox: VecDeque::new(),
            invocations: vec![0; n_states],
            transitions: 0,
            silent: false,
            inspections: Vec::new(),
            single: None,
            outcome: Outcome {
                status: Status::Running,
                output: None,
                error: None,
                cause: None,
            },
            opts,
        };
        ex.emit(
            0,
            EventType::ExecutionStarted,
            Details::ExecutionStarted {
                input: ex.input.clone(),
                role_arn: ex.role_arn.clone(),
            },
        );
        match (ex.sm.timeout_seconds, ex.opts.limits.max_execution_seconds) {
            (Some(t), _) => ex.add_timer(ex.at_seconds(t), TimerKind::ExecutionTimeout),
            // An execution may run for the whole year: time out only after it.
            (None, max) if max > 0 => {
                ex.add_timer(ex.at_seconds(max) + 1, TimerKind::ExecutionTimeout)
            }
            _ => {}
        }
        let start = first;
        let input = ex.input.payload();
        let mut vars = VarScope::root();
        if let Some(initial) = ex.opts.variables.clone() {
            VarScope::assign(&mut vars, initial);
        }
        let fid = ex.new_fiber(start, input, 0, None, vars);
        ex.ready.push_back(fid);
        Ok(ex)
    }

    /// Compiles a definition (without validation diagnostics) and starts it.
    pub fn start_definition(
        definition: &Value,
        opts: ExecutionOptions,
    ) -> Result<Execution, Error> {
        let sm = compile(definition).map_err(|e| {
            Error::InvalidDefinition(vec![crate::validate::Diagnostic {
                code: "SCHEMA_VALIDATION_FAILED".into(),
                severity: crate::validate::Severity::Error,
                message: e.message,
                location: Some(e.pointer),
                line: None,
                column: None,
            }])
        })?;
        Execution::start(Arc::new(sm), opts)
    }

    // ----------------------------------------------------------------- public API

    pub fn history(&self) -> &[HistoryEvent] {
        &self.history
    }

    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    pub fn is_finished(&self) -> bool {
        self.outcome.status != Status::Running
    }

    pub fn execution_arn(&self) -> &str {
        &self.arn
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    pub fn state_machine(&self) -> &Arc<StateMachine> {
        &self.sm
    }

    /// Task invocations the host has not been asked about yet.
    pub fn take_requests(&mut self) -> Vec<TaskRequest> {
        self.outbox.drain(..).collect()
    }

    /// Runs everything runnable at the current time. Returns what the execution waits
    /// for next. Task requests accumulate in `take_requests`.
    pub fn run_ready(&mut self) -> Pending {
        while !self.is_finished() {
            let Some(fid) = self.ready.pop_front() else {
                break;
            };
            self.activate(fid);
        }
        self.pending()
    }

    /// Runs one step of one ready fiber (one state entered, or one phase of it) and
    /// returns whether anything ran. Calling it until it returns `false` does what
    /// `run_ready` does; hosts use it for step-by-step debugging and to run in bounded
    /// slices (so a stop request can interrupt an endless loop).
    pub fn run_one(&mut self) -> bool {
        if self.is_finished() {
            return false;
        }
        match self.ready.pop_front() {
            Some(fid) => {
                self.activate(fid);
                true
            }
            None => false,
        }
    }

    /// What the execution waits for.
    pub fn pending(&self) -> Pending {
        if self.is_finished() {
            return Pending::Done;
        }
        if !self.ready.is_empty() {
            return Pending::Timer(self.now);
        }
        let next_timer = self.timers.peek().map(|Reverse((t, _, _))| *t);
        if self.awaiting_external() {
            return Pending::External { next_timer };
        }
        match next_timer {
            Some(t) => Pending::Timer(t),
            None => Pending::External { next_timer: None },
        }
    }

    /// Whether some task waits for an answer only the host can give.
    fn awaiting_external(&self) -> bool {
        !self.outbox.is_empty()
            || self
                .tasks
                .keys()
                .any(|id| !self.task_answers.contains_key(id))
    }

    /// Moves the clock to `t` (never backwards) and fires every timer due by then.
    pub fn advance_to(&mut self, t: Millis) {
        if t > self.now {
            self.now = t;
        }
        while let Some(Reverse((at, _, _))) = self.timers.peek() {
            if *at > self.now || self.is_finished() {
                break;
            }
            let Some(Reverse((_, _, kind))) = self.timers.pop() else {
                break;
            };
            self.fire(kind);
        }
    }

    /// Drives the execution to its end under the virtual clock, asking `host` for every
    /// task. Returns early (status RUNNING) when it waits for answers that only
    /// `complete_task` / `send_task_*` can give and no timer is pending.
    pub fn run(&mut self, host: &mut dyn TaskHandler) -> &Outcome {
        loop {
            let pending = self.run_ready();
            let requests = self.take_requests();
            if !requests.is_empty() {
                for r in requests {
                    let resp = host.invoke(&r);
                    let _ = self.complete_task(r.id, resp);
                }
                continue;
            }
            match pending {
                Pending::Done | Pending::External { .. } => break,
                Pending::Timer(t) => self.advance_to(t),
            }
        }
        &self.outcome
    }

    /// Answers a task invocation (async handlers, `TaskResponse::Pending`).
    pub fn complete_task(&mut self, id: TaskId, response: TaskResponse) -> Result<(), Error> {
        if !self.tasks.contains_key(&id) {
            return Err(Error::NotFound(format!("no pending task #{id}")));
        }
        match response {
            TaskResponse::Success(v) => self.task_result(id, Ok(v)),
            TaskResponse::Failure { error, cause } => {
                self.task_result(id, Err(StateError { error, cause }))
            }
            TaskResponse::Pending => {}
            TaskResponse::Delayed { after_ms, response } => {
                self.task_answers.insert(id, *response);
                self.add_timer(
                    self.now
                        .saturating_add(after_ms.min(i64::MAX as u64) as i64),
                    TimerKind::TaskAnswer { task: id },
                );
            }
            TaskResponse::Unhandled => {
                let (state, resource) = self.task_label(id);
                self.task_result(
                    id,
                    Err(StateError::runtime(format!(
                        "No task handler or mock answers the Task state '{state}' (resource '{resource}'): register a handler or a mock response for it."
                    ))),
                );
            }
        }
        Ok(())
    }

    /// `SendTaskSuccess` for a `.waitForTaskToken` task.
    pub fn send_task_success(&mut self, token: &str, output: Value) -> Result<(), Error> {
        let id = self.token_task(token)?;
        self.task_result(id, Ok(output));
        Ok(())
    }

    /// `SendTaskFailure` for a `.waitForTaskToken` task.
    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<(), Error> {
        let id = self.token_task(token)?;
        self.task_result(
            id,
            Err(StateError {
                error: error.unwrap_or_default(),
                cause,
            }),
        );
        Ok(())
    }

    /// `SendTaskHeartbeat`: restarts the task's heartbeat clock.
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), Error> {
        let id = self.token_task(token)?;
        if let Some(hb) = self.tasks.get(&id).and_then(|t| t.heartbeat_ms) {
            let deadline = self.now.saturating_add(hb.min(i64::MAX as u64) as i64);
            self.add_timer(deadline, TimerKind::Heartbeat { task: id, deadline });
        }
        Ok(())
    }

    /// Task tokens waiting for `send_task_*`.
    pub fn pending_tokens(&self) -> Vec<String> {
        let mut v: Vec<(TaskId, String)> =
            self.tokens.iter().map(|(k, id)| (*id, k.clone())).collect();
        v.sort();
        v.into_iter().map(|(_, k)| k).collect()
    }

    /// `StopExecution`: aborts the execution.
    pub fn stop(&mut self, error: Option<String>, cause: Option<String>) {
        if self.is_finished() {
            return;
        }
        let top = self.fibers.iter().position(|f| f.is_some());
        let prev = self.history.last().map_or(0, |e| e.id);
        if let Some(f) = top {
            self.abort_fiber(f);
        }
        self.finish(
            Status::Aborted,
            prev,
            EventType::ExecutionAborted,
            Details::Error {
                error: error.clone(),
                cause: cause.clone(),
            },
            None,
            error,
            cause,
        );
    }

    // ----------------------------------------------------------------- internals

    fn token_task(&self, token: &str) -> Result<TaskId, Error> {
        self.tokens.get(token).copied().ok_or_else(|| {
            Error::NotFound(
                "Invalid Token: the task token does not exist or has already been answered".into(),
            )
        })
    }

    fn task_label(&self, id: TaskId) -> (String, String) {
        match self.tasks.get(&id) {
            Some(t) => {
                let st = self.sm.state(t.state);
                let res = match &st.kind {
                    Kind::Task { resource, .. } => resource.to_string(),
                    _ => String::new(),
                };
                (st.name.to_string(), res)
            }
            None => (String::new(), String::new()),
        }
    }

    /// The service's variable limits: 256 KiB per variable and per `Assign`.
    fn check_variable_sizes(&self, vars: &Map<String, Value>) -> Result<(), String> {
        const LIMIT: usize = 262_144;
        // Cheap upper bound first: nearly every Assign is far below the limits.
        let bound: usize = vars
            .values()
            .map(|v| size_upper_bound(v, LIMIT + 1))
            .fold(0usize, usize::saturating_add);
        if bound <= LIMIT {
            return Ok(());
        }
        let mut total = 0usize;
        for (name, v) in vars {
            let size = serde_json::to_string(v).map(|t| t.len()).unwrap_or(0);
            if size > LIMIT {
                return Err(format!(
                    "The variable '{name}' is larger than the maximum size of 256 KiB."
                ));
            }
            total += size;
        }
        if total > LIMIT {
            return Err(
                "The variables assigned by the state are larger than the maximum total size of 256 KiB."
                    .into(),
            );
        }
        Ok(())
    }

    /// The time `secs` seconds from now (saturating).
    fn at_seconds(&self, secs: u64) -> Millis {
        let ms = secs.saturating_mul(1000).min(i64::MAX as u64) as i64;
        self.now.saturating_add(ms)
    }

    fn add_timer(&mut self, at: Millis, kind: TimerKind) {
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, kind)));
    }

    fn new_fiber(
        &mut self,
        state: StateId,
        input: Payload,
        prev: u64,
        parent: Option<(GroupId, usize)>,
        vars: Arc<VarScope>,
    ) -> FiberId {
        let f = Fiber {
            state,
            input: input.into(),
            effective: None,
            phase: Phase::Enter,
            wake: None,
            prev,
            entered_id: 0,
            entered_prev: 0,
            entered_time: self.now,
            retry_counts: Vec::new(),
            retries: 0,
            parent,
            vars,
            pending_vars: None,
            inspection: None,
            silent: false,
            generation: 0,
        };
        self.fibers.push(Some(f));
        self.fibers.len() - 1
    }

    fn fiber(&mut self, fid: FiberId) -> &mut Fiber {
        self.fibers[fid].as_mut().expect("live fiber")
    }

    fn live(&self, fid: FiberId) -> bool {
        matches!(self.fibers.get(fid), Some(Some(f)) if !matches!(f.phase, Phase::Finished))
    }

    /// Records an event and returns its id (0 once the execution has ended).
    fn emit(&mut self, prev: u64, event_type: EventType, details: Details) -> u64 {
        if self.is_finished() {
            return 0;
        }
        if self.silent {
            return prev;
        }
        let max = self.opts.limits.max_history_events;
        let terminal = matches!(
            event_type,
            EventType::ExecutionFailed
                | EventType::ExecutionSucceeded
                | EventType::ExecutionAborted
                | EventType::ExecutionTimedOut
        );
        if max > 0 && self.history.len() + 1 >= max && !terminal {
            let cause =
                format!("The execution reached the maximum number of history events ({max}).");
            let prev = self.history.last().map_or(0, |e| e.id);
            self.finish(
                Status::Failed,
                prev,
                EventType::ExecutionFailed,
                Details::Error {
                    error: Some(error::RUNTIME.into()),
                    cause: Some(cause.clone()),
                },
                None,
                Some(error::RUNTIME.into()),
                Some(cause),
            );
            return 0;
        }
        let id = self.history.len() as u64 + 1;
        self.history.push(HistoryEvent {
            id,
            previous_event_id: prev,
            timestamp: self.now,
            event_type,
            details,
        });
        id
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        status: Status,
        prev: u64,
        event_type: EventType,
        details: Details,
        output: Option<Payload>,
        error: Option<String>,
        cause: Option<String>,
    ) {
        let id = self.history.len() as u64 + 1;
        self.history.push(HistoryEvent {
            id,
            previous_event_id: prev,
            timestamp: self.now,
            event_type,
            details,
        });
        self.outcome = Outcome {
            status,
            output,
            error,
            cause,
        };
        self.ready.clear();
        self.timers.clear();
        self.tokens.clear();
        self.tasks.clear();
        self.outbox.clear();
    }

    fn fire(&mut self, kind: TimerKind) {
        match kind {
            TimerKind::Wake { fiber, generation } => {
                if let Some(Some(f)) = self.fibers.get_mut(fiber) {
                    if f.generation == generation {
                        f.wake = Some(Wake::Timer);
                        self.ready.push_back(fiber);
                    }
                }
            }
            TimerKind::TaskAnswer { task } => {
                if let Some(resp) = self.task_answers.remove(&task) {
                    let _ = self.complete_task(task, resp);
                }
            }
            TimerKind::TaskTimeout { task } => {
                if self.tasks.contains_key(&task) {
                    self.task_timed_out(task);
                }
            }
            TimerKind::Heartbeat { task, deadline } => {
                // Only the latest heartbeat deadline counts.
                let latest = self.timers.iter().any(|Reverse((_, _, k))| {
                    matches!(k, TimerKind::Heartbeat { task: t, deadline: d } if *t == task && *d > deadline)
                });
                if !latest && self.tasks.contains_key(&task) {
                    self.task_timed_out(task);
                }
            }
            TimerKind::ExecutionTimeout => {
                let prev = self.history.last().map_or(0, |e| e.id);
                if let Some(f) = self.fibers.iter().position(|f| f.is_some()) {
                    self.abort_fiber(f);
                }
                self.finish(
                    Status::TimedOut,
                    prev,
                    EventType::ExecutionTimedOut,
                    Details::Error {
                        error: Some(error::TIMEOUT.into()),
                        cause: None,
                    },
                    None,
                    Some(error::TIMEOUT.into()),
                    None,
                );
            }
        }
    }

    fn env<'a>(&'a self, fid: FiberId, input: &'a Value) -> Env<'a> {
        let f = self.fibers[fid].as_ref().expect("live fiber");
        Env {
            input,
            vars: &f.vars,
            ctx: OnceCell::new(),
            exec: self,
            state: f.state,
            entered_time: f.entered_time,
            retries: f.retries,
            token: None,
            map_item: None,
        }
    }

    /// `An error occurred while executing the state 'X' (entered at the event id #N). …`
    fn runtime(&self, fid: FiberId, detail: impl AsRef<str>) -> StateError {
        let f = self.fibers[fid].as_ref().expect("live fiber");
        StateError::runtime(format!(
            "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
            self.sm.state(f.state).name,
            f.entered_id,
            detail.as_ref()
        ))
    }

    fn prefix_runtime(&self, fid: FiberId, e: StateError) -> StateError {
        if e.error == error::RUNTIME {
            self.runtime(fid, e.cause.unwrap_or_default())
        } else {
            e
        }
    }

    /// InputPath/OutputPath without copying when the path selects a node in place.
    fn io_path_ref<'a>(
        &self,
        fid: FiberId,
        p: &IoPath,
        v: &'a Value,
    ) -> Result<std::borrow::Cow<'a, Value>, StateError> {
        use std::borrow::Cow;
        match p {
            IoPath::Identity => Ok(Cow::Borrowed(v)),
            IoPath::Null => Ok(Cow::Owned(json!({}))),
            IoPath::Path(path) => {
                let found = if matches!(path.root(), crate::path::Root::Input) {
                    path.find_in(v)
                } else {
                    // `$$` and `$var` paths need the full roots.
                    let env = self.env(fid, v);
                    path.find(&env).map(|r| Cow::Owned(r.into_owned()))
                };
                found.map_err(|miss| {
                    self.runtime(
                        fid,
                        format!("Invalid path '{}' : {}", path.as_str(), miss.detail),
                    )
                })
            }
        }
    }

    fn apply_io_path(&self, fid: FiberId, p: &IoPath, v: Value) -> Result<Value, StateError> {
        match p {
            IoPath::Identity => Ok(v),
            IoPath::Null => Ok(json!({})),
            IoPath::Path(path) => {
                let env = self.env(fid, &v);
                match path.find(&env) {
                    Ok(r) => Ok(r.into_owned()),
                    Err(miss) => Err(self.runtime(
                        fid,
                        format!("Invalid path '{}' : {}", path.as_str(), miss.detail),
                    )),
                }
            }
        }
    }

    fn eval_template(
        &mut self,
        fid: FiberId,
        t: &Template,
        input: &Value,
        map_item: Option<(usize, &Value)>,
        token: Option<&str>,
    ) -> Result<Value, StateError> {
        let mut rng = std::mem::replace(&mut self.rng, Rng::new(0));
        let result = {
            let mut env = self.env(fid, input);
            env.map_item = map_item;
            env.token = token;
            t.eval(&env, &mut rng)
        };
        self.rng = rng;
        result.map_err(|e| self.prefix_runtime(fid, e))
    }

    /// Evaluates an `Assign` template into the variables to set (not yet applied).
    fn eval_assign(
        &mut self,
        fid: FiberId,
        a: Option<&Assign>,
        input: &Value,
    ) -> Result<Option<Map<String, Value>>, StateError> {
        match a {
            None => Ok(None),
            Some(Assign::Path(t)) => match self.eval_template(fid, t, input, None, None)? {
                Value::Object(m) => Ok(Some(m)),
                _ => Ok(None),
            },
            Some(Assign::Ata(_)) => self.ata_assign(fid, a, &ata::AtaInputs::input(input)),
        }
    }

    fn activate(&mut self, fid: FiberId) {
        if !self.live(fid) {
            return;
        }
        self.silent = self.fiber(fid).silent;
        let (phase_enter, wake) = {
            let f = self.fiber(fid);
            (matches!(f.phase, Phase::Enter), f.wake.take())
        };
        if phase_enter {
            self.enter_state(fid);
            return;
        }
        let Some(wake) = wake else { return };
        let state = self.fiber(fid).state;
        let st = self.sm.clone();
        let st = st.state(state);
        match (&st.kind, wake) {
            (Kind::Task { .. }, Wake::TaskDone(r)) => self.after_task(fid, r.map(Produced::Shared)),
            (Kind::Task { .. }, Wake::Timer) if self.count_transition(fid) => self.run_task(fid),
            (Kind::Wait(_), Wake::Timer) => {
                let out = self
                    .fiber(fid)
                    .effective
                    .take()
                    .map_or_else(|| Arc::new(Value::Null), Recorded::into_payload);
                let next = st.next;
                self.exit_state(fid, out, None, next);
            }
            (Kind::Parallel { .. } | Kind::Map { .. }, Wake::Timer)
                if self.count_transition(fid) =>
            {
                self.start_group(fid)
            }
            (Kind::Parallel { .. } | Kind::Map { .. }, Wake::GroupDone(r)) => match r {
                Ok(results) => self.after_result(fid, Value::Array(results).into()),
                Err(e) => {
                    // A retried Map/Parallel records no *StateFailed event.
                    if self.retrier_for(fid, &e).is_none() {
                        let ty = if matches!(st.kind, Kind::Map { .. }) {
                            EventType::MapStateFailed
                        } else {
                            EventType::ParallelStateFailed
                        };
                        let prev = self.fiber(fid).prev;
                        let id = self.emit(prev, ty, Details::None);
                        if self.is_finished() {
                            return;
                        }
                        self.fiber(fid).prev = id;
                    }
                    self.handle_error(fid, e)
                }
            },
            _ => {}
        }
    }

    /// Counts a transition (or a retry); fails the execution past the limit.
    fn count_transition(&mut self, fid: FiberId) -> bool {
        let limit = self.opts.limits.max_transitions;
        self.transitions += 1;
        if limit > 0 && self.transitions > limit {
            let cause =
                format!("The execution reached the maximum number of state transitions ({limit}).");
            let prev = self.fiber(fid).prev;
            self.silent = false;
            self.fail_execution(prev, StateError::runtime(cause));
            return false;
        }
        true
    }

    fn enter_state(&mut self, fid: FiberId) {
        if !self.count_transition(fid) {
            return;
        }
        let sm = self.sm.clone();
        let (state, input, prev) = {
            let f = self.fiber(fid);
            (f.state, f.input.payload(), f.prev)
        };
        let st = sm.state(state);
        let ty = match st.kind {
            Kind::Pass { .. } => EventType::PassStateEntered,
            Kind::Task { .. } => EventType::TaskStateEntered,
            Kind::Choice { .. } => EventType::ChoiceStateEntered,
            Kind::Wait(_) => EventType::WaitStateEntered,
            Kind::Succeed => EventType::SucceedStateEntered,
            Kind::Fail { .. } => EventType::FailStateEntered,
            Kind::Parallel { .. } => EventType::ParallelStateEntered,
            Kind::Map { .. } => EventType::MapStateEntered,
        };
        // The first state of the execution points back to event 0.
        let entered_prev = if self.history.len() == 1 { 0 } else { prev };
        let id = self.emit(
            entered_prev,
            ty,
            Details::StateEntered {
                name: st.name.clone(),
                input: input.clone().into(),
            },
        );
        if self.is_finished() {
            return;
        }
        let now = self.now;
        let initial_retries = self
            .single
            .as_ref()
            .and_then(|s| s.retrier_retry_count)
            .unwrap_or(0);
        {
            let f = self.fiber(fid);
            f.prev = id;
            f.entered_id = id;
            f.entered_prev = entered_prev;
            f.entered_time = now;
            let initial = if f.parent.is_none() {
                initial_retries
            } else {
                0
            };
            f.retry_counts = vec![initial; st.retry.len()];
            f.retries = 0;
            f.generation += 1;
            f.effective = None;
        }
        self.inspect_enter(fid, id, &input);
        let result = self.state_body(fid, st, &input);
        // Let go of the input first, so that a `ResultPath` merge may change it in place.
        drop(input);
        match result {
            Ok(Some(produced)) => self.after_result(fid, produced),
            Ok(None) => {}
            Err(e) => self.handle_error(fid, e),
        }
    }

    /// Runs a state after its Entered event. Errors go through Retry/Catch.
    /// A Pass state's result comes back (`Some`) for the caller to process once it has
    /// let go of the input.
    fn state_body(
        &mut self,
        fid: FiberId,
        st: &State,
        input: &Payload,
    ) -> Result<Option<Produced>, StateError> {
        if st.query_language == QueryLanguage::JsonAta {
            return self.ata_state_body(fid, st, input).map(|()| None);
        }
        if let Kind::Fail { error, cause } = &st.kind {
            let e = self.fail_field(fid, error, "ErrorPath", input)?;
            let c = self.fail_field(fid, cause, "CausePath", input)?;
            let prev = self.fiber(fid).prev;
            self.fiber_failed(
                fid,
                StateError {
                    error: e.unwrap_or_default(),
                    cause: c,
                },
                prev,
                true,
            );
            return Ok(None);
        }
        let after_input = self.io_path_ref(fid, &st.input_path, input)?;
        if self.inspecting() {
            let v = after_input.clone().into_owned();
            self.inspect(fid, |i| i.after_input_path = Some(v));
        }
        // Choice and Succeed pass their input through: share it when no path applies.
        let passthrough =
            |this: &Self, after: std::borrow::Cow<'_, Value>| -> Result<Payload, StateError> {
                match (&st.input_path, &st.output_path, after) {
                    (IoPath::Identity, IoPath::Identity, _) => Ok(input.clone()),
                    (_, op, after) => Ok(Arc::new(this.io_path_ref(fid, op, &after)?.into_owned())),
                }
            };
        match &st.kind {
            Kind::Pass { result } => {
                let effective = match &st.parameters {
                    Some(t) => Some(self.eval_template(fid, t, &after_input, None, None)?),
                    None => None,
                };
                if let Some(v) = effective.as_ref().filter(|_| self.inspecting()) {
                    let v = v.clone();
                    self.inspect(fid, |i| i.after_parameters = Some(v));
                }
                // The result is shared, not copied, when it is `Result` or the whole
                // input.
                Ok(Some(match (result, effective, &st.input_path) {
                    (Some(r), _, _) => Produced::Shared(r.clone()),
                    (None, Some(v), _) => v.into(),
                    (None, None, IoPath::Identity) => Produced::Shared(input.clone()),
                    (None, None, _) => after_input.into_owned().into(),
                }))
            }
            Kind::Succeed => {
                let out = passthrough(self, after_input)?;
                self.exit_state(fid, out, None, None);
                Ok(None)
            }
            Kind::Fail { .. } => Ok(None),
            Kind::Choice { branches, default } => {
                let mut chosen = None;
                for b in branches {
                    let Condition::Rule(rule) = &b.condition else {
                        continue;
                    };
                    let env = self.env(fid, &after_input);
                    let hit = rule.eval(&env).map_err(|e| self.runtime(fid, e.message))?;
                    if hit {
                        chosen = Some((b.next, b.assign.as_ref()));
                        break;
                    }
                }
                let (next, assign) = match chosen {
                    Some(c) => c,
                    None => match default {
                        Some(d) => (*d, st.assign.as_ref()),
                        None => {
                            return Err(StateError::new(
                                error::NO_CHOICE_MATCHED,
                                format!(
                                    "An error occurred while executing the state '{}' (entered at the event id #{}). Failed to transition out of the state. The state does not point to a next state.",
                                    st.name,
                                    self.fiber(fid).entered_id
                                ),
                            ))
                        }
                    },
                };
                let vars = self.eval_assign(fid, assign, &after_input)?;
                let out = passthrough(self, after_input)?;
                self.exit_state(fid, out, vars, Some(next));
                Ok(None)
            }
            Kind::Wait(w) => {
                let until = self.wait_until(fid, w, &after_input)?;
                let vars = self.eval_assign(fid, st.assign.as_ref(), &after_input)?;
                let out = self
                    .io_path_ref(fid, &st.output_path, &after_input)?
                    .into_owned();
                self.start_wait(fid, until, out, vars);
                Ok(None)
            }
            Kind::Task { .. } => {
                // Parameters are evaluated per attempt in `run_task` (they may read
                // `$$.Task.Token` and `$$.State.RetryCount`).
                let effective = share_input(input, after_input);
                self.fiber(fid).effective = Some(effective.into());
                self.run_task(fid);
                Ok(None)
            }
            Kind::Parallel { .. } => {
                let effective = match &st.parameters {
                    Some(t) => Arc::new(self.eval_template(fid, t, &after_input, None, None)?),
                    None => share_input(input, after_input),
                };
                if self.inspecting() {
                    let v = (*effective).clone();
                    self.inspect(fid, |i| i.after_parameters = Some(v));
                }
                self.fiber(fid).effective = Some(effective.into());
                self.start_group(fid);
                Ok(None)
            }
            Kind::Map { .. } => {
                let effective = share_input(input, after_input);
                self.fiber(fid).effective = Some(effective.into());
                self.start_group(fid);
                Ok(None)
            }
        }
    }

    fn fail_field(
        &mut self,
        fid: FiberId,
        f: &FailField,
        field: &str,
        input: &Value,
    ) -> Result<Option<String>, StateError> {
        match f {
            FailField::None => Ok(None),
            FailField::Literal(s) => Ok(Some(s.clone())),
            FailField::Path(p) => {
                let env = self.env(fid, input);
                match p.find(&env) {
                    Ok(v) => Ok(Some(value_text(&v))),
                    Err(_) => Err(self.prefix_runtime(fid, path_not_found(p, field, &env))),
                }
            }
            FailField::Intrinsic(call) => {
                let mut rng = std::mem::replace(&mut self.rng, Rng::new(0));
                let r = {
                    let env = self.env(fid, input);
                    call.eval(&env, &mut rng)
                };
                self.rng = rng;
                match r {
                    Ok(v) => Ok(Some(value_text(&v))),
                    Err(e) => Err(self.prefix_runtime(fid, StateError::new(e.error, e.cause))),
                }
            }
        }
    }

    fn wait_until(&self, fid: FiberId, w: &WaitFor, input: &Value) -> Result<Millis, StateError> {
        let now = self.now;
        match w {
            WaitFor::Seconds(s) => Ok(now.saturating_add((*s as i64).saturating_mul(1000))),
            // Evaluated by the JSONata path.
            WaitFor::Expression => Ok(now),
            WaitFor::Timestamp(t) => Ok(t.millis()),
            WaitFor::SecondsPath(p) => {
                let env = self.env(fid, input);
                let v = p.find(&env).map_err(|_| {
                    self.runtime(
                        fid,
                        format!(
                            "The SecondsPath parameter does not reference an input value: {}",
                            p.as_str()
                        ),
                    )
                })?;
                match as_integer(&v) {
                    Some(n) if n < 0 => Err(self.runtime(
                        fid,
                        format!(
                            "The SecondsPath parameter references a negative value: {} == {}",
                            p.as_str(),
                            v
                        ),
                    )),
                    Some(n) => Ok(now.saturating_add(n.saturating_mul(1000))),
                    None => Err(self.runtime(
                        fid,
                        format!(
                            "The SecondsPath parameter cannot be parsed as a long value: {} == {}",
                            p.as_str(),
                            value_text(&v)
                        ),
                    )),
                }
            }
            WaitFor::TimestampPath(p) => {
                let env = self.env(fid, input);
                let v = p.find(&env).map_err(|_| {
                    self.runtime(
                        fid,
                        format!(
                            "The TimestampPath parameter does not reference an input value: {}",
                            p.as_str()
                        ),
                    )
                })?;
                match v.as_str().and_then(timestamp::parse) {
                    Some(t) => Ok(t.millis()),
                    None => Err(self.runtime(
                        fid,
                        format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                            p.as_str(),
                            value_text(&v)
                        ),
                    )),
                }
            }
        }
    }

    fn check_size(&self, fid: FiberId, v: &Value, name: &str) -> Result<(), StateError> {
        let _ = fid;
        if exceeds_size(v, self.opts.limits.max_payload_bytes) {
            return Err(StateError::new(
                error::DATA_LIMIT,
                format!("The state/task '{name}' returned a result with a size exceeding the maximum number of bytes service limit."),
            ));
        }
        Ok(())
    }

    /// Reads a `NumberSource` (a literal, or a `...Path` into the effective input).
    fn number(
        &self,
        fid: FiberId,
        src: &NumberSource,
        field: &str,
        input: &Value,
        float: bool,
    ) -> Result<f64, StateError> {
        match src {
            NumberSource::Fixed(n) => Ok(*n),
            NumberSource::Path(p) => {
                let env = self.env(fid, input);
                let v = p.find(&env).map_err(|miss| {
                    self.runtime(
                        fid,
                        format!("Invalid path '{}' : {}", p.as_str(), miss.detail),
                    )
                })?;
                // Numeric strings are accepted, as the service parses the text.
                let parsed;
                let v: &Value = match &*v {
                    Value::String(text) => match text.trim().parse::<f64>() {
                        Ok(n) if n.is_finite() => {
                            parsed = json!(n);
                            &parsed
                        }
                        _ => &v,
                    },
                    other => other,
                };
                let n = if float {
                    v.as_f64()
                } else {
                    as_integer(v).map(|i| i as f64)
                };
                n.ok_or_else(|| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    self.runtime(
                        fid,
                        format!(
                            "The {field}Path field refers to value \"{text}\" which is not a valid {}: {}",
                            if float { "float" } else { "integer" },
                            p.as_str()
                        ),
                    )
                })
            }
        }
    }

    // ----------------------------------------------------------------- tasks

    fn run_task(&mut self, fid: FiberId) {
        let sm = self.sm.clone();
        let state = self.fiber(fid).state;
        let st = sm.state(state);
        let Kind::Task {
            resource,
            resource_kind,
            pattern,
            timeout,
            heartbeat,
        } = &st.kind
        else {
            return;
        };
        let after_input = self
            .fiber(fid)
            .effective
            .as_ref()
            .map_or_else(|| Arc::new(Value::Null), Recorded::payload);
        let (ata_timeout, ata_heartbeat) = match self.ata_task_seconds(fid, st, &after_input) {
            Ok(t) => t,
            Err(e) => return self.handle_error(fid, e),
        };
        let timeout_s = match timeout {
            Some(t) => match self.number(fid, t, "TimeoutSeconds", &after_input, false) {
                Ok(n) => Some(n.max(0.0) as u64),
                Err(e) => return self.handle_error(fid, e),
            },
            None => ata_timeout,
        };
        let heartbeat_s = match heartbeat {
            Some(t) => match self.number(fid, t, "HeartbeatSeconds", &after_input, false) {
                Ok(n) => Some(n.max(0.0) as u64),
                Err(e) => return self.handle_error(fid, e),
            },
            None => ata_heartbeat,
        };
        let token = if *pattern == IntegrationPattern::WaitForTaskToken {
            let a = self.rng.uuid_v4().replace('-', "");
            let b = self.rng.uuid_v4().replace('-', "");
            Some(format!("{a}{b}"))
        } else {
            None
        };
        let effective = if st.query_language == QueryLanguage::JsonAta {
            match self.ata_arguments(fid, st, &after_input, token.as_deref()) {
                Ok(v) => v,
                Err(e) => return self.handle_error(fid, e),
            }
        } else {
            match &st.parameters {
                Some(t) => match self.eval_template(fid, t, &after_input, None, token.as_deref()) {
                    Ok(v) => v,
                    Err(e) => return self.handle_error(fid, e),
                },
                None => unshare(after_input),
            }
        };
        if let Err(e) = self.check_size(fid, &effective, &st.name) {
            return self.handle_error(fid, e);
        }
        if let Some(mock) = self.take_single_mock(fid) {
            if self.inspecting() {
                let v = effective.clone();
                let ata = st.query_language == QueryLanguage::JsonAta;
                self.inspect(fid, |i| {
                    if ata {
                        i.after_arguments = Some(v);
                    } else {
                        i.after_parameters = Some(v);
                    }
                });
            }
            return self.after_task(fid, mock.map(Produced::from));
        }
        if self.inspecting() {
            let v = effective.clone();
            let ata = st.query_language == QueryLanguage::JsonAta;
            self.inspect(fid, |i| {
                if ata {
                    i.after_arguments = Some(v);
                } else {
                    i.after_parameters = Some(v);
                }
            });
        }
        let invocation = self.invocations[state];
        self.invocations[state] += 1;
        let id = self.next_task;
        self.next_task += 1;
        let prev = self.fiber(fid).prev;
        // Shared by the `*Scheduled` event and the request.
        let payload: Payload = Arc::new(effective);
        let scheduled = match resource_kind {
            ResourceKind::LambdaArn => {
                let a = self.emit(
                    prev,
                    EventType::LambdaFunctionScheduled,
                    Details::LambdaFunctionScheduled {
                        resource: resource.clone(),
                        input: payload.clone().into(),
                        timeout_in_seconds: timeout_s,
                    },
                );
                self.emit(a, EventType::LambdaFunctionStarted, Details::None)
            }
            ResourceKind::Activity => {
                let a = self.emit(
                    prev,
                    EventType::ActivityScheduled,
                    Details::LambdaFunctionScheduled {
                        resource: resource.clone(),
                        input: payload.clone().into(),
                        timeout_in_seconds: timeout_s,
                    },
                );
                self.emit(a, EventType::ActivityStarted, Details::None)
            }
            ResourceKind::Service {
                resource_type,
                resource: api,
            } => {
                let a = self.emit(
                    prev,
                    EventType::TaskScheduled,
                    Details::TaskScheduled {
                        resource_type: resource_type.clone(),
                        resource: api.clone(),
                        region: self.region.clone(),
                        parameters: payload.clone().into(),
                        timeout_in_seconds: timeout_s,
                        heartbeat_in_seconds: heartbeat_s,
                    },
                );
                self.emit(
                    a,
                    EventType::TaskStarted,
                    Details::Task {
                        resource_type: resource_type.clone(),
                        resource: api.clone(),
                    },
                )
            }
        };
        if self.is_finished() {
            return;
        }
        {
            let f = self.fiber(fid);
            f.prev = scheduled;
            f.phase = Phase::Task;
            f.generation += 1;
        }
        self.tasks.insert(
            id,
            PendingTask {
                fiber: fid,
                state,
                token: token.clone(),
                heartbeat_ms: heartbeat_s.map(|h| h.saturating_mul(1000)),
            },
        );
        if let Some(t) = &token {
            self.tokens.insert(t.clone(), id);
        }
        if let Some(t) = timeout_s {
            self.add_timer(self.at_seconds(t), TimerKind::TaskTimeout { task: id });
        }
        if let Some(h) = heartbeat_s {
            let deadline = self.at_seconds(h);
            self.add_timer(deadline, TimerKind::Heartbeat { task: id, deadline });
        }
        self.outbox.push_back(TaskRequest {
            id,
            state_name: st.name.clone(),
            resource: resource.clone(),
            input: payload,
            invocation,
            task_token: token,
        });
    }

    fn task_timed_out(&mut self, task: TaskId) {
        self.task_result(
            task,
            Err(StateError {
                error: error::TIMEOUT.into(),
                cause: None,
            }),
        );
    }

    /// Records a task's outcome event and wakes its fiber.
    fn task_result(&mut self, task: TaskId, result: Result<Value, StateError>) {
        let Some(t) = self.tasks.remove(&task) else {
            return;
        };
        if let Some(tok) = &t.token {
            self.tokens.remove(tok);
        }
        self.task_answers.remove(&task);
        if !self.live(t.fiber) {
            return;
        }
        let sm = self.sm.clone();
        let st = sm.state(t.state);
        let Kind::Task {
            resource,
            resource_kind,
            ..
        } = &st.kind
        else {
            return;
        };
        // An oversized result is a task failure (catchable, unlike a state output).
        let result = match result {
            Ok(v) if exceeds_size(&v, self.opts.limits.max_payload_bytes) => {
                // The service names the function ARN, or the integration's service.
                let who = match resource_kind {
                    ResourceKind::LambdaArn | ResourceKind::Activity => resource.clone(),
                    ResourceKind::Service { resource_type, .. } => resource_type.clone(),
                };
                Err(StateError::new(
                    error::DATA_LIMIT,
                    format!("The state/task '{who}' returned a result with a size exceeding the maximum number of bytes service limit."),
                ))
            }
            r => r,
        };
        self.silent = self.fiber(t.fiber).silent;
        let prev = self.fiber(t.fiber).prev;
        let timed_out = matches!(&result, Err(e) if e.error == error::TIMEOUT && e.cause.is_none());
        let result = result.map(Arc::new);
        let id = match (resource_kind, &result) {
            (ResourceKind::LambdaArn, Ok(v)) => self.emit(
                prev,
                EventType::LambdaFunctionSucceeded,
                Details::Output {
                    output: v.clone().into(),
                },
            ),
            (ResourceKind::LambdaArn, Err(e)) => self.emit(
                prev,
                if timed_out {
                    EventType::LambdaFunctionTimedOut
                } else {
                    EventType::LambdaFunctionFailed
                },
                Details::Error {
                    error: Some(e.error.clone()),
                    cause: e.cause.clone(),
                },
            ),
            (ResourceKind::Activity, Ok(v)) => self.emit(
                prev,
                EventType::ActivitySucceeded,
                Details::Output {
                    output: v.clone().into(),
                },
            ),
            (ResourceKind::Activity, Err(e)) => self.emit(
                prev,
                if timed_out {
                    EventType::ActivityTimedOut
                } else {
                    EventType::ActivityFailed
                },
                Details::Error {
                    error: Some(e.error.clone()),
                    cause: e.cause.clone(),
                },
            ),
            (
                ResourceKind::Service {
                    resource_type,
                    resource,
                },
                Ok(v),
            ) => self.emit(
                prev,
                EventType::TaskSucceeded,
                Details::TaskOutput {
                    resource_type: resource_type.clone(),
                    resource: resource.clone(),
                    output: v.clone().into(),
                },
            ),
            (
                ResourceKind::Service {
                    resource_type,
                    resource,
                },
                Err(e),
            ) => self.emit(
                prev,
                if timed_out {
                    EventType::TaskTimedOut
                } else {
                    EventType::TaskFailed
                },
                Details::TaskError {
                    resource_type: resource_type.clone(),
                    resource: resource.clone(),
                    error: Some(e.error.clone()),
                    cause: e.cause.clone(),
                },
            ),
        };
        if self.is_finished() {
            return;
        }
        let f = self.fiber(t.fiber);
        f.prev = id;
        f.wake = Some(Wake::TaskDone(result));
        f.generation += 1;
        self.ready.push_back(t.fiber);
    }

    fn after_task(&mut self, fid: FiberId, r: Result<Produced, StateError>) {
        match r {
            Ok(v) => self.after_result(fid, v),
            Err(e) => self.handle_error(fid, e),
        }
    }

    // ----------------------------------------------------------------- results

    /// ResultSelector → (Assign) → ResultPath → OutputPath → Exited → Next.
    fn after_result(&mut self, fid: FiberId, result: Produced) {
        let sm = self.sm.clone();
        let st = sm.state(self.fiber(fid).state);
        if st.query_language == QueryLanguage::JsonAta {
            return self.ata_after_result(fid, st, result);
        }
        match self.process_result(fid, st, result) {
            Ok((out, vars)) => self.exit_state(fid, out, vars, st.next),
            Err(e) => self.handle_error(fid, e),
        }
    }

    fn process_result(
        &mut self,
        fid: FiberId,
        st: &State,
        result: Produced,
    ) -> Result<(Payload, Option<Map<String, Value>>), StateError> {
        let vars = self.eval_assign(fid, st.assign.as_ref(), result.value())?;
        if self.inspecting() {
            let v = result.value().clone();
            self.inspect(fid, |i| i.result = Some(v));
        }
        let selected = match &st.result_selector {
            Some(t) => self
                .eval_template(fid, t, result.value(), None, None)?
                .into(),
            None => result,
        };
        if self.inspecting() && st.result_selector.is_some() {
            let v = selected.value().clone();
            self.inspect(fid, |i| i.after_result_selector = Some(v));
        }
        let raw = self.fiber(fid).input.payload();
        let merged = match &st.result_path {
            // A large input is changed in place rather than copied (see `take_input`).
            // (`set` refuses a path it cannot place, leaving the input as it was.)
            ResultPath::Path(p) if !fewer_nodes_than(&raw, FREEZE_FROM_NODES) => {
                drop(raw);
                let (merged, appended) = match self.take_input(fid) {
                    Ok(doc) => {
                        // `$.name` new to an object appends a member: the text of the
                        // result is the input's text (now known) with that member added.
                        let appended = p
                            .single_member()
                            .filter(|name| doc.as_object().is_some_and(|m| !m.contains_key(*name)));
                        let appended = appended.map(str::to_owned);
                        (p.set(doc, selected.into_value()), appended)
                    }
                    Err(shared) => (p.set_from(&shared, selected.into_value()), None),
                };
                let merged = Arc::new(
                    merged.map_err(|d| StateError::new(error::RESULT_PATH_MATCH_FAILURE, d))?,
                );
                if let (Some(member), Recorded::Text(base)) = (appended, &self.fiber(fid).input) {
                    self.known_text = Some(KnownText {
                        doc: Arc::downgrade(&merged),
                        base: base.clone(),
                        appended: member,
                    });
                }
                merged
            }
            rp => self.apply_result_path(fid, rp, &raw, selected)?,
        };
        if self.inspecting() {
            let v = (*merged).clone();
            self.inspect(fid, |i| i.after_result_path = Some(v));
        }
        let out = match &st.output_path {
            IoPath::Identity => merged,
            op => Arc::new(self.apply_io_path(fid, op, unshare(merged))?),
        };
        Ok((out, vars))
    }

    /// The state input, for a `ResultPath` merge to change in place rather than copy.
    /// The history (and the execution input) may share it: they switch to its JSON
    /// text, which is what the API shows of them anyway, and the fiber keeps that text
    /// for a `Catch` that needs the input as it was. When something else shares it
    /// (the branches of a Parallel, say) it stays shared: `Err`, and the merge copies.
    fn take_input(&mut self, fid: FiberId) -> Result<Value, Payload> {
        let doc = self.fiber(fid).input.payload();
        // Holders besides `doc` itself.
        let mut others = Arc::strong_count(&doc) - 1;
        if self.fiber(fid).input.is(&doc) {
            others -= 1;
        }
        let exec_holds = self.input.is(&doc);
        if exec_holds {
            others -= 1;
        }
        // The effective input (when InputPath selected all of it): kept for retries.
        let effective_holds = self
            .fiber(fid)
            .effective
            .as_ref()
            .is_some_and(|e| e.is(&doc));
        if effective_holds {
            others -= 1;
        }
        // Where the events sharing it are: this state's Entered event, the event the
        // input came from (the previous state's Exited event, ExecutionStarted), and
        // otherwise among the last few events.
        let (entered, came_from) = {
            let f = self.fiber(fid);
            (f.entered_id, f.entered_prev.max(1))
        };
        let Some(text) = self.freeze_in_history(&doc, others, [entered, came_from]) else {
            return Err(doc);
        };
        if exec_holds {
            self.input = Recorded::Text(text.clone());
        }
        let f = self.fiber(fid);
        if effective_holds {
            f.effective = Some(Recorded::Text(text.clone()));
        }
        f.input = Recorded::Text(text);
        Arc::try_unwrap(doc)
    }

    /// Switches the `holders` history events that share `doc` to its JSON text (and
    /// returns it), so that the engine may own `doc`. They are looked for among the
    /// events with the ids in `near`, then among the last few events; when they are
    /// not all found, nothing changes (`None`).
    fn freeze_in_history(
        &mut self,
        doc: &Payload,
        holders: usize,
        near: [u64; 2],
    ) -> Option<Arc<str>> {
        /// How far back the events that share it are looked for.
        const WINDOW: usize = 16;
        let len = self.history.len();
        let candidates = near
            .into_iter()
            .map(|id| (id as usize).wrapping_sub(1))
            .chain((len.saturating_sub(WINDOW)..len).rev());
        let mut found = [0usize; 8];
        let mut n = 0;
        for i in candidates {
            if n == holders || n == found.len() {
                break;
            }
            let shares = self
                .history
                .get_mut(i)
                .and_then(|e| e.details.payload_mut())
                .is_some_and(|r| r.is(doc));
            if shares && !found[..n].contains(&i) {
                found[n] = i;
                n += 1;
            }
        }
        if n != holders {
            return None;
        }
        let text = self.text_of(doc);
        for &i in &found[..n] {
            if let Some(r) = self.history[i].details.payload_mut() {
                *r = Recorded::Text(text.clone());
            }
        }
        Some(text)
    }

    /// The JSON text of `doc`: from `known_text` when it describes `doc`, else written.
    fn text_of(&self, doc: &Payload) -> Arc<str> {
        if let Some(text) = self.known_text.as_ref().and_then(|k| k.text(doc)) {
            return text.into();
        }
        serde_json::to_string(&**doc)
            .unwrap_or_else(|_| "null".into())
            .into()
    }

    fn apply_result_path(
        &self,
        fid: FiberId,
        rp: &ResultPath,
        raw: &Payload,
        result: Produced,
    ) -> Result<Payload, StateError> {
        match rp {
            ResultPath::Replace => Ok(result.into_payload()),
            // The state input goes on unchanged: share it.
            ResultPath::Discard => Ok(raw.clone()),
            ResultPath::Path(p) => match p.set_from(raw, result.into_value()) {
                Ok(v) => Ok(Arc::new(v)),
                Err(detail) => {
                    let _ = fid;
                    Err(StateError::new(error::RESULT_PATH_MATCH_FAILURE, detail))
                }
            },
        }
    }

    /// Emits the Exited event, applies assignments and moves on.
    fn exit_state(
        &mut self,
        fid: FiberId,
        output: Payload,
        vars: Option<Map<String, Value>>,
        next: Option<StateId>,
    ) {
        let sm = self.sm.clone();
        let st = sm.state(self.fiber(fid).state);
        if exceeds_size(&output, self.opts.limits.max_payload_bytes) {
            let e = StateError::new(
                error::DATA_LIMIT,
                format!("The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.", st.name),
            );
            let prev = self.fiber(fid).prev;
            self.fiber_failed(fid, e, prev, false);
            return;
        }
        // An empty `Assign` records nothing.
        let vars = vars
            .or_else(|| self.fiber(fid).pending_vars.take())
            .filter(|m| !m.is_empty());
        if let Some(v) = &vars {
            if let Err(e) = self.check_variable_sizes(v) {
                let prev = self.fiber(fid).prev;
                let e = self.runtime(fid, e);
                self.fiber_failed(fid, e, prev, false);
                return;
            }
        }
        let assigned = vars.as_ref().map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), serde_json::to_string(v).unwrap_or_default()))
                .collect::<Vec<_>>()
        });
        if let Some(v) = vars {
            VarScope::assign(&mut self.fiber(fid).vars, v);
        }
        if self.inspecting() {
            let out = (*output).clone();
            let snapshot = self.fiber(fid).vars.snapshot();
            self.inspect(fid, |i| {
                i.output = Some(out);
                i.variables = Some(snapshot);
            });
        }
        let ty = match st.kind {
            Kind::Pass { .. } => Some(EventType::PassStateExited),
            Kind::Task { .. } => Some(EventType::TaskStateExited),
            Kind::Choice { .. } => Some(EventType::ChoiceStateExited),
            Kind::Wait(_) => Some(EventType::WaitStateExited),
            Kind::Succeed => Some(EventType::SucceedStateExited),
            Kind::Parallel { .. } => Some(EventType::ParallelStateExited),
            Kind::Map { .. } => Some(EventType::MapStateExited),
            Kind::Fail { .. } => None,
        };
        let prev = self.fiber(fid).prev;
        let id = match ty {
            Some(ty) => self.emit(
                prev,
                ty,
                Details::StateExited {
                    name: st.name.clone(),
                    output: output.clone().into(),
                    assigned_variables: assigned,
                },
            ),
            None => prev,
        };
        if self.is_finished() {
            return;
        }
        if self.single.is_some() && self.fiber(fid).parent.is_none() {
            // TestState: the tested state has ended; report where it would go.
            if let Some(single) = self.single.as_mut() {
                single.next_state = next.map(|n| self.sm.state(n).name.to_string());
            }
            self.fiber(fid).prev = id;
            self.finish(
                Status::Succeeded,
                id,
                EventType::ExecutionSucceeded,
                Details::ExecutionSucceeded {
                    output: output.clone().into(),
                },
                Some(output),
                None,
                None,
            );
            return;
        }
        let f = self.fiber(fid);
        f.prev = id;
        f.generation += 1;
        match next {
            Some(n) => {
                f.state = n;
                f.input = output.into();
                f.phase = Phase::Enter;
                self.ready.push_back(fid);
            }
            None => self.fiber_succeeded(fid, output),
        }
    }

    // ----------------------------------------------------------------- errors

    /// Retry, then Catch, then fail the fiber.
    fn handle_error(&mut self, fid: FiberId, e: StateError) {
        if self.is_finished() || !self.live(fid) {
            return;
        }
        let sm = self.sm.clone();
        let st = sm.state(self.fiber(fid).state);
        if e.is_catchable() {
            if let Some(i) = self.retrier_for(fid, &e) {
                let r = &st.retry[i];
                if self.single.is_some() && self.fiber(fid).parent.is_none() {
                    // TestState reports that the error would be retried.
                    let attempts = self.fiber(fid).retry_counts.get(i).copied().unwrap_or(0);
                    let delay = (r.interval_seconds * r.backoff_rate.powi(attempts as i32))
                        .min(r.max_delay_seconds.unwrap_or(f64::INFINITY));
                    self.inspect(fid, |insp| {
                        insp.error_details = Some(inspect::ErrorDetails {
                            retry_index: Some(i),
                            retry_backoff_interval_seconds: Some(delay),
                            catch_index: None,
                        })
                    });
                    if let Some(single) = self.single.as_mut() {
                        single.retriable = true;
                    }
                    let prev = self.fiber(fid).prev;
                    return self.fail_execution(prev, e);
                }
                let attempts = self.fiber(fid).retry_counts.get(i).copied().unwrap_or(0);
                {
                    let mut delay = r.interval_seconds * r.backoff_rate.powi(attempts as i32);
                    if let Some(m) = r.max_delay_seconds {
                        delay = delay.min(m);
                    }
                    if r.jitter_full {
                        delay *= self.rng.next_f64();
                    }
                    let delay_ms = (delay * 1000.0).clamp(0.0, 1e15) as i64;
                    self.inspect(fid, |insp| {
                        insp.error_details = Some(inspect::ErrorDetails {
                            retry_index: Some(i),
                            retry_backoff_interval_seconds: Some(delay),
                            catch_index: None,
                        })
                    });
                    let generation = {
                        let f = self.fiber(fid);
                        if let Some(c) = f.retry_counts.get_mut(i) {
                            *c += 1;
                        }
                        f.retries += 1;
                        f.phase = Phase::Backoff;
                        f.generation += 1;
                        f.generation
                    };
                    self.add_timer(
                        self.now.saturating_add(delay_ms),
                        TimerKind::Wake {
                            fiber: fid,
                            generation,
                        },
                    );
                    return;
                }
            }
            if let Some((ci, c)) = st
                .catch
                .iter()
                .enumerate()
                .find(|(_, c)| e.matches(&c.errors))
            {
                if let Some(single) = self.single.as_mut() {
                    single.caught = Some(e.clone());
                }
                self.inspect(fid, |insp| {
                    insp.error_details = Some(inspect::ErrorDetails {
                        catch_index: Some(ci),
                        ..Default::default()
                    })
                });
                let err_out = error_output(&e);
                if st.query_language == QueryLanguage::JsonAta {
                    match self.ata_catch(fid, c, err_out) {
                        Ok((out, vars)) => self.exit_state(fid, Arc::new(out), vars, Some(c.next)),
                        Err(e2) => {
                            let prev = self.fiber(fid).prev;
                            self.fiber_failed(fid, e2, prev, false);
                        }
                    }
                    return;
                }
                let raw = self.fiber(fid).input.payload();
                let vars = match self.eval_assign(fid, c.assign.as_ref(), &err_out) {
                    Ok(v) => v,
                    Err(e2) => {
                        let prev = self.fiber(fid).prev;
                        return self.fiber_failed(fid, e2, prev, false);
                    }
                };
                match self.apply_result_path(fid, &c.result_path, &raw, err_out.into()) {
                    Ok(out) => {
                        let next = c.next;
                        self.exit_state(fid, out, vars, Some(next));
                    }
                    Err(e2) => {
                        let prev = self.fiber(fid).prev;
                        self.fiber_failed(fid, e2, prev, false);
                    }
                }
                return;
            }
        }
        let prev = self.fiber(fid).prev;
        self.fiber_failed(fid, e, prev, false);
    }

    /// The retrier that will retry this error now, if any.
    fn retrier_for(&self, fid: FiberId, e: &StateError) -> Option<usize> {
        if !e.is_catchable() {
            return None;
        }
        let f = self.fibers.get(fid)?.as_ref()?;
        let st = self.sm.state(f.state);
        let (i, r) = st
            .retry
            .iter()
            .enumerate()
            .find(|(_, r)| e.matches(&r.errors))?;
        let attempts = f.retry_counts.get(i).copied().unwrap_or(0);
        (attempts < r.max_attempts).then_some(i)
    }

    fn fail_execution(&mut self, prev: u64, e: StateError) {
        self.finish(
            Status::Failed,
            prev,
            EventType::ExecutionFailed,
            Details::Error {
                error: Some(e.error.clone()).filter(|s| !s.is_empty()),
                cause: e.cause.clone(),
            },
            None,
            Some(e.error).filter(|s| !s.is_empty()),
            e.cause,
        );
    }

    // ----------------------------------------------------------------- fibers

    fn fiber_succeeded(&mut self, fid: FiberId, output: Payload) {
        let (parent, prev) = {
            let f = self.fiber(fid);
            f.phase = Phase::Finished;
            (f.parent, f.prev)
        };
        match parent {
            None => {
                self.finish(
                    Status::Succeeded,
                    prev,
                    EventType::ExecutionSucceeded,
                    Details::ExecutionSucceeded {
                        output: output.clone().into(),
                    },
                    Some(output),
                    None,
                    None,
                );
            }
            Some((gid, index)) => {
                self.fibers[fid] = None;
                self.child_succeeded(gid, index, fid, unshare(output), prev);
            }
        }
    }

    /// A fiber ends with an error nothing caught (or a Fail state).
    fn fiber_failed(&mut self, fid: FiberId, e: StateError, prev: u64, from_fail_state: bool) {
        let (parent, state) = {
            let f = self.fiber(fid);
            f.phase = Phase::Finished;
            (f.parent, f.state)
        };
        match parent {
            None => self.fail_execution(prev, e),
            Some((gid, index)) => {
                // As recorded: a Parallel branch that fails in a Task (Wait, Map,
                // Parallel) state also reports that state aborted.
                let in_parallel = self.groups[gid].as_ref().is_some_and(|g| !g.is_map);
                let aborted = match self.sm.state(state).kind {
                    Kind::Task { .. } => Some(EventType::TaskStateAborted),
                    Kind::Wait(_) => Some(EventType::WaitStateAborted),
                    Kind::Map { .. } => Some(EventType::MapStateAborted),
                    Kind::Parallel { .. } => Some(EventType::ParallelStateAborted),
                    _ => None,
                };
                if let (true, false, Some(ty)) = (in_parallel, from_fail_state, aborted) {
                    self.silent = self.fiber(fid).silent;
                    self.emit(prev, ty, Details::None);
                }
                self.fibers[fid] = None;
                self.child_failed(gid, index, fid, e, prev);
            }
        }
    }

    /// Aborts a fiber and everything under it, recording `*StateAborted` events for
    /// states that were in progress.
    fn abort_fiber(&mut self, fid: FiberId) {
        let Some(Some(f)) = self.fibers.get(fid) else {
            return;
        };
        let state = f.state;
        let prev = f.prev;
        self.silent = f.silent;
        let aborted = match &f.phase {
            Phase::Enter | Phase::Finished => None,
            Phase::Group(g) => Some(Some(*g)),
            _ => Some(None),
        };
        if let Some(group) = aborted {
            if let Some(g) = group {
                let running = self.groups[g]
                    .as_ref()
                    .map(|g| g.running.clone())
                    .unwrap_or_default();
                let is_map = self.groups[g].as_ref().is_some_and(|g| g.is_map);
                for child in running {
                    let index = self.fibers[child]
                        .as_ref()
                        .and_then(|c| c.parent)
                        .map(|p| p.1);
                    self.abort_fiber(child);
                    if is_map {
                        if let Some(index) = index {
                            let name = self.sm.state(state).name.clone();
                            self.emit(
                                prev,
                                EventType::MapIterationAborted,
                                Details::MapIteration { name, index },
                            );
                        }
                    }
                }
                if let Some(gr) = self.groups[g].as_mut() {
                    gr.finished = true;
                    gr.running.clear();
                }
            }
            let ty = match self.sm.state(state).kind {
                Kind::Task { .. } => Some(EventType::TaskStateAborted),
                Kind::Wait(_) => Some(EventType::WaitStateAborted),
                Kind::Parallel { .. } => Some(EventType::ParallelStateAborted),
                Kind::Map { .. } => Some(EventType::MapStateAborted),
                _ => None,
            };
            if let Some(ty) = ty {
                self.emit(prev, ty, Details::None);
            }
        }
        // Cancel its tasks.
        let tasks: Vec<TaskId> = self
            .tasks
            .iter()
            .filter(|(_, t)| t.fiber == fid)
            .map(|(id, _)| *id)
            .collect();
        for t in tasks {
            if let Some(pt) = self.tasks.remove(&t) {
                if let Some(tok) = pt.token {
                    self.tokens.remove(&tok);
                }
            }
        }
        if let Some(Some(f)) = self.fibers.get_mut(fid) {
            f.phase = Phase::Finished;
            f.generation += 1;
        }
        self.fibers[fid] = None;
    }

    // ----------------------------------------------------------------- groups

    /// Puts a Wait state to sleep until `until`; its output and assignments are kept
    /// for the Exited event.
    fn start_wait(
        &mut self,
        fid: FiberId,
        until: Millis,
        out: Value,
        vars: Option<Map<String, Value>>,
    ) {
        let generation = {
            let f = self.fiber(fid);
            f.pending_vars = vars;
            f.effective = Some(Recorded::from(out));
            f.phase = Phase::Waiting;
            f.generation += 1;
            f.generation
        };
        self.add_timer(
            until.max(self.now),
            TimerKind::Wake {
                fiber: fid,
                generation,
            },
        );
    }

    /// TestState's mocked result for the tested (top-level) state.
    fn take_single_mock(&mut self, fid: FiberId) -> Option<Result<Value, StateError>> {
        if self.fiber(fid).parent.is_some() {
            return None;
        }
        self.single.as_mut().and_then(|s| s.mock.take())
    }

    fn start_group(&mut self, fid: FiberId) {
        if let Some(mock) = self.take_single_mock(fid) {
            return match mock {
                Ok(v) => self.after_result(fid, v.into()),
                Err(e) => self.handle_error(fid, e),
            };
        }
        let sm = self.sm.clone();
        let state = self.fiber(fid).state;
        let st = sm.state(state);
        let effective = self
            .fiber(fid)
            .effective
            .as_ref()
            .map_or_else(|| Arc::new(Value::Null), Recorded::payload);
        let prev = self.fiber(fid).prev;
        let vars = self.fiber(fid).vars.clone();
        match &st.kind {
            Kind::Parallel { branches } => {
                let started = self.emit(prev, EventType::ParallelStateStarted, Details::None);
                if self.is_finished() {
                    return;
                }
                let gid = self.groups.len();
                self.groups.push(Some(Group {
                    parent: fid,
                    state,
                    is_map: false,
                    results: vec![None; branches.len()],
                    remaining: branches.len(),
                    queue: VecDeque::new(),
                    items: Vec::new(),
                    map_input: Arc::new(Value::Null),
                    running: Vec::new(),
                    concurrency: 0,
                    failures: 0,
                    tolerated_count: None,
                    tolerated_percentage: None,
                    cursor: started,
                    last_success_event: started,
                    map_run: 0,
                    finished: false,
                }));
                {
                    let f = self.fiber(fid);
                    f.prev = started;
                    f.phase = Phase::Group(gid);
                    f.generation += 1;
                }
                let input: Payload = effective;
                for (i, scope) in branches.iter().enumerate() {
                    let start = sm.scopes[*scope].start;
                    let child = self.new_fiber(
                        start,
                        input.clone(),
                        started,
                        Some((gid, i)),
                        VarScope::child(&vars),
                    );
                    if let Some(g) = self.groups[gid].as_mut() {
                        g.running.push(child);
                    }
                    self.ready.push_back(child);
                }
                if branches.is_empty() {
                    self.group_done(gid, Ok(Vec::new()));
                }
            }
            Kind::Map {
                items_path,
                max_concurrency,
                tolerated_failure_count,
                tolerated_failure_percentage,
                ..
            } => {
                let setup = if st.query_language == QueryLanguage::JsonAta {
                    self.ata_map_setup(fid, st, &effective)
                } else {
                    (|| -> Result<MapSetup, StateError> {
                        let items = match items_path {
                            None => (*effective).clone(),
                            Some(p) => {
                                let env = self.env(fid, &effective);
                                p.find(&env)
                                    .map_err(|miss| {
                                        self.runtime(
                                            fid,
                                            format!(
                                                "Invalid path '{}' : {}",
                                                p.as_str(),
                                                miss.detail
                                            ),
                                        )
                                    })?
                                    .into_owned()
                            }
                        };
                        let items = match items {
                            Value::Array(a) => a,
                            other => {
                                return Err(self.runtime(
                                    fid,
                                    format!(
                                        "Map state input must be an array but was: {}",
                                        serde_json::to_string(&other).unwrap_or_default()
                                    ),
                                ))
                            }
                        };
                        let mc = match max_concurrency {
                            Some(src) => {
                                self.number(fid, src, "MaxConcurrency", &effective, false)?
                            }
                            None => 0.0,
                        };
                        let tc = match tolerated_failure_count {
                            Some(src) => {
                                let n = self.number(
                                    fid,
                                    src,
                                    "ToleratedFailureCount",
                                    &effective,
                                    false,
                                )?;
                                if n < 0.0 {
                                    return Err(self.runtime(
                                        fid,
                                        "ToleratedFailureCount cannot be negative.",
                                    ));
                                }
                                Some(n as u64)
                            }
                            None => None,
                        };
                        let tp = match tolerated_failure_percentage {
                            Some(src) => {
                                let n = self.number(
                                    fid,
                                    src,
                                    "ToleratedFailurePercentage",
                                    &effective,
                                    true,
                                )?;
                                if !(0.0..=100.0).contains(&n) {
                                    return Err(self.runtime(
                                        fid,
                                        "ToleratedFailurePercentage must be between 0 and 100.",
                                    ));
                                }
                                Some(n)
                            }
                            None => None,
                        };
                        Ok((items, mc.max(0.0) as usize, tc, tp))
                    })()
                };
                let (items, mc, tc, tp) = match setup {
                    Ok(s) => s,
                    Err(e) => {
                        // A catchable failure of the Map itself (a JSONata Items
                        // error) is a MapStateFailed; States.Runtime is not.
                        if e.is_catchable() && self.retrier_for(fid, &e).is_none() {
                            let prev = self.fiber(fid).prev;
                            let id = self.emit(prev, EventType::MapStateFailed, Details::None);
                            if id != 0 {
                                self.fiber(fid).prev = id;
                            }
                        }
                        return self.handle_error(fid, e);
                    }
                };
                if self.inspecting() {
                    let v = Value::Array(items.clone());
                    self.inspect(fid, |i| {
                        i.after_items_path = Some(v);
                        i.after_item_selector = Some(Vec::new());
                        i.max_concurrency = Some(mc as u64);
                        i.tolerated_failure_count = tc;
                        i.tolerated_failure_percentage = tp;
                    });
                }
                let mut started = self.emit(
                    prev,
                    EventType::MapStateStarted,
                    Details::MapStateStarted {
                        length: items.len(),
                    },
                );
                let mut map_run = 0;
                if let Kind::Map {
                    distributed: true,
                    label,
                    ..
                } = &st.kind
                {
                    let id = self.rng.uuid_v4();
                    let label = label.clone().unwrap_or_else(|| id[..8].to_string());
                    let map_run_arn = format!(
                        "arn:aws:states:{}:{}:mapRun:{}/{}:{}",
                        self.opts.region,
                        self.opts.account,
                        self.opts.state_machine_name,
                        label,
                        id
                    );
                    started = self.emit(
                        started,
                        EventType::MapRunStarted,
                        Details::MapRunStarted { map_run_arn },
                    );
                    map_run = started;
                }
                if self.is_finished() {
                    return;
                }
                let cap = self.opts.limits.inline_map_concurrency.max(1);
                let concurrency = if mc == 0 { cap } else { mc.min(cap) };
                let gid = self.groups.len();
                let n = items.len();
                self.groups.push(Some(Group {
                    parent: fid,
                    state,
                    is_map: true,
                    results: vec![None; n],
                    remaining: n,
                    queue: (0..n).collect(),
                    items,
                    map_input: effective,
                    running: Vec::new(),
                    concurrency,
                    failures: 0,
                    tolerated_count: tc,
                    tolerated_percentage: tp,
                    cursor: started,
                    last_success_event: started,
                    map_run,
                    finished: false,
                }));
                {
                    let f = self.fiber(fid);
                    f.prev = started;
                    f.phase = Phase::Group(gid);
                    f.generation += 1;
                }
                if n == 0 {
                    self.group_done(gid, Ok(Vec::new()));
                } else {
                    self.fill_map(gid);
                }
            }
            _ => {}
        }
    }

    /// Whether the children of a group run silently (a Distributed Map's child
    /// executions, or anything under a silent fiber).
    fn group_silent(&self, gid: GroupId) -> bool {
        match self.groups.get(gid).and_then(Option::as_ref) {
            Some(g) => {
                g.map_run != 0 || matches!(self.fibers.get(g.parent), Some(Some(f)) if f.silent)
            }
            None => false,
        }
    }

    /// Starts Map iterations up to the concurrency limit.
    fn fill_map(&mut self, gid: GroupId) {
        loop {
            let Some(g) = self.groups[gid].as_mut() else {
                return;
            };
            if g.finished || g.running.len() >= g.concurrency {
                return;
            }
            let Some(index) = g.queue.pop_front() else {
                return;
            };
            let (parent, state, cursor) = (g.parent, g.state, g.cursor);
            // Each index is started once: its item moves into the iteration.
            let item = g.items.get_mut(index).map_or(Value::Null, std::mem::take);
            let map_input = g.map_input.clone();
            let sm = self.sm.clone();
            let st = sm.state(state);
            let Kind::Map {
                processor,
                item_selector,
                ..
            } = &st.kind
            else {
                return;
            };
            let selected = if st.query_language == QueryLanguage::JsonAta {
                self.ata_item(parent, st, &map_input, index, item)
            } else {
                match item_selector {
                    Some(t) => {
                        self.eval_template(parent, t, &map_input, Some((index, &item)), None)
                    }
                    None => Ok(item),
                }
            };
            let input = match selected {
                Ok(v) => v,
                Err(e) => {
                    self.abort_group_children(gid);
                    return self.group_done(gid, Err(e));
                }
            };
            if self.inspecting() {
                let v = input.clone();
                self.inspect(parent, |i| {
                    if let Some(list) = i.after_item_selector.as_mut() {
                        list.push(v);
                    }
                });
            }
            let silent = self.group_silent(gid);
            self.silent = silent;
            let started = self.emit(
                cursor,
                EventType::MapIterationStarted,
                Details::MapIteration {
                    name: st.name.clone(),
                    index,
                },
            );
            if self.is_finished() {
                return;
            }
            // A Distributed Map's iterations are child executions: they cannot read
            // the parent's variables.
            let distributed = self.groups[gid].as_ref().is_some_and(|g| g.map_run != 0);
            let vars = if distributed {
                VarScope::root()
            } else {
                VarScope::child(&self.fiber(parent).vars)
            };
            let start = sm.scopes[*processor].start;
            let child = self.new_fiber(start, Arc::new(input), started, Some((gid, index)), vars);
            self.fiber(child).silent = silent;
            if let Some(g) = self.groups[gid].as_mut() {
                g.running.push(child);
            }
            self.ready.push_back(child);
        }
    }

    fn child_succeeded(
        &mut self,
        gid: GroupId,
        index: usize,
        fid: FiberId,
        output: Value,
        last: u64,
    ) {
        let Some(g) = self.groups[gid].as_mut() else {
            return;
        };
        if g.finished {
            return;
        }
        g.running.retain(|c| *c != fid);
        if let Some(slot) = g.results.get_mut(index) {
            *slot = Some(output);
        }
        g.remaining -= 1;
        let (is_map, state) = (g.is_map, g.state);
        self.silent = self.group_silent(gid);
        if is_map {
            let name = self.sm.state(state).name.clone();
            let ev = self.emit(
                last,
                EventType::MapIterationSucceeded,
                Details::MapIteration { name, index },
            );
            if let Some(g) = self.groups[gid].as_mut() {
                g.cursor = last;
                g.last_success_event = ev;
            }
        } else if let Some(g) = self.groups[gid].as_mut() {
            g.cursor = last;
            g.last_success_event = last;
        }
        self.after_child(gid);
    }

    fn child_failed(&mut self, gid: GroupId, index: usize, fid: FiberId, e: StateError, last: u64) {
        let Some(g) = self.groups[gid].as_mut() else {
            return;
        };
        if g.finished {
            return;
        }
        g.running.retain(|c| *c != fid);
        g.remaining -= 1;
        g.failures += 1;
        let (is_map, state) = (g.is_map, g.state);
        self.silent = self.group_silent(gid);
        if is_map {
            let name = self.sm.state(state).name.clone();
            self.emit(
                last,
                EventType::MapIterationFailed,
                Details::MapIteration { name, index },
            );
        }
        let Some(g) = self.groups[gid].as_mut() else {
            return;
        };
        g.cursor = last;
        let tolerated = is_map
            && e.is_catchable()
            && (g.tolerated_count.is_some() || g.tolerated_percentage.is_some())
            && {
                let total = g.results.len().max(1) as f64;
                let by_count = g.tolerated_count.is_some_and(|c| g.failures as u64 <= c);
                let by_pct = g
                    .tolerated_percentage
                    .is_some_and(|p| (g.failures as f64) * 100.0 / total <= p);
                by_count || by_pct
            };
        if tolerated {
            if let Some(slot) = g.results.get_mut(index) {
                *slot = Some(error_output(&e));
            }
            g.last_success_event = last;
            self.after_child(gid);
            return;
        }
        let e = if is_map
            && (g.tolerated_count.is_some() || g.tolerated_percentage.is_some())
            && e.is_catchable()
        {
            StateError::new(
                "States.ExceedToleratedFailureThreshold",
                "The specified tolerated failure threshold was exceeded",
            )
        } else {
            e
        };
        self.abort_group_children(gid);
        let parent = self.groups[gid].as_ref().map(|g| g.parent);
        if let Some(p) = parent {
            if let Some(Some(f)) = self.fibers.get_mut(p) {
                f.prev = last;
            }
        }
        self.group_done(gid, Err(e));
    }

    fn abort_group_children(&mut self, gid: GroupId) {
        let running = match self.groups[gid].as_mut() {
            Some(g) => std::mem::take(&mut g.running),
            None => return,
        };
        let (is_map, state) = match self.groups[gid].as_ref() {
            Some(g) => (g.is_map, g.state),
            None => return,
        };
        for child in running {
            let info = self.fibers[child]
                .as_ref()
                .map(|c| (c.parent.map(|p| p.1), c.prev));
            self.abort_fiber(child);
            if is_map {
                if let Some((Some(index), prev)) = info {
                    let name = self.sm.state(state).name.clone();
                    self.emit(
                        prev,
                        EventType::MapIterationAborted,
                        Details::MapIteration { name, index },
                    );
                }
            }
        }
    }

    fn after_child(&mut self, gid: GroupId) {
        let Some(g) = self.groups[gid].as_mut() else {
            return;
        };
        if g.remaining == 0 {
            // The group ends here (`group_done` drops it): its results move out.
            let results = std::mem::take(&mut g.results)
                .into_iter()
                .map(|r| r.unwrap_or(Value::Null))
                .collect();
            let parent = g.parent;
            let prev = if g.is_map {
                g.last_success_event
            } else {
                g.cursor
            };
            if let Some(Some(f)) = self.fibers.get_mut(parent) {
                f.prev = prev;
            }
            self.group_done(gid, Ok(results));
        } else if g.is_map {
            self.fill_map(gid);
        }
    }

    fn group_done(&mut self, gid: GroupId, r: Result<Vec<Value>, StateError>) {
        let Some(g) = self.groups[gid].take() else {
            return;
        };
        let parent = g.parent;
        if !self.live(parent) {
            return;
        }
        self.silent = self.fiber(parent).silent;
        if g.map_run != 0 {
            let (ty, details) = match &r {
                Ok(_) => (EventType::MapRunSucceeded, Details::None),
                Err(e) => (
                    EventType::MapRunFailed,
                    Details::Error {
                        error: Some(e.error.clone()),
                        cause: e.cause.clone(),
                    },
                ),
            };
            let id = self.emit(g.map_run, ty, details);
            self.fiber(parent).prev = id;
        }
        if r.is_ok() {
            let ty = if g.is_map {
                EventType::MapStateSucceeded
            } else {
                EventType::ParallelStateSucceeded
            };
            // The state's Exited event points to the same event as the *Succeeded one.
            let prev = self.fiber(parent).prev;
            self.emit(prev, ty, Details::None);
            if self.is_finished() {
                return;
            }
        }
        let f = self.fiber(parent);
        f.wake = Some(Wake::GroupDone(r));
        f.generation += 1;
        self.ready.push_back(parent);
    }
}
