//! What the market engine gives: scenarios with their reasons and probabilities, volume
//! years, value pools, what-it-takes scans, and updates after observations.

use super::*;

/// The article's scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// LPO/CPC lead; CPO enters limited volume.
    Base,
    /// Hyperscalers pull CPO forward.
    Bull,
    /// Yield and serviceability delay CPO.
    Bear,
    /// Thermal issues force a partial redesign.
    Tail,
}

impl Scenario {
    /// The scenario's id, as `results.json` writes it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Scenario::Base => "base",
            Scenario::Bull => "bull",
            Scenario::Bear => "bear",
            Scenario::Tail => "tail",
        }
    }

    /// What people call it.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Scenario::Base => "Base",
            Scenario::Bull => "Bull",
            Scenario::Bear => "Bear",
            Scenario::Tail => "Tail",
        }
    }
}

/// Why a sample is in its scenario.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Bull or base: the main tier reached volume in `year`.
    Volume {
        /// The volume year.
        year: i32,
    },
    /// Bear: the package yield missed its target in the window's last year.
    Yield {
        /// That year.
        year: i32,
        /// Its package yield.
        package_yield: f64,
    },
    /// Bear: the CPO fabric lost more job goodput than parity allows.
    Serviceability {
        /// The goodput loss against pluggables, fraction.
        goodput_loss: f64,
    },
    /// Bear: CPO's TCO above the best alternative's in the window's last year.
    Cost {
        /// That year.
        year: i32,
        /// CPO TCO over the best alternative's.
        tco_ratio: f64,
    },
    /// Bear: liquid cold plates not yet standard in the window's last year.
    Cooling {
        /// That year.
        year: i32,
    },
    /// Bear: eligible from `eligible_year`, but the share grew too slowly for volume.
    SlowRamp {
        /// First eligible year.
        eligible_year: i32,
    },
    /// Tail: the hottest engine above its limit at the hot end, by `excess_k`.
    EngineTemperature {
        /// Excess over the limit, K.
        excess_k: f64,
    },
    /// Tail: too many lanes cannot lock at the hot end.
    HeaterRange {
        /// Unlockable fraction.
        unlockable_fraction: f64,
    },
    /// Tail: flap rate above its limit at the hot end.
    Flaps {
        /// Flaps per lane-hour.
        per_lane_hour: f64,
    },
}

impl Reason {
    /// The reason's kind.
    #[must_use]
    pub fn kind(&self) -> ReasonKind {
        match self {
            Reason::Volume { .. } => ReasonKind::Volume,
            Reason::Yield { .. } => ReasonKind::Yield,
            Reason::Serviceability { .. } => ReasonKind::Serviceability,
            Reason::Cost { .. } => ReasonKind::Cost,
            Reason::Cooling { .. } => ReasonKind::Cooling,
            Reason::SlowRamp { .. } => ReasonKind::SlowRamp,
            Reason::EngineTemperature { .. } => ReasonKind::EngineTemperature,
            Reason::HeaterRange { .. } => ReasonKind::HeaterRange,
            Reason::Flaps { .. } => ReasonKind::Flaps,
        }
    }
}

/// A [`Reason`] without its figures (serialized as its snake-case name, `slow_ramp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// [`Reason::Volume`].
    Volume,
    /// [`Reason::Yield`].
    Yield,
    /// [`Reason::Serviceability`].
    Serviceability,
    /// [`Reason::Cost`].
    Cost,
    /// [`Reason::Cooling`].
    Cooling,
    /// [`Reason::SlowRamp`].
    SlowRamp,
    /// [`Reason::EngineTemperature`].
    EngineTemperature,
    /// [`Reason::HeaterRange`].
    HeaterRange,
    /// [`Reason::Flaps`].
    Flaps,
}

impl ReasonKind {
    /// What the reason means, in words.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            ReasonKind::Volume => "reached volume",
            ReasonKind::Yield => "package yield below its target",
            ReasonKind::Serviceability => "goodput loss beyond parity",
            ReasonKind::Cost => "cost of ownership above the alternatives",
            ReasonKind::Cooling => "cold plates not yet standard",
            ReasonKind::SlowRamp => "qualified, but pilots too slow to reach volume",
            ReasonKind::EngineTemperature => "engine too hot at the hottest inlet",
            ReasonKind::HeaterRange => "lanes cannot lock at the hottest inlet",
            ReasonKind::Flaps => "links flap at the hottest inlet",
        }
    }
}

/// The share of samples in one scenario for one kind of reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonShare {
    /// The scenario.
    pub scenario: Scenario,
    /// [`Reason::kind`].
    pub kind: ReasonKind,
    /// Fraction of all samples.
    pub fraction: f64,
}

/// The scenarios in array order.
pub const SCENARIOS: [Scenario; 4] =
    [Scenario::Base, Scenario::Bull, Scenario::Bear, Scenario::Tail];

/// One scenario's probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioProbability {
    /// Which.
    pub scenario: Scenario,
    /// Its id ([`Scenario::name`]).
    pub name: &'static str,
    /// Estimated probability.
    pub probability: f64,
    /// Its standard error.
    pub se: f64,
    /// The article's subjective probability.
    pub article: f64,
}

/// Percentiles of a quantity over samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantiles {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// Percentiles of a volume year; `None` is beyond the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearQuantiles {
    /// 10th percentile.
    pub p10: Option<i32>,
    /// Median.
    pub p50: Option<i32>,
    /// 90th percentile.
    pub p90: Option<i32>,
}

/// Per-tier results; per-year vectors follow `MarketResult::years`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierResult {
    /// Tier name.
    pub name: String,
    /// Volume-year percentiles.
    pub volume_year: YearQuantiles,
    /// Fraction of samples without a volume year in the horizon.
    pub never_fraction: f64,
    /// Percentiles of the CPO share of deployed ports, per year.
    pub cpo_share_fan: Vec<Quantiles>,
    /// Mean share of each technology ([`crate::Family::ALL`] order), per year.
    pub mean_shares: Vec<[f64; 3]>,
    /// Fraction of samples in which each technology leads, per year.
    pub migration: Vec<[f64; 3]>,
}

/// Mean value by layer in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValuePool {
    /// Year.
    pub year: i32,
    /// Mean spend per layer ([`crate::Layer::ALL`] order), USD.
    pub usd: [f64; 4],
}

/// One tornado bar: the main tier's volume year at an input's 10 % and 90 % quantiles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoBar {
    /// The input.
    pub input: MarketInput,
    /// Its 10 % quantile.
    pub low_value: f64,
    /// Its 90 % quantile.
    pub high_value: f64,
    /// Volume year at the 10 % quantile (`None`: beyond the horizon).
    pub year_at_low: Option<i32>,
    /// Volume year at the 90 % quantile.
    pub year_at_high: Option<i32>,
}

/// What one input alone would take to bring CPO to volume in the main tier by the scenario
/// window's last year (`bear_after_year`), every other input at its median and no thermal
/// model error: the input scanned over [`WHAT_IT_TAKES_GRID`] quantiles of its prior.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatItTakes {
    /// The input.
    pub input: MarketInput,
    /// The prior probability of the values that reach volume in time (the share of the
    /// scanned quantiles that do).
    pub prior_mass: f64,
    /// Of the values that reach it, the one nearest the median (the smallest change that
    /// would do) and its quantile; `None` when no value in the prior's range does.
    pub nearest: Option<(f64, f64)>,
}

/// Quantiles scanned per input by [`WhatItTakes`]: the midpoints of 200 equal-probability
/// bins, $u = (i + 1/2)/200$.
pub const WHAT_IT_TAKES_GRID: usize = 200;

/// A surrogate's validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurrogateCheck {
    /// Which anchor surrogate: its path in the anchors.
    pub name: &'static str,
    /// What people call it.
    #[serde(skip)]
    pub label: &'static str,
    /// [`Surrogate::held_out_error`].
    pub held_out_error: f64,
    /// `MarketInputs::surrogate_error_bound`.
    pub bound: f64,
}

/// What `update` needs of one sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleRecord {
    /// Input values.
    pub inputs: ByMarketInput<f64>,
    /// Standard normal draw of the thermal margin.
    pub thermal_z: f64,
    /// The scenario.
    pub scenario: Scenario,
    /// Why.
    pub reason: Reason,
    /// Volume year per tier.
    pub volume_years: Vec<Option<i32>>,
    /// Per [`Signal`] (by [`Signal::index`]), per year.
    pub signals: [Vec<f64>; 5],
}

impl SampleRecord {
    /// The sample's `signal`, per year.
    #[must_use]
    pub fn signal(&self, signal: Signal) -> &[f64] {
        &self.signals[signal.index()]
    }
}

/// The market Monte Carlo's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketResult {
    /// Samples.
    pub samples: usize,
    /// Simulated years.
    pub years: Vec<i32>,
    /// The tier that decides the scenario.
    pub main_tier: String,
    /// Input names, in [`SampleRecord::inputs`] order.
    pub input_names: Vec<MarketInput>,
    /// Scenario probabilities in [`SCENARIOS`] order.
    pub probabilities: [ScenarioProbability; 4],
    /// Why: per scenario and kind of reason, the fraction of samples, largest first.
    pub reasons: Vec<ReasonShare>,
    /// Fraction of samples in which each eligibility gate of the main tier is closed in the
    /// window's last year (several may be closed).
    pub closed_gates: crate::ByGate<f64>,
    /// Per tier.
    pub tiers: Vec<TierResult>,
    /// Mean value pools per year.
    pub value_pools: Vec<ValuePool>,
    /// Main tier's volume year with every input at its median ($z = 0$).
    pub tornado_baseline: Option<i32>,
    /// Tornado bars, widest swing first.
    pub tornado: Vec<TornadoBar>,
    /// Per input, what it alone would take to reach volume by the window's last year.
    pub what_it_takes: Vec<WhatItTakes>,
    /// Held-out errors of the anchor surrogates.
    pub surrogates: Vec<SurrogateCheck>,
    /// Per-sample records for `update` (kept in memory, not serialized: 10⁴ samples).
    #[serde(skip)]
    pub records: Vec<SampleRecord>,
}

/// Posterior summary of one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputPosterior {
    /// The input.
    pub name: String,
    /// Sample mean before the update.
    pub prior_mean: f64,
    /// Weighted mean.
    pub mean: f64,
    /// Weighted standard deviation.
    pub sd: f64,
}

/// One observation's share of the probability change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribution {
    /// Index into the observations.
    pub observation: usize,
    /// Its signal.
    pub signal: Signal,
    /// Its year.
    pub year: f64,
    /// Change of each scenario's probability when it is added to the earlier ones.
    pub change: [f64; 4],
}

/// Scenario probabilities after observations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Update {
    /// Normalised importance weights, per sample (not serialized).
    #[serde(skip)]
    pub weights: Vec<f64>,
    /// Kish effective sample size.
    pub ess: f64,
    /// ESS below [`ESS_WARNING_FRACTION`] of the samples.
    pub ess_warning: bool,
    /// Updated probabilities (standard errors with the ESS).
    pub probabilities: [ScenarioProbability; 4],
    /// Updated reasons, as [`MarketResult::reasons`].
    pub reasons: Vec<ReasonShare>,
    /// Sequential attribution, per observation.
    pub attribution: Vec<Attribution>,
    /// Weighted input summaries.
    pub inputs: Vec<InputPosterior>,
}
