//! The technology comparison engine: pluggable, LPO, CPC and CPO side by side, every figure
//! derived from component models.
//!
//! # Model
//!
//! For a technology $t$ at a generation with lane rate $R$ and $n$ lanes per port, the power
//! of one port's optics (everything outside the switch ASIC) is
//!
//! $$ P_\text{port} = \frac{ n R\thinspace(e_\text{DSP} + e_\text{drv} + e_\text{TIA} + e_\text{OE-SerDes}) +
//!    n\thinspace m\thinspace P_\text{heater} + \tfrac{n}{k} P_\text{laser} + P_\text{ovh}}{\eta_\text{conv}} +
//!    \tfrac{n}{k} P_\text{ELS} $$
//!
//! - $e_x$ are per-bit energies of the port's electronics (scenario `per_generation`);
//! - $m$ rings per lane, each with the mean heater power of [`rings`];
//! - $k$ lanes per laser; $P_\text{laser}$ is the drive plus cooler power of a laser launching
//!   the power its link budget requires ([`link_budget`], [`laser`]);
//! - $P_\text{ovh}$ control and monitoring; $\eta_\text{conv}$ the conversion efficiency of the
//!   supply feeding them. An external laser source is fed from its own module, and its
//!   module-level wall-plug efficiency already includes its conversion, so it sits outside.
//!
//! The host SerDes, in the switch ASIC, draws $n R\thinspace s\thinspace e_\text{host}$ per port with
//! $e_\text{host}$ the long-reach or XSR energy and $s$ the technology's scale. The ASIC draws
//! $C\thinspace e_\text{core}$ for its core at capacity $C$ plus all its SerDes; the switch draws the
//! ASIC plus every port's optics.
//!
//! Costs are component sums per port; a pluggable's street price is its BOM over
//! $(1 - \text{margin})$. Serviceability follows from where the laser and the electronics
//! sit: a pluggable swaps a module (one port), an ELS swaps a laser module (the ports its
//! lasers feed), anything else in a co-packaged engine replaces the switch.
//!
//! Sensitivities are the model re-run with one input changed (a forward difference over a
//! stated step), so they carry every nonlinearity of the model: +1 dB of coupling loss
//! multiplies an uncooled laser's power by exactly $10^{0.1}$.

pub mod cooling;
pub mod laser;
pub mod link_budget;
mod lookup;
pub mod rings;

pub use lookup::{generation_index, technology_index};

use cporamp_core::ids::{GenerationId, TechnologyId};
use cporamp_core::units::{Celsius, PjPerBit, Watts};
use cporamp_scenario::{
    Generation, LaserPlacement, Parts, PhotonicsSettings, Scenario, SerdesClass, Technology,
    TechnologyKind,
};
use serde::Serialize;

/// A model input outside the domain where the model holds.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// The wall-plug efficiency extrapolated to the laser's temperature leaves (0, 1].
    #[error(
        "technology.{technology}.laser: wall-plug efficiency extrapolated to the laser temperature {temp_c} °C is {efficiency:.3e}, outside (0, 1]; check wall_plug_efficiency, wpe_temp_scale_k and the temperatures"
    )]
    UnphysicalEfficiency {
        /// Technology id.
        technology: String,
        /// Laser temperature, °C.
        temp_c: f64,
        /// The extrapolated efficiency.
        efficiency: f64,
    },
    /// A generation id that the scenario does not define.
    #[error("unknown generation \"{id}\"; the scenario defines: {defined}")]
    UnknownGeneration {
        /// The id asked for.
        id: String,
        /// The ids defined, comma-separated.
        defined: String,
    },
    /// A technology without parts at a generation it is compared at (a scenario built in
    /// code; a loaded one is checked for every generation's parts).
    #[error("technology.{technology}.per_generation has no parts for generation \"{generation}\"")]
    MissingParts {
        /// Technology id.
        technology: String,
        /// Generation id.
        generation: String,
    },
    /// A technology id that the scenario does not define.
    #[error("unknown technology \"{id}\"; the scenario defines: {defined}")]
    UnknownTechnology {
        /// The id asked for.
        id: String,
        /// The ids defined, comma-separated.
        defined: String,
    },
}

/// The comparison of every technology at every generation.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// One entry per generation, in scenario order.
    pub generations: Vec<GenerationComparison>,
}

/// All technologies at one generation.
#[derive(Debug, Clone, Serialize)]
pub struct GenerationComparison {
    /// Generation id.
    pub generation: GenerationId,
    /// Switch capacity, Gb/s.
    pub switch_capacity_gbps: f64,
    /// Lane rate, Gb/s.
    pub lane_rate_gbps: f64,
    /// Lanes per port.
    pub lanes_per_port: u32,
    /// Port rate, Gb/s.
    pub port_rate_gbps: f64,
    /// Ports per switch.
    pub ports_per_switch: u32,
    /// One entry per technology, in scenario order.
    pub technologies: Vec<TechnologyResult>,
}

/// One technology at one generation.
#[derive(Debug, Clone, Serialize)]
pub struct TechnologyResult {
    /// Technology id.
    pub id: TechnologyId,
    /// Name for people.
    pub label: String,
    /// Pluggable, copper or co-packaged.
    pub kind: TechnologyKind,
    /// Power of one port, by component.
    pub port_power: PortPower,
    /// The laser behind each port, if any.
    pub laser: Option<LaserResult>,
    /// Ring tuning, if the design has rings.
    pub rings: Option<rings::RingTuning>,
    /// Power of the whole switch.
    pub switch_power: SwitchPower,
    /// Bill of materials.
    pub cost: CostResult,
    /// Faceplate and package-edge density.
    pub density: Density,
    /// Reach.
    pub reach_m: f64,
    /// Reach class for people.
    pub reach_class: String,
    /// What one failure costs in ports and time.
    pub service: Serviceability,
    /// The model re-run with one input changed.
    pub sensitivities: Vec<Sensitivity>,
}

/// Power of one port by component, W. The optics sum excludes the host SerDes, which lives
/// in the switch ASIC.
#[derive(Debug, Clone, Serialize)]
pub struct PortPower {
    /// Host SerDes in the ASIC for this port's lanes.
    pub host_serdes_w: f64,
    /// Module DSP / retimer.
    pub dsp_w: f64,
    /// Modulator drivers.
    pub driver_w: f64,
    /// Receiver TIAs.
    pub tia_w: f64,
    /// The optical engine's end of the XSR link.
    pub oe_serdes_w: f64,
    /// Ring heaters.
    pub heater_w: f64,
    /// Lasers in the module or package: drive plus cooler.
    pub laser_w: f64,
    /// This port's share of external laser source modules.
    pub els_w: f64,
    /// Control and monitoring.
    pub overhead_w: f64,
    /// Loss in the power conversion feeding the above.
    pub conversion_loss_w: f64,
    /// Everything outside the ASIC.
    pub optics_w: f64,
    /// Optics plus host SerDes.
    pub with_host_w: f64,
    /// Optics per bit.
    pub optics_pj_per_bit: f64,
    /// Optics plus host SerDes per bit.
    pub with_host_pj_per_bit: f64,
}

impl PortPower {
    /// Components in chart order, with labels: (label, W per port). Host SerDes first.
    #[must_use]
    pub fn components(&self) -> [(&'static str, f64); 10] {
        [
            ("host SerDes", self.host_serdes_w),
            ("DSP / retimer", self.dsp_w),
            ("driver", self.driver_w),
            ("TIA", self.tia_w),
            ("engine SerDes", self.oe_serdes_w),
            ("ring heaters", self.heater_w),
            ("laser + TEC", self.laser_w),
            ("external laser", self.els_w),
            ("control", self.overhead_w),
            ("conversion loss", self.conversion_loss_w),
        ]
    }
}

/// The laser behind a port.
#[derive(Debug, Clone, Serialize)]
pub struct LaserResult {
    /// Where the laser sits.
    pub placement: LaserPlacement,
    /// Lanes fed by one laser.
    pub lanes_per_laser: u32,
    /// Lasers per port (fractional when one laser feeds several ports).
    pub lasers_per_port: f64,
    /// Whether a thermo-electric cooler holds the laser at a set point.
    pub cooled: bool,
    /// The link budget that sets the launch power.
    pub link_budget: link_budget::LinkBudgetTerms,
    /// Power drawn by one laser.
    pub power: laser::LaserPower,
}

/// Power of one switch, W.
#[derive(Debug, Clone, Serialize)]
pub struct SwitchPower {
    /// ASIC core.
    pub asic_core_w: f64,
    /// ASIC SerDes of this technology's class.
    pub asic_serdes_w: f64,
    /// ASIC total.
    pub asic_w: f64,
    /// All ports' optics.
    pub optics_w: f64,
    /// ASIC plus optics.
    pub total_w: f64,
    /// Total per switched bit.
    pub pj_per_bit: f64,
}

/// Bill of materials, USD.
#[derive(Debug, Clone, Serialize)]
pub struct CostResult {
    /// DSP per port.
    pub dsp_usd_per_port: f64,
    /// Drivers and TIAs per port.
    pub electronics_usd_per_port: f64,
    /// Lasers (in module or package) per port.
    pub laser_usd_per_port: f64,
    /// External laser modules, this port's share.
    pub els_usd_per_port: f64,
    /// Optical subassembly, PIC, fiber attach, test per port.
    pub optics_usd_per_port: f64,
    /// Housing, board, cable or fiber per port.
    pub housing_usd_per_port: f64,
    /// Sum per port.
    pub port_usd: f64,
    /// Port BOM per Gb/s.
    pub port_usd_per_gbps: f64,
    /// Street price of a pluggable module: BOM / (1 - margin). `None` for others.
    pub module_price_usd: Option<f64>,
    /// External laser modules per switch, if any.
    pub els_modules_per_switch: Option<u32>,
    /// ASIC plus every port.
    pub switch_usd: f64,
    /// Switch BOM per Gb/s of capacity.
    pub switch_usd_per_gbps: f64,
    /// A co-packaged switch's liquid cooling (its share of the cooling bill of materials of
    /// [`cooling`] at the midpoint of the price ranges: package cold plate, quick disconnects,
    /// hoses, sensors, coolant, rack manifold, CDU and facility water for its package heat),
    /// USD; `None` for technologies without a package.
    pub cooling_usd_per_switch: Option<f64>,
    /// Switch BOM with that cooling, per Gb/s.
    pub switch_usd_per_gbps_with_cooling: Option<f64>,
}

/// Faceplate and package-edge density.
#[derive(Debug, Clone, Serialize)]
pub struct Density {
    /// Front-panel ports per rack unit.
    pub ports_per_ru: u32,
    /// Front-panel bandwidth per rack unit, Tb/s.
    pub tbps_per_ru: f64,
    /// Rack units the switch's ports need.
    pub rack_units: u32,
    /// Optical engines per switch (co-packaged only).
    pub engines_per_switch: Option<u32>,
    /// Bandwidth per mm of package edge, Tb/s/mm (co-packaged only).
    pub tbps_per_mm_edge: Option<f64>,
}

/// Field-replaceable unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fru {
    /// A pluggable module.
    Module,
    /// A cable.
    Cable,
    /// An external laser source module.
    ElsModule,
    /// The whole switch.
    Switch,
}

impl Fru {
    /// Name for people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Fru::Module => "pluggable module",
            Fru::Cable => "cable",
            Fru::ElsModule => "ELS module",
            Fru::Switch => "whole switch",
        }
    }
}

/// Repair time class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MttrClass {
    /// Under an hour.
    Minutes,
    /// Under a day.
    Hours,
    /// A day or more.
    Days,
}

impl MttrClass {
    fn of(hours: f64) -> MttrClass {
        if hours < 1.0 {
            MttrClass::Minutes
        } else if hours < 24.0 {
            MttrClass::Hours
        } else {
            MttrClass::Days
        }
    }
}

/// What one failure of a kind costs.
#[derive(Debug, Clone, Serialize)]
pub struct FailureImpact {
    /// What is replaced.
    pub fru: Fru,
    /// Ports dark from the failure until the repair.
    pub ports_down: u32,
    /// Ports out of service during the repair (the blast radius).
    pub blast_radius_ports: u32,
    /// Replaced without taking the switch down.
    pub hot_swappable: bool,
    /// Mean time to repair, h.
    pub mttr_h: f64,
    /// Repair class.
    pub mttr_class: MttrClass,
}

/// Serviceability by failure kind.
#[derive(Debug, Clone, Serialize)]
pub struct Serviceability {
    /// A laser fails (the dominant optical failure: ~90 % of link failures; docs/sources.md: S52).
    pub laser_failure: Option<FailureImpact>,
    /// Port electronics or the passive medium fail.
    pub port_failure: FailureImpact,
}

/// The model re-run with one input changed.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    /// What was changed, with its step.
    pub parameter: String,
    /// Change of optics power per port, W.
    pub delta_optics_w_per_port: f64,
    /// Change of optics energy per bit, pJ/bit.
    pub delta_optics_pj_per_bit: f64,
    /// Change of host SerDes plus optics energy per bit, pJ/bit.
    pub delta_with_host_pj_per_bit: f64,
}

/// Compares every technology at every generation of `scenario`.
///
/// # Errors
/// [`CompareError`] if an input leaves the model's domain.
pub fn compare(scenario: &Scenario) -> Result<Comparison, CompareError> {
    let generations = scenario
        .generations
        .iter()
        .map(|generation| compare_generation(scenario, generation))
        .collect::<Result<_, _>>()?;
    Ok(Comparison { generations })
}

/// Compares every technology at the generation with id `generation_id`.
///
/// # Errors
/// [`CompareError::UnknownGeneration`] if the scenario does not define it, or any model error.
pub fn compare_one(
    scenario: &Scenario,
    generation_id: &str,
) -> Result<GenerationComparison, CompareError> {
    let generation_index = generation_index(scenario, generation_id)?;
    compare_generation(scenario, &scenario.generations[generation_index])
}

/// The comparison of one technology (index `technology_index` of `scenario.technologies`) at
/// one generation (index `generation_index` of `scenario.generations`): the entry
/// [`compare_one`] would list for it, without evaluating the others.
///
/// # Errors
/// [`CompareError`] from the technology's models.
///
/// # Panics
/// If an index is out of range.
pub fn compare_technology(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
) -> Result<TechnologyResult, CompareError> {
    compare_technology_as(scenario, generation_index, &scenario.technologies[technology_index])
}

/// The comparison of `technology` (a scenario technology, possibly with changed settings,
/// such as the engine temperature of a fixed-point iterate) at generation `generation_index`
/// of `scenario`, against everything else in `scenario`.
///
/// # Errors
/// As [`compare_technology`].
pub fn compare_technology_as(
    scenario: &Scenario,
    generation_index: usize,
    technology: &Technology,
) -> Result<TechnologyResult, CompareError> {
    let generation = &scenario.generations[generation_index];
    evaluate(scenario, technology, generation, parts_at(technology, generation)?)
}

/// `technology`'s parts at `generation`.
fn parts_at<'a>(
    technology: &'a Technology,
    generation: &Generation,
) -> Result<&'a Parts, CompareError> {
    technology.parts(&generation.id).ok_or_else(|| CompareError::MissingParts {
        technology: technology.id.to_string(),
        generation: generation.id.to_string(),
    })
}

fn compare_generation(
    scenario: &Scenario,
    generation: &Generation,
) -> Result<GenerationComparison, CompareError> {
    let technologies = scenario
        .technologies
        .iter()
        .map(|technology| {
            evaluate(scenario, technology, generation, parts_at(technology, generation)?)
        })
        .collect::<Result<_, _>>()?;
    Ok(GenerationComparison {
        generation: generation.id.clone(),
        switch_capacity_gbps: generation.switch_capacity().0,
        lane_rate_gbps: generation.lane_rate.0,
        lanes_per_port: generation.lanes_per_port,
        port_rate_gbps: generation.port_rate().0,
        ports_per_switch: generation.ports_per_switch(),
        technologies,
    })
}

/// Power of one port and the laser behind it.
fn port_power(
    technology: &Technology,
    generation: &Generation,
    parts: &Parts,
    photonics: &PhotonicsSettings,
) -> Result<(PortPower, Option<LaserResult>, Option<rings::RingTuning>), CompareError> {
    let lanes = f64::from(generation.lanes_per_port);
    let port_rate = generation.port_rate();
    let host_energy = match technology.host_serdes {
        SerdesClass::LongReach => generation.host_serdes_long_reach,
        SerdesClass::Xsr => generation.host_serdes_xsr,
    } * technology.host_serdes_scale;
    let host_serdes = host_energy.at_rate(port_rate);

    let laser = match technology.optics() {
        Some(optics) => {
            let link_budget = link_budget::required_launch(
                optics.link_budget,
                generation.rx_oma_sensitivity,
                optics.laser.lanes_per_laser,
            );
            let power = laser::laser_power(
                &technology.id,
                optics.laser,
                cporamp_core::units::Dbm(link_budget.laser_launch_dbm),
            )?;
            Some(LaserResult {
                placement: optics.laser.placement,
                lanes_per_laser: optics.laser.lanes_per_laser,
                lasers_per_port: lanes / f64::from(optics.laser.lanes_per_laser),
                cooled: optics.laser.tec.is_some(),
                link_budget,
                power,
            })
        }
        None => None,
    };
    // Rings exist only in co-packaged designs, which always have a laser (checked on load).
    let ring_tuning = technology.rings.as_ref().zip(laser.as_ref()).map(|(rings, laser)| {
        rings::ring_tuning(rings, Celsius(laser.power.laser_temp_c), photonics)
    });

    let lasers_w =
        laser.as_ref().map_or(Watts(0.0), |laser| laser.power.electrical() * laser.lasers_per_port);
    let (laser_w, els_w) = match laser.as_ref().map(|laser| laser.placement) {
        Some(LaserPlacement::External) => (Watts(0.0), lasers_w),
        _ => (lasers_w, Watts(0.0)),
    };
    let heater_w = ring_tuning.as_ref().zip(technology.rings.as_ref()).map_or(
        Watts(0.0),
        |(tuning, rings)| {
            Watts(tuning.heater_mw_per_ring * 1e-3 * f64::from(rings.rings_per_lane) * lanes)
        },
    );
    let dsp_w = parts.dsp.at_rate(port_rate);
    let driver_w = parts.driver.at_rate(port_rate);
    let tia_w = parts.tia.at_rate(port_rate);
    let oe_serdes_w = parts.oe_serdes.at_rate(port_rate);
    let converted =
        dsp_w + driver_w + tia_w + oe_serdes_w + heater_w + laser_w + technology.overhead_per_port;
    let conversion_loss_w = Watts(converted.0 * (1.0 / technology.conversion_efficiency - 1.0));
    let optics_w = converted + conversion_loss_w + els_w;
    let with_host_w = optics_w + host_serdes;
    Ok((
        PortPower {
            host_serdes_w: host_serdes.0,
            dsp_w: dsp_w.0,
            driver_w: driver_w.0,
            tia_w: tia_w.0,
            oe_serdes_w: oe_serdes_w.0,
            heater_w: heater_w.0,
            laser_w: laser_w.0,
            els_w: els_w.0,
            overhead_w: technology.overhead_per_port.0,
            conversion_loss_w: conversion_loss_w.0,
            optics_w: optics_w.0,
            with_host_w: with_host_w.0,
            optics_pj_per_bit: optics_w.per_bit(port_rate).0,
            with_host_pj_per_bit: with_host_w.per_bit(port_rate).0,
        },
        laser,
        ring_tuning,
    ))
}

fn evaluate(
    scenario: &Scenario,
    technology: &Technology,
    generation: &Generation,
    parts: &Parts,
) -> Result<TechnologyResult, CompareError> {
    let (port, laser, ring_tuning) =
        port_power(technology, generation, parts, &scenario.photonics)?;
    let ports = generation.ports_per_switch();
    let capacity = generation.switch_capacity();

    let asic_core = generation.asic_core.at_rate(capacity);
    let asic_serdes = Watts(port.host_serdes_w * f64::from(ports));
    let asic = asic_core + asic_serdes;
    let optics_total = Watts(port.optics_w * f64::from(ports));
    let total = asic + optics_total;
    let switch_power = SwitchPower {
        asic_core_w: asic_core.0,
        asic_serdes_w: asic_serdes.0,
        asic_w: asic.0,
        optics_w: optics_total.0,
        total_w: total.0,
        pj_per_bit: total.per_bit(capacity).0,
    };

    let mut cost = cost(scenario, technology, generation, parts, laser.as_ref());
    if technology.package.is_some() {
        // The package's heat: the ASIC and the engines (everything in a port's optics but the
        // external laser and the conversion loss, which sit outside the package).
        let in_package_w = port.dsp_w
            + port.driver_w
            + port.tia_w
            + port.oe_serdes_w
            + port.heater_w
            + port.laser_w
            + port.overhead_w;
        let heat_kw = (asic.0 + in_package_w * f64::from(ports)) / 1000.0;
        let cooling =
            cooling::cooling_bom(&scenario.codesign.bom, heat_kw, false, 0, 0).per_switch_mid_usd;
        cost.cooling_usd_per_switch = Some(cooling);
        cost.switch_usd_per_gbps_with_cooling = Some((cost.switch_usd + cooling) / capacity.0);
    }
    let density = density(technology, generation);
    let service = serviceability(scenario, technology, generation);
    let sensitivities = sensitivities(technology, generation, parts, &scenario.photonics, &port)?;

    Ok(TechnologyResult {
        id: technology.id.clone(),
        label: technology.label.clone(),
        kind: technology.kind,
        port_power: port,
        laser,
        rings: ring_tuning,
        switch_power,
        cost,
        density,
        reach_m: technology.reach.0,
        reach_class: technology.reach_class.clone(),
        service,
        sensitivities,
    })
}

fn cost(
    scenario: &Scenario,
    technology: &Technology,
    generation: &Generation,
    parts: &Parts,
    laser: Option<&LaserResult>,
) -> CostResult {
    let lanes = f64::from(generation.lanes_per_port);
    let ports = generation.ports_per_switch();
    let lasers_per_port = laser.map_or(0.0, |laser| laser.lasers_per_port);
    let els = technology.laser.as_ref().and_then(|laser| laser.els.as_ref());
    let els_modules_per_switch = els.map(|els| {
        let lasers_per_switch = lasers_per_port * f64::from(ports);
        (lasers_per_switch / f64::from(els.lasers_per_module)).ceil() as u32
    });
    let els_usd_per_port = els
        .zip(els_modules_per_switch)
        .map_or(0.0, |(els, modules)| els.module_cost.0 * f64::from(modules) / f64::from(ports));
    let laser_usd_per_port =
        if els.is_some() { 0.0 } else { parts.laser_cost_each.0 * lasers_per_port };
    let electronics_usd_per_port = parts.electronics_cost_per_lane.0 * lanes;
    let port_usd = parts.dsp_cost_per_port.0
        + electronics_usd_per_port
        + laser_usd_per_port
        + els_usd_per_port
        + parts.optics_cost_per_port.0
        + parts.housing_cost_per_port.0;
    let switch_usd = generation.asic_cost.0 + port_usd * f64::from(ports);
    CostResult {
        dsp_usd_per_port: parts.dsp_cost_per_port.0,
        electronics_usd_per_port,
        laser_usd_per_port,
        els_usd_per_port,
        optics_usd_per_port: parts.optics_cost_per_port.0,
        housing_usd_per_port: parts.housing_cost_per_port.0,
        port_usd,
        port_usd_per_gbps: port_usd / generation.port_rate().0,
        module_price_usd: (technology.kind == TechnologyKind::Pluggable)
            .then(|| port_usd / (1.0 - scenario.cost.module_gross_margin)),
        els_modules_per_switch,
        switch_usd,
        switch_usd_per_gbps: switch_usd / generation.switch_capacity().0,
        cooling_usd_per_switch: None,
        switch_usd_per_gbps_with_cooling: None,
    }
}

fn density(technology: &Technology, generation: &Generation) -> Density {
    let ports = generation.ports_per_switch();
    let port_rate = generation.port_rate();
    let engines_per_switch =
        technology.package.as_ref().map(|package| package.engines_per_switch(generation));
    Density {
        ports_per_ru: technology.faceplate_ports_per_ru,
        tbps_per_ru: f64::from(technology.faceplate_ports_per_ru) * port_rate.0 / 1000.0,
        rack_units: ports.div_ceil(technology.faceplate_ports_per_ru),
        engines_per_switch,
        tbps_per_mm_edge: technology
            .package
            .as_ref()
            .map(|package| package.engine_capacity.0 / 1000.0 / package.engine_edge.0),
    }
}

fn serviceability(
    scenario: &Scenario,
    technology: &Technology,
    generation: &Generation,
) -> Serviceability {
    let service = &scenario.service;
    let ports = generation.ports_per_switch();
    let lanes_per_port = generation.lanes_per_port;
    let impact = |fru: Fru, ports_down: u32| {
        let (mttr, blast_radius_ports, hot_swappable) = match fru {
            Fru::Module => (service.module_swap_mttr, ports_down, true),
            Fru::Cable => (service.cable_swap_mttr, ports_down, true),
            Fru::ElsModule => (service.els_swap_mttr, ports_down, true),
            // Replacing the switch drains every port on it.
            Fru::Switch => (service.switch_replace_mttr, ports, false),
        };
        FailureImpact {
            fru,
            ports_down,
            blast_radius_ports,
            hot_swappable,
            mttr_h: mttr.0,
            mttr_class: MttrClass::of(mttr.0),
        }
    };
    match technology.kind {
        TechnologyKind::Pluggable => Serviceability {
            laser_failure: Some(impact(Fru::Module, 1)),
            port_failure: impact(Fru::Module, 1),
        },
        TechnologyKind::Copper => {
            Serviceability { laser_failure: None, port_failure: impact(Fru::Cable, 1) }
        }
        TechnologyKind::CoPackaged => {
            let ports_per_engine = technology.package.as_ref().map_or(ports, |package| {
                (package.ports_per_engine(generation).ceil() as u32).min(ports)
            });
            let laser_failure = technology.laser.as_ref().map(|laser| match &laser.els {
                Some(els) => {
                    let lanes_per_module = els.lasers_per_module * laser.lanes_per_laser;
                    impact(Fru::ElsModule, lanes_per_module.div_ceil(lanes_per_port).min(ports))
                }
                None => impact(Fru::Switch, laser.lanes_per_laser.div_ceil(lanes_per_port)),
            });
            Serviceability { laser_failure, port_failure: impact(Fru::Switch, ports_per_engine) }
        }
    }
}

fn sensitivities(
    technology: &Technology,
    generation: &Generation,
    parts: &Parts,
    photonics: &PhotonicsSettings,
    base: &PortPower,
) -> Result<Vec<Sensitivity>, CompareError> {
    let mut variants: Vec<(String, Technology, Generation)> = Vec::new();
    if technology.optics().is_some() {
        let mut coupling = technology.clone();
        if let Some(link_budget) = coupling.link_budget.as_mut() {
            link_budget.coupling_loss.0 += 1.0;
        }
        variants.push(("coupling loss +1 dB".to_string(), coupling, generation.clone()));

        let mut hotter = technology.clone();
        if let Some(laser) = hotter.laser.as_mut() {
            laser.ambient_temp.0 += 10.0;
        }
        if let Some(rings) = hotter.rings.as_mut() {
            rings.ring_temp.0 += 10.0;
        }
        variants.push((
            "laser and ring surroundings +10 K".to_string(),
            hotter,
            generation.clone(),
        ));

        let mut weaker = technology.clone();
        if let Some(laser) = weaker.laser.as_mut() {
            laser.wall_plug_efficiency *= 0.9;
        }
        variants.push(("laser wall-plug efficiency -10 %".to_string(), weaker, generation.clone()));

        let mut deaf = generation.clone();
        deaf.rx_oma_sensitivity.0 += 1.0;
        variants.push(("receiver sensitivity 1 dB worse".to_string(), technology.clone(), deaf));
    }
    let mut serdes = generation.clone();
    serdes.host_serdes_long_reach += PjPerBit(1.0);
    serdes.host_serdes_xsr += PjPerBit(1.0);
    variants.push(("host SerDes class energy +1 pJ/bit".to_string(), technology.clone(), serdes));

    variants
        .into_iter()
        .map(|(parameter, technology, generation)| {
            let (changed, _, _) = port_power(&technology, &generation, parts, photonics)?;
            Ok(Sensitivity {
                parameter,
                delta_optics_w_per_port: changed.optics_w - base.optics_w,
                delta_optics_pj_per_bit: changed.optics_pj_per_bit - base.optics_pj_per_bit,
                delta_with_host_pj_per_bit: changed.with_host_pj_per_bit
                    - base.with_host_pj_per_bit,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
