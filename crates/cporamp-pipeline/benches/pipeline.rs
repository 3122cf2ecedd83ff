//! End-to-end pipeline on the default scenario: `run` (every engine, what `cporamp run`
//! computes) and `compare` (the compare <-> thermal fixed point and the comparison, what
//! `cporamp compare` computes), at the machine's thread count (`available_parallelism`).
//! Run: `cargo bench -p cporamp-pipeline --bench pipeline`. Figures go in BENCHMARKS.md.

use cporamp_pipeline::RunOptions;

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn run_default_scenario(bencher: divan::Bencher) {
    let scenario = cporamp_scenario::load_default().expect("the default scenario loads");
    let options =
        RunOptions::with_threads(std::thread::available_parallelism().expect("a thread count"));
    bencher
        .bench(|| cporamp_pipeline::run(&scenario, &options).expect("the default scenario runs"));
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn compare_default_scenario(bencher: divan::Bencher) {
    let scenario = cporamp_scenario::load_default().expect("the default scenario loads");
    let options =
        RunOptions::with_threads(std::thread::available_parallelism().expect("a thread count"));
    bencher.bench(|| {
        cporamp_pipeline::compare(&scenario, None, &options).expect("the default scenario runs")
    });
}
