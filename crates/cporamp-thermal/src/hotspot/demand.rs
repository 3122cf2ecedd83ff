//! The CPU time of a run of HotSpot's grid or block model (`cporamp thermal` with HotSpot's
//! files), checked against the caller's budget before the run.

use cporamp_core::resources::Demand;

/// HotSpot mode's solver costs, per CPU second at about half the throughput measured on
/// HotSpot's example2 (4 grid layers, `target/debug` build with optimisations, one core):
pub(crate) mod hotspot_rate {
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

#[cfg(test)]
mod tests {
    use super::*;

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
