//! Compiles a validated definition into the runnable form of `model`. Validation
//! (`validate`) reports problems with positions; compilation assumes a valid document
//! but still returns an error (never panics) if something slipped through.

use crate::choice::Rule;
use crate::intrinsics::Intrinsic;
use crate::jsonata::Template as Ata;
use crate::model::*;
use crate::path::Path;
use crate::template::Template;
use crate::timestamp;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// A compilation failure: what and where (JSON Pointer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub message: String,
    pub pointer: String,
}

type R<T> = Result<T, CompileError>;

fn err<T>(pointer: &str, message: impl Into<String>) -> R<T> {
    Err(CompileError {
        message: message.into(),
        pointer: pointer.to_string(),
    })
}

fn esc(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

struct Builder<'d> {
    /// The top-level `QueryLanguage`: every state's default, nested ones included.
    top_lang: QueryLanguage,
    states: Vec<Option<State>>,
    scopes: Vec<Scope>,
    /// Per scope: name -> id.
    names: Vec<HashMap<String, StateId>>,
    /// Nested scopes (Parallel branches, Map processors) declared but not built yet:
    /// (scope, its block, its JSON Pointer). A work list rather than recursion, because
    /// `build_state`'s frame is large (tens of KB unoptimised): 54 nested Parallels
    /// overflowed a 2 MB thread stack.
    pending: Vec<(ScopeId, &'d Map<String, Value>, String)>,
}

const MAX_NESTING: usize = 64;

pub fn compile(definition: &Value) -> R<StateMachine> {
    let Value::Object(top) = definition else {
        return err("", "The definition must be a JSON object");
    };
    let top_lang = match top.get("QueryLanguage").and_then(Value::as_str) {
        Some("JSONata") => QueryLanguage::JsonAta,
        _ => QueryLanguage::JsonPath,
    };
    let mut b = Builder {
        top_lang,
        states: Vec::new(),
        scopes: Vec::new(),
        names: Vec::new(),
        pending: Vec::new(),
    };
    let root = b.declare_scope(top, "", None, 0)?;
    b.pending.push((root, top, String::new()));
    while let Some((scope, block, ptr)) = b.pending.pop() {
        b.build_scope(scope, block, &ptr)?;
    }
    let timeout_seconds = match top.get("TimeoutSeconds") {
        None => None,
        Some(v) => Some(as_u64(v, "/TimeoutSeconds")?),
    };
    let states = b
        .states
        .into_iter()
        .enumerate()
        .map(|(i, s)| s.ok_or(i))
        .collect::<Result<Vec<_>, _>>()
        .or_else(|i| err("", format!("internal: state #{i} was not built")))?;
    Ok(StateMachine {
        states,
        scopes: b.scopes,
        root,
        timeout_seconds,
        comment: top
            .get("Comment")
            .and_then(Value::as_str)
            .map(str::to_string),
        definition: Arc::new(definition.clone()),
    })
}

fn as_u64(v: &Value, ptr: &str) -> R<u64> {
    match v.as_f64() {
        Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= 1e15 => Ok(f as u64),
        _ => err(ptr, "expected a non-negative integer"),
    }
}

fn as_f64(v: &Value, ptr: &str) -> R<f64> {
    v.as_f64().map_or_else(|| err(ptr, "expected a number"), Ok)
}

fn as_str<'a>(v: &'a Value, ptr: &str) -> R<&'a str> {
    v.as_str().map_or_else(|| err(ptr, "expected a string"), Ok)
}

fn path(v: &Value, ptr: &str) -> R<Path> {
    Path::parse(as_str(v, ptr)?).or_else(|e| err(ptr, e))
}

fn reference_path(v: &Value, ptr: &str) -> R<Path> {
    Path::parse_reference(as_str(v, ptr)?).or_else(|e| err(ptr, e))
}

fn template(v: &Value, ptr: &str) -> R<Template> {
    Template::compile(v).or_else(|e| err(ptr, e))
}

/// A JSONata field template; `field` is the service's location name (`Output`, …).
fn ata(v: &Value, field: &str, ptr: &str) -> R<Ata> {
    Ata::compile(v, field).or_else(|e| err(ptr, e))
}

/// `Assign` in the state's query language.
fn assign_spec(v: Option<&Value>, lang: QueryLanguage, ptr: &str) -> R<Option<Assign>> {
    match (v, lang) {
        (None, _) => Ok(None),
        (Some(v), QueryLanguage::JsonPath) => Ok(Some(Assign::Path(template(v, ptr)?))),
        (Some(v), QueryLanguage::JsonAta) => Ok(Some(Assign::Ata(ata(v, "Assign", ptr)?))),
    }
}

/// A JSONata field given as an expression string (`{% %}`); literals stay with the
/// JSONPath-style literal handling.
fn ata_expr(s: &Map<String, Value>, key: &str, lang: QueryLanguage, ptr: &str) -> R<Option<Ata>> {
    match (lang, s.get(key)) {
        (QueryLanguage::JsonAta, Some(v @ Value::String(text)))
            if crate::jsonata::is_expression(text) =>
        {
            Ok(Some(ata(v, key, &format!("{ptr}/{key}"))?))
        }
        _ => Ok(None),
    }
}

fn io_path(s: &Map<String, Value>, key: &str, ptr: &str) -> R<IoPath> {
    match s.get(key) {
        None => Ok(IoPath::Identity),
        Some(Value::Null) => Ok(IoPath::Null),
        Some(v) => {
            let p = path(v, &format!("{ptr}/{key}"))?;
            Ok(
                if p.is_root_only() && matches!(p.root(), crate::path::Root::Input) {
                    IoPath::Identity
                } else {
                    IoPath::Path(p)
                },
            )
        }
    }
}

fn result_path(v: Option<&Value>, ptr: &str) -> R<ResultPath> {
    match v {
        None => Ok(ResultPath::Replace),
        Some(Value::Null) => Ok(ResultPath::Discard),
        Some(v) => {
            let p = reference_path(v, ptr)?;
            Ok(if p.is_root_only() {
                ResultPath::Replace
            } else {
                ResultPath::Path(p)
            })
        }
    }
}

fn number_source(
    s: &Map<String, Value>,
    key: &str,
    path_key: &str,
    ptr: &str,
) -> R<Option<NumberSource>> {
    if let Some(v) = s.get(key) {
        return Ok(Some(NumberSource::Fixed(as_f64(
            v,
            &format!("{ptr}/{key}"),
        )?)));
    }
    if let Some(v) = s.get(path_key) {
        return Ok(Some(NumberSource::Path(reference_path(
            v,
            &format!("{ptr}/{path_key}"),
        )?)));
    }
    Ok(None)
}

fn error_names(v: Option<&Value>, ptr: &str) -> R<Vec<String>> {
    let Some(Value::Array(items)) = v else {
        return err(ptr, "ErrorEquals must be an array of strings");
    };
    items
        .iter()
        .map(|i| as_str(i, ptr).map(str::to_string))
        .collect()
}

impl<'d> Builder<'d> {
    /// Allocates ids for every state in this scope and (recursively) in nested scopes.
    fn declare_scope(
        &mut self,
        block: &Map<String, Value>,
        ptr: &str,
        owner: Option<StateId>,
        depth: usize,
    ) -> R<ScopeId> {
        if depth > MAX_NESTING {
            return err(ptr, "Parallel/Map nesting is too deep");
        }
        let Some(Value::Object(states)) = block.get("States") else {
            return err(ptr, "These fields are required: [States, StartAt]");
        };
        let scope = self.scopes.len();
        self.scopes.push(Scope { start: 0, owner });
        self.names.push(HashMap::new());
        for name in states.keys() {
            let id = self.states.len();
            self.states.push(None);
            self.names[scope].insert(name.clone(), id);
        }
        let start = match block.get("StartAt").and_then(Value::as_str) {
            Some(s) => match self.names[scope].get(s) {
                Some(id) => *id,
                None => {
                    return err(
                        &format!("{ptr}/StartAt"),
                        format!("Missing 'StartAt' target: {s}"),
                    )
                }
            },
            None => return err(ptr, "These fields are required: [States, StartAt]"),
        };
        self.scopes[scope].start = start;
        Ok(scope)
    }

    fn target(&self, scope: ScopeId, v: Option<&Value>, ptr: &str) -> R<StateId> {
        let name = match v {
            Some(v) => as_str(v, ptr)?,
            None => return err(ptr, "missing transition target"),
        };
        self.names[scope]
            .get(name)
            .copied()
            .map_or_else(|| err(ptr, format!("Missing 'Next' target: {name}")), Ok)
    }

    fn build_scope(&mut self, scope: ScopeId, block: &'d Map<String, Value>, ptr: &str) -> R<()> {
        let Some(Value::Object(states)) = block.get("States") else {
            return err(ptr, "These fields are required: [States, StartAt]");
        };
        for (name, body) in states {
            let sptr = format!("{ptr}/States/{}", esc(name));
            let id = self.names[scope][name];
            let Value::Object(s) = body else {
                return err(&sptr, "a state must be a JSON object");
            };
            let state = self.build_state(scope, id, name, s, &sptr)?;
            self.states[id] = Some(state);
        }
        Ok(())
    }

    /// Declares a nested scope now and queues it to be built (see `pending`).
    fn nested(&mut self, owner: StateId, block: &'d Value, ptr: &str, depth: usize) -> R<ScopeId> {
        let Value::Object(block) = block else {
            return err(ptr, "expected an object with StartAt and States");
        };
        let scope = self.declare_scope(block, ptr, Some(owner), depth)?;
        self.pending.push((scope, block, ptr.to_string()));
        Ok(scope)
    }

    fn build_state(
        &mut self,
        scope: ScopeId,
        id: StateId,
        name: &str,
        s: &'d Map<String, Value>,
        ptr: &str,
    ) -> R<State> {
        let ty = s.get("Type").and_then(Value::as_str).unwrap_or("");
        let lang = match s.get("QueryLanguage").and_then(Value::as_str) {
            Some("JSONata") => QueryLanguage::JsonAta,
            Some("JSONPath") => QueryLanguage::JsonPath,
            _ => self.top_lang,
        };
        let next = match s.get("Next") {
            Some(v) => Some(self.target(scope, Some(v), &format!("{ptr}/Next"))?),
            None => None,
        };
        let mut retry = Vec::new();
        if let Some(Value::Array(rs)) = s.get("Retry") {
            for (i, r) in rs.iter().enumerate() {
                let rptr = format!("{ptr}/Retry/{i}");
                let Value::Object(r) = r else {
                    return err(&rptr, "a retrier must be an object");
                };
                let num = |k: &str, d: f64| -> R<f64> {
                    match r.get(k) {
                        None => Ok(d),
                        Some(v) => as_f64(v, &format!("{rptr}/{k}")),
                    }
                };
                retry.push(Retrier {
                    errors: error_names(r.get("ErrorEquals"), &format!("{rptr}/ErrorEquals"))?,
                    interval_seconds: num("IntervalSeconds", 1.0)?,
                    max_attempts: num("MaxAttempts", 3.0)?.clamp(0.0, u32::MAX as f64) as u32,
                    backoff_rate: num("BackoffRate", 2.0)?,
                    max_delay_seconds: match r.get("MaxDelaySeconds") {
                        None => None,
                        Some(v) => Some(as_f64(v, &format!("{rptr}/MaxDelaySeconds"))?),
                    },
                    jitter_full: r.get("JitterStrategy").and_then(Value::as_str) == Some("FULL"),
                });
            }
        }
        let mut catch = Vec::new();
        if let Some(Value::Array(cs)) = s.get("Catch") {
            for (i, c) in cs.iter().enumerate() {
                let cptr = format!("{ptr}/Catch/{i}");
                let Value::Object(c) = c else {
                    return err(&cptr, "a catcher must be an object");
                };
                catch.push(Catcher {
                    errors: error_names(c.get("ErrorEquals"), &format!("{cptr}/ErrorEquals"))?,
                    next: self.target(scope, c.get("Next"), &format!("{cptr}/Next"))?,
                    result_path: result_path(c.get("ResultPath"), &format!("{cptr}/ResultPath"))?,
                    assign: assign_spec(c.get("Assign"), lang, &format!("{cptr}/Assign"))?,
                    output: match (lang, c.get("Output")) {
                        (QueryLanguage::JsonAta, Some(v)) => {
                            Some(ata(v, "Output", &format!("{cptr}/Output"))?)
                        }
                        _ => None,
                    },
                });
            }
        }
        let opt_template = |key: &str| -> R<Option<Template>> {
            match s.get(key) {
                Some(v) => Ok(Some(template(v, &format!("{ptr}/{key}"))?)),
                None => Ok(None),
            }
        };
        let parameters = opt_template("Parameters")?;
        let result_selector = opt_template("ResultSelector")?;
        let assign = assign_spec(s.get("Assign"), lang, &format!("{ptr}/Assign"))?;
        let depth = ptr.matches("/States/").count();
        let ata_fields = if lang == QueryLanguage::JsonAta {
            let field = |key: &str| -> R<Option<Ata>> {
                match s.get(key) {
                    Some(v) => Ok(Some(ata(v, key, &format!("{ptr}/{key}"))?)),
                    None => Ok(None),
                }
            };
            Some(Box::new(AtaFields {
                arguments: field("Arguments")?,
                output: field("Output")?,
                items: field("Items")?,
                item_selector: if ty == "Map" {
                    field("ItemSelector")?
                } else {
                    None
                },
                timeout_seconds: ata_expr(s, "TimeoutSeconds", lang, ptr)?,
                heartbeat_seconds: ata_expr(s, "HeartbeatSeconds", lang, ptr)?,
                max_concurrency: ata_expr(s, "MaxConcurrency", lang, ptr)?,
                tolerated_failure_count: ata_expr(s, "ToleratedFailureCount", lang, ptr)?,
                tolerated_failure_percentage: ata_expr(s, "ToleratedFailurePercentage", lang, ptr)?,
                seconds: ata_expr(s, "Seconds", lang, ptr)?,
                timestamp: ata_expr(s, "Timestamp", lang, ptr)?,
                error: ata_expr(s, "Error", lang, ptr)?,
                cause: ata_expr(s, "Cause", lang, ptr)?,
            }))
        } else {
            None
        };
        let is_expr = |key: &str| {
            lang == QueryLanguage::JsonAta
                && s.get(key)
                    .and_then(Value::as_str)
                    .is_some_and(crate::jsonata::is_expression)
        };
        let number_source = |key: &str, path_key: &str| -> R<Option<NumberSource>> {
            if is_expr(key) {
                Ok(None)
            } else {
                number_source(s, key, path_key, ptr)
            }
        };

        let kind = match ty {
            "Pass" => Kind::Pass {
                result: s.get("Result").cloned().map(Arc::new),
            },
            "Task" => {
                let resource = as_str(
                    s.get("Resource").unwrap_or(&Value::Null),
                    &format!("{ptr}/Resource"),
                )?
                .to_string();
                let (resource_kind, pattern) = classify_resource(&resource);
                Kind::Task {
                    resource: resource.into(),
                    resource_kind,
                    pattern,
                    timeout: number_source("TimeoutSeconds", "TimeoutSecondsPath")?,
                    heartbeat: number_source("HeartbeatSeconds", "HeartbeatSecondsPath")?,
                }
            }
            "Choice" => {
                let mut branches = Vec::new();
                if let Some(Value::Array(rules)) = s.get("Choices") {
                    for (i, r) in rules.iter().enumerate() {
                        let rptr = format!("{ptr}/Choices/{i}");
                        let condition = match (lang, r.get("Condition")) {
                            (QueryLanguage::JsonAta, Some(c)) => {
                                Condition::Ata(ata(c, "Condition", &format!("{rptr}/Condition"))?)
                            }
                            _ => Condition::Rule(Rule::compile(r).or_else(|e| err(&rptr, e))?),
                        };
                        let next = self.target(scope, r.get("Next"), &format!("{rptr}/Next"))?;
                        let assign = assign_spec(r.get("Assign"), lang, &format!("{rptr}/Assign"))?;
                        let output = match (lang, r.get("Output")) {
                            (QueryLanguage::JsonAta, Some(v)) => {
                                Some(ata(v, "Output", &format!("{rptr}/Output"))?)
                            }
                            _ => None,
                        };
                        branches.push(ChoiceBranch {
                            condition,
                            next,
                            assign,
                            output,
                        });
                    }
                }
                let default = match s.get("Default") {
                    Some(v) => Some(self.target(scope, Some(v), &format!("{ptr}/Default"))?),
                    None => None,
                };
                Kind::Choice { branches, default }
            }
            "Wait" => {
                let w = if is_expr("Seconds") || is_expr("Timestamp") {
                    WaitFor::Expression
                } else if let Some(v) = s.get("Seconds") {
                    WaitFor::Seconds(as_u64(v, &format!("{ptr}/Seconds"))?)
                } else if let Some(v) = s.get("Timestamp") {
                    let t = as_str(v, &format!("{ptr}/Timestamp"))?;
                    match timestamp::parse(t) {
                        Some(i) => WaitFor::Timestamp(i),
                        None => return err(&format!("{ptr}/Timestamp"), "invalid timestamp"),
                    }
                } else if let Some(v) = s.get("SecondsPath") {
                    WaitFor::SecondsPath(reference_path(v, &format!("{ptr}/SecondsPath"))?)
                } else if let Some(v) = s.get("TimestampPath") {
                    WaitFor::TimestampPath(reference_path(v, &format!("{ptr}/TimestampPath"))?)
                } else {
                    return err(
                        ptr,
                        "a Wait state needs Seconds, Timestamp, SecondsPath or TimestampPath",
                    );
                };
                Kind::Wait(w)
            }
            "Succeed" => Kind::Succeed,
            "Fail" => {
                let field = |lit: &str, p: &str| -> R<FailField> {
                    if is_expr(lit) {
                        return Ok(FailField::None);
                    }
                    if let Some(v) = s.get(lit) {
                        return Ok(FailField::Literal(
                            as_str(v, &format!("{ptr}/{lit}"))?.into(),
                        ));
                    }
                    if let Some(v) = s.get(p) {
                        let fptr = format!("{ptr}/{p}");
                        let text = as_str(v, &fptr)?;
                        return if text.starts_with('$') {
                            Ok(FailField::Path(
                                Path::parse(text).or_else(|e| err(&fptr, e))?,
                            ))
                        } else {
                            Ok(FailField::Intrinsic(
                                Intrinsic::parse(text).or_else(|e| err(&fptr, e))?,
                            ))
                        };
                    }
                    Ok(FailField::None)
                };
                Kind::Fail {
                    error: field("Error", "ErrorPath")?,
                    cause: field("Cause", "CausePath")?,
                }
            }
            "Parallel" => {
                let Some(Value::Array(bs)) = s.get("Branches") else {
                    return err(&format!("{ptr}/Branches"), "Branches must be an array");
                };
                let mut branches = Vec::new();
                for (i, b) in bs.iter().enumerate() {
                    branches.push(self.nested(id, b, &format!("{ptr}/Branches/{i}"), depth + 1)?);
                }
                Kind::Parallel { branches }
            }
            "Map" => {
                let (key, block) = match (s.get("ItemProcessor"), s.get("Iterator")) {
                    (Some(b), _) => ("ItemProcessor", b),
                    (None, Some(b)) => ("Iterator", b),
                    _ => return err(ptr, "These fields are required: [ItemProcessor]"),
                };
                let distributed = block
                    .get("ProcessorConfig")
                    .and_then(|c| c.get("Mode"))
                    .and_then(Value::as_str)
                    == Some("DISTRIBUTED");
                let processor = self.nested(id, block, &format!("{ptr}/{key}"), depth + 1)?;
                let item_selector = match (lang, s.get("ItemSelector")) {
                    (QueryLanguage::JsonPath, Some(v)) => {
                        Some(template(v, &format!("{ptr}/ItemSelector"))?)
                    }
                    _ => None,
                };
                Kind::Map {
                    processor,
                    items_path: match s.get("ItemsPath") {
                        Some(v) => Some(reference_path(v, &format!("{ptr}/ItemsPath"))?),
                        None => None,
                    },
                    item_selector,
                    max_concurrency: number_source("MaxConcurrency", "MaxConcurrencyPath")?,
                    tolerated_failure_count: number_source(
                        "ToleratedFailureCount",
                        "ToleratedFailureCountPath",
                    )?,
                    tolerated_failure_percentage: number_source(
                        "ToleratedFailurePercentage",
                        "ToleratedFailurePercentagePath",
                    )?,
                    distributed,
                    label: s.get("Label").and_then(Value::as_str).map(str::to_string),
                }
            }
            other => {
                return err(
                    &format!("{ptr}/Type"),
                    format!("unknown state type '{other}'"),
                )
            }
        };
        // Map's deprecated `Parameters` plays the role of ItemSelector.
        let (parameters, kind) = match kind {
            Kind::Map {
                processor,
                items_path,
                item_selector: None,
                max_concurrency,
                tolerated_failure_count,
                tolerated_failure_percentage,
                distributed,
                label,
            } if parameters.is_some() => (
                None,
                Kind::Map {
                    processor,
                    items_path,
                    item_selector: parameters,
                    max_concurrency,
                    tolerated_failure_count,
                    tolerated_failure_percentage,
                    distributed,
                    label,
                },
            ),
            k => (parameters, k),
        };
        Ok(State {
            name: Arc::from(name),
            scope,
            pointer: ptr.to_string(),
            kind,
            input_path: io_path(s, "InputPath", ptr)?,
            output_path: io_path(s, "OutputPath", ptr)?,
            parameters,
            result_selector,
            result_path: result_path(s.get("ResultPath"), &format!("{ptr}/ResultPath"))?,
            assign,
            query_language: lang,
            ata: ata_fields,
            retry,
            catch,
            next,
            context_reads_input: reads_execution_input(&Value::Object(s.clone())),
        })
    }
}

/// Conservatively detects whether any `$$` path in a state may read
/// `$$.Execution.Input` (directly, or through `$$`, `$$.Execution` or brackets).
pub fn reads_execution_input(state: &Value) -> bool {
    let text = state.to_string();
    // JSONata reads the context object as a whole value.
    if text.contains("$states.context") || text.contains("$states\\.context") {
        return true;
    }
    let mut rest = text.as_str();
    while let Some(i) = rest.find("$$") {
        let after = &rest[i + 2..];
        let needs = if let Some(a) = after.strip_prefix(".Execution") {
            !(a.starts_with(".Id")
                || a.starts_with(".Name")
                || a.starts_with(".StartTime")
                || a.starts_with(".RoleArn")
                || a.starts_with(".RedriveCount")
                || a.starts_with(".RedriveTime"))
        } else {
            !(after.starts_with(".State")
                || after.starts_with(".Map")
                || after.starts_with(".Task")
                || after.starts_with(".StateMachine"))
        };
        if needs {
            return true;
        }
        rest = after;
    }
    false
}

/// Works out how a Task resource is reported in the history.
pub fn classify_resource(resource: &str) -> (ResourceKind, IntegrationPattern) {
    let parts: Vec<&str> = resource.splitn(7, ':').collect();
    // arn:aws:lambda:region:account:function:name
    if parts.len() >= 7 && parts[2] == "lambda" && parts[5] == "function" {
        return (ResourceKind::LambdaArn, IntegrationPattern::RequestResponse);
    }
    if parts.len() >= 6 && parts[2] == "states" && parts[5].starts_with("activity") {
        return (ResourceKind::Activity, IntegrationPattern::RequestResponse);
    }
    // arn:aws:states:::service:api[.suffix]  or  arn:aws:states:::aws-sdk:service:api
    if let Some(rest) = resource
        .strip_prefix("arn:aws:states:::")
        .or_else(|| resource.split_once(":states:::").map(|(_, r)| r))
    {
        let (resource_type, api) = if let Some(sdk) = rest.strip_prefix("aws-sdk:") {
            match sdk.split_once(':') {
                Some((svc, api)) => (format!("aws-sdk:{svc}"), api.to_string()),
                None => (format!("aws-sdk:{sdk}"), String::new()),
            }
        } else {
            match rest.split_once(':') {
                Some((svc, api)) => (svc.to_string(), api.to_string()),
                None => (rest.to_string(), String::new()),
            }
        };
        let pattern = if api.ends_with(".waitForTaskToken") {
            IntegrationPattern::WaitForTaskToken
        } else if api.ends_with(".sync") || api.contains(".sync:") {
            IntegrationPattern::Sync
        } else {
            IntegrationPattern::RequestResponse
        };
        return (
            ResourceKind::Service {
                resource_type: resource_type.into(),
                resource: api.into(),
            },
            pattern,
        );
    }
    (
        ResourceKind::Service {
            resource_type: "unknown".into(),
            resource: resource.into(),
        },
        IntegrationPattern::RequestResponse,
    )
}
