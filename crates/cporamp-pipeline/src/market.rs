//! The market engine wired to the others. Its anchors are the engines' results at the fleet's
//! generation:
//!
//! - capex per Gb/s of the pluggable, linear-drive and co-packaged switches (the comparison;
//!   the co-packaged one with the yield engine's cost per shipped package), and the external
//!   laser source's part of it;
//! - energy per bit of each switch (the comparison, at the thermal engine's temperatures);
//! - **the yield surrogate**: the co-packaged package yield against the Wright defect factor,
//!   from the yield engine's ramp (one Monte Carlo per quarter), interpolated piecewise
//!   linearly; its leave-one-out error on the engine's own points is its held-out check;
//! - **the goodput surrogate**: the co-packaged fabric's job goodput loss against the
//!   pluggable fabric as a function of a multiplier $f$ on the co-packaged fabric's laser
//!   failure rates (the uncertainty is about the new design's lasers; the pluggable reference
//!   keeps its field rates), from one fleet run per `[market] laser_factors` entry (same
//!   seed: common random numbers); a multiplier $f$ on a Weibull hazard scales its
//!   characteristic life by $f^{-1/\beta}$. Only the GPU-leaf links interrupt the fleet's
//!   job, so the loss is that of the co-packaged leaf; the market charges it only to its
//!   job-exposed tiers, per their own Gb/s;
//! - LPO's goodput loss against the pluggable fabric, from the LPO fabric (its modules fail
//!   less often than DSP modules);
//! - the engine temperature margin: `engine_temp_limit_c` minus the thermal engine's hottest
//!   engine mean at the nominal inlet, and the package over the inlet sweep (hottest engine,
//!   the photonics engine's unlockable lanes and flaps at each inlet) for the thermal check;
//! - the co-packaged switch's liquid-cooling bill per Gb/s: the comparison's
//!   (`cooling_usd_per_switch`, the `[codesign.bom]` bill at its midpoint for the package's
//!   heat) over the switch's capacity, split into its cold plates and the rest (the
//!   infrastructure a rack that is already liquid-cooled provides).

use cporamp_compare::GenerationComparison;
use cporamp_core::Scenario;
use cporamp_market::{
    Anchors, CoolingAnchors, Criteria, HotPoint, Input, LayerSplit, MarketInputs, MarketResult,
    SobolSet, Surrogate, TierAnchors,
};
use cporamp_yield::YieldInputs;
use serde::Serialize;

use crate::options::Counter;
use crate::{
    FleetOutput, PhotonicsGeneration, PipelineError, RunOptions, Stage, ThermalGeneration,
    YieldGeneration,
};

/// The market engine's results.
#[derive(Debug, Clone, Serialize)]
pub struct MarketOutput {
    /// The generation whose engines anchor it.
    pub generation: String,
    /// The inputs the engine ran on (priors, anchors with their surrogates, criteria).
    pub inputs: MarketInputs,
    /// Scenario probabilities, volume years, shares, value pools, tornado.
    pub result: MarketResult,
    /// Sobol indices of the main tier's CPO share of new ports in the horizon's last year and
    /// of its yield and cost gates' values ([`cporamp_market::SobolOutput::ALL`]).
    pub sobol: Vec<SobolSet>,
}

/// Learning factors at which the yield surrogate runs the yield engine, $0.1 \cdot 1.13^k$
/// for $k = 0..30$ (0.1 to 3.9): the ramp's factors (about 0.3-1.3 over the default quarters)
/// times the alignment prior's squared factor (about 0.4-2.7 over its 1-99 % range). The
/// package yield falls steeply with the attach spread, so the grid is fine enough for a
/// held-out error within `surrogate_error_bound`.
fn yield_factors() -> impl Iterator<Item = f64> {
    (0..=30).map(|k| 0.1 * 1.13f64.powi(k))
}

fn missing(what: &str) -> PipelineError {
    PipelineError::Market { reason: format!("no {what} at the fleet's generation") }
}

/// Checks, before any engine runs, that `[market.priors]` names exactly the market engine's
/// inputs.
///
/// # Errors
/// [`PipelineError::Market`] naming the missing or unknown prior.
pub(crate) fn check_priors(scenario: &Scenario) -> Result<(), PipelineError> {
    let names: Vec<&str> = scenario.market.priors.iter().map(|(name, _)| name.as_str()).collect();
    let expected = cporamp_market::INPUT_NAMES.join(", ");
    if let Some(unknown) = names.iter().find(|name| !cporamp_market::INPUT_NAMES.contains(name)) {
        return Err(PipelineError::Market {
            reason: format!(
                "market.priors.{unknown}: not an input of the market engine; expected one of {expected}"
            ),
        });
    }
    if let Some(missing) = cporamp_market::INPUT_NAMES.iter().find(|name| !names.contains(name)) {
        return Err(PipelineError::Market {
            reason: format!(
                "market.priors.{missing}: missing; every input needs a prior ({expected})"
            ),
        });
    }
    Ok(())
}

/// Runs the market engine on the engines' results at the fleet's generation.
///
/// # Errors
/// [`PipelineError::Market`] when an anchor is missing or the engine rejects its inputs.
pub(crate) fn market(
    scenario: &Scenario,
    comparison: &GenerationComparison,
    thermal: &ThermalGeneration,
    photonics: &PhotonicsGeneration,
    yields: &YieldGeneration,
    fleet: &FleetOutput,
    options: &RunOptions,
) -> Result<MarketOutput, PipelineError> {
    let settings = &scenario.market;
    let id = |index: usize| scenario.technologies[index].id.as_str();
    let compared = |index: usize| {
        comparison
            .technologies
            .iter()
            .find(|technology| technology.id == id(index))
            .ok_or_else(|| missing(id(index)))
    };
    let (pluggable, lpo, cpo) = (
        compared(settings.pluggable_technology)?,
        compared(settings.lpo_technology)?,
        compared(settings.cpo_technology)?,
    );
    let cpo_id = id(settings.cpo_technology);
    let yielded = yields
        .technologies
        .iter()
        .find(|technology| technology.id == cpo_id)
        .ok_or_else(|| missing(&format!("yield result for {cpo_id}")))?;
    // The yield surrogate: the yield engine at learning factors spanning what the ramp and
    // the alignment prior reach (same seed: common random numbers).
    let threads = options.threads.get();
    let packages = scenario.yield_settings.ramp.packages_per_point;
    let runs: Vec<YieldInputs> = yield_factors()
        .map(|factor| YieldInputs { packages, ..cporamp_yield::learned(&yielded.inputs, factor) })
        .collect();
    let (results, _) =
        cporamp_yield::simulate_all(&runs, &[], threads, &|| {}).map_err(|error| {
            PipelineError::Yield {
                technology: cpo_id.to_string(),
                generation: comparison.generation.clone(),
                error,
            }
        })?;
    let points: Vec<(f64, f64)> = yield_factors()
        .zip(&results)
        .map(|(factor, result)| (factor, result.package_yield.value))
        .collect();
    let y = &yielded.inputs;
    let laser_defects_at_reference = if y.lanes_per_laser == 0 {
        0.0
    } else {
        let lanes = y.lanes_per_engine + y.spare_lanes_per_engine;
        (y.engines_per_package * lanes.div_ceil(y.lanes_per_laser)) as f64
            * y.laser_dead_probability
            * (1.0 - y.engine_test[cporamp_yield::Mechanism::Laser])
    };
    let thermal_cpo = thermal
        .technologies
        .iter()
        .find(|technology| technology.id == cpo_id)
        .ok_or_else(|| missing(&format!("thermal result for {cpo_id}")))?;
    let engine_c = thermal_cpo.nominal.engine_mean_max_c;
    let photonics_cpo = photonics
        .technologies
        .iter()
        .find(|technology| technology.id == cpo_id)
        .ok_or_else(|| missing(&format!("photonics result for {cpo_id}")))?;
    // The package over the inlet sweep: the thermal engine's hottest engine and the
    // photonics engine's lanes at the same inlets.
    let hot_end = thermal_cpo
        .sweep
        .iter()
        .zip(&photonics_cpo.inlet_sweep)
        .map(|(point, lanes)| HotPoint {
            inlet_c: point.inlet_c,
            engine_temp_c: point.engine_mean_max_c,
            unlockable_fraction: lanes.unlockable_fraction,
            flaps_per_lane_h: lanes.feedback_flaps_per_lane_hour,
        })
        .collect();
    let progress = Counter::start(
        options,
        Stage::Market,
        scenario.market.laser_factors.len() + settings.samples + settings.sobol_samples,
    );
    let goodput = goodput_surrogate(scenario, fleet, cpo_id, options.threads.get(), &progress)?;
    let fabric_goodput = |index: usize| {
        let id = scenario.technologies[index].id.as_str();
        fleet
            .fabrics
            .iter()
            .find(|fabric| fabric.id == id)
            .map(|fabric| fabric.result.job.goodput.mean)
            .ok_or_else(|| PipelineError::Market {
                reason: format!("[fleet] technologies must include {id}"),
            })
    };
    let reference_goodput = fabric_goodput(settings.pluggable_technology)?;
    let lpo_goodput = fabric_goodput(settings.lpo_technology)?;
    let port_gbps = comparison.port_rate_gbps;
    let capacity_gbps = f64::from(comparison.ports_per_switch) * port_gbps;
    let cooling_usd = cpo.cost.cooling_usd_per_switch.ok_or_else(|| {
        missing(&format!("liquid-cooling bill for {cpo_id} (not a co-packaged technology)"))
    })?;
    // The plates do not depend on the heat (the comparison's switch: the package on one
    // plate, external lasers in the front panel).
    let plates_usd =
        cporamp_compare::cooling::cooling_bom(&scenario.codesign.bom, 0.0, false, 0, 0)
            .cold_plates_mid_usd();
    let anchors = Anchors {
        start_year: settings.start_year,
        end_year: settings.end_year,
        pluggable_usd_per_gbps: pluggable.cost.switch_usd_per_gbps,
        lpo_usd_per_gbps: lpo.cost.switch_usd_per_gbps,
        cpo_usd_per_gbps_at_reference: cpo
            .cost
            .switch_usd_per_gbps_with_yield
            .unwrap_or(cpo.cost.switch_usd_per_gbps),
        els_usd_per_gbps: cpo.cost.els_usd_per_port / port_gbps,
        pluggable_pj_per_bit: pluggable.switch_power.pj_per_bit,
        lpo_pj_per_bit: lpo.switch_power.pj_per_bit,
        cpo_pj_per_bit: cpo.switch_power.pj_per_bit,
        reference_units: scenario.yield_settings.ramp.reference_units,
        laser_defects_at_reference,
        cpo_yield_vs_defect_factor: cporamp_market::yield_surrogate(&points),
        goodput_loss_vs_laser_factor: goodput,
        lpo_goodput_loss: reference_goodput - lpo_goodput,
        engine_temp_margin_k: settings.engine_temp_limit_c - engine_c,
        hot_end,
        ports_per_switch: f64::from(comparison.ports_per_switch),
        port_gbps,
        tiers: settings
            .tiers
            .iter()
            .map(|tier| TierAnchors {
                name: tier.name.clone(),
                ports_per_accelerator: tier.ports_per_accelerator,
                cpo_allowed: tier.cpo_max_share > 0.0,
                cpo_max_share: tier.cpo_max_share,
                lpo_allowed: tier.lpo_allowed,
                job_exposed: tier.job_exposed,
            })
            .collect(),
        layer_split: settings
            .layer_split
            .iter()
            .map(|(technology, fractions)| LayerSplit {
                technology: technology.clone(),
                fractions: *fractions,
            })
            .collect(),
        cpo_cooling: CoolingAnchors {
            cold_plates_usd_per_gbps: plates_usd / capacity_gbps,
            infrastructure_usd_per_gbps: (cooling_usd - plates_usd) / capacity_gbps,
        },
    };
    let criteria = &settings.criteria;
    let inputs = MarketInputs {
        seed: settings.seed,
        samples: settings.samples,
        inputs: settings
            .priors
            .iter()
            .map(|(name, prior)| Input { name: name.clone(), prior: *prior })
            .collect(),
        anchors,
        criteria: Criteria {
            yield_target: criteria.yield_target,
            volume_share: criteria.volume_share,
            goodput_parity: criteria.goodput_parity,
            bull_by_year: criteria.bull_by_year,
            bear_after_year: criteria.bear_after_year,
            engine_temp_limit_c: settings.engine_temp_limit_c,
            unlockable_limit: criteria.unlockable_limit,
            flap_limit_per_lane_h: criteria.flap_limit_per_lane_h,
        },
        seed_units: scenario.yield_settings.ramp.initial_units,
        pilot_share: settings.pilot_share,
        surrogate_error_bound: settings.surrogate_error_bound,
    };
    let fail =
        |error: cporamp_market::MarketError| PipelineError::Market { reason: error.to_string() };
    let result = cporamp_market::simulate(&inputs, threads).map_err(fail)?;
    progress.advance_by(settings.samples);
    let sobol =
        cporamp_market::sobol(&inputs, settings.sobol_samples, settings.sobol_bootstrap, threads)
            .map_err(fail)?;
    progress.advance_by(settings.sobol_samples);
    Ok(MarketOutput { generation: comparison.generation.clone(), inputs, result, sobol })
}

/// The co-packaged fabric's goodput loss against the pluggable fabric at each laser factor.
fn goodput_surrogate(
    scenario: &Scenario,
    fleet: &FleetOutput,
    cpo_id: &str,
    threads: usize,
    progress: &Counter,
) -> Result<Surrogate, PipelineError> {
    let fabric = |id: &str| {
        fleet.fabrics.iter().find(|fabric| fabric.id == id).ok_or_else(|| PipelineError::Market {
            reason: format!("[fleet] technologies must include {id}"),
        })
    };
    let plug_id = scenario.technologies[scenario.market.pluggable_technology].id.as_str();
    let reference = fabric(plug_id)?.result.job.goodput.mean;
    let cpo = fabric(cpo_id)?;
    // At factor 1 the fabric is the fleet's own (same inputs, same seed): its run is reused.
    let is_own = |factor: f64| (factor - 1.0).abs() < f64::EPSILON;
    let factors = &scenario.market.laser_factors;
    let runs: Vec<_> = factors
        .iter()
        .filter(|&&factor| !is_own(factor))
        .map(|&factor| {
            let mut inputs = cpo.inputs.clone();
            for tier in &mut inputs.tiers {
                if let Some(laser) = &mut tier.technology.laser {
                    laser.random_fit *= factor;
                    laser.weibull_scale_h *= factor.powf(-1.0 / laser.weibull_shape);
                }
            }
            inputs
        })
        .collect();
    let results = cporamp_fleet::simulate_all(&runs, threads, &|| {}).map_err(|error| {
        PipelineError::Fleet { fabric: format!("{cpo_id} with scaled laser rates"), error }
    })?;
    let mut results = results.iter();
    let y = factors
        .iter()
        .map(|&factor| {
            progress.advance();
            if is_own(factor) {
                reference - cpo.result.job.goodput.mean
            } else {
                reference - results.next().expect("one run per factor but 1").job.goodput.mean
            }
        })
        .collect();
    Ok(Surrogate { x: scenario.market.laser_factors.clone(), y })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_missing_or_unknown_prior_is_named_before_the_engines_run() {
        let mut scenario = cporamp_core::load_default().unwrap();
        scenario.market.priors.retain(|(name, _)| name != "gpu_hour_usd");
        let error = crate::run(&scenario, &crate::RunOptions::default()).unwrap_err().to_string();
        assert!(error.contains("market.priors.gpu_hour_usd: missing"), "{error}");
        let mut scenario = cporamp_core::load_default().unwrap();
        scenario.market.priors[0].0 = "yield_learning".to_string();
        let error = crate::run(&scenario, &crate::RunOptions::default()).unwrap_err().to_string();
        assert!(error.contains("market.priors.yield_learning: not an input"), "{error}");
    }
}
