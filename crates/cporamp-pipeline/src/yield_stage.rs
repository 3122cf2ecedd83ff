//! The yield engine's inputs from the technology, the settled comparison, photonics, thermal
//! and `[yield]`, and its run with the ramp, tornado and closed forms.

use super::*;
use cporamp_core::quarter::Quarter;
use cporamp_core::units::{Nanometres, Usd};

/// Gross dies of side `side_mm` on a 300 mm wafer: $\pi r^2/A - \pi d/\sqrt{2A}$.
pub(crate) fn dies_per_wafer(side_mm: f64) -> usize {
    let area = side_mm * side_mm;
    let gross = std::f64::consts::PI * 150.0 * 150.0 / area
        - std::f64::consts::PI * 300.0 / (2.0 * area).sqrt();
    (gross.floor() as usize).max(1)
}

/// The yield engine on one co-packaged technology with rings ([`yield_inputs`], then
/// [`yield_all`] of that one).
#[cfg(test)]
pub(crate) fn yield_for(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    compared: &TechnologyResult,
    substrate_side_mm: f64,
    threads: usize,
) -> Result<Option<YieldTechnology>, PipelineError> {
    let Some(inputs) = yield_inputs(
        scenario,
        generation_index,
        technology_index,
        compared,
        substrate_side_mm,
        threads,
    )?
    else {
        return Ok(None);
    };
    let unit = YieldUnit {
        generation_index,
        technology_index,
        inputs,
        switch_usd: compared.cost.switch_usd,
    };
    Ok(yield_all(scenario, vec![unit], threads, &|_| {}, &|| {})?.pop())
}

/// One co-packaged technology of one generation, ready for the yield engine.
pub(crate) struct YieldUnit {
    /// The generation's index in the scenario.
    pub(crate) generation_index: usize,
    /// The technology's index in the scenario.
    pub(crate) technology_index: usize,
    /// The yield engine's inputs ([`yield_inputs`]).
    pub(crate) inputs: YieldInputs,
    /// The comparison's switch BOM (with the ideal ASIC and engines), USD.
    pub(crate) switch_usd: f64,
}

/// [`YieldTechnology::switch_usd_per_gbps_with_yield`] of `unit` given its main run's
/// `result`.
fn switch_usd_per_gbps_with_yield(
    scenario: &Scenario,
    unit: &YieldUnit,
    result: &YieldResult,
) -> f64 {
    let inputs = &unit.inputs;
    let ideal_parts = inputs.asic_usd.0 + inputs.engines_per_package as f64 * inputs.engine_usd.0;
    let with_yield = unit.switch_usd - ideal_parts + result.cost.total_usd;
    with_yield / scenario.generations[unit.generation_index].switch_capacity().0
}

/// The yield engine's inputs for one co-packaged technology with rings (None for a
/// technology without them): [`design_inputs`], with what the comparison at the settled
/// temperatures gives (the rings' mean red shift, the external laser modules, the engine
/// cost) and the attach cost of the method `[align] attach_cost` selects.
pub(crate) fn yield_inputs(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    compared: &TechnologyResult,
    substrate_side_mm: f64,
    threads: usize,
) -> Result<Option<YieldInputs>, PipelineError> {
    let generation = &scenario.generations[generation_index];
    let technology = &scenario.technologies[technology_index];
    let design = design_inputs(scenario, generation_index, technology_index, substrate_side_mm);
    let (Some(mut inputs), Some(geometry), Some(tuning), Some(optics)) =
        (design, technology.package.as_ref(), compared.rings.as_ref(), technology.optics())
    else {
        return Ok(None);
    };
    let settings = &scenario.yield_settings;
    let cost = &compared.cost;
    // A spare lane is a whole lane (its rings, driver, TIA and fiber, and its laser where the
    // lasers sit on the engine), so the engine's cost scales with its lanes, spares included.
    let lanes_per_engine = inputs.lanes_per_engine;
    let lanes_cost_factor =
        (lanes_per_engine + settings.spare_lanes_per_engine) as f64 / lanes_per_engine as f64;
    inputs.drift_mean_nm = Nanometres(tuning.mean_offset_nm);
    inputs.els =
        optics.laser.els.as_ref().zip(cost.els_modules_per_switch).map(|(els, modules)| {
            cporamp_yield::Els {
                lasers: els.lasers_per_module as usize + settings.els_spare_lasers,
                lasers_needed: els.lasers_per_module as usize,
                per_switch: modules as usize,
            }
        });
    inputs.engine_usd =
        Usd((cost.electronics_usd_per_port + cost.laser_usd_per_port + cost.optics_usd_per_port)
            * geometry.ports_per_engine(generation)
            * lanes_cost_factor);
    // Plus the attach cost per engine of the method `[align] attach_cost` selects.
    inputs.packaging_usd = Usd(settings.packaging_usd.0
        + align::attach_usd_per_engine(scenario, threads)?
            * geometry.engines_per_switch(generation) as f64);
    Ok(Some(inputs))
}

/// The yield engine's inputs that the scenario and the package's side (`substrate_side_mm`)
/// decide, for one co-packaged technology with rings (None for a technology without them):
/// the technology (engines, lanes, lasers), photonics (misalignment, mode, heater range),
/// thermal (die size), the package's warpage and `[yield]`. What the settled comparison and
/// the attach cost give is left at nothing ([`yield_inputs`] sets it): no mean red shift of
/// the rings, no external laser modules, no engine cost, and `[yield] packaging_usd` alone.
/// Private to this module, so that only [`yield_inputs`] and [`fit_model_at`] (which reads none
/// of those) see such inputs.
fn design_inputs(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    substrate_side_mm: f64,
) -> Option<YieldInputs> {
    let generation = &scenario.generations[generation_index];
    let technology = &scenario.technologies[technology_index];
    let (geometry, rings, optics) =
        (technology.package.as_ref()?, technology.rings.as_ref()?, technology.optics()?);
    let settings = &scenario.yield_settings;
    let photonics = &scenario.photonics;
    let asic_side_mm = scenario.thermal.asic_side(&generation.id).0;
    let warpage_mean = settings.warpage_mean(Millimetres(substrate_side_mm));
    Some(YieldInputs {
        packages: settings.packages,
        seed: settings.seed,
        engines_per_package: geometry.engines_per_switch(generation) as usize,
        lanes_per_engine: (geometry.engine_capacity.0 / generation.lane_rate.0).round() as usize,
        spare_lanes_per_engine: settings.spare_lanes_per_engine,
        lanes_per_laser: if optics.laser.placement == LaserPlacement::Package {
            optics.laser.lanes_per_laser as usize
        } else {
            0
        },
        block_sigma_um: photonics.block_sigma_um,
        attach: scenario.fiber_attach(),
        laser_dead_probability: settings.laser_dead_probability(),
        laser_weak_fraction: settings.laser_weak_fraction,
        laser_weak_rate_per_h: settings.laser_weak_rate_per_h,
        drift_mean_nm: Nanometres(0.0),
        drift_sigma_nm: rings.fab_offset_sigma,
        drift_global_fraction: photonics.global_variance_fraction
            * (1.0 - settings.ring_offset_wafer_share),
        drift_wafer_fraction: photonics.global_variance_fraction * settings.ring_offset_wafer_share,
        engines_per_pic_wafer: settings.engines_per_pic_wafer,
        fsr_nm: rings.fsr,
        tuning_range_nm: Nanometres(rings.tuning_range_nm(photonics.heater_max_mw)),
        rings_per_lane: rings.rings_per_lane as usize,
        reassignment_step_nm: photonics
            .wavelength_reassignment
            .then_some(photonics.channel_spacing_nm),
        warpage_mean_um: warpage_mean,
        warpage_sigma_um: warpage_mean * settings.warpage_sigma_fraction,
        warpage_lateral_per_um: settings.warpage_lateral_per_um,
        reflow_warpage_fraction: settings.reflow_warpage_fraction,
        bga_open_low_um: settings.bga_open_low_um,
        bga_open_high_um: settings.bga_open_high_um,
        // A spherical cap bows every engine of width a by (a / D)² of the corner warpage,
        // D the package diagonal.
        engine_sag_per_um: (geometry.engine_edge.0
            / (substrate_side_mm * std::f64::consts::SQRT_2))
            .powi(2),
        engine_joint_open_um: settings.engine_joint_open_um,
        asic_defects_per_die: settings.asic_defects_per_die(Millimetres(asic_side_mm)),
        asic_cluster_alpha: Some(settings.asic_cluster_alpha),
        asics_per_wafer: dies_per_wafer(asic_side_mm),
        wafers_per_lot: settings.wafers_per_lot,
        asic_lot_alpha: Some(settings.asic_lot_alpha),
        wafer_test_coverage: settings.wafer_test_coverage,
        engine_test: settings.engine_test_coverage,
        package_test: settings.package_test_coverage,
        system_test: settings.system_test_coverage,
        burn_in_h: settings.burn_in_h,
        rework: settings.rework,
        els: None,
        asic_usd: generation.asic_cost,
        engine_usd: Usd(0.0),
        packaging_usd: settings.packaging_usd,
        test_costs: settings.test_costs(),
    })
}

/// The calibration's fit model ([`crate::calibrate::fit_model`]) of one co-packaged
/// technology with rings (None without them) on a package of side `substrate_side_mm`:
/// [`FitModel::of_inputs`](cporamp_inspect::yield_fit::FitModel::of_inputs) of the inputs the
/// design decides.
pub(crate) fn fit_model_at(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    substrate_side_mm: f64,
) -> Option<cporamp_inspect::yield_fit::FitModel> {
    let inputs = design_inputs(scenario, generation_index, technology_index, substrate_side_mm)?;
    Some(cporamp_inspect::yield_fit::FitModel::of_inputs(&inputs))
}

/// The yield engine on every unit: each one's Monte Carlo, ramp (one run per quarter),
/// tornado and closed forms, pooled into one [`cporamp_yield::simulate_all`] so that the
/// threads share every run's batches; `started` receives the number of pieces of work and
/// `done` is called after each.
pub(crate) fn yield_all(
    scenario: &Scenario,
    units: Vec<YieldUnit>,
    threads: usize,
    started: &dyn Fn(usize),
    done: &(dyn Fn() + Sync),
) -> Result<Vec<YieldTechnology>, PipelineError> {
    let learning = &scenario.yield_settings.ramp;
    let points: Vec<(Quarter, f64)> =
        learning.quarters().into_iter().zip(learning.cumulative_units()).collect();
    let mut plans = Vec::with_capacity(units.len());
    let mut runs = Vec::new();
    let mut closed = Vec::with_capacity(units.len());
    for unit in &units {
        let fail = |error| {
            let (technology, generation) =
                ids(scenario, unit.generation_index, unit.technology_index);
            PipelineError::Yield { technology, generation, error }
        };
        let inputs = &unit.inputs;
        cporamp_yield::check(inputs).map_err(fail)?;
        let ramp = cporamp_yield::RampPlan::new(
            inputs,
            &points,
            learning.reference_units,
            learning.learning_rate,
            learning.packages_per_point,
        )
        .map_err(fail)?;
        let tornado = cporamp_yield::TornadoPlan::new(inputs, learning.packages_per_point);
        for run in ramp.runs().iter().chain(tornado.runs()) {
            cporamp_yield::check(run).map_err(fail)?;
        }
        let first = runs.len();
        runs.push(inputs.clone());
        runs.extend_from_slice(ramp.runs());
        runs.extend_from_slice(tornado.runs());
        closed.push(inputs.clone());
        plans.push((first, ramp, tornado));
    }
    started(cporamp_yield::work_units(&runs, &closed));
    // Every run was checked above, under its technology and generation, so the engine's own
    // check of the same inputs cannot fail here.
    let (results, closed_forms) = cporamp_yield::simulate_all(&runs, &closed, threads, done)
        .expect("every yield run was checked with its technology and generation");
    Ok(units
        .into_iter()
        .zip(plans)
        .zip(closed_forms)
        .map(|((unit, (first, ramp, tornado)), closed_form)| {
            let technology = &scenario.technologies[unit.technology_index];
            let ramp_first = first + 1;
            let tornado_first = ramp_first + ramp.runs().len();
            let result = results[first].clone();
            YieldTechnology {
                id: technology.id.clone(),
                label: technology.label.clone(),
                closed_form,
                switch_usd_per_gbps_with_yield: switch_usd_per_gbps_with_yield(
                    scenario, &unit, &result,
                ),
                inputs: unit.inputs,
                result,
                ramp: ramp.finish(&results[ramp_first..tornado_first]),
                tornado: tornado.finish(&results[tornado_first..]),
            }
        })
        .collect())
}
