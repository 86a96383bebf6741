//! The JSONata query language in the engine: `Arguments`, `Output`, `Assign`,
//! `Condition`, `Items`, `ItemSelector`, expression-valued numbers and timestamps, and
//! JSONata catchers. Failures are `States.QueryEvaluationError`, recorded with an
//! `EvaluationFailed` event naming the field.

use super::*;
use crate::jsonata::{self, Template as Ata, TemplateError};

pub(super) const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";

/// What `$states` holds besides `context`.
pub(super) struct AtaInputs<'a> {
    pub input: &'a Value,
    pub result: Option<&'a Value>,
    pub error_output: Option<&'a Value>,
    pub map_item: Option<(usize, &'a Value)>,
    pub token: Option<&'a str>,
}

impl<'a> AtaInputs<'a> {
    pub fn input(input: &'a Value) -> Self {
        AtaInputs {
            input,
            result: None,
            error_output: None,
            map_item: None,
            token: None,
        }
    }
}

/// JSON type names as the service words them.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The expression text of a template that is one expression (for error messages).
fn expression_text(t: &Ata) -> Option<&str> {
    match t {
        Ata::Expression { expr, .. } => Some(expr.text()),
        _ => None,
    }
}

impl Execution {
    /// Converts `$states` once for every expression of one evaluation step.
    fn ata_states(&self, fid: FiberId, i: &AtaInputs<'_>) -> jsonata::States {
        let mut env = self.env(fid, i.input);
        env.map_item = i.map_item;
        env.token = i.token;
        jsonata::States::new(i.input, env.context(), i.result, i.error_output)
    }

    /// Runs `f` with one `$states` conversion and the workflow variables in scope.
    fn with_ata_scope<R>(
        &mut self,
        fid: FiberId,
        i: &AtaInputs<'_>,
        f: impl FnOnce(&jsonata::Scope<'_>, &mut Rng) -> R,
    ) -> R {
        let states = self.ata_states(fid, i);
        let vars = self.fiber(fid).vars.clone();
        let lookup = |name: &str| vars.get(name);
        let scope = jsonata::Scope {
            states: &states,
            variable: &lookup,
        };
        let mut rng = std::mem::replace(&mut self.rng, Rng::new(0));
        let out = f(&scope, &mut rng);
        self.rng = rng;
        out
    }

    /// Evaluates templates against one `$states`; errors are recorded.
    fn ata_eval_all<const N: usize>(
        &mut self,
        fid: FiberId,
        templates: [Option<&Ata>; N],
        i: &AtaInputs<'_>,
    ) -> Result<[Option<Value>; N], StateError> {
        if templates.iter().all(Option::is_none) {
            return Ok(std::array::from_fn(|_| None));
        }
        let result = self.with_ata_scope(fid, i, |scope, rng| {
            let mut out: [Option<Value>; N] = std::array::from_fn(|_| None);
            for (slot, t) in out.iter_mut().zip(templates) {
                if let Some(t) = t {
                    *slot = Some(t.eval(scope, rng)?);
                }
            }
            Ok(out)
        });
        result.map_err(|e| self.ata_failure(fid, e))
    }

    fn ata_eval(&mut self, fid: FiberId, t: &Ata, i: &AtaInputs<'_>) -> Result<Value, StateError> {
        let [v] = self.ata_eval_all(fid, [Some(t)], i)?;
        Ok(v.unwrap_or(Value::Null))
    }

    /// Records `EvaluationFailed` and returns the state error.
    pub(super) fn ata_failure(&mut self, fid: FiberId, e: TemplateError) -> StateError {
        self.query_error(fid, Some(e.location), e.cause)
    }

    pub(super) fn query_error(
        &mut self,
        fid: FiberId,
        location: Option<String>,
        detail: String,
    ) -> StateError {
        let e = self.runtime(fid, detail);
        let e = StateError {
            error: QUERY_EVALUATION_ERROR.into(),
            cause: e.cause,
        };
        let sid = self.fiber(fid).state;
        let state = self.sm.state(sid).name.to_string();
        // As recorded: the event hangs off the Entered event's parent, except for a
        // Wait's Seconds/Timestamp, evaluated after the state was entered.
        let prev = match location.as_deref() {
            Some("Seconds" | "Timestamp") => self.fiber(fid).entered_id,
            _ => self.fiber(fid).entered_prev,
        };
        let id = self.emit(
            prev,
            EventType::EvaluationFailed,
            Details::EvaluationFailed {
                error: e.error.clone(),
                cause: e.cause.clone().unwrap_or_default(),
                location,
                state,
            },
        );
        if id != 0 {
            self.fiber(fid).prev = id;
        }
        e
    }

    /// `The JSONata expression '…' specified for the field '…' returned an
    /// unexpected result type. Expected '…', but was '…' for value: …`
    fn unexpected_type(
        &mut self,
        fid: FiberId,
        t: &Ata,
        field: &str,
        expected: &str,
        v: &Value,
    ) -> StateError {
        let detail = match expression_text(t) {
            Some(text) => format!(
                "The JSONata expression '{text}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {}",
                type_name(v),
                serde_json::to_string(v).unwrap_or_default()
            ),
            None => format!(
                "The field '{field}' has an unexpected type. Expected '{expected}', but was '{}' for value: {}",
                type_name(v),
                serde_json::to_string(v).unwrap_or_default()
            ),
        };
        self.query_error(fid, Some(field.to_string()), detail)
    }

    /// An expression-valued non-negative integer field (`TimeoutSeconds`, …).
    pub(super) fn ata_integer(
        &mut self,
        fid: FiberId,
        t: &Ata,
        field: &str,
        i: &AtaInputs<'_>,
        positive: bool,
    ) -> Result<u64, StateError> {
        let v = self.ata_eval(fid, t, i)?;
        match v.as_f64() {
            Some(n) if n.fract() == 0.0 && n >= if positive { 1.0 } else { 0.0 } && n < 1e15 => {
                Ok(n as u64)
            }
            _ => Err(self.unexpected_type(
                fid,
                t,
                field,
                if positive {
                    "positive integer"
                } else {
                    "non-negative integer"
                },
                &v,
            )),
        }
    }

    fn ata_number(
        &mut self,
        fid: FiberId,
        t: &Ata,
        field: &str,
        i: &AtaInputs<'_>,
    ) -> Result<f64, StateError> {
        let v = self.ata_eval(fid, t, i)?;
        match v.as_f64() {
            Some(n) => Ok(n),
            None => Err(self.unexpected_type(fid, t, field, "number", &v)),
        }
    }

    /// `Assign` of a JSONata state, rule or catcher.
    pub(super) fn ata_assign(
        &mut self,
        fid: FiberId,
        assign: Option<&Assign>,
        i: &AtaInputs<'_>,
    ) -> Result<Option<Map<String, Value>>, StateError> {
        let Some(a) = assign else { return Ok(None) };
        match a {
            Assign::Ata(t) => match self.ata_eval(fid, t, i)? {
                Value::Object(m) => Ok(Some(m)),
                _ => Ok(None),
            },
            Assign::Path(t) => match self.eval_template(fid, t, i.input, None, None)? {
                Value::Object(m) => Ok(Some(m)),
                _ => Ok(None),
            },
        }
    }

    /// `Output` (default: `default`) and `Assign`, evaluated against the same values.
    fn ata_output_and_assign(
        &mut self,
        fid: FiberId,
        output: Option<&Ata>,
        assign: Option<&Assign>,
        i: &AtaInputs<'_>,
        default: Value,
    ) -> Result<(Value, Option<Map<String, Value>>), StateError> {
        let ata_assign = match assign {
            Some(Assign::Ata(t)) => Some(t),
            _ => None,
        };
        let [out, vars] = self.ata_eval_all(fid, [output, ata_assign], i)?;
        let vars = match (assign, vars) {
            (Some(Assign::Ata(_)), Some(Value::Object(m))) => Some(m),
            (Some(Assign::Path(_)), _) => self.ata_assign(fid, assign, i)?,
            _ => None,
        };
        Ok((out.unwrap_or(default), vars))
    }

    /// The body of a JSONata state, after its Entered event.
    pub(super) fn ata_state_body(
        &mut self,
        fid: FiberId,
        st: &State,
        input: &Payload,
    ) -> Result<(), StateError> {
        let empty = AtaFields::default();
        let f: &AtaFields = st.ata.as_deref().unwrap_or(&empty);
        let i = AtaInputs::input(input);
        match &st.kind {
            Kind::Pass { .. } | Kind::Succeed => {
                let (out, vars) = self.ata_output_and_assign(
                    fid,
                    f.output.as_ref(),
                    st.assign.as_ref(),
                    &i,
                    (**input).clone(),
                )?;
                self.exit_state(fid, Arc::new(out), vars, st.next);
                Ok(())
            }
            Kind::Fail { error, cause } => {
                let [e, c] = self.ata_eval_all(fid, [f.error.as_ref(), f.cause.as_ref()], &i)?;
                let text = |v: Option<Value>, lit: &FailField| match (v, lit) {
                    (Some(Value::String(s)), _) => Some(s),
                    (Some(other), _) => Some(other.to_string()),
                    (None, FailField::Literal(s)) => Some(s.clone()),
                    (None, _) => None,
                };
                let err = StateError {
                    error: text(e, error).unwrap_or_default(),
                    cause: text(c, cause),
                };
                let prev = self.fiber(fid).prev;
                self.fiber_failed(fid, err, prev, true);
                Ok(())
            }
            Kind::Choice { branches, default } => {
                // Every Condition sees the same `$states`, converted once.
                enum Miss {
                    Eval(TemplateError),
                    NotBoolean(usize, Value),
                }
                let verdict = self.with_ata_scope(fid, &i, |scope, rng| {
                    for (n, b) in branches.iter().enumerate() {
                        if let Condition::Ata(t) = &b.condition {
                            match t.eval(scope, rng).map_err(Miss::Eval)? {
                                Value::Bool(true) => return Ok(Some(n)),
                                Value::Bool(false) => {}
                                other => return Err(Miss::NotBoolean(n, other)),
                            }
                        }
                    }
                    Ok(None)
                });
                let chosen = match verdict {
                    Ok(n) => n.map(|n| {
                        let b = &branches[n];
                        (b.next, b.assign.as_ref(), b.output.as_ref())
                    }),
                    Err(Miss::Eval(e)) => return Err(self.ata_failure(fid, e)),
                    Err(Miss::NotBoolean(n, v)) => {
                        let Condition::Ata(t) = &branches[n].condition else {
                            return Err(self.runtime(fid, "a Choice rule is not a Condition"));
                        };
                        return Err(self.unexpected_type(fid, t, "Condition", "boolean", &v));
                    }
                };
                let (next, assign, output) = match chosen {
                    Some(c) => c,
                    None => match default {
                        Some(d) => (*d, st.assign.as_ref(), f.output.as_ref()),
                        None => {
                            return Err(StateError::new(
                                error::NO_CHOICE_MATCHED,
                                format!(
                                    "An error occurred while executing the state '{}' (entered at the event id #{}). Failed to transition out of the state. The state does not point to a next state.",
                                    st.name,
                                    self.fiber(fid).entered_id
                                ),
                            ))
                        }
                    },
                };
                let (out, vars) =
                    self.ata_output_and_assign(fid, output, assign, &i, (**input).clone())?;
                self.exit_state(fid, Arc::new(out), vars, Some(next));
                Ok(())
            }
            Kind::Wait(w) => {
                let until = match (w, &f.seconds, &f.timestamp) {
                    (_, Some(t), _) => {
                        let s = self.ata_integer(fid, t, "Seconds", &i, false)?;
                        self.now.saturating_add((s as i64).saturating_mul(1000))
                    }
                    (_, None, Some(t)) => {
                        let v = self.ata_eval(fid, t, &i)?;
                        match v.as_str().and_then(timestamp::parse) {
                            Some(ts) => ts.millis(),
                            None => {
                                let shown = match &v {
                                    Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                };
                                return Err(self.query_error(
                                    fid,
                                    Some("Timestamp".into()),
                                    format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {shown}"),
                                ));
                            }
                        }
                    }
                    (w, None, None) => self.wait_until(fid, w, input)?,
                };
                let (out, vars) = self.ata_output_and_assign(
                    fid,
                    f.output.as_ref(),
                    st.assign.as_ref(),
                    &i,
                    (**input).clone(),
                )?;
                self.start_wait(fid, until, out, vars);
                Ok(())
            }
            Kind::Task { .. } | Kind::Map { .. } => {
                self.fiber(fid).effective = Some(input.clone().into());
                if matches!(st.kind, Kind::Task { .. }) {
                    self.run_task(fid);
                } else {
                    self.start_group(fid);
                }
                Ok(())
            }
            Kind::Parallel { .. } => {
                let args = match &f.arguments {
                    Some(t) => Arc::new(self.ata_eval(fid, t, &i)?),
                    None => input.clone(),
                };
                self.fiber(fid).effective = Some(args.into());
                self.start_group(fid);
                Ok(())
            }
        }
    }

    /// A Task's `Arguments` (default: the state input), with the task token visible
    /// at `$states.context.Task.Token`.
    pub(super) fn ata_arguments(
        &mut self,
        fid: FiberId,
        st: &State,
        input: &Value,
        token: Option<&str>,
    ) -> Result<Value, StateError> {
        match st.ata.as_deref().and_then(|f| f.arguments.as_ref()) {
            Some(t) => {
                let mut i = AtaInputs::input(input);
                i.token = token;
                self.ata_eval(fid, t, &i)
            }
            None => Ok(input.clone()),
        }
    }

    /// `TimeoutSeconds` / `HeartbeatSeconds` given as expressions.
    pub(super) fn ata_task_seconds(
        &mut self,
        fid: FiberId,
        st: &State,
        input: &Value,
    ) -> Result<(Option<u64>, Option<u64>), StateError> {
        let Some(f) = st.ata.as_deref() else {
            return Ok((None, None));
        };
        let i = AtaInputs::input(input);
        let timeout = match &f.timeout_seconds {
            Some(t) => Some(self.ata_integer(fid, t, "TimeoutSeconds", &i, true)?),
            None => None,
        };
        let heartbeat = match &f.heartbeat_seconds {
            Some(t) => Some(self.ata_integer(fid, t, "HeartbeatSeconds", &i, true)?),
            None => None,
        };
        Ok((timeout, heartbeat))
    }

    /// `Output` and `Assign` of a Task, Parallel or Map with its result.
    pub(super) fn ata_after_result(&mut self, fid: FiberId, st: &State, result: Produced) {
        let input = self.fiber(fid).input.payload();
        let mut i = AtaInputs::input(&input);
        i.result = Some(result.value());
        let output = st.ata.as_deref().and_then(|f| f.output.as_ref());
        let r = result.value().clone();
        match self.ata_output_and_assign(fid, output, st.assign.as_ref(), &i, r) {
            Ok((out, vars)) => self.exit_state(fid, Arc::new(out), vars, st.next),
            Err(e) => self.handle_error(fid, e),
        }
    }

    /// A JSONata catcher: `Output` (default: the error output) and `Assign` see
    /// `$states.errorOutput`.
    pub(super) fn ata_catch(
        &mut self,
        fid: FiberId,
        c: &Catcher,
        error_output: Value,
    ) -> Result<(Value, Option<Map<String, Value>>), StateError> {
        let input = self.fiber(fid).input.payload();
        let mut i = AtaInputs::input(&input);
        i.error_output = Some(&error_output);
        self.ata_output_and_assign(
            fid,
            c.output.as_ref(),
            c.assign.as_ref(),
            &i,
            error_output.clone(),
        )
    }

    /// Map items (`Items`, default: the state input) and the numbers of a JSONata Map.
    pub(super) fn ata_map_setup(
        &mut self,
        fid: FiberId,
        st: &State,
        input: &Value,
    ) -> Result<MapSetup, StateError> {
        let empty = AtaFields::default();
        let f: &AtaFields = st.ata.as_deref().unwrap_or(&empty);
        let i = AtaInputs::input(input);
        let items = match &f.items {
            Some(t) => match self.ata_eval(fid, t, &i)? {
                Value::Array(a) => a,
                other => return Err(self.unexpected_type(fid, t, "Items", "array", &other)),
            },
            None => match input {
                Value::Array(a) => a.clone(),
                other => {
                    return Err(self.query_error(
                        fid,
                        None,
                        format!(
                            "Map state input must be an array but was: {}",
                            serde_json::to_string(other).unwrap_or_default()
                        ),
                    ))
                }
            },
        };
        let (max_concurrency, tolerated_count, tolerated_pct) = match &st.kind {
            Kind::Map {
                max_concurrency,
                tolerated_failure_count,
                tolerated_failure_percentage,
                ..
            } => (
                max_concurrency,
                tolerated_failure_count,
                tolerated_failure_percentage,
            ),
            _ => (&None, &None, &None),
        };
        let mc = match (&f.max_concurrency, max_concurrency) {
            (Some(t), _) => self.ata_integer(fid, t, "MaxConcurrency", &i, false)? as f64,
            (None, Some(src)) => self.number(fid, src, "MaxConcurrency", input, false)?,
            (None, None) => 0.0,
        };
        let tc = match (&f.tolerated_failure_count, tolerated_count) {
            (Some(t), _) => Some(self.ata_integer(fid, t, "ToleratedFailureCount", &i, false)?),
            (None, Some(src)) => Some(
                self.number(fid, src, "ToleratedFailureCount", input, false)?
                    .max(0.0) as u64,
            ),
            (None, None) => None,
        };
        let tp = match (&f.tolerated_failure_percentage, tolerated_pct) {
            (Some(t), _) => {
                let n = self.ata_number(fid, t, "ToleratedFailurePercentage", &i)?;
                if !(0.0..=100.0).contains(&n) {
                    return Err(self.query_error(
                        fid,
                        Some("ToleratedFailurePercentage".into()),
                        "ToleratedFailurePercentage must be between 0 and 100.".into(),
                    ));
                }
                Some(n)
            }
            (None, Some(src)) => {
                Some(self.number(fid, src, "ToleratedFailurePercentage", input, true)?)
            }
            (None, None) => None,
        };
        Ok((items, mc.max(0.0) as usize, tc, tp))
    }

    /// One Map iteration's input: `ItemSelector` with `$states.context.Map.Item`.
    pub(super) fn ata_item(
        &mut self,
        parent: FiberId,
        st: &State,
        map_input: &Value,
        index: usize,
        item: Value,
    ) -> Result<Value, StateError> {
        match st.ata.as_deref().and_then(|f| f.item_selector.as_ref()) {
            Some(t) => {
                let mut i = AtaInputs::input(map_input);
                i.map_item = Some((index, &item));
                self.ata_eval(parent, t, &i)
            }
            None => Ok(item),
        }
    }
}
