//! Compiling deeply nested Parallel / Map states needs no deep stack (found by the fuzz
//! smoke test with the position-tracking parser of `validate`, which reads definitions
//! up to 512 levels deep: 54 nested Parallels overflowed a 2 MB thread stack).

use serde_json::{json, Map, Value};
use statelab::compile::compile;

/// `levels` Parallel (or Map) states, each the only state of its parent's branch.
fn nested(levels: usize, map: bool) -> Value {
    let mut inner = json!({"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}});
    for _ in 0..levels {
        let mut state = Map::new();
        if map {
            state.insert("Type".into(), json!("Map"));
            state.insert("ItemProcessor".into(), inner);
        } else {
            state.insert("Type".into(), json!("Parallel"));
            state.insert("Branches".into(), Value::Array(vec![inner]));
        }
        state.insert("End".into(), json!(true));
        let mut states = Map::new();
        states.insert("N".into(), Value::Object(state));
        let mut block = Map::new();
        block.insert("StartAt".into(), json!("N"));
        block.insert("States".into(), Value::Object(states));
        inner = Value::Object(block);
    }
    inner
}

/// Runs `f` on a thread with a small stack (1.5 MB: cloning and dropping this test's
/// 260-level JSON recurses too, a few hundred KB unoptimised).
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1536 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// The deepest nesting `compile` accepts (its `MAX_NESTING` of 64 scope levels).
const DEEPEST: usize = 63;

#[test]
fn deeply_nested_parallels_compile_on_a_small_stack() {
    let ok = on_small_stack(|| compile(&nested(DEEPEST, false)).map(|sm| sm.states.len()));
    assert_eq!(ok.unwrap(), DEEPEST + 1);
    let too_deep = on_small_stack(|| compile(&nested(DEEPEST + 1, false)).map(|_| ()));
    assert!(too_deep.unwrap_err().message.contains("too deep"));
}

#[test]
fn deeply_nested_maps_compile_on_a_small_stack() {
    let ok = on_small_stack(|| compile(&nested(DEEPEST, true)).map(|sm| sm.scopes.len()));
    assert_eq!(ok.unwrap(), DEEPEST + 1);
}
