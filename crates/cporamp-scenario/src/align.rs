//! `[align]` resolved: automated fiber alignment of the optical engines' fiber arrays, and
//! passive V-groove attach beside it (the `cporamp-align` model; its coupler, cure and gap come
//! from `[photonics]` and `[yield]`).

use serde::Serialize;

/// Which attach cost per engine the yield engine adds to its packaging cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachCost {
    /// None: `[yield] packaging_usd` already holds fiber attach.
    None,
    /// Active alignment's machine and operator cost per engine.
    Active,
    /// Passive V-groove attach's cost per engine.
    Passive,
}

/// The alignment model's settings.
#[derive(Debug, Clone, Serialize)]
pub struct AlignSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Arrays simulated per method.
    pub arrays: usize,
    /// Which attach cost flows into the yield engine's packaging cost.
    pub attach_cost: AttachCost,
    /// Fibers per array.
    pub fibers_per_array: usize,
    /// Arrays attached per optical engine.
    pub arrays_per_engine: usize,
    /// Fiber pitch, µm.
    pub pitch_um: f64,
    /// Vision pre-alignment error per lateral axis, sigma, µm.
    pub prealign_sigma_um: f64,
    /// Vision pre-alignment roll error, sigma, mrad.
    pub prealign_roll_mrad: f64,
    /// Gap at which the first-light spiral runs, µm.
    pub approach_gap_um: f64,
    /// Spiral pitch, µm.
    pub spiral_step_um: f64,
    /// Spiral half-width, µm.
    pub spiral_range_um: f64,
    /// First-light threshold, fraction of a perfectly coupled loopback.
    pub first_light_fraction: f64,
    /// Stage step resolution, µm.
    pub stage_resolution_um: f64,
    /// Settle time per move, s.
    pub settle_s: f64,
    /// Photodiode integration per reading, s.
    pub measure_s: f64,
    /// Photodiode noise sigma, fraction of a perfectly coupled loopback.
    pub noise_fraction: f64,
    /// Loading, vision pre-alignment and dispense per array, s.
    pub handling_s: f64,
    /// Adhesive cure on the machine per array, s.
    pub cure_s: f64,
    /// Active aligner rate, USD/h.
    pub machine_usd_per_h: f64,
    /// Operator rate, USD/h.
    pub operator_usd_per_h: f64,
    /// Machines one operator tends.
    pub machines_per_operator: f64,
    /// Passive V-groove core position sigma per axis, µm.
    pub passive_sigma_um: f64,
    /// Mode radius of a coupler designed for passive attach, µm.
    pub passive_mode_radius_um: f64,
    /// Passive pick, place and dispense per array, s.
    pub passive_place_s: f64,
    /// Passive placement machine rate, USD/h.
    pub passive_machine_usd_per_h: f64,
}
