//! Per-state data-flow inspection, as the TestState API reports it at the DEBUG level:
//! the input, each step of the JSONPath (or JSONata) data flow, the output, the
//! variables after the state, and how an error was handled.
//!
//! Recorded only when `ExecutionOptions::inspect` is on (it copies values).

use super::*;

/// How an error in the state was handled (`InspectionErrorDetails`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorDetails {
    pub retry_index: Option<usize>,
    pub retry_backoff_interval_seconds: Option<f64>,
    pub catch_index: Option<usize>,
}

/// The data flow of one state visit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inspection {
    pub state: String,
    /// The id of the visit's `*StateEntered` event.
    pub entered_event_id: u64,
    pub input: Option<Value>,
    pub after_input_path: Option<Value>,
    pub after_parameters: Option<Value>,
    pub after_arguments: Option<Value>,
    pub result: Option<Value>,
    pub after_result_selector: Option<Value>,
    pub after_result_path: Option<Value>,
    pub after_items_path: Option<Value>,
    pub after_item_selector: Option<Vec<Value>>,
    pub max_concurrency: Option<u64>,
    pub tolerated_failure_count: Option<u64>,
    pub tolerated_failure_percentage: Option<f64>,
    pub output: Option<Value>,
    /// Every visible variable after the state.
    pub variables: Option<Map<String, Value>>,
    pub error_details: Option<ErrorDetails>,
}

fn text(v: &Value) -> Value {
    Value::String(serde_json::to_string(v).unwrap_or_default())
}

impl Inspection {
    /// The TestState API's `inspectionData` shape (payloads as JSON strings).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        let mut put = |k: &str, v: &Option<Value>| {
            if let Some(v) = v {
                m.insert(k.into(), text(v));
            }
        };
        put("input", &self.input);
        put("afterInputPath", &self.after_input_path);
        put("afterParameters", &self.after_parameters);
        put("afterArguments", &self.after_arguments);
        put("result", &self.result);
        put("afterResultSelector", &self.after_result_selector);
        put("afterResultPath", &self.after_result_path);
        put("afterItemsPath", &self.after_items_path);
        if let Some(items) = &self.after_item_selector {
            m.insert(
                "afterItemSelector".into(),
                text(&Value::Array(items.clone())),
            );
        }
        if let Some(n) = self.max_concurrency {
            m.insert("maxConcurrency".into(), json!(n));
        }
        if let Some(n) = self.tolerated_failure_count {
            m.insert("toleratedFailureCount".into(), json!(n));
        }
        if let Some(n) = self.tolerated_failure_percentage {
            m.insert("toleratedFailurePercentage".into(), json!(n));
        }
        if let Some(vars) = &self.variables {
            m.insert("variables".into(), text(&Value::Object(vars.clone())));
        }
        if let Some(d) = &self.error_details {
            let mut e = Map::new();
            if let Some(i) = d.retry_index {
                e.insert("retryIndex".into(), json!(i));
            }
            if let Some(s) = d.retry_backoff_interval_seconds {
                e.insert("retryBackoffIntervalSeconds".into(), json!(s));
            }
            if let Some(i) = d.catch_index {
                e.insert("catchIndex".into(), json!(i));
            }
            m.insert("errorDetails".into(), Value::Object(e));
        }
        Value::Object(m)
    }
}

impl Execution {
    /// Every recorded state visit, in the order the states were entered (empty unless
    /// `ExecutionOptions::inspect`).
    pub fn inspections(&self) -> &[Inspection] {
        &self.inspections
    }

    /// The visit whose `*StateEntered` event has this id.
    pub fn inspection(&self, entered_event_id: u64) -> Option<&Inspection> {
        self.inspections
            .binary_search_by_key(&entered_event_id, |i| i.entered_event_id)
            .ok()
            .map(|i| &self.inspections[i])
    }

    /// Starts recording a visit (called right after the Entered event).
    pub(super) fn inspect_enter(&mut self, fid: FiberId, entered_id: u64, input: &Value) {
        if !self.opts.inspect || entered_id == 0 {
            return;
        }
        let sid = self.fiber(fid).state;
        let state = self.sm.state(sid).name.to_string();
        self.inspections.push(Inspection {
            state,
            entered_event_id: entered_id,
            input: Some(input.clone()),
            ..Default::default()
        });
        self.fiber(fid).inspection = Some(self.inspections.len() - 1);
    }

    /// Updates the fiber's current visit, when inspection is on.
    pub(super) fn inspect(&mut self, fid: FiberId, f: impl FnOnce(&mut Inspection)) {
        if !self.opts.inspect {
            return;
        }
        let Some(i) = self
            .fibers
            .get(fid)
            .and_then(|f| f.as_ref())
            .and_then(|f| f.inspection)
        else {
            return;
        };
        if let Some(insp) = self.inspections.get_mut(i) {
            f(insp);
        }
    }

    pub(super) fn inspecting(&self) -> bool {
        self.opts.inspect
    }
}
