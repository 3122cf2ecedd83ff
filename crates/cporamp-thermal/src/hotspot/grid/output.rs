//! HotSpot's output layouts of the grid model: `.steady` values and file, the
//! `-grid_steady_file` layout and the transient trace.

use super::*;

impl GridModel {
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
