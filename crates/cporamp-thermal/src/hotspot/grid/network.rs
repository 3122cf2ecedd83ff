//! The grid's network: HotSpot's cell resistances and capacitances, per-cell materials of
//! the detailed 3-D mode, and the assembly of every node and edge.

use super::*;

pub(in crate::hotspot) fn getr(k: f64, length: f64, area: f64) -> f64 {
    length / (k * area)
}

/// Resistances of one cell towards its neighbours (K/W) and its capacitance (J/K): HotSpot's
/// `find_res_3D`/`find_cap_3D` values.
#[derive(Debug, Clone, Copy)]
pub(in crate::hotspot) struct CellRc {
    /// HotSpot's `rx`, $c_w/(k c_h t)$: HotSpot uses it between north-south neighbours.
    rx: f64,
    /// HotSpot's `ry`, $c_h/(k c_w t)$: between east-west neighbours.
    ry: f64,
    /// $t/(k c_w c_h)$ (the sink's includes its share of the convection resistance).
    rz: f64,
    /// Capacitance, J/K.
    cap: f64,
}

impl CellRc {
    /// A full cell of resistivity `resistivity` and volumetric heat capacity `rho_c`.
    pub(in crate::hotspot) fn of(
        resistivity: f64,
        rho_c: f64,
        thickness: f64,
        cell_w: f64,
        cell_h: f64,
    ) -> CellRc {
        let k = 1.0 / resistivity;
        CellRc {
            rx: getr(k, cell_w, cell_h * thickness),
            ry: getr(k, cell_h, cell_w * thickness),
            rz: getr(k, thickness, cell_w * cell_h),
            cap: C_FACTOR * rho_c * thickness * cell_w * cell_h,
        }
    }
}

/// One grid layer's resistances: uniform, or per cell (detailed 3-D chip layers).
pub(in crate::hotspot) struct LayerRc {
    uniform: CellRc,
    cells: Option<Vec<CellRc>>,
}

impl LayerRc {
    pub(in crate::hotspot) fn at(&self, cell: usize) -> CellRc {
        self.cells.as_ref().map_or(self.uniform, |cells| cells[cell])
    }
}

/// HotSpot's `OCCUPANCY_THRESHOLD`: a block covering this share of a cell or more gives the
/// cell its material outright.
pub const OCCUPANCY_THRESHOLD: f64 = 0.95;

/// HotSpot's `eq` tolerance (`DELTA`).
pub(in crate::hotspot) const EQ_DELTA: f64 = 1e-6;

/// Per-cell resistances and capacitances of a chip layer in HotSpot's detailed 3-D mode, as
/// `set_bgmap`, `new_blist` and `blist_append` build them (see the module docs).
pub(in crate::hotspot) fn detailed_cells(
    layer: &GridLayer,
    layer_index: usize,
    rows: usize,
    cols: usize,
    cell_w: f64,
    cell_h: f64,
) -> Result<Vec<CellRc>, String> {
    #[derive(Clone, Copy)]
    struct Head {
        lock: bool,
        rc: CellRc,
    }
    let height = rows as f64 * cell_h;
    let thickness = layer.thickness_m;
    let default =
        CellRc::of(1.0 / layer.k_w_per_mk, layer.rho_c_j_per_m3k, thickness, cell_w, cell_h);
    let mut heads: Vec<Option<Head>> = vec![None; rows * cols];
    for block in &layer.floorplan.blocks {
        let (resistivity, rho_c) = match block.material {
            Some(material) => (1.0 / material.k_w_per_mk, material.rho_c_j_per_m3k),
            None => (1.0 / layer.k_w_per_mk, layer.rho_c_j_per_m3k),
        };
        let full = CellRc::of(resistivity, rho_c, thickness, cell_w, cell_h);
        let (left, right) = (block.left_m, block.left_m + block.width_m);
        let (bottom, top) = (block.bottom_m, block.bottom_m + block.height_m);
        let (i1, i2) = (
            rows.saturating_sub(tolerant_ceil(top / cell_h)),
            rows.saturating_sub(tolerant_floor(bottom / cell_h)).min(rows),
        );
        let (j1, j2) = (tolerant_floor(left / cell_w), tolerant_ceil(right / cell_w).min(cols));
        for i in i1..i2 {
            for j in j1..j2 {
                let interior = i > i1 && i + 1 < i2 && j > j1 && j + 1 < j2;
                let occupancy = if interior {
                    1.0
                } else {
                    let (cell_left, cell_top) = (j as f64 * cell_w, height - i as f64 * cell_h);
                    let mut overlap_h = top.min(cell_top) - bottom.max(cell_top - cell_h);
                    let mut overlap_w = right.min(cell_left + cell_w) - left.max(cell_left);
                    for (overlap, side) in [(&mut overlap_h, cell_h), (&mut overlap_w, cell_w)] {
                        if (*overlap / side).abs() < EQ_DELTA {
                            *overlap = 0.0;
                        } else if (*overlap / side - 1.0).abs() < EQ_DELTA {
                            *overlap = side;
                        }
                    }
                    if overlap_h < 0.0 || overlap_w < 0.0 {
                        return Err(format!(
                            "block {} of layer {layer_index} overlaps cell (row {i}, column {j}) by a negative amount (HotSpot stops here too)",
                            block.name
                        ));
                    }
                    overlap_h * overlap_w / (cell_h * cell_w)
                };
                let locked = Head { lock: true, rc: full };
                let head = &mut heads[i * cols + j];
                match head {
                    None => {
                        *head = Some(if occupancy >= OCCUPANCY_THRESHOLD {
                            locked
                        } else {
                            Head {
                                lock: false,
                                rc: CellRc {
                                    rx: 1.0 / (occupancy / full.rx),
                                    ry: 1.0 / (occupancy / full.ry),
                                    rz: 1.0 / (occupancy / full.rz),
                                    cap: full.cap,
                                },
                            }
                        });
                    }
                    Some(existing) if !existing.lock => {
                        if occupancy >= OCCUPANCY_THRESHOLD {
                            *existing = locked;
                        } else {
                            let rc = &mut existing.rc;
                            rc.rx = 1.0 / (1.0 / rc.rx + occupancy / full.rx);
                            rc.ry = 1.0 / (1.0 / rc.ry + occupancy / full.ry);
                            rc.rz = 1.0 / (1.0 / rc.rz + occupancy / full.rz);
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }
    heads
        .iter()
        .enumerate()
        .map(|(cell, head)| match head {
            Some(head) => Ok(CellRc {
                cap: if head.lock { head.rc.cap } else { default.cap },
                ..head.rc
            }),
            None => {
                let (row, col) = (cell / cols, cell % cols);
                Err(format!(
                    "the detailed 3-D model needs every cell of every chip layer under a block; cell (row {row}, column {col}) of layer {layer_index} (x {:.4} to {:.4} mm, y {:.4} to {:.4} mm) is under no block of its floorplan (HotSpot crashes on such a cell)",
                    col as f64 * cell_w * 1e3,
                    (col + 1) as f64 * cell_w * 1e3,
                    height * 1e3 - (row + 1) as f64 * cell_h * 1e3,
                    height * 1e3 - row as f64 * cell_h * 1e3,
                ))
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments, reason = "the grid's geometry, one value each")]
pub(in crate::hotspot) fn build_network(
    layers: &[GridLayer],
    package: &PackageParameters,
    rows: usize,
    cols: usize,
    width: f64,
    height: f64,
    detailed_3d: bool,
    network: &mut impl NetworkBuilder,
) -> Result<(), String> {
    let (cell_w, cell_h) = (width / cols as f64, height / rows as f64);
    let cell_area = cell_w * cell_h;
    let n_cells = rows * cols;
    let sp = package;
    let uniform = |k: f64, rho_c: f64, thickness: f64, lateral: bool| {
        let rc = CellRc::of(1.0 / k, rho_c, thickness, cell_w, cell_h);
        // HotSpot's LARGENUM for a layer without lateral flow: no lateral connection.
        if lateral { rc } else { CellRc { rx: f64::INFINITY, ry: f64::INFINITY, ..rc } }
    };
    // All grid layers: chip layers, then spreader and sink over the die footprint.
    let mut stack = Vec::with_capacity(layers.len() + 2);
    for (index, layer) in layers.iter().enumerate() {
        stack.push(LayerRc {
            uniform: uniform(
                layer.k_w_per_mk,
                layer.rho_c_j_per_m3k,
                layer.thickness_m,
                layer.lateral,
            ),
            cells: if detailed_3d {
                Some(detailed_cells(layer, index, rows, cols, cell_w, cell_h)?)
            } else {
                None
            },
        });
    }
    let (t_hs, k_hs, s_hs) = (sp.sink_thickness_m, sp.sink_k_w_per_mk, sp.sink_side_m);
    stack.push(LayerRc {
        uniform: uniform(
            sp.spreader_k_w_per_mk,
            sp.spreader_rho_c_j_per_m3k,
            sp.spreader_thickness_m,
            true,
        ),
        cells: None,
    });
    // The sink's rz and capacitance include its cell's share of the convection (HotSpot's
    // populate_R_model_grid and populate_C_model_grid).
    let mut sink = uniform(k_hs, sp.sink_rho_c_j_per_m3k, t_hs, true);
    sink.rz += sp.r_convec_k_per_w * s_hs * s_hs / cell_area;
    sink.cap += C_FACTOR * sp.c_convec_j_per_k * cell_area / (s_hs * s_hs);
    stack.push(LayerRc { uniform: sink, cells: None });

    let n_layers = stack.len();
    let (spreader_layer, sink_layer) = (n_layers - 2, n_layers - 1);
    // Lateral and vertical links, the rim links of the spreader and sink edges, and the
    // package nodes' own links (fewer than 32).
    let lateral = rows * cols.saturating_sub(1) + rows.saturating_sub(1) * cols;
    network.reserve(
        n_layers * n_cells + PACKAGE_NODES.len(),
        n_layers * lateral + (n_layers - 1) * n_cells + 4 * (rows + cols) + 32,
    );
    let node = |layer: usize, cell: usize| layer * n_cells + cell;
    for layer in &stack {
        for cell in 0..n_cells {
            network.add_node(layer.at(cell).cap);
        }
    }
    let extra = n_layers * n_cells;
    for _ in 0..PACKAGE_NODES.len() {
        network.add_node(0.0);
    }
    let (sp_w, sp_e, sp_n, sp_s) = (extra, extra + 1, extra + 2, extra + 3);
    let (sink_c_w, sink_c_e, sink_c_n, sink_c_s) = (extra + 4, extra + 5, extra + 6, extra + 7);
    let mut connect = |a: usize, b: usize, resistance: f64| {
        if resistance.is_finite() {
            network.connect_resistance(a, b, resistance);
        }
    };
    let channels = |layer: usize| layers.get(layer).and_then(|layer| layer.channels.as_ref());
    let fluid = |layer: usize, cell: usize| channels(layer).is_some_and(|c| c.is_fluid(cell));
    if channels(0).is_some() {
        return Err("a microchannel layer as layer 0 is not supported (HotSpot's find_res then joins its lateral walls as if they were vertical contacts)".to_string());
    }

    // HotSpot's find_res: north-south neighbours through rx, east-west through ry, each cell
    // contributing half of its own (per cell in detailed 3-D mode, per layer otherwise).
    for (index, layer) in stack.iter().enumerate() {
        for row in 0..rows {
            for col in 0..cols {
                let cell = row * cols + col;
                let here = layer.at(cell);
                // HotSpot's find_res between a coolant cell and a solid one: half the solid
                // cell's resistance plus the convective 1/(h A) (see super::microchannel).
                let wall = |a: (usize, usize), b: (usize, usize)| -> Option<(f64, CellRc)> {
                    let (fluid_a, fluid_b) = (fluid(a.0, a.1), fluid(b.0, b.1));
                    if fluid_a == fluid_b {
                        return None;
                    }
                    let solid = if fluid_a { b } else { a };
                    let htc = channels(a.0).or(channels(b.0))?.config.htc_w_per_m2k;
                    Some((htc, stack[solid.0].at(solid.1)))
                };
                if col + 1 < cols {
                    let r = match wall((index, cell), (index, cell + 1)) {
                        Some((htc, solid)) => {
                            solid.ry / 2.0 + 1.0 / (htc * cell_h * layers[index].thickness_m)
                        }
                        None => (here.ry + layer.at(cell + 1).ry) / 2.0,
                    };
                    connect(node(index, cell), node(index, cell + 1), r);
                }
                if row + 1 < rows {
                    let r = match wall((index, cell), (index, cell + cols)) {
                        Some((htc, solid)) => {
                            solid.rx / 2.0 + 1.0 / (htc * cell_w * layers[index].thickness_m)
                        }
                        None => (here.rx + layer.at(cell + cols).rx) / 2.0,
                    };
                    connect(node(index, cell), node(index, cell + cols), r);
                }
                if index + 1 < n_layers {
                    let below = stack[index + 1].at(cell).rz;
                    let r = match (wall((index, cell), (index + 1, cell)), detailed_3d, index) {
                        // Next to layer 0 HotSpot takes layer 0's whole rz.
                        (Some((htc, _)), _, 0) => here.rz + 1.0 / (htc * cell_area),
                        (Some((htc, solid)), _, _) => solid.rz / 2.0 + 1.0 / (htc * cell_area),
                        (None, false, _) => here.rz,
                        (None, true, 0) => here.rz + below / 2.0,
                        (None, true, _) => (here.rz + below) / 2.0,
                    };
                    connect(node(index, cell), node(index + 1, cell), r);
                }
            }
        }
    }

    let rim = Rim::new(sp, width, height);
    // Edge cells of the spreader and sink layers to their rim nodes.
    let edges = [
        (spreader_layer, sp_w, sp_e, sp_n, sp_s, rim.r_sp1_x, rim.r_sp1_y),
        (sink_layer, sink_c_w, sink_c_e, sink_c_n, sink_c_s, rim.r_hs1_x, rim.r_hs1_y),
    ];
    for (layer, west, east, north, south, r1_x, r1_y) in edges {
        let rc = stack[layer].uniform;
        let to_west_east = rc.rx / 2.0 + rows as f64 * r1_x;
        let to_north_south = rc.ry / 2.0 + cols as f64 * r1_y;
        for row in 0..rows {
            connect(node(layer, row * cols), west, to_west_east);
            connect(node(layer, row * cols + cols - 1), east, to_west_east);
        }
        for col in 0..cols {
            connect(node(layer, col), north, to_north_south);
            connect(node(layer, (rows - 1) * cols + col), south, to_north_south);
        }
    }

    // Sink cells to ambient through the sink's rz (with its share of the convection).
    for cell in 0..n_cells {
        network.ground_resistance(node(sink_layer, cell), stack[sink_layer].uniform.rz);
    }

    rim.connect(network, sp, extra);
    Ok(())
}
