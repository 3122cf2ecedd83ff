//! `[thermal]`: the section of the scenario file this engine reads ([`ThermalSettings`],
//! deserialized as written and checked by [`check()`]): the co-packaged
//! switch package, its heat sink (`[thermal.cold_plate]`), workload cycling
//! (`[thermal.cycling]`), the ASIC's leakage and the board's heat path.
//!
//! The engine owns its section: one serde type per table, and every range check of its fields
//! (each problem names the field path, the value, the interval and the unit, through
//! [`cporamp_core::check::Checker`]). The one thing it names outside
//! itself, the generations of its per-generation ASIC side, is passed in by the scenario as
//! the ids listed in `compare.generations`.

mod check;

pub use check::check;

use cporamp_core::ids::GenerationId;
use cporamp_core::units::{
    Celsius, JoulesPerCubicMetreKelvin, JoulesPerKilogramKelvin, Kelvin, KelvinPerWatt,
    KelvinSquareMillimetresPerWatt, KilogramsPerCubicMetre, LitresPerMinute, Millimetres,
    PascalSeconds, Seconds, WattsPerMetreKelvin,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The co-packaged switch package and its liquid cold plate (all lengths in mm as named):
/// `[thermal]` as written, bare numbers with the unit in the field name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThermalSettings {
    /// Lateral cells per side of the package.
    pub grid_cells: usize,
    /// ASIC die side per generation (one for each of the scenario's `compare.generations`),
    /// mm.
    pub asic_side_mm: BTreeMap<GenerationId, Millimetres>,
    /// Optical engine depth (perpendicular to the package edge), mm.
    pub engine_depth_mm: Millimetres,
    /// Gap between the ASIC die and the engines, mm.
    pub engine_gap_mm: Millimetres,
    /// Substrate beyond the outermost engine, mm.
    pub substrate_margin_mm: Millimetres,
    /// Die (ASIC and engine) thickness, mm.
    pub die_thickness_mm: Millimetres,
    /// Silicon conductivity, W/(m K).
    pub silicon_k_w_per_mk: WattsPerMetreKelvin,
    /// Silicon volumetric heat capacity, J/(m³ K).
    pub silicon_rho_c_j_per_m3k: JoulesPerCubicMetreKelvin,
    /// Die-to-lid TIM thickness, mm.
    pub tim_thickness_mm: Millimetres,
    /// TIM conductivity, W/(m K).
    pub tim_k_w_per_mk: WattsPerMetreKelvin,
    /// Conductivity of what fills the die layer between dies, W/(m K).
    pub gap_k_w_per_mk: WattsPerMetreKelvin,
    /// Lid thickness, mm.
    pub lid_thickness_mm: Millimetres,
    /// Lid conductivity, W/(m K).
    pub lid_k_w_per_mk: WattsPerMetreKelvin,
    /// Lid volumetric heat capacity, J/(m³ K).
    pub lid_rho_c_j_per_m3k: JoulesPerCubicMetreKelvin,
    /// Substrate thickness, mm.
    pub substrate_thickness_mm: Millimetres,
    /// Substrate effective conductivity, W/(m K).
    pub substrate_k_w_per_mk: WattsPerMetreKelvin,
    /// Substrate volumetric heat capacity, J/(m³ K).
    pub substrate_rho_c_j_per_m3k: JoulesPerCubicMetreKelvin,
    /// The cold plate.
    pub cold_plate: ColdPlate,
    /// Workload cycling and solder fatigue.
    pub cycling: Cycling,
    /// The ASIC's leakage.
    pub leakage: AsicLeakage,
    /// The secondary heat path through the board.
    pub board: Board,
}

/// A heat sink over the lid with parallel rectangular channels between fins: a liquid cold
/// plate or an air plate-fin sink (the `coolant_*` properties are then air's).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColdPlate {
    /// Liquid channels or air fins: selects the heat-transfer correlation.
    pub kind: HeatSinkKind,
    /// Coolant inlet temperature for the comparison, °C.
    pub nominal_inlet_c: Celsius,
    /// Inlet temperatures of the sweep, °C.
    pub inlet_sweep_c: Vec<Celsius>,
    /// Coolant flow, L/min.
    pub flow_l_per_min: LitresPerMinute,
    /// Channel width, mm.
    pub channel_width_mm: Millimetres,
    /// Channel height (fin height), mm.
    pub channel_height_mm: Millimetres,
    /// Wall (fin) thickness between channels, mm.
    pub wall_thickness_mm: Millimetres,
    /// Plate base thickness under the channels, mm.
    pub base_thickness_mm: Millimetres,
    /// Plate conductivity, W/(m K).
    pub plate_k_w_per_mk: WattsPerMetreKelvin,
    /// Lid-to-plate interface resistance, K mm²/W.
    pub interface_r_k_mm2_per_w: KelvinSquareMillimetresPerWatt,
    /// Coolant conductivity, W/(m K).
    pub coolant_k_w_per_mk: WattsPerMetreKelvin,
    /// Coolant density, kg/m³.
    pub coolant_rho_kg_per_m3: KilogramsPerCubicMetre,
    /// Coolant specific heat, J/(kg K).
    pub coolant_cp_j_per_kgk: JoulesPerKilogramKelvin,
    /// Coolant dynamic viscosity, Pa s.
    pub coolant_viscosity_pa_s: PascalSeconds,
}

/// What flows between the fins of the heat sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeatSinkKind {
    /// A liquid cold plate: Shah-London laminar or Gnielinski turbulent channel flow.
    LiquidChannels,
    /// An air-cooled plate-fin sink: Teertstra, Yovanovich and Culham parallel-plate model.
    AirFins,
    /// A liquid cold plate solved with 3D-ICE's 4-resistor microchannel model (channels and
    /// walls resolved, coolant advected along the channels), the channel wall's
    /// heat-transfer coefficient from the liquid correlation.
    #[serde(rename = "microchannel_4rm")]
    Microchannel4rm,
}

impl ThermalSettings {
    /// The ASIC die side at `generation`.
    ///
    /// # Panics
    /// If the section has no side for `generation`: [`check()`] names every generation of
    /// `compare.generations` without one.
    #[must_use]
    pub fn asic_side(&self, generation: &GenerationId) -> Millimetres {
        self.asic_side_mm[generation]
    }
}

impl HeatSinkKind {
    /// Whether the package's cold plate is solved with 3D-ICE's channel model rather than
    /// a lumped correlation over the lid.
    #[must_use]
    pub fn is_microchannel(self) -> bool {
        matches!(self, HeatSinkKind::Microchannel4rm)
    }
}

/// A square-wave workload and the Norris-Landzberg fatigue model.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cycling {
    /// Workload period, s.
    pub period_s: Seconds,
    /// Fraction of the period at full power.
    pub busy_fraction: f64,
    /// Power at idle as a fraction of full power (ASIC and engines).
    pub idle_power_fraction: f64,
    /// Coolant inlet rise while busy over its idle value (a shared loop warming under load), K.
    pub inlet_swing_k: Kelvin,
    /// Time steps per period.
    pub steps_per_period: usize,
    /// Periods simulated (the first is discarded as the start-up transient).
    pub n_periods: usize,
    /// Norris-Landzberg temperature-range exponent.
    pub range_exponent: f64,
    /// Norris-Landzberg frequency exponent.
    pub frequency_exponent: f64,
    /// Norris-Landzberg activation energy over Boltzmann's constant, K.
    pub ea_over_k_k: Kelvin,
    /// Cycles the qualification test survives.
    pub test_cycles: f64,
    /// Test minimum temperature, °C.
    pub test_min_c: Celsius,
    /// Test maximum temperature, °C.
    pub test_max_c: Celsius,
    /// Test cycles per day.
    pub test_cycles_per_day: f64,
}

/// The ASIC's leakage: $P(T) = P_\text{nom}[(1 - f) + f e^{\beta (T - T_\text{ref})}]$ with
/// $P_\text{nom}$ the generation's ASIC power.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsicLeakage {
    /// Leakage share of the ASIC power at the reference temperature, 0..1 (`asic_fraction` in
    /// the file).
    #[serde(rename(deserialize = "asic_fraction"))]
    pub fraction: f64,
    /// Junction temperature at which the generation's ASIC power holds, °C.
    pub reference_temp_c: Celsius,
    /// Exponential temperature coefficient, 1/K.
    pub beta_per_k: f64,
}

/// The secondary heat path under the package: solder balls, the board, and the board's
/// convection to the chassis air, in series over the package footprint.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Board {
    /// Solder-ball layer thickness, mm.
    pub solder_thickness_mm: Millimetres,
    /// Effective conductivity of the solder-ball layer, W/(m K).
    pub solder_k_w_per_mk: WattsPerMetreKelvin,
    /// Board thickness, mm.
    pub pcb_thickness_mm: Millimetres,
    /// Through-thickness board conductivity, W/(m K).
    pub pcb_k_w_per_mk: WattsPerMetreKelvin,
    /// Convection resistance from the whole board to air, K/W (HotSpot's `r_convec_sec`).
    pub air_r_k_per_w: KelvinPerWatt,
    /// Chassis air temperature around the board, °C.
    pub air_temp_c: Celsius,
}

/// The default scenario's `[thermal]` section with `edit` applied to the file's text, checked
/// alone for its two generations: the settings and the field paths of its problems.
#[cfg(test)]
fn default_section(edit: impl Fn(&str) -> String) -> (ThermalSettings, Vec<String>) {
    let text = edit(include_str!("../../../cporamp-scenario/presets/default.toml"));
    let mut file: toml::Table = toml::from_str(&text).unwrap();
    let settings: ThermalSettings = file.remove("thermal").unwrap().try_into().unwrap();
    let mut checker = cporamp_core::check::Checker::default();
    let generations = ["51.2T".to_string(), "102.4T".to_string()];
    check(&mut checker, &settings, &generations);
    (settings, checker.diagnostics.into_iter().map(|d| d.path).collect())
}

/// The default scenario's `[thermal]` section, checked alone: the engine's tests start from it.
#[cfg(test)]
pub(crate) fn default_settings() -> ThermalSettings {
    let (settings, problems) = default_section(str::to_string);
    assert!(problems.is_empty(), "{problems:?}");
    settings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_section_checks_alone() {
        let settings = default_settings();
        assert_eq!(settings.asic_side_mm.len(), 2);
        assert_eq!(settings.cold_plate.kind, HeatSinkKind::LiquidChannels);
    }

    #[test]
    fn every_problem_is_named_by_its_field_path() {
        let (_, problems) =
            default_section(|text| {
                text.replacen("\"102.4T\" = 30.0 }", "\"102.4T\" = 30.0, \"9T\" = 5.0 }", 1)
                    .replacen("\nflow_l_per_min = ", "\nflow_l_per_min = 0 #", 1)
            });
        assert_eq!(problems, ["thermal.asic_side_mm.9T", "thermal.cold_plate.flow_l_per_min"]);
    }

    #[test]
    fn busy_steps_are_checked_only_against_a_valid_step_count() {
        let cycling = |busy: &str, steps: &str| {
            default_section(|text| {
                text.replacen("\nbusy_fraction = ", &format!("\nbusy_fraction = {busy} #"), 1)
                    .replacen(
                        "\nsteps_per_period = ",
                        &format!("\nsteps_per_period = {steps} #"),
                        1,
                    )
            })
            .1
        };
        // 0.3 of 40 steps is 12: whole. 0.33 is not.
        assert!(cycling("0.3", "40").is_empty());
        assert_eq!(cycling("0.33", "40"), ["thermal.cycling.busy_fraction"]);
        // An invalid step count or busy fraction is named alone, not again as a busy share
        // that is no whole number of 0 steps.
        assert_eq!(cycling("0.5", "0"), ["thermal.cycling.steps_per_period"]);
        assert_eq!(cycling("1.5", "40"), ["thermal.cycling.busy_fraction"]);
    }
}
