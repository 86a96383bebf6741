//! The query engine behind the seam: with its helper `sfn` (the host functions), the
//! only file that names the evaluator crate (`jsonata-core`, pinned to 2.2.13).
//! Everything the rest of statelab sees goes through
//! the [`QueryEngine`] trait and the plain types of this module, so the evaluator could be
//! replaced by implementing the trait again.
//!
//! What this file adds on top of the crate:
//! * JSONata 2.0.6 syntax: the 2.1 operators `??` and `?:` are rejected after parsing.
//! * Regular expressions rewritten towards JavaScript semantics (`\d`, `\w`, `\b`, `.`
//!   and `[^]` mean what they mean in JavaScript; see `js_regex`).
//! * Bounds that hold in wasm (no clock is read): evaluation depth (the crate's own
//!   counter), evaluation work (an instrumented AST calls a host "tick" function on
//!   every lambda call and block, and charges each range by its length), sequence
//!   length and value size (a memory bound, also checked on every string concatenation
//!   and before `$pad`).
//! * The Step Functions functions (`$partition`, `$range`, `$hash`, `$random`, `$uuid`,
//!   `$parse`) as host functions, `$eval` hidden, and `$now`/`$millis`/`$shuffle`/
//!   `$random` made deterministic (virtual clock, seeded generator).

// Without the evaluator most of these types are only carried, never filled in.
#![cfg_attr(not(feature = "jsonata"), allow(dead_code))]

use crate::rng::Rng;
use serde_json::Value;

#[cfg(feature = "jsonata")]
pub use super::core::*;
#[cfg(not(feature = "jsonata"))]
pub use super::disabled::*;

/// Which language an expression is parsed and evaluated as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Plain JSONata 2.0.6, as the official test suite exercises it (`$eval` exists, no
    /// Step Functions functions, non-finite numbers are errors).
    Jsonata,
    /// Step Functions' dialect: the added functions, `$eval` unavailable, non-finite
    /// numbers returned as the strings `"Infinity"`, `"-Infinity"`, `"NaN"`.
    StepFunctions,
}

/// Resource bounds of one evaluation. All are counts, never time, so they hold the same
/// natively and in wasm and give the same verdict on every run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Nesting depth of evaluation (the evaluator's own counter; leaves do not count).
    pub max_depth: usize,
    /// Work units: one per lambda call and per block evaluated, plus one per 16 items of
    /// every range built.
    pub max_steps: u64,
    /// Longest sequence (range, path result, mapping) an evaluation may build.
    pub max_sequence: usize,
    /// Largest result, counting 8 bytes per number, boolean or null and one per string
    /// character (object keys included).
    pub max_bytes: u64,
}

impl Limits {
    /// The bounds Step Functions applies, as measured on the service: depth 100 (an
    /// addition chain of 100 terms passes, 101 fails), `[1..873782]` passes and one more
    /// element fails, a string of 2^22 characters passes and 2^23 fails. The service's
    /// other bound is ~1 s of time; here it is 1,000,000 work units (a tail-recursive loop
    /// of a million calls: well under a second natively).
    pub const STEP_FUNCTIONS: Limits = Limits {
        max_depth: 99,
        max_steps: 1_000_000,
        max_sequence: 873_782,
        max_bytes: 873_782 * 8,
    };
}

/// Why an evaluation failed; decides the cause wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// An error JSONata raises (usually coded, `T1006: …`).
    Error,
    /// The depth bound.
    Depth,
    /// The work bound.
    Steps,
    /// The sequence-length or result-size bound.
    Memory,
    /// The result is a function (or holds one): not JSON.
    Unsupported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// JSONata error code when there is one (`T1006`, `D3030`, `S0211`).
    pub code: Option<String>,
    /// The message, with its code prefix when it has one (`T1006: Attempted to …`).
    pub message: String,
}

impl Failure {
    pub(super) fn error(message: String) -> Failure {
        let message = normalize(message);
        Failure {
            kind: FailureKind::Error,
            code: code_of(&message).map(str::to_string),
            message,
        }
    }

    pub(super) fn bound(kind: FailureKind) -> Failure {
        let message = match kind {
            FailureKind::Depth => STACK_OVERFLOW,
            FailureKind::Steps => TIMEOUT,
            FailureKind::Memory => MEMORY,
            FailureKind::Unsupported => UNSUPPORTED,
            FailureKind::Error => "error",
        };
        Failure {
            kind,
            code: None,
            message: message.to_string(),
        }
    }
}

/// The service's wording for its three evaluation bounds (recorded on AWS).
pub const STACK_OVERFLOW: &str = "Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive.";
pub const TIMEOUT: &str = "Expression evaluation timeout: Check for infinite loop";
pub const MEMORY: &str =
    "Expression evaluation memory limit exceeded: Check for excessive memory usage";
pub const UNSUPPORTED: &str = "returned an unsupported result type.";

/// Drops the crate's own prefixes (`Invalid syntax: `, `Signature validation failed: `,
/// …) before a JSONata code, so the message starts with the code as jsonata-js's does,
/// and codes the one parse error the crate leaves without one.
fn normalize(message: String) -> String {
    // jsonata-js (and the service) name no function in T1006.
    const T1006: &str = "T1006: Attempted to invoke a non-function";
    if message.starts_with(T1006) {
        return T1006.to_string();
    }
    if code_of(&message).is_some() {
        return message;
    }
    if message == "Unclosed comment" {
        return "S0106: Comment has no closing tag".to_string();
    }
    let b = message.as_bytes();
    for i in 0..b.len().saturating_sub(7) {
        if b[i] == b':' && b[i + 1] == b' ' && code_of(&message[i + 2..]).is_some() {
            return message[i + 2..].to_string();
        }
    }
    message
}

/// The leading JSONata error code of a message (`T1006: …`), if any.
pub fn code_of(message: &str) -> Option<&str> {
    let b = message.as_bytes();
    if b.len() >= 6
        && b[0].is_ascii_uppercase()
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b':'
    {
        Some(&message[..5])
    } else {
        None
    }
}

/// The seam: what statelab needs from a JSONata implementation.
pub trait QueryEngine {
    /// A parsed expression, shareable across threads (it sits in compiled state machines).
    type Compiled: Send + Sync + std::fmt::Debug;
    /// A converted input value (converted once, read by many evaluations).
    type Data: Clone;

    fn parse(text: &str, dialect: Dialect) -> Result<Self::Compiled, Failure>;
    /// Free variables the expression reads, without `$` (see `Expression::variables`).
    fn variables(compiled: &Self::Compiled) -> Vec<String>;
    fn convert(value: &Value) -> Self::Data;
    /// An object `{name: data, …}` built from already converted parts.
    fn object(fields: Vec<(&str, Self::Data)>) -> Self::Data;
    fn evaluate(compiled: &Self::Compiled, request: Request<'_, Self::Data>) -> Outcome;
}

/// One evaluation's inputs.
pub struct Request<'a, D> {
    /// `$` (None: no input at all, i.e. undefined).
    pub input: Option<&'a D>,
    /// Variables bound before evaluation (name without `$`).
    pub bindings: Vec<(String, D)>,
    pub rng: &'a mut Rng,
    pub limits: Limits,
    pub dialect: Dialect,
    /// The virtual clock for `$now()`/`$millis()` (milliseconds since the epoch).
    pub now_millis: i64,
}

/// `Ok(None)` is JSONata's undefined.
pub type Outcome = Result<Option<Value>, Failure>;
