//! What the CLI prints: every engine's results as [`Table`]s, rendered as aligned text at
//! most [`WIDTH`] columns wide (headers wrap, wide tables split into column groups), or
//! flattened into a [`Frame`] (one row per cell) for CSV and Parquet. Text and CSV come from
//! the same tables, so they always agree.

use cporamp_report::{Frame, FrameColumn};
use std::fmt::Write;

mod compare;
mod diff;
mod fleet;
mod inspect;
mod market;
mod photonics;
mod thermal;
mod yields;

pub(crate) use compare::{compare_frame, compare_tables};
pub(crate) use diff::diff_tables;
pub(crate) use fleet::fleet_tables;
pub(crate) use inspect::{calibration_tables, inspect_tables};
pub(crate) use market::market_tables;
pub(crate) use photonics::photonics_tables;
pub(crate) use thermal::thermal_tables;
pub(crate) use yields::yield_tables;

/// The widest line the text output may have.
pub const WIDTH: usize = 100;

/// One cell.
#[derive(Debug, Clone)]
pub enum Cell {
    /// A number shown with `decimals` places, with its standard error when it is an estimate.
    Number { value: f64, se: Option<f64>, decimals: usize },
    /// Text.
    Text(String),
    /// Does not apply.
    Empty,
}

impl Cell {
    pub(crate) fn number(value: f64, decimals: usize) -> Cell {
        Cell::Number { value, se: None, decimals }
    }

    pub(crate) fn pm(value: f64, se: f64, decimals: usize) -> Cell {
        Cell::Number { value, se: Some(se), decimals }
    }

    pub(crate) fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    fn shown(&self) -> String {
        let fixed = |value: f64, decimals: usize| {
            let text = format!("{value:.decimals$}");
            // -0.00 is 0.00.
            if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') {
                text.trim_start_matches('-').to_string()
            } else {
                text
            }
        };
        match self {
            Cell::Number { value, se: None, decimals } => fixed(*value, *decimals),
            Cell::Number { value, se: Some(se), decimals } => {
                if *value == 0.0 && *se == 0.0 {
                    "0".to_string()
                } else {
                    format!("{} ± {}", fixed(*value, *decimals), fixed(*se, *decimals))
                }
            }
            Cell::Text(text) => text.clone(),
            Cell::Empty => "-".to_string(),
        }
    }
}

/// A row: its label and one cell per column.
#[derive(Debug, Clone)]
pub struct Row {
    label: String,
    cells: Vec<Cell>,
}

/// A titled table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// What it shows.
    pub title: String,
    /// Header of the row-label column.
    corner: String,
    /// Column headers (units in them or in the row labels).
    columns: Vec<String>,
    rows: Vec<Row>,
    /// Lines printed under the table.
    notes: Vec<String>,
}

impl Table {
    pub(crate) fn new(title: impl Into<String>, corner: &str, columns: Vec<String>) -> Table {
        Table { title: title.into(), corner: corner.to_string(), columns, ..Table::default() }
    }

    pub(crate) fn row(&mut self, label: impl Into<String>, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.columns.len());
        self.rows.push(Row { label: label.into(), cells });
    }

    pub(crate) fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// The table as text lines of at most `width` characters (except a single word longer
    /// than the width, which is never cut).
    pub fn render(&self, width: usize) -> String {
        let mut out = String::new();
        for line in wrap(&self.title, width) {
            let _ = writeln!(out, "{line}");
        }
        let label_width = self
            .rows
            .iter()
            .map(|row| row.label.chars().count())
            .chain(std::iter::once(self.corner.chars().count()))
            .max()
            .unwrap_or(0);
        let shown: Vec<Vec<String>> =
            self.rows.iter().map(|row| row.cells.iter().map(Cell::shown).collect()).collect();
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|column| {
                let cells = shown.iter().map(|row| row[column].chars().count()).max().unwrap_or(0);
                let word = longest_word(&self.columns[column]);
                // Headers wrap at ten characters or their cells' width, whichever is wider.
                let header = self.columns[column].chars().count();
                cells.max(word).max(header.min(10))
            })
            .collect();
        // Column groups that fit the width beside the labels.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut used = label_width;
        for (column, &column_width) in widths.iter().enumerate() {
            match groups.last_mut() {
                Some(group) if used + 2 + column_width <= width => group.push(column),
                _ => {
                    groups.push(vec![column]);
                    used = label_width;
                }
            }
            used += 2 + column_width;
        }
        for (index, group) in groups.iter().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            let headers: Vec<Vec<String>> =
                group.iter().map(|&column| wrap(&self.columns[column], widths[column])).collect();
            let header_lines = headers.iter().map(Vec::len).max().unwrap_or(0);
            for line in 0..header_lines {
                let mut text = if line + 1 == header_lines {
                    format!("{:<label_width$}", self.corner)
                } else {
                    " ".repeat(label_width)
                };
                for (position, &column) in group.iter().enumerate() {
                    // Headers sit at the bottom, right-aligned over their numbers.
                    let offset = header_lines - headers[position].len();
                    let part = if line >= offset { &headers[position][line - offset] } else { "" };
                    let _ = write!(text, "  {part:>width$}", width = widths[column]);
                }
                let _ = writeln!(out, "{}", text.trim_end());
            }
            for (row, cells) in self.rows.iter().zip(&shown) {
                let mut text = format!("{:<label_width$}", row.label);
                for &column in group {
                    let _ = write!(text, "  {:>width$}", cells[column], width = widths[column]);
                }
                let _ = writeln!(out, "{}", text.trim_end());
            }
        }
        for note in &self.notes {
            for (index, line) in wrap(note, width - 2).iter().enumerate() {
                let prefix = if index == 0 { "* " } else { "  " };
                let _ = writeln!(out, "{prefix}{line}");
            }
        }
        out.push('\n');
        out
    }
}

fn longest_word(text: &str) -> usize {
    text.split_whitespace().map(|word| word.chars().count()).max().unwrap_or(0)
}

/// Greedy word wrap; a word longer than `width` gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Tables as text.
#[must_use]
pub fn render(tables: &[Table]) -> String {
    tables.iter().map(|table| table.render(WIDTH)).collect()
}

/// Tables flattened to one row per cell: table, row, column, value, se, text.
#[must_use]
pub fn frame(tables: &[Table]) -> Frame {
    let mut columns: [Vec<String>; 3] = Default::default();
    let (mut values, mut ses, mut texts) = (Vec::new(), Vec::new(), Vec::new());
    for table in tables {
        for row in &table.rows {
            for (header, cell) in table.columns.iter().zip(&row.cells) {
                columns[0].push(table.title.clone());
                columns[1].push(row.label.clone());
                columns[2].push(header.clone());
                let (value, se, text) = match cell {
                    Cell::Number { value, se, .. } => (Some(*value), *se, String::new()),
                    Cell::Text(text) => (None, None, text.clone()),
                    Cell::Empty => (None, None, String::new()),
                };
                values.push(value);
                ses.push(se);
                texts.push(text);
            }
        }
    }
    let [tables, rows, headers] = columns;
    let mut frame = Frame::default();
    frame.push("table", FrameColumn::Text(tables));
    frame.push("row", FrameColumn::Text(rows));
    frame.push("column", FrameColumn::Text(headers));
    frame.push("value", FrameColumn::Number(values));
    frame.push("se", FrameColumn::Number(ses));
    frame.push("text", FrameColumn::Text(texts));
    frame
}

/// Column headers of technologies.
fn labels<'a, T: 'a>(items: impl IntoIterator<Item = &'a T>, label: fn(&T) -> &str) -> Vec<String> {
    items.into_iter().map(|item| label(item).to_string()).collect()
}

/// A named series of an inlet sweep: the column's name and how to read a point.
type Series<'a, P> = (&'a str, fn(&P) -> f64);

/// A table over an inlet sweep: a row per inlet, per technology a column per series.
fn inlet_sweep<P>(
    title: String,
    technologies: Vec<(&str, &[P])>,
    inlet_c: fn(&P) -> f64,
    series: &[Series<'_, P>],
    decimals: usize,
) -> Table {
    let columns = technologies
        .iter()
        .flat_map(|(label, _)| series.iter().map(move |(name, _)| format!("{label} {name}")))
        .collect();
    let mut table = Table::new(title, "inlet °C", columns);
    let points = technologies.first().map_or(0, |(_, points)| points.len());
    for index in 0..points {
        let cells = technologies
            .iter()
            .flat_map(|(_, points)| {
                series.iter().map(move |(_, value)| Cell::number(value(&points[index]), decimals))
            })
            .collect();
        table.row(format!("{:.0}", inlet_c(&technologies[0].1[index])), cells);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wide_table_splits_into_column_groups_within_the_width() {
        let columns: Vec<String> = (0..12).map(|i| format!("column number {i}")).collect();
        let mut table = Table::new("a title that is long enough", "row", columns);
        table.row(
            "first row label",
            (0..12).map(|i| Cell::pm(f64::from(i) * 1000.0, 1.5, 1)).collect(),
        );
        let text = table.render(60);
        assert!(text.lines().all(|line| line.chars().count() <= 60), "{text}");
        // Every cell is printed once, in some group.
        for i in 0..12 {
            assert_eq!(text.matches(&format!(" {:.1} ± 1.5", f64::from(i) * 1000.0)).count(), 1);
        }
        assert!(text.matches("first row label").count() >= 2, "labels repeat per group: {text}");
    }

    #[test]
    fn headers_wrap_into_lines_over_their_column_and_zeros_are_plain() {
        let mut table = Table::new("t", "q", vec!["CPO, integrated laser".into()]);
        table.row("flaps", vec![Cell::pm(0.0, 0.0, 2)]);
        table.row("negative zero", vec![Cell::number(-0.0001, 2)]);
        let text = table.render(100);
        let expected = [
            "t",
            "                     CPO,",
            "               integrated",
            "q                   laser",
            "flaps                   0",
            "negative zero        0.00",
            "",
            "",
        ];
        assert_eq!(text, expected.join("\n"));
    }

    #[test]
    fn the_frame_has_a_row_per_cell_with_value_and_se() {
        let mut table = Table::new("t", "q", vec!["a".into(), "b".into()]);
        table.row("r", vec![Cell::pm(1.25, 0.5, 2), Cell::text("x")]);
        let csv = frame(&[table]).to_csv();
        assert_eq!(csv, "table,row,column,value,se,text\nt,r,a,1.25,0.5,\nt,r,b,,,x\n");
    }
}
