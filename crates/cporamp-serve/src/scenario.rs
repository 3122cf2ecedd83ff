//! The scenario editor's server side: the check `cporamp scenario check` does (load, the
//! pipeline's preflight, the resource budget) with its diagnostics as JSON, every field of a
//! scenario text with its unit, range and source, and a one-field edit that keeps the file's
//! comments.
//!
//! A field's range is the resolver's own, found as the resolver's wrong-type messages find
//! it: every number is replaced by a value no range accepts (NaN and the largest integer, then
//! the smallest integer for the fields still without one) and every text by an empty one, the
//! text is resolved, and the diagnostic at each field says what it accepts (a field whose type
//! the sentinel does not fit stops the reader: it gets its own value back and the text is
//! read again). Its unit is the one `cporamp diff` reads from the field name
//! (`cporamp_report::input_changes`), or the resolver's where the name has none (fractions).
//! Its source is the comment on its line, as `cporamp scenario init` writes it.

use std::collections::BTreeMap;

use cporamp_core::{Diagnostic, DiagnosticKind, ScenarioError};
use cporamp_scenario::limits::{ALL_STAGES, Budget};
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::ApiError;

/// The named code of a diagnostic's kind, as the API and the editor show it.
#[must_use]
pub fn kind_code(kind: &DiagnosticKind) -> &'static str {
    match kind {
        DiagnosticKind::Syntax { .. } => "syntax",
        DiagnosticKind::Schema { .. } => "schema",
        DiagnosticKind::WrongType { .. } => "wrong_type",
        DiagnosticKind::OutOfRange { .. } => "out_of_range",
        DiagnosticKind::Invalid { .. } => "invalid",
        DiagnosticKind::OverBudget { .. } => "over_budget",
        _ => "other",
    }
}

/// A diagnostic as JSON: its field path, line and column, kind code, the message `cporamp
/// scenario check` prints for it, and the value and expectation where the kind has them.
#[must_use]
pub fn diagnostic_json(origin: &str, diagnostic: &Diagnostic) -> Value {
    let (value, expected, unit) = match &diagnostic.kind {
        DiagnosticKind::WrongType { value, expected, unit, .. } => {
            (Some(value.clone()), Some(expected.clone()), unit.clone())
        }
        DiagnosticKind::OutOfRange { value, expected, unit } => {
            (Some(value.clone()), Some(expected.clone()), Some(unit.clone()))
        }
        DiagnosticKind::Invalid { value, expected } => {
            (Some(value.clone()), Some(expected.clone()), None)
        }
        _ => (None, None, None),
    };
    let separator = if diagnostic.location.is_some() { ":" } else { ": " };
    json!({
        "path": diagnostic.path,
        "line": diagnostic.location.map(|(line, _)| line),
        "column": diagnostic.location.map(|(_, column)| column),
        "kind": kind_code(&diagnostic.kind),
        "message": format!("{origin}{separator}{diagnostic}"),
        "value": value,
        "expected": expected,
        "unit": unit,
    })
}

/// A scenario error as the API's `scenario_invalid` (422), its diagnostics in the details.
#[must_use]
pub fn scenario_error(error: &ScenarioError) -> ApiError {
    let diagnostics: Vec<Value> =
        error.diagnostics.iter().map(|d| diagnostic_json(&error.origin, d)).collect();
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "scenario_invalid",
        error.to_string(),
    )
    .with_details(json!({ "origin": error.origin, "diagnostics": diagnostics }))
}

/// What a check of a valid scenario says (as `cporamp scenario check` prints it).
#[derive(Debug, Clone, Serialize)]
pub struct CheckSummary {
    /// The scenario's name.
    pub name: String,
    /// Technologies compared.
    pub technologies: usize,
    /// Switch generations.
    pub generations: usize,
    /// Estimated peak memory of a run, bytes.
    pub memory_bytes: f64,
    /// Estimated CPU time of a run, s.
    pub cpu_s: f64,
}

/// Checks `text` as `cporamp scenario check` does (and as `cporamp run` does before it
/// runs): load, the pipeline's preflight, the resource budget for `threads` threads.
///
/// # Errors
/// `scenario_invalid` with every diagnostic.
pub fn check(
    text: &str,
    origin: &str,
    threads: usize,
) -> Result<(cporamp_scenario::Scenario, CheckSummary), ApiError> {
    let scenario = cporamp_scenario::load(text, origin).map_err(|e| scenario_error(&e))?;
    cporamp_pipeline::preflight(&scenario, text, origin).map_err(|e| scenario_error(&e))?;
    let budget = Budget { threads, ..Budget::default() };
    let estimate =
        cporamp_scenario::limits::check_budget(&scenario, text, origin, budget, ALL_STAGES)
            .map_err(|e| scenario_error(&e))?;
    let summary = CheckSummary {
        name: scenario.name.clone(),
        technologies: scenario.technologies.len(),
        generations: scenario.generations.len(),
        memory_bytes: estimate.peak_memory_bytes(),
        cpu_s: estimate.cpu_s(),
    };
    Ok((scenario, summary))
}

/// One field of a scenario text.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Its dotted path, as diagnostics name it.
    pub path: String,
    /// Its value: the text of a string, the TOML of anything else.
    pub value: String,
    /// `string`, `integer`, `float`, `boolean`, `array` or `other`.
    pub kind: &'static str,
    /// Its unit (`W`, `°C`, `fraction`, ...), empty if none.
    pub unit: String,
    /// What the resolver accepts (`0 < value <= 1`, the choices), if it says.
    pub range: Option<String>,
    /// The comment on its line: the source of the figure, or the reason of an assumption.
    pub source: Option<String>,
    /// Its 1-based line in the text.
    pub line: Option<usize>,
}

fn parse_table(text: &str, origin: &str) -> Result<toml::Value, ApiError> {
    match text.parse::<toml::Table>() {
        Ok(table) => Ok(toml::Value::Table(table)),
        // The loader's own syntax diagnostic, with its line and column.
        Err(_) => Err(match cporamp_scenario::load(text, origin) {
            Err(error) => scenario_error(&error),
            Ok(_) => ApiError::internal("the TOML parser and the loader disagree"),
        }),
    }
}

/// The most fields whose own value is put back because the reader stopped at their sentinel.
const MAX_STOPS: usize = 64;

/// The resolver's ranges (and units) by field path, found with sentinels (module docs).
fn ranges(table: &toml::Value) -> BTreeMap<String, (String, Option<String>)> {
    let mut out = BTreeMap::new();
    // The largest integer fits every count's type (signed or not) and no count's range; the
    // smallest then finds the lower bound of a number written as an integer.
    let largest = |value: &toml::Value| match value {
        toml::Value::Float(_) => toml::Value::Float(f64::NAN),
        toml::Value::Integer(_) => toml::Value::Integer(i64::MAX),
        other => other.clone(),
    };
    let smallest = |value: &toml::Value| match value {
        toml::Value::Integer(_) => toml::Value::Integer(i64::MIN),
        other => other.clone(),
    };
    let texts = |value: &toml::Value| match value {
        toml::Value::String(_) => toml::Value::String(String::new()),
        other => other.clone(),
    };
    for sentinel in [&largest as &dyn Fn(&toml::Value) -> toml::Value, &smallest, &texts] {
        // A field whose range is known keeps its own value. A sentinel of the wrong type for
        // its field (a year that fits no i32, an empty choice) stops the reader there with
        // that field's problem alone: the field gets its own value back and the text is read
        // again.
        let mut kept = std::collections::BTreeSet::new();
        for _ in 0..MAX_STOPS {
            let edited = map_leaves_at(table, "", &|path, value| {
                if kept.contains(path) || out.contains_key(path) {
                    value.clone()
                } else {
                    sentinel(value)
                }
            });
            let Ok(text) = toml::to_string(&edited) else { break };
            let Err(error) = cporamp_scenario::load(&text, "ranges") else { break };
            let stopped_at = match error.diagnostics.as_slice() {
                [only] if !kept.contains(&only.path) => Some(only.path.clone()),
                _ => None,
            };
            for diagnostic in error.diagnostics {
                let found = match diagnostic.kind {
                    DiagnosticKind::OutOfRange { expected, unit, .. } => {
                        Some((expected, Some(unit)))
                    }
                    DiagnosticKind::WrongType { expected, unit, .. } => Some((expected, unit)),
                    DiagnosticKind::Invalid { expected, .. } => Some((expected, None)),
                    _ => None,
                };
                if let Some(found) = found {
                    out.entry(diagnostic.path).or_insert(found);
                }
            }
            match stopped_at {
                Some(path) => kept.insert(path),
                None => break,
            };
        }
    }
    out
}

/// `value` with every leaf (a value that is not a table) replaced by `leaf(path, value)`, the
/// path written as diagnostics write it (`generation."51.2T".lanes_per_switch`).
fn map_leaves_at(
    value: &toml::Value,
    path: &str,
    leaf: &dyn Fn(&str, &toml::Value) -> toml::Value,
) -> toml::Value {
    match value {
        toml::Value::Table(table) => toml::Value::Table(
            table
                .iter()
                .map(|(key, value)| {
                    let child = if path.is_empty() {
                        cporamp_core::locate::quote_segment(key)
                    } else {
                        cporamp_core::check::join(path, key)
                    };
                    (key.clone(), map_leaves_at(value, &child, leaf))
                })
                .collect(),
        ),
        other => leaf(path, other),
    }
}

/// The comment on `line` after column `column` (1-based), outside strings.
fn comment_after(line: &str, column: usize) -> Option<String> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (index, character) in line.char_indices().skip(column.saturating_sub(1)) {
        match quote {
            Some(open) => {
                if escaped {
                    escaped = false;
                } else if character == '\\' && open == '"' {
                    escaped = true;
                } else if character == open {
                    quote = None;
                }
            }
            None if character == '"' || character == '\'' => quote = Some(character),
            None if character == '#' => {
                let comment = line[index + 1..].trim();
                return (!comment.is_empty()).then(|| comment.to_string());
            }
            None => {}
        }
    }
    None
}

/// Every field of the scenario `text`, in the file's order, with its unit, range and source.
///
/// # Errors
/// `scenario_invalid` if the text is not TOML.
pub fn fields(text: &str, origin: &str) -> Result<Vec<Field>, ApiError> {
    let table = parse_table(text, origin)?;
    let marked = map_leaves_at(&table, "", &|_, _| toml::Value::String("\u{1}".to_string()));
    let marked_text = toml::to_string(&marked).map_err(ApiError::internal)?;
    // `cporamp diff`'s walk of the two texts names every leaf (arrays whole) with its unit.
    let leaves = cporamp_report::input_changes(origin, text, "marked", &marked_text)
        .map_err(|message| ApiError::bad_request("invalid_field", message))?;
    let ranges = ranges(&table);
    let lines: Vec<&str> = text.lines().collect();
    let mut fields: Vec<Field> = leaves
        .into_iter()
        .map(|leaf| {
            let located = cporamp_scenario::locate(text, &leaf.path);
            let source = located.and_then(|(line, column)| {
                lines.get(line - 1).and_then(|text| comment_after(text, column))
            });
            let value_toml = leaf.old.unwrap_or_default();
            let parsed = format!("v = {value_toml}").parse::<toml::Table>().ok();
            let value = parsed.as_ref().and_then(|table| table.get("v"));
            let kind = match value {
                Some(toml::Value::String(_)) => "string",
                Some(toml::Value::Integer(_)) => "integer",
                Some(toml::Value::Float(_)) => "float",
                Some(toml::Value::Boolean(_)) => "boolean",
                Some(toml::Value::Array(_)) => "array",
                _ => "other",
            };
            let shown = match value {
                Some(toml::Value::String(text)) => text.clone(),
                _ => value_toml,
            };
            let (range, range_unit) = match ranges.get(&leaf.path) {
                Some((range, unit)) => (Some(range.clone()), unit.clone()),
                None => (None, None),
            };
            let unit = if leaf.unit.is_empty() {
                range_unit.unwrap_or_default()
            } else {
                leaf.unit.to_string()
            };
            Field {
                path: leaf.path,
                value: shown,
                kind,
                unit,
                range,
                source,
                line: located.map(|(l, _)| l),
            }
        })
        .collect();
    fields.sort_by_key(|field| field.line.unwrap_or(usize::MAX));
    Ok(fields)
}

/// Byte offsets in `line` from `start` where a TOML value may end: before each `,`, `}`,
/// `#` outside strings, and the end of the line.
fn value_ends(line: &str, start: usize) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (offset, character) in line[start..].char_indices() {
        let index = start + offset;
        match quote {
            Some(open) => {
                if escaped {
                    escaped = false;
                } else if character == '\\' && open == '"' {
                    escaped = true;
                } else if character == open {
                    quote = None;
                }
            }
            None if character == '"' || character == '\'' => quote = Some(character),
            None if matches!(character, ',' | '}' | '#') => ends.push(index),
            None => {}
        }
    }
    ends.push(line.len());
    ends
}

/// A dotted path's segments, quotes honoured and removed (`a."5.1T".b`).
fn split_path(path: &str) -> Vec<String> {
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for character in path.chars() {
        match character {
            '"' => quoted = !quoted,
            '.' if !quoted => segments.push(std::mem::take(&mut current)),
            _ => current.push(character),
        }
    }
    segments.push(current);
    segments
}

/// `value` as TOML: itself if it is a TOML value, else the text as a TOML string.
///
/// # Errors
/// `invalid_field` for a value over several lines.
pub fn value_toml(value: &str) -> Result<String, ApiError> {
    if value.contains('\n') || value.contains('\r') {
        return Err(ApiError::bad_request("invalid_field", "a field's value is one line"));
    }
    let trimmed = value.trim();
    if !trimmed.is_empty() && format!("v = {trimmed}").parse::<toml::Table>().is_ok() {
        Ok(trimmed.to_string())
    } else {
        Ok(toml::Value::String(value.to_string()).to_string())
    }
}

/// `text` with the field `path` set to `value` (TOML, or text taken as a string), every
/// comment and every other line kept.
///
/// # Errors
/// `invalid_field` if the text has no such field on a line of its own (a value over several
/// lines is edited in the TOML text), or the value is over several lines.
pub fn edit(text: &str, path: &str, value: &str) -> Result<String, ApiError> {
    let value = value_toml(value)?;
    let missing = || {
        ApiError::bad_request(
            "invalid_field",
            format!(
                "the scenario has no field {path:?} on a line of its own; edit it in the TOML text"
            ),
        )
    };
    if path.is_empty() || path.len() > 300 {
        return Err(missing());
    }
    let table: toml::Table = text.parse().map_err(|_| missing())?;
    let mut current = Some(&table);
    let segments = split_path(path);
    let (leaf, parents) = segments.split_last().ok_or_else(missing)?;
    for segment in parents {
        current = current.and_then(|table| table.get(segment)).and_then(toml::Value::as_table);
    }
    match current.and_then(|table| table.get(leaf)) {
        Some(toml::Value::Table(_)) | None => return Err(missing()),
        Some(_) => {}
    }
    // The loader's locator points at the value.
    let (line_number, column) = cporamp_scenario::locate(text, path).ok_or_else(missing)?;
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let line = lines.get(line_number - 1).ok_or_else(missing)?;
    let value_start: usize = line.char_indices().nth(column - 1).map_or(line.len(), |(i, _)| i);
    if !line[..value_start].trim_end().ends_with('=') {
        return Err(missing());
    }
    let end = value_ends(line, value_start)
        .into_iter()
        .find(|&end| format!("v = {}", &line[value_start..end]).parse::<toml::Table>().is_ok())
        .ok_or_else(missing)?;
    let old = &line[value_start..end];
    let trailing = &old[old.trim_end().len()..];
    let new_line = format!("{}{value}{trailing}{}", &line[..value_start], &line[end..]);
    lines[line_number - 1] = new_line;
    let mut out = lines.join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_changes_one_value_and_keeps_its_comment() {
        let text = "[a]\nx_w = 1.5 # [S26] a source\ny = { \"5.1T\" = 2.0, \"6T\" = 3.0 }\nz = \"t#x\" # c\n";
        let edited = edit(text, "a.x_w", "2.5").unwrap();
        assert_eq!(
            edited,
            "[a]\nx_w = 2.5 # [S26] a source\ny = { \"5.1T\" = 2.0, \"6T\" = 3.0 }\nz = \"t#x\" # c\n"
        );
        let edited = edit(text, "a.y.\"6T\"", "4.0").unwrap();
        assert!(edited.contains("y = { \"5.1T\" = 2.0, \"6T\" = 4.0 }"), "{edited}");
        let edited = edit(text, "a.z", "new text").unwrap();
        assert!(edited.contains("z = \"new text\" # c"), "{edited}");
        assert_eq!(edit(text, "a.nope", "1").unwrap_err().code, "invalid_field");
        assert_eq!(edit(text, "a.x_w", "1\n2").unwrap_err().code, "invalid_field");
    }

    #[test]
    fn comments_are_found_outside_strings() {
        assert_eq!(comment_after("a = \"x#y\" # [S35] z", 1).as_deref(), Some("[S35] z"));
        assert_eq!(comment_after("a = 1", 1), None);
    }
}
