//! Conformance case files (`/work/shared/conformance/FORMAT.md`): loading and checking.
//!
//! Cases are parsed by hand rather than with `serde` derives so that a malformed file
//! gives an error naming the field, and so that `"output": null` stays distinct from a
//! missing output.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One `expected.masked` entry: a JSONPath whose recorded value was replaced by a
/// placeholder (`token`).
#[derive(Debug, Clone, PartialEq)]
pub struct Masked {
    pub path: String,
    pub token: Option<String>,
}

/// The recorded outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`.
    pub status: String,
    /// Present (possibly `null`) when the recording has an output.
    pub output: Option<Value>,
    pub error: Option<Value>,
    pub cause: Option<Value>,
    pub error_is_json: bool,
    pub cause_is_json: bool,
    pub masked: Vec<Masked>,
}

/// A Lambda function a case uses, with its behaviour id (`INDEX.json` →
/// `lambda_behaviours`).
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaFunction {
    pub behaviour: String,
    pub function_arn: Option<String>,
}

/// One conformance case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    pub file: PathBuf,
    pub definition: Value,
    pub input: Value,
    pub expected: Expected,
    /// Recorded event types; `None` when the recording has none.
    pub events: Option<Vec<String>>,
    /// The recorded history (normalised by the recorder).
    pub history: Option<Vec<Value>>,
    pub features: Vec<String>,
    pub needs: Vec<String>,
    pub events_order: Option<String>,
    pub execution_name: Option<String>,
    /// Function name -> function.
    pub lambda_functions: BTreeMap<String, LambdaFunction>,
    pub mock_config: Option<Value>,
    pub state_machine_name: Option<String>,
    pub test_case: Option<String>,
    pub state_machine_type: Option<String>,
    /// When the recording was made (RFC 3339), used as the execution start time.
    pub recorded_at: Option<String>,
}

/// A case file that could not be read or does not follow the format.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub file: PathBuf,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn opt_string(m: &Map<String, Value>, key: &str, ctx: &str) -> Result<Option<String>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "field `{ctx}{key}` must be a string, found {}",
            describe(other)
        )),
    }
}

fn string_list(m: &Map<String, Value>, key: &str) -> Result<Option<Vec<String>>, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "field `{key}[{i}]` must be a string, found {}",
                    describe(other)
                )),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(format!(
            "field `{key}` must be an array of strings, found {}",
            describe(other)
        )),
    }
}

fn flag(m: &Map<String, Value>, key: &str) -> Result<bool, String> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!(
            "field `expected.{key}` must be a boolean, found {}",
            describe(other)
        )),
    }
}

fn parse_expected(v: &Value) -> Result<Expected, String> {
    let Value::Object(m) = v else {
        return Err(format!(
            "field `expected` must be an object, found {}",
            describe(v)
        ));
    };
    let status = opt_string(m, "status", "expected.")?
        .ok_or_else(|| "missing field `expected.status`".to_string())?;
    let masked = match m.get("masked") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => {
            let mut out = Vec::new();
            for (i, e) in a.iter().enumerate() {
                match e {
                    Value::String(p) => out.push(Masked {
                        path: p.clone(),
                        token: None,
                    }),
                    Value::Object(o) => {
                        let ctx = format!("expected.masked[{i}].");
                        let path = opt_string(o, "path", &ctx)?
                            .ok_or_else(|| format!("missing field `{ctx}path`"))?;
                        let token = match o.get("token") {
                            Some(Value::String(s)) => Some(s.clone()),
                            _ => None,
                        };
                        out.push(Masked { path, token });
                    }
                    other => {
                        return Err(format!(
                            "field `expected.masked[{i}]` must be an object, found {}",
                            describe(other)
                        ))
                    }
                }
            }
            out
        }
        Some(other) => {
            return Err(format!(
                "field `expected.masked` must be an array, found {}",
                describe(other)
            ))
        }
    };
    Ok(Expected {
        status,
        output: m.get("output").cloned(),
        error: m.get("error").cloned(),
        cause: m.get("cause").cloned(),
        error_is_json: flag(m, "error_is_json")?,
        cause_is_json: flag(m, "cause_is_json")?,
        masked,
    })
}

impl Case {
    /// Reads a case from its parsed JSON.
    pub fn from_value(v: &Value, file: &Path) -> Result<Case, String> {
        let Value::Object(m) = v else {
            return Err(format!(
                "a case must be a JSON object, found {}",
                describe(v)
            ));
        };
        let name = opt_string(m, "name", "")?.unwrap_or_else(|| {
            file.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        let definition = m
            .get("definition")
            .cloned()
            .ok_or_else(|| "missing field `definition`".to_string())?;
        let expected = parse_expected(
            m.get("expected")
                .ok_or_else(|| "missing field `expected`".to_string())?,
        )?;
        let history = match m.get("history") {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => {
                return Err(format!(
                    "field `history` must be an array, found {}",
                    describe(other)
                ))
            }
        };
        let mut lambda_functions = BTreeMap::new();
        match m.get("lambda_functions") {
            None | Some(Value::Null) => {}
            Some(Value::Object(fs)) => {
                for (fname, f) in fs {
                    let ctx = format!("lambda_functions.{fname}.");
                    let (behaviour, function_arn) = match f {
                        Value::String(b) => (b.clone(), None),
                        Value::Object(o) => (
                            opt_string(o, "behaviour", &ctx)?
                                .ok_or_else(|| format!("missing field `{ctx}behaviour`"))?,
                            opt_string(o, "function_arn", &ctx)?,
                        ),
                        other => {
                            return Err(format!(
                                "field `lambda_functions.{fname}` must be an object, found {}",
                                describe(other)
                            ))
                        }
                    };
                    lambda_functions.insert(
                        fname.clone(),
                        LambdaFunction {
                            behaviour,
                            function_arn,
                        },
                    );
                }
            }
            Some(other) => {
                return Err(format!(
                    "field `lambda_functions` must be an object, found {}",
                    describe(other)
                ))
            }
        }
        let mock_config = match m.get("mock_config") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.clone()),
        };
        Ok(Case {
            name,
            file: file.to_path_buf(),
            definition,
            input: m
                .get("input")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new())),
            expected,
            events: string_list(m, "events")?,
            history,
            features: string_list(m, "features")?.unwrap_or_default(),
            needs: string_list(m, "needs")?.unwrap_or_default(),
            events_order: opt_string(m, "events_order", "")?,
            execution_name: opt_string(m, "execution_name", "")?,
            lambda_functions,
            mock_config,
            state_machine_name: opt_string(m, "state_machine_name", "")?,
            test_case: opt_string(m, "test_case", "")?,
            state_machine_type: opt_string(m, "state_machine_type", "")?,
            recorded_at: opt_string(m, "aws_validated_date", "")?,
        })
    }

    /// Reads and checks a case file.
    pub fn load(file: &Path) -> Result<Case, LoadError> {
        let fail = |message: String| LoadError {
            file: file.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(file).map_err(|e| fail(format!("cannot read: {e}")))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| fail(format!("invalid JSON: {e}")))?;
        Case::from_value(&v, file).map_err(fail)
    }

    /// The `context:<path>` needs: output paths that depend on the real run.
    pub fn context_paths(&self) -> impl Iterator<Item = &str> {
        self.needs.iter().filter_map(|n| n.strip_prefix("context:"))
    }
}

/// Every `*.json` file under `dir` (recursively), sorted. A file path is returned as is.
pub fn case_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| LoadError {
            file: d.clone(),
            message: format!("cannot read directory: {e}"),
        })?;
        for entry in entries {
            let entry = entry.map_err(|e| LoadError {
                file: d.clone(),
                message: format!("cannot read directory: {e}"),
            })?;
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Loads every case under the given directories (or files). Files that fail to load
/// are returned apart; they count as failures.
pub fn load_cases<P: AsRef<Path>>(paths: &[P]) -> (Vec<Case>, Vec<LoadError>) {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match case_files(p.as_ref()) {
            Ok(files) => {
                for f in files {
                    match Case::load(&f) {
                        Ok(c) => cases.push(c),
                        Err(e) => errors.push(e),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    (cases, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minimal_hand_written_case() {
        let c = Case::from_value(
            &json!({
                "name": "x",
                "definition": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}},
                "expected": {"status": "SUCCEEDED", "output": null}
            }),
            Path::new("x.json"),
        )
        .unwrap();
        assert_eq!(c.input, json!({}));
        assert_eq!(c.expected.output, Some(Value::Null));
        assert!(c.events.is_none());
        assert!(c.needs.is_empty());
    }

    #[test]
    fn malformed_cases_name_the_field() {
        let p = Path::new("x.json");
        let e = Case::from_value(&json!([]), p).unwrap_err();
        assert!(e.contains("JSON object"), "{e}");
        let e = Case::from_value(&json!({"definition": {}}), p).unwrap_err();
        assert!(e.contains("`expected`"), "{e}");
        let e = Case::from_value(&json!({"definition": {}, "expected": {}}), p).unwrap_err();
        assert!(e.contains("expected.status"), "{e}");
        let e = Case::from_value(
            &json!({"definition": {}, "expected": {"status": "SUCCEEDED"}, "needs": [1]}),
            p,
        )
        .unwrap_err();
        assert!(e.contains("needs[0]"), "{e}");
        let e = Case::from_value(
            &json!({"definition": {}, "expected": {"status": "SUCCEEDED", "masked": [{"token": "t"}]}}),
            p,
        )
        .unwrap_err();
        assert!(e.contains("expected.masked[0].path"), "{e}");
        let e = Case::from_value(
            &json!({"definition": {}, "expected": {"status": "SUCCEEDED"}, "lambda_functions": {"f": 3}}),
            p,
        )
        .unwrap_err();
        assert!(e.contains("lambda_functions.f"), "{e}");
    }
}
