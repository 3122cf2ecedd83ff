//! The native model: cell-centred finite volumes over a stack of layers, converging to the
//! continuum (unlike HotSpot's network, which the [`crate::hotspot`] mode reproduces).
//!
//! # Discretisation
//!
//! The lateral domain is the bounding box of all layer footprints, cut into a uniform
//! `nx` x `ny` grid (any sizes). Layer $l$ (top first) has thickness $t_l$, a rectangular
//! footprint and `n_sublayers` cells through its thickness ($\Delta z_l = t_l/n_l$). A cell
//! exists where its centre lies inside the layer's footprint; its material is the layer's,
//! unless a region of the layer covers the cell centre. Between two cells sharing a face of
//! area $A$, with half-widths $d_1, d_2$ normal to it,
//!
//! $$ g = \frac{A}{d_1/k_1 + d_2/k_2}, $$
//!
//! the series (harmonic) conductance that makes the flux continuous across material jumps.
//! A face with a heat-transfer coefficient $h$ to the fluid adds its film resistance:
//! $g = A / (d/k + 1/h)$. Faces without a neighbour and without a boundary are adiabatic.
//! Heat capacity is $\rho c\thinspace\Delta x \Delta y \Delta z$ (no fitting factor). A source's power
//! is spread over its rectangle and the thickness of its layer, each cell receiving the power
//! times its share of the source volume.
//!
//! In 1-D, away from heated layers, the scheme is exact at cell centres (linear profiles);
//! in a heated layer the half cell next to a material interface carries an O(q Δz²/k) error.
//! In 3-D it converges at second order in the cell size (tests).

use crate::multigrid::{GridLayout, GridOperatorBuilder};
use crate::network::{Network, NetworkBuilder, NetworkError, Stepper, TimeScheme};

/// Nodes above which [`Model::steady`] solves by multigrid instead of sparse Cholesky.
pub const DIRECT_SOLVE_MAX_NODES: usize = 100_000;

/// A solid material.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Material {
    /// Thermal conductivity, W/(m K).
    pub k_w_per_mk: f64,
    /// Volumetric heat capacity, J/(m³ K).
    pub rho_c_j_per_m3k: f64,
}

/// An axis-aligned rectangle, m.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge, m.
    pub x_m: f64,
    /// Bottom edge, m.
    pub y_m: f64,
    /// Width, m.
    pub width_m: f64,
    /// Height, m.
    pub height_m: f64,
}

impl Rect {
    /// Whether the point (x, y), m, lies in the rectangle (edges included).
    #[must_use]
    pub fn contains_point(&self, x: f64, y: f64) -> bool {
        self.contains(x, y)
    }

    fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x_m
            && x <= self.x_m + self.width_m
            && y >= self.y_m
            && y <= self.y_m + self.height_m
    }

    pub(crate) fn overlap_m2(&self, other: &Rect) -> f64 {
        let width =
            (self.x_m + self.width_m).min(other.x_m + other.width_m) - self.x_m.max(other.x_m);
        let height =
            (self.y_m + self.height_m).min(other.y_m + other.height_m) - self.y_m.max(other.y_m);
        width.max(0.0) * height.max(0.0)
    }
}

/// One layer of the stack.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Name for results.
    pub name: String,
    /// Thickness, m.
    pub thickness_m: f64,
    /// Cells through the thickness.
    pub n_sublayers: usize,
    /// The layer's material.
    pub material: Material,
    /// Its footprint.
    pub footprint: Rect,
    /// Regions of other materials (e.g. dies in a mould layer); the last covering one wins.
    pub regions: Vec<(Rect, Material)>,
}

/// Heat generated in a rectangle of a layer.
#[derive(Debug, Clone)]
pub struct Source {
    /// Name for results.
    pub name: String,
    /// Index of the layer it heats.
    pub layer: usize,
    /// Where.
    pub rect: Rect,
    /// Power, W.
    pub power_w: f64,
}

/// Convection from the top face of the top layer and the bottom face of the bottom layer to
/// one fluid temperature.
#[derive(Debug, Clone, Copy)]
pub struct Boundaries {
    /// Heat-transfer coefficient on the top face, W/(m² K); 0 = adiabatic.
    pub top_h_w_per_m2k: f64,
    /// Heat-transfer coefficient on the bottom face, W/(m² K); 0 = adiabatic.
    pub bottom_h_w_per_m2k: f64,
    /// Fluid (ambient or coolant) temperature, °C.
    pub fluid_temp_c: f64,
}

/// A stack that cannot be modelled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StackError {
    /// A non-positive or non-finite geometric or material value.
    #[error("{what}: value {value}; expected a finite value > 0")]
    NotPositive {
        /// Which value.
        what: String,
        /// The value.
        value: f64,
    },
    /// A source that lies outside its layer.
    #[error("source {source_name} is not inside the footprint of layer {layer}")]
    SourceOutside {
        /// The source.
        source_name: String,
        /// The layer name.
        layer: String,
    },
    /// Network failure.
    #[error(transparent)]
    Network(#[from] NetworkError),
}

/// A discretised stack.
pub struct Model {
    network: Network,
    /// Per layer, per sublayer, per cell (row-major, row 0 at the bottom y): node or none.
    nodes: Vec<Vec<Vec<Option<usize>>>>,
    nx: usize,
    ny: usize,
    domain: Rect,
    power_w: Vec<f64>,
    /// Per source: (node, W) at the source's power.
    source_power_w: Vec<Vec<(usize, f64)>>,
    fluid_temp_c: f64,
}

impl Model {
    /// Discretises `layers` (top first) on an `nx` x `ny` lateral grid.
    ///
    /// # Errors
    /// [`StackError`] for invalid geometry or a source outside its layer.
    pub fn new(
        layers: Vec<Layer>,
        sources: &[Source],
        boundaries: Boundaries,
        nx: usize,
        ny: usize,
    ) -> Result<Model, StackError> {
        check_stack(&layers, nx, ny)?;
        let grid = LateralGrid::of(&layers, nx, ny);
        let mut network = Network::default();
        let cells = add_cells(&layers, &grid, &mut network);
        connect_cells(&layers, &grid, &cells, &boundaries, &mut network);
        let (power_w, source_power_w) =
            place_sources(&layers, sources, &grid, &cells.nodes, network.n_nodes())?;
        Ok(Model {
            network,
            nodes: cells.nodes,
            nx,
            ny,
            domain: grid.domain,
            power_w,
            source_power_w,
            fluid_temp_c: boundaries.fluid_temp_c,
        })
    }

    /// The network.
    #[must_use]
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Steady temperatures, °C, one per node: by sparse Cholesky up to
    /// [`DIRECT_SOLVE_MAX_NODES`] nodes, above by multigrid-preconditioned conjugate gradients
    /// ([`crate::multigrid`]; every sublayer is a layer of the grid).
    ///
    /// # Errors
    /// [`StackError::Network`] if the stack has no path to the fluid.
    pub fn steady(&self) -> Result<Vec<f64>, StackError> {
        let rise = if self.network.n_nodes() > DIRECT_SOLVE_MAX_NODES {
            self.steady_rise_multigrid(&self.power_w)?
        } else {
            self.network.steady(&self.power_w)?
        };
        Ok(rise.iter().map(|rise| rise + self.fluid_temp_c).collect())
    }

    /// Steady rise for node powers `power_w` by multigrid. Cells outside a layer's footprint
    /// become isolated placeholders of the complete grid (no links, no power, so no rise);
    /// their diagonal is 1e-12 of the largest real one, small enough not to stiffen the coarse
    /// levels' aggregates they join.
    fn steady_rise_multigrid(&self, power_w: &[f64]) -> Result<Vec<f64>, NetworkError> {
        let layout = GridLayout {
            layers: self.nodes.iter().map(Vec::len).sum(),
            rows: self.ny,
            cols: self.nx,
        };
        let n_nodes = self.network.n_nodes();
        let ambient = self.network.ambient_conductances();
        let mut diagonal = ambient.to_vec();
        for (a, b, g) in self.network.edges() {
            diagonal[a] += g;
            diagonal[b] += g;
        }
        let placeholder = 1e-12 * diagonal.iter().fold(0.0f64, |max, &d| max.max(d));
        drop(diagonal);
        let mut grid_of = vec![0usize; n_nodes];
        let mut builder = GridOperatorBuilder::new(layout);
        for node in self.nodes.iter().flatten().flatten() {
            let cell = builder.add_node(0.0);
            match node {
                Some(node) => grid_of[*node] = cell,
                None => builder.ground_conductance(cell, placeholder),
            }
        }
        for (node, &g) in ambient.iter().enumerate() {
            builder.ground_conductance(grid_of[node], g);
        }
        for (a, b, g) in self.network.edges() {
            builder.connect_conductance(grid_of[a], grid_of[b], g);
        }
        let operator = builder.finish()?;
        let mut rhs = vec![0.0; layout.cells()];
        for (node, &watts) in power_w.iter().enumerate() {
            rhs[grid_of[node]] = watts;
        }
        let (rise, _) = operator.solve(rhs)?;
        Ok(grid_of.iter().map(|&cell| rise[cell]).collect())
    }

    /// A stepper with a fixed step (factored once).
    ///
    /// # Errors
    /// [`StackError::Network`] if the factorization fails.
    pub fn stepper(&self, step_s: f64, scheme: TimeScheme) -> Result<Stepper<'_>, StackError> {
        Ok(self.network.stepper(step_s, scheme)?)
    }

    /// Node powers, W, at full source power.
    #[must_use]
    pub fn power(&self) -> &[f64] {
        &self.power_w
    }

    /// Node powers, W, with each source scaled by its weight (superposition: the network is
    /// linear, so responses to sources add).
    #[must_use]
    pub fn weighted_power(&self, weights: &[f64]) -> Vec<f64> {
        let mut power = vec![0.0; self.network.n_nodes()];
        for (source, weight) in self.source_power_w.iter().zip(weights) {
            for &(node, watts) in source {
                power[node] += weight * watts;
            }
        }
        power
    }

    /// Mean and maximum temperature (°C) of the cells of sublayer `sublayer` of layer `layer`
    /// whose centres lie in `rect`.
    #[must_use]
    pub fn region_stats(
        &self,
        temperatures_c: &[f64],
        layer: usize,
        sublayer: usize,
        rect: &Rect,
    ) -> Option<(f64, f64)> {
        let (dx, dy) =
            (self.domain.width_m / self.nx as f64, self.domain.height_m / self.ny as f64);
        let mut sum = 0.0;
        let mut count = 0usize;
        let mut max = f64::NEG_INFINITY;
        for (cell, node) in self.nodes[layer][sublayer].iter().enumerate() {
            let Some(node) = node else { continue };
            let x = self.domain.x_m + ((cell % self.nx) as f64 + 0.5) * dx;
            let y = self.domain.y_m + ((cell / self.nx) as f64 + 0.5) * dy;
            if rect.contains(x, y) {
                sum += temperatures_c[*node];
                max = max.max(temperatures_c[*node]);
                count += 1;
            }
        }
        (count > 0).then(|| (sum / count as f64, max))
    }

    /// The nodes [`Model::region_stats`] averages over, in its order: those of the cells of
    /// sublayer `sublayer` of layer `layer` whose centres lie in `rect`. Averaging
    /// temperatures over them in this order gives exactly `region_stats`' figures.
    #[must_use]
    pub fn region_nodes(&self, layer: usize, sublayer: usize, rect: &Rect) -> Vec<usize> {
        let (dx, dy) =
            (self.domain.width_m / self.nx as f64, self.domain.height_m / self.ny as f64);
        let mut nodes = Vec::new();
        for (cell, node) in self.nodes[layer][sublayer].iter().enumerate() {
            let Some(node) = node else { continue };
            let x = self.domain.x_m + ((cell % self.nx) as f64 + 0.5) * dx;
            let y = self.domain.y_m + ((cell / self.nx) as f64 + 0.5) * dy;
            if rect.contains(x, y) {
                nodes.push(*node);
            }
        }
        nodes
    }

    /// Node of a cell, if it exists.
    #[must_use]
    pub fn node(&self, layer: usize, sublayer: usize, i: usize, j: usize) -> Option<usize> {
        self.nodes[layer][sublayer][j * self.nx + i]
    }
}

/// Refuses a grid or a layer with a non-positive or non-finite size or material value.
fn check_stack(layers: &[Layer], nx: usize, ny: usize) -> Result<(), StackError> {
    let positive = |what: String, value: f64| {
        if value.is_finite() && value > 0.0 {
            Ok(())
        } else {
            Err(StackError::NotPositive { what, value })
        }
    };
    positive("grid nx".to_string(), nx as f64)?;
    positive("grid ny".to_string(), ny as f64)?;
    for layer in layers {
        positive(format!("layer {} thickness_m", layer.name), layer.thickness_m)?;
        positive(format!("layer {} n_sublayers", layer.name), layer.n_sublayers as f64)?;
        positive(format!("layer {} k_w_per_mk", layer.name), layer.material.k_w_per_mk)?;
        positive(format!("layer {} rho_c_j_per_m3k", layer.name), layer.material.rho_c_j_per_m3k)?;
        positive(format!("layer {} footprint width_m", layer.name), layer.footprint.width_m)?;
        positive(format!("layer {} footprint height_m", layer.name), layer.footprint.height_m)?;
    }
    Ok(())
}

/// The lateral grid: the bounding box of the layers' footprints cut into `nx` x `ny` cells.
#[derive(Debug, Clone, Copy)]
struct LateralGrid {
    domain: Rect,
    nx: usize,
    ny: usize,
    /// Cell width, m.
    dx: f64,
    /// Cell height, m.
    dy: f64,
}

impl LateralGrid {
    /// The grid of `nx` x `ny` cells over the bounding box of the layers' footprints.
    fn of(layers: &[Layer], nx: usize, ny: usize) -> LateralGrid {
        let x0 = layers.iter().map(|layer| layer.footprint.x_m).fold(f64::INFINITY, f64::min);
        let y0 = layers.iter().map(|layer| layer.footprint.y_m).fold(f64::INFINITY, f64::min);
        let x1 = layers
            .iter()
            .map(|layer| layer.footprint.x_m + layer.footprint.width_m)
            .fold(f64::NEG_INFINITY, f64::max);
        let y1 = layers
            .iter()
            .map(|layer| layer.footprint.y_m + layer.footprint.height_m)
            .fold(f64::NEG_INFINITY, f64::max);
        let domain = Rect { x_m: x0, y_m: y0, width_m: x1 - x0, height_m: y1 - y0 };
        let (dx, dy) = (domain.width_m / nx as f64, domain.height_m / ny as f64);
        LateralGrid { domain, nx, ny, dx, dy }
    }

    /// Centre of cell `cell` (row-major, row 0 at the bottom y), m.
    fn centre(&self, cell: usize) -> (f64, f64) {
        let (i, j) = (cell % self.nx, cell / self.nx);
        (self.domain.x_m + (i as f64 + 0.5) * self.dx, self.domain.y_m + (j as f64 + 0.5) * self.dy)
    }
}

/// The stack's nodes and each layer's cell materials.
struct Cells {
    /// Per layer, per sublayer, per cell: node or none.
    nodes: Vec<Vec<Vec<Option<usize>>>>,
    /// Per layer, per cell: the material at the cell's centre.
    materials: Vec<Vec<Material>>,
}

/// Adds a node (with its heat capacity) for every cell whose centre lies in its layer's
/// footprint, layer by layer and sublayer by sublayer.
fn add_cells(layers: &[Layer], grid: &LateralGrid, network: &mut Network) -> Cells {
    let LateralGrid { nx, ny, dx, dy, .. } = *grid;
    let mut nodes = Vec::with_capacity(layers.len());
    let mut materials: Vec<Vec<Material>> = Vec::with_capacity(layers.len());
    for layer in layers {
        let dz = layer.thickness_m / layer.n_sublayers as f64;
        let mut cell_material = vec![layer.material; nx * ny];
        for (cell, material) in cell_material.iter_mut().enumerate() {
            let (x, y) = grid.centre(cell);
            for (rect, region_material) in &layer.regions {
                if rect.contains(x, y) {
                    *material = *region_material;
                }
            }
        }
        let mut layer_nodes = Vec::with_capacity(layer.n_sublayers);
        for _ in 0..layer.n_sublayers {
            let sublayer: Vec<Option<usize>> = (0..nx * ny)
                .map(|cell| {
                    let (x, y) = grid.centre(cell);
                    layer.footprint.contains(x, y).then(|| {
                        network.add_node(cell_material[cell].rho_c_j_per_m3k * dx * dy * dz)
                    })
                })
                .collect();
            layer_nodes.push(sublayer);
        }
        nodes.push(layer_nodes);
        materials.push(cell_material);
    }
    Cells { nodes, materials }
}

/// Connects every cell to its east, north and lower neighbours by the series conductance of
/// their half cells, and the exposed top and bottom faces to the fluid.
fn connect_cells(
    layers: &[Layer],
    grid: &LateralGrid,
    cells: &Cells,
    boundaries: &Boundaries,
    network: &mut Network,
) {
    let LateralGrid { nx, ny, dx, dy, .. } = *grid;
    let Cells { nodes, materials } = cells;
    for (l, layer) in layers.iter().enumerate() {
        let dz = layer.thickness_m / layer.n_sublayers as f64;
        let k = |cell: usize| materials[l][cell].k_w_per_mk;
        for s in 0..layer.n_sublayers {
            for cell in 0..nx * ny {
                let Some(here) = nodes[l][s][cell] else { continue };
                let (i, j) = (cell % nx, cell / nx);
                if i + 1 < nx
                    && let Some(east) = nodes[l][s][cell + 1]
                {
                    network.connect_conductance(
                        here,
                        east,
                        dy * dz / (0.5 * dx / k(cell) + 0.5 * dx / k(cell + 1)),
                    );
                }
                if j + 1 < ny
                    && let Some(north) = nodes[l][s][cell + nx]
                {
                    network.connect_conductance(
                        here,
                        north,
                        dx * dz / (0.5 * dy / k(cell) + 0.5 * dy / k(cell + nx)),
                    );
                }
                // Down: the next sublayer, or the top sublayer of the next layer.
                let below = if s + 1 < layer.n_sublayers {
                    nodes[l][s + 1][cell].map(|node| (node, 0.5 * dz / k(cell)))
                } else if l + 1 < layers.len() {
                    let next = &layers[l + 1];
                    let next_dz = next.thickness_m / next.n_sublayers as f64;
                    nodes[l + 1][0][cell]
                        .map(|node| (node, 0.5 * next_dz / materials[l + 1][cell].k_w_per_mk))
                } else {
                    None
                };
                if let Some((node, lower_half)) = below {
                    network.connect_conductance(
                        here,
                        node,
                        dx * dy / (0.5 * dz / k(cell) + lower_half),
                    );
                }
                let top_face = l == 0 && s == 0 && boundaries.top_h_w_per_m2k > 0.0;
                let bottom_face = l + 1 == layers.len()
                    && s + 1 == layer.n_sublayers
                    && boundaries.bottom_h_w_per_m2k > 0.0;
                for (exposed, h) in [
                    (top_face, boundaries.top_h_w_per_m2k),
                    (bottom_face, boundaries.bottom_h_w_per_m2k),
                ] {
                    if exposed {
                        network.ground_conductance(here, dx * dy / (0.5 * dz / k(cell) + 1.0 / h));
                    }
                }
            }
        }
    }
}

/// Per source: (node, W) at the source's power.
type SourcePowers = Vec<Vec<(usize, f64)>>;

/// Each source's power spread over the cells of its rectangle and the sublayers of its
/// layer: the power per node, W, and per source its (node, W) pairs.
fn place_sources(
    layers: &[Layer],
    sources: &[Source],
    grid: &LateralGrid,
    nodes: &[Vec<Vec<Option<usize>>>],
    n_nodes: usize,
) -> Result<(Vec<f64>, SourcePowers), StackError> {
    let LateralGrid { nx, ny, dx, dy, .. } = *grid;
    let (x0, y0) = (grid.domain.x_m, grid.domain.y_m);
    let mut power_w = vec![0.0; n_nodes];
    let mut source_power_w = Vec::with_capacity(sources.len());
    for source in sources {
        let mut this_source = Vec::new();
        let Some(layer) = layers.get(source.layer) else {
            return Err(StackError::SourceOutside {
                source_name: source.name.clone(),
                layer: source.layer.to_string(),
            });
        };
        let inside = layer.footprint.overlap_m2(&source.rect);
        if inside < source.rect.width_m * source.rect.height_m * (1.0 - 1e-9) {
            return Err(StackError::SourceOutside {
                source_name: source.name.clone(),
                layer: layer.name.clone(),
            });
        }
        let area = source.rect.width_m * source.rect.height_m;
        #[allow(clippy::needless_range_loop, reason = "the cell index is the grid position")]
        for cell in 0..nx * ny {
            let (i, j) = (cell % nx, cell / nx);
            let cell_rect = Rect {
                x_m: x0 + i as f64 * dx,
                y_m: y0 + j as f64 * dy,
                width_m: dx,
                height_m: dy,
            };
            let overlap = cell_rect.overlap_m2(&source.rect);
            if overlap <= 0.0 {
                continue;
            }
            for sublayer in &nodes[source.layer] {
                if let Some(node) = sublayer[cell] {
                    let watts = source.power_w * overlap / area / layer.n_sublayers as f64;
                    power_w[node] += watts;
                    this_source.push((node, watts));
                }
            }
        }
        source_power_w.push(this_source);
    }
    Ok((power_w, source_power_w))
}

#[cfg(test)]
mod tests;
