//! `[codesign]` as written (checked by `resolve/codesign.rs`): the grid of the liquid-cooling
//! and optics co-design sweep (cold plate, coolant temperatures, optics placement, ASIC power),
//! its constraints, the facility's cooling energy and the liquid-cooling bill of materials
//! (`[codesign.bom]`).

use cporamp_core::ids::{GenerationId, TechnologyId};
use cporamp_core::units::{
    Celsius, Kelvin, KelvinPerWatt, Kilopascals, Kilowatts, LitresPerMinute, Millimetres,
};
use serde::{Deserialize, Serialize};

/// Where the optical engines are cooled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnginePlate {
    /// On the ASIC's cold plate, under the shared lid.
    Shared,
    /// On cold plates of their own, away from the ASIC's heat.
    Own,
}

/// Where an external laser source sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElsPlacement {
    /// A pluggable module in the front panel, cooled by the chassis air.
    FrontPanel,
    /// On a cold plate of its own in the coolant loop.
    ColdPlate,
}

/// One cold-plate channel geometry of the sweep.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChannelGeometry {
    /// Channel width.
    pub width_mm: Millimetres,
    /// Channel height.
    pub height_mm: Millimetres,
}

/// A price where sources disagree: the low and high ends (the file writes `{ low = ..., high = ... }`), in the unit its field's name gives: USD each,
/// USD per rack, USD per kW or USD per litre.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceRange {
    /// Low end.
    pub low: f64,
    /// High end.
    pub high: f64,
}

/// The liquid-cooling bill of materials' prices and capacities (the file names each price
/// with its unit: `asic_cold_plate_usd`, `cdu_usd_per_kw`, ...).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoolingBom {
    /// Switches in one rack.
    pub switches_per_rack: usize,
    /// The switch package's cold plate, each.
    #[serde(rename(deserialize = "asic_cold_plate_usd"))]
    pub asic_cold_plate: PriceRange,
    /// An optical-engine row's own cold plate (four per switch when engines have their own), each.
    #[serde(rename(deserialize = "engine_cold_plate_usd"))]
    pub engine_cold_plate: PriceRange,
    /// An external laser source's cold plate, each.
    #[serde(rename(deserialize = "els_cold_plate_usd"))]
    pub els_cold_plate: PriceRange,
    /// A quick-disconnect pair (supply and return couplings), each.
    #[serde(rename(deserialize = "quick_disconnect_pair_usd"))]
    pub quick_disconnect_pair: PriceRange,
    /// A hose assembly, each.
    #[serde(rename(deserialize = "hose_usd"))]
    pub hose: PriceRange,
    /// The rack's supply and return manifolds, per rack.
    #[serde(rename(deserialize = "manifold_usd_per_rack"))]
    pub manifold_per_rack: PriceRange,
    /// CDU price per kW of capacity.
    #[serde(rename(deserialize = "cdu_usd_per_kw"))]
    pub cdu_per_kw: PriceRange,
    /// One CDU's capacity.
    #[serde(rename(deserialize = "cdu_capacity_kw"))]
    pub cdu_capacity: Kilowatts,
    /// A leak sensor, each.
    #[serde(rename(deserialize = "leak_sensor_usd"))]
    pub leak_sensor: PriceRange,
    /// A flow sensor, each.
    #[serde(rename(deserialize = "flow_sensor_usd"))]
    pub flow_sensor: PriceRange,
    /// The coolant's name.
    pub coolant: String,
    /// Coolant per switch (its plates, hoses and share of the manifold), L.
    pub coolant_l_per_switch: f64,
    /// Coolant price per litre.
    #[serde(rename(deserialize = "coolant_usd_per_l"))]
    pub coolant_per_l: PriceRange,
    /// Facility water (pipes, valves, heat rejection) per kW.
    #[serde(rename(deserialize = "facility_water_usd_per_kw"))]
    pub facility_water_per_kw: PriceRange,
}

/// The co-design sweep's settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodesignSettings {
    /// The swept switch generation.
    pub generation: GenerationId,
    /// The swept co-packaged technology.
    pub technology: TechnologyId,
    /// Lateral cells per package side of each design point's package grid.
    pub grid_cells: usize,
    /// Coolant flow per kW of switch-package heat, L/min/kW.
    pub flow_l_per_min_per_kw: Vec<f64>,
    /// Cold-plate channel widths, each paired with the height at its place
    /// ([`CodesignSettings::channels`]).
    #[serde(rename(deserialize = "channel_width_mm"))]
    pub channel_width: Vec<Millimetres>,
    /// Cold-plate channel heights.
    #[serde(rename(deserialize = "channel_height_mm"))]
    pub channel_height: Vec<Millimetres>,
    /// Coolant (secondary loop) supply temperatures.
    #[serde(rename(deserialize = "inlet_c"))]
    pub inlet: Vec<Celsius>,
    /// Gaps between the ASIC die and the engines.
    #[serde(rename(deserialize = "engine_gap_mm"))]
    pub engine_gap: Vec<Millimetres>,
    /// Engine cooling options.
    pub engine_plate: Vec<EnginePlate>,
    /// ELS placements (used by technologies with an external laser source).
    pub els_placement: Vec<ElsPlacement>,
    /// ASIC power relative to the generation's.
    pub asic_power_factor: Vec<f64>,
    /// CDU approach: secondary supply minus facility supply.
    #[serde(rename(deserialize = "cdu_approach_k"))]
    pub cdu_approach: Kelvin,
    /// An ELS module's case-to-coolant resistance on its own cold plate.
    #[serde(rename(deserialize = "els_plate_r_k_per_w"))]
    pub els_plate_r: KelvinPerWatt,
    /// Pressure drop of the loop outside the cold plate (manifold, quick disconnects, hoses, CDU
    /// heat exchanger) at the reference flow.
    #[serde(rename(deserialize = "loop_pressure_drop_kpa"))]
    pub loop_pressure_drop: Kilopascals,
    /// The reference flow of `loop_pressure_drop`, L/min/kW.
    pub loop_reference_l_per_min_per_kw: f64,
    /// Pump wire-to-water efficiency.
    pub pump_efficiency: f64,
    /// Chiller (compressor) electricity per kW of heat.
    pub chiller_kw_per_kw: f64,
    /// Dry-cooler or tower (free cooling) electricity per kW of heat.
    pub free_cooling_kw_per_kw: f64,
    /// Facility supply at and above which no chiller runs.
    #[serde(rename(deserialize = "free_cooling_full_c"))]
    pub free_cooling_full: Celsius,
    /// Facility supply at and below which the chiller runs all year.
    #[serde(rename(deserialize = "chiller_only_c"))]
    pub chiller_only: Celsius,
    /// Electricity price, USD/kWh.
    pub usd_per_kwh: f64,
    /// Hottest engine temperature allowed.
    #[serde(rename(deserialize = "max_engine_temp_c"))]
    pub max_engine_temp: Celsius,
    /// Coolant flow per switch allowed.
    #[serde(rename(deserialize = "max_flow_l_per_min"))]
    pub max_flow: LitresPerMinute,
    /// Pressure drop per switch branch allowed.
    #[serde(rename(deserialize = "max_pressure_drop_kpa"))]
    pub max_pressure_drop: Kilopascals,
    /// The liquid-cooling bill of materials.
    pub bom: CoolingBom,
}

impl CodesignSettings {
    /// The cold-plate channel geometries: the widths and heights, paired up.
    #[must_use]
    pub fn channels(&self) -> Vec<ChannelGeometry> {
        self.channel_width
            .iter()
            .zip(&self.channel_height)
            .map(|(&width_mm, &height_mm)| ChannelGeometry { width_mm, height_mm })
            .collect()
    }

    /// Design points of the grid.
    #[must_use]
    pub fn points(&self) -> usize {
        self.flow_l_per_min_per_kw.len()
            * self.channel_width.len().min(self.channel_height.len())
            * self.inlet.len()
            * self.engine_gap.len()
            * self.engine_plate.len()
            * self.els_placement.len()
            * self.asic_power_factor.len()
    }
}
