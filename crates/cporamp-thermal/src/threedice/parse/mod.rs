//! Readers for 3D-ICE's stack description (`.stk`) and floorplan (`.flp`) files.
//!
//! The grammar is 3D-ICE 4's (its bison and flex files), as its examples use it: keywords are
//! case-sensitive and reserved, `//` and `/* */` are comments, numbers are
//! `[+-]digits[.digits][e[+-]digits]`, identifiers `[alpha][alnum_]*`, paths `"..."`.
//! Sections come in 3D-ICE's order: materials, heat sinks (optional), one microchannel or
//! pin-fin cavity (optional), dimensions, layers (optional), dies, stack, solver, output
//! (optional). Units are 3D-ICE's: lengths in µm, conductivities in W/(µm·K), volumetric heat
//! capacities in J/(µm³·K), heat-transfer coefficients in W/(µm²·K), flow rates in ml/min,
//! Darcy velocities in µm/s, times in s, temperatures in K.
//!
//! Every malformed input is a [`ParseError`] naming the file, the line, the field (the section
//! or statement being read) and what was expected. Beyond 3D-ICE's own checks, these readers
//! refuse values that would make the model meaningless (non-positive sizes, conductivities,
//! flow rates, steps) instead of producing NaNs later.
//!
//! One submodule per part of the grammar: the tokenizer (`lexer`), materials and heat sinks
//! (`materials`), the microchannel and pin-fin cavity (`cavity`), layers and dies (`dies`),
//! dimensions and the stack with [`StackFile::parse`] (`stack`), the solver section
//! (`solver`), the output section (`output`), and floorplans (`floorplan`). Their items are
//! re-exported here.

mod cavity;
mod dies;
mod floorplan;
mod lexer;
mod materials;
mod output;
mod solver;
mod stack;

pub use cavity::{Cavity, CavityModel, ml_per_min_to_um3_per_s};
pub use dies::{Die, Slab};
pub use floorplan::{Floorplan, FloorplanElement, Rect};
pub use materials::{HeatSink, Material};
pub use output::{Instant, Output, OutputKind, Quantity};
pub use solver::Analysis;
pub use stack::{Dimensions, ElementKind, StackElement, StackFile};

/// A problem in a 3D-ICE input file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: {field}: {message}")]
pub struct ParseError {
    /// File name as given.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The section or statement being read.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}
