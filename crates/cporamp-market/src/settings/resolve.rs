//! Checking `[market]`: horizon, technologies, criteria, priors (each kind with its own
//! parameters) and the network tiers and value split.

use super::{MarketCriteria, MarketOptions, MarketSettings, MarketTier, PriorOptions};
use cporamp_core::check::{Checker, Limits, Section};
use cporamp_core::market_input::{ByMarketInput, MarketInput};
use cporamp_core::prior::Prior;
use cporamp_core::supply::{Family, Layer};
use cporamp_core::units::Celsius;

/// The technologies `[market]` names, resolved by the scenario that holds the section.
pub trait Catalog {
    /// The index of the technology `id` named at `path`, which must be of `family`'s kind (a
    /// co-packaged technology for CPO, a pluggable one for pluggable and LPO modules); 0, with
    /// a problem recorded, when there is none.
    fn technology(&self, checker: &mut Checker, path: &str, id: &str, family: Family) -> usize;
}

/// Checks `[market]` and resolves it; every problem is recorded in `checker` (the result is
/// then only a placeholder to keep walking with).
pub fn resolve(
    checker: &mut Checker,
    options: &MarketOptions,
    catalog: &impl Catalog,
) -> MarketSettings {
    let at = Section::new("market");
    let technology = |checker: &mut Checker, name: &str, id: &str, family: Family| {
        catalog.technology(checker, &at.path(name), id, family)
    };
    let cpo_technology =
        technology(checker, "cpo_technology", &options.cpo_technology, Family::Cpo);
    let pluggable_technology = technology(
        checker,
        "pluggable_technology",
        &options.pluggable_technology,
        Family::Pluggable,
    );
    let lpo_technology =
        technology(checker, "lpo_technology", &options.lpo_technology, Family::Lpo);
    let year = |checker: &mut Checker, name: &str, value: i64| {
        at.count(checker, name, value, 2000, 2100, "year") as i32
    };
    let start_year = year(checker, "start_year", options.start_year);
    let end_year = year(checker, "end_year", options.end_year);
    if end_year < start_year {
        at.invalid(checker, "end_year", end_year, format!("a year >= start_year ({start_year})"));
    }
    let priors = resolve_priors(checker, options);
    let tiers = resolve_tiers(checker, options);
    let layer_split = resolve_layer_split(checker, options);
    check_criteria_order(checker, options);
    let laser_factors = factors(checker, "laser_factors", &options.laser_factors);
    let engine_fit_factors = factors(checker, "engine_fit_factors", &options.engine_fit_factors);
    MarketSettings {
        seed: at.count(checker, "seed", options.seed, 0, i64::from(u32::MAX), "seed") as u64,
        samples: at.count(checker, "samples", options.samples, 10, 1_000_000, "samples") as usize,
        start_year,
        end_year,
        cpo_technology,
        pluggable_technology,
        lpo_technology,
        engine_temp_limit_c: Celsius(at.number(
            checker,
            "engine_temp_limit_c",
            options.engine_temp_limit_c,
            Limits::between(0.0, 200.0),
            "°C",
        )),
        pilot_share: at.fraction(checker, "pilot_share", options.pilot_share),
        surrogate_error_bound: at.positive(
            checker,
            "surrogate_error_bound",
            options.surrogate_error_bound,
            "1",
        ),
        laser_factors,
        engine_fit_factors,
        sobol_samples: at.count(
            checker,
            "sobol_samples",
            options.sobol_samples,
            10,
            1_000_000,
            "samples",
        ) as usize,
        sobol_bootstrap: at.count(
            checker,
            "sobol_bootstrap",
            options.sobol_bootstrap,
            1,
            100_000,
            "resamples",
        ) as usize,
        criteria: resolve_criteria(checker, options),
        priors,
        tiers,
        layer_split,
    }
}

/// `[[market.tiers]]`: at least one network tier, each with its ports per accelerator and
/// largest CPO share.
fn resolve_tiers(checker: &mut Checker, options: &MarketOptions) -> Vec<MarketTier> {
    let at = Section::new("market");
    let tiers: Vec<MarketTier> = options
        .tiers
        .iter()
        .enumerate()
        .map(|(index, tier)| {
            let path = |name: &str| format!("market.tiers[{index}].{name}");
            MarketTier {
                name: tier.name.clone(),
                ports_per_accelerator: checker.number(
                    &path("ports_per_accelerator"),
                    tier.ports_per_accelerator,
                    Limits::POSITIVE,
                    "ports",
                ),
                cpo_max_share: checker.number(
                    &path("cpo_max_share"),
                    tier.cpo_max_share,
                    Limits::between(0.0, 1.0),
                    "fraction",
                ),
                lpo_allowed: tier.lpo_allowed,
                job_exposed: tier.job_exposed,
            }
        })
        .collect();
    if tiers.is_empty() {
        at.invalid(checker, "tiers", "[]", "at least one network tier");
    }
    tiers
}

/// `[market.layer_split]`: for each technology family and no other, four fractions >= 0
/// summing to 1.
fn resolve_layer_split(checker: &mut Checker, options: &MarketOptions) -> Vec<(Family, [f64; 4])> {
    let at = Section::new("market");
    let names: Vec<&str> = Family::ALL.iter().map(|family| family.name()).collect();
    for family in Family::ALL {
        if !options.layer_split.contains_key(family.name()) {
            at.invalid(
                checker,
                "layer_split",
                format!("no {family} split"),
                format!("a split for each technology family: {}", names.join(", ")),
            );
        }
    }
    let layers: Vec<&str> = Layer::ALL.iter().map(|layer| layer.name()).collect();
    options
        .layer_split
        .iter()
        .filter_map(|(name, fractions)| {
            let path = at.path(&format!("layer_split.{name}"));
            let Some(family) = Family::from_name(name) else {
                checker.invalid(
                    &path,
                    "a split",
                    format!("splits of the technology families only: {}", names.join(", ")),
                );
                return None;
            };
            let sum: f64 = fractions.iter().sum();
            if fractions.len() != 4
                || (sum - 1.0).abs() > 1e-6
                || fractions.iter().any(|f| !f.is_finite() || *f < 0.0)
            {
                checker.invalid(
                    &path,
                    format!("{fractions:?}"),
                    format!("four fractions >= 0 ({}) summing to 1", layers.join("; ")),
                );
            }
            let mut split = [0.0; 4];
            for (slot, value) in split.iter_mut().zip(fractions) {
                *slot = *value;
            }
            Some((family, split))
        })
        .collect()
}

/// The criteria's years in order (bear after bull), and pilots alone not counted as volume.
fn check_criteria_order(checker: &mut Checker, options: &MarketOptions) {
    let at = Section::new("market");
    let criteria = &options.criteria;
    if criteria.bear_after_year < criteria.bull_by_year {
        at.invalid(
            checker,
            "criteria.bear_after_year",
            criteria.bear_after_year,
            format!("a year >= criteria.bull_by_year ({})", criteria.bull_by_year),
        );
    }
    // Only against a valid volume share: an invalid one is its own problem.
    if Limits::FRACTION.contains(criteria.volume_share)
        && options.pilot_share >= criteria.volume_share
    {
        at.invalid(
            checker,
            "pilot_share",
            options.pilot_share,
            format!(
                "a share below criteria.volume_share ({}): pilots alone must not count as volume",
                criteria.volume_share
            ),
        );
    }
}

/// The multipliers `market.<name>`: each positive, at least 3, increasing.
fn factors(checker: &mut Checker, name: &str, values: &[f64]) -> Vec<f64> {
    let factors: Vec<f64> = values
        .iter()
        .enumerate()
        .map(|(index, &factor)| {
            checker.number(&format!("market.{name}[{index}]"), factor, Limits::POSITIVE, "factor")
        })
        .collect();
    if factors.len() < 3 || factors.windows(2).any(|pair| pair[1] <= pair[0]) {
        checker.invalid(
            &format!("market.{name}"),
            format!("{factors:?}"),
            "at least 3 increasing factors (the surrogate's held-out check needs interior points)",
        );
    }
    factors
}

/// `[market.criteria]`: the targets, shares and years that define volume and the scenarios.
fn resolve_criteria(checker: &mut Checker, options: &MarketOptions) -> MarketCriteria {
    let at = Section::new("market");
    let year = |checker: &mut Checker, name: &str, value: i64| {
        at.count(checker, name, value, 2000, 2100, "year") as i32
    };
    let criteria = &options.criteria;
    MarketCriteria {
        yield_target: at.fraction(checker, "criteria.yield_target", criteria.yield_target),
        volume_share: at.fraction(checker, "criteria.volume_share", criteria.volume_share),
        goodput_parity: at.fraction(checker, "criteria.goodput_parity", criteria.goodput_parity),
        bull_by_year: year(checker, "criteria.bull_by_year", criteria.bull_by_year),
        bear_after_year: year(checker, "criteria.bear_after_year", criteria.bear_after_year),
        unlockable_limit: at.fraction(
            checker,
            "criteria.unlockable_limit",
            criteria.unlockable_limit,
        ),
        flap_limit_per_lane_h: at.non_negative(
            checker,
            "criteria.flap_limit_per_lane_h",
            criteria.flap_limit_per_lane_h,
            "flaps per lane-hour",
        ),
    }
}

/// A prior from its `kind` and that kind's parameters (and no others).
fn resolve_prior(checker: &mut Checker, path: &str, prior: &PriorOptions) -> Prior {
    let at = Section::new(path);
    let given = [
        ("mean", prior.mean),
        ("sd", prior.sd),
        ("median", prior.median),
        ("sigma", prior.sigma),
        ("low", prior.low),
        ("mode", prior.mode),
        ("high", prior.high),
    ];
    let needed: &[&str] = match prior.kind.as_str() {
        "normal" => &["mean", "sd"],
        "lognormal" => &["median", "sigma"],
        "uniform" => &["low", "high"],
        "triangular" => &["low", "mode", "high"],
        other => {
            checker.invalid(
                &at.path("kind"),
                format!("\"{other}\""),
                "normal, lognormal, uniform or triangular",
            );
            return Prior::Uniform { low: 0.0, high: 0.0 };
        }
    };
    for (name, value) in given {
        if value.is_some() != needed.contains(&name) {
            let expected =
                if value.is_some() { "absent for this kind" } else { "present for this kind" };
            checker.invalid(
                &at.path(name),
                value.map_or("missing".to_string(), |v| v.to_string()),
                format!("{expected} ({})", prior.kind),
            );
        }
    }
    let value =
        |name: &str| given.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v).unwrap_or(0.0);
    let finite = |checker: &mut Checker, name: &str| {
        at.number(checker, name, value(name), Limits::FINITE, "1")
    };
    let spread =
        |checker: &mut Checker, name: &str| at.non_negative(checker, name, value(name), "1");
    match prior.kind.as_str() {
        "normal" => Prior::Normal { mean: finite(checker, "mean"), sd: spread(checker, "sd") },
        "lognormal" => Prior::LogNormal {
            median: checker.number(&at.path("median"), value("median"), Limits::POSITIVE, "1"),
            sigma: spread(checker, "sigma"),
        },
        "uniform" => {
            let (low, high) = (finite(checker, "low"), finite(checker, "high"));
            if high < low {
                checker.invalid(&at.path("high"), high, format!("at least low ({low})"));
            }
            Prior::Uniform { low, high }
        }
        _ => {
            let (low, mode, high) =
                (finite(checker, "low"), finite(checker, "mode"), finite(checker, "high"));
            if !(low <= mode && mode <= high) {
                checker.invalid(
                    &at.path("mode"),
                    mode,
                    format!("between low ({low}) and high ({high})"),
                );
            }
            Prior::Triangular { low, mode, high }
        }
    }
}

/// One prior per input of the market engine, from `[market.priors.<name>]`: a table whose name
/// is not an input, or an input without its table, is an error.
fn resolve_priors(checker: &mut Checker, options: &MarketOptions) -> ByMarketInput<Prior> {
    let mut priors = ByMarketInput::from_fn(|_| None);
    for (name, prior) in &options.priors {
        let path = format!("market.priors.{name}");
        let resolved = resolve_prior(checker, &path, prior);
        match MarketInput::from_name(name) {
            Some(input) => priors[input] = Some(resolved),
            None => checker.invalid(
                &path,
                "a prior",
                format!("priors of the market engine's inputs only: {}", MarketInput::names(", ")),
            ),
        }
    }
    for (input, prior) in priors.iter() {
        if prior.is_none() {
            checker.invalid(
                "market.priors",
                format!("no [market.priors.{input}]"),
                format!("a prior for every input of the market engine ({input} is missing)"),
            );
        }
    }
    // A missing prior is an error above, so this placeholder never reaches an engine.
    priors.map(|prior| prior.unwrap_or(Prior::Uniform { low: 0.0, high: 1.0 }))
}
