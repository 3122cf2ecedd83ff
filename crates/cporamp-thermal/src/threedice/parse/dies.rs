//! Layers and dies: the `layer` declarations and the `die` sections (layers written top
//! first, stored bottom first).

use super::ParseError;
use super::lexer::{Lexer, Tok, statement};
use super::materials::{Material, find_material};

/// One layer of material: a height and a material index.
#[derive(Debug, Clone, PartialEq)]
pub struct Slab {
    /// Height, µm.
    pub height_um: f64,
    /// Index into [`StackFile::materials`](super::StackFile::materials).
    pub material: usize,
}

/// A die: its layers from bottom to top and which is the source layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Die {
    /// Name.
    pub name: String,
    /// Layers, bottom first.
    pub layers: Vec<Slab>,
    /// Index of the source layer in `layers`.
    pub source: usize,
}

pub(super) struct LayerDef {
    pub(super) name: String,
    pub(super) slab: Slab,
}

pub(super) fn parse_layer_def(
    lx: &mut Lexer<'_>,
    materials: &[Material],
) -> Result<LayerDef, ParseError> {
    lx.word("layer", "layer")?;
    let (name, _) = lx.identifier("layer")?;
    let field = format!("layer {name}");
    lx.punct(&field, ':')?;
    let height = statement(lx, &format!("{field}: height"), &["height"])?;
    let f = format!("{field}: material");
    lx.word(&f, "material")?;
    let (mat, line) = lx.identifier(&f)?;
    lx.punct(&f, ';')?;
    let material = find_material(lx, materials, &mat, line, &f)?;
    if lx.is_word("layout") {
        return Err(lx.error(&field, "per-cell material layouts (`layout`) are not supported"));
    }
    Ok(LayerDef { name, slab: Slab { height_um: height, material } })
}

fn parse_die_layer(
    lx: &mut Lexer<'_>,
    materials: &[Material],
    layers: &[LayerDef],
    field: &str,
) -> Result<Slab, ParseError> {
    if matches!(lx.peek(), Tok::Number(_)) {
        let height = lx.positive(field)?;
        let (mat, line) = lx.identifier(field)?;
        lx.punct(field, ';')?;
        let material = find_material(lx, materials, &mat, line, field)?;
        Ok(Slab { height_um: height, material })
    } else {
        let (name, line) = lx.identifier(field)?;
        lx.punct(field, ';')?;
        layers.iter().find(|l| l.name == name).map(|l| l.slab.clone()).ok_or_else(|| ParseError {
            file: lx.file.to_string(),
            line,
            field: field.to_string(),
            message: format!("unknown layer {name}; expected a height and a material, or a layer declared before the dies"),
        })
    }
}

pub(super) fn parse_die(
    lx: &mut Lexer<'_>,
    materials: &[Material],
    layers: &[LayerDef],
) -> Result<Die, ParseError> {
    lx.word("die", "die")?;
    let (name, _) = lx.identifier("die")?;
    let field = format!("die {name}");
    lx.punct(&field, ':')?;
    let mut above = Vec::new();
    while lx.is_word("layer") {
        lx.next();
        above.push(parse_die_layer(lx, materials, layers, &format!("{field}: layer"))?);
    }
    if !lx.is_word("source") {
        return Err(lx.unexpected(&field, "`layer` or `source` (a die needs one source layer)"));
    }
    lx.next();
    let source = parse_die_layer(lx, materials, layers, &format!("{field}: source"))?;
    let mut below = Vec::new();
    while lx.is_word("layer") {
        lx.next();
        below.push(parse_die_layer(lx, materials, layers, &format!("{field}: layer"))?);
    }
    if lx.is_word("source") {
        return Err(lx.error(&field, "a die has exactly one source layer"));
    }
    // Written top first; stored bottom first.
    let mut bottom_up: Vec<Slab> = below.into_iter().rev().collect();
    let source_index = bottom_up.len();
    bottom_up.push(source);
    bottom_up.extend(above.into_iter().rev());
    Ok(Die { name, layers: bottom_up, source: source_index })
}
