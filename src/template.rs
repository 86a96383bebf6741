//! Payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, JSONPath `Assign`):
//! keys ending in `.$` are evaluated (a path, or an intrinsic function call) and the
//! suffix is stripped; every other value is literal. Compiled once; a template without
//! any `.$` key is a plain literal.

use crate::error::StateError;
use crate::intrinsics::Intrinsic;
use crate::path::{EvalBudget, Path, Roots};
use crate::rng::Rng;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    Literal(Value),
    Object(Vec<(String, Template)>),
    Array(Vec<Template>),
    /// A `.$` value that is a path; `field` is the key as written (`value.$`).
    Path {
        path: Path,
        field: String,
    },
    Intrinsic {
        call: Intrinsic,
        field: String,
    },
}

impl Template {
    /// Compiles a template value. Errors name the offending key.
    pub fn compile(v: &Value) -> Result<Template, String> {
        let t = compile_value(v, 0)?;
        Ok(if t.is_static() {
            Template::Literal(v.clone())
        } else {
            t
        })
    }

    fn is_static(&self) -> bool {
        match self {
            Template::Literal(_) => true,
            Template::Object(fields) => fields.iter().all(|(_, t)| t.is_static()),
            Template::Array(items) => items.iter().all(Template::is_static),
            _ => false,
        }
    }

    /// Evaluates against the roots. Path misses are `States.Runtime` with the
    /// service's message; intrinsic failures keep the intrinsic's error name.
    /// All the paths of the template share one work budget ([`EvalBudget`]).
    pub fn eval(&self, roots: &dyn Roots, rng: &mut Rng) -> Result<Value, StateError> {
        self.eval_within(roots, rng, &EvalBudget::new())
    }

    fn eval_within(
        &self,
        roots: &dyn Roots,
        rng: &mut Rng,
        budget: &EvalBudget,
    ) -> Result<Value, StateError> {
        match self {
            Template::Literal(v) => Ok(v.clone()),
            Template::Object(fields) => {
                let mut m = Map::with_capacity(fields.len());
                for (k, t) in fields {
                    m.insert(k.clone(), t.eval_within(roots, rng, budget)?);
                }
                Ok(Value::Object(m))
            }
            Template::Array(items) => items
                .iter()
                .map(|t| t.eval_within(roots, rng, budget))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            Template::Path { path, field } => match path.find_within(roots, budget) {
                Ok(v) => Ok(v.into_owned()),
                Err(miss) if miss.over_budget() => Err(StateError::runtime(format!(
                    "The JSONPath '{}' specified for the field '{}' could not be evaluated: {}",
                    path.as_str(),
                    field,
                    miss.detail
                ))),
                Err(_) => Err(path_not_found(path, field, roots)),
            },
            Template::Intrinsic { call, field } => call
                .eval_within(roots, rng, field, budget)
                .map_err(|e| StateError::new(e.error, e.cause)),
        }
    }
}

/// `The JSONPath '$.x' specified for the field 'value.$' could not be found in the
/// input '<input>'` (States.Runtime).
pub fn path_not_found(path: &Path, field: &str, roots: &dyn Roots) -> StateError {
    let doc = match path.root() {
        crate::path::Root::Context => roots.context(),
        _ => roots.input(),
    };
    StateError::runtime(format!(
        "The JSONPath '{}' specified for the field '{}' could not be found in the input '{}'",
        path.as_str(),
        field,
        serde_json::to_string(doc).unwrap_or_default()
    ))
}

const MAX_DEPTH: usize = 512;

fn compile_value(v: &Value, depth: usize) -> Result<Template, String> {
    if depth > MAX_DEPTH {
        return Err("payload template is nested too deeply".into());
    }
    match v {
        Value::Object(map) => {
            let mut fields = Vec::with_capacity(map.len());
            for (k, val) in map {
                if let Some(stripped) = k.strip_suffix(".$") {
                    let Value::String(s) = val else {
                        return Err(format!(
                            "The value of the field '{k}' must be a path or an intrinsic function"
                        ));
                    };
                    fields.push((stripped.to_string(), compile_dynamic(s, k)?));
                } else {
                    fields.push((k.clone(), compile_value(val, depth + 1)?));
                }
            }
            Ok(Template::Object(fields))
        }
        Value::Array(items) => items
            .iter()
            .map(|i| compile_value(i, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Template::Array),
        other => Ok(Template::Literal(other.clone())),
    }
}

fn compile_dynamic(s: &str, field: &str) -> Result<Template, String> {
    if s.starts_with('$') {
        let path = Path::parse(s).map_err(|e| format!("invalid path in '{field}': {e}"))?;
        Ok(Template::Path {
            path,
            field: field.to_string(),
        })
    } else {
        let call =
            Intrinsic::parse(s).map_err(|e| format!("invalid intrinsic in '{field}': {e}"))?;
        Ok(Template::Intrinsic {
            call,
            field: field.to_string(),
        })
    }
}
