//! The Step Functions JSONata dialect: the added functions, `{% %}` detection, `$states`,
//! templates and their error locations and causes, free variables, determinism.
#![cfg(feature = "jsonata")]

use serde_json::{json, Value};
use statelab::jsonata::{
    is_expression, unexpected_type_cause, Expression, Scope, States, Template, TemplateError,
    UNSUPPORTED_RESULT,
};
use statelab::rng::Rng;

fn context() -> Value {
    json!({
        "Execution": {"Id": "arn:exec", "StartTime": "2024-01-02T03:04:00.000Z"},
        "State": {"Name": "S", "EnteredTime": "2024-01-02T03:04:05.678Z"}
    })
}

/// Evaluates `expr` against `input` and the variables `vars` with a fixed seed.
fn eval_with(expr: &str, input: Value, vars: Value, seed: u64) -> Result<Option<Value>, String> {
    let states = States::new(&input, &context(), None, None);
    let get = |n: &str| vars.get(n);
    let scope = Scope {
        states: &states,
        variable: &get,
    };
    let e = Expression::parse(expr)?;
    e.eval(&scope, &mut Rng::new(seed)).map_err(|e| e.message)
}

fn eval(expr: &str) -> Result<Option<Value>, String> {
    eval_with(expr, json!({}), json!({}), 1)
}

fn value(expr: &str) -> Value {
    eval(expr)
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
        .unwrap_or_else(|| panic!("{expr}: undefined"))
}

#[test]
fn partition_as_recorded_on_the_service() {
    // AWS-recorded (localstack test_array_partition).
    for (arr, size, out) in [
        (json!([0]), 1, json!([[0]])),
        (json!([0]), 5, json!([[0]])),
        (json!([0, 1, 2]), 2, json!([[0, 1], [2]])),
        (json!([0, 1, 2, 3]), 3, json!([[0, 1, 2], [3]])),
        (json!([0, 1, 2, 3]), 4, json!([[0, 1, 2, 3]])),
    ] {
        let input = json!({"FunctionInput": {"fst": arr, "snd": size}});
        let got = eval_with(
            "$partition($states.input.FunctionInput.fst, $states.input.FunctionInput.snd)",
            input,
            json!({}),
            1,
        );
        assert_eq!(got, Ok(Some(out)));
    }
    assert_eq!(eval("$partition([], 2)"), Ok(None));
    assert_eq!(eval("$partition([1,2], 0)"), Ok(None));
    assert_eq!(value("$partition([1,2,3], 2.9)"), json!([[1, 2], [3]]));
    assert_eq!(
        eval("$partition([1,2], -1)"),
        Err("D3137: Second argument must be zero or greater".into())
    );
}

#[test]
fn range_includes_the_end_when_landed_on_and_collapses_singletons() {
    assert_eq!(value("$range(0, 9, 3)"), json!([0, 3, 6, 9]));
    assert_eq!(value("$range(0, 10, 3)"), json!([0, 3, 6, 9]));
    assert_eq!(value("$range(1, 9, 2)"), json!([1, 3, 5, 7, 9]));
    assert_eq!(value("$range(1, 9, 9)"), json!(1));
    assert_eq!(value("[$range(1, 9, 9)]"), json!([1]));
    assert_eq!(value("$range(-1.7, 2, 1)"), json!([-1, 0, 1, 2]));
    assert_eq!(value("$range(5, 1, -2)"), json!([5, 3, 1]));
    assert_eq!(eval("$range(1, 5, -1)"), Ok(None));
    assert_eq!(eval("$range(1, 5, 0)"), Ok(None));
    assert_eq!(value("$count($range(1, 200000, 1))"), json!(200000));
}

#[test]
fn hash_algorithms() {
    for (alg, hex) in [
        ("MD5", "a43c1b0aa53a0c908810c06ab1ff3967"),
        ("SHA-1", "140f86aae51ab9e1cda9b4254fe98a74eb54c1a1"),
        (
            "SHA-256",
            "c96c6d5be8d08a12e7b5cdc1b207fa6b2430974c86803d8891675e76fd992c20",
        ),
        (
            "SHA-384",
            "4fbd200eb6266698f0846c66607c98797e2b9b3af5bf82aa1aa330a0e2b12aba97755e3bc955c9765e9edcc70278ca2c",
        ),
        (
            "SHA-512",
            "dc6d6c30f2be9c976d6318c9a534d85e9a1c3f3608321a04b4678ef408124d45d7164f3e562e68c6c0b6c077340a785824017032fddfa924f4cf400e6cbb6adc",
        ),
    ] {
        assert_eq!(value(&format!("$hash('input', '{alg}')")), json!(hex));
    }
    assert_eq!(
        eval("$hash('input', 'sha-1')"),
        Err(
            "D3137: Hash algorithm 'sha-1' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5"
                .into()
        )
    );
    assert_eq!(
        eval("$hash(1, 'MD5')"),
        Err("T0410: Argument 1 of function \"hash\" does not match function signature".into())
    );
}

#[test]
fn parse_as_recorded_on_the_service() {
    for (text, out) in [
        ("-0", json!(0)),
        ("1", json!(1)),
        ("1.1", json!(1.1)),
        ("true", json!(true)),
        ("\"HelloWorld\"", json!("HelloWorld")),
        ("[1, 2, \"HelloWorld\"]", json!([1, 2, "HelloWorld"])),
        (
            "{\"Arg1\": 1, \"Arg2\": []}",
            json!({"Arg1": 1, "Arg2": []}),
        ),
    ] {
        let got = eval_with(
            "$parse($states.input.FunctionInput)",
            json!({ "FunctionInput": text }),
            json!({}),
            1,
        );
        assert_eq!(got, Ok(Some(out)), "{text}");
    }
    assert_eq!(value("$parse('{\"a\":{\"b\":2}}').a.b"), json!(2));
    for bad in ["''", "'{'", "'1 2'", "'{\"a\":1,\"a\":2}'"] {
        assert_eq!(
            eval(&format!("$parse({bad})")),
            Err("D3137: Invalid JSON".into()),
            "{bad}"
        );
    }
}

#[test]
fn random_and_uuid_are_seeded() {
    // java.util.Random(42).nextDouble(), as the service computes $random(42).
    assert_eq!(value("$random(42)"), json!(0.7275636800328681));
    assert_eq!(value("$random(42.9)"), json!(0.7275636800328681));
    let run = |seed| {
        eval_with(
            "[$random(), $uuid(), $random()]",
            json!({}),
            json!({}),
            seed,
        )
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
    let out = run(7).unwrap().unwrap();
    let r = out[0].as_f64().unwrap();
    assert!((0.0..1.0).contains(&r));
    let u = out[1].as_str().unwrap();
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "4");
    // The generator the engine passes in advances.
    let states = States::new(&json!({}), &context(), None, None);
    let get = |_: &str| None;
    let scope = Scope {
        states: &states,
        variable: &get,
    };
    let e = Expression::parse("$uuid()").unwrap();
    let mut rng = Rng::new(3);
    let a = e.eval(&scope, &mut rng).unwrap();
    let b = e.eval(&scope, &mut rng).unwrap();
    assert_ne!(a, b);
    // $shuffle too.
    let s = |seed| eval_with("$shuffle([1,2,3,4,5,6,7,8])", json!({}), json!({}), seed);
    assert_eq!(s(5), s(5));
}

#[test]
fn eval_is_unavailable() {
    assert_eq!(
        eval("$eval('1+1')"),
        Err("T1006: Attempted to invoke a non-function".into())
    );
}

#[test]
fn jsonata_2_1_operators_are_rejected() {
    assert!(Expression::parse("$a ?? 1").unwrap_err().contains("S0211"));
    assert!(Expression::parse("$a ?: 1").unwrap_err().contains("S0211"));
    assert!(Expression::parse("$a ? 1 : 2").is_ok());
}

#[test]
fn now_and_millis_read_the_virtual_clock() {
    assert_eq!(value("$now()"), json!("2024-01-02T03:04:05.678Z"));
    assert_eq!(value("$millis()"), json!(1704164645678i64));
    assert_eq!(value("$now('[Y0001]-[M01]')"), json!("2024-01"));
}

#[test]
fn non_finite_numbers_become_strings() {
    assert_eq!(value("1/0"), json!("Infinity"));
    assert_eq!(value("-1/0"), json!("-Infinity"));
    assert_eq!(value("[1/0]"), json!(["Infinity"]));
}

#[test]
fn singleton_sequences_collapse_and_undefined_keys_are_omitted() {
    let input = json!({"items": [{"id": 1, "x": 2}]});
    assert_eq!(
        eval_with(
            "$states.input.items.{'id': id}",
            input.clone(),
            json!({}),
            1
        ),
        Ok(Some(json!({"id": 1})))
    );
    assert_eq!(
        eval_with("[$states.input.items.{'id': id}]", input, json!({}), 1),
        Ok(Some(json!([{"id": 1}])))
    );
    assert_eq!(value("{'a': $missing, 'b': 1}"), json!({"b": 1}));
}

#[test]
fn functions_are_not_results() {
    assert_eq!(
        eval("$fn := function($x){$x}"),
        Err(UNSUPPORTED_RESULT.to_string())
    );
}

#[test]
fn states_fields() {
    let input = json!({"a": 1});
    let result = json!({"r": 2});
    let error = json!({"Error": "E", "Cause": "c"});
    let states = States::new(&input, &context(), Some(&result), Some(&error));
    let get = |_: &str| None;
    let scope = Scope {
        states: &states,
        variable: &get,
    };
    let ev = |e: &str| {
        Expression::parse(e)
            .unwrap()
            .eval(&scope, &mut Rng::new(1))
            .unwrap()
    };
    assert_eq!(ev("$states.input.a"), Some(json!(1)));
    assert_eq!(ev("$states.result.r"), Some(json!(2)));
    assert_eq!(ev("$states.errorOutput.Error"), Some(json!("E")));
    assert_eq!(ev("$states.context.State.Name"), Some(json!("S")));
    // No implicit input: `$` and bare names are undefined at the top level.
    assert_eq!(ev("a"), None);
    let without = States::new(&input, &context(), None, None);
    let scope = Scope {
        states: &without,
        variable: &get,
    };
    let e = Expression::parse("$states.result").unwrap();
    assert_eq!(e.eval(&scope, &mut Rng::new(1)).unwrap(), None);
}

#[test]
fn variables_are_free_reads_only() {
    let vars = |e: &str| Expression::parse(e).unwrap().variables();
    assert_eq!(vars("$x + $y.z"), vec!["x", "y"]);
    assert_eq!(vars("$states.input.a"), Vec::<String>::new());
    assert_eq!(vars("($a := 1; $a + $b)"), vec!["b"]);
    assert_eq!(vars("($a := $a + 1; $a)"), vec!["a"]);
    assert_eq!(
        vars("$map($list, function($v){ $v + $k })"),
        vec!["list", "k"]
    );
    assert_eq!(
        vars("($f := function($n){ $f($n) }; $f(1))"),
        Vec::<String>::new()
    );
    assert_eq!(vars("$sum($nums) & $string($s)"), vec!["nums", "s"]);
    assert_eq!(vars("$.a#$i.b[$i > 0]"), Vec::<String>::new());
    assert_eq!(vars("$randomSeeded(1)"), Vec::<String>::new());
    // Bound workflow variables are read; unknown ones are undefined.
    assert_eq!(
        eval_with("$x + 1", json!({}), json!({"x": 41}), 1),
        Ok(Some(json!(42)))
    );
    assert_eq!(eval_with("$nope", json!({}), json!({"x": 41}), 1), Ok(None));
}

#[test]
fn delimiters_are_exact() {
    assert!(is_expression("{% 1 %}"));
    assert!(is_expression("{%1%}"));
    assert!(!is_expression(" {% 1 %}"));
    assert!(!is_expression("{% 1 %} "));
    assert!(!is_expression("{%%"));
    let t = Template::compile(&json!(" {% states.input %} "), "Output").unwrap();
    assert!(matches!(t, Template::Literal(Value::String(_))));
    let t = Template::compile(&json!({"a": ["x", "{% 1 + 1 %}"], "b": 3}), "Output").unwrap();
    let states = States::new(&json!({}), &context(), None, None);
    let get = |_: &str| None;
    let scope = Scope {
        states: &states,
        variable: &get,
    };
    assert_eq!(
        t.eval(&scope, &mut Rng::new(1)).unwrap(),
        json!({"a": ["x", 2], "b": 3})
    );
}

fn template_error(template: Value, field: &str) -> TemplateError {
    let states = States::new(&json!({}), &context(), None, None);
    let get = |_: &str| None;
    let scope = Scope {
        states: &states,
        variable: &get,
    };
    Template::compile(&template, field)
        .unwrap()
        .eval(&scope, &mut Rng::new(1))
        .unwrap_err()
}

#[test]
fn template_locations_and_causes() {
    // AWS-recorded wordings (localstack test_undefined_reference).
    for (template, field, location) in [
        (json!("{% $doesNotExist %}"), "Output", "Output"),
        (
            json!({"result": "{% $doesNotExist %}"}),
            "Output",
            "Output/result",
        ),
        (
            json!({"FunctionName": "{% $doesNotExist %}"}),
            "Arguments",
            "Arguments/FunctionName",
        ),
        (
            json!({"result": "{% $doesNotExist %}"}),
            "Assign",
            "Assign/result",
        ),
        (
            json!({"a": [1, {"b": "{%  $doesNotExist  %}"}]}),
            "Output",
            "Output/a[1]/b",
        ),
    ] {
        let e = template_error(template, field);
        assert_eq!(e.location, location);
        assert_eq!(
            e.cause,
            format!("The JSONata expression '$doesNotExist' specified for the field '{location}' returned nothing (undefined).")
        );
    }
    let e = template_error(
        json!({"FunctionResult": "{% $randomSeeded(1) %}"}),
        "Output",
    );
    assert_eq!(
        e.cause,
        "The JSONata expression '$randomSeeded(1)' specified for the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function"
    );
    let e = template_error(json!("{% $fn := function($x){$x} %}"), "Items");
    assert_eq!(
        e.cause,
        "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type."
    );
    let e = template_error(json!({"r": "{% [1..900000] ~> $count() %}"}), "Output");
    assert_eq!(
        e.cause,
        "The JSONata expression '[1..900000] ~> $count()' specified for the field 'Output/r' threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage"
    );
    assert_eq!(
        unexpected_type_cause("$ItemsVar", "Items", "array", &json!({"foo": "bar"})),
        "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}"
    );
    assert!(Template::compile(&json!({"x": "{% $a ?? 1 %}"}), "Output")
        .unwrap_err()
        .contains("Output/x"));
}

#[test]
fn regular_expressions_follow_javascript() {
    // \d is ASCII in JavaScript; the Rust engine's is Unicode.
    assert_eq!(eval("$match('٣', /\\d/)"), Ok(None));
    assert_eq!(value("$match('a1', /\\d/).match"), json!("1"));
    assert_eq!(value("$contains('hello$world', /^hello\\$/)"), json!(true));
    assert_eq!(value("$split('a1b22c', /\\d+/)"), json!(["a", "b", "c"]));
    // Look-around and back-references are not implemented: a clear error.
    let e = eval("$replace('abab', /a(?=b)/, 'x')").unwrap_err();
    assert!(e.contains("look-ahead"), "{e}");
    let e = eval("$match('aa', /(a)\\1/)").unwrap_err();
    assert!(e.contains("back-references"), "{e}");
}

#[test]
fn pictures_that_would_panic_in_the_evaluator_fail_with_an_error() {
    // jsonata-core 2.2.13 panics on these (the first was found by the fuzz target). A
    // panic aborts a wasm instance, so the engine refuses them before the crate runs;
    // natively the panic would be caught as U1002: the errors must be the refusals.
    for (expr, expected) in [
        (
            "$fromMillis(1531310400000, '[\u{a7}\u{a2}-[M01]')",
            "D3132: \u{a7}",
        ),
        ("$fromMillis(0, '[,2]')", "D3132: ,"),
        ("$fromMillis(0, '[fN]')", "D3133: f"),
        ("$fromMillis(0, '[Y,*-64]')", "year width 64"),
        ("$fromMillis(0, '[D,9999999999]')", "memory limit"),
        (
            "$fromMillis(0, '[Y]', '+99999999999999999')",
            "Invalid timestamp",
        ),
        ("$fromMillis(8210266876799999, '[W]')", "Invalid timestamp"),
        // The picture as the only argument, the number from the context.
        ("0 ~> $fromMillis('[\u{e9}]')", "D3132: \u{e9}"),
        ("[0].$fromMillis('[\u{e9}]')", "D3132: \u{e9}"),
        // Through a function value, a partial application, a chain, `$now`.
        ("($f := $fromMillis; $f(0, '[\u{e9}]'))", "D3132: \u{e9}"),
        ("$fromMillis(?, '[\u{e9}]')(0)", "D3132: \u{e9}"),
        (
            "$map(['[\u{e9}]'], function($p){ $fromMillis(0, $p) })",
            "D3132: \u{e9}",
        ),
        ("$now('[\u{e9}]')", "D3132: \u{e9}"),
        ("$now(undefined, '+99999999999999999')", "Invalid timestamp"),
        ("$toMillis('2018', '[\u{e9}]')", "D3132: \u{e9}"),
        ("$toMillis('\u{662}\u{660}\u{661}\u{668}')", "D3110"),
        (
            "$toMillis('2018', '[Y\u{660}\u{660}\u{660}\u{661}]')",
            "D3136",
        ),
        ("$toMillis('2018-123456789012', '[Y]-[d]')", "D3136"),
        ("$toMillis('ZZZZZZZZZZZZZZZZ', '[YA]')", "D3136"),
        ("$formatInteger(1e18, 'I')", "memory limit"),
        ("$parseInteger('\u{20ac}', '0;o')", "D3136"),
        ("$parseInteger('12', '\u{660}\u{660}')", "D3136"),
        ("$parseInteger('ZZZZZZZZZZZZZZZZ', 'A')", "D3136"),
    ] {
        let err = eval(expr).unwrap_err();
        assert!(err.contains(expected), "{expr}: {err}");
    }
    // What the crate handles itself is unchanged: its own errors, argument defaults
    // from the context, escaped brackets, functions the expression defines.
    assert_eq!(eval("$fromMillis(0, '[Q]')").unwrap_err(), "D3132: Q");
    assert_eq!(value("$fromMillis(0, '[Y0001]-[M01]')"), json!("1970-01"));
    assert_eq!(value("$fromMillis(0, '[[[Y0001]]]')"), json!("[1970]"));
    assert_eq!(
        value("0 ~> $fromMillis()"),
        json!("1970-01-01T00:00:00.000Z")
    );
    assert_eq!(
        value("[0].$fromMillis()"),
        json!("1970-01-01T00:00:00.000Z")
    );
    assert_eq!(value("[86400000].$fromMillis('[D]')"), json!("2"));
    assert_eq!(value("[5].$formatInteger('I')"), json!("V"));
    assert_eq!(value("['V'].$parseInteger('I')"), json!(5));
    assert_eq!(value("$toMillis('1970-01-02')"), json!(86400000));
    assert_eq!(value("$toMillis('1970', '[Y]')"), json!(0));
    assert_eq!(value("$formatInteger(1999, 'I')"), json!("MCMXCIX"));
    // A decimal separator that is not ASCII: the crate slices inside it; the engine
    // has it stand in for an ASCII character and puts it back.
    assert_eq!(
        value("$formatNumber(-1234.5, '#,##0\u{20ac}00;(#\u{20ac}0)', {'decimal-separator': '\u{20ac}'})"),
        json!("(1234\u{20ac}5)")
    );
    assert_eq!(
        value("[1234.5678].$formatNumber('#,##0\u{66b}00', {'decimal-separator': '\u{66b}'})"),
        json!("1,234\u{66b}57")
    );
    assert_eq!(
        value("($fromMillis := function($x){ $x + 1 }; $fromMillis(1))"),
        json!(2)
    );
    assert_eq!(value("($f := $fromMillis; $f(0, '[Y]'))"), json!("1970"));
    assert_eq!(
        value("$map([0, 86400000], function($v){ $fromMillis($v, '[D]') })"),
        json!(["1", "2"])
    );
}
