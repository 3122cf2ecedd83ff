//! HotSpot compatibility: HotSpot's input formats, its grid model and its block model.
//!
//! [`parse`] reads `.flp`, `.ptrace`, `-c` config, materials and `.lcf` files; [`grid`] builds
//! HotSpot's grid network from them and [`block`] its block network. [`model_from_config`]
//! puts them together the way HotSpot's `hotspot -c CONFIG -f FLP -p PTRACE
//! [-materials_file M] [-grid_layer_file LCF] [-model_type block|grid] [-detailed_3D on]`
//! does: the block model (HotSpot's default `-model_type`) on the default stack (silicon,
//! interface, spreader, sink), or the grid model on the default stack or an LCF stack (its
//! layers, any number with or without power, then spreader and sink), with HotSpot's
//! detailed 3-D cells (per-cell materials from the floorplans, TSV regions) when asked, and
//! HotSpot 7's microchannel layers (`-use_microchannels 1`: `.csv` layers in the LCF, coolant
//! pressure, heat transfer and advection, [`microchannel`]) given as [`Stack::Microchannels`].
//! [`run`] is HotSpot's command-line mode (`cporamp thermal --hotspot-config`) between reading
//! the files and printing: the options' checks, the budgets, the model and its steady state.
//!
//! HotSpot's steady temperature-leakage loop (`-leakage_used 1`) is supported (see
//! [`crate::leakage`]); as in HotSpot, transients run without it (and it is not combined with
//! microchannels).
//!
//! Not supported (each refused with a named error rather than ignored): the
//! secondary heat path (`-model_secondary 1`), the
//! detailed package model, dynamic thermal management and the config key
//! `-use_microfluidic_cooling 1` (which HotSpot itself never reads; its switch is the command
//! line's `-use_microchannels 1`). HotSpot reads `-detailed_3D` and `-use_microchannels` only
//! from its command line (such lines in a config file are ignored, by HotSpot and here);
//! callers pass them to [`model_from_config`] (the latter by the [`Stack`] variant).

pub mod block;
pub mod demand;
pub mod grid;
pub mod microchannel;
pub mod parse;
pub mod run;

use block::{BlockLayer, BlockModel};
use grid::{GridLayer, GridModel, MapMode, PackageParameters};
use parse::{Config, Floorplan, LcfLayer, Material, ParseError, PowerTrace};
use std::collections::BTreeMap;

/// Where the chip layers come from.
#[derive(Debug, Clone)]
pub enum Stack {
    /// HotSpot's default: silicon (all the power) and the thermal interface material.
    Default(Floorplan),
    /// A layer configuration file's layers, each with its floorplan.
    Lcf(Vec<(LcfLayer, Floorplan)>),
    /// A layer configuration file read with HotSpot's `-use_microchannels 1`: each layer's
    /// floorplan, or its microchannel `.csv` (see [`microchannel`]), and the materials file's
    /// fluid viscosities (for `-coolant_material`).
    Microchannels {
        /// The layers in order with their files.
        layers: Vec<(LcfLayer, LayerFile)>,
        /// Fluid name -> dynamic viscosity, Pa s ([`parse::fluid_viscosities`]).
        fluid_viscosities: BTreeMap<String, f64>,
    },
}

/// What an LCF layer's file holds.
#[derive(Debug, Clone)]
pub enum LayerFile {
    /// A floorplan (`.flp`).
    Floorplan(Floorplan),
    /// A microchannel network (`.csv`).
    Channels(microchannel::ChannelGrid),
}

/// A HotSpot case that could not be set up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CaseError {
    /// A file problem.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A model problem.
    #[error(transparent)]
    Grid(#[from] grid::GridError),
    /// A microchannel network that cannot carry coolant.
    #[error("{file}: {source}")]
    Channels {
        /// The `.csv` file.
        file: String,
        /// The failure of its pressure network.
        source: crate::network::NetworkError,
    },
    /// Microchannel layers without HotSpot's `-detailed_3D on`.
    #[error(
        "microchannel layers need the detailed 3-D model (-detailed_3D on), as HotSpot's -use_microchannels does"
    )]
    MicrochannelsWithoutDetailed3d,
    /// Detailed 3-D asked for on HotSpot's default stack.
    #[error(
        "the detailed 3-D model (-detailed_3D on) needs a layer configuration file, as in HotSpot"
    )]
    Detailed3dWithoutLcf,
}

/// Settings read from the config beyond the network itself.
#[derive(Debug, Clone, Copy)]
pub struct RunSettings {
    /// Ambient temperature, K.
    pub ambient_k: f64,
    /// Initial temperature for transients, K.
    pub init_temp_k: f64,
    /// Trace sampling interval, s.
    pub sampling_interval_s: f64,
    /// Block temperature mapping.
    pub map_mode: MapMode,
    /// HotSpot's steady temperature-leakage loop (`-leakage_used 1`).
    pub leakage: bool,
}

fn material(
    config: &Config,
    materials: &BTreeMap<String, Material>,
    part: &str,
) -> Result<Material, ParseError> {
    let key = format!("material_{part}");
    if let Some(name) = config.text(&key) {
        // HotSpot: a material name overrides k_ and p_ for that part.
        return materials.get(name).copied().ok_or_else(|| {
            config.error(
                &key,
                format!("material {name} is not in the materials file (names are case-sensitive)"),
            )
        });
    }
    Ok(Material {
        k_w_per_mk: config.positive(&format!("k_{part}"), "W/(m K)")?,
        rho_c_j_per_m3k: config.positive(&format!("p_{part}"), "J/(m^3 K)")?,
    })
}

/// What HotSpot's two models share for transients: an initial state (uniform, or from a
/// `.steady` file as `-init_file`) and a run over a trace, printed in HotSpot's layout.
pub trait HotSpotTransient {
    /// The temperature of every node.
    type State;
    /// Every node at `temperature_k`.
    fn initial_uniform(&self, temperature_k: f64) -> Self::State;
    /// Initial temperatures from a `.steady` file.
    ///
    /// # Errors
    /// [`grid::GridError::InitFile`] for a missing name or a malformed line.
    fn initial_from_file(&self, file: &str, text: &str) -> Result<Self::State, grid::GridError>;
    /// Block temperatures of the trace columns after each trace row, read from the cells
    /// with `mode` (HotSpot's `-grid_map_mode`; the block model has one node per block).
    ///
    /// # Errors
    /// [`grid::GridError::Network`] if a step fails.
    fn trace_rows(
        &self,
        trace: &PowerTrace,
        initial: &Self::State,
        interval_s: f64,
        method: block::TransientMethod,
        mode: MapMode,
    ) -> Result<Vec<Vec<f64>>, grid::GridError>;
    /// HotSpot's transient trace layout.
    fn trace_file(&self, rows: &[Vec<f64>]) -> String;
}

impl HotSpotTransient for GridModel {
    type State = grid::GridTemperatures;
    fn initial_uniform(&self, temperature_k: f64) -> Self::State {
        self.uniform(temperature_k)
    }
    fn initial_from_file(&self, file: &str, text: &str) -> Result<Self::State, grid::GridError> {
        self.initial_from_steady_file(file, text)
    }
    fn trace_rows(
        &self,
        trace: &PowerTrace,
        initial: &Self::State,
        interval_s: f64,
        method: block::TransientMethod,
        mode: MapMode,
    ) -> Result<Vec<Vec<f64>>, grid::GridError> {
        Ok(self.transient(trace, initial, interval_s, method, mode)?.0)
    }
    fn trace_file(&self, rows: &[Vec<f64>]) -> String {
        self.transient_file(rows)
    }
}

impl HotSpotTransient for BlockModel {
    type State = Vec<f64>;
    fn initial_uniform(&self, temperature_k: f64) -> Self::State {
        self.uniform(temperature_k)
    }
    fn initial_from_file(&self, file: &str, text: &str) -> Result<Self::State, grid::GridError> {
        self.initial_from_steady_file(file, text)
    }
    fn trace_rows(
        &self,
        trace: &PowerTrace,
        initial: &Self::State,
        interval_s: f64,
        method: block::TransientMethod,
        _mode: MapMode,
    ) -> Result<Vec<Vec<f64>>, grid::GridError> {
        Ok(self.transient(trace, initial, interval_s, method)?.0)
    }
    fn trace_file(&self, rows: &[Vec<f64>]) -> String {
        self.transient_file(rows)
    }
}

/// HotSpot's two models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelType {
    /// One node per block and layer (`-model_type block`, HotSpot's default).
    Block,
    /// A grid of cells per layer (`-model_type grid`).
    Grid,
}

/// The model the config asks for (`-model_type`, absent meaning HotSpot's default, block).
///
/// # Errors
/// A [`ParseError`] for another value.
pub fn model_type(config: &Config) -> Result<ModelType, ParseError> {
    match config.text("model_type") {
        None | Some("block") => Ok(ModelType::Block),
        Some("grid") => Ok(ModelType::Grid),
        Some(other) => {
            Err(config.error("model_type", format!("value {other:?}; expected block or grid")))
        }
    }
}

/// Reads the run settings (ambient, initial temperature, sampling interval, map mode).
///
/// # Errors
/// A [`ParseError`] for a missing or invalid value, or an unsupported feature switched on.
pub fn run_settings(config: &Config) -> Result<RunSettings, ParseError> {
    for (key, why) in [
        ("model_secondary", "the secondary heat path is not modelled"),
        ("package_model_used", "the detailed package model is not supported"),
        ("use_microfluidic_cooling", "microfluidic cooling is not supported"),
        ("dtm_used", "dynamic thermal management is not supported"),
    ] {
        config.require_flag(key, "0", why)?;
    }
    let map_mode = match config.text("grid_map_mode").unwrap_or("avg") {
        "avg" => MapMode::Avg,
        "min" => MapMode::Min,
        "max" => MapMode::Max,
        "center" => MapMode::Center,
        other => {
            return Err(config.error(
                "grid_map_mode",
                format!("value {other:?}; expected avg, min, max or center"),
            ));
        }
    };
    let leakage = match config.text("leakage_used").unwrap_or("0") {
        "0" => false,
        "1" => {
            config.require_flag(
                "leakage_mode",
                "0",
                "only HotSpot's user-defined leakage model (mode 0) exists; HotLeakage is not implemented in HotSpot either",
            )?;
            true
        }
        other => {
            return Err(config.error("leakage_used", format!("value {other:?}; expected 0 or 1")));
        }
    };
    Ok(RunSettings {
        leakage,
        ambient_k: config.kelvin("ambient")?,
        init_temp_k: config.kelvin("init_temp")?,
        sampling_interval_s: config.positive("sampling_intvl", "s")?,
        map_mode,
    })
}

fn package(
    config: &Config,
    materials: &BTreeMap<String, Material>,
) -> Result<PackageParameters, ParseError> {
    let spreader = material(config, materials, "spreader")?;
    let sink = material(config, materials, "sink")?;
    Ok(PackageParameters {
        spreader_side_m: config.positive("s_spreader", "m")?,
        spreader_thickness_m: config.positive("t_spreader", "m")?,
        spreader_k_w_per_mk: spreader.k_w_per_mk,
        spreader_rho_c_j_per_m3k: spreader.rho_c_j_per_m3k,
        sink_side_m: config.positive("s_sink", "m")?,
        sink_thickness_m: config.positive("t_sink", "m")?,
        sink_k_w_per_mk: sink.k_w_per_mk,
        sink_rho_c_j_per_m3k: sink.rho_c_j_per_m3k,
        r_convec_k_per_w: config.positive("r_convec", "K/W")?,
        c_convec_j_per_k: config.positive("c_convec", "J/K")?,
    })
}

/// The trace's columns as HotSpot reads them: the first power layer's blocks (as many columns
/// as its floorplan has blocks, in any order), then the next power layer's, and so on, so two
/// power layers may share a floorplan (the header then repeats its names). HotSpot refuses a
/// trace whose column count differs from the power blocks' ("no. of units in floorplan and
/// trace file differ"); a missing block would otherwise get 0 W unnoticed.
///
/// # Errors
/// A [`ParseError`] at the trace's header line naming the unknown, misplaced or repeated
/// column, the missing blocks, or the count.
pub fn check_trace_columns(
    trace: &PowerTrace,
    power_floorplans: &[&Floorplan],
) -> Result<(), ParseError> {
    let header = |field: String, message: String| ParseError {
        file: trace.file.clone(),
        line: Some(trace.header_line),
        field,
        message,
    };
    let shared = power_floorplans.len() > 1;
    let mut first = 0;
    for (share, floorplan) in power_floorplans.iter().enumerate() {
        let end = (first + floorplan.blocks.len()).min(trace.names.len());
        let mut seen = vec![false; floorplan.blocks.len()];
        for index in first..end {
            let name = &trace.names[index];
            let column = format!("column {}", index + 1);
            match floorplan.index_of(name) {
                Some(block) if !seen[block] => seen[block] = true,
                Some(_) => {
                    return Err(header(
                        column,
                        format!(
                            "block {name} appears twice among the columns of power layer {share}"
                        ),
                    ));
                }
                None if power_floorplans.iter().any(|other| other.index_of(name).is_some()) => {
                    return Err(header(
                        column,
                        format!(
                            "block {name} is not in power layer {share}'s floorplan, whose blocks HotSpot reads from columns {} to {}: order the columns power layer by power layer",
                            first + 1,
                            first + floorplan.blocks.len()
                        ),
                    ));
                }
                None => {
                    return Err(header(
                        column,
                        format!(
                            "power trace column {name} names no block of a power layer's floorplan"
                        ),
                    ));
                }
            }
        }
        let missing: Vec<&str> = floorplan
            .blocks
            .iter()
            .zip(&seen)
            .filter(|(_, seen)| !**seen)
            .map(|(block, _)| block.name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(header(
                "columns".to_string(),
                format!(
                    "no column for block{} {} of the floorplan{}; HotSpot needs one power column per block",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", "),
                    if shared { format!(" of power layer {share}") } else { String::new() },
                ),
            ));
        }
        first += floorplan.blocks.len();
    }
    if trace.names.len() != first {
        return Err(header(
            "columns".to_string(),
            format!(
                "{} columns; the power layers' floorplans have {first} blocks (HotSpot: no. of units in floorplan and trace file differ)",
                trace.names.len()
            ),
        ));
    }
    Ok(())
}

/// The die must fit the package: for the grid model die < spreader < sink (HotSpot's
/// `temperature_grid.c`), for the block model die <= spreader and die <= sink.
fn check_package(
    config: &Config,
    package: &PackageParameters,
    die_side_m: f64,
    model: ModelType,
) -> Result<(), ParseError> {
    let mm = |side_m: f64| parse::shown(side_m * 1e3);
    let (spreader_m, sink_m) = (package.spreader_side_m, package.sink_side_m);
    let (die_too_big, spreader_too_big) = match model {
        ModelType::Grid => (die_side_m >= spreader_m, spreader_m >= sink_m),
        ModelType::Block => (die_side_m > spreader_m, die_side_m > sink_m),
    };
    let needs = match model {
        ModelType::Grid => "the grid model needs die < spreader < sink",
        ModelType::Block => "the block model needs the die no larger than spreader and sink",
    };
    let describe = format!(
        "die {} mm (the floorplan's larger side), spreader {} mm, sink {} mm; {needs}",
        mm(die_side_m),
        mm(spreader_m),
        mm(sink_m)
    );
    if die_too_big {
        Err(config.error("s_spreader", describe))
    } else if spreader_too_big {
        Err(config.error("s_sink", describe))
    } else {
        Ok(())
    }
}

/// Builds HotSpot's block model of `floorplan` with the chip, interface and package of
/// `config` (`-block_omit_lateral` honoured).
///
/// # Errors
/// [`CaseError`] naming the config key, file or block at fault.
pub fn block_model_from_config(
    config: &Config,
    materials: &BTreeMap<String, Material>,
    floorplan: Floorplan,
    trace: &PowerTrace,
) -> Result<BlockModel, CaseError> {
    let layer = |part: &str, thickness_key: &str| -> Result<BlockLayer, ParseError> {
        Ok(BlockLayer {
            thickness_m: config.positive(thickness_key, "m")?,
            material: material(config, materials, part)?,
        })
    };
    let omit_lateral = match config.text("block_omit_lateral").unwrap_or("0") {
        "0" => false,
        "1" => true,
        other => {
            return Err(config
                .error("block_omit_lateral", format!("value {other:?}; expected 0 or 1"))
                .into());
        }
    };
    check_trace_columns(trace, &[&floorplan])?;
    let package = package(config, materials)?;
    check_package(config, &package, floorplan.width_m.max(floorplan.height_m), ModelType::Block)?;
    Ok(BlockModel::new(
        floorplan,
        layer("chip", "t_chip")?,
        layer("interface", "t_interface")?,
        &package,
        omit_lateral,
        config.kelvin("ambient")?,
        &trace.names,
    )?)
}

/// Builds HotSpot's grid model for `stack` with the package of `config`, at `rows` x `cols`;
/// `detailed_3d` is HotSpot's `-detailed_3D on` (see [`grid`]).
///
/// # Errors
/// [`CaseError`] naming the config key, file or block at fault.
pub fn model_from_config(
    config: &Config,
    materials: &BTreeMap<String, Material>,
    stack: Stack,
    trace: &PowerTrace,
    rows: usize,
    cols: usize,
    detailed_3d: bool,
) -> Result<GridModel, CaseError> {
    if detailed_3d && matches!(stack, Stack::Default(_)) {
        return Err(CaseError::Detailed3dWithoutLcf);
    }
    if !detailed_3d && matches!(stack, Stack::Microchannels { .. }) {
        return Err(CaseError::MicrochannelsWithoutDetailed3d);
    }
    let layers = match stack {
        Stack::Default(floorplan) => {
            let chip = material(config, materials, "chip")?;
            let interface = material(config, materials, "interface")?;
            vec![
                GridLayer {
                    prefix: String::new(),
                    thickness_m: config.positive("t_chip", "m")?,
                    k_w_per_mk: chip.k_w_per_mk,
                    rho_c_j_per_m3k: chip.rho_c_j_per_m3k,
                    lateral: true,
                    has_power: true,
                    floorplan: floorplan.clone(),
                    channels: None,
                },
                GridLayer {
                    prefix: "iface_".to_string(),
                    thickness_m: config.positive("t_interface", "m")?,
                    k_w_per_mk: interface.k_w_per_mk,
                    rho_c_j_per_m3k: interface.rho_c_j_per_m3k,
                    lateral: true,
                    has_power: false,
                    floorplan,
                    channels: None,
                },
            ]
        }
        Stack::Lcf(layers) => layers
            .into_iter()
            .map(|(layer, floorplan)| GridLayer {
                prefix: format!("layer_{}_", layer.number),
                thickness_m: layer.thickness_m,
                k_w_per_mk: layer.material.k_w_per_mk,
                rho_c_j_per_m3k: layer.material.rho_c_j_per_m3k,
                lateral: layer.lateral,
                has_power: layer.has_power,
                floorplan,
                channels: None,
            })
            .collect(),
        Stack::Microchannels { layers, fluid_viscosities } => {
            microchannel_layers(config, materials, &fluid_viscosities, layers, rows, cols)?
        }
    };
    let power_floorplans: Vec<&Floorplan> =
        layers.iter().filter(|layer| layer.has_power).map(|layer| &layer.floorplan).collect();
    check_trace_columns(trace, &power_floorplans)?;
    let package = package(config, materials)?;
    if let Some(top) = layers.first() {
        let die_side_m = top.floorplan.width_m.max(top.floorplan.height_m);
        check_package(config, &package, die_side_m, ModelType::Grid)?;
    }
    let ambient_k = config.kelvin("ambient")?;
    Ok(GridModel::new(layers, &package, rows, cols, ambient_k, &trace.names, detailed_3d)?)
}

/// The grid layers of a microchannel stack: each `.csv` layer gets its pressure field and
/// HotSpot's generated floorplan (cells of layer 0's width / `cols` by height / `rows`).
fn microchannel_layers(
    config: &Config,
    materials: &BTreeMap<String, Material>,
    fluid_viscosities: &BTreeMap<String, f64>,
    layers: Vec<(LcfLayer, LayerFile)>,
    rows: usize,
    cols: usize,
) -> Result<Vec<GridLayer>, CaseError> {
    let coolant =
        microchannel::MicrochannelConfig::from_config(config, materials, fluid_viscosities)?;
    let Some((_, LayerFile::Floorplan(die))) = layers.first() else {
        let file =
            layers.first().map(|(layer, _)| layer.floorplan_file.clone()).unwrap_or_default();
        return Err(CaseError::Parse(ParseError {
            file,
            line: layers.first().map(|(layer, _)| layer.line),
            field: "floorplan file".to_string(),
            message: "layer 0 must be a floorplan: HotSpot takes the die size from it and mis-joins a microchannel layer 0".to_string(),
        }));
    };
    let (cell_w, cell_h) = (die.width_m / cols as f64, die.height_m / rows as f64);
    let mut out = Vec::with_capacity(layers.len());
    for (layer, file) in layers {
        let (floorplan, channels) = match file {
            LayerFile::Floorplan(floorplan) => (floorplan, None),
            LayerFile::Channels(grid) => {
                if grid.rows != rows || grid.cols != cols {
                    return Err(CaseError::Parse(ParseError {
                        file: grid.file.clone(),
                        line: None,
                        field: "cells".to_string(),
                        message: format!(
                            "{} rows of {} values; the grid is {rows} x {cols} (-grid_rows, -grid_cols) and HotSpot reads one value per grid cell",
                            grid.rows, grid.cols
                        ),
                    }));
                }
                let file = grid.file.clone();
                let channels =
                    microchannel::Channels::new(grid, coolant, layer.thickness_m, cell_w, cell_h)
                        .map_err(|source| CaseError::Channels { file: file.clone(), source })?;
                let floorplan = parse::floorplan(
                    &format!("{file} (HotSpot's floorplan of its cells)"),
                    &channels.floorplan_text(),
                )?;
                (floorplan, Some(channels))
            }
        };
        out.push(GridLayer {
            prefix: format!("layer_{}_", layer.number),
            thickness_m: layer.thickness_m,
            k_w_per_mk: layer.material.k_w_per_mk,
            rho_c_j_per_m3k: layer.material.rho_c_j_per_m3k,
            lateral: layer.lateral,
            has_power: layer.has_power,
            floorplan,
            channels,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_3d;
#[cfg(test)]
mod tests_microchannel;
