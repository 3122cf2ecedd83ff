//! Checking `[photonics]`: the drift transient, the lock loop, the feed-forward predictor and the lane
//! population.

use super::{PhotonicsOptions, PhotonicsSettings};
use cporamp_core::check::{Bound, Checker, Limits, Section};
use cporamp_core::units::{Db, Hertz, Kelvin, Micrometres, Milliwatts, Nanometres, Seconds};

/// Checks `[photonics]` and resolves it; every problem is recorded in `checker` (the result
/// is then only a placeholder to keep walking with).
pub fn resolve(checker: &mut Checker, options: &PhotonicsOptions) -> PhotonicsSettings {
    let at = Section::new("photonics");
    let sample_rate_hz = at.positive(checker, "sample_rate_hz", options.sample_rate_hz, "Hz");
    let workload_period_s =
        at.positive(checker, "workload_period_s", options.workload_period_s, "s");
    let thermal_step_s = at.positive(checker, "thermal_step_s", options.thermal_step_s, "s");
    check_loop_timing(checker, sample_rate_hz, workload_period_s, thermal_step_s);
    let seed = at.count(checker, "seed", options.seed, 0, i64::from(u32::MAX), "seed") as u64;
    let lanes = at.count(checker, "lanes", options.lanes, 1, 100_000, "lanes") as usize;
    let lanes_per_pic =
        at.count(checker, "lanes_per_pic", options.lanes_per_pic, 1, 4096, "lanes") as usize;
    let RingsAndGrid {
        wavelength_nm,
        ring_loaded_q,
        heater_max_mw,
        heater_crosstalk,
        channel_spacing_nm,
        global_variance_fraction,
        laser_offset_sigma_nm,
    } = resolve_rings_and_grid(checker, options);
    let Coupling {
        block_sigma_um,
        fiber_sigma_um,
        mode_radius_um,
        coupling_allocation_db,
        ageing_allocation_db,
    } = resolve_coupling(checker, options);
    let lock_guard_nm = at.non_negative(checker, "lock_guard_nm", options.lock_guard_nm, "nm");
    let power_sigma_db = at.non_negative(checker, "power_sigma_db", options.power_sigma_db, "dB");
    let LockLoop { kp, ki, capture_fwhm, relock_time_s, flap_window_s } =
        resolve_lock_loop(checker, options);
    let workload_busy_fraction = at.number(
        checker,
        "workload_busy_fraction",
        options.workload_busy_fraction,
        Limits::FRACTION_OPEN,
        "fraction",
    );
    let DriftModel { drift_grid_cells, periods, sensor_lsb_k, predictor_taps } =
        resolve_drift_model(checker, options);
    PhotonicsSettings {
        seed,
        lanes,
        lanes_per_pic,
        wavelength_nm: Nanometres(wavelength_nm),
        ring_loaded_q,
        heater_max_mw: Milliwatts(heater_max_mw),
        heater_crosstalk,
        channel_spacing_nm: Nanometres(channel_spacing_nm),
        global_variance_fraction,
        laser_offset_sigma_nm: Nanometres(laser_offset_sigma_nm),
        block_sigma_um: Micrometres(block_sigma_um),
        fiber_sigma_um: Micrometres(fiber_sigma_um),
        mode_radius_um: Micrometres(mode_radius_um),
        coupling_allocation_db: Db(coupling_allocation_db),
        ageing_allocation_db: Db(ageing_allocation_db),
        wavelength_reassignment: options.wavelength_reassignment,
        lock_guard_nm: Nanometres(lock_guard_nm),
        power_sigma_db: Db(power_sigma_db),
        sample_rate_hz: Hertz(sample_rate_hz),
        kp,
        ki,
        capture_fwhm,
        relock_time_s: Seconds(relock_time_s),
        flap_window_s: Seconds(flap_window_s),
        workload_period_s: Seconds(workload_period_s),
        workload_busy_fraction,
        thermal_step_s: Seconds(thermal_step_s),
        drift_grid_cells,
        periods,
        sensor_lsb_k: Kelvin(sensor_lsb_k),
        predictor_taps,
    }
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
fn resolve_rings_and_grid(checker: &mut Checker, options: &PhotonicsOptions) -> RingsAndGrid {
    let at = Section::new("photonics");
    RingsAndGrid {
        wavelength_nm: at.number(
            checker,
            "wavelength_nm",
            options.wavelength_nm,
            Limits::between(400.0, 2000.0),
            "nm",
        ),
        ring_loaded_q: at.number(
            checker,
            "ring_loaded_q",
            options.ring_loaded_q,
            Limits::between(100.0, 1e7),
            "1",
        ),
        heater_max_mw: at.non_negative(checker, "heater_max_mw", options.heater_max_mw, "mW"),
        heater_crosstalk: at.number(
            checker,
            "heater_crosstalk",
            options.heater_crosstalk,
            Limits { min: Bound::Inclusive(0.0), max: Bound::Exclusive(0.5) },
            "fraction (2 x crosstalk < 1)",
        ),
        channel_spacing_nm: at.positive(
            checker,
            "channel_spacing_nm",
            options.channel_spacing_nm,
            "nm",
        ),
        global_variance_fraction: at.fraction(
            checker,
            "global_variance_fraction",
            options.global_variance_fraction,
        ),
        laser_offset_sigma_nm: at.non_negative(
            checker,
            "laser_offset_sigma_nm",
            options.laser_offset_sigma_nm,
            "nm",
        ),
    }
}

/// The ring, grid and offset settings of `[photonics]`.
struct RingsAndGrid {
    wavelength_nm: f64,
    ring_loaded_q: f64,
    heater_max_mw: f64,
    heater_crosstalk: f64,
    channel_spacing_nm: f64,
    global_variance_fraction: f64,
    laser_offset_sigma_nm: f64,
}

/// The fiber placement spreads, the mode radius and the link-margin allocations.
fn resolve_coupling(checker: &mut Checker, options: &PhotonicsOptions) -> Coupling {
    let at = Section::new("photonics");
    Coupling {
        block_sigma_um: at.non_negative(checker, "block_sigma_um", options.block_sigma_um, "µm"),
        fiber_sigma_um: at.non_negative(checker, "fiber_sigma_um", options.fiber_sigma_um, "µm"),
        // A guided mode at 1.3 µm is at least ~0.1 µm in radius (the diffraction limit, about a
        // quarter wavelength in silicon); below it the overlap underflows to zero.
        mode_radius_um: at.number(
            checker,
            "mode_radius_um",
            options.mode_radius_um,
            Limits::between(0.1, 100.0),
            "µm",
        ),
        coupling_allocation_db: at.positive(
            checker,
            "coupling_allocation_db",
            options.coupling_allocation_db,
            "dB",
        ),
        ageing_allocation_db: at.non_negative(
            checker,
            "ageing_allocation_db",
            options.ageing_allocation_db,
            "dB",
        ),
    }
}

/// The coupling settings of `[photonics]`.
struct Coupling {
    block_sigma_um: f64,
    fiber_sigma_um: f64,
    mode_radius_um: f64,
    coupling_allocation_db: f64,
    ageing_allocation_db: f64,
}

/// The lock loop's gains (a stable loop), capture range, re-lock time and flap window.
fn resolve_lock_loop(checker: &mut Checker, options: &PhotonicsOptions) -> LockLoop {
    let at = Section::new("photonics");
    // The stability bound on ki follows kp only when kp is itself valid: a kp of 1 or more
    // is its own problem, and would otherwise give ki an empty interval (0 < ki < -1).
    let kp_for_bound =
        if Limits::FRACTION_BELOW_ONE.contains(options.kp) { options.kp } else { 0.0 };
    LockLoop {
        kp: at.number(checker, "kp", options.kp, Limits::FRACTION_BELOW_ONE, "1"),
        ki: at.number(
            checker,
            "ki",
            options.ki,
            Limits { min: Bound::Exclusive(0.0), max: Bound::Exclusive(2.0 - 2.0 * kp_for_bound) },
            "1 (a stable loop: ki < 2 - 2 kp)",
        ),
        capture_fwhm: at.positive(checker, "capture_fwhm", options.capture_fwhm, "half-linewidths"),
        relock_time_s: at.non_negative(checker, "relock_time_s", options.relock_time_s, "s"),
        flap_window_s: at.positive(checker, "flap_window_s", options.flap_window_s, "s"),
    }
}

/// The lock-loop settings of `[photonics]`.
struct LockLoop {
    kp: f64,
    ki: f64,
    capture_fwhm: f64,
    relock_time_s: f64,
    flap_window_s: f64,
}

/// The drift transient's grid and length, and the feed-forward predictor's sensor and taps.
fn resolve_drift_model(checker: &mut Checker, options: &PhotonicsOptions) -> DriftModel {
    let at = Section::new("photonics");
    DriftModel {
        drift_grid_cells: at.count(
            checker,
            "drift_grid_cells",
            options.drift_grid_cells,
            8,
            128,
            "cells",
        ) as usize,
        periods: at.count(checker, "periods", options.periods, 2, 10_000, "periods") as usize,
        sensor_lsb_k: at.positive(checker, "sensor_lsb_k", options.sensor_lsb_k, "K"),
        predictor_taps: at.count(
            checker,
            "predictor_taps",
            options.predictor_taps,
            1,
            64,
            "samples",
        ) as usize,
    }
}

/// The drift-model settings of `[photonics]`.
struct DriftModel {
    drift_grid_cells: usize,
    periods: usize,
    sensor_lsb_k: f64,
    predictor_taps: usize,
}
