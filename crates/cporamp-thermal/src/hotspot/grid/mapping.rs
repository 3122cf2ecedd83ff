//! The mapping of blocks to cells: the cells a block's rectangle touches (with HotSpot's
//! 1e-6 snapping), the trace's columns to the power layers' blocks, the node powers and a
//! block's temperature read from its cells (see the module docs of [`super`]).

use super::*;

/// Cells a block touches and the overlap fraction of the block's area in each.
#[derive(Debug, Clone)]
pub(super) struct BlockCells {
    pub(super) rows: std::ops::Range<usize>,
    pub(super) cols: std::ops::Range<usize>,
    /// (cell index within the layer, overlap area in m²).
    pub(super) overlaps: Vec<(usize, f64)>,
    /// The block's area, m².
    pub(super) area_m2: f64,
}

/// HotSpot's `tolerant_floor`/`tolerant_ceil`: snap to an integer within 1e-6.
pub(super) fn tolerant_floor(value: f64) -> usize {
    let rounded = value.round();
    (if (value - rounded).abs() < 1e-6 { rounded } else { value.floor() }).max(0.0) as usize
}

pub(super) fn tolerant_ceil(value: f64) -> usize {
    let rounded = value.round();
    (if (value - rounded).abs() < 1e-6 { rounded } else { value.ceil() }).max(0.0) as usize
}

impl GridModel {
    /// Node powers, W, for one row of trace powers.
    #[must_use]
    pub fn node_power(&self, column_power_w: &[f64]) -> Vec<f64> {
        let mut power = vec![0.0; self.n_nodes()];
        for (&(layer, block), &watts) in self.columns.iter().zip(column_power_w) {
            let cells = &self.block_cells[layer][block];
            for &(cell, overlap_m2) in &cells.overlaps {
                power[layer * self.n_cells() + cell] += watts * overlap_m2 / cells.area_m2;
            }
        }
        power
    }

    /// Temperature of `block` of the floorplan of `floorplan_layer`, read on grid layer `layer`.
    pub(super) fn block_temperature(
        &self,
        temperatures: &GridTemperatures,
        layer: usize,
        floorplan_layer: usize,
        block: usize,
        mode: MapMode,
    ) -> f64 {
        let cells = &self.block_cells[floorplan_layer][block];
        let values = &temperatures.cells_k[layer];
        let at = |row: usize, col: usize| values[row * self.cols + col];
        let touched = || {
            cells.rows.clone().flat_map(move |row| cells.cols.clone().map(move |col| at(row, col)))
        };
        match mode {
            MapMode::Avg => {
                let count = (cells.rows.len() * cells.cols.len()) as f64;
                touched().sum::<f64>() / count
            }
            MapMode::Min => touched().fold(f64::INFINITY, f64::min),
            MapMode::Max => touched().fold(f64::NEG_INFINITY, f64::max),
            MapMode::Center => {
                let centre = |range: &std::ops::Range<usize>| {
                    let first = (range.start + range.end) / 2;
                    let second = if range.len() % 2 == 0 { first - 1 } else { first };
                    [first, second]
                };
                let (row_pair, col_pair) = (centre(&cells.rows), centre(&cells.cols));
                let mut sum = 0.0;
                for row in row_pair {
                    for col in col_pair {
                        sum += at(row, col);
                    }
                }
                sum / 4.0
            }
        }
    }
}

/// Trace column -> (layer, block), HotSpot's way: the power layers' blocks in layer order,
/// each layer's columns in any order within its share.
pub(super) fn trace_columns(
    layers: &[GridLayer],
    column_names: &[String],
) -> Result<Vec<(usize, usize)>, GridError> {
    let mut columns = Vec::with_capacity(column_names.len());
    let mut names = column_names.iter();
    for (index, layer) in layers.iter().enumerate().filter(|(_, layer)| layer.has_power) {
        let first = columns.len();
        for _ in 0..layer.floorplan.blocks.len() {
            let Some(name) = names.next() else {
                return Err(GridError::ColumnCount {
                    columns: column_names.len(),
                    blocks: power_blocks(layers),
                });
            };
            let block = layer.floorplan.index_of(name).ok_or_else(|| {
                if layers
                    .iter()
                    .any(|layer| layer.has_power && layer.floorplan.index_of(name).is_some())
                {
                    GridError::ColumnOutOfLayer {
                        column: name.clone(),
                        position: columns.len() + 1,
                        layer: index,
                        first: first + 1,
                        last: first + layer.floorplan.blocks.len(),
                    }
                } else {
                    GridError::UnknownColumn { column: name.clone() }
                }
            })?;
            if columns[first..].iter().any(|&(_, other)| other == block) {
                return Err(GridError::DuplicateColumn { column: name.clone(), layer: index });
            }
            columns.push((index, block));
        }
    }
    if names.next().is_some() {
        return Err(GridError::ColumnCount {
            columns: column_names.len(),
            blocks: power_blocks(layers),
        });
    }
    Ok(columns)
}

fn power_blocks(layers: &[GridLayer]) -> usize {
    layers.iter().filter(|layer| layer.has_power).map(|layer| layer.floorplan.blocks.len()).sum()
}

pub(super) fn map_block(
    block: &crate::hotspot::parse::Block,
    rows: usize,
    cols: usize,
    cell_w: f64,
    cell_h: f64,
) -> Result<BlockCells, String> {
    let (left, right) = (block.left_m, block.left_m + block.width_m);
    let (bottom, top) = (block.bottom_m, block.bottom_m + block.height_m);
    let row_start = rows.saturating_sub(tolerant_ceil(top / cell_h));
    let row_end = rows.saturating_sub(tolerant_floor(bottom / cell_h)).min(rows);
    let col_start = tolerant_floor(left / cell_w);
    let col_end = tolerant_ceil(right / cell_w).min(cols);
    if row_start >= row_end || col_start >= col_end {
        return Err(format!("block {} maps to no cell", block.name));
    }
    let mut overlaps = Vec::new();
    for row in row_start..row_end {
        // Row 0 is the top: its cell spans y from H - ch to H.
        let cell_top = (rows - row) as f64 * cell_h;
        let overlap_h = top.min(cell_top) - bottom.max(cell_top - cell_h);
        for col in col_start..col_end {
            let cell_left = col as f64 * cell_w;
            let overlap_w = right.min(cell_left + cell_w) - left.max(cell_left);
            if overlap_h > 0.0 && overlap_w > 0.0 {
                overlaps.push((row * cols + col, overlap_h * overlap_w));
            }
        }
    }
    Ok(BlockCells {
        rows: row_start..row_end,
        cols: col_start..col_end,
        overlaps,
        area_m2: block.area_m2(),
    })
}

/// The cells every block of every layer touches.
pub(super) fn map_blocks(
    layers: &[GridLayer],
    rows: usize,
    cols: usize,
    cell_w: f64,
    cell_h: f64,
) -> Result<Vec<Vec<BlockCells>>, GridError> {
    layers
        .iter()
        .map(|layer| {
            layer
                .floorplan
                .blocks
                .iter()
                .map(|block| map_block(block, rows, cols, cell_w, cell_h))
                .collect()
        })
        .collect::<Result<Vec<Vec<BlockCells>>, String>>()
        .map_err(|message| GridError::BadGrid { rows, cols, message })
}
