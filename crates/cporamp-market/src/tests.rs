//! The market engine against closed forms: conjugate normal update, Ishigami Sobol indices,
//! Latin hypercube strata, surrogate interpolation error, the logistic volume year;
//! determinism; bad input.

use super::*;
use cporamp_core::units::{Celsius, Gbps, Kelvin, PjPerBit};

fn uniform(low: f64, high: f64) -> Prior {
    Prior::Uniform { low, high }
}

fn fixed(value: f64) -> Prior {
    Prior::Uniform { low: value, high: value }
}

/// Test inputs (plausible, not calibrated: the scenario TOML carries the sourced values).
pub(crate) fn fixture() -> MarketInputs {
    let priors = [
        Prior::Triangular { low: 0.7, mode: 0.8, high: 0.9 },
        Prior::Triangular { low: 0.75, mode: 0.82, high: 0.9 },
        uniform(0.03, 0.12),
        Prior::LogNormal { median: 1.0, sigma: 0.5 },
        Prior::LogNormal { median: 1.0, sigma: 0.2 },
        uniform(2025.0, 2028.0),
        Prior::Normal { mean: 12.0, sd: 1.5 },
        uniform(0.2, 0.3),
        uniform(0.05, 0.12),
        uniform(1.5, 3.0),
        uniform(0.8, 1.6),
        uniform(3.0, 6.0),
        Prior::LogNormal { median: 1.0, sigma: 0.1 },
        Prior::Triangular { low: 0.85, mode: 1.0, high: 1.1 },
        Prior::Triangular { low: 0.5, mode: 1.0, high: 1.6 },
        Prior::Triangular { low: 0.6, mode: 1.0, high: 1.5 },
        Prior::LogNormal { median: 1.0, sigma: 0.5 },
        Prior::LogNormal { median: 1.0, sigma: 0.5 },
    ];
    let defect: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 4.0];
    MarketInputs {
        seed: 11,
        samples: 4000,
        priors: ByMarketInput(priors),
        anchors: Anchors {
            start_year: 2026,
            end_year: 2032,
            pluggable_usd_per_gbps: 5.4,
            lpo_usd_per_gbps: 4.9,
            cpo_usd_per_gbps_at_reference: 5.6,
            els_usd_per_gbps: 0.5,
            pluggable_pj_per_bit: PjPerBit(18.0),
            lpo_pj_per_bit: PjPerBit(12.0),
            cpo_pj_per_bit: PjPerBit(6.0),
            reference_units: 50_000.0,
            cpo_yield: flat_surface(yield_surrogate(
                &defect.iter().map(|&d| (d, (-0.2 * d).exp())).collect::<Vec<_>>(),
            )),
            goodput_loss_vs_laser_factor: Surrogate {
                x: vec![0.5, 1.0, 2.0, 4.0],
                y: vec![-0.0005, 0.0, 0.001, 0.003],
            },
            goodput_loss_vs_engine_factor: Surrogate { x: vec![0.5, 1.0, 2.0], y: vec![0.0; 3] },
            goodput_held_out: GoodputCheckPoint {
                laser_factor: 2.0,
                engine_factor: 2.0,
                goodput_loss: 0.001,
                se: 0.0,
            },
            pluggable_network_goodput_loss: 0.01,
            lpo_goodput_loss: -0.0002,
            engine_temp_margin_k: Kelvin(13.0),
            hot_end: [(25.0, 52.0), (35.0, 57.0), (45.0, 62.0)]
                .iter()
                .map(|&(inlet_c, engine_temp_c)| HotPoint {
                    inlet_c: Celsius(inlet_c),
                    engine_temp_c: Celsius(engine_temp_c),
                    unlockable_fraction: 0.0,
                    flaps_per_lane_h: 0.0,
                })
                .collect(),
            ports_per_switch: 128.0,
            port_gbps: Gbps(800.0),
            tiers: vec![
                MarketTier {
                    name: "scale-up".to_owned(),
                    ports_per_accelerator: 4.0,
                    cpo_max_share: 0.5,
                    lpo_allowed: true,
                    job_exposed: true,
                },
                MarketTier {
                    name: "leaf".to_owned(),
                    ports_per_accelerator: 2.0,
                    cpo_max_share: 0.8,
                    lpo_allowed: true,
                    job_exposed: true,
                },
                MarketTier {
                    name: "spine".to_owned(),
                    ports_per_accelerator: 1.0,
                    cpo_max_share: 0.9,
                    lpo_allowed: false,
                    job_exposed: false,
                },
            ],
            layer_split: vec![
                LayerSplit { technology: Family::Pluggable, fractions: [0.45, 0.35, 0.1, 0.1] },
                LayerSplit { technology: Family::Lpo, fractions: [0.45, 0.3, 0.12, 0.13] },
                LayerSplit { technology: Family::Cpo, fractions: [0.4, 0.3, 0.18, 0.12] },
            ],
            cpo_cooling: CoolingAnchors {
                cold_plates_usd_per_gbps: 0.0,
                infrastructure_usd_per_gbps: 0.0,
            },
        },
        criteria: MarketCriteria {
            yield_target: 0.85,
            volume_share: 0.1,
            goodput_parity: 0.002,
            bull_by_year: 2027,
            bear_after_year: 2029,
            unlockable_limit: 0.001,
            flap_limit_per_lane_h: 1.0,
        },
        engine_temp_limit_c: Celsius(70.0),
        seed_units: 50_000.0,
        pilot_share: 0.05,
        surrogate_error_bound: 0.05,
    }
}

/// A yield surface of the attach surrogate alone: the mode radius acts only through the
/// lateral offset and the lines are flat.
fn flat_surface(attach: Surrogate) -> YieldSurface {
    let reference_yield = yield_at(&attach, 1.0);
    let flat = yield_surrogate(&[(0.1, reference_yield), (10.0, reference_yield)]);
    YieldSurface {
        attach,
        laser_defects_at_reference: 0.0,
        fiber_variance_ratio: 0.0,
        warpage_variance_ratio: 0.0,
        reference_yield,
        mode_radius: flat.clone(),
        heater_efficiency: flat.clone(),
        warpage: flat.clone(),
        asic_defects: flat,
        held_out: Vec::new(),
    }
}

fn set(m: &mut MarketInputs, name: &str, prior: Prior) {
    m.priors[MarketInput::from_name(name).unwrap()] = prior;
}

#[test]
fn fixture_runs_and_probabilities_sum_to_one() {
    let m = fixture();
    let r = simulate(&m, 2).unwrap();
    let sum: f64 = r.probabilities.iter().map(|p| p.probability).sum();
    assert!((sum - 1.0).abs() < 1e-12, "sum {sum}");
    for p in &r.probabilities {
        let binomial = (p.probability * (1.0 - p.probability) / m.samples as f64).sqrt();
        assert!((p.se - binomial).abs() < 1e-12);
    }
    assert_eq!(r.main_tier, "leaf");
    // The fixture reaches every scenario, so the determinism and update tests are not trivial.
    assert!(r.probabilities.iter().all(|p| p.probability > 0.01), "{:?}", r.probabilities);
    assert_eq!(r.years.len(), 7);
    assert_eq!(r.records.len(), m.samples);
    for tier in &r.tiers {
        for (shares, lead) in tier.mean_shares.iter().zip(&tier.migration) {
            assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            assert!((lead.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        for q in &tier.cpo_share_fan {
            assert!(q.p10 <= q.p50 && q.p50 <= q.p90);
        }
    }
    // The attach surrogate, four lines, the surface's held-out runs, two goodput lines and
    // their held-out run.
    assert_eq!(r.surrogates.len(), 9);
}

/// One point of every input (all priors fixed) with CPO anchored on engine outputs that pass
/// every gate from 2026: cheap, 95 % yield, goodput at parity, a cool package.
fn point() -> MarketInputs {
    let mut m = fixture();
    m.samples = 50;
    let values = [0.8, 0.88, 0.1, 1.0, 1.0, 2025.0, 14.0, 0.25, 0.08, 2.0, 1.4, 0.0];
    for (prior, value) in m.priors.0.iter_mut().zip(values) {
        *prior = fixed(value);
    }
    m.anchors.cpo_usd_per_gbps_at_reference = 3.0;
    m.anchors.cpo_yield = flat_surface(yield_surrogate(&[(0.01, 0.95), (10.0, 0.95)]));
    m.criteria.bear_after_year = 2028;
    m
}

#[test]
fn every_scenario_is_reachable_from_engine_outputs_with_its_reason() {
    let classify_all = |m: &MarketInputs| {
        let r = simulate(m, 1).unwrap();
        let first = r.records[0].clone();
        assert!(r.records.iter().all(|s| s.scenario == first.scenario));
        (first.scenario, first.reason)
    };
    // Bull: eligible in 2026; pilots of 5 % grow at k = 1.4 to 10 % within 2027.
    assert_eq!(classify_all(&point()), (Scenario::Bull, Reason::Volume { year: 2027 }));
    // Base: cold plates standard only in 2027, so volume in 2028.
    let mut base = point();
    set(&mut base, "cold_plate_year", fixed(2027.0));
    assert_eq!(classify_all(&base), (Scenario::Base, Reason::Volume { year: 2028 }));
    // Bear: the yield engine's package yield 80 % against the 85 % target.
    let mut bear = point();
    bear.anchors.cpo_yield = flat_surface(yield_surrogate(&[(0.01, 0.8), (10.0, 0.8)]));
    assert_eq!(
        classify_all(&bear),
        (Scenario::Bear, Reason::Yield { year: 2028, package_yield: 0.8 })
    );
    // Bear for serviceability: the fleet's CPO fabric loses 0.5 % more goodput.
    let mut fragile = point();
    fragile.anchors.goodput_loss_vs_laser_factor =
        Surrogate { x: vec![0.0, 10.0], y: vec![0.005, 0.005] };
    assert_eq!(
        classify_all(&fragile),
        (Scenario::Bear, Reason::Serviceability { goodput_loss: 0.005 })
    );
    // Tail: at the hot end of the inlet sweep, 3 % of the lanes cannot lock.
    let mut tail = point();
    tail.anchors.hot_end.last_mut().unwrap().unlockable_fraction = 0.03;
    assert_eq!(
        classify_all(&tail),
        (Scenario::Tail, Reason::HeaterRange { unlockable_fraction: 0.03 })
    );
}

#[test]
fn tail_is_the_hot_end_failure_probability_when_cpo_qualifies_at_once() {
    // CPO cheap, high-yield and cold plates standard: the main tier qualifies in 2026, so
    // Tail is exactly the thermal check failing at that qualification: the hot-end engine at
    // 62 °C plus the model error sigma z above the 70 °C limit, sigma ~ U(3, 6).
    let mut m = fixture();
    set(&mut m, "cold_plate_year", uniform(2024.0, 2025.0));
    m.anchors.cpo_usd_per_gbps_at_reference = 2.0;
    m.anchors.els_usd_per_gbps = 0.2;
    m.anchors.cpo_yield = flat_surface(yield_surrogate(&[(0.01, 0.99), (10.0, 0.99)]));
    m.criteria.goodput_parity = 1.0;
    let r = simulate(&m, 2).unwrap();
    let mut tail = 0;
    for record in &r.records {
        let error_k = record.inputs[MarketInput::ThermalMarginSigmaK] * record.thermal_z;
        let hot = 62.0 + error_k > 70.0;
        assert_eq!(record.scenario == Scenario::Tail, hot, "{record:?}");
        if hot {
            tail += 1;
            match record.reason {
                Reason::EngineTemperature { excess_k } => {
                    assert!((excess_k - (62.0 + error_k - 70.0)).abs() < 1e-9);
                }
                other => panic!("tail for {other:?}"),
            }
        }
    }
    let tail = f64::from(tail) / m.samples as f64;
    assert!((r.probabilities[3].probability - tail).abs() < 1e-12);
    // P(62 + sigma z > 70) averaged over sigma ~ U(3, 6), by the trapezoid rule on 601 points.
    let expected: f64 = (0..=600)
        .map(|i| {
            let sigma = 3.0 + 3.0 * f64::from(i) / 600.0;
            let w = if i == 0 || i == 600 { 0.5 } else { 1.0 };
            w * standard_normal_cdf(-8.0 / sigma)
        })
        .sum::<f64>()
        / 600.0;
    let se = (expected * (1.0 - expected) / m.samples as f64).sqrt();
    assert!((tail - expected).abs() < 4.0 * se, "tail {tail} vs {expected} +- {se}");
}

/// Φ by a high-accuracy erfc (W. J. Cody's rational fit is overkill; Abramowitz-Stegun
/// 7.1.26 gives 1.5e-7, enough for a 4-SE check).
fn standard_normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * z);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc = poly * (-z * z).exp();
    if x >= 0.0 { 1.0 - 0.5 * erfc } else { 0.5 * erfc }
}

#[test]
fn identical_for_any_thread_count_and_seed_dependent() {
    let mut m = fixture();
    m.samples = 1000;
    let one = simulate(&m, 1).unwrap();
    let two = simulate(&m, 2).unwrap();
    let five = simulate(&m, 5).unwrap();
    assert_eq!(one, two);
    assert_eq!(one, five);
    m.seed += 1;
    let other = simulate(&m, 2).unwrap();
    assert_ne!(one.records, other.records);
}

#[test]
fn conjugate_normal_update_through_the_public_api() {
    // The serviceability signal is the goodput surrogate at laser_failure_factor; an
    // identity surrogate makes the signal the input itself (values kept inside the signal's
    // range [-1, 1]).
    let (mu0, sigma0, y, sigma) = (0.3, 0.05, 0.36, 0.03);
    let mut m = fixture();
    m.samples = 20_000;
    set(&mut m, "laser_failure_factor", Prior::Normal { mean: mu0, sd: sigma0 });
    m.anchors.goodput_loss_vs_laser_factor =
        Surrogate { x: vec![-100.0, 100.0], y: vec![-100.0, 100.0] };
    m.anchors.goodput_held_out =
        GoodputCheckPoint { laser_factor: 0.3, engine_factor: 1.0, goodput_loss: 0.3, se: 0.0 };
    m.criteria.goodput_parity = 1.0;
    let r = simulate(&m, 2).unwrap();
    let u = update(
        &r,
        &[Observation { year: 2027.5, signal: Signal::Serviceability, value: y, sd: sigma }],
    )
    .unwrap();
    let precision = 1.0 / (sigma0 * sigma0) + 1.0 / (sigma * sigma);
    let mu1 = (mu0 / (sigma0 * sigma0) + y / (sigma * sigma)) / precision;
    let sigma1 = precision.recip().sqrt();
    let post = u.inputs.iter().find(|p| p.name == "laser_failure_factor").unwrap();
    // Monte Carlo SEs of a weighted mean and sd with the Kish ESS.
    let se_mean = sigma1 / u.ess.sqrt();
    let se_sd = sigma1 / (2.0 * u.ess).sqrt();
    assert!((post.mean - mu1).abs() < 3.0 * se_mean, "mean {} vs {mu1} (se {se_mean})", post.mean);
    assert!((post.sd - sigma1).abs() < 3.0 * se_sd, "sd {} vs {sigma1} (se {se_sd})", post.sd);
    assert!((post.prior_mean - mu0).abs() < 3.0 * sigma0 / (m.samples as f64).sqrt());
    // ESS/n = (E w)^2 / E w^2 for w = exp(-(y - x)^2 / 2 s^2), x ~ N(mu0, s0^2):
    // s sqrt(s^2 + 2 s0^2) / (s^2 + s0^2) * exp(D^2 / (s^2 + 2 s0^2) - D^2 / (s^2 + s0^2)),
    // D = y - mu0 (0.433 here; scale-free, so as before the values were scaled by 0.1 into
    // the signal's range). The estimate is a ratio of sample means of bounded weights
    // (SE about 0.005 at n = 20,000); 0.02 is four of those.
    let s2 = sigma * sigma;
    let s02 = sigma0 * sigma0;
    let ess_fraction = (s2 * (s2 + 2.0 * s02)).sqrt() / (s2 + s02)
        * ((y - mu0).powi(2) / (s2 + 2.0 * s02) - (y - mu0).powi(2) / (s2 + s02)).exp();
    assert!(
        (u.ess / m.samples as f64 - ess_fraction).abs() < 0.02,
        "ess {} vs {ess_fraction}",
        u.ess
    );
    assert!(!u.ess_warning);
    let sum: f64 = u.probabilities.iter().map(|p| p.probability).sum();
    assert!((sum - 1.0).abs() < 1e-9);
    assert!((u.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
}

#[test]
fn attribution_sums_to_the_total_change_and_thin_evidence_warns() {
    let m = fixture();
    let r = simulate(&m, 2).unwrap();
    let observations = [
        Observation { year: 2027.0, signal: Signal::ProductionYield, value: 0.8, sd: 0.05 },
        Observation { year: 2026.0, signal: Signal::ThermalDrift, value: 6.0, sd: 2.0 },
        Observation { year: 2028.0, signal: Signal::CoolingDesign, value: 0.9, sd: 0.1 },
    ];
    let u = update(&r, &observations).unwrap();
    assert_eq!(u.attribution.len(), 3);
    for s in 0..4 {
        let total = u.probabilities[s].probability - r.probabilities[s].probability;
        let parts: f64 = u.attribution.iter().map(|a| a.change[s]).sum();
        assert!((total - parts).abs() < 1e-12);
    }
    // No observations: the prior back.
    let none = update(&r, &[]).unwrap();
    assert!((none.ess - m.samples as f64).abs() < 1e-6);
    for s in 0..4 {
        assert!((none.probabilities[s].probability - r.probabilities[s].probability).abs() < 1e-12);
    }
    // A razor-sharp observation leaves few samples.
    let sharp = update(
        &r,
        &[Observation { year: 2029.0, signal: Signal::Inspection, value: 0.3, sd: 1e-5 }],
    )
    .unwrap();
    assert!(sharp.ess_warning, "ess {}", sharp.ess);
}

#[test]
fn ishigami_sobol_indices() {
    let (a, b) = (7.0, 0.1);
    let pi = std::f64::consts::PI;
    let f = |x: &[f64]| x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin();
    let priors = [uniform(-pi, pi); 3];
    let indices = sobol_indices_of(f, &priors, 20_000, 300, 3, 2);
    // Analytic: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2.
    let pi4 = pi.powi(4);
    let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * pi4 * pi4 * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    let first = [v1 / v, v2 / v, 0.0];
    let total = [(v1 + v13) / v, v2 / v, v13 / v];
    assert!((first[0] - 0.3139).abs() < 1e-4 && (total[2] - 0.2437).abs() < 1e-4);
    for i in 0..3 {
        let s = &indices[i];
        assert!(
            (s.first - first[i]).abs() < 3.0 * s.first_se,
            "S{i} {} vs {} (se {})",
            s.first,
            first[i],
            s.first_se
        );
        assert!(
            (s.total - total[i]).abs() < 3.0 * s.total_se,
            "ST{i} {} vs {} (se {})",
            s.total,
            total[i],
            s.total_se
        );
        assert!(s.first_ci[0] <= s.first && s.first <= s.first_ci[1]);
        assert!(s.first_se < 0.03 && s.total_se < 0.03);
        // The analytic indices inside the 95 % intervals, and the intervals inside [0, 1]
        // (x3's first-order index is 0: its interval starts at the edge).
        assert!(s.first_ci[0] <= first[i] && first[i] <= s.first_ci[1], "S{i} {s:?}");
        assert!(s.total_ci[0] <= total[i] && total[i] <= s.total_ci[1], "ST{i} {s:?}");
        for ci in [s.first_ci, s.total_ci] {
            assert!(0.0 <= ci[0] && ci[0] <= ci[1] && ci[1] <= 1.0, "{s:?}");
        }
    }
    // Same seed, any thread count: same indices.
    assert_eq!(indices, sobol_indices_of(f, &priors, 20_000, 300, 3, 1));
}

#[test]
fn market_sobol_runs_and_names_inputs() {
    let sets = sobol(&fixture(), 512, 50, 2).unwrap();
    let outputs: Vec<SobolOutput> = sets.iter().map(|set| set.output).collect();
    assert_eq!(outputs, SobolOutput::ALL);
    for set in &sets {
        assert_eq!(set.indices.len(), MarketInput::ALL.len() + 1);
        assert_eq!(set.indices[MarketInput::ALL.len()].input, SobolInput::ThermalMarginNoise);
        for s in &set.indices {
            for (value, ci) in [(s.first, s.first_ci), (s.total, s.total_ci)] {
                assert!(0.0 <= ci[0] && ci[0] <= value && value <= ci[1] && ci[1] <= 1.0, "{s:?}");
            }
        }
    }
}

#[test]
fn a_gate_that_never_opens_leaves_the_share_inert_and_names_what_drives_the_gate() {
    // An unreachable yield target: CPO never becomes eligible, ships its pilot share every
    // year, and the cumulative volume (so the package yield) follows the accelerators alone.
    let mut inputs = fixture();
    inputs.criteria.yield_target = 1.0;
    let sets = sobol(&inputs, 512, 50, 2).unwrap();
    let index = |set: &SobolSet, name: &str| {
        set.indices.iter().find(|index| index.input.name() == name).unwrap().clone()
    };
    // The share is the pilot share in every sample: nothing to apportion.
    assert_eq!(sets[0].output, SobolOutput::CpoShare);
    assert!(sets[0].sd < 1e-12, "{}", sets[0].sd);
    assert!(sets[0].indices.iter().all(|index| index.total == 0.0));
    // Inputs the yield cannot depend on get exactly 0 (f_A = f_AB row by row).
    let yields = &sets[1];
    assert_eq!(yields.output, SobolOutput::PackageYield);
    assert!(yields.sd > 0.0);
    for inert in ["power_usd_per_kwh", "gpu_hour_usd", "els_cost_factor", "price_erosion"] {
        assert!(index(yields, inert).total_raw.abs() < f64::MIN_POSITIVE, "{inert}");
    }
    // The learning rate and the alignment spread move it, measurably.
    for driver in ["yield_learning_rate", "alignment_factor"] {
        assert!(index(yields, driver).total_ci[0] > 0.0, "{driver}: {:?}", index(yields, driver));
    }
}

#[test]
fn latin_hypercube_strata_and_prior_means() {
    let n = 10_000;
    let k = 4;
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let u = latin_hypercube(n, k, &mut rng);
    for j in 0..k {
        let mut seen = vec![false; n];
        for i in 0..n {
            let stratum = (u[i * k + j] * n as f64).floor() as usize;
            assert!(!seen[stratum], "dimension {j}: stratum {stratum} twice");
            seen[stratum] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }
    let priors = [
        Prior::Normal { mean: 2.0, sd: 0.5 },
        Prior::LogNormal { median: 1.0, sigma: 0.6 },
        uniform(-1.0, 3.0),
        Prior::Triangular { low: 0.0, mode: 1.0, high: 4.0 },
    ];
    for (j, prior) in priors.iter().enumerate() {
        let values: Vec<f64> = (0..n).map(|i| prior.quantile(u[i * k + j])).collect();
        let mean = values.iter().sum::<f64>() / n as f64;
        let sd = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
        // Plain Monte Carlo SE; LHS does better.
        let se = prior.sd() / (n as f64).sqrt();
        assert!((mean - prior.mean()).abs() < 3.0 * se, "{prior:?}: mean {mean}");
        assert!((sd - prior.sd()).abs() < 0.02 * prior.sd(), "{prior:?}: sd {sd}");
    }
}

#[test]
fn normal_quantile_matches_tabulated_values() {
    for (u, z) in [
        (0.5, 0.0),
        (0.975, 1.959_963_984_540_054),
        (0.841_344_746_068_543, 1.0),
        (0.001, -3.090_232_306_167_813),
        (1e-6, -4.753_424_308_822_899),
        (0.1, -1.281_551_565_544_600_5),
        (0.03, -1.880_793_608_151_251),
    ] {
        let q = normal_quantile(u);
        assert!((q - z).abs() < 1.2e-9 * z.abs().max(1.0), "{u}: {q} vs {z}");
        assert!((normal_quantile(1.0 - u) + z).abs() < 1.2e-9 * z.abs().max(1.0));
    }
}

#[test]
fn surrogate_held_out_error_of_exp_matches_its_closed_form() {
    // Leave-one-out at x_i on a uniform grid of spacing h: the chord through x_i -/+ h
    // misses e^x by exactly e^{x_i} (cosh h - 1), largest at the last interior point; the
    // interpolation bound max|f''| (2h)^2 / 8 bounds it.
    let h = 0.25;
    let x: Vec<f64> = (0..=8).map(|i| f64::from(i) * h).collect();
    let s = Surrogate { y: x.iter().map(|v| v.exp()).collect(), x: x.clone() };
    let exact = x[7].exp() * (h.cosh() - 1.0);
    assert!((s.held_out_error() - exact).abs() < 1e-12, "{} vs {exact}", s.held_out_error());
    assert!(s.held_out_error() <= x[8].exp() * (2.0 * h).powi(2) / 8.0);
    // Interpolation itself: flat beyond the ends, exact at nodes.
    assert!((s.eval(-1.0) - 1.0).abs() < 1e-12);
    assert!((s.eval(5.0) - 2f64.exp()).abs() < 1e-12);
    assert!((s.eval(0.5) - 0.5f64.exp()).abs() < 1e-12);
    assert!((s.eval(0.125) - 0.5 * (1.0 + 0.25f64.exp())).abs() < 1e-12);
}

#[test]
fn simulate_reports_surrogate_errors_and_refuses_coarse_ones() {
    let m = fixture();
    let r = simulate(&m, 1).unwrap();
    for check in &r.surrogates {
        assert!(
            check.held_out_error <= m.surrogate_error_bound,
            "{}: {} > {}",
            check.name,
            check.held_out_error,
            check.bound
        );
    }
    // e^{-0.2 d} is a straight line in survival coordinates (ln(-ln Y) = ln 0.2 + ln d): no
    // held-out error.
    assert!(r.surrogates[0].held_out_error < 1e-12, "{:?}", r.surrogates[0]);
    // Y = 1 - d / 5 is not: the worst chord, taken in ln d and ln(-ln Y) and mapped back.
    let mut coarse = fixture();
    let points: Vec<(f64, f64)> = [0.25, 0.5, 1.0, 2.0, 4.0].map(|d| (d, 1.0 - d / 5.0)).to_vec();
    coarse.anchors.cpo_yield = flat_surface(yield_surrogate(&points));
    let survival = |y: f64| (-f64::ln(y)).ln();
    let expected = (1..4)
        .map(|i| {
            let (x0, x1, x2) = (points[i - 1].0.ln(), points[i].0.ln(), points[i + 1].0.ln());
            let f = (x1 - x0) / (x2 - x0);
            let chord = survival(points[i - 1].1)
                + f * (survival(points[i + 1].1) - survival(points[i - 1].1));
            (points[i].1 - (-chord.exp()).exp()).abs()
        })
        .fold(0.0, f64::max);
    assert!(expected > 0.01, "{expected}");
    coarse.surrogate_error_bound = 1.0;
    let checked = simulate(&coarse, 1).unwrap();
    assert!((checked.surrogates[0].held_out_error - expected).abs() < 1e-12);
    coarse.surrogate_error_bound = 0.01;
    let error = simulate(&coarse, 1).unwrap_err();
    assert!(
        matches!(&error, MarketError::Invalid { name, .. } if name.contains("cpo_yield.attach")),
        "{error}"
    );
}

/// Every prior fixed, CPO cheaper and better from the first year.
fn degenerate() -> MarketInputs {
    let mut m = fixture();
    m.samples = 300;
    let values = [0.8, 0.9, 0.1, 1.0, 1.0, 2020.0, 12.0, 0.25, 0.08, 2.0, 1.2, 0.0];
    for (prior, value) in m.priors.0.iter_mut().zip(values) {
        *prior = fixed(value);
    }
    m.anchors.cpo_usd_per_gbps_at_reference = 1.0;
    m.anchors.els_usd_per_gbps = 0.0;
    m.anchors.cpo_yield = flat_surface(yield_surrogate(&[(0.01, 0.99), (10.0, 0.99)]));
    m.anchors.goodput_loss_vs_laser_factor = Surrogate { x: vec![0.0, 10.0], y: vec![0.0, 0.0] };
    m.pilot_share = 0.02;
    m.criteria.volume_share = 0.5;
    m
}

#[test]
fn volume_year_is_where_the_logistic_crosses_the_volume_share() {
    let m = degenerate();
    let r = simulate(&m, 2).unwrap();
    let (k, vs, pilot) = (1.2, 0.5, 0.02);
    for (j, tier) in m.anchors.tiers.iter().enumerate() {
        // Eligible from t = 0: s(t) = c / (1 + (c / pilot - 1) e^{-k (t + 1/2)}) >= vs from
        // t* = ln((c / pilot - 1) / (c / vs - 1)) / k - 1/2; never when c <= vs.
        let c = tier.cpo_max_share;
        let expected = (c > vs)
            .then(|| {
                let t_star = ((c / pilot - 1.0) / (c / vs - 1.0)).ln() / k - 0.5;
                m.anchors.start_year + t_star.max(0.0).ceil() as i32
            })
            .filter(|&year| year <= m.anchors.end_year);
        assert!(r.records.iter().all(|s| s.volume_years[j] == expected), "{}", tier.name);
        assert_eq!(r.tiers[j].volume_year.p50, expected);
    }
    // Leaf (c = 0.8): t* = ln(39 / 0.6) / 1.2 - 0.5 = 2.98, so 2029: base.
    assert_eq!(r.records[0].volume_years[1], Some(2029));
    assert!((r.probabilities[0].probability - 1.0).abs() < 1e-12);
    assert_eq!(r.records[0].reason, Reason::Volume { year: 2029 });
    // The hot end 5 K over the limit: a redesign at the 2026 qualification, adoption two
    // years later, tail with probability 1 and its reason.
    let mut hot = degenerate();
    hot.anchors.hot_end.last_mut().unwrap().engine_temp_c = Celsius(75.0);
    let r = simulate(&hot, 2).unwrap();
    assert_eq!(r.records[0].volume_years[1], Some(2031));
    assert!((r.probabilities[3].probability - 1.0).abs() < 1e-12);
    assert_eq!(r.records[0].reason, Reason::EngineTemperature { excess_k: 5.0 });
    // CPO never cheaper: bear with probability 1.
    let mut dear = degenerate();
    dear.anchors.cpo_usd_per_gbps_at_reference = 100.0;
    set(&mut dear, "cost_learning_rate", fixed(1.0));
    let r = simulate(&dear, 2).unwrap();
    assert!((r.probabilities[2].probability - 1.0).abs() < 1e-12);
    assert!((r.tiers[1].never_fraction - 1.0).abs() < 1e-12);
    assert_eq!(r.tiers[1].volume_year.p50, None);
}

#[test]
fn value_pools_follow_the_layer_split() {
    // Degenerate run, first year: CPO share c/(1+e^{0.4}) per tier, LPO split by TCO.
    let m = degenerate();
    let r = simulate(&m, 1).unwrap();
    let total: f64 = r.value_pools[0].usd.iter().sum();
    // Spend = ports x Gb/s x capex x share summed; recompute from the mean shares.
    let a = &m.anchors;
    let capex = [a.pluggable_usd_per_gbps, a.lpo_usd_per_gbps, a.cpo_usd_per_gbps_at_reference];
    let expected: f64 = a
        .tiers
        .iter()
        .zip(&r.tiers)
        .map(|(tier, result)| {
            let ports = 12e6 * tier.ports_per_accelerator;
            (0..3)
                .map(|tech| ports * a.port_gbps.0 * capex[tech] * result.mean_shares[0][tech])
                .sum::<f64>()
        })
        .sum();
    assert!((total - expected).abs() < 1e-6 * expected, "{total} vs {expected}");
}

#[test]
fn bad_input_is_named() {
    let name_of = |error: MarketError| match error {
        MarketError::Invalid { name, .. }
        | MarketError::Missing { name }
        | MarketError::Inconsistent { name, .. } => name,
        MarketError::Settings { problems } => problems[0].path.clone(),
    };
    let mut m = fixture();
    set(&mut m, "accelerator_growth", Prior::Normal { mean: 0.2, sd: -0.1 });
    assert_eq!(name_of(simulate(&m, 1).unwrap_err()), "market.priors.accelerator_growth.sd");

    let mut m = fixture();
    set(&mut m, "yield_learning_rate", Prior::Triangular { low: 0.7, mode: 0.95, high: 0.9 });
    assert_eq!(name_of(simulate(&m, 1).unwrap_err()), "market.priors.yield_learning_rate.mode");

    let mut m = fixture();
    m.anchors.tiers[1].cpo_max_share = 1.5;
    assert_eq!(name_of(simulate(&m, 1).unwrap_err()), "market.tiers[1].cpo_max_share");

    let mut m = fixture();
    m.samples = 0;
    assert_eq!(name_of(simulate(&m, 1).unwrap_err()), "samples");

    let mut m = fixture();
    set(&mut m, "yield_learning_rate", Prior::Normal { mean: 0.1, sd: 0.2 });
    let name = name_of(simulate(&m, 1).unwrap_err());
    assert!(name.starts_with("inputs.yield_learning_rate (sample "), "{name}");

    let r = simulate(&fixture(), 1).unwrap();
    let obs = |year: f64, sd: f64| {
        [Observation { year, signal: Signal::ProductionYield, value: 0.8, sd }]
    };
    assert_eq!(name_of(update(&r, &obs(2040.0, 0.1)).unwrap_err()), "observations[0].year");
    assert_eq!(name_of(update(&r, &obs(2025.9, 0.1)).unwrap_err()), "observations[0].year");
    assert_eq!(name_of(update(&r, &obs(2027.0, 0.0)).unwrap_err()), "observations[0].sd");
    assert_eq!(name_of(update(&r, &obs(2027.0, -1.0)).unwrap_err()), "observations[0].sd");
    // Below the resolution floor: 1e-300 used to give infinite residuals and NaN weights.
    assert_eq!(name_of(update(&r, &obs(2027.0, 1e-300)).unwrap_err()), "observations[0].sd");
    assert_eq!(name_of(update(&r, &obs(2027.0, 0.99e-6)).unwrap_err()), "observations[0].sd");
    assert!(update(&r, &obs(2027.0, MIN_OBSERVATION_SD)).is_ok());
    // A fraction signal outside [0, 1]; serviceability is a difference, in [-1, 1].
    let value = |signal: Signal, value: f64| [Observation { year: 2027.0, signal, value, sd: 0.1 }];
    for (signal, bad) in [
        (Signal::ProductionYield, 5.0),
        (Signal::ProductionYield, -0.01),
        (Signal::CoolingDesign, 1.01),
        (Signal::Serviceability, -1.5),
        (Signal::Inspection, -0.1),
    ] {
        let error = update(&r, &value(signal, bad)).unwrap_err();
        assert!(error.to_string().contains(signal.expected()), "{error}");
        assert_eq!(name_of(error), "observations[0].value");
    }
    assert!(update(&r, &value(Signal::Serviceability, -0.5)).is_ok());
    assert!(update(&r, &value(Signal::ProductionYield, 1.0)).is_ok());
    // More than MAX_OBSERVATIONS.
    let many = vec![obs(2027.0, 0.1)[0]; MAX_OBSERVATIONS + 1];
    assert_eq!(name_of(update(&r, &many).unwrap_err()), "observations (count)");
    // A finite value so far from every sample that every squared residual overflows.
    let far = [Observation { year: 2027.0, signal: Signal::ThermalDrift, value: 1e300, sd: 1e-6 }];
    assert_eq!(name_of(update(&r, &far).unwrap_err()), "observations[0]");
    assert_eq!(name_of(sobol(&fixture(), 0, 10, 1).unwrap_err()), "base_samples");
}

#[test]
fn price_erosion_falls_on_every_technology_so_it_does_not_move_eligibility() {
    // With energy and downtime priced at zero, TCO is capex alone; an erosion common to all
    // technologies keeps their ratios, so CPO at 90 % of the cheaper incumbent is eligible
    // when cold plates arrive (2028) whatever the erosion, and reaches volume the same year.
    let volume_year = |erosion: f64| {
        let mut m = degenerate();
        set(&mut m, "price_erosion", fixed(erosion));
        set(&mut m, "power_usd_per_kwh", fixed(0.0));
        set(&mut m, "gpu_hour_usd", fixed(0.0));
        set(&mut m, "cold_plate_year", fixed(2028.0));
        set(&mut m, "cost_learning_rate", fixed(1.0));
        let cheapest = m.anchors.pluggable_usd_per_gbps.min(m.anchors.lpo_usd_per_gbps);
        m.anchors.cpo_usd_per_gbps_at_reference = 0.9 * cheapest;
        simulate(&m, 1).unwrap().records[0].volume_years[1]
    };
    let without = volume_year(0.0);
    assert!(without.is_some());
    assert_eq!(volume_year(0.3), without);
}

#[test]
fn extreme_valid_observations_give_finite_weights_and_ess() {
    // MAX_OBSERVATIONS observations of a yield of 0 at the floor sd, far below every sample:
    // each adds about -(m_i / 1e-6)^2 / 2 ~ -4e11 to a log weight (-4e15 in all), which
    // direct exponentiation would turn into 0/0.
    let m = fixture();
    let r = simulate(&m, 2).unwrap();
    let extreme = Observation {
        year: 2027.0,
        signal: Signal::ProductionYield,
        value: 0.0,
        sd: MIN_OBSERVATION_SD,
    };
    let u = update(&r, &vec![extreme; MAX_OBSERVATIONS]).unwrap();
    assert!(u.weights.iter().all(|w| w.is_finite() && (0.0..=1.0).contains(w)));
    assert!((u.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(u.ess.is_finite() && (1.0..=m.samples as f64).contains(&u.ess), "ess {}", u.ess);
    // The log-space ESS agrees with the direct Kish formula on the normalised weights.
    let direct = 1.0 / u.weights.iter().map(|w| w * w).sum::<f64>();
    assert!((u.ess - direct).abs() < 1e-9 * direct, "ess {} vs {direct}", u.ess);
    assert!(u.ess_warning);
    // The weight goes to the sample whose yield lies nearest to 0 (the lowest).
    let lowest = (0..r.records.len())
        .min_by(|&a, &b| {
            let at =
                |i: usize| signal_at(&r.records[i], Signal::ProductionYield, r.years[0], 2027.0);
            at(a).total_cmp(&at(b))
        })
        .unwrap();
    let heaviest =
        (0..u.weights.len()).max_by(|&a, &b| u.weights[a].total_cmp(&u.weights[b])).unwrap();
    assert_eq!(heaviest, lowest);
    for p in &u.probabilities {
        assert!(p.probability.is_finite() && p.se.is_finite());
    }
    for a in &u.attribution {
        assert!(a.change.iter().all(|c| c.is_finite()));
    }
}

#[test]
fn what_it_takes_finds_the_cold_plate_year_the_adoption_logistic_allows() {
    // Every gate but cooling open from the start: yield target ~0, goodput parity 1, CPO
    // cheapest. CPO becomes eligible in the first year at or after the cold-plate year, and
    // the logistic from the pilot share pi to the ceiling s reaches the volume share v after
    // lag = ceil(ln((s/pi - 1)/(s/v - 1))/k - 1/2) years (k the median adoption speed). So
    // volume by the window's last year W needs cold_plate_year <= W - lag: on a uniform
    // prior over [2024, 2032] that is (W - lag - 2024)/8 of the prior mass.
    let mut m = fixture();
    m.criteria.yield_target = 1e-6;
    m.criteria.goodput_parity = 1.0;
    m.anchors.cpo_usd_per_gbps_at_reference = 1.0;
    set(&mut m, "cold_plate_year", uniform(2024.0, 2032.0));
    let r = simulate(&m, 2).unwrap();
    let leaf = &m.anchors.tiers[1];
    let (ceiling, pilot, volume) = (leaf.cpo_max_share, m.pilot_share, m.criteria.volume_share);
    let speed = 1.2; // the median of uniform(0.8, 1.6)
    let lag = (((ceiling / pilot - 1.0) / (ceiling / volume - 1.0)).ln() / speed - 0.5).ceil();
    let latest = f64::from(m.criteria.bear_after_year) - lag.max(0.0);
    let takes = r.what_it_takes.iter().find(|t| t.input == MarketInput::ColdPlateYear).unwrap();
    let expected_mass = (latest - 2024.0) / 8.0;
    // The scan's resolution: one bin of 1/200.
    assert!(
        (takes.prior_mass - expected_mass).abs() <= 1.0 / WHAT_IT_TAKES_GRID as f64,
        "{takes:?} against {expected_mass} (latest {latest})"
    );
    let (value, quantile) = takes.nearest.unwrap();
    assert!(value <= latest && latest - value <= 8.0 / WHAT_IT_TAKES_GRID as f64, "{value}");
    assert!((quantile - (value - 2024.0) / 8.0).abs() < 1e-9);
    // An input the volume year cannot depend on here (the power price only moves the TCO,
    // and CPO is cheapest anyway) reaches volume nowhere or everywhere, as the medians do.
    let power = r.what_it_takes.iter().find(|t| t.input == MarketInput::PowerUsdPerKwh).unwrap();
    let at_medians = r.tornado_baseline.is_some_and(|year| year <= m.criteria.bear_after_year);
    let expected = if at_medians { 1.0 } else { 0.0 };
    assert!((power.prior_mass - expected).abs() < 1e-12, "{power:?}");
}

/// A package yield with the structure the yield surface assumes: lanes fail the coupling
/// budget with the Gaussian tail $e^{-c/v}$ of the lateral variance $v = s = d a^2 / m^2$
/// (relative to the reference), $N$ lanes, and independent mechanisms along the heater,
/// warpage and ASIC factors, plus (with `interaction` > 0) warpage adding lateral variance.
fn closed_form_yield(x: &YieldFactors, interaction: f64) -> f64 {
    let (lanes, c) = (512.0, 9.0);
    let variance = x.defect * x.alignment.powi(2) / x.mode_radius.powi(2)
        + interaction * (x.warpage.powi(2) - 1.0);
    let coupling = (-lanes * (-c / variance).exp()).exp();
    let drift = 1.0 - 0.3 * (-3.0 * x.heater_efficiency).exp();
    let warpage = (-0.05 * x.warpage.powi(3)).exp();
    let asic = (1.0 + 0.4 * x.asic_defects / 3.0).powf(-3.0);
    coupling * drift * warpage * asic
}

/// The surface built from `truth` as the pipeline builds it from the yield engine: the
/// attach grid, the four lines and held-out points spread over the factors.
fn surface_of(truth: impl Fn(&YieldFactors) -> f64) -> YieldSurface {
    let at = |edit: &dyn Fn(&mut YieldFactors)| {
        let mut x = YieldFactors::REFERENCE;
        edit(&mut x);
        truth(&x)
    };
    let attach: Vec<(f64, f64)> =
        (0..=40).map(|k| 0.1 * 1.13f64.powi(k)).map(|s| (s, at(&|x| x.defect = s))).collect();
    let line = |grid: &[f64], edit: &dyn Fn(&mut YieldFactors, f64)| {
        yield_surrogate(&grid.iter().map(|&g| (g, at(&|x| edit(x, g)))).collect::<Vec<_>>())
    };
    let fine: Vec<f64> = (0..=80).map(|i| 0.2 + 0.04 * f64::from(i)).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let u = latin_hypercube(12, 6, &mut rng);
    let held_out = u
        .chunks(6)
        .map(|u| {
            let factors = YieldFactors {
                defect: 0.3 + u[0],
                alignment: 0.7 + 0.6 * u[1],
                mode_radius: 0.7 + 0.3 * u[2],
                heater_efficiency: 0.5 + u[3],
                warpage: 0.6 + 0.9 * u[4],
                asic_defects: 0.3 + 2.7 * u[5],
            };
            YieldCheckPoint { factors, package_yield: truth(&factors), se: 0.0 }
        })
        .collect();
    YieldSurface {
        attach: yield_surrogate(&attach),
        laser_defects_at_reference: 0.0,
        fiber_variance_ratio: 0.0,
        warpage_variance_ratio: 0.0,
        reference_yield: truth(&YieldFactors::REFERENCE),
        mode_radius: line(&fine, &|x, g| {
            x.mode_radius = g;
            x.alignment = g;
        }),
        heater_efficiency: line(&fine, &|x, g| x.heater_efficiency = g),
        warpage: line(&fine, &|x, g| x.warpage = g),
        asic_defects: line(&fine, &|x, g| x.asic_defects = g),
        held_out,
    }
}

#[test]
fn the_yield_surface_reproduces_a_separable_closed_form_and_flags_an_interaction() {
    let separable = surface_of(|x| closed_form_yield(x, 0.0));
    // Every held-out point within the interpolation error of the grids: the attach grid's
    // chords in survival coordinates y = ln(-ln C) = ln N - c/s miss by h^2 c / (8 s) at
    // spacing h = ln 1.13, which is h^2 c / (8 s) C |ln C| in yield, at most 0.0043 (at
    // s = 1.4); the lines' chords (spacing 0.04) by |f''| h^2 / 8 < 2e-3 more.
    let tolerance = 0.0043 + 0.002;
    assert!(separable.held_out_error() < tolerance, "{}", separable.held_out_error());
    for point in &separable.held_out {
        let surface = separable.package_yield(&point.factors);
        assert!((surface - point.package_yield).abs() < tolerance, "{point:?}: {surface}");
    }
    // Each input moves the yield the way the physics says: wider alignment spread, smaller
    // mode, weaker heaters, more warpage, more ASIC defects all lose yield.
    let reference = separable.package_yield(&YieldFactors::REFERENCE);
    let worse = [
        YieldFactors { alignment: 1.2, ..YieldFactors::REFERENCE },
        YieldFactors { mode_radius: 0.85, ..YieldFactors::REFERENCE },
        YieldFactors { heater_efficiency: 0.6, ..YieldFactors::REFERENCE },
        YieldFactors { warpage: 1.4, ..YieldFactors::REFERENCE },
        YieldFactors { asic_defects: 2.0, ..YieldFactors::REFERENCE },
    ];
    for x in worse {
        let exact = closed_form_yield(&x, 0.0);
        assert!(exact < reference - 0.005, "{x:?}: {exact} vs {reference}");
        assert!((separable.package_yield(&x) - exact).abs() < tolerance, "{x:?}");
    }
    // Warpage that also shifts the fibers couples it to the attach spread: the product
    // misses that, and the held-out runs say so; the market refuses the surface.
    let coupled = surface_of(|x| closed_form_yield(x, 0.15));
    // (The attach grid's leave-one-out error, four times its chord error, is about 0.026.)
    let bound = 0.03;
    assert!(coupled.held_out_error() > bound, "{}", coupled.held_out_error());
    let mut m = fixture();
    m.anchors.cpo_yield = coupled;
    m.surrogate_error_bound = bound;
    let error = simulate(&m, 1).unwrap_err();
    assert!(
        matches!(&error, MarketError::Invalid { name, .. } if name.contains("cpo_yield (held-out runs)")),
        "{error}"
    );
}

#[test]
fn every_engineering_input_reaches_the_package_yield_gate() {
    // The separable closed form as the market's yield surface: the Sobol total of the package
    // yield in the window's last year is measurably above 0 for each engineering input.
    let mut m = fixture();
    m.anchors.cpo_yield = surface_of(|x| closed_form_yield(x, 0.0));
    m.surrogate_error_bound = 0.05;
    let sets = sobol(&m, 512, 50, 2).unwrap();
    let yields = &sets[1];
    assert_eq!(yields.output, SobolOutput::PackageYield);
    for driver in [
        "yield_learning_rate",
        "alignment_factor",
        "mode_radius_factor",
        "heater_efficiency_factor",
        "warpage_factor",
        "asic_defect_factor",
    ] {
        let index = yields.indices.iter().find(|index| index.input.name() == driver).unwrap();
        assert!(index.total_ci[0] > 0.0, "{driver}: {index:?}");
    }
    // The engine port failure multiplier reaches the goodput loss.
    m.anchors.goodput_loss_vs_engine_factor =
        Surrogate { x: vec![0.5, 1.0, 2.0], y: vec![-0.0005, 0.0, 0.001] };
    assert!(
        (goodput_loss(&m.anchors, 1.0, 2.0) - goodput_loss(&m.anchors, 1.0, 1.0) - 0.001).abs()
            < 1e-12
    );
}

#[test]
fn a_dearer_cooling_bill_raises_cpo_tco_and_the_thermal_pool_by_its_closed_form() {
    // Cold plates standard from mid-2029: before that CPO stays at its pilot share whatever
    // it costs, so the shares are the same with and without the bill and the value pools
    // differ by the bill alone. Energy and downtime priced at zero: TCO is capex.
    let mut m = degenerate();
    set(&mut m, "cold_plate_year", fixed(2029.5));
    set(&mut m, "power_usd_per_kwh", fixed(0.0));
    set(&mut m, "gpu_hour_usd", fixed(0.0));
    let params = Params::from_fn(|input| m.priors[input].quantile(0.5));
    let (plates, infrastructure) = (0.02, 0.05);
    let mut cooled = m.clone();
    cooled.anchors.cpo_cooling = CoolingAnchors {
        cold_plates_usd_per_gbps: plates,
        infrastructure_usd_per_gbps: infrastructure,
    };
    let main = 1;
    let (without, with) =
        (model::run(&m, &params, 0.0, main), model::run(&cooled, &params, 0.0, main));
    let a = &m.anchors;
    let erosion = 1.0 - params[MarketInput::PriceErosion];
    // k(y) = k_p + (1 - l(y)) k_i with l the liquid-cooled share of new racks.
    let bill = |year: i32| {
        let liquid = 1.0 / (1.0 + (-2.0 * (f64::from(year) - 2029.5)).exp());
        plates + (1.0 - liquid) * infrastructure
    };
    // TCO: the window year's (2029) ratio to the cheaper incumbent moves by k(y) over it
    // (the erosion cancels).
    let (g0, g1) = (without.window_gates, with.window_gates);
    assert_eq!(g0.year, 2029);
    let incumbent = a.pluggable_usd_per_gbps.min(a.lpo_usd_per_gbps);
    let expected = bill(2029) / incumbent;
    assert!(g1.tco_ratio > g0.tco_ratio);
    assert!(
        ((g1.tco_ratio - g0.tco_ratio) - expected).abs() < 1e-12 * expected.max(1.0),
        "{} vs {expected}",
        g1.tco_ratio - g0.tco_ratio
    );
    // Value: through 2029 the thermal layer gains ports x Gb/s x CPO share x k(y)(1 - e)^t,
    // the other layers keep theirs.
    let years = (a.end_year - a.start_year + 1) as usize;
    for t in 0..4 {
        let year = a.start_year + t as i32;
        let accelerators = params[MarketInput::AcceleratorsFirstYear]
            * 1e6
            * (1.0 + params[MarketInput::AcceleratorGrowth]).powi(t as i32);
        let gained: f64 = a
            .tiers
            .iter()
            .enumerate()
            .map(|(j, tier)| {
                let share = with.shares[j * years + t][2];
                assert_eq!(share.to_bits(), without.shares[j * years + t][2].to_bits());
                accelerators * tier.ports_per_accelerator * a.port_gbps.0 * share
            })
            .sum::<f64>()
            * bill(year)
            * erosion.powi(t as i32);
        assert!(gained > 0.0);
        let (v0, v1) = (without.value[t], with.value[t]);
        for layer in 0..3 {
            assert!((v1[layer] - v0[layer]).abs() < 1e-12 * v0[layer], "{year} layer {layer}");
        }
        let delta = v1[3] - v0[3];
        assert!((delta - gained).abs() < 1e-9 * gained, "{year}: {delta} vs {gained}");
    }
    // A negative bill is named.
    let mut bad = cooled;
    bad.anchors.cpo_cooling.infrastructure_usd_per_gbps = -0.01;
    let error = simulate(&bad, 1).unwrap_err().to_string();
    assert!(error.contains("anchors.cpo_cooling.infrastructure_usd_per_gbps = -0.01"), "{error}");
}
