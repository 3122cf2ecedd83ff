//! `[codesign]`: the co-design sweep's grid (every list non-empty, each value in a physical
//! range, at most [`MAX_CODESIGN_POINTS`] points), its constraints, the facility's cooling
//! energy and `[codesign.bom]`'s prices (low <= high).

use super::ids::{generation_index, technology_index};
use crate::{CodesignSettings, CoolingBom, PriceRange, Technology};
use cporamp_core::check::{Checker, Limits, Section};

/// The largest sweep a scenario may ask for: each point builds and factors a package grid.
pub const MAX_CODESIGN_POINTS: usize = 4096;

/// The list at `path`: at least one value, each within `limits`.
fn check_numbers<T: Copy + Into<f64>>(
    checker: &mut Checker,
    path: &str,
    values: &[T],
    limits: Limits,
    unit: &str,
) {
    if values.is_empty() {
        checker.invalid(path, "[]", "at least one value");
    }
    for (index, &value) in values.iter().enumerate() {
        checker.number(&format!("{path}[{index}]"), value.into(), limits, unit);
    }
}

/// A price range at `path` in `unit` (the field's: USD, USD/rack, USD/kW, USD/L): both ends
/// at least 0, low <= high.
fn check_price(checker: &mut Checker, path: &str, range: &PriceRange, unit: &str) {
    let (low, high) = (range.low, range.high);
    checker.number(&format!("{path}.low"), low, Limits::NON_NEGATIVE, unit);
    checker.number(&format!("{path}.high"), high, Limits::NON_NEGATIVE, unit);
    if high < low {
        checker.invalid(&format!("{path}.high"), high, format!("at least low ({low} {unit})"));
    }
}

/// Checks `[codesign]`: its generation among `generation_ids`, its technology a co-packaged one
/// of `technologies`, every list non-empty and every value in range.
pub(super) fn check_codesign(
    checker: &mut Checker,
    settings: &CodesignSettings,
    generation_ids: &[String],
    technologies: &[Technology],
) {
    let at = Section::new("codesign");
    let s = settings;
    generation_index(checker, &at.path("generation"), &s.generation, generation_ids);
    technology_index(
        checker,
        &at.path("technology"),
        &s.technology,
        technologies,
        |t| t.package.is_some(),
        "a co-packaged technology (one with a package)",
    );
    check_channels(checker, s);
    at.count(checker, "grid_cells", s.grid_cells, 8, 256, "cells");
    let flows = &s.flow_l_per_min_per_kw;
    check_numbers(
        checker,
        &at.path("flow_l_per_min_per_kw"),
        flows,
        Limits::between(0.1, 10.0),
        "L/min/kW",
    );
    check_numbers(checker, &at.path("inlet_c"), &s.inlet, Limits::between(5.0, 70.0), "°C");
    check_numbers(
        checker,
        &at.path("engine_gap_mm"),
        &s.engine_gap,
        Limits::between(0.0, 50.0),
        "mm",
    );
    for (name, empty) in
        [("engine_plate", s.engine_plate.is_empty()), ("els_placement", s.els_placement.is_empty())]
    {
        if empty {
            at.invalid(checker, name, "[]", "at least one value");
        }
    }
    check_numbers(
        checker,
        &at.path("asic_power_factor"),
        &s.asic_power_factor,
        Limits::between(0.1, 3.0),
        "x generation",
    );
    check_facility(checker, s);
    at.number(checker, "max_engine_temp_c", s.max_engine_temp.0, Limits::between(0.0, 150.0), "°C");
    at.positive(checker, "max_flow_l_per_min", s.max_flow.0, "L/min");
    at.positive(checker, "max_pressure_drop_kpa", s.max_pressure_drop.0, "kPa");
    check_bom(checker, &s.bom);
    check_sweep(checker, s);
}

/// The channel geometries: the widths and heights, each in range, paired up.
fn check_channels(checker: &mut Checker, s: &CodesignSettings) {
    let at = Section::new("codesign");
    let (widths, heights) = (&s.channel_width, &s.channel_height);
    check_numbers(checker, &at.path("channel_width_mm"), widths, Limits::between(0.02, 5.0), "mm");
    check_numbers(
        checker,
        &at.path("channel_height_mm"),
        heights,
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
}

/// The chiller takes over above free cooling's range, and the sweep stays within
/// [`MAX_CODESIGN_POINTS`].
fn check_sweep(checker: &mut Checker, settings: &CodesignSettings) {
    let at = Section::new("codesign");
    if settings.chiller_only >= settings.free_cooling_full {
        at.invalid(
            checker,
            "chiller_only_c",
            settings.chiller_only.0,
            format!(
                "below free_cooling_full_c ({} °C): the chiller's share falls between the two",
                settings.free_cooling_full.0
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
fn check_bom(checker: &mut Checker, bom: &CoolingBom) {
    let at = Section::new("codesign.bom");
    at.count(checker, "switches_per_rack", bom.switches_per_rack, 1, 64, "switches");
    for (name, price, unit) in [
        ("asic_cold_plate_usd", &bom.asic_cold_plate, "USD"),
        ("engine_cold_plate_usd", &bom.engine_cold_plate, "USD"),
        ("els_cold_plate_usd", &bom.els_cold_plate, "USD"),
        ("quick_disconnect_pair_usd", &bom.quick_disconnect_pair, "USD"),
        ("hose_usd", &bom.hose, "USD"),
        ("manifold_usd_per_rack", &bom.manifold_per_rack, "USD/rack"),
        ("cdu_usd_per_kw", &bom.cdu_per_kw, "USD/kW"),
    ] {
        check_price(checker, &at.path(name), price, unit);
    }
    at.positive(checker, "cdu_capacity_kw", bom.cdu_capacity.0, "kW");
    check_price(checker, &at.path("leak_sensor_usd"), &bom.leak_sensor, "USD");
    check_price(checker, &at.path("flow_sensor_usd"), &bom.flow_sensor, "USD");
    at.positive(checker, "coolant_l_per_switch", bom.coolant_l_per_switch, "L");
    check_price(checker, &at.path("coolant_usd_per_l"), &bom.coolant_per_l, "USD/L");
    let facility = &bom.facility_water_per_kw;
    check_price(checker, &at.path("facility_water_usd_per_kw"), facility, "USD/kW");
}

/// The facility's cooling: CDU approach, ELS plate, loop, pump, chiller and free cooling, and
/// the price of energy.
fn check_facility(checker: &mut Checker, s: &CodesignSettings) {
    let at = Section::new("codesign");
    at.number(checker, "cdu_approach_k", s.cdu_approach.0, Limits::between(0.0, 20.0), "K");
    at.positive(checker, "els_plate_r_k_per_w", s.els_plate_r.0, "K/W");
    at.non_negative(checker, "loop_pressure_drop_kpa", s.loop_pressure_drop.0, "kPa");
    at.positive(
        checker,
        "loop_reference_l_per_min_per_kw",
        s.loop_reference_l_per_min_per_kw,
        "L/min/kW",
    );
    at.number(
        checker,
        "pump_efficiency",
        s.pump_efficiency,
        Limits::FRACTION_OPEN_ZERO,
        "fraction",
    );
    let per_kw = Limits::between(0.0, 2.0);
    at.number(checker, "chiller_kw_per_kw", s.chiller_kw_per_kw, per_kw, "kW/kW");
    at.number(checker, "free_cooling_kw_per_kw", s.free_cooling_kw_per_kw, per_kw, "kW/kW");
    let supply = Limits::between(0.0, 70.0);
    at.number(checker, "free_cooling_full_c", s.free_cooling_full.0, supply, "°C");
    at.number(checker, "chiller_only_c", s.chiller_only.0, supply, "°C");
    at.number(checker, "usd_per_kwh", s.usd_per_kwh, Limits::between(0.0, 2.0), "USD/kWh");
}
