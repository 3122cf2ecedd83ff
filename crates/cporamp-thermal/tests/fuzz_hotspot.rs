//! Property test: HotSpot's example floorplan, power trace and config with random edits (a
//! number replaced by 0, a negative, a huge or tiny value, NaN, infinity or a word; a line
//! deleted, duplicated or truncated; a garbage line) never make a reader panic, and inputs
//! that are read build a block model (and a small grid model) whose steady temperatures are
//! finite or a named error. Seeded; `cargo fuzz` in `fuzz/` explores the readers further.

use cporamp_thermal::hotspot::{self, Stack, parse};
mod common;

use common::{apply, edit};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::cell::Cell;
use std::collections::BTreeMap;

fn read(path: &str) -> String {
    #[allow(clippy::disallowed_methods, reason = "test fixture")]
    std::fs::read_to_string(format!("{}/tests/data/hotspot/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
}

fn finite_text(text: &str) -> bool {
    !text.contains("NaN") && !text.contains("inf")
}

#[test]
fn random_edits_of_hotspot_files_never_panic_and_give_finite_temperatures_or_errors() {
    let (flp, ptrace, config) =
        (read("example2/ev6.flp"), read("example2/gcc.ptrace"), read("example1/example.config"));
    let files = || proptest::collection::vec(edit(), 0..3);
    let strategy = (files(), files(), files(), any::<bool>());
    let runner_config = Config {
        cases: 500,
        rng_seed: RngSeed::Fixed(20_261_203),
        failure_persistence: None,
        ..Config::default()
    };
    let (solved, refused) = (Cell::new(0), Cell::new(0));
    TestRunner::new(runner_config)
        .run(&strategy, |(flp_edits, trace_edits, config_edits, negative)| {
            let floorplan = parse::floorplan("ev6.flp", &apply(&flp, &flp_edits));
            let trace =
                parse::power_trace_with("gcc.ptrace", &apply(&ptrace, &trace_edits), negative);
            let parsed = parse::config("example.config", &apply(&config, &config_edits));
            let (Ok(floorplan), Ok(trace), Ok(parsed)) = (floorplan, trace, parsed) else {
                refused.set(refused.get() + 1);
                return Ok(());
            };
            let materials = BTreeMap::new();
            match hotspot::block_model_from_config(&parsed, &materials, floorplan.clone(), &trace) {
                Ok(model) => {
                    if let Ok((temperatures, _)) = model.steady(&trace) {
                        let text = model.steady_file(&temperatures);
                        prop_assert!(finite_text(&text), "{text}");
                        solved.set(solved.get() + 1);
                    }
                }
                Err(error) => prop_assert!(!error.to_string().is_empty()),
            }
            // HotSpot's grid model at 8 x 8 cells.
            if let Ok(model) = hotspot::model_from_config(
                &parsed,
                &materials,
                Stack::Default(floorplan),
                &trace,
                8,
                8,
                false,
            ) && let Ok((temperatures, _)) = model.steady(&trace)
            {
                let text = model.steady_file(&temperatures, hotspot::grid::MapMode::Avg);
                prop_assert!(finite_text(&text), "{text}");
            }
            Ok(())
        })
        .unwrap();
    assert!(
        solved.get() > 20 && refused.get() > 20,
        "solved {}, refused {}",
        solved.get(),
        refused.get()
    );
}

#[test]
fn an_ambient_of_1e308_k_is_refused_by_line_not_printed_with_309_digits() {
    // Found by the property test above: the temperatures overflowed to infinity.
    let text =
        read("example1/example.config").replace("-ambient\t\t\t318.15", "-ambient\t\t\t1e308");
    let config = parse::config("example.config", &text).unwrap();
    let floorplan = parse::floorplan("ev6.flp", &read("example2/ev6.flp")).unwrap();
    let trace = parse::power_trace("gcc.ptrace", &read("example2/gcc.ptrace")).unwrap();
    let error = hotspot::block_model_from_config(&config, &BTreeMap::new(), floorplan, &trace)
        .err()
        .expect("refused");
    assert_eq!(
        error.to_string(),
        "example.config:82: -ambient: value 1.000000e308 K; expected at most 10000 K"
    );
}
