//! Materials files: solid and fluid records, one token per line.

use super::{ParseError, error, number, shown, token_lines};
use std::collections::BTreeMap;

/// A solid material: conductivity and volumetric heat capacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Material {
    /// Thermal conductivity, W/(m K).
    pub k_w_per_mk: f64,
    /// Volumetric heat capacity, J/(m³ K).
    pub rho_c_j_per_m3k: f64,
}

/// Reads a materials file: records of `name`, `solid|fluid`, k, ρc (and viscosity if fluid),
/// one token per line. Names are case-sensitive, as in HotSpot.
///
/// # Errors
/// A [`ParseError`] for an unknown type, a missing or negative number.
pub fn materials(file: &str, text: &str) -> Result<BTreeMap<String, Material>, ParseError> {
    Ok(materials_and_viscosities(file, text)?.0)
}

/// The fluids of a materials file and their dynamic viscosities, Pa s (the fifth field of a
/// `fluid` record), for HotSpot's `-coolant_material`.
///
/// # Errors
/// As [`materials`].
pub fn fluid_viscosities(file: &str, text: &str) -> Result<BTreeMap<String, f64>, ParseError> {
    Ok(materials_and_viscosities(file, text)?.1)
}

type MaterialsAndViscosities = (BTreeMap<String, Material>, BTreeMap<String, f64>);

fn materials_and_viscosities(
    file: &str,
    text: &str,
) -> Result<MaterialsAndViscosities, ParseError> {
    let tokens: Vec<(usize, &str)> =
        token_lines(text).map(|(line, tokens)| (line, tokens[0])).collect();
    let mut found = BTreeMap::new();
    let mut viscosities = BTreeMap::new();
    let mut index = 0;
    while index < tokens.len() {
        let (name_line, name) = tokens[index];
        let field = |offset: usize, what: &str| {
            tokens.get(index + offset).copied().ok_or_else(|| {
                error(
                    file,
                    Some(name_line),
                    what,
                    format!("material {name} ends early; expected its {what}"),
                )
            })
        };
        let (type_line, kind) = field(1, "type")?;
        let n_numbers = match kind {
            "solid" => 2,
            "fluid" => 3,
            _ => {
                return Err(error(
                    file,
                    Some(type_line),
                    "type",
                    format!("value {kind:?}; expected solid or fluid"),
                ));
            }
        };
        let mut values = Vec::new();
        for (offset, what) in
            [(2, "conductivity"), (3, "volumetric heat capacity"), (4, "viscosity")]
                .iter()
                .take(n_numbers)
        {
            let (line, token) = field(*offset, what)?;
            let value = number(file, line, what, token)?;
            // A solid must conduct; heat capacity and viscosity may not be negative.
            let too_small = if *what == "conductivity" { value <= 0.0 } else { value < 0.0 };
            if too_small {
                return Err(error(
                    file,
                    Some(line),
                    *what,
                    format!(
                        "material {name}: value {}; expected {}",
                        shown(value),
                        if *what == "conductivity" { "> 0" } else { ">= 0" }
                    ),
                ));
            }
            values.push(value);
        }
        found.insert(
            name.to_string(),
            Material { k_w_per_mk: values[0], rho_c_j_per_m3k: values[1] },
        );
        if let Some(&viscosity) = values.get(2) {
            viscosities.insert(name.to_string(), viscosity);
        } else {
            viscosities.remove(name);
        }
        index += 2 + n_numbers;
    }
    Ok((found, viscosities))
}
