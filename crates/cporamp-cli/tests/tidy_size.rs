//! Size ratchet (issue 14): outside tests, no source file longer than 800 lines and no
//! function longer than 120, so that a newcomer can hold a file and a function in mind.
//! Tests are exempt: `tests.rs` files, `tests/` directories and the `#[cfg(test)]` module at
//! the end of a file. The lexer below blanks comments, strings and character literals before
//! counting braces, so a `{` in a format string or a doc comment does not move a function's
//! end.

use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 800;
const MAX_FUNCTION_LINES: usize = 120;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn is_test_path(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == "tests.rs")
        || path.components().any(|component| component.as_os_str() == "tests")
}

fn production_sources(directory: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if !path.ends_with("target") {
                production_sources(&path, found);
            }
        } else if path.extension().is_some_and(|extension| extension == "rs")
            && !is_test_path(&path)
        {
            found.push(path);
        }
    }
}

/// The lines before the file's inline `#[cfg(test)] mod ... {` (the whole file when it has
/// none; a `#[cfg(test)] mod tests;` declaration does not end the production code).
fn production_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let inline_tests = lines.windows(2).position(|pair| {
        let next = pair[1].trim();
        pair[0].trim() == "#[cfg(test)]" && next.starts_with("mod ") && next.ends_with('{')
    });
    lines[..inline_tests.unwrap_or(lines.len())].to_vec()
}

/// Replaces comments, string literals (plain, byte and raw) and character literals by
/// spaces, keeping newlines, so that only code braces remain. Lifetimes (`'a`) are code.
fn blank_non_code(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            loop {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&chars, i) {
            // r"..." or r#"..."# (after an optional b): ends at a quote and as many hashes.
            let opening = chars[i..].iter().position(|&c| c == '"').unwrap() + 1;
            for _ in 0..opening {
                out.push(' ');
            }
            i += opening;
            loop {
                if chars[i] == '"' && chars[i + 1..].iter().take(hashes).all(|&c| c == '#') {
                    for _ in 0..=hashes {
                        out.push(' ');
                    }
                    i += 1 + hashes;
                    break;
                }
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while chars[i] != '"' {
                let step = if chars[i] == '\\' { 2 } else { 1 };
                for k in 0..step {
                    blank(&mut out, chars[i + k]);
                }
                i += step;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && is_char_literal(&chars, i) {
            out.push(' ');
            i += 1;
            while chars[i] != '\'' {
                let step = if chars[i] == '\\' { 2 } else { 1 };
                for _ in 0..step {
                    out.push(' ');
                }
                i += step;
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The number of hashes of a raw string starting at `i` (`r"`, `r#"`, `br##"` ...), if one
/// starts there and `i` does not continue an identifier.
fn raw_string_start(chars: &[char], i: usize) -> Option<usize> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if chars[j] == 'b' {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    (chars.get(j + hashes) == Some(&'"')).then_some(hashes)
}

/// Whether the quote at `i` opens a character literal (`'x'`, `'\n'`, `'\u{7f}'`) rather than
/// a lifetime or a loop label (`'a`, `'outer:`).
fn is_char_literal(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        Some('\\') => true,
        Some(_) => chars.get(i + 2) == Some(&'\''),
        None => false,
    }
}

/// Whether a line of blanked code declares a function (`fn name`, with any visibility and
/// qualifiers before it).
fn declares_function(line: &str) -> Option<String> {
    let mut words = line.split_whitespace().peekable();
    while let Some(word) = words.next() {
        match word {
            "fn" => {
                let name = words.next()?;
                let end = name.find(|c: char| !(c.is_alphanumeric() || c == '_'));
                return Some(name[..end.unwrap_or(name.len())].to_string());
            }
            "pub" | "const" | "async" | "unsafe" | "extern" | "default" => {}
            _ if word.starts_with("pub(") => {}
            _ => return None,
        }
    }
    None
}

/// `(name, first line, length in lines)` of every function with a body.
fn functions(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = declares_function(line) else { continue };
        // The body opens at the first `{` after the signature; a `;` first is a declaration.
        let mut depth = 0usize;
        let mut opened = false;
        'lines: for (offset, body_line) in lines[start..].iter().enumerate() {
            for c in body_line.chars() {
                match c {
                    ';' if !opened => break 'lines,
                    '{' => {
                        opened = true;
                        depth += 1;
                    }
                    '}' if opened => {
                        depth -= 1;
                        if depth == 0 {
                            found.push((name.clone(), start + 1, offset + 1));
                            break 'lines;
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    found
}

#[test]
fn the_lexer_ignores_braces_in_strings_comments_and_characters() {
    let source = r##"fn a() {
    let s = "{{ not a brace";
    let r = r#"also { not"#;
    let c = '{';
    // { nor this
    /* nor { this */
    let l: &'static str = s;
}
fn b<'x>(v: &'x str) -> &'x str { v }
"##;
    let code = blank_non_code(source);
    assert_eq!(code.lines().count(), source.lines().count());
    assert_eq!(functions(&code), vec![("a".to_string(), 1, 8), ("b".to_string(), 9, 1)], "{code}");
}

#[test]
fn only_an_inline_test_module_ends_the_production_code() {
    let declared = "fn a() {}\n#[cfg(test)]\nmod tests;\nfn b() {}\n";
    assert_eq!(production_lines(declared).len(), 4);
    let inline = "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn t() {}\n}\n";
    assert_eq!(production_lines(inline), vec!["fn a() {}"]);
}

#[test]
fn no_production_file_or_function_is_too_long() {
    let root = workspace_root();
    let mut files = Vec::new();
    production_sources(&root.join("crates"), &mut files);
    production_sources(&root.join("python"), &mut files);
    assert!(files.len() > 50, "the walk found the sources ({})", files.len());
    let mut problems = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let kept = production_lines(&text);
        let shown = file.strip_prefix(&root).unwrap_or(file).display();
        if kept.len() > MAX_FILE_LINES {
            problems.push(format!("{shown}: {} lines (at most {MAX_FILE_LINES})", kept.len()));
        }
        for (name, line, length) in functions(&blank_non_code(&kept.join("\n"))) {
            if length > MAX_FUNCTION_LINES {
                problems.push(format!(
                    "{shown}:{line}: fn {name} is {length} lines (at most {MAX_FUNCTION_LINES})"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "split these by concept:\n{}", problems.join("\n"));
}
