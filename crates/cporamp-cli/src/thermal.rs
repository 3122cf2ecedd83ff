//! `cporamp thermal`: HotSpot mode reads HotSpot's files, hands them to
//! `cporamp_thermal::hotspot::run` (model type, checks, budgets, model and steady state) and
//! returns the output text of the block or grid model the config (or --model-type) asks for;
//! 3D-ICE mode reads a stack and its floorplans, runs it, writes its output files and returns
//! a summary (`cporamp_thermal::threedice::element_summaries`).

use crate::Failure;
use crate::args::{OnOff, Scheme, ThermalArgs};
use cporamp_thermal::hotspot::block::TransientMethod;
use cporamp_thermal::hotspot::run::{self, RequestedScheme, RunRequest, Solved};
use cporamp_thermal::hotspot::{self, HotSpotTransient, LayerFile, Stack, parse};
use std::collections::BTreeMap;
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

/// Runs the HotSpot-compatible mode and returns what it prints.
pub(crate) fn run_hotspot(args: &ThermalArgs) -> Result<String, Failure> {
    let config_path = args
        .hotspot_config
        .as_deref()
        .ok_or_else(|| Failure::input(anyhow::anyhow!("no --hotspot-config")))?;
    let mut config = parse::config(&name(config_path), &read(config_path, "HotSpot config")?)
        .map_err(Failure::input)?;
    let request = request(args);
    let mut notes = Vec::new();
    let model_type =
        run::settle_model(&mut config, &request, &mut notes).map_err(Failure::input)?;
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
    let stack = read_stack(args, &materials, fluid_viscosities)?;
    let settings = run::settings(&config, &request, &mut notes).map_err(Failure::input)?;
    if !args.common.execution.quiet {
        let mut stderr = std::io::stderr().lock();
        for note in &notes {
            let _ = writeln!(stderr, "note: {note}");
        }
    }
    let method = run::transient_method(&request, model_type);
    let case = run::RunCase {
        config: &config,
        model_type,
        settings: &settings,
        materials: &materials,
        stack,
        trace: &trace,
    };
    match run::solve(case, &request).map_err(Failure::input)? {
        Solved::BlockSteady(text) => Ok(text),
        Solved::Block(model) => transient_text(&model, args, &trace, &settings, method),
        Solved::Grid { model, steady } => {
            if let Some(path) = &args.grid_steady_file {
                crate::output::write_new_file(path, &model.grid_file(&steady), true)
                    .map_err(Failure::Input)?;
            }
            if !args.transient {
                return Ok(model.steady_file(&steady, settings.map_mode));
            }
            transient_text(model.as_ref(), args, &trace, &settings, method)
        }
    }
}

/// What the command line asks of a HotSpot-mode run besides its files.
fn request(args: &ThermalArgs) -> RunRequest {
    let budget = args.common.execution.budget.budget(1);
    RunRequest {
        model_type: args.model_type.clone(),
        grid_rows: args.grid_rows,
        grid_cols: args.grid_cols,
        grid_steady_file: args.grid_steady_file.is_some(),
        lcf: args.lcf.is_some(),
        transient: args.transient,
        time_scheme: args.time_scheme.map(|scheme| match scheme {
            Scheme::BackwardEuler => RequestedScheme::BackwardEuler,
            Scheme::CrankNicolson => RequestedScheme::CrankNicolson,
            Scheme::Rk4 => RequestedScheme::Rk4,
        }),
        detailed_3d: args.detailed_3d.map(|on| on == OnOff::On),
        use_microchannels: args.use_microchannels,
        cpu_budget_s: budget.cpu_s,
        memory_budget_bytes: budget.memory_bytes,
    }
}

/// Reads the package stack: the layer configuration file and each layer's floorplan or
/// microchannel network (beside it), or the single floorplan of HotSpot's default stack.
fn read_stack(
    args: &ThermalArgs,
    materials: &BTreeMap<String, parse::Material>,
    fluid_viscosities: BTreeMap<String, f64>,
) -> Result<Stack, Failure> {
    let stack = match (&args.lcf, &args.flp) {
        (Some(lcf), _) => {
            let layers = parse::layer_configuration(
                &name(lcf),
                &read(lcf, "layer configuration file")?,
                materials,
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
    Ok(stack)
}

/// `cporamp thermal --3d-ice STACK.stk [--out DIR]`: reads a 3D-ICE stack and its
/// floorplans (relative to the stack file), runs it as its solver section asks, writes the
/// output files its `output:` section names under `--out` (default: the current directory)
/// and returns a summary.
pub(crate) fn run_three_d_ice(args: &ThermalArgs) -> Result<String, Failure> {
    use cporamp_thermal::threedice::{Model, StackFile, element_summaries};
    let path = args.three_d_ice.as_deref().expect("3D-ICE mode has a stack file");
    let stack =
        StackFile::parse(&name(path), &read(path, "3D-ICE stack file")?).map_err(Failure::input)?;
    let floorplans = read_floorplans(path, &stack)?;
    let model = Model::build(&stack, &floorplans).map_err(Failure::input)?;
    let started = std::time::Instant::now();
    let run = model.run().map_err(Failure::input)?;
    let elapsed = started.elapsed().as_secs_f64();
    let out = args.out.clone().unwrap_or_else(|| std::path::PathBuf::from("."));
    write_outputs(path, &run.files, &out)?;
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
    for summary in element_summaries(&stack, &model, &run) {
        let _ = write!(
            text,
            "  {} ({what}): max {max:.3} K, min {min:.3} K, mean {mean:.3} K",
            summary.name,
            what = summary.what,
            max = summary.max_k,
            min = summary.min_k,
            mean = summary.mean_k
        );
        if let Some((outlet_max, outlet_mean)) = summary.outlet_k {
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

/// Reads the floorplan of every die of `stack` (the stack file at `path`), once per file.
fn read_floorplans(
    path: &Path,
    stack: &cporamp_thermal::threedice::StackFile,
) -> Result<BTreeMap<String, cporamp_thermal::threedice::Floorplan>, Failure> {
    use cporamp_thermal::threedice::{Floorplan, parse::ElementKind};
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
    Ok(floorplans)
}

/// Writes the output `files` of the stack file at `path` under `out`; each must be a relative
/// path without `..`.
fn write_outputs(
    path: &Path,
    files: &[cporamp_thermal::threedice::OutputFile],
    out: &Path,
) -> Result<(), Failure> {
    for file in files {
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
    Ok(())
}
