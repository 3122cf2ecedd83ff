//! The HotSpot grid model on HotSpot's own examples: energy balance, and the network's
//! structure checked against hand-computed resistances.

use super::*;
use crate::network::TimeScheme;

const EXAMPLES: &str = "../../../shared/reference/hotspot";

fn read(path: &str) -> String {
    #[allow(clippy::disallowed_methods, reason = "test fixture")]
    std::fs::read_to_string(format!("{}/{EXAMPLES}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn example2(rows: usize, cols: usize) -> (GridModel, PowerTrace) {
    let config = parse::config("example.config", &read("example2/example.config")).unwrap();
    let materials =
        parse::materials("example.materials", &read("example2/example.materials")).unwrap();
    let floorplan = parse::floorplan("ev6.flp", &read("example2/ev6.flp")).unwrap();
    let trace = parse::power_trace("gcc.ptrace", &read("example2/gcc.ptrace")).unwrap();
    let model =
        model_from_config(&config, &materials, Stack::Default(floorplan), &trace, rows, cols)
            .unwrap();
    (model, trace)
}

#[test]
fn example2_steady_conserves_energy_and_has_hotspot_layout() {
    let (model, trace) = example2(64, 64);
    let (temperatures, rise) = model.steady(&trace).unwrap();
    let power_w: f64 = trace.mean_w().iter().sum();
    let out_w = model.network().heat_to_ambient(&rise);
    assert!(((out_w - power_w) / power_w).abs() < 1e-9, "in {power_w} W, out {out_w} W");
    let text = model.steady_file(&temperatures, MapMode::Avg);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4 * 30 + 12);
    assert!(lines[0].starts_with("L2_left\t"));
    assert!(lines[30].starts_with("iface_L2_left\t"));
    assert!(lines[60].starts_with("hsp_L2_left\t"));
    assert!(lines[90].starts_with("hsink_L2_left\t"));
    assert!(lines[131].starts_with("inode_11\t"));
    // Temperatures decrease from silicon to sink to package and stay above ambient (318.15 K).
    let value = |line: &str| line.split('\t').nth(1).unwrap().parse::<f64>().unwrap();
    let int_reg = value(lines.iter().find(|line| line.starts_with("IntReg_0\t")).unwrap());
    let sink_int_reg =
        value(lines.iter().find(|line| line.starts_with("hsink_IntReg_0\t")).unwrap());
    assert!(int_reg > sink_int_reg && sink_int_reg > 318.15, "{int_reg} {sink_int_reg}");
}

#[test]
fn uniform_power_through_a_series_stack_matches_the_hand_sum_at_the_centre_column() {
    // A consistency check of the vertical path: with lateral flow everywhere, a 1 x 1 grid
    // collapses each layer to one node; the silicon rise is the sum of the series resistances
    // silicon -> TIM -> spreader -> sink -> ambient, in parallel with the rim paths.
    let (model, trace) = example2(1, 1);
    let (_, rise) = model.steady(&trace).unwrap();
    let power_w: f64 = trace.mean_w().iter().sum();
    let out_w = model.network().heat_to_ambient(&rise);
    assert!(((out_w - power_w) / power_w).abs() < 1e-9);
    // Silicon above TIM above spreader above sink.
    assert!(rise[0] > rise[1] && rise[1] > rise[2] && rise[2] > rise[3] && rise[3] > 0.0);
    // Silicon minus TIM node is exactly P x t_si/(k_si A): the full-thickness vertical resistor.
    let expected = power_w * 0.00015 / (130.0 * 0.016 * 0.016);
    assert!(
        ((rise[0] - rise[1]) - expected).abs() < 1e-9 * expected.max(1.0),
        "{} vs {expected}",
        rise[0] - rise[1]
    );
}

#[test]
fn transient_approaches_steady() {
    let (model, trace) = example2(16, 16);
    let constant = PowerTrace { names: trace.names.clone(), rows: vec![trace.mean_w(); 200] };
    let (steady, _) = model.steady(&constant).unwrap();
    // 200 steps of 10 s: far beyond the sink time constant (~ r_convec c_convec = 14 s).
    let (rows, last) = model
        .transient(&constant, &model.uniform(318.15), 10.0, TimeScheme::BackwardEuler)
        .unwrap();
    assert_eq!(rows.len(), 200);
    for (a, b) in last.cells_k[0].iter().zip(&steady.cells_k[0]) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
}

#[test]
fn starting_from_the_steady_file_stays_at_steady_state() {
    // HotSpot's run.sh: steady, then the transient from the steady file as -init_file. With the
    // mean power held constant, the state must not move (up to the file's 0.01 K rounding).
    let (model, trace) = example2(32, 32);
    let constant = PowerTrace { names: trace.names.clone(), rows: vec![trace.mean_w(); 5] };
    let (steady, _) = model.steady(&constant).unwrap();
    let file = model.steady_file(&steady, MapMode::Avg);
    let initial = model.initial_from_steady_file("gcc.init", &file).unwrap();
    let (rows, _) = model.transient(&constant, &initial, 0.01, TimeScheme::BackwardEuler).unwrap();
    let steady_rows: Vec<f64> = trace
        .names
        .iter()
        .map(|name| {
            let line =
                file.lines().find(|line| line.split('\t').next() == Some(name.as_str())).unwrap();
            line.split('\t').nth(1).unwrap().parse().unwrap()
        })
        .collect();
    for (value, expected) in rows[4].iter().zip(&steady_rows) {
        // Block-to-cell mapping smooths within blocks; allow 0.5 K.
        assert!((value - expected).abs() < 0.5, "{value} vs {expected}");
    }
    let missing = model
        .initial_from_steady_file("gcc.init", &file.replace("inode_11", "inode_x"))
        .unwrap_err();
    assert_eq!(missing.to_string(), "gcc.init: no temperature for inode_11");
}

#[test]
fn multigrid_cg_agrees_with_the_direct_solve_and_conserves_energy() {
    // 170 x 170 cells is above the direct-solve limit, so `steady` takes the multigrid path;
    // compare with the sparse Cholesky solve of the same network.
    let size = 170;
    assert!(
        size * size > grid::DIRECT_SOLVE_MAX_CELLS,
        "the test must exercise the iterative path"
    );
    let (model, trace) = example2(size, size);
    let (_, iterative) = model.steady(&trace).unwrap();
    let direct = model.network().steady(&model.node_power(&trace.mean_w())).unwrap();
    let worst = iterative.iter().zip(&direct).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    // CG stops at a relative residual of 1e-12; temperatures agree far below HotSpot's 0.01 K print.
    assert!(worst < 1e-6, "largest difference {worst} K");
    let power_w: f64 = trace.mean_w().iter().sum();
    let out_w = model.network().heat_to_ambient(&iterative);
    assert!(((out_w - power_w) / power_w).abs() < 1e-9, "in {power_w} W, out {out_w} W");
}
