//! A local sweep: 8 scenarios of the quick scenario (`@quick`, the coolant inlet at 8
//! values) running thermal, photonics and yield, on 1 and 2 threads. Scenarios per second
//! = 8 / the time of one sample. Run: `cargo bench -p cporamp-sweep --bench sweep`. Figures
//! go in BENCHMARKS.md (with the Python package's local and Ray sweeps of the same 8).

use std::num::NonZeroUsize;

use cporamp_sweep::{Axis, Engine, Seeds, Sweep};

fn main() {
    divan::main();
}

fn inlet_sweep() -> Sweep {
    let values = (0..8).map(|i| toml::Value::Float(25.0 + 2.5 * f64::from(i))).collect();
    let axes = vec![Axis { path: "thermal.cold_plate.nominal_inlet_c".to_string(), values }];
    let base = cporamp_scenario::quick_scenario_toml();
    Sweep::new(
        &base,
        "@quick",
        axes,
        &[Engine::Thermal, Engine::Photonics, Engine::Yield],
        Seeds::Derived,
    )
    .expect("the inlet sweep is valid")
}

#[divan::bench(args = [1, 2], sample_count = 3, sample_size = 1)]
fn eight_quick_scenarios(bencher: divan::Bencher, threads: usize) {
    let sweep = inlet_sweep();
    let threads = NonZeroUsize::new(threads).expect("threads > 0");
    bencher.bench(|| {
        let rows = sweep.run(threads);
        assert!(rows.iter().all(|row| row.outcome.is_ok()), "every scenario runs");
        rows
    });
}
