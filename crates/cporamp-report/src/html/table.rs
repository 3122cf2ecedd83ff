//! Building blocks of the report's tables and figures: numbers and rates as text, table
//! open/close, header and number cells, quantity tables transposed to one column per item,
//! headings and figures.

use std::fmt::Write as _;

use crate::svg::{escape, number};

/// The largest number of item columns (technologies, fabrics) of a transposed table; more
/// items continue in a further table with the same rows.
const MAX_ITEM_COLUMNS: usize = 4;

/// A rate in Gb/s as "100G", "800G" or "1.6T".
pub(crate) fn rate(gbps: f64) -> String {
    if gbps.abs() >= 1000.0 {
        format!("{}T", trimmed(gbps / 1000.0))
    } else {
        format!("{}G", trimmed(gbps))
    }
}

/// A number with at most three decimals and no trailing zeros.
pub(crate) fn trimmed(value: f64) -> String {
    let text = number(value, 3);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A signed difference: "+0.123", "−0.050", or "0.000" when it rounds to zero.
pub(crate) fn signed(value: f64, decimals: usize) -> String {
    let text = number(value, decimals);
    if !value.is_finite() || !text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        text
    } else if let Some(magnitude) = text.strip_prefix('-') {
        format!("\u{2212}{magnitude}")
    } else {
        format!("+{text}")
    }
}

/// A right-aligned numeric cell.
pub(crate) fn num_cell(html: &mut String, text: &str) {
    let _ = write!(html, "<td class=\"num\">{text}</td>");
}

/// Opens a table row headed by `label` (escaped).
pub(crate) fn row_header(html: &mut String, label: &str) {
    let _ = write!(html, "<tr><th scope=\"row\">{}</th>", escape(label));
}

/// Opens a table with the given header cells; a header starting with `#` is numeric (the
/// `#` is dropped). Headers are trusted markup.
pub(crate) fn open_table(html: &mut String, class: &str, headers: &[&str]) {
    let _ = write!(html, "<table class=\"{class}\">");
    html.push_str("<thead><tr>");
    for header in headers {
        match header.strip_prefix('#') {
            Some(header) => {
                let _ = write!(html, "<th scope=\"col\" class=\"num\">{header}</th>");
            }
            None => {
                let _ = write!(html, "<th scope=\"col\">{header}</th>");
            }
        }
    }
    html.push_str("</tr></thead>\n<tbody>\n");
}

/// Closes a table opened by [`open_table`].
pub(crate) fn close_table(html: &mut String) {
    html.push_str("</tbody></table>\n");
}

/// One row of a [`quantity_table`]: the quantity with its unit (trusted markup) and one
/// cell per item (already formatted; numeric cells are right-aligned).
pub(crate) struct QuantityRow {
    /// The row header: the quantity and its unit, trusted markup.
    pub(crate) header: String,
    /// One cell per item.
    pub(crate) cells: Vec<String>,
    /// Numeric cells (right-aligned, not wrapped) or text.
    pub(crate) numeric: bool,
}

impl QuantityRow {
    /// A row of numbers.
    pub(crate) fn numbers(header: impl Into<String>, cells: Vec<String>) -> QuantityRow {
        QuantityRow { header: header.into(), cells, numeric: true }
    }

    /// A row of text (escaped when written).
    pub(crate) fn text(header: impl Into<String>, cells: Vec<String>) -> QuantityRow {
        QuantityRow { header: header.into(), cells, numeric: false }
    }
}

/// A transposed table: one row per quantity, one column per item (technology or fabric,
/// labels escaped here), at most [`MAX_ITEM_COLUMNS`] items per table so that the page
/// never needs a horizontal scroll; further items continue in a table below with the same
/// rows. `corner` is the top-left header (trusted markup).
pub(crate) fn quantity_table(
    html: &mut String,
    class: &str,
    corner: &str,
    items: &[String],
    rows: &[QuantityRow],
) {
    let columns: Vec<usize> = (0..items.len()).collect();
    for chunk in columns.chunks(MAX_ITEM_COLUMNS) {
        let _ = write!(html, "<table class=\"{class} transposed\"><thead><tr>");
        let _ = write!(html, "<th scope=\"col\">{corner}</th>");
        for &item in chunk {
            let _ = write!(html, "<th scope=\"col\" class=\"num\">{}</th>", escape(&items[item]));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for row in rows {
            let _ = write!(html, "<tr><th scope=\"row\">{}</th>", row.header);
            for &item in chunk {
                let cell = row.cells.get(item).map_or("—", String::as_str);
                if row.numeric {
                    num_cell(html, cell);
                } else {
                    let _ = write!(html, "<td>{}</td>", escape(cell));
                }
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody></table>\n");
    }
}

/// An `<h3>` with an anchor.
pub(crate) fn heading(html: &mut String, id: &str, title: &str) {
    let _ = writeln!(html, "<h3 id=\"{id}\">{title}</h3>");
}

/// A chart with its caption.
pub(crate) fn figure(html: &mut String, svg: &str, caption: &str) {
    let _ = writeln!(html, "<figure>\n{svg}\n<figcaption>{caption}</figcaption>\n</figure>");
}
