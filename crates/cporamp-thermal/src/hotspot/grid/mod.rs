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
//!   r_z = \frac{t_l}{k_l c_w c_h},\quad C = 0.333\,\rho c_l\, t_l c_w c_h$$
//!
//! ($0.333$ is HotSpot's `C_FACTOR`; $r_x = r_y = \infty$ for a layer without lateral flow).
//! The sink's $r_z$ also carries its cell's share of the convection,
//! $r_z^\text{sink} = t_s/(k_s c_w c_h) + r_\text{convec} s_\text{sink}^2/(c_w c_h)$, and its
//! $C$ adds $0.333\,c_\text{convec} c_w c_h/s_\text{sink}^2$. HotSpot's `find_res` joins
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
//! - a cell touched first gets $r_\ast = r^b_\ast$ and is **locked** if $o \ge 0.95$
//!   (HotSpot's `OCCUPANCY_THRESHOLD`), otherwise $1/r_\ast = o/r^b_\ast$;
//! - a cell touched again, if not locked: $r_\ast = r^b_\ast$ and locked if $o \ge 0.95$,
//!   otherwise $1/r_\ast \mathrel{+}= o/r^b_\ast$ (conductances added in parallel by
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

mod network;
mod package;
mod transient;

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

/// Errors building or solving the grid model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GridError {
    /// The die is wider than the spreader or the spreader than the sink.
    #[error(
        "the die ({die_mm:.3} mm) must be smaller than the spreader ({spreader_mm:.3} mm), and the spreader smaller than the sink ({sink_mm:.3} mm)"
    )]
    PackageTooSmall {
        /// Largest die side, mm.
        die_mm: f64,
        /// Spreader side, mm.
        spreader_mm: f64,
        /// Sink side, mm.
        sink_mm: f64,
    },
    /// Layers whose floorplans differ in size.
    #[error(
        "layer {layer}'s floorplan is {width_mm:.4} x {height_mm:.4} mm; layer 0's is {die_width_mm:.4} x {die_height_mm:.4} mm (all layers must match)"
    )]
    LayerSizeMismatch {
        /// Layer index.
        layer: usize,
        /// Its width, mm.
        width_mm: f64,
        /// Its height, mm.
        height_mm: f64,
        /// Layer 0 width, mm.
        die_width_mm: f64,
        /// Layer 0 height, mm.
        die_height_mm: f64,
    },
    /// A trace column that names no block of a power layer.
    #[error("power trace column {column} names no block of a power layer")]
    UnknownColumn {
        /// The column name.
        column: String,
    },
    /// A trace column of one power layer's share naming a block of another power layer.
    #[error(
        "power trace column {position} ({column}) is among columns {first} to {last}, which HotSpot reads as the blocks of layer {layer}, but layer {layer}'s floorplan has no block {column}: order the columns layer by layer"
    )]
    ColumnOutOfLayer {
        /// The column name.
        column: String,
        /// Its position, from 1.
        position: usize,
        /// The layer whose share it is in.
        layer: usize,
        /// First column of that share, from 1.
        first: usize,
        /// Last column of that share.
        last: usize,
    },
    /// Two columns of one layer's share naming the same block.
    #[error("power trace column {column} appears twice among layer {layer}'s columns")]
    DuplicateColumn {
        /// The column name.
        column: String,
        /// The layer.
        layer: usize,
    },
    /// A trace whose column count differs from the power layers' block count.
    #[error(
        "the power trace has {columns} columns but the power layers' floorplans have {blocks} blocks (HotSpot: no. of units in floorplan and trace file differ)"
    )]
    ColumnCount {
        /// Columns in the trace.
        columns: usize,
        /// Blocks of the power layers.
        blocks: usize,
    },
    /// A grid that is too coarse for the floorplan, or empty.
    #[error("grid of {rows} x {cols} cells: {message}")]
    BadGrid {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
        /// What is wrong.
        message: String,
    },
    /// An initial-temperature file that does not fit the model.
    #[error("{file}: {message}")]
    InitFile {
        /// File name.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The network could not be solved.
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// A feature the microchannel model does not combine with.
    #[error("microchannel layers: {message}")]
    Microchannel {
        /// What was asked and what is supported.
        message: String,
    },
    /// The temperature-leakage loop did not settle.
    #[error(
        "thermal runaway: the temperature-leakage loop did not settle within {iterations} iterations (HotSpot's LEAKAGE_MAX_ITER)"
    )]
    LeakageRunaway {
        /// Iterations run.
        iterations: usize,
    },
}

/// Cells a block touches and the overlap fraction of the block's area in each.
#[derive(Debug, Clone)]
struct BlockCells {
    rows: std::ops::Range<usize>,
    cols: std::ops::Range<usize>,
    /// (cell index within the layer, overlap area in m²).
    overlaps: Vec<(usize, f64)>,
    /// The block's area, m².
    area_m2: f64,
}

/// HotSpot's `tolerant_floor`/`tolerant_ceil`: snap to an integer within 1e-6.
fn tolerant_floor(value: f64) -> usize {
    let rounded = value.round();
    (if (value - rounded).abs() < 1e-6 { rounded } else { value.floor() }).max(0.0) as usize
}

fn tolerant_ceil(value: f64) -> usize {
    let rounded = value.round();
    (if (value - rounded).abs() < 1e-6 { rounded } else { value.ceil() }).max(0.0) as usize
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

/// The advection terms of the microchannel layers in the network $G\,T = P$ (see
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
        if rows == 0 || cols == 0 || rows > 4096 || cols > 4096 {
            return Err(GridError::BadGrid {
                rows,
                cols,
                message: "rows and columns must be between 1 and 4096".to_string(),
            });
        }
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

        let (cell_w, cell_h) = (width_m / cols as f64, height_m / rows as f64);
        let block_cells = layers
            .iter()
            .map(|layer| {
                layer
                    .floorplan
                    .blocks
                    .iter()
                    .map(|block| map_block(block, rows, cols, cell_w, cell_h))
                    .collect()
            })
            .collect::<Result<Vec<Vec<BlockCells>>, String>>()
            .map_err(|message| GridError::BadGrid { rows, cols, message })?;

        let columns = trace_columns(&layers, column_names)?;
        let mut advection: Option<Advection> = None;
        for (index, layer) in layers.iter().enumerate() {
            if let Some(channels) = &layer.channels {
                if !detailed_3d {
                    return Err(GridError::Microchannel {
                        message: "HotSpot needs -detailed_3D on with -use_microchannels 1"
                            .to_string(),
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
        let layout = crate::multigrid::GridLayout { layers: layers.len() + 2, rows, cols };
        let bad_grid = |message| GridError::BadGrid { rows, cols, message };
        // A large grid's steady state needs only the structured operator, built directly
        // (HotSpot's grid keeps per-layer values in the same way); its network waits for a
        // transient or an energy check.
        let (network, operator) = if rows * cols > DIRECT_SOLVE_MAX_CELLS && advection.is_none() {
            let mut builder = crate::multigrid::GridOperatorBuilder::new(layout);
            build_network(
                &layers,
                package,
                rows,
                cols,
                width_m,
                height_m,
                detailed_3d,
                &mut builder,
            )
            .map_err(bad_grid)?;
            (std::sync::OnceLock::new(), Some(builder.finish()?))
        } else {
            let mut network = Network::default();
            build_network(
                &layers,
                package,
                rows,
                cols,
                width_m,
                height_m,
                detailed_3d,
                &mut network,
            )
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

    /// The triplets of $\alpha\,\mathrm{diag}(C) + G + A$ ($A$ the advection) and the
    /// constant part of the right-hand side in rise form: with $T = \theta + T_a$,
    /// $(G + A)\,\theta = P + c\,Q_\text{in}T_\text{in} - (A\,\mathbf 1)\,T_a$
    /// (conduction rows sum to their ambient conductance, which cancels $T_a$).
    fn advection_system(
        &self,
        advection: &Advection,
        alpha: f64,
    ) -> (Vec<Triplet<usize, usize, f64>>, Vec<f64>) {
        let network = self.network();
        let n = network.n_nodes();
        let mut diagonal: Vec<f64> = network
            .capacitances()
            .iter()
            .zip(network.ambient_conductances())
            .map(|(c, g)| alpha * c + g)
            .collect();
        let mut triplets =
            Vec::with_capacity(2 * network.edges().len() + advection.entries.len() + n);
        for (a, b, g) in network.edges() {
            diagonal[a] += g;
            diagonal[b] += g;
            triplets.push(Triplet::new(a, b, -g));
            triplets.push(Triplet::new(b, a, -g));
        }
        let mut source = vec![0.0; n];
        for &(row, col, value) in &advection.entries {
            triplets.push(Triplet::new(row, col, value));
            source[row] -= value * self.ambient_k;
        }
        for &(node, heat_w) in &advection.inlets {
            source[node] += heat_w;
        }
        triplets.extend(diagonal.iter().enumerate().map(|(node, &d)| Triplet::new(node, node, d)));
        (triplets, source)
    }

    /// Steady rise with the microchannels' advection, by sparse LU.
    fn steady_with_advection(
        &self,
        advection: &Advection,
        power: &[f64],
    ) -> Result<Vec<f64>, GridError> {
        let (triplets, source) = self.advection_system(advection, 0.0);
        let rhs: Vec<f64> = power.iter().zip(&source).map(|(p, s)| p + s).collect();
        Ok(microchannel::solve_lu(self.n_nodes(), &triplets, &rhs)?)
    }

    /// Heat flowing into the coolant, W, and the coolant's $\sum_\text{outlets} c\,Q_o
    /// (T_o - T_\text{in})$, W, at temperatures `temperatures` (equal in steady state; see
    /// [`super::microchannel`]). `None` without microchannels.
    #[must_use]
    pub fn coolant_balance_w(&self, temperatures: &GridTemperatures) -> Option<(f64, f64)> {
        self.advection.as_ref()?;
        let n_cells = self.n_cells();
        let kelvin: Vec<f64> =
            temperatures.cells_k.iter().flatten().chain(&temperatures.package_k).copied().collect();
        let fluid = |node: usize| {
            let (layer, cell) = (node / n_cells, node % n_cells);
            self.layers
                .get(layer)
                .and_then(|layer| layer.channels.as_ref())
                .is_some_and(|channels| cell < n_cells && channels.is_fluid(cell))
        };
        let mut heat_in = 0.0;
        for (a, b, g) in self.network().edges() {
            match (fluid(a), fluid(b)) {
                (true, false) => heat_in += g * (kelvin[b] - kelvin[a]),
                (false, true) => heat_in += g * (kelvin[a] - kelvin[b]),
                _ => {}
            }
        }
        let mut carried = 0.0;
        for (index, layer) in self.layers.iter().enumerate() {
            if let Some(channels) = &layer.channels {
                let c = channels.config.coolant_rho_c_j_per_m3k;
                for (cell, flow) in channels.outlet_flows() {
                    carried += c
                        * flow
                        * (kelvin[index * n_cells + cell] - channels.config.inlet_temperature_k);
                }
            }
        }
        Some((heat_in, carried))
    }

    /// The network (for energy checks and transients; rebuilt on first use for a large grid).
    #[must_use]
    pub fn network(&self) -> &Network {
        self.network.get_or_init(|| {
            let die = &self.layers[0].floorplan;
            let mut network = Network::default();
            build_network(
                &self.layers,
                &self.package,
                self.rows,
                self.cols,
                die.width_m,
                die.height_m,
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

    /// Node powers, W, for one row of trace powers.
    #[must_use]
    pub fn node_power(&self, column_power_w: &[f64]) -> Vec<f64> {
        let mut power = vec![0.0; self.n_nodes()];
        for (&(layer, block), &watts) in self.columns.iter().zip(column_power_w) {
            let cells = &self.block_cells[layer][block];
            for &(cell, overlap_m2) in &cells.overlaps {
                power[layer * self.n_cells() + cell] += watts * overlap_m2 / cells.area_m2;
            }
        }
        power
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

    /// Steady temperatures for the trace's mean power.
    ///
    /// # Errors
    /// [`GridError::Network`] if the solve fails.
    pub fn steady(&self, trace: &PowerTrace) -> Result<(GridTemperatures, Vec<f64>), GridError> {
        let power = self.node_power(&trace.mean_w());
        let rise = if let Some(advection) = &self.advection {
            self.steady_with_advection(advection, &power)?
        } else if self.n_cells() > DIRECT_SOLVE_MAX_CELLS {
            match &self.operator {
                Some(operator) => operator.solve(power)?.0,
                None => self.network().steady_multigrid(power, self.layout())?,
            }
        } else {
            self.network().steady(&power)?
        };
        Ok((self.temperatures(&rise), rise))
    }

    /// Steady state with HotSpot's temperature-leakage loop (`-leakage_used 1`,
    /// `-leakage_mode 0`): every block of a power layer adds
    /// [`crate::leakage::hotspot_leakage_w`] at its block temperature (read with `mode`), the
    /// network is solved again, and the loop stops when no block warms by 0.01 K or more
    /// (HotSpot's `steady_state_temp`, starting from 0 K as HotSpot's zeroed vector does).
    ///
    /// # Errors
    /// [`GridError::LeakageRunaway`] after 100 iterations or a rise over 500 K;
    /// [`GridError::Network`] if a solve fails.
    pub fn steady_with_leakage(
        &self,
        trace: &PowerTrace,
        mode: MapMode,
    ) -> Result<(GridTemperatures, Vec<f64>), GridError> {
        if self.advection.is_some() {
            return Err(GridError::Microchannel {
                message: "the temperature-leakage loop (-leakage_used 1) is not combined with microchannels".to_string(),
            });
        }
        let base = self.node_power(&trace.mean_w());
        let solver = (self.n_cells() <= DIRECT_SOLVE_MAX_CELLS)
            .then(|| self.network().steady_solver())
            .transpose()?;
        let power_layers: Vec<usize> =
            (0..self.layers.len()).filter(|&layer| self.layers[layer].has_power).collect();
        let mut block_temps: Vec<Vec<f64>> = power_layers
            .iter()
            .map(|&layer| vec![0.0; self.layers[layer].floorplan.blocks.len()])
            .collect();
        for iteration in 0..=crate::leakage::LEAKAGE_MAX_ITERATIONS {
            let mut power = base.clone();
            for (&layer, temps) in power_layers.iter().zip(&block_temps) {
                for (block_index, block) in self.layers[layer].floorplan.blocks.iter().enumerate() {
                    let watts = crate::leakage::hotspot_leakage_w(
                        block.width_m,
                        block.height_m,
                        temps[block_index],
                    );
                    let cells = &self.block_cells[layer][block_index];
                    for &(cell, overlap_m2) in &cells.overlaps {
                        power[layer * self.n_cells() + cell] += watts * overlap_m2 / cells.area_m2;
                    }
                }
            }
            if power.iter().any(|watts| !watts.is_finite()) {
                break;
            }
            let rise = match &solver {
                Some(solver) => solver.solve(&power)?,
                None => match &self.operator {
                    Some(operator) => operator.solve(power)?.0,
                    None => self.network().steady_multigrid(power, self.layout())?,
                },
            };
            let temperatures = self.temperatures(&rise);
            let mut d_max: f64 = 0.0;
            for (&layer, temps) in power_layers.iter().zip(block_temps.iter_mut()) {
                for (block_index, old) in temps.iter_mut().enumerate() {
                    let new =
                        self.block_temperature(&temperatures, layer, layer, block_index, mode);
                    d_max = d_max.max(new - *old);
                    *old = new;
                }
            }
            if d_max < crate::leakage::LEAKAGE_TOLERANCE_K {
                return Ok((temperatures, rise));
            }
            if d_max > 500.0 && iteration > 0 {
                break;
            }
        }
        Err(GridError::LeakageRunaway { iterations: crate::leakage::LEAKAGE_MAX_ITERATIONS })
    }

    /// The grid layers' cells, as the multigrid solver walks them.
    fn layout(&self) -> crate::multigrid::GridLayout {
        crate::multigrid::GridLayout {
            layers: self.n_grid_layers(),
            rows: self.rows,
            cols: self.cols,
        }
    }

    /// Temperature of `block` of the floorplan of `floorplan_layer`, read on grid layer `layer`.
    fn block_temperature(
        &self,
        temperatures: &GridTemperatures,
        layer: usize,
        floorplan_layer: usize,
        block: usize,
        mode: MapMode,
    ) -> f64 {
        let cells = &self.block_cells[floorplan_layer][block];
        let values = &temperatures.cells_k[layer];
        let at = |row: usize, col: usize| values[row * self.cols + col];
        let touched = || {
            cells.rows.clone().flat_map(move |row| cells.cols.clone().map(move |col| at(row, col)))
        };
        match mode {
            MapMode::Avg => {
                let count = (cells.rows.len() * cells.cols.len()) as f64;
                touched().sum::<f64>() / count
            }
            MapMode::Min => touched().fold(f64::INFINITY, f64::min),
            MapMode::Max => touched().fold(f64::NEG_INFINITY, f64::max),
            MapMode::Center => {
                let centre = |range: &std::ops::Range<usize>| {
                    let first = (range.start + range.end) / 2;
                    let second = if range.len() % 2 == 0 { first - 1 } else { first };
                    [first, second]
                };
                let (row_pair, col_pair) = (centre(&cells.rows), centre(&cells.cols));
                let mut sum = 0.0;
                for row in row_pair {
                    for col in col_pair {
                        sum += at(row, col);
                    }
                }
                sum / 4.0
            }
        }
    }

    /// The nodes of HotSpot's `.steady` layout with their temperatures, K: per grid layer,
    /// `prefix+block` in floorplan order, the spreader (`hsp_`) and sink (`hsink_`) read with
    /// the last chip layer's floorplan, then `inode_0..11`.
    #[must_use]
    pub fn steady_values(
        &self,
        temperatures: &GridTemperatures,
        mode: MapMode,
    ) -> Vec<(String, f64)> {
        let mut out = Vec::new();
        for (layer, (prefix, floorplan_layer)) in self.output_layers().iter().enumerate() {
            for (block_index, block) in
                self.layers[*floorplan_layer].floorplan.blocks.iter().enumerate()
            {
                let value = self.block_temperature(
                    temperatures,
                    layer,
                    *floorplan_layer,
                    block_index,
                    mode,
                );
                out.push((format!("{prefix}{}", block.name), value));
            }
        }
        for (index, value) in temperatures.package_k.iter().enumerate() {
            out.push((format!("inode_{index}"), *value));
        }
        out
    }

    /// HotSpot's `.steady` layout: [`GridModel::steady_values`] as `name\tK` lines (two
    /// decimals).
    #[must_use]
    pub fn steady_file(&self, temperatures: &GridTemperatures, mode: MapMode) -> String {
        self.steady_values(temperatures, mode)
            .iter()
            .map(|(name, value)| format!("{name}\t{value:.2}\n"))
            .collect()
    }

    /// HotSpot's `-grid_steady_file` layout: `Layer n:` then `index\tK` per cell.
    #[must_use]
    pub fn grid_file(&self, temperatures: &GridTemperatures) -> String {
        let mut out = String::new();
        for (layer, cells) in temperatures.cells_k.iter().enumerate() {
            out.push_str(&format!("Layer {layer}:\n"));
            for (index, value) in cells.iter().enumerate() {
                out.push_str(&format!("{index}\t{value:.2}\n"));
            }
        }
        out
    }

    /// HotSpot's transient trace layout: the trace's column names, then one row of block
    /// temperatures (K) per trace row.
    #[must_use]
    pub fn transient_file(&self, rows: &[Vec<f64>]) -> String {
        trace_text(&self.column_names, rows)
    }
}

/// Trace column -> (layer, block), HotSpot's way: the power layers' blocks in layer order,
/// each layer's columns in any order within its share.
fn trace_columns(
    layers: &[GridLayer],
    column_names: &[String],
) -> Result<Vec<(usize, usize)>, GridError> {
    let mut columns = Vec::with_capacity(column_names.len());
    let mut names = column_names.iter();
    for (index, layer) in layers.iter().enumerate().filter(|(_, layer)| layer.has_power) {
        let first = columns.len();
        for _ in 0..layer.floorplan.blocks.len() {
            let Some(name) = names.next() else {
                return Err(GridError::ColumnCount {
                    columns: column_names.len(),
                    blocks: power_blocks(layers),
                });
            };
            let block = layer.floorplan.index_of(name).ok_or_else(|| {
                if layers
                    .iter()
                    .any(|layer| layer.has_power && layer.floorplan.index_of(name).is_some())
                {
                    GridError::ColumnOutOfLayer {
                        column: name.clone(),
                        position: columns.len() + 1,
                        layer: index,
                        first: first + 1,
                        last: first + layer.floorplan.blocks.len(),
                    }
                } else {
                    GridError::UnknownColumn { column: name.clone() }
                }
            })?;
            if columns[first..].iter().any(|&(_, other)| other == block) {
                return Err(GridError::DuplicateColumn { column: name.clone(), layer: index });
            }
            columns.push((index, block));
        }
    }
    if names.next().is_some() {
        return Err(GridError::ColumnCount {
            columns: column_names.len(),
            blocks: power_blocks(layers),
        });
    }
    Ok(columns)
}

fn power_blocks(layers: &[GridLayer]) -> usize {
    layers.iter().filter(|layer| layer.has_power).map(|layer| layer.floorplan.blocks.len()).sum()
}

fn map_block(
    block: &super::parse::Block,
    rows: usize,
    cols: usize,
    cell_w: f64,
    cell_h: f64,
) -> Result<BlockCells, String> {
    let (left, right) = (block.left_m, block.left_m + block.width_m);
    let (bottom, top) = (block.bottom_m, block.bottom_m + block.height_m);
    let row_start = rows.saturating_sub(tolerant_ceil(top / cell_h));
    let row_end = rows.saturating_sub(tolerant_floor(bottom / cell_h)).min(rows);
    let col_start = tolerant_floor(left / cell_w);
    let col_end = tolerant_ceil(right / cell_w).min(cols);
    if row_start >= row_end || col_start >= col_end {
        return Err(format!("block {} maps to no cell", block.name));
    }
    let mut overlaps = Vec::new();
    for row in row_start..row_end {
        // Row 0 is the top: its cell spans y from H - ch to H.
        let cell_top = (rows - row) as f64 * cell_h;
        let overlap_h = top.min(cell_top) - bottom.max(cell_top - cell_h);
        for col in col_start..col_end {
            let cell_left = col as f64 * cell_w;
            let overlap_w = right.min(cell_left + cell_w) - left.max(cell_left);
            if overlap_h > 0.0 && overlap_w > 0.0 {
                overlaps.push((row * cols + col, overlap_h * overlap_w));
            }
        }
    }
    Ok(BlockCells {
        rows: row_start..row_end,
        cols: col_start..col_end,
        overlaps,
        area_m2: block.area_m2(),
    })
}
