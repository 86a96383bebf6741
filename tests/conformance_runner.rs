//! The conformance runner on hand-written cases: verdicts, skips, masks, mocks,
//! Lambda behaviours, known failures and the report.

use serde_json::{json, Value};
use statelab::conformance::{
    catch_panics, run_case, run_cases, Case, KnownFailures, LoadError, RunnerOptions, SkipRule,
    SkipWhen, Verdict,
};
use std::path::{Path, PathBuf};

fn case(v: Value) -> Case {
    Case::from_value(&v, Path::new("hand.json")).expect("valid case")
}

fn pass_def() -> Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"a": 1, "b": "x"}, "End": true}}})
}

fn verdict(v: Value) -> Verdict {
    run_case(&case(v), &RunnerOptions::default())
}

#[test]
fn output_status_and_events_are_compared() {
    let ok = json!({
        "name": "ok",
        "definition": pass_def(),
        "expected": {"status": "SUCCEEDED", "output": {"b": "x", "a": 1.0}},
        "events": ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    });
    assert_eq!(verdict(ok), Verdict::Pass);

    let wrong_output = json!({
        "name": "wrong",
        "definition": pass_def(),
        "expected": {"status": "SUCCEEDED", "output": {"a": 2, "b": "x"}}
    });
    match verdict(wrong_output) {
        Verdict::Fail(m) => assert!(m.contains("$.a") && m.contains("expected 2"), "{m}"),
        v => panic!("{v:?}"),
    }

    let wrong_status = json!({
        "name": "status",
        "definition": pass_def(),
        "expected": {"status": "FAILED", "error": "E", "cause": "c"}
    });
    match verdict(wrong_status) {
        Verdict::Fail(m) => assert!(
            m.starts_with("status: expected FAILED, got SUCCEEDED"),
            "{m}"
        ),
        v => panic!("{v:?}"),
    }

    let wrong_events = json!({
        "name": "events",
        "definition": pass_def(),
        "expected": {"status": "SUCCEEDED", "output": {"a": 1, "b": "x"}},
        "events": ["ExecutionStarted", "ExecutionSucceeded"]
    });
    match verdict(wrong_events) {
        Verdict::Fail(m) => assert!(m.contains("events differ at #2"), "{m}"),
        v => panic!("{v:?}"),
    }
}

#[test]
fn failures_compare_error_and_cause_with_masks_and_context() {
    let def = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "MyError", "Cause": "{\"id\": \"1234\", \"n\": 1}"}}});
    let exact = json!({
        "name": "f", "definition": def,
        "expected": {"status": "FAILED", "error": "MyError", "cause": {"n": 1, "id": "1234"}, "cause_is_json": true}
    });
    assert_eq!(verdict(exact), Verdict::Pass);
    let masked = json!({
        "name": "f", "definition": def,
        "expected": {"status": "FAILED", "error": "MyError", "cause": {"n": 1, "id": "<uuid:1>"}, "cause_is_json": true,
                     "masked": [{"path": "$.cause", "token": "<uuid:1>"}]}
    });
    assert_eq!(verdict(masked), Verdict::Pass);
    let masked_but_wrong = json!({
        "name": "f", "definition": def,
        "expected": {"status": "FAILED", "error": "MyError", "cause": {"n": 2, "id": "<uuid:1>"}, "cause_is_json": true,
                     "masked": [{"path": "$.cause", "token": "<uuid:1>"}]}
    });
    assert!(matches!(verdict(masked_but_wrong), Verdict::Fail(_)));
    let context = json!({
        "name": "f", "definition": def, "needs": ["context:$.cause"],
        "expected": {"status": "FAILED", "error": "MyError", "cause": "anything"}
    });
    assert_eq!(verdict(context), Verdict::Pass);
    let wrong_error = json!({
        "name": "f", "definition": def, "needs": ["context:$.cause"],
        "expected": {"status": "FAILED", "error": "Other", "cause": "anything"}
    });
    match verdict(wrong_error) {
        Verdict::Fail(m) => assert!(m.starts_with("error differs"), "{m}"),
        v => panic!("{v:?}"),
    }
}

#[test]
fn skips_are_data_driven() {
    let custom = json!({
        "name": "j", "definition": pass_def(), "features": ["Custom"],
        "expected": {"status": "SUCCEEDED", "output": {"a": 1, "b": "x"}}
    });
    assert_eq!(verdict(custom.clone()), Verdict::Pass);
    // A rule skips what it names; lifting it runs the case again.
    let mut opts = RunnerOptions::default();
    opts.skip_rules.push(SkipRule::new(
        SkipWhen::Feature("Custom".into()),
        "custom feature not supported",
    ));
    assert_eq!(
        run_case(&case(custom.clone()), &opts),
        Verdict::Skip("custom feature not supported".into())
    );
    opts.skip_rules
        .retain(|r| r.when != SkipWhen::Feature("Custom".into()));
    assert_eq!(run_case(&case(custom), &opts), Verdict::Pass);
    let service = json!({
        "name": "s", "definition": pass_def(), "needs": ["service:sqs"],
        "expected": {"status": "SUCCEEDED"}
    });
    match verdict(service) {
        Verdict::Skip(r) => assert!(r.contains("service:sqs"), "{r}"),
        v => panic!("{v:?}"),
    }
    let unknown = json!({
        "name": "u", "definition": pass_def(), "needs": ["lambda:teleport"],
        "expected": {"status": "SUCCEEDED"}
    });
    assert_eq!(
        verdict(unknown),
        Verdict::Skip("unsupported need lambda:teleport".into())
    );
    let custom = RunnerOptions {
        skip_rules: vec![SkipRule {
            when: SkipWhen::Need("wait:realtime".into()),
            reason: "slow".into(),
        }],
        ..RunnerOptions::default()
    };
    let waits = case(json!({
        "name": "w", "definition": pass_def(), "needs": ["wait:realtime"],
        "expected": {"status": "SUCCEEDED"}
    }));
    assert!(matches!(run_case(&waits, &custom), Verdict::Skip(r) if r.starts_with("slow")));
}

#[test]
fn lambda_behaviours_answer_both_resource_forms() {
    let def = json!({
        "StartAt": "Legacy",
        "States": {
            "Legacy": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:echo", "ResultPath": "$.legacy", "Next": "Invoke"},
            "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                       "Parameters": {"FunctionName": "echo", "Payload.$": "$.legacy"},
                       "ResultSelector": {"p.$": "$.Payload", "s.$": "$.StatusCode"}, "ResultPath": "$.invoke", "Next": "Slow"},
            "Slow": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111111111111:function:slow", "TimeoutSeconds": 5,
                     "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.timeout", "Next": "Boom"}], "End": true},
            "Boom": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "boom"}, "End": true}
        }
    });
    let c = json!({
        "name": "l", "definition": def, "input": {"in": 1},
        "needs": ["lambda:echo_hello", "lambda:sleep_60s_identity", "lambda:raise_exception", "context:$.cause"],
        "lambda_functions": {
            "echo": {"behaviour": "echo_hello", "function_arn": "arn:aws:lambda:us-east-1:111111111111:function:echo"},
            "slow": {"behaviour": "sleep_60s_identity"},
            "boom": "raise_exception"
        },
        "expected": {"status": "FAILED", "error": "Exception", "cause": "masked"},
        "events": ["ExecutionStarted",
                   "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
                   "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
                   "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionTimedOut", "TaskStateExited",
                   "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed"]
    });
    assert_eq!(verdict(c), Verdict::Pass);
}

#[test]
fn mock_cases_run_with_their_mock_config() {
    let def = json!({
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"},
            "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 30, "MaxAttempts": 3}],
            "End": true}}
    });
    let mock = json!({
        "StateMachines": {"SM": {"TestCases": {"Retry": {"Call": "R"}}}},
        "MockedResponses": {"R": {
            "0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
            "2": {"Return": {"StatusCode": 200, "Payload": {"ok": true}}}
        }}
    });
    let c = json!({
        "name": "m", "definition": def, "needs": ["mock", "wait:virtual"],
        "mock_config": mock, "state_machine_name": "SM", "test_case": "Retry",
        "expected": {"status": "SUCCEEDED", "output": {"StatusCode": 200, "Payload": {"ok": true}}}
    });
    assert_eq!(verdict(c.clone()), Verdict::Pass);
    let mut bad = c;
    bad["test_case"] = json!("Nope");
    match verdict(bad) {
        Verdict::Fail(m) => assert!(m.contains("no test case named \"Nope\""), "{m}"),
        v => panic!("{v:?}"),
    }
}

#[test]
fn panics_are_caught_with_their_message() {
    let r: Result<(), String> = catch_panics(|| panic!("boom {}", 42));
    let m = r.unwrap_err();
    assert!(m.starts_with("boom 42 at "), "{m}");
    assert_eq!(catch_panics(|| 7), Ok(7));
}

#[test]
fn known_failures_only_shrink() {
    let ok = case(
        json!({"name": "ok", "definition": pass_def(), "expected": {"status": "SUCCEEDED", "output": {"a": 1, "b": "x"}}}),
    );
    let bad = case(
        json!({"name": "bad", "definition": pass_def(), "expected": {"status": "SUCCEEDED", "output": 3}}),
    );
    let skipped = case(
        json!({"name": "skipped", "definition": pass_def(), "needs": ["callback"], "expected": {"status": "SUCCEEDED"}}),
    );
    let cases = vec![ok, bad, skipped];
    let opts = RunnerOptions::default();

    let none = KnownFailures::default();
    let r = run_cases(&cases, Vec::new(), &opts, &none);
    assert_eq!((r.passed(), r.failed(), r.skipped()), (1, 1, 1));
    assert!(!r.ok());
    let text = r.render(false);
    assert!(text.contains("FAIL bad: output differs"), "{text}");
    assert_eq!(text.lines().last(), Some("1 passed, 1 failed, 1 skipped"));

    let listed = KnownFailures::parse("# comment\n\nbad  # output is wrong\n").unwrap();
    let r = run_cases(&cases, Vec::new(), &opts, &listed);
    assert!(r.ok(), "{}", r.render(true));
    assert!(r
        .render(false)
        .contains("FAIL (known: output is wrong) bad"));

    let stale = KnownFailures::parse("bad  # x\nok  # fixed now\n").unwrap();
    let r = run_cases(&cases, Vec::new(), &opts, &stale);
    assert!(!r.ok());
    assert_eq!(r.unexpected_passes(), 1);
    assert!(r.render(false).contains("UNEXPECTED PASS ok"));

    let skipped_listed = KnownFailures::parse("bad  # x\nskipped  # x\n").unwrap();
    let r = run_cases(&cases, Vec::new(), &opts, &skipped_listed);
    assert_eq!(r.stale_entries(), 1);
    assert!(!r.ok());

    assert!(KnownFailures::parse("a # x\na # y\n").is_err());

    // A load error is an unexpected failure.
    let r = run_cases(
        &cases[..1],
        vec![LoadError {
            file: PathBuf::from("broken.json"),
            message: "invalid JSON".into(),
        }],
        &opts,
        &none,
    );
    assert!(!r.ok());
    assert!(r
        .render(false)
        .starts_with("ERROR broken.json: invalid JSON"));

    // Filter.
    let filtered = RunnerOptions {
        filter: Some("ok".into()),
        ..RunnerOptions::default()
    };
    let r = run_cases(&cases, Vec::new(), &filtered, &none);
    assert_eq!(r.results.len(), 1);
}

#[test]
fn malformed_case_files_are_load_errors() {
    let dir = std::env::temp_dir().join(format!("statelab-conf-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/bad.json"), "{ not json").unwrap();
    std::fs::write(dir.join("missing.json"), "{\"definition\": {}}").unwrap();
    std::fs::write(
        dir.join("good.json"),
        json!({"name": "good", "definition": pass_def(), "expected": {"status": "SUCCEEDED", "output": {"a": 1, "b": "x"}}}).to_string(),
    )
    .unwrap();
    std::fs::write(dir.join("notes.txt"), "ignored").unwrap();
    let report = statelab::conformance::run_paths(
        &[&dir],
        &RunnerOptions::default(),
        &KnownFailures::default(),
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(report.passed(), 1);
    assert_eq!(report.load_errors.len(), 2);
    let text = report.render(false);
    assert!(text.contains("invalid JSON"), "{text}");
    assert!(text.contains("missing field `expected`"), "{text}");
    assert!(text.ends_with("1 passed, 2 failed, 0 skipped\n"), "{text}");
}

#[test]
fn history_details_are_compared_through_recorder_placeholders() {
    let history = json!([
        {"id": 1, "previousEventId": 0, "timestamp": "timestamp", "type": "ExecutionStarted",
         "executionStartedEventDetails": {"input": {"k": "v"}, "inputDetails": {"truncated": false}, "roleArn": "snf_role_arn"}},
        {"id": 2, "previousEventId": 0, "timestamp": "timestamp", "type": "PassStateEntered",
         "stateEnteredEventDetails": {"name": "P", "input": {"k": "v"}, "inputDetails": {"truncated": false}}},
        {"id": 3, "previousEventId": 2, "timestamp": "timestamp", "type": "PassStateExited",
         "stateExitedEventDetails": {"name": "P", "output": "{\"a\": 1, \"b\": \"x\"}", "outputDetails": {"truncated": false}}},
        {"id": 4, "previousEventId": 3, "timestamp": "timestamp", "type": "ExecutionSucceeded",
         "executionSucceededEventDetails": {"output": {"a": 1, "b": "x"}, "outputDetails": {"truncated": false}}}
    ]);
    let mut c = json!({
        "name": "h", "definition": pass_def(), "input": {"k": "v"},
        "expected": {"status": "SUCCEEDED", "output": {"a": 1, "b": "x"}},
        "events": ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"],
        "history": history
    });
    assert_eq!(verdict(c.clone()), Verdict::Pass);
    c["history"][3]["previousEventId"] = json!(2);
    match verdict(c.clone()) {
        Verdict::Fail(m) => assert!(
            m.contains("event #4 ExecutionSucceeded") && m.contains("previousEventId"),
            "{m}"
        ),
        v => panic!("{v:?}"),
    }
    let opts = RunnerOptions {
        history_details: false,
        ..RunnerOptions::default()
    };
    assert_eq!(run_case(&case(c), &opts), Verdict::Pass);
}

#[test]
fn runaway_cases_are_bounded_by_the_limits() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Wait", "Seconds": 3600, "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "D"}], "Default": "A"},
        "D": {"Type": "Succeed"}
    }});
    let started = std::time::Instant::now();
    let v = verdict(json!({
        "name": "loop", "definition": def, "needs": ["wait:virtual"],
        "expected": {"status": "SUCCEEDED", "output": {}}
    }));
    assert!(
        matches!(v, Verdict::Fail(ref m) if m.starts_with("status: expected SUCCEEDED, got FAILED")),
        "{v:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
