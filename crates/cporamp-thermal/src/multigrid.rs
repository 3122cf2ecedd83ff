//! Conjugate gradients preconditioned by an aggregation multigrid V-cycle, for steady solves
//! of large layered grids where a sparse Cholesky factor would not fit in memory.
//!
//! The network's nodes are the cells of a [`GridLayout`] (layer by layer, row-major) followed
//! by any other nodes (HotSpot's package nodes). Each level stores its grid links as three
//! arrays, the conductance from every cell to its east, south and lower neighbour, plus the
//! diagonal; links that are not between grid neighbours (to the package nodes) are kept in a
//! small compressed list. That is 32 bytes per cell where a general sparse matrix takes over
//! a hundred, and the sweeps walk the grid without index lookups.
//!
//! Levels: each coarser level merges 2 x 2 cells of every layer into one node (other nodes stay
//! as they are). With the piecewise-constant prolongation $P$ this gives the Galerkin operator
//! $A_c = P^\top A P$ exactly: because $A$ is a weighted graph Laplacian plus a diagonal,
//! $A_c$ is again one, whose link between two aggregates is the sum of the fine conductances
//! between them and whose diagonal is the sum of its members' diagonals minus twice the
//! conductances inside it. Coarsening stops at 64 x 64 cells, which is factored by sparse
//! Cholesky.
//!
//! One V-cycle: two forward Gauss-Seidel sweeps, restrict the residual (sum over aggregates),
//! recurse, add the prolonged correction, two backward Gauss-Seidel sweeps. The sweeps mirror
//! each other, so the cycle is a symmetric positive definite preconditioner and CG applies.
//! CG stops when $\lVert r\rVert_2 \le 10^{-12} \lVert b\rVert_2$.

use crate::network::{Factor, Network, NetworkError};
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

    fn cells(self) -> usize {
        self.layers * self.per_layer()
    }

    /// The layout of the next coarser level (2 x 2 cells merged).
    fn coarser(self) -> GridLayout {
        GridLayout { layers: self.layers, rows: self.rows.div_ceil(2), cols: self.cols.div_ceil(2) }
    }
}

/// Cells per layer at or below which a level is solved directly.
const COARSEST_CELLS: usize = 64 * 64;
const RELATIVE_TOLERANCE: f64 = 1e-12;
const MAX_ITERATIONS: usize = 500;

/// A symmetric matrix on a layered grid: diagonal, grid-neighbour conductances and the other
/// links.
struct Level {
    layout: GridLayout,
    /// Conductance from each cell to its east neighbour (0 in the last column), W/K.
    east: Vec<f64>,
    /// To its south neighbour (row + 1; 0 in the last row).
    south: Vec<f64>,
    /// To the cell below (layer + 1; 0 in the last layer).
    down: Vec<f64>,
    /// Diagonal of every node, cells then other nodes.
    diagonal: Vec<f64>,
    /// Other links, both directions, compressed by node: `other[other_start[n]..other_start[n + 1]]`.
    other_start: Vec<u32>,
    other: Vec<(u32, f64)>,
}

/// Compressed both-direction lists of `links` (a < b) over `n_nodes` nodes.
fn compress(n_nodes: usize, links: &[(usize, usize, f64)]) -> (Vec<u32>, Vec<(u32, f64)>) {
    let mut start = vec![0u32; n_nodes + 1];
    for &(a, b, _) in links {
        start[a + 1] += 1;
        start[b + 1] += 1;
    }
    for node in 0..n_nodes {
        start[node + 1] += start[node];
    }
    let mut fill: Vec<u32> = start[..n_nodes].to_vec();
    let mut other = vec![(0u32, 0.0); start[n_nodes] as usize];
    for &(a, b, g) in links {
        other[fill[a] as usize] = (b as u32, g);
        fill[a] += 1;
        other[fill[b] as usize] = (a as u32, g);
        fill[b] += 1;
    }
    (start, other)
}

impl Level {
    fn from_network(network: &Network, layout: GridLayout) -> Level {
        let n_nodes = network.n_nodes();
        let cells = layout.cells();
        let (cols, per_layer) = (layout.cols, layout.per_layer());
        let mut diagonal = network.ambient_conductances().to_vec();
        let mut east = vec![0.0; cells];
        let mut south = vec![0.0; cells];
        let mut down = vec![0.0; cells];
        let mut irregular = Vec::new();
        for (a, b, g) in network.edges() {
            diagonal[a] += g;
            diagonal[b] += g;
            let (low, high) = (a.min(b), a.max(b));
            if high < cells {
                let step = high - low;
                let (row, col) = ((low % per_layer) / cols, low % cols);
                if step == 1 && col + 1 < cols {
                    east[low] += g;
                    continue;
                }
                if step == cols && row + 1 < layout.rows {
                    south[low] += g;
                    continue;
                }
                if step == per_layer {
                    down[low] += g;
                    continue;
                }
            }
            if low != high {
                irregular.push((low, high, g));
            }
        }
        let (other_start, other) = compress(n_nodes, &irregular);
        Level { layout, east, south, down, diagonal, other_start, other }
    }

    fn n_nodes(&self) -> usize {
        self.diagonal.len()
    }

    /// $\sum_m g_{nm} x_m$ over the neighbours of `node` (cell (`row`, `col`) when a cell).
    #[inline]
    fn neighbour_sum(&self, node: usize, cell: Option<(usize, usize)>, x: &[f64]) -> f64 {
        let mut sum = 0.0;
        if let Some((row, col)) = cell {
            let (cols, per_layer) = (self.layout.cols, self.layout.per_layer());
            if col + 1 < cols {
                sum += self.east[node] * x[node + 1];
            }
            if col > 0 {
                sum += self.east[node - 1] * x[node - 1];
            }
            if row + 1 < self.layout.rows {
                sum += self.south[node] * x[node + cols];
            }
            if row > 0 {
                sum += self.south[node - cols] * x[node - cols];
            }
            if node + per_layer < self.east.len() {
                sum += self.down[node] * x[node + per_layer];
            }
            if node >= per_layer {
                sum += self.down[node - per_layer] * x[node - per_layer];
            }
        }
        let (first, last) = (self.other_start[node] as usize, self.other_start[node + 1] as usize);
        for &(other, g) in &self.other[first..last] {
            sum += g * x[other as usize];
        }
        sum
    }

    /// Every node in order (`forward`) or in reverse, with its cell position.
    fn for_each_node(&self, forward: bool, mut visit: impl FnMut(usize, Option<(usize, usize)>)) {
        let GridLayout { layers, rows, cols } = self.layout;
        let cells = self.layout.cells();
        if forward {
            let mut node = 0;
            for _ in 0..layers {
                for row in 0..rows {
                    for col in 0..cols {
                        visit(node, Some((row, col)));
                        node += 1;
                    }
                }
            }
            for node in cells..self.n_nodes() {
                visit(node, None);
            }
        } else {
            for node in (cells..self.n_nodes()).rev() {
                visit(node, None);
            }
            let mut node = cells;
            for _ in 0..layers {
                for row in (0..rows).rev() {
                    for col in (0..cols).rev() {
                        node -= 1;
                        visit(node, Some((row, col)));
                    }
                }
            }
        }
    }

    /// `out = A x`.
    fn apply(&self, x: &[f64], out: &mut [f64]) {
        self.for_each_node(true, |node, cell| {
            out[node] = self.diagonal[node] * x[node] - self.neighbour_sum(node, cell, x);
        });
    }

    /// One Gauss-Seidel sweep of $A x = b$, forward or backward.
    fn sweep(&self, x: &mut [f64], rhs: &[f64], forward: bool) {
        self.for_each_node(forward, |node, cell| {
            let sum = rhs[node] + self.neighbour_sum(node, cell, x);
            x[node] = sum / self.diagonal[node];
        });
    }

    /// The coarse node of every node, in node order (cells by aggregate, other nodes after).
    fn for_each_aggregate(&self, mut visit: impl FnMut(usize, usize)) {
        let GridLayout { layers, rows, cols } = self.layout;
        let coarse = self.layout.coarser();
        let mut node = 0;
        for layer in 0..layers {
            for row in 0..rows {
                let coarse_row = (layer * coarse.rows + row / 2) * coarse.cols;
                for col in 0..cols {
                    visit(node, coarse_row + col / 2);
                    node += 1;
                }
            }
        }
        let offset = coarse.cells();
        for node in self.layout.cells()..self.n_nodes() {
            visit(node, offset + node - self.layout.cells());
        }
    }

    /// Adds the residual $b - A x$ of every node to its aggregate's entry of `coarse_rhs`.
    fn restrict_residual(&self, x: &[f64], rhs: &[f64], coarse_rhs: &mut [f64]) {
        let GridLayout { layers, rows, cols } = self.layout;
        let coarse = self.layout.coarser();
        let residual = |node: usize, cell: Option<(usize, usize)>| {
            rhs[node] - (self.diagonal[node] * x[node] - self.neighbour_sum(node, cell, x))
        };
        let mut node = 0;
        for layer in 0..layers {
            for row in 0..rows {
                let coarse_row = (layer * coarse.rows + row / 2) * coarse.cols;
                for col in 0..cols {
                    coarse_rhs[coarse_row + col / 2] += residual(node, Some((row, col)));
                    node += 1;
                }
            }
        }
        let offset = coarse.cells();
        for node in self.layout.cells()..self.n_nodes() {
            coarse_rhs[offset + node - self.layout.cells()] += residual(node, None);
        }
    }

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

    /// The Galerkin coarse level $P^\top A P$ (see the module docs).
    fn coarsen(&self) -> Level {
        let layout = self.layout;
        let coarse_layout = layout.coarser();
        let coarse_cells = coarse_layout.cells();
        let n_other = self.n_nodes() - layout.cells();
        let mut diagonal = vec![0.0; coarse_cells + n_other];
        let mut east = vec![0.0; coarse_cells];
        let mut south = vec![0.0; coarse_cells];
        let mut down = vec![0.0; coarse_cells];
        let mut node = 0;
        for layer in 0..layout.layers {
            for row in 0..layout.rows {
                let coarse_row = (layer * coarse_layout.rows + row / 2) * coarse_layout.cols;
                for col in 0..layout.cols {
                    let aggregate = coarse_row + col / 2;
                    diagonal[aggregate] += self.diagonal[node];
                    down[aggregate] += self.down[node];
                    if col + 1 < layout.cols {
                        if col % 2 == 0 {
                            diagonal[aggregate] -= 2.0 * self.east[node];
                        } else {
                            east[aggregate] += self.east[node];
                        }
                    }
                    if row + 1 < layout.rows {
                        if row % 2 == 0 {
                            diagonal[aggregate] -= 2.0 * self.south[node];
                        } else {
                            south[aggregate] += self.south[node];
                        }
                    }
                    node += 1;
                }
            }
        }
        for other in 0..n_other {
            diagonal[coarse_cells + other] = self.diagonal[layout.cells() + other];
        }
        let mut links = Vec::new();
        for a in 0..self.n_nodes() {
            let (first, last) = (self.other_start[a] as usize, self.other_start[a + 1] as usize);
            for &(b, g) in &self.other[first..last] {
                let b = b as usize;
                if b <= a {
                    continue;
                }
                let (ca, cb) = (self.aggregate_of(a), self.aggregate_of(b));
                if ca == cb {
                    diagonal[ca] -= 2.0 * g;
                } else {
                    links.push((ca.min(cb), ca.max(cb), g));
                }
            }
        }
        links.sort_unstable_by_key(|&(a, b, _)| (a, b));
        let mut merged: Vec<(usize, usize, f64)> = Vec::with_capacity(links.len());
        for (a, b, g) in links {
            match merged.last_mut() {
                Some(last) if last.0 == a && last.1 == b => last.2 += g,
                _ => merged.push((a, b, g)),
            }
        }
        let (other_start, other) = compress(diagonal.len(), &merged);
        Level { layout: coarse_layout, east, south, down, diagonal, other_start, other }
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
        let (cols, per_layer, cells) =
            (self.layout.cols, self.layout.per_layer(), self.layout.cells());
        for node in 0..cells {
            let (row, col) = ((node % per_layer) / cols, node % cols);
            if col + 1 < cols {
                link(node, node + 1, self.east[node]);
            }
            if row + 1 < self.layout.rows {
                link(node, node + cols, self.south[node]);
            }
            if node + per_layer < cells {
                link(node, node + per_layer, self.down[node]);
            }
        }
        for a in 0..self.n_nodes() {
            let (first, last) = (self.other_start[a] as usize, self.other_start[a + 1] as usize);
            for &(b, g) in &self.other[first..last] {
                if (b as usize) > a {
                    link(a, b as usize, g);
                }
            }
        }
        triplets.extend(self.diagonal.iter().enumerate().map(|(n, &d)| Triplet::new(n, n, d)));
        SparseColMat::try_new_from_triplets(self.n_nodes(), self.n_nodes(), &triplets)
            .map_err(|error| NetworkError::Singular(format!("{error:?}")))
    }
}

/// The finest level of the solver: a layered grid network's conductances in the grid's
/// structure (32 bytes per cell), which a caller may keep instead of the network itself.
pub struct GridOperator {
    fine: Level,
}

impl GridOperator {
    /// The conductances of `network`, whose first nodes are the cells of `layout`.
    ///
    /// # Errors
    /// [`NetworkError::Singular`] if the network has fewer nodes than the layout has cells.
    pub fn from_network(
        network: &Network,
        layout: GridLayout,
    ) -> Result<GridOperator, NetworkError> {
        if network.n_nodes() < layout.cells() {
            return Err(NetworkError::Singular(format!(
                "a {} x {} x {} grid layout on a network of {} nodes",
                layout.layers,
                layout.rows,
                layout.cols,
                network.n_nodes()
            )));
        }
        Ok(GridOperator { fine: Level::from_network(network, layout) })
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

    /// One V-cycle from level `depth` for `rhs`, into `x`; `buffers[k]` holds the right-hand
    /// side and correction of level `depth + 1 + k` (allocated once per solve).
    fn cycle(
        &self,
        depth: usize,
        rhs: &[f64],
        x: &mut [f64],
        buffers: &mut [(Vec<f64>, Vec<f64>)],
    ) -> Result<(), NetworkError> {
        let level = self.level(depth);
        let Some(((coarse_rhs, correction), deeper)) = buffers.split_first_mut() else {
            x.copy_from_slice(&self.coarsest.solve(rhs)?);
            return Ok(());
        };
        x.fill(0.0);
        for _ in 0..2 {
            level.sweep(x, rhs, true);
        }
        coarse_rhs.fill(0.0);
        level.restrict_residual(x, rhs, coarse_rhs);
        self.cycle(depth + 1, coarse_rhs, correction, deeper)?;
        level.for_each_aggregate(|node, aggregate| x[node] += correction[aggregate]);
        for _ in 0..2 {
            level.sweep(x, rhs, false);
        }
        Ok(())
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
        let mut buffers: Vec<(Vec<f64>, Vec<f64>)> = self
            .coarse
            .iter()
            .map(|level| (vec![0.0; level.n_nodes()], vec![0.0; level.n_nodes()]))
            .collect();
        // The right-hand side becomes the residual (x = 0).
        let mut residual = rhs;
        let mut z = vec![0.0; n_nodes];
        self.cycle(0, &residual, &mut z, &mut buffers)?;
        let mut direction = z.clone();
        let mut rz = dot(&residual, &z);
        let mut product = vec![0.0; n_nodes];
        for iteration in 1..=MAX_ITERATIONS {
            fine.apply(&direction, &mut product);
            let alpha = rz / dot(&direction, &product);
            for node in 0..n_nodes {
                x[node] += alpha * direction[node];
                residual[node] -= alpha * product[node];
            }
            if dot(&residual, &residual).sqrt() <= RELATIVE_TOLERANCE * norm_rhs {
                return Ok((x, iteration));
            }
            self.cycle(0, &residual, &mut z, &mut buffers)?;
            let rz_next = dot(&residual, &z);
            let beta = rz_next / rz;
            rz = rz_next;
            for node in 0..n_nodes {
                direction[node] = z[node] + beta * direction[node];
            }
        }
        Err(NetworkError::NotConverged { iterations: MAX_ITERATIONS })
    }
}
