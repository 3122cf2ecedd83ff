//! Configs (`-key value` lines), the option names HotSpot knows, and the bound on the
//! temperatures a config may give.

use super::{ParseError, error, shown, token_lines, token_shown};
use std::collections::BTreeMap;

/// The largest ambient or initial temperature read from a config, K.
pub const MAX_TEMPERATURE_K: f64 = 10_000.0;

/// A HotSpot config: `-key value` pairs; the first occurrence of a key wins, as in HotSpot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    file: String,
    /// Lower-case key (without the dash) -> (value, line).
    entries: BTreeMap<String, (String, usize)>,
}

/// Every option HotSpot's config files may hold, lower case (HotSpot compares names without
/// regard to case). Taken from the names HotSpot's parsers look up: `global_config_from_strs`
/// (hotspot.c, hotfloorplan.c), `thermal_config_add_from_strs` (temperature.c),
/// `package_config_add_from_strs` (package.c), `microchannel_config_add_from_strs`
/// (microchannel.c) and `flp_config_add_from_strs` (flp.c, shared with HotFloorplan), plus
/// the names its `-d` dumps write (`*_config_to_strs`) so a dumped config reads back, and
/// `use_microfluidic_cooling`, which HotSpot's example 5 config carries.
pub const KNOWN_KEYS: &[&str] = &[
    // Command line (hotspot.c, hotfloorplan.c).
    "c",
    "d",
    "f",
    "p",
    "o",
    "detailed_3d",
    "detailed_3d_used",
    "use_microchannels",
    "materials_file",
    "steady_file",
    "grid_steady_file",
    "grid_transient_file",
    "grid_layer_file",
    "init_file",
    // Thermal model (temperature.c).
    "t_chip",
    "k_chip",
    "p_chip",
    "material_chip",
    "thermal_threshold",
    "c_convec",
    "r_convec",
    "t_interface",
    "k_interface",
    "p_interface",
    "material_interface",
    "s_sink",
    "t_sink",
    "k_sink",
    "p_sink",
    "material_sink",
    "s_spreader",
    "t_spreader",
    "k_spreader",
    "p_spreader",
    "material_spreader",
    "model_secondary",
    "r_convec_sec",
    "c_convec_sec",
    "n_metal",
    "t_metal",
    "t_c4",
    "s_c4",
    "n_c4",
    "s_sub",
    "t_sub",
    "s_solder",
    "t_solder",
    "s_pcb",
    "t_pcb",
    "ambient",
    "init_temp",
    "sampling_intvl",
    "base_proc_freq",
    "dtm_used",
    "block_omit_lateral",
    "grid_rows",
    "grid_cols",
    "grid_map_mode",
    "leakage_used",
    "leakage_mode",
    "package_model_used",
    "package_config_file",
    "model_type",
    "use_microfluidic_cooling",
    // Package (package.c).
    "natural_convec",
    "flow_type",
    "sink_type",
    "fin_height",
    "fin_width",
    "channel_width",
    "pin_height",
    "pin_diam",
    "pin_dist",
    "fan_radius",
    "motor_radius",
    "rpm",
    // Microchannels (microchannel.c).
    "htc",
    "pumping_pressure",
    "pump_internal_res",
    "inlet_temperature",
    "coolant_capac",
    "coolant_res",
    "coolant_visc",
    "coolant_material",
    "wall_capac",
    "wall_res",
    "wall_material",
    "network_file",
    "floorplan_file",
    "cell_width",
    "cell_height",
    "cell_thickness",
    "num_rows",
    "num_columns",
    "n_fluid_cells",
    // Floorplanning (flp.c, hotfloorplan.c).
    "wrap_l2",
    "model_rim",
    "rim_thickness",
    "compact_ratio",
    "n_orients",
    "p0",
    "davg",
    "kmoves",
    "rcool",
    "rreject",
    "nmax",
    "lambdaa",
    "lambdat",
    "lambdaw",
    "l2_label",
];

/// Levenshtein distance between two ASCII-lower-cased names.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// The known key nearest to `key` by edit distance (the first in [`KNOWN_KEYS`] on a tie).
#[must_use]
pub fn nearest_known_key(key: &str) -> &'static str {
    let key = key.to_ascii_lowercase();
    KNOWN_KEYS.iter().copied().min_by_key(|known| edit_distance(&key, known)).unwrap_or("")
}

/// Reads a config file of `-key value` lines.
///
/// # Errors
/// A [`ParseError`] for a line that does not start with `-` or has no value, or a key HotSpot
/// does not know (with the nearest known key suggested; HotSpot silently ignores it, so a
/// misspelt key would leave its default in place unnoticed).
pub fn config(file: &str, text: &str) -> Result<Config, ParseError> {
    let mut entries = BTreeMap::new();
    for (line, tokens) in token_lines(text) {
        let Some(key) = tokens[0].strip_prefix('-') else {
            return Err(error(file, Some(line), tokens[0], "expected `-name value`"));
        };
        let Some(value) = tokens.get(1) else {
            return Err(error(file, Some(line), tokens[0], "no value after the option name"));
        };
        if !KNOWN_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
            return Err(error(
                file,
                Some(line),
                tokens[0],
                format!(
                    "unknown option; the nearest HotSpot option is -{}",
                    nearest_known_key(key)
                ),
            ));
        }
        entries.entry(key.to_ascii_lowercase()).or_insert(((*value).to_string(), line));
    }
    Ok(Config { file: file.to_string(), entries })
}

impl Config {
    /// Sets `key` to `value`, taking precedence over the file (a command-line override).
    pub fn set(&mut self, key: &str, value: &str) {
        self.entries.insert(key.to_ascii_lowercase(), (value.to_string(), 0));
    }

    /// The raw value of `key`, if present and not HotSpot's `(null)`.
    #[must_use]
    pub fn text(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(|(value, _)| value.as_str()).filter(|value| *value != "(null)")
    }

    fn line(&self, key: &str) -> Option<usize> {
        self.entries.get(key).map(|(_, line)| *line).filter(|line| *line > 0)
    }

    /// A required number.
    ///
    /// # Errors
    /// If the key is missing or not a finite number.
    pub fn number(&self, key: &str) -> Result<f64, ParseError> {
        let value = self.text(key).ok_or_else(|| {
            error(&self.file, None, format!("-{key}"), "missing; this model needs it")
        })?;
        match value.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(number),
            _ => Err(error(
                &self.file,
                self.line(key),
                format!("-{key}"),
                format!("value {} is not a finite number", token_shown(value)),
            )),
        }
    }

    /// A required number that must be positive.
    ///
    /// # Errors
    /// If the key is missing, not a number or not positive.
    pub fn positive(&self, key: &str, unit: &str) -> Result<f64, ParseError> {
        let value = self.number(key)?;
        if value > 0.0 {
            Ok(value)
        } else {
            Err(error(
                &self.file,
                self.line(key),
                format!("-{key}"),
                format!("value {} {unit}; expected > 0 {unit}", shown(value)),
            ))
        }
    }

    /// A required temperature in kelvin: above 0 K and at most [`MAX_TEMPERATURE_K`] (a
    /// larger one overflows the printed temperatures to hundreds of digits or infinity).
    ///
    /// # Errors
    /// If the key is missing, not a number or out of that range.
    pub fn kelvin(&self, key: &str) -> Result<f64, ParseError> {
        let value = self.positive(key, "K")?;
        if value <= MAX_TEMPERATURE_K {
            Ok(value)
        } else {
            Err(error(
                &self.file,
                self.line(key),
                format!("-{key}"),
                format!(
                    "value {} K; expected at most {} K",
                    shown(value),
                    shown(MAX_TEMPERATURE_K)
                ),
            ))
        }
    }

    /// An optional integer flag that must equal `expected` for this model.
    ///
    /// # Errors
    /// If present with another value.
    pub fn require_flag(&self, key: &str, expected: &str, why: &str) -> Result<(), ParseError> {
        match self.text(key) {
            Some(value) if value != expected => Err(error(
                &self.file,
                self.line(key),
                format!("-{key}"),
                format!("value {value} is not supported ({why}); expected {expected}"),
            )),
            _ => Ok(()),
        }
    }

    /// An error about `key` located at its line.
    #[must_use]
    pub fn error(&self, key: &str, message: impl Into<String>) -> ParseError {
        error(&self.file, self.line(key), format!("-{key}"), message)
    }
}
