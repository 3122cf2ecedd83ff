//! Regression pins of the market engine: a few figures of a small seeded run and of its Sobol
//! indices, asserted to a relative 1e-12 (counts exactly), so that an accidental change of a
//! random stream (a draw added, reordered or reseeded) shows. These are regression pins, not
//! physics references: the closed-form tests in `tests.rs` check the model. The values were
//! taken from the code as it stood; a deliberate change of the streams updates them with its
//! reason. The fixture is the unit tests' (`tests.rs`, seed 11).

use super::*;
use crate::tests::fixture;
use cporamp_core::pins::assert_pins;

#[test]
fn seeded_market_figures_are_pinned() {
    let inputs = MarketInputs { samples: 400, ..fixture() };
    let result = simulate(&inputs, 2).unwrap();
    assert_eq!(result.samples, 400);
    let first = &result.records[0];
    let last = result.records.last().unwrap();
    assert_pins(&[
        ("probability 0", result.probabilities[0].probability, 0.5474999999999993),
        ("probability 1", result.probabilities[1].probability, 0.029999999999999995),
        ("probability 2", result.probabilities[2].probability, 0.3925000000000003),
        ("probability 3", result.probabilities[3].probability, 0.029999999999999995),
        (
            "first sample, yield learning rate",
            first.inputs[MarketInput::YieldLearningRate],
            0.7782342902041376,
        ),
        (
            "first sample, engine FIT factor",
            first.inputs[MarketInput::EngineFitFactor],
            0.8176120832408476,
        ),
        ("first sample, thermal z", first.thermal_z, -0.016144305140510407),
        (
            "last sample, cold-plate year",
            last.inputs[MarketInput::ColdPlateYear],
            2025.6997614962181,
        ),
        ("tier 0, never fraction", result.tiers[0].never_fraction, 0.105),
        ("value pool 0, layer 0, USD", result.value_pools[0].usd[0], 154015245214.2423),
    ]);
}

#[test]
fn seeded_sobol_indices_are_pinned() {
    let sets = sobol(&fixture(), 64, 10, 2).unwrap();
    let set = &sets[0];
    assert_pins(&[
        ("output mean", set.mean, 0.5812452537999798),
        ("output sd", set.sd, 0.2515875084400664),
        ("input 0 first order", set.indices[0].first_raw, 0.053931151472082474),
        ("input 0 first-order se", set.indices[0].first_se, 0.054584080736270905),
        ("input 0 total", set.indices[0].total_raw, 0.14030160841745087),
        ("input 5 total", set.indices[5].total_raw, 0.004435771315475331),
    ]);
}
