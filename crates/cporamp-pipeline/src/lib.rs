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
//! comparison (`yield_for`), whose yielded package cost goes back into the comparison's
//! `switch_usd_per_gbps_with_yield`.
//!
//! **Architecture invariant:** pure, like the engines it calls.

use cporamp_compare::{CompareError, Comparison, GenerationComparison, TechnologyResult};
use cporamp_core::Scenario;
use cporamp_core::scenario::{LaserPlacement, Package};
use cporamp_core::units::Celsius;
use cporamp_photonics::{DriftTrace, LinkInputs, PhotonicsError, PhotonicsResult, ThermalSamples};
use cporamp_thermal::cycling::{Fatigue, NorrisLandzberg};
use cporamp_thermal::leakage::{Leakage, LeakageError};
use cporamp_thermal::package::{
    PackageError, PackageHistory, PackageLoad, PackageModel, PackageResult,
};
use cporamp_yield::{RampPoint, TornadoBar, YieldInputError, YieldInputs, YieldResult};
use serde::Serialize;

mod fleet;
mod market;
pub use fleet::{FleetFabric, FleetOutput};
pub use market::MarketOutput;

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
        technology: String,
        /// Generation id.
        generation: String,
        /// The error.
        error: PackageError,
    },
    /// The ASIC's leakage grows faster with temperature than the cooling removes it.
    #[error(
        "thermal, {technology} at {generation}: thermal runaway, the ASIC leakage-temperature loop did not settle (last ASIC mean {last_temp_c:.1} °C after {iterations} iterations)"
    )]
    Runaway {
        /// Technology id.
        technology: String,
        /// Generation id.
        generation: String,
        /// Last ASIC mean temperature, °C.
        last_temp_c: f64,
        /// Iterations run.
        iterations: usize,
    },
    /// The photonics engine rejected its inputs.
    #[error("photonics, {technology} at {generation}: {error}")]
    Photonics {
        /// Technology id.
        technology: String,
        /// Generation id.
        generation: String,
        /// The error.
        error: PhotonicsError,
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
        technology: String,
        /// Why.
        reason: String,
    },
    /// The yield engine rejected its inputs.
    #[error("yield, {technology} at {generation}: {error}")]
    Yield {
        /// Technology id.
        technology: String,
        /// Generation id.
        generation: String,
        /// The error.
        error: YieldInputError,
    },
    /// The temperature loop did not settle.
    #[error(
        "thermal, {technology} at {generation}: the engine temperature did not settle within {MAX_ITERATIONS} iterations"
    )]
    NotConverged {
        /// Technology id.
        technology: String,
        /// Generation id.
        generation: String,
    },
}

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
    pub generation: String,
    /// One entry per co-packaged technology with rings.
    pub technologies: Vec<YieldTechnology>,
}

/// Yield of one co-packaged technology.
#[derive(Debug, Clone, Serialize)]
pub struct YieldTechnology {
    /// Technology id.
    pub id: String,
    /// Name for people.
    pub label: String,
    /// The inputs the engine ran on (derived from the technology, photonics, thermal and
    /// yield settings).
    pub inputs: YieldInputs,
    /// The result.
    pub result: YieldResult,
    /// Yield and cost over the ramp.
    pub ramp: Vec<RampPoint>,
    /// What to fix first: the saving from removing each mechanism.
    pub tornado: Vec<TornadoBar>,
}

/// Photonics results of one generation.
#[derive(Debug, Clone, Serialize)]
pub struct PhotonicsGeneration {
    /// Generation id.
    pub generation: String,
    /// One entry per co-packaged technology with rings.
    pub technologies: Vec<PhotonicsTechnology>,
}

/// Photonics results of one co-packaged technology.
#[derive(Debug, Clone, Serialize)]
pub struct PhotonicsTechnology {
    /// Technology id.
    pub id: String,
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
    fn of(inlet_c: f64, result: &PhotonicsResult) -> FlapPoint {
        FlapPoint {
            inlet_c,
            feedback_flaps_per_lane_hour: result.feedback.flaps_per_lane_hour,
            feedback_flaps_se: result.feedback.flaps_se,
            feed_forward_flaps_per_lane_hour: result.feed_forward.flaps_per_lane_hour,
            feed_forward_flaps_se: result.feed_forward.flaps_se,
            heater_mw_per_ring: result.feedback.heater_mw_per_ring,
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
}

/// Thermal results of one generation.
#[derive(Debug, Clone, Serialize)]
pub struct ThermalGeneration {
    /// Generation id.
    pub generation: String,
    /// One entry per co-packaged technology.
    pub technologies: Vec<ThermalTechnology>,
}

/// Thermal results of one co-packaged technology.
#[derive(Debug, Clone, Serialize)]
pub struct ThermalTechnology {
    /// Technology id.
    pub id: String,
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

/// Power one optical engine dissipates in the package: everything in the port's optics but
/// the external laser and the conversion loss (both outside the package), times the ports
/// the engine serves.
fn engine_power_w(result: &TechnologyResult, ports_per_engine: f64) -> f64 {
    let port = &result.port_power;
    let inside = port.dsp_w
        + port.driver_w
        + port.tia_w
        + port.oe_serdes_w
        + port.heater_w
        + port.laser_w
        + port.overhead_w;
    inside * ports_per_engine
}

/// The scenario with technology `index`'s engine temperature set to `engine_temp_c`.
fn with_engine_temperature(scenario: &Scenario, index: usize, engine_temp_c: f64) -> Scenario {
    let mut changed = scenario.clone();
    let technology = &mut changed.technologies[index];
    if let Some(rings) = technology.rings.as_mut() {
        rings.ring_temp = Celsius(engine_temp_c);
    }
    if let Some(optics) = technology.optics.as_mut()
        && optics.laser.placement == LaserPlacement::Package
    {
        optics.laser.ambient_temp = Celsius(engine_temp_c);
    }
    changed
}

struct Converged {
    scenario: Scenario,
    result: TechnologyResult,
    package: PackageResult,
    engine_w: f64,
    asic_w: f64,
    asic_leakage_w: f64,
    iterations: usize,
}

/// The ids an engine error is reported under: (technology, generation).
fn ids(scenario: &Scenario, generation_index: usize, technology_index: usize) -> (String, String) {
    (
        scenario.technologies[technology_index].id.clone(),
        scenario.generations[generation_index].id.clone(),
    )
}

fn thermal_error(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    error: PackageError,
) -> PipelineError {
    let (technology, generation) = ids(scenario, generation_index, technology_index);
    PipelineError::Thermal { technology, generation, error }
}

fn photonics_error(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    error: PhotonicsError,
) -> PipelineError {
    let (technology, generation) = ids(scenario, generation_index, technology_index);
    PipelineError::Photonics { technology, generation, error }
}

/// The package of a co-packaged technology at a generation, built and factored once.
fn package_model(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    geometry: &Package,
) -> Result<PackageModel, PipelineError> {
    let generation = &scenario.generations[generation_index];
    let fail = |error| thermal_error(scenario, generation_index, technology_index, error);
    let load = PackageLoad {
        asic_w: 0.0,
        engine_w: 0.0,
        n_engines: geometry.engines_per_switch(generation) as usize,
        engine_edge_mm: geometry.engine_edge.0,
        asic_side_mm: scenario.thermal.asic_side_mm[generation_index],
    };
    PackageModel::new(&scenario.thermal, &load).map_err(fail)
}

/// The engine-temperature loop at a fixed ASIC power.
fn converge_engines(
    scenario: &Scenario,
    package: &PackageModel,
    ports_per_engine: f64,
    generation_index: usize,
    technology_index: usize,
    inlet_c: f64,
    asic_w: f64,
) -> Result<Converged, PipelineError> {
    let generation = &scenario.generations[generation_index];
    let technology = &scenario.technologies[technology_index];
    let fail = |error| thermal_error(scenario, generation_index, technology_index, error);
    let mut engine_temp_c = technology.rings.as_ref().map_or(inlet_c, |rings| rings.ring_temp.0);
    for iteration in 1..=MAX_ITERATIONS {
        let current = with_engine_temperature(scenario, technology_index, engine_temp_c);
        let comparison = cporamp_compare::compare_one(&current, &generation.id)?;
        let result = comparison.technologies[technology_index].clone();
        let engine_w = engine_power_w(&result, ports_per_engine);
        let solved = package.evaluate(asic_w, engine_w, inlet_c).map_err(fail)?;
        let next = solved.engine_mean_max_c;
        if (next - engine_temp_c).abs() < FIXED_POINT_TOLERANCE_K {
            return Ok(Converged {
                scenario: with_engine_temperature(scenario, technology_index, next),
                result,
                package: solved,
                engine_w,
                asic_w,
                asic_leakage_w: 0.0,
                iterations: iteration,
            });
        }
        engine_temp_c = next;
    }
    Err(PipelineError::NotConverged {
        technology: technology.id.clone(),
        generation: generation.id.clone(),
    })
}

/// The ASIC leakage loop around the engine loop: the ASIC power follows its mean junction
/// temperature ([`Leakage::settle`]), and at each ASIC power the engines settle.
fn converge(
    scenario: &Scenario,
    package: &PackageModel,
    ports_per_engine: f64,
    generation_index: usize,
    technology_index: usize,
    inlet_c: f64,
) -> Result<Converged, PipelineError> {
    let generation = &scenario.generations[generation_index];
    let nominal_asic_w = cporamp_compare::compare_one(scenario, &generation.id)?.technologies
        [technology_index]
        .switch_power
        .asic_w;
    let leakage = Leakage::from(&scenario.thermal.leakage);
    let settled = leakage
        .settle(
            nominal_asic_w,
            |asic_w| {
                converge_engines(
                    scenario,
                    package,
                    ports_per_engine,
                    generation_index,
                    technology_index,
                    inlet_c,
                    asic_w,
                )
            },
            |converged| converged.package.asic_mean_c,
        )
        .map_err(|error| match error {
            LeakageError::Thermal(error) => error,
            LeakageError::Runaway { last_temp_c, iterations } => {
                let (technology, generation) = ids(scenario, generation_index, technology_index);
                PipelineError::Runaway { technology, generation, last_temp_c, iterations }
            }
        })?;
    let mut converged = settled.response;
    converged.asic_leakage_w = settled.leakage_w;
    converged.iterations += settled.iterations - 1;
    Ok(converged)
}

/// Rainflow and Norris-Landzberg fatigue of the package under the scenario's square wave
/// between idle and full power, with the coolant inlet `inlet_swing_k` warmer while busy
/// (held powers: the temperature dependence of laser and leakage power is left out of the
/// transient). The first period is the start-up transient and is dropped.
fn cycling(
    scenario: &Scenario,
    package: &PackageModel,
    asic_w: f64,
    engine_w: f64,
    inlet_c: f64,
) -> Result<CyclingResult, PackageError> {
    let settings = &scenario.thermal.cycling;
    let steps = settings.steps_per_period;
    let busy_steps = (settings.busy_fraction * steps as f64).round() as usize;
    let level =
        |step: usize| if step % steps < busy_steps { 1.0 } else { settings.idle_power_fraction };
    let n_steps = steps * settings.n_periods;
    let asic: Vec<f64> = (0..n_steps).map(|step| asic_w * level(step)).collect();
    let engine: Vec<f64> = (0..n_steps).map(|step| engine_w * level(step)).collect();
    // The coolant inlet swings with the workload: idle at the nominal inlet, busy warmer.
    let inlet: Vec<f64> = (0..n_steps)
        .map(
            |step| {
                if step % steps < busy_steps { inlet_c + settings.inlet_swing_k } else { inlet_c }
            },
        )
        .collect();
    let step_s = settings.period_s / steps as f64;
    let history = package.history(&asic, &engine, &inlet, step_s)?;
    let model = NorrisLandzberg {
        range_exponent: settings.range_exponent,
        frequency_exponent: settings.frequency_exponent,
        ea_over_k_k: settings.ea_over_k_k,
        test_cycles: settings.test_cycles,
        test_range_k: settings.test_max_c - settings.test_min_c,
        test_max_c: settings.test_max_c,
        test_cycles_per_day: settings.test_cycles_per_day,
    };
    let counted = steps..n_steps;
    let duration_s = counted.len() as f64 * step_s;
    let last = n_steps - steps..n_steps;
    Ok(CyclingResult {
        asic: model.fatigue(&history.asic_max_c[counted.clone()], duration_s),
        engine: model.fatigue(&history.engine_mean_max_c[counted], duration_s),
        last_period: PackageHistory {
            time_s: history.time_s[last.clone()].to_vec(),
            asic_max_c: history.asic_max_c[last.clone()].to_vec(),
            engine_mean_max_c: history.engine_mean_max_c[last].to_vec(),
        },
    })
}

/// The package's drift transient under the photonics workload: the ASIC alternates between
/// full and idle power every `workload_period_s` (engines at constant power: links stay up),
/// from the steady state of the mean power, for three periods, on a package model of
/// `drift_grid_cells` per side. Returns the history's samples
/// as a periodic [`DriftTrace`] of its last period at the loop's sample rate. The ring is the
/// hottest engine; an integrated laser follows it, an external one stays at its ambient; the
/// telemetry is the ASIC's hottest junction (an on-die sensor) and its power.
fn drift_trace(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    nominal: &Converged,
) -> Result<DriftTrace, PipelineError> {
    let inlet_c = scenario.thermal.cold_plate.nominal_inlet_c;
    let mut coarse = scenario.clone();
    coarse.thermal.grid_cells = scenario.photonics.drift_grid_cells;
    let geometry = scenario.technologies[technology_index]
        .package
        .as_ref()
        .expect("photonics runs on co-packaged technologies only");
    let package = package_model(&coarse, generation_index, technology_index, geometry)?;
    let photonics = &scenario.photonics;
    let idle = scenario.thermal.cycling.idle_power_fraction;
    let steps = (photonics.workload_period_s / photonics.thermal_step_s).round() as usize;
    let busy_steps =
        ((photonics.workload_busy_fraction * steps as f64).round() as usize).clamp(1, steps - 1);
    let busy = photonics.workload_busy_fraction;
    let mean_level = busy + (1.0 - busy) * idle;
    let n = 1 + 3 * steps;
    let level = |index: usize| {
        if index == 0 {
            mean_level
        } else if (index - 1) % steps < busy_steps {
            1.0
        } else {
            idle
        }
    };
    let asic: Vec<f64> = (0..n).map(|index| nominal.asic_w * level(index)).collect();
    let engine = vec![nominal.engine_w; n];
    let history = package
        .history(&asic, &engine, &vec![inlet_c; n], photonics.thermal_step_s)
        .map_err(|error| thermal_error(scenario, generation_index, technology_index, error))?;
    let laser = scenario.technologies[technology_index].optics.as_ref().map(|optics| &optics.laser);
    let on_engine = laser.is_some_and(|laser| laser.placement == LaserPlacement::Package);
    let laser_temp: Vec<f64> = if on_engine {
        history.engine_mean_max_c.clone()
    } else {
        vec![laser.map_or(inlet_c, |laser| laser.ambient_temp.0); n]
    };
    let samples = ThermalSamples {
        time_s: &history.time_s,
        ring_temp_c: &history.engine_mean_max_c,
        laser_temp_c: &laser_temp,
        sensor_temp_c: &history.asic_max_c,
        asic_power_w: &asic,
    };
    DriftTrace::resample(&samples, 1.0 / photonics.sample_rate_hz, photonics.workload_period_s)
        .map_err(|error| photonics_error(scenario, generation_index, technology_index, error))
}

/// The photonics engine on one co-packaged technology: the nominal drift trace, and the
/// same trace shifted to each inlet of the sweep (the package is linear, so an inlet change
/// moves every temperature by the same amount; the small change of engine power with
/// temperature is left out).
fn photonics_for(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    nominal: &Converged,
) -> Result<Option<PhotonicsTechnology>, PipelineError> {
    let technology = &scenario.technologies[technology_index];
    let generation = &scenario.generations[generation_index];
    let (Some(rings), Some(optics)) = (technology.rings.as_ref(), technology.optics.as_ref())
    else {
        return Ok(None);
    };
    let nominal_inlet_c = scenario.thermal.cold_plate.nominal_inlet_c;
    let trace = drift_trace(scenario, generation_index, technology_index, nominal)?;
    let link =
        LinkInputs { margin_db: optics.link_budget.margin.0, lane_gbps: generation.lane_rate.0 };
    let laser_on_engine = optics.laser.placement == LaserPlacement::Package;
    let run = |trace: &DriftTrace| {
        cporamp_photonics::simulate(&scenario.photonics, rings, &link, trace, 2)
            .map_err(|error| photonics_error(scenario, generation_index, technology_index, error))
    };
    let result = run(&trace)?;
    let mut inlet_sweep = Vec::new();
    for &inlet_c in &scenario.thermal.cold_plate.inlet_sweep_c {
        let shift = inlet_c - nominal_inlet_c;
        if shift == 0.0 {
            // The nominal inlet needs no second run.
            inlet_sweep.push(FlapPoint::of(inlet_c, &result));
            continue;
        }
        let moved = |values: &[f64]| values.iter().map(|t| t + shift).collect::<Vec<f64>>();
        let shifted = DriftTrace {
            ring_temp_c: moved(&trace.ring_temp_c),
            laser_temp_c: if laser_on_engine {
                moved(&trace.laser_temp_c)
            } else {
                trace.laser_temp_c.clone()
            },
            sensor_temp_c: moved(&trace.sensor_temp_c),
            ..trace.clone()
        };
        inlet_sweep.push(FlapPoint::of(inlet_c, &run(&shifted)?));
    }
    Ok(Some(PhotonicsTechnology {
        id: technology.id.clone(),
        label: technology.label.clone(),
        laser_on_engine,
        nominal: result,
        inlet_sweep,
    }))
}

/// Gross dies of side `side_mm` on a 300 mm wafer: $\pi r^2/A - \pi d/\sqrt{2A}$.
fn dies_per_wafer(side_mm: f64) -> usize {
    let area = side_mm * side_mm;
    let gross = std::f64::consts::PI * 150.0 * 150.0 / area
        - std::f64::consts::PI * 300.0 / (2.0 * area).sqrt();
    (gross.floor() as usize).max(1)
}

/// The yield engine on one co-packaged technology with rings, with inputs from the
/// technology (engines, lanes, lasers), the comparison at the settled temperatures (the
/// rings' mean red shift, engine cost), photonics (misalignment, mode, heater range),
/// thermal (package and die size) and `[yield]`.
fn yield_for(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    compared: &TechnologyResult,
    substrate_side_mm: f64,
) -> Result<Option<YieldTechnology>, PipelineError> {
    let generation = &scenario.generations[generation_index];
    let technology = &scenario.technologies[technology_index];
    let (Some(geometry), Some(rings), Some(tuning), Some(optics)) = (
        technology.package.as_ref(),
        technology.rings.as_ref(),
        compared.rings.as_ref(),
        technology.optics.as_ref(),
    ) else {
        return Ok(None);
    };
    let settings = &scenario.yield_settings;
    let photonics = &scenario.photonics;
    let asic_side_mm = scenario.thermal.asic_side_mm[generation_index];
    let ports_per_engine = geometry.ports_per_engine(generation);
    let cost = &compared.cost;
    let warpage_mean_um = settings.warpage_um_per_mm2 * substrate_side_mm * substrate_side_mm;
    let inputs = YieldInputs {
        packages: settings.packages,
        seed: settings.seed,
        engines_per_package: geometry.engines_per_switch(generation) as usize,
        lanes_per_engine: (geometry.engine_capacity.0 / generation.lane_rate.0).round() as usize,
        spare_lanes_per_engine: settings.spare_lanes_per_engine,
        lanes_per_laser: if optics.laser.placement == LaserPlacement::Package {
            optics.laser.lanes_per_laser as usize
        } else {
            0
        },
        attach_sigma_um: photonics.misalignment_sigma_um,
        shift_sigma_um: settings.shift_sigma_um,
        mode_radius_um: photonics.mode_radius_um,
        wavelength_um: photonics.wavelength_nm / 1000.0,
        gap_index: settings.gap_index,
        gap_mean_um: settings.gap_mean_um,
        gap_sigma_um: settings.gap_sigma_um,
        tilt_sigma_mrad: settings.tilt_sigma_mrad,
        coupling_budget_db: optics.link_budget.margin.0,
        laser_dead_probability: 1.0 - (-settings.laser_defects_per_laser).exp(),
        laser_weak_fraction: settings.laser_weak_fraction,
        laser_weak_rate_per_h: settings.laser_weak_rate_per_h,
        drift_mean_nm: tuning.mean_offset_nm,
        drift_sigma_nm: rings.fab_offset_sigma.0,
        drift_global_fraction: photonics.global_variance_fraction
            * (1.0 - settings.ring_offset_wafer_share),
        drift_wafer_fraction: photonics.global_variance_fraction * settings.ring_offset_wafer_share,
        engines_per_pic_wafer: settings.engines_per_pic_wafer,
        fsr_nm: rings.fsr.0,
        tuning_range_nm: rings.heater_efficiency_nm_per_mw * photonics.heater_max_mw,
        warpage_mean_um,
        warpage_sigma_um: settings.warpage_sigma_fraction * warpage_mean_um,
        warpage_lateral_per_um: settings.warpage_lateral_per_um,
        bump_open_um: settings.bump_open_um,
        asic_defects_per_die: settings.asic_defects_per_cm2 * (asic_side_mm / 10.0).powi(2),
        asic_cluster_alpha: Some(settings.asic_cluster_alpha),
        asics_per_wafer: dies_per_wafer(asic_side_mm),
        wafers_per_lot: settings.wafers_per_lot,
        asic_lot_alpha: Some(settings.asic_lot_alpha),
        wafer_test_coverage: settings.wafer_test_coverage,
        engine_test: settings.engine_test_coverage,
        package_test: settings.package_test_coverage,
        system_test: settings.system_test_coverage,
        burn_in_h: settings.burn_in_h,
        rework: cporamp_yield::Rework {
            attempts: settings.rework.attempts,
            damage_probability: settings.rework.damage_probability,
            usd: settings.rework.usd,
        },
        els: optics.laser.els.as_ref().zip(cost.els_modules_per_switch).map(|(els, modules)| {
            cporamp_yield::Els {
                lasers: els.lasers_per_module as usize + settings.els_spare_lasers,
                lasers_needed: els.lasers_per_module as usize,
                per_switch: modules as usize,
            }
        }),
        asic_usd: generation.asic_cost.0,
        engine_usd: (cost.electronics_usd_per_port
            + cost.laser_usd_per_port
            + cost.optics_usd_per_port)
            * ports_per_engine,
        packaging_usd: settings.packaging_usd,
        wafer_test_usd: settings.wafer_test_usd,
        engine_test_usd: settings.engine_test_usd,
        package_test_usd: settings.package_test_usd,
        system_test_usd: settings.system_test_usd,
        burn_in_usd: settings.burn_in_usd,
    };
    let fail = |error| {
        let (technology, generation) = ids(scenario, generation_index, technology_index);
        PipelineError::Yield { technology, generation, error }
    };
    let result = cporamp_yield::simulate(&inputs, 2).map_err(fail)?;
    let learning = &settings.ramp;
    let points: Vec<(String, f64)> =
        learning.quarters.iter().cloned().zip(learning.cumulative_units.iter().copied()).collect();
    let ramp = cporamp_yield::ramp(
        &inputs,
        &points,
        learning.reference_units,
        learning.learning_rate,
        learning.packages_per_point,
        2,
    )
    .map_err(fail)?;
    let tornado = cporamp_yield::tornado(&inputs, learning.packages_per_point, 2).map_err(fail)?;
    Ok(Some(YieldTechnology {
        id: technology.id.clone(),
        label: technology.label.clone(),
        inputs,
        result,
        ramp,
        tornado,
    }))
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
/// ([`run_fleet`]) and the market ([`run_market`]) at the fleet's generation.
///
/// # Errors
/// [`PipelineError`] from an engine or an unsettled temperature loop.
pub fn run(scenario: &Scenario) -> Result<RunOutput, PipelineError> {
    market::check_priors(scenario)?;
    let engines = run_engines(scenario)?;
    let fleet = run_fleet(scenario, &engines)?;
    let market = run_market(scenario, &engines, &fleet)?;
    let EnginesOutput { comparison, thermal, photonics, yields } = engines;
    Ok(RunOutput { comparison, thermal, photonics, yields, fleet, market })
}

/// The fleet engine's fabrics at the fleet's generation of `engines`.
///
/// # Errors
/// [`PipelineError::Fleet`] or [`PipelineError::FleetTechnology`].
pub fn run_fleet(
    scenario: &Scenario,
    engines: &EnginesOutput,
) -> Result<FleetOutput, PipelineError> {
    let at = scenario.fleet.generation;
    fleet::fleet(
        scenario,
        &engines.comparison.generations[at],
        &engines.photonics[at],
        &engines.yields[at],
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
) -> Result<MarketOutput, PipelineError> {
    market::check_priors(scenario)?;
    let at = scenario.fleet.generation;
    market::market(
        scenario,
        &engines.comparison.generations[at],
        &engines.thermal[at],
        &engines.yields[at],
        fleet,
    )
}

/// Runs compare, thermal, photonics and yield on every generation of `scenario`.
///
/// # Errors
/// [`PipelineError`] from an engine or an unsettled temperature loop.
pub fn run_engines(scenario: &Scenario) -> Result<EnginesOutput, PipelineError> {
    let mut generations = Vec::new();
    let mut thermal = Vec::new();
    let mut photonics = Vec::new();
    let mut yields = Vec::new();
    for generation_index in 0..scenario.generations.len() {
        let output = run_generation_index(scenario, generation_index)?;
        generations.push(output.comparison);
        thermal.push(output.thermal);
        photonics.push(output.photonics);
        yields.push(output.yields);
    }
    Ok(EnginesOutput { comparison: Comparison { generations }, thermal, photonics, yields })
}

/// Runs thermal and compare on the generation of `scenario` with id `generation_id` only.
///
/// # Errors
/// [`PipelineError::Compare`] with [`CompareError::UnknownGeneration`] for an id the scenario
/// does not define; otherwise as [`run`].
pub fn run_generation(
    scenario: &Scenario,
    generation_id: &str,
) -> Result<GenerationOutput, PipelineError> {
    let generation_index = scenario
        .generations
        .iter()
        .position(|generation| generation.id == generation_id)
        .ok_or_else(|| CompareError::UnknownGeneration {
            id: generation_id.to_string(),
            defined: scenario
                .generations
                .iter()
                .map(|generation| generation.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    run_generation_index(scenario, generation_index)
}

/// One generation: every co-packaged technology at its own converged engine temperature,
/// its inlet sweep and cycling, then the comparison at those temperatures.
fn run_generation_index(
    scenario: &Scenario,
    generation_index: usize,
) -> Result<GenerationOutput, PipelineError> {
    let generation = &scenario.generations[generation_index];
    let nominal_inlet_c = scenario.thermal.cold_plate.nominal_inlet_c;
    let mut settled = scenario.clone();
    let mut technologies = Vec::new();
    let mut photonics = Vec::new();
    for (technology_index, technology) in scenario.technologies.iter().enumerate() {
        // Exactly the co-packaged technologies have a package (checked on load).
        let Some(geometry) = technology.package.as_ref() else { continue };
        let ports_per_engine = geometry.ports_per_engine(generation);
        let package = package_model(scenario, generation_index, technology_index, geometry)?;
        let at_inlet = |inlet_c: f64| {
            converge(
                scenario,
                &package,
                ports_per_engine,
                generation_index,
                technology_index,
                inlet_c,
            )
        };
        let nominal = at_inlet(nominal_inlet_c)?;
        settled.technologies[technology_index] =
            nominal.scenario.technologies[technology_index].clone();
        let sweep = scenario
            .thermal
            .cold_plate
            .inlet_sweep_c
            .iter()
            .map(|&inlet_c| {
                at_inlet(inlet_c).map(|point| SweepPoint {
                    inlet_c,
                    asic_max_c: point.package.asic_max_c,
                    engine_mean_max_c: point.package.engine_mean_max_c,
                    engine_w: point.engine_w,
                    optics_w_per_port: point.result.port_power.optics_w,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cycling =
            cycling(scenario, &package, nominal.asic_w, nominal.engine_w, nominal_inlet_c)
                .map_err(|error| {
                    thermal_error(scenario, generation_index, technology_index, error)
                })?;
        photonics.extend(photonics_for(scenario, generation_index, technology_index, &nominal)?);
        technologies.push(ThermalTechnology {
            id: technology.id.clone(),
            label: technology.label.clone(),
            asic_w: nominal.asic_w,
            asic_leakage_w: nominal.asic_leakage_w,
            engine_w: nominal.engine_w,
            n_engines: nominal.package.engines.len(),
            iterations: nominal.iterations,
            nominal: nominal.package,
            sweep,
            cycling,
        });
    }
    let mut comparison = cporamp_compare::compare_one(&settled, &generation.id)?;
    let mut yields = Vec::new();
    for thermal in &technologies {
        let index = scenario.technologies.iter().position(|t| t.id == thermal.id);
        let compared = comparison.technologies.iter().find(|t| t.id == thermal.id);
        if let (Some(index), Some(compared)) = (index, compared) {
            yields.extend(yield_for(
                &settled,
                generation_index,
                index,
                compared,
                thermal.nominal.substrate_side_mm,
            )?);
        }
    }
    // The comparison's switch cost with the yielded package in place of the ideal ASIC and
    // engines: BOM - ASIC - M engines + cost per shipped package.
    for yielded in &yields {
        if let Some(compared) =
            comparison.technologies.iter_mut().find(|technology| technology.id == yielded.id)
        {
            let inputs = &yielded.inputs;
            let ideal_parts =
                inputs.asic_usd + inputs.engines_per_package as f64 * inputs.engine_usd;
            let with_yield = compared.cost.switch_usd - ideal_parts + yielded.result.cost.total_usd;
            compared.cost.switch_usd_per_gbps_with_yield =
                Some(with_yield / generation.switch_capacity().0);
        }
    }
    Ok(GenerationOutput {
        comparison,
        thermal: ThermalGeneration { generation: generation.id.clone(), technologies },
        photonics: PhotonicsGeneration {
            generation: generation.id.clone(),
            technologies: photonics,
        },
        yields: YieldGeneration { generation: generation.id.clone(), technologies: yields },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loop_settles_and_feeds_engine_temperatures_into_the_comparison() {
        let scenario = cporamp_core::load_default().unwrap();
        let output = run(&scenario).unwrap();
        for (generation, thermal) in output.comparison.generations.iter().zip(&output.thermal) {
            assert_eq!(thermal.technologies.len(), 2, "two co-packaged technologies");
            for technology in &thermal.technologies {
                assert!(technology.iterations < 10, "{} iterations", technology.iterations);
                let compared =
                    generation.technologies.iter().find(|t| t.id == technology.id).unwrap();
                // Consistency: the comparison's engine power at the settled temperature is the
                // power the package was solved with, to within the loop's tolerance.
                let geometry = scenario
                    .technologies
                    .iter()
                    .find(|t| t.id == technology.id)
                    .unwrap()
                    .package
                    .clone()
                    .unwrap();
                let ports_per_engine =
                    geometry.ports_per_engine(scenario.generation(&generation.generation).unwrap());
                let engine_w = engine_power_w(compared, ports_per_engine);
                assert!(
                    (engine_w - technology.engine_w).abs() < 1e-3 * engine_w,
                    "{engine_w} vs {}",
                    technology.engine_w
                );
                // Hotter coolant, hotter engines: the sweep is monotonic.
                for pair in technology.sweep.windows(2) {
                    assert!(pair[1].engine_mean_max_c > pair[0].engine_mean_max_c);
                }
            }
            // Integrated lasers run at the engine temperature, which the comparison now uses.
            let integrated =
                generation.technologies.iter().find(|t| t.id == "cpo_integrated").unwrap();
            let engine_temp = thermal
                .technologies
                .iter()
                .find(|t| t.id == "cpo_integrated")
                .unwrap()
                .nominal
                .engine_mean_max_c;
            let laser_temp = integrated.laser.as_ref().unwrap().power.laser_temp_c;
            assert!(
                (laser_temp - engine_temp).abs() < FIXED_POINT_TOLERANCE_K,
                "{laser_temp} vs {engine_temp}"
            );
        }
        // One thermal cycle per workload period (10 min -> 144 per day), at both sites.
        for technology in &output.thermal[1].technologies {
            let cycling = &technology.cycling;
            assert!(
                (cycling.asic.cycles_per_day - 144.0).abs() < 1.0,
                "{}",
                cycling.asic.cycles_per_day
            );
            assert!(
                cycling.asic.max_range_k > cycling.engine.max_range_k
                    && cycling.engine.max_range_k > 0.5
            );
            assert!(cycling.asic.life_years.is_finite() && cycling.asic.life_years > 0.0);
        }
        // Photonics: every co-packaged technology with rings at every generation, driven by
        // the thermal transient.
        for photonics in &output.photonics {
            assert_eq!(photonics.technologies.len(), 2);
            for technology in &photonics.technologies {
                let result = &technology.nominal;
                // The predictor identified from the thermal engine's transient is nearly exact,
                // and feed-forward then leaves the loop only the prediction error (an identity
                // the photonics tests check), so the residual detuning must fall.
                assert!(result.predictor_r_squared > 0.99, "{}", result.predictor_r_squared);
                assert!(
                    result.feed_forward.rms_detuning_nm < result.feedback.rms_detuning_nm,
                    "{} vs {}",
                    result.feed_forward.rms_detuning_nm,
                    result.feedback.rms_detuning_nm
                );
                assert!(result.ring_swing_k > 0.1, "the workload must move the ring");
                assert_eq!(
                    technology.inlet_sweep.len(),
                    scenario.thermal.cold_plate.inlet_sweep_c.len()
                );
            }
        }
        // Yield: every co-packaged technology with rings at every generation, on inputs taken
        // from the other engines: the engine count and lanes of the package, the rings' mean
        // red shift at the settled temperatures, and the comparison's engine cost.
        for (generation, yields) in output.comparison.generations.iter().zip(&output.yields) {
            assert_eq!(yields.technologies.len(), 2);
            for technology in &yields.technologies {
                let compared =
                    generation.technologies.iter().find(|t| t.id == technology.id).unwrap();
                let tuning = compared.rings.as_ref().unwrap();
                assert!((technology.inputs.drift_mean_nm - tuning.mean_offset_nm).abs() < 1e-12);
                let result = &technology.result;
                assert!(result.cost.total_usd >= result.cost.ideal_usd);
                assert!(result.package_yield.value > 0.5 && result.package_yield.value <= 1.0);
            }
            // The comparison carries the yielded switch cost: BOM - ASIC - engines + the
            // cost per shipped package, never below the BOM (yield only adds cost).
            for technology in &yields.technologies {
                let compared =
                    generation.technologies.iter().find(|t| t.id == technology.id).unwrap();
                let with_yield = compared.cost.switch_usd_per_gbps_with_yield.unwrap();
                let inputs = &technology.inputs;
                let parts = inputs.asic_usd + inputs.engines_per_package as f64 * inputs.engine_usd;
                let capacity = compared.cost.switch_usd / compared.cost.switch_usd_per_gbps;
                let expected = (compared.cost.switch_usd - parts
                    + technology.result.cost.total_usd)
                    / capacity;
                assert!((with_yield - expected).abs() < 1e-12 * expected);
                assert!(with_yield > compared.cost.switch_usd_per_gbps);
            }
            // Lasers outside the package take the laser mechanism out of package yield.
            let els = yields.technologies.iter().find(|t| t.id == "cpo_els").unwrap();
            assert_eq!(els.inputs.lanes_per_laser, 0);
            assert!(els.result.package_rejects_by_mechanism[1].value.abs() < 1e-15);
        }
        // Fleet: one fabric per listed technology plus the mixed one, at the fleet's
        // generation, each port fed by the engines upstream: its laser at the comparison's
        // (thermally converged) laser temperature, a co-packaged switch's latent defects at
        // the yield engine's escapes.
        let at = scenario.fleet.generation;
        let generation = &output.comparison.generations[at];
        assert_eq!(output.fleet.generation, generation.generation);
        assert_eq!(output.fleet.fabrics.len(), scenario.fleet.technologies.len() + 1);
        for fabric in &output.fleet.fabrics {
            assert_eq!(fabric.inputs.radix, generation.ports_per_switch as usize);
            for (tier, id) in fabric.inputs.tiers.iter().zip(&fabric.tiers) {
                let compared = generation.technologies.iter().find(|t| &t.id == id).unwrap();
                let laser_temp_c = compared.laser.as_ref().unwrap().power.laser_temp_c;
                assert!((tier.technology.laser.unwrap().temp_c - laser_temp_c).abs() < 1e-12);
                if let Some(yielded) = output.yields[at].technologies.iter().find(|t| &t.id == id) {
                    let escapes = yielded.result.escapes_total_dppm / 1e6;
                    assert!((tier.technology.infant_probability - escapes).abs() < 1e-15);
                }
            }
        }
        // Engine ports fail at their constant rate whatever else happens (memoryless, renewed
        // with their switch): failures per year = ports x FIT x 8766 h / 1e9, within 3 SE and
        // the time their switch is down (< 0.2 %, when failures are not counted), plus the
        // latent defects (at most escapes x switches / years).
        let els = output.fleet.fabrics.iter().find(|fabric| fabric.id == "cpo_els").unwrap();
        let leaf = &els.result.tiers[0].ports.failures_per_year;
        let counts = &els.result.topology.tiers[0];
        let expected = counts.engine_ports as f64
            * scenario.fleet.reliability.engine_port_fit
            * cporamp_fleet::HOURS_PER_YEAR
            / 1e9;
        let latent = els.inputs.tiers[0].technology.infant_probability * counts.switches as f64
            / scenario.fleet.years;
        assert!(
            leaf.mean > expected * 0.998 - 3.0 * leaf.se
                && leaf.mean < expected + latent + 3.0 * leaf.se,
            "{leaf:?} vs {expected} (+ {latent})"
        );
        // Market: anchored on the engines at the fleet's generation. The goodput surrogate at
        // laser factor 1 is the fleet's own CPO-vs-pluggable result (same inputs, same seed),
        // the margin is the limit minus the thermal engine's engine temperature, and the
        // co-packaged capex is the comparison's with yield.
        let market = &output.market;
        let anchors = &market.inputs.anchors;
        let cpo_id = &scenario.technologies[scenario.market.cpo_technology].id;
        let plug_id = &scenario.technologies[scenario.market.pluggable_technology].id;
        let goodput = |id: &str| {
            output.fleet.fabrics.iter().find(|f| f.id == id).unwrap().result.job.goodput.mean
        };
        let at_one = anchors.goodput_loss_vs_laser_factor.eval(1.0);
        assert!((at_one - (goodput(plug_id) - goodput(cpo_id))).abs() < 1e-12, "{at_one}");
        let engine_c = output.thermal[at]
            .technologies
            .iter()
            .find(|t| &t.id == cpo_id)
            .unwrap()
            .nominal
            .engine_mean_max_c;
        assert!(
            (anchors.engine_temp_margin_k - (scenario.market.engine_temp_limit_c - engine_c)).abs()
                < 1e-12
        );
        let compared = generation.technologies.iter().find(|t| &t.id == cpo_id).unwrap();
        assert!(
            (anchors.cpo_usd_per_gbps_at_reference
                - compared.cost.switch_usd_per_gbps_with_yield.unwrap())
            .abs()
                < 1e-12
        );
        let total: f64 = market.result.probabilities.iter().map(|p| p.probability).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        // Integrated lasers at the engine temperature wear out faster than the same number of
        // lasers fed from a cool ELS: more port failures per port-year.
        let integrated =
            output.fleet.fabrics.iter().find(|fabric| fabric.id == "cpo_integrated").unwrap();
        assert!(
            integrated.result.tiers[0].ports.failures_per_year.mean
                > els.result.tiers[0].ports.failures_per_year.mean
                    + els.result.tiers[0].els_lasers.failures_per_year.mean
        );
        // Cross-engine check, without heater crosstalk (which the comparison's closed form
        // leaves out): the population's mean heater power per ring against the comparison's
        // E[(d mod F)]/eta (wrapped normal). The heater shift lies in [0, F), so its
        // lane-to-lane sd is at most F/2: 3 SE < 3 F / (2 sqrt(n)) / eta.
        let mut independent = scenario.clone();
        independent.photonics.heater_crosstalk = 0.0;
        let independent = run_generation(&independent, "51.2T").unwrap();
        let (generation, photonics) = (independent.comparison, independent.photonics);
        for technology in &photonics.technologies {
            let result = &technology.nominal;
            let compared = generation.technologies.iter().find(|t| t.id == technology.id).unwrap();
            let closed_form = compared.rings.as_ref().unwrap().heater_mw_per_ring;
            let rings = scenario.technologies.iter().find(|t| t.id == technology.id).unwrap();
            let rings = rings.rings.as_ref().unwrap();
            let tolerance = 3.0 * rings.fsr.0
                / (2.0 * (result.lanes as f64).sqrt())
                / rings.heater_efficiency_nm_per_mw;
            assert!(
                (result.feedback.heater_mw_per_ring - closed_form).abs() < tolerance,
                "{}: MC {} mW vs closed form {closed_form} mW (tolerance {tolerance})",
                technology.id,
                result.feedback.heater_mw_per_ring
            );
        }
        // The published CPO figures still hold at the thermal engine's temperatures:
        // [S04] Bailly ~5.5 W per 800G, [S11] ~9 W per 1.6T port (see cporamp-compare's tests).
        let port_w = |generation: usize, id: &str| {
            output.comparison.generations[generation]
                .technologies
                .iter()
                .find(|t| t.id == id)
                .unwrap()
                .port_power
                .optics_w
        };
        assert!((5.0..=6.0).contains(&port_w(0, "cpo_els")), "{}", port_w(0, "cpo_els"));
        assert!((8.0..=10.0).contains(&port_w(1, "cpo_els")), "{}", port_w(1, "cpo_els"));
    }

    #[test]
    fn asic_power_follows_its_settled_temperature_and_runaway_is_an_error() {
        let scenario = cporamp_core::load_default().unwrap();
        let output = run_generation(&scenario, "102.4T").unwrap();
        let (comparison, thermal) = (output.comparison, output.thermal);
        let settings = scenario.thermal.leakage;
        let leakage = Leakage::from(&settings);
        for technology in &thermal.technologies {
            let nominal_w = comparison
                .technologies
                .iter()
                .find(|t| t.id == technology.id)
                .unwrap()
                .switch_power
                .asic_w;
            // Self-consistency to the loop's 0.01 K: dP/dT = beta f P_nom e^(...) ~ 3 W/K.
            let at_settled = leakage.power_w(nominal_w, technology.nominal.asic_mean_c);
            assert!(
                (technology.asic_w - at_settled).abs() < 0.1,
                "{} vs {at_settled}",
                technology.asic_w
            );
            // Below the 70 °C reference, leakage is below its nominal 20 %.
            assert!(technology.nominal.asic_mean_c < settings.reference_temp_c);
            assert!(technology.asic_leakage_w < 0.2 * nominal_w && technology.asic_leakage_w > 0.0);
        }
        // All leakage and a steep exponent on a weak sink: no fixed point.
        let mut hot = scenario.clone();
        hot.thermal.leakage.fraction = 0.95;
        hot.thermal.leakage.beta_per_k = 0.2;
        hot.thermal.cold_plate.flow_l_per_min = 0.2;
        let error = run_generation(&hot, "102.4T").unwrap_err();
        assert!(matches!(error, PipelineError::Runaway { .. }), "{error}");
    }

    #[test]
    fn the_drift_grid_is_converged_for_the_ring_swing() {
        // The drift transient runs on drift_grid_cells (32) per side; the full 64-cell model
        // gives a ring swing within 3 % (the scenario's comment cites the figures).
        let scenario = cporamp_core::load_default().unwrap();
        let coarse = run_generation(&scenario, "51.2T").unwrap().photonics;
        let mut fine = scenario.clone();
        fine.photonics.drift_grid_cells = scenario.thermal.grid_cells;
        let fine = run_generation(&fine, "51.2T").unwrap().photonics;
        for (a, b) in coarse.technologies.iter().zip(&fine.technologies) {
            let (swing_coarse, swing_fine) = (a.nominal.ring_swing_k, b.nominal.ring_swing_k);
            assert!(
                ((swing_coarse - swing_fine) / swing_fine).abs() < 0.03,
                "{swing_coarse} vs {swing_fine}"
            );
        }
    }
}
