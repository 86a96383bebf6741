//! Path evaluation is bounded: one path may do a limited amount of work, and so may all
//! the paths of one payload template, intrinsic call or Choice rule together (found by
//! fuzzing: `$..a..a..a..a` over a deep document ran for hours, and repeating such a
//! path in `States.Array(...)` or in a template multiplied the work).

use serde_json::{json, Value};
use statelab::choice::Rule;
use statelab::intrinsics::Intrinsic;
use statelab::path::{Path, SimpleRoots};
use statelab::rng::Rng;
use statelab::template::Template;
use std::time::{Duration, Instant};

/// `{"a": {"a": ... 1}}`, `levels` deep: `$..a` matches every level, so `k` deep scans
/// in a row match C(levels, k) times.
fn deep(levels: usize) -> Value {
    let mut v = json!(1);
    for _ in 0..levels {
        v = json!({ "a": v });
    }
    v
}

fn roots(doc: &Value) -> SimpleRoots<'_> {
    SimpleRoots {
        input: doc,
        context: doc,
        variables: None,
    }
}

/// Generous for an unoptimised build; without the budget these take hours.
const QUICK: Duration = Duration::from_secs(30);

#[test]
fn one_path_is_bounded_and_says_why() {
    let doc = deep(60);
    let started = Instant::now();
    let miss = Path::parse("$..a..a..a..a")
        .unwrap()
        .find_in(&doc)
        .unwrap_err();
    assert!(miss.over_budget(), "{}", miss.detail);
    assert!(miss.detail.contains("work limit"), "{}", miss.detail);
    assert!(started.elapsed() < QUICK);
    // A real miss is not a budget failure.
    let miss = Path::parse("$.x").unwrap().find_in(&doc).unwrap_err();
    assert!(!miss.over_budget());
}

#[test]
fn repeated_paths_in_one_intrinsic_share_the_budget() {
    let doc = deep(60);
    let call = format!("States.Array({})", vec!["$..a..a..a..a"; 60].join(", "));
    let started = Instant::now();
    let err = Intrinsic::parse(&call)
        .unwrap()
        .eval(&roots(&doc), &mut Rng::new(1))
        .unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert!(err.cause.contains("work limit"), "{}", err.cause);
    assert!(started.elapsed() < QUICK);
    // Cheap paths are not affected by the shared budget.
    let call = format!("States.Array({})", vec!["$..a"; 200].join(", "));
    let v = Intrinsic::parse(&call)
        .unwrap()
        .eval(&roots(&doc), &mut Rng::new(1))
        .unwrap();
    assert_eq!(v.as_array().unwrap().len(), 200);
}

#[test]
fn repeated_paths_in_one_template_share_the_budget() {
    let doc = deep(60);
    let fields: serde_json::Map<String, Value> = (0..60)
        .map(|i| (format!("f{i}.$"), json!("$..a..a..a..a")))
        .collect();
    let template = Template::compile(&Value::Object(fields)).unwrap();
    let started = Instant::now();
    let err = template.eval(&roots(&doc), &mut Rng::new(1)).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert!(
        err.cause.as_deref().unwrap_or("").contains("work limit"),
        "{err:?}"
    );
    assert!(started.elapsed() < QUICK);
}

#[test]
fn repeated_paths_in_one_choice_rule_share_the_budget() {
    let doc = deep(60);
    let tests: Vec<Value> = (0..60)
        .map(|_| json!({"Variable": "$..a..a..a..a", "IsPresent": false}))
        .collect();
    let rule = Rule::compile(&json!({ "Or": tests, "Next": "X" })).unwrap();
    let started = Instant::now();
    let err = rule.eval(&roots(&doc)).unwrap_err();
    assert!(err.message.contains("work limit"), "{}", err.message);
    assert!(started.elapsed() < QUICK);
    // IsPresent on a plain miss is still simply false.
    let rule = Rule::compile(&json!({"Variable": "$.x", "IsPresent": true})).unwrap();
    assert_eq!(rule.eval(&roots(&doc)), Ok(false));
}
