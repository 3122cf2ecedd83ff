//! `[photonics]`: the section of the scenario file this engine reads ([`PhotonicsSettings`],
//! deserialized as written and checked by [`check()`]): ring line
//! shape, heater range, lock loop, lane-to-lane variation and the workload that drives the
//! drift; and the rings of a technology ([`Rings`]).
//!
//! The engine owns its section: one serde type, every range check of its fields (each
//! problem names the field path, the value, the interval and the unit, through
//! [`cporamp_core::check::Checker`]). The section names nothing
//! outside itself; the checks that relate it to the technologies' link margins and ring FSRs
//! run in the scenario.

mod check;

pub use check::check;

use cporamp_core::units::{
    Celsius, Db, Hertz, Kelvin, Micrometres, Milliwatts, Nanometres, Seconds,
};
use serde::{Deserialize, Serialize};

/// The photonics engine: ring line shape, heater range, lock loop, lane-to-lane variation
/// and the workload whose thermal transient drives the drift: `[photonics]` as written, bare
/// numbers with the unit in the field name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotonicsSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Monte Carlo lanes per technology and generation.
    pub lanes: usize,
    /// Lanes sharing one PIC (one global fabrication offset).
    pub lanes_per_pic: usize,
    /// Operating wavelength, nm.
    pub wavelength_nm: Nanometres,
    /// Loaded quality factor of the rings.
    pub ring_loaded_q: f64,
    /// Heater power limit, mW.
    pub heater_max_mw: Milliwatts,
    /// Share of a heater's shift reaching each adjacent ring of its PIC row.
    pub heater_crosstalk: f64,
    /// WDM channel spacing between adjacent rings of a row, nm.
    pub channel_spacing_nm: Nanometres,
    /// Share of the fabrication-offset variance common to a PIC, 0..1.
    pub global_variance_fraction: f64,
    /// Laser wavelength offset spread, nm.
    pub laser_offset_sigma_nm: Nanometres,
    /// Fiber-block placement spread per axis, common to the block's fibers, µm.
    pub block_sigma_um: Micrometres,
    /// Core position spread per axis of each fiber within its block, µm.
    pub fiber_sigma_um: Micrometres,
    /// Mode radius (1/e² intensity) of fiber and coupler, µm.
    pub mode_radius_um: Micrometres,
    /// Part of each co-packaged link margin allocated to excess coupling loss: a lane whose
    /// coupling loss exceeds it fails package test, dB.
    pub coupling_allocation_db: Db,
    /// Part of the link margin held back for ageing (not available to detuning), dB.
    pub ageing_allocation_db: Db,
    /// Whether a ring bus may lock to its laser grid rotated by whole channels
    /// ([`cporamp_core::wdm`]).
    pub wavelength_reassignment: bool,
    /// Heater shift the bus rotation keeps below every ring at bring-up, nm.
    pub lock_guard_nm: Nanometres,
    /// Lane-to-lane optical power spread, dB.
    pub power_sigma_db: Db,
    /// Lock-loop sample rate, Hz.
    pub sample_rate_hz: Hertz,
    /// Proportional gain.
    pub kp: f64,
    /// Integral gain per sample.
    pub ki: f64,
    /// Capture half-width of the error signal in half-linewidths.
    pub capture_fwhm: f64,
    /// Time a re-lock takes, s.
    pub relock_time_s: Seconds,
    /// Time over the BER threshold that takes a link down, s.
    pub flap_window_s: Seconds,
    /// Workload period of the drift transient, s.
    pub workload_period_s: Seconds,
    /// Busy share of the workload period.
    pub workload_busy_fraction: f64,
    /// Thermal time step of the drift transient, s.
    pub thermal_step_s: Seconds,
    /// Lateral cells per package side of the drift transient's package model.
    pub drift_grid_cells: usize,
    /// Workload periods simulated (the first is warm-up).
    pub periods: usize,
    /// On-die temperature sensor resolution, K.
    pub sensor_lsb_k: Kelvin,
    /// Samples per telemetry channel in the drift predictor.
    pub predictor_taps: usize,
}

impl PhotonicsSettings {
    /// The laser wavelength in micrometres (the unit of the mode-overlap formulas).
    #[must_use]
    pub fn wavelength(&self) -> Micrometres {
        self.wavelength_nm.to_micrometres()
    }
}

/// Microring thermal tuning: a co-packaged technology's `[technology.*.rings]` (the file names
/// each length and temperature with its unit, `fsr_nm`, ...), checked by the scenario with the
/// technology; the photonics engine, the comparison and the yield
/// pipeline read it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rings {
    /// Rings per lane (modulator, filters).
    pub rings_per_lane: u32,
    /// Free spectral range.
    #[serde(rename(deserialize = "fsr_nm"))]
    pub fsr: Nanometres,
    /// Heater tuning efficiency, nm per mW.
    pub heater_efficiency_nm_per_mw: f64,
    /// Standard deviation of the fabricated resonance offset.
    #[serde(rename(deserialize = "fab_offset_sigma_nm"))]
    pub fab_offset_sigma: Nanometres,
    /// Designed blue offset of the ring from the laser at the reference temperature.
    #[serde(rename(deserialize = "design_bias_nm"))]
    pub design_bias: Nanometres,
    /// Ring resonance drift, nm/K.
    pub ring_drift_nm_per_k: f64,
    /// Laser wavelength drift, nm/K.
    pub laser_drift_nm_per_k: f64,
    /// Ring operating temperature.
    #[serde(rename(deserialize = "ring_temp_c"))]
    pub ring_temp: Celsius,
    /// Temperature at which `design_bias` holds.
    #[serde(rename(deserialize = "reference_temp_c"))]
    pub reference_temp: Celsius,
}

impl Rings {
    /// How far the heaters tune a ring at `heater_max`: efficiency x power, nm.
    #[must_use]
    pub fn tuning_range_nm(&self, heater_max: Milliwatts) -> f64 {
        self.heater_efficiency_nm_per_mw * heater_max.0
    }

    /// A ring-to-laser offset `offset_nm` moved by the drift, nm: plus the laser's drift from
    /// `laser_from_c` to `laser_c`, less the ring's from `ring_from_c` to `ring_c`,
    /// $\delta + a_L (T_L - T_{L,0}) - a_R (T_R - T_{R,0})$ with the laser's and the rings'
    /// drift coefficients $a_L$, $a_R$ (nm/K). With `offset_nm` 0 it is the drift alone,
    /// positive when the laser moves red of the ring.
    #[must_use]
    pub fn drifted_offset_nm(
        &self,
        offset_nm: f64,
        (ring_c, ring_from_c): (f64, f64),
        (laser_c, laser_from_c): (f64, f64),
    ) -> f64 {
        offset_nm + self.laser_drift_nm_per_k * (laser_c - laser_from_c)
            - self.ring_drift_nm_per_k * (ring_c - ring_from_c)
    }
}

/// The default scenario's `[photonics]` section with `edit` applied to the file's text,
/// checked alone: the settings and the field paths of its problems.
#[cfg(test)]
fn default_section(edit: impl Fn(&str) -> String) -> (PhotonicsSettings, Vec<String>) {
    let text = edit(include_str!("../../../cporamp-scenario/presets/default.toml"));
    let mut file: toml::Table = toml::from_str(&text).unwrap();
    let settings: PhotonicsSettings = file.remove("photonics").unwrap().try_into().unwrap();
    let mut checker = cporamp_core::check::Checker::default();
    check(&mut checker, &settings);
    (settings, checker.diagnostics.into_iter().map(|d| d.path).collect())
}

/// The default scenario's `[photonics]` section, checked alone: the engine's tests start from
/// it.
#[cfg(test)]
pub(crate) fn default_settings() -> PhotonicsSettings {
    let (settings, problems) = default_section(str::to_string);
    assert!(problems.is_empty(), "{problems:?}");
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_section_checks_alone() {
        let settings = default_settings();
        assert_eq!((settings.lanes, settings.predictor_taps), (256, 4));
        assert!((settings.sample_rate_hz.0 - 1000.0).abs() < 1e-12);
    }

    #[test]
    fn every_problem_is_named_by_its_field_path() {
        let (_, problems) = default_section(|text| {
            text.replacen("lanes = 256 ", "lanes = 0 ", 1).replacen(
                "predictor_taps = 4 ",
                "predictor_taps = 65 ",
                1,
            )
        });
        assert_eq!(problems, ["photonics.lanes", "photonics.predictor_taps"]);
    }

    #[test]
    fn a_bad_kp_does_not_give_ki_an_empty_interval() {
        // kp = 1.5 is out of range; ki = 0.5 is stable for any valid kp below 0.75, so only
        // kp is named (the stability bound 2 - 2 kp would be -1).
        let (_, problems) = default_section(|text| {
            text.replacen("\nkp = ", "\nkp = 1.5 #", 1).replacen("\nki = ", "\nki = 0.5 #", 1)
        });
        assert_eq!(problems, ["photonics.kp"]);
        // A valid kp still bounds ki: at kp = 0.9, ki must stay below 0.2.
        let (_, problems) = default_section(|text| {
            text.replacen("\nkp = ", "\nkp = 0.9 #", 1).replacen("\nki = ", "\nki = 0.5 #", 1)
        });
        assert_eq!(problems, ["photonics.ki"]);
    }
}
