//! Checks that need more than one field, and the resources a run of a scenario would take.
//!
//! **Dependent checks** (`dependent`, run by [`super::load`] after every field is in its own
//! range): a value whose limit is another value, e.g. a laser's lanes against the lanes of the
//! module or engine it sits in, spare lanes against the engine's lanes, the failed ports that
//! retire a co-packaged switch against its ports, spare ELS lasers against the module's lasers,
//! the heater's range against the shift the nominal ring needs, the GPUs against what the
//! switch radix holds in the tiers given. Every check an engine makes on its inputs at run
//! time and that the scenario decides is made here, so that `scenario check` finds it with
//! file, line and field path instead of the run finding it minutes later.
//!
//! **Resource estimates** ([`estimate`], [`check_budget`]): the memory and CPU time of a
//! whole `cporamp run` of a scenario, stage by stage, from the sizes that drive them (lanes x
//! loop samples in photonics, packages x lanes in yield, port ends, failures and job
//! interruptions x replications in the fleet, samples in the market, grid nodes in thermal).
//! The estimates are deliberately rough upper bounds (within a small factor of what the
//! benchmarks in BENCHMARKS.md measure); they exist to refuse, before anything runs, a run that
//! would exhaust the machine or not finish, naming the field that drives it. A run is refused
//! when its peak memory exceeds [`Budget::memory_bytes`] (default 8 GB) or its CPU time exceeds
//! [`Budget::cpu_s`] (default 2 CPU-hours); the CLI's `--max-memory` and `--max-cpu-hours`
//! change them.

use super::{LaserPlacement, Scenario, TechnologyKind};
use crate::error::{Diagnostic, DiagnosticKind, ScenarioError};
use crate::market_input::{MarketInput, SampleRange};
use crate::units::HOURS_PER_YEAR;

/// The most job interruptions (GPU failures, flaps and network failures expected from their
/// rates) the fleet engine takes per replication: their times are kept, sorted, to find the
/// goodput-optimal checkpoint interval, so memory and time grow with them. 1e7 over five years
/// of a 16,384-GPU job is an interruption every 16 s: the job makes no progress long before.
/// The fleet engine's `MAX_JOB_INTERRUPTIONS` is this constant.
pub const MAX_JOB_INTERRUPTIONS: f64 = 1e7;

/// Standard deviations between an unbounded prior's centre and a bound of its input's range:
/// the market engine refuses a sample outside the range, and a normal tail beyond 6 sd is
/// drawn with probability 1e-9 per sample.
const PRIOR_TAIL_SDS: f64 = 6.0;

/// Terms of the predictor the photonics engine fits per telemetry tap: one per channel
/// (sensor temperature and ASIC power); plus a constant and two autoregressive terms. The fit
/// needs at least twice as many samples per workload period as terms.
const PREDICTOR_CHANNELS: f64 = 2.0;
const PREDICTOR_FIXED_TERMS: f64 = 3.0;

fn invalid(path: &str, value: impl std::fmt::Display, expected: String) -> Diagnostic {
    Diagnostic {
        path: path.to_string(),
        location: None,
        kind: DiagnosticKind::Invalid { value: value.to_string(), expected },
    }
}

/// Lanes of one optical engine of `package` at `generation` (its capacity over the lane rate).
fn engine_lanes(engine_capacity_gbps: f64, lane_rate_gbps: f64) -> u32 {
    (engine_capacity_gbps / lane_rate_gbps).round() as u32
}

/// The checks that relate fields to each other, on a scenario whose fields are each in range.
pub(crate) fn dependent(scenario: &Scenario) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    engines(scenario, &mut problems);
    lasers(scenario, &mut problems);
    spares(scenario, &mut problems);
    heater(scenario, &mut problems);
    photonics_timing(scenario, &mut problems);
    fleet(scenario, &mut problems);
    market(scenario, &mut problems);
    problems
}

/// An optical engine carries a whole number of lanes (at least one) at every generation, and a
/// co-packaged technology the fleet or the market uses needs rings (its latent defects and
/// yield come from the yield engine, which models the rings).
fn engines(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    for technology in &scenario.technologies {
        let Some(package) = &technology.package else { continue };
        for generation in &scenario.generations {
            let lanes = package.engine_capacity.0 / generation.lane_rate.0;
            if (lanes - lanes.round()).abs() > 1e-9 || lanes.round() < 1.0 {
                problems.push(invalid(
                    &format!("technology.{}.package.engine_capacity_gbps", quoted(&technology.id)),
                    package.engine_capacity.0,
                    format!(
                        "a whole number (at least 1) of {} Gb/s lanes of {} ({lanes} lanes)",
                        generation.lane_rate.0, generation.id
                    ),
                ));
                break;
            }
        }
    }
    let fleet = &scenario.fleet;
    let uses: Vec<(String, usize)> = fleet
        .technologies
        .iter()
        .enumerate()
        .map(|(i, &index)| (format!("fleet.technologies[{i}]"), index))
        .chain(
            fleet
                .mixed_tiers
                .iter()
                .enumerate()
                .map(|(i, &index)| (format!("fleet.mixed_tiers[{i}]"), index)),
        )
        .chain(std::iter::once((
            "market.cpo_technology".to_string(),
            scenario.market.cpo_technology,
        )))
        .collect();
    for (path, index) in uses {
        let Some(technology) = scenario.technologies.get(index) else { continue };
        if technology.kind == TechnologyKind::CoPackaged && technology.rings.is_none() {
            problems.push(invalid(
                &path,
                format!("\"{}\"", technology.id),
                format!(
                    "a co-packaged technology with rings ([technology.{}.rings]): its yield and \
                     latent defects come from the yield engine, which models the rings",
                    quoted(&technology.id)
                ),
            ));
        }
    }
}

/// A laser feeds lanes of one module (pluggable) or one engine (co-packaged).
fn lasers(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    for technology in &scenario.technologies {
        let Some(optics) = &technology.optics else { continue };
        // The comparison extrapolates the efficiency to the laser's temperature (its TEC
        // set point, else its ambient) and refuses one above 1.
        let laser = &optics.laser;
        let temp_c = laser.tec.as_ref().map_or(laser.ambient_temp.0, |tec| tec.setpoint.0);
        let efficiency = laser.wall_plug_efficiency
            * (-(temp_c - laser.wpe_reference_temp.0) / laser.wpe_temp_scale.0).exp();
        if !(efficiency > 0.0 && efficiency <= 1.0) {
            problems.push(invalid(
                &format!("technology.{}.laser.wall_plug_efficiency", quoted(&technology.id)),
                laser.wall_plug_efficiency,
                format!(
                    "an efficiency that stays in (0, 1] at the laser's {temp_c} °C: \
                     wall_plug_efficiency x exp(-(T - wpe_reference_temp_c) / wpe_temp_scale_k) \
                     = {efficiency:.4}"
                ),
            ));
        }
        let lanes_per_laser = optics.laser.lanes_per_laser;
        let path = format!("technology.{}.laser.lanes_per_laser", quoted(&technology.id));
        for generation in &scenario.generations {
            let (lanes, what) = match (optics.laser.placement, &technology.package) {
                (LaserPlacement::Module, _) => (generation.lanes_per_port, "module"),
                (_, Some(package)) => (
                    engine_lanes(package.engine_capacity.0, generation.lane_rate.0),
                    "optical engine",
                ),
                (_, None) => continue,
            };
            if lanes_per_laser > lanes {
                problems.push(invalid(
                    &path,
                    lanes_per_laser,
                    format!(
                        "at most the {lanes} lanes of one {what} at {} (a laser feeds lanes of \
                         its own {what}; {lanes_per_laser} would give {:.3} lasers per {what})",
                        generation.id,
                        f64::from(lanes) / f64::from(lanes_per_laser)
                    ),
                ));
                break;
            }
        }
    }
}

/// Spare lanes against the engines' lanes, spare ELS lasers against the module's lasers.
fn spares(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    let settings = &scenario.yield_settings;
    let mut fewest: Option<(u32, String)> = None;
    for technology in &scenario.technologies {
        let Some(package) = &technology.package else { continue };
        for generation in &scenario.generations {
            let lanes = engine_lanes(package.engine_capacity.0, generation.lane_rate.0);
            if fewest.as_ref().is_none_or(|(least, _)| lanes < *least) {
                fewest = Some((lanes, format!("{} at {}", technology.id, generation.id)));
            }
        }
    }
    if let Some((lanes, which)) = fewest
        && settings.spare_lanes_per_engine > lanes as usize
    {
        problems.push(invalid(
            "yield.spare_lanes_per_engine",
            settings.spare_lanes_per_engine,
            format!("at most the {lanes} data lanes of an optical engine ({which})"),
        ));
    }
    for technology in &scenario.technologies {
        let Some(els) = technology.optics.as_ref().and_then(|optics| optics.laser.els.as_ref())
        else {
            continue;
        };
        if settings.els_spare_lasers > els.lasers_per_module as usize {
            problems.push(invalid(
                "yield.els_spare_lasers",
                settings.els_spare_lasers,
                format!(
                    "at most the {} lasers of an ELS module of {} (technology.{}.laser.els.\
                     lasers_per_module): the spares are k-of-n redundancy, n = lasers + spares",
                    els.lasers_per_module,
                    technology.id,
                    quoted(&technology.id)
                ),
            ));
        }
    }
}

/// The heater must reach the red shift the nominal ring needs (its design bias): with less,
/// no lane locks by design and the photonics ratios are undefined.
fn heater(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    let heater_max_mw = scenario.photonics.heater_max_mw;
    if heater_max_mw <= 0.0 {
        problems.push(invalid(
            "photonics.heater_max_mw",
            heater_max_mw,
            "a heater power > 0 mW (heaters are the rings' only tuning)".to_string(),
        ));
        return;
    }
    for technology in &scenario.technologies {
        let Some(rings) = &technology.rings else { continue };
        let range_nm = rings.heater_efficiency_nm_per_mw * heater_max_mw;
        if range_nm < rings.design_bias.0 {
            problems.push(invalid(
                "photonics.heater_max_mw",
                heater_max_mw,
                format!(
                    "at least {:.4} mW: the heater range ({range_nm:.4} nm at {} nm/mW) must \
                     reach the design bias of {} ({} nm), the shift the nominal ring needs",
                    rings.design_bias.0 / rings.heater_efficiency_nm_per_mw,
                    rings.heater_efficiency_nm_per_mw,
                    technology.id,
                    rings.design_bias.0
                ),
            ));
            return;
        }
    }
}

/// Start-up and the drift predictor must fit in the first (warm-up) workload period.
fn photonics_timing(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    let p = &scenario.photonics;
    let samples_per_period = (p.workload_period_s * p.sample_rate_hz).round();
    // With crosstalk, start-up locks the rings of a row one after another, a sweep apart.
    if p.heater_crosstalk > 0.0 {
        let sweep_s = (p.relock_time_s * p.sample_rate_hz).round().max(1.0) / p.sample_rate_hz;
        let row = p.lanes_per_pic.min(p.lanes);
        let startup_s = (row.saturating_sub(1)) as f64 * sweep_s;
        if startup_s >= p.workload_period_s {
            let most = (p.workload_period_s / sweep_s).ceil().max(1.0);
            problems.push(invalid(
                "photonics.lanes_per_pic",
                p.lanes_per_pic,
                format!(
                    "at most {most} lanes per PIC row: with heater crosstalk the rings of a row \
                     lock one after another, a sweep ({sweep_s} s) apart, and a row of {row} \
                     takes {startup_s} s, longer than the warm-up period \
                     (photonics.workload_period_s = {} s), so lanes would be counted before \
                     they lock",
                    p.workload_period_s
                ),
            ));
        }
    }
    let terms = PREDICTOR_FIXED_TERMS + PREDICTOR_CHANNELS * p.predictor_taps as f64;
    if samples_per_period < 2.0 * terms {
        problems.push(invalid(
            "photonics.predictor_taps",
            p.predictor_taps,
            format!(
                "a predictor the workload period can fit: {} taps need at least {} loop \
                 samples per period, the period has {samples_per_period} \
                 (workload_period_s x sample_rate_hz)",
                p.predictor_taps,
                2.0 * terms
            ),
        ));
    }
}

/// The most GPUs a non-blocking folded Clos of `tiers` tiers of `radix`-port switches holds:
/// $r^2/2$ or $r^3/4$ (0 for another number of tiers). The fleet engine builds its fabric to
/// this bound (`cporamp_fleet::max_gpus` is this function).
#[must_use]
pub fn max_gpus(radix: usize, tiers: usize) -> usize {
    match tiers {
        2 => radix * radix / 2,
        3 => radix * radix * radix / 4,
        _ => 0,
    }
}

/// The fabric must be buildable from the generation's switches; the job's Poisson
/// interruptions must stay within what the engine keeps.
fn fleet(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    let settings = &scenario.fleet;
    let Some(generation) = scenario.generations.get(settings.generation) else { return };
    let radix = generation.ports_per_switch() as usize;
    if radix < 2 || radix % 2 == 1 {
        problems.push(invalid(
            "fleet.generation",
            format!("\"{}\" ({radix} ports per switch)", generation.id),
            "a generation whose switch has an even number of ports >= 2 (half down, half up)"
                .to_string(),
        ));
    } else {
        let most = max_gpus(radix, settings.tiers);
        if settings.gpus > most {
            let hint = if settings.tiers == 2 && settings.gpus <= max_gpus(radix, 3) {
                " (3 tiers would hold them)"
            } else {
                ""
            };
            problems.push(invalid(
                "fleet.gpus",
                settings.gpus,
                format!(
                    "at most {most} GPUs: a folded Clos of {} tiers of {radix}-port {} switches \
                     holds r^{}/{} GPUs{hint}",
                    settings.tiers,
                    generation.id,
                    settings.tiers,
                    if settings.tiers == 2 { 2 } else { 4 }
                ),
            ));
        }
    }
    if settings.replace_after_failed_ports > radix {
        problems.push(invalid(
            "fleet.replace_after_failed_ports",
            settings.replace_after_failed_ports,
            format!("at most the {radix} ports of a {} switch (fleet.generation)", generation.id),
        ));
    }
    let expected = settings.gpu_interruptions_per_gpu_h
        * settings.job.gpus as f64
        * settings.years
        * HOURS_PER_YEAR;
    if expected > MAX_JOB_INTERRUPTIONS {
        problems.push(invalid(
            "fleet.gpu_interruptions_per_gpu_h",
            settings.gpu_interruptions_per_gpu_h,
            format!(
                "a rate giving at most {MAX_JOB_INTERRUPTIONS:e} job interruptions per \
                 replication; {} per GPU-hour x {} job GPUs x {} years gives {expected:.3e} \
                 (an interruption every {:.3} s: the job would never make progress)",
                settings.gpu_interruptions_per_gpu_h,
                settings.job.gpus,
                settings.years,
                3600.0 / (settings.gpu_interruptions_per_gpu_h * settings.job.gpus as f64)
            ),
        ));
    }
}

/// What the market engine requires beyond each field's range.
fn market(scenario: &Scenario, problems: &mut Vec<Diagnostic>) {
    let market = &scenario.market;
    for (name, value) in [
        ("criteria.yield_target", market.criteria.yield_target),
        ("criteria.volume_share", market.criteria.volume_share),
    ] {
        if value <= 0.0 {
            problems.push(invalid(
                &format!("market.{name}"),
                value,
                "a fraction in (0, 1] (0 would be met by anything)".to_string(),
            ));
        }
    }
    for (name, prior) in &market.priors {
        let Some(input) = MarketInput::from_name(name) else { continue };
        if let Some((field, value, expected)) = prior_outside(prior, input.range()) {
            problems.push(invalid(&format!("market.priors.{name}.{field}"), value, expected));
        }
    }
    let names: Vec<&str> = market.priors.iter().map(|(name, _)| name.as_str()).collect();
    for name in &names {
        if MarketInput::from_name(name).is_none() {
            problems.push(invalid(
                &format!("market.priors.{name}"),
                "a prior",
                format!("priors of the market engine's inputs only: {}", MarketInput::names(", ")),
            ));
        }
    }
    for input in MarketInput::ALL.map(MarketInput::name) {
        if !names.contains(&input) {
            problems.push(invalid(
                "market.priors",
                format!("no [market.priors.{input}]"),
                format!("a prior for every input of the market engine ({input} is missing)"),
            ));
        }
    }
}

/// The parameter of `prior` whose support leaves `range`, if any: (field, value, expected).
fn prior_outside(
    prior: &super::Prior,
    SampleRange { low, high, low_inclusive: inclusive }: SampleRange,
) -> Option<(&'static str, f64, String)> {
    use super::Prior;
    let range =
        format!("{}{low}, {high}) (the market input's range)", if inclusive { "[" } else { "(" });
    let above = |value: f64| if inclusive { value >= low } else { value > low };
    match *prior {
        Prior::Uniform { low: a, high: b } | Prior::Triangular { low: a, high: b, .. } => {
            if !above(a) {
                Some(("low", a, format!("a support inside {range}")))
            } else if b >= high {
                Some(("high", b, format!("a support inside {range}")))
            } else {
                None
            }
        }
        Prior::Normal { mean, sd } => {
            let tails = (mean - PRIOR_TAIL_SDS * sd, mean + PRIOR_TAIL_SDS * sd);
            (!above(tails.0) || tails.1 >= high).then(|| {
                (
                    "mean",
                    mean,
                    format!(
                        "mean +- {PRIOR_TAIL_SDS} sd inside {range}: a normal prior's samples \
                         outside it are refused (use a lognormal, uniform or triangular prior)"
                    ),
                )
            })
        }
        Prior::LogNormal { median, sigma } => {
            let factor = (PRIOR_TAIL_SDS * sigma).exp();
            (!above(median / factor) || median * factor >= high).then(|| {
                ("median", median, format!("median x exp(+-{PRIOR_TAIL_SDS} sigma) inside {range}"))
            })
        }
    }
}

fn quoted(segment: &str) -> String {
    super::locate::quote_segment(segment)
}

// ---------------------------------------------------------------------------------------------
// Resource estimates

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
const MICROCHANNEL_PLATE_COST: f64 = 25.0;
/// Layers of the native package model per lateral cell (die, TIM, lid, substrate and board
/// sublayers).
const PACKAGE_LAYERS: f64 = 8.0;

/// The limits a run must fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Peak memory, bytes.
    pub memory_bytes: f64,
    /// CPU time summed over threads, s.
    pub cpu_s: f64,
    /// Worker threads (stages that run side by side hold their memory at once).
    pub threads: usize,
}

impl Budget {
    /// Default memory budget, bytes (8 GB).
    pub const DEFAULT_MEMORY_BYTES: f64 = 8e9;
    /// Default CPU budget, s (2 CPU-hours).
    pub const DEFAULT_CPU_S: f64 = 7200.0;
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            memory_bytes: Budget::DEFAULT_MEMORY_BYTES,
            cpu_s: Budget::DEFAULT_CPU_S,
            threads: 1,
        }
    }
}

/// One contribution to a run's resources.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// The stage (`thermal`, `photonics`, `yield`, `fleet`, `market`).
    pub stage: &'static str,
    /// The scenario field that drives it (its path).
    pub field: String,
    /// What is counted, for people (e.g. `256 lanes x 4000 samples x 4 periods x ...`).
    pub what: String,
    /// Memory held at once, bytes.
    pub memory_bytes: f64,
    /// CPU time, s.
    pub cpu_s: f64,
}

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
    fn memory_driver(&self) -> Option<&Demand> {
        self.demands.iter().max_by(|a, b| a.memory_bytes.total_cmp(&b.memory_bytes))
    }

    /// The contribution with the most CPU time.
    fn cpu_driver(&self) -> Option<&Demand> {
        self.demands.iter().max_by(|a, b| a.cpu_s.total_cmp(&b.cpu_s))
    }
}

/// Bytes for people: `8.0 GB`, `312 MB`.
#[must_use]
pub fn human_bytes(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else if bytes >= 1e6 {
        format!("{:.0} MB", bytes / 1e6)
    } else {
        format!("{:.0} kB", bytes / 1e3)
    }
}

fn human_seconds(seconds: f64) -> String {
    if seconds >= 7200.0 {
        format!("{:.1} CPU-hours", seconds / 3600.0)
    } else if seconds >= 120.0 {
        format!("{:.0} CPU-minutes", seconds / 60.0)
    } else {
        format!("{seconds:.1} CPU-s")
    }
}

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

    // Thermal: the package grid, its fixed point, inlet sweep and cycling transient.
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

    // Photonics: the drift transient on its grid, then the lane populations.
    let p = &scenario.photonics;
    let drift_steps = (p.workload_period_s / p.thermal_step_s).round() * p.periods as f64;
    let (memory, cpu) = grid_cost(p.drift_grid_cells as f64, drift_steps);
    demands.push(Demand {
        stage: "photonics",
        field: "photonics.drift_grid_cells".to_string(),
        what: format!("{}^2 cells, {drift_steps} thermal steps", p.drift_grid_cells),
        memory_bytes: memory * side_by_side,
        cpu_s: cpu * runs,
    });
    let samples = (p.workload_period_s * p.sample_rate_hz).round() * p.periods as f64;
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

    // Yield: packages x engines x lanes, for the result, the ramp and the tornado.
    let y = &scenario.yield_settings;
    let mut lane_samples = 0.0;
    for technology in &co_packaged {
        let Some(package) = &technology.package else { continue };
        for generation in &scenario.generations {
            let engines = f64::from(package.engines_per_switch(generation));
            let lanes = f64::from(engine_lanes(package.engine_capacity.0, generation.lane_rate.0))
                + y.spare_lanes_per_engine as f64;
            lane_samples += engines * lanes;
        }
    }
    let points = (y.ramp.quarters.len() + 6) as f64 * y.ramp.packages_per_point as f64;
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

    fleet_demands(scenario, threads, &mut demands);

    // Market: samples through the model, Sobol (base x (inputs + 2)) and its bootstrap.
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
    Estimate { demands }
}

/// The fleet's port ends, lasers and switches, failures and job interruptions.
fn fleet_demands(scenario: &Scenario, threads: f64, demands: &mut Vec<Demand>) {
    let f = &scenario.fleet;
    let Some(generation) = scenario.generations.get(f.generation) else { return };
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
    let horizon_h = f.years * HOURS_PER_YEAR;
    let r = &f.reliability;
    // Failures per unit over the horizon: the largest random rate, and wear-out renewals.
    let fit = r.module_fit.max(r.engine_port_fit).max(r.laser_fit).max(r.switch_hardware_fit);
    let failures = units * horizon_h * (fit * 1e-9 + 1.0 / r.laser_weibull_scale_h);
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
        ("module_fit", r.module_fit),
        ("engine_port_fit", r.engine_port_fit),
        ("laser_fit", r.laser_fit),
        ("switch_hardware_fit", r.switch_hardware_fit),
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

/// HotSpot mode's solver costs, per CPU second at about half the throughput measured on
/// HotSpot's example2 (4 grid layers, `target/debug` build with optimisations, one core):
mod hotspot_rate {
    /// Sparse Cholesky factor: seconds per nodes^1.5 (measured: a 160² grid's steady state
    /// in 0.51 s, 64² in 0.05 s).
    pub const FACTOR_S_PER_NODES_1_5: f64 = 3e-8;
    /// Solve with that factor: seconds per node and log2 of the cells per side (measured: a
    /// backward-Euler row of a 160² grid in 70 ms, of a 64² grid in 8.4 ms).
    pub const SOLVE_S_PER_NODE_LOG: f64 = 1.8e-7;
    /// Multigrid-preconditioned CG steady solve: seconds per node (the W-cycle's iteration
    /// count does not grow with the grid; BENCHMARKS.md: build and solve at 128², 256² and
    /// 512² in 99 ms, 408 ms and 1.51 s on a loaded machine, 1.4-1.6 µs per node).
    pub const MULTIGRID_S_PER_NODE: f64 = 1.7e-6;
    /// HotSpot's adaptive RK4: seconds per node per second of simulated time (measured: 28 and
    /// 33 µs per node per 0.01 s row on 32² and 64² grids; the step is set by the stiffest
    /// layer, so thinner layers than example2's take longer).
    pub const RK4_S_PER_NODE_S: f64 = 6e-3;
    /// Steady solves counted for HotSpot's leakage loop (it stops when no block warms by
    /// 0.01 K; at most 100).
    pub const LEAKAGE_SOLVES: f64 = 10.0;
}

/// A run of HotSpot's grid or block model (`cporamp thermal` with HotSpot's files), for its
/// CPU-time estimate ([`hotspot_demand`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HotSpotRun {
    /// Nodes of the network (every layer's cells or blocks, plus the package nodes).
    pub nodes: f64,
    /// Cells per side of a grid layer (`sqrt(rows x cols)`), 0 for the block model.
    pub cells_per_side: f64,
    /// Whether steady states are solved by sparse Cholesky (else multigrid CG).
    pub direct: bool,
    /// Whether the leakage loop runs (`-leakage_used 1`, steady state only).
    pub leakage: bool,
    /// Rows of the power trace run as a transient; 0 for a steady run.
    pub transient_rows: usize,
    /// Simulated time per row, s (`-sampling_intvl`).
    pub interval_s: f64,
    /// Whether the transient uses HotSpot's adaptive RK4 (else one implicit step per row on a
    /// factor).
    pub rk4: bool,
}

/// The CPU time of a HotSpot-mode run, as a [`Demand`] of the `thermal` stage driven by the
/// grid flags or the trace. The grid model's memory is `cporamp_thermal`'s own estimate.
#[must_use]
pub fn hotspot_demand(run: &HotSpotRun) -> Demand {
    use hotspot_rate as r;
    let side = run.cells_per_side.max(2.0);
    let factor_s = run.nodes.powf(1.5) * r::FACTOR_S_PER_NODES_1_5;
    let solve_s = run.nodes * side.log2() * r::SOLVE_S_PER_NODE_LOG;
    let steady_solves = if run.leakage { r::LEAKAGE_SOLVES } else { 1.0 };
    let steady_s = if run.direct {
        factor_s + steady_solves * solve_s
    } else {
        steady_solves * run.nodes * r::MULTIGRID_S_PER_NODE
    };
    let rows = run.transient_rows as f64;
    let transient_s = if run.transient_rows == 0 {
        0.0
    } else if run.rk4 {
        rows * run.interval_s * run.nodes * r::RK4_S_PER_NODE_S
    } else {
        factor_s + rows * solve_s
    };
    let (field, what) = if transient_s > steady_s {
        (
            "--ptrace".to_string(),
            format!(
                "{rows} trace rows of {} s, {} on {:.0} nodes",
                run.interval_s,
                if run.rk4 { "HotSpot's adaptive RK4" } else { "one implicit step each" },
                run.nodes
            ),
        )
    } else {
        (
            "--grid-rows, --grid-cols".to_string(),
            format!(
                "{steady_solves} steady solve{} ({}) on {:.0} nodes",
                if run.leakage { "s" } else { "" },
                if run.direct { "sparse Cholesky" } else { "multigrid CG" },
                run.nodes
            ),
        )
    };
    Demand { stage: "thermal", field, what, memory_bytes: 0.0, cpu_s: steady_s + transient_s }
}

/// CPU time for people, as in the scenario budget messages (`3 CPU-minutes`, `2.4 CPU-hours`).
#[must_use]
pub fn human_cpu(seconds: f64) -> String {
    human_seconds(seconds)
}

/// Every stage of a run, in order.
pub const ALL_STAGES: &[&str] = &["thermal", "photonics", "yield", "fleet", "market"];

/// Refuses a scenario whose run of `stages` (e.g. [`ALL_STAGES`] for `cporamp run`) would
/// exceed `budget`, naming the estimate, the budget and the field that drives it (located in
/// `source`). Returns the estimate when it fits.
///
/// # Errors
/// A [`ScenarioError`] with one problem per exceeded budget.
pub fn check_budget(
    scenario: &Scenario,
    source: &str,
    origin: &str,
    budget: Budget,
    stages: &[&str],
) -> Result<Estimate, ScenarioError> {
    let mut estimate = estimate(scenario, budget.threads);
    estimate.demands.retain(|demand| stages.contains(&demand.stage));
    let mut diagnostics = Vec::new();
    let peak = estimate.peak_memory_bytes();
    if peak > budget.memory_bytes
        && let Some(driver) = estimate.memory_driver()
    {
        diagnostics.push(Diagnostic {
            path: driver.field.clone(),
            location: super::locate::locate_path(source, &driver.field),
            kind: DiagnosticKind::OverBudget {
                resource: "memory".to_string(),
                estimate: format!(
                    "{} (mostly {}: {}, {})",
                    human_bytes(peak),
                    driver.stage,
                    driver.what,
                    human_bytes(driver.memory_bytes)
                ),
                budget: format!("{} (--max-memory)", human_bytes(budget.memory_bytes)),
            },
        });
    }
    let cpu = estimate.cpu_s();
    if cpu > budget.cpu_s
        && let Some(driver) = estimate.cpu_driver()
    {
        diagnostics.push(Diagnostic {
            path: driver.field.clone(),
            location: super::locate::locate_path(source, &driver.field),
            kind: DiagnosticKind::OverBudget {
                resource: "CPU time".to_string(),
                estimate: format!(
                    "{} (mostly {}: {}, {})",
                    human_seconds(cpu),
                    driver.stage,
                    driver.what,
                    human_seconds(driver.cpu_s)
                ),
                budget: format!("{} (--max-cpu-hours)", human_seconds(budget.cpu_s)),
            },
        });
    }
    if diagnostics.is_empty() {
        Ok(estimate)
    } else {
        Err(ScenarioError { origin: origin.to_string(), diagnostics })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{DEFAULT_SCENARIO_TOML, load, load_default, quick_scenario_toml};

    /// The default with the line starting `from` replaced by `to` (the target must occur once).
    fn edited(edits: &[(&str, &str)]) -> String {
        let mut text = DEFAULT_SCENARIO_TOML.to_string();
        for (from, to) in edits {
            assert_eq!(text.matches(from).count(), 1, "edit target {from:?} must occur once");
            text = text.replacen(from, to, 1);
        }
        text
    }

    /// The only problem of an edited default: its path, line and message.
    fn only_problem(edits: &[(&str, &str)]) -> (String, usize, String) {
        let source = edited(edits);
        let error = load(&source, "test.toml").expect_err("must be refused");
        assert_eq!(error.diagnostics.len(), 1, "one problem expected: {error}");
        let diagnostic = &error.diagnostics[0];
        let (line, _) = diagnostic.location.expect("located in the file");
        (diagnostic.path.clone(), line, diagnostic.to_string())
    }

    /// The 1-based line of the default holding `text`.
    fn line_of(text: &str) -> usize {
        DEFAULT_SCENARIO_TOML.lines().position(|line| line.contains(text)).expect("present") + 1
    }

    #[test]
    fn a_module_laser_feeds_at_most_the_module_lanes() {
        let from = "lanes_per_laser = 4                      # assumption: two CW";
        let (path, line, message) =
            only_problem(&[(from, "lanes_per_laser = 64 # assumption: two CW")]);
        assert_eq!(path, "technology.lpo.laser.lanes_per_laser");
        assert_eq!(line, line_of("lanes_per_laser = 4                      # assumption: two CW"));
        // 8 lanes per port at 51.2T: 0.125 lasers per module.
        assert!(message.contains("at most the 8 lanes of one module at 51.2T"), "{message}");
        assert!(message.contains("0.125 lasers"), "{message}");
        // 8 lanes is the limit itself.
        assert!(load(&edited(&[(from, "lanes_per_laser = 8 #")]), "t").is_ok());
    }

    #[test]
    fn the_laser_efficiency_stays_at_most_one_at_its_temperature() {
        // The pluggable's EML: 0.5 at 25 °C with a 67 K scale, held by its TEC at -40 °C,
        // extrapolates to 0.5 e^(65/67) = 1.319.
        let source = DEFAULT_SCENARIO_TOML;
        let start = source.find("[technology.pluggable_dsp.laser]").expect("present");
        let end = source.find("[technology.pluggable_dsp.link_budget]").expect("present");
        let section = &source[start..end];
        let set = |text: &str, key: &str, value: &str| -> String {
            let line = text.lines().find(|l| l.starts_with(key)).expect("key in the section");
            text.replacen(line, &format!("{key}{value}"), 1)
        };
        let edited_section =
            set(&set(section, "wall_plug_efficiency = ", "0.5"), "setpoint_c = ", "-40.0");
        let text = source.replacen(section, &edited_section, 1);
        let error = load(&text, "t").expect_err("refused");
        assert_eq!(error.diagnostics.len(), 1, "{error}");
        let diagnostic = &error.diagnostics[0];
        assert_eq!(diagnostic.path, "technology.pluggable_dsp.laser.wall_plug_efficiency");
        assert!(diagnostic.to_string().contains("at the laser's -40 °C"), "{error}");
        assert!(diagnostic.to_string().contains("= 1.3192"), "{error}");
    }

    #[test]
    fn an_engine_laser_feeds_at_most_the_engine_lanes() {
        // 6.4T engines: 64 lanes of 100G at 51.2T, 32 of 200G at 102.4T.
        let from = "lanes_per_laser = 1                      # [S19]";
        let (path, _, message) = only_problem(&[(from, "lanes_per_laser = 33 # [S19]")]);
        assert_eq!(path, "technology.cpo_integrated.laser.lanes_per_laser");
        assert!(message.contains("at most the 32 lanes of one optical engine at 102.4T"));
        assert!(load(&edited(&[(from, "lanes_per_laser = 32 # [S19]")]), "t").is_ok());
    }

    #[test]
    fn an_engine_carries_whole_lanes() {
        // 100 Gb/s engines: 512 and 1024 per switch, one 100G lane but half a 200G lane.
        let from = "engine_capacity_gbps = 6400              # [S04] Bailly";
        let to = "engine_capacity_gbps = 100 # [S04] Bailly";
        let source = edited(&[(from, to)]);
        let error = load(&source, "t").expect_err("refused");
        let paths: Vec<&str> = error.diagnostics.iter().map(|d| d.path.as_str()).collect();
        assert!(
            paths.contains(&"technology.cpo_integrated.package.engine_capacity_gbps"),
            "{error}"
        );
        assert!(error.to_string().contains("(0.5 lanes)"), "{error}");
    }

    #[test]
    fn a_fleet_or_market_technology_without_rings_is_refused() {
        // The ELS technology without rings: the fleet, the mixed fabric and the market use it.
        let start = DEFAULT_SCENARIO_TOML.find("[technology.cpo_els.rings]").expect("present");
        let end = start + DEFAULT_SCENARIO_TOML[start..].find("\n\n").expect("a blank line");
        let source = DEFAULT_SCENARIO_TOML.replacen(&DEFAULT_SCENARIO_TOML[start..end], "", 1);
        let error = load(&source, "t").expect_err("refused");
        let paths: Vec<&str> = error.diagnostics.iter().map(|d| d.path.as_str()).collect();
        assert!(paths.contains(&"fleet.technologies[3]"), "{error}");
        assert!(paths.contains(&"fleet.mixed_tiers[1]"), "{error}");
        assert!(paths.contains(&"market.cpo_technology"), "{error}");
    }

    #[test]
    fn spare_lanes_are_checked_against_the_engine_lanes() {
        let from = "spare_lanes_per_engine = 0 ";
        let (path, line, message) = only_problem(&[(from, "spare_lanes_per_engine = 64 ")]);
        assert_eq!(path, "yield.spare_lanes_per_engine");
        assert_eq!(line, line_of(from));
        assert!(message.contains("at most the 32 data lanes"), "{message}");
        assert!(load(&edited(&[(from, "spare_lanes_per_engine = 32 ")]), "t").is_ok());
    }

    #[test]
    fn spare_els_lasers_are_checked_against_the_module_lasers() {
        let from = "els_spare_lasers = 0 ";
        let (path, _, message) = only_problem(&[(from, "els_spare_lasers = 9 ")]);
        assert_eq!(path, "yield.els_spare_lasers");
        assert!(message.contains("at most the 8 lasers of an ELS module of cpo_els"));
        assert!(load(&edited(&[(from, "els_spare_lasers = 8 ")]), "t").is_ok());
    }

    #[test]
    fn failed_ports_that_retire_a_switch_are_at_most_its_ports() {
        let from = "replace_after_failed_ports = 4 ";
        let (path, _, message) = only_problem(&[(from, "replace_after_failed_ports = 65 ")]);
        assert_eq!(path, "fleet.replace_after_failed_ports");
        assert!(message.contains("at most the 64 ports of a 102.4T switch"), "{message}");
        assert!(load(&edited(&[(from, "replace_after_failed_ports = 64 ")]), "t").is_ok());
    }

    #[test]
    fn the_heater_must_reach_the_design_bias() {
        let from = "heater_max_mw = 30.0 ";
        for bad in ["0.0", "1e-9", "19.9"] {
            let (path, _, message) = only_problem(&[(from, &format!("heater_max_mw = {bad} "))]);
            assert_eq!(path, "photonics.heater_max_mw", "{bad}");
            assert!(message.contains("mW"), "{message}");
        }
        // 3.0 nm / 0.15 nm/mW = 20 mW.
        let (_, _, message) = only_problem(&[(from, "heater_max_mw = 19.9 ")]);
        assert!(message.contains("at least 20.0000 mW"), "{message}");
        assert!(load(&edited(&[(from, "heater_max_mw = 20.1 ")]), "t").is_ok());
    }

    #[test]
    fn a_pic_row_must_lock_within_the_warm_up_period() {
        // 20 ms sweeps over a 1 s warm-up: at most 50 rings a row.
        let from = "lanes_per_pic = 16 ";
        let (path, _, message) = only_problem(&[(from, "lanes_per_pic = 512 ")]);
        assert_eq!(path, "photonics.lanes_per_pic");
        assert!(message.contains("at most 50 lanes per PIC row"), "{message}");
        // A row of 50 takes 0.98 s; 51 take 1.0 s, the whole warm-up.
        assert!(load(&edited(&[(from, "lanes_per_pic = 50 ")]), "t").is_ok());
        assert!(load(&edited(&[(from, "lanes_per_pic = 51 ")]), "t").is_err());
        // Without crosstalk rows lock at once.
        let without = [
            (from, "lanes_per_pic = 512 "),
            ("heater_crosstalk = 0.05 ", "heater_crosstalk = 0.0 "),
        ];
        assert!(load(&edited(&without), "t").is_ok());
    }

    #[test]
    fn the_predictor_must_fit_in_a_workload_period() {
        // 100 Hz: 100 samples per 1 s period; 64 taps on 2 channels need 2 x 131 = 262.
        let edits = [
            ("sample_rate_hz = 1000.0 ", "sample_rate_hz = 100.0 "),
            ("predictor_taps = 4 ", "predictor_taps = 64 "),
            ("relock_time_s = 0.02 ", "relock_time_s = 0.0 "),
        ];
        let (path, _, message) = only_problem(&edits);
        assert_eq!(path, "photonics.predictor_taps");
        assert!(message.contains("at least 262 loop samples per period"), "{message}");
    }

    #[test]
    fn the_fabric_must_fit_the_radix_and_tiers() {
        // 64-port 102.4T switches: 64^3/4 = 65,536 GPUs on 3 tiers, 64^2/2 = 2,048 on 2.
        let (path, line, message) = only_problem(&[("gpus = 32768 ", "gpus = 100000 ")]);
        assert_eq!(path, "fleet.gpus");
        assert_eq!(line, line_of("gpus = 32768 "));
        assert!(message.contains("at most 65536 GPUs"), "{message}");
        let (path, _, message) = only_problem(&[
            ("gpus = 32768 ", "gpus = 10000000 "),
            ("tiers = 3 ", "tiers = 2 "),
            ("gpus = 16384 ", "gpus = 1024 "),
            (
                "mixed_tiers = [\"lpo\", \"cpo_els\", \"cpo_els\"]",
                "mixed_tiers = [\"lpo\", \"cpo_els\"]",
            ),
        ]);
        assert_eq!(path, "fleet.gpus");
        assert!(message.contains("at most 2048 GPUs"), "{message}");
        assert!(load(&edited(&[("gpus = 32768 ", "gpus = 65536 ")]), "t").is_ok());
    }

    #[test]
    fn job_interruptions_are_bounded() {
        // 1 per GPU-hour x 16,384 GPUs x 43,830 h = 7.2e8 > 1e7.
        let from = "gpu_interruptions_per_gpu_h = 1.81e-5 ";
        let (path, _, message) = only_problem(&[(from, "gpu_interruptions_per_gpu_h = 1.0 ")]);
        assert_eq!(path, "fleet.gpu_interruptions_per_gpu_h");
        assert!(message.contains("7.181e8"), "{message}");
        // 1e-5 per GPU-hour: 7,181 interruptions.
        assert!(load(&edited(&[(from, "gpu_interruptions_per_gpu_h = 1e-5 ")]), "t").is_ok());
    }

    #[test]
    fn market_criteria_of_zero_are_refused() {
        let line = DEFAULT_SCENARIO_TOML
            .lines()
            .find(|line| line.starts_with("yield_target = "))
            .expect("present");
        let (path, _, _) = only_problem(&[(line, "yield_target = 0.0")]);
        assert_eq!(path, "market.criteria.yield_target");
    }

    #[test]
    fn a_prior_must_keep_its_samples_inside_the_input_range() {
        // price_erosion is a fraction in [0, 1): uniform 0.10-0.25 by default.
        let (path, _, message) = only_problem(&[("high = 0.25 ", "high = 1.0 ")]);
        assert_eq!(path, "market.priors.price_erosion.high");
        assert!(message.contains("a support inside [0, 1)"), "{message}");
        // adoption_speed > 0: a normal of mean 1.2 and sd 0.3 reaches 0 at 4 sd.
        let line = DEFAULT_SCENARIO_TOML
            .lines()
            .skip_while(|line| !line.starts_with("[market.priors.adoption_speed]"))
            .take(4)
            .collect::<Vec<_>>()
            .join("\n");
        let normal = "[market.priors.adoption_speed]\nkind = \"normal\"\nmean = 1.2\nsd = 0.3\n";
        let (path, _, _) = only_problem(&[(line.as_str(), normal)]);
        assert_eq!(path, "market.priors.adoption_speed.mean");
        let narrow = "[market.priors.adoption_speed]\nkind = \"normal\"\nmean = 1.2\nsd = 0.1\n";
        assert!(load(&edited(&[(line.as_str(), narrow)]), "t").is_ok());
    }

    #[test]
    fn the_default_and_quick_scenarios_fit_the_default_budget() {
        let default = load_default().expect("valid");
        let whole =
            check_budget(&default, DEFAULT_SCENARIO_TOML, "d", Budget::default(), ALL_STAGES)
                .expect("the default fits");
        // BENCHMARKS.md: the default run takes about 20 CPU-s; the estimate is an upper
        // bound within a small factor.
        assert!((10.0..600.0).contains(&whole.cpu_s()), "{}", whole.cpu_s());
        assert!(whole.peak_memory_bytes() < 1e9, "{}", whole.peak_memory_bytes());
        let quick_text = quick_scenario_toml();
        let quick = load(&quick_text, "q").expect("valid");
        let quick_estimate = estimate(&quick, 1);
        assert!(quick_estimate.cpu_s() < whole.cpu_s() / 5.0);
    }

    #[test]
    fn the_microchannel_plate_multiplies_the_thermal_estimate_by_its_measured_cost() {
        let thermal_cpu = |scenario: &Scenario| {
            estimate(scenario, 1).demands.iter().find(|d| d.stage == "thermal").unwrap().cpu_s
        };
        let mut scenario = load_default().unwrap();
        let correlation = thermal_cpu(&scenario);
        scenario.thermal.cold_plate.kind = crate::scenario::HeatSinkKind::Microchannel4rm;
        let ratio = thermal_cpu(&scenario) / correlation;
        assert!((ratio - MICROCHANNEL_PLATE_COST).abs() < 1e-9, "{ratio}");
    }

    #[test]
    fn a_run_over_the_memory_budget_is_refused_with_its_estimate_and_field() {
        // 1 MHz loop x 1 s x 10,000 periods: 1e10 samples of tiled drift (80 B each).
        let source = edited(&[
            ("sample_rate_hz = 1000.0 ", "sample_rate_hz = 1000000.0 "),
            ("periods = 4 ", "periods = 10000 "),
        ]);
        let scenario = load(&source, "big.toml").expect("each field in range");
        let error = check_budget(&scenario, &source, "big.toml", Budget::default(), ALL_STAGES)
            .expect_err("over budget");
        let memory = &error.diagnostics[0];
        assert_eq!(memory.path, "photonics.sample_rate_hz");
        assert_eq!(
            memory.location.map(|(line, _)| line),
            Some(line_of("sample_rate_hz = 1000.0 "))
        );
        let message = error.to_string();
        assert!(
            message.contains("800.0 GB") && message.contains("8.0 GB (--max-memory)"),
            "{message}"
        );
        // A larger budget takes it (for memory; the CPU time is still refused).
        let roomy = Budget { memory_bytes: 1e12, ..Budget::default() };
        let error =
            check_budget(&scenario, &source, "big.toml", roomy, ALL_STAGES).expect_err("CPU");
        assert_eq!(error.diagnostics.len(), 1);
        assert!(error.to_string().contains("CPU time"), "{error}");
    }

    #[test]
    fn an_unbounded_failure_rate_is_refused_by_its_field() {
        // 1e10 FIT: 10 failures per module-hour, each kept as a time when it hits the job.
        let line = DEFAULT_SCENARIO_TOML
            .lines()
            .find(|line| line.starts_with("module_fit = "))
            .expect("present");
        let source = edited(&[(line, "module_fit = 1e10")]);
        let scenario = load(&source, "fit.toml").expect("each field in range");
        let error = check_budget(&scenario, &source, "fit.toml", Budget::default(), ALL_STAGES)
            .expect_err("over budget");
        assert_eq!(error.diagnostics.len(), 2, "{error}");
        for diagnostic in &error.diagnostics {
            assert_eq!(diagnostic.path, "fleet.reliability.module_fit", "{error}");
        }
    }

    #[test]
    fn a_run_over_the_cpu_budget_names_the_fleet_field() {
        let source = edited(&[("replications = 10 ", "replications = 10000 ")]);
        let scenario = load(&source, "long.toml").expect("each field in range");
        let error = check_budget(&scenario, &source, "long.toml", Budget::default(), ALL_STAGES)
            .expect_err("over budget");
        assert_eq!(error.diagnostics.len(), 1, "{error}");
        assert_eq!(error.diagnostics[0].path, "fleet.gpus");
        assert!(error.to_string().contains("CPU-hours"), "{error}");
    }

    /// The HotSpot estimates stay above what was measured on HotSpot's example2 (4 grid
    /// layers) and within 3 times it: the rates are about half the measured throughputs.
    #[test]
    fn hotspot_estimates_bracket_the_measured_times() {
        let grid = |side: f64, rows: usize, rk4: bool| HotSpotRun {
            nodes: side * side * 4.0 + 12.0,
            cells_per_side: side,
            direct: side <= 64.0,
            leakage: false,
            transient_rows: rows,
            interval_s: 0.01,
            rk4,
        };
        for (run, measured_s) in [
            (grid(64.0, 0, false), 0.05),
            (grid(64.0, 100, false), 0.84),
            (grid(160.0, 100, false), 7.16),
            (grid(128.0, 0, false), 0.0987),
            (grid(256.0, 0, false), 0.408),
            (grid(512.0, 0, false), 1.508),
            (grid(32.0, 100, true), 11.4),
            (grid(64.0, 100, true), 53.5),
        ] {
            let estimate = hotspot_demand(&run).cpu_s;
            assert!(
                (1.0..3.0).contains(&(estimate / measured_s)),
                "{run:?}: estimate {estimate} s, measured {measured_s} s"
            );
        }
        // The trace drives a long transient, the grid a steady run.
        assert_eq!(hotspot_demand(&grid(64.0, 100_000, false)).field, "--ptrace");
        assert_eq!(hotspot_demand(&grid(512.0, 0, false)).field, "--grid-rows, --grid-cols");
        // The leakage loop multiplies a multigrid solve, not a factorisation.
        let leaky = HotSpotRun { leakage: true, ..grid(512.0, 0, false) };
        let ratio = hotspot_demand(&leaky).cpu_s / hotspot_demand(&grid(512.0, 0, false)).cpu_s;
        assert!((ratio - hotspot_rate::LEAKAGE_SOLVES).abs() < 1e-9, "{ratio}");
    }
}
