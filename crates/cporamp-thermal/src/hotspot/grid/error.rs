//! The grid model's errors.

use super::*;

/// Errors building or solving the grid model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GridError {
    /// The die is wider than the spreader or the spreader than the sink.
    #[error(
        "the die ({die_mm:.3} mm) must be smaller than the spreader ({spreader_mm:.3} mm), and the spreader smaller than the sink ({sink_mm:.3} mm)"
    )]
    PackageTooSmall {
        /// Largest die side, mm.
        die_mm: f64,
        /// Spreader side, mm.
        spreader_mm: f64,
        /// Sink side, mm.
        sink_mm: f64,
    },
    /// Layers whose floorplans differ in size.
    #[error(
        "layer {layer}'s floorplan is {width_mm:.4} x {height_mm:.4} mm; layer 0's is {die_width_mm:.4} x {die_height_mm:.4} mm (all layers must match)"
    )]
    LayerSizeMismatch {
        /// Layer index.
        layer: usize,
        /// Its width, mm.
        width_mm: f64,
        /// Its height, mm.
        height_mm: f64,
        /// Layer 0 width, mm.
        die_width_mm: f64,
        /// Layer 0 height, mm.
        die_height_mm: f64,
    },
    /// A trace column that names no block of a power layer.
    #[error("power trace column {column} names no block of a power layer")]
    UnknownColumn {
        /// The column name.
        column: String,
    },
    /// A trace column of one power layer's share naming a block of another power layer.
    #[error(
        "power trace column {position} ({column}) is among columns {first} to {last}, which HotSpot reads as the blocks of layer {layer}, but layer {layer}'s floorplan has no block {column}: order the columns layer by layer"
    )]
    ColumnOutOfLayer {
        /// The column name.
        column: String,
        /// Its position, from 1.
        position: usize,
        /// The layer whose share it is in.
        layer: usize,
        /// First column of that share, from 1.
        first: usize,
        /// Last column of that share.
        last: usize,
    },
    /// Two columns of one layer's share naming the same block.
    #[error("power trace column {column} appears twice among layer {layer}'s columns")]
    DuplicateColumn {
        /// The column name.
        column: String,
        /// The layer.
        layer: usize,
    },
    /// A trace whose column count differs from the power layers' block count.
    #[error(
        "the power trace has {columns} columns but the power layers' floorplans have {blocks} blocks (HotSpot: no. of units in floorplan and trace file differ)"
    )]
    ColumnCount {
        /// Columns in the trace.
        columns: usize,
        /// Blocks of the power layers.
        blocks: usize,
    },
    /// A grid that is too coarse for the floorplan, or empty.
    #[error("grid of {rows} x {cols} cells: {message}")]
    BadGrid {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
        /// What is wrong.
        message: String,
    },
    /// An initial-temperature file that does not fit the model.
    #[error("{file}: {message}")]
    InitFile {
        /// File name.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The network could not be solved.
    #[error(transparent)]
    Network(#[from] NetworkError),
    /// A feature the microchannel model does not combine with.
    #[error("microchannel layers: {message}")]
    Microchannel {
        /// What was asked and what is supported.
        message: String,
    },
    /// The temperature-leakage loop did not settle.
    #[error(
        "thermal runaway: the temperature-leakage loop did not settle within {iterations} iterations (HotSpot's LEAKAGE_MAX_ITER)"
    )]
    LeakageRunaway {
        /// Iterations run.
        iterations: usize,
    },
}
