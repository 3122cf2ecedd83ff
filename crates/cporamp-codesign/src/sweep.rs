//! The sweep: each design point through the pipeline's fixed point, hydraulics, facility
//! energy, lasers, solder and money (equations in the crate docs); the Pareto front and the
//! scenario's choice.

use cporamp_core::Scenario;
use cporamp_core::scenario::{
    ChannelGeometry, CodesignSettings, ElsPlacement, EnginePlate, LaserPlacement,
};
use cporamp_core::units::{Celsius, HOURS_PER_YEAR};
use cporamp_pipeline::{PipelineError, engine_power_w, package_model_for, settle_with};
use cporamp_thermal::cycling::NorrisLandzberg;
use cporamp_thermal::package::{PackageError, PackageResult};
use serde::Serialize;

use crate::CodesignError;
use crate::cluster::cluster_switches;
use cporamp_compare::cooling::{CoolingBomResult, cooling_bom};

/// ELS temperature loop tolerance, K.
const ELS_TOLERANCE_K: f64 = 0.01;
/// ELS temperature loop iterations at most.
const ELS_MAX_ITERATIONS: usize = 50;

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
            Constraint::EngineTemperature => point.engine_temp_c <= settings.max_engine_temp_c,
            Constraint::Flow => point.flow_l_per_min <= settings.max_flow_l_per_min,
            Constraint::PressureDrop => point.pressure_drop_kpa <= settings.max_pressure_drop_kpa,
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
    pub technology: String,
    /// Generation id.
    pub generation: String,
    /// Switch capacity, Gb/s.
    pub capacity_gbps: f64,
    /// Service life the costs run over, years.
    pub years: f64,
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

/// The grid's points in order (flow outermost, ASIC power innermost). ELS placements collapse
/// to the front panel for a technology without an external laser source.
#[must_use]
pub fn grid(scenario: &Scenario) -> Vec<DesignPoint> {
    let settings = &scenario.codesign;
    let technology = &scenario.technologies[settings.technology];
    let has_els = technology
        .optics
        .as_ref()
        .is_some_and(|optics| optics.laser.placement == LaserPlacement::External);
    let els: Vec<ElsPlacement> =
        if has_els { settings.els_placement.clone() } else { vec![ElsPlacement::FrontPanel] };
    let mut points = Vec::new();
    for &flow in &settings.flow_l_per_min_per_kw {
        for &channel in &settings.channels {
            for &inlet_c in &settings.inlet_c {
                for &gap in &settings.engine_gap_mm {
                    for &engine_plate in &settings.engine_plate {
                        for &els_placement in &els {
                            for &factor in &settings.asic_power_factor {
                                points.push(DesignPoint {
                                    flow_l_per_min_per_kw: flow,
                                    channel,
                                    inlet_c,
                                    engine_gap_mm: gap,
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
    let switches = cluster_switches(scenario, settings.generation)?;
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
            .map(|working| {
                package_model_for(
                    working,
                    &working.thermal,
                    settings.generation,
                    settings.technology,
                )
            })
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
    let generation = &scenario.generations[settings.generation];
    Ok(CodesignResult {
        technology: scenario.technologies[settings.technology].id.clone(),
        generation: generation.id.clone(),
        capacity_gbps: generation.switch_capacity().0,
        years: scenario.fleet.years,
        points: results,
        front,
        flap_nodes,
        choice,
        max_engine_temp_c: settings.max_engine_temp_c,
        max_flow_l_per_min: settings.max_flow_l_per_min,
        max_pressure_drop_kpa: settings.max_pressure_drop_kpa,
    })
}

/// Each solved point's flaps (crate docs): the photonics engine on the scenario's nominal
/// drift moved to the point's ring and laser temperatures, run at nodes evenly spaced (at most
/// [`FLAP_NODE_NM`] apart) from the smallest to the largest offset of the points, one node
/// per worker, and interpolated linearly between them. Returns the nodes.
fn flaps(
    scenario: &Scenario,
    results: &mut [PointResult],
    pool: &rayon::ThreadPool,
) -> Result<Vec<FlapNode>, CodesignError> {
    let settings = &scenario.codesign;
    let Some(nominal) =
        cporamp_pipeline::nominal_drift(scenario, settings.generation, settings.technology)?
    else {
        return Ok(Vec::new());
    };
    for point in results.iter_mut().filter(|point| point.error.is_none()) {
        point.drift_offset_nm = nominal.offset_nm(point.engine_temp_c, point.laser_temp_c);
    }
    let (low, high) = results
        .iter()
        .filter(|point| point.error.is_none())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), point| {
            (low.min(point.drift_offset_nm), high.max(point.drift_offset_nm))
        });
    if !(low.is_finite() && high.is_finite()) {
        return Ok(Vec::new());
    }
    let intervals = ((high - low) / FLAP_NODE_NM).ceil() as usize;
    let offsets: Vec<f64> = (0..=intervals)
        .map(|k| match k {
            0 => low,
            k if k == intervals => high,
            k => low + (high - low) * k as f64 / intervals as f64,
        })
        .collect();
    let nodes = pool.install(|| {
        use rayon::prelude::*;
        offsets
            .par_iter()
            .map(|&offset_nm| {
                let result = nominal.simulate(scenario, offset_nm, 1)?;
                Ok(FlapNode {
                    offset_nm,
                    feedback_flaps_per_lane_hour: result.feedback.flaps_per_lane_hour,
                    feedback_flaps_se: result.feedback.flaps_se,
                    unlockable_fraction: result.unlockable_fraction,
                })
            })
            .collect::<Result<Vec<_>, PipelineError>>()
    })?;
    for point in results.iter_mut().filter(|point| point.error.is_none()) {
        let node = interpolate(&nodes, point.drift_offset_nm);
        point.feedback_flaps_per_lane_hour = node.feedback_flaps_per_lane_hour;
        point.feedback_flaps_se = node.feedback_flaps_se;
        point.unlockable_fraction = node.unlockable_fraction;
    }
    Ok(nodes)
}

/// The nodes linearly interpolated at `offset_nm` (exact at a node; held beyond the ends).
#[must_use]
pub fn interpolate(nodes: &[FlapNode], offset_nm: f64) -> FlapNode {
    let n = nodes.len();
    if n < 2 {
        return nodes.first().copied().map_or(
            FlapNode {
                offset_nm,
                feedback_flaps_per_lane_hour: 0.0,
                feedback_flaps_se: 0.0,
                unlockable_fraction: 0.0,
            },
            |node| FlapNode { offset_nm, ..node },
        );
    }
    let i = nodes.partition_point(|node| node.offset_nm <= offset_nm).clamp(1, n - 1) - 1;
    let (a, b) = (&nodes[i], &nodes[i + 1]);
    let w = ((offset_nm - a.offset_nm) / (b.offset_nm - a.offset_nm)).clamp(0.0, 1.0);
    let mix = |x: f64, y: f64| (1.0 - w) * x + w * y;
    FlapNode {
        offset_nm,
        feedback_flaps_per_lane_hour: mix(
            a.feedback_flaps_per_lane_hour,
            b.feedback_flaps_per_lane_hour,
        ),
        feedback_flaps_se: mix(a.feedback_flaps_se, b.feedback_flaps_se),
        unlockable_fraction: mix(a.unlockable_fraction, b.unlockable_fraction),
    }
}

/// The cheapest point per Gb/s among those that solved and meet `limits`.
fn cheapest(points: &[PointResult], meets: impl Fn(&PointResult) -> bool) -> Option<usize> {
    points
        .iter()
        .enumerate()
        .filter(|(_, point)| point.error.is_none() && meets(point))
        .min_by(|(_, a), (_, b)| a.life_usd_per_gbps.total_cmp(&b.life_usd_per_gbps))
        .map(|(index, _)| index)
}

/// The choice under every limit and the binding one (crate docs).
#[must_use]
pub fn choose(settings: &CodesignSettings, points: &[PointResult]) -> Choice {
    let all = |point: &PointResult| Constraint::ALL.iter().all(|c| c.holds(settings, point));
    let index = cheapest(points, all);
    let mut binding: Option<(Constraint, usize, f64)> = None;
    if let Some(chosen) = index {
        for constraint in Constraint::ALL {
            let without = |point: &PointResult| {
                Constraint::ALL
                    .iter()
                    .filter(|&&c| c != constraint)
                    .all(|c| c.holds(settings, point))
            };
            let Some(other) = cheapest(points, without) else { continue };
            let saving = points[chosen].life_usd_per_gbps - points[other].life_usd_per_gbps;
            if other != chosen && saving > 0.0 && binding.is_none_or(|(_, _, best)| saving > best) {
                binding = Some((constraint, other, saving));
            }
        }
    }
    Choice {
        index,
        binding: binding.map(|(constraint, _, _)| constraint),
        binding_field: binding.map(|(constraint, _, _)| constraint.field().to_string()),
        unconstrained_index: binding.map(|(_, other, _)| other),
    }
}

/// Indices of the points no other solved point dominates on (energy per bit, cost per Gb/s,
/// expected laser failures), in grid order.
#[must_use]
pub fn pareto_front(points: &[PointResult]) -> Vec<usize> {
    let objectives =
        |p: &PointResult| [p.pj_per_bit, p.life_usd_per_gbps, p.laser_failures_per_switch];
    let solved: Vec<usize> = (0..points.len()).filter(|&i| points[i].error.is_none()).collect();
    solved
        .iter()
        .copied()
        .filter(|&i| {
            let a = objectives(&points[i]);
            !solved.iter().any(|&j| {
                let b = objectives(&points[j]);
                j != i
                    && b.iter().zip(&a).all(|(b, a)| b <= a)
                    && b.iter().zip(&a).any(|(b, a)| b < a)
            })
        })
        .collect()
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

/// Friction pressure drop of the plate's channels, Pa, and the Reynolds number (crate docs).
fn plate_pressure_drop(
    scenario: &Scenario,
    channel: ChannelGeometry,
    side_m: f64,
    flow_l_per_min: f64,
) -> (f64, f64) {
    let plate = &scenario.thermal.cold_plate;
    let (width, height) = (channel.width_mm * 1e-3, channel.height_mm * 1e-3);
    let n = (side_m / (width + plate.wall_thickness_mm * 1e-3)).floor().max(1.0);
    let velocity = flow_l_per_min * 1e-3 / 60.0 / (n * width * height);
    let hydraulic = 2.0 * width * height / (width + height);
    let reynolds =
        plate.coolant_rho_kg_per_m3 * velocity * hydraulic / plate.coolant_viscosity_pa_s;
    let dynamic = 0.5 * plate.coolant_rho_kg_per_m3 * velocity * velocity;
    let darcy = if reynolds < 2300.0 {
        let alpha = width.min(height) / width.max(height);
        let fanning_re = 24.0
            * (1.0 - 1.3553 * alpha + 1.9467 * alpha.powi(2) - 1.7012 * alpha.powi(3)
                + 0.9564 * alpha.powi(4)
                - 0.2537 * alpha.powi(5));
        4.0 * fanning_re / reynolds
    } else {
        (0.79 * reynolds.ln() - 1.64).powi(-2)
    };
    (darcy * side_m / hydraulic * dynamic, reynolds)
}

/// Sums two package solves that share the coolant and air terms once (`zero` is the solve with
/// no power): the model is linear in the powers.
fn superpose(asic: PackageResult, engines: PackageResult, zero: &PackageResult) -> PackageResult {
    PackageResult {
        heat_out_w: asic.heat_out_w + engines.heat_out_w - zero.heat_out_w,
        board_w: asic.board_w + engines.board_w - zero.board_w,
        engines: engines.engines,
        engine_mean_max_c: engines.engine_mean_max_c,
        ..asic
    }
}

/// Evaluates one design point (crate docs). `cluster_switches` is the fleet topology's switch
/// count for the cluster's bill.
#[must_use]
pub fn evaluate_point(
    scenario: &Scenario,
    point: &DesignPoint,
    cluster_switches: usize,
) -> PointResult {
    let run = || {
        let (working, flow_l_per_min) = prepare(scenario, point)?;
        let settings = &scenario.codesign;
        let model = package_model_for(
            &working,
            &working.thermal,
            settings.generation,
            settings.technology,
        )?;
        evaluate(scenario, point, &working, flow_l_per_min, &model, cluster_switches)
    };
    match run() {
        Ok(result) => result,
        Err(error) => failed(point, error.to_string()),
    }
}

/// The scenario a point runs on (its grid, gap, channels, inlet and flow) and its flow, L/min:
/// the flow per kW times the package's heat at the scenario's nominal temperatures.
fn prepare(scenario: &Scenario, point: &DesignPoint) -> Result<(Scenario, f64), PipelineError> {
    let settings = &scenario.codesign;
    let (g, t) = (settings.generation, settings.technology);
    let generation = &scenario.generations[g];
    let mut working = scenario.clone();
    working.thermal.grid_cells = settings.grid_cells;
    working.thermal.engine_gap_mm = point.engine_gap_mm;
    working.thermal.cold_plate.channel_width_mm = point.channel.width_mm;
    working.thermal.cold_plate.channel_height_mm = point.channel.height_mm;
    working.thermal.cold_plate.nominal_inlet_c = point.inlet_c;
    let geometry = scenario.technologies[t].package.as_ref().ok_or_else(|| {
        PipelineError::NotCoPackaged { technology: scenario.technologies[t].id.clone() }
    })?;
    let n_engines = f64::from(geometry.engines_per_switch(generation));
    let nominal = cporamp_compare::compare_technology(scenario, g, t)?;
    let nominal_heat_w = point.asic_power_factor * nominal.switch_power.asic_w
        + n_engines * engine_power_w(&nominal, geometry.ports_per_engine(generation));
    let flow_l_per_min = point.flow_l_per_min_per_kw * nominal_heat_w / 1000.0;
    working.thermal.cold_plate.flow_l_per_min = flow_l_per_min;
    Ok((working, flow_l_per_min))
}

/// What a point's package model depends on: gap, channel width and height, flow (bits).
fn model_key(working: &Scenario) -> [u64; 4] {
    let thermal = &working.thermal;
    [
        thermal.engine_gap_mm.to_bits(),
        thermal.cold_plate.channel_width_mm.to_bits(),
        thermal.cold_plate.channel_height_mm.to_bits(),
        thermal.cold_plate.flow_l_per_min.to_bits(),
    ]
}

fn evaluate(
    scenario: &Scenario,
    point: &DesignPoint,
    working: &Scenario,
    flow_l_per_min: f64,
    model: &cporamp_thermal::package::PackageModel,
    cluster_switches: usize,
) -> Result<PointResult, PipelineError> {
    let settings = &scenario.codesign;
    let (g, t) = (settings.generation, settings.technology);
    let generation = &scenario.generations[g];
    let mut working = working.clone();
    let geometry = scenario.technologies[t].package.as_ref().ok_or_else(|| {
        PipelineError::NotCoPackaged { technology: scenario.technologies[t].id.clone() }
    })?;
    let n_engines = f64::from(geometry.engines_per_switch(generation));
    let own = point.engine_plate == EnginePlate::Own;
    let evaluate =
        |asic_w: f64, engine_w: f64, inlet_c: f64| -> Result<PackageResult, PackageError> {
            if own {
                let zero = model.evaluate(0.0, 0.0, inlet_c)?;
                let asic = model.evaluate(asic_w, 0.0, inlet_c)?;
                let engines = model.evaluate(0.0, engine_w, inlet_c)?;
                Ok(superpose(asic, engines, &zero))
            } else {
                model.evaluate(asic_w, engine_w, inlet_c)
            }
        };
    let els = working.technologies[t]
        .optics
        .as_ref()
        .is_some_and(|optics| optics.laser.placement == LaserPlacement::External);
    let ports = f64::from(generation.lanes_per_switch / generation.lanes_per_port);
    let els_on_plate = els && point.els_placement == ElsPlacement::ColdPlate;
    let mut settled =
        settle_with(&working, g, t, point.asic_power_factor, point.inlet_c, &evaluate)?;
    let els_modules = |result: &cporamp_compare::TechnologyResult| {
        result.cost.els_modules_per_switch.unwrap_or(1).max(1)
    };
    if els_on_plate {
        let mut temp_c = f64::NAN;
        for _ in 0..ELS_MAX_ITERATIONS {
            let per_module_w =
                settled.result.port_power.els_w * ports / f64::from(els_modules(&settled.result));
            let next = point.inlet_c + settings.els_plate_r_k_per_w * per_module_w;
            if (next - temp_c).abs() < ELS_TOLERANCE_K {
                break;
            }
            temp_c = next;
            if let Some(optics) = working.technologies[t].optics.as_mut() {
                optics.laser.ambient_temp = Celsius(temp_c);
            }
            settled =
                settle_with(&working, g, t, point.asic_power_factor, point.inlet_c, &evaluate)?;
        }
    }
    let result = &settled.result;
    let package = &settled.package;
    let plate = &scenario.thermal.cold_plate;
    // Energy: the switch with the ASIC at its settled power.
    let switch_w = result.switch_power.total_w - result.switch_power.asic_w + settled.asic_w;
    let power_in_w = settled.asic_w + n_engines * settled.engine_w;
    let els_w = result.port_power.els_w * ports;
    let els_to_coolant_w = if els_on_plate { els_w } else { 0.0 };
    let heat_to_coolant_w = package.heat_out_w + els_to_coolant_w;
    let mass_flow_kg_per_s = plate.coolant_rho_kg_per_m3 * flow_l_per_min * 1e-3 / 60.0;
    let coolant_rise_k = heat_to_coolant_w / (mass_flow_kg_per_s * plate.coolant_cp_j_per_kgk);
    let energy_balance_residual_w = power_in_w + els_to_coolant_w
        - package.board_w
        - mass_flow_kg_per_s * plate.coolant_cp_j_per_kgk * coolant_rise_k;
    // Hydraulics.
    let side_m = package.substrate_side_mm * 1e-3;
    let (plate_pa, reynolds) = plate_pressure_drop(scenario, point.channel, side_m, flow_l_per_min);
    let loop_pa = settings.loop_pressure_drop_kpa
        * 1e3
        * (point.flow_l_per_min_per_kw / settings.loop_reference_l_per_min_per_kw).powi(2);
    let pressure_pa = plate_pa + loop_pa;
    let pump_w = pressure_pa * flow_l_per_min * 1e-3 / 60.0 / settings.pump_efficiency;
    // Facility.
    let facility_supply_c = point.inlet_c - settings.cdu_approach_k;
    let chiller_share = ((settings.free_cooling_full_c - facility_supply_c)
        / (settings.free_cooling_full_c - settings.chiller_only_c))
        .clamp(0.0, 1.0);
    let facility_w = (heat_to_coolant_w + pump_w)
        * (chiller_share * settings.chiller_kw_per_kw
            + (1.0 - chiller_share) * settings.free_cooling_kw_per_kw);
    let capacity_gbps = generation.switch_capacity().0;
    let total_w = switch_w + pump_w + facility_w;
    let pj_per_bit = total_w / capacity_gbps * 1e3;
    // Lasers.
    let reliability = &scenario.fleet.reliability;
    let (laser_temp_c, wall_plug, lasers_per_port) =
        result.laser.as_ref().map_or((settled.engine_temp_c, 0.0, 0.0), |laser| {
            (laser.power.laser_temp_c, laser.power.wall_plug_efficiency, laser.lasers_per_port)
        });
    let lasers_per_switch = lasers_per_port * ports;
    let factor = cporamp_fleet::arrhenius_factor(
        reliability.laser_activation_energy_ev,
        reliability.laser_ref_temp_c,
        laser_temp_c,
    );
    let scale_h = reliability.laser_weibull_scale_h / factor;
    let shape = reliability.laser_weibull_shape;
    let median_h = scale_h * std::f64::consts::LN_2.powf(1.0 / shape);
    let life_h = scenario.fleet.years * HOURS_PER_YEAR;
    let random_per_h = reliability.laser_fit
        * 1e-9
        * cporamp_fleet::arrhenius_factor(
            reliability.laser_activation_energy_ev,
            reliability.laser_fit_ref_temp_c,
            laser_temp_c,
        );
    let laser_failures_per_switch = lasers_per_switch
        * ((1.0 - (-(life_h / scale_h).powf(shape)).exp()) + random_per_h * life_h);
    // Rings.
    let heater_w = result.port_power.heater_w * ports;
    let heater_mw_per_ring = result.rings.as_ref().map_or(0.0, |rings| rings.heater_mw_per_ring);
    // Solder at the ASIC bumps: the square wave at steady state.
    let cycling = &scenario.thermal.cycling;
    let swing_k = (1.0 - cycling.idle_power_fraction) * (package.asic_mean_c - point.inlet_c)
        + cycling.inlet_swing_k;
    let fatigue = NorrisLandzberg {
        range_exponent: cycling.range_exponent,
        frequency_exponent: cycling.frequency_exponent,
        ea_over_k_k: cycling.ea_over_k_k,
        test_cycles: cycling.test_cycles,
        test_range_k: cycling.test_max_c - cycling.test_min_c,
        test_max_c: cycling.test_max_c,
        test_cycles_per_day: cycling.test_cycles_per_day,
    };
    let cycles_per_day = 86_400.0 / cycling.period_s;
    let solder_life_years = if swing_k > 0.0 {
        fatigue.cycles_to_failure(
            swing_k,
            package.asic_max_c + cycling.inlet_swing_k,
            cycles_per_day,
        ) / cycles_per_day
            / 365.25
    } else {
        f64::INFINITY
    };
    // Money.
    let els_plates = if els_on_plate { els_modules(result) as usize } else { 0 };
    let bom =
        cooling_bom(&settings.bom, heat_to_coolant_w / 1000.0, own, els_plates, cluster_switches);
    let energy_usd = total_w / 1000.0 * life_h * settings.usd_per_kwh;
    let life_usd_per_gbps =
        (result.cost.switch_usd + bom.per_switch_mid_usd + energy_usd) / capacity_gbps;
    Ok(PointResult {
        point: *point,
        error: None,
        asic_mean_c: package.asic_mean_c,
        engine_temp_c: settled.engine_temp_c,
        laser_temp_c,
        laser_wall_plug_efficiency: wall_plug,
        lasers_per_switch,
        laser_median_life_years: median_h / HOURS_PER_YEAR,
        laser_failures_per_switch,
        heater_w,
        heater_mw_per_ring,
        heater_headroom_mw: scenario.photonics.heater_max_mw - heater_mw_per_ring,
        drift_offset_nm: 0.0,
        feedback_flaps_per_lane_hour: 0.0,
        feedback_flaps_se: 0.0,
        unlockable_fraction: 0.0,
        switch_w,
        heat_to_coolant_w,
        flow_l_per_min,
        coolant_rise_k,
        energy_balance_residual_w,
        reynolds,
        plate_pressure_drop_kpa: plate_pa / 1e3,
        pressure_drop_kpa: pressure_pa / 1e3,
        pump_w,
        facility_supply_c,
        chiller_share,
        facility_w,
        pj_per_bit,
        solder_swing_k: swing_k,
        solder_life_years,
        switch_usd: result.cost.switch_usd,
        bom: Some(bom),
        energy_usd,
        life_usd_per_gbps,
        on_front: false,
        feasible: false,
    })
}
