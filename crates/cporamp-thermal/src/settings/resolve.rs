//! Checking `[thermal]`: the package geometry and materials, the cold plate and its inlet sweep, the
//! board path, ASIC leakage and the workload cycling.

use super::{
    AsicLeakage, Board, BoardOptions, ColdPlate, ColdPlateOptions, Cycling, CyclingOptions,
    HeatSinkKind, LeakageOptions, ThermalOptions, ThermalSettings,
};
use cporamp_core::check::{Bound, Checker, Limits, check_generation_keys, join};

/// Checks `[thermal]` and resolves it, with an ASIC side for each of `generation_ids` (the
/// scenario's `compare.generations`) and no other; every problem is recorded in `checker`
/// (the result is then only a placeholder to keep walking with).
pub fn resolve(
    checker: &mut Checker,
    options: &ThermalOptions,
    generation_ids: &[String],
) -> ThermalSettings {
    let path = "thermal";
    let field = |name: &str| format!("{path}.{name}");
    let positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&field(name), value, Limits::POSITIVE, unit)
    };
    let asic_side_mm = resolve_asic_sides(checker, options, generation_ids);
    let cold_plate = resolve_cold_plate(checker, &options.cold_plate);
    let cycling = resolve_cycling(checker, &options.cycling);
    let leakage = resolve_leakage(checker, &options.leakage);
    let board = resolve_board(checker, &options.board);
    ThermalSettings {
        cycling,
        leakage,
        board,
        grid_cells: checker.count(&field("grid_cells"), options.grid_cells, 8, 128, "cells")
            as usize,
        asic_side_mm,
        engine_depth_mm: positive(checker, "engine_depth_mm", options.engine_depth_mm, "mm"),
        engine_gap_mm: positive(checker, "engine_gap_mm", options.engine_gap_mm, "mm"),
        substrate_margin_mm: positive(
            checker,
            "substrate_margin_mm",
            options.substrate_margin_mm,
            "mm",
        ),
        die_thickness_mm: positive(checker, "die_thickness_mm", options.die_thickness_mm, "mm"),
        silicon_k_w_per_mk: positive(
            checker,
            "silicon_k_w_per_mk",
            options.silicon_k_w_per_mk,
            "W/(m K)",
        ),
        silicon_rho_c_j_per_m3k: positive(
            checker,
            "silicon_rho_c_j_per_m3k",
            options.silicon_rho_c_j_per_m3k,
            "J/(m³ K)",
        ),
        tim_thickness_mm: positive(checker, "tim_thickness_mm", options.tim_thickness_mm, "mm"),
        tim_k_w_per_mk: positive(checker, "tim_k_w_per_mk", options.tim_k_w_per_mk, "W/(m K)"),
        gap_k_w_per_mk: positive(checker, "gap_k_w_per_mk", options.gap_k_w_per_mk, "W/(m K)"),
        lid_thickness_mm: positive(checker, "lid_thickness_mm", options.lid_thickness_mm, "mm"),
        lid_k_w_per_mk: positive(checker, "lid_k_w_per_mk", options.lid_k_w_per_mk, "W/(m K)"),
        lid_rho_c_j_per_m3k: positive(
            checker,
            "lid_rho_c_j_per_m3k",
            options.lid_rho_c_j_per_m3k,
            "J/(m³ K)",
        ),
        substrate_thickness_mm: positive(
            checker,
            "substrate_thickness_mm",
            options.substrate_thickness_mm,
            "mm",
        ),
        substrate_k_w_per_mk: positive(
            checker,
            "substrate_k_w_per_mk",
            options.substrate_k_w_per_mk,
            "W/(m K)",
        ),
        substrate_rho_c_j_per_m3k: positive(
            checker,
            "substrate_rho_c_j_per_m3k",
            options.substrate_rho_c_j_per_m3k,
            "J/(m³ K)",
        ),
        cold_plate,
    }
}

/// The ASIC die side of every generation listed in `[compare]`, and no other.
fn resolve_asic_sides(
    checker: &mut Checker,
    options: &ThermalOptions,
    generation_ids: &[String],
) -> Vec<f64> {
    let field = |name: &str| format!("thermal.{name}");
    check_generation_keys(
        checker,
        &field("asic_side_mm"),
        options.asic_side_mm.keys(),
        generation_ids,
    );
    generation_ids
        .iter()
        .map(|id| match options.asic_side_mm.get(id) {
            Some(&side) => checker.number(
                &join(&field("asic_side_mm"), id),
                side,
                Limits::between(1.0, 100.0),
                "mm",
            ),
            None => {
                checker.invalid(
                    &field("asic_side_mm"),
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
    let plate_field = |name: &str| format!("thermal.cold_plate.{name}");
    let inlet = Limits::between(0.0, 80.0);
    if plate.inlet_sweep_c.is_empty() {
        checker.invalid(&plate_field("inlet_sweep_c"), "[]", "at least one inlet temperature");
    }
    let inlet_sweep_c = plate
        .inlet_sweep_c
        .iter()
        .enumerate()
        .map(|(index, &value)| {
            checker.number(
                &format!("{}[{index}]", plate_field("inlet_sweep_c")),
                value,
                inlet,
                "°C",
            )
        })
        .collect();
    let plate_positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&plate_field(name), value, Limits::POSITIVE, unit)
    };
    ColdPlate {
        kind: checker
            .choice(
                &plate_field("kind"),
                &plate.kind,
                &[
                    ("liquid_channels", HeatSinkKind::LiquidChannels),
                    ("air_fins", HeatSinkKind::AirFins),
                    ("microchannel_4rm", HeatSinkKind::Microchannel4rm),
                ],
            )
            .unwrap_or(HeatSinkKind::LiquidChannels),
        nominal_inlet_c: checker.number(
            &plate_field("nominal_inlet_c"),
            plate.nominal_inlet_c,
            inlet,
            "°C",
        ),
        inlet_sweep_c,
        flow_l_per_min: plate_positive(checker, "flow_l_per_min", plate.flow_l_per_min, "L/min"),
        channel_width_mm: plate_positive(checker, "channel_width_mm", plate.channel_width_mm, "mm"),
        channel_height_mm: plate_positive(
            checker,
            "channel_height_mm",
            plate.channel_height_mm,
            "mm",
        ),
        wall_thickness_mm: plate_positive(
            checker,
            "wall_thickness_mm",
            plate.wall_thickness_mm,
            "mm",
        ),
        base_thickness_mm: plate_positive(
            checker,
            "base_thickness_mm",
            plate.base_thickness_mm,
            "mm",
        ),
        plate_k_w_per_mk: plate_positive(
            checker,
            "plate_k_w_per_mk",
            plate.plate_k_w_per_mk,
            "W/(m K)",
        ),
        interface_r_k_mm2_per_w: checker.number(
            &plate_field("interface_r_k_mm2_per_w"),
            plate.interface_r_k_mm2_per_w,
            Limits::NON_NEGATIVE,
            "K mm²/W",
        ),
        coolant_k_w_per_mk: plate_positive(
            checker,
            "coolant_k_w_per_mk",
            plate.coolant_k_w_per_mk,
            "W/(m K)",
        ),
        coolant_rho_kg_per_m3: plate_positive(
            checker,
            "coolant_rho_kg_per_m3",
            plate.coolant_rho_kg_per_m3,
            "kg/m³",
        ),
        coolant_cp_j_per_kgk: plate_positive(
            checker,
            "coolant_cp_j_per_kgk",
            plate.coolant_cp_j_per_kgk,
            "J/(kg K)",
        ),
        coolant_viscosity_pa_s: plate_positive(
            checker,
            "coolant_viscosity_pa_s",
            plate.coolant_viscosity_pa_s,
            "Pa s",
        ),
    }
}

/// `[thermal.cycling]`: the workload square wave and the solder fatigue model.
fn resolve_cycling(checker: &mut Checker, cycling_options: &CyclingOptions) -> Cycling {
    let cycling_field = |name: &str| format!("thermal.cycling.{name}");
    let cycling_positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&cycling_field(name), value, Limits::POSITIVE, unit)
    };
    let test_min_c = checker.number(
        &cycling_field("test_min_c"),
        cycling_options.test_min_c,
        Limits::between(-100.0, 200.0),
        "°C",
    );
    let test_max_c = checker.number(
        &cycling_field("test_max_c"),
        cycling_options.test_max_c,
        Limits::between(-100.0, 200.0),
        "°C",
    );
    if test_max_c <= test_min_c {
        checker.invalid(
            &cycling_field("test_max_c"),
            test_max_c,
            format!("a value above test_min_c = {test_min_c} °C"),
        );
    }
    check_busy_steps(checker, cycling_options);
    Cycling {
        period_s: cycling_positive(checker, "period_s", cycling_options.period_s, "s"),
        busy_fraction: checker.number(
            &cycling_field("busy_fraction"),
            cycling_options.busy_fraction,
            Limits { min: Bound::Exclusive(0.0), max: Bound::Exclusive(1.0) },
            "fraction",
        ),
        idle_power_fraction: checker.number(
            &cycling_field("idle_power_fraction"),
            cycling_options.idle_power_fraction,
            Limits::between(0.0, 1.0),
            "fraction",
        ),
        inlet_swing_k: checker.number(
            &cycling_field("inlet_swing_k"),
            cycling_options.inlet_swing_k,
            Limits::between(0.0, 30.0),
            "K",
        ),
        steps_per_period: checker.count(
            &cycling_field("steps_per_period"),
            cycling_options.steps_per_period,
            4,
            10_000,
            "steps",
        ) as usize,
        n_periods: checker.count(
            &cycling_field("n_periods"),
            cycling_options.n_periods,
            2,
            1_000,
            "periods",
        ) as usize,
        range_exponent: cycling_positive(
            checker,
            "range_exponent",
            cycling_options.range_exponent,
            "1",
        ),
        frequency_exponent: checker.number(
            &cycling_field("frequency_exponent"),
            cycling_options.frequency_exponent,
            Limits::between(0.0, 2.0),
            "1",
        ),
        ea_over_k_k: checker.number(
            &cycling_field("ea_over_k_k"),
            cycling_options.ea_over_k_k,
            Limits::NON_NEGATIVE,
            "K",
        ),
        test_cycles: cycling_positive(
            checker,
            "test_cycles",
            cycling_options.test_cycles,
            "cycles",
        ),
        test_min_c,
        test_max_c,
        test_cycles_per_day: cycling_positive(
            checker,
            "test_cycles_per_day",
            cycling_options.test_cycles_per_day,
            "cycles/day",
        ),
    }
}

/// The busy share of the cycling period is a whole number of its steps, at least one step
/// busy and one idle.
fn check_busy_steps(checker: &mut Checker, cycling_options: &CyclingOptions) {
    let cycling_field = |name: &str| format!("thermal.cycling.{name}");
    let busy_steps = cycling_options.busy_fraction * cycling_options.steps_per_period as f64;
    if (busy_steps - busy_steps.round()).abs() > 1e-9
        || busy_steps.round() < 1.0
        || busy_steps.round() > cycling_options.steps_per_period as f64 - 1.0
    {
        checker.invalid(
            &cycling_field("busy_fraction"),
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
    let leakage_field = |name: &str| format!("thermal.leakage.{name}");
    AsicLeakage {
        fraction: checker.number(
            &leakage_field("asic_fraction"),
            leakage.asic_fraction,
            Limits::FRACTION_BELOW_ONE,
            "fraction",
        ),
        reference_temp_c: checker.number(
            &leakage_field("reference_temp_c"),
            leakage.reference_temp_c,
            Limits::between(0.0, 150.0),
            "°C",
        ),
        beta_per_k: checker.number(
            &leakage_field("beta_per_k"),
            leakage.beta_per_k,
            Limits::between(0.0, 0.2),
            "1/K",
        ),
    }
}

/// `[thermal.board]`: the secondary heat path through the board.
fn resolve_board(checker: &mut Checker, board: &BoardOptions) -> Board {
    let board_field = |name: &str| format!("thermal.board.{name}");
    let board_positive = |checker: &mut Checker, name: &str, value: f64, unit: &str| {
        checker.number(&board_field(name), value, Limits::POSITIVE, unit)
    };
    Board {
        solder_thickness_mm: board_positive(
            checker,
            "solder_thickness_mm",
            board.solder_thickness_mm,
            "mm",
        ),
        solder_k_w_per_mk: board_positive(
            checker,
            "solder_k_w_per_mk",
            board.solder_k_w_per_mk,
            "W/(m K)",
        ),
        pcb_thickness_mm: board_positive(checker, "pcb_thickness_mm", board.pcb_thickness_mm, "mm"),
        pcb_k_w_per_mk: board_positive(checker, "pcb_k_w_per_mk", board.pcb_k_w_per_mk, "W/(m K)"),
        air_r_k_per_w: board_positive(checker, "air_r_k_per_w", board.air_r_k_per_w, "K/W"),
        air_temp_c: checker.number(
            &board_field("air_temp_c"),
            board.air_temp_c,
            Limits::between(-40.0, 125.0),
            "°C",
        ),
    }
}
