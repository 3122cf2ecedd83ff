//! The cavity: the `microchannel 4rm`, `microchannel 2rm` and `pinfin` sections.

use super::ParseError;
use super::lexer::{Lexer, Tok, statement};
use super::materials::{Material, find_material};

/// The cavity model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CavityModel {
    /// 4-resistor microchannels: channel and wall columns resolved in the grid.
    Microchannel4rm {
        /// Channel width along x, µm.
        channel_length_um: f64,
        /// Wall width along x, µm.
        wall_length_um: f64,
        /// First (west) wall, µm.
        first_wall_length_um: f64,
        /// Last (east) wall, µm.
        last_wall_length_um: f64,
        /// Side-wall heat-transfer coefficient, W/(µm²·K).
        htc_side_w_per_um2_k: f64,
        /// Top heat-transfer coefficient, W/(µm²·K).
        htc_top_w_per_um2_k: f64,
        /// Bottom heat-transfer coefficient, W/(µm²·K).
        htc_bottom_w_per_um2_k: f64,
        /// Total flow rate, µm³/s (converted from ml/min).
        flow_rate_um3_per_s: f64,
    },
    /// 2-resistor (porous-medium) microchannels.
    Microchannel2rm {
        /// Channel width, µm.
        channel_length_um: f64,
        /// Wall width, µm.
        wall_length_um: f64,
        /// Top heat-transfer coefficient, W/(µm²·K).
        htc_top_w_per_um2_k: f64,
        /// Bottom heat-transfer coefficient, W/(µm²·K).
        htc_bottom_w_per_um2_k: f64,
        /// Total flow rate, µm³/s.
        flow_rate_um3_per_s: f64,
    },
    /// 2-resistor pin fins.
    PinFin {
        /// Pin diameter, µm.
        diameter_um: f64,
        /// Pin pitch, µm.
        pitch_um: f64,
        /// Staggered (true) or inline (false) pins.
        staggered: bool,
        /// Darcy velocity, µm/s.
        darcy_velocity_um_per_s: f64,
    },
}

/// The microchannel or pin-fin cavity declared once and used by `channel` stack elements.
#[derive(Debug, Clone, PartialEq)]
pub struct Cavity {
    /// Model and geometry.
    pub model: CavityModel,
    /// Cavity height, µm.
    pub height_um: f64,
    /// Index of the wall (pin) material in [`StackFile::materials`](super::StackFile::materials).
    pub wall_material: usize,
    /// Coolant volumetric heat capacity, J/(µm³·K).
    pub coolant_heat_capacity_j_per_um3_k: f64,
    /// Coolant inlet temperature, K.
    pub inlet_temperature_k: f64,
}

/// 3D-ICE's conversion: ml/min to µm³/s.
#[must_use]
pub fn ml_per_min_to_um3_per_s(flow_ml_per_min: f64) -> f64 {
    flow_ml_per_min * 1e12 / 60.0
}

fn wall_material(
    lx: &mut Lexer<'_>,
    materials: &[Material],
    first: &str,
    field: &str,
) -> Result<usize, ParseError> {
    lx.words(field, &[first, "material"])?;
    let (name, line) = lx.identifier(field)?;
    lx.punct(field, ';')?;
    find_material(lx, materials, &name, line, field)
}

fn coolant_tail(lx: &mut Lexer<'_>, field: &str) -> Result<(f64, f64), ParseError> {
    let f = format!("{field}: coolant volumetric heat capacity");
    let vhc = statement(lx, &f, &["coolant", "volumetric", "heat", "capacity"])?;
    let f = format!("{field}: coolant incoming temperature");
    let t_in = statement(lx, &f, &["coolant", "incoming", "temperature"])?;
    Ok((vhc, t_in))
}

/// The `pinfin` section.
fn parse_pinfin(lx: &mut Lexer<'_>, materials: &[Material]) -> Result<Cavity, ParseError> {
    let field = "pinfin";
    lx.next();
    lx.punct(field, ':')?;
    let height = statement(lx, "pinfin: height", &["height"])?;
    let diameter = statement(lx, "pinfin: pin diameter", &["pin", "diameter"])?;
    let pitch = statement(lx, "pinfin: pin pitch", &["pin", "pitch"])?;
    if diameter >= pitch {
        return Err(lx.error(
            "pinfin: pin pitch",
            format!("pin diameter {diameter} must be smaller than the pitch {pitch}"),
        ));
    }
    let f = "pinfin: pin distribution";
    lx.words(f, &["pin", "distribution"])?;
    let staggered = if lx.is_word("inline") {
        false
    } else if lx.is_word("staggered") {
        true
    } else {
        return Err(lx.unexpected(f, "`inline` or `staggered`"));
    };
    lx.next();
    lx.punct(f, ';')?;
    let wall = wall_material(lx, materials, "pin", "pinfin: pin material")?;
    let darcy = statement(lx, "pinfin: darcy velocity", &["darcy", "velocity"])?;
    let (vhc, t_in) = coolant_tail(lx, field)?;
    Ok(Cavity {
        model: CavityModel::PinFin {
            diameter_um: diameter,
            pitch_um: pitch,
            staggered,
            darcy_velocity_um_per_s: darcy,
        },
        height_um: height,
        wall_material: wall,
        coolant_heat_capacity_j_per_um3_k: vhc,
        inlet_temperature_k: t_in,
    })
}

pub(super) fn parse_cavity(
    lx: &mut Lexer<'_>,
    materials: &[Material],
) -> Result<Cavity, ParseError> {
    if lx.is_word("pinfin") {
        return parse_pinfin(lx, materials);
    }
    lx.word("microchannel", "microchannel")?;
    let four = if lx.is_word("4rm") {
        true
    } else if lx.is_word("2rm") {
        false
    } else {
        return Err(lx.unexpected("microchannel", "`4rm` or `2rm`"));
    };
    lx.next();
    let field = if four { "microchannel 4rm" } else { "microchannel 2rm" };
    lx.punct(field, ':')?;
    let height = statement(lx, &format!("{field}: height"), &["height"])?;
    let channel = statement(lx, &format!("{field}: channel length"), &["channel", "length"])?;
    let wall = statement(lx, &format!("{field}: wall length"), &["wall", "length"])?;
    let mut first_wall = wall;
    let mut last_wall = wall;
    if four {
        if lx.is_word("first") {
            first_wall = statement(
                lx,
                &format!("{field}: first wall length"),
                &["first", "wall", "length"],
            )?;
        }
        if lx.is_word("last") {
            last_wall =
                statement(lx, &format!("{field}: last wall length"), &["last", "wall", "length"])?;
        }
    }
    let wall_mat = wall_material(lx, materials, "wall", &format!("{field}: wall material"))?;
    let flow = statement(lx, &format!("{field}: coolant flow rate"), &["coolant", "flow", "rate"])?;
    let f = format!("{field}: coolant heat transfer coefficient");
    lx.words(&f, &["coolant", "heat", "transfer", "coefficient"])?;
    let (side, top, bottom) = if matches!(lx.peek(), Tok::Number(_)) {
        let h = lx.positive(&f)?;
        (if four { h } else { 0.0 }, h, h)
    } else {
        let side = if four {
            lx.word(&f, "side")?;
            let side = lx.positive(&f)?;
            lx.punct(&f, ',')?;
            side
        } else {
            0.0
        };
        lx.word(&f, "top")?;
        let top = lx.positive(&f)?;
        lx.punct(&f, ',')?;
        lx.word(&f, "bottom")?;
        let bottom = lx.positive(&f)?;
        (side, top, bottom)
    };
    lx.punct(&f, ';')?;
    let (vhc, t_in) = coolant_tail(lx, field)?;
    let flow_um3 = ml_per_min_to_um3_per_s(flow);
    let model = if four {
        CavityModel::Microchannel4rm {
            channel_length_um: channel,
            wall_length_um: wall,
            first_wall_length_um: first_wall,
            last_wall_length_um: last_wall,
            htc_side_w_per_um2_k: side,
            htc_top_w_per_um2_k: top,
            htc_bottom_w_per_um2_k: bottom,
            flow_rate_um3_per_s: flow_um3,
        }
    } else {
        CavityModel::Microchannel2rm {
            channel_length_um: channel,
            wall_length_um: wall,
            htc_top_w_per_um2_k: top,
            htc_bottom_w_per_um2_k: bottom,
            flow_rate_um3_per_s: flow_um3,
        }
    };
    Ok(Cavity {
        model,
        height_um: height,
        wall_material: wall_mat,
        coolant_heat_capacity_j_per_um3_k: vhc,
        inlet_temperature_k: t_in,
    })
}
