//! cporamp-market: when co-packaged optics (CPO) reaches volume, the probabilities of the
//! article's four scenarios (base 55 %, bull 20 %, bear 20 %, tail 5 %) as they follow from
//! engineering uncertainty, the LPO bridge share by tier, value pools by supply-chain layer,
//! and the update of all of it by observed signals.
//!
//! # Inputs
//! The engineering engines give deterministic [`Anchors`]: capex and energy per Gb/s of each
//! technology at the reference CPO volume, and two fitted surrogates, package yield versus
//! the Wright defect factor (the yield engine's ramp) and the CPO fabric's extra job goodput
//! loss versus a multiplier on laser failure rates (fleet runs). The uncertain inputs carry
//! [`Prior`]s and are read by name ([`INPUT_NAMES`], each documented there); a missing,
//! unknown or repeated name is an error.
//!
//! # Model
//! One sample is one draw of the inputs run through the years; the equations are in the
//! [`model`] module docs. Each sample gives per tier the volume year (first year the CPO
//! share of deployed ports reaches `volume_share`), the shares of pluggable, LPO and CPO,
//! the value per layer and the five signals per year.
//!
//! # Scenarios
//! The article frames four stories for 2026-2028 ([`Scenario`]). Per sample, with $y_v$ the
//! volume year of the **main tier** (the first tier whose name is not `"scale-up"`, the
//! scale-out fabric the article's CPO switches serve) and $y_w$ = `bear_after_year` the end
//! of the article's window:
//! **tail** ("thermal issues force partial redesign") if the main tier qualified CPO by
//! $y_w$ and the thermal check at that qualification failed (reason: the engine temperature,
//! heater range or flap rate at the hot end of the inlet sweep); else **bull** ("hyperscalers
//! pull CPO forward") if $y_v \le$ `bull_by_year`; **base** ("CPO enters limited volume from
//! late 2027") if $y_v \le y_w$; else **bear** ("yield and serviceability delay CPO;
//! pluggables live longer"), with the reason read from the main tier's gates in $y_w$: the
//! first closed gate in the order yield, serviceability, cost, cooling, or a ramp too slow
//! when every gate was open. Each sample records its [`Reason`]. Probabilities are sample
//! fractions with binomial standard errors
//! $\sqrt{p(1-p)/n}$ (after an update, weighted fractions with $n$ the Kish effective sample
//! size); they sum to 1.
//!
//! # Sampling
//! A Latin hypercube on the unit cube ([`latin_hypercube`], permutations and jitters from
//! the master ChaCha8 stream 0 of `seed`), mapped through each prior's quantile
//! ([`Prior::quantile`]). Samples run in chunks of [`CHUNK`], chunk $c$ with its own ChaCha8
//! stream $c + 1$ (which draws the thermal margin's standard normal $z$), so results are
//! identical for any thread count.
//!
//! # Update by signals
//! An [`Observation`] of a [`Signal`] at a (fractional) year with standard deviation
//! $\sigma$ weights sample $i$ by the normal likelihood
//! $w_i \propto \prod_o \exp(-\tfrac12 ((v_o - m_i(t_o))/\sigma_o)^2)$, with $m_i(t)$ the
//! sample's signal linearly interpolated between years (weights and effective sample size
//! computed by log-sum-exp, so never NaN or infinite). An observation's value must lie in
//! its [`Signal::range`] and its $\sigma$ be at least [`MIN_OBSERVATION_SD`]; at most
//! [`MAX_OBSERVATIONS`] observations are taken, at one pass over the samples each. The Kish
//! effective sample size is $(\sum w)^2 / \sum w^2$; below
//! [`ESS_WARNING_FRACTION`] of the samples the update warns that the prior sample is too thin
//! for the evidence. Attribution is sequential: observation $o$'s change is the probability
//! with observations $1..o$ minus that with $1..o-1$, so the changes sum to the total.
//!
//! # Sensitivity
//! [`sobol()`] gives first-order and total Sobol indices, from one Saltelli design, of the
//! main tier's CPO share of new ports in the horizon's last year and of the two gate values
//! that decide whether it moves (package yield and the cost-of-ownership ratio in the
//! scenario window's last year); the thermal margin's standard normal joins as the extra
//! input `thermal_margin_noise`. Indices are variance fractions, so the
//! estimates and their bootstrap intervals are reported on \[0, 1\] (an estimator's sampling
//! noise can fall outside; the raw estimate is kept beside it). [`WhatItTakes`] scans each
//! input alone over its prior (the others at their medians) for the values that bring CPO to
//! volume in the main tier by the window's last year. The tornado runs the model at each
//! input's 10 % and 90 % quantile with the others at their medians ($z = 0$).
//!
//! # Migration map
//! Per tier and year, the share of samples in which each technology has the largest share of
//! deployed ports (ties go to the earlier technology in [`TECHNOLOGIES`]).
//!
//! **Architecture invariant:** pure and deterministic for a seed.

#![allow(
    clippy::needless_range_loop,
    reason = "indices address several parallel per-technology and per-layer arrays"
)]

pub mod model;
pub mod prior;
pub mod sobol;

pub use prior::{Prior, latin_hypercube, normal_quantile};
pub use sobol::SobolIndex;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

pub use model::{INPUT_RANGES, thermal_check};
use model::{Outcome, Params};

/// Samples per random stream.
pub const CHUNK: usize = 256;

/// Years a thermal redesign delays the start of CPO adoption after it becomes eligible
/// (assumption: one package re-spin).
pub const REDESIGN_YEARS: i32 = 2;

/// Equipment life over which TCO is counted, years.
pub const LIFE_YEARS: f64 = 5.0;

/// Hours per year (365.25 days).
pub const HOURS_PER_YEAR: f64 = 8766.0;

/// Relative TCO advantage that sets the pluggable/LPO logistic split's scale.
pub const SPLIT_SCALE: f64 = 0.1;

/// Rate of the liquid-cooling logistic of the cooling-design signal, per year.
pub const COOLING_RATE_PER_YEAR: f64 = 2.0;

/// Kish effective sample size, as a fraction of the samples, below which an update warns.
pub const ESS_WARNING_FRACTION: f64 = 0.05;

/// Smallest standard deviation an [`Observation`] may have, in its signal's unit (fraction,
/// K or relative level). It is far finer than any real measurement of the five signals (a
/// yield known to 10⁻⁶ needs about 10¹² packages tested; a temperature margin to 1 µK), and
/// it keeps the standardised residual $(v - m)/\sigma$ of a fraction signal below 10⁶, so
/// the log likelihood stays far from overflow; `sd = 1e-300` is refused rather than turned
/// into infinite residuals.
pub const MIN_OBSERVATION_SD: f64 = 1e-6;

/// Most observations one update takes. The update costs one pass over the samples per
/// observation (sequential attribution), and each gives one attribution row; 10,000 is far
/// more than the article's five signals observed every week of the horizon need.
pub const MAX_OBSERVATIONS: usize = 10_000;

/// The required inputs, read by name:
///
/// - `yield_learning_rate`: factor on the CPO defect level per doubling of cumulative CPO
///   switches (Wright; 0.8 = 20 % fewer defects per doubling), > 0;
/// - `cost_learning_rate`: factor on CPO $/Gb/s per doubling of cumulative volume, beyond
///   the yield effect, > 0;
/// - `price_erosion`: fraction by which every technology's $/Gb/s falls per year,
///   in \[0, 1);
/// - `laser_failure_factor`: multiplier on laser failure rates (argument of the goodput
///   surrogate), ≥ 0;
/// - `els_cost_factor`: multiplier on the external laser source cost per Gb/s, ≥ 0;
/// - `cold_plate_year`: year liquid cold plates are standard in AI racks (CPO needs them);
/// - `accelerators_first_year`: AI accelerators deployed in `start_year`, millions, > 0;
/// - `accelerator_growth`: growth of accelerator deployments per year (0.25 = +25 %), > −1;
/// - `power_usd_per_kwh`: electricity price, USD/kWh, ≥ 0;
/// - `gpu_hour_usd`: value of one accelerator-hour of goodput, USD, ≥ 0;
/// - `adoption_speed`: logistic rate $k$ of CPO adoption once eligible, per year, > 0;
/// - `thermal_margin_sigma_k`: standard deviation of the engine temperature margin, K, ≥ 0;
/// - `alignment_factor`: multiplier on the fiber-attach process's placement and cure-shift
///   spread (the yield engine's block and shift sigmas), > 0: an engineering input carried
///   through the yield surrogate ([`model`]).
pub const INPUT_NAMES: [&str; 13] = cporamp_core::scenario::limits::MARKET_INPUTS;

/// Supply-chain layers of the value pools.
pub const LAYERS: [&str; 4] = [
    "optical components",
    "switch / ASIC",
    "packaging and manufacturing",
    "test, thermal and periphery",
];

/// Technologies, in the order of every per-technology array.
pub const TECHNOLOGIES: [&str; 3] = ["pluggable", "lpo", "cpo"];

/// The article's subjective scenario probabilities, in [`Scenario`] order.
pub const ARTICLE_PROBABILITIES: [f64; 4] = [0.55, 0.20, 0.20, 0.05];

/// Bad market input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MarketError {
    /// A value out of its range.
    #[error("market: {name} = {value}; expected {expected}")]
    Invalid {
        /// The field.
        name: String,
        /// Its value.
        value: f64,
        /// What was expected.
        expected: String,
    },
    /// A required input or entry is missing.
    #[error("market: {name} is required but missing")]
    Missing {
        /// The input.
        name: String,
    },
    /// An entry that must not be there or is given twice.
    #[error("market: {name}: {problem}")]
    Inconsistent {
        /// The field.
        name: String,
        /// What is wrong.
        problem: String,
    },
}

impl MarketError {
    pub(crate) fn invalid(name: impl Into<String>, value: f64, expected: &str) -> MarketError {
        MarketError::Invalid { name: name.into(), value, expected: expected.to_owned() }
    }
}

/// One uncertain input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Input {
    /// One of [`INPUT_NAMES`].
    pub name: String,
    /// Its prior.
    pub prior: Prior,
}

/// A piecewise-linear function of one variable, flat beyond its ends: a fitted stand-in for
/// an engine's response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Surrogate {
    /// Abscissae, strictly ascending.
    pub x: Vec<f64>,
    /// Values.
    pub y: Vec<f64>,
}

impl Surrogate {
    /// Linear interpolation; the end value beyond either end.
    pub fn eval(&self, x: f64) -> f64 {
        let n = self.x.len();
        if n == 0 {
            return 0.0;
        }
        if x <= self.x[0] {
            return self.y[0];
        }
        if x >= self.x[n - 1] {
            return self.y[n - 1];
        }
        let i = self.x.partition_point(|&xi| xi <= x) - 1;
        let f = (x - self.x[i]) / (self.x[i + 1] - self.x[i]);
        self.y[i] + f * (self.y[i + 1] - self.y[i])
    }

    /// Leave-one-out validation: $\max_i |y_i - \ell_i(x_i)|$ over interior points, with
    /// $\ell_i$ the chord through points $i-1$ and $i+1$ (the interpolation without point
    /// $i$). For a smooth $f$ on a grid of spacing $h$ this is about $|f''| h^2 / 2$, four
    /// times the interpolation error of the full grid, $|f''| h^2 / 8$: a conservative
    /// estimate of the surrogate's own error. 0 with fewer than 3 points.
    pub fn held_out_error(&self) -> f64 {
        let mut worst: f64 = 0.0;
        for i in 1..self.x.len().saturating_sub(1) {
            let f = (self.x[i] - self.x[i - 1]) / (self.x[i + 1] - self.x[i - 1]);
            let chord = self.y[i - 1] + f * (self.y[i + 1] - self.y[i - 1]);
            worst = worst.max((self.y[i] - chord).abs());
        }
        worst
    }

    /// Checks lengths, order and finiteness.
    ///
    /// # Errors
    /// [`MarketError`] naming `name.x` or `name.y`.
    pub fn check(&self, name: &str) -> Result<(), MarketError> {
        if self.x.len() < 2 || self.x.len() != self.y.len() {
            return Err(MarketError::Inconsistent {
                name: format!("{name}.x"),
                problem: format!(
                    "needs at least 2 points and as many y as x (x has {}, y has {})",
                    self.x.len(),
                    self.y.len()
                ),
            });
        }
        for (i, (&x, &y)) in self.x.iter().zip(&self.y).enumerate() {
            if !x.is_finite() || (i > 0 && x <= self.x[i - 1]) {
                return Err(MarketError::invalid(
                    format!("{name}.x[{i}]"),
                    x,
                    "finite and strictly ascending",
                ));
            }
            if !y.is_finite() {
                return Err(MarketError::invalid(format!("{name}.y[{i}]"), y, "finite"));
            }
        }
        Ok(())
    }
}

/// Largest yield a yield surrogate holds, so that $\ln(-\ln Y)$ stays finite.
pub const MAX_SURROGATE_YIELD: f64 = 1.0 - 1e-9;

/// Smallest yield a yield surrogate holds (a Monte Carlo point with no good package).
pub const MIN_SURROGATE_YIELD: f64 = 1e-12;

/// The yield surrogate of `(factor, package yield)` points with ascending factors > 0, in
/// survival coordinates: $x = \ln d$, $y = \ln(-\ln Y)$ (yields are held within
/// [`MIN_SURROGATE_YIELD`] and [`MAX_SURROGATE_YIELD`]). A package whose lanes fail with Gaussian-tail
/// probabilities $e^{-c/v}$ of the attach variance $v \propto d$ passes with
/// $Y = e^{-N e^{-c/v}}$, so $\ln(-\ln Y)$ is smooth and nearly linear where $Y$ itself
/// falls steeply: linear interpolation there is far more accurate. Evaluate with
/// [`yield_at`].
#[must_use]
pub fn yield_surrogate(points: &[(f64, f64)]) -> Surrogate {
    Surrogate {
        x: points.iter().map(|&(factor, _)| factor.ln()).collect(),
        y: points
            .iter()
            .map(|&(_, y)| (-y.clamp(MIN_SURROGATE_YIELD, MAX_SURROGATE_YIELD).ln()).ln())
            .collect(),
    }
}

/// The package yield a [`yield_surrogate`] gives at learning factor `factor` (> 0).
#[must_use]
pub fn yield_at(surrogate: &Surrogate, factor: f64) -> f64 {
    (-surrogate.eval(factor.ln()).exp()).exp()
}

/// Leave-one-out error of a [`yield_surrogate`], in yield: [`Surrogate::held_out_error`]'s
/// chords taken in survival coordinates and mapped back to yields.
fn yield_held_out_error(s: &Surrogate) -> f64 {
    let to_yield = |y: f64| (-y.exp()).exp();
    let mut worst: f64 = 0.0;
    for i in 1..s.x.len().saturating_sub(1) {
        let f = (s.x[i] - s.x[i - 1]) / (s.x[i + 1] - s.x[i - 1]);
        let chord = s.y[i - 1] + f * (s.y[i + 1] - s.y[i - 1]);
        worst = worst.max((to_yield(s.y[i]) - to_yield(chord)).abs());
    }
    worst
}

/// One inlet of the thermal and photonics engines' sweep, for the thermal check.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HotPoint {
    /// Coolant inlet, °C.
    pub inlet_c: f64,
    /// Hottest engine mean, °C.
    pub engine_temp_c: f64,
    /// Lanes that cannot lock, fraction.
    pub unlockable_fraction: f64,
    /// Flaps per lane-hour.
    pub flaps_per_lane_h: f64,
}

/// One network tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierAnchors {
    /// Tier name (`"scale-up"`, `"leaf"`, `"spine"`, ...).
    pub name: String,
    /// Ports of `port_gbps` deployed per accelerator in this tier, > 0.
    pub ports_per_accelerator: f64,
    /// Whether CPO may serve this tier.
    pub cpo_allowed: bool,
    /// Ceiling of the CPO share of deployed ports where allowed, in \[0, 1\].
    pub cpo_max_share: f64,
    /// Whether LPO may serve this tier (its reach suffices).
    pub lpo_allowed: bool,
    /// Whether a failure of this tier's links interrupts the training job (GPU-facing
    /// links; uplinks reroute), so that goodput losses are charged here.
    pub job_exposed: bool,
}

/// Share of a technology's spend going to each of [`LAYERS`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerSplit {
    /// One of [`TECHNOLOGIES`].
    pub technology: String,
    /// Fractions in [`LAYERS`] order, summing to 1.
    pub fractions: [f64; 4],
}

/// What the engineering engines give, deterministic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anchors {
    /// First simulated year.
    pub start_year: i32,
    /// Last simulated year.
    pub end_year: i32,
    /// Pluggable switch + optics capex in `start_year`, USD per Gb/s.
    pub pluggable_usd_per_gbps: f64,
    /// LPO switch + optics capex in `start_year`, USD per Gb/s.
    pub lpo_usd_per_gbps: f64,
    /// CPO switch + optics capex (with package yield) at `reference_units`, USD per Gb/s.
    pub cpo_usd_per_gbps_at_reference: f64,
    /// Part of the CPO capex that is the external laser source, USD per Gb/s.
    pub els_usd_per_gbps: f64,
    /// Pluggable energy per bit, pJ/bit.
    pub pluggable_pj_per_bit: f64,
    /// LPO energy per bit, pJ/bit.
    pub lpo_pj_per_bit: f64,
    /// CPO energy per bit, pJ/bit.
    pub cpo_pj_per_bit: f64,
    /// Cumulative CPO switches at which the CPO anchors hold.
    pub reference_units: f64,
    /// CPO package yield versus the Wright defect factor (1 at the reference), which also
    /// scales the attach process's variance ([`model`]): a [`yield_surrogate`].
    pub cpo_yield_vs_defect_factor: Surrogate,
    /// Dead lasers per CPO package that reach package test at the reference (0 for an
    /// external laser source): the laser part of the yield, $e^{-\lambda d}$.
    pub laser_defects_at_reference: f64,
    /// CPO minus pluggable job goodput loss (fraction) versus the laser failure multiplier.
    pub goodput_loss_vs_laser_factor: Surrogate,
    /// LPO minus pluggable job goodput loss (fraction), from the LPO fabric.
    pub lpo_goodput_loss: f64,
    /// Laser/ring temperature limit minus the engine temperature at the nominal inlet, K.
    pub engine_temp_margin_k: f64,
    /// The CPO package over the inlet sweep, ascending inlet (the last is the hot end).
    pub hot_end: Vec<HotPoint>,
    /// Ports per switch.
    pub ports_per_switch: f64,
    /// Port speed, Gb/s.
    pub port_gbps: f64,
    /// Network tiers.
    pub tiers: Vec<TierAnchors>,
    /// Layer split per technology, one each of [`TECHNOLOGIES`].
    pub layer_split: Vec<LayerSplit>,
}

/// When CPO counts as in volume, and the scenario boundaries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criteria {
    /// Package yield CPO must reach, fraction.
    pub yield_target: f64,
    /// CPO share of a tier's deployed ports that counts as volume.
    pub volume_share: f64,
    /// Largest extra goodput loss (fraction) tolerated versus pluggable.
    pub goodput_parity: f64,
    /// Bull when the main tier reaches volume by this year.
    pub bull_by_year: i32,
    /// The end of the article's window: base by this year, bear after it or never.
    pub bear_after_year: i32,
    /// Hottest engine allowed at the hot end of the inlet sweep, °C.
    pub engine_temp_limit_c: f64,
    /// Largest fraction of lanes that may fail to lock there.
    pub unlockable_limit: f64,
    /// Largest flap rate there, per lane-hour.
    pub flap_limit_per_lane_h: f64,
}

/// Everything the market engine needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketInputs {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Samples.
    pub samples: usize,
    /// The uncertain inputs, each of [`INPUT_NAMES`] exactly once.
    pub inputs: Vec<Input>,
    /// Engine results.
    pub anchors: Anchors,
    /// Volume and scenario criteria.
    pub criteria: Criteria,
    /// Cumulative CPO switches shipped before `start_year` (the seed volume), > 0.
    pub seed_units: f64,
    /// CPO share of allowed tiers' ports before CPO is eligible (pilots), in \[0, 1\].
    pub pilot_share: f64,
    /// Largest leave-one-out error allowed for the anchor surrogates (in their units).
    pub surrogate_error_bound: f64,
}

/// The article's five signals to watch, each a model quantity per sample and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// CPO package yield, fraction.
    ProductionYield,
    /// Engine temperature margin to the laser/ring limit, K.
    ThermalDrift,
    /// CPO minus pluggable job goodput loss, fraction.
    Serviceability,
    /// Liquid-cooled share of new AI racks, $1/(1 + e^{-2(y - y_\text{cp})})$.
    CoolingDesign,
    /// Defect level per CPO package relative to the reference volume's.
    Inspection,
}

impl Signal {
    /// Index into [`SampleRecord::signals`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The closed range an observed value must lie in: \[0, 1\] for the fractions
    /// (production yield, cooling design share), \[-1, 1\] for serviceability (a difference
    /// of two fractions), \[0, ∞) for the inspection defect level, any finite value for the
    /// thermal margin in K.
    pub fn range(self) -> (f64, f64) {
        match self {
            Signal::ProductionYield | Signal::CoolingDesign => (0.0, 1.0),
            Signal::Serviceability => (-1.0, 1.0),
            Signal::Inspection => (0.0, f64::MAX),
            Signal::ThermalDrift => (f64::MIN, f64::MAX),
        }
    }

    /// What [`Signal::range`] asks for, in words.
    pub fn expected(self) -> &'static str {
        match self {
            Signal::ProductionYield => "a production yield (fraction) in [0, 1]",
            Signal::CoolingDesign => "a cooling design share (fraction) in [0, 1]",
            Signal::Serviceability => "a goodput loss difference (fraction) in [-1, 1]",
            Signal::Inspection => "a finite relative defect level >= 0",
            Signal::ThermalDrift => "a finite temperature margin in K",
        }
    }
}

/// One observed signal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    /// When, in (fractional) years within the horizon.
    pub year: f64,
    /// What.
    pub signal: Signal,
    /// Observed value, in the signal's unit, within [`Signal::range`].
    pub value: f64,
    /// Its standard deviation, finite and at least [`MIN_OBSERVATION_SD`].
    pub sd: f64,
}

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
    /// The reason's kind, as serialized.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::Volume { .. } => "volume",
            Reason::Yield { .. } => "yield",
            Reason::Serviceability { .. } => "serviceability",
            Reason::Cost { .. } => "cost",
            Reason::Cooling { .. } => "cooling",
            Reason::SlowRamp { .. } => "slow_ramp",
            Reason::EngineTemperature { .. } => "engine_temperature",
            Reason::HeaterRange { .. } => "heater_range",
            Reason::Flaps { .. } => "flaps",
        }
    }
}

/// The share of samples in one scenario for one kind of reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonShare {
    /// The scenario.
    pub scenario: Scenario,
    /// [`Reason::kind`].
    pub kind: &'static str,
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
    /// Its name.
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
    /// Mean share of each technology ([`TECHNOLOGIES`] order), per year.
    pub mean_shares: Vec<[f64; 3]>,
    /// Fraction of samples in which each technology leads, per year.
    pub migration: Vec<[f64; 3]>,
}

/// Mean value by layer in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValuePool {
    /// Year.
    pub year: i32,
    /// Mean spend per layer ([`LAYERS`] order), USD.
    pub usd: [f64; 4],
}

/// One tornado bar: the main tier's volume year at an input's 10 % and 90 % quantiles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TornadoBar {
    /// The input.
    pub input: String,
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
    pub input: String,
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
    /// Which anchor surrogate.
    pub name: &'static str,
    /// [`Surrogate::held_out_error`].
    pub held_out_error: f64,
    /// `MarketInputs::surrogate_error_bound`.
    pub bound: f64,
}

/// What `update` needs of one sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleRecord {
    /// Input values in [`INPUT_NAMES`] order.
    pub inputs: Vec<f64>,
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
    pub input_names: Vec<String>,
    /// Scenario probabilities in [`SCENARIOS`] order.
    pub probabilities: [ScenarioProbability; 4],
    /// Why: per scenario and kind of reason, the fraction of samples, largest first.
    pub reasons: Vec<ReasonShare>,
    /// Fraction of samples in which each eligibility gate of the main tier is closed in the
    /// window's last year: yield, serviceability, cost, cooling (several may be closed).
    pub closed_gates: [f64; 4],
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

/// Linear-interpolation (type 7) quantile of sorted values.
pub(crate) fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let low = h.floor() as usize;
    let high = (low + 1).min(sorted.len() - 1);
    sorted[low] + (h - low as f64) * (sorted[high] - sorted[low])
}

/// Checks everything; returns the index of each of [`INPUT_NAMES`] in `m.inputs` and the
/// main tier.
fn check(m: &MarketInputs) -> Result<([usize; 13], usize), MarketError> {
    if m.samples == 0 {
        return Err(MarketError::invalid("samples", 0.0, "at least 1 sample"));
    }
    let mut order = [usize::MAX; 13];
    for (i, input) in m.inputs.iter().enumerate() {
        let Some(slot) = INPUT_NAMES.iter().position(|&n| n == input.name) else {
            return Err(MarketError::Inconsistent {
                name: format!("inputs.{}", input.name),
                problem: format!("unknown input; expected one of {}", INPUT_NAMES.join(", ")),
            });
        };
        if order[slot] != usize::MAX {
            return Err(MarketError::Inconsistent {
                name: format!("inputs.{}", input.name),
                problem: "given twice".to_owned(),
            });
        }
        order[slot] = i;
        prior::check(&input.prior, &format!("inputs.{}", input.name))?;
    }
    if let Some(slot) = order.iter().position(|&i| i == usize::MAX) {
        return Err(MarketError::Missing { name: format!("inputs.{}", INPUT_NAMES[slot]) });
    }
    let a = &m.anchors;
    let positive = |name: &str, value: f64| {
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(MarketError::invalid(name, value, "a finite number > 0"))
        }
    };
    let non_negative = |name: &str, value: f64| {
        if value.is_finite() && value >= 0.0 {
            Ok(())
        } else {
            Err(MarketError::invalid(name, value, "a finite number >= 0"))
        }
    };
    if a.end_year < a.start_year {
        return Err(MarketError::invalid(
            "anchors.end_year",
            f64::from(a.end_year),
            "a year >= anchors.start_year",
        ));
    }
    positive("anchors.pluggable_usd_per_gbps", a.pluggable_usd_per_gbps)?;
    positive("anchors.lpo_usd_per_gbps", a.lpo_usd_per_gbps)?;
    positive("anchors.cpo_usd_per_gbps_at_reference", a.cpo_usd_per_gbps_at_reference)?;
    non_negative("anchors.els_usd_per_gbps", a.els_usd_per_gbps)?;
    if a.els_usd_per_gbps > a.cpo_usd_per_gbps_at_reference {
        return Err(MarketError::invalid(
            "anchors.els_usd_per_gbps",
            a.els_usd_per_gbps,
            "at most anchors.cpo_usd_per_gbps_at_reference (it is part of it)",
        ));
    }
    non_negative("anchors.pluggable_pj_per_bit", a.pluggable_pj_per_bit)?;
    non_negative("anchors.lpo_pj_per_bit", a.lpo_pj_per_bit)?;
    non_negative("anchors.cpo_pj_per_bit", a.cpo_pj_per_bit)?;
    positive("anchors.reference_units", a.reference_units)?;
    non_negative("anchors.laser_defects_at_reference", a.laser_defects_at_reference)?;
    positive("anchors.ports_per_switch", a.ports_per_switch)?;
    positive("anchors.port_gbps", a.port_gbps)?;
    if !(a.lpo_goodput_loss.is_finite() && a.lpo_goodput_loss.abs() <= 1.0) {
        return Err(MarketError::invalid(
            "anchors.lpo_goodput_loss",
            a.lpo_goodput_loss,
            "a goodput difference (fraction) in [-1, 1]",
        ));
    }
    for (i, point) in a.hot_end.iter().enumerate() {
        let name = format!("anchors.hot_end[{i}]");
        let ascending = i == 0 || point.inlet_c > a.hot_end[i - 1].inlet_c;
        if !(point.inlet_c.is_finite() && ascending) {
            return Err(MarketError::invalid(
                format!("{name}.inlet_c"),
                point.inlet_c,
                "finite and strictly ascending",
            ));
        }
        if !point.engine_temp_c.is_finite() {
            return Err(MarketError::invalid(
                format!("{name}.engine_temp_c"),
                point.engine_temp_c,
                "a finite temperature",
            ));
        }
        if !(0.0..=1.0).contains(&point.unlockable_fraction) {
            return Err(MarketError::invalid(
                format!("{name}.unlockable_fraction"),
                point.unlockable_fraction,
                "a fraction in [0, 1]",
            ));
        }
        non_negative(&format!("{name}.flaps_per_lane_h"), point.flaps_per_lane_h)?;
    }
    if !a.engine_temp_margin_k.is_finite() {
        return Err(MarketError::invalid(
            "anchors.engine_temp_margin_k",
            a.engine_temp_margin_k,
            "a finite number",
        ));
    }
    a.cpo_yield_vs_defect_factor.check("anchors.cpo_yield_vs_defect_factor")?;
    a.goodput_loss_vs_laser_factor.check("anchors.goodput_loss_vs_laser_factor")?;
    if a.tiers.is_empty() {
        return Err(MarketError::Missing { name: "anchors.tiers".to_owned() });
    }
    for tier in &a.tiers {
        let name = format!("anchors.tiers.{}", tier.name);
        positive(&format!("{name}.ports_per_accelerator"), tier.ports_per_accelerator)?;
        if !(0.0..=1.0).contains(&tier.cpo_max_share) {
            return Err(MarketError::invalid(
                format!("{name}.cpo_max_share"),
                tier.cpo_max_share,
                "a share in [0, 1]",
            ));
        }
    }
    let Some(main) = a.tiers.iter().position(|t| t.name != "scale-up") else {
        return Err(MarketError::Missing {
            name: "anchors.tiers (a scale-out tier, named other than \"scale-up\")".to_owned(),
        });
    };
    for technology in TECHNOLOGIES {
        let name = format!("anchors.layer_split.{technology}");
        let found: Vec<_> = a.layer_split.iter().filter(|s| s.technology == technology).collect();
        match found.as_slice() {
            [] => return Err(MarketError::Missing { name }),
            [split] => {
                let sum: f64 = split.fractions.iter().sum();
                if split.fractions.iter().any(|f| !(0.0..=1.0).contains(f))
                    || (sum - 1.0).abs() > 1e-6
                {
                    return Err(MarketError::invalid(
                        format!("{name}.fractions"),
                        sum,
                        "fractions in [0, 1] summing to 1 (value shown: their sum)",
                    ));
                }
            }
            _ => {
                return Err(MarketError::Inconsistent { name, problem: "given twice".to_owned() });
            }
        }
    }
    if let Some(split) =
        a.layer_split.iter().find(|s| !TECHNOLOGIES.contains(&s.technology.as_str()))
    {
        return Err(MarketError::Inconsistent {
            name: format!("anchors.layer_split.{}", split.technology),
            problem: "unknown technology; expected pluggable, lpo or cpo".to_owned(),
        });
    }
    let c = &m.criteria;
    if !(c.yield_target > 0.0 && c.yield_target <= 1.0) {
        return Err(MarketError::invalid(
            "criteria.yield_target",
            c.yield_target,
            "a yield in (0, 1]",
        ));
    }
    if !(c.volume_share > 0.0 && c.volume_share <= 1.0) {
        return Err(MarketError::invalid(
            "criteria.volume_share",
            c.volume_share,
            "a share in (0, 1]",
        ));
    }
    if !c.goodput_parity.is_finite() {
        return Err(MarketError::invalid(
            "criteria.goodput_parity",
            c.goodput_parity,
            "a finite number",
        ));
    }
    if !c.engine_temp_limit_c.is_finite() {
        return Err(MarketError::invalid(
            "criteria.engine_temp_limit_c",
            c.engine_temp_limit_c,
            "a finite temperature",
        ));
    }
    if !(0.0..=1.0).contains(&c.unlockable_limit) {
        return Err(MarketError::invalid(
            "criteria.unlockable_limit",
            c.unlockable_limit,
            "a fraction in [0, 1]",
        ));
    }
    non_negative("criteria.flap_limit_per_lane_h", c.flap_limit_per_lane_h)?;
    if c.bear_after_year < c.bull_by_year {
        return Err(MarketError::invalid(
            "criteria.bear_after_year",
            f64::from(c.bear_after_year),
            "a year >= criteria.bull_by_year",
        ));
    }
    positive("seed_units", m.seed_units)?;
    if !(0.0..=1.0).contains(&m.pilot_share) {
        return Err(MarketError::invalid("pilot_share", m.pilot_share, "a share in [0, 1]"));
    }
    non_negative("surrogate_error_bound", m.surrogate_error_bound)?;
    for (name, error) in surrogate_errors(a) {
        if error > m.surrogate_error_bound {
            return Err(MarketError::invalid(
                format!("anchors.{name} (held-out error)"),
                error,
                "at most surrogate_error_bound: refine the surrogate's grid or raise the bound",
            ));
        }
    }
    Ok((order, main))
}

/// Each anchor surrogate's leave-one-out error, in its own unit.
fn surrogate_errors(a: &Anchors) -> [(&'static str, f64); 2] {
    [
        ("cpo_yield_vs_defect_factor", yield_held_out_error(&a.cpo_yield_vs_defect_factor)),
        ("goodput_loss_vs_laser_factor", a.goodput_loss_vs_laser_factor.held_out_error()),
    ]
}

/// Checks sampled values (in [`INPUT_NAMES`] order) against each input's range; `context`
/// says which draw (for the error).
fn check_values(values: &[f64], context: &str) -> Result<(), MarketError> {
    for (slot, (&value, &(low, high, inclusive))) in values.iter().zip(&INPUT_RANGES).enumerate() {
        let above = if inclusive { value >= low } else { value > low };
        if !(value.is_finite() && above && value < high) {
            let expected = format!(
                "a value {} {low}{}; choose a prior whose support stays inside",
                if inclusive { ">=" } else { ">" },
                if high.is_finite() { format!(" and < {high}") } else { String::new() }
            );
            return Err(MarketError::Invalid {
                name: format!("inputs.{} ({context})", INPUT_NAMES[slot]),
                value,
                expected,
            });
        }
    }
    Ok(())
}

/// The scenario of one sample's outcome and why (see the crate docs).
fn classify(o: &Outcome, main: usize, c: &Criteria) -> (Scenario, Reason) {
    let qualified_in_window = o.eligible_years[main].is_some_and(|y| y <= c.bear_after_year);
    if let Some(reason) = o.redesign.filter(|_| qualified_in_window) {
        return (Scenario::Tail, reason);
    }
    match o.volume_years[main] {
        Some(year) if year <= c.bull_by_year => (Scenario::Bull, Reason::Volume { year }),
        Some(year) if year <= c.bear_after_year => (Scenario::Base, Reason::Volume { year }),
        _ => {
            let g = &o.window_gates;
            let reason = if let Some(eligible_year) = o.eligible_years[main] {
                Reason::SlowRamp { eligible_year }
            } else if !g.yield_ok {
                Reason::Yield { year: g.year, package_yield: g.package_yield }
            } else if !g.goodput_ok {
                Reason::Serviceability { goodput_loss: g.goodput_loss }
            } else if !g.cost_ok {
                Reason::Cost { year: g.year, tco_ratio: g.tco_ratio }
            } else if !g.cooling_ok {
                Reason::Cooling { year: g.year }
            } else {
                Reason::SlowRamp { eligible_year: g.year }
            };
            (Scenario::Bear, reason)
        }
    }
}

/// Per scenario and kind of reason, the weighted fraction of samples, largest first.
fn reason_shares(records: &[SampleRecord], weights: &[f64]) -> Vec<ReasonShare> {
    let mut shares: Vec<ReasonShare> = Vec::new();
    for (record, &w) in records.iter().zip(weights) {
        let kind = record.reason.kind();
        match shares.iter_mut().find(|s| s.scenario == record.scenario && s.kind == kind) {
            Some(share) => share.fraction += w,
            None => shares.push(ReasonShare { scenario: record.scenario, kind, fraction: w }),
        }
    }
    shares.sort_by(|a, b| b.fraction.total_cmp(&a.fraction));
    shares
}

/// Weighted scenario probabilities (weights normalised to 1) with SEs from `ess`.
fn probabilities(records: &[SampleRecord], weights: &[f64], ess: f64) -> [ScenarioProbability; 4] {
    let mut p = [0.0; 4];
    for (record, &w) in records.iter().zip(weights) {
        p[record.scenario as usize] += w;
    }
    std::array::from_fn(|s| ScenarioProbability {
        scenario: SCENARIOS[s],
        name: ["base", "bull", "bear", "tail"][s],
        probability: p[s],
        se: (p[s] * (1.0 - p[s]) / ess).max(0.0).sqrt(),
        article: ARTICLE_PROBABILITIES[s],
    })
}

fn year_quantiles(years: &[Option<i32>]) -> YearQuantiles {
    let mut keys: Vec<i32> = years.iter().map(|y| y.unwrap_or(i32::MAX)).collect();
    keys.sort_unstable();
    let pick = |p: f64| {
        let rank = ((p * keys.len() as f64).ceil() as usize).clamp(1, keys.len());
        Some(keys[rank - 1]).filter(|&y| y != i32::MAX)
    };
    YearQuantiles { p10: pick(0.1), p50: pick(0.5), p90: pick(0.9) }
}

fn main_volume_year(m: &MarketInputs, values: &[f64], z: f64, main: usize) -> Option<i32> {
    model::run(m, &Params::from_values(values), z, main).volume_years[main]
}

/// Runs the market Monte Carlo on `threads` threads (the result does not depend on them).
///
/// # Errors
/// [`MarketError`] naming the bad input, the missing input, or the sampled value out of an
/// input's range.
pub fn simulate(m: &MarketInputs, threads: usize) -> Result<MarketResult, MarketError> {
    let (order, main) = check(m)?;
    let n = m.samples;
    let k = INPUT_NAMES.len();
    let priors: Vec<Prior> = order.iter().map(|&i| m.inputs[i].prior).collect();
    let mut master = ChaCha8Rng::seed_from_u64(m.seed);
    let u = latin_hypercube(n, k, &mut master);
    let values: Vec<f64> = u.iter().enumerate().map(|(i, &x)| priors[i % k].quantile(x)).collect();
    for sample in 0..n {
        check_values(&values[sample * k..(sample + 1) * k], &format!("sample {sample}"))?;
    }

    let chunks = n.div_ceil(CHUNK);
    let threads = threads.clamp(1, chunks);
    let per_thread = chunks.div_ceil(threads);
    let values = &values;
    let outcomes: Vec<(f64, Outcome)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|thread| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for chunk in thread * per_thread..((thread + 1) * per_thread).min(chunks) {
                        let mut rng = ChaCha8Rng::seed_from_u64(m.seed);
                        rng.set_stream(chunk as u64 + 1);
                        for sample in chunk * CHUNK..((chunk + 1) * CHUNK).min(n) {
                            let z: f64 = StandardNormal.sample(&mut rng);
                            let params = Params::from_values(&values[sample * k..(sample + 1) * k]);
                            out.push((z, model::run(m, &params, z, main)));
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });

    let a = &m.anchors;
    let years = (a.end_year - a.start_year + 1) as usize;
    let records: Vec<SampleRecord> = outcomes
        .iter()
        .enumerate()
        .map(|(i, (z, o))| {
            let (scenario, reason) = classify(o, main, &m.criteria);
            SampleRecord {
                inputs: values[i * k..(i + 1) * k].to_vec(),
                thermal_z: *z,
                scenario,
                reason,
                volume_years: o.volume_years.clone(),
                signals: o.signals.clone(),
            }
        })
        .collect();
    let uniform = vec![1.0 / n as f64; n];
    let probabilities = probabilities(&records, &uniform, n as f64);
    let reasons = reason_shares(&records, &uniform);
    let mut closed_gates = [0.0; 4];
    for (_, o) in &outcomes {
        let g = &o.window_gates;
        for (slot, open) in [g.yield_ok, g.goodput_ok, g.cost_ok, g.cooling_ok].iter().enumerate() {
            closed_gates[slot] += f64::from(u8::from(!open)) / n as f64;
        }
    }

    let tiers = a
        .tiers
        .iter()
        .enumerate()
        .map(|(j, tier)| {
            let volume_years: Vec<Option<i32>> =
                outcomes.iter().map(|(_, o)| o.volume_years[j]).collect();
            let never = volume_years.iter().filter(|y| y.is_none()).count();
            let mut fan = Vec::with_capacity(years);
            let mut mean_shares = Vec::with_capacity(years);
            let mut migration = Vec::with_capacity(years);
            let mut cpo = vec![0.0; n];
            for t in 0..years {
                let mut mean = [0.0; 3];
                let mut lead = [0.0; 3];
                for (i, (_, o)) in outcomes.iter().enumerate() {
                    let shares = o.shares[j * years + t];
                    for tech in 0..3 {
                        mean[tech] += shares[tech] / n as f64;
                    }
                    let mut best = 0;
                    for tech in 1..3 {
                        if shares[tech] > shares[best] {
                            best = tech;
                        }
                    }
                    lead[best] += 1.0 / n as f64;
                    cpo[i] = shares[2];
                }
                cpo.sort_by(f64::total_cmp);
                fan.push(Quantiles {
                    p10: quantile_sorted(&cpo, 0.1),
                    p50: quantile_sorted(&cpo, 0.5),
                    p90: quantile_sorted(&cpo, 0.9),
                });
                mean_shares.push(mean);
                migration.push(lead);
            }
            TierResult {
                name: tier.name.clone(),
                volume_year: year_quantiles(&volume_years),
                never_fraction: never as f64 / n as f64,
                cpo_share_fan: fan,
                mean_shares,
                migration,
            }
        })
        .collect();

    let value_pools = (0..years)
        .map(|t| {
            let mut usd = [0.0; 4];
            for (_, o) in &outcomes {
                for layer in 0..4 {
                    usd[layer] += o.value[t][layer] / n as f64;
                }
            }
            ValuePool { year: a.start_year + t as i32, usd }
        })
        .collect();

    let medians: Vec<f64> = priors.iter().map(|p| p.quantile(0.5)).collect();
    let tornado_baseline = main_volume_year(m, &medians, 0.0, main);
    let mut tornado = Vec::with_capacity(k);
    for slot in 0..k {
        let at = |u: f64| -> Result<(f64, Option<i32>), MarketError> {
            let mut point = medians.clone();
            point[slot] = priors[slot].quantile(u);
            check_values(&point, "tornado")?;
            Ok((point[slot], main_volume_year(m, &point, 0.0, main)))
        };
        let (low_value, year_at_low) = at(0.1)?;
        let (high_value, year_at_high) = at(0.9)?;
        tornado.push(TornadoBar {
            input: INPUT_NAMES[slot].to_owned(),
            low_value,
            high_value,
            year_at_low,
            year_at_high,
        });
    }
    let beyond = a.end_year + 1;
    let swing = |bar: &TornadoBar| {
        (bar.year_at_low.unwrap_or(beyond) - bar.year_at_high.unwrap_or(beyond)).abs()
    };
    tornado.sort_by_key(|bar| std::cmp::Reverse(swing(bar)));
    let window_year = m.criteria.bear_after_year.min(a.end_year);
    let what_it_takes = (0..k)
        .map(|slot| {
            let mut reached = Vec::new();
            for i in 0..WHAT_IT_TAKES_GRID {
                let u = (i as f64 + 0.5) / WHAT_IT_TAKES_GRID as f64;
                let mut point = medians.clone();
                point[slot] = priors[slot].quantile(u);
                check_values(&point, "what it takes")?;
                if main_volume_year(m, &point, 0.0, main).is_some_and(|year| year <= window_year) {
                    reached.push((point[slot], u));
                }
            }
            Ok(WhatItTakes {
                input: INPUT_NAMES[slot].to_owned(),
                prior_mass: reached.len() as f64 / WHAT_IT_TAKES_GRID as f64,
                nearest: reached
                    .into_iter()
                    .min_by(|a, b| (a.1 - 0.5).abs().total_cmp(&(b.1 - 0.5).abs())),
            })
        })
        .collect::<Result<Vec<_>, MarketError>>()?;

    Ok(MarketResult {
        samples: n,
        years: (a.start_year..=a.end_year).collect(),
        main_tier: a.tiers[main].name.clone(),
        input_names: INPUT_NAMES.iter().map(|&s| s.to_owned()).collect(),
        probabilities,
        reasons,
        closed_gates,
        tiers,
        value_pools,
        tornado_baseline,
        tornado,
        what_it_takes,
        surrogates: surrogate_errors(a)
            .into_iter()
            .map(|(name, held_out_error)| SurrogateCheck {
                name,
                held_out_error,
                bound: m.surrogate_error_bound,
            })
            .collect(),
        records,
    })
}

/// A sample's signal at a fractional year, interpolated linearly between years.
fn signal_at(record: &SampleRecord, signal: Signal, start_year: i32, year: f64) -> f64 {
    let series = &record.signals[signal.index()];
    let t = (year - f64::from(start_year)).clamp(0.0, (series.len() - 1) as f64);
    let i = (t.floor() as usize).min(series.len().saturating_sub(2));
    if series.len() < 2 {
        return series[0];
    }
    series[i] + (t - i as f64) * (series[i + 1] - series[i])
}

/// Normalised weights and the Kish effective sample size from log weights by the
/// log-sum-exp shift: with $e_i = e^{l_i - \max_j l_j}$, $S = \sum_i e_i$ and
/// $S_2 = \sum_i e_i^2$, $w_i = e_i / S$ and $\text{ESS} = S^2 / S_2$. Each $e_i$ lies in
/// \[0, 1\] with the largest 1, so $S$ and $S_2$ lie in \[1, n\]: the weights lie in
/// \[0, 1\] and the ESS in \[1, n\], never NaN or infinite. A non-finite log weight (a
/// residual whose square overflows) counts as weight 0; `None` if no log weight is finite.
/// One exponential per sample.
fn normalise(log_w: &[f64]) -> Option<(Vec<f64>, f64)> {
    let max = log_w.iter().copied().filter(|l| l.is_finite()).fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return None;
    }
    let mut weights: Vec<f64> =
        log_w.iter().map(|&l| if l.is_finite() { (l - max).exp() } else { 0.0 }).collect();
    let sum: f64 = weights.iter().sum();
    let sum_sq: f64 = weights.iter().map(|e| e * e).sum();
    for w in &mut weights {
        *w /= sum;
    }
    Some((weights, sum * sum / sum_sq))
}

/// Updates the scenario probabilities with observations (importance weights on the samples,
/// in log space). The cost is one pass over the samples per observation: linear in the
/// number of observations, which is at most [`MAX_OBSERVATIONS`].
///
/// # Errors
/// [`MarketError`] for more than [`MAX_OBSERVATIONS`] observations, and naming the
/// observation whose year lies outside the horizon, whose value is not finite or outside
/// its [`Signal::range`], whose standard deviation is not finite or below
/// [`MIN_OBSERVATION_SD`], or that no sample can explain in f64 (every likelihood 0).
pub fn update(result: &MarketResult, observations: &[Observation]) -> Result<Update, MarketError> {
    let (Some(&start), Some(&end)) = (result.years.first(), result.years.last()) else {
        return Err(MarketError::Missing { name: "result.years".to_owned() });
    };
    if observations.len() > MAX_OBSERVATIONS {
        return Err(MarketError::invalid(
            "observations (count)",
            observations.len() as f64,
            &format!("at most {MAX_OBSERVATIONS} observations"),
        ));
    }
    for (o, obs) in observations.iter().enumerate() {
        if !(obs.year >= f64::from(start) && obs.year <= f64::from(end)) {
            return Err(MarketError::invalid(
                format!("observations[{o}].year"),
                obs.year,
                &format!("a year in [{start}, {end}]"),
            ));
        }
        let (low, high) = obs.signal.range();
        if !(obs.value.is_finite() && obs.value >= low && obs.value <= high) {
            return Err(MarketError::invalid(
                format!("observations[{o}].value"),
                obs.value,
                obs.signal.expected(),
            ));
        }
        if !(obs.sd.is_finite() && obs.sd >= MIN_OBSERVATION_SD) {
            return Err(MarketError::invalid(
                format!("observations[{o}].sd"),
                obs.sd,
                &format!("a finite standard deviation >= {MIN_OBSERVATION_SD:e}"),
            ));
        }
    }
    let n = result.records.len();
    let mut log_w = vec![0.0; n];
    let mut weights = vec![1.0 / n as f64; n];
    let mut ess = n as f64;
    let mut previous = probabilities(&result.records, &weights, ess);
    let mut attribution = Vec::with_capacity(observations.len());
    for (o, obs) in observations.iter().enumerate() {
        for (l, record) in log_w.iter_mut().zip(&result.records) {
            let r = (obs.value - signal_at(record, obs.signal, start, obs.year)) / obs.sd;
            *l -= 0.5 * r * r;
        }
        (weights, ess) = normalise(&log_w).ok_or_else(|| MarketError::Inconsistent {
            name: format!("observations[{o}]"),
            problem: "no sample has a likelihood above 0 in f64 with it and the earlier \
                      observations; check the value and sd"
                .to_owned(),
        })?;
        let now = probabilities(&result.records, &weights, ess);
        attribution.push(Attribution {
            observation: o,
            signal: obs.signal,
            year: obs.year,
            change: std::array::from_fn(|s| now[s].probability - previous[s].probability),
        });
        previous = now;
    }
    let inputs = result
        .input_names
        .iter()
        .enumerate()
        .map(|(slot, name)| {
            let prior_mean = result.records.iter().map(|r| r.inputs[slot]).sum::<f64>() / n as f64;
            let mean: f64 =
                result.records.iter().zip(&weights).map(|(r, w)| w * r.inputs[slot]).sum();
            let variance: f64 = result
                .records
                .iter()
                .zip(&weights)
                .map(|(r, w)| w * (r.inputs[slot] - mean).powi(2))
                .sum();
            InputPosterior { name: name.clone(), prior_mean, mean, sd: variance.sqrt() }
        })
        .collect();
    Ok(Update {
        probabilities: probabilities(&result.records, &weights, ess),
        reasons: reason_shares(&result.records, &weights),
        ess,
        ess_warning: ess < ESS_WARNING_FRACTION * n as f64,
        weights,
        attribution,
        inputs,
    })
}

/// What a set of Sobol indices apportions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SobolOutput {
    /// The main tier's CPO share of new ports in the horizon's last year.
    CpoShare,
    /// The CPO package yield in the scenario window's last year (the yield gate's value).
    PackageYield,
    /// The natural log of CPO's cost of ownership over the best alternative's in the main
    /// tier in the window's last year (the cost gate's value; 0 or less opens it). The log,
    /// because the ratio has a heavy upper tail (capex goes as 1/yield) whose few largest
    /// samples would own the variance.
    TcoRatio,
}

impl SobolOutput {
    /// Every output, in the order [`sobol()`] returns them.
    pub const ALL: [SobolOutput; 3] =
        [SobolOutput::CpoShare, SobolOutput::PackageYield, SobolOutput::TcoRatio];
}

/// One output's Sobol indices, with the output's spread over the design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolSet {
    /// The output.
    pub output: SobolOutput,
    /// The year at which it is taken.
    pub year: i32,
    /// Its mean over the design's base samples.
    pub mean: f64,
    /// Its standard deviation over them (0: nothing to apportion, every index 0).
    pub sd: f64,
    /// First-order and total indices per input.
    pub indices: Vec<SobolIndex>,
}

/// First-order and total Sobol indices, over the inputs plus `thermal_margin_noise` (the
/// thermal margin's standard normal), of three outputs of one design
/// ([`SobolOutput::ALL`]): the main tier's CPO share of new ports in the horizon's last year
/// (`end_year`), and the two gates that decide whether it moves, the package yield and the
/// log cost-of-ownership ratio in the scenario window's last year. Estimators as
/// [`sobol_indices_of`], seed `inputs.seed`. The share is continuous and defined in every
/// sample, where the volume year is not; when a gate stays shut in nearly every sample the
/// share hardly varies and its indices are noise, while the gates' values still vary and say
/// which inputs would open them.
///
/// # Errors
/// As [`simulate`], and for `base_samples` of 0.
pub fn sobol(
    inputs: &MarketInputs,
    base_samples: usize,
    bootstrap: usize,
    threads: usize,
) -> Result<Vec<SobolSet>, MarketError> {
    let (order, main) = check(inputs)?;
    if base_samples == 0 {
        return Err(MarketError::invalid("base_samples", 0.0, "at least 1"));
    }
    let mut priors: Vec<Prior> = order.iter().map(|&i| inputs.inputs[i].prior).collect();
    priors.push(Prior::Normal { mean: 0.0, sd: 1.0 });
    let mut names: Vec<String> = INPUT_NAMES.iter().map(|&s| s.to_owned()).collect();
    names.push("thermal_margin_noise".to_owned());
    let a = &inputs.anchors;
    let years = (a.end_year - a.start_year + 1) as usize;
    let t = years - 1;
    let k = INPUT_NAMES.len();
    let window_year = inputs.criteria.bear_after_year.min(a.end_year);
    let sets = sobol::saltelli_outputs(
        |x: &[f64]| {
            check_values(&x[..k], "Sobol design point")?;
            let outcome = model::run(inputs, &Params::from_values(&x[..k]), x[k], main);
            let gates = outcome.window_gates;
            Ok([outcome.shares[main * years + t][2], gates.package_yield, gates.tco_ratio.ln()])
        },
        &priors,
        &names,
        base_samples,
        bootstrap,
        inputs.seed,
        threads,
    )?;
    Ok(SobolOutput::ALL
        .into_iter()
        .zip(sets)
        .map(|(output, set)| SobolSet {
            output,
            year: if output == SobolOutput::CpoShare { a.end_year } else { window_year },
            mean: set.mean,
            sd: set.sd,
            indices: set.indices,
        })
        .collect())
}

/// Sobol indices of any function of independent inputs with the given priors (named `x0`,
/// `x1`, ...): Saltelli 2010 first order, Jansen total, `bootstrap` resamples for 95 %
/// percentile intervals; `base_samples` rows per matrix ($N (k + 2)$ evaluations). Empty for
/// 0 base samples.
pub fn sobol_indices_of(
    f: impl Fn(&[f64]) -> f64 + Sync,
    priors: &[Prior],
    base_samples: usize,
    bootstrap: usize,
    seed: u64,
    threads: usize,
) -> Vec<SobolIndex> {
    if base_samples == 0 || priors.is_empty() {
        return Vec::new();
    }
    let names: Vec<String> = (0..priors.len()).map(|i| format!("x{i}")).collect();
    sobol::saltelli(|x: &[f64]| Ok(f(x)), priors, &names, base_samples, bootstrap, seed, threads)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
