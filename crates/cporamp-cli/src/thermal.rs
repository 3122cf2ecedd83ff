//! `cporamp thermal`: reads HotSpot's files, runs HotSpot's block or grid model as the config
//! (or --model-type) asks, and returns its output text.

use crate::Failure;
use crate::args::{OnOff, Scheme, ThermalArgs};
use cporamp_core::scenario::limits::{self, HotSpotRun};
use cporamp_thermal::hotspot::block::TransientMethod;
use cporamp_thermal::hotspot::{self, HotSpotTransient, LayerFile, ModelType, Stack, parse};
use cporamp_thermal::network::TimeScheme;
use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

fn read(path: &Path, what: &str) -> Result<String, Failure> {
    crate::input::read_text(path, what)
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

/// HotSpot takes `-materials_file` on its command line only. When the config names materials
/// and no --materials is given, the single `*.materials` file beside the config is used, and
/// a note says so; with none or several, nothing is guessed.
fn discover_materials(
    config_path: &Path,
    config: &parse::Config,
    notes: &mut Vec<String>,
) -> Option<std::path::PathBuf> {
    let names_materials = ["chip", "interface", "spreader", "sink"]
        .iter()
        .any(|part| config.text(&format!("material_{part}")).is_some());
    if !names_materials {
        return None;
    }
    let directory = config_path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(directory)
        .ok()?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|extension| extension == "materials"))
        .collect();
    if found.len() != 1 {
        return None;
    }
    let path = found.remove(0);
    notes.push(format!(
        "the config names materials and no --materials was given; using {}",
        path.display()
    ));
    Some(path)
}

/// The transient trace of either model from `--init-file` or the config's `-init_temp`.
fn transient_text<M: HotSpotTransient>(
    model: &M,
    args: &ThermalArgs,
    trace: &parse::PowerTrace,
    settings: &hotspot::RunSettings,
    method: TransientMethod,
) -> Result<String, Failure> {
    let initial = match &args.init_file {
        Some(path) => model
            .initial_from_file(&name(path), &read(path, "initial temperature file")?)
            .map_err(Failure::input)?,
        None => model.initial_uniform(settings.init_temp_k),
    };
    let rows = model
        .trace_rows(trace, &initial, settings.sampling_interval_s, method, settings.map_mode)
        .map_err(Failure::input)?;
    Ok(model.trace_file(&rows))
}

/// Refuses a HotSpot-mode run whose estimated CPU time exceeds `--max-cpu-hours`, as the
/// scenario commands do, naming the estimate and what drives it.
fn check_cpu(args: &ThermalArgs, run: &HotSpotRun) -> Result<(), Failure> {
    let demand = limits::hotspot_demand(run);
    let budget = args.common.execution.budget.budget(1).cpu_s;
    if demand.cpu_s > budget {
        return Err(Failure::input(anyhow::anyhow!(
            "CPU time of a run: about {} ({}: {}); the budget is {} (--max-cpu-hours): use a \
             coarser grid (--grid-rows, --grid-cols), a shorter trace, or raise --max-cpu-hours",
            limits::human_cpu(demand.cpu_s),
            demand.field,
            demand.what,
            limits::human_cpu(budget)
        )));
    }
    Ok(())
}

/// Runs the HotSpot-compatible mode and returns what it prints.
pub(crate) fn run_hotspot(args: &ThermalArgs) -> Result<String, Failure> {
    let config_path = args
        .hotspot_config
        .as_deref()
        .ok_or_else(|| Failure::input(anyhow::anyhow!("no --hotspot-config")))?;
    let mut config = parse::config(&name(config_path), &read(config_path, "HotSpot config")?)
        .map_err(Failure::input)?;
    let mut notes = Vec::new();
    match args.model_type.as_deref() {
        Some(kind @ ("grid" | "block")) => config.set("model_type", kind),
        Some(other) => {
            return Err(Failure::input(anyhow::anyhow!(
                "--model-type {other}: expected block or grid"
            )));
        }
        None => {
            let grid_options = args.grid_rows.is_some()
                || args.grid_cols.is_some()
                || args.grid_steady_file.is_some()
                || args.lcf.is_some();
            if grid_options {
                // HotSpot's run scripts pass `-model_type grid` with their grid options.
                if config.text("model_type") != Some("grid") {
                    notes.push(
                        "grid options given: building HotSpot's grid model (the config's -model_type is overridden, as HotSpot's run scripts do with -model_type grid)"
                            .to_string(),
                    );
                }
                config.set("model_type", "grid");
            }
        }
    }
    let model_type = hotspot::model_type(&config).map_err(Failure::input)?;
    if model_type == ModelType::Block && args.model_type.is_none() {
        notes.push(
            "building HotSpot's block model, as the config's -model_type asks; --model-type grid or --grid-rows/--grid-cols build the grid model".to_string(),
        );
    }
    if let Some(rows) = args.grid_rows {
        config.set("grid_rows", &rows.to_string());
    }
    if let Some(cols) = args.grid_cols {
        config.set("grid_cols", &cols.to_string());
    }
    let materials_path = match &args.materials {
        Some(path) => Some(path.clone()),
        None => discover_materials(config_path, &config, &mut notes),
    };
    let (materials, fluid_viscosities) = match &materials_path {
        Some(path) => {
            let text = read(path, "materials file")?;
            (
                parse::materials(&name(path), &text).map_err(Failure::input)?,
                parse::fluid_viscosities(&name(path), &text).map_err(Failure::input)?,
            )
        }
        None => (std::collections::BTreeMap::new(), std::collections::BTreeMap::new()),
    };
    let ptrace = args
        .ptrace
        .as_deref()
        .ok_or_else(|| Failure::input(anyhow::anyhow!("HotSpot mode needs --ptrace")))?;
    let trace = parse::power_trace_with(
        &name(ptrace),
        &read(ptrace, "power trace")?,
        args.allow_negative_power,
    )
    .map_err(Failure::input)?;
    let stack = match (&args.lcf, &args.flp) {
        (Some(lcf), _) => {
            let layers = parse::layer_configuration(
                &name(lcf),
                &read(lcf, "layer configuration file")?,
                &materials,
            )
            .map_err(Failure::input)?;
            let directory = lcf.parent().unwrap_or(Path::new("."));
            let mut with_floorplans = Vec::new();
            let mut with_files = Vec::new();
            for layer in layers {
                let path = directory.join(&layer.floorplan_file);
                // HotSpot: a layer file with the .csv extension is a microchannel network.
                if layer.floorplan_file.ends_with(".csv") {
                    if !args.use_microchannels {
                        return Err(Failure::input(anyhow::anyhow!(
                            "{}:{}: floorplan file: {} is a microchannel network (.csv); HotSpot runs it with -use_microchannels 1: pass --use-microchannels (with --detailed-3d on)",
                            name(lcf),
                            layer.line,
                            layer.floorplan_file
                        )));
                    }
                    let grid = hotspot::microchannel::channel_grid(
                        &name(&path),
                        &read(&path, "microchannel network")?,
                    )
                    .map_err(Failure::input)?;
                    with_files.push((layer, LayerFile::Channels(grid)));
                    continue;
                }
                let floorplan = parse::floorplan(&name(&path), &read(&path, "floorplan")?)
                    .map_err(Failure::input)?;
                if args.use_microchannels {
                    with_files.push((layer, LayerFile::Floorplan(floorplan)));
                } else {
                    with_floorplans.push((layer, floorplan));
                }
            }
            if args.use_microchannels {
                Stack::Microchannels { layers: with_files, fluid_viscosities }
            } else {
                Stack::Lcf(with_floorplans)
            }
        }
        (None, Some(flp)) => Stack::Default(
            parse::floorplan(&name(flp), &read(flp, "floorplan")?).map_err(Failure::input)?,
        ),
        (None, None) => {
            return Err(Failure::Input(anyhow::anyhow!("HotSpot mode needs --flp or --lcf")));
        }
    };
    let settings = hotspot::run_settings(&config).map_err(Failure::input)?;
    let count = |key: &str| -> Result<usize, Failure> {
        let value = config.positive(key, "cells").map_err(Failure::input)?;
        if value.fract() == 0.0 {
            Ok(value as usize)
        } else {
            Err(Failure::input(
                config.error(key, format!("value {value}; expected a whole number of cells")),
            ))
        }
    };
    if settings.leakage && args.transient {
        notes.push(
            "-leakage_used 1: as in HotSpot, the transient runs without the leakage loop"
                .to_string(),
        );
    }
    if !args.common.execution.quiet {
        let mut stderr = std::io::stderr().lock();
        for note in &notes {
            let _ = writeln!(stderr, "note: {note}");
        }
    }
    let method = match (args.time_scheme, model_type) {
        (Some(Scheme::BackwardEuler), _) => TransientMethod::Fixed(TimeScheme::BackwardEuler),
        (Some(Scheme::CrankNicolson), _) => TransientMethod::Fixed(TimeScheme::CrankNicolson),
        (Some(Scheme::Rk4), _) | (None, ModelType::Block) => TransientMethod::HotSpotRk4,
        (None, ModelType::Grid) => TransientMethod::Fixed(TimeScheme::BackwardEuler),
    };
    if args.use_microchannels
        && (model_type != ModelType::Grid || args.detailed_3d != Some(OnOff::On))
    {
        return Err(Failure::input(anyhow::anyhow!(
            "--use-microchannels needs the grid model and --detailed-3d on, as HotSpot's -use_microchannels 1 does"
        )));
    }
    match (model_type, stack) {
        (ModelType::Block, _) if args.detailed_3d == Some(OnOff::On) => {
            Err(Failure::input(anyhow::anyhow!(
                "--detailed-3d on needs the grid model (--model-type grid), as HotSpot's -detailed_3D does"
            )))
        }
        (ModelType::Block, Stack::Default(floorplan)) => {
            if args.grid_steady_file.is_some() {
                return Err(Failure::input(anyhow::anyhow!(
                    "--grid-steady-file needs the grid model (--model-type grid)"
                )));
            }
            // Four layers per block (silicon, interface, spreader, sink) and the package.
            let run = HotSpotRun {
                nodes: 4.0 * floorplan.blocks.len() as f64 + 12.0,
                cells_per_side: 0.0,
                direct: true,
                leakage: settings.leakage,
                transient_rows: if args.transient { trace.rows.len() } else { 0 },
                interval_s: settings.sampling_interval_s,
                rk4: method == TransientMethod::HotSpotRk4,
            };
            check_cpu(args, &run)?;
            let model = hotspot::block_model_from_config(&config, &materials, floorplan, &trace)
                .map_err(Failure::input)?;
            if !args.transient {
                let (steady, _) = if settings.leakage {
                    model.steady_with_leakage(&trace)
                } else {
                    model.steady(&trace)
                }
                .map_err(Failure::input)?;
                return Ok(model.steady_file(&steady));
            }
            transient_text(&model, args, &trace, &settings, method)
        }
        (ModelType::Block, Stack::Lcf(_) | Stack::Microchannels { .. }) => {
            Err(Failure::input(anyhow::anyhow!(
                "a layer configuration file (--lcf) needs the grid model (--model-type grid or -model_type grid)"
            )))
        }
        (ModelType::Grid, stack) => {
            let detailed_3d = args.detailed_3d == Some(OnOff::On);
            if detailed_3d && matches!(stack, Stack::Default(_)) {
                return Err(Failure::input(anyhow::anyhow!(
                    "--detailed-3d on needs a layer configuration file (--lcf), as HotSpot's -detailed_3D does"
                )));
            }
            let (rows, cols) = (count("grid_rows")?, count("grid_cols")?);
            let chip_layers = match &stack {
                Stack::Default(_) => 2,
                Stack::Lcf(layers) => layers.len(),
                Stack::Microchannels { layers, .. } => layers.len(),
            };
            let estimate = hotspot::grid::memory_estimate_bytes(rows, cols, chip_layers);
            let budget = args.common.execution.budget.budget(1).memory_bytes;
            if estimate > budget {
                use limits::human_bytes;
                return Err(Failure::input(anyhow::anyhow!(
                    "a {rows} x {cols} grid of {} layers needs about {} of memory \
                     ({} B per node); the budget is {} (--max-memory): use a coarser grid \
                     (--grid-rows, --grid-cols) or raise --max-memory",
                    chip_layers + 2,
                    human_bytes(estimate),
                    hotspot::grid::BYTES_PER_NODE,
                    human_bytes(budget)
                )));
            }
            let run = HotSpotRun {
                nodes: rows as f64 * cols as f64 * (chip_layers + 2) as f64 + 12.0,
                cells_per_side: (rows as f64 * cols as f64).sqrt(),
                direct: rows * cols <= hotspot::grid::DIRECT_SOLVE_MAX_CELLS,
                leakage: settings.leakage,
                transient_rows: if args.transient { trace.rows.len() } else { 0 },
                interval_s: settings.sampling_interval_s,
                rk4: method == TransientMethod::HotSpotRk4,
            };
            check_cpu(args, &run)?;
            let model = hotspot::model_from_config(
                &config,
                &materials,
                stack,
                &trace,
                rows,
                cols,
                detailed_3d,
            )
            .map_err(Failure::input)?;
            let (steady, _) = if settings.leakage {
                model.steady_with_leakage(&trace, settings.map_mode)
            } else {
                model.steady(&trace)
            }
            .map_err(Failure::input)?;
            if let Some(path) = &args.grid_steady_file {
                crate::output::write_new_file(path, &model.grid_file(&steady), true)
                    .map_err(Failure::Input)?;
            }
            if !args.transient {
                return Ok(model.steady_file(&steady, settings.map_mode));
            }
            transient_text(&model, args, &trace, &settings, method)
        }
    }
}

/// `cporamp thermal --3d-ice STACK.stk [--out DIR]`: reads a 3D-ICE stack and its
/// floorplans (relative to the stack file), runs it as its solver section asks, writes the
/// output files its `output:` section names under `--out` (default: the current directory)
/// and returns a summary.
pub(crate) fn run_three_d_ice(args: &ThermalArgs) -> Result<String, Failure> {
    use cporamp_thermal::threedice::{Floorplan, Model, StackFile, parse::ElementKind};
    use std::collections::BTreeMap;
    let path = args.three_d_ice.as_deref().expect("3D-ICE mode has a stack file");
    let stack =
        StackFile::parse(&name(path), &read(path, "3D-ICE stack file")?).map_err(Failure::input)?;
    let directory = path.parent().unwrap_or(Path::new("."));
    let mut floorplans = BTreeMap::new();
    for element in &stack.stack {
        if let ElementKind::Die { floorplan, .. } = &element.kind {
            if floorplans.contains_key(floorplan) {
                continue;
            }
            // Beside the stack file; else, as 3D-ICE itself opens it, from the current
            // directory (its examples name floorplans relative to where they are run).
            let beside = directory.join(floorplan);
            let flp_path = if beside.is_file() || !Path::new(floorplan).is_file() {
                beside
            } else {
                std::path::PathBuf::from(floorplan)
            };
            let text = read(&flp_path, "3D-ICE floorplan file")?;
            let parsed = Floorplan::parse(&name(&flp_path), &text).map_err(Failure::input)?;
            floorplans.insert(floorplan.clone(), parsed);
        }
    }
    let model = Model::build(&stack, &floorplans).map_err(Failure::input)?;
    let started = std::time::Instant::now();
    let run = model.run().map_err(Failure::input)?;
    let elapsed = started.elapsed().as_secs_f64();
    let out = args.out.clone().unwrap_or_else(|| std::path::PathBuf::from("."));
    for file in &run.files {
        let relative = Path::new(&file.name);
        if relative.is_absolute()
            || relative.components().any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return Err(Failure::input(anyhow::anyhow!(
                "{}: output file \"{}\" must be a relative path without `..` (it is written under --out)",
                name(path),
                file.name
            )));
        }
        let target = out.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|error| {
                Failure::input(anyhow::anyhow!("cannot create {}: {error}", parent.display()))
            })?;
        }
        std::fs::write(&target, &file.text).map_err(|error| {
            Failure::input(anyhow::anyhow!("cannot write {}: {error}", target.display()))
        })?;
    }
    let mut text = String::new();
    let analysis = match stack.analysis {
        cporamp_thermal::threedice::parse::Analysis::Steady => "steady".to_string(),
        cporamp_thermal::threedice::parse::Analysis::Transient { step_s, slot_s, .. } => {
            format!(
                "transient, step {step_s} s, slot {slot_s} s, {} steps to {:.3} s",
                run.steps, run.time_s
            )
        }
    };
    let _ = writeln!(
        text,
        "3D-ICE stack {}: {} layers x {} rows x {} columns = {} cells; {analysis}; solved in {elapsed:.3} s",
        name(path),
        model.layers().len(),
        model.rows(),
        model.columns(),
        model.cells()
    );
    let b = run.balance;
    let _ = writeln!(
        text,
        "power {:.6} W; heat out: top sink {:.6} W, bottom sink {:.6} W, coolant {:.6} W{}",
        b.power_in_w,
        b.top_sink_w,
        b.bottom_sink_w,
        b.coolant_w,
        if run.steps > 0 { " (at the final instant; the rest is still being stored)" } else { "" }
    );
    for element in &stack.stack {
        let Some(layer) = model.output_layer(&element.name) else { continue };
        let cells = model.rows() * model.columns();
        let start = layer * cells;
        let slice = &run.temperatures_k[start..start + cells];
        let max = slice.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = slice.iter().copied().fold(f64::INFINITY, f64::min);
        let mean = slice.iter().sum::<f64>() / cells as f64;
        let what = match element.kind {
            ElementKind::Die { .. } => "die, source layer",
            ElementKind::Channel => "channel, coolant layer",
            ElementKind::Layer(_) => "layer",
        };
        let _ = write!(
            text,
            "  {} ({what}): max {max:.3} K, min {min:.3} K, mean {mean:.3} K",
            element.name
        );
        if element.kind == ElementKind::Channel {
            let outlets = model.outlet_temperatures(&run.temperatures_k, &element.name);
            let outlet_max = outlets.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let outlet_mean = outlets.iter().sum::<f64>() / outlets.len().max(1) as f64;
            let _ = write!(text, "; outlet max {outlet_max:.3} K, mean {outlet_mean:.3} K");
        }
        text.push('\n');
    }
    let _ = writeln!(text, "wrote {} files under {}", run.files.len(), out.display());
    for file in &run.files {
        let _ = writeln!(text, "  {}", file.name);
    }
    Ok(text)
}
