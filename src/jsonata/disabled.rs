//! Without the `jsonata` feature: a [`QueryEngine`] that refuses every expression, so
//! JSONata states fail to compile with a clear message and the build stays small.

use super::engine::*;
use serde_json::Value;

const DISABLED: &str =
    "JSONata support is not compiled into this build of statelab (cargo feature `jsonata`)";

/// The stand-in engine.
pub struct JsonataCore;

/// Nothing is ever compiled.
#[derive(Debug)]
pub struct Compiled;

/// Nothing is ever converted.
#[derive(Clone)]
pub struct Data;

impl QueryEngine for JsonataCore {
    type Compiled = Compiled;
    type Data = Data;

    fn parse(_text: &str, _dialect: Dialect) -> Result<Compiled, Failure> {
        Err(Failure::error(DISABLED.into()))
    }

    fn variables(_compiled: &Compiled) -> Vec<String> {
        Vec::new()
    }

    fn convert(_value: &Value) -> Data {
        Data
    }

    fn object(_fields: Vec<(&str, Data)>) -> Data {
        Data
    }

    fn evaluate(_compiled: &Compiled, _request: Request<'_, Data>) -> Outcome {
        Ok(None)
    }
}
