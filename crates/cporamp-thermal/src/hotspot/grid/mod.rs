//! HotSpot's grid model, built as HotSpot builds it (uvahotspot/HotSpot
//! `temperature_grid.c`, and the package resistances of `temperature.c`).
//!
//! The die (the floorplan's bounding box, $W \times H$) is cut into `rows` x `cols` cells of
//! $c_w = W/\text{cols}$ by $c_h = H/\text{rows}$. The grid layers are the chip layers (the
//! default silicon and interface, or every layer of a layer configuration file, any number of
//! them with or without power and lateral flow), then the spreader and the sink, each with
//! one node per cell. A layer $l$ (thickness $t_l$, conductivity $k_l$, volumetric heat
//! capacity $\rho c_l$) has HotSpot's three cell resistances and capacitance
//!
//! $$r_x = \frac{c_w}{k_l c_h t_l},\quad r_y = \frac{c_h}{k_l c_w t_l},\quad
//!   r_z = \frac{t_l}{k_l c_w c_h},\quad C = 0.333\thinspace\rho c_l\thinspace t_l c_w c_h$$
//!
//! ($0.333$ is HotSpot's `C_FACTOR`; $r_x = r_y = \infty$ for a layer without lateral flow).
//! The sink's $r_z$ also carries its cell's share of the convection,
//! $r_z^\text{sink} = t_s/(k_s c_w c_h) + r_\text{convec} s_\text{sink}^2/(c_w c_h)$, and its
//! $C$ adds $0.333\thinspace c_\text{convec} c_w c_h/s_\text{sink}^2$. HotSpot's `find_res` joins
//! neighbours as follows, which this module reproduces:
//!
//! - **north-south** neighbours (rows $i$, $i+1$) through $r_x/2 + r_x/2$ and **east-west**
//!   neighbours through $r_y/2 + r_y/2$: HotSpot swaps the two against the cell's geometry,
//!   which is invisible on square cells and moves blocks by up to 2.3 K on example2's die at
//!   32 x 64 cells (checked against HotSpot's output there);
//! - default network: a cell to the one below through $r_z$ of the **upper** layer alone (the
//!   full thickness, no half-cell split: HotSpot's network, not a converged finite-volume
//!   discretisation);
//! - sink cells to ambient through $r_z^\text{sink}$.
//!
//! **Detailed 3-D** (HotSpot's `-detailed_3D on`, with a layer configuration file): every chip
//! cell gets its own $r_x, r_y, r_z, C$ from the blocks of its layer's floorplan
//! (`set_bgmap`, `new_blist`, `blist_append`). A block has resistivity $\varrho_b$ and
//! specific heat $\rho c_b$ from the floorplan's sixth and seventh columns (TSV regions,
//! heterogeneous materials), else the layer's. Let $r^b_\ast$ be the resistances of a cell full
//! of block $b$ (the formulas above with $k = 1/\varrho_b$) and $C^b$ its capacitance. Going
//! through the blocks in floorplan order and, within a block, over the cells its rectangle
//! touches, with occupancy $o$ = overlap area / cell area (1 for the cells strictly inside
//! the touched range; overlaps within $10^{-6}$ of 0 or a whole cell side snapped to it):
//!
//! - a cell touched first gets $r_\ast= r^b_\ast$ and is **locked** if $o \ge 0.95$
//!   (HotSpot's `OCCUPANCY_THRESHOLD`), otherwise $1/r_\ast= o/r^b_\ast$;
//! - a cell touched again, if not locked: $r_\ast= r^b_\ast$ and locked if $o \ge 0.95$,
//!   otherwise $1/r_\ast\mathrel{+}= o/r^b_\ast$ (conductances added in parallel by
//!   occupancy); a locked cell keeps its first full block;
//! - $C$ is the locking block's $C^b$ for a locked cell and the layer's $C$ otherwise.
//!
//! The spreader and sink keep their layer values. The joins become: lateral neighbours
//! through $r_x(i,j)/2 + r_x(i+1,j)/2$ (north-south) and $r_y(i,j)/2 + r_y(i,j+1)/2$
//! (east-west), with each chip cell's own values (so a chip layer marked without lateral
//! flow still conducts laterally, as in HotSpot); vertically, layer 0 to layer 1 through
//! $r_z^{(0)} + r_z^{(1)}/2$ and every other pair $n, n+1$ through
//! $r_z^{(n)}/2 + r_z^{(n+1)}/2$, including the last chip layer to the spreader and the
//! spreader to the sink (whose $r_z^\text{sink}$ holds the convection, so half of it sits
//! between spreader and sink). HotSpot needs every chip cell under some block in this mode
//! (it dereferences each cell's block list); an uncovered cell is refused by name.
//!
//! The spreader and sink layers cover only the die footprint; their parts outside it are 12
//! lumped nodes (`inode_0..11`: SP_W, SP_E, SP_N, SP_S, SINK_C_W/E/N/S, SINK_W/E/N/S), wired
//! with the resistances of HotSpot's `populate_package_R` (`Rim` below); edge cells reach
//! them through $r_x/2 + \text{rows}\cdot r_{1,x}$ (west, east) and
//! $r_y/2 + \text{cols}\cdot r_{1,y}$ (north, south) with the layer's own $r_x, r_y$. Row 0
//! is the top (north) edge.
//!
//! Power: a block's power is spread uniformly over its area; each cell of a power layer
//! receives the block power times the overlap area over the block area. The trace's columns
//! are read layer by layer, as HotSpot reads them: the first power layer's blocks (in any
//! order), then the next power layer's. A block's temperature is read from the cells its
//! rectangle touches, rows `rows - ceil(top/ch) .. rows - floor(bottom/ch)` and columns
//! `floor(left/cw) .. ceil(right/cw)` (end exclusive, with HotSpot's 1e-6 snapping): `avg`
//! is their unweighted mean, `min` and `max` their extremes, and `center` the mean of the
//! four cells $(c_1, c_2) \times (d_1, d_2)$ with $c_1 = \lfloor (i_1 + i_2)/2 \rfloor$,
//! $c_2 = c_1 - 1$ if the range has an even number of rows and $c_1$ otherwise (columns
//! alike), HotSpot's `xlate_temp_g2b`. Transient traces are read with the same mode.
//!
//! Steady state solves the network exactly (sparse Cholesky); HotSpot's default build
//! iterates multigrid Gauss-Seidel (plain Gauss-Seidel in detailed 3-D mode) until no node
//! moves by 1e-6 K in a sweep, which leaves its printed values a few thousandths of a kelvin
//! above the converged network; its SuperLU build solves exactly.
//! Transients either take one implicit step per trace row (HotSpot's SuperLU build: backward
//! Euler, one step per sampling interval; Crank-Nicolson is offered as well) or integrate
//! each row with HotSpot's adaptive RK4 (its default build), see [`TransientMethod`]. The RK4
//! interval loop is the block model's (`compute_temp_block`); HotSpot's grid build ends each
//! interval with one remainder step instead, which can differ within RK4's 0.01 K tolerance.
//!
//! A layer with HotSpot 7's microchannels (see [`super::microchannel`]) changes the joins of
//! its coolant cells to solid neighbours and adds the coolant's advection, which makes the
//! network non-symmetric: the model then solves it by sparse LU, in steady state and for each
//! backward-Euler step (HotSpot's SuperLU build, the only one that runs microchannels).

use super::block::TransientMethod;
use super::microchannel::{self, Channels};
use super::parse::{Floorplan, PowerTrace};
use crate::network::{Network, NetworkBuilder, NetworkError, TimeScheme};
use faer::sparse::Triplet;

mod error;
mod mapping;
mod network;
mod output;
mod package;
mod solve;
mod transient;

pub use error::GridError;
use mapping::*;
pub(super) use network::getr;
use network::*;
pub(super) use package::{Rim, SteadyValues, trace_text};

/// HotSpot's lumped-versus-distributed capacitance fitting factor.
pub const C_FACTOR: f64 = 0.333;

/// Cells per layer above which steady states are solved by multigrid-preconditioned CG
/// instead of sparse Cholesky (chosen by the benchmark in BENCHMARKS.md).
pub const DIRECT_SOLVE_MAX_CELLS: usize = 64 * 64;

/// Memory the grid model holds per node (conductances, the multigrid hierarchy, CG vectors,
/// block maps), bytes: measured peak resident memory of `cporamp thermal` on HotSpot's
/// example2 (4 grid layers) was 117 MB at 256², 449 MB at 512² and 6.9 GB at 2048² when
/// this was set; the structured multigrid has since cut the 512² steady state to 66 MB
/// (about 60 B per node). The estimate keeps the old, larger value: a transient's
/// backward-Euler factor needs more than the steady state.
pub const BYTES_PER_NODE: f64 = 450.0;

/// Estimated peak memory of a `rows` x `cols` grid model of `chip_layers` chip layers (plus
/// spreader and sink), bytes: [`BYTES_PER_NODE`] per node and 50 MB for the rest.
#[must_use]
pub fn memory_estimate_bytes(rows: usize, cols: usize, chip_layers: usize) -> f64 {
    let nodes = rows as f64 * cols as f64 * (chip_layers + 2) as f64;
    nodes * BYTES_PER_NODE + 50e6
}

/// Names of the 12 package nodes in `inode_*` order.
pub const PACKAGE_NODES: [&str; 12] = [
    "SP_W", "SP_E", "SP_N", "SP_S", "SINK_C_W", "SINK_C_E", "SINK_C_N", "SINK_C_S", "SINK_W",
    "SINK_E", "SINK_N", "SINK_S",
];

/// One grid layer of the stack (the chip layers; spreader and sink are added by the model).
#[derive(Debug, Clone)]
pub struct GridLayer {
    /// Prefix of this layer's block names in `.steady` output (`""`, `iface_`, `layer_2_`).
    pub prefix: String,
    /// Thickness, m.
    pub thickness_m: f64,
    /// Conductivity, W/(m K).
    pub k_w_per_mk: f64,
    /// Volumetric heat capacity, J/(m³ K).
    pub rho_c_j_per_m3k: f64,
    /// Lateral heat flow.
    pub lateral: bool,
    /// Whether the layer dissipates the trace's power.
    pub has_power: bool,
    /// Floorplan mapped onto this layer (for a microchannel layer, HotSpot's generated
    /// one-block-per-cell floorplan, [`Channels::floorplan_text`]).
    pub floorplan: Floorplan,
    /// HotSpot 7's microchannels in this layer (detailed 3-D only), see
    /// [`super::microchannel`].
    pub channels: Option<Channels>,
}

/// The package below the chip layers: spreader, sink and convection.
#[derive(Debug, Clone, Copy)]
pub struct PackageParameters {
    /// Spreader side, m.
    pub spreader_side_m: f64,
    /// Spreader thickness, m.
    pub spreader_thickness_m: f64,
    /// Spreader conductivity, W/(m K).
    pub spreader_k_w_per_mk: f64,
    /// Spreader volumetric heat capacity, J/(m³ K).
    pub spreader_rho_c_j_per_m3k: f64,
    /// Sink side, m.
    pub sink_side_m: f64,
    /// Sink base thickness, m.
    pub sink_thickness_m: f64,
    /// Sink conductivity, W/(m K).
    pub sink_k_w_per_mk: f64,
    /// Sink volumetric heat capacity, J/(m³ K).
    pub sink_rho_c_j_per_m3k: f64,
    /// Lumped convection resistance of the whole sink, K/W.
    pub r_convec_k_per_w: f64,
    /// Lumped convection capacitance, J/K.
    pub c_convec_j_per_k: f64,
}

/// How a block's temperature is taken from its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapMode {
    /// Mean of the touched cells.
    Avg,
    /// Minimum.
    Min,
    /// Maximum.
    Max,
    /// Mean of the (up to 4) centre cells.
    Center,
}

/// The grid model: the network plus the maps between blocks and cells.
pub struct GridModel {
    layers: Vec<GridLayer>,
    rows: usize,
    cols: usize,
    /// The network; above [`DIRECT_SOLVE_MAX_CELLS`] cells per layer it is built only when
    /// asked for (transients, energy checks): a steady state needs only `operator`.
    network: std::sync::OnceLock<Network>,
    /// The network's conductances in the grid's structure, for the multigrid steady solve of
    /// large grids (32 bytes per cell, where the network takes 64 per node).
    operator: Option<crate::multigrid::GridOperator>,
    package: PackageParameters,
    detailed_3d: bool,
    /// Per layer, per block: touched cells.
    block_cells: Vec<Vec<BlockCells>>,
    /// Trace column -> (layer, block).
    columns: Vec<(usize, usize)>,
    column_names: Vec<String>,
    ambient_k: f64,
    /// The coolant's advection (every microchannel layer's), when a layer has microchannels.
    advection: Option<Advection>,
}

/// The advection terms of the microchannel layers in the network $G\thinspace T = P$ (see
/// [`super::microchannel`]).
type Advection = microchannel::AdvectionTerms;

/// Temperatures of every node, K.
#[derive(Debug, Clone)]
pub struct GridTemperatures {
    /// Per layer, row-major cells (row 0 on top).
    pub cells_k: Vec<Vec<f64>>,
    /// The 12 package nodes in `inode_*` order.
    pub package_k: Vec<f64>,
}

impl GridModel {
    /// Builds HotSpot's grid network for `layers` (top first; at least one) above a spreader
    /// and a sink, for the trace columns `column_names`; `detailed_3d` is HotSpot's
    /// `-detailed_3D on` (per-cell materials from each layer's floorplan, see the module docs).
    ///
    /// The trace's columns are read as HotSpot reads them: the first columns belong to the
    /// first power layer (as many as its floorplan has blocks, in any order), the next ones to
    /// the next power layer, and so on, so two power layers may share a floorplan.
    ///
    /// # Errors
    /// [`GridError`] for inconsistent sizes, an unknown column or an unusable grid.
    #[allow(clippy::too_many_arguments, reason = "HotSpot's grid inputs, one value each")]
    pub fn new(
        layers: Vec<GridLayer>,
        package: &PackageParameters,
        rows: usize,
        cols: usize,
        ambient_k: f64,
        column_names: &[String],
        detailed_3d: bool,
    ) -> Result<GridModel, GridError> {
        check_grid_size(rows, cols)?;
        let (width_m, height_m) = die_size(&layers, package)?;
        let (cell_w, cell_h) = (width_m / cols as f64, height_m / rows as f64);
        let block_cells = map_blocks(&layers, rows, cols, cell_w, cell_h)?;
        let columns = trace_columns(&layers, column_names)?;
        let advection = advection_of(&layers, rows, cols, detailed_3d)?;
        let layout = crate::multigrid::GridLayout { layers: layers.len() + 2, rows, cols };
        let bad_grid = |message| GridError::BadGrid { rows, cols, message };
        // A large grid's steady state needs only the structured operator, built directly
        // (HotSpot's grid keeps per-layer values in the same way); its network waits for a
        // transient or an energy check.
        let (network, operator) = if rows * cols > DIRECT_SOLVE_MAX_CELLS && advection.is_none() {
            let mut builder = crate::multigrid::GridOperatorBuilder::new(layout);
            build_die_network(&layers, package, rows, cols, detailed_3d, &mut builder)
                .map_err(bad_grid)?;
            (std::sync::OnceLock::new(), Some(builder.finish()?))
        } else {
            let mut network = Network::default();
            build_die_network(&layers, package, rows, cols, detailed_3d, &mut network)
                .map_err(bad_grid)?;
            (std::sync::OnceLock::from(network), None)
        };
        Ok(GridModel {
            layers,
            rows,
            cols,
            network,
            operator,
            package: *package,
            detailed_3d,
            block_cells,
            columns,
            column_names: column_names.to_vec(),
            ambient_k,
            advection,
        })
    }

    /// Whether a layer has microchannels (the network is then solved with its advection).
    #[must_use]
    pub fn has_microchannels(&self) -> bool {
        self.advection.is_some()
    }

    /// The network (for energy checks and transients; rebuilt on first use for a large grid).
    #[must_use]
    pub fn network(&self) -> &Network {
        self.network.get_or_init(|| {
            let mut network = Network::default();
            build_die_network(
                &self.layers,
                &self.package,
                self.rows,
                self.cols,
                self.detailed_3d,
                &mut network,
            )
            .expect("the same network built without error in GridModel::new");
            network
        })
    }

    /// Number of nodes: every cell of every grid layer, then the package nodes.
    fn n_nodes(&self) -> usize {
        self.n_grid_layers() * self.n_cells() + PACKAGE_NODES.len()
    }

    /// Number of grid layers including spreader and sink.
    #[must_use]
    pub fn n_grid_layers(&self) -> usize {
        self.layers.len() + 2
    }

    fn n_cells(&self) -> usize {
        self.rows * self.cols
    }

    fn temperatures(&self, rise: &[f64]) -> GridTemperatures {
        let n_cells = self.n_cells();
        let n_layers = self.n_grid_layers();
        GridTemperatures {
            cells_k: (0..n_layers)
                .map(|layer| {
                    rise[layer * n_cells..(layer + 1) * n_cells]
                        .iter()
                        .map(|theta| theta + self.ambient_k)
                        .collect()
                })
                .collect(),
            package_k: rise[n_layers * n_cells..]
                .iter()
                .map(|theta| theta + self.ambient_k)
                .collect(),
        }
    }
}

/// Refuses a grid with no cell or more than 4096 rows or columns.
fn check_grid_size(rows: usize, cols: usize) -> Result<(), GridError> {
    if rows == 0 || cols == 0 || rows > 4096 || cols > 4096 {
        return Err(GridError::BadGrid {
            rows,
            cols,
            message: "rows and columns must be between 1 and 4096".to_string(),
        });
    }
    Ok(())
}

/// The die's width and height, m (layer 0's floorplan), after checking that every layer's
/// floorplan has its size and that the die fits in the spreader and the spreader in the sink.
fn die_size(layers: &[GridLayer], package: &PackageParameters) -> Result<(f64, f64), GridError> {
    let die = &layers[0].floorplan;
    let (width_m, height_m) = (die.width_m, die.height_m);
    for (index, layer) in layers.iter().enumerate() {
        if (layer.floorplan.width_m - width_m).abs() > 1e-6
            || (layer.floorplan.height_m - height_m).abs() > 1e-6
        {
            return Err(GridError::LayerSizeMismatch {
                layer: index,
                width_mm: layer.floorplan.width_m * 1e3,
                height_mm: layer.floorplan.height_m * 1e3,
                die_width_mm: width_m * 1e3,
                die_height_mm: height_m * 1e3,
            });
        }
    }
    let die_side = width_m.max(height_m);
    if die_side >= package.spreader_side_m || package.spreader_side_m >= package.sink_side_m {
        return Err(GridError::PackageTooSmall {
            die_mm: die_side * 1e3,
            spreader_mm: package.spreader_side_m * 1e3,
            sink_mm: package.sink_side_m * 1e3,
        });
    }
    Ok((width_m, height_m))
}

/// The advection terms of every microchannel layer (`None` without one), after checking
/// that microchannels come with the detailed 3-D mode and a cell map of the grid's size.
fn advection_of(
    layers: &[GridLayer],
    rows: usize,
    cols: usize,
    detailed_3d: bool,
) -> Result<Option<Advection>, GridError> {
    let mut advection: Option<Advection> = None;
    for (index, layer) in layers.iter().enumerate() {
        if let Some(channels) = &layer.channels {
            if !detailed_3d {
                return Err(GridError::Microchannel {
                    message: "HotSpot needs -detailed_3D on with -use_microchannels 1".to_string(),
                });
            }
            if channels.grid.rows != rows || channels.grid.cols != cols {
                return Err(GridError::Microchannel {
                    message: format!(
                        "{} is {} x {} cells; the grid is {rows} x {cols} (HotSpot reads one value per grid cell)",
                        channels.grid.file, channels.grid.rows, channels.grid.cols
                    ),
                });
            }
            let terms = channels.advection(index * rows * cols);
            let all = advection.get_or_insert_with(Default::default);
            all.entries.extend(terms.entries);
            all.inlets.extend(terms.inlets);
        }
    }
    Ok(advection)
}

/// [`build_network`] on the die of layer 0's floorplan.
fn build_die_network(
    layers: &[GridLayer],
    package: &PackageParameters,
    rows: usize,
    cols: usize,
    detailed_3d: bool,
    network: &mut impl NetworkBuilder,
) -> Result<(), String> {
    let die = &layers[0].floorplan;
    build_network(layers, package, rows, cols, die.width_m, die.height_m, detailed_3d, network)
}
