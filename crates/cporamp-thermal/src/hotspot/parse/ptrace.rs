//! Power traces (`.ptrace`): a line of block names, then one line of powers per sampling
//! interval.

use super::{ParseError, error, number, shown};

/// The largest power one block may dissipate, W. The hottest single packages dissipate about
/// 1 kW and a wafer-scale engine about 25 kW in total; a million watts in one block is 40 times
/// a whole wafer and can only be a unit slip (mW or µW written as W) or a corrupted file,
/// whose temperatures would be meaningless.
pub const MAX_BLOCK_POWER_W: f64 = 1e6;

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
