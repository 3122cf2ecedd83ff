//! The HotSpot grid model on HotSpot's own examples: energy balance, and the network's
//! structure checked against hand-computed resistances.

use super::*;
use crate::network::TimeScheme;
use block::TransientMethod;

/// HotSpot's examples, vendored unmodified (see `tests/data/hotspot/README.md`).
const EXAMPLES: &str = "tests/data/hotspot";

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
    let model = model_from_config(
        &config,
        &materials,
        Stack::Default(floorplan),
        &trace,
        rows,
        cols,
        false,
    )
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
    let constant = PowerTrace { rows: vec![trace.mean_w(); 200], ..trace.clone() };
    let (steady, _) = model.steady(&constant).unwrap();
    // 200 steps of 10 s: far beyond the sink time constant (~ r_convec c_convec = 14 s).
    let (rows, last) = model
        .transient(
            &constant,
            &model.uniform(318.15),
            10.0,
            TransientMethod::Fixed(TimeScheme::BackwardEuler),
            MapMode::Avg,
        )
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
    let constant = PowerTrace { rows: vec![trace.mean_w(); 5], ..trace.clone() };
    let (steady, _) = model.steady(&constant).unwrap();
    let file = model.steady_file(&steady, MapMode::Avg);
    let initial = model.initial_from_steady_file("gcc.init", &file).unwrap();
    let (rows, _) = model
        .transient(
            &constant,
            &initial,
            0.01,
            TransientMethod::Fixed(TimeScheme::BackwardEuler),
            MapMode::Avg,
        )
        .unwrap();
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

/// HotSpot's example1: its own config; its ev6.flp and gcc.ptrace are byte-identical to
/// example2's, so only example2's copies are vendored.
fn example1() -> (block::BlockModel, PowerTrace) {
    let config = parse::config("example.config", &read("example1/example.config")).unwrap();
    let floorplan = parse::floorplan("ev6.flp", &read("example2/ev6.flp")).unwrap();
    let trace = parse::power_trace("gcc.ptrace", &read("example2/gcc.ptrace")).unwrap();
    let model = block_model_from_config(&config, &BTreeMap::new(), floorplan, &trace).unwrap();
    (model, trace)
}

#[test]
fn block_model_conserves_energy_and_has_hotspot_layout() {
    let (model, trace) = example1();
    assert_eq!(model.network().n_nodes(), 4 * 30 + 12);
    let (temperatures, rise) = model.steady(&trace).unwrap();
    let power_w: f64 = trace.mean_w().iter().sum();
    let out_w = model.network().heat_to_ambient(&rise);
    assert!(((out_w - power_w) / power_w).abs() < 1e-9, "in {power_w} W, out {out_w} W");
    let text = model.steady_file(&temperatures);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 132);
    assert!(lines[0].starts_with("L2_left\t") && lines[30].starts_with("iface_L2_left\t"));
    assert!(lines[90].starts_with("hsink_L2_left\t") && lines[120].starts_with("inode_0\t"));
    // Heat flows down the stack: every sink block sits above ambient and below its silicon.
    assert!(rise[..30].iter().zip(&rise[90..120]).all(|(si, sink)| si > sink));
    assert!(rise[3 * 30..4 * 30].iter().all(|theta| *theta > 0.0));
}

#[test]
fn block_lateral_and_rim_resistances_follow_hotspot_formulas() {
    // Two blocks side by side (west 2 mm x 4 mm, east 6 mm x 4 mm): in silicon the lateral
    // resistance is the two centre-to-edge halves in series, (w1 + w2) / (2 k t L).
    let floorplan =
        parse::floorplan("two.flp", "west 0.002 0.004 0 0\neast 0.006 0.004 0.002 0\n").unwrap();
    let material = |k_w_per_mk, rho_c_j_per_m3k| parse::Material { k_w_per_mk, rho_c_j_per_m3k };
    let package = grid::PackageParameters {
        spreader_side_m: 0.03,
        spreader_thickness_m: 0.001,
        spreader_k_w_per_mk: 400.0,
        spreader_rho_c_j_per_m3k: 3.55e6,
        sink_side_m: 0.06,
        sink_thickness_m: 0.0069,
        sink_k_w_per_mk: 400.0,
        sink_rho_c_j_per_m3k: 3.55e6,
        r_convec_k_per_w: 0.1,
        c_convec_j_per_k: 140.4,
    };
    let names = vec!["west".to_string(), "east".to_string()];
    let model = block::BlockModel::new(
        floorplan,
        block::BlockLayer { thickness_m: 150e-6, material: material(130.0, 1.63e6) },
        block::BlockLayer { thickness_m: 20e-6, material: material(4.0, 4e6) },
        &package,
        false,
        318.15,
        &names,
    )
    .unwrap();
    let conductance = |a: usize, b: usize| -> f64 {
        model
            .network()
            .edges()
            .filter(|(x, y, _)| (*x, *y) == (a, b) || (*x, *y) == (b, a))
            .map(|(_, _, g)| g)
            .sum()
    };
    let expected_r = (0.002 + 0.006) / (2.0 * 130.0 * 150e-6 * 0.004);
    assert!((1.0 / conductance(0, 1) - expected_r).abs() < 1e-9 * expected_r);
    // Vertical: the full silicon thickness, t / (k A), for the west block.
    let expected_z = 150e-6 / (130.0 * 0.002 * 0.004);
    assert!((1.0 / conductance(0, 2) - expected_z).abs() < 1e-9 * expected_z);
    // West rim: only the west block borders it, so its share of r_sp1_x is all of it:
    // R = 1/g_x + r_sp1_x, g_x = 2 k h t / w.
    let g_x = 2.0 * 400.0 * 0.004 * 0.001 / 0.002;
    let (s_sp, w, h) = (0.03, 0.008, 0.004);
    let r_sp1_x = ((s_sp - w) / 4.0) / (400.0 * (s_sp + 3.0 * h) / 4.0 * 0.001);
    let west_rim = 4 * 2;
    let expected_rim = 1.0 / g_x + r_sp1_x;
    assert!((1.0 / conductance(4, west_rim) - expected_rim).abs() < 1e-9 * expected_rim);
    // North rim: both blocks border it and share r_sp1_y in proportion to their g_y.
    let g_y = |width: f64| 2.0 * 400.0 * width * 0.001 / 0.004;
    let r_sp1_y = ((s_sp - h) / 4.0) / (400.0 * (s_sp + 3.0 * w) / 4.0 * 0.001);
    let total = g_y(0.002) + g_y(0.006);
    let north_rim = west_rim + 2;
    for (block, width) in [(4, 0.002), (5, 0.006)] {
        let expected = (1.0 + r_sp1_y * total) / g_y(width);
        assert!((1.0 / conductance(block, north_rim) - expected).abs() < 1e-9 * expected);
    }
    // Corner-touching blocks are not adjacent (HotSpot's diagonal rule).
    let diagonal =
        parse::floorplan("d.flp", "a 0.002 0.002 0 0\nb 0.002 0.002 0.002 0.002\nc 0.002 0.002 0 0.002\nd 0.002 0.002 0.002 0\n")
            .unwrap();
    let model = block::BlockModel::new(
        diagonal,
        block::BlockLayer { thickness_m: 150e-6, material: material(130.0, 1.63e6) },
        block::BlockLayer { thickness_m: 20e-6, material: material(4.0, 4e6) },
        &package,
        false,
        318.15,
        &["a".to_string()],
    )
    .unwrap();
    let silicon_pairs: Vec<(usize, usize)> = model
        .network()
        .edges()
        .filter(|(x, y, _)| *x < 4 && *y < 4)
        .map(|(x, y, _)| (x, y))
        .collect();
    assert_eq!(silicon_pairs, vec![(0, 2), (0, 3), (1, 2), (1, 3)]);
}

#[test]
fn hotspot_rk4_tracks_the_exact_transient_within_its_tolerance() {
    // Independent reference: the same network integrated by Crank-Nicolson with a step of
    // 20 µs (second order; its error at that step is far below 0.01 K) against HotSpot's
    // adaptive RK4, whose step-doubling control holds the local error near 0.01 K.
    let (model, trace) = example1();
    let short = PowerTrace { rows: trace.rows[..20].to_vec(), ..trace.clone() };
    let initial = model.uniform(318.15);
    let (rk4, _) = model.transient(&short, &initial, 0.01, TransientMethod::HotSpotRk4).unwrap();
    let mut rise: Vec<f64> = initial.iter().map(|t| t - 318.15).collect();
    let stepper = model.network().stepper(2e-5, TimeScheme::CrankNicolson).unwrap();
    let mut worst: f64 = 0.0;
    for (row, rk4_row) in short.rows.iter().zip(&rk4) {
        let power = model.node_power(row);
        for _ in 0..500 {
            stepper.step(&mut rise, &power, &power).unwrap();
        }
        for (value, block) in rk4_row.iter().zip(0..30) {
            worst = worst.max((value - (rise[block] + 318.15)).abs());
        }
    }
    assert!(worst < 0.05, "worst difference {worst} K");
    assert!(worst > 0.0);
}

#[test]
fn rk4_of_a_lumped_rc_follows_its_exponential() {
    // C dθ/dt + θ/R = P: θ(t) = P R (1 - exp(-t/RC)); R = 2 K/W, C = 0.05 J/K, τ = 0.1 s.
    let mut network = crate::network::Network::default();
    let node = network.add_node(0.05);
    network.ground_resistance(node, 2.0);
    let mut theta = vec![0.0];
    for step in 1..=30 {
        let steps = network.advance_rk4_hotspot(&mut theta, &[10.0], 0.01).unwrap();
        assert!(steps >= 1);
        let exact = 20.0 * (1.0 - (-(step as f64) * 0.01 / 0.1).exp());
        assert!((theta[0] - exact).abs() < 1e-3, "step {step}: {} vs {exact}", theta[0]);
    }
}

#[test]
fn leakage_loop_settles_with_energy_balance_and_reports_runaway() {
    let (model, trace) = example1();
    let (plain, _) = model.steady(&trace).unwrap();
    let (leaky, rise) = model.steady_with_leakage(&trace).unwrap();
    let floorplan = parse::floorplan("ev6.flp", &read("example2/ev6.flp")).unwrap();
    // Energy: the heat leaving equals the trace power plus every block's HotSpot leakage at
    // its settled temperature (to the loop's 0.01 K: a relative 0.036 x 0.01 on leakage).
    let leakage_w: f64 = floorplan
        .blocks
        .iter()
        .enumerate()
        .map(|(i, block)| {
            crate::leakage::hotspot_leakage_w(block.width_m, block.height_m, leaky[i])
        })
        .sum();
    let power_w: f64 = trace.mean_w().iter().sum::<f64>() + leakage_w;
    let out_w = model.network().heat_to_ambient(&rise);
    assert!(((out_w - power_w) / power_w).abs() < 1e-3 * leakage_w / power_w + 1e-9);
    assert!(leakage_w > 0.3, "{leakage_w} W");
    for (hot, cold) in leaky[..30].iter().zip(&plain[..30]) {
        assert!(hot > cold, "{hot} vs {cold}");
    }
    // A sink 100 times worse: the leakage grows faster than the sink can remove it.
    let mut config = parse::config("example.config", &read("example1/example.config")).unwrap();
    config.set("r_convec", "10");
    let model =
        block_model_from_config(&config, &BTreeMap::new(), floorplan.clone(), &trace).unwrap();
    assert!(matches!(
        model.steady_with_leakage(&trace),
        Err(grid::GridError::LeakageRunaway { .. })
    ));
}

#[test]
fn grid_leakage_loop_conserves_energy() {
    let (model, trace) = example2(16, 16);
    let (leaky, rise) = model.steady_with_leakage(&trace, MapMode::Avg).unwrap();
    let (plain, _) = model.steady(&trace).unwrap();
    let base_w: f64 = trace.mean_w().iter().sum();
    let out_w = model.network().heat_to_ambient(&rise);
    // Leakage adds heat, and the silicon warms everywhere.
    assert!(out_w > base_w + 0.3, "{out_w} vs {base_w}");
    assert!(leaky.cells_k[0].iter().zip(&plain.cells_k[0]).all(|(a, b)| a > b));
}

#[test]
fn trace_columns_must_match_the_power_blocks_with_file_and_line() {
    let config = parse::config("example.config", &read("example1/example.config")).unwrap();
    let floorplan = parse::floorplan("ev6.flp", &read("example2/ev6.flp")).unwrap();
    let text = read("example2/gcc.ptrace");
    // Drop the columns of IntQ and FPQ: HotSpot refuses the count; so do both models.
    let (header, rows) = text.split_once('\n').unwrap();
    let dropped: Vec<usize> = header
        .split_whitespace()
        .enumerate()
        .filter(|(_, name)| matches!(*name, "IntQ" | "FPQ"))
        .map(|(index, _)| index)
        .collect();
    assert_eq!(dropped.len(), 2);
    let keep = |line: &str| -> String {
        let tokens: Vec<&str> = line
            .split_whitespace()
            .enumerate()
            .filter(|(index, _)| !dropped.contains(index))
            .map(|(_, token)| token)
            .collect();
        tokens.join("\t")
    };
    let short = std::iter::once(header).chain(rows.lines()).map(keep).collect::<Vec<_>>();
    let trace = parse::power_trace("gcc.ptrace", &short.join("\n")).unwrap();
    let expected = "gcc.ptrace:1: columns: no column for blocks IntQ, FPQ of the floorplan; HotSpot needs one power column per block";
    let block = block_model_from_config(&config, &BTreeMap::new(), floorplan.clone(), &trace);
    assert_eq!(block.err().unwrap().to_string(), expected);
    let materials =
        parse::materials("example.materials", &read("example2/example.materials")).unwrap();
    let config2 = parse::config("example.config", &read("example2/example.config")).unwrap();
    let grid = model_from_config(
        &config2,
        &materials,
        Stack::Default(floorplan.clone()),
        &trace,
        8,
        8,
        false,
    );
    assert_eq!(grid.err().unwrap().to_string(), expected);
    // A column naming no block: file, header line and column number.
    let renamed = text.replacen("IntQ\t", "IntQQ\t", 1);
    let trace = parse::power_trace("gcc.ptrace", &renamed).unwrap();
    let column = header.split_whitespace().position(|name| name == "IntQ").unwrap() + 1;
    let unknown = block_model_from_config(&config, &BTreeMap::new(), floorplan, &trace);
    assert_eq!(
        unknown.err().unwrap().to_string(),
        format!(
            "gcc.ptrace:1: column {column}: power trace column IntQQ names no block of a power layer's floorplan"
        )
    );
}

#[test]
fn a_package_smaller_than_the_die_names_the_config_line() {
    // ev6 is 16 mm square; a 10 mm spreader cannot hold it.
    let text = read("example1/example.config");
    let line = text.lines().position(|line| line.contains("-s_spreader")).unwrap() + 1;
    let small = text.replacen("0.03\n", "0.01\n", 1);
    assert!(small.lines().nth(line - 1).unwrap().contains("0.01"), "edited the -s_spreader line");
    let config = parse::config("example.config", &small).unwrap();
    let floorplan = parse::floorplan("ev6.flp", &read("example2/ev6.flp")).unwrap();
    let trace = parse::power_trace("gcc.ptrace", &read("example2/gcc.ptrace")).unwrap();
    let error = block_model_from_config(&config, &BTreeMap::new(), floorplan.clone(), &trace);
    assert_eq!(
        error.err().unwrap().to_string(),
        format!(
            "example.config:{line}: -s_spreader: die 16 mm (the floorplan's larger side), spreader 10 mm, sink 60 mm; the block model needs the die no larger than spreader and sink"
        )
    );
    // The grid model also needs the spreader smaller than the sink.
    let mut config = parse::config("example.config", &read("example2/example.config")).unwrap();
    config.set("s_sink", "0.02");
    let materials =
        parse::materials("example.materials", &read("example2/example.materials")).unwrap();
    let grid =
        model_from_config(&config, &materials, Stack::Default(floorplan), &trace, 8, 8, false);
    assert_eq!(
        grid.err().unwrap().to_string(),
        "example.config: -s_sink: die 16 mm (the floorplan's larger side), spreader 30 mm, sink 20 mm; the grid model needs die < spreader < sink"
    );
}
