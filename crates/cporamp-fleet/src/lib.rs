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
//!   energy: $\lambda(T_\mathrm{op}) = \lambda(T_q)\thinspace
//!   \exp[\frac{E_a}{k_B}(\frac{1}{T_q} - \frac{1}{T_\mathrm{op}})]$ (kelvin;
//!   [`Component::random_fit_at_temp`]);
//! - wear-out: $T_w \sim \mathrm{Weibull}(\beta, \eta/A)$, sampled as
//!   $T_w = (\eta/A)(-\ln U)^{1/\beta}$ with mean $(\eta/A)\thinspace\Gamma(1 + 1/\beta)$, and the
//!   Arrhenius factor $A = \exp[\frac{E_a}{k_B}(\frac{1}{T_\mathrm{ref}} - \frac{1}{T_\mathrm{op}})]$
//!   (kelvin, $k_B = 8.617\thinspace333 \times 10^{-5}$ eV/K) from the thermal engine's temperature;
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
//! $$\Gamma(\tau) = \frac{\lambda\tau\thinspace e^{-\lambda R}}{e^{\lambda(\tau + C)} - 1},$$
//! maximal where $e^{\lambda(\tau + C)}(1 - \lambda\tau) = 1$, i.e.
//! $\tau^\ast = M\thinspace[1 + W_0(-e^{-1 - C/M})]$ (Lambert $W$); Young's first-order value is
//! $\sqrt{2CM}$ and Daly's $\sqrt{2CM}\thinspace[1 + \frac13\sqrt{C/2M} + \frac{C/2M}{9}] - C$. The
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
//! own Xoshiro256++ stream (the `seed`'s sequence advanced by 2^128 draws per replication index), so results do not depend on the thread
//! count. Results are means over replications with their standard errors
//! $s/\sqrt{n_\mathrm{rep}}$. A year is 8766 h, a month 730.5 h.
//!
//! **Architecture invariant:** pure and deterministic for a seed.

mod checks;
mod goodput;
mod inputs;
mod lifetimes;
mod results;
pub mod settings;
mod simulation;
mod topology;

pub use checks::check;
pub use goodput::{
    daly_interval_h, goodput, lost_h_by_cause, optimal_checkpoint_interval_h, young_interval_h,
};
pub use inputs::*;
pub use lifetimes::arrhenius_factor;
pub use results::*;
pub use settings::FleetJob;
pub use simulation::{simulate, simulate_all};
pub use topology::topology;

pub use cporamp_core::units::HOURS_PER_YEAR;

/// Hours per month of the timeline (a twelfth of [`HOURS_PER_YEAR`]).
pub const HOURS_PER_MONTH: f64 = HOURS_PER_YEAR / 12.0;

/// The most job interruptions (GPU failures, flaps and network failures expected from their
/// rates) the fleet engine takes per replication: their times are kept, sorted, to find the
/// goodput-optimal checkpoint interval, so memory and time grow with them. 1e7 over five years
/// of a 16,384-GPU job is an interruption every 16 s: the job makes no progress long before.
/// The scenario's dependent checks refuse a `[fleet]` that would exceed it.
pub const MAX_JOB_INTERRUPTIONS: f64 = 1e7;

/// The most GPUs a non-blocking folded Clos of `tiers` tiers of `radix`-port switches holds:
/// $r^2/2$ or $r^3/4$ (0 for another number of tiers). The fleet engine builds its fabric to
/// this bound, and the scenario's dependent checks refuse a cluster it does not hold.
#[must_use]
pub fn max_gpus(radix: usize, tiers: usize) -> usize {
    match tiers {
        2 => radix * radix / 2,
        3 => radix * radix * radix / 4,
        _ => 0,
    }
}

/// Boltzmann constant, eV/K.
pub const BOLTZMANN_EV_PER_K: f64 = 8.617_333_262e-5;

#[cfg(test)]
mod tests;
