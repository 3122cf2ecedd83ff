//! Regression pins of the alignment Monte Carlo: a few figures of a small seeded run, asserted
//! to a relative 1e-12 (counts exactly), so that an accidental change of a random stream (a
//! draw added, reordered or reseeded) shows. These are regression pins, not physics
//! references: the closed-form tests in `tests.rs` check the physics. The values were
//! taken from the code as it stood; a deliberate change of the streams updates them with its
//! reason.

use super::*;
use cporamp_core::pins::assert_pins;

/// The unit tests' inputs (`tests.rs`) on 64 arrays.
fn inputs() -> AlignInputs {
    crate::tests::with(crate::tests::inputs(), |inputs| inputs.settings.arrays = 64)
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
