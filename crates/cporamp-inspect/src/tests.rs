//! Tests of the analytics on hand-made and seeded records.

use super::*;
use cporamp_core::coupling::FiberAttach;
use cporamp_core::units::{Db, Hours, Micrometres, Milliradians, Nanometres, Usd};
use cporamp_yield::TestCosts;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

fn record(package: u64, engine: u64, lane: u64) -> Record {
    Record {
        file: 0,
        row: package * 100 + engine * 10 + lane + 1,
        lot: Some(package / 2),
        pic_wafer: Some(engine),
        package,
        engine,
        lane,
        insertion: 0,
        station: 0,
        week: None,
        position_rho_sq: Some(0.5),
        values: ByParameter([Some(0.1), Some(5.0), Some(1.0)]),
        laser_dead: Some(false),
        laser_weak: Some(false),
        reworks: Some(0),
        failures: 0,
        package_test_pass: Some(true),
        shipped: true,
        wafer: None,
        asic_wafer_dies_tested: None,
        asic_wafer_dies_passed: None,
        warpage_um: None,
        package_test_caught: None,
        system_test_caught: None,
    }
}

fn inspector() -> Inspector {
    let mut inspector = Inspector::new(InspectOptions::default());
    assert_eq!(inspector.intern("package_test"), 0);
    inspector
}

#[test]
fn a_repeated_key_names_both_rows() {
    let mut inspector = inspector();
    inspector.push(&record(3, 1, 2)).unwrap();
    let mut again = record(3, 1, 2);
    again.row = 999;
    let error = inspector.push(&again).unwrap_err();
    assert_eq!(error.first, (0, 313));
    assert_eq!(error.second, (0, 999));
    assert_eq!(error.insertion, "package_test");
    // Another insertion of the same lane is a different key.
    again.insertion = inspector.intern("system_test");
    inspector.push(&again).unwrap();
}

#[test]
fn pareto_counts_rejected_packages_by_mechanism_and_insertion() {
    // Package 0 ships; 1 fails package test with coupling on one lane and laser on another;
    // 2 fails package test with coupling; 3 passes package test, rejected at system test
    // with no lane failure (an ASIC reject).
    let mut inspector = inspector();
    for package in 0..4 {
        for lane in 0..4 {
            let mut r = record(package, 0, lane);
            r.shipped = package == 0;
            r.package_test_pass = Some(package == 0 || package == 3);
            r.failures = match (package, lane) {
                (1, 0) | (2, 3) => 1,
                (1, 1) => 2,
                _ => 0,
            };
            inspector.push(&r).unwrap();
        }
    }
    let result = inspector.finish(2);
    let pareto = &result.pareto;
    assert_eq!(pareto.rejected_packages, 3);
    let bar = |bars: &[ParetoBar], label: &str| {
        bars.iter().find(|b| b.label == label).map(|b| b.count).unwrap()
    };
    assert_eq!(pareto.packages_by_mechanism[0].label, "coupling");
    assert_eq!(bar(&pareto.packages_by_mechanism, "coupling"), 2);
    assert_eq!(bar(&pareto.packages_by_mechanism, "laser"), 1);
    assert_eq!(bar(&pareto.packages_by_mechanism, "no lane failure"), 1);
    // 4 counts in all: coupling 2/4, then laser and no lane failure (alphabetical) 3/4, 4/4.
    assert!((pareto.packages_by_mechanism[0].cumulative_share - 0.5).abs() < 1e-12);
    assert_eq!(bar(&pareto.lanes_by_mechanism, "coupling"), 2);
    assert_eq!(bar(&pareto.packages_by_insertion, "package_test"), 2);
    assert_eq!(bar(&pareto.packages_by_insertion, "system_test"), 1);
    assert_eq!(result.yield_overall.count, 1);
    assert_eq!(result.yield_overall.total, 4);
    // Lots of two packages: lot 0 = {0, 1} ships 1 of 2, lot 1 = {2, 3} none.
    assert_eq!(result.yield_by_lot.len(), 2);
    assert_eq!(result.yield_by_lot[0].yield_.count, 1);
    assert_eq!(result.yield_by_lot[1].yield_.count, 0);
    assert!(result.yield_by_week.is_empty());
}

#[test]
fn weeks_from_build_order_when_the_data_has_none() {
    let mut inspector =
        Inspector::new(InspectOptions { packages_per_week: Some(3), ..Default::default() });
    inspector.intern("package_test");
    for package in 0..7 {
        let mut r = record(package, 0, 0);
        r.shipped = package % 2 == 0;
        inspector.push(&r).unwrap();
    }
    let weeks = inspector.finish(1).yield_by_week;
    // Weeks {0,1,2}, {3,4,5}, {6}: shipped 2, 1, 1.
    let counts: Vec<(u64, u64)> = weeks.iter().map(|w| (w.yield_.count, w.yield_.total)).collect();
    assert_eq!(counts, [(2, 3), (1, 3), (1, 1)]);
}

#[test]
fn cpk_and_ppk_of_normal_data_meet_the_closed_form_within_their_standard_errors() {
    // 2,500 subgroups of 8 from N(0.6, 0.1²), limits [0, 1]: Cpk = Ppk = min(0.4, 0.6)/0.3
    // = 4/3. Bissell's SE at n = 20,000 is 0.0070; the estimate must lie within 4 SE (a
    // false failure about once in 16,000 runs; the seed is fixed anyway).
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let normal = Normal::new(0.6, 0.1).unwrap();
    let mut options = InspectOptions::default();
    options.limits[Parameter::CouplingLossDb] = SpecLimits { lower: Some(0.0), upper: Some(1.0) };
    let mut inspector = Inspector::new(options);
    inspector.intern("package_test");
    for package in 0..2500 {
        for lane in 0..8 {
            let mut r = record(package, 0, lane);
            r.values = ByParameter([Some(normal.sample(&mut rng)), None, None]);
            inspector.push(&r).unwrap();
        }
    }
    let result = inspector.finish(1);
    let c = &result.capability[0];
    assert_eq!(c.count, 20_000);
    for index in [c.cpk.unwrap(), c.ppk.unwrap()] {
        let expected = 4.0 / 3.0;
        assert!((index.value - expected).abs() < 4.0 * index.se, "{index:?} vs {expected}");
        assert!(index.se < 0.008 && index.se > 0.006, "{index:?}");
    }
}

#[test]
fn bissell_interval_covers_the_true_cpk_about_95_percent_of_the_time() {
    // 400 samples of 50 normal values, true Cpk 1: the 95 % interval should cover it in
    // 95 % of them (binomial SE 1.1 %); accept 90-99 % (4 SE below, the approximation's own
    // error above).
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let normal = Normal::new(0.0, 1.0).unwrap();
    let limits = SpecLimits { lower: Some(-3.0), upper: Some(3.0) };
    let mut covered = 0;
    for _ in 0..400 {
        let mut m = Moments::default();
        for _ in 0..50 {
            m.push(normal.sample(&mut rng));
        }
        let c = stats::capability(m.mean, m.sd(), m.count, limits).unwrap();
        covered += usize::from(c.low <= 1.0 && 1.0 <= c.high);
    }
    assert!((360..=396).contains(&covered), "covered {covered} of 400");
}

#[test]
fn the_bowl_is_recovered_from_positions_on_a_quadratic_surface() {
    // Loss = 0.2 + 0.5 rho² exactly at three positions, plus +-0.05 alternating per lane.
    let mut inspector = inspector();
    for package in 0..3 {
        for (engine, rho_sq) in [(0, 0.5), (1, 0.75), (2, 1.0)] {
            for lane in 0..4 {
                let mut r = record(package, engine, lane);
                r.position_rho_sq = Some(rho_sq);
                let noise = if lane % 2 == 0 { 0.05 } else { -0.05 };
                r.values = ByParameter([Some(0.2 + 0.5 * rho_sq + noise), None, None]);
                inspector.push(&r).unwrap();
            }
        }
    }
    let spatial = inspector.finish(1).spatial.unwrap();
    assert!((spatial.bowl_intercept_db.unwrap() - 0.2).abs() < 1e-12);
    assert!((spatial.bowl_slope_db_per_rho_sq.unwrap() - 0.5).abs() < 1e-12);
    assert!(spatial.residual_rms_db.unwrap() < 1e-12);
    assert_eq!(spatial.positions.len(), 3);
}

#[test]
fn spc_names_the_rows_of_an_out_of_control_engine() {
    // 30 engines in order, each 4 lanes around 0.1 dB +-0.01; engine 20 sits at 1.0 dB.
    let mut inspector = inspector();
    for package in 0..30 {
        for lane in 0..4 {
            let mut r = record(package, 0, lane);
            let base = if package == 20 { 1.0 } else { 0.1 };
            let wobble = [0.01, -0.01, 0.005, -0.005][((package + lane) % 4) as usize];
            r.values = ByParameter([Some(base + wobble), None, None]);
            inspector.push(&r).unwrap();
        }
    }
    let result = inspector.finish(1);
    let series = result.spc.iter().find(|s| s.parameter == "coupling_loss_db").unwrap();
    assert_eq!(series.subgroups, 30);
    let individuals = &series.charts[0];
    assert_eq!(individuals.chart.kind, "individuals");
    let rule_1: Vec<&FlaggedPoint> = individuals.flagged.iter().filter(|f| f.rule == 1).collect();
    assert_eq!(rule_1.len(), 1);
    assert_eq!(rule_1[0].point, 20);
    assert_eq!(rule_1[0].rows.package, 20);
    assert_eq!((rule_1[0].rows.first_row, rule_1[0].rows.last_row), (2001, 2004));
}

/// Yield inputs with on-engine lasers of 4 lanes, half of the engines with a dead laser
/// caught at engine test, no spare lanes, and a laser dead probability of 1 %.
pub(crate) fn yield_inputs(seed: u64) -> cporamp_yield::YieldInputs {
    cporamp_yield::YieldInputs {
        packages: 100,
        seed,
        engines_per_package: 8,
        lanes_per_engine: 32,
        spare_lanes_per_engine: 0,
        lanes_per_laser: 4,
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
        laser_dead_probability: 0.01,
        laser_weak_fraction: 0.01,
        laser_weak_rate_per_h: 0.01,
        drift_mean_nm: Nanometres(2.0),
        drift_sigma_nm: Nanometres(2.1),
        drift_global_fraction: 0.25,
        drift_wafer_fraction: 0.25,
        engines_per_pic_wafer: 50,
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
        engine_test: cporamp_yield::ByMechanism([0.0, 0.5, 0.95, 0.0, 0.0]),
        package_test: cporamp_yield::ByMechanism([0.98, 0.9, 0.9, 0.8, 0.5]),
        system_test: cporamp_yield::ByMechanism([0.5; 5]),
        burn_in_h: Hours(48.0),
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
            wafer_test_usd: Usd(50.0),
            engine_test_usd: Usd(40.0),
            package_test_usd: Usd(200.0),
            system_test_usd: Usd(100.0),
            burn_in_usd: Usd(100.0),
        },
    }
}

/// The yield engine's records as the reader would pass them.
fn from_lanes(lanes: &[cporamp_yield::LaneRecord]) -> Vec<Record> {
    lanes.iter().enumerate().map(|(row, r)| Record::of_lane(r, 0, row as u64 + 1)).collect()
}

#[test]
fn the_laser_dead_probability_is_recovered_within_its_interval_in_90_percent_of_seeds() {
    // 50 seeds of 100 packages x 8 engines x 8 lasers generated by the yield engine with
    // p = 1 % and engine-test laser coverage 0.5: the 95 % profile interval must hold the
    // generating p in at least 45 of them (expected 47.5; the binomial chance of 44 or fewer
    // at 95 % coverage is 4 %, and the seeds are fixed).
    let model =
        LaserModel { lanes_per_laser: 4, engine_test_coverage: 0.5, scenario_probability: 0.01 };
    let mut covered = 0;
    let mut estimates = Vec::new();
    for seed in 0..50 {
        let lanes = cporamp_yield::test_records(&yield_inputs(seed), 100).unwrap();
        let mut inspector =
            Inspector::new(InspectOptions { lasers: Some(model), ..InspectOptions::default() });
        inspector.intern("package_test");
        for record in from_lanes(&lanes) {
            inspector.push(&record).unwrap();
        }
        let fit = inspector.finish(1).calibration.unwrap().laser_dead.unwrap();
        assert_eq!(fit.lasers_per_engine, 8);
        assert_eq!(fit.engines, 800);
        covered += usize::from(fit.low <= 0.01 && 0.01 <= fit.high);
        estimates.push(fit.probability);
    }
    assert!(covered >= 45, "covered in {covered} of 50 seeds");
    // The estimates average near the truth (their spread is about 0.002 each, 0.0003 for the
    // mean of 50).
    let mean = estimates.iter().sum::<f64>() / 50.0;
    assert!((mean - 0.01).abs() < 0.0012, "mean estimate {mean}");
}

/// The fits' fixture: [`yield_inputs`] on 4 engines of 8 lanes (2 lasers each), one
/// re-attach of packages rejected for coupling (the alignment likelihood's rework factor),
/// and a weak fraction of 15 % half of which survives burn-in (about 26 weak lasers a seed).
fn fit_inputs(seed: u64) -> cporamp_yield::YieldInputs {
    cporamp_yield::YieldInputs {
        engines_per_package: 4,
        lanes_per_engine: 8,
        laser_weak_fraction: 0.15,
        engines_per_pic_wafer: 4,
        laser_weak_rate_per_h: std::f64::consts::LN_2 / 48.0,
        ..yield_inputs(seed)
    }
}

fn fits_of(inputs: &cporamp_yield::YieldInputs, packages: usize) -> yield_fit::YieldFits {
    let lanes = cporamp_yield::test_records(inputs, packages).unwrap();
    let mut inspector = Inspector::new(InspectOptions {
        lasers: Some(LaserModel {
            lanes_per_laser: inputs.lanes_per_laser as u64,
            engine_test_coverage: inputs.engine_test[cporamp_yield::Mechanism::Laser],
            scenario_probability: inputs.laser_dead_probability,
        }),
        fit_model: Some(yield_fit::FitModel::of_inputs(inputs)),
        ..InspectOptions::default()
    });
    inspector.intern("package_test");
    for record in from_lanes(&lanes) {
        inspector.push(&record).unwrap();
    }
    inspector.finish(1).yield_fits.unwrap()
}

#[test]
fn the_yield_engines_parameters_are_recovered_within_their_intervals_in_90_percent_of_seeds() {
    // 50 seeds of 60 packages x 4 engines x 8 lanes generated by the yield engine: every
    // fitted parameter's 95 % interval must hold its generating value in at least 45 of
    // them (expected 47.5; the binomial chance of 44 or fewer at 95 % coverage is 4 %, and
    // the seeds are fixed). The data carry the scenario's 2 mrad tilt (the alignment
    // likelihood takes its mean), one re-attach of packages rejected for coupling (its rework
    // factor) and fixed wavelength assignment on PIC wafers of 4 engines (about 60 wafers, so
    // that the engine and wafer ring sigmas are fitted; with 40 wafers the engine sigma's
    // interval covered in 44 of 50).
    let mut covered: BTreeMap<&str, usize> = BTreeMap::new();
    let mut sums: BTreeMap<&str, f64> = BTreeMap::new();
    let mut truth: BTreeMap<&str, f64> = BTreeMap::new();
    let mut spread: BTreeMap<&str, f64> = BTreeMap::new();
    for seed in 0..50 {
        let inputs = fit_inputs(1000 + seed);
        let fits = fits_of(&inputs, 60);
        // The ASIC, warpage and coverage fits have their own coverage test (below).
        let line = |name: &str| {
            name.starts_with("asic_") || name.starts_with("warpage_") || name.contains("coverage")
        };
        for row in fits.parameters.iter().filter(|row| !line(row.parameter)) {
            if let Some(fit) = row.fit {
                *covered.entry(row.parameter).or_default() += usize::from(fit.covers(row.default));
                *sums.entry(row.parameter).or_default() += fit.value / 50.0;
                // A seed's standard error from its interval (95 %: ±1.96 SE).
                *spread.entry(row.parameter).or_default() +=
                    (fit.high - fit.low) / (2.0 * 1.96) / 50.0;
                truth.insert(row.parameter, row.default);
            }
        }
    }
    let fitted: Vec<&str> = covered.keys().copied().collect();
    assert_eq!(
        fitted,
        [
            "block_common_sigma_um",
            "fiber_sigma_um",
            "laser_dead_probability",
            "laser_weak_fraction",
            "ring_engine_sigma_nm",
            "ring_local_sigma_nm",
            "ring_wafer_sigma_nm"
        ],
        "every seed fits the identified parameters"
    );
    // The mean of 50 estimates lies within 3 standard errors of the mean of the truth (a
    // seed's SE from its interval over sqrt(50)): no bias beyond the noise (the neglected
    // tilt's 1-2 % on the alignment sigmas is under that).
    for (name, mean) in &sums {
        let se = spread[name] / 50f64.sqrt();
        assert!(
            (mean - truth[name]).abs() < 3.0 * se,
            "{name}: mean estimate {mean}, true {}, SE of the mean {se}",
            truth[name]
        );
    }
    // The laser dead probability has its own coverage test above (6400 lasers a seed); here a
    // seed has 3-6 dead lasers, where the profile interval of a near-zero binomial covers in
    // 44-50 of these seeds, so only its mean is checked below.
    assert!(
        covered.iter().all(|(name, &count)| count >= 45 || *name == "laser_dead_probability"),
        "covered in 50 seeds: {covered:?}"
    );
}

/// The line fits' fixture: [`fit_inputs`] on packages of 4 engines of 4 lanes (one laser
/// each), ASIC wafers of 8 dies in lots of 5 wafers (DA 0.5, alpha 2, lot alpha 10, wafer
/// sort coverage 0.95: about 50 wafers in the first batch of 256 packages), and failure
/// rates high enough, and package-test coverages low enough (0.3 coupling, 0.4 laser, 0.5
/// drift and warpage), that every lane mechanism reaches package and system test in enough
/// packages (20) for a fit: dead lasers 10 % with engine-test laser coverage 0.2, a 0.7 dB
/// coupling budget, heaters of 11 nm on an 11.4 nm FSR, engine joints that open at 0.55 µm
/// of sag (0.016 of a 30 ± 10 µm warpage: a third of the packages).
fn line_inputs(seed: u64) -> cporamp_yield::YieldInputs {
    cporamp_yield::YieldInputs {
        engines_per_package: 4,
        lanes_per_engine: 4,
        lanes_per_laser: 4,
        laser_dead_probability: 0.1,
        engine_test: cporamp_yield::ByMechanism([0.0, 0.2, 0.7, 0.0, 0.0]),
        engine_joint_open_um: Micrometres(0.55),
        tuning_range_nm: Nanometres(11.0),
        attach: FiberAttach { coupling_budget_db: Db(0.7), ..fit_inputs(seed).attach },
        package_test: cporamp_yield::ByMechanism([0.3, 0.4, 0.5, 0.5, 0.5]),
        asics_per_wafer: 8,
        wafers_per_lot: 5,
        asic_defects_per_die: 0.5,
        asic_cluster_alpha: Some(2.0),
        asic_lot_alpha: Some(10.0),
        wafer_test_coverage: 0.95,
        ..fit_inputs(seed)
    }
}

/// The fit data of the first `packages` packages of `inputs`' test data.
fn line_data(inputs: &cporamp_yield::YieldInputs, packages: usize) -> yield_fit::FitData {
    let lanes = cporamp_yield::test_records(inputs, packages).unwrap();
    let mut inspector = Inspector::new(InspectOptions {
        fit_model: Some(yield_fit::FitModel::of_inputs(inputs)),
        ..InspectOptions::default()
    });
    inspector.intern("package_test");
    for record in from_lanes(&lanes) {
        inspector.push(&record).unwrap();
    }
    inspector.fit_data().unwrap()
}

/// The line fits' rows (ASIC, warpage, coverages) of `inputs`' first 256 packages.
fn line_fits(inputs: &cporamp_yield::YieldInputs) -> Vec<yield_fit::ParameterFit> {
    let model = yield_fit::FitModel::of_inputs(inputs);
    // No alignment, ring or laser data: only the line rows are fitted.
    let data = yield_fit::FitData {
        engines: Vec::new(),
        buses: Vec::new(),
        weak_lasers: (0, 0),
        ..line_data(inputs, 256)
    };
    let fits = yield_fit::fit_all(&data, &model, None, 1);
    fits.parameters.into_iter().filter(|row| row.fit.is_some()).collect()
}

/// Coverage over `seeds` seeds of the line fits: per parameter, (seeds fitted, seeds whose
/// interval holds the generating value).
fn line_coverage(seeds: u64) -> BTreeMap<&'static str, (usize, usize)> {
    let per_seed: Vec<Vec<yield_fit::ParameterFit>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|half| {
                scope.spawn(move || {
                    (0..seeds)
                        .filter(|seed| seed % 2 == half)
                        .map(|seed| line_fits(&line_inputs(2000 + seed)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for rows in &per_seed {
        for row in rows {
            let fit = row.fit.unwrap();
            let slot = counts.entry(row.parameter).or_default();
            slot.0 += 1;
            slot.1 += usize::from(fit.covers(row.default));
        }
    }
    counts
}

/// Asserts the coverage (and prints the counts, shown with `--nocapture`): every ASIC, warpage and lane-mechanism coverage parameter fitted
/// in at least 90 % of the seeds, and its interval holding the generating value in at least
/// 90 % of those.
fn assert_line_coverage(seeds: u64) {
    let counts = line_coverage(seeds);
    let expected = [
        "asic_cluster_alpha",
        "asic_defects_per_die",
        "package_test_coverage_coupling",
        "package_test_coverage_drift",
        "package_test_coverage_laser",
        "package_test_coverage_warpage",
        "system_test_coverage_coupling",
        "system_test_coverage_drift",
        "system_test_coverage_laser",
        "system_test_coverage_warpage",
        "warpage_mean_um",
        "warpage_sigma_um",
    ];
    let names: Vec<&str> = counts.keys().copied().collect();
    assert_eq!(names, expected, "{counts:?}");
    for (name, (fitted, covered)) in &counts {
        assert!(
            *fitted as f64 >= 0.9 * seeds as f64,
            "{name}: fitted in {fitted} of {seeds}: {counts:?}"
        );
        assert!(
            *covered as f64 >= 0.9 * *fitted as f64,
            "{name}: covered in {covered} of {fitted} seeds: {counts:?}"
        );
    }
    #[allow(
        clippy::print_stderr,
        clippy::disallowed_macros,
        reason = "a test's figures for the record, not an engine's output"
    )]
    {
        eprintln!("line fits over {seeds} seeds (fitted, covered): {counts:?}");
    }
}

#[test]
fn the_line_parameters_are_recovered_within_their_intervals_in_90_percent_of_20_seeds() {
    // 20 seeds of the first batch (256 packages) of [`line_inputs`]: DA, alpha, warpage mean
    // and sigma and the lane mechanisms' package- and system-test coverages. The 50-seed
    // version below is the check; this one runs by default.
    assert_line_coverage(20);
}

#[test]
#[ignore = "the issue's 50-seed check: 6.5 s on 2 cores (10 s under load); the 20-seed one above runs by default in 3 s; run with --ignored"]
fn the_line_parameters_are_recovered_within_their_intervals_in_90_percent_of_50_seeds() {
    assert_line_coverage(50);
}

#[test]
fn the_refitted_line_reproduces_the_generating_yields_within_3_se() {
    // One seed of [`line_inputs`] fitted, and the yield engine run on the fits (DA, alpha,
    // warpage, the lane mechanisms' coverages) and on the generating values, 4096 packages
    // each: the wafer-sort pass fraction and the package yield agree within 3 standard errors
    // of their difference (the two runs' binomial SEs and the data's own: the fits come from
    // 256 packages, so the data's sampling error is carried by the refit too).
    let generating = cporamp_yield::YieldInputs { packages: 4096, ..line_inputs(99) };
    let rows = line_fits(&generating);
    let fitted = |name: &str| rows.iter().find(|r| r.parameter == name).and_then(|r| r.fit);
    let mut refit = generating.clone();
    refit.seed += 1;
    refit.asic_defects_per_die = fitted("asic_defects_per_die").unwrap().value;
    refit.asic_cluster_alpha = Some(fitted("asic_cluster_alpha").unwrap().value);
    refit.warpage_mean_um = Micrometres(fitted("warpage_mean_um").unwrap().value);
    refit.warpage_sigma_um = Micrometres(fitted("warpage_sigma_um").unwrap().value);
    for m in Mechanism::ALL {
        let names =
            (yield_fit::names::PACKAGE_TEST_COVERAGE[m], yield_fit::names::SYSTEM_TEST_COVERAGE[m]);
        if let Some(fit) = fitted(names.0) {
            refit.package_test[m] = fit.value;
        }
        if let Some(fit) = fitted(names.1) {
            refit.system_test[m] = fit.value;
        }
    }
    let a = cporamp_yield::simulate(&generating, 2).unwrap();
    let b = cporamp_yield::simulate(&refit, 2).unwrap();
    // The data's error: the data's 256 packages (and their dies) as a sample of the line.
    let data_se = |value: f64, n: f64| (value * (1.0 - value) / n).sqrt();
    for (what, x, y, n) in [
        ("wafer-sort pass", a.wafer_test_pass, b.wafer_test_pass, 256.0 / a.wafer_test_pass.value),
        ("package yield", a.package_yield, b.package_yield, 256.0),
    ] {
        let se = x.se.hypot(y.se).hypot(data_se(x.value, n));
        assert!((x.value - y.value).abs() < 3.0 * se, "{what}: {x:?} vs refit {y:?}, SE {se}");
    }
}
