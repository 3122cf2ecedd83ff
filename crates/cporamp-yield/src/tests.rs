//! The Monte Carlo against closed forms: Poisson and negative-binomial yield,
//! Williams-Brown escapes, cost with scrap, misalignment loss; determinism; bad input.

use super::*;
use crate::settings::TestCosts;
use cporamp_core::coupling::FiberAttach;
use cporamp_core::units::{Db, Hours, Micrometres, Milliradians, Nanometres, Usd};

/// Everything off: no defects, perfect coupling and rings, no warpage, zero cost.
pub(crate) fn quiet() -> YieldInputs {
    YieldInputs {
        packages: 20_000,
        seed: 7,
        engines_per_package: 8,
        lanes_per_engine: 8,
        spare_lanes_per_engine: 0,
        lanes_per_laser: 1,
        block_sigma_um: Micrometres(0.0),
        attach: FiberAttach {
            fiber_sigma_um: Micrometres(0.0),
            shift_sigma_um: Micrometres(0.0),
            mode_radius_um: Micrometres(4.6),
            wavelength_um: Micrometres(1.31),
            gap_index: 1.0,
            gap_mean_um: Micrometres(0.0),
            gap_sigma_um: Micrometres(0.0),
            tilt_sigma_mrad: Milliradians(0.0),
            coupling_budget_db: Db(1e9),
        },
        laser_dead_probability: 0.0,
        laser_weak_fraction: 0.0,
        laser_weak_rate_per_h: 0.0,
        drift_mean_nm: Nanometres(1.0),
        drift_sigma_nm: Nanometres(0.0),
        drift_global_fraction: 0.5,
        drift_wafer_fraction: 0.0,
        engines_per_pic_wafer: 1,
        fsr_nm: Nanometres(11.4),
        tuning_range_nm: Nanometres(12.6),
        rings_per_lane: 1,
        reassignment_step_nm: None,
        warpage_mean_um: Micrometres(0.0),
        warpage_sigma_um: Micrometres(0.0),
        warpage_lateral_per_um: 0.0,
        reflow_warpage_fraction: 1.0,
        bga_open_low_um: Micrometres(1e9),
        bga_open_high_um: Micrometres(1e9),
        engine_sag_per_um: 0.0,
        engine_joint_open_um: Micrometres(1e9),
        asic_defects_per_die: 0.0,
        asic_cluster_alpha: None,
        asics_per_wafer: 1,
        wafers_per_lot: 1,
        asic_lot_alpha: None,
        wafer_test_coverage: 0.0,
        engine_test: ByMechanism([0.0; 5]),
        package_test: ByMechanism([1.0; 5]),
        system_test: ByMechanism([0.0; 5]),
        burn_in_h: Hours(0.0),
        rework: Rework { attempts: 0, damage_probability: 0.0, usd: Usd(0.0) },
        els: None,
        asic_usd: Usd(0.0),
        engine_usd: Usd(0.0),
        packaging_usd: Usd(0.0),
        test_costs: TestCosts {
            wafer_test_usd: Usd(0.0),
            engine_test_usd: Usd(0.0),
            package_test_usd: Usd(0.0),
            system_test_usd: Usd(0.0),
            burn_in_usd: Usd(0.0),
        },
    }
}

fn within(estimate: Fraction, expected: f64) {
    assert!(estimate.se > 0.0, "no spread: {estimate:?}");
    assert!(
        (estimate.value - expected).abs() < 3.0 * estimate.se,
        "{} +- {} vs {expected}",
        estimate.value,
        estimate.se
    );
}

#[test]
fn independent_poisson_mechanisms_multiply() {
    // ASIC D A = 0.2 and lasers dead with 1 - exp(-D_L A_L), D_L A_L = 0.002, 64 lasers:
    // Y = exp(-0.2) exp(-64 x 0.002).
    let inputs = YieldInputs {
        asic_defects_per_die: 0.2,
        laser_dead_probability: 1.0 - (-0.002f64).exp(),
        ..quiet()
    };
    let result = simulate(&inputs, 2).unwrap();
    within(result.package_test_pass, (-0.2f64).exp() * (-64.0 * 0.002f64).exp());
}

#[test]
fn clustered_defects_follow_the_negative_binomial() {
    // Gamma(alpha) density per wafer, one die per wafer: Y = (1 + D A / alpha)^(-alpha).
    let inputs =
        YieldInputs { asic_defects_per_die: 0.5, asic_cluster_alpha: Some(2.0), ..quiet() };
    let result = simulate(&inputs, 2).unwrap();
    within(result.package_test_pass, (1.0f64 + 0.25).powi(-2));
    // Clustering helps: Poisson would give exp(-0.5) = 0.607 < 0.64.
    assert!(result.package_test_pass.value > (-0.5f64).exp());
}

#[test]
fn escapes_follow_williams_brown_and_cost_follows_the_scrap_closed_form() {
    // One insertion of coverage T on Poisson faults: pass = Y^T, defect level
    // DL = 1 - Y^(1-T). Every assembled package costs C; cost per shipped = C / Y^T.
    let coverage = 0.7;
    let mut package_test = ByMechanism([1.0; 5]);
    package_test[Mechanism::Asic] = coverage;
    let inputs = YieldInputs {
        asic_defects_per_die: 0.5,
        package_test,
        asic_usd: Usd(1000.0),
        packaging_usd: Usd(200.0),
        test_costs: TestCosts { package_test_usd: Usd(50.0), ..quiet().test_costs },
        ..quiet()
    };
    let result = simulate(&inputs, 2).unwrap();
    let y = (-0.5f64).exp();
    within(result.package_test_pass, y.powf(coverage));
    let shipped = result.package_yield.value * inputs.packages as f64;
    let escapes = result.escapes_total_dppm * 1e-6;
    let se = (escapes * (1.0 - escapes) / shipped).sqrt();
    let expected = 1.0 - y.powf(1.0 - coverage);
    assert!((escapes - expected).abs() < 3.0 * se, "DL {escapes} +- {se} vs {expected}");
    // Cost: total / shipped with shipped ~ Binomial(n, Y^T): relative SE = SE(pass)/pass.
    let expected_cost = 1250.0 / y.powf(coverage);
    let relative_se = result.package_yield.se / result.package_yield.value;
    assert!(
        (result.cost.total_usd / expected_cost - 1.0).abs() < 3.0 * relative_se,
        "{} vs {expected_cost}",
        result.cost.total_usd
    );
    assert!((result.cost.ideal_usd - 1250.0).abs() < 1e-9);
}

#[test]
fn misalignment_fails_lanes_at_the_rayleigh_tail_of_the_mode_overlap() {
    // Independent fibers: x, y ~ N(0, s^2), s = 1 µm; loss 10 log10(e) d^2 / w^2 > B when
    // d^2 > d_c^2 = B w^2 / (10 log10 e): P = exp(-d_c^2 / (2 s^2)).
    let inputs = YieldInputs {
        attach: FiberAttach {
            fiber_sigma_um: Micrometres(1.0),
            coupling_budget_db: Db(1.0),
            ..quiet().attach
        },
        package_test: ByMechanism([1.0; 5]),
        packages: 4000,
        ..quiet()
    };
    let result = simulate(&inputs, 2).unwrap();
    let d_c_sq = 1.0 * 4.6 * 4.6 / (10.0 * std::f64::consts::LOG10_E);
    let expected = (-d_c_sq / (2.0 * 1.0)).exp();
    within(result.lane_failures_by_mechanism[Mechanism::Coupling], expected);
    // Spares: with 2 spares an engine of 10 lanes fails when 3 or more fail (binomial).
    let spared = YieldInputs { spare_lanes_per_engine: 2, lanes_per_engine: 8, ..inputs };
    let result = simulate(&spared, 2).unwrap();
    let p = expected;
    let binomial = |k: u32| {
        let n = 10u32;
        let choose = (0..k).fold(1.0, |acc, i| acc * f64::from(n - i) / f64::from(i + 1));
        choose * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
    };
    let engine_ok = binomial(0) + binomial(1) + binomial(2);
    within(result.package_test_pass, engine_ok.powi(8));
}

#[test]
fn same_seed_same_result_at_one_and_two_threads() {
    let inputs = YieldInputs {
        packages: 3000,
        asic_defects_per_die: 0.3,
        laser_dead_probability: 0.001,
        laser_weak_fraction: 0.01,
        laser_weak_rate_per_h: 0.01,
        burn_in_h: Hours(48.0),
        attach: FiberAttach {
            fiber_sigma_um: Micrometres(0.5),
            coupling_budget_db: Db(0.5),
            ..quiet().attach
        },
        drift_sigma_nm: Nanometres(2.0),
        tuning_range_nm: Nanometres(9.0),
        warpage_mean_um: Micrometres(30.0),
        warpage_sigma_um: Micrometres(10.0),
        warpage_lateral_per_um: 0.01,
        bga_open_low_um: Micrometres(40.0),
        bga_open_high_um: Micrometres(60.0),
        ..quiet()
    };
    let one = simulate(&inputs, 1).unwrap();
    let two = simulate(&inputs, 2).unwrap();
    assert_eq!(one, two);
    let other = simulate(&YieldInputs { seed: 8, ..inputs.clone() }, 2).unwrap();
    assert_ne!(one, other);
    // Pooled with other runs and closed forms, each run is its own simulation, at any thread
    // count (a run of 100 packages ends inside its only batch).
    let runs = [
        YieldInputs { seed: 8, ..inputs.clone() },
        inputs.clone(),
        YieldInputs { packages: 100, ..inputs.clone() },
    ];
    let forms = [inputs.clone()];
    for threads in [1, 2, 3] {
        let count = std::sync::atomic::AtomicUsize::new(0);
        let done = || {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        };
        let (results, closed) = simulate_all(&runs, &forms, threads, &done).unwrap();
        assert_eq!(results[0], other);
        assert_eq!(results[1], one);
        assert_eq!(results[2], simulate(&runs[2], 1).unwrap());
        assert_eq!(closed, vec![closed_form::closed_forms(&inputs)]);
        assert_eq!(count.into_inner(), work_units(&runs, &forms));
        assert_eq!(work_units(&runs, &forms), 1 + 2 * 3000_usize.div_ceil(BATCH) + 1);
    }
}

#[test]
fn bad_input_gets_a_named_error() {
    let mut package_test = ByMechanism([1.0; 5]);
    package_test[Mechanism::Laser] = 1.2;
    let error = simulate(&YieldInputs { package_test, ..quiet() }, 1).unwrap_err();
    assert_eq!(error.to_string(), "yield: package_test.laser = 1.2; expected a coverage in [0, 1]");
    let error = simulate(&YieldInputs { asic_defects_per_die: -0.1, ..quiet() }, 1).unwrap_err();
    assert!(error.to_string().contains("asic_defects_per_die = -0.1"), "{error}");
    let error = simulate(&YieldInputs { lanes_per_engine: 0, ..quiet() }, 1).unwrap_err();
    assert!(error.to_string().contains("lanes_per_engine = 0"), "{error}");
}

#[test]
fn laser_burn_in_screens_the_weak_population_as_its_exponential_says() {
    // Weak fraction f, burn-in survival s = exp(-rate t): a chip passes with 1 - f (1 - s);
    // installed chips are weak with w = f s / (1 - f (1 - s)); a package of n lasers ships an
    // infant-mortality escape with 1 - (1 - w)^n.
    let (f, rate, hours) = (0.05, 0.02, 48.0);
    let inputs = YieldInputs {
        laser_weak_fraction: f,
        laser_weak_rate_per_h: rate,
        burn_in_h: Hours(hours),
        engines_per_package: 2,
        lanes_per_engine: 4,
        ..quiet()
    };
    let result = simulate(&inputs, 2).unwrap();
    let s = (-rate * hours).exp();
    within(result.burn_in_pass, 1.0 - f * (1.0 - s));
    let w = f * s / (1.0 - f * (1.0 - s));
    let expected = 1.0 - (1.0 - w).powi(8);
    let escapes = result.escapes_dppm[Mechanism::Laser] * 1e-6;
    let se = (expected * (1.0 - expected) / inputs.packages as f64).sqrt();
    assert!((escapes - expected).abs() < 3.0 * se, "{escapes} vs {expected} +- {se}");
}

#[test]
fn wright_law_halves_as_the_learning_rate_says_and_the_ramp_improves() {
    // 80 % learning: each doubling multiplies defect levels by 0.8; 8x volume by 0.512.
    assert!((wright_factor(2.0e4, 1.0e4, 0.8) - 0.8).abs() < 1e-12);
    assert!((wright_factor(8.0e4, 1.0e4, 0.8) - 0.512).abs() < 1e-12);
    assert!((wright_factor(1.0e4, 1.0e4, 0.8) - 1.0).abs() < 1e-12);
    let inputs = YieldInputs {
        laser_dead_probability: 0.003,
        laser_weak_fraction: 0.01,
        laser_weak_rate_per_h: 0.1,
        burn_in_h: Hours(10.0),
        package_test: ByMechanism([0.99; 5]),
        ..quiet()
    };
    let first = Quarter::new(2026, 1).unwrap();
    let points: Vec<(Quarter, f64)> = [1e3, 1e4, 1e5]
        .iter()
        .enumerate()
        .map(|(i, &units)| (first.plus(i as i32), units))
        .collect();
    let points = ramp(&inputs, &points, 1e4, 0.8, 4000, 2).unwrap();
    // At the reference volume the ramp point is the plain simulation.
    let plain = simulate(&YieldInputs { packages: 4000, ..inputs.clone() }, 2).unwrap();
    assert_eq!(points[1].package_yield, plain.package_yield);
    assert!(points[0].package_yield.value < points[1].package_yield.value);
    assert!(points[1].package_yield.value < points[2].package_yield.value);
    assert!(points[0].cost_usd >= points[2].cost_usd);
    let error = ramp(&inputs, &[(first, 1e3)], 1e4, 1.2, 100, 1).unwrap_err();
    assert!(error.to_string().contains("learning_rate = 1.2"), "{error}");
}

#[test]
fn a_package_without_lasers_or_attach_spread_has_the_same_ramp_point_at_every_volume() {
    // The ramp scales laser defects and the attach spread only (ASIC defects are the
    // foundry's); without either every point is the plain simulation (simulated once and
    // repeated), whatever the laser figures say.
    let inputs = YieldInputs {
        lanes_per_laser: 0,
        laser_dead_probability: 0.003,
        asic_defects_per_die: 0.3,
        ..quiet()
    };
    let first = Quarter::new(2026, 1).unwrap();
    let points: Vec<(Quarter, f64)> = [1e3, 1e4, 1e5]
        .iter()
        .enumerate()
        .map(|(i, &units)| (first.plus(i as i32), units))
        .collect();
    let ramped = ramp(&inputs, &points, 1e4, 0.8, 2000, 2).unwrap();
    let plain = simulate(&YieldInputs { packages: 2000, ..inputs.clone() }, 2).unwrap();
    for point in &ramped {
        assert_eq!(point.package_yield, plain.package_yield);
        assert_eq!(point.cost_usd.to_bits(), plain.cost.total_usd.to_bits());
    }
    // The factor is still reported: 0.8^log2(1e3/1e4) = 2.10 at a tenth of the volume.
    assert!((ramped[0].defect_factor - 0.8f64.powf((0.1f64).log2())).abs() < 1e-12);
}

#[test]
fn tornado_ranks_the_only_active_mechanism_first_and_its_saving_is_the_yield_cost() {
    // Only ASIC defects (Poisson, full package-test coverage): removing them restores the
    // ideal cost; every other mechanism saves nothing (common random numbers: exactly 0).
    let inputs = YieldInputs {
        asic_defects_per_die: 0.3,
        asic_usd: Usd(1000.0),
        packaging_usd: Usd(100.0),
        ..quiet()
    };
    let bars = tornado(&inputs, 5000, 2).unwrap();
    assert_eq!(bars[0].mechanism, Mechanism::Asic);
    assert!((bars[0].cost_without_usd - 1100.0).abs() < 1e-9);
    assert!(bars[1..].iter().all(|bar| bar.saving_usd.abs() < 1e-9), "{bars:?}");
    // Closed form of the saving: 1100 / Y - 1100 with Y = exp(-0.3), within 4 SE: the
    // saving's SE is 1100 SE(Y) / Y^2 with SE(Y) = sqrt(Y (1 - Y) / 5000) (3.2 % of it).
    let y = (-0.3f64).exp();
    let expected = 1100.0 / y - 1100.0;
    let se = 1100.0 * (y * (1.0 - y) / 5000.0).sqrt() / (y * y);
    assert!(
        (bars[0].saving_usd - expected).abs() < 4.0 * se,
        "{} vs {expected} (SE {se})",
        bars[0].saving_usd
    );
}

#[test]
fn test_records_are_the_simulated_packages_lane_by_lane() {
    // The records of the first packages are those simulate draws: per-mechanism lane
    // failures and package-test passes agree exactly; the CSV has a schema line, a header
    // and one line per lane.
    let inputs = YieldInputs {
        packages: 200,
        engines_per_package: 4,
        lanes_per_engine: 8,
        spare_lanes_per_engine: 1,
        laser_dead_probability: 0.01,
        attach: FiberAttach {
            fiber_sigma_um: Micrometres(1.0),
            coupling_budget_db: Db(0.8),
            ..quiet().attach
        },
        drift_sigma_nm: Nanometres(3.0),
        tuning_range_nm: Nanometres(10.0),
        asic_defects_per_die: 0.2,
        ..quiet()
    };
    let result = simulate(&inputs, 1).unwrap();
    let records = test_records(&inputs, 200).unwrap();
    assert_eq!(records.len(), 200 * 4 * 9);
    for mechanism in Mechanism::ALL {
        let name = mechanism.name();
        let count = records.iter().filter(|r| r.failures.split('+').any(|f| f == name)).count();
        let expected = result.lane_failures_by_mechanism[mechanism].value * records.len() as f64;
        assert!((count as f64 - expected).abs() < 1e-6, "{name}: {count} vs {expected}");
    }
    let passed =
        records.iter().filter(|r| r.lane == 0 && r.engine == 0 && r.package_test_pass).count();
    assert!((passed as f64 / 200.0 - result.package_test_pass.value).abs() < 1e-12);
    let csv = test_data_csv(&records, "cpo_els", "102.4T");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("# cporamp yield test data, schema 3"));
    assert!(lines[1].starts_with("lot,wafer,pic_wafer,package,engine,lane,"));
    assert_eq!(lines[2].split(',').count(), TEST_DATA_COLUMNS.len());
    assert_eq!(lines.len(), 2 + records.len());
}

#[test]
fn a_gap_shrinks_the_lateral_tolerance_as_the_propagated_mode_says() {
    // A fixed 25 µm gap: the gap alone costs 4/(4 + Z²), Z = z/z_R, and a lateral offset d
    // then costs exp(-4d²/(w²(4 + Z²))) (Joyce and DeLoach). A lane fails beyond the budget
    // B: 10 log10(e)·[4 r²/(w²(4+Z²))] > B + 10 log10((4+Z²)/4), a Rayleigh tail
    // exp(-r_c²/2σ²) in the radial offset.
    let (w, z, sigma, budget_db) = (4.6_f64, 25.0_f64, 1.0_f64, 0.8_f64);
    let inputs = YieldInputs {
        lanes_per_laser: 0,
        attach: FiberAttach {
            gap_mean_um: Micrometres(z),
            fiber_sigma_um: Micrometres(sigma),
            coupling_budget_db: Db(budget_db),
            ..quiet().attach
        },
        package_test: ByMechanism([0.0; 5]),
        ..quiet()
    };
    let z_r = std::f64::consts::PI * w * w / 1.31;
    let big_z_sq = (z / z_r).powi(2);
    let gap_db = 10.0 * ((4.0 + big_z_sq) / 4.0).log10();
    let r_c_sq =
        (budget_db - gap_db) / (10.0 * std::f64::consts::LOG10_E) * w * w * (4.0 + big_z_sq) / 4.0;
    let expected = (-r_c_sq / (2.0 * sigma * sigma)).exp();
    let result = simulate(&inputs, 2).unwrap();
    within(result.lane_failures_by_mechanism[Mechanism::Coupling], expected);
}

#[test]
fn rework_recovers_coupling_rejects_as_the_attempt_recursion_says() {
    // Only coupling fails: an engine of 4 lanes fails with p = 1 - (1 - q)^4, q the Rayleigh
    // tail per lane. Each attempt survives damage with s and re-attaches the K failing
    // engines, of which Binomial(K, p) fail again. With n attempts left, a package with K
    // failing engines ships with P(K, n) = [K = 0] + [K > 0, n > 0] s Σ_j b(j; K, p) P(j, n-1)
    // and makes A(K, n) = [K > 0, n > 0] (1 + s Σ_j b(j; K, p) A(j, n-1)) attempts.
    let inputs = YieldInputs {
        engines_per_package: 2,
        lanes_per_engine: 4,
        lanes_per_laser: 0,
        attach: FiberAttach {
            fiber_sigma_um: Micrometres(1.0),
            coupling_budget_db: Db(1.2),
            ..quiet().attach
        },
        rework: Rework { attempts: 2, damage_probability: 0.1, usd: Usd(50.0) },
        ..quiet()
    };
    let w: f64 = 4.6;
    let q = (-1.2 / (10.0 * std::f64::consts::LOG10_E) * w * w / 2.0).exp();
    let p = 1.0 - (1.0 - q).powi(4);
    let s = 0.9;
    let b = |j: usize, k: usize| {
        let choose = if j == 1 && k == 2 { 2.0 } else { 1.0 };
        choose * p.powi(j as i32) * (1.0 - p).powi((k - j) as i32)
    };
    fn recurse(k: usize, n: usize, s: f64, b: &dyn Fn(usize, usize) -> f64) -> (f64, f64) {
        if k == 0 {
            return (1.0, 0.0);
        }
        if n == 0 {
            return (0.0, 0.0);
        }
        let (mut ship, mut attempts) = (0.0, 1.0);
        for j in 0..=k {
            let (ship_j, attempts_j) = recurse(j, n - 1, s, b);
            ship += s * b(j, k) * ship_j;
            attempts += s * b(j, k) * attempts_j;
        }
        (ship, attempts)
    }
    let (mut expected, mut attempts) = (0.0, 0.0);
    for k in 0..=2 {
        let (ship, tries) = recurse(k, 2, s, &b);
        expected += b(k, 2) * ship;
        attempts += b(k, 2) * tries;
    }
    let result = simulate(&inputs, 2).unwrap();
    within(result.package_yield, expected);
    within(result.rework_recovered, expected - (1.0 - p).powi(2));
    within(result.rework_damaged, 0.1);
    // The waterfall's steps sum to the yield.
    let sum: f64 = result.waterfall.iter().map(|step| step.change.value).sum();
    assert!((sum - result.package_yield.value).abs() < 1e-12, "{sum}");
    // Attempts per package: a mean of at most 2 per package, standard error below 0.01.
    assert!(
        (result.reworks_per_package - attempts).abs() < 0.02,
        "{} vs {attempts}",
        result.reworks_per_package
    );
}

#[test]
fn els_modules_with_spare_lasers_follow_the_binomial() {
    // 8 lasers, 6 needed, each dead with 0.05: P(pass) = Σ_{j>=6} C(8,j) 0.95^j 0.05^(8-j).
    let inputs = YieldInputs {
        lanes_per_laser: 0,
        laser_dead_probability: 0.05,
        els: Some(Els { lasers: 8, lasers_needed: 6, per_switch: 4 }),
        ..quiet()
    };
    let binomial =
        |n: u64, k: u64| -> f64 { (1..=k).map(|i| (n - k + i) as f64 / i as f64).product() };
    let expected: f64 = (6..=8)
        .map(|j| binomial(8, j) * 0.95_f64.powi(j as i32) * 0.05_f64.powi(8 - j as i32))
        .sum();
    let result = simulate(&inputs, 2).unwrap();
    let els = result.els.unwrap();
    within(els.module_yield, expected);
    // Package yield is untouched: the modules are tested and swapped on their own.
    assert!((result.package_yield.value - 1.0).abs() < 1e-12);
}

#[test]
fn lot_clustering_compounds_the_wafer_clustering() {
    // With a Gamma(α_w) factor per wafer and an independent Gamma(α_l) per lot, the die's
    // defect mean has E[X] = DA and the yield is E[exp(-DA·L·W)]; integrating W first gives
    // E[(1 + DA·L/α_w)^(-α_w)] over L ~ Gamma(α_l, 1/α_l), computed here by quadrature.
    let (da, alpha_w, alpha_l) = (0.5_f64, 2.0_f64, 4.0_f64);
    let inputs = YieldInputs {
        asic_defects_per_die: da,
        asic_cluster_alpha: Some(alpha_w),
        asic_lot_alpha: Some(alpha_l),
        asics_per_wafer: 1,
        wafers_per_lot: 1,
        ..quiet()
    };
    // Gamma(4, 1/4) density: 4^4 l^3 e^{-4l} / 3!; trapezoid on [0, 12].
    let steps = 120_000;
    let h = 12.0 / steps as f64;
    let expected: f64 = (0..=steps)
        .map(|i| {
            let l = i as f64 * h;
            let density = alpha_l.powi(4) * l.powi(3) * (-alpha_l * l).exp() / 6.0;
            let weight = if i == 0 || i == steps { 0.5 } else { 1.0 };
            weight * h * density * (1.0 + da * l / alpha_w).powf(-alpha_w)
        })
        .sum();
    let result = simulate(&inputs, 2).unwrap();
    within(result.package_yield, expected);
}

#[test]
fn a_system_test_thins_the_escapes_as_poisson_thinning_says() {
    // ASIC defects only, Poisson with mean DA; package test detects each with c1, system test
    // with c2 (independently). A package passes package test with exp(-DA c1) and ships with
    // exp(-DA (1 - (1-c1)(1-c2))); the shipped carry a defect with
    // DL = 1 - exp(-DA) / P(ship) (Williams-Brown with the combined coverage).
    let (da, c1, c2) = (0.5_f64, 0.6_f64, 0.5_f64);
    let mut package_test = ByMechanism([0.0; 5]);
    package_test[Mechanism::Asic] = c1;
    let mut system_test = ByMechanism([0.0; 5]);
    system_test[Mechanism::Asic] = c2;
    let inputs = YieldInputs { asic_defects_per_die: da, package_test, system_test, ..quiet() };
    let result = simulate(&inputs, 2).unwrap();
    let ship = (-da * (1.0 - (1.0 - c1) * (1.0 - c2))).exp();
    within(result.package_test_pass, (-da * c1).exp());
    within(result.package_yield, ship);
    within(result.system_test_pass, ship / (-da * c1).exp());
    let dl = 1.0 - (-da).exp() / ship;
    let shipped = result.package_yield.value * inputs.packages as f64;
    let se = (dl * (1.0 - dl) / shipped).sqrt() * 1e6;
    assert!(
        (result.escapes_dppm[Mechanism::Asic] - dl * 1e6).abs() < 3.0 * se,
        "{} vs {}",
        result.escapes_dppm[Mechanism::Asic],
        dl * 1e6
    );
    let sum: f64 = result.waterfall.iter().map(|step| step.change.value).sum();
    assert!((sum - result.package_yield.value).abs() < 1e-12, "{sum}");
}

/// The default scenario's 102.4T co-packaged package as the pipeline builds it: 16 engines
/// of 32 lanes, edge couplers of 2 µm mode radius, fiber arrays placed to 0.17 µm with
/// 0.15 µm per fiber and 0.15 µm cure shift, a 5 µm glue gap, 2 mrad tilt, 113 µm of corner
/// warpage on an 84 mm substrate, and rings on a fixed-assignment lock (the closed form of
/// drift is exact there).
pub(crate) fn defaults_like() -> YieldInputs {
    YieldInputs {
        packages: 3000,
        engines_per_package: 16,
        lanes_per_engine: 32,
        lanes_per_laser: 0,
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
        drift_mean_nm: Nanometres(2.0),
        drift_sigma_nm: Nanometres(2.1),
        drift_global_fraction: 0.485,
        drift_wafer_fraction: 0.485,
        engines_per_pic_wafer: 500,
        fsr_nm: Nanometres(9.12),
        tuning_range_nm: Nanometres(8.0),
        rings_per_lane: 2,
        warpage_mean_um: Micrometres(112.9),
        warpage_sigma_um: Micrometres(28.2),
        warpage_lateral_per_um: 0.0014,
        reflow_warpage_fraction: 0.75,
        bga_open_low_um: Micrometres(90.0),
        bga_open_high_um: Micrometres(220.0),
        engine_sag_per_um: 0.016,
        engine_joint_open_um: Micrometres(10.0),
        engine_test: ByMechanism([0.0, 0.95, 0.95, 0.0, 0.0]),
        ..quiet()
    }
}

#[test]
fn every_mechanism_fails_lanes_at_its_closed_form() {
    // 8,000 packages: the board-joint rate (4.5 %) to an SE of 0.23 % and the lane rates to
    // a few percent of themselves. The lane rates' SE treats packages as the clusters, so each
    // engine gets its own PIC wafer here: a wafer shared by ~30 packages would correlate
    // them through its ring offset (the closed form's rate is the same either way: the
    // wafer and die terms add into one common offset per engine).
    let inputs = YieldInputs { packages: 8000, engines_per_pic_wafer: 1, ..defaults_like() };
    let result = simulate(&inputs, 2).unwrap();
    let forms = closed_form::closed_forms(&inputs);
    let lanes = &result.lane_failures_by_mechanism;
    for (name, estimate, expected) in [
        ("coupling", lanes[Mechanism::Coupling], forms.coupling_lane),
        ("warpage", lanes[Mechanism::Warpage], forms.warpage_lane),
        ("drift", lanes[Mechanism::Drift], forms.drift_lane),
        ("board joints", result.bga_opens, forms.bga_open),
    ] {
        // Every mechanism acts here: at least tens of failures behind each estimate. Four
        // comparisons at 3.5 SE each: a familywise false alarm of 0.2 %.
        assert!(expected > 1e-4, "{name}: {expected}");
        assert!(
            (estimate.value - expected).abs() < 3.5 * estimate.se,
            "{name}: {} +- {} vs closed form {expected}",
            estimate.value,
            estimate.se
        );
    }
    assert!(!forms.drift_is_bound);
}

#[test]
fn reassignment_locks_what_fixed_assignment_cannot_and_its_bound_holds() {
    // The same rings with a 4.5 nm heater: fixed assignment fails every ring whose wrapped
    // shift lands in the 4.6 nm it cannot reach; reassignment by 1.14 nm channels locks them.
    let fixed = YieldInputs { tuning_range_nm: Nanometres(4.5), packages: 1500, ..defaults_like() };
    let reassigned = YieldInputs { reassignment_step_nm: Some(Nanometres(1.14)), ..fixed.clone() };
    let (a, b) = (simulate(&fixed, 2).unwrap(), simulate(&reassigned, 2).unwrap());
    let forms = closed_form::closed_forms(&fixed);
    let drift = a.lane_failures_by_mechanism[Mechanism::Drift];
    assert!(forms.drift_lane > 0.02, "{forms:?}");
    assert!((drift.value - forms.drift_lane).abs() < 3.0 * drift.se, "{drift:?} vs {forms:?}");
    let bound = closed_form::closed_forms(&reassigned);
    assert!(bound.drift_is_bound);
    let drift = b.lane_failures_by_mechanism[Mechanism::Drift];
    // A bound far below the Monte Carlo's resolution: no failed lane among ~1.5 M rings.
    assert!(bound.drift_lane < 1e-6, "{bound:?}");
    assert!(drift.value <= bound.drift_lane + 3.0 / (1500.0 * 16.0 * 32.0), "{drift:?}");
}

#[test]
fn halving_a_mechanisms_input_lowers_its_rejects() {
    // No mechanism can be silently inert: halving the attach spread lowers coupling rejects,
    // halving the warpage lowers warpage rejects, as their closed forms say.
    let base = YieldInputs { packages: 2000, ..defaults_like() };
    let tight = YieldInputs {
        block_sigma_um: base.block_sigma_um * 0.5,
        attach: FiberAttach {
            fiber_sigma_um: base.attach.fiber_sigma_um * 0.5,
            shift_sigma_um: base.attach.shift_sigma_um * 0.5,
            ..base.attach
        },
        ..base.clone()
    };
    let flat = YieldInputs {
        warpage_mean_um: base.warpage_mean_um * 0.5,
        warpage_sigma_um: base.warpage_sigma_um * 0.5,
        ..base.clone()
    };
    let (r0, r1, r2) =
        (simulate(&base, 2).unwrap(), simulate(&tight, 2).unwrap(), simulate(&flat, 2).unwrap());
    let rejects = |r: &YieldResult, m: Mechanism| r.package_rejects_by_mechanism[m];
    let fewer = |a: Fraction, b: Fraction| a.value + 3.0 * a.se.hypot(b.se) < b.value;
    assert!(
        fewer(rejects(&r1, Mechanism::Coupling), rejects(&r0, Mechanism::Coupling)),
        "{r0:?}\n{r1:?}"
    );
    assert!(fewer(rejects(&r2, Mechanism::Warpage), rejects(&r0, Mechanism::Warpage)));
    let (c0, c1) = (closed_form::closed_forms(&base), closed_form::closed_forms(&tight));
    assert!(c1.coupling_lane < c0.coupling_lane / 10.0, "{c0:?} {c1:?}");
}

#[test]
fn test_records_refuse_zero_packages_and_more_than_a_batch() {
    // Neither header-only files nor a silent clamp to 256.
    let inputs = YieldInputs { packages: 10, ..quiet() };
    assert_eq!(
        test_records(&inputs, 1).unwrap().len(),
        inputs.engines_per_package * (inputs.lanes_per_engine + inputs.spare_lanes_per_engine)
    );
    for packages in [0, BATCH + 1] {
        let error = test_records(&inputs, packages).unwrap_err();
        assert_eq!(error.name, "test_packages");
        assert_eq!(
            error.to_string(),
            format!(
                "yield: test_packages = {packages}; expected 1 to 256 packages (the first batch)"
            )
        );
    }
}

#[test]
fn warpage_shift_mean_square_follows_the_engine_positions() {
    // Four engines sit at the middle of the sides (rho^2 = 1/2); sixteen at along = +-1/8
    // and +-3/8 of a side (rho^2 = 0.53125 and 0.78125, as many of each): the mean square of
    // k rho^2 W is k^2 (mu^2 + sigma^2) times the mean of rho^4.
    let mut inputs = quiet();
    inputs.warpage_lateral_per_um = 0.002;
    inputs.warpage_mean_um = Micrometres(100.0);
    inputs.warpage_sigma_um = Micrometres(20.0);
    let scale = 0.002f64.powi(2) * (100.0f64.powi(2) + 20.0f64.powi(2));
    for (engines, rho4) in [(4, 0.25), (16, (0.53125f64.powi(2) + 0.78125f64.powi(2)) / 2.0)] {
        inputs.engines_per_package = engines;
        let expected = scale * rho4;
        let got = warpage_shift_mean_square_um2(&inputs);
        assert!((got - expected).abs() < 1e-12 * expected, "{engines}: {got} vs {expected}");
    }
}
