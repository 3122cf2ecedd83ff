//! What a run produces: per generation the thermal, photonics and yield results beside the
//! comparison, and the run's whole output.

use super::*;
use cporamp_core::ids::{GenerationId, TechnologyId};

/// Everything one run produced.
#[derive(Debug, Clone, Serialize)]
pub struct RunOutput {
    /// The comparison at the thermal engine's temperatures and the nominal inlet.
    pub comparison: Comparison,
    /// The thermal engine's results.
    pub thermal: Vec<ThermalGeneration>,
    /// The photonics engine's results, driven by the thermal transients.
    pub photonics: Vec<PhotonicsGeneration>,
    /// The yield engine's results.
    pub yields: Vec<YieldGeneration>,
    /// The fleet engine's fabrics at the cluster's generation.
    pub fleet: FleetOutput,
    /// The market engine's scenario probabilities, anchored on the fleet's generation.
    pub market: MarketOutput,
    /// Automated fiber alignment against passive attach.
    pub align: cporamp_align::AlignResult,
}

/// Everything one generation produced.
#[derive(Debug, Clone, Serialize)]
pub struct GenerationOutput {
    /// The comparison at the settled temperatures.
    pub comparison: GenerationComparison,
    /// Thermal results.
    pub thermal: ThermalGeneration,
    /// Photonics results.
    pub photonics: PhotonicsGeneration,
    /// Yield results.
    pub yields: YieldGeneration,
}

/// Yield results of one generation.
#[derive(Debug, Clone, Serialize)]
pub struct YieldGeneration {
    /// Generation id.
    pub generation: GenerationId,
    /// One entry per co-packaged technology with rings.
    pub technologies: Vec<YieldTechnology>,
}

/// Yield of one co-packaged technology.
#[derive(Debug, Clone, Serialize)]
pub struct YieldTechnology {
    /// Technology id.
    pub id: TechnologyId,
    /// Name for people.
    pub label: String,
    /// The inputs the engine ran on (derived from the technology, photonics, thermal and
    /// yield settings).
    pub inputs: YieldInputs,
    /// The result.
    pub result: YieldResult,
    /// Switch cost per Gb/s with the cost of a shipped package (ASIC, engines, packaging and
    /// test through the test flow) in place of the comparison's ideal ASIC and engines:
    /// (switch BOM - ASIC - engines + cost per shipped package) / switch capacity.
    pub switch_usd_per_gbps_with_yield: f64,
    /// The closed forms of its lane-failure rates, to check the Monte Carlo against.
    pub closed_form: cporamp_yield::closed_form::ClosedForms,
    /// Yield and cost over the ramp.
    pub ramp: Vec<RampPoint>,
    /// What to fix first: the saving from removing each mechanism.
    pub tornado: Vec<TornadoBar>,
}

/// Photonics results of one generation.
#[derive(Debug, Clone, Serialize)]
pub struct PhotonicsGeneration {
    /// Generation id.
    pub generation: GenerationId,
    /// One entry per co-packaged technology with rings.
    pub technologies: Vec<PhotonicsTechnology>,
}

/// Photonics results of one co-packaged technology.
#[derive(Debug, Clone, Serialize)]
pub struct PhotonicsTechnology {
    /// Technology id.
    pub id: TechnologyId,
    /// Name for people.
    pub label: String,
    /// Whether the laser drifts with the engine (integrated) or sits in a front-panel ELS.
    pub laser_on_engine: bool,
    /// At the nominal inlet.
    pub nominal: PhotonicsResult,
    /// Flap rates across the inlet sweep.
    pub inlet_sweep: Vec<FlapPoint>,
}

impl FlapPoint {
    pub(crate) fn of(inlet_c: f64, result: &PhotonicsResult) -> FlapPoint {
        FlapPoint {
            inlet_c,
            feedback_flaps_per_lane_hour: result.feedback.flaps_per_lane_hour,
            feedback_flaps_se: result.feedback.flaps_se,
            feed_forward_flaps_per_lane_hour: result.feed_forward.flaps_per_lane_hour,
            feed_forward_flaps_se: result.feed_forward.flaps_se,
            heater_mw_per_ring: result.feedback.heater_mw_per_ring,
            unlockable_fraction: result.unlockable_fraction,
        }
    }
}

/// Flap and lock-loss rates at one coolant inlet.
#[derive(Debug, Clone, Serialize)]
pub struct FlapPoint {
    /// Coolant inlet, °C.
    pub inlet_c: f64,
    /// Flaps per lane-hour, feedback only, and its standard error.
    pub feedback_flaps_per_lane_hour: f64,
    /// Standard error.
    pub feedback_flaps_se: f64,
    /// Flaps per lane-hour with feed-forward.
    pub feed_forward_flaps_per_lane_hour: f64,
    /// Standard error.
    pub feed_forward_flaps_se: f64,
    /// Mean heater power per ring, feedback only, mW.
    pub heater_mw_per_ring: f64,
    /// Lanes that found no resonance within the heater range, fraction.
    pub unlockable_fraction: f64,
}

/// Thermal results of one generation.
#[derive(Debug, Clone, Serialize)]
pub struct ThermalGeneration {
    /// Generation id.
    pub generation: GenerationId,
    /// One entry per co-packaged technology.
    pub technologies: Vec<ThermalTechnology>,
}

/// Thermal results of one co-packaged technology.
#[derive(Debug, Clone, Serialize)]
pub struct ThermalTechnology {
    /// Technology id.
    pub id: TechnologyId,
    /// Name for people.
    pub label: String,
    /// ASIC power at the settled junction temperature (leakage included), W.
    pub asic_w: f64,
    /// The leakage part of it, W.
    pub asic_leakage_w: f64,
    /// Power of one engine, W.
    pub engine_w: f64,
    /// Engines per package.
    pub n_engines: usize,
    /// Fixed-point iterations at the nominal inlet.
    pub iterations: usize,
    /// The package at the nominal inlet.
    pub nominal: PackageResult,
    /// The inlet sweep.
    pub sweep: Vec<SweepPoint>,
    /// Workload cycling at the nominal inlet.
    pub cycling: CyclingResult,
}

/// Thermal cycling under the scenario's square-wave workload.
#[derive(Debug, Clone, Serialize)]
pub struct CyclingResult {
    /// The ASIC's bump site (its junction peak).
    pub asic: Fatigue,
    /// The hottest engine.
    pub engine: Fatigue,
    /// The last simulated period: time (s), ASIC peak and hottest engine (°C).
    pub last_period: PackageHistory,
}

/// One inlet temperature of the sweep.
#[derive(Debug, Clone, Serialize)]
pub struct SweepPoint {
    /// Coolant inlet, °C.
    pub inlet_c: f64,
    /// ASIC peak junction, °C.
    pub asic_max_c: f64,
    /// Hottest engine mean, °C.
    pub engine_mean_max_c: f64,
    /// Engine power at that temperature, W.
    pub engine_w: f64,
    /// Optics power per port at that temperature, W.
    pub optics_w_per_port: f64,
}
