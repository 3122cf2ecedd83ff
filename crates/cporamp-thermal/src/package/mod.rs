//! The co-packaged switch package on a liquid cold plate, solved with the native model.
//!
//! One file per concept, each with its equations in its module docs (private modules: read
//! them in the source; their items are re-exported here):
//!
//! - `geometry.rs`: the layout, the load and the grid check;
//! - `cold_plate.rs`: the cold plate's correlations (liquid channels, air fins), fin
//!   efficiency and energy balance;
//! - `build.rs`: the network (layers, sources, the board's secondary path), factored once,
//!   and its unit responses;
//! - `coupling.rs`: the package coupled to a 3D-ICE microchannel plate (GMRES fixed point);
//! - `results.rs`: one load and inlet by superposition of the unit responses;
//! - `transient.rs`: power and inlet histories (reduced-order model; backward Euler, the
//!   reference).

mod build;
mod cold_plate;
mod coupling;
mod geometry;
mod results;
mod transient;

#[cfg(test)]
mod tests;

pub use cold_plate::{ColdPlateModel, ColdPlateResult, cold_plate};
pub use geometry::{PackageGeometry, check_grid, package_side_mm};
pub use results::{EngineTemperature, PackageResult};
pub use transient::{PackageHistory, Varying};

use crate::native::{Model, Rect, StackError};
use crate::network::SteadySolver;
use crate::reduced::Reduced;
use crate::settings::ThermalSettings;

/// Index of the die layer in the package stack (lid, TIM, dies, substrate).
const DIE_LAYER: usize = 2;
/// Index of the substrate layer, and its sublayers.
const SUBSTRATE_LAYER: usize = 3;
const SUBSTRATE_SUBLAYERS: usize = 2;
/// The die layer's bottom sublayer: the flip-chip active side, where junctions are.
const JUNCTION_SUBLAYER: usize = 1;

/// A package that cannot be modelled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PackageError {
    /// Power and inlet histories of different lengths, or empty.
    #[error(
        "the ASIC ({asic}), engine ({engine}) and inlet ({inlet}) histories must have the same, non-zero length"
    )]
    History {
        /// ASIC history length.
        asic: usize,
        /// Engine history length.
        engine: usize,
        /// Inlet history length.
        inlet: usize,
    },
    /// Engines that cannot be placed four-fold around the die.
    #[error(
        "{n_engines} optical engines cannot be placed evenly on four sides; expected a multiple of 4"
    )]
    EngineCount {
        /// The count.
        n_engines: usize,
    },
    /// A grid too coarse for a die: no cell centre falls inside it.
    #[error(
        "thermal.grid_cells = {cells} is too coarse: the {die} ({width_mm:.2} mm wide) holds no cell centre; raise grid_cells or enlarge the die"
    )]
    GridTooCoarse {
        /// Which die.
        die: String,
        /// Its smaller side, mm.
        width_mm: f64,
        /// Cells per side.
        cells: usize,
    },
    /// Flow outside the correlations' validity.
    #[error("thermal.cold_plate: {0}")]
    Correlation(String),
    /// A microchannel plate that cannot be built or solved.
    #[error("thermal.cold_plate (kind = \"microchannel_4rm\"): {0}")]
    Plate(String),
    /// The model failed.
    #[error(transparent)]
    Stack(#[from] StackError),
}

/// A package discretised and factored once; every load and inlet is then a superposition
/// of two unit responses (1 W in the ASIC, 1 W in every engine), because the network is
/// linear and the cold plate's h does not depend on the power.
pub struct PackageModel {
    side_mm: f64,
    engines: Vec<Rect>,
    dies: Vec<Rect>,
    model: Model,
    /// Rise per W of ASIC power and per W of power in every engine, K.
    response_asic: Vec<f64>,
    response_engines: Vec<f64>,
    /// Rise per K of board air above the coolant, K/K.
    response_board: Vec<f64>,
    /// Each node's conductance to the board air (the underside), W/K.
    board_w_per_k: Vec<f64>,
    /// The nodes with a conductance to the coolant or the board air (every other node's
    /// heat flow term is exactly 0).
    exchange_nodes: Vec<usize>,
    settings: ThermalSettings,
    /// The junction nodes of the ASIC and of each engine, in `region_stats` order.
    asic_nodes: Vec<usize>,
    engine_nodes: Vec<Vec<usize>>,
    /// The factored steady state (the reduced model's Krylov blocks solve with it).
    solver: SteadySolver,
    /// Reduced models kept by [`PackageModel::prepare_history`], by step (bits) and inputs.
    reduced: Vec<(u64, Varying, Reduced)>,
    /// With a microchannel plate: the fluid fields the lid sees ([`crate::channel_plate`]).
    fluid: Option<FluidFields>,
}

/// The virtual fluid temperature above the inlet on every node's plate conductance (0 off
/// the lid's top), K, per W in the ASIC, per W in every engine and per K of board air above
/// the inlet; the responses of [`PackageModel`] are then rises above the inlet.
struct FluidFields {
    asic: Vec<f64>,
    engines: Vec<f64>,
    board: Vec<f64>,
    /// The plate's effective coefficient on the lid (interface, base and walls to the mean
    /// coolant under a uniform flux), W/(m² K).
    h_effective_w_per_m2k: f64,
    /// $\rho c_p Q$, W/K.
    capacity_flow_w_per_k: f64,
}
