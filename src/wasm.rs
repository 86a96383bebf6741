//! WebAssembly bindings: the small surface the npm package (`pkg/`) drives. The only
//! module that imports wasm-bindgen; compiled for `wasm32` only.
//!
//! Everything crosses the boundary as JSON text (inputs, outputs, options, events), so
//! key order is kept and numbers never turn into JS `Map`s. Every entry point returns
//! a `Result` or a plain value and never panics on bad input; errors are JSON text
//! `{"code": …, "message": …}` that `pkg/lib/errors.js` turns into `Error` subclasses.
//!
//! The JS wrapper runs the loop: `run(budget)` executes ready work (answering mocked
//! tasks and, under the virtual clock, moving time when nothing else can happen), then
//! says what it waits for; the wrapper calls the JS task handlers for the requests it
//! takes, feeds their answers back with `complete`/`fail`, and waits for real time or
//! for promises when the execution is idle.

use crate::execution::{Execution, ExecutionOptions, Inspection, Limits, Pending};
use crate::graph::Graph;
use crate::history::HistoryEvent;
use crate::host::{TaskHandler, TaskRequest, TaskResponse};
use crate::mock::{MockConfig, MockHandler};
use crate::model::StateMachine;
use crate::test_state::{InspectionLevel, Mock as TestMock, TestStateRequest};
use crate::validate::{self, MachineType};
use crate::Error;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;
use wasm_bindgen::prelude::*;

// ------------------------------------------------------------------------ errors

fn error_value(code: &str, message: &str, extra: Option<(&str, Value)>) -> JsValue {
    let mut m = Map::new();
    m.insert("code".into(), Value::String(code.into()));
    m.insert("message".into(), Value::String(message.into()));
    if let Some((k, v)) = extra {
        m.insert(k.into(), v);
    }
    JsValue::from_str(&Value::Object(m).to_string())
}

fn host_error(e: Error) -> JsValue {
    let message = e.to_string();
    match e {
        Error::InvalidDefinition(d) => error_value(
            "INVALID_DEFINITION",
            &message,
            Some((
                "diagnostics",
                serde_json::to_value(d).unwrap_or(Value::Null),
            )),
        ),
        Error::InvalidExecutionInput(_) => error_value("INVALID_EXECUTION_INPUT", &message, None),
        Error::Invalid(_) => error_value("INVALID_ARGUMENT", &message, None),
        Error::NotFound(_) => error_value("NOT_FOUND", &message, None),
    }
}

fn invalid(message: impl AsRef<str>) -> JsValue {
    error_value("INVALID_ARGUMENT", message.as_ref(), None)
}

fn parse_json(text: &str, what: &str) -> Result<Value, JsValue> {
    serde_json::from_str(text).map_err(|e| invalid(format!("{what} is not valid JSON: {e}")))
}

thread_local! {
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Installs a panic hook that keeps the message, so the wrapper can report what went
/// wrong when an engine bug traps (the instance is then replaced).
#[wasm_bindgen(start)]
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        LAST_PANIC.with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                *p = text;
            }
        });
    }));
}

/// The message of the last Rust panic (an engine bug), or an empty string.
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> String {
    LAST_PANIC.with(|p| p.try_borrow().map(|s| s.clone()).unwrap_or_default())
}

/// Panics on purpose, so the package's tests can check that an engine bug leaves
/// everything else usable. Not part of the API.
#[wasm_bindgen(js_name = __statelabPanicForTests)]
pub fn panic_for_tests() {
    panic!("a deliberate panic for the package's tests");
}

/// The crate version.
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    env!("CARGO_PKG_VERSION").into()
}

/// Whether the engine was built with the JSONata query language.
#[wasm_bindgen(js_name = hasJsonata)]
pub fn has_jsonata() -> bool {
    cfg!(feature = "jsonata")
}

// ------------------------------------------------------------------------ validate

/// Validates definition text; returns the diagnostics as a JSON array. `express`
/// validates for an EXPRESS state machine.
#[wasm_bindgen]
pub fn validate(text: &str, express: bool) -> String {
    let options = validate::Options {
        machine_type: if express {
            MachineType::Express
        } else {
            MachineType::Standard
        },
    };
    let (_, diagnostics) = validate::validate_text_with(text, &options);
    serde_json::to_string(&diagnostics).unwrap_or_else(|_| "[]".into())
}

// ------------------------------------------------------------------------ TestState

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TestStateOptions {
    /// A state, a whole state machine (with `stateName`), or either as JSON text.
    definition: Value,
    state_name: Option<String>,
    input: Option<Value>,
    inspection_level: Option<String>,
    variables: Option<Map<String, Value>>,
    mock: Option<TestStateMock>,
    context: Option<Value>,
    retrier_retry_count: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TestStateMock {
    result: Option<Value>,
    error_output: Option<TestStateError>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestStateError {
    error: String,
    cause: Option<String>,
}

/// The TestState API: runs one state (alone, or inside a whole definition) and reports
/// `{status, output?, error?, cause?, nextState?, inspectionData?}` as JSON, payloads
/// as values. Tasks need a `mock` (statelab calls no AWS service).
#[wasm_bindgen(js_name = testState)]
pub fn test_state(request: &str) -> Result<String, JsValue> {
    let o: TestStateOptions = serde_json::from_str(request)
        .map_err(|e| invalid(format!("bad testState request: {e}")))?;
    let definition = match o.definition {
        Value::String(text) => {
            let (doc, diagnostics) = validate::validate_text(&text);
            match doc {
                Some(doc) => doc,
                None => return Err(host_error(Error::InvalidDefinition(diagnostics))),
            }
        }
        v => v,
    };
    let inspection_level = match o.inspection_level.as_deref() {
        None => InspectionLevel::Info,
        Some(l) => InspectionLevel::parse(l).ok_or_else(|| {
            invalid(format!(
                "inspectionLevel must be INFO, DEBUG or TRACE, got {l:?}"
            ))
        })?,
    };
    let mock = match o.mock {
        None => None,
        Some(TestStateMock {
            result: Some(r),
            error_output: None,
        }) => Some(TestMock::Result(r)),
        Some(TestStateMock {
            result: None,
            error_output: Some(e),
        }) => Some(TestMock::Error {
            error: e.error,
            cause: e.cause,
        }),
        Some(_) => return Err(invalid("a mock has either result or errorOutput")),
    };
    let req = TestStateRequest {
        definition,
        state_name: o.state_name,
        input: o.input.unwrap_or_else(|| json!({})),
        inspection_level,
        variables: o.variables,
        mock,
        context: o.context,
        retrier_retry_count: o.retrier_retry_count,
    };
    let r = crate::test_state(&req).map_err(host_error)?;
    let mut m = Map::new();
    m.insert("status".into(), json!(r.status.as_str()));
    if let Some(v) = r.output {
        m.insert("output".into(), v);
    }
    if let Some(e) = r.error {
        m.insert("error".into(), json!(e));
    }
    if let Some(c) = r.cause {
        m.insert("cause".into(), json!(c));
    }
    if let Some(n) = r.next_state {
        m.insert("nextState".into(), json!(n));
    }
    if let Some(i) = &r.inspection_data {
        let mut data = inspection_json(i);
        if let Value::Object(d) = &mut data {
            d.remove("stateName");
            d.remove("enteredEventId");
        }
        m.insert("inspectionData".into(), data);
    }
    Ok(Value::Object(m).to_string())
}

// ------------------------------------------------------------------------ mocks

/// A parsed and checked `MockConfigFile`, shared by many executions.
#[wasm_bindgen]
pub struct WasmMock {
    config: Arc<MockConfig>,
}

#[wasm_bindgen]
impl WasmMock {
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str) -> Result<WasmMock, JsValue> {
        MockConfig::from_text(text)
            .map(|c| WasmMock {
                config: Arc::new(c),
            })
            .map_err(|e| {
                error_value(
                    "INVALID_MOCK_CONFIG",
                    &e.to_string(),
                    Some(("path", Value::String(e.path.clone()))),
                )
            })
    }
}

// ------------------------------------------------------------------------ machines

/// A compiled state machine.
#[wasm_bindgen]
pub struct WasmMachine {
    sm: Arc<StateMachine>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct StartOptions {
    /// The execution input; `{}` when absent.
    #[serde(default = "empty_object")]
    input: Value,
    name: Option<String>,
    state_machine_name: Option<String>,
    region: Option<String>,
    account: Option<String>,
    role_arn: Option<String>,
    seed: Option<u64>,
    start_time: Option<f64>,
    limits: LimitOptions,
    test_case: Option<String>,
    /// State names and resources the JS side has handlers for.
    handlers: Vec<String>,
    /// `true` for the virtual clock (the default), `false` for real time.
    virtual_clock: Option<bool>,
    /// Record each state's data flow (`inspections`).
    inspect: bool,
    /// Variables set before the first state.
    variables: Option<Map<String, Value>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct LimitOptions {
    max_history_events: Option<f64>,
    max_payload_bytes: Option<f64>,
    max_transitions: Option<f64>,
    max_execution_seconds: Option<f64>,
    inline_map_concurrency: Option<f64>,
}

fn empty_object() -> Value {
    json!({})
}

fn count(v: Option<f64>, name: &str, default: u64) -> Result<u64, JsValue> {
    match v {
        None => Ok(default),
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Ok(n as u64),
        Some(n) => Err(invalid(format!(
            "limits.{name} must be a non-negative integer (0 lifts the limit), got {n}"
        ))),
    }
}

#[wasm_bindgen]
impl WasmMachine {
    /// Validates and compiles definition text.
    #[wasm_bindgen(constructor)]
    pub fn new(definition: &str) -> Result<WasmMachine, JsValue> {
        crate::compile_text(definition)
            .map(|sm| WasmMachine { sm })
            .map_err(host_error)
    }

    /// The graph model (see `crate::graph`) as JSON.
    pub fn graph(&self) -> String {
        Graph::of(&self.sm).to_json().to_string()
    }

    /// The definition as compiled (key order kept) as JSON.
    pub fn definition(&self) -> String {
        self.sm.definition.to_string()
    }

    /// Starts an execution. `options` is the JSON of `StartOptions`.
    pub fn start(&self, options: &str) -> Result<WasmExecution, JsValue> {
        self.start_with(options, None)
    }

    /// Starts an execution whose Task states of `options.testCase` `mock` answers.
    #[wasm_bindgen(js_name = startMocked)]
    pub fn start_mocked(&self, options: &str, mock: &WasmMock) -> Result<WasmExecution, JsValue> {
        self.start_with(options, Some(mock))
    }

    /// `start` with the options' JSON as UTF-8 bytes: the wrapper encodes long texts
    /// (a large input) with `TextEncoder`, which is faster than the glue's copy of a
    /// string character by character.
    #[wasm_bindgen(js_name = startUtf8)]
    pub fn start_utf8(&self, options: &[u8]) -> Result<WasmExecution, JsValue> {
        self.start_with(utf8(options, "the start options")?, None)
    }

    /// `startMocked` with the options' JSON as UTF-8 bytes.
    #[wasm_bindgen(js_name = startMockedUtf8)]
    pub fn start_mocked_utf8(
        &self,
        options: &[u8],
        mock: &WasmMock,
    ) -> Result<WasmExecution, JsValue> {
        self.start_with(utf8(options, "the start options")?, Some(mock))
    }
}

fn utf8<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, JsValue> {
    std::str::from_utf8(bytes).map_err(|e| invalid(format!("{what}: not UTF-8: {e}")))
}

impl WasmMachine {
    fn start_with(&self, options: &str, mock: Option<&WasmMock>) -> Result<WasmExecution, JsValue> {
        let o: StartOptions = serde_json::from_str(options)
            .map_err(|e| invalid(format!("bad start options: {e}")))?;
        let defaults = ExecutionOptions::default();
        let limits = Limits {
            max_history_events: count(
                o.limits.max_history_events,
                "maxHistoryEvents",
                defaults.limits.max_history_events as u64,
            )? as usize,
            max_payload_bytes: count(
                o.limits.max_payload_bytes,
                "maxPayloadBytes",
                defaults.limits.max_payload_bytes as u64,
            )? as usize,
            max_transitions: count(
                o.limits.max_transitions,
                "maxTransitions",
                defaults.limits.max_transitions,
            )?,
            max_execution_seconds: count(
                o.limits.max_execution_seconds,
                "maxExecutionSeconds",
                defaults.limits.max_execution_seconds,
            )?,
            inline_map_concurrency: count(
                o.limits.inline_map_concurrency,
                "inlineMapConcurrency",
                defaults.limits.inline_map_concurrency as u64,
            )?
            .max(1) as usize,
        };
        let start_time = match o.start_time {
            None => defaults.start_time,
            Some(t) if t.is_finite() && t.abs() < 8.64e15 => t.floor() as i64,
            Some(t) => return Err(invalid(format!("startTime is out of range: {t}"))),
        };
        let state_machine_name = o
            .state_machine_name
            .clone()
            .unwrap_or_else(|| defaults.state_machine_name.clone());
        let mock = match (mock, &o.test_case) {
            (Some(m), Some(tc)) => Some(mock_for(&m.config, &state_machine_name, tc)?),
            (Some(_), None) => return Err(invalid("a mock config needs a testCase")),
            (None, Some(_)) => return Err(invalid("testCase needs a mock config")),
            (None, None) => None,
        };
        let opts = ExecutionOptions {
            input: o.input,
            name: o.name,
            state_machine_name,
            region: o.region.unwrap_or(defaults.region),
            account: o.account.unwrap_or(defaults.account),
            role_arn: o.role_arn,
            seed: o.seed.unwrap_or(0),
            start_time,
            limits,
            inspect: o.inspect,
            variables: o.variables,
        };
        let ex = Execution::start(self.sm.clone(), opts).map_err(host_error)?;
        Ok(WasmExecution {
            ex,
            mock,
            js_keys: o.handlers.into_iter().collect(),
            virtual_clock: o.virtual_clock.unwrap_or(true),
            js_queue: VecDeque::new(),
            request_slot: [0.0; 6],
            request_text: Vec::new(),
            names: Vec::new(),
            outstanding: HashSet::default(),
            tokens: BTreeMap::new(),
            next_timer: Cell::new(0.0),
        })
    }
}

/// The mock handler for a test case, with the set of states it answers.
fn mock_for(
    config: &MockConfig,
    state_machine_name: &str,
    test_case: &str,
) -> Result<(MockHandler, HashSet<String>), JsValue> {
    let mock_error = |e: crate::mock::MockError| {
        error_value(
            "INVALID_MOCK_CONFIG",
            &e.to_string(),
            Some(("path", Value::String(e.path.clone()))),
        )
    };
    // The entry named like the state machine, else the file's only one.
    let name = if config.state_machines.contains_key(state_machine_name) {
        state_machine_name
    } else {
        config.state_machine_name(None).map_err(mock_error)?
    };
    let handler = config.handler(name, test_case).map_err(mock_error)?;
    let states = config.state_machines[name][test_case]
        .keys()
        .cloned()
        .collect();
    Ok((handler, states))
}

// ------------------------------------------------------------------------ executions

/// `run` results: the low two bits say what the execution waits for.
const RUNNABLE: u32 = 0;
const TIMER: u32 = 1;
const WAITING: u32 = 2;
const DONE: u32 = 3;
/// Set when `nextRequest` has requests for the JS handlers.
const HAS_REQUESTS: u32 = 4;

/// Hashes the engine's own request ids (small sequential integers, never attacker
/// chosen) with one multiplication rather than SipHash.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

struct TokenInfo {
    state_name: Arc<str>,
    resource: Arc<str>,
    input: Arc<Value>,
}

/// A running (or finished) execution.
#[wasm_bindgen]
pub struct WasmExecution {
    ex: Execution,
    mock: Option<(MockHandler, HashSet<String>)>,
    js_keys: HashSet<String>,
    virtual_clock: bool,
    /// Requests for the JS handlers, not taken yet.
    js_queue: VecDeque<TaskRequest>,
    /// The request `nextRequest` took, as JS reads it (see there), and its text.
    request_slot: [f64; 6],
    request_text: Vec<u8>,
    /// `[stateName, resource]` pairs that requests refer to (`nextRequest`).
    names: Vec<(Arc<str>, Arc<str>)>,
    /// Requests given to JS handlers whose answer has not come back.
    outstanding: HashSet<u64, BuildHasherDefault<IdHasher>>,
    /// Task tokens handed out, with what they belong to (pruned lazily).
    tokens: BTreeMap<String, TokenInfo>,
    next_timer: Cell<f64>,
}

#[wasm_bindgen]
impl WasmExecution {
    /// Runs at most `budget` steps of ready work. Returns `RUNNABLE` (budget spent),
    /// `TIMER` (idle until `nextTimer()`), `WAITING` (for handler answers or task
    /// tokens) or `DONE`, plus `HAS_REQUESTS` when JS handlers have work.
    pub fn run(&mut self, budget: u32) -> u32 {
        let mut spent = 0u32;
        loop {
            if spent >= budget {
                return RUNNABLE | self.requests_flag();
            }
            if self.ex.run_one() {
                spent += 1;
                continue;
            }
            // Nothing is ready: answer what the mocks answer, hand the rest to JS.
            if self.route_requests() {
                continue;
            }
            if !self.js_queue.is_empty() {
                return self.code() | HAS_REQUESTS;
            }
            // `Timer`: nothing waits for an outside answer; `External`: tasks wait for
            // JS handlers or task tokens (and a timer may still be set).
            let (next, external) = match self.ex.pending() {
                Pending::Done => return DONE,
                Pending::Timer(t) => (Some(t), false),
                Pending::External { next_timer } => (next_timer, true),
            };
            match next {
                Some(t) if t <= self.ex.now() || (self.virtual_clock && !external) => {
                    self.ex.advance_to(t);
                    spent += 1;
                }
                // Under the virtual clock time stands still while tasks wait for
                // outside answers (handlers take no time; task tokens wait for
                // sendTask* or an explicit advanceTo).
                Some(t) if !self.virtual_clock => {
                    self.next_timer.set(t as f64);
                    return TIMER;
                }
                _ => return WAITING,
            }
        }
    }

    /// When `run` returned `TIMER`: the time (ms since the epoch) the next timer fires.
    #[wasm_bindgen(js_name = nextTimer)]
    pub fn next_timer(&self) -> f64 {
        self.next_timer.get()
    }

    /// Moves the clock forward to `t` (ms since the epoch) and fires the timers due.
    #[wasm_bindgen(js_name = advanceTo)]
    pub fn advance_to(&mut self, t: f64) {
        if t.is_finite() {
            self.ex.advance_to(t as i64);
        }
    }

    /// The current time of the execution's clock.
    pub fn now(&self) -> f64 {
        self.ex.now() as f64
    }

    /// Takes the next request for the JS handlers (`false`: none left) and describes
    /// it in the request slot (`requestSlot`), which JS reads from wasm memory: six
    /// numbers `[id, names, invocation, inputBytes, tokenBytes, textPointer]`, where
    /// `names` indexes the `[stateName, resource]` pairs that `requestNames` gives, the
    /// text at `textPointer` is the input's JSON (UTF-8, `inputBytes` long) followed by
    /// the task token (`tokenBytes`, -1 without one). No string is built for the glue
    /// to decode, so that a task's crossing into JS stays cheap.
    #[wasm_bindgen(js_name = nextRequest)]
    pub fn next_request(&mut self) -> bool {
        let Some(r) = self.js_queue.pop_front() else {
            return false;
        };
        let names = match self
            .names
            .iter()
            .position(|(s, res)| Arc::ptr_eq(s, &r.state_name) && Arc::ptr_eq(res, &r.resource))
        {
            Some(k) => k,
            None => {
                self.names.push((r.state_name.clone(), r.resource.clone()));
                self.names.len() - 1
            }
        };
        self.request_text.clear();
        if serde_json::to_writer(&mut self.request_text, &*r.input).is_err() {
            self.request_text.clear();
            self.request_text.extend_from_slice(b"null");
        }
        let input_bytes = self.request_text.len();
        let token_bytes = match &r.task_token {
            Some(t) => {
                self.request_text.extend_from_slice(t.as_bytes());
                t.len() as f64
            }
            None => -1.0,
        };
        self.request_slot = [
            r.id as f64,
            names as f64,
            f64::from(r.invocation),
            input_bytes as f64,
            token_bytes,
            self.request_text.as_ptr() as usize as f64,
        ];
        self.outstanding.insert(r.id);
        true
    }

    /// Where the request slot is in wasm memory (see `nextRequest`); it stays there
    /// for the execution's lifetime.
    #[wasm_bindgen(js_name = requestSlot)]
    pub fn request_slot(&self) -> *const f64 {
        self.request_slot.as_ptr()
    }

    /// `[stateName, resource]` of the requests whose `names` is `k` (see `nextRequest`).
    #[wasm_bindgen(js_name = requestNames)]
    pub fn request_names(&self, k: u32) -> String {
        let (s, r) = self
            .names
            .get(k as usize)
            .map_or(("", ""), |(s, r)| (&**s, &**r));
        serde_json::to_string(&[s, r]).unwrap_or_default()
    }

    /// A JS handler's result (JSON text). Returns `false` when the task no longer
    /// waits (the execution stopped, the task timed out).
    pub fn complete(&mut self, id: f64, result: &str) -> Result<bool, JsValue> {
        let value = parse_json(result, "the task result")?;
        Ok(self.answer(id, TaskResponse::Success(value)))
    }

    /// `complete` with the result's JSON as UTF-8 bytes (see `startUtf8`).
    #[wasm_bindgen(js_name = completeUtf8)]
    pub fn complete_utf8(&mut self, id: f64, result: &[u8]) -> Result<bool, JsValue> {
        let value = parse_json(utf8(result, "the task result")?, "the task result")?;
        Ok(self.answer(id, TaskResponse::Success(value)))
    }

    /// A JS handler's failure.
    pub fn fail(&mut self, id: f64, error: String, cause: Option<String>) -> bool {
        self.answer(id, TaskResponse::Failure { error, cause })
    }

    /// A `.waitForTaskToken` task's JS handler has finished: the answer now comes
    /// through `sendTaskSuccess`/`sendTaskFailure`.
    #[wasm_bindgen(js_name = handlerDone)]
    pub fn handler_done(&mut self, id: f64) {
        self.outstanding.remove(&(id as u64));
    }

    #[wasm_bindgen(js_name = sendTaskSuccess)]
    pub fn send_task_success(&mut self, token: &str, output: &str) -> Result<(), JsValue> {
        let value = parse_json(output, "the task output")?;
        self.ex.send_task_success(token, value).map_err(token_error)
    }

    #[wasm_bindgen(js_name = sendTaskFailure)]
    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> Result<(), JsValue> {
        self.ex
            .send_task_failure(token, error, cause)
            .map_err(token_error)
    }

    #[wasm_bindgen(js_name = sendTaskHeartbeat)]
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), JsValue> {
        self.ex.send_task_heartbeat(token).map_err(token_error)
    }

    /// Tasks waiting for `sendTask*`: a JSON array of `{taskToken, stateName, resource,
    /// input}`, oldest first.
    #[wasm_bindgen(js_name = pendingTokens)]
    pub fn pending_tokens(&mut self) -> String {
        let live: Vec<String> = self.ex.pending_tokens();
        let live_set: HashSet<&String> = live.iter().collect();
        self.tokens.retain(|k, _| live_set.contains(k));
        let items: Vec<Value> = live
            .iter()
            .filter_map(|t| {
                let info = self.tokens.get(t)?;
                Some(json!({
                    "taskToken": t,
                    "stateName": &*info.state_name,
                    "resource": &*info.resource,
                    "input": &*info.input,
                }))
            })
            .collect();
        Value::Array(items).to_string()
    }

    /// `StopExecution`.
    pub fn stop(&mut self, error: Option<String>, cause: Option<String>) {
        self.ex.stop(error, cause);
        self.js_queue.clear();
        self.outstanding.clear();
    }

    #[wasm_bindgen(js_name = isFinished)]
    pub fn is_finished(&self) -> bool {
        self.ex.is_finished()
    }

    #[wasm_bindgen(js_name = historyLength)]
    pub fn history_length(&self) -> u32 {
        self.ex.history().len() as u32
    }

    /// History events from index `from` on, as a JSON array in the shape of
    /// `GetExecutionHistory`, except `timestamp`: milliseconds since the epoch.
    pub fn history(&self, from: u32) -> String {
        let events = self.ex.history();
        let from = (from as usize).min(events.len());
        let mut out = String::with_capacity(64 * (events.len() - from) + 2);
        out.push('[');
        for (i, e) in events[from..].iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&event_json(e).to_string());
        }
        out.push(']');
        out
    }

    /// `{status, output?, error?, cause?, executionArn, startDate, stopDate?}` as JSON
    /// (dates in ms since the epoch; `stopDate` once finished).
    pub fn outcome(&self) -> String {
        // Written straight from the engine's values: the output is not copied.
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct OutcomeJson<'a> {
            status: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            output: Option<&'a Value>,
            #[serde(skip_serializing_if = "Option::is_none")]
            error: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            cause: Option<&'a str>,
            execution_arn: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            start_date: Option<i64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            stop_date: Option<i64>,
        }
        let o = self.ex.outcome();
        let history = self.ex.history();
        serde_json::to_string(&OutcomeJson {
            status: o.status.as_str(),
            output: o.output.as_deref(),
            error: o.error.as_deref(),
            cause: o.cause.as_deref(),
            execution_arn: self.ex.execution_arn(),
            start_date: history.first().map(|e| e.timestamp),
            stop_date: history
                .last()
                .filter(|_| self.ex.is_finished())
                .map(|e| e.timestamp),
        })
        .unwrap_or_default()
    }

    /// The data flow of state visits (with `inspect` on), from index `from` on, as a
    /// JSON array of `inspection_json` objects.
    pub fn inspections(&self, from: u32) -> String {
        let all = self.ex.inspections();
        let from = (from as usize).min(all.len());
        Value::Array(all[from..].iter().map(inspection_json).collect()).to_string()
    }

    /// The data flow of the visit whose `*StateEntered` event has this id, or `null`.
    pub fn inspection(&self, entered_event_id: f64) -> String {
        match self.ex.inspection(entered_event_id as u64) {
            Some(i) => inspection_json(i).to_string(),
            None => "null".into(),
        }
    }

    #[wasm_bindgen(js_name = executionArn)]
    pub fn execution_arn(&self) -> String {
        self.ex.execution_arn().into()
    }
}

/// An inspection as JSON values (the TestState API's `inspectionData` names; payloads
/// are values, not JSON text), plus `stateName` and `enteredEventId`.
fn inspection_json(i: &Inspection) -> Value {
    let mut m = Map::new();
    m.insert("stateName".into(), json!(i.state));
    m.insert("enteredEventId".into(), json!(i.entered_event_id));
    let mut put = |k: &str, v: &Option<Value>| {
        if let Some(v) = v {
            m.insert(k.into(), v.clone());
        }
    };
    put("input", &i.input);
    put("afterInputPath", &i.after_input_path);
    put("afterParameters", &i.after_parameters);
    put("afterArguments", &i.after_arguments);
    put("result", &i.result);
    put("afterResultSelector", &i.after_result_selector);
    put("afterResultPath", &i.after_result_path);
    put("afterItemsPath", &i.after_items_path);
    put(
        "afterItemSelector",
        &i.after_item_selector.clone().map(Value::Array),
    );
    put("output", &i.output);
    if let Some(n) = i.max_concurrency {
        m.insert("maxConcurrency".into(), json!(n));
    }
    if let Some(n) = i.tolerated_failure_count {
        m.insert("toleratedFailureCount".into(), json!(n));
    }
    if let Some(n) = i.tolerated_failure_percentage {
        m.insert("toleratedFailurePercentage".into(), json!(n));
    }
    if let Some(vars) = &i.variables {
        m.insert("variables".into(), Value::Object(vars.clone()));
    }
    if let Some(d) = &i.error_details {
        let mut e = Map::new();
        if let Some(x) = d.retry_index {
            e.insert("retryIndex".into(), json!(x));
        }
        if let Some(x) = d.retry_backoff_interval_seconds {
            e.insert("retryBackoffIntervalSeconds".into(), json!(x));
        }
        if let Some(x) = d.catch_index {
            e.insert("catchIndex".into(), json!(x));
        }
        m.insert("errorDetails".into(), Value::Object(e));
    }
    Value::Object(m)
}

fn token_error(e: Error) -> JsValue {
    error_value("INVALID_TOKEN", &e.to_string(), None)
}

fn event_json(e: &HistoryEvent) -> Value {
    let mut v = e.to_json();
    if let Value::Object(m) = &mut v {
        m.insert("timestamp".into(), json!(e.timestamp));
    }
    v
}

impl WasmExecution {
    fn code(&self) -> u32 {
        match self.ex.pending() {
            Pending::Done => DONE,
            Pending::Timer(t) if t <= self.ex.now() => RUNNABLE,
            Pending::Timer(t) => {
                self.next_timer.set(t as f64);
                TIMER
            }
            Pending::External {
                next_timer: Some(t),
            } if !self.virtual_clock => {
                self.next_timer.set(t as f64);
                TIMER
            }
            Pending::External { .. } => WAITING,
        }
    }

    fn requests_flag(&self) -> u32 {
        if self.js_queue.is_empty() {
            0
        } else {
            HAS_REQUESTS
        }
    }

    fn answer(&mut self, id: f64, response: TaskResponse) -> bool {
        let id = id as u64;
        self.outstanding.remove(&id);
        self.ex.complete_task(id, response).is_ok()
    }

    /// Routes new task requests: mocked ones are answered now, JS-handled ones queued,
    /// `.waitForTaskToken` ones without a handler wait for their token. Returns whether
    /// any was answered here (so there may be ready work).
    fn route_requests(&mut self) -> bool {
        let requests = self.ex.take_requests();
        if requests.is_empty() {
            return false;
        }
        let mut answered = false;
        for r in requests {
            if let Some(t) = &r.task_token {
                self.tokens.insert(
                    t.clone(),
                    TokenInfo {
                        state_name: r.state_name.clone(),
                        resource: r.resource.clone(),
                        input: r.input.clone(),
                    },
                );
            }
            if self.js_keys.contains(&*r.state_name) || self.js_keys.contains(&*r.resource) {
                self.js_queue.push_back(r);
                continue;
            }
            let mocked = self
                .mock
                .as_ref()
                .is_some_and(|(_, states)| states.contains(&*r.state_name));
            if r.task_token.is_some() && !mocked {
                continue;
            }
            let response = match self.mock.as_mut() {
                Some((handler, _)) => handler.invoke(&r),
                None => TaskResponse::Unhandled,
            };
            let _ = self.ex.complete_task(r.id, response);
            answered = true;
        }
        answered
    }
}
