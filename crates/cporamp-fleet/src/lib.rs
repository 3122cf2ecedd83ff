//! cporamp-fleet: discrete-event reliability of an AI cluster's scale-out fabric over years, per
//! port technology, with repair policies, spares and technicians, and the goodput of a
//! synchronous training job on it.
//!
//! # Topology
//! A non-blocking folded Clos (fat tree) with one scale-out port per GPU, of switches with $r$
//! ports at the fabric's port speed ($h = r/2$ down, $h$ up). $G$ GPUs fill
//! $L = \lceil G/h \rceil$ leaves. Two tiers: $S = \lceil G/r \rceil$ spines, buildable when
//! $G \le r^2/2$. Three tiers: pods of $h$ leaves and $h$ aggregation switches,
//! $P = \lceil L/h \rceil$ pods, $C = \lceil G/r \rceil$ core switches, buildable when
//! $G \le r^3/4$. Every tier of links carries $G$ links (non-blocking). Link $j$ of tier 0 joins
//! GPU $j$'s NIC to leaf $\lfloor j/h \rfloor$; link $j$ of tier 1 joins that leaf to spine
//! $j \bmod S$ (two tiers) or to aggregation switch $h\lfloor j/h^2 \rfloor + (j \bmod h)$ of its
//! pod (three tiers); link $j$ of tier 2 joins that aggregation switch to core $j \bmod C$.
//! Switches left without a link (a partial last pod) are not built.
//!
//! The inputs' tier $t$ is the tier of *switches* (leaf; spine or aggregation; core), and
//! link tier $t$ holds the links whose upper end is on those switches. A tier's technology
//! equips every port of its switches, so a leaf-spine link has a leaf end of the leaf
//! technology and a spine end of the spine technology (a co-packaged switch cannot have
//! pluggable uplinks). The GPU end of a tier-0 link is the NIC's module ([`NicInputs`]), always
//! a field-replaceable module given on its own, whatever the leaf technology: it sits in a
//! server at another temperature and is stocked and swapped by the server team.
//!
//! # Lifetimes
//! A new unit fails at $T = \min(T_r, T_w, T_i)$ ([`Component`]):
//! - random: $T_r \sim \mathrm{Exp}(\lambda)$, $\lambda = \mathrm{FIT} \cdot 10^{-9}$ per hour.
//!   A field FIT (a module's, a switch's) holds at the operating point as it is. A FIT quoted
//!   at a reference temperature $T_q$ (`random_fit_ref_temp_c`, e.g. a DFB laser's FIT at
//!   $T_j = 70$ °C) is scaled to the operating temperature with the wear-out's activation
//!   energy: $\lambda(T_\mathrm{op}) = \lambda(T_q)\,
//!   \exp[\frac{E_a}{k_B}(\frac{1}{T_q} - \frac{1}{T_\mathrm{op}})]$ (kelvin;
//!   [`Component::random_fit_at_temp`]);
//! - wear-out: $T_w \sim \mathrm{Weibull}(\beta, \eta/A)$, sampled as
//!   $T_w = (\eta/A)(-\ln U)^{1/\beta}$ with mean $(\eta/A)\,\Gamma(1 + 1/\beta)$, and the
//!   Arrhenius factor $A = \exp[\frac{E_a}{k_B}(\frac{1}{T_\mathrm{ref}} - \frac{1}{T_\mathrm{op}})]$
//!   (kelvin, $k_B = 8.617\,333 \times 10^{-5}$ eV/K) from the thermal engine's temperature;
//! - infant mortality: with probability $p$ (the yield engine's escapes, DPPM $/10^6$) the unit
//!   carries a latent defect, $T_i \sim \mathrm{Exp}$ of mean $m$.
//!
//! Replacements are new units (a renewal process): their random and wear-out clocks restart.
//! Infant defects apply only to the initial population: $p$ describes the production lot that
//! was built into the cluster (the yield run at its ramp point); spares come from later
//! production (further down the learning curve) and pass incoming inspection, and a latent
//! defect shows within $m \ll$ the horizon, so re-drawing it per replacement would count one
//! lot's escapes again. For a pluggable module (and the NIC) $p$ is per module; for a
//! co-packaged switch it is per package, and the defect sits on one of its ports drawn at random.
//! A switch fed by ELS modules has its own probability (per switch, `weak_laser_probability`)
//! that its ELS were installed with a weak laser: one laser of the switch's ELS, drawn at
//! random, then carries a latent defect of the laser's mean $m$.
//!
//! # Link state and repair policies
//! A link is up iff both end ports are up, both switches (or the GPU's NIC) are up, and, for a
//! port fed by an external laser source (ELS), its ELS has at least $k$ of its $n$ lasers up.
//! Each link keeps a count of the reasons it is down; it is up when the count is 0.
//! - [`PortKind::Module`] (pluggable, LPO): a failed module is swapped (one spare from the tier's
//!   pool, one technician for the [`Repair`] time); the link is down from the failure to the end
//!   of the swap. A switch replaced after a hardware failure keeps its modules (they move over).
//! - [`PortKind::CoPackaged`]: the engine port is in the switch package. A failed port stays down
//!   while the switch keeps running, until $F$ of its ports are down; then the switch is
//!   replaced (one spare switch, one technician, `replace` time), which takes **all** its ports
//!   down from the start of the replacement (the drain) to its end (blast radius); the new
//!   switch has all-new ports. Port failures of a switch that is down are not counted (the
//!   package is on its way out).
//! - [`PortKind::CoPackagedEls`]: engine ports as co-packaged; lasers in front-panel ELS modules
//!   of $n$ lasers feeding `ports_per_els` ports, $k$ needed. [`ElsService::SwapModule`]: any
//!   laser failure calls for a swap of the whole ELS (hot-swap: the fed links are down only while
//!   fewer than $k$ lasers work; the seconds of the pull itself are neglected);
//!   [`ElsService::SwapLaser`]: each failed laser is replaced on its own (a $k$-of-$n$ system
//!   with independent repair). ELS modules move to a replacement switch.
//! - Switch hardware (ASIC, board, power, fans; [`SwitchHardware`]): a failure takes the switch
//!   and all its links down until it is replaced.
//!
//! # Spares and technicians
//! Each tier has a pool of its field-replaceable port units (modules, ELS or lasers) and one of
//! switches; the NIC has its own. Base-stock policy: every demand orders one unit, arriving after
//! the lead time; a demand is served from stock, else waits for the next arrival (first come,
//! first served). A repair holding its spare joins one first-in first-out queue for
//! `technicians` technicians and holds one for its duration, drawn from [`Repair`]: lognormal
//! $D = \tilde D e^{\sigma Z}$ (median $\tilde D$) or exponential.
//!
//! # Job and goodput
//! A synchronous job runs on the first `job.gpus` GPUs (the first leaves). It is interrupted
//! (a) when an event takes down one of its GPU-leaf links that was up (a port or NIC failure, a
//! leaf failure, a co-packaged leaf's planned replacement at its start), (b) by a GPU or host
//! failure, Poisson at rate $g \cdot N_\mathrm{job}$, (c) by a flap of one of its links, Poisson
//! at rate $f \cdot N_\mathrm{job}$. The job restarts at once on spare nodes, so only the
//! interruption times matter. Failures of upper-tier links (leaf-spine, spine-core) do not
//! interrupt it: a leaf has $h$ equal-cost uplinks, so one failed uplink costs $2/r$ of the
//! leaf's bandwidth and traffic reroutes (an assumption, stated up front, not a fit).
//!
//! Between interruptions the job spends the restart time $R$, then repeats $\tau$ of work and
//! $C$ of checkpoint writing; work since the last completed checkpoint is lost. A segment of
//! length $\ell$ between interruptions yields $\tau \lfloor (\ell - R)^+/(\tau + C) \rfloor$
//! useful hours (the last one, cut by the horizon, also keeps its work in progress, up to
//! $\tau$). Goodput is useful time over wall time. For Poisson interruptions at rate
//! $\lambda = 1/M$ the segments are exponential and renewal-reward gives
//! $$\Gamma(\tau) = \frac{\lambda\tau\, e^{-\lambda R}}{e^{\lambda(\tau + C)} - 1},$$
//! maximal where $e^{\lambda(\tau + C)}(1 - \lambda\tau) = 1$, i.e.
//! $\tau^* = M\,[1 + W_0(-e^{-1 - C/M})]$ (Lambert $W$); Young's first-order value is
//! $\sqrt{2CM}$ and Daly's $\sqrt{2CM}\,[1 + \frac13\sqrt{C/2M} + \frac{C/2M}{9}] - C$. The
//! engine finds the optimum on the simulated interruption times themselves
//! ([`optimal_checkpoint_interval_h`]: a log grid over $[\tau_Y/30, 30\tau_Y]$, then golden
//! section), so bursts and non-Poisson failures count, and reports Young's value beside it.
//!
//! Each interruption has a cause ([`JobCause`]): the port, its own lasers or a latent defect
//! of the job link's leaf end, the leaf's ELS lasers, the NIC, the leaf's hardware, the drain of
//! a co-packaged leaf's planned replacement, a flap or a GPU (the first of the job's links that
//! an event takes down names it). Each interruption is charged the work it destroys (since the
//! last completed checkpoint, $(\ell - R)^+ \bmod (\tau + C)$ of its segment) and the restart
//! after it (cut short by the next interruption); the rest of wall minus useful time (the
//! checkpoint writes, the first start) is overhead, so the causes and the overhead add up to
//! the GPU-hours lost ([`lost_h_by_cause`]). This is an accounting of the simulated losses, not
//! the goodput each cause would give alone (removing a cause also lengthens other segments).
//! Each replication's optimum is the maximum of its own noisy goodput curve, biased upward by
//! $O(1/n)$ for $n$ interruptions per replication (2.5 % at $n \approx 1800$, $C/M = 0.01$), and
//! so is the goodput at it.
//!
//! # Estimates
//! Each replication runs an event queue (a binary heap ordered by time, ties by sequence
//! number) over per-component state (the pending failure of each unit, no history), with its
//! own ChaCha8 stream (`seed`, replication index), so results do not depend on the thread
//! count. Results are means over replications with their standard errors
//! $s/\sqrt{n_\mathrm{rep}}$. A year is 8766 h, a month 730.5 h.
//!
//! **Architecture invariant:** pure and deterministic for a seed.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

/// Hours per year (365.25 days).
pub const HOURS_PER_YEAR: f64 = 8766.0;

/// Hours per month of the timeline (a twelfth of [`HOURS_PER_YEAR`]).
pub const HOURS_PER_MONTH: f64 = HOURS_PER_YEAR / 12.0;

/// The most job interruptions (GPU failures, flaps and network failures expected from their
/// rates) one replication takes: their times are kept, sorted, to find the goodput-optimal
/// checkpoint interval, so memory and time grow with them. 1e7 over five years of a
/// 16,384-GPU job is an interruption every 16 s: the job makes no progress long before.
pub const MAX_JOB_INTERRUPTIONS: f64 = 1e7;

/// Boltzmann constant, eV/K.
pub const BOLTZMANN_EV_PER_K: f64 = 8.617_333_262e-5;

/// Everything the fleet engine needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FleetInputs {
    /// Monte Carlo seed.
    pub seed: u64,
    /// Replications (at least 2, for standard errors).
    pub replications: usize,
    /// Simulated time, years.
    pub years: f64,
    /// GPUs in the cluster, one scale-out port each.
    pub gpus: usize,
    /// Switch ports at the fabric's port speed.
    pub radix: usize,
    /// Switch tiers, leaf first (2 or 3).
    pub tiers: Vec<TierInputs>,
    /// The GPU end of each GPU-leaf link.
    pub nic: NicInputs,
    /// Switch hardware other than the optics.
    pub switch: SwitchHardware,
    /// GPU and host failures that interrupt the job, per GPU-hour.
    pub gpu_interruptions_per_gpu_h: f64,
    /// Technicians on site (a shared first-in first-out queue).
    pub technicians: usize,
    /// The training job.
    pub job: JobInputs,
}

/// One tier of switches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierInputs {
    /// The technology of every port on this tier's switches.
    pub technology: PortTechnology,
    /// Spare switches for this tier.
    pub switch_spares: Spares,
}

/// A port technology.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortTechnology {
    /// Name, for the results.
    pub name: String,
    /// How the optics sit and are serviced.
    pub kind: PortKind,
    /// The module (Module) or the co-packaged engine's share per port (driver, modulator,
    /// photodiode, TIA).
    pub port: Component,
    /// The laser: for [`PortKind::CoPackagedEls`] one ELS laser (required); for the other kinds
    /// an optional separate failure mode of the port (`None`: the laser is inside `port`'s
    /// rates).
    pub laser: Option<Component>,
    /// Module swap (Module), ELS or laser swap (CoPackagedEls); unused by CoPackaged.
    pub port_repair: Repair,
    /// Probability of a latent defect: per module (Module), per package (co-packaged kinds).
    pub infant_probability: f64,
    /// Spare field-replaceable port units: modules (Module), ELS modules or lasers
    /// (CoPackagedEls); unused by CoPackaged.
    pub spares: Spares,
}

/// How a port's optics sit and are serviced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PortKind {
    /// A field-replaceable module per port end (pluggable or LPO).
    Module,
    /// Optics in the switch package, lasers inside.
    CoPackaged {
        /// Failed ports that trigger the switch's replacement (at least 1).
        replace_after_failed_ports: usize,
    },
    /// Optics in the switch package, lasers in external laser sources.
    CoPackagedEls {
        /// Ports fed by one ELS.
        ports_per_els: usize,
        /// Lasers in one ELS.
        lasers_per_els: usize,
        /// Lasers needed for the fed ports to work ($k$ of $n$).
        lasers_needed: usize,
        /// What is swapped when a laser fails.
        service: ElsService,
        /// Failed engine ports that trigger the switch's replacement (at least 1).
        replace_after_failed_ports: usize,
        /// Probability that a switch's ELS modules were installed with a weak laser (the yield
        /// engine's ELS escapes, per switch): one laser of the switch's ELS, drawn at random,
        /// then carries a latent defect with the laser's `infant_mean_h`.
        weak_laser_probability: f64,
    },
}

/// What is swapped when an ELS laser fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ElsService {
    /// The whole ELS module, with all-new lasers.
    SwapModule,
    /// The failed laser only (lasers as separate field-replaceable units).
    SwapLaser,
}

/// The GPU end of a GPU-leaf link: a field-replaceable module in the server's NIC.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NicInputs {
    /// The module.
    pub port: Component,
    /// Module swap.
    pub repair: Repair,
    /// Probability of a latent defect per module.
    pub infant_probability: f64,
    /// Spare modules.
    pub spares: Spares,
}

/// Switch hardware other than the optics: ASIC, board, power supplies, fans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwitchHardware {
    /// Constant failure rate, failures per 1e9 h.
    pub hardware_fit: f64,
    /// Whole-switch replacement (drain, swap, re-cable, validate).
    pub replace: Repair,
}

/// A spares pool.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spares {
    /// Units on the shelf at the start.
    pub initial_units: usize,
    /// Delivery time of a reorder, h (every use orders one).
    pub reorder_lead_h: f64,
}

/// The lifetime model of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Component {
    /// Constant random failure rate, failures per 1e9 h.
    pub random_fit: f64,
    /// Weibull wear-out shape $\beta$.
    pub weibull_shape: f64,
    /// Weibull characteristic life at the reference temperature, h (infinite: no wear-out).
    pub weibull_scale_h: f64,
    /// Arrhenius activation energy of wear-out, eV.
    pub activation_energy_ev: f64,
    /// Temperature at which the characteristic life holds, °C.
    pub ref_temp_c: f64,
    /// Operating temperature, °C.
    pub temp_c: f64,
    /// Mean time to failure of a latent defect, h.
    pub infant_mean_h: f64,
    /// Temperature at which `random_fit` is quoted, °C: the random rate is scaled from it to
    /// `temp_c` by the Arrhenius factor with `activation_energy_ev`. `None`: `random_fit` holds
    /// at the operating point (a field rate).
    pub random_fit_ref_temp_c: Option<f64>,
}

impl Component {
    /// The random failure rate at the operating temperature, FIT: `random_fit` times the
    /// Arrhenius factor from `random_fit_ref_temp_c` to `temp_c` (1 without a reference).
    #[must_use]
    pub fn random_fit_at_temp(&self) -> f64 {
        match self.random_fit_ref_temp_c {
            Some(ref_temp_c) => {
                self.random_fit
                    * arrhenius_factor(self.activation_energy_ev, ref_temp_c, self.temp_c)
            }
            None => self.random_fit,
        }
    }
}

/// A repair-time distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Repair {
    /// Lognormal: median times $e^{\sigma Z}$ ($\sigma = 0$: deterministic).
    LogNormal {
        /// Median, h.
        median_h: f64,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// Exponential (memoryless, for closed-form checks).
    Exponential {
        /// Mean, h.
        mean_h: f64,
    },
}

/// The training job.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct JobInputs {
    /// GPUs of the job (at most the cluster), on the first leaves.
    pub gpus: usize,
    /// Work between checkpoints, h.
    pub checkpoint_interval_h: f64,
    /// Time to write a checkpoint, h.
    pub checkpoint_cost_h: f64,
    /// Time to restart from a checkpoint after an interruption, h.
    pub restart_cost_h: f64,
    /// Transient link flaps that interrupt the job and need no repair, per link-hour.
    pub flaps_per_link_h: f64,
}

/// Bad fleet input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FleetInputError {
    /// A value out of its range.
    #[error("fleet: {name} = {value}; expected {expected}")]
    OutOfRange {
        /// The input's path.
        name: String,
        /// Its value.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// A negative or non-finite repair time.
    #[error("fleet: {name} = {value_h} h; expected a repair time >= 0 h")]
    NegativeRepairTime {
        /// The input's path.
        name: String,
        /// Its value, h.
        value_h: f64,
    },
    /// A Weibull shape that is not positive.
    #[error("fleet: {name} = {value}; expected a Weibull shape > 0")]
    BadWeibullShape {
        /// The input's path.
        name: String,
        /// Its value.
        value: f64,
    },
    /// A pool with no spares that is never restocked.
    #[error(
        "fleet: {name} has 0 spares and a reorder lead time of 0 h; give spares or a lead time"
    )]
    NoSpares {
        /// The pool's path.
        name: String,
    },
    /// More GPUs than the radix can connect in the tiers given.
    #[error(
        "fleet: {gpus} GPUs do not fit {tiers} tiers of radix {radix} (at most {max_gpus} GPUs)"
    )]
    TopologyNotBuildable {
        /// GPUs asked for.
        gpus: usize,
        /// Switch radix.
        radix: usize,
        /// Tiers.
        tiers: usize,
        /// The most GPUs those tiers hold.
        max_gpus: usize,
    },
    /// Poisson job interruptions (GPU failures and flaps) beyond [`MAX_JOB_INTERRUPTIONS`].
    #[error(
        "fleet: {expected:.3e} job interruptions expected per replication ({gpu_per_gpu_h} GPU \
         interruptions + {flaps_per_link_h} flaps, per GPU-hour, x {job_gpus} job GPUs x \
         {horizon_h} h); expected at most {MAX_JOB_INTERRUPTIONS:e} (the job would make no \
         progress)"
    )]
    TooManyInterruptions {
        /// Expected interruptions per replication.
        expected: f64,
        /// GPU and host interruptions per GPU-hour.
        gpu_per_gpu_h: f64,
        /// Flaps per link-hour.
        flaps_per_link_h: f64,
        /// GPUs of the job.
        job_gpus: usize,
        /// Simulated hours.
        horizon_h: f64,
    },
    /// A job larger than the cluster.
    #[error("fleet: job.gpus = {job_gpus} is larger than the cluster's {gpus} GPUs")]
    JobTooLarge {
        /// GPUs of the job.
        job_gpus: usize,
        /// GPUs of the cluster.
        gpus: usize,
    },
}

/// A mean over replications with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The mean.
    pub mean: f64,
    /// Its standard error.
    pub se: f64,
}

impl Estimate {
    fn of(values: impl Iterator<Item = f64>) -> Estimate {
        let values: Vec<f64> = values.collect();
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        if values.len() < 2 {
            return Estimate { mean, se: 0.0 };
        }
        let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        Estimate { mean, se: (variance / n).sqrt() }
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
    /// destroyed and the restarts that followed them ([`lost_h_by_cause`]).
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

// ---------------------------------------------------------------------------------------------
// Checks

fn out_of_range(name: &str, value: f64, expected: &'static str) -> FleetInputError {
    FleetInputError::OutOfRange { name: name.to_string(), value, expected }
}

fn check_probability(name: &str, value: f64) -> Result<(), FleetInputError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(out_of_range(name, value, "a probability in [0, 1]"))
    }
}

fn check_non_negative(name: &str, value: f64) -> Result<(), FleetInputError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(out_of_range(name, value, "a finite value >= 0"))
    }
}

fn check_component(name: &str, component: &Component) -> Result<(), FleetInputError> {
    check_non_negative(&format!("{name}.random_fit"), component.random_fit)?;
    let shape = component.weibull_shape;
    if !(shape.is_finite() && shape > 0.0) {
        return Err(FleetInputError::BadWeibullShape {
            name: format!("{name}.weibull_shape"),
            value: shape,
        });
    }
    if component.weibull_scale_h.is_nan() || component.weibull_scale_h <= 0.0 {
        return Err(out_of_range(
            &format!("{name}.weibull_scale_h"),
            component.weibull_scale_h,
            "a characteristic life > 0 h (inf: no wear-out)",
        ));
    }
    check_non_negative(&format!("{name}.activation_energy_ev"), component.activation_energy_ev)?;
    let random_ref = component.random_fit_ref_temp_c;
    for (field, value) in [
        ("ref_temp_c", Some(component.ref_temp_c)),
        ("temp_c", Some(component.temp_c)),
        ("random_fit_ref_temp_c", random_ref),
    ] {
        let Some(value) = value else { continue };
        if !(value.is_finite() && value > -273.15) {
            return Err(out_of_range(
                &format!("{name}.{field}"),
                value,
                "a temperature above absolute zero, °C",
            ));
        }
    }
    if !(component.infant_mean_h.is_finite() && component.infant_mean_h > 0.0) {
        return Err(out_of_range(
            &format!("{name}.infant_mean_h"),
            component.infant_mean_h,
            "a finite mean > 0 h",
        ));
    }
    Ok(())
}

fn check_repair(name: &str, repair: &Repair) -> Result<(), FleetInputError> {
    let (field, value_h) = match *repair {
        Repair::LogNormal { median_h, sigma } => {
            if !(sigma.is_finite() && sigma >= 0.0) {
                return Err(out_of_range(&format!("{name}.sigma"), sigma, "a log spread >= 0"));
            }
            ("median_h", median_h)
        }
        Repair::Exponential { mean_h } => ("mean_h", mean_h),
    };
    if value_h.is_finite() && value_h >= 0.0 {
        Ok(())
    } else {
        Err(FleetInputError::NegativeRepairTime { name: format!("{name}.{field}"), value_h })
    }
}

fn check_spares(name: &str, spares: &Spares) -> Result<(), FleetInputError> {
    let lead = spares.reorder_lead_h;
    if !(lead.is_finite() && lead >= 0.0) {
        return Err(out_of_range(&format!("{name}.reorder_lead_h"), lead, "a lead time >= 0 h"));
    }
    if spares.initial_units == 0 && lead <= 0.0 {
        return Err(FleetInputError::NoSpares { name: name.to_string() });
    }
    Ok(())
}

/// The most GPUs `tiers` tiers of radix `radix` hold: $r^2/2$ or $r^3/4$.
#[must_use]
pub fn max_gpus(radix: usize, tiers: usize) -> usize {
    match tiers {
        2 => radix * radix / 2,
        3 => radix * radix * radix / 4,
        _ => 0,
    }
}

fn check(inputs: &FleetInputs) -> Result<(), FleetInputError> {
    if inputs.replications < 2 {
        return Err(out_of_range(
            "replications",
            inputs.replications as f64,
            "at least 2 (for standard errors)",
        ));
    }
    if !(inputs.years.is_finite() && inputs.years > 0.0) {
        return Err(out_of_range("years", inputs.years, "a finite time > 0 years"));
    }
    if inputs.gpus == 0 {
        return Err(out_of_range("gpus", 0.0, "at least 1"));
    }
    if inputs.radix < 2 || inputs.radix % 2 == 1 {
        return Err(out_of_range("radix", inputs.radix as f64, "an even number of ports >= 2"));
    }
    let tiers = inputs.tiers.len();
    if !(2..=3).contains(&tiers) {
        return Err(out_of_range("tiers", tiers as f64, "2 or 3 tiers"));
    }
    let most = max_gpus(inputs.radix, tiers);
    if inputs.gpus > most {
        return Err(FleetInputError::TopologyNotBuildable {
            gpus: inputs.gpus,
            radix: inputs.radix,
            tiers,
            max_gpus: most,
        });
    }
    if inputs.job.gpus == 0 {
        return Err(out_of_range("job.gpus", 0.0, "at least 1"));
    }
    if inputs.job.gpus > inputs.gpus {
        return Err(FleetInputError::JobTooLarge { job_gpus: inputs.job.gpus, gpus: inputs.gpus });
    }
    if inputs.technicians == 0 {
        return Err(out_of_range("technicians", 0.0, "at least 1"));
    }
    check_non_negative("gpu_interruptions_per_gpu_h", inputs.gpu_interruptions_per_gpu_h)?;
    check_non_negative("job.flaps_per_link_h", inputs.job.flaps_per_link_h)?;
    let horizon_h = inputs.years * HOURS_PER_YEAR;
    let per_gpu_h = inputs.gpu_interruptions_per_gpu_h + inputs.job.flaps_per_link_h;
    let expected = per_gpu_h * inputs.job.gpus as f64 * horizon_h;
    if expected > MAX_JOB_INTERRUPTIONS {
        return Err(FleetInputError::TooManyInterruptions {
            expected,
            gpu_per_gpu_h: inputs.gpu_interruptions_per_gpu_h,
            flaps_per_link_h: inputs.job.flaps_per_link_h,
            job_gpus: inputs.job.gpus,
            horizon_h,
        });
    }
    let job = &inputs.job;
    if !(job.checkpoint_interval_h.is_finite() && job.checkpoint_interval_h > 0.0) {
        return Err(out_of_range(
            "job.checkpoint_interval_h",
            job.checkpoint_interval_h,
            "a finite interval > 0 h",
        ));
    }
    for (name, value) in [
        ("job.checkpoint_cost_h", job.checkpoint_cost_h),
        ("job.restart_cost_h", job.restart_cost_h),
    ] {
        if !(value.is_finite() && value >= 0.0) {
            return Err(out_of_range(name, value, "a finite time >= 0 h"));
        }
    }
    check_component("nic.port", &inputs.nic.port)?;
    check_repair("nic.repair", &inputs.nic.repair)?;
    check_probability("nic.infant_probability", inputs.nic.infant_probability)?;
    check_spares("nic.spares", &inputs.nic.spares)?;
    check_non_negative("switch.hardware_fit", inputs.switch.hardware_fit)?;
    check_repair("switch.replace", &inputs.switch.replace)?;
    for (index, tier) in inputs.tiers.iter().enumerate() {
        let name = format!("tiers[{index}]");
        let technology = &tier.technology;
        check_spares(&format!("{name}.switch_spares"), &tier.switch_spares)?;
        check_component(&format!("{name}.technology.port"), &technology.port)?;
        if let Some(laser) = &technology.laser {
            check_component(&format!("{name}.technology.laser"), laser)?;
        }
        check_probability(
            &format!("{name}.technology.infant_probability"),
            technology.infant_probability,
        )?;
        let swaps_port_units = match technology.kind {
            PortKind::Module => true,
            PortKind::CoPackaged { replace_after_failed_ports } => {
                if replace_after_failed_ports == 0 {
                    return Err(out_of_range(
                        &format!("{name}.technology.kind.replace_after_failed_ports"),
                        0.0,
                        "at least 1 failed port",
                    ));
                }
                false
            }
            PortKind::CoPackagedEls {
                ports_per_els,
                lasers_per_els,
                lasers_needed,
                replace_after_failed_ports,
                weak_laser_probability,
                ..
            } => {
                let kind = format!("{name}.technology.kind");
                check_probability(
                    &format!("{kind}.weak_laser_probability"),
                    weak_laser_probability,
                )?;
                if replace_after_failed_ports == 0 {
                    return Err(out_of_range(
                        &format!("{kind}.replace_after_failed_ports"),
                        0.0,
                        "at least 1 failed port",
                    ));
                }
                if ports_per_els == 0 {
                    return Err(out_of_range(&format!("{kind}.ports_per_els"), 0.0, "at least 1"));
                }
                if lasers_per_els == 0 || lasers_per_els > usize::from(u16::MAX) {
                    return Err(out_of_range(
                        &format!("{kind}.lasers_per_els"),
                        lasers_per_els as f64,
                        "1 to 65535 lasers",
                    ));
                }
                if lasers_needed == 0 || lasers_needed > lasers_per_els {
                    return Err(out_of_range(
                        &format!("{kind}.lasers_needed"),
                        lasers_needed as f64,
                        "1 to lasers_per_els",
                    ));
                }
                if technology.laser.is_none() {
                    return Err(out_of_range(
                        &format!("{name}.technology.laser"),
                        f64::NAN,
                        "an ELS laser component for CoPackagedEls",
                    ));
                }
                true
            }
        };
        if swaps_port_units {
            check_repair(&format!("{name}.technology.port_repair"), &technology.port_repair)?;
            check_spares(&format!("{name}.technology.spares"), &technology.spares)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Lifetimes and repair times

/// A component's lifetime with the Arrhenius factor applied.
#[derive(Debug, Clone, Copy)]
struct Lifetime {
    rate_per_h: f64,
    /// $\eta / A$, h (infinite: no wear-out).
    scale_h: f64,
    inverse_shape: f64,
    infant_mean_h: f64,
}

/// Arrhenius acceleration factor from reference to operating temperature.
#[must_use]
pub fn arrhenius_factor(activation_energy_ev: f64, ref_temp_c: f64, temp_c: f64) -> f64 {
    let kelvin = |celsius: f64| celsius + 273.15;
    (activation_energy_ev / BOLTZMANN_EV_PER_K * (1.0 / kelvin(ref_temp_c) - 1.0 / kelvin(temp_c)))
        .exp()
}

/// Exponential with unit mean.
fn unit_exponential(rng: &mut ChaCha8Rng) -> f64 {
    -(1.0 - rng.random::<f64>()).ln()
}

impl Lifetime {
    fn of(component: &Component) -> Lifetime {
        let factor = arrhenius_factor(
            component.activation_energy_ev,
            component.ref_temp_c,
            component.temp_c,
        );
        Lifetime {
            rate_per_h: component.random_fit_at_temp() * 1e-9,
            scale_h: component.weibull_scale_h / factor,
            inverse_shape: 1.0 / component.weibull_shape,
            infant_mean_h: component.infant_mean_h,
        }
    }

    fn sample(&self, infant: bool, rng: &mut ChaCha8Rng) -> f64 {
        self.sample_latent(infant, rng).0
    }

    /// The lifetime and whether the latent defect ended it.
    fn sample_latent(&self, infant: bool, rng: &mut ChaCha8Rng) -> (f64, bool) {
        let mut time = f64::INFINITY;
        if self.rate_per_h > 0.0 {
            time = unit_exponential(rng) / self.rate_per_h;
        }
        if self.scale_h.is_finite() {
            time = time.min(self.scale_h * unit_exponential(rng).powf(self.inverse_shape));
        }
        if infant {
            let latent = self.infant_mean_h * unit_exponential(rng);
            if latent < time {
                return (latent, true);
            }
        }
        (time, false)
    }
}

fn sample_repair(repair: &Repair, rng: &mut ChaCha8Rng) -> f64 {
    match *repair {
        Repair::LogNormal { median_h, sigma } => {
            if sigma > 0.0 {
                let z: f64 = StandardNormal.sample(rng);
                median_h * (sigma * z).exp()
            } else {
                median_h
            }
        }
        Repair::Exponential { mean_h } => mean_h * unit_exponential(rng),
    }
}

// ---------------------------------------------------------------------------------------------
// Topology

const NONE: u32 = u32::MAX;

/// How a class of port ends is serviced (tiers, then the NIC).
#[derive(Debug, Clone, Copy)]
enum Service {
    Module,
    CoPackaged { threshold: u32 },
    Els { lasers: u16, needed: u16, service: ElsService, threshold: u32 },
}

#[derive(Debug, Clone)]
struct Class {
    service: Service,
    port: Lifetime,
    /// A separate laser failure mode of the port (Module, CoPackaged).
    port_laser: Option<Lifetime>,
    /// The ELS laser (CoPackagedEls).
    els_laser: Option<Lifetime>,
    repair: Repair,
    infant_probability: f64,
    /// Per switch: one of its ELS lasers is weak (CoPackagedEls).
    weak_laser_probability: f64,
    /// What a failure of this class's port ends is: `Nic` for the NIC class, else `Port`.
    port_cause: JobCause,
}

impl Class {
    /// The port's lifetime and its cause: the port itself (or its latent defect) or its
    /// separate laser, whichever fails first.
    fn sample_port(&self, infant: bool, rng: &mut ChaCha8Rng) -> (f64, JobCause) {
        let (time, latent) = self.port.sample_latent(infant, rng);
        let cause = match (latent, self.port_cause) {
            (true, JobCause::Port) => JobCause::LatentDefect,
            (_, cause) => cause,
        };
        match &self.port_laser {
            Some(laser) => {
                let laser_time = laser.sample(false, rng);
                if laser_time < time { (laser_time, JobCause::PortLaser) } else { (time, cause) }
            }
            None => (time, cause),
        }
    }

    fn is_co_packaged(&self) -> bool {
        !matches!(self.service, Service::Module)
    }
}

/// The wiring, shared by all replications. End `2 l` is the lower end of link `l`, `2 l + 1`
/// the upper; link `l` is of tier `l / gpus`.
#[derive(Debug, Clone)]
struct Fabric {
    gpus: usize,
    tiers: usize,
    /// Switch of each end (NONE for a NIC end).
    end_switch: Vec<u32>,
    switch_tier: Vec<u8>,
    /// Ends of switch `s`: `switch_ends[switch_offsets[s]..switch_offsets[s + 1]]`.
    switch_offsets: Vec<u32>,
    switch_ends: Vec<u32>,
    /// Ends fed by ELS `e`: a range of `switch_ends`.
    els_ranges: Vec<(u32, u32)>,
    els_tier: Vec<u8>,
    /// First laser of ELS `e` (one more entry at the end).
    els_laser_offsets: Vec<u32>,
    laser_els: Vec<u32>,
    /// Lasers of switch `s` (of its ELS): `switch_lasers[s].0..switch_lasers[s].1`.
    switch_lasers: Vec<(u32, u32)>,
    counts: TopologyCounts,
}

impl Fabric {
    fn build(inputs: &FleetInputs) -> Fabric {
        let gpus = inputs.gpus;
        let half = inputs.radix / 2;
        let tiers = inputs.tiers.len();
        let links = tiers * gpus;
        let leaves = gpus.div_ceil(half);
        let top = gpus.div_ceil(inputs.radix);
        let pods = leaves.div_ceil(half);
        // Raw switch index within its tier, per end.
        let leaf = |j: usize| j / half;
        let aggregation = |j: usize| (leaf(j) / half) * half + j % half;
        let mut raw = vec![NONE; 2 * links];
        let mut raw_counts = vec![leaves, if tiers == 2 { top } else { pods * half }];
        if tiers == 3 {
            raw_counts.push(top);
        }
        for j in 0..gpus {
            raw[2 * j + 1] = leaf(j) as u32;
            let link = gpus + j;
            raw[2 * link] = leaf(j) as u32;
            if tiers == 2 {
                raw[2 * link + 1] = (j % top) as u32;
            } else {
                raw[2 * link + 1] = aggregation(j) as u32;
                let link = 2 * gpus + j;
                raw[2 * link] = aggregation(j) as u32;
                raw[2 * link + 1] = (j % top) as u32;
            }
        }
        // The switch tier of an end: the link's tier for the upper end, one below for the lower.
        let end_tier = |end: usize| {
            let tier = end / 2 / gpus;
            if end % 2 == 1 { Some(tier) } else { tier.checked_sub(1) }
        };
        // Compact: number the switches that have a port.
        let mut compact: Vec<Vec<u32>> = raw_counts.iter().map(|&n| vec![NONE; n]).collect();
        for (end, &key) in raw.iter().enumerate() {
            if let Some(tier) = end_tier(end) {
                compact[tier][key as usize] = 0;
            }
        }
        let mut switch_tier = Vec::new();
        for (tier, map) in compact.iter_mut().enumerate() {
            for slot in map.iter_mut() {
                if *slot == 0 {
                    *slot = switch_tier.len() as u32;
                    switch_tier.push(tier as u8);
                }
            }
        }
        let switches = switch_tier.len();
        let end_switch: Vec<u32> = raw
            .iter()
            .enumerate()
            .map(|(end, &key)| match end_tier(end) {
                Some(tier) => compact[tier][key as usize],
                None => NONE,
            })
            .collect();
        let mut switch_offsets = vec![0u32; switches + 1];
        for &switch in &end_switch {
            if switch != NONE {
                switch_offsets[switch as usize + 1] += 1;
            }
        }
        for s in 0..switches {
            switch_offsets[s + 1] += switch_offsets[s];
        }
        let mut fill = switch_offsets.clone();
        let mut switch_ends = vec![0u32; switch_offsets[switches] as usize];
        for (end, &switch) in end_switch.iter().enumerate() {
            if switch != NONE {
                switch_ends[fill[switch as usize] as usize] = end as u32;
                fill[switch as usize] += 1;
            }
        }
        // ELS: consecutive ports of a switch share one.
        let mut els_ranges = Vec::new();
        let mut els_tier = Vec::new();
        let mut els_laser_offsets = vec![0u32];
        let mut laser_els = Vec::new();
        let mut switch_lasers = Vec::with_capacity(switches);
        for s in 0..switches {
            let tier = switch_tier[s] as usize;
            let first_laser = laser_els.len() as u32;
            if let PortKind::CoPackagedEls { ports_per_els, lasers_per_els, .. } =
                inputs.tiers[tier].technology.kind
            {
                let (start, stop) = (switch_offsets[s], switch_offsets[s + 1]);
                let mut first = start;
                while first < stop {
                    let last = (first + ports_per_els as u32).min(stop);
                    let els = els_ranges.len() as u32;
                    els_ranges.push((first, last));
                    els_tier.push(tier as u8);
                    laser_els.extend(std::iter::repeat_n(els, lasers_per_els));
                    els_laser_offsets.push(laser_els.len() as u32);
                    first = last;
                }
            }
            switch_lasers.push((first_laser, laser_els.len() as u32));
        }
        let tier_counts = (0..tiers)
            .map(|tier| {
                let technology = &inputs.tiers[tier].technology;
                let switch_ids: Vec<usize> =
                    (0..switches).filter(|&s| switch_tier[s] as usize == tier).collect();
                let switch_ports: usize = switch_ids
                    .iter()
                    .map(|&s| (switch_offsets[s + 1] - switch_offsets[s]) as usize)
                    .sum();
                let els = els_tier.iter().filter(|&&t| t as usize == tier).count();
                let (modules, engine_ports, els_lasers) = match technology.kind {
                    PortKind::Module => (switch_ports, 0, 0),
                    PortKind::CoPackaged { .. } => (0, switch_ports, 0),
                    PortKind::CoPackagedEls { lasers_per_els, .. } => {
                        (0, switch_ports, els * lasers_per_els)
                    }
                };
                TierCounts {
                    technology: technology.name.clone(),
                    switches: switch_ids.len(),
                    links: gpus,
                    switch_ports,
                    modules,
                    engine_ports,
                    els,
                    els_lasers,
                }
            })
            .collect();
        Fabric {
            gpus,
            tiers,
            end_switch,
            switch_tier,
            switch_offsets,
            switch_ends,
            els_ranges,
            els_tier,
            els_laser_offsets,
            laser_els,
            switch_lasers,
            counts: TopologyCounts {
                gpus,
                tiers: tier_counts,
                nic_modules: gpus,
                links,
                port_ends: 2 * links,
            },
        }
    }

    /// The class of an end: its switch's tier, or `tiers` for a NIC end.
    fn end_class(&self, end: usize) -> usize {
        match self.end_switch[end] {
            NONE => self.tiers,
            switch => self.switch_tier[switch as usize] as usize,
        }
    }

    fn ends_of_switch(&self, switch: usize) -> std::ops::Range<usize> {
        self.switch_offsets[switch] as usize..self.switch_offsets[switch + 1] as usize
    }
}

/// The fabric's counts of switches, links, modules, engine ports, ELS and lasers.
///
/// # Errors
/// [`FleetInputError`] for bad inputs.
pub fn topology(inputs: &FleetInputs) -> Result<TopologyCounts, FleetInputError> {
    check(inputs)?;
    Ok(Fabric::build(inputs).counts)
}

// ---------------------------------------------------------------------------------------------
// Goodput

/// Completed chunks $\sum_i \lfloor \ell_i / w \rfloor$ over the ascending lengths `sorted_h`:
/// as $\sum_{m \ge 1} \#\{\ell_i \ge m w\}$ by binary search when chunks per segment are few,
/// else segment by segment.
fn completed_chunks(sorted_h: &[f64], chunk_h: f64) -> u64 {
    let Some(&longest) = sorted_h.last() else {
        return 0;
    };
    let n = sorted_h.len();
    let levels = longest / chunk_h;
    if levels * (n.ilog2() as f64 + 1.0) < n as f64 {
        let mut total = 0;
        let mut below = 0;
        let mut level = 1.0;
        while level * chunk_h <= longest {
            let threshold = level * chunk_h;
            below += sorted_h[below..].partition_point(|&length| length < threshold);
            total += (n - below) as u64;
            level += 1.0;
        }
        total
    } else {
        // Lengths are >= 0, so truncation is the floor.
        sorted_h.iter().map(|&length| (length / chunk_h) as u64).sum()
    }
}

/// Useful hours: completed chunks of the completed segments (`sorted_h`, after the restart),
/// and of the last segment `last_h` with its work in progress (up to one interval).
fn useful_h(sorted_h: &[f64], last_h: f64, interval_h: f64, cost_h: f64) -> f64 {
    let chunk = interval_h + cost_h;
    let chunks = completed_chunks(sorted_h, chunk) as f64;
    let last_chunks = (last_h / chunk).floor();
    let remainder = last_h - last_chunks * chunk;
    (chunks + last_chunks) * interval_h + remainder.min(interval_h)
}

/// Segment lengths after the restart, $(\ell - R)^+$, for the completed segments (ascending)
/// and for the last one.
fn segments(interruptions_h: &[f64], horizon_h: f64, restart_h: f64) -> (Vec<f64>, f64) {
    let mut start = 0.0;
    let mut lengths = Vec::with_capacity(interruptions_h.len());
    for &time in interruptions_h {
        lengths.push((time - start - restart_h).max(0.0));
        start = time;
    }
    lengths.sort_by(f64::total_cmp);
    (lengths, (horizon_h - start - restart_h).max(0.0))
}

/// Goodput (useful over wall time) of a job with interruptions at the sorted times
/// `interruptions_h` within `horizon_h`, for work `interval_h` between checkpoints of `cost_h`
/// and a restart of `restart_h` after each interruption.
#[must_use]
pub fn goodput(
    interruptions_h: &[f64],
    horizon_h: f64,
    interval_h: f64,
    cost_h: f64,
    restart_h: f64,
) -> f64 {
    let (lengths, last) = segments(interruptions_h, horizon_h, restart_h);
    useful_h(&lengths, last, interval_h, cost_h) / horizon_h
}

/// Job hours lost per cause, and the rest (checkpoint writes, the first start, a checkpoint
/// cut by the horizon), for interruptions at the sorted times `interruptions` with their causes:
/// each interruption is charged the work it destroys (since the last completed checkpoint) and
/// the restart that follows it (cut short by the next interruption or the horizon). The charges
/// and the rest add up to the horizon minus the useful hours of [`goodput`].
#[must_use]
pub fn lost_h_by_cause(
    interruptions: &[(f64, JobCause)],
    horizon_h: f64,
    interval_h: f64,
    cost_h: f64,
    restart_h: f64,
) -> ([f64; JOB_CAUSES.len()], f64) {
    let lost = charged_h(interruptions, horizon_h, interval_h + cost_h, restart_h);
    let times: Vec<f64> = interruptions.iter().map(|&(time, _)| time).collect();
    let useful = goodput(&times, horizon_h, interval_h, cost_h, restart_h) * horizon_h;
    (lost, horizon_h - useful - lost.iter().sum::<f64>())
}

/// The hours charged to each cause by [`lost_h_by_cause`], for chunks of `chunk_h` (work and
/// checkpoint).
fn charged_h(
    interruptions: &[(f64, JobCause)],
    horizon_h: f64,
    chunk_h: f64,
    restart_h: f64,
) -> [f64; JOB_CAUSES.len()] {
    let mut lost = [0.0; JOB_CAUSES.len()];
    let mut start = 0.0;
    for (index, &(time, cause)) in interruptions.iter().enumerate() {
        let work = (time - start - restart_h).max(0.0);
        let in_progress = work - (work / chunk_h).floor() * chunk_h;
        let next = interruptions.get(index + 1).map_or(horizon_h, |&(next, _)| next);
        lost[cause as usize] += in_progress + restart_h.min(next - time);
        start = time;
    }
    lost
}

/// Young's interval $\sqrt{2 C M}$, h.
#[must_use]
pub fn young_interval_h(cost_h: f64, mtbi_h: f64) -> f64 {
    (2.0 * cost_h * mtbi_h).sqrt()
}

/// Daly's higher-order interval $\sqrt{2CM}\,[1 + \frac13\sqrt{C/2M} + \frac{C/2M}{9}] - C$ for
/// $C < 2M$, else $M$, h.
#[must_use]
pub fn daly_interval_h(cost_h: f64, mtbi_h: f64) -> f64 {
    if cost_h >= 2.0 * mtbi_h {
        return mtbi_h;
    }
    let ratio = cost_h / (2.0 * mtbi_h);
    young_interval_h(cost_h, mtbi_h) * (1.0 + ratio.sqrt() / 3.0 + ratio / 9.0) - cost_h
}

/// The goodput-optimal checkpoint interval on given interruption times (sorted), h: a log grid
/// of 121 points over $[\tau_Y/30, 30\tau_Y]$ (Young's value with the sample's mean time between
/// interruptions, the horizon when there are none), capped at the horizon, then golden section
/// around the best grid point. Returns the interval and its goodput.
#[must_use]
pub fn optimal_checkpoint_interval_h(
    interruptions_h: &[f64],
    horizon_h: f64,
    cost_h: f64,
    restart_h: f64,
) -> (f64, f64) {
    let mtbi = horizon_h / interruptions_h.len().max(1) as f64;
    let guess = young_interval_h(cost_h, mtbi).max(1e-3 * mtbi);
    let (lower, upper) = ((guess / 30.0).min(horizon_h), (guess * 30.0).min(horizon_h));
    let (lengths, last) = segments(interruptions_h, horizon_h, restart_h);
    let value = |interval: f64| useful_h(&lengths, last, interval, cost_h) / horizon_h;
    const POINTS: usize = 121;
    let ratio = (upper / lower).powf(1.0 / (POINTS - 1) as f64);
    let grid: Vec<f64> = (0..POINTS).map(|i| lower * ratio.powi(i as i32)).collect();
    let mut best = (grid[0], value(grid[0]));
    let mut best_index = 0;
    for (index, &interval) in grid.iter().enumerate().skip(1) {
        let goodput = value(interval);
        if goodput > best.1 {
            best = (interval, goodput);
            best_index = index;
        }
    }
    let mut a = grid[best_index.saturating_sub(1)];
    let mut b = grid[(best_index + 1).min(POINTS - 1)];
    let golden = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - golden * (b - a);
    let mut d = a + golden * (b - a);
    let (mut value_c, mut value_d) = (value(c), value(d));
    for _ in 0..40 {
        if value_c >= value_d {
            b = d;
            d = c;
            value_d = value_c;
            c = b - golden * (b - a);
            value_c = value(c);
        } else {
            a = c;
            c = d;
            value_c = value_d;
            d = a + golden * (b - a);
            value_d = value(d);
        }
    }
    for candidate in [(c, value_c), (d, value_d)] {
        if candidate.1 > best.1 {
            best = candidate;
        }
    }
    best
}

// ---------------------------------------------------------------------------------------------
// Simulation

/// A repair waiting for or holding a spare and a technician.
#[derive(Debug, Clone, Copy)]
enum Job {
    Module(u32),
    Switch(u32),
    Els(u32),
    Laser(u32),
}

#[derive(Debug, Clone, Copy)]
enum Action {
    EndFails { end: u32, generation: u32, cause: JobCause },
    SwitchFails { switch: u32, generation: u32 },
    LaserFails { laser: u32, generation: u32, latent: bool },
    SpareArrives { pool: u32 },
    RepairDone(Job),
}

#[derive(Debug, Clone, Copy)]
struct Event {
    time_h: f64,
    sequence: u64,
    action: Action,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Event {}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Event {
    /// Reversed, so that the max-heap pops the earliest event (ties: the first scheduled).
    fn cmp(&self, other: &Self) -> Ordering {
        other.time_h.total_cmp(&self.time_h).then(other.sequence.cmp(&self.sequence))
    }
}

#[derive(Debug, Clone, Default)]
struct Pool {
    stock: usize,
    lead_h: f64,
    waiting: VecDeque<Job>,
}

#[derive(Debug, Clone, Default)]
struct TierTally {
    port_failures: u64,
    port_repairs: u64,
    laser_failures: u64,
    els_repairs: u64,
    switch_failures: u64,
    switch_replacements: u64,
    port_spares: u64,
    switch_spares: u64,
    link_down_h: f64,
}

/// One replication's counts.
#[derive(Debug, Clone, Default)]
struct Tally {
    tiers: Vec<TierTally>,
    nic_failures: u64,
    nic_repairs: u64,
    nic_spares: u64,
    technician_h: f64,
    job_down_h: f64,
    network: u64,
    gpu: u64,
    flap: u64,
    /// Interruptions per cause ([`JOB_CAUSES`] order).
    cause_interruptions: [u64; JOB_CAUSES.len()],
    /// Job hours lost per cause.
    cause_lost_h: [f64; JOB_CAUSES.len()],
    /// Job hours lost to no interruption (checkpoint writes, the first start).
    overhead_h: f64,
    goodput: f64,
    optimal_interval_h: f64,
    optimal_goodput: f64,
    month_links_down_h: Vec<f64>,
    month_interruptions: Vec<u64>,
}

struct Simulation<'a> {
    inputs: &'a FleetInputs,
    fabric: &'a Fabric,
    classes: &'a [Class],
    switch_life: f64,
    rng: ChaCha8Rng,
    horizon_h: f64,
    now_h: f64,
    last_h: f64,
    sequence: u64,
    heap: BinaryHeap<Event>,
    link_down: Vec<u16>,
    end_failed: Vec<bool>,
    end_generation: Vec<u32>,
    switch_down: Vec<bool>,
    switch_requested: Vec<bool>,
    switch_failed_ports: Vec<u32>,
    switch_generation: Vec<u32>,
    els_up: Vec<u16>,
    els_requested: Vec<bool>,
    laser_generation: Vec<u32>,
    tier_links_down: Vec<u64>,
    job_links_down: u64,
    job_hit: bool,
    /// What the current event is (for the job's interruptions).
    cause: JobCause,
    /// What took the first of the job's links down in the current event.
    hit_cause: JobCause,
    pools: Vec<Pool>,
    free_technicians: usize,
    technician_queue: VecDeque<Job>,
    network_times_h: Vec<(f64, JobCause)>,
    tally: Tally,
}

impl<'a> Simulation<'a> {
    fn new(
        inputs: &'a FleetInputs,
        fabric: &'a Fabric,
        classes: &'a [Class],
        replication: usize,
    ) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(inputs.seed);
        rng.set_stream(replication as u64);
        let horizon_h = inputs.years * HOURS_PER_YEAR;
        let months = (horizon_h / HOURS_PER_MONTH).ceil().max(1.0) as usize;
        let ends = fabric.end_switch.len();
        let switches = fabric.switch_tier.len();
        let tiers = fabric.tiers;
        let mut pools = Vec::with_capacity(2 * tiers + 1);
        for tier in &inputs.tiers {
            let spares = tier.technology.spares;
            pools.push(Pool {
                stock: spares.initial_units,
                lead_h: spares.reorder_lead_h,
                waiting: VecDeque::new(),
            });
        }
        for tier in &inputs.tiers {
            pools.push(Pool {
                stock: tier.switch_spares.initial_units,
                lead_h: tier.switch_spares.reorder_lead_h,
                waiting: VecDeque::new(),
            });
        }
        pools.push(Pool {
            stock: inputs.nic.spares.initial_units,
            lead_h: inputs.nic.spares.reorder_lead_h,
            waiting: VecDeque::new(),
        });
        let els_up = fabric
            .els_tier
            .iter()
            .map(|&tier| match classes[tier as usize].service {
                Service::Els { lasers, .. } => lasers,
                _ => 0,
            })
            .collect();
        Simulation {
            inputs,
            fabric,
            classes,
            switch_life: inputs.switch.hardware_fit * 1e-9,
            rng,
            horizon_h,
            now_h: 0.0,
            last_h: 0.0,
            sequence: 0,
            heap: BinaryHeap::new(),
            link_down: vec![0; ends / 2],
            end_failed: vec![false; ends],
            end_generation: vec![0; ends],
            switch_down: vec![false; switches],
            switch_requested: vec![false; switches],
            switch_failed_ports: vec![0; switches],
            switch_generation: vec![0; switches],
            els_up,
            els_requested: vec![false; fabric.els_ranges.len()],
            laser_generation: vec![0; fabric.laser_els.len()],
            tier_links_down: vec![0; tiers],
            job_links_down: 0,
            job_hit: false,
            cause: JobCause::Port,
            hit_cause: JobCause::Port,
            pools,
            free_technicians: inputs.technicians,
            technician_queue: VecDeque::new(),
            network_times_h: Vec::new(),
            tally: Tally {
                tiers: vec![TierTally::default(); tiers],
                month_links_down_h: vec![0.0; months],
                month_interruptions: vec![0; months],
                ..Tally::default()
            },
        }
    }

    fn schedule(&mut self, delay_h: f64, action: Action) {
        let time_h = self.now_h + delay_h;
        if time_h < self.horizon_h {
            self.sequence += 1;
            self.heap.push(Event { time_h, sequence: self.sequence, action });
        }
    }

    fn schedule_end(&mut self, end: usize, infant: bool) {
        let class = &self.classes[self.fabric.end_class(end)];
        let (delay, cause) = class.sample_port(infant, &mut self.rng);
        let generation = self.end_generation[end];
        self.schedule(delay, Action::EndFails { end: end as u32, generation, cause });
    }

    fn schedule_switch(&mut self, switch: usize) {
        if self.switch_life > 0.0 {
            let delay = unit_exponential(&mut self.rng) / self.switch_life;
            let generation = self.switch_generation[switch];
            self.schedule(delay, Action::SwitchFails { switch: switch as u32, generation });
        }
    }

    fn schedule_laser(&mut self, laser: usize, infant: bool) {
        let els = self.fabric.laser_els[laser] as usize;
        let tier = self.fabric.els_tier[els] as usize;
        if let Some(life) = self.classes[tier].els_laser {
            let (delay, latent) = life.sample_latent(infant, &mut self.rng);
            let generation = self.laser_generation[laser];
            self.schedule(delay, Action::LaserFails { laser: laser as u32, generation, latent });
        }
    }

    /// The initial population: every unit new, latent defects drawn.
    fn populate(&mut self) {
        let fabric = self.fabric;
        for end in 0..fabric.end_switch.len() {
            let class = &self.classes[fabric.end_class(end)];
            if !class.is_co_packaged() {
                let infant = self.rng.random::<f64>() < class.infant_probability;
                self.schedule_end(end, infant);
            }
        }
        for switch in 0..fabric.switch_tier.len() {
            let class = &self.classes[fabric.switch_tier[switch] as usize];
            if class.is_co_packaged() {
                let ends = fabric.ends_of_switch(switch);
                let infant = if self.rng.random::<f64>() < class.infant_probability {
                    ends.start + self.rng.random_range(0..ends.len())
                } else {
                    usize::MAX
                };
                for index in ends {
                    let end = fabric.switch_ends[index] as usize;
                    self.schedule_end(end, index == infant);
                }
            }
            self.schedule_switch(switch);
        }
        // A switch's ELS modules carry a weak laser with the class's probability: one laser of
        // the switch, drawn at random.
        for switch in 0..fabric.switch_tier.len() {
            let (first, last) = fabric.switch_lasers[switch];
            if first == last {
                continue;
            }
            let class = &self.classes[fabric.switch_tier[switch] as usize];
            // (No draw without weak lasers: the streams of such fabrics stay as they were.)
            let p = class.weak_laser_probability;
            let weak = if p > 0.0 && self.rng.random::<f64>() < p {
                self.rng.random_range(first..last)
            } else {
                NONE
            };
            for laser in first..last {
                self.schedule_laser(laser as usize, laser == weak);
            }
        }
    }

    /// Integrates the down-link counts up to `time_h`.
    fn advance(&mut self, time_h: f64) {
        let dt = time_h - self.last_h;
        if dt <= 0.0 {
            return;
        }
        let mut total = 0u64;
        for (tier, &down) in self.tier_links_down.iter().enumerate() {
            self.tally.tiers[tier].link_down_h += down as f64 * dt;
            total += down;
        }
        if self.job_links_down > 0 {
            self.tally.job_down_h += dt;
        }
        if total > 0 {
            let months = self.tally.month_links_down_h.len();
            let mut start = self.last_h;
            while start < time_h {
                let month = ((start / HOURS_PER_MONTH) as usize).min(months - 1);
                let stop = if month + 1 == months {
                    time_h
                } else {
                    time_h.min((month + 1) as f64 * HOURS_PER_MONTH)
                };
                self.tally.month_links_down_h[month] += total as f64 * (stop - start);
                start = stop;
            }
        }
        self.last_h = time_h;
    }

    fn link_down(&mut self, link: usize) {
        if self.link_down[link] == 0 {
            self.tier_links_down[link / self.fabric.gpus] += 1;
            if link < self.inputs.job.gpus {
                // A job link that was up went down: the job is hit (even if others were down).
                self.job_links_down += 1;
                if !self.job_hit {
                    self.job_hit = true;
                    self.hit_cause = self.cause;
                }
            }
        }
        self.link_down[link] += 1;
    }

    fn link_up(&mut self, link: usize) {
        self.link_down[link] -= 1;
        if self.link_down[link] == 0 {
            self.tier_links_down[link / self.fabric.gpus] -= 1;
            if link < self.inputs.job.gpus {
                self.job_links_down -= 1;
            }
        }
    }

    fn switch_links(&mut self, switch: usize, down: bool) {
        for index in self.fabric.ends_of_switch(switch) {
            let link = self.fabric.switch_ends[index] as usize / 2;
            if down { self.link_down(link) } else { self.link_up(link) }
        }
    }

    fn els_links(&mut self, els: usize, down: bool) {
        let (first, last) = self.fabric.els_ranges[els];
        for index in first as usize..last as usize {
            let link = self.fabric.switch_ends[index] as usize / 2;
            if down { self.link_down(link) } else { self.link_up(link) }
        }
    }

    /// Pools: tier port units `0..tiers`, tier switches `tiers..2 tiers`, NIC modules `2 tiers`.
    fn pool_of(&self, job: Job) -> usize {
        let fabric = self.fabric;
        match job {
            // A NIC end's class is `tiers`; its pool is `2 tiers`.
            Job::Module(end) => match fabric.end_class(end as usize) {
                class if class == fabric.tiers => 2 * fabric.tiers,
                class => class,
            },
            Job::Switch(switch) => fabric.tiers + fabric.switch_tier[switch as usize] as usize,
            Job::Els(els) => fabric.els_tier[els as usize] as usize,
            Job::Laser(laser) => {
                fabric.els_tier[fabric.laser_els[laser as usize] as usize] as usize
            }
        }
    }

    fn count_spare(&mut self, pool: usize) {
        let tiers = self.fabric.tiers;
        if pool < tiers {
            self.tally.tiers[pool].port_spares += 1;
        } else if pool < 2 * tiers {
            self.tally.tiers[pool - tiers].switch_spares += 1;
        } else {
            self.tally.nic_spares += 1;
        }
    }

    /// A repair is needed: order a spare (base stock), take one or wait.
    fn request(&mut self, job: Job) {
        let pool = self.pool_of(job);
        let lead_h = self.pools[pool].lead_h;
        if lead_h > 0.0 {
            self.schedule(lead_h, Action::SpareArrives { pool: pool as u32 });
        } else {
            self.pools[pool].stock += 1;
        }
        if self.pools[pool].stock > 0 {
            self.pools[pool].stock -= 1;
            self.count_spare(pool);
            self.technician_ready(job);
        } else {
            self.pools[pool].waiting.push_back(job);
        }
    }

    fn spare_arrives(&mut self, pool: usize) {
        match self.pools[pool].waiting.pop_front() {
            Some(job) => {
                self.count_spare(pool);
                self.technician_ready(job);
            }
            None => self.pools[pool].stock += 1,
        }
    }

    fn technician_ready(&mut self, job: Job) {
        if self.free_technicians > 0 {
            self.free_technicians -= 1;
            self.start(job);
        } else {
            self.technician_queue.push_back(job);
        }
    }

    fn start(&mut self, job: Job) {
        let repair = match job {
            Job::Module(end) => self.classes[self.fabric.end_class(end as usize)].repair,
            Job::Switch(_) => self.inputs.switch.replace,
            Job::Els(els) => self.classes[self.fabric.els_tier[els as usize] as usize].repair,
            Job::Laser(laser) => {
                let els = self.fabric.laser_els[laser as usize] as usize;
                self.classes[self.fabric.els_tier[els] as usize].repair
            }
        };
        let duration_h = sample_repair(&repair, &mut self.rng);
        self.tally.technician_h += duration_h;
        if let Job::Switch(switch) = job {
            let switch = switch as usize;
            if !self.switch_down[switch] {
                // The drain of a planned replacement: the blast radius.
                self.switch_down[switch] = true;
                self.cause = JobCause::SwitchReplacement;
                self.switch_links(switch, true);
            }
        }
        // Repairs finishing after the horizon are dropped with the rest of the queue.
        self.schedule(duration_h, Action::RepairDone(job));
    }

    fn end_fails(&mut self, end: usize, generation: u32, cause: JobCause) {
        if generation != self.end_generation[end] {
            return;
        }
        self.cause = cause;
        let class_index = self.fabric.end_class(end);
        let class = &self.classes[class_index];
        let link = end / 2;
        if class.is_co_packaged() {
            let switch = self.fabric.end_switch[end] as usize;
            if self.switch_down[switch] {
                return;
            }
            let threshold = match class.service {
                Service::CoPackaged { threshold } | Service::Els { threshold, .. } => threshold,
                Service::Module => u32::MAX,
            };
            self.tally.tiers[class_index].port_failures += 1;
            self.end_failed[end] = true;
            self.link_down(link);
            self.switch_failed_ports[switch] += 1;
            if self.switch_failed_ports[switch] >= threshold && !self.switch_requested[switch] {
                self.switch_requested[switch] = true;
                self.request(Job::Switch(switch as u32));
            }
        } else {
            if class_index == self.fabric.tiers {
                self.tally.nic_failures += 1;
            } else {
                self.tally.tiers[class_index].port_failures += 1;
            }
            self.end_failed[end] = true;
            self.link_down(link);
            self.request(Job::Module(end as u32));
        }
    }

    fn switch_fails(&mut self, switch: usize, generation: u32) {
        if generation != self.switch_generation[switch] || self.switch_down[switch] {
            return;
        }
        let tier = self.fabric.switch_tier[switch] as usize;
        self.tally.tiers[tier].switch_failures += 1;
        self.cause = JobCause::SwitchHardware;
        self.switch_down[switch] = true;
        self.switch_links(switch, true);
        if !self.switch_requested[switch] {
            self.switch_requested[switch] = true;
            self.request(Job::Switch(switch as u32));
        }
    }

    fn laser_fails(&mut self, laser: usize, generation: u32, latent: bool) {
        if generation != self.laser_generation[laser] {
            return;
        }
        self.cause = if latent { JobCause::LatentDefect } else { JobCause::ElsLaser };
        let els = self.fabric.laser_els[laser] as usize;
        let tier = self.fabric.els_tier[els] as usize;
        let Service::Els { needed, service, .. } = self.classes[tier].service else {
            return;
        };
        self.tally.tiers[tier].laser_failures += 1;
        self.els_up[els] -= 1;
        if self.els_up[els] + 1 == needed {
            self.els_links(els, true);
        }
        match service {
            ElsService::SwapModule => {
                if !self.els_requested[els] {
                    self.els_requested[els] = true;
                    self.request(Job::Els(els as u32));
                }
            }
            ElsService::SwapLaser => self.request(Job::Laser(laser as u32)),
        }
    }

    fn repair_done(&mut self, job: Job) {
        match job {
            Job::Module(end) => {
                let end = end as usize;
                let class = self.fabric.end_class(end);
                if class == self.fabric.tiers {
                    self.tally.nic_repairs += 1;
                } else {
                    self.tally.tiers[class].port_repairs += 1;
                }
                self.end_failed[end] = false;
                self.link_up(end / 2);
                self.end_generation[end] += 1;
                self.schedule_end(end, false);
            }
            Job::Switch(switch) => {
                let switch = switch as usize;
                let tier = self.fabric.switch_tier[switch] as usize;
                self.tally.tiers[tier].switch_replacements += 1;
                self.switch_requested[switch] = false;
                if self.switch_down[switch] {
                    self.switch_down[switch] = false;
                    self.switch_links(switch, false);
                }
                self.switch_generation[switch] += 1;
                self.schedule_switch(switch);
                if self.classes[tier].is_co_packaged() {
                    // A new package: all-new engine ports (no latent defects).
                    self.switch_failed_ports[switch] = 0;
                    for index in self.fabric.ends_of_switch(switch) {
                        let end = self.fabric.switch_ends[index] as usize;
                        if self.end_failed[end] {
                            self.end_failed[end] = false;
                            self.link_up(end / 2);
                        }
                        self.end_generation[end] += 1;
                        self.schedule_end(end, false);
                    }
                }
            }
            Job::Els(els) => {
                let els = els as usize;
                let tier = self.fabric.els_tier[els] as usize;
                let Service::Els { lasers, needed, .. } = self.classes[tier].service else {
                    return;
                };
                self.tally.tiers[tier].els_repairs += 1;
                self.els_requested[els] = false;
                if self.els_up[els] < needed {
                    self.els_links(els, false);
                }
                self.els_up[els] = lasers;
                let lasers = self.fabric.els_laser_offsets[els] as usize
                    ..self.fabric.els_laser_offsets[els + 1] as usize;
                for laser in lasers {
                    self.laser_generation[laser] += 1;
                    self.schedule_laser(laser, false);
                }
            }
            Job::Laser(laser) => {
                let laser = laser as usize;
                let els = self.fabric.laser_els[laser] as usize;
                let tier = self.fabric.els_tier[els] as usize;
                let Service::Els { needed, .. } = self.classes[tier].service else {
                    return;
                };
                self.tally.tiers[tier].els_repairs += 1;
                self.els_up[els] += 1;
                if self.els_up[els] == needed {
                    self.els_links(els, false);
                }
                self.laser_generation[laser] += 1;
                self.schedule_laser(laser, false);
            }
        }
        match self.technician_queue.pop_front() {
            Some(next) => self.start(next),
            None => self.free_technicians += 1,
        }
    }

    /// Poisson times at `rate_per_h` over the horizon.
    fn poisson_times(&mut self, rate_per_h: f64) -> Vec<f64> {
        let mut times = Vec::new();
        if rate_per_h <= 0.0 {
            return times;
        }
        let mut time = 0.0;
        loop {
            time += unit_exponential(&mut self.rng) / rate_per_h;
            if time >= self.horizon_h {
                return times;
            }
            times.push(time);
        }
    }

    fn run(mut self) -> Tally {
        self.populate();
        while let Some(event) = self.heap.pop() {
            self.advance(event.time_h);
            self.now_h = event.time_h;
            self.job_hit = false;
            match event.action {
                Action::EndFails { end, generation, cause } => {
                    self.end_fails(end as usize, generation, cause);
                }
                Action::SwitchFails { switch, generation } => {
                    self.switch_fails(switch as usize, generation);
                }
                Action::LaserFails { laser, generation, latent } => {
                    self.laser_fails(laser as usize, generation, latent);
                }
                Action::SpareArrives { pool } => self.spare_arrives(pool as usize),
                Action::RepairDone(job) => self.repair_done(job),
            }
            if self.job_hit {
                self.network_times_h.push((self.now_h, self.hit_cause));
            }
        }
        self.advance(self.horizon_h);
        let job = self.inputs.job;
        let job_gpus = job.gpus as f64;
        let gpu_times = self.poisson_times(self.inputs.gpu_interruptions_per_gpu_h * job_gpus);
        let flap_times = self.poisson_times(job.flaps_per_link_h * job_gpus);
        self.tally.network = self.network_times_h.len() as u64;
        self.tally.gpu = gpu_times.len() as u64;
        self.tally.flap = flap_times.len() as u64;
        let mut caused = std::mem::take(&mut self.network_times_h);
        caused.extend(gpu_times.iter().map(|&time| (time, JobCause::Gpu)));
        caused.extend(flap_times.iter().map(|&time| (time, JobCause::Flap)));
        caused.sort_by(|a, b| a.0.total_cmp(&b.0));
        let times: Vec<f64> = caused.iter().map(|&(time, _)| time).collect();
        let months = self.tally.month_interruptions.len();
        for &time in &times {
            self.tally.month_interruptions[((time / HOURS_PER_MONTH) as usize).min(months - 1)] +=
                1;
        }
        self.tally.goodput = goodput(
            &times,
            self.horizon_h,
            job.checkpoint_interval_h,
            job.checkpoint_cost_h,
            job.restart_cost_h,
        );
        // lost_h_by_cause, reusing the goodput.
        let lost_h = charged_h(
            &caused,
            self.horizon_h,
            job.checkpoint_interval_h + job.checkpoint_cost_h,
            job.restart_cost_h,
        );
        for &(_, cause) in &caused {
            self.tally.cause_interruptions[cause as usize] += 1;
        }
        self.tally.overhead_h =
            self.horizon_h * (1.0 - self.tally.goodput) - lost_h.iter().sum::<f64>();
        self.tally.cause_lost_h = lost_h;
        let (interval, best) = optimal_checkpoint_interval_h(
            &times,
            self.horizon_h,
            job.checkpoint_cost_h,
            job.restart_cost_h,
        );
        self.tally.optimal_interval_h = interval;
        self.tally.optimal_goodput = best;
        self.tally
    }
}

fn classes(inputs: &FleetInputs) -> Vec<Class> {
    let mut classes: Vec<Class> = inputs
        .tiers
        .iter()
        .map(|tier| {
            let technology = &tier.technology;
            let laser = technology.laser.as_ref().map(Lifetime::of);
            let (service, port_laser, els_laser) = match technology.kind {
                PortKind::Module => (Service::Module, laser, None),
                PortKind::CoPackaged { replace_after_failed_ports } => (
                    Service::CoPackaged {
                        threshold: replace_after_failed_ports.min(u32::MAX as usize) as u32,
                    },
                    laser,
                    None,
                ),
                PortKind::CoPackagedEls {
                    lasers_per_els,
                    lasers_needed,
                    service,
                    replace_after_failed_ports,
                    ..
                } => (
                    Service::Els {
                        lasers: lasers_per_els as u16,
                        needed: lasers_needed as u16,
                        service,
                        threshold: replace_after_failed_ports.min(u32::MAX as usize) as u32,
                    },
                    None,
                    laser,
                ),
            };
            Class {
                service,
                port: Lifetime::of(&technology.port),
                port_laser,
                els_laser,
                repair: technology.port_repair,
                infant_probability: technology.infant_probability,
                weak_laser_probability: match technology.kind {
                    PortKind::CoPackagedEls { weak_laser_probability, .. } => {
                        weak_laser_probability
                    }
                    _ => 0.0,
                },
                port_cause: JobCause::Port,
            }
        })
        .collect();
    classes.push(Class {
        service: Service::Module,
        port: Lifetime::of(&inputs.nic.port),
        port_laser: None,
        els_laser: None,
        repair: inputs.nic.repair,
        infant_probability: inputs.nic.infant_probability,
        weak_laser_probability: 0.0,
        port_cause: JobCause::Nic,
    });
    classes
}

/// Runs the simulation on `threads` threads (the result does not depend on them).
///
/// # Errors
/// [`FleetInputError`] naming the input out of range.
pub fn simulate(inputs: &FleetInputs, threads: usize) -> Result<FleetResult, FleetInputError> {
    check(inputs)?;
    let fabric = Fabric::build(inputs);
    let classes = classes(inputs);
    let replications = inputs.replications;
    let threads = threads.clamp(1, replications);
    let mut tallies = vec![Tally::default(); replications];
    std::thread::scope(|scope| {
        let chunk = replications.div_ceil(threads);
        for (thread, slots) in tallies.chunks_mut(chunk).enumerate() {
            let (fabric, classes) = (&fabric, &classes);
            scope.spawn(move || {
                for (offset, slot) in slots.iter_mut().enumerate() {
                    let replication = thread * chunk + offset;
                    *slot = Simulation::new(inputs, fabric, classes, replication).run();
                }
            });
        }
    });
    Ok(result(inputs, fabric.counts, &tallies))
}

fn result(inputs: &FleetInputs, topology: TopologyCounts, tallies: &[Tally]) -> FleetResult {
    let horizon_h = inputs.years * HOURS_PER_YEAR;
    let years = inputs.years;
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
    let job = inputs.job;
    let interruptions = |t: &Tally| (t.network + t.gpu + t.flap) as f64;
    let total_interruptions: f64 = tallies.iter().map(interruptions).sum();
    let mtbi = tallies.len() as f64 * horizon_h / total_interruptions;
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
        job: JobResult {
            gpus: job.gpus,
            link_availability: Estimate::of(tallies.iter().map(|t| 1.0 - t.job_down_h / horizon_h)),
            goodput: Estimate::of(tallies.iter().map(|t| t.goodput)),
            interruptions: Estimate::of(tallies.iter().map(interruptions)),
            network_interruptions: Estimate::of(tallies.iter().map(|t| t.network as f64)),
            gpu_interruptions: Estimate::of(tallies.iter().map(|t| t.gpu as f64)),
            flap_interruptions: Estimate::of(tallies.iter().map(|t| t.flap as f64)),
            mean_time_between_interruptions_h: mtbi,
            gpu_hours_lost_per_year: per_year(&|t| job.gpus as f64 * (1.0 - t.goodput) * horizon_h),
            by_cause: JOB_CAUSES
                .iter()
                .map(|&cause| CauseResult {
                    cause,
                    interruptions: Estimate::of(
                        tallies.iter().map(|t| t.cause_interruptions[cause as usize] as f64),
                    ),
                    gpu_hours_lost_per_year: per_year(&|t| {
                        job.gpus as f64 * t.cause_lost_h[cause as usize]
                    }),
                })
                .collect(),
            checkpoint_overhead_gpu_hours_per_year: per_year(&|t| job.gpus as f64 * t.overhead_h),
            optimal_checkpoint_interval_h: Estimate::of(
                tallies.iter().map(|t| t.optimal_interval_h),
            ),
            goodput_at_optimal: Estimate::of(tallies.iter().map(|t| t.optimal_goodput)),
            young_interval_h: young_interval_h(job.checkpoint_cost_h, mtbi),
            daly_interval_h: daly_interval_h(job.checkpoint_cost_h, mtbi),
        },
        timeline,
    }
}

#[cfg(test)]
mod tests;
