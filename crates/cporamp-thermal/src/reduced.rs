//! Reduced-order transients of a thermal network: Galerkin projection onto a block Krylov
//! subspace, then exact time integration of the small model.
//!
//! # Projection
//! A network $C\dot\theta + G\theta = B\thinspace u(t)$ ([`crate::network`]) is driven by a few input
//! patterns (the columns of $B$: for a package, 1 W in the ASIC, 1 W in every engine, a unit
//! coolant offset) and observed at a few nodes (the junctions). Its transfer function
//! $H(s) = L^\top (sC + G)^{-1} B$ is matched around $s = 0$ by projecting on the block Krylov
//! space of the shift-invert operator $A = G^{-1}C$,
//!
//! $$ \mathcal{K}\_k = \operatorname{span}\lbrace G^{-1}B,\ A\thinspace G^{-1}B,\ \dots,\ A^{k-1}G^{-1}B\rbrace, $$
//!
//! each block costing triangular solves with the steady factor the network already has (no
//! new factorization). The basis $V$ is orthonormal in the heat-capacity inner product,
//! $V^\top C V = I$, so the reduced model $\dot z + G_r z = V^\top B\thinspace u$ with
//! $G_r = V^\top G V$ is symmetric positive definite: stable and passive like the network,
//! and exact at steady state ($G^{-1}B \in \mathcal{K}\_k$). $A$ is self-adjoint in that inner
//! product and its largest eigenvalues are the slowest time constants, so the basis resolves
//! the slow modes first while faster ones enter quasi-statically through the first block
//! ("mode acceleration"); [`Reduced::new`] adds blocks until the unit step responses at the
//! observed nodes stop moving (see there).
//!
//! # Time integration
//! With $G_r = Q\Lambda Q^\top$ the reduced modes $w = Q^\top z$ decouple,
//! $\dot w_i = -\lambda_i w_i + (Q^\top V^\top B\thinspace u)\_i$. For inputs held over each step (a
//! zero-order hold, as a power trace is) the exact step is
//!
//! $$ w_i(t + \Delta t) = e^{-\lambda_i \Delta t} w_i(t) + \frac{1 - e^{-\lambda_i\Delta t}}{\lambda_i}\thinspace(Q^\top V^\top B\thinspace u)\_i, $$
//!
//! so a history has no time-step error at all (only the projection's), at any step size; the
//! observed rises are $V_{\text{obs}} Q\thinspace w$. [`Scheme::BackwardEuler`] steps the same reduced
//! model by backward Euler instead, which reproduces the full network's backward-Euler
//! history up to the projection error (the tests use it to separate the two errors).

use crate::network::{Network, NetworkError, SteadySolver, StepFactor};

/// How [`Reduced::history`] steps in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Exact integration of inputs held over each step.
    Exact,
    /// Backward Euler (first order), as [`crate::network::TimeScheme::BackwardEuler`].
    BackwardEuler,
}

/// A reduced-order model of a network's rise at observed nodes under a few input patterns.
#[derive(Debug, Clone)]
pub struct Reduced {
    /// Decay rate of each reduced mode, 1/s.
    rates_per_s: Vec<f64>,
    /// Modal input matrix, mode-major: `input[mode * n_inputs + input]` is the rate of change
    /// of the mode's amplitude per unit of the input.
    input: Vec<f64>,
    /// Observed rise per modal amplitude, node-major: `output[node * n_modes + mode]`.
    output: Vec<f64>,
    n_inputs: usize,
    n_observed: usize,
    rounds: usize,
    /// The last round's change of the step responses (relative; infinite after one round).
    change: f64,
    /// Whether that change met the tolerance.
    converged: bool,
}

/// Inner product weighted by the heat capacities.
fn dot_c(capacitance: &[f64], a: &[f64], b: &[f64]) -> f64 {
    capacitance.iter().zip(a).zip(b).map(|((c, x), y)| c * x * y).sum()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// A factored shifted matrix $(\sigma C + G)$ that solves several right-hand sides at once:
/// the steady state ($\sigma = 0$, [`SteadySolver`]) or a backward-Euler step
/// ($\sigma = 1/\Delta t$, [`StepFactor`]).
pub trait ShiftedSolver: Sync {
    /// $(\sigma C + G)^{-1}$ applied to each of `rhs`.
    ///
    /// # Errors
    /// [`NetworkError::Singular`] if a solution is not finite.
    fn solve_block(&self, rhs: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, NetworkError>;
}

impl ShiftedSolver for SteadySolver {
    fn solve_block(&self, rhs: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, NetworkError> {
        self.solve_many(rhs)
    }
}

impl ShiftedSolver for StepFactor {
    fn solve_block(&self, rhs: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, NetworkError> {
        self.solve_many(rhs)
    }
}

/// How far [`Reduced::new`] builds its basis.
#[derive(Debug, Clone, Copy)]
pub struct Convergence {
    /// The shortest time the histories resolve (their step), s: step responses are compared
    /// from this time on.
    pub resolution_s: f64,
    /// Largest change of an observed unit step response that a new round of blocks may make,
    /// relative to the largest steady response of that input.
    pub tolerance: f64,
    /// At most this many rounds (one block per shift each) in [`Reduced::new`].
    pub max_rounds: usize,
}

/// Builds a [`Reduced`] model round by round (see [`Reduced::new`]); shifts may join
/// between rounds (a new shift starts from the inputs).
pub struct Builder<'a> {
    network: &'a Network,
    inputs: &'a [Vec<f64>],
    observed: &'a [usize],
    convergence: Convergence,
    projection: Projection,
    /// Each shift's newest vectors (the start of its next block), by shift index.
    newest: Vec<Option<Vec<Vec<f64>>>>,
    previous: Option<Reduced>,
    rounds: usize,
    /// $G^{-1}B$ given by [`Builder::with_steady_block`].
    steady_block: Option<Vec<Vec<f64>>>,
}

impl<'a> Builder<'a> {
    /// A builder for `network` driven by `inputs` and observed at `observed`.
    ///
    /// # Errors
    /// [`NetworkError::InvalidValue`] if a node has no heat capacity.
    pub fn new(
        network: &'a Network,
        inputs: &'a [Vec<f64>],
        observed: &'a [usize],
        convergence: Convergence,
    ) -> Result<Builder<'a>, NetworkError> {
        let capacitance = network.capacitances();
        if let Some((node, &value)) = capacitance.iter().enumerate().find(|(_, c)| **c <= 0.0) {
            return Err(NetworkError::InvalidValue { what: "heat capacity (J/K)", node, value });
        }
        let step_s = convergence.resolution_s;
        if !(step_s.is_finite() && step_s > 0.0) {
            return Err(NetworkError::InvalidStep { step_s });
        }
        Ok(Builder {
            network,
            inputs,
            observed,
            convergence,
            projection: Projection::default(),
            newest: Vec::new(),
            previous: None,
            rounds: 0,
            steady_block: None,
        })
    }

    /// The steady responses to the inputs, $G^{-1}B$ (one vector per input), when the caller
    /// has them already: the first shift (the steady factor) starts from them instead of
    /// solving again.
    #[must_use]
    pub fn with_steady_block(mut self, block: Vec<Vec<f64>>) -> Builder<'a> {
        self.steady_block = Some(block);
        self
    }

    /// Runs rounds with `shifts` (the same shifts in the same order each call, possibly with
    /// more appended) until converged, or `max_rounds` rounds in all; returns the model.
    ///
    /// # Errors
    /// The solvers' errors, or a reduced model that does not decay.
    pub fn run(
        &mut self,
        shifts: &[&dyn ShiftedSolver],
        max_rounds: usize,
    ) -> Result<Reduced, NetworkError> {
        let capacitance = self.network.capacitances();
        self.newest.resize(shifts.len(), None);
        while self.rounds < max_rounds.max(1) {
            self.rounds += 1;
            let mut grew = false;
            for (index, (shift, newest)) in shifts.iter().zip(self.newest.iter_mut()).enumerate() {
                let rhs: Vec<Vec<f64>> = match newest {
                    None => self.inputs.to_vec(),
                    Some(last) if last.is_empty() => continue,
                    Some(last) => last
                        .iter()
                        .map(|vector| vector.iter().zip(capacitance).map(|(v, c)| v * c).collect())
                        .collect(),
                };
                let block = match self.steady_block.take() {
                    Some(block) if index == 0 && newest.is_none() => block,
                    _ => shift.solve_block(&rhs)?,
                };
                let added = self.projection.add_block(self.network, capacitance, block);
                grew |= !added.is_empty();
                *newest = Some(added);
            }
            if !grew {
                // The Krylov space is invariant: the projection is exact.
                if let Some(last) = self.previous.as_mut() {
                    last.converged = true;
                    last.change = 0.0;
                    return Ok(last.clone());
                }
                return Err(NetworkError::Singular("no input reaches the network".to_string()));
            }
            let mut model = self.projection.reduce(self.observed, self.inputs, self.rounds)?;
            model.change = self.previous.as_ref().map_or(f64::INFINITY, |last| {
                model.step_change(last, self.convergence.resolution_s)
            });
            model.converged = model.change <= self.convergence.tolerance;
            self.previous = Some(model.clone());
            if model.converged {
                return Ok(model);
            }
        }
        self.previous.clone().ok_or(NetworkError::Singular("no round was run".to_string()))
    }
}

impl Reduced {
    /// Projects `network` driven by the node-power patterns `inputs` (W per node per unit
    /// input), observed at `observed` nodes, onto rational Krylov blocks: round 1 takes
    /// $(\sigma_j C + G)^{-1} B$ for each shifted factor in `shifts` (the first must be the
    /// steady one, $\sigma = 0$, so that steady states are exact), each later round
    /// $(\sigma_j C + G)^{-1} C$ applied to shift $j$'s previous block. A shift
    /// $\sigma = 1/\Delta t$ resolves modes of time constant near $\Delta t$ in a few rounds
    /// where $\sigma = 0$ alone needs many.
    ///
    /// Convergence: after each round the reduced model's unit step responses at the observed
    /// nodes are evaluated at the times $2^j t_0$, $t_0$ = `resolution_s`, until both the new
    /// and the previous model have settled; rounds are added until a round moves none of
    /// them by more than `tolerance` (relative to the largest steady response of that input),
    /// or `max_rounds` is reached (the last model is then returned, [`Reduced::converged`]
    /// false; its error is about [`Reduced::last_change`]).
    ///
    /// # Errors
    /// [`NetworkError::InvalidValue`] if a node has no heat capacity, or the solvers' errors.
    pub fn new(
        network: &Network,
        shifts: &[&dyn ShiftedSolver],
        inputs: &[Vec<f64>],
        observed: &[usize],
        convergence: Convergence,
    ) -> Result<Reduced, NetworkError> {
        Builder::new(network, inputs, observed, convergence)?.run(shifts, convergence.max_rounds)
    }
}

/// The growing C-orthonormal basis with its projected conductance and inputs, stored
/// column-major so that orthogonalisation and projection are matrix products.
#[derive(Default)]
struct Projection {
    n: usize,
    /// $V$, column-major (n x r).
    basis: Vec<f64>,
    /// $CV$, column-major.
    weighted: Vec<f64>,
    /// $GV$, column-major.
    flows: Vec<f64>,
}

impl Projection {
    fn r(&self) -> usize {
        self.basis.len().checked_div(self.n).unwrap_or(0)
    }

    fn column(data: &[f64], n: usize, index: usize) -> &[f64] {
        &data[index * n..(index + 1) * n]
    }

    /// C-orthonormalises `block` against the basis (block classical Gram-Schmidt, twice, for
    /// rounding) and itself (modified Gram-Schmidt), drops directions already spanned,
    /// appends the rest; returns the vectors added.
    fn add_block(
        &mut self,
        network: &Network,
        capacitance: &[f64],
        block: Vec<Vec<f64>>,
    ) -> Vec<Vec<f64>> {
        let n = capacitance.len();
        self.n = n;
        let b = block.len();
        let norms_before: Vec<f64> =
            block.iter().map(|vector| dot_c(capacitance, vector, vector).sqrt()).collect();
        let mut w = faer::Mat::<f64>::from_fn(n, b, |row, column| block[column][row]);
        let r = self.r();
        if r > 0 {
            let basis = faer::MatRef::from_column_major_slice(&self.basis, n, r);
            let weighted = faer::MatRef::from_column_major_slice(&self.weighted, n, r);
            let mut coefficients = faer::Mat::<f64>::zeros(r, b);
            for _ in 0..2 {
                faer::linalg::matmul::matmul(
                    coefficients.as_mut(),
                    faer::Accum::Replace,
                    weighted.transpose(),
                    w.as_ref(),
                    1.0,
                    faer::Par::Seq,
                );
                faer::linalg::matmul::matmul(
                    w.as_mut(),
                    faer::Accum::Add,
                    basis,
                    coefficients.as_ref(),
                    -1.0,
                    faer::Par::Seq,
                );
            }
        }
        let mut added: Vec<Vec<f64>> = Vec::new();
        for (column, norm_before) in norms_before.into_iter().enumerate() {
            let mut vector: Vec<f64> = (0..n).map(|row| w[(row, column)]).collect();
            for _ in 0..2 {
                for existing in &added {
                    let projection = dot_c(capacitance, &vector, existing);
                    for (value, e) in vector.iter_mut().zip(existing) {
                        *value -= projection * e;
                    }
                }
            }
            let norm = dot_c(capacitance, &vector, &vector).sqrt();
            if norm > 0.0 && norm > 1e-10 * norm_before {
                vector.iter_mut().for_each(|value| *value /= norm);
                added.push(vector);
            }
        }
        for vector in &added {
            let mut flow = vec![0.0; n];
            network.apply_conductance_to(vector, &mut flow);
            self.basis.extend_from_slice(vector);
            self.weighted.extend(vector.iter().zip(capacitance).map(|(v, c)| v * c));
            self.flows.extend(flow);
        }
        added
    }

    /// The reduced model on the current basis, observed at `observed`.
    fn reduce(
        &self,
        observed: &[usize],
        inputs: &[Vec<f64>],
        rounds: usize,
    ) -> Result<Reduced, NetworkError> {
        let (n, r) = (self.n, self.r());
        let basis = faer::MatRef::from_column_major_slice(&self.basis, n, r);
        let flows = faer::MatRef::from_column_major_slice(&self.flows, n, r);
        let mut reduced_g = faer::Mat::<f64>::zeros(r, r);
        faer::linalg::matmul::matmul(
            reduced_g.as_mut(),
            faer::Accum::Replace,
            basis.transpose(),
            flows,
            1.0,
            faer::Par::Seq,
        );
        // Symmetrise (V^T G V is symmetric up to rounding).
        let reduced_g =
            faer::Mat::<f64>::from_fn(r, r, |i, j| 0.5 * (reduced_g[(i, j)] + reduced_g[(j, i)]));
        let eigen = reduced_g
            .self_adjoint_eigen(faer::Side::Lower)
            .map_err(|error| NetworkError::Singular(format!("reduced eigenproblem: {error:?}")))?;
        let (vectors, values) = (eigen.U(), eigen.S());
        let rates_per_s: Vec<f64> = (0..r).map(|mode| values[mode]).collect();
        if rates_per_s.iter().any(|rate| !(rate.is_finite() && *rate > 0.0)) {
            return Err(NetworkError::Singular(
                "the reduced model has a mode that does not decay".to_string(),
            ));
        }
        let n_inputs = inputs.len();
        let product = |lhs: faer::MatRef<'_, f64>, rhs: faer::MatRef<'_, f64>| {
            let mut out = faer::Mat::<f64>::zeros(lhs.nrows(), rhs.ncols());
            faer::linalg::matmul::matmul(
                out.as_mut(),
                faer::Accum::Replace,
                lhs,
                rhs,
                1.0,
                faer::Par::Seq,
            );
            out
        };
        // Q^T V^T B (r x m), stored mode-major.
        let projected = faer::Mat::<f64>::from_fn(r, n_inputs, |k, column| {
            dot(Projection::column(&self.basis, n, k), &inputs[column])
        });
        let modal_input = product(vectors.transpose(), projected.as_ref());
        let input: Vec<f64> = (0..r)
            .flat_map(|mode| (0..n_inputs).map(move |column| (mode, column)))
            .map(|(mode, column)| modal_input[(mode, column)])
            .collect();
        // V_obs Q (observed x r), stored node-major.
        let observed_basis = faer::Mat::<f64>::from_fn(observed.len(), r, |row, k| {
            self.basis[k * n + observed[row]]
        });
        let modal_output = product(observed_basis.as_ref(), vectors);
        let output: Vec<f64> = (0..observed.len())
            .flat_map(|row| (0..r).map(move |mode| (row, mode)))
            .map(|(row, mode)| modal_output[(row, mode)])
            .collect();
        Ok(Reduced {
            rates_per_s,
            input,
            output,
            n_inputs,
            n_observed: observed.len(),
            rounds,
            change: f64::INFINITY,
            converged: false,
        })
    }
}

impl Reduced {
    /// Largest change of the unit step responses between `self` and `other` (same inputs and
    /// observed nodes) at times $2^j$ `resolution_s` until both have settled, relative to the
    /// largest steady response of each input.
    fn step_change(&self, other: &Reduced, resolution_s: f64) -> f64 {
        let slowest = self
            .rates_per_s
            .iter()
            .chain(&other.rates_per_s)
            .fold(f64::INFINITY, |slowest, rate| slowest.min(*rate));
        let mut worst: f64 = 0.0;
        for input in 0..self.n_inputs {
            let steady = |model: &Reduced| model.step_response(input, f64::INFINITY);
            let scale =
                steady(self).iter().map(|v| v.abs()).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
            let mut time_s = resolution_s;
            loop {
                let a = self.step_response(input, time_s);
                let b = other.step_response(input, time_s);
                let change = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max);
                worst = worst.max(change / scale);
                if time_s * slowest > 40.0 {
                    break;
                }
                time_s *= 2.0;
            }
        }
        worst
    }

    /// Observed rise at `time_s` after a unit step of input `input` from rest.
    #[must_use]
    pub fn step_response(&self, input: usize, time_s: f64) -> Vec<f64> {
        let r = self.rates_per_s.len();
        let amplitudes: Vec<f64> = (0..r)
            .map(|mode| {
                let rate = self.rates_per_s[mode];
                self.input[mode * self.n_inputs + input] * (-(-rate * time_s).exp_m1()) / rate
            })
            .collect();
        (0..self.n_observed)
            .map(|row| {
                self.output[row * r..(row + 1) * r]
                    .iter()
                    .zip(&amplitudes)
                    .map(|(y, w)| y * w)
                    .sum()
            })
            .collect()
    }

    /// Number of reduced modes.
    #[must_use]
    pub fn n_modes(&self) -> usize {
        self.rates_per_s.len()
    }

    /// Whether the last round changed the step responses by less than the tolerance.
    #[must_use]
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// The last round's largest change of an observed unit step response, relative to the
    /// input's largest steady response.
    #[must_use]
    pub fn last_change(&self) -> f64 {
        self.change
    }

    /// Number of Krylov rounds used (one block per shift each).
    #[must_use]
    pub fn n_rounds(&self) -> usize {
        self.rounds
    }

    /// Observed rises from rest under inputs held over steps of `step_s`: `input(k)` gives
    /// the inputs of step `k` (`n_inputs` values), and `observe(k, rises)` receives the
    /// observed rises at the end of step `k`, for `k` in `0..n_steps`.
    pub fn history(
        &self,
        scheme: Scheme,
        step_s: f64,
        n_steps: usize,
        mut input: impl FnMut(usize, &mut [f64]),
        mut observe: impl FnMut(usize, &[f64]),
    ) {
        let r = self.rates_per_s.len();
        // w <- decay w + gain (P u).
        let (decay, gain): (Vec<f64>, Vec<f64>) = self
            .rates_per_s
            .iter()
            .map(|&rate| match scheme {
                Scheme::Exact => {
                    let decay = (-rate * step_s).exp();
                    (decay, -(-rate * step_s).exp_m1() / rate)
                }
                Scheme::BackwardEuler => {
                    let denominator = 1.0 + rate * step_s;
                    (1.0 / denominator, step_s / denominator)
                }
            })
            .unzip();
        let mut modal = vec![0.0; r];
        let mut values = vec![0.0; self.n_inputs];
        let mut rises = vec![0.0; self.n_observed];
        for step in 0..n_steps {
            values.iter_mut().for_each(|value| *value = 0.0);
            input(step, &mut values);
            for mode in 0..r {
                let forcing: f64 = self.input[mode * self.n_inputs..(mode + 1) * self.n_inputs]
                    .iter()
                    .zip(&values)
                    .map(|(p, u)| p * u)
                    .sum();
                modal[mode] = decay[mode] * modal[mode] + gain[mode] * forcing;
            }
            for (row, rise) in rises.iter_mut().enumerate() {
                *rise = self.output[row * r..(row + 1) * r]
                    .iter()
                    .zip(&modal)
                    .map(|(y, w)| y * w)
                    .sum();
            }
            observe(step, &rises);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::TimeScheme;

    fn convergence(resolution_s: f64) -> Convergence {
        Convergence { resolution_s, tolerance: 1e-12, max_rounds: 50 }
    }

    #[test]
    fn a_lumped_rc_is_integrated_exactly_and_backward_euler_as_the_network_steps() {
        // C dθ/dt + θ/R = P: θ(t) = P R (1 - exp(-t/RC)), at any step size.
        let (resistance, capacitance, power) = (2.0, 0.5, 3.0);
        let mut network = Network::default();
        let node = network.add_node(capacitance);
        network.ground_resistance(node, resistance);
        let solver = network.steady_solver().unwrap();
        let reduced =
            Reduced::new(&network, &[&solver], &[vec![1.0]], &[node], convergence(0.3)).unwrap();
        assert!(reduced.converged() && reduced.n_modes() == 1);
        let step_s = 0.3;
        let mut exact = Vec::new();
        reduced.history(
            Scheme::Exact,
            step_s,
            10,
            |_, u| u[0] = power,
            |_, rise| {
                exact.push(rise[0]);
            },
        );
        for (k, rise) in exact.iter().enumerate() {
            let t = (k + 1) as f64 * step_s;
            let expected = power * resistance * (1.0 - (-t / (resistance * capacitance)).exp());
            assert!((rise - expected).abs() < 1e-12, "{rise} vs {expected}");
        }
        let stepper = network.stepper(step_s, TimeScheme::BackwardEuler).unwrap();
        let mut theta = [0.0];
        reduced.history(
            Scheme::BackwardEuler,
            step_s,
            10,
            |_, u| u[0] = power,
            |_, rise| {
                stepper.step(&mut theta, &[power], &[power]).unwrap();
                assert!((rise[0] - theta[0]).abs() < 1e-12, "{} vs {}", rise[0], theta[0]);
            },
        );
    }

    #[test]
    fn a_basis_that_spans_the_network_reproduces_it_and_stops() {
        // A chain of 12 nodes heated at one end and cooled at the other: the Krylov space of
        // one input reaches all 12 directions, the basis stops growing, and the reduced
        // backward Euler equals the network's to rounding (observed at both ends).
        let mut network = Network::default();
        let nodes: Vec<usize> =
            (0..12).map(|index| network.add_node(1.0 + 0.1 * index as f64)).collect();
        for pair in nodes.windows(2) {
            network.connect_resistance(pair[0], pair[1], 0.5);
        }
        network.ground_resistance(nodes[11], 0.2);
        let solver = network.steady_solver().unwrap();
        let mut input = vec![0.0; 12];
        input[0] = 1.0;
        let observed = [nodes[0], nodes[11]];
        let reduced =
            Reduced::new(&network, &[&solver], &[input.clone()], &observed, convergence(0.1))
                .unwrap();
        assert!(reduced.converged() && reduced.n_modes() == 12, "{}", reduced.n_modes());
        let stepper = network.stepper(0.1, TimeScheme::BackwardEuler).unwrap();
        let mut theta = vec![0.0; 12];
        let power = |k: usize| if k < 20 { 2.0 } else { 0.5 };
        reduced.history(
            Scheme::BackwardEuler,
            0.1,
            40,
            |k, u| u[0] = power(k),
            |k, rise| {
                let watts: Vec<f64> = input.iter().map(|w| w * power(k)).collect();
                stepper.step(&mut theta, &watts, &watts).unwrap();
                for (value, &node) in rise.iter().zip(&observed) {
                    assert!(
                        (value - theta[node]).abs() < 1e-9,
                        "step {k}: {value} vs {}",
                        theta[node]
                    );
                }
            },
        );
        let error =
            Reduced::new(&network, &[&solver], &[input], &observed, convergence(0.0)).unwrap_err();
        assert!(error.to_string().contains("invalid time step 0 s"), "{error}");
    }
}
