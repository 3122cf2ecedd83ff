//! `[codesign]`: the co-design sweep's grid (every list non-empty, each value in a physical
//! range, at most [`MAX_CODESIGN_POINTS`] points), its constraints, the facility's cooling
//! energy and `[codesign.bom]`'s prices (low <= high).

use super::ids::{generation_index, technology_index};
use crate::raw;
use crate::{
    ChannelGeometry, CodesignSettings, CoolingBom, ElsPlacement, EnginePlate, PriceRange,
    Technology,
};
use cporamp_core::check::{Checker, Limits, Section};

/// The largest sweep a scenario may ask for: each point builds and factors a package grid.
pub const MAX_CODESIGN_POINTS: usize = 4096;

fn numbers(
    checker: &mut Checker,
    path: &str,
    values: &[f64],
    limits: Limits,
    unit: &str,
) -> Vec<f64> {
    if values.is_empty() {
        checker.invalid(path, "[]", "at least one value");
    }
    values
        .iter()
        .enumerate()
        .map(|(index, &value)| checker.number(&format!("{path}[{index}]"), value, limits, unit))
        .collect()
}

fn choices<T: Copy>(
    checker: &mut Checker,
    path: &str,
    values: &[String],
    options: &[(&str, T)],
) -> Vec<T> {
    if values.is_empty() {
        checker.invalid(path, "[]", "at least one value");
    }
    values
        .iter()
        .enumerate()
        .filter_map(|(index, value)| checker.choice(&format!("{path}[{index}]"), value, options))
        .collect()
}

fn price(checker: &mut Checker, path: &str, range: &raw::PriceRangeOptions) -> PriceRange {
    let low_usd = checker.number(&format!("{path}.low"), range.low, Limits::NON_NEGATIVE, "USD");
    let high_usd = checker.number(&format!("{path}.high"), range.high, Limits::NON_NEGATIVE, "USD");
    if high_usd < low_usd {
        checker.invalid(&format!("{path}.high"), high_usd, format!("at least low ({low_usd} USD)"));
    }
    PriceRange { low_usd, high_usd }
}

pub(super) fn resolve_codesign(
    checker: &mut Checker,
    options: &raw::CodesignOptions,
    file: &raw::ScenarioFile,
    technologies: &[Technology],
) -> CodesignSettings {
    let at = Section::new("codesign");
    let generation = generation_index(
        checker,
        &at.path("generation"),
        &options.generation,
        &file.compare.generations,
    );
    let technology = technology_index(
        checker,
        &at.path("technology"),
        &options.technology,
        technologies,
        |t| t.package.is_some(),
        "a co-packaged technology (one with a package)",
    )
    .unwrap_or(0);
    let channels = resolve_channels(checker, options);
    let grid_cells = at.count(checker, "grid_cells", options.grid_cells, 8, 256, "cells") as usize;
    let flow_l_per_min_per_kw = numbers(
        checker,
        &at.path("flow_l_per_min_per_kw"),
        &options.flow_l_per_min_per_kw,
        Limits::between(0.1, 10.0),
        "L/min/kW",
    );
    let SweepLists { inlet_c, engine_gap_mm, engine_plate, els_placement, asic_power_factor } =
        resolve_sweep_lists(checker, options);
    let Facility {
        cdu_approach_k,
        els_plate_r_k_per_w,
        loop_pressure_drop_kpa,
        loop_reference_l_per_min_per_kw,
        pump_efficiency,
        chiller_kw_per_kw,
        free_cooling_kw_per_kw,
        free_cooling_full_c,
        chiller_only_c,
        usd_per_kwh,
    } = resolve_facility(checker, options);
    let max_engine_temp_c = at.number(
        checker,
        "max_engine_temp_c",
        options.max_engine_temp_c,
        Limits::between(0.0, 150.0),
        "°C",
    );
    let max_flow_l_per_min =
        at.positive(checker, "max_flow_l_per_min", options.max_flow_l_per_min, "L/min");
    let max_pressure_drop_kpa =
        at.positive(checker, "max_pressure_drop_kpa", options.max_pressure_drop_kpa, "kPa");
    let bom = resolve_bom(checker, &options.bom);
    let settings = CodesignSettings {
        generation,
        technology,
        grid_cells,
        flow_l_per_min_per_kw,
        channels,
        inlet_c,
        engine_gap_mm,
        engine_plate,
        els_placement,
        asic_power_factor,
        cdu_approach_k,
        els_plate_r_k_per_w,
        loop_pressure_drop_kpa,
        loop_reference_l_per_min_per_kw,
        pump_efficiency,
        chiller_kw_per_kw,
        free_cooling_kw_per_kw,
        free_cooling_full_c,
        chiller_only_c,
        usd_per_kwh,
        max_engine_temp_c,
        max_flow_l_per_min,
        max_pressure_drop_kpa,
        bom,
    };
    check_sweep(checker, &settings);
    settings
}

/// The channel geometries: the widths and heights, paired up.
fn resolve_channels(checker: &mut Checker, options: &raw::CodesignOptions) -> Vec<ChannelGeometry> {
    let at = Section::new("codesign");
    let widths = numbers(
        checker,
        &at.path("channel_width_mm"),
        &options.channel_width_mm,
        Limits::between(0.02, 5.0),
        "mm",
    );
    let heights = numbers(
        checker,
        &at.path("channel_height_mm"),
        &options.channel_height_mm,
        Limits::between(0.02, 10.0),
        "mm",
    );
    if widths.len() != heights.len() {
        at.invalid(
            checker,
            "channel_height_mm",
            format!("{} values", heights.len()),
            format!("one height per channel_width_mm ({} values): the lists pair up", widths.len()),
        );
    }
    widths
        .iter()
        .zip(&heights)
        .map(|(&width_mm, &height_mm)| ChannelGeometry { width_mm, height_mm })
        .collect()
}

/// The chiller takes over above free cooling's range, and the sweep stays within
/// [`MAX_CODESIGN_POINTS`].
fn check_sweep(checker: &mut Checker, settings: &CodesignSettings) {
    let at = Section::new("codesign");
    if settings.chiller_only_c >= settings.free_cooling_full_c {
        at.invalid(
            checker,
            "chiller_only_c",
            settings.chiller_only_c,
            format!(
                "below free_cooling_full_c ({} °C): the chiller's share falls between the two",
                settings.free_cooling_full_c
            ),
        );
    }
    let points = settings.points();
    if points > MAX_CODESIGN_POINTS {
        at.invalid(
            checker,
            "flow_l_per_min_per_kw",
            format!("a grid of {points} design points"),
            format!("at most {MAX_CODESIGN_POINTS} points (the product of the list lengths)"),
        );
    }
}

/// `[codesign.bom]`: the liquid-cooling bill of materials' prices (low <= high) and sizes.
fn resolve_bom(checker: &mut Checker, bom: &raw::CoolingBomOptions) -> CoolingBom {
    let at = Section::new("codesign.bom");
    CoolingBom {
        switches_per_rack: at.count(
            checker,
            "switches_per_rack",
            bom.switches_per_rack,
            1,
            64,
            "switches",
        ) as usize,
        asic_cold_plate: price(checker, &at.path("asic_cold_plate_usd"), &bom.asic_cold_plate_usd),
        engine_cold_plate: price(
            checker,
            &at.path("engine_cold_plate_usd"),
            &bom.engine_cold_plate_usd,
        ),
        els_cold_plate: price(checker, &at.path("els_cold_plate_usd"), &bom.els_cold_plate_usd),
        quick_disconnect_pair: price(
            checker,
            &at.path("quick_disconnect_pair_usd"),
            &bom.quick_disconnect_pair_usd,
        ),
        hose: price(checker, &at.path("hose_usd"), &bom.hose_usd),
        manifold_per_rack: price(
            checker,
            &at.path("manifold_usd_per_rack"),
            &bom.manifold_usd_per_rack,
        ),
        cdu_per_kw: price(checker, &at.path("cdu_usd_per_kw"), &bom.cdu_usd_per_kw),
        cdu_capacity_kw: at.positive(checker, "cdu_capacity_kw", bom.cdu_capacity_kw, "kW"),
        leak_sensor: price(checker, &at.path("leak_sensor_usd"), &bom.leak_sensor_usd),
        flow_sensor: price(checker, &at.path("flow_sensor_usd"), &bom.flow_sensor_usd),
        coolant: bom.coolant.clone(),
        coolant_l_per_switch: at.positive(
            checker,
            "coolant_l_per_switch",
            bom.coolant_l_per_switch,
            "L",
        ),
        coolant_per_l: price(checker, &at.path("coolant_usd_per_l"), &bom.coolant_usd_per_l),
        facility_water_per_kw: price(
            checker,
            &at.path("facility_water_usd_per_kw"),
            &bom.facility_water_usd_per_kw,
        ),
    }
}

/// The sweep's inlet temperatures, engine gaps, engine plates, ELS placements and ASIC power
/// factors.
fn resolve_sweep_lists(checker: &mut Checker, options: &raw::CodesignOptions) -> SweepLists {
    let at = Section::new("codesign");
    SweepLists {
        inlet_c: numbers(
            checker,
            &at.path("inlet_c"),
            &options.inlet_c,
            Limits::between(5.0, 70.0),
            "°C",
        ),
        engine_gap_mm: numbers(
            checker,
            &at.path("engine_gap_mm"),
            &options.engine_gap_mm,
            Limits::between(0.0, 50.0),
            "mm",
        ),
        engine_plate: choices(
            checker,
            &at.path("engine_plate"),
            &options.engine_plate,
            &[("shared", EnginePlate::Shared), ("own", EnginePlate::Own)],
        ),
        els_placement: choices(
            checker,
            &at.path("els_placement"),
            &options.els_placement,
            &[("front_panel", ElsPlacement::FrontPanel), ("cold_plate", ElsPlacement::ColdPlate)],
        ),
        asic_power_factor: numbers(
            checker,
            &at.path("asic_power_factor"),
            &options.asic_power_factor,
            Limits::between(0.1, 3.0),
            "x generation",
        ),
    }
}

/// The lists of `[codesign]` after the flows and channels.
struct SweepLists {
    inlet_c: Vec<f64>,
    engine_gap_mm: Vec<f64>,
    engine_plate: Vec<EnginePlate>,
    els_placement: Vec<ElsPlacement>,
    asic_power_factor: Vec<f64>,
}

/// The facility's cooling: CDU approach, ELS plate, loop, pump, chiller and free cooling, and
/// the price of energy.
fn resolve_facility(checker: &mut Checker, options: &raw::CodesignOptions) -> Facility {
    let at = Section::new("codesign");
    Facility {
        cdu_approach_k: at.number(
            checker,
            "cdu_approach_k",
            options.cdu_approach_k,
            Limits::between(0.0, 20.0),
            "K",
        ),
        els_plate_r_k_per_w: at.positive(
            checker,
            "els_plate_r_k_per_w",
            options.els_plate_r_k_per_w,
            "K/W",
        ),
        loop_pressure_drop_kpa: at.non_negative(
            checker,
            "loop_pressure_drop_kpa",
            options.loop_pressure_drop_kpa,
            "kPa",
        ),
        loop_reference_l_per_min_per_kw: at.positive(
            checker,
            "loop_reference_l_per_min_per_kw",
            options.loop_reference_l_per_min_per_kw,
            "L/min/kW",
        ),
        pump_efficiency: at.number(
            checker,
            "pump_efficiency",
            options.pump_efficiency,
            Limits::FRACTION_OPEN_ZERO,
            "fraction",
        ),
        chiller_kw_per_kw: at.number(
            checker,
            "chiller_kw_per_kw",
            options.chiller_kw_per_kw,
            Limits::between(0.0, 2.0),
            "kW/kW",
        ),
        free_cooling_kw_per_kw: at.number(
            checker,
            "free_cooling_kw_per_kw",
            options.free_cooling_kw_per_kw,
            Limits::between(0.0, 2.0),
            "kW/kW",
        ),
        free_cooling_full_c: at.number(
            checker,
            "free_cooling_full_c",
            options.free_cooling_full_c,
            Limits::between(0.0, 70.0),
            "°C",
        ),
        chiller_only_c: at.number(
            checker,
            "chiller_only_c",
            options.chiller_only_c,
            Limits::between(0.0, 70.0),
            "°C",
        ),
        usd_per_kwh: at.number(
            checker,
            "usd_per_kwh",
            options.usd_per_kwh,
            Limits::between(0.0, 2.0),
            "USD/kWh",
        ),
    }
}

/// The facility settings of `[codesign]`.
struct Facility {
    cdu_approach_k: f64,
    els_plate_r_k_per_w: f64,
    loop_pressure_drop_kpa: f64,
    loop_reference_l_per_min_per_kw: f64,
    pump_efficiency: f64,
    chiller_kw_per_kw: f64,
    free_cooling_kw_per_kw: f64,
    free_cooling_full_c: f64,
    chiller_only_c: f64,
    usd_per_kwh: f64,
}
