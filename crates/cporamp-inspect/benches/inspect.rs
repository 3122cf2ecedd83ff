//! Inspection analytics over one million lanes: 2,048 packages of 16 engines x 32 lanes
//! (1,048,576 records, the size of a 102.4T line's month of package tests) folded into an
//! [`Inspector`] and finished on 2 threads. The reader's share (CSV and Parquet) is measured
//! by `cargo bench -p cporamp-cli --bench inspect`. The goal: `cporamp inspect` over
//! one million lanes in under 5 s on 2 cores.
//! Run: `cargo bench -p cporamp-inspect --bench inspect`. Figures go in BENCHMARKS.md.

use cporamp_core::coupling::FiberAttach;
use cporamp_core::units::{Db, Hours, Micrometres, Milliradians, Nanometres, Usd};
use cporamp_inspect::{InspectOptions, Inspector, Record, SpecLimits};
use cporamp_yield::TestCosts;

fn main() {
    divan::main();
}

/// A deterministic stream of numbers in [0, 1) (xorshift64*).
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One million lanes laid out as the yield engine writes them.
fn records() -> Vec<Record> {
    let mut stream = Stream(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::with_capacity(2048 * 512);
    for package in 0..2048u64 {
        let shipped = stream.next() < 0.6;
        let warp = stream.next();
        for engine in 0..16u64 {
            let along = ((engine % 4) as f64 + 0.5) / 4.0 - 0.5;
            let rho_sq = (0.25 + along * along) / 0.5;
            let block = stream.next();
            for lane in 0..32u64 {
                let loss = 0.1 + 0.3 * block + 0.2 * warp * rho_sq + 0.1 * stream.next();
                out.push(Record {
                    file: 0,
                    row: out.len() as u64 + 1,
                    lot: Some(package / 64),
                    pic_wafer: Some((package * 16 + engine) / 500),
                    package,
                    engine,
                    lane,
                    insertion: 0,
                    station: 0,
                    week: None,
                    position_rho_sq: Some(rho_sq),
                    values: cporamp_inspect::ByParameter([
                        Some(loss),
                        Some(5.0 + block),
                        Some(1.0 + stream.next()),
                    ]),
                    laser_dead: Some(false),
                    laser_weak: Some(false),
                    reworks: Some(0),
                    failures: u8::from(loss > 0.55),
                    package_test_pass: Some(shipped),
                    shipped,
                    wafer: Some(package / 16),
                    asic_wafer_dies_tested: Some(60),
                    asic_wafer_dies_passed: Some(40),
                    warpage_um: Some(50.0 + 10.0 * warp),
                    package_test_caught: Some(0),
                    system_test_caught: Some(0),
                });
            }
        }
    }
    out
}

#[divan::bench(sample_count = 5)]
fn one_million_lanes_2_threads(bencher: divan::Bencher) {
    let records = records();
    let mut options = InspectOptions { packages_per_week: Some(100), ..InspectOptions::default() };
    options.limits[cporamp_inspect::Parameter::CouplingLossDb] =
        SpecLimits { lower: None, upper: Some(1.0) };
    options.limits[cporamp_inspect::Parameter::HeaterShiftNm] =
        SpecLimits { lower: Some(0.0), upper: Some(4.5) };
    bencher.bench_local(|| {
        let mut inspector = Inspector::new(options.clone());
        inspector.intern("package_test");
        for record in &records {
            inspector.push(record).expect("unique keys");
        }
        divan::black_box(inspector.finish(2))
    });
}

/// The yield-engine fits (`cporamp inspect --fit`, `cporamp run --calibrate`) on the yield
/// engine's own records of 64 packages of 16 engines x 32 lanes with the default scenario's
/// alignment, rings and lasers: 1,024 engines, 32,768 lanes, the alignment likelihood's
/// quadrature per engine and evaluation dominating. The fit reads at most 2,048 engines
/// (`yield_fit::MAX_ALIGNMENT_ENGINES`), so this is half its largest cost.
#[divan::bench(sample_count = 5)]
fn yield_fits_1024_engines_2_threads(bencher: divan::Bencher) {
    let inputs = cporamp_yield::YieldInputs {
        packages: 64,
        seed: 1,
        engines_per_package: 16,
        lanes_per_engine: 32,
        spare_lanes_per_engine: 0,
        lanes_per_laser: 1,
        block_sigma_um: Micrometres(0.17),
        attach: FiberAttach {
            fiber_sigma_um: Micrometres(0.15),
            shift_sigma_um: Micrometres(0.15),
            mode_radius_um: Micrometres(2.0),
            wavelength_um: Micrometres(1.31),
            gap_index: 1.5,
            gap_mean_um: Micrometres(5.0),
            gap_sigma_um: Micrometres(1.5),
            tilt_sigma_mrad: Milliradians(2.0),
            coupling_budget_db: Db(1.0),
        },
        laser_dead_probability: 0.002,
        laser_weak_fraction: 0.01,
        laser_weak_rate_per_h: 0.175,
        drift_mean_nm: Nanometres(2.0),
        drift_sigma_nm: Nanometres(2.1),
        drift_global_fraction: 0.485,
        drift_wafer_fraction: 0.485,
        engines_per_pic_wafer: 500,
        fsr_nm: Nanometres(9.12),
        tuning_range_nm: Nanometres(4.5),
        rings_per_lane: 2,
        reassignment_step_nm: Some(Nanometres(1.14)),
        warpage_mean_um: Micrometres(78.0),
        warpage_sigma_um: Micrometres(19.5),
        warpage_lateral_per_um: 0.0014,
        reflow_warpage_fraction: 0.75,
        bga_open_low_um: Micrometres(90.0),
        bga_open_high_um: Micrometres(220.0),
        engine_sag_per_um: 0.02,
        engine_joint_open_um: Micrometres(10.0),
        asic_defects_per_die: 0.6,
        asic_cluster_alpha: Some(3.0),
        asics_per_wafer: 60,
        wafers_per_lot: 25,
        asic_lot_alpha: Some(10.0),
        wafer_test_coverage: 0.99,
        engine_test: cporamp_yield::ByMechanism([0.0, 0.95, 0.95, 0.0, 0.0]),
        package_test: cporamp_yield::ByMechanism([0.99, 0.95, 0.95, 0.9, 0.9]),
        system_test: cporamp_yield::ByMechanism([0.5; 5]),
        burn_in_h: Hours(96.0),
        rework: cporamp_yield::Rework {
            attempts: 1,
            damage_probability: 0.1,
            usd: cporamp_core::units::Usd(200.0),
        },
        els: None,
        asic_usd: Usd(10_000.0),
        engine_usd: Usd(800.0),
        packaging_usd: Usd(1500.0),
        test_costs: TestCosts {
            wafer_test_usd: Usd(100.0),
            engine_test_usd: Usd(50.0),
            package_test_usd: Usd(300.0),
            system_test_usd: Usd(200.0),
            burn_in_usd: Usd(150.0),
        },
    };
    let model = cporamp_inspect::yield_fit::FitModel::of_inputs(&inputs);
    let lanes = cporamp_yield::test_records(&inputs, 64).expect("records");
    let mut inspector =
        Inspector::new(InspectOptions { fit_model: Some(model), ..InspectOptions::default() });
    inspector.intern("package_test");
    for (row, lane) in lanes.iter().enumerate() {
        inspector.push(&Record::of_lane(lane, 0, row as u64 + 1)).expect("unique keys");
    }
    let data = inspector.fit_data().expect("a fit model");
    assert_eq!(data.engines.len(), 1024);
    bencher.bench_local(|| {
        divan::black_box(cporamp_inspect::yield_fit::fit_all(&data, &model, None, 2))
    });
}
