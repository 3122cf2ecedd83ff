//! The stack description file as a whole: dimensions, the `stack:` section, and
//! [`StackFile::parse`], which reads every section in 3D-ICE's order.

use super::ParseError;
use super::cavity::{Cavity, CavityModel, parse_cavity};
use super::dies::{Die, LayerDef, Slab, parse_die, parse_layer_def};
use super::lexer::{Lexer, STACK_KEYWORDS, Tok};
use super::materials::{HeatSink, Material, parse_material, parse_sink};
use super::output::{Output, parse_output};
use super::solver::{Analysis, parse_solver};

/// Chip and cell dimensions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dimensions {
    /// Chip length (x), µm.
    pub chip_length_um: f64,
    /// Chip width (y), µm.
    pub chip_width_um: f64,
    /// Cell length (x), µm (with a 4RM cavity, the channel and wall lengths set the columns).
    pub cell_length_um: f64,
    /// Cell width (y), µm.
    pub cell_width_um: f64,
}

/// What a stack element is.
#[derive(Debug, Clone, PartialEq)]
pub enum ElementKind {
    /// A single layer.
    Layer(Slab),
    /// The cavity.
    Channel,
    /// A die with its floorplan file (path as written, relative to the stack file).
    Die {
        /// Index into [`StackFile::dies`].
        die: usize,
        /// Floorplan path as written.
        floorplan: String,
    },
}

/// A stack element, as listed in the `stack:` section (top first).
#[derive(Debug, Clone, PartialEq)]
pub struct StackElement {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ElementKind,
    /// Line of the declaration.
    pub line: usize,
}

/// A parsed stack description file.
#[derive(Debug, Clone, PartialEq)]
pub struct StackFile {
    /// File name as given.
    pub file: String,
    /// Materials.
    pub materials: Vec<Material>,
    /// Top heat sink.
    pub top_sink: Option<HeatSink>,
    /// Bottom heat sink.
    pub bottom_sink: Option<HeatSink>,
    /// The cavity, if declared.
    pub cavity: Option<Cavity>,
    /// Dimensions.
    pub dimensions: Dimensions,
    /// Dies.
    pub dies: Vec<Die>,
    /// Stack elements, top first (as written).
    pub stack: Vec<StackElement>,
    /// Analysis.
    pub analysis: Analysis,
    /// Initial temperature, K.
    pub initial_temperature_k: f64,
    /// Output instructions.
    pub outputs: Vec<Output>,
}

fn parse_dimensions(lx: &mut Lexer<'_>) -> Result<Dimensions, ParseError> {
    let field = "dimensions";
    lx.word(field, "dimensions")?;
    lx.punct(field, ':')?;
    let f = "dimensions: chip";
    lx.words(f, &["chip", "length"])?;
    let chip_length = lx.positive(f)?;
    lx.punct(f, ',')?;
    lx.word(f, "width")?;
    let chip_width = lx.positive(f)?;
    lx.punct(f, ';')?;
    let f = "dimensions: cell";
    lx.words(f, &["cell", "length"])?;
    let cell_length = lx.positive(f)?;
    lx.punct(f, ',')?;
    lx.word(f, "width")?;
    let cell_width = lx.positive(f)?;
    lx.punct(f, ';')?;
    if lx.is_word("non-uniform") {
        let f = "dimensions: non-uniform";
        lx.next();
        if lx.is_word("true") {
            return Err(lx.error(f, "the non-uniform grid (`non-uniform true`) is not supported; expected `non-uniform false`"));
        }
        lx.word(f, "false")?;
        lx.punct(f, ';')?;
    }
    Ok(Dimensions {
        chip_length_um: chip_length,
        chip_width_um: chip_width,
        cell_length_um: cell_length,
        cell_width_um: cell_width,
    })
}

/// The 4rm channel pattern must fit the chip length: first wall + last wall + channel +
/// n × (channel + wall) for a whole n.
fn check_4rm_fit(
    file: &str,
    dimensions_line: usize,
    dimensions: &Dimensions,
    cavity: Option<&Cavity>,
) -> Result<(), ParseError> {
    if let Some(Cavity {
        model:
            CavityModel::Microchannel4rm {
                channel_length_um,
                wall_length_um,
                first_wall_length_um,
                last_wall_length_um,
                ..
            },
        ..
    }) = cavity
    {
        let ratio = (dimensions.chip_length_um
            - first_wall_length_um
            - last_wall_length_um
            - channel_length_um)
            / (channel_length_um + wall_length_um);
        if ratio.fract() != 0.0 || ratio < 0.0 {
            return Err(ParseError {
                file: file.into(),
                line: dimensions_line,
                field: "dimensions: chip length".into(),
                message: format!(
                    "the 4rm channel pattern does not fit the chip length {}: first wall + last wall + channel + n x (channel + wall) must equal it for a whole n (here n = {ratio})",
                    dimensions.chip_length_um
                ),
            });
        }
    }
    Ok(())
}

/// The `stack:` section: layers, channels and dies, top first.
fn parse_stack_section(
    lx: &mut Lexer<'_>,
    file: &str,
    layers: &[LayerDef],
    dies: &[Die],
    cavity: Option<&Cavity>,
) -> Result<Vec<StackElement>, ParseError> {
    lx.word("stack", "stack")?;
    lx.punct("stack", ':')?;
    let mut stack: Vec<StackElement> = Vec::new();
    loop {
        let line = lx.line();
        let kind_word = match lx.peek() {
            Tok::Word(w) if w == "layer" || w == "channel" || w == "die" => w.clone(),
            _ => break,
        };
        lx.next();
        let (name, _) = lx.identifier("stack")?;
        let field = format!("stack: {kind_word} {name}");
        let kind = match kind_word.as_str() {
            "layer" => {
                let (layer, l) = lx.identifier(&field)?;
                let slab =
                    layers.iter().find(|d| d.name == layer).map(|d| d.slab.clone()).ok_or_else(
                        || ParseError {
                            file: file.into(),
                            line: l,
                            field: field.clone(),
                            message: format!("unknown layer {layer}"),
                        },
                    )?;
                ElementKind::Layer(slab)
            }
            "channel" => {
                if cavity.is_none() {
                    return Err(ParseError {
                        file: file.into(),
                        line,
                        field,
                        message:
                            "channel used in stack but no microchannel or pinfin section declared"
                                .into(),
                    });
                }
                if stack.last().is_some_and(|e| e.kind == ElementKind::Channel) {
                    return Err(ParseError {
                        file: file.into(),
                        line,
                        field,
                        message: "cannot declare two consecutive channels".into(),
                    });
                }
                ElementKind::Channel
            }
            _ => {
                let (die, l) = lx.identifier(&field)?;
                let index = dies.iter().position(|d| d.name == die).ok_or_else(|| ParseError {
                    file: file.into(),
                    line: l,
                    field: field.clone(),
                    message: format!("unknown die {die}"),
                })?;
                lx.word(&field, "floorplan")?;
                let floorplan = lx.path(&field)?;
                if lx.is_word("discretization") {
                    return Err(lx.error(
                        &field,
                        "per-die discretization is not supported (it needs the non-uniform grid)",
                    ));
                }
                ElementKind::Die { die: index, floorplan }
            }
        };
        if lx.is_word("discretization") {
            return Err(lx.error(
                &field,
                "per-layer discretization is not supported (it needs the non-uniform grid)",
            ));
        }
        lx.punct(&field, ';')?;
        if stack.iter().any(|e| e.name == name) {
            return Err(ParseError {
                file: file.into(),
                line,
                field,
                message: format!("stack element {name} already declared"),
            });
        }
        stack.push(StackElement { name, kind, line });
    }
    if !stack.iter().any(|e| matches!(e.kind, ElementKind::Die { .. })) {
        return Err(lx.unexpected(
            "stack",
            "`layer`, `channel` or `die` (the stack must contain at least one die)",
        ));
    }
    if stack.first().is_some_and(|e| e.kind == ElementKind::Channel)
        || stack.last().is_some_and(|e| e.kind == ElementKind::Channel)
    {
        let e =
            if stack[0].kind == ElementKind::Channel { &stack[0] } else { &stack[stack.len() - 1] };
        return Err(ParseError {
            file: file.into(),
            line: e.line,
            field: format!("stack: channel {}", e.name),
            message: "a channel cannot be the top-most or bottom-most stack element".into(),
        });
    }
    Ok(stack)
}

impl StackFile {
    /// Parses a stack description file's text; `file` names it in errors.
    ///
    /// # Errors
    /// A [`ParseError`] for the first malformed statement.
    pub fn parse(file: &str, text: &str) -> Result<StackFile, ParseError> {
        let mut lx = Lexer::new(file, text, STACK_KEYWORDS)?;
        let lx = &mut lx;
        let mut materials: Vec<Material> = Vec::new();
        while lx.is_word("material") {
            let line = lx.line();
            let material = parse_material(lx)?;
            if materials.iter().any(|m| m.name == material.name) {
                return Err(ParseError {
                    file: file.into(),
                    line,
                    field: format!("material {}", material.name),
                    message: format!("material {} already declared", material.name),
                });
            }
            materials.push(material);
        }
        if materials.is_empty() {
            return Err(lx.unexpected("materials", "at least one `material` declaration"));
        }
        let mut top_sink = None;
        let mut bottom_sink = None;
        if lx.is_word("top") {
            if matches!(lx.peek_at(1), Tok::Word(w) if w == "pluggable") {
                return Err(lx.error(
                    "top pluggable heat sink",
                    "the pluggable heat sink is not supported; expected `top heat sink`",
                ));
            }
            top_sink = Some(parse_sink(lx, "top")?);
        }
        if lx.is_word("bottom") {
            bottom_sink = Some(parse_sink(lx, "bottom")?);
        }
        let cavity = if lx.is_word("microchannel") || lx.is_word("pinfin") {
            Some(parse_cavity(lx, &materials)?)
        } else {
            None
        };
        let dimensions_line = lx.line();
        let dimensions = parse_dimensions(lx)?;
        check_4rm_fit(file, dimensions_line, &dimensions, cavity.as_ref())?;
        let mut layers: Vec<LayerDef> = Vec::new();
        while lx.is_word("layer") {
            let line = lx.line();
            let layer = parse_layer_def(lx, &materials)?;
            if layers.iter().any(|l| l.name == layer.name) {
                return Err(ParseError {
                    file: file.into(),
                    line,
                    field: format!("layer {}", layer.name),
                    message: format!("layer {} already declared", layer.name),
                });
            }
            layers.push(layer);
        }
        let mut dies: Vec<Die> = Vec::new();
        while lx.is_word("die") {
            let line = lx.line();
            let die = parse_die(lx, &materials, &layers)?;
            if dies.iter().any(|d| d.name == die.name) {
                return Err(ParseError {
                    file: file.into(),
                    line,
                    field: format!("die {}", die.name),
                    message: format!("die {} already declared", die.name),
                });
            }
            dies.push(die);
        }
        if dies.is_empty() {
            return Err(lx.unexpected("dies", "at least one `die` declaration"));
        }
        let stack = parse_stack_section(lx, file, &layers, &dies, cavity.as_ref())?;
        let (analysis, initial) = parse_solver(lx)?;
        let mut outputs = Vec::new();
        if lx.is_word("output") {
            lx.next();
            lx.punct("output", ':')?;
            while !matches!(lx.peek(), Tok::End) {
                outputs.push(parse_output(lx, &stack)?);
            }
        }
        if !matches!(lx.peek(), Tok::End) {
            return Err(lx.unexpected("file", "`output:` or the end of the file"));
        }
        Ok(StackFile {
            file: file.into(),
            materials,
            top_sink,
            bottom_sink,
            cavity,
            dimensions,
            dies,
            stack,
            analysis,
            initial_temperature_k: initial,
            outputs,
        })
    }
}
