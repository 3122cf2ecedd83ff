//! Speed of the native model's steady state on a package-like stack of 16 cell layers (a
//! copper lid in 6, a TIM in 2, a die layer in 4 whose footprint covers only the middle, a
//! substrate in 4), built and solved at 128 x 128 (262 k nodes) and 256 x 256 (1.05 M nodes),
//! both above `DIRECT_SOLVE_MAX_NODES` so by multigrid-preconditioned CG; and the CPO package
//! at the default 64 x 64 grid with either cold plate.
//! Run: `cargo bench -p cporamp-thermal --bench native`. Figures go in BENCHMARKS.md.

use cporamp_core::check::Checker;
use cporamp_core::units::Millimetres;
use cporamp_thermal::native::{Boundaries, Layer, Material, Model, Rect, Source};
use cporamp_thermal::package::{PackageGeometry, PackageModel};
use cporamp_thermal::settings::{self, HeatSinkKind, ThermalSettings};

fn main() {
    divan::main();
}

fn stack(cells: usize) -> Model {
    let side = 0.03;
    let square = Rect { x_m: 0.0, y_m: 0.0, width_m: side, height_m: side };
    let inner = Rect { x_m: 0.005, y_m: 0.004, width_m: 0.02, height_m: 0.021 };
    let die = Rect { x_m: 0.009, y_m: 0.009, width_m: 0.012, height_m: 0.01 };
    let material = |k_w_per_mk, rho_c_j_per_m3k| Material { k_w_per_mk, rho_c_j_per_m3k };
    let layer = |name: &str, thickness_m, n_sublayers, material, footprint, regions| Layer {
        name: name.to_string(),
        thickness_m,
        n_sublayers,
        material,
        footprint,
        regions,
    };
    let layers = vec![
        layer("lid", 2e-3, 6, material(390.0, 3.45e6), square, Vec::new()),
        layer("tim", 1e-4, 2, material(4.0, 4.0e6), square, Vec::new()),
        layer("dies", 7.5e-4, 4, material(0.9, 1.8e6), inner, vec![(die, material(130.0, 1.63e6))]),
        layer("substrate", 1.5e-3, 4, material(15.0, 2.0e6), square, Vec::new()),
    ];
    let sources = [
        Source { name: "asic".to_string(), layer: 2, rect: die, power_w: 300.0 },
        Source {
            name: "engine".to_string(),
            layer: 2,
            rect: Rect { x_m: 0.0055, y_m: 0.005, width_m: 0.002, height_m: 0.004 },
            power_w: 12.0,
        },
    ];
    let boundaries =
        Boundaries { top_h_w_per_m2k: 2.0e4, bottom_h_w_per_m2k: 50.0, fluid_temp_c: 35.0 };
    Model::new(layers, &sources, boundaries, cells, cells).unwrap()
}

/// Build the stack and solve its steady state.
#[divan::bench(args = [128, 256], sample_count = 3, sample_size = 1)]
fn steady_16_layers(cells: usize) {
    let model = stack(cells);
    divan::black_box(model.steady().unwrap());
}

/// The default scenario's `[thermal]` section, checked by the engine's own resolver.
fn default_thermal() -> ThermalSettings {
    let text = include_str!("../../cporamp-scenario/presets/default.toml");
    let mut file: toml::Table = toml::from_str(text).unwrap();
    let settings: ThermalSettings = file.remove("thermal").unwrap().try_into().unwrap();
    let mut checker = Checker::default();
    settings::check(&mut checker, &settings, &["51.2T".into(), "102.4T".into()]);
    assert!(checker.diagnostics.is_empty(), "{:?}", checker.diagnostics);
    settings
}

/// The CPO package at the default scenario's 64 x 64 grid, built (and factored) and evaluated
/// once, with the correlation's cold plate and with 3D-ICE's 4-resistor microchannel plate.
#[divan::bench(args = ["correlation", "microchannel_4rm"], sample_count = 3, sample_size = 1)]
fn package_64(kind: &str) {
    let mut settings = default_thermal();
    if kind == "microchannel_4rm" {
        settings.cold_plate.kind = HeatSinkKind::Microchannel4rm;
    }
    let load = PackageGeometry {
        n_engines: 16,
        engine_edge_mm: Millimetres(15.0),
        asic_side_mm: Millimetres(30.0),
    };
    let model = PackageModel::new(&settings, &load).unwrap();
    divan::black_box(model.evaluate(470.0, 25.0, 35.0).unwrap());
}
