//! Runs the official JSONata test suite (jsonata-js `test/test-suite`, as copied under
//! `shared/conformance/jsonata`: `groups/<group>/*.json` and `datasets/*.json`) against
//! statelab's JSONata module in its plain-JSONata dialect.
//!
//! A case file holds one case or an array of cases; a case is named `<group>/<file>`,
//! or `<group>/<file>[i]` inside an array. Fields read: `expr` / `expr-file`, `data` /
//! `dataset` (`null`: no input, i.e. undefined), `bindings`, and the expectation:
//! `result` (deep equality, numbers compared as numbers, arrays in order unless the case
//! is `unordered`), `undefinedResult`, `code` or `error.code`. Compared for errors: the
//! JSONata error code only (the message and `token`/position details are not), raised at
//! parse or evaluation time alike. The evaluator's own bounds stand for the reference
//! runner's time box: their failures count as `U1001`. `depth` sets the depth bound
//! (counted a little differently from jsonata-js: leaves do not count, calls do);
//! `timelimit` sets the work bound (1,000 work units per millisecond: the reference
//! runner's time is wall-clock, ours is counted).

use super::KnownFailures;
use crate::jsonata::{Dialect, EvalError, Expression, Limits, MEMORY, STACK_OVERFLOW, TIMEOUT};
use crate::rng::Rng;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What a case expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    Result(Value),
    Undefined,
    Code(String),
}

/// One case of the suite.
#[derive(Debug, Clone)]
pub struct SuiteCase {
    pub name: String,
    pub expr: String,
    /// `None`: no input (undefined).
    pub input: Option<Value>,
    pub bindings: serde_json::Map<String, Value>,
    pub expect: Expect,
    pub unordered: bool,
    pub depth: Option<usize>,
    pub timelimit: Option<u64>,
}

/// The run's results.
#[derive(Debug, Default)]
pub struct SuiteReport {
    /// Case name → failure reason (`None`: passed).
    pub results: BTreeMap<String, Option<String>>,
    /// Names on the known-failures list.
    pub known: BTreeMap<String, String>,
    /// Listed names of this suite's groups that match no case.
    pub stale: Vec<String>,
}

impl SuiteReport {
    pub fn passed(&self) -> usize {
        self.results.values().filter(|r| r.is_none()).count()
    }
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
    pub fn unexpected_failures(&self) -> Vec<&str> {
        self.results
            .iter()
            .filter(|(n, r)| r.is_some() && !self.known.contains_key(*n))
            .map(|(n, _)| n.as_str())
            .collect()
    }
    pub fn unexpected_passes(&self) -> Vec<&str> {
        self.results
            .iter()
            .filter(|(n, r)| r.is_none() && self.known.contains_key(*n))
            .map(|(n, _)| n.as_str())
            .collect()
    }
    /// No unexpected failure, no unexpected pass, no stale entry.
    pub fn ok(&self) -> bool {
        self.unexpected_failures().is_empty()
            && self.unexpected_passes().is_empty()
            && self.stale.is_empty()
    }

    /// One line per failing case, the known-failure bookkeeping, then
    /// `N passed, M failed`.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for (name, r) in &self.results {
            if let Some(reason) = r {
                let tag = if self.known.contains_key(name) {
                    "known"
                } else {
                    "FAIL"
                };
                let _ = writeln!(s, "{tag} {name}: {reason}");
            }
        }
        for name in self.unexpected_passes() {
            let _ = writeln!(
                s,
                "UNEXPECTED PASS {name} (remove it from the known failures)"
            );
        }
        for name in &self.stale {
            let _ = writeln!(
                s,
                "STALE {name}: listed as a known failure, but no such case"
            );
        }
        let total = self.results.len();
        let pct = if total > 0 {
            100.0 * self.passed() as f64 / total as f64
        } else {
            0.0
        };
        let _ = writeln!(
            s,
            "JSONata suite: {}/{total} passed ({pct:.2}%); {} unexpected failures, {} unexpected passes, {} stale entries => {}",
            self.passed(),
            self.unexpected_failures().len(),
            self.unexpected_passes().len(),
            self.stale.len(),
            if self.ok() { "OK" } else { "NOT OK" }
        );
        let _ = writeln!(s, "{} passed, {} failed", self.passed(), self.failed());
        s
    }
}

/// Loads every case under `dir` (`groups/`, `datasets/`). A file that cannot be read as
/// JSON (the two cases with a lone UTF-16 surrogate) yields an entry whose `Err` says why.
pub fn load(dir: &Path) -> Vec<(String, Result<SuiteCase, String>)> {
    load_with(dir, &Disk)
}

/// Where the suite's files come from: the disk natively, Node's `fs` under wasm.
pub trait SuiteFiles {
    fn read(&self, path: &Path) -> Option<String>;
    /// The entries of a directory (full paths), in any order.
    fn list(&self, dir: &Path) -> Vec<PathBuf>;
    fn is_dir(&self, path: &Path) -> bool;
}

/// The local file system.
pub struct Disk;

impl SuiteFiles for Disk {
    fn read(&self, path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }
    fn list(&self, dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default()
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
}

/// `load` over any file source.
pub fn load_with(dir: &Path, fs: &dyn SuiteFiles) -> Vec<(String, Result<SuiteCase, String>)> {
    let datasets = load_datasets(&dir.join("datasets"), fs);
    let mut out = Vec::new();
    let groups = dir.join("groups");
    let mut group_dirs: Vec<PathBuf> = read_dir_sorted(&groups, fs)
        .into_iter()
        .filter(|p| fs.is_dir(p))
        .collect();
    group_dirs.sort();
    for group_dir in group_dirs {
        let group = file_name(&group_dir);
        for file in read_dir_sorted(&group_dir, fs) {
            if file.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let stem = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let base = format!("{group}/{stem}");
            let text = match fs.read(&file) {
                Some(t) => t,
                None => {
                    out.push((base, Err("cannot read the case file".into())));
                    continue;
                }
            };
            let doc: Value = match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(e) => {
                    out.push((base, Err(format!("cannot load the case: {e}"))));
                    continue;
                }
            };
            match doc {
                Value::Array(cases) => {
                    for (i, c) in cases.iter().enumerate() {
                        let name = format!("{base}[{i}]");
                        let case = parse_case(&name, c, &group_dir, &datasets, fs);
                        out.push((name, case));
                    }
                }
                c => {
                    let case = parse_case(&base, &c, &group_dir, &datasets, fs);
                    out.push((base, case));
                }
            }
        }
    }
    out
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string()
}

fn read_dir_sorted(dir: &Path, fs: &dyn SuiteFiles) -> Vec<PathBuf> {
    let mut v = fs.list(dir);
    v.sort();
    v
}

fn load_datasets(dir: &Path, fs: &dyn SuiteFiles) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for f in read_dir_sorted(dir, fs) {
        if f.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if let Some(v) = fs
            .read(&f)
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        {
            out.insert(name, v);
        }
    }
    out
}

fn parse_case(
    name: &str,
    c: &Value,
    group_dir: &Path,
    datasets: &BTreeMap<String, Value>,
    fs: &dyn SuiteFiles,
) -> Result<SuiteCase, String> {
    let expr = match (c.get("expr"), c.get("expr-file")) {
        (Some(Value::String(e)), _) => e.clone(),
        (_, Some(Value::String(f))) => fs
            .read(&group_dir.join(f))
            .ok_or_else(|| format!("cannot read expr-file {f}"))?,
        _ => return Err("the case has no expr".into()),
    };
    let input = if let Some(d) = c.get("data") {
        Some(d.clone())
    } else {
        match c.get("dataset") {
            None | Some(Value::Null) => None,
            Some(Value::String(d)) => Some(
                datasets
                    .get(d)
                    .cloned()
                    .ok_or_else(|| format!("unknown dataset {d}"))?,
            ),
            Some(other) => return Err(format!("bad dataset {other}")),
        }
    };
    let bindings = match c.get("bindings") {
        Some(Value::Object(m)) => m.clone(),
        _ => serde_json::Map::new(),
    };
    let code = c
        .get("code")
        .and_then(Value::as_str)
        .or_else(|| c.get("error")?.get("code")?.as_str());
    let expect = if let Some(code) = code {
        Expect::Code(code.to_string())
    } else if let Some(r) = c.get("result") {
        Expect::Result(r.clone())
    } else if c.get("undefinedResult") == Some(&Value::Bool(true)) {
        Expect::Undefined
    } else {
        return Err(format!("{name}: no result, undefinedResult or code"));
    };
    Ok(SuiteCase {
        name: name.to_string(),
        expr,
        input,
        bindings,
        expect,
        unordered: c.get("unordered") == Some(&Value::Bool(true)),
        depth: c.get("depth").and_then(Value::as_u64).map(|d| d as usize),
        timelimit: c.get("timelimit").and_then(Value::as_u64),
    })
}

/// The bounds a case runs under (see the module docs).
pub fn limits(case: &SuiteCase) -> Limits {
    Limits {
        max_depth: case.depth.unwrap_or(10_000),
        max_steps: case.timelimit.map(|t| t * 1_000).unwrap_or(20_000_000),
        max_sequence: 10_000_000,
        max_bytes: u64::MAX,
    }
}

/// The real time: the suite compares `$now()` with dates the evaluator defaults from the
/// clock (`$toMillis` without a date part).
fn wall_clock_millis() -> i64 {
    #[cfg(not(target_family = "wasm"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
    #[cfg(target_family = "wasm")]
    {
        0
    }
}

/// The code a failure counts as: its JSONata code, or U1001 for the bounds.
fn code_of(e: &EvalError) -> String {
    if let Some(c) = e.code() {
        return c.to_string();
    }
    if e.message == STACK_OVERFLOW || e.message == TIMEOUT || e.message == MEMORY {
        return "U1001".to_string();
    }
    format!("(no code: {})", e.message)
}

/// Runs one case: `Ok(())` when it passes, else why not.
pub fn run_case(case: &SuiteCase) -> Result<(), String> {
    let outcome = Expression::parse_with(&case.expr, Dialect::Jsonata).and_then(|e| {
        let mut rng = Rng::new(0);
        e.eval_document(
            case.input.as_ref(),
            &case.bindings,
            &mut rng,
            limits(case),
            wall_clock_millis(),
        )
    });
    match (&case.expect, outcome) {
        (Expect::Code(want), Err(e)) => {
            let got = code_of(&e);
            if &got == want {
                Ok(())
            } else {
                Err(format!("expected error {want}, got {got} ({})", e.message))
            }
        }
        (Expect::Code(want), Ok(v)) => {
            Err(format!("expected error {want}, got {}", show(v.as_ref())))
        }
        (_, Err(e)) => Err(format!("unexpected error: {}", e.message)),
        (Expect::Undefined, Ok(None)) => Ok(()),
        (Expect::Undefined, Ok(Some(v))) => {
            Err(format!("expected undefined, got {}", show(Some(&v))))
        }
        (Expect::Result(_), Ok(None)) => Err("expected a result, got undefined".into()),
        (Expect::Result(want), Ok(Some(got))) => {
            if same(want, &got, case.unordered) {
                Ok(())
            } else {
                Err(format!(
                    "expected {}, got {}",
                    show(Some(want)),
                    show(Some(&got))
                ))
            }
        }
    }
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "undefined".into(),
        Some(v) => {
            let s = serde_json::to_string(v).unwrap_or_default();
            if s.chars().count() > 200 {
                format!("{}…", s.chars().take(200).collect::<String>())
            } else {
                s
            }
        }
    }
}

/// Deep equality with numbers compared by value (`1` equals `1.0`); `unordered`: arrays
/// compared as multisets.
pub fn same(a: &Value, b: &Value, unordered: bool) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            if !unordered {
                return x.iter().zip(y).all(|(p, q)| same(p, q, unordered));
            }
            let mut used = vec![false; y.len()];
            x.iter().all(
                |p| match (0..y.len()).find(|&j| !used[j] && same(p, &y[j], unordered)) {
                    Some(j) => {
                        used[j] = true;
                        true
                    }
                    None => false,
                },
            )
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same(v, w, unordered)))
        }
        _ => a == b,
    }
}

/// Runs every case under `dir` (those whose name contains `filter`, when given) and
/// checks the outcome against `known`.
pub fn run(dir: &Path, known: &KnownFailures, filter: Option<&str>) -> SuiteReport {
    run_with(dir, &Disk, known, filter)
}

/// `run` over any file source.
pub fn run_with(
    dir: &Path,
    fs: &dyn SuiteFiles,
    known: &KnownFailures,
    filter: Option<&str>,
) -> SuiteReport {
    let cases = load_with(dir, fs);
    let groups: BTreeSet<String> = cases
        .iter()
        .filter_map(|(n, _)| n.split('/').next().map(str::to_string))
        .collect();
    let mut report = SuiteReport::default();
    for (name, case) in &cases {
        if filter.is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let verdict = match case {
            Err(e) => Err(e.clone()),
            Ok(c) => match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(c))) {
                Ok(r) => r,
                Err(_) => Err("the evaluator panicked".into()),
            },
        };
        report.results.insert(name.clone(), verdict.err());
    }
    let names: BTreeSet<&str> = cases.iter().map(|(n, _)| n.as_str()).collect();
    for (name, reason) in &known.entries {
        let group = name.split('/').next().unwrap_or_default();
        if !groups.contains(group) {
            continue; // another runner's entry
        }
        if names.contains(name.as_str()) {
            if report.results.contains_key(name) {
                report.known.insert(name.clone(), reason.clone());
            }
        } else {
            report.stale.push(name.clone());
        }
    }
    report
}
