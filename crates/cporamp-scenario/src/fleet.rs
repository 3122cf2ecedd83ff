//! `[fleet]` resolved: the GPU cluster's scale-out fabric, its failure rates and laser
//! lifetimes, and the training job.

use cporamp_core::units::{Celsius, Dppm, Fit, Gbps, Hours};
use serde::Serialize;

/// The fleet engine: a GPU cluster's scale-out fabric, built once per technology (every tier)
/// and once mixed, run over years with failures, repairs and a training job.
#[derive(Debug, Clone, Serialize)]
pub struct FleetSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Replications (at least 2).
    pub replications: usize,
    /// Simulated years.
    pub years: f64,
    /// Index into `Scenario::generations` of the cluster's switch generation.
    pub generation: usize,
    /// GPUs, one scale-out port each.
    pub gpus: usize,
    /// Switch tiers (2 or 3).
    pub tiers: usize,
    /// Indices into `Scenario::technologies`: one fabric per entry, that technology on every
    /// tier.
    pub technologies: Vec<usize>,
    /// One more fabric with a technology per tier (leaf first); empty for none.
    pub mixed_tiers: Vec<usize>,
    /// Index of the pluggable technology of the GPU's NIC module.
    pub nic_technology: usize,
    /// Technicians on site.
    pub technicians: usize,
    /// GPU and host failures that interrupt a job, per GPU-hour.
    pub gpu_interruptions_per_gpu_h: f64,
    /// Lognormal sigma of repair times (medians from `[service]`).
    pub repair_sigma: f64,
    /// Failed ports after which a co-packaged switch is replaced.
    pub replace_after_failed_ports: usize,
    /// Spares stocked, a fraction of the installed units of each pool (at least one).
    pub spare_fraction: f64,
    /// Reorder lead time of every spares pool, h.
    pub reorder_lead_h: Hours,
    /// Failure rates and lifetimes.
    pub reliability: FleetReliability,
    /// The training job.
    pub job: FleetJob,
}

/// Failure rates and laser lifetimes for the fleet engine.
#[derive(Debug, Clone, Serialize)]
pub struct FleetReliability {
    /// A DSP pluggable module, all causes, FIT.
    pub module_fit: Fit,
    /// The DSP's share of it (absent from a linear-drive module), FIT.
    pub dsp_fit: Fit,
    /// A co-packaged engine's share per port device of `engine_port_fit_gbps` (driver,
    /// modulator, photodiode, TIA), FIT.
    pub engine_port_fit: Fit,
    /// Random failures per laser (co-packaged and ELS lasers) at `laser_fit_ref_temp_c`, FIT.
    pub laser_fit: Fit,
    /// Laser wear-out Weibull shape.
    pub laser_weibull_shape: f64,
    /// Laser wear-out characteristic life at `laser_ref_temp_c`, h.
    pub laser_weibull_scale_h: Hours,
    /// Temperature of that characteristic life, °C.
    pub laser_ref_temp_c: Celsius,
    /// Arrhenius activation energy of laser wear-out, eV.
    pub laser_activation_energy_ev: f64,
    /// Switch hardware other than optics, FIT.
    pub switch_hardware_fit: Fit,
    /// Latent-defect fraction of pluggable modules, DPPM.
    pub module_infant_dppm: Dppm,
    /// Mean time to failure of a latent defect, h.
    pub infant_mean_h: Hours,
    /// Port speed at which `engine_port_fit` is quoted, Gb/s: a port of the fleet's speed
    /// holds `port_rate_gbps / engine_port_fit_gbps` such devices' worth of optics in series.
    pub engine_port_fit_gbps: Gbps,
    /// Junction temperature at which `laser_fit` is quoted, °C: the random laser FIT is scaled
    /// to each laser's temperature with `laser_activation_energy_ev`.
    pub laser_fit_ref_temp_c: Celsius,
}

/// The training job of the fleet engine.
#[derive(Debug, Clone, Serialize)]
pub struct FleetJob {
    /// GPUs of the job.
    pub gpus: usize,
    /// Work between checkpoints, h.
    pub checkpoint_interval_h: Hours,
    /// Time to write a checkpoint, h.
    pub checkpoint_cost_h: Hours,
    /// Time to restart after an interruption, h.
    pub restart_cost_h: Hours,
}
