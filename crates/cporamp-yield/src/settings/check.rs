//! Checking `[yield]`: Monte Carlo sizes, test coverage, rework and the ramp with its quarter
//! labels.

use super::{Ramp, YieldSettings};
use cporamp_core::check::{Bound, Checker, Limits, Section};
use cporamp_core::mechanism::ByMechanism;

/// Checks `[yield]`: every problem is recorded in `checker`.
pub fn check(checker: &mut Checker, settings: &YieldSettings) {
    let at = Section::new("yield");
    let s = settings;
    // Positive: Wright's law and the market's learning start from the volume already built.
    at.positive(checker, "ramp.initial_units", s.ramp.initial_units, "units");
    at.count(checker, "seed", s.seed, 0, i64::from(u32::MAX), "seed");
    at.count(checker, "packages", s.packages, 1, 10_000_000, "packages");
    at.count(checker, "spare_lanes_per_engine", s.spare_lanes_per_engine, 0, 64, "lanes");
    // The fiber blocks' post-attach shift, gap and tilt.
    at.non_negative(checker, "shift_sigma_um", s.shift_sigma_um.0, "µm");
    at.non_negative(checker, "gap_mean_um", s.gap_mean_um.0, "µm");
    at.non_negative(checker, "gap_sigma_um", s.gap_sigma_um.0, "µm");
    at.number(checker, "gap_index", s.gap_index, Limits::between(1.0, 4.0), "refractive index");
    at.non_negative(checker, "tilt_sigma_mrad", s.tilt_sigma_mrad.0, "mrad");
    // Dead and weak lasers, and burn-in.
    at.non_negative(checker, "laser_defects_per_laser", s.laser_defects_per_laser, "defects");
    at.fraction(checker, "laser_weak_fraction", s.laser_weak_fraction);
    at.non_negative(checker, "laser_weak_rate_per_h", s.laser_weak_rate_per_h, "1/h");
    at.non_negative(checker, "burn_in_h", s.burn_in_h.0, "h");
    check_warpage(checker, s);
    check_wafers(checker, s);
    at.count(checker, "els_spare_lasers", s.els_spare_lasers, 0, 64, "lasers");
    // Fiber re-attach (`[yield.rework]`): attempts, damage probability and cost.
    at.count(checker, "rework.attempts", s.rework.attempts, 0, 10, "attempts");
    at.fraction(checker, "rework.damage_probability", s.rework.damage_probability);
    at.non_negative(checker, "rework.usd", s.rework.usd.0, "USD");
    at.fraction(checker, "wafer_test_coverage", s.wafer_test_coverage);
    check_coverage(checker, "engine_test_coverage", &s.engine_test_coverage);
    check_coverage(checker, "package_test_coverage", &s.package_test_coverage);
    check_coverage(checker, "system_test_coverage", &s.system_test_coverage);
    check_ramp(checker, &s.ramp);
    for (name, value) in [
        ("packaging_usd", s.packaging_usd),
        ("wafer_test_usd", s.wafer_test_usd),
        ("engine_test_usd", s.engine_test_usd),
        ("package_test_usd", s.package_test_usd),
        ("system_test_usd", s.system_test_usd),
        ("burn_in_usd", s.burn_in_usd),
    ] {
        at.non_negative(checker, name, value.0, "USD");
    }
}

/// A coverage per mechanism (`yield.<name>.<mechanism>`), each a fraction.
fn check_coverage(checker: &mut Checker, name: &str, values: &ByMechanism<f64>) {
    for (mechanism, &value) in values.iter() {
        checker.number(
            &format!("yield.{name}.{mechanism}"),
            value,
            Limits::between(0.0, 1.0),
            "fraction",
        );
    }
}

/// The volume ramp (`[yield.ramp]`): learning, reference volume, the first quarter and the
/// quarters' volumes, packages per point.
fn check_ramp(checker: &mut Checker, ramp: &Ramp) {
    let at = Section::new("yield.ramp");
    at.number(
        checker,
        "learning_rate",
        ramp.learning_rate,
        Limits::FRACTION_OPEN_ZERO,
        "factor per doubling",
    );
    at.positive(checker, "reference_units", ramp.reference_units, "units");
    if !(1900..=2200).contains(&ramp.first_quarter.year()) {
        at.invalid(
            checker,
            "first_quarter",
            format!("\"{}\"", ramp.first_quarter),
            "a quarter written YYYYQn, n in 1..4 (e.g. \"2026Q1\")",
        );
    } else if ramp.units_per_quarter.is_empty() {
        at.invalid(checker, "units_per_quarter", "[]", "at least one quarter's volume");
    }
    for (index, &units) in ramp.units_per_quarter.iter().enumerate() {
        checker.number(
            &format!("yield.ramp.units_per_quarter[{index}]"),
            units,
            Limits::POSITIVE,
            "units",
        );
    }
    at.count(checker, "packages_per_point", ramp.packages_per_point, 1, 1_000_000, "packages");
}

/// The package's warpage, its spread and lateral effect, and the joints it opens.
fn check_warpage(checker: &mut Checker, s: &YieldSettings) {
    let at = Section::new("yield");
    at.non_negative(checker, "warpage_um_per_mm2", s.warpage_um_per_mm2, "µm/mm²");
    at.non_negative(checker, "warpage_sigma_fraction", s.warpage_sigma_fraction, "1");
    at.non_negative(checker, "warpage_lateral_per_um", s.warpage_lateral_per_um, "µm/µm");
    at.number(
        checker,
        "reflow_warpage_fraction",
        s.reflow_warpage_fraction,
        Limits::between(0.0, 2.0),
        "fraction",
    );
    at.positive(checker, "bga_open_low_um", s.bga_open_low_um.0, "µm");
    at.number(
        checker,
        "bga_open_high_um",
        s.bga_open_high_um.0,
        Limits { min: Bound::Inclusive(s.bga_open_low_um.0), max: Bound::Exclusive(1e6) },
        "µm (at least bga_open_low_um)",
    );
    at.positive(checker, "engine_joint_open_um", s.engine_joint_open_um.0, "µm");
}

/// ASIC defects and their clustering by wafer and lot, and the PIC wafers.
fn check_wafers(checker: &mut Checker, s: &YieldSettings) {
    let at = Section::new("yield");
    at.non_negative(checker, "asic_defects_per_cm2", s.asic_defects_per_cm2, "1/cm²");
    at.positive(checker, "asic_cluster_alpha", s.asic_cluster_alpha, "1");
    at.count(checker, "wafers_per_lot", s.wafers_per_lot, 1, 1000, "wafers");
    at.positive(checker, "asic_lot_alpha", s.asic_lot_alpha, "1");
    at.count(checker, "engines_per_pic_wafer", s.engines_per_pic_wafer, 1, 1_000_000, "dies");
    at.fraction(checker, "ring_offset_wafer_share", s.ring_offset_wafer_share);
}
