//! Floorplans (`.flp`): blocks as rectangles, checked for overlaps and duplicates.

use super::materials_file::Material;
use super::{ParseError, error, number, shown, token_lines};

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
