//! Regression pins of the photonics engine's lane Monte Carlo: a few figures of a small seeded
//! run, asserted to a relative 1e-12 (counts exactly), so that an accidental change of a
//! random stream (a draw added, reordered or reseeded) shows. These are regression pins, not
//! physics references: the closed-form tests in `src/tests.rs` check the physics. The values
//! were taken from the code as it stood; a deliberate change of the streams updates them with
//! its reason.

use cporamp_core::check::Checker;
use cporamp_core::pins::assert_pins;
use cporamp_core::units::{Celsius, Db, Gbps, Nanometres};
use cporamp_photonics::*;

/// Rings with a fabrication spread, locked by a heater.
fn rings() -> Rings {
    Rings {
        rings_per_lane: 2,
        fsr: Nanometres(11.4),
        heater_efficiency_nm_per_mw: 0.42,
        fab_offset_sigma: Nanometres(0.5),
        design_bias: Nanometres(3.0),
        ring_drift_nm_per_k: 0.08,
        laser_drift_nm_per_k: 0.085,
        ring_temp: Celsius(50.0),
        reference_temp: Celsius(50.0),
    }
}

/// The default scenario's photonics settings (checked alone, by the engine's own check) on
/// 64 lanes and 2 periods (its seed).
fn settings() -> PhotonicsSettings {
    let text = include_str!("../../cporamp-scenario/presets/default.toml");
    let mut file: toml::Table = toml::from_str(text).unwrap();
    let default: PhotonicsSettings = file.remove("photonics").unwrap().try_into().unwrap();
    let mut checker = Checker::default();
    settings::check(&mut checker, &default);
    assert!(checker.diagnostics.is_empty(), "{:?}", checker.diagnostics);
    PhotonicsSettings { lanes: 64, periods: 2, ..default }
}

/// One 200-sample period at 1 kHz whose ring temperature and ASIC power step half-way (as
/// `square_drift` in the unit tests), the laser 2 K warmer in the hot half.
fn trace() -> DriftTrace {
    let n = 200;
    let ring: Vec<f64> = (0..n).map(|k| if k < n / 2 { 50.0 } else { 55.0 }).collect();
    DriftTrace {
        sample_s: 1e-3,
        ring_temp_c: ring.clone(),
        laser_temp_c: ring.iter().map(|t| 0.4 * t + 30.0).collect(),
        sensor_temp_c: ring.iter().map(|t| t + 10.0 + 0.01 * t * t).collect(),
        asic_power_w: (0..n).map(|k| if k < n / 2 { 300.0 } else { 450.0 }).collect(),
    }
}

#[test]
fn seeded_photonics_figures_are_pinned() {
    let link = LinkInputs { margin_db: Db(3.0), lane_gbps: Gbps(200.0), bring_up_drift_nm: None };
    let result = simulate(&settings(), &rings(), &link, &trace(), 2).unwrap();
    assert_eq!(result.lanes, 64);
    let counts: Vec<f64> = result.margin_histogram.counts.iter().map(|&c| c as f64).collect();
    assert_pins(&[
        ("feedback rms detuning, nm", result.feedback.rms_detuning_nm, 0.0017418969499127543),
        ("feedback heater, mW per ring", result.feedback.heater_mw_per_ring, 2.3636759338020563),
        ("feedback flaps per lane hour", result.feedback.flaps_per_lane_hour, 28125.0),
        (
            "feed-forward rms detuning, nm",
            result.feed_forward.rms_detuning_nm,
            0.0017418969500112764,
        ),
        ("predictor rms error, nm", result.predictor_rms_error_nm, 0.024240528915961387),
        ("negative margin fraction", result.negative_margin_fraction, 0.0),
        ("unlockable fraction", result.unlockable_fraction, 0.0),
        (
            "margin histogram, lanes in the fullest bin",
            counts.iter().copied().fold(0.0, f64::max),
            14.0,
        ),
    ]);
}
