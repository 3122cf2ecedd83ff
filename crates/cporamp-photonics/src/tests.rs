//! The population against closed forms: a Gaussian margin case against the normal tail, and
//! bad input.

use super::*;
use cporamp_core::math::normal_cdf;
use cporamp_core::units::{Celsius, Db, Gbps, Micrometres, Milliwatts, Nanometres, Seconds};

fn rings() -> Rings {
    Rings {
        rings_per_lane: 2,
        fsr: Nanometres(11.4),
        heater_efficiency_nm_per_mw: 0.42,
        fab_offset_sigma: Nanometres(0.0),
        design_bias: Nanometres(3.0),
        ring_drift_nm_per_k: 0.08,
        laser_drift_nm_per_k: 0.085,
        ring_temp: Celsius(50.0),
        reference_temp: Celsius(50.0),
    }
}

fn settings() -> PhotonicsSettings {
    PhotonicsSettings {
        lanes: 2000,
        heater_crosstalk: 0.0,
        channel_spacing_nm: Nanometres(1e6),
        global_variance_fraction: 0.0,
        laser_offset_sigma_nm: Nanometres(0.0),
        block_sigma_um: Micrometres(0.0),
        fiber_sigma_um: Micrometres(0.0),
        ageing_allocation_db: Db(0.0),
        wavelength_reassignment: false,
        power_sigma_db: Db(1.0),
        kp: 0.0,
        ki: 0.3,
        capture_fwhm: 1000.0,
        relock_time_s: Seconds(0.0),
        flap_window_s: Seconds(0.003),
        periods: 5,
        ..crate::settings::default_settings()
    }
}

/// One 200-sample period at 1 kHz whose ring temperature steps so that the drift D is a
/// square wave of amplitude `step_nm` (the laser held at the reference temperature).
fn square_drift(step_nm: f64) -> DriftTrace {
    let n = 200;
    let ring: Vec<f64> =
        (0..n).map(|k| if k < n / 2 { 50.0 } else { 50.0 + step_nm / 0.08 }).collect();
    let power: Vec<f64> = (0..n).map(|k| if k < n / 2 { 300.0 } else { 450.0 }).collect();
    DriftTrace {
        sample_s: 1e-3,
        ring_temp_c: ring.clone(),
        laser_temp_c: vec![50.0; n],
        sensor_temp_c: ring.iter().map(|t| t + 10.0 + 0.01 * t * t).collect(),
        asic_power_w: power,
    }
}

#[test]
fn flap_rate_matches_the_gaussian_tail_within_three_standard_errors() {
    // After each drift step S the detuning decays as S (1 - Ki)^(k-1); a lane flaps when it
    // stays over its threshold for W samples, i.e. when the Lorentzian penalty at
    // S (1 - Ki)^(W-1) exceeds its margin m ~ N(M, sigma^2) (m <= 0: always bad, one long
    // outage that never ends, so no repeated flaps). Two steps per period.
    let settings = settings();
    let step_nm = 0.2;
    let link = LinkInputs { margin_db: Db(1.5), lane_gbps: Gbps(200.0), bring_up_drift_nm: None };
    let result = simulate(&settings, &rings(), &link, &square_drift(step_nm), 2).unwrap();
    let linewidth = result.linewidth_nm;
    let window = 3;
    let excursion = step_nm * (1.0f64 - settings.ki).powi(window - 1);
    let threshold_db = optics::detuning_penalty_db(excursion, linewidth);
    let sigma = settings.power_sigma_db.0;
    let p_flap = normal_cdf((threshold_db - link.margin_db.0) / sigma)
        - normal_cdf(-link.margin_db.0 / sigma);
    let periods_per_hour = 3600.0 / 0.2;
    let expected = 2.0 * p_flap * periods_per_hour;
    let estimate = result.feedback.flaps_per_lane_hour;
    let se = result.feedback.flaps_se;
    assert!(p_flap > 0.05 && p_flap < 0.95, "a test in the body of the distribution: {p_flap}");
    assert!(se > 0.0);
    assert!(
        (estimate - expected).abs() < 3.0 * se,
        "MC {estimate} +- {se}, closed form {expected}"
    );
    // Never-locking and negative-margin lanes are reported, not hidden.
    assert!((result.negative_margin_fraction - normal_cdf(-link.margin_db.0 / sigma)).abs() < 0.03);
    assert!(result.unlockable_fraction.abs() < 1e-15);
    // Negative-margin lanes are bad at every counted sample; the rest only in excursions.
    let bad = result.feedback.bad_fraction;
    assert!(bad >= result.negative_margin_fraction - 1e-12 && bad < 1.0, "{bad}");
}

#[test]
fn same_seed_same_numbers_other_seed_other_lanes() {
    let settings = PhotonicsSettings { lanes: 64, ..settings() };
    let link = LinkInputs { margin_db: Db(1.0), lane_gbps: Gbps(200.0), bring_up_drift_nm: None };
    let trace = square_drift(0.1);
    let a = simulate(&settings, &rings(), &link, &trace, 1).unwrap();
    let b = simulate(&settings, &rings(), &link, &trace, 2).unwrap();
    assert_eq!(a, b);
    let other = PhotonicsSettings { seed: settings.seed + 1, ..settings };
    let c = simulate(&other, &rings(), &link, &trace, 2).unwrap();
    assert_ne!(a.margin_histogram, c.margin_histogram);
}

#[test]
fn bad_input_gets_a_named_error() {
    let link = LinkInputs { margin_db: Db(1.0), lane_gbps: Gbps(200.0), bring_up_drift_nm: None };
    let trace = square_drift(0.1);
    let mut bad = rings();
    bad.heater_efficiency_nm_per_mw = -0.1;
    let error = simulate(&settings(), &bad, &link, &trace, 1).unwrap_err();
    assert!(error.to_string().contains("heater_efficiency_nm_per_mw = -0.1"), "{error}");
    let mut bad = rings();
    bad.fsr = Nanometres(0.0);
    let error = simulate(&settings(), &bad, &link, &trace, 1).unwrap_err();
    assert!(error.to_string().contains("fsr_nm = 0"), "{error}");
    let negative_range = PhotonicsSettings { heater_max_mw: Milliwatts(-1.0), ..settings() };
    let error = simulate(&negative_range, &rings(), &link, &trace, 1).unwrap_err();
    assert!(error.to_string().contains("range_nm = -0.42"), "{error}");
    let time = [0.0, 0.1, 0.1, 0.3];
    let values = [1.0; 4];
    let samples = ThermalSamples {
        time_s: &time,
        ring_temp_c: &values,
        laser_temp_c: &values,
        sensor_temp_c: &values,
        asic_power_w: &values,
    };
    let error = DriftTrace::resample(&samples, 1e-3, 0.2).unwrap_err();
    assert_eq!(
        error.to_string(),
        "photonics: drift trace sample 2: time 0.1 s after 0.1 s; expected strictly increasing times"
    );
}

#[test]
fn resampling_interpolates_linearly_over_the_last_period() {
    let time: Vec<f64> = (0..=20).map(|k| k as f64 * 0.01).collect();
    let ramp: Vec<f64> = time.iter().map(|t| 40.0 + 10.0 * t).collect();
    let samples = ThermalSamples {
        time_s: &time,
        ring_temp_c: &ramp,
        laser_temp_c: &ramp,
        sensor_temp_c: &ramp,
        asic_power_w: &ramp,
    };
    let trace = DriftTrace::resample(&samples, 1e-3, 0.1).unwrap();
    assert_eq!(trace.ring_temp_c.len(), 100);
    for (k, value) in trace.ring_temp_c.iter().enumerate() {
        let t = 0.1 + (k + 1) as f64 * 1e-3;
        assert!((value - (40.0 + 10.0 * t)).abs() < 1e-9, "k {k}");
    }
}

#[test]
fn misalignment_loss_follows_the_rayleigh_mean() {
    // With x, y ~ N(0, s^2) the squared offset has mean 2 s^2, so the mean loss
    // 10 log10(e) d^2 / w^2 is 10 log10(e) 2 s^2 / w^2; the MC mean of n lanes carries a
    // standard error of that times sqrt(1/n) (d^2 is exponential: sd = mean).
    let settings =
        PhotonicsSettings { lanes: 4000, fiber_sigma_um: Micrometres(0.5), ..settings() };
    let link = LinkInputs { margin_db: Db(3.0), lane_gbps: Gbps(200.0), bring_up_drift_nm: None };
    let result = simulate(&settings, &rings(), &link, &square_drift(0.01), 2).unwrap();
    let w = settings.mode_radius_um.0;
    let expected = 10.0 * std::f64::consts::LOG10_E * 2.0 * 0.25 / (w * w);
    let se = expected / (settings.lanes as f64).sqrt();
    let budget = result.lane_budget;
    assert!(
        (budget.misalignment_mean_db - expected).abs() < 3.0 * se,
        "{} vs {expected}",
        budget.misalignment_mean_db
    );
    // 99th percentile of an exponential: mean x ln(100).
    assert!((budget.misalignment_p99_db / (expected * 100f64.ln()) - 1.0).abs() < 0.15);
    assert!(budget.worst_margin_p01_db < budget.worst_margin_median_db);
}
