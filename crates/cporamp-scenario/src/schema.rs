//! Errors that stop parsing, worded for people: a value of the wrong type (with the field's
//! allowed range and unit) and a duplicate key (with its table and first definition).
//!
//! A wrong type's range and unit come from the resolver's own checks, not from a second table:
//! the bad value is replaced by a sentinel that is of the right type but outside every range
//! (NaN for a number, the smallest integer of a signed type, the largest `i64` for an unsigned
//! count, an empty string for a choice), the file is resolved again, and the problem the
//! resolver reports at that field says what it accepts. A negative value of an unsigned count
//! is reported as out of that range.

use super::raw;
use cporamp_core::error::{Diagnostic, DiagnosticKind};
use cporamp_core::locate::{line_column, locate_path, quote_segment};

/// The longest value echoed in a message, in characters.
const MAX_ECHO_CHARS: usize = 40;

/// The field path of a deserialisation error, in the resolver's form: segments with a dot
/// quoted, array elements as `name[index]`.
pub(crate) fn field_path(path: &serde_path_to_error::Path) -> String {
    let mut text = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => text.push_str(&format!("[{index}]")),
            serde_path_to_error::Segment::Map { key }
            | serde_path_to_error::Segment::Enum { variant: key } => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(&quote_segment(key));
            }
            serde_path_to_error::Segment::Unknown => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push('?');
            }
        }
    }
    text
}

/// `text` cut to [`MAX_ECHO_CHARS`] on its first line, with `...` where it was cut.
fn echo(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or_default();
    if line.chars().count() > MAX_ECHO_CHARS || line.len() < text.trim().len() {
        let cut: String = line.chars().take(MAX_ECHO_CHARS).collect();
        format!("{cut}...")
    } else {
        line.to_string()
    }
}

/// The TOML type of serde's "unexpected" wording, for people.
fn found_type(unexpected: &str) -> &'static str {
    for (prefix, name) in [
        ("string", "text"),
        ("floating point", "a decimal number"),
        ("integer", "an integer"),
        ("boolean", "true or false"),
        ("sequence", "an array"),
        ("map", "a table"),
    ] {
        if unexpected.starts_with(prefix) {
            return name;
        }
    }
    "another type"
}

/// The TOML type of a value as written, in serde's "unexpected" wording.
fn toml_type(value: &str) -> &'static str {
    match value.chars().next() {
        Some('"' | '\'') => "string",
        Some('[') => "sequence",
        Some('{') => "map",
        Some('t' | 'f') => "boolean",
        _ if value.contains(['.', 'e', 'E'])
            || value.ends_with("inf")
            || value.ends_with("nan") =>
        {
            "floating point"
        }
        _ => "integer",
    }
}

/// serde's unknown-variant error (`` unknown variant `x`, expected one of `a`, `b` ``) as the
/// problem of a choice: the value quoted and the names allowed; `None` for another error.
pub(crate) fn unknown_choice(message: &str) -> Option<DiagnosticKind> {
    let rest = message.strip_prefix("unknown variant `")?;
    let (value, choices) = rest.split_once("`, expected ")?;
    Some(DiagnosticKind::Invalid {
        value: format!("\"{value}\""),
        expected: choices.replace('`', "\""),
    })
}

/// serde's invalid-value error for a text of the right type but not a valid one
/// (`invalid value: string "2026Q5", expected a quarter written ...`) as the problem of that
/// value, quoted as the file writes it at `span` of `source`, and what was expected; `None` for
/// another error (an integer outside its type's range is a count's problem, see
/// [`wrong_type`]).
pub(crate) fn invalid_text(
    source: &str,
    message: &str,
    span: Option<std::ops::Range<usize>>,
) -> Option<DiagnosticKind> {
    let rest = message.strip_prefix("invalid value: string ")?;
    let (_, expected) = rest.rsplit_once(", expected ")?;
    let span = span.filter(|span| span.end <= source.len() && span.start < span.end)?;
    Some(DiagnosticKind::Invalid { value: echo(&source[span]), expected: expected.to_string() })
}

/// What serde's "expected" wording asks for, for people, and the sentinel TOML value of that
/// type that no range accepts (none for a type with no range).
fn wanted_type(expected: &str) -> (&'static str, Option<&'static str>) {
    match expected.trim() {
        "f64" | "f32" => ("a number", Some("nan")),
        "i64" => ("an integer", Some("-9223372036854775808")),
        "i32" => ("an integer", Some("-2147483648")),
        // An unsigned count: the largest TOML integer fits the type and no count's range.
        "u64" | "usize" => ("an integer", Some("9223372036854775807")),
        "u32" => ("an integer", Some("4294967295")),
        "a string" | "a choice" => ("text", Some("\"\"")),
        "a boolean" => ("true or false", None),
        "a sequence" => ("an array", None),
        other if other.starts_with("struct") || other.starts_with("a map") => ("a table", None),
        _ => ("another type", None),
    }
}

/// The most values of the wrong type replaced by sentinels while looking for one field's range.
const MAX_SENTINELS: usize = 32;

/// `text` with `span` replaced by `with`.
fn splice(text: &str, span: std::ops::Range<usize>, with: &str) -> String {
    format!("{}{with}{}", &text[..span.start], &text[span.end..])
}

/// The sentinel for serde's wrong-type `message`, if it is one and its type has a range.
fn sentinel_for(message: &str) -> Option<&'static str> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let (_, expected) = rest.rsplit_once(", expected ")?;
    wanted_type(expected).1
}

/// The resolver's problem at `path` when the value at `span` of `source` is replaced by
/// `sentinel`: what the field accepts (its range or choices) and its unit. Further values of
/// the wrong type get their own sentinels, so that the file resolves as far as the field.
fn accepted_at(
    source: &str,
    span: std::ops::Range<usize>,
    sentinel: &str,
    path: &str,
) -> Option<(String, Option<String>)> {
    let mut edited = splice(source, span, sentinel);
    for _ in 0..MAX_SENTINELS {
        let deserializer = toml::Deserializer::parse(&edited).ok()?;
        match serde_path_to_error::deserialize::<_, raw::ScenarioFile>(deserializer) {
            Ok(file) => {
                let problems = super::resolve::resolve(&file).err()?;
                let problem = problems.into_iter().find(|problem| problem.path == path)?;
                return match problem.kind {
                    DiagnosticKind::OutOfRange { expected, unit, .. } => {
                        Some((expected, Some(unit)))
                    }
                    DiagnosticKind::Invalid { expected, .. } => Some((expected, None)),
                    _ => None,
                };
            }
            Err(error) => {
                let at_path = field_path(error.path()) == path;
                let inner = error.into_inner();
                if let Some(DiagnosticKind::Invalid { expected, .. }) =
                    unknown_choice(inner.message().trim()).filter(|_| at_path)
                {
                    return Some((expected, None));
                }
                let next = sentinel_for(inner.message().trim())?;
                let span = inner.span().filter(|span| {
                    span.start < span.end
                        && edited.is_char_boundary(span.start)
                        && edited.is_char_boundary(span.end)
                })?;
                edited = splice(&edited, span, next);
            }
        }
    }
    None
}

/// A wrong-type error (`invalid type: string "x", expected f64`) as a [`DiagnosticKind::WrongType`]
/// naming the value found and what the field accepts; `None` for another schema error.
pub(crate) fn wrong_type(
    source: &str,
    path: &str,
    message: &str,
    span: Option<std::ops::Range<usize>>,
) -> Option<DiagnosticKind> {
    let span = span.filter(|span| span.end <= source.len() && span.start < span.end)?;
    let value = echo(&source[span.clone()]);
    // A choice (an enum) given another type than text: the TOML reader names no types.
    let (unexpected, expected) = if message == "wanted string or table" {
        (toml_type(&value), "a choice")
    } else {
        let rest = message
            .strip_prefix("invalid type: ")
            .or_else(|| message.strip_prefix("invalid value: "))?;
        rest.rsplit_once(", expected ")?
    };
    let (wanted, sentinel) = wanted_type(expected);
    let accepted = sentinel.and_then(|s| accepted_at(source, span.clone(), s, path));
    // A negative count is an integer of the right kind outside its range.
    if unexpected.starts_with("integer") && wanted == "an integer" {
        if let Some((expected, Some(unit))) = accepted {
            return Some(DiagnosticKind::OutOfRange { value, expected, unit });
        }
    }
    let (expected, unit) = match accepted {
        // The integer checks already say "an integer ..."; a number's range needs its type.
        Some((range, unit)) if range.starts_with("an integer") || range.starts_with("a finite") => {
            (range, unit)
        }
        Some((range, unit)) if wanted == "a number" => (format!("a number, {range}"), unit),
        Some((choices, unit)) => (format!("{wanted}, {choices}"), unit),
        None => (wanted.to_string(), None),
    };
    Some(DiagnosticKind::WrongType {
        value,
        found: found_type(unexpected).to_string(),
        expected,
        unit,
    })
}

/// A `duplicate key` syntax error at `span` (the repeated key, as the TOML parser gives it) as a
/// diagnostic naming the key, its table, and the line of its first definition.
pub(crate) fn duplicate_key(source: &str, span: std::ops::Range<usize>) -> Option<Diagnostic> {
    if span.end > source.len() || span.start >= span.end {
        return None;
    }
    let key = source[span.clone()].trim_matches('"').trim_matches('\'').to_string();
    let line_start = source[..span.start].rfind('\n').map_or(0, |index| index + 1);
    let line_end = source[span.start..].find('\n').map_or(source.len(), |end| span.start + end);
    let line = &source[line_start..line_end];
    let before_key = &source[line_start..span.start];
    let (location_line, column) = line_column(source, span.start);
    let header = |text: &str| {
        let trimmed = text.trim();
        (trimmed.starts_with('[')).then(|| {
            trimmed
                .split('#')
                .next()
                .unwrap_or_default()
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
                .to_string()
        })
    };
    // A table header defined twice, or a key inside the nearest header above.
    let (path, what) = if let Some(table) = header(line).filter(|_| !before_key.contains('=')) {
        (table.clone(), format!("table [{table}] is defined twice"))
    } else {
        let table = source[..line_start].lines().rev().find_map(header).unwrap_or_default();
        // Dotted keys (`a.b = 1`) and keys of an inline table keep what comes before them.
        let prefix: String = before_key
            .split(['=', '{', ','])
            .filter(|part| !part.trim().is_empty())
            .map(|part| part.trim().trim_end_matches('.').trim().to_string())
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(".");
        let key_path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        let path = if table.is_empty() { key_path } else { format!("{table}.{key_path}") };
        let place = if table.is_empty() {
            "the top-level table".to_string()
        } else {
            format!("table [{table}]")
        };
        (path, format!("duplicate key `{key}` in {place}"))
    };
    // The first definition: the same header above, or the same path in the file without the
    // repeated line.
    let first = if what.starts_with("table") {
        source[..line_start]
            .lines()
            .position(|above| header(above).is_some_and(|table| table == path))
            .map(|index| (index + 1, 1))
    } else {
        let without =
            format!("{}{}{}", &source[..line_start], " ".repeat(line.len()), &source[line_end..]);
        locate_path(&without, &path)
    };
    let first = first
        .filter(|&(first_line, _)| first_line != location_line)
        .map(|(first_line, _)| format!(", first defined on line {first_line}"))
        .unwrap_or_default();
    Some(Diagnostic {
        path,
        location: Some((location_line, column)),
        kind: DiagnosticKind::Syntax { message: format!("{what}{first}") },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_key_names_itself_its_table_and_its_first_line() {
        let source = "a = 1\n[fleet]\ngpus = 7\nx = 1\ngpus = 8\n";
        let span = source.rfind("gpus").unwrap();
        let problem = duplicate_key(source, span..span + 4).unwrap();
        assert_eq!(problem.path, "fleet.gpus");
        assert_eq!(problem.location, Some((5, 1)));
        assert_eq!(
            problem.kind,
            DiagnosticKind::Syntax {
                message: "duplicate key `gpus` in table [fleet], first defined on line 3"
                    .to_string()
            }
        );
    }

    #[test]
    fn a_repeated_table_and_a_repeated_dotted_key_are_named() {
        let source = "[a.\"51.2T\"]\nk = 1\n[a.\"51.2T\"]\nk = 2\n";
        let span = source.rfind("\"51.2T\"").unwrap();
        let problem = duplicate_key(source, span..span + 7).unwrap();
        assert_eq!(problem.path, "a.\"51.2T\"");
        assert_eq!(
            problem.kind,
            DiagnosticKind::Syntax {
                message: "table [a.\"51.2T\"] is defined twice, first defined on line 1"
                    .to_string()
            }
        );
        let source = "top = 0\nb.c = 7\nb.c = 8\n";
        let span = source.rfind('c').unwrap();
        let problem = duplicate_key(source, span..span + 1).unwrap();
        assert_eq!(problem.path, "b.c");
        assert_eq!(
            problem.kind,
            DiagnosticKind::Syntax {
                message: "duplicate key `c` in the top-level table, first defined on line 2"
                    .to_string()
            }
        );
    }

    #[test]
    fn long_values_are_cut() {
        assert_eq!(echo("\"short\""), "\"short\"");
        assert_eq!(echo(&"9".repeat(300)), format!("{}...", "9".repeat(40)));
        assert_eq!(echo("{ a = 1,\n b = 2 }"), "{ a = 1,...");
    }
}
