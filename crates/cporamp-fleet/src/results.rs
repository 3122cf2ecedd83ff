//! The fleet engine's results (means over replications with their standard errors: topology
//! counts, per-tier failures, availability and spares, the job's interruptions and goodput by
//! cause, the monthly timeline) and their assembly from the replications' tallies.

use serde::Serialize;

use crate::HOURS_PER_MONTH;
use crate::goodput::{daly_interval_h, young_interval_h};
use crate::inputs::FleetInputs;
use crate::simulation::{Tally, TierTally};

/// A mean over replications with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The mean.
    pub mean: f64,
    /// Its standard error.
    pub se: f64,
}

impl Estimate {
    pub(crate) fn of(values: impl Iterator<Item = f64>) -> Estimate {
        let values: Vec<f64> = values.collect();
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        if values.len() < 2 {
            return Estimate { mean, se: 0.0 };
        }
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        Estimate { mean, se: (variance / n).sqrt() }
    }

    /// The estimate over `years`: a count over the horizon as a rate per year.
    fn per_year(self, years: f64) -> Estimate {
        Estimate { mean: self.mean / years, se: self.se / years }
    }
}

/// Counts of one switch tier and the links below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TierCounts {
    /// Technology name.
    pub technology: String,
    /// Switches built.
    pub switches: usize,
    /// Links whose upper end is on this tier.
    pub links: usize,
    /// Port ends on this tier's switches (down and up).
    pub switch_ports: usize,
    /// Pluggable modules (Module kind).
    pub modules: usize,
    /// Co-packaged engine ports.
    pub engine_ports: usize,
    /// External laser sources.
    pub els: usize,
    /// Lasers in them.
    pub els_lasers: usize,
}

/// Counts of the whole fabric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopologyCounts {
    /// GPUs.
    pub gpus: usize,
    /// Per switch tier, leaf first.
    pub tiers: Vec<TierCounts>,
    /// NIC modules (one per GPU).
    pub nic_modules: usize,
    /// All links.
    pub links: usize,
    /// All port ends (two per link).
    pub port_ends: usize,
}

impl TopologyCounts {
    /// Switches in every tier.
    #[must_use]
    pub fn switches(&self) -> usize {
        self.tiers.iter().map(|tier| tier.switches).sum()
    }

    /// Units that carry light and fail as optics: modules, engine ports and ELS modules in
    /// every tier, and the NICs' modules.
    #[must_use]
    pub fn optical_units(&self) -> usize {
        self.tiers.iter().map(|tier| tier.modules + tier.engine_ports + tier.els).sum::<usize>()
            + self.nic_modules
    }
}

/// Failures and repairs of one class of unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassResult {
    /// Failures per year.
    pub failures_per_year: Estimate,
    /// Repairs completed per year.
    pub repairs_per_year: Estimate,
}

/// What happened on one switch tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierResult {
    /// Technology name.
    pub technology: String,
    /// Modules or co-packaged engine ports: failures; repairs are module swaps (co-packaged
    /// ports are repaired by replacing their switch).
    pub ports: ClassResult,
    /// ELS lasers: failures; repairs are ELS or laser swaps.
    pub els_lasers: ClassResult,
    /// Switch hardware failures; repairs are switch replacements for any cause.
    pub switches: ClassResult,
    /// Spare port units (modules, ELS or lasers) consumed per year.
    pub port_spares_consumed_per_year: Estimate,
    /// Spare switches consumed per year.
    pub switch_spares_consumed_per_year: Estimate,
    /// Time-average fraction of this tier's links that are up.
    pub link_availability: Estimate,
}

/// What interrupted the job. Network causes are events on the job's GPU-leaf links: the
/// first of its links that an event takes down names the cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobCause {
    /// A leaf port's module or co-packaged engine port (its random failures).
    Port,
    /// A leaf port's own lasers: a module's laser wear-out, a co-packaged switch's integrated
    /// lasers.
    PortLaser,
    /// A latent defect of the installed population: a leaf module's, a co-packaged leaf's (the
    /// yield engine's weak-laser escapes), or a weak laser in a leaf's ELS.
    LatentDefect,
    /// ELS lasers of a leaf falling below the $k$ needed.
    ElsLaser,
    /// The NIC module at the GPU end.
    Nic,
    /// A leaf switch's hardware failure.
    SwitchHardware,
    /// The drain of a co-packaged leaf's planned replacement (its blast radius).
    SwitchReplacement,
    /// A link flap.
    Flap,
    /// A GPU or host failure.
    Gpu,
}

/// Every [`JobCause`], in the order of [`JobResult::by_cause`].
pub const JOB_CAUSES: [JobCause; 9] = [
    JobCause::Port,
    JobCause::PortLaser,
    JobCause::LatentDefect,
    JobCause::ElsLaser,
    JobCause::Nic,
    JobCause::SwitchHardware,
    JobCause::SwitchReplacement,
    JobCause::Flap,
    JobCause::Gpu,
];

/// The job's interruptions and losses from one cause.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CauseResult {
    /// The cause.
    pub cause: JobCause,
    /// Interruptions over the horizon.
    pub interruptions: Estimate,
    /// GPU-hours lost per year charged to it: job GPUs times the work its interruptions
    /// destroyed and the restarts that followed them ([`lost_h_by_cause`](crate::lost_h_by_cause)).
    pub gpu_hours_lost_per_year: Estimate,
}

/// What happened to the job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobResult {
    /// GPUs of the job.
    pub gpus: usize,
    /// Fraction of time all the job's GPU-leaf links are up (not the goodput).
    pub link_availability: Estimate,
    /// Useful work over wall time at the given checkpoint interval.
    pub goodput: Estimate,
    /// Interruptions over the horizon, all causes.
    pub interruptions: Estimate,
    /// Interruptions from network failures (ports, NIC, leaf switches).
    pub network_interruptions: Estimate,
    /// Interruptions from GPU and host failures.
    pub gpu_interruptions: Estimate,
    /// Interruptions from link flaps.
    pub flap_interruptions: Estimate,
    /// `network_interruptions` per year.
    pub network_interruptions_per_year: Estimate,
    /// `gpu_interruptions` per year.
    pub gpu_interruptions_per_year: Estimate,
    /// `flap_interruptions` per year.
    pub flap_interruptions_per_year: Estimate,
    /// Mean time between interruptions (pooled over replications), h.
    pub mean_time_between_interruptions_h: f64,
    /// GPU-hours lost per year: job GPUs times (wall - useful) time.
    pub gpu_hours_lost_per_year: Estimate,
    /// Interruptions and GPU-hours lost per cause, in [`JOB_CAUSES`] order.
    pub by_cause: Vec<CauseResult>,
    /// GPU-hours lost per year to no interruption (checkpoint writes, the first start): with
    /// `by_cause` it adds up to `gpu_hours_lost_per_year`.
    pub checkpoint_overhead_gpu_hours_per_year: Estimate,
    /// Goodput-optimal checkpoint interval on the simulated interruptions, h.
    pub optimal_checkpoint_interval_h: Estimate,
    /// Goodput at that interval.
    pub goodput_at_optimal: Estimate,
    /// Young's $\sqrt{2 C M}$ with the pooled mean time between interruptions, h.
    pub young_interval_h: f64,
    /// Daly's higher-order interval with the same $M$, h.
    pub daly_interval_h: f64,
}

/// One month of the timeline, averaged over replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MonthPoint {
    /// Month index from 0.
    pub month: usize,
    /// Time-average links down, all tiers.
    pub links_down_mean: f64,
    /// Job interruptions in the month, all causes.
    pub interruptions_mean: f64,
}

/// What the fleet engine reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FleetResult {
    /// Replications run.
    pub replications: usize,
    /// Simulated time, h.
    pub horizon_h: f64,
    /// The fabric's counts.
    pub topology: TopologyCounts,
    /// Per switch tier, leaf first.
    pub tiers: Vec<TierResult>,
    /// NIC modules.
    pub nic: ClassResult,
    /// Spare NIC modules consumed per year.
    pub nic_spares_consumed_per_year: Estimate,
    /// Switch replacements per year, all tiers.
    pub switch_replacements_per_year: Estimate,
    /// Spares consumed per year, all pools.
    pub spares_consumed_per_year: Estimate,
    /// Technician hours per year (repairs started).
    pub technician_hours_per_year: Estimate,
    /// The job.
    pub job: JobResult,
    /// Per month.
    pub timeline: Vec<MonthPoint>,
}

impl FleetResult {
    /// Mean failures per year of every class: the NICs', and each tier's ports, ELS lasers
    /// and switches.
    #[must_use]
    pub fn failures_per_year(&self) -> f64 {
        self.tiers.iter().fold(self.nic.failures_per_year.mean, |sum, tier| {
            sum + tier.ports.failures_per_year.mean
                + tier.els_lasers.failures_per_year.mean
                + tier.switches.failures_per_year.mean
        })
    }
}

pub(crate) fn result(
    inputs: &FleetInputs,
    topology: TopologyCounts,
    tallies: &[Tally],
) -> FleetResult {
    let horizon_h = inputs.years.to_hours().0;
    let years = inputs.years.0;
    let per_year =
        |get: &dyn Fn(&Tally) -> f64| Estimate::of(tallies.iter().map(|t| get(t) / years));
    let gpus = inputs.gpus as f64;
    let tiers = (0..inputs.tiers.len())
        .map(|tier| {
            let count =
                |get: fn(&TierTally) -> u64| per_year(&|t: &Tally| get(&t.tiers[tier]) as f64);
            TierResult {
                technology: inputs.tiers[tier].technology.name.clone(),
                ports: ClassResult {
                    failures_per_year: count(|t| t.port_failures),
                    repairs_per_year: count(|t| t.port_repairs),
                },
                els_lasers: ClassResult {
                    failures_per_year: count(|t| t.laser_failures),
                    repairs_per_year: count(|t| t.els_repairs),
                },
                switches: ClassResult {
                    failures_per_year: count(|t| t.switch_failures),
                    repairs_per_year: count(|t| t.switch_replacements),
                },
                port_spares_consumed_per_year: count(|t| t.port_spares),
                switch_spares_consumed_per_year: count(|t| t.switch_spares),
                link_availability: Estimate::of(
                    tallies.iter().map(|t| 1.0 - t.tiers[tier].link_down_h / (gpus * horizon_h)),
                ),
            }
        })
        .collect();
    let sum_tiers = |get: fn(&TierTally) -> u64| {
        move |t: &Tally| t.tiers.iter().map(|tier| get(tier) as f64).sum::<f64>()
    };
    let replacements = sum_tiers(|t| t.switch_replacements);
    let port_spares = sum_tiers(|t| t.port_spares);
    let switch_spares = sum_tiers(|t| t.switch_spares);
    let months = tallies[0].month_interruptions.len();
    let timeline = (0..months)
        .map(|month| {
            let start = month as f64 * HOURS_PER_MONTH;
            let stop = if month + 1 == months { horizon_h } else { start + HOURS_PER_MONTH };
            let n = tallies.len() as f64;
            MonthPoint {
                month,
                links_down_mean: tallies.iter().map(|t| t.month_links_down_h[month]).sum::<f64>()
                    / n
                    / (stop - start),
                interruptions_mean: tallies
                    .iter()
                    .map(|t| t.month_interruptions[month] as f64)
                    .sum::<f64>()
                    / n,
            }
        })
        .collect();
    FleetResult {
        replications: inputs.replications,
        horizon_h,
        topology,
        tiers,
        nic: ClassResult {
            failures_per_year: per_year(&|t| t.nic_failures as f64),
            repairs_per_year: per_year(&|t| t.nic_repairs as f64),
        },
        nic_spares_consumed_per_year: per_year(&|t| t.nic_spares as f64),
        switch_replacements_per_year: per_year(&replacements),
        spares_consumed_per_year: per_year(&|t| {
            port_spares(t) + switch_spares(t) + t.nic_spares as f64
        }),
        technician_hours_per_year: per_year(&|t| t.technician_h),
        job: job_result(inputs, tallies),
        timeline,
    }
}

/// What happened to the job over the replications `tallies` of `inputs`.
fn job_result(inputs: &FleetInputs, tallies: &[Tally]) -> JobResult {
    let horizon_h = inputs.years.to_hours().0;
    let years = inputs.years.0;
    let per_year =
        |get: &dyn Fn(&Tally) -> f64| Estimate::of(tallies.iter().map(|t| get(t) / years));
    let job = inputs.job;
    let interruptions = |t: &Tally| (t.network + t.gpu + t.flap) as f64;
    let total_interruptions: f64 = tallies.iter().map(interruptions).sum();
    let mtbi = tallies.len() as f64 * horizon_h / total_interruptions;
    let network_interruptions = Estimate::of(tallies.iter().map(|t| t.network as f64));
    let gpu_interruptions = Estimate::of(tallies.iter().map(|t| t.gpu as f64));
    let flap_interruptions = Estimate::of(tallies.iter().map(|t| t.flap as f64));
    JobResult {
        gpus: job.settings.gpus,
        link_availability: Estimate::of(tallies.iter().map(|t| 1.0 - t.job_down_h / horizon_h)),
        goodput: Estimate::of(tallies.iter().map(|t| t.goodput)),
        interruptions: Estimate::of(tallies.iter().map(interruptions)),
        network_interruptions,
        gpu_interruptions,
        flap_interruptions,
        network_interruptions_per_year: network_interruptions.per_year(years),
        gpu_interruptions_per_year: gpu_interruptions.per_year(years),
        flap_interruptions_per_year: flap_interruptions.per_year(years),
        mean_time_between_interruptions_h: mtbi,
        gpu_hours_lost_per_year: per_year(&|t| {
            job.settings.gpus as f64 * (1.0 - t.goodput) * horizon_h
        }),
        by_cause: JOB_CAUSES
            .iter()
            .map(|&cause| CauseResult {
                cause,
                interruptions: Estimate::of(
                    tallies.iter().map(|t| t.cause_interruptions[cause as usize] as f64),
                ),
                gpu_hours_lost_per_year: per_year(&|t| {
                    job.settings.gpus as f64 * t.cause_lost_h[cause as usize]
                }),
            })
            .collect(),
        checkpoint_overhead_gpu_hours_per_year: per_year(&|t| {
            job.settings.gpus as f64 * t.overhead_h
        }),
        optimal_checkpoint_interval_h: Estimate::of(tallies.iter().map(|t| t.optimal_interval_h)),
        goodput_at_optimal: Estimate::of(tallies.iter().map(|t| t.optimal_goodput)),
        young_interval_h: young_interval_h(job.settings.checkpoint_cost_h.0, mtbi),
        daly_interval_h: daly_interval_h(job.settings.checkpoint_cost_h.0, mtbi),
    }
}
