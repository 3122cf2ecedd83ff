//! The co-packaged switch package on a liquid cold plate, solved with the native model.
//!
//! # Layout
//! The ASIC die (side $a$) sits at the centre of the substrate; $N$ optical engines (width
//! $w_e$ along the package edge, depth $d_e$) stand at least $g$ from its edges, $N/4$ per side,
//! centred, at a distance $r = \max(a/2 + g,\ N w_e / 8)$ from the centre so that the rows
//! never overlap at the corners. The substrate side is $2(r + d_e) + 2m$. Layers from the
//! top: copper lid (whole substrate), TIM1 under the dies (gap filler elsewhere), the die
//! layer (silicon dies in gap filler), the substrate. Sources fill their die's volume
//! (flip-chip dies: the reported junction temperature is the die's bottom cell row).
//!
//! # Secondary path
//! The substrate's underside loses heat through the solder balls, the board and the board's
//! convection to the chassis air at $T_\text{air}$, in series over the package footprint
//! $A$ (HotSpot's secondary-path constants; the board's lateral spreading is neglected):
//! $h_\text{board} = 1/(t_s/k_s + t_p/k_p + R_\text{air} A)$, with $R_\text{air}$ the
//! whole board's convection resistance (HotSpot's `r_convec_sec`). By superposition the
//! temperatures are $T_c + P_\text{ASIC} r_a + P_\text{eng} r_e + (T_\text{air} - T_c) r_b$,
//! $r_b$ the response to a unit air-to-coolant difference.
//!
//! # Cold plate
//! Parallel rectangular channels (width $w$, height $H$, walls $t_w$) over the lid, flow $Q$
//! split evenly. With $D_h = 2wH/(w+H)$, $Re = \rho V D_h/\mu$, $Pr = \mu c_p / k_f$:
//!
//! - laminar ($Re < 2300$): Shah & London fully developed, uniform heat flux (H1),
//!   $Nu = 8.235(1 - 2.0421\alpha + 3.0853\alpha^2 - 2.4765\alpha^3 + 1.0578\alpha^4 - 0.1861\alpha^5)$,
//!   $\alpha = \min(w,H)/\max(w,H)$. Valid for fully developed flow; when the thermal entry
//!   length $0.05\,Re\,Pr\,D_h$ exceeds 10 % of the channel length a warning says that the
//!   true $h$ is higher there (the result is conservative);
//! - turbulent: Gnielinski, $Nu = (f/8)(Re-1000)Pr / (1 + 12.7\sqrt{f/8}(Pr^{2/3}-1))$ with
//!   Petukhov's $f = (0.79\ln Re - 1.64)^{-2}$, valid $3000 \le Re \le 5\times10^6$,
//!   $0.5 < Pr \le 2000$; the transitional gap $2300 \le Re < 3000$ and anything outside
//!   are errors.
//!
//! - air plate fins (`kind = "air_fins"`): Teertstra, Yovanovich & Culham,
//!   $Re_b^* = Re_b\,b/L$ with $Re_b = V b/\nu$ on the fin gap $b$ and flow length $L$,
//!   $Nu_b = [(Re_b^* Pr/2)^{-3} + (0.664\sqrt{Re_b^*}Pr^{1/3}\sqrt{1 + 3.65/\sqrt{Re_b^*}})^{-3}]^{-1/3}$,
//!   $h = Nu_b k_f / b$, valid $0.1 < Re_b^* < 100$ (2.1 % RMS against data); outside, an error.
//!
//! $h = Nu\,k_f/D_h$; the walls are fins of efficiency $\eta = \tanh(mH)/(mH)$,
//! $m = \sqrt{2h/(k_p t_w)}$, so the base sees $h_b = h(w + 2\eta H)/(w + t_w)$; in series with
//! the plate base $t_b/k_p$ and the lid-to-plate interface $R''$:
//! $h_\text{eff} = 1/(1/h_b + t_b/k_p + R'')$ on the lid's top. The coolant warms by
//! $\Delta T = P/(\rho Q c_p)$ (energy balance) and the lid sees the mean coolant temperature
//! $T_\text{in} + \Delta T/2$.
//!
//! With `kind = "microchannel_4rm"` the same channels (the same $h$ on their walls) are
//! solved instead by 3D-ICE's 4-resistor model over the package footprint, the coolant
//! warming along each channel, coupled to the lid cell by cell; the unit responses are then
//! rises above the inlet ([`crate::channel_plate`], equations there). Every consumer
//! ([`PackageModel::evaluate`], the histories) sees either model through the same
//! superposition, and [`ColdPlateResult::model`] says which.

use crate::channel_plate::ChannelPlate;
use crate::native::{Boundaries, Layer, Material, Model, Rect, Source, StackError};
use crate::network::SteadySolver;
use crate::reduced::{Builder, Convergence, Reduced, Scheme};
use cporamp_core::scenario::{ColdPlate, HeatSinkKind, ThermalSettings};
use serde::Serialize;

/// Index of the die layer in the package stack (lid, TIM, dies, substrate).
const DIE_LAYER: usize = 2;
/// Index of the substrate layer, and its sublayers.
const SUBSTRATE_LAYER: usize = 3;
const SUBSTRATE_SUBLAYERS: usize = 2;
/// The die layer's bottom sublayer: the flip-chip active side, where junctions are.
const JUNCTION_SUBLAYER: usize = 1;
/// Relative tolerance of the transients' reduced model: Krylov blocks are added until a
/// block moves no observed unit step response by more than this fraction of the largest
/// steady response of its input (about 2 mK on a 20 K junction rise).
const REDUCED_TOLERANCE: f64 = 1e-4;
/// At most this many rounds of the steady factor's Krylov blocks alone before the step's
/// factor joins.
const STEADY_ROUNDS: usize = 8;
/// At most this many Krylov rounds.
const REDUCED_MAX_ROUNDS: usize = 40;
/// Volumetric heat capacity of the TIM1 bond line, J/(m³ K): HotSpot's example
/// `-p_interface 4.0e6` (its `example2/example.config`, vendored in `tests/data/hotspot`).
const TIM_RHO_C_J_PER_M3K: f64 = 4.0e6;
/// Volumetric heat capacity of the underfill or mould between dies, J/(m³ K).
/// Assumption: filled epoxy, ~1800 kg/m³ x ~850 J/(kg K).
const GAP_RHO_C_J_PER_M3K: f64 = 1.5e6;

/// Powers and engine geometry of one switch package.
#[derive(Debug, Clone, Copy)]
pub struct PackageLoad {
    /// ASIC power, W.
    pub asic_w: f64,
    /// Power of one optical engine, W.
    pub engine_w: f64,
    /// Number of engines (a multiple of 4).
    pub n_engines: usize,
    /// Engine width along the package edge, mm.
    pub engine_edge_mm: f64,
    /// ASIC die side, mm.
    pub asic_side_mm: f64,
}

/// Which model produced the package's temperatures over the cold plate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ColdPlateModel {
    /// The correlation's effective coefficient on the lid, to the mean coolant temperature.
    #[serde(rename = "correlation")]
    Correlation,
    /// 3D-ICE's 4-resistor microchannel model coupled to the lid ([`crate::channel_plate`]).
    #[serde(rename = "3d_ice_4rm")]
    Microchannel4rm,
}

impl ColdPlateModel {
    /// For people.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ColdPlateModel::Correlation => "correlation (uniform h to the mean coolant)",
            ColdPlateModel::Microchannel4rm => "3D-ICE 4-resistor microchannels (coolant advected)",
        }
    }
}

/// The cold plate's heat transfer.
#[derive(Debug, Clone, Serialize)]
pub struct ColdPlateResult {
    /// The model that produced the temperatures.
    pub model: ColdPlateModel,
    /// Parallel channels.
    pub n_channels: usize,
    /// Reynolds number.
    pub reynolds: f64,
    /// Prandtl number.
    pub prandtl: f64,
    /// Correlation used.
    pub correlation: &'static str,
    /// Channel-wall heat-transfer coefficient, W/(m² K).
    pub h_channel_w_per_m2k: f64,
    /// Fin efficiency of the walls.
    pub fin_efficiency: f64,
    /// Effective coefficient on the lid top, W/(m² K) (the 3D-ICE plate's: interface plus
    /// base-to-mean-coolant resistance under a uniform heat flux).
    pub h_effective_w_per_m2k: f64,
    /// Coolant temperature rise inlet to outlet, K.
    pub coolant_rise_k: f64,
    /// Mean coolant temperature the lid sees (inlet plus half the rise), °C.
    pub mean_coolant_c: f64,
    /// Validity notes.
    pub warnings: Vec<String>,
}

/// Temperatures of one engine.
#[derive(Debug, Clone, Serialize)]
pub struct EngineTemperature {
    /// Mean junction temperature, °C.
    pub mean_c: f64,
    /// Maximum, °C.
    pub max_c: f64,
}

/// The package solution.
#[derive(Debug, Clone, Serialize)]
pub struct PackageResult {
    /// Substrate (and lid) side, mm.
    pub substrate_side_mm: f64,
    /// Coolant inlet, °C.
    pub inlet_c: f64,
    /// ASIC mean junction temperature, °C.
    pub asic_mean_c: f64,
    /// ASIC peak, °C.
    pub asic_max_c: f64,
    /// Each engine: the bottom row left to right, the right column bottom to top, the top
    /// row left to right, the left column bottom to top.
    pub engines: Vec<EngineTemperature>,
    /// Hottest engine mean, °C.
    pub engine_mean_max_c: f64,
    /// Heat through the cold plate, W.
    pub heat_out_w: f64,
    /// Heat out through the board to the chassis air, W (negative when the air heats the
    /// package); with `heat_out_w` it equals the power in (energy balance).
    pub board_w: f64,
    /// The cold plate.
    pub cold_plate: ColdPlateResult,
    /// Junction-layer map: cells per side and temperatures row by row from the bottom edge
    /// (`None` between dies).
    pub map_cells: usize,
    /// The map, °C.
    pub junction_map_c: Vec<Option<f64>>,
}

/// A package that cannot be modelled.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PackageError {
    /// Power and inlet histories of different lengths, or empty.
    #[error(
        "the ASIC ({asic}), engine ({engine}) and inlet ({inlet}) histories must have the same, non-zero length"
    )]
    History {
        /// ASIC history length.
        asic: usize,
        /// Engine history length.
        engine: usize,
        /// Inlet history length.
        inlet: usize,
    },
    /// Engines that cannot be placed four-fold around the die.
    #[error(
        "{n_engines} optical engines cannot be placed evenly on four sides; expected a multiple of 4"
    )]
    EngineCount {
        /// The count.
        n_engines: usize,
    },
    /// A grid too coarse for a die: no cell centre falls inside it.
    #[error(
        "thermal.grid_cells = {cells} is too coarse: the {die} ({width_mm:.2} mm wide) holds no cell centre; raise grid_cells or enlarge the die"
    )]
    GridTooCoarse {
        /// Which die.
        die: String,
        /// Its smaller side, mm.
        width_mm: f64,
        /// Cells per side.
        cells: usize,
    },
    /// Flow outside the correlations' validity.
    #[error("thermal.cold_plate: {0}")]
    Correlation(String),
    /// A microchannel plate that cannot be built or solved.
    #[error("thermal.cold_plate (kind = \"microchannel_4rm\"): {0}")]
    Plate(String),
    /// The model failed.
    #[error(transparent)]
    Stack(#[from] StackError),
}

/// Heat transfer of `plate` over a `side_m` square lid carrying `power_w`.
///
/// # Errors
/// [`PackageError::Correlation`] outside the correlations' range.
pub fn cold_plate(
    plate: &ColdPlate,
    side_m: f64,
    power_w: f64,
    inlet_c: f64,
) -> Result<ColdPlateResult, PackageError> {
    let (width, height, wall) = (
        plate.channel_width_mm * 1e-3,
        plate.channel_height_mm * 1e-3,
        plate.wall_thickness_mm * 1e-3,
    );
    let n_channels = (side_m / (width + wall)).floor() as usize;
    if n_channels == 0 {
        return Err(PackageError::Correlation(format!(
            "a {:.1} mm lid holds no {:.2} mm channel with {:.2} mm walls",
            side_m * 1e3,
            plate.channel_width_mm,
            plate.wall_thickness_mm
        )));
    }
    let flow_m3_per_s = plate.flow_l_per_min * 1e-3 / 60.0;
    let velocity = flow_m3_per_s / (n_channels as f64 * width * height);
    let hydraulic_diameter = 2.0 * width * height / (width + height);
    let reynolds =
        plate.coolant_rho_kg_per_m3 * velocity * hydraulic_diameter / plate.coolant_viscosity_pa_s;
    let prandtl =
        plate.coolant_viscosity_pa_s * plate.coolant_cp_j_per_kgk / plate.coolant_k_w_per_mk;
    let mut warnings = Vec::new();
    let (nusselt, correlation) = if plate.kind == HeatSinkKind::AirFins {
        // Teertstra, Yovanovich & Culham: composite of the developing and fully developed
        // parallel-plate limits, with b the fin gap and L the flow length.
        let modified = reynolds * width / hydraulic_diameter * width / side_m;
        if !(0.1..=100.0).contains(&modified) {
            return Err(PackageError::Correlation(format!(
                "modified channel Reynolds number Re_b* = {modified:.3} is outside Teertstra's range 0.1-100"
            )));
        }
        let fully_developed = modified * prandtl / 2.0;
        let developing = 0.664
            * modified.sqrt()
            * prandtl.powf(1.0 / 3.0)
            * (1.0 + 3.65 / modified.sqrt()).sqrt();
        let nusselt_gap = (fully_developed.powi(-3) + developing.powi(-3)).powf(-1.0 / 3.0);
        // Expressed on D_h so that h = Nu k / D_h below holds for both branches.
        (nusselt_gap * hydraulic_diameter / width, "Teertstra-Yovanovich-Culham plate fins (air)")
    } else if reynolds < 2300.0 {
        let alpha = width.min(height) / width.max(height);
        let nusselt = 8.235
            * (1.0 - 2.0421 * alpha + 3.0853 * alpha.powi(2) - 2.4765 * alpha.powi(3)
                + 1.0578 * alpha.powi(4)
                - 0.1861 * alpha.powi(5));
        let entry_m = 0.05 * reynolds * prandtl * hydraulic_diameter;
        if entry_m > 0.1 * side_m {
            warnings.push(format!(
                "thermal entry length {:.1} mm is {:.0} % of the {:.1} mm channel; the fully developed Shah-London Nu underestimates h there (conservative)",
                entry_m * 1e3,
                100.0 * entry_m / side_m,
                side_m * 1e3
            ));
        }
        (nusselt, "Shah-London laminar fully developed H1")
    } else {
        if !(3000.0..=5e6).contains(&reynolds) || prandtl <= 0.5 || prandtl > 2000.0 {
            return Err(PackageError::Correlation(format!(
                "Re = {reynolds:.0}, Pr = {prandtl:.2}: neither laminar (Re < 2300, Shah-London) nor inside Gnielinski's range (3000 <= Re <= 5e6, 0.5 < Pr <= 2000); change the flow or the channels"
            )));
        }
        let friction = (0.79 * reynolds.ln() - 1.64).powi(-2);
        let nusselt = (friction / 8.0) * (reynolds - 1000.0) * prandtl
            / (1.0 + 12.7 * (friction / 8.0).sqrt() * (prandtl.powf(2.0 / 3.0) - 1.0));
        (nusselt, "Gnielinski turbulent (Petukhov friction)")
    };
    let h_channel = nusselt * plate.coolant_k_w_per_mk / hydraulic_diameter;
    let m = (2.0 * h_channel / (plate.plate_k_w_per_mk * wall)).sqrt();
    let fin_efficiency = (m * height).tanh() / (m * height);
    let h_base = h_channel * (width + 2.0 * fin_efficiency * height) / (width + wall);
    let h_effective = 1.0
        / (1.0 / h_base
            + plate.base_thickness_mm * 1e-3 / plate.plate_k_w_per_mk
            + plate.interface_r_k_mm2_per_w * 1e-6);
    let coolant_rise_k =
        power_w / (plate.coolant_rho_kg_per_m3 * flow_m3_per_s * plate.coolant_cp_j_per_kgk);
    Ok(ColdPlateResult {
        model: if plate.kind.is_microchannel() {
            ColdPlateModel::Microchannel4rm
        } else {
            ColdPlateModel::Correlation
        },
        n_channels,
        reynolds,
        prandtl,
        correlation,
        h_channel_w_per_m2k: h_channel,
        fin_efficiency,
        h_effective_w_per_m2k: h_effective,
        coolant_rise_k,
        mean_coolant_c: inlet_c + coolant_rise_k / 2.0,
        warnings,
    })
}

/// The check [`PackageModel::new`] makes on its grid, without building it: every die of
/// `load` (the ASIC and each engine) holds at least one cell centre of a `cells` x `cells`
/// grid over the package.
///
/// # Errors
/// [`PackageError::GridTooCoarse`] naming the first die that holds none.
pub fn check_grid(
    settings: &ThermalSettings,
    load: &PackageLoad,
    cells: usize,
) -> Result<(), PackageError> {
    let side_mm = package_side_mm(settings, load);
    let asic_offset = (side_mm - load.asic_side_mm) / 2.0 * 1e-3;
    let asic = Rect {
        x_m: asic_offset,
        y_m: asic_offset,
        width_m: load.asic_side_mm * 1e-3,
        height_m: load.asic_side_mm * 1e-3,
    };
    let cell_m = side_mm * 1e-3 / cells.max(1) as f64;
    let centres: Vec<f64> = (0..cells).map(|i| (i as f64 + 0.5) * cell_m).collect();
    let dies = std::iter::once(asic).chain(engine_rects(settings, load, side_mm));
    for (index, rect) in dies.enumerate() {
        let holds = centres.iter().any(|&x| centres.iter().any(|&y| rect.contains_point(x, y)));
        if !holds {
            return Err(PackageError::GridTooCoarse {
                die: if index == 0 {
                    "ASIC die".to_string()
                } else {
                    format!("optical engine {index}")
                },
                width_mm: rect.width_m.min(rect.height_m) * 1e3,
                cells,
            });
        }
    }
    Ok(())
}

/// Side of the square package (substrate and lid) of `load`, mm: the engines' inner edge, their
/// depth and the substrate margin on each side of the centre.
#[must_use]
pub fn package_side_mm(settings: &ThermalSettings, load: &PackageLoad) -> f64 {
    2.0 * (engine_inner_mm(settings, load) + settings.engine_depth_mm)
        + 2.0 * settings.substrate_margin_mm
}

/// Distance from the package centre to the engines' inner edge, mm: the gap beyond the die,
/// or half an engine row's length if that is larger, so that the four rows never overlap at
/// the corners.
fn engine_inner_mm(settings: &ThermalSettings, load: &PackageLoad) -> f64 {
    let run = (load.n_engines / 4) as f64 * load.engine_edge_mm;
    (load.asic_side_mm / 2.0 + settings.engine_gap_mm).max(run / 2.0)
}

/// Engine rectangles (m, origin at the substrate's lower-left corner): the bottom row left
/// to right, the right column bottom to top, the top row left to right, the left column
/// bottom to top.
fn engine_rects(settings: &ThermalSettings, load: &PackageLoad, side_mm: f64) -> Vec<Rect> {
    let per_side = load.n_engines / 4;
    let centre = side_mm / 2.0;
    let run = per_side as f64 * load.engine_edge_mm;
    let inner = engine_inner_mm(settings, load);
    let mut rects = Vec::with_capacity(load.n_engines);
    let mm = |value: f64| value * 1e-3;
    for side in 0..4 {
        for index in 0..per_side {
            let along = centre - run / 2.0 + index as f64 * load.engine_edge_mm;
            let (x, y, width, height) = match side {
                0 => (
                    along,
                    centre - inner - settings.engine_depth_mm,
                    load.engine_edge_mm,
                    settings.engine_depth_mm,
                ),
                1 => (centre + inner, along, settings.engine_depth_mm, load.engine_edge_mm),
                2 => (along, centre + inner, load.engine_edge_mm, settings.engine_depth_mm),
                _ => (
                    centre - inner - settings.engine_depth_mm,
                    along,
                    settings.engine_depth_mm,
                    load.engine_edge_mm,
                ),
            };
            rects.push(Rect { x_m: mm(x), y_m: mm(y), width_m: mm(width), height_m: mm(height) });
        }
    }
    rects
}

/// A package discretised and factored once; every load and inlet is then a superposition
/// of two unit responses (1 W in the ASIC, 1 W in every engine), because the network is
/// linear and the cold plate's h does not depend on the power.
pub struct PackageModel {
    side_mm: f64,
    engines: Vec<Rect>,
    dies: Vec<Rect>,
    model: Model,
    /// Rise per W of ASIC power and per W of power in every engine, K.
    response_asic: Vec<f64>,
    response_engines: Vec<f64>,
    /// Rise per K of board air above the coolant, K/K.
    response_board: Vec<f64>,
    /// Each node's conductance to the board air (the underside), W/K.
    board_w_per_k: Vec<f64>,
    /// The nodes with a conductance to the coolant or the board air (every other node's
    /// heat flow term is exactly 0).
    exchange_nodes: Vec<usize>,
    settings: ThermalSettings,
    /// The junction nodes of the ASIC and of each engine, in `region_stats` order.
    asic_nodes: Vec<usize>,
    engine_nodes: Vec<Vec<usize>>,
    /// The factored steady state (the reduced model's Krylov blocks solve with it).
    solver: SteadySolver,
    /// Reduced models kept by [`PackageModel::prepare_history`], by step (bits) and inputs.
    reduced: Vec<(u64, Varying, Reduced)>,
    /// With a microchannel plate: the fluid fields the lid sees ([`crate::channel_plate`]).
    fluid: Option<FluidFields>,
}

/// The virtual fluid temperature above the inlet on every node's plate conductance (0 off
/// the lid's top), K, per W in the ASIC, per W in every engine and per K of board air above
/// the inlet; the responses of [`PackageModel`] are then rises above the inlet.
struct FluidFields {
    asic: Vec<f64>,
    engines: Vec<f64>,
    board: Vec<f64>,
    /// The plate's effective coefficient on the lid (interface, base and walls to the mean
    /// coolant under a uniform flux), W/(m² K).
    h_effective_w_per_m2k: f64,
    /// $\rho c_p Q$, W/K.
    capacity_flow_w_per_k: f64,
}

/// GMRES iterations of the plate coupling before giving up.
const COUPLING_MAX_ITERATIONS: usize = 120;
/// The coupling stops when the fixed point's residual is below this fraction of its
/// right-hand side.
const COUPLING_TOLERANCE: f64 = 1e-12;

/// The package coupled to a 3D-ICE plate for one unit input `rhs` (see
/// [`crate::channel_plate`]): the rise above the inlet of every node and the virtual fluid
/// field, per node. The fixed point $x = F(x) = Mx + c$ on the top cells' fluid field is
/// affine, so it is solved as $(I - M)x = c$ by GMRES (deterministic, no restart).
fn couple(
    model: &Model,
    solver: &SteadySolver,
    plate: &ChannelPlate,
    top: &[usize],
    rhs: &[f64],
    cell_area_m2: f64,
) -> Result<(Vec<f64>, Vec<f64>), PackageError> {
    let g = model.network().ambient_conductances();
    let n_nodes = g.len();
    let solve = |input: &[f64], field: &[f64]| -> Result<Vec<f64>, PackageError> {
        let mut input = input.to_vec();
        for (&node, value) in top.iter().zip(field) {
            input[node] += g[node] * value;
        }
        Ok(solver.solve(&input).map_err(StackError::from)?)
    };
    // F(x) for the input `input` (the affine map's constant part with `rhs`, its linear part
    // with zeros).
    let map = |input: &[f64], field: &[f64]| -> Result<Vec<f64>, PackageError> {
        let theta = solve(input, field)?;
        let heat: Vec<f64> =
            top.iter().zip(field).map(|(&node, value)| g[node] * (theta[node] - value)).collect();
        let solution = plate.solve(&heat).map_err(|e| PackageError::Plate(e.0))?;
        Ok(solution
            .base_rise_k
            .iter()
            .zip(&heat)
            .map(|(base, q)| base - plate.local_r_m2k_per_w * q / cell_area_m2)
            .collect())
    };
    let zeros = vec![0.0; n_nodes];
    let n = top.len();
    let c = map(rhs, &vec![0.0; n])?;
    let operator = |x: &[f64]| -> Result<Vec<f64>, PackageError> {
        let mx = map(&zeros, x)?;
        Ok(x.iter().zip(&mx).map(|(x, m)| x - m).collect())
    };
    let x = gmres(operator, &c, COUPLING_TOLERANCE, COUPLING_MAX_ITERATIONS)?;
    let mut fluid = vec![0.0; n_nodes];
    for (&node, value) in top.iter().zip(&x) {
        fluid[node] = *value;
    }
    Ok((solve(rhs, &x)?, fluid))
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// GMRES from a zero start (Arnoldi with modified Gram-Schmidt, Givens rotations) until
/// the residual is below `tolerance` times $\|b\|$.
fn gmres(
    operator: impl Fn(&[f64]) -> Result<Vec<f64>, PackageError>,
    b: &[f64],
    tolerance: f64,
    max_iterations: usize,
) -> Result<Vec<f64>, PackageError> {
    let norm_b = dot(b, b).sqrt();
    if norm_b == 0.0 {
        return Ok(vec![0.0; b.len()]);
    }
    let mut basis: Vec<Vec<f64>> = vec![b.iter().map(|v| v / norm_b).collect()];
    let mut hessenberg: Vec<Vec<f64>> = Vec::new();
    let (mut cosines, mut sines): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut residuals = vec![norm_b];
    for k in 0..max_iterations {
        let mut w = operator(&basis[k])?;
        let mut column = vec![0.0; k + 2];
        for (i, v) in basis.iter().enumerate() {
            column[i] = dot(&w, v);
            for (w, v) in w.iter_mut().zip(v) {
                *w -= column[i] * v;
            }
        }
        column[k + 1] = dot(&w, &w).sqrt();
        for i in 0..k {
            let (c, s) = (cosines[i], sines[i]);
            let (a, b) = (column[i], column[i + 1]);
            column[i] = c * a + s * b;
            column[i + 1] = -s * a + c * b;
        }
        let radius = column[k].hypot(column[k + 1]);
        let (c, s) = (column[k] / radius, column[k + 1] / radius);
        let next = column[k + 1];
        column[k] = radius;
        column[k + 1] = 0.0;
        cosines.push(c);
        sines.push(s);
        residuals.push(-s * residuals[k]);
        residuals[k] *= c;
        hessenberg.push(column);
        if residuals[k + 1].abs() <= tolerance * norm_b || next == 0.0 {
            // Back substitution on the triangle, then the combination of the basis.
            let m = k + 1;
            let mut y = vec![0.0; m];
            for i in (0..m).rev() {
                let mut sum = residuals[i];
                for j in i + 1..m {
                    sum -= hessenberg[j][i] * y[j];
                }
                y[i] = sum / hessenberg[i][i];
            }
            let mut x = vec![0.0; b.len()];
            for (v, coefficient) in basis.iter().zip(&y) {
                for (x, v) in x.iter_mut().zip(v) {
                    *x += coefficient * v;
                }
            }
            return Ok(x);
        }
        basis.push(w.iter().map(|v| v / next).collect());
    }
    Err(PackageError::Plate(format!(
        "the plate and the package did not converge in {max_iterations} GMRES iterations"
    )))
}

impl PackageModel {
    /// Builds and factors the package for `geometry` (its powers are not used).
    ///
    /// # Errors
    /// [`PackageError`] for an unplaceable engine count, a flow outside the correlations or
    /// a model failure.
    pub fn new(
        settings: &ThermalSettings,
        geometry: &PackageLoad,
    ) -> Result<PackageModel, PackageError> {
        if geometry.n_engines == 0 || geometry.n_engines % 4 != 0 {
            return Err(PackageError::EngineCount { n_engines: geometry.n_engines });
        }
        let side_mm = package_side_mm(settings, geometry);
        let side_m = side_mm * 1e-3;
        // h does not depend on power or inlet; evaluate the correlation once.
        let plate = cold_plate(&settings.cold_plate, side_m, 0.0, 0.0)?;
        let channel_plate = if settings.cold_plate.kind.is_microchannel() {
            Some(
                ChannelPlate::new(
                    &settings.cold_plate,
                    side_m,
                    settings.grid_cells,
                    plate.h_channel_w_per_m2k,
                    settings.lid_rho_c_j_per_m3k,
                )
                .map_err(|e| PackageError::Plate(e.0))?,
            )
        } else {
            None
        };
        let interface_m2k_per_w = settings.cold_plate.interface_r_k_mm2_per_w * 1e-6;

        let footprint = Rect { x_m: 0.0, y_m: 0.0, width_m: side_m, height_m: side_m };
        let asic_offset = (side_mm - geometry.asic_side_mm) / 2.0 * 1e-3;
        let asic = Rect {
            x_m: asic_offset,
            y_m: asic_offset,
            width_m: geometry.asic_side_mm * 1e-3,
            height_m: geometry.asic_side_mm * 1e-3,
        };
        let engines = engine_rects(settings, geometry, side_mm);
        let silicon = Material {
            k_w_per_mk: settings.silicon_k_w_per_mk,
            rho_c_j_per_m3k: settings.silicon_rho_c_j_per_m3k,
        };
        let gap =
            Material { k_w_per_mk: settings.gap_k_w_per_mk, rho_c_j_per_m3k: GAP_RHO_C_J_PER_M3K };
        let tim =
            Material { k_w_per_mk: settings.tim_k_w_per_mk, rho_c_j_per_m3k: TIM_RHO_C_J_PER_M3K };
        let dies: Vec<Rect> = std::iter::once(asic).chain(engines.iter().copied()).collect();
        let slab = |name: &str,
                    thickness_mm: f64,
                    n_sublayers: usize,
                    material: Material,
                    regions: Vec<(Rect, Material)>| {
            Layer {
                name: name.to_string(),
                thickness_m: thickness_mm * 1e-3,
                n_sublayers,
                material,
                footprint,
                regions,
            }
        };
        let lid = Material {
            k_w_per_mk: settings.lid_k_w_per_mk,
            rho_c_j_per_m3k: settings.lid_rho_c_j_per_m3k,
        };
        let substrate = Material {
            k_w_per_mk: settings.substrate_k_w_per_mk,
            rho_c_j_per_m3k: settings.substrate_rho_c_j_per_m3k,
        };
        // Top first; the die layer is DIE_LAYER.
        let layers = vec![
            slab("lid", settings.lid_thickness_mm, 2, lid, Vec::new()),
            slab(
                "tim",
                settings.tim_thickness_mm,
                1,
                gap,
                dies.iter().map(|rect| (*rect, tim)).collect(),
            ),
            slab(
                "dies",
                settings.die_thickness_mm,
                2,
                gap,
                dies.iter().map(|rect| (*rect, silicon)).collect(),
            ),
            slab(
                "substrate",
                settings.substrate_thickness_mm,
                SUBSTRATE_SUBLAYERS,
                substrate,
                Vec::new(),
            ),
        ];
        // Unit sources: the ASIC at 1 W, each engine at 1 W.
        let sources: Vec<Source> = std::iter::once(Source {
            name: "asic".to_string(),
            layer: DIE_LAYER,
            rect: asic,
            power_w: 1.0,
        })
        .chain(engines.iter().enumerate().map(|(index, rect)| Source {
            name: format!("engine {index}"),
            layer: DIE_LAYER,
            rect: *rect,
            power_w: 1.0,
        }))
        .collect();
        let board = &settings.board;
        let board_h_w_per_m2k = 1.0
            / (board.solder_thickness_mm * 1e-3 / board.solder_k_w_per_mk
                + board.pcb_thickness_mm * 1e-3 / board.pcb_k_w_per_mk
                + board.air_r_k_per_w * side_m * side_m);
        let boundaries = Boundaries {
            top_h_w_per_m2k: match &channel_plate {
                Some(channels) => 1.0 / (interface_m2k_per_w + channels.local_r_m2k_per_w),
                None => plate.h_effective_w_per_m2k,
            },
            bottom_h_w_per_m2k: board_h_w_per_m2k,
            fluid_temp_c: 0.0,
        };
        let model =
            Model::new(layers, &sources, boundaries, settings.grid_cells, settings.grid_cells)?;
        // Every die must hold at least one cell centre, or its temperature is undefined.
        let zeros = vec![0.0; model.network().n_nodes()];
        for (index, rect) in dies.iter().enumerate() {
            if model.region_stats(&zeros, DIE_LAYER, JUNCTION_SUBLAYER, rect).is_none() {
                return Err(PackageError::GridTooCoarse {
                    die: if index == 0 {
                        "ASIC die".to_string()
                    } else {
                        format!("optical engine {index}")
                    },
                    width_mm: rect.width_m.min(rect.height_m) * 1e3,
                    cells: settings.grid_cells,
                });
            }
        }
        let solver = model.network().steady_solver().map_err(StackError::from)?;
        let asic_weights: Vec<f64> =
            std::iter::once(1.0).chain(engines.iter().map(|_| 0.0)).collect();
        let engine_weights: Vec<f64> =
            std::iter::once(0.0).chain(engines.iter().map(|_| 1.0)).collect();
        // The underside: the substrate's bottom sublayer.
        let ambient = model.network().ambient_conductances();
        let mut board_w_per_k = vec![0.0; ambient.len()];
        let substrate = SUBSTRATE_LAYER;
        for j in 0..settings.grid_cells {
            for i in 0..settings.grid_cells {
                if let Some(node) = model.node(substrate, SUBSTRATE_SUBLAYERS - 1, i, j) {
                    board_w_per_k[node] = ambient[node];
                }
            }
        }
        let inputs = [model.weighted_power(&asic_weights), model.weighted_power(&engine_weights)];
        let (response_asic, response_engines, response_board, fluid) = match &channel_plate {
            None => (
                solver.solve(&inputs[0]).map_err(StackError::from)?,
                solver.solve(&inputs[1]).map_err(StackError::from)?,
                solver.solve(&board_w_per_k).map_err(StackError::from)?,
                None,
            ),
            Some(channels) => {
                let cells = settings.grid_cells;
                let top: Vec<usize> = (0..cells * cells)
                    .map(|cell| {
                        model.node(0, 0, cell % cells, cell / cells).ok_or_else(|| {
                            PackageError::Plate("the lid does not cover the package".into())
                        })
                    })
                    .collect::<Result<_, _>>()?;
                let cell_area_m2 = (side_m / cells as f64).powi(2);
                let run = |rhs: &[f64]| couple(&model, &solver, channels, &top, rhs, cell_area_m2);
                let (asic, fluid_asic) = run(&inputs[0])?;
                let (engines, fluid_engines) = run(&inputs[1])?;
                let (board, fluid_board) = run(&board_w_per_k)?;
                // The plate's own resistance, base to mean coolant, under a uniform flux.
                let uniform = channels
                    .solve(&vec![1.0 / (cells * cells) as f64; cells * cells])
                    .map_err(|e| PackageError::Plate(e.0))?;
                let mean_base =
                    uniform.base_rise_k.iter().sum::<f64>() / uniform.base_rise_k.len() as f64;
                let plate_m2k_per_w = (mean_base - uniform.mean_coolant_rise_k) * side_m * side_m;
                (
                    asic,
                    engines,
                    board,
                    Some(FluidFields {
                        asic: fluid_asic,
                        engines: fluid_engines,
                        board: fluid_board,
                        h_effective_w_per_m2k: 1.0 / (interface_m2k_per_w + plate_m2k_per_w),
                        capacity_flow_w_per_k: channels.capacity_flow_w_per_k,
                    }),
                )
            }
        };
        let exchange_nodes = (0..ambient.len())
            .filter(|&node| ambient[node] != 0.0 || board_w_per_k[node] != 0.0)
            .collect();
        let junction_nodes = |rect: &Rect| model.region_nodes(DIE_LAYER, JUNCTION_SUBLAYER, rect);
        let asic_nodes = junction_nodes(&asic);
        let engine_nodes = engines.iter().map(junction_nodes).collect();
        Ok(PackageModel {
            side_mm,
            engines,
            dies,
            model,
            response_asic,
            response_engines,
            response_board,
            board_w_per_k,
            exchange_nodes,
            settings: settings.clone(),
            asic_nodes,
            engine_nodes,
            solver,
            reduced: Vec::new(),
            fluid,
        })
    }

    /// Mean and peak junction temperature over a die's junction `nodes` (as
    /// `region_stats`, in its order). Never empty: `new` checked that every die holds a
    /// cell centre.
    fn junction_stats(temperatures: &[f64], nodes: &[usize]) -> (f64, f64) {
        let mut sum = 0.0;
        let mut max = f64::NEG_INFINITY;
        for &node in nodes {
            sum += temperatures[node];
            max = max.max(temperatures[node]);
        }
        (sum / nodes.len() as f64, max)
    }

    /// The package at ASIC power `asic_w`, `engine_w` in each engine, coolant inlet `inlet_c`.
    ///
    /// # Errors
    /// [`PackageError::Correlation`] outside the cold plate correlations' range.
    pub fn evaluate(
        &self,
        asic_w: f64,
        engine_w: f64,
        inlet_c: f64,
    ) -> Result<PackageResult, PackageError> {
        let power_w = asic_w + engine_w * self.engines.len() as f64;
        let side_m = self.side_mm * 1e-3;
        let mut plate = cold_plate(&self.settings.cold_plate, side_m, power_w, inlet_c)?;
        // The correlation's responses are rises above the mean coolant, the plate's above
        // the inlet (its fluid fields carry the coolant's warming).
        let reference_c = if self.fluid.is_some() { inlet_c } else { plate.mean_coolant_c };
        let air_above_coolant_k = self.settings.board.air_temp_c - reference_c;
        let fluid_c = |node: usize| match &self.fluid {
            None => reference_c,
            Some(fluid) => {
                reference_c
                    + asic_w * fluid.asic[node]
                    + engine_w * fluid.engines[node]
                    + air_above_coolant_k * fluid.board[node]
            }
        };
        // Only the nodes read below are evaluated (the same expression for each as for all).
        let temperature = |node: usize| {
            reference_c
                + asic_w * self.response_asic[node]
                + engine_w * self.response_engines[node]
                + air_above_coolant_k * self.response_board[node]
        };
        let stats = |nodes: &[usize]| {
            let mut sum = 0.0;
            let mut max = f64::NEG_INFINITY;
            for &node in nodes {
                let t = temperature(node);
                sum += t;
                max = max.max(t);
            }
            (sum / nodes.len() as f64, max)
        };
        let (asic_mean_c, asic_max_c) = stats(&self.asic_nodes);
        let engines: Vec<EngineTemperature> = self
            .engine_nodes
            .iter()
            .map(|nodes| {
                let (mean_c, max_c) = stats(nodes);
                EngineTemperature { mean_c, max_c }
            })
            .collect();
        let ambient = self.model.network().ambient_conductances();
        let (mut heat_out_w, mut board_w) = (0.0, 0.0);
        for &node in &self.exchange_nodes {
            let (t, conductance, board) =
                (temperature(node), ambient[node], self.board_w_per_k[node]);
            heat_out_w += (conductance - board) * (t - fluid_c(node));
            board_w += board * (t - self.settings.board.air_temp_c);
        }
        if let Some(fluid) = &self.fluid {
            // Energy balance: the coolant carries what leaves through the plate.
            plate.coolant_rise_k = heat_out_w / fluid.capacity_flow_w_per_k;
            plate.mean_coolant_c = inlet_c + plate.coolant_rise_k / 2.0;
            plate.h_effective_w_per_m2k = fluid.h_effective_w_per_m2k;
        }
        let cells = self.settings.grid_cells;
        let cell_m = side_m / cells as f64;
        let junction_map_c = (0..cells * cells)
            .map(|cell| {
                let (i, j) = (cell % cells, cell / cells);
                let (x, y) = ((i as f64 + 0.5) * cell_m, (j as f64 + 0.5) * cell_m);
                if self.dies.iter().any(|rect| rect.contains_point(x, y)) {
                    self.model.node(DIE_LAYER, JUNCTION_SUBLAYER, i, j).map(temperature)
                } else {
                    None
                }
            })
            .collect();
        Ok(PackageResult {
            substrate_side_mm: self.side_mm,
            inlet_c,
            asic_mean_c,
            asic_max_c,
            engine_mean_max_c: engines
                .iter()
                .map(|engine| engine.mean_c)
                .fold(f64::NEG_INFINITY, f64::max),
            engines,
            heat_out_w,
            board_w,
            cold_plate: plate,
            map_cells: cells,
            junction_map_c,
        })
    }
}

/// Junction temperatures over a power history.
#[derive(Debug, Clone, Serialize)]
pub struct PackageHistory {
    /// Time of each sample, s.
    pub time_s: Vec<f64>,
    /// ASIC peak junction temperature, °C.
    pub asic_max_c: Vec<f64>,
    /// Hottest engine's mean junction temperature, °C.
    pub engine_mean_max_c: Vec<f64>,
}

/// Input patterns (W per node per unit input) and their steady responses (K per unit).
type InputPatterns = (Vec<Vec<f64>>, Vec<Vec<f64>>);

/// Which inputs of a package history change over time (the others hold their first value
/// throughout): a reduced model needs only those.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Varying {
    /// The ASIC power.
    pub asic: bool,
    /// The engines' power.
    pub engines: bool,
    /// The coolant inlet temperature.
    pub inlet: bool,
}

impl Varying {
    /// Every input may change.
    pub const ALL: Varying = Varying { asic: true, engines: true, inlet: true };

    /// The inputs that change in these histories.
    #[must_use]
    pub fn of(asic_w: &[f64], engine_w: &[f64], inlet_c: &[f64]) -> Varying {
        let changes = |series: &[f64]| series.iter().any(|value| (value - series[0]).abs() > 0.0);
        Varying { asic: changes(asic_w), engines: changes(engine_w), inlet: changes(inlet_c) }
    }

    /// Whether a model for `self` serves histories in which `other` change.
    #[must_use]
    pub fn covers(&self, other: &Varying) -> bool {
        (self.asic || !other.asic)
            && (self.engines || !other.engines)
            && (self.inlet || !other.inlet)
    }

    fn flags(self) -> [bool; 3] {
        [self.asic, self.engines, self.inlet]
    }
}

impl PackageModel {
    /// Builds the reduced model of the package's transients for histories sampled every
    /// `step_s` in which the inputs `varying` change, once, and keeps it, so that every
    /// later [`PackageModel::history`] at that step with no other input changing (from any
    /// thread) only runs the small model. The histories are identical with or without it.
    ///
    /// # Errors
    /// [`PackageError`] if the projection fails.
    pub fn prepare_history(&mut self, step_s: f64, varying: Varying) -> Result<(), PackageError> {
        if self.reduced_for(step_s, varying).is_none() {
            let reduced = self.build_reduced(step_s, varying)?;
            self.reduced.push((step_s.to_bits(), varying, reduced));
        }
        Ok(())
    }

    /// A reduced model kept for `step_s` that serves histories in which `varying` change,
    /// if [`PackageModel::prepare_history`] built one, with the inputs it was built for.
    #[must_use]
    pub fn reduced_for(&self, step_s: f64, varying: Varying) -> Option<(Varying, &Reduced)> {
        self.reduced
            .iter()
            .find(|(bits, built, _)| *bits == step_s.to_bits() && built.covers(&varying))
            .map(|(_, built, reduced)| (*built, reduced))
    }

    /// The transient's input patterns among 1 W more in the ASIC, 1 W more in every engine
    /// and a 1 K warmer inlet (those `varying`), each with the coolant's response: the
    /// coolant the lid sees warms by half the energy-balance rise of the extra power,
    /// $1/(2\rho Q c_p)$ K per W, entering through the cold plate's conductances; and
    /// their steady responses $G^{-1}b$, known from the unit responses without a solve
    /// (a uniform 1 K rise of every node balances a 1 K warmer coolant and board air
    /// together, $G\mathbf{1}$ = the ambient conductances, so the coolant alone gives
    /// $\mathbf{1}$ minus the board air's response).
    fn transient_inputs(&self, varying: Varying) -> Result<InputPatterns, PackageError> {
        let n_dies = self.engines.len() + 1;
        let weights = |first: f64, rest: f64| -> Vec<f64> {
            (0..n_dies).map(|die| if die == 0 { first } else { rest }).collect()
        };
        let coolant: Vec<f64> = self
            .model
            .network()
            .ambient_conductances()
            .iter()
            .zip(&self.board_w_per_k)
            .map(|(conductance, board)| conductance - board)
            .collect();
        let coolant_response: Vec<f64> = self.response_board.iter().map(|air| 1.0 - air).collect();
        if let Some(fluid) = &self.fluid {
            // The plate's fluid fields per unit input enter through the plate conductances;
            // a 1 K warmer inlet lowers the board air above it by 1 K.
            let through_plate = |field: &[f64], base: Vec<f64>, sign: f64| -> Vec<f64> {
                base.iter().zip(field).zip(&coolant).map(|((p, f), g)| p + g * sign * f).collect()
            };
            let candidates = [
                (
                    through_plate(&fluid.asic, self.model.weighted_power(&weights(1.0, 0.0)), 1.0),
                    self.response_asic.clone(),
                ),
                (
                    through_plate(
                        &fluid.engines,
                        self.model.weighted_power(&weights(0.0, 1.0)),
                        1.0,
                    ),
                    self.response_engines.clone(),
                ),
                (through_plate(&fluid.board, coolant.clone(), -1.0), coolant_response),
            ];
            return Ok(candidates
                .into_iter()
                .zip(varying.flags())
                .filter(|(_, used)| *used)
                .map(|(pair, _)| pair)
                .unzip());
        }
        let k_per_w = cold_plate(&self.settings.cold_plate, self.side_mm * 1e-3, 1.0, 0.0)?
            .coolant_rise_k
            / 2.0;
        let with_coolant = |power: Vec<f64>, response: &[f64], coolant_k: f64| {
            let input = power.iter().zip(&coolant).map(|(p, g)| p + coolant_k * g).collect();
            let steady =
                response.iter().zip(&coolant_response).map(|(r, c)| r + coolant_k * c).collect();
            (input, steady)
        };
        let candidates = [
            with_coolant(
                self.model.weighted_power(&weights(1.0, 0.0)),
                &self.response_asic,
                k_per_w,
            ),
            with_coolant(
                self.model.weighted_power(&weights(0.0, 1.0)),
                &self.response_engines,
                k_per_w * self.engines.len() as f64,
            ),
            (coolant.clone(), coolant_response.clone()),
        ];
        Ok(candidates
            .into_iter()
            .zip(varying.flags())
            .filter(|(_, used)| *used)
            .map(|(pair, _)| pair)
            .unzip())
    }

    /// The junction nodes the histories observe: the ASIC's, then each engine's.
    fn observed_nodes(&self) -> Vec<usize> {
        self.asic_nodes.iter().chain(self.engine_nodes.iter().flatten()).copied().collect()
    }

    /// The reduced model for histories sampled every `step_s` with inputs `varying`: Krylov
    /// blocks of the steady factor alone when they converge within `STEADY_ROUNDS` rounds
    /// (steps long against the package's fast time constants), else of the steady factor
    /// and the backward-Euler step's factor together (one more factorization; see
    /// [`crate::reduced`]).
    fn build_reduced(&self, step_s: f64, varying: Varying) -> Result<Reduced, PackageError> {
        let (inputs, steady_block) = self.transient_inputs(varying)?;
        let observed = self.observed_nodes();
        let network = self.model.network();
        let convergence = Convergence {
            resolution_s: step_s,
            tolerance: REDUCED_TOLERANCE,
            max_rounds: REDUCED_MAX_ROUNDS,
        };
        let mut builder = Builder::new(network, &inputs, &observed, convergence)
            .map_err(StackError::from)?
            .with_steady_block(steady_block);
        // The steady factor's rounds converge geometrically when the step is long against
        // the modes they have not resolved yet; once a round no longer halves the change,
        // the step's own factor joins.
        let mut last_change = f64::INFINITY;
        for round in 1..=STEADY_ROUNDS {
            let steady = builder.run(&[&self.solver], round).map_err(StackError::from)?;
            if steady.converged() {
                return Ok(steady);
            }
            if round >= 3 && steady.last_change() > 0.5 * last_change {
                break;
            }
            last_change = steady.last_change();
        }
        let step = network
            .step_factor(step_s, crate::network::TimeScheme::BackwardEuler)
            .map_err(StackError::from)?;
        Ok(builder.run(&[&self.solver, &step], REDUCED_MAX_ROUNDS).map_err(StackError::from)?)
    }

    /// Checks the histories and returns the mean coolant temperature of each step.
    fn coolant_history(
        &self,
        asic_w: &[f64],
        engine_w: &[f64],
        inlet_c: &[f64],
    ) -> Result<Vec<f64>, PackageError> {
        if asic_w.len() != engine_w.len() || asic_w.len() != inlet_c.len() || asic_w.is_empty() {
            return Err(PackageError::History {
                asic: asic_w.len(),
                engine: engine_w.len(),
                inlet: inlet_c.len(),
            });
        }
        if self.fluid.is_some() {
            // The plate's responses are rises above the inlet.
            return Ok(inlet_c.to_vec());
        }
        let n_engines = self.engines.len() as f64;
        (0..asic_w.len())
            .map(|index| {
                let power_w = asic_w[index] + engine_w[index] * n_engines;
                Ok(cold_plate(
                    &self.settings.cold_plate,
                    self.side_mm * 1e-3,
                    power_w,
                    inlet_c[index],
                )?
                .mean_coolant_c)
            })
            .collect()
    }

    /// Steady rise above the coolant `reference_c` at ASIC power `asic_w` and `engine_w` per
    /// engine, with the board air at its setting.
    fn steady_rise(&self, asic_w: f64, engine_w: f64, reference_c: f64) -> Vec<f64> {
        let air_k = self.settings.board.air_temp_c - reference_c;
        self.response_asic
            .iter()
            .zip(&self.response_engines)
            .zip(&self.response_board)
            .map(|((per_asic, per_engine), per_air)| {
                asic_w * per_asic + engine_w * per_engine + air_k * per_air
            })
            .collect()
    }

    /// History of the package under power histories `asic_w` and `engine_w` and a coolant
    /// inlet history `inlet_c` (one value per step of `step_s`, held over the step), from
    /// the steady state of the first values; samples at the end of each step.
    ///
    /// The coolant is a time-varying boundary: with $T_c(t)$ the mean coolant temperature
    /// (inlet plus half the energy-balance rise of the current power; the coolant's own heat
    /// capacity is neglected) and $T_0 = T_c(0)$, the rise $\theta = T - T_0$ obeys
    /// $C\dot\theta + G\theta = P + g_a\,(T_c(t) - T_0)$, so an inlet swing reaches the dies
    /// through the package's thermal mass rather than instantly.
    ///
    /// The history is integrated exactly in time on the package's reduced-order model
    /// ([`crate::reduced`]: a Krylov projection converged to `REDUCED_TOLERANCE` of the
    /// steady responses), so the step only sets where the history is sampled and how long
    /// the inputs are held; [`PackageModel::history_backward_euler`] is the full network
    /// stepped by backward Euler, the reference the tests check this against.
    ///
    /// # Errors
    /// [`PackageError`] if the correlations or the projection fail, or the histories differ
    /// in length.
    pub fn history(
        &self,
        asic_w: &[f64],
        engine_w: &[f64],
        inlet_c: &[f64],
        step_s: f64,
    ) -> Result<PackageHistory, PackageError> {
        self.history_reduced(asic_w, engine_w, inlet_c, step_s, Scheme::Exact)
    }

    /// [`PackageModel::history`] on the reduced model with the given time scheme
    /// ([`Scheme::BackwardEuler`] reproduces [`PackageModel::history_backward_euler`] up to
    /// the projection error).
    ///
    /// # Errors
    /// As [`PackageModel::history`].
    pub fn history_reduced(
        &self,
        asic_w: &[f64],
        engine_w: &[f64],
        inlet_c: &[f64],
        step_s: f64,
        scheme: Scheme,
    ) -> Result<PackageHistory, PackageError> {
        let coolant_c = self.coolant_history(asic_w, engine_w, inlet_c)?;
        let needed = Varying::of(asic_w, engine_w, inlet_c);
        let reference_c = coolant_c[0];
        let observed = self.observed_nodes();
        let initial = self.steady_rise(asic_w[0], engine_w[0], reference_c);
        let start: Vec<f64> = observed.iter().map(|&node| initial[node] + reference_c).collect();
        let mut history = PackageHistory {
            time_s: Vec::with_capacity(asic_w.len()),
            asic_max_c: Vec::with_capacity(asic_w.len()),
            engine_mean_max_c: Vec::with_capacity(asic_w.len()),
        };
        if needed.flags().iter().all(|changes| !changes) {
            // Held inputs: the package stays at its steady state.
            for index in 0..asic_w.len() {
                self.record(&mut history, (index + 1) as f64 * step_s, &start, true);
            }
            return Ok(history);
        }
        let built;
        let (varying, reduced) = match self.reduced_for(step_s, needed) {
            Some(kept) => kept,
            None => {
                built = self.build_reduced(step_s, needed)?;
                (needed, &built)
            }
        };
        let mut temperatures = vec![0.0; observed.len()];
        reduced.history(
            scheme,
            step_s,
            asic_w.len(),
            |index, inputs| {
                let changes = [
                    asic_w[index] - asic_w[0],
                    engine_w[index] - engine_w[0],
                    inlet_c[index] - inlet_c[0],
                ];
                let used = changes.into_iter().zip(varying.flags()).filter(|(_, used)| *used);
                for (input, (change, _)) in inputs.iter_mut().zip(used) {
                    *input = change;
                }
            },
            |index, rises| {
                for ((temperature, start), rise) in temperatures.iter_mut().zip(&start).zip(rises) {
                    *temperature = start + rise;
                }
                self.record(&mut history, (index + 1) as f64 * step_s, &temperatures, true);
            },
        );
        Ok(history)
    }

    /// Appends one sample: `temperatures` are the observed nodes' (`compact`) or every
    /// node's.
    fn record(
        &self,
        history: &mut PackageHistory,
        time_s: f64,
        temperatures: &[f64],
        compact: bool,
    ) {
        let mut offset = 0;
        let mut stats = |nodes: &[usize]| {
            if compact {
                let range: Vec<usize> = (offset..offset + nodes.len()).collect();
                offset += nodes.len();
                PackageModel::junction_stats(temperatures, &range)
            } else {
                PackageModel::junction_stats(temperatures, nodes)
            }
        };
        history.time_s.push(time_s);
        history.asic_max_c.push(stats(&self.asic_nodes).1);
        let mut hottest = f64::NEG_INFINITY;
        for nodes in &self.engine_nodes {
            hottest = hottest.max(stats(nodes).0);
        }
        history.engine_mean_max_c.push(hottest);
    }

    /// [`PackageModel::history`] on the full network by backward Euler (first order in the
    /// step; factors the step's matrix on each call): the reference for the reduced model.
    ///
    /// # Errors
    /// As [`PackageModel::history`].
    pub fn history_backward_euler(
        &self,
        asic_w: &[f64],
        engine_w: &[f64],
        inlet_c: &[f64],
        step_s: f64,
    ) -> Result<PackageHistory, PackageError> {
        let coolant_c = self.coolant_history(asic_w, engine_w, inlet_c)?;
        let stepper = self.model.stepper(step_s, crate::network::TimeScheme::BackwardEuler)?;
        let reference_c = coolant_c[0];
        let air_k = self.settings.board.air_temp_c - reference_c;
        let mut rise = self.steady_rise(asic_w[0], engine_w[0], reference_c);
        let ambient_w_per_k = self.model.network().ambient_conductances();
        let n_dies = self.engines.len() + 1;
        let mut history = PackageHistory {
            time_s: Vec::new(),
            asic_max_c: Vec::new(),
            engine_mean_max_c: Vec::new(),
        };
        for index in 0..asic_w.len() {
            let offset_k = coolant_c[index] - reference_c;
            let weights: Vec<f64> = (0..n_dies)
                .map(|die| if die == 0 { asic_w[index] } else { engine_w[index] })
                .collect();
            let mut power = self.model.weighted_power(&weights);
            for (node, ((watts, conductance), board)) in
                power.iter_mut().zip(ambient_w_per_k).zip(&self.board_w_per_k).enumerate()
            {
                // The plate's fluid field above the inlet, relative to the reference.
                let fluid_k = self.fluid.as_ref().map_or(0.0, |fluid| {
                    asic_w[index] * fluid.asic[node]
                        + engine_w[index] * fluid.engines[node]
                        + (self.settings.board.air_temp_c - inlet_c[index]) * fluid.board[node]
                });
                *watts += (conductance - board) * (offset_k + fluid_k) + board * air_k;
            }
            stepper.step(&mut rise, &power, &power).map_err(StackError::from)?;
            let temperatures: Vec<f64> = rise.iter().map(|theta| theta + reference_c).collect();
            self.record(&mut history, (index + 1) as f64 * step_s, &temperatures, false);
        }
        Ok(history)
    }
}

/// Solves the package of `load` at coolant inlet `inlet_c` (builds and factors it first).
///
/// # Errors
/// [`PackageError`] as [`PackageModel::new`] and [`PackageModel::evaluate`].
pub fn solve(
    settings: &ThermalSettings,
    load: &PackageLoad,
    inlet_c: f64,
) -> Result<PackageResult, PackageError> {
    PackageModel::new(settings, load)?.evaluate(load.asic_w, load.engine_w, inlet_c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ThermalSettings {
        cporamp_core::load_default().unwrap().thermal
    }

    fn load() -> PackageLoad {
        PackageLoad {
            asic_w: 470.0,
            engine_w: 25.0,
            n_engines: 16,
            engine_edge_mm: 15.0,
            asic_side_mm: 30.0,
        }
    }

    #[test]
    fn cold_plate_correlation_matches_shah_london_and_energy_balance() {
        let plate = settings().cold_plate;
        let result = cold_plate(&plate, 0.06, 1000.0, 30.0).unwrap();
        // 300 x 1500 µm: alpha = 0.2, Nu = 5.738 (Shah & London table: 5.74 at aspect 0.2);
        // D_h = 0.5 mm, h = 5.738 x 0.62 / 0.5e-3 = 7115 W/(m² K) ([PCM Gap 3]: ~7e3).
        assert!(result.reynolds < 2300.0, "laminar at these flows: Re {}", result.reynolds);
        assert!(
            (result.h_channel_w_per_m2k - 7115.0).abs() < 10.0,
            "{}",
            result.h_channel_w_per_m2k
        );
        // Energy balance: 1000 W into 2 L/min of water warms it by P / (rho Q cp) = 7.22 K.
        let expected_rise = 1000.0 / (994.0 * 2.0e-3 / 60.0 * 4178.0);
        assert!((result.coolant_rise_k - expected_rise).abs() < 1e-9);
        assert!((result.mean_coolant_c - (30.0 + expected_rise / 2.0)).abs() < 1e-9);
    }

    fn air_sink(flow_l_per_min: f64) -> ColdPlate {
        // Air at ~35 °C (property tables), 2 mm fin gaps, 30 mm fins, 0.8 mm fins.
        ColdPlate {
            kind: HeatSinkKind::AirFins,
            flow_l_per_min,
            channel_width_mm: 2.0,
            channel_height_mm: 30.0,
            wall_thickness_mm: 0.8,
            coolant_k_w_per_mk: 0.0265,
            coolant_rho_kg_per_m3: 1.146,
            coolant_cp_j_per_kgk: 1007.0,
            coolant_viscosity_pa_s: 1.89e-5,
            ..settings().cold_plate
        }
    }

    #[test]
    fn air_fins_follow_teertstra_and_reach_the_fully_developed_limit() {
        // At small Re_b* the composite tends to the fully developed parallel-plate limit
        // Nu_b = Re_b* Pr / 2, i.e. h = (Re_b* Pr / 2) k / b.
        let sink = air_sink(4.0);
        let side_m = 0.08;
        let result = cold_plate(&sink, side_m, 500.0, 30.0).unwrap();
        let n_channels = (side_m / 2.8e-3).floor();
        let velocity = 4e-3 / 60.0 / (n_channels * 2e-3 * 30e-3);
        let modified = velocity * 2e-3 * 1.146 / 1.89e-5 * 2e-3 / side_m;
        assert!(modified < 0.2, "the check needs a small Re_b*, got {modified}");
        let prandtl = 1.89e-5 * 1007.0 / 0.0265;
        let limit = modified * prandtl / 2.0 * 0.0265 / 2e-3;
        assert!(
            (result.h_channel_w_per_m2k - limit).abs() < 0.01 * limit,
            "{} vs {limit}",
            result.h_channel_w_per_m2k
        );
        // Energy balance of the air: ΔT = P / (ρ Q c_p).
        assert!((result.coolant_rise_k - 500.0 / (1.146 * 4e-3 / 60.0 * 1007.0)).abs() < 1e-9);
        // Far outside the correlation's range is an error, not an extrapolation.
        let error = cold_plate(&air_sink(1e6), side_m, 500.0, 30.0).unwrap_err();
        assert!(error.to_string().contains("outside Teertstra's range"), "{error}");
    }

    /// Square-wave histories like the pipeline's: `n` steps, busy for the first half of
    /// every `period` steps; the cycling kind also swings the engines and the inlet.
    fn square_wave(n: usize, period: usize, cycling: bool) -> [Vec<f64>; 3] {
        let busy = |index: usize| index % period < period / 2;
        let asic = (0..n).map(|k| if busy(k) { 470.0 } else { 188.0 }).collect();
        let engine = (0..n).map(|k| if busy(k) || !cycling { 25.0 } else { 10.0 }).collect();
        let inlet = (0..n).map(|k| if busy(k) && cycling { 37.0 } else { 35.0 }).collect();
        [asic, engine, inlet]
    }

    fn worst(a: &[f64], b: &[f64]) -> f64 {
        a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f64::max)
    }

    /// The full network's backward-Euler history at `step_s / refine`, sampled at the coarse
    /// steps' ends (each input held over its coarse step).
    fn refined(
        model: &PackageModel,
        [asic, engine, inlet]: &[Vec<f64>; 3],
        step_s: f64,
        refine: usize,
    ) -> PackageHistory {
        let fine = |series: &Vec<f64>| -> Vec<f64> {
            series.iter().flat_map(|value| std::iter::repeat_n(*value, refine)).collect()
        };
        let history = model
            .history_backward_euler(
                &fine(asic),
                &fine(engine),
                &fine(inlet),
                step_s / refine as f64,
            )
            .unwrap();
        let every =
            |series: &[f64]| series.iter().skip(refine - 1).step_by(refine).copied().collect();
        PackageHistory {
            time_s: every(&history.time_s),
            asic_max_c: every(&history.asic_max_c),
            engine_mean_max_c: every(&history.engine_mean_max_c),
        }
    }

    #[test]
    fn the_reduced_transient_matches_the_full_network_and_converges_in_time() {
        // A 16-cell grid (fast in debug builds) under the pipeline's two transients: cycling
        // (15 s steps, 40 per period, engines and inlet swinging too) and the photonics drift
        // (10 ms steps, 100 per period, ASIC only); a period and a half each.
        let mut settings = settings();
        settings.grid_cells = 16;
        let model = PackageModel::new(&settings, &load()).unwrap();
        for (step_s, period, cycling) in [(15.0, 40, true), (0.01, 100, false)] {
            let inputs = square_wave(period + period / 2, period, cycling);
            let [asic, engine, inlet] = &inputs;
            let exact = model.history(asic, engine, inlet, step_s).unwrap();
            let both = |a: &PackageHistory, b: &PackageHistory| {
                worst(&a.asic_max_c, &b.asic_max_c)
                    .max(worst(&a.engine_mean_max_c, &b.engine_mean_max_c))
            };
            // 1. Projection error alone: the reduced model stepped by backward Euler against
            // the full network stepped by backward Euler. The projection stops once a round
            // moves the unit step responses by < 1e-4 of the steady rise (~25 K here, so a
            // few mK); the error left is of that order.
            let reduced_euler =
                model.history_reduced(asic, engine, inlet, step_s, Scheme::BackwardEuler).unwrap();
            let euler = model.history_backward_euler(asic, engine, inlet, step_s).unwrap();
            let projection = both(&euler, &reduced_euler);
            assert!(projection < 5e-3, "{step_s} s: projection error {projection} K");
            // 2. Time error: backward Euler at step/k converges to the exact history at first
            // order (halving the step halves the error; were the exact history off by d, the
            // errors would stall at d instead), and Richardson's extrapolation from the two
            // finest, 2 BE(h/2k) - BE(h/k), second order, lands closer to it than its finer
            // input does. The old backward-Euler history at the step itself is off by tenths of a
            // kelvin at the switching edges.
            // (The drift's finer steps are already in the asymptotic range at 4 and 8.)
            let refinements = if cycling { [1, 8, 16] } else { [1, 4, 8] };
            let fine: Vec<PackageHistory> = refinements
                .into_iter()
                .map(|refine| refined(&model, &inputs, step_s, refine))
                .collect();
            let errors: Vec<f64> = fine.iter().map(|history| both(history, &exact)).collect();
            let richardson = |a: &[f64], b: &[f64]| -> Vec<f64> {
                a.iter().zip(b).map(|(coarse, fine)| 2.0 * fine - coarse).collect()
            };
            let extrapolated = PackageHistory {
                time_s: exact.time_s.clone(),
                asic_max_c: richardson(&fine[1].asic_max_c, &fine[2].asic_max_c),
                engine_mean_max_c: richardson(
                    &fine[1].engine_mean_max_c,
                    &fine[2].engine_mean_max_c,
                ),
            };
            let remainder = both(&extrapolated, &exact);
            assert!(
                errors[0] > 0.1,
                "{step_s} s: backward Euler at the step is off by {}",
                errors[0]
            );
            let order = (errors[1] / errors[2]).log2();
            assert!(order > 0.9 && order < 2.5, "{step_s} s: observed order {order}");
            assert!(
                remainder < 0.5 * errors[2] && remainder < 0.01,
                "{step_s} s: extrapolated history off by {remainder} K (finest backward Euler: {})",
                errors[2]
            );
            // 3. The reported statistics of the last period: the swings (max - min) of the
            // ASIC peak (the cycling range, the drift sensor) and of the hottest engine (the
            // ring and an on-engine laser) meet the extrapolated reference's to within twice
            // its pointwise remainder (a difference of two samples).
            let last = |series: &[f64]| {
                let tail = &series[series.len() - period..];
                let top = tail.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                top - tail.iter().copied().fold(f64::INFINITY, f64::min)
            };
            for (name, exact_swing, reference_swing) in [
                ("ASIC", last(&exact.asic_max_c), last(&extrapolated.asic_max_c)),
                ("engine", last(&exact.engine_mean_max_c), last(&extrapolated.engine_mean_max_c)),
            ] {
                assert!(
                    (exact_swing - reference_swing).abs() <= 2.0 * remainder + 1e-12,
                    "{step_s} s: {name} swing {exact_swing} K vs {reference_swing} K"
                );
            }
        }
    }

    #[test]
    fn a_model_kept_for_some_inputs_serves_the_histories_that_vary_only_those() {
        let mut settings = settings();
        settings.grid_cells = 16;
        let mut model = PackageModel::new(&settings, &load()).unwrap();
        let asic_only = Varying { asic: true, engines: false, inlet: false };
        model.prepare_history(0.01, asic_only).unwrap();
        assert!(model.reduced_for(0.01, asic_only).is_some());
        assert!(model.reduced_for(0.01, Varying::ALL).is_none());
        assert!(model.reduced_for(0.02, asic_only).is_none());
        // The drift workload (ASIC only) on the kept one-input model and on a three-input
        // model built for a history that varies everything: the same temperatures to within
        // the projections' tolerance (each a few mK at most).
        let [asic, engine, inlet] = square_wave(150, 100, false);
        assert_eq!(Varying::of(&asic, &engine, &inlet), asic_only);
        let kept = model.history(&asic, &engine, &inlet, 0.01).unwrap();
        model.prepare_history(0.01, Varying::ALL).unwrap();
        let (varying, _) = model.reduced_for(0.01, asic_only).unwrap();
        assert_eq!(varying, asic_only, "the first model that serves a history is used");
        let mut all = PackageModel::new(&settings, &load()).unwrap();
        all.prepare_history(0.01, Varying::ALL).unwrap();
        let general = all.history(&asic, &engine, &inlet, 0.01).unwrap();
        let difference = worst(&kept.asic_max_c, &general.asic_max_c)
            .max(worst(&kept.engine_mean_max_c, &general.engine_mean_max_c));
        assert!(difference < 5e-3, "{difference} K");
        // A history that moves the inlet too is not served by the ASIC-only model.
        let [asic, engine, inlet] = square_wave(150, 100, true);
        assert_eq!(Varying::of(&asic, &engine, &inlet), Varying::ALL);
        assert!(Varying::ALL.covers(&asic_only) && !asic_only.covers(&Varying::ALL));
    }

    fn microchannel(grid_cells: usize, flow_l_per_min: f64) -> ThermalSettings {
        let mut settings = settings();
        settings.grid_cells = grid_cells;
        settings.cold_plate.kind = HeatSinkKind::Microchannel4rm;
        settings.cold_plate.flow_l_per_min = flow_l_per_min;
        settings
    }

    #[test]
    fn the_microchannel_plate_conserves_energy_and_warms_the_outlet_side() {
        let settings = microchannel(32, 2.0);
        let model = PackageModel::new(&settings, &load()).unwrap();
        let result = model.evaluate(470.0, 25.0, 35.0).unwrap();
        assert_eq!(result.cold_plate.model, ColdPlateModel::Microchannel4rm);
        let power = 470.0 + 16.0 * 25.0;
        let out_w = result.heat_out_w + result.board_w;
        assert!(((out_w - power) / power).abs() < 1e-9, "{out_w} W out");
        // Flow along +y: the bottom row (engines 0-3) meets the inlet, the top row (8-11)
        // the outlet; the side columns climb from one to the other; mirror images in x match.
        let mean = |range: std::ops::Range<usize>| {
            result.engines[range.clone()].iter().map(|e| e.mean_c).sum::<f64>() / range.len() as f64
        };
        assert!(mean(8..12) > mean(4..8) && mean(4..8) > mean(0..4));
        for (a, b) in [(0, 3), (1, 2), (8, 11), (4, 12), (7, 15)] {
            assert!((result.engines[a].mean_c - result.engines[b].mean_c).abs() < 1e-6);
        }
        // The coolant rise is the energy balance's, and a uniform inlet change moves every
        // temperature by the same amount but for the board path (as with the correlation).
        let rise = result.heat_out_w
            / (settings.cold_plate.coolant_rho_kg_per_m3
                * settings.cold_plate.coolant_cp_j_per_kgk
                * settings.cold_plate.flow_l_per_min
                * 1e-3
                / 60.0);
        assert!((result.cold_plate.coolant_rise_k - rise).abs() < 1e-12 * rise);
        let warmer = model.evaluate(470.0, 25.0, 40.0).unwrap();
        let moved = warmer.asic_max_c - result.asic_max_c;
        assert!(moved < 5.0 && moved > 4.99, "{moved}");
    }

    #[test]
    fn more_flow_cools_the_engines_by_the_coolant_rise_it_removes() {
        // Laminar and fully developed, h = Nu k / D_h does not depend on the flow: doubling
        // it changes only the coolant's warming, Delta T = P/(rho c_p Q). The engines stand
        // four-fold symmetrically around the centre, so their mean sees the mean coolant
        // temperature, inlet + Delta T/2: it drops by P/(2 rho c_p) (1/Q1 - 1/Q2). But the
        // channels do not mix: those under the side columns of engines never pass the ASIC
        // and warm far less than the mean, so the engines' mean drops ~6 % less than the
        // closed form (16 to 48 cells alike: not a grid effect); the tolerance is 10 %.
        let load = load();
        let run = |flow: f64| {
            let model = PackageModel::new(&microchannel(24, flow), &load).unwrap();
            model.evaluate(470.0, 25.0, 35.0).unwrap()
        };
        let (slow, fast) = (run(2.0), run(4.0));
        let plate = &settings().cold_plate;
        let capacity = |flow: f64| {
            plate.coolant_rho_kg_per_m3 * plate.coolant_cp_j_per_kgk * flow * 1e-3 / 60.0
        };
        let expected =
            slow.heat_out_w / (2.0 * capacity(2.0)) - fast.heat_out_w / (2.0 * capacity(4.0));
        let mean = |r: &PackageResult| r.engines.iter().map(|e| e.mean_c).sum::<f64>() / 16.0;
        let dropped = mean(&slow) - mean(&fast);
        assert!(dropped > 0.0, "more flow warmed the engines by {}", -dropped);
        assert!(
            ((dropped - expected) / expected).abs() < 0.1,
            "engines cooled by {dropped} K; the closed form says {expected} K"
        );
        // The outlet row gains most, the inlet row least.
        let row = |r: &PackageResult, first: usize| {
            r.engines[first..first + 4].iter().map(|e| e.mean_c).sum::<f64>() / 4.0
        };
        assert!(row(&slow, 8) - row(&fast, 8) > dropped && row(&slow, 0) - row(&fast, 0) < dropped);
    }

    #[test]
    fn the_microchannel_package_relaxes_to_its_steady_states() {
        let settings = microchannel(16, 2.0);
        let model = PackageModel::new(&settings, &load()).unwrap();
        let before = model.evaluate(400.0, 20.0, 35.0).unwrap();
        let after = model.evaluate(470.0, 25.0, 40.0).unwrap();
        let n = 301;
        let step = |low: f64, high: f64| -> Vec<f64> {
            std::iter::once(low).chain(std::iter::repeat_n(high, n - 1)).collect()
        };
        let (asic, engine, inlet) = (step(400.0, 470.0), step(20.0, 25.0), step(35.0, 40.0));
        let history = model.history(&asic, &engine, &inlet, 10.0).unwrap();
        assert!((history.asic_max_c[0] - before.asic_max_c).abs() < 1e-9);
        assert!((history.asic_max_c[n - 1] - after.asic_max_c).abs() < 1e-6);
        assert!((history.engine_mean_max_c[n - 1] - after.engine_mean_max_c).abs() < 1e-6);
        // The reduced model against the full network by backward Euler (first steps).
        let euler =
            model.history_backward_euler(&asic[..40], &engine[..40], &inlet[..40], 10.0).unwrap();
        let reduced = model
            .history_reduced(&asic[..40], &engine[..40], &inlet[..40], 10.0, Scheme::BackwardEuler)
            .unwrap();
        assert!(worst(&euler.asic_max_c, &reduced.asic_max_c) < 5e-3);
        assert!(worst(&euler.engine_mean_max_c, &reduced.engine_mean_max_c) < 5e-3);
    }

    #[test]
    fn package_conserves_energy_and_puts_the_asic_hottest() {
        let result = solve(&settings(), &load(), 35.0).unwrap();
        let power = 470.0 + 16.0 * 25.0;
        let out_w = result.heat_out_w + result.board_w;
        assert!(((out_w - power) / power).abs() < 1e-9, "{out_w} W out");
        assert_eq!(result.engines.len(), 16);
        assert!(
            result.asic_max_c > result.engine_mean_max_c
                && result.engine_mean_max_c > result.cold_plate.mean_coolant_c
        );
        // Symmetry: the layout is four-fold symmetric, so every side's engines match.
        let first = result.engines[0].mean_c;
        assert!(
            (result.engines[4].mean_c - first).abs() < 1e-6
                && (result.engines[12].mean_c - first).abs() < 1e-6
        );
    }

    #[test]
    fn a_held_load_stays_at_its_steady_state_and_a_step_relaxes_to_the_new_one() {
        let settings = settings();
        let model = PackageModel::new(&settings, &load()).unwrap();
        let steady_low = model.evaluate(200.0, 10.0, 35.0).unwrap();
        let steady_high = model.evaluate(470.0, 25.0, 35.0).unwrap();
        let held = model.history(&[200.0; 5], &[10.0; 5], &[35.0; 5], 1.0).unwrap();
        assert!((held.asic_max_c[4] - steady_low.asic_max_c).abs() < 1e-6);
        // 2000 s at full load: far beyond the package's time constants (tens of seconds).
        let asic: Vec<f64> =
            std::iter::once(200.0).chain(std::iter::repeat_n(470.0, 200)).collect();
        let engine: Vec<f64> =
            std::iter::once(10.0).chain(std::iter::repeat_n(25.0, 200)).collect();
        let stepped = model.history(&asic, &engine, &[35.0; 201], 10.0).unwrap();
        assert!((stepped.asic_max_c[200] - steady_high.asic_max_c).abs() < 1e-3);
        assert!((stepped.engine_mean_max_c[200] - steady_high.engine_mean_max_c).abs() < 1e-3);
        // Monotonic approach after the step (backward Euler does not overshoot a step).
        for pair in stepped.asic_max_c[1..].windows(2) {
            assert!(pair[1] >= pair[0] - 1e-9);
        }
    }

    #[test]
    fn an_inlet_step_reaches_the_dies_through_the_package_thermal_mass() {
        // Held power, inlet 35 -> 40 °C: the end state is the steady state at 40 °C, the
        // first step less. Every temperature moves by the inlet change but for the board
        // path's share (the board air stays put; its 50 K/W is ~2500 times the plate's).
        let settings = settings();
        let model = PackageModel::new(&settings, &load()).unwrap();
        let n = 301;
        let inlet: Vec<f64> =
            std::iter::once(35.0).chain(std::iter::repeat_n(40.0, n - 1)).collect();
        let history = model.history(&vec![400.0; n], &vec![20.0; n], &inlet, 10.0).unwrap();
        let before = model.evaluate(400.0, 20.0, 35.0).unwrap();
        let after = model.evaluate(400.0, 20.0, 40.0).unwrap();
        let moved = after.asic_max_c - before.asic_max_c;
        assert!(moved < 5.0 && moved > 4.99, "{moved}");
        assert!((history.asic_max_c[0] - before.asic_max_c).abs() < 1e-9);
        assert!((history.asic_max_c[n - 1] - after.asic_max_c).abs() < 1e-6);
        let first_rise = history.asic_max_c[1] - before.asic_max_c;
        assert!(first_rise > 0.0 && first_rise < 5.0, "{first_rise}");
        let error = model.history(&[1.0; 3], &[1.0; 3], &[35.0; 2], 1.0).unwrap_err();
        assert!(error.to_string().contains("inlet (2)"), "{error}");
    }

    #[test]
    fn the_board_path_carries_what_its_series_resistance_allows() {
        // No power, board air 10 K above the coolant: the heat entering from the air leaves
        // through the cold plate, and it is 10 K over the series resistance of the board,
        // t_s/(k_s A) + t_p/(k_p A) + R_air, plus the package and the plate. The package's
        // die and TIM layers mix silicon/TIM with gap filler, so its 1-D resistance lies
        // between the stack with the best and the worst material in those layers.
        let mut settings = settings();
        let model = PackageModel::new(&settings, &load()).unwrap();
        let coolant = model.evaluate(0.0, 0.0, 35.0).unwrap().cold_plate.mean_coolant_c;
        settings.board.air_temp_c = coolant + 10.0;
        let model = PackageModel::new(&settings, &load()).unwrap();
        let result = model.evaluate(0.0, 0.0, 35.0).unwrap();
        assert!((result.heat_out_w + result.board_w).abs() < 1e-9 * result.heat_out_w.abs());
        let board = &settings.board;
        let area = (result.substrate_side_mm * 1e-3).powi(2);
        let r = |thickness_mm: f64, k: f64| thickness_mm * 1e-3 / (k * area);
        let series = r(board.solder_thickness_mm, board.solder_k_w_per_mk)
            + r(board.pcb_thickness_mm, board.pcb_k_w_per_mk)
            + board.air_r_k_per_w
            + r(settings.lid_thickness_mm, settings.lid_k_w_per_mk)
            + r(settings.substrate_thickness_mm, settings.substrate_k_w_per_mk)
            + 1.0 / (result.cold_plate.h_effective_w_per_m2k * area);
        let best = series
            + r(settings.tim_thickness_mm, settings.tim_k_w_per_mk)
            + r(settings.die_thickness_mm, settings.silicon_k_w_per_mk);
        let worst = series
            + r(settings.tim_thickness_mm, settings.gap_k_w_per_mk)
            + r(settings.die_thickness_mm, settings.gap_k_w_per_mk);
        let flow = -result.board_w;
        assert!(
            flow < 10.0 / best && flow > 10.0 / worst,
            "{flow} W outside [{}, {}]",
            10.0 / worst,
            10.0 / best
        );
        // The dies sit between coolant and air, close to the coolant.
        assert!(result.asic_mean_c > coolant && result.asic_mean_c < coolant + 0.01);
    }

    #[test]
    fn dies_never_overlap_and_a_too_coarse_grid_is_a_named_error() {
        let settings = settings();
        for (n_engines, asic_side_mm) in [(8, 24.0), (16, 30.0), (16, 10.0), (4, 40.0)] {
            let geometry = PackageLoad { n_engines, asic_side_mm, ..load() };
            let model = PackageModel::new(&settings, &geometry).unwrap();
            for (index, a) in model.dies.iter().enumerate() {
                for b in &model.dies[..index] {
                    assert!(
                        a.overlap_m2(b) <= 1e-15,
                        "{n_engines} engines: dies {a:?} and {b:?} overlap"
                    );
                }
            }
        }
        let mut coarse = settings.clone();
        coarse.grid_cells = 8;
        let tiny = PackageLoad { asic_side_mm: 1.0, ..load() };
        let error = PackageModel::new(&coarse, &tiny).err().unwrap();
        assert!(
            error.to_string().contains("ASIC die (1.00 mm wide) holds no cell centre"),
            "{error}"
        );
    }

    #[test]
    fn the_default_grid_is_converged_for_engine_temperatures() {
        let mut fine = settings();
        let coarse = solve(&fine, &load(), 35.0).unwrap();
        fine.grid_cells *= 2;
        let fine = solve(&fine, &load(), 35.0).unwrap();
        let worst = coarse
            .engines
            .iter()
            .zip(&fine.engines)
            .map(|(a, b)| (a.mean_c - b.mean_c).abs())
            .fold(0.0, f64::max);
        assert!(worst < 0.3, "engine temperatures move {worst} K when the grid is doubled");
        // The ASIC mean moves more: its die edges fall between cells (staircase), ~1 K at 64.
        assert!(
            (coarse.asic_mean_c - fine.asic_mean_c).abs() < 1.0,
            "ASIC {} vs {}",
            coarse.asic_mean_c,
            fine.asic_mean_c
        );
    }
}
