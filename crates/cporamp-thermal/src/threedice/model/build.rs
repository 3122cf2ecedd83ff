//! Building the model: the grid columns (uniform, or following a 4RM cavity's channels), the
//! coolant's porosity, heat-transfer coefficients and channel count, the grid layers of every
//! stack element, and the floorplans placed on the grid.

use super::{
    Coolant, GridLayer, LayerKind, MAX_CELLS, Model, ModelError, PlacedElement, PlacedElementInfo,
    PlacedFloorplan,
};
use crate::threedice::parse::{
    Cavity, CavityModel, Dimensions, ElementKind, Floorplan, OutputKind, ParseError, StackFile,
};
use std::collections::BTreeMap;

impl Model {
    /// Builds the grid, layer profile and placed floorplans. `floorplans` maps each path as
    /// written in the stack file to the parsed floorplan.
    ///
    /// # Errors
    /// A missing floorplan, a floorplan element outside the chip, or an output naming an
    /// unknown floorplan element.
    pub fn build(
        stack: &StackFile,
        floorplans: &BTreeMap<String, Floorplan>,
    ) -> Result<Model, ModelError> {
        let d = stack.dimensions;
        let rows = (d.chip_width_um / d.cell_width_um) as usize;
        check_cell_count(stack, rows)?;
        let (column_x_um, probe_end_um) = column_boundaries(stack);
        let columns = column_x_um.len() - 1;
        if rows == 0 || columns == 0 {
            return Err(ParseError {
                file: stack.file.clone(),
                line: 1,
                field: "dimensions".into(),
                message: format!("the grid has {rows} rows and {columns} columns; expected cells no larger than the chip"),
            }
            .into());
        }
        let coolant = stack.cavity.as_ref().map(|cavity| coolant_of(cavity, columns, d));
        // Layers bottom first.
        let mut layers = Vec::new();
        let mut elements = vec![None; stack.stack.len()];
        let mut placed = Vec::new();
        place_stack(
            stack,
            floorplans,
            &column_x_um,
            rows,
            &mut layers,
            &mut elements,
            &mut placed,
        )?;
        let last = layers.len() - 1;
        if stack.top_sink.is_some()
            && matches!(layers[last].kind, LayerKind::Solid | LayerKind::Source)
        {
            layers[last].to_ambient = true;
        }
        if stack.bottom_sink.is_some()
            && matches!(layers[0].kind, LayerKind::Solid | LayerKind::Source)
        {
            if layers[0].to_ambient {
                return Err(ParseError {
                    file: stack.file.clone(),
                    line: 1,
                    field: "heat sinks".into(),
                    message:
                        "top and bottom heat sinks on the same (single) layer are not supported"
                            .into(),
                }
                .into());
            }
            layers[0].to_pcb = true;
        }
        let elements: Vec<PlacedElementInfo> =
            elements.into_iter().map(|e| e.expect("every element placed")).collect();
        for output in &stack.outputs {
            if let OutputKind::FloorplanElement { element, name, .. } = &output.kind {
                let flp = &placed
                    [elements[*element].floorplan.expect("parser checks Tflpel names a die")]
                .1;
                if !flp.elements.iter().any(|e| &e.name == name) {
                    return Err(ParseError {
                        file: stack.file.clone(),
                        line: output.line,
                        field: "output Tflpel".into(),
                        message: format!(
                            "unknown floorplan element {name} in die {}",
                            elements[*element].name
                        ),
                    }
                    .into());
                }
            }
        }
        Ok(Model {
            stack: stack.clone(),
            column_x_um,
            probe_end_um,
            rows,
            cell_width_um: d.cell_width_um,
            layers,
            coolant,
            top_sink: stack.top_sink,
            bottom_sink: stack.bottom_sink,
            floorplans: placed,
            elements,
        })
    }
}

/// Refuses grids of more than [`MAX_CELLS`] cells before allocating them.
fn check_cell_count(stack: &StackFile, rows: usize) -> Result<(), ModelError> {
    let d = stack.dimensions;
    let columns = match stack.cavity.as_ref().map(|c| c.model) {
        Some(CavityModel::Microchannel4rm {
            channel_length_um,
            wall_length_um,
            first_wall_length_um,
            last_wall_length_um,
            ..
        }) => {
            let ratio = ((d.chip_length_um
                - first_wall_length_um
                - last_wall_length_um
                - channel_length_um)
                / (channel_length_um + wall_length_um)) as usize;
            ratio.saturating_mul(2).saturating_add(3)
        }
        _ => (d.chip_length_um / d.cell_length_um) as usize,
    };
    let n_layers: usize = stack
        .stack
        .iter()
        .map(|element| match &element.kind {
            ElementKind::Layer(_) => 1,
            ElementKind::Die { die, .. } => stack.dies[*die].layers.len(),
            ElementKind::Channel => match stack.cavity.as_ref().map(|c| c.model) {
                Some(CavityModel::Microchannel4rm { .. }) => 1,
                _ => 4,
            },
        })
        .sum();
    let cells = n_layers.saturating_mul(rows).saturating_mul(columns);
    if cells > MAX_CELLS {
        return Err(ParseError {
            file: stack.file.clone(),
            line: 1,
            field: "dimensions".into(),
            message: format!(
                "{cells} cells ({} layers x {rows} rows x {columns} columns) is more than the {MAX_CELLS} a direct solve here is allowed; use larger cells",
                n_layers
            ),
        }
        .into());
    }
    Ok(())
}

/// Column boundaries along x, µm, and the east edge of the last column as 3D-ICE's location
/// formula gives it.
fn column_boundaries(stack: &StackFile) -> (Vec<f64>, f64) {
    let d = stack.dimensions;
    let mut column_x_um = vec![0.0];
    let probe_end_um = match stack.cavity.as_ref().map(|c| c.model) {
        Some(CavityModel::Microchannel4rm {
            channel_length_um,
            wall_length_um,
            first_wall_length_um,
            last_wall_length_um,
            ..
        }) => {
            let ratio = ((d.chip_length_um
                - first_wall_length_um
                - last_wall_length_um
                - channel_length_um)
                / (channel_length_um + wall_length_um)) as usize;
            let columns = 2 * ratio + 3;
            // 3D-ICE's closed-form boundaries: first wall, then channel and wall
            // alternately, the last column being the last wall.
            let boundary = |c: usize| {
                first_wall_length_um
                    + channel_length_um * (c / 2) as f64
                    + wall_length_um * ((c - 1) / 2) as f64
            };
            for c in 1..columns {
                column_x_um.push(boundary(c));
            }
            column_x_um.push(d.chip_length_um);
            boundary(columns)
        }
        _ => {
            let columns = (d.chip_length_um / d.cell_length_um) as usize;
            for c in 1..=columns {
                column_x_um.push(d.cell_length_um * c as f64);
            }
            d.cell_length_um * columns as f64
        }
    };
    (column_x_um, probe_end_um)
}

/// The coolant's porosity, heat-transfer coefficients and channel count.
fn coolant_of(cavity: &Cavity, columns: usize, d: Dimensions) -> Coolant {
    let (porosity, htc_side, htc_top, htc_bottom, channels) = match cavity.model {
        CavityModel::Microchannel4rm {
            htc_side_w_per_um2_k,
            htc_top_w_per_um2_k,
            htc_bottom_w_per_um2_k,
            ..
        } => (
            1.0,
            htc_side_w_per_um2_k,
            htc_top_w_per_um2_k,
            htc_bottom_w_per_um2_k,
            (columns - 1) / 2,
        ),
        CavityModel::Microchannel2rm {
            channel_length_um,
            wall_length_um,
            htc_top_w_per_um2_k,
            htc_bottom_w_per_um2_k,
            ..
        } => {
            let pitch = channel_length_um + wall_length_um;
            (
                channel_length_um / pitch,
                0.0,
                htc_top_w_per_um2_k,
                htc_bottom_w_per_um2_k,
                (d.chip_length_um / pitch + 0.5) as usize,
            )
        }
        CavityModel::PinFin { diameter_um, pitch_um, .. } => (
            1.0 - std::f64::consts::PI * diameter_um * diameter_um / 4.0 / (pitch_um * pitch_um),
            0.0,
            0.0,
            0.0,
            0,
        ),
    };
    Coolant {
        heat_capacity: cavity.coolant_heat_capacity_j_per_um3_k,
        inlet_k: cavity.inlet_temperature_k,
        porosity,
        htc_side,
        htc_top,
        htc_bottom,
        model: cavity.model,
        channels,
    }
}

/// The grid layers of every stack element, bottom first, with the placed floorplans.
fn place_stack(
    stack: &StackFile,
    floorplans: &BTreeMap<String, Floorplan>,
    column_x_um: &[f64],
    rows: usize,
    layers: &mut Vec<GridLayer>,
    elements: &mut [Option<PlacedElementInfo>],
    placed: &mut Vec<(usize, PlacedFloorplan)>,
) -> Result<(), ModelError> {
    let d = stack.dimensions;
    for (index, element) in stack.stack.iter().enumerate().rev() {
        let offset = layers.len();
        match &element.kind {
            ElementKind::Layer(slab) => {
                let m = &stack.materials[slab.material];
                layers.push(GridLayer {
                    kind: LayerKind::Solid,
                    height_um: slab.height_um,
                    conductivity_w_per_um_k: m.conductivity_w_per_um_k,
                    heat_capacity_j_per_um3_k: m.heat_capacity_j_per_um3_k,
                    to_ambient: false,
                    to_pcb: false,
                });
                elements[index] = Some(PlacedElementInfo {
                    name: element.name.clone(),
                    output_layer: offset,
                    floorplan: None,
                });
            }
            ElementKind::Die { die, floorplan } => {
                let die = &stack.dies[*die];
                for (i, slab) in die.layers.iter().enumerate() {
                    let m = &stack.materials[slab.material];
                    let kind = if i == die.source { LayerKind::Source } else { LayerKind::Solid };
                    layers.push(GridLayer {
                        kind,
                        height_um: slab.height_um,
                        conductivity_w_per_um_k: m.conductivity_w_per_um_k,
                        heat_capacity_j_per_um3_k: m.heat_capacity_j_per_um3_k,
                        to_ambient: false,
                        to_pcb: false,
                    });
                }
                let flp = floorplans.get(floorplan).ok_or_else(|| ParseError {
                    file: stack.file.clone(),
                    line: element.line,
                    field: format!("stack: die {}", element.name),
                    message: format!("floorplan \"{floorplan}\" was not provided"),
                })?;
                let flp = place_floorplan(
                    flp,
                    column_x_um,
                    rows,
                    d.cell_width_um,
                    d.chip_length_um,
                    d.chip_width_um,
                )?;
                placed.push((offset + die.source, flp));
                elements[index] = Some(PlacedElementInfo {
                    name: element.name.clone(),
                    output_layer: offset + die.source,
                    floorplan: Some(placed.len() - 1),
                });
            }
            ElementKind::Channel => {
                let cavity =
                    stack.cavity.as_ref().expect("the parser refuses a channel without a cavity");
                let m = &stack.materials[cavity.wall_material];
                let layer = |kind| GridLayer {
                    kind,
                    height_um: cavity.height_um,
                    conductivity_w_per_um_k: m.conductivity_w_per_um_k,
                    heat_capacity_j_per_um3_k: m.heat_capacity_j_per_um3_k,
                    to_ambient: false,
                    to_pcb: false,
                };
                let output_layer = match cavity.model {
                    CavityModel::Microchannel4rm { .. } => {
                        layers.push(layer(LayerKind::Channel4rm));
                        offset
                    }
                    CavityModel::Microchannel2rm { .. } => {
                        layers.push(layer(LayerKind::BottomWall));
                        layers.push(layer(LayerKind::VirtualWall { pinfins: false }));
                        layers.push(layer(LayerKind::Channel2rm));
                        layers.push(layer(LayerKind::TopWall));
                        offset + 2
                    }
                    CavityModel::PinFin { staggered, .. } => {
                        layers.push(layer(LayerKind::BottomWall));
                        layers.push(layer(LayerKind::VirtualWall { pinfins: true }));
                        layers.push(layer(LayerKind::PinFin { staggered }));
                        layers.push(layer(LayerKind::TopWall));
                        offset + 2
                    }
                };
                elements[index] = Some(PlacedElementInfo {
                    name: element.name.clone(),
                    output_layer,
                    floorplan: None,
                });
            }
        }
    }
    Ok(())
}

/// Places a floorplan on the grid as 3D-ICE aligns it (cell ranges covering each rectangle,
/// power shares by overlap area over the element's total area).
fn place_floorplan(
    flp: &Floorplan,
    column_x: &[f64],
    rows: usize,
    cell_width: f64,
    chip_length: f64,
    chip_width: f64,
) -> Result<PlacedFloorplan, ModelError> {
    let columns = column_x.len() - 1;
    let row_y = |r: usize| cell_width * r as f64;
    let mut elements = Vec::new();
    for element in &flp.elements {
        let mut ranges = Vec::new();
        let mut coefficients = Vec::new();
        let area: f64 = element.rects.iter().map(|r| r.length_um * r.width_um).sum();
        for rect in &element.rects {
            if rect.x_um + rect.length_um - chip_length > 1e-6
                || rect.y_um + rect.width_um - chip_width > 1e-6
            {
                return Err(ParseError {
                    file: flp.file.clone(),
                    line: element.line,
                    field: format!("floorplan element {}", element.name),
                    message: format!(
                        "rectangle ({}, {}, {}, {}) is outside of the chip ({} x {} µm)",
                        rect.x_um,
                        rect.y_um,
                        rect.length_um,
                        rect.width_um,
                        chip_length,
                        chip_width
                    ),
                }
                .into());
            }
            let mut c0 = 0;
            while c0 + 1 < columns && column_x[c0 + 1] <= rect.x_um {
                c0 += 1;
            }
            let mut c1 = c0;
            while c1 + 1 < columns && column_x[c1 + 1] < rect.x_um + rect.length_um {
                c1 += 1;
            }
            let mut r0 = 0;
            while r0 + 1 < rows && row_y(r0 + 1) <= rect.y_um {
                r0 += 1;
            }
            let mut r1 = r0;
            while r1 + 1 < rows && row_y(r1 + 1) < rect.y_um + rect.width_um {
                r1 += 1;
            }
            ranges.push((r0, r1, c0, c1));
            let mut y = rect.y_um;
            for r in r0..=r1 {
                let width = if r < r1 { row_y(r + 1) - y } else { rect.y_um + rect.width_um - y };
                let mut x = rect.x_um;
                for c in c0..=c1 {
                    let length =
                        if c < c1 { column_x[c + 1] - x } else { rect.x_um + rect.length_um - x };
                    coefficients.push((r * columns + c, length * width / area));
                    x += length;
                }
                y += width;
            }
        }
        elements.push(PlacedElement {
            name: element.name.clone(),
            ranges,
            coefficients,
            powers_w: element.powers_w.clone(),
        });
    }
    Ok(PlacedFloorplan { elements })
}
