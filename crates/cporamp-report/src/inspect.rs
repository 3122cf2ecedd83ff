//! The inspection report (`cporamp inspect --out DIR` writes it as `inspect.html`): a
//! self-contained page with the report's styles and charts: yield with its interval, the
//! Pareto charts, capability, yield by lot and week, the coupling-loss fingerprint with its
//! warpage bowl, variance components and the SPC charts with the points that broke a rule.

use std::fmt::Write;

use cporamp_inspect::{ChartResult, InspectResult, ParetoBar, Proportion, SpcSeries};

use crate::html::{close_table, figure, num_cell, open_table, row_header};
use crate::svg::{LineSeries, Marker, Series, escape, line_chart, number, stacked_bar_chart};

/// What was read, for the page's header.
#[derive(Debug, Clone)]
pub struct InspectSource<'a> {
    /// The files read, as given, with their rows.
    pub files: &'a [(String, u64)],
    /// Where the specification limits came from.
    pub limits_origin: &'a str,
}

fn percent(p: f64) -> String {
    number(100.0 * p, 1)
}

fn interval(p: &Proportion) -> String {
    format!("{} [{}, {}]", percent(p.value), percent(p.low), percent(p.high))
}

fn pareto(html: &mut String, title: &str, unit: &str, bars: &[ParetoBar]) {
    if bars.iter().all(|bar| bar.count == 0) {
        let _ = writeln!(html, "<p class=\"empty\">{}: none.</p>", escape(title));
        return;
    }
    let categories: Vec<String> = bars.iter().map(|bar| bar.label.clone()).collect();
    let values: Vec<f64> = bars.iter().map(|bar| bar.count as f64).collect();
    let svg =
        stacked_bar_chart(title, &categories, &[Series::new(unit, "#D55E00", values)], unit, 0);
    figure(html, &svg, &format!("{}, largest first.", escape(title)));
    open_table(html, "", &["", "#count", "#cumulative %"]);
    for bar in bars {
        row_header(html, &bar.label);
        num_cell(html, &bar.count.to_string());
        num_cell(html, &percent(bar.cumulative_share));
        html.push_str("</tr>\n");
    }
    close_table(html);
}

fn yields(html: &mut String, title: &str, rows: &[cporamp_inspect::GroupYield]) {
    if rows.is_empty() {
        let _ = writeln!(
            html,
            "<p class=\"empty\">{title}: no data (no column, or no --packages-per-week).</p>"
        );
        return;
    }
    if rows.len() >= 2 {
        yield_chart(html, title, rows);
    }
    open_table(html, "", &["", "#packages", "#shipped", "#yield % [95 % Wilson]"]);
    for row in rows {
        row_header(html, &row.label);
        num_cell(html, &row.yield_.total.to_string());
        num_cell(html, &row.yield_.count.to_string());
        num_cell(html, &interval(&row.yield_));
        html.push_str("</tr>\n");
    }
    close_table(html);
}

fn yield_chart(html: &mut String, title: &str, rows: &[cporamp_inspect::GroupYield]) {
    let points: Vec<(f64, f64)> =
        rows.iter().enumerate().map(|(i, r)| (i as f64, 100.0 * r.yield_.value)).collect();
    let low: Vec<(f64, f64)> =
        rows.iter().enumerate().map(|(i, r)| (i as f64, 100.0 * r.yield_.low)).collect();
    let high: Vec<(f64, f64)> =
        rows.iter().enumerate().map(|(i, r)| (i as f64, 100.0 * r.yield_.high)).collect();
    let svg = line_chart(
        title,
        &[
            LineSeries {
                label: "yield".into(),
                colour: "#0072B2",
                dashed: false,
                marker: Marker::Circle,
                points,
            },
            LineSeries {
                label: "95 % Wilson low".into(),
                colour: "#999999",
                dashed: true,
                marker: Marker::None,
                points: low,
            },
            LineSeries {
                label: "95 % Wilson high".into(),
                colour: "#999999",
                dashed: true,
                marker: Marker::None,
                points: high,
            },
        ],
        "index",
        "%",
        1,
        Some(100.0),
    );
    figure(html, &svg, &format!("{title} (x: the rows of the table below, in order)."));
}

/// What lane subgroups mean for the X̄-R limits (the text tables say it too).
pub const SUBGROUP_CAVEAT: &str = "Lanes of one engine share its fiber block and ring \
     offset, so the range within a subgroup understates the spread between engines and the X̄ \
     and R limits flag many points by design: the individuals and EWMA charts of the engine \
     means are the ones to read for drift.";

fn spc(html: &mut String, series: &SpcSeries, files: &[(String, u64)]) {
    let _ = writeln!(
        html,
        "<h3 id=\"spc-{}-{}\">{} at {} ({} subgroups)</h3>",
        crate::html::slug(&series.station),
        series.parameter,
        escape(series.parameter),
        escape(&series.station),
        series.subgroups
    );
    let start = series.plot_first_point as f64;
    let xs = |values: &[f64]| -> Vec<(f64, f64)> {
        values.iter().enumerate().map(|(i, &v)| (start + i as f64, v)).collect()
    };
    let mut lines = vec![
        LineSeries {
            label: "subgroup mean".into(),
            colour: "#0072B2",
            dashed: false,
            marker: Marker::None,
            points: xs(&series.plot_means),
        },
        LineSeries {
            label: "EWMA".into(),
            colour: "#E69F00",
            dashed: false,
            marker: Marker::None,
            points: xs(&series.plot_ewma),
        },
    ];
    if let Some(individuals) = series.charts.iter().find(|c| c.chart.kind == "individuals") {
        let end = start + series.plot_means.len().saturating_sub(1) as f64;
        for (label, value) in [("UCL", individuals.chart.ucl), ("LCL", individuals.chart.lcl)] {
            lines.push(LineSeries {
                label: label.into(),
                colour: "#D55E00",
                dashed: true,
                marker: Marker::None,
                points: vec![(start, value), (end, value)],
            });
        }
    }
    let svg = line_chart(
        &format!("{} at {}: individuals and EWMA", series.parameter, series.station),
        &lines,
        "subgroup",
        series.unit,
        3,
        None,
    );
    figure(
        html,
        &svg,
        "Subgroup (engine) means in order with their EWMA (λ = 0.2) and the individuals chart's 3σ limits; the last points only.",
    );
    open_table(
        html,
        "",
        &[
            "chart", "#n", "#centre", "#σ", "#LCL", "#UCL", "#rule 1", "#rule 2", "#rule 3",
            "#rule 4",
        ],
    );
    for ChartResult { chart, .. } in &series.charts {
        row_header(html, chart.kind);
        num_cell(html, &chart.subgroup_size.to_string());
        for value in [chart.centre, chart.sigma, chart.lcl, chart.ucl] {
            num_cell(html, &number(value, 4));
        }
        for count in chart.breaks_per_rule {
            num_cell(html, &count.to_string());
        }
        html.push_str("</tr>\n");
    }
    close_table(html);
    let flagged: Vec<(&str, &cporamp_inspect::FlaggedPoint)> = series
        .charts
        .iter()
        .flat_map(|c| c.flagged.iter().map(move |f| (c.chart.kind, f)))
        .take(12)
        .collect();
    if !flagged.is_empty() {
        html.push_str("<p>First flagged points (every one is in results.json):</p>\n");
        open_table(html, "", &["chart", "#rule", "#point", "file", "#rows", "#package", "#engine"]);
        for (kind, f) in flagged {
            row_header(html, kind);
            num_cell(html, &f.rule.to_string());
            num_cell(html, &f.point.to_string());
            let file = files.get(f.rows.file as usize).map_or("?", |(name, _)| name.as_str());
            let _ = write!(html, "<td><code>{}</code></td>", escape(file));
            num_cell(html, &format!("{}–{}", f.rows.first_row, f.rows.last_row));
            num_cell(html, &f.rows.package.to_string());
            num_cell(html, &f.rows.engine.to_string());
            html.push_str("</tr>\n");
        }
        close_table(html);
    }
}

/// The inspection report page.
#[must_use]
pub fn inspect_html(source: &InspectSource<'_>, result: &InspectResult) -> String {
    let mut html = String::new();
    page_header(&mut html, source, result);
    pareto_section(&mut html, result);
    capability_section(&mut html, result);
    html.push_str("<h2 id=\"yield\">Yield by lot and week</h2>\n");
    yields(&mut html, "Yield by lot", &result.yield_by_lot);
    yields(&mut html, "Yield by week", &result.yield_by_week);
    spatial_section(&mut html, result);
    variance_section(&mut html, result);
    calibration_section(&mut html, result);
    spc_section(&mut html, source, result);
    html.push_str("<footer>cporamp inspect</footer>\n</main>\n</body>\n</html>\n");
    html
}

/// The page's head, the header listing what was read with the overall yield, and the contents.
fn page_header(html: &mut String, source: &InspectSource<'_>, result: &InspectResult) {
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>cporamp inspect</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n\
         <h1>cporamp inspect</h1>\n",
        crate::html::CSS
    );
    html.push_str("<dl class=\"meta\">");
    for (file, rows) in source.files {
        let _ = write!(html, "<dt>data</dt><dd><code>{}</code>: {rows} rows</dd>", escape(file));
    }
    let _ = writeln!(
        html,
        "<dt>records</dt><dd>{} lanes, {} packages</dd><dt>yield</dt><dd>{} % [95 % Wilson]</dd><dt>limits</dt><dd>{}</dd></dl>",
        result.records,
        result.packages,
        interval(&result.yield_overall),
        escape(source.limits_origin)
    );
    html.push_str(
        "<nav class=\"toc\"><h2>Contents</h2><ol><li><a href=\"#pareto\">Pareto</a></li>\
         <li><a href=\"#capability\">Capability</a></li><li><a href=\"#yield\">Yield by lot and week</a></li>\
         <li><a href=\"#spatial\">Spatial fingerprint</a></li><li><a href=\"#variance\">Variance components</a></li>\
         <li><a href=\"#calibration\">Calibration</a></li><li><a href=\"#spc\">SPC</a></li></ol></nav>\n",
    );
}

/// The Pareto charts of rejects: packages by mechanism and by insertion, lanes by mechanism.
fn pareto_section(html: &mut String, result: &InspectResult) {
    html.push_str("<h2 id=\"pareto\">Pareto of rejects</h2>\n");
    let _ = writeln!(
        html,
        "<p>{} packages rejected (not shipped).</p>",
        result.pareto.rejected_packages
    );
    pareto(
        html,
        "Rejected packages by mechanism",
        "packages",
        &result.pareto.packages_by_mechanism,
    );
    pareto(
        html,
        "Rejected packages by insertion",
        "packages",
        &result.pareto.packages_by_insertion,
    );
    pareto(html, "Failed lanes by mechanism", "lanes", &result.pareto.lanes_by_mechanism);
}

/// The capability tables: each parameter's spread and limits, then its Cpk and Ppk.
fn capability_section(html: &mut String, result: &InspectResult) {
    html.push_str("<h2 id=\"capability\">Capability</h2>\n<p>C<sub>pk</sub> uses the pooled within-subgroup (engine) standard deviation, P<sub>pk</sub> the overall one; intervals are 95 % by Bissell's approximation (normal, independent data).</p>\n");
    open_table(html, "", &["parameter", "#n", "#mean", "#σ within", "#σ overall", "#LSL", "#USL"]);
    for c in &result.capability {
        row_header(html, &format!("{} ({})", c.parameter, c.unit));
        num_cell(html, &c.count.to_string());
        for value in [c.mean, c.within_sd, c.overall_sd] {
            num_cell(html, &number(value, 4));
        }
        for limit in [c.limits.lower, c.limits.upper] {
            num_cell(html, &limit.map_or("—".to_string(), |v| number(v, 3)));
        }
        html.push_str("</tr>\n");
    }
    close_table(html);
    open_table(html, "", &["parameter", "#Cpk [95 %]", "#Ppk [95 %]"]);
    for c in &result.capability {
        row_header(html, &format!("{} ({})", c.parameter, c.unit));
        for index in [c.cpk, c.ppk] {
            num_cell(
                html,
                &index.map_or("—".to_string(), |i| {
                    format!("{} [{}, {}]", number(i.value, 3), number(i.low, 3), number(i.high, 3))
                }),
            );
        }
        html.push_str("</tr>\n");
    }
    close_table(html);
}

/// The spatial fingerprint: coupling loss by engine position with the fitted warpage bowl
/// (chart and table), or a note when no position has coupling loss.
fn spatial_section(html: &mut String, result: &InspectResult) {
    html.push_str("<h2 id=\"spatial\">Spatial fingerprint</h2>\n");
    match &result.spatial {
        None => html.push_str(
            "<p class=\"empty\">No engine positions with coupling loss in the data.</p>\n",
        ),
        Some(spatial) => {
            // By engine position: the measured mean and the bowl's value at each engine's ρ².
            let measured: Vec<(f64, f64)> =
                spatial.positions.iter().map(|p| (p.engine as f64, p.mean_loss_db)).collect();
            let mut lines = vec![LineSeries {
                label: "engine mean".into(),
                colour: "#0072B2",
                dashed: false,
                marker: Marker::Circle,
                points: measured,
            }];
            if let (Some(a), Some(b)) =
                (spatial.bowl_intercept_db, spatial.bowl_slope_db_per_rho_sq)
            {
                lines.push(LineSeries {
                    label: "bowl a + bρ²".into(),
                    colour: "#D55E00",
                    dashed: true,
                    marker: Marker::Square,
                    points: spatial
                        .positions
                        .iter()
                        .map(|p| (p.engine as f64, a + b * p.rho_sq))
                        .collect(),
                });
                let _ = writeln!(
                    html,
                    "<p>Fitted bowl: mean coupling loss = {} {} {} ρ² dB; lane-weighted RMS residual of the positions {} dB.</p>",
                    number(a, 4),
                    if b < 0.0 { "−" } else { "+" },
                    number(b.abs(), 4),
                    number(spatial.residual_rms_db.unwrap_or(0.0), 4)
                );
            }
            let svg =
                line_chart("Coupling loss by engine position", &lines, "engine", "dB", 3, None);
            figure(
                html,
                &svg,
                "Mean coupling loss of each engine position, and the fitted warpage bowl at that position's squared normalized distance ρ² from the package centre (table below).",
            );
            open_table(
                html,
                "",
                &["engine", "#lanes", "#ρ²", "#mean loss dB", "#sd dB", "#bowl dB", "#residual dB"],
            );
            for p in &spatial.positions {
                row_header(html, &p.engine.to_string());
                num_cell(html, &p.lanes.to_string());
                for value in [p.rho_sq, p.mean_loss_db, p.sd_loss_db] {
                    num_cell(html, &number(value, 4));
                }
                for value in [p.fitted_db, p.residual_db] {
                    num_cell(html, &value.map_or("—".to_string(), |v| number(v, 4)));
                }
                html.push_str("</tr>\n");
            }
            close_table(html);
        }
    }
}

/// The variance components table (by lot and by PIC wafer).
fn variance_section(html: &mut String, result: &InspectResult) {
    html.push_str("<h2 id=\"variance\">Variance components</h2>\n<p>One-way random-effects ANOVA of the engine (subgroup) means by lot and by PIC wafer (method of moments, truncated at 0).</p>\n");
    if result.variance_components.is_empty() {
        html.push_str("<p class=\"empty\">Fewer than two groups.</p>\n");
    } else {
        open_table(
            html,
            "",
            &[
                "parameter",
                "grouping",
                "#groups",
                "#units",
                "#between var.",
                "#within var.",
                "#between %",
                "#F",
            ],
        );
        for v in &result.variance_components {
            row_header(html, v.parameter);
            let _ = write!(html, "<td>{}</td>", v.grouping);
            num_cell(html, &v.components.groups.to_string());
            num_cell(html, &v.components.units.to_string());
            for value in [v.components.between_variance, v.components.within_variance] {
                num_cell(html, &format!("{value:.3e}"));
            }
            num_cell(html, &percent(v.components.between_share));
            num_cell(html, &number(v.components.f_ratio, 2));
            html.push_str("</tr>\n");
        }
        close_table(html);
    }
}

/// The calibration: the laser dead probability fit and the yield-engine fits table.
fn calibration_section(html: &mut String, result: &InspectResult) {
    html.push_str("<h2 id=\"calibration\">Calibration</h2>\n");
    match &result.calibration {
        Some(calibration) => match &calibration.laser_dead {
            Some(fit) => {
                let _ = writeln!(
                    html,
                    "<p>Laser dead probability by maximum likelihood: {} [95 % profile likelihood {}, {}] against the scenario's {} ({} dead lasers on {} assembled engines of {} lasers; the engine test's laser coverage {} is taken as known).</p>",
                    number(fit.probability, 5),
                    number(fit.low, 5),
                    number(fit.high, 5),
                    number(calibration.model.scenario_probability, 5),
                    fit.dead_lasers,
                    fit.engines,
                    fit.lasers_per_engine,
                    number(calibration.model.engine_test_coverage, 3)
                );
            }
            None => html.push_str("<p class=\"empty\">Laser dead probability: not identifiable (engine test catches every dead laser).</p>\n"),
        },
        None => html.push_str("<p class=\"empty\">No calibration: the technology's lasers are not on the engine, the design has spare lanes, or the data has no laser column.</p>\n"),
    }
    html.push_str("<h3>Yield-engine fits</h3>\n");
    match &result.yield_fits {
        Some(fits) => crate::calibration::fits_table(html, fits),
        None => html.push_str("<p class=\"empty\">No fits: run with --fit, on data whose header names a co-packaged technology with rings of the scenario and its generation.</p>\n"),
    }
}

/// The SPC charts, one per series, after the rules and the subgroup caveat.
fn spc_section(html: &mut String, source: &InspectSource<'_>, result: &InspectResult) {
    html.push_str("<h2 id=\"spc\">SPC</h2>\n<p>Subgroups are one station's consecutive lanes of one engine, in file and row order. Western Electric rules: 1 beyond 3σ; 2 two of three beyond 2σ on one side; 3 four of five beyond 1σ on one side; 4 eight in a row on one side. EWMA and range charts flag points beyond their limits (rule 1).</p>\n");
    let _ = writeln!(html, "<p>{}</p>", escape(SUBGROUP_CAVEAT));
    for series in &result.spc {
        spc(html, series, source.files);
    }
}
