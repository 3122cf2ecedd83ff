//! Regression pins of the inspection fits: a few figures of the analytics and the fits on the
//! yield engine's seeded test records, asserted to a relative 1e-12 (counts exactly), so that
//! an accidental change of a random stream (the records') or of a fit's iteration shows.
//! These are regression pins, not statistical references: the coverage tests in
//! `tests.rs` check the fits. The values were taken from the code as it stood; a
//! deliberate change updates them with its reason.

use super::*;
use crate::tests::yield_inputs;
use cporamp_core::pins::assert_pins;

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
