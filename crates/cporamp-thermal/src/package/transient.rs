//! The package's transients: power and inlet histories on its reduced-order model, or on
//! the full network by backward Euler (the reference).

use super::{PackageError, PackageModel, cold_plate};
use crate::native::StackError;
use crate::reduced::{Builder, Convergence, Reduced, Scheme};
use serde::Serialize;

/// Relative tolerance of the transients' reduced model: Krylov blocks are added until a
/// block moves no observed unit step response by more than this fraction of the largest
/// steady response of its input (about 2 mK on a 20 K junction rise).
const REDUCED_TOLERANCE: f64 = 1e-4;
/// At most this many rounds of the steady factor's Krylov blocks alone before the step's
/// factor joins.
const STEADY_ROUNDS: usize = 8;
/// At most this many Krylov rounds.
const REDUCED_MAX_ROUNDS: usize = 40;

/// Junction temperatures over a power history.
#[derive(Debug, Clone, Serialize)]
pub struct PackageHistory {
    /// Time of each sample, s.
    pub time_s: Vec<f64>,
    /// ASIC peak junction temperature, °C.
    pub asic_max_c: Vec<f64>,
    /// Hottest engine's mean junction temperature, °C.
    pub engine_mean_max_c: Vec<f64>,
}

/// Input patterns (W per node per unit input) and their steady responses (K per unit).
type InputPatterns = (Vec<Vec<f64>>, Vec<Vec<f64>>);

/// Which inputs of a package history change over time (the others hold their first value
/// throughout): a reduced model needs only those.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Varying {
    /// The ASIC power.
    pub asic: bool,
    /// The engines' power.
    pub engines: bool,
    /// The coolant inlet temperature.
    pub inlet: bool,
}

impl Varying {
    /// Every input may change.
    pub const ALL: Varying = Varying { asic: true, engines: true, inlet: true };

    /// The inputs that change in these histories.
    #[must_use]
    pub fn of(asic_w: &[f64], engine_w: &[f64], inlet_c: &[f64]) -> Varying {
        let changes = |series: &[f64]| series.iter().any(|value| (value - series[0]).abs() > 0.0);
        Varying { asic: changes(asic_w), engines: changes(engine_w), inlet: changes(inlet_c) }
    }

    /// Whether a model for `self` serves histories in which `other` change.
    #[must_use]
    pub fn covers(&self, other: &Varying) -> bool {
        (self.asic || !other.asic)
            && (self.engines || !other.engines)
            && (self.inlet || !other.inlet)
    }

    fn flags(self) -> [bool; 3] {
        [self.asic, self.engines, self.inlet]
    }
}

impl PackageModel {
    /// Mean and peak junction temperature over a die's junction `nodes` (as
    /// `region_stats`, in its order). Never empty: `new` checked that every die holds a
    /// cell centre.
    fn junction_stats(temperatures: &[f64], nodes: &[usize]) -> (f64, f64) {
        let mut sum = 0.0;
        let mut max = f64::NEG_INFINITY;
        for &node in nodes {
            sum += temperatures[node];
            max = max.max(temperatures[node]);
        }
        (sum / nodes.len() as f64, max)
    }

    /// Builds the reduced model of the package's transients for histories sampled every
    /// `step_s` in which the inputs `varying` change, once, and keeps it, so that every
    /// later [`PackageModel::history`] at that step with no other input changing (from any
    /// thread) only runs the small model. The histories are identical with or without it.
    ///
    /// # Errors
    /// [`PackageError`] if the projection fails.
    pub fn prepare_history(&mut self, step_s: f64, varying: Varying) -> Result<(), PackageError> {
        if self.reduced_for(step_s, varying).is_none() {
            let reduced = self.build_reduced(step_s, varying)?;
            self.reduced.push((step_s.to_bits(), varying, reduced));
        }
        Ok(())
    }

    /// A reduced model kept for `step_s` that serves histories in which `varying` change,
    /// if [`PackageModel::prepare_history`] built one, with the inputs it was built for.
    #[must_use]
    pub fn reduced_for(&self, step_s: f64, varying: Varying) -> Option<(Varying, &Reduced)> {
        self.reduced
            .iter()
            .find(|(bits, built, _)| *bits == step_s.to_bits() && built.covers(&varying))
            .map(|(_, built, reduced)| (*built, reduced))
    }

    /// The transient's input patterns among 1 W more in the ASIC, 1 W more in every engine
    /// and a 1 K warmer inlet (those `varying`), each with the coolant's response: the
    /// coolant the lid sees warms by half the energy-balance rise of the extra power,
    /// $1/(2\rho Q c_p)$ K per W, entering through the cold plate's conductances; and
    /// their steady responses $G^{-1}b$, known from the unit responses without a solve
    /// (a uniform 1 K rise of every node balances a 1 K warmer coolant and board air
    /// together, $G\mathbf{1}$ = the ambient conductances, so the coolant alone gives
    /// $\mathbf{1}$ minus the board air's response).
    fn transient_inputs(&self, varying: Varying) -> Result<InputPatterns, PackageError> {
        let n_dies = self.engines.len() + 1;
        let weights = |first: f64, rest: f64| -> Vec<f64> {
            (0..n_dies).map(|die| if die == 0 { first } else { rest }).collect()
        };
        let coolant: Vec<f64> = self
            .model
            .network()
            .ambient_conductances()
            .iter()
            .zip(&self.board_w_per_k)
            .map(|(conductance, board)| conductance - board)
            .collect();
        let coolant_response: Vec<f64> = self.response_board.iter().map(|air| 1.0 - air).collect();
        if let Some(fluid) = &self.fluid {
            // The plate's fluid fields per unit input enter through the plate conductances;
            // a 1 K warmer inlet lowers the board air above it by 1 K.
            let through_plate = |field: &[f64], base: Vec<f64>, sign: f64| -> Vec<f64> {
                base.iter().zip(field).zip(&coolant).map(|((p, f), g)| p + g * sign * f).collect()
            };
            let candidates = [
                (
                    through_plate(&fluid.asic, self.model.weighted_power(&weights(1.0, 0.0)), 1.0),
                    self.response_asic.clone(),
                ),
                (
                    through_plate(
                        &fluid.engines,
                        self.model.weighted_power(&weights(0.0, 1.0)),
                        1.0,
                    ),
                    self.response_engines.clone(),
                ),
                (through_plate(&fluid.board, coolant.clone(), -1.0), coolant_response),
            ];
            return Ok(candidates
                .into_iter()
                .zip(varying.flags())
                .filter(|(_, used)| *used)
                .map(|(pair, _)| pair)
                .unzip());
        }
        let k_per_w = cold_plate(&self.settings.cold_plate, self.side_mm * 1e-3, 1.0, 0.0)?
            .coolant_rise_k
            / 2.0;
        let with_coolant = |power: Vec<f64>, response: &[f64], coolant_k: f64| {
            let input = power.iter().zip(&coolant).map(|(p, g)| p + coolant_k * g).collect();
            let steady =
                response.iter().zip(&coolant_response).map(|(r, c)| r + coolant_k * c).collect();
            (input, steady)
        };
        let candidates = [
            with_coolant(
                self.model.weighted_power(&weights(1.0, 0.0)),
                &self.response_asic,
                k_per_w,
            ),
            with_coolant(
                self.model.weighted_power(&weights(0.0, 1.0)),
                &self.response_engines,
                k_per_w * self.engines.len() as f64,
            ),
            (coolant.clone(), coolant_response.clone()),
        ];
        Ok(candidates
            .into_iter()
            .zip(varying.flags())
            .filter(|(_, used)| *used)
            .map(|(pair, _)| pair)
            .unzip())
    }

    /// The junction nodes the histories observe: the ASIC's, then each engine's.
    fn observed_nodes(&self) -> Vec<usize> {
        self.asic_nodes.iter().chain(self.engine_nodes.iter().flatten()).copied().collect()
    }

    /// The reduced model for histories sampled every `step_s` with inputs `varying`: Krylov
    /// blocks of the steady factor alone when they converge within `STEADY_ROUNDS` rounds
    /// (steps long against the package's fast time constants), else of the steady factor
    /// and the backward-Euler step's factor together (one more factorization; see
    /// [`crate::reduced`]).
    fn build_reduced(&self, step_s: f64, varying: Varying) -> Result<Reduced, PackageError> {
        let (inputs, steady_block) = self.transient_inputs(varying)?;
        let observed = self.observed_nodes();
        let network = self.model.network();
        let convergence = Convergence {
            resolution_s: step_s,
            tolerance: REDUCED_TOLERANCE,
            max_rounds: REDUCED_MAX_ROUNDS,
        };
        let mut builder = Builder::new(network, &inputs, &observed, convergence)
            .map_err(StackError::from)?
            .with_steady_block(steady_block);
        // The steady factor's rounds converge geometrically when the step is long against
        // the modes they have not resolved yet; once a round no longer halves the change,
        // the step's own factor joins.
        let mut last_change = f64::INFINITY;
        for round in 1..=STEADY_ROUNDS {
            let steady = builder.run(&[&self.solver], round).map_err(StackError::from)?;
            if steady.converged() {
                return Ok(steady);
            }
            if round >= 3 && steady.last_change() > 0.5 * last_change {
                break;
            }
            last_change = steady.last_change();
        }
        let step = network
            .step_factor(step_s, crate::network::TimeScheme::BackwardEuler)
            .map_err(StackError::from)?;
        Ok(builder.run(&[&self.solver, &step], REDUCED_MAX_ROUNDS).map_err(StackError::from)?)
    }

    /// Checks the histories and returns the mean coolant temperature of each step.
    fn coolant_history(
        &self,
        asic_w: &[f64],
        engine_w: &[f64],
        inlet_c: &[f64],
    ) -> Result<Vec<f64>, PackageError> {
        if asic_w.len() != engine_w.len() || asic_w.len() != inlet_c.len() || asic_w.is_empty() {
            return Err(PackageError::History {
                asic: asic_w.len(),
                engine: engine_w.len(),
                inlet: inlet_c.len(),
            });
        }
        if self.fluid.is_some() {
            // The plate's responses are rises above the inlet.
            return Ok(inlet_c.to_vec());
        }
        let n_engines = self.engines.len() as f64;
        (0..asic_w.len())
            .map(|index| {
                let power_w = asic_w[index] + engine_w[index] * n_engines;
                Ok(cold_plate(
                    &self.settings.cold_plate,
                    self.side_mm * 1e-3,
                    power_w,
                    inlet_c[index],
                )?
                .mean_coolant_c)
            })
            .collect()
    }

    /// Steady rise above the coolant `reference_c` at ASIC power `asic_w` and `engine_w` per
    /// engine, with the board air at its setting.
    fn steady_rise(&self, asic_w: f64, engine_w: f64, reference_c: f64) -> Vec<f64> {
        let air_k = self.settings.board.air_temp_c.0 - reference_c;
        self.response_asic
            .iter()
            .zip(&self.response_engines)
            .zip(&self.response_board)
            .map(|((per_asic, per_engine), per_air)| {
                asic_w * per_asic + engine_w * per_engine + air_k * per_air
            })
            .collect()
    }

    /// History of the package under power histories `asic_w` and `engine_w` and a coolant
    /// inlet history `inlet_c` (one value per step of `step_s`, held over the step), from
    /// the steady state of the first values; samples at the end of each step.
    ///
    /// The coolant is a time-varying boundary: with $T_c(t)$ the mean coolant temperature
    /// (inlet plus half the energy-balance rise of the current power; the coolant's own heat
    /// capacity is neglected) and $T_0 = T_c(0)$, the rise $\theta = T - T_0$ obeys
    /// $C\dot\theta + G\theta = P + g_a\thinspace(T_c(t) - T_0)$, so an inlet swing reaches the dies
    /// through the package's thermal mass rather than instantly.
    ///
    /// The history is integrated exactly in time on the package's reduced-order model
    /// ([`crate::reduced`]: a Krylov projection converged to `REDUCED_TOLERANCE` of the
    /// steady responses), so the step only sets where the history is sampled and how long
    /// the inputs are held; [`PackageModel::history_backward_euler`] is the full network
    /// stepped by backward Euler, the reference the tests check this against.
    ///
    /// # Errors
    /// [`PackageError`] if the correlations or the projection fail, or the histories differ
    /// in length.
    pub fn history(
        &self,
        asic_w: &[f64],
        engine_w: &[f64],
        inlet_c: &[f64],
        step_s: f64,
    ) -> Result<PackageHistory, PackageError> {
        self.history_reduced(asic_w, engine_w, inlet_c, step_s, Scheme::Exact)
    }

    /// [`PackageModel::history`] on the reduced model with the given time scheme
    /// ([`Scheme::BackwardEuler`] reproduces [`PackageModel::history_backward_euler`] up to
    /// the projection error).
    ///
    /// # Errors
    /// As [`PackageModel::history`].
    pub fn history_reduced(
        &self,
        asic_w: &[f64],
        engine_w: &[f64],
        inlet_c: &[f64],
        step_s: f64,
        scheme: Scheme,
    ) -> Result<PackageHistory, PackageError> {
        let coolant_c = self.coolant_history(asic_w, engine_w, inlet_c)?;
        let needed = Varying::of(asic_w, engine_w, inlet_c);
        let reference_c = coolant_c[0];
        let observed = self.observed_nodes();
        let initial = self.steady_rise(asic_w[0], engine_w[0], reference_c);
        let start: Vec<f64> = observed.iter().map(|&node| initial[node] + reference_c).collect();
        let mut history = PackageHistory {
            time_s: Vec::with_capacity(asic_w.len()),
            asic_max_c: Vec::with_capacity(asic_w.len()),
            engine_mean_max_c: Vec::with_capacity(asic_w.len()),
        };
        if needed.flags().iter().all(|changes| !changes) {
            // Held inputs: the package stays at its steady state.
            for index in 0..asic_w.len() {
                self.record(&mut history, (index + 1) as f64 * step_s, &start, true);
            }
            return Ok(history);
        }
        let built;
        let (varying, reduced) = match self.reduced_for(step_s, needed) {
            Some(kept) => kept,
            None => {
                built = self.build_reduced(step_s, needed)?;
                (needed, &built)
            }
        };
        let mut temperatures = vec![0.0; observed.len()];
        reduced.history(
            scheme,
            step_s,
            asic_w.len(),
            |index, inputs| {
                let changes = [
                    asic_w[index] - asic_w[0],
                    engine_w[index] - engine_w[0],
                    inlet_c[index] - inlet_c[0],
                ];
                let used = changes.into_iter().zip(varying.flags()).filter(|(_, used)| *used);
                for (input, (change, _)) in inputs.iter_mut().zip(used) {
                    *input = change;
                }
            },
            |index, rises| {
                for ((temperature, start), rise) in temperatures.iter_mut().zip(&start).zip(rises) {
                    *temperature = start + rise;
                }
                self.record(&mut history, (index + 1) as f64 * step_s, &temperatures, true);
            },
        );
        Ok(history)
    }

    /// Appends one sample: `temperatures` are the observed nodes' (`compact`) or every
    /// node's.
    fn record(
        &self,
        history: &mut PackageHistory,
        time_s: f64,
        temperatures: &[f64],
        compact: bool,
    ) {
        let mut offset = 0;
        let mut stats = |nodes: &[usize]| {
            if compact {
                let range: Vec<usize> = (offset..offset + nodes.len()).collect();
                offset += nodes.len();
                PackageModel::junction_stats(temperatures, &range)
            } else {
                PackageModel::junction_stats(temperatures, nodes)
            }
        };
        history.time_s.push(time_s);
        history.asic_max_c.push(stats(&self.asic_nodes).1);
        let mut hottest = f64::NEG_INFINITY;
        for nodes in &self.engine_nodes {
            hottest = hottest.max(stats(nodes).0);
        }
        history.engine_mean_max_c.push(hottest);
    }

    /// [`PackageModel::history`] on the full network by backward Euler (first order in the
    /// step; factors the step's matrix on each call): the reference for the reduced model.
    ///
    /// # Errors
    /// As [`PackageModel::history`].
    pub fn history_backward_euler(
        &self,
        asic_w: &[f64],
        engine_w: &[f64],
        inlet_c: &[f64],
        step_s: f64,
    ) -> Result<PackageHistory, PackageError> {
        let coolant_c = self.coolant_history(asic_w, engine_w, inlet_c)?;
        let stepper = self.model.stepper(step_s, crate::network::TimeScheme::BackwardEuler)?;
        let reference_c = coolant_c[0];
        let air_k = self.settings.board.air_temp_c.0 - reference_c;
        let mut rise = self.steady_rise(asic_w[0], engine_w[0], reference_c);
        let ambient_w_per_k = self.model.network().ambient_conductances();
        let n_dies = self.engines.len() + 1;
        let mut history = PackageHistory {
            time_s: Vec::new(),
            asic_max_c: Vec::new(),
            engine_mean_max_c: Vec::new(),
        };
        for index in 0..asic_w.len() {
            let offset_k = coolant_c[index] - reference_c;
            let weights: Vec<f64> = (0..n_dies)
                .map(|die| if die == 0 { asic_w[index] } else { engine_w[index] })
                .collect();
            let mut power = self.model.weighted_power(&weights);
            for (node, ((watts, conductance), board)) in
                power.iter_mut().zip(ambient_w_per_k).zip(&self.board_w_per_k).enumerate()
            {
                // The plate's fluid field above the inlet, relative to the reference.
                let fluid_k = self.fluid.as_ref().map_or(0.0, |fluid| {
                    asic_w[index] * fluid.asic[node]
                        + engine_w[index] * fluid.engines[node]
                        + (self.settings.board.air_temp_c.0 - inlet_c[index]) * fluid.board[node]
                });
                *watts += (conductance - board) * (offset_k + fluid_k) + board * air_k;
            }
            stepper.step(&mut rise, &power, &power).map_err(StackError::from)?;
            let temperatures: Vec<f64> = rise.iter().map(|theta| theta + reference_c).collect();
            self.record(&mut history, (index + 1) as f64 * step_s, &temperatures, false);
        }
        Ok(history)
    }
}
