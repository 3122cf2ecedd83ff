//! [`GridOperatorBuilder`]: a [`NetworkBuilder`] that sorts links into the grid's structure
//! as a model emits them (see the parent module's docs).

use super::{GridLayout, GridOperator, Level, Planes, group_links};
use crate::network::{NetworkBuilder, NetworkError};

/// Builds a [`GridOperator`] directly from a network's nodes and links as a builder emits
/// them (cells of the layout first), without storing the network: 32 bytes per cell while
/// building, about 8 once the uniform layers are compacted.
pub struct GridOperatorBuilder {
    pub(super) layout: GridLayout,
    pub(super) diagonal: Vec<f64>,
    pub(super) east: Vec<f64>,
    pub(super) south: Vec<f64>,
    pub(super) down: Vec<f64>,
    /// Links that are not between grid neighbours, `(low, high, g)`.
    pub(super) other: Vec<(usize, usize, f64)>,
    /// The first invalid value or link met.
    error: Option<NetworkError>,
}

impl GridOperatorBuilder {
    /// An empty operator on `layout`.
    #[must_use]
    pub fn new(layout: GridLayout) -> GridOperatorBuilder {
        let cells = layout.cells();
        GridOperatorBuilder {
            layout,
            diagonal: Vec::with_capacity(cells + 16),
            east: vec![0.0; cells],
            south: vec![0.0; cells],
            down: vec![0.0; cells],
            other: Vec::new(),
            error: None,
        }
    }

    fn fail(&mut self, error: NetworkError) {
        self.error.get_or_insert(error);
    }

    pub(super) fn level(self) -> Level {
        let layout = self.layout;
        let n_nodes = self.diagonal.len();
        let (link_start, links) = group_links(layout, n_nodes, &self.other);
        let mut inverse_diagonal = self.diagonal;
        for value in &mut inverse_diagonal {
            *value = 1.0 / *value;
        }
        Level {
            layout,
            east: Planes::compact(self.east, layout, layout.rows),
            south: Planes::compact(self.south, layout, layout.rows - 1),
            down: Planes::compact(self.down, layout, layout.rows),
            inverse_diagonal,
            link_start,
            links,
        }
    }

    /// The operator.
    ///
    /// # Errors
    /// [`NetworkError::InvalidValue`] for a negative or non-finite conductance,
    /// [`NetworkError::Singular`] if there are fewer nodes than cells or two cells that are
    /// not grid neighbours are linked.
    pub fn finish(self) -> Result<GridOperator, NetworkError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let layout = self.layout;
        if self.diagonal.len() < layout.cells() {
            return Err(NetworkError::Singular(format!(
                "a {} x {} x {} grid layout on a network of {} nodes",
                layout.layers,
                layout.rows,
                layout.cols,
                self.diagonal.len()
            )));
        }
        Ok(GridOperator { fine: self.level() })
    }
}

impl NetworkBuilder for GridOperatorBuilder {
    fn add_node(&mut self, _capacitance_j_per_k: f64) -> usize {
        self.diagonal.push(0.0);
        self.diagonal.len() - 1
    }

    fn add_capacitance(&mut self, _node: usize, _capacitance_j_per_k: f64) {}

    fn connect_conductance(&mut self, a: usize, b: usize, conductance_w_per_k: f64) {
        let g = conductance_w_per_k;
        if !g.is_finite() || g < 0.0 {
            return self.fail(NetworkError::InvalidValue {
                what: "conductance (W/K)",
                node: a,
                value: g,
            });
        }
        let layout = self.layout;
        let (cells, cols, per_layer) = (layout.cells(), layout.cols, layout.per_layer());
        self.diagonal[a] += g;
        self.diagonal[b] += g;
        let (low, high) = (a.min(b), a.max(b));
        if high >= cells {
            if low != high {
                self.other.push((low, high, g));
            }
            return;
        }
        let (row, col) = ((low % per_layer) / cols, low % cols);
        match high - low {
            1 if col + 1 < cols => self.east[low] += g,
            step if step == cols && row + 1 < layout.rows => self.south[low] += g,
            step if step == per_layer => self.down[low] += g,
            0 => {}
            _ => self.fail(NetworkError::Singular(format!(
                "cells {low} and {high} of a {} x {} x {} grid are linked but are not grid neighbours",
                layout.layers, layout.rows, layout.cols
            ))),
        }
    }

    fn ground_conductance(&mut self, node: usize, conductance_w_per_k: f64) {
        let g = conductance_w_per_k;
        if !g.is_finite() || g < 0.0 {
            return self.fail(NetworkError::InvalidValue {
                what: "ambient conductance (W/K)",
                node,
                value: g,
            });
        }
        self.diagonal[node] += g;
    }
}
