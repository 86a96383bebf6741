//! The bodies of the fuzz targets, shared by the cargo-fuzz binaries
//! (`fuzz/fuzz_targets/*.rs`, run under libFuzzer on a nightly-enabled toolchain) and by
//! the stable regression test (`tests/fuzz_regressions.rs`), which replays every saved
//! input through exactly the same code.
//!
//! Every body takes raw bytes and must never panic, hang or exhaust memory. Where an
//! input is a pair (path text and a document, call text and an input, rule and input),
//! the two parts are separated by the first NUL byte; a missing or invalid second part
//! falls back to a small default document.
//!
//! Besides "no panic", the bodies check a few cheap invariants (a set value can be read
//! back, a formatted timestamp parses back to itself, the engine's limits stop every
//! execution).

#![allow(dead_code)]

use serde_json::{json, Value};
use statelab::choice::Rule;
use statelab::execution::{Execution, ExecutionOptions, Limits, Pending, Status};
use statelab::host::{TaskRequest, TaskResponse};
use statelab::intrinsics::Intrinsic;
use statelab::path::{Path, Root, SimpleRoots};
use statelab::rng::Rng;
use statelab::timestamp;
use std::sync::Arc;

/// Every target, by name (the folder names under `fuzz/corpus/` and
/// `tests/fuzz_regressions/`).
pub const TARGETS: [&str; 6] = [
    "definition",
    "path",
    "intrinsic",
    "choice",
    "timestamp",
    "jsonata",
];

/// Runs the body of the named target. Unknown names are ignored.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "definition" => definition(data),
        "path" => path(data),
        "intrinsic" => intrinsic(data),
        "choice" => choice(data),
        "timestamp" => timestamp(data),
        "jsonata" => jsonata(data),
        _ => {}
    }
}

/// Limits small enough that a fuzz iteration stays fast, but large enough for real
/// definitions to get somewhere.
pub const HISTORY_LIMIT: usize = 500;
pub const TRANSITION_LIMIT: u64 = 500;
pub const PAYLOAD_LIMIT: usize = 65_536;

/// Splits at the first NUL byte: (text, rest).
pub fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// FNV-1a over the input: a deterministic seed for the choices a body makes.
pub fn seed_of(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn json_or(bytes: &[u8], default: Value) -> Value {
    serde_json::from_slice(bytes).unwrap_or(default)
}

// ------------------------------------------------------------------------ definition

/// Definition text (then, after a NUL, the execution input): compile it, run it under
/// small limits with a host that answers every task with its input (and sometimes with
/// a failure, a delay, or not at all), then render the history.
pub fn definition(data: &[u8]) {
    let (def, input) = split(data);
    // Validation reads untrusted text too: it must not panic either. Only documents
    // without errors are compiled and run.
    let text = String::from_utf8_lossy(def);
    let (doc, diagnostics) = statelab::validate::validate_text(&text);
    let Some(doc) = doc else { return };
    if statelab::validate::has_errors(&diagnostics) {
        return;
    }
    let Ok(sm) = statelab::compile::compile(&doc) else {
        return;
    };
    let input = json_or(input, json!({}));
    run_machine(Arc::new(sm), input, seed_of(data));
}

/// Runs a compiled machine to its end with the fuzzing host and checks the limits held.
pub fn run_machine(sm: Arc<statelab::model::StateMachine>, input: Value, seed: u64) {
    let options = ExecutionOptions {
        input,
        seed,
        limits: Limits {
            max_history_events: HISTORY_LIMIT,
            max_transitions: TRANSITION_LIMIT,
            max_payload_bytes: PAYLOAD_LIMIT,
            ..Limits::default()
        },
        ..ExecutionOptions::default()
    };
    let Ok(mut ex) = Execution::start(sm, options) else {
        return;
    };
    let mut rng = Rng::new(seed);
    let mut host = |req: &TaskRequest| respond(req, seed);
    ex.run(&mut host);
    // Answer what waits on task tokens, a bounded number of times, then stop.
    for _ in 0..20 {
        if ex.is_finished() {
            break;
        }
        let tokens = ex.pending_tokens();
        if tokens.is_empty() {
            break;
        }
        for t in tokens {
            let _ = match rng.next_u64() % 4 {
                0 => ex.send_task_failure(&t, Some("Fuzz.Error".into()), Some("cause".into())),
                1 => ex.send_task_heartbeat(&t),
                _ => ex.send_task_success(&t, json!({"token": t})),
            };
        }
        ex.run(&mut host);
    }
    if !ex.is_finished() {
        let pending = ex.pending();
        assert!(
            matches!(pending, Pending::External { .. }),
            "run() returned with the execution still runnable: {pending:?}"
        );
        ex.stop(Some("Fuzz.Stop".into()), None);
        assert_eq!(ex.outcome().status, Status::Aborted);
    }
    // The history limit: the last event may be the ExecutionFailed reporting it, and a
    // stop adds one more.
    let events = ex.history().len();
    assert!(
        events <= HISTORY_LIMIT + 1,
        "{events} history events with a limit of {HISTORY_LIMIT}"
    );
    for e in ex.history() {
        let _ = e.to_json().to_string();
    }
    let _ = ex.outcome().to_json().to_string();
}

/// The fuzzing host: mostly echoes the task's input; sometimes fails, delays, never
/// answers (left for the token loop or the stop), or returns something odd.
fn respond(req: &TaskRequest, seed: u64) -> TaskResponse {
    let r = seed_of(&req.id.to_le_bytes()) ^ seed ^ u64::from(req.invocation);
    match r % 16 {
        0..=7 => TaskResponse::Success((*req.input).clone()),
        8 | 9 => TaskResponse::Failure {
            error: ["States.TaskFailed", "Fuzz.Error", "States.Timeout", ""][(r >> 8) as usize % 4]
                .into(),
            cause: Some(format!("invocation {}", req.invocation)),
        },
        10 => TaskResponse::Delayed {
            after_ms: (r >> 8) % 100_000_000,
            response: Box::new(TaskResponse::Success((*req.input).clone())),
        },
        11 if req.task_token.is_some() => TaskResponse::Pending,
        11 => TaskResponse::Success(json!({"Payload": &*req.input, "StatusCode": 200})),
        12 => TaskResponse::Success(Value::Null),
        13 => TaskResponse::Unhandled,
        14 => TaskResponse::Success(json!([&*req.input, &*req.state_name, &*req.resource])),
        _ => TaskResponse::Success(json!("x".repeat((r >> 8) as usize % 100))),
    }
}

// ------------------------------------------------------------------------------ path

/// Path text, NUL, a JSON document: parse as a Path and as a Reference Path, evaluate,
/// test existence, and set a value (which must then be readable at the same place).
pub fn path(data: &[u8]) {
    let (text, doc) = split(data);
    let text = String::from_utf8_lossy(text);
    let doc = json_or(doc, json!({"a": [1, {"b": "c"}], "d": null}));
    let vars = doc.as_object();
    let roots = SimpleRoots {
        input: &doc,
        context: &doc,
        variables: vars,
    };
    let parsed = Path::parse(&text);
    if let Ok(p) = &parsed {
        let _ = p.find_in(&doc);
        let _ = p.find(&roots);
        let _ = p.exists(&roots);
        let _ = p.is_definite();
        let _ = p.set(doc.clone(), json!({"set": true}));
    }
    if let Ok(p) = Path::parse_reference(&text) {
        assert!(
            parsed.is_ok(),
            "a Reference Path must also be a Path: {text:?}"
        );
        assert!(p.is_reference());
        let value = json!({"set": [1, 2, 3]});
        if let Ok(out) = p.set(doc.clone(), value.clone()) {
            if matches!(p.root(), Root::Input) {
                let back = p.find_in(&out);
                assert!(
                    back.as_deref() == Ok(&value),
                    "set then find disagree for {text:?}: got {back:?} in {out}"
                );
            }
        }
    }
}

// ------------------------------------------------------------------------- intrinsic

/// Call text, NUL, a JSON input: parse and evaluate with `$`, `$$` and variables all
/// bound to the input.
pub fn intrinsic(data: &[u8]) {
    let (text, input) = split(data);
    let text = String::from_utf8_lossy(text);
    let _ = Intrinsic::looks_like_call(&text);
    let Ok(call) = Intrinsic::parse(&text) else {
        return;
    };
    let input = json_or(input, json!({"a": [1, 2, 3], "s": "x,y", "n": 1}));
    let roots = SimpleRoots {
        input: &input,
        context: &input,
        variables: input.as_object(),
    };
    let mut rng = Rng::new(seed_of(data));
    if let Ok(v) = call.eval(&roots, &mut rng) {
        let _ = v.to_string();
    }
    let _ = call.eval_in_field(&roots, &mut rng, "value.$");
}

// ---------------------------------------------------------------------------- choice

/// Rule JSON, NUL, a JSON input: compile the rule and evaluate it.
pub fn choice(data: &[u8]) {
    let (rule, input) = split(data);
    let Ok(rule) = serde_json::from_slice::<Value>(rule) else {
        return;
    };
    let Ok(rule) = Rule::compile(&rule) else {
        return;
    };
    let input = json_or(
        input,
        json!({"a": 1, "s": "x", "t": "2024-01-01T00:00:00Z"}),
    );
    let roots = SimpleRoots {
        input: &input,
        context: &input,
        variables: input.as_object(),
    };
    let _ = rule.eval(&roots);
}

// ------------------------------------------------------------------------- timestamp

// ------------------------------------------------------------------------ jsonata

/// What the engine reports when the evaluator crate panicked (caught natively).
const INTERNAL: &str = "U1002: Internal evaluator failure";

/// A JSONata expression (then, after a NUL, the state input): parse it and evaluate it
/// with `$states` and a workflow variable; also as a `{% %}` template field.
pub fn jsonata(data: &[u8]) {
    use statelab::jsonata::{
        Expression, Limits, Scope, States, Template, MEMORY, STACK_OVERFLOW, TIMEOUT,
    };
    let (expr, input) = split(data);
    let text = String::from_utf8_lossy(expr);
    let input = json_or(input, json!({"a": [1, 2, 3], "s": "text"}));
    let context = json!({"Execution": {"Name": "fuzz", "StartTime": "2025-01-01T00:00:00Z"}, "State": {"Name": "S", "EnteredTime": "2025-01-01T00:00:00Z"}});
    let states = States::new(&input, &context, Some(&input), None);
    let var = json!({"k": "v"});
    let lookup = |name: &str| (name == "v").then_some(&var);
    let scope = Scope {
        states: &states,
        variable: &lookup,
    };
    let mut rng = Rng::new(seed_of(data));
    if let Ok(e) = Expression::parse(&text) {
        let _ = e.variables();
        // A tenth of the service's work, sequence and size bounds keeps an endless
        // loop or a huge range short (the full bounds take seconds to reach under the
        // address sanitizer); the template below runs with the full bounds, so only
        // when none of them stopped the expression.
        let full = Limits::STEP_FUNCTIONS;
        let limits = Limits {
            max_steps: full.max_steps / 10,
            max_sequence: full.max_sequence / 10,
            max_bytes: full.max_bytes / 10,
            ..full
        };
        if let Err(err) = e.eval_with_limits(&scope, &mut rng, limits) {
            // Natively the engine catches a panic inside the evaluator crate and
            // reports it as U1002; in wasm nothing can: none may happen.
            assert_ne!(err.message, INTERNAL, "{text:?}: the evaluator panicked");
            if [TIMEOUT, MEMORY, STACK_OVERFLOW].contains(&err.message.as_str()) {
                return;
            }
        }
    }
    let field = json!({"x": format!("{{% {text} %}}"), "y": [format!("{{%{text}%}}")]});
    if let Ok(t) = Template::compile(&field, "Output") {
        if let Err(err) = t.eval(&scope, &mut rng) {
            assert!(
                !err.cause.contains(INTERNAL),
                "{text:?}: the evaluator panicked"
            );
        }
    }
}

/// Text to parse; and the first 8 bytes as an i64 count of milliseconds to format and
/// parse back.
pub fn timestamp(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(t) = timestamp::parse(&text) {
        assert!(t.nanos < 1_000_000_000, "{text:?}: nanos {}", t.nanos);
        let ms = t.millis();
        let again = timestamp::format_millis(ms);
        if let Some(u) = timestamp::parse(&again) {
            assert_eq!(u.millis(), ms, "{text:?} -> {again:?}");
        }
    }
    let mut bytes = [0u8; 8];
    let n = data.len().min(8);
    bytes[..n].copy_from_slice(&data[..n]);
    round_trip(i64::from_le_bytes(bytes));
}

/// Formats `ms` both ways; within years 0000–9999 both forms must parse back to `ms`.
pub fn round_trip(ms: i64) {
    // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z
    const MIN: i64 = -62_167_219_200_000;
    const MAX: i64 = 253_402_300_799_999;
    for text in [timestamp::format_millis(ms), timestamp::format_context(ms)] {
        let parsed = timestamp::parse(&text);
        if (MIN..=MAX).contains(&ms) {
            let t = parsed.unwrap_or_else(|| panic!("{ms}: {text:?} does not parse"));
            assert_eq!(t.millis(), ms, "{text:?}");
        } else {
            assert!(parsed.is_none(), "{ms}: {text:?} parsed outside 0000-9999");
        }
    }
}
