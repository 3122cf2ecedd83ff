//! Layer configuration files (`.lcf`): one record per layer (number, lateral and power
//! flags, material, thickness, floorplan file).

use super::materials_file::Material;
use super::{ParseError, error, number, shown, token_lines};
use std::collections::BTreeMap;

/// One layer of a layer configuration file.
#[derive(Debug, Clone, PartialEq)]
pub struct LcfLayer {
    /// Layer number (its position in the stack, 0 on top).
    pub number: usize,
    /// Whether heat flows laterally in the layer.
    pub lateral: bool,
    /// Whether the layer dissipates power.
    pub has_power: bool,
    /// Material.
    pub material: Material,
    /// Thickness, m.
    pub thickness_m: f64,
    /// Floorplan file name, relative to the LCF (a `.csv` name makes the layer a HotSpot
    /// microchannel layer, see [`super::microchannel`](super::super::microchannel)).
    pub floorplan_file: String,
    /// Line of the layer number, for messages.
    pub line: usize,
}

/// Reads an `.lcf`: per layer, number, lateral Y/N, power Y/N, specific heat (J/(m³ K)) and
/// resistivity (m K/W) or a material name, thickness (m), floorplan file.
///
/// # Errors
/// A [`ParseError`] naming the line: a bad flag, number or layer numbering, an unknown
/// material.
pub fn layer_configuration(
    file: &str,
    text: &str,
    materials: &BTreeMap<String, Material>,
) -> Result<Vec<LcfLayer>, ParseError> {
    let tokens: Vec<(usize, &str)> =
        token_lines(text).map(|(line, tokens)| (line, tokens[0])).collect();
    let mut layers: Vec<LcfLayer> = Vec::new();
    let mut index = 0;
    while index < tokens.len() {
        let take = |offset: usize, what: &str| {
            tokens
                .get(index + offset)
                .copied()
                .ok_or_else(|| error(file, None, what, "the file ends inside a layer"))
        };
        let (line, number_token) = take(0, "layer number")?;
        let layer_number = number_token.parse::<usize>().map_err(|_| {
            error(
                file,
                Some(line),
                "layer number",
                format!("value {number_token:?}; expected 0, 1, 2, ..."),
            )
        })?;
        let flag = |offset: usize, what: &str| -> Result<bool, ParseError> {
            let (flag_line, token) = take(offset, what)?;
            match token {
                "Y" | "y" => Ok(true),
                "N" | "n" => Ok(false),
                _ => Err(error(
                    file,
                    Some(flag_line),
                    what,
                    format!("value {token:?}; expected Y or N"),
                )),
            }
        };
        let lateral = flag(1, "lateral heat flow")?;
        let has_power = flag(2, "power dissipation")?;
        let (heat_line, heat_token) = take(3, "specific heat or material")?;
        let (material, used) = if heat_token.parse::<f64>().is_ok() {
            let rho_c = number(file, heat_line, "specific heat", heat_token)?;
            let (resistivity_line, resistivity_token) = take(4, "resistivity")?;
            let resistivity = number(file, resistivity_line, "resistivity", resistivity_token)?;
            for (what, value, value_line) in [
                ("specific heat", rho_c, heat_line),
                ("resistivity", resistivity, resistivity_line),
            ] {
                if value <= 0.0 {
                    return Err(error(
                        file,
                        Some(value_line),
                        what,
                        format!("value {}; expected > 0", shown(value)),
                    ));
                }
            }
            (Material { k_w_per_mk: 1.0 / resistivity, rho_c_j_per_m3k: rho_c }, 5)
        } else {
            let material = materials.get(heat_token).copied().ok_or_else(|| {
                error(
                    file,
                    Some(heat_line),
                    "material",
                    format!("material {heat_token} is not in the materials file"),
                )
            })?;
            (material, 4)
        };
        let (thickness_line, thickness_token) = take(used, "thickness")?;
        let thickness_m = number(file, thickness_line, "thickness", thickness_token)?;
        if thickness_m <= 0.0 {
            return Err(error(
                file,
                Some(thickness_line),
                "thickness",
                format!("value {} m; expected > 0 m", shown(thickness_m)),
            ));
        }
        let (_, floorplan_file) = take(used + 1, "floorplan file")?;
        layers.push(LcfLayer {
            number: layer_number,
            lateral,
            has_power,
            material,
            thickness_m,
            floorplan_file: floorplan_file.to_string(),
            line,
        });
        index += used + 2;
    }
    if layers.is_empty() {
        return Err(error(file, None, "layers", "no layers"));
    }
    layers.sort_by_key(|layer| layer.number);
    for (position, layer) in layers.iter().enumerate() {
        if layer.number != position {
            return Err(error(
                file,
                Some(layer.line),
                "layer number",
                format!(
                    "layers must be numbered 0 to {} once each; found {}",
                    layers.len() - 1,
                    layer.number
                ),
            ));
        }
    }
    Ok(layers)
}
