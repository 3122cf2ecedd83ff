//! Scenarios: the TOML a user writes, checked and resolved into engine inputs.
//!
//! Three layers:
//! 1. [`raw`]: the file's serde types, unknown fields refused, nothing defaulted. Every
//!    table deserializes straight into the typed settings the engines read (unit newtypes,
//!    enums, typed ids), except `[compare]`, which only orders the generations and
//!    technologies;
//! 2. `resolve`: range and consistency checks that collect every problem of a file that
//!    parses with its field path, value, allowed range and unit, located back in the file by
//!    line and column;
//! 3. the checked [`Scenario`] below: those types, the generations and technologies in
//!    `[compare]`'s order, their ids from their tables' keys.
//!
//! Each engine section's settings type and its check are its engine's own
//! (`cporamp_thermal::settings`, `cporamp_photonics::settings`, `cporamp_yield::settings`,
//! `cporamp_fleet::settings`, `cporamp_market::settings`, `cporamp_align::settings`); this
//! crate composes them with the technologies, generations and `[codesign]`, checks the ids
//! one section names in another, and runs the checks that relate sections. Engines read
//! their settings and never see TOML text.

mod codesign;
pub mod limits;

mod quick;
pub mod raw;
mod resolve;
mod schema;
mod technology;

use cporamp_core::coupling::FiberAttach;
use cporamp_core::error::{Diagnostic, DiagnosticKind, ScenarioError};
use cporamp_core::units::Hours;
use serde::{Deserialize, Serialize};

/// The scenario schema this build reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

/// The embedded default scenario, with a comment citing the source of every value.
pub const DEFAULT_SCENARIO_TOML: &str = include_str!("../presets/default.toml");

/// The origin name used in messages about the embedded default.
pub const DEFAULT_ORIGIN: &str = "<embedded default>";

pub use codesign::{
    ChannelGeometry, CodesignSettings, CoolingBom, ElsPlacement, EnginePlate, PriceRange,
};
pub use cporamp_align::settings::{AlignSettings, AttachCost};
pub use cporamp_core::prior::Prior;
pub use cporamp_fleet::settings::{FleetJob, FleetReliability, FleetSettings};
pub use cporamp_market::settings::{MarketCriteria, MarketSettings, MarketTier};
pub use cporamp_photonics::settings::{PhotonicsSettings, Rings};
pub use cporamp_thermal::settings::{
    AsicLeakage, Board, ColdPlate, Cycling, HeatSinkKind, ThermalSettings,
};
pub use cporamp_yield::settings::{Ramp, Rework, YieldSettings};
pub use quick::{QUICK_ORIGIN, quick_scenario_toml};
pub use technology::{
    Cooling, Els, Generation, Laser, LaserPlacement, LinkBudget, Optics, Package, Parts,
    SerdesClass, Tec, Technology, TechnologyKind,
};

/// Parses, checks and resolves a scenario. `origin` names the file in error messages.
///
/// # Errors
/// A [`ScenarioError`] listing every problem found, each with its field path, value,
/// allowed range and unit, and its line and column where known.
pub fn load(source: &str, origin: &str) -> Result<Scenario, ScenarioError> {
    let fail =
        |diagnostics: Vec<Diagnostic>| ScenarioError { origin: origin.to_string(), diagnostics };
    let deserializer = toml::Deserializer::parse(source).map_err(|error| {
        let message = error.message().trim().to_string();
        let duplicate = match error.span() {
            Some(span) if message.starts_with("duplicate key") => {
                schema::duplicate_key(source, span)
            }
            _ => None,
        };
        fail(vec![duplicate.unwrap_or_else(|| Diagnostic {
            path: String::new(),
            location:
                error.span().map(|span| cporamp_core::locate::line_column(source, span.start)),
            kind: DiagnosticKind::Syntax { message },
        })])
    })?;
    let file: raw::ScenarioFile =
        serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let path = schema::field_path(error.path());
            let inner = error.into_inner();
            let message = inner.message().trim().to_string();
            let kind = schema::invalid_text(source, &message, inner.span())
                .or_else(|| schema::wrong_type(source, &path, &message, inner.span()))
                .or_else(|| schema::unknown_choice(&message))
                .unwrap_or(DiagnosticKind::Schema { message });
            fail(vec![Diagnostic {
                location: inner
                    .span()
                    .map(|span| cporamp_core::locate::line_column(source, span.start)),
                path,
                kind,
            }])
        })?;
    let located = |mut diagnostics: Vec<Diagnostic>| {
        for diagnostic in &mut diagnostics {
            diagnostic.location = cporamp_core::locate::locate_path(source, &diagnostic.path);
        }
        fail(diagnostics)
    };
    let scenario = resolve::resolve(&file).map_err(located)?;
    // Ranges that depend on other fields, once every field is in its own range.
    let dependent = limits::dependent(&scenario);
    if dependent.is_empty() { Ok(scenario) } else { Err(located(dependent)) }
}

/// Line and column of the field `path` (dotted, as in diagnostics) in `source`, or of its
/// deepest parent present.
#[must_use]
pub fn locate(source: &str, path: &str) -> Option<(usize, usize)> {
    cporamp_core::locate::locate_path(source, path)
}

/// The embedded default scenario, resolved.
///
/// # Errors
/// Only if the embedded file is broken, which a test rules out.
pub fn load_default() -> Result<Scenario, ScenarioError> {
    load(DEFAULT_SCENARIO_TOML, DEFAULT_ORIGIN)
}

/// A checked scenario: everything an engine needs, in unit types.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// One line on what it is for.
    pub description: String,
    /// Switch generations in display order.
    pub generations: Vec<Generation>,
    /// Technologies in display order.
    pub technologies: Vec<Technology>,
    /// Repair times.
    pub service: Service,
    /// Money shared by all technologies.
    pub cost: Cost,
    /// The thermal engine's package and cooling.
    pub thermal: ThermalSettings,
    /// The photonics engine's settings.
    pub photonics: PhotonicsSettings,
    /// The yield engine's settings.
    pub yield_settings: YieldSettings,
    /// The fleet engine's settings.
    pub fleet: FleetSettings,
    /// The market engine's settings.
    pub market: MarketSettings,
    /// Automated fiber alignment and passive attach.
    pub align: AlignSettings,
    /// The liquid-cooling and optics co-design sweep and the cooling bill of materials.
    pub codesign: CodesignSettings,
}

impl Scenario {
    /// The generation with this id.
    #[must_use]
    pub fn generation(&self, id: &str) -> Option<&Generation> {
        self.generations.iter().find(|generation| generation.id == id)
    }

    /// The technology `id`, if the scenario defines it.
    #[must_use]
    pub fn technology(&self, id: &str) -> Option<&Technology> {
        self.technologies.iter().find(|technology| technology.id == id)
    }

    /// The scenario restricted to the generation at `index` of [`Scenario::generations`]:
    /// every per-generation table keeps that generation's entry only, and the fleet (so the
    /// market, which is anchored on it) is built at it.
    ///
    /// # Panics
    /// If `index` is out of range (look the id up first, e.g. with
    /// `cporamp_compare::generation_index`, which names the ids the scenario defines).
    #[must_use]
    pub fn only_generation(&self, index: usize) -> Scenario {
        let mut only = self.clone();
        only.generations = vec![self.generations[index].clone()];
        only.thermal.asic_side_mm.retain(|id, _| *id == self.generations[index].id);
        for technology in &mut only.technologies {
            technology.per_generation.retain(|id, _| *id == self.generations[index].id);
        }
        only.fleet.generation = self.generations[index].id.clone();
        only.codesign.generation = self.generations[index].id.clone();
        only
    }

    /// The fibers' attach to the edge couplers, one for the alignment model and the yield
    /// engine: the coupler's mode, wavelength and coupling budget and the cores' spread from
    /// `[photonics]`, the cure shift, bond line and tilt from `[yield]`.
    #[must_use]
    pub fn fiber_attach(&self) -> FiberAttach {
        let (photonics, attach) = (&self.photonics, &self.yield_settings);
        FiberAttach {
            fiber_sigma_um: photonics.fiber_sigma_um,
            shift_sigma_um: attach.shift_sigma_um,
            mode_radius_um: photonics.mode_radius_um,
            wavelength_um: photonics.wavelength(),
            gap_index: attach.gap_index,
            gap_mean_um: attach.gap_mean_um,
            gap_sigma_um: attach.gap_sigma_um,
            tilt_sigma_mrad: attach.tilt_sigma_mrad,
            coupling_budget_db: photonics.coupling_allocation_db,
        }
    }
}

/// Money shared by all technologies (`[cost]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cost {
    /// Gross margin of pluggable-module vendors, a fraction in [0, 1).
    pub module_gross_margin: f64,
}

/// Repair times by field-replaceable unit (`[service]`; the file names each with its unit,
/// `module_swap_mttr_h`, ...).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Swap a pluggable module.
    #[serde(rename(deserialize = "module_swap_mttr_h"))]
    pub module_swap_mttr: Hours,
    /// Swap an external laser source module.
    #[serde(rename(deserialize = "els_swap_mttr_h"))]
    pub els_swap_mttr: Hours,
    /// Swap a cable.
    #[serde(rename(deserialize = "cable_swap_mttr_h"))]
    pub cable_swap_mttr: Hours,
    /// Replace a whole switch.
    #[serde(rename(deserialize = "switch_replace_mttr_h"))]
    pub switch_replace_mttr: Hours,
}

#[cfg(test)]
mod tests;
