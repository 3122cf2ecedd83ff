//! Regression pins of the alignment Monte Carlo: a few figures of a small seeded run, asserted
//! to a relative 1e-12 (counts exactly), so that an accidental change of a random stream (a
//! draw added, reordered or reseeded) shows. These are regression pins, not physics
//! references: the closed-form tests in `src/tests.rs` check the physics. The values were
//! taken from the code as it stood; a deliberate change of the streams updates them with its
//! reason.

use cporamp_align::*;
use cporamp_core::pins::assert_pins;

/// The unit tests' inputs, on 64 arrays: like the default scenario's (w = 2 µm edge coupler at 1310 nm, index-matched gap).
fn inputs() -> AlignInputs {
    AlignInputs {
        arrays: 64,
        seed: 7,
        fibers_per_array: 16,
        arrays_per_engine: 4,
        pitch_um: 127.0,
        mode_radius_um: 2.0,
        wavelength_um: 1.31,
        gap_index: 1.5,
        coupling_budget_db: 1.0,
        fiber_sigma_um: 0.15,
        shift_sigma_um: 0.15,
        gap_mean_um: 5.0,
        gap_sigma_um: 1.5,
        tilt_sigma_mrad: 2.0,
        prealign_sigma_um: 3.0,
        prealign_roll_mrad: 1.0,
        approach_gap_um: 20.0,
        spiral_step_um: 1.0,
        spiral_range_um: 15.0,
        first_light_fraction: 0.01,
        stage_resolution_um: 0.05,
        settle_s: 0.02,
        measure_s: 0.005,
        noise_fraction: 0.002,
        handling_s: 10.0,
        cure_s: 15.0,
        machine_usd_per_h: 60.0,
        operator_usd_per_h: 40.0,
        machines_per_operator: 4.0,
        passive_sigma_um: 1.05,
        passive_mode_radius_um: 4.6,
        passive_place_s: 5.0,
        passive_machine_usd_per_h: 30.0,
    }
}

#[test]
fn seeded_alignment_figures_are_pinned() {
    let result = simulate(&inputs(), 2).unwrap();
    assert_eq!(result.arrays, 64);
    let histogram: u64 = result.active.loss_histogram.iter().take(3).sum();
    assert_pins(&[
        ("active time per array, s", result.active.time_per_array_s, 33.3609375),
        ("active loss mean, dB", result.active.loss.mean_db, 0.2667343261037274),
        ("active lane yield", result.active.lane_yield.value, 0.9990234375),
        ("active lanes under 0.3 dB", histogram as f64, 687.0),
        ("spiral readings", result.search.spiral_readings, 14.015625),
        ("hill-climb readings", result.search.climb_readings, 320.421875),
        ("placement rms, um", result.search.placement_rms_um, 0.11452275469720748),
        ("roll rms, urad", result.search.roll_rms_urad, 117.36107153690494),
        ("passive loss mean, dB", result.passive.loss.mean_db, 2.5496868323028696),
        ("passive matched lane yield", result.passive_matched.lane_yield.value, 0.87890625),
    ]);
}
