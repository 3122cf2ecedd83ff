//! Property test: a diligence claims file and a sweep file with random edits never make
//! their readers panic.
//!
//! - **Claims** (`examples/claims.toml`): values replaced by valid, boundary, out-of-range
//!   and malformed ones (NaN, infinity, text for a number, unknown ids and stages), lines
//!   deleted or written twice, garbage lines. A file the reader takes is judged against the
//!   quick scenario: nine lines with finite figures, or a named error whose every problem is
//!   a field of the file.
//! - **Sweep** (`examples/sweep_inlet.toml` on the quick scenario): the base, engines, seed
//!   policy, axis paths and values replaced the same way. A file the reader refuses is named
//!   in its error; a sweep it accepts builds its first three scenarios, each checked as
//!   `cporamp sweep` checks a row. The property is that nothing panics; the counts assert that
//!   the cases reach every stage (refused file, refused sweep, accepted and refused rows).
//!
//! Seeded, so every run tries the same cases.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
mod common;

use common::has_null;

/// Values a field may be given: numbers of every kind, text, ids, arrays, broken TOML.
const VALUES: &[&str] = &[
    "0",
    "-0.0",
    "-1",
    "1",
    "0.5",
    "1.5",
    "85.0",
    "1e308",
    "-1e308",
    "1e-308",
    "nan",
    "inf",
    "-inf",
    "18446744073709551616",
    "\"\"",
    "\"x\"",
    "\"volume\"",
    "\"Volume\"",
    "\"cpo_els\"",
    "\"pluggable_dsp\"",
    "\"102.4T\"",
    "\"51.2T\"",
    "\"@quick\"",
    "\"@nowhere\"",
    "\"thermal\"",
    "[\"thermal\", \"yield\"]",
    "[\"warp\"]",
    "[]",
    "[25.0, 45.0]",
    "[-300.0, 35.0]",
    "[1e9]",
    "[1, \"a\"]",
    "\"common\"",
    "\"derived\"",
    "\"thermal.cold_plate.nominal_inlet_c\"",
    "\"thermal.cold_plate\"",
    "\"nowhere.at_all\"",
    "\"yield.packages\"",
    "true",
    "{}",
    "",
    "\"unterminated",
];

/// One edit of a file's lines.
#[derive(Debug, Clone)]
enum Edit {
    /// The value of a `key = value` line replaced.
    Value { line: usize, value: String },
    /// A line deleted.
    Delete { line: usize },
    /// A line written twice.
    Duplicate { line: usize },
    /// A line inserted.
    Insert { line: usize, text: String },
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(VALUES).prop_map(str::to_string),
        1 => any::<f64>().prop_map(|v| format!("{v:e}")),
        1 => any::<i64>().prop_map(|v| v.to_string()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        8 => (any::<usize>(), value()).prop_map(|(line, value)| Edit::Value { line, value }),
        1 => any::<usize>().prop_map(|line| Edit::Delete { line }),
        1 => any::<usize>().prop_map(|line| Edit::Duplicate { line }),
        1 => (any::<usize>(), prop_oneof![
            Just("unknown_claim = 1".to_string()),
            Just("[[axis]]".to_string()),
            Just("[axis]".to_string()),
            Just("values = [1.0]".to_string()),
            Just("=".to_string()),
            proptest::collection::vec(any::<char>(), 0..20)
                .prop_map(|chars| chars.into_iter().filter(|c| *c != '\n').collect()),
        ])
            .prop_map(|(line, text)| Edit::Insert { line, text }),
    ]
}

/// `text` with `edits` applied (line numbers taken modulo the lines there are).
fn edited(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits {
        let at = |line: usize, lines: &Vec<String>| line % lines.len().max(1);
        match edit {
            Edit::Value { line, value } => {
                let i = at(*line, &lines);
                if let Some((key, _)) = lines.get(i).and_then(|l| l.split_once('=')) {
                    lines[i] = format!("{key}= {value}");
                }
            }
            Edit::Delete { line } if !lines.is_empty() => {
                let i = at(*line, &lines);
                lines.remove(i);
            }
            Edit::Duplicate { line } if !lines.is_empty() => {
                let i = at(*line, &lines);
                lines.insert(i, lines[i].clone());
            }
            Edit::Insert { line, text } => {
                let i = at(*line, &lines);
                lines.insert(i, text.clone());
            }
            Edit::Delete { .. } | Edit::Duplicate { .. } => {}
        }
    }
    lines.join("\n")
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(20_261_205),
        failure_persistence: None,
        ..Config::default()
    }
}

#[test]
fn edited_claims_are_judged_with_finite_figures_or_refused_by_field() {
    let example = include_str!("../../../examples/claims.toml");
    let fields: Vec<&str> = example
        .lines()
        .filter_map(|line| line.split_once('=').map(|(key, _)| key.trim()))
        .filter(|key| !key.starts_with('#'))
        .collect();
    let quick = cporamp_scenario::quick_scenario_toml();
    let scenario = cporamp_scenario::load(&quick, "quick").unwrap();
    let (judged, out_of_range, refused) = (Cell::new(0), Cell::new(0), Cell::new(0));
    TestRunner::new(config(300))
        .run(&proptest::collection::vec(edit(), 1..4), |edits| {
            let text = edited(example, &edits);
            let Ok(claims) = toml::from_str::<cporamp_codesign::diligence::Claims>(&text) else {
                refused.set(refused.get() + 1);
                return Ok(());
            };
            match cporamp_codesign::diligence::diligence(&claims, &scenario) {
                Ok(result) => {
                    judged.set(judged.get() + 1);
                    prop_assert_eq!(result.lines.len(), 9);
                    let json = serde_json::to_value(&result).unwrap();
                    prop_assert!(!has_null(&json), "NaN in the judgement of {text:?}");
                }
                Err(cporamp_codesign::diligence::DiligenceError::Claim(error)) => {
                    out_of_range.set(out_of_range.get() + 1);
                    prop_assert!(!error.problems.is_empty());
                    for problem in &error.problems {
                        prop_assert!(fields.contains(&problem.path.as_str()), "{problem:?}");
                    }
                }
                Err(error) => prop_assert!(false, "the quick scenario failed: {error}"),
            }
            Ok(())
        })
        .unwrap();
    let counts = (judged.get(), out_of_range.get(), refused.get());
    assert!(counts.0 > 20 && counts.1 > 20 && counts.2 > 100, "{counts:?}");
}

#[test]
fn edited_sweeps_are_refused_by_name_or_build_and_check_their_scenarios() {
    let example = include_str!("../../../examples/sweep_inlet.toml");
    let quick = cporamp_scenario::quick_scenario_toml();
    let (refused_file, refused_sweep) = (Cell::new(0), Cell::new(0));
    let (accepted_rows, refused_rows) = (Cell::new(0), Cell::new(0));
    TestRunner::new(config(300))
        .run(&proptest::collection::vec(edit(), 1..4), |edits| {
            let text = edited(example, &edits);
            let spec = match cporamp_sweep::parse_sweep_file(&text, "s.toml") {
                Ok(spec) => spec,
                Err(error) => {
                    refused_file.set(refused_file.get() + 1);
                    prop_assert!(error.to_string().starts_with("sweep file s.toml: "));
                    return Ok(());
                }
            };
            // The quick scenario stands for any base: the file's base is resolved by the CLI.
            let sweep = match cporamp_sweep::Sweep::new(
                &quick,
                "quick",
                spec.axes,
                &spec.engines,
                spec.seeds,
            ) {
                Ok(sweep) => sweep,
                Err(_) => {
                    refused_sweep.set(refused_sweep.get() + 1);
                    return Ok(());
                }
            };
            for index in (0..sweep.len()).take(3) {
                let point = sweep.point(index);
                match cporamp_sweep::check(&point.text, &point.origin, sweep.engines()) {
                    Ok(_) => accepted_rows.set(accepted_rows.get() + 1),
                    Err(_) => refused_rows.set(refused_rows.get() + 1),
                }
            }
            Ok(())
        })
        .unwrap();
    let counts = (refused_file.get(), refused_sweep.get(), accepted_rows.get(), refused_rows.get());
    assert!(counts.0 > 50 && counts.1 > 3 && counts.2 > 20 && counts.3 > 0, "{counts:?}");
}
