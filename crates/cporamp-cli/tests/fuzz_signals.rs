//! Property test: random signals files (header, dates, signal names, values and sds drawn
//! from valid, boundary, out-of-range and malformed cells, NaN and infinity included; extra or
//! missing cells, blank and garbage lines) never make the reader panic; a file it accepts
//! holds only observations within their ranges, and the market update by them (on the quick
//! scenario's market) has finite probabilities, weights and effective sample size, or is a
//! named error. Seeded; `cargo fuzz run signals` in `fuzz/` explores further.

use cporamp_market::{MAX_OBSERVATIONS, MIN_OBSERVATION_SD};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
mod common;

use common::has_null;
use std::cell::Cell;

const DATES: &[&str] = &[
    "2026-01-01",
    "2027-06-30",
    "2028-02-29",
    "2027-02-29",
    "2032-12-31",
    "2026.5",
    "2027",
    "1e308",
    "nan",
    "inf",
    "-2027",
    "2027-13-01",
    "2027-00-10",
    "",
    "x",
    "2026-1-1",
    "2100-01-01",
    "1999.9",
];
const SIGNALS: &[&str] = &[
    "production_yield",
    "thermal_drift",
    "serviceability",
    "cooling_design",
    "inspection",
    "PRODUCTION_YIELD",
    "",
    "yield",
    " inspection ",
];
const NUMBERS: &[&str] = &[
    "0", "1", "0.5", "-1", "-0.5", "5.0", "1e-300", "1e-6", "9e-7", "1e308", "-1e308", "nan",
    "inf", "-inf", "", "x", "0x10", "1,5", "1e6", "0.999999",
];

fn cell(choices: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(choices).prop_map(str::to_string),
        1 => any::<f64>().prop_map(|v| format!("{v:e}")),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => (cell(DATES), proptest::sample::select(SIGNALS), cell(NUMBERS), cell(NUMBERS))
            .prop_map(|(date, signal, value, sd)| format!("{date},{signal},{value},{sd}")),
        1 => (cell(DATES), cell(NUMBERS)).prop_map(|(date, value)| format!("{date},{value}")),
        1 => (cell(DATES), cell(NUMBERS))
            .prop_map(|(date, value)| format!("{date},inspection,{value},0.1,extra")),
        1 => Just(String::new()),
        1 => proptest::collection::vec(any::<char>(), 0..30)
            .prop_map(|chars| chars.into_iter().filter(|c| *c != '\n').collect()),
    ]
}

fn file() -> impl Strategy<Value = String> {
    let header = prop_oneof![
        8 => Just("date,signal,value,sd".to_string()),
        1 => Just("date, signal ,value,sd".to_string()),
        1 => Just("signal,date,value,sd".to_string()),
        1 => Just("\u{feff}date,signal,value,sd".to_string()),
        1 => Just(String::new()),
    ];
    let ending = prop_oneof![Just("\n"), Just("\r\n")];
    (header, proptest::collection::vec(line(), 0..12), ending).prop_map(
        |(header, lines, ending)| {
            std::iter::once(header).chain(lines).collect::<Vec<_>>().join(ending)
        },
    )
}

#[test]
fn random_signals_files_never_panic_and_update_to_finite_numbers_or_named_errors() {
    let quick = cporamp_scenario::quick_scenario_toml();
    let scenario = cporamp_scenario::load(&quick, "quick").unwrap();
    let horizon = (scenario.market.start_year, scenario.market.end_year);
    let output = cporamp_pipeline::run(
        &scenario,
        &cporamp_pipeline::RunOptions::with_threads(std::num::NonZeroUsize::new(2).expect("2 > 0")),
    )
    .unwrap();
    let market = &output.market.result;
    let config = Config {
        cases: 600,
        rng_seed: RngSeed::Fixed(20_261_203),
        failure_persistence: None,
        ..Config::default()
    };
    let (accepted, refused) = (Cell::new(0), Cell::new(0));
    TestRunner::new(config)
        .run(&file(), |text| {
            let Ok(observations) = cporamp_market::parse_signals("s.csv", &text, horizon) else {
                refused.set(refused.get() + 1);
                return Ok(());
            };
            accepted.set(accepted.get() + 1);
            prop_assert!(observations.len() <= MAX_OBSERVATIONS);
            for observation in &observations {
                let (low, high) = observation.signal.range();
                prop_assert!((low..=high).contains(&observation.value), "{observation:?}");
                prop_assert!(observation.sd.is_finite() && observation.sd >= MIN_OBSERVATION_SD);
                let (start, end) = (f64::from(horizon.0), f64::from(horizon.1));
                prop_assert!(observation.year >= start && observation.year <= end + 1.0);
            }
            match cporamp_market::update(market, &observations) {
                Ok(update) => {
                    let json = serde_json::to_value(&update).unwrap();
                    prop_assert!(!has_null(&json), "NaN in the update of {text:?}");
                    prop_assert!(update.ess.is_finite() && update.ess >= 0.0);
                }
                Err(error) => prop_assert!(!error.to_string().is_empty()),
            }
            Ok(())
        })
        .unwrap();
    assert!(accepted.get() > 30 && refused.get() > 100, "{} / {}", accepted.get(), refused.get());
}
