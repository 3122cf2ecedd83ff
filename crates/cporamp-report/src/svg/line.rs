//! Line charts, with the note naming series drawn on top of each other.

use std::fmt::Write as _;

use super::*;

/// Groups of series that are drawn on top of each other: the same number of points, each
/// within `tolerance_px` of its partner in both coordinates once drawn. Each group lists
/// series indices in drawing order (the last is the one visible); series without a finite
/// point are never grouped.
pub(super) fn coinciding(series: &[Vec<(f64, f64)>], tolerance_px: f64) -> Vec<Vec<usize>> {
    let same = |a: &[(f64, f64)], b: &[(f64, f64)]| {
        a.len() == b.len()
            && a.iter().any(|(x, y)| x.is_finite() && y.is_finite())
            && a.iter().zip(b).all(|(p, q)| {
                let finite = |(x, y): &(f64, f64)| x.is_finite() && y.is_finite();
                match (finite(p), finite(q)) {
                    (true, true) => {
                        (p.0 - q.0).abs() <= tolerance_px && (p.1 - q.1).abs() <= tolerance_px
                    }
                    (false, false) => true,
                    _ => false,
                }
            })
    };
    let mut group_of: Vec<Option<usize>> = vec![None; series.len()];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..series.len() {
        if group_of[i].is_some() {
            continue;
        }
        let members: Vec<usize> = (i..series.len())
            .filter(|&j| group_of[j].is_none() && same(&series[i], &series[j]))
            .collect();
        if members.len() > 1 {
            for &member in &members {
                group_of[member] = Some(groups.len());
            }
            groups.push(members);
        }
    }
    groups
}

/// "a", "a and b", "a, b and c".
fn joined(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The sentence under a line chart naming each group of coinciding series (plain text).
fn coincidence_note(labels: &[&str], groups: &[Vec<usize>]) -> Option<String> {
    if groups.is_empty() {
        return None;
    }
    let sentences: Vec<String> = groups
        .iter()
        .map(|group| {
            let names: Vec<String> = group.iter().map(|&i| format!("“{}”", labels[i])).collect();
            format!("{} coincide", joined(&names))
        })
        .collect();
    Some(format!(
        "Note: {} (drawn on top of each other; only the last is visible).",
        sentences.join("; ")
    ))
}

/// The marker drawn at each point of a [`LineSeries`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marker {
    /// A filled circle.
    Circle,
    /// A filled square.
    Square,
    /// No marker (dense series); the tooltip is lost.
    None,
}

/// One series of a line chart.
#[derive(Debug, Clone)]
pub(crate) struct LineSeries {
    /// Legend label (plain text; escaped when drawn).
    pub(crate) label: String,
    /// Stroke and marker colour, a CSS colour such as `#0072B2`.
    pub(crate) colour: &'static str,
    /// Dashed line instead of solid.
    pub(crate) dashed: bool,
    /// Marker at each point.
    pub(crate) marker: Marker,
    /// Points `(x, y)` in drawing order; a non-finite coordinate breaks the line there.
    pub(crate) points: Vec<(f64, f64)>,
}

/// Height of a line chart's plot area, px.
const LINE_PLOT_H: f64 = 260.0;
/// Left edge of a line chart's plot area, px (room for the value labels and axis title).
const LINE_PLOT_X: f64 = 64.0;

/// Draws one marker with its tooltip.
fn marker(svg: &mut String, series: &LineSeries, x: f64, y: f64, tooltip: &str) {
    match series.marker {
        Marker::None => {}
        Marker::Circle => {
            let _ = write!(
                svg,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="{colour}" stroke="#fff" stroke-width="1"><title>{tooltip}</title></circle>"##,
                colour = series.colour
            );
        }
        Marker::Square => {
            let _ = write!(
                svg,
                r##"<rect x="{x0:.1}" y="{y0:.1}" width="8" height="8" fill="{colour}" stroke="#fff" stroke-width="1"><title>{tooltip}</title></rect>"##,
                x0 = x - 4.0,
                y0 = y - 4.0,
                colour = series.colour
            );
        }
    }
}

/// A line chart: one polyline with markers per series, axes in `x_unit` and `y_unit` with
/// nice ticks and gridlines (neither axis is forced to include zero, but an axis whose data
/// are non-negative never goes below 0, and the value axis never above `y_max`), values in
/// tooltips with `decimals` decimals, and a legend. Points with a non-finite coordinate are
/// skipped. Series drawn on top of each other are named in a note under the legend.
pub(crate) fn line_chart(
    title: &str,
    series: &[LineSeries],
    x_unit: &str,
    y_unit: &str,
    decimals: usize,
    y_max: Option<f64>,
) -> String {
    let plot = LinePlot::new(series, y_max);

    let positions = legend_layout(series.iter().map(|item| item.label.as_str()), 28.0, plot.plot_x);
    let legend: Vec<(f64, f64, &LineSeries)> =
        positions.iter().zip(series).map(|(&(x, row), item)| (x, row, item)).collect();
    let legend_top = plot.axis_y + 46.0;
    let drawn_points: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|item| item.points.iter().map(|&(x, y)| (plot.x_of(x), plot.y_of(y))).collect())
        .collect();
    let labels: Vec<&str> = series.iter().map(|item| item.label.as_str()).collect();
    let note = coincidence_note(&labels, &coinciding(&drawn_points, 0.75))
        .map(|note| wrap(&note, WIDTH - plot.plot_x))
        .unwrap_or_default();
    let note_top = legend_top + legend_height(&positions) + 8.0;
    // A line count is small; f64 holds it exactly.
    let height = note_top + note.len() as f64 * LEGEND_ROW_H + 4.0;
    let mut svg = chart_header(title, height);

    line_axes(&mut svg, &plot, x_unit, y_unit);
    line_series(&mut svg, &plot, series, (x_unit, y_unit), decimals);
    line_legend(&mut svg, &legend, legend_top);
    for (row, line) in note.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text class="note" x="{plot_x:.1}" y="{y:.1}" fill="#8a3b00">{line}</text>"##,
            plot_x = plot.plot_x,
            y = note_top + row as f64 * LEGEND_ROW_H + 12.0,
            line = escape(line)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// True if both coordinates of a point are finite (the point is drawn).
fn finite(&(x, y): &(f64, f64)) -> bool {
    x.is_finite() && y.is_finite()
}

/// A line chart's axes and plot area: the ranges of both axes and where they are drawn, px.
struct LinePlot {
    /// First tick of the x axis.
    x_start: f64,
    /// Last tick of the x axis.
    x_end: f64,
    /// Step between x ticks.
    x_step: f64,
    /// First tick of the y axis.
    y_start: f64,
    /// Last tick of the y axis.
    y_end: f64,
    /// Step between y ticks.
    y_step: f64,
    /// Left edge of the plot area, px.
    plot_x: f64,
    /// Width of the plot area, px.
    plot_w: f64,
    /// Position of the x axis (bottom of the plot area), px.
    axis_y: f64,
}

impl LinePlot {
    /// Axes covering every finite point of `series` (never below 0 for non-negative data,
    /// the value axis never above `y_max`).
    fn new(series: &[LineSeries], y_max: Option<f64>) -> LinePlot {
        let all: Vec<(f64, f64)> =
            series.iter().flat_map(|series| series.points.iter().copied()).filter(finite).collect();
        let bounds = |pick: fn(&(f64, f64)) -> f64| {
            all.iter().map(pick).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), value| {
                (lo.min(value), hi.max(value))
            })
        };
        let (x_lo, x_hi) = bounds(|point| point.0);
        let (y_lo, y_hi) = bounds(|point| point.1);
        let (x_start, x_end, x_step) = bounded_range(x_lo, x_hi, zero_floor(x_lo), None);
        let (y_start, y_end, y_step) = bounded_range(y_lo, y_hi, zero_floor(y_lo), y_max);
        let plot_x = LINE_PLOT_X;
        LinePlot {
            x_start,
            x_end,
            x_step,
            y_start,
            y_end,
            y_step,
            plot_x,
            plot_w: WIDTH - plot_x - 24.0,
            axis_y: PLOT_TOP + LINE_PLOT_H,
        }
    }

    /// Horizontal position of `x`, px.
    fn x_of(&self, x: f64) -> f64 {
        self.plot_x + (x - self.x_start) / (self.x_end - self.x_start) * self.plot_w
    }

    /// Vertical position of `y`, px.
    fn y_of(&self, y: f64) -> f64 {
        self.axis_y - (y - self.y_start) / (self.y_end - self.y_start) * LINE_PLOT_H
    }
}

/// Gridlines and tick labels at whole steps from each axis' start, and both axis titles.
fn line_axes(svg: &mut String, plot: &LinePlot, x_unit: &str, y_unit: &str) {
    let LinePlot { plot_x, plot_w, axis_y, .. } = *plot;
    let x_decimals = step_decimals(plot.x_step);
    for (tick, value) in ticks(plot.x_start, plot.x_end, plot.x_step).into_iter().enumerate() {
        let x = plot.x_of(value);
        let (class, stroke) = if tick == 0 { ("axis", "#555") } else { ("grid", "#ddd") };
        let _ = write!(
            svg,
            r#"<line class="{class}" x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{axis_y:.1}" stroke="{stroke}"/>"#,
            top = PLOT_TOP
        );
        let _ = write!(
            svg,
            r##"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" fill="#444">{label}</text>"##,
            y = axis_y + 15.0,
            label = number(value, x_decimals)
        );
    }
    let y_decimals = step_decimals(plot.y_step);
    for (tick, value) in ticks(plot.y_start, plot.y_end, plot.y_step).into_iter().enumerate() {
        let y = plot.y_of(value);
        let (class, stroke) = if tick == 0 { ("axis", "#555") } else { ("grid", "#ddd") };
        let _ = write!(
            svg,
            r#"<line class="{class}" x1="{plot_x:.1}" y1="{y:.1}" x2="{end:.1}" y2="{y:.1}" stroke="{stroke}"/>"#,
            end = plot_x + plot_w
        );
        let _ = write!(
            svg,
            r##"<text x="{x:.1}" y="{ty:.1}" text-anchor="end" fill="#444">{label}</text>"##,
            x = plot_x - 6.0,
            ty = y + 4.0,
            label = number(value, y_decimals)
        );
    }
    x_axis_title(svg, plot_x, plot_w, axis_y, x_unit);
    let _ = write!(
        svg,
        r##"<text class="axis-title" x="14" y="{y:.1}" transform="rotate(-90 14 {y:.1})" text-anchor="middle" fill="#444">{unit}</text>"##,
        y = PLOT_TOP + LINE_PLOT_H / 2.0,
        unit = escape(y_unit)
    );
}

/// The series: every line (broken at non-finite points), then every marker on top with its
/// tooltip (values with `decimals` decimals in the axes' `units`, x then y).
fn line_series(
    svg: &mut String,
    plot: &LinePlot,
    series: &[LineSeries],
    units: (&str, &str),
    decimals: usize,
) {
    let (x_unit, y_unit) = (escape(units.0), escape(units.1));
    for item in series {
        let dash = if item.dashed { r#" stroke-dasharray="6 4""# } else { "" };
        for run in item.points.split(|point| !finite(point)).filter(|run| run.len() > 1) {
            let points: Vec<String> = run
                .iter()
                .map(|&(x, y)| format!("{:.1},{:.1}", plot.x_of(x), plot.y_of(y)))
                .collect();
            let _ = write!(
                svg,
                r#"<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>"#,
                points = points.join(" "),
                colour = item.colour
            );
        }
    }
    for item in series {
        let label = escape(&item.label);
        for &(x, y) in item.points.iter().filter(|point| finite(point)) {
            let tooltip = format!(
                "{label} at {} {x_unit}: {} {y_unit}",
                number(x, decimals),
                number(y, decimals)
            );
            marker(svg, item, plot.x_of(x), plot.y_of(y), &tooltip);
        }
    }
}

/// The legend: for each `(x, row, series)`, a line sample with its marker, then the label.
fn line_legend(svg: &mut String, legend: &[(f64, f64, &LineSeries)], legend_top: f64) {
    for &(x, row, item) in legend {
        let y = legend_top + row * LEGEND_ROW_H + 7.0;
        let dash = if item.dashed { r#" stroke-dasharray="6 4""# } else { "" };
        let _ = write!(
            svg,
            r#"<line x1="{x:.1}" y1="{y:.1}" x2="{x2:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="2"{dash}/>"#,
            x2 = x + 28.0,
            colour = item.colour
        );
        marker(svg, item, x + 14.0, y, &escape(&item.label));
        let _ = write!(
            svg,
            r#"<text x="{tx:.1}" y="{ty:.1}">{label}</text>"#,
            tx = x + 34.0,
            ty = y + 4.0,
            label = escape(&item.label)
        );
    }
}
