//! HotSpot's block model, built as HotSpot builds it (uvahotspot/HotSpot
//! `temperature_block.c`, `flp.c`, and the package resistances of `temperature.c`).
//!
//! One node per floorplan block in each of four layers (silicon, interface, spreader, sink),
//! plus HotSpot's 12 package nodes around the die footprint. With block $i$ of width $w_i$,
//! height $h_i$ and area $A_i$, and a layer of thickness $t$ and conductivity $k$:
//!
//! - **lateral**, between blocks that share an edge of length $L$ (HotSpot's `is_horiz_adj` /
//!   `is_vert_adj`, corners excluded, edges compared within 1 µm): centre-to-edge resistances
//!   in series, $R = (w_i + w_j)/(2ktL)$ across a vertical edge and $(h_i + h_j)/(2ktL)$
//!   across a horizontal one (none in silicon with `-block_omit_lateral 1`);
//! - **vertical**, layer $l$ to $l+1$: the full thickness of the upper layer,
//!   $t_l/(k_l A_i)$;
//! - **sink block to ambient**: $t_s/(k_s A_i) + r_\text{convec}\thinspace s_\text{sink}^2/A_i$;
//! - **rim**: a spreader (sink) block on the die's west edge connects to `SP_W` (`SINK_C_W`)
//!   through $(1 + r_{1,x}\thinspace G_W)/g_{x,i}$, with $g_{x,i} = 2 k t h_i / w_i$ the block's
//!   centre-to-edge conductance and $G_W$ the sum of $g_x$ over the west-edge blocks, so
//!   that HotSpot's lumped $r_\text{sp1,x}$ ($r_\text{hs1,x}$) is shared among them in
//!   parallel; north and south use $g_y = 2ktw_i/h_i$ and $r_{1,y}$. The 12 rim nodes are
//!   wired as in the grid model ([`super::grid`]);
//! - **capacitance** $0.333\thinspace\rho c\thinspace t A_i$, plus $0.333\thinspace c_\text{convec} A_i/s_\text{sink}^2$
//!   on sink blocks.
//!
//! Steady state is solved exactly (HotSpot: dense LU). Transients use HotSpot's adaptive
//! RK4 ([`crate::network::Network::advance_rk4_hotspot`]), restarted at 0.1 µs every
//! sampling interval as HotSpot's `compute_temp_block` does.

use super::grid::{GridError, PACKAGE_NODES, PackageParameters, Rim, SteadyValues, getr};
use super::parse::{Block, Floorplan, Material, PowerTrace};
use crate::network::{Network, TimeScheme};

/// HotSpot's `DELTA`: lengths within 1 µm are equal.
const DELTA_M: f64 = 1e-6;

/// One chip layer of the block model.
#[derive(Debug, Clone, Copy)]
pub struct BlockLayer {
    /// Thickness, m.
    pub thickness_m: f64,
    /// Material.
    pub material: Material,
}

/// How transients are integrated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransientMethod {
    /// One implicit step per trace row (HotSpot's SuperLU build of the grid model).
    Fixed(TimeScheme),
    /// HotSpot's adaptive RK4 (its block model and its default grid build).
    HotSpotRk4,
}

/// The block model: the network and the trace-column map.
pub struct BlockModel {
    floorplan: Floorplan,
    network: Network,
    /// Trace column -> block.
    columns: Vec<usize>,
    column_names: Vec<String>,
    ambient_k: f64,
}

fn eq(a: f64, b: f64) -> bool {
    (a - b).abs() < DELTA_M
}

/// HotSpot's adjacency: (shares a vertical edge, shares a horizontal edge).
fn adjacency(floorplan: &Floorplan, i: usize, j: usize) -> (bool, bool) {
    let (a, b) = (&floorplan.blocks[i], &floorplan.blocks[j]);
    let (x1, x2, x3, x4) = (a.left_m, a.left_m + a.width_m, b.left_m, b.left_m + b.width_m);
    let (y1, y2, y3, y4) =
        (a.bottom_m, a.bottom_m + a.height_m, b.bottom_m, b.bottom_m + b.height_m);
    let diagonal = (eq(x2, x3) && eq(y2, y3))
        || (eq(x1, x4) && eq(y1, y4))
        || (eq(x2, x3) && eq(y1, y4))
        || (eq(x1, x4) && eq(y2, y3));
    if i == j || diagonal {
        return (false, false);
    }
    let overlaps = |p1: f64, p2: f64, p3: f64, p4: f64| {
        (p3 >= p1 && p3 <= p2)
            || (p4 >= p1 && p4 <= p2)
            || (p1 >= p3 && p1 <= p4)
            || (p2 >= p3 && p2 <= p4)
    };
    let horizontal = (eq(x1, x4) || eq(x2, x3)) && overlaps(y1, y2, y3, y4);
    let vertical = (eq(y1, y4) || eq(y2, y3)) && overlaps(x1, x2, x3, x4);
    (horizontal, vertical)
}

impl BlockModel {
    /// Builds HotSpot's block model of `floorplan` on `chip` and `interface` above the
    /// package, for the trace columns `column_names`.
    ///
    /// # Errors
    /// [`GridError`] if the die does not fit the package or a column names no block.
    pub fn new(
        floorplan: Floorplan,
        chip: BlockLayer,
        interface: BlockLayer,
        package: &PackageParameters,
        omit_lateral: bool,
        ambient_k: f64,
        column_names: &[String],
    ) -> Result<BlockModel, GridError> {
        let (width, height) = (floorplan.width_m, floorplan.height_m);
        let die_side = width.max(height);
        if die_side > package.spreader_side_m || die_side > package.sink_side_m {
            return Err(GridError::PackageTooSmall {
                die_mm: die_side * 1e3,
                spreader_mm: package.spreader_side_m * 1e3,
                sink_mm: package.sink_side_m * 1e3,
            });
        }
        let columns = column_names
            .iter()
            .map(|name| {
                floorplan
                    .index_of(name)
                    .ok_or_else(|| GridError::UnknownColumn { column: name.clone() })
            })
            .collect::<Result<Vec<usize>, GridError>>()?;
        let network = build_network(&floorplan, chip, interface, package, omit_lateral);
        Ok(BlockModel {
            floorplan,
            network,
            columns,
            column_names: column_names.to_vec(),
            ambient_k,
        })
    }

    /// The network (for energy checks).
    #[must_use]
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Node powers, W, for one row of trace powers (all in the silicon layer).
    #[must_use]
    pub fn node_power(&self, column_power_w: &[f64]) -> Vec<f64> {
        let mut power = vec![0.0; self.network.n_nodes()];
        for (&block, &watts) in self.columns.iter().zip(column_power_w) {
            power[block] += watts;
        }
        power
    }

    /// Steady temperatures (K) of every node for the trace's mean power, and the rises.
    ///
    /// # Errors
    /// [`GridError::Network`] if the solve fails.
    pub fn steady(&self, trace: &PowerTrace) -> Result<(Vec<f64>, Vec<f64>), GridError> {
        let rise = self.network.steady(&self.node_power(&trace.mean_w()))?;
        Ok((rise.iter().map(|theta| theta + self.ambient_k).collect(), rise))
    }

    /// Steady state with HotSpot's temperature-leakage loop (`-leakage_used 1`,
    /// `-leakage_mode 0`): each block adds [`crate::leakage::hotspot_leakage_w`] at its
    /// silicon temperature, and the loop stops when no block warms by 0.01 K or more
    /// (HotSpot's `steady_state_temp`, starting from its zeroed vector, 0 K).
    ///
    /// # Errors
    /// [`GridError::LeakageRunaway`] after 100 iterations or a rise over 500 K;
    /// [`GridError::Network`] if a solve fails.
    pub fn steady_with_leakage(
        &self,
        trace: &PowerTrace,
    ) -> Result<(Vec<f64>, Vec<f64>), GridError> {
        let base = self.node_power(&trace.mean_w());
        let solver = self.network.steady_solver()?;
        let n = self.floorplan.blocks.len();
        let mut temps_k = vec![0.0; self.network.n_nodes()];
        for iteration in 0..=crate::leakage::LEAKAGE_MAX_ITERATIONS {
            let mut power = base.clone();
            for (i, block) in self.floorplan.blocks.iter().enumerate() {
                power[i] +=
                    crate::leakage::hotspot_leakage_w(block.width_m, block.height_m, temps_k[i]);
            }
            if power.iter().any(|watts| !watts.is_finite()) {
                break;
            }
            let rise = solver.solve(&power)?;
            let next: Vec<f64> = rise.iter().map(|theta| theta + self.ambient_k).collect();
            let d_max = (0..n).map(|i| next[i] - temps_k[i]).fold(0.0, f64::max);
            temps_k = next;
            if d_max < crate::leakage::LEAKAGE_TOLERANCE_K {
                return Ok((temps_k, rise));
            }
            if d_max > 500.0 && iteration > 1 {
                break;
            }
        }
        Err(GridError::LeakageRunaway { iterations: crate::leakage::LEAKAGE_MAX_ITERATIONS })
    }

    /// Every node at `temperature_k`.
    #[must_use]
    pub fn uniform(&self, temperature_k: f64) -> Vec<f64> {
        vec![temperature_k; self.network.n_nodes()]
    }

    fn node_names(&self) -> Vec<String> {
        let mut names = Vec::with_capacity(self.network.n_nodes());
        for prefix in ["", "iface_", "hsp_", "hsink_"] {
            names.extend(
                self.floorplan.blocks.iter().map(|block| format!("{prefix}{}", block.name)),
            );
        }
        names.extend((0..PACKAGE_NODES.len()).map(|index| format!("inode_{index}")));
        names
    }

    /// Initial temperatures from a file in HotSpot's `.steady` layout (`-init_file`).
    ///
    /// # Errors
    /// [`GridError::InitFile`] for a missing name or a malformed line.
    pub fn initial_from_steady_file(&self, file: &str, text: &str) -> Result<Vec<f64>, GridError> {
        let values = SteadyValues::parse(file, text)?;
        self.node_names().iter().map(|name| values.get(name)).collect()
    }

    /// Transient from `initial` (K, every node), holding each trace row's power for
    /// `interval_s`. Returns the silicon temperature of each trace column after each row, and
    /// the final temperatures.
    ///
    /// # Errors
    /// [`GridError::Network`] if a step fails.
    pub fn transient(
        &self,
        trace: &PowerTrace,
        initial_k: &[f64],
        interval_s: f64,
        method: TransientMethod,
    ) -> Result<(Vec<Vec<f64>>, Vec<f64>), GridError> {
        let mut rise: Vec<f64> = initial_k.iter().map(|kelvin| kelvin - self.ambient_k).collect();
        let stepper = match method {
            TransientMethod::Fixed(scheme) => Some(self.network.stepper(interval_s, scheme)?),
            TransientMethod::HotSpotRk4 => None,
        };
        let mut rows = Vec::with_capacity(trace.rows.len());
        for row in &trace.rows {
            let power = self.node_power(row);
            match &stepper {
                Some(stepper) => stepper.step(&mut rise, &power, &power)?,
                None => {
                    self.network.advance_rk4_hotspot(&mut rise, &power, interval_s)?;
                }
            }
            rows.push(self.columns.iter().map(|&block| rise[block] + self.ambient_k).collect());
        }
        Ok((rows, rise.iter().map(|theta| theta + self.ambient_k).collect()))
    }

    /// HotSpot's block-model `.steady` layout: silicon blocks, `iface_`, `hsp_`, `hsink_`,
    /// then `inode_0..11`, `name\tK` with two decimals.
    #[must_use]
    pub fn steady_file(&self, temperatures_k: &[f64]) -> String {
        self.node_names()
            .iter()
            .zip(temperatures_k)
            .map(|(name, value)| format!("{name}\t{value:.2}\n"))
            .collect()
    }

    /// HotSpot's transient trace layout: the trace's column names, then one row of silicon
    /// block temperatures (K) per trace row.
    #[must_use]
    pub fn transient_file(&self, rows: &[Vec<f64>]) -> String {
        super::grid::trace_text(&self.column_names, rows)
    }
}

fn build_network(
    floorplan: &Floorplan,
    chip: BlockLayer,
    interface: BlockLayer,
    sp: &PackageParameters,
    omit_lateral: bool,
) -> Network {
    let blocks = &floorplan.blocks;
    let n = blocks.len();
    let layers = [
        (chip.thickness_m, chip.material.k_w_per_mk, chip.material.rho_c_j_per_m3k),
        (interface.thickness_m, interface.material.k_w_per_mk, interface.material.rho_c_j_per_m3k),
        (sp.spreader_thickness_m, sp.spreader_k_w_per_mk, sp.spreader_rho_c_j_per_m3k),
        (sp.sink_thickness_m, sp.sink_k_w_per_mk, sp.sink_rho_c_j_per_m3k),
    ];
    let (spreader, sink) = (2, 3);
    let mut network = Network::default();
    for &(thickness, _, rho_c) in &layers {
        for block in blocks {
            network.add_node(super::grid::C_FACTOR * rho_c * thickness * block.area_m2());
        }
    }
    let extra = network.n_nodes();
    for _ in 0..PACKAGE_NODES.len() {
        network.add_node(0.0);
    }

    for (layer, &(thickness, k, _)) in layers.iter().enumerate() {
        for i in 0..n {
            let (a, area) = (&blocks[i], blocks[i].area_m2());
            if !(layer == 0 && omit_lateral) {
                for (j, b) in blocks.iter().enumerate().skip(i + 1) {
                    let (horizontal, vertical) = adjacency(floorplan, i, j);
                    let (shared_m, span_m) = if horizontal {
                        let top = (a.bottom_m + a.height_m).min(b.bottom_m + b.height_m);
                        (top - a.bottom_m.max(b.bottom_m), a.width_m + b.width_m)
                    } else if vertical {
                        let right = (a.left_m + a.width_m).min(b.left_m + b.width_m);
                        (right - a.left_m.max(b.left_m), a.height_m + b.height_m)
                    } else {
                        continue;
                    };
                    if shared_m > 0.0 {
                        network.connect_resistance(
                            layer * n + i,
                            layer * n + j,
                            span_m / (2.0 * k * thickness * shared_m),
                        );
                    }
                }
            }
            if layer + 1 < layers.len() {
                network.connect_resistance(
                    layer * n + i,
                    (layer + 1) * n + i,
                    getr(k, thickness, area),
                );
            }
        }
    }

    // Sink blocks to ambient, with their share of the lumped convection.
    let s_hs = sp.sink_side_m;
    for (i, block) in blocks.iter().enumerate() {
        let area = block.area_m2();
        network.ground_resistance(
            sink * n + i,
            getr(sp.sink_k_w_per_mk, sp.sink_thickness_m, area)
                + sp.r_convec_k_per_w * s_hs * s_hs / area,
        );
        network.add_capacitance(
            sink * n + i,
            super::grid::C_FACTOR * sp.c_convec_j_per_k * area / (s_hs * s_hs),
        );
    }

    // Border blocks of the spreader and sink to their rim nodes.
    let rim = Rim::new(sp, floorplan.width_m, floorplan.height_m);
    let (width, height) = (floorplan.width_m, floorplan.height_m);
    for (layer, k, thickness, r1_x, r1_y, first_rim) in [
        (spreader, sp.spreader_k_w_per_mk, sp.spreader_thickness_m, rim.r_sp1_x, rim.r_sp1_y, 0),
        (sink, sp.sink_k_w_per_mk, sp.sink_thickness_m, rim.r_hs1_x, rim.r_hs1_y, 4),
    ] {
        // Centre-to-edge conductance of a block across x (to W/E) or y (to N/S).
        let conductance = |block: &Block, along_x: bool| {
            if along_x {
                2.0 * k * block.height_m * thickness / block.width_m
            } else {
                2.0 * k * block.width_m * thickness / block.height_m
            }
        };
        // Rim offsets in W, E, N, S order.
        for offset in 0..4 {
            let along_x = offset < 2;
            let r1 = if along_x { r1_x } else { r1_y };
            let on_border = |block: &Block| match offset {
                0 => eq(block.left_m, 0.0),
                1 => eq(block.left_m + block.width_m, width),
                2 => eq(block.bottom_m + block.height_m, height),
                _ => eq(block.bottom_m, 0.0),
            };
            let total: f64 =
                blocks.iter().filter(|b| on_border(b)).map(|b| conductance(b, along_x)).sum();
            for (i, block) in blocks.iter().enumerate().filter(|(_, b)| on_border(b)) {
                network.connect_resistance(
                    layer * n + i,
                    extra + first_rim + offset,
                    (1.0 + r1 * total) / conductance(block, along_x),
                );
            }
        }
    }
    rim.connect(&mut network, sp, extra);
    network
}
