//! The calibration's table (parameter, default, fitted, 95 % interval, method, note), on the
//! inspection page and in the run report of `cporamp run --calibrate`.

use std::fmt::Write;

use cporamp_inspect::yield_fit::YieldFits;

use crate::html::{close_table, num_cell, open_table, row_header};
use crate::svg::{escape, number};

/// A value to 4 significant digits (the fits span µm, nm and probabilities of 1e-3).
fn significant(value: f64) -> String {
    if !value.is_finite() {
        return escape(&value.to_string());
    }
    if value == 0.0 {
        return "0".to_string();
    }
    let decimals = (3 - value.abs().log10().floor() as i32).clamp(0, 9);
    number(value, usize::try_from(decimals).unwrap_or(0))
}

/// The table of every parameter of `fits`, then the notes.
pub(crate) fn fits_table(html: &mut String, fits: &YieldFits) {
    open_table(
        html,
        "",
        &["Parameter", "Unit", "#Default", "#Fitted", "#95 % low", "#95 % high", "Method"],
    );
    for row in &fits.parameters {
        row_header(html, row.parameter);
        let _ = write!(html, "<td>{}</td>", escape(row.unit));
        num_cell(html, &significant(row.default));
        match row.fit {
            Some(fit) => {
                num_cell(html, &significant(fit.value));
                num_cell(html, &significant(fit.low));
                num_cell(html, &significant(fit.high));
            }
            None => html.push_str("<td class=\"num\">—</td><td></td><td></td>"),
        }
        let _ = write!(html, "<td>{}</td>", escape(row.method));
        html.push_str("</tr>\n");
    }
    close_table(html);
    html.push_str("<ul>\n");
    for row in &fits.parameters {
        let _ = writeln!(html, "<li><code>{}</code>: {}</li>", row.parameter, escape(&row.note));
    }
    html.push_str("</ul>\n");
}

/// The run report's calibration section.
pub(crate) fn section(html: &mut String, calibration: &cporamp_pipeline::calibrate::Calibration) {
    html.push_str("<section id=\"calibration\">\n<h2>Calibration</h2>\n");
    let _ = writeln!(
        html,
        "<p>The yield engine's parameters fitted by maximum likelihood from the test data of {} at {} ({}); the fitted values replaced the scenario's and every engine ran on them. Parameters without a fit keep the scenario's value.</p>",
        escape(&calibration.technology),
        escape(&calibration.generation),
        escape(&calibration.files.join(", "))
    );
    fits_table(html, &calibration.fits);
    if !calibration.changed.is_empty() {
        html.push_str("<h3>Scenario fields changed</h3>\n");
        open_table(html, "", &["Field", "#Default", "#Calibrated"]);
        for change in &calibration.changed {
            row_header(html, &change.field);
            num_cell(html, &significant(change.default));
            num_cell(html, &significant(change.calibrated));
            html.push_str("</tr>\n");
        }
        close_table(html);
    }
    html.push_str("</section>\n");
}
