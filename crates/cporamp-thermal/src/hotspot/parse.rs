//! Readers for HotSpot's input files: floorplan (`.flp`), power trace (`.ptrace`), config
//! (`-key value` lines), materials and layer configuration (`.lcf`).
//!
//! Each reader takes the file's text and its name (for messages) and follows HotSpot's own
//! rules (uvahotspot/HotSpot `flp.c`, `hotspot.c`, `util.c`, `materials.c`,
//! `temperature_grid.c`): whitespace-separated tokens, `#` comment lines, names matched
//! without regard to case. Where HotSpot would silently accept something wrong, these readers
//! refuse it with an error naming the file, the line and the field: overlapping or duplicate
//! blocks, a non-numeric or non-finite power, a negative power (unless allowed) or one above
//! [`MAX_BLOCK_POWER_W`], a config key HotSpot does not know, a size that is not positive.
//! Values in messages are bounded ([`shown`]). HotSpot also drops a last line that lacks a
//! newline; these readers keep it.

use std::collections::BTreeMap;

/// A problem in a HotSpot input file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {field}: {message}", line.map(|line| format!(":{line}")).unwrap_or_default())]
pub struct ParseError {
    /// File name as given.
    pub file: String,
    /// 1-based line, where one applies.
    pub line: Option<usize>,
    /// The field or column.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

fn error(
    file: &str,
    line: Option<usize>,
    field: impl Into<String>,
    message: impl Into<String>,
) -> ParseError {
    ParseError { file: file.to_string(), line, field: field.into(), message: message.into() }
}

/// Non-blank, non-comment lines with their 1-based numbers, split into tokens.
fn token_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, tokens)| tokens.first().is_some_and(|first| !first.starts_with('#')))
}

fn number(file: &str, line: usize, field: &str, token: &str) -> Result<f64, ParseError> {
    match token.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(error(
            file,
            Some(line),
            field,
            format!("value {} is not a finite number", token_shown(token)),
        )),
    }
}

/// A value for a message: plain when short, `{:.6e}` when its plain form would be long
/// (|v| >= 1e9 or 0 < |v| < 1e-6), so that 1e308 is not echoed with 309 digits.
#[must_use]
pub fn shown(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1e9 || (magnitude > 0.0 && magnitude < 1e-6) {
        format!("{value:.6e}")
    } else {
        format!("{value}")
    }
}

/// A token for a message, cut to 40 characters.
fn token_shown(token: &str) -> String {
    if token.chars().count() > 40 {
        format!("{:?}... ({} characters)", token.chars().take(40).collect::<String>(), token.len())
    } else {
        format!("{token:?}")
    }
}

/// A rectangle of a floorplan, in metres, translated so the floorplan starts at (0, 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Block name.
    pub name: String,
    /// Width, m.
    pub width_m: f64,
    /// Height, m.
    pub height_m: f64,
    /// Left edge, m.
    pub left_m: f64,
    /// Bottom edge, m.
    pub bottom_m: f64,
    /// The block's own material (the floorplan's optional sixth and seventh columns, volumetric
    /// specific heat in J/(m³ K) and resistivity in m K/W, HotSpot's TSV and heterogeneous
    /// regions); used by the detailed 3-D grid model only, as in HotSpot.
    pub material: Option<Material>,
}

impl Block {
    /// Area, m².
    #[must_use]
    pub fn area_m2(&self) -> f64 {
        self.width_m * self.height_m
    }
}

/// A floorplan: blocks in file order, translated so that the smallest left and bottom are 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Floorplan {
    /// Blocks in file order.
    pub blocks: Vec<Block>,
    /// Bounding-box width, m.
    pub width_m: f64,
    /// Bounding-box height, m.
    pub height_m: f64,
}

impl Floorplan {
    /// Index of the block called `name`, ignoring case as HotSpot does.
    #[must_use]
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.blocks.iter().position(|block| block.name.eq_ignore_ascii_case(name))
    }
}

/// Reads a `.flp`: `name width height left bottom [rho_c resistivity]` in metres.
///
/// # Errors
/// A [`ParseError`] naming the line and field: wrong column count, a non-numeric or
/// non-positive size, duplicate names, overlapping blocks, or no blocks.
pub fn floorplan(file: &str, text: &str) -> Result<Floorplan, ParseError> {
    let mut blocks: Vec<(usize, Block)> = Vec::new();
    for (line, tokens) in token_lines(text) {
        // HotSpot's connectivity lines ("a b 0.5") carry no geometry and are ignored by it too.
        if tokens.len() == 3
            && tokens[2].parse::<f64>().is_ok()
            && tokens[1].parse::<f64>().is_err()
        {
            continue;
        }
        if tokens.len() != 5 && tokens.len() != 7 {
            return Err(error(
                file,
                Some(line),
                "line",
                format!(
                    "{} columns; expected 5 (name width height left-x bottom-y) or 7 (plus specific heat and resistivity)",
                    tokens.len()
                ),
            ));
        }
        let name = tokens[0].to_string();
        let width_m = number(file, line, "width", tokens[1])?;
        let height_m = number(file, line, "height", tokens[2])?;
        let left_m = number(file, line, "left-x", tokens[3])?;
        let bottom_m = number(file, line, "bottom-y", tokens[4])?;
        for (field, value) in [("width", width_m), ("height", height_m)] {
            if value <= 0.0 {
                return Err(error(
                    file,
                    Some(line),
                    field,
                    format!("block {name}: value {} m; expected > 0 m", shown(value)),
                ));
            }
        }
        let mut own = [0.0; 2];
        for (slot, (index, field)) in [(5, "specific heat"), (6, "resistivity")].iter().enumerate()
        {
            if let Some(token) = tokens.get(*index) {
                let value = number(file, line, field, token)?;
                if value <= 0.0 {
                    return Err(error(
                        file,
                        Some(line),
                        *field,
                        format!("block {name}: value {}; expected > 0", shown(value)),
                    ));
                }
                own[slot] = value;
            }
        }
        let material = (tokens.len() == 7)
            .then(|| Material { k_w_per_mk: 1.0 / own[1], rho_c_j_per_m3k: own[0] });
        if let Some((first_line, _)) =
            blocks.iter().find(|(_, block)| block.name.eq_ignore_ascii_case(&name))
        {
            return Err(error(
                file,
                Some(line),
                "name",
                format!("block {name} is already defined on line {first_line}"),
            ));
        }
        blocks.push((line, Block { name, width_m, height_m, left_m, bottom_m, material }));
    }
    if blocks.is_empty() {
        return Err(error(
            file,
            None,
            "blocks",
            "no blocks; expected at least one `name width height left-x bottom-y` line",
        ));
    }
    // Overlap: HotSpot only warns; an overlap double-counts area and power, so refuse it.
    // The tolerance is relative to the smaller block, to ignore rounding in the file.
    for (index, (line, block)) in blocks.iter().enumerate() {
        for (other_line, other) in &blocks[..index] {
            let overlap_w = (block.left_m + block.width_m).min(other.left_m + other.width_m)
                - block.left_m.max(other.left_m);
            let overlap_h = (block.bottom_m + block.height_m).min(other.bottom_m + other.height_m)
                - block.bottom_m.max(other.bottom_m);
            if overlap_w > 0.0
                && overlap_h > 0.0
                && overlap_w * overlap_h > 1e-6 * block.area_m2().min(other.area_m2())
            {
                return Err(error(
                    file,
                    Some(*line),
                    "geometry",
                    format!(
                        "block {} overlaps block {} (line {other_line})",
                        block.name, other.name
                    ),
                ));
            }
        }
    }
    let min_left = blocks.iter().map(|(_, block)| block.left_m).fold(f64::INFINITY, f64::min);
    let min_bottom = blocks.iter().map(|(_, block)| block.bottom_m).fold(f64::INFINITY, f64::min);
    let mut blocks: Vec<Block> = blocks.into_iter().map(|(_, block)| block).collect();
    for block in &mut blocks {
        block.left_m -= min_left;
        block.bottom_m -= min_bottom;
    }
    let width_m = blocks.iter().map(|block| block.left_m + block.width_m).fold(0.0, f64::max);
    let height_m = blocks.iter().map(|block| block.bottom_m + block.height_m).fold(0.0, f64::max);
    Ok(Floorplan { blocks, width_m, height_m })
}

/// The largest power one block may dissipate, W. The hottest single packages dissipate about
/// 1 kW and a wafer-scale engine about 25 kW in total; a million watts in one block is 40 times
/// a whole wafer and can only be a unit slip (mW or µW written as W) or a corrupted file,
/// whose temperatures would be meaningless.
pub const MAX_BLOCK_POWER_W: f64 = 1e6;

/// The largest ambient or initial temperature read from a config, K.
pub const MAX_TEMPERATURE_K: f64 = 10_000.0;

/// A power trace: column names and rows of powers in W.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerTrace {
    /// File name as given, for messages.
    pub file: String,
    /// 1-based line of the header of names, for messages.
    pub header_line: usize,
    /// Column names as written.
    pub names: Vec<String>,
    /// One row per sampling interval, one power per column, W.
    pub rows: Vec<Vec<f64>>,
}

impl PowerTrace {
    /// Mean power of each column over all rows: HotSpot's steady-state input.
    #[must_use]
    pub fn mean_w(&self) -> Vec<f64> {
        let n_rows = self.rows.len() as f64;
        (0..self.names.len())
            .map(|column| self.rows.iter().map(|row| row[column]).sum::<f64>() / n_rows)
            .collect()
    }
}

/// Reads a `.ptrace`: a line of names, then one line of powers (W) per sampling interval.
/// Negative powers are refused (see [`power_trace_with`] to allow them).
///
/// # Errors
/// A [`ParseError`] for a missing header, a row of the wrong length, a non-numeric power,
/// a negative power, a power above [`MAX_BLOCK_POWER_W`] or no rows.
pub fn power_trace(file: &str, text: &str) -> Result<PowerTrace, ParseError> {
    power_trace_with(file, text, false)
}

/// [`power_trace`], accepting negative powers when `allow_negative` (a block that absorbs
/// heat, e.g. a thermoelectric cooler modelled as negative power; HotSpot itself takes any
/// number). Magnitudes above [`MAX_BLOCK_POWER_W`] are refused either way.
///
/// # Errors
/// As [`power_trace`].
pub fn power_trace_with(
    file: &str,
    text: &str,
    allow_negative: bool,
) -> Result<PowerTrace, ParseError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(index, line)| (index + 1, line.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, tokens)| !tokens.is_empty());
    let Some((header_line, header)) = lines.next() else {
        return Err(error(file, None, "header", "empty file; expected a line of block names"));
    };
    // Repeated names are allowed here: power layers sharing a floorplan repeat its names, and
    // the models check the columns against their floorplans (`check_trace_columns`).
    let names: Vec<String> = header.iter().map(|name| (*name).to_string()).collect();
    let mut rows = Vec::new();
    for (line, tokens) in lines {
        if tokens.len() != names.len() {
            return Err(error(
                file,
                Some(line),
                "row",
                format!(
                    "{} values; expected {} (one per column of the header)",
                    tokens.len(),
                    names.len()
                ),
            ));
        }
        let mut row = Vec::with_capacity(names.len());
        for (index, (token, name)) in tokens.iter().zip(&names).enumerate() {
            let field = format!("column {} (power of {name})", index + 1);
            let power_w = number(file, line, &format!("power of {name}"), token)?;
            if power_w < 0.0 && !allow_negative {
                return Err(error(
                    file,
                    Some(line),
                    field,
                    format!(
                        "value {} W; expected >= 0 W (--allow-negative-power accepts negative powers)",
                        shown(power_w)
                    ),
                ));
            }
            if power_w.abs() > MAX_BLOCK_POWER_W {
                return Err(error(
                    file,
                    Some(line),
                    field,
                    format!(
                        "value {} W; expected at most {} W per block (40 times a whole wafer-scale engine: a unit slip or a corrupted file)",
                        shown(power_w),
                        shown(MAX_BLOCK_POWER_W)
                    ),
                ));
            }
            row.push(power_w);
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(error(file, None, "rows", "no power rows after the header"));
    }
    Ok(PowerTrace { file: file.to_string(), header_line, names, rows })
}

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
fn edit_distance(a: &str, b: &str) -> usize {
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
    /// microchannel layer, see [`super::microchannel`]).
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

#[cfg(test)]
mod tests {
    use super::*;

    /// HotSpot's examples, vendored unmodified (see `tests/data/hotspot/README.md`).
    const EXAMPLE: &str = "tests/data/hotspot";

    fn read(path: &str) -> String {
        // Tests may read the vendored example files; the library itself never does.
        #[allow(clippy::disallowed_methods, reason = "test fixture")]
        std::fs::read_to_string(format!("{}/{EXAMPLE}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn hotspot_examples_parse() {
        let flp = floorplan("ev6.flp", &read("example2/ev6.flp")).unwrap();
        assert_eq!(flp.blocks.len(), 30);
        assert!((flp.width_m - 0.016).abs() < 1e-12 && (flp.height_m - 0.016).abs() < 1e-12);
        let trace = power_trace("gcc.ptrace", &read("example2/gcc.ptrace")).unwrap();
        assert_eq!(trace.names.len(), 30);
        assert!(trace.names.iter().all(|name| flp.index_of(name).is_some()));
        let config = config("example.config", &read("example2/example.config")).unwrap();
        assert!((config.number("t_chip").unwrap() - 0.00015).abs() < 1e-15);
        assert_eq!(config.text("material_sink"), Some("aluminum"));
        let found = materials("example.materials", &read("example2/example.materials")).unwrap();
        assert_eq!(found["aluminum"], Material { k_w_per_mk: 237.0, rho_c_j_per_m3k: 2.422e6 });
        let lcf =
            layer_configuration("example.lcf", &read("example3/example.lcf"), &found).unwrap();
        assert_eq!(lcf.len(), 4);
        assert!((lcf[1].material.k_w_per_mk - 4.0).abs() < 1e-12 && !lcf[1].has_power);
        let lcf5 = read("example5/example.lcf");
        let materials5 =
            materials("example.materials", &read("example5/example.materials")).unwrap();
        let layers5 = layer_configuration("example.lcf", &lcf5, &materials5).unwrap();
        assert_eq!(layers5.len(), 5);
        assert_eq!(layers5[1].floorplan_file, "microchannel_geometries/horizontal.csv");
        let fluids =
            fluid_viscosities("example.materials", &read("example5/example.materials")).unwrap();
        // Only water is a fluid; its viscosity is the record's fifth field.
        assert_eq!(fluids.len(), 1);
        assert!((fluids["water"] - 8.89e-4).abs() < 1e-18);
    }

    #[test]
    fn malformed_files_name_file_line_and_field() {
        let missing_column = floorplan("a.flp", "# c\nblock 0.001 0.001 0\n").unwrap_err();
        assert_eq!(missing_column.line, Some(2));
        assert!(
            missing_column.to_string().starts_with("a.flp:2: line: 4 columns; expected 5"),
            "{missing_column}"
        );
        let negative = floorplan("a.flp", "b -0.001 0.001 0 0\n").unwrap_err();
        assert_eq!(negative.to_string(), "a.flp:1: width: block b: value -0.001 m; expected > 0 m");
        let overlap =
            floorplan("a.flp", "a 0.002 0.002 0 0\nb 0.002 0.002 0.001 0.001\n").unwrap_err();
        assert_eq!(overlap.to_string(), "a.flp:2: geometry: block b overlaps block a (line 1)");
        let text = power_trace("p.ptrace", "a b\n1.0 x\n").unwrap_err();
        assert_eq!(text.to_string(), "p.ptrace:2: power of b: value \"x\" is not a finite number");
        let short = power_trace("p.ptrace", "a b\n1.0\n").unwrap_err();
        assert_eq!(
            short.to_string(),
            "p.ptrace:2: row: 1 values; expected 2 (one per column of the header)"
        );
        let nan = power_trace("p.ptrace", "a\nNaN\n").unwrap_err();
        assert!(nan.to_string().contains("is not a finite number"));
        let bad_config = config("c.config", "t_chip 0.1\n").unwrap_err();
        assert_eq!(bad_config.to_string(), "c.config:1: t_chip: expected `-name value`");
        let flag =
            layer_configuration("l.lcf", "0\nQ\nY\n1e6\n0.01\n1e-4\nf.flp\n", &BTreeMap::new())
                .unwrap_err();
        assert_eq!(flag.to_string(), "l.lcf:2: lateral heat flow: value \"Q\"; expected Y or N");
    }

    #[test]
    fn unknown_config_keys_are_refused_with_the_nearest_known_key() {
        // HotSpot's own example configs use only keys it knows.
        for example in ["example1", "example2"] {
            config("example.config", &read(&format!("{example}/example.config"))).unwrap();
        }
        // Keys match without regard to case, as HotSpot's strcasecmp does.
        let mixed = config("c.config", "-T_Chip 0.1\n-Davg 1\n-lambdaA 5e-6\n").unwrap();
        assert_eq!(mixed.text("t_chip"), Some("0.1"));
        let unknown = config("c.config", "# c\n-t_chip 0.1\n-frobnicate 7\n").unwrap_err();
        assert_eq!(unknown.line, Some(3));
        assert!(
            unknown.to_string().starts_with(
                "c.config:3: -frobnicate: unknown option; the nearest HotSpot option is -"
            ),
            "{unknown}"
        );
        let typo = config("c.config", "-s_spredaer 0.03\n").unwrap_err();
        assert_eq!(
            typo.to_string(),
            "c.config:1: -s_spredaer: unknown option; the nearest HotSpot option is -s_spreader"
        );
        assert_eq!(nearest_known_key("SAMPLING_INTERVAL"), "sampling_intvl");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert!(KNOWN_KEYS.iter().all(|key| *key == key.to_ascii_lowercase()));
    }

    #[test]
    fn negative_and_absurd_powers_are_refused_by_line_and_column() {
        let negative = power_trace("p.ptrace", "a b\n1.0 2.0\n1.0 -0.5\n").unwrap_err();
        assert_eq!(
            negative.to_string(),
            "p.ptrace:3: column 2 (power of b): value -0.5 W; expected >= 0 W (--allow-negative-power accepts negative powers)"
        );
        let allowed = power_trace_with("p.ptrace", "a b\n1.0 2.0\n1.0 -0.5\n", true).unwrap();
        assert_eq!(allowed.rows[1], vec![1.0, -0.5]);
        assert_eq!(allowed.header_line, 1);
        // 1e308 W passes `is_finite`; the bound refuses it, printed with an exponent.
        let huge = power_trace("p.ptrace", "a\n1e308\n").unwrap_err().to_string();
        assert!(huge.starts_with("p.ptrace:2: column 1 (power of a): value 1.000000e308 W; expected at most 1000000 W per block"), "{huge}");
        let huge_negative =
            power_trace_with("p.ptrace", "a\n-2e6\n", true).unwrap_err().to_string();
        assert!(huge_negative.contains("value -2000000 W; expected at most"), "{huge_negative}");
        // The bound itself is accepted.
        assert_eq!(power_trace("p.ptrace", "a\n1e6\n").unwrap().rows, vec![vec![1e6]]);
    }

    #[test]
    fn values_in_messages_are_bounded() {
        assert_eq!(shown(-0.0031), "-0.0031");
        assert_eq!(shown(0.0), "0");
        assert_eq!(shown(1e308), "1.000000e308");
        assert_eq!(shown(1e-300), "1.000000e-300");
        let wide = floorplan("a.flp", "b -1e308 0.001 0 0\n").unwrap_err().to_string();
        assert_eq!(wide, "a.flp:1: width: block b: value -1.000000e308 m; expected > 0 m");
        let thin = config("c.config", "-t_chip -1e-300\n").unwrap().positive("t_chip", "m");
        assert_eq!(
            thin.unwrap_err().to_string(),
            "c.config:1: -t_chip: value -1.000000e-300 m; expected > 0 m"
        );
        let long = "9".repeat(400) + "x";
        let token = power_trace("p.ptrace", &format!("a\n{long}\n")).unwrap_err().to_string();
        assert!(token.len() < 200 && token.contains("(401 characters)"), "{token}");
    }

    #[test]
    fn config_keeps_the_first_occurrence_and_overrides_win() {
        let mut parsed = config("c", "-grid_rows 64\n-GRID_ROWS 32\n").unwrap();
        assert!((parsed.number("grid_rows").unwrap() - 64.0).abs() < 1e-12);
        parsed.set("grid_rows", "128");
        assert!((parsed.number("grid_rows").unwrap() - 128.0).abs() < 1e-12);
    }
}
