//! HotSpot 7's microchannel layer (uvahotspot/HotSpot `microchannel.c` and the
//! microchannel parts of `temperature_grid.c`), as its SuperLU build computes it.
//!
//! **Geometry.** A layer of the layer configuration file whose "floorplan" is a `.csv` file
//! is a microchannel layer (HotSpot's `-use_microchannels 1`, which needs the grid model and
//! `-detailed_3D on`). The `.csv` holds one integer per grid cell, `rows` lines of `cols`
//! values (the grid's own size; row 0 on top): `0` wall (solid), `-1` TSV (solid too),
//! `1` coolant, `2` inlet, `3` outlet (inlets and outlets hold coolant). From it HotSpot
//! writes a floorplan with one block `Cell_i_j` per cell, $c_w \times c_h$ at
//! $x = j\thinspace c_w$, $y = (\text{rows}-1-i)\thinspace c_h$, carrying the coolant's or the wall's volumetric
//! heat capacity and resistivity, printed with C's `%e` (seven significant digits; the model
//! reads those printed values back, as HotSpot does), and builds the layer's cells from it as
//! for any detailed 3-D layer.
//!
//! **Coolant and walls** come from the config (HotSpot's defaults in parentheses):
//! `-pumping_pressure` $\Delta p$ (5000 Pa), `-inlet_temperature` $T_\text{in}$ (300 K),
//! `-coolant_capac` $\rho c_f$ (4172638 J/(m³ K)), `-coolant_res` $1/k_f$
//! (1.647717911 m K/W), `-coolant_visc` $\mu$ (8.89e-4 Pa s), `-wall_capac` (1635660),
//! `-wall_res` (0.0076923077), `-htc` $h$ (27132 W/(m² K)); `-coolant_material` and
//! `-wall_material` name a material of the materials file instead (the coolant a `fluid`,
//! whose fifth field is $\mu$) and win over the numbers. `-pump_internal_res` must be 0 (an
//! ideal pump): HotSpot's non-ideal pump writes past the end of its pressure matrix.
//!
//! **Pressure.** Every pair of neighbouring coolant cells (north-south or east-west, inlets
//! and outlets included) is joined by the hydraulic conductance of HotSpot's `hydroC`, with
//! $t$ the layer thickness, $w = c_w$ and $L = c_h$ (the same for both directions, as in
//! HotSpot):
//!
//! $$g = \frac{0.42229\thinspace t^4}{12\mu L}\ (t = w),\qquad
//!   g = \frac{(1 - 0.63\thinspace s/b)\thinspace s^3 b}{12\mu L},\ s = \min(t, w),\ b = \max(t, w).$$
//!
//! Inlets sit at $p = \Delta p$, outlets at $p = 0$, and each other coolant cell conserves
//! volume, $\sum_{n} g\thinspace(p_i - p_n) = 0$ over its coolant neighbours. The volume flow from
//! cell $a$ to a neighbour $b$ is $Q_{a\to b} = g\thinspace(p_a - p_b)$ (m³/s).
//!
//! **Heat exchange.** Between a coolant cell and a solid neighbour HotSpot's `find_res`
//! replaces half of the coolant cell's conduction resistance by a convective one: laterally
//! north-south $r_x^\text{solid}/2 + 1/(h\thinspace c_w t)$, east-west $r_y^\text{solid}/2 +
//! 1/(h\thinspace c_h t)$; vertically $r_z^\text{solid}/2 + 1/(h\thinspace c_w c_h)$, except next to layer 0,
//! where layer 0's whole $r_z$ is used, $r_z^{(0)} + 1/(h\thinspace c_w c_h)$ (HotSpot's layer-0 rule).
//! Coolant to coolant and solid to solid conduct as in any detailed 3-D layer.
//!
//! **Advection** (`build_transient_grid_matrix` and `build_transient_power_vector`), with
//! $c = \rho c_f$: a coolant cell $i$ exchanges with each coolant neighbour $n$ the enthalpy
//! flux $c\thinspace Q_{i\to n}\thinspace(T_i + T_n)/2$ (central differencing), so its row of the network
//! $G\thinspace T = P$ gains $+c\thinspace Q_{i\to n}/2$ on the diagonal and in column $n$. An inlet on the
//! grid's edge also receives $c\thinspace Q_\text{in}\thinspace T_\text{in}$ on the right-hand side, with
//! $Q_\text{in} = \sum_n Q_{\text{inlet}\to n}$. An outlet's row takes its (single) coolant
//! neighbour $u$ only: $-c\thinspace Q_{u\to o}/2$ in column $u$, $+c\thinspace Q_{u\to o}/2$ on the diagonal,
//! which is the upstream face flux minus the outflow $c\thinspace Q_{u\to o}\thinspace T_o$. Summed over the
//! coolant cells the face fluxes cancel, so in steady state the heat conducted into the
//! coolant equals $\sum_\text{outlets} c\thinspace Q_o\thinspace(T_o - T_\text{in})$, the coolant's
//! $\dot m\thinspace c_p\thinspace\Delta T$ (checked by the tests to 1e-9). The matrix is not symmetric: the
//! model solves it with a sparse LU factorisation (HotSpot: SuperLU), in steady state and for
//! each backward-Euler step of a transient.
//!
//! HotSpot's default (non-SuperLU) build refuses steady states with microchannels, so the
//! reference values for these tests come from its SuperLU build (`make SUPERLU=1`).
//!
//! Refused by name where HotSpot would compute something silently wrong: an inlet or outlet
//! off the grid's edge (HotSpot adds no coolant there), an outlet with more than one coolant
//! neighbour (HotSpot's matrix keeps only the first), a microchannel layer as layer 0
//! (HotSpot's `find_res` then treats lateral walls as vertical contacts), a `.csv` whose size
//! differs from the grid.

use super::parse::{Config, Material, ParseError, shown};
use crate::network::NetworkError;
use faer::linalg::solvers::SolveCore;
use faer::sparse::{SparseColMat, Triplet};
use std::collections::BTreeMap;

/// One cell of a microchannel layer's `.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellType {
    /// A through-silicon via (`-1`), solid as a wall.
    Tsv,
    /// A channel wall (`0`).
    Wall,
    /// Coolant (`1`).
    Fluid,
    /// Coolant entering at the inlet temperature (`2`).
    Inlet,
    /// Coolant leaving (`3`).
    Outlet,
}

impl CellType {
    /// Whether the cell holds coolant (HotSpot's `IS_FLUID_CELL`).
    #[must_use]
    pub fn is_fluid(self) -> bool {
        matches!(self, CellType::Fluid | CellType::Inlet | CellType::Outlet)
    }
}

/// A microchannel layer's cell types, as read from its `.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelGrid {
    /// File name, for messages.
    pub file: String,
    /// Rows (lines of the file).
    pub rows: usize,
    /// Columns (values per line).
    pub cols: usize,
    /// Row-major cell types, row 0 on top.
    pub types: Vec<CellType>,
    /// The file line of each row.
    pub row_lines: Vec<usize>,
}

/// Reads a microchannel `.csv`: one line per grid row, values separated by commas (and
/// spaces), each -1 (TSV), 0 (wall), 1 (coolant), 2 (inlet) or 3 (outlet). Blank lines are
/// skipped.
///
/// # Errors
/// A [`ParseError`] naming the line and column: a value that is not one of those integers,
/// a row whose length differs from the first row's, an inlet or outlet off the edge, an
/// outlet with several coolant neighbours, no inlet or no outlet.
pub fn channel_grid(file: &str, text: &str) -> Result<ChannelGrid, ParseError> {
    let fail = |line: Option<usize>, field: String, message: String| ParseError {
        file: file.to_string(),
        line,
        field,
        message,
    };
    let mut types = Vec::new();
    let mut row_lines = Vec::new();
    let mut cols = 0;
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        let tokens: Vec<&str> =
            line.split([',', ' ', '\t', '\r']).filter(|token| !token.is_empty()).collect();
        if tokens.is_empty() {
            continue;
        }
        if row_lines.is_empty() {
            cols = tokens.len();
        } else if tokens.len() != cols {
            return Err(fail(
                Some(line_number),
                "row".to_string(),
                format!(
                    "{} values; the first row has {cols} (one value per grid column)",
                    tokens.len()
                ),
            ));
        }
        for (column, token) in tokens.iter().enumerate() {
            let kind = match *token {
                "-1" => CellType::Tsv,
                "0" => CellType::Wall,
                "1" => CellType::Fluid,
                "2" => CellType::Inlet,
                "3" => CellType::Outlet,
                other => {
                    let shown: String = other.chars().take(20).collect();
                    return Err(fail(
                        Some(line_number),
                        format!("column {}", column + 1),
                        format!(
                            "value {shown:?}; expected -1 (TSV), 0 (wall), 1 (coolant), 2 (inlet) or 3 (outlet)"
                        ),
                    ));
                }
            };
            types.push(kind);
        }
        row_lines.push(line_number);
    }
    let rows = row_lines.len();
    if rows == 0 {
        return Err(fail(None, "cells".to_string(), "no rows".to_string()));
    }
    let grid = ChannelGrid { file: file.to_string(), rows, cols, types, row_lines };
    let mut inlets = 0;
    let mut outlets = 0;
    for i in 0..rows {
        for j in 0..cols {
            let kind = grid.types[i * cols + j];
            if !matches!(kind, CellType::Inlet | CellType::Outlet) {
                continue;
            }
            let field = format!("column {}", j + 1);
            let name = if kind == CellType::Inlet { "inlet" } else { "outlet" };
            let on_edge = i == 0 || i + 1 == rows || j == 0 || j + 1 == cols;
            if !on_edge {
                return Err(fail(
                    Some(grid.row_lines[i]),
                    field,
                    format!(
                        "an {name} at row {i}, column {j} is inside the grid; HotSpot feeds and drains coolant only at cells on the grid's edge"
                    ),
                ));
            }
            if kind == CellType::Outlet {
                outlets += 1;
                let upstream = grid.fluid_neighbours(i, j).len();
                if upstream != 1 {
                    return Err(fail(
                        Some(grid.row_lines[i]),
                        field,
                        format!(
                            "the outlet at row {i}, column {j} has {upstream} coolant neighbours; HotSpot's network takes exactly one (it keeps only the first)"
                        ),
                    ));
                }
            } else {
                inlets += 1;
            }
        }
    }
    if inlets == 0 || outlets == 0 {
        return Err(fail(
            None,
            "cells".to_string(),
            format!("{inlets} inlets and {outlets} outlets; a channel needs at least one of each"),
        ));
    }
    Ok(grid)
}

impl ChannelGrid {
    /// The coolant neighbours of cell (i, j) in HotSpot's order: north, south, west, east.
    fn fluid_neighbours(&self, i: usize, j: usize) -> Vec<usize> {
        let mut found = Vec::with_capacity(4);
        let mut push = |ni: usize, nj: usize| {
            if self.types[ni * self.cols + nj].is_fluid() {
                found.push(ni * self.cols + nj);
            }
        };
        if i > 0 {
            push(i - 1, j);
        }
        if i + 1 < self.rows {
            push(i + 1, j);
        }
        if j > 0 {
            push(i, j - 1);
        }
        if j + 1 < self.cols {
            push(i, j + 1);
        }
        found
    }
}

/// Coolant, wall and pump parameters (HotSpot's `microchannel_config_t`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MicrochannelConfig {
    /// Pressure between inlets and outlets, Pa.
    pub pumping_pressure_pa: f64,
    /// Coolant temperature at the inlets, K.
    pub inlet_temperature_k: f64,
    /// Coolant volumetric heat capacity, J/(m³ K).
    pub coolant_rho_c_j_per_m3k: f64,
    /// Coolant thermal resistivity, m K/W.
    pub coolant_resistivity_mk_per_w: f64,
    /// Coolant dynamic viscosity, Pa s.
    pub coolant_viscosity_pa_s: f64,
    /// Wall volumetric heat capacity, J/(m³ K).
    pub wall_rho_c_j_per_m3k: f64,
    /// Wall thermal resistivity, m K/W.
    pub wall_resistivity_mk_per_w: f64,
    /// Heat-transfer coefficient between coolant and walls, W/(m² K).
    pub htc_w_per_m2k: f64,
}

impl Default for MicrochannelConfig {
    /// HotSpot's `default_microchannel_config`.
    fn default() -> Self {
        MicrochannelConfig {
            pumping_pressure_pa: 5000.0,
            inlet_temperature_k: 300.0,
            coolant_rho_c_j_per_m3k: 4_172_638.0,
            coolant_resistivity_mk_per_w: 1.647_717_911,
            coolant_viscosity_pa_s: 0.000_889,
            wall_rho_c_j_per_m3k: 1_635_660.0,
            wall_resistivity_mk_per_w: 0.007_692_307_7,
            htc_w_per_m2k: 27132.0,
        }
    }
}

impl MicrochannelConfig {
    /// Reads the microchannel options of `config` over HotSpot's defaults; `-coolant_material`
    /// and `-wall_material` name entries of `materials` (the coolant's viscosity from
    /// `viscosities`, the fluids of the materials file).
    ///
    /// # Errors
    /// A [`ParseError`] naming the option: not a number, not positive (the pressure and the
    /// inlet temperature may not be negative either), an unknown material, a coolant that is
    /// not a fluid, or a non-ideal pump.
    pub fn from_config(
        config: &Config,
        materials: &BTreeMap<String, Material>,
        viscosities: &BTreeMap<String, f64>,
    ) -> Result<MicrochannelConfig, ParseError> {
        let mut out = MicrochannelConfig::default();
        let positive = |key: &str, unit: &str, value: &mut f64| -> Result<(), ParseError> {
            if config.text(key).is_some() {
                *value = config.positive(key, unit)?;
            }
            Ok(())
        };
        positive("pumping_pressure", "Pa", &mut out.pumping_pressure_pa)?;
        if config.text("inlet_temperature").is_some() {
            out.inlet_temperature_k = config.kelvin("inlet_temperature")?;
        }
        positive("coolant_capac", "J/(m^3 K)", &mut out.coolant_rho_c_j_per_m3k)?;
        positive("coolant_res", "m K/W", &mut out.coolant_resistivity_mk_per_w)?;
        positive("coolant_visc", "Pa s", &mut out.coolant_viscosity_pa_s)?;
        positive("wall_capac", "J/(m^3 K)", &mut out.wall_rho_c_j_per_m3k)?;
        positive("wall_res", "m K/W", &mut out.wall_resistivity_mk_per_w)?;
        positive("htc", "W/(m^2 K)", &mut out.htc_w_per_m2k)?;
        if config.text("pump_internal_res").is_some() && config.number("pump_internal_res")? != 0.0
        {
            return Err(config.error(
                "pump_internal_res",
                "a non-ideal pump is not supported (HotSpot's own non-ideal pump writes past the end of its pressure matrix); expected 0",
            ));
        }
        let lookup = |key: &str| -> Result<Option<(String, Material)>, ParseError> {
            let Some(name) = config.text(key) else { return Ok(None) };
            let material = materials.get(name).copied().ok_or_else(|| {
                config.error(
                    key,
                    format!(
                        "material {name} is not in the materials file (names are case-sensitive)"
                    ),
                )
            })?;
            Ok(Some((name.to_string(), material)))
        };
        if let Some((_, wall)) = lookup("wall_material")? {
            out.wall_resistivity_mk_per_w = 1.0 / wall.k_w_per_mk;
            out.wall_rho_c_j_per_m3k = wall.rho_c_j_per_m3k;
        }
        if let Some((name, coolant)) = lookup("coolant_material")? {
            let viscosity = viscosities.get(&name).copied().ok_or_else(|| {
                config.error(
                    "coolant_material",
                    format!(
                        "material {name} is a solid in the materials file; a coolant must be a fluid (with a viscosity)"
                    ),
                )
            })?;
            if viscosity <= 0.0 {
                return Err(config.error(
                    "coolant_material",
                    format!(
                        "material {name} has viscosity {} Pa s; a coolant needs a viscosity > 0",
                        shown(viscosity)
                    ),
                ));
            }
            out.coolant_resistivity_mk_per_w = 1.0 / coolant.k_w_per_mk;
            out.coolant_rho_c_j_per_m3k = coolant.rho_c_j_per_m3k;
            out.coolant_viscosity_pa_s = viscosity;
        }
        Ok(out)
    }
}

/// C's `%e`: six decimals and an exponent of at least two digits (`7.600000e-03`).
#[must_use]
pub fn c_exponential(value: f64) -> String {
    let text = format!("{value:.6e}");
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(digits) => ('-', digits),
                None => ('+', exponent),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => text,
    }
}

/// Advection terms of a microchannel layer in the network $G\thinspace T = P$.
#[derive(Debug, Clone, Default)]
pub struct AdvectionTerms {
    /// (row, column, W/K) added to $G$.
    pub entries: Vec<(usize, usize, f64)>,
    /// (inlet node, $c\thinspace Q_\text{in}\thinspace T_\text{in}$ in W) added to $P$.
    pub inlets: Vec<(usize, f64)>,
}

/// A microchannel layer on the grid: its cells, the pressure field and the flows.
#[derive(Debug, Clone)]
pub struct Channels {
    /// Cell types.
    pub grid: ChannelGrid,
    /// Coolant and walls.
    pub config: MicrochannelConfig,
    /// Layer thickness, m.
    pub thickness_m: f64,
    /// Cell width, m.
    pub cell_w_m: f64,
    /// Cell height, m.
    pub cell_h_m: f64,
    /// Hydraulic conductance between neighbouring coolant cells, m³/(Pa s).
    pub hydraulic_conductance: f64,
    /// Pressure of every cell, Pa (0 in solid cells).
    pub pressure_pa: Vec<f64>,
}

impl Channels {
    /// Solves the pressure network of `grid` for a layer `thickness_m` thick on cells of
    /// `cell_w_m` x `cell_h_m`.
    ///
    /// # Errors
    /// [`NetworkError`] if the pressure network is singular (a coolant region reaching no
    /// inlet or outlet).
    pub fn new(
        grid: ChannelGrid,
        config: MicrochannelConfig,
        thickness_m: f64,
        cell_w_m: f64,
        cell_h_m: f64,
    ) -> Result<Channels, NetworkError> {
        let hydraulic_conductance =
            hydraulic_conductance(thickness_m, cell_w_m, cell_h_m, config.coolant_viscosity_pa_s);
        let n_cells = grid.rows * grid.cols;
        let mut index = vec![usize::MAX; n_cells];
        let mut fluid = Vec::new();
        for (cell, slot) in index.iter_mut().enumerate() {
            if grid.types[cell].is_fluid() {
                *slot = fluid.len();
                fluid.push(cell);
            }
        }
        // HotSpot's build_pressure_matrix (ideal pump).
        let mut triplets = Vec::new();
        let mut rhs = vec![0.0; fluid.len()];
        for (row, &cell) in fluid.iter().enumerate() {
            match grid.types[cell] {
                CellType::Inlet => {
                    triplets.push(Triplet::new(row, row, 1.0));
                    rhs[row] = config.pumping_pressure_pa;
                }
                CellType::Outlet => triplets.push(Triplet::new(row, row, 1.0)),
                _ => {
                    let neighbours = grid.fluid_neighbours(cell / grid.cols, cell % grid.cols);
                    for &neighbour in &neighbours {
                        triplets.push(Triplet::new(row, index[neighbour], -hydraulic_conductance));
                    }
                    triplets.push(Triplet::new(
                        row,
                        row,
                        hydraulic_conductance * neighbours.len() as f64,
                    ));
                }
            }
        }
        let solved = solve_lu(fluid.len(), &triplets, &rhs)?;
        let mut pressure_pa = vec![0.0; n_cells];
        for (row, &cell) in fluid.iter().enumerate() {
            pressure_pa[cell] = solved[row];
        }
        Ok(Channels {
            grid,
            config,
            thickness_m,
            cell_w_m,
            cell_h_m,
            hydraulic_conductance,
            pressure_pa,
        })
    }

    /// Volume flow from cell `a` to cell `b` (layer-local indices), m³/s (HotSpot's
    /// `flow_rate`).
    #[must_use]
    pub fn flow_m3_per_s(&self, a: usize, b: usize) -> f64 {
        (self.pressure_pa[a] - self.pressure_pa[b]) * self.hydraulic_conductance
    }

    /// Whether layer-local cell `cell` holds coolant.
    #[must_use]
    pub fn is_fluid(&self, cell: usize) -> bool {
        self.grid.types[cell].is_fluid()
    }

    /// HotSpot's floorplan for the layer, as `microchannel_build_network` writes it.
    #[must_use]
    pub fn floorplan_text(&self) -> String {
        let c = &self.config;
        let mut text = String::from("# Name\tw\th\tx\ty\tc_v\tp\n");
        for i in 0..self.grid.rows {
            for j in 0..self.grid.cols {
                let (rho_c, resistivity) = if self.is_fluid(i * self.grid.cols + j) {
                    (c.coolant_rho_c_j_per_m3k, c.coolant_resistivity_mk_per_w)
                } else {
                    (c.wall_rho_c_j_per_m3k, c.wall_resistivity_mk_per_w)
                };
                text.push_str(&format!(
                    "Cell_{i}_{j}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                    c_exponential(self.cell_w_m),
                    c_exponential(self.cell_h_m),
                    c_exponential(j as f64 * self.cell_w_m),
                    c_exponential((self.grid.rows - i - 1) as f64 * self.cell_h_m),
                    c_exponential(rho_c),
                    c_exponential(resistivity),
                ));
            }
        }
        text
    }

    /// The layer's advection terms for the network $G\thinspace T = P$, cells numbered from
    /// `first_node`.
    #[must_use]
    pub fn advection(&self, first_node: usize) -> AdvectionTerms {
        let c = self.config.coolant_rho_c_j_per_m3k;
        let cols = self.grid.cols;
        let mut entries = Vec::new();
        let mut inlets = Vec::new();
        for cell in 0..self.grid.types.len() {
            let kind = self.grid.types[cell];
            if !kind.is_fluid() {
                continue;
            }
            let node = first_node + cell;
            let neighbours = self.grid.fluid_neighbours(cell / cols, cell % cols);
            if kind == CellType::Outlet {
                // Only the first coolant neighbour (the parser makes it the only one).
                if let Some(&upstream) = neighbours.first() {
                    let coeff = c * self.flow_m3_per_s(upstream, cell);
                    entries.push((node, first_node + upstream, -coeff / 2.0));
                    entries.push((node, node, coeff / 2.0));
                }
                continue;
            }
            for &neighbour in &neighbours {
                let coeff = c * self.flow_m3_per_s(cell, neighbour);
                entries.push((node, first_node + neighbour, coeff / 2.0));
                entries.push((node, node, coeff / 2.0));
            }
            if kind == CellType::Inlet {
                let inflow: f64 =
                    neighbours.iter().map(|&neighbour| self.flow_m3_per_s(cell, neighbour)).sum();
                inlets.push((node, c * inflow * self.config.inlet_temperature_k));
            }
        }
        AdvectionTerms { entries, inlets }
    }

    /// Volume flow leaving through each outlet, (layer-local cell, m³/s).
    #[must_use]
    pub fn outlet_flows(&self) -> Vec<(usize, f64)> {
        let cols = self.grid.cols;
        (0..self.grid.types.len())
            .filter(|&cell| self.grid.types[cell] == CellType::Outlet)
            .map(|cell| {
                let upstream = self.grid.fluid_neighbours(cell / cols, cell % cols);
                let flow = upstream.iter().map(|&u| self.flow_m3_per_s(u, cell)).sum();
                (cell, flow)
            })
            .collect()
    }
}

/// HotSpot's `hydroC`: the hydraulic conductance of one cell of a rectangular channel,
/// m³/(Pa s), for a layer `thickness` thick, cell width `width` and length `length`.
#[must_use]
#[allow(clippy::float_cmp, reason = "HotSpot's hydroC tests h == w exactly")]
pub fn hydraulic_conductance(thickness: f64, width: f64, length: f64, viscosity: f64) -> f64 {
    let (h, w, l) = (thickness, width, length);
    if h == w {
        0.42229 * h.powi(4) / (12.0 * viscosity * l)
    } else if h > w {
        (1.0 - 0.63 * (w / h)) * w.powi(3) * h / (12.0 * viscosity * l)
    } else {
        (1.0 - 0.63 * (h / w)) * h.powi(3) * w / (12.0 * viscosity * l)
    }
}

/// Solves the square sparse system given by `triplets` (duplicates summed) by LU.
pub(crate) fn solve_lu(
    n: usize,
    triplets: &[Triplet<usize, usize, f64>],
    rhs: &[f64],
) -> Result<Vec<f64>, NetworkError> {
    let lu = lu_factor(n, triplets)?;
    lu_solve(&lu, rhs)
}

/// A sparse LU factorisation.
pub(crate) type LuFactor = faer::sparse::linalg::solvers::Lu<usize, f64>;

/// Factors the square sparse matrix given by `triplets` (duplicates summed).
pub(crate) fn lu_factor(
    n: usize,
    triplets: &[Triplet<usize, usize, f64>],
) -> Result<LuFactor, NetworkError> {
    let matrix = SparseColMat::try_new_from_triplets(n, n, triplets)
        .map_err(|error| NetworkError::Singular(format!("{error:?}")))?;
    matrix.sp_lu().map_err(|error| NetworkError::Singular(format!("{error:?}")))
}

/// Solves with a factorisation; a non-finite result (a singular matrix) is an error.
pub(crate) fn lu_solve(lu: &LuFactor, rhs: &[f64]) -> Result<Vec<f64>, NetworkError> {
    let mut x = faer::Mat::from_fn(rhs.len(), 1, |row, _| rhs[row]);
    lu.solve_in_place_with_conj(faer::Conj::No, x.as_mut());
    let out: Vec<f64> = (0..rhs.len()).map(|row| x[(row, 0)]).collect();
    if out.iter().all(|value| value.is_finite()) {
        Ok(out)
    } else {
        Err(NetworkError::Singular(
            "the factorised system gave non-finite values (a coolant region reaching no inlet or outlet, or a node without a path to ambient)".to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_exponential_prints_like_c() {
        assert_eq!(c_exponential(0.0076), "7.600000e-03");
        assert_eq!(c_exponential(4_172_638.0), "4.172638e+06");
        assert_eq!(c_exponential(0.0), "0.000000e+00");
        assert_eq!(c_exponential(1.0 / 0.6069), "1.647718e+00");
    }

    #[test]
    fn malformed_csv_names_file_line_and_column() {
        let error = channel_grid("h.csv", "0, 0, 0\n2, 1, 3\n0, 5, 0\n").unwrap_err();
        assert_eq!(
            (error.file.as_str(), error.line, error.field.as_str()),
            ("h.csv", Some(3), "column 2")
        );
        assert!(error.message.contains("\"5\""), "{error}");
        let error = channel_grid("h.csv", "0, 0, 0\n\n2, 1, 3, 0\n").unwrap_err();
        assert_eq!((error.line, error.field.as_str()), (Some(3), "row"));
        let error = channel_grid("h.csv", "0,0,0,0\n0,2,1,3\n0,0,0,0\n").unwrap_err();
        assert!(error.message.contains("inside the grid"), "{error}");
        let error = channel_grid("h.csv", "0,0,1\n2,1,3\n0,0,0\n").unwrap_err();
        assert_eq!((error.line, error.field.as_str()), (Some(2), "column 3"));
        assert!(error.message.contains("2 coolant neighbours"), "{error}");
        let error = channel_grid("h.csv", "0,0,0\n2,1,1\n0,0,0\n").unwrap_err();
        assert!(error.message.contains("1 inlets and 0 outlets"), "{error}");
    }

    #[test]
    fn a_straight_channel_has_a_linear_pressure_drop_and_uniform_flow() {
        // One row of 2 (inlet), four coolant cells, 3 (outlet) between two wall rows.
        let grid = channel_grid("line.csv", "0,0,0,0,0,0\n2,1,1,1,1,3\n0,0,0,0,0,0\n").unwrap();
        let config = MicrochannelConfig { pumping_pressure_pa: 5000.0, ..Default::default() };
        let channels = Channels::new(grid, config, 100e-6, 200e-6, 200e-6).unwrap();
        // Six cells in series: five equal conductances, so each drops 1000 Pa.
        for j in 0..6 {
            let expected = 5000.0 - 1000.0 * j as f64;
            assert!((channels.pressure_pa[6 + j] - expected).abs() < 1e-9, "cell {j}");
        }
        let g = hydraulic_conductance(100e-6, 200e-6, 200e-6, 0.000_889);
        // (1 - 0.63 * 0.5) * (1e-4)^3 * 2e-4 / (12 * 8.89e-4 * 2e-4) by hand.
        assert!((g - 0.685 * 1e-12 * 2e-4 / (12.0 * 8.89e-4 * 2e-4)).abs() < 1e-24);
        for j in 0..5 {
            assert!((channels.flow_m3_per_s(6 + j, 7 + j) - 1000.0 * g).abs() < 1e-9 * 1000.0 * g);
        }
        assert_eq!(channels.outlet_flows().len(), 1);
    }
}
