//! Floorplan files (`.flp`): elements with a position and dimension or rectangles, and their
//! power traces.

use super::ParseError;
use super::lexer::{FLOORPLAN_KEYWORDS, Lexer, Tok};

/// A rectangle of a floorplan element, µm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// South-west x.
    pub x_um: f64,
    /// South-west y.
    pub y_um: f64,
    /// Length along x.
    pub length_um: f64,
    /// Width along y.
    pub width_um: f64,
}

/// A floorplan element: rectangles and a power trace (W per slot).
#[derive(Debug, Clone, PartialEq)]
pub struct FloorplanElement {
    /// Name.
    pub name: String,
    /// Rectangles.
    pub rects: Vec<Rect>,
    /// Power values, W, one per slot.
    pub powers_w: Vec<f64>,
    /// Line of the declaration.
    pub line: usize,
}

/// A 3D-ICE floorplan file.
#[derive(Debug, Clone, PartialEq)]
pub struct Floorplan {
    /// File name as given.
    pub file: String,
    /// Elements in file order.
    pub elements: Vec<FloorplanElement>,
}

fn parse_rect_numbers(lx: &mut Lexer<'_>, field: &str) -> Result<[f64; 4], ParseError> {
    let x = lx.non_negative(field)?;
    lx.punct(field, ',')?;
    let y = lx.non_negative(field)?;
    lx.punct(field, ',')?;
    let l = lx.positive(field)?;
    lx.punct(field, ',')?;
    let w = lx.positive(field)?;
    Ok([x, y, l, w])
}

impl Floorplan {
    /// Parses a 3D-ICE floorplan file: elements `NAME : position X, Y ; dimension L, W ;` or
    /// one or more `rectangle (X, Y, L, W) ;`, then optionally `power values P1, P2, ... ;`.
    ///
    /// # Errors
    /// A [`ParseError`] for the first malformed statement.
    pub fn parse(file: &str, text: &str) -> Result<Floorplan, ParseError> {
        let mut lx = Lexer::new(file, text, FLOORPLAN_KEYWORDS)?;
        let lx = &mut lx;
        let mut elements = Vec::new();
        while !matches!(lx.peek(), Tok::End) {
            let line = lx.line();
            let (name, _) = lx.identifier("floorplan element")?;
            let field = format!("floorplan element {name}");
            lx.punct(&field, ':')?;
            let mut rects = Vec::new();
            if lx.is_word("position") {
                let f = format!("{field}: position");
                lx.next();
                let x = lx.non_negative(&f)?;
                lx.punct(&f, ',')?;
                let y = lx.non_negative(&f)?;
                lx.punct(&f, ';')?;
                let f = format!("{field}: dimension");
                lx.word(&f, "dimension")?;
                let l = lx.positive(&f)?;
                lx.punct(&f, ',')?;
                let w = lx.positive(&f)?;
                lx.punct(&f, ';')?;
                if lx.is_word("material") || lx.is_word("discretization") {
                    return Err(lx.error(
                        &field,
                        "per-element materials and discretizations are not supported",
                    ));
                }
                rects.push(Rect { x_um: x, y_um: y, length_um: l, width_um: w });
            } else {
                while lx.is_word("rectangle") {
                    let f = format!("{field}: rectangle");
                    lx.next();
                    lx.punct(&f, '(')?;
                    let [x, y, l, w] = parse_rect_numbers(lx, &f)?;
                    lx.punct(&f, ')')?;
                    lx.punct(&f, ';')?;
                    rects.push(Rect { x_um: x, y_um: y, length_um: l, width_um: w });
                }
                if rects.is_empty() {
                    return Err(lx.unexpected(&field, "`position` or `rectangle`"));
                }
            }
            let mut powers = Vec::new();
            if lx.is_word("power") {
                let f = format!("{field}: power values");
                lx.next();
                lx.word(&f, "values")?;
                powers.push(lx.number(&f)?);
                while lx.is_punct(',') {
                    lx.next();
                    powers.push(lx.number(&f)?);
                }
                lx.punct(&f, ';')?;
            }
            elements.push(FloorplanElement { name, rects, powers_w: powers, line });
        }
        if elements.is_empty() {
            return Err(lx.unexpected("floorplan", "at least one floorplan element"));
        }
        Ok(Floorplan { file: file.into(), elements })
    }
}
