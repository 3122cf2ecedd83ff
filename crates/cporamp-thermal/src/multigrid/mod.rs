//! Conjugate gradients preconditioned by an aggregation multigrid cycle, for steady solves
//! of large layered grids where a sparse Cholesky factor would not fit in memory.
//!
//! The network's nodes are the cells of a [`GridLayout`] (layer by layer, row-major) followed
//! by any other nodes (HotSpot's package nodes). Each level stores the conductance from every
//! cell to its east, south and lower neighbour, layer by layer; a layer whose conductances in
//! one direction repeat from row to row (a uniform layer) keeps a single row of them, as
//! HotSpot keeps one value per layer. The diagonal is stored per node. Links that are not
//! between grid neighbours (a cell to a package node, package nodes between themselves) are
//! kept in a short list, grouped by grid row. A 512 x 512 x 4 grid of uniform layers then takes
//! about 8 bytes per cell, and the sweeps walk the grid row by row without index lookups.
//! The operator can be built directly ([`GridOperatorBuilder`], a [`NetworkBuilder`]) without
//! first building the network.
//!
//! Levels: each coarser level merges 2 x 2 cells of every layer into one node (other nodes stay
//! as they are). With the piecewise-constant prolongation $P$ this gives the Galerkin operator
//! $A_c = P^\top A P$ exactly: because $A$ is a weighted graph Laplacian plus a diagonal,
//! $A_c$ is again one, whose link between two aggregates is the sum of the fine conductances
//! between them and whose diagonal is the sum of its members' diagonals minus twice the
//! conductances inside it. Coarsening stops at 32 x 32 cells, which is factored by sparse
//! Cholesky.
//!
//! One cycle on a level: two forward Gauss-Seidel sweeps, restrict the residual (sum over
//! aggregates), two cycles on the coarser level (a W-cycle; the coarsest is solved exactly),
//! add the prolonged correction scaled by $\omega = 1.5$, two backward Gauss-Seidel sweeps.
//! A piecewise-constant $P$ makes the coarse operator too stiff (on a 2-D Laplacian an
//! aggregate's links are twice the rediscretised ones), so its correction comes out too
//! small, and a V-cycle's convergence decays with the number of levels; over-correction
//! (Braess) and more coarse cycles (the W- and K-cycles of Notay's aggregation multigrid)
//! are the usual remedies. On HotSpot's example2 at 512 x 512 they take CG from 42
//! iterations (V-cycle, $\omega = 1$) to 18. The scaled two-level correction
//! $\omega P A_c^{-1} P^\top$ stays a contraction in the energy norm for $0 < \omega < 2$.
//!
//! A Gauss-Seidel sweep updates node $n$ as $x_n \leftarrow (b_n + \sum_m g_{nm} x_m)/a_{nn}$.
//! A row is swept by first summing its links to other rows, layers and nodes (values that do
//! not change along the row) with $b$, then running the east-west recurrence
//! $x_c = \alpha_c + \phi_c x_{c-1}$ (one multiply-add per cell): the same sweep, in fewer
//! dependent operations. The forward and backward sweeps mirror each other and the cycle
//! visits the coarse level symmetrically, so it is a symmetric positive definite
//! preconditioner and CG applies. CG stops when $\lVert r\rVert_2 \le 10^{-12}
//! \lVert b\rVert_2$; it keeps four vectors (the product $A p$ and the preconditioned
//! residual share one).

mod builder;

pub use builder::GridOperatorBuilder;

use crate::network::{Factor, Network, NetworkBuilder, NetworkError};
use faer::sparse::{SparseColMat, Triplet};

/// A layered grid: `layers` x `rows` x `cols` cells, numbered layer by layer and row-major
/// within a layer (row 0 first); a network's other nodes come after the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridLayout {
    /// Layers.
    pub layers: usize,
    /// Rows per layer.
    pub rows: usize,
    /// Columns per layer.
    pub cols: usize,
}

impl GridLayout {
    fn per_layer(self) -> usize {
        self.rows * self.cols
    }

    /// Cells in all layers.
    #[must_use]
    pub fn cells(self) -> usize {
        self.layers * self.per_layer()
    }

    /// The layout of the next coarser level (2 x 2 cells merged).
    fn coarser(self) -> GridLayout {
        GridLayout { layers: self.layers, rows: self.rows.div_ceil(2), cols: self.cols.div_ceil(2) }
    }
}

/// Cells per layer at or below which a level is solved directly.
const COARSEST_CELLS: usize = 32 * 32;
/// Cycles on each coarser level per visit: 2 is a W-cycle.
const COARSE_CYCLES: usize = 2;
const RELATIVE_TOLERANCE: f64 = 1e-12;
const MAX_ITERATIONS: usize = 500;
/// The coarse correction's scale $\omega$ (see the module docs).
const COARSE_CORRECTION_SCALE: f64 = 1.5;

/// One direction's conductances, layer by layer: a single row for a layer whose rows (those
/// that carry links in this direction) are all equal, else one value per cell.
struct Planes {
    values: Vec<f64>,
    /// Per layer: where its values start, and whether it is a single shared row.
    layers: Vec<(usize, bool)>,
}

impl Planes {
    /// Compacts per-cell values in place; rows `rows_with_links..` of every layer are not
    /// compared (the last row has no south neighbour).
    fn compact(mut values: Vec<f64>, layout: GridLayout, rows_with_links: usize) -> Planes {
        let (cols, per_layer) = (layout.cols, layout.per_layer());
        let mut layers = Vec::with_capacity(layout.layers);
        let mut write = 0;
        for layer in 0..layout.layers {
            let start = layer * per_layer;
            let first = start..start + cols;
            let shared = (1..rows_with_links).all(|row| {
                let other = start + row * cols;
                values[first.clone()]
                    .iter()
                    .zip(&values[other..other + cols])
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            });
            let length = if shared { cols } else { per_layer };
            values.copy_within(start..start + length, write);
            layers.push((write, shared));
            write += length;
        }
        values.truncate(write);
        values.shrink_to_fit();
        Planes { values, layers }
    }

    /// The conductances of row `row` of `layer` (`cols` of them).
    #[inline]
    fn row(&self, layer: usize, row: usize, cols: usize) -> &[f64] {
        let (start, shared) = self.layers[layer];
        let start = if shared { start } else { start + row * cols };
        &self.values[start..start + cols]
    }
}

/// A link that is not between grid neighbours, seen from `node`.
#[derive(Debug, Clone, Copy)]
struct Link {
    node: u32,
    other: u32,
    conductance: f64,
}

/// A symmetric matrix on a layered grid: diagonal, grid-neighbour conductances and the other
/// links.
struct Level {
    layout: GridLayout,
    /// To the east neighbour (0 in the last column), W/K.
    east: Planes,
    /// To the south neighbour (row + 1; unused in the last row).
    south: Planes,
    /// To the cell below (layer + 1; unused in the last layer).
    down: Planes,
    /// 1 / the diagonal of every node, cells then other nodes.
    inverse_diagonal: Vec<f64>,
    /// Other links in both directions, by node; `links[link_start[k]..link_start[k + 1]]`
    /// are those of grid row `k` (layer-major) for `k < layers * rows`, then of each other node.
    link_start: Vec<u32>,
    links: Vec<Link>,
}

/// Links `(a, b, g)`, `a < b`, no two between cells, in both directions grouped as
/// [`Level::links`].
fn group_links(
    layout: GridLayout,
    n_nodes: usize,
    pairs: &[(usize, usize, f64)],
) -> (Vec<u32>, Vec<Link>) {
    let cells = layout.cells();
    let group = |node: usize| {
        if node < cells { node / layout.cols } else { layout.layers * layout.rows + node - cells }
    };
    let groups = layout.layers * layout.rows + (n_nodes - cells);
    let mut links: Vec<Link> = pairs
        .iter()
        .flat_map(|&(a, b, g)| {
            [
                Link { node: a as u32, other: b as u32, conductance: g },
                Link { node: b as u32, other: a as u32, conductance: g },
            ]
        })
        .collect();
    links.sort_by_key(|link| (link.node, link.other));
    let mut start = vec![0u32; groups + 1];
    for link in &links {
        start[group(link.node as usize) + 1] += 1;
    }
    for k in 0..groups {
        start[k + 1] += start[k];
    }
    (start, links)
}

impl Level {
    fn n_nodes(&self) -> usize {
        self.inverse_diagonal.len()
    }

    fn row_links(&self, group: usize) -> &[Link] {
        &self.links[self.link_start[group] as usize..self.link_start[group + 1] as usize]
    }

    /// `sum[c]` = `init[c]` (0 without it) plus the links of cell `c` of row `row` of
    /// `layer` to everything but its east and west neighbours, times `x` there, into
    /// `scratch.sum`.
    fn off_row_sum(
        &self,
        layer: usize,
        row: usize,
        x: &[f64],
        init: Option<&[f64]>,
        scratch: &mut RowScratch,
    ) {
        let GridLayout { layers, rows, cols } = self.layout;
        let per_layer = self.layout.per_layer();
        let base = layer * per_layer + row * cols;
        let (sum, zeros) = (&mut scratch.sum[..cols], &scratch.zeros[..cols]);
        let own = &x[base..base + cols];
        // A missing neighbour row is read as zero conductances to the row itself.
        let (g_north, x_north) = if row > 0 {
            (self.south.row(layer, row - 1, cols), &x[base - cols..base])
        } else {
            (zeros, own)
        };
        let (g_south, x_south) = if row + 1 < rows {
            (self.south.row(layer, row, cols), &x[base + cols..base + 2 * cols])
        } else {
            (zeros, own)
        };
        let (g_up, x_up) = if layer > 0 {
            (self.down.row(layer - 1, row, cols), &x[base - per_layer..base - per_layer + cols])
        } else {
            (zeros, own)
        };
        let (g_down, x_down) = if layer + 1 < layers {
            (self.down.row(layer, row, cols), &x[base + per_layer..base + per_layer + cols])
        } else {
            (zeros, own)
        };
        let init = &init.unwrap_or(zeros)[..cols];
        for c in 0..cols {
            sum[c] = init[c]
                + g_north[c] * x_north[c]
                + g_south[c] * x_south[c]
                + g_up[c] * x_up[c]
                + g_down[c] * x_down[c];
        }
        for link in self.row_links(layer * rows + row) {
            sum[link.node as usize - base] += link.conductance * x[link.other as usize];
        }
    }

    /// The update of another node (not a cell): $(b_n + \sum_m g_{nm} x_m)/a_{nn}$.
    fn other_node_value(&self, node: usize, x: &[f64], rhs: &[f64]) -> f64 {
        let group = self.layout.layers * self.layout.rows + node - self.layout.cells();
        let sum: f64 = self
            .row_links(group)
            .iter()
            .map(|link| link.conductance * x[link.other as usize])
            .sum();
        (rhs[node] + sum) * self.inverse_diagonal[node]
    }

    /// One Gauss-Seidel sweep of $A x = b$, forward or backward; `scratch` holds two rows.
    fn sweep(&self, x: &mut [f64], rhs: &[f64], forward: bool, scratch: &mut RowScratch) {
        let GridLayout { layers, rows, cols } = self.layout;
        let cells = self.layout.cells();
        let mut sweep_row = |layer: usize, row: usize, x: &mut [f64]| {
            let base = (layer * rows + row) * cols;
            self.off_row_sum(layer, row, x, Some(&rhs[base..base + cols]), scratch);
            let east = self.east.row(layer, row, cols);
            let inverse = &self.inverse_diagonal[base..base + cols];
            let x = &mut x[base..base + cols];
            // Along the row, x_c = a_c + f_c x_(previous c): a_c holds every other term (the
            // next cell's value not yet updated), so the recurrence is one multiply-add.
            let RowScratch { sum: a, factor, .. } = scratch;
            let (a, factor) = (&mut a[..cols], &mut factor[..cols]);
            if forward {
                for c in 0..cols - 1 {
                    a[c] = (a[c] + east[c] * x[c + 1]) * inverse[c];
                }
                a[cols - 1] *= inverse[cols - 1];
                for c in 1..cols {
                    factor[c] = east[c - 1] * inverse[c];
                }
                x[0] = a[0];
                for c in 1..cols {
                    x[c] = a[c] + factor[c] * x[c - 1];
                }
            } else {
                for c in 1..cols {
                    a[c] = (a[c] + east[c - 1] * x[c - 1]) * inverse[c];
                }
                a[0] *= inverse[0];
                for c in 0..cols - 1 {
                    factor[c] = east[c] * inverse[c];
                }
                x[cols - 1] = a[cols - 1];
                for c in (0..cols - 1).rev() {
                    x[c] = a[c] + factor[c] * x[c + 1];
                }
            }
        };
        if forward {
            for layer in 0..layers {
                for row in 0..rows {
                    sweep_row(layer, row, x);
                }
            }
            for node in cells..self.n_nodes() {
                x[node] = self.other_node_value(node, x, rhs);
            }
        } else {
            for node in (cells..self.n_nodes()).rev() {
                x[node] = self.other_node_value(node, x, rhs);
            }
            for layer in (0..layers).rev() {
                for row in (0..rows).rev() {
                    sweep_row(layer, row, x);
                }
            }
        }
    }

    /// Calls `visit(base, residual of the row)` for every grid row, then `visit(node,
    /// [residual])` for every other node: the residual $b - A x$ (or $-A x$ without `rhs`).
    fn for_each_residual(
        &self,
        x: &[f64],
        rhs: Option<&[f64]>,
        scratch: &mut RowScratch,
        mut visit: impl FnMut(usize, &[f64]),
    ) {
        let GridLayout { layers, rows, cols } = self.layout;
        for layer in 0..layers {
            for row in 0..rows {
                let base = (layer * rows + row) * cols;
                self.off_row_sum(layer, row, x, rhs.map(|rhs| &rhs[base..base + cols]), scratch);
                let sum = &mut scratch.sum[..cols];
                let east = self.east.row(layer, row, cols);
                let inverse = &self.inverse_diagonal[base..base + cols];
                let xs = &x[base..base + cols];
                for c in 0..cols {
                    sum[c] -= xs[c] / inverse[c];
                }
                for c in 0..cols - 1 {
                    sum[c] += east[c] * xs[c + 1];
                }
                for c in 1..cols {
                    sum[c] += east[c - 1] * xs[c - 1];
                }
                visit(base, sum);
            }
        }
        for node in self.layout.cells()..self.n_nodes() {
            let group = layers * rows + node - self.layout.cells();
            let links: f64 = self
                .row_links(group)
                .iter()
                .map(|link| link.conductance * x[link.other as usize])
                .sum();
            let residual =
                links - x[node] / self.inverse_diagonal[node] + rhs.map_or(0.0, |rhs| rhs[node]);
            visit(node, &[residual]);
        }
    }

    /// `out = A x`.
    fn apply(&self, x: &[f64], out: &mut [f64], scratch: &mut RowScratch) {
        self.for_each_residual(x, None, scratch, |start, values| {
            for (out, value) in out[start..start + values.len()].iter_mut().zip(values) {
                *out = -value;
            }
        });
    }

    /// The coarse node of `node`.
    fn aggregate_of(&self, node: usize) -> usize {
        let coarse = self.layout.coarser();
        if node >= self.layout.cells() {
            return coarse.cells() + node - self.layout.cells();
        }
        let per_layer = self.layout.per_layer();
        let (layer, row, col) =
            (node / per_layer, (node % per_layer) / self.layout.cols, node % self.layout.cols);
        (layer * coarse.rows + row / 2) * coarse.cols + col / 2
    }

    /// `coarse = P^T residual`: the residual $b - A x$ summed over each aggregate.
    fn restrict_residual(
        &self,
        x: &[f64],
        rhs: &[f64],
        coarse: &mut [f64],
        scratch: &mut RowScratch,
    ) {
        coarse.fill(0.0);
        let cols = self.layout.cols;
        self.for_each_residual(x, Some(rhs), scratch, |start, values| {
            let aggregate = self.aggregate_of(start);
            if values.len() == 1 && start >= self.layout.cells() {
                coarse[aggregate] += values[0];
            } else {
                for (c, value) in values[..cols].iter().enumerate() {
                    coarse[aggregate + c / 2] += value;
                }
            }
        });
    }

    /// `x += scale * P correction`.
    fn prolong_add(&self, correction: &[f64], scale: f64, x: &mut [f64]) {
        let GridLayout { layers, rows, cols } = self.layout;
        for layer in 0..layers {
            for row in 0..rows {
                let base = (layer * rows + row) * cols;
                let aggregate = self.aggregate_of(base);
                for (c, x) in x[base..base + cols].iter_mut().enumerate() {
                    *x += scale * correction[aggregate + c / 2];
                }
            }
        }
        for node in self.layout.cells()..self.n_nodes() {
            x[node] += scale * correction[self.aggregate_of(node)];
        }
    }

    /// The Galerkin coarse level $P^\top A P$ (see the module docs).
    fn coarsen(&self) -> Level {
        let layout = self.layout;
        let coarse = layout.coarser();
        let coarse_cells = coarse.cells();
        let n_other = self.n_nodes() - layout.cells();
        let mut builder = GridOperatorBuilder::new(coarse);
        builder.diagonal.resize(coarse_cells + n_other, 0.0);
        let cols = layout.cols;
        for layer in 0..layout.layers {
            for row in 0..layout.rows {
                let base = (layer * layout.rows + row) * cols;
                let aggregate = self.aggregate_of(base);
                let (east, south, down) = (
                    self.east.row(layer, row, cols),
                    self.south.row(layer, row, cols),
                    self.down.row(layer, row, cols),
                );
                for col in 0..cols {
                    let target = aggregate + col / 2;
                    builder.diagonal[target] += 1.0 / self.inverse_diagonal[base + col];
                    if layer + 1 < layout.layers {
                        builder.down[target] += down[col];
                    }
                    if col + 1 < cols {
                        if col % 2 == 0 {
                            builder.diagonal[target] -= 2.0 * east[col];
                        } else {
                            builder.east[target] += east[col];
                        }
                    }
                    if row + 1 < layout.rows {
                        if row % 2 == 0 {
                            builder.diagonal[target] -= 2.0 * south[col];
                        } else {
                            builder.south[target] += south[col];
                        }
                    }
                }
            }
        }
        for other in 0..n_other {
            builder.diagonal[coarse_cells + other] =
                1.0 / self.inverse_diagonal[layout.cells() + other];
        }
        let mut pairs = Vec::new();
        for link in &self.links {
            let (a, b) = (link.node as usize, link.other as usize);
            if b <= a {
                continue;
            }
            let (ca, cb) = (self.aggregate_of(a), self.aggregate_of(b));
            if ca == cb {
                builder.diagonal[ca] -= 2.0 * link.conductance;
            } else {
                pairs.push((ca.min(cb), ca.max(cb), link.conductance));
            }
        }
        pairs.sort_unstable_by_key(|&(a, b, _)| (a, b));
        for (a, b, g) in pairs {
            match builder.other.last_mut() {
                Some(last) if last.0 == a && last.1 == b => last.2 += g,
                _ => builder.other.push((a, b, g)),
            }
        }
        builder.level()
    }

    /// The level as a sparse matrix, for the coarsest direct solve.
    fn matrix(&self) -> Result<SparseColMat<usize, f64>, NetworkError> {
        let mut triplets = Vec::new();
        let mut link = |a: usize, b: usize, g: f64| {
            if g != 0.0 {
                triplets.push(Triplet::new(a, b, -g));
                triplets.push(Triplet::new(b, a, -g));
            }
        };
        let GridLayout { layers, rows, cols } = self.layout;
        let per_layer = self.layout.per_layer();
        for layer in 0..layers {
            for row in 0..rows {
                let base = (layer * rows + row) * cols;
                let (east, south, down) = (
                    self.east.row(layer, row, cols),
                    self.south.row(layer, row, cols),
                    self.down.row(layer, row, cols),
                );
                for col in 0..cols {
                    let node = base + col;
                    if col + 1 < cols {
                        link(node, node + 1, east[col]);
                    }
                    if row + 1 < rows {
                        link(node, node + cols, south[col]);
                    }
                    if layer + 1 < layers {
                        link(node, node + per_layer, down[col]);
                    }
                }
            }
        }
        for l in &self.links {
            if l.other > l.node {
                link(l.node as usize, l.other as usize, l.conductance);
            }
        }
        triplets.extend(
            self.inverse_diagonal.iter().enumerate().map(|(n, &d)| Triplet::new(n, n, 1.0 / d)),
        );
        SparseColMat::try_new_from_triplets(self.n_nodes(), self.n_nodes(), &triplets)
            .map_err(|error| NetworkError::Singular(format!("{error:?}")))
    }
}

/// The finest level of the solver: a layered grid network's conductances in the grid's
/// structure, which a caller may keep instead of the network itself.
pub struct GridOperator {
    fine: Level,
}

impl GridOperator {
    /// The conductances of `network`, whose first nodes are the cells of `layout`.
    ///
    /// # Errors
    /// As [`GridOperatorBuilder::finish`].
    pub fn from_network(
        network: &Network,
        layout: GridLayout,
    ) -> Result<GridOperator, NetworkError> {
        let mut builder = GridOperatorBuilder::new(layout);
        for (node, &g) in network.ambient_conductances().iter().enumerate() {
            builder.add_node(0.0);
            builder.ground_conductance(node, g);
        }
        for (a, b, g) in network.edges() {
            builder.connect_conductance(a, b, g);
        }
        builder.finish()
    }

    /// Solves $A x = b$ (builds the coarse levels, then CG, see [`Multigrid::solve`]).
    ///
    /// # Errors
    /// As [`Multigrid::new`] and [`Multigrid::solve`].
    pub fn solve(&self, rhs: Vec<f64>) -> Result<(Vec<f64>, usize), NetworkError> {
        Multigrid::new(self)?.solve(rhs)
    }
}

/// An aggregation multigrid hierarchy over a layered grid network.
pub struct Multigrid<'a> {
    fine: &'a Level,
    coarse: Vec<Level>,
    coarsest: Factor,
}

/// Per coarse level: its right-hand side and correction; and the rows of scratch.
struct CycleBuffers {
    levels: Vec<(Vec<f64>, Vec<f64>)>,
    row: RowScratch,
}

/// One grid row's worth of working space (as long as the finest level's rows).
struct RowScratch {
    sum: Vec<f64>,
    factor: Vec<f64>,
    /// Always zero: the conductances to a neighbour row that does not exist.
    zeros: Vec<f64>,
}

impl RowScratch {
    fn new(cols: usize) -> RowScratch {
        RowScratch { sum: vec![0.0; cols], factor: vec![0.0; cols], zeros: vec![0.0; cols] }
    }
}

impl<'a> Multigrid<'a> {
    /// Builds the coarse levels below `operator`.
    ///
    /// # Errors
    /// [`NetworkError`] if the coarsest level cannot be factored (a singular network).
    pub fn new(operator: &'a GridOperator) -> Result<Multigrid<'a>, NetworkError> {
        let fine = &operator.fine;
        let mut coarse: Vec<Level> = Vec::new();
        loop {
            let last = coarse.last().unwrap_or(fine);
            let GridLayout { rows, cols, .. } = last.layout;
            if rows * cols <= COARSEST_CELLS || rows < 2 || cols < 2 {
                let coarsest = Factor::new(&last.matrix()?)?;
                return Ok(Multigrid { fine, coarse, coarsest });
            }
            let next = last.coarsen();
            coarse.push(next);
        }
    }

    fn level(&self, depth: usize) -> &Level {
        if depth == 0 { self.fine } else { &self.coarse[depth - 1] }
    }

    /// One V-cycle from level `depth` for `rhs`, into `x`; `levels[k]` holds the right-hand
    /// side and correction of level `depth + 1 + k`.
    fn cycle(
        &self,
        depth: usize,
        rhs: &[f64],
        x: &mut [f64],
        levels: &mut [(Vec<f64>, Vec<f64>)],
        row: &mut RowScratch,
        zero: bool,
    ) -> Result<(), NetworkError> {
        let level = self.level(depth);
        let Some(((coarse_rhs, correction), deeper)) = levels.split_first_mut() else {
            x.copy_from_slice(&self.coarsest.solve(rhs)?);
            return Ok(());
        };
        if zero {
            x.fill(0.0);
        }
        for _ in 0..2 {
            level.sweep(x, rhs, true, row);
        }
        level.restrict_residual(x, rhs, coarse_rhs, row);
        for k in 0..COARSE_CYCLES {
            self.cycle(depth + 1, coarse_rhs, correction, deeper, row, k == 0)?;
        }
        level.prolong_add(correction, COARSE_CORRECTION_SCALE, x);
        for _ in 0..2 {
            level.sweep(x, rhs, false, row);
        }
        Ok(())
    }

    fn precondition(
        &self,
        rhs: &[f64],
        x: &mut [f64],
        buffers: &mut CycleBuffers,
    ) -> Result<(), NetworkError> {
        self.cycle(0, rhs, x, &mut buffers.levels, &mut buffers.row, true)
    }

    /// Solves $A x = b$ by preconditioned conjugate gradients. Returns the solution and the
    /// number of iterations.
    ///
    /// # Errors
    /// [`NetworkError::NotConverged`] if the tolerance is not reached in 500 iterations.
    pub fn solve(&self, rhs: Vec<f64>) -> Result<(Vec<f64>, usize), NetworkError> {
        let fine = self.fine;
        let n_nodes = fine.n_nodes();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let norm_rhs = dot(&rhs, &rhs).sqrt();
        let mut x = vec![0.0; n_nodes];
        if norm_rhs == 0.0 {
            return Ok((x, 0));
        }
        let mut buffers = CycleBuffers {
            levels: self
                .coarse
                .iter()
                .map(|level| (vec![0.0; level.n_nodes()], vec![0.0; level.n_nodes()]))
                .collect(),
            row: RowScratch::new(fine.layout.cols),
        };
        // The right-hand side becomes the residual (x = 0). `work` holds the preconditioned
        // residual z, then the product A p.
        let mut residual = rhs;
        let mut work = vec![0.0; n_nodes];
        self.precondition(&residual, &mut work, &mut buffers)?;
        let mut direction = work.clone();
        let mut rz = dot(&residual, &work);
        for iteration in 1..=MAX_ITERATIONS {
            fine.apply(&direction, &mut work, &mut buffers.row);
            let alpha = rz / dot(&direction, &work);
            for node in 0..n_nodes {
                x[node] += alpha * direction[node];
                residual[node] -= alpha * work[node];
            }
            if dot(&residual, &residual).sqrt() <= RELATIVE_TOLERANCE * norm_rhs {
                return Ok((x, iteration));
            }
            self.precondition(&residual, &mut work, &mut buffers)?;
            let rz_next = dot(&residual, &work);
            let beta = rz_next / rz;
            rz = rz_next;
            for (direction, z) in direction.iter_mut().zip(&work) {
                *direction = z + beta * *direction;
            }
        }
        Err(NetworkError::NotConverged { iterations: MAX_ITERATIONS })
    }
}

#[cfg(test)]
mod tests;
