//! Checking `[photonics]`: the drift transient, the lock loop, the feed-forward predictor and the lane
//! population.

use super::PhotonicsSettings;
use cporamp_core::check::{Bound, Checker, Limits, Section};

/// Checks `[photonics]`: every problem is recorded in `checker`.
pub fn check(checker: &mut Checker, settings: &PhotonicsSettings) {
    let at = Section::new("photonics");
    let s = settings;
    at.positive(checker, "sample_rate_hz", s.sample_rate_hz.0, "Hz");
    at.positive(checker, "workload_period_s", s.workload_period_s.0, "s");
    at.positive(checker, "thermal_step_s", s.thermal_step_s.0, "s");
    check_loop_timing(checker, s.sample_rate_hz.0, s.workload_period_s.0, s.thermal_step_s.0);
    at.count(checker, "seed", s.seed, 0, i64::from(u32::MAX), "seed");
    at.count(checker, "lanes", s.lanes, 1, 100_000, "lanes");
    at.count(checker, "lanes_per_pic", s.lanes_per_pic, 1, 4096, "lanes");
    check_rings_and_grid(checker, s);
    check_coupling(checker, s);
    at.non_negative(checker, "lock_guard_nm", s.lock_guard_nm.0, "nm");
    at.non_negative(checker, "power_sigma_db", s.power_sigma_db.0, "dB");
    check_lock_loop(checker, s);
    at.number(
        checker,
        "workload_busy_fraction",
        s.workload_busy_fraction,
        Limits::FRACTION_OPEN,
        "fraction",
    );
    at.count(checker, "drift_grid_cells", s.drift_grid_cells, 8, 128, "cells");
    at.count(checker, "periods", s.periods, 2, 10_000, "periods");
    at.positive(checker, "sensor_lsb_k", s.sensor_lsb_k.0, "K");
    at.count(checker, "predictor_taps", s.predictor_taps, 1, 64, "samples");
}

/// The lock loop's samples tile a thermal step, and the thermal steps (at least 4) tile a
/// workload period.
fn check_loop_timing(
    checker: &mut Checker,
    sample_rate_hz: f64,
    workload_period_s: f64,
    thermal_step_s: f64,
) {
    let at = Section::new("photonics");
    let sample_s = 1.0 / sample_rate_hz;
    let samples_per_step = thermal_step_s / sample_s;
    if thermal_step_s.is_finite()
        && sample_s.is_finite()
        && ((samples_per_step - samples_per_step.round()).abs() > 1e-9 || samples_per_step < 1.0)
    {
        at.invalid(
            checker,
            "thermal_step_s",
            thermal_step_s,
            format!("a whole number of loop samples ({sample_s} s each)"),
        );
    }
    let steps_per_period = workload_period_s / thermal_step_s;
    if steps_per_period.is_finite()
        && ((steps_per_period - steps_per_period.round()).abs() > 1e-9 || steps_per_period < 4.0)
    {
        at.invalid(
            checker,
            "workload_period_s",
            workload_period_s,
            format!("a whole number (at least 4) of thermal steps ({thermal_step_s} s each)"),
        );
    }
}

/// The rings' wavelength, line shape and heaters, the WDM grid and the offsets' spreads.
fn check_rings_and_grid(checker: &mut Checker, s: &PhotonicsSettings) {
    let at = Section::new("photonics");
    at.number(checker, "wavelength_nm", s.wavelength_nm.0, Limits::between(400.0, 2000.0), "nm");
    at.number(checker, "ring_loaded_q", s.ring_loaded_q, Limits::between(100.0, 1e7), "1");
    at.non_negative(checker, "heater_max_mw", s.heater_max_mw.0, "mW");
    at.number(
        checker,
        "heater_crosstalk",
        s.heater_crosstalk,
        Limits { min: Bound::Inclusive(0.0), max: Bound::Exclusive(0.5) },
        "fraction (2 x crosstalk < 1)",
    );
    at.positive(checker, "channel_spacing_nm", s.channel_spacing_nm.0, "nm");
    at.fraction(checker, "global_variance_fraction", s.global_variance_fraction);
    at.non_negative(checker, "laser_offset_sigma_nm", s.laser_offset_sigma_nm.0, "nm");
}

/// The fiber placement spreads, the mode radius and the link-margin allocations.
fn check_coupling(checker: &mut Checker, s: &PhotonicsSettings) {
    let at = Section::new("photonics");
    at.non_negative(checker, "block_sigma_um", s.block_sigma_um.0, "µm");
    at.non_negative(checker, "fiber_sigma_um", s.fiber_sigma_um.0, "µm");
    // A guided mode at 1.3 µm is at least ~0.1 µm in radius (the diffraction limit, about a
    // quarter wavelength in silicon); below it the overlap underflows to zero.
    at.number(checker, "mode_radius_um", s.mode_radius_um.0, Limits::between(0.1, 100.0), "µm");
    at.positive(checker, "coupling_allocation_db", s.coupling_allocation_db.0, "dB");
    at.non_negative(checker, "ageing_allocation_db", s.ageing_allocation_db.0, "dB");
}

/// The lock loop's gains (a stable loop), capture range, re-lock time and flap window.
fn check_lock_loop(checker: &mut Checker, s: &PhotonicsSettings) {
    let at = Section::new("photonics");
    // The stability bound on ki follows kp only when kp is itself valid: a kp of 1 or more
    // is its own problem, and would otherwise give ki an empty interval (0 < ki < -1).
    let kp_for_bound = if Limits::FRACTION_BELOW_ONE.contains(s.kp) { s.kp } else { 0.0 };
    at.number(checker, "kp", s.kp, Limits::FRACTION_BELOW_ONE, "1");
    at.number(
        checker,
        "ki",
        s.ki,
        Limits { min: Bound::Exclusive(0.0), max: Bound::Exclusive(2.0 - 2.0 * kp_for_bound) },
        "1 (a stable loop: ki < 2 - 2 kp)",
    );
    at.positive(checker, "capture_fwhm", s.capture_fwhm, "half-linewidths");
    at.non_negative(checker, "relock_time_s", s.relock_time_s.0, "s");
    at.positive(checker, "flap_window_s", s.flap_window_s.0, "s");
}
