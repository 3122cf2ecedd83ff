//! The `output` section: `T`, `Tflp`, `Tflpel`, `Tmap` and `Tcoolant` instructions.

use super::ParseError;
use super::lexer::{Lexer, Tok};
use super::stack::{ElementKind, StackElement};

/// Which statistic an output reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Maximum.
    Maximum,
    /// Minimum.
    Minimum,
    /// Average.
    Average,
    /// Maximum minus minimum (for `Tcoolant`, 3D-ICE returns the maximum).
    Gradient,
}

impl Quantity {
    /// 3D-ICE's header word.
    #[must_use]
    pub fn header(self) -> &'static str {
        match self {
            Quantity::Maximum => "Maximum",
            Quantity::Minimum => "Minimum",
            Quantity::Average => "Average",
            Quantity::Gradient => "Gradient",
        }
    }
}

/// When an output is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instant {
    /// After every time step.
    Step,
    /// At the end of every power slot.
    Slot,
    /// Once, at the end.
    Final,
}

/// An output instruction.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputKind {
    /// `T`: one cell of an element's source layer.
    Cell {
        /// Stack element index.
        element: usize,
        /// x, µm.
        x_um: f64,
        /// y, µm.
        y_um: f64,
    },
    /// `Tflp`: every floorplan element of a die.
    Floorplan {
        /// Stack element index (a die).
        element: usize,
        /// Statistic.
        quantity: Quantity,
    },
    /// `Tflpel`: one floorplan element.
    FloorplanElement {
        /// Stack element index (a die).
        element: usize,
        /// Floorplan element name.
        name: String,
        /// Statistic.
        quantity: Quantity,
    },
    /// `Tmap`: the element's source layer, row by row.
    Map {
        /// Stack element index.
        element: usize,
    },
    /// `Tcoolant`: channel outlet temperatures.
    Coolant {
        /// Stack element index (a channel).
        element: usize,
        /// Statistic.
        quantity: Quantity,
    },
}

/// An output instruction with its file and instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// What to write.
    pub kind: OutputKind,
    /// File name as written.
    pub file: String,
    /// When.
    pub instant: Instant,
    /// Line of the instruction.
    pub line: usize,
}

fn parse_quantity(lx: &mut Lexer<'_>, field: &str) -> Result<Quantity, ParseError> {
    let q = match lx.peek() {
        Tok::Word(w) if w == "maximum" => Quantity::Maximum,
        Tok::Word(w) if w == "minimum" => Quantity::Minimum,
        Tok::Word(w) if w == "average" => Quantity::Average,
        Tok::Word(w) if w == "gradient" => Quantity::Gradient,
        _ => return Err(lx.unexpected(field, "`maximum`, `minimum`, `average` or `gradient`")),
    };
    lx.next();
    Ok(q)
}

fn parse_instant(lx: &mut Lexer<'_>, field: &str) -> Result<Instant, ParseError> {
    if lx.is_punct(',') {
        lx.next();
        let instant = match lx.peek() {
            Tok::Word(w) if w == "step" => Instant::Step,
            Tok::Word(w) if w == "slot" => Instant::Slot,
            Tok::Word(w) if w == "final" => Instant::Final,
            _ => return Err(lx.unexpected(field, "`step`, `slot` or `final`")),
        };
        lx.next();
        Ok(instant)
    } else {
        Ok(Instant::Final)
    }
}

fn find_element(
    lx: &Lexer<'_>,
    stack: &[StackElement],
    name: &str,
    line: usize,
    field: &str,
) -> Result<usize, ParseError> {
    stack.iter().position(|e| e.name == name).ok_or_else(|| ParseError {
        file: lx.file.to_string(),
        line,
        field: field.to_string(),
        message: format!(
            "unknown stack element {name}; expected one of: {}",
            stack.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", ")
        ),
    })
}

pub(super) fn parse_output(
    lx: &mut Lexer<'_>,
    stack: &[StackElement],
) -> Result<Output, ParseError> {
    let line = lx.line();
    let (Tok::Word(command), _) = lx.next() else {
        return Err(lx.unexpected("output", "`T`, `Tflp`, `Tflpel`, `Tmap` or `Tcoolant`"));
    };
    let field = format!("output {command}");
    let f = field.as_str();
    let die_only = |lx: &Lexer<'_>, index: usize, line: usize| -> Result<(), ParseError> {
        if matches!(stack[index].kind, ElementKind::Die { .. }) {
            Ok(())
        } else {
            Err(ParseError {
                file: lx.file.to_string(),
                line,
                field: f.to_string(),
                message: format!("the stack element {} must be a die", stack[index].name),
            })
        }
    };
    let (kind, file, instant) = match command.as_str() {
        "T" => {
            lx.punct(f, '(')?;
            let (name, nl) = lx.identifier(f)?;
            let element = find_element(lx, stack, &name, nl, f)?;
            lx.punct(f, ',')?;
            let x = lx.non_negative(f)?;
            lx.punct(f, ',')?;
            let y = lx.non_negative(f)?;
            lx.punct(f, ',')?;
            let file = lx.path(f)?;
            let instant = parse_instant(lx, f)?;
            (OutputKind::Cell { element, x_um: x, y_um: y }, file, instant)
        }
        "Tflp" | "Tcoolant" => {
            lx.punct(f, '(')?;
            let (name, nl) = lx.identifier(f)?;
            let element = find_element(lx, stack, &name, nl, f)?;
            if command == "Tflp" {
                die_only(lx, element, nl)?;
            } else if stack[element].kind != ElementKind::Channel {
                return Err(ParseError {
                    file: lx.file.to_string(),
                    line: nl,
                    field: field.clone(),
                    message: format!("the stack element {name} must be a channel"),
                });
            }
            lx.punct(f, ',')?;
            let file = lx.path(f)?;
            lx.punct(f, ',')?;
            let quantity = parse_quantity(lx, f)?;
            let instant = parse_instant(lx, f)?;
            let kind = if command == "Tflp" {
                OutputKind::Floorplan { element, quantity }
            } else {
                OutputKind::Coolant { element, quantity }
            };
            (kind, file, instant)
        }
        "Tflpel" => {
            lx.punct(f, '(')?;
            let (name, nl) = lx.identifier(f)?;
            let element = find_element(lx, stack, &name, nl, f)?;
            die_only(lx, element, nl)?;
            lx.punct(f, '.')?;
            let (flp, _) = lx.identifier(f)?;
            lx.punct(f, ',')?;
            let file = lx.path(f)?;
            lx.punct(f, ',')?;
            let quantity = parse_quantity(lx, f)?;
            let instant = parse_instant(lx, f)?;
            (OutputKind::FloorplanElement { element, name: flp, quantity }, file, instant)
        }
        "Tmap" => {
            lx.punct(f, '(')?;
            let (name, nl) = lx.identifier(f)?;
            let element = find_element(lx, stack, &name, nl, f)?;
            lx.punct(f, ',')?;
            let file = lx.path(f)?;
            let instant = parse_instant(lx, f)?;
            (OutputKind::Map { element }, file, instant)
        }
        "T3d" | "Pmap" => {
            return Err(ParseError {
                file: lx.file.to_string(),
                line,
                field,
                message: format!(
                    "output `{command}` is not supported; expected `T`, `Tflp`, `Tflpel`, `Tmap` or `Tcoolant`"
                ),
            });
        }
        other => {
            return Err(ParseError {
                file: lx.file.to_string(),
                line,
                field: "output".into(),
                message: format!(
                    "expected `T`, `Tflp`, `Tflpel`, `Tmap` or `Tcoolant`, found `{other}`"
                ),
            });
        }
    };
    lx.punct(f, ')')?;
    lx.punct(f, ';')?;
    Ok(Output { kind, file, instant, line })
}
