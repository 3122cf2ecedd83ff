//! Half-cell conductances of each layer kind (solid, 4RM channel and wall, 2RM and pin-fin
//! coolant, virtual and top/bottom walls, heat sinks), the coolant's convective term, and the
//! cell capacities.

use super::{Coolant, LayerKind, Model};
use crate::threedice::parse::CavityModel;

pub(super) fn parallel(a: f64, b: f64) -> f64 {
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

impl Model {
    pub(super) fn length(&self, column: usize) -> f64 {
        self.column_x_um[column + 1] - self.column_x_um[column]
    }

    pub(super) fn is_channel_column(&self, column: usize) -> bool {
        match self.coolant.as_ref().map(|c| c.model) {
            Some(CavityModel::Microchannel4rm { .. }) => column % 2 == 1,
            _ => true,
        }
    }

    pub(super) fn coolant(&self) -> &Coolant {
        self.coolant.as_ref().expect("cavity layers exist only with a cavity")
    }

    /// The convective term C, W/K (half the coolant's heat-capacity flow through a cell).
    pub(super) fn convective(&self, layer: usize, column: usize) -> f64 {
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

    pub(super) fn g_top(&self, l: usize, column: usize) -> f64 {
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

    pub(super) fn g_bottom(&self, l: usize, column: usize) -> f64 {
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
    pub(super) fn g_north_south(&self, l: usize, column: usize) -> f64 {
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

    pub(super) fn g_east_west(&self, l: usize, column: usize) -> f64 {
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
    pub(super) fn capacity(&self, l: usize, column: usize) -> f64 {
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
}
