//! `[market]` resolved: the priors, the network tiers, the value split by layer and the
//! criteria that define the scenarios.

use super::Prior;
use cporamp_core::market_input::ByMarketInput;
use cporamp_core::supply::Family;
use serde::{Serialize, Serializer};

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
    pub engine_temp_limit_c: f64,
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
#[derive(Debug, Clone, Serialize)]
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
