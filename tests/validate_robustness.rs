//! The validator reads untrusted text: it must never panic or overflow the stack, whatever
//! the input, and must still answer with diagnostics.

use serde_json::{json, Map, Value};
use statelab::rng::Rng;
use statelab::validate::{validate_text, validate_value, Diagnostic};

fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn very_deep_text_is_a_syntax_diagnostic() {
    for text in [
        "[".repeat(1_000_000),
        "{\"a\":".repeat(300_000),
        format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000)),
    ] {
        let (value, diagnostics) = validate_text(&text);
        assert!(value.is_none());
        assert_eq!(codes(&diagnostics), vec!["INVALID_JSON_DESCRIPTION"]);
        assert!(diagnostics[0].line.is_some());
    }
}

/// A Parallel state nested `levels` deep.
fn nested_parallel(levels: usize) -> Value {
    let mut inner = json!({"StartAt": "Leaf", "States": {"Leaf": {"Type": "Succeed"}}});
    for i in 0..levels {
        inner = json!({"StartAt": format!("P{i}"), "States": {
            format!("P{i}"): {"Type": "Parallel", "End": true, "Branches": [inner]}
        }});
    }
    inner
}

#[test]
fn deeply_nested_states_do_not_overflow() {
    // As deep as the text parser allows (4 JSON levels per Parallel).
    let definition = nested_parallel(127);
    let text = serde_json::to_string(&definition).unwrap_or_default();
    let (value, diagnostics) = validate_text(&text);
    assert!(value.is_some());
    assert!(diagnostics.is_empty(), "{diagnostics:?}");

    // Within a 1 MiB stack (the wasm default), even unoptimised.
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || validate_text(&text).1.len());
    let count = handle.ok().map(|h| h.join().ok());
    assert_eq!(count, Some(Some(0)));

    // Values built in code may be deeper than text allows: no recursion limits them.
    assert!(validate_value(&nested_parallel(300)).is_empty());
}

#[test]
fn deep_choice_rules_and_templates_do_not_overflow() {
    let mut rule = json!({"Variable": "$.x", "IsNull": true});
    for _ in 0..400 {
        rule = json!({"Not": rule});
    }
    let mut template = json!({"leaf.$": "$.x"});
    for _ in 0..400 {
        template = json!({"a": [template]});
    }
    let mut rule_obj: Map<String, Value> = rule.as_object().cloned().unwrap_or_default();
    rule_obj.insert("Next".into(), json!("Done"));
    let definition = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [rule_obj], "Default": "P"},
        "P": {"Type": "Pass", "Parameters": template, "Next": "Done"},
        "Done": {"Type": "Succeed"}
    }});
    assert!(validate_value(&definition).is_empty());
    let text = serde_json::to_string(&definition).unwrap_or_default();
    let (_, diagnostics) = validate_text(&text);
    // 400 `Not` levels need over 800 JSON levels: too deep for the text parser.
    assert_eq!(codes(&diagnostics), vec!["INVALID_JSON_DESCRIPTION"]);
}

const SEEDS: &[&str] = &[
    r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"$.a","y":[{"z.$":"$$.Execution.Id"}]},"Next":"B"},"B":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.a","NumericEquals":1},{"Not":{"Variable":"$.b","IsPresent":true}}],"Next":"C"}],"Default":"D"},"C":{"Type":"Wait","Seconds":1,"Next":"D"},"D":{"Type":"Succeed"}}}"#,
    r#"{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"a":"{% 1 %}"},"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}],"End":true},"F":{"Type":"Fail","Error":"E"}}}"#,
    r#"{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV"}},"ItemBatcher":{"MaxItemsPerBatch":2},"Label":"x","End":true}}}"#,
    r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","End":true}}}],"ResultSelector":{"r.$":"$[0]"},"Next":"Z"},"Z":{"Type":"Fail","ErrorPath":"$.e","Cause":"c"}}}"#,
];

/// Pieces of ASL spliced in by the mutator.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u",
    "\"$.\"",
    "\"$$\"",
    "\"$\"",
    "\".$\"",
    "\"Next\"",
    "\"End\"",
    "true",
    "null",
    "-1",
    "1e999",
    "\"Type\"",
    "\"Choice\"",
    "\"Map\"",
    "\"Parallel\"",
    "\"States\"",
    "\"StartAt\"",
    "\"{% %}\"",
    "\"States.ALL\"",
    "é",
    "😀",
    "\u{0}",
    "\"ItemProcessor\"",
    "\"Branches\"",
    "\"And\"",
    "\"Not\"",
    "[[[[",
    "{\"a\":{\"b\":",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let edits = 1 + (rng.next_u64() % 4) as usize;
    for _ in 0..edits {
        let len = chars.len().max(1);
        let at = (rng.next_u64() as usize) % len;
        match rng.next_u64() % 4 {
            0 => {
                if at < chars.len() {
                    chars.remove(at);
                }
            }
            1 => {
                let end = (at + 1 + (rng.next_u64() % 12) as usize).min(chars.len());
                if at < end {
                    chars.drain(at..end);
                }
            }
            _ => {
                let fragment = FRAGMENTS[(rng.next_u64() as usize) % FRAGMENTS.len()];
                for (i, c) in fragment.chars().enumerate() {
                    chars.insert((at + i).min(chars.len()), c);
                }
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn mutated_definitions_never_panic() {
    let mut rng = Rng::new(20240425);
    let mut checked = 0;
    for seed in SEEDS {
        let mut current = seed.to_string();
        for round in 0..1500 {
            // Restart from the seed now and then so mutations do not drift into noise.
            if round % 50 == 0 {
                current = seed.to_string();
            }
            current = mutate(&mut rng, &current);
            let (value, diagnostics) = validate_text(&current);
            if let Some(value) = &value {
                // Every location is a pointer into the document or the root.
                for d in &diagnostics {
                    if let Some(location) = &d.location {
                        assert!(location.starts_with('/'), "{location}");
                    }
                }
                let _ = validate_value(value);
            } else {
                assert!(!diagnostics.is_empty());
            }
            checked += 1;
        }
    }
    assert_eq!(checked, SEEDS.len() * 1500);
}

/// Random JSON built from ASL field names, validated as values.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    const KEYS: &[&str] = &[
        "StartAt",
        "States",
        "Type",
        "Next",
        "End",
        "Choices",
        "Default",
        "Branches",
        "ItemProcessor",
        "Iterator",
        "Variable",
        "And",
        "Or",
        "Not",
        "StringEquals",
        "NumericEqualsPath",
        "Retry",
        "Catch",
        "ErrorEquals",
        "Parameters",
        "x.$",
        "Assign",
        "QueryLanguage",
        "Resource",
        "Seconds",
        "Timestamp",
        "ItemReader",
        "ReaderConfig",
        "ItemBatcher",
        "ResultWriter",
        "WriterConfig",
        "ProcessorConfig",
        "Mode",
        "Credentials",
        "A",
        "B",
    ];
    const STRINGS: &[&str] = &[
        "Pass",
        "Task",
        "Choice",
        "Wait",
        "Succeed",
        "Fail",
        "Parallel",
        "Map",
        "A",
        "B",
        "$",
        "$.a",
        "$$",
        "$x",
        "JSONata",
        "JSONPath",
        "States.ALL",
        "DISTRIBUTED",
        "{% 1 %}",
        "arn:aws:states:::lambda:invoke",
        "2016-03-14T01:59:00Z",
        "",
    ];
    let pick = rng.next_u64() % if depth > 6 { 4 } else { 7 };
    match pick {
        0 => Value::Null,
        1 => json!(rng.range_i64(-3, 5)),
        2 => json!(rng.next_u64() % 2 == 0),
        3 => json!(STRINGS[(rng.next_u64() as usize) % STRINGS.len()]),
        4 => Value::Array(
            (0..rng.next_u64() % 4)
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.next_u64() % 6)
                .map(|_| {
                    let key = KEYS[(rng.next_u64() as usize) % KEYS.len()].to_string();
                    (key, random_value(rng, depth + 1))
                })
                .collect(),
        ),
    }
}

#[test]
fn random_values_never_panic() {
    let mut rng = Rng::new(7);
    for _ in 0..5000 {
        let mut root = Map::new();
        root.insert("StartAt".into(), json!("A"));
        root.insert("States".into(), random_value(&mut rng, 0));
        let definition = Value::Object(root);
        let _ = validate_value(&definition);
        let text = serde_json::to_string(&definition).unwrap_or_default();
        let (value, _) = validate_text(&text);
        assert_eq!(value.as_ref(), Some(&definition));
    }
}
