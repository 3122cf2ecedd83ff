//! HotSpot's package around the die (spreader and sink rims, shared with the block model), the
//! steady values it reports and its transient trace layout.

use super::*;

/// HotSpot's package resistances around the die footprint (`populate_package_R`), shared by
/// the grid and block models.
pub(in crate::hotspot) struct Rim {
    pub(in crate::hotspot) r_sp1_x: f64,
    pub(in crate::hotspot) r_sp1_y: f64,
    pub(in crate::hotspot) r_hs1_x: f64,
    pub(in crate::hotspot) r_hs1_y: f64,
    r_hs2_x: f64,
    r_hs2_y: f64,
    r_hs: f64,
    r_sp_per_x: f64,
    r_sp_per_y: f64,
    r_hs_c_per_x: f64,
    r_hs_c_per_y: f64,
    r_hs_per: f64,
    r_amb_c_per_x: f64,
    r_amb_c_per_y: f64,
    r_amb_per: f64,
    rim_x_area: f64,
    rim_y_area: f64,
    outer_area: f64,
}

impl Rim {
    /// Package resistances for a die of `width` x `height` (m).
    pub(in crate::hotspot) fn new(sp: &PackageParameters, width: f64, height: f64) -> Rim {
        let (s_sp, t_sp, k_sp) =
            (sp.spreader_side_m, sp.spreader_thickness_m, sp.spreader_k_w_per_mk);
        let (s_hs, t_hs, k_hs) = (sp.sink_side_m, sp.sink_thickness_m, sp.sink_k_w_per_mk);
        let (w, h) = (width, height);
        let rim_x_area = (s_sp + h) * (s_sp - w) / 4.0;
        let rim_y_area = (s_sp + w) * (s_sp - h) / 4.0;
        let outer_area = (s_hs * s_hs - s_sp * s_sp) / 4.0;
        Rim {
            r_sp1_x: getr(k_sp, (s_sp - w) / 4.0, (s_sp + 3.0 * h) / 4.0 * t_sp),
            r_sp1_y: getr(k_sp, (s_sp - h) / 4.0, (s_sp + 3.0 * w) / 4.0 * t_sp),
            r_hs1_x: getr(k_hs, (s_sp - w) / 4.0, (s_sp + 3.0 * h) / 4.0 * t_hs),
            r_hs1_y: getr(k_hs, (s_sp - h) / 4.0, (s_sp + 3.0 * w) / 4.0 * t_hs),
            r_hs2_x: getr(k_hs, (s_sp - w) / 4.0, (3.0 * s_sp + h) / 4.0 * t_hs),
            r_hs2_y: getr(k_hs, (s_sp - h) / 4.0, (3.0 * s_sp + w) / 4.0 * t_hs),
            r_hs: getr(k_hs, (s_hs - s_sp) / 4.0, (s_hs + 3.0 * s_sp) / 4.0 * t_hs),
            r_sp_per_x: getr(k_sp, t_sp, rim_x_area),
            r_sp_per_y: getr(k_sp, t_sp, rim_y_area),
            r_hs_c_per_x: getr(k_hs, t_hs, rim_x_area),
            r_hs_c_per_y: getr(k_hs, t_hs, rim_y_area),
            r_hs_per: getr(k_hs, t_hs, outer_area),
            r_amb_c_per_x: sp.r_convec_k_per_w * s_hs * s_hs / rim_x_area,
            r_amb_c_per_y: sp.r_convec_k_per_w * s_hs * s_hs / rim_y_area,
            r_amb_per: sp.r_convec_k_per_w * s_hs * s_hs / outer_area,
            rim_x_area,
            rim_y_area,
            outer_area,
        }
    }

    /// Wires the 12 package nodes starting at `first` (in `inode_*` order) to each other and
    /// to the ambient, with their capacitances (`populate_package_C`).
    pub(in crate::hotspot) fn connect(
        &self,
        network: &mut impl NetworkBuilder,
        sp: &PackageParameters,
        first: usize,
    ) {
        let node = |offset: usize| first + offset;
        let (t_sp, t_hs, s_hs) = (sp.spreader_thickness_m, sp.sink_thickness_m, sp.sink_side_m);
        for (side, r_sp_per, r_hs_c_per, r_amb_c_per, r_hs2, area) in [
            (
                0,
                self.r_sp_per_x,
                self.r_hs_c_per_x,
                self.r_amb_c_per_x,
                self.r_hs2_x,
                self.rim_x_area,
            ),
            (
                1,
                self.r_sp_per_x,
                self.r_hs_c_per_x,
                self.r_amb_c_per_x,
                self.r_hs2_x,
                self.rim_x_area,
            ),
            (
                2,
                self.r_sp_per_y,
                self.r_hs_c_per_y,
                self.r_amb_c_per_y,
                self.r_hs2_y,
                self.rim_y_area,
            ),
            (
                3,
                self.r_sp_per_y,
                self.r_hs_c_per_y,
                self.r_amb_c_per_y,
                self.r_hs2_y,
                self.rim_y_area,
            ),
        ] {
            let (spreader_rim, sink_inner, sink_outer) =
                (node(side), node(4 + side), node(8 + side));
            network.connect_resistance(spreader_rim, sink_inner, r_sp_per);
            network.ground_resistance(sink_inner, r_hs_c_per + r_amb_c_per);
            network.connect_resistance(sink_inner, sink_outer, r_hs2 + self.r_hs);
            network.ground_resistance(sink_outer, self.r_hs_per + self.r_amb_per);
            network.add_capacitance(
                spreader_rim,
                C_FACTOR * sp.spreader_rho_c_j_per_m3k * t_sp * area,
            );
            network.add_capacitance(
                sink_inner,
                C_FACTOR
                    * (sp.sink_rho_c_j_per_m3k * t_hs * area
                        + sp.c_convec_j_per_k * area / (s_hs * s_hs)),
            );
            network.add_capacitance(
                sink_outer,
                C_FACTOR
                    * (sp.sink_rho_c_j_per_m3k * t_hs * self.outer_area
                        + sp.c_convec_j_per_k * self.outer_area / (s_hs * s_hs)),
            );
        }
    }
}

/// Temperatures read from a file in HotSpot's `.steady` layout (`name temperature_K` lines),
/// looked up by name ignoring case as HotSpot does.
pub(in crate::hotspot) struct SteadyValues {
    file: String,
    values: std::collections::BTreeMap<String, f64>,
}

impl SteadyValues {
    pub(in crate::hotspot) fn parse(file: &str, text: &str) -> Result<SteadyValues, GridError> {
        let mut values = std::collections::BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            let tokens: Vec<&str> = line.split_whitespace().collect();
            if tokens.is_empty() || tokens[0].starts_with('#') {
                continue;
            }
            let value = match tokens.as_slice() {
                [_, value] => {
                    value.parse::<f64>().ok().filter(|value| value.is_finite() && *value > 0.0)
                }
                _ => None,
            };
            let Some(value) = value else {
                return Err(GridError::InitFile {
                    file: file.to_string(),
                    message: format!(
                        "line {}: expected `name temperature_K` with a positive temperature, found {line:?}",
                        index + 1
                    ),
                });
            };
            values.insert(tokens[0].to_ascii_lowercase(), value);
        }
        Ok(SteadyValues { file: file.to_string(), values })
    }

    pub(in crate::hotspot) fn get(&self, name: &str) -> Result<f64, GridError> {
        self.values.get(&name.to_ascii_lowercase()).copied().ok_or_else(|| GridError::InitFile {
            file: self.file.clone(),
            message: format!("no temperature for {name}"),
        })
    }
}

/// HotSpot's transient trace layout: tab-separated column names, then one row of
/// temperatures (K, two decimals) per trace row.
pub(in crate::hotspot) fn trace_text(names: &[String], rows: &[Vec<f64>]) -> String {
    let mut out = names.join("\t");
    out.push('\n');
    for row in rows {
        let values: Vec<String> = row.iter().map(|value| format!("{value:.2}")).collect();
        out.push_str(&values.join("\t"));
        out.push('\n');
    }
    out
}
