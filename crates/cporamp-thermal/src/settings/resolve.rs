//! Checking `[thermal]`: the package geometry and materials, the cold plate and its inlet sweep, the
//! board path, ASIC leakage and the workload cycling.

use super::{
    AsicLeakage, Board, BoardOptions, ColdPlate, ColdPlateOptions, Cycling, CyclingOptions,
    HeatSinkKind, LeakageOptions, ThermalOptions, ThermalSettings,
};
use cporamp_core::check::{Checker, Limits, Section, check_generation_keys, join};
use cporamp_core::units::{
    Celsius, JoulesPerCubicMetreKelvin, JoulesPerKilogramKelvin, Kelvin, KelvinPerWatt,
    KelvinSquareMillimetresPerWatt, KilogramsPerCubicMetre, LitresPerMinute, Millimetres,
    PascalSeconds, Seconds, WattsPerMetreKelvin,
};

/// Checks `[thermal]` and resolves it, with an ASIC side for each of `generation_ids` (the
/// scenario's `compare.generations`) and no other; every problem is recorded in `checker`
/// (the result is then only a placeholder to keep walking with).
pub fn resolve(
    checker: &mut Checker,
    options: &ThermalOptions,
    generation_ids: &[String],
) -> ThermalSettings {
    let path = "thermal";
    let at = Section::new(path);
    let asic_side_mm = resolve_asic_sides(checker, options, generation_ids);
    let cold_plate = resolve_cold_plate(checker, &options.cold_plate);
    let cycling = resolve_cycling(checker, &options.cycling);
    let leakage = resolve_leakage(checker, &options.leakage);
    let board = resolve_board(checker, &options.board);
    ThermalSettings {
        cycling,
        leakage,
        board,
        grid_cells: at.count(checker, "grid_cells", options.grid_cells, 8, 128, "cells") as usize,
        asic_side_mm: asic_side_mm.into_iter().map(Millimetres).collect(),
        engine_depth_mm: Millimetres(at.positive(
            checker,
            "engine_depth_mm",
            options.engine_depth_mm,
            "mm",
        )),
        engine_gap_mm: Millimetres(at.positive(
            checker,
            "engine_gap_mm",
            options.engine_gap_mm,
            "mm",
        )),
        substrate_margin_mm: Millimetres(at.positive(
            checker,
            "substrate_margin_mm",
            options.substrate_margin_mm,
            "mm",
        )),
        die_thickness_mm: Millimetres(at.positive(
            checker,
            "die_thickness_mm",
            options.die_thickness_mm,
            "mm",
        )),
        silicon_k_w_per_mk: WattsPerMetreKelvin(at.positive(
            checker,
            "silicon_k_w_per_mk",
            options.silicon_k_w_per_mk,
            "W/(m K)",
        )),
        silicon_rho_c_j_per_m3k: JoulesPerCubicMetreKelvin(at.positive(
            checker,
            "silicon_rho_c_j_per_m3k",
            options.silicon_rho_c_j_per_m3k,
            "J/(m³ K)",
        )),
        tim_thickness_mm: Millimetres(at.positive(
            checker,
            "tim_thickness_mm",
            options.tim_thickness_mm,
            "mm",
        )),
        tim_k_w_per_mk: WattsPerMetreKelvin(at.positive(
            checker,
            "tim_k_w_per_mk",
            options.tim_k_w_per_mk,
            "W/(m K)",
        )),
        gap_k_w_per_mk: WattsPerMetreKelvin(at.positive(
            checker,
            "gap_k_w_per_mk",
            options.gap_k_w_per_mk,
            "W/(m K)",
        )),
        lid_thickness_mm: Millimetres(at.positive(
            checker,
            "lid_thickness_mm",
            options.lid_thickness_mm,
            "mm",
        )),
        lid_k_w_per_mk: WattsPerMetreKelvin(at.positive(
            checker,
            "lid_k_w_per_mk",
            options.lid_k_w_per_mk,
            "W/(m K)",
        )),
        lid_rho_c_j_per_m3k: JoulesPerCubicMetreKelvin(at.positive(
            checker,
            "lid_rho_c_j_per_m3k",
            options.lid_rho_c_j_per_m3k,
            "J/(m³ K)",
        )),
        substrate_thickness_mm: Millimetres(at.positive(
            checker,
            "substrate_thickness_mm",
            options.substrate_thickness_mm,
            "mm",
        )),
        substrate_k_w_per_mk: WattsPerMetreKelvin(at.positive(
            checker,
            "substrate_k_w_per_mk",
            options.substrate_k_w_per_mk,
            "W/(m K)",
        )),
        substrate_rho_c_j_per_m3k: JoulesPerCubicMetreKelvin(at.positive(
            checker,
            "substrate_rho_c_j_per_m3k",
            options.substrate_rho_c_j_per_m3k,
            "J/(m³ K)",
        )),
        cold_plate,
    }
}

/// The ASIC die side of every generation listed in `[compare]`, and no other.
fn resolve_asic_sides(
    checker: &mut Checker,
    options: &ThermalOptions,
    generation_ids: &[String],
) -> Vec<f64> {
    let at = Section::new("thermal");
    check_generation_keys(
        checker,
        &at.path("asic_side_mm"),
        options.asic_side_mm.keys(),
        generation_ids,
    );
    generation_ids
        .iter()
        .map(|id| match options.asic_side_mm.get(id) {
            Some(&side) => checker.number(
                &join(&at.path("asic_side_mm"), id),
                side,
                Limits::between(1.0, 100.0),
                "mm",
            ),
            None => {
                at.invalid(
                    checker,
                    "asic_side_mm",
                    "nothing",
                    format!("a die side for generation \"{id}\""),
                );
                1.0
            }
        })
        .collect()
}

/// `[thermal.cold_plate]`: the heat sink, its coolant and the inlet sweep.
fn resolve_cold_plate(checker: &mut Checker, plate: &ColdPlateOptions) -> ColdPlate {
    let at = Section::new("thermal.cold_plate");
    let inlet = Limits::between(0.0, 80.0);
    if plate.inlet_sweep_c.is_empty() {
        at.invalid(checker, "inlet_sweep_c", "[]", "at least one inlet temperature");
    }
    let inlet_sweep_c = plate
        .inlet_sweep_c
        .iter()
        .enumerate()
        .map(|(index, &value)| {
            Celsius(checker.number(
                &format!("{}[{index}]", at.path("inlet_sweep_c")),
                value,
                inlet,
                "°C",
            ))
        })
        .collect();
    ColdPlate {
        kind: checker
            .choice(
                &at.path("kind"),
                &plate.kind,
                &[
                    ("liquid_channels", HeatSinkKind::LiquidChannels),
                    ("air_fins", HeatSinkKind::AirFins),
                    ("microchannel_4rm", HeatSinkKind::Microchannel4rm),
                ],
            )
            .unwrap_or(HeatSinkKind::LiquidChannels),
        nominal_inlet_c: Celsius(at.number(
            checker,
            "nominal_inlet_c",
            plate.nominal_inlet_c,
            inlet,
            "°C",
        )),
        inlet_sweep_c,
        flow_l_per_min: LitresPerMinute(at.positive(
            checker,
            "flow_l_per_min",
            plate.flow_l_per_min,
            "L/min",
        )),
        channel_width_mm: Millimetres(at.positive(
            checker,
            "channel_width_mm",
            plate.channel_width_mm,
            "mm",
        )),
        channel_height_mm: Millimetres(at.positive(
            checker,
            "channel_height_mm",
            plate.channel_height_mm,
            "mm",
        )),
        wall_thickness_mm: Millimetres(at.positive(
            checker,
            "wall_thickness_mm",
            plate.wall_thickness_mm,
            "mm",
        )),
        base_thickness_mm: Millimetres(at.positive(
            checker,
            "base_thickness_mm",
            plate.base_thickness_mm,
            "mm",
        )),
        plate_k_w_per_mk: WattsPerMetreKelvin(at.positive(
            checker,
            "plate_k_w_per_mk",
            plate.plate_k_w_per_mk,
            "W/(m K)",
        )),
        interface_r_k_mm2_per_w: KelvinSquareMillimetresPerWatt(at.non_negative(
            checker,
            "interface_r_k_mm2_per_w",
            plate.interface_r_k_mm2_per_w,
            "K mm²/W",
        )),
        coolant_k_w_per_mk: WattsPerMetreKelvin(at.positive(
            checker,
            "coolant_k_w_per_mk",
            plate.coolant_k_w_per_mk,
            "W/(m K)",
        )),
        coolant_rho_kg_per_m3: KilogramsPerCubicMetre(at.positive(
            checker,
            "coolant_rho_kg_per_m3",
            plate.coolant_rho_kg_per_m3,
            "kg/m³",
        )),
        coolant_cp_j_per_kgk: JoulesPerKilogramKelvin(at.positive(
            checker,
            "coolant_cp_j_per_kgk",
            plate.coolant_cp_j_per_kgk,
            "J/(kg K)",
        )),
        coolant_viscosity_pa_s: PascalSeconds(at.positive(
            checker,
            "coolant_viscosity_pa_s",
            plate.coolant_viscosity_pa_s,
            "Pa s",
        )),
    }
}

/// `[thermal.cycling]`: the workload square wave and the solder fatigue model.
fn resolve_cycling(checker: &mut Checker, cycling_options: &CyclingOptions) -> Cycling {
    let at = Section::new("thermal.cycling");
    let test_min_c = at.number(
        checker,
        "test_min_c",
        cycling_options.test_min_c,
        Limits::between(-100.0, 200.0),
        "°C",
    );
    let test_max_c = at.number(
        checker,
        "test_max_c",
        cycling_options.test_max_c,
        Limits::between(-100.0, 200.0),
        "°C",
    );
    if test_max_c <= test_min_c {
        at.invalid(
            checker,
            "test_max_c",
            test_max_c,
            format!("a value above test_min_c = {test_min_c} °C"),
        );
    }
    check_busy_steps(checker, cycling_options);
    Cycling {
        period_s: Seconds(at.positive(checker, "period_s", cycling_options.period_s, "s")),
        busy_fraction: at.number(
            checker,
            "busy_fraction",
            cycling_options.busy_fraction,
            Limits::FRACTION_OPEN,
            "fraction",
        ),
        idle_power_fraction: at.fraction(
            checker,
            "idle_power_fraction",
            cycling_options.idle_power_fraction,
        ),
        inlet_swing_k: Kelvin(at.number(
            checker,
            "inlet_swing_k",
            cycling_options.inlet_swing_k,
            Limits::between(0.0, 30.0),
            "K",
        )),
        steps_per_period: at.count(
            checker,
            "steps_per_period",
            cycling_options.steps_per_period,
            *STEPS_PER_PERIOD.start(),
            *STEPS_PER_PERIOD.end(),
            "steps",
        ) as usize,
        n_periods: at.count(checker, "n_periods", cycling_options.n_periods, 2, 1_000, "periods")
            as usize,
        range_exponent: at.positive(checker, "range_exponent", cycling_options.range_exponent, "1"),
        frequency_exponent: at.number(
            checker,
            "frequency_exponent",
            cycling_options.frequency_exponent,
            Limits::between(0.0, 2.0),
            "1",
        ),
        ea_over_k_k: Kelvin(at.non_negative(
            checker,
            "ea_over_k_k",
            cycling_options.ea_over_k_k,
            "K",
        )),
        test_cycles: at.positive(checker, "test_cycles", cycling_options.test_cycles, "cycles"),
        test_min_c: Celsius(test_min_c),
        test_max_c: Celsius(test_max_c),
        test_cycles_per_day: at.positive(
            checker,
            "test_cycles_per_day",
            cycling_options.test_cycles_per_day,
            "cycles/day",
        ),
    }
}

/// Steps per cycling period: at least 4 to resolve a busy and an idle phase, at most 10,000
/// to bound the transient's cost.
const STEPS_PER_PERIOD: std::ops::RangeInclusive<i64> = 4..=10_000;

/// The busy share of the cycling period is a whole number of its steps, at least one step
/// busy and one idle.
fn check_busy_steps(checker: &mut Checker, cycling_options: &CyclingOptions) {
    let at = Section::new("thermal.cycling");
    // Only for a busy fraction and a step count each in range: either out of range is its
    // own problem, and would make this one meaningless (a whole number of 0 steps).
    if !Limits::FRACTION_OPEN.contains(cycling_options.busy_fraction)
        || !STEPS_PER_PERIOD.contains(&cycling_options.steps_per_period)
    {
        return;
    }
    let busy_steps = cycling_options.busy_fraction * cycling_options.steps_per_period as f64;
    if (busy_steps - busy_steps.round()).abs() > 1e-9
        || busy_steps.round() < 1.0
        || busy_steps.round() > cycling_options.steps_per_period as f64 - 1.0
    {
        at.invalid(checker,
            "busy_fraction",
            cycling_options.busy_fraction,
            format!(
                "a fraction that is a whole number of the {} steps per period, at least one step busy and one idle",
                cycling_options.steps_per_period
            ),
        );
    }
}

/// `[thermal.leakage]`: the ASIC's temperature-dependent leakage.
fn resolve_leakage(checker: &mut Checker, leakage: &LeakageOptions) -> AsicLeakage {
    let at = Section::new("thermal.leakage");
    AsicLeakage {
        fraction: at.number(
            checker,
            "asic_fraction",
            leakage.asic_fraction,
            Limits::FRACTION_BELOW_ONE,
            "fraction",
        ),
        reference_temp_c: Celsius(at.number(
            checker,
            "reference_temp_c",
            leakage.reference_temp_c,
            Limits::between(0.0, 150.0),
            "°C",
        )),
        beta_per_k: at.number(
            checker,
            "beta_per_k",
            leakage.beta_per_k,
            Limits::between(0.0, 0.2),
            "1/K",
        ),
    }
}

/// `[thermal.board]`: the secondary heat path through the board.
fn resolve_board(checker: &mut Checker, board: &BoardOptions) -> Board {
    let at = Section::new("thermal.board");
    Board {
        solder_thickness_mm: Millimetres(at.positive(
            checker,
            "solder_thickness_mm",
            board.solder_thickness_mm,
            "mm",
        )),
        solder_k_w_per_mk: WattsPerMetreKelvin(at.positive(
            checker,
            "solder_k_w_per_mk",
            board.solder_k_w_per_mk,
            "W/(m K)",
        )),
        pcb_thickness_mm: Millimetres(at.positive(
            checker,
            "pcb_thickness_mm",
            board.pcb_thickness_mm,
            "mm",
        )),
        pcb_k_w_per_mk: WattsPerMetreKelvin(at.positive(
            checker,
            "pcb_k_w_per_mk",
            board.pcb_k_w_per_mk,
            "W/(m K)",
        )),
        air_r_k_per_w: KelvinPerWatt(at.positive(
            checker,
            "air_r_k_per_w",
            board.air_r_k_per_w,
            "K/W",
        )),
        air_temp_c: Celsius(at.number(
            checker,
            "air_temp_c",
            board.air_temp_c,
            Limits::between(-40.0, 125.0),
            "°C",
        )),
    }
}
