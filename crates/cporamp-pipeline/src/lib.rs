//! cporamp-pipeline: runs the engines in order and feeds each one's outputs to the next.
//!
//! Thermal <-> compare, then photonics, then yield. For every co-packaged technology at every
//! generation, the
//! comparison gives the ASIC power and each optical engine's power; the thermal engine
//! solves the package on its cold plate and returns the engines' junction temperatures;
//! those become the technology's ring temperature and, for lasers inside the package, the
//! laser temperature, which changes laser wall-plug efficiency and so engine power. The loop
//! is a fixed-point iteration
//!
//! $$ T_{k+1} = \mathcal{T}\big(P(T_k)\big), $$
//!
//! stopped when the hottest engine's mean temperature moves less than 0.01 K (an error after
//! 50 iterations). The coupling is weak (laser power is a few percent of engine power), so it
//! converges in a few iterations. Around it, the ASIC's leakage loop
//! ([`cporamp_thermal::leakage`]): the ASIC power follows its mean junction temperature,
//! $P = P_\text{nom}[(1-f) + f e^{\beta(T - T_\text{ref})}]$, iterated to 0.01 K, with
//! thermal runaway reported as an error. The comparison reported by `cporamp run` and
//! `cporamp compare` is the one at the converged engine temperatures and the nominal coolant
//! inlet; its ASIC power is the generation's nominal figure (at the reference junction
//! temperature), and the thermal results carry the ASIC power at its settled temperature.
//! The inlet sweep repeats both loops at each inlet.
//!
//! Then the package's workload transient drives the photonics engine (`photonics_for`),
//! and the yield engine runs on inputs taken from the package, photonics and the settled
//! comparison (`yield_inputs`; every technology x generation's runs pooled by `yield_all`);
//! each yield result carries the switch cost with its yielded package
//! (`switch_usd_per_gbps_with_yield`: the comparison's BOM with the cost per shipped package
//! in place of the ideal ASIC and engines), which the market takes as CPO's capex. The alignment model (`run_align`) runs on `[align]`
//! with the coupler and attach of `[photonics]` and `[yield]`; the attach cost per engine of
//! the method `[align] attach_cost` selects joins the yield engine's packaging cost.
//!
//! **Architecture invariant:** pure, like the engines it calls.

use cporamp_compare::{CompareError, Comparison, GenerationComparison, TechnologyResult};
use cporamp_core::ids::{GenerationId, TechnologyId};
use cporamp_core::units::{Celsius, Millimetres, Nanometres};
use cporamp_photonics::{DriftTrace, LinkInputs, PhotonicsError, PhotonicsResult, ThermalSamples};
use cporamp_scenario::Scenario;
use cporamp_scenario::{
    Generation, LaserPlacement, Optics, Package, Rings, Technology, ThermalSettings,
};
use cporamp_thermal::cycling::Fatigue;
use cporamp_thermal::leakage::LeakageError;
use cporamp_thermal::package::{
    PackageError, PackageGeometry, PackageHistory, PackageModel, PackageResult, Varying,
};
use cporamp_yield::{RampPoint, TornadoBar, YieldInputError, YieldInputs, YieldResult};
use serde::Serialize;

mod align;
pub mod calibrate;
mod engines;
#[cfg(test)]
mod fixture;
mod fleet;
mod generations;
mod market;
mod options;
mod outputs;
mod preflight;
mod yield_stage;

pub use align::{align_inputs, run_align};
use engines::*;
pub use engines::{Converged, Evaluate, engine_power_w};
pub use fleet::{FleetFabric, FleetOutput, tier_name};
pub use market::MarketOutput;
pub use options::{Progress, RunOptions, Stage};
pub use outputs::*;
pub use preflight::preflight;
use yield_stage::*;

use generations::{Depth, engines_of};
use options::Counter;

/// Fixed-point tolerance on the hottest engine's mean temperature, K.
pub const FIXED_POINT_TOLERANCE_K: f64 = 0.01;
const MAX_ITERATIONS: usize = 50;

/// A pipeline failure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The comparison failed.
    #[error(transparent)]
    Compare(#[from] CompareError),
    /// The package could not be solved.
    #[error("thermal, {technology} at {generation}: {error}")]
    Thermal {
        /// Technology id.
        technology: TechnologyId,
        /// Generation id.
        generation: GenerationId,
        /// The error.
        error: PackageError,
    },
    /// The ASIC's leakage grows faster with temperature than the cooling removes it.
    #[error(
        "thermal, {technology} at {generation}: thermal runaway, the ASIC leakage-temperature loop did not settle (last ASIC mean {last_temp_c:.1} °C after {iterations} iterations)"
    )]
    Runaway {
        /// Technology id.
        technology: TechnologyId,
        /// Generation id.
        generation: GenerationId,
        /// Last ASIC mean temperature, °C.
        last_temp_c: f64,
        /// Iterations run.
        iterations: usize,
    },
    /// The photonics engine rejected its inputs.
    #[error("photonics, {technology} at {generation}: {error}")]
    Photonics {
        /// Technology id.
        technology: TechnologyId,
        /// Generation id.
        generation: GenerationId,
        /// The error.
        error: PhotonicsError,
    },
    /// A package-only entry point was given a technology without a package.
    #[error("technology {technology} is not co-packaged: it has no package to solve")]
    NotCoPackaged {
        /// Technology id.
        technology: TechnologyId,
    },
    /// The fleet engine rejected a fabric's inputs.
    #[error("fleet, fabric {fabric}: {error}")]
    Fleet {
        /// Fabric id.
        fabric: String,
        /// The error.
        error: cporamp_fleet::FleetInputError,
    },
    /// The market engine could not run.
    #[error("market: {reason}")]
    Market {
        /// Why.
        reason: String,
    },
    /// A technology cannot be a fleet fabric's port.
    #[error("fleet: technology {technology} {reason}")]
    FleetTechnology {
        /// Technology id.
        technology: TechnologyId,
        /// Why.
        reason: String,
    },
    /// The yield engine rejected its inputs.
    #[error("yield, {technology} at {generation}: {error}")]
    Yield {
        /// Technology id.
        technology: TechnologyId,
        /// Generation id.
        generation: GenerationId,
        /// The error.
        error: YieldInputError,
    },
    /// The alignment model rejected its inputs.
    #[error(transparent)]
    Align {
        /// The error.
        error: cporamp_align::AlignInputError,
    },
    /// The temperature loop did not settle.
    #[error(
        "thermal, {technology} at {generation}: the engine temperature did not settle within {MAX_ITERATIONS} iterations"
    )]
    NotConverged {
        /// Technology id.
        technology: TechnologyId,
        /// Generation id.
        generation: GenerationId,
    },
}

/// The per-generation engines' results: comparison, thermal, photonics and yield.
#[derive(Debug, Clone, Serialize)]
pub struct EnginesOutput {
    /// The comparison at the thermal engine's temperatures and the nominal inlet.
    pub comparison: Comparison,
    /// The thermal engine's results.
    pub thermal: Vec<ThermalGeneration>,
    /// The photonics engine's results.
    pub photonics: Vec<PhotonicsGeneration>,
    /// The yield engine's results.
    pub yields: Vec<YieldGeneration>,
}

/// Runs every engine: those of each generation ([`run_engines`]), then the fleet
/// ([`run_fleet`]) and the market ([`run_market`]) at the fleet's generation, and the
/// alignment model ([`run_align`]).
///
/// # Errors
/// [`PipelineError`] from an engine or an unsettled temperature loop.
pub fn run(scenario: &Scenario, options: &RunOptions) -> Result<RunOutput, PipelineError> {
    let engines = run_engines(scenario, options)?;
    let fleet = run_fleet(scenario, &engines, options)?;
    let market = run_market(scenario, &engines, &fleet, options)?;
    let align = run_align(scenario, options)?;
    let EnginesOutput { comparison, thermal, photonics, yields } = engines;
    Ok(RunOutput { comparison, thermal, photonics, yields, fleet, market, align })
}

/// The fleet engine's fabrics at the fleet's generation of `engines`.
///
/// # Errors
/// [`PipelineError::Fleet`] or [`PipelineError::FleetTechnology`].
pub fn run_fleet(
    scenario: &Scenario,
    engines: &EnginesOutput,
    options: &RunOptions,
) -> Result<FleetOutput, PipelineError> {
    let at = generation_index(scenario, &scenario.fleet.generation)?;
    fleet::fleet(
        scenario,
        &engines.comparison.generations[at],
        &engines.photonics[at],
        &engines.yields[at],
        options,
    )
}

/// The market engine anchored on the fleet's generation of `engines` and on `fleet`.
///
/// # Errors
/// [`PipelineError::Market`] or [`PipelineError::Fleet`] (the goodput surrogate's runs).
pub fn run_market(
    scenario: &Scenario,
    engines: &EnginesOutput,
    fleet: &FleetOutput,
    options: &RunOptions,
) -> Result<MarketOutput, PipelineError> {
    let at = generation_index(scenario, &scenario.fleet.generation)?;
    market::market(
        scenario,
        &engines.comparison.generations[at],
        &engines.thermal[at],
        &engines.photonics[at],
        &engines.yields[at],
        fleet,
        options,
    )
}

/// Runs compare, thermal, photonics and yield on every generation of `scenario`.
///
/// # Errors
/// [`PipelineError`] from an engine or an unsettled temperature loop.
pub fn run_engines(
    scenario: &Scenario,
    options: &RunOptions,
) -> Result<EnginesOutput, PipelineError> {
    let every: Vec<usize> = (0..scenario.generations.len()).collect();
    let mut generations = Vec::new();
    let mut thermal = Vec::new();
    let mut photonics = Vec::new();
    let mut yields = Vec::new();
    for output in engines_of(scenario, &every, Depth::Full, options)? {
        generations.push(output.comparison);
        thermal.push(output.thermal);
        photonics.push(output.photonics);
        yields.push(output.yields);
    }
    Ok(EnginesOutput { comparison: Comparison { generations }, thermal, photonics, yields })
}

/// The index of the generation with id `generation_id`.
fn generation_index(scenario: &Scenario, generation_id: &str) -> Result<usize, PipelineError> {
    Ok(cporamp_compare::generation_index(scenario, generation_id)?)
}

/// Runs compare, thermal, photonics and yield on the generation of `scenario` with id
/// `generation_id` only.
///
/// # Errors
/// [`PipelineError::Compare`] with [`CompareError::UnknownGeneration`] for an id the scenario
/// does not define; otherwise as [`run`].
pub fn run_generation(
    scenario: &Scenario,
    generation_id: &str,
    options: &RunOptions,
) -> Result<GenerationOutput, PipelineError> {
    let index = generation_index(scenario, generation_id)?;
    let mut outputs = engines_of(scenario, &[index], Depth::Full, options)?;
    Ok(outputs.remove(0))
}

/// The comparison alone, of every generation or of the one with id `generation_id`: each
/// co-packaged technology at the engine temperatures of its compare <-> thermal fixed point
/// at the nominal inlet, exactly as [`run_engines`] reports it, but without what only the
/// other stages need (the inlet sweep, cycling, photonics) and without the yield engine
/// (the switch cost with yield is [`run_engines`]' yield results').
///
/// # Errors
/// As [`run_generation`].
pub fn compare(
    scenario: &Scenario,
    generation_id: Option<&str>,
    options: &RunOptions,
) -> Result<Comparison, PipelineError> {
    let indices = match generation_id {
        Some(id) => vec![generation_index(scenario, id)?],
        None => (0..scenario.generations.len()).collect(),
    };
    let generations = engines_of(scenario, &indices, Depth::Compare, options)?
        .into_iter()
        .map(|output| output.comparison)
        .collect();
    Ok(Comparison { generations })
}

/// The package of co-packaged technology `technology_index` at generation `generation_index`
/// on `settings`' grid and cold plate (the scenario's thermal settings, or a co-design
/// point's), built and factored once.
///
/// # Errors
/// [`PipelineError::Thermal`] if the package cannot be built; [`PipelineError::NotCoPackaged`]
/// when the technology has no package.
pub fn package_model_for(
    scenario: &Scenario,
    settings: &ThermalSettings,
    generation_index: usize,
    technology_index: usize,
) -> Result<PackageModel, PipelineError> {
    let geometry = scenario.technologies[technology_index].package.as_ref().ok_or_else(|| {
        PipelineError::NotCoPackaged {
            technology: scenario.technologies[technology_index].id.clone(),
        }
    })?;
    package_model(scenario, settings, generation_index, geometry)
        .map_err(|error| thermal_error(scenario, generation_index, technology_index, error))
}

/// Co-packaged technology `technology_index` at generation `generation_index` settled by the
/// same loops as [`run_engines`] (the comparison <-> thermal fixed point inside the ASIC
/// leakage loop) at coolant inlet `inlet_c`, with the ASIC's nominal power times
/// `asic_power_factor` and the package solved by `evaluate` (a [`PackageModel::evaluate`], or a
/// co-design point's variant of it).
///
/// # Errors
/// As [`run_engines`]'s thermal stage.
pub fn settle_with(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    asic_power_factor: f64,
    inlet_c: f64,
    evaluate: Evaluate<'_>,
) -> Result<Converged, PipelineError> {
    let technology = &scenario.technologies[technology_index];
    if technology.package.is_none() {
        return Err(PipelineError::NotCoPackaged { technology: technology.id.clone() });
    }
    EngineLoop { scenario, evaluate, asic_power_factor, generation_index, technology_index }
        .settle(inlet_c)
}

/// The photonics engine's nominal drift of co-packaged technology `technology_index` at
/// generation `generation_index` (the package settled at the nominal inlet under the
/// photonics workload, as the run's photonics stage builds it), ready to run at drift
/// offsets ([`NominalDrift::simulate`]); `None` for a technology without rings.
///
/// # Errors
/// As the thermal and photonics stages of [`run_engines`].
pub fn nominal_drift(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
) -> Result<Option<NominalDrift>, PipelineError> {
    engines::nominal_drift(scenario, generation_index, technology_index)
}

/// The run's nominal drift trace of one co-packaged technology with rings, and its link
/// (the buses rotated at the nominal bring-up).
#[derive(Debug, Clone)]
pub struct NominalDrift {
    generation_index: usize,
    technology_index: usize,
    /// The settled engine (ring) temperature at the nominal inlet, °C.
    pub engine_temp_c: f64,
    /// The laser's temperature there (the engine's for an integrated laser), °C.
    pub laser_temp_c: f64,
    rings: cporamp_scenario::Rings,
    trace: DriftTrace,
    link: LinkInputs,
}

impl NominalDrift {
    /// The drift offset of steady ring and laser temperatures $T_r$, $T_l$ from the nominal
    /// ones: $a (T_l - T_{l,0}) - b (T_r - T_{r,0})$ with the laser's and the rings' drift
    /// $a$, $b$ (nm/K), nm
    /// ([`Rings::drifted_offset_nm`](cporamp_scenario::Rings::drifted_offset_nm)).
    #[must_use]
    pub fn offset_nm(&self, ring_temp_c: f64, laser_temp_c: f64) -> f64 {
        let rings = &self.rings;
        rings.drifted_offset_nm(
            0.0,
            (ring_temp_c, self.engine_temp_c),
            (laser_temp_c, self.laser_temp_c),
        )
    }

    /// The photonics engine on the nominal trace with every sample's drift
    /// $D = a (T_\text{laser} - T_0) - b (T_\text{ring} - T_0)$ moved by `offset_nm`, the
    /// buses still rotated at the nominal bring-up. The lock loops see nothing of the
    /// temperatures but $D$, so this is the photonics engine at any steady ring and laser
    /// temperatures [`NominalDrift::offset_nm`] away, the workload's swing keeping the
    /// nominal package's shape. The drift moves through the ring temperature (the laser's
    /// for rings that do not drift).
    ///
    /// # Errors
    /// [`PipelineError::Photonics`] as the photonics stage.
    pub fn simulate(
        &self,
        scenario: &Scenario,
        offset_nm: f64,
        threads: usize,
    ) -> Result<PhotonicsResult, PipelineError> {
        let rings = &self.rings;
        let mut shifted = self.trace.clone();
        if rings.ring_drift_nm_per_k != 0.0 {
            let shift_k = -offset_nm / rings.ring_drift_nm_per_k;
            shifted.ring_temp_c.iter_mut().for_each(|t| *t += shift_k);
        } else if rings.laser_drift_nm_per_k != 0.0 {
            let shift_k = offset_nm / rings.laser_drift_nm_per_k;
            shifted.laser_temp_c.iter_mut().for_each(|t| *t += shift_k);
        }
        cporamp_photonics::simulate(&scenario.photonics, rings, &self.link, &shifted, threads)
            .map_err(|error| {
                engines::photonics_error(
                    scenario,
                    self.generation_index,
                    self.technology_index,
                    error,
                )
            })
    }
}

#[cfg(test)]
mod tests;
