//! Runs the LocalStack-derived conformance corpus (`../shared/conformance/localstack`,
//! beside the checkout; never committed) against `tests/known-failures.txt`.
//!
//! The test fails when a case outside the list fails, when a listed case passes
//! (remove it from the list) and when a listed case is skipped. Where the corpus is
//! absent the test says so and passes.

use statelab::conformance::{run_paths, KnownFailures, RunnerOptions};
use std::path::Path;

const CASES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/conformance/localstack/cases"
);
const KNOWN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/known-failures.txt");

#[test]
fn localstack_corpus_matches_the_known_failures_list() {
    let dir = Path::new(CASES);
    if !dir.is_dir() {
        println!("skipping: no conformance corpus at {CASES}");
        return;
    }
    let known = KnownFailures::load(Path::new(KNOWN)).expect("known-failures list");
    let report = run_paths(&[dir], &RunnerOptions::default(), &known);
    let text = report.render(false);
    println!("{text}");
    assert!(
        report.results.len() + report.load_errors.len() >= 1000,
        "expected the full corpus (1,015 cases), loaded {}",
        report.results.len()
    );
    assert!(
        report.load_errors.is_empty(),
        "case files failed to load: {:?}",
        report.load_errors
    );
    assert!(
        report.unmatched_known.is_empty(),
        "known-failures entries match no case: {:?}",
        report.unmatched_known
    );
    let mut problems = Vec::new();
    for r in &report.results {
        if r.unexpected_failure() {
            problems.push(format!("unexpected failure: {}: {:?}", r.name, r.verdict));
        } else if r.unexpected_pass() {
            problems.push(format!(
                "unexpected pass (remove it from tests/known-failures.txt): {}",
                r.name
            ));
        } else if r.stale_entry() {
            problems.push(format!(
                "listed as a known failure but skipped: {}: {:?}",
                r.name, r.verdict
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(report.ok());
    // The summary line comes last.
    let last = text.lines().last().unwrap_or("");
    assert!(
        last.ends_with(" skipped") && last.contains(" passed, "),
        "{last}"
    );
}

#[test]
fn the_known_failures_list_is_well_formed() {
    let text = std::fs::read_to_string(KNOWN).expect("tests/known-failures.txt");
    let known = KnownFailures::parse(&text).expect("parses");
    for (name, reason) in &known.entries {
        assert!(!reason.is_empty(), "{name} has no reason");
    }
}
