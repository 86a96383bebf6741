//! Mock files in the AWS Step Functions Local `MockConfigFile` format.
//!
//! ```json
//! {
//!   "StateMachines": {
//!     "<StateMachineName>": {
//!       "TestCases": { "<TestCaseName>": { "<TaskStateName>": "<MockedResponseName>" } }
//!     }
//!   },
//!   "MockedResponses": {
//!     "<MockedResponseName>": {
//!       "0":   { "Return": <task result> },
//!       "1-2": { "Throw": { "Error": "Lambda.TimeoutException", "Cause": "Lambda timed out." } }
//!     }
//!   }
//! }
//! ```
//!
//! Keys of a mocked response are 0-based invocation numbers of the Task state (retries
//! included) or inclusive ranges `"N-M"`. A Task state missing from the test case, or an
//! invocation no key covers, fails the execution (`States.Runtime`, which no Retry or
//! Catch handles) with a message naming the state: Step Functions Local would call the
//! real service there, which a simulator cannot.
//!
//! The whole file is checked when it is loaded: every problem is reported with the
//! path of the offending key.

use crate::host::{TaskHandler, TaskRequest, TaskResponse};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A problem in a mock file (or in the choice of state machine / test case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockError {
    /// Where: a path of keys such as `MockedResponses.R1."0-2".Throw.Error`; empty for
    /// the whole document.
    pub path: String,
    pub message: String,
}

impl fmt::Display for MockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "mock config: {}", self.message)
        } else {
            write!(f, "mock config: at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for MockError {}

/// One answer of a mocked response.
#[derive(Debug, Clone, PartialEq)]
pub enum MockAnswer {
    /// The task result.
    Return(Value),
    /// The task fails with this error and cause.
    Throw {
        error: String,
        cause: Option<String>,
    },
}

impl MockAnswer {
    fn to_response(&self) -> TaskResponse {
        match self {
            MockAnswer::Return(v) => TaskResponse::Success(v.clone()),
            MockAnswer::Throw { error, cause } => TaskResponse::Failure {
                error: error.clone(),
                cause: cause.clone(),
            },
        }
    }
}

/// A mocked response: answers by invocation number.
#[derive(Debug, Clone, PartialEq)]
pub struct MockedResponse {
    /// Inclusive invocation ranges, sorted and disjoint.
    pub entries: Vec<(u32, u32, MockAnswer)>,
}

impl MockedResponse {
    /// The answer for a 0-based invocation number.
    pub fn answer(&self, invocation: u32) -> Option<&MockAnswer> {
        self.entries
            .iter()
            .find(|(lo, hi, _)| *lo <= invocation && invocation <= *hi)
            .map(|(_, _, a)| a)
    }

    fn describe_keys(&self) -> String {
        let keys: Vec<String> = self
            .entries
            .iter()
            .map(|(lo, hi, _)| {
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}-{hi}")
                }
            })
            .collect();
        keys.join(", ")
    }
}

/// A parsed and checked mock file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MockConfig {
    /// State machine name -> test case name -> Task state name -> response name.
    pub state_machines: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
    pub responses: BTreeMap<String, Arc<MockedResponse>>,
}

fn key_path(parent: &str, key: &str) -> String {
    let simple = !key.starts_with(|c: char| c.is_ascii_digit())
        && !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    let k = if simple {
        key.to_string()
    } else {
        serde_json::to_string(key).unwrap_or_else(|_| key.to_string())
    };
    if parent.is_empty() {
        k
    } else {
        format!("{parent}.{k}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn err<T>(path: &str, message: impl Into<String>) -> Result<T, MockError> {
    Err(MockError {
        path: path.to_string(),
        message: message.into(),
    })
}

fn object<'a>(
    v: &'a Value,
    path: &str,
    what: &str,
) -> Result<&'a serde_json::Map<String, Value>, MockError> {
    match v {
        Value::Object(m) => Ok(m),
        other => err(
            path,
            format!("{what} must be a JSON object, found {}", type_name(other)),
        ),
    }
}

fn parse_invocation_number(s: &str, path: &str, key: &str) -> Result<u32, MockError> {
    let t = s.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return err(
            path,
            format!(
                "invalid invocation key {key:?}: expected a 0-based invocation number (\"0\") or an inclusive range (\"1-3\")"
            ),
        );
    }
    t.parse::<u32>()
        .or_else(|_| err(path, format!("invocation number {t:?} is too large")))
}

fn parse_range(key: &str, path: &str) -> Result<(u32, u32), MockError> {
    match key.split_once('-') {
        Some((a, b)) => {
            let lo = parse_invocation_number(a, path, key)?;
            let hi = parse_invocation_number(b, path, key)?;
            if lo > hi {
                return err(
                    path,
                    format!("invalid invocation range {key:?}: the start is after the end"),
                );
            }
            Ok((lo, hi))
        }
        None => {
            let n = parse_invocation_number(key, path, key)?;
            Ok((n, n))
        }
    }
}

fn parse_answer(v: &Value, path: &str) -> Result<MockAnswer, MockError> {
    let m = object(v, path, "a mocked response entry")?;
    let mut answer = None;
    for (k, val) in m {
        let p = key_path(path, k);
        let a = match k.as_str() {
            "Return" => MockAnswer::Return(val.clone()),
            "Throw" => {
                let t = object(val, &p, "\"Throw\"")?;
                for key in t.keys() {
                    if key != "Error" && key != "Cause" {
                        return err(
                            &key_path(&p, key),
                            format!("unknown field {key:?} in \"Throw\" (expected \"Error\" and \"Cause\")"),
                        );
                    }
                }
                let error = match t.get("Error") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => {
                        return err(
                            &key_path(&p, "Error"),
                            format!("\"Error\" must be a string, found {}", type_name(other)),
                        )
                    }
                    None => return err(&p, "\"Throw\" needs an \"Error\" string"),
                };
                let cause = match t.get("Cause") {
                    Some(Value::String(s)) => Some(s.clone()),
                    None => None,
                    Some(other) => {
                        return err(
                            &key_path(&p, "Cause"),
                            format!("\"Cause\" must be a string, found {}", type_name(other)),
                        )
                    }
                };
                MockAnswer::Throw { error, cause }
            }
            other => {
                return err(
                    &p,
                    format!("unknown field {other:?} (a mocked response entry has exactly one of \"Return\" or \"Throw\")"),
                )
            }
        };
        if answer.is_some() {
            return err(
                path,
                "a mocked response entry has exactly one of \"Return\" or \"Throw\", not both",
            );
        }
        answer = Some(a);
    }
    answer.ok_or_else(|| MockError {
        path: path.to_string(),
        message: "empty mocked response entry: expected \"Return\" or \"Throw\"".into(),
    })
}

fn parse_response(v: &Value, path: &str) -> Result<MockedResponse, MockError> {
    let m = object(v, path, "a mocked response")?;
    if m.is_empty() {
        return err(
            path,
            "a mocked response needs at least one invocation entry (\"0\": {\"Return\": …})",
        );
    }
    let mut entries: Vec<(u32, u32, MockAnswer, String)> = Vec::new();
    for (k, val) in m {
        let p = key_path(path, k);
        let (lo, hi) = parse_range(k, &p)?;
        let answer = parse_answer(val, &p)?;
        entries.push((lo, hi, answer, k.clone()));
    }
    entries.sort_by_key(|e| (e.0, e.1));
    for w in entries.windows(2) {
        if w[1].0 <= w[0].1 {
            return err(
                path,
                format!("invocation keys {:?} and {:?} overlap", w[0].3, w[1].3),
            );
        }
    }
    Ok(MockedResponse {
        entries: entries
            .into_iter()
            .map(|(lo, hi, a, _)| (lo, hi, a))
            .collect(),
    })
}

impl MockConfig {
    /// Parses mock file text.
    pub fn from_text(text: &str) -> Result<MockConfig, MockError> {
        let v: Value = serde_json::from_str(text).map_err(|e| MockError {
            path: String::new(),
            message: format!("invalid JSON: {e}"),
        })?;
        MockConfig::from_value(&v)
    }

    /// Checks and converts a parsed mock file.
    pub fn from_value(v: &Value) -> Result<MockConfig, MockError> {
        let top = object(v, "", "the mock config")?;
        for k in top.keys() {
            if k != "StateMachines" && k != "MockedResponses" {
                return err(
                    &key_path("", k),
                    format!("unknown top-level field {k:?} (expected \"StateMachines\" and \"MockedResponses\")"),
                );
            }
        }
        let mut cfg = MockConfig::default();
        if let Some(r) = top.get("MockedResponses") {
            for (name, resp) in object(r, "MockedResponses", "\"MockedResponses\"")? {
                let p = key_path("MockedResponses", name);
                cfg.responses
                    .insert(name.clone(), Arc::new(parse_response(resp, &p)?));
            }
        }
        let Some(sms) = top.get("StateMachines") else {
            return err("", "missing \"StateMachines\"");
        };
        for (sm_name, sm) in object(sms, "StateMachines", "\"StateMachines\"")? {
            let sm_path = key_path("StateMachines", sm_name);
            let sm_obj = object(sm, &sm_path, "a state machine entry")?;
            for k in sm_obj.keys() {
                if k != "TestCases" {
                    return err(
                        &key_path(&sm_path, k),
                        format!("unknown field {k:?} (a state machine entry has \"TestCases\")"),
                    );
                }
            }
            let Some(tcs) = sm_obj.get("TestCases") else {
                return err(&sm_path, "missing \"TestCases\"");
            };
            let tc_path = key_path(&sm_path, "TestCases");
            let mut cases = BTreeMap::new();
            for (tc_name, tc) in object(tcs, &tc_path, "\"TestCases\"")? {
                let p = key_path(&tc_path, tc_name);
                let mut states = BTreeMap::new();
                for (state, resp) in object(tc, &p, "a test case")? {
                    let sp = key_path(&p, state);
                    let Value::String(resp_name) = resp else {
                        return err(
                            &sp,
                            format!(
                                "a test case maps a Task state name to a mocked response name (a string), found {}",
                                type_name(resp)
                            ),
                        );
                    };
                    if !cfg.responses.contains_key(resp_name) {
                        return err(
                            &sp,
                            format!(
                                "no mocked response named {resp_name:?} in \"MockedResponses\""
                            ),
                        );
                    }
                    states.insert(state.clone(), resp_name.clone());
                }
                cases.insert(tc_name.clone(), states);
            }
            cfg.state_machines.insert(sm_name.clone(), cases);
        }
        Ok(cfg)
    }

    /// The state machine entry to use: `name`, or the only one when `name` is `None`.
    pub fn state_machine_name<'a>(&'a self, name: Option<&'a str>) -> Result<&'a str, MockError> {
        let names = || {
            self.state_machines
                .keys()
                .map(|k| format!("{k:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match name {
            Some(n) if self.state_machines.contains_key(n) => Ok(n),
            Some(n) => err(
                "StateMachines",
                format!("no state machine named {n:?} (the file has: {})", names()),
            ),
            None if self.state_machines.len() == 1 => Ok(self
                .state_machines
                .keys()
                .next()
                .map(String::as_str)
                .unwrap_or("")),
            None => err(
                "StateMachines",
                format!(
                    "the file has {} state machines ({}): name one",
                    self.state_machines.len(),
                    names()
                ),
            ),
        }
    }

    /// A task handler answering the Task states of one test case.
    pub fn handler(&self, state_machine: &str, test_case: &str) -> Result<MockHandler, MockError> {
        let sm = self.state_machine_name(Some(state_machine))?;
        let cases = &self.state_machines[sm];
        let Some(tc) = cases.get(test_case) else {
            let names: Vec<String> = cases.keys().map(|k| format!("{k:?}")).collect();
            return err(
                &key_path(&key_path("StateMachines", sm), "TestCases"),
                format!(
                    "no test case named {test_case:?} (state machine {sm:?} has: {})",
                    names.join(", ")
                ),
            );
        };
        let states = tc
            .iter()
            .map(|(state, resp)| (state.clone(), (resp.clone(), self.responses[resp].clone())))
            .collect();
        Ok(MockHandler {
            test_case: test_case.to_string(),
            states,
            fallback: None,
        })
    }
}

/// Answers Task states from one test case of a mock file.
pub struct MockHandler {
    test_case: String,
    /// Task state name -> (response name, response).
    states: BTreeMap<String, (String, Arc<MockedResponse>)>,
    fallback: Option<Box<dyn TaskHandler>>,
}

impl MockHandler {
    /// Task states the test case does not list are passed to `fallback` instead of
    /// failing.
    pub fn with_fallback(mut self, fallback: Box<dyn TaskHandler>) -> MockHandler {
        self.fallback = Some(fallback);
        self
    }
}

impl fmt::Debug for MockHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockHandler")
            .field("test_case", &self.test_case)
            .field("states", &self.states)
            .field("fallback", &self.fallback.is_some())
            .finish()
    }
}

impl TaskHandler for MockHandler {
    fn invoke(&mut self, request: &TaskRequest) -> TaskResponse {
        let Some((resp_name, resp)) = self.states.get(&*request.state_name) else {
            if let Some(f) = self.fallback.as_mut() {
                return f.invoke(request);
            }
            return TaskResponse::Failure {
                error: crate::error::RUNTIME.into(),
                cause: Some(format!(
                    "The mock test case '{}' has no entry for the Task state '{}' (resource '{}'): Step Functions Local would call the real service here; add the state to the test case.",
                    self.test_case, request.state_name, request.resource
                )),
            };
        };
        match resp.answer(request.invocation) {
            Some(a) => a.to_response(),
            None => TaskResponse::Failure {
                error: crate::error::RUNTIME.into(),
                cause: Some(format!(
                    "The mocked response '{}' has no entry for invocation {} (0-based, retries included) of the Task state '{}'; it covers: {}.",
                    resp_name,
                    request.invocation,
                    request.state_name,
                    resp.describe_keys()
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(state: &str, invocation: u32) -> TaskRequest {
        TaskRequest {
            id: 1,
            state_name: state.into(),
            resource: "arn:aws:states:::lambda:invoke".into(),
            input: json!({}).into(),
            invocation,
            task_token: None,
        }
    }

    const SAMPLE: &str = r#"{
      "StateMachines": {
        "LambdaSQSIntegration": {
          "TestCases": {
            "HappyPath": { "LambdaState": "MockedLambdaSuccess" },
            "RetryPath": { "LambdaState": "MockedLambdaRetry" }
          }
        }
      },
      "MockedResponses": {
        "MockedLambdaSuccess": { "0": { "Return": { "StatusCode": 200, "Payload": { "ok": true } } } },
        "MockedLambdaRetry": {
          "0": { "Throw": { "Error": "Lambda.ResourceNotReadyException", "Cause": "not ready" } },
          "1-2": { "Throw": { "Error": "Lambda.TimeoutException", "Cause": "Lambda timed out." } },
          "3": { "Return": { "StatusCode": 200, "Payload": "done" } }
        }
      }
    }"#;

    #[test]
    fn answers_by_invocation_number() {
        let cfg = MockConfig::from_text(SAMPLE).unwrap();
        let mut h = cfg.handler("LambdaSQSIntegration", "RetryPath").unwrap();
        assert_eq!(
            h.invoke(&req("LambdaState", 0)),
            TaskResponse::Failure {
                error: "Lambda.ResourceNotReadyException".into(),
                cause: Some("not ready".into())
            }
        );
        for i in 1..=2 {
            assert!(matches!(
                h.invoke(&req("LambdaState", i)),
                TaskResponse::Failure { error, .. } if error == "Lambda.TimeoutException"
            ));
        }
        assert_eq!(
            h.invoke(&req("LambdaState", 3)),
            TaskResponse::Success(json!({"StatusCode": 200, "Payload": "done"}))
        );
        match h.invoke(&req("LambdaState", 4)) {
            TaskResponse::Failure { error, cause } => {
                assert_eq!(error, "States.Runtime");
                let c = cause.unwrap();
                assert!(c.contains("invocation 4"), "{c}");
                assert!(c.contains("'LambdaState'"), "{c}");
                assert!(c.contains("0, 1-2, 3"), "{c}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unlisted_task_state_fails_with_its_name_or_uses_fallback() {
        let cfg = MockConfig::from_text(SAMPLE).unwrap();
        let mut h = cfg.handler("LambdaSQSIntegration", "HappyPath").unwrap();
        match h.invoke(&req("SQSState", 0)) {
            TaskResponse::Failure { error, cause } => {
                assert_eq!(error, "States.Runtime");
                assert!(cause.unwrap().contains("'SQSState'"));
            }
            other => panic!("{other:?}"),
        }
        let mut h = cfg
            .handler("LambdaSQSIntegration", "HappyPath")
            .unwrap()
            .with_fallback(Box::new(|_: &TaskRequest| TaskResponse::Success(json!(7))));
        assert_eq!(
            h.invoke(&req("SQSState", 0)),
            TaskResponse::Success(json!(7))
        );
        assert_eq!(
            h.invoke(&req("LambdaState", 0)),
            TaskResponse::Success(json!({"StatusCode": 200, "Payload": {"ok": true}}))
        );
    }

    #[test]
    fn unknown_state_machine_or_test_case() {
        let cfg = MockConfig::from_text(SAMPLE).unwrap();
        let e = cfg.handler("Nope", "HappyPath").unwrap_err();
        assert!(e.message.contains("\"LambdaSQSIntegration\""), "{e}");
        let e = cfg.handler("LambdaSQSIntegration", "Sad").unwrap_err();
        assert!(e.message.contains("\"HappyPath\""), "{e}");
        assert_eq!(e.path, "StateMachines.LambdaSQSIntegration.TestCases");
        assert_eq!(
            cfg.state_machine_name(None).unwrap(),
            "LambdaSQSIntegration"
        );
    }

    fn bad(text: &str) -> MockError {
        MockConfig::from_text(text).unwrap_err()
    }

    #[test]
    fn malformed_files_name_the_key_and_the_problem() {
        assert!(bad("{").message.contains("invalid JSON"));
        assert!(bad("[]").message.contains("must be a JSON object"));
        assert!(bad("{}").message.contains("missing \"StateMachines\""));
        let e = bad(r#"{"StateMachines": {}, "Mocked": {}}"#);
        assert_eq!(e.path, "Mocked");
        let e = bad(r#"{"StateMachines": {"S": {"TestCases": {"T": {"A": "R"}}}}}"#);
        assert_eq!(e.path, "StateMachines.S.TestCases.T.A");
        assert!(e.message.contains("no mocked response named \"R\""));
        let e = bad(r#"{"StateMachines": {"S": {"TestCases": {"T": {"A": 1}}}}}"#);
        assert!(e.message.contains("found a number"), "{e}");
        let e = bad(r#"{"StateMachines": {"S": {}}}"#);
        assert!(e.message.contains("missing \"TestCases\""));
        let e = bad(r#"{"StateMachines": {}, "MockedResponses": {"R": {"x": {"Return": 1}}}}"#);
        assert_eq!(e.path, "MockedResponses.R.x");
        assert!(e.message.contains("invalid invocation key"));
        let e = bad(r#"{"StateMachines": {}, "MockedResponses": {"R": {"2-1": {"Return": 1}}}}"#);
        assert!(e.message.contains("start is after the end"));
        let e = bad(
            r#"{"StateMachines": {}, "MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}"#,
        );
        assert!(e.message.contains("overlap"), "{e}");
        let e = bad(
            r#"{"StateMachines": {}, "MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}}"#,
        );
        assert!(e.message.contains("not both"), "{e}");
        let e = bad(r#"{"StateMachines": {}, "MockedResponses": {"R": {"0": {}}}}"#);
        assert!(e.message.contains("empty"), "{e}");
        let e = bad(
            r#"{"StateMachines": {}, "MockedResponses": {"R": {"0": {"Throw": {"Cause": "c"}}}}}"#,
        );
        assert!(e.message.contains("needs an \"Error\""), "{e}");
        let e = bad(
            r#"{"StateMachines": {}, "MockedResponses": {"R": {"0": {"Throw": {"Error": 5}}}}}"#,
        );
        assert_eq!(e.path, r#"MockedResponses.R."0".Throw.Error"#);
        let e = bad(r#"{"StateMachines": {}, "MockedResponses": {"R": {"0": {"Retrun": 1}}}}"#);
        assert!(e.message.contains("unknown field \"Retrun\""), "{e}");
        let e = bad(r#"{"StateMachines": {}, "MockedResponses": {"R": {}}}"#);
        assert!(e.message.contains("at least one"), "{e}");
        let e = bad(
            r#"{"StateMachines": {}, "MockedResponses": {"R": {"99999999999": {"Return": 1}}}}"#,
        );
        assert!(e.message.contains("too large"), "{e}");
        assert!(e.to_string().starts_with("mock config: at "));
    }

    #[test]
    fn throw_without_cause_is_accepted() {
        let cfg = MockConfig::from_text(
            r#"{"StateMachines": {"S": {"TestCases": {"T": {"A": "R"}}}},
                "MockedResponses": {"R": {"0": {"Throw": {"Error": "E"}}}}}"#,
        )
        .unwrap();
        let mut h = cfg.handler("S", "T").unwrap();
        assert_eq!(
            h.invoke(&req("A", 0)),
            TaskResponse::Failure {
                error: "E".into(),
                cause: None
            }
        );
    }
}
