//! Property test: random edits of the default scenario (a value replaced by zero, a negative,
//! a huge or tiny number, NaN and infinity spelled as TOML or as strings, a wrong type; a key
//! deleted, duplicated or misspelt; a garbage line) never panic, load in bounded time, and a
//! scenario that loads has a resource estimate with no NaN (so the budget check can refuse
//! it). Seeded: the same cases every run; `cargo fuzz run scenario` in `fuzz/` explores
//! further.

use cporamp_scenario::DEFAULT_SCENARIO_TOML;
use cporamp_scenario::limits::{ALL_STAGES, Budget, check_budget, estimate};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Values that probe every range and type check.
const VALUES: &[&str] = &[
    "0",
    "0.0",
    "-1",
    "-0.0",
    "1e308",
    "-1e308",
    "1e-308",
    "5e-324",
    "nan",
    "inf",
    "-inf",
    "\"nan\"",
    "\"1e999\"",
    "\"x\"",
    "true",
    "[]",
    "[1.0, nan]",
    "{}",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "1e15",
    "65537",
    "4097",
    "0.5",
    "2",
];

/// One edit of the scenario's text.
#[derive(Debug, Clone)]
enum Edit {
    /// The value of the `line`-th `key = value` line replaced.
    Value { line: usize, value: String },
    /// That line deleted.
    Delete { line: usize },
    /// That line written twice (a duplicate key).
    Duplicate { line: usize },
    /// Its key misspelt.
    Key { line: usize },
    /// A garbage line inserted before it.
    Garbage { line: usize, text: String },
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(VALUES).prop_map(str::to_string),
        1 => any::<f64>().prop_map(|v| format!("{v:e}")),
        1 => any::<i64>().prop_map(|v| v.to_string()),
        1 => (-6i32..12).prop_map(|exponent| format!("1e{exponent}")),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let line = any::<usize>();
    prop_oneof![
        6 => (line, value()).prop_map(|(line, value)| Edit::Value { line, value }),
        1 => line.prop_map(|line| Edit::Delete { line }),
        1 => line.prop_map(|line| Edit::Duplicate { line }),
        1 => line.prop_map(|line| Edit::Key { line }),
        1 => (line, proptest::collection::vec(any::<char>(), 0..20))
            .prop_map(|(line, chars)| Edit::Garbage { line, text: chars.into_iter().collect() }),
    ]
}

/// The default with `edits` applied to its `key = value` lines.
fn apply(edits: &[Edit]) -> String {
    let mut lines: Vec<String> = DEFAULT_SCENARIO_TOML.lines().map(str::to_string).collect();
    for edit in edits {
        let keyed: Vec<usize> = (0..lines.len())
            .filter(|&index| {
                let line = &lines[index];
                line.split_once(" = ").is_some_and(|(key, _)| {
                    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
            })
            .collect();
        let pick = |line: usize| keyed[line % keyed.len()];
        match edit {
            Edit::Value { line, value } => {
                let index = pick(*line);
                let key = lines[index].split_once(" = ").map(|(key, _)| key.to_string());
                lines[index] = format!("{} = {value}", key.unwrap_or_default());
            }
            Edit::Delete { line } => {
                lines.remove(pick(*line));
            }
            Edit::Duplicate { line } => {
                let index = pick(*line);
                let copy = lines[index].clone();
                lines.insert(index, copy);
            }
            Edit::Key { line } => {
                let index = pick(*line);
                lines[index] = format!("x{}", lines[index]);
            }
            Edit::Garbage { line, text } => {
                lines.insert(pick(*line), text.replace('\n', " "));
            }
        }
    }
    lines.join("\n")
}

#[test]
#[allow(clippy::disallowed_methods, reason = "the time bound on each case is the property")]
fn random_edits_of_the_default_never_panic_hang_or_estimate_nan() {
    let config = Config {
        cases: 1500,
        rng_seed: RngSeed::Fixed(20_261_203),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = proptest::collection::vec(edit(), 1..4);
    let accepted = Cell::new(0);
    let refused = Cell::new(0);
    runner
        .run(&strategy, |edits| {
            let text = apply(&edits);
            let start = Instant::now();
            let loaded = cporamp_scenario::load(&text, "fuzz.toml");
            prop_assert!(
                start.elapsed() < Duration::from_secs(5),
                "load took {:?}",
                start.elapsed()
            );
            match loaded {
                Ok(scenario) => {
                    accepted.set(accepted.get() + 1);
                    let whole = estimate(&scenario, 2);
                    for demand in &whole.demands {
                        prop_assert!(
                            demand.memory_bytes >= 0.0 && demand.cpu_s >= 0.0,
                            "{demand:?}"
                        );
                    }
                    // A NaN estimate would pass any budget; an infinite one is refused.
                    let _ =
                        check_budget(&scenario, &text, "fuzz.toml", Budget::default(), ALL_STAGES);
                }
                Err(error) => {
                    refused.set(refused.get() + 1);
                    prop_assert!(!error.diagnostics.is_empty());
                    let message = error.to_string();
                    prop_assert!(message.starts_with("scenario fuzz.toml has "), "{message}");
                    // Values are echoed, never hundreds of digits long.
                    prop_assert!(message.lines().all(|line| line.len() < 2000), "{message}");
                }
            }
            Ok(())
        })
        .unwrap();
    // Both outcomes occur, so the property is exercised on each side.
    let (accepted, refused) = (accepted.get(), refused.get());
    assert!(accepted > 10 && refused > 100, "accepted {accepted}, refused {refused}");
}
