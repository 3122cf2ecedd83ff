//! 3D-ICE's compact thermal model on its uniform grid: conductances, capacities, sources,
//! the system matrix, steady and backward-Euler solves, and the output files.
//!
//! The equations are listed in the module documentation of [`super`].

use super::parse::{
    Analysis, CavityModel, ElementKind, Floorplan, HeatSink, Instant, OutputKind, ParseError,
    Quantity, StackFile,
};
use crate::hotspot::microchannel::{LuFactor, lu_factor, lu_solve};
use crate::network::NetworkError;
use faer::sparse::Triplet;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A problem building or solving a 3D-ICE model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// An input problem found while building (floorplan outside the chip, a floorplan element
    /// an output names that the floorplan lacks, a missing floorplan, missing powers).
    #[error(transparent)]
    Input(#[from] ParseError),
    /// The linear solver failed.
    #[error(transparent)]
    Solver(#[from] NetworkError),
}

/// What a grid layer is (3D-ICE's layer types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    /// A solid layer.
    Solid,
    /// A die's source layer (receives floorplan power).
    Source,
    /// The 4RM channel layer: odd columns are coolant, even columns wall.
    Channel4rm,
    /// The 2RM (porous) channel layer.
    Channel2rm,
    /// The pin-fin channel layer.
    PinFin {
        /// Staggered pins.
        staggered: bool,
    },
    /// The 2RM virtual wall (the solid part of the cavity, porosity removed).
    VirtualWall {
        /// Pin fins (no north-south conduction in the virtual wall).
        pinfins: bool,
    },
    /// The 2RM top wall node (no capacity, no resistance of its own).
    TopWall,
    /// The 2RM bottom wall node.
    BottomWall,
}

/// One grid layer.
#[derive(Debug, Clone, PartialEq)]
pub struct GridLayer {
    /// Type.
    pub kind: LayerKind,
    /// Height, µm.
    pub height_um: f64,
    /// Conductivity x, y, z of its material (wall material for cavity layers), W/(µm·K).
    pub conductivity_w_per_um_k: [f64; 3],
    /// Volumetric heat capacity of its material, J/(µm³·K).
    pub heat_capacity_j_per_um3_k: f64,
    /// The top-most layer under a top heat sink.
    pub to_ambient: bool,
    /// The bottom-most layer over a bottom heat sink.
    pub to_pcb: bool,
}

#[derive(Debug, Clone)]
struct Coolant {
    heat_capacity: f64,
    inlet_k: f64,
    porosity: f64,
    htc_side: f64,
    htc_top: f64,
    htc_bottom: f64,
    model: CavityModel,
    channels: usize,
}

/// A die's floorplan placed on the grid.
#[derive(Debug, Clone)]
struct PlacedFloorplan {
    /// Element names, rectangles as cell ranges `(row0, row1, col0, col1)` inclusive, power
    /// coefficients per cell (fraction of the element's power), powers per slot.
    elements: Vec<PlacedElement>,
}

#[derive(Debug, Clone)]
struct PlacedElement {
    name: String,
    ranges: Vec<(usize, usize, usize, usize)>,
    coefficients: Vec<(usize, f64)>,
    powers_w: Vec<f64>,
}

/// A stack element placed in the grid.
#[derive(Debug, Clone)]
struct PlacedElementInfo {
    name: String,
    /// Grid layer reported by outputs (die source layer, channel layer, the layer itself).
    output_layer: usize,
    floorplan: Option<usize>,
}

/// A built 3D-ICE model.
#[derive(Debug, Clone)]
pub struct Model {
    stack: StackFile,
    /// Column boundaries x, µm (`columns + 1` values).
    column_x_um: Vec<f64>,
    /// The east edge of the last column as 3D-ICE's location formula gives it (it differs
    /// from the chip length when a 4RM last wall differs from the other walls); probes use it.
    probe_end_um: f64,
    rows: usize,
    cell_width_um: f64,
    layers: Vec<GridLayer>,
    coolant: Option<Coolant>,
    top_sink: Option<HeatSink>,
    bottom_sink: Option<HeatSink>,
    floorplans: Vec<(usize, PlacedFloorplan)>,
    elements: Vec<PlacedElementInfo>,
}

/// The largest grid built (cells): the sparse LU of 3D-ICE's matrix takes about 12 kB per
/// cell at 80,000 cells and grows faster than the cell count.
pub const MAX_CELLS: usize = 2_000_000;

fn parallel(a: f64, b: f64) -> f64 {
    a * b / (a + b)
}

/// 3D-ICE's effective heat-transfer coefficient of pin fins, W/(µm²·K), from the Darcy
/// velocity in µm/s: `1e-12 / (2.527e-5 / (v/1e6 + 1.35)^e + 1.533e-6)` with `e = 0.64`
/// inline and `e = 1.52` staggered.
#[must_use]
pub fn pin_fin_htc_w_per_um2_k(darcy_velocity_um_per_s: f64, staggered: bool) -> f64 {
    let exponent = if staggered { 1.52 } else { 0.64 };
    1e-12 / (2.527e-5 / (darcy_velocity_um_per_s / 1e6 + 1.35).powf(exponent) + 1.533e-6)
}

/// One output file: its name as written in the stack file (or `xaxis.txt`/`yaxis.txt`)
/// and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name.
    pub name: String,
    /// Contents.
    pub text: String,
}

/// Where the heat goes at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnergyBalance {
    /// Power of the floorplans, W.
    pub power_in_w: f64,
    /// Heat into the top sink, W.
    pub top_sink_w: f64,
    /// Heat into the bottom sink, W.
    pub bottom_sink_w: f64,
    /// Heat carried out by the coolant (outlet minus inlet enthalpy flow), W.
    pub coolant_w: f64,
}

/// The result of running a stack as its solver section asks.
#[derive(Debug, Clone)]
pub struct Run {
    /// Final temperatures, K, in 3D-ICE's order (layer, row, column).
    pub temperatures_k: Vec<f64>,
    /// Output files.
    pub files: Vec<OutputFile>,
    /// Time steps run (0 for steady).
    pub steps: u64,
    /// Simulated time, s.
    pub time_s: f64,
    /// Energy balance with the last slot's powers (steady: the solve).
    pub balance: EnergyBalance,
}

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
        let mut column_x_um = vec![0.0];
        let mut coolant = None;
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
        if let Some(cavity) = &stack.cavity {
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
                    1.0 - std::f64::consts::PI * diameter_um * diameter_um
                        / 4.0
                        / (pitch_um * pitch_um),
                    0.0,
                    0.0,
                    0.0,
                    0,
                ),
            };
            coolant = Some(Coolant {
                heat_capacity: cavity.coolant_heat_capacity_j_per_um3_k,
                inlet_k: cavity.inlet_temperature_k,
                porosity,
                htc_side,
                htc_top,
                htc_bottom,
                model: cavity.model,
                channels,
            });
        }
        // Layers bottom first.
        let mut layers = Vec::new();
        let mut elements = vec![None; stack.stack.len()];
        let mut placed = Vec::new();
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
                        let kind =
                            if i == die.source { LayerKind::Source } else { LayerKind::Solid };
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
                        &column_x_um,
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
                    let cavity = stack
                        .cavity
                        .as_ref()
                        .expect("the parser refuses a channel without a cavity");
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

    /// Grid columns.
    #[must_use]
    pub fn columns(&self) -> usize {
        self.column_x_um.len() - 1
    }

    /// Column boundaries along x, µm (`columns + 1` values, from 0 to the chip length).
    #[must_use]
    pub fn column_boundaries_um(&self) -> &[f64] {
        &self.column_x_um
    }

    /// Grid rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Grid layers, bottom first.
    #[must_use]
    pub fn layers(&self) -> &[GridLayer] {
        &self.layers
    }

    /// Number of cells.
    #[must_use]
    pub fn cells(&self) -> usize {
        self.layers.len() * self.rows * self.columns()
    }

    /// Cell index in 3D-ICE's order.
    #[must_use]
    pub fn index(&self, layer: usize, row: usize, column: usize) -> usize {
        (layer * self.rows + row) * self.columns() + column
    }

    /// The grid layer an element's outputs report (die: its source layer; channel: its
    /// coolant layer; layer: itself), by stack element name.
    #[must_use]
    pub fn output_layer(&self, element: &str) -> Option<usize> {
        self.elements.iter().find(|e| e.name == element).map(|e| e.output_layer)
    }

    fn length(&self, column: usize) -> f64 {
        self.column_x_um[column + 1] - self.column_x_um[column]
    }

    fn is_channel_column(&self, column: usize) -> bool {
        match self.coolant.as_ref().map(|c| c.model) {
            Some(CavityModel::Microchannel4rm { .. }) => column % 2 == 1,
            _ => true,
        }
    }

    fn coolant(&self) -> &Coolant {
        self.coolant.as_ref().expect("cavity layers exist only with a cavity")
    }

    /// The convective term C, W/K (half the coolant's heat-capacity flow through a cell).
    fn convective(&self, layer: usize, column: usize) -> f64 {
        let c = self.coolant();
        match c.model {
            CavityModel::Microchannel4rm { flow_rate_um3_per_s, .. } => {
                c.heat_capacity * flow_rate_um3_per_s / (c.channels as f64 * 2.0)
            }
            CavityModel::Microchannel2rm { flow_rate_um3_per_s, channel_length_um, .. } => {
                c.heat_capacity * flow_rate_um3_per_s * c.porosity * self.length(column)
                    / (c.channels as f64 * 2.0 * channel_length_um)
            }
            CavityModel::PinFin { darcy_velocity_um_per_s, .. } => {
                c.heat_capacity
                    * darcy_velocity_um_per_s
                    * self.length(column)
                    * self.layers[layer].height_um
                    / 2.0
            }
        }
    }

    fn top_htc(&self) -> f64 {
        self.top_sink.map_or(0.0, |s| s.htc_w_per_um2_k)
    }

    fn bottom_htc(&self) -> f64 {
        self.bottom_sink.map_or(0.0, |s| s.htc_w_per_um2_k)
    }

    fn pin_htc(&self, layer: usize) -> f64 {
        let LayerKind::PinFin { staggered } = self.layers[layer].kind else { return 0.0 };
        match self.coolant().model {
            CavityModel::PinFin { darcy_velocity_um_per_s, .. } => {
                pin_fin_htc_w_per_um2_k(darcy_velocity_um_per_s, staggered)
            }
            _ => 0.0,
        }
    }

    fn g_top(&self, l: usize, column: usize) -> f64 {
        let layer = &self.layers[l];
        let area = self.length(column) * self.cell_width_um;
        let kz = layer.conductivity_w_per_um_k[2];
        let h = layer.height_um;
        let last = self.layers.len() - 1;
        match layer.kind {
            LayerKind::Solid | LayerKind::Source => {
                if layer.to_ambient {
                    let htc = self.top_htc();
                    2.0 * kz * htc * area / (h * htc + 2.0 * kz)
                } else if layer.to_pcb {
                    kz * area / (h / 2.0)
                } else if l == last {
                    0.0
                } else if l == 0 {
                    kz * area / h
                } else {
                    kz * area / (h / 2.0)
                }
            }
            LayerKind::Channel4rm => {
                if self.is_channel_column(column) {
                    self.coolant().htc_top * area
                } else {
                    kz * area / (h / 2.0)
                }
            }
            LayerKind::Channel2rm => self.coolant().htc_top * area,
            LayerKind::PinFin { .. } => self.pin_htc(l) * area,
            LayerKind::VirtualWall { .. } => {
                kz * area / (h / 2.0) * (1.0 - self.coolant().porosity)
            }
            LayerKind::TopWall | LayerKind::BottomWall => 0.0,
        }
    }

    fn g_bottom(&self, l: usize, column: usize) -> f64 {
        let layer = &self.layers[l];
        let area = self.length(column) * self.cell_width_um;
        let kz = layer.conductivity_w_per_um_k[2];
        let h = layer.height_um;
        let last = self.layers.len() - 1;
        match layer.kind {
            LayerKind::Solid | LayerKind::Source => {
                if layer.to_ambient {
                    kz * area / (h / 2.0)
                } else if layer.to_pcb {
                    let htc = self.bottom_htc();
                    2.0 * kz * htc * area / (h * htc + 2.0 * kz)
                } else if l == 0 {
                    0.0
                } else if l == last {
                    kz * area / h
                } else {
                    kz * area / (h / 2.0)
                }
            }
            LayerKind::Channel4rm => {
                if self.is_channel_column(column) {
                    self.coolant().htc_bottom * area
                } else {
                    kz * area / (h / 2.0)
                }
            }
            LayerKind::Channel2rm => self.coolant().htc_bottom * area,
            LayerKind::PinFin { .. } => self.pin_htc(l) * area,
            LayerKind::VirtualWall { .. } => {
                kz * area / (h / 2.0) * (1.0 - self.coolant().porosity)
            }
            LayerKind::TopWall | LayerKind::BottomWall => 0.0,
        }
    }

    /// North conductance (south is the same for solids; for coolant north is +C, south -C).
    fn g_north_south(&self, l: usize, column: usize) -> f64 {
        let layer = &self.layers[l];
        let ky = layer.conductivity_w_per_um_k[1];
        let solid = ky * self.length(column) * layer.height_um / (self.cell_width_um / 2.0);
        match layer.kind {
            LayerKind::Solid | LayerKind::Source => solid,
            LayerKind::Channel4rm => {
                if self.is_channel_column(column) {
                    self.convective(l, column)
                } else {
                    solid
                }
            }
            LayerKind::Channel2rm | LayerKind::PinFin { .. } => self.convective(l, column),
            LayerKind::VirtualWall { pinfins: false } => solid * (1.0 - self.coolant().porosity),
            LayerKind::VirtualWall { pinfins: true }
            | LayerKind::TopWall
            | LayerKind::BottomWall => 0.0,
        }
    }

    fn g_east_west(&self, l: usize, column: usize) -> f64 {
        let layer = &self.layers[l];
        let kx = layer.conductivity_w_per_um_k[0];
        let solid = kx * self.cell_width_um * layer.height_um / (self.length(column) / 2.0);
        match layer.kind {
            LayerKind::Solid | LayerKind::Source => solid,
            LayerKind::Channel4rm => {
                if self.is_channel_column(column) {
                    self.coolant().htc_side * self.cell_width_um * layer.height_um
                } else {
                    solid
                }
            }
            _ => 0.0,
        }
    }

    /// Cell heat capacity, J/K.
    fn capacity(&self, l: usize, column: usize) -> f64 {
        let layer = &self.layers[l];
        let volume = self.length(column) * self.cell_width_um * layer.height_um;
        match layer.kind {
            LayerKind::Solid | LayerKind::Source => layer.heat_capacity_j_per_um3_k * volume,
            LayerKind::Channel4rm => {
                if self.is_channel_column(column) {
                    self.coolant().heat_capacity * volume
                } else {
                    layer.heat_capacity_j_per_um3_k * volume
                }
            }
            LayerKind::Channel2rm | LayerKind::PinFin { .. } => {
                self.coolant().heat_capacity * self.coolant().porosity * volume
            }
            LayerKind::VirtualWall { .. } => {
                layer.heat_capacity_j_per_um3_k * (1.0 - self.coolant().porosity) * volume
            }
            LayerKind::TopWall | LayerKind::BottomWall => 0.0,
        }
    }

    /// Cell heat capacities, J/K, in cell order.
    #[must_use]
    pub fn capacities(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.cells());
        for l in 0..self.layers.len() {
            for _ in 0..self.rows {
                for c in 0..self.columns() {
                    out.push(self.capacity(l, c));
                }
            }
        }
        out
    }

    /// The system matrix as triplets `(row, column, value)`: `A T = b` with `A` holding the
    /// conductances, the advection terms and, when `step_s` is given, `C/Δt` on the diagonal.
    #[must_use]
    pub fn matrix(&self, step_s: Option<f64>) -> Vec<Triplet<usize, usize, f64>> {
        let nl = self.layers.len();
        let nr = self.rows;
        let nc = self.columns();
        let mut t = Vec::with_capacity(self.cells() * 7);
        let mut push = |row: usize, col: usize, v: f64| t.push(Triplet::new(row, col, v));
        for l in 0..nl {
            for r in 0..nr {
                for c in 0..nc {
                    let me = self.index(l, r, c);
                    let mut diagonal = step_s.map_or(0.0, |dt| self.capacity(l, c) / dt);
                    let kind = self.layers[l].kind;
                    let liquid4 = kind == LayerKind::Channel4rm && self.is_channel_column(c);
                    match kind {
                        LayerKind::Solid | LayerKind::Source | LayerKind::Channel4rm
                            if !liquid4 =>
                        {
                            if l > 0 {
                                let gb = self.g_bottom(l, c);
                                let gt = self.g_top(l - 1, c);
                                let g = if gt == 0.0 { gb } else { parallel(gb, gt) };
                                push(self.index(l - 1, r, c), me, -g);
                                diagonal += g;
                            }
                            if r > 0 {
                                let g =
                                    parallel(self.g_north_south(l, c), self.g_north_south(l, c));
                                push(self.index(l, r - 1, c), me, -g);
                                diagonal += g;
                            }
                            if c > 0 {
                                let g =
                                    parallel(self.g_east_west(l, c), self.g_east_west(l, c - 1));
                                push(self.index(l, r, c - 1), me, -g);
                                diagonal += g;
                            }
                            if self.layers[l].to_ambient {
                                diagonal += self.g_top(l, c);
                            } else if self.layers[l].to_pcb {
                                diagonal += self.g_bottom(l, c);
                            }
                            if c + 1 < nc {
                                let g =
                                    parallel(self.g_east_west(l, c), self.g_east_west(l, c + 1));
                                push(self.index(l, r, c + 1), me, -g);
                                diagonal += g;
                            }
                            if r + 1 < nr {
                                let g =
                                    parallel(self.g_north_south(l, c), self.g_north_south(l, c));
                                push(self.index(l, r + 1, c), me, -g);
                                diagonal += g;
                            }
                            if l + 1 < nl {
                                let gt = self.g_top(l, c);
                                let gb = self.g_bottom(l + 1, c);
                                let g = if gb == 0.0 { gt } else { parallel(gt, gb) };
                                push(self.index(l + 1, r, c), me, -g);
                                diagonal += g;
                            }
                        }
                        LayerKind::Solid | LayerKind::Source | LayerKind::Channel4rm => {
                            let cc = self.convective(l, c);
                            let g = parallel(self.g_bottom(l, c), self.g_top(l - 1, c));
                            push(self.index(l - 1, r, c), me, -g);
                            diagonal += g;
                            if r > 0 {
                                push(self.index(l, r - 1, c), me, cc);
                            }
                            if c > 0 {
                                let g =
                                    parallel(self.g_east_west(l, c), self.g_east_west(l, c - 1));
                                push(self.index(l, r, c - 1), me, -g);
                                diagonal += g;
                            }
                            if c + 1 < nc {
                                let g =
                                    parallel(self.g_east_west(l, c), self.g_east_west(l, c + 1));
                                push(self.index(l, r, c + 1), me, -g);
                                diagonal += g;
                            }
                            if r + 1 < nr {
                                push(self.index(l, r + 1, c), me, -cc);
                            }
                            let g = parallel(self.g_top(l, c), self.g_bottom(l + 1, c));
                            push(self.index(l + 1, r, c), me, -g);
                            diagonal += g;
                            if r == 0 || r + 1 == nr {
                                diagonal += cc;
                            }
                        }
                        LayerKind::Channel2rm | LayerKind::PinFin { .. } => {
                            let cc = self.convective(l, c);
                            let g = self.g_bottom(l, c);
                            push(self.index(l - 2, r, c), me, -g);
                            diagonal += g;
                            if r > 0 {
                                push(self.index(l, r - 1, c), me, cc);
                            }
                            if r + 1 < nr {
                                push(self.index(l, r + 1, c), me, -cc);
                            }
                            let g = self.g_top(l, c);
                            push(self.index(l + 1, r, c), me, -g);
                            diagonal += g;
                            if r == 0 || r + 1 == nr {
                                diagonal += cc;
                            }
                        }
                        LayerKind::BottomWall => {
                            for (other, g) in [
                                (l - 1, self.g_top(l - 1, c)),
                                (l + 1, self.g_top(l + 1, c)),
                                (l + 2, self.g_bottom(l + 2, c)),
                            ] {
                                push(self.index(other, r, c), me, -g);
                                diagonal += g;
                            }
                        }
                        LayerKind::TopWall => {
                            for (other, g) in [
                                (l - 2, self.g_top(l - 2, c)),
                                (l - 1, self.g_top(l - 1, c)),
                                (l + 1, self.g_bottom(l + 1, c)),
                            ] {
                                push(self.index(other, r, c), me, -g);
                                diagonal += g;
                            }
                        }
                        LayerKind::VirtualWall { pinfins } => {
                            let g = self.g_bottom(l, c);
                            push(self.index(l - 1, r, c), me, -g);
                            diagonal += g;
                            if !pinfins {
                                let gs = self.g_north_south(l, c);
                                let g = parallel(gs, gs);
                                if r > 0 {
                                    push(self.index(l, r - 1, c), me, -g);
                                    diagonal += g;
                                }
                                if r + 1 < nr {
                                    push(self.index(l, r + 1, c), me, -g);
                                    diagonal += g;
                                }
                            }
                            let g = self.g_top(l, c);
                            push(self.index(l + 2, r, c), me, -g);
                            diagonal += g;
                        }
                    }
                    push(me, me, diagonal);
                }
            }
        }
        t
    }

    /// Number of power slots every floorplan element can supply (the shortest trace).
    #[must_use]
    pub fn slots(&self) -> usize {
        self.floorplans
            .iter()
            .flat_map(|(_, f)| f.elements.iter().map(|e| e.powers_w.len()))
            .min()
            .unwrap_or(0)
    }

    /// The source vector, W, for power slot `slot`: floorplan powers on source layers, the
    /// heat sinks' `G·T_ambient` and the inlets' `2·C·T_in`.
    #[must_use]
    pub fn sources(&self, slot: usize) -> Vec<f64> {
        let nc = self.columns();
        let mut b = vec![0.0; self.cells()];
        for (l, layer) in self.layers.iter().enumerate() {
            if layer.to_ambient {
                let t = self.top_sink.map_or(0.0, |s| s.temperature_k);
                for r in 0..self.rows {
                    for c in 0..nc {
                        b[self.index(l, r, c)] += t * self.g_top(l, c);
                    }
                }
            }
            if layer.to_pcb {
                let t = self.bottom_sink.map_or(0.0, |s| s.temperature_k);
                for r in 0..self.rows {
                    for c in 0..nc {
                        b[self.index(l, r, c)] += t * self.g_bottom(l, c);
                    }
                }
            }
            if matches!(
                layer.kind,
                LayerKind::Channel4rm | LayerKind::Channel2rm | LayerKind::PinFin { .. }
            ) {
                let t_in = self.coolant().inlet_k;
                for c in 0..nc {
                    if self.is_channel_column(c) {
                        b[self.index(l, 0, c)] = 2.0 * self.convective(l, c) * t_in;
                    }
                }
            }
        }
        for (l, flp) in &self.floorplans {
            let base = self.index(*l, 0, 0);
            for element in &flp.elements {
                let power = element.powers_w.get(slot).copied().unwrap_or(0.0);
                for (cell, coefficient) in &element.coefficients {
                    b[base + cell] += coefficient * power;
                }
            }
        }
        b
    }

    /// Floorplan power of slot `slot`, W.
    #[must_use]
    pub fn power_w(&self, slot: usize) -> f64 {
        self.floorplans
            .iter()
            .flat_map(|(_, f)| f.elements.iter())
            .map(|e| e.powers_w.get(slot).copied().unwrap_or(0.0))
            .sum()
    }

    /// The steady state with the powers of slot `slot`.
    ///
    /// # Errors
    /// A singular system.
    pub fn steady(&self, slot: usize) -> Result<Vec<f64>, ModelError> {
        let lu = lu_factor(self.cells(), &self.matrix(None))?;
        Ok(lu_solve(&lu, &self.sources(slot))?)
    }

    /// Where the heat goes for temperatures `t` and the powers of slot `slot`.
    #[must_use]
    pub fn energy_balance(&self, t: &[f64], slot: usize) -> EnergyBalance {
        let nc = self.columns();
        let mut balance = EnergyBalance {
            power_in_w: self.power_w(slot),
            top_sink_w: 0.0,
            bottom_sink_w: 0.0,
            coolant_w: 0.0,
        };
        for (l, layer) in self.layers.iter().enumerate() {
            for r in 0..self.rows {
                for c in 0..nc {
                    let temperature = t[self.index(l, r, c)];
                    if layer.to_ambient {
                        balance.top_sink_w += self.g_top(l, c)
                            * (temperature - self.top_sink.map_or(0.0, |s| s.temperature_k));
                    }
                    if layer.to_pcb {
                        balance.bottom_sink_w += self.g_bottom(l, c)
                            * (temperature - self.bottom_sink.map_or(0.0, |s| s.temperature_k));
                    }
                }
            }
            if matches!(
                layer.kind,
                LayerKind::Channel4rm | LayerKind::Channel2rm | LayerKind::PinFin { .. }
            ) {
                let t_in = self.coolant().inlet_k;
                for c in 0..nc {
                    if self.is_channel_column(c) {
                        balance.coolant_w += 2.0
                            * self.convective(l, c)
                            * (t[self.index(l, self.rows - 1, c)] - t_in);
                    }
                }
            }
        }
        balance
    }

    /// Outlet temperatures (last row of every coolant column) of the channel element
    /// `element`, K, by column.
    #[must_use]
    pub fn outlet_temperatures(&self, t: &[f64], element: &str) -> Vec<f64> {
        let Some(layer) = self.output_layer(element) else { return Vec::new() };
        (0..self.columns())
            .filter(|c| self.is_channel_column(*c))
            .map(|c| t[self.index(layer, self.rows - 1, c)])
            .collect()
    }

    fn cell_center_x(&self, column: usize) -> f64 {
        (self.column_x_um[column] + self.column_x_um[column + 1]) / 2.0
    }

    fn row_y(&self, row: usize) -> f64 {
        self.cell_width_um * row as f64
    }

    /// Runs the stack as its solver section asks (steady with the first powers, or backward
    /// Euler from the initial temperature through every power slot) and writes the outputs.
    ///
    /// # Errors
    /// No powers, or a singular system.
    pub fn run(&self) -> Result<Run, ModelError> {
        let mut writer = Writer::new(self);
        let slots = self.slots();
        if slots == 0 {
            return Err(ParseError {
                file: self.stack.file.clone(),
                line: 1,
                field: "floorplans".into(),
                message: "no power values: every floorplan element needs at least one power value"
                    .into(),
            }
            .into());
        }
        match self.stack.analysis {
            Analysis::Steady => {
                let t = self.steady(0)?;
                writer.write(&t, 0.0, Instant::Final);
                let balance = self.energy_balance(&t, 0);
                Ok(Run {
                    temperatures_k: t,
                    files: writer.finish(),
                    steps: 0,
                    time_s: 0.0,
                    balance,
                })
            }
            Analysis::Transient { step_s, steps_per_slot, .. } => {
                let lu: LuFactor = lu_factor(self.cells(), &self.matrix(Some(step_s)))?;
                let capacities = self.capacities();
                let mut t = vec![self.stack.initial_temperature_k; self.cells()];
                let mut steps = 0u64;
                let steps_per_slot = steps_per_slot.max(1);
                for slot in 0..slots {
                    let sources = self.sources(slot);
                    for _ in 0..steps_per_slot {
                        let rhs: Vec<f64> = sources
                            .iter()
                            .zip(&capacities)
                            .zip(&t)
                            .map(|((s, c), t)| s + c / step_s * t)
                            .collect();
                        t = lu_solve(&lu, &rhs)?;
                        steps += 1;
                        let time = steps as f64 * step_s;
                        writer.write(&t, time, Instant::Step);
                        if steps % steps_per_slot == 0 {
                            writer.write(&t, time, Instant::Slot);
                        }
                    }
                }
                let time = steps as f64 * step_s;
                writer.write(&t, time, Instant::Final);
                let balance = self.energy_balance(&t, slots - 1);
                Ok(Run { temperatures_k: t, files: writer.finish(), steps, time_s: time, balance })
            }
        }
    }
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

fn range_stat(
    t: &[f64],
    base: usize,
    columns: usize,
    range: (usize, usize, usize, usize),
) -> (f64, f64, f64) {
    let (r0, r1, c0, c1) = range;
    let mut max = f64::NEG_INFINITY;
    let mut min = f64::INFINITY;
    let mut sum = 0.0;
    let mut n = 0usize;
    for r in r0..=r1 {
        for c in c0..=c1 {
            let v = t[base + r * columns + c];
            max = max.max(v);
            min = min.min(v);
            sum += v;
            n += 1;
        }
    }
    (max, min, sum / n as f64)
}

fn element_stat(
    t: &[f64],
    base: usize,
    columns: usize,
    element: &PlacedElement,
    quantity: Quantity,
) -> f64 {
    let stats: Vec<(f64, f64, f64)> =
        element.ranges.iter().map(|r| range_stat(t, base, columns, *r)).collect();
    let max = stats.iter().map(|s| s.0).fold(f64::NEG_INFINITY, f64::max);
    let min = stats.iter().map(|s| s.1).fold(f64::INFINITY, f64::min);
    match quantity {
        Quantity::Maximum => max,
        Quantity::Minimum => min,
        Quantity::Average => stats.iter().map(|s| s.2).sum::<f64>() / stats.len() as f64,
        Quantity::Gradient => max - min,
    }
}

struct Writer<'a> {
    model: &'a Model,
    files: Vec<OutputFile>,
    axes: bool,
}

impl<'a> Writer<'a> {
    fn new(model: &'a Model) -> Self {
        let mut files: Vec<OutputFile> = Vec::new();
        let mut axes = false;
        for output in &model.stack.outputs {
            let element = &model.elements[match &output.kind {
                OutputKind::Cell { element, .. }
                | OutputKind::Floorplan { element, .. }
                | OutputKind::FloorplanElement { element, .. }
                | OutputKind::Map { element }
                | OutputKind::Coolant { element, .. } => *element,
            }];
            let header = match &output.kind {
                OutputKind::Cell { x_um, y_um, .. } => {
                    let (column, actual_x) = model.locate_column(*x_um);
                    let (row, actual_y) = model.locate_row(*y_um);
                    format!(
                        "% Cell temperature for the location [{}, x={x_um:5.3},y={y_um:5.3}]\n% Nearest [column, row] indices found= [{column},{row}] (locations [x={actual_x:5.3},y={actual_y:5.3}])\n% Time(s) \t Temperature(K)\n",
                        element.name
                    )
                }
                OutputKind::Floorplan { quantity, .. } => {
                    let mut h = format!(
                        "% {} temperatures for the floorplan of the die {}\n% Time(s) \t ",
                        quantity.header(),
                        element.name
                    );
                    for e in &model.floorplans[element.floorplan.expect("die")].1.elements {
                        let _ = write!(h, "{}(K) \t ", e.name);
                    }
                    h.push('\n');
                    h
                }
                OutputKind::FloorplanElement { name, quantity, .. } => format!(
                    "% {} temperatures for the floorplan element {name} of the die {}\n% Time(s) \t {}.{name}(K)\n",
                    quantity.header(),
                    element.name,
                    element.name
                ),
                OutputKind::Map { .. } => {
                    axes = true;
                    format!(
                        "% Thermal map for layer {} (please find axis information in \"xaxis.txt\" and \"yaxis.txt\")\n",
                        element.name
                    )
                }
                OutputKind::Coolant { quantity, .. } => format!(
                    "% {} temperatures for the outlet of the channel {}\n% Time(s) \t Temperature(K)\n",
                    quantity.header(),
                    element.name
                ),
            };
            // Several instructions may name one file: 3D-ICE reopens it, truncating.
            if let Some(file) = files.iter_mut().find(|f| f.name == output.file) {
                file.text = header;
            } else {
                files.push(OutputFile { name: output.file.clone(), text: header });
            }
        }
        Writer { model, files, axes }
    }

    fn write(&mut self, t: &[f64], time_s: f64, instant: Instant) {
        let model = self.model;
        let columns = model.columns();
        for output in &model.stack.outputs {
            if output.instant != instant {
                continue;
            }
            let mut text = String::new();
            match &output.kind {
                OutputKind::Cell { element, x_um, y_um } => {
                    let layer = model.elements[*element].output_layer;
                    let (column, _) = model.locate_column(*x_um);
                    let (row, _) = model.locate_row(*y_um);
                    let _ = writeln!(
                        text,
                        "{time_s:.6} \t {:16.12}",
                        t[model.index(layer, row, column)]
                    );
                }
                OutputKind::Floorplan { element, quantity } => {
                    let info = &model.elements[*element];
                    let base = model.index(info.output_layer, 0, 0);
                    let _ = write!(text, "{time_s:5.3} \t ");
                    for e in &model.floorplans[info.floorplan.expect("die")].1.elements {
                        let _ = write!(
                            text,
                            "{:5.3} \t ",
                            element_stat(t, base, columns, e, *quantity)
                        );
                    }
                    text.push('\n');
                }
                OutputKind::FloorplanElement { element, name, quantity } => {
                    let info = &model.elements[*element];
                    let base = model.index(info.output_layer, 0, 0);
                    let e = model.floorplans[info.floorplan.expect("die")]
                        .1
                        .elements
                        .iter()
                        .find(|e| &e.name == name)
                        .expect("checked at build");
                    let _ = writeln!(
                        text,
                        "{time_s:5.3} \t {:7.3}",
                        element_stat(t, base, columns, e, *quantity)
                    );
                }
                OutputKind::Map { element } => {
                    let layer = model.elements[*element].output_layer;
                    for r in 0..model.rows {
                        for c in 0..columns {
                            let _ = write!(text, "{:7.3}  ", t[model.index(layer, r, c)]);
                        }
                        text.push('\n');
                    }
                    text.push('\n');
                }
                OutputKind::Coolant { element, quantity } => {
                    let layer = model.elements[*element].output_layer;
                    let _ = writeln!(
                        text,
                        "{time_s:5.3} \t {:7.3}",
                        model.coolant_stat(t, layer, *quantity)
                    );
                }
            }
            if let Some(file) = self.files.iter_mut().find(|f| f.name == output.file) {
                file.text.push_str(&text);
            }
        }
    }

    fn finish(mut self) -> Vec<OutputFile> {
        if self.axes {
            let model = self.model;
            let mut x = String::new();
            for c in 0..model.columns() {
                let _ = writeln!(x, "{:5.2}", model.cell_center_x(c));
            }
            let mut y = String::new();
            for r in 0..model.rows {
                let _ = writeln!(y, "{:5.2}", model.row_y(r) + model.cell_width_um / 2.0);
            }
            self.files.push(OutputFile { name: "xaxis.txt".into(), text: x });
            self.files.push(OutputFile { name: "yaxis.txt".into(), text: y });
        }
        self.files
    }
}

impl Model {
    /// 3D-ICE's probe alignment: the column whose span holds x (the last one, located at 0,
    /// when none does).
    fn locate_column(&self, x: f64) -> (usize, f64) {
        for c in 0..self.columns() {
            let end =
                if c + 1 == self.columns() { self.probe_end_um } else { self.column_x_um[c + 1] };
            if x >= self.column_x_um[c] && x < end {
                return (c, self.column_x_um[c]);
            }
        }
        (self.columns() - 1, 0.0)
    }

    fn locate_row(&self, y: f64) -> (usize, f64) {
        for r in 0..self.rows {
            if y >= self.row_y(r) && y < self.row_y(r + 1) {
                return (r, self.row_y(r));
            }
        }
        (self.rows - 1, 0.0)
    }

    /// 3D-ICE's outlet statistics, kept as it computes them: the scan starts from the first
    /// column's outlet cell even when that column is a wall (4RM); the average divides the
    /// first column plus every coolant column by the number of channels; the `gradient`
    /// returns the maximum.
    fn coolant_stat(&self, t: &[f64], layer: usize, quantity: Quantity) -> f64 {
        let base = self.index(layer, self.rows - 1, 0);
        let first = t[base];
        let channels: Vec<f64> = (0..self.columns())
            .filter(|c| self.is_channel_column(*c))
            .map(|c| t[base + c])
            .collect();
        match quantity {
            Quantity::Maximum | Quantity::Gradient => {
                channels.iter().copied().fold(first, f64::max)
            }
            Quantity::Minimum => channels.iter().copied().fold(first, f64::min),
            Quantity::Average => {
                (first + channels.iter().sum::<f64>()) / self.coolant().channels as f64
            }
        }
    }
}
