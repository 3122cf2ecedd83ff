//! The report's yield part: the five failure mechanisms through the test flow, per
//! co-packaged technology of a generation (pass fractions by insertion, rejects and escapes
//! by mechanism, cost per shipped switch). Every number written is finite or shown as "—".

use std::fmt::Write as _;

use cporamp_pipeline::YieldGeneration;
use cporamp_yield::{Fraction, Mechanism};

use crate::html::{QuantityRow, figure, heading, quantity_table};
use crate::svg::{LineSeries, Marker, line_chart, number, waterfall_chart};
use crate::thermal::TECHNOLOGY_COLOURS;

fn percent(fraction: &Fraction) -> String {
    format!("{} ± {}", number(100.0 * fraction.value, 2), number(100.0 * fraction.se, 2))
}

/// The yield part of a generation's section.
pub(crate) fn section(
    html: &mut String,
    id: &str,
    yields: &YieldGeneration,
    generation: &cporamp_compare::GenerationComparison,
) {
    heading(html, id, "Yield: the five failure points through the test flow");
    if yields.technologies.is_empty() {
        html.push_str(
            "<p class=\"empty\">No co-packaged technology with rings at this generation.</p>\n",
        );
        return;
    }
    if let Some(first) = yields.technologies.first() {
        let _ = writeln!(
            html,
            "<p>{} packages per technology (seeded Monte Carlo): coupling shift by mode overlap, \
             laser defects and weak lasers (chip burn-in), ring drift beyond the heater range, \
             package warpage (fiber shift, joint opens) and test coverage, through ASIC wafer \
             test, laser burn-in, engine test and package test. A package-test reject scraps \
             its ASIC and engines. Percentages carry binomial standard errors. The switch cost \
             with yield replaces the ideal ASIC and engines of the BOM by the cost per shipped \
             package.</p>",
            number(first.result.packages as f64, 0)
        );
    }
    let items: Vec<String> =
        yields.technologies.iter().map(|technology| technology.label.clone()).collect();
    let each = |value: &dyn Fn(&cporamp_pipeline::YieldTechnology) -> String| -> Vec<String> {
        yields.technologies.iter().map(value).collect()
    };
    let compared = |technology: &cporamp_pipeline::YieldTechnology| {
        generation.technologies.iter().find(|t| t.id == technology.id)
    };
    let rows = [
        QuantityRow::numbers("Engine test pass, %", each(&|t| percent(&t.result.engine_test_pass))),
        QuantityRow::numbers("Package yield, %", each(&|t| percent(&t.result.package_yield))),
        QuantityRow::numbers("Escapes, DPPM", each(&|t| number(t.result.escapes_total_dppm, 0))),
        QuantityRow::numbers(
            "Cost per shipped switch, $",
            each(&|t| number(t.result.cost.total_usd, 0)),
        ),
        QuantityRow::numbers("Ideal cost, $", each(&|t| number(t.result.cost.ideal_usd, 0))),
        QuantityRow::numbers(
            "Yield cost, %",
            each(&|t| number(t.result.cost.yield_overhead_percent(), 1)),
        ),
        QuantityRow::numbers(
            "Switch BOM, $/Gbps",
            each(&|t| {
                compared(t).map_or("—".to_string(), |c| number(c.cost.switch_usd_per_gbps, 3))
            }),
        ),
        QuantityRow::numbers(
            "Switch with yield, $/Gbps",
            each(&|t| number(t.switch_usd_per_gbps_with_yield, 3)),
        ),
    ];
    quantity_table(html, "yield", "Yield and cost", &items, &rows);

    html.push_str(
        "<h4>By mechanism</h4>\n<p>Package-test rejects (% of packages) and escapes to the \
         customer (defective parts per million shipped), per failure mechanism.</p>\n",
    );
    let mut mechanism_rows = Vec::with_capacity(2 * Mechanism::ALL.len());
    for mechanism in Mechanism::ALL {
        mechanism_rows.push(QuantityRow::numbers(
            format!("{}: rejects, %", mechanism.label()),
            each(&|t| number(100.0 * t.result.package_rejects_by_mechanism[mechanism].value, 2)),
        ));
    }
    for mechanism in Mechanism::ALL {
        mechanism_rows.push(QuantityRow::numbers(
            format!("{}: escapes, DPPM", mechanism.label()),
            each(&|t| number(t.result.escapes_dppm[mechanism], 0)),
        ));
    }
    quantity_table(html, "yield-mechanisms", "Mechanism", &items, &mechanism_rows);
    waterfalls(html, yields);
    tornado_table(html, yields);
    ramp_chart(html, yields);
}

/// One waterfall per technology: assembled packages, first-test losses by mechanism, rework.
fn waterfalls(html: &mut String, yields: &YieldGeneration) {
    html.push_str(
        "<h4>Yield waterfall</h4>\n<p>From all assembled packages: the first package test's \
         rejects by the first mechanism detected (each reject counted once), then what fiber \
         re-attach recovered, down to the shipped yield. The axis starts near the lowest level \
         reached.</p>\n",
    );
    for technology in &yields.technologies {
        let result = &technology.result;
        let steps: Vec<(String, f64)> = result
            .waterfall
            .iter()
            .map(|step| (step.label.label().to_string(), 100.0 * step.change.value))
            .collect();
        let svg = waterfall_chart(
            &format!("{}: package yield waterfall", technology.label),
            &steps,
            "shipped",
            "% of assembled",
            2,
            Some(100.0),
        );
        let mut caption = format!(
            "Shipped {} %. Rework: {} attempts per package, {} % of packages recovered.",
            percent(&result.package_yield),
            number(result.reworks_per_package, 3),
            percent(&result.rework_recovered),
        );
        if let Some(els) = &result.els {
            let _ = write!(
                caption,
                " ELS modules (tested and swapped on their own): yield {} %, {} spare lasers used \
                 per module.",
                percent(&els.module_yield),
                number(els.spare_lasers_used_per_module, 3),
            );
        }
        figure(html, &svg, &caption);
    }
}

fn tornado_table(html: &mut String, yields: &YieldGeneration) {
    html.push_str(
        "<h4>What to fix first</h4>\n<p>Cost per shipped switch saved by removing each \
         mechanism in turn (same random numbers), largest first.</p>\n",
    );
    let items: Vec<String> =
        yields.technologies.iter().map(|technology| technology.label.clone()).collect();
    let ranks = yields.technologies.iter().map(|t| t.tornado.len()).max().unwrap_or(0);
    let rows: Vec<QuantityRow> = (0..ranks)
        .map(|rank| {
            QuantityRow::numbers(
                ordinal(rank + 1),
                yields
                    .technologies
                    .iter()
                    .map(|technology| {
                        technology.tornado.get(rank).map_or("—".to_string(), |bar| {
                            format!("{}: ${}", bar.mechanism.label(), number(bar.saving_usd, 0))
                        })
                    })
                    .collect(),
            )
        })
        .collect();
    quantity_table(html, "yield-tornado", "Rank", &items, &rows);
}

/// "1st", "2nd", "3rd", "4th", ..., "11th", "21st".
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The ramp's first year (the axis origin), from its first quarter; 0 without quarters.
fn first_year(yields: &YieldGeneration) -> f64 {
    let first = yields
        .technologies
        .iter()
        .filter_map(|technology| technology.ramp.first())
        .map(|point| point.quarter.start_year())
        .fold(f64::INFINITY, f64::min)
        .floor();
    if first.is_finite() { first } else { 0.0 }
}

fn ramp_chart(html: &mut String, yields: &YieldGeneration) {
    let origin = first_year(yields);
    let axis = format!("years from {origin} (quarter start)");
    let series = |pick: fn(&cporamp_yield::RampPoint) -> f64| -> Vec<LineSeries> {
        yields
            .technologies
            .iter()
            .enumerate()
            .map(|(index, technology)| LineSeries {
                label: technology.label.clone(),
                colour: TECHNOLOGY_COLOURS[index % TECHNOLOGY_COLOURS.len()],
                dashed: false,
                marker: Marker::Circle,
                points: technology
                    .ramp
                    .iter()
                    .map(|point| (point.quarter.start_year() - origin, pick(point)))
                    .collect(),
            })
            .collect()
    };
    let cost = line_chart(
        "Cost per shipped switch over the ramp (k$)",
        &series(|point| point.cost_usd / 1e3),
        &axis,
        "k$",
        1,
        None,
    );
    let yield_chart = line_chart(
        "Package yield over the ramp (%)",
        &series(|point| 100.0 * point.package_yield.value),
        &axis,
        "%",
        1,
        Some(100.0),
    );
    let caption = "Defect levels (laser defects and weak lasers) fall by Wright's law with \
                   cumulative volume, quarter by quarter, from the scenario's [yield.ramp] \
                   volumes; each point reruns the Monte Carlo with the same seed.";
    figure(html, &yield_chart, caption);
    figure(
        html,
        &cost,
        "Cost per shipped switch at each quarter's yield: the ASIC and engines scrapped with \
         rejected packages are paid by the shipped ones.",
    );
}
