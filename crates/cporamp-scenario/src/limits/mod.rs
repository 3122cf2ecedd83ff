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

mod budget;
mod dependent_checks;
mod resources;

pub use budget::{Budget, check_budget};
pub use cporamp_core::resources::{Demand, human_bytes, human_cpu};
pub(crate) use dependent_checks::dependent;
pub use resources::{ALL_STAGES, Estimate, estimate};

/// Lanes of one optical engine of `package` at `generation` (its capacity over the lane rate).
fn engine_lanes(engine_capacity_gbps: f64, lane_rate_gbps: f64) -> u32 {
    (engine_capacity_gbps / lane_rate_gbps).round() as u32
}

#[cfg(test)]
mod tests;
