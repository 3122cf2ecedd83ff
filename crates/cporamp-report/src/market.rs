//! The report's market part: the article's four scenarios with probabilities computed from
//! the engines' uncertainty beside the article's, the CPO share fan per tier, value pools by
//! supply-chain layer, the migration map, what drives the timing (tornado and Sobol
//! indices), the surrogates' checks, and the update by observed signals when there is one.

use std::fmt::Write as _;

use cporamp_market::{
    Family, Layer, Signal, SobolIndex, SobolInput, SobolOutput, SobolSet, Update,
};
use cporamp_pipeline::MarketOutput;
use cporamp_scenario::Scenario;

use crate::html::{close_table, figure, num_cell, open_table, row_header};
use crate::svg::{LineSeries, Marker, Series, escape, line_chart, number, stacked_bar_chart};
use crate::thermal::TECHNOLOGY_COLOURS;

/// The section's heading.
pub(crate) const TITLE: &str = "Market: when CPO reaches volume";

/// The section's parts: `(id, navigation title)`; the update is there only with signals.
pub(crate) const PARTS: [(&str, &str); 8] = [
    ("market-scenarios", "scenarios"),
    ("market-update", "update by signals"),
    ("market-share", "CPO share"),
    ("market-value", "value pools"),
    ("market-exposure", "exposure"),
    ("market-migration", "migration map"),
    ("market-drivers", "what drives the timing"),
    ("market-gate-drivers", "what decides the gates"),
];

/// The label of each market technology family ([`Family::ALL`] order): the scenario's
/// label of the technology `[market]` names for it, else the family's id.
pub(crate) fn technology_labels(scenario: &Scenario) -> [String; 3] {
    Family::ALL.map(|family| {
        scenario
            .technology(scenario.market.technology_of(family))
            .map_or_else(|| family.name().to_string(), |t| t.label.clone())
    })
}

/// What people call an observed signal.
fn signal_label(signal: Signal) -> &'static str {
    match signal {
        Signal::ProductionYield => "CPO package yield",
        Signal::ThermalDrift => "engine temperature margin",
        Signal::Serviceability => "CPO goodput loss against pluggable",
        Signal::CoolingDesign => "liquid-cooled share of new racks",
        Signal::Inspection => "CPO defect level",
    }
}

/// The market section, after the fleet.
pub(crate) fn section(
    html: &mut String,
    scenario: &Scenario,
    market: &MarketOutput,
    update: Option<&Update>,
) {
    let result = &market.result;
    let criteria = &market.inputs.criteria;
    let _ = writeln!(html, "<section id=\"market\">\n<h2>{TITLE}</h2>");
    let _ = writeln!(
        html,
        "<p>{} samples of the priors in the scenario's [market] section (Latin hypercube) run \
         through an adoption model anchored on the engines at {}: capex and energy per Gb/s \
         from the comparison, the co-packaged yield against cumulative volume from the yield \
         engine, the goodput cost of laser failures from the fleet engine, the engine \
         temperature margin from the thermal engine. CPO reaches volume in a tier when it \
         ships {} % of its new ports; it may once its yield is at least {} %, its cost of \
         ownership beats pluggable and LPO, it costs at most {} % of job goodput and cold \
         plates are standard. <b>Bull</b>: volume in the {} tier by {}; <b>Base</b>: by {}; \
         <b>Bear</b>: later or never; <b>Tail</b>: the engine runs past its temperature limit \
         and the design is re-spun.</p>",
        number(result.samples as f64, 0),
        escape(&market.generation),
        number(100.0 * criteria.volume_share, 0),
        number(100.0 * criteria.yield_target, 0),
        number(100.0 * criteria.goodput_parity, 1),
        escape(&result.main_tier),
        criteria.bull_by_year,
        criteria.bear_after_year,
    );
    html.push_str("<h3 id=\"market-scenarios\">The article's four scenarios</h3>\n");
    open_table(
        html,
        "market",
        &["Scenario", "#Probability %<br>(from the engines)", "#The article's %"],
    );
    for probability in &result.probabilities {
        row_header(html, probability.scenario.label());
        num_cell(
            html,
            &format!(
                "{} ± {}",
                number(100.0 * probability.probability, 1),
                number(100.0 * probability.se, 1)
            ),
        );
        num_cell(html, &number(100.0 * probability.article, 0));
        html.push_str("</tr>\n");
    }
    close_table(html);
    if let Some(update) = update {
        update_table(html, market, update);
    }
    fan_chart(html, market);
    value_chart(html, market);
    exposure_table(html, market);
    migration_table(html, &technology_labels(scenario), market);
    drivers_table(html, market);
    html.push_str("</section>\n");
}

fn update_table(html: &mut String, market: &MarketOutput, update: &Update) {
    let _ = writeln!(
        html,
        "<h3 id=\"market-update\">Updated by {} observations</h3>\n<p>Samples weighted by the likelihood of the \
         observations (importance weighting); effective sample size {} of {}.{}</p>",
        update.attribution.len(),
        number(update.ess, 0),
        number(market.result.samples as f64, 0),
        if update.ess_warning {
            " <b>Warning: the effective sample size has collapsed; the observations contradict \
             the priors, and the updated probabilities rest on a few samples.</b>"
        } else {
            ""
        }
    );
    let mut headers = vec!["Observation".to_string()];
    for probability in &update.probabilities {
        headers.push(format!("#{}<br>(points)", probability.scenario.label()));
    }
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    open_table(html, "market-update", &headers);
    for attribution in &update.attribution {
        row_header(
            html,
            &format!(
                "{}: {} at {:.2}",
                attribution.observation + 1,
                signal_label(attribution.signal),
                attribution.year
            ),
        );
        for change in &attribution.change {
            num_cell(html, &crate::html::signed(100.0 * change, 1));
        }
        html.push_str("</tr>\n");
    }
    row_header(html, "Updated probability, %");
    for probability in &update.probabilities {
        num_cell(html, &number(100.0 * probability.probability, 1));
    }
    html.push_str("</tr>\n");
    close_table(html);
}

fn fan_chart(html: &mut String, market: &MarketOutput) {
    let result = &market.result;
    let first = result.years.first().copied().unwrap_or_default();
    let years: Vec<f64> = result.years.iter().map(|&year| f64::from(year - first)).collect();
    let mut series = Vec::new();
    for (index, tier) in result.tiers.iter().enumerate() {
        let colour = TECHNOLOGY_COLOURS[index % TECHNOLOGY_COLOURS.len()];
        let points = |pick: fn(&cporamp_market::Quantiles) -> f64| -> Vec<(f64, f64)> {
            years
                .iter()
                .zip(&tier.cpo_share_fan)
                .map(|(&year, fan)| (year, 100.0 * pick(fan)))
                .collect()
        };
        series.push(LineSeries {
            label: format!("{} median", tier.name),
            colour,
            dashed: false,
            marker: Marker::Circle,
            points: points(|fan| fan.p50),
        });
        // The 10-90 % band as one outline: the 10 % line forward, the 90 % line back.
        let mut band = points(|fan| fan.p10);
        band.extend(points(|fan| fan.p90).into_iter().rev());
        series.push(LineSeries {
            label: format!("{} 10-90 %", tier.name),
            colour,
            dashed: true,
            marker: Marker::None,
            points: band,
        });
    }
    let svg = line_chart(
        "CPO share of new ports",
        &series,
        &format!("years from {first}"),
        "% of new ports",
        0,
        Some(100.0),
    );
    html.push_str("<h3 id=\"market-share\">CPO share of new ports</h3>\n");
    figure(
        html,
        &svg,
        "Median CPO share of each tier's new ports over the samples (solid) and the outline of \
         its 10-90 % band (dashed).",
    );
}

fn value_chart(html: &mut String, market: &MarketOutput) {
    let pools = &market.result.value_pools;
    let categories: Vec<String> = pools.iter().map(|pool| pool.year.to_string()).collect();
    let colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7"];
    let series: Vec<Series> = Layer::ALL
        .iter()
        .map(|layer| {
            let index = layer.index();
            Series::new(
                layer.name(),
                colours[index],
                pools.iter().map(|pool| pool.usd[index] / 1e9).collect(),
            )
        })
        .collect();
    let svg = stacked_bar_chart(
        "Value pools by supply-chain layer",
        &categories,
        &series,
        "$ B per year",
        1,
    );
    html.push_str("<h3 id=\"market-value\">Value pools</h3>\n");
    figure(
        html,
        &svg,
        "Interconnect spend per year (new ports × Gb/s × $/Gb/s × share, mean over samples), split \
         by the scenario's layer shares per technology, except the CPO switches' liquid-cooling \
         bill ([codesign.bom]: cold plates, and the rest of the loop where racks are not yet \
         liquid-cooled), which goes whole to test, thermal and periphery. Exposure, not advice.",
    );
}

/// The embedded company-to-layer map beside each layer's value pool.
fn exposure_table(html: &mut String, market: &MarketOutput) {
    use cporamp_core::exposure::{EXPOSURE_CSV, parse_exposure};
    let map = match parse_exposure(EXPOSURE_CSV, "exposure.csv") {
        Ok(map) => map,
        Err(error) => {
            let _ = writeln!(
                html,
                "<p class=\"empty\">Exposure map unreadable: {}</p>",
                escape(&error)
            );
            return;
        }
    };
    let pools = &market.result.value_pools;
    let (Some(first), Some(last)) = (pools.first(), pools.last()) else { return };
    html.push_str(
        "<h3 id=\"market-exposure\">Exposure by layer</h3>\n<p>Which companies the source article places in each \
         layer, beside the layer's value pool. This is exposure to a layer, not a view on any \
         company and not advice.</p>\n",
    );
    let first_header = format!("#{} $ B", first.year);
    let last_header = format!("#{} $ B", last.year);
    open_table(
        html,
        "market-exposure",
        &["Layer", &first_header, &last_header, "Companies (the article's table)", "Role"],
    );
    for layer in Layer::ALL {
        let companies: Vec<&str> =
            map.iter().filter(|e| e.layer == layer).map(|e| e.company.as_str()).collect();
        let role = map.iter().find(|e| e.layer == layer).map_or("", |e| e.role.as_str());
        row_header(html, layer.name());
        num_cell(html, &number(first.usd[layer.index()] / 1e9, 1));
        num_cell(html, &number(last.usd[layer.index()] / 1e9, 1));
        let _ = writeln!(
            html,
            "<td>{}</td><td>{}</td></tr>",
            escape(&companies.join(", ")),
            escape(role)
        );
    }
    close_table(html);
}

/// One row per year, one column per tier: the leading technology (by its label) and the
/// fraction of samples in which it leads.
fn migration_table(html: &mut String, labels: &[String; 3], market: &MarketOutput) {
    let result = &market.result;
    html.push_str(
        "<h3 id=\"market-migration\">Migration map</h3>\n<p>Per tier and year, the technology \
         with the largest share of new ports and the fraction of samples in which it \
         leads.</p>\n",
    );
    let mut headers = vec!["Year".to_string()];
    headers.extend(result.tiers.iter().map(|tier| escape(&tier.name)));
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    open_table(html, "market-migration", &headers);
    for (year_index, year) in result.years.iter().enumerate() {
        row_header(html, &year.to_string());
        for tier in &result.tiers {
            let leader = tier.migration.get(year_index).map(|fractions| {
                fractions
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .map_or((0, 0.0), |(index, fraction)| (index, *fraction))
            });
            let text = leader.map_or("—".to_string(), |(index, fraction)| {
                format!("{}: {} %", escape(&labels[index]), number(100.0 * fraction, 0))
            });
            let _ = write!(html, "<td>{text}</td>");
        }
        html.push_str("</tr>\n");
    }
    close_table(html);
}

/// A standard deviation of CPO's share below which its Sobol indices are called noise (half
/// a percentage point).
pub const NEGLIGIBLE_SHARE_SD: f64 = 0.005;

fn drivers_table(html: &mut String, market: &MarketOutput) {
    let result = &market.result;
    let set = |output: SobolOutput| market.sobol.iter().find(|set| set.output == output);
    let interval = |value: f64, ci: [f64; 2]| {
        format!("{} [{}, {}]", number(value, 2), number(ci[0], 2), number(ci[1], 2))
    };
    let spread = |set: Option<&SobolSet>, digits: usize| {
        set.map_or("–".to_string(), |set| {
            format!("{} ± {} (mean ± SD)", number(set.mean, digits), number(set.sd, digits))
        })
    };
    let share = set(SobolOutput::CpoShare);
    let _ = writeln!(
        html,
        "<h3 id=\"market-drivers\">What drives CPO timing</h3>\n<p>Sobol indices of the main \
         tier's CPO share of new ports in the horizon's last year, {} over the prior samples \
         (first order and total, 95 % bootstrap intervals, on [0, 1]), and the tornado: the \
         volume year with each input at its 10 % and 90 % quantile, the others at their \
         medians. A share that hardly varies leaves indices that are noise; the next table \
         says what moves the gates that hold it.{}</p>",
        escape(&spread(share, 3)),
        if share.is_some_and(|set| set.sd < NEGLIGIBLE_SHARE_SD) {
            " Here it varies by less than half a percentage point: its indices apportion the \
             noise of a handful of samples (intervals spanning [0, 1] say so), not a driver."
        } else {
            ""
        }
    );
    open_table(
        html,
        "market-sobol",
        &["Input", "#First order", "#Total", "#Year at 10 %", "#Year at 90 %"],
    );
    let mut ranked: Vec<&SobolIndex<SobolInput>> =
        share.map(|set| set.indices.iter().collect()).unwrap_or_default();
    ranked.sort_by(|a, b| b.total.total_cmp(&a.total));
    let year = |year: Option<i32>| year.map_or("never".to_string(), |year| year.to_string());
    for index in ranked {
        row_header(html, index.input.label());
        num_cell(html, &interval(index.first, index.first_ci));
        num_cell(html, &interval(index.total, index.total_ci));
        let bar = result.tornado.iter().find(|bar| SobolInput::Market(bar.input) == index.input);
        num_cell(html, &bar.map_or("—".to_string(), |bar| year(bar.year_at_low)));
        num_cell(html, &bar.map_or("—".to_string(), |bar| year(bar.year_at_high)));
        html.push_str("</tr>\n");
    }
    close_table(html);
    let (yields, tco) = (set(SobolOutput::PackageYield), set(SobolOutput::TcoRatio));
    if let (Some(yields), Some(tco)) = (yields, tco) {
        let _ = writeln!(
            html,
            "<h3 id=\"market-gate-drivers\">What decides the gates in {}</h3>\n<p>Total Sobol \
             indices (95 % intervals) of the two gate values in the main tier: the package \
             yield, {}, against its {} target, and the natural log of CPO's cost of ownership \
             over the best alternative's, {}, which opens the cost gate at 0 or less.</p>",
            yields.year,
            escape(&spread(Some(yields), 3)),
            number(market.inputs.criteria.yield_target * 100.0, 0) + " %",
            escape(&spread(Some(tco), 2)),
        );
        open_table(html, "market-gate-sobol", &["Input", "#Package yield", "#Log cost ratio"]);
        let mut rows: Vec<(&SobolIndex<SobolInput>, &SobolIndex<SobolInput>)> =
            yields.indices.iter().zip(&tco.indices).collect();
        rows.sort_by(|a, b| (b.0.total + b.1.total).total_cmp(&(a.0.total + a.1.total)));
        for (y, c) in rows {
            row_header(html, y.input.label());
            num_cell(html, &interval(y.total, y.total_ci));
            num_cell(html, &interval(c.total, c.total_ci));
            html.push_str("</tr>\n");
        }
        close_table(html);
    }
    let checks: Vec<String> = result
        .surrogates
        .iter()
        .map(|check| {
            format!(
                "{}: held-out error {} (bound {})",
                check.label,
                number(check.held_out_error, 4),
                number(check.bound, 3)
            )
        })
        .collect();
    let _ = writeln!(
        html,
        "<p>Surrogates of the engines, checked on held-out engine runs: {}.</p>",
        escape(&checks.join("; "))
    );
}
