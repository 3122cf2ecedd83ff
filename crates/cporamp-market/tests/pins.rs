//! Regression pins of the market engine: a few figures of a small seeded run and of its Sobol
//! indices, asserted to a relative 1e-12 (counts exactly), so that an accidental change of a
//! random stream (a draw added, reordered or reseeded) shows. These are regression pins, not
//! physics references: the closed-form tests in `src/tests.rs` check the model. The values
//! were taken from the code as it stood; a deliberate change of the streams updates them with
//! its reason. The fixture is the unit tests' (`src/tests.rs`), copied.

use cporamp_market::*;

fn uniform(low: f64, high: f64) -> Prior {
    Prior::Uniform { low, high }
}

/// The unit tests' fixture (plausible, not calibrated: the scenario TOML carries the sourced
/// values), at seed 11.
fn fixture() -> MarketInputs {
    let priors = [
        Prior::Triangular { low: 0.7, mode: 0.8, high: 0.9 },
        Prior::Triangular { low: 0.75, mode: 0.82, high: 0.9 },
        uniform(0.03, 0.12),
        Prior::LogNormal { median: 1.0, sigma: 0.5 },
        Prior::LogNormal { median: 1.0, sigma: 0.2 },
        uniform(2025.0, 2028.0),
        Prior::Normal { mean: 12.0, sd: 1.5 },
        uniform(0.2, 0.3),
        uniform(0.05, 0.12),
        uniform(1.5, 3.0),
        uniform(0.8, 1.6),
        uniform(3.0, 6.0),
        Prior::LogNormal { median: 1.0, sigma: 0.1 },
        Prior::Triangular { low: 0.85, mode: 1.0, high: 1.1 },
        Prior::Triangular { low: 0.5, mode: 1.0, high: 1.6 },
        Prior::Triangular { low: 0.6, mode: 1.0, high: 1.5 },
        Prior::LogNormal { median: 1.0, sigma: 0.5 },
        Prior::LogNormal { median: 1.0, sigma: 0.5 },
    ];
    let defect: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
    MarketInputs {
        seed: 11,
        samples: 4000,
        inputs: INPUT_NAMES
            .iter()
            .zip(priors)
            .map(|(name, prior)| Input { name: (*name).to_owned(), prior })
            .collect(),
        anchors: Anchors {
            start_year: 2026,
            end_year: 2032,
            pluggable_usd_per_gbps: 5.4,
            lpo_usd_per_gbps: 4.9,
            cpo_usd_per_gbps_at_reference: 5.6,
            els_usd_per_gbps: 0.5,
            pluggable_pj_per_bit: 18.0,
            lpo_pj_per_bit: 12.0,
            cpo_pj_per_bit: 6.0,
            reference_units: 50_000.0,
            cpo_yield: flat_surface(yield_surrogate(
                &defect.iter().map(|&d| (d, (-0.2 * d).exp())).collect::<Vec<_>>(),
            )),
            goodput_loss_vs_laser_factor: Surrogate {
                x: vec![0.5, 1.0, 2.0, 4.0],
                y: vec![-0.0005, 0.0, 0.001, 0.003],
            },
            goodput_loss_vs_engine_factor: Surrogate { x: vec![0.5, 1.0, 2.0], y: vec![0.0; 3] },
            goodput_held_out: GoodputCheckPoint {
                laser_factor: 2.0,
                engine_factor: 2.0,
                goodput_loss: 0.001,
                se: 0.0,
            },
            pluggable_network_goodput_loss: 0.01,
            lpo_goodput_loss: -0.0002,
            engine_temp_margin_k: 13.0,
            hot_end: [(25.0, 52.0), (35.0, 57.0), (45.0, 62.0)]
                .iter()
                .map(|&(inlet_c, engine_temp_c)| HotPoint {
                    inlet_c,
                    engine_temp_c,
                    unlockable_fraction: 0.0,
                    flaps_per_lane_h: 0.0,
                })
                .collect(),
            ports_per_switch: 128.0,
            port_gbps: 800.0,
            tiers: vec![
                TierAnchors {
                    name: "scale-up".to_owned(),
                    ports_per_accelerator: 4.0,
                    cpo_allowed: true,
                    cpo_max_share: 0.5,
                    lpo_allowed: true,
                    job_exposed: true,
                },
                TierAnchors {
                    name: "leaf".to_owned(),
                    ports_per_accelerator: 2.0,
                    cpo_allowed: true,
                    cpo_max_share: 0.8,
                    lpo_allowed: true,
                    job_exposed: true,
                },
                TierAnchors {
                    name: "spine".to_owned(),
                    ports_per_accelerator: 1.0,
                    cpo_allowed: true,
                    cpo_max_share: 0.9,
                    lpo_allowed: false,
                    job_exposed: false,
                },
            ],
            layer_split: vec![
                LayerSplit {
                    technology: "pluggable".to_owned(),
                    fractions: [0.45, 0.35, 0.1, 0.1],
                },
                LayerSplit { technology: "lpo".to_owned(), fractions: [0.45, 0.3, 0.12, 0.13] },
                LayerSplit { technology: "cpo".to_owned(), fractions: [0.4, 0.3, 0.18, 0.12] },
            ],
            cpo_cooling: CoolingAnchors {
                cold_plates_usd_per_gbps: 0.0,
                infrastructure_usd_per_gbps: 0.0,
            },
        },
        criteria: Criteria {
            yield_target: 0.85,
            volume_share: 0.1,
            goodput_parity: 0.002,
            bull_by_year: 2027,
            bear_after_year: 2029,
            engine_temp_limit_c: 70.0,
            unlockable_limit: 0.001,
            flap_limit_per_lane_h: 1.0,
        },
        seed_units: 50_000.0,
        pilot_share: 0.05,
        surrogate_error_bound: 0.05,
    }
}

/// A yield surface of the attach surrogate alone: the mode radius acts only through the
/// lateral offset and the lines are flat.
fn flat_surface(attach: Surrogate) -> YieldSurface {
    let reference_yield = yield_at(&attach, 1.0);
    let flat = yield_surrogate(&[(0.1, reference_yield), (10.0, reference_yield)]);
    YieldSurface {
        attach,
        laser_defects_at_reference: 0.0,
        fiber_variance_ratio: 0.0,
        warpage_variance_ratio: 0.0,
        reference_yield,
        mode_radius: flat.clone(),
        heater_efficiency: flat.clone(),
        warpage: flat.clone(),
        asic_defects: flat,
        held_out: Vec::new(),
    }
}

/// Fails naming every figure that moved, with its new value (as code, to paste if the change
/// was deliberate). A NaN never matches.
fn assert_pins(pins: &[(&str, f64, f64)]) {
    let moved: Vec<String> = pins
        .iter()
        .filter(|(_, actual, pinned)| {
            actual.is_nan() || (actual - pinned).abs() > 1e-12 * pinned.abs()
        })
        .map(|(name, actual, pinned)| format!("{name}: {actual:?} (pinned {pinned:?})"))
        .collect();
    assert!(moved.is_empty(), "seeded figures moved (regression pins):\n{}", moved.join("\n"));
}

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
        ("first sample, input 0", first.inputs[0], 0.7782342902041376),
        ("first sample, input 17", first.inputs[17], 0.8176120832408476),
        ("first sample, thermal z", first.thermal_z, -0.016144305140510407),
        ("last sample, input 5", last.inputs[5], 2025.6997614962181),
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
