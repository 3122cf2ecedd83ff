//! The liquid-cooling bill of materials of a co-packaged switch, per switch, per rack and per
//! cluster.
//!
//! Per switch: the package's cold plate, the engines' own plates (four rows) when they have
//! them, one plate per external laser source module on a plate, a quick-disconnect pair and two
//! hoses per plate branch, a flow sensor per switch and a leak sensor per switch tray, the
//! coolant volume; per rack: the manifold pair and a leak sensor in its drip tray; shared by
//! heat: the CDU's capacity (with its pumps) and the facility water share, priced per kW of the
//! switch's liquid heat. A cluster holds a given number of switches (the co-design sweep gives
//! the fleet topology's), in racks of `switches_per_rack`. The comparison prices every
//! co-packaged switch's cooling with it (its package on one plate, external lasers in the front
//! panel) at the midpoint of the ranges.
//! Every price is a range (`[codesign.bom]`, each with its source or its reasoning); totals
//! are sums of their lines at the low, mid and high ends.

use cporamp_scenario::{CoolingBom, PriceRange};
use serde::Serialize;

/// One line of the bill.
#[derive(Debug, Clone, Serialize)]
pub struct BomLine {
    /// What it is.
    pub item: String,
    /// Where it is counted: `switch`, `rack` or `heat` (priced per kW of liquid heat).
    pub per: &'static str,
    /// Units (kW for `heat` lines, L for coolant).
    pub quantity: f64,
    /// Unit price, low end, USD.
    pub unit_low_usd: f64,
    /// Unit price, high end, USD.
    pub unit_high_usd: f64,
    /// Line total per switch, low end, USD (rack lines divided over the rack's switches).
    pub per_switch_low_usd: f64,
    /// Line total per switch, high end, USD.
    pub per_switch_high_usd: f64,
}

impl BomLine {
    /// The line per switch at the midpoint, USD.
    #[must_use]
    pub fn per_switch_mid_usd(&self) -> f64 {
        0.5 * (self.per_switch_low_usd + self.per_switch_high_usd)
    }
}

/// The bill per switch, per rack and for the cluster.
#[derive(Debug, Clone, Serialize)]
pub struct CoolingBomResult {
    /// The coolant.
    pub coolant: String,
    /// The lines.
    pub lines: Vec<BomLine>,
    /// Per switch, low end, USD.
    pub per_switch_low_usd: f64,
    /// Per switch, midpoint, USD.
    pub per_switch_mid_usd: f64,
    /// Per switch, high end, USD.
    pub per_switch_high_usd: f64,
    /// Switches per rack.
    pub switches_per_rack: usize,
    /// Per rack (full racks), low end, USD.
    pub per_rack_low_usd: f64,
    /// Per rack, high end, USD.
    pub per_rack_high_usd: f64,
    /// Switches in the cluster (the fleet topology's, all tiers).
    pub cluster_switches: usize,
    /// Racks of switches in the cluster.
    pub cluster_racks: usize,
    /// The cluster, low end, USD.
    pub cluster_low_usd: f64,
    /// The cluster, high end, USD.
    pub cluster_high_usd: f64,
    /// The CDUs the cluster's switches need (liquid heat over one CDU's capacity).
    pub cluster_cdus: f64,
    /// Coolant in the cluster, L.
    pub cluster_coolant_l: f64,
    /// The cluster's switch heat into the liquid, kW.
    pub cluster_heat_kw: f64,
}

impl CoolingBomResult {
    /// The cold plates' lines (package, engine rows, ELS modules) per switch at the midpoint,
    /// USD: what the switch carries into a rack that is already liquid-cooled. They do not
    /// depend on the switch's heat.
    #[must_use]
    pub fn cold_plates_mid_usd(&self) -> f64 {
        self.lines
            .iter()
            .filter(|line| line.item.contains("cold plate"))
            .map(BomLine::per_switch_mid_usd)
            .sum()
    }
}

/// The cooling bill of one switch design.
///
/// `heat_kw` is the switch's heat into the liquid, `engine_plates` whether its engines have
/// plates of their own, `els_plates` the ELS modules on cold plates, `cluster_switches` the
/// switches of the cluster (0 for the switch and rack figures alone).
#[must_use]
pub fn cooling_bom(
    bom: &CoolingBom,
    heat_kw: f64,
    engine_plates: bool,
    els_plates: usize,
    cluster_switches: usize,
) -> CoolingBomResult {
    let rack = bom.switches_per_rack as f64;
    let mut lines = Vec::new();
    let mut line = |item: &str, per: &'static str, quantity: f64, price: PriceRange| {
        let share = if per == "rack" { quantity / rack } else { quantity };
        lines.push(BomLine {
            item: item.to_string(),
            per,
            quantity,
            unit_low_usd: price.low,
            unit_high_usd: price.high,
            per_switch_low_usd: share * price.low,
            per_switch_high_usd: share * price.high,
        });
    };
    let engine_plate_count = if engine_plates { 4.0 } else { 0.0 };
    let branches = 1.0 + engine_plate_count + els_plates as f64;
    line("ASIC package cold plate", "switch", 1.0, bom.asic_cold_plate);
    if engine_plates {
        line("engine-row cold plates", "switch", engine_plate_count, bom.engine_cold_plate);
    }
    if els_plates > 0 {
        line("ELS module cold plates", "switch", els_plates as f64, bom.els_cold_plate);
    }
    line("quick-disconnect pairs (one per branch)", "switch", branches, bom.quick_disconnect_pair);
    line("hose assemblies (supply and return per branch)", "switch", 2.0 * branches, bom.hose);
    line("flow sensor", "switch", 1.0, bom.flow_sensor);
    line("leak sensor (switch tray)", "switch", 1.0, bom.leak_sensor);
    line("coolant", "switch", bom.coolant_l_per_switch, bom.coolant_per_l);
    line("rack manifold pair", "rack", 1.0, bom.manifold_per_rack);
    line("leak sensor (rack drip tray)", "rack", 1.0, bom.leak_sensor);
    line("CDU capacity share (pumps, exchanger, filter)", "heat", heat_kw, bom.cdu_per_kw);
    line("facility water share", "heat", heat_kw, bom.facility_water_per_kw);
    let low: f64 = lines.iter().map(|line| line.per_switch_low_usd).sum();
    let high: f64 = lines.iter().map(|line| line.per_switch_high_usd).sum();
    let cluster_racks = cluster_switches.div_ceil(bom.switches_per_rack);
    // Rack lines are paid per rack (a part-filled last rack still has its manifold), switch
    // and heat lines per switch.
    let (rack_low, rack_high) =
        lines.iter().filter(|line| line.per == "rack").fold((0.0, 0.0), |(l, h), line| {
            (l + line.quantity * line.unit_low_usd, h + line.quantity * line.unit_high_usd)
        });
    let (switch_low, switch_high) = (low - rack_low / rack, high - rack_high / rack);
    CoolingBomResult {
        coolant: bom.coolant.clone(),
        per_switch_low_usd: low,
        per_switch_mid_usd: 0.5 * (low + high),
        per_switch_high_usd: high,
        switches_per_rack: bom.switches_per_rack,
        per_rack_low_usd: rack * switch_low + rack_low,
        per_rack_high_usd: rack * switch_high + rack_high,
        cluster_switches,
        cluster_racks,
        cluster_low_usd: cluster_switches as f64 * switch_low + cluster_racks as f64 * rack_low,
        cluster_high_usd: cluster_switches as f64 * switch_high + cluster_racks as f64 * rack_high,
        cluster_cdus: cluster_switches as f64 * heat_kw / bom.cdu_capacity.0,
        cluster_coolant_l: cluster_switches as f64 * bom.coolant_l_per_switch,
        cluster_heat_kw: cluster_switches as f64 * heat_kw,
        lines,
    }
}
