//! The market engine's tables: scenario probabilities, volume years, value pools, drivers.

use super::{Cell, Table};

/// The market engine: scenario probabilities beside the article's, CPO volume years per tier,
/// value pools, what drives the timing; and the update by observations when given.
#[must_use]
pub fn market_tables(
    market: &cporamp_pipeline::MarketOutput,
    update: Option<&cporamp_market::Update>,
) -> Vec<Table> {
    let result = &market.result;
    let mut tables = vec![probabilities_table(market), timing_table(result)];
    if let Some(pool) = result.value_pools.last() {
        let mut pools = Table::new(
            format!("Market: value pools in {}", pool.year),
            "layer",
            vec!["$ B".to_string()],
        );
        for (layer, usd) in cporamp_market::Layer::ALL.iter().zip(&pool.usd) {
            pools.row(layer.name(), vec![Cell::number(usd / 1e9, 1)]);
        }
        tables.push(pools);
    }

    let set = |output| market.sobol.iter().find(|set| set.output == output);
    let share = set(cporamp_market::SobolOutput::CpoShare);
    let mut ranked: Vec<&cporamp_market::SobolIndex<cporamp_market::SobolInput>> =
        share.map(|set| set.indices.iter().collect()).unwrap_or_default();
    ranked.sort_by(|a, b| b.total.total_cmp(&a.total));
    let mut drivers = Table::new(
        "Market: what drives the main tier's CPO share in the last year (Sobol, 95 % intervals)",
        "input",
        vec!["first order".into(), "total".into(), "total 95 % interval".into()],
    );
    for index in ranked.iter().take(6) {
        drivers.row(
            index.input.name(),
            vec![
                Cell::number(index.first, 2),
                Cell::number(index.total, 2),
                Cell::text(format!("{:.2} to {:.2}", index.total_ci[0], index.total_ci[1])),
            ],
        );
    }
    if let Some(share) = share {
        drivers.note(format!(
            "the share: {:.3} ± {:.3} (mean ± SD over the samples){}",
            share.mean,
            share.sd,
            if share.sd < cporamp_report::NEGLIGIBLE_SHARE_SD {
                "; it hardly varies, so these indices apportion noise, not drivers"
            } else {
                ""
            }
        ));
    }
    let yields = set(cporamp_market::SobolOutput::PackageYield);
    let tco = set(cporamp_market::SobolOutput::TcoRatio);
    let gates = yields.zip(tco).map(|(yields, tco)| {
        let mut rows: Vec<_> = yields.indices.iter().zip(&tco.indices).collect();
        rows.sort_by(|a, b| (b.0.total + b.1.total).total_cmp(&(a.0.total + a.1.total)));
        let mut gates = Table::new(
            format!("Market: what decides the main tier's gates in {} (total Sobol, 95 % intervals)", yields.year),
            "input",
            vec!["package yield".into(), "log cost ratio".into()],
        );
        let cell = |index: &cporamp_market::SobolIndex<cporamp_market::SobolInput>| {
            Cell::text(format!("{:.2} [{:.2}, {:.2}]", index.total, index.total_ci[0], index.total_ci[1]))
        };
        for (y, c) in rows.into_iter().take(6) {
            gates.row(y.input.name(), vec![cell(y), cell(c)]);
        }
        gates.note(format!(
            "package yield {:.3} ± {:.3}; log of CPO's cost of ownership over the best alternative's {:.2} ± {:.2} (mean ± SD)",
            yields.mean, yields.sd, tco.mean, tco.sd
        ));
        gates
    });
    for check in &result.surrogates {
        drivers.note(format!(
            "surrogate {}: held-out error {:.4} (bound {})",
            check.name, check.held_out_error, check.bound
        ));
    }
    tables.push(drivers);
    tables.extend(gates);

    if let Some(update) = update {
        tables.extend(update_tables(result, update));
    }
    tables
}

/// The article's scenarios: their probabilities beside the article's.
fn probabilities_table(market: &cporamp_pipeline::MarketOutput) -> Table {
    let result = &market.result;
    let mut probabilities = Table::new(
        format!(
            "Market: the article's scenarios ({} prior samples, anchored on {}; main tier {})",
            result.samples, market.generation, result.main_tier
        ),
        "scenario",
        vec!["probability %".to_string(), "article %".to_string()],
    );
    for probability in &result.probabilities {
        probabilities.row(
            probability.name,
            vec![
                Cell::pm(100.0 * probability.probability, 100.0 * probability.se, 1),
                Cell::number(100.0 * probability.article, 0),
            ],
        );
    }
    probabilities
}

/// The year CPO reaches volume, per tier.
fn timing_table(result: &cporamp_market::MarketResult) -> Table {
    let last_year = result.years.last().copied().unwrap_or_default();
    let mut timing = Table::new(
        "Market: the year CPO reaches volume, per tier",
        "tier",
        vec!["p10".into(), "p50".into(), "p90".into(), format!("never by {last_year}, %")],
    );
    let year =
        |year: Option<i32>| year.map_or_else(|| Cell::text("never"), |y| Cell::text(y.to_string()));
    for tier in &result.tiers {
        timing.row(
            tier.name.clone(),
            vec![
                year(tier.volume_year.p10),
                year(tier.volume_year.p50),
                year(tier.volume_year.p90),
                Cell::number(100.0 * tier.never_fraction, 0),
            ],
        );
    }
    timing
}

/// The scenarios updated by observations, and what each observation moved.
fn update_tables(
    result: &cporamp_market::MarketResult,
    update: &cporamp_market::Update,
) -> [Table; 2] {
    let mut updated = Table::new(
        format!(
            "Market: updated by {} observations (effective sample size {:.0}{})",
            update.attribution.len(),
            update.ess,
            if update.ess_warning {
                "; COLLAPSED: the observations contradict the priors"
            } else {
                ""
            }
        ),
        "scenario",
        vec!["prior %".into(), "updated %".into()],
    );
    for (prior, posterior) in result.probabilities.iter().zip(&update.probabilities) {
        updated.row(
            posterior.name,
            vec![
                Cell::number(100.0 * prior.probability, 1),
                Cell::pm(100.0 * posterior.probability, 100.0 * posterior.se, 1),
            ],
        );
    }
    let mut attribution = Table::new(
        "Market: what each observation moved (percentage points)",
        "observation",
        result.probabilities.iter().map(|p| p.name.to_string()).collect(),
    );
    for item in &update.attribution {
        attribution.row(
            format!("{} {:?} at {:.2}", item.observation + 1, item.signal, item.year),
            item.change.iter().map(|change| Cell::number(100.0 * change, 1)).collect(),
        );
    }
    [updated, attribution]
}
