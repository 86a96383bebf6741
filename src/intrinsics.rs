//! The 18 intrinsic functions (`States.Format`, `States.Array`, … `States.UUID`) with
//! the service's exact quirks and errors.
//!
//! CONTRACT: `Intrinsic::parse` once at compile time, `eval` many times; never panics.

use crate::path::Roots;
use crate::rng::Rng;
use serde_json::Value;

/// An evaluation failure. `error` is `States.IntrinsicFailure` for function errors and
/// `States.Runtime` where the service reports that (e.g. a path argument that matches
/// nothing); `cause` is the service's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrinsicError {
    pub error: &'static str,
    pub cause: String,
}

/// A parsed intrinsic function call, e.g. `States.Format('{}', $.a)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Intrinsic {
    text: String,
}

impl Intrinsic {
    /// True when the string looks like an intrinsic call (`States.` name then `(`), so a
    /// `.$` value that is not a path is parsed as one.
    pub fn looks_like_call(text: &str) -> bool {
        let _ = text;
        todo!()
    }

    /// Parses a call. The error is a human-readable syntax message (unknown function,
    /// wrong argument count known statically, bad quoting, nesting deeper than 10, …).
    pub fn parse(text: &str) -> Result<Intrinsic, String> {
        let _ = text;
        todo!()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Evaluates the call against the roots (paths inside arguments see the same roots).
    pub fn eval(&self, roots: &dyn Roots, rng: &mut Rng) -> Result<Value, IntrinsicError> {
        let _ = (roots, rng);
        todo!()
    }
}
