//! The answer first: the article's question (does yield, thermal design and serviceability
//! gate CPO, and when does it reach volume?) answered from the run's numbers, for the top of
//! `report.html` and the first lines of `cporamp run`.
//!
//! Everything here is read from the market engine's results: which technology has the
//! largest mean share of each tier's new ports in each year of the article's window, the main
//! tier's volume-year percentiles, the four scenario probabilities beside the article's with
//! the reasons the samples recorded, and, for the main tier's CPO share and for the values of
//! its yield and cost gates, the three inputs with the largest total Sobol indices whose
//! interval excludes 0. The paragraph is assembled from those figures, not written by hand.

use std::fmt::Write as _;

use cporamp_market::Scenario as MarketScenario;
use cporamp_market::{
    Gate, MarketCriteria, MarketResult, ReasonKind, ScenarioProbability, Signal, SobolOutput,
    SobolSet, TierResult, YearQuantiles,
};
use cporamp_pipeline::MarketOutput;
use cporamp_scenario::Scenario;

use crate::market::technology_labels;

use crate::svg::{escape, number};

/// One scenario's line: its probability beside the article's and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioLine {
    /// Which (its label: "Base", "Bull", "Bear", "Tail").
    pub scenario: MarketScenario,
    /// The article's one-line story.
    pub story: &'static str,
    /// Probability from the engines and its standard error.
    pub probability: f64,
    /// Its standard error.
    pub se: f64,
    /// The article's subjective probability.
    pub article: f64,
    /// The recorded reasons, as (what, fraction of all samples), largest first.
    pub reasons: Vec<(String, f64)>,
}

/// One year's leader of a tier: the year, the technology's label and its mean share.
pub type Leader = (i32, String, f64);

/// The answer, in figures and one generated paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The generated paragraph.
    pub paragraph: String,
    /// Per tier, per year of the window: the leading technology's label and its mean share.
    pub leaders: Vec<(String, Vec<Leader>)>,
    /// The tier that decides the scenario.
    pub main_tier: String,
    /// Its volume-year percentiles.
    pub volume_year: YearQuantiles,
    /// The four scenarios.
    pub scenarios: Vec<ScenarioLine>,
    /// Input by input, the others at their medians: what would bring CPO to volume by the
    /// window's last year (or, when the medians already do, what would stop it).
    pub what_it_takes: String,
    /// Per Sobol output (the share, then the yield and cost gates' values): what it is, and
    /// up to three largest total indices whose 95 % interval excludes 0.
    pub drivers: Vec<Drivers>,
    /// The window's last year and the fraction of samples in which each gate of the main
    /// tier is closed then: (gate, fraction).
    pub closed_gates: (i32, Vec<(&'static str, f64)>),
}

/// What drives one output: its description and up to three (input label, total Sobol index,
/// 95 % interval), largest first, each interval excluding 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Drivers {
    /// The output.
    pub output: SobolOutput,
    /// The output, in words, with its year.
    pub what: String,
    /// The drivers; empty when no interval excludes 0.
    pub inputs: Vec<(String, f64, [f64; 2])>,
}

impl Drivers {
    fn of(set: &SobolSet, main_tier: &str) -> Drivers {
        let what = match set.output {
            SobolOutput::CpoShare => {
                format!("CPO's share of the {main_tier} tier's new ports in {}", set.year)
            }
            SobolOutput::PackageYield => format!("the package yield in {} (yield gate)", set.year),
            SobolOutput::TcoRatio => {
                format!(
                    "the log of CPO's cost of ownership over the best alternative in {} (cost gate)",
                    set.year
                )
            }
        };
        // "Excludes 0" at the printed precision: a lower bound that prints as 0.00 does not.
        let mut ranked: Vec<_> = set.indices.iter().filter(|i| i.total_ci[0] >= 0.005).collect();
        ranked.sort_by(|a, b| b.total.total_cmp(&a.total));
        let inputs = ranked
            .into_iter()
            .take(3)
            .map(|index| (index.input.label().to_string(), index.total, index.total_ci))
            .collect();
        Drivers { output: set.output, what, inputs }
    }

    /// "label 0.62 \[0.58, 0.66\]; ..." or "none measurable".
    fn list(&self) -> String {
        if self.inputs.is_empty() {
            return "none measurable (every interval includes 0)".to_string();
        }
        self.inputs
            .iter()
            .map(|(input, total, ci)| {
                format!(
                    "{input} {} [{}, {}]",
                    number(*total, 2),
                    number(ci[0], 2),
                    number(ci[1], 2)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

const STORIES: [&str; 4] = [
    "LPO/CPC lead; CPO enters limited volume from late 2027",
    "hyperscalers pull CPO adoption forward",
    "yield and serviceability delay CPO; pluggables live longer",
    "thermal issues force a partial redesign",
];

/// The index of the largest of a year's three technology shares (ties: the earlier).
fn leader(shares: [f64; 3]) -> usize {
    (0..3).fold(0, |best, i| if shares[i] > shares[best] { i } else { best })
}

fn year_text(year: Option<i32>, end_year: i32) -> String {
    year.map_or_else(|| format!("after {end_year}"), |y| y.to_string())
}

fn percent(fraction: f64) -> String {
    format!("{} %", number(100.0 * fraction, if fraction < 0.1 { 1 } else { 0 }))
}

/// Per tier, per year of the `window` (index, year): the technology with the largest mean
/// share and that share.
fn leaders_of(
    result: &MarketResult,
    window: &[(usize, i32)],
    labels: &[String; 3],
) -> Vec<(String, Vec<Leader>)> {
    result
        .tiers
        .iter()
        .map(|tier| {
            let years = window
                .iter()
                .map(|&(t, year)| {
                    let shares = tier.mean_shares[t];
                    let lead = leader(shares);
                    (year, labels[lead].clone(), shares[lead])
                })
                .collect();
            (tier.name.clone(), years)
        })
        .collect()
}

/// The four scenarios' lines: probability beside the article's, story and recorded reasons.
fn scenario_lines(result: &MarketResult) -> Vec<ScenarioLine> {
    result
        .probabilities
        .iter()
        .enumerate()
        .map(|(s, p): (usize, &ScenarioProbability)| {
            let reasons = result
                .reasons
                .iter()
                .filter(|share| share.scenario == p.scenario)
                .map(|share| (share.kind.words().to_string(), share.fraction))
                .collect();
            ScenarioLine {
                scenario: p.scenario,
                story: STORIES[s],
                probability: p.probability,
                se: p.se,
                article: p.article,
                reasons,
            }
        })
        .collect()
}

/// The figures the answer's paragraph is assembled from.
struct Facts<'a> {
    /// The market engine's results.
    result: &'a MarketResult,
    /// Its volume and scenario criteria.
    criteria: &'a MarketCriteria,
    /// Pluggable, LPO and CPO labels.
    labels: &'a [String; 3],
    /// The main tier's results, if the tier is there.
    main: Option<&'a TierResult>,
    /// The article's window: (index, year) of each year up to `end`.
    window: &'a [(usize, i32)],
    /// The window's last year.
    end: i32,
}

/// "Over first-end, X wins the main tier: ... against ... for CPO." (nothing without a main
/// tier or a year in the window).
fn winner_sentence(paragraph: &mut String, facts: &Facts<'_>) {
    let Facts { result, labels, end, .. } = *facts;
    let last = facts.window.last().map(|&(t, _)| t);
    if let (Some(main), Some(t)) = (facts.main, last) {
        let shares = main.mean_shares[t];
        let lead = leader(shares);
        let _ = write!(
            paragraph,
            "Over {}-{end}, {} wins the {} tier: {} of its new ports in {end} on average, \
             against {} for {}. ",
            result.years[0],
            labels[lead],
            result.main_tier,
            percent(shares[lead]),
            percent(shares[2]),
            labels[2],
        );
    }
}

/// How often CPO reaches volume by the window's end (the Base and Bull scenarios) and the
/// median volume year.
fn volume_sentence(
    paragraph: &mut String,
    facts: &Facts<'_>,
    scenarios: &[ScenarioLine],
    volume_year: &YearQuantiles,
) {
    let Facts { result, criteria, labels, end, .. } = *facts;
    let in_volume: f64 = scenarios
        .iter()
        .filter(|s| matches!(s.scenario, MarketScenario::Base | MarketScenario::Bull))
        .map(|s| s.probability)
        .sum();
    let _ = write!(
        paragraph,
        "{} reaches volume ({} of the {} tier's new ports) by {end} in {} of the samples; \
         median volume year {}. ",
        labels[2],
        percent(criteria.volume_share),
        result.main_tier,
        percent(in_volume),
        year_text(volume_year.p50, result.years.last().copied().unwrap_or(end)),
    );
}

/// The reason other than volume recorded most often, with the median package yield against
/// its target when that reason is yield.
fn stops_sentence(paragraph: &mut String, facts: &Facts<'_>) {
    let Facts { result, criteria, end, .. } = *facts;
    if let Some(top) = result.reasons.iter().find(|share| share.kind != ReasonKind::Volume) {
        let _ = write!(
            paragraph,
            "What stops it most often: {} ({} of the samples",
            top.kind.words(),
            percent(top.fraction),
        );
        if top.kind == ReasonKind::Yield {
            let year_index = facts.window.last().map_or(0, |&(t, _)| t);
            let mut yields: Vec<f64> = result
                .records
                .iter()
                .map(|r| r.signal(Signal::ProductionYield)[year_index])
                .collect();
            yields.sort_by(f64::total_cmp);
            if let Some(&median) = yields.get(yields.len() / 2) {
                let _ = write!(
                    paragraph,
                    "; median package yield in {end} {} against the {} target",
                    percent(median),
                    percent(criteria.yield_target)
                );
            }
        }
        paragraph.push_str("). ");
    }
}

/// What CPO's share depends on most, or, when no input moves it measurably, what moves the
/// value of the gate closed most often.
fn drivers_sentence(paragraph: &mut String, facts: &Facts<'_>, drivers: &[Drivers]) {
    let Facts { result, end, .. } = *facts;
    // A driver is named only when its interval excludes 0: a share that hardly varies
    // leaves indices that are all noise; then the gates' values say what would move it.
    let horizon_end = result.years.last().copied().unwrap_or(end);
    let drivers_of = |output| drivers.iter().find(|drivers| drivers.output == output);
    match drivers_of(SobolOutput::CpoShare).and_then(|drivers| drivers.inputs.first()) {
        Some((input, total, _)) => {
            let _ = write!(
                paragraph,
                "CPO's share of the {} tier in {horizon_end} depends most on the {input} \
                 (total Sobol index {}).",
                result.main_tier,
                number(*total, 2)
            );
        }
        None => {
            let _ = write!(
                paragraph,
                "No input moves CPO's share of the {} tier measurably by {horizon_end}: it \
                 stays at the pilot share in almost every sample.",
                result.main_tier
            );
            // The gate closed most often, and what moves its value.
            let (yield_closed, cost_closed) =
                (result.closed_gates[Gate::Yield], result.closed_gates[Gate::Cost]);
            let gate = if yield_closed >= cost_closed {
                SobolOutput::PackageYield
            } else {
                SobolOutput::TcoRatio
            };
            if let Some(top) = drivers_of(gate).filter(|drivers| !drivers.inputs.is_empty()) {
                let names: Vec<String> = top
                    .inputs
                    .iter()
                    .map(|(input, total, _)| format!("the {input} ({})", number(*total, 2)))
                    .collect();
                let _ = write!(
                    paragraph,
                    " What moves {} most (total Sobol index): {}.",
                    top.what,
                    names.join(", ")
                );
            }
        }
    }
}

impl Answer {
    /// The answer of a run's market results on `scenario`.
    #[must_use]
    pub fn of(scenario: &Scenario, market: &MarketOutput) -> Answer {
        let result = &market.result;
        let criteria = &market.inputs.criteria;
        let labels = technology_labels(scenario);
        let window: Vec<(usize, i32)> = result
            .years
            .iter()
            .enumerate()
            .filter(|(_, year)| **year <= criteria.bear_after_year)
            .map(|(t, &year)| (t, year))
            .collect();
        let leaders = leaders_of(result, &window, &labels);
        let main = result.tiers.iter().find(|tier| tier.name == result.main_tier);
        let volume_year =
            main.map_or(YearQuantiles { p10: None, p50: None, p90: None }, |t| t.volume_year);
        let scenarios = scenario_lines(result);
        let drivers: Vec<Drivers> =
            market.sobol.iter().map(|set| Drivers::of(set, &result.main_tier)).collect();

        // The paragraph.
        let end = criteria.bear_after_year;
        let facts = Facts { result, criteria, labels: &labels, main, window: &window, end };
        let mut paragraph = String::new();
        winner_sentence(&mut paragraph, &facts);
        volume_sentence(&mut paragraph, &facts, &scenarios, &volume_year);
        stops_sentence(&mut paragraph, &facts);
        drivers_sentence(&mut paragraph, &facts, &drivers);
        let what_it_takes = what_it_takes(result, end);
        Answer {
            paragraph,
            leaders,
            main_tier: result.main_tier.clone(),
            volume_year,
            scenarios,
            what_it_takes,
            drivers,
            closed_gates: (
                end,
                result.closed_gates.iter().map(|(gate, &closed)| (gate.label(), closed)).collect(),
            ),
        }
    }

    /// The answer as text, each line within 100 columns.
    #[must_use]
    pub fn text(&self, end_year: i32) -> String {
        let mut out = String::from("The answer\n");
        out.push_str(&wrap(&self.paragraph, 100));
        let _ = writeln!(
            out,
            "\nCPO volume year in the {} tier: p10 {}, p50 {}, p90 {}",
            self.main_tier,
            year_text(self.volume_year.p10, end_year),
            year_text(self.volume_year.p50, end_year),
            year_text(self.volume_year.p90, end_year),
        );
        out.push_str(&wrap(&self.what_it_takes, 100));
        out.push_str("\nScenario  cporamp          article  why (share of all samples)\n");
        for line in &self.scenarios {
            let reasons: Vec<String> = line
                .reasons
                .iter()
                .take(2)
                .map(|(what, fraction)| format!("{what} {}", percent(*fraction)))
                .collect();
            let head = format!(
                "{:<9} {:>7} ± {:<5} {:>6}   ",
                line.scenario.label(),
                format!("{} %", number(100.0 * line.probability, 1)),
                number(100.0 * line.se, 1),
                format!("{} %", number(100.0 * line.article, 0)),
            );
            let why = if reasons.is_empty() { "-".to_string() } else { reasons.join("; ") };
            // The reasons wrap under their column.
            let indent = " ".repeat(head.chars().count());
            let wrapped = wrap(&why, 100 - indent.len());
            for (index, part) in wrapped.lines().enumerate() {
                out.push_str(if index == 0 { &head } else { &indent });
                out.push_str(part);
                out.push('\n');
            }
        }
        let (year, gates) = &self.closed_gates;
        let closed: Vec<String> =
            gates.iter().map(|(gate, fraction)| format!("{gate} {}", percent(*fraction))).collect();
        out.push('\n');
        out.push_str(&wrap(
            &format!("Gates closed in {year} (share of samples): {}", closed.join(", ")),
            100,
        ));
        out.push_str("What drives it (total Sobol index, 95 % interval):\n");
        for drivers in &self.drivers {
            let line = format!("{}: {}", drivers.what, drivers.list());
            // Continuation lines are indented by 4: wrapped to 96, every line fits 100.
            for (index, part) in wrap(&line, 96).lines().enumerate() {
                out.push_str(if index == 0 { "  " } else { "    " });
                out.push_str(part);
                out.push('\n');
            }
        }
        out
    }

    /// The answer as the report's first section.
    pub(crate) fn html(&self, html: &mut String, end_year: i32) {
        html.push_str("<section id=\"answer\">\n<h2>The answer</h2>\n");
        let _ = writeln!(html, "<p>{}</p>", escape(&self.paragraph));
        let _ = writeln!(
            html,
            "<p>CPO volume year in the {} tier: p10 {}, p50 {}, p90 {}.</p>",
            escape(&self.main_tier),
            year_text(self.volume_year.p10, end_year),
            year_text(self.volume_year.p50, end_year),
            year_text(self.volume_year.p90, end_year),
        );
        let _ = writeln!(html, "<p>{}</p>", escape(&self.what_it_takes));
        crate::html::open_table(
            html,
            "answer",
            &["Scenario", "The article's story", "#cporamp %", "#The article's %", "Why"],
        );
        for line in &self.scenarios {
            crate::html::row_header(html, line.scenario.label());
            let _ = write!(html, "<td>{}</td>", escape(line.story));
            crate::html::num_cell(
                html,
                &format!(
                    "{} ± {}",
                    number(100.0 * line.probability, 1),
                    number(100.0 * line.se, 1)
                ),
            );
            crate::html::num_cell(html, &number(100.0 * line.article, 0));
            let reasons: Vec<String> = line
                .reasons
                .iter()
                .map(|(what, fraction)| format!("{} ({})", escape(what), percent(*fraction)))
                .collect();
            let _ = write!(
                html,
                "<td>{}</td>",
                if reasons.is_empty() { "–".to_string() } else { reasons.join("; ") }
            );
            html.push_str("</tr>\n");
        }
        crate::html::close_table(html);
        html.push_str("<p>Leading technology by tier (largest mean share of new ports):</p>\n");
        let years: Vec<String> = self
            .leaders
            .first()
            .map(|(_, years)| years.iter().map(|(year, _, _)| format!("#{year}")).collect())
            .unwrap_or_default();
        let mut headers = vec!["Tier".to_string()];
        headers.extend(years);
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        crate::html::open_table(html, "answer-leaders", &headers);
        for (tier, years) in &self.leaders {
            crate::html::row_header(html, tier);
            for (_, label, share) in years {
                crate::html::num_cell(html, &format!("{} ({})", escape(label), percent(*share)));
            }
            html.push_str("</tr>\n");
        }
        crate::html::close_table(html);
        let (year, gates) = &self.closed_gates;
        let closed: Vec<String> =
            gates.iter().map(|(gate, fraction)| format!("{gate} {}", percent(*fraction))).collect();
        let _ = writeln!(
            html,
            "<p>Eligibility gates closed in {year} (share of samples; several may be closed): {}.</p>",
            escape(&closed.join(", "))
        );
        html.push_str("<p>What drives it (total Sobol index, 95 % interval):</p>\n<ul>\n");
        for drivers in &self.drivers {
            let _ =
                writeln!(html, "<li>{}: {}</li>", escape(&drivers.what), escape(&drivers.list()));
        }
        html.push_str("</ul>\n</section>\n");
    }
}

/// The one-input-at-a-time scan in words: with every other input at its median, which
/// inputs alone bring CPO to volume in the main tier by `end` (the value nearest the median
/// that does, its quantile and the prior mass that does), or, when the medians already do,
/// which inputs alone would stop it.
fn what_it_takes(result: &cporamp_market::MarketResult, end: i32) -> String {
    let tier = &result.main_tier;
    let reached_at_medians = result.tornado_baseline.is_some_and(|year| year <= end);
    let mut parts: Vec<String> = Vec::new();
    let mut takes: Vec<&cporamp_market::WhatItTakes> = result.what_it_takes.iter().collect();
    if reached_at_medians {
        takes.sort_by(|a, b| a.prior_mass.total_cmp(&b.prior_mass));
        for take in takes.iter().filter(|take| take.prior_mass < 1.0) {
            parts.push(format!(
                "the {} ({} of its prior would miss)",
                take.input.label(),
                percent(1.0 - take.prior_mass)
            ));
        }
        if parts.is_empty() {
            return format!(
                "With every input at its median, CPO reaches volume in the {tier} tier by \
                 {end}, and no single input within its prior range stops it."
            );
        }
        return format!(
            "With every input at its median, CPO reaches volume in the {tier} tier by {end}; \
             one input alone (the others at their medians) could stop it: {}.",
            parts.join(", ")
        );
    }
    takes.sort_by(|a, b| b.prior_mass.total_cmp(&a.prior_mass));
    for take in takes {
        if let Some((value, quantile)) = take.nearest {
            parts.push(format!(
                "the {} at {} (its {} quantile; {} of its prior would do)",
                take.input.label(),
                number(value, if value.abs() >= 100.0 { 0 } else { 2 }),
                percent(quantile),
                percent(take.prior_mass)
            ));
        }
    }
    if parts.is_empty() {
        // Base and Bull are the samples that reach volume by the window's end.
        let together: f64 = result.probabilities[..2].iter().map(|p| p.probability).sum();
        format!(
            "With every other input at its median, no single input anywhere in its prior range \
             brings CPO to volume in the {tier} tier by {end}; moving them all at once, as the \
             prior samples do, reaches it in {} of the samples.",
            percent(together)
        )
    } else {
        format!(
            "One input alone (the others at their medians) brings CPO to volume in the {tier} \
             tier by {end} only with: {}; no other input does within its prior range.",
            parts.join("; ")
        )
    }
}

/// `text` broken at spaces into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}
