//! The per-generation engines: every co-packaged technology x generation through the
//! thermal stage (and photonics at full depth) in parallel, then each generation's
//! comparison at its settled temperatures and the pooled yield runs.

use super::*;

/// How much of the per-generation engines to run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Everything.
    Full,
    /// The fixed point at the nominal inlet and the comparison only.
    Compare,
}

/// What the thermal and photonics stages produced for one unit.
struct UnitOutput {
    /// The settled engine temperature, °C.
    engine_temp_c: f64,
    /// The package's substrate side, mm.
    substrate_side_mm: f64,
    /// The thermal results (full depth only).
    thermal: Option<ThermalTechnology>,
    /// The photonics results (full depth, technologies with rings).
    photonics: Option<PhotonicsTechnology>,
}

/// The thermal stage on one unit (the fixed point at the nominal inlet; at full depth also
/// the inlet sweep and cycling), then its photonics at full depth.
fn run_unit(
    scenario: &Scenario,
    unit: Unit,
    models: &Models,
    depth: Depth,
    threads: usize,
    progress: (&Counter, Option<&Counter>),
) -> Result<UnitOutput, PipelineError> {
    let Unit { generation_index, technology_index, .. } = unit;
    let technology = &scenario.technologies[technology_index];
    let package = models.package.as_ref().map_err(|error| {
        thermal_error(scenario, generation_index, technology_index, error.clone())
    })?;
    let nominal_inlet_c = scenario.thermal.cold_plate.nominal_inlet_c.0;
    let evaluate =
        |asic_w: f64, engine_w: f64, inlet_c: f64| package.evaluate(asic_w, engine_w, inlet_c);
    let engine_loop = EngineLoop {
        scenario,
        evaluate: &evaluate,
        asic_power_factor: 1.0,
        generation_index,
        technology_index,
    };
    let at_inlet = |inlet_c: f64| engine_loop.settle(inlet_c);
    let nominal = at_inlet(nominal_inlet_c)?;
    let (engine_temp_c, substrate_side_mm) =
        (nominal.engine_temp_c, nominal.package.substrate_side_mm);
    if depth == Depth::Compare {
        progress.0.advance();
        return Ok(UnitOutput { engine_temp_c, substrate_side_mm, thermal: None, photonics: None });
    }
    let sweep = scenario
        .thermal
        .cold_plate
        .inlet_sweep_c
        .iter()
        .map(|&Celsius(inlet_c)| {
            at_inlet(inlet_c).map(|point| SweepPoint {
                inlet_c,
                asic_max_c: point.package.asic_max_c,
                engine_mean_max_c: point.package.engine_mean_max_c,
                engine_w: point.engine_w,
                optics_w_per_port: point.result.port_power.optics_w,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let cycling = cycling(scenario, package, nominal.asic_w, nominal.engine_w, nominal_inlet_c)
        .map_err(|error| thermal_error(scenario, generation_index, technology_index, error))?;
    progress.0.advance();
    let photonics = photonics_for(
        scenario,
        generation_index,
        technology_index,
        &nominal,
        models.drift.as_ref(),
        threads,
    )?;
    if let (Some(_), Some(counter)) = (&photonics, progress.1) {
        counter.advance();
    }
    Ok(UnitOutput {
        engine_temp_c,
        substrate_side_mm,
        thermal: Some(ThermalTechnology {
            id: technology.id.clone(),
            label: technology.label.clone(),
            asic_w: nominal.asic_w,
            asic_leakage_w: nominal.asic_leakage_w,
            engine_w: nominal.engine_w,
            n_engines: nominal.package.engines.len(),
            iterations: nominal.iterations,
            nominal: nominal.package,
            sweep,
            cycling,
        }),
        photonics,
    })
}

/// The generations `generation_indices` of `scenario`: every co-packaged technology at its
/// own converged engine temperature (in parallel over technology x generation, on packages
/// factored once per distinct geometry), then each generation's comparison at those
/// temperatures and its yields.
pub(crate) fn engines_of(
    scenario: &Scenario,
    generation_indices: &[usize],
    depth: Depth,
    options: &RunOptions,
) -> Result<Vec<GenerationOutput>, PipelineError> {
    let full = depth == Depth::Full;
    let (units, keys) = units(scenario, generation_indices);
    let with_rings = |unit: &&Unit| {
        let technology = &scenario.technologies[unit.technology_index];
        technology.rings.is_some() && technology.optics().is_some()
    };
    let n_rings = units.iter().filter(with_rings).count();
    let thermal_progress = Counter::start(options, Stage::Thermal, units.len());
    let photonics_progress = full.then(|| Counter::start(options, Stage::Photonics, n_rings));
    let models = build_models(scenario, &keys, full, options);
    // Units run side by side; an engine inside gets the threads left over.
    let workers = options.threads.get().min(units.len()).max(1);
    let inner_threads = (options.threads.get() / workers).max(1);
    let outputs = cporamp_core::parallel::map_in_order(&units, options.threads.get(), |&unit| {
        run_unit(
            scenario,
            unit,
            &models[unit.package_index],
            depth,
            inner_threads,
            (&thermal_progress, photonics_progress.as_ref()),
        )
    });
    let mut outputs: Vec<UnitOutput> = outputs.into_iter().collect::<Result<_, _>>()?;
    // Each generation's comparison at its settled temperatures, and the yield engine's
    // inputs from it.
    let mut generations = Vec::with_capacity(generation_indices.len());
    let mut yield_units = Vec::new();
    // The position in `generations` of each yield unit.
    let mut yield_generation = Vec::new();
    for &generation_index in generation_indices {
        let (settled, units_of) =
            settle_generation(scenario, generation_index, &units, &mut outputs, full, options)?;
        for unit in units_of {
            yield_units.push(unit);
            yield_generation.push(generations.len());
        }
        generations.push(settled);
    }
    // Every unit's yield runs as one pool of work.
    if full {
        let progress = std::sync::OnceLock::new();
        let yielded = yield_all(
            scenario,
            yield_units,
            options.threads.get(),
            &|total| {
                let _ = progress.set(Counter::start(options, Stage::Yield, total));
            },
            &|| progress.get().into_iter().for_each(Counter::advance),
        )?;
        for (position, yielded) in yield_generation.into_iter().zip(yielded) {
            generations[position].yields.push(yielded);
        }
    }
    Ok(generations.into_iter().map(generation_output).collect())
}

/// One generation after its comparison at the settled temperatures: its thermal, photonics
/// and (once the pool has run) yield results.
struct SettledGeneration<'a> {
    generation: &'a Generation,
    comparison: GenerationComparison,
    technologies: Vec<ThermalTechnology>,
    photonics: Vec<PhotonicsTechnology>,
    yields: Vec<YieldTechnology>,
}

/// The generation `generation_index`'s comparison at the engine temperatures its units
/// settled to (taking their thermal and photonics results), and at full depth the yield
/// engine's inputs of each of its technologies.
fn settle_generation<'a>(
    scenario: &'a Scenario,
    generation_index: usize,
    units: &[Unit],
    outputs: &mut [UnitOutput],
    full: bool,
    options: &RunOptions,
) -> Result<(SettledGeneration<'a>, Vec<YieldUnit>), PipelineError> {
    let mut yield_units = Vec::new();
    let generation = &scenario.generations[generation_index];
    let mut settled = scenario.clone();
    let mut technologies = Vec::new();
    let mut photonics = Vec::new();
    let mut sides = Vec::new();
    for (unit, output) in units.iter().zip(outputs.iter_mut()) {
        if unit.generation_index != generation_index {
            continue;
        }
        set_engine_temperature(
            &mut settled.technologies[unit.technology_index],
            output.engine_temp_c,
        );
        technologies.extend(output.thermal.take());
        photonics.extend(output.photonics.take());
        sides.push((unit.technology_index, output.substrate_side_mm));
    }
    let comparison = cporamp_compare::compare_one(&settled, &generation.id)?;
    if full {
        for &(technology_index, substrate_side_mm) in &sides {
            let id = &scenario.technologies[technology_index].id;
            let Some(compared) = comparison.technologies.iter().find(|t| &t.id == id) else {
                continue;
            };
            let inputs = yield_inputs(
                &settled,
                generation_index,
                technology_index,
                compared,
                substrate_side_mm,
                options.threads.get(),
            )?;
            if let Some(inputs) = inputs {
                yield_units.push(YieldUnit {
                    generation_index,
                    technology_index,
                    inputs,
                    switch_usd: compared.cost.switch_usd,
                });
            }
        }
    }
    let settled =
        SettledGeneration { generation, comparison, technologies, photonics, yields: Vec::new() };
    Ok((settled, yield_units))
}

/// A generation's outputs.
fn generation_output(settled: SettledGeneration<'_>) -> GenerationOutput {
    let SettledGeneration { generation, comparison, technologies, photonics, yields } = settled;
    GenerationOutput {
        comparison,
        thermal: ThermalGeneration { generation: generation.id.clone(), technologies },
        photonics: PhotonicsGeneration {
            generation: generation.id.clone(),
            technologies: photonics,
        },
        yields: YieldGeneration { generation: generation.id.clone(), technologies: yields },
    }
}
