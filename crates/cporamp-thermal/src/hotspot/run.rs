//! HotSpot's command-line mode (`cporamp thermal --hotspot-config`), between reading HotSpot's
//! files and printing what it prints: which model the options and the config ask for, the
//! run settings, the checks of the options against each other and against the CPU-time and
//! memory budgets, and the model with its steady state. The caller reads every file (the
//! config, materials, power trace, floorplans or layer files, initial temperatures), prints
//! the notes, writes the grid steady file and runs the transient.

use super::demand::{HotSpotRun, hotspot_demand};
use cporamp_core::resources::{human_bytes, human_cpu};

use super::block::{BlockModel, TransientMethod};
use super::grid::{self, GridError, GridModel, GridTemperatures};
use super::parse::{Config, Material, ParseError, PowerTrace};
use super::{CaseError, ModelType, RunSettings, Stack};
use crate::network::TimeScheme;
use std::collections::BTreeMap;

/// A time scheme asked for on the command line (`--time-scheme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestedScheme {
    /// One backward-Euler step per sampling interval.
    BackwardEuler,
    /// Crank-Nicolson, one step per sampling interval.
    CrankNicolson,
    /// HotSpot's adaptive fourth-order Runge-Kutta.
    Rk4,
}

/// What a HotSpot-mode run is asked besides its files (the command line's options).
#[derive(Debug, Clone, PartialEq)]
pub struct RunRequest {
    /// `--model-type`: "block" or "grid" (anything else is refused).
    pub model_type: Option<String>,
    /// `--grid-rows`.
    pub grid_rows: Option<usize>,
    /// `--grid-cols`.
    pub grid_cols: Option<usize>,
    /// A grid steady file is to be written (`--grid-steady-file`).
    pub grid_steady_file: bool,
    /// A layer configuration file is given (`--lcf`).
    pub lcf: bool,
    /// `--transient`.
    pub transient: bool,
    /// `--time-scheme`.
    pub time_scheme: Option<RequestedScheme>,
    /// `--detailed-3d`: `Some(true)` for on, `Some(false)` for off.
    pub detailed_3d: Option<bool>,
    /// `--use-microchannels`.
    pub use_microchannels: bool,
    /// CPU-time budget of the run (`--max-cpu-hours`), s.
    pub cpu_budget_s: f64,
    /// Memory budget of the run (`--max-memory`), bytes.
    pub memory_budget_bytes: f64,
}

/// Why a HotSpot-mode run stops.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A config problem.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A model problem.
    #[error(transparent)]
    Case(#[from] CaseError),
    /// A solver problem.
    #[error(transparent)]
    Grid(#[from] GridError),
    /// Options that do not go together, or a run over its budget.
    #[error("{0}")]
    Refused(String),
}

/// Sets the config's model type and grid size from the options (`--model-type`, or the grid
/// options, which imply the grid model as HotSpot's run scripts do) and returns the model
/// type, adding a note to `notes` for every choice the user did not spell out.
pub fn settle_model(
    config: &mut Config,
    request: &RunRequest,
    notes: &mut Vec<String>,
) -> Result<ModelType, RunError> {
    match request.model_type.as_deref() {
        Some(kind @ ("grid" | "block")) => config.set("model_type", kind),
        Some(other) => {
            return Err(RunError::Refused(format!("--model-type {other}: expected block or grid")));
        }
        None => {
            let grid_options = request.grid_rows.is_some()
                || request.grid_cols.is_some()
                || request.grid_steady_file
                || request.lcf;
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
    let model_type = super::model_type(config)?;
    if model_type == ModelType::Block && request.model_type.is_none() {
        notes.push(
            "building HotSpot's block model, as the config's -model_type asks; --model-type grid or --grid-rows/--grid-cols build the grid model".to_string(),
        );
    }
    if let Some(rows) = request.grid_rows {
        config.set("grid_rows", &rows.to_string());
    }
    if let Some(cols) = request.grid_cols {
        config.set("grid_cols", &cols.to_string());
    }
    Ok(model_type)
}

/// The run settings of `config`, with a note when the leakage loop is skipped (transients
/// run without it, as in HotSpot).
pub fn settings(
    config: &Config,
    request: &RunRequest,
    notes: &mut Vec<String>,
) -> Result<RunSettings, RunError> {
    let settings = super::run_settings(config)?;
    if settings.leakage && request.transient {
        notes.push(
            "-leakage_used 1: as in HotSpot, the transient runs without the leakage loop"
                .to_string(),
        );
    }
    Ok(settings)
}

/// How the transient is integrated: `--time-scheme`, else HotSpot's RK4 for the block model
/// and backward Euler for the grid model.
#[must_use]
pub fn transient_method(request: &RunRequest, model_type: ModelType) -> TransientMethod {
    match (request.time_scheme, model_type) {
        (Some(RequestedScheme::BackwardEuler), _) => {
            TransientMethod::Fixed(TimeScheme::BackwardEuler)
        }
        (Some(RequestedScheme::CrankNicolson), _) => {
            TransientMethod::Fixed(TimeScheme::CrankNicolson)
        }
        (Some(RequestedScheme::Rk4), _) | (None, ModelType::Block) => TransientMethod::HotSpotRk4,
        (None, ModelType::Grid) => TransientMethod::Fixed(TimeScheme::BackwardEuler),
    }
}

/// What a HotSpot-mode run built.
pub enum Solved {
    /// The block model's steady temperatures, in HotSpot's steady file layout (no transient).
    BlockSteady(String),
    /// The block model, for a transient.
    Block(BlockModel),
    /// The grid model with its steady state (the initial state of a transient's grid file).
    Grid {
        /// The model (boxed: it is much larger than the block model).
        model: Box<GridModel>,
        /// Its steady temperatures.
        steady: GridTemperatures,
    },
}

/// Everything a run needs besides its request: the settled config, its model type and
/// settings, the materials, the stack and the power trace.
pub struct RunCase<'a> {
    /// The config, with the options applied ([`settle_model`]).
    pub config: &'a Config,
    /// Its model type.
    pub model_type: ModelType,
    /// Its run settings ([`settings`]).
    pub settings: &'a RunSettings,
    /// The materials file's materials.
    pub materials: &'a BTreeMap<String, Material>,
    /// The package stack.
    pub stack: Stack,
    /// The power trace.
    pub trace: &'a PowerTrace,
}

/// Checks the options against the model and the budgets, builds the model and solves its
/// steady state (the block model's only when no transient is asked).
pub fn solve(case: RunCase<'_>, request: &RunRequest) -> Result<Solved, RunError> {
    let method = transient_method(request, case.model_type);
    if request.use_microchannels
        && (case.model_type != ModelType::Grid || request.detailed_3d != Some(true))
    {
        return Err(RunError::Refused(
            "--use-microchannels needs the grid model and --detailed-3d on, as HotSpot's -use_microchannels 1 does"
                .to_string(),
        ));
    }
    if case.model_type == ModelType::Grid {
        return solve_grid(case, request, method);
    }
    if request.detailed_3d == Some(true) {
        return Err(RunError::Refused(
            "--detailed-3d on needs the grid model (--model-type grid), as HotSpot's -detailed_3D does"
                .to_string(),
        ));
    }
    let RunCase { config, settings, materials, stack, trace, .. } = case;
    let Stack::Default(floorplan) = stack else {
        return Err(RunError::Refused(
            "a layer configuration file (--lcf) needs the grid model (--model-type grid or -model_type grid)"
                .to_string(),
        ));
    };
    if request.grid_steady_file {
        return Err(RunError::Refused(
            "--grid-steady-file needs the grid model (--model-type grid)".to_string(),
        ));
    }
    // Four layers per block (silicon, interface, spreader, sink) and the package.
    let run = HotSpotRun {
        nodes: 4.0 * floorplan.blocks.len() as f64 + 12.0,
        cells_per_side: 0.0,
        direct: true,
        leakage: settings.leakage,
        transient_rows: if request.transient { trace.rows.len() } else { 0 },
        interval_s: settings.sampling_interval_s,
        rk4: method == TransientMethod::HotSpotRk4,
    };
    check_cpu(request, &run)?;
    let model = super::block_model_from_config(config, materials, floorplan, trace)?;
    if !request.transient {
        let (steady, _) =
            if settings.leakage { model.steady_with_leakage(trace) } else { model.steady(trace) }?;
        return Ok(Solved::BlockSteady(model.steady_file(&steady)));
    }
    Ok(Solved::Block(model))
}

/// The grid model: checks the stack and the memory and CPU-time budgets, builds the model and
/// solves its steady state.
fn solve_grid(
    case: RunCase<'_>,
    request: &RunRequest,
    method: TransientMethod,
) -> Result<Solved, RunError> {
    let RunCase { config, settings, materials, stack, trace, .. } = case;
    let detailed_3d = request.detailed_3d == Some(true);
    if detailed_3d && matches!(stack, Stack::Default(_)) {
        return Err(RunError::Refused(
            "--detailed-3d on needs a layer configuration file (--lcf), as HotSpot's -detailed_3D does"
                .to_string(),
        ));
    }
    let count = |key: &str| -> Result<usize, RunError> {
        let value = config.positive(key, "cells")?;
        if value.fract() == 0.0 {
            Ok(value as usize)
        } else {
            Err(config
                .error(key, format!("value {value}; expected a whole number of cells"))
                .into())
        }
    };
    let (rows, cols) = (count("grid_rows")?, count("grid_cols")?);
    let chip_layers = match &stack {
        Stack::Default(_) => 2,
        Stack::Lcf(layers) => layers.len(),
        Stack::Microchannels { layers, .. } => layers.len(),
    };
    let estimate = grid::memory_estimate_bytes(rows, cols, chip_layers);
    let budget = request.memory_budget_bytes;
    if estimate > budget {
        return Err(RunError::Refused(format!(
            "a {rows} x {cols} grid of {} layers needs about {} of memory \
             ({} B per node); the budget is {} (--max-memory): use a coarser grid \
             (--grid-rows, --grid-cols) or raise --max-memory",
            chip_layers + 2,
            human_bytes(estimate),
            grid::BYTES_PER_NODE,
            human_bytes(budget)
        )));
    }
    let run = HotSpotRun {
        nodes: rows as f64 * cols as f64 * (chip_layers + 2) as f64 + 12.0,
        cells_per_side: (rows as f64 * cols as f64).sqrt(),
        direct: rows * cols <= grid::DIRECT_SOLVE_MAX_CELLS,
        leakage: settings.leakage,
        transient_rows: if request.transient { trace.rows.len() } else { 0 },
        interval_s: settings.sampling_interval_s,
        rk4: method == TransientMethod::HotSpotRk4,
    };
    check_cpu(request, &run)?;
    let model = super::model_from_config(config, materials, stack, trace, rows, cols, detailed_3d)?;
    let (steady, _) = if settings.leakage {
        model.steady_with_leakage(trace, settings.map_mode)
    } else {
        model.steady(trace)
    }?;
    Ok(Solved::Grid { model: Box::new(model), steady })
}

/// Refuses a run whose estimated CPU time exceeds the budget, as the scenario commands do,
/// naming the estimate and what drives it.
fn check_cpu(request: &RunRequest, run: &HotSpotRun) -> Result<(), RunError> {
    let demand = hotspot_demand(run);
    let budget = request.cpu_budget_s;
    if demand.cpu_s > budget {
        return Err(RunError::Refused(format!(
            "CPU time of a run: about {} ({}: {}); the budget is {} (--max-cpu-hours): use a \
             coarser grid (--grid-rows, --grid-cols), a shorter trace, or raise --max-cpu-hours",
            human_cpu(demand.cpu_s),
            demand.field,
            demand.what,
            human_cpu(budget)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hotspot::parse;

    /// A request with nothing asked and unlimited budgets.
    fn request() -> RunRequest {
        RunRequest {
            model_type: None,
            grid_rows: None,
            grid_cols: None,
            grid_steady_file: false,
            lcf: false,
            transient: false,
            time_scheme: None,
            detailed_3d: None,
            use_microchannels: false,
            cpu_budget_s: f64::INFINITY,
            memory_budget_bytes: f64::INFINITY,
        }
    }

    #[test]
    fn grid_options_imply_the_grid_model_and_say_so() {
        let mut config = parse::config("c.config", "-model_type block\n").unwrap();
        let mut notes = Vec::new();
        let asked = RunRequest { grid_rows: Some(8), grid_cols: Some(4), ..request() };
        let model_type = settle_model(&mut config, &asked, &mut notes).unwrap();
        assert_eq!(model_type, ModelType::Grid);
        assert_eq!(config.text("grid_rows"), Some("8"));
        assert_eq!(config.text("grid_cols"), Some("4"));
        assert_eq!(notes.len(), 1);
        assert!(notes[0].starts_with("grid options given"), "{notes:?}");
    }

    #[test]
    fn the_config_s_block_model_is_noted_and_an_unknown_model_type_refused() {
        let mut config = parse::config("c.config", "-model_type block\n").unwrap();
        let mut notes = Vec::new();
        let model_type = settle_model(&mut config, &request(), &mut notes).unwrap();
        assert_eq!(model_type, ModelType::Block);
        assert!(notes[0].starts_with("building HotSpot's block model"), "{notes:?}");
        let asked = RunRequest { model_type: Some("mesh".to_string()), ..request() };
        let error = settle_model(&mut config, &asked, &mut notes).unwrap_err();
        assert_eq!(error.to_string(), "--model-type mesh: expected block or grid");
    }

    #[test]
    fn transients_default_to_rk4_for_blocks_and_backward_euler_for_grids() {
        let none = request();
        assert_eq!(transient_method(&none, ModelType::Block), TransientMethod::HotSpotRk4);
        assert_eq!(
            transient_method(&none, ModelType::Grid),
            TransientMethod::Fixed(TimeScheme::BackwardEuler)
        );
        let asked = RunRequest { time_scheme: Some(RequestedScheme::CrankNicolson), ..request() };
        assert_eq!(
            transient_method(&asked, ModelType::Block),
            TransientMethod::Fixed(TimeScheme::CrankNicolson)
        );
    }
}
