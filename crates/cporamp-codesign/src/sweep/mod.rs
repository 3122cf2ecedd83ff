//! The sweep: each design point through the pipeline's fixed point, hydraulics, facility
//! energy, lasers, solder and money (equations in the crate docs); the Pareto front and the
//! scenario's choice.
//!
//! This module holds the grid, the sweep's driver and its result types; `point.rs` evaluates
//! one design point, `flaps.rs` interpolates the photonics engine's flaps between drift
//! offsets, and `choice.rs` finds the Pareto front and the scenario's choice.

use cporamp_core::ids::{GenerationId, TechnologyId};
use cporamp_core::units::Years;
use cporamp_pipeline::{PipelineError, package_model_for};
use cporamp_scenario::Scenario;
use cporamp_scenario::{
    ChannelGeometry, CodesignSettings, ElsPlacement, EnginePlate, LaserPlacement,
};
use serde::Serialize;

use crate::CodesignError;
use crate::cluster::cluster_switches;
use cporamp_compare::cooling::CoolingBomResult;

mod choice;
mod flaps;
mod point;

pub use choice::{choose, pareto_front};
pub use flaps::interpolate;
pub use point::evaluate_point;

use flaps::flaps;
use point::{evaluate, model_key, prepare};

/// One point of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DesignPoint {
    /// Coolant flow per kW of package heat, L/min/kW.
    pub flow_l_per_min_per_kw: f64,
    /// Cold-plate channels.
    pub channel: ChannelGeometry,
    /// Coolant supply, °C.
    pub inlet_c: f64,
    /// ASIC-to-engine gap, mm.
    pub engine_gap_mm: f64,
    /// Engines on the ASIC's plate or their own.
    pub engine_plate: EnginePlate,
    /// ELS placement (front panel for technologies without an ELS).
    pub els_placement: ElsPlacement,
    /// ASIC power over the generation's.
    pub asic_power_factor: f64,
}

/// What one design point gives.
#[derive(Debug, Clone, Serialize)]
pub struct PointResult {
    /// The point.
    pub point: DesignPoint,
    /// Why the point could not be solved (its figures are then zero), or `None`.
    pub error: Option<String>,
    /// ASIC mean junction temperature, °C.
    pub asic_mean_c: f64,
    /// Hottest engine's mean temperature, °C.
    pub engine_temp_c: f64,
    /// The lasers' temperature (in the engine, or the ELS), °C.
    pub laser_temp_c: f64,
    /// Laser wall-plug efficiency at that temperature.
    pub laser_wall_plug_efficiency: f64,
    /// Lasers per switch.
    pub lasers_per_switch: f64,
    /// Median laser wear-out life at temperature, years.
    pub laser_median_life_years: f64,
    /// Expected laser failures per switch over the service life.
    pub laser_failures_per_switch: f64,
    /// Ring heater power per switch, W.
    pub heater_w: f64,
    /// Mean heater power per ring, mW.
    pub heater_mw_per_ring: f64,
    /// Heater range left above the mean, mW.
    pub heater_headroom_mw: f64,
    /// The point's drift offset from the scenario's nominal package, nm: where it sits
    /// among the sweep's [`FlapNode`]s.
    pub drift_offset_nm: f64,
    /// Link flaps per lane-hour with feedback-only locking (the photonics engine,
    /// interpolated between the sweep's [`FlapNode`]s; 0 from [`evaluate_point`] alone).
    pub feedback_flaps_per_lane_hour: f64,
    /// Its standard error (interpolated likewise).
    pub feedback_flaps_se: f64,
    /// Lanes that find no resonance within the heater range, fraction (interpolated likewise).
    pub unlockable_fraction: f64,
    /// Switch power (ASIC at its settled leakage, optics, ELS), W.
    pub switch_w: f64,
    /// Heat into the coolant, W.
    pub heat_to_coolant_w: f64,
    /// Coolant flow per switch, L/min.
    pub flow_l_per_min: f64,
    /// Coolant rise inlet to outlet, K.
    pub coolant_rise_k: f64,
    /// Energy balance residual, W (power in - board heat - ṁ cp ΔT).
    pub energy_balance_residual_w: f64,
    /// Channel Reynolds number.
    pub reynolds: f64,
    /// Cold-plate pressure drop, kPa.
    pub plate_pressure_drop_kpa: f64,
    /// Branch pressure drop (plate and loop), kPa.
    pub pressure_drop_kpa: f64,
    /// Pumping power, W.
    pub pump_w: f64,
    /// Facility water supply, °C.
    pub facility_supply_c: f64,
    /// The chiller's share of the year.
    pub chiller_share: f64,
    /// Facility cooling electricity, W.
    pub facility_w: f64,
    /// Energy per bit including pumping and facility cooling, pJ/bit.
    pub pj_per_bit: f64,
    /// ASIC bump solder swing per workload cycle, K.
    pub solder_swing_k: f64,
    /// ASIC bump solder life (Norris-Landzberg), years.
    pub solder_life_years: f64,
    /// The switch's bill of materials, USD.
    pub switch_usd: f64,
    /// The cooling bill of materials.
    pub bom: Option<CoolingBomResult>,
    /// Energy cost over the service life, USD.
    pub energy_usd: f64,
    /// Cost per Gb/s over the service life: switch, cooling and energy, USD/(Gb/s).
    pub life_usd_per_gbps: f64,
    /// Whether the point is on the Pareto front.
    pub on_front: bool,
    /// Whether it meets every limit.
    pub feasible: bool,
}

/// A limit of the scenario's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    /// `max_engine_temp_c`.
    EngineTemperature,
    /// `max_flow_l_per_min`.
    Flow,
    /// `max_pressure_drop_kpa`.
    PressureDrop,
}

impl Constraint {
    /// Every limit.
    pub const ALL: [Constraint; 3] =
        [Constraint::EngineTemperature, Constraint::Flow, Constraint::PressureDrop];

    /// The scenario field.
    #[must_use]
    pub fn field(self) -> &'static str {
        match self {
            Constraint::EngineTemperature => "codesign.max_engine_temp_c",
            Constraint::Flow => "codesign.max_flow_l_per_min",
            Constraint::PressureDrop => "codesign.max_pressure_drop_kpa",
        }
    }

    fn holds(self, settings: &CodesignSettings, point: &PointResult) -> bool {
        match self {
            Constraint::EngineTemperature => point.engine_temp_c <= settings.max_engine_temp.0,
            Constraint::Flow => point.flow_l_per_min <= settings.max_flow.0,
            Constraint::PressureDrop => point.pressure_drop_kpa <= settings.max_pressure_drop.0,
        }
    }
}

/// The scenario's choice.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    /// Index of the chosen point in `points`, `None` when no point meets every limit.
    pub index: Option<usize>,
    /// The limit that binds (dropping it alone picks the cheapest other point), if any.
    pub binding: Option<Constraint>,
    /// The scenario field of that limit.
    pub binding_field: Option<String>,
    /// The point dropping it would pick.
    pub unconstrained_index: Option<usize>,
}

/// The sweep.
#[derive(Debug, Clone, Serialize)]
pub struct CodesignResult {
    /// Technology id.
    pub technology: TechnologyId,
    /// Generation id.
    pub generation: GenerationId,
    /// Switch capacity, Gb/s.
    pub capacity_gbps: f64,
    /// Service life the costs run over.
    pub years: Years,
    /// Every point, in grid order (flow, channel, inlet, gap, engine plate, ELS, ASIC power).
    pub points: Vec<PointResult>,
    /// Indices of the Pareto front, in grid order.
    pub front: Vec<usize>,
    /// The photonics engine's runs the points' flaps are interpolated between, ascending
    /// drift offset (empty for a technology without rings).
    pub flap_nodes: Vec<FlapNode>,
    /// The scenario's choice.
    pub choice: Choice,
    /// Engine temperature limit, °C.
    pub max_engine_temp_c: f64,
    /// Flow limit, L/min.
    pub max_flow_l_per_min: f64,
    /// Pressure-drop limit, kPa.
    pub max_pressure_drop_kpa: f64,
}

/// Largest spacing of the flap interpolation's nodes, nm of drift offset (2.5 K of ring
/// temperature at 0.08 nm/K; the pipeline's inlet sweep steps 5 K).
pub const FLAP_NODE_NM: f64 = 0.2;

/// One run of the photonics engine at a drift offset from the scenario's nominal package.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FlapNode {
    /// The offset, nm.
    pub offset_nm: f64,
    /// Flaps per lane-hour, feedback only.
    pub feedback_flaps_per_lane_hour: f64,
    /// Its standard error.
    pub feedback_flaps_se: f64,
    /// Lanes that find no resonance within the heater range, fraction.
    pub unlockable_fraction: f64,
}

/// The indices in `scenario` of the swept generation and technology.
///
/// # Errors
/// [`PipelineError::Compare`] naming an id the scenario does not define.
pub(crate) fn swept(scenario: &Scenario) -> Result<(usize, usize), PipelineError> {
    let settings = &scenario.codesign;
    Ok((
        cporamp_compare::generation_index(scenario, &settings.generation)?,
        cporamp_compare::technology_index(scenario, &settings.technology)?,
    ))
}

/// The grid's points in order (flow outermost, ASIC power innermost). ELS placements collapse
/// to the front panel for a technology without an external laser source.
#[must_use]
pub fn grid(scenario: &Scenario) -> Vec<DesignPoint> {
    let settings = &scenario.codesign;
    let has_els = scenario
        .technology(&settings.technology)
        .and_then(|technology| technology.laser.as_ref())
        .is_some_and(|laser| laser.placement == LaserPlacement::External);
    let els: Vec<ElsPlacement> =
        if has_els { settings.els_placement.clone() } else { vec![ElsPlacement::FrontPanel] };
    let mut points = Vec::new();
    for &flow in &settings.flow_l_per_min_per_kw {
        for &channel in &settings.channels() {
            for &inlet in &settings.inlet {
                for &gap in &settings.engine_gap {
                    for &engine_plate in &settings.engine_plate {
                        for &els_placement in &els {
                            for &factor in &settings.asic_power_factor {
                                points.push(DesignPoint {
                                    flow_l_per_min_per_kw: flow,
                                    channel,
                                    inlet_c: inlet.0,
                                    engine_gap_mm: gap.0,
                                    engine_plate,
                                    els_placement,
                                    asic_power_factor: factor,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    points
}

/// Runs the sweep of `scenario`'s `[codesign]` on `threads` worker threads.
///
/// # Errors
/// [`CodesignError`] when the cluster's topology fails or the pool cannot start; points that
/// cannot be solved are kept with their reason.
pub fn codesign(scenario: &Scenario, threads: usize) -> Result<CodesignResult, CodesignError> {
    let settings = &scenario.codesign;
    let (g, t) = swept(scenario)?;
    let switches = cluster_switches(scenario, g)?;
    let points = grid(scenario);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|error| CodesignError::Threads { threads, reason: error.to_string() })?;
    let mut results: Vec<PointResult> = pool.install(|| {
        use rayon::prelude::*;
        // Points that differ only in inlet, ASIC power (at the same flow), engine plate or ELS
        // share their package's factorization: build each distinct one once.
        let prepared: Vec<Result<(Scenario, f64), PipelineError>> =
            points.par_iter().map(|point| prepare(scenario, point)).collect();
        let mut keys: Vec<[u64; 4]> = Vec::new();
        let mut builders: Vec<&Scenario> = Vec::new();
        let key_of: Vec<Option<usize>> = prepared
            .iter()
            .map(|prepared| {
                let (working, _) = prepared.as_ref().ok()?;
                let key = model_key(working);
                Some(keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                    keys.push(key);
                    builders.push(working);
                    keys.len() - 1
                }))
            })
            .collect();
        let models: Vec<Result<cporamp_thermal::package::PackageModel, PipelineError>> = builders
            .par_iter()
            .map(|working| package_model_for(working, &working.thermal, g, t))
            .collect();
        points
            .par_iter()
            .enumerate()
            .map(|(index, point)| {
                let run = || {
                    let (working, flow) = prepared[index].as_ref().map_err(Clone::clone)?;
                    let key = key_of[index].expect("a prepared point has a model key");
                    let model = models[key].as_ref().map_err(Clone::clone)?;
                    evaluate(scenario, point, working, *flow, model, switches)
                };
                run().unwrap_or_else(|error| failed(point, error.to_string()))
            })
            .collect()
    });
    let flap_nodes = flaps(scenario, &mut results, &pool)?;
    let front = pareto_front(&results);
    for &index in &front {
        results[index].on_front = true;
    }
    for result in &mut results {
        result.feasible = result.error.is_none()
            && Constraint::ALL.iter().all(|constraint| constraint.holds(settings, result));
    }
    let choice = choose(settings, &results);
    let generation = &scenario.generations[g];
    Ok(CodesignResult {
        technology: scenario.technologies[t].id.clone(),
        generation: generation.id.clone(),
        capacity_gbps: generation.switch_capacity().0,
        years: scenario.fleet.years,
        points: results,
        front,
        flap_nodes,
        choice,
        max_engine_temp_c: settings.max_engine_temp.0,
        max_flow_l_per_min: settings.max_flow.0,
        max_pressure_drop_kpa: settings.max_pressure_drop.0,
    })
}

/// A point that could not be solved.
fn failed(point: &DesignPoint, error: String) -> PointResult {
    PointResult {
        point: *point,
        error: Some(error),
        asic_mean_c: 0.0,
        engine_temp_c: 0.0,
        laser_temp_c: 0.0,
        laser_wall_plug_efficiency: 0.0,
        lasers_per_switch: 0.0,
        laser_median_life_years: 0.0,
        laser_failures_per_switch: 0.0,
        heater_w: 0.0,
        heater_mw_per_ring: 0.0,
        heater_headroom_mw: 0.0,
        drift_offset_nm: 0.0,
        feedback_flaps_per_lane_hour: 0.0,
        feedback_flaps_se: 0.0,
        unlockable_fraction: 0.0,
        switch_w: 0.0,
        heat_to_coolant_w: 0.0,
        flow_l_per_min: 0.0,
        coolant_rise_k: 0.0,
        energy_balance_residual_w: 0.0,
        reynolds: 0.0,
        plate_pressure_drop_kpa: 0.0,
        pressure_drop_kpa: 0.0,
        pump_w: 0.0,
        facility_supply_c: 0.0,
        chiller_share: 0.0,
        facility_w: 0.0,
        pj_per_bit: 0.0,
        solder_swing_k: 0.0,
        solder_life_years: 0.0,
        switch_usd: 0.0,
        bom: None,
        energy_usd: 0.0,
        life_usd_per_gbps: 0.0,
        on_front: false,
        feasible: false,
    }
}
