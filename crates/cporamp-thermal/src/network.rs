//! A thermal RC network and its steady and transient solutions.
//!
//! Nodes $i$ carry a heat capacity $C_i$ (J/K), a conductance $g_i^a$ (W/K) to the ambient
//! (or coolant) temperature $T_a$, and conductances $g_{ij}$ (W/K) to each other. With the
//! rise $\theta = T - T_a$ and the conductance (Laplacian plus ambient) matrix
//!
//! $$ G_{ii} = g_i^a + \sum_j g_{ij}, \qquad G_{ij} = -g_{ij}, $$
//!
//! the network obeys $C\thinspace\dot\theta + G\thinspace\theta = P$. $G$ is symmetric positive definite when
//! every connected part of the network reaches the ambient, so one sparse Cholesky
//! factorization serves every solve:
//!
//! - steady state: $G\theta = P$;
//! - backward Euler: $(C/\Delta t + G)\thinspace\theta_{n+1} = (C/\Delta t)\thinspace\theta_n + P_{n+1}$;
//! - Crank-Nicolson: $(C/\Delta t + G/2)\thinspace\theta_{n+1} = (C/\Delta t - G/2)\thinspace\theta_n + (P_n + P_{n+1})/2$.
//!
//! The matrix is factored once per step size; a fixed step reuses the factor for every step.
//! Energy balance: at steady state the heat leaving through the ambient conductances,
//! $\sum_i g_i^a \theta_i$, equals $\sum_i P_i$ (checked by the tests).

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::sparse::linalg::cholesky::{
    LltRef, SymbolicCholesky, SymmetricOrdering, factorize_symbolic_cholesky,
};
use faer::sparse::{SparseColMat, Triplet};
use faer::{Conj, Par, Side};

/// A network that cannot be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NetworkError {
    /// A part of the network has no path to the ambient, so its temperature is undefined.
    #[error("the thermal network is singular: some nodes have no path to the ambient ({0})")]
    Singular(String),
    /// The iterative solver did not reach its tolerance.
    #[error("the iterative solver did not converge in {iterations} iterations")]
    NotConverged {
        /// Iterations run.
        iterations: usize,
    },
    /// A time step that is not a finite positive number of seconds.
    #[error("invalid time step {step_s} s; expected a finite value > 0")]
    InvalidStep {
        /// The step, s.
        step_s: f64,
    },
    /// A conductance, capacitance or power that is negative or not finite.
    #[error("invalid {what} {value} at node {node}; expected a finite value >= 0")]
    InvalidValue {
        /// Which quantity.
        what: &'static str,
        /// The node index.
        node: usize,
        /// The value.
        value: f64,
    },
}

/// A thermal RC network under construction or ready to solve.
#[derive(Debug, Clone, Default)]
pub struct Network {
    capacitance_j_per_k: Vec<f64>,
    ambient_w_per_k: Vec<f64>,
    /// Edges with 32-bit node indices (16 bytes each instead of 24: a 512 x 512 x 4 grid holds
    /// three million of them).
    edges: Vec<Edge>,
}

/// An edge: two nodes and the conductance between them, W/K.
#[derive(Debug, Clone, Copy)]
struct Edge {
    a: u32,
    b: u32,
    conductance: f64,
}

impl Edge {
    fn new(a: usize, b: usize, conductance: f64) -> Edge {
        let index =
            |node: usize| u32::try_from(node).expect("a network holds fewer than 2^32 nodes");
        Edge { a: index(a), b: index(b), conductance }
    }

    fn get(self) -> (usize, usize, f64) {
        (self.a as usize, self.b as usize, self.conductance)
    }
}

/// Receives a network's nodes and links as a model builds them: a [`Network`], or a
/// structure that keeps only what one solver needs (the multigrid's
/// [`crate::multigrid::GridOperatorBuilder`]).
pub trait NetworkBuilder {
    /// Adds a node with heat capacity `capacitance_j_per_k`; returns its index.
    fn add_node(&mut self, capacitance_j_per_k: f64) -> usize;
    /// Adds heat capacity to a node.
    fn add_capacitance(&mut self, node: usize, capacitance_j_per_k: f64);
    /// Connects two nodes through a conductance, W/K.
    fn connect_conductance(&mut self, a: usize, b: usize, conductance_w_per_k: f64);
    /// Connects a node to the ambient through a conductance, W/K.
    fn ground_conductance(&mut self, node: usize, conductance_w_per_k: f64);

    /// Connects two nodes through a thermal resistance, K/W.
    fn connect_resistance(&mut self, a: usize, b: usize, resistance_k_per_w: f64) {
        self.connect_conductance(a, b, 1.0 / resistance_k_per_w);
    }

    /// Connects a node to the ambient through a thermal resistance, K/W.
    fn ground_resistance(&mut self, node: usize, resistance_k_per_w: f64) {
        self.ground_conductance(node, 1.0 / resistance_k_per_w);
    }

    /// Reserves room for `nodes` more nodes and `edges` more edges, if the builder stores them.
    fn reserve(&mut self, _nodes: usize, _edges: usize) {}
}

impl NetworkBuilder for Network {
    fn add_node(&mut self, capacitance_j_per_k: f64) -> usize {
        Network::add_node(self, capacitance_j_per_k)
    }

    fn add_capacitance(&mut self, node: usize, capacitance_j_per_k: f64) {
        Network::add_capacitance(self, node, capacitance_j_per_k);
    }

    fn connect_conductance(&mut self, a: usize, b: usize, conductance_w_per_k: f64) {
        Network::connect_conductance(self, a, b, conductance_w_per_k);
    }

    fn ground_conductance(&mut self, node: usize, conductance_w_per_k: f64) {
        Network::ground_conductance(self, node, conductance_w_per_k);
    }

    fn connect_resistance(&mut self, a: usize, b: usize, resistance_k_per_w: f64) {
        Network::connect_resistance(self, a, b, resistance_k_per_w);
    }

    fn ground_resistance(&mut self, node: usize, resistance_k_per_w: f64) {
        Network::ground_resistance(self, node, resistance_k_per_w);
    }

    fn reserve(&mut self, nodes: usize, edges: usize) {
        Network::reserve(self, nodes, edges);
    }
}

/// How to step in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeScheme {
    /// First order, L-stable.
    BackwardEuler,
    /// Second order, A-stable.
    CrankNicolson,
}

impl Network {
    /// Adds a node with heat capacity `capacitance_j_per_k`; returns its index.
    pub fn add_node(&mut self, capacitance_j_per_k: f64) -> usize {
        self.capacitance_j_per_k.push(capacitance_j_per_k);
        self.ambient_w_per_k.push(0.0);
        self.capacitance_j_per_k.len() - 1
    }

    /// Reserves room for `nodes` more nodes and `edges` more edges (large networks then grow
    /// without doubling their vectors).
    pub fn reserve(&mut self, nodes: usize, edges: usize) {
        self.capacitance_j_per_k.reserve_exact(nodes);
        self.ambient_w_per_k.reserve_exact(nodes);
        self.edges.reserve_exact(edges);
    }

    /// Number of nodes.
    #[must_use]
    pub fn n_nodes(&self) -> usize {
        self.capacitance_j_per_k.len()
    }

    /// Adds heat capacity to a node.
    pub fn add_capacitance(&mut self, node: usize, capacitance_j_per_k: f64) {
        self.capacitance_j_per_k[node] += capacitance_j_per_k;
    }

    /// Connects two nodes through a thermal resistance, K/W.
    pub fn connect_resistance(&mut self, a: usize, b: usize, resistance_k_per_w: f64) {
        self.edges.push(Edge::new(a, b, 1.0 / resistance_k_per_w));
    }

    /// Connects two nodes through a conductance, W/K.
    pub fn connect_conductance(&mut self, a: usize, b: usize, conductance_w_per_k: f64) {
        self.edges.push(Edge::new(a, b, conductance_w_per_k));
    }

    /// Connects a node to the ambient through a conductance, W/K.
    pub fn ground_conductance(&mut self, node: usize, conductance_w_per_k: f64) {
        self.ambient_w_per_k[node] += conductance_w_per_k;
    }

    /// Edges as (node, node, conductance in W/K).
    pub fn edges(&self) -> impl ExactSizeIterator<Item = (usize, usize, f64)> + '_ {
        self.edges.iter().map(|edge| edge.get())
    }

    /// Connects a node to the ambient through a thermal resistance, K/W.
    pub fn ground_resistance(&mut self, node: usize, resistance_k_per_w: f64) {
        self.ambient_w_per_k[node] += 1.0 / resistance_k_per_w;
    }

    /// Conductance of each node to the ambient, W/K.
    #[must_use]
    pub fn ambient_conductances(&self) -> &[f64] {
        &self.ambient_w_per_k
    }

    /// Heat capacity of each node, J/K.
    #[must_use]
    pub fn capacitances(&self) -> &[f64] {
        &self.capacitance_j_per_k
    }

    fn check(&self) -> Result<(), NetworkError> {
        for (node, &value) in self.capacitance_j_per_k.iter().enumerate() {
            if !value.is_finite() || value < 0.0 {
                return Err(NetworkError::InvalidValue {
                    what: "heat capacity (J/K)",
                    node,
                    value,
                });
            }
        }
        for (node, &value) in self.ambient_w_per_k.iter().enumerate() {
            if !value.is_finite() || value < 0.0 {
                return Err(NetworkError::InvalidValue {
                    what: "ambient conductance (W/K)",
                    node,
                    value,
                });
            }
        }
        for (a, _, value) in self.edges() {
            if !value.is_finite() || value < 0.0 {
                return Err(NetworkError::InvalidValue {
                    what: "conductance (W/K)",
                    node: a,
                    value,
                });
            }
        }
        Ok(())
    }

    /// The matrix $\alpha\thinspace\mathrm{diag}(C) + \beta G$.
    pub(crate) fn matrix(
        &self,
        alpha: f64,
        beta: f64,
    ) -> Result<SparseColMat<usize, f64>, NetworkError> {
        let n_nodes = self.n_nodes();
        let mut diagonal: Vec<f64> = (0..n_nodes)
            .map(|node| alpha * self.capacitance_j_per_k[node] + beta * self.ambient_w_per_k[node])
            .collect();
        let mut triplets = Vec::with_capacity(2 * self.edges.len() + n_nodes);
        for (a, b, conductance) in self.edges() {
            diagonal[a] += beta * conductance;
            diagonal[b] += beta * conductance;
            triplets.push(Triplet::new(a, b, -beta * conductance));
            triplets.push(Triplet::new(b, a, -beta * conductance));
        }
        triplets.extend(
            diagonal.iter().enumerate().map(|(node, &value)| Triplet::new(node, node, value)),
        );
        SparseColMat::try_new_from_triplets(n_nodes, n_nodes, &triplets)
            .map_err(|error| NetworkError::Singular(format!("{error:?}")))
    }

    /// $G\theta$ for a temperature rise $\theta$ (the heat each node loses, W).
    pub(crate) fn apply_conductance_to(&self, theta: &[f64], out: &mut [f64]) {
        self.apply_conductance(theta, out);
    }

    /// $G\theta$ for a temperature rise $\theta$.
    fn apply_conductance(&self, theta: &[f64], out: &mut [f64]) {
        for (node, value) in out.iter_mut().enumerate() {
            *value = self.ambient_w_per_k[node] * theta[node];
        }
        for (a, b, conductance) in self.edges() {
            let flow = conductance * (theta[a] - theta[b]);
            out[a] += flow;
            out[b] -= flow;
        }
    }

    /// Steady rise above ambient for node powers `power_w`.
    ///
    /// # Errors
    /// [`NetworkError`] if the network is invalid or singular.
    pub fn steady(&self, power_w: &[f64]) -> Result<Vec<f64>, NetworkError> {
        self.check()?;
        Factor::new(&self.matrix(0.0, 1.0)?)?.solve(power_w)
    }

    /// Steady rise by multigrid-preconditioned conjugate gradients ([`crate::multigrid`]), for
    /// networks on a layered grid too large to factor; the first nodes are the cells of
    /// `layout`. Takes the power vector by value: the solver reuses it as its residual.
    ///
    /// # Errors
    /// [`NetworkError`] if the network is invalid, singular or the iteration fails.
    pub fn steady_multigrid(
        &self,
        power_w: Vec<f64>,
        layout: crate::multigrid::GridLayout,
    ) -> Result<Vec<f64>, NetworkError> {
        self.check()?;
        let (theta, _) =
            crate::multigrid::GridOperator::from_network(self, layout)?.solve(power_w)?;
        Ok(theta)
    }

    /// Factors the steady-state matrix once, for many power vectors.
    ///
    /// # Errors
    /// [`NetworkError`] if the network is invalid or singular.
    pub fn steady_solver(&self) -> Result<SteadySolver, NetworkError> {
        self.check()?;
        Ok(SteadySolver(Factor::new(&self.matrix(0.0, 1.0)?)?))
    }

    /// Heat flowing out to the ambient, W, at rise `theta`.
    #[must_use]
    pub fn heat_to_ambient(&self, theta: &[f64]) -> f64 {
        self.ambient_w_per_k.iter().zip(theta).map(|(conductance, rise)| conductance * rise).sum()
    }

    /// Heat stored, J, at rise `theta` relative to zero rise.
    #[must_use]
    pub fn stored_energy(&self, theta: &[f64]) -> f64 {
        self.capacitance_j_per_k
            .iter()
            .zip(theta)
            .map(|(capacitance, rise)| capacitance * rise)
            .sum()
    }

    /// A time stepper with a fixed step, factored once.
    ///
    /// # Errors
    /// [`NetworkError`] if the network is invalid or singular.
    pub fn stepper(&self, step_s: f64, scheme: TimeScheme) -> Result<Stepper<'_>, NetworkError> {
        let StepFactor { step_s, scheme, factor } = self.step_factor(step_s, scheme)?;
        Ok(Stepper {
            network: self,
            step_s,
            scheme,
            factor: StepperFactor::Owned(Box::new(factor)),
        })
    }

    /// The matrix of one time step factored on its own, to be kept (for instance next to the
    /// network) and turned into a [`Stepper`] with [`Network::stepper_with`] without
    /// factoring again.
    ///
    /// # Errors
    /// [`NetworkError`] if the network is invalid or singular.
    pub fn step_factor(&self, step_s: f64, scheme: TimeScheme) -> Result<StepFactor, NetworkError> {
        self.check()?;
        let beta = match scheme {
            TimeScheme::BackwardEuler => 1.0,
            TimeScheme::CrankNicolson => 0.5,
        };
        let factor = Factor::new(&self.matrix(1.0 / step_s, beta)?)?;
        Ok(StepFactor { step_s, scheme, factor })
    }

    /// A stepper on a factor from [`Network::step_factor`] of this same network (steps are
    /// then identical to those of [`Network::stepper`] at the factor's step and scheme).
    #[must_use]
    pub fn stepper_with<'a>(&'a self, factor: &'a StepFactor) -> Stepper<'a> {
        Stepper {
            network: self,
            step_s: factor.step_s,
            scheme: factor.scheme,
            factor: StepperFactor::Borrowed(&factor.factor),
        }
    }
}

/// A time step's matrix, factored once (see [`Network::step_factor`]).
pub struct StepFactor {
    step_s: f64,
    scheme: TimeScheme,
    factor: Factor,
}

impl StepFactor {
    /// The step, s.
    #[must_use]
    pub fn step_s(&self) -> f64 {
        self.step_s
    }

    /// The scheme.
    #[must_use]
    pub fn scheme(&self) -> TimeScheme {
        self.scheme
    }

    /// The step's matrix solved for several right-hand sides at once.
    ///
    /// # Errors
    /// [`NetworkError::Singular`] if a solution is not finite.
    pub fn solve_many<R: AsRef<[f64]>>(&self, rhs: &[R]) -> Result<Vec<Vec<f64>>, NetworkError> {
        self.factor.solve_many(rhs)
    }
}

enum StepperFactor<'a> {
    Owned(Box<Factor>),
    Borrowed(&'a Factor),
}

impl Network {
    /// Advances the rise `theta` over `interval_s` under constant node powers `power_w` with
    /// HotSpot's adaptive fourth-order Runge-Kutta (`RCutil.c` `rk4`, `temperature_block.c`
    /// `compute_temp_block`), reproduced step for step so that HotSpot's transients come
    /// back:
    ///
    /// - the slope is $\dot\theta = C^{-1}(P - G\theta)$;
    /// - each interval starts from a step of 0.1 µs (`MIN_STEP`) and stops once the proposed
    ///   step falls below `MIN_STEP * DELTA` = 1e-13 s or the interval is covered;
    /// - a step of $h$ is compared with two steps of $h/2$ (step doubling, Numerical Recipes
    ///   §16.2); with $\epsilon$ the largest difference in K, the next step is
    ///   $0.95\thinspace h\thinspace(0.01/\epsilon)^{0.2}$ (at most $5h$) when $\epsilon \le 0.01$ K and
    ///   $0.95\thinspace h\thinspace(0.01/\epsilon)^{0.25}$ (at least $h/10$) otherwise, and a step is
    ///   retried while the proposal is shorter than the step tried. As in HotSpot, the result
    ///   kept is the single full step, and a retry starts from the slope HotSpot left in its
    ///   `k1` buffer (the slope at the first half step), not from the slope at the start.
    ///
    /// Returns the number of accepted steps.
    ///
    /// # Errors
    /// [`NetworkError::InvalidValue`] if a node has no heat capacity (the slope is undefined).
    pub fn advance_rk4_hotspot(
        &self,
        theta: &mut [f64],
        power_w: &[f64],
        interval_s: f64,
    ) -> Result<usize, NetworkError> {
        const MIN_STEP_S: f64 = 1e-7;
        const DELTA: f64 = 1e-6;
        const SAFETY: f64 = 0.95;
        const MAX_UP: f64 = 5.0;
        const MAX_DOWN: f64 = 10.0;
        const PRECISION_K: f64 = 0.01;
        self.check()?;
        if let Some((node, &value)) =
            self.capacitance_j_per_k.iter().enumerate().find(|(_, c)| **c <= 0.0)
        {
            return Err(NetworkError::InvalidValue { what: "heat capacity (J/K)", node, value });
        }
        let n = theta.len();
        let mut scratch = Rk4Scratch::new(n);
        let slope = |y: &[f64], flow: &mut [f64], out: &mut [f64]| {
            self.apply_conductance(y, flow);
            for node in 0..n {
                out[node] = (power_w[node] - flow[node]) / self.capacitance_j_per_k[node];
            }
        };
        let (mut k1, mut full, mut half, mut twice) =
            (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        let mut elapsed = 0.0;
        let mut proposed = MIN_STEP_S;
        let mut steps = 0;
        while elapsed < interval_s && proposed >= MIN_STEP_S * DELTA {
            let mut step;
            slope(theta, &mut scratch.flow, &mut k1);
            loop {
                step = proposed;
                scratch.core(theta, &k1, step, &mut full, &slope);
                scratch.core(theta, &k1, step / 2.0, &mut half, &slope);
                slope(&half, &mut scratch.flow, &mut k1);
                scratch.core(&half, &k1, step / 2.0, &mut twice, &slope);
                let error_k =
                    full.iter().zip(&twice).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
                proposed = if error_k <= PRECISION_K {
                    (SAFETY * step * (PRECISION_K / error_k).powf(0.2)).min(MAX_UP * step)
                } else {
                    (SAFETY * step * (PRECISION_K / error_k).powf(0.25)).max(step / MAX_DOWN)
                };
                if proposed >= step {
                    break;
                }
            }
            theta.copy_from_slice(&full);
            steps += 1;
            proposed = proposed.min(interval_s - elapsed - step);
            elapsed += step;
        }
        Ok(steps)
    }
}

/// Work vectors of one Runge-Kutta step.
struct Rk4Scratch {
    trial: Vec<f64>,
    k2: Vec<f64>,
    k3: Vec<f64>,
    k4: Vec<f64>,
    flow: Vec<f64>,
}

impl Rk4Scratch {
    fn new(n: usize) -> Rk4Scratch {
        Rk4Scratch {
            trial: vec![0.0; n],
            k2: vec![0.0; n],
            k3: vec![0.0; n],
            k4: vec![0.0; n],
            flow: vec![0.0; n],
        }
    }

    /// One classical RK4 step of `h` from `y` with the given starting slope `k1`.
    fn core(
        &mut self,
        y: &[f64],
        k1: &[f64],
        h: f64,
        out: &mut [f64],
        slope: &impl Fn(&[f64], &mut [f64], &mut [f64]),
    ) {
        let along = |trial: &mut [f64], step: f64, slope_here: &[f64]| {
            for ((t, y), k) in trial.iter_mut().zip(y).zip(slope_here) {
                *t = y + step * k;
            }
        };
        along(&mut self.trial, h / 2.0, k1);
        slope(&self.trial, &mut self.flow, &mut self.k2);
        along(&mut self.trial, h / 2.0, &self.k2);
        slope(&self.trial, &mut self.flow, &mut self.k3);
        along(&mut self.trial, h, &self.k3);
        slope(&self.trial, &mut self.flow, &mut self.k4);
        for (i, value) in out.iter_mut().enumerate() {
            *value = y[i] + h * (k1[i] + 2.0 * self.k2[i] + 2.0 * self.k3[i] + self.k4[i]) / 6.0;
        }
    }
}

/// A sparse Cholesky factor of an SPD matrix (sequential, so results do not depend on the
/// machine's core count).
pub(crate) struct Factor {
    symbolic: SymbolicCholesky<usize>,
    values: Vec<f64>,
    n_nodes: usize,
}

impl Factor {
    pub(crate) fn new(matrix: &SparseColMat<usize, f64>) -> Result<Factor, NetworkError> {
        let singular = |what: &str| NetworkError::Singular(what.to_string());
        let n_nodes = matrix.nrows();
        let symbolic = factorize_symbolic_cholesky(
            matrix.symbolic(),
            Side::Lower,
            SymmetricOrdering::Amd,
            Default::default(),
        )
        .map_err(|error| singular(&format!("{error:?}")))?;
        let mut values = vec![0.0; symbolic.len_val()];
        let mut buffer = MemBuffer::new(
            symbolic.factorize_numeric_llt_scratch::<f64>(Par::Seq, Default::default()),
        );
        symbolic
            .factorize_numeric_llt(
                &mut values,
                matrix.as_ref(),
                Side::Lower,
                Default::default(),
                Par::Seq,
                MemStack::new(&mut buffer),
                Default::default(),
            )
            .map_err(|error| singular(&format!("{error:?}")))?;
        Ok(Factor { symbolic, values, n_nodes })
    }

    pub(crate) fn solve(&self, rhs: &[f64]) -> Result<Vec<f64>, NetworkError> {
        let mut solutions = self.solve_many(std::slice::from_ref(&rhs))?;
        Ok(solutions.pop().expect("one right-hand side, one solution"))
    }

    /// Solves for several right-hand sides at once (one pass over the factor for all).
    pub(crate) fn solve_many<R: AsRef<[f64]>>(
        &self,
        rhs: &[R],
    ) -> Result<Vec<Vec<f64>>, NetworkError> {
        let mut solution =
            faer::Mat::from_fn(self.n_nodes, rhs.len(), |row, column| rhs[column].as_ref()[row]);
        let mut buffer =
            MemBuffer::new(self.symbolic.solve_in_place_scratch::<f64>(rhs.len(), Par::Seq));
        LltRef::new(&self.symbolic, &self.values).solve_in_place_with_conj(
            Conj::No,
            solution.as_mut(),
            Par::Seq,
            MemStack::new(&mut buffer),
        );
        let values: Vec<Vec<f64>> = (0..rhs.len())
            .map(|column| (0..self.n_nodes).map(|row| solution[(row, column)]).collect())
            .collect();
        if values.iter().flatten().all(|value| value.is_finite()) {
            Ok(values)
        } else {
            Err(NetworkError::Singular("the solution is not finite".to_string()))
        }
    }
}

/// A factored steady-state matrix: each solve is two triangular solves.
pub struct SteadySolver(Factor);

impl SteadySolver {
    /// Steady rise for node powers `power_w`.
    ///
    /// # Errors
    /// [`NetworkError::Singular`] if the solution is not finite.
    pub fn solve(&self, power_w: &[f64]) -> Result<Vec<f64>, NetworkError> {
        self.0.solve(power_w)
    }

    /// Steady rises for several power vectors at once (one pass over the factor).
    ///
    /// # Errors
    /// [`NetworkError::Singular`] if a solution is not finite.
    pub fn solve_many<R: AsRef<[f64]>>(
        &self,
        power_w: &[R],
    ) -> Result<Vec<Vec<f64>>, NetworkError> {
        self.0.solve_many(power_w)
    }
}

/// Steps a network in time with a fixed step and a factor computed once.
pub struct Stepper<'a> {
    network: &'a Network,
    step_s: f64,
    scheme: TimeScheme,
    factor: StepperFactor<'a>,
}

impl Stepper<'_> {
    /// Advances the rise `theta` by one step, with powers `power_before_w` at the start of the
    /// step and `power_after_w` at its end (backward Euler uses only the latter).
    ///
    /// # Errors
    /// [`NetworkError::Singular`] if the solve fails.
    pub fn step(
        &self,
        theta: &mut [f64],
        power_before_w: &[f64],
        power_after_w: &[f64],
    ) -> Result<(), NetworkError> {
        let network = self.network;
        let mut rhs: Vec<f64> = network
            .capacitance_j_per_k
            .iter()
            .zip(theta.iter())
            .map(|(c, t)| c / self.step_s * t)
            .collect();
        match self.scheme {
            TimeScheme::BackwardEuler => {
                for (value, power) in rhs.iter_mut().zip(power_after_w) {
                    *value += power;
                }
            }
            TimeScheme::CrankNicolson => {
                let mut flow = vec![0.0; theta.len()];
                network.apply_conductance(theta, &mut flow);
                for node in 0..rhs.len() {
                    rhs[node] +=
                        0.5 * (power_before_w[node] + power_after_w[node]) - 0.5 * flow[node];
                }
            }
        }
        let factor: &Factor = match &self.factor {
            StepperFactor::Owned(factor) => factor,
            StepperFactor::Borrowed(factor) => factor,
        };
        let next = factor.solve(&rhs)?;
        theta.copy_from_slice(&next);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_resistances_add() {
        // Source -> 2 K/W -> middle -> 3 K/W -> ambient: rise 5 K/W x 1 W at the source.
        let mut network = Network::default();
        let source = network.add_node(0.0);
        let middle = network.add_node(0.0);
        network.connect_resistance(source, middle, 2.0);
        network.ground_resistance(middle, 3.0);
        let theta = network.steady(&[1.0, 0.0]).unwrap();
        assert!((theta[0] - 5.0).abs() < 1e-12 && (theta[1] - 3.0).abs() < 1e-12);
        assert!((network.heat_to_ambient(&theta) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn floating_node_is_singular_not_nan() {
        let mut network = Network::default();
        network.add_node(1.0);
        assert!(matches!(network.steady(&[1.0]), Err(NetworkError::Singular(_))));
    }

    #[test]
    fn backward_euler_stores_exactly_the_energy_not_released() {
        // Summing C (θ_{n+1} - θ_n)/Δt = P - G θ_{n+1} over nodes: the change of stored energy
        // in a step is Δt (ΣP - heat to ambient at θ_{n+1}); the Laplacian part cancels.
        let mut network = Network::default();
        let nodes: Vec<usize> =
            [2.0, 0.5, 3.0].iter().map(|&capacitance| network.add_node(capacitance)).collect();
        network.connect_resistance(nodes[0], nodes[1], 0.7);
        network.connect_resistance(nodes[1], nodes[2], 1.3);
        network.connect_resistance(nodes[0], nodes[2], 2.1);
        network.ground_resistance(nodes[2], 0.9);
        let step_s = 0.25;
        let stepper = network.stepper(step_s, TimeScheme::BackwardEuler).unwrap();
        let mut theta = vec![0.0; 3];
        let power = [4.0, 0.0, 1.0];
        for _ in 0..20 {
            let before = network.stored_energy(&theta);
            stepper.step(&mut theta, &power, &power).unwrap();
            let released = step_s * network.heat_to_ambient(&theta);
            let change = network.stored_energy(&theta) - before;
            assert!((change - (step_s * 5.0 - released)).abs() < 1e-9 * step_s * 5.0, "{change}");
        }
    }

    #[test]
    fn lumped_rc_follows_its_exponential_and_time_schemes_converge_at_their_order() {
        // C dθ/dt + θ/R = P from θ = 0: θ(t) = P R (1 - exp(-t/RC)).
        let (resistance, capacitance, power) = (2.0, 0.5, 3.0);
        let mut network = Network::default();
        let node = network.add_node(capacitance);
        network.ground_resistance(node, resistance);
        let exact = power * resistance * (1.0 - (-1.0f64 / (resistance * capacitance)).exp());
        let error = |scheme, n_steps: u32| {
            let stepper = network.stepper(1.0 / f64::from(n_steps), scheme).unwrap();
            let mut theta = [0.0];
            for _ in 0..n_steps {
                stepper.step(&mut theta, &[power], &[power]).unwrap();
            }
            (theta[0] - exact).abs()
        };
        let order = |scheme| (error(scheme, 40) / error(scheme, 80)).log2();
        let backward_euler = order(TimeScheme::BackwardEuler);
        let crank_nicolson = order(TimeScheme::CrankNicolson);
        assert!((backward_euler - 1.0).abs() < 0.05, "backward Euler order {backward_euler}");
        assert!((crank_nicolson - 2.0).abs() < 0.05, "Crank-Nicolson order {crank_nicolson}");
        assert!(error(TimeScheme::CrankNicolson, 80) < 1e-4);
    }
}
