//! `[photonics]` resolved: ring line shape, heater range, lock loop, lane-to-lane variation
//! and the workload that drives the drift.

use cporamp_core::units::{Micrometres, Nanometres};
use serde::Serialize;

/// The photonics engine: ring line shape, heater range, lock loop, lane-to-lane variation
/// and the workload whose thermal transient drives the drift.
#[derive(Debug, Clone, Serialize)]
pub struct PhotonicsSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Monte Carlo lanes per technology and generation.
    pub lanes: usize,
    /// Lanes sharing one PIC (one global fabrication offset).
    pub lanes_per_pic: usize,
    /// Operating wavelength, nm.
    pub wavelength_nm: f64,
    /// Loaded quality factor of the rings.
    pub ring_loaded_q: f64,
    /// Heater power limit, mW.
    pub heater_max_mw: f64,
    /// Share of a heater's shift reaching each adjacent ring of its PIC row.
    pub heater_crosstalk: f64,
    /// WDM channel spacing between adjacent rings of a row, nm.
    pub channel_spacing_nm: f64,
    /// Share of the fabrication-offset variance common to a PIC, 0..1.
    pub global_variance_fraction: f64,
    /// Laser wavelength offset spread, nm.
    pub laser_offset_sigma_nm: f64,
    /// Fiber-block placement spread per axis, common to the block's fibers, µm.
    pub block_sigma_um: f64,
    /// Core position spread per axis of each fiber within its block, µm.
    pub fiber_sigma_um: f64,
    /// Mode radius (1/e² intensity) of fiber and coupler, µm.
    pub mode_radius_um: f64,
    /// Part of each co-packaged link margin allocated to excess coupling loss: a lane whose
    /// coupling loss exceeds it fails package test, dB.
    pub coupling_allocation_db: f64,
    /// Part of the link margin held back for ageing (not available to detuning), dB.
    pub ageing_allocation_db: f64,
    /// Whether a ring bus may lock to its laser grid rotated by whole channels
    /// ([`cporamp_core::wdm`]).
    pub wavelength_reassignment: bool,
    /// Heater shift the bus rotation keeps below every ring at bring-up, nm.
    pub lock_guard_nm: f64,
    /// Lane-to-lane optical power spread, dB.
    pub power_sigma_db: f64,
    /// Lock-loop sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Proportional gain.
    pub kp: f64,
    /// Integral gain per sample.
    pub ki: f64,
    /// Capture half-width of the error signal in half-linewidths.
    pub capture_fwhm: f64,
    /// Time a re-lock takes, s.
    pub relock_time_s: f64,
    /// Time over the BER threshold that takes a link down, s.
    pub flap_window_s: f64,
    /// Workload period of the drift transient, s.
    pub workload_period_s: f64,
    /// Busy share of the workload period.
    pub workload_busy_fraction: f64,
    /// Thermal time step of the drift transient, s.
    pub thermal_step_s: f64,
    /// Lateral cells per package side of the drift transient's package model.
    pub drift_grid_cells: usize,
    /// Workload periods simulated (the first is warm-up).
    pub periods: usize,
    /// On-die temperature sensor resolution, K.
    pub sensor_lsb_k: f64,
    /// Samples per telemetry channel in the drift predictor.
    pub predictor_taps: usize,
}

impl PhotonicsSettings {
    /// The laser wavelength in micrometres (the unit of the mode-overlap formulas).
    #[must_use]
    pub fn wavelength(&self) -> Micrometres {
        Nanometres(self.wavelength_nm).to_micrometres()
    }
}
