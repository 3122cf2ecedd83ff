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
//!
//! One submodule per file kind: floorplans (`flp`), power traces (`ptrace`), configs
//! (`config_file`), materials (`materials_file`) and layer configurations (`lcf`); their items
//! are re-exported here.

mod config_file;
mod flp;
mod lcf;
mod materials_file;
mod ptrace;

pub use config_file::{Config, KNOWN_KEYS, MAX_TEMPERATURE_K, config, nearest_known_key};
pub use flp::{Block, Floorplan, floorplan};
pub use lcf::{LcfLayer, layer_configuration};
pub use materials_file::{Material, fluid_viscosities, materials};
pub use ptrace::{MAX_BLOCK_POWER_W, PowerTrace, power_trace, power_trace_with};

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

#[cfg(test)]
mod tests {
    use super::config_file::edit_distance;
    use super::*;
    use std::collections::BTreeMap;

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
