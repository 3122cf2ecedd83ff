//! Lock-loop throughput in lane-steps per second: 512 lanes for one minute at 1 kHz
//! (30.7 million lane-steps) on 2 threads, feedback only, with heater crosstalk in rows of 16. The goal is 100 million
//! lane-steps per second, so that 512 lanes x 1 hour at 1 kHz (1.84e9) runs in under 20 s.
//! Run: `cargo bench -p cporamp-photonics --bench lock`. Figures go in BENCHMARKS.md.

use cporamp_photonics::lock::{Lane, LoopSettings, run_lanes};

fn main() {
    divan::main();
}

const LANES: usize = 512;
const SAMPLES: usize = 60_000;

#[divan::bench(sample_count = 10)]
fn lanes_512_for_60_s_at_1_khz(bencher: divan::Bencher) {
    let settings = LoopSettings {
        kp: 0.1,
        ki: 0.3,
        capture_nm: 0.131,
        range_nm: 12.6,
        fsr_nm: 11.4,
        relock_samples: 20,
        flap_window_samples: 3,
        crosstalk: 0.05,
        group_lanes: 16,
    };
    let lanes: Vec<Lane> = (0..LANES)
        .map(|index| Lane { offset_nm: (index as f64 * 0.37) % 11.0, bad_detuning_nm: 0.1 })
        .collect();
    // A 1 s workload period: the ring drifts 0.05 nm peak to peak.
    let drift: Vec<f64> = (0..SAMPLES)
        .map(|k| 0.025 * (2.0 * std::f64::consts::PI * (k % 1000) as f64 / 1000.0).sin())
        .collect();
    bencher
        .counter(divan::counter::ItemsCount::new(LANES * SAMPLES))
        .bench(|| run_lanes(&settings, &lanes, &drift, None, None, 0, 2));
}
