//! `cporamp inspect`'s tables; the yield-engine fits and `cporamp run --calibrate`'s calibration.

use super::{Cell, Table};

/// `cporamp inspect`'s tables: files, yield, Pareto, capability, yield by lot and week, the
/// warpage fingerprint, variance components and SPC rule counts with the first flagged rows.
pub fn inspect_tables(
    result: &cporamp_inspect::InspectResult,
    files: &[String],
    limits_origin: &str,
) -> Vec<Table> {
    let mut tables = Vec::new();
    let percent = |p: &cporamp_inspect::Proportion| {
        Cell::text(format!("{:.1} [{:.1}, {:.1}]", 100.0 * p.value, 100.0 * p.low, 100.0 * p.high))
    };
    let mut summary = Table::new("Inspection: records read", "", vec!["value".to_string()]);
    summary.row("lanes (records)", vec![Cell::number(result.records as f64, 0)]);
    summary.row("packages", vec![Cell::number(result.packages as f64, 0)]);
    summary.row("yield, % [95 % Wilson]", vec![percent(&result.yield_overall)]);
    summary.row("rejected packages", vec![Cell::number(result.pareto.rejected_packages as f64, 0)]);
    for file in files {
        summary.note(format!("data: {file}"));
    }
    summary.note(format!("spec limits: {limits_origin}"));
    tables.push(summary);
    for (title, bars) in [
        ("Pareto: rejected packages by mechanism", &result.pareto.packages_by_mechanism),
        ("Pareto: rejected packages by insertion", &result.pareto.packages_by_insertion),
        ("Pareto: failed lanes by mechanism", &result.pareto.lanes_by_mechanism),
    ] {
        let mut table =
            Table::new(title, "", vec!["count".to_string(), "cumulative %".to_string()]);
        for bar in bars {
            table.row(
                bar.label.clone(),
                vec![
                    Cell::number(bar.count as f64, 0),
                    Cell::number(100.0 * bar.cumulative_share, 1),
                ],
            );
        }
        tables.push(table);
    }
    tables.push(capability_table(result));
    for (title, rows) in
        [("Yield by lot", &result.yield_by_lot), ("Yield by week", &result.yield_by_week)]
    {
        let mut table = Table::new(
            title,
            if title.ends_with("lot") { "lot" } else { "week" },
            ["packages", "shipped", "yield % [95 % Wilson]"].map(String::from).to_vec(),
        );
        for row in rows.iter() {
            table.row(
                row.label.clone(),
                vec![
                    Cell::number(row.yield_.total as f64, 0),
                    Cell::number(row.yield_.count as f64, 0),
                    percent(&row.yield_),
                ],
            );
        }
        if rows.is_empty() {
            table.note("no week column in the data; give --packages-per-week N for build weeks");
        }
        tables.push(table);
    }
    if let Some(spatial) = &result.spatial {
        tables.push(spatial_table(spatial));
    }
    tables.push(variance_table(result));
    if let Some(calibration) = &result.calibration {
        tables.push(laser_calibration_table(calibration));
    }
    if let Some(fits) = &result.yield_fits {
        tables.push(fits_table("Yield-engine fits by maximum likelihood (95 % intervals)", fits));
    }
    tables.push(spc_table(result, files));
    tables
}

/// Capability per parameter: Cpk and Ppk with their 95 % intervals.
fn capability_table(result: &cporamp_inspect::InspectResult) -> Table {
    let mut capability = Table::new(
        "Capability (95 % intervals by Bissell's approximation)",
        "parameter",
        ["n", "mean", "sd within", "sd overall", "LSL", "USL", "Cpk [95 %]", "Ppk [95 %]"]
            .map(String::from)
            .to_vec(),
    );
    for c in &result.capability {
        let limit = |v: Option<f64>| v.map_or(Cell::Empty, |v| Cell::number(v, 3));
        let index = |i: Option<cporamp_inspect::Capability>| {
            i.map_or(Cell::Empty, |i| {
                Cell::text(format!("{:.2} [{:.2}, {:.2}]", i.value, i.low, i.high))
            })
        };
        capability.row(
            format!("{} ({})", c.parameter, c.unit),
            vec![
                Cell::number(c.count as f64, 0),
                Cell::number(c.mean, 4),
                Cell::number(c.within_sd, 4),
                Cell::number(c.overall_sd, 4),
                limit(c.limits.lower),
                limit(c.limits.upper),
                index(c.cpk),
                index(c.ppk),
            ],
        );
    }
    capability
}

/// Coupling loss by engine position, with the fitted warpage bowl.
fn spatial_table(spatial: &cporamp_inspect::Spatial) -> Table {
    let mut table = Table::new(
        "Coupling loss by engine position, with the fitted warpage bowl",
        "engine",
        ["lanes", "rho²", "mean dB", "sd dB", "bowl dB", "residual dB"].map(String::from).to_vec(),
    );
    let maybe = |v: Option<f64>| v.map_or(Cell::Empty, |v| Cell::number(v, 4));
    for p in &spatial.positions {
        table.row(
            p.engine.to_string(),
            vec![
                Cell::number(p.lanes as f64, 0),
                Cell::number(p.rho_sq, 4),
                Cell::number(p.mean_loss_db, 4),
                Cell::number(p.sd_loss_db, 4),
                maybe(p.fitted_db),
                maybe(p.residual_db),
            ],
        );
    }
    if let (Some(a), Some(b)) = (spatial.bowl_intercept_db, spatial.bowl_slope_db_per_rho_sq) {
        table.note(format!(
            "bowl: mean loss = {a:.4} {} {:.4} rho² dB; RMS residual {:.4} dB",
            if b < 0.0 { "-" } else { "+" },
            b.abs(),
            spatial.residual_rms_db.unwrap_or(0.0)
        ));
    }
    table
}

/// Variance components of engine means by grouping.
fn variance_table(result: &cporamp_inspect::InspectResult) -> Table {
    let mut variance = Table::new(
        "Variance components of engine means (one-way random-effects ANOVA)",
        "parameter by",
        ["groups", "units", "between var", "within var", "between %", "F"]
            .map(String::from)
            .to_vec(),
    );
    for v in &result.variance_components {
        variance.row(
            format!("{} by {}", v.parameter, v.grouping),
            vec![
                Cell::number(v.components.groups as f64, 0),
                Cell::number(v.components.units as f64, 0),
                Cell::text(format!("{:.3e}", v.components.between_variance)),
                Cell::text(format!("{:.3e}", v.components.within_variance)),
                Cell::number(100.0 * v.components.between_share, 1),
                Cell::number(v.components.f_ratio, 2),
            ],
        );
    }
    variance
}

/// The laser dead probability by maximum likelihood, beside the scenario's.
fn laser_calibration_table(calibration: &cporamp_inspect::Calibration) -> Table {
    let mut table = Table::new(
        "Calibration by maximum likelihood (95 % profile-likelihood intervals)",
        "parameter",
        ["fitted", "95 % low", "95 % high", "scenario"].map(String::from).to_vec(),
    );
    match &calibration.laser_dead {
        Some(fit) => {
            table.row(
                "laser dead probability",
                vec![
                    Cell::text(format!("{:.5}", fit.probability)),
                    Cell::text(format!("{:.5}", fit.low)),
                    Cell::text(format!("{:.5}", fit.high)),
                    Cell::text(format!("{:.5}", calibration.model.scenario_probability)),
                ],
            );
            table.note(format!(
                "{} dead lasers on {} assembled engines of {} lasers ({} lanes each); engine test's laser coverage {}",
                fit.dead_lasers,
                fit.engines,
                fit.lasers_per_engine,
                calibration.model.lanes_per_laser,
                calibration.model.engine_test_coverage
            ));
        }
        None => table.note(
            "laser dead probability: not identifiable (engine test catches every dead laser)",
        ),
    }
    table
}

/// SPC: rule breaks per station, parameter and chart, with the first flagged rows.
fn spc_table(result: &cporamp_inspect::InspectResult, files: &[String]) -> Table {
    let mut spc = Table::new(
        "SPC: points breaking Western Electric rules 1-4 (EWMA and range: beyond the limits)",
        "station / parameter / chart",
        ["points", "centre", "sigma", "rule 1", "rule 2", "rule 3", "rule 4"]
            .map(String::from)
            .to_vec(),
    );
    let mut first_flags = Vec::new();
    for series in &result.spc {
        for c in &series.charts {
            let chart = &c.chart;
            let mut cells = vec![
                Cell::number(chart.points as f64, 0),
                Cell::number(chart.centre, 4),
                Cell::number(chart.sigma, 4),
            ];
            cells.extend(chart.breaks_per_rule.iter().map(|&n| Cell::number(n as f64, 0)));
            spc.row(format!("{} / {} / {}", series.station, series.parameter, chart.kind), cells);
            if let Some(flag) = c.flagged.first() {
                let file = files.get(flag.rows.file as usize).map_or("?", String::as_str);
                first_flags.push(format!(
                    "{} {} {}: first break rule {} at point {}: {file} rows {}-{} (package {}, engine {})",
                    series.station,
                    series.parameter,
                    chart.kind,
                    flag.rule,
                    flag.point,
                    flag.rows.first_row,
                    flag.rows.last_row,
                    flag.rows.package,
                    flag.rows.engine
                ));
            }
        }
    }
    for line in first_flags {
        spc.note(line);
    }
    spc.note(cporamp_report::SUBGROUP_CAVEAT);
    spc
}

/// A value to 4 significant digits (the fits span µm, nm and probabilities of 1e-3).
fn significant(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    let decimals = (3 - value.abs().log10().floor() as i32).clamp(0, 9);
    format!("{value:.*}", usize::try_from(decimals).unwrap_or(0))
}

/// The yield-engine fits: parameter, default, fitted, interval and method; the notes say
/// what each fit used or why a parameter is not fitted.
pub(crate) fn fits_table(title: &str, fits: &cporamp_inspect::yield_fit::YieldFits) -> Table {
    let mut table = Table::new(
        title,
        "parameter",
        ["unit", "default", "fitted", "95 % low", "95 % high", "method"].map(String::from).to_vec(),
    );
    for row in &fits.parameters {
        let (value, low, high) = row.fit.map_or_else(
            || ("-".to_string(), String::new(), String::new()),
            |f| (significant(f.value), significant(f.low), significant(f.high)),
        );
        table.row(
            row.parameter,
            vec![
                Cell::text(row.unit),
                Cell::text(significant(row.default)),
                Cell::text(value),
                Cell::text(low),
                Cell::text(high),
                Cell::text(row.method),
            ],
        );
    }
    for row in &fits.parameters {
        table.note(format!("{}: {}", row.parameter, row.note));
    }
    table
}

/// The calibration of `cporamp run --calibrate`: the fits, then the scenario fields changed.
pub(crate) fn calibration_tables(
    calibration: &cporamp_pipeline::calibrate::Calibration,
) -> Vec<Table> {
    let mut fits = fits_table(
        &format!(
            "Calibration: the yield engine's parameters fitted from {} at {} (95 % intervals)",
            calibration.technology, calibration.generation
        ),
        &calibration.fits,
    );
    fits.note(format!("data: {}", calibration.files.join(", ")));
    let mut changed = Table::new(
        "Calibration: scenario fields replaced by the fits (every engine ran on these)",
        "field",
        ["default", "calibrated"].map(String::from).to_vec(),
    );
    for change in &calibration.changed {
        changed.row(
            change.field.clone(),
            vec![
                Cell::text(significant(change.default)),
                Cell::text(significant(change.calibrated)),
            ],
        );
    }
    vec![fits, changed]
}
