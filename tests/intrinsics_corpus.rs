//! Conformance against the AWS-recorded LocalStack corpus (when it is present).
//!
//! 1. Every `States.*(...)` expression found in the definitions of
//!    `cases/intrinsic_functions/**` must be accepted by `Intrinsic::parse`.
//! 2. Cases that are a single JSONPath `Pass` state with `Parameters` are evaluated here
//!    (payload template + intrinsics + paths, no engine needed) and compared with the
//!    recorded output, except for masked values and `$$` values the run itself decides.

use serde_json::{json, Map, Value};
use statelab::intrinsics::Intrinsic;
use statelab::path::{Path, SimpleRoots};
use statelab::rng::Rng;
use std::path::PathBuf;

const CORPUS: &str = "/work/shared/conformance/localstack/cases";

fn case_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn load(p: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn collect_calls(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if Intrinsic::looks_like_call(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect_calls(x, out)),
        Value::Object(m) => m.values().for_each(|x| collect_calls(x, out)),
        _ => {}
    }
}

fn is_jsonata(def: &Value) -> bool {
    def.to_string().contains("JSONata")
}

#[test]
fn every_intrinsic_in_the_corpus_parses() {
    let dir = PathBuf::from(CORPUS).join("intrinsic_functions");
    if !dir.is_dir() {
        println!(
            "NOTE: {} not found; skipping corpus parse test",
            dir.display()
        );
        return;
    }
    let mut calls = Vec::new();
    for f in case_files(&dir) {
        let case = load(&f);
        if let Some(def) = case.get("definition") {
            collect_calls(def, &mut calls);
        }
    }
    assert!(
        calls.len() > 50,
        "expected many intrinsic calls, found {}",
        calls.len()
    );
    let mut failures = Vec::new();
    for c in &calls {
        if let Err(e) = Intrinsic::parse(c) {
            failures.push(format!("{c:?}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "not accepted:\n{}",
        failures.join("\n")
    );
    println!("{} intrinsic expressions parsed", calls.len());
}

#[test]
fn every_intrinsic_in_the_whole_corpus_parses() {
    let dir = PathBuf::from(CORPUS);
    if !dir.is_dir() {
        println!("NOTE: {} not found; skipping", dir.display());
        return;
    }
    let mut calls = Vec::new();
    for f in case_files(&dir) {
        let case = load(&f);
        if let Some(def) = case.get("definition") {
            collect_calls(def, &mut calls);
        }
    }
    let failures: Vec<String> = calls
        .iter()
        .filter_map(|c| Intrinsic::parse(c).err().map(|e| format!("{c:?}: {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "not accepted:\n{}",
        failures.join("\n")
    );
}

/// A minimal JSONPath payload-template evaluator (enough for the Pass cases).
fn template(
    t: &Value,
    roots: &SimpleRoots,
    rng: &mut Rng,
    skip: &mut Vec<String>,
    at: &str,
) -> Value {
    match t {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                if let (Some(name), Value::String(expr)) = (k.strip_suffix(".$"), v) {
                    let here = format!("{at}.{name}");
                    if expr.starts_with("$$") && !expr.starts_with("$$.Execution.Input") {
                        skip.push(here);
                        out.insert(name.to_string(), Value::Null);
                        continue;
                    }
                    if expr.contains("$$.") && !expr.contains("$$.Execution.Input") {
                        skip.push(here.clone());
                    }
                    let val = if Intrinsic::looks_like_call(expr) {
                        match Intrinsic::parse(expr).and_then(|i| {
                            i.eval(roots, rng)
                                .map_err(|e| format!("{}: {}", e.error, e.cause))
                        }) {
                            Ok(v) => v,
                            Err(e) => json!({ "EVAL_ERROR": e }),
                        }
                    } else {
                        match Path::parse(expr) {
                            Ok(p) => p
                                .find(roots)
                                .map(|c| c.into_owned())
                                .unwrap_or_else(|m| json!({ "PATH_MISS": m.detail })),
                            Err(e) => json!({ "PATH_ERROR": e }),
                        }
                    };
                    out.insert(name.to_string(), val);
                } else {
                    out.insert(
                        k.clone(),
                        template(v, roots, rng, skip, &format!("{at}.{k}")),
                    );
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| template(x, roots, rng, skip, &format!("{at}[{i}]")))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn remove_at(v: &mut Value, path: &str) {
    // Paths are like `$.a.b`; only members are needed here.
    let mut cur = v;
    let parts: Vec<&str> = path
        .trim_start_matches('$')
        .trim_start_matches('.')
        .split('.')
        .collect();
    for (i, p) in parts.iter().enumerate() {
        let Value::Object(m) = cur else { return };
        if i + 1 == parts.len() {
            m.shift_remove(*p);
            return;
        }
        match m.get_mut(*p) {
            Some(next) => cur = next,
            None => return,
        }
    }
}

/// Evaluates every single-state JSONPath Pass case with `Parameters` under `dir`;
/// returns how many were checked and the differences.
fn check_pass_cases(dir: &std::path::Path) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut failures = Vec::new();
    for f in case_files(dir) {
        let case = load(&f);
        let def = &case["definition"];
        if is_jsonata(def) {
            continue;
        }
        let Some(states) = def["States"].as_object() else {
            continue;
        };
        if states.len() != 1 {
            continue;
        }
        let Some(state) = states.values().next() else {
            continue;
        };
        if state["Type"] != "Pass" || !state["Parameters"].is_object() {
            continue;
        }
        if state.get("InputPath").is_some()
            || state.get("ResultPath").is_some()
            || state.get("OutputPath").is_some()
            || state.get("Assign").is_some()
        {
            continue;
        }
        let expected = &case["expected"];
        if expected["status"] != "SUCCEEDED" {
            continue;
        }
        let input = case["input"].clone();
        let ctx = json!({"Execution": {"Input": input.clone()}});
        let roots = SimpleRoots {
            input: &input,
            context: &ctx,
            variables: None,
        };
        let mut skip = Vec::new();
        let mut rng = Rng::new(7);
        let mut got = template(&state["Parameters"], &roots, &mut rng, &mut skip, "$");
        let mut want = expected["output"].clone();
        if let Some(masked) = expected["masked"].as_array() {
            for m in masked {
                if let Some(p) = m["path"].as_str() {
                    skip.push(p.to_string());
                }
            }
        }
        for p in &skip {
            remove_at(&mut got, p);
            remove_at(&mut want, p);
        }
        checked += 1;
        if got != want {
            failures.push(format!(
                "{}\n  input:    {}\n  expected: {}\n  got:      {}",
                f.display(),
                input,
                want,
                got
            ));
        }
    }
    (checked, failures)
}

#[test]
fn single_pass_cases_reproduce_the_recorded_output() {
    let dir = PathBuf::from(CORPUS).join("intrinsic_functions");
    if !dir.is_dir() {
        println!(
            "NOTE: {} not found; skipping corpus evaluation test",
            dir.display()
        );
        return;
    }
    let (checked, failures) = check_pass_cases(&dir);
    assert!(checked > 50, "only {checked} cases checked");
    assert!(
        failures.is_empty(),
        "{} of {checked} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{checked} recorded intrinsic cases reproduced");
}

#[test]
fn single_pass_cases_across_the_whole_corpus() {
    let dir = PathBuf::from(CORPUS);
    if !dir.is_dir() {
        println!("NOTE: {} not found; skipping", dir.display());
        return;
    }
    let (checked, failures) = check_pass_cases(&dir);
    assert!(
        failures.is_empty(),
        "{} of {checked} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("{checked} recorded single-Pass cases reproduced");
}
