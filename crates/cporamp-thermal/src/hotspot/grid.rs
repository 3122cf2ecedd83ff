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
use crate::network::{Network, NetworkError, TimeScheme};
use faer::sparse::Triplet;

/// HotSpot's lumped-versus-distributed capacitance fitting factor.
pub const C_FACTOR: f64 = 0.333;

/// Cells per layer above which steady states are solved by multigrid-preconditioned CG
/// instead of sparse Cholesky (chosen by the benchmark in BENCHMARKS.md).
pub const DIRECT_SOLVE_MAX_CELLS: usize = 160 * 160;

/// Memory the grid model holds per node (conductances, the multigrid hierarchy, CG vectors,
/// block maps), bytes: measured peak resident memory of `cporamp thermal` on HotSpot's
/// example2 (4 grid layers) was 117 MB at 256², 449 MB at 512² and 6.9 GB at 2048² when
/// this was set; the structured multigrid has since cut the 512² steady state to 123 MB
/// (about 120 B per node). The estimate keeps the old, larger value: a transient's
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
        let network = build_network(&layers, package, rows, cols, width_m, height_m, detailed_3d)
            .map_err(|message| GridError::BadGrid { rows, cols, message })?;
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
        let (network, operator) = if rows * cols > DIRECT_SOLVE_MAX_CELLS && advection.is_none() {
            let operator = crate::multigrid::GridOperator::from_network(&network, layout)?;
            (std::sync::OnceLock::new(), Some(operator))
        } else {
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
            build_network(
                &self.layers,
                &self.package,
                self.rows,
                self.cols,
                die.width_m,
                die.height_m,
                self.detailed_3d,
            )
            .expect("the same network built without error in GridModel::new")
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

    /// Every node at `temperature_k`.
    #[must_use]
    pub fn uniform(&self, temperature_k: f64) -> GridTemperatures {
        self.temperatures(&vec![temperature_k - self.ambient_k; self.n_nodes()])
    }

    /// Initial temperatures from block temperatures in HotSpot's `.steady` layout (HotSpot's
    /// `-init_file`): each cell takes the area-weighted mean of the blocks covering it (what
    /// HotSpot's occupancy sum gives on a fully tiled floorplan); a cell no block covers takes
    /// the mean of its layer's blocks instead of HotSpot's 0 K.
    ///
    /// # Errors
    /// [`GridError::InitFile`] for a missing name or a malformed line.
    pub fn initial_from_steady_file(
        &self,
        file: &str,
        text: &str,
    ) -> Result<GridTemperatures, GridError> {
        let values = SteadyValues::parse(file, text)?;
        let lookup = |name: String| values.get(&name);
        let n_cells = self.n_cells();
        let mut cells_k = Vec::new();
        for (prefix, floorplan_layer) in &self.output_layers() {
            let blocks = &self.layers[*floorplan_layer].floorplan.blocks;
            let mut weighted = vec![0.0; n_cells];
            let mut covered = vec![0.0; n_cells];
            let mut sum = 0.0;
            for (block_index, block) in blocks.iter().enumerate() {
                let temperature = lookup(format!("{prefix}{}", block.name))?;
                sum += temperature;
                for &(cell, overlap_m2) in &self.block_cells[*floorplan_layer][block_index].overlaps
                {
                    weighted[cell] += temperature * overlap_m2;
                    covered[cell] += overlap_m2;
                }
            }
            let mean = sum / blocks.len() as f64;
            cells_k.push(
                weighted
                    .iter()
                    .zip(&covered)
                    .map(|(w, c)| if *c > 0.0 { w / c } else { mean })
                    .collect(),
            );
        }
        let package_k = (0..PACKAGE_NODES.len())
            .map(|index| lookup(format!("inode_{index}")))
            .collect::<Result<Vec<f64>, _>>()?;
        Ok(GridTemperatures { cells_k, package_k })
    }

    /// (prefix, floorplan layer) of every grid layer, as in `.steady` files: the chip layers,
    /// then spreader and sink read with the last chip layer's floorplan.
    fn output_layers(&self) -> Vec<(String, usize)> {
        let last = self.layers.len() - 1;
        self.layers
            .iter()
            .enumerate()
            .map(|(index, layer)| (layer.prefix.clone(), index))
            .chain([("hsp_".to_string(), last), ("hsink_".to_string(), last)])
            .collect()
    }

    /// Transient from `initial`: one step of `step_s` per trace row. Returns the block
    /// temperatures of the trace columns after each row (read with `mode`, as HotSpot reads
    /// its transient trace with `-grid_map_mode`).
    ///
    /// # Errors
    /// [`GridError::Network`] if a solve fails.
    pub fn transient(
        &self,
        trace: &PowerTrace,
        initial: &GridTemperatures,
        step_s: f64,
        method: TransientMethod,
        mode: MapMode,
    ) -> Result<(Vec<Vec<f64>>, GridTemperatures), GridError> {
        if let Some(advection) = &self.advection {
            return self.transient_with_advection(advection, trace, initial, step_s, method, mode);
        }
        let stepper = match method {
            TransientMethod::Fixed(scheme) => Some(self.network().stepper(step_s, scheme)?),
            TransientMethod::HotSpotRk4 => None,
        };
        let mut rise: Vec<f64> = initial
            .cells_k
            .iter()
            .flatten()
            .chain(&initial.package_k)
            .map(|kelvin| kelvin - self.ambient_k)
            .collect();
        let mut rows = Vec::with_capacity(trace.rows.len());
        for row in &trace.rows {
            // HotSpot holds each row's power constant over its sampling interval.
            let power = self.node_power(row);
            match &stepper {
                Some(stepper) => stepper.step(&mut rise, &power, &power)?,
                None => {
                    self.network().advance_rk4_hotspot(&mut rise, &power, step_s)?;
                }
            }
            let temperatures = self.temperatures(&rise);
            rows.push(
                self.columns
                    .iter()
                    .map(|&(layer, block)| {
                        self.block_temperature(&temperatures, layer, layer, block, mode)
                    })
                    .collect(),
            );
        }
        Ok((rows, self.temperatures(&rise)))
    }

    /// HotSpot's SuperLU transient with microchannels: one backward-Euler step per trace row,
    /// $(C/h + G + A)\,T' = (C/h)\,T + P + c\,Q_\text{in}T_\text{in}$, the matrix factored
    /// once.
    fn transient_with_advection(
        &self,
        advection: &Advection,
        trace: &PowerTrace,
        initial: &GridTemperatures,
        step_s: f64,
        method: TransientMethod,
        mode: MapMode,
    ) -> Result<(Vec<Vec<f64>>, GridTemperatures), GridError> {
        if method != TransientMethod::Fixed(TimeScheme::BackwardEuler) {
            return Err(GridError::Microchannel {
                message: "transients step by backward Euler, one step per trace row (HotSpot's SuperLU build, the only build that runs microchannels); choose --time-scheme backward-euler".to_string(),
            });
        }
        let (triplets, source) = self.advection_system(advection, 1.0 / step_s);
        let lu = microchannel::lu_factor(self.n_nodes(), &triplets)?;
        let capacitance = self.network().capacitances();
        let mut rise: Vec<f64> = initial
            .cells_k
            .iter()
            .flatten()
            .chain(&initial.package_k)
            .map(|kelvin| kelvin - self.ambient_k)
            .collect();
        let mut rows = Vec::with_capacity(trace.rows.len());
        for row in &trace.rows {
            let power = self.node_power(row);
            let rhs: Vec<f64> = (0..rise.len())
                .map(|node| capacitance[node] / step_s * rise[node] + power[node] + source[node])
                .collect();
            rise = microchannel::lu_solve(&lu, &rhs)?;
            let temperatures = self.temperatures(&rise);
            rows.push(
                self.columns
                    .iter()
                    .map(|&(layer, block)| {
                        self.block_temperature(&temperatures, layer, layer, block, mode)
                    })
                    .collect(),
            );
        }
        Ok((rows, self.temperatures(&rise)))
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

pub(super) fn getr(k: f64, length: f64, area: f64) -> f64 {
    length / (k * area)
}

/// Resistances of one cell towards its neighbours (K/W) and its capacitance (J/K): HotSpot's
/// `find_res_3D`/`find_cap_3D` values.
#[derive(Debug, Clone, Copy)]
struct CellRc {
    /// HotSpot's `rx`, $c_w/(k c_h t)$: HotSpot uses it between north-south neighbours.
    rx: f64,
    /// HotSpot's `ry`, $c_h/(k c_w t)$: between east-west neighbours.
    ry: f64,
    /// $t/(k c_w c_h)$ (the sink's includes its share of the convection resistance).
    rz: f64,
    /// Capacitance, J/K.
    cap: f64,
}

impl CellRc {
    /// A full cell of resistivity `resistivity` and volumetric heat capacity `rho_c`.
    fn of(resistivity: f64, rho_c: f64, thickness: f64, cell_w: f64, cell_h: f64) -> CellRc {
        let k = 1.0 / resistivity;
        CellRc {
            rx: getr(k, cell_w, cell_h * thickness),
            ry: getr(k, cell_h, cell_w * thickness),
            rz: getr(k, thickness, cell_w * cell_h),
            cap: C_FACTOR * rho_c * thickness * cell_w * cell_h,
        }
    }
}

/// One grid layer's resistances: uniform, or per cell (detailed 3-D chip layers).
struct LayerRc {
    uniform: CellRc,
    cells: Option<Vec<CellRc>>,
}

impl LayerRc {
    fn at(&self, cell: usize) -> CellRc {
        self.cells.as_ref().map_or(self.uniform, |cells| cells[cell])
    }
}

/// HotSpot's `OCCUPANCY_THRESHOLD`: a block covering this share of a cell or more gives the
/// cell its material outright.
pub const OCCUPANCY_THRESHOLD: f64 = 0.95;

/// HotSpot's `eq` tolerance (`DELTA`).
const EQ_DELTA: f64 = 1e-6;

/// Per-cell resistances and capacitances of a chip layer in HotSpot's detailed 3-D mode, as
/// `set_bgmap`, `new_blist` and `blist_append` build them (see the module docs).
fn detailed_cells(
    layer: &GridLayer,
    layer_index: usize,
    rows: usize,
    cols: usize,
    cell_w: f64,
    cell_h: f64,
) -> Result<Vec<CellRc>, String> {
    #[derive(Clone, Copy)]
    struct Head {
        lock: bool,
        rc: CellRc,
    }
    let height = rows as f64 * cell_h;
    let thickness = layer.thickness_m;
    let default =
        CellRc::of(1.0 / layer.k_w_per_mk, layer.rho_c_j_per_m3k, thickness, cell_w, cell_h);
    let mut heads: Vec<Option<Head>> = vec![None; rows * cols];
    for block in &layer.floorplan.blocks {
        let (resistivity, rho_c) = match block.material {
            Some(material) => (1.0 / material.k_w_per_mk, material.rho_c_j_per_m3k),
            None => (1.0 / layer.k_w_per_mk, layer.rho_c_j_per_m3k),
        };
        let full = CellRc::of(resistivity, rho_c, thickness, cell_w, cell_h);
        let (left, right) = (block.left_m, block.left_m + block.width_m);
        let (bottom, top) = (block.bottom_m, block.bottom_m + block.height_m);
        let (i1, i2) = (
            rows.saturating_sub(tolerant_ceil(top / cell_h)),
            rows.saturating_sub(tolerant_floor(bottom / cell_h)).min(rows),
        );
        let (j1, j2) = (tolerant_floor(left / cell_w), tolerant_ceil(right / cell_w).min(cols));
        for i in i1..i2 {
            for j in j1..j2 {
                let interior = i > i1 && i + 1 < i2 && j > j1 && j + 1 < j2;
                let occupancy = if interior {
                    1.0
                } else {
                    let (cell_left, cell_top) = (j as f64 * cell_w, height - i as f64 * cell_h);
                    let mut overlap_h = top.min(cell_top) - bottom.max(cell_top - cell_h);
                    let mut overlap_w = right.min(cell_left + cell_w) - left.max(cell_left);
                    for (overlap, side) in [(&mut overlap_h, cell_h), (&mut overlap_w, cell_w)] {
                        if (*overlap / side).abs() < EQ_DELTA {
                            *overlap = 0.0;
                        } else if (*overlap / side - 1.0).abs() < EQ_DELTA {
                            *overlap = side;
                        }
                    }
                    if overlap_h < 0.0 || overlap_w < 0.0 {
                        return Err(format!(
                            "block {} of layer {layer_index} overlaps cell (row {i}, column {j}) by a negative amount (HotSpot stops here too)",
                            block.name
                        ));
                    }
                    overlap_h * overlap_w / (cell_h * cell_w)
                };
                let locked = Head { lock: true, rc: full };
                let head = &mut heads[i * cols + j];
                match head {
                    None => {
                        *head = Some(if occupancy >= OCCUPANCY_THRESHOLD {
                            locked
                        } else {
                            Head {
                                lock: false,
                                rc: CellRc {
                                    rx: 1.0 / (occupancy / full.rx),
                                    ry: 1.0 / (occupancy / full.ry),
                                    rz: 1.0 / (occupancy / full.rz),
                                    cap: full.cap,
                                },
                            }
                        });
                    }
                    Some(existing) if !existing.lock => {
                        if occupancy >= OCCUPANCY_THRESHOLD {
                            *existing = locked;
                        } else {
                            let rc = &mut existing.rc;
                            rc.rx = 1.0 / (1.0 / rc.rx + occupancy / full.rx);
                            rc.ry = 1.0 / (1.0 / rc.ry + occupancy / full.ry);
                            rc.rz = 1.0 / (1.0 / rc.rz + occupancy / full.rz);
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }
    heads
        .iter()
        .enumerate()
        .map(|(cell, head)| match head {
            Some(head) => Ok(CellRc {
                cap: if head.lock { head.rc.cap } else { default.cap },
                ..head.rc
            }),
            None => {
                let (row, col) = (cell / cols, cell % cols);
                Err(format!(
                    "the detailed 3-D model needs every cell of every chip layer under a block; cell (row {row}, column {col}) of layer {layer_index} (x {:.4} to {:.4} mm, y {:.4} to {:.4} mm) is under no block of its floorplan (HotSpot crashes on such a cell)",
                    col as f64 * cell_w * 1e3,
                    (col + 1) as f64 * cell_w * 1e3,
                    height * 1e3 - (row + 1) as f64 * cell_h * 1e3,
                    height * 1e3 - row as f64 * cell_h * 1e3,
                ))
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments, reason = "the grid's geometry, one value each")]
fn build_network(
    layers: &[GridLayer],
    package: &PackageParameters,
    rows: usize,
    cols: usize,
    width: f64,
    height: f64,
    detailed_3d: bool,
) -> Result<Network, String> {
    let (cell_w, cell_h) = (width / cols as f64, height / rows as f64);
    let cell_area = cell_w * cell_h;
    let n_cells = rows * cols;
    let sp = package;
    let uniform = |k: f64, rho_c: f64, thickness: f64, lateral: bool| {
        let rc = CellRc::of(1.0 / k, rho_c, thickness, cell_w, cell_h);
        // HotSpot's LARGENUM for a layer without lateral flow: no lateral connection.
        if lateral { rc } else { CellRc { rx: f64::INFINITY, ry: f64::INFINITY, ..rc } }
    };
    // All grid layers: chip layers, then spreader and sink over the die footprint.
    let mut stack = Vec::with_capacity(layers.len() + 2);
    for (index, layer) in layers.iter().enumerate() {
        stack.push(LayerRc {
            uniform: uniform(
                layer.k_w_per_mk,
                layer.rho_c_j_per_m3k,
                layer.thickness_m,
                layer.lateral,
            ),
            cells: if detailed_3d {
                Some(detailed_cells(layer, index, rows, cols, cell_w, cell_h)?)
            } else {
                None
            },
        });
    }
    let (t_hs, k_hs, s_hs) = (sp.sink_thickness_m, sp.sink_k_w_per_mk, sp.sink_side_m);
    stack.push(LayerRc {
        uniform: uniform(
            sp.spreader_k_w_per_mk,
            sp.spreader_rho_c_j_per_m3k,
            sp.spreader_thickness_m,
            true,
        ),
        cells: None,
    });
    // The sink's rz and capacitance include its cell's share of the convection (HotSpot's
    // populate_R_model_grid and populate_C_model_grid).
    let mut sink = uniform(k_hs, sp.sink_rho_c_j_per_m3k, t_hs, true);
    sink.rz += sp.r_convec_k_per_w * s_hs * s_hs / cell_area;
    sink.cap += C_FACTOR * sp.c_convec_j_per_k * cell_area / (s_hs * s_hs);
    stack.push(LayerRc { uniform: sink, cells: None });

    let n_layers = stack.len();
    let (spreader_layer, sink_layer) = (n_layers - 2, n_layers - 1);
    let mut network = Network::default();
    // Lateral and vertical links, the rim links of the spreader and sink edges, and the
    // package nodes' own links (fewer than 32).
    let lateral = rows * cols.saturating_sub(1) + rows.saturating_sub(1) * cols;
    network.reserve(
        n_layers * n_cells + PACKAGE_NODES.len(),
        n_layers * lateral + (n_layers - 1) * n_cells + 4 * (rows + cols) + 32,
    );
    let node = |layer: usize, cell: usize| layer * n_cells + cell;
    for layer in &stack {
        for cell in 0..n_cells {
            network.add_node(layer.at(cell).cap);
        }
    }
    let extra = n_layers * n_cells;
    for _ in 0..PACKAGE_NODES.len() {
        network.add_node(0.0);
    }
    let (sp_w, sp_e, sp_n, sp_s) = (extra, extra + 1, extra + 2, extra + 3);
    let (sink_c_w, sink_c_e, sink_c_n, sink_c_s) = (extra + 4, extra + 5, extra + 6, extra + 7);
    let mut connect = |a: usize, b: usize, resistance: f64| {
        if resistance.is_finite() {
            network.connect_resistance(a, b, resistance);
        }
    };
    let channels = |layer: usize| layers.get(layer).and_then(|layer| layer.channels.as_ref());
    let fluid = |layer: usize, cell: usize| channels(layer).is_some_and(|c| c.is_fluid(cell));
    if channels(0).is_some() {
        return Err("a microchannel layer as layer 0 is not supported (HotSpot's find_res then joins its lateral walls as if they were vertical contacts)".to_string());
    }

    // HotSpot's find_res: north-south neighbours through rx, east-west through ry, each cell
    // contributing half of its own (per cell in detailed 3-D mode, per layer otherwise).
    for (index, layer) in stack.iter().enumerate() {
        for row in 0..rows {
            for col in 0..cols {
                let cell = row * cols + col;
                let here = layer.at(cell);
                // HotSpot's find_res between a coolant cell and a solid one: half the solid
                // cell's resistance plus the convective 1/(h A) (see super::microchannel).
                let wall = |a: (usize, usize), b: (usize, usize)| -> Option<(f64, CellRc)> {
                    let (fluid_a, fluid_b) = (fluid(a.0, a.1), fluid(b.0, b.1));
                    if fluid_a == fluid_b {
                        return None;
                    }
                    let solid = if fluid_a { b } else { a };
                    let htc = channels(a.0).or(channels(b.0))?.config.htc_w_per_m2k;
                    Some((htc, stack[solid.0].at(solid.1)))
                };
                if col + 1 < cols {
                    let r = match wall((index, cell), (index, cell + 1)) {
                        Some((htc, solid)) => {
                            solid.ry / 2.0 + 1.0 / (htc * cell_h * layers[index].thickness_m)
                        }
                        None => (here.ry + layer.at(cell + 1).ry) / 2.0,
                    };
                    connect(node(index, cell), node(index, cell + 1), r);
                }
                if row + 1 < rows {
                    let r = match wall((index, cell), (index, cell + cols)) {
                        Some((htc, solid)) => {
                            solid.rx / 2.0 + 1.0 / (htc * cell_w * layers[index].thickness_m)
                        }
                        None => (here.rx + layer.at(cell + cols).rx) / 2.0,
                    };
                    connect(node(index, cell), node(index, cell + cols), r);
                }
                if index + 1 < n_layers {
                    let below = stack[index + 1].at(cell).rz;
                    let r = match (wall((index, cell), (index + 1, cell)), detailed_3d, index) {
                        // Next to layer 0 HotSpot takes layer 0's whole rz.
                        (Some((htc, _)), _, 0) => here.rz + 1.0 / (htc * cell_area),
                        (Some((htc, solid)), _, _) => solid.rz / 2.0 + 1.0 / (htc * cell_area),
                        (None, false, _) => here.rz,
                        (None, true, 0) => here.rz + below / 2.0,
                        (None, true, _) => (here.rz + below) / 2.0,
                    };
                    connect(node(index, cell), node(index + 1, cell), r);
                }
            }
        }
    }

    let rim = Rim::new(sp, width, height);
    // Edge cells of the spreader and sink layers to their rim nodes.
    let edges = [
        (spreader_layer, sp_w, sp_e, sp_n, sp_s, rim.r_sp1_x, rim.r_sp1_y),
        (sink_layer, sink_c_w, sink_c_e, sink_c_n, sink_c_s, rim.r_hs1_x, rim.r_hs1_y),
    ];
    for (layer, west, east, north, south, r1_x, r1_y) in edges {
        let rc = stack[layer].uniform;
        let to_west_east = rc.rx / 2.0 + rows as f64 * r1_x;
        let to_north_south = rc.ry / 2.0 + cols as f64 * r1_y;
        for row in 0..rows {
            connect(node(layer, row * cols), west, to_west_east);
            connect(node(layer, row * cols + cols - 1), east, to_west_east);
        }
        for col in 0..cols {
            connect(node(layer, col), north, to_north_south);
            connect(node(layer, (rows - 1) * cols + col), south, to_north_south);
        }
    }

    // Sink cells to ambient through the sink's rz (with its share of the convection).
    for cell in 0..n_cells {
        network.ground_resistance(node(sink_layer, cell), stack[sink_layer].uniform.rz);
    }

    rim.connect(&mut network, sp, extra);
    Ok(network)
}

/// HotSpot's package resistances around the die footprint (`populate_package_R`), shared by
/// the grid and block models.
pub(super) struct Rim {
    pub(super) r_sp1_x: f64,
    pub(super) r_sp1_y: f64,
    pub(super) r_hs1_x: f64,
    pub(super) r_hs1_y: f64,
    r_hs2_x: f64,
    r_hs2_y: f64,
    r_hs: f64,
    r_sp_per_x: f64,
    r_sp_per_y: f64,
    r_hs_c_per_x: f64,
    r_hs_c_per_y: f64,
    r_hs_per: f64,
    r_amb_c_per_x: f64,
    r_amb_c_per_y: f64,
    r_amb_per: f64,
    rim_x_area: f64,
    rim_y_area: f64,
    outer_area: f64,
}

impl Rim {
    /// Package resistances for a die of `width` x `height` (m).
    pub(super) fn new(sp: &PackageParameters, width: f64, height: f64) -> Rim {
        let (s_sp, t_sp, k_sp) =
            (sp.spreader_side_m, sp.spreader_thickness_m, sp.spreader_k_w_per_mk);
        let (s_hs, t_hs, k_hs) = (sp.sink_side_m, sp.sink_thickness_m, sp.sink_k_w_per_mk);
        let (w, h) = (width, height);
        let rim_x_area = (s_sp + h) * (s_sp - w) / 4.0;
        let rim_y_area = (s_sp + w) * (s_sp - h) / 4.0;
        let outer_area = (s_hs * s_hs - s_sp * s_sp) / 4.0;
        Rim {
            r_sp1_x: getr(k_sp, (s_sp - w) / 4.0, (s_sp + 3.0 * h) / 4.0 * t_sp),
            r_sp1_y: getr(k_sp, (s_sp - h) / 4.0, (s_sp + 3.0 * w) / 4.0 * t_sp),
            r_hs1_x: getr(k_hs, (s_sp - w) / 4.0, (s_sp + 3.0 * h) / 4.0 * t_hs),
            r_hs1_y: getr(k_hs, (s_sp - h) / 4.0, (s_sp + 3.0 * w) / 4.0 * t_hs),
            r_hs2_x: getr(k_hs, (s_sp - w) / 4.0, (3.0 * s_sp + h) / 4.0 * t_hs),
            r_hs2_y: getr(k_hs, (s_sp - h) / 4.0, (3.0 * s_sp + w) / 4.0 * t_hs),
            r_hs: getr(k_hs, (s_hs - s_sp) / 4.0, (s_hs + 3.0 * s_sp) / 4.0 * t_hs),
            r_sp_per_x: getr(k_sp, t_sp, rim_x_area),
            r_sp_per_y: getr(k_sp, t_sp, rim_y_area),
            r_hs_c_per_x: getr(k_hs, t_hs, rim_x_area),
            r_hs_c_per_y: getr(k_hs, t_hs, rim_y_area),
            r_hs_per: getr(k_hs, t_hs, outer_area),
            r_amb_c_per_x: sp.r_convec_k_per_w * s_hs * s_hs / rim_x_area,
            r_amb_c_per_y: sp.r_convec_k_per_w * s_hs * s_hs / rim_y_area,
            r_amb_per: sp.r_convec_k_per_w * s_hs * s_hs / outer_area,
            rim_x_area,
            rim_y_area,
            outer_area,
        }
    }

    /// Wires the 12 package nodes starting at `first` (in `inode_*` order) to each other and
    /// to the ambient, with their capacitances (`populate_package_C`).
    pub(super) fn connect(&self, network: &mut Network, sp: &PackageParameters, first: usize) {
        let node = |offset: usize| first + offset;
        let (t_sp, t_hs, s_hs) = (sp.spreader_thickness_m, sp.sink_thickness_m, sp.sink_side_m);
        for (side, r_sp_per, r_hs_c_per, r_amb_c_per, r_hs2, area) in [
            (
                0,
                self.r_sp_per_x,
                self.r_hs_c_per_x,
                self.r_amb_c_per_x,
                self.r_hs2_x,
                self.rim_x_area,
            ),
            (
                1,
                self.r_sp_per_x,
                self.r_hs_c_per_x,
                self.r_amb_c_per_x,
                self.r_hs2_x,
                self.rim_x_area,
            ),
            (
                2,
                self.r_sp_per_y,
                self.r_hs_c_per_y,
                self.r_amb_c_per_y,
                self.r_hs2_y,
                self.rim_y_area,
            ),
            (
                3,
                self.r_sp_per_y,
                self.r_hs_c_per_y,
                self.r_amb_c_per_y,
                self.r_hs2_y,
                self.rim_y_area,
            ),
        ] {
            let (spreader_rim, sink_inner, sink_outer) =
                (node(side), node(4 + side), node(8 + side));
            network.connect_resistance(spreader_rim, sink_inner, r_sp_per);
            network.ground_resistance(sink_inner, r_hs_c_per + r_amb_c_per);
            network.connect_resistance(sink_inner, sink_outer, r_hs2 + self.r_hs);
            network.ground_resistance(sink_outer, self.r_hs_per + self.r_amb_per);
            network.add_capacitance(
                spreader_rim,
                C_FACTOR * sp.spreader_rho_c_j_per_m3k * t_sp * area,
            );
            network.add_capacitance(
                sink_inner,
                C_FACTOR
                    * (sp.sink_rho_c_j_per_m3k * t_hs * area
                        + sp.c_convec_j_per_k * area / (s_hs * s_hs)),
            );
            network.add_capacitance(
                sink_outer,
                C_FACTOR
                    * (sp.sink_rho_c_j_per_m3k * t_hs * self.outer_area
                        + sp.c_convec_j_per_k * self.outer_area / (s_hs * s_hs)),
            );
        }
    }
}

/// Temperatures read from a file in HotSpot's `.steady` layout (`name temperature_K` lines),
/// looked up by name ignoring case as HotSpot does.
pub(super) struct SteadyValues {
    file: String,
    values: std::collections::BTreeMap<String, f64>,
}

impl SteadyValues {
    pub(super) fn parse(file: &str, text: &str) -> Result<SteadyValues, GridError> {
        let mut values = std::collections::BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            if tokens.is_empty() || tokens[0].starts_with('#') {
                continue;
            }
            let value = match tokens.as_slice() {
                [_, value] => {
                    value.parse::<f64>().ok().filter(|value| value.is_finite() && *value > 0.0)
                }
                _ => None,
            };
            let Some(value) = value else {
                return Err(GridError::InitFile {
                    file: file.to_string(),
                    message: format!(
                        "line {}: expected `name temperature_K` with a positive temperature, found {line:?}",
                        index + 1
                    ),
                });
            };
            values.insert(tokens[0].to_ascii_lowercase(), value);
        }
        Ok(SteadyValues { file: file.to_string(), values })
    }

    pub(super) fn get(&self, name: &str) -> Result<f64, GridError> {
        self.values.get(&name.to_ascii_lowercase()).copied().ok_or_else(|| GridError::InitFile {
            file: self.file.clone(),
            message: format!("no temperature for {name}"),
        })
    }
}

/// HotSpot's transient trace layout: tab-separated column names, then one row of
/// temperatures (K, two decimals) per trace row.
pub(super) fn trace_text(names: &[String], rows: &[Vec<f64>]) -> String {
    let mut out = names.join("\t");
    out.push('\n');
    for row in rows {
        let values: Vec<String> = row.iter().map(|value| format!("{value:.2}")).collect();
        out.push_str(&values.join("\t"));
        out.push('\n');
    }
    out
}
