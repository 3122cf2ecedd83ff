//! HotSpot's 3-D stacks: examples 3 and 4 (layer configuration files, `-detailed_3D on`,
//! TSV regions, the `center` map mode) against the outputs of HotSpot itself, and the
//! detailed 3-D cell rules on a stack small enough to check by hand.

use super::grid::{C_FACTOR, GridLayer, GridModel, MapMode, PackageParameters};
use super::parse::{Block, Floorplan, Material};
use super::*;

/// HotSpot's examples, vendored unmodified (see `tests/data/hotspot/README.md`).
const EXAMPLES: &str = "tests/data/hotspot";

fn read(path: &str) -> String {
    #[allow(clippy::disallowed_methods, reason = "test fixture")]
    std::fs::read_to_string(format!("{}/{EXAMPLES}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// One of HotSpot's LCF examples, built as its `run.sh` asks (`-model_type grid
/// -detailed_3D on`, the config's 64 x 64 grid and map mode).
fn lcf_example(
    folder: &str,
    lcf: &str,
    trace: &str,
    materials: Option<&str>,
) -> (GridModel, PowerTrace, MapMode) {
    let config =
        parse::config("example.config", &read(&format!("{folder}/example.config"))).unwrap();
    let materials = materials.map_or_else(BTreeMap::new, |file| {
        parse::materials(file, &read(&format!("{folder}/{file}"))).unwrap()
    });
    let layers =
        parse::layer_configuration(lcf, &read(&format!("{folder}/{lcf}")), &materials).unwrap();
    let stack = Stack::Lcf(
        layers
            .into_iter()
            .map(|layer| {
                let text = read(&format!("{folder}/{}", layer.floorplan_file));
                let floorplan = parse::floorplan(&layer.floorplan_file, &text).unwrap();
                (layer, floorplan)
            })
            .collect(),
    );
    let trace = parse::power_trace(trace, &read(&format!("{folder}/{trace}"))).unwrap();
    let settings = run_settings(&config).unwrap();
    let rows = config.positive("grid_rows", "cells").unwrap() as usize;
    let cols = config.positive("grid_cols", "cells").unwrap() as usize;
    let model = model_from_config(&config, &materials, stack, &trace, rows, cols, true).unwrap();
    (model, trace, settings.map_mode)
}

/// `name value` lines of a HotSpot output.
fn values(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter(|line| !line.starts_with("Layer "))
        .map(|line| {
            let (name, value) = line.split_once('\t').unwrap();
            (name.to_string(), value.parse().unwrap())
        })
        .collect()
}

/// The largest difference between two outputs in HotSpot's layout, after checking that they
/// name the same nodes in the same order (and, for grid files, the same layers).
fn largest_difference(ours: &str, hotspot: &str) -> f64 {
    let headers = |text: &str| -> Vec<String> {
        text.lines().filter(|line| line.starts_with("Layer ")).map(str::to_string).collect()
    };
    assert_eq!(headers(ours), headers(hotspot));
    let (ours, hotspot) = (values(ours), values(hotspot));
    assert_eq!(ours.len(), hotspot.len());
    ours.iter()
        .zip(&hotspot)
        .map(|((name, value), (hotspot_name, hotspot_value))| {
            assert_eq!(name, hotspot_name);
            (value - hotspot_value).abs()
        })
        .fold(0.0, f64::max)
}

/// Every node within one unit of HotSpot's last printed digit (0.01 K): each side rounds to
/// 0.005 K, and HotSpot's default build stops its Gauss-Seidel sweeps once no node moves by
/// 1e-6 K in a sweep, which leaves its nodes on average 0.0034 K (at most 0.0087 K) above the
/// converged network on example 3 (0.0037 K, at most 0.0090 K, on example 4; measured
/// against a HotSpot built with the sweeps run to
/// 1e-11 K, which agrees with our direct solve within 1e-6 K, see
/// [`CONVERGED_TOLERANCE_K`] and `tests/data/hotspot/README.md`). Two prints differ by a
/// multiple of 0.01 K, and 0.005 + 0.005 + 0.0090 K < 0.02 K leaves at most one unit.
const HOTSPOT_PRINT_TOLERANCE_K: f64 = 0.01 + 1e-9;

/// Our direct solve against HotSpot's network iterated to convergence and printed to 1e-6 K:
/// the print's rounding (5e-7 K) plus what is left of HotSpot's sweeps stopped at 1e-11 K per
/// sweep and of our sparse solve's round-off (measured worst: 5.4e-7 K on both examples).
const CONVERGED_TOLERANCE_K: f64 = 1e-6;

/// HotSpot's own network solved to convergence (its sweeps run to 1e-11 K, six decimals
/// printed, `converged/`): our direct solve agrees to the print, every block and cell.
fn assert_converged(
    model: &GridModel,
    temperatures: &grid::GridTemperatures,
    mode: MapMode,
    folder: &str,
) {
    let converged = values(&read(&format!("{folder}/converged/example.steady")));
    let ours = model.steady_values(temperatures, mode);
    assert_eq!(ours.len(), converged.len());
    let mut worst: f64 = 0.0;
    for ((name, value), (hotspot_name, hotspot_value)) in ours.iter().zip(&converged) {
        assert_eq!(name, hotspot_name);
        worst = worst.max((value - hotspot_value).abs());
    }
    let cells = values(&read(&format!("{folder}/converged/example.grid.steady")));
    assert_eq!(cells.len(), temperatures.cells_k.iter().map(Vec::len).sum::<usize>());
    for (value, (_, hotspot_value)) in temperatures.cells_k.iter().flatten().zip(&cells) {
        worst = worst.max((value - hotspot_value).abs());
    }
    assert!(worst < CONVERGED_TOLERANCE_K, "{folder} converged: {worst} K");
}

#[test]
fn example3_two_active_dies_match_hotspot_at_every_block_and_cell() {
    let (model, trace, mode) =
        lcf_example("example3", "example.lcf", "example.ptrace", Some("example.materials"));
    assert_eq!(mode, MapMode::Avg);
    let (temperatures, rise) = model.steady(&trace).unwrap();
    let power_w: f64 = trace.mean_w().iter().sum();
    let out_w = model.network().heat_to_ambient(&rise);
    assert!(((out_w - power_w) / power_w).abs() < 1e-9, "in {power_w} W, out {out_w} W");
    let steady = model.steady_file(&temperatures, mode);
    let hotspot = read("example3/reference/example.steady");
    assert_eq!(steady.lines().count(), 90);
    let worst = largest_difference(&steady, &hotspot);
    assert!(worst <= HOTSPOT_PRINT_TOLERANCE_K, "blocks: {worst} K");
    let grid = model.grid_file(&temperatures);
    let worst = largest_difference(&grid, &read("example3/reference/example.grid.steady"));
    assert!(worst <= HOTSPOT_PRINT_TOLERANCE_K, "cells: {worst} K");
    assert_converged(&model, &temperatures, mode, "example3");
    // The block that was 23 K too cool before the detailed 3-D network: layer 2's IntReg.
    let int_reg = values(&steady).into_iter().find(|(name, _)| name == "layer_2_IntReg").unwrap();
    assert!((int_reg.1 - 369.43).abs() <= HOTSPOT_PRINT_TOLERANCE_K, "{}", int_reg.1);
}

#[test]
fn example4_three_tiers_with_tsvs_match_hotspot_in_center_mode() {
    let (model, trace, mode) = lcf_example("example4", "ev6_3D.lcf", "ev6_3D.ptrace", None);
    assert_eq!(mode, MapMode::Center);
    let (temperatures, rise) = model.steady(&trace).unwrap();
    let power_w: f64 = trace.mean_w().iter().sum();
    let out_w = model.network().heat_to_ambient(&rise);
    assert!(((out_w - power_w) / power_w).abs() < 1e-9, "in {power_w} W, out {out_w} W");
    let steady = model.steady_file(&temperatures, mode);
    let worst = largest_difference(&steady, &read("example4/reference/example.steady"));
    assert!(worst <= HOTSPOT_PRINT_TOLERANCE_K, "blocks: {worst} K");
    let grid = model.grid_file(&temperatures);
    let worst = largest_difference(&grid, &read("example4/reference/example.grid.steady"));
    assert!(worst <= HOTSPOT_PRINT_TOLERANCE_K, "cells: {worst} K");
    assert_converged(&model, &temperatures, mode, "example4");
    // The TSV rows (k = 172 W/(m K) in the TIM layers, k = 4 around them) carry the cache
    // tiers' heat down: with their own columns removed the top tier's hottest cell runs
    // 0.22 K hotter (the TSV rows are 3 % of the die).
    let config = parse::config("example.config", &read("example4/example.config")).unwrap();
    let layers =
        parse::layer_configuration("ev6_3D.lcf", &read("example4/ev6_3D.lcf"), &BTreeMap::new())
            .unwrap();
    let without_tsvs = Stack::Lcf(
        layers
            .into_iter()
            .map(|layer| {
                let text = read(&format!("example4/{}", layer.floorplan_file));
                let mut floorplan = parse::floorplan(&layer.floorplan_file, &text).unwrap();
                for block in &mut floorplan.blocks {
                    block.material = None;
                }
                (layer, floorplan)
            })
            .collect(),
    );
    let plain =
        model_from_config(&config, &BTreeMap::new(), without_tsvs, &trace, 64, 64, true).unwrap();
    let (plain_temperatures, _) = plain.steady(&trace).unwrap();
    let hottest = |cells: &[f64]| cells.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (with, without) =
        (hottest(&temperatures.cells_k[0]), hottest(&plain_temperatures.cells_k[0]));
    assert!((without - with - 0.22).abs() < 0.01, "{without} vs {with}");
}

fn block(name: &str, left_mm: f64, width_mm: f64, material: Option<Material>) -> Block {
    Block {
        name: name.to_string(),
        width_m: width_mm * 1e-3,
        height_m: 2e-3,
        left_m: left_mm * 1e-3,
        bottom_m: 0.0,
        material,
    }
}

fn layer(blocks: Vec<Block>, k: f64, rho_c: f64, thickness_m: f64, has_power: bool) -> GridLayer {
    GridLayer {
        prefix: String::new(),
        thickness_m,
        k_w_per_mk: k,
        rho_c_j_per_m3k: rho_c,
        lateral: true,
        has_power,
        floorplan: Floorplan { blocks, width_m: 4e-3, height_m: 2e-3 },
        channels: None,
    }
}

fn package() -> PackageParameters {
    PackageParameters {
        spreader_side_m: 0.01,
        spreader_thickness_m: 1e-3,
        spreader_k_w_per_mk: 400.0,
        spreader_rho_c_j_per_m3k: 3.55e6,
        sink_side_m: 0.02,
        sink_thickness_m: 5e-3,
        sink_k_w_per_mk: 400.0,
        sink_rho_c_j_per_m3k: 3.55e6,
        r_convec_k_per_w: 0.5,
        c_convec_j_per_k: 100.0,
    }
}

#[test]
fn detailed_cells_follow_hotspot_occupancy_rules_by_hand() {
    // A 4 x 2 mm die on 1 row x 4 columns of 1 x 2 mm cells. Layer 0: block A (1.5 mm, the
    // layer's material) and block B (2.5 mm, its own material, a "TSV"); layer 1 one block.
    // Cell 0 is all A (locked to A), cell 1 half A half B (conductances weighted by
    // occupancy, not locked, so the layer's capacitance), cells 2 and 3 all B (locked to B).
    let (k, rho_c, t) = (100.0, 1.75e6, 1.5e-4);
    let tsv = Material { k_w_per_mk: 1.0 / 0.0058, rho_c_j_per_m3k: 4e6 };
    let (k1, rho_c1, t1) = (4.0, 4e6, 2e-5);
    let layers = vec![
        layer(vec![block("A", 0.0, 1.5, None), block("B", 1.5, 2.5, Some(tsv))], k, rho_c, t, true),
        layer(vec![block("C", 0.0, 4.0, None)], k1, rho_c1, t1, false),
    ];
    let names = vec!["A".to_string(), "B".to_string()];
    let model = GridModel::new(layers.clone(), &package(), 1, 4, 318.15, &names, true).unwrap();
    let (cw, ch, area) = (1e-3, 2e-3, 2e-6);
    let conductance = |a: usize, b: usize| -> f64 {
        model
            .network()
            .edges()
            .filter(|(x, y, _)| (*x, *y) == (a, b) || (*x, *y) == (b, a))
            .map(|(_, _, g)| g)
            .sum()
    };
    let g_z = |k: f64, t: f64| k * area / t;
    let mixed_gz = 0.5 * g_z(k, t) + 0.5 * g_z(tsv.k_w_per_mk, t);
    let rz1 = 1.0 / g_z(k1, t1);
    // Top layer to the next: the top cell's whole rz plus half the lower cell's.
    for (cell, rz0) in [
        (0, 1.0 / g_z(k, t)),
        (1, 1.0 / mixed_gz),
        (2, 1.0 / g_z(tsv.k_w_per_mk, t)),
        (3, 1.0 / g_z(tsv.k_w_per_mk, t)),
    ] {
        let expected = 1.0 / (rz0 + rz1 / 2.0);
        let got = conductance(cell, 4 + cell);
        assert!((got - expected).abs() < 1e-12 * expected, "cell {cell}: {got} vs {expected}");
    }
    // Layer 1 to the spreader: half of each rz.
    let rz_sp = 1e-3 / (400.0 * area);
    let expected = 1.0 / (rz1 / 2.0 + rz_sp / 2.0);
    assert!((conductance(5, 9) - expected).abs() < 1e-12 * expected);
    // East-west neighbours through HotSpot's ry = ch/(k cw t) (its find_res), half from each.
    let ry = |k: f64| ch / (k * cw * t);
    let mixed_ry = 1.0 / (0.5 / ry(k) + 0.5 / ry(tsv.k_w_per_mk));
    let expected = 1.0 / (ry(k) / 2.0 + mixed_ry / 2.0);
    assert!((conductance(0, 1) - expected).abs() < 1e-12 * expected);
    // Capacitances: locked cells their block's, the mixed cell the layer's.
    let caps = model.network().capacitances();
    let cap = |rho_c: f64| C_FACTOR * rho_c * t * area;
    for (cell, expected) in [(0, cap(rho_c)), (1, cap(rho_c)), (2, cap(4e6)), (3, cap(4e6))] {
        assert!((caps[cell] - expected).abs() < 1e-12 * expected, "cell {cell}");
    }
    // Without detailed 3-D the block material is ignored and the top rz is the whole layer's.
    let plain = GridModel::new(layers, &package(), 1, 4, 318.15, &names, false).unwrap();
    let plain_g: f64 = plain
        .network()
        .edges()
        .filter(|(x, y, _)| (*x, *y) == (2, 6) || (*x, *y) == (6, 2))
        .map(|(_, _, g)| g)
        .sum();
    assert!((plain_g - g_z(k, t)).abs() < 1e-12 * g_z(k, t));
}

#[test]
fn detailed_3d_refuses_a_cell_under_no_block_and_reads_columns_layer_by_layer() {
    let (k, rho_c, t) = (100.0, 1.75e6, 1.5e-4);
    // Block A covers 0 to 1.5 mm, B 2 to 4 mm: the cell from 1 to 2 mm is partly covered,
    // and a 0.5 mm gap leaves no cell uncovered at 4 cells; at 8 cells, 1.5 to 2 mm is bare.
    let gap = vec![
        layer(vec![block("A", 0.0, 1.5, None), block("B", 2.0, 2.0, None)], k, rho_c, t, true),
        layer(vec![block("C", 0.0, 4.0, None)], 4.0, 4e6, 2e-5, false),
    ];
    let names = vec!["A".to_string(), "B".to_string()];
    assert!(GridModel::new(gap.clone(), &package(), 1, 4, 318.15, &names, true).is_ok());
    let error = GridModel::new(gap.clone(), &package(), 1, 8, 318.15, &names, true)
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("cell (row 0, column 3) of layer 0 (x 1.5000 to 2.0000 mm"), "{error}");
    // HotSpot's default network has no such need.
    assert!(GridModel::new(gap, &package(), 1, 8, 318.15, &names, false).is_ok());

    // Two power layers: the first layer's columns first. Swapped shares are refused.
    let two = vec![
        layer(vec![block("A", 0.0, 4.0, None)], k, rho_c, t, true),
        layer(vec![block("B", 0.0, 4.0, None)], k, rho_c, t, true),
    ];
    let swapped = vec!["B".to_string(), "A".to_string()];
    let error = GridModel::new(two.clone(), &package(), 1, 4, 318.15, &swapped, true)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        error,
        "power trace column 1 (B) is among columns 1 to 1, which HotSpot reads as the blocks of layer 0, but layer 0's floorplan has no block B: order the columns layer by layer"
    );
    let model = GridModel::new(two, &package(), 1, 4, 318.15, &names, true).unwrap();
    let power = model.node_power(&[2.0, 3.0]);
    for (cell, expected) in [(0, 0.5), (3, 0.5), (4, 0.75), (7, 0.75)] {
        assert!((power[cell] - expected).abs() < 1e-12, "node {cell}: {}", power[cell]);
    }
}

#[test]
fn example2_on_oblong_cells_matches_hotspot_north_south_through_rx() {
    // 32 rows x 64 columns of the 16 mm die: cells twice as tall as wide. HotSpot's find_res
    // joins north-south neighbours through rx = cw/(k ch t) and east-west ones through
    // ry = ch/(k cw t) (swapped from the cell's geometry; the same on square cells), which moves
    // blocks by up to 2.3 K here; HotSpot's output on this grid is matched only with its rule.
    let config = parse::config("example.config", &read("example2/example.config")).unwrap();
    let materials =
        parse::materials("example.materials", &read("example2/example.materials")).unwrap();
    let floorplan = parse::floorplan("ev6.flp", &read("example2/ev6.flp")).unwrap();
    let trace = parse::power_trace("gcc.ptrace", &read("example2/gcc.ptrace")).unwrap();
    let model =
        model_from_config(&config, &materials, Stack::Default(floorplan), &trace, 32, 64, false)
            .unwrap();
    let (temperatures, _) = model.steady(&trace).unwrap();
    let steady = model.steady_file(&temperatures, MapMode::Avg);
    // HotSpot's multigrid stops at 1e-6 K per sweep as well; the same one-unit bound holds.
    let worst = largest_difference(&steady, &read("example2/reference/gcc_32x64.steady"));
    assert!(worst <= HOTSPOT_PRINT_TOLERANCE_K, "{worst} K");
}

/// A transient trace in HotSpot's layout: the column names, then rows of temperatures.
fn trace_values(text: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let mut lines = text.lines();
    let names = lines.next().unwrap().split_whitespace().map(str::to_string).collect();
    let rows = lines
        .map(|line| line.split_whitespace().map(|value| value.parse().unwrap()).collect())
        .collect();
    (names, rows)
}

#[test]
fn examples_3_and_4_transients_match_hotspot_rk4_traces() {
    // HotSpot's run.sh transients (its default build's adaptive RK4): example3 from the
    // config's uniform -init_temp, example4 from its own steady file as -init_file. Our RK4
    // ends each sampling interval as the block model does where HotSpot's grid build takes
    // one remainder step, a difference inside RK4's 0.01 K step tolerance; with the prints'
    // rounding every value stays within one unit of the last digit (measured: at most 0.01 K).
    for (folder, lcf, ptrace, materials, initial, reference) in [
        (
            "example3",
            "example.lcf",
            "example.ptrace",
            Some("example.materials"),
            None,
            "example.ttrace",
        ),
        (
            "example4",
            "ev6_3D.lcf",
            "ev6_3D.ptrace",
            None,
            Some("reference/example.steady"),
            "example.transient",
        ),
    ] {
        let (model, trace, mode) = lcf_example(folder, lcf, ptrace, materials);
        let config =
            parse::config("example.config", &read(&format!("{folder}/example.config"))).unwrap();
        let settings = run_settings(&config).unwrap();
        let start = match initial {
            Some(file) => {
                model.initial_from_steady_file(file, &read(&format!("{folder}/{file}"))).unwrap()
            }
            None => model.uniform(settings.init_temp_k),
        };
        let (rows, _) = model
            .transient(
                &trace,
                &start,
                settings.sampling_interval_s,
                block::TransientMethod::HotSpotRk4,
                mode,
            )
            .unwrap();
        let (names, hotspot) = trace_values(&read(&format!("{folder}/reference/{reference}")));
        assert_eq!(names, trace.names, "{folder}");
        assert_eq!(rows.len(), hotspot.len(), "{folder}");
        let mut worst: f64 = 0.0;
        for (row, hotspot_row) in rows.iter().zip(&hotspot) {
            assert_eq!(row.len(), hotspot_row.len());
            for (value, hotspot_value) in row.iter().zip(hotspot_row) {
                worst = worst.max((value - hotspot_value).abs());
            }
        }
        assert!(worst <= HOTSPOT_PRINT_TOLERANCE_K, "{folder}: {worst} K");
    }
}

#[test]
fn two_power_layers_may_share_a_floorplan_with_columns_read_layer_by_layer() {
    // Example3's stack with layer 0 on floorplan2 as well: two identical dies. The trace
    // repeats floorplan2's names, the first copy for layer 0, the second for layer 2.
    let config = parse::config("example.config", &read("example3/example.config")).unwrap();
    let materials =
        parse::materials("example.materials", &read("example3/example.materials")).unwrap();
    let layers =
        parse::layer_configuration("example.lcf", &read("example3/example.lcf"), &materials)
            .unwrap();
    let floorplan2 = parse::floorplan("floorplan2.flp", &read("example3/floorplan2.flp")).unwrap();
    let stack =
        || Stack::Lcf(layers.iter().map(|layer| (layer.clone(), floorplan2.clone())).collect());
    let names: Vec<&str> = floorplan2.blocks.iter().map(|block| block.name.as_str()).collect();
    let header = [names.join("\t"), names.join("\t")].join("\t");
    // Layer 0 at 1 W per block, layer 2 at 2 W per block.
    let row = [vec!["1"; names.len()].join("\t"), vec!["2"; names.len()].join("\t")].join("\t");
    let trace = parse::power_trace("twins.ptrace", &format!("{header}\n{row}\n")).unwrap();
    let model = model_from_config(&config, &materials, stack(), &trace, 16, 16, true).unwrap();
    let power = model.node_power(&trace.mean_w());
    let cells = 16 * 16;
    let layer_w = |layer: usize| power[layer * cells..(layer + 1) * cells].iter().sum::<f64>();
    let blocks = names.len() as f64;
    assert!((layer_w(0) - blocks).abs() < 1e-9 && (layer_w(2) - 2.0 * blocks).abs() < 1e-9);
    assert!(layer_w(1).abs() < 1e-12 && layer_w(3).abs() < 1e-12);
    // A name repeated inside one layer's share is refused by file, line and column.
    let twice = header.replacen("L2_left", "L2", 1);
    let trace = parse::power_trace("twins.ptrace", &format!("{twice}\n{row}\n")).unwrap();
    let error = model_from_config(&config, &materials, stack(), &trace, 16, 16, true);
    assert_eq!(
        error.err().unwrap().to_string(),
        "twins.ptrace:1: column 2: block L2 appears twice among the columns of power layer 0"
    );
}
