//! The package's layout: its geometry, side, engine placement and the grid check.
//!
//! # Layout
//! The ASIC die (side $a$) sits at the centre of the substrate; $N$ optical engines (width
//! $w_e$ along the package edge, depth $d_e$) stand at least $g$ from its edges, $N/4$ per side,
//! centred, at a distance $r = \max(a/2 + g,\ N w_e / 8)$ from the centre so that the rows
//! never overlap at the corners. The substrate side is $2(r + d_e) + 2m$. Layers from the
//! top: copper lid (whole substrate), TIM1 under the dies (gap filler elsewhere), the die
//! layer (silicon dies in gap filler), the substrate. Sources fill their die's volume
//! (flip-chip dies: the reported junction temperature is the die's bottom cell row).

use super::PackageError;
use crate::native::Rect;
use crate::settings::ThermalSettings;
use cporamp_core::units::Millimetres;

/// The dies of one switch package: its engines around the ASIC (a model is built once per
/// geometry and evaluated at any power, [`PackageModel::evaluate`](super::PackageModel::evaluate)).
#[derive(Debug, Clone, Copy)]
pub struct PackageGeometry {
    /// Number of engines (a multiple of 4).
    pub n_engines: usize,
    /// Engine width along the package edge.
    pub engine_edge_mm: Millimetres,
    /// ASIC die side.
    pub asic_side_mm: Millimetres,
}

/// The check [`PackageModel::new`](super::PackageModel::new) makes on its grid, without
/// building it: every die of `load` (the ASIC and each engine) holds at least one cell centre
/// of a `cells` x `cells` grid over the package.
///
/// # Errors
/// [`PackageError::GridTooCoarse`] naming the first die that holds none.
pub fn check_grid(
    settings: &ThermalSettings,
    load: &PackageGeometry,
    cells: usize,
) -> Result<(), PackageError> {
    let side_mm = package_side_mm(settings, load);
    let asic_offset = (side_mm - load.asic_side_mm.0) / 2.0 * 1e-3;
    let asic = Rect {
        x_m: asic_offset,
        y_m: asic_offset,
        width_m: load.asic_side_mm.0 * 1e-3,
        height_m: load.asic_side_mm.0 * 1e-3,
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
pub fn package_side_mm(settings: &ThermalSettings, load: &PackageGeometry) -> f64 {
    2.0 * (engine_inner_mm(settings, load) + settings.engine_depth_mm.0)
        + 2.0 * settings.substrate_margin_mm.0
}

/// Distance from the package centre to the engines' inner edge, mm: the gap beyond the die,
/// or half an engine row's length if that is larger, so that the four rows never overlap at
/// the corners.
fn engine_inner_mm(settings: &ThermalSettings, load: &PackageGeometry) -> f64 {
    let run = (load.n_engines / 4) as f64 * load.engine_edge_mm.0;
    (load.asic_side_mm.0 / 2.0 + settings.engine_gap_mm.0).max(run / 2.0)
}

/// Engine rectangles (m, origin at the substrate's lower-left corner): the bottom row left
/// to right, the right column bottom to top, the top row left to right, the left column
/// bottom to top.
pub(super) fn engine_rects(
    settings: &ThermalSettings,
    load: &PackageGeometry,
    side_mm: f64,
) -> Vec<Rect> {
    let per_side = load.n_engines / 4;
    let centre = side_mm / 2.0;
    let run = per_side as f64 * load.engine_edge_mm.0;
    let inner = engine_inner_mm(settings, load);
    let mut rects = Vec::with_capacity(load.n_engines);
    let mm = |value: f64| value * 1e-3;
    for side in 0..4 {
        for index in 0..per_side {
            let along = centre - run / 2.0 + index as f64 * load.engine_edge_mm.0;
            let (x, y, width, height) = match side {
                0 => (
                    along,
                    centre - inner - settings.engine_depth_mm.0,
                    load.engine_edge_mm.0,
                    settings.engine_depth_mm.0,
                ),
                1 => (centre + inner, along, settings.engine_depth_mm.0, load.engine_edge_mm.0),
                2 => (along, centre + inner, load.engine_edge_mm.0, settings.engine_depth_mm.0),
                _ => (
                    centre - inner - settings.engine_depth_mm.0,
                    along,
                    settings.engine_depth_mm.0,
                    load.engine_edge_mm.0,
                ),
            };
            rects.push(Rect { x_m: mm(x), y_m: mm(y), width_m: mm(width), height_m: mm(height) });
        }
    }
    rects
}
