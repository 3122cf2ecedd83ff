//! Random edits of an input file's text, shared by the readers' property tests: a number
//! replaced by 0, a negative, a huge or tiny value, NaN, infinity or a word; a line deleted,
//! duplicated or truncated; a garbage line.

use proptest::prelude::*;

pub const TOKENS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1e308",
    "-1e308",
    "1e-308",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "x",
    "",
    "1e6",
    "1e7",
    "0.5",
    "-1e-9",
    "4096",
    "18446744073709551616",
];

/// One edit of a file's text.
#[derive(Debug, Clone)]
pub enum Edit {
    /// A whitespace-separated token replaced.
    Token { line: usize, token: usize, value: String },
    /// A line deleted.
    Delete { line: usize },
    /// A line written twice.
    Duplicate { line: usize },
    /// A line cut short.
    Truncate { line: usize, keep: usize },
    /// A garbage line inserted.
    Garbage { line: usize, text: String },
}

pub fn edit() -> impl Strategy<Value = Edit> {
    let value = prop_oneof![
        3 => proptest::sample::select(TOKENS).prop_map(str::to_string),
        1 => any::<f64>().prop_map(|v| format!("{v:e}")),
    ];
    prop_oneof![
        6 => (any::<usize>(), any::<usize>(), value)
            .prop_map(|(line, token, value)| Edit::Token { line, token, value }),
        1 => any::<usize>().prop_map(|line| Edit::Delete { line }),
        1 => any::<usize>().prop_map(|line| Edit::Duplicate { line }),
        1 => (any::<usize>(), 0usize..40).prop_map(|(line, keep)| Edit::Truncate { line, keep }),
        1 => (any::<usize>(), proptest::collection::vec(any::<char>(), 0..30))
            .prop_map(|(line, chars)| Edit::Garbage { line, text: chars.into_iter().collect() }),
    ]
}

/// `text` with `edits` applied (line and token numbers taken modulo what is there).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let n = lines.len();
        match edit {
            Edit::Token { line, token, value } => {
                let line = &mut lines[line % n];
                let mut tokens: Vec<&str> = line.split_whitespace().collect();
                if !tokens.is_empty() {
                    let index = token % tokens.len();
                    tokens[index] = value;
                    *line = tokens.join("\t");
                }
            }
            Edit::Delete { line } => {
                lines.remove(line % n);
            }
            Edit::Duplicate { line } => {
                let copy = lines[line % n].clone();
                lines.insert(line % n, copy);
            }
            Edit::Truncate { line, keep } => {
                let line = &mut lines[line % n];
                *line = line.chars().take(*keep).collect();
            }
            Edit::Garbage { line, text } => lines.insert(line % n, text.replace('\n', " ")),
        }
    }
    lines.join("\n")
}
