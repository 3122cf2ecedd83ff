//! The report's thermal part: the co-packaged switch package of each generation.
//!
//! Per generation: a table of the package solution of every co-packaged technology, the
//! cold plate's validity notes, a junction-temperature heat map per technology and one chart
//! of the coolant inlet sweep. Rendering is pure, like the rest of the crate; every number
//! written is finite or shown as "—".

use std::fmt::Write as _;

use cporamp_pipeline::{FIXED_POINT_TOLERANCE_K, ThermalGeneration, ThermalTechnology};

use crate::html::{
    QuantityRow, close_table, figure, heading, num_cell, open_table, quantity_table, row_header,
};
use crate::svg::{LineSeries, Marker, escape, line_chart, number, step_decimals, tick_step};

/// One colour per technology in the sweep chart (Okabe-Ito, then Tol's wine and a grey),
/// cycled when a generation has more co-packaged technologies.
pub(crate) const TECHNOLOGY_COLOURS: [&str; 8] =
    ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#505050"];

/// Viridis (matplotlib) sampled at eight evenly spaced points, dark to light.
const VIRIDIS: [[u8; 3]; 8] = [
    [0x44, 0x01, 0x54],
    [0x46, 0x32, 0x7e],
    [0x36, 0x5c, 0x8d],
    [0x27, 0x7f, 0x8e],
    [0x1f, 0xa1, 0x87],
    [0x4a, 0xc1, 0x6d],
    [0xa0, 0xda, 0x39],
    [0xfd, 0xe7, 0x25],
];

/// Colour buckets of the heat map and its legend bar.
const BUCKETS: usize = 64;
/// Side of the heat map's plot area, px.
const MAP_SIDE: f64 = 300.0;
/// Left edge of the heat map's plot area, px.
const MAP_X: f64 = 12.0;
/// Top of the heat map's plot area, px.
const MAP_TOP: f64 = 46.0;
/// Width of the legend bar, px.
const BAR_W: f64 = 16.0;
/// Width of the heat map's coordinate system, px.
const MAP_WIDTH: f64 = 420.0;
/// Grey for the substrate between dies (cells with no die).
const NO_DIE: &str = "#e3e5e8";

/// The colour at `t` in `0..=1` (clamped; non-finite is 0) on the viridis ramp, as `#rrggbb`,
/// interpolated linearly between the anchors.
fn ramp(t: f64) -> String {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let last = VIRIDIS.len() - 1;
    // 0 <= position <= 7.
    let position = t * last as f64;
    let index = (position.floor() as usize).min(last - 1);
    let fraction = position - index as f64;
    let (from, to) = (VIRIDIS[index], VIRIDIS[index + 1]);
    let channel = |k: usize| {
        let value = f64::from(from[k]) + fraction * (f64::from(to[k]) - f64::from(from[k]));
        // A convex combination of two bytes is within 0..=255.
        value.round().clamp(0.0, 255.0) as u8
    };
    format!("#{:02x}{:02x}{:02x}", channel(0), channel(1), channel(2))
}

/// The colour bucket of `value` on the scale `lo..=hi` (the middle one if the scale is flat).
fn bucket(value: f64, lo: f64, hi: f64) -> usize {
    let span = hi - lo;
    let t = if span > 0.0 { (value - lo) / span } else { 0.5 };
    // 0 <= t * BUCKETS <= BUCKETS; the top value joins the last bucket.
    ((t.clamp(0.0, 1.0) * BUCKETS as f64).floor() as usize).min(BUCKETS - 1)
}

/// The colour of bucket `index`: the ramp at the bucket's centre.
fn bucket_colour(index: usize) -> String {
    ramp((index as f64 + 0.5) / BUCKETS as f64)
}

/// The junction map of `technology` as an inline SVG heat map, or `None` if the map is
/// malformed or has no finite temperature.
///
/// Each row's runs of cells in the same colour bucket are drawn as one rectangle (in cell
/// units, scaled to the plot); cells without a die show the grey substrate. Row 0 of the map
/// is the package's bottom edge and is drawn at the bottom.
fn heat_map(technology: &ThermalTechnology) -> Option<String> {
    let package = &technology.nominal;
    let cells = package.map_cells;
    if cells == 0 || package.junction_map_c.len() != cells * cells {
        return None;
    }
    let finite = || package.junction_map_c.iter().flatten().copied().filter(|t| t.is_finite());
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return None;
    }

    let mut svg = map_header(technology, lo, hi);
    map_cells(&mut svg, technology, lo, hi);
    map_legend(&mut svg, lo, hi);
    svg.push_str("</svg>");
    Some(svg)
}

/// The opening `<svg>` of the heat map of `technology` (temperatures `lo..=hi`) with its title.
fn map_header(technology: &ThermalTechnology, lo: f64, hi: f64) -> String {
    let title = escape(&format!("{}: junction temperature, °C", technology.label));
    let aria = escape(&format!(
        "{}: junction temperature map of the package, {} to {} °C",
        technology.label,
        number(lo, 1),
        number(hi, 1)
    ));
    let height = MAP_TOP + MAP_SIDE + 8.0;
    let mut svg = String::with_capacity(64 * 1024);
    let _ = write!(
        svg,
        r#"<svg class="chart" style="max-width: {MAP_WIDTH:.0}px" viewBox="0 0 {MAP_WIDTH:.0} {height:.0}" width="{MAP_WIDTH:.0}" height="{height:.0}" role="img" aria-label="{aria}" font-size="12">"#
    );
    let _ = write!(svg, "<title>{title}</title>");
    let _ = write!(
        svg,
        r#"<text class="chart-title" x="0" y="16" font-size="14" font-weight="600">{title}</text>"#
    );
    svg
}

/// The package outline with the substrate grey, then the dies' cells in colour buckets of
/// `lo..=hi`, each row's runs of one bucket as one rectangle, row 0 at the bottom.
fn map_cells(svg: &mut String, technology: &ThermalTechnology, lo: f64, hi: f64) {
    let package = &technology.nominal;
    let cells = package.map_cells;
    // The package outline with the substrate grey, then the dies in cell units.
    let _ = write!(
        svg,
        r##"<rect x="{MAP_X:.1}" y="{MAP_TOP:.1}" width="{MAP_SIDE:.1}" height="{MAP_SIDE:.1}" fill="{NO_DIE}" stroke="#888" stroke-width="1"/>"##
    );
    let _ = write!(
        svg,
        r#"<g transform="translate({MAP_X:.1} {MAP_TOP:.1}) scale({scale:.6})" shape-rendering="crispEdges">"#,
        scale = MAP_SIDE / cells as f64
    );
    for row in 0..cells {
        // Row 0 is the bottom edge.
        let y = cells - 1 - row;
        let values = &package.junction_map_c[row * cells..(row + 1) * cells];
        let mut column = 0;
        while column < cells {
            let Some(value) = values[column].filter(|t| t.is_finite()) else {
                column += 1;
                continue;
            };
            let index = bucket(value, lo, hi);
            let start = column;
            column += 1;
            while column < cells
                && values[column].is_some_and(|t| t.is_finite() && bucket(t, lo, hi) == index)
            {
                column += 1;
            }
            let _ = write!(
                svg,
                r#"<rect x="{start}" y="{y}" width="{width}" height="1" fill="{colour}"/>"#,
                width = column - start,
                colour = bucket_colour(index)
            );
        }
    }
    svg.push_str("</g>");
}

/// The legend bar beside the map: the buckets of `lo..=hi`, low at the bottom, with nice
/// ticks in °C.
fn map_legend(svg: &mut String, lo: f64, hi: f64) {
    // Legend bar: the same buckets, low at the bottom, with nice ticks in °C.
    let bar_x = MAP_X + MAP_SIDE + 22.0;
    let bucket_h = MAP_SIDE / BUCKETS as f64;
    svg.push_str(r#"<g shape-rendering="crispEdges">"#);
    for index in 0..BUCKETS {
        let _ = write!(
            svg,
            r#"<rect x="{bar_x:.1}" y="{y:.2}" width="{BAR_W:.0}" height="{h:.2}" fill="{colour}"/>"#,
            y = MAP_TOP + MAP_SIDE - (index as f64 + 1.0) * bucket_h,
            h = bucket_h,
            colour = bucket_colour(index)
        );
    }
    svg.push_str("</g>");
    let _ = write!(
        svg,
        r##"<rect x="{bar_x:.1}" y="{MAP_TOP:.1}" width="{BAR_W:.0}" height="{MAP_SIDE:.1}" fill="none" stroke="#888" stroke-width="0.5"/>"##
    );
    let _ = write!(
        svg,
        r##"<text x="{x:.1}" y="{y:.1}" fill="#444">°C</text>"##,
        x = bar_x,
        y = MAP_TOP - 6.0
    );
    let span = hi - lo;
    let ticks: Vec<f64> = if span > 0.0 {
        let step = tick_step(span);
        let first = (lo / step).ceil() * step;
        // tick_step splits the span into at most six intervals: at most seven ticks.
        (0..8)
            .map(|k| first + step * f64::from(k))
            .filter(|value| *value <= hi + 1e-9 * step)
            .collect()
    } else {
        vec![lo]
    };
    let decimals = if span > 0.0 { step_decimals(tick_step(span)) } else { 1 };
    for value in ticks {
        let y = if span > 0.0 {
            MAP_TOP + MAP_SIDE * (1.0 - (value - lo) / span)
        } else {
            MAP_TOP + MAP_SIDE / 2.0
        };
        let x = bar_x + BAR_W;
        let _ = write!(
            svg,
            r##"<line x1="{x:.1}" y1="{y:.1}" x2="{x2:.1}" y2="{y:.1}" stroke="#555"/><text x="{tx:.1}" y="{ty:.1}" fill="#444">{label}</text>"##,
            x2 = x + 4.0,
            tx = x + 7.0,
            ty = y + 4.0,
            label = number(value, decimals)
        );
    }
}

/// The package table: one column per co-packaged technology (transposed: fourteen
/// quantities would not fit a narrow page as columns).
fn package_table(html: &mut String, thermal: &ThermalGeneration) {
    let items: Vec<String> =
        thermal.technologies.iter().map(|technology| technology.label.clone()).collect();
    let each = |value: fn(&ThermalTechnology) -> String| -> Vec<String> {
        thermal.technologies.iter().map(value).collect()
    };
    let rows = [
        QuantityRow::numbers("ASIC power, W", each(|t| number(t.asic_w, 0))),
        QuantityRow::numbers("of which leakage, W", each(|t| number(t.asic_leakage_w, 0))),
        QuantityRow::numbers(
            "Engines × power each, W",
            each(|t| format!("{} × {}", t.n_engines, number(t.engine_w, 1))),
        ),
        QuantityRow::numbers("Package side, mm", each(|t| number(t.nominal.substrate_side_mm, 1))),
        QuantityRow::numbers("Coolant inlet, °C", each(|t| number(t.nominal.inlet_c, 1))),
        QuantityRow::numbers(
            "Coolant rise, K",
            each(|t| number(t.nominal.cold_plate.coolant_rise_k, 2)),
        ),
        QuantityRow::numbers(
            "h<sub>eff</sub>, W/(m² K)",
            each(|t| number(t.nominal.cold_plate.h_effective_w_per_m2k, 0)),
        ),
        QuantityRow::numbers("Reynolds number", each(|t| number(t.nominal.cold_plate.reynolds, 0))),
        QuantityRow::text(
            "Cold-plate model",
            each(|t| t.nominal.cold_plate.model.label().to_string()),
        ),
        QuantityRow::text("Correlation", each(|t| t.nominal.cold_plate.correlation.to_string())),
        QuantityRow::numbers("ASIC junction mean, °C", each(|t| number(t.nominal.asic_mean_c, 1))),
        QuantityRow::numbers("ASIC junction max, °C", each(|t| number(t.nominal.asic_max_c, 1))),
        QuantityRow::numbers(
            "Hottest engine (mean junction), °C",
            each(|t| number(t.nominal.engine_mean_max_c, 1)),
        ),
        QuantityRow::numbers("Fixed-point iterations", each(|t| t.iterations.to_string())),
    ];
    quantity_table(html, "compact thermal", "Package", &items, &rows);
    for technology in &thermal.technologies {
        for warning in &technology.nominal.cold_plate.warnings {
            let _ = writeln!(
                html,
                "<p class=\"note\"><strong>{}:</strong> {}</p>",
                escape(&technology.label),
                escape(warning)
            );
        }
    }
}

/// One heat map figure per technology, side by side where the page is wide enough.
fn heat_maps(html: &mut String, thermal: &ThermalGeneration) {
    html.push_str("<div class=\"heatmaps\">\n");
    for technology in &thermal.technologies {
        let package = &technology.nominal;
        match heat_map(technology) {
            Some(svg) => {
                let caption = format!(
                    "{}: junction temperature (bottom cell row of each die) at {} °C coolant \
                     inlet, seen from above on the {} mm square substrate; the ASIC in the \
                     centre, {} engines around it. Grey: no die. Hottest engine (mean) {} °C; \
                     ASIC max {} °C.",
                    escape(&technology.label),
                    number(package.inlet_c, 1),
                    number(package.substrate_side_mm, 1),
                    package.engines.len(),
                    number(package.engine_mean_max_c, 1),
                    number(package.asic_max_c, 1)
                );
                figure(html, &svg, &caption);
            }
            None => {
                let _ = writeln!(
                    html,
                    "<p class=\"empty\">{}: no junction map.</p>",
                    escape(&technology.label)
                );
            }
        }
    }
    html.push_str("</div>\n");
}

/// The inlet sweep of every technology: hottest engine mean and ASIC max against inlet.
fn sweep_chart(html: &mut String, thermal: &ThermalGeneration) {
    let mut series = Vec::with_capacity(2 * thermal.technologies.len());
    for (index, technology) in thermal.technologies.iter().enumerate() {
        let colour = TECHNOLOGY_COLOURS[index % TECHNOLOGY_COLOURS.len()];
        series.push(LineSeries {
            label: format!("{}: hottest engine (mean)", technology.label),
            colour,
            dashed: false,
            marker: Marker::Circle,
            points: technology
                .sweep
                .iter()
                .map(|point| (point.inlet_c, point.engine_mean_max_c))
                .collect(),
        });
        series.push(LineSeries {
            label: format!("{}: ASIC max", technology.label),
            colour,
            dashed: true,
            marker: Marker::Square,
            points: technology
                .sweep
                .iter()
                .map(|point| (point.inlet_c, point.asic_max_c))
                .collect(),
        });
    }
    let svg = line_chart(
        "Junction temperature against coolant inlet (°C)",
        &series,
        "coolant inlet °C",
        "junction °C",
        1,
        None,
    );
    figure(
        html,
        &svg,
        "At each inlet temperature the fixed point is solved again: engine temperature sets \
         laser and ring-heater power, which sets the package's heat. Solid with circles: the \
         hottest engine's mean junction temperature; dashed with squares: the ASIC's peak \
         junction temperature.",
    );
}

/// The thermal part of a generation's section: heading, explanation, package table with the
/// cold plate's notes, heat maps and the inlet sweep.
pub(crate) fn section(html: &mut String, id: &str, thermal: &ThermalGeneration) {
    heading(html, id, "Thermal: co-packaged switch package");
    if thermal.technologies.is_empty() {
        html.push_str("<p class=\"empty\">No co-packaged technology at this generation.</p>\n");
        return;
    }
    let _ = writeln!(
        html,
        "<p>Each co-packaged technology's switch package (ASIC in the centre, optical engines \
         on its four sides, copper lid) on a liquid microchannel cold plate. The CPO rows of the \
         comparison above use these engine temperatures: the hottest engine's mean junction \
         temperature becomes the technology's ring temperature and, for lasers integrated in \
         the package, the laser temperature; since those change the engine's power, the \
         comparison and the package are iterated to a fixed point (to within {} K). ASIC and \
         engine temperatures are junction values, the bottom cell row of each flip-chip die, \
         from the native finite-volume model of the package.</p>",
        number(FIXED_POINT_TOLERANCE_K, 2)
    );
    package_table(html, thermal);
    heat_maps(html, thermal);
    sweep_chart(html, thermal);
    cycling_table(html, thermal);
}

/// Rainflow cycles and Norris-Landzberg solder life under the scenario's square-wave workload.
fn cycling_table(html: &mut String, thermal: &ThermalGeneration) {
    html.push_str(
        "<h4>Thermal cycling</h4>\n<p>A square-wave workload between idle and full power, with \
         the coolant inlet warmer while busy (scenario <code>[thermal.cycling]</code>), solved \
         in time; cycles counted by rainflow \
         (ASTM E1049) at the ASIC's bump site and the hottest engine, and solder life by \
         Norris-Landzberg relative to the qualification test in the scenario (Miner's rule).</p>\n",
    );
    open_table(
        html,
        "thermal-cycling",
        &[
            "Technology",
            "#Cycles per day",
            "#ASIC swing K",
            "#ASIC solder life y",
            "#Engine swing K",
            "#Engine solder life y",
        ],
    );
    for technology in &thermal.technologies {
        let cycling = &technology.cycling;
        row_header(html, &technology.label);
        num_cell(html, &number(cycling.asic.cycles_per_day, 0));
        num_cell(html, &number(cycling.asic.max_range_k, 1));
        num_cell(html, &number(cycling.asic.life_years, 1));
        num_cell(html, &number(cycling.engine.max_range_k, 1));
        num_cell(html, &number(cycling.engine.life_years, 1));
        html.push_str("</tr>");
    }
    close_table(html);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_hits_the_anchors_and_clamps() {
        assert_eq!(ramp(0.0), "#440154");
        assert_eq!(ramp(1.0), "#fde725");
        assert_eq!(ramp(3.0 / 7.0), "#277f8e");
        assert_eq!(ramp(-1.0), "#440154");
        assert_eq!(ramp(2.0), "#fde725");
        assert_eq!(ramp(f64::NAN), "#440154");
    }

    #[test]
    fn buckets_cover_the_scale() {
        assert_eq!(bucket(10.0, 10.0, 20.0), 0);
        assert_eq!(bucket(20.0, 10.0, 20.0), BUCKETS - 1);
        assert_eq!(bucket(15.0, 10.0, 20.0), BUCKETS / 2);
        assert_eq!(bucket(5.0, 5.0, 5.0), BUCKETS / 2);
    }

    fn technology(cells: usize, map: Vec<Option<f64>>) -> ThermalTechnology {
        let scenario = crate::html::tests::quick();
        let output = cporamp_pipeline::run_engines(
            &scenario,
            &cporamp_pipeline::RunOptions::with_threads(
                std::num::NonZeroUsize::new(2).expect("2 > 0"),
            ),
        )
        .unwrap();
        let mut technology = output.thermal[0].technologies[0].clone();
        technology.nominal.map_cells = cells;
        technology.nominal.junction_map_c = map;
        technology
    }

    #[test]
    fn heat_map_merges_runs_flips_rows_and_skips_empty_cells() {
        // Row 0 (bottom): a hot cell, no die, two equal cells; row 1: flat at the minimum
        // and a non-finite cell; rows 2 and 3: no die.
        let mut map = vec![
            Some(30.0),
            None,
            Some(20.0),
            Some(20.0),
            Some(10.0),
            Some(10.0),
            Some(10.0),
            Some(f64::NAN),
        ];
        map.resize(16, None);
        let svg = heat_map(&technology(4, map.clone())).unwrap();
        let (hot, low) = (bucket_colour(BUCKETS - 1), bucket_colour(0));
        // The bottom row is drawn at y = 3, the next one up at y = 2.
        assert!(svg.contains(&format!(r#"x="0" y="3" width="1" height="1" fill="{hot}""#)));
        assert!(svg.contains(r#"x="2" y="3" width="2" height="1""#));
        assert!(svg.contains(&format!(r#"x="0" y="2" width="3" height="1" fill="{low}""#)));
        assert!(svg.contains(r#"aria-label=""#) && svg.starts_with(r#"<svg class="chart""#));
        // Three runs plus the outline and the legend bar's buckets and frame.
        assert_eq!(svg.matches("<rect").count(), 3 + 1 + BUCKETS + 1);
        assert!(
            svg.split(|c: char| !c.is_ascii_alphanumeric())
                .all(|token| !["nan", "inf"].contains(&token.to_ascii_lowercase().as_str()))
        );
        assert!(heat_map(&technology(3, map)).is_none(), "wrong length");
        assert!(heat_map(&technology(1, vec![None])).is_none(), "no die");
    }
}
