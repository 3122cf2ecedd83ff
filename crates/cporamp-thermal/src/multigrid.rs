//! Conjugate gradients preconditioned by an aggregation multigrid V-cycle, for steady solves
//! of large layered grids where a sparse Cholesky factor would not fit in memory.
//!
//! Levels: each coarser level merges 2 x 2 cells of every layer into one node (extra nodes,
//! such as HotSpot's package nodes, stay as they are). With the piecewise-constant
//! prolongation $P$ this gives the Galerkin operator $A_c = P^\top A P$ exactly: because $A$ is
//! a weighted graph Laplacian plus a diagonal, $A_c$ is again one, whose edge between two
//! aggregates is the sum of the fine conductances between them and whose ambient
//! conductance is the sum of its members'. Coarsening stops at 64 x 64 cells, which is
//! factored by sparse Cholesky.
//!
//! One V-cycle: two forward Gauss-Seidel sweeps, restrict the residual (sum over aggregates),
//! recurse, add the prolonged correction, two backward Gauss-Seidel sweeps. The sweeps mirror
//! each other, so the cycle is a symmetric positive definite preconditioner and CG applies.
//! CG stops when $\lVert r\rVert_2 \le 10^{-12} \lVert b\rVert_2$.

use crate::network::{Network, NetworkError};

/// Grid position of a node: (layer, row, column); `None` for nodes outside the grid.
pub type GridPosition = Option<(usize, usize, usize)>;

/// Cells per layer at or below which a level is solved directly.
const COARSEST_CELLS: usize = 64 * 64;
const RELATIVE_TOLERANCE: f64 = 1e-12;
const MAX_ITERATIONS: usize = 500;

/// A symmetric matrix in compressed rows: diagonal plus off-diagonal conductances.
struct Level {
    diagonal: Vec<f64>,
    row_start: Vec<usize>,
    neighbours: Vec<(usize, f64)>,
    /// Fine node -> coarse node, for all but the coarsest level.
    aggregate: Vec<usize>,
}

impl Level {
    fn from_network(network: &Network) -> Level {
        let n_nodes = network.n_nodes();
        let mut diagonal = network.ambient_conductances().to_vec();
        let mut degree = vec![0usize; n_nodes];
        for &(a, b, _) in network.edges() {
            degree[a] += 1;
            degree[b] += 1;
        }
        let mut row_start = vec![0; n_nodes + 1];
        for node in 0..n_nodes {
            row_start[node + 1] = row_start[node] + degree[node];
        }
        let mut fill = row_start.clone();
        let mut neighbours = vec![(0, 0.0); row_start[n_nodes]];
        for &(a, b, conductance) in network.edges() {
            diagonal[a] += conductance;
            diagonal[b] += conductance;
            neighbours[fill[a]] = (b, conductance);
            fill[a] += 1;
            neighbours[fill[b]] = (a, conductance);
            fill[b] += 1;
        }
        Level { diagonal, row_start, neighbours, aggregate: Vec::new() }
    }

    fn n_nodes(&self) -> usize {
        self.diagonal.len()
    }

    /// `out = A x`.
    fn apply(&self, x: &[f64], out: &mut [f64]) {
        for node in 0..self.n_nodes() {
            let mut sum = self.diagonal[node] * x[node];
            for &(other, conductance) in
                &self.neighbours[self.row_start[node]..self.row_start[node + 1]]
            {
                sum -= conductance * x[other];
            }
            out[node] = sum;
        }
    }

    fn relax(&self, node: usize, x: &mut [f64], rhs: &[f64]) {
        let mut sum = rhs[node];
        for &(other, conductance) in
            &self.neighbours[self.row_start[node]..self.row_start[node + 1]]
        {
            sum += conductance * x[other];
        }
        x[node] = sum / self.diagonal[node];
    }
}

/// An aggregation multigrid hierarchy over a layered grid network.
pub struct Multigrid {
    levels: Vec<Level>,
    coarsest: crate::network::Factor,
}

impl Multigrid {
    /// Builds the hierarchy for `network`, whose nodes sit at `positions`.
    ///
    /// # Errors
    /// [`NetworkError`] if the coarsest level cannot be factored (a singular network).
    pub fn new(network: &Network, positions: &[GridPosition]) -> Result<Multigrid, NetworkError> {
        let mut levels = Vec::new();
        let mut current = network.clone();
        let mut current_positions = positions.to_vec();
        loop {
            let (rows, cols) =
                current_positions.iter().flatten().fold((0, 0), |(rows, cols), &(_, row, col)| {
                    (rows.max(row + 1), cols.max(col + 1))
                });
            let mut level = Level::from_network(&current);
            if rows * cols <= COARSEST_CELLS || rows < 2 || cols < 2 {
                let coarsest = crate::network::Factor::new(&current.matrix(0.0, 1.0)?)?;
                levels.push(level);
                return Ok(Multigrid { levels, coarsest });
            }
            // Aggregate 2 x 2 cells per layer; extra nodes keep a node of their own, after the cells.
            let n_layers = current_positions
                .iter()
                .flatten()
                .map(|&(layer, _, _)| layer + 1)
                .max()
                .unwrap_or(0);
            let (coarse_rows, coarse_cols) = (rows.div_ceil(2), cols.div_ceil(2));
            let n_coarse_cells = n_layers * coarse_rows * coarse_cols;
            let mut coarse_positions: Vec<GridPosition> = (0..n_layers)
                .flat_map(|layer| {
                    (0..coarse_rows).flat_map(move |row| {
                        (0..coarse_cols).map(move |col| Some((layer, row, col)))
                    })
                })
                .collect();
            let mut aggregate = Vec::with_capacity(current.n_nodes());
            for position in &current_positions {
                aggregate.push(match position {
                    Some((layer, row, col)) => {
                        (layer * coarse_rows + row / 2) * coarse_cols + col / 2
                    }
                    None => {
                        coarse_positions.push(None);
                        coarse_positions.len() - 1
                    }
                });
            }
            debug_assert!(coarse_positions.len() >= n_coarse_cells);
            let mut coarse = Network::default();
            for _ in 0..coarse_positions.len() {
                coarse.add_node(0.0);
            }
            for (node, &conductance) in current.ambient_conductances().iter().enumerate() {
                if conductance > 0.0 {
                    coarse.ground_conductance(aggregate[node], conductance);
                }
            }
            let mut coarse_edges: Vec<(usize, usize, f64)> = current
                .edges()
                .iter()
                .filter_map(|&(a, b, conductance)| {
                    let (a, b) = (aggregate[a], aggregate[b]);
                    (a != b).then_some((a.min(b), a.max(b), conductance))
                })
                .collect();
            coarse_edges.sort_unstable_by_key(|&(a, b, _)| (a, b));
            let mut merged: Vec<(usize, usize, f64)> = Vec::with_capacity(coarse_edges.len() / 2);
            for (a, b, conductance) in coarse_edges {
                match merged.last_mut() {
                    Some(last) if last.0 == a && last.1 == b => last.2 += conductance,
                    _ => merged.push((a, b, conductance)),
                }
            }
            for (a, b, conductance) in merged {
                coarse.connect_conductance(a, b, conductance);
            }
            level.aggregate = aggregate;
            levels.push(level);
            current = coarse;
            current_positions = coarse_positions;
        }
    }

    fn cycle(&self, depth: usize, rhs: &[f64]) -> Result<Vec<f64>, NetworkError> {
        let level = &self.levels[depth];
        if depth + 1 == self.levels.len() {
            return self.coarsest.solve(rhs);
        }
        let n_nodes = level.n_nodes();
        let mut x = vec![0.0; n_nodes];
        for _ in 0..2 {
            for node in 0..n_nodes {
                level.relax(node, &mut x, rhs);
            }
        }
        let mut residual = vec![0.0; n_nodes];
        level.apply(&x, &mut residual);
        let mut coarse_rhs = vec![0.0; self.levels[depth + 1].n_nodes()];
        for node in 0..n_nodes {
            coarse_rhs[level.aggregate[node]] += rhs[node] - residual[node];
        }
        let correction = self.cycle(depth + 1, &coarse_rhs)?;
        for node in 0..n_nodes {
            x[node] += correction[level.aggregate[node]];
        }
        for _ in 0..2 {
            for node in (0..n_nodes).rev() {
                level.relax(node, &mut x, rhs);
            }
        }
        Ok(x)
    }

    /// Solves $A x = b$ by preconditioned conjugate gradients. Returns the solution and the
    /// number of iterations.
    ///
    /// # Errors
    /// [`NetworkError::NotConverged`] if the tolerance is not reached in 500 iterations.
    pub fn solve(&self, rhs: &[f64]) -> Result<(Vec<f64>, usize), NetworkError> {
        let fine = &self.levels[0];
        let n_nodes = fine.n_nodes();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let norm_rhs = dot(rhs, rhs).sqrt();
        let mut x = vec![0.0; n_nodes];
        if norm_rhs == 0.0 {
            return Ok((x, 0));
        }
        let mut residual = rhs.to_vec();
        let mut z = self.cycle(0, &residual)?;
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
            z = self.cycle(0, &residual)?;
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
