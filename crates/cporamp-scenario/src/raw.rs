//! The scenario file as written: its serde types, one per table.
//!
//! Every struct refuses unknown fields and every field is required, so a typo is an error
//! and nothing is silently defaulted. The file writes bare numbers with the unit in the
//! field name; the typed settings read them into unit newtypes (through serde renames where
//! the field's name drops the unit). The checks (each engine's `settings::check` for its
//! section, `resolve/` for the rest) then check their ranges. The one table defined here,
//! `[compare]`, orders the generations and technologies of [`crate::Scenario`].
//!
//! **Adding an engine's section.** An engine adds one top-level field here (as `fleet` did:
//! `pub fleet: FleetSettings`, required, since nothing is defaulted); its serde types and
//! checks live in the engine's crate (`cporamp_fleet::settings`), re-exported here.
//! No other section changes.
#![allow(
    missing_docs,
    reason = "each field is documented beside its value in presets/default.toml"
)]

pub use cporamp_align::settings::AlignSettings;
pub use cporamp_fleet::settings::FleetSettings;
pub use cporamp_market::settings::MarketSettings;
pub use cporamp_photonics::settings::PhotonicsSettings;
pub use cporamp_thermal::settings::ThermalSettings;
pub use cporamp_yield::settings::YieldSettings;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Must equal [`super::SCHEMA_VERSION`].
    pub schema_version: i64,
    /// Short name shown in reports.
    pub name: String,
    /// One line on what the scenario is for.
    pub description: String,
    /// What the comparison covers and in what order.
    pub compare: CompareOptions,
    /// Switch generations by id (`"51.2T"`).
    pub generation: BTreeMap<String, crate::Generation>,
    /// Repair times shared by all technologies.
    pub service: crate::Service,
    /// Money shared by all technologies.
    pub cost: crate::Cost,
    /// Technologies by id (`cpo_els`).
    pub technology: BTreeMap<String, crate::Technology>,
    /// The thermal engine's co-packaged switch package and its cooling.
    pub thermal: ThermalSettings,
    /// The photonics engine: rings, lock loop, lane variation, drift workload.
    pub photonics: PhotonicsSettings,
    /// The yield engine: defects, warpage, test flow and costs.
    #[serde(rename = "yield")]
    pub yield_options: YieldSettings,
    /// The fleet engine: cluster, fabrics, reliability, repair, training job.
    pub fleet: FleetSettings,
    /// The market engine: priors, tiers, value split, scenario criteria.
    pub market: MarketSettings,
    /// Automated fiber alignment and passive attach.
    pub align: AlignSettings,
    /// The liquid-cooling and optics co-design sweep and the cooling bill of materials.
    pub codesign: crate::CodesignSettings,
}

/// `[compare]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompareOptions {
    /// Generation ids, in display order.
    pub generations: Vec<String>,
    /// Technology ids, in display order.
    pub technologies: Vec<String>,
}
