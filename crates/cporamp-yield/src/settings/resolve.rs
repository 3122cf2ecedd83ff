//! Checking `[yield]`: Monte Carlo sizes, test coverage, rework and the ramp with its quarter
//! labels.

use super::{CoverageOptions, Ramp, RampOptions, Rework, TestCosts, YieldOptions, YieldSettings};
use cporamp_core::check::{Bound, Checker, Limits, Section};
use cporamp_core::mechanism::{ByMechanism, Mechanism};
use cporamp_core::quarter::Quarter;
use cporamp_core::units::{Hours, Micrometres, Milliradians, Usd};

/// The ramp's quarters from `first_quarter` (`YYYYQn`), one per `units_per_quarter`.
fn quarters(checker: &mut Checker, ramp: &RampOptions) -> Vec<Quarter> {
    let parsed = ramp
        .first_quarter
        .parse::<Quarter>()
        .ok()
        .filter(|quarter| (1900..=2200).contains(&quarter.year()));
    let Some(first) = parsed else {
        checker.invalid(
            "yield.ramp.first_quarter",
            format!("\"{}\"", ramp.first_quarter),
            "a quarter written YYYYQn, n in 1..4 (e.g. \"2026Q1\")",
        );
        return Vec::new();
    };
    if ramp.units_per_quarter.is_empty() {
        checker.invalid("yield.ramp.units_per_quarter", "[]", "at least one quarter's volume");
    }
    (0..ramp.units_per_quarter.len()).map(|offset| first.plus(offset as i32)).collect()
}

/// Checks `[yield]` and resolves it; every problem is recorded in `checker` (the result is
/// then only a placeholder to keep walking with).
pub fn resolve(checker: &mut Checker, options: &YieldOptions) -> YieldSettings {
    let at = Section::new("yield");
    // Positive: Wright's law and the market's learning start from the volume already built.
    let initial_units =
        at.positive(checker, "ramp.initial_units", options.ramp.initial_units, "units");
    let seed = at.count(checker, "seed", options.seed, 0, i64::from(u32::MAX), "seed") as u64;
    let packages =
        at.count(checker, "packages", options.packages, 1, 10_000_000, "packages") as usize;
    let spare_lanes_per_engine =
        at.count(checker, "spare_lanes_per_engine", options.spare_lanes_per_engine, 0, 64, "lanes")
            as usize;
    let attach = resolve_attach(checker, options);
    let laser_defects = resolve_laser_defects(checker, options);
    let warpage = resolve_warpage(checker, options);
    let wafers = resolve_wafers(checker, options);
    let els_spare_lasers =
        at.count(checker, "els_spare_lasers", options.els_spare_lasers, 0, 64, "lasers") as usize;
    let rework = resolve_rework(checker, options);
    let coverages = resolve_coverage(checker, options);
    let ramp = resolve_ramp(checker, options, initial_units);
    let costs = resolve_costs(checker, options);
    YieldSettings {
        seed,
        packages,
        spare_lanes_per_engine,
        shift_sigma_um: Micrometres(attach.shift_sigma_um),
        gap_mean_um: Micrometres(attach.gap_mean_um),
        gap_sigma_um: Micrometres(attach.gap_sigma_um),
        gap_index: attach.gap_index,
        tilt_sigma_mrad: Milliradians(attach.tilt_sigma_mrad),
        laser_defects_per_laser: laser_defects.laser_defects_per_laser,
        laser_weak_fraction: laser_defects.laser_weak_fraction,
        laser_weak_rate_per_h: laser_defects.laser_weak_rate_per_h,
        burn_in_h: Hours(laser_defects.burn_in_h),
        warpage_um_per_mm2: warpage.warpage_um_per_mm2,
        warpage_sigma_fraction: warpage.warpage_sigma_fraction,
        warpage_lateral_per_um: warpage.warpage_lateral_per_um,
        reflow_warpage_fraction: warpage.reflow_warpage_fraction,
        bga_open_low_um: Micrometres(warpage.bga_open_low_um),
        bga_open_high_um: Micrometres(warpage.bga_open_high_um),
        engine_joint_open_um: Micrometres(warpage.engine_joint_open_um),
        asic_defects_per_cm2: wafers.asic_defects_per_cm2,
        asic_cluster_alpha: wafers.asic_cluster_alpha,
        wafers_per_lot: wafers.wafers_per_lot,
        asic_lot_alpha: wafers.asic_lot_alpha,
        engines_per_pic_wafer: wafers.engines_per_pic_wafer,
        ring_offset_wafer_share: wafers.ring_offset_wafer_share,
        els_spare_lasers,
        rework,
        wafer_test_coverage: coverages.wafer_test_coverage,
        engine_test_coverage: coverages.engine_test_coverage,
        package_test_coverage: coverages.package_test_coverage,
        system_test_coverage: coverages.system_test_coverage,
        ramp,
        packaging_usd: Usd(costs.packaging_usd),
        test_costs: TestCosts {
            wafer_test_usd: Usd(costs.wafer_test_usd),
            engine_test_usd: Usd(costs.engine_test_usd),
            package_test_usd: Usd(costs.package_test_usd),
            system_test_usd: Usd(costs.system_test_usd),
            burn_in_usd: Usd(costs.burn_in_usd),
        },
    }
}

/// A coverage per mechanism (`yield.<name>.<mechanism>`), each a fraction.
fn coverage(checker: &mut Checker, name: &str, values: &CoverageOptions) -> ByMechanism<f64> {
    ByMechanism::from_fn(|mechanism| {
        let value = match mechanism {
            Mechanism::Coupling => values.coupling,
            Mechanism::Laser => values.laser,
            Mechanism::Drift => values.drift,
            Mechanism::Warpage => values.warpage,
            Mechanism::Asic => values.asic,
        };
        checker.number(
            &format!("yield.{name}.{mechanism}"),
            value,
            Limits::between(0.0, 1.0),
            "fraction",
        )
    })
}

/// Fiber re-attach (`[yield.rework]`): attempts, damage probability and cost.
fn resolve_rework(checker: &mut Checker, options: &YieldOptions) -> Rework {
    let at = Section::new("yield");
    Rework {
        attempts: at.count(checker, "rework.attempts", options.rework.attempts, 0, 10, "attempts")
            as usize,
        damage_probability: at.fraction(
            checker,
            "rework.damage_probability",
            options.rework.damage_probability,
        ),
        usd: at.non_negative(checker, "rework.usd", options.rework.usd, "USD"),
    }
}

/// The volume ramp (`[yield.ramp]`): learning, reference and initial volumes, the quarters and
/// their cumulative volumes (from `initial_units`), packages per point.
fn resolve_ramp(checker: &mut Checker, options: &YieldOptions, initial_units: f64) -> Ramp {
    let at = Section::new("yield");
    Ramp {
        learning_rate: at.number(
            checker,
            "ramp.learning_rate",
            options.ramp.learning_rate,
            Limits::FRACTION_OPEN_ZERO,
            "factor per doubling",
        ),
        reference_units: at.positive(
            checker,
            "ramp.reference_units",
            options.ramp.reference_units,
            "units",
        ),
        initial_units,
        quarters: quarters(checker, &options.ramp),
        cumulative_units: {
            let mut cumulative = initial_units;
            options
                .ramp
                .units_per_quarter
                .iter()
                .enumerate()
                .map(|(index, &units)| {
                    cumulative += checker.number(
                        &format!("yield.ramp.units_per_quarter[{index}]"),
                        units,
                        Limits::POSITIVE,
                        "units",
                    );
                    cumulative
                })
                .collect()
        },
        packages_per_point: at.count(
            checker,
            "ramp.packages_per_point",
            options.ramp.packages_per_point,
            1,
            1_000_000,
            "packages",
        ) as usize,
    }
}

/// The fiber blocks' post-attach shift, gap and tilt.
fn resolve_attach(checker: &mut Checker, options: &YieldOptions) -> Attach {
    let at = Section::new("yield");
    Attach {
        shift_sigma_um: at.non_negative(checker, "shift_sigma_um", options.shift_sigma_um, "µm"),
        gap_mean_um: at.non_negative(checker, "gap_mean_um", options.gap_mean_um, "µm"),
        gap_sigma_um: at.non_negative(checker, "gap_sigma_um", options.gap_sigma_um, "µm"),
        gap_index: at.number(
            checker,
            "gap_index",
            options.gap_index,
            Limits::between(1.0, 4.0),
            "refractive index",
        ),
        tilt_sigma_mrad: at.non_negative(
            checker,
            "tilt_sigma_mrad",
            options.tilt_sigma_mrad,
            "mrad",
        ),
    }
}

/// The fiber-attach settings of `[yield]`.
struct Attach {
    shift_sigma_um: f64,
    gap_mean_um: f64,
    gap_sigma_um: f64,
    gap_index: f64,
    tilt_sigma_mrad: f64,
}

/// The lasers' killer defects, weak fraction and its failure rate under burn-in.
fn resolve_laser_defects(checker: &mut Checker, options: &YieldOptions) -> LaserDefects {
    let at = Section::new("yield");
    LaserDefects {
        laser_defects_per_laser: at.non_negative(
            checker,
            "laser_defects_per_laser",
            options.laser_defects_per_laser,
            "defects",
        ),
        laser_weak_fraction: at.fraction(
            checker,
            "laser_weak_fraction",
            options.laser_weak_fraction,
        ),
        laser_weak_rate_per_h: at.non_negative(
            checker,
            "laser_weak_rate_per_h",
            options.laser_weak_rate_per_h,
            "1/h",
        ),
        burn_in_h: at.non_negative(checker, "burn_in_h", options.burn_in_h, "h"),
    }
}

/// The laser-defect settings of `[yield]`.
struct LaserDefects {
    laser_defects_per_laser: f64,
    laser_weak_fraction: f64,
    laser_weak_rate_per_h: f64,
    burn_in_h: f64,
}

/// The package's warpage, its spread and lateral effect, and the bows at which joints open.
fn resolve_warpage(checker: &mut Checker, options: &YieldOptions) -> Warpage {
    let at = Section::new("yield");
    Warpage {
        warpage_um_per_mm2: at.non_negative(
            checker,
            "warpage_um_per_mm2",
            options.warpage_um_per_mm2,
            "µm/mm²",
        ),
        warpage_sigma_fraction: at.non_negative(
            checker,
            "warpage_sigma_fraction",
            options.warpage_sigma_fraction,
            "1",
        ),
        warpage_lateral_per_um: at.non_negative(
            checker,
            "warpage_lateral_per_um",
            options.warpage_lateral_per_um,
            "µm/µm",
        ),
        reflow_warpage_fraction: at.number(
            checker,
            "reflow_warpage_fraction",
            options.reflow_warpage_fraction,
            Limits::between(0.0, 2.0),
            "fraction",
        ),
        bga_open_low_um: at.positive(checker, "bga_open_low_um", options.bga_open_low_um, "µm"),
        bga_open_high_um: at.number(
            checker,
            "bga_open_high_um",
            options.bga_open_high_um,
            Limits { min: Bound::Inclusive(options.bga_open_low_um), max: Bound::Exclusive(1e6) },
            "µm (at least bga_open_low_um)",
        ),
        engine_joint_open_um: at.positive(
            checker,
            "engine_joint_open_um",
            options.engine_joint_open_um,
            "µm",
        ),
    }
}

/// The warpage settings of `[yield]`.
struct Warpage {
    warpage_um_per_mm2: f64,
    warpage_sigma_fraction: f64,
    warpage_lateral_per_um: f64,
    reflow_warpage_fraction: f64,
    bga_open_low_um: f64,
    bga_open_high_um: f64,
    engine_joint_open_um: f64,
}

/// The ASIC's defect density and its clustering by wafer and lot, and the PIC wafers.
fn resolve_wafers(checker: &mut Checker, options: &YieldOptions) -> Wafers {
    let at = Section::new("yield");
    Wafers {
        asic_defects_per_cm2: at.non_negative(
            checker,
            "asic_defects_per_cm2",
            options.asic_defects_per_cm2,
            "1/cm²",
        ),
        asic_cluster_alpha: at.positive(
            checker,
            "asic_cluster_alpha",
            options.asic_cluster_alpha,
            "1",
        ),
        wafers_per_lot: at.count(
            checker,
            "wafers_per_lot",
            options.wafers_per_lot,
            1,
            1000,
            "wafers",
        ) as usize,
        asic_lot_alpha: at.positive(checker, "asic_lot_alpha", options.asic_lot_alpha, "1"),
        engines_per_pic_wafer: at.count(
            checker,
            "engines_per_pic_wafer",
            options.engines_per_pic_wafer,
            1,
            1_000_000,
            "dies",
        ) as usize,
        ring_offset_wafer_share: at.fraction(
            checker,
            "ring_offset_wafer_share",
            options.ring_offset_wafer_share,
        ),
    }
}

/// The wafer settings of `[yield]`.
struct Wafers {
    asic_defects_per_cm2: f64,
    asic_cluster_alpha: f64,
    wafers_per_lot: usize,
    asic_lot_alpha: f64,
    engines_per_pic_wafer: usize,
    ring_offset_wafer_share: f64,
}

/// The test coverages: wafer test, and engine, package and system test per mechanism.
fn resolve_coverage(checker: &mut Checker, options: &YieldOptions) -> Coverage {
    let at = Section::new("yield");
    Coverage {
        wafer_test_coverage: at.fraction(
            checker,
            "wafer_test_coverage",
            options.wafer_test_coverage,
        ),
        engine_test_coverage: coverage(
            checker,
            "engine_test_coverage",
            &options.engine_test_coverage,
        ),
        package_test_coverage: coverage(
            checker,
            "package_test_coverage",
            &options.package_test_coverage,
        ),
        system_test_coverage: coverage(
            checker,
            "system_test_coverage",
            &options.system_test_coverage,
        ),
    }
}

/// The test-coverage settings of `[yield]`.
struct Coverage {
    wafer_test_coverage: f64,
    engine_test_coverage: ByMechanism<f64>,
    package_test_coverage: ByMechanism<f64>,
    system_test_coverage: ByMechanism<f64>,
}

/// Packaging, test and burn-in costs.
fn resolve_costs(checker: &mut Checker, options: &YieldOptions) -> Costs {
    let at = Section::new("yield");
    Costs {
        packaging_usd: at.non_negative(checker, "packaging_usd", options.packaging_usd, "USD"),
        wafer_test_usd: at.non_negative(checker, "wafer_test_usd", options.wafer_test_usd, "USD"),
        engine_test_usd: at.non_negative(
            checker,
            "engine_test_usd",
            options.engine_test_usd,
            "USD",
        ),
        package_test_usd: at.non_negative(
            checker,
            "package_test_usd",
            options.package_test_usd,
            "USD",
        ),
        system_test_usd: at.non_negative(
            checker,
            "system_test_usd",
            options.system_test_usd,
            "USD",
        ),
        burn_in_usd: at.non_negative(checker, "burn_in_usd", options.burn_in_usd, "USD"),
    }
}

/// The cost settings of `[yield]`.
struct Costs {
    packaging_usd: f64,
    wafer_test_usd: f64,
    engine_test_usd: f64,
    package_test_usd: f64,
    system_test_usd: f64,
    burn_in_usd: f64,
}
