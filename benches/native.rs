//! Native engine benchmark over the shared workloads (`../shared/bench/workloads`, or
//! the directory given as the first argument): runs each workload as its `meta.json`
//! says, checks the output, and prints ms, transitions per second and peak memory.
//!
//! `cargo bench --bench native [-- DIR] [--only NAME,...] [--executions N]`
//!
//! `--only` runs some workloads; `--executions` overrides the number of timed
//! executions (for profiling under callgrind, say).

use serde_json::Value;
use statelab::{Execution, ExecutionOptions, Limits, TaskRequest, TaskResponse};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn read(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn check(meta: &Value, out: &Value) -> Result<(), String> {
    if let Some(exp) = meta.get("expect") {
        // `expect` may be a subset of the output (objects) or the whole value.
        if !subset(exp, out) {
            return Err(format!("output {out} does not match {exp}"));
        }
    }
    if let Some(n) = meta.get("expectLength").and_then(Value::as_u64) {
        let arr = out.as_array().ok_or("output is not an array")?;
        if arr.len() as u64 != n {
            return Err(format!("length {} != {n}", arr.len()));
        }
        if let Some(item) = meta.get("expectItem") {
            let i = item["index"].as_u64().unwrap_or(0) as usize;
            if !subset(&item["value"], &arr[i]) {
                return Err(format!("item {i} = {} != {}", arr[i], item["value"]));
            }
        }
    }
    Ok(())
}

fn subset(exp: &Value, got: &Value) -> bool {
    match (exp, got) {
        (Value::Object(e), Value::Object(g)) => e
            .iter()
            .all(|(k, v)| k == "seed" || g.get(k).is_some_and(|gv| subset(v, gv))),
        (Value::Array(e), Value::Array(g)) => {
            e.len() == g.len() && e.iter().zip(g).all(|(a, b)| subset(a, b))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => exp == got,
    }
}

fn main() {
    let mut dir = None;
    let mut only: Option<Vec<String>> = None;
    let mut executions_override: Option<u64> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--only" => {
                only = args
                    .next()
                    .map(|s| s.split(',').map(str::to_string).collect())
            }
            "--executions" => executions_override = args.next().and_then(|s| s.parse().ok()),
            // `cargo bench` passes `--bench`.
            _ if a.starts_with('-') => {}
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/workloads"));
    if !dir.is_dir() {
        println!("no workloads at {} (skipped)", dir.display());
        return;
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("read workloads")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".asl.json"))
                .map(str::to_string)
        })
        .collect();
    names.sort();
    if let Some(only) = &only {
        names.retain(|n| only.contains(n));
    }
    println!("| workload | executions | ms | transitions/s | peak RSS MB |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for name in names {
        let def = read(&dir.join(format!("{name}.asl.json")));
        let input = read(&dir.join(format!("{name}.input.json")));
        let meta = read(&dir.join(format!("{name}.meta.json")));
        let executions = executions_override.unwrap_or(meta["executions"].as_u64().unwrap_or(1));
        let transitions = meta["transitionsPerExecution"].as_u64().unwrap_or(1);
        let sm = std::sync::Arc::new(
            statelab::compile::compile(&def).unwrap_or_else(|e| panic!("{name}: {e:?}")),
        );
        let opts = ExecutionOptions {
            input,
            limits: Limits {
                max_history_events: 0,
                max_payload_bytes: 0,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut identity = |r: &TaskRequest| TaskResponse::Success((*r.input).clone());
        let mut one = |check_output: bool| {
            let mut ex = Execution::start(sm.clone(), opts.clone()).expect("start");
            ex.run(&mut identity);
            let o = ex.outcome();
            if check_output {
                let out = o.output.as_deref().cloned().unwrap_or(Value::Null);
                if let Err(e) = check(&meta, &out) {
                    panic!("{name}: {:?} {e}", o.status);
                }
            }
            ex.history().len()
        };
        one(true); // warm-up and output check
        let start = Instant::now();
        let mut events = 0;
        for _ in 0..executions {
            events += one(false);
        }
        let secs = start.elapsed().as_secs_f64();
        let tps = (executions * transitions) as f64 / secs;
        println!(
            "| {name} | {executions} | {:.0} | {:.0} | {:.0} |",
            secs * 1000.0,
            tps,
            peak_rss_mb()
        );
        let _ = events;
    }
}
