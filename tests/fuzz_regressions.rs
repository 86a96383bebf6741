//! The fuzz targets on the stable toolchain, without libFuzzer:
//!
//! 1. every saved input under `tests/fuzz_regressions/<target>/` (crashes, hangs and
//!    OOMs found by `cargo fuzz`, minimised) goes through the same target body as under
//!    the fuzzer (`fuzz/targets_common.rs`);
//! 2. a quick generative smoke test mutates real definitions (the conformance corpus
//!    when present, the built-in example and the saved regressions otherwise) with a
//!    seeded PRNG (drop / duplicate / retype fields, deep nesting, huge numbers, hostile
//!    strings) and runs each through the `definition` body, reporting the input of the
//!    first panic.

#[path = "../fuzz/targets_common.rs"]
mod targets_common;

use serde_json::{json, Map, Number, Value};
use statelab::rng::Rng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const REGRESSIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_regressions");
const CASES: &str = "/work/shared/conformance/localstack/cases";
const WORKLOADS: &str = "/work/shared/bench/workloads";

fn files_under(dir: &Path) -> Vec<PathBuf> {
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
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Runs a target body, turning a panic into an error that names the input.
fn check(target: &str, data: &[u8]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| targets_common::run(target, data))).map_err(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!(
            "target {target} panicked ({msg}) on input {:?}",
            String::from_utf8_lossy(data)
        )
    })
}

#[test]
fn saved_regressions_do_not_panic() {
    let mut n = 0;
    let mut failures = Vec::new();
    for target in targets_common::TARGETS {
        for f in files_under(&Path::new(REGRESSIONS).join(target)) {
            let data = std::fs::read(&f).unwrap();
            let started = Instant::now();
            if let Err(e) = check(target, &data) {
                failures.push(format!("{}: {e}", f.display()));
            }
            let took = started.elapsed();
            // Under the fuzzer (optimised) these inputs timed out (5 s) or ran out of
            // memory before their fix; an unoptimised build is allowed more.
            let limit = if cfg!(debug_assertions) { 60 } else { 5 };
            if took > Duration::from_secs(limit) {
                failures.push(format!("{}: took {took:?}", f.display()));
            }
            n += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{n} saved fuzz inputs replayed");
}

/// Known open findings: inputs that still panic in code this suite may not change
/// (each is reported with its backtrace). Overflow panics only show with debug
/// assertions, so this runs in debug builds only. When one stops panicking, move it to
/// `tests/fuzz_regressions/<target>/` so it guards the fix.
const OPEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_open");

#[test]
fn open_findings_still_fail() {
    if !cfg!(debug_assertions) {
        return;
    }
    let mut fixed = Vec::new();
    for target in targets_common::TARGETS {
        for f in files_under(&Path::new(OPEN).join(target)) {
            let data = std::fs::read(&f).unwrap();
            if check(target, &data).is_ok() {
                fixed.push(f.display().to_string());
            }
        }
    }
    assert!(
        fixed.is_empty(),
        "these open findings no longer panic: move them to tests/fuzz_regressions/<target>/\n{}",
        fixed.join("\n")
    );
}

/// Replays files through one target on the stable toolchain, reporting each:
/// `FUZZ_TARGET=path FUZZ_INPUTS=fuzz/artifacts/path cargo test --test fuzz_regressions
/// replay -- --ignored --nocapture` (`FUZZ_INPUTS` is a file or a folder).
#[test]
#[ignore = "a tool: set FUZZ_TARGET and FUZZ_INPUTS"]
fn replay() {
    let (Ok(target), Ok(inputs)) = (std::env::var("FUZZ_TARGET"), std::env::var("FUZZ_INPUTS"))
    else {
        panic!("set FUZZ_TARGET and FUZZ_INPUTS");
    };
    let inputs = Path::new(&inputs);
    let files = if inputs.is_dir() {
        files_under(inputs)
    } else {
        vec![inputs.to_path_buf()]
    };
    let mut failed = 0;
    for f in files {
        let data = std::fs::read(&f).unwrap();
        let started = Instant::now();
        let result = check(&target, &data);
        println!(
            "{}: {:?} in {:?}",
            f.display(),
            result.is_ok(),
            started.elapsed()
        );
        if let Err(e) = result {
            println!("  {e}");
            failed += 1;
        }
    }
    assert_eq!(failed, 0, "{failed} inputs panicked");
}

/// The body of every target also survives trivial inputs.
#[test]
fn trivial_inputs() {
    for target in targets_common::TARGETS {
        for data in [
            &b""[..],
            b"\0",
            b"{}",
            b"$",
            b"$$",
            b"States.Format()",
            b"\xff\xfe",
            b"[]\0[]",
        ] {
            check(target, data).unwrap();
        }
    }
}

#[test]
fn timestamp_round_trip_extremes() {
    for ms in [
        i64::MIN,
        i64::MIN + 1,
        -62_167_219_200_001,
        -62_167_219_200_000,
        -1,
        0,
        1,
        253_402_300_799_999,
        253_402_300_800_000,
        i64::MAX,
    ] {
        targets_common::round_trip(ms);
    }
}

// ----------------------------------------------------------------- generative smoke

/// Definitions to mutate: the conformance corpus and workloads when present, plus the
/// built-in example and the saved definition regressions (so the test does something on
/// a machine without `/work/shared`).
fn seed_definitions() -> Vec<(Value, Value)> {
    let mut out = Vec::new();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/delivery");
    if let (Ok(d), Ok(i)) = (
        std::fs::read(format!("{example}/definition.asl.json")),
        std::fs::read(format!("{example}/input.json")),
    ) {
        if let (Ok(d), Ok(i)) = (serde_json::from_slice(&d), serde_json::from_slice(&i)) {
            out.push((d, i));
        }
    }
    for f in files_under(&Path::new(REGRESSIONS).join("definition")) {
        let data = std::fs::read(&f).unwrap();
        let (d, i) = targets_common::split(&data);
        if let Ok(d) = serde_json::from_slice(d) {
            out.push((d, serde_json::from_slice(i).unwrap_or(json!({}))));
        }
    }
    for f in files_under(Path::new(CASES)) {
        let Ok(text) = std::fs::read(&f) else {
            continue;
        };
        let Ok(case) = serde_json::from_slice::<Value>(&text) else {
            continue;
        };
        if let Some(d) = case.get("definition").filter(|d| d.is_object()) {
            if d.to_string().len() > 16_384 || d.to_string().contains("JSONata") {
                continue;
            }
            let input = case.get("input").cloned().unwrap_or(json!({}));
            let input = if input.to_string().len() > 4096 {
                json!({})
            } else {
                input
            };
            out.push((d.clone(), input));
        }
    }
    for f in files_under(Path::new(WORKLOADS)) {
        if f.to_string_lossy().ends_with(".asl.json") {
            if let Ok(d) = serde_json::from_slice(&std::fs::read(&f).unwrap()) {
                out.push((d, json!({})));
            }
        }
    }
    out
}

/// Strings that stress the path, intrinsic, timestamp and template parsers.
fn hostile_string(rng: &mut Rng) -> String {
    let n = 1 + rng.range_i64(0, 400) as usize;
    match rng.range_i64(0, 16) {
        0 => format!("${}", ".a".repeat(n)),
        1 => format!("$..a{}", "..b".repeat(n % 40)),
        2 => format!("$[{}]", i64::MIN + rng.range_i64(0, 3)),
        3 => format!("$[{}:{}:{}]", rng.range_i64(-9, 9), i64::MAX, i64::MIN),
        4 => format!("$[?({}@.a{})]", "(".repeat(n), ")".repeat(n)),
        5 => format!("$[?({})]", "!".repeat(n) + "@.a"),
        6 => format!(
            "{}$.a{}",
            "States.Array(".repeat(n % 30),
            ")".repeat(n % 30)
        ),
        7 => format!(
            "States.ArrayRange({}, {}, {})",
            rng.range_i64(i64::MIN, 0),
            rng.range_i64(0, i64::MAX),
            ["1", "0", "-1", "1e-300", "9223372036854775807"][n % 5]
        ),
        8 => format!("States.StringSplit('{}', '')", "a,".repeat(n * 10)),
        9 => format!(
            "States.MathAdd({}, {})",
            [
                "9223372036854775807",
                "-9223372036854775808",
                "1e308",
                "2147483647"
            ][n % 4],
            ["1", "-1", "9223372036854775807", "-2147483648"][(n / 4) % 4]
        ),
        10 => format!(
            "States.ArrayPartition($.a, {})",
            ["0", "-1", "9223372036854775807", "1e20", "0.5"][n % 5]
        ),
        11 => format!("States.Format('{}', $.a)", "{}".repeat(n)),
        12 => "2016-03-14T01:59:00.123456789+18:00".to_string(),
        13 => format!("{}9999-12-31T23:59:59Z", "+".repeat(n % 3)),
        14 => format!("$.a[{}]", "-1".repeat(1 + n % 3)),
        _ => "\u{0}\u{feff}\u{10ffff}'\"\\".repeat(n % 5),
    }
}

fn huge_number(rng: &mut Rng) -> Value {
    match rng.range_i64(0, 10) {
        0 => json!(i64::MAX),
        1 => json!(i64::MIN),
        2 => json!(u64::MAX),
        3 => json!(1e308),
        4 => json!(-1e308),
        5 => json!(f64::MIN_POSITIVE),
        6 => json!(-1),
        7 => json!(0),
        8 => json!(99_999_999),
        _ => Value::Number(Number::from_f64(0.5).unwrap()),
    }
}

fn random_value(rng: &mut Rng) -> Value {
    match rng.range_i64(0, 8) {
        0 => Value::Null,
        1 => json!(rng.range_i64(0, 2) == 1),
        2 => huge_number(rng),
        3 => Value::String(hostile_string(rng)),
        4 => json!([]),
        5 => json!({}),
        6 => json!(["States.ALL"]),
        _ => json!({"Type": "Pass", "End": true}),
    }
}

/// Wraps `v` `depth` times in the shapes that recurse: Choice `Not`/`And`/`Or`, nested
/// Parallel branches and Map processors, arrays and objects. (Built by hand: `json!`
/// deep-copies an interpolated value, which made this quadratic.)
fn nest(v: Value, depth: usize, kind: i64) -> Value {
    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
    fn wrap_state(name: &str, state: Value) -> Value {
        obj(vec![
            ("StartAt", json!(name)),
            ("States", obj(vec![(name, state)])),
        ])
    }
    let mut v = v;
    for _ in 0..depth {
        v = match kind {
            0 => obj(vec![("Not", v)]),
            1 => obj(vec![(
                "And",
                Value::Array(vec![v, json!({"Variable": "$.a", "IsPresent": true})]),
            )]),
            2 => obj(vec![("Or", Value::Array(vec![v]))]),
            3 => wrap_state(
                "P",
                obj(vec![
                    ("Type", json!("Parallel")),
                    ("Branches", Value::Array(vec![v])),
                    ("End", json!(true)),
                ]),
            ),
            4 => wrap_state(
                "M",
                obj(vec![
                    ("Type", json!("Map")),
                    ("ItemProcessor", v),
                    ("End", json!(true)),
                ]),
            ),
            5 => Value::Array(vec![v]),
            _ => obj(vec![("a.$", json!("$")), ("b", v)]),
        };
    }
    v
}

/// Applies one random mutation somewhere in `v`.
fn mutate(v: &mut Value, rng: &mut Rng) {
    // Walk down a random path, stopping at a random depth.
    let mut node = v;
    loop {
        let stop = rng.range_i64(0, 4) == 0;
        let next_index = match node {
            Value::Object(m) if !m.is_empty() && !stop => Some(rng.range_i64(0, m.len() as i64)),
            Value::Array(a) if !a.is_empty() && !stop => Some(rng.range_i64(0, a.len() as i64)),
            _ => None,
        };
        match (next_index, node) {
            (Some(i), Value::Object(m)) => {
                node = m.values_mut().nth(i as usize).unwrap();
            }
            (Some(i), Value::Array(a)) => {
                node = &mut a[i as usize];
            }
            (_, n) => {
                mutate_here(n, rng);
                return;
            }
        }
    }
}

fn mutate_here(node: &mut Value, rng: &mut Rng) {
    match rng.range_i64(0, 9) {
        // Drop a field / an item.
        0 => match node {
            Value::Object(m) if !m.is_empty() => {
                let k = m
                    .keys()
                    .nth(rng.range_i64(0, m.len() as i64) as usize)
                    .cloned();
                m.shift_remove(&k.unwrap());
            }
            Value::Array(a) if !a.is_empty() => {
                a.remove(rng.range_i64(0, a.len() as i64) as usize);
            }
            _ => *node = Value::Null,
        },
        // Duplicate a field under another name / an item.
        1 => match node {
            Value::Object(m) if !m.is_empty() => {
                let i = rng.range_i64(0, m.len() as i64) as usize;
                let (k, v) = m
                    .iter()
                    .nth(i)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .unwrap();
                let suffix = ["2", ".$", "Path", ""][rng.range_i64(0, 4) as usize];
                m.insert(format!("{k}{suffix}"), v);
            }
            Value::Array(a) if !a.is_empty() => {
                let x = a[rng.range_i64(0, a.len() as i64) as usize].clone();
                let copies = rng.range_i64(1, 50) as usize;
                a.extend(std::iter::repeat_n(x, copies));
            }
            other => *other = Value::Array(vec![other.clone(), other.clone()]),
        },
        // Retype.
        2 | 3 => *node = random_value(rng),
        4 => *node = huge_number(rng),
        5 => *node = Value::String(hostile_string(rng)),
        // Deep nesting (past serde_json's 128 levels, and Choice's 200 once the
        // position-tracking parser of `validate` reads definitions).
        6 => {
            let depth = rng.range_i64(1, 260) as usize;
            let kind = rng.range_i64(0, 7);
            *node = nest(node.clone(), depth, kind);
        }
        // Add an ASL field with a hostile value.
        7 => {
            const FIELDS: [&str; 16] = [
                "MaxAttempts",
                "IntervalSeconds",
                "BackoffRate",
                "MaxDelaySeconds",
                "Seconds",
                "TimeoutSeconds",
                "HeartbeatSeconds",
                "MaxConcurrency",
                "ToleratedFailureCount",
                "ToleratedFailurePercentage",
                "ItemsPath",
                "ResultPath",
                "Timestamp",
                "Retry",
                "Catch",
                "Next",
            ];
            if let Value::Object(m) = node {
                let f = FIELDS[rng.range_i64(0, FIELDS.len() as i64) as usize];
                m.insert(f.to_string(), random_value(rng));
            }
        }
        // A retry that never gives up, on everything.
        _ => {
            if let Value::Object(m) = node {
                m.insert(
                    "Retry".into(),
                    json!([{"ErrorEquals": ["States.ALL"], "MaxAttempts": 99_999_999,
                            "IntervalSeconds": 0, "BackoffRate": 1}]),
                );
            }
        }
    }
}

const MAX_TEST_DEPTH: usize = 600;

/// Nesting depth of a value, measured without recursion.
fn depth(v: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(v, 1)];
    while let Some((v, d)) = stack.pop() {
        deepest = deepest.max(d);
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, d + 1))),
            Value::Object(m) => stack.extend(m.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    deepest
}

/// Makes every state of `def` loop back to the first one (an unbounded loop the engine
/// limits must stop).
fn loop_forever(def: &mut Value) {
    let Some(start) = def.get("StartAt").cloned() else {
        return;
    };
    if let Some(Value::Object(states)) = def.get_mut("States") {
        for (_, s) in states.iter_mut() {
            if let Value::Object(s) = s {
                if s.remove("End").is_some() {
                    s.insert("Next".into(), start.clone());
                }
            }
        }
    }
}

/// How many mutated definitions the smoke test runs (a fixed number, so the test is
/// deterministic; a debug build runs them in a few seconds).
const SMOKE_ITERATIONS: usize = 4000;

/// One generated case: a definition input and inputs for the smaller targets.
struct Generated {
    definition: Vec<u8>,
    pair: Vec<u8>,
    rule: Vec<u8>,
    text: Vec<u8>,
}

fn generate(seeds: &[(Value, Value)], n: usize) -> Vec<Generated> {
    let mut rng = Rng::new(0x5eed_f022);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let (def, input) = &seeds[rng.range_i64(0, seeds.len() as i64) as usize];
        let mut def = def.clone();
        let mut input = input.clone();
        for _ in 0..rng.range_i64(1, 4) {
            mutate(&mut def, &mut rng);
        }
        if rng.range_i64(0, 4) == 0 {
            mutate(&mut input, &mut rng);
        }
        if rng.range_i64(0, 8) == 0 {
            loop_forever(&mut def);
        }
        if depth(&def) > MAX_TEST_DEPTH || depth(&input) > MAX_TEST_DEPTH {
            continue;
        }
        let input = serde_json::to_vec(&input).unwrap();
        let joined = |mut a: Vec<u8>| {
            a.push(0);
            a.extend_from_slice(&input);
            a
        };
        let text = hostile_string(&mut rng);
        out.push(Generated {
            definition: joined(serde_json::to_vec(&def).unwrap()),
            pair: joined(text.clone().into_bytes()),
            rule: joined(serde_json::to_vec(&Value::String(hostile_string(&mut rng))).unwrap()),
            text: text.into_bytes(),
        });
    }
    out
}

#[test]
fn mutated_definitions_do_not_panic() {
    let seeds = seed_definitions();
    assert!(!seeds.is_empty());
    // Generating deep values recurses in serde_json (clone, serialise, drop): do it on a
    // thread with room to spare. The engine runs on this test thread.
    let cases = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || generate(&seeds, SMOKE_ITERATIONS))
        .unwrap()
        .join()
        .unwrap();
    let started = Instant::now();
    let mut failures = Vec::new();
    for case in &cases {
        for (target, data) in [
            ("definition", &case.definition),
            ("path", &case.pair),
            ("intrinsic", &case.pair),
            ("timestamp", &case.text),
            ("choice", &case.rule),
        ] {
            if let Err(e) = check(target, data) {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(5)].join("\n")
    );
    // The mutations must leave most definitions runnable, or the test checks little.
    let compiled = cases
        .iter()
        .filter(|c| {
            let (def, _) = targets_common::split(&c.definition);
            serde_json::from_slice::<Value>(def)
                .is_ok_and(|d| statelab::compile::compile(&d).is_ok())
        })
        .count();
    println!(
        "{} mutated definitions run in {:?}, {compiled} of them compiled",
        cases.len(),
        started.elapsed()
    );
    assert!(compiled * 4 > cases.len(), "only {compiled} compiled");
}

/// Mutated Choice rules, each wrapped in a deeply nested combinator now and then.
#[test]
fn mutated_choice_rules_do_not_panic() {
    let mut rng = Rng::new(7);
    let base = json!({"Variable": "$.a", "NumericGreaterThan": 1, "Next": "X"});
    let mut failures = Vec::new();
    for _ in 0..500 {
        let mut rule = base.clone();
        for _ in 0..rng.range_i64(1, 4) {
            mutate(&mut rule, &mut rng);
        }
        let mut data = serde_json::to_vec(&rule).unwrap();
        data.push(0);
        let input: Map<String, Value> = (0..3)
            .map(|i| (["a", "s", "t"][i].to_string(), random_value(&mut rng)))
            .collect();
        data.extend(serde_json::to_vec(&input).unwrap());
        if let Err(e) = check("choice", &data) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
