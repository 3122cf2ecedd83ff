//! The market engine wired to the others. Its anchors are the engines' results at the fleet's
//! generation:
//!
//! - capex per Gb/s of the pluggable, linear-drive and co-packaged switches (the comparison;
//!   the co-packaged one with the yield engine's cost per shipped package), and the external
//!   laser source's part of it;
//! - energy per bit of each switch (the comparison, at the thermal engine's temperatures);
//! - **the yield surface** ([`cporamp_market::YieldSurface`], built by `yield_surface`): the
//!   co-packaged package yield over the Wright defect factor and the engineering inputs
//!   (alignment, mode radius, heater efficiency, warpage, ASIC defect density), from yield
//!   engine runs: an attach grid, a line along each input and held-out runs that check it;
//! - **the goodput surrogates**: the co-packaged fabric's job goodput loss against the
//!   pluggable fabric as a function of a multiplier $f$ on the co-packaged fabric's laser
//!   failure rates (the uncertainty is about the new design's lasers; the pluggable reference
//!   keeps its field rates), from one fleet run per `[market] laser_factors` entry (same
//!   seed: common random numbers), and likewise of a multiplier on its engine ports' random
//!   failure rate (`engine_fit_factors`), with one held-out run at the largest of both; a
//!   multiplier $f$ on a Weibull hazard scales its characteristic life by $f^{-1/\beta}$.
//!   Only the GPU-leaf links interrupt the fleet's job, so the loss is that of the
//!   co-packaged leaf; the market charges it only to its job-exposed tiers, per their own
//!   Gb/s, counted from the pluggable fabric's own loss to network causes;
//! - LPO's goodput loss against the pluggable fabric, from the LPO fabric (its modules fail
//!   less often than DSP modules);
//! - the engine temperature margin: `engine_temp_limit_c` minus the thermal engine's hottest
//!   engine mean at the nominal inlet, and the package over the inlet sweep (hottest engine,
//!   the photonics engine's unlockable lanes and flaps at each inlet) for the thermal check;
//! - the co-packaged switch's liquid-cooling bill per Gb/s: the comparison's
//!   (`cooling_usd_per_switch`, the `[codesign.bom]` bill at its midpoint for the package's
//!   heat) over the switch's capacity, split into its cold plates and the rest (the
//!   infrastructure a rack that is already liquid-cooled provides).

use cporamp_compare::{GenerationComparison, TechnologyResult};
use cporamp_core::ids::{GenerationId, TechnologyId};
use cporamp_core::units::{Celsius, Gbps, Kelvin, PjPerBit};
use cporamp_fleet::{FleetInputs, JobCause, PortKind};
use cporamp_market::{
    Anchors, CoolingAnchors, GoodputCheckPoint, HotPoint, LayerSplit, MarketInput, MarketInputs,
    MarketResult, SobolSet, Surrogate,
};
use cporamp_scenario::Scenario;
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
    pub generation: GenerationId,
    /// The inputs the engine ran on (priors, anchors with their surrogates, criteria).
    pub inputs: MarketInputs,
    /// Scenario probabilities, volume years, shares, value pools, tornado.
    pub result: MarketResult,
    /// Sobol indices of the main tier's CPO share of new ports in the horizon's last year and
    /// of its yield and cost gates' values ([`cporamp_market::SobolOutput::ALL`]).
    pub sobol: Vec<SobolSet>,
}

/// Attach factors at which the yield surface's attach grid runs the yield engine,
/// $0.1 \cdot 1.13^k$ for $k = 0..30$ (0.1 to 3.9): the ramp's factors (about 0.3-1.3 over
/// the default quarters) times the alignment prior's squared factor (about 0.4-2.7 over its
/// 1-99 % range), moved a little by the mode radius and warpage. The package yield falls
/// steeply with the attach spread, so the grid is fine enough for a held-out error within
/// `surrogate_error_bound`.
fn yield_factors() -> impl Iterator<Item = f64> {
    (0..=30).map(|k| 0.1 * 1.13f64.powi(k))
}

fn missing(what: &str) -> PipelineError {
    PipelineError::Market { reason: format!("no {what} at the fleet's generation") }
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
    let threads = options.threads.get();
    let compared = |id: &TechnologyId| {
        comparison
            .technologies
            .iter()
            .find(|technology| technology.id == *id)
            .ok_or_else(|| missing(id))
    };
    let (pluggable, lpo, cpo) = (
        compared(&settings.pluggable_technology)?,
        compared(&settings.lpo_technology)?,
        compared(&settings.cpo_technology)?,
    );
    let cpo_id = &settings.cpo_technology;
    let yielded = yields
        .technologies
        .iter()
        .find(|technology| &technology.id == cpo_id)
        .ok_or_else(|| missing(&format!("yield result for {cpo_id}")))?;
    let cpo_yield = yield_surface(scenario, &yielded.inputs, threads).map_err(|error| {
        PipelineError::Yield {
            technology: cpo_id.clone(),
            generation: comparison.generation.clone(),
            error,
        }
    })?;
    let (engine_c, hot_end) = package_anchors(thermal, photonics, cpo_id)?;
    let progress = Counter::start(
        options,
        Stage::Market,
        settings.laser_factors.len()
            + settings.engine_fit_factors.len()
            + 1
            + settings.samples
            + settings.sobol_samples,
    );
    let goodput = goodput_surrogates(scenario, fleet, cpo_id, threads, &progress)?;
    let fabric = fleet_goodput(scenario, fleet)?;
    let port_gbps = comparison.port_rate_gbps;
    let cpo_cooling = cooling_anchors(scenario, comparison, cpo, cpo_id)?;
    let anchors = Anchors {
        start_year: settings.start_year,
        end_year: settings.end_year,
        pluggable_usd_per_gbps: pluggable.cost.switch_usd_per_gbps,
        lpo_usd_per_gbps: lpo.cost.switch_usd_per_gbps,
        cpo_usd_per_gbps_at_reference: yielded.switch_usd_per_gbps_with_yield,
        els_usd_per_gbps: cpo.cost.els_usd_per_port / port_gbps,
        pluggable_pj_per_bit: PjPerBit(pluggable.switch_power.pj_per_bit),
        lpo_pj_per_bit: PjPerBit(lpo.switch_power.pj_per_bit),
        cpo_pj_per_bit: PjPerBit(cpo.switch_power.pj_per_bit),
        reference_units: scenario.yield_settings.ramp.reference_units,
        cpo_yield,
        goodput_loss_vs_laser_factor: goodput.laser,
        goodput_loss_vs_engine_factor: goodput.engine,
        goodput_held_out: goodput.held_out,
        pluggable_network_goodput_loss: fabric.pluggable_network_loss,
        lpo_goodput_loss: fabric.reference - fabric.lpo,
        engine_temp_margin_k: Kelvin(settings.engine_temp_limit_c.0 - engine_c),
        hot_end,
        ports_per_switch: f64::from(comparison.ports_per_switch),
        port_gbps: Gbps(port_gbps),
        tiers: settings.tiers.clone(),
        layer_split: layer_splits(settings)?,
        cpo_cooling,
    };
    let inputs = market_inputs(scenario, anchors);
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

/// The thermal engine's hottest engine mean at the nominal inlet, °C, and the package over the
/// inlet sweep (hottest engine, unlockable lanes and flaps at each inlet) for `cpo_id`.
fn package_anchors(
    thermal: &ThermalGeneration,
    photonics: &PhotonicsGeneration,
    cpo_id: &TechnologyId,
) -> Result<(f64, Vec<HotPoint>), PipelineError> {
    let thermal_cpo = thermal
        .technologies
        .iter()
        .find(|technology| &technology.id == cpo_id)
        .ok_or_else(|| missing(&format!("thermal result for {cpo_id}")))?;
    let engine_c = thermal_cpo.nominal.engine_mean_max_c;
    let photonics_cpo = photonics
        .technologies
        .iter()
        .find(|technology| &technology.id == cpo_id)
        .ok_or_else(|| missing(&format!("photonics result for {cpo_id}")))?;
    // The package over the inlet sweep: the thermal engine's hottest engine and the
    // photonics engine's lanes at the same inlets.
    let hot_end = thermal_cpo
        .sweep
        .iter()
        .zip(&photonics_cpo.inlet_sweep)
        .map(|(point, lanes)| HotPoint {
            inlet_c: Celsius(point.inlet_c),
            engine_temp_c: Celsius(point.engine_mean_max_c),
            unlockable_fraction: lanes.unlockable_fraction,
            flaps_per_lane_h: lanes.feedback_flaps_per_lane_hour,
        })
        .collect();
    Ok((engine_c, hot_end))
}

/// The fleet's job goodput of the pluggable and LPO fabrics and the pluggable fabric's loss to
/// network causes.
struct FabricGoodput {
    /// The pluggable fabric's mean job goodput.
    reference: f64,
    /// The pluggable fabric's job GPU-hours lost to network causes over its GPU-hours.
    pluggable_network_loss: f64,
    /// The LPO fabric's mean job goodput.
    lpo: f64,
}

/// The fleet's goodput anchors: the pluggable and LPO fabrics' job goodput and the pluggable
/// fabric's loss to every cause but the GPUs and hosts.
fn fleet_goodput(scenario: &Scenario, fleet: &FleetOutput) -> Result<FabricGoodput, PipelineError> {
    let settings = &scenario.market;
    let fabric_goodput = |id: &TechnologyId| {
        fleet
            .fabrics
            .iter()
            .find(|fabric| *id == fabric.id)
            .map(|fabric| fabric.result.job.goodput.mean)
            .ok_or_else(|| PipelineError::Market {
                reason: format!("[fleet] technologies must include {id}"),
            })
    };
    let reference_goodput = fabric_goodput(&settings.pluggable_technology)?;
    let pluggable_id = &settings.pluggable_technology;
    let pluggable_job = &fleet
        .fabrics
        .iter()
        .find(|fabric| *pluggable_id == fabric.id)
        .ok_or_else(|| missing(pluggable_id))?
        .result
        .job;
    // Its job's GPU-hours lost to every cause but the GPUs and hosts, over its GPU-hours.
    let pluggable_network_goodput_loss = pluggable_job
        .by_cause
        .iter()
        .filter(|cause| cause.cause != JobCause::Gpu)
        .map(|cause| cause.gpu_hours_lost_per_year.mean)
        .sum::<f64>()
        / (pluggable_job.gpus as f64 * cporamp_market::HOURS_PER_YEAR);
    let lpo_goodput = fabric_goodput(&settings.lpo_technology)?;
    Ok(FabricGoodput {
        reference: reference_goodput,
        pluggable_network_loss: pluggable_network_goodput_loss,
        lpo: lpo_goodput,
    })
}

/// The co-packaged switch's liquid-cooling bill per Gb/s, split into its cold plates and the
/// rest.
fn cooling_anchors(
    scenario: &Scenario,
    comparison: &GenerationComparison,
    cpo: &TechnologyResult,
    cpo_id: &TechnologyId,
) -> Result<CoolingAnchors, PipelineError> {
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
    Ok(CoolingAnchors {
        cold_plates_usd_per_gbps: plates_usd / capacity_gbps,
        infrastructure_usd_per_gbps: (cooling_usd - plates_usd) / capacity_gbps,
    })
}

/// The layer split of each technology family, in the order of the families' names (as the
/// scenario's `[market.layer_split]` table sorts them).
fn layer_splits(
    settings: &cporamp_scenario::MarketSettings,
) -> Result<Vec<LayerSplit>, PipelineError> {
    let mut splits = settings
        .layer_split
        .iter()
        .map(|(&technology, fractions)| {
            let fractions =
                <[f64; 4]>::try_from(fractions.as_slice()).map_err(|_| PipelineError::Market {
                    reason: format!(
                        "market.layer_split.{technology} holds {} fractions, not 4",
                        fractions.len()
                    ),
                })?;
            Ok(LayerSplit { technology, fractions })
        })
        .collect::<Result<Vec<_>, PipelineError>>()?;
    splits.sort_by_key(|split| split.technology.name());
    Ok(splits)
}

/// The market engine's inputs: its settings, priors and criteria around `anchors`.
fn market_inputs(scenario: &Scenario, anchors: Anchors) -> MarketInputs {
    let settings = &scenario.market;
    MarketInputs {
        seed: settings.seed,
        samples: settings.samples,
        priors: settings.priors,
        anchors,
        criteria: settings.criteria.clone(),
        engine_temp_limit_c: settings.engine_temp_limit_c,
        seed_units: scenario.yield_settings.ramp.initial_units,
        pilot_share: settings.pilot_share,
        surrogate_error_bound: settings.surrogate_error_bound,
    }
}

/// Points of each line of the yield surface, evenly spaced between the 0.5 % and 99.5 %
/// quantiles of its input's prior (the surface is flat beyond the ends, where 1 % of the
/// samples fall).
const LINE_POINTS: usize = 6;

/// Relative half-width of the line about a fixed input (a prior whose 0.5-99.5 % range is
/// narrower than this), so that its points are distinct.
const FIXED_INPUT_SPREAD: f64 = 0.01;

/// Rounds of refinement of a yield line where its leave-one-out error is large. The default
/// scenario needs 3 (the heaters' lock-range cliff); a 40 °C inlet sharpens that cliff and
/// needs 4 before the line's error is within the bound.
const REFINEMENTS: usize = 8;

/// One line of the yield surface: the market input it follows, how its runs treat the
/// lateral errors, and the factors at a value of the input.
struct LineSpec {
    input: MarketInput,
    kind: Line,
    at: fn(f64) -> cporamp_market::YieldFactors,
}

/// The yield surface's lines, in its order (mode radius, heater efficiency, warpage, ASIC
/// defects).
const LINES: [LineSpec; 4] = {
    use cporamp_market::YieldFactors;
    const REFERENCE: YieldFactors = YieldFactors::REFERENCE;
    [
        LineSpec {
            input: MarketInput::ModeRadiusFactor,
            kind: Line::Mode,
            at: |m| YieldFactors { mode_radius: m, ..REFERENCE },
        },
        LineSpec {
            input: MarketInput::HeaterEfficiencyFactor,
            kind: Line::Other,
            at: |h| YieldFactors { heater_efficiency: h, ..REFERENCE },
        },
        LineSpec {
            input: MarketInput::WarpageFactor,
            kind: Line::Warpage,
            at: |w| YieldFactors { warpage: w, ..REFERENCE },
        },
        LineSpec {
            input: MarketInput::AsicDefectFactor,
            kind: Line::Other,
            at: |q| YieldFactors { asic_defects: q, ..REFERENCE },
        },
    ]
};

/// Engine runs held out of the yield surface, at a Latin hypercube over the inputs.
const HELD_OUT_RUNS: usize = 6;

/// The range of Wright defect factors over which the held-out runs spread: from the seed
/// volume at the slowest learning rate (about 1.5) to several times the reference volume.
const HELD_OUT_DEFECT: (f64, f64) = (0.4, 1.6);

/// Which line of the yield surface a run belongs to.
#[derive(Clone, Copy, PartialEq)]
enum Line {
    Mode,
    Warpage,
    Other,
}

/// The co-packaged package yield over the Wright defect factor and the engineering inputs
/// ([`cporamp_market::YieldSurface`]), from yield engine runs of `inputs` (the technology at
/// the reference volume), all in one pool and with the same seed (common random numbers):
/// the attach grid ([`yield_factors`]), the reference, [`LINE_POINTS`] runs (and up to
/// [`REFINEMENTS`] rounds of two more where a line is steep) along each of
/// the mode radius (with the placement and shift sigmas scaled alike, and the bond-line gap
/// as its square), heater efficiency
/// (the heaters' tuning range), warpage (mean and spread) and ASIC defect density, and
/// [`HELD_OUT_RUNS`] runs at a Latin hypercube over the 5-95 % range of every prior (and
/// [`HELD_OUT_DEFECT`]) that check the surface.
fn yield_surface(
    scenario: &Scenario,
    inputs: &YieldInputs,
    threads: usize,
) -> Result<cporamp_market::YieldSurface, cporamp_yield::YieldInputError> {
    use cporamp_market::{YieldCheckPoint, YieldFactors};
    let packages = scenario.yield_settings.ramp.packages_per_point;
    let run_at = |x: &YieldFactors, line: Line| yield_run(inputs, packages, x, line);
    const REFERENCE: YieldFactors = YieldFactors::REFERENCE;
    let grids: Vec<Vec<f64>> = LINES.iter().map(|line| line_grid(scenario, line.input)).collect();
    let held_out = held_out_factors(scenario);
    let mut runs: Vec<YieldInputs> = yield_factors()
        .map(|s| run_at(&YieldFactors { defect: s, ..REFERENCE }, Line::Other))
        .collect();
    runs.push(run_at(&REFERENCE, Line::Other));
    for (line, grid) in LINES.iter().zip(&grids) {
        runs.extend(grid.iter().map(|&x| run_at(&(line.at)(x), line.kind)));
    }
    runs.extend(held_out.iter().map(|x| run_at(x, Line::Other)));
    let (results, _) = cporamp_yield::simulate_all(&runs, &[], threads, &|| {})?;
    let mut results = results.iter().map(|result| result.package_yield);
    let attach: Vec<(f64, f64)> =
        yield_factors().map(|s| (s, results.next().expect("one run per point").value)).collect();
    let reference_yield = results.next().expect("the reference run").value;
    let mut points: Vec<Vec<(f64, f64)>> = grids
        .iter()
        .map(|grid| {
            grid.iter().map(|&x| (x, results.next().expect("one run per point").value)).collect()
        })
        .collect();
    let checks: Vec<YieldCheckPoint> = held_out
        .into_iter()
        .zip(results)
        .map(|(factors, y)| YieldCheckPoint { factors, package_yield: y.value, se: y.se })
        .collect();
    // Refine where a line's leave-one-out error passes half the bound; an error within twice
    // a point's Monte Carlo standard error is the points' noise, which no refinement lowers.
    let noise = 2.0 * (reference_yield * (1.0 - reference_yield) / packages as f64).sqrt();
    let threshold = (scenario.market.surrogate_error_bound / 2.0).max(noise);
    refine_lines(&mut points, threshold, &run_at, threads)?;
    let mut lines = points.iter().map(|line| cporamp_market::yield_surrogate(line));
    let mut line = || lines.next().expect("four lines");
    let (mode_radius, heater_efficiency, warpage, asic_defects) = (line(), line(), line(), line());
    let attach_variance_um2 =
        inputs.block_sigma_um.0.powi(2) + inputs.attach.shift_sigma_um.0.powi(2);
    Ok(cporamp_market::YieldSurface {
        attach: cporamp_market::yield_surrogate(&attach),
        laser_defects_at_reference: laser_defects_at_reference(inputs),
        fiber_variance_ratio: inputs.attach.fiber_sigma_um.0.powi(2) / attach_variance_um2,
        warpage_variance_ratio: cporamp_yield::warpage_shift_mean_square_um2(inputs)
            / attach_variance_um2,
        reference_yield,
        mode_radius,
        heater_efficiency,
        warpage,
        asic_defects,
        held_out: checks,
    })
}

/// The yield engine's inputs for a run of `packages` packages at the factors `x` on `line`.
/// On a line, the lateral errors stay where the surface's attach factor puts them: on the
/// mode line every lateral error scales with the mode radius, on the warpage line the
/// warpage's lateral shift stays at the reference.
fn yield_run(
    inputs: &YieldInputs,
    packages: usize,
    x: &cporamp_market::YieldFactors,
    line: Line,
) -> YieldInputs {
    let mut run = YieldInputs { packages, ..cporamp_yield::learned(inputs, x.defect) };
    let m = x.mode_radius;
    let attach = if line == Line::Mode { m } else { x.alignment };
    run.block_sigma_um *= attach;
    run.attach.shift_sigma_um *= attach;
    match line {
        Line::Mode => {
            run.attach.fiber_sigma_um *= m;
            run.warpage_lateral_per_um *= m;
        }
        Line::Warpage => run.warpage_lateral_per_um /= x.warpage,
        Line::Other => {}
    }
    // A coupler of another mode size comes with a bond line designed for it: the gap
    // scales with the Rayleigh range (as w^2), so that the gap keeps its share of the
    // coupling budget (assumption; a 5 µm gap under a 2 µm MFD would lose 1.7 dB alone).
    run.attach.mode_radius_um *= m;
    run.attach.gap_mean_um *= m * m;
    run.attach.gap_sigma_um *= m * m;
    run.tuning_range_nm *= x.heater_efficiency;
    run.warpage_mean_um *= x.warpage;
    run.warpage_sigma_um *= x.warpage;
    run.asic_defects_per_die *= x.asic_defects;
    run
}

/// The [`LINE_POINTS`] values of the line along the market input `input`.
fn line_grid(scenario: &Scenario, input: MarketInput) -> Vec<f64> {
    let p = scenario.market.priors[input];
    let (mut low, mut high) = (p.quantile(0.005), p.quantile(0.995));
    // A fixed input (a degenerate prior): a line through points 1 % either side of it,
    // so that the surrogate's abscissae still ascend.
    if high - low < FIXED_INPUT_SPREAD * low {
        (low, high) = (low * (1.0 - FIXED_INPUT_SPREAD), high * (1.0 + FIXED_INPUT_SPREAD));
    }
    (0..LINE_POINTS)
        .map(move |i| low + (high - low) * i as f64 / (LINE_POINTS - 1) as f64)
        .collect::<Vec<f64>>()
}

/// The held-out runs' factors: a Latin hypercube over [`HELD_OUT_DEFECT`] and the 5-95 %
/// range of every prior.
fn held_out_factors(scenario: &Scenario) -> Vec<cporamp_market::YieldFactors> {
    let cube = cporamp_market::seeded_latin_hypercube(HELD_OUT_RUNS, 6, scenario.market.seed);
    let span = |input: MarketInput, u: f64| scenario.market.priors[input].quantile(0.05 + 0.9 * u);
    cube.chunks(6)
        .map(|u| cporamp_market::YieldFactors {
            defect: HELD_OUT_DEFECT.0 + (HELD_OUT_DEFECT.1 - HELD_OUT_DEFECT.0) * u[0],
            alignment: span(MarketInput::AlignmentFactor, u[1]),
            mode_radius: span(MarketInput::ModeRadiusFactor, u[2]),
            heater_efficiency: span(MarketInput::HeaterEfficiencyFactor, u[3]),
            warpage: span(MarketInput::WarpageFactor, u[4]),
            asic_defects: span(MarketInput::AsicDefectFactor, u[5]),
        })
        .collect()
}

/// Refines the lines: where a line's leave-one-out error passes `threshold` (a cliff, such
/// as the heaters' lock range running out), runs the engine halfway to both neighbours of
/// the worst point, up to [`REFINEMENTS`] rounds.
fn refine_lines(
    points: &mut [Vec<(f64, f64)>],
    threshold: f64,
    run_at: &impl Fn(&cporamp_market::YieldFactors, Line) -> YieldInputs,
    threads: usize,
) -> Result<(), cporamp_yield::YieldInputError> {
    for _ in 0..REFINEMENTS {
        let mut added: Vec<(usize, f64)> = Vec::new();
        for (index, line) in points.iter().enumerate() {
            let errors =
                cporamp_market::yield_held_out_errors(&cporamp_market::yield_surrogate(line));
            let worst = (0..errors.len()).max_by(|&a, &b| errors[a].total_cmp(&errors[b]));
            if let Some(i) = worst.filter(|&i| errors[i] > threshold) {
                let (before, at, after) = (line[i].0, line[i + 1].0, line[i + 2].0);
                added.extend([(index, (before + at) / 2.0), (index, (at + after) / 2.0)]);
            }
        }
        if added.is_empty() {
            break;
        }
        let runs: Vec<YieldInputs> = added
            .iter()
            .map(|&(index, x)| run_at(&(LINES[index].at)(x), LINES[index].kind))
            .collect();
        let (results, _) = cporamp_yield::simulate_all(&runs, &[], threads, &|| {})?;
        for (&(index, x), result) in added.iter().zip(&results) {
            points[index].push((x, result.package_yield.value));
            points[index].sort_by(|a, b| a.0.total_cmp(&b.0));
        }
    }
    Ok(())
}

/// Dead lasers per package at the reference that the engine test misses.
fn laser_defects_at_reference(inputs: &YieldInputs) -> f64 {
    if inputs.lanes_per_laser == 0 {
        0.0
    } else {
        let lanes = inputs.lanes_per_engine + inputs.spare_lanes_per_engine;
        (inputs.engines_per_package * lanes.div_ceil(inputs.lanes_per_laser)) as f64
            * inputs.laser_dead_probability
            * (1.0 - inputs.engine_test[cporamp_yield::Mechanism::Laser])
    }
}

/// The goodput surrogates and their held-out run.
struct GoodputSurrogates {
    laser: Surrogate,
    engine: Surrogate,
    held_out: GoodputCheckPoint,
}

/// The co-packaged fabric's goodput loss against the pluggable fabric at each laser factor
/// (engine ports at their rates), at each engine port factor (lasers at theirs), and at the
/// largest of both at once (held out), from fleet runs in one pool with the fleet's seed.
fn goodput_surrogates(
    scenario: &Scenario,
    fleet: &FleetOutput,
    cpo_id: &TechnologyId,
    threads: usize,
    progress: &Counter,
) -> Result<GoodputSurrogates, PipelineError> {
    let fabric = |id: &TechnologyId| {
        fleet.fabrics.iter().find(|fabric| *id == fabric.id).ok_or_else(|| PipelineError::Market {
            reason: format!("[fleet] technologies must include {id}"),
        })
    };
    let plug_id = &scenario.market.pluggable_technology;
    let reference = fabric(plug_id)?.result.job.goodput.mean;
    let cpo = fabric(cpo_id)?;
    let scaled = |laser_factor: f64, engine_factor: f64| {
        let mut inputs = cpo.inputs.clone();
        for tier in &mut inputs.tiers {
            let technology = &mut tier.technology;
            if let Some(laser) = &mut technology.laser {
                laser.random_fit *= laser_factor;
                laser.weibull_scale_h *= laser_factor.powf(-1.0 / laser.weibull_shape);
            }
            if matches!(
                technology.kind,
                PortKind::CoPackaged { .. } | PortKind::CoPackagedEls { .. }
            ) {
                technology.port.random_fit *= engine_factor;
            }
        }
        inputs
    };
    // At factor 1 the fabric is the fleet's own (same inputs, same seed): its run is reused.
    let is_own = |factor: f64| (factor - 1.0).abs() < f64::EPSILON;
    let settings = &scenario.market;
    let (laser_factors, engine_factors) = (&settings.laser_factors, &settings.engine_fit_factors);
    let corner = (laser_factors[laser_factors.len() - 1], engine_factors[engine_factors.len() - 1]);
    let mut runs: Vec<FleetInputs> = laser_factors
        .iter()
        .filter(|&&factor| !is_own(factor))
        .map(|&factor| scaled(factor, 1.0))
        .collect();
    runs.extend(
        engine_factors.iter().filter(|&&factor| !is_own(factor)).map(|&factor| scaled(1.0, factor)),
    );
    runs.push(scaled(corner.0, corner.1));
    let results = cporamp_fleet::simulate_all(&runs, threads, &|| {}).map_err(|error| {
        PipelineError::Fleet { fabric: format!("{cpo_id} with scaled failure rates"), error }
    })?;
    let mut results = results.iter();
    let mut line = |factors: &[f64]| Surrogate {
        x: factors.to_vec(),
        y: factors
            .iter()
            .map(|&factor| {
                progress.advance();
                let goodput = if is_own(factor) {
                    cpo.result.job.goodput.mean
                } else {
                    results.next().expect("one run per factor but 1").job.goodput.mean
                };
                reference - goodput
            })
            .collect(),
    };
    let laser = line(laser_factors);
    let engine = line(engine_factors);
    let corner_run = results.next().expect("the held-out run");
    progress.advance();
    Ok(GoodputSurrogates {
        laser,
        engine,
        held_out: GoodputCheckPoint {
            laser_factor: corner.0,
            engine_factor: corner.1,
            goodput_loss: reference - corner_run.job.goodput.mean,
            se: corner_run.job.goodput.se,
        },
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_fixed_engineering_input_still_gets_an_ascending_yield_line() {
        // Every engineering input fixed at its default: the lines run 1 % either side of it,
        // where equal points would have made the market refuse its own surface.
        let mut scenario = crate::fixture::small();
        for (input, prior) in
            cporamp_market::MarketInput::ALL.iter().zip(&mut scenario.market.priors.0)
        {
            if input.name().ends_with("_factor") {
                *prior = cporamp_core::prior::Prior::Uniform { low: 1.0, high: 1.0 };
            }
        }
        let output = crate::run(&scenario, &crate::fixture::two_threads()).unwrap();
        let surface = &output.market.inputs.anchors.cpo_yield;
        for (path, _, line) in surface.lines() {
            assert!(line.x.windows(2).all(|pair| pair[1] > pair[0]), "{path}: {:?}", line.x);
            let (low, high) = (line.x[0].exp(), line.x[line.x.len() - 1].exp());
            assert!((low - 0.99).abs() < 1e-12 && (high - 1.01).abs() < 1e-12, "{path}");
        }
    }
}
