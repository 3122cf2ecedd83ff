//! `cporamp thermal`: reads HotSpot's files, runs the HotSpot-compatible grid model, and
//! returns its output text.

use crate::Failure;
use crate::args::{Scheme, ThermalArgs};
use anyhow::Context;
use cporamp_thermal::hotspot::{self, Stack, parse};
use cporamp_thermal::network::TimeScheme;
use std::io::Write;
use std::path::Path;

fn read(path: &Path, what: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {what} {}", path.display()))
        .map_err(Failure::Input)
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
        Some("grid") => config.set("model_type", "grid"),
        Some(other) => {
            return Err(Failure::input(anyhow::anyhow!(
                "--model-type {other}: only HotSpot's grid model is built; expected grid"
            )));
        }
        None => notes.extend(hotspot::model_type_note(&config)),
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
    let materials = match &materials_path {
        Some(path) => {
            parse::materials(&name(path), &read(path, "materials file")?).map_err(Failure::input)?
        }
        None => std::collections::BTreeMap::new(),
    };
    let ptrace = args
        .ptrace
        .as_deref()
        .ok_or_else(|| Failure::input(anyhow::anyhow!("HotSpot mode needs --ptrace")))?;
    let trace =
        parse::power_trace(&name(ptrace), &read(ptrace, "power trace")?).map_err(Failure::input)?;
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
            for layer in layers {
                let path = directory.join(&layer.floorplan_file);
                let floorplan = parse::floorplan(&name(&path), &read(&path, "floorplan")?)
                    .map_err(Failure::input)?;
                with_floorplans.push((layer, floorplan));
            }
            Stack::Lcf(with_floorplans)
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
    let (rows, cols) = (count("grid_rows")?, count("grid_cols")?);
    let model = hotspot::model_from_config(&config, &materials, stack, &trace, rows, cols)
        .map_err(Failure::input)?;

    let (steady, _) = model.steady(&trace).map_err(Failure::input)?;
    if let Some(path) = &args.grid_steady_file {
        crate::output::write_new_file(path, &model.grid_file(&steady), true)
            .map_err(Failure::Input)?;
    }
    {
        let mut stderr = std::io::stderr().lock();
        for note in &notes {
            let _ = writeln!(stderr, "note: {note}");
        }
    }
    if args.transient {
        let scheme = match args.time_scheme {
            Scheme::BackwardEuler => TimeScheme::BackwardEuler,
            Scheme::CrankNicolson => TimeScheme::CrankNicolson,
        };
        let initial = match &args.init_file {
            Some(path) => model
                .initial_from_steady_file(&name(path), &read(path, "initial temperature file")?)
                .map_err(Failure::input)?,
            None => model.uniform(settings.init_temp_k),
        };
        let (rows, _) = model
            .transient(&trace, &initial, settings.sampling_interval_s, scheme)
            .map_err(Failure::input)?;
        Ok(model.transient_file(&rows))
    } else {
        Ok(model.steady_file(&steady, settings.map_mode))
    }
}
