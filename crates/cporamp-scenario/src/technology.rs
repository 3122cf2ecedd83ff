//! `[generation.*]` and `[technology.*]` resolved: the switch generations and each
//! technology's structure (optics, laser, rings, package) and per-generation parts.

use cporamp_core::ids::{GenerationId, TechnologyId};
use cporamp_core::units::{
    Celsius, Db, Dbm, Gbps, Kelvin, Metres, Millimetres, PjPerBit, Usd, Watts,
};
use cporamp_photonics::settings::Rings;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A switch generation: the ASIC and its SerDes (`[generation."<id>"]`, whose key is the id;
/// the file names each quantity with its unit, `lane_rate_gbps`, ...).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generation {
    /// Id such as `51.2T` (the table's key).
    #[serde(skip_deserializing)]
    pub id: GenerationId,
    /// SerDes lanes on the switch ASIC.
    pub lanes_per_switch: u32,
    /// Payload rate of one lane.
    #[serde(rename(deserialize = "lane_rate_gbps"))]
    pub lane_rate: Gbps,
    /// Lanes in one front-panel port.
    pub lanes_per_port: u32,
    /// Energy of the switching core (packet processing, buffers) per switched bit.
    #[serde(rename(deserialize = "asic_core_pj_per_bit"))]
    pub asic_core: PjPerBit,
    /// Long-reach host SerDes, TX + RX per lane.
    #[serde(rename(deserialize = "host_serdes_long_reach_pj_per_bit"))]
    pub host_serdes_long_reach: PjPerBit,
    /// XSR (die-to-optical-engine) host SerDes, TX + RX per lane.
    #[serde(rename(deserialize = "host_serdes_xsr_pj_per_bit"))]
    pub host_serdes_xsr: PjPerBit,
    /// Receiver OMA needed at the KP4 pre-FEC threshold.
    #[serde(rename(deserialize = "rx_oma_sensitivity_dbm"))]
    pub rx_oma_sensitivity: Dbm,
    /// Switch ASIC cost.
    #[serde(rename(deserialize = "asic_cost_usd"))]
    pub asic_cost: Usd,
}

impl Generation {
    /// Switch capacity: lanes x lane rate.
    #[must_use]
    pub fn switch_capacity(&self) -> Gbps {
        Gbps(f64::from(self.lanes_per_switch) * self.lane_rate.0)
    }

    /// Port rate: lanes per port x lane rate.
    #[must_use]
    pub fn port_rate(&self) -> Gbps {
        Gbps(f64::from(self.lanes_per_port) * self.lane_rate.0)
    }

    /// Front-panel ports per switch.
    #[must_use]
    pub fn ports_per_switch(&self) -> u32 {
        self.lanes_per_switch / self.lanes_per_port
    }
}

/// How the ports reach the front panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TechnologyKind {
    /// A field-replaceable module in a front-panel cage.
    Pluggable,
    /// Passive copper from the package or board to the panel.
    Copper,
    /// Optical engines on the switch package.
    CoPackaged,
}

impl TechnologyKind {
    /// The kind's id, as the scenario writes it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            TechnologyKind::Pluggable => "pluggable",
            TechnologyKind::Copper => "copper",
            TechnologyKind::CoPackaged => "co_packaged",
        }
    }
}

/// The class of SerDes on the switch ASIC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SerdesClass {
    /// Drives PCB, connector and module (~22 dB at 200G; docs/sources.md: S08).
    LongReach,
    /// Drives a few cm of package substrate to an optical engine.
    Xsr,
}

/// A technology: its structure and its parts (`[technology.<id>]`, whose key is the id; the
/// file names each quantity with its unit, `overhead_w_per_port`, `reach_m`). Which
/// sub-tables it has follows its kind, as the scenario's check requires: copper has no laser
/// or link budget, only co-packaged designs have a package or rings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Technology {
    /// Id such as `cpo_els` (the table's key).
    #[serde(skip_deserializing)]
    pub id: TechnologyId,
    /// Name for people.
    pub label: String,
    /// Pluggable, copper or co-packaged.
    pub kind: TechnologyKind,
    /// Host SerDes class.
    pub host_serdes: SerdesClass,
    /// Fraction of the class's energy the host SerDes draws (CPC runs LR at a shorter setting).
    pub host_serdes_scale: f64,
    /// Efficiency of power conversion for the port's electronics, in (0, 1].
    pub conversion_efficiency: f64,
    /// Control and monitoring power per port.
    #[serde(rename(deserialize = "overhead_w_per_port"))]
    pub overhead_per_port: Watts,
    /// Reach.
    #[serde(rename(deserialize = "reach_m"))]
    pub reach: Metres,
    /// Reach class for people.
    pub reach_class: String,
    /// Front-panel ports per rack unit.
    pub faceplate_ports_per_ru: u32,
    /// The laser; `None` for copper.
    pub laser: Option<Laser>,
    /// The link the laser must close; there exactly when the laser is.
    pub link_budget: Option<LinkBudget>,
    /// Microring tuning; `None` for designs without rings.
    pub rings: Option<Rings>,
    /// Co-packaging geometry; `Some` exactly for co-packaged technologies.
    pub package: Option<Package>,
    /// Electronics energies and costs by generation id: one entry for every generation of
    /// [`Scenario::generations`](super::Scenario::generations).
    pub per_generation: BTreeMap<GenerationId, Parts>,
}

impl Technology {
    /// The laser and the link it closes, when the technology has optics.
    #[must_use]
    pub fn optics(&self) -> Option<Optics<'_>> {
        match (&self.laser, &self.link_budget) {
            (Some(laser), Some(link_budget)) => Some(Optics { laser, link_budget }),
            _ => None,
        }
    }

    /// The parts at `generation`, if the technology gives them.
    #[must_use]
    pub fn parts(&self, generation: &GenerationId) -> Option<&Parts> {
        self.per_generation.get(generation)
    }
}

/// A laser and the link it must close.
#[derive(Debug, Clone, Copy)]
pub struct Optics<'a> {
    /// The laser.
    pub laser: &'a Laser,
    /// The link budget it serves.
    pub link_budget: &'a LinkBudget,
}

/// Where the laser sits; this sets its field-replaceable unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaserPlacement {
    /// Inside a pluggable module.
    Module,
    /// Inside the co-packaged optical engine.
    Package,
    /// In an external laser source module on the front panel.
    External,
}

impl LaserPlacement {
    /// The placement's id, as the scenario writes it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            LaserPlacement::Module => "module",
            LaserPlacement::Package => "package",
            LaserPlacement::External => "external",
        }
    }
}

/// Whether a laser is held at a set point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cooling {
    /// A thermo-electric cooler holds it (`[...laser.tec]`).
    Tec,
    /// It runs at its surroundings' temperature.
    Uncooled,
}

/// A CW laser (or the CW section of an EML): `[technology.<id>.laser]` (the file names each
/// temperature with its unit, `ambient_temp_c`, ...).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Laser {
    /// Where it sits.
    pub placement: LaserPlacement,
    /// Cooled by a TEC (whose `tec` table is then there) or not.
    pub cooling: Cooling,
    /// Lanes fed by one laser through a splitter.
    pub lanes_per_laser: u32,
    /// Wall-plug efficiency at `wpe_reference_temp`, a fraction in (0, 1].
    pub wall_plug_efficiency: f64,
    /// Top of the temperature range over which `wall_plug_efficiency` holds.
    #[serde(rename(deserialize = "wpe_reference_temp_c"))]
    pub wpe_reference_temp: Celsius,
    /// WPE(T) = WPE_ref exp(-max(0, T - T_ref) / scale).
    #[serde(rename(deserialize = "wpe_temp_scale_k"))]
    pub wpe_temp_scale: Kelvin,
    /// Temperature of the laser's surroundings (module case, engine, ELS cage).
    #[serde(rename(deserialize = "ambient_temp_c"))]
    pub ambient_temp: Celsius,
    /// A thermo-electric cooler; `None` when uncooled.
    pub tec: Option<Tec>,
    /// External-laser-source module; `Some` exactly for [`LaserPlacement::External`].
    pub els: Option<Els>,
}

/// A thermo-electric cooler holding a laser at a set point.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tec {
    /// Laser temperature held by the TEC.
    #[serde(rename(deserialize = "setpoint_c"))]
    pub setpoint: Celsius,
    /// Thermal conductance from the surroundings into the cooled stage, W/K.
    pub leak_w_per_k: f64,
    /// Coefficient of performance: heat pumped per electrical watt.
    pub cop: f64,
}

/// An external laser source module.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Els {
    /// Lasers (output fibers) in one module.
    pub lasers_per_module: u32,
    /// Cost of one module.
    #[serde(rename(deserialize = "module_usd"))]
    pub module_cost: Usd,
}

/// The optical losses between the laser and the far receiver.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkBudget {
    /// Modulator extinction ratio.
    #[serde(rename(deserialize = "extinction_ratio_db"))]
    pub extinction_ratio: Db,
    /// Modulator insertion and modulation loss.
    #[serde(rename(deserialize = "modulator_loss_db"))]
    pub modulator_loss: Db,
    /// All chip-fiber coupling losses on the path.
    #[serde(rename(deserialize = "coupling_loss_db"))]
    pub coupling_loss: Db,
    /// All connector and splice losses on the path.
    #[serde(rename(deserialize = "connector_loss_db"))]
    pub connector_loss: Db,
    /// Fiber length, km.
    pub fiber_length_km: f64,
    /// Fiber attenuation, dB/km.
    pub fiber_loss_db_per_km: f64,
    /// Any other loss (splitter excess, mux).
    #[serde(rename(deserialize = "other_loss_db"))]
    pub other_loss: Db,
    /// Design margin.
    #[serde(rename(deserialize = "margin_db"))]
    pub margin: Db,
}

/// Co-packaging geometry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// Capacity of one optical engine.
    #[serde(rename(deserialize = "engine_capacity_gbps"))]
    pub engine_capacity: Gbps,
    /// Width of one engine along the package edge.
    #[serde(rename(deserialize = "engine_edge_mm"))]
    pub engine_edge: Millimetres,
}

impl Package {
    /// Optical engines a switch of `generation` carries: capacity over engine capacity
    /// (checked to be a whole multiple of 4 when the scenario is loaded).
    #[must_use]
    pub fn engines_per_switch(&self, generation: &Generation) -> u32 {
        (generation.switch_capacity().0 / self.engine_capacity.0).round() as u32
    }

    /// Front-panel ports one engine serves.
    #[must_use]
    pub fn ports_per_engine(&self, generation: &Generation) -> f64 {
        self.engine_capacity.0 / generation.port_rate().0
    }
}

/// Per-generation electronics energies and component costs of a technology.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parts {
    /// Module DSP / retimer.
    #[serde(rename(deserialize = "dsp_pj_per_bit"))]
    pub dsp: PjPerBit,
    /// Modulator driver.
    #[serde(rename(deserialize = "driver_pj_per_bit"))]
    pub driver: PjPerBit,
    /// Receiver TIA.
    #[serde(rename(deserialize = "tia_pj_per_bit"))]
    pub tia: PjPerBit,
    /// The optical engine's end of the XSR link.
    #[serde(rename(deserialize = "oe_serdes_pj_per_bit"))]
    pub oe_serdes: PjPerBit,
    /// DSP cost per port.
    #[serde(rename(deserialize = "dsp_usd_per_port"))]
    pub dsp_cost_per_port: Usd,
    /// Driver and TIA cost per lane.
    #[serde(rename(deserialize = "electronics_usd_per_lane"))]
    pub electronics_cost_per_lane: Usd,
    /// Cost of one laser (in-module or in-package).
    #[serde(rename(deserialize = "laser_usd_each"))]
    pub laser_cost_each: Usd,
    /// Optical subassembly, PIC, fiber attach and test per port.
    #[serde(rename(deserialize = "optics_usd_per_port"))]
    pub optics_cost_per_port: Usd,
    /// Housing, board, cable or fiber hardware per port.
    #[serde(rename(deserialize = "housing_usd_per_port"))]
    pub housing_cost_per_port: Usd,
}
