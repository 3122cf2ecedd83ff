//! Regression pins of the inspection fits: a few figures of the analytics and the fits on the
//! yield engine's seeded test records, asserted to a relative 1e-12 (counts exactly), so that
//! an accidental change of a random stream (the records') or of a fit's iteration shows.
//! These are regression pins, not statistical references: the coverage tests in
//! `src/tests.rs` check the fits. The values were taken from the code as it stood; a
//! deliberate change updates them with its reason.

use cporamp_inspect::*;

/// The unit tests' yield inputs (`src/tests.rs`, copied): on-engine lasers of 4 lanes, half
/// of the engines with a dead laser caught at engine test, no spare lanes, and a laser dead
/// probability of 1 %.
fn yield_inputs(seed: u64) -> cporamp_yield::YieldInputs {
    cporamp_yield::YieldInputs {
        packages: 100,
        seed,
        engines_per_package: 8,
        lanes_per_engine: 32,
        spare_lanes_per_engine: 0,
        lanes_per_laser: 4,
        block_sigma_um: 0.17,
        fiber_sigma_um: 0.15,
        shift_sigma_um: 0.15,
        mode_radius_um: 2.0,
        wavelength_um: 1.31,
        gap_index: 1.5,
        gap_mean_um: 5.0,
        gap_sigma_um: 1.5,
        tilt_sigma_mrad: 2.0,
        coupling_budget_db: 1.0,
        laser_dead_probability: 0.01,
        laser_weak_fraction: 0.01,
        laser_weak_rate_per_h: 0.01,
        drift_mean_nm: 2.0,
        drift_sigma_nm: 2.1,
        drift_global_fraction: 0.25,
        drift_wafer_fraction: 0.25,
        engines_per_pic_wafer: 50,
        fsr_nm: 11.4,
        tuning_range_nm: 12.6,
        rings_per_lane: 2,
        reassignment_step_nm: None,
        warpage_mean_um: 30.0,
        warpage_sigma_um: 10.0,
        warpage_lateral_per_um: 0.005,
        reflow_warpage_fraction: 0.75,
        bga_open_low_um: 90.0,
        bga_open_high_um: 220.0,
        engine_sag_per_um: 0.016,
        engine_joint_open_um: 10.0,
        asic_defects_per_die: 0.3,
        asic_cluster_alpha: Some(2.0),
        asics_per_wafer: 60,
        wafers_per_lot: 25,
        asic_lot_alpha: Some(10.0),
        wafer_test_coverage: 0.95,
        engine_test: cporamp_yield::ByMechanism([0.0, 0.5, 0.95, 0.0, 0.0]),
        package_test: cporamp_yield::ByMechanism([0.98, 0.9, 0.9, 0.8, 0.5]),
        system_test: cporamp_yield::ByMechanism([0.5; 5]),
        burn_in_h: 48.0,
        rework: cporamp_yield::Rework { attempts: 1, damage_probability: 0.1, usd: 200.0 },
        els: None,
        asic_usd: 10_000.0,
        engine_usd: 800.0,
        packaging_usd: 1500.0,
        wafer_test_usd: 50.0,
        engine_test_usd: 40.0,
        package_test_usd: 200.0,
        system_test_usd: 100.0,
        burn_in_usd: 100.0,
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
fn seeded_inspection_figures_and_fits_are_pinned() {
    // 40 packages of 4 engines of 8 lanes (2 lasers each) at seed 1001, as the unit tests'
    // fit fixture.
    let inputs = cporamp_yield::YieldInputs {
        engines_per_package: 4,
        lanes_per_engine: 8,
        laser_weak_fraction: 0.15,
        engines_per_pic_wafer: 4,
        laser_weak_rate_per_h: std::f64::consts::LN_2 / 48.0,
        ..yield_inputs(1001)
    };
    let lanes = cporamp_yield::test_records(&inputs, 40).unwrap();
    let mut inspector = Inspector::new(InspectOptions {
        lasers: Some(LaserModel {
            lanes_per_laser: inputs.lanes_per_laser as u64,
            engine_test_coverage: inputs.engine_test[Mechanism::Laser],
            scenario_probability: inputs.laser_dead_probability,
        }),
        fit_model: Some(yield_fit::FitModel::of_inputs(&inputs)),
        ..InspectOptions::default()
    });
    inspector.intern("package_test");
    for (row, lane) in lanes.iter().enumerate() {
        inspector.push(&Record::of_lane(lane, 0, row as u64 + 1)).unwrap();
    }
    let result = inspector.finish(2);
    let fits = result.yield_fits.as_ref().unwrap();
    let fit = |name: &str| fits.get(name).and_then(|row| row.fit).map_or(f64::NAN, |fit| fit.value);
    let laser = result.calibration.as_ref().unwrap().laser_dead.as_ref().unwrap();
    let coupling = &result.capability[0];
    assert_eq!(result.records, 40 * 4 * 8);
    assert_pins(&[
        ("packages", result.packages as f64, 40.0),
        ("yield", result.yield_overall.value, 0.925),
        ("coupling loss mean, dB", coupling.mean, 0.29811513631061515),
        ("coupling loss overall sd, dB", coupling.overall_sd, 0.17130006519081872),
        ("dead lasers", laser.dead_lasers as f64, 0.0),
        ("laser dead probability", laser.probability, 0.0),
        ("laser dead upper bound", laser.high, 0.011862437858061237),
        ("fiber sigma, um", fit("fiber_sigma_um"), 0.15182760283226002),
        ("block common sigma, um", fit("block_common_sigma_um"), 0.22962962851126234),
        ("ring local sigma, nm", fit("ring_local_sigma_nm"), 1.4641190424326669),
        ("laser weak fraction", fit("laser_weak_fraction"), 0.13411078717201166),
    ]);
}
