//! `[market]`: the section of the scenario file this engine reads, as written
//! ([`MarketOptions`]) and checked ([`MarketSettings`], by [`resolve()`]): the priors, the
//! network tiers, the value split by layer and the criteria that define the scenarios.
//!
//! The engine owns its section: its raw serde types, every range check of its fields (each
//! problem names the field path, the value, the interval and the unit, through
//! [`cporamp_core::check::Checker`]) and the resolved settings. The technologies it names
//! (one per family) are resolved by the scenario that holds the section, through
//! [`Catalog`].

mod resolve;

pub use resolve::{Catalog, resolve};

use cporamp_core::market_input::ByMarketInput;
use cporamp_core::prior::Prior;
use cporamp_core::supply::Family;
use cporamp_core::units::Celsius;
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;

/// `[market]` as written: bare numbers with the unit in the field name, counts and years as
/// `i64` so that a bad one is a named range error, technologies by id, priors by input name.
#[allow(missing_docs, reason = "each field is documented beside its value in the default scenario")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketOptions {
    pub seed: i64,
    pub samples: i64,
    pub start_year: i64,
    pub end_year: i64,
    pub cpo_technology: String,
    pub pluggable_technology: String,
    pub lpo_technology: String,
    pub engine_temp_limit_c: f64,
    pub pilot_share: f64,
    pub surrogate_error_bound: f64,
    pub laser_factors: Vec<f64>,
    pub engine_fit_factors: Vec<f64>,
    pub sobol_samples: i64,
    pub sobol_bootstrap: i64,
    pub criteria: MarketCriteriaOptions,
    pub priors: BTreeMap<String, PriorOptions>,
    pub tiers: Vec<MarketTierOptions>,
    pub layer_split: BTreeMap<String, Vec<f64>>,
}

/// `[market.criteria]`.
#[allow(missing_docs, reason = "each field is documented beside its value in the default scenario")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketCriteriaOptions {
    pub yield_target: f64,
    pub volume_share: f64,
    pub goodput_parity: f64,
    pub bull_by_year: i64,
    pub bear_after_year: i64,
    pub unlockable_limit: f64,
    pub flap_limit_per_lane_h: f64,
}

/// One prior: `kind` and the parameters of that kind.
#[allow(missing_docs, reason = "each field is documented beside its value in the default scenario")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorOptions {
    pub kind: String,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub median: Option<f64>,
    pub sigma: Option<f64>,
    pub low: Option<f64>,
    pub mode: Option<f64>,
    pub high: Option<f64>,
}

/// `[[market.tiers]]`.
#[allow(missing_docs, reason = "each field is documented beside its value in the default scenario")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketTierOptions {
    pub name: String,
    pub ports_per_accelerator: f64,
    pub cpo_max_share: f64,
    pub lpo_allowed: bool,
    pub job_exposed: bool,
}

/// The market engine: priors on the inputs that decide the ramp, the network tiers, the value
/// split by supply-chain layer and the criteria that define the article's scenarios.
#[derive(Debug, Clone, Serialize)]
pub struct MarketSettings {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Prior samples.
    pub samples: usize,
    /// First and last year of the horizon.
    pub start_year: i32,
    /// Last year of the horizon.
    pub end_year: i32,
    /// Index of the co-packaged technology the market weighs.
    pub cpo_technology: usize,
    /// Index of the pluggable reference.
    pub pluggable_technology: usize,
    /// Index of the linear-drive technology.
    pub lpo_technology: usize,
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
    /// Value split by layer ([`cporamp_core::supply::Layer::ALL`] order) of each technology family,
    /// one per family, in the order of the names (as `[market.layer_split]` sorts them).
    pub layer_split: Vec<(Family, [f64; 4])>,
}

impl MarketSettings {
    /// The index of the scenario technology that `[market]` names for `family`
    /// (`pluggable_technology`, `lpo_technology`, `cpo_technology`).
    #[must_use]
    pub fn technology_of(&self, family: Family) -> usize {
        match family {
            Family::Pluggable => self.pluggable_technology,
            Family::Lpo => self.lpo_technology,
            Family::Cpo => self.cpo_technology,
        }
    }
}

/// The criteria that define volume and the scenarios.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// One network tier of the market.
#[derive(Debug, Clone, Serialize)]
pub struct MarketTier {
    /// Name (`scale-up`, `leaf`, `spine`).
    pub name: String,
    /// Ports per accelerator in this tier.
    pub ports_per_accelerator: f64,
    /// Largest CPO share of new ports (0: CPO not used here).
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

    /// Technology 0 is co-packaged, 1 and 2 are pluggable; ids are their family's name.
    struct ThreeTechnologies;

    impl Catalog for ThreeTechnologies {
        fn technology(&self, checker: &mut Checker, path: &str, id: &str, family: Family) -> usize {
            match (id, family) {
                ("cpo_els", Family::Cpo) => 0,
                ("pluggable_dsp", Family::Pluggable | Family::Lpo) => 1,
                ("lpo", Family::Pluggable | Family::Lpo) => 2,
                _ => {
                    checker.invalid(path, id, "a technology of that kind");
                    0
                }
            }
        }
    }

    /// The default scenario's `[market]` table, with `edit` applied to its text first, checked
    /// alone.
    fn default_section(edit: impl Fn(&str) -> String) -> (MarketSettings, Vec<String>) {
        let text = edit(include_str!("../../../cporamp-scenario/presets/default.toml"));
        let mut file: toml::Table = toml::from_str(&text).unwrap();
        let options: MarketOptions = file.remove("market").unwrap().try_into().unwrap();
        let mut checker = Checker::default();
        let settings = resolve(&mut checker, &options, &ThreeTechnologies);
        (settings, checker.diagnostics.iter().map(|d| d.path.clone()).collect())
    }

    #[test]
    fn the_default_section_resolves_alone() {
        let (settings, problems) = default_section(str::to_string);
        assert!(problems.is_empty(), "{problems:?}");
        let technologies =
            Family::ALL.map(|family| (family, settings.technology_of(family))).to_vec();
        assert!(technologies.contains(&(Family::Cpo, 0)), "{technologies:?}");
        assert!(technologies.contains(&(Family::Lpo, 2)), "{technologies:?}");
        assert_eq!((settings.start_year, settings.end_year), (2026, 2032));
        assert_eq!(settings.layer_split.len(), Family::ALL.len());
    }

    #[test]
    fn every_problem_is_named_by_its_field_path() {
        let (_, problems) = default_section(|text| {
            text.replace("lpo_technology = \"lpo\"", "lpo_technology = \"cpo_els\"")
                .replace("end_year = 2032 ", "end_year = 2020 ")
                .replace("[market.priors.warpage_factor]", "[market.priors.warpage_fator]")
        });
        // The misspelt table is unknown, and the input it was meant for has no prior.
        assert_eq!(
            problems,
            [
                "market.lpo_technology",
                "market.end_year",
                "market.priors.warpage_fator",
                "market.priors"
            ]
        );
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
