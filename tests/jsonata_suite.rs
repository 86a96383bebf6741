//! The official JSONata test suite (jsonata-js v2.0.6, `../shared/conformance/jsonata`)
//! against statelab's evaluator, with an explicit known-failures list that may only
//! shrink (`tests/jsonata-known-failures.txt`).
#![cfg(feature = "jsonata")]

use statelab::conformance::jsonata_suite;
use statelab::conformance::KnownFailures;
use std::path::Path;

#[test]
fn official_jsonata_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("../shared/conformance/jsonata");
    if !dir.join("groups").is_dir() {
        eprintln!(
            "note: {} is absent; the JSONata suite is not run",
            dir.display()
        );
        return;
    }
    let known = KnownFailures::load(&root.join("tests/jsonata-known-failures.txt"))
        .expect("the known-failures list loads");
    let report = jsonata_suite::run(&dir, &known, None);
    let text = report.render();
    println!("{text}");
    assert!(report.results.len() >= 1625, "the suite has 1625 cases");
    assert!(
        report.passed() * 1000 >= report.results.len() * 995,
        "below 99.5%"
    );
    assert!(report.ok(), "{text}");
}
