//! Checking `[thermal]`: the package geometry and materials, the cold plate and its inlet sweep, the
//! board path, ASIC leakage and the workload cycling.

use super::{AsicLeakage, Board, ColdPlate, Cycling, ThermalSettings};
use cporamp_core::check::{Checker, Limits, Section, check_generation_keys, join};

/// Checks `[thermal]`, with an ASIC side for each of `generation_ids` (the scenario's
/// `compare.generations`) and no other; every problem is recorded in `checker`.
pub fn check(checker: &mut Checker, settings: &ThermalSettings, generation_ids: &[String]) {
    check_asic_sides(checker, settings, generation_ids);
    check_cold_plate(checker, &settings.cold_plate);
    check_cycling(checker, &settings.cycling);
    check_leakage(checker, &settings.leakage);
    check_board(checker, &settings.board);
    let at = Section::new("thermal");
    let s = settings;
    at.count(checker, "grid_cells", s.grid_cells, 8, 128, "cells");
    for (name, value) in [
        ("engine_depth_mm", s.engine_depth_mm),
        ("engine_gap_mm", s.engine_gap_mm),
        ("substrate_margin_mm", s.substrate_margin_mm),
        ("die_thickness_mm", s.die_thickness_mm),
    ] {
        at.positive(checker, name, value.0, "mm");
    }
    at.positive(checker, "silicon_k_w_per_mk", s.silicon_k_w_per_mk.0, "W/(m K)");
    at.positive(checker, "silicon_rho_c_j_per_m3k", s.silicon_rho_c_j_per_m3k.0, "J/(m³ K)");
    at.positive(checker, "tim_thickness_mm", s.tim_thickness_mm.0, "mm");
    at.positive(checker, "tim_k_w_per_mk", s.tim_k_w_per_mk.0, "W/(m K)");
    at.positive(checker, "gap_k_w_per_mk", s.gap_k_w_per_mk.0, "W/(m K)");
    at.positive(checker, "lid_thickness_mm", s.lid_thickness_mm.0, "mm");
    at.positive(checker, "lid_k_w_per_mk", s.lid_k_w_per_mk.0, "W/(m K)");
    at.positive(checker, "lid_rho_c_j_per_m3k", s.lid_rho_c_j_per_m3k.0, "J/(m³ K)");
    at.positive(checker, "substrate_thickness_mm", s.substrate_thickness_mm.0, "mm");
    at.positive(checker, "substrate_k_w_per_mk", s.substrate_k_w_per_mk.0, "W/(m K)");
    at.positive(checker, "substrate_rho_c_j_per_m3k", s.substrate_rho_c_j_per_m3k.0, "J/(m³ K)");
}

/// The ASIC die side of every generation listed in `[compare]`, and no other.
fn check_asic_sides(checker: &mut Checker, settings: &ThermalSettings, generation_ids: &[String]) {
    let at = Section::new("thermal");
    let path = at.path("asic_side_mm");
    check_generation_keys(
        checker,
        &path,
        settings.asic_side_mm.keys().map(|id| &**id),
        generation_ids,
    );
    for id in generation_ids {
        match settings.asic_side_mm.get(id.as_str()) {
            Some(side) => {
                checker.number(&join(&path, id), side.0, Limits::between(1.0, 100.0), "mm");
            }
            None => at.invalid(
                checker,
                "asic_side_mm",
                "nothing",
                format!("a die side for generation \"{id}\""),
            ),
        }
    }
}

/// `[thermal.cold_plate]`: the heat sink, its coolant and the inlet sweep.
fn check_cold_plate(checker: &mut Checker, plate: &ColdPlate) {
    let at = Section::new("thermal.cold_plate");
    let inlet = Limits::between(0.0, 80.0);
    if plate.inlet_sweep_c.is_empty() {
        at.invalid(checker, "inlet_sweep_c", "[]", "at least one inlet temperature");
    }
    for (index, value) in plate.inlet_sweep_c.iter().enumerate() {
        checker.number(&format!("{}[{index}]", at.path("inlet_sweep_c")), value.0, inlet, "°C");
    }
    at.number(checker, "nominal_inlet_c", plate.nominal_inlet_c.0, inlet, "°C");
    at.positive(checker, "flow_l_per_min", plate.flow_l_per_min.0, "L/min");
    for (name, value) in [
        ("channel_width_mm", plate.channel_width_mm),
        ("channel_height_mm", plate.channel_height_mm),
        ("wall_thickness_mm", plate.wall_thickness_mm),
        ("base_thickness_mm", plate.base_thickness_mm),
    ] {
        at.positive(checker, name, value.0, "mm");
    }
    at.positive(checker, "plate_k_w_per_mk", plate.plate_k_w_per_mk.0, "W/(m K)");
    at.non_negative(checker, "interface_r_k_mm2_per_w", plate.interface_r_k_mm2_per_w.0, "K mm²/W");
    at.positive(checker, "coolant_k_w_per_mk", plate.coolant_k_w_per_mk.0, "W/(m K)");
    at.positive(checker, "coolant_rho_kg_per_m3", plate.coolant_rho_kg_per_m3.0, "kg/m³");
    at.positive(checker, "coolant_cp_j_per_kgk", plate.coolant_cp_j_per_kgk.0, "J/(kg K)");
    at.positive(checker, "coolant_viscosity_pa_s", plate.coolant_viscosity_pa_s.0, "Pa s");
}

/// `[thermal.cycling]`: the workload square wave and the solder fatigue model.
fn check_cycling(checker: &mut Checker, cycling: &Cycling) {
    let at = Section::new("thermal.cycling");
    let test_range = Limits::between(-100.0, 200.0);
    let test_min_c = at.number(checker, "test_min_c", cycling.test_min_c.0, test_range, "°C");
    let test_max_c = at.number(checker, "test_max_c", cycling.test_max_c.0, test_range, "°C");
    if test_max_c <= test_min_c {
        at.invalid(
            checker,
            "test_max_c",
            test_max_c,
            format!("a value above test_min_c = {test_min_c} °C"),
        );
    }
    check_busy_steps(checker, cycling);
    at.positive(checker, "period_s", cycling.period_s.0, "s");
    at.number(checker, "busy_fraction", cycling.busy_fraction, Limits::FRACTION_OPEN, "fraction");
    at.fraction(checker, "idle_power_fraction", cycling.idle_power_fraction);
    at.number(checker, "inlet_swing_k", cycling.inlet_swing_k.0, Limits::between(0.0, 30.0), "K");
    at.count(
        checker,
        "steps_per_period",
        cycling.steps_per_period,
        *STEPS_PER_PERIOD.start(),
        *STEPS_PER_PERIOD.end(),
        "steps",
    );
    at.count(checker, "n_periods", cycling.n_periods, 2, 1_000, "periods");
    at.positive(checker, "range_exponent", cycling.range_exponent, "1");
    at.number(
        checker,
        "frequency_exponent",
        cycling.frequency_exponent,
        Limits::between(0.0, 2.0),
        "1",
    );
    at.non_negative(checker, "ea_over_k_k", cycling.ea_over_k_k.0, "K");
    at.positive(checker, "test_cycles", cycling.test_cycles, "cycles");
    at.positive(checker, "test_cycles_per_day", cycling.test_cycles_per_day, "cycles/day");
}

/// Steps per cycling period: at least 4 to resolve a busy and an idle phase, at most 10,000
/// to bound the transient's cost.
const STEPS_PER_PERIOD: std::ops::RangeInclusive<i64> = 4..=10_000;

/// The busy share of the cycling period is a whole number of its steps, at least one step
/// busy and one idle.
fn check_busy_steps(checker: &mut Checker, cycling: &Cycling) {
    let at = Section::new("thermal.cycling");
    // Only for a busy fraction and a step count each in range: either out of range is its
    // own problem, and would make this one meaningless (a whole number of 0 steps).
    let steps_in_range = i64::try_from(cycling.steps_per_period)
        .is_ok_and(|steps| STEPS_PER_PERIOD.contains(&steps));
    if !Limits::FRACTION_OPEN.contains(cycling.busy_fraction) || !steps_in_range {
        return;
    }
    let busy_steps = cycling.busy_fraction * cycling.steps_per_period as f64;
    if (busy_steps - busy_steps.round()).abs() > 1e-9
        || busy_steps.round() < 1.0
        || busy_steps.round() > cycling.steps_per_period as f64 - 1.0
    {
        at.invalid(checker,
            "busy_fraction",
            cycling.busy_fraction,
            format!(
                "a fraction that is a whole number of the {} steps per period, at least one step busy and one idle",
                cycling.steps_per_period
            ),
        );
    }
}

/// `[thermal.leakage]`: the ASIC's temperature-dependent leakage.
fn check_leakage(checker: &mut Checker, leakage: &AsicLeakage) {
    let at = Section::new("thermal.leakage");
    at.number(checker, "asic_fraction", leakage.fraction, Limits::FRACTION_BELOW_ONE, "fraction");
    at.number(
        checker,
        "reference_temp_c",
        leakage.reference_temp_c.0,
        Limits::between(0.0, 150.0),
        "°C",
    );
    at.number(checker, "beta_per_k", leakage.beta_per_k, Limits::between(0.0, 0.2), "1/K");
}

/// `[thermal.board]`: the secondary heat path through the board.
fn check_board(checker: &mut Checker, board: &Board) {
    let at = Section::new("thermal.board");
    at.positive(checker, "solder_thickness_mm", board.solder_thickness_mm.0, "mm");
    at.positive(checker, "solder_k_w_per_mk", board.solder_k_w_per_mk.0, "W/(m K)");
    at.positive(checker, "pcb_thickness_mm", board.pcb_thickness_mm.0, "mm");
    at.positive(checker, "pcb_k_w_per_mk", board.pcb_k_w_per_mk.0, "W/(m K)");
    at.positive(checker, "air_r_k_per_w", board.air_r_k_per_w.0, "K/W");
    at.number(checker, "air_temp_c", board.air_temp_c.0, Limits::between(-40.0, 125.0), "°C");
}
