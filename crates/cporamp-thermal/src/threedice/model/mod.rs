//! 3D-ICE's compact thermal model on its uniform grid: conductances, capacities, sources,
//! the system matrix, steady and backward-Euler solves, and the output files.
//!
//! The equations are listed in the module documentation of [`super`].
//!
//! One submodule per step: building the grid, layers, coolant and placed floorplans
//! (`build`), the conductances of each layer kind and the capacities (`conductance`), the
//! system matrix with the coolant advection (`matrix`), sources, solves and the energy
//! balance (`solve`), and the output files (`output`).

mod build;
mod conductance;
mod matrix;
mod output;
mod solve;

pub use conductance::pin_fin_htc_w_per_um2_k;

use super::parse::{CavityModel, HeatSink, ParseError, StackFile};
use crate::network::NetworkError;

/// A problem building or solving a 3D-ICE model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// An input problem found while building (floorplan outside the chip, a floorplan element
    /// an output names that the floorplan lacks, a missing floorplan, missing powers).
    #[error(transparent)]
    Input(#[from] ParseError),
    /// The linear solver failed.
    #[error(transparent)]
    Solver(#[from] NetworkError),
}

/// What a grid layer is (3D-ICE's layer types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    /// A solid layer.
    Solid,
    /// A die's source layer (receives floorplan power).
    Source,
    /// The 4RM channel layer: odd columns are coolant, even columns wall.
    Channel4rm,
    /// The 2RM (porous) channel layer.
    Channel2rm,
    /// The pin-fin channel layer.
    PinFin {
        /// Staggered pins.
        staggered: bool,
    },
    /// The 2RM virtual wall (the solid part of the cavity, porosity removed).
    VirtualWall {
        /// Pin fins (no north-south conduction in the virtual wall).
        pinfins: bool,
    },
    /// The 2RM top wall node (no capacity, no resistance of its own).
    TopWall,
    /// The 2RM bottom wall node.
    BottomWall,
}

/// One grid layer.
#[derive(Debug, Clone, PartialEq)]
pub struct GridLayer {
    /// Type.
    pub kind: LayerKind,
    /// Height, µm.
    pub height_um: f64,
    /// Conductivity x, y, z of its material (wall material for cavity layers), W/(µm·K).
    pub conductivity_w_per_um_k: [f64; 3],
    /// Volumetric heat capacity of its material, J/(µm³·K).
    pub heat_capacity_j_per_um3_k: f64,
    /// The top-most layer under a top heat sink.
    pub to_ambient: bool,
    /// The bottom-most layer over a bottom heat sink.
    pub to_pcb: bool,
}

#[derive(Debug, Clone)]
struct Coolant {
    heat_capacity: f64,
    inlet_k: f64,
    porosity: f64,
    htc_side: f64,
    htc_top: f64,
    htc_bottom: f64,
    model: CavityModel,
    channels: usize,
}

/// A die's floorplan placed on the grid.
#[derive(Debug, Clone)]
struct PlacedFloorplan {
    /// Element names, rectangles as cell ranges `(row0, row1, col0, col1)` inclusive, power
    /// coefficients per cell (fraction of the element's power), powers per slot.
    elements: Vec<PlacedElement>,
}

#[derive(Debug, Clone)]
struct PlacedElement {
    name: String,
    ranges: Vec<(usize, usize, usize, usize)>,
    coefficients: Vec<(usize, f64)>,
    powers_w: Vec<f64>,
}

/// A stack element placed in the grid.
#[derive(Debug, Clone)]
struct PlacedElementInfo {
    name: String,
    /// Grid layer reported by outputs (die source layer, channel layer, the layer itself).
    output_layer: usize,
    floorplan: Option<usize>,
}

/// A built 3D-ICE model.
#[derive(Debug, Clone)]
pub struct Model {
    stack: StackFile,
    /// Column boundaries x, µm (`columns + 1` values).
    column_x_um: Vec<f64>,
    /// The east edge of the last column as 3D-ICE's location formula gives it (it differs
    /// from the chip length when a 4RM last wall differs from the other walls); probes use it.
    probe_end_um: f64,
    rows: usize,
    cell_width_um: f64,
    layers: Vec<GridLayer>,
    coolant: Option<Coolant>,
    top_sink: Option<HeatSink>,
    bottom_sink: Option<HeatSink>,
    floorplans: Vec<(usize, PlacedFloorplan)>,
    elements: Vec<PlacedElementInfo>,
}

/// The largest grid built (cells): the sparse LU of 3D-ICE's matrix takes about 12 kB per
/// cell at 80,000 cells and grows faster than the cell count.
pub const MAX_CELLS: usize = 2_000_000;

/// One output file: its name as written in the stack file (or `xaxis.txt`/`yaxis.txt`)
/// and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name.
    pub name: String,
    /// Contents.
    pub text: String,
}

/// Where the heat goes at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnergyBalance {
    /// Power of the floorplans, W.
    pub power_in_w: f64,
    /// Heat into the top sink, W.
    pub top_sink_w: f64,
    /// Heat into the bottom sink, W.
    pub bottom_sink_w: f64,
    /// Heat carried out by the coolant (outlet minus inlet enthalpy flow), W.
    pub coolant_w: f64,
}

/// The result of running a stack as its solver section asks.
#[derive(Debug, Clone)]
pub struct Run {
    /// Final temperatures, K, in 3D-ICE's order (layer, row, column).
    pub temperatures_k: Vec<f64>,
    /// Output files.
    pub files: Vec<OutputFile>,
    /// Time steps run (0 for steady).
    pub steps: u64,
    /// Simulated time, s.
    pub time_s: f64,
    /// Energy balance with the last slot's powers (steady: the solve).
    pub balance: EnergyBalance,
}

impl Model {
    /// Grid columns.
    #[must_use]
    pub fn columns(&self) -> usize {
        self.column_x_um.len() - 1
    }

    /// Column boundaries along x, µm (`columns + 1` values, from 0 to the chip length).
    #[must_use]
    pub fn column_boundaries_um(&self) -> &[f64] {
        &self.column_x_um
    }

    /// Grid rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Grid layers, bottom first.
    #[must_use]
    pub fn layers(&self) -> &[GridLayer] {
        &self.layers
    }

    /// Number of cells.
    #[must_use]
    pub fn cells(&self) -> usize {
        self.layers.len() * self.rows * self.columns()
    }

    /// Cell index in 3D-ICE's order.
    #[must_use]
    pub fn index(&self, layer: usize, row: usize, column: usize) -> usize {
        (layer * self.rows + row) * self.columns() + column
    }

    /// The grid layer an element's outputs report (die: its source layer; channel: its
    /// coolant layer; layer: itself), by stack element name.
    #[must_use]
    pub fn output_layer(&self, element: &str) -> Option<usize> {
        self.elements.iter().find(|e| e.name == element).map(|e| e.output_layer)
    }
}
