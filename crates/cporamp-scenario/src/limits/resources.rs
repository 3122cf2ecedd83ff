//! The resource estimate of a whole run (see the [module docs](super)): the conservative
//! throughputs it divides by, each stage's memory and CPU time from the sizes that drive them.

use super::super::{Scenario, Technology, TechnologyKind};
use super::engine_lanes;
use cporamp_core::market_input::MarketInput;
use cporamp_core::resources::Demand;

/// Conservative throughputs (about half of what BENCHMARKS.md measures on one core), per CPU
/// second.
mod rate {
    /// Lock-loop lane-steps (the benchmark: 394 M/s with crosstalk, 2 threads).
    pub const LANE_STEPS: f64 = 1e8;
    /// Yield lane-samples (34.8 M/s, 2 threads).
    pub const LANE_SAMPLES: f64 = 1e7;
    /// Fleet unit-replications and events (100k GPUs x 100 replications in 2.1 s, 2 threads).
    pub const FLEET_ITEMS: f64 = 5e6;
    /// Market samples through the adoption model (646 k/s, 2 threads).
    pub const MARKET_SAMPLES: f64 = 2e5;
    /// Floating-point operations of the sparse thermal solves.
    pub const FLOPS: f64 = 1e9;
}

/// Bytes of fleet state per unit (port end, laser or switch) of one replication in flight:
/// the wiring, the unit's pending failure, its place in the event heap.
const FLEET_BYTES_PER_UNIT: f64 = 96.0;
/// Bytes per job interruption of one replication in flight: its time, the merged and sorted
/// copy and the segment lengths.
const FLEET_BYTES_PER_INTERRUPTION: f64 = 32.0;
/// Work per job interruption: the goodput-optimal checkpoint search evaluates the goodput on
/// every interruption some 60 times (log grid and golden section).
const FLEET_WORK_PER_INTERRUPTION: f64 = 60.0;
/// CPU cost of a package with the microchannel (4-resistor) cold plate over one with the
/// correlation's, same grid.
pub(super) const MICROCHANNEL_PLATE_COST: f64 = 25.0;
/// Layers of the native package model per lateral cell (die, TIM, lid, substrate and board
/// sublayers).
const PACKAGE_LAYERS: f64 = 8.0;

/// A run's estimate: its contributions, the peak memory (the largest stage: stages run one
/// after another) and the total CPU time.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Every contribution.
    pub demands: Vec<Demand>,
}

impl Estimate {
    /// Peak memory: the stage holding the most (stages run one after another), bytes.
    #[must_use]
    pub fn peak_memory_bytes(&self) -> f64 {
        ALL_STAGES.iter().map(|stage| self.stage_memory_bytes(stage)).fold(0.0, f64::max)
    }

    fn stage_memory_bytes(&self, stage: &str) -> f64 {
        self.demands.iter().filter(|d| d.stage == stage).map(|d| d.memory_bytes).sum()
    }

    /// Total CPU time, s.
    #[must_use]
    pub fn cpu_s(&self) -> f64 {
        self.demands.iter().map(|d| d.cpu_s).sum()
    }

    /// The contribution with the most memory.
    pub(super) fn memory_driver(&self) -> Option<&Demand> {
        self.demands.iter().max_by(|a, b| a.memory_bytes.total_cmp(&b.memory_bytes))
    }

    /// The contribution with the most CPU time.
    pub(super) fn cpu_driver(&self) -> Option<&Demand> {
        self.demands.iter().max_by(|a, b| a.cpu_s.total_cmp(&b.cpu_s))
    }
}

/// Every stage of a run, in order.
pub const ALL_STAGES: &[&str] = &["thermal", "photonics", "yield", "fleet", "market"];

/// Memory and CPU time of the sparse factorisation and `solves` solves of a grid of
/// `cells` x `cells` x [`PACKAGE_LAYERS`] nodes (a nested-dissection factor holds about
/// nodes x 2 cells entries, and costs about nodes x (2 cells)^2 operations).
fn grid_cost(cells: f64, solves: f64) -> (f64, f64) {
    let nodes = cells * cells * PACKAGE_LAYERS;
    let band = 2.0 * cells * PACKAGE_LAYERS.sqrt();
    let memory = nodes * band * 12.0;
    let flops = nodes * band * band + solves * 4.0 * nodes * band;
    (memory, flops / rate::FLOPS)
}

/// The resources of a whole `cporamp run` of `scenario` with `threads` workers.
#[must_use]
pub fn estimate(scenario: &Scenario, threads: usize) -> Estimate {
    let threads = threads.max(1) as f64;
    let mut demands = Vec::new();
    let generations = scenario.generations.len() as f64;
    let co_packaged: Vec<_> = scenario
        .technologies
        .iter()
        .filter(|t| t.kind == TechnologyKind::CoPackaged && t.package.is_some())
        .collect();
    let runs = co_packaged.len() as f64 * generations;
    let side_by_side = runs.min(threads).max(1.0);
    let package_runs = PackageRuns { runs, side_by_side };
    thermal_demand(scenario, package_runs, &mut demands);
    photonics_demands(scenario, package_runs, &mut demands);
    yield_demand(scenario, &co_packaged, &mut demands);
    fleet_demands(scenario, threads, &mut demands);
    market_demands(scenario, &mut demands);
    Estimate { demands }
}

/// How often the per-package stages (thermal, photonics) run: once per co-packaged technology
/// and generation, `side_by_side` of them at once.
#[derive(Debug, Clone, Copy)]
struct PackageRuns {
    /// Co-packaged technologies x generations.
    runs: f64,
    /// Runs in flight at once (the runs, at most the threads, at least 1).
    side_by_side: f64,
}

/// The thermal stage's package grid, its fixed point, inlet sweep and cycling transient.
fn thermal_demand(scenario: &Scenario, package_runs: PackageRuns, demands: &mut Vec<Demand>) {
    let PackageRuns { runs, side_by_side } = package_runs;
    let thermal = &scenario.thermal;
    let cells = thermal.grid_cells as f64;
    let steps = (thermal.cycling.steps_per_period * thermal.cycling.n_periods) as f64;
    let solves = 40.0 + thermal.cold_plate.inlet_sweep_c.len() as f64 * 10.0 + steps;
    let (memory, cpu) = grid_cost(cells, solves);
    // 3D-ICE's channel plate coupled cell by cell: measured 24 times the correlation's
    // package at the default 64 x 64 grid (BENCHMARKS.md, `--bench native`).
    let plate =
        if thermal.cold_plate.kind.is_microchannel() { MICROCHANNEL_PLATE_COST } else { 1.0 };
    let cpu = cpu * plate;
    demands.push(Demand {
        stage: "thermal",
        field: "thermal.grid_cells".to_string(),
        what: format!(
            "{cells}^2 cells x {PACKAGE_LAYERS} layers, {solves} solves, {runs} package runs"
        ),
        memory_bytes: memory * side_by_side,
        cpu_s: cpu * runs,
    });
}

/// The photonics stage's drift transient on its grid, then the lane populations.
fn photonics_demands(scenario: &Scenario, package_runs: PackageRuns, demands: &mut Vec<Demand>) {
    let PackageRuns { runs, side_by_side } = package_runs;
    let thermal = &scenario.thermal;
    let p = &scenario.photonics;
    let drift_steps = (p.workload_period_s.0 / p.thermal_step_s.0).round() * p.periods as f64;
    let (memory, cpu) = grid_cost(p.drift_grid_cells as f64, drift_steps);
    demands.push(Demand {
        stage: "photonics",
        field: "photonics.drift_grid_cells".to_string(),
        what: format!("{}^2 cells, {drift_steps} thermal steps", p.drift_grid_cells),
        memory_bytes: memory * side_by_side,
        cpu_s: cpu * runs,
    });
    let samples = (p.workload_period_s.0 * p.sample_rate_hz.0).round() * p.periods as f64;
    // Feedback and feed-forward, then the population again at each inlet of the sweep.
    let populations = 2.0 + thermal.cold_plate.inlet_sweep_c.len() as f64;
    demands.push(Demand {
        stage: "photonics",
        field: if p.lanes >= 4096 {
            "photonics.lanes".to_string()
        } else {
            "photonics.sample_rate_hz".to_string()
        },
        what: format!(
            "{} lanes x {samples} loop samples (photonics.periods x workload_period_s x \
             sample_rate_hz) x {populations} populations x {runs} runs",
            p.lanes
        ),
        // The tiled drift and feed-forward, the nominal lane's traces (detuning, heater,
        // lock) twice, and the lanes' state.
        memory_bytes: (samples * 8.0 * 10.0 + p.lanes as f64 * 256.0) * side_by_side,
        cpu_s: p.lanes as f64 * samples * populations * runs / rate::LANE_STEPS,
    });
}

/// The yield stage's packages x engines x lanes, for the result, the ramp and the tornado.
fn yield_demand(scenario: &Scenario, co_packaged: &[&Technology], demands: &mut Vec<Demand>) {
    let y = &scenario.yield_settings;
    let mut lane_samples = 0.0;
    for technology in co_packaged {
        let Some(package) = &technology.package else { continue };
        for generation in &scenario.generations {
            let engines = f64::from(package.engines_per_switch(generation));
            let lanes = f64::from(engine_lanes(package.engine_capacity.0, generation.lane_rate.0))
                + y.spare_lanes_per_engine as f64;
            lane_samples += engines * lanes;
        }
    }
    let points = (y.ramp.units_per_quarter.len() + 6) as f64 * y.ramp.packages_per_point as f64;
    demands.push(Demand {
        stage: "yield",
        field: if points > y.packages as f64 {
            "yield.ramp.packages_per_point".to_string()
        } else {
            "yield.packages".to_string()
        },
        what: format!(
            "({} packages + {points} for the ramp and tornado) x {lane_samples} lanes over the \
             technologies and generations",
            y.packages
        ),
        memory_bytes: 0.0,
        cpu_s: (y.packages as f64 + points) * lane_samples / rate::LANE_SAMPLES,
    });
}

/// The market stage's samples through the model, Sobol (base x (inputs + 2)) and its bootstrap.
fn market_demands(scenario: &Scenario, demands: &mut Vec<Demand>) {
    let m = &scenario.market;
    let years = f64::from((m.end_year - m.start_year).max(0) + 1);
    let tiers = m.tiers.len().max(1) as f64;
    let inputs = MarketInput::ALL.len() as f64;
    let sobol = m.sobol_samples as f64 * (inputs + 2.0);
    demands.push(Demand {
        stage: "market",
        field: "market.samples".to_string(),
        what: format!("{} samples x {years} years x {tiers} tiers", m.samples),
        memory_bytes: m.samples as f64 * (inputs + 8.0 * years * tiers) * 8.0 * 4.0,
        cpu_s: m.samples as f64 / rate::MARKET_SAMPLES,
    });
    demands.push(Demand {
        stage: "market",
        field: if m.sobol_bootstrap as f64 * 0.1 > inputs + 2.0 {
            "market.sobol_bootstrap".to_string()
        } else {
            "market.sobol_samples".to_string()
        },
        what: format!(
            "Sobol: {} base samples x {} model runs, {} bootstrap resamples",
            m.sobol_samples,
            inputs + 2.0,
            m.sobol_bootstrap
        ),
        memory_bytes: sobol * (inputs + 8.0 * years * tiers) * 8.0,
        cpu_s: sobol / rate::MARKET_SAMPLES
            + m.sobol_bootstrap as f64 * sobol / (rate::MARKET_SAMPLES * 50.0),
    });
}

/// The fleet's port ends, lasers and switches, failures and job interruptions.
fn fleet_demands(scenario: &Scenario, threads: f64, demands: &mut Vec<Demand>) {
    let f = &scenario.fleet;
    let Some(generation) = scenario.generation(&f.generation) else { return };
    let radix = f64::from(generation.ports_per_switch().max(2));
    let lanes_per_port = f64::from(generation.lanes_per_port);
    let gpus = f.gpus as f64;
    let ends = 2.0 * f.tiers as f64 * gpus;
    let switches = f.tiers as f64 * gpus / (radix / 2.0);
    // ELS lasers: at most one per lane of a co-packaged end, plus the spares.
    let lasers = ends * lanes_per_port;
    let units = ends + switches + lasers;
    let fabrics = (f.technologies.len() + usize::from(!f.mixed_tiers.is_empty())) as f64;
    // The market's goodput surrogate runs two fabrics again at each laser and engine factor,
    // and once more for its held-out check.
    let market = &scenario.market;
    let fleet_runs =
        fabrics + 2.0 * (market.laser_factors.len() + market.engine_fit_factors.len() + 1) as f64;
    let replications = f.replications as f64;
    let horizon_h = f.years.to_hours().0;
    let r = &f.reliability;
    // Failures per unit over the horizon: the largest random rate, and wear-out renewals.
    let fit =
        r.module_fit.0.max(r.engine_port_fit.0).max(r.laser_fit.0).max(r.switch_hardware_fit.0);
    let failures = units * horizon_h * (fit * 1e-9 + 1.0 / r.laser_weibull_scale_h.0);
    let interruptions = f.gpu_interruptions_per_gpu_h * f.job.gpus as f64 * horizon_h;
    let in_flight = replications.min(threads);
    demands.push(Demand {
        stage: "fleet",
        field: "fleet.gpus".to_string(),
        what: format!(
            "{units:.3e} units ({ends:.3e} port ends, lasers, switches) x {replications} \
             replications x {fleet_runs} fabric runs"
        ),
        memory_bytes: units * FLEET_BYTES_PER_UNIT * in_flight,
        cpu_s: units * replications * fleet_runs / rate::FLEET_ITEMS,
    });
    let fit_field = [
        ("module_fit", r.module_fit.0),
        ("engine_port_fit", r.engine_port_fit.0),
        ("laser_fit", r.laser_fit.0),
        ("switch_hardware_fit", r.switch_hardware_fit.0),
    ]
    .into_iter()
    .max_by(|a, b| a.1.total_cmp(&b.1))
    .map_or("module_fit", |(name, _)| name);
    demands.push(Demand {
        stage: "fleet",
        field: format!("fleet.reliability.{fit_field}"),
        what: format!(
            "{failures:.3e} failures per replication x {replications} replications x \
             {fleet_runs} fabric runs"
        ),
        // A failure on a job link is a job interruption whose time is kept.
        memory_bytes: failures * FLEET_BYTES_PER_INTERRUPTION * in_flight,
        cpu_s: failures * replications * fleet_runs / rate::FLEET_ITEMS,
    });
    demands.push(Demand {
        stage: "fleet",
        field: "fleet.gpu_interruptions_per_gpu_h".to_string(),
        what: format!(
            "{interruptions:.3e} job interruptions per replication (rate x {} job GPUs x {} h) \
             x {replications} replications x {fleet_runs} fabric runs",
            f.job.gpus, horizon_h
        ),
        memory_bytes: interruptions * FLEET_BYTES_PER_INTERRUPTION * in_flight,
        cpu_s: interruptions * FLEET_WORK_PER_INTERRUPTION * replications * fleet_runs
            / rate::FLEET_ITEMS,
    });
}
