//! The company-to-layer exposure map: which companies the source article places in each of
//! the four supply-chain layers, as data (CSV: `company,layer,role,source`, `layer` one of
//! `optical`, `switch`, `packaging`, `test`). It is shown beside the market engine's value
//! pools as exposure, never as advice.

/// The embedded map (from the seed article's supply-chain table).
pub const EXPOSURE_CSV: &str = include_str!("../presets/exposure.csv");

use crate::supply::Layer;

/// One company's place in a layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// Company name.
    pub company: String,
    /// The layer ([`Layer::key`] in the CSV).
    pub layer: Layer,
    /// What it supplies there.
    pub role: String,
    /// Where the placement comes from.
    pub source: String,
}

/// Parses an exposure CSV; an error names the file, line, column and value.
///
/// # Errors
/// A message for a bad header, a row without four cells, an empty cell or an unknown layer.
pub fn parse_exposure(text: &str, file: &str) -> Result<Vec<Exposure>, String> {
    let mut lines = text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty());
    match lines.next() {
        Some((_, "company,layer,role,source")) => {}
        other => {
            return Err(format!(
                "{file}:1: header {:?}; expected company,layer,role,source",
                other.map_or("", |(_, line)| line)
            ));
        }
    }
    lines
        .map(|(index, line)| {
            let row = index + 1;
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            if cells.len() != 4 || cells.iter().any(|cell| cell.is_empty()) {
                return Err(format!(
                    "{file}:{row}: {line:?}; expected 4 non-empty cells company,layer,role,source"
                ));
            }
            let layer =
                Layer::ALL.into_iter().find(|layer| layer.key() == cells[1]).ok_or_else(|| {
                    let keys: Vec<&str> = Layer::ALL.iter().map(|layer| layer.key()).collect();
                    format!(
                        "{file}:{row}: column layer: value {:?}; expected one of {}",
                        cells[1],
                        keys.join(", ")
                    )
                })?;
            Ok(Exposure {
                company: cells[0].to_string(),
                layer,
                role: cells[2].to_string(),
                source: cells[3].to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_map_parses_with_four_companies_per_layer() {
        let map = parse_exposure(EXPOSURE_CSV, "exposure.csv").unwrap();
        for layer in Layer::ALL {
            assert_eq!(map.iter().filter(|e| e.layer == layer).count(), 4, "{layer:?}");
        }
        let error =
            parse_exposure("company,layer,role,source\nX,optics,lasers,s\n", "e.csv").unwrap_err();
        assert!(error.starts_with("e.csv:2: column layer: value \"optics\""), "{error}");
    }
}
