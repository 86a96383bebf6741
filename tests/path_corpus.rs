//! Every path written in the AWS-recorded corpus definitions must parse: `.$` values and
//! `*Path` / `Variable` fields with `Path::parse`, and the fields that take a Reference
//! Path (ResultPath, ItemsPath, *SecondsPath, ...) with `Path::parse_reference`.
//! Skipped (with a note) when the corpus is not present.

use serde_json::Value;
use statelab::intrinsics::Intrinsic;
use statelab::path::Path;
use std::path::PathBuf;

const CORPUS: &str = "/work/shared/conformance/localstack/cases";

const REFERENCE_FIELDS: [&str; 9] = [
    "ResultPath",
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
];

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

/// (field name, path text, must be a reference path)
fn collect(v: &Value, out: &mut Vec<(String, String, bool)>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        Value::Object(m) => {
            if m.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata") {
                return;
            }
            for (k, x) in m {
                if let Value::String(s) = x {
                    let is_path_field = k.ends_with(".$")
                        || k.ends_with("Path")
                        || k == "Variable"
                        || REFERENCE_FIELDS.contains(&k.as_str());
                    if is_path_field && s.starts_with('$') {
                        let reference = REFERENCE_FIELDS.contains(&k.as_str());
                        out.push((k.clone(), s.clone(), reference));
                    }
                }
                collect(x, out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_path_in_the_corpus_parses() {
    let dir = PathBuf::from(CORPUS);
    if !dir.is_dir() {
        println!(
            "NOTE: {} not found; skipping corpus path test",
            dir.display()
        );
        return;
    }
    let mut paths = Vec::new();
    for f in case_files(&dir) {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let Ok(case) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let def = &case["definition"];
        if def.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata") {
            continue;
        }
        collect(def, &mut paths);
    }
    assert!(paths.len() > 100, "only {} paths found", paths.len());
    let mut failures = Vec::new();
    for (field, text, reference) in &paths {
        // `.$` values may be intrinsic calls; those are covered elsewhere.
        if Intrinsic::looks_like_call(text) {
            continue;
        }
        let r = if *reference {
            Path::parse_reference(text)
        } else {
            Path::parse(text)
        };
        if let Err(e) = r {
            failures.push(format!("{field}: {text:?}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "not accepted:\n{}",
        failures.join("\n")
    );
    println!("{} corpus paths parsed", paths.len());
}
