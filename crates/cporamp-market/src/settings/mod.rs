//! `[market]`: the section of the scenario file this engine reads ([`MarketSettings`],
//! deserialized as written and checked by [`check()`]): the priors, the network tiers, the
//! value split by layer and the criteria that define the scenarios.
//!
//! The engine owns its section: one serde type per table (a prior is [`Prior`], its `kind`
//! and that kind's parameters; the priors are a table keyed by input), and every range check
//! of its fields (each problem names the field path, the value, the interval and the unit,
//! through [`cporamp_core::check::Checker`]). The technologies it names (one per family) are
//! checked against the scenario that holds the section, through [`Catalog`].

mod check;

pub use check::{Catalog, check};
pub(crate) use check::{check_criteria, check_priors, check_tiers};

use cporamp_core::ids::TechnologyId;
use cporamp_core::market_input::ByMarketInput;
use cporamp_core::prior::Prior;
use cporamp_core::supply::Family;
use cporamp_core::units::Celsius;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;

/// The market engine: priors on the inputs that decide the ramp, the network tiers, the value
/// split by supply-chain layer and the criteria that define the article's scenarios:
/// `[market]` as written, bare numbers with the unit in the field name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Prior samples.
    pub samples: usize,
    /// First and last year of the horizon.
    pub start_year: i32,
    /// Last year of the horizon.
    pub end_year: i32,
    /// The co-packaged technology the market weighs.
    pub cpo_technology: TechnologyId,
    /// The pluggable reference.
    pub pluggable_technology: TechnologyId,
    /// The linear-drive technology.
    pub lpo_technology: TechnologyId,
    /// Engine temperature above which a co-packaged design needs a redesign, °C.
    pub engine_temp_limit_c: Celsius,
    /// CPO share shipped as pilots before the criteria hold.
    pub pilot_share: f64,
    /// Largest held-out error accepted from a surrogate of an engine.
    pub surrogate_error_bound: f64,
    /// Laser failure-rate multipliers at which the fleet engine is run for the goodput
    /// surrogate.
    pub laser_factors: Vec<f64>,
    /// Multipliers on the co-packaged engine ports' random failure rate at which the fleet
    /// engine is run for the goodput surrogate.
    pub engine_fit_factors: Vec<f64>,
    /// Base samples of the Sobol analysis.
    pub sobol_samples: usize,
    /// Bootstrap resamples of the Sobol confidence intervals.
    pub sobol_bootstrap: usize,
    /// Scenario criteria.
    pub criteria: MarketCriteria,
    /// One prior per input of the market engine (serialized as `[name, prior]` pairs in the
    /// order of the names, as `[market.priors.<name>]` tables sort in the file).
    #[serde(serialize_with = "priors_by_name")]
    pub priors: ByMarketInput<Prior>,
    /// Network tiers.
    pub tiers: Vec<MarketTier>,
    /// Value split by layer ([`cporamp_core::supply::Layer::ALL`] order) of each technology
    /// family: four fractions summing to 1 per family.
    pub layer_split: BTreeMap<Family, Vec<f64>>,
}

impl MarketSettings {
    /// The scenario technology that `[market]` names for `family` (`pluggable_technology`,
    /// `lpo_technology`, `cpo_technology`).
    #[must_use]
    pub fn technology_of(&self, family: Family) -> &TechnologyId {
        match family {
            Family::Pluggable => &self.pluggable_technology,
            Family::Lpo => &self.lpo_technology,
            Family::Cpo => &self.cpo_technology,
        }
    }
}

/// The criteria that define volume and the scenarios (`[market.criteria]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketCriteria {
    /// CPO package yield needed for volume.
    pub yield_target: f64,
    /// CPO share of a tier's new ports that counts as volume.
    pub volume_share: f64,
    /// Extra job goodput loss tolerated against pluggables.
    pub goodput_parity: f64,
    /// Bull: volume in the main tier by this year.
    pub bull_by_year: i32,
    /// The end of the article's window: base by this year, bear after it.
    pub bear_after_year: i32,
    /// Tail: largest fraction of unlockable lanes at the hot end of the inlet sweep.
    pub unlockable_limit: f64,
    /// Tail: largest flap rate there, per lane-hour.
    pub flap_limit_per_lane_h: f64,
}

/// One network tier of the market (`[[market.tiers]]`), as the engine's anchors hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketTier {
    /// Name (`scale-up`, `leaf`, `spine`).
    pub name: String,
    /// Ports per accelerator in this tier.
    pub ports_per_accelerator: f64,
    /// Largest CPO share of new ports, in \[0, 1\] (0: CPO not used here).
    pub cpo_max_share: f64,
    /// Whether LPO reaches across this tier.
    pub lpo_allowed: bool,
    /// Whether this tier's link failures interrupt the training job.
    pub job_exposed: bool,
}

/// `priors` as `[name, prior]` pairs sorted by name.
fn priors_by_name<S: Serializer>(
    priors: &ByMarketInput<Prior>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(priors.by_name().into_iter().map(|(input, prior)| (input.name(), prior)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cporamp_core::check::Checker;

    /// `cpo_els` is co-packaged, `pluggable_dsp` and `lpo` are pluggable.
    struct ThreeTechnologies;

    impl Catalog for ThreeTechnologies {
        fn check_technology(&self, checker: &mut Checker, path: &str, id: &str, family: Family) {
            let known = matches!(
                (id, family),
                ("cpo_els", Family::Cpo)
                    | ("pluggable_dsp" | "lpo", Family::Pluggable | Family::Lpo)
            );
            if !known {
                checker.invalid(path, id, "a technology of that kind");
            }
        }
    }

    /// The default scenario's `[market]` table, with `edit` applied to its text first, checked
    /// alone.
    fn default_section(edit: impl Fn(&str) -> String) -> (MarketSettings, Vec<String>) {
        let text = edit(include_str!("../../../cporamp-scenario/presets/default.toml"));
        let mut file: toml::Table = toml::from_str(&text).unwrap();
        let settings: MarketSettings = file.remove("market").unwrap().try_into().unwrap();
        let mut checker = Checker::default();
        check(&mut checker, &settings, &ThreeTechnologies);
        (settings, checker.diagnostics.iter().map(|d| d.path.clone()).collect())
    }

    #[test]
    fn the_default_section_checks_alone() {
        let (settings, problems) = default_section(str::to_string);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(&**settings.technology_of(Family::Cpo), "cpo_els");
        assert_eq!(&**settings.technology_of(Family::Lpo), "lpo");
        assert_eq!((settings.start_year, settings.end_year), (2026, 2032));
        assert_eq!(settings.layer_split.len(), Family::ALL.len());
    }

    #[test]
    fn every_problem_is_named_by_its_field_path() {
        let (_, problems) = default_section(|text| {
            text.replace("lpo_technology = \"lpo\"", "lpo_technology = \"cpo_els\"")
                .replace("end_year = 2032 ", "end_year = 2020 ")
                .replace("\nsamples = ", "\nsamples = 5 #")
        });
        assert_eq!(problems, ["market.lpo_technology", "market.end_year", "market.samples"]);
    }

    #[test]
    fn the_pilot_share_is_checked_only_against_a_valid_volume_share() {
        let problems = |volume: &str| {
            default_section(|text| {
                text.replacen("\nvolume_share = ", &format!("\nvolume_share = {volume} #"), 1)
            })
            .1
        };
        // Pilots (2 %) at or above the volume share are refused...
        assert_eq!(problems("0.02"), ["market.pilot_share"]);
        // ...but an invalid volume share is named alone.
        assert_eq!(problems("1.5"), ["market.criteria.volume_share"]);
    }
}
