//! HotSpot 7's microchannel layer: example5 (a 39 x 39-cell stack with a horizontal channel
//! layer between an interposer and a heater) against the outputs of HotSpot itself (its
//! SuperLU build, the only one that runs microchannels), and the coolant's energy balance.

use super::grid::{GridModel, MapMode};
use super::*;

const FOLDER: &str = "tests/data/hotspot/example5";

fn read(path: &str) -> String {
    #[allow(clippy::disallowed_methods, reason = "test fixture")]
    std::fs::read_to_string(format!("{}/{FOLDER}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Example5 as its `run.sh` builds it: `-materials_file example.materials -grid_layer_file
/// example.lcf -model_type grid -detailed_3D on -use_microchannels 1`.
fn example5() -> (GridModel, PowerTrace, RunSettings) {
    let config = parse::config("example.config", &read("example.config")).unwrap();
    let materials = parse::materials("example.materials", &read("example.materials")).unwrap();
    let fluid_viscosities =
        parse::fluid_viscosities("example.materials", &read("example.materials")).unwrap();
    let layers = parse::layer_configuration("example.lcf", &read("example.lcf"), &materials)
        .unwrap()
        .into_iter()
        .map(|layer| {
            let text = read(&layer.floorplan_file);
            let file = if layer.floorplan_file.ends_with(".csv") {
                LayerFile::Channels(
                    microchannel::channel_grid(&layer.floorplan_file, &text).unwrap(),
                )
            } else {
                LayerFile::Floorplan(parse::floorplan(&layer.floorplan_file, &text).unwrap())
            };
            (layer, file)
        })
        .collect();
    let trace = parse::power_trace("example.ptrace", &read("example.ptrace")).unwrap();
    let settings = run_settings(&config).unwrap();
    let rows = config.positive("grid_rows", "cells").unwrap() as usize;
    let cols = config.positive("grid_cols", "cells").unwrap() as usize;
    let stack = Stack::Microchannels { layers, fluid_viscosities };
    let model = model_from_config(&config, &materials, stack, &trace, rows, cols, true).unwrap();
    (model, trace, settings)
}

/// `name value` lines of a HotSpot output (grid files: `index value` under `Layer n:`).
fn values(text: &str) -> Vec<(String, f64)> {
    text.lines()
        .filter(|line| !line.starts_with("Layer ") && !line.trim().is_empty())
        .map(|line| {
            let (name, value) = line.split_once('\t').unwrap();
            (name.to_string(), value.parse().unwrap())
        })
        .collect()
}

/// HotSpot's SuperLU build solves the same network directly, so its two-decimal print is our
/// value rounded: every node within half a unit of the last digit, plus the difference of
/// the two direct solves (below 1e-6 K, see [`SIX_DECIMALS_K`]).
const HALF_PRINT_UNIT_K: f64 = 0.005 + 1e-6;

/// Against the same HotSpot build printing six decimals (`precise/`, see
/// `tests/data/hotspot/README.md`): the print's rounding, 5e-7 K, plus the two direct solves'
/// round-off (measured worst: 5.0e-7 K steady, 4.0e-7 K transient, so the solves agree to
/// the print).
const SIX_DECIMALS_K: f64 = 1e-6;

/// The largest difference between our steady nodes (`.steady` layout) and cells and a
/// HotSpot output pair in `folder`.
fn steady_difference(
    model: &GridModel,
    temperatures: &grid::GridTemperatures,
    mode: MapMode,
    folder: &str,
) -> f64 {
    let ours = model.steady_values(temperatures, mode);
    let hotspot = values(&read(&format!("{folder}/example.steady")));
    // 1 interposer + 39 x 39 channel cells + silicon + 2 heater blocks + DRAM, then spreader,
    // sink and the 12 package nodes.
    assert_eq!(ours.len(), 1 + 39 * 39 + 1 + 2 + 1 + 2 + 12);
    assert_eq!(ours.len(), hotspot.len());
    let mut worst: f64 = 0.0;
    for ((name, value), (hotspot_name, hotspot_value)) in ours.iter().zip(&hotspot) {
        assert_eq!(name, hotspot_name);
        worst = worst.max((value - hotspot_value).abs());
    }
    let cells = values(&read(&format!("{folder}/example.grid.steady")));
    assert_eq!(cells.len(), 7 * 39 * 39);
    for (value, (_, hotspot_value)) in temperatures.cells_k.iter().flatten().zip(&cells) {
        worst = worst.max((value - hotspot_value).abs());
    }
    worst
}

#[test]
fn example5_steady_matches_hotspot_at_every_block_and_cell() {
    let (model, trace, settings) = example5();
    assert!(model.has_microchannels());
    let (temperatures, _) = model.steady(&trace).unwrap();
    let printed = steady_difference(&model, &temperatures, settings.map_mode, "reference");
    assert!(printed <= HALF_PRINT_UNIT_K, "example5 steady: {printed} K");
    let precise = steady_difference(&model, &temperatures, settings.map_mode, "precise");
    assert!(precise <= SIX_DECIMALS_K, "example5 steady, six decimals: {precise} K");
}

/// Our transient from HotSpot's steady file in `folder` against its transient there.
fn transient_difference(
    model: &GridModel,
    trace: &PowerTrace,
    settings: &RunSettings,
    folder: &str,
) -> f64 {
    let init = format!("{folder}/example.steady");
    let initial = model.initial_from_steady_file(&init, &read(&init)).unwrap();
    let (rows, _) = model
        .transient(
            trace,
            &initial,
            settings.sampling_interval_s,
            block::TransientMethod::Fixed(crate::network::TimeScheme::BackwardEuler),
            settings.map_mode,
        )
        .unwrap();
    let text = read(&format!("{folder}/example.transient"));
    let mut lines = text.lines();
    let names: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(names, trace.names);
    let hotspot: Vec<Vec<f64>> = lines
        .map(|line| line.split_whitespace().map(|value| value.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), hotspot.len());
    let mut worst: f64 = 0.0;
    for (row, hotspot_row) in rows.iter().zip(&hotspot) {
        assert_eq!(row.len(), hotspot_row.len());
        for (value, hotspot_value) in row.iter().zip(hotspot_row) {
            worst = worst.max((value - hotspot_value).abs());
        }
    }
    worst
}

#[test]
fn example5_transient_matches_hotspot_backward_euler() {
    // run.sh's second command: the steady file as -init_file (read as HotSpot reads it, from
    // its printed values), one backward-Euler step per 10 ms trace row (HotSpot's SuperLU
    // transient).
    let (model, trace, settings) = example5();
    let printed = transient_difference(&model, &trace, &settings, "reference");
    assert!(printed <= HALF_PRINT_UNIT_K, "example5 transient: {printed} K");
    let precise = transient_difference(&model, &trace, &settings, "precise");
    assert!(precise <= SIX_DECIMALS_K, "example5 transient, six decimals: {precise} K");
}

#[test]
fn example5_coolant_carries_the_heat_it_receives() {
    let (model, trace, _) = example5();
    let (temperatures, rise) = model.steady(&trace).unwrap();
    let (heat_in_w, carried_w) = model.coolant_balance_w(&temperatures).unwrap();
    // The example's spreader and sink are of material `none` (k = 1e-5 W/(m K)): nearly all
    // of the 32.7 W (the trace's mean) leaves with the coolant. Measured: 8.7e-13 relative.
    assert!((heat_in_w - 32.7).abs() < 1e-3, "{heat_in_w} W");
    assert!(
        ((heat_in_w - carried_w) / heat_in_w).abs() < 1e-9,
        "into the channels {heat_in_w} W, carried out {carried_w} W"
    );
    // Everything dissipated leaves through the sink or with the coolant.
    let total_w: f64 = trace.mean_w().iter().sum();
    let to_ambient_w = model.network().heat_to_ambient(&rise);
    assert!(
        ((to_ambient_w + carried_w - total_w) / total_w).abs() < 1e-9,
        "dissipated {total_w} W, to ambient {to_ambient_w} W, to coolant {carried_w} W"
    );
}
