//! Checking the numbers of a raw scenario section: every problem names its field path, the
//! value, and the allowed interval or choices with the unit. A [`Checker`] collects all
//! problems of a file, so a user sees them at once; nothing is clamped or defaulted.

use crate::error::{Diagnostic, DiagnosticKind};
use crate::locate::quote_segment;

/// A bound of an allowed interval.
#[derive(Debug, Clone, Copy)]
pub enum Bound {
    /// The value may equal it.
    Inclusive(f64),
    /// The value must differ from it.
    Exclusive(f64),
    /// No bound on this side.
    None,
}

/// Allowed interval of a number.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The lower bound.
    pub min: Bound,
    /// The upper bound.
    pub max: Bound,
}

impl Limits {
    /// Greater than zero.
    pub const POSITIVE: Limits = Limits { min: Bound::Exclusive(0.0), max: Bound::None };
    /// Zero or more.
    pub const NON_NEGATIVE: Limits = Limits { min: Bound::Inclusive(0.0), max: Bound::None };
    /// Any finite number.
    pub const FINITE: Limits = Limits { min: Bound::None, max: Bound::None };
    /// A fraction, zero to one.
    pub const FRACTION: Limits = Limits::between(0.0, 1.0);
    /// A fraction strictly between zero and one.
    pub const FRACTION_OPEN: Limits =
        Limits { min: Bound::Exclusive(0.0), max: Bound::Exclusive(1.0) };
    /// A fraction above zero, at most one.
    pub const FRACTION_OPEN_ZERO: Limits =
        Limits { min: Bound::Exclusive(0.0), max: Bound::Inclusive(1.0) };
    /// A fraction from zero, below one.
    pub const FRACTION_BELOW_ONE: Limits =
        Limits { min: Bound::Inclusive(0.0), max: Bound::Exclusive(1.0) };

    /// From `min` to `max`, both included.
    #[must_use]
    pub const fn between(min: f64, max: f64) -> Limits {
        Limits { min: Bound::Inclusive(min), max: Bound::Inclusive(max) }
    }

    /// Whether `value` is finite and within the bounds.
    #[must_use]
    pub fn contains(self, value: f64) -> bool {
        let above = match self.min {
            Bound::Inclusive(min) => value >= min,
            Bound::Exclusive(min) => value > min,
            Bound::None => true,
        };
        let below = match self.max {
            Bound::Inclusive(max) => value <= max,
            Bound::Exclusive(max) => value < max,
            Bound::None => true,
        };
        value.is_finite() && above && below
    }

    /// The interval for people: `0 < value <= 1`, `a finite number`.
    #[must_use]
    pub fn describe(self) -> String {
        let lower = match self.min {
            Bound::Inclusive(min) => Some(format!("{min} <= ")),
            Bound::Exclusive(min) => Some(format!("{min} < ")),
            Bound::None => None,
        };
        let upper = match self.max {
            Bound::Inclusive(max) => Some(format!(" <= {max}")),
            Bound::Exclusive(max) => Some(format!(" < {max}")),
            Bound::None => None,
        };
        match (lower, upper) {
            (None, None) => "a finite number".to_string(),
            (lower, upper) => {
                format!("{}value{}", lower.unwrap_or_default(), upper.unwrap_or_default())
            }
        }
    }
}

/// Collects problems while walking a raw section: each names the field path, the value, and
/// what was expected (the interval and unit of a number).
#[derive(Debug, Default)]
pub struct Checker {
    /// The problems found so far, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checker {
    /// Records that `value` at `path` is not what was `expected`.
    pub fn invalid(
        &mut self,
        path: &str,
        value: impl std::fmt::Display,
        expected: impl Into<String>,
    ) {
        self.diagnostics.push(Diagnostic {
            path: path.to_string(),
            location: None,
            kind: DiagnosticKind::Invalid { value: value.to_string(), expected: expected.into() },
        });
    }

    /// Checks a number against `limits` (recording a problem if outside) and returns it.
    pub fn number(&mut self, path: &str, value: f64, limits: Limits, unit: &str) -> f64 {
        if !limits.contains(value) {
            self.diagnostics.push(Diagnostic {
                path: path.to_string(),
                location: None,
                kind: DiagnosticKind::OutOfRange {
                    value: value.to_string(),
                    expected: limits.describe(),
                    unit: unit.to_string(),
                },
            });
        }
        value
    }

    /// Checks an integer count against `min..=max`; returns it, or 1 (with a problem) when
    /// outside. A count beyond `i64` (an unsigned field) is outside every range.
    pub fn count(
        &mut self,
        path: &str,
        value: impl TryInto<i64>,
        min: i64,
        max: i64,
        unit: &str,
    ) -> u32 {
        let value = value.try_into().unwrap_or(i64::MAX);
        if value < min || value > max {
            self.diagnostics.push(Diagnostic {
                path: path.to_string(),
                location: None,
                kind: DiagnosticKind::OutOfRange {
                    value: value.to_string(),
                    expected: format!("an integer {min} <= value <= {max}"),
                    unit: unit.to_string(),
                },
            });
            return 1;
        }
        u32::try_from(value).unwrap_or(1)
    }

    /// The choice named `value`, or `None` with a problem listing the names allowed.
    pub fn choice<T: Copy>(&mut self, path: &str, value: &str, choices: &[(&str, T)]) -> Option<T> {
        let found = choices.iter().find(|(name, _)| *name == value).map(|(_, choice)| *choice);
        if found.is_none() {
            let names: Vec<String> =
                choices.iter().map(|(name, _)| format!("\"{name}\"")).collect();
            self.invalid(path, format!("\"{value}\""), format!("one of {}", names.join(", ")));
        }
        found
    }
}

/// One table of the file (`align`, `thermal.cold_plate`, `technologies[2].laser`): checks
/// its fields through a [`Checker`], naming each by its path `<table>.<name>`.
#[derive(Debug, Clone)]
pub struct Section {
    path: String,
}

impl Section {
    /// The table at `path`.
    #[must_use]
    pub fn new(path: impl Into<String>) -> Self {
        Self { path: path.into() }
    }

    /// The path of the field `name`.
    #[must_use]
    pub fn path(&self, name: &str) -> String {
        format!("{}.{name}", self.path)
    }

    /// [`Checker::number`] on the field `name`.
    pub fn number(
        &self,
        checker: &mut Checker,
        name: &str,
        value: f64,
        limits: Limits,
        unit: &str,
    ) -> f64 {
        checker.number(&self.path(name), value, limits, unit)
    }

    /// The field `name`, which must be above 0.
    pub fn positive(&self, checker: &mut Checker, name: &str, value: f64, unit: &str) -> f64 {
        self.number(checker, name, value, Limits::POSITIVE, unit)
    }

    /// The field `name`, which must be 0 or above.
    pub fn non_negative(&self, checker: &mut Checker, name: &str, value: f64, unit: &str) -> f64 {
        self.number(checker, name, value, Limits::NON_NEGATIVE, unit)
    }

    /// The field `name`, a fraction in `0..=1`.
    pub fn fraction(&self, checker: &mut Checker, name: &str, value: f64) -> f64 {
        self.number(checker, name, value, Limits::FRACTION, "fraction")
    }

    /// [`Checker::count`] on the field `name`.
    pub fn count(
        &self,
        checker: &mut Checker,
        name: &str,
        value: impl TryInto<i64>,
        min: i64,
        max: i64,
        unit: &str,
    ) -> u32 {
        checker.count(&self.path(name), value, min, max, unit)
    }

    /// [`Checker::choice`] on the field `name`.
    pub fn choice<T: Copy>(
        &self,
        checker: &mut Checker,
        name: &str,
        value: &str,
        choices: &[(&str, T)],
    ) -> Option<T> {
        checker.choice(&self.path(name), value, choices)
    }

    /// [`Checker::invalid`] on the field `name`.
    pub fn invalid(
        &self,
        checker: &mut Checker,
        name: &str,
        value: impl std::fmt::Display,
        expected: impl Into<String>,
    ) {
        checker.invalid(&self.path(name), value, expected);
    }
}

/// The path of `child` under `parent`, quoted if it holds a dot: `thermal.asic_side_mm."51.2T"`.
#[must_use]
pub fn join(parent: &str, child: &str) -> String {
    format!("{parent}.{}", quote_segment(child))
}

/// Every key of the map at `path` (one entry per generation, `path.<id>`) names a generation
/// listed in `compare.generations`.
pub fn check_generation_keys<'a>(
    checker: &mut Checker,
    path: &str,
    keys: impl IntoIterator<Item = &'a str>,
    generation_ids: &[String],
) {
    for id in keys {
        if !generation_ids.iter().any(|listed| listed == id) {
            checker.invalid(
                &join(path, id),
                format!("\"{id}\""),
                format!(
                    "a generation listed in compare.generations: {}",
                    quoted_list(generation_ids)
                ),
            );
        }
    }
}

/// Ids for people: `"51.2T", "102.4T"`.
fn quoted_list(ids: &[String]) -> String {
    ids.iter().map(|id| format!("\"{id}\"")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_names_each_problem_by_its_field_path_with_the_interval_and_unit() {
        let mut checker = Checker::default();
        let at = Section::new("thermal.cold_plate");
        at.positive(&mut checker, "flow_l_per_min", 0.0, "L/min");
        at.non_negative(&mut checker, "interface_r", 0.0, "K mm²/W");
        at.fraction(&mut checker, "share", 1.5);
        assert_eq!(at.count(&mut checker, "steps", 2, 4, 10, "steps"), 1);
        assert_eq!(at.choice(&mut checker, "kind", "fins", &[("air_fins", 1)]), None);
        let found: Vec<(String, String)> = checker
            .diagnostics
            .iter()
            .map(|diagnostic| {
                let expected = match &diagnostic.kind {
                    DiagnosticKind::OutOfRange { value, expected, unit } => {
                        format!("{value}: {expected} ({unit})")
                    }
                    DiagnosticKind::Invalid { value, expected } => format!("{value}: {expected}"),
                    other => panic!("unexpected {other:?}"),
                };
                (diagnostic.path.clone(), expected)
            })
            .collect();
        let path = |name: &str| format!("thermal.cold_plate.{name}");
        assert_eq!(
            found,
            [
                (path("flow_l_per_min"), "0: 0 < value (L/min)".to_string()),
                (path("share"), "1.5: 0 <= value <= 1 (fraction)".to_string()),
                (path("steps"), "2: an integer 4 <= value <= 10 (steps)".to_string()),
                (path("kind"), "\"fins\": one of \"air_fins\"".to_string()),
            ]
        );
    }
}
