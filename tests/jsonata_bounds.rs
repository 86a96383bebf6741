//! The evaluation bounds: runaway expressions fail quickly with the service's wording
//! instead of hanging, overflowing the stack or exhausting memory.
#![cfg(feature = "jsonata")]

use serde_json::{json, Value};
use statelab::jsonata::{Expression, Scope, States, MEMORY, STACK_OVERFLOW, TIMEOUT};
use statelab::rng::Rng;
use std::time::{Duration, Instant};

fn eval(expr: &str) -> (Result<Option<Value>, String>, Duration) {
    let states = States::new(&json!({}), &json!({}), None, None);
    let get = |_: &str| None;
    let scope = Scope {
        states: &states,
        variable: &get,
    };
    let e = Expression::parse(expr).unwrap();
    let start = Instant::now();
    let r = e.eval(&scope, &mut Rng::new(1)).map_err(|e| e.message);
    (r, start.elapsed())
}

/// Fails with `message`, within a generous time (the test profile is unoptimised).
fn fails_with(expr: &str, message: &str) {
    let (r, took) = eval(expr);
    assert_eq!(r, Err(message.to_string()), "{expr}");
    assert!(took < Duration::from_secs(20), "{expr} took {took:?}");
}

#[test]
fn infinite_tail_recursion_times_out() {
    fails_with("($f := function($x){ $f($x + 1) }; $f(1))", TIMEOUT);
    fails_with("($inf := function(){ $inf() }; $inf())", TIMEOUT);
    fails_with(
        "($even := function($n){ $odd($n + 1) }; $odd := function($n){ $even($n + 1) }; $even(0))",
        TIMEOUT,
    );
}

#[test]
fn deep_recursion_overflows_at_the_service_depth() {
    fails_with(
        "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))",
        STACK_OVERFLOW,
    );
    // The service evaluates at depth 100 and refuses 101: 31 nested calls of this
    // function pass, 32 do not; an addition chain of 100 terms passes, 101 does not.
    let f = |n: u32| format!("($f := function($n){{ $n = 0 ? 0 : 1 + $f($n - 1) }}; $f({n}))");
    assert_eq!(eval(&f(31)).0, Ok(Some(json!(31))));
    assert_eq!(eval(&f(32)).0, Err(STACK_OVERFLOW.to_string()));
    let chain = |n: usize| vec!["1"; n].join("+");
    assert_eq!(eval(&chain(100)).0, Ok(Some(json!(100))));
    assert_eq!(eval(&chain(101)).0, Err(STACK_OVERFLOW.to_string()));
}

#[test]
fn huge_sequences_and_strings_hit_the_memory_bound() {
    // The service accepts [1..873782] and refuses one element more.
    assert_eq!(eval("$count([1..873782])").0, Ok(Some(json!(873782))));
    fails_with("$count([1..873783])", MEMORY);
    fails_with("[1..900000] ~> $count()", MEMORY);
    fails_with("$sum([1..900000])", MEMORY);
    fails_with("$count($range(1, 10000000, 1))", MEMORY);
    // A string of 2^22 characters passes, 2^23 does not; doubling never gets far.
    let double = |n: u32| {
        format!("($f := function($s, $n){{ $n = 0 ? $s : $f($s & $s, $n - 1) }}; $length($f('x', {n})))")
    };
    assert_eq!(eval(&double(22)).0, Ok(Some(json!(4194304))));
    fails_with(&double(23), MEMORY);
    fails_with(&double(60), MEMORY);
    fails_with("$pad('', 1e12)", MEMORY);
    fails_with(
        "($f := function($a, $n){ $n = 0 ? $a : $f($append($a, $a), $n - 1) }; $count($f([1], 60)))",
        MEMORY,
    );
}

#[test]
fn nested_iteration_is_bounded() {
    // Quadratic work over sequences the size bound allows.
    let (r, took) = eval("($x := [1..800000]; $count($x.[1..800000]))");
    assert!(
        r == Err(TIMEOUT.to_string()) || r == Err(MEMORY.to_string()),
        "{r:?}"
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let (r, took) = eval("($x := [1..5000]; $count($x.($x)))");
    assert_eq!(r, Err(MEMORY.to_string()));
    assert!(took < Duration::from_secs(20), "took {took:?}");
    fails_with(
        "$reduce([1..800000], function($a, $b){ $a + $count([1..800000]) })",
        TIMEOUT,
    );
}

#[test]
fn hostile_texts_do_not_panic() {
    let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    assert!(Expression::parse(&deep).is_err() || eval(&deep).0.is_err());
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let _ = Expression::parse(&deep).map(|_| eval(&deep));
    for text in [
        "",
        "(",
        ")",
        "{",
        "[1..",
        "$",
        "$$",
        "%",
        "/",
        "/a",
        "'",
        "\"",
        "`",
        "~>",
        "$f(",
        "a[",
        "function(",
        "?",
        ":",
        "??",
        "1 ?: 2",
        "#$i",
        "@$x",
        "**",
        "..",
        "^(",
        "|a|b|",
        "$string(1/0)",
        "$number('1e400')",
        "$power(10, 400)",
        "$formatNumber(1e300, '#')",
        "$substring('abc', 1e300)",
        "$pad('a', -1e300)",
        "[1..1e300]",
        "$fromMillis(1e300)",
        "$toMillis('99999-01-01')",
        "$formatBase(1e300, 36)",
        "$round(1e300, 300)",
    ] {
        // A panic inside the evaluator is caught natively and reported as these
        // messages; in wasm it would abort, so none may happen.
        match Expression::parse(text) {
            Err(m) => assert!(!m.contains("S0500"), "{text}: parser panicked"),
            Ok(_) => {
                if let (Err(m), _) = eval(text) {
                    assert!(!m.contains("U1002"), "{text}: evaluator panicked");
                }
            }
        }
    }
}
