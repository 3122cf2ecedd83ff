//! The package at one load and inlet, from its unit responses by superposition.

use super::{
    ColdPlateResult, DIE_LAYER, JUNCTION_SUBLAYER, PackageError, PackageModel, cold_plate,
};
use serde::Serialize;

/// Temperatures of one engine.
#[derive(Debug, Clone, Serialize)]
pub struct EngineTemperature {
    /// Mean junction temperature, °C.
    pub mean_c: f64,
    /// Maximum, °C.
    pub max_c: f64,
}

/// The package solution.
#[derive(Debug, Clone, Serialize)]
pub struct PackageResult {
    /// Substrate (and lid) side, mm.
    pub substrate_side_mm: f64,
    /// Coolant inlet, °C.
    pub inlet_c: f64,
    /// ASIC mean junction temperature, °C.
    pub asic_mean_c: f64,
    /// ASIC peak, °C.
    pub asic_max_c: f64,
    /// Each engine: the bottom row left to right, the right column bottom to top, the top
    /// row left to right, the left column bottom to top.
    pub engines: Vec<EngineTemperature>,
    /// Hottest engine mean, °C.
    pub engine_mean_max_c: f64,
    /// Heat through the cold plate, W.
    pub heat_out_w: f64,
    /// Heat out through the board to the chassis air, W (negative when the air heats the
    /// package); with `heat_out_w` it equals the power in (energy balance).
    pub board_w: f64,
    /// The cold plate.
    pub cold_plate: ColdPlateResult,
    /// Junction-layer map: cells per side and temperatures row by row from the bottom edge
    /// (`None` between dies).
    pub map_cells: usize,
    /// The map, °C.
    pub junction_map_c: Vec<Option<f64>>,
}

impl PackageModel {
    /// The package at ASIC power `asic_w`, `engine_w` in each engine, coolant inlet `inlet_c`.
    ///
    /// # Errors
    /// [`PackageError::Correlation`] outside the cold plate correlations' range.
    pub fn evaluate(
        &self,
        asic_w: f64,
        engine_w: f64,
        inlet_c: f64,
    ) -> Result<PackageResult, PackageError> {
        let power_w = asic_w + engine_w * self.engines.len() as f64;
        let side_m = self.side_mm * 1e-3;
        let mut plate = cold_plate(&self.settings.cold_plate, side_m, power_w, inlet_c)?;
        // The correlation's responses are rises above the mean coolant, the plate's above
        // the inlet (its fluid fields carry the coolant's warming).
        let reference_c = if self.fluid.is_some() { inlet_c } else { plate.mean_coolant_c };
        let air_above_coolant_k = self.settings.board.air_temp_c.0 - reference_c;
        let fluid_c = |node: usize| match &self.fluid {
            None => reference_c,
            Some(fluid) => {
                reference_c
                    + asic_w * fluid.asic[node]
                    + engine_w * fluid.engines[node]
                    + air_above_coolant_k * fluid.board[node]
            }
        };
        // Only the nodes read below are evaluated (the same expression for each as for all).
        let temperature = |node: usize| {
            reference_c
                + asic_w * self.response_asic[node]
                + engine_w * self.response_engines[node]
                + air_above_coolant_k * self.response_board[node]
        };
        let stats = |nodes: &[usize]| {
            let mut sum = 0.0;
            let mut max = f64::NEG_INFINITY;
            for &node in nodes {
                let t = temperature(node);
                sum += t;
                max = max.max(t);
            }
            (sum / nodes.len() as f64, max)
        };
        let (asic_mean_c, asic_max_c) = stats(&self.asic_nodes);
        let engines: Vec<EngineTemperature> = self
            .engine_nodes
            .iter()
            .map(|nodes| {
                let (mean_c, max_c) = stats(nodes);
                EngineTemperature { mean_c, max_c }
            })
            .collect();
        let ambient = self.model.network().ambient_conductances();
        let (mut heat_out_w, mut board_w) = (0.0, 0.0);
        for &node in &self.exchange_nodes {
            let (t, conductance, board) =
                (temperature(node), ambient[node], self.board_w_per_k[node]);
            heat_out_w += (conductance - board) * (t - fluid_c(node));
            board_w += board * (t - self.settings.board.air_temp_c.0);
        }
        if let Some(fluid) = &self.fluid {
            // Energy balance: the coolant carries what leaves through the plate.
            plate.coolant_rise_k = heat_out_w / fluid.capacity_flow_w_per_k;
            plate.mean_coolant_c = inlet_c + plate.coolant_rise_k / 2.0;
            plate.h_effective_w_per_m2k = fluid.h_effective_w_per_m2k;
        }
        let cells = self.settings.grid_cells;
        let cell_m = side_m / cells as f64;
        let junction_map_c = (0..cells * cells)
            .map(|cell| {
                let (i, j) = (cell % cells, cell / cells);
                let (x, y) = ((i as f64 + 0.5) * cell_m, (j as f64 + 0.5) * cell_m);
                if self.dies.iter().any(|rect| rect.contains_point(x, y)) {
                    self.model.node(DIE_LAYER, JUNCTION_SUBLAYER, i, j).map(temperature)
                } else {
                    None
                }
            })
            .collect();
        Ok(PackageResult {
            substrate_side_mm: self.side_mm,
            inlet_c,
            asic_mean_c,
            asic_max_c,
            engine_mean_max_c: engines
                .iter()
                .map(|engine| engine.mean_c)
                .fold(f64::NEG_INFINITY, f64::max),
            engines,
            heat_out_w,
            board_w,
            cold_plate: plate,
            map_cells: cells,
            junction_map_c,
        })
    }
}
