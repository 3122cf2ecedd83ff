//! Alignment tests: the search against the overlap maximum and the spiral law, the cure-shift
//! yield against its closed form, passive attach against its measured mean, costs and times
//! from their definitions, thread independence and named input errors.

use super::search::{self, Plan, Stage, Truth};
use super::*;
use crate::settings::AttachCost;
use cporamp_core::units::{Db, Micrometres, Milliradians, Seconds, UsdPerHour};

/// Inputs like the default scenario's (w = 2 µm edge coupler at 1310 nm, index-matched gap).
pub(crate) fn inputs() -> AlignInputs {
    AlignInputs {
        settings: AlignSettings {
            arrays: 256,
            attach_cost: AttachCost::None,
            seed: 7,
            fibers_per_array: 16,
            arrays_per_engine: 4,
            pitch_um: Micrometres(127.0),
            prealign_sigma_um: Micrometres(3.0),
            prealign_roll_mrad: Milliradians(1.0),
            approach_gap_um: Micrometres(20.0),
            spiral_step_um: Micrometres(1.0),
            spiral_range_um: Micrometres(15.0),
            first_light_fraction: 0.01,
            stage_resolution_um: Micrometres(0.05),
            settle_s: Seconds(0.02),
            measure_s: Seconds(0.005),
            noise_fraction: 0.002,
            handling_s: Seconds(10.0),
            cure_s: Seconds(15.0),
            machine_usd_per_h: UsdPerHour(60.0),
            operator_usd_per_h: UsdPerHour(40.0),
            machines_per_operator: 4.0,
            passive_sigma_um: Micrometres(1.05),
            passive_mode_radius_um: Micrometres(4.6),
            passive_place_s: Seconds(5.0),
            passive_machine_usd_per_h: UsdPerHour(30.0),
        },
        attach: FiberAttach {
            mode_radius_um: Micrometres(2.0),
            wavelength_um: Micrometres(1.31),
            gap_index: 1.5,
            coupling_budget_db: Db(1.0),
            fiber_sigma_um: Micrometres(0.15),
            shift_sigma_um: Micrometres(0.15),
            gap_mean_um: Micrometres(5.0),
            gap_sigma_um: Micrometres(1.5),
            tilt_sigma_mrad: Milliradians(2.0),
        },
    }
}

/// `inputs` after `change`.
pub(crate) fn with(mut inputs: AlignInputs, change: impl FnOnce(&mut AlignInputs)) -> AlignInputs {
    change(&mut inputs);
    inputs
}

const MODES: Modes = Modes { radius_um: 2.0, wavelength_um: 1.31, gap_index: 1.5 };

fn noiseless(resolution_um: f64) -> Stage {
    Stage { resolution_um, settle_s: 0.02, measure_s: 0.005, noise_fraction: 0.0 }
}

fn plan(range_um: f64) -> Plan {
    Plan {
        approach_gap_um: 20.0,
        bond_gap_um: 5.0,
        spiral_step_um: 1.0,
        spiral_range_um: range_um,
        first_light_fraction: 0.01,
    }
}

#[test]
fn the_spiral_visits_each_point_of_its_square_once() {
    for rings in [0, 1, 2, 7] {
        let points: Vec<(i64, i64)> = search::spiral(rings).collect();
        let side = 2 * rings as usize + 1;
        assert_eq!(points.len(), side * side, "{rings} rings");
        let mut sorted = points.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), points.len(), "a point visited twice");
        // Consecutive points are one pitch apart: every reading costs one short move.
        for pair in points.windows(2) {
            assert_eq!((pair[0].0 - pair[1].0).abs() + (pair[0].1 - pair[1].1).abs(), 1);
        }
    }
}

#[test]
fn the_search_converges_to_the_overlap_maximum_within_the_stage_resolution() {
    // A noiseless surface: a perfect 16-fiber array with no tilt, its optimum anywhere within
    // the spiral's reach, off the stage's grid. The maximum over allowed gaps is the bond line
    // and (x0, y0, roll0) laterally; the search must end within one resolution step of it on
    // every axis.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    for (resolution, x0, y0, roll0) in [
        (0.05, 0.37, -1.23, 0.41),
        (0.05, -6.81, 4.02, -1.77),
        (0.01, 2.345, 7.771, 0.123),
        (0.1, -11.05, -9.96, 2.5),
    ] {
        let truth = Truth::ideal(16, x0, y0, roll0);
        let outcome = search::align(&MODES, &truth, &noiseless(resolution), &plan(15.0), &mut rng);
        assert!(outcome.found);
        let [x, y, z, roll] = outcome.position_um;
        for (axis, found, optimum) in [("x", x, x0), ("y", y, y0), ("roll", roll, roll0)] {
            assert!(
                (found - optimum).abs() <= resolution + 1e-12,
                "{axis}: {found} vs {optimum} at resolution {resolution}"
            );
        }
        assert!((z - 5.0).abs() < 1e-12, "gap {z}, not the bond line");
        // Within a step the loss is below what one resolution step on both lateral axes
        // costs: 4.34 (2 δ²)/w² dB ([S73]), tiny.
        let power = search::monitored(&MODES, &truth, &outcome.position_um);
        let best = search::monitored(&MODES, &truth, &[x0, y0, 5.0, roll0]);
        assert!(power <= best + 1e-15 && power > best * (-3.0 * resolution.powi(2) / 4.0).exp());
        // A hill climb needs of the order of a hundred readings ([S122]: 120-140 in 2-D).
        assert!((30..400).contains(&outcome.climb_readings), "{}", outcome.climb_readings);
    }
}

#[test]
fn the_spiral_time_grows_as_the_square_of_its_range() {
    // Law: with no light in reach the spiral reads all (2 floor(R/s) + 1)^2 points of its
    // square, so its time t = n (t_settle + t_measure) grows as (R/s)^2; doubling the range
    // multiplies it by (4K + 1)^2 / (2K + 1)^2, within 1/K of 4.
    let stage = noiseless(0.05);
    let far = Truth::ideal(16, 500.0, 500.0, 0.0);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
    let mut times = Vec::new();
    for range in [4.0, 8.0, 16.0, 32.0, 64.0] {
        let outcome = search::align(&MODES, &far, &stage, &plan(range), &mut rng);
        assert!(!outcome.found);
        let rings = range as usize;
        assert_eq!(outcome.spiral_readings, (2 * rings + 1).pow(2));
        let time = outcome.time_s(&stage);
        assert!((time - outcome.spiral_readings as f64 * 0.025).abs() < 1e-9);
        times.push((range, time));
    }
    for pair in times.windows(2) {
        let ratio = pair[1].1 / pair[0].1;
        let rings = pair[0].0;
        assert!((ratio - 4.0).abs() <= 4.0 / rings, "ratio {ratio} from range {rings}");
    }
    // The log-log slope over the last doubling is 2 within 0.05.
    let (last, before) = (times[4], times[3]);
    let slope = (last.1 / before.1).ln() / (last.0 / before.0).ln();
    assert!((slope - 2.0).abs() < 0.05, "slope {slope}");

    // With the optimum at (ρ, ρ), first light shows within the radius r_t where the
    // loopback η² crosses the threshold: η = g exp(-d²/w_z²) at the approach gap, with
    // g = 4/(4 + Z²), w_z² = w²(4 + Z²)/4, Z = z/z_R ([S73] across a gap), so
    // r_t² = w_z² ln(g/√threshold). The ring of the spiral's point (K, K) nearest the optimum
    // is reached at K = ceil(ρ - r_t/√2), so the spiral reads between (2K - 1)² and (2K + 1)²
    // points: about (2ρ/s)² once ρ >> r_t.
    let rayleigh_um = std::f64::consts::PI * 1.5 * 4.0 / 1.31;
    let big_z_sq = (20.0 / rayleigh_um).powi(2);
    let gain = 4.0 / (4.0 + big_z_sq);
    let r_t = (4.0 * (4.0 + big_z_sq) / 4.0 * (gain / 0.1_f64).ln()).sqrt();
    for rho in [8.0_f64, 11.0, 14.0] {
        let truth = Truth::ideal(16, rho, rho, 0.0);
        let outcome = search::align(&MODES, &truth, &stage, &plan(15.0), &mut rng);
        let ring = (rho - r_t / std::f64::consts::SQRT_2).ceil() as usize;
        let readings = outcome.spiral_readings;
        assert!(
            (2 * ring - 1).pow(2) < readings && readings <= (2 * ring + 1).pow(2),
            "{readings} readings for the optimum at ({rho}, {rho}), ring {ring}"
        );
    }
}

#[test]
fn cure_shift_yield_matches_the_gaussian_overlap_closed_form() {
    // Perfect arrays (no core errors, tilt, noise or gap change), aligned to 1 nm, then the
    // cure shifts each block by N(0, 0.3²) per axis: a lane fails with exp(-d_c²/2σ²),
    // d_c² = (B/4.34 + 2 c0)/(-c2) at the bond-line gap. All lanes of an array share the
    // shift, so the array failure fraction estimates it, binomially over arrays.
    let inputs = with(inputs(), |inputs| {
        inputs.settings.arrays = 3000;
        inputs.settings.fibers_per_array = 2;
        inputs.attach.fiber_sigma_um = Micrometres(0.0);
        inputs.attach.tilt_sigma_mrad = Milliradians(0.0);
        inputs.attach.gap_sigma_um = Micrometres(0.0);
        inputs.settings.noise_fraction = 0.0;
        inputs.settings.stage_resolution_um = Micrometres(0.001);
        inputs.attach.shift_sigma_um = Micrometres(0.3);
        inputs.attach.coupling_budget_db = Db(0.5);
    });
    let expected = cure_failure_closed_form(&inputs);
    // The budget over the gap's own loss leaves d_c ~ 0.5 µm: a failure rate near 0.3, where
    // the check has teeth.
    assert!((0.1..0.6).contains(&expected), "{expected}");
    let result = simulate(&inputs, 2).expect("valid inputs");
    let failed = 1.0 - result.active.array_yield.value;
    let se = (expected * (1.0 - expected) / inputs.settings.arrays as f64).sqrt();
    assert!((failed - expected).abs() < 3.0 * se, "{failed} vs {expected} ± {se}");
    assert!((result.cure_only_failure - expected).abs() < 1e-15);
    // Without the gap: the textbook exp(-B w² / (4.34 · 2σ²)).
    let no_gap = with(inputs, |inputs| {
        inputs.attach.gap_mean_um = Micrometres(0.0);
    });
    let textbook = (-0.5 * 4.0 / (DB_PER_NEPER * 2.0 * 0.09)).exp();
    assert!((cure_failure_closed_form(&no_gap) - textbook).abs() < 1e-12);
}

#[test]
fn passive_loss_reproduces_the_measured_v_groove_attach_mean() {
    // No cure shift, gap or tilt: a passive lane's loss is 4.34 |d|²/w² with |d|²/σ_v² ~ χ²₂,
    // mean 4.34 · 2σ_v²/w²: 0.45 dB at σ_v = 1.05 µm and w = 4.6 µm ([RY 41]). The mean over
    // 256 x 16 lanes carries a standard error of 0.45/sqrt(4096) = 0.007 dB.
    let inputs = with(inputs(), |inputs| {
        inputs.attach.shift_sigma_um = Micrometres(0.0);
        inputs.attach.gap_mean_um = Micrometres(0.0);
        inputs.attach.gap_sigma_um = Micrometres(0.0);
        inputs.attach.tilt_sigma_mrad = Milliradians(0.0);
        inputs.settings.approach_gap_um = Micrometres(20.0);
    });
    let result = simulate(&inputs, 2).expect("valid inputs");
    let expected = DB_PER_NEPER * 2.0 * 1.05_f64.powi(2) / 4.6_f64.powi(2);
    assert!((expected - 0.45).abs() < 0.01, "{expected}");
    let mean = result.passive_matched.loss.mean_db;
    assert!((mean - expected).abs() < 3.0 * 0.007, "{mean} vs {expected}");
    // On the 2 µm edge coupler the same placement loses (4.6/2)² = 5.3 times as much.
    let ratio = result.passive.loss.mean_db / mean;
    assert!((ratio - 5.29).abs() < 0.2, "{ratio}");
}

#[test]
fn active_alignment_beats_passive_on_the_edge_coupler_and_costs_more_time() {
    let result = simulate(&inputs(), 2).expect("valid inputs");
    let (active, passive) = (&result.active, &result.passive);
    assert!(result.search.first_light_failures.value < 0.01);
    // The search lands within a few resolution steps despite the noise: its placement error
    // is well under the ±0.5 µm edge couplers need ([S74]).
    assert!(result.search.placement_rms_um < 0.15, "{}", result.search.placement_rms_um);
    assert!(active.lane_yield.value > 0.95 && passive.lane_yield.value < 0.5);
    assert!(active.time_per_array_s > passive.time_per_array_s);
    // Time is handling + readings x 25 ms + cure, exactly.
    let readings = result.search.spiral_readings + result.search.climb_readings;
    let expected = 10.0 + readings * 0.025 + 15.0;
    assert!((active.time_per_array_s - expected).abs() < 1e-9);
    // Cost: machine time x (machine rate + operator rate / machines per operator).
    let cost = active.time_per_array_s / 3600.0 * (60.0 + 40.0 / 4.0) * 4.0;
    assert!((active.cost_per_engine_usd - cost).abs() < 1e-9);
    assert!((active.fibers_per_s - 16.0 / active.time_per_array_s).abs() < 1e-12);
    let lanes: u64 = active.loss_histogram.iter().sum();
    assert_eq!(lanes, 256 * 16);
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let inputs = with(inputs(), |inputs| {
        inputs.settings.arrays = 300;
    });
    let one = simulate(&inputs, 1).expect("valid inputs");
    let three = simulate(&inputs, 3).expect("valid inputs");
    assert_eq!(one, three);
}

#[test]
fn bad_inputs_are_named_with_value_range_and_unit() {
    let error = simulate(
        &with(inputs(), |inputs| {
            inputs.settings.spiral_step_um = Micrometres(-1.0);
        }),
        1,
    )
    .unwrap_err();
    let paths = |error: AlignInputError| -> Vec<String> {
        error.problems.iter().map(|problem| problem.path.clone()).collect()
    };
    assert_eq!(
        error.to_string(),
        "align.spiral_step_um: value -1 is out of range; expected 0 < value (µm)"
    );
    let error = check(&with(inputs(), |inputs| {
        inputs.settings.approach_gap_um = Micrometres(2.0);
    }))
    .unwrap_err();
    assert_eq!(paths(error), ["align.approach_gap_um"]);
    let error = check(&with(inputs(), |inputs| {
        inputs.settings.fibers_per_array = 0;
        inputs.attach.gap_index = 0.5;
    }))
    .unwrap_err();
    assert_eq!(paths(error), ["align.fibers_per_array", "attach.gap_index"]);
    let error = check(&with(inputs(), |inputs| {
        inputs.settings.stage_resolution_um = Micrometres(2.0);
    }))
    .unwrap_err();
    assert_eq!(paths(error), ["align.stage_resolution_um"]);
}

#[test]
fn a_noisy_climb_stops_at_its_pass_limit() {
    // Noise far above what a 0.1 nm step changes: lucky readings move the array on most
    // passes, so the climb ends at its pass limit. A pass reads the current point and at
    // least one and at most 2 x 4 candidates: between 2 and 9 readings.
    let inputs = with(inputs(), |inputs| {
        inputs.settings.arrays = 64;
        inputs.settings.noise_fraction = 0.05;
        inputs.settings.first_light_fraction = 0.3;
        inputs.settings.stage_resolution_um = Micrometres(1e-4);
    });
    let result = simulate(&inputs, 2).expect("valid inputs");
    let limit = (search::MAX_CLIMB_PASSES * 9) as f64;
    assert!(result.search.climb_readings <= limit, "{}", result.search.climb_readings);
    // Above 2 readings x the pass limit: most arrays ran every pass (noiseless: ~130 readings).
    let floor = (search::MAX_CLIMB_PASSES * 2) as f64;
    assert!(result.search.climb_readings > floor, "{}", result.search.climb_readings);
}
