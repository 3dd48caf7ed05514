//! Mutations for the soak run (`tests/bench/hostile.rs`): JSON with wrong types put in its
//! fields or fields taken out, and hostile text drawn from the property tests' strategy
//! (`tests/hostile/text.rs`), from a seeded generator so that a run repeats.

use proptest::prelude::Rng;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{json, Value};

/// A number below `n`.
pub fn below(runner: &mut TestRunner, n: usize) -> usize {
    (runner.rng().next_u64() % n.max(1) as u64) as usize
}

/// Hostile text, as the property tests make it.
pub fn text(runner: &mut TestRunner) -> String {
    super::text::text()
        .new_tree(runner)
        .map(|tree| tree.current())
        .unwrap_or_default()
}

/// A value of a random JSON type, or text.
fn wrong_value(runner: &mut TestRunner) -> Value {
    match below(runner, 8) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(-1),
        3 => json!(i64::MIN),
        4 => json!(1e308),
        5 => json!([text(runner)]),
        6 => json!({"x": text(runner)}),
        _ => json!(text(runner)),
    }
}

/// `value` with a few of its fields (at any depth) given a wrong type, removed, or left be.
pub fn mutate_json(mut value: Value, runner: &mut TestRunner) -> Value {
    for _ in 0..below(runner, 4) {
        mutate_once(&mut value, runner);
    }
    value
}

fn mutate_once(value: &mut Value, runner: &mut TestRunner) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[below(runner, keys.len())];
            match below(runner, 4) {
                0 => {
                    map.remove(key);
                }
                1 => {
                    map.insert(key.clone(), wrong_value(runner));
                }
                _ => {
                    if let Some(inner) = map.get_mut(key) {
                        mutate_once(inner, runner);
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let i = below(runner, items.len());
            mutate_once(&mut items[i], runner);
        }
        other => *other = wrong_value(runner),
    }
}
