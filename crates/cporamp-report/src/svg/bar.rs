//! Horizontal stacked bar charts.

use std::fmt::Write as _;

use super::*;

/// One stacked series of a bar chart.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    /// Legend label (plain text; escaped when drawn).
    pub(crate) label: String,
    /// Fill colour, a CSS colour such as `#0072B2`.
    pub(crate) colour: &'static str,
    /// One value per category; negative and non-finite values are drawn as zero.
    pub(crate) values: Vec<f64>,
}

impl Series {
    /// A series from its label, colour and values.
    pub(crate) fn new(label: impl Into<String>, colour: &'static str, values: Vec<f64>) -> Series {
        Series { label: label.into(), colour, values }
    }

    /// True if the series draws nothing: every value zero, negative or not finite.
    pub(crate) fn is_empty(&self) -> bool {
        !self.values.iter().any(|&value| drawn(value) > 0.0)
    }
}

/// A horizontal stacked bar chart: one bar per category, one segment per series, the total
/// written at the end of each bar with `decimals` decimals, an axis in `unit` with nice ticks
/// and gridlines, and a legend. Series that draw nothing are left out of the legend.
pub(crate) fn stacked_bar_chart(
    title: &str,
    categories: &[String],
    series: &[Series],
    unit: &str,
    decimals: usize,
) -> String {
    let shown: Vec<&Series> = series.iter().filter(|series| !series.is_empty()).collect();
    let totals: Vec<f64> = (0..categories.len())
        .map(|index| {
            shown.iter().map(|series| drawn(series.values.get(index).copied().unwrap_or(0.0))).sum()
        })
        .collect();
    let total_labels: Vec<String> = totals.iter().map(|&total| number(total, decimals)).collect();
    let plot = BarPlot::new(categories, &totals, &total_labels);

    let positions =
        legend_layout(shown.iter().map(|series| series.label.as_str()), 14.0, plot.plot_x);
    let legend: Vec<(f64, f64, &Series)> =
        positions.iter().zip(&shown).map(|(&(x, row), series)| (x, row, *series)).collect();
    let legend_top = plot.axis_y + 46.0;
    let height = legend_top + legend_height(&positions) + 4.0;
    let mut svg = chart_header(title, height);

    bar_axis(&mut svg, &plot, unit);
    for (index, category) in categories.iter().enumerate() {
        let y = PLOT_TOP + index as f64 * ROW_H + (ROW_H - BAR_H) / 2.0;
        category_label(&mut svg, category, plot.plot_x, y);
        let row = BarRow { index, category, y, total: &total_labels[index] };
        bar(&mut svg, &plot, &shown, &row, unit, decimals);
    }
    bar_legend(&mut svg, &legend, legend_top);
    svg.push_str("</svg>");
    svg
}

/// A stacked bar chart's value axis and plot area.
struct BarPlot {
    /// Step between ticks.
    step: f64,
    /// Number of tick intervals (a small positive whole number).
    intervals: f64,
    /// Value at the right end of the axis.
    axis_max: f64,
    /// Left edge of the plot area (right of the category labels), px.
    plot_x: f64,
    /// Width of the plot area, px.
    plot_w: f64,
    /// Position of the value axis (below the last bar), px.
    axis_y: f64,
}

impl BarPlot {
    /// An axis covering the largest of `totals` in whole steps, with room for the category
    /// labels on the left and the total labels on the right.
    fn new(categories: &[String], totals: &[f64], total_labels: &[String]) -> BarPlot {
        let max_total = totals.iter().copied().fold(0.0, f64::max);
        let step = tick_step(max_total);
        let intervals =
            if max_total > 0.0 { (max_total / step * (1.0 - 1e-9)).ceil().max(1.0) } else { 1.0 };
        let axis_max = step * intervals;

        let label_w = categories.iter().map(|category| text_width(category)).fold(0.0, f64::max);
        let plot_x = (label_w + 16.0).clamp(64.0, 260.0);
        let total_w = total_labels.iter().map(|label| text_width(label)).fold(0.0, f64::max);
        let right_pad = (total_w + 16.0).max(40.0);
        let plot_w = WIDTH - plot_x - right_pad;

        // Category count is small; f64 holds it exactly.
        let rows = categories.len() as f64;
        let axis_y = PLOT_TOP + rows * ROW_H;
        BarPlot { step, intervals, axis_max, plot_x, plot_w, axis_y }
    }

    /// Horizontal position of `value`, px.
    fn x_of(&self, value: f64) -> f64 {
        self.plot_x + value / self.axis_max * self.plot_w
    }
}

/// Gridlines and tick labels, the value axis and its title in `unit`.
fn bar_axis(svg: &mut String, plot: &BarPlot, unit: &str) {
    let BarPlot { step, plot_x, plot_w, axis_y, .. } = *plot;
    let tick_decimals = step_decimals(step);
    // `intervals` is a small positive whole number.
    let tick_count = plot.intervals as usize;
    for tick in 0..=tick_count {
        let value = step * tick as f64;
        let x = plot.x_of(value);
        let class = if tick == 0 { "axis" } else { "grid" };
        let stroke = if tick == 0 { "#555" } else { "#ddd" };
        let _ = write!(
            svg,
            r#"<line class="{class}" x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{axis_y:.1}" stroke="{stroke}"/>"#,
            top = PLOT_TOP - 4.0
        );
        let _ = write!(
            svg,
            r##"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" fill="#444">{label}</text>"##,
            y = axis_y + 15.0,
            label = number(value, tick_decimals)
        );
    }
    let _ = write!(
        svg,
        r##"<line class="axis" x1="{plot_x:.1}" y1="{axis_y:.1}" x2="{end:.1}" y2="{axis_y:.1}" stroke="#555"/>"##,
        end = plot_x + plot_w
    );
    x_axis_title(svg, plot_x, plot_w, axis_y, unit);
}

/// The label of the bar at `y`, right-aligned left of the plot; a label wider than the room
/// left of the plot wraps onto two lines of 11 px text ("…" when more would be needed).
fn category_label(svg: &mut String, category: &str, plot_x: f64, y: f64) {
    let lines = if text_width(category) > plot_x - 8.0 {
        wrap(category, (plot_x - 8.0) / 0.92)
    } else {
        vec![category.to_string()]
    };
    if lines.len() > 1 {
        for (line, text) in lines.iter().take(2).enumerate() {
            let text =
                if line == 1 && lines.len() > 2 { format!("{text} …") } else { text.clone() };
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{ty:.1}" font-size="11" text-anchor="end">{text}</text>"#,
                x = plot_x - 8.0,
                ty = y + BAR_H / 2.0 - 2.0 + 12.0 * line as f64,
                text = escape(&text)
            );
        }
    } else {
        let _ = write!(
            svg,
            r#"<text x="{x:.1}" y="{ty:.1}" text-anchor="end">{category}</text>"#,
            x = plot_x - 8.0,
            ty = y + BAR_H / 2.0 + 4.0,
            category = escape(category)
        );
    }
}

/// One category's bar: which category, where, and its total's label.
struct BarRow<'a> {
    /// Index of the category in every series' values.
    index: usize,
    /// Category label (plain text).
    category: &'a str,
    /// Top of the bar, px.
    y: f64,
    /// The total written at the end of the bar.
    total: &'a str,
}

/// One bar: a segment per `shown` series with a value drawn (tooltips with values in `unit`,
/// at least 2 decimals), stacked from 0, then the total at its end.
fn bar(
    svg: &mut String,
    plot: &BarPlot,
    shown: &[&Series],
    row: &BarRow,
    unit: &str,
    decimals: usize,
) {
    let BarRow { index, y, .. } = *row;
    let category = escape(row.category);
    let mut start = 0.0;
    for series in shown {
        let raw = series.values.get(index).copied().unwrap_or(0.0);
        let value = drawn(raw);
        if value <= 0.0 {
            continue;
        }
        let (x0, x1) = (plot.x_of(start), plot.x_of(start + value));
        let _ = write!(
            svg,
            r#"<rect x="{x0:.1}" y="{y:.1}" width="{w:.1}" height="{BAR_H:.0}" fill="{colour}"><title>{category} — {label}: {value} {unit}</title></rect>"#,
            w = (x1 - x0).max(0.0),
            colour = series.colour,
            label = escape(&series.label),
            value = number(raw, decimals.max(2)),
            unit = escape(unit)
        );
        start += value;
    }
    let _ = write!(
        svg,
        r#"<text class="total" x="{x:.1}" y="{ty:.1}">{total}</text>"#,
        x = plot.x_of(start) + 6.0,
        ty = y + BAR_H / 2.0 + 4.0,
        total = row.total
    );
}

/// The legend: for each `(x, row, series)`, a colour swatch and the label.
fn bar_legend(svg: &mut String, legend: &[(f64, f64, &Series)], legend_top: f64) {
    for &(x, row, series) in legend {
        let y = legend_top + row * LEGEND_ROW_H;
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{y:.1}" width="14" height="14" fill="{colour}" stroke="#666" stroke-width="0.5"/><text x="{tx:.1}" y="{ty:.1}">{label}</text>"##,
            colour = series.colour,
            tx = x + 20.0,
            ty = y + 11.0,
            label = escape(&series.label)
        );
    }
}
