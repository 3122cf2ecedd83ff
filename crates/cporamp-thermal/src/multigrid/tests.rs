//! The multigrid solver against sparse Cholesky on a heterogeneous grid, and its builder's
//! compaction and errors.

use super::*;

/// A 3-layer grid with odd coarsening (96 x 75 cells: 48 x 38, 24 x 19), a uniform top
/// layer, a middle layer with per-cell conductances spanning three decades (the detailed
/// 3-D mode's mixed materials), a bottom layer grounded cell by cell, and three extra
/// nodes tied to the edge cells and to each other (HotSpot's package nodes).
fn network() -> (Network, GridLayout) {
    let layout = GridLayout { layers: 3, rows: 75, cols: 96 };
    let mut network = Network::default();
    for _ in 0..layout.cells() + 3 {
        network.add_node(1.0);
    }
    // A deterministic spread of values (a linear congruential sequence).
    let mut state: u64 = 12345;
    let mut spread = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        10f64.powf(3.0 * (state >> 11) as f64 / (1u64 << 53) as f64)
    };
    let per_layer = layout.per_layer();
    for layer in 0..layout.layers {
        for row in 0..layout.rows {
            for col in 0..layout.cols {
                let node = layer * per_layer + row * layout.cols + col;
                let g = if layer == 1 { 0.01 * spread() } else { 0.5 };
                if col + 1 < layout.cols {
                    network.connect_conductance(node, node + 1, g);
                }
                if row + 1 < layout.rows {
                    network.connect_conductance(node, node + layout.cols, g);
                }
                if layer + 1 < layout.layers {
                    network.connect_conductance(node, node + per_layer, 2.0);
                }
                if layer + 1 == layout.layers {
                    network.ground_conductance(node, 1e-3);
                }
            }
        }
    }
    let extra = layout.cells();
    for row in 0..layout.rows {
        network.connect_conductance(2 * per_layer + row * layout.cols, extra, 0.2);
        network.connect_conductance(
            2 * per_layer + row * layout.cols + layout.cols - 1,
            extra + 1,
            0.2,
        );
    }
    network.connect_conductance(extra, extra + 2, 0.3);
    network.connect_conductance(extra + 1, extra + 2, 0.3);
    network.ground_conductance(extra + 2, 0.5);
    (network, layout)
}

#[test]
fn the_multigrid_solve_matches_the_direct_solve_in_few_iterations() {
    let (network, layout) = network();
    let mut power = vec![0.0; network.n_nodes()];
    for (node, watts) in power.iter_mut().enumerate().take(layout.per_layer()) {
        *watts = if node % 7 == 0 { 0.3 } else { 0.01 };
    }
    let direct = network.steady(&power).unwrap();
    let (iterative, iterations) =
        GridOperator::from_network(&network, layout).unwrap().solve(power.clone()).unwrap();
    let scale = direct.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let worst = iterative.iter().zip(&direct).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    // CG stops at a relative residual of 1e-12; the condition number here is below 1e5.
    assert!(worst < 1e-7 * scale, "largest difference {worst} K of {scale} K");
    // A preconditioner that stopped working would still converge, in hundreds of steps.
    assert!(iterations <= 30, "{iterations} iterations");
    let power_w: f64 = power.iter().sum();
    let out_w = network.heat_to_ambient(&iterative);
    assert!(((out_w - power_w) / power_w).abs() < 1e-9, "in {power_w} W, out {out_w} W");
}

#[test]
fn uniform_layers_keep_one_row_and_bad_links_are_named() {
    let (network, layout) = network();
    let operator = GridOperator::from_network(&network, layout).unwrap();
    let shared: Vec<bool> = operator.fine.east.layers.iter().map(|&(_, shared)| shared).collect();
    assert_eq!(shared, [true, false, true]);
    let mut builder = GridOperatorBuilder::new(layout);
    for _ in 0..layout.cells() {
        builder.add_node(0.0);
    }
    builder.connect_conductance(0, 2, 1.0);
    let error = builder.finish().err().unwrap().to_string();
    assert!(error.contains("cells 0 and 2") && error.contains("not grid neighbours"), "{error}");
    let mut builder = GridOperatorBuilder::new(layout);
    builder.add_node(0.0);
    builder.add_node(0.0);
    builder.connect_conductance(0, 1, f64::NAN);
    assert!(builder.finish().is_err());
}
