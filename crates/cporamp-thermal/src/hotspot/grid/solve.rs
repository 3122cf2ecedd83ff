//! The grid model's steady states: the direct, multigrid and sparse-LU (microchannel) solves,
//! the coolant's heat balance and HotSpot's temperature-leakage loop.

use super::*;

impl GridModel {
    /// The triplets of $\alpha\thinspace\mathrm{diag}(C) + G + A$ ($A$ the advection) and the
    /// constant part of the right-hand side in rise form: with $T = \theta + T_a$,
    /// $(G + A)\thinspace\theta = P + c\thinspace Q_\text{in}T_\text{in} - (A\thinspace\mathbf 1)\thinspace T_a$
    /// (conduction rows sum to their ambient conductance, which cancels $T_a$).
    pub(super) fn advection_system(
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

    /// Heat flowing into the coolant, W, and the coolant's $\sum_\text{outlets} c\thinspace Q_o
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
}
