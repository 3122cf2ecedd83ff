//! The package's cold plate solved with 3D-ICE's 4-resistor microchannel model
//! (`[thermal.cold_plate] kind = "microchannel_4rm"`), coupled to the package model.
//!
//! # The plate
//! A 3D-ICE stack ([`crate::threedice`]) over the package footprint (side $L$), bottom first:
//! the plate base (thickness $t_b$, conductivity $k_p$), the 4RM channel layer (height $H$)
//! and a cover on the fin tips. The $N = \lfloor L/(w + t_w)\rfloor$ channels (width $w$,
//! walls $t_w$, the correlation's count) run along $y$, centred (the two outer walls share
//! the remainder), so the grid's columns are the walls and channels themselves and its rows
//! the package grid's rows. Each coolant cell exchanges heat with the base below through
//! $h\thinspace w\thinspace\Delta y$ and with the walls east and west through $h\thinspace H\thinspace\Delta y$ (each in series
//! with the solid's half cell), $h = Nu\thinspace k_f/D_h$ being the liquid correlation's wall
//! coefficient (Shah-London or Gnielinski, as [`crate::package::cold_plate`] computes it);
//! the cover is wetted by nothing ($h_\text{top} = 10^{-9} h$, since 3D-ICE reads a zero
//! coefficient as the solid's half cell alone: adiabatic fin tips, the correlation's
//! assumption), so the walls are fins whose single node per cell sits at
//! mid-height. The coolant is advected along each channel by 3D-ICE's central scheme with
//! $C = \rho c_p Q/(2N)$: summed over the channels the heat carried away is exactly
//! $\rho c_p Q\thinspace(\bar T_\text{out} - T_\text{in})$, $\bar T_\text{out}$ the mean of the
//! outlet cells (equal flows). Heat enters at the base's bottom face (3D-ICE puts the
//! bottom layer's node there: its upward conductance is $k_p A/t_b$ over the whole base).
//!
//! # Coupling
//! The package's lid (finite volumes, [`crate::native`]) meets the plate base through the
//! interface $R''$. Temperatures are rises above the inlet. The plate is linear: the heat
//! $q$ (W per package cell) gives base temperatures $T_b = \mathcal{P}\thinspace q$ (area-weighted
//! means over each package cell of 3D-ICE's base cells, the heat spread over them by the
//! same overlap weights). The package sees, on each top cell, the conductance $g$ of
//! $R'' + R_\text{loc}$ (with its lid half cell) to a virtual fluid temperature
//! $T_v = T_b - R_\text{loc}\thinspace q/A$, $R_\text{loc}$ the plate's lumped local resistance
//! (the unit cell below), so that at the solution $q = (A/R'')(T_\text{lid} - T_b)$ whatever
//! $R_\text{loc}$ is. For each unit input (1 W in the ASIC, 1 W in every engine, 1 K of
//! board air above the inlet) the coupled system is solved by the fixed point
//! $\theta = G^{-1}(P + g\thinspace T_v)$, $q = g(\theta - T_v)$, $T_v \leftarrow \mathcal{P}q -
//! R_\text{loc}q/A$, which contracts because $R_\text{loc}$ carries the local part of
//! $\mathcal{P}$ (what is left is the coolant's warming and the base's spreading, smooth
//! on the cell scale); it stops when $T_v$ moves by less than $10^{-12}$ of its size. The
//! package then holds the unit responses $r$ and the fluid fields $f$, and every load is
//! their superposition above the inlet, $T = T_\text{in} + P_a r_a + P_e r_e +
//! (T_\text{air} - T_\text{in}) r_b$, exactly as the correlation's.
//!
//! # Local resistance: the 4RM unit cell
//! Far from the channel ends, per unit channel length, one pitch of the 4RM grid is two
//! base nodes at the heated face (a channel column, width $w$, and a wall column, $t_w$,
//! fed $w/p$ and $t_w/p$ of the heat, $p = w + t_w$) joined by two lateral links
//! $k_p t_b/(p/2)$; the channel column reaches the coolant through
//! $R_a = t_b/(k_p w) + 1/(h w)$, the wall column through
//! $R_b = t_b/(k_p t_w) + (H/2)/(k_p t_w) + 1/(2hH) + t_w/(4 k_p H)$ (base under the wall,
//! half the wall up to its node, both sides' film and half-width). Solving that two-node
//! network, $R_\text{loc} = w T_a + t_w T_b$ per unit heat: the 3D-ICE plate's resistance,
//! base (mean) to coolant, away from the ends (the tests hold the model to it).
//!
//! # Why it differs from the correlation
//! With the same $h$ the correlation has $R = p/(h(w + 2\eta H)) + t_b/k_p$,
//! $\eta = \tanh(mH)/(mH)$, $m = \sqrt{2h/(k_p t_w)}$. The 4RM grid has one node per wall
//! cell at mid-height, a lumped fin of efficiency $1/(1 + (mH)^2/2)$ (0.83 against 0.88 on
//! the default plate), and one node through the base's thickness, so the walls' heat
//! crosses the base only under the walls ($t_b/(k_p t_w)$, not spread over the pitch): on
//! the default plate the 4RM resistance is about 15 % higher. Neither has entrance effects
//! (both take the fully developed $h$); the 3D-ICE plate adds the coolant's warming along
//! the channels and the base's axial conduction, which the correlation's single mean coolant
//! temperature leaves out.

use crate::hotspot::microchannel::{LuFactor, lu_factor, lu_solve};
use crate::settings::ColdPlate;
use crate::threedice::Model;
use crate::threedice::parse::{
    Analysis, Cavity, CavityModel, Die, Dimensions, ElementKind, Floorplan, FloorplanElement,
    Material, Rect, Slab, StackElement, StackFile,
};
use std::collections::BTreeMap;

/// The largest plate grid built (cells): the sparse LU grows faster than the cell count.
pub const MAX_PLATE_CELLS: usize = 400_000;

/// The cover's coefficient to the coolant as a fraction of the walls': 3D-ICE joins a solid
/// over a zero coefficient through the solid's own half cell (its convention for 2RM wall
/// nodes), so an adiabatic cover is a negligible coefficient instead of 0.
const COVER_HTC_FRACTION: f64 = 1e-9;

/// Name of the channel element in the plate's stack.
const CHANNELS: &str = "channels";
/// Name of the base die.
const BASE: &str = "base";

/// A plate that cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct PlateError(pub String);

/// One steady solution of the plate for a heat map.
#[derive(Debug, Clone)]
pub struct PlateSolution {
    /// Base temperature above the inlet, K, per package cell (row-major from the inlet edge).
    pub base_rise_k: Vec<f64>,
    /// Heat the coolant carries away, $\sum 2C(T_\text{last row} - T_\text{in})$, W.
    pub coolant_w: f64,
    /// Mixed-mean outlet rise (mean of the outlet cells), K.
    pub outlet_rise_k: f64,
    /// Mean coolant rise over every coolant cell, K.
    pub mean_coolant_rise_k: f64,
    /// Coolant rise of each row (mean over the channels), K, from the inlet.
    pub row_coolant_rise_k: Vec<f64>,
}

/// A 3D-ICE 4RM cold plate over the package footprint, factored once.
pub struct ChannelPlate {
    model: Model,
    lu: LuFactor,
    cells: usize,
    base_layer: usize,
    coolant_layer: usize,
    /// For each package column: (plate column, overlap over the package cell's length).
    weights: Vec<Vec<(usize, f64)>>,
    /// Coolant heat-capacity flow $\rho c_p Q$, W/K.
    pub capacity_flow_w_per_k: f64,
    /// Channels.
    pub n_channels: usize,
    /// Lumped local plate resistance $R_\text{loc}$, m² K/W.
    pub local_r_m2k_per_w: f64,
}

/// The 4RM plate's resistance per unit area, base bottom to coolant, m² K/W, of one pitch
/// far from the channel ends with the walls at coefficient `h_w_per_m2k` (the closed form
/// of the module documentation).
#[must_use]
pub fn unit_cell_resistance_m2k_per_w(plate: &ColdPlate, h_w_per_m2k: f64) -> f64 {
    let (w, height, wall, base, k) = (
        plate.channel_width_mm.0 * 1e-3,
        plate.channel_height_mm.0 * 1e-3,
        plate.wall_thickness_mm.0 * 1e-3,
        plate.base_thickness_mm.0 * 1e-3,
        plate.plate_k_w_per_mk.0,
    );
    let h = h_w_per_m2k;
    // Per unit channel length: channel column and wall column to the coolant, and the two
    // lateral links between their base nodes.
    let to_coolant_a = 1.0 / (base / (k * w) + 1.0 / (h * w));
    let to_coolant_b = 1.0
        / (base / (k * wall)
            + height / 2.0 / (k * wall)
            + 1.0 / (2.0 * h * height)
            + wall / (4.0 * k * height));
    let lateral = 2.0 / ((wall / 2.0 + w / 2.0) / (k * base));
    let pitch = w + wall;
    let (q_a, q_b) = (w / pitch, wall / pitch);
    let (a11, a22) = (to_coolant_a + lateral, to_coolant_b + lateral);
    let det = a11 * a22 - lateral * lateral;
    let t_a = (q_a * a22 + lateral * q_b) / det;
    let t_b = (a11 * q_b + lateral * q_a) / det;
    w * t_a + wall * t_b
}

/// Cells of the plate grid for a `side_m` package with `cells` rows, and its channels.
#[must_use]
pub fn plate_cells(plate: &ColdPlate, side_m: f64, cells: usize) -> (usize, usize) {
    let pitch = (plate.channel_width_mm.0 + plate.wall_thickness_mm.0) * 1e-3;
    let n_channels = (side_m / pitch).floor() as usize;
    (3 * cells * (2 * n_channels + 1), n_channels)
}

impl ChannelPlate {
    /// Builds and factors the plate over a `side_m` square package with `cells` rows, the
    /// channel walls at coefficient `h_w_per_m2k`.
    ///
    /// # Errors
    /// [`PlateError`] naming the field when the plate holds no channel, its grid exceeds
    /// [`MAX_PLATE_CELLS`], or 3D-ICE's model fails.
    pub fn new(
        plate: &ColdPlate,
        side_m: f64,
        cells: usize,
        h_w_per_m2k: f64,
        plate_rho_c_j_per_m3k: f64,
    ) -> Result<ChannelPlate, PlateError> {
        let (n_cells, n_channels) = plate_cells(plate, side_m, cells);
        check_plate_size(plate, side_m, cells, n_cells, n_channels)?;
        let cell_width_um = side_m * 1e6 / cells as f64;
        let flow_m3_per_s = plate.flow_l_per_min.0 * 1e-3 / 60.0;
        let capacity_flow_w_per_k =
            plate.coolant_rho_kg_per_m3.0 * plate.coolant_cp_j_per_kgk.0 * flow_m3_per_s;
        let stack =
            plate_stack(plate, side_m, cells, n_channels, h_w_per_m2k, plate_rho_c_j_per_m3k);
        let floorplans = plate_floorplans(side_m * 1e6, cell_width_um, cells);
        let model = Model::build(&stack, &floorplans).map_err(|e| PlateError(e.to_string()))?;
        if model.rows() != cells || model.columns() != 2 * n_channels + 1 {
            return Err(PlateError(format!(
                "the 3D-ICE plate grid has {} rows and {} columns; expected {cells} and {}",
                model.rows(),
                model.columns(),
                2 * n_channels + 1
            )));
        }
        let lu =
            lu_factor(model.cells(), &model.matrix(None)).map_err(|e| PlateError(e.to_string()))?;
        let base_layer = model.output_layer(BASE).expect("the base is in the stack");
        let coolant_layer = model.output_layer(CHANNELS).expect("the channels are in the stack");
        let weights = column_weights(&model, cells, cell_width_um);
        let local_r_m2k_per_w = unit_cell_resistance_m2k_per_w(plate, h_w_per_m2k);
        Ok(ChannelPlate {
            model,
            lu,
            cells,
            base_layer,
            coolant_layer,
            weights,
            capacity_flow_w_per_k,
            n_channels,
            local_r_m2k_per_w,
        })
    }

    /// The plate's steady state for `heat_w` per package cell (row-major, row 0 at the
    /// inlet), temperatures above the inlet.
    ///
    /// # Errors
    /// [`PlateError`] if the solve fails.
    pub fn solve(&self, heat_w: &[f64]) -> Result<PlateSolution, PlateError> {
        let cells = self.cells;
        let mut rhs = vec![0.0; self.model.cells()];
        for j in 0..cells {
            for (i, weights) in self.weights.iter().enumerate() {
                let q = heat_w[j * cells + i];
                for &(c, fraction) in weights {
                    rhs[self.model.index(self.base_layer, j, c)] += q * fraction;
                }
            }
        }
        let t = lu_solve(&self.lu, &rhs).map_err(|e| PlateError(e.to_string()))?;
        let base_rise_k = (0..cells * cells)
            .map(|cell| {
                let (i, j) = (cell % cells, cell / cells);
                self.weights[i]
                    .iter()
                    .map(|&(c, fraction)| fraction * t[self.model.index(self.base_layer, j, c)])
                    .sum()
            })
            .collect();
        let coolant_w = self.model.energy_balance(&t, 0).coolant_w;
        let outlets = self.model.outlet_temperatures(&t, CHANNELS);
        let outlet_rise_k = outlets.iter().sum::<f64>() / outlets.len() as f64;
        let row_coolant_rise_k: Vec<f64> = (0..cells)
            .map(|j| {
                (1..self.model.columns())
                    .step_by(2)
                    .map(|c| t[self.model.index(self.coolant_layer, j, c)])
                    .sum::<f64>()
                    / self.n_channels as f64
            })
            .collect();
        Ok(PlateSolution {
            base_rise_k,
            coolant_w,
            outlet_rise_k,
            mean_coolant_rise_k: row_coolant_rise_k.iter().sum::<f64>() / cells as f64,
            row_coolant_rise_k,
        })
    }
}

/// Refuses a plate that holds no channel or whose 3D-ICE grid exceeds [`MAX_PLATE_CELLS`].
fn check_plate_size(
    plate: &ColdPlate,
    side_m: f64,
    cells: usize,
    n_cells: usize,
    n_channels: usize,
) -> Result<(), PlateError> {
    if n_channels == 0 {
        return Err(PlateError(format!(
            "channel_width_mm = {} and wall_thickness_mm = {}: a {:.1} mm plate holds no channel",
            plate.channel_width_mm.0,
            plate.wall_thickness_mm.0,
            side_m * 1e3
        )));
    }
    if n_cells > MAX_PLATE_CELLS {
        return Err(PlateError(format!(
            "channel_width_mm = {} with wall_thickness_mm = {}: {n_channels} channels over the {:.1} mm package give a {n_cells}-cell 3D-ICE grid with grid_cells = {cells}, more than the {MAX_PLATE_CELLS} allowed; widen the channels or lower thermal.grid_cells",
            plate.channel_width_mm.0,
            plate.wall_thickness_mm.0,
            side_m * 1e3
        )));
    }
    Ok(())
}

/// The plate's 3D-ICE stack, bottom first: the base, the 4RM channels (centred, the outer
/// walls sharing the remainder) and the cover, over `cells` rows of the package.
fn plate_stack(
    plate: &ColdPlate,
    side_m: f64,
    cells: usize,
    n_channels: usize,
    h_w_per_m2k: f64,
    plate_rho_c_j_per_m3k: f64,
) -> StackFile {
    let um = |mm: f64| mm * 1e3;
    let side_um = side_m * 1e6;
    let (w, wall) = (um(plate.channel_width_mm.0), um(plate.wall_thickness_mm.0));
    // Centred channels: the outer walls share the remainder; 1 nm less keeps 3D-ICE's
    // floor((L - 2 l_f - w)/(w + t_w)) at N - 1 whatever the rounding.
    let outer_um = (side_um - n_channels as f64 * w - (n_channels - 1) as f64 * wall) / 2.0 - 1e-3;
    let cell_width_um = side_um / cells as f64;
    let copper = Material {
        name: "plate".into(),
        conductivity_w_per_um_k: [plate.plate_k_w_per_mk.0 * 1e-6; 3],
        heat_capacity_j_per_um3_k: plate_rho_c_j_per_m3k * 1e-18,
    };
    let h = h_w_per_m2k * 1e-12;
    let flow_m3_per_s = plate.flow_l_per_min.0 * 1e-3 / 60.0;
    StackFile {
        file: "<cold plate>".into(),
        materials: vec![copper],
        top_sink: None,
        bottom_sink: None,
        cavity: Some(Cavity {
            model: CavityModel::Microchannel4rm {
                channel_length_um: w,
                wall_length_um: wall,
                first_wall_length_um: outer_um,
                last_wall_length_um: outer_um,
                htc_side_w_per_um2_k: h,
                htc_top_w_per_um2_k: h * COVER_HTC_FRACTION,
                htc_bottom_w_per_um2_k: h,
                flow_rate_um3_per_s: flow_m3_per_s * 1e18,
            },
            height_um: um(plate.channel_height_mm.0),
            wall_material: 0,
            coolant_heat_capacity_j_per_um3_k: plate.coolant_rho_kg_per_m3.0
                * plate.coolant_cp_j_per_kgk.0
                * 1e-18,
            inlet_temperature_k: 0.0,
        }),
        dimensions: Dimensions {
            chip_length_um: side_um,
            // Half a row more: floor(width / cell) is `cells` whatever the rounding.
            chip_width_um: cell_width_um * (cells as f64 + 0.5),
            cell_length_um: w,
            cell_width_um,
        },
        dies: vec![Die {
            name: BASE.into(),
            layers: vec![Slab { height_um: um(plate.base_thickness_mm.0), material: 0 }],
            source: 0,
        }],
        stack: vec![
            StackElement {
                name: "cover".into(),
                kind: ElementKind::Layer(Slab { height_um: wall, material: 0 }),
                line: 0,
            },
            StackElement { name: CHANNELS.into(), kind: ElementKind::Channel, line: 0 },
            StackElement {
                name: BASE.into(),
                kind: ElementKind::Die { die: 0, floorplan: "plate.flp".into() },
                line: 0,
            },
        ],
        analysis: Analysis::Steady,
        initial_temperature_k: 0.0,
        outputs: Vec::new(),
    }
}

/// The base's floorplan: one element (`lid`) over the package's `cells` rows.
fn plate_floorplans(side_um: f64, cell_width_um: f64, cells: usize) -> BTreeMap<String, Floorplan> {
    let floorplan = Floorplan {
        file: "plate.flp".into(),
        elements: vec![FloorplanElement {
            name: "lid".into(),
            rects: vec![Rect {
                x_um: 0.0,
                y_um: 0.0,
                length_um: side_um,
                width_um: cell_width_um * cells as f64,
            }],
            powers_w: vec![0.0],
            line: 0,
        }],
    };
    BTreeMap::from([("plate.flp".to_string(), floorplan)])
}

/// For each package column: the plate columns it overlaps and the overlap over the package
/// cell's length.
fn column_weights(model: &Model, cells: usize, cell_width_um: f64) -> Vec<Vec<(usize, f64)>> {
    let bounds = model.column_boundaries_um();
    (0..cells)
        .map(|i| {
            let (x0, x1) = (i as f64 * cell_width_um, (i + 1) as f64 * cell_width_um);
            (0..model.columns())
                .filter_map(|c| {
                    let overlap = bounds[c + 1].min(x1) - bounds[c].max(x0);
                    (overlap > 0.0).then_some((c, overlap / cell_width_um))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::cold_plate;

    fn plate() -> ColdPlate {
        crate::settings::default_settings().cold_plate
    }

    #[test]
    fn the_coolant_carries_the_heat_that_enters_the_base() {
        // An uneven heat map (a hot centre, a ramp): the heat into the base leaves with the
        // coolant, rho c_p Q (mean outlet - inlet), to 1e-9.
        let plate = plate();
        let side = 0.07;
        let h = cold_plate(&plate, side, 0.0, 0.0).unwrap().h_channel_w_per_m2k;
        let cells = 16;
        let channels = ChannelPlate::new(&plate, side, cells, h, 3.45e6).unwrap();
        let heat: Vec<f64> = (0..cells * cells)
            .map(|cell| {
                let (i, j) = ((cell % cells) as f64, (cell / cells) as f64);
                0.5 + 0.1 * i + 3.0 * (-((i - 7.5).powi(2) + (j - 7.5).powi(2)) / 8.0).exp()
            })
            .collect();
        let total: f64 = heat.iter().sum();
        let solution = channels.solve(&heat).unwrap();
        let outlet = channels.capacity_flow_w_per_k * solution.outlet_rise_k;
        assert!(((solution.coolant_w - total) / total).abs() < 1e-9, "{}", solution.coolant_w);
        assert!(((outlet - total) / total).abs() < 1e-9, "{outlet} W at the outlet");
        assert!(solution.row_coolant_rise_k.windows(2).all(|pair| pair[1] > pair[0]));
    }

    #[test]
    fn the_plate_resistance_is_its_unit_cell_and_near_the_correlation() {
        // Fully developed laminar flow: at 0.3 L/min the thermal entry length
        // 0.05 Re Pr D_h is under 10 % of the channel (no warning), so Shah-London holds.
        let mut plate = plate();
        plate.flow_l_per_min.0 = 0.3;
        let side = 0.084;
        let correlation = cold_plate(&plate, side, 0.0, 0.0).unwrap();
        assert!(correlation.warnings.is_empty(), "{:?}", correlation.warnings);
        assert!(correlation.reynolds < 2300.0);
        let cells = 64;
        let channels =
            ChannelPlate::new(&plate, side, cells, correlation.h_channel_w_per_m2k, 3.45e6)
                .unwrap();
        let n = cells * cells;
        let power_w = 1000.0;
        let solution = channels.solve(&vec![power_w / n as f64; n]).unwrap();
        // Mid-channel, far from both ends: base (mean over the row) minus coolant, per flux.
        let row = cells / 2;
        let base =
            solution.base_rise_k[row * cells..(row + 1) * cells].iter().sum::<f64>() / cells as f64;
        let flux = power_w / (side * side);
        let resistance = (base - solution.row_coolant_rise_k[row]) / flux;
        let unit_cell = unit_cell_resistance_m2k_per_w(&plate, correlation.h_channel_w_per_m2k);
        // The unit cell is exact for the 4RM grid away from the ends; what is left is the
        // base's axial conduction under the coolant's gradient (~0.1 %).
        assert!(((resistance - unit_cell) / unit_cell).abs() < 5e-3, "{resistance} vs {unit_cell}");
        // The correlation's base-to-coolant resistance with the same h: the 4RM's lumped
        // mid-height wall node (efficiency 1/(1 + (mH)^2/2) = 0.83 against tanh(mH)/(mH) = 0.88
        // here) and its one node through the base (the walls' heat crosses the base under the
        // walls only) make it ~15 % higher; they agree within 20 %.
        let interface = plate.interface_r_k_mm2_per_w.0 * 1e-6;
        let correlated = 1.0 / correlation.h_effective_w_per_m2k - interface;
        let ratio = resistance / correlated;
        assert!(ratio > 1.0 && ratio < 1.2, "3D-ICE / correlation = {ratio}");
    }
}
