//! The yield engine's tables: yield by insertion, rejects, escapes, cost, the ramp.

use super::{Cell, Table, labels};
use cporamp_compare::GenerationComparison;

/// The yield engine: per generation, yield by insertion, rejects and escapes by mechanism,
/// cost, what to fix first; then the ramp by quarter.
#[must_use]
pub fn yield_tables(
    generations: &[cporamp_pipeline::YieldGeneration],
    comparisons: &[GenerationComparison],
) -> Vec<Table> {
    let mut tables = Vec::new();
    for generation in generations {
        if generation.technologies.is_empty() {
            continue;
        }
        let headers = labels(&generation.technologies, |t| &t.label);
        tables.push(flow_table(generation, &headers));
        tables.push(mechanisms_table(generation));
        tables.push(waterfall_table(generation, &headers));
        tables.push(cost_table(generation, &headers, comparisons));
        tables.push(ramp_table(generation));
    }
    tables
}

/// The test flow: yield by insertion, rework and the ELS modules.
fn flow_table(generation: &cporamp_pipeline::YieldGeneration, headers: &[String]) -> Table {
    type Tech = cporamp_pipeline::YieldTechnology;
    let technologies = &generation.technologies;
    let all = |f: &dyn Fn(&Tech) -> Cell| technologies.iter().map(f).collect::<Vec<Cell>>();
    let percent = |fraction: &cporamp_yield::Fraction| {
        Cell::pm(100.0 * fraction.value, 100.0 * fraction.se, 2)
    };
    let mut flow = Table::new(
        format!("{} yield: the test flow (mean ± SE)", generation.generation),
        "quantity",
        headers.to_vec(),
    );
    flow.row("packages simulated", all(&|t| Cell::number(t.result.packages as f64, 0)));
    flow.row(
        "engines x lanes per package",
        all(&|t| {
            Cell::text(format!("{} x {}", t.inputs.engines_per_package, t.inputs.lanes_per_engine))
        }),
    );
    flow.row("package yield, %", all(&|t| percent(&t.result.package_yield)));
    flow.row("pass: ASIC wafer test, %", all(&|t| percent(&t.result.wafer_test_pass)));
    flow.row(
        "pass: laser burn-in, %",
        all(&|t| {
            if t.inputs.lanes_per_laser > 0 { percent(&t.result.burn_in_pass) } else { Cell::Empty }
        }),
    );
    flow.row("pass: engine test, %", all(&|t| percent(&t.result.engine_test_pass)));
    flow.row("pass: package test, %", all(&|t| percent(&t.result.package_test_pass)));
    flow.row("pass: system test, %", all(&|t| percent(&t.result.system_test_pass)));
    flow.row(
        "rework attempts per package",
        all(&|t| Cell::number(t.result.reworks_per_package, 3)),
    );
    flow.row("rework: packages recovered, %", all(&|t| percent(&t.result.rework_recovered)));
    flow.row("rework: attempts damaged, %", all(&|t| percent(&t.result.rework_damaged)));
    if technologies.iter().any(|t| t.result.els.is_some()) {
        flow.row(
            "ELS module yield, %",
            all(&|t| t.result.els.as_ref().map_or(Cell::Empty, |els| percent(&els.module_yield))),
        );
        flow.row(
            "ELS spare lasers used per module",
            all(&|t| {
                t.result
                    .els
                    .as_ref()
                    .map_or(Cell::Empty, |els| Cell::number(els.spare_lasers_used_per_module, 3))
            }),
        );
    }
    flow.note("burn-in shows - where the package holds no lasers");
    flow
}

/// Scrapped share, escapes and the fix-first saving by mechanism.
fn mechanisms_table(generation: &cporamp_pipeline::YieldGeneration) -> Table {
    let technologies = &generation.technologies;
    let mut mechanisms = Table::new(
        format!("{} yield: by mechanism", generation.generation),
        "mechanism",
        technologies
            .iter()
            .flat_map(|t| {
                [
                    format!("{} scrapped %", t.label),
                    format!("{} escapes DPPM", t.label),
                    format!("{} fix-first saving $", t.label),
                ]
            })
            .collect(),
    );
    for mechanism in cporamp_yield::Mechanism::ALL {
        let mut cells = Vec::new();
        for t in technologies {
            cells.push(Cell::number(
                100.0 * t.result.package_rejects_by_mechanism[mechanism].value,
                2,
            ));
            cells.push(Cell::number(t.result.escapes_dppm[mechanism], 0));
            let saving = t.tornado.iter().find(|bar| bar.mechanism == mechanism);
            cells.push(saving.map_or(Cell::Empty, |bar| Cell::number(bar.saving_usd, 0)));
        }
        mechanisms.row(mechanism.name(), cells);
    }
    let mut total = Vec::new();
    for t in technologies {
        total.push(Cell::number(100.0 * (1.0 - t.result.package_yield.value), 2));
        total.push(Cell::number(t.result.escapes_total_dppm, 0));
        total.push(Cell::Empty);
    }
    mechanisms.row("all (1 - yield)", total);
    if let Some(els) = technologies.iter().find_map(|t| t.result.els.as_ref()) {
        mechanisms.note(format!(
            "ELS weak-laser escapes: {:.0} DPPM of modules",
            els.weak_laser_escapes_dppm
        ));
    }
    mechanisms.note("fix-first saving: cost per shipped switch saved by removing the mechanism");
    mechanisms
}

/// The yield waterfall, % of assembled packages.
fn waterfall_table(generation: &cporamp_pipeline::YieldGeneration, headers: &[String]) -> Table {
    type Tech = cporamp_pipeline::YieldTechnology;
    let technologies = &generation.technologies;
    let all = |f: &dyn Fn(&Tech) -> Cell| technologies.iter().map(f).collect::<Vec<Cell>>();
    let mut waterfall = Table::new(
        format!("{} yield: waterfall, % of assembled packages", generation.generation),
        "step",
        headers.to_vec(),
    );
    let steps = technologies.first().map_or(0, |t| t.result.waterfall.len());
    for index in 0..steps {
        waterfall.row(
            technologies[0].result.waterfall[index].label.name(),
            all(&|t| Cell::number(100.0 * t.result.waterfall[index].change.value, 2)),
        );
    }
    waterfall
}

/// Cost per shipped switch and the comparison's USD/Gbps with and without yield.
fn cost_table(
    generation: &cporamp_pipeline::YieldGeneration,
    headers: &[String],
    comparisons: &[GenerationComparison],
) -> Table {
    type Tech = cporamp_pipeline::YieldTechnology;
    let technologies = &generation.technologies;
    let all = |f: &dyn Fn(&Tech) -> Cell| technologies.iter().map(f).collect::<Vec<Cell>>();
    let mut cost = Table::new(
        format!("{} yield: cost per shipped switch", generation.generation),
        "quantity",
        headers.to_vec(),
    );
    cost.row("cost per shipped switch, $", all(&|t| Cell::number(t.result.cost.total_usd, 0)));
    cost.row("  at 100 % yield, $", all(&|t| Cell::number(t.result.cost.ideal_usd, 0)));
    cost.row(
        "  yield overhead, %",
        all(&|t| Cell::number(t.result.cost.yield_overhead_percent(), 1)),
    );
    cost.row("ASICs, $", all(&|t| Cell::number(t.result.cost.asic_usd, 0)));
    cost.row("optical engines, $", all(&|t| Cell::number(t.result.cost.engines_usd, 0)));
    cost.row("packaging, $", all(&|t| Cell::number(t.result.cost.packaging_usd, 0)));
    cost.row("test, $", all(&|t| Cell::number(t.result.cost.test_usd, 0)));
    cost.row("rework, $", all(&|t| Cell::number(t.result.cost.rework_usd, 0)));
    let compared = |t: &Tech| {
        comparisons
            .iter()
            .find(|c| c.generation == generation.generation)
            .and_then(|c| c.technologies.iter().find(|r| r.id == t.id))
    };
    cost.row(
        "switch $/Gbps, BOM",
        all(&|t| compared(t).map_or(Cell::Empty, |c| Cell::number(c.cost.switch_usd_per_gbps, 3))),
    );
    cost.row(
        "switch $/Gbps with yield",
        all(&|t| Cell::number(t.switch_usd_per_gbps_with_yield, 3)),
    );
    cost
}

/// The volume ramp by quarter.
fn ramp_table(generation: &cporamp_pipeline::YieldGeneration) -> Table {
    let technologies = &generation.technologies;
    let mut columns = vec!["cumulative units, k".to_string()];
    for t in technologies {
        columns.push(format!("{} yield %", t.label));
        columns.push(format!("{} $/switch", t.label));
    }
    let mut ramp = Table::new(
        format!("{} yield: the volume ramp by quarter", generation.generation),
        "quarter",
        columns,
    );
    let points = technologies.first().map_or(0, |t| t.ramp.len());
    for index in 0..points {
        let first = &technologies[0].ramp[index];
        let mut cells = vec![Cell::number(first.cumulative_units / 1e3, 0)];
        for t in technologies {
            let point = &t.ramp[index];
            cells.push(Cell::number(100.0 * point.package_yield.value, 1));
            cells.push(Cell::number(point.cost_usd, 0));
        }
        ramp.row(first.quarter.to_string(), cells);
    }
    if let Some(point) = technologies.first().and_then(|t| t.ramp.first()) {
        ramp.note(format!(
            "each quarter is its own Monte Carlo run: yields carry about ± {:.1} % (1 SE)",
            100.0 * point.package_yield.se
        ));
    }
    ramp
}
