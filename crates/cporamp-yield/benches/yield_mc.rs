//! Yield Monte Carlo throughput in lane-samples per second: 20 000 packages of 16 engines x
//! 8 lanes (2.56 million lanes) with every mechanism on, 2 threads. The goal is 20
//! million lane-samples per second (1 million packages x 16 x 8 in under 10 s).
//! Run: `cargo bench -p cporamp-yield --bench yield_mc`. Figures go in BENCHMARKS.md.

use cporamp_core::coupling::FiberAttach;
use cporamp_core::units::{Db, Hours, Micrometres, Milliradians, Nanometres, Usd};
use cporamp_yield::TestCosts;
use cporamp_yield::{Rework, YieldInputs, simulate};

fn main() {
    divan::main();
}

const PACKAGES: usize = 20_000;

#[divan::bench(sample_count = 10)]
fn packages_20k_of_16_engines_x_8_lanes(bencher: divan::Bencher) {
    let inputs = YieldInputs {
        packages: PACKAGES,
        seed: 1,
        engines_per_package: 16,
        lanes_per_engine: 8,
        spare_lanes_per_engine: 1,
        lanes_per_laser: 4,
        block_sigma_um: Micrometres(0.17),
        attach: FiberAttach {
            fiber_sigma_um: Micrometres(0.15),
            shift_sigma_um: Micrometres(0.15),
            mode_radius_um: Micrometres(4.6),
            wavelength_um: Micrometres(1.31),
            gap_index: 1.5,
            gap_mean_um: Micrometres(5.0),
            gap_sigma_um: Micrometres(1.5),
            tilt_sigma_mrad: Milliradians(2.0),
            coupling_budget_db: Db(0.5),
        },
        laser_dead_probability: 0.002,
        laser_weak_fraction: 0.01,
        laser_weak_rate_per_h: 0.01,
        drift_mean_nm: Nanometres(2.0),
        drift_sigma_nm: Nanometres(2.1),
        drift_global_fraction: 0.25,
        drift_wafer_fraction: 0.25,
        engines_per_pic_wafer: 500,
        fsr_nm: Nanometres(11.4),
        tuning_range_nm: Nanometres(12.6),
        rings_per_lane: 2,
        reassignment_step_nm: None,
        warpage_mean_um: Micrometres(30.0),
        warpage_sigma_um: Micrometres(10.0),
        warpage_lateral_per_um: 0.005,
        reflow_warpage_fraction: 0.75,
        bga_open_low_um: Micrometres(90.0),
        bga_open_high_um: Micrometres(220.0),
        engine_sag_per_um: 0.016,
        engine_joint_open_um: Micrometres(10.0),
        asic_defects_per_die: 0.3,
        asic_cluster_alpha: Some(2.0),
        asics_per_wafer: 60,
        wafers_per_lot: 25,
        asic_lot_alpha: Some(10.0),
        wafer_test_coverage: 0.95,
        engine_test: cporamp_yield::ByMechanism([0.0, 0.9, 0.95, 0.0, 0.0]),
        package_test: cporamp_yield::ByMechanism([0.98, 0.9, 0.9, 0.8, 0.5]),
        system_test: cporamp_yield::ByMechanism([0.5; 5]),
        burn_in_h: Hours(48.0),
        rework: Rework { attempts: 1, damage_probability: 0.1, usd: Usd(200.0) },
        // On-engine lasers (4 lanes each): an external source cannot be combined with them.
        els: None,
        asic_usd: Usd(10_000.0),
        engine_usd: Usd(800.0),
        packaging_usd: Usd(1500.0),
        test_costs: TestCosts {
            wafer_test_usd: Usd(50.0),
            engine_test_usd: Usd(40.0),
            package_test_usd: Usd(200.0),
            system_test_usd: Usd(100.0),
            burn_in_usd: Usd(100.0),
        },
    };
    bencher
        .counter(divan::counter::ItemsCount::new(PACKAGES * 16 * 9))
        .bench(|| simulate(&inputs, 2).unwrap());
}
