//! The package's network: layers, sources, the board path and the cold plate's boundary,
//! built and factored once, with its unit responses.
//!
//! # Secondary path
//! The substrate's underside loses heat through the solder balls, the board and the board's
//! convection to the chassis air at $T_\text{air}$, in series over the package footprint
//! $A$ (HotSpot's secondary-path constants; the board's lateral spreading is neglected):
//! $h_\text{board} = 1/(t_s/k_s + t_p/k_p + R_\text{air} A)$, with $R_\text{air}$ the
//! whole board's convection resistance (HotSpot's `r_convec_sec`). By superposition the
//! temperatures are $T_c + P_\text{ASIC} r_a + P_\text{eng} r_e + (T_\text{air} - T_c) r_b$,
//! $r_b$ the response to a unit air-to-coolant difference.

use super::coupling::couple;
use super::geometry::engine_rects;
use super::{
    DIE_LAYER, FluidFields, JUNCTION_SUBLAYER, PackageError, PackageGeometry, PackageModel,
    SUBSTRATE_LAYER, SUBSTRATE_SUBLAYERS, cold_plate, package_side_mm,
};
use crate::channel_plate::ChannelPlate;
use crate::native::{Boundaries, Layer, Material, Model, Rect, Source, StackError};
use crate::network::SteadySolver;
use crate::settings::ThermalSettings;

/// Volumetric heat capacity of the TIM1 bond line, J/(m³ K): HotSpot's example
/// `-p_interface 4.0e6` (its `example2/example.config`, vendored in `tests/data/hotspot`).
const TIM_RHO_C_J_PER_M3K: f64 = 4.0e6;
/// Volumetric heat capacity of the underfill or mould between dies, J/(m³ K).
/// Assumption: filled epoxy, ~1800 kg/m³ x ~850 J/(kg K).
const GAP_RHO_C_J_PER_M3K: f64 = 1.5e6;

impl PackageModel {
    /// Builds and factors the package for `geometry` (its powers are not used).
    ///
    /// # Errors
    /// [`PackageError`] for an unplaceable engine count, a flow outside the correlations or
    /// a model failure.
    pub fn new(
        settings: &ThermalSettings,
        geometry: &PackageGeometry,
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
                    settings.lid_rho_c_j_per_m3k.0,
                )
                .map_err(|e| PackageError::Plate(e.0))?,
            )
        } else {
            None
        };
        let interface_m2k_per_w = settings.cold_plate.interface_r_k_mm2_per_w.0 * 1e-6;

        let footprint = Rect { x_m: 0.0, y_m: 0.0, width_m: side_m, height_m: side_m };
        let asic_offset = (side_mm - geometry.asic_side_mm.0) / 2.0 * 1e-3;
        let asic = Rect {
            x_m: asic_offset,
            y_m: asic_offset,
            width_m: geometry.asic_side_mm.0 * 1e-3,
            height_m: geometry.asic_side_mm.0 * 1e-3,
        };
        let engines = engine_rects(settings, geometry, side_mm);
        let dies: Vec<Rect> = std::iter::once(asic).chain(engines.iter().copied()).collect();
        let layers = package_layers(settings, footprint, &dies);
        let sources = unit_sources(asic, &engines);
        let board = &settings.board;
        let board_h_w_per_m2k = 1.0
            / (board.solder_thickness_mm.0 * 1e-3 / board.solder_k_w_per_mk.0
                + board.pcb_thickness_mm.0 * 1e-3 / board.pcb_k_w_per_mk.0
                + board.air_r_k_per_w.0 * side_m * side_m);
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
        check_dies(&model, &dies, settings.grid_cells)?;
        let solver = model.network().steady_solver().map_err(StackError::from)?;
        let asic_weights: Vec<f64> =
            std::iter::once(1.0).chain(engines.iter().map(|_| 0.0)).collect();
        let engine_weights: Vec<f64> =
            std::iter::once(0.0).chain(engines.iter().map(|_| 1.0)).collect();
        let ambient = model.network().ambient_conductances();
        // The underside: the substrate's bottom sublayer.
        let board_w_per_k = board_conductances(&model, settings.grid_cells);
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
                let rhs = [inputs[0].as_slice(), inputs[1].as_slice(), board_w_per_k.as_slice()];
                let (asic, engines, board, fluid) = plate_responses(
                    &model,
                    &solver,
                    channels,
                    cells,
                    side_m,
                    rhs,
                    interface_m2k_per_w,
                )?;
                (asic, engines, board, Some(fluid))
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
}

/// The package stack, top first (lid, TIM, dies, substrate; the die layer is `DIE_LAYER`),
/// over `footprint`, with silicon and TIM under `dies`.
fn package_layers(settings: &ThermalSettings, footprint: Rect, dies: &[Rect]) -> Vec<Layer> {
    let silicon = Material {
        k_w_per_mk: settings.silicon_k_w_per_mk.0,
        rho_c_j_per_m3k: settings.silicon_rho_c_j_per_m3k.0,
    };
    let gap =
        Material { k_w_per_mk: settings.gap_k_w_per_mk.0, rho_c_j_per_m3k: GAP_RHO_C_J_PER_M3K };
    let tim =
        Material { k_w_per_mk: settings.tim_k_w_per_mk.0, rho_c_j_per_m3k: TIM_RHO_C_J_PER_M3K };
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
        k_w_per_mk: settings.lid_k_w_per_mk.0,
        rho_c_j_per_m3k: settings.lid_rho_c_j_per_m3k.0,
    };
    let substrate = Material {
        k_w_per_mk: settings.substrate_k_w_per_mk.0,
        rho_c_j_per_m3k: settings.substrate_rho_c_j_per_m3k.0,
    };
    // Top first; the die layer is DIE_LAYER.
    vec![
        slab("lid", settings.lid_thickness_mm.0, 2, lid, Vec::new()),
        slab(
            "tim",
            settings.tim_thickness_mm.0,
            1,
            gap,
            dies.iter().map(|rect| (*rect, tim)).collect(),
        ),
        slab(
            "dies",
            settings.die_thickness_mm.0,
            2,
            gap,
            dies.iter().map(|rect| (*rect, silicon)).collect(),
        ),
        slab(
            "substrate",
            settings.substrate_thickness_mm.0,
            SUBSTRATE_SUBLAYERS,
            substrate,
            Vec::new(),
        ),
    ]
}

/// Unit sources: the ASIC at 1 W, each engine at 1 W.
fn unit_sources(asic: Rect, engines: &[Rect]) -> Vec<Source> {
    std::iter::once(Source { name: "asic".to_string(), layer: DIE_LAYER, rect: asic, power_w: 1.0 })
        .chain(engines.iter().enumerate().map(|(index, rect)| Source {
            name: format!("engine {index}"),
            layer: DIE_LAYER,
            rect: *rect,
            power_w: 1.0,
        }))
        .collect()
}

/// The responses per W in the ASIC, per W in every engine and per K of board air, and the
/// fluid fields.
type PlateResponses = (Vec<f64>, Vec<f64>, Vec<f64>, FluidFields);

/// The unit responses with a microchannel plate: each unit input (`inputs`: 1 W in the ASIC,
/// 1 W in every engine, the board air 1 K above the inlet) coupled to the plate, and the
/// fluid fields the lid sees.
fn plate_responses(
    model: &Model,
    solver: &SteadySolver,
    channels: &ChannelPlate,
    cells: usize,
    side_m: f64,
    inputs: [&[f64]; 3],
    interface_m2k_per_w: f64,
) -> Result<PlateResponses, PackageError> {
    let top: Vec<usize> = (0..cells * cells)
        .map(|cell| {
            model
                .node(0, 0, cell % cells, cell / cells)
                .ok_or_else(|| PackageError::Plate("the lid does not cover the package".into()))
        })
        .collect::<Result<_, _>>()?;
    let cell_area_m2 = (side_m / cells as f64).powi(2);
    let run = |rhs: &[f64]| couple(model, solver, channels, &top, rhs, cell_area_m2);
    let (asic, fluid_asic) = run(inputs[0])?;
    let (engines, fluid_engines) = run(inputs[1])?;
    let (board, fluid_board) = run(inputs[2])?;
    // The plate's own resistance, base to mean coolant, under a uniform flux.
    let uniform = channels
        .solve(&vec![1.0 / (cells * cells) as f64; cells * cells])
        .map_err(|e| PackageError::Plate(e.0))?;
    let mean_base = uniform.base_rise_k.iter().sum::<f64>() / uniform.base_rise_k.len() as f64;
    let plate_m2k_per_w = (mean_base - uniform.mean_coolant_rise_k) * side_m * side_m;
    Ok((
        asic,
        engines,
        board,
        FluidFields {
            asic: fluid_asic,
            engines: fluid_engines,
            board: fluid_board,
            h_effective_w_per_m2k: 1.0 / (interface_m2k_per_w + plate_m2k_per_w),
            capacity_flow_w_per_k: channels.capacity_flow_w_per_k,
        },
    ))
}

/// Every die must hold at least one cell centre, or its temperature is undefined.
fn check_dies(model: &Model, dies: &[Rect], cells: usize) -> Result<(), PackageError> {
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
                cells,
            });
        }
    }
    Ok(())
}

/// Each node's conductance to the board air: the ambient conductance of the substrate's
/// bottom sublayer (the underside), 0 elsewhere, W/K.
fn board_conductances(model: &Model, cells: usize) -> Vec<f64> {
    let ambient = model.network().ambient_conductances();
    let mut board_w_per_k = vec![0.0; ambient.len()];
    let substrate = SUBSTRATE_LAYER;
    for j in 0..cells {
        for i in 0..cells {
            if let Some(node) = model.node(substrate, SUBSTRATE_SUBLAYERS - 1, i, j) {
                board_w_per_k[node] = ambient[node];
            }
        }
    }
    board_w_per_k
}
