//! The comparison <-> thermal fixed point per technology and generation, the package models
//! it builds, the cycling and the photonics engine on the settled temperatures.

use super::*;

/// Power one optical engine dissipates in the package: everything in the port's optics but
/// the external laser and the conversion loss (both outside the package), times the ports
/// the engine serves.
pub fn engine_power_w(result: &TechnologyResult, ports_per_engine: f64) -> f64 {
    let port = &result.port_power;
    let inside = port.dsp_w
        + port.driver_w
        + port.tia_w
        + port.oe_serdes_w
        + port.heater_w
        + port.laser_w
        + port.overhead_w;
    inside * ports_per_engine
}

/// Sets a technology's engine temperature: its rings', and its laser's when the laser sits
/// in the package.
pub(crate) fn set_engine_temperature(technology: &mut Technology, engine_temp_c: f64) {
    if let Some(rings) = technology.rings.as_mut() {
        rings.ring_temp = Celsius(engine_temp_c);
    }
    if let Some(laser) = technology.laser.as_mut()
        && laser.placement == LaserPlacement::Package
    {
        laser.ambient_temp = Celsius(engine_temp_c);
    }
}

/// A technology settled on its package: the comparison <-> thermal fixed point inside the
/// ASIC leakage loop.
#[derive(Debug, Clone)]
pub struct Converged {
    /// The engine temperature the loop settled at (the last package solve's), °C.
    pub engine_temp_c: f64,
    /// The comparison at that temperature.
    pub result: TechnologyResult,
    /// The package solve at that temperature.
    pub package: PackageResult,
    /// Power of one optical engine in the package, W.
    pub engine_w: f64,
    /// ASIC power at its settled junction temperature, W.
    pub asic_w: f64,
    /// Its leakage above the nominal figure's, W.
    pub asic_leakage_w: f64,
    /// Package solves.
    pub iterations: usize,
}

/// A package solve: (ASIC W, one engine's W, coolant inlet °C) to the package's temperatures.
pub type Evaluate<'a> = &'a dyn Fn(f64, f64, f64) -> Result<PackageResult, PackageError>;

/// The ids an engine error is reported under: (technology, generation).
pub(crate) fn ids(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
) -> (TechnologyId, GenerationId) {
    (
        scenario.technologies[technology_index].id.clone(),
        scenario.generations[generation_index].id.clone(),
    )
}

pub(crate) fn thermal_error(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    error: PackageError,
) -> PipelineError {
    let (technology, generation) = ids(scenario, generation_index, technology_index);
    PipelineError::Thermal { technology, generation, error }
}

pub(crate) fn photonics_error(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    error: PhotonicsError,
) -> PipelineError {
    let (technology, generation) = ids(scenario, generation_index, technology_index);
    PipelineError::Photonics { technology, generation, error }
}

/// The package of a co-packaged technology at a generation on `settings`' grid, built and
/// factored once.
pub(crate) fn package_model(
    scenario: &Scenario,
    settings: &ThermalSettings,
    generation_index: usize,
    geometry: &Package,
) -> Result<PackageModel, PackageError> {
    let generation = &scenario.generations[generation_index];
    PackageModel::new(settings, &package_geometry(&scenario.thermal, geometry, generation))
}

/// The geometry of `package` at `generation`: its engines, their width and the generation's
/// ASIC die side from `thermal`.
pub(crate) fn package_geometry(
    thermal: &ThermalSettings,
    package: &Package,
    generation: &Generation,
) -> PackageGeometry {
    PackageGeometry {
        n_engines: package.engines_per_switch(generation) as usize,
        engine_edge_mm: package.engine_edge,
        asic_side_mm: thermal.asic_side(&generation.id),
    }
}

/// One co-packaged technology at one generation: the unit the thermal, photonics and yield
/// stages run on.
#[derive(Clone, Copy)]
pub(crate) struct Unit {
    pub(crate) generation_index: usize,
    pub(crate) technology_index: usize,
    /// Index of its package in the run's list of distinct packages.
    pub(crate) package_index: usize,
}

/// A distinct package (generation and geometry): co-packaged technologies with the same
/// engine count and edge share it, and so its factorizations.
pub(crate) struct PackageKey {
    pub(crate) generation_index: usize,
    pub(crate) n_engines: u32,
    pub(crate) engine_edge_bits: u64,
    /// A technology with this package, the one the models are built from.
    pub(crate) technology_index: usize,
    /// Whether one of its technologies has rings (so the drift transient runs on it).
    pub(crate) drift: bool,
}

/// The models of one distinct package: the thermal grid with the reduced model of its
/// cycling transient, and the photonics drift grid with the reduced model of the drift
/// transient (when a technology with rings
/// uses the package). Errors are kept and reported by the units that need the model.
pub(crate) struct Models {
    pub(crate) package: Result<PackageModel, PackageError>,
    pub(crate) drift: Option<Result<PackageModel, PackageError>>,
}

/// The co-packaged technologies of the generations `generation_indices`, in the order the
/// results list them (generation, then technology), with their distinct packages.
pub(crate) fn units(
    scenario: &Scenario,
    generation_indices: &[usize],
) -> (Vec<Unit>, Vec<PackageKey>) {
    let mut units = Vec::new();
    let mut keys: Vec<PackageKey> = Vec::new();
    for &generation_index in generation_indices {
        let generation = &scenario.generations[generation_index];
        for (technology_index, technology) in scenario.technologies.iter().enumerate() {
            // Exactly the co-packaged technologies have a package (checked on load).
            let Some(geometry) = technology.package.as_ref() else { continue };
            let n_engines = geometry.engines_per_switch(generation);
            let engine_edge_bits = geometry.engine_edge.0.to_bits();
            let drift = technology.rings.is_some() && technology.optics().is_some();
            let package_index = match keys.iter().position(|key| {
                key.generation_index == generation_index
                    && key.n_engines == n_engines
                    && key.engine_edge_bits == engine_edge_bits
            }) {
                Some(index) => {
                    keys[index].drift |= drift;
                    index
                }
                None => {
                    keys.push(PackageKey {
                        generation_index,
                        n_engines,
                        engine_edge_bits,
                        technology_index,
                        drift,
                    });
                    keys.len() - 1
                }
            };
            units.push(Unit { generation_index, technology_index, package_index });
        }
    }
    (units, keys)
}

/// Builds every distinct package's models (in parallel), with the reduced transient models
/// at the steps the run samples built once; `transients` false skips those (compare needs
/// only steady states).
pub(crate) fn build_models(
    scenario: &Scenario,
    keys: &[PackageKey],
    transients: bool,
    options: &RunOptions,
) -> Vec<Models> {
    // One job per grid: each is a factorization and the Krylov blocks of its reduced
    // transient model, the costly part.
    let jobs: Vec<(usize, bool)> = keys
        .iter()
        .enumerate()
        .flat_map(|(index, key)| {
            std::iter::once((index, false))
                .chain((transients && key.drift).then_some((index, true)))
        })
        .collect();
    let built =
        cporamp_core::parallel::map_in_order(&jobs, options.threads.get(), |&(index, drift)| {
            let key = &keys[index];
            let geometry = scenario.technologies[key.technology_index]
                .package
                .as_ref()
                .expect("package keys come from co-packaged technologies");
            if drift {
                let mut coarse = scenario.thermal.clone();
                coarse.grid_cells = scenario.photonics.drift_grid_cells;
                let mut model = package_model(scenario, &coarse, key.generation_index, geometry)?;
                // The drift workload moves the ASIC power only (engines and inlet held).
                let asic_only = Varying { asic: true, engines: false, inlet: false };
                model.prepare_history(scenario.photonics.thermal_step_s.0, asic_only)?;
                Ok(model)
            } else {
                let mut model =
                    package_model(scenario, &scenario.thermal, key.generation_index, geometry)?;
                if transients {
                    model.prepare_history(cycling_step_s(scenario), Varying::ALL)?;
                }
                Ok(model)
            }
        });
    let mut models: Vec<Models> = Vec::with_capacity(keys.len());
    for ((index, drift), model) in jobs.into_iter().zip(built) {
        if drift {
            models[index].drift = Some(model);
        } else {
            debug_assert_eq!(index, models.len());
            models.push(Models { package: model, drift: None });
        }
    }
    models
}

/// The temperature loops of one co-packaged technology at one generation on its package:
/// the engines' temperature against their power (the comparison at each iterate's
/// temperature), inside the ASIC's leakage against its junction temperature.
pub(crate) struct EngineLoop<'a> {
    /// The scenario, as resolved (the loop never changes it).
    pub(crate) scenario: &'a Scenario,
    /// The package solve (a [`PackageModel::evaluate`], or a co-design point's variant).
    pub(crate) evaluate: Evaluate<'a>,
    /// The factor on the comparison's ASIC power (1 but in a co-design sweep).
    pub(crate) asic_power_factor: f64,
    /// Index of the generation in `scenario.generations`.
    pub(crate) generation_index: usize,
    /// Index of the technology in `scenario.technologies`.
    pub(crate) technology_index: usize,
}

impl EngineLoop<'_> {
    /// Both loops settled at coolant inlet `inlet_c`: the ASIC power follows its mean
    /// junction temperature
    /// ([`AsicLeakage::settle`](cporamp_thermal::settings::AsicLeakage::settle)) from the
    /// comparison's ASIC power (times `asic_power_factor`), and at each ASIC power the engines
    /// settle ([`EngineLoop::engines_at`]).
    pub(crate) fn settle(&self, inlet_c: f64) -> Result<Converged, PipelineError> {
        let (scenario, generation_index, technology_index) =
            (self.scenario, self.generation_index, self.technology_index);
        let nominal_asic_w =
            cporamp_compare::compare_technology(scenario, generation_index, technology_index)?
                .switch_power
                .asic_w
                * self.asic_power_factor;
        let leakage = &scenario.thermal.leakage;
        let settled = leakage
            .settle(
                nominal_asic_w,
                |asic_w| self.engines_at(inlet_c, asic_w),
                |converged| converged.package.asic_mean_c,
            )
            .map_err(|error| match error {
                LeakageError::Thermal(error) => error,
                LeakageError::Runaway { last_temp_c, iterations } => {
                    let (technology, generation) =
                        ids(scenario, generation_index, technology_index);
                    PipelineError::Runaway { technology, generation, last_temp_c, iterations }
                }
            })?;
        let mut converged = settled.response;
        converged.asic_leakage_w = settled.leakage_w;
        converged.iterations += settled.iterations - 1;
        Ok(converged)
    }

    /// The engine-temperature loop at inlet `inlet_c` and a fixed ASIC power `asic_w`: the
    /// technology is compared at each iterate's engine temperature (a copy of it, with
    /// [`set_engine_temperature`]) until the package's hottest engine mean moves less than
    /// [`FIXED_POINT_TOLERANCE_K`].
    fn engines_at(&self, inlet_c: f64, asic_w: f64) -> Result<Converged, PipelineError> {
        let (scenario, generation_index, technology_index) =
            (self.scenario, self.generation_index, self.technology_index);
        let generation = &scenario.generations[generation_index];
        let technology = &scenario.technologies[technology_index];
        let geometry = technology.package.as_ref().expect("engine loops are co-packaged");
        let ports_per_engine = geometry.ports_per_engine(generation);
        let fail = |error| thermal_error(scenario, generation_index, technology_index, error);
        let mut iterate = technology.clone();
        let mut engine_temp_c =
            technology.rings.as_ref().map_or(inlet_c, |rings| rings.ring_temp.0);
        for iteration in 1..=MAX_ITERATIONS {
            set_engine_temperature(&mut iterate, engine_temp_c);
            let result =
                cporamp_compare::compare_technology_as(scenario, generation_index, &iterate)?;
            let engine_w = engine_power_w(&result, ports_per_engine);
            let solved = (self.evaluate)(asic_w, engine_w, inlet_c).map_err(fail)?;
            let next = solved.engine_mean_max_c;
            if (next - engine_temp_c).abs() < FIXED_POINT_TOLERANCE_K {
                return Ok(Converged {
                    engine_temp_c: next,
                    result,
                    package: solved,
                    engine_w,
                    asic_w,
                    asic_leakage_w: 0.0,
                    iterations: iteration,
                });
            }
            engine_temp_c = next;
        }
        Err(PipelineError::NotConverged {
            technology: technology.id.clone(),
            generation: generation.id.clone(),
        })
    }
}

/// The cycling transient's step, s.
pub(crate) fn cycling_step_s(scenario: &Scenario) -> f64 {
    let settings = &scenario.thermal.cycling;
    settings.period_s.0 / settings.steps_per_period as f64
}
/// Rainflow and Norris-Landzberg fatigue of the package under the scenario's square wave
/// between idle and full power, with the coolant inlet `inlet_swing_k` warmer while busy
/// (held powers: the temperature dependence of laser and leakage power is left out of the
/// transient). The first period is the start-up transient and is dropped.
pub(crate) fn cycling(
    scenario: &Scenario,
    package: &PackageModel,
    asic_w: f64,
    engine_w: f64,
    inlet_c: f64,
) -> Result<CyclingResult, PackageError> {
    let settings = &scenario.thermal.cycling;
    let steps = settings.steps_per_period;
    let busy_steps = (settings.busy_fraction * steps as f64).round() as usize;
    let level =
        |step: usize| if step % steps < busy_steps { 1.0 } else { settings.idle_power_fraction };
    let n_steps = steps * settings.n_periods;
    let asic: Vec<f64> = (0..n_steps).map(|step| asic_w * level(step)).collect();
    let engine: Vec<f64> = (0..n_steps).map(|step| engine_w * level(step)).collect();
    // The coolant inlet swings with the workload: idle at the nominal inlet, busy warmer.
    let inlet: Vec<f64> =
        (0..n_steps)
            .map(|step| {
                if step % steps < busy_steps { inlet_c + settings.inlet_swing_k.0 } else { inlet_c }
            })
            .collect();
    let step_s = settings.period_s.0 / steps as f64;
    let history = package.history(&asic, &engine, &inlet, step_s)?;
    let counted = steps..n_steps;
    let duration_s = counted.len() as f64 * step_s;
    let last = n_steps - steps..n_steps;
    Ok(CyclingResult {
        asic: settings.fatigue(&history.asic_max_c[counted.clone()], duration_s),
        engine: settings.fatigue(&history.engine_mean_max_c[counted], duration_s),
        last_period: PackageHistory {
            time_s: history.time_s[last.clone()].to_vec(),
            asic_max_c: history.asic_max_c[last.clone()].to_vec(),
            engine_mean_max_c: history.engine_mean_max_c[last].to_vec(),
        },
    })
}

/// The package's drift transient under the photonics workload: the ASIC alternates between
/// full and idle power every `workload_period_s` (engines at constant power: links stay up),
/// from the steady state of the mean power, for three periods, on a package model of
/// `drift_grid_cells` per side. Returns the history's samples
/// as a periodic [`DriftTrace`] of its last period at the loop's sample rate. The ring is the
/// hottest engine; an integrated laser follows it, an external one stays at its ambient; the
/// telemetry is the ASIC's hottest junction (an on-die sensor) and its power.
pub(crate) fn drift_trace(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    nominal: &Converged,
    package: &PackageModel,
) -> Result<DriftTrace, PipelineError> {
    let inlet_c = scenario.thermal.cold_plate.nominal_inlet_c.0;
    let photonics = &scenario.photonics;
    let idle = scenario.thermal.cycling.idle_power_fraction;
    let steps = (photonics.workload_period_s.0 / photonics.thermal_step_s.0).round() as usize;
    let busy_steps =
        ((photonics.workload_busy_fraction * steps as f64).round() as usize).clamp(1, steps - 1);
    let busy = photonics.workload_busy_fraction;
    let mean_level = busy + (1.0 - busy) * idle;
    let n = 1 + 3 * steps;
    let level = |index: usize| {
        if index == 0 {
            mean_level
        } else if (index - 1) % steps < busy_steps {
            1.0
        } else {
            idle
        }
    };
    let asic: Vec<f64> = (0..n).map(|index| nominal.asic_w * level(index)).collect();
    let engine = vec![nominal.engine_w; n];
    let history = package
        .history(&asic, &engine, &vec![inlet_c; n], photonics.thermal_step_s.0)
        .map_err(|error| thermal_error(scenario, generation_index, technology_index, error))?;
    let laser = scenario.technologies[technology_index].laser.as_ref();
    let on_engine = laser.is_some_and(|laser| laser.placement == LaserPlacement::Package);
    let laser_temp: Vec<f64> = if on_engine {
        history.engine_mean_max_c.clone()
    } else {
        vec![laser.map_or(inlet_c, |laser| laser.ambient_temp.0); n]
    };
    let samples = ThermalSamples {
        time_s: &history.time_s,
        ring_temp_c: &history.engine_mean_max_c,
        laser_temp_c: &laser_temp,
        sensor_temp_c: &history.asic_max_c,
        asic_power_w: &asic,
    };
    DriftTrace::resample(
        &samples,
        photonics.sample_rate_hz.period().0,
        photonics.workload_period_s.0,
    )
    .map_err(|error| photonics_error(scenario, generation_index, technology_index, error))
}

/// The link the photonics engine runs on: the technology's margin and lane rate, the buses
/// rotated at bring-up on the mean drift of `trace` (the nominal one).
fn nominal_link(
    rings: &Rings,
    optics: Optics<'_>,
    generation: &Generation,
    trace: &DriftTrace,
) -> LinkInputs {
    let t0 = rings.reference_temp.0;
    let bring_up_drift_nm = trace
        .ring_temp_c
        .iter()
        .zip(&trace.laser_temp_c)
        .map(|(&ring, &laser)| rings.drifted_offset_nm(0.0, (ring, t0), (laser, t0)))
        .sum::<f64>()
        / trace.ring_temp_c.len().max(1) as f64;
    LinkInputs {
        margin_db: optics.link_budget.margin,
        lane_gbps: generation.lane_rate,
        bring_up_drift_nm: Some(Nanometres(bring_up_drift_nm)),
    }
}

/// The nominal drift trace and link of a co-packaged technology with rings (see
/// [`NominalDrift`]).
pub(crate) fn nominal_drift(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
) -> Result<Option<NominalDrift>, PipelineError> {
    let technology = &scenario.technologies[technology_index];
    let generation = &scenario.generations[generation_index];
    let (Some(rings), Some(optics)) = (technology.rings.as_ref(), technology.optics()) else {
        return Ok(None);
    };
    let geometry = technology
        .package
        .as_ref()
        .ok_or_else(|| PipelineError::NotCoPackaged { technology: technology.id.clone() })?;
    let fail = |error| thermal_error(scenario, generation_index, technology_index, error);
    // The run's own models: the package on the scenario's grid for the fixed point, the
    // drift grid with its reduced transient for the workload trace.
    let package =
        package_model(scenario, &scenario.thermal, generation_index, geometry).map_err(fail)?;
    let evaluate =
        |asic_w: f64, engine_w: f64, inlet_c: f64| package.evaluate(asic_w, engine_w, inlet_c);
    let nominal = EngineLoop {
        scenario,
        evaluate: &evaluate,
        asic_power_factor: 1.0,
        generation_index,
        technology_index,
    }
    .settle(scenario.thermal.cold_plate.nominal_inlet_c.0)?;
    let mut coarse = scenario.thermal.clone();
    coarse.grid_cells = scenario.photonics.drift_grid_cells;
    let mut drift_model =
        package_model(scenario, &coarse, generation_index, geometry).map_err(fail)?;
    let asic_only = Varying { asic: true, engines: false, inlet: false };
    drift_model.prepare_history(scenario.photonics.thermal_step_s.0, asic_only).map_err(fail)?;
    let trace = drift_trace(scenario, generation_index, technology_index, &nominal, &drift_model)?;
    let link = nominal_link(rings, optics, generation, &trace);
    let laser_temp_c =
        nominal.result.laser.as_ref().map_or(nominal.engine_temp_c, |l| l.power.laser_temp_c);
    Ok(Some(NominalDrift {
        generation_index,
        technology_index,
        engine_temp_c: nominal.engine_temp_c,
        laser_temp_c,
        rings: rings.clone(),
        trace,
        link,
    }))
}

/// The photonics engine on one co-packaged technology: the nominal drift trace, and the
/// same trace shifted to each inlet of the sweep (the package is linear, so an inlet change
/// moves every temperature by the same amount; the small change of engine power with
/// temperature is left out).
pub(crate) fn photonics_for(
    scenario: &Scenario,
    generation_index: usize,
    technology_index: usize,
    nominal: &Converged,
    drift_model: Option<&Result<PackageModel, PackageError>>,
    threads: usize,
) -> Result<Option<PhotonicsTechnology>, PipelineError> {
    let technology = &scenario.technologies[technology_index];
    let generation = &scenario.generations[generation_index];
    let (Some(rings), Some(optics)) = (technology.rings.as_ref(), technology.optics()) else {
        return Ok(None);
    };
    let nominal_inlet_c = scenario.thermal.cold_plate.nominal_inlet_c.0;
    let package = drift_model
        .expect("the drift model is built for every package of a technology with rings")
        .as_ref()
        .map_err(|error| {
            thermal_error(scenario, generation_index, technology_index, error.clone())
        })?;
    let trace = drift_trace(scenario, generation_index, technology_index, nominal, package)?;
    // Each PIC's bus rotation is chosen at bring-up, at the nominal inlet; the sweep's
    // inlets then move the lanes away from it.
    let link = nominal_link(rings, optics, generation, &trace);
    let laser_on_engine = optics.laser.placement == LaserPlacement::Package;
    let run = |trace: &DriftTrace| {
        cporamp_photonics::simulate(&scenario.photonics, rings, &link, trace, threads)
            .map_err(|error| photonics_error(scenario, generation_index, technology_index, error))
    };
    let result = run(&trace)?;
    let mut inlet_sweep = Vec::new();
    for &Celsius(inlet_c) in &scenario.thermal.cold_plate.inlet_sweep_c {
        let shift = inlet_c - nominal_inlet_c;
        if shift == 0.0 {
            // The nominal inlet needs no second run.
            inlet_sweep.push(FlapPoint::of(inlet_c, &result));
            continue;
        }
        let moved = |values: &[f64]| values.iter().map(|t| t + shift).collect::<Vec<f64>>();
        let shifted = DriftTrace {
            ring_temp_c: moved(&trace.ring_temp_c),
            laser_temp_c: if laser_on_engine {
                moved(&trace.laser_temp_c)
            } else {
                trace.laser_temp_c.clone()
            },
            sensor_temp_c: moved(&trace.sensor_temp_c),
            ..trace.clone()
        };
        inlet_sweep.push(FlapPoint::of(inlet_c, &run(&shifted)?));
    }
    Ok(Some(PhotonicsTechnology {
        id: technology.id.clone(),
        label: technology.label.clone(),
        laser_on_engine,
        nominal: result,
        inlet_sweep,
    }))
}
