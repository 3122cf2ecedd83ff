//! cporamp-market: when co-packaged optics (CPO) reaches volume, the probabilities of the
//! article's four scenarios (base 55 %, bull 20 %, bear 20 %, tail 5 %) as they follow from
//! engineering uncertainty, the LPO bridge share by tier, value pools by supply-chain layer,
//! and the update of all of it by observed signals.
//!
//! # Inputs
//! The engineering engines give deterministic [`Anchors`]: capex and energy per Gb/s of each
//! technology at the reference CPO volume, and fitted surrogates of engine runs: the package
//! yield over the Wright defect factor and the engineering inputs (alignment, mode radius,
//! heater efficiency, warpage, ASIC defect density; the yield engine, [`YieldSurface`]) and
//! the CPO fabric's extra job goodput loss versus multipliers on its laser and engine port
//! failure rates (fleet runs), each checked on engine runs held out of it. The uncertain inputs carry
//! [`Prior`]s and are read by name ([`MarketInput`], each documented there); a missing,
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
//! deployed ports (ties go to the earlier family in [`Family::ALL`]).
//!
//! **Architecture invariant:** pure and deterministic for a seed.

#![allow(
    clippy::needless_range_loop,
    reason = "indices address several parallel per-technology and per-layer arrays"
)]

mod check;
mod inputs;
pub mod model;
pub mod prior;
mod results;
pub mod settings;
mod signals;
pub mod sobol;
mod surrogate;
mod update;

use check::{check, check_values, surrogate_errors};
pub use inputs::*;
pub use results::*;
pub use settings::{MarketCriteria, MarketTier};
pub use signals::parse_signals;
pub use surrogate::*;
#[cfg(test)]
use update::signal_at;
pub use update::update;

pub use prior::{Prior, latin_hypercube, normal_quantile, seeded_latin_hypercube};
pub use sobol::SobolIndex;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

pub use model::{ByGate, Gate, goodput_loss, thermal_check};
use model::{Outcome, Params};

/// Samples per random stream.
pub const CHUNK: usize = 256;

/// Years a thermal redesign delays the start of CPO adoption after it becomes eligible
/// (assumption: one package re-spin).
pub const REDESIGN_YEARS: i32 = 2;

/// Equipment life over which TCO is counted, years.
pub const LIFE_YEARS: f64 = 5.0;

pub use cporamp_core::units::HOURS_PER_YEAR;

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

/// The required inputs ([`MarketInput::ALL`]), read by name ([`MarketInput::name`]):
///
/// - `yield_learning_rate`: factor on the CPO defect level per doubling of cumulative CPO
///   switches (Wright; 0.8 = 20 % fewer defects per doubling), > 0;
/// - `cost_learning_rate`: factor on CPO USD per Gb/s per doubling of cumulative volume, beyond
///   the yield effect, > 0;
/// - `price_erosion`: fraction by which every technology's USD per Gb/s falls per year,
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
///   spread (the yield engine's block and shift sigmas), > 0;
/// - `mode_radius_factor`: multiplier on the edge coupler's (and fiber's) mode radius, > 0;
/// - `heater_efficiency_factor`: multiplier on the ring heaters' efficiency (nm/mW), so on
///   their tuning range at the heater's power limit, > 0;
/// - `warpage_factor`: multiplier on the package warpage's mean and spread, > 0;
/// - `asic_defect_factor`: multiplier on the ASIC's killer-defect density, > 0;
/// - `engine_fit_factor`: multiplier on the co-packaged engine ports' random failure rate
///   (argument of the goodput surrogate beside the laser factor), > 0.
///
/// The last six are engineering inputs carried through the engines' surrogates: the yield
/// surface ([`YieldSurface`]) and the goodput surrogates ([`model`]).
pub use cporamp_core::market_input::MarketInput;
pub use cporamp_core::market_input::{ByMarketInput, SampleRange};

/// The technology families (every per-family array is in [`Family::ALL`] order) and the
/// supply-chain layers of the value pools ([`Layer::ALL`] order).
pub use cporamp_core::supply::{Family, Layer};

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
    /// Priors, criteria or tiers out of range, as `[market]`'s own check words them (the one place
    /// of their ranges): each problem's field path, value and range.
    #[error("market: {}", cporamp_core::error::one_line(problems))]
    Settings {
        /// The problems, in the order found.
        problems: Vec<cporamp_core::error::Diagnostic>,
    },
}

impl MarketError {
    pub(crate) fn invalid(name: impl Into<String>, value: f64, expected: &str) -> MarketError {
        MarketError::Invalid { name: name.into(), value, expected: expected.to_owned() }
    }
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

/// The scenario of one sample's outcome and why (see the crate docs).
fn classify(o: &Outcome, main: usize, c: &MarketCriteria) -> (Scenario, Reason) {
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
        name: SCENARIOS[s].name(),
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

fn main_volume_year(m: &MarketInputs, params: &Params, z: f64, main: usize) -> Option<i32> {
    model::run(m, params, z, main).volume_years[main]
}

/// Runs the market Monte Carlo on `threads` threads (the result does not depend on them).
///
/// # Errors
/// [`MarketError`] naming the bad input, the missing input, or the sampled value out of an
/// input's range.
pub fn simulate(m: &MarketInputs, threads: usize) -> Result<MarketResult, MarketError> {
    let main = check(m)?;
    let n = m.samples;
    let values = draw_samples(m, &m.priors, n)?;
    let outcomes = run_samples(m, &values, main, threads);

    let a = &m.anchors;
    let years = (a.end_year - a.start_year + 1) as usize;
    let records = sample_records(m, &values, &outcomes, main);
    let uniform = vec![1.0 / n as f64; n];
    let probabilities = probabilities(&records, &uniform, n as f64);
    let reasons = reason_shares(&records, &uniform);
    let closed_gates = closed_gates(&outcomes, n);
    let tiers = tier_results(a, &outcomes, n, years);
    let value_pools = value_pools(a, &outcomes, n, years);

    let medians: Params = m.priors.map(|p| p.quantile(0.5));
    let tornado_baseline = main_volume_year(m, &medians, 0.0, main);
    let tornado = tornado(m, &m.priors, &medians, main)?;
    let what_it_takes = what_it_takes(m, &m.priors, &medians, main)?;

    Ok(MarketResult {
        samples: n,
        years: (a.start_year..=a.end_year).collect(),
        main_tier: a.tiers[main].name.clone(),
        input_names: MarketInput::ALL.to_vec(),
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
            .map(|(name, label, held_out_error)| SurrogateCheck {
                name,
                label,
                held_out_error,
                bound: m.surrogate_error_bound,
            })
            .collect(),
        records,
    })
}

/// The samples' inputs: a Latin hypercube from the master seed through each prior's quantile,
/// each checked against its input's range.
fn draw_samples(
    m: &MarketInputs,
    priors: &ByMarketInput<Prior>,
    n: usize,
) -> Result<Vec<Params>, MarketError> {
    let mut master = ChaCha8Rng::seed_from_u64(m.seed);
    let u = latin_hypercube(n, MarketInput::ALL.len(), &mut master);
    let values: Vec<Params> = u
        .chunks(MarketInput::ALL.len())
        .map(|u| {
            let u = ByMarketInput::from_slice(u);
            ByMarketInput::from_fn(|input| priors[input].quantile(u[input]))
        })
        .collect();
    for (sample, params) in values.iter().enumerate() {
        check_values(params, &format!("sample {sample}"))?;
    }
    Ok(values)
}

/// Each sample's thermal draw and outcome, in sample order: chunks of [`CHUNK`] samples, each
/// on its own random stream, split over `threads` scoped threads.
fn run_samples(
    m: &MarketInputs,
    values: &[Params],
    main: usize,
    threads: usize,
) -> Vec<(f64, Outcome)> {
    let n = m.samples;
    let chunks = n.div_ceil(CHUNK);
    let threads = threads.clamp(1, chunks);
    let per_thread = chunks.div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|thread| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for chunk in thread * per_thread..((thread + 1) * per_thread).min(chunks) {
                        let mut rng = ChaCha8Rng::seed_from_u64(m.seed);
                        rng.set_stream(chunk as u64 + 1);
                        for sample in chunk * CHUNK..((chunk + 1) * CHUNK).min(n) {
                            let z: f64 = StandardNormal.sample(&mut rng);
                            out.push((z, model::run(m, &values[sample], z, main)));
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
    })
}

/// One record per sample: its inputs, thermal draw, scenario, reason, volume years and signals.
fn sample_records(
    m: &MarketInputs,
    values: &[Params],
    outcomes: &[(f64, Outcome)],
    main: usize,
) -> Vec<SampleRecord> {
    outcomes
        .iter()
        .enumerate()
        .map(|(i, (z, o))| {
            let (scenario, reason) = classify(o, main, &m.criteria);
            SampleRecord {
                inputs: values[i],
                thermal_z: *z,
                scenario,
                reason,
                volume_years: o.volume_years.clone(),
                signals: o.signals.clone(),
            }
        })
        .collect()
}

/// The share of samples whose window found each gate closed.
fn closed_gates(outcomes: &[(f64, Outcome)], n: usize) -> ByGate<f64> {
    let mut closed_gates = ByGate::default();
    for (_, o) in outcomes {
        for gate in Gate::ALL {
            let open = o.window_gates.open(gate);
            closed_gates[gate] += f64::from(u8::from(!open)) / n as f64;
        }
    }
    closed_gates
}

/// Per tier: the volume year's quantiles, the CPO share fan, mean shares and migration.
fn tier_results(
    a: &Anchors,
    outcomes: &[(f64, Outcome)],
    n: usize,
    years: usize,
) -> Vec<TierResult> {
    a.tiers
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
        .collect()
}

/// The mean value pool per year and layer, USD.
fn value_pools(a: &Anchors, outcomes: &[(f64, Outcome)], n: usize, years: usize) -> Vec<ValuePool> {
    (0..years)
        .map(|t| {
            let mut usd = [0.0; 4];
            for (_, o) in outcomes {
                for layer in 0..4 {
                    usd[layer] += o.value[t][layer] / n as f64;
                }
            }
            ValuePool { year: a.start_year + t as i32, usd }
        })
        .collect()
}

/// The tornado: the main tier's volume year with each input at its prior's 10th and 90th
/// percentiles and the others at their medians, widest swing first.
fn tornado(
    m: &MarketInputs,
    priors: &ByMarketInput<Prior>,
    medians: &Params,
    main: usize,
) -> Result<Vec<TornadoBar>, MarketError> {
    let a = &m.anchors;
    let mut tornado = Vec::with_capacity(MarketInput::ALL.len());
    for input in MarketInput::ALL {
        let at = |u: f64| -> Result<(f64, Option<i32>), MarketError> {
            let mut point = *medians;
            point[input] = priors[input].quantile(u);
            check_values(&point, "tornado")?;
            Ok((point[input], main_volume_year(m, &point, 0.0, main)))
        };
        let (low_value, year_at_low) = at(0.1)?;
        let (high_value, year_at_high) = at(0.9)?;
        tornado.push(TornadoBar { input, low_value, high_value, year_at_low, year_at_high });
    }
    let beyond = a.end_year + 1;
    let swing = |bar: &TornadoBar| {
        (bar.year_at_low.unwrap_or(beyond) - bar.year_at_high.unwrap_or(beyond)).abs()
    };
    tornado.sort_by_key(|bar| std::cmp::Reverse(swing(bar)));
    Ok(tornado)
}

/// What it takes: per input, the prior mass (others at their medians) that brings the main
/// tier to volume by the window's year, and the reaching value nearest the median.
fn what_it_takes(
    m: &MarketInputs,
    priors: &ByMarketInput<Prior>,
    medians: &Params,
    main: usize,
) -> Result<Vec<WhatItTakes>, MarketError> {
    let a = &m.anchors;
    let window_year = m.criteria.bear_after_year.min(a.end_year);
    MarketInput::ALL
        .into_iter()
        .map(|input| {
            let mut reached = Vec::new();
            for i in 0..WHAT_IT_TAKES_GRID {
                let u = (i as f64 + 0.5) / WHAT_IT_TAKES_GRID as f64;
                let mut point = *medians;
                point[input] = priors[input].quantile(u);
                check_values(&point, "what it takes")?;
                if main_volume_year(m, &point, 0.0, main).is_some_and(|year| year <= window_year) {
                    reached.push((point[input], u));
                }
            }
            Ok(WhatItTakes {
                input,
                prior_mass: reached.len() as f64 / WHAT_IT_TAKES_GRID as f64,
                nearest: reached
                    .into_iter()
                    .min_by(|a, b| (a.1 - 0.5).abs().total_cmp(&(b.1 - 0.5).abs())),
            })
        })
        .collect::<Result<Vec<_>, MarketError>>()
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
    pub indices: Vec<SobolIndex<SobolInput>>,
}

/// An input of the market's Sobol design: a market input, or the thermal margin's standard
/// normal draw (serialized as its id, `thermal_margin_noise` for the draw).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SobolInput {
    /// A market input.
    Market(MarketInput),
    /// The thermal margin's draw.
    ThermalMarginNoise,
}

impl SobolInput {
    /// The input's id.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            SobolInput::Market(input) => input.name(),
            SobolInput::ThermalMarginNoise => "thermal_margin_noise",
        }
    }

    /// What people call the input.
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            SobolInput::Market(input) => input.label(),
            SobolInput::ThermalMarginNoise => "engine temperature margin (its random draw)",
        }
    }
}

impl Serialize for SobolInput {
    /// As its id.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
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
    let main = check(inputs)?;
    if base_samples == 0 {
        return Err(MarketError::invalid("base_samples", 0.0, "at least 1"));
    }
    let mut priors: Vec<Prior> = inputs.priors.values().copied().collect();
    priors.push(Prior::Normal { mean: 0.0, sd: 1.0 });
    let mut names: Vec<SobolInput> = MarketInput::ALL.map(SobolInput::Market).to_vec();
    names.push(SobolInput::ThermalMarginNoise);
    let a = &inputs.anchors;
    let years = (a.end_year - a.start_year + 1) as usize;
    let t = years - 1;
    // A design point: the inputs in `MarketInput::ALL` order, then the thermal margin's draw.
    let noise = MarketInput::ALL.len();
    let window_year = inputs.criteria.bear_after_year.min(a.end_year);
    let sets = sobol::saltelli_outputs(
        |x: &[f64]| {
            let params = ByMarketInput::from_slice(x);
            check_values(&params, "Sobol design point")?;
            let outcome = model::run(inputs, &params, x[noise], main);
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
mod pins;
#[cfg(test)]
mod tests;
