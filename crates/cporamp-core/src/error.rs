//! Scenario errors that name the file, the place in it, the field, the value and what was
//! expected.
//!
//! A scenario is checked completely before anything runs; every problem found is reported,
//! not only the first, so a user can fix a file in one pass. Syntax and schema errors (a
//! malformed file, an unknown or missing field, a wrong type) stop parsing, so they come
//! alone.

use std::fmt;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Dotted path to the field, e.g. `technology.cpo_els.laser.wall_plug_efficiency`.
    /// Empty for a syntax error that is not inside a field.
    pub path: String,
    /// 1-based line and column in the file, where known.
    pub location: Option<(usize, usize)>,
    /// What is wrong.
    pub kind: DiagnosticKind,
}

/// The kinds of problems a scenario can have.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The file is not valid TOML.
    Syntax {
        /// The TOML parser's message.
        message: String,
    },
    /// Valid TOML that does not fit the schema: unknown or missing field, wrong type.
    Schema {
        /// The deserializer's message.
        message: String,
    },
    /// A value of the wrong type (text where a number belongs, a fraction for a count, ...).
    WrongType {
        /// The value as given (cut when long).
        value: String,
        /// Its type, for people (`text`, `a decimal number`, ...).
        found: String,
        /// What the field accepts: its type and range or choices, e.g.
        /// `an integer 1 <= value <= 10000000`.
        expected: String,
        /// The unit of the field, where it has one.
        unit: Option<String>,
    },
    /// A number outside its allowed range.
    OutOfRange {
        /// The value as given.
        value: String,
        /// The allowed range, e.g. `0 < value <= 1`.
        expected: String,
        /// The unit of the field, e.g. `W` or `fraction`.
        unit: String,
    },
    /// A value that is not one of the allowed choices, or inconsistent with another field.
    Invalid {
        /// The value as given.
        value: String,
        /// What would have been accepted.
        expected: String,
    },
    /// A run whose estimated resources exceed the budget (see `cporamp_scenario::limits`).
    OverBudget {
        /// `memory` or `CPU time`.
        resource: String,
        /// The estimate and what drives it.
        estimate: String,
        /// The budget and the flag that changes it.
        budget: String,
    },
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((line, column)) = self.location {
            write!(f, "{line}:{column}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        match &self.kind {
            DiagnosticKind::Syntax { message } => write!(f, "invalid TOML: {message}"),
            DiagnosticKind::Schema { message } => write!(f, "{message}"),
            DiagnosticKind::WrongType { value, found, expected, unit } => {
                write!(f, "value {value} ({found}) has the wrong type; expected {expected}")?;
                match unit {
                    Some(unit) => write!(f, " ({unit})"),
                    None => Ok(()),
                }
            }
            DiagnosticKind::OutOfRange { value, expected, unit } => {
                write!(f, "value {value} is out of range; expected {expected} ({unit})")
            }
            DiagnosticKind::Invalid { value, expected } => {
                write!(f, "value {value} is not valid; expected {expected}")
            }
            DiagnosticKind::OverBudget { resource, estimate, budget } => {
                write!(f, "{resource} of a run: about {estimate}; the budget is {budget}")
            }
        }
    }
}

/// Problems on one line, `; `-separated (an engine's error for inputs a library caller built).
#[must_use]
pub fn one_line(problems: &[Diagnostic]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// A scenario that could not be loaded: where it came from and everything wrong with it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ScenarioError {
    /// The file path, or `<embedded default>`.
    pub origin: String,
    /// At least one problem.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n_problems = self.diagnostics.len();
        write!(
            f,
            "scenario {} has {n_problems} problem{}",
            self.origin,
            if n_problems == 1 { "" } else { "s" }
        )?;
        for diagnostic in &self.diagnostics {
            let separator = if diagnostic.location.is_some() { ":" } else { ": " };
            write!(f, "\n  {}{separator}{diagnostic}", self.origin)?;
        }
        Ok(())
    }
}
