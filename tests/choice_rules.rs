//! Choice rules as the ASL specification and the service define them (ASL-CHECKLIST §3,
//! gotcha 18). Each test reads as one sentence of the spec.

use serde_json::{json, Map, Value};
use statelab::choice::{missing_path_message, Rule, RuleError};
use statelab::path::SimpleRoots;
use std::time::{Duration, Instant};

fn context() -> Value {
    json!({
        "Execution": {"Id": "arn:aws:states:us-east-1:111111111111:execution:sm:run", "StartTime": "2024-01-02T03:04:05.12Z"},
        "State": {"Name": "Check", "EnteredTime": "2024-01-02T03:04:06Z", "RetryCount": 0}
    })
}

fn variables() -> Map<String, Value> {
    let mut vars = Map::new();
    vars.insert("limit".into(), json!(10));
    vars.insert("user".into(), json!({"name": "ada", "admin": true}));
    vars
}

/// Compiles `rule` and evaluates it against `input` (plus a fixed context and variables).
fn eval(rule: Value, input: Value) -> Result<bool, RuleError> {
    let rule = Rule::compile(&rule).unwrap_or_else(|e| panic!("{rule} should compile: {e}"));
    let ctx = context();
    let vars = variables();
    let roots = SimpleRoots {
        input: &input,
        context: &ctx,
        variables: Some(&vars),
    };
    rule.eval(&roots)
}

fn holds(rule: Value, input: Value) -> bool {
    let shown = format!("{rule} on {input}");
    eval(rule, input).unwrap_or_else(|e| panic!("{shown}: unexpected error {}", e.message))
}

fn compile_error(rule: Value) -> String {
    match Rule::compile(&rule) {
        Ok(_) => panic!("{rule} should not compile"),
        Err(e) => e,
    }
}

// --- Boolean expressions -----------------------------------------------------------------

#[test]
fn and_requires_every_rule() {
    let rule = json!({"And": [
        {"Variable": "$.value", "NumericGreaterThanEquals": 20},
        {"Variable": "$.value", "NumericLessThan": 30}
    ]});
    assert!(holds(rule.clone(), json!({"value": 22})));
    assert!(!holds(rule.clone(), json!({"value": 30})));
    assert!(!holds(rule, json!({"value": 19})));
}

#[test]
fn or_requires_any_rule() {
    let rule = json!({"Or": [
        {"Variable": "$.type", "StringEquals": "A"},
        {"Variable": "$.type", "StringEquals": "B"}
    ]});
    assert!(holds(rule.clone(), json!({"type": "B"})));
    assert!(!holds(rule, json!({"type": "C"})));
}

#[test]
fn not_negates_a_single_rule() {
    let rule = json!({"Not": {"Variable": "$.type", "StringEquals": "Private"}});
    assert!(holds(rule.clone(), json!({"type": "Public"})));
    assert!(!holds(rule, json!({"type": "Private"})));
}

#[test]
fn and_or_short_circuit_before_a_missing_path() {
    let and = json!({"And": [
        {"Variable": "$.flag", "BooleanEquals": true},
        {"Variable": "$.missing", "NumericEquals": 1}
    ]});
    assert!(!holds(and.clone(), json!({"flag": false})));
    assert!(eval(and, json!({"flag": true})).is_err());
    let or = json!({"Or": [
        {"Variable": "$.flag", "BooleanEquals": true},
        {"Variable": "$.missing", "NumericEquals": 1}
    ]});
    assert!(holds(or, json!({"flag": true})));
}

#[test]
fn boolean_expressions_nest() {
    let rule = json!({"Not": {"Or": [
        {"And": [{"Variable": "$.a", "IsPresent": true}, {"Variable": "$.a", "IsNull": true}]},
        {"Variable": "$.b", "StringMatches": "x*"}
    ]}});
    assert!(holds(rule.clone(), json!({"b": "y"})));
    assert!(!holds(rule.clone(), json!({"a": null, "b": "y"})));
    assert!(!holds(rule, json!({"b": "xy"})));
}

// --- String comparators ------------------------------------------------------------------

#[test]
fn string_equals_is_exact() {
    let rule = |s: &str| json!({"Variable": "$.v", "StringEquals": s});
    assert!(holds(rule("Hello"), json!({"v": "Hello"})));
    assert!(!holds(rule("hello"), json!({"v": "Hello"})));
    assert!(!holds(rule("     "), json!({"v": " "})));
    assert!(!holds(rule("\t\r\n"), json!({"v": "\t\n"})));
    // Timestamp-looking strings are still strings.
    assert!(holds(
        rule("2012-10-09T19:00:55Z"),
        json!({"v": "2012-10-09T19:00:55Z"})
    ));
}

#[test]
fn string_comparators_on_non_strings_are_false() {
    for v in [
        json!(null),
        json!(0),
        json!(1.1),
        json!(true),
        json!([]),
        json!({"A": 0}),
    ] {
        for op in [
            "StringEquals",
            "StringLessThan",
            "StringGreaterThan",
            "StringLessThanEquals",
            "StringGreaterThanEquals",
            "StringMatches",
        ] {
            assert!(
                !holds(json!({"Variable": "$.v", op: "x"}), json!({"v": v})),
                "{op} on {v}"
            );
            assert!(
                holds(
                    json!({"Not": {"Variable": "$.v", op: "x"}}),
                    json!({"v": v})
                ),
                "Not {op} on {v}"
            );
        }
    }
}

#[test]
fn string_ordering_is_lexicographic_without_trimming() {
    let check =
        |op: &str, v: &str, lit: &str| holds(json!({"Variable": "$.v", op: lit}), json!({"v": v}));
    assert!(check("StringLessThan", "A", "AB"));
    assert!(!check("StringLessThan", "AB", "A"));
    assert!(!check("StringLessThan", "", ""));
    assert!(check("StringLessThanEquals", "", ""));
    assert!(check("StringGreaterThanEquals", "AB", "A"));
    assert!(!check("StringGreaterThan", "A", "A "));
    assert!(!check("StringGreaterThan", "A", "A\t\n\r"));
    assert!(
        check("StringLessThan", "B", "a"),
        "uppercase sorts before lowercase"
    );
    assert!(check("StringLessThan", "abc", "abd"));
}

#[test]
fn string_ordering_uses_utf16_code_units_like_java() {
    // U+1F600 is the surrogate pair D83D DE00, which sorts below U+FF61 in UTF-16 even
    // though its code point is larger.
    let check =
        |op: &str, v: &str, lit: &str| holds(json!({"Variable": "$.v", op: lit}), json!({"v": v}));
    assert!(check("StringLessThan", "\u{1F600}", "\u{FF61}"));
    assert!(check("StringGreaterThan", "\u{FF61}", "\u{1F600}"));
    assert!(check("StringLessThan", "\u{1F600}", "\u{1F601}"));
    assert!(check("StringLessThan", "\u{7F}", "\u{E9}"));
}

#[test]
fn string_path_forms_compare_two_values() {
    let rule = |op: &str| json!({"Variable": "$.a", op: "$.b"});
    assert!(holds(rule("StringEqualsPath"), json!({"a": "x", "b": "x"})));
    assert!(holds(
        rule("StringLessThanPath"),
        json!({"a": "A", "b": "AB"})
    ));
    assert!(holds(
        rule("StringGreaterThanPath"),
        json!({"a": "b", "b": "a"})
    ));
    assert!(holds(
        rule("StringLessThanEqualsPath"),
        json!({"a": "", "b": ""})
    ));
    assert!(holds(
        rule("StringGreaterThanEqualsPath"),
        json!({"a": "AB", "b": "A"})
    ));
    assert!(!holds(rule("StringEqualsPath"), json!({"a": "1", "b": 1})));
}

// --- StringMatches -----------------------------------------------------------------------

fn matches(pattern: &str, text: &str) -> bool {
    holds(
        json!({"Variable": "$.v", "StringMatches": pattern}),
        json!({"v": text}),
    )
}

#[test]
fn string_matches_star_is_any_run_of_characters() {
    assert!(matches("log-*.txt", "log-2024.txt"));
    assert!(matches("log-*.txt", "log-.txt"));
    assert!(!matches("log-*.txt", "log-2024.txt.gz"));
    assert!(matches("*", ""));
    assert!(matches("*", "anything"));
    assert!(matches("**", "x"));
    assert!(matches("a*b*c", "abc"));
    assert!(matches("a*b*c", "a-b-b-c"));
    assert!(!matches("a*b*c", "acb"));
    assert!(!matches("a*a", "a"));
    assert!(matches("*é*", "café"));
    assert!(matches("", ""));
    assert!(!matches("", "x"));
    assert!(matches("exact", "exact"));
    assert!(!matches("exact", "exactly"));
}

#[test]
fn string_matches_no_other_metacharacters() {
    assert!(matches("a?c", "a?c"));
    assert!(!matches("a?c", "abc"));
    assert!(matches("[ab].+", "[ab].+"));
    assert!(!matches("a.c", "abc"));
}

#[test]
fn string_matches_escapes() {
    // JSON "\\*" is the pattern \* (a literal star); JSON "\\\\" is \\ (a backslash).
    assert!(matches("a\\*b", "a*b"));
    assert!(!matches("a\\*b", "axb"));
    assert!(matches("a\\\\b", "a\\b"));
    assert!(matches("\\\\*", "\\anything"));
    assert!(!matches("\\\\*", "anything"));
    assert!(matches("*\\**", "x*y"));
    assert!(!matches("*\\**", "xy"));
}

#[test]
fn string_matches_unpaired_backslash_fails_at_run_time() {
    for pattern in ["a\\b", "trailing\\"] {
        let rule = json!({"Variable": "$.v", "StringMatches": pattern});
        let err = eval(rule.clone(), json!({"v": "ab"})).unwrap_err();
        assert!(err.message.contains("StringMatches"), "{}", err.message);
        // A non-string value is a type mismatch first.
        assert_eq!(eval(rule, json!({"v": 1})), Ok(false));
    }
}

#[test]
fn string_matches_is_linear_on_pathological_patterns() {
    let text = "a".repeat(20_000);
    let pattern = format!("{}b", "a*".repeat(2_000));
    let start = Instant::now();
    assert!(!matches(&pattern, &text));
    assert!(matches(&format!("{}a", "a*".repeat(2_000)), &text));
    assert!(start.elapsed() < Duration::from_secs(2));
}

// --- Numeric comparators -----------------------------------------------------------------

#[test]
fn numbers_compare_as_doubles() {
    let check = |op: &str, v: Value, lit: Value| {
        holds(json!({"Variable": "$.v", op: lit}), json!({"v": v}))
    };
    assert!(check("NumericEquals", json!(0), json!(0.0)));
    assert!(check("NumericEquals", json!(0.0), json!(0)));
    assert!(check("NumericEquals", json!(1), json!(1.0)));
    assert!(check("NumericEquals", json!(-0.0), json!(0)));
    assert!(check("NumericEquals", json!(2.22), json!(2.22)));
    assert!(!check("NumericEquals", json!(1.1), json!(1)));
    assert!(check("NumericLessThan", json!(-5), json!(-4.5)));
    assert!(check("NumericGreaterThan", json!(1e300), json!(1e299)));
    assert!(check("NumericLessThanEquals", json!(1), json!(1)));
    assert!(check("NumericGreaterThanEquals", json!(0), json!(0)));
    assert!(!check("NumericGreaterThan", json!(0), json!(0)));
    // Beyond 2^53 integers collapse, as IEEE doubles do.
    assert!(check(
        "NumericEquals",
        json!(9007199254740993u64),
        json!(9007199254740992u64)
    ));
    assert!(check(
        "NumericEquals",
        json!(u64::MAX),
        json!(18446744073709551615.0)
    ));
    assert!(check("NumericLessThan", json!(i64::MIN), json!(0)));
}

#[test]
fn numeric_comparators_on_non_numbers_are_false() {
    for v in [
        json!("0"),
        json!(""),
        json!(null),
        json!([]),
        json!([0]),
        json!(true),
        json!(false),
        json!({}),
    ] {
        for op in [
            "NumericEquals",
            "NumericLessThan",
            "NumericGreaterThan",
            "NumericLessThanEquals",
            "NumericGreaterThanEquals",
        ] {
            assert!(
                !holds(json!({"Variable": "$.v", op: 0}), json!({"v": v})),
                "{op} {v}"
            );
        }
    }
}

#[test]
fn numeric_path_forms() {
    let rule = |op: &str| json!({"Variable": "$.a", op: "$.b"});
    assert!(holds(rule("NumericEqualsPath"), json!({"a": 0, "b": 0.0})));
    assert!(holds(rule("NumericLessThanPath"), json!({"a": 0, "b": 1})));
    assert!(holds(
        rule("NumericGreaterThanPath"),
        json!({"a": 1, "b": 0})
    ));
    assert!(holds(
        rule("NumericLessThanEqualsPath"),
        json!({"a": 1, "b": 1})
    ));
    assert!(holds(
        rule("NumericGreaterThanEqualsPath"),
        json!({"a": 1, "b": 1})
    ));
    assert!(!holds(rule("NumericEqualsPath"), json!({"a": 1, "b": "1"})));
    assert!(!holds(
        rule("NumericEqualsPath"),
        json!({"a": 1, "b": null})
    ));
}

// --- Boolean -----------------------------------------------------------------------------

#[test]
fn boolean_equals_only_matches_json_booleans() {
    assert!(holds(
        json!({"Variable": "$.v", "BooleanEquals": true}),
        json!({"v": true})
    ));
    assert!(holds(
        json!({"Variable": "$.v", "BooleanEquals": false}),
        json!({"v": false})
    ));
    assert!(!holds(
        json!({"Variable": "$.v", "BooleanEquals": true}),
        json!({"v": false})
    ));
    for v in [
        json!(0),
        json!(1),
        json!("true"),
        json!(null),
        json!([true]),
    ] {
        assert!(!holds(
            json!({"Variable": "$.v", "BooleanEquals": false}),
            json!({"v": v})
        ));
        assert!(!holds(
            json!({"Variable": "$.v", "BooleanEquals": true}),
            json!({"v": v})
        ));
    }
    let path = json!({"Variable": "$.a", "BooleanEqualsPath": "$.b"});
    assert!(holds(path.clone(), json!({"a": false, "b": false})));
    assert!(!holds(path.clone(), json!({"a": false, "b": true})));
    assert!(!holds(path, json!({"a": 0, "b": false})));
}

// --- Timestamps --------------------------------------------------------------------------

#[test]
fn timestamps_compare_as_instants() {
    let check =
        |op: &str, v: &str, lit: &str| holds(json!({"Variable": "$.v", op: lit}), json!({"v": v}));
    let t0 = "2012-10-09T19:00:55Z";
    let t1 = "2012-10-09T19:00:56Z";
    assert!(check("TimestampEquals", t0, t0));
    assert!(!check("TimestampEquals", t0, t1));
    assert!(check("TimestampLessThan", t0, t1));
    assert!(check("TimestampGreaterThan", t1, t0));
    assert!(check("TimestampLessThanEquals", t0, t0));
    assert!(check("TimestampGreaterThanEquals", t1, t0));
    assert!(!check("TimestampGreaterThan", t0, t0));
    // Offsets are normalised; fractions count down to the nanosecond.
    assert!(check("TimestampEquals", "2012-10-09T20:00:55+01:00", t0));
    assert!(check("TimestampEquals", "2012-10-09T19:00:55.000Z", t0));
    assert!(check(
        "TimestampGreaterThan",
        "2012-10-09T19:00:55.000000001Z",
        t0
    ));
    assert!(!check(
        "TimestampLessThan",
        "2012-10-09T19:00:55.5-00:01",
        t0
    ));
}

#[test]
fn timestamp_comparators_on_non_timestamps_are_false() {
    for v in [
        json!("2012-10-09T19:00:55"),
        json!("2012-10-09 19:00:55Z"),
        json!("2023-02-24 12:15:56.832957"),
        json!("2016-02-30T00:00:00Z"),
        json!(""),
        json!(0),
        json!(null),
        json!(true),
        json!([]),
        json!({}),
    ] {
        for op in [
            "TimestampEquals",
            "TimestampLessThan",
            "TimestampGreaterThanEquals",
        ] {
            assert!(
                !holds(
                    json!({"Variable": "$.v", op: "2012-10-09T19:00:55Z"}),
                    json!({"v": v})
                ),
                "{op} {v}"
            );
        }
    }
}

#[test]
fn timestamp_path_forms() {
    let rule = |op: &str| json!({"Variable": "$.a", op: "$.b"});
    let input = json!({"a": "2012-10-09T19:00:55Z", "b": "2012-10-09T19:00:56Z"});
    assert!(!holds(rule("TimestampEqualsPath"), input.clone()));
    assert!(holds(rule("TimestampLessThanPath"), input.clone()));
    assert!(holds(rule("TimestampLessThanEqualsPath"), input.clone()));
    assert!(!holds(rule("TimestampGreaterThanPath"), input.clone()));
    assert!(!holds(rule("TimestampGreaterThanEqualsPath"), input));
    assert!(!holds(
        rule("TimestampEqualsPath"),
        json!({"a": "2012-10-09T19:00:55Z", "b": "not a time"})
    ));
}

// --- Type tests --------------------------------------------------------------------------

#[test]
fn type_tests_compare_the_predicate_with_the_given_boolean() {
    let table = [
        ("IsNull", json!(null), json!(0)),
        ("IsNumeric", json!(1.5), json!("1.5")),
        ("IsString", json!(""), json!(null)),
        ("IsBoolean", json!(false), json!(0)),
        (
            "IsTimestamp",
            json!("2016-03-14T01:59:00Z"),
            json!("2016-03-14"),
        ),
    ];
    for (op, yes, no) in table {
        assert!(
            holds(json!({"Variable": "$.v", op: true}), json!({"v": yes})),
            "{op} {yes}"
        );
        assert!(
            !holds(json!({"Variable": "$.v", op: false}), json!({"v": yes})),
            "{op} {yes}"
        );
        assert!(
            !holds(json!({"Variable": "$.v", op: true}), json!({"v": no})),
            "{op} {no}"
        );
        assert!(
            holds(json!({"Variable": "$.v", op: false}), json!({"v": no})),
            "{op} {no}"
        );
    }
}

#[test]
fn is_timestamp_follows_the_timestamp_profile() {
    let is_ts = |v: Value| {
        holds(
            json!({"Variable": "$.v", "IsTimestamp": true}),
            json!({"v": v}),
        )
    };
    assert!(is_ts(json!("2016-03-14T01:59:00Z")));
    assert!(is_ts(json!("2016-03-14T01:59:00.123456789+05:30")));
    assert!(!is_ts(json!("2016-03-14t01:59:00z")));
    assert!(!is_ts(json!("2016-02-30T01:59:00Z")));
    assert!(!is_ts(json!("2016-03-14T01:59:00")));
    assert!(!is_ts(json!(1457920740)));
}

#[test]
fn is_present_tolerates_missing_paths_and_counts_null_as_present() {
    assert!(holds(
        json!({"Variable": "$.v", "IsPresent": true}),
        json!({"v": null})
    ));
    assert!(!holds(
        json!({"Variable": "$.v", "IsPresent": true}),
        json!({})
    ));
    assert!(holds(
        json!({"Variable": "$.v", "IsPresent": false}),
        json!({})
    ));
    assert!(!holds(
        json!({"Variable": "$.v", "IsPresent": false}),
        json!({"v": 0})
    ));
    assert!(!holds(
        json!({"Variable": "$.a.b.c", "IsPresent": true}),
        json!({"a": 1})
    ));
    assert!(!holds(
        json!({"Variable": "$nope", "IsPresent": true}),
        json!({})
    ));
    assert!(holds(
        json!({"Variable": "$limit", "IsPresent": true}),
        json!({})
    ));
}

// --- Missing paths -----------------------------------------------------------------------

#[test]
fn a_missing_variable_is_a_runtime_error_for_every_other_comparator() {
    for (op, operand) in [
        ("StringEquals", json!("x")),
        ("StringMatches", json!("*")),
        ("NumericEquals", json!(1)),
        ("BooleanEquals", json!(true)),
        ("TimestampEquals", json!("2016-03-14T01:59:00Z")),
        ("IsNull", json!(true)),
        ("IsNull", json!(false)),
        ("IsString", json!(false)),
        ("IsTimestamp", json!(false)),
    ] {
        let err = eval(
            json!({"Variable": "$.missing", op: operand}),
            json!({"v": 1}),
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "Invalid path '$.missing': The choice state's condition path references an invalid value.",
            "{op}"
        );
    }
    assert_eq!(
        eval(
            json!({"Variable": "$.a.b", "StringEquals": "x"}),
            json!({"a": "str"})
        )
        .unwrap_err()
        .message,
        missing_path_message("$.a.b")
    );
}

#[test]
fn a_missing_path_operand_is_the_same_error_naming_that_path() {
    for op in [
        "StringEqualsPath",
        "NumericLessThanPath",
        "BooleanEqualsPath",
        "TimestampEqualsPath",
    ] {
        let err = eval(json!({"Variable": "$.a", op: "$.b"}), json!({"a": 1})).unwrap_err();
        assert_eq!(err.message, missing_path_message("$.b"), "{op}");
    }
}

#[test]
fn null_is_not_missing() {
    assert!(!holds(
        json!({"Variable": "$.v", "StringEquals": "x"}),
        json!({"v": null})
    ));
    assert!(holds(
        json!({"Variable": "$.v", "IsNull": true}),
        json!({"v": null})
    ));
    assert!(!holds(
        json!({"Variable": "$.a", "NumericEqualsPath": "$.b"}),
        json!({"a": 1, "b": null})
    ));
}

// --- Context object and workflow variables -----------------------------------------------

#[test]
fn variable_may_be_a_context_path_or_a_workflow_variable() {
    assert!(holds(
        json!({"Variable": "$$.State.Name", "StringEquals": "Check"}),
        json!({})
    ));
    assert!(holds(
        json!({"Variable": "$$.State.RetryCount", "NumericEquals": 0}),
        json!({})
    ));
    assert!(holds(
        json!({"Variable": "$limit", "NumericGreaterThan": 5}),
        json!({})
    ));
    assert!(holds(
        json!({"Variable": "$user.admin", "BooleanEquals": true}),
        json!({})
    ));
    assert!(holds(
        json!({"Variable": "$user.name", "StringMatches": "a*"}),
        json!({})
    ));
    let err = eval(json!({"Variable": "$nope", "NumericEquals": 1}), json!({})).unwrap_err();
    assert_eq!(err.message, missing_path_message("$nope"));
}

#[test]
fn path_operands_may_use_context_and_variables() {
    assert!(holds(
        json!({"Variable": "$.n", "NumericLessThanPath": "$limit"}),
        json!({"n": 3})
    ));
    assert!(holds(
        json!({"Variable": "$.started", "TimestampLessThanPath": "$$.State.EnteredTime"}),
        json!({"started": "2024-01-02T03:04:05.12Z"})
    ));
    assert!(holds(
        json!({"Variable": "$.name", "StringEqualsPath": "$user.name"}),
        json!({"name": "ada"})
    ));
}

#[test]
fn the_whole_input_can_be_tested() {
    assert!(holds(
        json!({"Variable": "$", "StringEquals": "No messages"}),
        json!("No messages")
    ));
    assert!(holds(json!({"Variable": "$", "IsNumeric": true}), json!(3)));
    assert!(holds(
        json!({"Variable": "$[1]", "NumericEquals": 2}),
        json!([1, 2])
    ));
}

// --- Compilation -------------------------------------------------------------------------

#[test]
fn compile_ignores_next_assign_and_comment() {
    let rule = json!({"Variable": "$.v", "IsPresent": true, "Next": "X", "Assign": {"a": 1}, "Comment": "c"});
    assert!(holds(rule, json!({"v": 1})));
}

#[test]
fn compile_rejects_malformed_rules() {
    let cases = [
        (json!({"And": []}), "non-empty"),
        (
            json!({"Or": {"Variable": "$.a", "IsNull": true}}),
            "non-empty array",
        ),
        (
            json!({"Not": [{"Variable": "$.a", "IsNull": true}]}),
            "single rule",
        ),
        (
            json!({"And": [{"Variable": "$.a", "IsNull": true}], "Variable": "$.a"}),
            "Variable",
        ),
        (
            json!({"And": [{"Variable": "$.a", "IsNull": true}], "Or": [{"Variable": "$.a", "IsNull": true}]}),
            "only one",
        ),
        (json!({"Variable": "$.a"}), "comparator"),
        (
            json!({"Variable": "$.a", "StringEquals": "x", "IsNull": true}),
            "exactly one",
        ),
        (
            json!({"Variable": "$.a", "StringContains": "x"}),
            "StringContains",
        ),
        (
            json!({"Variable": "$.a", "StringMatchesPath": "$.b"}),
            "StringMatchesPath",
        ),
        (
            json!({"Variable": "$.a", "IsNullPath": "$.b"}),
            "IsNullPath",
        ),
        (json!({"Variable": "$.a", "NumericEquals": "5"}), "number"),
        (json!({"Variable": "$.a", "StringEquals": 5}), "string"),
        (
            json!({"Variable": "$.a", "BooleanEquals": "true"}),
            "true or false",
        ),
        (
            json!({"Variable": "$.a", "IsPresent": "yes"}),
            "true or false",
        ),
        (
            json!({"Variable": "$.a", "TimestampEquals": "2016-03-14"}),
            "timestamp",
        ),
        (json!({"Variable": "$.a", "NumericEqualsPath": 5}), "path"),
        (json!({"Variable": 5, "IsNull": true}), "Variable"),
        (json!({"StringEquals": "x"}), "Variable"),
        (json!({"Condition": "{% true %}"}), "JSONata"),
        (json!("not a rule"), "object"),
        (
            json!({"And": [{"Variable": "$.a", "IsNull": true}, {"Variable": "$.a", "NumericEquals": "1"}]}),
            "/And/1",
        ),
    ];
    for (rule, needle) in cases {
        let err = compile_error(rule.clone());
        assert!(
            err.contains(needle),
            "{rule}: {err:?} should mention {needle:?}"
        );
    }
}

#[test]
fn compile_rejects_bad_paths() {
    assert!(Rule::compile(&json!({"Variable": "foo", "IsNull": true})).is_err());
    assert!(Rule::compile(&json!({"Variable": "$.a", "StringEqualsPath": "b"})).is_err());
}

#[test]
fn compile_bounds_nesting_depth() {
    let mut rule = json!({"Variable": "$.a", "IsNull": true});
    for _ in 0..1_000 {
        rule = json!({"Not": rule});
    }
    assert!(compile_error(rule).contains("deeper"));
    let mut ok = json!({"Variable": "$.a", "IsNull": true});
    for _ in 0..100 {
        ok = json!({"And": [ok]});
    }
    assert!(holds(ok, json!({"a": null})));
}
