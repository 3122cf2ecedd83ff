//! Finding a field path back in the TOML source, for line and column in error messages.
//!
//! Paths are dotted; a segment that contains a dot is quoted (`per_generation."51.2T"`), and
//! an array element is written `technologies[2]`.

use toml::de::{DeTable, DeValue};

/// 1-based line and column of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Splits a dotted path into segments, honouring quotes.
pub fn split_path(path: &str) -> Vec<String> {
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

/// Quotes a path segment if it contains a dot.
pub fn quote_segment(segment: &str) -> String {
    if segment.contains('.') { format!("\"{segment}\"") } else { segment.to_string() }
}

/// Line and column of the deepest part of `path` present in `source`.
pub fn locate_path(source: &str, path: &str) -> Option<(usize, usize)> {
    let root = DeTable::parse(source).ok()?;
    let root_span = root.span();
    let mut current = DeValue::Table(root.into_inner());
    let mut span = root_span;
    let mut found_any = false;
    for segment in split_path(path) {
        let (key, index) = match segment.split_once('[') {
            Some((key, rest)) => {
                (key.to_string(), rest.trim_end_matches(']').parse::<usize>().ok())
            }
            None => (segment.clone(), None),
        };
        let Some(child) = current.get(key.as_str()) else { break };
        span = child.span();
        found_any = true;
        let mut next = child.get_ref().clone();
        if let Some(index) = index {
            let Some(element) = next.get(index) else { break };
            span = element.span();
            next = element.get_ref().clone();
        }
        current = next;
    }
    found_any.then(|| line_column(source, span.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_quoted_and_indexed_fields() {
        let source = "a = 1\n[t.\"5.1\"]\nx = 2\nlist = [\"p\", \"q\"]\n";
        assert_eq!(locate_path(source, "a"), Some((1, 5)));
        assert_eq!(locate_path(source, "t.\"5.1\".x"), Some((3, 5)));
        assert_eq!(locate_path(source, "t.\"5.1\".list[1]"), Some((4, 14)));
        // A missing leaf points at its deepest existing parent.
        assert_eq!(locate_path(source, "t.\"5.1\".missing").map(|(line, _)| line), Some(2));
        assert_eq!(locate_path(source, "nothing"), None);
    }
}
