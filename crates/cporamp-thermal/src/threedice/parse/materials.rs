//! Materials and heat sinks: the `material` declarations and the `top`/`bottom heat sink`
//! sections.

use super::ParseError;
use super::lexer::Lexer;

/// A material: conductivities along x (length, east-west), y (width, north-south) and z
/// (height), and volumetric heat capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct Material {
    /// Name.
    pub name: String,
    /// Thermal conductivity along x, y, z, W/(µm·K).
    pub conductivity_w_per_um_k: [f64; 3],
    /// Volumetric heat capacity, J/(µm³·K).
    pub heat_capacity_j_per_um3_k: f64,
}

/// A top or bottom heat sink: a heat-transfer coefficient to a fixed temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeatSink {
    /// Heat-transfer coefficient, W/(µm²·K).
    pub htc_w_per_um2_k: f64,
    /// Ambient (coolant) temperature, K.
    pub temperature_k: f64,
}

pub(super) fn find_material(
    lx: &Lexer<'_>,
    materials: &[Material],
    name: &str,
    line: usize,
    field: &str,
) -> Result<usize, ParseError> {
    materials.iter().position(|m| m.name == name).ok_or_else(|| ParseError {
        file: lx.file.to_string(),
        line,
        field: field.to_string(),
        message: format!(
            "unknown material {name}; expected one of: {}",
            materials.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
    })
}

pub(super) fn parse_material(lx: &mut Lexer<'_>) -> Result<Material, ParseError> {
    lx.word("material", "material")?;
    let (name, _) = lx.identifier("material")?;
    let field = format!("material {name}");
    lx.punct(&field, ':')?;
    lx.words(&format!("{field}: thermal conductivity"), &["thermal", "conductivity"])?;
    let f = format!("{field}: thermal conductivity");
    let kx = lx.positive(&f)?;
    let conductivity = if lx.is_punct(',') {
        lx.next();
        let ky = lx.positive(&f)?;
        lx.punct(&f, ',')?;
        let kz = lx.positive(&f)?;
        [kx, ky, kz]
    } else {
        [kx, kx, kx]
    };
    lx.punct(&f, ';')?;
    let f = format!("{field}: volumetric heat capacity");
    lx.words(&f, &["volumetric", "heat", "capacity"])?;
    let vhc = lx.positive(&f)?;
    lx.punct(&f, ';')?;
    Ok(Material { name, conductivity_w_per_um_k: conductivity, heat_capacity_j_per_um3_k: vhc })
}

pub(super) fn parse_sink(lx: &mut Lexer<'_>, which: &str) -> Result<HeatSink, ParseError> {
    let field = format!("{which} heat sink");
    lx.words(&field, &[which, "heat", "sink"])?;
    lx.punct(&field, ':')?;
    let f = format!("{field}: heat transfer coefficient");
    lx.words(&f, &["heat", "transfer", "coefficient"])?;
    let htc = lx.positive(&f)?;
    lx.punct(&f, ';')?;
    let f = format!("{field}: temperature");
    lx.word(&f, "temperature")?;
    let temperature = lx.positive(&f)?;
    lx.punct(&f, ';')?;
    Ok(HeatSink { htc_w_per_um2_k: htc, temperature_k: temperature })
}
