//! Checking `[market]`: horizon, technologies, criteria, priors (each kind with its own
//! parameters) and the network tiers and value split.

use super::{MarketCriteria, MarketSettings, MarketTier};
use cporamp_core::check::{Checker, Limits, Section};
use cporamp_core::market_input::ByMarketInput;
use cporamp_core::prior::Prior;
use cporamp_core::supply::{Family, Layer};
use std::collections::BTreeMap;

/// The technologies `[market]` names, checked against the scenario that holds the section.
pub trait Catalog {
    /// Records a problem at `path` unless `id` names one of the scenario's technologies of
    /// `family`'s kind (a co-packaged technology for CPO, a pluggable one for pluggable and LPO
    /// modules).
    fn check_technology(&self, checker: &mut Checker, path: &str, id: &str, family: Family);
}

/// Checks `[market]`, its technologies against `catalog`: every problem is recorded in
/// `checker`.
pub fn check(checker: &mut Checker, settings: &MarketSettings, catalog: &impl Catalog) {
    let at = Section::new("market");
    let s = settings;
    for (name, family) in [
        ("cpo_technology", Family::Cpo),
        ("pluggable_technology", Family::Pluggable),
        ("lpo_technology", Family::Lpo),
    ] {
        catalog.check_technology(checker, &at.path(name), s.technology_of(family), family);
    }
    // A year out of range counts as 1 in the order check, which it then does not repeat.
    let start_year = at.count(checker, "start_year", s.start_year, 2000, 2100, "year");
    let end_year = at.count(checker, "end_year", s.end_year, 2000, 2100, "year");
    if end_year < start_year {
        at.invalid(checker, "end_year", end_year, format!("a year >= start_year ({start_year})"));
    }
    check_priors(checker, &s.priors);
    check_tiers(checker, &s.tiers);
    check_layer_split(checker, &s.layer_split);
    check_pilot_share(checker, s);
    check_factors(checker, "laser_factors", &s.laser_factors);
    check_factors(checker, "engine_fit_factors", &s.engine_fit_factors);
    at.count(checker, "seed", s.seed, 0, i64::from(u32::MAX), "seed");
    at.count(checker, "samples", s.samples, 10, 1_000_000, "samples");
    at.number(
        checker,
        "engine_temp_limit_c",
        s.engine_temp_limit_c.0,
        Limits::between(0.0, 200.0),
        "°C",
    );
    at.fraction(checker, "pilot_share", s.pilot_share);
    at.positive(checker, "surrogate_error_bound", s.surrogate_error_bound, "1");
    at.count(checker, "sobol_samples", s.sobol_samples, 10, 1_000_000, "samples");
    at.count(checker, "sobol_bootstrap", s.sobol_bootstrap, 1, 100_000, "resamples");
    check_criteria(checker, &s.criteria);
}

/// `[[market.tiers]]`: at least one network tier, each with its ports per accelerator and
/// largest CPO share.
pub(crate) fn check_tiers(checker: &mut Checker, tiers: &[MarketTier]) {
    for (index, tier) in tiers.iter().enumerate() {
        let at = Section::new(format!("market.tiers[{index}]"));
        at.positive(checker, "ports_per_accelerator", tier.ports_per_accelerator, "ports");
        at.fraction(checker, "cpo_max_share", tier.cpo_max_share);
    }
    if tiers.is_empty() {
        Section::new("market").invalid(checker, "tiers", "[]", "at least one network tier");
    }
}

/// `[market.layer_split]`: for each technology family, four fractions >= 0 summing to 1.
fn check_layer_split(checker: &mut Checker, splits: &BTreeMap<Family, Vec<f64>>) {
    let at = Section::new("market");
    let names: Vec<&str> = Family::ALL.iter().map(|family| family.name()).collect();
    for family in Family::ALL {
        if !splits.contains_key(&family) {
            at.invalid(
                checker,
                "layer_split",
                format!("no {family} split"),
                format!("a split for each technology family: {}", names.join(", ")),
            );
        }
    }
    let layers: Vec<&str> = Layer::ALL.iter().map(|layer| layer.name()).collect();
    for (family, fractions) in splits {
        let sum: f64 = fractions.iter().sum();
        if fractions.len() != 4
            || (sum - 1.0).abs() > 1e-6
            || fractions.iter().any(|f| !f.is_finite() || *f < 0.0)
        {
            at.invalid(
                checker,
                &format!("layer_split.{family}"),
                format!("{fractions:?}"),
                format!("four fractions >= 0 ({}) summing to 1", layers.join("; ")),
            );
        }
    }
}

/// Pilots alone are not counted as volume.
fn check_pilot_share(checker: &mut Checker, settings: &MarketSettings) {
    let at = Section::new("market");
    let criteria = &settings.criteria;
    // Only against a valid volume share: an invalid one is its own problem.
    if Limits::FRACTION.contains(criteria.volume_share)
        && settings.pilot_share >= criteria.volume_share
    {
        at.invalid(
            checker,
            "pilot_share",
            settings.pilot_share,
            format!(
                "a share below criteria.volume_share ({}): pilots alone must not count as volume",
                criteria.volume_share
            ),
        );
    }
}

/// The multipliers `market.<name>`: each positive, at least 3, increasing.
fn check_factors(checker: &mut Checker, name: &str, factors: &[f64]) {
    for (index, &factor) in factors.iter().enumerate() {
        checker.number(&format!("market.{name}[{index}]"), factor, Limits::POSITIVE, "factor");
    }
    if factors.len() < 3 || factors.windows(2).any(|pair| pair[1] <= pair[0]) {
        checker.invalid(
            &format!("market.{name}"),
            format!("{factors:?}"),
            "at least 3 increasing factors (the surrogate's held-out check needs interior points)",
        );
    }
}

/// `[market.criteria]`: the targets, shares and years (bear after bull) that define volume and
/// the scenarios.
pub(crate) fn check_criteria(checker: &mut Checker, criteria: &MarketCriteria) {
    let at = Section::new("market.criteria");
    if criteria.bear_after_year < criteria.bull_by_year {
        at.invalid(
            checker,
            "bear_after_year",
            criteria.bear_after_year,
            format!("a year >= criteria.bull_by_year ({})", criteria.bull_by_year),
        );
    }
    at.fraction(checker, "yield_target", criteria.yield_target);
    at.fraction(checker, "volume_share", criteria.volume_share);
    at.fraction(checker, "goodput_parity", criteria.goodput_parity);
    at.count(checker, "bull_by_year", criteria.bull_by_year, 2000, 2100, "year");
    at.count(checker, "bear_after_year", criteria.bear_after_year, 2000, 2100, "year");
    at.fraction(checker, "unlockable_limit", criteria.unlockable_limit);
    at.non_negative(
        checker,
        "flap_limit_per_lane_h",
        criteria.flap_limit_per_lane_h,
        "flaps per lane-hour",
    );
}

/// A prior's parameters: finite, spreads at least 0, a log-normal's median above 0, the ends
/// of a uniform or triangular prior in order and a triangular mode between them.
fn check_prior(checker: &mut Checker, path: &str, prior: &Prior) {
    let at = Section::new(path);
    let finite = |checker: &mut Checker, name: &str, value: f64| {
        at.number(checker, name, value, Limits::FINITE, "1")
    };
    match *prior {
        Prior::Normal { mean, sd } => {
            finite(checker, "mean", mean);
            at.non_negative(checker, "sd", sd, "1");
        }
        Prior::LogNormal { median, sigma } => {
            at.positive(checker, "median", median, "1");
            at.non_negative(checker, "sigma", sigma, "1");
        }
        Prior::Uniform { low, high } => {
            let (low, high) = (finite(checker, "low", low), finite(checker, "high", high));
            if high < low {
                at.invalid(checker, "high", high, format!("at least low ({low})"));
            }
        }
        Prior::Triangular { low, mode, high } => {
            let low = finite(checker, "low", low);
            let mode = finite(checker, "mode", mode);
            let high = finite(checker, "high", high);
            if !(low <= mode && mode <= high) {
                at.invalid(checker, "mode", mode, format!("between low ({low}) and high ({high})"));
            }
        }
    }
}

/// One prior per input of the market engine (`[market.priors.<name>]`, in the order of the
/// names, as the file's tables sort).
pub(crate) fn check_priors(checker: &mut Checker, priors: &ByMarketInput<Prior>) {
    for (input, prior) in priors.by_name() {
        check_prior(checker, &format!("market.priors.{input}"), prior);
    }
}
