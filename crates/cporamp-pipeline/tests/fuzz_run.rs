//! Property test: a number of the quick scenario changed at random (to 0, a tiny, a negative,
//! or a scaled value) either is refused by `load` or the budget check, or runs the whole
//! pipeline without panicking, within a time bound, to a named error or to results with no
//! NaN or infinity (serialised, a non-finite number becomes `null`: a `null` where the
//! unedited quick run has a number is one). Seeded, and only the first few scenarios that
//! pass the checks are run (about a second each in a debug build).

use cporamp_pipeline::RunOptions;
use cporamp_scenario::limits::{ALL_STAGES, Budget, check_budget, estimate};
use cporamp_scenario::quick_scenario_toml;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::Value;
use std::cell::Cell;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Scenarios run per test (each about a second in a debug build).
const RUNS: usize = 4;

/// The paths of `value`'s nulls, array indices dropped (`a.b[].c`).
fn null_paths(value: &Value, path: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Null => {
            out.insert(path.to_string());
        }
        Value::Array(items) => {
            for item in items {
                null_paths(item, &format!("{path}[]"), out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                null_paths(item, &format!("{path}.{key}"), out);
            }
        }
        _ => {}
    }
}

/// Lines of `text` whose value is a plain number: (line index, key, value).
fn numeric_lines(text: &str) -> Vec<(usize, String, f64)> {
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let (key, rest) = line.split_once(" = ")?;
            if !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let value: f64 = rest.split('#').next()?.trim().parse().ok()?;
            Some((index, key.to_string(), value))
        })
        .collect()
}

#[test]
#[allow(clippy::disallowed_methods, reason = "the time bound on each case is the property")]
fn random_numbers_in_the_quick_scenario_run_to_finite_results_or_named_errors() {
    let quick = quick_scenario_toml();
    let baseline_scenario = cporamp_scenario::load(&quick, "quick").expect("quick loads");
    let quick_cpu_s = estimate(&baseline_scenario, 2).cpu_s();
    let baseline = cporamp_pipeline::run(
        &baseline_scenario,
        &RunOptions::with_threads(std::num::NonZeroUsize::new(2).expect("2 > 0")),
    )
    .unwrap();
    let mut allowed = BTreeSet::new();
    null_paths(&serde_json::to_value(&baseline).unwrap(), "", &mut allowed);
    let lines = numeric_lines(&quick);
    assert!(lines.len() > 200, "{} numeric lines", lines.len());

    let config = Config {
        cases: 120,
        rng_seed: RngSeed::Fixed(20_261_203),
        failure_persistence: None,
        ..Config::default()
    };
    let factor = proptest::sample::select(&[0.0, 1e-9, 1e-3, 0.1, 0.5, -1.0, 2.0, 10.0, 1e3][..]);
    let strategy = (any::<proptest::sample::Index>(), factor);
    let (runs, refused, errors) = (Cell::new(0), Cell::new(0), Cell::new(0));
    TestRunner::new(config)
        .run(&strategy, |(index, factor)| {
            if runs.get() >= RUNS {
                return Ok(());
            }
            let (line, key, value) = &lines[index.index(lines.len())];
            let mut text: Vec<String> = quick.lines().map(str::to_string).collect();
            text[*line] = format!("{key} = {:e}", value * factor);
            let text = text.join("\n");
            let Ok(scenario) = cporamp_scenario::load(&text, "fuzz.toml") else {
                refused.set(refused.get() + 1);
                return Ok(());
            };
            // At most a few quick runs' worth of work; larger runs are the budget's business.
            let budget = Budget { memory_bytes: 2e9, cpu_s: 3.0 * quick_cpu_s, threads: 2 };
            if check_budget(&scenario, &text, "fuzz.toml", budget, ALL_STAGES).is_err() {
                refused.set(refused.get() + 1);
                return Ok(());
            }
            runs.set(runs.get() + 1);
            let start = Instant::now();
            let result = cporamp_pipeline::run(
                &scenario,
                &RunOptions::with_threads(std::num::NonZeroUsize::new(2).expect("2 > 0")),
            );
            prop_assert!(start.elapsed() < Duration::from_secs(60), "{key}: {:?}", start.elapsed());
            match result {
                Ok(output) => {
                    let mut nulls = BTreeSet::new();
                    null_paths(&serde_json::to_value(&output).unwrap(), "", &mut nulls);
                    let new: Vec<&String> = nulls.difference(&allowed).collect();
                    prop_assert!(
                        new.is_empty(),
                        "{key} = {}: NaN or infinity at {new:?}",
                        value * factor
                    );
                }
                Err(error) => {
                    errors.set(errors.get() + 1);
                    prop_assert!(!error.to_string().is_empty());
                }
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(runs.get(), RUNS, "refused {}, run {}", refused.get(), runs.get());
    assert!(refused.get() > 0);
}
