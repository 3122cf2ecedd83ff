//! One design point: the package settled at the ASIC leakage fixed point, then the coolant's
//! energy balance, hydraulics, facility cooling, lasers, rings, solder and money (equations in
//! the crate docs).

use cporamp_compare::TechnologyResult;
use cporamp_core::units::{Celsius, HOURS_PER_YEAR};
use cporamp_pipeline::{Converged, PipelineError, engine_power_w, package_model_for, settle_with};
use cporamp_scenario::Scenario;
use cporamp_scenario::{ChannelGeometry, ElsPlacement, EnginePlate, LaserPlacement};
use cporamp_thermal::package::{PackageError, PackageModel, PackageResult};

use super::{DesignPoint, PointResult, failed, swept};
use cporamp_compare::cooling::cooling_bom;

/// ELS temperature loop tolerance, K.
const ELS_TOLERANCE_K: f64 = 0.01;
/// ELS temperature loop iterations at most.
const ELS_MAX_ITERATIONS: usize = 50;

/// Friction pressure drop of the plate's channels, Pa, and the Reynolds number (crate docs).
fn plate_pressure_drop(
    scenario: &Scenario,
    channel: ChannelGeometry,
    side_m: f64,
    flow_l_per_min: f64,
) -> (f64, f64) {
    let plate = &scenario.thermal.cold_plate;
    let (width, height) = (channel.width_mm.0 * 1e-3, channel.height_mm.0 * 1e-3);
    let n = (side_m / (width + plate.wall_thickness_mm.0 * 1e-3)).floor().max(1.0);
    let velocity = flow_l_per_min * 1e-3 / 60.0 / (n * width * height);
    let hydraulic = 2.0 * width * height / (width + height);
    let reynolds =
        plate.coolant_rho_kg_per_m3.0 * velocity * hydraulic / plate.coolant_viscosity_pa_s.0;
    let dynamic = 0.5 * plate.coolant_rho_kg_per_m3.0 * velocity * velocity;
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
        let (g, t) = swept(scenario)?;
        let model = package_model_for(&working, &working.thermal, g, t)?;
        evaluate(scenario, point, &working, flow_l_per_min, &model, cluster_switches)
    };
    match run() {
        Ok(result) => result,
        Err(error) => failed(point, error.to_string()),
    }
}

/// The scenario a point runs on (its grid, gap, channels, inlet and flow) and its flow, L/min:
/// the flow per kW times the package's heat at the scenario's nominal temperatures.
pub(super) fn prepare(
    scenario: &Scenario,
    point: &DesignPoint,
) -> Result<(Scenario, f64), PipelineError> {
    let settings = &scenario.codesign;
    let (g, t) = swept(scenario)?;
    let generation = &scenario.generations[g];
    let mut working = scenario.clone();
    working.thermal.grid_cells = settings.grid_cells;
    working.thermal.engine_gap_mm.0 = point.engine_gap_mm;
    working.thermal.cold_plate.channel_width_mm = point.channel.width_mm;
    working.thermal.cold_plate.channel_height_mm = point.channel.height_mm;
    working.thermal.cold_plate.nominal_inlet_c.0 = point.inlet_c;
    let geometry = scenario.technologies[t].package.as_ref().ok_or_else(|| {
        PipelineError::NotCoPackaged { technology: scenario.technologies[t].id.clone() }
    })?;
    let n_engines = f64::from(geometry.engines_per_switch(generation));
    let nominal = cporamp_compare::compare_technology(scenario, g, t)?;
    let nominal_heat_w = point.asic_power_factor * nominal.switch_power.asic_w
        + n_engines * engine_power_w(&nominal, geometry.ports_per_engine(generation));
    let flow_l_per_min = point.flow_l_per_min_per_kw * nominal_heat_w / 1000.0;
    working.thermal.cold_plate.flow_l_per_min.0 = flow_l_per_min;
    Ok((working, flow_l_per_min))
}

/// What a point's package model depends on: gap, channel width and height, flow (bits).
pub(super) fn model_key(working: &Scenario) -> [u64; 4] {
    let thermal = &working.thermal;
    [
        thermal.engine_gap_mm.0.to_bits(),
        thermal.cold_plate.channel_width_mm.0.to_bits(),
        thermal.cold_plate.channel_height_mm.0.to_bits(),
        thermal.cold_plate.flow_l_per_min.0.to_bits(),
    ]
}

/// Evaluates one prepared design point on its package model (crate docs): the settled
/// package, then each stage below in turn. `cluster_switches` is the fleet topology's switch
/// count for the cluster's bill.
pub(super) fn evaluate(
    scenario: &Scenario,
    point: &DesignPoint,
    working: &Scenario,
    flow_l_per_min: f64,
    model: &PackageModel,
    cluster_switches: usize,
) -> Result<PointResult, PipelineError> {
    let settings = &scenario.codesign;
    let (g, t) = swept(scenario)?;
    let generation = &scenario.generations[g];
    let geometry = scenario.technologies[t].package.as_ref().ok_or_else(|| {
        PipelineError::NotCoPackaged { technology: scenario.technologies[t].id.clone() }
    })?;
    let n_engines = f64::from(geometry.engines_per_switch(generation));
    let own = point.engine_plate == EnginePlate::Own;
    let els = working.technologies[t]
        .laser
        .as_ref()
        .is_some_and(|laser| laser.placement == LaserPlacement::External);
    let ports = f64::from(generation.lanes_per_switch / generation.lanes_per_port);
    let els_on_plate = els && point.els_placement == ElsPlacement::ColdPlate;
    let settled = settle_point(scenario, point, working, model, ports, els_on_plate)?;
    let result = &settled.result;
    let package = &settled.package;
    let coolant =
        coolant_balance(scenario, &settled, n_engines, ports, els_on_plate, flow_l_per_min);
    let hydraulics = hydraulics(scenario, point, package.substrate_side_mm, flow_l_per_min);
    let facility = facility(scenario, point.inlet_c, coolant.heat_to_coolant_w, hydraulics.pump_w);
    let capacity_gbps = generation.switch_capacity().0;
    let total_w = coolant.switch_w + hydraulics.pump_w + facility.facility_w;
    let pj_per_bit = total_w / capacity_gbps * 1e3;
    let life_h = scenario.fleet.years.to_hours().0;
    let lasers = lasers(scenario, result, settled.engine_temp_c, ports, life_h);
    // Rings.
    let heater_w = result.port_power.heater_w * ports;
    let heater_mw_per_ring = result.rings.as_ref().map_or(0.0, |rings| rings.heater_mw_per_ring);
    let (swing_k, solder_life_years) = solder(scenario, package, point.inlet_c);
    // Money.
    let els_plates = if els_on_plate { els_modules(result) as usize } else { 0 };
    let bom = cooling_bom(
        &settings.bom,
        coolant.heat_to_coolant_w / 1000.0,
        own,
        els_plates,
        cluster_switches,
    );
    let energy_usd = total_w / 1000.0 * life_h * settings.usd_per_kwh;
    let life_usd_per_gbps =
        (result.cost.switch_usd + bom.per_switch_mid_usd + energy_usd) / capacity_gbps;
    Ok(PointResult {
        point: *point,
        error: None,
        asic_mean_c: package.asic_mean_c,
        engine_temp_c: settled.engine_temp_c,
        laser_temp_c: lasers.temp_c,
        laser_wall_plug_efficiency: lasers.wall_plug,
        lasers_per_switch: lasers.per_switch,
        laser_median_life_years: lasers.median_h / HOURS_PER_YEAR,
        laser_failures_per_switch: lasers.failures_per_switch,
        heater_w,
        heater_mw_per_ring,
        heater_headroom_mw: scenario.photonics.heater_max_mw.0 - heater_mw_per_ring,
        drift_offset_nm: 0.0,
        feedback_flaps_per_lane_hour: 0.0,
        feedback_flaps_se: 0.0,
        unlockable_fraction: 0.0,
        switch_w: coolant.switch_w,
        heat_to_coolant_w: coolant.heat_to_coolant_w,
        flow_l_per_min,
        coolant_rise_k: coolant.coolant_rise_k,
        energy_balance_residual_w: coolant.energy_balance_residual_w,
        reynolds: hydraulics.reynolds,
        plate_pressure_drop_kpa: hydraulics.plate_pa / 1e3,
        pressure_drop_kpa: hydraulics.pressure_pa / 1e3,
        pump_w: hydraulics.pump_w,
        facility_supply_c: facility.supply_c,
        chiller_share: facility.chiller_share,
        facility_w: facility.facility_w,
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

/// ELS modules per switch (at least one).
fn els_modules(result: &TechnologyResult) -> u32 {
    result.cost.els_modules_per_switch.unwrap_or(1).max(1)
}

/// The point's package settled at the ASIC leakage fixed point (engines on a plate of their
/// own by superposition); an ELS on the cold plate is iterated with the laser power to
/// [`ELS_TOLERANCE_K`].
fn settle_point(
    scenario: &Scenario,
    point: &DesignPoint,
    working: &Scenario,
    model: &PackageModel,
    ports: f64,
    els_on_plate: bool,
) -> Result<Converged, PipelineError> {
    let settings = &scenario.codesign;
    let (g, t) = swept(scenario)?;
    let mut working = working.clone();
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
    let mut settled =
        settle_with(&working, g, t, point.asic_power_factor, point.inlet_c, &evaluate)?;
    if els_on_plate {
        let mut temp_c = f64::NAN;
        for _ in 0..ELS_MAX_ITERATIONS {
            let per_module_w =
                settled.result.port_power.els_w * ports / f64::from(els_modules(&settled.result));
            let next = point.inlet_c + settings.els_plate_r.0 * per_module_w;
            if (next - temp_c).abs() < ELS_TOLERANCE_K {
                break;
            }
            temp_c = next;
            if let Some(laser) = working.technologies[t].laser.as_mut() {
                laser.ambient_temp = Celsius(temp_c);
            }
            settled =
                settle_with(&working, g, t, point.asic_power_factor, point.inlet_c, &evaluate)?;
        }
    }
    Ok(settled)
}

/// The switch's power and what the coolant carries.
struct CoolantBalance {
    /// Switch power with the ASIC at its settled power, W.
    switch_w: f64,
    /// Heat into the coolant, W.
    heat_to_coolant_w: f64,
    /// Coolant rise inlet to outlet, K.
    coolant_rise_k: f64,
    /// Power in - board heat - ṁ cp ΔT, W.
    energy_balance_residual_w: f64,
}

/// Energy: the switch with the ASIC at its settled power, the heat the coolant carries (an ELS
/// on the plate's included), its rise and the energy balance residual.
fn coolant_balance(
    scenario: &Scenario,
    settled: &Converged,
    n_engines: f64,
    ports: f64,
    els_on_plate: bool,
    flow_l_per_min: f64,
) -> CoolantBalance {
    let result = &settled.result;
    let package = &settled.package;
    let plate = &scenario.thermal.cold_plate;
    let switch_w = result.switch_power.total_w - result.switch_power.asic_w + settled.asic_w;
    let power_in_w = settled.asic_w + n_engines * settled.engine_w;
    let els_w = result.port_power.els_w * ports;
    let els_to_coolant_w = if els_on_plate { els_w } else { 0.0 };
    let heat_to_coolant_w = package.heat_out_w + els_to_coolant_w;
    let mass_flow_kg_per_s = plate.coolant_rho_kg_per_m3.0 * flow_l_per_min * 1e-3 / 60.0;
    let coolant_rise_k = heat_to_coolant_w / (mass_flow_kg_per_s * plate.coolant_cp_j_per_kgk.0);
    let energy_balance_residual_w = power_in_w + els_to_coolant_w
        - package.board_w
        - mass_flow_kg_per_s * plate.coolant_cp_j_per_kgk.0 * coolant_rise_k;
    CoolantBalance { switch_w, heat_to_coolant_w, coolant_rise_k, energy_balance_residual_w }
}

/// A point's pressure drops and pumping.
struct Hydraulics {
    /// Cold-plate pressure drop, Pa.
    plate_pa: f64,
    /// Channel Reynolds number.
    reynolds: f64,
    /// Branch pressure drop (plate and loop), Pa.
    pressure_pa: f64,
    /// Pumping power, W.
    pump_w: f64,
}

/// Hydraulics: the plate's friction drop, the loop's scaled with the square of the flow, and
/// the pump's power.
fn hydraulics(
    scenario: &Scenario,
    point: &DesignPoint,
    substrate_side_mm: f64,
    flow_l_per_min: f64,
) -> Hydraulics {
    let settings = &scenario.codesign;
    let side_m = substrate_side_mm * 1e-3;
    let (plate_pa, reynolds) = plate_pressure_drop(scenario, point.channel, side_m, flow_l_per_min);
    let loop_pa = settings.loop_pressure_drop.0
        * 1e3
        * (point.flow_l_per_min_per_kw / settings.loop_reference_l_per_min_per_kw).powi(2);
    let pressure_pa = plate_pa + loop_pa;
    let pump_w = pressure_pa * flow_l_per_min * 1e-3 / 60.0 / settings.pump_efficiency;
    Hydraulics { plate_pa, reynolds, pressure_pa, pump_w }
}

/// The facility's cooling of a point.
struct Facility {
    /// Facility water supply, °C.
    supply_c: f64,
    /// The chiller's share of the year.
    chiller_share: f64,
    /// Facility cooling electricity, W.
    facility_w: f64,
}

/// Facility: the supply an approach below the inlet, the chiller's share of the year between
/// full free cooling and chiller only, and the electricity to reject the coolant's heat and
/// the pump's.
fn facility(scenario: &Scenario, inlet_c: f64, heat_to_coolant_w: f64, pump_w: f64) -> Facility {
    let settings = &scenario.codesign;
    let supply_c = inlet_c - settings.cdu_approach.0;
    let (full_c, chiller_only_c) = (settings.free_cooling_full.0, settings.chiller_only.0);
    let chiller_share = ((full_c - supply_c) / (full_c - chiller_only_c)).clamp(0.0, 1.0);
    let facility_w = (heat_to_coolant_w + pump_w)
        * (chiller_share * settings.chiller_kw_per_kw
            + (1.0 - chiller_share) * settings.free_cooling_kw_per_kw);
    Facility { supply_c, chiller_share, facility_w }
}

/// A point's lasers.
struct Lasers {
    /// The lasers' temperature, °C.
    temp_c: f64,
    /// Wall-plug efficiency at that temperature.
    wall_plug: f64,
    /// Lasers per switch.
    per_switch: f64,
    /// Median wear-out life at temperature, h.
    median_h: f64,
    /// Expected failures per switch over the service life.
    failures_per_switch: f64,
}

/// Lasers: their temperature and efficiency from the comparison (the engine's temperature
/// without lasers), the Weibull wear-out and random failures scaled by the fleet's Arrhenius
/// factor over `life_h` hours.
fn lasers(
    scenario: &Scenario,
    result: &TechnologyResult,
    engine_temp_c: f64,
    ports: f64,
    life_h: f64,
) -> Lasers {
    let reliability = &scenario.fleet.reliability;
    let (laser_temp_c, wall_plug, lasers_per_port) =
        result.laser.as_ref().map_or((engine_temp_c, 0.0, 0.0), |laser| {
            (laser.power.laser_temp_c, laser.power.wall_plug_efficiency, laser.lasers_per_port)
        });
    let lasers_per_switch = lasers_per_port * ports;
    let factor = cporamp_fleet::arrhenius_factor(
        reliability.laser_activation_energy_ev,
        reliability.laser_ref_temp_c.0,
        laser_temp_c,
    );
    let scale_h = reliability.laser_weibull_scale_h.0 / factor;
    let shape = reliability.laser_weibull_shape;
    let median_h = scale_h * std::f64::consts::LN_2.powf(1.0 / shape);
    let random_per_h = reliability.laser_fit.0
        * 1e-9
        * cporamp_fleet::arrhenius_factor(
            reliability.laser_activation_energy_ev,
            reliability.laser_fit_ref_temp_c.0,
            laser_temp_c,
        );
    let laser_failures_per_switch = lasers_per_switch
        * ((1.0 - (-(life_h / scale_h).powf(shape)).exp()) + random_per_h * life_h);
    Lasers {
        temp_c: laser_temp_c,
        wall_plug,
        per_switch: lasers_per_switch,
        median_h,
        failures_per_switch: laser_failures_per_switch,
    }
}

/// Solder at the ASIC bumps: the square wave at steady state. Returns the swing per workload
/// cycle, K, and the Norris-Landzberg life, years (infinite without a swing).
fn solder(scenario: &Scenario, package: &PackageResult, inlet_c: f64) -> (f64, f64) {
    let cycling = &scenario.thermal.cycling;
    let swing_k = (1.0 - cycling.idle_power_fraction) * (package.asic_mean_c - inlet_c)
        + cycling.inlet_swing_k.0;
    let cycles_per_day = 86_400.0 / cycling.period_s.0;
    let solder_life_years = if swing_k > 0.0 {
        cycling.cycles_to_failure(
            swing_k,
            package.asic_max_c + cycling.inlet_swing_k.0,
            cycles_per_day,
        ) / cycles_per_day
            / 365.25
    } else {
        f64::INFINITY
    };
    (swing_k, solder_life_years)
}
