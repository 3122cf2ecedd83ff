//! The co-design sweep over the default scenario's grid (`[codesign]`: 288 design points of
//! `cpo_els` at 102.4T on a 24-cell package, each through the pipeline's fixed point, with
//! the flaps' photonics runs at their drift nodes), on 1 and 2 threads. Run:
//! `cargo bench -p cporamp-codesign --bench codesign`. Figures go in BENCHMARKS.md.

fn main() {
    divan::main();
}

#[divan::bench(args = [1, 2], sample_count = 5, sample_size = 1)]
fn default_grid(bencher: divan::Bencher, threads: usize) {
    let scenario = cporamp_scenario::load_default().expect("the default scenario loads");
    bencher.bench(|| {
        let result = cporamp_codesign::codesign(&scenario, threads).expect("the sweep runs");
        assert_eq!(result.points.len(), 288);
        assert!(result.points.iter().all(|point| point.error.is_none()), "every point solves");
        result
    });
}
