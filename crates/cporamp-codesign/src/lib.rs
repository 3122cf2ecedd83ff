//! cporamp-codesign: liquid cooling and optics designed together.
//!
//! The article says CPO thermals "require switch ASICs, optical engines, cold plates, and rack
//! design to be considered together" (docs/sources.md: Article). This crate sweeps the grid of `[codesign]`
//! (cold-plate flow per kW and channel geometry, coolant supply temperature, the engines'
//! distance from the ASIC, engines on the ASIC's plate or their own, an external laser source
//! in the front panel or on a cold plate, ASIC power) for one co-packaged technology at one
//! generation, and for each design point runs the engines the pipeline runs: the thermal
//! engine's package model ([`cporamp_thermal::package`], its cold-plate correlations) and the
//! comparison's power models at their fixed point inside the ASIC leakage loop
//! ([`cporamp_pipeline::settle_with`]). No second thermal or photonics model lives here; what
//! this crate adds is hydraulics, facility energy and money.
//!
//! # Per design point
//!
//! - **Flow.** The package's heat at the scenario's nominal temperatures,
//!   $P_0 = f_\text{ASIC} P_\text{ASIC} + N_e P_e$, sets the flow $Q = q P_0$ ($q$ in
//!   L/min/kW; docs/sources.md: PCM Gap 3); with engines on plates of their own the same flow per kW feeds
//!   each branch, so the total is unchanged.
//! - **Temperatures.** The package model with the point's channels, gap and flow, settled at
//!   the inlet $T_\text{in}$. Engines on their own plates: the package is solved for the ASIC's
//!   heat alone and for the engines' alone (the model is linear: superposition), and the
//!   engines take the second solve's temperatures, so none of the ASIC's heat reaches them
//!   through the lid (an idealisation: the substrate still couples them in reality).
//! - **ELS on a cold plate.** The laser sits at $T_\text{ELS} = T_\text{in} + R_\text{ELS}
//!   P_\text{ELS}$ (per module), iterated with the comparison's laser power to 0.01 K; in the
//!   front panel it keeps the technology's ambient temperature.
//! - **Energy balance.** The coolant carries the heat the package model sends through the cold
//!   plate, $H = P_\text{in} - P_\text{board}$ (plus the ELS heat on a plate), and warms by
//!   $\Delta T = H / (\rho Q c_p)$. The residual $P_\text{in} + P_\text{ELS} - P_\text{board} -
//!   \rho Q c_p \Delta T$ is reported; it closes to rounding.
//! - **Pressure drop.** In the plate's $n$ channels of width $w$, height $h$ over the package
//!   side $L$: $V = Q/(n w h)$, $D_h = 2wh/(w+h)$, $Re = \rho V D_h/\mu$. Laminar, Shah and
//!   London's $f\thinspace Re = 24(1 - 1.3553\alpha + 1.9467\alpha^2 - 1.7012\alpha^3 + 0.9564\alpha^4 -
//!   0.2537\alpha^5)$ (Fanning; docs/sources.md: S153) and $\Delta p = 4f (L/D_h)\rho V^2/2$; turbulent,
//!   Petukhov's Darcy $f = (0.79\ln Re - 1.64)^{-2}$ (the cold plate's own friction) and
//!   $\Delta p = f (L/D_h) \rho V^2/2$. The rest of the loop (manifold, quick disconnects,
//!   hoses, the CDU's exchanger) drops $\Delta p_\text{loop} (q/q_\text{ref})^2$.
//! - **Pumping.** $P_\text{pump} = \Delta p\thinspace Q / \eta_\text{pump}$.
//! - **Facility.** Facility water is $T_\text{in} - \Delta T_\text{CDU}$ (a CDU approach of
//!   3-5 K; docs/sources.md: PCM Gap 3). The chiller's share of the year $s$ falls linearly from 1 at `chiller_only_c` to 0
//!   at `free_cooling_full_c`; facility electricity is $(H + P_\text{pump})(s\thinspace k_\text{ch} +
//!   (1-s)k_\text{free})$ with $k$ from (docs/sources.md: S150).
//! - **Energy per bit** $= (P_\text{switch} + P_\text{pump} + P_\text{facility}) / C$, the
//!   switch power with the ASIC at its settled leakage.
//! - **Lasers.** Wear-out scale $\eta(T) = \eta_\text{ref} / A(T)$ with the fleet's Arrhenius
//!   factor ([`cporamp_fleet::arrhenius_factor`]), median life $\eta (\ln 2)^{1/\beta}$;
//!   expected laser failures per switch over the service life $Y$ are $N_L[(1 -
//!   e^{-(Y/\eta)^\beta}) + \lambda(T) Y]$ with the random rate $\lambda$ scaled from its
//!   reference temperature. This is the sweep's reliability figure.
//! - **Solder.** The workload's square wave (`[thermal.cycling]`) at steady state: the ASIC's
//!   swing is $(1 - f_\text{idle})(T_\text{ASIC} - T_\text{in}) + \Delta T_\text{inlet}$,
//!   one cycle per period, life from Norris-Landzberg ([`cporamp_thermal::cycling`]). The
//!   pipeline's transient gives a smaller swing when the half-period is short against the
//!   package's time constants; this is the upper bound.
//! - **Rings.** Heater power per switch and per ring from the comparison at the settled engine
//!   temperature, and the headroom to the heater's range.
//! - **Flaps.** The photonics engine's feedback-only flaps per lane-hour (and unlockable
//!   lanes) at the point's ring and laser temperatures $T_r$, $T_l$: the scenario's nominal
//!   drift trace (the pipeline's, its package at the nominal inlet under the photonics
//!   workload, buses rotated at that bring-up, as the pipeline's inlet sweep) with its drift
//!   moved by the point's offset $a (T_l - T_{l,0}) - b (T_r - T_{r,0})$
//!   ([`cporamp_pipeline::NominalDrift`]; the lock loops see only the drift, so this is exact
//!   for that trace). A run per point would cost 288 lane Monte Carlos; the engine runs
//!   instead at nodes evenly spaced at most [`FLAP_NODE_NM`] apart between the smallest and
//!   the largest offset of the points, and each point is interpolated linearly between the
//!   two nodes around it (exact at the two ends). The flaps so measure how far a design's
//!   steady drift lies from the scenario's bring-up (the convention of the pipeline's inlet
//!   sweep and the market's thermal check); a switch brought up at the point's own
//!   temperatures would choose other bus rotations. The workload's swing keeps the nominal
//!   package's shape: engines on their own plate get no credit here for the smaller share of
//!   the ASIC's swing that reaches them.
//! - **Cost per Gb/s over life** $= (\text{switch BOM} + \text{cooling capex per switch} +
//!   E_\text{life}\thinspace c_\text{kWh}) / C$ with $E_\text{life}$ the switch, pump and facility
//!   energy over the fleet's service years.
//!
//! # Choice and Pareto front
//!
//! The front is the set of points no other point beats or equals on all three of energy per
//! bit, cost per Gb/s and expected laser failures while beating it on one. The scenario's
//! choice is the cheapest point per Gb/s that meets the three limits (hottest engine, flow per
//! switch, pressure drop); a limit binds when dropping it alone would pick a cheaper point,
//! and the binding limit named is the one whose removal saves most.
//!
//! The sweep runs on a rayon pool of the caller's threads; each point is a pure function of
//! the scenario and its coordinates, collected in grid order, so results do not depend on
//! the thread count.

mod cluster;
pub mod diligence;
mod sweep;
#[cfg(test)]
mod tests;

pub use cluster::cluster_switches;
pub use cporamp_compare::cooling::{BomLine, CoolingBomResult, cooling_bom};
pub use sweep::{
    Choice, CodesignResult, Constraint, DesignPoint, FLAP_NODE_NM, FlapNode, PointResult, codesign,
    evaluate_point, interpolate, pareto_front,
};

/// A whole run, as `cporamp run` and the dashboard's runs give it: the pipeline's engines
/// and the co-design sweep of the same scenario.
#[derive(Debug, Clone)]
pub struct FullRun {
    /// The pipeline's engines.
    pub output: cporamp_pipeline::RunOutput,
    /// The co-design sweep.
    pub codesign: CodesignResult,
}

/// [`FullRun`] of `scenario`: the pipeline with `options` (threads and progress), then the
/// co-design sweep on the same threads.
///
/// # Errors
/// [`CodesignError::Pipeline`] when the pipeline fails, else the sweep's error.
pub fn full_run(
    scenario: &cporamp_scenario::Scenario,
    options: &cporamp_pipeline::RunOptions<'_>,
) -> Result<FullRun, CodesignError> {
    let output = cporamp_pipeline::run(scenario, options)?;
    let codesign = codesign(scenario, options.threads.get())?;
    Ok(FullRun { output, codesign })
}

/// A co-design failure that stops the whole sweep (a point that cannot be solved is kept as
/// infeasible with its reason instead).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CodesignError {
    /// The pipeline failed outside any one design point.
    #[error(transparent)]
    Pipeline(#[from] cporamp_pipeline::PipelineError),
    /// The fleet topology behind the cluster's bill of materials failed.
    #[error("codesign: the fleet topology for the cooling bill of materials: {0}")]
    Topology(String),
    /// The thread pool could not start.
    #[error("codesign: could not start {threads} worker threads: {reason}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Why.
        reason: String,
    },
}
