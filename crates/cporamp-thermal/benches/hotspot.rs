//! Speed of the HotSpot-compatible grid model on HotSpot's example2 (ev6, 16 mm die,
//! 4 layers): steady state at 64² to 512², and a 100-row transient at 64²; and HotSpot's
//! block model on example1 (steady, and the 100-row transient with HotSpot's adaptive RK4).
//! Run: `cargo bench -p cporamp-thermal --bench hotspot`. Figures go in BENCHMARKS.md.

use cporamp_thermal::hotspot::block::TransientMethod;
use cporamp_thermal::hotspot::grid::MapMode;
use cporamp_thermal::hotspot::{self, Stack, parse};
use cporamp_thermal::network::TimeScheme;

// HotSpot's examples, vendored unmodified (tests/data/hotspot/README.md). Example1 ships
// the same ev6.flp and gcc.ptrace as example2, so only its config is vendored.
const CONFIG: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/hotspot/example2/example.config"
));
const FLOORPLAN: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hotspot/example2/ev6.flp"));
const TRACE: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hotspot/example2/gcc.ptrace"));
const MATERIALS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/hotspot/example2/example.materials"
));

fn main() {
    divan::main();
}

fn model(size: usize) -> (hotspot::grid::GridModel, parse::PowerTrace) {
    let config = parse::config("example.config", CONFIG).unwrap();
    let materials = parse::materials("example.materials", MATERIALS).unwrap();
    let floorplan = parse::floorplan("ev6.flp", FLOORPLAN).unwrap();
    let trace = parse::power_trace("gcc.ptrace", TRACE).unwrap();
    let model = hotspot::model_from_config(
        &config,
        &materials,
        Stack::Default(floorplan),
        &trace,
        size,
        size,
        false,
    )
    .unwrap();
    (model, trace)
}

/// Build the network and solve the steady state, as `cporamp thermal` does.
#[divan::bench(args = [64, 128, 256], sample_count = 5, sample_size = 1)]
fn steady(size: usize) {
    let (model, trace) = model(size);
    divan::black_box(model.steady(&trace).unwrap());
}

#[divan::bench(args = [512], sample_count = 2, sample_size = 1)]
fn steady_large(size: usize) {
    let (model, trace) = model(size);
    divan::black_box(model.steady(&trace).unwrap());
}

/// 100 backward-Euler steps of one sampling interval (10 ms) each at 64².
#[divan::bench(sample_count = 5, sample_size = 1)]
fn transient_100_steps_64() {
    let (model, trace) = model(64);
    let initial = model.uniform(318.15);
    divan::black_box(
        model
            .transient(
                &trace,
                &initial,
                0.01,
                TransientMethod::Fixed(TimeScheme::BackwardEuler),
                MapMode::Avg,
            )
            .unwrap(),
    );
}

const EXAMPLE1_CONFIG: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/hotspot/example1/example.config"
));

fn example1() -> (hotspot::block::BlockModel, parse::PowerTrace) {
    let config = parse::config("example.config", EXAMPLE1_CONFIG).unwrap();
    let floorplan = parse::floorplan("ev6.flp", FLOORPLAN).unwrap();
    let trace = parse::power_trace("gcc.ptrace", TRACE).unwrap();
    let model = hotspot::block_model_from_config(
        &config,
        &std::collections::BTreeMap::new(),
        floorplan,
        &trace,
    )
    .unwrap();
    (model, trace)
}

#[divan::bench]
fn block_steady_example1() {
    let (model, trace) = example1();
    divan::black_box(model.steady(&trace).unwrap());
}

#[divan::bench]
fn block_transient_rk4_100_rows_example1() {
    let (model, trace) = example1();
    let initial = model.uniform(318.15);
    divan::black_box(model.transient(&trace, &initial, 0.01, TransientMethod::HotSpotRk4).unwrap());
}
