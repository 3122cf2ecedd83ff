//! The fleet engine's tables: the job and repairs per fabric, failures and availability per tier.

use super::{Cell, Table, labels};
use cporamp_scenario::Scenario;

/// The fleet engine: the job and repairs per fabric, then failures and availability per tier.
#[must_use]
pub fn fleet_tables(fleet: &cporamp_pipeline::FleetOutput, scenario: &Scenario) -> Vec<Table> {
    let Some(first) = fleet.fabrics.first() else { return Vec::new() };
    let mut tables = vec![summary_table(fleet, scenario, first)];
    for fabric in &fleet.fabrics {
        tables.push(tier_table(fabric, scenario));
    }
    tables
}

/// A Monte Carlo estimate as mean ± SE with `decimals` decimals.
fn est(e: &cporamp_fleet::Estimate, decimals: usize) -> Cell {
    Cell::pm(e.mean, e.se, decimals)
}

/// The job and repairs per fabric (`first` is the first fabric, for the switches' radix).
fn summary_table(
    fleet: &cporamp_pipeline::FleetOutput,
    scenario: &Scenario,
    first: &cporamp_pipeline::FleetFabric,
) -> Table {
    let settings = &scenario.fleet;
    let fabrics = &fleet.fabrics;
    let mut summary = Table::new(
        format!(
            "Fleet: {} GPUs on {} tiers of {}-port {} switches over {}, {} replications \
             (mean ± SE); a training job on {} GPUs",
            settings.gpus,
            settings.tiers,
            first.inputs.radix,
            fleet.generation,
            settings.years,
            settings.replications,
            settings.job.gpus,
        ),
        "quantity",
        labels(fabrics, |f| &f.label),
    );
    type Fabric = cporamp_pipeline::FleetFabric;
    let all = |f: &dyn Fn(&Fabric) -> Cell| fabrics.iter().map(f).collect::<Vec<Cell>>();
    let pm = |e: &cporamp_fleet::Estimate, decimals| Cell::pm(e.mean, e.se, decimals);
    fn job(fabric: &cporamp_pipeline::FleetFabric) -> &cporamp_fleet::JobResult {
        &fabric.result.job
    }
    summary.row(
        "job: network interruptions/y",
        all(&|f| pm(&job(f).network_interruptions_per_year, 0)),
    );
    summary
        .row("job: GPU/host interruptions/y", all(&|f| pm(&job(f).gpu_interruptions_per_year, 0)));
    summary.row("job: flap interruptions/y", all(&|f| pm(&job(f).flap_interruptions_per_year, 1)));
    summary.row(
        "job: mean time between, h",
        all(&|f| Cell::number(f.result.job.mean_time_between_interruptions_h, 2)),
    );
    summary.row(
        format!("job: goodput at {} h checkpoints", settings.job.checkpoint_interval_h.0),
        all(&|f| est(&f.result.job.goodput, 4)),
    );
    summary.row(
        "job: best checkpoint interval, h",
        all(&|f| est(&f.result.job.optimal_checkpoint_interval_h, 2)),
    );
    summary
        .row("job: Young's interval, h", all(&|f| Cell::number(f.result.job.young_interval_h, 2)));
    summary.row("job: goodput at the best", all(&|f| est(&f.result.job.goodput_at_optimal, 4)));
    summary.row(
        "job: GPU-hours lost/y, M",
        all(&|f| {
            let e = &f.result.job.gpu_hours_lost_per_year;
            Cell::pm(e.mean / 1e6, e.se / 1e6, 2)
        }),
    );
    summary.row("switch replacements/y", all(&|f| est(&f.result.switch_replacements_per_year, 0)));
    summary.row("technician hours/y", all(&|f| est(&f.result.technician_hours_per_year, 0)));
    summary.row("spares consumed/y", all(&|f| est(&f.result.spares_consumed_per_year, 0)));
    summary.row("NIC failures/y", all(&|f| est(&f.result.nic.failures_per_year, 0)));
    summary
}

/// One fabric's failures and availability per switch tier.
fn tier_table(fabric: &cporamp_pipeline::FleetFabric, scenario: &Scenario) -> Table {
    let label = |id: &str| {
        scenario
            .technologies
            .iter()
            .find(|t| t.id == id)
            .map_or_else(|| id.to_string(), |t| t.label.clone())
    };
    let tiers = &fabric.result.tiers;
    let counts = &fabric.result.topology.tiers;
    let mut table = Table::new(
        format!("Fleet: {}, per switch tier (mean ± SE)", fabric.label),
        "quantity",
        (0..tiers.len()).map(|index| cporamp_pipeline::tier_name(index, tiers.len())).collect(),
    );
    type Tier = cporamp_fleet::TierResult;
    let each = |f: &dyn Fn(&Tier, &cporamp_fleet::TierCounts) -> Cell| {
        tiers.iter().zip(counts).map(|(tier, count)| f(tier, count)).collect::<Vec<Cell>>()
    };
    table.row("technology", each(&|tier, _| Cell::text(label(&tier.technology))));
    table.row("switches", each(&|_, count| Cell::number(count.switches as f64, 0)));
    table.row(
        "modules or engine ports",
        each(&|_, count| {
            Cell::number(
                if count.modules > 0 { count.modules } else { count.engine_ports } as f64,
                0,
            )
        }),
    );
    table.row(
        "ELS modules",
        each(&|_, count| {
            if count.els > 0 { Cell::number(count.els as f64, 0) } else { Cell::Empty }
        }),
    );
    table.row("port failures/y", each(&|tier, _| est(&tier.ports.failures_per_year, 1)));
    table.row("ELS laser failures/y", each(&|tier, _| est(&tier.els_lasers.failures_per_year, 1)));
    table.row(
        "switch hardware failures/y",
        each(&|tier, _| est(&tier.switches.failures_per_year, 1)),
    );
    table.row("spares/y", each(&|tier, _| est(&tier.port_spares_consumed_per_year, 1)));
    table.row(
        "link availability, %",
        each(&|tier, _| {
            let availability = &tier.link_availability;
            Cell::pm(100.0 * availability.mean, 100.0 * availability.se, 4)
        }),
    );
    table
}
