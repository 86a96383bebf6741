//! The conformance runner: runs recorded executions (`/work/shared/conformance/FORMAT.md`)
//! and compares the outcome, output and history with the recording.
//!
//! * Cases whose needs the runner cannot meet are skipped with a reason. Which needs
//!   and features are skipped is data ([`default_skip_rules`]), so a rule can be lifted
//!   when its feature lands.
//! * Every case runs under `catch_unwind` and engine limits ([`RunnerOptions::limits`]):
//!   a panic or a runaway loop is that case's failure, never the run's.
//! * A known-failures list ([`KnownFailures`]) names the cases expected to fail; the run
//!   is OK only when every other case passes and every listed case still fails, so the
//!   list can only shrink.

pub mod case;
pub mod compare;
pub mod history;
#[cfg(feature = "jsonata")]
pub mod jsonata_suite;
pub mod lambda;

pub use case::{load_cases, Case, LoadError};

use crate::execution::{Execution, ExecutionOptions, Limits, Status};
use crate::host::TaskHandler;
use crate::mock::MockConfig;
use crate::timestamp::{self, Millis};
use compare::{case_masks, compare_events, compare_json, compare_text};
use lambda::{Behaviour, LambdaSim};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// When a skip rule applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipWhen {
    /// A need equal to this.
    Need(String),
    /// A need starting with this (`service:`).
    NeedPrefix(String),
    /// A feature equal to this (`JSONata`).
    Feature(String),
}

/// Skip cases matching `when`, giving `reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkipRule {
    pub when: SkipWhen,
    pub reason: String,
}

impl SkipRule {
    pub fn new(when: SkipWhen, reason: &str) -> SkipRule {
        SkipRule {
            when,
            reason: reason.to_string(),
        }
    }

    fn matches(&self, case: &Case) -> Option<String> {
        match &self.when {
            SkipWhen::Need(n) => case
                .needs
                .iter()
                .find(|x| *x == n)
                .map(|_| format!("{} (needs {n})", self.reason)),
            SkipWhen::NeedPrefix(p) => case
                .needs
                .iter()
                .find(|x| x.starts_with(p.as_str()))
                .map(|n| format!("{} (needs {n})", self.reason)),
            SkipWhen::Feature(f) => case
                .features
                .iter()
                .any(|x| x == f)
                .then(|| self.reason.clone()),
        }
    }
}

/// What the runner does not do yet, as data: remove a rule to run those cases.
pub fn default_skip_rules() -> Vec<SkipRule> {
    vec![
        SkipRule::new(
            SkipWhen::NeedPrefix("service:".into()),
            "AWS service integrations are not simulated",
        ),
        SkipRule::new(
            SkipWhen::Need("callback".into()),
            "callbacks (task tokens answered by an outside worker) are not simulated",
        ),
        SkipRule::new(
            SkipWhen::Need("sync".into()),
            ".sync integrations are not simulated",
        ),
        SkipRule::new(
            SkipWhen::Need("express".into()),
            "express workflow semantics are not simulated",
        ),
        SkipRule::new(
            SkipWhen::Need("map:distributed".into()),
            "distributed Map is not simulated",
        ),
    ]
}

/// Needs the runner meets (besides `context:<path>` and the `lambda:` behaviours).
pub const SUPPORTED_NEEDS: &[&str] = &["mock", "wait:virtual", "wait:realtime"];

/// How cases are run.
#[derive(Debug, Clone)]
pub struct RunnerOptions {
    pub skip_rules: Vec<SkipRule>,
    /// Run only cases whose name contains this.
    pub filter: Option<String>,
    /// Per-case engine limits (the bound that keeps a runaway case from hanging).
    pub limits: Limits,
    /// Validate definitions (`compile_value`) rather than only compile them.
    pub validate: bool,
    /// Start time when the case has no recording date.
    pub start_time: Millis,
    pub seed: u64,
    pub region: String,
    pub account: String,
    /// Also compare event details with the recorded history (ids, previous ids,
    /// inputs, outputs, parameters, errors), where the event order allows it.
    pub history_details: bool,
}

impl Default for RunnerOptions {
    fn default() -> Self {
        RunnerOptions {
            skip_rules: default_skip_rules(),
            filter: None,
            limits: Limits {
                max_transitions: 100_000,
                ..Limits::default()
            },
            validate: true,
            start_time: ExecutionOptions::default().start_time,
            seed: 0,
            region: "us-east-1".into(),
            account: "111111111111".into(),
            history_details: true,
        }
    }
}

/// A case's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail(String),
    Skip(String),
}

/// Why a case would be skipped, if it would.
pub fn skip_reason(case: &Case, opts: &RunnerOptions) -> Option<String> {
    for rule in &opts.skip_rules {
        if let Some(r) = rule.matches(case) {
            return Some(r);
        }
    }
    for need in &case.needs {
        let ok = SUPPORTED_NEEDS.contains(&need.as_str())
            || need.starts_with("context:")
            || need
                .strip_prefix("lambda:")
                .is_some_and(|b| Behaviour::from_id(b).is_some());
        if !ok {
            return Some(format!("unsupported need {need}"));
        }
    }
    None
}

thread_local! {
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
    static CAPTURING: RefCell<bool> = const { RefCell::new(false) };
}

/// Runs `f`, turning a panic into `Err(message at location)`. While `f` runs, panics
/// on this thread are recorded instead of printed. (The recording hook is installed
/// once and hands panics of other threads to the hook it replaced.)
pub fn catch_panics<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CAPTURING.with(|c| *c.borrow()) {
                let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
                    s.to_string()
                } else if let Some(s) = info.payload().downcast_ref::<String>() {
                    s.clone()
                } else {
                    "(non-string panic payload)".to_string()
                };
                let loc = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                PANIC_MESSAGE.with(|m| *m.borrow_mut() = Some(format!("{msg}{loc}")));
            } else {
                prev(info);
            }
        }));
    });
    let was = CAPTURING.with(|c| std::mem::replace(&mut *c.borrow_mut(), true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CAPTURING.with(|c| *c.borrow_mut() = was);
    r.map_err(|_| {
        PANIC_MESSAGE
            .with(|m| m.borrow_mut().take())
            .unwrap_or_else(|| "panic".to_string())
    })
}

/// The handler for a case: its mock file (with the simulated Lambda functions behind
/// it) or the simulated Lambda functions alone.
fn case_handler(
    case: &Case,
    opts: &RunnerOptions,
    start: Millis,
) -> Result<Box<dyn TaskHandler>, String> {
    let mut sim = LambdaSim::new(&opts.region, &opts.account, start, opts.seed);
    for (name, f) in &case.lambda_functions {
        let b = Behaviour::from_id(&f.behaviour)
            .ok_or_else(|| format!("unknown Lambda behaviour {:?} for {name}", f.behaviour))?;
        sim.add(name, f.function_arn.as_deref(), b);
    }
    if case.needs.iter().any(|n| n == "mock") || case.mock_config.is_some() {
        let Some(m) = &case.mock_config else {
            return Err("the case needs \"mock\" but has no mock_config".into());
        };
        let cfg = MockConfig::from_value(m).map_err(|e| e.to_string())?;
        let sm = cfg
            .state_machine_name(case.state_machine_name.as_deref())
            .map_err(|e| e.to_string())?
            .to_string();
        let tc = case
            .test_case
            .as_deref()
            .ok_or("the case has a mock_config but no test_case")?;
        let h = cfg.handler(&sm, tc).map_err(|e| e.to_string())?;
        return Ok(Box::new(h.with_fallback(Box::new(sim))));
    }
    Ok(Box::new(sim))
}

fn recorded_millis(case: &Case) -> Option<Millis> {
    case.recorded_at
        .as_deref()
        .and_then(timestamp::parse)
        .map(|i| i.millis())
}

fn start_time(case: &Case, opts: &RunnerOptions) -> Millis {
    recorded_millis(case).unwrap_or(opts.start_time)
}

/// Runs a case to its end.
pub fn execute(case: &Case, opts: &RunnerOptions) -> Result<Execution, String> {
    let sm = if opts.validate {
        crate::compile_value(&case.definition).map_err(|e| format!("definition rejected: {e}"))?
    } else {
        Arc::new(
            crate::compile::compile(&case.definition)
                .map_err(|e| format!("definition rejected: {} at {}", e.message, e.pointer))?,
        )
    };
    let start = start_time(case, opts);
    let options = ExecutionOptions {
        input: case.input.clone(),
        name: case.execution_name.clone(),
        state_machine_name: case
            .state_machine_name
            .clone()
            .unwrap_or_else(|| "StateMachine".into()),
        region: opts.region.clone(),
        account: opts.account.clone(),
        role_arn: None,
        seed: opts.seed,
        start_time: start,
        limits: opts.limits.clone(),
        ..Default::default()
    };
    let mut handler = case_handler(case, opts, start)?;
    let mut ex = Execution::start(sm, options).map_err(|e| format!("cannot start: {e}"))?;
    ex.run(handler.as_mut());
    Ok(ex)
}

/// Compares a finished execution with the case's recording.
pub fn check(case: &Case, ex: &Execution, opts: &RunnerOptions) -> Result<(), String> {
    let out = ex.outcome();
    let e = &case.expected;
    if out.status == Status::Running {
        return Err("the execution did not finish: it waits for task answers nobody gives".into());
    }
    if out.status.as_str() != e.status {
        let mut msg = format!("status: expected {}, got {}", e.status, out.status.as_str());
        if let Some(err) = &out.error {
            let _ = write!(msg, " (error {err}");
            if let Some(c) = &out.cause {
                let _ = write!(
                    msg,
                    ": {}",
                    compare::short(&serde_json::Value::String(c.clone()))
                );
            }
            msg.push(')');
        }
        if e.status != "SUCCEEDED" {
            if let Some(err) = &e.error {
                let _ = write!(msg, "; recorded error {}", compare::short(err));
            }
        }
        return Err(msg);
    }
    let masks = case_masks(
        case.context_paths(),
        e.masked.iter().map(|m| m.path.as_str()),
    );
    if !masks.unparsed.is_empty() {
        return Err(format!(
            "the case has mask/context paths the runner cannot read: {:?}",
            masks.unparsed
        ));
    }
    if out.status == Status::Succeeded {
        if let Some(expected) = &e.output {
            let actual = out
                .output
                .as_deref()
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            compare_json(expected, &actual, &masks).map_err(|m| format!("output differs {m}"))?;
        }
    } else {
        compare_text(
            "error",
            e.error.as_ref(),
            out.error.as_deref(),
            e.error_is_json,
            &masks,
        )?;
        compare_text(
            "cause",
            e.cause.as_ref(),
            out.cause.as_deref(),
            e.cause_is_json,
            &masks,
        )?;
    }
    if let Some(events) = &case.events {
        let actual: Vec<&str> = ex.history().iter().map(|h| h.event_type.name()).collect();
        let recorded = case
            .history
            .as_deref()
            .and_then(compare::recorded_event_count);
        compare_events(events, &actual, case.events_order.as_deref(), recorded)?;
    }
    if opts.history_details {
        if let Some(h) = &case.history {
            let tokens: Vec<String> = e.masked.iter().filter_map(|m| m.token.clone()).collect();
            history::compare_history(h, ex.history(), &tokens, recorded_millis(case))?;
        }
    }
    Ok(())
}

/// Runs and checks one case (skips, panics and limits included).
pub fn run_case(case: &Case, opts: &RunnerOptions) -> Verdict {
    if let Some(r) = skip_reason(case, opts) {
        return Verdict::Skip(r);
    }
    match catch_panics(|| execute(case, opts).and_then(|ex| check(case, &ex, opts))) {
        Ok(Ok(())) => Verdict::Pass,
        Ok(Err(m)) => Verdict::Fail(m),
        Err(p) => Verdict::Fail(format!("engine panicked: {p}")),
    }
}

/// The known-failures list: `case name  # reason` per line; `#` starts a comment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KnownFailures {
    pub entries: BTreeMap<String, String>,
}

impl KnownFailures {
    pub fn parse(text: &str) -> Result<KnownFailures, String> {
        let mut entries = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, reason) = match line.find(" #").or_else(|| line.find("\t#")) {
                Some(p) => (line[..p].trim(), line[p + 2..].trim()),
                None => (line, ""),
            };
            if entries
                .insert(name.to_string(), reason.to_string())
                .is_some()
            {
                return Err(format!("line {}: {name} is listed twice", i + 1));
            }
        }
        Ok(KnownFailures { entries })
    }

    pub fn load(path: &Path) -> Result<KnownFailures, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        KnownFailures::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// One case's result in a run.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseResult {
    pub name: String,
    pub file: PathBuf,
    pub features: Vec<String>,
    pub needs: Vec<String>,
    pub verdict: Verdict,
    /// The known-failures reason when the case is listed.
    pub known: Option<String>,
}

impl CaseResult {
    pub fn unexpected_failure(&self) -> bool {
        matches!(self.verdict, Verdict::Fail(_)) && self.known.is_none()
    }
    pub fn unexpected_pass(&self) -> bool {
        self.verdict == Verdict::Pass && self.known.is_some()
    }
    /// Listed as a known failure but skipped: the entry is stale.
    pub fn stale_entry(&self) -> bool {
        matches!(self.verdict, Verdict::Skip(_)) && self.known.is_some()
    }
}

/// A whole run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub results: Vec<CaseResult>,
    pub load_errors: Vec<LoadError>,
    /// Known-failure entries that match no loaded case.
    pub unmatched_known: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.verdict == Verdict::Pass)
            .count()
    }
    /// Failed cases, load errors included.
    pub fn failed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Fail(_)))
            .count()
            + self.load_errors.len()
    }
    pub fn skipped(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Skip(_)))
            .count()
    }
    pub fn unexpected_failures(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.unexpected_failure())
            .count()
            + self.load_errors.len()
    }
    pub fn unexpected_passes(&self) -> usize {
        self.results.iter().filter(|r| r.unexpected_pass()).count()
    }
    pub fn stale_entries(&self) -> usize {
        self.results.iter().filter(|r| r.stale_entry()).count()
    }

    /// No unexpected failure, no unexpected pass, no stale known-failure entry.
    pub fn ok(&self) -> bool {
        self.unexpected_failures() == 0
            && self.unexpected_passes() == 0
            && self.stale_entries() == 0
    }

    /// Pass/run/skip counts of the cases matching `pred`.
    pub fn group(&self, pred: impl Fn(&CaseResult) -> bool) -> (usize, usize, usize) {
        let mut t = (0, 0, 0);
        for r in self.results.iter().filter(|r| pred(r)) {
            match r.verdict {
                Verdict::Pass => {
                    t.0 += 1;
                    t.1 += 1
                }
                Verdict::Fail(_) => t.1 += 1,
                Verdict::Skip(_) => t.2 += 1,
            }
        }
        t
    }

    /// The text report: failing cases (one line each), a table by feature, group
    /// totals, the known-failures balance and, last, `N passed, M failed, K skipped`.
    pub fn render(&self, verbose: bool) -> String {
        let mut s = String::new();
        for e in &self.load_errors {
            let _ = writeln!(s, "ERROR {e}");
        }
        for r in &self.results {
            match (&r.verdict, &r.known) {
                (Verdict::Fail(m), None) => {
                    let _ = writeln!(s, "FAIL {}: {m}", r.name);
                }
                (Verdict::Fail(m), Some(k)) => {
                    let _ = writeln!(s, "FAIL (known: {k}) {}: {m}", r.name);
                }
                (Verdict::Pass, Some(k)) => {
                    let _ = writeln!(
                        s,
                        "UNEXPECTED PASS {} (listed as a known failure: {k}): remove it from the list",
                        r.name
                    );
                }
                (Verdict::Skip(m), Some(_)) => {
                    let _ = writeln!(
                        s,
                        "STALE {} is listed as a known failure but is skipped ({m}): remove it from the list",
                        r.name
                    );
                }
                (Verdict::Skip(m), None) if verbose => {
                    let _ = writeln!(s, "SKIP {}: {m}", r.name);
                }
                (Verdict::Pass, None) if verbose => {
                    let _ = writeln!(s, "PASS {}", r.name);
                }
                _ => {}
            }
        }
        if verbose {
            for n in &self.unmatched_known {
                let _ = writeln!(s, "note: known failure {n} matches no loaded case");
            }
        }
        // Features table.
        let mut by_feature: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
        for r in &self.results {
            for f in &r.features {
                let e = by_feature.entry(f.as_str()).or_default();
                match r.verdict {
                    Verdict::Pass => {
                        e.0 += 1;
                        e.1 += 1
                    }
                    Verdict::Fail(_) => e.1 += 1,
                    Verdict::Skip(_) => e.2 += 1,
                }
            }
        }
        if !by_feature.is_empty() {
            let w = by_feature.keys().map(|k| k.len()).max().unwrap_or(7).max(7);
            let _ = writeln!(
                s,
                "\n{:<w$}  {:>9}  {:>7}",
                "feature", "pass/run", "skipped"
            );
            for (f, (p, n, k)) in &by_feature {
                let _ = writeln!(s, "{f:<w$}  {:>9}  {k:>7}", format!("{p}/{n}"));
            }
            s.push('\n');
        }
        fn needs_free(r: &CaseResult) -> bool {
            r.needs.is_empty() && !r.features.iter().any(|f| f == "JSONata")
        }
        fn lambda(r: &CaseResult) -> bool {
            r.needs.iter().any(|n| n.starts_with("lambda:"))
        }
        fn jsonata_or_assign(r: &CaseResult) -> bool {
            r.features.iter().any(|f| f == "JSONata" || f == "Assign")
                && r.needs.iter().all(|n| n.starts_with("lambda:"))
        }
        fn all(_: &CaseResult) -> bool {
            true
        }
        type Pred = fn(&CaseResult) -> bool;
        let groups: [(&str, Pred); 4] = [
            ("needs-free, non-JSONata", needs_free),
            ("lambda:*", lambda),
            (
                "JSONata or Assign (needs-free and lambda:*)",
                jsonata_or_assign,
            ),
            ("all", all),
        ];
        for (label, pred) in &groups {
            let (p, n, k) = self.group(*pred);
            if n + k > 0 {
                let pct = if n > 0 {
                    100.0 * p as f64 / n as f64
                } else {
                    0.0
                };
                let _ = writeln!(s, "{label}: {p}/{n} passed ({pct:.1}%), {k} skipped");
            }
        }
        let known_failing = self
            .results
            .iter()
            .filter(|r| r.known.is_some() && matches!(r.verdict, Verdict::Fail(_)))
            .count();
        let _ = writeln!(
            s,
            "known failures: {known_failing} still failing; {} unexpected failures, {} unexpected passes, {} stale entries => {}",
            self.unexpected_failures(),
            self.unexpected_passes(),
            self.stale_entries(),
            if self.ok() { "OK" } else { "NOT OK" }
        );
        let _ = writeln!(
            s,
            "{} passed, {} failed, {} skipped",
            self.passed(),
            self.failed(),
            self.skipped()
        );
        s
    }
}

/// Runs loaded cases.
pub fn run_cases(
    cases: &[Case],
    load_errors: Vec<LoadError>,
    opts: &RunnerOptions,
    known: &KnownFailures,
) -> Report {
    let mut report = Report {
        load_errors,
        ..Report::default()
    };
    let mut seen = BTreeSet::new();
    for case in cases {
        if let Some(f) = &opts.filter {
            if !case.name.contains(f.as_str()) {
                continue;
            }
        }
        seen.insert(case.name.as_str());
        report.results.push(CaseResult {
            name: case.name.clone(),
            file: case.file.clone(),
            features: case.features.clone(),
            needs: case.needs.clone(),
            verdict: run_case(case, opts),
            known: known.entries.get(&case.name).cloned(),
        });
    }
    report.unmatched_known = known
        .entries
        .keys()
        .filter(|k| !seen.contains(k.as_str()))
        .cloned()
        .collect();
    report
}

/// Loads and runs every case under `paths`.
pub fn run_paths<P: AsRef<Path>>(
    paths: &[P],
    opts: &RunnerOptions,
    known: &KnownFailures,
) -> Report {
    let (cases, errors) = load_cases(paths);
    run_cases(&cases, errors, opts, known)
}

/// Whether a directory is the JSONata language test suite (`groups/`, `datasets/`)
/// rather than a directory of execution cases.
pub fn is_jsonata_suite(dir: &Path) -> bool {
    dir.join("groups").is_dir() && dir.join("datasets").is_dir()
}
