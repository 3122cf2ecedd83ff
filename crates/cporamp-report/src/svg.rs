//! Inline SVG charts.
//!
//! Charts are plain strings: an `<svg class="chart">` element with a `viewBox`, drawn with
//! rectangles, lines and text only, so the report needs no script, font or image. Every
//! number written into the markup is finite: non-finite inputs are drawn as zero and labelled
//! "—", and a chart whose values are all zero still gets a unit axis.
//!
//! Axes never show impossible values: a value axis whose data are all non-negative starts
//! at 0 or above, and a caller can cap an axis (100 % for shares and yields). Ticks are
//! whole multiples of a 1-2-5 step. Line charts detect series drawn on top of each other
//! and say so in a visible note under the legend.

use std::fmt::Write as _;

/// Width of every chart's coordinate system, px.
const WIDTH: f64 = 860.0;
/// Approximate advance of one character of 12 px text, px (for layout only).
const CHAR_W: f64 = 6.8;
/// Height of one bar, px.
const BAR_H: f64 = 20.0;
/// Vertical pitch of the bars, px.
const ROW_H: f64 = 30.0;
/// Top of the plot area (below the title), px.
const PLOT_TOP: f64 = 34.0;
/// Height of one legend row, px.
const LEGEND_ROW_H: f64 = 20.0;
/// Most intervals the value axis is split into.
const MAX_INTERVALS: f64 = 6.0;

/// Escapes text for HTML and SVG (element content and double- or single-quoted attributes).
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Formats `value` with `decimals` decimals and thousands separators; "—" if not finite.
/// A value that rounds to zero never shows a minus sign.
pub(crate) fn number(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "—".to_string();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let (integer, fraction) = match text.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (text.as_str(), None),
    };
    let mut grouped = String::with_capacity(text.len() + integer.len() / 3 + 1);
    if negative {
        grouped.push('-');
    }
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if let Some(fraction) = fraction {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}

/// A "nice" tick step (1, 2 or 5 × 10ⁿ) splitting `0..=max` into at most six intervals.
/// Returns 1 for a maximum that is not positive and finite.
pub(crate) fn tick_step(max: f64) -> f64 {
    if !(max.is_finite() && max > 0.0) {
        return 1.0;
    }
    let raw = max / MAX_INTERVALS;
    // |log10| of a finite positive f64 is below 330, so the exponent fits an i32.
    let exponent = raw.log10().floor() as i32;
    for exponent in [exponent, exponent + 1] {
        for mantissa in [1.0, 2.0, 5.0] {
            // Dividing by an exact power of ten keeps 0.2 as close to 0.2 as f64 allows.
            let step = if exponent >= 0 {
                mantissa * 10f64.powi(exponent)
            } else {
                mantissa / 10f64.powi(-exponent)
            };
            if step >= raw * (1.0 - 1e-9) {
                return step;
            }
        }
    }
    10f64.powi(exponent + 2)
}

/// Decimals needed to print multiples of `step` exactly (0 for steps of 1 and above).
pub(crate) fn step_decimals(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) || step >= 1.0 {
        return 0;
    }
    // -log10 of a step below 1 is positive and small.
    let decimals = (-step.log10()).ceil() as usize;
    decimals.min(12)
}

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

/// The length a value is drawn with.
fn drawn(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 { value } else { 0.0 }
}

/// Estimated width of `text` in 12 px text, px.
fn text_width(text: &str) -> f64 {
    // Labels are short; a count above 2^52 is not a concern.
    let chars = text.chars().count() as f64;
    chars * CHAR_W
}

/// Legend items wrapped to the chart width: (x, row) of each label, with a swatch of
/// `swatch_w` px before it.
fn legend_layout<'a>(
    labels: impl Iterator<Item = &'a str>,
    swatch_w: f64,
    plot_x: f64,
) -> Vec<(f64, f64)> {
    let mut positions = Vec::new();
    let (mut x, mut row) = (plot_x, 0.0);
    for label in labels {
        let item_w = swatch_w + 6.0 + text_width(label) + 18.0;
        if x + item_w > WIDTH && x > plot_x {
            x = plot_x;
            row += 1.0;
        }
        positions.push((x, row));
        x += item_w;
    }
    positions
}

/// Height the legend rows take, px.
fn legend_height(positions: &[(f64, f64)]) -> f64 {
    positions.last().map_or(0.0, |&(_, row)| (row + 1.0) * LEGEND_ROW_H)
}

/// The opening `<svg>` of a chart with its title.
fn chart_header(title: &str, height: f64) -> String {
    let mut svg = String::new();
    let title = escape(title);
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH:.0} {height:.0}" width="{WIDTH:.0}" height="{height:.0}" role="img" aria-label="{title}" font-size="12">"#
    );
    let _ = write!(svg, "<title>{title}</title>");
    let _ = write!(
        svg,
        r#"<text class="chart-title" x="0" y="16" font-size="14" font-weight="600">{title}</text>"#
    );
    svg
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
    let x_of = |value: f64| plot_x + value / axis_max * plot_w;

    // Category count is small; f64 holds it exactly.
    let rows = categories.len() as f64;
    let axis_y = PLOT_TOP + rows * ROW_H;

    let positions = legend_layout(shown.iter().map(|series| series.label.as_str()), 14.0, plot_x);
    let legend: Vec<(f64, f64, &Series)> =
        positions.iter().zip(&shown).map(|(&(x, row), series)| (x, row, *series)).collect();
    let legend_top = axis_y + 46.0;
    let height = legend_top + legend_height(&positions) + 4.0;
    let mut svg = chart_header(title, height);

    // Gridlines and tick labels.
    let tick_decimals = step_decimals(step);
    // `intervals` is a small positive whole number.
    let tick_count = intervals as usize;
    for tick in 0..=tick_count {
        let value = step * tick as f64;
        let x = x_of(value);
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
    let _ = write!(
        svg,
        r##"<text class="axis-title" x="{x:.1}" y="{y:.1}" text-anchor="middle" fill="#444">{unit}</text>"##,
        x = plot_x + plot_w / 2.0,
        y = axis_y + 32.0,
        unit = escape(unit)
    );

    // Bars.
    for (index, category) in categories.iter().enumerate() {
        let y = PLOT_TOP + index as f64 * ROW_H + (ROW_H - BAR_H) / 2.0;
        // A label wider than the room left of the plot wraps onto two lines of 11 px text.
        let lines = if text_width(category) > plot_x - 8.0 {
            wrap(category, (plot_x - 8.0) / 0.92)
        } else {
            vec![category.clone()]
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
        let category = escape(category);
        let mut start = 0.0;
        for series in &shown {
            let raw = series.values.get(index).copied().unwrap_or(0.0);
            let value = drawn(raw);
            if value <= 0.0 {
                continue;
            }
            let (x0, x1) = (x_of(start), x_of(start + value));
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
            x = x_of(start) + 6.0,
            ty = y + BAR_H / 2.0 + 4.0,
            total = total_labels[index]
        );
    }

    // Legend.
    for (x, row, series) in legend {
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
    svg.push_str("</svg>");
    svg
}

/// An axis from `lo` to `hi` widened to whole multiples of a nice step: `(start, end, step)`,
/// with `start < end`. A degenerate or non-finite range is widened around its finite end (or
/// becomes `0..=1`).
pub(crate) fn nice_range(lo: f64, hi: f64) -> (f64, f64, f64) {
    let (mut lo, mut hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => (lo.min(hi), lo.max(hi)),
        (true, false) => (lo, lo),
        (false, true) => (hi, hi),
        (false, false) => (0.0, 1.0),
    };
    if hi - lo <= 1e-9 * hi.abs().max(1.0) {
        let pad = (0.05 * hi.abs()).max(1.0);
        lo -= pad;
        hi += pad;
    }
    let step = tick_step(hi - lo);
    let start = (lo / step).floor() * step;
    let mut end = (hi / step).ceil() * step;
    if end <= start {
        end = start + step;
    }
    (start, end, step)
}

/// [`nice_range`] kept within `floor..=ceiling` (either optional): a range whose data lie
/// at or above the floor never extends below it, one at or below the ceiling never above.
/// Floors and ceilings used here (0, 100) are multiples of every step up to 50.
pub(crate) fn bounded_range(
    lo: f64,
    hi: f64,
    floor: Option<f64>,
    ceiling: Option<f64>,
) -> (f64, f64, f64) {
    let (mut start, mut end, step) = nice_range(lo, hi);
    if let Some(floor) = floor.filter(|floor| floor.is_finite() && (lo.is_nan() || lo >= *floor)) {
        start = start.max(floor);
    }
    if let Some(ceiling) =
        ceiling.filter(|ceiling| ceiling.is_finite() && (hi.is_nan() || hi <= *ceiling))
    {
        end = end.min(ceiling);
    }
    if end <= start {
        end = start + step;
    }
    (start, end, step)
}

/// The floor of an axis whose data run from `lo`: 0 when no value is negative (a
/// non-negative quantity never gets a negative tick), none otherwise.
fn zero_floor(lo: f64) -> Option<f64> {
    (lo.is_finite() && lo >= 0.0).then_some(0.0)
}

/// The ticks of `start..=end` at whole multiples of `step` from `start`.
fn ticks(start: f64, end: f64, step: f64) -> Vec<f64> {
    // The ranges span at most a few dozen steps.
    let count = ((end - start) / step + 1e-9).floor().max(0.0) as usize;
    (0..=count).map(|k| start + step * k as f64).collect()
}

/// Wraps `text` into lines of at most `width` px of 12 px text (words are never split).
fn wrap(text: &str, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && text_width(&line) + CHAR_W + text_width(word) > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Groups of series that are drawn on top of each other: the same number of points, each
/// within `tolerance_px` of its partner in both coordinates once drawn. Each group lists
/// series indices in drawing order (the last is the one visible); series without a finite
/// point are never grouped.
fn coinciding(series: &[Vec<(f64, f64)>], tolerance_px: f64) -> Vec<Vec<usize>> {
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
    let finite = |(x, y): &(f64, f64)| x.is_finite() && y.is_finite();
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
    let plot_w = WIDTH - plot_x - 24.0;
    let axis_y = PLOT_TOP + LINE_PLOT_H;
    let x_of = |x: f64| plot_x + (x - x_start) / (x_end - x_start) * plot_w;
    let y_of = |y: f64| axis_y - (y - y_start) / (y_end - y_start) * LINE_PLOT_H;

    let positions = legend_layout(series.iter().map(|item| item.label.as_str()), 28.0, plot_x);
    let legend: Vec<(f64, f64, &LineSeries)> =
        positions.iter().zip(series).map(|(&(x, row), item)| (x, row, item)).collect();
    let legend_top = axis_y + 46.0;
    let drawn_points: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|item| item.points.iter().map(|&(x, y)| (x_of(x), y_of(y))).collect())
        .collect();
    let labels: Vec<&str> = series.iter().map(|item| item.label.as_str()).collect();
    let note = coincidence_note(&labels, &coinciding(&drawn_points, 0.75))
        .map(|note| wrap(&note, WIDTH - plot_x))
        .unwrap_or_default();
    let note_top = legend_top + legend_height(&positions) + 8.0;
    // A line count is small; f64 holds it exactly.
    let height = note_top + note.len() as f64 * LEGEND_ROW_H + 4.0;
    let mut svg = chart_header(title, height);

    // Gridlines and tick labels at whole steps from each axis' start.
    let x_decimals = step_decimals(x_step);
    for (tick, value) in ticks(x_start, x_end, x_step).into_iter().enumerate() {
        let x = x_of(value);
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
    let y_decimals = step_decimals(y_step);
    for (tick, value) in ticks(y_start, y_end, y_step).into_iter().enumerate() {
        let y = y_of(value);
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
    let _ = write!(
        svg,
        r##"<text class="axis-title" x="{x:.1}" y="{y:.1}" text-anchor="middle" fill="#444">{unit}</text>"##,
        x = plot_x + plot_w / 2.0,
        y = axis_y + 32.0,
        unit = escape(x_unit)
    );
    let _ = write!(
        svg,
        r##"<text class="axis-title" x="14" y="{y:.1}" transform="rotate(-90 14 {y:.1})" text-anchor="middle" fill="#444">{unit}</text>"##,
        y = PLOT_TOP + LINE_PLOT_H / 2.0,
        unit = escape(y_unit)
    );

    // Lines, then markers on top.
    let (x_unit, y_unit) = (escape(x_unit), escape(y_unit));
    for item in series {
        let dash = if item.dashed { r#" stroke-dasharray="6 4""# } else { "" };
        for run in item.points.split(|point| !finite(point)).filter(|run| run.len() > 1) {
            let points: Vec<String> =
                run.iter().map(|&(x, y)| format!("{:.1},{:.1}", x_of(x), y_of(y))).collect();
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
            marker(&mut svg, item, x_of(x), y_of(y), &tooltip);
        }
    }

    // Legend: a line sample with its marker, then the label.
    for (x, row, item) in legend {
        let y = legend_top + row * LEGEND_ROW_H + 7.0;
        let dash = if item.dashed { r#" stroke-dasharray="6 4""# } else { "" };
        let _ = write!(
            svg,
            r#"<line x1="{x:.1}" y1="{y:.1}" x2="{x2:.1}" y2="{y:.1}" stroke="{colour}" stroke-width="2"{dash}/>"#,
            x2 = x + 28.0,
            colour = item.colour
        );
        marker(&mut svg, item, x + 14.0, y, &escape(&item.label));
        let _ = write!(
            svg,
            r#"<text x="{tx:.1}" y="{ty:.1}">{label}</text>"#,
            tx = x + 34.0,
            ty = y + 4.0,
            label = escape(&item.label)
        );
    }
    for (row, line) in note.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text class="note" x="{plot_x:.1}" y="{y:.1}" fill="#8a3b00">{line}</text>"##,
            y = note_top + row as f64 * LEGEND_ROW_H + 12.0,
            line = escape(line)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A waterfall chart: the first step is a level drawn from the axis floor, each later step a
/// floating bar from the running level to the level after it (falls red, rises green), and a
/// last bar for the final level. The value axis spans the levels reached, widened to nice
/// ticks (never below 0 when no level is negative, never above `ceiling`), so small losses
/// on a high level stay visible; each bar has a tooltip.
pub(crate) fn waterfall_chart(
    title: &str,
    steps: &[(String, f64)],
    final_label: &str,
    unit: &str,
    decimals: usize,
    ceiling: Option<f64>,
) -> String {
    let mut levels = Vec::with_capacity(steps.len() + 1);
    let mut level = 0.0;
    for (_, change) in steps {
        level += change;
        levels.push(level);
    }
    let low = levels.iter().copied().fold(f64::INFINITY, f64::min);
    let high = levels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (start, end, step) = bounded_range(low, high, zero_floor(low), ceiling);
    let bars = steps.len() + 1;
    let (plot_x, plot_top, plot_h) = (64.0, 32.0, 200.0);
    let plot_w = WIDTH - plot_x - 16.0;
    let pitch = plot_w / bars as f64;
    let height = plot_top + plot_h + 56.0;
    let y =
        |value: f64| plot_top + plot_h * (1.0 - (value.clamp(start, end) - start) / (end - start));
    let mut svg = chart_header(title, height);
    let tick_decimals = step_decimals(step);
    for tick in ticks(start, end, step) {
        let _ = write!(
            svg,
            r##"<line x1="{plot_x}" x2="{}" y1="{y}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>"##,
            plot_x + plot_w,
            plot_x - 6.0,
            y(tick) + 4.0,
            number(tick, tick_decimals),
            y = y(tick),
        );
    }
    let bar_w = (pitch * 0.7).min(72.0);
    let mut previous = start;
    let entries = steps
        .iter()
        .zip(&levels)
        .enumerate()
        .map(|(index, ((label, change), &level))| {
            let base = if index == 0 { start } else { previous };
            previous = level;
            (label.as_str(), *change, base, level, index == 0)
        })
        .collect::<Vec<_>>();
    let last = levels.last().copied().unwrap_or(0.0);
    for (index, (label, change, from, to, first)) in entries
        .into_iter()
        .chain(std::iter::once((final_label, last, start, last, true)))
        .enumerate()
    {
        let x = plot_x + pitch * index as f64 + (pitch - bar_w) / 2.0;
        let (top, bottom) = (y(from.max(to)), y(from.min(to)));
        let colour = if first {
            "#0072B2"
        } else if change < 0.0 {
            "#D55E00"
        } else {
            "#009E73"
        };
        let shown = if first {
            number(change, decimals)
        } else {
            let text = number(change, decimals);
            // A change that rounds to zero gets no sign.
            let zero = !text.chars().any(|c| c.is_ascii_digit() && c != '0');
            format!("{}{text}", if change < 0.0 || zero { "" } else { "+" })
        };
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{top}" width="{bar_w}" height="{}" fill="{colour}"><title>{}: {shown} {}</title></rect><text x="{}" y="{}" font-size="11" text-anchor="middle">{shown}</text>"#,
            (bottom - top).max(1.0),
            escape(label),
            escape(unit),
            x + bar_w / 2.0,
            top - 4.0,
        );
        // Category labels wrap to the bar pitch (11 px text is about 0.92 of 12 px).
        for (line, text) in wrap(label, pitch / 0.92 - CHAR_W).iter().enumerate() {
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>"#,
                x + bar_w / 2.0,
                plot_top + plot_h + 16.0 + 13.0 * line as f64,
                escape(text),
            );
        }
    }
    let _ = write!(
        svg,
        r#"<text x="12" y="{}" font-size="11" transform="rotate(-90 12 {})" text-anchor="middle">{}</text></svg>"#,
        plot_top + plot_h / 2.0,
        plot_top + plot_h / 2.0,
        escape(unit)
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn tick_steps_are_one_two_five_times_a_power_of_ten() {
        for (max, step) in [
            (27.3, 5.0),
            (0.9, 0.2),
            (12.0, 2.0),
            (100.0, 20.0),
            (1.0, 0.2),
            (6.0, 1.0),
            (7.0, 2.0),
            (30_000.0, 5000.0),
            (0.004, 0.001),
        ] {
            assert!(close(tick_step(max), step), "max {max}: step {} != {step}", tick_step(max));
            assert!(max / tick_step(max) <= 6.0 + 1e-9, "max {max}: too many intervals");
        }
    }

    #[test]
    fn tick_step_of_degenerate_maxima_is_one() {
        for max in [0.0, -3.0, f64::NAN, f64::INFINITY] {
            assert!(close(tick_step(max), 1.0), "max {max}");
        }
    }

    #[test]
    fn numbers_are_grouped_and_never_negative_zero() {
        assert_eq!(number(1234.6, 0), "1,235");
        assert_eq!(number(-1_234_567.891, 2), "-1,234,567.89");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number(-0.0001, 2), "0.00");
        assert_eq!(number(0.25, 3), "0.250");
        assert_eq!(number(f64::NAN, 2), "—");
        assert_eq!(number(f64::NEG_INFINITY, 2), "—");
    }

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    fn tokens(text: &str) -> Vec<&str> {
        text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|token| !token.is_empty()).collect()
    }

    #[test]
    fn chart_of_bad_values_has_only_finite_numbers() {
        let categories = vec!["a".to_string(), "b <b>".to_string(), "c".to_string()];
        let series = vec![
            Series::new("nan & inf", "#000", vec![f64::NAN, f64::INFINITY, -1.0]),
            Series::new("zero", "#111", vec![0.0, 0.0, 0.0]),
        ];
        let svg = stacked_bar_chart("empty", &categories, &series, "W", 2);
        for token in tokens(&svg) {
            assert!(
                !["NaN", "inf", "infinity"].contains(&token.to_ascii_lowercase().as_str()),
                "{token} in {svg}"
            );
        }
        assert!(svg.contains("b &lt;b&gt;"));
        // Series that draw nothing stay out of the legend.
        assert!(!svg.contains("nan &amp; inf"));
        assert!(svg.starts_with(r#"<svg class="chart""#) && svg.ends_with("</svg>"));
    }

    #[test]
    fn chart_of_no_categories_is_well_formed() {
        let svg = stacked_bar_chart("nothing", &[], &[], "W", 0);
        assert!(svg.contains("viewBox=\"0 0 860 "));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn totals_are_the_sum_of_segments_and_the_axis_covers_them() {
        let categories = vec!["x".to_string(), "y".to_string()];
        let series = vec![
            Series::new("s1", "#0072B2", vec![10.0, 3.0]),
            Series::new("s2", "#E69F00", vec![17.3, 1.0]),
        ];
        let svg = stacked_bar_chart("t", &categories, &series, "pJ/bit", 2);
        assert!(svg.contains(">27.30</text>"));
        assert!(svg.contains(">4.00</text>"));
        // Step 5 up to 30.
        assert!(svg.contains(">30</text>") && svg.contains(">25</text>"));
        assert!(!svg.contains(">35</text>"));
        assert_eq!(svg.matches("<rect").count(), 4 + 2);
    }

    #[test]
    fn long_category_labels_wrap_inside_the_chart() {
        let long = "Mixed: LPO (leaf) + CPO, external laser (spine, core)".to_string();
        let svg = stacked_bar_chart(
            "t",
            &[long.clone(), "short".to_string()],
            &[Series::new("s", "#000", vec![1.0, 2.0])],
            "W",
            0,
        );
        // Two lines, each within the 260 px left of the plot.
        assert!(!svg.contains(&format!(">{long}<")), "{svg}");
        let lines = wrap(&long, 252.0 / 0.92);
        assert_eq!(lines.len(), 2, "{lines:?}");
        for line in &lines {
            assert!(svg.contains(&format!(">{}</text>", escape(line))), "{line}");
            assert!(text_width(line) * 0.92 <= 252.0);
        }
    }

    #[test]
    fn nice_ranges_cover_the_data_in_whole_steps() {
        let (start, end, step) = nice_range(25.0, 45.0);
        assert!(close(start, 25.0) && close(end, 45.0) && close(step, 5.0));
        let (start, end, step) = nice_range(61.3, 88.9);
        assert!(close(step, 5.0) && close(start, 60.0) && close(end, 90.0));
        for (lo, hi) in [(35.0, 35.0), (0.0, 0.0), (f64::NAN, 3.0), (f64::NAN, f64::INFINITY)] {
            let (start, end, step) = nice_range(lo, hi);
            assert!(start.is_finite() && end.is_finite() && step > 0.0 && end > start);
            if hi.is_finite() {
                assert!(start <= hi && hi <= end, "{lo}..{hi}: {start}..{end}");
            }
        }
    }

    #[test]
    fn bounded_ranges_never_cross_their_floor_or_ceiling() {
        // All-zero data used to widen to -1..1: a negative tick on a rate.
        let (start, end, step) = bounded_range(0.0, 0.0, zero_floor(0.0), None);
        assert!(close(start, 0.0) && end > 0.0 && step > 0.0, "{start}..{end}");
        assert!(nice_range(0.0, 0.0).0 < 0.0, "the unbounded range does go below zero");
        // A flat 100 % stays at or below 100.
        let (start, end, _) = bounded_range(100.0, 100.0, Some(0.0), Some(100.0));
        assert!(close(end, 100.0) && (0.0..100.0).contains(&start), "{start}..{end}");
        // Data below the floor keep their range: the floor is no clip.
        let (start, _, _) = bounded_range(-3.0, 5.0, zero_floor(-3.0), None);
        assert!(start <= -3.0);
        // Ticks are whole steps and stop at the end.
        let values = ticks(0.0, 1.0, 0.5);
        assert_eq!(values.len(), 3);
        assert!(close(values[2], 1.0));
    }

    #[test]
    fn line_chart_of_zero_rates_has_no_negative_tick() {
        let series = vec![LineSeries {
            label: "flaps".to_string(),
            colour: "#000",
            dashed: false,
            marker: Marker::Circle,
            points: vec![(25.0, 0.0), (35.0, 0.0), (45.0, 0.0)],
        }];
        let svg = line_chart("t", &series, "°C", "flaps/lane-h", 2, None);
        assert!(!svg.contains(">-"), "negative tick label in {svg}");
        assert!(svg.contains(">0</text>") || svg.contains(">0.0</text>"), "{svg}");
    }

    #[test]
    fn coinciding_series_are_detected_from_the_data_and_noted() {
        let line = |label: &str, points: Vec<(f64, f64)>| LineSeries {
            label: label.to_string(),
            colour: "#000",
            dashed: false,
            marker: Marker::Circle,
            points,
        };
        let a = vec![(0.0, 1.0), (1.0, 3.0), (2.0, 2.0)];
        let b = vec![(0.0, 1.0), (1.0, 5.0), (2.0, 2.0)];
        let series = vec![line("a", a.clone()), line("b", b), line("c", a)];
        let svg = line_chart("t", &series, "x", "y", 1, None);
        assert!(svg.contains("Note: “a” and “c” coincide"), "{svg}");
        assert!(!svg.contains("“b”"));
        // Apart by more than a pixel once drawn: no note.
        let apart =
            vec![line("a", vec![(0.0, 1.0), (1.0, 3.0)]), line("b", vec![(0.0, 1.0), (1.0, 3.1)])];
        assert!(!line_chart("t", &apart, "x", "y", 1, None).contains("Note:"));
        // Groups: drawing order, last visible.
        let pixels = vec![vec![(0.0, 0.0)], vec![(5.0, 5.0)], vec![(0.2, 0.0)], vec![(5.0, 5.5)]];
        assert_eq!(coinciding(&pixels, 0.75), vec![vec![0, 2], vec![1, 3]]);
        assert!(coinciding(&[vec![(f64::NAN, 0.0)], vec![(f64::NAN, 0.0)]], 0.75).is_empty());
    }

    #[test]
    fn line_chart_draws_lines_markers_and_legend_with_finite_numbers() {
        let series = vec![
            LineSeries {
                label: "a <hot>".to_string(),
                colour: "#0072B2",
                dashed: false,
                marker: Marker::Circle,
                points: vec![(25.0, 60.0), (30.0, 65.0), (35.0, f64::NAN), (40.0, 75.0)],
            },
            LineSeries {
                label: "b".to_string(),
                colour: "#D55E00",
                dashed: true,
                marker: Marker::Square,
                points: vec![(25.0, 70.0), (45.0, 90.0)],
            },
        ];
        let svg = line_chart("t", &series, "inlet °C", "°C", 1, None);
        assert!(svg.starts_with(r#"<svg class="chart""#) && svg.ends_with("</svg>"));
        // The NaN point breaks series a: one polyline of two points, then a lone point.
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("stroke-dasharray").count(), 2, "line and legend sample");
        // Three finite points of a plus one legend marker; two of b plus one.
        assert_eq!(svg.matches("<circle").count(), 4);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("a &lt;hot&gt; at 30.0 inlet °C: 65.0 °C"));
        assert!(svg.contains(">25</text>") && svg.contains(">45</text>"));
        assert!(svg.contains(">60</text>") && svg.contains(">90</text>"));
        for token in tokens(&svg) {
            assert!(!["nan", "inf"].contains(&token.to_ascii_lowercase().as_str()), "{token}");
        }
        let empty = line_chart("nothing", &[], "x", "y", 1, None);
        assert!(empty.ends_with("</svg>") && !empty.contains("NaN"));
    }

    #[test]
    fn waterfall_bars_float_from_level_to_level_and_end_at_the_sum() {
        let steps = vec![
            ("assembled".to_string(), 100.0),
            ("laser".to_string(), -5.0),
            ("rework".to_string(), 1.0),
        ];
        let svg = waterfall_chart("Yield", &steps, "shipped", "%", 1, Some(100.0));
        // Four bars: the start, a fall, a rise and the final level (96).
        assert_eq!(svg.matches("<rect").count(), 4);
        assert!(svg.contains("<title>laser: -5.0 %</title>"), "{svg}");
        assert!(svg.contains("<title>rework: +1.0 %</title>"), "{svg}");
        assert!(svg.contains("<title>shipped: 96.0 %</title>"), "{svg}");
        let flat = waterfall_chart(
            "Yield",
            &[("a".to_string(), 90.0), ("b".to_string(), 0.0)],
            "c",
            "%",
            1,
            Some(100.0),
        );
        assert!(flat.contains("<title>b: 0.0 %</title>"), "{flat}");
        assert!(svg.contains("#D55E00") && svg.contains("#009E73"));
    }
}
