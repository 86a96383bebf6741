//! JSONPath as Step Functions uses it (the Jayway JsonPath dialect): Paths, Reference
//! Paths, `$$` context paths and `$name` workflow-variable paths.
//!
//! CONTRACT (the rest of the engine relies on exactly this API):
//! - `Path::parse` accepts any Path (filters, slices, unions, wildcards, deep scan);
//!   `Path::parse_reference` accepts only Reference Paths (a single node).
//! - A path is parsed once (at compile time) and evaluated many times.
//! - Evaluation never panics, on any document.

use serde_json::Value;
use std::borrow::Cow;

/// What a path is applied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// `$...`: the state's input (or whatever document the caller supplies).
    Input,
    /// `$$...`: the context object.
    Context,
    /// `$name...`: a workflow variable.
    Variable(String),
}

/// The documents a path can be evaluated against. The engine implements this so the
/// context object can be built lazily, only when a `$$` path is evaluated.
pub trait Roots {
    fn input(&self) -> &Value;
    fn context(&self) -> &Value;
    fn variable(&self, name: &str) -> Option<&Value>;
}

/// Plain roots, handy in tests and for callers without context or variables.
pub struct SimpleRoots<'a> {
    pub input: &'a Value,
    pub context: &'a Value,
    pub variables: Option<&'a serde_json::Map<String, Value>>,
}

impl Roots for SimpleRoots<'_> {
    fn input(&self) -> &Value {
        self.input
    }
    fn context(&self) -> &Value {
        self.context
    }
    fn variable(&self, name: &str) -> Option<&Value> {
        self.variables.and_then(|m| m.get(name))
    }
}

/// A path that did not match. `detail` is the service's (Jayway's) wording, e.g.
/// `No results for path: $['X']` or `Missing property in path $['no']`; callers wrap it
/// in their own message (`Invalid path '$.X' : <detail>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathMiss {
    pub detail: String,
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    text: String,
    root: Root,
    // implementation detail: the parsed segments
}

impl Path {
    /// Parses any Path. The error is a human-readable syntax message.
    pub fn parse(text: &str) -> Result<Path, String> {
        let _ = text;
        todo!("path parsing")
    }

    /// Parses a Reference Path: only dot/bracket member names and integer indexes.
    pub fn parse_reference(text: &str) -> Result<Path, String> {
        let _ = text;
        todo!("reference path parsing")
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> &Root {
        &self.root
    }

    /// True when the path can only ever select one node (no wildcard, filter, slice,
    /// union or deep scan).
    pub fn is_definite(&self) -> bool {
        todo!()
    }

    /// True for `$` (or `$$`, `$name`) alone.
    pub fn is_root_only(&self) -> bool {
        todo!()
    }

    /// Evaluates the path. A definite path returns the node (borrowed) or a `PathMiss`;
    /// an indefinite path returns an array of every match (possibly empty), as Jayway does.
    /// A `$name` path whose variable does not exist is a `PathMiss`.
    pub fn find<'a>(&self, roots: &'a dyn Roots) -> Result<Cow<'a, Value>, PathMiss> {
        let _ = roots;
        todo!()
    }

    /// Like `find`, but evaluated against an explicit document (ignores the root kind).
    pub fn find_in<'a>(&self, doc: &'a Value) -> Result<Cow<'a, Value>, PathMiss> {
        let _ = doc;
        todo!()
    }

    /// `IsPresent` semantics: true when the path selects something (even `null`).
    pub fn exists(&self, roots: &dyn Roots) -> bool {
        let _ = roots;
        todo!()
    }

    /// ResultPath semantics for a Reference Path: returns `target` with `value` placed at
    /// this path, creating intermediate objects as needed. `$` replaces the whole document.
    /// Fails (the caller raises `States.ResultPathMatchFailure`) when the path cannot be
    /// applied, e.g. `$.a.b` into a string; the error is the service's cause detail.
    pub fn set(&self, target: Value, value: Value) -> Result<Value, String> {
        let _ = (target, value);
        todo!()
    }
}
