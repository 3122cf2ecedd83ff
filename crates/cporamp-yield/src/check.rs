//! The yield engine's input checks: every input named with its value and what it accepts.

use super::*;

/// Checks every input of `inputs` (what [`simulate()`] checks before it runs).
///
/// # Errors
/// [`YieldInputError`] naming the first input out of range, its value and what it accepts.
pub fn check(inputs: &YieldInputs) -> Result<(), YieldInputError> {
    check_counts(inputs)?;
    check_fractions(inputs)?;
    check_magnitudes(inputs)?;
    check_relations(inputs)?;
    check_els(inputs)
}

/// The error naming input `name`, its value and what it accepts.
fn fail(name: &str, value: f64, expected: &'static str) -> Result<(), YieldInputError> {
    Err(YieldInputError { name: name.to_string(), value, expected })
}

/// The counts: packages, engines, lanes, dies per wafer, wafers per lot.
fn check_counts(inputs: &YieldInputs) -> Result<(), YieldInputError> {
    if inputs.packages == 0 {
        return fail("packages", 0.0, "at least 1");
    }
    if inputs.engines_per_package == 0 {
        return fail("engines_per_package", 0.0, "at least 1");
    }
    if inputs.lanes_per_engine == 0 {
        return fail("lanes_per_engine", 0.0, "at least 1 lane");
    }
    for (name, count) in [
        ("asics_per_wafer", inputs.asics_per_wafer),
        ("wafers_per_lot", inputs.wafers_per_lot),
        ("engines_per_pic_wafer", inputs.engines_per_pic_wafer),
    ] {
        if count == 0 {
            return fail(name, 0.0, "at least 1");
        }
    }
    Ok(())
}

/// The probabilities, variance shares and test coverages, each in [0, 1].
fn check_fractions(inputs: &YieldInputs) -> Result<(), YieldInputError> {
    let fraction = |value: f64| (0.0..=1.0).contains(&value);
    for (name, value) in [
        ("laser_dead_probability", inputs.laser_dead_probability),
        ("laser_weak_fraction", inputs.laser_weak_fraction),
        ("drift_global_fraction", inputs.drift_global_fraction),
        ("drift_wafer_fraction", inputs.drift_wafer_fraction),
        ("rework.damage_probability", inputs.rework.damage_probability),
        ("wafer_test_coverage", inputs.wafer_test_coverage),
    ] {
        if !fraction(value) {
            return fail(name, value, "a fraction in [0, 1]");
        }
    }
    for (stage, coverage) in [
        ("engine_test", inputs.engine_test),
        ("package_test", inputs.package_test),
        ("system_test", inputs.system_test),
    ] {
        for (mechanism, &value) in coverage.iter() {
            if !fraction(value) {
                return fail(&format!("{stage}.{mechanism}"), value, "a coverage in [0, 1]");
            }
        }
    }
    Ok(())
}

/// The defect densities, sigmas, times and costs (>= 0), the sizes (> 0) and the means
/// (finite).
fn check_magnitudes(inputs: &YieldInputs) -> Result<(), YieldInputError> {
    for (name, value) in [
        ("block_sigma_um", inputs.block_sigma_um.0),
        ("fiber_sigma_um", inputs.attach.fiber_sigma_um.0),
        ("shift_sigma_um", inputs.attach.shift_sigma_um.0),
        ("coupling_budget_db", inputs.attach.coupling_budget_db.0),
        ("laser_weak_rate_per_h", inputs.laser_weak_rate_per_h),
        ("drift_sigma_nm", inputs.drift_sigma_nm.0),
        ("tuning_range_nm", inputs.tuning_range_nm.0),
        ("warpage_sigma_um", inputs.warpage_sigma_um.0),
        ("warpage_lateral_per_um", inputs.warpage_lateral_per_um),
        ("engine_sag_per_um", inputs.engine_sag_per_um),
        ("reflow_warpage_fraction", inputs.reflow_warpage_fraction),
        ("asic_defects_per_die", inputs.asic_defects_per_die),
        ("burn_in_h", inputs.burn_in_h.0),
        ("gap_mean_um", inputs.attach.gap_mean_um.0),
        ("gap_sigma_um", inputs.attach.gap_sigma_um.0),
        ("tilt_sigma_mrad", inputs.attach.tilt_sigma_mrad.0),
        ("rework.usd", inputs.rework.usd.0),
        ("asic_usd", inputs.asic_usd.0),
        ("engine_usd", inputs.engine_usd.0),
        ("packaging_usd", inputs.packaging_usd.0),
        ("wafer_test_usd", inputs.test_costs.wafer_test_usd.0),
        ("engine_test_usd", inputs.test_costs.engine_test_usd.0),
        ("package_test_usd", inputs.test_costs.package_test_usd.0),
        ("system_test_usd", inputs.test_costs.system_test_usd.0),
        ("burn_in_usd", inputs.test_costs.burn_in_usd.0),
    ] {
        if !(value.is_finite() && value >= 0.0) {
            return fail(
                name,
                value,
                "a finite value >= 0 (a defect density, sigma, time or cost)",
            );
        }
    }
    for (name, value) in [
        ("mode_radius_um", inputs.attach.mode_radius_um.0),
        ("wavelength_um", inputs.attach.wavelength_um.0),
        ("gap_index", inputs.attach.gap_index),
        ("fsr_nm", inputs.fsr_nm.0),
        ("bga_open_low_um", inputs.bga_open_low_um.0),
        ("engine_joint_open_um", inputs.engine_joint_open_um.0),
    ] {
        if !(value.is_finite() && value > 0.0) {
            return fail(name, value, "a finite value > 0");
        }
    }
    for (name, value) in
        [("drift_mean_nm", inputs.drift_mean_nm.0), ("warpage_mean_um", inputs.warpage_mean_um.0)]
    {
        if !value.is_finite() {
            return fail(name, value, "a finite value");
        }
    }
    Ok(())
}

/// The inputs checked against each other: ring count, reassignment step against the FSR,
/// the BGA limits, lasers on the engine or in an ELS, clustering, burn-in, drift shares.
fn check_relations(inputs: &YieldInputs) -> Result<(), YieldInputError> {
    if inputs.rings_per_lane == 0 {
        return fail("rings_per_lane", 0.0, "at least 1 ring per lane");
    }
    if let Some(step) = inputs.reassignment_step_nm.map(|step| step.0)
        && !(step.is_finite() && step > 0.0 && step <= inputs.fsr_nm.0)
    {
        return fail("reassignment_step_nm", step, "a channel spacing in (0, fsr_nm]");
    }
    if !(inputs.bga_open_high_um.0.is_finite()
        && inputs.bga_open_high_um.0 >= inputs.bga_open_low_um.0)
    {
        return fail(
            "bga_open_high_um",
            inputs.bga_open_high_um.0,
            "a finite warpage >= bga_open_low_um",
        );
    }
    if inputs.els.is_some() && inputs.lanes_per_laser > 0 {
        return fail(
            "lanes_per_laser",
            inputs.lanes_per_laser as f64,
            "0 when the lasers are in an external source (els)",
        );
    }
    for (name, alpha) in [
        ("asic_cluster_alpha", inputs.asic_cluster_alpha),
        ("asic_lot_alpha", inputs.asic_lot_alpha),
    ] {
        if let Some(alpha) = alpha
            && !(alpha.is_finite() && alpha > 0.0)
        {
            return fail(name, alpha, "a clustering parameter > 0");
        }
    }
    if burn_in(inputs).0 >= 1.0 {
        return fail(
            "laser_weak_fraction",
            inputs.laser_weak_fraction,
            "below 1 when burn-in fails every weak chip (no chip would ever pass)",
        );
    }
    if inputs.drift_global_fraction + inputs.drift_wafer_fraction > 1.0 {
        return fail(
            "drift_wafer_fraction",
            inputs.drift_wafer_fraction,
            "a variance share that with drift_global_fraction sums to at most 1",
        );
    }
    Ok(())
}

/// The external laser source's lasers and modules.
fn check_els(inputs: &YieldInputs) -> Result<(), YieldInputError> {
    if let Some(els) = inputs.els {
        if els.lasers == 0 {
            return fail("els.lasers", 0.0, "at least 1 laser per module");
        }
        if els.per_switch == 0 {
            return fail("els.per_switch", 0.0, "at least 1 module per switch");
        }
        if !(1..=els.lasers).contains(&els.lasers_needed) {
            return fail(
                "els.lasers_needed",
                els.lasers_needed as f64,
                "between 1 and the module's lasers",
            );
        }
    }
    Ok(())
}
