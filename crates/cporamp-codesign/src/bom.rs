//! The liquid-cooling bill of materials of a co-packaged switch, per switch, per rack and per
//! cluster.
//!
//! Per switch: the package's cold plate, the engines' own plates (four rows) when they have
//! them, one plate per external laser source module on a plate, a quick-disconnect pair and two
//! hoses per plate branch, a flow sensor per switch and a leak sensor per switch tray, the
//! coolant volume; per rack: the manifold pair and a leak sensor in its drip tray; shared by
//! heat: the CDU's capacity (with its pumps) and the facility water share, priced per kW of the
//! switch's liquid heat. A cluster holds the fleet topology's switches
//! ([`cporamp_fleet::topology`] on the scenario's `[fleet]`), in racks of `switches_per_rack`.
//! Every price is a range (`[codesign.bom]`, each with its source or its reasoning); totals
//! are sums of their lines at the low, mid and high ends.

use cporamp_core::Scenario;
use cporamp_core::scenario::{CoolingBom, PriceRange};
use cporamp_fleet::{
    Component, FleetInputs, JobInputs, NicInputs, PortKind, PortTechnology, Repair, Spares,
    SwitchHardware, TierInputs,
};
use serde::Serialize;

use crate::CodesignError;

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

/// The cooling bill of one switch design.
///
/// `heat_kw` is the switch's heat into the liquid, `engine_plates` whether its engines have
/// plates of their own, `els_plates` the ELS modules on cold plates, `cluster_switches` the
/// fleet topology's switch count.
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
            unit_low_usd: price.low_usd,
            unit_high_usd: price.high_usd,
            per_switch_low_usd: share * price.low_usd,
            per_switch_high_usd: share * price.high_usd,
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
        cluster_cdus: cluster_switches as f64 * heat_kw / bom.cdu_capacity_kw,
        cluster_coolant_l: cluster_switches as f64 * bom.coolant_l_per_switch,
        cluster_heat_kw: cluster_switches as f64 * heat_kw,
        lines,
    }
}

/// Switches in the scenario's cluster, all tiers: the fleet engine's topology of `[fleet]`
/// (GPUs, tiers) at the radix of the generation `generation_index`. Switch counts depend only
/// on the GPUs, the radix and the tiers, so the ports are given as plain modules.
///
/// # Errors
/// [`CodesignError::Topology`] when the fleet engine refuses the fabric.
pub fn cluster_switches(
    scenario: &Scenario,
    generation_index: usize,
) -> Result<usize, CodesignError> {
    let settings = &scenario.fleet;
    let generation = &scenario.generations[generation_index];
    let radix = (generation.lanes_per_switch / generation.lanes_per_port) as usize;
    let component = Component {
        random_fit: 100.0,
        weibull_shape: 1.0,
        weibull_scale_h: f64::INFINITY,
        activation_energy_ev: 0.0,
        ref_temp_c: 40.0,
        temp_c: 40.0,
        infant_mean_h: 1000.0,
        random_fit_ref_temp_c: None,
    };
    let spares = Spares { initial_units: 1, reorder_lead_h: settings.reorder_lead_h };
    let repair = Repair::Exponential { mean_h: 6.0 };
    let port = PortTechnology {
        name: "module".to_string(),
        kind: PortKind::Module,
        port: component,
        laser: None,
        port_repair: repair,
        infant_probability: 0.0,
        spares,
    };
    let inputs = FleetInputs {
        seed: settings.seed,
        replications: settings.replications,
        years: settings.years,
        gpus: settings.gpus,
        radix,
        tiers: (0..settings.tiers)
            .map(|_| TierInputs { technology: port.clone(), switch_spares: spares })
            .collect(),
        nic: NicInputs { port: component, repair, infant_probability: 0.0, spares },
        switch: SwitchHardware { hardware_fit: 100.0, replace: repair },
        gpu_interruptions_per_gpu_h: 0.0,
        technicians: 1,
        job: JobInputs {
            gpus: settings.job.gpus,
            checkpoint_interval_h: settings.job.checkpoint_interval_h,
            checkpoint_cost_h: settings.job.checkpoint_cost_h,
            restart_cost_h: settings.job.restart_cost_h,
            flaps_per_link_h: 0.0,
        },
    };
    let counts = cporamp_fleet::topology(&inputs)
        .map_err(|error| CodesignError::Topology(error.to_string()))?;
    Ok(counts.tiers.iter().map(|tier| tier.switches).sum())
}
