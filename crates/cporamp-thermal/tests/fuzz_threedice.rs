//! Property test: the project's 3D-ICE test stack (two dies around a 4RM microchannel
//! cavity, `tests/data/3d-ice/mc4rm.stk`) and its two floorplans with random edits (a number
//! replaced by 0, a negative, a huge or tiny value, NaN, infinity or a word; a line deleted,
//! duplicated or truncated; a garbage line), steady or transient, never make the stack or
//! floorplan reader panic: each is read (with finite, positive chip and cell sizes) or refused
//! with the file and line named. Inputs that are read build a model or a named error, and a
//! small model runs to finite temperatures and output files or a named error. Seeded; the
//! edits are those of `fuzz_hotspot.rs`; `cargo fuzz` targets `stk` and `stk_flp` in `fuzz/`
//! explore the readers further.

use cporamp_thermal::threedice::{Floorplan, Model, StackFile, parse::Analysis};
mod common;

use common::{apply, edit};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use std::cell::Cell;
use std::collections::BTreeMap;

fn read(path: &str) -> String {
    #[allow(clippy::disallowed_methods, reason = "test fixture")]
    std::fs::read_to_string(format!("{}/tests/data/3d-ice/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
}

/// The largest model run per case (cells) and the most time steps: a case stays in
/// milliseconds (the reader and the builder are checked at any size).
const RUN_CELLS: usize = 4_000;
const RUN_STEPS: u64 = 200;

#[test]
fn random_edits_of_3d_ice_files_never_panic_and_give_finite_temperatures_or_errors() {
    let (stack, top, bottom) = (read("mc4rm.stk"), read("top.flp"), read("bottom.flp"));
    assert!(stack.contains("steady ;"));
    let transient = stack.replace("steady ;", "transient step 0.01, slot 0.05 ;");
    let files = || proptest::collection::vec(edit(), 0..3);
    let strategy = (files(), files(), files(), any::<bool>());
    let runner_config = Config {
        cases: 1000,
        rng_seed: RngSeed::Fixed(20_261_204),
        failure_persistence: None,
        ..Config::default()
    };
    let (solved, refused) = (Cell::new(0), Cell::new(0));
    TestRunner::new(runner_config)
        .run(&strategy, |(stack_edits, top_edits, bottom_edits, is_transient)| {
            let base = if is_transient { &transient } else { &stack };
            let mut floorplans = BTreeMap::new();
            for (name, text, edits) in
                [("top.flp", &top, &top_edits), ("bottom.flp", &bottom, &bottom_edits)]
            {
                match Floorplan::parse(name, &apply(text, edits)) {
                    Ok(floorplan) => {
                        floorplans.insert(name.to_string(), floorplan);
                    }
                    Err(error) => {
                        prop_assert!(error.to_string().starts_with(name), "{error}");
                        refused.set(refused.get() + 1);
                    }
                }
            }
            let parsed = match StackFile::parse("mc4rm.stk", &apply(base, &stack_edits)) {
                Ok(parsed) => parsed,
                Err(error) => {
                    prop_assert!(error.to_string().starts_with("mc4rm.stk"), "{error}");
                    refused.set(refused.get() + 1);
                    return Ok(());
                }
            };
            let d = parsed.dimensions;
            for size in [d.chip_length_um, d.chip_width_um, d.cell_length_um, d.cell_width_um] {
                prop_assert!(size.is_finite() && size > 0.0, "{d:?}");
            }
            let model = match Model::build(&parsed, &floorplans) {
                Ok(model) => model,
                Err(error) => {
                    prop_assert!(!error.to_string().is_empty());
                    refused.set(refused.get() + 1);
                    return Ok(());
                }
            };
            let steps = match parsed.analysis {
                Analysis::Steady => 0,
                Analysis::Transient { steps_per_slot, .. } => {
                    steps_per_slot.saturating_mul(model.slots() as u64)
                }
            };
            if model.cells() > RUN_CELLS || steps > RUN_STEPS {
                return Ok(());
            }
            match model.run() {
                Ok(run) => {
                    prop_assert!(run.temperatures_k.iter().all(|t| t.is_finite()));
                    for file in &run.files {
                        prop_assert!(finite_text(&file.text), "{}: {}", file.name, file.text);
                    }
                    solved.set(solved.get() + 1);
                }
                Err(error) => prop_assert!(!error.to_string().is_empty()),
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

/// No word of `text` is a non-finite number (3D-ICE's headers hold words like "information").
fn finite_text(text: &str) -> bool {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == ';').all(|word| {
        !matches!(
            word.trim_start_matches(['+', '-']).to_ascii_lowercase().as_str(),
            "nan" | "inf" | "infinity"
        )
    })
}
