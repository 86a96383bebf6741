//! The static rules: top-level fields, scopes (the top level, each Parallel branch, each
//! Map processor) with their transition graph, and every state type's fields.

use super::choice_rules;
use super::fields::{self, Lang, StateType, COMMON, TYPE_NAMES};
use super::paths::{self, PathKind};
use super::report::{
    child, index, Anchor, Finding, Sink, ARRAY, BOOLEAN, MISSING_END, MISSING_TARGET, OBJECT,
    SCHEMA, STRING,
};
use super::retry_catch;
use super::values::{check_exclusive, check_integer, check_string, is_jsonata_value, is_timestamp};
use super::{MachineType, Options};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};

pub(crate) fn check(definition: &Value, options: &Options) -> Vec<Finding> {
    let mut checker = Checker {
        sink: Sink::default(),
        top_lang: Lang::JsonPath,
        express: options.machine_type == MachineType::Express,
        names: HashSet::new(),
        pending: Vec::new(),
        nested: Vec::new(),
    };
    checker.definition(definition);
    // Nested scopes are checked after their parent (depth first, in document order),
    // from a work list rather than by recursion: nesting depth costs no stack.
    while let Some(job) = checker.pending.pop() {
        checker.scope(&job.ptr, job.obj, job.kind);
    }
    super::variables::check(&mut checker.sink, definition);
    checker.sink.findings
}

/// What the graph checks need to know about one state.
#[derive(Debug, Default)]
struct StateInfo {
    /// `(target, pointer of the field naming it)`.
    transitions: Vec<(String, String)>,
    terminal: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Top,
    Branch,
    Processor,
}

pub(crate) struct Checker<'a> {
    pub(crate) sink: Sink,
    /// The language of the whole machine; nested states inherit this one.
    pub(crate) top_lang: Lang,
    express: bool,
    /// State names seen so far, across all scopes.
    names: HashSet<&'a str>,
    /// Scopes still to check.
    pending: Vec<Job<'a>>,
    /// Scopes found in the scope being checked.
    nested: Vec<Job<'a>>,
}

/// A nested block of states to check.
pub(crate) struct Job<'a> {
    ptr: String,
    obj: &'a Map<String, Value>,
    kind: Scope,
}

impl<'a> Checker<'a> {
    fn definition(&mut self, definition: &'a Value) {
        let Value::Object(root) = definition else {
            self.sink.push(
                SCHEMA,
                "Definition must be a valid JSON object".to_string(),
                None,
                Anchor::Value(String::new()),
            );
            return;
        };
        for key in root.keys() {
            if !fields::TOP_LEVEL.contains(&key.as_str()) {
                self.sink.unsupported("", key);
            }
        }
        if let Some(lang) = self.query_language("", root) {
            self.top_lang = lang;
        }
        if let Some(version) = check_string(&mut self.sink, "", root, "Version") {
            if version != "1.0" {
                self.sink.not_one_of("/Version", "Version", &["1.0"]);
            }
        }
        check_integer(
            &mut self.sink,
            "",
            root,
            "TimeoutSeconds",
            0.0,
            Some(99_999_999.0),
            false,
        );
        check_string(&mut self.sink, "", root, "Comment");
        self.scope("", root, Scope::Top);
    }

    /// Checks a declared `QueryLanguage`; returns it when valid.
    fn query_language(&mut self, obj_ptr: &str, obj: &Map<String, Value>) -> Option<Lang> {
        let v = obj.get("QueryLanguage")?;
        let ptr = child(obj_ptr, "QueryLanguage");
        match v {
            Value::String(s) if s == "JSONPath" => Some(Lang::JsonPath),
            Value::String(s) if s == "JSONata" => Some(Lang::Jsonata),
            Value::String(_) => {
                self.sink.schema(
                    &ptr,
                    "Value should be one of the following: [JSONPath, JSONata]",
                );
                None
            }
            _ => {
                self.sink.wrong_type(&ptr, STRING);
                None
            }
        }
    }

    /// A block of states: the top level, a Parallel branch or a Map processor.
    pub(crate) fn scope(&mut self, ptr: &str, obj: &'a Map<String, Value>, kind: Scope) {
        match kind {
            Scope::Top => {}
            Scope::Branch | Scope::Processor => {
                let allowed: &[&str] = if kind == Scope::Branch {
                    &fields::BRANCH
                } else {
                    &fields::PROCESSOR
                };
                for key in obj.keys() {
                    if !allowed.contains(&key.as_str()) {
                        self.sink.unsupported(ptr, key);
                    }
                }
                check_string(&mut self.sink, ptr, obj, "Comment");
            }
        }
        let missing: Vec<&str> = ["States", "StartAt"]
            .into_iter()
            .filter(|f| !obj.contains_key(*f))
            .collect();
        if !missing.is_empty() {
            self.sink.required(ptr, &missing);
        }
        let start_at = match obj.get("StartAt") {
            Some(Value::String(s)) if s.is_empty() => {
                self.sink.empty(&child(ptr, "StartAt"));
                None
            }
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => {
                self.sink.wrong_type(&child(ptr, "StartAt"), STRING);
                None
            }
            None => None,
        };
        let states_ptr = child(ptr, "States");
        let states = match obj.get("States") {
            Some(Value::Object(states)) => states,
            Some(_) => {
                self.sink.wrong_type(&states_ptr, OBJECT);
                return;
            }
            None => return,
        };
        let mut infos = Vec::with_capacity(states.len());
        for (name, state) in states {
            let sptr = child(&states_ptr, name);
            self.state_name(&sptr, name);
            let info = self.state(&sptr, state);
            infos.push((name.as_str(), sptr, info));
        }
        self.graph(ptr, kind, start_at, states, &infos);
        let nested = std::mem::take(&mut self.nested);
        self.pending.extend(nested.into_iter().rev());
    }

    /// Queues a nested block of states (a Parallel branch or a Map processor).
    pub(crate) fn nested_scope(&mut self, ptr: String, obj: &'a Map<String, Value>, kind: Scope) {
        self.nested.push(Job { ptr, obj, kind });
    }

    fn state_name(&mut self, sptr: &str, name: &'a str) {
        if !self.names.insert(name) {
            self.sink.push(
                super::report::DUPLICATE_STATE_NAME,
                format!("Duplicate State name: {name}"),
                Some(sptr.to_string()),
                Anchor::Key(sptr.to_string()),
            );
        }
        if name.chars().count() > 80 {
            self.sink.push(
                SCHEMA,
                "State names must be at most 80 characters long".to_string(),
                Some(sptr.to_string()),
                Anchor::Key(sptr.to_string()),
            );
        }
    }

    /// Targets exist in the scope, there is a terminal state, every state is reachable.
    fn graph(
        &mut self,
        ptr: &str,
        kind: Scope,
        start_at: Option<&str>,
        states: &Map<String, Value>,
        infos: &[(&str, String, StateInfo)],
    ) {
        let missing = |target: &str| format!("Missing 'Next' target: {target}");
        if let Some(start) = start_at {
            if !states.contains_key(start) {
                self.sink
                    .at_value(MISSING_TARGET, &child(ptr, "StartAt"), missing(start));
            }
        }
        for (_, _, info) in infos {
            for (target, tptr) in &info.transitions {
                if !states.contains_key(target.as_str()) {
                    self.sink.at_value(MISSING_TARGET, tptr, missing(target));
                }
            }
        }
        if !infos.iter().any(|(_, _, info)| info.terminal) {
            let (location, anchor) = match kind {
                Scope::Top => (None, Anchor::Nowhere),
                _ => (Some(ptr.to_string()), Anchor::Key(ptr.to_string())),
            };
            self.sink.push(
                MISSING_END,
                "Workflow has no terminal state".to_string(),
                location,
                anchor,
            );
            return;
        }
        let Some(start) = start_at.filter(|s| states.contains_key(*s)) else {
            return;
        };
        let by_name: HashMap<&str, &StateInfo> =
            infos.iter().map(|(name, _, info)| (*name, info)).collect();
        let mut reached: HashSet<&str> = HashSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(name) = queue.pop_front() {
            let Some(info) = by_name.get(name) else {
                continue;
            };
            for (target, _) in &info.transitions {
                if let Some((key, _)) = states.get_key_value(target.as_str()) {
                    if reached.insert(key.as_str()) {
                        queue.push_back(key.as_str());
                    }
                }
            }
        }
        for (name, sptr, _) in infos {
            if !reached.contains(name) {
                self.sink.push(
                    MISSING_TARGET,
                    format!("State \"{name}\" is not reachable."),
                    Some(sptr.clone()),
                    Anchor::Key(sptr.clone()),
                );
            }
        }
    }

    fn state(&mut self, ptr: &str, state: &'a Value) -> StateInfo {
        let mut info = StateInfo::default();
        let Value::Object(s) = state else {
            self.sink.wrong_type(ptr, OBJECT);
            return info;
        };
        // Transitions first, whatever else is wrong, so the graph checks stay quiet.
        if let Some(Value::String(next)) = s.get("Next") {
            if !next.is_empty() {
                info.transitions.push((next.clone(), child(ptr, "Next")));
            }
        }
        let state_type = match s.get("Type") {
            None => {
                self.sink.required(ptr, &["Type"]);
                None
            }
            Some(Value::String(t)) => {
                let parsed = StateType::parse(t);
                if parsed.is_none() {
                    self.sink
                        .not_one_of(&child(ptr, "Type"), "Type", &TYPE_NAMES);
                }
                parsed
            }
            Some(_) => {
                self.sink.wrong_type(&child(ptr, "Type"), STRING);
                None
            }
        };
        info.terminal = matches!(state_type, Some(StateType::Succeed | StateType::Fail))
            || s.get("End") == Some(&Value::Bool(true));
        check_string(&mut self.sink, ptr, s, "Comment");
        let declared = self.query_language(ptr, s);
        let downgraded = self.top_lang == Lang::Jsonata && declared == Some(Lang::JsonPath);
        if downgraded {
            self.sink.schema_field(
                ptr,
                "QueryLanguage",
                "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
            );
        }
        let lang = if downgraded {
            Lang::Jsonata
        } else {
            declared.unwrap_or(self.top_lang)
        };
        let Some(t) = state_type else { return info };

        // Which fields may be here.
        let allowed = fields::allowed(t, lang);
        let other = fields::allowed(t, lang.other());
        for key in s.keys() {
            let key = key.as_str();
            if COMMON.contains(&key) || allowed.contains(&key) {
                continue;
            }
            if other.contains(&key) {
                if !downgraded {
                    self.sink.schema_field(
                        ptr,
                        key,
                        format!(
                            "The QueryLanguage is set to '{}', but field '{key}' is only supported for the '{}' QueryLanguage",
                            lang.name(),
                            lang.other().name()
                        ),
                    );
                }
            } else {
                self.sink.unsupported(ptr, key);
            }
        }
        if t.needs_transition() {
            self.next_or_end(ptr, s);
        }
        self.common_data_fields(ptr, s, lang, allowed);
        match t {
            StateType::Task => self.task(ptr, s, lang),
            StateType::Wait => self.wait(ptr, s, lang),
            StateType::Fail => self.fail(ptr, s, lang),
            StateType::Choice => {
                let transitions = choice_rules::check_choices(&mut self.sink, ptr, s, lang);
                info.transitions.extend(transitions);
                match s.get("Default") {
                    Some(Value::String(d)) if !d.is_empty() => {
                        info.transitions.push((d.clone(), child(ptr, "Default")))
                    }
                    Some(Value::String(_)) => self.sink.empty(&child(ptr, "Default")),
                    Some(_) => self.sink.wrong_type(&child(ptr, "Default"), STRING),
                    None => {}
                }
            }
            StateType::Parallel => self.parallel(ptr, s),
            StateType::Map => self.map(ptr, s, lang),
            StateType::Pass | StateType::Succeed => {}
        }
        if allowed.contains(&"Retry") {
            retry_catch::check_retry(&mut self.sink, ptr, s);
        }
        if allowed.contains(&"Catch") {
            let transitions = retry_catch::check_catch(&mut self.sink, ptr, s, lang);
            info.transitions.extend(transitions);
        }
        info
    }

    /// Exactly one of `Next` / `End`.
    fn next_or_end(&mut self, ptr: &str, s: &Map<String, Value>) {
        let has_next = match s.get("Next") {
            Some(Value::String(n)) => {
                if n.is_empty() {
                    self.sink.empty(&child(ptr, "Next"));
                }
                true
            }
            Some(_) => {
                self.sink.wrong_type(&child(ptr, "Next"), STRING);
                true
            }
            None => false,
        };
        let end = match s.get("End") {
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.sink.wrong_type(&child(ptr, "End"), BOOLEAN);
                true
            }
            None => false,
        };
        if has_next && end {
            self.sink.only_one_of(ptr, "End", &["Next", "End"]);
        } else if !has_next && !end {
            self.sink.one_of_required(ptr, &["Next", "End"]);
        }
    }

    /// Fields shared by several state types: paths, templates, `Assign`, `Arguments`.
    fn common_data_fields(
        &mut self,
        ptr: &str,
        s: &Map<String, Value>,
        lang: Lang,
        allowed: &[&str],
    ) {
        let sink = &mut self.sink;
        let has = |f: &str| allowed.contains(&f) && s.contains_key(f);
        if lang == Lang::JsonPath {
            for field in ["InputPath", "OutputPath"] {
                if has(field) {
                    paths::check_path_field(sink, ptr, s, field, PathKind::Path, true);
                }
            }
            if has("ResultPath") {
                paths::check_path_field(sink, ptr, s, "ResultPath", PathKind::ResultPath, true);
            }
            if has("Parameters") {
                // Any JSON value (the language-service schema allows every type).
                let v = s.get("Parameters").unwrap_or(&Value::Null);
                paths::check_template(sink, &child(ptr, "Parameters"), v);
            }
            if has("ResultSelector") {
                paths::check_template_object(sink, ptr, s, "ResultSelector");
            }
        } else if has("Arguments") {
            let v = s.get("Arguments").unwrap_or(&Value::Null);
            if !v.is_object() && !is_jsonata_value(v) {
                sink.wrong_type(&child(ptr, "Arguments"), OBJECT);
            }
        }
        if has("Assign") {
            paths::check_assign(sink, ptr, s, lang);
        }
    }

    fn task(&mut self, ptr: &str, s: &Map<String, Value>, lang: Lang) {
        let jsonata = lang == Lang::Jsonata;
        let sink = &mut self.sink;
        match s.get("Resource") {
            None => sink.required(ptr, &["Resource"]),
            Some(Value::String(r)) => {
                let rptr = child(ptr, "Resource");
                if !r.starts_with("arn:") || r.split(':').count() < 6 {
                    sink.schema(
                        &rptr,
                        format!("The resource provided {r} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region."),
                    );
                } else if self.express {
                    express_resource(sink, &rptr, r);
                }
            }
            Some(_) => sink.wrong_type(&child(ptr, "Resource"), STRING),
        }
        check_integer(
            sink,
            ptr,
            s,
            "TimeoutSeconds",
            1.0,
            Some(99_999_999.0),
            jsonata,
        );
        check_integer(
            sink,
            ptr,
            s,
            "HeartbeatSeconds",
            1.0,
            Some(99_999_999.0),
            jsonata,
        );
        if !jsonata {
            paths::check_path_field(
                sink,
                ptr,
                s,
                "TimeoutSecondsPath",
                PathKind::Reference,
                false,
            );
            paths::check_path_field(
                sink,
                ptr,
                s,
                "HeartbeatSecondsPath",
                PathKind::Reference,
                false,
            );
            check_exclusive(sink, ptr, s, &["TimeoutSeconds", "TimeoutSecondsPath"]);
            check_exclusive(sink, ptr, s, &["HeartbeatSeconds", "HeartbeatSecondsPath"]);
        }
        let timeout = s.get("TimeoutSeconds").and_then(super::values::as_integer);
        let heartbeat = s
            .get("HeartbeatSeconds")
            .and_then(super::values::as_integer);
        if let (Some(timeout), Some(heartbeat)) = (timeout, heartbeat) {
            if heartbeat >= timeout {
                sink.schema(
                    &child(ptr, "HeartbeatSeconds"),
                    "The value of 'HeartbeatSeconds' must be less than the value of 'TimeoutSeconds'",
                );
            }
        }
        if let Some(credentials) = s.get("Credentials") {
            let cptr = child(ptr, "Credentials");
            match credentials {
                Value::Object(c) => {
                    let has_role =
                        c.contains_key("RoleArn") || (!jsonata && c.contains_key("RoleArn.$"));
                    if !has_role {
                        sink.schema(&cptr, "The field 'RoleArn' is required but was missing");
                    }
                    check_string(sink, &cptr, c, "RoleArn");
                    if !jsonata {
                        paths::check_template(sink, &cptr, credentials);
                    }
                }
                _ => sink.wrong_type(&cptr, OBJECT),
            }
        }
    }

    fn wait(&mut self, ptr: &str, s: &Map<String, Value>, lang: Lang) {
        let jsonata = lang == Lang::Jsonata;
        let sink = &mut self.sink;
        let group: &[&str] = if jsonata {
            &["Seconds", "Timestamp"]
        } else {
            &["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
        };
        if check_exclusive(sink, ptr, s, group) == 0 {
            sink.one_of_required(ptr, group);
        }
        check_integer(sink, ptr, s, "Seconds", 0.0, Some(99_999_999.0), jsonata);
        if let Some(v) = s.get("Timestamp") {
            let tptr = child(ptr, "Timestamp");
            match v {
                Value::String(t) if is_timestamp(t) || (jsonata && is_jsonata_value(v)) => {}
                Value::String(_) => sink.schema(
                    &tptr,
                    "The field 'Timestamp' must be a valid ISO-8601 extended offset date-time format string",
                ),
                _ => sink.wrong_type(&tptr, STRING),
            }
        }
        if !jsonata {
            paths::check_path_field(sink, ptr, s, "SecondsPath", PathKind::Reference, false);
            paths::check_path_field(sink, ptr, s, "TimestampPath", PathKind::Reference, false);
        }
    }

    fn fail(&mut self, ptr: &str, s: &Map<String, Value>, lang: Lang) {
        let sink = &mut self.sink;
        check_string(sink, ptr, s, "Error");
        check_string(sink, ptr, s, "Cause");
        if lang == Lang::JsonPath {
            paths::check_path_or_intrinsic(sink, ptr, s, "ErrorPath");
            paths::check_path_or_intrinsic(sink, ptr, s, "CausePath");
            check_exclusive(sink, ptr, s, &["Error", "ErrorPath"]);
            check_exclusive(sink, ptr, s, &["Cause", "CausePath"]);
        }
    }

    fn parallel(&mut self, ptr: &str, s: &'a Map<String, Value>) {
        let Some(branches) = s.get("Branches") else {
            self.sink.required(ptr, &["Branches"]);
            return;
        };
        let bptr = child(ptr, "Branches");
        let Value::Array(branches) = branches else {
            self.sink.wrong_type(&bptr, ARRAY);
            return;
        };
        if branches.is_empty() {
            self.sink.empty(&bptr);
        }
        for (i, branch) in branches.iter().enumerate() {
            let ptr = index(&bptr, i);
            match branch {
                Value::Object(b) => self.nested_scope(ptr, b, Scope::Branch),
                _ => self.sink.wrong_type(&ptr, OBJECT),
            }
        }
    }
}

/// Express state machines cannot wait for callbacks, run `.sync` jobs or use activities.
fn express_resource(sink: &mut Sink, ptr: &str, resource: &str) {
    if resource.contains(".waitForTaskToken") {
        sink.schema(
            ptr,
            "Express state machine does not support '.waitForTaskToken' service integration ",
        );
    } else if resource.ends_with(".sync") || resource.contains(".sync:") {
        sink.schema(
            ptr,
            "Express state machine does not support '.sync' service integration ",
        );
    } else if resource.split(':').nth(5) == Some("activity") {
        sink.schema(ptr, "Express state machine does not support Activity ARN");
    }
}
