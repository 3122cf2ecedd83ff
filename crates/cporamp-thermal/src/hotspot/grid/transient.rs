//! The grid model's initial states and transients.

use super::*;

impl GridModel {
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
    pub(in crate::hotspot) fn output_layers(&self) -> Vec<(String, usize)> {
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
    /// $(C/h + G + A)\thinspace T' = (C/h)\thinspace T + P + c\thinspace Q_\text{in}T_\text{in}$, the matrix factored
    /// once.
    pub(in crate::hotspot) fn transient_with_advection(
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
}
